//! Properties of PutRecord response parsing over generated responses:
//! it never panics, a 2xx is never a service error, a non-2xx always is,
//! Display stays on one line, and a valid success body parses back to the
//! output it was built from.

use http::{HeaderName, HeaderValue, Response, StatusCode};
use kinesis_proto::{EncryptionType, PutRecordError, parse_put_record_response};
use proptest::prelude::*;

/// Header names the parser looks at, in assorted cases, and a few it
/// does not.
const HEADER_NAMES: &[&str] = &[
    "x-amzn-RequestId",
    "X-AMZN-REQUESTID",
    "x-amz-request-id",
    "X-Amz-Request-Id",
    "x-amzn-ErrorType",
    "X-AMZN-ERRORTYPE",
    "content-type",
    "content-length",
    "x-amz-crc32",
];

fn header_value() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        // Anything a header value may hold, obs-text bytes included.
        proptest::collection::vec(
            prop_oneof![Just(b'\t'), 0x20u8..=0x7e, 0x80u8..=0xff],
            0..40
        ),
        // Plausible codes, with namespaces and URL suffixes.
        "[a-zA-Z.]{0,12}#?[A-Za-z]{0,30}(:http://[a-z./]{0,20})?".prop_map(String::into_bytes),
        Just(b"ProvisionedThroughputExceededException".to_vec()),
    ]
}

fn headers() -> impl Strategy<Value = Vec<(&'static str, Vec<u8>)>> {
    proptest::collection::vec(
        (proptest::sample::select(HEADER_NAMES), header_value()),
        0..5,
    )
}

/// A JSON-ish value: strings, numbers, null, booleans, small objects.
fn json_value() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        "[a-zA-Z0-9_.#:/ -]{0,20}".prop_map(|s| format!("{s:?}")),
        any::<i64>().prop_map(|n| n.to_string()),
        Just("null".to_owned()),
        Just("true".to_owned()),
        Just("\"shardId-000000000001\"".to_owned()),
        Just("\"49543463076548007577105092703039560359975228518395019266\"".to_owned()),
        Just("\"KMS\"".to_owned()),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            proptest::collection::vec((json_key(), inner.clone()), 0..4).prop_map(|members| {
                let members: Vec<String> =
                    members.iter().map(|(k, v)| format!("{k:?}:{v}")).collect();
                format!("{{{}}}", members.join(","))
            }),
            proptest::collection::vec(inner, 0..4)
                .prop_map(|items| format!("[{}]", items.join(","))),
        ]
    })
}

fn json_key() -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::sample::select(
            &[
                "ShardId",
                "SequenceNumber",
                "EncryptionType",
                "__type",
                "code",
                "message",
                "Message",
                "errorMessage",
                "Output",
                "Version",
            ][..]
        )
        .prop_map(str::to_owned),
        "[a-zA-Z_]{0,8}",
    ]
}

/// Bodies: random bytes, JSON-ish objects (possibly cut short), XML-ish
/// text.
fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..200),
        (json_value(), any::<prop::sample::Index>(), any::<bool>()).prop_map(
            |(json, cut, whole)| {
                let bytes = json.into_bytes();
                if whole || bytes.is_empty() {
                    bytes
                } else {
                    bytes[..cut.index(bytes.len())].to_vec()
                }
            }
        ),
        (
            "(<\\?xml version=\"1.0\"\\?>)?",
            "[A-Za-z:]{0,12}",
            "[A-Za-z <>&;#/]{0,30}",
            "(Code|Message|RequestId|Error|Errors)",
        )
            .prop_map(|(decl, root, text, inner)| {
                format!("{decl}<{root}><{inner}>{text}</{inner}></{root}>").into_bytes()
            }),
    ]
}

fn build(status: u16, headers: &[(&str, Vec<u8>)], body: Vec<u8>) -> Response<Vec<u8>> {
    let mut response = Response::new(body);
    *response.status_mut() = StatusCode::from_u16(status).unwrap();
    for (name, value) in headers {
        if let Ok(value) = HeaderValue::from_bytes(value) {
            response
                .headers_mut()
                .append(HeaderName::from_bytes(name.as_bytes()).unwrap(), value);
        }
    }
    response
}

fn assert_one_line(err: &PutRecordError) {
    let text = err.to_string();
    assert!(!text.is_empty());
    assert!(
        !text
            .chars()
            .any(|c| c.is_control() || c == '\u{2028}' || c == '\u{2029}'),
        "Display spans lines: {text:?}"
    );
}

/// A valid PutRecord result and the ways to write it.
#[derive(Debug, Clone)]
struct ValidOutput {
    shard_id: String,
    sequence_number: String,
    encryption_type: Option<String>,
    request_id: Option<String>,
    /// Which members write their first character as a `\u` escape.
    escape: [bool; 3],
    /// Whitespace around tokens.
    spaces: Vec<String>,
    /// Write an absent EncryptionType as `null`.
    explicit_null: bool,
    /// An unknown member to slip in.
    extra: Option<String>,
}

fn valid_output() -> impl Strategy<Value = ValidOutput> {
    (
        "[a-zA-Z0-9_.-]{1,128}",
        "0|[1-9][0-9]{0,128}",
        proptest::option::of(prop_oneof![
            Just("NONE".to_owned()),
            Just("KMS".to_owned()),
            "[A-Z_]{1,16}",
        ]),
        proptest::option::of("[!-~]{1,64}"),
        any::<[bool; 3]>(),
        proptest::collection::vec("[ \t\r\n]{0,3}", 16),
        any::<bool>(),
        proptest::option::of(json_value()),
    )
        .prop_map(
            |(
                shard_id,
                sequence_number,
                encryption_type,
                request_id,
                escape,
                spaces,
                explicit_null,
                extra,
            )| ValidOutput {
                shard_id,
                sequence_number,
                encryption_type,
                request_id,
                escape,
                spaces,
                explicit_null,
                extra,
            },
        )
}

/// A JSON string literal, its first character escaped as `\uXXXX` when
/// asked.
fn json_string(s: &str, escape: bool) -> String {
    let mut chars = s.chars();
    match (escape, chars.next()) {
        (true, Some(first)) => format!("\"\\u{:04x}{}\"", first as u32, chars.as_str()),
        _ => serde_json::to_string(s).unwrap(),
    }
}

/// Renders the body with the members in the given order.
fn render(out: &ValidOutput, order: &[usize]) -> Vec<u8> {
    let mut members = vec![
        format!(
            "\"ShardId\"{}:{}",
            out.spaces[0],
            json_string(&out.shard_id, out.escape[0])
        ),
        format!(
            "\"SequenceNumber\"{}:{}",
            out.spaces[1],
            json_string(&out.sequence_number, out.escape[1])
        ),
    ];
    match &out.encryption_type {
        Some(enc) => members.push(format!(
            "\"EncryptionType\":{}",
            json_string(enc, out.escape[2])
        )),
        None if out.explicit_null => members.push("\"EncryptionType\":null".to_owned()),
        None => {}
    }
    if let Some(extra) = &out.extra {
        members.push(format!("\"SomethingNew\":{extra}"));
    }
    let mut body = String::from(&out.spaces[2]);
    body.push('{');
    for (i, &at) in order.iter().filter(|&&at| at < members.len()).enumerate() {
        if i > 0 {
            body.push(',');
        }
        body.push_str(&out.spaces[3 + i]);
        body.push_str(&members[at]);
        body.push_str(&out.spaces[8 + i]);
    }
    body.push('}');
    body.push_str(&out.spaces[15]);
    body.into_bytes()
}

fn expected_encryption(wire: &str) -> EncryptionType {
    match wire {
        "NONE" => EncryptionType::None,
        "KMS" => EncryptionType::Kms,
        other => EncryptionType::Unknown(other.to_owned()),
    }
}

proptest! {
    #[test]
    fn any_response_parses_without_panic_and_non_2xx_is_a_service_error(
        status in 100u16..=999,
        headers in headers(),
        body in body(),
    ) {
        let response = build(status, &headers, body);
        match parse_put_record_response(&response) {
            Ok(out) => {
                prop_assert!((200..300).contains(&status));
                prop_assert!(!out.shard_id().is_empty());
                prop_assert!(!out.sequence_number().is_empty());
            }
            Err(err) => {
                assert_one_line(&err);
                prop_assert_eq!(err.status().as_u16(), status);
                if (200..300).contains(&status) {
                    // A 2xx is a success or malformed, never a service error.
                    prop_assert!(err.malformed().is_some(), "{}", err);
                    prop_assert!(!err.is_retryable());
                } else {
                    // Any other status is a service error, never malformed.
                    let service = err.service_error();
                    prop_assert!(service.is_some(), "{}", err);
                    prop_assert_eq!(service.unwrap().status().as_u16(), status);
                    if let Some(excerpt) = service.unwrap().body_excerpt() {
                        prop_assert!(excerpt.len() <= 256);
                    }
                }
            }
        }
    }

    #[test]
    fn a_valid_success_body_parses_back_to_its_output(
        out in valid_output(),
        order in Just(vec![0usize, 1, 2, 3]).prop_shuffle(),
        status in 200u16..300,
    ) {
        let headers: Vec<(&str, Vec<u8>)> = out
            .request_id
            .iter()
            .map(|id| ("X-Amzn-RequestId", id.clone().into_bytes()))
            .collect();
        let response = build(status, &headers, render(&out, &order));
        let parsed = parse_put_record_response(&response);
        prop_assert!(
            parsed.is_ok(),
            "{:?} for {:?}",
            parsed,
            String::from_utf8_lossy(response.body())
        );
        let parsed = parsed.unwrap();
        prop_assert_eq!(parsed.shard_id(), out.shard_id.as_str());
        prop_assert_eq!(parsed.sequence_number(), out.sequence_number.as_str());
        let encryption_type = out.encryption_type.as_deref().map(expected_encryption);
        prop_assert_eq!(parsed.encryption_type(), encryption_type.as_ref());
        prop_assert_eq!(parsed.request_id(), out.request_id.as_deref());
    }

    #[test]
    fn a_2xx_is_a_success_or_malformed_never_a_service_error(
        status in 200u16..300,
        headers in headers(),
        body in body(),
    ) {
        let response = build(status, &headers, body);
        if let Err(err) = parse_put_record_response(&response) {
            prop_assert!(err.malformed().is_some(), "{}", err);
            prop_assert!(err.service_error().is_none());
            prop_assert_eq!(err.code(), None);
            prop_assert!(err.malformed().unwrap().body_excerpt().len() <= 256);
        }
    }

    #[test]
    fn a_non_2xx_is_always_a_service_error_with_its_status(
        status in prop_oneof![100u16..200, 300u16..=999],
        headers in headers(),
        body in body(),
    ) {
        let response = build(status, &headers, body);
        let err = parse_put_record_response(&response);
        prop_assert!(err.is_err());
        let err = err.unwrap_err();
        prop_assert!(err.malformed().is_none(), "{}", err);
        prop_assert_eq!(err.service_error().map(|e| e.status().as_u16()), Some(status));
        assert_one_line(&err);
    }

    #[test]
    fn a_header_code_always_wins_over_the_body(
        code in "[A-Z][A-Za-z]{0,30}",
        status in 400u16..600,
        body in body(),
    ) {
        let response = build(status, &[("X-Amzn-ErrorType", code.clone().into_bytes())], body);
        let err = parse_put_record_response(&response).unwrap_err();
        prop_assert_eq!(err.code(), Some(code.as_str()));
    }

    #[test]
    fn a_json_error_message_survives_any_text(
        message in any::<String>(),
        status in 400u16..600,
    ) {
        let body = serde_json::to_vec(&serde_json::json!({
            "__type": "InvalidArgumentException",
            "message": message,
        })).unwrap();
        let response = build(status, &[], body);
        let err = parse_put_record_response(&response).unwrap_err();
        prop_assert_eq!(err.message(), Some(message.as_str()));
        prop_assert!(matches!(err, PutRecordError::InvalidArgumentException(_)));
        assert_one_line(&err);
    }
}
