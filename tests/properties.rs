//! Property tests.
//!
//! (a) Any valid input builds a request whose body is the compact JSON object of exactly that
//!     input, members in the documented order, sized exactly.
//! (b) Each validator agrees with a plain reference implementation of its rule: the pattern of
//!     the Kinesis API reference as a `regex` with Java's semantics spelled out (`.` = any
//!     character but `\n`, `\r`, U+0085, U+2028, U+2029; `\d` = `[0-9]`; `\s` =
//!     `[ \t\n\x0B\f\r]`), plus the length rule in UTF-16 code units and the numeric range.
//! (c) Nothing panics on arbitrary builder input, and whatever builds turns into a request with
//!     a valid JSON body.
//!
//! Case counts are modest so that `cargo test` stays fast; raise `PROPTEST_CASES` to search
//! harder.

use std::sync::LazyLock;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use kinesis_proto::{
    Endpoint, HashKey, PartitionKey, PutRecordInput, RecordDistribution, Rule, SequenceNumber,
    StreamArn, StreamName,
};
use proptest::prelude::*;
use proptest::sample::select;
use regex::Regex;
use serde_json::Value;

// ---------------------------------------------------------------------------------------------
// Reference implementations of the rules (Kinesis API reference, PutRecord).

/// `StreamName`: length 1 to 128, pattern `[a-zA-Z0-9_.-]+`.
static STREAM_NAME: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\A[a-zA-Z0-9_.-]{1,128}\z").unwrap());

/// `StreamARN`: pattern `arn:aws.*:kinesis:.*:\d{12}:stream/\S+`, in Java semantics.
static STREAM_ARN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        "\\Aarn:aws[^\n\r\u{85}\u{2028}\u{2029}]*:kinesis:[^\n\r\u{85}\u{2028}\u{2029}]*\
         :[0-9]{12}:stream/[^ \t\n\x0B\x0C\r]+\\z",
    )
    .unwrap()
});

/// `ExplicitHashKey`: pattern `0|([1-9]\d{0,38})`.
static HASH_KEY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\A(0|[1-9][0-9]{0,38})\z").unwrap());

/// `SequenceNumberForOrdering`: pattern `0|([1-9]\d{0,128})`.
static SEQUENCE_NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\A(0|[1-9][0-9]{0,128})\z").unwrap());

fn utf16_len(s: &str) -> usize {
    s.encode_utf16().count()
}

fn stream_arn_is_valid(s: &str) -> bool {
    (1..=2048).contains(&utf16_len(s)) && STREAM_ARN.is_match(s)
}

fn partition_key_is_valid(s: &str) -> bool {
    (1..=256).contains(&utf16_len(s))
}

/// `Ok(value)` for a valid explicit hash key, else whether the pattern held.
fn hash_key_reference(s: &str) -> Result<u128, bool> {
    if !HASH_KEY.is_match(s) {
        return Err(false);
    }
    s.parse::<u128>().map_err(|_| true)
}

// ---------------------------------------------------------------------------------------------
// Strategies.

/// Characters that stress JSON escaping and UTF-16 counting, and anything else.
fn tricky_char() -> impl Strategy<Value = char> {
    prop_oneof![
        3 => any::<char>(),
        2 => (0u8..0x20).prop_map(char::from),
        2 => select(vec!['"', '\\', '/', '\u{7F}', 'é', '中', '😀', '\u{85}', '\u{2028}', '\u{FFFF}', '\u{10FFFF}']),
        3 => proptest::char::range('a', 'z'),
    ]
}

fn tricky_string(max_chars: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(tricky_char(), 0..=max_chars).prop_map(|v| v.into_iter().collect())
}

fn valid_stream_name() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9_.-]{1,128}"
}

/// A valid ARN with interesting characters in both `.*` parts and the `\S+` part.
fn valid_stream_arn() -> impl Strategy<Value = String> {
    let dot = "[^\n\r\u{85}\u{2028}\u{2029}]{0,12}";
    (
        select(vec!["", "-cn", "-us-gov", "x y"]),
        dot,
        "[0-9]{12}",
        "[^ \t\n\u{0B}\u{0C}\r]{1,24}",
    )
        .prop_map(|(p, r, d, s)| format!("arn:aws{p}:kinesis:{r}:{d}:stream/{s}"))
}

/// A valid partition key: 1 to 128 characters, hence at most 256 UTF-16 code units.
fn valid_partition_key() -> impl Strategy<Value = String> {
    proptest::collection::vec(tricky_char(), 1..=128).prop_map(|v| v.into_iter().collect())
}

fn valid_sequence_number() -> impl Strategy<Value = String> {
    prop_oneof![Just("0".to_owned()), "[1-9][0-9]{0,128}"]
}

/// Pieces that ARNs are made of, and ways to break them.
fn arn_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => select(vec![
            "arn:aws", "arn:", "aws", ":kinesis:", ":kinesis", "kinesis:", ":stream/", ":stream",
            "stream/", ":", "/", "-cn", " ", "\t", "\n", "\r", "\u{0B}", "\u{0C}", "\u{85}",
            "\u{2028}", "\u{2029}", "\u{A0}", "é", "😀", "s", "x", "1", "01",
        ])
        .prop_map(str::to_owned),
        2 => "[0-9]{11,13}",
        1 => tricky_string(4),
    ]
}

/// Strings shaped like ARNs: a template whose fixed parts are usually right and whose free
/// parts are soups of pieces (so that a line terminator or a whitespace lands in every slot),
/// a soup alone, long ARNs around the length limit, or anything.
fn arn_like() -> impl Strategy<Value = String> {
    let soup = || proptest::collection::vec(arn_piece(), 0..4).prop_map(|v| v.concat());
    let mostly = |right: &'static str, wrong: Vec<&'static str>| prop_oneof![6 => Just(right), 1 => select(wrong)];
    prop_oneof![
        5 => (
            mostly("arn:aws", vec!["arn:aw", "ARN:aws", " arn:aws", "arn:aws\n"]),
            soup(),
            mostly(":kinesis:", vec![":kinesis", ":Kinesis:", "kinesis:"]),
            soup(),
            mostly(":", vec!["", "::"]),
            prop_oneof![6 => "[0-9]{12}", 1 => "[0-9]{10,14}", 1 => "[0-9a]{12}"],
            mostly(":stream/", vec![":stream", "stream/", ":Stream/"]),
            prop_oneof![2 => soup(), 1 => "[!-~]{1,8}"],
        )
            .prop_map(|(a, b, c, d, e, f, g, h)| format!("{a}{b}{c}{d}{e}{f}{g}{h}")),
        2 => proptest::collection::vec(arn_piece(), 0..12).prop_map(|v| v.concat()),
        1 => any::<String>(),
        // Around the 2048-unit limit, with one- and two-unit characters.
        1 => (2030usize..2060, select(vec!["s", "é", "😀"])).prop_map(|(n, c)| {
            let base = "arn:aws:kinesis:us-east-1:123456789012:stream/";
            let units = utf16_len(c);
            format!("{base}{}", c.repeat((n - base.len()).div_ceil(units)))
        }),
    ]
}

fn decimal_like(max_digits: usize) -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::string::string_regex(&format!("[0-9]{{0,{max_digits}}}")).unwrap(),
        2 => proptest::string::string_regex(&format!("[1-9][0-9]{{{},{}}}", max_digits - 3, max_digits + 1)).unwrap(),
        2 => proptest::collection::vec(
            select(vec!["0", "1", "9", "-", "+", " ", "\n", "a", "٣", "１", "e"]),
            0..6,
        )
        .prop_map(|v| v.concat()),
        1 => any::<String>(),
    ]
}

/// Hash keys near 2^128, where the 39-digit pattern and the numeric range disagree.
fn hash_key_like() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => decimal_like(39),
        2 => (0u128..1000).prop_map(|d| (u128::MAX - d).to_string()),
        2 => (0u32..1000).prop_map(|d| {
            // 2^128 + d, written out with u128 arithmetic on the digits.
            let max = u128::MAX.to_string(); // ends in ...455
            let (head, tail) = max.split_at(max.len() - 4);
            let tail: u32 = tail.parse().unwrap();
            format!("{head}{}", tail + 1 + d)
        }),
        1 => any::<u128>().prop_map(|v| v.to_string()),
    ]
}

// ---------------------------------------------------------------------------------------------
// (a) Valid input -> exactly that input on the wire.

/// A valid input, as raw values.
#[derive(Debug, Clone)]
struct Valid {
    name: Option<String>,
    arn: Option<String>,
    key: Option<String>,
    data: Vec<u8>,
    hash_key: Option<u128>,
    seq: Option<String>,
    dry_run: Option<bool>,
    auto: bool,
}

fn valid_input() -> impl Strategy<Value = Valid> {
    let stream = prop_oneof![
        (valid_stream_name(), Just(None)).prop_map(|(n, a)| (Some(n), a)),
        valid_stream_arn().prop_map(|a| (None, Some(a))),
        (valid_stream_name(), valid_stream_arn()).prop_map(|(n, a)| (Some(n), Some(a))),
    ];
    (
        stream,
        proptest::option::weighted(0.9, valid_partition_key()),
        proptest::collection::vec(any::<u8>(), 0..2048),
        proptest::option::of(any::<u128>()),
        proptest::option::of(valid_sequence_number()),
        proptest::option::of(any::<bool>()),
        proptest::bool::weighted(0.2),
    )
        .prop_map(|((name, arn), key, data, hash_key, seq, dry_run, auto)| {
            // A key is required unless the stream is AUTO, where hash key and sequence number
            // are refused.
            let auto = auto || key.is_none();
            let (hash_key, seq) = if auto { (None, None) } else { (hash_key, seq) };
            Valid {
                name,
                arn,
                key,
                data,
                hash_key,
                seq,
                dry_run,
                auto,
            }
        })
}

impl Valid {
    fn build(&self) -> PutRecordInput<'_> {
        let mut b = PutRecordInput::builder().data(&self.data[..]);
        if let Some(v) = &self.name {
            b = b.stream_name(v);
        }
        if let Some(v) = &self.arn {
            b = b.stream_arn(v);
        }
        if let Some(v) = &self.key {
            b = b.partition_key(v);
        }
        if let Some(v) = self.hash_key {
            b = b.explicit_hash_key(HashKey::new(v));
        }
        if let Some(v) = &self.seq {
            b = b.sequence_number_for_ordering(v);
        }
        if let Some(v) = self.dry_run {
            b = b.dry_run(v);
        }
        if self.auto {
            b = b.record_distribution(RecordDistribution::Auto);
        }
        b.build()
            .unwrap_or_else(|e| panic!("valid input refused: {e}\n{self:?}"))
    }

    /// The members that must be on the wire, in the documented order.
    fn members(&self) -> Vec<(&'static str, Value)> {
        let s = |v: &str| Value::String(v.to_owned());
        let mut m = Vec::new();
        if let Some(v) = &self.name {
            m.push(("StreamName", s(v)));
        }
        m.push(("Data", s(&STANDARD.encode(&self.data))));
        if let Some(v) = &self.key {
            m.push(("PartitionKey", s(v)));
        }
        if let Some(v) = self.hash_key {
            m.push(("ExplicitHashKey", s(&v.to_string())));
        }
        if let Some(v) = &self.seq {
            m.push(("SequenceNumberForOrdering", s(v)));
        }
        if let Some(v) = &self.arn {
            m.push(("StreamARN", s(v)));
        }
        if let Some(v) = self.dry_run {
            m.push(("DryRun", Value::Bool(v)));
        }
        m
    }
}

/// The top-level member names of a compact JSON object of strings and booleans, in order.
/// Panics on anything else, whitespace included.
fn top_level_keys(body: &[u8]) -> Vec<String> {
    fn string_end(body: &[u8], mut i: usize) -> usize {
        assert_eq!(body[i], b'"');
        i += 1;
        loop {
            match body[i] {
                b'\\' => i += 2,
                b'"' => return i + 1,
                _ => i += 1,
            }
        }
    }
    assert_eq!(body.first(), Some(&b'{'));
    let mut keys = Vec::new();
    let mut i = 1;
    loop {
        let end = string_end(body, i);
        keys.push(String::from_utf8(body[i + 1..end - 1].to_vec()).unwrap());
        assert_eq!(body[end], b':', "compact: no space after a name");
        i = end + 1;
        i = match body[i] {
            b'"' => string_end(body, i),
            b't' if body[i..].starts_with(b"true") => i + 4,
            b'f' if body[i..].starts_with(b"false") => i + 5,
            other => panic!("unexpected value byte {other:#x}"),
        };
        match body[i] {
            b',' => i += 1,
            b'}' => {
                assert_eq!(i + 1, body.len(), "nothing after the object");
                return keys;
            }
            other => panic!("unexpected byte {other:#x} after a value"),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(192))]

    #[test]
    fn valid_input_builds_a_body_that_is_exactly_that_input(v in valid_input()) {
        let input = v.build();
        let endpoint = Endpoint::regional("us-east-1").unwrap();
        let request = input.to_http_request(&endpoint);
        let body = request.body();
        let members = v.members();

        // Byte for byte: each member as serde_json writes the value, in order, no spaces.
        let mut expected = b"{".to_vec();
        for (i, (name, value)) in members.iter().enumerate() {
            if i > 0 {
                expected.push(b',');
            }
            expected.extend_from_slice(format!("\"{name}\":").as_bytes());
            expected.extend_from_slice(&serde_json::to_vec(value).unwrap());
        }
        expected.push(b'}');
        prop_assert_eq!(
            String::from_utf8_lossy(body),
            String::from_utf8_lossy(&expected)
        );

        // Member order, read from the raw body.
        let names: Vec<&str> = members.iter().map(|(n, _)| *n).collect();
        prop_assert_eq!(top_level_keys(body), names);

        // Parsed back: every member equal, none extra, data decoding to the same bytes.
        let parsed: Value = serde_json::from_slice(body).unwrap();
        let object = parsed.as_object().unwrap();
        prop_assert_eq!(object.len(), members.len());
        for (name, value) in &members {
            prop_assert_eq!(&object[*name], value, "{}", name);
        }
        let data = STANDARD.decode(object["Data"].as_str().unwrap()).unwrap();
        prop_assert_eq!(&data, &v.data);

        // Sized exactly.
        prop_assert_eq!(
            request.headers()["content-length"].to_str().unwrap(),
            body.len().to_string()
        );
        prop_assert_eq!(body.capacity(), body.len());
        prop_assert_eq!(input.body_len(), body.len());
        let size = v.data.len() + v.key.as_ref().map_or(0, String::len);
        prop_assert_eq!(input.record_size(), size);
    }
}

/// The usual record: a stream name, a partition key (of every length the body writer copies
/// differently: 1 to 3, 4 to 7, 8 to 15, 16 to 32 bytes and longer) and nothing else.
fn usual_input() -> impl Strategy<Value = Valid> {
    (
        prop_oneof![valid_stream_name(), "[a-z]{1,40}"],
        prop_oneof![valid_partition_key(), "[ -~&&[^\"\\\\]]{1,40}"],
        proptest::collection::vec(any::<u8>(), 0..300),
    )
        .prop_map(|(name, key, data)| Valid {
            name: Some(name),
            arn: None,
            key: Some(key),
            data,
            hash_key: None,
            seq: None,
            dry_run: None,
            auto: false,
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// `write_body` into a reused buffer writes exactly the request's body, whatever the buffer
    /// held before: shorter than the body, as long, or longer (which the usual body is written
    /// over in place).
    #[test]
    fn write_body_over_any_leftover_bytes_is_the_request_body(
        v in prop_oneof![valid_input(), usual_input()],
        extra in 0usize..64,
        fill in any::<u8>(),
        shorter in any::<bool>(),
    ) {
        let input = v.build();
        let body = input
            .to_http_request(&Endpoint::regional("us-east-1").unwrap())
            .into_body();
        let leftover = if shorter {
            body.len().saturating_sub(extra + 1)
        } else {
            body.len() + extra
        };
        let mut buf = vec![fill; leftover];
        input.write_body(&mut buf);
        prop_assert_eq!(String::from_utf8_lossy(&buf), String::from_utf8_lossy(&body));
        // And again over its own output, as a hot loop reuses it.
        input.write_body(&mut buf);
        prop_assert_eq!(&buf, &body);
    }
}

// ---------------------------------------------------------------------------------------------
// (b) Validators agree with the reference implementations.

proptest! {
    #![proptest_config(ProptestConfig::with_cases(768))]

    #[test]
    fn stream_name_validator_agrees_with_its_pattern(
        s in prop_oneof![
            3 => "[a-zA-Z0-9_.-]{0,130}",
            2 => proptest::collection::vec(
                prop_oneof![
                    8 => proptest::char::range('a', 'z'),
                    1 => tricky_char(),
                ],
                120..135,
            )
            .prop_map(|v| v.into_iter().collect::<String>()),
            2 => tricky_string(6),
            1 => any::<String>(),
        ]
    ) {
        let ours = StreamName::new(&s);
        prop_assert_eq!(ours.is_ok(), STREAM_NAME.is_match(&s), "{:?}: {:?}", s, ours);
        if let Err(e) = ours {
            prop_assert_eq!(e.field(), "streamName");
        }
    }

    #[test]
    fn stream_arn_validator_agrees_with_its_java_pattern_and_utf16_length(s in arn_like()) {
        let ours = StreamArn::new(&s);
        prop_assert_eq!(ours.is_ok(), stream_arn_is_valid(&s), "{:?}: {:?}", s, ours);
        match ours {
            Ok(arn) => prop_assert_eq!(arn.as_str(), s.as_str()),
            Err(e) => {
                prop_assert_eq!(e.field(), "streamARN");
                let len = utf16_len(&s);
                match e.rule() {
                    Rule::TooShort { len: l, .. } | Rule::TooLong { len: l, .. } => {
                        prop_assert_eq!(*l, len);
                        prop_assert!(!(1..=2048).contains(&len));
                    }
                    Rule::Pattern { .. } => {
                        prop_assert!((1..=2048).contains(&len));
                        prop_assert!(!STREAM_ARN.is_match(&s));
                    }
                    other => prop_assert!(false, "unexpected rule {:?}", other),
                }
            }
        }
    }

    #[test]
    fn partition_key_validator_counts_utf16_code_units(
        s in prop_oneof![
            3 => proptest::collection::vec(tricky_char(), 0..=260)
                .prop_map(|v| v.into_iter().collect::<String>()),
            2 => (250usize..262, select(vec!["k", "é", "中", "😀"]))
                .prop_map(|(n, c)| c.repeat(n)),
            1 => (126usize..131).prop_map(|n| format!("{}k", "😀".repeat(n))),
        ]
    ) {
        let ours = PartitionKey::new(&s);
        prop_assert_eq!(ours.is_ok(), partition_key_is_valid(&s));
        if let Err(e) = ours {
            prop_assert_eq!(e.field(), "partitionKey");
            match e.rule() {
                Rule::TooShort { len, .. } | Rule::TooLong { len, .. } => {
                    prop_assert_eq!(*len, utf16_len(&s))
                }
                other => prop_assert!(false, "unexpected rule {:?}", other),
            }
        }
    }

    #[test]
    fn explicit_hash_key_validator_agrees_with_its_pattern_and_range(s in hash_key_like()) {
        let ours = s.parse::<HashKey>();
        match (ours, hash_key_reference(&s)) {
            (Ok(h), Ok(v)) => {
                prop_assert_eq!(h.get(), v);
                prop_assert_eq!(h.to_string(), s);
            }
            (Err(e), Err(pattern_held)) => {
                prop_assert_eq!(e.field(), "explicitHashKey");
                if pattern_held {
                    prop_assert_eq!(e.rule(), &Rule::HashKeyOutOfRange);
                } else {
                    let is_pattern = matches!(e.rule(), Rule::Pattern { .. });
                    prop_assert!(is_pattern, "{:?}", e.rule());
                }
            }
            (ours, reference) => {
                prop_assert!(false, "{:?}: ours {:?}, reference {:?}", s, ours, reference)
            }
        }
    }

    #[test]
    fn sequence_number_validator_agrees_with_its_pattern(s in decimal_like(129)) {
        let ours = SequenceNumber::new(&s);
        prop_assert_eq!(ours.is_ok(), SEQUENCE_NUMBER.is_match(&s), "{:?}", s);
        if let Err(e) = ours {
            prop_assert_eq!(e.field(), "sequenceNumberForOrdering");
            let is_pattern = matches!(e.rule(), Rule::Pattern { .. });
            prop_assert!(is_pattern);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// (c) Nothing panics; whatever builds makes a valid request.

fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![
        2 => tricky_string(16),
        1 => any::<String>(),
        1 => arn_like(),
        1 => valid_stream_name(),
        1 => decimal_like(40),
    ]
}

fn any_max_record_size() -> impl Strategy<Value = Option<usize>> {
    proptest::option::of(prop_oneof![
        any::<usize>(),
        1_048_570usize..1_048_580,
        10_485_755usize..10_485_765,
    ])
}

#[derive(Debug, Clone)]
struct Arbitrary {
    name: Option<String>,
    arn: Option<String>,
    key: Option<String>,
    data: Option<Vec<u8>>,
    hash_key: Option<String>,
    seq: Option<String>,
    dry_run: Option<bool>,
    max_record_size: Option<usize>,
    auto: Option<bool>,
}

fn arbitrary_input() -> impl Strategy<Value = Arbitrary> {
    (
        (
            proptest::option::of(any_text()),
            proptest::option::of(any_text()),
            proptest::option::of(any_text()),
            proptest::option::weighted(0.9, proptest::collection::vec(any::<u8>(), 0..512)),
        ),
        (
            proptest::option::of(prop_oneof![hash_key_like(), any_text()]),
            proptest::option::of(prop_oneof![decimal_like(130), any_text()]),
            proptest::option::of(any::<bool>()),
            any_max_record_size(),
            proptest::option::of(any::<bool>()),
        ),
    )
        .prop_map(
            |((name, arn, key, data), (hash_key, seq, dry_run, max_record_size, auto))| Arbitrary {
                name,
                arn,
                key,
                data,
                hash_key,
                seq,
                dry_run,
                max_record_size,
                auto,
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_builder_input_never_panics_and_what_builds_is_a_valid_request(a in arbitrary_input()) {
        let mut b = PutRecordInput::builder();
        if let Some(v) = &a.name {
            b = b.stream_name(v);
        }
        if let Some(v) = &a.arn {
            b = b.stream_arn(v);
        }
        if let Some(v) = &a.key {
            b = b.partition_key(v);
        }
        if let Some(v) = &a.data {
            b = b.data(&v[..]);
        }
        if let Some(v) = &a.hash_key {
            b = b.explicit_hash_key(v);
        }
        if let Some(v) = &a.seq {
            b = b.sequence_number_for_ordering(v);
        }
        if let Some(v) = a.dry_run {
            b = b.dry_run(v);
        }
        if let Some(v) = a.max_record_size {
            b = b.max_record_size(v);
        }
        match a.auto {
            Some(true) => b = b.record_distribution(RecordDistribution::Auto),
            Some(false) => b = b.record_distribution(RecordDistribution::UserPartitionKey),
            None => {}
        }
        let _ = format!("{b:?}");
        match b.build() {
            Err(e) => {
                let shown = e.to_string();
                prop_assert!(shown.starts_with(e.field()));
                prop_assert!(!shown.contains('\n'));
            }
            Ok(input) => {
                let _ = format!("{input:?}");
                let _ = input.hash_key();
                let request = input.to_http_request(&Endpoint::regional("us-east-1").unwrap());
                let body = request.body();
                let parsed: Value = serde_json::from_slice(body).expect("valid JSON");
                prop_assert!(parsed.is_object());
                prop_assert_eq!(body.capacity(), body.len());
                prop_assert_eq!(
                    request.headers()["content-length"].to_str().unwrap(),
                    body.len().to_string()
                );
            }
        }
    }

    #[test]
    fn endpoint_constructors_never_panic(s in any_text()) {
        if let Ok(e) = Endpoint::custom(&s) {
            let _ = (e.host(), e.uri().to_string());
        }
        if let Ok(e) = Endpoint::regional(&s) {
            let _ = (e.host(), e.uri().to_string());
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Record size against the limit, near the limit (large data: few cases).

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn record_size_limit_counts_data_plus_key_utf8_bytes(
        key in valid_partition_key(),
        limit in prop_oneof![
            Just(1_048_576usize),
            1_048_576usize..=10_485_760,
            Just(10_485_760usize),
        ],
        delta in -4i64..=4,
    ) {
        let size = (limit as i64 + delta) as usize;
        let data = vec![0u8; size.saturating_sub(key.len())];
        let size = data.len() + key.len();
        let result = PutRecordInput::builder()
            .stream_name("s")
            .partition_key(key.as_str())
            .data(data)
            .max_record_size(limit)
            .build();
        if size <= limit {
            prop_assert_eq!(result.unwrap().record_size(), size);
        } else {
            let e = result.unwrap_err();
            prop_assert_eq!(e.field(), "data");
            prop_assert_eq!(e.rule(), &Rule::RecordTooLarge { size, limit });
        }
    }
}
