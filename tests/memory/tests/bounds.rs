//! The memory bounds of the crate's README ("Panics and bounds"), enforced by the allocator: each
//! hostile input runs with the process's allocation limit set to what is allocated already plus
//! the case's bound, so an allocation past the bound fails and aborts the test. What a result
//! keeps afterwards is checked against its own, smaller bound.
//!
//! One test function, so that no other test allocates meanwhile. The `cap` crate counts; this
//! project keeps no `unsafe` of its own, not even in a test.

use std::alloc::System;
use std::io::Write as _;

use cap::Cap;
use kinesis_proto::http;
use kinesis_proto::{
    Endpoint, EndpointConfig, LIST_SHARDS_MAX_RESULTS, MAX_ERROR_BODY_SCAN_BYTES,
    MAX_ERROR_TEXT_BYTES, MAX_SHARDS, PUT_RECORDS_MAX_ENTRIES, PartitionKey, PutRecordsEntry,
    PutRecordsInput, Shard, ShardMap, ShardMapBuilder, StreamName, parse_list_shards_response,
    parse_put_record_response, parse_put_records_response,
};

#[global_allocator]
static ALLOCATOR: Cap<System> = Cap::new(System, usize::MAX);

const KIB: usize = 1024;
const MIB: usize = 1024 * KIB;

/// Runs `f` with at most `peak` more bytes allocated at any moment, and checks that what it
/// returns holds at most `kept` bytes.
fn within<T>(case: &str, peak: usize, kept: usize, f: impl FnOnce() -> T) -> T {
    // Written straight to stderr (not captured) so that an abort names its case.
    let _ = writeln!(std::io::stderr(), "memory bound: {case}");
    let before = ALLOCATOR.allocated();
    ALLOCATOR
        .set_limit(before + peak)
        .expect("limit above what is allocated");
    let out = f();
    ALLOCATOR.set_limit(usize::MAX).expect("no limit");
    let held = ALLOCATOR.allocated().saturating_sub(before);
    assert!(held <= kept, "{case}: keeps {held} bytes, bound {kept}");
    out
}

fn error_response(status: u16, body: Vec<u8>) -> http::Response<Vec<u8>> {
    http::Response::builder().status(status).body(body).unwrap()
}

#[test]
fn hostile_inputs_stay_within_their_memory_bounds() {
    // Counts from a caller: refused before anything in proportion is allocated.
    let e = within("ShardMap::even(u32::MAX)", 64 * KIB, KIB, || {
        ShardMap::even(u32::MAX)
    });
    assert!(e.is_err());
    let e = within("ShardMap::even(MAX_SHARDS + 1)", 64 * KIB, KIB, || {
        ShardMap::even(MAX_SHARDS as u32 + 1)
    });
    assert!(e.is_err());

    // An endless entry iterator: read up to the first entry past 500, then refused.
    let entry_bytes = std::mem::size_of::<PutRecordsEntry<'static>>() + 64;
    let e = within(
        "PutRecordsInput entries from an endless iterator",
        4 * (PUT_RECORDS_MAX_ENTRIES + 1) * entry_bytes,
        KIB,
        || {
            PutRecordsInput::builder()
                .stream_name("s")
                .entries(std::iter::repeat_with(|| {
                    PutRecordsEntry::new(&b"x"[..], "k")
                }))
                .build()
        },
    );
    assert!(e.is_err());

    // An endless shard iterator: at most MAX_SHARDS + 1 kept, then refused.
    let shard_bytes = std::mem::size_of::<Shard>() + 16;
    let e = within(
        "ShardMapBuilder from an endless iterator",
        4 * (MAX_SHARDS + 1) * shard_bytes,
        KIB,
        || {
            let range = kinesis_proto::HashKeyRange::FULL;
            let mut builder = ShardMapBuilder::new();
            builder.add_shards(std::iter::repeat_with(|| Shard::new("s", range)));
            builder.build()
        },
    );
    assert!(e.is_err());

    // Oversized strings from a caller: refused without a copy.
    let huge = "a".repeat(64 * MIB);
    within("StreamName of 64 MiB", 16 * KIB, 0, || {
        assert!(StreamName::new(&huge).is_err());
        assert!(PartitionKey::new(&huge).is_err());
    });
    // An error keeps at most MAX_ERROR_TEXT_BYTES of a caller's text, its Display too.
    let region = format!("{huge}\u{1b}");
    let url = format!("http://{huge}");
    let e = within("a 64 MiB region", 64 * KIB, 16 * KIB, || {
        Endpoint::regional(&region).unwrap_err()
    });
    let shown = within("its Display", 64 * KIB, 16 * KIB, || e.to_string());
    assert!(shown.len() <= MAX_ERROR_TEXT_BYTES + 256, "{}", shown.len());
    assert!(!shown.contains('\u{1b}'));
    let e = within("a 64 MiB custom endpoint", 64 * KIB, 16 * KIB, || {
        EndpointConfig::new("us-east-1")
            .custom_url(&url)
            .unwrap_err()
    });
    let shown = within("its Display", 64 * KIB, 16 * KIB, || e.to_string());
    assert!(shown.len() <= MAX_ERROR_TEXT_BYTES + 256, "{}", shown.len());
    drop((huge, region, url));

    // Error answers: at most MAX_ERROR_BODY_SCAN_BYTES of the body read, a bounded error kept.
    let scan = MAX_ERROR_BODY_SCAN_BYTES;
    let kept = 4 * MAX_ERROR_TEXT_BYTES;
    let message = "m".repeat(64 * MIB);
    let bodies = [
        format!(r#"{{"__type":"ServiceUnavailable","message":"{message}"}}"#),
        format!(r#"<ErrorResponse><Error><Code>Throttling</Code><Message>{message}</Message>"#),
        format!(r#"{{"__type":"{message}"}}"#),
        message.clone(),
    ];
    drop(message);
    for body in bodies {
        let response = error_response(503, body.into_bytes());
        let e = within("a 64 MiB error answer", 4 * scan, kept, || {
            parse_put_record_response(&response).unwrap_err()
        });
        let shown = within("its Display", 4 * scan, 2 * kept, || e.to_string());
        assert!(shown.len() <= kept, "{}", shown.len());
    }
    let response = http::Response::builder()
        .status(500)
        .header("x-amzn-RequestId", "r".repeat(MIB))
        .body(Vec::new())
        .unwrap();
    let e = within("a 1 MiB request id", 4 * scan, kept, || {
        parse_put_record_response(&response).unwrap_err()
    });
    assert_eq!(e.request_id(), None);

    // A PutRecords answer: at most 500 results stored, each message capped.
    let batch = PutRecordsInput::builder()
        .stream_name("s")
        .entries((0..PUT_RECORDS_MAX_ENTRIES).map(|_| PutRecordsEntry::new(&b"x"[..], "k")))
        .build()
        .unwrap();
    let message = "m".repeat(64 * KIB);
    let result = format!(r#"{{"ErrorCode":"InternalFailure","ErrorMessage":"{message}"}}"#);
    let body = format!(
        r#"{{"FailedRecordCount":500,"Records":[{}]}}"#,
        vec![result.as_str(); PUT_RECORDS_MAX_ENTRIES].join(",")
    );
    let per_result = MAX_ERROR_TEXT_BYTES + 256;
    let response = http::Response::new(body.into_bytes());
    let output = within(
        "500 results with 64 KiB messages",
        4 * PUT_RECORDS_MAX_ENTRIES * per_result,
        2 * PUT_RECORDS_MAX_ENTRIES * per_result,
        || parse_put_records_response(&batch, &response).unwrap(),
    );
    assert_eq!(output.entries().len(), PUT_RECORDS_MAX_ENTRIES);
    drop((output, response));
    let body = format!(r#"{{"Records":[{}]}}"#, vec!["{}"; 8 * MIB].join(","));
    let response = http::Response::new(body.into_bytes());
    let e = within(
        "8 Mi results for a request of 500",
        4 * PUT_RECORDS_MAX_ENTRIES * per_result,
        4 * KIB,
        || parse_put_records_response(&batch, &response).unwrap_err(),
    );
    assert!(e.malformed().is_some());
    drop((e, response));

    // A ListShards page: at most LIST_SHARDS_MAX_RESULTS shards stored, each checked.
    let shard = r#"{"ShardId":"shardId-000000000000","HashKeyRange":{"StartingHashKey":"0","EndingHashKey":"1"},"SequenceNumberRange":{"StartingSequenceNumber":"1"}}"#;
    let body = format!(r#"{{"Shards":[{}]}}"#, vec![shard; 200_000].join(","));
    let response = http::Response::new(body.into_bytes());
    let page_peak = 4 * LIST_SHARDS_MAX_RESULTS as usize * (shard_bytes + 64);
    let e = within("a page of 200,000 shards", page_peak, 4 * KIB, || {
        parse_list_shards_response(&response).unwrap_err()
    });
    assert!(e.malformed().is_some());
}
