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

fn hash_key(c: &mut Criterion) {
    let mut rng = Rng(1);
    let mut group = c.benchmark_group("hash_key");
    for len in [1usize, 16, 64, 256] {
        let keys = keys(len, &mut rng);
        group.throughput(Throughput::Bytes(len as u64));
        group.bench_function(BenchmarkId::new("floor_md5", len), |b| {
            let mut i = 0;
            b.iter(|| {
                i = (i + 1) % KEYS;
                let digest: [u8; 16] = Md5::digest(black_box(keys[i].as_bytes())).into();
                assert!(digest.len() == 16);
                digest
            })
        });
        group.bench_function(BenchmarkId::new("from_partition_key", len), |b| {
            let mut i = 0;
            b.iter(|| {
                i = (i + 1) % KEYS;
                HashKey::from_partition_key(black_box(&keys[i]))
            })
        });
    }
    group.finish();
}

fn shard_for(c: &mut Criterion) {
    let mut rng = Rng(2);
    let keys = keys(16, &mut rng);
    let mut group = c.benchmark_group("shard_for");
    group.throughput(Throughput::Elements(1));
    group.bench_function("floor_md5_16B", |b| {
        let mut i = 0;
        b.iter(|| {
            i = (i + 1) % KEYS;
            let digest: [u8; 16] = Md5::digest(black_box(keys[i].as_bytes())).into();
            assert!(digest.len() == 16);
            digest
        })
    });
    // The fastest MD5 here: the crate's own hashing of the same keys (the `md-5` block
    // function with the padding done in the crate), without a lookup. What `route_16B` pays on
    // top of it is the lookup alone.
    group.bench_function("floor_hash_key_16B", |b| {
        let mut i = 0;
        b.iter(|| {
            i = (i + 1) % KEYS;
            HashKey::from_partition_key(black_box(&keys[i]))
        })
    });
    for n in [1usize, 16, 1024, 10_000] {
        let map = uneven_map(n, &mut rng);
        group.bench_function(BenchmarkId::new("route_16B", n), |b| {
            let mut i = 0;
            b.iter(|| {
                i = (i + 1) % KEYS;
                let shard = black_box(&map).shard_for_partition_key(black_box(&keys[i]));
                assert!(!shard.id().is_empty());
                shard
            })
        });
    }
    group.finish();
}

criterion_group!(benches, hash_key, shard_for);
criterion_main!(benches);
