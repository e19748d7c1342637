//! `PutRecords`: input rules, golden requests, response parsing, the retry step and packing.
//!
//! The golden requests under `tests/data/put_records/requests/` come from Python's `json` and
//! `base64` modules (`tests/data/put_records/generate.py`), not from this crate. The wire format
//! is the awsJson1_1 protocol applied to Kinesis `PutRecords` (Kinesis API reference,
//! PutRecords).

use std::borrow::Cow;
use std::fs;
use std::path::{Path, PathBuf};

use kinesis_proto::{
    BatchResults, EncryptionType, Endpoint, EntryResult, HashKey, InvalidInput, LengthUnit, MIB,
    PUT_RECORDS_LEGACY_MAX_REQUEST_SIZE, PUT_RECORDS_MAX_ENTRIES, PUT_RECORDS_TARGET, PackOptions,
    PackedBatch, PutRecordsEntry, PutRecordsError, PutRecordsInput, PutRecordsInputBuilder,
    RecordDistribution, RetryClass, Rule, ShardMap, parse_put_records_response,
};
use proptest::strategy::Strategy as _;
use serde_json::Value;
use sha2::{Digest, Sha256};

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/put_records")
}

fn builder() -> PutRecordsInputBuilder<'static> {
    PutRecordsInput::builder().stream_name("orders")
}

// ---------------------------------------------------------------------------------------------
// Input rules
// ---------------------------------------------------------------------------------------------

fn entry_error(entries: Vec<PutRecordsEntry<'static>>) -> InvalidInput {
    builder().entries(entries).build().unwrap_err()
}

#[test]
fn entry_errors_name_the_entry_and_the_member() {
    let good = || PutRecordsEntry::new(&b"x"[..], "k");
    let e = entry_error(vec![
        good(),
        good(),
        good(),
        PutRecordsEntry::keyless(&b"x"[..]),
    ]);
    assert_eq!(e.entry_index(), Some(3));
    assert_eq!(e.field(), "partitionKey");
    assert_eq!(e.rule(), &Rule::Missing);
    assert!(
        e.to_string()
            .starts_with("records[3].partitionKey: missing")
    );

    let e = entry_error(vec![
        good(),
        PutRecordsEntry::new(&b"x"[..], "k".repeat(257)),
    ]);
    assert_eq!(
        e.to_string(),
        "records[1].partitionKey: 257 UTF-16 code units, the limit is 256"
    );

    let e = entry_error(vec![good().with_explicit_hash_key("01")]);
    assert_eq!(e.entry_index(), Some(0));
    assert_eq!(e.field(), "explicitHashKey");
    assert!(matches!(e.rule(), Rule::Pattern { .. }));

    let e = entry_error(vec![
        good(),
        good().with_explicit_hash_key("340282366920938463463374607431768211456"),
    ]);
    assert_eq!(
        (e.entry_index(), e.rule()),
        (Some(1), &Rule::HashKeyOutOfRange)
    );

    let e = entry_error(vec![PutRecordsEntry::new(vec![0; MIB], "k")]);
    assert_eq!(
        e.to_string(),
        "records[0].data: record is 1048577 bytes (data plus partition key), the limit is 1048576"
    );
}

#[test]
fn first_broken_entry_is_reported() {
    let e = entry_error(vec![
        PutRecordsEntry::new(&b"x"[..], "k"),
        PutRecordsEntry::new(&b"x"[..], ""),
        PutRecordsEntry::keyless(&b"x"[..]),
    ]);
    assert_eq!(e.entry_index(), Some(1));
}

#[test]
fn partition_key_is_counted_in_utf16_code_units() {
    let ok = builder()
        .entry_parts(&b"x"[..], "😀".repeat(128))
        .build()
        .unwrap();
    assert_eq!(ok.entries()[0].record_size(), 1 + 512);
    let e = entry_error(vec![PutRecordsEntry::new(&b"x"[..], "😀".repeat(129))]);
    assert!(matches!(
        e.rule(),
        Rule::TooLong {
            len: 258,
            max: 256,
            unit: LengthUnit::Utf16CodeUnits
        }
    ));
}

#[test]
fn record_size_follows_max_record_size() {
    let big = || PutRecordsEntry::new(vec![0; 2 * MIB - 1], "k");
    assert!(builder().entry(big()).build().is_err());
    let ok = builder()
        .max_record_size(2 * MIB)
        .entry(big())
        .build()
        .unwrap();
    assert_eq!(ok.request_size(), 2 * MIB);
    let e = builder()
        .max_record_size(MIB - 1)
        .entry(big())
        .build()
        .unwrap_err();
    assert_eq!(e.field(), "maxRecordSize");
    assert_eq!(e.entry_index(), None);
}

#[test]
fn auto_distribution_allows_keyless_entries_and_refuses_explicit_hash_keys() {
    let auto = || builder().record_distribution(RecordDistribution::Auto);
    let input = auto()
        .entry(PutRecordsEntry::keyless(&b"a"[..]))
        .entry_parts(&b"b"[..], "k")
        .build()
        .unwrap();
    assert_eq!(input.hash_key(0), None);
    assert_eq!(
        input.hash_key(1),
        None,
        "AUTO ignores keys: no shard can be predicted"
    );
    let e = auto()
        .entry(PutRecordsEntry::keyless(&b"a"[..]))
        .entry(PutRecordsEntry::keyless(&b"a"[..]).with_explicit_hash_key("5"))
        .build()
        .unwrap_err();
    assert_eq!(e.entry_index(), Some(1));
    assert_eq!(e.rule(), &Rule::NotAllowedWithAutoDistribution);
    assert_eq!(e.field(), "explicitHashKey");
}

#[test]
fn entry_count_is_1_to_500() {
    let e = builder().build().unwrap_err();
    assert_eq!(e.field(), "records");
    assert_eq!(
        e.rule(),
        &Rule::TooShort {
            len: 0,
            min: 1,
            unit: LengthUnit::Entries
        }
    );
    let n = |count: usize| {
        builder()
            .entries((0..count).map(|i| PutRecordsEntry::new(vec![], format!("k{i}"))))
            .build()
    };
    assert_eq!(n(PUT_RECORDS_MAX_ENTRIES).unwrap().len(), 500);
    let e = n(501).unwrap_err();
    assert_eq!(e.to_string(), "records: 501 entries, the limit is 500");
}

#[test]
fn count_is_checked_before_the_entries() {
    let e = builder()
        .entries((0..501).map(|_| PutRecordsEntry::keyless(&b""[..])))
        .build()
        .unwrap_err();
    assert_eq!(e.field(), "records");
}

#[test]
fn request_size_counts_data_and_partition_keys() {
    // Ten records of 1 MiB (data + 1-byte key) fill 10 MiB exactly; one more byte is too much.
    let entry = || PutRecordsEntry::new(vec![7; MIB - 1], "k");
    let full = builder().entries((0..10).map(|_| entry())).build().unwrap();
    assert_eq!(full.request_size(), 10 * MIB);
    let e = builder()
        .entries((0..10).map(|_| entry()))
        .entry_parts(vec![], "k")
        .build()
        .unwrap_err();
    assert_eq!(e.field(), "records");
    assert_eq!(e.entry_index(), None);
    assert_eq!(
        e.rule(),
        &Rule::RequestTooLarge {
            size: 10 * MIB + 1,
            limit: 10 * MIB
        }
    );
    assert_eq!(
        e.to_string(),
        "records: request is 10485761 bytes (data plus partition keys of every entry), the limit is 10485760"
    );
    // The older 5 MiB limit.
    let e = builder()
        .max_request_size(PUT_RECORDS_LEGACY_MAX_REQUEST_SIZE)
        .entries((0..6).map(|_| entry()))
        .build()
        .unwrap_err();
    assert_eq!(
        e.rule(),
        &Rule::RequestTooLarge {
            size: 6 * MIB,
            limit: 5 * MIB
        }
    );
    // Explicit hash keys do not count.
    let with_hash = builder()
        .entry(entry().with_hash_key(HashKey::MAX))
        .build()
        .unwrap();
    assert_eq!(with_hash.request_size(), MIB);
}

#[test]
fn max_request_size_is_between_the_record_limit_and_10_mib() {
    let one = || builder().entry_parts(vec![], "k");
    for ok in [MIB, 5 * MIB, 10 * MIB] {
        assert_eq!(
            one()
                .max_request_size(ok)
                .build()
                .unwrap()
                .max_request_size(),
            ok
        );
    }
    for bad in [0, MIB - 1, 10 * MIB + 1, usize::MAX] {
        let e = one().max_request_size(bad).build().unwrap_err();
        assert_eq!(e.field(), "maxRequestSize", "{bad}");
        assert!(matches!(e.rule(), Rule::OutOfRange { .. }));
    }
}

#[test]
fn stream_rules_are_put_records() {
    let e = PutRecordsInput::builder()
        .entry_parts(vec![], "k")
        .build()
        .unwrap_err();
    assert_eq!(e.field(), "streamName");
    assert_eq!(e.rule(), &Rule::Missing);
    let e = PutRecordsInput::builder()
        .stream_name("bad name")
        .entry_parts(vec![], "k")
        .build()
        .unwrap_err();
    assert_eq!(e.field(), "streamName");
    assert_eq!(e.entry_index(), None);
    let e = PutRecordsInput::builder()
        .stream_arn("arn:aws:kinesis:us-east-1:12345:stream/s")
        .entry_parts(vec![], "k")
        .build()
        .unwrap_err();
    assert_eq!(e.field(), "streamARN");
}

#[test]
fn borrowed_entries_are_not_copied() {
    let data = vec![1u8; 100];
    let key = String::from("borrowed");
    let input = PutRecordsInput::builder()
        .stream_name("s")
        .entry(PutRecordsEntry::new(data.as_slice(), key.as_str()))
        .build()
        .unwrap();
    assert_eq!(input.entries()[0].data().as_ptr(), data.as_ptr());
    assert_eq!(
        input.entries()[0]
            .partition_key()
            .unwrap()
            .as_str()
            .as_ptr(),
        key.as_ptr()
    );
    let owned: PutRecordsInput<'static> = input.into_owned();
    assert_eq!(owned.entries()[0].data(), &data[..]);
}

#[test]
fn debug_never_shows_the_data() {
    let entry = PutRecordsEntry::new(&b"secret-bytes"[..], "k");
    assert!(!format!("{entry:?}").contains("115")); // b's' = 115
    let input = builder().entry(entry).build().unwrap();
    let debug = format!("{input:?}");
    assert!(debug.contains("<12 bytes>"), "{debug}");
    assert!(!debug.contains("secret"));
}

// ---------------------------------------------------------------------------------------------
// Golden requests
// ---------------------------------------------------------------------------------------------

fn generated(len: u64) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8).collect()
}

fn data_of(spec: &Value) -> Vec<u8> {
    let (kind, value) = spec.as_object().unwrap().iter().next().unwrap();
    match kind.as_str() {
        "text" => value.as_str().unwrap().as_bytes().to_vec(),
        "hex" => hex::decode(value.as_str().unwrap()).unwrap(),
        "generated_len" => generated(value.as_u64().unwrap()),
        other => panic!("unknown data kind {other}"),
    }
}

fn entries_of(case: &Value) -> Vec<PutRecordsEntry<'static>> {
    if let Some(g) = case.get("generated_entries") {
        let size = g["size"].as_u64().unwrap();
        let data = generated(size);
        return (0..g["count"].as_u64().unwrap())
            .map(|i| PutRecordsEntry::new(data.clone(), format!("key-{i}")))
            .collect();
    }
    case["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| PutRecordsEntry {
            data: Cow::Owned(data_of(&e["data"])),
            partition_key: e
                .get("partition_key")
                .map(|k| Cow::Owned(k.as_str().unwrap().to_owned())),
            explicit_hash_key: e
                .get("explicit_hash_key")
                .map(|k| Cow::Owned(k.as_str().unwrap().to_owned())),
            aggregate: false,
        })
        .collect()
}

fn input_of(case: &Value) -> PutRecordsInput<'static> {
    let mut b = PutRecordsInput::builder().max_record_size(10 * MIB);
    if let Some(name) = case.get("stream_name") {
        b = b.stream_name(name.as_str().unwrap());
    }
    if let Some(arn) = case.get("stream_arn") {
        b = b.stream_arn(arn.as_str().unwrap());
    }
    if let Some(dry_run) = case.get("dry_run") {
        b = b.dry_run(dry_run.as_bool().unwrap());
    }
    if case.get("record_distribution").and_then(Value::as_str) == Some("AUTO") {
        b = b.record_distribution(RecordDistribution::Auto);
    }
    b.entries(entries_of(case)).build().unwrap()
}

#[test]
fn golden_requests() {
    let dir = data_dir().join("requests");
    let mut cases = 0;
    for folder in fs::read_dir(&dir).unwrap() {
        let folder = folder.unwrap().path();
        let name = folder.file_name().unwrap().to_string_lossy().into_owned();
        let case: Value =
            serde_json::from_slice(&fs::read(folder.join("input.json")).unwrap()).unwrap();
        let endpoint = match case.get("endpoint") {
            Some(url) => Endpoint::custom(url.as_str().unwrap()).unwrap(),
            None => Endpoint::regional("us-east-1").unwrap(),
        };
        let input = input_of(&case);
        let request = input.to_http_request(&endpoint);

        let mut head = format!("{} {} HTTP/1.1\n", request.method(), request.uri().path());
        for (n, v) in request.headers() {
            head.push_str(&format!("{}: {}\n", n, v.to_str().unwrap()));
        }
        head.push('\n');
        let expected_head = fs::read_to_string(folder.join("request.txt")).unwrap();
        assert_eq!(head, expected_head, "{name}: request line and headers");
        assert_eq!(request.headers()["x-amz-target"], PUT_RECORDS_TARGET);

        let body = request.body();
        assert_eq!(
            body.capacity(),
            body.len(),
            "{name}: allocated once, exactly"
        );
        assert_eq!(body.len(), input.body_len(), "{name}");
        if let Ok(expected) = fs::read(folder.join("body.json")) {
            assert_eq!(
                body,
                &expected,
                "{name}\n   got: {}\nwanted: {}",
                String::from_utf8_lossy(body),
                String::from_utf8_lossy(&expected)
            );
        } else {
            let digest = fs::read_to_string(folder.join("body.sha256")).unwrap();
            assert_eq!(hex::encode(Sha256::digest(body)), digest.trim(), "{name}");
        }

        // The reused-buffer path writes the same bytes and keeps its capacity.
        let mut buf = Vec::with_capacity(body.len() + 64);
        let capacity = buf.capacity();
        input.write_body(&mut buf);
        assert_eq!(&buf, body, "{name}: write_body");
        assert_eq!(buf.capacity(), capacity, "{name}: no reallocation");
        cases += 1;
    }
    assert!(cases >= 9, "{cases} cases");
}

// ---------------------------------------------------------------------------------------------
// Responses
// ---------------------------------------------------------------------------------------------

/// Reads a raw HTTP/1.1 response fixture: status line, headers, empty line, body.
fn response(name: &str) -> http::Response<Vec<u8>> {
    let raw = fs::read(data_dir().join("responses").join(name)).unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = std::str::from_utf8(&raw[..split]).unwrap();
    let mut lines = head.split("\r\n");
    let status: u16 = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let mut builder = http::Response::builder().status(status);
    for line in lines {
        let (name, value) = line.split_once(": ").unwrap();
        builder = builder.header(name, value);
    }
    builder.body(raw[split + 4..].to_vec()).unwrap()
}

fn batch(n: usize) -> PutRecordsInput<'static> {
    builder()
        .entries((0..n).map(|i| PutRecordsEntry::new(vec![i as u8], format!("k{i}"))))
        .build()
        .unwrap()
}

#[test]
fn success_fixture() {
    let out = parse_put_records_response(&batch(3), &response("success.http")).unwrap();
    assert_eq!(out.failed_record_count(), 0);
    assert_eq!(out.entries().len(), 3);
    assert!(out.entries().iter().all(EntryResult::is_success));
    assert_eq!(out.entries()[2].shard_id(), Some("shardId-000000000003"));
    assert_eq!(
        out.entries()[0].sequence_number(),
        Some("49543463076548007577105092703039560359975228518395019266")
    );
    assert_eq!(out.entries()[0].error_code(), None);
    assert_eq!(out.entries()[0].retry_class(), RetryClass::None);
    assert_eq!(out.encryption_type(), Some(&EncryptionType::Kms));
    assert_eq!(out.request_id(), Some("5f8d0c5e-1"));
}

#[test]
fn partial_failure_fixture() {
    let input = batch(3);
    let out = parse_put_records_response(&input, &response("partial_failure.http")).unwrap();
    assert_eq!(out.failed_record_count(), 2);
    let r = out.entries();
    assert!(r[0].is_success());
    assert_eq!(
        r[1].error_code(),
        Some("ProvisionedThroughputExceededException")
    );
    assert_eq!(
        r[1].error_message(),
        Some(
            "Rate exceeded for shard shardId-000000000001 in stream exampleStreamName under account 111111111111."
        )
    );
    assert_eq!(r[1].retry_class(), RetryClass::Throttling);
    assert_eq!(r[2].retry_class(), RetryClass::Transient);
    assert_eq!(r[1].shard_id(), None);
    let retry = input.retry_failed(&out).unwrap();
    assert_eq!(retry.original_indices().collect::<Vec<_>>(), [1, 2]);
    assert_eq!(retry.entries()[0].data(), [1]);
    assert_eq!(retry.stream_name().unwrap().as_str(), "orders");
    let moved = input.clone().into_retry_failed(&out).unwrap();
    assert_eq!(moved.original_indices().collect::<Vec<_>>(), [1, 2]);
}

#[test]
fn all_failed_fixture() {
    let input = batch(3);
    let out = parse_put_records_response(&input, &response("all_failed.http")).unwrap();
    assert_eq!(out.failed_record_count(), 3);
    assert_eq!(out.encryption_type(), Some(&EncryptionType::None));
    assert_eq!(out.entries()[1].retry_class(), RetryClass::None);
    assert_eq!(out.entries()[2].error_message(), None);
    // The KMS access error is final: only entries 0 and 2 are retried.
    let retry = input.retry_failed(&out).unwrap();
    assert_eq!(retry.original_indices().collect::<Vec<_>>(), [0, 2]);
}

#[test]
fn failed_record_count_zero_fixture() {
    let input = batch(3);
    let out =
        parse_put_records_response(&input, &response("failed_record_count_zero.http")).unwrap();
    assert_eq!(out.failed_record_count(), 0);
    assert!(input.retry_failed(&out).is_none());
}

#[test]
fn malformed_fixtures() {
    for (name, reason) in [
        (
            "count_mismatch.http",
            "2 results for a request of 3 entries",
        ),
        (
            "failed_record_count_mismatch.http",
            "`FailedRecordCount` is 2 but 1",
        ),
        ("entry_neither.http", "`Records[1]` is neither"),
    ] {
        let err = parse_put_records_response(&batch(3), &response(name)).unwrap_err();
        let malformed = err.malformed().unwrap_or_else(|| panic!("{name}: {err:?}"));
        assert!(
            malformed.reason().contains(reason),
            "{name}: {}",
            malformed.reason()
        );
        assert!(!err.is_retryable(), "{name}");
    }
    // The same body is fine for the entry count it answers.
    assert!(parse_put_records_response(&batch(2), &response("count_mismatch.http")).is_ok());
}

#[test]
fn whole_request_errors() {
    let err =
        parse_put_records_response(&batch(3), &response("throttled_request.http")).unwrap_err();
    assert!(matches!(
        err,
        PutRecordsError::ProvisionedThroughputExceededException(_)
    ));
    assert!(err.is_throttling());
    assert_eq!(err.request_id(), Some("5f8d0c5e-3"));
    assert_eq!(err.status(), 400);

    let err =
        parse_put_records_response(&batch(1), &response("resource_not_found.http")).unwrap_err();
    assert!(matches!(err, PutRecordsError::ResourceNotFoundException(_)));
    assert!(!err.is_retryable());

    let err = parse_put_records_response(&batch(1), &response("dry_run.http")).unwrap_err();
    assert!(err.is_dry_run_success());

    let err = parse_put_records_response(&batch(1), &response("internal_failure_request.http"))
        .unwrap_err();
    assert!(matches!(err, PutRecordsError::InternalFailureException(_)));
    assert_eq!(err.retry_class(), RetryClass::Transient);
}

#[test]
fn bad_bodies_are_malformed_never_panics() {
    for body in [
        "",
        "null",
        "[]",
        "{}",
        r#"{"Records":null}"#,
        r#"{"Records":[1]}"#,
        r#"{"Records":[{"ShardId":"s","SequenceNumber":"1"}],"FailedRecordCount":-1}"#,
        r#"{"Records":[{"ShardId":"s","SequenceNumber":"1"}],"FailedRecordCount":"0"}"#,
        r#"{"Records":[{"ShardId":"s","SequenceNumber":"1"}]} x"#,
        r#"{"Records":[{"ShardId":"s","ShardId":"t","SequenceNumber":"1"}]}"#,
    ] {
        let resp = http::Response::builder().status(200).body(body).unwrap();
        let err = parse_put_records_response(&batch(1), &resp).unwrap_err();
        assert!(err.malformed().is_some(), "{body}: {err:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// The retry step, over random failure patterns
// ---------------------------------------------------------------------------------------------

const CODES: [(&str, bool); 5] = [
    ("ProvisionedThroughputExceededException", true),
    ("InternalFailure", true),
    ("KMSThrottlingException", true),
    ("InvalidArgumentException", false),
    ("AccessDeniedException", false),
];

/// A 200 body answering `input`: entry `i` fails with `CODES[code]` when `outcomes[i]` is
/// `Some(code)`, else succeeds with its original index as sequence number.
fn answer(input: &PutRecordsInput<'_>, outcomes: &[Option<usize>]) -> http::Response<Vec<u8>> {
    let records: Vec<Value> = input
        .original_indices()
        .zip(outcomes)
        .map(|(original, outcome)| match outcome {
            Some(code) => serde_json::json!({"ErrorCode": CODES[*code].0, "ErrorMessage": "m"}),
            None => serde_json::json!({
                "ShardId": "shardId-000000000000",
                "SequenceNumber": original.to_string(),
            }),
        })
        .collect();
    let failed = outcomes.iter().filter(|o| o.is_some()).count();
    let body = serde_json::json!({"FailedRecordCount": failed, "Records": records});
    http::Response::builder()
        .status(200)
        .body(serde_json::to_vec(&body).unwrap())
        .unwrap()
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

    /// Across any number of rounds nothing is lost, nothing is duplicated, order is kept, and
    /// every entry's final result sits at its original index.
    #[test]
    fn retry_rounds_lose_nothing_and_keep_order(
        len in 1usize..=500,
        rounds in proptest::collection::vec(
            proptest::collection::vec(proptest::option::weighted(0.4, 0usize..CODES.len()), 500),
            1..12,
        ),
    ) {
        let first = builder()
            .entries((0..len).map(|i| PutRecordsEntry::new(i.to_le_bytes().to_vec(), format!("k{i}"))))
            .build()
            .unwrap();
        let mut results = BatchResults::for_batch(&first);
        let mut current = Some(first.clone());
        let mut sent = vec![0usize; len];
        for pattern in &rounds {
            let Some(input) = current.take() else { break };
            // Every entry of a retry is one of the original batch, with its own data, in order.
            let indices: Vec<usize> = input.original_indices().collect();
            proptest::prop_assert!(indices.windows(2).all(|w| w[0] < w[1]));
            for (entry, &i) in input.entries().iter().zip(&indices) {
                proptest::prop_assert_eq!(entry.data(), first.entries()[i].data());
                sent[i] += 1;
            }
            let outcomes = &pattern[..input.len()];
            let output = parse_put_records_response(&input, &answer(&input, outcomes)).unwrap();
            proptest::prop_assert_eq!(output.entries().len(), input.len());
            results.record_round(&input, &output);
            let next = input.retry_failed(&output);
            let expected: Vec<usize> = indices
                .iter()
                .zip(outcomes)
                .filter(|(_, o)| o.is_some_and(|c| CODES[c].1))
                .map(|(i, _)| *i)
                .collect();
            proptest::prop_assert_eq!(
                next.as_ref().map(|n| n.original_indices().collect::<Vec<_>>()).unwrap_or_default(),
                expected.clone()
            );
            proptest::prop_assert_eq!(results.pending(), expected.len());
            proptest::prop_assert_eq!(results.is_complete(), expected.is_empty());
            current = next;
        }
        // Every entry was sent at least once; each final result is at its own index.
        proptest::prop_assert!(sent.iter().all(|&n| n >= 1));
        for (i, result) in results.results().iter().enumerate() {
            let result = result.as_ref().unwrap();
            if let Some(seq) = result.sequence_number() {
                proptest::prop_assert_eq!(seq, i.to_string());
            }
        }
        let successes = results.results().iter().flatten().filter(|r| r.is_success()).count();
        proptest::prop_assert!(successes <= len);
    }
}

/// One entry's first broken rule, checked the plain way: `PutRecord`'s order, one member after
/// the other, with the settings known from the start.
fn oracle_entry_error(
    entry: &PutRecordsEntry<'_>,
    auto: bool,
    max_record_size: usize,
) -> Option<InvalidInput> {
    match &entry.partition_key {
        Some(key) => {
            if let Err(e) = kinesis_proto::PartitionKey::new(key) {
                return Some(e);
            }
        }
        None if !auto => {
            return Some(
                PutRecordsInput::builder()
                    .stream_name("s")
                    .entry(PutRecordsEntry::keyless(&b""[..]))
                    .build()
                    .unwrap_err(),
            );
        }
        None => {}
    }
    if let Some(text) = &entry.explicit_hash_key {
        if let Err(e) = text.parse::<HashKey>() {
            return Some(e);
        }
        if auto {
            return Some(
                PutRecordsInput::builder()
                    .stream_name("s")
                    .record_distribution(RecordDistribution::Auto)
                    .entry(PutRecordsEntry::keyless(&b""[..]).with_hash_key(HashKey::MIN))
                    .build()
                    .unwrap_err(),
            );
        }
    }
    let size = entry.data.len() + entry.partition_key.as_ref().map_or(0, |k| k.len());
    (size > max_record_size).then(|| {
        PutRecordsInput::builder()
            .stream_name("s")
            .max_record_size(max_record_size)
            .entry(PutRecordsEntry::new(vec![0; size - 1], "k"))
            .build()
            .unwrap_err()
    })
}

/// An entry that may break each entry rule: no key, an empty or too long key, a malformed or
/// out-of-range explicit hash key, or data past a 1 MiB record size limit.
fn arbitrary_entry() -> impl proptest::strategy::Strategy<Value = PutRecordsEntry<'static>> {
    use proptest::prelude::*;
    let key = prop_oneof![
        6 => "[a-z]{1,8}".prop_map(Some),
        1 => Just(None),
        1 => Just(Some(String::new())),
        1 => Just(Some("k".repeat(257))),
    ];
    let hash_key = prop_oneof![
        6 => Just(None),
        1 => Just(Some("17".to_owned())),
        1 => Just(Some("017".to_owned())),
        1 => Just(Some("340282366920938463463374607431768211456".to_owned())),
    ];
    let len = prop_oneof![6 => 0usize..64, 1 => (MIB - 8)..(MIB + 8)];
    (key, hash_key, len).prop_map(|(key, hash_key, len)| PutRecordsEntry {
        data: Cow::Owned(vec![7; len]),
        partition_key: key.map(Cow::Owned),
        explicit_hash_key: hash_key.map(Cow::Owned),
        aggregate: false,
    })
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

    /// The builder checks entries as they are added and settings at `build`; whatever the order
    /// of the setter calls, and whether entries come in lists or one at a time, it reports the
    /// same error as checking each entry in turn with the final settings.
    #[test]
    fn entry_errors_agree_with_checking_each_entry_in_turn(
        entries in proptest::collection::vec(arbitrary_entry(), 1..12),
        auto in proptest::prelude::any::<bool>(),
        max_record_size in proptest::prelude::prop_oneof![proptest::prelude::Just(MIB), proptest::prelude::Just(MIB + 4)],
        mode in 0..4u8,
    ) {
        let distribution = if auto { RecordDistribution::Auto } else { RecordDistribution::UserPartitionKey };
        let expected = entries
            .iter()
            .enumerate()
            .find_map(|(i, e)| oracle_entry_error(e, auto, max_record_size).map(|err| (i, err)));
        let settings = |b: PutRecordsInputBuilder<'static>| {
            b.record_distribution(distribution).max_record_size(max_record_size)
        };
        let (head, tail) = entries.split_at(entries.len() / 2);
        let built = match mode {
            0 => settings(builder()).entries(entries.clone()).build(),
            1 => settings(builder().entries(head.to_vec())).entries(tail.to_vec()).build(),
            2 => tail
                .iter()
                .fold(builder().entries(head.to_vec()), |b, e| b.entry(e.clone()))
                .record_distribution(distribution)
                .max_record_size(max_record_size)
                .build(),
            _ => settings(entries.iter().fold(builder(), |b, e| b.entry(e.clone()))).build(),
        };
        match (built, expected) {
            (Ok(input), None) => proptest::prop_assert_eq!(input.len(), entries.len()),
            (Err(e), Some((i, want))) => {
                proptest::prop_assert_eq!(e.entry_index(), Some(i));
                proptest::prop_assert_eq!(e.field(), want.field());
                proptest::prop_assert_eq!(e.rule(), want.rule());
            }
            (got, want) => proptest::prop_assert!(false, "got {got:?}, want {want:?}"),
        }
    }
}

/// A valid entry of any kind the builder checks differently: a short or long key (up to 256
/// UTF-16 code units of any characters, escaped ones and ones outside the BMP included), an
/// explicit hash key or not, and, on an `AUTO` stream, no key.
fn valid_entry(auto: bool) -> impl proptest::strategy::Strategy<Value = PutRecordsEntry<'static>> {
    use proptest::prelude::*;
    let key = prop_oneof![
        4 => "[a-z0-9-]{1,48}",
        2 => "[a-z\"\\\\\u{0}-\u{1f}é]{1,60}",
        1 => "[a-z]{200,256}",
        1 => "[é中😀]{1,100}",
    ]
    .prop_filter("at most 256 UTF-16 code units", |k| {
        k.encode_utf16().count() <= 256
    });
    let key = if auto {
        proptest::option::weighted(0.5, key).boxed()
    } else {
        key.prop_map(Some).boxed()
    };
    let hash_key = if auto {
        Just(None).boxed()
    } else {
        proptest::option::weighted(0.3, any::<u128>()).boxed()
    };
    (key, hash_key, proptest::collection::vec(any::<u8>(), 0..40)).prop_map(
        |(key, hash_key, data)| {
            let entry = match key {
                Some(key) => PutRecordsEntry::new(data, key),
                None => PutRecordsEntry::keyless(data),
            };
            match hash_key {
                Some(h) => entry.with_hash_key(HashKey::new(h)),
                None => entry,
            }
        },
    )
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

    /// Whatever mix of entries a batch holds, its body is allocated once at exactly
    /// `body_len`, and reads back as the entries given, in order, with the members the SDKs
    /// write and no others.
    #[test]
    fn batch_bodies_read_back_as_the_entries_given(
        (auto, entries) in proptest::prelude::any::<bool>()
            .prop_flat_map(|auto| (proptest::prelude::Just(auto), proptest::collection::vec(valid_entry(auto), 1..20))),
    ) {
        use base64::Engine as _;
        let distribution = if auto { RecordDistribution::Auto } else { RecordDistribution::UserPartitionKey };
        let input = builder()
            .record_distribution(distribution)
            .entries(entries.clone())
            .build()
            .unwrap();
        let request = input.to_http_request(&Endpoint::regional("us-east-1").unwrap());
        let body = request.body();
        proptest::prop_assert_eq!(body.len(), input.body_len());
        proptest::prop_assert_eq!(body.capacity(), body.len());
        let v: Value = serde_json::from_slice(body).unwrap();
        let records = v["Records"].as_array().unwrap();
        proptest::prop_assert_eq!(records.len(), entries.len());
        for (i, (record, entry)) in records.iter().zip(&entries).enumerate() {
            let data = base64::engine::general_purpose::STANDARD
                .decode(record["Data"].as_str().unwrap())
                .unwrap();
            proptest::prop_assert_eq!(&data[..], &entry.data[..], "entry {}", i);
            proptest::prop_assert_eq!(record.get("PartitionKey").and_then(Value::as_str), entry.partition_key.as_deref());
            proptest::prop_assert_eq!(record.get("ExplicitHashKey").and_then(Value::as_str), entry.explicit_hash_key.as_deref());
            let members = 1 + usize::from(entry.partition_key.is_some()) + usize::from(entry.explicit_hash_key.is_some());
            proptest::prop_assert_eq!(record.as_object().unwrap().len(), members);
            let validated = &input.entries()[i];
            proptest::prop_assert_eq!(validated.original_index(), i);
            proptest::prop_assert_eq!(validated.explicit_hash_key().map(|h| h.to_string()), entry.explicit_hash_key.as_deref().map(str::to_owned));
        }
        let size: usize = entries.iter().map(|e| e.data.len() + e.partition_key.as_ref().map_or(0, |k| k.len())).sum();
        proptest::prop_assert_eq!(input.request_size(), size);
    }
}

// ---------------------------------------------------------------------------------------------
// Packing
// ---------------------------------------------------------------------------------------------

fn pack_entries(
    n: usize,
    size: impl Fn(usize) -> usize,
) -> impl Iterator<Item = PutRecordsEntry<'static>> {
    (0..n).map(move |i| PutRecordsEntry::new(vec![0; size(i)], format!("key-{i}")))
}

fn check_packing(
    batches: &[PackedBatch<'_>],
    n: usize,
    shards: &ShardMap,
    options_caps: (usize, usize),
) {
    let mut next = 0;
    for b in batches {
        let input = b.input();
        assert!((1..=PUT_RECORDS_MAX_ENTRIES).contains(&input.len()));
        assert!(input.request_size() <= input.max_request_size());
        // Every entry in exactly one batch, in order.
        for i in input.original_indices() {
            assert_eq!(i, next);
            next += 1;
        }
        // Per-shard counts sum to the batch totals and match the routing.
        let records: usize = b.per_shard().iter().map(|s| s.entries()).sum();
        let bytes: usize = b.per_shard().iter().map(|s| s.bytes()).sum();
        assert_eq!(records, input.len());
        assert_eq!(bytes, input.request_size());
        for load in b.per_shard() {
            assert_eq!(load.shard_id(), shards.shards()[load.shard_index()].id());
            let routed: Vec<_> = input
                .entries()
                .iter()
                .enumerate()
                .filter(|(i, _)| {
                    shards.shard_index(input.hash_key(*i).unwrap()) == load.shard_index()
                })
                .collect();
            assert_eq!(routed.len(), load.entries());
            assert!(load.entries() <= options_caps.0);
            assert!(load.entries() == 1 || load.bytes() <= options_caps.1);
        }
        assert!(
            b.per_shard()
                .windows(2)
                .all(|w| w[0].shard_index() < w[1].shard_index())
        );
    }
    assert_eq!(next, n);
}

#[test]
fn packing_respects_count_size_and_shard_caps() {
    let shards = ShardMap::even(4).unwrap();
    let options = PackOptions::default();
    // Count: 1,200 small records.
    let batches = builder()
        .pack(pack_entries(1200, |_| 10), &shards, &options)
        .unwrap();
    assert_eq!(batches.len(), 3);
    check_packing(&batches, 1200, &shards, (1000, MIB));
    // Size: 100 KiB records, 10 MiB per request, 1 MiB per shard per request.
    let batches = builder()
        .pack(pack_entries(300, |_| 100 * 1024), &shards, &options)
        .unwrap();
    check_packing(&batches, 300, &shards, (1000, MIB));
    // The older 5 MiB limit, no shard caps: records of varied sizes up to 1 MiB.
    let batches = builder()
        .max_request_size(PUT_RECORDS_LEGACY_MAX_REQUEST_SIZE)
        .pack(
            pack_entries(200, |i| (i * 7919) % (MIB - 16)),
            &shards,
            &PackOptions::new()
                .max_shard_bytes(None)
                .max_shard_records(None),
        )
        .unwrap();
    check_packing(&batches, 200, &shards, (usize::MAX, usize::MAX));
    assert!(batches.iter().all(|b| b.input().request_size() <= 5 * MIB));
    // Tight caps: 3 records per shard per request, 100 entries per request.
    let batches = builder()
        .pack(
            pack_entries(500, |_| 1),
            &shards,
            &PackOptions::new()
                .max_shard_records(Some(3))
                .max_entries(100),
        )
        .unwrap();
    check_packing(&batches, 500, &shards, (3, MIB));
}

#[test]
fn packing_an_auto_stream_cuts_by_count_and_size_only() {
    let shards = ShardMap::even(2).unwrap();
    let batches = builder()
        .record_distribution(RecordDistribution::Auto)
        .pack(
            (0..600).map(|_| PutRecordsEntry::keyless(&b"x"[..])),
            &shards,
            &PackOptions::default(),
        )
        .unwrap();
    assert_eq!(batches.len(), 2);
    assert!(batches.iter().all(|b| b.per_shard().is_empty()));
}

#[test]
fn packing_reports_entry_errors_by_position_and_packs_nothing_for_no_entries() {
    let shards = ShardMap::even(2).unwrap();
    let bad = PutRecordsEntry::new(&b""[..], "");
    let e = builder()
        .pack(
            pack_entries(700, |_| 1).chain([bad]),
            &shards,
            &PackOptions::default(),
        )
        .unwrap_err();
    assert_eq!(e.entry_index(), Some(700));
    assert!(
        builder()
            .pack([], &shards, &PackOptions::default())
            .unwrap()
            .is_empty()
    );
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(32))]

    #[test]
    fn packing_properties(
        sizes in proptest::collection::vec(0usize..300_000, 1..1500),
        shard_count in 1u32..16,
        max_entries in 1usize..=500,
    ) {
        let shards = ShardMap::even(shard_count).unwrap();
        let n = sizes.len();
        let batches = builder()
            .pack(pack_entries(n, |i| sizes[i]), &shards, &PackOptions::new().max_entries(max_entries))
            .unwrap();
        check_packing(&batches, n, &shards, (1000, MIB));
        proptest::prop_assert!(batches.iter().all(|b| b.input().len() <= max_entries));
    }
}

#[test]
fn a_failed_entry_names_its_predicted_shard_and_one_retry_class() {
    let map = kinesis_proto::ShardMap::even(4).unwrap();
    let batch = PutRecordsInput::builder()
        .stream_name("orders")
        .entry_parts(&b"a"[..], "k1")
        .entry_parts(&b"b"[..], "abcd")
        .build()
        .unwrap();
    let response = http::Response::new(
        r#"{"FailedRecordCount":1,"Records":[{"ShardId":"shardId-000000000001","SequenceNumber":"1"},
        {"ErrorCode":"ProvisionedThroughputExceededException","ErrorMessage":"Rate exceeded"}]}"#,
    );
    let output = parse_put_records_response(&batch, &response).unwrap();
    let throttled: Vec<&str> = output
        .entries()
        .iter()
        .enumerate()
        .filter(|(_, r)| r.retry_class() == RetryClass::Throttling)
        .filter_map(|(i, _)| batch.predicted_shard(i, &map).map(|s| s.id()))
        .collect();
    assert_eq!(throttled, ["shardId-000000000003"]);
    assert_eq!(output.entries()[0].retry_class(), RetryClass::None);
    assert_eq!(batch.predicted_shard(2, &map), None);
}

#[test]
fn data_is_taken_as_bytes_or_text_borrowed_or_owned() {
    let text = String::from("payload");
    let bytes = b"payload".to_vec();
    let entries = [
        PutRecordsEntry::new("payload", "k"),
        PutRecordsEntry::new(&text, "k"),
        PutRecordsEntry::new(text.clone(), "k"),
        PutRecordsEntry::new(b"payload", "k"),
        PutRecordsEntry::new(&bytes[..], "k"),
        PutRecordsEntry::new(&bytes, "k"),
        PutRecordsEntry::new(bytes.clone(), "k"),
    ];
    for entry in entries {
        assert_eq!(&*entry.data, b"payload");
    }
    let single = kinesis_proto::PutRecordInput::builder()
        .stream_name("s")
        .partition_key("k")
        .data(text)
        .build()
        .unwrap();
    assert_eq!(single.data(), b"payload");
}

#[test]
fn an_entry_error_keeps_a_bounded_message_and_only_a_code() {
    let batch = PutRecordsInput::builder()
        .stream_name("orders")
        .entry_parts(&b"a"[..], "k1")
        .build()
        .unwrap();
    let long = "m".repeat(3 * kinesis_proto::MAX_ERROR_TEXT_BYTES);
    let body = format!(
        r#"{{"FailedRecordCount":1,"Records":[{{"ErrorCode":"InternalFailure","ErrorMessage":"{long}"}}]}}"#
    );
    let output = parse_put_records_response(&batch, &http::Response::new(body)).unwrap();
    let message = output.entries()[0].error_message().unwrap();
    assert!(message.len() < kinesis_proto::MAX_ERROR_TEXT_BYTES + 32);
    assert!(message.ends_with("more bytes)"));
    let body = r#"{"FailedRecordCount":1,"Records":[{"ErrorCode":"Bad\nCode"}]}"#;
    let err = parse_put_records_response(&batch, &http::Response::new(body)).unwrap_err();
    assert!(err.malformed().is_some(), "{err}");
}

#[test]
fn an_endless_list_of_valid_entries_is_read_only_past_the_limit() {
    let endless = std::iter::repeat_with(|| PutRecordsEntry::new(&b"x"[..], "k"));
    let err = builder().entries(endless).build().unwrap_err();
    assert_eq!(err.field(), "records");
    assert_eq!(err.to_string(), "records: 501 entries, the limit is 500");
    // Two lists add up, and the second is read only up to the limit too.
    let first = std::iter::repeat_with(|| PutRecordsEntry::new(&b"x"[..], "k")).take(300);
    let endless = std::iter::repeat_with(|| PutRecordsEntry::new(&b"x"[..], "k"));
    let err = builder()
        .entries(first)
        .entries(endless)
        .build()
        .unwrap_err();
    assert_eq!(err.field(), "records");
}
