//! [`RetryClass`]: whether and how an error is worth retrying.

use http::StatusCode;

/// How a caller may retry a failed request, as the AWS SDKs' standard retry strategy does:
/// throttling after a back-off, transient errors at once or after a short one, others never.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RetryClass {
    /// The service is limiting the request rate (e.g. `ProvisionedThroughputExceededException`).
    /// Retry after a back-off, and slow down.
    Throttling,
    /// The service had a passing failure (HTTP 500, 502, 503 or 504, or a code such as
    /// `InternalFailure`). Retrying the same request may succeed.
    Transient,
    /// Retrying will not help: the request, the credentials or the stream must change first.
    None,
}

impl RetryClass {
    /// Whether it is [`Throttling`](Self::Throttling) or [`Transient`](Self::Transient).
    pub fn is_retryable(self) -> bool {
        matches!(self, Self::Throttling | Self::Transient)
    }
}

/// Codes the AWS SDKs' standard retry strategy treats as throttling, plus
/// `KMSThrottlingException` (Kinesis's answer when AWS KMS throttles the key).
const THROTTLING_CODES: &[&str] = &[
    "ProvisionedThroughputExceededException",
    "KMSThrottlingException",
    "ThrottlingException",
    "Throttling",
    "ThrottledException",
    "RequestThrottledException",
    "RequestThrottled",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "LimitExceededException",
    "BandwidthLimitExceeded",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
    "TransactionInProgressException",
];

/// Codes the AWS SDKs treat as transient whatever the status.
const TRANSIENT_CODES: &[&str] = &[
    "InternalFailure",
    "InternalFailureException",
    "ServiceUnavailable",
    "RequestTimeout",
    "RequestTimeoutException",
];

/// The code of a dry run whose checks passed: an expected answer, never retried.
pub(crate) const DRY_RUN_CODE: &str = "DryRunOperationException";

/// The class of an error, from its sanitized code and status, in this order: a dry run's answer
/// is none; a throttling code is throttling whatever the status; a transient code or status 500,
/// 502, 503 or 504 is transient; anything else is none.
pub(crate) fn retry_class(code: Option<&str>, status: StatusCode) -> RetryClass {
    if let Some(code) = code {
        if code == DRY_RUN_CODE {
            return RetryClass::None;
        }
        if THROTTLING_CODES.contains(&code) {
            return RetryClass::Throttling;
        }
        if TRANSIENT_CODES.contains(&code) {
            return RetryClass::Transient;
        }
    }
    match status.as_u16() {
        500 | 502 | 503 | 504 => RetryClass::Transient,
        _ => RetryClass::None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn throttling_codes_are_throttling_whatever_the_status() {
        for code in THROTTLING_CODES {
            for status in [400, 429, 500, 503] {
                let status = StatusCode::from_u16(status).unwrap();
                assert_eq!(
                    retry_class(Some(code), status),
                    RetryClass::Throttling,
                    "{code}"
                );
            }
        }
    }

    #[test]
    fn server_statuses_without_a_known_code_are_transient() {
        for status in [500, 502, 503, 504] {
            let status = StatusCode::from_u16(status).unwrap();
            assert_eq!(retry_class(None, status), RetryClass::Transient);
            assert_eq!(retry_class(Some("Whatever"), status), RetryClass::Transient);
        }
    }

    #[test]
    fn transient_codes_are_transient_on_any_status() {
        for code in TRANSIENT_CODES {
            assert_eq!(
                retry_class(Some(code), StatusCode::BAD_REQUEST),
                RetryClass::Transient
            );
        }
    }

    #[test]
    fn other_statuses_are_not_retryable() {
        for status in [400, 403, 404, 429, 501, 505, 302, 100] {
            let status = StatusCode::from_u16(status).unwrap();
            assert_eq!(retry_class(None, status), RetryClass::None, "{status}");
        }
    }

    #[test]
    fn dry_run_is_never_retryable() {
        for status in [400, 412, 500, 503] {
            let status = StatusCode::from_u16(status).unwrap();
            assert_eq!(retry_class(Some(DRY_RUN_CODE), status), RetryClass::None);
        }
    }
}
