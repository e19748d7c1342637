//! KPL aggregates on a real server: user records routed with the crate's shard map, aggregated
//! per shard, put with PutRecords, read back with GetShardIterator and GetRecords, and
//! de-aggregated: every user record exactly once, on the shard its own hash key belongs to.

use std::time::Instant;

use kinesis_proto::{
    AggregatedRecord, AggregationLimits, Aggregator, Deaggregated, HashKey,
    PUT_RECORDS_LEGACY_MAX_REQUEST_SIZE, PackOptions, PutRecordsEntry, PutRecordsInput,
    deaggregate_for_shard,
};

use super::{crate_endpoint, even_stream, send_put_records, shard_map, uneven_stream};
use crate::common::*;

/// User records per stream.
const USER_RECORDS: usize = 3_000;
/// Small aggregates, so that there are many, and some records alone.
const MAX_AGGREGATE: usize = 4096;

/// One user record: its index is the start of its data, `user-<i>|`.
struct UserRecord {
    partition_key: String,
    explicit_hash_key: Option<HashKey>,
    data: Vec<u8>,
}

impl UserRecord {
    fn hash_key(&self) -> HashKey {
        self.explicit_hash_key
            .unwrap_or_else(|| HashKey::from_partition_key(&self.partition_key))
    }

    fn entry(&self) -> PutRecordsEntry<'_> {
        let entry = PutRecordsEntry::new(&self.data[..], self.partition_key.as_str());
        match self.explicit_hash_key {
            Some(h) => entry.with_hash_key(h),
            None => entry,
        }
    }
}

/// The index a record's data starts with.
fn index_of(data: &[u8]) -> usize {
    let text =
        std::str::from_utf8(&data[..data.iter().position(|&b| b == b'|').expect("an index")])
            .expect("ASCII index");
    text.strip_prefix("user-")
        .expect("a user record")
        .parse()
        .expect("a number")
}

/// Random keys (ASCII and not), every shard's first and last hash key as explicit hash keys,
/// data of 0 to 300 bytes after the index, and every 500th record larger than an aggregate, so
/// that it goes alone.
fn user_records(stream: &TestStream, seed: u64) -> Vec<UserRecord> {
    let mut rng = SplitMix64::new(seed);
    let boundaries: Vec<u128> = stream
        .open_shards()
        .iter()
        .flat_map(|s| [s.start, s.end])
        .collect();
    (0..USER_RECORDS)
        .map(|i| {
            let explicit_hash_key = (i < boundaries.len()).then(|| HashKey::new(boundaries[i]));
            let filler = if i % 500 == 7 {
                MAX_AGGREGATE + 10
            } else {
                rng.range(0, 300) as usize
            };
            let mut data = format!("user-{i}|").into_bytes();
            data.extend((0..filler).map(|j| b'a' + (j % 26) as u8));
            UserRecord {
                partition_key: random_partition_key(&mut rng),
                explicit_hash_key,
                data,
            }
        })
        .collect()
}

#[test]
#[ignore = "needs a Kinesis-compatible server: run via .ci/real-server.sh"]
fn aggregates_read_back_to_every_user_record_once_on_its_own_shard() {
    let started = Instant::now();
    let url = endpoint_from_env();
    let endpoint = crate_endpoint(&url);
    for (label, stream, seed) in [
        ("4 even shards", even_stream(&url), 0xa66_0001),
        ("split uneven shards", uneven_stream(&url), 0xa66_0002),
    ] {
        let map = shard_map(&url, &stream.name);
        let records = user_records(&stream, seed);

        // Aggregate per predicted shard, as the KPL does; a full aggregate is finished and the
        // record pushed into the next.
        let limits = AggregationLimits::default()
            .with_max_size(MAX_AGGREGATE)
            .expect("in range");
        let mut aggregators: Vec<Aggregator> =
            (0..map.len()).map(|_| Aggregator::new(limits)).collect();
        let mut out: Vec<(usize, AggregatedRecord)> = Vec::new();
        for r in &records {
            let hash_key = r.hash_key();
            let shard = map.shard_index(hash_key);
            let aggregator = &mut aggregators[shard];
            if let Err(e) = aggregator.push_with_hash_key(&r.entry(), hash_key) {
                assert!(e.is_full(), "{label}: {e}");
                out.push((shard, aggregator.finish().expect("not empty")));
                aggregator
                    .push_with_hash_key(&r.entry(), hash_key)
                    .expect("fits alone");
            }
        }
        for (shard, aggregator) in aggregators.iter_mut().enumerate() {
            out.extend(aggregator.finish().map(|a| (shard, a)));
        }
        let alone = out.iter().filter(|(_, a)| !a.is_aggregate()).count();
        assert!(
            alone >= USER_RECORDS / 500,
            "{label}: {alone} records alone"
        );

        // Put with PutRecords; each Kinesis record lands on the shard it was made for.
        let batches = PutRecordsInput::builder()
            .stream_name(stream.name.as_str())
            .max_request_size(PUT_RECORDS_LEGACY_MAX_REQUEST_SIZE)
            .pack(
                out.iter().map(|(_, a)| a.as_entry()),
                &map,
                &PackOptions::default(),
            )
            .expect("valid entries");
        let mut sent = 0;
        for (b, packed) in batches.iter().enumerate() {
            let input = packed.input();
            let stack = Stack::ALL[b % Stack::ALL.len()];
            let output = send_put_records(stack, &endpoint, input);
            assert_eq!(output.failed_record_count(), 0, "{label}: request {b}");
            for (i, result) in output.entries().iter().enumerate() {
                let (shard, _) = &out[input.original_index(i).expect("in range")];
                assert_eq!(
                    result.shard_id(),
                    Some(map.shards()[*shard].id()),
                    "{label}"
                );
            }
            sent += input.len();
        }
        assert_eq!(sent, out.len());

        // Read every shard back and de-aggregate as a KCL consumer of that shard would.
        let mut seen = vec![0usize; records.len()];
        let mut stored = 0;
        for shard in map.shards() {
            for stored_record in read_shard(&url, &stream.name, shard.id()) {
                stored += 1;
                let read = deaggregate_for_shard(&stored_record.data, &shard.hash_key_range())
                    .unwrap_or_else(|e| panic!("{label}: {}: {e}", shard.id()));
                let users: Vec<(String, Option<HashKey>, Vec<u8>)> = match read {
                    Deaggregated::Plain => {
                        vec![(
                            stored_record.partition_key.clone(),
                            None,
                            stored_record.data.clone(),
                        )]
                    }
                    Deaggregated::Aggregate(subs) => {
                        assert_eq!(stored_record.partition_key, "a", "{label}");
                        subs.map(|s| {
                            (
                                s.partition_key().to_owned(),
                                s.explicit_hash_key(),
                                s.data().to_vec(),
                            )
                        })
                        .collect()
                    }
                };
                for (partition_key, explicit_hash_key, data) in users {
                    let i = index_of(&data);
                    let r = &records[i];
                    seen[i] += 1;
                    assert_eq!(data, r.data, "{label}: user record {i}");
                    assert_eq!(partition_key, r.partition_key, "{label}: user record {i}");
                    if explicit_hash_key.is_some() {
                        assert_eq!(explicit_hash_key, r.explicit_hash_key, "{label}: {i}");
                    }
                    assert_eq!(
                        map.shard_for(r.hash_key()).id(),
                        shard.id(),
                        "{label}: user record {i} on another shard"
                    );
                }
            }
        }
        let not_once: Vec<usize> = (0..seen.len()).filter(|&i| seen[i] != 1).collect();
        assert!(
            not_once.is_empty(),
            "{label}: read other than once: {not_once:?}"
        );
        assert_eq!(stored, out.len(), "{label}: Kinesis records stored");
        println!(
            "aggregation on {label}: {USER_RECORDS} user records in {} Kinesis records ({alone} \
             alone) over {} requests, each read back once on its own shard",
            out.len(),
            batches.len()
        );
    }
    println!("aggregation: {:.1?}", started.elapsed());
}
