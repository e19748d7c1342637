//! [`ServiceError`] and [`MalformedResponse`], and the functions every operation's parser
//! calls to make them.

use std::borrow::Cow;
use std::fmt;

use http::{HeaderMap, HeaderName, HeaderValue, StatusCode};

use super::body;
use super::display::{OneLine, Quoted};
use super::retry::{RetryClass, retry_class};
use crate::limits::{MAX_ERROR_TEXT_BYTES, MAX_REQUEST_ID_BYTES};
use crate::text::capped;
use crate::text::is_name;

/// The header carrying the request id on Kinesis (JSON protocol) answers.
static REQUEST_ID: HeaderName = HeaderName::from_static("x-amzn-requestid");
/// The request id header some AWS front ends (S3 style) send instead.
static REQUEST_ID_FALLBACK: HeaderName = HeaderName::from_static("x-amz-request-id");
/// The header naming the error, which beats any code in the body.
static ERROR_TYPE: HeaderName = HeaderName::from_static("x-amzn-errortype");

/// Whether `status` means success: any 2xx. The status never picks the error; the code does.
pub(crate) fn is_success(status: StatusCode) -> bool {
    status.is_success()
}

/// The request id of a response: the `x-amzn-RequestId` header, else `x-amz-request-id`, if it
/// is a [valid request id](is_request_id) (HTTP parsers have already trimmed it).
pub(crate) fn request_id(headers: &HeaderMap) -> Option<&str> {
    request_id_header(headers).and_then(|value| value.to_str().ok())
}

/// The header value [`request_id`] reads, for an output that keeps it without a copy.
pub(crate) fn request_id_header(headers: &HeaderMap) -> Option<&HeaderValue> {
    let read =
        |name: &HeaderName| header(headers, name).filter(|value| is_request_id(value.as_bytes()));
    read(&REQUEST_ID).or_else(|| read(&REQUEST_ID_FALLBACK))
}

/// The first value of a header, found by comparing names when there are a handful of headers.
fn header<'h>(headers: &'h HeaderMap, name: &HeaderName) -> Option<&'h HeaderValue> {
    if headers.len() > 8 {
        return headers.get(name);
    }
    headers
        .iter()
        .find_map(|(key, value)| (key == name).then_some(value))
}

/// Whether `id` can be kept as a request id: 1 to [`MAX_REQUEST_ID_BYTES`] of visible ASCII
/// (no space, no control character).
fn is_request_id(id: &[u8]) -> bool {
    (1..=MAX_REQUEST_ID_BYTES).contains(&id.len()) && id.iter().all(u8::is_ascii_graphic)
}

/// A code sanitized as awsJson1_1 says, kept only if it is `[a-zA-Z0-9_.-]{1,128}` (Smithy shape
/// names, plus the `.` and `-` some front ends send).
fn kept_code(raw: &str) -> Option<&str> {
    body::sanitize_code(raw).filter(|code| is_name(code.as_bytes()))
}

/// Reads a non-2xx response into a [`ServiceError`]; total, never a panic. The code comes from,
/// in order: the `x-amzn-ErrorType` header; the body's top-level `code`, then `__type` string;
/// the legacy `{"Output":{"__type":..}}` envelope; for XML, the first `<Code>`, else the root
/// element's name; each sanitized as Smithy `awsJson1_1` says. The message is the top-level
/// `message`, `Message` or `errorMessage` string, or the XML `<Message>`. A body that is not a
/// well-formed JSON object is kept as an excerpt.
pub(crate) fn parse_service_error(
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
) -> ServiceError {
    let header_code = header(headers, &ERROR_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(kept_code);
    let fields = body::scan_body(body);
    let code = header_code.or_else(|| fields.code.as_deref().and_then(kept_code));
    let request_id = request_id(headers).or_else(|| {
        fields
            .request_id
            .as_deref()
            .map(str::trim)
            .filter(|id| is_request_id(id.as_bytes()))
    });
    let body_excerpt = (!fields.is_json_object && !body.is_empty()).then(|| body::excerpt(body));
    ServiceError {
        code: code.map(str::to_owned),
        message: fields.message.map(|m| capped(&m, MAX_ERROR_TEXT_BYTES)),
        status,
        request_id: request_id.map(str::to_owned),
        retry_class: retry_class(code, status),
        body_excerpt,
    }
}

/// An error the service answered with: any response whose status is not 2xx. Operation errors
/// such as [`PutRecordError`](crate::PutRecordError) wrap it, one variant per error code the
/// operation's API model declares; it carries what is needed to log, retry or report any code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceError {
    code: Option<String>,
    message: Option<String>,
    status: StatusCode,
    request_id: Option<String>,
    retry_class: RetryClass,
    body_excerpt: Option<String>,
}

impl ServiceError {
    /// The error code without namespace or URL, e.g. `ProvisionedThroughputExceededException`;
    /// `None` when the response named no error anywhere (say, an empty body and no
    /// `x-amzn-ErrorType` header).
    pub fn code(&self) -> Option<&str> {
        self.code.as_deref()
    }

    /// The service's message as sent (it may span lines; [`Display`](fmt::Display) puts it on
    /// one), cut after [`MAX_ERROR_TEXT_BYTES`](crate::MAX_ERROR_TEXT_BYTES).
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// The HTTP status of the response (never a 2xx).
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The request id AWS assigned, to quote to AWS support: the `x-amzn-RequestId` header,
    /// else `x-amz-request-id`, else an XML body's `<RequestId>`.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// How the request may be retried.
    pub fn retry_class(&self) -> RetryClass {
        self.retry_class
    }

    /// Whether the request is worth retrying (throttling or transient).
    pub fn is_retryable(&self) -> bool {
        self.retry_class.is_retryable()
    }

    /// Whether the service is throttling the caller.
    pub fn is_throttling(&self) -> bool {
        self.retry_class == RetryClass::Throttling
    }

    /// The start of the body (at most 256 bytes, decoded lossily) when it was not a well-formed
    /// JSON object (XML, a proxy's HTML, binary, truncated) nor empty.
    pub fn body_excerpt(&self) -> Option<&str> {
        self.body_excerpt.as_deref()
    }
}

/// One line: `Code (HTTP 400): message (request id abc)`.
impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.code {
            Some(code) => write!(f, "{}", OneLine(code))?,
            None => f.write_str("service error without a code")?,
        }
        write!(f, " (HTTP {})", self.status.as_u16())?;
        if let Some(message) = &self.message {
            write!(f, ": {}", OneLine(message))?;
        } else if let Some(excerpt) = &self.body_excerpt {
            write!(f, ": body {}", Quoted(excerpt))?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " (request id {})", OneLine(id))?;
        }
        Ok(())
    }
}

impl std::error::Error for ServiceError {}

/// A 2xx response whose body is not what the operation's API model promises (a required member
/// missing or mistyped, invalid JSON or UTF-8, trailing bytes, not an object, empty).
///
/// The request may well have succeeded, so it is **not** retryable (a PutRecord could be stored
/// twice): log it with the request id and excerpt, and treat the outcome as unknown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MalformedResponse {
    status: StatusCode,
    request_id: Option<String>,
    reason: Cow<'static, str>,
    body_excerpt: String,
}

impl MalformedResponse {
    /// The error for a 2xx `body` a success parser rejected for `reason`, keeping the request id
    /// and a bounded excerpt.
    pub(crate) fn new(
        status: StatusCode,
        headers: &HeaderMap,
        reason: impl Into<Cow<'static, str>>,
        body: &[u8],
    ) -> Self {
        Self {
            status,
            request_id: request_id(headers).map(str::to_owned),
            reason: match reason.into() {
                Cow::Owned(long) if long.len() > MAX_ERROR_TEXT_BYTES => {
                    Cow::Owned(capped(&long, MAX_ERROR_TEXT_BYTES))
                }
                reason => reason,
            },
            body_excerpt: body::excerpt(body),
        }
    }

    /// The HTTP status of the response (a 2xx).
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The request id from the response headers, if any.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// Why the body was rejected, e.g. ``required member `ShardId` is missing``.
    pub fn reason(&self) -> &str {
        &self.reason
    }

    /// The start of the body: at most 256 bytes, decoded lossily (invalid UTF-8 becomes U+FFFD)
    /// and cut on a character boundary.
    pub fn body_excerpt(&self) -> &str {
        &self.body_excerpt
    }
}

/// One line: `malformed response (HTTP 200): reason (request id abc); body "..."`.
impl fmt::Display for MalformedResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "malformed response (HTTP {}): {}",
            self.status.as_u16(),
            OneLine(&self.reason)
        )?;
        if let Some(id) = &self.request_id {
            write!(f, " (request id {})", OneLine(id))?;
        }
        write!(f, "; body {}", Quoted(&self.body_excerpt))
    }
}

impl std::error::Error for MalformedResponse {}

/// The accessors of an operation's error enum (inside its `impl`), from its variants that wrap a
/// [`ServiceError`]; the enum also needs a `Malformed` variant wrapping a [`MalformedResponse`].
macro_rules! operation_error_accessors {
    ($($variant:ident),+ $(,)?) => {
        /// The service error inside, for every variant that carries one.
        pub fn service_error(&self) -> Option<&$crate::service_error::ServiceError> {
            match self {
                $(Self::$variant(err))|+ => Some(err),
                #[allow(unreachable_patterns)]
                _ => None,
            }
        }

        /// The malformed-response details, for the `Malformed` variant.
        pub fn malformed(&self) -> Option<&$crate::service_error::MalformedResponse> {
            match self {
                Self::Malformed(err) => Some(err),
                _ => None,
            }
        }

        /// The error code as received (sanitized), e.g. `InternalFailure`, an alias of
        /// `InternalFailureException`; `None` without a code or a service error.
        pub fn code(&self) -> Option<&str> {
            self.service_error().and_then($crate::service_error::ServiceError::code)
        }

        /// The service's message; for a malformed response, the reason its body was rejected.
        pub fn message(&self) -> Option<&str> {
            match self.malformed() {
                Some(err) => Some(err.reason()),
                None => self.service_error()?.message(),
            }
        }

        /// The HTTP status of the response (200 for an error found in a success response).
        pub fn status(&self) -> ::http::StatusCode {
            match self.malformed() {
                Some(err) => err.status(),
                None => self
                    .service_error()
                    .map_or(::http::StatusCode::OK, $crate::service_error::ServiceError::status),
            }
        }

        /// The request id AWS assigned, if the response carried one.
        pub fn request_id(&self) -> Option<&str> {
            match self.malformed() {
                Some(err) => err.request_id(),
                None => self.service_error()?.request_id(),
            }
        }

        /// How the request may be retried; an error that is not a service error (a malformed
        /// response) is never retryable.
        pub fn retry_class(&self) -> $crate::service_error::RetryClass {
            self.service_error().map_or(
                $crate::service_error::RetryClass::None,
                $crate::service_error::ServiceError::retry_class,
            )
        }

        /// Whether the request is worth retrying (throttling or transient).
        pub fn is_retryable(&self) -> bool {
            self.retry_class().is_retryable()
        }

        /// Whether the service is throttling the caller.
        pub fn is_throttling(&self) -> bool {
            self.retry_class() == $crate::service_error::RetryClass::Throttling
        }
    };
}

pub(crate) use operation_error_accessors;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::limits::MAX_ERROR_BODY_SCAN_BYTES;

    fn error(headers: &[(&str, &str)], body: &[u8]) -> ServiceError {
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            map.insert(
                HeaderName::from_bytes(name.as_bytes()).unwrap(),
                value.parse().unwrap(),
            );
        }
        parse_service_error(StatusCode::BAD_REQUEST, &map, body)
    }

    #[test]
    fn a_long_message_is_kept_cut_with_the_cut_marked() {
        let long = "m".repeat(MAX_ERROR_TEXT_BYTES * 3);
        let body = format!(r#"{{"__type":"InvalidArgumentException","message":"{long}"}}"#);
        let err = error(&[], body.as_bytes());
        let message = err.message().unwrap();
        assert!(
            message.len() < MAX_ERROR_TEXT_BYTES + 32,
            "{}",
            message.len()
        );
        assert!(message.ends_with(&format!("… ({} more bytes)", 2 * MAX_ERROR_TEXT_BYTES)));
        assert_eq!(err.code(), Some("InvalidArgumentException"));
    }

    #[test]
    fn a_body_past_the_scan_bound_is_read_as_cut_there() {
        let pad = "x".repeat(MAX_ERROR_BODY_SCAN_BYTES);
        let body = format!(r#"{{"__type":"Early","pad":"{pad}","message":"late"}}"#);
        let err = error(&[], body.as_bytes());
        assert_eq!(err.code(), Some("Early"));
        assert_eq!(err.message(), None);
        assert!(err.body_excerpt().is_some());
    }

    #[test]
    fn a_code_is_only_what_a_code_can_be() {
        for raw in ["Bad\nCode", "Bad Code", "Bad\u{1b}[31m", "é", ""] {
            let body = serde_json::json!({ "__type": raw }).to_string();
            assert_eq!(error(&[], body.as_bytes()).code(), None, "{raw:?}");
        }
        let err = error(&[("x-amzn-ErrorType", "Throttling Exception")], b"{}");
        assert_eq!(err.code(), None);
        assert_eq!(
            error(&[], br#"{"__type":"ns#Fine_1.2-3:url"}"#).code(),
            Some("Fine_1.2-3")
        );
    }

    #[test]
    fn a_request_id_is_visible_ascii_of_bounded_length() {
        let long = "r".repeat(MAX_REQUEST_ID_BYTES + 1);
        assert_eq!(
            error(&[("x-amzn-RequestId", &long)], b"").request_id(),
            None
        );
        assert_eq!(
            error(&[("x-amzn-RequestId", "a\tb")], b"").request_id(),
            None
        );
        let xml = b"<ErrorResponse><RequestId>has space</RequestId></ErrorResponse>";
        assert_eq!(error(&[], xml).request_id(), None);
        let xml = b"<ErrorResponse><RequestId> ok-1 </RequestId></ErrorResponse>";
        assert_eq!(error(&[], xml).request_id(), Some("ok-1"));
    }

    #[test]
    fn a_long_reason_is_cut() {
        let reason = "r".repeat(MAX_ERROR_TEXT_BYTES * 2);
        let err = MalformedResponse::new(StatusCode::OK, &HeaderMap::new(), reason, b"");
        assert!(err.reason().len() < MAX_ERROR_TEXT_BYTES + 32);
    }
}
