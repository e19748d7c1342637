//! [`Endpoint`]: where a request goes, as an absolute URI plus the `host` header value, and
//! [`EndpointConfig`]: how to pick it, following the Kinesis endpoint rules of the AWS SDKs.

use std::fmt;

use http::uri::{Scheme, Uri};
use http::{HeaderMap, HeaderValue};

mod arn;
mod config;
mod partition;

pub use config::EndpointConfig;
use partition::Partition;

/// Where requests go: an absolute `http` or `https` URI (scheme, authority and request path)
/// and the matching `host` header value.
///
/// Build it once and reuse it: cloning is cheap and building a request from it never fails.
#[derive(Clone, PartialEq, Eq)]
pub struct Endpoint {
    uri: Uri,
    /// The headers every request to this endpoint carries, in their order, with placeholders
    /// for the operation and the length: a request clones this instead of inserting four
    /// headers one by one.
    headers: HeaderMap,
}

/// Why an endpoint could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EndpointError {
    /// The custom URL does not parse as an absolute URI.
    #[error("endpoint URL {url:?} is not an absolute URI: {reason}")]
    InvalidUrl {
        /// The URL as given.
        url: String,
        /// What the URI parser said.
        reason: String,
    },
    /// The custom URL's scheme is neither `http` nor `https`.
    #[error("endpoint URL {url:?} must use http or https")]
    UnsupportedScheme {
        /// The URL as given.
        url: String,
    },
    /// The custom URL has a query, a fragment or user information, which an endpoint cannot
    /// carry.
    #[error(
        "endpoint URL {url:?} must not have a {part}; give scheme, host, optional port and path only"
    )]
    ForbiddenPart {
        /// The URL as given.
        url: String,
        /// `query`, `fragment` or `user information`.
        part: &'static str,
    },
    /// The region is not a valid DNS host label (letters, digits and `-`, 1 to 63 characters,
    /// not starting or ending with `-`), so no endpoint host can be made from it.
    #[error("region {region:?} is not a valid host label (for example us-east-1)")]
    InvalidRegion {
        /// The region as given.
        region: String,
    },
    /// FIPS was asked for together with a custom endpoint. The rules refuse the combination:
    /// the custom URL is used as given, so it cannot be turned into a FIPS one.
    #[error(
        "FIPS cannot be combined with a custom endpoint; turn FIPS off and give the FIPS endpoint's URL as the custom endpoint, or drop the custom endpoint"
    )]
    FipsWithCustomEndpoint,
    /// Dual-stack was asked for together with a custom endpoint (refused, as FIPS is).
    #[error(
        "dual-stack cannot be combined with a custom endpoint; turn dual-stack off and give the dual-stack endpoint's URL as the custom endpoint, or drop the custom endpoint"
    )]
    DualStackWithCustomEndpoint,
    /// FIPS was asked for in a partition that has no FIPS endpoints.
    #[error(
        "region {region} is in partition {partition}, which has no FIPS endpoints; turn FIPS off"
    )]
    FipsNotSupported {
        /// The configured region.
        region: String,
        /// The region's partition.
        partition: &'static str,
    },
    /// Dual-stack was asked for in a partition that has no dual-stack endpoints.
    #[error(
        "region {region} is in partition {partition}, which has no dual-stack endpoints; turn dual-stack off"
    )]
    DualStackNotSupported {
        /// The configured region.
        region: String,
        /// The region's partition.
        partition: &'static str,
    },
    /// The stream ARN does not split into `arn:partition:service:region:account-id:resource`
    /// with a non-empty partition, service and resource (for example `arn:aws::kinesis:...`,
    /// which the `StreamARN` input pattern lets through, has an empty service).
    #[error(
        "the stream ARN does not split into arn:partition:service:region:account-id:resource with a non-empty partition, service and resource; give it as arn:aws:kinesis:us-east-1:123456789012:stream/name"
    )]
    StreamArnUnparsable,
    /// The stream ARN's account id (its fifth `:`-separated part) is not a valid host label,
    /// so no account endpoint can be made from it.
    #[error(
        "the stream ARN's account id {account_id:?} is not a valid host label; give the ARN with the stream's 12-digit account id in the fifth part"
    )]
    StreamArnAccountId {
        /// The account id part, as found.
        account_id: String,
    },
    /// The stream ARN's region (its fourth `:`-separated part) is empty or not a valid host
    /// label.
    #[error(
        "the stream ARN's region {region:?} is not a valid host label; give the ARN with the stream's region, for example arn:aws:kinesis:us-east-1:123456789012:stream/name"
    )]
    StreamArnRegion {
        /// The region part, as found.
        region: String,
    },
    /// The stream ARN names another service than `kinesis` in its third part.
    #[error(
        "the stream ARN is for service {service:?}, not kinesis; give the ARN of a Kinesis stream"
    )]
    StreamArnService {
        /// The service part, as found.
        service: String,
    },
    /// The stream ARN's resource type (its resource up to the first `/` or `:`) is not
    /// `stream`; empty when the resource starts with a delimiter.
    #[error(
        "the stream ARN's resource type is {resource_type:?}, not stream; give the ARN of a stream (...:stream/name)"
    )]
    StreamArnResourceType {
        /// The resource type, as found (may be empty).
        resource_type: String,
    },
    /// The stream ARN's partition is not the configured region's: an account endpoint is only
    /// made within one partition.
    #[error(
        "the stream ARN is in partition {arn_partition} but region {region} is in partition {region_partition}; use a region of {arn_partition}"
    )]
    StreamArnPartitionMismatch {
        /// The partition the ARN names.
        arn_partition: String,
        /// The configured region.
        region: String,
        /// The configured region's partition.
        region_partition: &'static str,
    },
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
        let forbidden = |part| EndpointError::ForbiddenPart {
            url: url.to_owned(),
            part,
        };
        // The `http` URI parser drops a fragment silently; refuse it before parsing.
        if url.contains('#') {
            return Err(forbidden("fragment"));
        }
        let uri: Uri =
            url.parse()
                .map_err(|e: http::uri::InvalidUri| EndpointError::InvalidUrl {
                    url: url.to_owned(),
                    reason: e.to_string(),
                })?;
        let scheme = match uri.scheme() {
            Some(s) if *s == Scheme::HTTP || *s == Scheme::HTTPS => s.clone(),
            Some(_) => {
                return Err(EndpointError::UnsupportedScheme {
                    url: url.to_owned(),
                });
            }
            None => {
                return Err(EndpointError::InvalidUrl {
                    url: url.to_owned(),
                    reason: "no scheme; write http:// or https://".to_owned(),
                });
            }
        };
        let Some(authority) = uri.authority() else {
            return Err(EndpointError::InvalidUrl {
                url: url.to_owned(),
                reason: "no host".to_owned(),
            });
        };
        if authority.as_str().contains('@') {
            return Err(forbidden("user information"));
        }
        if authority.host().is_empty() {
            return Err(EndpointError::InvalidUrl {
                url: url.to_owned(),
                reason: "no host".to_owned(),
            });
        }
        if uri.query().is_some() {
            return Err(forbidden("query"));
        }
        let path = match uri.path() {
            "" => "/",
            p => p,
        };
        Self::from_parts(scheme, authority.as_str(), path).ok_or_else(|| {
            EndpointError::InvalidUrl {
                url: url.to_owned(),
                reason: "cannot be rebuilt as a request URI".to_owned(),
            }
        })
    }

    /// The regional endpoint `https://kinesis.{region}.{dnsSuffix}`, with the DNS suffix of the
    /// region's partition (AWS SDKs' partition table: `amazonaws.com` for `aws` and
    /// `aws-us-gov`, `amazonaws.com.cn` for `aws-cn`, `c2s.ic.gov`, `sc2s.sgov.gov`,
    /// `cloud.adc-e.uk`, `csp.hci.ic.gov`, `amazonaws.eu` for the isolated and sovereign
    /// partitions). A region no partition claims falls back to `aws`, as the SDKs do.
    ///
    /// It is the endpoint [`EndpointConfig::new`]`(region)` resolves to without a stream ARN;
    /// use [`EndpointConfig`] for FIPS, dual-stack and stream-ARN account endpoints.
    ///
    /// ```
    /// use kinesis_proto::Endpoint;
    /// assert_eq!(Endpoint::regional("eu-west-1")?.host(), "kinesis.eu-west-1.amazonaws.com");
    /// assert_eq!(Endpoint::regional("cn-north-1")?.host(), "kinesis.cn-north-1.amazonaws.com.cn");
    /// # Ok::<(), kinesis_proto::EndpointError>(())
    /// ```
    pub fn regional(region: &str) -> Result<Endpoint, EndpointError> {
        config::regional_endpoint(region, Partition::of_region(region), false, false)
    }

    fn from_parts(scheme: Scheme, authority: &str, path: &str) -> Option<Endpoint> {
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
        let headers = crate::request::header_template(host);
        Some(Endpoint { uri, headers })
    }

    /// The absolute request URI: scheme, authority and path.
    pub fn uri(&self) -> &Uri {
        &self.uri
    }

    /// The `host` header value: the authority, without a default port.
    pub fn host(&self) -> &str {
        // Built from a `&str` in `from_parts`, so always visible ASCII.
        self.headers
            .get(http::header::HOST)
            .and_then(|host| host.to_str().ok())
            .unwrap_or("")
    }

    /// The request headers with placeholders; see [`crate::request::header_template`].
    pub(crate) fn header_template(&self) -> &HeaderMap {
        &self.headers
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
