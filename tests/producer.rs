//! The producer's public behaviour, one rule per test; `tests/sim` runs it through faults at
//! scale.

use std::time::{Duration, Instant};

use kinesis_proto::http::Response;
use kinesis_proto::{
    EndpointConfig, Event, FailureReason, HandleError, Operation, Producer, ProducerConfig,
    PushRefusal, Record, RecordDistribution, ShardMap, StreamName, Transmit, TransmitId,
};
use serde_json::Value;

const MS: Duration = Duration::from_millis(1);

fn config() -> ProducerConfig {
    ProducerConfig::new(StreamName::new("orders").unwrap())
        .stream_settings(1 << 20, RecordDistribution::UserPartitionKey)
        .shard_map(ShardMap::even(2).unwrap())
        .aggregation(false)
}

fn producer(config: ProducerConfig, now: Instant) -> Producer {
    Producer::new(config, &EndpointConfig::new("us-east-1"), now).unwrap()
}

fn body(t: &Transmit) -> Value {
    serde_json::from_slice(t.request.body()).unwrap()
}

/// A success for every entry of a PutRecords request.
fn all_stored(t: &Transmit) -> Response<String> {
    let n = body(t)["Records"].as_array().unwrap().len();
    let ok = r#"{"ShardId":"shardId-000000000000","SequenceNumber":"7"}"#;
    Response::new(format!(
        r#"{{"FailedRecordCount":0,"Records":[{}]}}"#,
        vec![ok; n].join(",")
    ))
}

fn events(p: &mut Producer) -> Vec<Event> {
    std::iter::from_fn(|| p.poll_event()).collect()
}

#[test]
fn records_wait_for_the_linger_unless_flushed() {
    let t0 = Instant::now();
    let mut p = producer(config().linger(100 * MS), t0);
    p.push(Record::new("a", "k"), t0).unwrap();
    assert!(p.poll_transmit(t0 + 99 * MS).is_none());
    assert_eq!(p.poll_timeout(), Some(t0 + 100 * MS));
    let t = p.poll_transmit(t0 + 100 * MS).expect("the linger is over");
    assert_eq!(t.operation, Operation::PutRecords);
    p.push(Record::new("b", "k"), t0 + 101 * MS).unwrap();
    p.flush(t0 + 101 * MS);
    assert!(
        p.poll_transmit(t0 + 101 * MS).is_some(),
        "a flush sends now"
    );
}

#[test]
fn records_refused_at_push_come_back_with_the_reason() {
    let t0 = Instant::now();
    let mut p = producer(config().max_buffered_records(1), t0);
    let e = p.push(Record::new("a", ""), t0).unwrap_err();
    assert!(matches!(&e.refusal, PushRefusal::Invalid(i) if i.field() == "partitionKey"));
    assert_eq!(e.record, Record::new("a", ""));
    let e = p
        .push(Record::new("a", "k").with_explicit_hash_key("-1"), t0)
        .unwrap_err();
    assert!(matches!(&e.refusal, PushRefusal::Invalid(i) if i.field() == "explicitHashKey"));
    let e = p.push(Record::new(vec![0; 1 << 20], "k"), t0).unwrap_err();
    assert!(matches!(&e.refusal, PushRefusal::Invalid(i) if i.field() == "data"));
    p.push(Record::new("a", "k"), t0).unwrap();
    let e = p.push(Record::new("b", "k"), t0).unwrap_err();
    assert_eq!(e.refusal, PushRefusal::Full);
    p.close(t0);
    let e = p.push(Record::new("c", "k"), t0).unwrap_err();
    assert_eq!(e.refusal, PushRefusal::Closed);
    // What was taken before the close is still delivered.
    let t = p.poll_transmit(t0).unwrap();
    p.handle_response(t.id, &all_stored(&t), t0).unwrap();
    assert!(p.is_idle());
}

#[test]
fn start_up_learns_the_settings_and_every_page_of_shards() {
    let t0 = Instant::now();
    let config = ProducerConfig::new(StreamName::new("orders").unwrap()).aggregation(false);
    let mut p = producer(config, t0);
    p.push(Record::new("x".repeat(2 << 20), "k"), t0)
        .unwrap_err();
    let id = p.push(Record::new("a", "k"), t0).unwrap();
    let describe = p.poll_transmit(t0).unwrap();
    assert_eq!(describe.operation, Operation::DescribeStreamSummary);
    assert_eq!(body(&describe)["StreamName"], "orders");
    let list = p.poll_transmit(t0).unwrap();
    assert_eq!(list.operation, Operation::ListShards);
    assert!(
        p.poll_transmit(t0).is_none(),
        "records wait for the start-up answers"
    );
    let summary = r#"{"StreamDescriptionSummary":{"StreamName":"orders","StreamARN":"arn:aws:kinesis:us-east-1:123456789012:stream/orders","StreamStatus":"ACTIVE","OpenShardCount":2,"MaxRecordSizeInKiB":4096}}"#;
    p.handle_response(describe.id, &Response::new(summary), t0)
        .unwrap();
    assert_eq!(p.max_record_size(), 4 << 20);
    let shard = |id: &str, start: &str, end: &str| {
        format!(
            r#"{{"ShardId":"{id}","HashKeyRange":{{"StartingHashKey":"{start}","EndingHashKey":"{end}"}},"SequenceNumberRange":{{"StartingSequenceNumber":"1"}}}}"#
        )
    };
    let half = "170141183460469231731687303715884105727";
    let page1 = format!(
        r#"{{"Shards":[{}],"NextToken":"t1"}}"#,
        shard("s0", "0", half)
    );
    p.handle_response(list.id, &Response::new(page1), t0)
        .unwrap();
    let next = p.poll_transmit(t0).unwrap();
    assert_eq!(next.operation, Operation::ListShards);
    assert_eq!(body(&next)["NextToken"], "t1");
    let top = "340282366920938463463374607431768211455";
    let page2 = format!(
        r#"{{"Shards":[{}]}}"#,
        shard("s1", "170141183460469231731687303715884105728", top)
    );
    p.handle_response(next.id, &Response::new(page2), t0)
        .unwrap();
    assert_eq!(p.shard_map().unwrap().len(), 2);
    // A record as large as the stream allows now goes through.
    p.push(Record::new("x".repeat(2 << 20), "k"), t0).unwrap();
    p.flush(t0);
    let put = p.poll_transmit(t0).unwrap();
    assert_eq!(put.operation, Operation::PutRecords);
    let first = &body(&put)["Records"][0];
    assert_eq!(first["PartitionKey"], "k");
    // Sent alone, a record carries its hash key as the explicit hash key, as the KPL sends it.
    let key = kinesis_proto::HashKey::from_partition_key("k").to_string();
    assert_eq!(first["ExplicitHashKey"], key.as_str());
    p.handle_response(put.id, &all_stored(&put), t0).unwrap();
    let delivered = events(&mut p);
    assert!(
        matches!(&delivered[0], Event::Delivered { id: d, sub_sequence_number: None, .. } if *d == id)
    );
}

#[test]
fn a_refused_describe_goes_on_with_the_configured_settings_and_says_so() {
    let t0 = Instant::now();
    let config = ProducerConfig::new(StreamName::new("orders").unwrap())
        .shard_map(ShardMap::even(1).unwrap())
        .aggregation(false);
    let mut p = producer(config, t0);
    let describe = p.poll_transmit(t0).unwrap();
    let denied = Response::builder()
        .status(400)
        .body(r#"{"__type":"AccessDeniedException","message":"no"}"#)
        .unwrap();
    p.handle_response(describe.id, &denied, t0).unwrap();
    let e = events(&mut p);
    assert!(
        matches!(
            &e[..],
            [Event::StreamSettingsUnavailable { error: Some(_) }]
        ),
        "{e:?}"
    );
    assert_eq!(
        p.record_distribution(),
        RecordDistribution::UserPartitionKey
    );
    p.push(Record::new("a", "k"), t0).unwrap();
    p.flush(t0);
    assert!(p.poll_transmit(t0).is_some());
}

#[test]
fn an_answer_no_request_waits_for_is_an_error_value() {
    let t0 = Instant::now();
    // An id this producer never handed out (another producer's).
    let mut other = producer(config(), t0);
    other.push(Record::new("a", "k"), t0).unwrap();
    other.flush(t0);
    let foreign: TransmitId = other.poll_transmit(t0).unwrap().id;
    let mut p = producer(config(), t0);
    let e = p.handle_response(foreign, &Response::new(""), t0);
    assert!(matches!(e, Err(HandleError::UnknownTransmit(_))));
    p.push(Record::new("a", "k"), t0).unwrap();
    p.flush(t0);
    let t = p.poll_transmit(t0).unwrap();
    p.handle_response(t.id, &all_stored(&t), t0).unwrap();
    assert!(
        p.handle_response(t.id, &all_stored(&t), t0).is_err(),
        "answered already"
    );
    assert!(p.handle_transport_error(t.id, t0).is_err());
}

#[test]
fn only_failed_entries_are_resent_and_a_non_retryable_one_fails_with_its_code() {
    let t0 = Instant::now();
    let mut p = producer(config().backoff(10 * MS, 10 * MS), t0);
    let ids: Vec<_> = (0..3)
        .map(|i| p.push(Record::new(format!("r{i}"), "k"), t0).unwrap())
        .collect();
    p.flush(t0);
    let t = p.poll_transmit(t0).unwrap();
    let answer = Response::new(
        r#"{"FailedRecordCount":2,"Records":[
        {"ShardId":"shardId-000000000001","SequenceNumber":"1"},
        {"ErrorCode":"InternalFailure","ErrorMessage":"x"},
        {"ErrorCode":"AccessDeniedException","ErrorMessage":"denied"}]}"#,
    );
    p.handle_response(t.id, &answer, t0).unwrap();
    let e = events(&mut p);
    assert!(matches!(&e[0], Event::Delivered { id, .. } if *id == ids[0]));
    assert!(
        matches!(&e[1], Event::Failed { id, reason: FailureReason::NotRetryable { code: Some(c), .. }, .. }
        if *id == ids[2] && c == "AccessDeniedException")
    );
    assert!(
        p.poll_transmit(t0 + 4 * MS).is_none(),
        "the retry waits for its backoff"
    );
    let retry = p.poll_transmit(t0 + 10 * MS).expect("the retry");
    let sent = body(&retry)["Records"].as_array().unwrap().clone();
    assert_eq!(sent.len(), 1, "only the failed entry");
    assert_eq!(p.stats().retries, 1);
}

#[test]
fn a_record_not_delivered_within_its_ttl_fails_as_expired_with_the_last_code() {
    let t0 = Instant::now();
    let mut p = producer(config().record_ttl(Duration::from_secs(1)), t0);
    let id = p.push(Record::new("a", "k"), t0).unwrap();
    p.flush(t0);
    let t = p.poll_transmit(t0).unwrap();
    let throttled = Response::new(
        r#"{"FailedRecordCount":1,"Records":[{"ErrorCode":"ProvisionedThroughputExceededException","ErrorMessage":"slow down"}]}"#,
    );
    p.handle_response(t.id, &throttled, t0 + 990 * MS).unwrap();
    assert_eq!(p.stats().throttles, 1);
    assert!(p.poll_timeout().is_some());
    p.handle_timeout(t0 + Duration::from_secs(1));
    assert!(
        p.poll_transmit(t0 + Duration::from_secs(1)).is_none(),
        "never sent after its TTL"
    );
    match &events(&mut p)[..] {
        [
            Event::Failed {
                id: f,
                reason: FailureReason::Expired { last_error_code },
                record,
                ..
            },
        ] => {
            assert_eq!(*f, id);
            assert_eq!(
                last_error_code.as_deref(),
                Some("ProvisionedThroughputExceededException")
            );
            assert_eq!(record.data().as_ref(), b"a");
        }
        other => panic!("{other:?}"),
    }
    assert!(p.is_idle());
}

#[test]
fn a_lost_answer_resends_and_counts_a_possible_duplicate() {
    let t0 = Instant::now();
    let mut p = producer(config().backoff(MS, MS), t0);
    p.push(Record::new("a", "k"), t0).unwrap();
    p.flush(t0);
    let t = p.poll_transmit(t0).unwrap();
    p.handle_transport_error(t.id, t0 + 6000 * MS).unwrap();
    let again = p.poll_transmit(t0 + 6002 * MS).expect("sent again");
    assert_eq!(p.stats().possible_duplicates, 1);
    p.handle_response(again.id, &all_stored(&again), t0 + 6010 * MS)
        .unwrap();
    let e = events(&mut p);
    assert!(
        matches!(
            &e[..],
            [Event::Delivered {
                possible_duplicate: true,
                ..
            }]
        ),
        "{e:?}"
    );
}

#[test]
fn an_unreadable_success_is_resent_as_a_possible_duplicate() {
    let t0 = Instant::now();
    let mut p = producer(config().backoff(MS, MS), t0);
    p.push(Record::new("a", "k"), t0).unwrap();
    p.flush(t0);
    let t = p.poll_transmit(t0).unwrap();
    p.handle_response(t.id, &Response::new("{\"Records\":"), t0)
        .unwrap();
    assert!(p.poll_transmit(t0 + 2 * MS).is_some());
    assert_eq!(p.stats().possible_duplicates, 1);
}

#[test]
fn on_an_auto_stream_records_go_unrouted_and_without_explicit_hash_keys() {
    let t0 = Instant::now();
    let config = ProducerConfig::new(StreamName::new("orders").unwrap())
        .stream_settings(1 << 20, RecordDistribution::Auto);
    let mut p = producer(config, t0);
    assert!(p.shard_map().is_none(), "no ListShards on an AUTO stream");
    p.push(Record::new("a", "k").with_explicit_hash_key("5"), t0)
        .unwrap();
    p.flush(t0);
    let t = p.poll_transmit(t0).expect("no start-up call");
    assert_eq!(t.operation, Operation::PutRecords);
    assert!(body(&t)["Records"][0].get("ExplicitHashKey").is_none());
}

#[test]
fn in_flight_put_records_requests_are_bounded() {
    let t0 = Instant::now();
    let mut p = producer(config().max_in_flight(2).max_request_entries(1), t0);
    for i in 0..5 {
        p.push(Record::new("a", format!("k{i}")), t0).unwrap();
    }
    p.flush(t0);
    let sent: Vec<_> = std::iter::from_fn(|| p.poll_transmit(t0)).collect();
    assert_eq!(sent.len(), 2);
    p.handle_response(sent[0].id, &all_stored(&sent[0]), t0)
        .unwrap();
    assert!(p.poll_transmit(t0).is_some(), "room for one more");
}

#[test]
fn settings_out_of_range_are_refused_by_name() {
    let t0 = Instant::now();
    let endpoints = EndpointConfig::new("us-east-1");
    let cases = [
        (config().rate_limit_percent(0), "rate_limit_percent"),
        (config().max_request_entries(501), "max_request_entries"),
        (config().max_in_flight(0), "max_in_flight"),
        (config().max_buffered_bytes(1000), "max_buffered_bytes"),
        (config().record_ttl(Duration::ZERO), "record_ttl"),
        (config().record_ttl(Duration::MAX), "record_ttl"),
        (config().linger(Duration::MAX), "linger"),
        (config().backoff(Duration::ZERO, Duration::MAX), "backoff"),
    ];
    for (config, setting) in cases {
        match Producer::new(config, &endpoints, t0) {
            Err(kinesis_proto::ProducerError::Config(e)) => assert_eq!(e.field(), setting),
            other => panic!("{setting}: {other:?}"),
        }
    }
}

#[test]
fn a_shard_short_of_byte_tokens_gets_a_smaller_aggregate_so_the_timeout_never_spins() {
    // 20,000 records on 16 keys over 4 shards, one shard taking most of them: its byte bucket
    // runs low during the first request. Whenever `poll_timeout` says now, something goes.
    let t0 = Instant::now();
    let config = ProducerConfig::new(StreamName::new("orders").unwrap())
        .stream_settings(1 << 20, RecordDistribution::UserPartitionKey)
        .shard_map(ShardMap::even(4).unwrap());
    let mut p = producer(config, t0);
    for serial in 0..20_000u64 {
        let mut data = serial.to_be_bytes().to_vec();
        data.resize(100, 0);
        p.push(Record::new(data, format!("key-{}", serial % 16)), t0)
            .unwrap();
    }
    p.close(t0);
    let mut sent = 0;
    while let Some(t) = p.poll_transmit(t0) {
        sent += body(&t)["Records"].as_array().unwrap().len();
    }
    assert!(sent > 0);
    let next = p.poll_timeout().expect("tokens refill");
    assert!(next > t0, "poll_timeout said now with nothing to send");
}

/// A PutRecords answer refusing every entry of `t` as throttled.
fn all_throttled(t: &Transmit) -> Response<String> {
    let n = body(t)["Records"].as_array().unwrap().len();
    let refused =
        r#"{"ErrorCode":"ProvisionedThroughputExceededException","ErrorMessage":"slow down"}"#;
    Response::new(format!(
        r#"{{"FailedRecordCount":{n},"Records":[{}]}}"#,
        vec![refused; n].join(",")
    ))
}

#[test]
fn throttled_answers_to_requests_sent_before_the_backoff_grew_count_as_one_step() {
    let t0 = Instant::now();
    let config = config()
        .max_request_entries(1)
        .backoff(100 * MS, Duration::from_secs(10));
    let mut p = producer(config, t0);
    for i in 0..4 {
        p.push(Record::new(format!("r{i}"), "k"), t0).unwrap();
    }
    p.flush(t0);
    let sent: Vec<_> = std::iter::from_fn(|| p.poll_transmit(t0)).collect();
    assert_eq!(sent.len(), 4, "one request per record");
    let answered = t0 + 10 * MS;
    for t in &sent {
        p.handle_response(t.id, &all_throttled(t), answered)
            .unwrap();
    }
    assert_eq!(p.stats().throttles, 4);
    // One step: the shortest backoff, 50..100 ms, not the fourth step's 400..800 ms.
    let retry = p
        .poll_transmit(answered + 100 * MS)
        .expect("a retry after the first step's backoff");
    // A request sent after that step grows the backoff again: 100..200 ms.
    let again = answered + 100 * MS;
    p.handle_response(retry.id, &all_throttled(&retry), again)
        .unwrap();
    assert!(
        p.poll_transmit(again + 99 * MS).is_none(),
        "the second step"
    );
    assert!(p.poll_transmit(again + 200 * MS).is_some());
}

#[test]
fn a_throttled_record_goes_again_when_its_shard_may_send_whatever_its_attempts() {
    let t0 = Instant::now();
    let mut p = producer(config().backoff(10 * MS, Duration::from_secs(10)), t0);
    let a = p.push(Record::new("a", "k"), t0).unwrap();
    let mut now = t0;
    // Each round the shard stores a new record (so its backoff starts from the shortest) and
    // refuses `a`, whose attempts grow: a backoff of its own would reach 160..320 ms by the
    // sixth.
    for round in 0..6 {
        p.push(Record::new(format!("b{round}"), "k"), now).unwrap();
        p.flush(now);
        let t = p
            .poll_transmit(now)
            .unwrap_or_else(|| panic!("round {round}: `a` goes within the shard's backoff"));
        let records = body(&t)["Records"].as_array().unwrap().clone();
        assert_eq!(records.len(), 2, "round {round}: `a` and the new record");
        let answer = Response::new(
            r#"{"FailedRecordCount":1,"Records":[
            {"ErrorCode":"ProvisionedThroughputExceededException","ErrorMessage":"slow down"},
            {"ShardId":"shardId-000000000001","SequenceNumber":"1"}]}"#,
        );
        p.handle_response(t.id, &answer, now).unwrap();
        now += 10 * MS;
    }
    assert_eq!(p.stats().throttles, 6);
    assert!(
        events(&mut p)
            .iter()
            .all(|e| !matches!(e, Event::Failed { id, .. } if *id == a))
    );
}

#[test]
fn a_backlogged_shard_sends_a_lingers_worth_of_tokens_per_request_not_one_per_token() {
    let t0 = Instant::now();
    // 1,000 record tokens a second: a linger of 100 ms is worth 100 records.
    let config = config().rate_limit_percent(100).linger(100 * MS);
    let mut p = producer(config, t0);
    for i in 0..1_500 {
        p.push(Record::new(format!("r{i}"), "k"), t0).unwrap();
    }
    p.flush(t0);
    let first: usize = std::iter::from_fn(|| p.poll_transmit(t0))
        .map(|t| body(&t)["Records"].as_array().unwrap().len())
        .sum();
    assert_eq!(first, 1_000, "a full bucket's worth at once");
    assert!(
        p.poll_transmit(t0 + 10 * MS).is_none(),
        "ten tokens are not yet a batch"
    );
    let at = p.poll_timeout().expect("the batch's time");
    assert!(at > t0 + 99 * MS && at <= t0 + 101 * MS, "{:?}", at - t0);
    let batch = p.poll_transmit(at).expect("a batch");
    assert_eq!(body(&batch)["Records"].as_array().unwrap().len(), 100);
}
