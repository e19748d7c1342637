//! Routing never panics: arbitrary partition keys, arbitrary shard lists (a map that builds
//! routes every key as a linear scan does), and arbitrary ListShards bodies.

#![no_main]

use kinesis_proto::{HashKey, HashKeyRange, Shard, ShardMap, parse_list_shards_response};
use libfuzzer_sys::fuzz_target;

fn u128_at(data: &[u8], at: usize) -> u128 {
    let mut b = [0u8; 16];
    for (i, v) in b.iter_mut().enumerate() {
        *v = data.get(at + i).copied().unwrap_or(0);
    }
    u128::from_be_bytes(b)
}

/// The map must send every key to the one open shard whose range holds it.
fn check_routes(map: &ShardMap, keys: impl IntoIterator<Item = u128>) {
    assert!(!map.is_empty());
    for key in keys {
        let holders: Vec<usize> = (0..map.len())
            .filter(|&i| map.shards()[i].hash_key_range().contains(HashKey::new(key)))
            .collect();
        assert_eq!(holders.len(), 1, "key {key}");
        assert_eq!(map.shard_index(HashKey::new(key)), holders[0]);
        assert_eq!(map.shard_for(HashKey::new(key)), &map.shards()[holders[0]]);
    }
}

/// Probe keys: each shard's ends and their neighbours, and keys read from the input.
fn probes(map: &ShardMap, data: &[u8]) -> Vec<u128> {
    let mut keys = vec![0, u128::MAX];
    for s in map.shards() {
        let r = s.hash_key_range();
        keys.extend([r.start().get(), r.end().get()]);
        keys.extend(r.start().get().checked_sub(1));
        keys.extend(r.end().get().checked_add(1));
    }
    keys.extend(data.chunks(16).map(|c| u128_at(c, 0)));
    keys
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    match mode % 4 {
        // A partition key on an even map of 1 to 256 shards.
        0 => {
            let n = u32::from(rest.first().copied().unwrap_or(0)) + 1;
            let map = ShardMap::even(n).expect("n >= 1");
            let key = String::from_utf8_lossy(rest.get(1..).unwrap_or_default());
            let shard = map.shard_for_partition_key(&key);
            assert!(
                shard
                    .hash_key_range()
                    .contains(HashKey::from_partition_key(&key))
            );
            check_routes(&map, [HashKey::from_partition_key(&key).get()]);
        }
        // Arbitrary ranges: 33 bytes each (flags, start, end).
        1 => {
            let shards: Vec<Shard> = rest
                .chunks(33)
                .enumerate()
                .filter_map(|(i, c)| {
                    let flags = c[0];
                    let range = HashKeyRange::new(
                        HashKey::new(u128_at(c, 1)),
                        HashKey::new(u128_at(c, 17)),
                    )
                    .ok()?;
                    // Low bits pick the id so that duplicates happen.
                    let id = if flags & 1 == 0 {
                        format!("s{i}")
                    } else {
                        format!("s{}", flags >> 4)
                    };
                    let shard = Shard::new(id, range);
                    Some(if flags & 2 == 0 {
                        shard
                    } else {
                        shard.with_ending_sequence_number("1")
                    })
                })
                .collect();
            match ShardMap::new(shards) {
                Ok(map) => check_routes(&map, probes(&map, rest)),
                Err(e) => {
                    let _ = e.to_string();
                }
            }
        }
        // Cut points: always a valid map, often with many shards per bucket.
        2 => {
            let mut cuts: Vec<u128> = rest
                .chunks(16)
                .map(|c| u128_at(c, 0) >> (c[0] % 128))
                .filter(|&c| c != 0)
                .collect();
            cuts.sort_unstable();
            cuts.dedup();
            let mut shards = Vec::new();
            let mut start = 0u128;
            for (i, &cut) in cuts.iter().enumerate() {
                let r =
                    HashKeyRange::new(HashKey::new(start), HashKey::new(cut - 1)).expect("sorted");
                shards.push(Shard::new(format!("s{i}"), r));
                start = cut;
            }
            let r = HashKeyRange::new(HashKey::new(start), HashKey::MAX).expect("ends at max");
            shards.push(Shard::new("last", r));
            shards.reverse();
            let map = ShardMap::new(shards).expect("cut points tile the space");
            check_routes(&map, probes(&map, rest));
        }
        // A ListShards body.
        _ => {
            let response = http::Response::new(rest);
            if let Ok(page) = parse_list_shards_response(&response) {
                for s in page.shards() {
                    let r = s.hash_key_range();
                    assert!(r.start() <= r.end());
                }
            }
            match ShardMap::from_list_shards_response(&response) {
                Ok(map) => check_routes(&map, probes(&map, &[])),
                Err(e) => {
                    let _ = e.to_string();
                }
            }
        }
    }
});
