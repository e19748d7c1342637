//! The producer while the stream changes under it: splits, merges, distribution switches, and
//! `ordered`. One rule per test; `tests/sim` runs the same through random reshards at scale.

use std::time::{Duration, Instant};

use kinesis_proto::http::Response;
use kinesis_proto::{
    EndpointConfig, Event, Operation, Producer, ProducerConfig, Record, RecordDistribution,
    ShardMap, StreamName, Transmit,
};
use serde_json::Value;

const MAX: u128 = u128::MAX;
const HALF: u128 = 1 << 127;

fn config(shards: u32) -> ProducerConfig {
    ProducerConfig::new(StreamName::new("orders").unwrap())
        .stream_settings(1 << 20, RecordDistribution::UserPartitionKey)
        .shard_map(ShardMap::even(shards).unwrap())
}

fn producer(config: ProducerConfig, now: Instant) -> Producer {
    Producer::new(config, &EndpointConfig::new("us-east-1"), now).unwrap()
}

fn entries(t: &Transmit) -> Vec<Value> {
    let body: Value = serde_json::from_slice(t.request.body()).unwrap();
    body["Records"].as_array().unwrap().clone()
}

fn id(n: u32) -> String {
    format!("shardId-{n:012}")
}

/// A PutRecords answer: per entry, the shard that stored it, or `None` for a throttled entry.
fn answer(shards: &[Option<u32>]) -> Response<String> {
    let results: Vec<String> = (shards.iter().enumerate())
        .map(|(i, s)| match s {
            Some(n) => format!(r#"{{"ShardId":"{}","SequenceNumber":"{}"}}"#, id(*n), 100 + i),
            None => r#"{"ErrorCode":"ProvisionedThroughputExceededException","ErrorMessage":"Rate exceeded"}"#.to_owned(),
        })
        .collect();
    let failed = shards.iter().filter(|s| s.is_none()).count();
    Response::new(format!(
        r#"{{"FailedRecordCount":{failed},"Records":[{}]}}"#,
        results.join(",")
    ))
}

/// A ListShards page: (shard, parent, start, end, closed).
fn listing(shards: &[(u32, Option<u32>, u128, u128, bool)]) -> Response<String> {
    let shards: Vec<String> = (shards.iter())
        .map(|(n, parent, start, end, closed)| {
            let parent = parent.map_or(String::new(), |p| format!(r#""ParentShardId":"{}","#, id(p)));
            let ending = if *closed { r#","EndingSequenceNumber":"99""# } else { "" };
            format!(
                r#"{{"ShardId":"{}",{parent}"HashKeyRange":{{"StartingHashKey":"{start}","EndingHashKey":"{end}"}},"SequenceNumberRange":{{"StartingSequenceNumber":"1"{ending}}}}}"#,
                id(*n)
            )
        })
        .collect();
    Response::new(format!(r#"{{"Shards":[{}]}}"#, shards.join(",")))
}

fn record(data: &str, hash_key: u128) -> Record {
    Record::new(data.to_owned(), "k").with_explicit_hash_key(hash_key.to_string())
}

fn delivered(p: &mut Producer) -> Vec<(String, bool)> {
    std::iter::from_fn(|| p.poll_event())
        .filter_map(|e| match e {
            Event::Delivered {
                shard_id,
                possible_duplicate,
                ..
            } => Some((shard_id.to_string(), possible_duplicate)),
            _ => None,
        })
        .collect()
}

fn next(p: &mut Producer, now: Instant, operation: Operation) -> Transmit {
    let t = p.poll_transmit(now).expect("a request");
    assert_eq!(t.operation, operation);
    t
}

/// The next PutRecords request, leaving any control-plane call handed out before it in flight.
fn put(p: &mut Producer, now: Instant) -> Transmit {
    std::iter::from_fn(|| p.poll_transmit(now))
        .find(|t| t.operation == Operation::PutRecords)
        .expect("a PutRecords request")
}

/// Each entry stored where `route` sends its explicit hash key.
fn routed(t: &Transmit, route: impl Fn(u128) -> u32) -> Response<String> {
    let shards: Vec<Option<u32>> = (entries(t).iter())
        .map(|e| {
            Some(route(
                e["ExplicitHashKey"].as_str().unwrap().parse().unwrap(),
            ))
        })
        .collect();
    answer(&shards)
}

/// The children of a split of the whole key space at `HALF`.
fn split_child(key: u128) -> u32 {
    if key < HALF { 1 } else { 2 }
}

#[test]
fn an_aggregate_stranded_by_a_split_is_resent_whole_against_the_fresh_map() {
    let t0 = Instant::now();
    let mut p = producer(config(1), t0);
    p.push(record("low", 1), t0).unwrap();
    p.push(record("high", HALF + 1), t0).unwrap();
    p.flush(t0);
    let t = next(&mut p, t0, Operation::PutRecords);
    assert_eq!(entries(&t).len(), 1, "one aggregate for the one shard");
    // The shard split meanwhile: the aggregate landed on the child owning its first key.
    p.handle_response(t.id, &answer(&[Some(1)]), t0).unwrap();
    assert!(
        delivered(&mut p).is_empty(),
        "the other child's KCL reader would drop it"
    );
    let list = next(&mut p, t0, Operation::ListShards);
    let split = [
        (0, None, 0, MAX, true),
        (1, Some(0), 0, HALF - 1, false),
        (2, Some(0), HALF, MAX, false),
    ];
    p.handle_response(list.id, &listing(&split), t0).unwrap();
    assert_eq!(p.shard_map().unwrap().len(), 2);
    let t = next(&mut p, t0, Operation::PutRecords);
    assert_eq!(
        entries(&t).len(),
        2,
        "one record for each child, each alone"
    );
    p.handle_response(t.id, &routed(&t, split_child), t0)
        .unwrap();
    let mut got = delivered(&mut p);
    got.sort();
    assert_eq!(got, [(id(1), true), (id(2), true)]);
    let s = p.stats();
    assert_eq!(
        (s.wrong_shard, s.stranded_aggregates, s.shard_map_refreshes),
        (1, 1, 1)
    );
    assert_eq!(s.possible_duplicates, 2);
    assert!(p.is_idle());
}

#[test]
fn an_aggregate_landing_on_a_merged_shard_that_owns_all_of_it_is_delivered() {
    let t0 = Instant::now();
    let mut p = producer(config(2), t0);
    p.push(record("a", 1), t0).unwrap();
    p.push(record("b", 2), t0).unwrap();
    p.flush(t0);
    let t = next(&mut p, t0, Operation::PutRecords);
    assert_eq!(entries(&t).len(), 1);
    // The two shards merged into shard 2 meanwhile.
    p.handle_response(t.id, &answer(&[Some(2)]), t0).unwrap();
    let list = next(&mut p, t0, Operation::ListShards);
    let merged = [
        (0, None, 0, HALF - 1, true),
        (1, None, HALF, MAX, true),
        (2, Some(0), 0, MAX, false),
    ];
    p.handle_response(list.id, &listing(&merged), t0).unwrap();
    assert_eq!(delivered(&mut p), [(id(2), false), (id(2), false)]);
    assert_eq!(p.stats().stranded_aggregates, 0);
    assert_eq!(p.stats().possible_duplicates, 0);
    assert!(p.is_idle());
}

#[test]
fn records_go_alone_while_the_map_is_stale() {
    let t0 = Instant::now();
    let mut p = producer(config(1).linger(Duration::ZERO), t0);
    p.push(record("a", 1), t0).unwrap();
    let t = put(&mut p, t0);
    p.handle_response(t.id, &answer(&[Some(1)]), t0).unwrap();
    // A record sent alone is stored whole wherever it lands: delivered at once.
    assert_eq!(delivered(&mut p), [(id(1), false)]);
    let list = next(&mut p, t0, Operation::ListShards);
    for n in 0..3 {
        p.push(record("b", n), t0).unwrap();
    }
    let t = put(&mut p, t0);
    let alone = entries(&t).len();
    assert_eq!(alone, 3, "not aggregated before the map is fresh");
    p.handle_response(t.id, &routed(&t, split_child), t0)
        .unwrap();
    let split = [
        (0, None, 0, MAX, true),
        (1, Some(0), 0, HALF - 1, false),
        (2, Some(0), HALF, MAX, false),
    ];
    p.handle_response(list.id, &listing(&split), t0).unwrap();
    for n in 0..3 {
        p.push(record("c", n), t0).unwrap();
    }
    let t = put(&mut p, t0);
    assert_eq!(entries(&t).len(), 1, "aggregated again on the fresh map");
}

#[test]
fn repeated_wrong_shard_answers_check_the_distribution_and_auto_stops_aggregation() {
    let t0 = Instant::now();
    let mut p = producer(config(1).linger(Duration::ZERO), t0);
    // The service places records itself now: three answers from shards the map does not know.
    p.push(record("a", 1), t0).unwrap();
    let t = put(&mut p, t0);
    p.push(record("a", 2), t0).unwrap();
    p.push(record("a", 3), t0).unwrap();
    p.handle_response(t.id, &answer(&[Some(5)]), t0).unwrap();
    let t = put(&mut p, t0);
    p.handle_response(t.id, &answer(&[Some(5), Some(6)]), t0)
        .unwrap();
    let describe = next(&mut p, t0, Operation::DescribeStreamSummary);
    let summary = r#"{"StreamDescriptionSummary":{"StreamName":"orders",
        "StreamARN":"arn:aws:kinesis:us-east-1:123456789012:stream/orders",
        "StreamStatus":"ACTIVE","OpenShardCount":3,"RecordDistributionStrategy":"AUTO"}}"#;
    p.handle_response(describe.id, &Response::new(summary), t0)
        .unwrap();
    assert_eq!(p.record_distribution(), RecordDistribution::Auto);
    assert!(p.shard_map().is_none(), "no shard is predictable on AUTO");
    for n in 0..3 {
        p.push(Record::new("b", format!("k{n}")), t0).unwrap();
    }
    let t = put(&mut p, t0);
    let sent = entries(&t);
    assert_eq!(sent.len(), 3, "records go alone on AUTO");
    assert!(sent.iter().all(|e| e.get("ExplicitHashKey").is_none()));
}

#[test]
fn the_distribution_is_checked_again_every_five_minutes_while_records_wait() {
    let t0 = Instant::now();
    let mut p = producer(config(1).linger(Duration::ZERO), t0);
    let five_minutes = Duration::from_secs(300);
    p.push(record("a", 1), t0 + five_minutes).unwrap();
    let describe = next(&mut p, t0 + five_minutes, Operation::DescribeStreamSummary);
    let summary = r#"{"StreamDescriptionSummary":{"StreamName":"orders",
        "StreamARN":"arn:aws:kinesis:us-east-1:123456789012:stream/orders",
        "StreamStatus":"ACTIVE","OpenShardCount":1}}"#;
    p.handle_response(describe.id, &Response::new(summary), t0 + five_minutes)
        .unwrap();
    let t = next(&mut p, t0 + five_minutes, Operation::PutRecords);
    p.handle_response(t.id, &answer(&[Some(0)]), t0 + five_minutes)
        .unwrap();
    assert_eq!(p.poll_timeout(), None, "no check while nothing waits");
    let almost = t0 + 2 * five_minutes - Duration::from_millis(1);
    p.push(record("b", 1), almost).unwrap();
    let t = next(&mut p, almost, Operation::PutRecords);
    assert!(p.poll_transmit(almost).is_none());
    assert_eq!(p.poll_timeout(), Some(t0 + 2 * five_minutes));
    next(
        &mut p,
        t0 + 2 * five_minutes,
        Operation::DescribeStreamSummary,
    );
    drop(t);
}

#[test]
fn ordered_sends_one_request_per_shard_and_a_key_once_per_request() {
    let t0 = Instant::now();
    let config = config(1)
        .aggregation(false)
        .ordered(true)
        .linger(Duration::ZERO);
    let mut p = producer(config, t0);
    p.push(record("a1", 1), t0).unwrap();
    p.push(record("b1", 2), t0).unwrap();
    p.push(record("a2", 1), t0).unwrap();
    let t = next(&mut p, t0, Operation::PutRecords);
    let sent: Vec<String> = (entries(&t).iter())
        .map(|e| e["ExplicitHashKey"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        sent,
        ["1", "2"],
        "key 1's second record waits for the first"
    );
    assert!(
        p.poll_transmit(t0).is_none(),
        "one request in flight per shard"
    );
    // a1 is throttled, b1 stored: a1 goes again before a2.
    p.handle_response(t.id, &answer(&[None, Some(0)]), t0)
        .unwrap();
    assert!(p.poll_transmit(t0).is_none(), "a2 may not overtake a1");
    let retry_at = p.poll_timeout().expect("a1's backoff ends");
    let t = next(&mut p, retry_at, Operation::PutRecords);
    let data: Vec<String> = (entries(&t).iter())
        .map(|e| e["Data"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(data, ["YTE="], "a1 alone: a2 has the same key");
}

#[test]
fn an_aggregate_on_a_shard_no_listing_knows_is_resent_whole() {
    let t0 = Instant::now();
    let mut p = producer(config(1), t0);
    p.push(record("a", 1), t0).unwrap();
    p.push(record("b", 2), t0).unwrap();
    p.flush(t0);
    let t = put(&mut p, t0);
    p.handle_response(t.id, &answer(&[Some(7)]), t0).unwrap();
    let list = next(&mut p, t0, Operation::ListShards);
    // The listing does not name shard 7 (an eventually consistent answer, say).
    p.handle_response(list.id, &listing(&[(0, None, 0, MAX, false)]), t0)
        .unwrap();
    assert!(delivered(&mut p).is_empty());
    let t = put(&mut p, t0);
    assert_eq!(entries(&t).len(), 1, "re-aggregated for shard 0");
    p.handle_response(t.id, &answer(&[Some(0)]), t0).unwrap();
    assert_eq!(delivered(&mut p), [(id(0), true), (id(0), true)]);
    assert_eq!(p.stats().stranded_aggregates, 1);
}

#[test]
fn an_aggregate_stranded_twice_has_its_records_sent_alone() {
    let t0 = Instant::now();
    let mut p = producer(config(1), t0);
    p.push(record("a", 1), t0).unwrap();
    p.push(record("b", 2), t0).unwrap();
    p.flush(t0);
    let whole = [(0, None, 0, MAX, false), (9, None, 0, 0, true)];
    for round in 0..2 {
        let t = put(&mut p, t0);
        assert_eq!(entries(&t).len(), 1, "round {round}: one aggregate");
        // Stored on a closed shard owning key 0 only: the service is not routing by the keys.
        p.handle_response(t.id, &answer(&[Some(9)]), t0).unwrap();
        let list = next(&mut p, t0, Operation::ListShards);
        p.handle_response(list.id, &listing(&whole), t0).unwrap();
    }
    let t = put(&mut p, t0);
    assert_eq!(entries(&t).len(), 2, "each record alone now");
}
