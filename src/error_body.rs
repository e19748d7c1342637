//! Reading an error code, a message and a request id out of an error
//! response body, whatever its shape.
//!
//! Kinesis speaks the Smithy `awsJson1_1` protocol, whose errors are JSON
//! objects naming the error in a top-level `code` or `__type` member (see
//! the Smithy "AWS JSON 1.1 protocol", section "Operation error
//! serialization"). In practice a client also meets:
//!
//! * the legacy Coral envelope
//!   `{"Output":{"__type":"...#UnknownOperationException"},"Version":"1.0"}`;
//! * XML bodies produced by the AWS front ends, either a bare
//!   `<AccessDeniedException><Message>..</Message></AccessDeniedException>`
//!   or the AWS query style `<ErrorResponse><Error><Code>..</Code>..`;
//! * empty, truncated or binary (e.g. CBOR) bodies.
//!
//! Everything here borrows from the body: no `serde_json::Value` is built
//! and the body is never copied. Every function is total: any byte string
//! gives an answer, never a panic.

use std::borrow::Cow;
use std::fmt;

use http::StatusCode;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::error::RetryClass;

/// The largest excerpt of a body kept in an error, in bytes of UTF-8.
pub(crate) const MAX_EXCERPT_BYTES: usize = 256;

/// What [`scan_body`] found in an error body. Every field borrows from the
/// body when it can (a JSON string with escapes, or an XML text with
/// entities, is decoded into an owned string).
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct BodyFields<'a> {
    /// The error code as written in the body, not yet sanitized.
    pub(crate) code: Option<Cow<'a, str>>,
    /// The error message.
    pub(crate) message: Option<Cow<'a, str>>,
    /// A request id written in the body (AWS query-style XML only).
    pub(crate) request_id: Option<Cow<'a, str>>,
    /// Whether the whole body was one well-formed JSON object. When it is
    /// not, the error keeps an excerpt of the body for diagnosis.
    pub(crate) is_json_object: bool,
}

/// Reads what it can from an error body: JSON when it starts with `{`,
/// XML when it starts with `<`, nothing otherwise.
pub(crate) fn scan_body(body: &[u8]) -> BodyFields<'_> {
    let start = body
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(body.len());
    let trimmed = &body[start..];
    match trimmed.first() {
        Some(b'{') => scan_json(body),
        Some(b'<') => scan_xml(trimmed),
        Some(0xEF) if trimmed.starts_with(UTF8_BOM) => scan_xml(trimmed),
        _ => BodyFields::default(),
    }
}

/// Cuts an error code down to its bare name, as the Smithy `awsJson1_1`
/// specification tells clients to: drop everything from the first `:` on
/// (a URL some services append), then keep what follows the first `#` (a
/// namespace). Surrounding whitespace is dropped. An empty result is no
/// code at all.
///
/// `aws.protocoltests.json#FooError:http://internal.amazon.com/coral/x/`
/// becomes `FooError`.
pub(crate) fn sanitize_code(raw: &str) -> Option<&str> {
    let code = raw.split_once(':').map_or(raw, |(before, _)| before);
    let code = code.split_once('#').map_or(code, |(_, after)| after);
    let code = code.trim();
    (!code.is_empty()).then_some(code)
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

/// At most [`MAX_EXCERPT_BYTES`] bytes from the start of `body`, decoded
/// lossily (each invalid sequence becomes U+FFFD) and cut on a character
/// boundary.
pub(crate) fn excerpt(body: &[u8]) -> String {
    // Decoding never shrinks: each input byte gives at least one output
    // byte. So a few bytes past the limit are all that can matter, and a
    // character cut by this slice is never reached.
    let head = &body[..body.len().min(MAX_EXCERPT_BYTES + 4)];
    let mut out = String::new();
    for chunk in head.utf8_chunks() {
        for ch in chunk.valid().chars() {
            if out.len() + ch.len_utf8() > MAX_EXCERPT_BYTES {
                return out;
            }
            out.push(ch);
        }
        if !chunk.invalid().is_empty() {
            if out.len() + char::REPLACEMENT_CHARACTER.len_utf8() > MAX_EXCERPT_BYTES {
                return out;
            }
            out.push(char::REPLACEMENT_CHARACTER);
        }
    }
    out
}

/// Writes a text on one line: every control character (newlines included)
/// and the Unicode line and paragraph separators become a space.
pub(crate) struct OneLine<'a>(pub(crate) &'a str);

impl fmt::Display for OneLine<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rest = self.0;
        while let Some((at, ch)) = rest.char_indices().find(|&(_, c)| breaks_line(c)) {
            f.write_str(&rest[..at])?;
            f.write_str(" ")?;
            rest = &rest[at + ch.len_utf8()..];
        }
        f.write_str(rest)
    }
}

/// Writes a body excerpt quoted and escaped, so binary data stays on one
/// line and readable.
pub(crate) struct Quoted<'a>(pub(crate) &'a str);

impl fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"")?;
        for ch in self.0.chars() {
            match ch {
                '"' => f.write_str("\\\"")?,
                '\\' => f.write_str("\\\\")?,
                c if breaks_line(c) => write!(f, "{}", c.escape_default())?,
                c => fmt::Write::write_char(f, c)?,
            }
        }
        f.write_str("\"")
    }
}

fn breaks_line(c: char) -> bool {
    c.is_control() || c == '\u{2028}' || c == '\u{2029}'
}

// ---------------------------------------------------------------------------
// JSON

/// Scans a JSON error body. Only top-level members count. A member of an
/// unexpected type (a number `__type`, say) is ignored rather than spoiling
/// the rest; `null` is absent; when a member is repeated the last string
/// wins. Members read before a syntax error are kept (best effort).
fn scan_json(body: &[u8]) -> BodyFields<'_> {
    let mut found = JsonErrorFields::default();
    let mut de = serde_json::Deserializer::from_slice(body);
    let complete = TopLevel(&mut found).deserialize(&mut de).is_ok() && de.end().is_ok();
    let JsonErrorFields {
        is_object,
        code,
        type_,
        output_type,
        message,
        message_upper,
        error_message,
    } = found;
    BodyFields {
        code: code.or(type_).or(output_type),
        message: message.or(message_upper).or(error_message),
        request_id: None,
        is_json_object: complete && is_object,
    }
}

#[derive(Default)]
struct JsonErrorFields<'a> {
    is_object: bool,
    code: Option<Cow<'a, str>>,
    type_: Option<Cow<'a, str>>,
    output_type: Option<Cow<'a, str>>,
    message: Option<Cow<'a, str>>,
    message_upper: Option<Cow<'a, str>>,
    error_message: Option<Cow<'a, str>>,
}

/// The top-level value: fills the fields while reading, so a later syntax
/// error does not lose what came before.
struct TopLevel<'s, 'a>(&'s mut JsonErrorFields<'a>);

impl<'de> DeserializeSeed<'de> for TopLevel<'_, 'de> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for TopLevel<'_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let fields = self.0;
        fields.is_object = true;
        while let Some(key) = map.next_key::<ErrorKey>()? {
            let slot = match key {
                ErrorKey::Code => &mut fields.code,
                ErrorKey::Type => &mut fields.type_,
                ErrorKey::Message => &mut fields.message,
                ErrorKey::MessageUpper => &mut fields.message_upper,
                ErrorKey::ErrorMessage => &mut fields.error_message,
                ErrorKey::Output => &mut fields.output_type,
                ErrorKey::Other => {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
            };
            let value = if key == ErrorKey::Output {
                map.next_value_seed(OutputType)?
            } else {
                map.next_value_seed(LenientStr)?
            };
            if value.is_some() {
                *slot = value;
            }
        }
        Ok(())
    }
}

/// The top-level members an error body may carry.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ErrorKey {
    Code,
    Type,
    Message,
    MessageUpper,
    ErrorMessage,
    Output,
    Other,
}

impl<'de> de::Deserialize<'de> for ErrorKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_identifier(ErrorKeyVisitor)
    }
}

struct ErrorKeyVisitor;

impl Visitor<'_> for ErrorKeyVisitor {
    type Value = ErrorKey;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member name")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<ErrorKey, E> {
        Ok(match key {
            "code" => ErrorKey::Code,
            "__type" => ErrorKey::Type,
            "message" => ErrorKey::Message,
            "Message" => ErrorKey::MessageUpper,
            "errorMessage" => ErrorKey::ErrorMessage,
            "Output" => ErrorKey::Output,
            _ => ErrorKey::Other,
        })
    }
}

/// A value that is kept when it is a string and ignored (`None`) when it is
/// anything else, `null` included.
struct LenientStr;

impl<'de> DeserializeSeed<'de> for LenientStr {
    type Value = Option<Cow<'de, str>>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for LenientStr {
    type Value = Option<Cow<'de, str>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Some(Cow::Borrowed(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Some(Cow::Owned(v.to_owned())))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Some(Cow::Owned(v)))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(None)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(None)
    }
}

/// The legacy Coral envelope's `Output` member: an object whose `__type`
/// string names the error. Anything else is ignored.
struct OutputType;

impl<'de> DeserializeSeed<'de> for OutputType {
    type Value = Option<Cow<'de, str>>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for OutputType {
    type Value = Option<Cow<'de, str>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut found = None;
        while let Some(key) = map.next_key::<ErrorKey>()? {
            if key == ErrorKey::Type {
                if let Some(value) = map.next_value_seed(LenientStr)? {
                    found = Some(value);
                }
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(found)
    }

    // Any other shape is not an envelope: read it through and ignore it.
    fn visit_borrowed_str<E: de::Error>(self, _: &'de str) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(None)
    }
}

// ---------------------------------------------------------------------------
// XML

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Scans an XML error body with a small hand-written scanner (no DTDs, no
/// CDATA; enough for the bodies AWS front ends send).
///
/// The code is the text of the first `<Code>` element, else the root
/// element's name (namespace prefix dropped; `html` does not count); the
/// message is the text of
/// the first `<Message>` (or `<message>`) element; the request id is the
/// text of the first `<RequestId>` element.
fn scan_xml(xml: &[u8]) -> BodyFields<'_> {
    let code = element_text(xml, b"Code").or_else(|| {
        root_name(xml)
            // An HTML page (a proxy's or load balancer's error page) names
            // no error.
            .filter(|name| !name.eq_ignore_ascii_case(b"html"))
            .map(lossy)
    });
    let message = element_text(xml, b"Message").or_else(|| element_text(xml, b"message"));
    let request_id = element_text(xml, b"RequestId");
    BodyFields {
        code,
        message,
        request_id,
        is_json_object: false,
    }
}

/// The name of the root element, after any BOM, whitespace, `<?xml ..?>`
/// declaration, comments and `<!DOCTYPE ..>`. A namespace prefix is
/// dropped.
fn root_name(xml: &[u8]) -> Option<&[u8]> {
    let mut rest = xml.strip_prefix(UTF8_BOM).unwrap_or(xml);
    loop {
        rest = trim_start(rest);
        if let Some(after) = rest.strip_prefix(b"<?") {
            rest = skip_past(after, b"?>")?;
        } else if let Some(after) = rest.strip_prefix(b"<!--") {
            rest = skip_past(after, b"-->")?;
        } else if let Some(after) = rest.strip_prefix(b"<!") {
            rest = skip_past(after, b">")?;
        } else if let Some(after) = rest.strip_prefix(b"<") {
            let end = after
                .iter()
                .position(|&b| b.is_ascii_whitespace() || b == b'>' || b == b'/')
                .unwrap_or(after.len());
            let name = &after[..end];
            let name = match name.iter().rposition(|&b| b == b':') {
                Some(colon) => &name[colon + 1..],
                None => name,
            };
            return (!name.is_empty()).then_some(name);
        } else {
            return None;
        }
    }
}

/// The trimmed, entity-decoded text of the first non-empty element called
/// `name`, up to the next tag.
fn element_text<'a>(xml: &'a [u8], name: &[u8]) -> Option<Cow<'a, str>> {
    let mut rest = xml;
    while let Some(at) = find(rest, b"<") {
        rest = &rest[at + 1..];
        let Some(after_name) = rest.strip_prefix(name) else {
            continue;
        };
        match after_name.first() {
            Some(b'>') => {}
            Some(b) if b.is_ascii_whitespace() => {}
            _ => continue,
        }
        let close = find(after_name, b">")?;
        if after_name[..close].ends_with(b"/") {
            // `<Name/>`: empty, look further.
            rest = &after_name[close + 1..];
            continue;
        }
        let after_tag = &after_name[close + 1..];
        let text_end = find(after_tag, b"<").unwrap_or(after_tag.len());
        let text = trim_end(trim_start(&after_tag[..text_end]));
        if !text.is_empty() {
            return Some(decode_entities(text));
        }
        rest = &after_tag[text_end..];
    }
    None
}

/// Decodes the five predefined XML entities and numeric character
/// references; anything else is kept as written. Invalid UTF-8 becomes
/// U+FFFD.
fn decode_entities(text: &[u8]) -> Cow<'_, str> {
    let text = lossy(text);
    if !text.contains('&') {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    let mut rest: &str = &text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let decoded = rest.find(';').filter(|&semi| semi <= 10).and_then(|semi| {
            let entity = &rest[1..semi];
            let ch = match entity {
                "lt" => Some('<'),
                "gt" => Some('>'),
                "amp" => Some('&'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                _ => entity.strip_prefix('#').and_then(|num| {
                    let value = match num.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok(),
                        None => num.parse::<u32>().ok(),
                    };
                    value.and_then(char::from_u32)
                }),
            };
            ch.map(|ch| (ch, semi))
        });
        match decoded {
            Some((ch, semi)) => {
                out.push(ch);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

fn lossy(bytes: &[u8]) -> Cow<'_, str> {
    String::from_utf8_lossy(bytes)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn skip_past<'a>(haystack: &'a [u8], needle: &[u8]) -> Option<&'a [u8]> {
    find(haystack, needle).map(|at| &haystack[at + needle.len()..])
}

fn trim_start(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    &bytes[start..]
}

fn trim_end(bytes: &[u8]) -> &[u8] {
    let end = bytes
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(0, |last| last + 1);
    &bytes[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitize_keeps_a_bare_code() {
        assert_eq!(sanitize_code("FooError"), Some("FooError"));
    }

    #[test]
    fn sanitize_drops_the_namespace_before_hash() {
        assert_eq!(
            sanitize_code("aws.protocoltests.json#FooError"),
            Some("FooError")
        );
    }

    #[test]
    fn sanitize_drops_the_url_after_colon() {
        assert_eq!(
            sanitize_code("FooError:http://internal.amazon.com/coral/com.amazon.coral.validate/"),
            Some("FooError")
        );
    }

    #[test]
    fn sanitize_drops_namespace_and_url_together() {
        assert_eq!(
            sanitize_code(
                "aws.protocoltests.json#FooError:http://internal.amazon.com/coral/com.amazon.coral.validate/"
            ),
            Some("FooError")
        );
    }

    #[test]
    fn sanitize_cuts_at_colon_before_looking_for_hash() {
        // The `#` after the colon belongs to the URL, not to a namespace.
        assert_eq!(sanitize_code("FooError:http://x/#frag"), Some("FooError"));
    }

    #[test]
    fn sanitize_gives_none_for_an_empty_code() {
        assert_eq!(sanitize_code(""), None);
        assert_eq!(sanitize_code("ns#"), None);
        assert_eq!(sanitize_code(":http://x"), None);
        assert_eq!(sanitize_code("  "), None);
    }

    #[test]
    fn sanitize_trims_whitespace() {
        assert_eq!(sanitize_code(" FooError "), Some("FooError"));
    }

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

    #[test]
    fn excerpt_is_bounded_and_cut_on_a_char_boundary() {
        let body = "é".repeat(300);
        let out = excerpt(body.as_bytes());
        assert!(out.len() <= MAX_EXCERPT_BYTES);
        assert_eq!(out.len(), MAX_EXCERPT_BYTES);
        assert!(out.chars().all(|c| c == 'é'));

        let body = format!("a{}", "é".repeat(300));
        let out = excerpt(body.as_bytes());
        assert_eq!(out.len(), MAX_EXCERPT_BYTES - 1);
    }

    #[test]
    fn excerpt_replaces_invalid_utf8() {
        assert_eq!(excerpt(b"ab\xFFcd"), "ab\u{FFFD}cd");
        let out = excerpt(&[0xFF; 1000]);
        assert!(out.len() <= MAX_EXCERPT_BYTES);
        assert!(out.chars().all(|c| c == '\u{FFFD}'));
    }

    #[test]
    fn excerpt_keeps_short_bodies_whole() {
        assert_eq!(excerpt(b""), "");
        assert_eq!(excerpt(b"hello"), "hello");
    }

    #[test]
    fn one_line_replaces_line_breaks() {
        assert_eq!(OneLine("a\nb\r\nc\u{2028}d\te").to_string(), "a b  c d e");
    }

    #[test]
    fn quoted_escapes_quotes_and_controls() {
        assert_eq!(Quoted("a\"b\\c\nd\0").to_string(), r#""a\"b\\c\nd\u{0}""#);
    }

    #[test]
    fn xml_root_name_is_the_code_without_a_code_element() {
        let body = b"<AccessDeniedException><Message>User is not authorized</Message></AccessDeniedException>";
        let fields = scan_body(body);
        assert_eq!(fields.code.as_deref(), Some("AccessDeniedException"));
        assert_eq!(fields.message.as_deref(), Some("User is not authorized"));
    }

    #[test]
    fn xml_skips_declaration_comments_doctype_and_bom() {
        let body = b"\xEF\xBB\xBF<?xml version=\"1.0\"?>\n<!-- note -->\n<!DOCTYPE x>\n<ns:Denied xmlns:ns=\"u\"/>";
        assert_eq!(root_name(body), Some(&b"Denied"[..]));
        assert_eq!(scan_body(body).code.as_deref(), Some("Denied"));
    }

    #[test]
    fn html_root_is_not_a_code() {
        let body = b"<!DOCTYPE html>\n<HTML><body>502 Bad Gateway</body></HTML>";
        assert_eq!(scan_body(body).code, None);
    }

    #[test]
    fn xml_code_element_beats_the_root_name() {
        let body = b"<?xml version=\"1.0\"?><ErrorResponse><Error><Type>Sender</Type><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match</Message></Error><RequestId>8d2a</RequestId></ErrorResponse>";
        let fields = scan_body(body);
        assert_eq!(fields.code.as_deref(), Some("SignatureDoesNotMatch"));
        assert_eq!(
            fields.message.as_deref(),
            Some("The request signature we calculated does not match")
        );
        assert_eq!(fields.request_id.as_deref(), Some("8d2a"));
    }

    #[test]
    fn xml_element_match_needs_the_whole_name() {
        let body = b"<Root><CodeName>no</CodeName><Code attr=\"1\">Yes</Code></Root>";
        assert_eq!(scan_body(body).code.as_deref(), Some("Yes"));
    }

    #[test]
    fn xml_empty_elements_are_skipped() {
        let body = b"<Root><Code/><Code> </Code><Code>Real</Code></Root>";
        assert_eq!(scan_body(body).code.as_deref(), Some("Real"));
    }

    #[test]
    fn xml_entities_are_decoded() {
        let body = b"<E><Message>a &lt;b&gt; &amp; &quot;c&quot; &apos;d&apos; &#65;&#x42; &bogus; &</Message></E>";
        assert_eq!(
            scan_body(body).message.as_deref(),
            Some("a <b> & \"c\" 'd' AB &bogus; &")
        );
    }

    #[test]
    fn xml_scanner_survives_truncation() {
        let body = b"<?xml version=\"1.0\"?><ErrorResponse><Error><Code>Sig";
        for end in 0..=body.len() {
            let _ = scan_body(&body[..end]);
        }
        assert_eq!(scan_body(b"<?xml").code, None);
        assert_eq!(scan_body(b"<").code, None);
        assert_eq!(scan_body(b"<!-- x").code, None);
    }

    #[test]
    fn json_code_beats_type_and_type_beats_output() {
        let fields = scan_body(br#"{"__type":"B","Output":{"__type":"C"},"code":"A"}"#);
        assert_eq!(fields.code.as_deref(), Some("A"));
        let fields = scan_body(br#"{"Output":{"__type":"C"},"__type":"B"}"#);
        assert_eq!(fields.code.as_deref(), Some("B"));
        let fields = scan_body(br#"{"Output":{"__type":"C"},"Version":"1.0"}"#);
        assert_eq!(fields.code.as_deref(), Some("C"));
        assert!(fields.is_json_object);
    }

    #[test]
    fn json_non_string_members_are_ignored() {
        let fields = scan_body(
            br#"{"__type":{"__type":"Nested"},"code":5,"message":["x"],"Message":null,"errorMessage":"m","Output":"x"}"#,
        );
        assert_eq!(fields.code, None);
        assert_eq!(fields.message.as_deref(), Some("m"));
        assert!(fields.is_json_object);
    }

    #[test]
    fn json_strings_with_escapes_are_decoded() {
        let fields = scan_body(br#"{"__type":"Foo\u0045rror","message":"a\"b"}"#);
        assert_eq!(fields.code.as_deref(), Some("FooError"));
        assert_eq!(fields.message.as_deref(), Some("a\"b"));
    }

    #[test]
    fn json_plain_strings_are_borrowed() {
        let fields = scan_body(br#"{"__type":"FooError"}"#);
        assert!(matches!(fields.code, Some(Cow::Borrowed("FooError"))));
    }

    #[test]
    fn json_members_before_a_syntax_error_are_kept() {
        let fields = scan_body(br#"{"__type":"FooError","message":"m", oops"#);
        assert_eq!(fields.code.as_deref(), Some("FooError"));
        assert_eq!(fields.message.as_deref(), Some("m"));
        assert!(!fields.is_json_object);
    }

    #[test]
    fn json_duplicate_members_keep_the_last_string() {
        let fields = scan_body(br#"{"__type":"First","__type":null,"__type":"Last","__type":1}"#);
        assert_eq!(fields.code.as_deref(), Some("Last"));
    }

    #[test]
    fn json_trailing_bytes_make_the_body_not_an_object() {
        let fields = scan_body(br#"{"__type":"FooError"} x"#);
        assert_eq!(fields.code.as_deref(), Some("FooError"));
        assert!(!fields.is_json_object);
    }

    #[test]
    fn other_bodies_give_nothing() {
        assert_eq!(scan_body(b""), BodyFields::default());
        assert_eq!(scan_body(b"\xa2\x64code"), BodyFields::default());
        assert_eq!(scan_body(b"[1,2]"), BodyFields::default());
        assert_eq!(scan_body(b"   "), BodyFields::default());
    }
}
