//! [`Endpoint`]: where a request goes, as an absolute URI plus the `host` header value.

use std::fmt;

use http::HeaderValue;
use http::uri::{Scheme, Uri};

/// Where requests go: an absolute `http` or `https` URI (scheme, authority and request path)
/// and the matching `host` header value.
///
/// Build it once and reuse it: cloning is cheap and building a request from it never fails.
#[derive(Clone, PartialEq, Eq)]
pub struct Endpoint {
    uri: Uri,
    host: HeaderValue,
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
    /// ```
    /// use kinesis_proto::Endpoint;
    /// assert_eq!(Endpoint::regional("eu-west-1")?.host(), "kinesis.eu-west-1.amazonaws.com");
    /// assert_eq!(Endpoint::regional("cn-north-1")?.host(), "kinesis.cn-north-1.amazonaws.com.cn");
    /// # Ok::<(), kinesis_proto::EndpointError>(())
    /// ```
    pub fn regional(region: &str) -> Result<Endpoint, EndpointError> {
        if !is_valid_host_label(region) {
            return Err(EndpointError::InvalidRegion {
                region: region.to_owned(),
            });
        }
        let partition = Partition::of_region(region);
        let host = format!("kinesis.{region}.{}", partition.dns_suffix);
        Self::from_parts(Scheme::HTTPS, &host, "/").ok_or(EndpointError::InvalidRegion {
            region: region.to_owned(),
        })
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

/// One AWS partition, as in the AWS SDKs' partition table (`partitions.json`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Partition {
    pub(crate) name: &'static str,
    pub(crate) dns_suffix: &'static str,
    pub(crate) dual_stack_dns_suffix: &'static str,
    /// The region-name prefixes of the partition's regex, `^({prefixes})-\w+-\d+$`.
    region_prefixes: &'static [&'static str],
    /// The partition's named global pseudo-region (e.g. `aws-global`).
    global_region: &'static str,
}

const AWS: Partition = Partition {
    name: "aws",
    dns_suffix: "amazonaws.com",
    dual_stack_dns_suffix: "api.aws",
    region_prefixes: &["us", "eu", "ap", "sa", "ca", "me", "af", "il", "mx"],
    global_region: "aws-global",
};

/// Every partition, in the order of the AWS SDKs' partition table.
pub(crate) const PARTITIONS: [Partition; 8] = [
    AWS,
    Partition {
        name: "aws-cn",
        dns_suffix: "amazonaws.com.cn",
        dual_stack_dns_suffix: "api.amazonwebservices.com.cn",
        region_prefixes: &["cn"],
        global_region: "aws-cn-global",
    },
    Partition {
        name: "aws-us-gov",
        dns_suffix: "amazonaws.com",
        dual_stack_dns_suffix: "api.aws",
        region_prefixes: &["us-gov"],
        global_region: "aws-us-gov-global",
    },
    Partition {
        name: "aws-iso",
        dns_suffix: "c2s.ic.gov",
        dual_stack_dns_suffix: "api.aws.ic.gov",
        region_prefixes: &["us-iso"],
        global_region: "aws-iso-global",
    },
    Partition {
        name: "aws-iso-b",
        dns_suffix: "sc2s.sgov.gov",
        dual_stack_dns_suffix: "api.aws.scloud",
        region_prefixes: &["us-isob"],
        global_region: "aws-iso-b-global",
    },
    Partition {
        name: "aws-iso-e",
        dns_suffix: "cloud.adc-e.uk",
        dual_stack_dns_suffix: "api.cloud-aws.adc-e.uk",
        region_prefixes: &["eu-isoe"],
        global_region: "aws-iso-e-global",
    },
    Partition {
        name: "aws-iso-f",
        dns_suffix: "csp.hci.ic.gov",
        dual_stack_dns_suffix: "api.aws.hci.ic.gov",
        region_prefixes: &["us-isof"],
        global_region: "aws-iso-f-global",
    },
    Partition {
        name: "aws-eusc",
        dns_suffix: "amazonaws.eu",
        dual_stack_dns_suffix: "api.amazonwebservices.eu",
        region_prefixes: &["eusc-de"],
        global_region: "aws-eusc-global",
    },
];

impl Partition {
    /// The partition a region belongs to: a partition's global pseudo-region by name, then the
    /// first partition whose region regex (`^{prefix}-\w+-\d+$`) matches; `aws` otherwise.
    pub(crate) fn of_region(region: &str) -> Partition {
        PARTITIONS
            .iter()
            .find(|p| p.global_region == region)
            .or_else(|| {
                PARTITIONS.iter().find(|p| {
                    p.region_prefixes
                        .iter()
                        .any(|prefix| matches_region_regex(region, prefix))
                })
            })
            .copied()
            .unwrap_or(AWS)
    }
}

/// `^{prefix}\-\w+\-\d+$`, with `\w` = `[A-Za-z0-9_]` and `\d` = `[0-9]`.
fn matches_region_regex(region: &str, prefix: &str) -> bool {
    let Some(rest) = region
        .strip_prefix(prefix)
        .and_then(|r| r.strip_prefix('-'))
    else {
        return false;
    };
    let Some((word, digits)) = rest.split_once('-') else {
        return false;
    };
    !word.is_empty()
        && word.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_')
        && !digits.is_empty()
        && digits.bytes().all(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_map_to_their_partitions() {
        let cases = [
            ("us-east-1", "aws"),
            ("il-central-1", "aws"),
            ("mx-central-1", "aws"),
            ("cn-northwest-1", "aws-cn"),
            ("us-gov-west-1", "aws-us-gov"),
            ("us-iso-east-1", "aws-iso"),
            ("us-isob-east-1", "aws-iso-b"),
            ("eu-isoe-west-1", "aws-iso-e"),
            ("us-isof-south-1", "aws-iso-f"),
            ("eusc-de-east-1", "aws-eusc"),
            ("aws-cn-global", "aws-cn"),
            ("mars-north-1", "aws"),
            ("local", "aws"),
        ];
        for (region, partition) in cases {
            assert_eq!(Partition::of_region(region).name, partition, "{region}");
        }
    }

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
