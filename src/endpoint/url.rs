//! [`Endpoint`]: an absolute URI and the `host` header value that goes with it.

use std::fmt;

use http::HeaderValue;
use http::uri::{Scheme, Uri};

use super::error::EndpointError;
use crate::text::error_copy;

/// The longest URI the `http` crate parses.
const MAX_URI_LEN: usize = u16::MAX as usize - 1;

/// Where requests go: an absolute `http` or `https` URI (scheme, authority and request path)
/// and the matching `host` header value.
///
/// Build it once and reuse it: cloning is cheap and building a request from it never fails.
#[derive(Clone, PartialEq, Eq)]
pub struct Endpoint {
    uri: Uri,
    /// The `host` header value: the URI's authority without a default port.
    host: HeaderValue,
}

impl Endpoint {
    /// A custom endpoint, used as given: a local server (`http://127.0.0.1:4567`), a VPC
    /// endpoint or a proxy. The scheme is `http` or `https`; there is no query, fragment or user
    /// information; a path, if present, is the request path (`/` otherwise).
    ///
    /// ```
    /// use kinesis_proto::Endpoint;
    /// let local = Endpoint::custom("http://127.0.0.1:4567")?;
    /// assert_eq!(local.uri().to_string(), "http://127.0.0.1:4567/");
    /// assert_eq!(local.host(), "127.0.0.1:4567");
    /// assert!(Endpoint::custom("ftp://example.com").is_err());
    /// # Ok::<(), kinesis_proto::EndpointError>(())
    /// ```
    pub fn custom(url: &str) -> Result<Endpoint, EndpointError> {
        let url_owned = || error_copy(url);
        let forbidden = |part| EndpointError::ForbiddenPart {
            url: url_owned(),
            part,
        };
        let invalid = |reason: &str| EndpointError::InvalidUrl {
            url: url_owned(),
            reason: reason.to_owned(),
        };
        // The `http` URI parser copies its input before it checks the length; refuse what it
        // would refuse (`http::uri`: at most `u16::MAX - 1` bytes) without the copy.
        if url.len() > MAX_URI_LEN {
            return Err(invalid("longer than 65,534 bytes"));
        }
        // The `http` URI parser drops a fragment silently; refuse it before parsing.
        if url.contains('#') {
            return Err(forbidden("fragment"));
        }
        let uri: Uri = url
            .parse()
            .map_err(|e: http::uri::InvalidUri| invalid(&e.to_string()))?;
        let scheme = match uri.scheme() {
            Some(s) if *s == Scheme::HTTP || *s == Scheme::HTTPS => s.clone(),
            Some(_) => return Err(EndpointError::UnsupportedScheme { url: url_owned() }),
            None => return Err(invalid("no scheme; write http:// or https://")),
        };
        let no_host = || invalid("no host");
        let authority = uri.authority().ok_or_else(no_host)?;
        if authority.as_str().contains('@') {
            return Err(forbidden("user information"));
        }
        if authority.host().is_empty() {
            return Err(no_host());
        }
        if uri.query().is_some() {
            return Err(forbidden("query"));
        }
        let path = match uri.path() {
            "" => "/",
            p => p,
        };
        Self::from_parts(scheme, authority.as_str(), path)
            .ok_or_else(|| invalid("cannot be rebuilt as a request URI"))
    }

    pub(super) fn from_parts(scheme: Scheme, authority: &str, path: &str) -> Option<Endpoint> {
        let uri = Uri::builder()
            .scheme(scheme.clone())
            .authority(authority)
            .path_and_query(path)
            .build()
            .ok()?;
        // The `host` header carries the authority without a default port, as HTTP clients send
        // it (RFC 9110, section 7.2), so that a signature over it matches what goes out.
        let default_port = if scheme == Scheme::HTTPS {
            ":443"
        } else {
            ":80"
        };
        let host = authority.strip_suffix(default_port).unwrap_or(authority);
        let host = HeaderValue::from_str(host).ok()?;
        Some(Endpoint { uri, host })
    }

    /// The absolute request URI: scheme, authority and path.
    pub fn uri(&self) -> &Uri {
        &self.uri
    }

    /// The `host` header value: the authority, without a default port.
    pub fn host(&self) -> &str {
        // Built from a `&str` in `from_parts`, so always visible ASCII.
        self.host.to_str().unwrap_or("")
    }

    /// The `host` header value, ready to insert.
    pub(crate) fn host_header(&self) -> &HeaderValue {
        &self.host
    }
}

impl fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Endpoint").field(&self.uri).finish()
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.uri, f)
    }
}

/// `isValidHostLabel` of the AWS endpoint rules: 1 to 63 of `[a-zA-Z0-9-]`, not starting or
/// ending with `-`.
pub(crate) fn is_valid_host_label(label: &str) -> bool {
    let b = label.as_bytes();
    !b.is_empty()
        && b.len() <= 63
        && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-')
        && b[0] != b'-'
        && b[b.len() - 1] != b'-'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regional_hosts_use_the_partition_dns_suffix() {
        let host = |r| Endpoint::regional(r).unwrap().host().to_owned();
        assert_eq!(host("us-east-1"), "kinesis.us-east-1.amazonaws.com");
        assert_eq!(host("us-gov-west-1"), "kinesis.us-gov-west-1.amazonaws.com");
        assert_eq!(host("us-iso-east-1"), "kinesis.us-iso-east-1.c2s.ic.gov");
        assert_eq!(
            host("us-isob-east-1"),
            "kinesis.us-isob-east-1.sc2s.sgov.gov"
        );
        assert_eq!(
            host("eu-isoe-west-1"),
            "kinesis.eu-isoe-west-1.cloud.adc-e.uk"
        );
        assert_eq!(
            host("us-isof-south-1"),
            "kinesis.us-isof-south-1.csp.hci.ic.gov"
        );
        assert_eq!(
            host("eusc-de-east-1"),
            "kinesis.eusc-de-east-1.amazonaws.eu"
        );
        assert_eq!(
            Endpoint::regional("us-east-1").unwrap().uri().to_string(),
            "https://kinesis.us-east-1.amazonaws.com/"
        );
    }

    #[test]
    fn regional_refuses_regions_that_are_not_host_labels() {
        for bad in ["", "-us", "us-", "us east", "us.east-1", &"a".repeat(64)] {
            assert!(
                matches!(
                    Endpoint::regional(bad),
                    Err(EndpointError::InvalidRegion { .. })
                ),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn an_overlong_url_is_refused_before_parsing_and_kept_capped() {
        let path = "a".repeat(MAX_URI_LEN - "http://h/".len());
        assert!(Endpoint::custom(&format!("http://h/{path}")).is_ok());
        let e = Endpoint::custom(&format!("http://h/{path}a")).unwrap_err();
        let EndpointError::InvalidUrl { url, reason } = &e else {
            panic!("{e:?}")
        };
        assert_eq!(reason, "longer than 65,534 bytes");
        assert!(url.ends_with("… (61439 more bytes)"), "{}", &url[4000..]);
    }

    #[test]
    fn custom_endpoints_keep_path_and_drop_default_port_from_host() {
        let e = Endpoint::custom("https://vpce-1.kinesis.us-east-1.vpce.amazonaws.com:443/prefix/")
            .unwrap();
        assert_eq!(
            e.uri().to_string(),
            "https://vpce-1.kinesis.us-east-1.vpce.amazonaws.com:443/prefix/"
        );
        assert_eq!(e.host(), "vpce-1.kinesis.us-east-1.vpce.amazonaws.com");
        let e = Endpoint::custom("http://[::1]:4567").unwrap();
        assert_eq!(e.host(), "[::1]:4567");
        assert_eq!(e.uri().path(), "/");
    }

    #[test]
    fn custom_refuses_query_fragment_userinfo_and_other_schemes() {
        let refused = |u: &str| Endpoint::custom(u).unwrap_err();
        assert!(matches!(
            refused("http://h/?a=b"),
            EndpointError::ForbiddenPart { part: "query", .. }
        ));
        assert!(matches!(
            refused("http://h/#f"),
            EndpointError::ForbiddenPart {
                part: "fragment",
                ..
            }
        ));
        assert!(matches!(
            refused("http://u:p@h/"),
            EndpointError::ForbiddenPart { .. }
        ));
        assert!(matches!(
            refused("ftp://h/"),
            EndpointError::UnsupportedScheme { .. }
        ));
        assert!(matches!(
            refused("127.0.0.1:4567"),
            EndpointError::InvalidUrl { .. } | EndpointError::UnsupportedScheme { .. }
        ));
        assert!(matches!(
            refused("/just/a/path"),
            EndpointError::InvalidUrl { .. }
        ));
        assert!(matches!(refused(""), EndpointError::InvalidUrl { .. }));
    }
}
