//! Shard routing through the public API: hash key vectors, inclusive boundaries, tiling errors,
//! `CreateStream`'s even split, and property tests against a linear scan.

use kinesis_proto::{
    HashKey, HashKeyRange, InvalidHashKeyRange, PutRecordInput, RecordDistribution, Shard,
    ShardMap, ShardMapError,
};
use proptest::prelude::*;

const MAX: u128 = u128::MAX;

fn range(start: u128, end: u128) -> HashKeyRange {
    HashKeyRange::new(HashKey::new(start), HashKey::new(end)).unwrap()
}

fn open(id: &str, start: u128, end: u128) -> Shard {
    Shard::new(id, range(start, end))
}

/// The index of the one shard whose range holds `key`, by scanning every shard; fails if
/// there is not exactly one.
fn linear_scan(map: &ShardMap, key: u128) -> usize {
    let mut found = None;
    for (i, shard) in map.shards().iter().enumerate() {
        if shard.hash_key_range().contains(HashKey::new(key)) {
            assert!(found.is_none(), "key {key} is in two shards");
            found = Some(i);
        }
    }
    found.unwrap_or_else(|| panic!("key {key} is in no shard"))
}

// MD5 values computed independently with Python:
// int.from_bytes(hashlib.md5(key.encode()).digest(), 'big')
const VECTORS: &[(&str, u128)] = &[
    ("abcd", 301716283811389038011477436469853762335),
    ("é", 136732923097551493579404309126273812335),
    ("日本語", 88491575051939950596574576699976684),
    ("😀", 55842721998748738903166261021950683062),
    ("Ünïcödé-κλειδί", 117579631011678562614280931019502869609),
    ("customer-42", 273230869323448032740578469245923174832),
    ("", 281949768489412648962353822266799178366),
];

#[test]
fn partition_key_hash_vectors() {
    for &(key, expected) in VECTORS {
        assert_eq!(HashKey::from_partition_key(key).get(), expected, "{key:?}");
    }
    let long = "a".repeat(256);
    assert_eq!(
        HashKey::from_partition_key(&long).get(),
        171556711552603490594287570722045564601
    );
}

#[test]
fn partition_keys_route_by_their_md5_on_an_even_map() {
    let map = ShardMap::even(3).unwrap();
    // Shard 0 ends at 113427455640312821154458202477256070484, shard 1 at
    // 226854911280625642308916404954512140969.
    assert_eq!(
        map.shard_for_partition_key("abcd").id(),
        "shardId-000000000002"
    );
    assert_eq!(
        map.shard_for_partition_key("é").id(),
        "shardId-000000000001"
    );
    assert_eq!(
        map.shard_for_partition_key("日本語").id(),
        "shardId-000000000000"
    );
    assert_eq!(
        map.shard_for_partition_key("😀").id(),
        "shardId-000000000000"
    );
    assert_eq!(
        map.shard_for_partition_key("Ünïcödé-κλειδί").id(),
        "shardId-000000000001"
    );
}

#[test]
fn even_split_of_three_matches_create_stream() {
    let map = ShardMap::even(3).unwrap();
    let got: Vec<(u128, u128)> = map
        .shards()
        .iter()
        .map(|s| {
            (
                s.hash_key_range().start().get(),
                s.hash_key_range().end().get(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (0, 113427455640312821154458202477256070484),
            (
                113427455640312821154458202477256070485,
                226854911280625642308916404954512140969
            ),
            (226854911280625642308916404954512140970, MAX),
        ]
    );
}

#[test]
fn even_two_splits_exactly_at_two_to_the_127() {
    let map = ShardMap::even(2).unwrap();
    let s = map.shards();
    assert_eq!(s.len(), 2);
    assert_eq!(s[0].hash_key_range(), range(0, (1 << 127) - 1));
    assert_eq!(
        s[1].hash_key_range().start().get(),
        170141183460469231731687303715884105728
    );
    assert_eq!(s[1].hash_key_range().end(), HashKey::MAX);
    assert_eq!(
        map.shard_for(HashKey::new((1 << 127) - 1)).id(),
        "shardId-000000000000"
    );
    assert_eq!(
        map.shard_for(HashKey::new(1 << 127)).id(),
        "shardId-000000000001"
    );
}

#[test]
fn even_one_is_the_whole_space_and_zero_is_an_error() {
    let map = ShardMap::even(1).unwrap();
    assert_eq!(map.len(), 1);
    assert_eq!(map.shards()[0].id(), "shardId-000000000000");
    assert_eq!(map.shards()[0].hash_key_range(), HashKeyRange::FULL);
    assert_eq!(map.shard_for(HashKey::MAX).id(), "shardId-000000000000");
    assert_eq!(ShardMap::even(0).unwrap_err(), ShardMapError::Empty);
}

#[test]
fn even_ids_have_twelve_digits() {
    let map = ShardMap::even(12).unwrap();
    assert_eq!(map.shards()[11].id(), "shardId-000000000011");
}

fn uneven_map() -> ShardMap {
    // Given out of order, with a closed shard overlapping the others.
    ShardMap::new([
        open("c", 1000, MAX - 1),
        open("a", 0, 0),
        Shard::new("old", range(0, MAX)).with_ending_sequence_number("4959"),
        open("b", 1, 999),
        open("d", MAX, MAX),
    ])
    .unwrap()
}

#[test]
fn uneven_ranges_route_with_inclusive_boundaries() {
    let map = uneven_map();
    let ids: Vec<&str> = map.shards().iter().map(Shard::id).collect();
    assert_eq!(ids, ["a", "b", "c", "d"]);
    for (i, shard) in map.shards().iter().enumerate() {
        let r = shard.hash_key_range();
        for key in [r.start().get(), r.end().get()] {
            assert_eq!(map.shard_for(HashKey::new(key)).id(), shard.id());
            assert_eq!(map.shard_index(HashKey::new(key)), i);
        }
        if let Some(before) = r.start().get().checked_sub(1) {
            assert_eq!(map.shard_index(HashKey::new(before)), i - 1);
        }
        if let Some(after) = r.end().get().checked_add(1) {
            assert_eq!(map.shard_index(HashKey::new(after)), i + 1);
        }
    }
}

#[test]
fn closed_shards_are_dropped() {
    let map = uneven_map();
    assert_eq!(map.len(), 4);
    assert!(!map.is_empty());
    assert!(map.shards().iter().all(Shard::is_open));
}

#[test]
fn shard_keeps_parents_and_sequence_numbers() {
    let s = Shard::new("shardId-000000000003", range(5, 9))
        .with_parent_shard_id("shardId-000000000001")
        .with_adjacent_parent_shard_id("shardId-000000000002")
        .with_starting_sequence_number("4960");
    assert!(s.is_open());
    assert_eq!(s.parent_shard_id(), Some("shardId-000000000001"));
    assert_eq!(s.adjacent_parent_shard_id(), Some("shardId-000000000002"));
    assert_eq!(s.starting_sequence_number(), Some("4960"));
    assert_eq!(s.ending_sequence_number(), None);
    let closed = s.with_ending_sequence_number("4970");
    assert!(!closed.is_open());
    assert_eq!(closed.ending_sequence_number(), Some("4970"));
}

#[test]
fn hash_key_range_is_inclusive_and_ordered() {
    let r = range(7, 7);
    assert!(r.contains(HashKey::new(7)));
    assert!(!r.contains(HashKey::new(6)) && !r.contains(HashKey::new(8)));
    assert_eq!(
        HashKeyRange::new(HashKey::new(8), HashKey::new(7)),
        Err(InvalidHashKeyRange {
            start: HashKey::new(8),
            end: HashKey::new(7)
        })
    );
    assert!(HashKeyRange::FULL.contains(HashKey::MIN) && HashKeyRange::FULL.contains(HashKey::MAX));
    assert_eq!(range(1, 2).to_string(), "[1, 2]");
}

#[test]
fn a_gap_names_both_shards_and_the_missing_keys() {
    let err = ShardMap::new([open("a", 0, 99), open("b", 150, MAX)]).unwrap_err();
    assert_eq!(
        err,
        ShardMapError::Gap {
            after_shard: "a".into(),
            before_shard: "b".into(),
            first_missing: HashKey::new(100),
            last_missing: HashKey::new(149),
        }
    );
    assert_eq!(
        err.to_string(),
        "no open shard covers hash keys 100 to 149, between a and b"
    );
}

#[test]
fn an_overlap_names_both_shards_and_the_shared_keys() {
    let err = ShardMap::new([open("b", 90, MAX), open("a", 0, 99)]).unwrap_err();
    assert_eq!(
        err,
        ShardMapError::Overlap {
            first_shard: "a".into(),
            second_shard: "b".into(),
            first_overlapping: HashKey::new(90),
            last_overlapping: HashKey::new(99),
        }
    );
    // A shard inside another one: the overlap is the inner range.
    let err = ShardMap::new([open("outer", 0, MAX), open("inner", 5, 6)]).unwrap_err();
    assert_eq!(
        err,
        ShardMapError::Overlap {
            first_shard: "outer".into(),
            second_shard: "inner".into(),
            first_overlapping: HashKey::new(5),
            last_overlapping: HashKey::new(6),
        }
    );
    // Two open shards ending at the maximum.
    assert!(matches!(
        ShardMap::new([open("a", 0, MAX), open("b", MAX, MAX)]),
        Err(ShardMapError::Overlap { .. })
    ));
}

#[test]
fn ends_of_the_space_must_be_covered() {
    assert_eq!(
        ShardMap::new([open("a", 1, MAX)]).unwrap_err(),
        ShardMapError::DoesNotStartAtZero {
            shard_id: "a".into(),
            start: HashKey::new(1)
        }
    );
    assert_eq!(
        ShardMap::new([open("a", 0, 5), open("b", 6, MAX - 1)]).unwrap_err(),
        ShardMapError::DoesNotEndAtMax {
            shard_id: "b".into(),
            end: HashKey::new(MAX - 1)
        }
    );
}

#[test]
fn empty_and_all_closed_and_duplicates_are_rejected() {
    assert_eq!(ShardMap::new([]).unwrap_err(), ShardMapError::Empty);
    let closed = Shard::new("a", HashKeyRange::FULL).with_ending_sequence_number("1");
    assert_eq!(
        ShardMap::new([closed.clone()]).unwrap_err(),
        ShardMapError::Empty
    );
    assert_eq!(
        ShardMap::new([closed, open("a", 0, MAX)]).unwrap_err(),
        ShardMapError::DuplicateShardId {
            shard_id: "a".into()
        }
    );
}

#[test]
fn shard_for_input_uses_the_explicit_hash_key_first() {
    let map = ShardMap::even(2).unwrap();
    let by_key = PutRecordInput::builder()
        .stream_name("s")
        .partition_key("日本語")
        .data(Vec::new())
        .build()
        .unwrap();
    assert_eq!(
        map.shard_for_input(&by_key).unwrap().id(),
        "shardId-000000000000"
    );
    let explicit = PutRecordInput::builder()
        .stream_name("s")
        .partition_key("日本語")
        .explicit_hash_key(HashKey::MAX)
        .data(Vec::new())
        .build()
        .unwrap();
    assert_eq!(
        map.shard_for_input(&explicit).unwrap().id(),
        "shardId-000000000001"
    );
    let auto = PutRecordInput::builder()
        .stream_name("s")
        .record_distribution(RecordDistribution::Auto)
        .data(Vec::new())
        .build()
        .unwrap();
    assert!(map.shard_for_input(&auto).is_none());
}

/// floor(2^128 / n), computed as 2 * floor(2^127 / n) + floor(2 * (2^127 mod n) / n).
fn floor_two_pow_128_over(n: u128) -> Option<u128> {
    if n == 1 {
        return None;
    }
    let half = 1u128 << 127;
    Some(2 * (half / n) + (2 * (half % n)) / n)
}

fn check_even(n: u32) {
    let map = ShardMap::even(n).unwrap();
    assert_eq!(map.len(), n as usize);
    // Rebuilding checks the tiling independently of `even`.
    let rebuilt = ShardMap::new(map.shards().to_vec()).unwrap();
    assert_eq!(rebuilt, map);
    match floor_two_pow_128_over(u128::from(n)) {
        None => assert_eq!(map.shards()[0].hash_key_range(), HashKeyRange::FULL),
        Some(h) => {
            for i in [0, 1, n as usize / 2, n as usize - 1] {
                let s = &map.shards()[i];
                assert_eq!(s.id(), format!("shardId-{i:012}"));
                assert_eq!(s.hash_key_range().start().get(), h * i as u128);
                let end = if i + 1 == n as usize {
                    MAX
                } else {
                    h * (i as u128 + 1) - 1
                };
                assert_eq!(s.hash_key_range().end().get(), end);
            }
        }
    }
}

#[test]
fn even_tiles_for_big_counts() {
    for n in [1, 2, 3, 64, 1000, 65_536, 99_999, 100_000] {
        check_even(n);
    }
}

#[test]
fn even_tiles_for_every_small_count() {
    for n in 1..=300 {
        check_even(n);
    }
}

/// A valid map from random cut points; some cuts are clustered near 0 so that many shards share
/// one bucket of the lookup table.
fn arb_map(max_shards: usize) -> impl Strategy<Value = ShardMap> {
    (
        prop::collection::vec(any::<u128>(), 0..max_shards),
        prop::collection::vec(0u128..4096, 0..64),
    )
        .prop_map(|(mut cuts, small)| {
            cuts.extend(small);
            cuts.retain(|&c| c != 0);
            cuts.sort_unstable();
            cuts.dedup();
            let mut shards = Vec::with_capacity(cuts.len() + 1);
            let mut start = 0u128;
            for (i, &cut) in cuts.iter().enumerate() {
                shards.push(open(&format!("shard-{i}"), start, cut - 1));
                start = cut;
            }
            shards.push(open("last", start, MAX));
            // Shuffle-ish: reverse, so construction has to sort.
            shards.reverse();
            ShardMap::new(shards).unwrap()
        })
}

fn check_search(
    map: &ShardMap,
    keys: Vec<u128>,
    picks: Vec<prop::sample::Index>,
) -> Result<(), TestCaseError> {
    let mut all = keys;
    for p in picks {
        let r = map.shards()[p.index(map.len())].hash_key_range();
        all.extend([r.start().get(), r.end().get()]);
        all.extend(r.start().get().checked_sub(1));
        all.extend(r.end().get().checked_add(1));
    }
    all.extend([0, 1, MAX, MAX - 1, 1 << 127, 4095, 4096]);
    for key in all {
        let i = linear_scan(map, key);
        prop_assert_eq!(map.shard_index(HashKey::new(key)), i);
        prop_assert_eq!(map.shard_for(HashKey::new(key)), &map.shards()[i]);
    }
    Ok(())
}

proptest! {
    // Maps of up to 10,000 shards are slow to scan linearly in a debug build: few cases.
    #![proptest_config(ProptestConfig::with_cases(6))]

    #[test]
    fn search_equals_linear_scan_on_big_maps(
        map in arb_map(10_000),
        keys in prop::collection::vec(any::<u128>(), 16),
        picks in prop::collection::vec(any::<prop::sample::Index>(), 8),
    ) {
        check_search(&map, keys, picks)?;
    }

    #[test]
    fn even_tiles_exactly(n in 1u32..=100_000) {
        check_even(n);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn search_equals_linear_scan(
        map in arb_map(300),
        keys in prop::collection::vec(any::<u128>(), 16),
        picks in prop::collection::vec(any::<prop::sample::Index>(), 8),
    ) {
        check_search(&map, keys, picks)?;
    }

    #[test]
    fn every_key_lands_in_exactly_one_shard(map in arb_map(64), key in any::<u128>()) {
        let shard = map.shard_for(HashKey::new(key));
        prop_assert!(shard.hash_key_range().contains(HashKey::new(key)));
        let holders = map
            .shards()
            .iter()
            .filter(|s| s.hash_key_range().contains(HashKey::new(key)))
            .count();
        prop_assert_eq!(holders, 1);
    }

    #[test]
    fn partition_keys_land_in_their_hash_range(map in arb_map(256), key in "\\PC{1,64}") {
        let shard = map.shard_for_partition_key(&key);
        prop_assert!(shard.hash_key_range().contains(HashKey::from_partition_key(&key)));
    }
}
