//! [`StreamName`] and [`StreamArn`]: validated stream identifiers, built once and reused.

use std::sync::Arc;

use crate::arn::parse_arn;
use crate::invalid_input::{Field, InvalidInput, LengthUnit};
use crate::limits::{
    STREAM_ARN_MAX_LEN, STREAM_ARN_MIN_LEN, STREAM_NAME_MAX_LEN, STREAM_NAME_MIN_LEN,
};
use crate::text::{self, SharedText, string_newtype_traits, text_conversions};

/// The `StreamName` pattern of the Kinesis API reference.
pub(crate) const STREAM_NAME_PATTERN: &str = "[a-zA-Z0-9_.-]+";
/// The `StreamARN` pattern of the Kinesis API reference (a full match, Java semantics).
pub(crate) const STREAM_ARN_PATTERN: &str = r"arn:aws.*:kinesis:.*:\d{12}:stream/\S+";

/// A validated stream name: 1 to 128 characters, each one of `[a-zA-Z0-9_.-]`
/// (`StreamName` in the Kinesis API reference). Cloning never allocates.
///
/// ```
/// use kinesis_proto::StreamName;
/// const ORDERS: StreamName = StreamName::from_static("orders");
/// assert_eq!("orders".parse(), Ok(ORDERS));
/// assert_eq!("bad name".parse::<StreamName>().unwrap_err().field(), "streamName");
/// ```
#[derive(Clone)]
pub struct StreamName(SharedText);

impl StreamName {
    /// The name's bytes for a request body: its pattern admits nothing JSON must escape.
    pub(crate) fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }

    /// Validates `name`.
    pub fn new(name: &str) -> Result<Self, InvalidInput> {
        check_stream_name(name)?;
        Ok(StreamName(SharedText::new(name)))
    }

    /// A stream name from a literal, checked without allocating.
    ///
    /// # Panics
    ///
    /// If `name` breaks the rules of [`StreamName::new`]; in a `const` item, at compile time.
    pub const fn from_static(name: &'static str) -> Self {
        if check_stream_name(name).is_err() {
            panic!("invalid stream name literal: 1 to 128 characters of [a-zA-Z0-9_.-]");
        }
        StreamName(SharedText::Static(name))
    }

    /// Validates an owned name.
    fn from_string(name: String) -> Result<Self, InvalidInput> {
        StreamName::new(&name)
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

string_newtype_traits!(StreamName);

text_conversions!(StreamName, StreamName::new, StreamName::from_string);

/// `StreamName`: "Minimum length of 1. Maximum length of 128. Pattern: `[a-zA-Z0-9_.-]+`"
/// (Kinesis API reference, PutRecord request parameters). The length is counted in characters
/// first, so 128 emoji are refused on the pattern, not as 512 bytes long.
const fn check_stream_name(name: &str) -> Result<(), InvalidInput> {
    let b = name.as_bytes();
    if let Err(e) = InvalidInput::check_length(
        Field::StreamName,
        char_count(name),
        (STREAM_NAME_MIN_LEN, STREAM_NAME_MAX_LEN),
        LengthUnit::Characters,
    ) {
        return Err(e);
    }
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if !(c.is_ascii_alphanumeric() || c == b'_' || c == b'.' || c == b'-') {
            return Err(InvalidInput::pattern(
                Field::StreamName,
                STREAM_NAME_PATTERN,
            ));
        }
        i += 1;
    }
    Ok(())
}

/// Counts the characters of `s`: its bytes that are not UTF-8 continuation bytes.
const fn char_count(s: &str) -> usize {
    let b = s.as_bytes();
    let mut n = 0;
    let mut i = 0;
    while i < b.len() {
        if b[i] & 0xC0 != 0x80 {
            n += 1;
        }
        i += 1;
    }
    n
}

/// A validated stream ARN: 1 to 2048 UTF-16 code units, fully matching
/// `arn:aws.*:kinesis:.*:\d{12}:stream/\S+` (`StreamARN` in the Kinesis API reference), with the
/// service's Java semantics: `.` is any character but a line terminator (`\n`, `\r`, U+0085,
/// U+2028, U+2029), `\d` an ASCII digit, `\S` any but ASCII whitespace. Cloning never allocates.
///
/// ```
/// use kinesis_proto::StreamArn;
/// let arn = StreamArn::from_static("arn:aws:kinesis:us-east-1:123456789012:stream/orders");
/// assert_eq!(arn.account_id(), "123456789012");
/// assert_eq!(arn.stream_name_part(), "orders");
/// ```
#[derive(Clone)]
pub struct StreamArn(SharedText);

impl StreamArn {
    /// Validates `arn`.
    pub fn new(arn: &str) -> Result<Self, InvalidInput> {
        check_stream_arn(arn)?;
        Ok(StreamArn(SharedText::new(arn)))
    }

    /// A stream ARN from a literal.
    ///
    /// # Panics
    ///
    /// If `arn` breaks the rules of [`StreamArn::new`]; in a `const` item, at compile time.
    pub const fn from_static(arn: &'static str) -> Self {
        if check_stream_arn(arn).is_err() {
            panic!(
                "invalid stream ARN literal: must fully match arn:aws.*:kinesis:.*:\\d{{12}}:stream/\\S+"
            );
        }
        StreamArn(SharedText::Static(arn))
    }

    /// Validates an owned ARN, keeping its allocation.
    fn from_string(arn: String) -> Result<Self, InvalidInput> {
        check_stream_arn(&arn)?;
        Ok(StreamArn(SharedText::Shared(Arc::from(arn))))
    }

    /// The ARN.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    // The accessors split the ARN as the endpoint resolver does (`crate::arn`), as the pattern
    // alone may match one ARN in more than one way; each is empty when the split fails.

    /// The ARN's partition: the text between `arn:` and the next `:` (e.g. `aws` or `aws-cn`).
    pub fn partition(&self) -> &str {
        parse_arn(self.as_str()).map_or("", |arn| arn.partition)
    }

    /// The account id: the ARN's fifth `:`-separated part (12 digits for a well-formed ARN;
    /// empty unless it splits into six parts with a non-empty partition, service and resource).
    pub fn account_id(&self) -> &str {
        parse_arn(self.as_str()).map_or("", |arn| arn.account_id)
    }

    /// The stream name: what follows `stream/` in the resource (the sixth part), else empty.
    pub fn stream_name_part(&self) -> &str {
        parse_arn(self.as_str())
            .and_then(|arn| arn.resource.strip_prefix("stream/"))
            .unwrap_or("")
    }
}

string_newtype_traits!(StreamArn);

text_conversions!(StreamArn, StreamArn::new, StreamArn::from_string);

const ARN_PREFIX: &[u8] = b"arn:aws";
const KINESIS_MARKER: &[u8] = b":kinesis:";
const STREAM_MARKER: &[u8] = b":stream/";
const ACCOUNT_DIGITS: usize = 12;

/// `StreamARN`: "Minimum length of 1. Maximum length of 2048. Pattern:
/// `arn:aws.*:kinesis:.*:\d{12}:stream/\S+`" (Kinesis API reference).
const fn check_stream_arn(arn: &str) -> Result<(), InvalidInput> {
    if let Err(e) = InvalidInput::check_length(
        Field::StreamArn,
        text::utf16_len(arn),
        (STREAM_ARN_MIN_LEN, STREAM_ARN_MAX_LEN),
        LengthUnit::Utf16CodeUnits,
    ) {
        return Err(e);
    }
    if arn_split(arn.as_bytes()).is_none() {
        return Err(InvalidInput::pattern(Field::StreamArn, STREAM_ARN_PATTERN));
    }
    Ok(())
}

/// Full match of [`STREAM_ARN_PATTERN`] over UTF-8 bytes, as [`StreamArn`] describes: after
/// `arn:aws`, `P:DDDDDDDDDDDD:stream/S` with `P` holding `:kinesis:` and no line terminator and
/// `S` non-empty without ASCII whitespace. Returns the byte index of the matching `:stream/`.
const fn arn_split(b: &[u8]) -> Option<usize> {
    if !bytes_at(b, 0, ARN_PREFIX) {
        return None;
    }
    // ":stream/" must leave room before it for `:kinesis:` and `:` + 12 digits.
    let mut at = ARN_PREFIX.len() + KINESIS_MARKER.len() + 1 + ACCOUNT_DIGITS;
    while at + STREAM_MARKER.len() < b.len() {
        if bytes_at(b, at, STREAM_MARKER)
            && b[at - ACCOUNT_DIGITS - 1] == b':'
            && all_ascii_digits(b, at - ACCOUNT_DIGITS, at)
            && no_ascii_whitespace(b, at + STREAM_MARKER.len(), b.len())
            && no_line_terminator(b, ARN_PREFIX.len(), at - ACCOUNT_DIGITS - 1)
            && contains(b, ARN_PREFIX.len(), at - ACCOUNT_DIGITS - 1, KINESIS_MARKER)
        {
            return Some(at);
        }
        at += 1;
    }
    None
}

const fn bytes_at(b: &[u8], at: usize, needle: &[u8]) -> bool {
    if at + needle.len() > b.len() {
        return false;
    }
    let mut i = 0;
    while i < needle.len() {
        if b[at + i] != needle[i] {
            return false;
        }
        i += 1;
    }
    true
}

const fn contains(b: &[u8], start: usize, end: usize, needle: &[u8]) -> bool {
    let mut at = start;
    while at + needle.len() <= end {
        if bytes_at(b, at, needle) {
            return true;
        }
        at += 1;
    }
    false
}

const fn all_ascii_digits(b: &[u8], start: usize, end: usize) -> bool {
    let mut i = start;
    while i < end {
        if !b[i].is_ascii_digit() {
            return false;
        }
        i += 1;
    }
    true
}

/// No Java `\s` (without UNICODE_CHARACTER_CLASS): `[ \t\n\x0B\f\r]`.
const fn no_ascii_whitespace(b: &[u8], start: usize, end: usize) -> bool {
    let mut i = start;
    while i < end {
        if matches!(b[i], b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r') {
            return false;
        }
        i += 1;
    }
    true
}

/// No character Java's `.` (without DOTALL or UNIX_LINES) refuses: `\n`, `\r`, U+0085 (C2 85),
/// U+2028 and U+2029 (E2 80 A8/A9).
const fn no_line_terminator(b: &[u8], start: usize, end: usize) -> bool {
    let mut i = start;
    while i < end {
        match b[i] {
            b'\n' | b'\r' => return false,
            0xC2 if i + 1 < end && b[i + 1] == 0x85 => return false,
            0xE2 if i + 2 < end && b[i + 1] == 0x80 && (b[i + 2] == 0xA8 || b[i + 2] == 0xA9) => {
                return false;
            }
            _ => {}
        }
        i += 1;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::invalid_input::Rule;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn the_fast_name_check_agrees_with_the_rule_by_rule_one(
            name in "[a-zA-Z0-9_.\\-]{0,130}|[a-z0-9é/ ]{0,130}|.{0,3}",
        ) {
            prop_assert_eq!(text::is_name(name.as_bytes()), check_stream_name(&name).is_ok());
        }
    }

    #[test]
    fn stream_name_accepts_its_alphabet_and_both_length_bounds() {
        assert!(StreamName::new("a").is_ok());
        assert!(StreamName::new(&"x".repeat(128)).is_ok());
        assert!(StreamName::new("aZ09_.-").is_ok());
    }

    #[test]
    fn stream_name_refuses_empty_too_long_and_foreign_characters() {
        let e = StreamName::new("").unwrap_err();
        assert_eq!(e.field(), "streamName");
        assert!(matches!(e.rule(), Rule::TooShort { len: 0, min: 1, .. }));
        let e = StreamName::new(&"x".repeat(129)).unwrap_err();
        assert!(matches!(
            e.rule(),
            Rule::TooLong {
                len: 129,
                max: 128,
                ..
            }
        ));
        for bad in ["a b", "a/b", "é", "a:b", "a\n"] {
            let e = StreamName::new(bad).unwrap_err();
            assert!(matches!(e.rule(), Rule::Pattern { .. }), "{bad:?}");
        }
    }

    #[test]
    fn stream_arn_accessors_read_account_partition_and_name() {
        // One reading with the endpoint resolver: the fifth `:` part, not the 12 digits the
        // pattern could match later.
        let odd = StreamArn::new("arn:aws:kinesis:us-east-1:x:123456789012:stream/s").unwrap();
        assert_eq!(odd.account_id(), "x");
        assert_eq!(odd.stream_name_part(), "");
        let odd = StreamArn::new("arn:aws::kinesis::123456789012:stream/s").unwrap();
        assert_eq!((odd.partition(), odd.account_id()), ("", ""));
        let arn = StreamArn::new("arn:aws-cn:kinesis:cn-north-1:123456789012:stream/a:b").unwrap();
        assert_eq!(arn.partition(), "aws-cn");
        assert_eq!(arn.account_id(), "123456789012");
        assert_eq!(arn.stream_name_part(), "a:b");
    }

    #[test]
    fn stream_arn_applies_java_dot_and_non_whitespace_classes() {
        let ok = "arn:aws:kinesis:us-east-1:123456789012:stream/s";
        assert!(StreamArn::new(ok).is_ok());
        // `.` refuses line terminators but takes spaces; `\S` takes U+2028 but not a tab.
        assert!(StreamArn::new("arn:aws x:kinesis: :123456789012:stream/s").is_ok());
        assert!(StreamArn::new("arn:aws\n:kinesis::123456789012:stream/s").is_err());
        assert!(StreamArn::new("arn:aws\u{2028}:kinesis::123456789012:stream/s").is_err());
        assert!(StreamArn::new("arn:aws:kinesis::123456789012:stream/\u{2028}").is_ok());
        assert!(StreamArn::new("arn:aws:kinesis::123456789012:stream/a\tb").is_err());
        assert!(StreamArn::new("arn:aws:kinesis::123456789012:stream/").is_err());
        assert!(StreamArn::new("arn:aws:kinesis:123456789012:stream/s").is_err());
        assert!(StreamArn::new("arn:aws:kinesis::12345678901:stream/s").is_err());
        assert!(StreamArn::new("xarn:aws:kinesis::123456789012:stream/s").is_err());
    }

    #[test]
    fn stream_arn_length_is_counted_in_utf16_code_units() {
        let base = "arn:aws:kinesis:us-east-1:123456789012:stream/";
        let fill = 2048 - base.len();
        assert!(StreamArn::new(&format!("{base}{}", "s".repeat(fill))).is_ok());
        let e = StreamArn::new(&format!("{base}{}", "s".repeat(fill + 1))).unwrap_err();
        assert!(matches!(
            e.rule(),
            Rule::TooLong {
                len: 2049,
                max: 2048,
                ..
            }
        ));
        // An emoji is two code units: one fewer fits.
        let e = StreamArn::new(&format!("{base}{}😀", "s".repeat(fill - 1))).unwrap_err();
        assert!(matches!(e.rule(), Rule::TooLong { len: 2049, .. }));
    }
}
