//! [`PutRecordError`]: one variant per error the API model declares for PutRecord and PutRecords.

use crate::service_error::{
    DRY_RUN_CODE, MalformedResponse, ServiceError, operation_error_accessors,
};

/// Why a PutRecord request, or a whole PutRecords request, failed, as parsed by
/// [`parse_put_record_response`](crate::parse_put_record_response) and
/// [`parse_put_records_response`](crate::parse_put_records_response) (as
/// [`PutRecordsError`](crate::PutRecordsError), the same type).
///
/// One variant per error the Kinesis API reference lists for PutRecord and PutRecords (the same
/// list), each wrapping the
/// [`ServiceError`]; then [`Unmodeled`](Self::Unmodeled) for any other error the service sends
/// and [`Malformed`](Self::Malformed) for a success response that cannot be read. Each variant
/// says who is at fault and what to do. The accessors ([`code`](Self::code),
/// [`retry_class`](Self::retry_class), ...) answer for every variant.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PutRecordError {
    /// The stream (or the stream ARN's account or Region) does not exist, or is not ACTIVE. The
    /// caller is at fault: check the stream name or ARN and Region, or wait for ACTIVE.
    #[error(transparent)]
    ResourceNotFoundException(ServiceError),
    /// A parameter is invalid: too large a record, a bad partition key or explicit hash key, a
    /// bad stream name. The caller is at fault: fix the request; as is, it fails again.
    #[error(transparent)]
    InvalidArgumentException(ServiceError),
    /// The shard is receiving more than its write throughput (1 MiB/s or 1,000 records/s), or
    /// the account's stream rate is exceeded. Nobody is broken: back off and retry, spread
    /// partition keys, or add shards (or use on-demand mode).
    #[error(transparent)]
    ProvisionedThroughputExceededException(ServiceError),
    /// The stream's AWS KMS key is disabled; until its owner enables it, retrying fails again.
    #[error(transparent)]
    KMSDisabledException(ServiceError),
    /// The stream's AWS KMS key is not in a state that allows its use (for example pending
    /// deletion); its owner must fix the key.
    #[error(transparent)]
    KMSInvalidStateException(ServiceError),
    /// The caller's credentials may not use the stream's AWS KMS key. Fix the key policy or the
    /// caller's IAM permissions.
    #[error(transparent)]
    KMSAccessDeniedException(ServiceError),
    /// The stream's AWS KMS key was not found. Its owner must restore it or the stream's
    /// encryption settings must change.
    #[error(transparent)]
    KMSNotFoundException(ServiceError),
    /// The account is not subscribed to AWS KMS (wire code `KMSOptInRequired`, without an
    /// `Exception` suffix). The account owner must sign up for AWS KMS.
    #[error(transparent)]
    KMSOptInRequired(ServiceError),
    /// AWS KMS throttled the request for the stream's key. Retried as throttling (by design,
    /// although the AWS SDKs do not list this code): back off, or raise the KMS request quota.
    #[error(transparent)]
    KMSThrottlingException(ServiceError),
    /// The caller's credentials may not call PutRecord (or PutRecords) on this stream. Fix the IAM policy (or
    /// the resource policy); retrying will not help.
    #[error(transparent)]
    AccessDeniedException(ServiceError),
    /// Kinesis failed internally (wire codes `InternalFailureException` or `InternalFailure`).
    /// The service is at fault: retry with back-off. The record may have been written.
    #[error(transparent)]
    InternalFailureException(ServiceError),
    /// A dry run's checks passed: the expected answer to a dry-run request, not a failure (see
    /// [`is_dry_run_success`](Self::is_dry_run_success)). Never retryable.
    #[error(transparent)]
    DryRunOperationException(ServiceError),
    /// An error the API model does not declare, kept with its code (if any), message,
    /// status and request id: for example `ValidationException`, `SerializationException`,
    /// `ServiceUnavailable`, `ThrottlingException`, `LimitExceededException`,
    /// `UnknownOperationException`, signing and credential errors
    /// (`UnrecognizedClientException`, `InvalidSignatureException`, `ExpiredTokenException`,
    /// `SignatureDoesNotMatch`, ...), or a proxy's error page. Look at
    /// [`retry_class`](Self::retry_class); a signing error means the credentials or the clock
    /// need fixing.
    #[error(transparent)]
    Unmodeled(ServiceError),
    /// The service answered 2xx, but its body could not be read as a PutRecord or PutRecords
    /// result (the service or a proxy is at fault). Not retryable: the records may have been
    /// written, and retrying could store them twice. See [`MalformedResponse`].
    #[error(transparent)]
    Malformed(MalformedResponse),
}

impl PutRecordError {
    /// Picks the variant for a service error from its (sanitized) code.
    pub(crate) fn from_service_error(err: ServiceError) -> Self {
        match err.code() {
            Some("ResourceNotFoundException") => Self::ResourceNotFoundException(err),
            Some("InvalidArgumentException") => Self::InvalidArgumentException(err),
            Some("ProvisionedThroughputExceededException") => {
                Self::ProvisionedThroughputExceededException(err)
            }
            Some("KMSDisabledException") => Self::KMSDisabledException(err),
            Some("KMSInvalidStateException") => Self::KMSInvalidStateException(err),
            Some("KMSAccessDeniedException") => Self::KMSAccessDeniedException(err),
            Some("KMSNotFoundException") => Self::KMSNotFoundException(err),
            Some("KMSOptInRequired") => Self::KMSOptInRequired(err),
            Some("KMSThrottlingException") => Self::KMSThrottlingException(err),
            Some("AccessDeniedException") => Self::AccessDeniedException(err),
            Some("InternalFailureException" | "InternalFailure") => {
                Self::InternalFailureException(err)
            }
            Some(DRY_RUN_CODE) => Self::DryRunOperationException(err),
            _ => Self::Unmodeled(err),
        }
    }

    operation_error_accessors!(
        ResourceNotFoundException,
        InvalidArgumentException,
        ProvisionedThroughputExceededException,
        KMSDisabledException,
        KMSInvalidStateException,
        KMSAccessDeniedException,
        KMSNotFoundException,
        KMSOptInRequired,
        KMSThrottlingException,
        AccessDeniedException,
        InternalFailureException,
        DryRunOperationException,
        Unmodeled,
    );

    /// Whether this is a dry run's success (code `DryRunOperationException`).
    pub fn is_dry_run_success(&self) -> bool {
        matches!(self, Self::DryRunOperationException(_))
    }
}
