//! [`EndpointConfig`]: the Kinesis endpoint rule set the AWS SDKs generate their resolvers from
//! (`endpoint-rule-set-1.json` of the Kinesis Smithy model, API version 2013-12-02), with the
//! SDKs' `partitions.json`:
//!
//! 1. A custom endpoint wins over everything; FIPS or dual-stack with it is an error.
//! 2. With a stream ARN, outside `aws-iso` and `aws-iso-b`, the ARN is checked (parsable, valid
//!    account id and region, service `kinesis`, resource type `stream`, the region's partition)
//!    and `https://{accountId}.{data|control}-kinesis[-fips].{region}.{dnsSuffix}` is used,
//!    with the configured region.
//! 3. Otherwise `https://kinesis[-fips].{region}.{dnsSuffix}`, but FIPS without dual-stack in
//!    `aws-us-gov` is `https://kinesis.{region}.amazonaws.com`.
//!
//! Dual-stack takes `dualStackDnsSuffix` instead of `dnsSuffix`.

use std::fmt;
use std::sync::{Arc, OnceLock};

use http::uri::Scheme;

use super::error::EndpointError;
use super::partition::Partition;
use super::url::{Endpoint, is_valid_host_label};
use crate::arn::parse_arn;
use crate::stream::StreamArn;
use crate::text::error_copy;

/// The ruleset's `OperationType`: which account endpoint family an operation uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OperationType {
    /// Data-plane calls (`PutRecord`, `PutRecords`, `GetRecords`, ...): `data-kinesis`.
    Data,
    /// Control-plane calls (`ListShards`, `DescribeStreamSummary`, ...): `control-kinesis`.
    Control,
}

impl OperationType {
    fn host_prefix(self) -> &'static str {
        match self {
            OperationType::Data => "data",
            OperationType::Control => "control",
        }
    }
}

/// How to pick an endpoint: the region, the FIPS and dual-stack switches, and an optional custom
/// endpoint. Build it once and resolve per request: what it resolves is cached.
///
/// ```
/// use kinesis_proto::{EndpointConfig, StreamArn};
/// let config = EndpointConfig::new("us-east-1").use_fips(true);
/// assert_eq!(config.resolve_data_plane(None)?.host(), "kinesis-fips.us-east-1.amazonaws.com");
/// let arn: StreamArn = "arn:aws:kinesis:us-east-1:123456789012:stream/orders".parse()?;
/// let host = "123456789012.control-kinesis-fips.us-east-1.amazonaws.com";
/// assert_eq!(config.resolve_control_plane(Some(&arn))?.host(), host);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct EndpointConfig {
    region: Arc<str>,
    partition: &'static Partition,
    use_fips: bool,
    use_dual_stack: bool,
    custom: Option<Endpoint>,
    cache: Cache,
}

/// Endpoints computed on first use, so that resolving per record is mostly a clone.
#[derive(Clone, Default)]
struct Cache {
    /// For requests without a stream ARN, or in a partition without account endpoints.
    regional: OnceLock<Result<Endpoint, EndpointError>>,
    /// The account endpoint of the first account resolved, per [`OperationType`]: a producer
    /// usually writes to the streams of one account.
    account: [OnceLock<(Box<str>, Endpoint)>; 2],
}

impl EndpointConfig {
    /// A configuration for `region` (for example `us-east-1`), with FIPS and dual-stack off and
    /// no custom endpoint. The region is checked at resolution: it must be a valid host label
    /// unless a custom endpoint is set. A region no partition claims belongs to `aws`.
    pub fn new(region: &str) -> EndpointConfig {
        EndpointConfig {
            region: Arc::from(region),
            partition: Partition::of_region(region),
            use_fips: false,
            use_dual_stack: false,
            custom: None,
            cache: Cache::default(),
        }
    }

    /// Use FIPS endpoints (`kinesis-fips...`, the SDKs' `use_fips` / `AWS_USE_FIPS_ENDPOINT`).
    pub fn use_fips(mut self, on: bool) -> EndpointConfig {
        self.use_fips = on;
        self.cache = Cache::default();
        self
    }

    /// Use dual-stack (IPv4 and IPv6) endpoints, under the partition's dual-stack DNS suffix
    /// (the SDKs' `use_dual_stack` / `AWS_USE_DUALSTACK_ENDPOINT`).
    pub fn use_dual_stack(mut self, on: bool) -> EndpointConfig {
        self.use_dual_stack = on;
        self.cache = Cache::default();
        self
    }

    /// Send every request to `endpoint` (a local server, a VPC interface endpoint, a proxy),
    /// whatever the region and the stream ARN. FIPS or dual-stack with it fails at resolution.
    pub fn custom_endpoint(mut self, endpoint: Endpoint) -> EndpointConfig {
        self.custom = Some(endpoint);
        self
    }

    /// [`custom_endpoint`](Self::custom_endpoint) with [`Endpoint::custom`]`(url)`.
    pub fn custom_url(self, url: &str) -> Result<EndpointConfig, EndpointError> {
        Ok(self.custom_endpoint(Endpoint::custom(url)?))
    }

    /// The region, as given.
    pub fn region(&self) -> &str {
        &self.region
    }

    /// The name of the region's partition (`aws`, `aws-cn`, `aws-us-gov`, ...), the partition a
    /// stream ARN must name for the account endpoint to be used.
    pub fn partition(&self) -> &'static str {
        self.partition.name
    }

    /// Whether FIPS endpoints are asked for.
    pub fn is_fips(&self) -> bool {
        self.use_fips
    }

    /// Whether dual-stack endpoints are asked for.
    pub fn is_dual_stack(&self) -> bool {
        self.use_dual_stack
    }

    /// The custom endpoint, if set.
    pub fn custom(&self) -> Option<&Endpoint> {
        self.custom.as_ref()
    }

    /// The endpoint for a data-plane call (`PutRecord`, `PutRecords`): with a stream ARN, the
    /// account endpoint `https://{accountId}.data-kinesis.{region}.{dnsSuffix}` (or its FIPS and
    /// dual-stack forms); without, the regional endpoint.
    ///
    /// # Errors
    ///
    /// FIPS or dual-stack with a custom endpoint; a region that is not a host label; a stream
    /// ARN the rules refuse (see [`EndpointError`]); FIPS or dual-stack in a partition without
    /// them.
    pub fn resolve_data_plane(
        &self,
        stream_arn: Option<&StreamArn>,
    ) -> Result<Endpoint, EndpointError> {
        self.resolve(OperationType::Data, stream_arn)
    }

    /// The endpoint for a control-plane call (`ListShards`, `DescribeStreamSummary`, ...): as
    /// [`resolve_data_plane`](Self::resolve_data_plane), with the `control-kinesis` account
    /// endpoint.
    ///
    /// # Errors
    ///
    /// As [`resolve_data_plane`](Self::resolve_data_plane).
    pub fn resolve_control_plane(
        &self,
        stream_arn: Option<&StreamArn>,
    ) -> Result<Endpoint, EndpointError> {
        self.resolve(OperationType::Control, stream_arn)
    }

    fn resolve(
        &self,
        operation: OperationType,
        stream_arn: Option<&StreamArn>,
    ) -> Result<Endpoint, EndpointError> {
        if let Some(custom) = &self.custom {
            if self.use_fips {
                return Err(EndpointError::FipsWithCustomEndpoint);
            }
            if self.use_dual_stack {
                return Err(EndpointError::DualStackWithCustomEndpoint);
            }
            return Ok(custom.clone());
        }
        match stream_arn {
            // `aws-iso` and `aws-iso-b` have no account endpoints: the ARN is not even looked at.
            Some(arn) if !matches!(self.partition.name, "aws-iso" | "aws-iso-b") => {
                check_region(&self.region)?;
                self.account_endpoint(operation, arn)
            }
            _ => {
                let (fips, dual_stack) = (self.use_fips, self.use_dual_stack);
                let regional = || regional_endpoint(&self.region, self.partition, fips, dual_stack);
                self.cache.regional.get_or_init(regional).clone()
            }
        }
    }

    fn account_endpoint(
        &self,
        operation: OperationType,
        stream_arn: &StreamArn,
    ) -> Result<Endpoint, EndpointError> {
        let Some(arn) = parse_arn(stream_arn.as_str()) else {
            return Err(EndpointError::StreamArnUnparsable);
        };
        if !is_valid_host_label(arn.account_id) {
            return Err(EndpointError::StreamArnAccountId {
                account_id: arn.account_id.to_owned(),
            });
        }
        if !is_valid_host_label(arn.region) {
            return Err(EndpointError::StreamArnRegion {
                region: arn.region.to_owned(),
            });
        }
        if arn.service != "kinesis" {
            return Err(EndpointError::StreamArnService {
                service: arn.service.to_owned(),
            });
        }
        if arn.resource_type != "stream" {
            return Err(EndpointError::StreamArnResourceType {
                resource_type: arn.resource_type.to_owned(),
            });
        }
        if arn.partition != self.partition.name {
            return Err(EndpointError::StreamArnPartitionMismatch {
                arn_partition: arn.partition.to_owned(),
                region: error_copy(&self.region),
                region_partition: self.partition.name,
            });
        }
        check_support(
            &self.region,
            self.partition,
            self.use_fips,
            self.use_dual_stack,
        )?;
        let cached = &self.cache.account[operation as usize];
        if let Some((account_id, endpoint)) = cached.get()
            && **account_id == *arn.account_id
        {
            return Ok(endpoint.clone());
        }
        let fips = if self.use_fips { "-fips" } else { "" };
        let suffix = dns_suffix(self.partition, self.use_dual_stack);
        let host = format!(
            "{}.{}-kinesis{fips}.{}.{suffix}",
            arn.account_id,
            operation.host_prefix(),
            self.region
        );
        let endpoint = https(host, &self.region)?;
        // The first account resolved stays cached; another one is built each time.
        let _ = cached.set((Box::from(arn.account_id), endpoint.clone()));
        Ok(endpoint)
    }
}

impl Endpoint {
    /// The regional endpoint `https://kinesis.{region}.{dnsSuffix}`, with the DNS suffix of the
    /// region's partition (`aws` for a region no partition claims): what
    /// [`EndpointConfig::new`]`(region)` resolves to without a stream ARN.
    ///
    /// ```
    /// use kinesis_proto::Endpoint;
    /// assert_eq!(Endpoint::regional("eu-west-1")?.host(), "kinesis.eu-west-1.amazonaws.com");
    /// assert_eq!(Endpoint::regional("cn-north-1")?.host(), "kinesis.cn-north-1.amazonaws.com.cn");
    /// # Ok::<(), kinesis_proto::EndpointError>(())
    /// ```
    pub fn regional(region: &str) -> Result<Endpoint, EndpointError> {
        regional_endpoint(region, Partition::of_region(region), false, false)
    }
}

/// The regional endpoint, as [`Endpoint::regional`] and [`EndpointConfig`] resolve it.
fn regional_endpoint(
    region: &str,
    partition: &Partition,
    use_fips: bool,
    use_dual_stack: bool,
) -> Result<Endpoint, EndpointError> {
    check_region(region)?;
    check_support(region, partition, use_fips, use_dual_stack)?;
    let suffix = dns_suffix(partition, use_dual_stack);
    // GovCloud: the rules send FIPS without dual-stack to the plain regional host.
    let service = if use_fips && (use_dual_stack || partition.name != "aws-us-gov") {
        "kinesis-fips"
    } else {
        "kinesis"
    };
    https(format!("{service}.{region}.{suffix}"), region)
}

fn check_region(region: &str) -> Result<(), EndpointError> {
    if is_valid_host_label(region) {
        Ok(())
    } else {
        Err(EndpointError::InvalidRegion {
            region: error_copy(region),
        })
    }
}

/// FIPS is checked before dual-stack, as the rules do when both are asked for.
fn check_support(
    region: &str,
    partition: &Partition,
    use_fips: bool,
    use_dual_stack: bool,
) -> Result<(), EndpointError> {
    if use_fips && !partition.supports_fips {
        return Err(EndpointError::FipsNotSupported {
            region: error_copy(region),
            partition: partition.name,
        });
    }
    if use_dual_stack && !partition.supports_dual_stack {
        return Err(EndpointError::DualStackNotSupported {
            region: error_copy(region),
            partition: partition.name,
        });
    }
    Ok(())
}

fn dns_suffix(partition: &Partition, use_dual_stack: bool) -> &'static str {
    if use_dual_stack {
        partition.dual_stack_dns_suffix
    } else {
        partition.dns_suffix
    }
}

fn https(host: String, region: &str) -> Result<Endpoint, EndpointError> {
    // Every part of the host is a checked host label or a suffix from the table, so this
    // cannot fail; the error is there so that nothing panics.
    Endpoint::from_parts(Scheme::HTTPS, &host, "/").ok_or_else(|| EndpointError::InvalidRegion {
        region: error_copy(region),
    })
}

impl PartialEq for EndpointConfig {
    fn eq(&self, other: &Self) -> bool {
        self.region == other.region
            && self.use_fips == other.use_fips
            && self.use_dual_stack == other.use_dual_stack
            && self.custom == other.custom
    }
}

impl Eq for EndpointConfig {}

impl fmt::Debug for EndpointConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EndpointConfig")
            .field("region", &self.region)
            .field("partition", &self.partition.name)
            .field("use_fips", &self.use_fips)
            .field("use_dual_stack", &self.use_dual_stack)
            .field("custom", &self.custom)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_resolution_without_arn_is_cached_and_reset_by_setters() {
        let config = EndpointConfig::new("eu-west-1");
        let a = config.resolve_data_plane(None).unwrap();
        assert!(config.cache.regional.get().is_some());
        assert_eq!(config.resolve_control_plane(None).unwrap(), a);
        let config = config.use_dual_stack(true);
        assert!(config.cache.regional.get().is_none());
        assert_eq!(
            config.resolve_data_plane(None).unwrap().host(),
            "kinesis.eu-west-1.api.aws"
        );
    }

    #[test]
    fn the_first_account_is_cached_per_operation_type() {
        let first = StreamArn::new("arn:aws:kinesis:eu-west-1:111111111111:stream/a").unwrap();
        let other = StreamArn::new("arn:aws:kinesis:eu-west-1:222222222222:stream/b").unwrap();
        let config = EndpointConfig::new("eu-west-1");
        for _ in 0..2 {
            assert_eq!(
                config.resolve_data_plane(Some(&first)).unwrap().host(),
                "111111111111.data-kinesis.eu-west-1.amazonaws.com"
            );
            assert_eq!(
                config.resolve_data_plane(Some(&other)).unwrap().host(),
                "222222222222.data-kinesis.eu-west-1.amazonaws.com"
            );
            assert_eq!(
                config.resolve_control_plane(Some(&other)).unwrap().host(),
                "222222222222.control-kinesis.eu-west-1.amazonaws.com"
            );
        }
        let data = config.cache.account[OperationType::Data as usize].get();
        assert_eq!(data.map(|(a, _)| &**a), Some("111111111111"));
        let control = config.cache.account[OperationType::Control as usize].get();
        assert_eq!(control.map(|(a, _)| &**a), Some("222222222222"));
        // A setter drops what was cached.
        let config = config.use_fips(true);
        assert!(config.cache.account.iter().all(|c| c.get().is_none()));
        assert_eq!(
            config.resolve_data_plane(Some(&first)).unwrap().host(),
            "111111111111.data-kinesis-fips.eu-west-1.amazonaws.com"
        );
    }

    #[test]
    fn equality_ignores_the_cache() {
        let a = EndpointConfig::new("us-east-1");
        let b = a.clone();
        a.resolve_data_plane(None).unwrap();
        assert_eq!(a, b);
        assert_ne!(a, b.clone().use_fips(true));
    }

    #[test]
    fn unsupported_features_of_a_partition_are_typed_errors() {
        let partition = Partition {
            supports_fips: false,
            supports_dual_stack: false,
            ..*Partition::of_region("us-east-1")
        };
        assert!(matches!(
            regional_endpoint("us-east-1", &partition, true, true),
            Err(EndpointError::FipsNotSupported {
                partition: "aws",
                ..
            })
        ));
        assert!(matches!(
            regional_endpoint("us-east-1", &partition, false, true),
            Err(EndpointError::DualStackNotSupported {
                partition: "aws",
                ..
            })
        ));
        assert!(regional_endpoint("us-east-1", &partition, false, false).is_ok());
    }
}
