//! Aggregates arbitrary records under arbitrary limits, starting a new aggregate whenever one is
//! full as a producer would, and checks: a refusal is exact (the aggregate kept fits, and is the
//! size predicted), every valid record ends in exactly one Kinesis record, in order, and every
//! aggregate de-aggregates back to its records.
//!
//! Input layout: two bytes of maximum size (from 64), one byte of maximum count (from 1), then
//! records until the input ends, each a header byte (has a partition key, has an explicit hash
//! key, data repeated 64 times) and three fields, each a one-byte length (cut to what is left)
//! and that many bytes: the partition key (lossily decoded as UTF-8), the explicit hash key (16
//! bytes read as an integer) and the data.

#![no_main]

use kinesis_proto::{
    AggregatePushError, AggregatedRecord, AggregationLimits, Aggregator, Deaggregated, HashKey,
    PutRecordsEntry, deaggregate,
};
use libfuzzer_sys::fuzz_target;

mod fields;
use fields::{take, text};

type Record = (String, Option<HashKey>, Vec<u8>);

fn hash_key(bytes: &[u8]) -> HashKey {
    let mut b = [0u8; 16];
    for (v, x) in b.iter_mut().zip(bytes) {
        *v = *x;
    }
    HashKey::new(u128::from_be_bytes(b))
}

fn entry(r: &Record) -> PutRecordsEntry<'_> {
    let entry = PutRecordsEntry::new(&r.2[..], r.0.as_str());
    match r.1 {
        Some(h) => entry.with_hash_key(h),
        None => entry,
    }
}

/// The records a Kinesis record carries.
fn records_of(out: &AggregatedRecord, first: &Record) -> Vec<Record> {
    if !out.is_aggregate() {
        assert_eq!(out.data(), &first.2[..]);
        assert_eq!(out.partition_key().as_str(), first.0);
        return vec![first.clone()];
    }
    assert_eq!(out.partition_key().as_str(), "a");
    let Ok(Deaggregated::Aggregate(subs)) = deaggregate(out.data()) else {
        panic!("an aggregate reads back");
    };
    subs.map(|s| {
        (
            s.partition_key().to_owned(),
            s.explicit_hash_key(),
            s.data().to_vec(),
        )
    })
    .collect()
}

fuzz_target!(|data: &[u8]| {
    let [size_hi, size_lo, count, rest @ ..] = data else {
        return;
    };
    let max_size = 64 + usize::from(u16::from_be_bytes([*size_hi, *size_lo])) * 8;
    let limits = AggregationLimits::default()
        .with_max_size(max_size)
        .and_then(|l| l.with_max_count(u32::from(*count) + 1))
        .unwrap();
    let mut rest = rest;
    let mut records: Vec<Record> = Vec::new();
    while let Some((&header, after)) = rest.split_first() {
        rest = after;
        let key = if header & 1 != 0 {
            text(take(&mut rest))
        } else {
            String::new()
        };
        let ehk = take(&mut rest);
        let ehk = (header & 2 != 0).then(|| hash_key(ehk));
        let mut payload = take(&mut rest).to_vec();
        if header & 4 != 0 {
            payload = payload.repeat(64);
        }
        records.push((key, ehk, payload));
    }

    let mut agg = Aggregator::new(limits);
    let mut accepted: Vec<Record> = Vec::new();
    let mut outputs: Vec<(AggregatedRecord, Record, HashKey)> = Vec::new();
    let mut first: Option<Record> = None;
    for r in &records {
        let before = agg.size();
        match agg.push(&entry(r)) {
            Ok(()) => {}
            Err(AggregatePushError::Invalid(_)) => {
                assert_eq!(agg.size(), before);
                continue;
            }
            Err(e @ (AggregatePushError::TooLarge { .. } | AggregatePushError::TooMany { .. })) => {
                assert!(e.is_full() && !agg.is_empty());
                assert_eq!(agg.size(), before);
                let out = agg.finish().unwrap();
                assert_eq!(out.data().len(), before);
                let f = first.take().unwrap();
                let h = f.1.unwrap_or_else(|| HashKey::from_partition_key(&f.0));
                outputs.push((out, f, h));
                agg.push(&entry(r))
                    .expect("an empty aggregator takes every valid record");
            }
            Err(e) => panic!("{e}"),
        }
        if first.is_none() {
            first = Some(r.clone());
        }
        accepted.push(r.clone());
        assert!(agg.len() <= limits.max_count());
        assert!(agg.len() == 1 || agg.size() <= limits.max_size());
    }
    if let Some(out) = agg.finish() {
        let f = first.take().unwrap();
        let h = f.1.unwrap_or_else(|| HashKey::from_partition_key(&f.0));
        outputs.push((out, f, h));
    }
    let mut read = Vec::new();
    for (out, first, hash_key) in &outputs {
        assert_eq!(out.explicit_hash_key(), *hash_key);
        let carried = records_of(out, first);
        assert_eq!(carried.len(), out.user_records() as usize);
        read.extend(carried);
    }
    assert_eq!(read, accepted);
});
