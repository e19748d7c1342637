//! [`ServiceError`] and [`MalformedResponse`], and the functions every operation's parser
//! calls to make them.

use std::borrow::Cow;
use std::fmt;

use http::{HeaderMap, HeaderName, HeaderValue, StatusCode};

use super::body;
use super::display::{OneLine, Quoted, capped};
use super::retry::{RetryClass, retry_class};
use crate::limits::{MAX_ERROR_TEXT_BYTES, MAX_REQUEST_ID_BYTES};
use crate::text::is_name;

/// The header carrying the request id on Kinesis (JSON protocol) answers.
static REQUEST_ID: HeaderName = HeaderName::from_static("x-amzn-requestid");
/// The request id header some AWS front ends (S3 style) send instead.
static REQUEST_ID_FALLBACK: HeaderName = HeaderName::from_static("x-amz-request-id");
/// The header naming the error, which beats any code in the body.
static ERROR_TYPE: HeaderName = HeaderName::from_static("x-amzn-errortype");

/// Whether `status` means success: any 2xx status does, and nothing else.
/// The status never picks the error; the error code does.
pub(crate) fn is_success(status: StatusCode) -> bool {
    status.is_success()
}

/// The request id of a response: the `x-amzn-RequestId` header, falling
/// back to `x-amz-request-id`. Header names are case-insensitive; a value
/// that is not a [valid request id](is_request_id) counts as absent. (HTTP
/// parsers strip the whitespace around a header value, so it is not
/// trimmed here.)
pub(crate) fn request_id(headers: &HeaderMap) -> Option<&str> {
    let read = |name: &HeaderName| {
        header(headers, name)
            .and_then(|value| value.to_str().ok())
            .filter(|value| is_request_id(value))
    };
    read(&REQUEST_ID).or_else(|| read(&REQUEST_ID_FALLBACK))
}

/// The first value of a header. An answer carries a handful of headers: comparing their names
/// costs less than hashing the one looked for, which shows in every parsed answer.
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
fn is_request_id(id: &str) -> bool {
    (1..=MAX_REQUEST_ID_BYTES).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_graphic())
}

/// A code as this crate keeps it: sanitized as the awsJson1_1 specification says, then only if
/// it is what a code can be, `[a-zA-Z0-9_.-]{1,128}` (Smithy shape names are letters, digits and
/// `_`; `.` and `-` occur in the names some front ends send). Anything else is no code.
fn kept_code(raw: &str) -> Option<&str> {
    body::sanitize_code(raw).filter(|code| is_name(code.as_bytes()))
}

/// Reads a non-2xx response into a [`ServiceError`]. Total: any status,
/// headers and body give a value, never a panic.
///
/// The code comes from, in order of precedence: the `x-amzn-ErrorType`
/// header; the body's top-level `code` string; its top-level `__type`
/// string; the legacy `{"Output":{"__type":..}}` envelope; for an XML body,
/// the first `<Code>` element, else the root element's name. Each is
/// sanitized as the Smithy `awsJson1_1` specification says (see
/// `sanitize_code`). The message is the body's top-level `message`,
/// `Message` or `errorMessage` string, or the XML `<Message>` text. When
/// the body is not a well-formed JSON object, an excerpt of it is kept.
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
            .filter(|id| is_request_id(id))
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

/// An error the service answered with: any response whose status is not
/// 2xx.
///
/// Operation errors such as [`PutRecordError`](crate::PutRecordError) wrap it, one variant per
/// error code the operation's API model declares, so this type carries
/// everything a caller needs to log, retry or report an error whatever its
/// code.
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
    /// The error code without namespace or URL, e.g.
    /// `ProvisionedThroughputExceededException`. `None` when the response
    /// named no error anywhere (an empty or binary body without an
    /// `x-amzn-ErrorType` header, for instance).
    pub fn code(&self) -> Option<&str> {
        self.code.as_deref()
    }

    /// The service's human-readable message, as sent (it may span lines;
    /// [`Display`](fmt::Display) puts it on one), cut after
    /// [`MAX_ERROR_TEXT_BYTES`](crate::MAX_ERROR_TEXT_BYTES).
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// The HTTP status of the response (never a 2xx).
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The request id AWS assigned, to quote when contacting AWS support:
    /// the `x-amzn-RequestId` header, else `x-amz-request-id`, else a
    /// `<RequestId>` element of an XML body.
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

    /// The start of the body (at most 256 bytes, decoded lossily) when it
    /// was not a well-formed JSON object: XML, HTML from a proxy, binary
    /// data or a truncated body. `None` for JSON objects and empty bodies.
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

/// A 2xx response whose body is not what the operation's API model
/// promises: a required member missing or of the wrong type or shape,
/// invalid JSON, trailing bytes, invalid UTF-8, not a JSON object, or an
/// empty body.
///
/// The service (or something between it and the caller) is at fault. The
/// request may well have succeeded, so it is **not** retryable: retrying a
/// write such as PutRecord could store the record twice. Log it with the
/// request id and excerpt, and treat the outcome of the request as unknown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MalformedResponse {
    status: StatusCode,
    request_id: Option<String>,
    reason: Cow<'static, str>,
    body_excerpt: String,
}

impl MalformedResponse {
    /// Builds the error for a 2xx response whose body an operation's
    /// success parser rejected for `reason`, keeping the request id and a
    /// bounded excerpt of `body`.
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

    /// Why the body was rejected, e.g. ``required member `ShardId` is
    /// missing``.
    pub fn reason(&self) -> &str {
        &self.reason
    }

    /// The start of the body: at most 256 bytes, decoded lossily (invalid
    /// UTF-8 becomes U+FFFD) and cut on a character boundary.
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

/// The accessors every operation's error enum answers alike, generated from the list of its
/// variants that wrap a [`ServiceError`]; the enum must also have a `Malformed` variant wrapping a
/// [`MalformedResponse`]. Used inside the enum's `impl` block.
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

        /// The error code as received (sanitized), e.g. `InternalFailure` when the service
        /// used that alias of `InternalFailureException`. `None` when the service sent no code
        /// and for errors that are not service errors.
        pub fn code(&self) -> Option<&str> {
            self.service_error().and_then($crate::service_error::ServiceError::code)
        }

        /// The service's message; for a malformed response, the reason its body was rejected.
        pub fn message(&self) -> Option<&str> {
            match self.malformed() {
                Some(err) => Some(err.reason()),
                None => self
                    .service_error()
                    .and_then($crate::service_error::ServiceError::message),
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
                None => self
                    .service_error()
                    .and_then($crate::service_error::ServiceError::request_id),
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
