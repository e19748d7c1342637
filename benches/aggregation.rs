//! KPL aggregation beside its floors: 400 records of 100 bytes with distinct 16-byte partition
//! keys, one aggregate under the default 51,200-byte limit. Aggregating is floored by the MD5 of
//! the protobuf bytes (the trailer every aggregate carries) plus one copy of the data;
//! de-aggregating, reading each sub-record's key, explicit hash key and data, by the MD5 of the
//! protobuf bytes (the check every reader makes). Bounds kept: each within 1.5x its floor.
//!
//! Run: `cargo bench --bench aggregation`, then `python3 benches/ratios.py`.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use kinesis_proto::{Aggregator, Deaggregated, PutRecordsEntry, deaggregate};
use md5::{Digest, Md5};

/// User records in the aggregate.
const RECORDS: usize = 400;
/// Bytes of data per record.
const RECORD: usize = 100;

/// The records: data borrowed from one buffer, keys `key-000000000nnn` (16 bytes).
fn records<'a>(data: &'a [u8], keys: &'a [String]) -> Vec<PutRecordsEntry<'a>> {
    data.chunks(RECORD)
        .zip(keys)
        .map(|(d, k)| PutRecordsEntry::new(d, k.as_str()))
        .collect()
}

fn aggregate_400x100b(c: &mut Criterion) {
    let data: Vec<u8> = (0..RECORDS * RECORD).map(|i| (i % 251) as u8).collect();
    let keys: Vec<String> = (0..RECORDS).map(|i| format!("key-{i:012}")).collect();
    assert!(keys.iter().all(|k| k.len() == 16));
    let entries = records(&data, &keys);
    let mut agg = Aggregator::default();
    for e in &entries {
        agg.push(e).expect("400 records fit one aggregate");
    }
    let aggregate = agg.finish().expect("an aggregate").into_data();
    let protobuf = aggregate[4..aggregate.len() - 16].to_vec();
    let digest: [u8; 16] = Md5::digest(&protobuf).into();

    let mut group = c.benchmark_group("aggregate_400x100B");
    group.throughput(Throughput::Bytes(data.len() as u64));
    group.bench_function("crate_push_and_finish", |b| {
        b.iter(|| {
            for e in black_box(&entries) {
                agg.push(e).expect("fits");
            }
            let out = agg.finish().expect("an aggregate");
            assert_eq!(out.data().len(), aggregate.len());
            out
        })
    });
    // The MD5 of the protobuf bytes, and the data copied once into a reused buffer.
    let mut copy = Vec::with_capacity(data.len());
    group.bench_function("floor_md5_and_copy", |b| {
        b.iter(|| {
            copy.clear();
            copy.extend_from_slice(black_box(&data));
            let d: [u8; 16] = Md5::digest(black_box(&protobuf)).into();
            assert!(d == digest && copy.len() == data.len());
        })
    });
    group.finish();

    let mut group = c.benchmark_group("deaggregate_400x100B");
    group.throughput(Throughput::Bytes(data.len() as u64));
    group.bench_function("crate_deaggregate_and_read", |b| {
        b.iter(|| {
            let Ok(Deaggregated::Aggregate(subs)) = deaggregate(black_box(&aggregate)) else {
                panic!("an aggregate");
            };
            let (mut n, mut bytes) = (0, 0);
            for s in subs {
                bytes += s.partition_key().len() + s.data().len();
                n += usize::from(s.explicit_hash_key().is_none());
            }
            assert_eq!((n, bytes), (RECORDS, RECORDS * (RECORD + 16)));
        })
    });
    group.bench_function("floor_md5", |b| {
        b.iter(|| {
            let d: [u8; 16] = Md5::digest(black_box(&protobuf)).into();
            assert!(d == digest);
        })
    });
    group.finish();
}

criterion_group!(benches, aggregate_400x100b);
criterion_main!(benches);
