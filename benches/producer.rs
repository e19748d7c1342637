//! A user record through the producer beside its floor: 4,000 records of 100 bytes with 16-byte
//! partition keys on a 4-shard stream, aggregation on, through push → poll_transmit →
//! handle_response (a canned success) → poll_event, unsigned. The floor is what DESIGN.md
//! counts for a record: the MD5 of its key (routing), its share of the MD5 of the aggregates'
//! protobuf bytes (their trailers), its share of base64 of the request bodies' data. Bound kept:
//! within 2x the floor.
//!
//! Run: `cargo bench -p kinesis-proto-benches --bench producer`, then `python3 benches/ratios.py`.

use std::collections::HashMap;
use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use kinesis_proto::{
    Deaggregated, EndpointConfig, Event, Operation, Producer, ProducerConfig, Record,
    RecordDistribution, ShardMap, StreamName, deaggregate, http,
};
use md5::{Digest, Md5};

const RECORDS: usize = 4_000;
const RECORD: usize = 100;

fn producer(now: Instant) -> Producer {
    let config = ProducerConfig::new(StreamName::new("bench").expect("a name"))
        .stream_settings(1 << 20, RecordDistribution::UserPartitionKey)
        .shard_map(ShardMap::even(4).expect("4 shards"));
    Producer::new(config, &EndpointConfig::new("us-east-1"), now).expect("a producer")
}

/// A success for every entry of a request `body`, each stored on the shard its explicit hash
/// key routes to (as the service does).
fn success(body: &[u8], map: &ShardMap) -> http::Response<Vec<u8>> {
    let body: serde_json::Value = serde_json::from_slice(body).expect("JSON");
    let results: Vec<String> = (body["Records"].as_array().expect("entries").iter())
        .map(|e| {
            let key = e["ExplicitHashKey"].as_str().expect("a hash key");
            let shard = map.shard_for(key.parse().expect("a hash key")).id();
            format!(
                r#"{{"SequenceNumber":"49590338271490256608559692538361571095921575989136588898","ShardId":"{shard}"}}"#
            )
        })
        .collect();
    let body = format!(
        r#"{{"FailedRecordCount":0,"Records":[{}]}}"#,
        results.join(",")
    );
    http::Response::new(body.into_bytes())
}

/// The stream's summary, for the settings check every 300 s.
const SUMMARY: &str = r#"{"StreamDescriptionSummary":{"StreamName":"bench",
    "StreamARN":"arn:aws:kinesis:us-east-1:123456789012:stream/bench",
    "StreamStatus":"ACTIVE","OpenShardCount":4}}"#;

/// The canned answers, by the body's length and its first and last bytes: a request's entries
/// and their order follow from the producer's state, and a long-lived producer cycles through
/// a few request shapes (its round-robin start moves each round; the first entry's data, an
/// aggregate's key table, tells its shard). Learnt on a miss (in warm-up).
type Answers = HashMap<(usize, Vec<u8>, Vec<u8>), http::Response<Vec<u8>>>;

/// What tells a request's shape apart, read without parsing the body.
fn shape(body: &[u8]) -> (usize, Vec<u8>, Vec<u8>) {
    let ends = 160.min(body.len());
    let (head, tail) = (&body[..ends], &body[body.len() - ends..]);
    (body.len(), head.to_vec(), tail.to_vec())
}

/// Pushes every record into `p` at `now`, sends every request and answers it with a success
/// for each of its entries on the shard it was sent to. Returns the delivered count and, when
/// `keep` is set, the bodies.
fn run(
    p: &mut Producer,
    now: Instant,
    records: Vec<Record>,
    answers: &mut Answers,
    keep: bool,
) -> (usize, Vec<Vec<u8>>) {
    for r in records {
        p.push(r, now).expect("room for every record");
    }
    p.flush(now);
    let mut bodies = Vec::new();
    let mut delivered = 0;
    while let Some(t) = p.poll_transmit(now) {
        if t.operation == Operation::DescribeStreamSummary {
            // The check every 300 s a long-lived producer makes.
            p.handle_response(t.id, &http::Response::new(SUMMARY), now)
                .expect("a transmit");
            continue;
        }
        let key = shape(t.request.body());
        let answer = answers
            .entry(key)
            .or_insert_with(|| success(t.request.body(), &ShardMap::even(4).expect("4 shards")));
        p.handle_response(t.id, answer, now).expect("a transmit");
        if keep {
            bodies.push(t.request.into_body());
        }
        while let Some(e) = p.poll_event() {
            delivered += usize::from(matches!(e, Event::Delivered { .. }));
        }
    }
    (delivered, bodies)
}

fn producer_4000x100b(c: &mut Criterion) {
    let keys: Vec<String> = (0..RECORDS).map(|i| format!("key-{i:012}")).collect();
    let records: Vec<Record> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| Record::new(vec![(i % 251) as u8; RECORD], k.clone()))
        .collect();
    let mut answers = Answers::new();
    // One producer for every round, as a real one lives; each round is 10 s later, so that the
    // shards' token buckets are full again.
    let mut now = Instant::now();
    let mut p = producer(now);
    let (delivered, bodies) = run(&mut p, now, records.clone(), &mut answers, true);
    assert_eq!(delivered, RECORDS);

    // The floor's inputs, from what the producer sent: each aggregate's protobuf bytes, and the
    // base64 input (every entry's data).
    let mut protobufs = Vec::new();
    let mut data = Vec::new();
    for body in &bodies {
        let v: serde_json::Value = serde_json::from_slice(body).expect("JSON");
        for e in v["Records"].as_array().expect("entries") {
            let d = base64_decode(e["Data"].as_str().expect("data"));
            if let Ok(Deaggregated::Aggregate(_)) = deaggregate(&d) {
                protobufs.push(d[4..d.len() - 16].to_vec());
            }
            data.extend_from_slice(&d);
        }
    }
    assert!(!protobufs.is_empty(), "aggregated");
    let mut encoded = vec![0u8; data.len().div_ceil(3) * 4];

    let mut group = c.benchmark_group("producer_4000x100B");
    group.throughput(Throughput::Elements(RECORDS as u64));
    group.bench_function("crate_push_to_delivered", |b| {
        b.iter_batched(
            || records.clone(),
            |records| {
                now += Duration::from_secs(10);
                let (delivered, _) = run(&mut p, now, records, &mut answers, false);
                assert_eq!(delivered, RECORDS);
            },
            BatchSize::LargeInput,
        )
    });
    group.bench_function("floor_md5_keys_md5_protobufs_base64", |b| {
        b.iter(|| {
            let mut x = 0u8;
            for k in black_box(&keys) {
                x ^= Md5::digest(k.as_bytes())[0];
            }
            for p in black_box(&protobufs) {
                x ^= Md5::digest(p)[0];
            }
            let out = base64_simd::STANDARD
                .encode(black_box(&data), base64_simd::Out::from_slice(&mut encoded));
            black_box((x, out.len()))
        })
    });
    group.finish();
}

fn base64_decode(text: &str) -> Vec<u8> {
    base64_simd::STANDARD.decode_to_vec(text).expect("base64")
}

criterion_group!(benches, producer_4000x100b);
criterion_main!(benches);
