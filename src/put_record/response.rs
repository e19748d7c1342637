//! Reading a PutRecord response: a 2xx body is the object of the Kinesis API reference,
//! PutRecord, "Response Syntax"; anything else is an error, read by `service_error`.

use std::borrow::Cow;
use std::fmt;

use http::{HeaderMap, HeaderValue, Response, StatusCode};
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer};

use super::error::PutRecordError;
use crate::limits::MAX_ERROR_TEXT_BYTES;
use crate::sequence_number::is_valid_sequence_number;
use crate::service_error::{self, MalformedResponse};
use crate::text::is_name as is_valid_shard_id;

/// The server-side encryption Kinesis applied to a record. Open: a value this crate does not
/// know is kept as [`Unknown`](Self::Unknown), so a new mode does not break old clients.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum EncryptionType {
    /// No encryption (wire value `NONE`).
    None,
    /// Server-side encryption with an AWS KMS key (wire value `KMS`).
    Kms,
    /// A value this crate does not know, kept as received when it is a name (`[a-zA-Z0-9_.-]`,
    /// at most 128 bytes); otherwise each other character becomes `_` and it is cut to 128.
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
}

impl EncryptionType {
    /// The value of an answer's `EncryptionType` member, for every operation that has one.
    pub(crate) fn from_wire(text: &str) -> EncryptionType {
        match text {
            "KMS" => EncryptionType::Kms,
            "NONE" => EncryptionType::None,
            other => EncryptionType::Unknown(as_name(other)),
        }
    }
}

/// A value from an answer, kept as a name: `[a-zA-Z0-9_.-]`, at most 128 bytes; any other
/// character becomes `_`, so an unknown value can be shown and compared but never carries a
/// control character or a long text.
pub(crate) fn as_name(text: &str) -> String {
    let mut name: String = (text.chars().take(128))
        .map(|c| match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' | '_' | '.' | '-' => c,
            _ => '_',
        })
        .collect();
    if name.is_empty() {
        name.push('_');
    }
    name
}

/// Writes the wire text (see [`as_str`](Self::as_str)).
impl fmt::Display for EncryptionType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A successful PutRecord: where the record went. Owns its strings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PutRecordOutput {
    shard_id: String,
    sequence_number: String,
    encryption_type: Option<EncryptionType>,
    /// Kept as the header value it is: cloning one shares its bytes.
    request_id: Option<HeaderValue>,
}

impl PutRecordOutput {
    /// The id of the shard that stored the record, e.g. `shardId-000000000001`.
    pub fn shard_id(&self) -> &str {
        &self.shard_id
    }

    /// The record's sequence number: up to 129 decimal digits, kept as text (it fits no integer
    /// type). Those of one shard grow over time; compare them by length, then lexically.
    pub fn sequence_number(&self) -> &str {
        &self.sequence_number
    }

    /// The encryption applied to the record, when the response said.
    pub fn encryption_type(&self) -> Option<&EncryptionType> {
        self.encryption_type.as_ref()
    }

    /// The request id (the `x-amzn-RequestId` header, else `x-amz-request-id`), if any.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_ref().and_then(|id| id.to_str().ok())
    }
}

/// Reads a PutRecord response.
///
/// Any 2xx status is success: the body must be a JSON object with a `ShardId` (matching
/// `[a-zA-Z0-9_.-]{1,128}`) and a `SequenceNumber` (1 to 129 decimal digits), and may carry an
/// `EncryptionType`. Members may come in any order, unknown members are ignored and `null`
/// counts as absent. A body that does not fit gives [`PutRecordError::Malformed`]. Any other
/// status is an error, picked by its code (not by its status) as the AWS JSON 1.1 protocol
/// specifies; see [`PutRecordError`]. Never panics, whatever the status, headers and body.
///
/// ```
/// use kinesis_proto::{EncryptionType, parse_put_record_response};
/// let body = r#"{"ShardId":"shardId-000000000001","SequenceNumber":"4954","EncryptionType":"KMS"}"#;
/// let output = parse_put_record_response(&http::Response::new(body)).unwrap();
/// assert_eq!(output.shard_id(), "shardId-000000000001");
/// assert_eq!(output.sequence_number(), "4954");
/// assert_eq!(output.encryption_type(), Some(&EncryptionType::Kms));
///
/// let body = r#"{"__type":"ProvisionedThroughputExceededException","message":"Rate exceeded"}"#;
/// let response = http::Response::builder().status(400).body(body).unwrap();
/// let err = parse_put_record_response(&response).unwrap_err();
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
    if !service_error::is_success(status) {
        let err = service_error::parse_service_error(status, headers, body);
        return Err(PutRecordError::from_service_error(err));
    }
    parse_success(headers, body).map_err(|reason| {
        PutRecordError::Malformed(MalformedResponse::new(status, headers, reason, body))
    })
}

/// The PutRecord result members: the raw bytes of each JSON string (escapes decoded), borrowed
/// from the body unless it holds escapes. `None` is a member that is absent or `null`.
///
/// Bytes rather than `str`: the checks that follow admit ASCII only for the two required members
/// and check `EncryptionType` for UTF-8, so a failed check can say which member was not UTF-8.
#[derive(Default, Deserialize)]
#[serde(expecting = "a JSON object", rename_all = "PascalCase")]
struct Body<'a> {
    #[serde(borrow, default, deserialize_with = "nullable_bytes")]
    shard_id: Option<Cow<'a, [u8]>>,
    #[serde(borrow, default, deserialize_with = "nullable_bytes")]
    sequence_number: Option<Cow<'a, [u8]>>,
    #[serde(borrow, default, deserialize_with = "nullable_bytes")]
    encryption_type: Option<Cow<'a, [u8]>>,
}

/// A JSON string's bytes, borrowed when it holds no escape, or `null`. Any other JSON type is
/// an error: serde_json hands a JSON array to a byte visitor too, and the derived one for
/// `Cow<[u8]>` would read it, so this one is written out.
fn nullable_bytes<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Cow<'de, [u8]>>, D::Error> {
    struct StringBytes;
    impl<'de> Visitor<'de> for StringBytes {
        type Value = Option<Cow<'de, [u8]>>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string or null")
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            // A string's bytes, without a UTF-8 check.
            d.deserialize_bytes(self)
        }
        fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
            Ok(Some(Cow::Borrowed(v.as_bytes())))
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(Some(Cow::Owned(v.as_bytes().to_vec())))
        }
        fn visit_borrowed_bytes<E: de::Error>(self, v: &'de [u8]) -> Result<Self::Value, E> {
            Ok(Some(Cow::Borrowed(v)))
        }
        fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Self::Value, E> {
            Ok(Some(Cow::Owned(v.to_vec())))
        }
    }
    d.deserialize_option(StringBytes)
}

impl<'a> Body<'a> {
    /// Reads a 2xx body: the usual flat object of plain strings in one pass
    /// (`wire::flat_json`), anything else through serde_json, which then decides on a repeated
    /// member, an escape, `null` and every error. A JSON array is refused before serde would
    /// read it as members by position.
    fn parse(body: &'a [u8]) -> Result<Body<'a>, Cow<'static, str>> {
        if let Some(parsed) = Self::scan(body) {
            return Ok(parsed);
        }
        match body.trim_ascii_start().first() {
            None => Err(Cow::Borrowed("the body is empty")),
            Some(b'[') => Err(Cow::Borrowed(
                "invalid JSON: a JSON array, expected a JSON object",
            )),
            Some(_) => serde_json::from_slice(body).map_err(|err| {
                Cow::Owned(service_error::capped_format(
                    format_args!("invalid JSON: {err}"),
                    MAX_ERROR_TEXT_BYTES,
                ))
            }),
        }
    }

    /// The same members as the serde parse, for a body of plain strings only; `None` leaves the
    /// body to serde (a repeated member included).
    fn scan(body: &'a [u8]) -> Option<Body<'a>> {
        let mut parsed = Body::default();
        crate::wire::flat_json::for_each_string_member(body, |name, value| {
            let slot = match name {
                b"ShardId" => &mut parsed.shard_id,
                b"SequenceNumber" => &mut parsed.sequence_number,
                b"EncryptionType" => &mut parsed.encryption_type,
                _ => return Some(()),
            };
            if slot.is_some() {
                return None;
            }
            *slot = Some(Cow::Borrowed(value));
            Some(())
        })?;
        Some(parsed)
    }
}

/// Reads a 2xx body; the error is the reason it was rejected.
fn parse_success(headers: &HeaderMap, body: &[u8]) -> Result<PutRecordOutput, Cow<'static, str>> {
    let parsed = Body::parse(body)?;
    let shard_id = parsed
        .shard_id
        .ok_or(Cow::Borrowed("required member `ShardId` is missing"))?;
    if !is_valid_shard_id(&shard_id) {
        return Err(invalid_member(
            "ShardId",
            &shard_id,
            "[a-zA-Z0-9_.-]{1,128}",
        ));
    }
    let sequence_number = parsed
        .sequence_number
        .ok_or(Cow::Borrowed("required member `SequenceNumber` is missing"))?;
    if !is_valid_sequence_number(&sequence_number) {
        return Err(invalid_member(
            "SequenceNumber",
            &sequence_number,
            "1 to 129 decimal digits",
        ));
    }
    let encryption_type = match parsed.encryption_type.as_deref().map(std::str::from_utf8) {
        None => None,
        Some(Ok(text)) => Some(EncryptionType::from_wire(text)),
        Some(Err(_)) => return Err(Cow::Borrowed("member `EncryptionType` is not UTF-8")),
    };
    // Both members passed patterns that admit ASCII only, so neither conversion can fail.
    let text = |bytes: &[u8]| {
        std::str::from_utf8(bytes)
            .map(str::to_owned)
            .unwrap_or_default()
    };
    Ok(PutRecordOutput {
        shard_id: text(&shard_id),
        sequence_number: text(&sequence_number),
        encryption_type,
        request_id: service_error::request_id_header(headers).cloned(),
    })
}

/// The reason a required member was rejected.
fn invalid_member(name: &str, value: &[u8], pattern: &str) -> Cow<'static, str> {
    if std::str::from_utf8(value).is_err() {
        Cow::Owned(format!("member `{name}` is not UTF-8"))
    } else {
        Cow::Owned(format!("member `{name}` does not match {pattern}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Picks one of `common` most of the time, else one of `rare`.
    fn mostly(common: &[&'static str], rare: &[&'static str]) -> BoxedStrategy<&'static str> {
        prop_oneof![
            6 => prop::sample::select(common.to_vec()),
            1 => prop::sample::select(rare.to_vec()),
        ]
        .boxed()
    }

    /// Members: mostly plain ones the fast path reads, some it must leave to serde_json.
    fn piece() -> impl Strategy<Value = String> {
        let name = mostly(
            &[
                "\"ShardId\"",
                "\"SequenceNumber\"",
                "\"EncryptionType\"",
                "\"Other\"",
                "\"é\"",
                "\"\"",
            ],
            &["\"Shard\\u0049d\"", "ShardId", "\"a\nb\""],
        );
        let value = mostly(
            &[
                "\"shardId-000000000001\"",
                "\"49543463076548007577105092703039560359975228518395012686\"",
                "\"KMS\"",
                "\"\"",
                "\"é/\\u0000\"",
            ],
            &[
                "\"a\\\"b\"",
                "\"é\"",
                "null",
                "1",
                "{}",
                "[\"x\"]",
                "\"tab\there\"",
            ],
        );
        let ws = mostly(&["", " "], &["\n", "\t", "\r", "  ", "\u{a0}"]);
        (name, ws.clone(), value, ws.clone(), ws)
            .prop_map(|(n, w1, v, w2, w3)| format!("{w1}{n}{w2}:{w3}{v}{w1}"))
    }

    fn body() -> impl Strategy<Value = String> {
        (
            prop::collection::vec((piece(), mostly(&[","], &[" ,", ", ", ";", ""])), 0..6),
            mostly(&["{", " {"], &["[", "", "\u{feff}{"]),
            mostly(&["}", "} "], &["}}", "", "},", "} x"]),
        )
            .prop_map(|(members, open, close)| {
                let mut s = open.to_owned();
                let n = members.len();
                for (i, (m, sep)) in members.into_iter().enumerate() {
                    s.push_str(&m);
                    if i + 1 < n {
                        s.push_str(sep);
                    }
                }
                s.push_str(close);
                s
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2048))]
        #[test]
        fn the_fast_path_reads_what_serde_json_reads(body in body()) {
            if let Some(fast) = Body::scan(body.as_bytes()) {
                let full: Body<'_> = serde_json::from_slice(body.as_bytes())
                    .map_err(|e| TestCaseError::fail(format!("{body:?}: serde_json refuses: {e}")))?;
                prop_assert_eq!(&fast.shard_id, &full.shard_id, "{:?}", body);
                prop_assert_eq!(&fast.sequence_number, &full.sequence_number, "{:?}", body);
                prop_assert_eq!(&fast.encryption_type, &full.encryption_type, "{:?}", body);
            }
        }
    }

    #[test]
    fn the_fast_path_takes_the_usual_body_and_leaves_the_rest() {
        let usual =
            br#"{"ShardId":"shardId-000000000001","SequenceNumber":"1","EncryptionType":"KMS"}"#;
        assert!(Body::scan(usual).is_some());
        for unusual in [
            r#"{"ShardId":"s","ShardId":"t","SequenceNumber":"1"}"#,
            r#"{"ShardId":null,"SequenceNumber":"1"}"#,
            r#"{"ShardId":"s\u0031","SequenceNumber":"1"}"#,
        ] {
            assert!(Body::scan(unusual.as_bytes()).is_none(), "{unusual}");
        }
        // The full parser still decides those: a repeated member is malformed.
        assert!(ok(r#"{"ShardId":"s","ShardId":"t","SequenceNumber":"1"}"#).is_err());
    }

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
    fn lone_surrogate_escapes_are_malformed() {
        let err = ok(r#"{"ShardId":"\ud800","SequenceNumber":"1"}"#).unwrap_err();
        assert!(err.contains("ShardId"), "{err}");
        let err =
            ok(r#"{"ShardId":"s","SequenceNumber":"1","EncryptionType":"\udc00"}"#).unwrap_err();
        assert!(err.contains("EncryptionType"), "{err}");
    }

    #[test]
    fn invalid_utf8_in_encryption_type_is_malformed() {
        let body = b"{\"ShardId\":\"s\",\"SequenceNumber\":\"1\",\"EncryptionType\":\"K\xffS\"}";
        let err = parse_success(&HeaderMap::new(), body).unwrap_err();
        assert_eq!(err, "member `EncryptionType` is not UTF-8");
    }

    #[test]
    fn unknown_encryption_type_is_decoded_then_kept_as_a_name() {
        let out =
            ok(r#"{"ShardId":"s","SequenceNumber":"1","EncryptionType":"caf\u00e9"}"#).unwrap();
        assert_eq!(
            out.encryption_type(),
            Some(&EncryptionType::Unknown("caf_".into()))
        );
        let hostile = format!(r"A\u001b[2J{}", "x".repeat(1000));
        let body =
            format!(r#"{{"ShardId":"s","SequenceNumber":"1","EncryptionType":"{hostile}"}}"#);
        let kept = ok(&body).unwrap().encryption_type().unwrap().to_string();
        assert_eq!(kept.len(), 128);
        assert!(kept.starts_with("A__2Jxx"), "{kept}");
    }

    #[test]
    fn non_string_members_are_malformed() {
        for body in [
            r#"{"ShardId":["s"],"SequenceNumber":"1"}"#,
            r#"{"ShardId":"s","SequenceNumber":{}}"#,
            r#"{"ShardId":"s","SequenceNumber":"1","EncryptionType":true}"#,
            r#"{"ShardId":[115],"SequenceNumber":"1"}"#,
        ] {
            let err = ok(body).unwrap_err();
            assert!(err.contains("expected a string or null"), "{body}: {err}");
        }
    }

    #[test]
    fn duplicate_members_are_malformed() {
        let err = ok(r#"{"ShardId":"a","ShardId":"b","SequenceNumber":"1"}"#).unwrap_err();
        assert!(err.contains("duplicate"), "{err}");
    }

    #[test]
    fn shard_id_pattern_is_enforced() {
        assert!(is_valid_shard_id(b"shardId-000000000001"));
        assert!(is_valid_shard_id("a".repeat(128).as_bytes()));
        assert!(!is_valid_shard_id("a".repeat(129).as_bytes()));
        assert!(!is_valid_shard_id(b""));
        assert!(!is_valid_shard_id(b"shard id"));
        assert!(!is_valid_shard_id(b"shard/1"));
    }

    #[test]
    fn sequence_number_is_one_to_129_digits() {
        assert!(is_valid_sequence_number(b"0"));
        assert!(is_valid_sequence_number("9".repeat(129).as_bytes()));
        assert!(!is_valid_sequence_number("9".repeat(130).as_bytes()));
        assert!(!is_valid_sequence_number(b""));
        assert!(!is_valid_sequence_number(b"-1"));
        assert!(!is_valid_sequence_number(b"1e5"));
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
