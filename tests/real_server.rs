//! End-to-end tests against a real Kinesis-compatible server.
//!
//! Every test is ignored by default: run them with `bash .ci/real-server.sh`,
//! which starts the servers in a private network namespace and sets
//! `KINESIS_PROTO_TEST_ENDPOINT` / `KINESIS_PROTO_TEST_THROTTLED_ENDPOINT`.

mod common;

use common::*;

#[test]
#[ignore = "needs a Kinesis-compatible server: run via .ci/real-server.sh"]
fn harness_hand_built_requests_reach_the_server_through_both_stacks() {
    let endpoint = endpoint_from_env();
    let stream = TestStream::create(&endpoint, "harness", 2);

    let shards = stream.open_shards();
    assert_eq!(shards.len(), 2, "{shards:?}");
    assert_eq!(shards[0].start, 0);
    assert_eq!(shards[1].end, u128::MAX);

    for stack in Stack::ALL {
        let response = stack.send(put_record_request(
            &endpoint,
            &stream.name,
            "harness-key",
            b"hello",
            Some("0"),
        ));
        let body = json_body(&response);
        assert_eq!(response.status(), 200, "{stack:?}: {body}");
        assert_eq!(body["ShardId"], shards[0].id.as_str(), "{stack:?}");
        assert!(body["SequenceNumber"].is_string(), "{stack:?}: {body}");
    }
}

#[tokio::test]
#[ignore = "needs a Kinesis-compatible server: run via .ci/real-server.sh"]
async fn harness_async_hyper_send() {
    let endpoint = endpoint_from_env();
    let request = put_record_request(&endpoint, "no-such-stream-harness", "k", b"x", None);
    let response = send_hyper(request).await;
    assert_eq!(response.status(), 400);
    assert_eq!(json_body(&response)["__type"], "ResourceNotFoundException");
}

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

// ---------------------------------------------------------------------------
// The crate's own requests (until the crate parses ListShards and PutRecord
// answers itself, the shard ranges and answers are decoded by hand here).
// ---------------------------------------------------------------------------

use kinesis_proto::{Endpoint, PutRecordInput};

fn shard_by_hand(shards: &[RawShard], hash_key: u128) -> &str {
    &shards
        .iter()
        .find(|s| s.start <= hash_key && hash_key <= s.end)
        .expect("open shards cover the hash key space")
        .id
}

#[test]
#[ignore = "needs a Kinesis-compatible server: run via .ci/real-server.sh"]
fn crate_requests_route_like_the_server_through_both_stacks() {
    let url = endpoint_from_env();
    let endpoint = Endpoint::custom(&url).expect("endpoint");
    let stream = TestStream::create(&url, "interim", 3);
    let first = stream.open_shards()[0].clone();
    split_shard(
        &url,
        &stream.name,
        &first.id,
        &(first.start + (first.end - first.start) / 7).to_string(),
    );
    wait_active(&url, &stream.name);
    let shards = stream.open_shards();
    assert_eq!(shards.len(), 4, "{shards:?}");

    let mut rng = SplitMix64::new(0x5eed);
    let mut mismatches = Vec::new();
    let mut checked = 0;
    for i in 0..600 {
        let stack = Stack::ALL[i % 2];
        let mut builder = PutRecordInput::builder()
            .stream_name(stream.name.as_str())
            .partition_key(random_partition_key(&mut rng))
            .data(format!("record {i}").into_bytes());
        if i % 10 == 0 {
            let shard = &shards[(i / 10) % shards.len()];
            let h = if i % 20 == 0 { shard.start } else { shard.end };
            builder = builder.explicit_hash_key(h.to_string());
        }
        let input = builder.build().expect("valid input");
        let mut request = input.to_http_request(&endpoint);
        sign(&mut request);
        let response = stack.send(request);
        let body = json_body(&response);
        assert_eq!(response.status(), 200, "{stack:?}: {body}");
        let predicted = shard_by_hand(&shards, input.hash_key().expect("keyed").get());
        if body["ShardId"] != predicted {
            mismatches.push(format!("{stack:?} {body} predicted {predicted}"));
        }
        checked += 1;
    }
    assert_eq!(checked, 600);
    assert!(mismatches.is_empty(), "{mismatches:?}");
}

#[test]
#[ignore = "needs a Kinesis-compatible server: run via .ci/real-server.sh"]
fn crate_request_for_a_one_mebibyte_record_is_accepted() {
    const MIB: usize = 1024 * 1024;
    let url = endpoint_from_env();
    let endpoint = Endpoint::custom(&url).expect("endpoint");
    let stream = TestStream::create(&url, "mib", 1);
    let key = "a-partition-key";
    let input = PutRecordInput::builder()
        .stream_name(stream.name.as_str())
        .partition_key(key)
        .data(vec![0xA5; MIB - key.len()])
        .build()
        .expect("data + key = 1 MiB is allowed");
    for stack in Stack::ALL {
        let mut request = input.to_http_request(&endpoint);
        sign(&mut request);
        let response = stack.send(request);
        assert_eq!(
            response.status(),
            200,
            "{stack:?}: {}",
            String::from_utf8_lossy(response.body())
        );
    }
    let e = PutRecordInput::builder()
        .stream_name(stream.name.as_str())
        .partition_key(key)
        .data(vec![0xA5; MIB - key.len() + 1])
        .build()
        .expect_err("one byte over 1 MiB");
    assert_eq!(e.field(), "data");
}
