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
    Endpoint, HashKey, InvalidInput, LengthUnit, MIB, PUT_RECORDS_LEGACY_MAX_REQUEST_SIZE,
    PUT_RECORDS_MAX_ENTRIES, PUT_RECORDS_TARGET, PutRecordsEntry, PutRecordsInput,
    PutRecordsInputBuilder, RecordDistribution, Rule,
};
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
