//! Reading an error code, a message and a request id out of an error response body.
//!
//! Kinesis speaks Smithy `awsJson1_1`, whose errors are JSON objects naming the error in a
//! top-level `code` or `__type` member ("AWS JSON 1.1 protocol", "Operation error
//! serialization"). A client also meets the legacy Coral envelope
//! `{"Output":{"__type":"...#UnknownOperationException"},"Version":"1.0"}`, XML from the AWS
//! front ends (`<AccessDeniedException><Message>..` or the query style
//! `<ErrorResponse><Error><Code>..`), and empty, truncated or binary bodies. Everything borrows
//! from the body, and every function is total: any byte string gives an answer, never a panic.

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize;
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};

use crate::limits::{MAX_ERROR_BODY_SCAN_BYTES, MAX_EXCERPT_BYTES};

/// What [`scan_body`] found, borrowed from the body unless escapes or entities were decoded.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct BodyFields<'a> {
    /// The error code as written in the body, not yet sanitized.
    pub(crate) code: Option<Cow<'a, str>>,
    /// The error message.
    pub(crate) message: Option<Cow<'a, str>>,
    /// A request id written in the body (AWS query-style XML only).
    pub(crate) request_id: Option<Cow<'a, str>>,
    /// Whether the whole body was one well-formed JSON object (if not, the error keeps an
    /// excerpt of the body).
    pub(crate) is_json_object: bool,
}

/// Reads what it can from an error body that starts with `{` (JSON) or `<` (XML), cut after
/// [`MAX_ERROR_BODY_SCAN_BYTES`].
pub(crate) fn scan_body(body: &[u8]) -> BodyFields<'_> {
    let body = body.get(..MAX_ERROR_BODY_SCAN_BYTES).unwrap_or(body);
    let trimmed = body.trim_ascii_start();
    match trimmed.first() {
        Some(b'{') => scan_json(body),
        Some(b'<') => scan_xml(trimmed),
        Some(0xEF) if trimmed.starts_with(UTF8_BOM) => scan_xml(trimmed),
        _ => BodyFields::default(),
    }
}

/// An error code's bare name, as Smithy `awsJson1_1` says: cut from the first `:` (a URL), keep
/// what follows the first `#` (a namespace), trim; empty is none. `a.b#FooError:http://x/` gives
/// `FooError`.
pub(crate) fn sanitize_code(raw: &str) -> Option<&str> {
    let code = raw.split_once(':').map_or(raw, |(before, _)| before);
    let code = code.split_once('#').map_or(code, |(_, after)| after);
    let code = code.trim();
    (!code.is_empty()).then_some(code)
}

/// At most [`MAX_EXCERPT_BYTES`] bytes from the start of `body`, decoded lossily (each invalid
/// sequence becomes U+FFFD) and cut on a character boundary.
pub(crate) fn excerpt(body: &[u8]) -> String {
    // Decoding never shrinks, so a character cut by this slice is never reached.
    let head = &body[..body.len().min(MAX_EXCERPT_BYTES + 4)];
    let mut out = String::new();
    for chunk in head.utf8_chunks() {
        let invalid = (!chunk.invalid().is_empty()).then_some(char::REPLACEMENT_CHARACTER);
        for ch in chunk.valid().chars().chain(invalid) {
            if out.len() + ch.len_utf8() > MAX_EXCERPT_BYTES {
                return out;
            }
            out.push(ch);
        }
    }
    out
}

/// Scans a JSON error body. Only top-level members count; one of another type (a number
/// `__type`) or `null` is ignored; of a repeated member the last string wins. Members read
/// before a syntax error are kept (best effort).
fn scan_json(body: &[u8]) -> BodyFields<'_> {
    let mut found = JsonErrorFields::default();
    let mut de = serde_json::Deserializer::from_slice(body);
    let complete = TopLevel(&mut found).deserialize(&mut de).is_ok() && de.end().is_ok();
    BodyFields {
        code: found.code.or(found.type_).or(found.output_type),
        message: found
            .message
            .or(found.message_upper)
            .or(found.error_message),
        request_id: None,
        is_json_object: complete && found.is_object,
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

/// The top-level value: fills the fields while reading, so a later syntax error loses nothing.
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
                map.next_value::<OutputEnvelope<'de>>()?.into_type()
            } else {
                map.next_value::<Lenient<'de>>()?.into_str()
            };
            if value.is_some() {
                *slot = value;
            }
        }
        Ok(())
    }
}

/// The top-level members an error body may carry.
#[derive(Clone, Copy, PartialEq, Eq, Deserialize)]
enum ErrorKey {
    #[serde(rename = "code")]
    Code,
    #[serde(rename = "__type")]
    Type,
    #[serde(rename = "message")]
    Message,
    #[serde(rename = "Message")]
    MessageUpper,
    #[serde(rename = "errorMessage")]
    ErrorMessage,
    Output,
    #[serde(other)]
    Other,
}

/// A value kept when it is a string and ignored when it is anything else, `null` included.
#[derive(Deserialize)]
#[serde(untagged)]
enum Lenient<'a> {
    Str(#[serde(borrow)] Cow<'a, str>),
    Other(IgnoredAny),
}

impl<'a> Lenient<'a> {
    fn into_str(self) -> Option<Cow<'a, str>> {
        match self {
            Lenient::Str(s) => Some(s),
            Lenient::Other(_) => None,
        }
    }
}

/// The legacy Coral envelope's `Output` member: an object whose `__type` string names the
/// error. Anything else is ignored.
#[derive(Deserialize)]
#[serde(untagged)]
enum OutputEnvelope<'a> {
    Object {
        #[serde(rename = "__type", borrow)]
        type_: Option<Lenient<'a>>,
    },
    Other(IgnoredAny),
}

impl<'a> OutputEnvelope<'a> {
    fn into_type(self) -> Option<Cow<'a, str>> {
        match self {
            OutputEnvelope::Object { type_ } => type_.and_then(Lenient::into_str),
            OutputEnvelope::Other(_) => None,
        }
    }
}

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Scans an XML error body (no DTDs, no CDATA): code from the first `<Code>`, else the root
/// element's name unless `html` (a proxy's page); message from `<Message>` or `<message>`;
/// request id from `<RequestId>`.
fn scan_xml(xml: &[u8]) -> BodyFields<'_> {
    let code = element_text(xml, b"Code").or_else(|| {
        root_name(xml)
            .filter(|name| !name.eq_ignore_ascii_case(b"html"))
            .map(String::from_utf8_lossy)
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

/// The root element's name without namespace prefix, after any BOM, whitespace, `<?xml ..?>`,
/// comments and `<!DOCTYPE ..>`.
fn root_name(xml: &[u8]) -> Option<&[u8]> {
    let mut rest = xml.strip_prefix(UTF8_BOM).unwrap_or(xml);
    loop {
        rest = rest.trim_ascii_start();
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
            let name = after[..end]
                .rsplit(|&b| b == b':')
                .next()
                .unwrap_or_default();
            return (!name.is_empty()).then_some(name);
        } else {
            return None;
        }
    }
}

/// The trimmed, entity-decoded text of the first non-empty element `name`, up to the next tag.
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
        let text = after_tag[..text_end].trim_ascii();
        if !text.is_empty() {
            return Some(decode_entities(text));
        }
        rest = &after_tag[text_end..];
    }
    None
}

/// Decodes the five predefined XML entities and numeric character references; anything else is
/// kept as written. Invalid UTF-8 becomes U+FFFD.
fn decode_entities(text: &[u8]) -> Cow<'_, str> {
    let text = String::from_utf8_lossy(text);
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

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn skip_past<'a>(haystack: &'a [u8], needle: &[u8]) -> Option<&'a [u8]> {
    find(haystack, needle).map(|at| &haystack[at + needle.len()..])
}
