//! Reading a PutRecord response.
//!
//! A 2xx answer carries a JSON object with the shard the record went to,
//! its sequence number and the encryption applied (Kinesis API reference,
//! PutRecord, "Response Syntax"). Anything else is an error, read by the
//! shared core in [`crate::error`].

use std::borrow::Cow;
use std::fmt;

use http::{HeaderMap, Response, StatusCode};
use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};

use crate::error::{self, MalformedResponse, PutRecordError};

/// The server-side encryption Kinesis applied to a record.
///
/// Open: a value this crate does not know is kept as
/// [`Unknown`](Self::Unknown) rather than rejected, so a new mode does not
/// break old clients.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum EncryptionType {
    /// No encryption (wire value `NONE`).
    None,
    /// Server-side encryption with an AWS KMS key (wire value `KMS`).
    Kms,
    /// A value this crate does not know, kept as received.
    Unknown(String),
}

impl EncryptionType {
    /// The wire text: `NONE`, `KMS`, or the unknown value as received.
    pub fn as_str(&self) -> &str {
        match self {
            Self::None => "NONE",
            Self::Kms => "KMS",
            Self::Unknown(value) => value,
        }
    }

    fn from_wire(value: &str) -> Self {
        match value {
            "NONE" => Self::None,
            "KMS" => Self::Kms,
            other => Self::Unknown(other.to_owned()),
        }
    }
}

/// Writes the wire text (see [`as_str`](Self::as_str)).
impl fmt::Display for EncryptionType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A successful PutRecord: where the record went.
///
/// Owns its strings, so it outlives the response it was parsed from.
#[derive(Clone, PartialEq, Eq)]
pub struct PutRecordOutput {
    /// Shard id, sequence number and request id, back to back: one
    /// allocation instead of three.
    text: String,
    shard_id_end: usize,
    sequence_number_end: usize,
    has_request_id: bool,
    encryption_type: Option<EncryptionType>,
}

impl PutRecordOutput {
    /// The id of the shard that stored the record, e.g.
    /// `shardId-000000000001`.
    pub fn shard_id(&self) -> &str {
        self.text.get(..self.shard_id_end).unwrap_or_default()
    }

    /// The record's sequence number: a decimal string of up to 129 digits,
    /// kept as text (it does not fit any integer type). Sequence numbers of
    /// one shard grow over time; compare them as numbers (by length, then
    /// lexically), not as plain strings.
    pub fn sequence_number(&self) -> &str {
        self.text
            .get(self.shard_id_end..self.sequence_number_end)
            .unwrap_or_default()
    }

    /// The encryption applied to the record, when the response said.
    pub fn encryption_type(&self) -> Option<&EncryptionType> {
        self.encryption_type.as_ref()
    }

    /// The request id AWS assigned (the `x-amzn-RequestId` header, else
    /// `x-amz-request-id`), if the response carried one.
    pub fn request_id(&self) -> Option<&str> {
        if self.has_request_id {
            self.text.get(self.sequence_number_end..)
        } else {
            None
        }
    }
}

impl fmt::Debug for PutRecordOutput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PutRecordOutput")
            .field("shard_id", &self.shard_id())
            .field("sequence_number", &self.sequence_number())
            .field("encryption_type", &self.encryption_type)
            .field("request_id", &self.request_id())
            .finish()
    }
}

/// Reads a PutRecord response.
///
/// Any 2xx status is success: the body must be a JSON object with a
/// `ShardId` (matching `[a-zA-Z0-9_.-]{1,128}`) and a `SequenceNumber` (1 to
/// 129 decimal digits), and may carry an `EncryptionType`. Members may come
/// in any order, unknown members are ignored and `null` counts as absent.
/// A body that does not fit gives [`PutRecordError::Malformed`].
///
/// Any other status is an error, picked by its code (not by its status) as
/// the AWS JSON 1.1 protocol specifies; see [`PutRecordError`].
///
/// Never panics, whatever the status, headers and body.
///
/// # Examples
///
/// ```
/// use kinesis_proto::{EncryptionType, parse_put_record_response};
///
/// let response = http::Response::builder()
///     .status(200)
///     .header("x-amzn-RequestId", "c2a2-41d3")
///     .body(r#"{"ShardId":"shardId-000000000001","SequenceNumber":"4954","EncryptionType":"KMS"}"#)
///     .unwrap();
/// let output = parse_put_record_response(&response).unwrap();
/// assert_eq!(output.shard_id(), "shardId-000000000001");
/// assert_eq!(output.sequence_number(), "4954");
/// assert_eq!(output.encryption_type(), Some(&EncryptionType::Kms));
/// assert_eq!(output.request_id(), Some("c2a2-41d3"));
///
/// let response = http::Response::builder()
///     .status(400)
///     .body(r#"{"__type":"ProvisionedThroughputExceededException","message":"Rate exceeded"}"#)
///     .unwrap();
/// let err = parse_put_record_response(&response).unwrap_err();
/// assert!(err.is_throttling());
/// assert_eq!(err.to_string(), "ProvisionedThroughputExceededException (HTTP 400): Rate exceeded");
/// ```
///
/// # Errors
///
/// Every variant of [`PutRecordError`].
pub fn parse_put_record_response<B: AsRef<[u8]>>(
    response: &Response<B>,
) -> Result<PutRecordOutput, PutRecordError> {
    parse(
        response.status(),
        response.headers(),
        response.body().as_ref(),
    )
}

fn parse(
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<PutRecordOutput, PutRecordError> {
    if !error::is_success(status) {
        let err = error::parse_service_error(status, headers, body);
        return Err(PutRecordError::from_service_error(err));
    }
    parse_success(headers, body).map_err(|reason| {
        PutRecordError::Malformed(MalformedResponse::new(status, headers, reason, body))
    })
}

/// The PutRecord result members, borrowed from the body.
#[derive(Deserialize)]
struct Body<'a> {
    #[serde(rename = "ShardId", borrow, default)]
    shard_id: Option<Text<'a>>,
    #[serde(rename = "SequenceNumber", borrow, default)]
    sequence_number: Option<Text<'a>>,
    #[serde(rename = "EncryptionType", borrow, default)]
    encryption_type: Option<Text<'a>>,
}

/// A JSON string, borrowed from the body unless it holds escapes.
///
/// (`Option<Cow<str>>` would always copy: serde only borrows a `Cow` that is
/// a field's whole type.)
struct Text<'a>(Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(TextVisitor)
    }
}

struct TextVisitor;

impl<'de> Visitor<'de> for TextVisitor {
    type Value = Text<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Text(Cow::Borrowed(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Text(Cow::Owned(v.to_owned())))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Text(Cow::Owned(v)))
    }
}

/// Reads a 2xx body; the error is the reason it was rejected.
fn parse_success(headers: &HeaderMap, body: &[u8]) -> Result<PutRecordOutput, Cow<'static, str>> {
    // serde accepts a JSON array for a struct (members by position); the
    // API says object.
    match body.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'{') => {}
        Some(_) => return Err(Cow::Borrowed("the body is not a JSON object")),
        None => return Err(Cow::Borrowed("the body is empty")),
    }
    let parsed: Body<'_> =
        serde_json::from_slice(body).map_err(|err| Cow::Owned(format!("invalid JSON: {err}")))?;

    let shard_id = parsed
        .shard_id
        .ok_or(Cow::Borrowed("required member `ShardId` is missing"))?
        .0;
    if !is_valid_shard_id(&shard_id) {
        return Err(Cow::Borrowed(
            "member `ShardId` does not match [a-zA-Z0-9_.-]{1,128}",
        ));
    }
    let sequence_number = parsed
        .sequence_number
        .ok_or(Cow::Borrowed("required member `SequenceNumber` is missing"))?
        .0;
    if !is_valid_sequence_number(&sequence_number) {
        return Err(Cow::Borrowed(
            "member `SequenceNumber` is not 1 to 129 decimal digits",
        ));
    }
    let encryption_type = parsed
        .encryption_type
        .map(|text| EncryptionType::from_wire(&text.0));
    let request_id = error::request_id(headers);

    let mut text = String::with_capacity(
        shard_id.len() + sequence_number.len() + request_id.map_or(0, str::len),
    );
    text.push_str(&shard_id);
    let shard_id_end = text.len();
    text.push_str(&sequence_number);
    let sequence_number_end = text.len();
    if let Some(id) = request_id {
        text.push_str(id);
    }
    Ok(PutRecordOutput {
        text,
        shard_id_end,
        sequence_number_end,
        has_request_id: request_id.is_some(),
        encryption_type,
    })
}

/// The API model's pattern for a shard id: `[a-zA-Z0-9_.-]+`, 1 to 128
/// characters.
fn is_valid_shard_id(id: &str) -> bool {
    (1..=128).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
}

/// The API model's sequence number pattern is `0|([1-9]\d{0,128})`; leading
/// zeros are tolerated here, as they change nothing for a caller.
fn is_valid_sequence_number(number: &str) -> bool {
    (1..=129).contains(&number.len()) && number.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(body: &str) -> Result<PutRecordOutput, Cow<'static, str>> {
        parse_success(&HeaderMap::new(), body.as_bytes())
    }

    #[test]
    fn output_without_request_id_answers_none() {
        let out = ok(r#"{"ShardId":"s","SequenceNumber":"1"}"#).unwrap();
        assert_eq!(out.shard_id(), "s");
        assert_eq!(out.sequence_number(), "1");
        assert_eq!(out.request_id(), None);
        assert_eq!(out.encryption_type(), None);
    }

    #[test]
    fn escaped_strings_are_decoded() {
        let out = ok(r#"{"ShardId":"shard\u0049d-1","SequenceNumber":"\u0031"}"#).unwrap();
        assert_eq!(out.shard_id(), "shardId-1");
        assert_eq!(out.sequence_number(), "1");
    }

    #[test]
    fn duplicate_members_are_malformed() {
        let err = ok(r#"{"ShardId":"a","ShardId":"b","SequenceNumber":"1"}"#).unwrap_err();
        assert!(err.contains("duplicate"), "{err}");
    }

    #[test]
    fn shard_id_pattern_is_enforced() {
        assert!(is_valid_shard_id("shardId-000000000001"));
        assert!(is_valid_shard_id(&"a".repeat(128)));
        assert!(!is_valid_shard_id(&"a".repeat(129)));
        assert!(!is_valid_shard_id(""));
        assert!(!is_valid_shard_id("shard id"));
        assert!(!is_valid_shard_id("shard/1"));
    }

    #[test]
    fn sequence_number_is_one_to_129_digits() {
        assert!(is_valid_sequence_number("0"));
        assert!(is_valid_sequence_number(&"9".repeat(129)));
        assert!(!is_valid_sequence_number(&"9".repeat(130)));
        assert!(!is_valid_sequence_number(""));
        assert!(!is_valid_sequence_number("-1"));
        assert!(!is_valid_sequence_number("1e5"));
    }

    #[test]
    fn encryption_type_display_is_the_wire_text() {
        assert_eq!(EncryptionType::None.to_string(), "NONE");
        assert_eq!(EncryptionType::Kms.to_string(), "KMS");
        assert_eq!(
            EncryptionType::Unknown("FUTURE_MODE".into()).to_string(),
            "FUTURE_MODE"
        );
    }

    #[test]
    fn debug_shows_fields_not_the_packed_buffer() {
        let out = ok(r#"{"ShardId":"s","SequenceNumber":"1"}"#).unwrap();
        let debug = format!("{out:?}");
        assert!(debug.contains("shard_id: \"s\""), "{debug}");
        assert!(debug.contains("sequence_number: \"1\""), "{debug}");
    }
}
