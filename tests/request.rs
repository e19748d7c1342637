//! Golden requests: every case under `tests/data/requests/` is rebuilt with the crate and
//! compared byte for byte with the expected request line, headers (in order) and body.
//!
//! The wire format pinned here is the awsJson1_1 protocol (Smithy awsJson1_1 specification:
//! `POST`, `content-type: application/x-amz-json-1.1`, `x-amz-target: {prefix}.{operation}`,
//! a JSON object body) applied to Kinesis `PutRecord` (Kinesis API reference, PutRecord:
//! `Data` is a base64 blob, `DryRun` a boolean). The expected files come from Python's `json`
//! and `base64` modules (`tests/data/requests/generate.py`), not from this crate.

mod fixtures;

use fixtures::{Case, ExpectedBody};
use http::Method;
use kinesis_proto::{
    AWS_JSON_CONTENT_TYPE, Endpoint, PUT_RECORD_TARGET, PutRecordInput, Rule, X_AMZ_TARGET,
};
use sha2::{Digest, Sha256};

/// Rebuilds `case` and checks every byte of the request against the fixture.
fn check(case: &Case) {
    let name = &case.name;
    let input = case.build();
    let endpoint = case.endpoint();
    let request = input.to_http_request(&endpoint);

    // Request line: POST to the endpoint's absolute URI.
    assert_eq!(request.method(), Method::POST, "{name}");
    assert_eq!(request.uri(), endpoint.uri(), "{name}");
    assert!(request.uri().scheme().is_some(), "{name}: absolute URI");
    let line = format!("{} {} HTTP/1.1", request.method(), request.uri().path());
    assert_eq!(line, case.request_line, "{name}: request line");

    // Headers: exactly these, in this order.
    let headers: Vec<(String, String)> = request
        .headers()
        .iter()
        .map(|(n, v)| {
            let v = v.to_str().expect("visible ASCII header value");
            (n.as_str().to_owned(), v.to_owned())
        })
        .collect();
    assert_eq!(headers, case.headers, "{name}: headers");
    assert_eq!(request.headers()["host"], endpoint.host(), "{name}: host");

    // Body: the exact bytes, allocated once at their exact size.
    let body = request.body();
    match &case.body {
        ExpectedBody::Exact(expected) => assert_eq!(
            body,
            expected,
            "{name}: body\n   got: {}\nwanted: {}",
            String::from_utf8_lossy(body),
            String::from_utf8_lossy(expected)
        ),
        ExpectedBody::Sha256(expected) => {
            assert_eq!(
                &hex::encode(Sha256::digest(body)),
                expected,
                "{name}: body digest"
            );
        }
    }
    assert_eq!(
        request.headers()["content-length"],
        body.len().to_string().as_str(),
        "{name}: content-length"
    );
    assert_eq!(body.capacity(), body.len(), "{name}: body allocated once");
    assert_eq!(input.body_len(), body.len(), "{name}: body_len");

    // `write_body` replaces a buffer's contents with the same bytes.
    let mut buf = b"leftover bytes from a previous record".to_vec();
    input.write_body(&mut buf);
    assert_eq!(&buf, body, "{name}: write_body");

    let parsed: serde_json::Value = serde_json::from_slice(body).expect("body is JSON");
    assert!(parsed.is_object(), "{name}: body is one JSON object");
}

macro_rules! golden {
    ($($(#[$doc:meta])* $case:ident,)*) => {
        $(
            $(#[$doc])*
            #[test]
            fn $case() {
                check(&fixtures::load(stringify!($case)));
            }
        )*

        /// Every folder under `tests/data/requests/` has a test above, so none is forgotten.
        #[test]
        fn every_fixture_folder_has_a_golden_test() {
            let mut tested = vec![$(stringify!($case)),*];
            tested.sort_unstable();
            let found: Vec<String> = fixtures::load_all().into_iter().map(|c| c.name).collect();
            assert_eq!(found, tested);
        }
    };
}

golden! {
    /// Stream name, one byte of data, one-character key.
    minimal,
    /// `{"StreamName":"my-stream","Data":"aGVsbG8gd29ybGQ=","PartitionKey":"abcd"}`.
    worked_example_74_bytes,
    /// The Kinesis developer guide's quickstart record.
    quickstart,
    /// Name and ARN, explicit hash key 2^128-1, a sequence number, `DryRun: true`, in the
    /// documented member order.
    every_optional_member,
    /// `DryRun` is a JSON boolean `false`, not left out.
    dry_run_false,
    /// Empty data is `""`.
    empty_data,
    /// Base64 uses the standard alphabet (`+`, `/`) and pads with `=`.
    standard_alphabet_and_one_padding_character,
    /// Quotes, backslashes, `\n`, `\t`, `\r`, `\b`, `\f`, `\u0000`, `\u0001`, `\u001f`, `/`,
    /// DEL and non-ASCII text in the key.
    escaped_partition_key,
    /// No `StreamName` member at all, the ARN last.
    arn_only,
    /// `"` and `\` inside the ARN are escaped; non-ASCII is written as is.
    arn_with_escaped_characters,
    /// An AUTO stream's record without a partition key has no `PartitionKey` member.
    auto_keyless,
    /// A key given on an AUTO stream is still sent.
    auto_with_partition_key,
    /// 129-digit sequence number and the hash key `0`.
    longest_sequence_number_and_zero_hash_key,
    /// A custom endpoint's authority (with its port) is the `host` header.
    custom_endpoint,
    /// Data plus key UTF-8 bytes = 1,048,576 exactly; checked by SHA-256 of the body.
    one_mib_record,
}

#[test]
fn worked_example_is_the_documented_74_byte_body() {
    let input = PutRecordInput::builder()
        .stream_name("my-stream")
        .partition_key("abcd")
        .data(&b"hello world"[..])
        .build()
        .unwrap();
    let request = input.to_http_request(&Endpoint::regional("us-east-1").unwrap());
    let expected = br#"{"StreamName":"my-stream","Data":"aGVsbG8gd29ybGQ=","PartitionKey":"abcd"}"#;
    assert_eq!(expected.len(), 74);
    assert_eq!(request.body().as_slice(), expected);
    assert_eq!(request.headers()["content-length"], "74");
    assert_eq!(request.body().capacity(), 74);
}

#[test]
fn data_given_as_text_bytes_or_bytes_crate_builds_the_same_body() {
    let body = |input: kinesis_proto::PutRecordInputBuilder<'_>| {
        let input = input.stream_name("s").partition_key("k").build().unwrap();
        input
            .to_http_request(&Endpoint::regional("us-east-1").unwrap())
            .into_body()
    };
    let text = String::from("hello world");
    let bytes = bytes::Bytes::from_static(b"hello world");
    let expected = body(PutRecordInput::builder().data(&b"hello world"[..]));
    let forms = [
        body(PutRecordInput::builder().data("hello world")),
        body(PutRecordInput::builder().data(&text)),
        body(PutRecordInput::builder().data(text.clone())),
        body(PutRecordInput::builder().data(text.clone().into_bytes())),
        body(PutRecordInput::builder().data(b"hello world")),
        body(PutRecordInput::builder().data(&bytes)),
        body(PutRecordInput::builder().data(bytes.clone())),
    ];
    for (i, form) in forms.iter().enumerate() {
        assert_eq!(form, &expected, "form {i}");
    }
}

#[test]
fn quickstart_record_has_content_length_86() {
    let input = PutRecordInput::builder()
        .stream_name("exampleStreamName")
        .partition_key("partitionKey")
        .data(b"_<data>_1".to_vec())
        .build()
        .unwrap();
    let request = input.to_http_request(&Endpoint::regional("us-east-1").unwrap());
    assert_eq!(
        request.body().as_slice(),
        br#"{"StreamName":"exampleStreamName","Data":"XzxkYXRhPl8x","PartitionKey":"partitionKey"}"#
    );
    assert_eq!(request.headers()["content-length"], "86");
}

#[test]
fn headers_are_the_published_constants() {
    assert_eq!(AWS_JSON_CONTENT_TYPE, "application/x-amz-json-1.1");
    assert_eq!(X_AMZ_TARGET, "x-amz-target");
    assert_eq!(PUT_RECORD_TARGET, "Kinesis_20131202.PutRecord");
    let case = fixtures::load("minimal");
    let request = case.build().to_http_request(&case.endpoint());
    let names: Vec<&str> = request.headers().keys().map(|n| n.as_str()).collect();
    assert_eq!(
        names,
        ["content-type", "x-amz-target", "content-length", "host"]
    );
    assert_eq!(request.headers()["host"], "kinesis.us-east-1.amazonaws.com");
    assert_eq!(
        request.uri().to_string(),
        "https://kinesis.us-east-1.amazonaws.com/"
    );
}

#[test]
fn one_mib_record_sits_exactly_at_the_default_limit_and_its_body_reads_right_at_both_ends() {
    let case = fixtures::load("one_mib_record");
    let input = case.build();
    assert_eq!(input.record_size(), 1_048_576);
    let key = "key-é中😀";
    assert_eq!(key.len(), 13);
    assert_eq!(case.data.len(), 1_048_576 - 13);

    let request = input.to_http_request(&case.endpoint());
    let body = request.body();
    // base64 of 00 01 02 03 04 05 06 07 08 is AAECAwQFBgcI (RFC 4648 alphabet).
    assert!(body.starts_with(br#"{"StreamName":"my-stream","Data":"AAECAwQFBgcI"#));
    assert!(body.ends_with(r#"","PartitionKey":"key-é中😀"}"#.as_bytes()));
    // 1,048,563 data bytes = 349,521 full groups of 3: no padding, 1,398,084 characters.
    let b64_len = 1_048_563 / 3 * 4;
    assert_eq!(
        body.len(),
        r#"{"StreamName":"my-stream","Data":"","PartitionKey":"key-é中😀"}"#.len() + b64_len
    );

    // One byte more is over the limit.
    let mut data = case.data.clone();
    data.push(0);
    let err = PutRecordInput::builder()
        .stream_name("my-stream")
        .partition_key(key)
        .data(data)
        .build()
        .unwrap_err();
    assert_eq!(err.field(), "data");
    assert_eq!(
        err.rule(),
        &Rule::RecordTooLarge {
            size: 1_048_577,
            limit: 1_048_576
        }
    );
}

#[test]
fn unset_members_are_left_out_never_null() {
    for case in fixtures::load_all() {
        if let ExpectedBody::Exact(_) = case.body {
            let input = case.build();
            let request = input.to_http_request(&case.endpoint());
            let body = std::str::from_utf8(request.body()).unwrap();
            assert!(!body.contains("null"), "{}: {body}", case.name);
        }
    }
}
