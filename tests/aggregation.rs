//! KPL aggregation: the public vectors under `tests/data/aggregation/` (KPL-made aggregates from
//! awslabs/kinesis-aggregation, and more made by the `aws-kinesis-agg` package), the rules of
//! `push` and `finish`, the KCL's reading rules, and properties over random records.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use kinesis_proto::{
    AggregatePushError, AggregatedRecord, AggregationLimits, Aggregator, DeaggregateError,
    Deaggregated, Endpoint, HashKey, HashKeyRange, MIB, PutRecordInput, PutRecordsEntry,
    PutRecordsInput, RecordDistribution, Rule, ShardMap, SubRecord, deaggregate,
    deaggregate_for_shard,
};
use md5::{Digest, Md5};
use proptest::prelude::*;
use serde_json::Value;

const MAGIC: [u8; 4] = [0xF3, 0x89, 0x9A, 0xC2];

// ---------------------------------------------------------------------------------------------
// The vectors
// ---------------------------------------------------------------------------------------------

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/aggregation")
}

/// One user record of a vector.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Expected {
    partition_key: String,
    explicit_hash_key: Option<String>,
    data: Vec<u8>,
}

impl Expected {
    fn entry(&self) -> PutRecordsEntry<'_> {
        let entry = PutRecordsEntry::new(&self.data[..], self.partition_key.as_str());
        match &self.explicit_hash_key {
            Some(h) => entry.with_explicit_hash_key(h.as_str()),
            None => entry,
        }
    }

    fn of(sub: &SubRecord<'_>) -> Expected {
        Expected {
            partition_key: sub.partition_key().to_owned(),
            explicit_hash_key: sub.explicit_hash_key().map(|h| h.to_string()),
            data: sub.data().to_vec(),
        }
    }

    fn hash_key(&self) -> HashKey {
        match &self.explicit_hash_key {
            Some(h) => h.parse().unwrap(),
            None => HashKey::from_partition_key(&self.partition_key),
        }
    }
}

#[derive(Debug)]
struct Vector {
    name: String,
    json: Value,
    data: Vec<u8>,
    records: Vec<Expected>,
}

fn vectors() -> Vec<Vector> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(data_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let json: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
            let data = base64::engine::general_purpose::STANDARD
                .decode(json["data"].as_str().unwrap())
                .unwrap();
            assert_eq!(data.len() as u64, json["data_len"].as_u64().unwrap());
            let records = json["records"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| Expected {
                    partition_key: r["partition_key"].as_str().unwrap().to_owned(),
                    explicit_hash_key: r
                        .get("explicit_hash_key")
                        .map(|h| h.as_str().unwrap().to_owned()),
                    data: r["data"].as_str().unwrap().as_bytes().to_vec(),
                })
                .collect();
            Vector {
                name: path.file_stem().unwrap().to_string_lossy().into_owned(),
                json,
                data,
                records,
            }
        })
        .collect()
}

#[test]
fn every_vector_reads_back_to_its_documented_records() {
    let vectors = vectors();
    assert_eq!(vectors.len(), 8, "every file under tests/data/aggregation");
    for v in &vectors {
        let read = deaggregate(&v.data);
        match v.json["expect"].as_str().unwrap() {
            "aggregate" => {
                let Ok(Deaggregated::Aggregate(subs)) = read else {
                    panic!("{}: {read:?}", v.name);
                };
                assert_eq!(subs.len(), v.records.len(), "{}", v.name);
                let got: Vec<Expected> = subs.clone().map(|s| Expected::of(&s)).collect();
                assert_eq!(got, v.records, "{}", v.name);
                for (i, s) in subs.enumerate() {
                    assert_eq!(s.sub_sequence_number(), i as u64);
                    assert_eq!(s.effective_hash_key(), v.records[i].hash_key());
                }
            }
            "plain" => {
                assert!(matches!(read, Ok(Deaggregated::Plain)), "{}", v.name);
                assert_eq!(v.records.len(), 1);
                assert_eq!(v.data, v.records[0].data);
            }
            "error" => {
                let error = &v.json["error"];
                assert_eq!(error["kind"], "ExplicitHashKeyIndex", "{}", v.name);
                let expected = DeaggregateError::ExplicitHashKeyIndex {
                    sub_sequence_number: error["sub_sequence_number"].as_u64().unwrap(),
                    index: error["index"].as_u64().unwrap(),
                    table_len: error["table_len"].as_u64().unwrap() as usize,
                };
                assert_eq!(read.unwrap_err(), expected, "{}", v.name);
            }
            other => panic!("{}: unknown expectation {other}", v.name),
        }
    }
}

#[test]
fn the_kpl_made_aggregates_are_reproduced_byte_for_byte() {
    let mut reproduced = Vec::new();
    for v in vectors() {
        if v.json["reproduce"] != true {
            continue;
        }
        let mut agg = Aggregator::default();
        for r in &v.records {
            agg.push(&r.entry()).unwrap();
            assert!(agg.size() <= v.data.len(), "{}", v.name);
        }
        assert_eq!(agg.size(), v.data.len(), "{}", v.name);
        let out = agg.finish().unwrap();
        assert_eq!(out.data(), &v.data[..], "{}", v.name);
        assert_eq!(out.partition_key().as_str(), "a");
        assert_eq!(out.explicit_hash_key(), v.records[0].hash_key());
        assert_eq!(out.user_records() as usize, v.records.len());
        reproduced.push(v.name);
    }
    assert_eq!(
        reproduced,
        [
            "java_sample_lambda_event",
            "kpl_through_kinesis_analytics",
            "kpl_with_explicit_hash_keys",
            "kpl_without_explicit_hash_keys",
            "python_mixed_keys",
        ]
    );
}

#[test]
fn the_kpl_made_aggregates_are_sent_as_the_kpl_sends_them() {
    for v in vectors() {
        if v.json["kinesis_partition_key"] != "a" {
            continue;
        }
        let mut agg = Aggregator::default();
        for r in &v.records {
            agg.push(&r.entry()).unwrap();
        }
        let out = agg.finish().unwrap();
        let entry = out.as_entry();
        assert_eq!(entry.partition_key.as_deref(), Some("a"), "{}", v.name);
        let first = v.records[0].hash_key().to_string();
        assert_eq!(entry.explicit_hash_key.as_deref(), Some(&first[..]));
        assert!(entry.aggregate);
    }
}

/// The go reader's test cases (`deaggregator_test.go`), cut from the aggregate its recipe
/// makes: each is not an aggregate, so it is read as one plain record.
#[test]
fn the_go_readers_cut_aggregates_are_plain_records() {
    let v = vectors()
        .into_iter()
        .find(|v| v.name == "go_recipe_empty_explicit_hash_key_table")
        .unwrap();
    let cuts: [&[u8]; 4] = [
        b"No",                       // shorter than the magic
        &v.data[1..],                // the magic does not match
        &v.data[..19],               // 16 bytes or fewer after the magic
        &v.data[..v.data.len() - 1], // the digest does not match
    ];
    for cut in cuts {
        assert!(
            matches!(deaggregate(cut), Ok(Deaggregated::Plain)),
            "{cut:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// The KCL's reading rules, on hand-built aggregates
// ---------------------------------------------------------------------------------------------

/// `message` framed as an aggregate: magic, the bytes, their MD5.
fn framed(message: &[u8]) -> Vec<u8> {
    [&MAGIC[..], message, Md5::digest(message).as_slice()].concat()
}

fn len_field(tag: u8, bytes: &[u8]) -> Vec<u8> {
    assert!(bytes.len() < 128);
    [&[tag, bytes.len() as u8][..], bytes].concat()
}

/// A `Record` with these field bytes, as a `records` field.
fn record(fields: &[u8]) -> Vec<u8> {
    len_field(0x1a, fields)
}

fn subs(data: &[u8]) -> Vec<Expected> {
    match deaggregate(data).unwrap() {
        Deaggregated::Aggregate(subs) => subs.map(|s| Expected::of(&s)).collect(),
        Deaggregated::Plain => panic!("plain"),
    }
}

fn plain(data: &[u8]) -> bool {
    matches!(deaggregate(data), Ok(Deaggregated::Plain))
}

#[test]
fn tables_may_follow_the_records_and_unknown_fields_are_skipped() {
    let message = [
        record(&[0x08, 0x01, 0x10, 0x00, 0x1a, 0x01, b'x']),
        vec![0x20, 0x05], // an unknown varint field
        len_field(0x0a, b"first"),
        len_field(0x2a, b"unknown bytes"), // an unknown length-delimited field
        len_field(0x0a, b"second"),
        len_field(0x12, b"007"), // read as 7, as BigInteger reads it
        record(&[0x08, 0x00, 0x1a, 0x00]),
    ]
    .concat();
    assert_eq!(
        subs(&framed(&message)),
        [
            Expected {
                partition_key: "second".into(),
                explicit_hash_key: Some("7".into()),
                data: b"x".to_vec()
            },
            Expected {
                partition_key: "first".into(),
                explicit_hash_key: None,
                data: vec![]
            },
        ]
    );
}

#[test]
fn an_aggregate_that_does_not_parse_is_a_plain_record() {
    let cases: [Vec<u8>; 5] = [
        record(&[0x08, 0x00]),                                    // no data
        record(&[0x1a, 0x00]),                                    // no partition key index
        record(&[0x08, 0x00, 0x1a, 0x00, 0x22, 0x00]),            // a tag without its key
        [len_field(0x0a, b"k"), vec![0x1a, 0x05, 0x08]].concat(), // truncated
        vec![0x0a, 0x01, b'k', 0x0c],                             // an end-group tag
    ];
    for message in cases {
        assert!(plain(&framed(&message)), "{message:02x?}");
    }
    // An empty protobuf parses, but 16 bytes after the magic are not an aggregate's.
    assert!(plain(&framed(&[])));
    // One byte that parses is an aggregate of no record at all.
    let empty = framed(&[0x20, 0x00]);
    assert!(subs(&empty).is_empty());
}

#[test]
fn a_broken_reference_is_a_typed_error_naming_the_sub_record() {
    let pk = len_field(0x0a, b"k");
    let ok = record(&[0x08, 0x00, 0x1a, 0x00]);
    let at = |m: Vec<u8>| deaggregate(&framed(&m)).unwrap_err();
    assert_eq!(
        at([pk.clone(), ok.clone(), record(&[0x08, 0x01, 0x1a, 0x00])].concat()),
        DeaggregateError::PartitionKeyIndex {
            sub_sequence_number: 1,
            index: 1,
            table_len: 1
        }
    );
    // 2^32 is out of the table: the KCL's cast to int would read entry 0.
    let e = at([
        pk.clone(),
        record(&[0x08, 0x80, 0x80, 0x80, 0x80, 0x10, 0x1a, 0x00]),
    ]
    .concat());
    assert!(matches!(
        e,
        DeaggregateError::PartitionKeyIndex {
            index: 4_294_967_296,
            ..
        }
    ));
    assert_eq!(
        at([
            pk.clone(),
            ok.clone(),
            ok.clone(),
            record(&[0x08, 0x00, 0x10, 0x00, 0x1a, 0x00])
        ]
        .concat()),
        DeaggregateError::ExplicitHashKeyIndex {
            sub_sequence_number: 2,
            index: 0,
            table_len: 0
        }
    );
    for bad in [
        &b""[..],
        b"-1",
        b"abc",
        b"340282366920938463463374607431768211456",
        b"1.0",
    ] {
        let m = [
            pk.clone(),
            len_field(0x12, bad),
            record(&[0x08, 0x00, 0x10, 0x00, 0x1a, 0x00]),
        ];
        assert_eq!(
            at(m.concat()),
            DeaggregateError::ExplicitHashKey {
                sub_sequence_number: 0
            },
            "{bad:?}"
        );
    }
    let m = [len_field(0x0a, &[0xff]), record(&[0x08, 0x00, 0x1a, 0x00])].concat();
    assert_eq!(
        at(m),
        DeaggregateError::PartitionKeyNotUtf8 {
            sub_sequence_number: 0
        }
    );
    // A bad entry no record refers to is not read, as in the KCL.
    let m = [
        pk.clone(),
        len_field(0x0a, &[0xff]),
        len_field(0x12, b"x"),
        ok.clone(),
    ]
    .concat();
    assert_eq!(subs(&framed(&m)).len(), 1);
    // The first bad sub-record is named even when a table comes after the records.
    let m = [
        ok.clone(),
        record(&[0x08, 0x03, 0x1a, 0x00]),
        record(&[0x08, 0x05, 0x1a, 0x00]),
        pk,
    ]
    .concat();
    assert_eq!(at(m).sub_sequence_number(), 1);
    // But an aggregate that does not parse is plain, even after a broken reference.
    let m = [record(&[0x08, 0x07, 0x1a, 0x00]), vec![0x0f]].concat();
    assert!(plain(&framed(&m)));
}

#[test]
fn deaggregate_for_shard_names_the_first_record_outside_the_shard() {
    let map = ShardMap::even(4).unwrap();
    let shard = map.shards()[1].hash_key_range();
    let inside = shard.start().get() + 5;
    let mut agg = Aggregator::default();
    let keys = [
        inside,
        inside + 1,
        map.shards()[2].hash_key_range().start().get(),
        inside,
    ];
    for (i, key) in keys.iter().enumerate() {
        let entry =
            PutRecordsEntry::new(vec![i as u8], format!("k{i}")).with_hash_key(HashKey::new(*key));
        agg.push(&entry).unwrap();
    }
    let out = agg.finish().unwrap();
    let e = deaggregate_for_shard(out.data(), &shard).unwrap_err();
    assert_eq!(
        e,
        DeaggregateError::OutsideShard {
            sub_sequence_number: 2,
            hash_key: HashKey::new(keys[2]),
            range: shard
        }
    );
    assert_eq!(
        e.to_string(),
        format!(
            "sub-record 2: hash key {} is outside the shard's range {shard}",
            keys[2]
        )
    );
    assert!(deaggregate_for_shard(out.data(), &HashKeyRange::FULL).is_ok());
    // A plain record is not checked, as the KCL checks only sub-records.
    assert!(matches!(
        deaggregate_for_shard(b"plain", &shard),
        Ok(Deaggregated::Plain)
    ));
}

// ---------------------------------------------------------------------------------------------
// push and finish
// ---------------------------------------------------------------------------------------------

#[test]
fn one_record_is_sent_as_itself_with_its_hash_key() {
    let mut agg = Aggregator::default();
    assert!(agg.finish().is_none());
    agg.push(&PutRecordsEntry::new("payload", "customer-42"))
        .unwrap();
    assert_eq!(agg.size(), 7);
    let out = agg.finish().unwrap();
    assert_eq!(out.data(), b"payload");
    assert_eq!(out.partition_key().as_str(), "customer-42");
    assert_eq!(
        out.explicit_hash_key(),
        HashKey::from_partition_key("customer-42")
    );
    assert!(!out.is_aggregate());
    assert_eq!(out.record_size(), 7 + 11);
    let entry = out.as_entry();
    assert!(!entry.aggregate);
    assert_eq!(
        entry.explicit_hash_key.as_deref(),
        Some("273230869323448032740578469245923174832")
    );
    // Its explicit hash key, when it has one, normalised.
    agg.push(&PutRecordsEntry::new("p", "k").with_hash_key(HashKey::new(7)))
        .unwrap();
    assert_eq!(agg.finish().unwrap().explicit_hash_key(), HashKey::new(7));
    // The caller's hash key, trusted.
    agg.push_with_hash_key(&PutRecordsEntry::new("p", "k"), HashKey::new(9))
        .unwrap();
    assert_eq!(agg.finish().unwrap().explicit_hash_key(), HashKey::new(9));
    assert!(agg.is_empty() && agg.finish().is_none());
}

#[test]
fn finish_empties_the_aggregator_for_the_next_aggregate() {
    let mut agg = Aggregator::default();
    for round in 0..3 {
        for i in 0..5 {
            agg.push(&PutRecordsEntry::new(vec![round; i], format!("k{i}")))
                .unwrap();
        }
        assert_eq!(agg.len(), 5);
        let out = agg.finish().unwrap();
        assert_eq!(subs(out.data()).len(), 5);
        assert!(agg.is_empty());
        assert_eq!(agg.size(), 0);
    }
}

#[test]
fn the_caller_hash_key_routes_the_aggregate_and_explicit_keys_win() {
    let mut agg = Aggregator::default();
    let first = PutRecordsEntry::new("a", "x").with_hash_key(HashKey::new(5));
    agg.push_with_hash_key(&first, HashKey::new(6)).unwrap();
    agg.push_with_hash_key(&PutRecordsEntry::new("b", "y"), HashKey::new(7))
        .unwrap();
    assert_eq!(agg.finish().unwrap().explicit_hash_key(), HashKey::new(5));
}

#[test]
fn an_invalid_record_is_refused_for_itself() {
    let mut agg = Aggregator::default();
    let invalid = |e: AggregatePushError| match e {
        AggregatePushError::Invalid(e) => e,
        other => panic!("{other:?}"),
    };
    let e = invalid(agg.push(&PutRecordsEntry::keyless("x")).unwrap_err());
    assert_eq!((e.field(), e.rule()), ("partitionKey", &Rule::Missing));
    let e = invalid(agg.push(&PutRecordsEntry::new("x", "")).unwrap_err());
    assert_eq!(e.field(), "partitionKey");
    let e = agg
        .push(&PutRecordsEntry::new("x", "k").with_explicit_hash_key("017"))
        .unwrap_err();
    assert!(!e.is_full());
    assert_eq!(invalid(e).field(), "explicitHashKey");
    let e = invalid(
        agg.push(&PutRecordsEntry::new(vec![0; MIB], "k"))
            .unwrap_err(),
    );
    assert_eq!(
        e.rule(),
        &Rule::RecordTooLarge {
            size: MIB + 1,
            limit: MIB
        }
    );
    assert!(agg.is_empty());
    // Within a raised record size limit, it is taken, alone, whatever the aggregate size limit.
    let mut big = Aggregator::new(
        AggregationLimits::default()
            .with_max_record_size(2 * MIB)
            .unwrap(),
    );
    big.push(&PutRecordsEntry::new(vec![0; MIB], "k")).unwrap();
    let full = big.push(&PutRecordsEntry::new("x", "k")).unwrap_err();
    assert!(full.is_full());
    assert_eq!(big.finish().unwrap().data().len(), MIB);
}

#[test]
fn the_limits_are_checked_and_say_which() {
    let d = AggregationLimits::default();
    assert_eq!(
        (d.max_size(), d.max_count(), d.max_record_size()),
        (51_200, u32::MAX, MIB)
    );
    assert_eq!(d, AggregationLimits::DEFAULT);
    assert!(d.with_max_size(64).is_ok() && d.with_max_size(10 * MIB).is_ok());
    for bad in [0, 63, 10 * MIB + 1, usize::MAX] {
        let e = d.with_max_size(bad).unwrap_err();
        assert_eq!(e.field(), "aggregationMaxSize");
        assert!(matches!(
            e.rule(),
            Rule::OutOfRange {
                min: 64,
                max: 10_485_760,
                ..
            }
        ));
    }
    let e = d.with_max_count(0).unwrap_err();
    assert_eq!(
        e.to_string(),
        "aggregationMaxCount: 0 is outside the allowed range 1..=4294967295"
    );
    assert!(d.with_max_count(1).is_ok());
    assert_eq!(
        d.with_max_record_size(MIB - 1).unwrap_err().field(),
        "maxRecordSize"
    );
}

#[test]
fn the_count_limit_refuses_exactly_at_the_count() {
    let mut agg = Aggregator::new(AggregationLimits::default().with_max_count(3).unwrap());
    for i in 0..3 {
        agg.push(&PutRecordsEntry::new("x", format!("k{i}")))
            .unwrap();
    }
    let e = agg.push(&PutRecordsEntry::new("x", "k")).unwrap_err();
    assert_eq!(e, AggregatePushError::TooMany { limit: 3 });
    assert_eq!(
        e.to_string(),
        "aggregate full: it holds 3 records, the limit"
    );
    assert_eq!(agg.finish().unwrap().user_records(), 3);
}

#[test]
fn the_size_limit_refuses_exactly_past_the_limit() {
    // Two records of n bytes under key "k": 20 + table (3) + 2 records (1 + 1 + (2 + 2 + n)).
    let size = |n: usize| 20 + 3 + 2 * (6 + n);
    let n = 30;
    let limit = size(n);
    let mut agg = Aggregator::new(AggregationLimits::default().with_max_size(limit).unwrap());
    agg.push(&PutRecordsEntry::new(vec![1; n], "k")).unwrap();
    agg.push(&PutRecordsEntry::new(vec![2; n], "k")).unwrap();
    assert_eq!(agg.size(), limit);
    let e = agg.push(&PutRecordsEntry::new(vec![], "k")).unwrap_err();
    assert_eq!(
        e,
        AggregatePushError::TooLarge {
            size: limit + 6,
            limit
        }
    );
    assert_eq!(agg.finish().unwrap().data().len(), limit);
    // One byte more does not fit.
    let mut agg = Aggregator::new(AggregationLimits::default().with_max_size(limit).unwrap());
    agg.push(&PutRecordsEntry::new(vec![1; n], "k")).unwrap();
    let e = agg
        .push(&PutRecordsEntry::new(vec![2; n + 1], "k"))
        .unwrap_err();
    assert_eq!(
        e,
        AggregatePushError::TooLarge {
            size: limit + 1,
            limit
        }
    );
    assert_eq!(agg.len(), 1);
}

#[test]
fn an_aggregate_with_its_key_fits_the_stream_record_size_limit() {
    let limits = AggregationLimits::default()
        .with_max_size(10 * MIB)
        .unwrap();
    let mut agg = Aggregator::new(limits);
    // Record fields of 1 + 4 (length) + 2 + 1 + 3 (length) + n bytes; one key "k" of 3.
    let n = 600_000;
    agg.push(&PutRecordsEntry::new(vec![0; n], "k")).unwrap();
    let first = 1 + 3 + 2 + 1 + 3 + n;
    let room = MIB - 1 - 20 - 3 - first; // what the second record's field may take
    let fits = room - (1 + 3 + 2 + 1 + 3);
    let e = agg
        .push(&PutRecordsEntry::new(vec![0; fits + 1], "k"))
        .unwrap_err();
    assert_eq!(
        e,
        AggregatePushError::TooLarge {
            size: MIB,
            limit: MIB - 1
        }
    );
    agg.push(&PutRecordsEntry::new(vec![0; fits], "k")).unwrap();
    let out = agg.finish().unwrap();
    assert_eq!(out.record_size(), MIB);
}

#[test]
fn keys_are_written_once_in_the_kpl_field_order() {
    let mut agg = Aggregator::default();
    let h = HashKey::new(1 << 100);
    agg.push(&PutRecordsEntry::new("1", "b").with_hash_key(h))
        .unwrap();
    agg.push(&PutRecordsEntry::new("2", "a")).unwrap();
    agg.push(&PutRecordsEntry::new("3", "b").with_hash_key(h))
        .unwrap();
    let out = agg.finish().unwrap();
    let pb = &out.data()[4..out.data().len() - 16];
    let ehk = (1u128 << 100).to_string();
    let expected = [
        len_field(0x0a, b"b"),
        len_field(0x0a, b"a"),
        len_field(0x12, ehk.as_bytes()),
        record(&[0x08, 0x00, 0x10, 0x00, 0x1a, 0x01, b'1']),
        record(&[0x08, 0x01, 0x1a, 0x01, b'2']),
        record(&[0x08, 0x00, 0x10, 0x00, 0x1a, 0x01, b'3']),
    ]
    .concat();
    assert_eq!(pb, &expected[..]);
    assert_eq!(&out.data()[..4], &MAGIC);
    assert_eq!(&out.data()[4 + pb.len()..], Md5::digest(pb).as_slice());
}

#[test]
fn debug_never_prints_record_data() {
    let secret = "top-secret-payload";
    let mut agg = Aggregator::default();
    agg.push(&PutRecordsEntry::new(secret, "k1")).unwrap();
    agg.push(&PutRecordsEntry::new(secret, "k2")).unwrap();
    assert!(!format!("{agg:?}").contains(secret));
    let out = agg.finish().unwrap();
    let shown = format!("{out:?}");
    assert!(
        !shown.contains("top-secret") && shown.contains("bytes"),
        "{shown}"
    );
    let Deaggregated::Aggregate(subs) = deaggregate(out.data()).unwrap() else {
        panic!()
    };
    assert!(!format!("{subs:?}").contains("top-secret"));
    for s in subs {
        assert!(!format!("{s:?}").contains("top-secret"));
    }
}

// ---------------------------------------------------------------------------------------------
// Into a request, and the AUTO streams that refuse aggregates
// ---------------------------------------------------------------------------------------------

fn two_record_aggregate() -> AggregatedRecord {
    let mut agg = Aggregator::default();
    agg.push(&PutRecordsEntry::new("first", "customer-1"))
        .unwrap();
    agg.push(&PutRecordsEntry::new("second", "customer-2"))
        .unwrap();
    agg.finish().unwrap()
}

#[test]
fn an_aggregate_goes_out_in_a_batch_and_alone() {
    let out = two_record_aggregate();
    let first = HashKey::from_partition_key("customer-1");
    let batch = PutRecordsInput::builder()
        .stream_name("orders")
        .entry(out.as_entry())
        .entry(out.clone().into_entry())
        .build()
        .unwrap();
    assert!(batch.entries().iter().all(|e| e.is_aggregate()));
    assert_eq!(batch.hash_key(0), Some(first));
    let request = batch.to_http_request(&Endpoint::regional("us-east-1").unwrap());
    let body: Value = serde_json::from_slice(request.body()).unwrap();
    let entry = &body["Records"][0];
    assert_eq!(entry["PartitionKey"], "a");
    assert_eq!(entry["ExplicitHashKey"], first.to_string());
    let sent = base64::engine::general_purpose::STANDARD
        .decode(entry["Data"].as_str().unwrap())
        .unwrap();
    assert_eq!(sent, out.data());

    let input = out.to_put_record().stream_name("orders").build().unwrap();
    assert!(input.is_aggregate());
    assert_eq!(input.hash_key(), Some(first));
    assert_eq!(input.data(), out.data());
    assert_eq!(input.partition_key().unwrap().as_str(), "a");
}

#[test]
fn an_auto_stream_refuses_an_aggregate_and_says_why() {
    let out = two_record_aggregate();
    let e = PutRecordsInput::builder()
        .stream_name("orders")
        .record_distribution(RecordDistribution::Auto)
        .entry(PutRecordsEntry::keyless("plain"))
        .entry(out.as_entry())
        .build()
        .unwrap_err();
    assert_eq!(e.entry_index(), Some(1));
    assert_eq!(
        (e.field(), e.rule()),
        ("data", &Rule::AggregateWithAutoDistribution)
    );
    assert!(e.to_string().starts_with(
        "records[1].data: a KPL aggregate is not allowed on a stream with AUTO record distribution"
    ));
    let e = out
        .to_put_record()
        .stream_name("orders")
        .record_distribution(RecordDistribution::Auto)
        .build()
        .unwrap_err();
    assert_eq!(e.rule(), &Rule::AggregateWithAutoDistribution);
    // Packing checks it too.
    let e = PutRecordsInput::builder()
        .stream_name("orders")
        .record_distribution(RecordDistribution::Auto)
        .pack(
            [out.as_entry()],
            &ShardMap::even(1).unwrap(),
            &Default::default(),
        )
        .unwrap_err();
    assert_eq!(e.rule(), &Rule::AggregateWithAutoDistribution);
    // A record alone is no aggregate: refused for its explicit hash key, as any entry with one.
    let mut agg = Aggregator::default();
    agg.push(&PutRecordsEntry::new("x", "k")).unwrap();
    let alone = agg.finish().unwrap();
    let e = PutRecordsInput::builder()
        .stream_name("orders")
        .record_distribution(RecordDistribution::Auto)
        .entry(alone.as_entry())
        .build()
        .unwrap_err();
    assert_eq!(
        (e.field(), e.rule()),
        ("explicitHashKey", &Rule::NotAllowedWithAutoDistribution)
    );
    // A caller can mark data it forwards.
    let forwarded = PutRecordsEntry {
        aggregate: true,
        ..PutRecordsEntry::keyless(out.data())
    };
    let e = PutRecordsInput::builder()
        .stream_name("orders")
        .record_distribution(RecordDistribution::Auto)
        .entry(forwarded)
        .build()
        .unwrap_err();
    assert_eq!(e.rule(), &Rule::AggregateWithAutoDistribution);
    let e = PutRecordInput::builder()
        .stream_name("orders")
        .record_distribution(RecordDistribution::Auto)
        .data(out.data())
        .aggregate(true)
        .build()
        .unwrap_err();
    assert_eq!(e.rule(), &Rule::AggregateWithAutoDistribution);
}

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

/// Partition keys from a small pool, so that keys repeat, with non-ASCII ones.
fn partition_key() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => (0..6u8).prop_map(|i| format!("key-{i}")),
        1 => "[a-zé😀]{1,40}",
        1 => proptest::collection::vec(proptest::char::range('!', '~'), 256).prop_map(|v| v.into_iter().collect()),
    ]
}

fn explicit_hash_key() -> impl Strategy<Value = Option<HashKey>> {
    prop_oneof![
        3 => Just(None),
        1 => (0..4u128).prop_map(|i| Some(HashKey::new(i << 120))),
        1 => any::<u128>().prop_map(|v| Some(HashKey::new(v))),
    ]
}

fn user_record() -> impl Strategy<Value = Expected> {
    let data = prop_oneof![
        4 => proptest::collection::vec(any::<u8>(), 0..40),
        1 => proptest::collection::vec(any::<u8>(), 100..400),
    ];
    (partition_key(), explicit_hash_key(), data).prop_map(|(pk, ehk, data)| Expected {
        partition_key: pk,
        explicit_hash_key: ehk.map(|h| h.to_string()),
        data,
    })
}

fn unlimited() -> AggregationLimits {
    AggregationLimits::default()
        .with_max_size(10 * MIB)
        .unwrap()
        .with_max_record_size(10 * MIB)
        .unwrap()
}

/// The size `records` aggregate to, with no limit in the way.
fn size_of(records: &[&Expected]) -> usize {
    let mut agg = Aggregator::new(unlimited());
    for r in records {
        agg.push(&r.entry()).unwrap();
    }
    agg.size()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Records aggregate and read back to themselves, in order; the predicted size is the size
    /// written.
    #[test]
    fn records_round_trip(records in proptest::collection::vec(user_record(), 1..40)) {
        let mut agg = Aggregator::new(unlimited());
        for r in &records {
            agg.push(&r.entry()).unwrap();
        }
        let predicted = agg.size();
        let out = agg.finish().unwrap();
        prop_assert_eq!(out.data().len(), predicted);
        prop_assert_eq!(out.explicit_hash_key(), records[0].hash_key());
        if records.len() == 1 {
            prop_assert_eq!(out.data(), &records[0].data[..]);
            prop_assert_eq!(out.partition_key().as_str(), &records[0].partition_key[..]);
        } else {
            prop_assert_eq!(subs(out.data()), records);
        }
    }

    /// Under any limits, a record is refused exactly when taking it would pass one: what is
    /// taken fits, and the refused record with what was taken would not.
    #[test]
    fn refusals_are_exact(
        records in proptest::collection::vec(user_record(), 1..60),
        max_size in 64usize..3000,
        max_count in 1u32..30,
    ) {
        let limits = AggregationLimits::default()
            .with_max_size(max_size).unwrap()
            .with_max_count(max_count).unwrap();
        let mut agg = Aggregator::new(limits);
        let mut taken: Vec<&Expected> = Vec::new();
        let mut aggregates = Vec::new();
        for r in &records {
            let refused = match agg.push(&r.entry()) {
                Ok(()) => {
                    taken.push(r);
                    false
                }
                Err(AggregatePushError::TooMany { limit }) => {
                    prop_assert_eq!(limit, max_count);
                    prop_assert_eq!(taken.len(), max_count as usize);
                    true
                }
                Err(AggregatePushError::TooLarge { size, limit }) => {
                    prop_assert_eq!(limit, max_size);
                    prop_assert!(size > max_size);
                    prop_assert!(!taken.is_empty());
                    let mut with = taken.clone();
                    with.push(r);
                    prop_assert_eq!(size, size_of(&with));
                    true
                }
                Err(e) => return Err(TestCaseError::fail(format!("{e}"))),
            };
            let size = agg.size();
            prop_assert_eq!(size, size_of(&taken));
            prop_assert!(taken.len() == 1 || size <= max_size);
            prop_assert_eq!(agg.len() as usize, taken.len());
            // Start over when the record was refused, as a producer would.
            if refused {
                let out = agg.finish().unwrap();
                prop_assert_eq!(out.data().len(), size);
                aggregates.push((out, std::mem::take(&mut taken)));
                agg.push(&r.entry()).unwrap();
                taken.push(r);
            }
        }
        // Every record went into exactly one aggregate, in order.
        if let Some(out) = agg.finish() {
            aggregates.push((out, taken));
        }
        let mut read = Vec::new();
        for (out, taken) in &aggregates {
            prop_assert_eq!(out.user_records() as usize, taken.len());
            if out.is_aggregate() {
                read.extend(subs(out.data()));
            } else {
                read.push((*taken[0]).clone());
            }
        }
        prop_assert_eq!(read, records);
    }

    /// An aggregate of one shard's records passes `deaggregate_for_shard` for that shard, and
    /// any other shard names the first record outside it.
    #[test]
    fn one_shards_records_pass_for_that_shard(
        shards in 1u32..8,
        pick in any::<u32>(),
        records in proptest::collection::vec(user_record(), 2..30),
    ) {
        let map = ShardMap::even(shards).unwrap();
        let range = map.shards()[(pick % shards) as usize].hash_key_range();
        let span = range.end().get() - range.start().get();
        // Into the shard: an explicit hash key inside it, from the record's own hash key.
        let records: Vec<Expected> = records
            .into_iter()
            .map(|mut r| {
                let h = r.hash_key().get();
                let offset = if span == u128::MAX { h } else { h % (span + 1) };
                r.explicit_hash_key = Some((range.start().get() + offset).to_string());
                r
            })
            .collect();
        let mut agg = Aggregator::new(unlimited());
        for r in &records {
            agg.push(&r.entry()).unwrap();
        }
        let out = agg.finish().unwrap();
        prop_assert!(deaggregate_for_shard(out.data(), &range).is_ok());
        for other in map.shards() {
            let other = other.hash_key_range();
            if other == range {
                continue;
            }
            let e = deaggregate_for_shard(out.data(), &other).unwrap_err();
            prop_assert_eq!(e.sub_sequence_number(), 0);
        }
    }

    /// Any bytes, framed as an aggregate or not, are read without a panic, and an aggregate's
    /// iterator yields as many records as it says.
    #[test]
    fn any_bytes_deaggregate(bytes in proptest::collection::vec(any::<u8>(), 0..300), frame in any::<bool>()) {
        let data = if frame { framed(&bytes) } else { bytes };
        if let Ok(Deaggregated::Aggregate(subs)) = deaggregate(&data) {
            let len = subs.len();
            prop_assert_eq!(subs.count(), len);
        }
        let _ = deaggregate_for_shard(&data, &HashKeyRange::FULL);
    }

    /// Bytes built from the messages' own fields, framed: whatever parses reads back the same
    /// after aggregating again.
    #[test]
    fn parsed_aggregates_re_encode(fields in proptest::collection::vec(message_field(), 0..20)) {
        let data = framed(&fields.concat());
        let Ok(Deaggregated::Aggregate(records)) = deaggregate(&data) else { return Ok(()) };
        let read: Vec<Expected> = records.map(|s| Expected::of(&s)).collect();
        let mut agg = Aggregator::new(unlimited());
        for r in &read {
            if agg.push(&r.entry()).is_err() {
                return Ok(()); // a key the service would refuse (empty, too long)
            }
        }
        if read.len() >= 2 {
            let out = agg.finish().unwrap();
            prop_assert_eq!(subs(out.data()), read);
        }
    }
}

/// One field of an `AggregatedRecord`, as its bytes: table entries, records (often well formed,
/// sometimes not) and unknown fields.
fn message_field() -> impl Strategy<Value = Vec<u8>> {
    let index = prop_oneof![4 => 0u8..4, 1 => any::<u8>().prop_map(|b| b & 0x7f)];
    let record = (
        index.clone(),
        proptest::option::of(index),
        proptest::collection::vec(any::<u8>(), 0..10),
    )
        .prop_map(|(pk, ehk, data)| {
            let mut fields = vec![0x08, pk];
            if let Some(e) = ehk {
                fields.extend([0x10, e]);
            }
            fields.extend(len_field(0x1a, &data));
            record(&fields)
        });
    prop_oneof![
        3 => record,
        2 => "[a-z]{0,5}".prop_map(|k| len_field(0x0a, k.as_bytes())),
        2 => prop_oneof![Just("0".to_owned()), Just("17".to_owned()), Just("x".to_owned()), "[0-9]{1,40}"]
            .prop_map(|k| len_field(0x12, k.as_bytes())),
        1 => proptest::collection::vec(any::<u8>(), 0..6),
    ]
}

#[test]
fn entries_borrow_the_record() {
    let out = two_record_aggregate();
    let entry = out.as_entry();
    assert!(matches!(entry.data, Cow::Borrowed(_)));
    assert!(matches!(entry.partition_key, Some(Cow::Borrowed("a"))));
}
