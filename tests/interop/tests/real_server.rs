//! End-to-end tests against a real Kinesis-compatible server.
//!
//! Every test is ignored by default: run them with `bash .ci/real-server.sh`,
//! which starts two servers in a private network namespace and sets
//! `KINESIS_PROTO_TEST_ENDPOINT` (an ordinary server) and
//! `KINESIS_PROTO_TEST_THROTTLED_ENDPOINT` (one that enforces the per-shard
//! write limits of 1 MiB and 1,000 records per second).
//!
//! The crate builds every PutRecord and PutRecords request and parses every
//! answer; the tests only sign, send, run the control plane and read records
//! back (GetShardIterator, GetRecords) by hand.

mod common;

// KPL aggregates put, read back and de-aggregated.
#[path = "real_server/aggregation.rs"]
mod aggregation;

use common::*;
use std::collections::HashMap;
use std::time::{Duration, Instant};

use kinesis_proto::{
    BatchResults, Endpoint, HashKey, PUT_RECORDS_LEGACY_MAX_REQUEST_SIZE, PackOptions,
    PutRecordError, PutRecordInput, PutRecordsEntry, PutRecordsInput, PutRecordsOutput, Rule,
    ShardMap, parse_put_record_response, parse_put_records_response,
};
use serde_json::json;

/// Records with random partition keys per routing run.
const RANDOM_RECORDS: usize = 2_000;
/// One mebibyte: the record size limit (data plus partition key).
const MIB: usize = 1024 * 1024;

fn crate_endpoint(url: &str) -> Endpoint {
    Endpoint::custom(url).expect("test endpoint URL")
}

/// The crate's shard map: the crate builds the ListShards request (signed
/// and sent here) and parses the answer. One page: the test server's
/// pagination is not usable, and these streams have few shards.
fn shard_map(endpoint: &str, stream: &str) -> ShardMap {
    let response = send_ureq(list_shards_request(endpoint, stream));
    assert!(
        response.status().is_success(),
        "ListShards: {} {}",
        response.status(),
        String::from_utf8_lossy(response.body())
    );
    ShardMap::from_list_shards_response(&response).expect("ListShards answer parses")
}

/// A 4-shard stream: four equal hash key ranges.
fn even_stream(endpoint: &str) -> TestStream {
    let stream = TestStream::create(endpoint, "even", 4);
    assert_eq!(stream.open_shards().len(), 4);
    stream
}

/// A stream with uneven ranges, made by SplitShard: a 3-shard stream whose
/// first shard is split at a seventh of its range, whose last shard is split
/// one key before its end (a 2-key child), and whose new second child is
/// split again just above its start (another 2-key child). The closed
/// parents stay in the ListShards answer, as on the real service.
fn uneven_stream(endpoint: &str) -> TestStream {
    let stream = TestStream::create(endpoint, "uneven", 3);
    let first = stream.open_shards()[0].clone();
    split_shard(
        endpoint,
        &stream.name,
        &first.id,
        &(first.start + (first.end - first.start) / 7).to_string(),
    );
    wait_active(endpoint, &stream.name);

    let last = stream.open_shards().last().cloned().expect("a last shard");
    split_shard(
        endpoint,
        &stream.name,
        &last.id,
        &(last.end - 1).to_string(),
    );
    wait_active(endpoint, &stream.name);

    // The upper child of the first split: the second open shard by range.
    let second = stream.open_shards()[1].clone();
    split_shard(
        endpoint,
        &stream.name,
        &second.id,
        &(second.start + 2).to_string(),
    );
    wait_active(endpoint, &stream.name);

    let open = stream.open_shards();
    assert_eq!(open.len(), 6, "{open:?}");
    assert!(open.iter().any(|s| s.end - s.start == 1), "{open:?}");
    stream
}

/// The records of one routing run: random partition keys (ASCII and
/// non-ASCII, 1 to 256 characters), then the first and last hash key of
/// every open shard as explicit hash keys.
fn routing_inputs(stream: &TestStream, seed: u64) -> Vec<PutRecordInput<'static>> {
    let mut rng = SplitMix64::new(seed);
    let mut inputs = Vec::new();
    for i in 0..RANDOM_RECORDS {
        let input = PutRecordInput::builder()
            .stream_name(stream.name.as_str())
            .partition_key(random_partition_key(&mut rng))
            .data(format!("record {i}").into_bytes())
            .build()
            .expect("random record is valid");
        inputs.push(input);
    }
    for shard in stream.open_shards() {
        for hash_key in [shard.start, shard.end] {
            let input = PutRecordInput::builder()
                .stream_name(stream.name.as_str())
                .partition_key(random_partition_key(&mut rng))
                .data(format!("boundary {hash_key}").into_bytes())
                .explicit_hash_key(hash_key.to_string())
                .build()
                .expect("boundary record is valid");
            inputs.push(input);
        }
    }
    inputs
}

/// Compares the server's shard for one record with the crate's prediction;
/// returns a description of the mismatch, if any.
fn routing_mismatch(
    map: &ShardMap,
    input: &PutRecordInput<'_>,
    response: &http::Response<Vec<u8>>,
) -> Option<String> {
    let out = match parse_put_record_response(response) {
        Ok(out) => out,
        Err(e) => panic!(
            "PutRecord failed: {e:?}; body {}",
            String::from_utf8_lossy(response.body())
        ),
    };
    let hash_key = input.hash_key().expect("keyed record");
    let predicted = map.shard_for(hash_key).id();
    (out.shard_id() != predicted).then(|| {
        format!(
            "hash key {hash_key}: server {} crate {predicted}",
            out.shard_id()
        )
    })
}

/// Puts every routing record through `ureq` and counts mismatches.
fn check_routing_ureq(stream: &TestStream, seed: u64) {
    let endpoint = crate_endpoint(&stream.endpoint);
    let map = shard_map(&stream.endpoint, &stream.name);
    let inputs = routing_inputs(stream, seed);
    let mut mismatches = Vec::new();
    for input in &inputs {
        let mut request = input.to_http_request(&endpoint);
        sign(&mut request);
        let response = send_ureq(request);
        mismatches.extend(routing_mismatch(&map, input, &response));
    }
    report_routing("ureq", &map, &inputs, &mismatches);
}

/// Puts every routing record through `hyper` and counts mismatches.
async fn check_routing_hyper(stream: &TestStream, seed: u64) {
    let endpoint = crate_endpoint(&stream.endpoint);
    let map = shard_map(&stream.endpoint, &stream.name);
    let inputs = routing_inputs(stream, seed);
    let sender = HyperSender::new();
    let mut mismatches = Vec::new();
    for input in &inputs {
        let mut request = input.to_http_request(&endpoint);
        sign(&mut request);
        let response = sender.send(request).await;
        mismatches.extend(routing_mismatch(&map, input, &response));
    }
    report_routing("hyper", &map, &inputs, &mismatches);
}

/// Prints the outcome of a routing run (shown by `--show-output`) and
/// asserts that no record went to another shard than predicted.
fn report_routing(
    stack: &str,
    map: &ShardMap,
    inputs: &[PutRecordInput<'_>],
    mismatches: &[String],
) {
    let explicit = inputs
        .iter()
        .filter(|i| i.explicit_hash_key().is_some())
        .count();
    let non_ascii = inputs
        .iter()
        .filter(|i| {
            i.explicit_hash_key().is_none()
                && i.partition_key().is_some_and(|k| !k.as_str().is_ascii())
        })
        .count();
    println!(
        "routing via {stack}: {} records ({} random partition keys, {non_ascii} of them \
         non-ASCII; {explicit} explicit hash keys at the bounds of {} open shards): \
         {} mismatches",
        inputs.len(),
        inputs.len() - explicit,
        map.len(),
        mismatches.len()
    );
    assert_eq!(
        mismatches.len(),
        0,
        "{} of {} records routed differently: {:?}",
        mismatches.len(),
        inputs.len(),
        &mismatches[..mismatches.len().min(10)]
    );
}

#[test]
#[ignore = "needs a Kinesis-compatible server: run via .ci/real-server.sh"]
fn routing_matches_server_on_four_even_shards_via_ureq() {
    let stream = even_stream(&endpoint_from_env());
    check_routing_ureq(&stream, 0x5eed_0001);
}

#[tokio::test]
#[ignore = "needs a Kinesis-compatible server: run via .ci/real-server.sh"]
async fn routing_matches_server_on_four_even_shards_via_hyper() {
    let stream = even_stream(&endpoint_from_env());
    check_routing_hyper(&stream, 0x5eed_0002).await;
}

#[test]
#[ignore = "needs a Kinesis-compatible server: run via .ci/real-server.sh"]
fn routing_matches_server_on_split_uneven_shards_via_ureq() {
    let stream = uneven_stream(&endpoint_from_env());
    check_routing_ureq(&stream, 0x5eed_0003);
}

#[tokio::test]
#[ignore = "needs a Kinesis-compatible server: run via .ci/real-server.sh"]
async fn routing_matches_server_on_split_uneven_shards_via_hyper() {
    let stream = uneven_stream(&endpoint_from_env());
    check_routing_hyper(&stream, 0x5eed_0004).await;
}

#[test]
#[ignore = "needs a Kinesis-compatible server: run via .ci/real-server.sh"]
fn shard_map_skips_closed_parent_shards() {
    let stream = uneven_stream(&endpoint_from_env());
    let map = shard_map(&stream.endpoint, &stream.name);
    for shard in stream.open_shards() {
        for hash_key in [shard.start, shard.end] {
            let input = PutRecordInput::builder()
                .stream_name(stream.name.as_str())
                .partition_key("k")
                .data(b"x".to_vec())
                .explicit_hash_key(hash_key.to_string())
                .build()
                .expect("valid input");
            let predicted = map.shard_for(input.hash_key().expect("keyed")).id();
            assert_eq!(predicted, shard.id, "hash key {hash_key}");
        }
    }
}

#[test]
#[ignore = "needs a Kinesis-compatible server: run via .ci/real-server.sh"]
fn even_shard_map_matches_new_streams_on_the_server() {
    let url = endpoint_from_env();
    for count in [1, 3, 4, 7] {
        let stream = TestStream::create(&url, "even-check", count);
        let listed = shard_map(&url, &stream.name);
        let even = ShardMap::even(count).expect("even map");
        let ranges = |map: &ShardMap| {
            map.shards()
                .iter()
                .map(|s| (s.id().to_owned(), s.hash_key_range()))
                .collect::<Vec<_>>()
        };
        assert_eq!(ranges(&listed), ranges(&even), "{count} shards");
    }
}

// ---------------------------------------------------------------------------
// Error paths, parsed by the crate
// ---------------------------------------------------------------------------

#[test]
#[ignore = "needs a Kinesis-compatible server: run via .ci/real-server.sh"]
fn missing_stream_is_resource_not_found_and_not_retryable() {
    let url = endpoint_from_env();
    let input = PutRecordInput::builder()
        .stream_name(unique_stream_name("missing").as_str())
        .partition_key("customer-42")
        .data(b"payload".to_vec())
        .build()
        .expect("valid input");
    let mut request = input.to_http_request(&crate_endpoint(&url));
    sign(&mut request);
    for stack in Stack::ALL {
        let response = stack.send(request.clone());
        let e = parse_put_record_response(&response).expect_err("stream does not exist");
        assert!(
            matches!(e, PutRecordError::ResourceNotFoundException(_)),
            "{stack:?}: {e:?}"
        );
        assert_eq!(e.code(), Some("ResourceNotFoundException"), "{stack:?}");
        assert_eq!(e.status(), 400, "{stack:?}");
        assert!(!e.is_retryable(), "{stack:?}");
        assert!(!e.is_throttling(), "{stack:?}");
    }
}

#[test]
#[ignore = "needs a Kinesis-compatible server: run via .ci/real-server.sh"]
fn exceeding_shard_write_limit_is_a_retryable_throttling_error() {
    let url = throttled_endpoint_from_env();
    let endpoint = crate_endpoint(&url);
    let stream = TestStream::create(&url, "throttled", 1);
    let key = "hot-key";
    // A full 1 MiB record uses the shard's whole write budget for the
    // second, so a second one within the same second is refused. Bounded:
    // a few rounds in case a round straddles a window boundary.
    let big = PutRecordInput::builder()
        .stream_name(stream.name.as_str())
        .partition_key(key)
        .data(vec![b'x'; MIB - key.len()])
        .build()
        .expect("1 MiB record is valid");
    for round in 0..5 {
        for _ in 0..2 {
            let mut request = big.to_http_request(&endpoint);
            sign(&mut request);
            let response = send_ureq(request);
            if let Err(e) = parse_put_record_response(&response) {
                assert!(
                    matches!(e, PutRecordError::ProvisionedThroughputExceededException(_)),
                    "{e:?}"
                );
                assert_eq!(e.code(), Some("ProvisionedThroughputExceededException"));
                assert!(e.is_throttling());
                assert!(e.is_retryable());
                return;
            }
        }
        eprintln!("round {round}: no throttling yet");
    }
    panic!("no ProvisionedThroughputExceededException after 5 rounds");
}

#[test]
#[ignore = "needs a Kinesis-compatible server: run via .ci/real-server.sh"]
fn inputs_the_crate_refuses_are_never_sent_and_the_server_agrees() {
    let url = endpoint_from_env();
    let stream = TestStream::create(&url, "refused", 1);

    // Empty partition key: refused locally...
    let e = PutRecordInput::builder()
        .stream_name(stream.name.as_str())
        .partition_key("")
        .data(b"x".to_vec())
        .build()
        .expect_err("empty partition key");
    assert_eq!(e.field(), "partitionKey");
    assert!(matches!(e.rule(), Rule::TooShort { len: 0, .. }), "{e}");
    // ...and by the server when sent by hand, parsed by the crate.
    let response = send_ureq(put_record_request(&url, &stream.name, "", b"x", None));
    let remote = parse_put_record_response(&response).expect_err("server refuses");
    assert_eq!(remote.code(), Some("ValidationException"));
    assert!(!remote.is_retryable());

    // Explicit hash key 2^128: refused locally...
    let too_big = "340282366920938463463374607431768211456";
    let e = PutRecordInput::builder()
        .stream_name(stream.name.as_str())
        .partition_key("k")
        .data(b"x".to_vec())
        .explicit_hash_key(too_big)
        .build()
        .expect_err("hash key above 2^128-1");
    assert_eq!(e.field(), "explicitHashKey");
    assert_eq!(e.rule(), &Rule::HashKeyOutOfRange);
    // ...and by the server.
    let response = send_ureq(put_record_request(
        &url,
        &stream.name,
        "k",
        b"x",
        Some(too_big),
    ));
    let remote = parse_put_record_response(&response).expect_err("server refuses");
    assert!(
        matches!(remote, PutRecordError::InvalidArgumentException(_)),
        "{remote:?}"
    );
    assert_eq!(remote.code(), Some("InvalidArgumentException"));
    assert!(!remote.is_retryable());
}

#[test]
#[ignore = "needs a Kinesis-compatible server: run via .ci/real-server.sh"]
fn malformed_json_body_is_parsed_into_a_serialization_error() {
    let url = endpoint_from_env();
    let body = format!(
        r#"{{"StreamName":"{}","PartitionKey":"#,
        unique_stream_name("malformed")
    );
    let mut request = json_request(&url, "PutRecord", body.into_bytes());
    sign(&mut request);
    let response = send_ureq(request);
    assert_eq!(response.status(), 400);
    let e = parse_put_record_response(&response).expect_err("malformed body");
    // Not one of PutRecord's modelled errors: the catch-all variant, with
    // the code and status kept.
    assert!(matches!(e, PutRecordError::Unmodeled(_)), "{e:?}");
    assert_eq!(e.code(), Some("SerializationException"));
    assert_eq!(e.status(), 400);
    assert!(!e.is_retryable());
    assert!(!e.is_throttling());
}

#[test]
#[ignore = "needs a Kinesis-compatible server: run via .ci/real-server.sh"]
fn wrong_content_type_answer_is_parsed_into_a_typed_error() {
    // The server answers 404 with a non-JSON body and the error code only in
    // the `x-amzn-ErrorType` header.
    let url = endpoint_from_env();
    let body = json!({ "StreamName": "s", "PartitionKey": "k", "Data": "eA==" });
    let mut request = json_request(&url, "PutRecord", body.to_string().into_bytes());
    request.headers_mut().insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("text/plain"),
    );
    sign(&mut request);
    let response = send_ureq(request);
    assert_eq!(response.status(), 404);
    let e = parse_put_record_response(&response).expect_err("not a Kinesis answer");
    assert!(matches!(e, PutRecordError::Unmodeled(_)), "{e:?}");
    assert_eq!(e.code(), Some("UnknownOperationException"));
    assert!(!e.is_retryable());
}

// ---------------------------------------------------------------------------
// Record size limit
// ---------------------------------------------------------------------------

#[test]
#[ignore = "needs a Kinesis-compatible server: run via .ci/real-server.sh"]
fn one_mebibyte_record_round_trips_and_one_byte_more_is_refused_locally() {
    let url = endpoint_from_env();
    let endpoint = crate_endpoint(&url);
    let stream = TestStream::create(&url, "mebibyte", 2);
    let map = shard_map(&url, &stream.name);
    let key = "a-partition-key-of-some-length";

    let input = PutRecordInput::builder()
        .stream_name(stream.name.as_str())
        .partition_key(key)
        .data(vec![0xA5; MIB - key.len()])
        .build()
        .expect("data + key = 1 MiB is allowed");
    assert_eq!(input.record_size(), MIB);
    for stack in Stack::ALL {
        let mut request = input.to_http_request(&endpoint);
        sign(&mut request);
        let response = stack.send(request);
        let out = parse_put_record_response(&response).unwrap_or_else(|e| {
            panic!(
                "{stack:?}: 1 MiB record refused: {e:?}: {}",
                String::from_utf8_lossy(response.body())
            )
        });
        let predicted = map.shard_for(input.hash_key().expect("keyed")).id();
        assert_eq!(out.shard_id(), predicted, "{stack:?}");
    }

    let e = PutRecordInput::builder()
        .stream_name(stream.name.as_str())
        .partition_key(key)
        .data(vec![0xA5; MIB - key.len() + 1])
        .build()
        .expect_err("one byte over 1 MiB");
    assert_eq!(e.field(), "data");
    assert_eq!(
        e.rule(),
        &Rule::RecordTooLarge {
            size: MIB + 1,
            limit: MIB
        }
    );
}

// ---------------------------------------------------------------------------
// PutRecords
// ---------------------------------------------------------------------------

/// Entries in the drain test's batch: the most one request takes.
const DRAIN_ENTRIES: usize = 500;
/// Data bytes per drain entry. 500 of them, with their keys, stay within
/// the server's 5 MiB request cap, and a shard takes at most 104 of them
/// (1 MiB) per second, so two shards cannot take the batch in one second.
const DRAIN_DATA_LEN: usize = 10_000;
/// Bound on the drain test's rounds.
const DRAIN_MAX_ROUNDS: usize = 20;
/// Wait between rounds: the server's per-shard window is one second.
const WINDOW_REFILL: Duration = Duration::from_millis(1_100);

/// A drain entry's data: its index, then filler, `DRAIN_DATA_LEN` bytes in
/// all, so every record can be told apart when read back.
fn drain_payload(i: usize) -> Vec<u8> {
    let mut data = format!("drain-entry-{i:05}|").into_bytes();
    let fill = b'a' + (i % 26) as u8;
    data.resize(DRAIN_DATA_LEN, fill);
    data
}

/// The index embedded by [`drain_payload`].
fn drain_index(data: &[u8]) -> Option<usize> {
    let text = std::str::from_utf8(data.get(..18)?).ok()?;
    text.strip_prefix("drain-entry-")?
        .strip_suffix('|')?
        .parse()
        .ok()
}

/// Signs and sends one PutRecords request through `stack`; the crate parses
/// the answer, which must not be a whole-request error.
fn send_put_records(
    stack: Stack,
    endpoint: &Endpoint,
    input: &PutRecordsInput<'_>,
) -> PutRecordsOutput {
    let mut request = input.to_http_request(endpoint);
    sign(&mut request);
    let response = stack.send(request);
    parse_put_records_response(input, &response).unwrap_or_else(|e| {
        panic!(
            "{stack:?}: PutRecords failed as a whole: {e:?}; body {}",
            String::from_utf8_lossy(response.body())
        )
    })
}

#[test]
#[ignore = "needs a Kinesis-compatible server: run via .ci/real-server.sh"]
fn put_records_partial_failures_drain_to_zero_with_the_retry_step() {
    let started = Instant::now();
    let url = throttled_endpoint_from_env();
    let endpoint = crate_endpoint(&url);
    let stream = TestStream::create(&url, "drain", 2);
    let map = shard_map(&url, &stream.name);
    assert_eq!(map.len(), 2);

    let batch = PutRecordsInput::builder()
        .stream_name(stream.name.as_str())
        .max_request_size(PUT_RECORDS_LEGACY_MAX_REQUEST_SIZE)
        .entries(
            (0..DRAIN_ENTRIES)
                .map(|i| PutRecordsEntry::new(drain_payload(i), format!("order-{i}"))),
        )
        .build()
        .expect("500 entries within the 5 MiB request cap");
    assert_eq!(batch.len(), DRAIN_ENTRIES);
    let predicted: Vec<&str> = (0..batch.len())
        .map(|i| map.shard_for(batch.hash_key(i).expect("keyed entry")).id())
        .collect();
    for shard in map.shards() {
        let load = predicted.iter().filter(|id| **id == shard.id()).count();
        assert!(
            load * DRAIN_DATA_LEN > 1024 * 1024,
            "{}: only {load} entries, not enough to overflow the shard",
            shard.id()
        );
    }

    let mut results = BatchResults::for_batch(&batch);
    let mut input = batch.clone();
    let mut per_round = Vec::new();
    for round in 1..=DRAIN_MAX_ROUNDS {
        let output = send_put_records(Stack::Ureq, &endpoint, &input);
        let failed = output.failed_record_count();
        if round == 1 {
            assert!(
                failed > 0 && failed < input.len(),
                "round 1 should fail in part: {failed} of {} failed",
                input.len()
            );
        }
        for (i, result) in output.entries().iter().enumerate() {
            let original = input.original_index(i).expect("entry in range");
            if result.is_success() {
                assert_eq!(
                    result.shard_id(),
                    Some(predicted[original]),
                    "round {round}: entry {original} landed on another shard"
                );
            } else {
                assert_eq!(
                    result.error_code(),
                    Some("ProvisionedThroughputExceededException"),
                    "round {round}: entry {original}: {result:?}"
                );
                assert!(result.is_retryable(), "round {round}: {result:?}");
            }
        }
        per_round.push((input.len(), failed));
        results.record_round(&input, &output);
        assert_eq!(results.pending(), failed, "round {round}");
        match input.retry_failed(&output) {
            Some(next) => {
                assert_eq!(next.len(), failed, "round {round}");
                input = next;
                std::thread::sleep(WINDOW_REFILL);
            }
            None => break,
        }
    }
    assert!(
        results.is_complete(),
        "not drained after {DRAIN_MAX_ROUNDS} rounds: {per_round:?}"
    );

    // Every entry's final result: a success on the predicted shard.
    let mut sequence_of = HashMap::new();
    for (i, result) in results.results().iter().enumerate() {
        let result = result.as_ref().expect("every entry answered");
        assert!(result.is_success(), "entry {i}: {result:?}");
        assert_eq!(result.shard_id(), Some(predicted[i]), "entry {i}");
        let sequence = result.sequence_number().expect("sequence number");
        assert!(
            sequence_of.insert(sequence.to_owned(), i).is_none(),
            "sequence number {sequence} given twice"
        );
    }

    // The server's own data: every record stored exactly once, on the
    // predicted shard, with the sequence number the final result gave.
    let mut seen = vec![0usize; batch.len()];
    let mut stored = 0;
    for shard in map.shards() {
        for record in read_shard(&url, &stream.name, shard.id()) {
            stored += 1;
            let i = drain_index(&record.data).expect("a drain payload");
            seen[i] += 1;
            assert_eq!(
                shard.id(),
                predicted[i],
                "entry {i} stored on another shard"
            );
            assert_eq!(record.data, batch.entries()[i].data(), "entry {i} data");
            assert_eq!(record.partition_key, format!("order-{i}"), "entry {i} key");
            assert_eq!(
                sequence_of.get(&record.sequence_number),
                Some(&i),
                "entry {i}: stored sequence number {} is not its final result's",
                record.sequence_number
            );
        }
    }
    let not_once: Vec<_> = (0..seen.len()).filter(|&i| seen[i] != 1).collect();
    assert!(not_once.is_empty(), "stored other than once: {not_once:?}");
    assert_eq!(stored, batch.len());

    println!(
        "drain via ureq: {} entries of {DRAIN_DATA_LEN} data bytes on {} shards; \
         rounds (sent, failed): {per_round:?}; {stored} records read back, each once on its \
         predicted shard; {:.1?}",
        batch.len(),
        map.len(),
        started.elapsed()
    );
}

/// The entries of one routing run for PutRecords: random partition keys
/// (ASCII and non-ASCII, within 256 UTF-8 bytes), then the first and last
/// hash key of every open shard as explicit hash keys.
fn put_records_routing_entries(stream: &TestStream, seed: u64) -> Vec<PutRecordsEntry<'static>> {
    let mut rng = SplitMix64::new(seed);
    let mut entries: Vec<PutRecordsEntry<'static>> = (0..RANDOM_RECORDS)
        .map(|i| {
            PutRecordsEntry::new(
                format!("record {i}").into_bytes(),
                random_partition_key(&mut rng),
            )
        })
        .collect();
    for shard in stream.open_shards() {
        for hash_key in [shard.start, shard.end] {
            entries.push(
                PutRecordsEntry::new(
                    format!("boundary {hash_key}").into_bytes(),
                    random_partition_key(&mut rng),
                )
                .with_hash_key(HashKey::from(hash_key)),
            );
        }
    }
    entries
}

#[test]
#[ignore = "needs a Kinesis-compatible server: run via .ci/real-server.sh"]
fn put_records_routes_every_entry_to_the_predicted_shard() {
    let started = Instant::now();
    let url = endpoint_from_env();
    let endpoint = crate_endpoint(&url);
    for (label, stream, seed) in [
        ("4 even shards", even_stream(&url), 0x5eed_0101),
        ("split uneven shards", uneven_stream(&url), 0x5eed_0102),
    ] {
        let map = shard_map(&url, &stream.name);
        let entries = put_records_routing_entries(&stream, seed);
        let total = entries.len();
        let batches = PutRecordsInput::builder()
            .stream_name(stream.name.as_str())
            .max_request_size(PUT_RECORDS_LEGACY_MAX_REQUEST_SIZE)
            .pack(entries, &map, &PackOptions::default())
            .expect("valid entries");
        let mut sent = 0;
        let mut non_ascii = 0;
        let mut mismatches = Vec::new();
        for (b, packed) in batches.iter().enumerate() {
            let input = packed.input();
            // Alternate the HTTP stacks between requests.
            let stack = Stack::ALL[b % Stack::ALL.len()];
            let output = send_put_records(stack, &endpoint, input);
            assert_eq!(
                output.failed_record_count(),
                0,
                "{label}: request {b} via {stack:?}"
            );
            let mut per_shard: HashMap<&str, usize> = HashMap::new();
            for (i, result) in output.entries().iter().enumerate() {
                let predicted = map.shard_for(input.hash_key(i).expect("keyed")).id();
                let server = result.shard_id().expect("successful entry");
                *per_shard.entry(server).or_default() += 1;
                if server != predicted {
                    mismatches.push(format!(
                        "{label}: request {b} entry {i}: server {server} crate {predicted}"
                    ));
                }
                let entry = &input.entries()[i];
                if entry.explicit_hash_key().is_none()
                    && entry
                        .partition_key()
                        .is_some_and(|k| !k.as_str().is_ascii())
                {
                    non_ascii += 1;
                }
            }
            // The packer's per-shard load of the request is what the server saw.
            let packed_loads: HashMap<&str, usize> = packed
                .per_shard()
                .iter()
                .map(|load| (load.shard_id(), load.entries()))
                .collect();
            assert_eq!(per_shard, packed_loads, "{label}: request {b} per shard");
            sent += input.len();
        }
        assert_eq!(sent, total, "{label}: every entry sent once");
        println!(
            "PutRecords routing on {label}: {total} entries ({} explicit hash keys at the bounds \
             of {} open shards, {non_ascii} non-ASCII partition keys) in {} requests, stacks \
             alternating: {} mismatches",
            total - RANDOM_RECORDS,
            map.len(),
            batches.len(),
            mismatches.len()
        );
        assert!(
            mismatches.is_empty(),
            "{} of {total} entries routed differently: {:?}",
            mismatches.len(),
            &mismatches[..mismatches.len().min(10)]
        );
    }
    println!("PutRecords routing: {:.1?}", started.elapsed());
}

// ---------------------------------------------------------------------------
// The harness itself
// ---------------------------------------------------------------------------

#[test]
#[ignore = "needs a Kinesis-compatible server: run via .ci/real-server.sh"]
fn harness_unsigned_request_is_refused() {
    let endpoint = endpoint_from_env();
    let request = json_request(&endpoint, "ListStreams", b"{}".to_vec());
    let response = send_ureq(request);
    assert_eq!(response.status(), 400);
    assert_eq!(
        json_body(&response)["__type"],
        "MissingAuthenticationTokenException"
    );
}
