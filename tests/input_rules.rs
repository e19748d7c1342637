//! Boundary tests for every input rule of `PutRecord`, on both sides of each limit.
//!
//! Sources: Kinesis API reference, PutRecord request parameters (lengths and patterns of
//! `StreamName`, `StreamARN`, `PartitionKey`, `ExplicitHashKey`, `SequenceNumberForOrdering`);
//! Kinesis developer guide, "Quotas and limits" (record size = data + partition key bytes, 1 MiB
//! by default); API reference, UpdateMaxRecordSize (1024 KiB to 10240 KiB). Patterns are full
//! matches with Java `java.util.regex` semantics, as the service applies them.
//!
//! Every refusal asserts the reported field and the exact `Rule`.

use kinesis_proto::{
    HashKey, InvalidInput, LengthUnit, PutRecordInput, PutRecordInputBuilder, RecordDistribution,
    Rule,
};

const ARN_PATTERN: &str = r"arn:aws.*:kinesis:.*:\d{12}:stream/\S+";
const NAME_PATTERN: &str = "[a-zA-Z0-9_.-]+";
const HASH_KEY_PATTERN: &str = r"0|([1-9]\d{0,38})";
const SEQ_PATTERN: &str = r"0|([1-9]\d{0,128})";
const ARN_BASE: &str = "arn:aws:kinesis:us-east-1:123456789012:stream/";
const MIB: usize = 1_048_576;
/// 2^128 - 1, the largest hash key.
const MAX_HASH_KEY: &str = "340282366920938463463374607431768211455";

/// A valid builder: stream `s`, key `k`, empty data.
fn valid() -> PutRecordInputBuilder<'static> {
    PutRecordInput::builder()
        .stream_name("s")
        .partition_key("k")
        .data(Vec::new())
}

fn refused(builder: PutRecordInputBuilder<'_>) -> InvalidInput {
    match builder.build() {
        Ok(input) => panic!("expected a refusal, built {input:?}"),
        Err(e) => e,
    }
}

fn assert_refused(builder: PutRecordInputBuilder<'_>, field: &str, rule: Rule) {
    let e = refused(builder);
    assert_eq!((e.field(), e.rule()), (field, &rule), "{e}");
    let shown = e.to_string();
    assert!(shown.starts_with(&format!("{field}: ")), "{shown}");
    assert!(!shown.contains('\n'), "one line: {shown:?}");
}

fn too_short(unit: LengthUnit) -> Rule {
    Rule::TooShort {
        len: 0,
        min: 1,
        unit,
    }
}

fn too_long(len: usize, max: usize, unit: LengthUnit) -> Rule {
    Rule::TooLong { len, max, unit }
}

fn pattern(pattern: &'static str) -> Rule {
    Rule::Pattern { pattern }
}

// ---------------------------------------------------------------------------------------------
// StreamName: 1 to 128 characters of [a-zA-Z0-9_.-].

#[test]
fn stream_name_of_1_and_128_characters_is_accepted() {
    for name in ["a".to_owned(), "x".repeat(128)] {
        let input = valid().stream_name(name.as_str()).build().unwrap();
        assert_eq!(input.stream_name().unwrap().as_str(), name);
    }
}

#[test]
fn stream_name_takes_every_character_of_its_alphabet() {
    let alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-";
    assert!(valid().stream_name(alphabet).build().is_ok());
}

#[test]
fn empty_stream_name_is_refused_as_too_short() {
    assert_refused(
        valid().stream_name(""),
        "streamName",
        too_short(LengthUnit::Characters),
    );
}

#[test]
fn stream_name_of_129_characters_is_refused_as_too_long() {
    assert_refused(
        valid().stream_name("x".repeat(129)),
        "streamName",
        too_long(129, 128, LengthUnit::Characters),
    );
    assert_eq!(
        refused(valid().stream_name("x".repeat(129))).to_string(),
        "streamName: 129 characters, the limit is 128"
    );
}

#[test]
fn stream_name_with_a_character_outside_its_alphabet_is_refused_on_the_pattern() {
    for bad in [
        " ", "a b", "a/b", "a:b", "a+b", "a*", "é", "中", "😀", "a\n", "\t", "a\u{0}", "ａ",
    ] {
        assert_refused(
            valid().stream_name(bad),
            "streamName",
            pattern(NAME_PATTERN),
        );
    }
}

#[test]
fn stream_name_length_counts_characters_not_bytes_or_utf16_units() {
    // 128 emoji are 128 characters (256 UTF-16 units, 512 bytes): within the length limit, so
    // the pattern is what they break.
    assert_refused(
        valid().stream_name("😀".repeat(128)),
        "streamName",
        pattern(NAME_PATTERN),
    );
    assert_refused(
        valid().stream_name("é".repeat(128)),
        "streamName",
        pattern(NAME_PATTERN),
    );
    assert_refused(
        valid().stream_name("😀".repeat(129)),
        "streamName",
        too_long(129, 128, LengthUnit::Characters),
    );
}

// ---------------------------------------------------------------------------------------------
// StreamARN: 1 to 2048 UTF-16 code units, full match of arn:aws.*:kinesis:.*:\d{12}:stream/\S+.

#[test]
fn stream_arn_of_2048_ascii_units_is_accepted_and_2049_refused() {
    let fill = 2048 - ARN_BASE.len();
    let at = format!("{ARN_BASE}{}", "s".repeat(fill));
    assert_eq!(at.encode_utf16().count(), 2048);
    assert!(valid().stream_arn(at.as_str()).build().is_ok());
    assert_refused(
        valid().stream_arn(format!("{at}s")),
        "streamARN",
        too_long(2049, 2048, LengthUnit::Utf16CodeUnits),
    );
}

#[test]
fn stream_arn_length_counts_astral_characters_as_two_units() {
    // 46 ASCII + 1001 emoji = 2048 UTF-16 units in 1047 characters.
    let at = format!("{ARN_BASE}{}", "😀".repeat(1001));
    assert_eq!(at.encode_utf16().count(), 2048);
    assert_eq!(at.chars().count(), 1047);
    assert!(valid().stream_arn(at.as_str()).build().is_ok());
    assert_refused(
        valid().stream_arn(format!("{at}s")),
        "streamARN",
        too_long(2049, 2048, LengthUnit::Utf16CodeUnits),
    );
    assert_refused(
        valid().stream_arn(format!("{at}😀")),
        "streamARN",
        too_long(2050, 2048, LengthUnit::Utf16CodeUnits),
    );
    // Three-byte characters count one unit each: 2002 of them fit (6006 bytes).
    let at = format!("{ARN_BASE}{}", "中".repeat(2002));
    assert!(valid().stream_arn(at.as_str()).build().is_ok());
    assert_refused(
        valid().stream_arn(format!("{at}中")),
        "streamARN",
        too_long(2049, 2048, LengthUnit::Utf16CodeUnits),
    );
}

#[test]
fn empty_stream_arn_is_refused_as_too_short() {
    assert_refused(
        valid().stream_arn(""),
        "streamARN",
        too_short(LengthUnit::Utf16CodeUnits),
    );
}

#[test]
fn stream_arn_pattern_accepts_its_edge_cases() {
    for ok in [
        "arn:aws:kinesis::123456789012:stream/s",
        "arn:aws-cn:kinesis:cn-north-1:123456789012:stream/s",
        "arn:aws-us-gov:kinesis:us-gov-west-1:123456789012:stream/s",
        // `.*` takes anything but a line terminator: spaces, colons, VT, non-ASCII.
        "arn:awsX y:kinesis: a:b :123456789012:stream/s",
        "arn:aws:kinesis:\u{0B}\u{0C}\t:123456789012:stream/s",
        "arn:aws:kinesis:é中😀:123456789012:stream/s",
        "arn:aws:x:kinesis:y:kinesis:z:123456789012:stream/s",
        "arn:aws:kinesis::1:123456789012:stream/s",
        // `\S+` takes anything but ASCII whitespace: `:`, `/`, quotes, non-ASCII, and the
        // Unicode line and space separators.
        "arn:aws:kinesis::123456789012:stream/a:b/c\"d\\e",
        "arn:aws:kinesis::123456789012:stream/é中😀",
        "arn:aws:kinesis::123456789012:stream/\u{85}\u{2028}\u{2029}\u{A0}\u{3000}",
        "arn:aws:kinesis::123456789012:stream/:stream/",
        // A later `:\d{12}:stream/` can make the match when an earlier one cannot.
        "arn:aws:kinesis::123456789012:stream/a b:123456789012:stream/c",
        "arn:aws:kinesis:x:123456789012:stream/\u{7F}",
    ] {
        assert!(
            valid().stream_arn(ok).build().is_ok(),
            "{ok:?} should be accepted"
        );
    }
}

#[test]
fn stream_arn_pattern_refuses_its_edge_cases() {
    for bad in [
        "s",
        "arn:aws:kinesis::123456789012:stream/",
        "arn:aws:kinesis::123456789012:stream",
        " arn:aws:kinesis::123456789012:stream/s",
        "ARN:aws:kinesis::123456789012:stream/s",
        "arn:aw:kinesis::123456789012:stream/s",
        "arn:aws:Kinesis::123456789012:stream/s",
        "arn:aws:kinesis:123456789012:stream/s",
        "arn:aws:kinesis::12345678901:stream/s",
        "arn:aws:kinesis::1234567890123:stream/s",
        "arn:aws:kinesis::12345678901a:stream/s",
        "arn:aws:kinesis::１２３４５６７８９０１２:stream/s",
        "arn:aws:kinesis::123456789012:Stream/s",
        "arn:aws:kinesis::123456789012:stream:s",
        // `\S+` to the end: no ASCII whitespace in the stream part, not even trailing.
        "arn:aws:kinesis::123456789012:stream/s ",
        "arn:aws:kinesis::123456789012:stream/s\n",
        "arn:aws:kinesis::123456789012:stream/a\tb",
        "arn:aws:kinesis::123456789012:stream/a\u{0B}b",
        "arn:aws:kinesis::123456789012:stream/a\u{0C}b",
        "arn:aws:kinesis::123456789012:stream/a\rb",
        // `.` refuses Java's line terminators before `:kinesis:` and after it.
        "arn:aws\n:kinesis::123456789012:stream/s",
        "arn:aws\r:kinesis::123456789012:stream/s",
        "arn:aws\u{85}:kinesis::123456789012:stream/s",
        "arn:aws\u{2028}:kinesis::123456789012:stream/s",
        "arn:aws\u{2029}:kinesis::123456789012:stream/s",
        "arn:aws:kinesis:\n:123456789012:stream/s",
        "arn:aws:kinesis:\u{85}:123456789012:stream/s",
        "arn:aws:kinesis:\u{2029}:123456789012:stream/s",
    ] {
        assert_refused(valid().stream_arn(bad), "streamARN", pattern(ARN_PATTERN));
    }
}

// ---------------------------------------------------------------------------------------------
// At least one of StreamName and StreamARN.

#[test]
fn stream_name_arn_or_both_identify_the_stream() {
    let arn = format!("{ARN_BASE}s");
    let name_only = valid().build().unwrap();
    assert!(name_only.stream_arn().is_none());
    let arn_only = PutRecordInput::builder()
        .stream_arn(arn.as_str())
        .partition_key("k")
        .data(Vec::new())
        .build()
        .unwrap();
    assert!(arn_only.stream_name().is_none());
    assert_eq!(arn_only.stream_arn().unwrap().as_str(), arn);
    let both = valid().stream_arn(arn.as_str()).build().unwrap();
    assert!(both.stream_name().is_some() && both.stream_arn().is_some());
}

#[test]
fn missing_stream_is_reported_on_stream_name() {
    assert_refused(
        PutRecordInput::builder()
            .partition_key("k")
            .data(Vec::new()),
        "streamName",
        Rule::Missing,
    );
}

#[test]
fn missing_partition_key_is_reported_on_partition_key() {
    assert_refused(
        PutRecordInput::builder().stream_name("s").data(Vec::new()),
        "partitionKey",
        Rule::Missing,
    );
}

#[test]
fn missing_data_is_reported_on_data_and_empty_data_is_accepted() {
    assert_refused(
        PutRecordInput::builder()
            .stream_name("s")
            .partition_key("k"),
        "data",
        Rule::Missing,
    );
    assert_eq!(valid().data(&b""[..]).build().unwrap().data(), b"");
}

// ---------------------------------------------------------------------------------------------
// PartitionKey: 1 to 256 UTF-16 code units.

#[test]
fn partition_key_of_256_units_is_accepted_and_257_refused_for_every_utf8_width() {
    // (character, UTF-8 bytes, UTF-16 units)
    for (c, bytes, units) in [("k", 1, 1), ("é", 2, 1), ("中", 3, 1), ("😀", 4, 2)] {
        assert_eq!((c.len(), c.encode_utf16().count()), (bytes, units));
        let at = c.repeat(256 / units);
        assert_eq!(at.encode_utf16().count(), 256);
        let input = valid().partition_key(at.as_str()).build().unwrap();
        assert_eq!(input.partition_key().unwrap().as_str(), at);

        let over = format!("{at}k");
        assert_refused(
            valid().partition_key(over.as_str()),
            "partitionKey",
            too_long(257, 256, LengthUnit::Utf16CodeUnits),
        );
        let over = format!("{at}{c}");
        assert_refused(
            valid().partition_key(over.as_str()),
            "partitionKey",
            too_long(256 + units, 256, LengthUnit::Utf16CodeUnits),
        );
    }
}

#[test]
fn partition_key_too_long_reads_as_documented() {
    let e = refused(valid().partition_key("k".repeat(257)));
    assert_eq!(
        e.to_string(),
        "partitionKey: 257 UTF-16 code units, the limit is 256"
    );
}

#[test]
fn partition_key_of_255_units_plus_one_emoji_is_257_units() {
    assert_refused(
        valid().partition_key(format!("{}😀", "k".repeat(255))),
        "partitionKey",
        too_long(257, 256, LengthUnit::Utf16CodeUnits),
    );
}

#[test]
fn empty_partition_key_is_refused_as_too_short() {
    assert_refused(
        valid().partition_key(""),
        "partitionKey",
        too_short(LengthUnit::Utf16CodeUnits),
    );
}

#[test]
fn partition_key_of_one_unit_is_accepted() {
    for k in ["k", "\u{0}", "\n", " ", "é", "中"] {
        assert!(valid().partition_key(k).build().is_ok(), "{k:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// Record size: data bytes + partition key UTF-8 bytes <= the stream's maximum record size.

/// A builder whose record is `size` bytes: key `key`, data of `size - key.len()` bytes.
fn record_of(size: usize, key: &'static str) -> PutRecordInputBuilder<'static> {
    PutRecordInput::builder()
        .stream_name("s")
        .partition_key(key)
        .data(vec![0xA5; size - key.len()])
}

fn too_large(size: usize, limit: usize) -> Rule {
    Rule::RecordTooLarge { size, limit }
}

#[test]
fn record_of_exactly_1_mib_is_accepted_and_one_byte_more_refused() {
    let input = record_of(MIB, "k").build().unwrap();
    assert_eq!(input.record_size(), MIB);
    assert_refused(record_of(MIB + 1, "k"), "data", too_large(MIB + 1, MIB));
}

#[test]
fn record_size_counts_the_partition_keys_utf8_bytes_not_its_characters() {
    // 256 three-byte characters: 256 units, 768 bytes.
    let key: &'static str = "中".repeat(256).leak();
    assert_eq!(key.len(), 768);
    let input = record_of(MIB, key).build().unwrap();
    assert_eq!(input.record_size(), MIB);
    assert_eq!(input.data().len(), MIB - 768);
    assert_refused(record_of(MIB + 1, key), "data", too_large(MIB + 1, MIB));

    let key = "é😀"; // 6 bytes, 2 characters, 3 units
    assert!(record_of(MIB, key).build().is_ok());
    assert_refused(record_of(MIB + 1, key), "data", too_large(MIB + 1, MIB));
}

#[test]
fn record_size_at_and_over_a_raised_5_mib_limit() {
    let limit = 5 * MIB;
    assert!(
        record_of(limit, "key")
            .max_record_size(limit)
            .build()
            .is_ok()
    );
    assert_refused(
        record_of(limit + 1, "key").max_record_size(limit),
        "data",
        too_large(limit + 1, limit),
    );
    // The default limit would have refused it.
    assert_refused(record_of(limit, "key"), "data", too_large(limit, MIB));
}

#[test]
fn record_size_at_and_over_the_highest_10_mib_limit() {
    let limit = 10 * MIB;
    assert_eq!(limit, 10_485_760);
    let input = record_of(limit, "k😀")
        .max_record_size(limit)
        .build()
        .unwrap();
    assert_eq!(input.record_size(), limit);
    assert_refused(
        record_of(limit + 1, "k😀").max_record_size(limit),
        "data",
        too_large(limit + 1, limit),
    );
}

#[test]
fn keyless_auto_record_counts_its_data_alone() {
    let auto = |len| {
        PutRecordInput::builder()
            .stream_name("s")
            .record_distribution(RecordDistribution::Auto)
            .data(vec![0; len])
    };
    assert_eq!(auto(MIB).build().unwrap().record_size(), MIB);
    assert_refused(auto(MIB + 1), "data", too_large(MIB + 1, MIB));
}

#[test]
fn max_record_size_is_accepted_from_1_mib_to_10_mib_inclusive() {
    for ok in [1_048_576, 1_048_577, 5 * MIB, 10_485_759, 10_485_760] {
        assert!(valid().max_record_size(ok).build().is_ok(), "{ok}");
    }
}

#[test]
fn max_record_size_outside_1_mib_to_10_mib_is_refused_on_max_record_size() {
    for value in [0, 1, 1_048_575, 10_485_761, usize::MAX] {
        assert_refused(
            valid().max_record_size(value),
            "maxRecordSize",
            Rule::OutOfRange {
                value,
                min: 1_048_576,
                max: 10_485_760,
            },
        );
    }
}

// ---------------------------------------------------------------------------------------------
// ExplicitHashKey: full match of 0|([1-9]\d{0,38}), and at most 2^128-1.

#[test]
fn explicit_hash_key_accepts_0_and_2_pow_128_minus_1() {
    let zero = valid().explicit_hash_key("0").build().unwrap();
    assert_eq!(zero.explicit_hash_key(), Some(HashKey::MIN));
    assert_eq!(zero.hash_key(), Some(HashKey::new(0)));
    let max = valid().explicit_hash_key(MAX_HASH_KEY).build().unwrap();
    assert_eq!(max.explicit_hash_key(), Some(HashKey::MAX));
    assert_eq!(max.hash_key().map(HashKey::get), Some(u128::MAX));
    assert_eq!(u128::MAX.to_string(), MAX_HASH_KEY);
}

#[test]
fn explicit_hash_key_above_2_pow_128_minus_1_is_refused_as_out_of_range() {
    for big in [
        "340282366920938463463374607431768211456", // 2^128
        "340282366920938463463374607431768211465",
        "400000000000000000000000000000000000000",
        "999999999999999999999999999999999999999", // 39 nines
    ] {
        assert_refused(
            valid().explicit_hash_key(big),
            "explicitHashKey",
            Rule::HashKeyOutOfRange,
        );
    }
}

#[test]
fn explicit_hash_key_that_breaks_the_pattern_is_refused_on_the_pattern() {
    let forty_digits = format!("1{}", "0".repeat(39));
    for bad in [
        "",
        "01",
        "00",
        "-1",
        "+1",
        " 1",
        "1 ",
        "1_000",
        "1e3",
        "0x1",
        "١",
        "１",
        forty_digits.as_str(),
        "3402823669209384634633746074317682114550",
    ] {
        assert_refused(
            valid().explicit_hash_key(bad),
            "explicitHashKey",
            pattern(HASH_KEY_PATTERN),
        );
    }
}

#[test]
fn explicit_hash_key_replaces_the_partition_keys_md5_for_routing() {
    let by_key = valid().partition_key("abcd").build().unwrap();
    assert_eq!(by_key.hash_key(), Some(HashKey::from_partition_key("abcd")));
    let explicit = valid()
        .partition_key("abcd")
        .explicit_hash_key("42")
        .build()
        .unwrap();
    assert_eq!(explicit.hash_key(), Some(HashKey::new(42)));
}

// ---------------------------------------------------------------------------------------------
// SequenceNumberForOrdering: full match of 0|([1-9]\d{0,128}).

#[test]
fn sequence_number_of_1_to_129_digits_is_accepted() {
    for ok in [
        "0".to_owned(),
        "1".to_owned(),
        format!("1{}", "0".repeat(128)),
        "9".repeat(129),
    ] {
        let input = valid()
            .sequence_number_for_ordering(ok.as_str())
            .build()
            .unwrap();
        assert_eq!(input.sequence_number_for_ordering().unwrap().as_str(), ok);
    }
}

#[test]
fn sequence_number_of_130_digits_or_non_canonical_form_is_refused_on_the_pattern() {
    let digits_130 = format!("1{}", "0".repeat(129));
    for bad in [
        "",
        "01",
        "00",
        "-1",
        "+1",
        " 1",
        "1 ",
        "1.0",
        "1a",
        "٣",
        "１",
        &digits_130,
    ] {
        assert_refused(
            valid().sequence_number_for_ordering(bad),
            "sequenceNumberForOrdering",
            pattern(SEQ_PATTERN),
        );
    }
}

// ---------------------------------------------------------------------------------------------
// AUTO record distribution.

fn auto() -> PutRecordInputBuilder<'static> {
    PutRecordInput::builder()
        .stream_name("s")
        .data(&b"x"[..])
        .record_distribution(RecordDistribution::Auto)
}

#[test]
fn auto_stream_takes_a_record_without_partition_key_and_predicts_no_shard() {
    let input = auto().build().unwrap();
    assert!(input.partition_key().is_none());
    assert_eq!(input.record_distribution(), RecordDistribution::Auto);
    assert_eq!(input.hash_key(), None);
}

#[test]
fn auto_stream_takes_a_partition_key_but_still_predicts_no_shard() {
    let input = auto().partition_key("abcd").build().unwrap();
    assert_eq!(input.partition_key().unwrap().as_str(), "abcd");
    assert_eq!(input.hash_key(), None);
}

#[test]
fn auto_stream_still_validates_a_given_partition_key() {
    assert_refused(
        auto().partition_key(""),
        "partitionKey",
        too_short(LengthUnit::Utf16CodeUnits),
    );
    assert_refused(
        auto().partition_key("k".repeat(257)),
        "partitionKey",
        too_long(257, 256, LengthUnit::Utf16CodeUnits),
    );
}

#[test]
fn auto_stream_refuses_an_explicit_hash_key() {
    assert_refused(
        auto().explicit_hash_key("0"),
        "explicitHashKey",
        Rule::NotAllowedWithAutoDistribution,
    );
    assert_refused(
        auto().partition_key("k").explicit_hash_key(MAX_HASH_KEY),
        "explicitHashKey",
        Rule::NotAllowedWithAutoDistribution,
    );
}

#[test]
fn auto_stream_refuses_a_sequence_number_for_ordering() {
    assert_refused(
        auto().sequence_number_for_ordering("1"),
        "sequenceNumberForOrdering",
        Rule::NotAllowedWithAutoDistribution,
    );
}

#[test]
fn user_partition_key_is_the_default_distribution() {
    assert_eq!(
        valid().build().unwrap().record_distribution(),
        RecordDistribution::UserPartitionKey
    );
    assert_eq!(
        RecordDistribution::default(),
        RecordDistribution::UserPartitionKey
    );
}

// ---------------------------------------------------------------------------------------------
// Order of the checks and the shape of the error.

#[test]
fn build_reports_the_first_broken_rule_in_the_documented_order() {
    // Everything wrong at once; fix one member at a time and watch the next one be reported.
    let all_wrong = || {
        PutRecordInput::builder()
            .max_record_size(0)
            .stream_name("bad name")
            .stream_arn("bad arn")
            .partition_key("")
            .explicit_hash_key("01")
            .sequence_number_for_ordering("01")
    };
    assert_eq!(refused(all_wrong()).field(), "maxRecordSize");
    let b = all_wrong().max_record_size(MIB);
    assert_eq!(refused(b.clone()).field(), "streamName");
    let b = b.stream_name("s");
    assert_eq!(refused(b.clone()).field(), "streamARN");
    let b = b.stream_arn(format!("{ARN_BASE}s"));
    assert_eq!(refused(b.clone()).field(), "partitionKey");
    let b = b.partition_key("k");
    assert_eq!(refused(b.clone()).field(), "data");
    let b = b.data(vec![0; MIB]);
    assert_eq!(refused(b.clone()).field(), "explicitHashKey");
    let b = b.explicit_hash_key("1");
    assert_eq!(refused(b.clone()).field(), "sequenceNumberForOrdering");
    let b = b.sequence_number_for_ordering("1");
    assert_refused(b.clone(), "data", too_large(MIB + 1, MIB));
    assert!(b.data(vec![0; MIB - 1]).build().is_ok());
}

#[test]
fn a_later_setter_call_replaces_an_earlier_invalid_value() {
    assert!(
        valid()
            .stream_name("bad name")
            .stream_name("good")
            .build()
            .is_ok()
    );
    assert!(valid().partition_key("").partition_key("k").build().is_ok());
    assert!(
        valid()
            .explicit_hash_key("x")
            .explicit_hash_key("1")
            .build()
            .is_ok()
    );
}

#[test]
fn error_messages_are_one_line_and_never_carry_the_payload() {
    let secret = "SECRET-PAYLOAD";
    let errors = [
        refused(valid().partition_key(format!("{secret}{}", "k".repeat(300)))),
        refused(valid().stream_name(format!("{secret} "))),
        refused(valid().stream_arn(secret)),
        refused(valid().explicit_hash_key(secret)),
        refused(valid().sequence_number_for_ordering(secret)),
        refused(record_of(MIB + 1, "k")),
        refused(PutRecordInput::builder().stream_name("s").data(Vec::new())),
    ];
    for e in errors {
        let shown = e.to_string();
        assert!(!shown.contains(secret), "{shown}");
        assert!(!shown.contains('\n'), "{shown:?}");
        assert!(shown.starts_with(e.field()), "{shown}");
    }
    assert_eq!(
        refused(valid().max_record_size(1_048_575)).to_string(),
        "maxRecordSize: 1048575 is outside the allowed range 1048576..=10485760"
    );
}
