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
        "no open shard covers hash keys 100 to 149, between \"a\" and \"b\""
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

// ---------------------------------------------------------------------------------------------
// ListShards

mod list_shards {
    use super::*;
    use kinesis_proto::{
        Endpoint, Field, InvalidInput, LIST_SHARDS_TARGET, LengthUnit, ListShardsError,
        ListShardsInput, Rule, ShardFilter, ShardFilterType, ShardMapBuilder, StreamArn,
        parse_list_shards_response,
    };
    use std::time::{Duration, UNIX_EPOCH};

    const THREE_TWO_126: u128 = 255211775190703847597530955573826158592;
    const ARN: &str = "arn:aws:kinesis:us-east-1:123456789012:stream/orders";

    fn fixture(name: &str) -> http::Response<Vec<u8>> {
        let path = format!(
            "{}/tests/data/list_shards/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        let body = std::fs::read(&path).unwrap();
        http::Response::builder()
            .status(200)
            .header("x-amzn-RequestId", "c1b2a3")
            .body(body)
            .unwrap()
    }

    fn ok(body: &str) -> http::Response<&str> {
        http::Response::new(body)
    }

    /// The member an input error names and the rule it says was broken.
    fn broken(e: InvalidInput) -> (&'static str, Rule) {
        (e.field(), e.rule().clone())
    }

    fn body(input: &ListShardsInput) -> String {
        let endpoint = Endpoint::regional("us-east-1").unwrap();
        String::from_utf8(input.to_http_request(&endpoint).into_body()).unwrap()
    }

    #[test]
    fn resharded_stream_keeps_only_the_open_children() {
        let response = fixture("resharded.json");
        let page = parse_list_shards_response(&response).unwrap();
        assert_eq!(page.shards().len(), 6);
        assert_eq!(page.next_token(), None);
        assert_eq!(page.request_id(), Some("c1b2a3"));
        let closed: Vec<&str> = page
            .shards()
            .iter()
            .filter(|s| !s.is_open())
            .map(Shard::id)
            .collect();
        assert_eq!(
            closed,
            [
                "shardId-000000000000",
                "shardId-000000000001",
                "shardId-000000000002",
                "shardId-000000000003"
            ]
        );

        let map = ShardMap::from_list_shards_response(&response).unwrap();
        let ids: Vec<&str> = map.shards().iter().map(Shard::id).collect();
        assert_eq!(ids, ["shardId-000000000005", "shardId-000000000004"]);
        let merged = &map.shards()[0];
        assert_eq!(merged.hash_key_range(), range(0, THREE_TWO_126 - 1));
        assert_eq!(merged.parent_shard_id(), Some("shardId-000000000001"));
        assert_eq!(
            merged.adjacent_parent_shard_id(),
            Some("shardId-000000000003")
        );
        assert_eq!(
            merged.starting_sequence_number(),
            Some("49590338324662146960853331429208151563315398951218528338")
        );
        for (key, id) in [
            (0, "shardId-000000000005"),
            (THREE_TWO_126 - 1, "shardId-000000000005"),
            (THREE_TWO_126, "shardId-000000000004"),
            (MAX, "shardId-000000000004"),
        ] {
            assert_eq!(map.shard_for(HashKey::new(key)).id(), id);
        }
        // abcd hashes above 3 * 2^126, é below.
        assert_eq!(
            map.shard_for_partition_key("abcd").id(),
            "shardId-000000000004"
        );
        assert_eq!(
            map.shard_for_partition_key("é").id(),
            "shardId-000000000005"
        );
    }

    #[test]
    fn pages_are_gathered_before_building() {
        let first = parse_list_shards_response(&fixture("page1.json")).unwrap();
        assert!(first.next_token().unwrap().starts_with("AAAAAAAAAAGK9EEG"));
        // One page alone does not reach the end of the key space.
        assert_eq!(
            ShardMap::from_list_shards_response(&fixture("page1.json")).unwrap_err(),
            ListShardsError::ShardMap(ShardMapError::DoesNotEndAtMax {
                shard_id: "shardId-000000000001".into(),
                end: HashKey::new(226854911280625642308916404954512140969),
            })
        );
        let second = parse_list_shards_response(&fixture("page2.json")).unwrap();
        let mut builder = ShardMapBuilder::new();
        builder.add_page(&first).add_page(&second);
        let map = builder.build().unwrap();
        let even = ShardMap::even(3).unwrap();
        let ranges = |m: &ShardMap| -> Vec<(String, HashKeyRange)> {
            m.shards()
                .iter()
                .map(|s| (s.id().to_owned(), s.hash_key_range()))
                .collect()
        };
        assert_eq!(ranges(&map), ranges(&even));
        assert_eq!(ShardMap::from_pages([first, second]).unwrap(), map);
    }

    #[test]
    fn first_request_body_holds_only_the_members_set() {
        let input = ListShardsInput::builder()
            .stream_name("orders")
            .shard_filter(ShardFilter::at_latest())
            .build()
            .unwrap();
        assert_eq!(
            body(&input),
            r#"{"StreamName":"orders","ShardFilter":{"Type":"AT_LATEST"}}"#
        );
        let endpoint = Endpoint::regional("us-east-1").unwrap();
        let request = input.to_http_request(&endpoint);
        assert_eq!(request.method(), http::Method::POST);
        assert_eq!(request.headers()["x-amz-target"], LIST_SHARDS_TARGET);
        assert_eq!(LIST_SHARDS_TARGET, "Kinesis_20131202.ListShards");
        assert_eq!(
            request.headers()["content-type"],
            "application/x-amz-json-1.1"
        );
        assert_eq!(request.headers()["content-length"], "58");

        let every = ListShardsInput::builder()
            .stream_name("orders")
            .stream_arn(ARN)
            .exclusive_start_shard_id("shardId-000000000007")
            .max_results(10_000)
            .stream_creation_timestamp(UNIX_EPOCH + Duration::from_millis(1_700_000_000_250))
            .shard_filter(ShardFilter::at_timestamp(
                UNIX_EPOCH + Duration::from_secs(1_700_000_100),
            ))
            .build()
            .unwrap();
        assert_eq!(
            body(&every),
            concat!(
                r#"{"StreamName":"orders","ExclusiveStartShardId":"shardId-000000000007","#,
                r#""MaxResults":10000,"StreamCreationTimestamp":1700000000.25,"#,
                r#""ShardFilter":{"Type":"AT_TIMESTAMP","Timestamp":1700000100},"#,
                r#""StreamARN":"arn:aws:kinesis:us-east-1:123456789012:stream/orders"}"#
            )
        );
        let after = ListShardsInput::builder()
            .stream_arn(ARN)
            .shard_filter(ShardFilter::after_shard_id("shardId-000000000001").unwrap())
            .max_results(1)
            .build()
            .unwrap();
        assert_eq!(
            body(&after),
            concat!(
                r#"{"MaxResults":1,"ShardFilter":{"Type":"AFTER_SHARD_ID","ShardId":"shardId-000000000001"},"#,
                r#""StreamARN":"arn:aws:kinesis:us-east-1:123456789012:stream/orders"}"#
            )
        );
    }

    #[test]
    fn next_page_carries_only_the_token_arn_and_page_size() {
        let arn = StreamArn::new(ARN).unwrap();
        let next = ListShardsInput::next_page("tok\"en", Some(arn.clone())).unwrap();
        assert_eq!(
            body(&next),
            r#"{"NextToken":"tok\"en","StreamARN":"arn:aws:kinesis:us-east-1:123456789012:stream/orders"}"#
        );
        assert_eq!(
            body(&ListShardsInput::next_page("t", None).unwrap()),
            r#"{"NextToken":"t"}"#
        );
        let sized = ListShardsInput::builder()
            .next_token("t")
            .max_results(500)
            .build()
            .unwrap();
        assert_eq!(body(&sized), r#"{"NextToken":"t","MaxResults":500}"#);
        for (builder, member) in [
            (ListShardsInput::builder().stream_name("s"), "streamName"),
            (
                ListShardsInput::builder().stream_creation_timestamp(UNIX_EPOCH),
                "streamCreationTimestamp",
            ),
            (
                ListShardsInput::builder().exclusive_start_shard_id("shardId-1"),
                "exclusiveStartShardId",
            ),
            (
                ListShardsInput::builder().shard_filter(ShardFilter::at_latest()),
                "shardFilter",
            ),
        ] {
            let e = builder.next_token("t").build().unwrap_err();
            assert_eq!(
                e.to_string(),
                format!("{member}: not allowed together with nextToken")
            );
            assert_eq!(
                broken(e),
                (
                    member,
                    Rule::MutuallyExclusive {
                        with: Field::NextToken
                    }
                )
            );
        }
        let too_short = Rule::TooShort {
            len: 0,
            min: 1,
            unit: LengthUnit::Characters,
        };
        assert_eq!(
            broken(ListShardsInput::next_page("", None).unwrap_err()),
            ("nextToken", too_short)
        );
        let token = "t".repeat(1_048_576);
        assert!(ListShardsInput::next_page(token.clone(), None).is_ok());
        assert_eq!(
            broken(ListShardsInput::next_page(token + "é", None).unwrap_err()),
            (
                "nextToken",
                Rule::TooLong {
                    len: 1_048_577,
                    max: 1_048_576,
                    unit: LengthUnit::Characters
                }
            )
        );
    }

    #[test]
    fn input_rules_are_checked() {
        let too_short = Rule::TooShort {
            len: 0,
            min: 1,
            unit: LengthUnit::Characters,
        };
        assert_eq!(
            broken(ListShardsInput::builder().build().unwrap_err()),
            ("streamName", Rule::Missing)
        );
        for n in [0, 10_001, u32::MAX] {
            assert_eq!(
                ListShardsInput::builder()
                    .stream_name("s")
                    .max_results(n)
                    .build()
                    .map_err(broken),
                Err((
                    "maxResults",
                    Rule::OutOfRange {
                        value: n as usize,
                        min: 1,
                        max: 10_000
                    }
                ))
            );
        }
        let e = ListShardsInput::builder()
            .stream_name("bad name")
            .build()
            .unwrap_err();
        assert_eq!(e.field(), "streamName");
        let pattern = Rule::Pattern {
            pattern: "[a-zA-Z0-9_.-]+",
        };
        assert_eq!(
            ListShardsInput::builder()
                .stream_name("s")
                .exclusive_start_shard_id("bad id")
                .build()
                .map_err(broken),
            Err(("exclusiveStartShardId", pattern.clone()))
        );
        assert_eq!(
            ShardFilter::after_shard_id("").map_err(broken),
            Err(("shardFilter.shardId", too_short))
        );
        assert_eq!(
            ShardFilter::after_shard_id("a/b").map_err(broken),
            Err(("shardFilter.shardId", pattern))
        );
        assert_eq!(
            ShardFilter::after_shard_id(&"a".repeat(129)).map_err(broken),
            Err((
                "shardFilter.shardId",
                Rule::TooLong {
                    len: 129,
                    max: 128,
                    unit: LengthUnit::Characters
                }
            ))
        );
        assert_eq!(
            ShardFilter::from_trim_horizon().filter_type().as_str(),
            "FROM_TRIM_HORIZON"
        );
        let names: Vec<&str> = [
            ShardFilterType::AfterShardId,
            ShardFilterType::AtTrimHorizon,
            ShardFilterType::FromTrimHorizon,
            ShardFilterType::AtLatest,
            ShardFilterType::AtTimestamp,
            ShardFilterType::FromTimestamp,
        ]
        .iter()
        .map(|t| t.as_str())
        .collect();
        assert_eq!(
            names,
            [
                "AFTER_SHARD_ID",
                "AT_TRIM_HORIZON",
                "FROM_TRIM_HORIZON",
                "AT_LATEST",
                "AT_TIMESTAMP",
                "FROM_TIMESTAMP"
            ]
        );
    }

    fn shard_json(id: &str, start: &str, end: &str) -> String {
        format!(
            r#"{{"Shards":[{{"ShardId":"{id}","HashKeyRange":{{"StartingHashKey":"{start}","EndingHashKey":"{end}"}},"SequenceNumberRange":{{"StartingSequenceNumber":"1"}}}}]}}"#
        )
    }

    #[test]
    fn bad_hash_keys_and_bodies_are_malformed() {
        let max = "340282366920938463463374607431768211455";
        for (start, end) in [
            ("01", max),
            ("-1", max),
            ("0", "340282366920938463463374607431768211456"),
            ("0", ""),
            ("0 ", max),
            ("5", "4"),
        ] {
            let e = parse_list_shards_response(&ok(&shard_json("s", start, end))).unwrap_err();
            let m = e
                .malformed()
                .unwrap_or_else(|| panic!("{start:?} {end:?}: {e}"));
            assert_eq!(m.status(), 200);
            assert!(m.reason().contains("shard s"), "{e}");
            assert!(!e.is_retryable());
        }
        for bad in [
            "",
            "null",
            "[]",
            "{",
            r#"{"Shards":[{"ShardId":"s"}]}"#,
            r#"{"Shards":[{"ShardId":"s","HashKeyRange":{"StartingHashKey":0,"EndingHashKey":1},"SequenceNumberRange":{"StartingSequenceNumber":"1"}}]}"#,
            r#"{"Shards":{}}"#,
        ] {
            assert!(
                matches!(
                    parse_list_shards_response(&ok(bad)),
                    Err(ListShardsError::Malformed(_))
                ),
                "{bad:?}"
            );
        }
        // Unknown members are ignored; a missing list is an empty page.
        let page = parse_list_shards_response(&ok(r#"{"Extra":1,"NextToken":null}"#)).unwrap();
        assert!(page.shards().is_empty() && page.next_token().is_none());
        // Escaped strings are read, not refused.
        let page = parse_list_shards_response(&ok(&shard_json("s\\u0041", "0", max))).unwrap();
        assert_eq!(page.shards()[0].id(), "sA");
    }

    /// Shard ids of a page follow the pattern PutRecord's answer is held to, parents' too; a
    /// page that breaks it is malformed.
    #[test]
    fn shard_ids_of_a_page_follow_their_pattern() {
        let max = "340282366920938463463374607431768211455";
        let page = parse_list_shards_response(&ok(&shard_json(&"a".repeat(128), "0", max)));
        assert_eq!(page.unwrap().shards()[0].id().len(), 128);
        for id in ["", "a b", "é", &"a".repeat(129)] {
            let e = parse_list_shards_response(&ok(&shard_json(id, "0", max))).unwrap_err();
            let m = e.malformed().unwrap_or_else(|| panic!("{id:?}: {e}"));
            let reason = "Shards[0]: `ShardId` does not match [a-zA-Z0-9_.-]{1,128}";
            assert_eq!(m.reason(), reason);
            assert!(!e.is_retryable());
        }
        for parent in ["ParentShardId", "AdjacentParentShardId"] {
            let body = shard_json("s", "0", max).replace(
                r#""ShardId":"s","#,
                &format!(r#""ShardId":"s","{parent}":"shard/0","#),
            );
            let e = parse_list_shards_response(&ok(&body)).unwrap_err();
            let m = e.malformed().unwrap_or_else(|| panic!("{parent}: {e}"));
            assert_eq!(
                m.reason(),
                format!("Shards[0]: `{parent}` does not match [a-zA-Z0-9_.-]{{1,128}}")
            );
        }
    }

    /// A page holds at most `LIST_SHARDS_MAX_RESULTS` shards, the most a request may ask for; one
    /// more is refused while reading, before it is stored.
    #[test]
    fn a_page_of_more_shards_than_a_request_may_ask_for_is_malformed() {
        let page = |n: usize| {
            let shard = r#"{"ShardId":"s","HashKeyRange":{"StartingHashKey":"0","EndingHashKey":"1"},"SequenceNumberRange":{"StartingSequenceNumber":"1"}}"#;
            format!(r#"{{"Shards":[{}]}}"#, vec![shard; n].join(","))
        };
        let most = kinesis_proto::LIST_SHARDS_MAX_RESULTS as usize;
        let full = parse_list_shards_response(&ok(&page(most))).unwrap();
        assert_eq!(full.shards().len(), most);
        let e = parse_list_shards_response(&ok(&page(most + 1))).unwrap_err();
        let m = e.malformed().unwrap_or_else(|| panic!("{e}"));
        assert_eq!(m.reason(), "more than 10000 shards in one page");
        // The rest of a refused page is still read for syntax.
        let broken = page(most + 2).replace("]}", "}");
        let e = parse_list_shards_response(&ok(&broken)).unwrap_err();
        assert!(e.malformed().unwrap().reason().contains("line 1"), "{e}");
    }

    /// A page's `NextToken` is held to the rule of the request that sends it back.
    #[test]
    fn a_next_token_the_next_request_could_not_send_is_malformed() {
        let with = |token: &str| format!(r#"{{"Shards":[],"NextToken":"{token}"}}"#);
        let page = parse_list_shards_response(&ok(&with("t0k"))).unwrap();
        assert_eq!(page.next_token(), Some("t0k"));
        let longest = "é".repeat(1_048_576);
        let page = parse_list_shards_response(&ok(&with(&longest))).unwrap();
        assert_eq!(page.next_token().map(str::len), Some(2 * 1_048_576));
        for bad in [String::new(), "a".repeat(1_048_577)] {
            let e = parse_list_shards_response(&ok(&with(&bad))).unwrap_err();
            let m = e.malformed().unwrap_or_else(|| panic!("{e}"));
            assert_eq!(
                m.reason(),
                "`NextToken` is not 1 to 1048576 characters long"
            );
        }
    }

    #[test]
    fn sequence_numbers_of_a_page_follow_their_pattern() {
        let max = "340282366920938463463374607431768211455";
        let good = shard_json("s", "0", max);
        for (bad, member) in [
            (r#""StartingSequenceNumber":"x1""#, "StartingSequenceNumber"),
            (r#""StartingSequenceNumber":"""#, "StartingSequenceNumber"),
            (
                r#""StartingSequenceNumber":"1","EndingSequenceNumber":"1 2""#,
                "EndingSequenceNumber",
            ),
        ] {
            let body = good.replace(r#""StartingSequenceNumber":"1""#, bad);
            let e = parse_list_shards_response(&ok(&body)).unwrap_err();
            let m = e.malformed().unwrap_or_else(|| panic!("{bad}: {e}"));
            let reason = format!("Shards[0]: `{member}` does not match 1 to 129 decimal digits");
            assert_eq!(m.reason(), reason);
        }
    }

    fn error_response(status: u16, code: &str) -> http::Response<String> {
        http::Response::builder()
            .status(status)
            .header("x-amzn-RequestId", "r1")
            .body(format!(r#"{{"__type":"{code}","message":"m"}}"#))
            .unwrap()
    }

    #[test]
    fn modelled_errors_get_their_variant() {
        type Pick = fn(&ListShardsError) -> bool;
        let cases: [(&str, Pick); 6] = [
            ("ResourceNotFoundException", |e| {
                matches!(e, ListShardsError::ResourceNotFoundException(_))
            }),
            ("InvalidArgumentException", |e| {
                matches!(e, ListShardsError::InvalidArgumentException(_))
            }),
            ("LimitExceededException", |e| {
                matches!(e, ListShardsError::LimitExceededException(_))
            }),
            ("ExpiredNextTokenException", |e| {
                matches!(e, ListShardsError::ExpiredNextTokenException(_))
            }),
            ("ResourceInUseException", |e| {
                matches!(e, ListShardsError::ResourceInUseException(_))
            }),
            ("AccessDeniedException", |e| {
                matches!(e, ListShardsError::AccessDeniedException(_))
            }),
        ];
        for (code, pick) in cases {
            let e = parse_list_shards_response(&error_response(400, code)).unwrap_err();
            assert!(pick(&e), "{code}: {e:?}");
            assert_eq!(e.code(), Some(code));
            assert_eq!(e.message(), Some("m"));
            assert_eq!(e.status(), 400);
            assert_eq!(e.request_id(), Some("r1"));
            assert_eq!(e.is_throttling(), code == "LimitExceededException");
        }
        let e = ShardMap::from_list_shards_response(&error_response(
            400,
            "com.amazonaws.kinesis#ResourceNotFoundException",
        ))
        .unwrap_err();
        assert!(matches!(e, ListShardsError::ResourceNotFoundException(_)));
    }

    #[test]
    fn other_errors_are_unmodeled_with_their_retry_class() {
        let e = parse_list_shards_response(&error_response(500, "InternalFailure")).unwrap_err();
        assert!(matches!(e, ListShardsError::Unmodeled(_)));
        assert!(e.is_retryable() && !e.is_throttling());
        let e =
            parse_list_shards_response(&error_response(400, "ThrottlingException")).unwrap_err();
        assert!(e.is_throttling());
        let e = parse_list_shards_response(&error_response(403, "UnrecognizedClientException"))
            .unwrap_err();
        assert!(matches!(e, ListShardsError::Unmodeled(_)) && !e.is_retryable());
        // Even a 4xx with a valid ListShards body is an error.
        let e = parse_list_shards_response(
            &http::Response::builder()
                .status(404)
                .body(r#"{"Shards":[]}"#)
                .unwrap(),
        )
        .unwrap_err();
        assert!(e.service_error().is_some());
    }

    /// A ListShards body for `map`'s shards, written with serde_json (independently of the
    /// crate), with sequence numbers and a parent on every other shard.
    fn response_body(map: &ShardMap) -> Vec<u8> {
        let shards: Vec<serde_json::Value> = map
            .shards()
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let mut v = serde_json::json!({
                    "ShardId": s.id(),
                    "HashKeyRange": {
                        "StartingHashKey": s.hash_key_range().start().to_string(),
                        "EndingHashKey": s.hash_key_range().end().to_string(),
                    },
                    "SequenceNumberRange": {"StartingSequenceNumber": format!("{}", 1000 + i)},
                });
                if i % 2 == 1 {
                    v["ParentShardId"] = serde_json::json!("parent");
                }
                v
            })
            .collect();
        serde_json::to_vec(&serde_json::json!({ "Shards": shards })).unwrap()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn a_listed_map_parses_back_to_the_same_map(map in arb_map(300)) {
            let response = http::Response::new(response_body(&map));
            let parsed = ShardMap::from_list_shards_response(&response).unwrap();
            prop_assert_eq!(parsed.len(), map.len());
            for (i, (a, b)) in parsed.shards().iter().zip(map.shards()).enumerate() {
                prop_assert_eq!(a.id(), b.id());
                prop_assert_eq!(a.hash_key_range(), b.hash_key_range());
                let seq = format!("{}", 1000 + i);
                prop_assert_eq!(a.starting_sequence_number(), Some(seq.as_str()));
                prop_assert_eq!(a.parent_shard_id().is_some(), i % 2 == 1);
            }
        }

        #[test]
        fn any_body_parses_or_fails_without_panicking(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
            let _ = parse_list_shards_response(&http::Response::new(bytes));
        }
    }
}

#[test]
fn shard_counts_past_the_bound_are_refused_without_reading_further() {
    let too_many = ShardMapError::TooManyShards {
        limit: kinesis_proto::MAX_SHARDS,
    };
    assert_eq!(ShardMap::even(u32::MAX).unwrap_err(), too_many);
    assert_eq!(
        ShardMap::even(kinesis_proto::MAX_SHARDS as u32 + 1).unwrap_err(),
        too_many
    );
    assert_eq!(
        ShardMap::even(kinesis_proto::MAX_SHARDS as u32).map(|m| m.len()),
        Ok(kinesis_proto::MAX_SHARDS)
    );
    // An endless list of shards is read only up to the bound.
    let endless = std::iter::repeat_with(|| Shard::new("x", HashKeyRange::FULL));
    assert_eq!(ShardMap::new(endless).unwrap_err(), too_many);
    let mut builder = kinesis_proto::ShardMapBuilder::new();
    builder.add_shards(std::iter::repeat_with(|| {
        Shard::new("x", HashKeyRange::FULL)
    }));
    assert_eq!(builder.build().unwrap_err(), too_many);
    assert!(too_many.to_string().contains("100000"));
}
