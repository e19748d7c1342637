//! Routing cost: hashing a partition key and finding its shard, each beside a bare MD5 of the
//! same bytes, which is the floor any router pays.
//!
//! Keys cycle through 1,024 precomputed values so that branch prediction and caches see a
//! realistic mix; maps have uneven, pseudo-random ranges.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use kinesis_proto::{HashKey, HashKeyRange, Shard, ShardMap};
use md5::{Digest, Md5};

const KEYS: usize = 1024;

/// splitmix64: a small deterministic generator, so every run measures the same maps and keys.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn next_u128(&mut self) -> u128 {
        (u128::from(self.next_u64()) << 64) | u128::from(self.next_u64())
    }
}

/// `KEYS` distinct printable keys of `len` bytes.
fn keys(len: usize, rng: &mut Rng) -> Vec<String> {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    (0..KEYS)
        .map(|_| {
            (0..len)
                .map(|_| char::from(ALPHABET[(rng.next_u64() % 64) as usize]))
                .collect()
        })
        .collect()
}

/// A map of `n` open shards with uneven ranges: random cut points over the whole key space.
fn uneven_map(n: usize, rng: &mut Rng) -> ShardMap {
    let mut cuts: Vec<u128> = Vec::with_capacity(n);
    while cuts.len() + 1 < n {
        let c = rng.next_u128();
        if c != 0 && !cuts.contains(&c) {
            cuts.push(c);
        }
    }
    cuts.sort_unstable();
    let mut shards = Vec::with_capacity(n);
    let mut start = 0u128;
    for (i, &cut) in cuts.iter().chain([&0]).enumerate() {
        let end = if i + 1 == n { u128::MAX } else { cut - 1 };
        let range = HashKeyRange::new(HashKey::new(start), HashKey::new(end)).expect("sorted cuts");
        shards.push(Shard::new(format!("shardId-{i:012}"), range));
        start = cut;
    }
    ShardMap::new(shards).expect("the cuts tile the key space")
}

/// The MD5 digest of each key, computed outside the timed loops so that they can check
/// their results with one comparison.
fn digests(keys: &[String]) -> Vec<[u8; 16]> {
    keys.iter()
        .map(|k| Md5::digest(k.as_bytes()).into())
        .collect()
}

/// The timed floor: `Md5::digest` of the `i`-th key, checked against its precomputed digest.
fn floor_md5(b: &mut criterion::Bencher<'_>, keys: &[String], expected: &[[u8; 16]]) {
    let mut i = 0;
    b.iter(|| {
        i = (i + 1) % KEYS;
        let digest: [u8; 16] = Md5::digest(black_box(keys[i].as_bytes())).into();
        assert!(digest == expected[i]);
        digest
    })
}

fn hash_key(c: &mut Criterion) {
    let mut rng = Rng(1);
    let mut group = c.benchmark_group("hash_key");
    for len in [1usize, 16, 64, 256] {
        let keys = keys(len, &mut rng);
        let expected = digests(&keys);
        group.throughput(Throughput::Bytes(len as u64));
        group.bench_function(BenchmarkId::new("floor_md5", len), |b| {
            floor_md5(b, &keys, &expected)
        });
        group.bench_function(BenchmarkId::new("from_partition_key", len), |b| {
            let mut i = 0;
            b.iter(|| {
                i = (i + 1) % KEYS;
                let key = HashKey::from_partition_key(black_box(&keys[i]));
                assert!(key.get() == u128::from_be_bytes(expected[i]));
                key
            })
        });
    }
    group.finish();
}

fn shard_for(c: &mut Criterion) {
    let mut rng = Rng(2);
    let keys = keys(16, &mut rng);
    let expected = digests(&keys);
    let mut group = c.benchmark_group("shard_for");
    group.throughput(Throughput::Elements(1));
    group.bench_function("floor_md5_16B", |b| floor_md5(b, &keys, &expected));
    for n in [1usize, 16, 1024, 10_000] {
        let map = uneven_map(n, &mut rng);
        // Each key's shard, found outside the timed loop by the hash key's range.
        let homes: Vec<usize> = expected
            .iter()
            .map(|d| {
                let key = HashKey::new(u128::from_be_bytes(*d));
                map.shards()
                    .iter()
                    .position(|s| s.hash_key_range().contains(key))
                    .expect("the map covers every key")
            })
            .collect();
        group.bench_function(BenchmarkId::new("route_16B", n), |b| {
            let mut i = 0;
            b.iter(|| {
                i = (i + 1) % KEYS;
                let shard = black_box(&map).shard_for_partition_key(black_box(&keys[i]));
                assert!(std::ptr::eq(shard, &map.shards()[homes[i]]));
                shard
            })
        });
    }
    group.finish();
}

criterion_group!(benches, hash_key, shard_for);
criterion_main!(benches);
