//! [`SequenceNumber`]: a validated `SequenceNumberForOrdering`.

use std::borrow::Cow;

use crate::invalid_input::{Field, InvalidInput};
use crate::limits::SEQUENCE_NUMBER_MAX_DIGITS;
use crate::text::{string_newtype_traits, text_conversions};

/// The `SequenceNumberForOrdering` pattern of the Kinesis API reference.
pub(crate) const SEQUENCE_NUMBER_PATTERN: &str = r"0|([1-9]\d{0,128})";

/// A validated `SequenceNumberForOrdering`, usually one a previous `PutRecord` returned: a full
/// match of `0|([1-9]\d{0,128})` (Kinesis API reference), kept as text (about 56 digits).
#[derive(Clone)]
pub struct SequenceNumber<'a>(Cow<'a, str>);

impl<'a> SequenceNumber<'a> {
    /// Validates a borrowed sequence number, without copying it.
    pub fn new(s: &'a str) -> Result<Self, InvalidInput> {
        check_sequence_number(s)?;
        Ok(SequenceNumber(Cow::Borrowed(s)))
    }

    /// Validates an owned sequence number.
    fn from_string(s: String) -> Result<SequenceNumber<'static>, InvalidInput> {
        check_sequence_number(&s)?;
        Ok(SequenceNumber(Cow::Owned(s)))
    }

    /// The decimal text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// An owned copy that no longer borrows.
    pub fn into_owned(self) -> SequenceNumber<'static> {
        SequenceNumber(Cow::Owned(self.0.into_owned()))
    }
}

string_newtype_traits!(SequenceNumber<'a>);

text_conversions!(
    SequenceNumber<'a>,
    SequenceNumber::new,
    SequenceNumber::from_string
);

/// True when `s` fully matches `0|([1-9]\d{0,N-1})`: decimal digits, no sign, no leading zero,
/// no spaces, at most `max_digits` digits.
pub(crate) const fn is_canonical_decimal(s: &str, max_digits: usize) -> bool {
    let b = s.as_bytes();
    if b.is_empty() || b.len() > max_digits || (b[0] == b'0' && b.len() > 1) {
        return false;
    }
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit() {
            return false;
        }
        i += 1;
    }
    true
}

fn check_sequence_number(s: &str) -> Result<(), InvalidInput> {
    if is_canonical_decimal(s, SEQUENCE_NUMBER_MAX_DIGITS) {
        Ok(())
    } else {
        Err(InvalidInput::pattern(
            Field::SequenceNumberForOrdering,
            SEQUENCE_NUMBER_PATTERN,
        ))
    }
}

/// Whether a sequence number read from an answer is valid: the API model's pattern, with leading
/// zeros tolerated (they change nothing for a caller).
pub(crate) fn is_valid_sequence_number(number: &[u8]) -> bool {
    (1..=129).contains(&number.len())
        && number
            .iter()
            .fold(true, |ok, &b| ok & (b.wrapping_sub(b'0') < 10))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sequence_number_is_a_full_match_of_its_pattern() {
        assert!(SequenceNumber::new("0").is_ok());
        assert!(SequenceNumber::new(&format!("1{}", "0".repeat(128))).is_ok());
        for bad in ["", "01", "-1", " 1", "1 ", "+1", "1a", "٣"] {
            let e = SequenceNumber::new(bad).unwrap_err();
            assert_eq!(e.field(), "sequenceNumberForOrdering", "{bad:?}");
        }
        assert!(SequenceNumber::new(&format!("1{}", "0".repeat(129))).is_err());
    }
}
