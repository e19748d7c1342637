//! [`RetryClass`]: whether and how an error is worth retrying, decided from its code and status
//! as the AWS SDKs' standard retry strategy decides it.

use http::StatusCode;

/// How a caller may retry a failed request.
///
/// The classes follow the AWS SDKs' standard retry strategy: throttling
/// errors are retried after a back-off, transient errors are retried at
/// once or with a short back-off, anything else is not retried.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RetryClass {
    /// The service is limiting the request rate (for example
    /// `ProvisionedThroughputExceededException`). Retry after a back-off,
    /// and slow down.
    Throttling,
    /// The service had a passing failure (HTTP 500, 502, 503 or 504, or a
    /// code such as `InternalFailure` or `ServiceUnavailable`). Retrying
    /// the same request may succeed.
    Transient,
    /// Retrying the same request will not help: the request, the
    /// credentials or the stream must change first.
    None,
}

impl RetryClass {
    /// Whether a request failing this way is worth retrying:
    /// [`Throttling`](Self::Throttling) and [`Transient`](Self::Transient).
    pub fn is_retryable(self) -> bool {
        matches!(self, Self::Throttling | Self::Transient)
    }
}

/// Codes the AWS SDKs' standard retry strategy treats as throttling, plus
/// `KMSThrottlingException`, which Kinesis returns when AWS KMS throttles
/// the key and which is throttling by nature.
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

/// The code of a dry run whose checks passed: an expected answer, never
/// worth retrying.
pub(crate) const DRY_RUN_CODE: &str = "DryRunOperationException";

/// Decides how a caller may retry an error, from its sanitized code and its
/// status, in this order: a dry run's answer is never retried; a throttling
/// code is throttling whatever the status; status 500, 502, 503 or 504, or
/// a transient code, is transient; anything else is not retryable.
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
