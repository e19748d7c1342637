//! De-aggregates arbitrary bytes: nothing panics, an aggregate's iterator yields as many
//! sub-records as it says, and whatever reads as an aggregate re-encodes and reads back the same
//! sub-records, in order.
//!
//! Input layout: one flags byte, then the bytes. With flag 1 the bytes are framed as an
//! aggregate first (the magic, the bytes, their MD5), so that the fuzzer reaches the protobuf
//! reader without forging a digest; flag 2 checks them against the shard range read from the
//! next 32 bytes.

#![no_main]

use kinesis_proto::{
    AggregationLimits, Aggregator, Deaggregated, HashKey, HashKeyRange, PutRecordsEntry,
    deaggregate, deaggregate_for_shard,
};
use libfuzzer_sys::fuzz_target;
use md5::{Digest, Md5};

const MAGIC: [u8; 4] = [0xF3, 0x89, 0x9A, 0xC2];

/// A sub-record as owned values.
type Sub = (String, Option<HashKey>, Vec<u8>, u64);

fn read(data: &[u8]) -> Option<Vec<Sub>> {
    match deaggregate(data) {
        Ok(Deaggregated::Aggregate(subs)) => {
            let len = subs.len();
            let read: Vec<Sub> = subs
                .map(|s| {
                    let sub = (
                        s.partition_key().to_owned(),
                        s.explicit_hash_key(),
                        s.data().to_vec(),
                        s.sub_sequence_number(),
                    );
                    assert_eq!(
                        s.effective_hash_key(),
                        s.explicit_hash_key()
                            .unwrap_or_else(|| HashKey::from_partition_key(s.partition_key()))
                    );
                    sub
                })
                .collect();
            assert_eq!(read.len(), len);
            assert!(read.iter().enumerate().all(|(i, s)| s.3 == i as u64));
            Some(read)
        }
        Ok(Deaggregated::Plain) | Err(_) => None,
    }
}

fuzz_target!(|input: &[u8]| {
    let Some((&flags, bytes)) = input.split_first() else {
        return;
    };
    let data = if flags & 1 != 0 {
        [&MAGIC[..], bytes, Md5::digest(bytes).as_slice()].concat()
    } else {
        bytes.to_vec()
    };
    if let Err(e) = deaggregate(&data) {
        let _ = e.to_string();
    }
    let Some(subs) = read(&data) else {
        return;
    };
    // Every sub-record is inside the whole hash key space.
    assert!(matches!(
        deaggregate_for_shard(&data, &HashKeyRange::FULL),
        Ok(Deaggregated::Aggregate(_))
    ));
    if flags & 2 != 0 {
        let mut ends = [0u8; 32];
        for (e, b) in ends.iter_mut().zip(bytes) {
            *e = *b;
        }
        let a = u128::from_be_bytes(ends[..16].try_into().unwrap());
        let b = u128::from_be_bytes(ends[16..].try_into().unwrap());
        let range = HashKeyRange::new(HashKey::new(a.min(b)), HashKey::new(a.max(b))).unwrap();
        let outside = subs.iter().position(|s| {
            let h = s.1.unwrap_or_else(|| HashKey::from_partition_key(&s.0));
            !range.contains(h)
        });
        match deaggregate_for_shard(&data, &range) {
            Ok(_) => assert_eq!(outside, None),
            Err(e) => assert_eq!(Some(e.sub_sequence_number() as usize), outside),
        }
    }
    // Re-encoded, the sub-records read back the same, unless a key is one the service refuses.
    let limits = AggregationLimits::default()
        .with_max_size(10 << 20)
        .and_then(|l| l.with_max_record_size(10 << 20))
        .unwrap();
    let mut agg = Aggregator::new(limits);
    for (key, ehk, data, _) in &subs {
        let mut entry = PutRecordsEntry::new(&data[..], key.as_str());
        if let Some(h) = ehk {
            entry = entry.with_hash_key(*h);
        }
        if agg.push(&entry).is_err() {
            return;
        }
    }
    if subs.len() >= 2 {
        let out = agg.finish().unwrap();
        assert_eq!(read(out.data()), Some(subs));
    }
});
