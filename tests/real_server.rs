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
