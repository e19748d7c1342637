//! What `ordered(true)` costs in throughput: the same records through a calm simulated stream
//! of 4 shards (answers in 2-40 ms of virtual time, the real quotas, the producer's defaults),
//! with and without order and aggregation, few keys and many. Prints records per virtual
//! second; checks that every record is delivered either way. (Order is not always slower: one
//! request at a time per shard also draws fewer over-quota refusals on a hot shard.)
//!
//! `cargo test --release -p kinesis-proto-sim --test order_cost -- --nocapture`

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use kinesis_proto::http::Response;
use kinesis_proto::{
    EndpointConfig, Event, Producer, ProducerConfig, Record, RecordDistribution, ShardMap, Stats,
    StreamName, TransmitId,
};
use kinesis_proto_sim::{Answer, FaultRates, Rng, SimKinesis};

const RECORDS: u64 = 20_000;

/// An answer on its way, with the transmit it answers.
type Due = (TransmitId, Response<Vec<u8>>);

/// Virtual time to deliver `RECORDS` records of 100 bytes over `keys` keys, all pushed at once,
/// and the producer's counters then.
fn run(ordered: bool, aggregation: bool, keys: u64) -> (Duration, Stats) {
    let mut sim = SimKinesis::new(4, FaultRates::calm(), Rng::new(7), "sim-stream");
    let base = Instant::now();
    let config = ProducerConfig::new(StreamName::new("sim-stream").expect("a name"))
        .stream_settings(1 << 20, RecordDistribution::UserPartitionKey)
        .shard_map(ShardMap::even(4).expect("4 shards"))
        .aggregation(aggregation)
        .ordered(ordered)
        .record_ttl(Duration::from_secs(3_600));
    let mut p = Producer::new(config, &EndpointConfig::new("us-east-1"), base).expect("a producer");
    for serial in 0..RECORDS {
        let mut data = serial.to_be_bytes().to_vec();
        data.resize(100, 0);
        let record = Record::new(data, format!("key-{}", serial % keys));
        p.push(record, base).expect("room");
    }
    p.close(base);
    let mut answers: BTreeMap<(Duration, u64), Due> = BTreeMap::new();
    let (mut now, mut n, mut delivered) = (Duration::ZERO, 0u64, 0u64);
    let mut wakes = 0u64;
    while !p.is_idle() {
        wakes += 1;
        assert!(wakes < 10_000_000, "stuck at {now:?}: {:?}", p.stats());
        while let Some(t) = p.poll_transmit(base + now) {
            match sim.handle(&t.request, now, p.shard_map()) {
                Answer::Respond(response, delay) => {
                    answers.insert((now + delay, n), (t.id, response));
                }
                Answer::Lost(_) => panic!("a calm stream loses nothing"),
            }
            n += 1;
        }
        delivered += delivered_now(&mut p);
        if p.is_idle() {
            break;
        }
        let answer_at = answers.keys().next().map(|k| k.0);
        let timeout = p.poll_timeout().map(|t| t.saturating_duration_since(base));
        now = match (answer_at, timeout) {
            (Some(a), Some(t)) => a.min(t),
            (a, t) => a.or(t).expect("something to wait for"),
        }
        .max(now);
        while let Some(entry) = answers.first_entry() {
            if entry.key().0 > now {
                break;
            }
            let (id, response) = entry.remove();
            p.handle_response(id, &response, base + now)
                .expect("a transmit");
        }
        p.handle_timeout(base + now);
    }
    delivered += delivered_now(&mut p);
    assert_eq!(delivered, RECORDS);
    (now, p.stats())
}

/// Counts the events waiting, all of which must be deliveries on a calm stream.
fn delivered_now(p: &mut Producer) -> u64 {
    let mut delivered = 0;
    while let Some(e) = p.poll_event() {
        match e {
            Event::Delivered { .. } => delivered += 1,
            other => panic!("{other:?}"),
        }
    }
    delivered
}

#[test]
fn ordered_and_unordered_deliver_every_record_and_their_throughput_is_printed() {
    println!(
        "| keys | aggregation | unordered | ordered | ordered / unordered | PutRecords | throttled entries |"
    );
    println!("|---|---|---|---|---|---|---|");
    for keys in [16, 1_000] {
        for aggregation in [true, false] {
            let (free, free_stats) = run(false, aggregation, keys);
            let (ordered, ordered_stats) = run(true, aggregation, keys);
            let rate = |t: Duration| RECORDS as f64 / t.as_secs_f64();
            println!(
                "| {keys} | {aggregation} | {:.0} records/s | {:.0} records/s | {:.2} | {} / {} | {} / {} |",
                rate(free),
                rate(ordered),
                rate(ordered) / rate(free),
                free_stats.put_records_requests,
                ordered_stats.put_records_requests,
                free_stats.throttles,
                ordered_stats.throttles,
            );
        }
    }
}
