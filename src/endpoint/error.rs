//! [`EndpointError`].

/// Why an endpoint could not be made or resolved.
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
    /// The custom URL has a query, a fragment or user information.
    #[error(
        "endpoint URL {url:?} must not have a {part}; give scheme, host, optional port and path only"
    )]
    ForbiddenPart {
        /// The URL as given.
        url: String,
        /// `query`, `fragment` or `user information`.
        part: &'static str,
    },
    /// The region is not a valid DNS host label (1 to 63 of `[a-zA-Z0-9-]`, no `-` at either
    /// end), so no endpoint host can be made from it.
    #[error("region {region:?} is not a valid host label (for example us-east-1)")]
    InvalidRegion {
        /// The region as given.
        region: String,
    },
    /// FIPS was asked for together with a custom endpoint, which is used as given.
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
    /// The stream ARN's account id (its fifth `:`-separated part) is not a valid host label.
    #[error(
        "the stream ARN's account id {account_id:?} is not a valid host label; give the ARN with the stream's 12-digit account id in the fifth part"
    )]
    StreamArnAccountId {
        /// The account id part, as found.
        account_id: String,
    },
    /// The stream ARN's region (its fourth `:`-separated part) is not a valid host label.
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
    /// The stream ARN's partition is not the configured region's.
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
