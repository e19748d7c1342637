//! [`HashKey`]: the 128-bit key that picks a shard.

use std::fmt;
use std::str::FromStr;

use md5::{Digest, Md5};

use crate::invalid_input::{Field, InvalidInput, Rule};
use crate::limits::EXPLICIT_HASH_KEY_MAX_DIGITS;
use crate::sequence_number::is_canonical_decimal;

/// The `ExplicitHashKey` pattern of the Kinesis API reference.
pub(crate) const EXPLICIT_HASH_KEY_PATTERN: &str = r"0|([1-9]\d{0,38})";

/// A position in the 128-bit hash key space `[0, 2^128-1]` that Kinesis divides among shards.
///
/// "Kinesis Data Streams uses MD5 to map partition keys to 128-bit integer values"
/// (Kinesis API reference, PutRecord); the digest is read as an *unsigned* big-endian integer.
/// On the wire (`ExplicitHashKey`, `StartingHashKey`, `EndingHashKey`) it is a decimal string
/// without sign or leading zeros, as `Display` writes and `FromStr` reads it.
///
/// ```
/// use kinesis_proto::HashKey;
/// let h = HashKey::from_partition_key("abcd");
/// assert_eq!(h.to_string(), "301716283811389038011477436469853762335");
/// assert_eq!(u128::from(h), 0xe2fc714c4727ee9395f324cd2e7f331f);
/// assert_eq!("301716283811389038011477436469853762335".parse::<HashKey>()?, h);
/// # Ok::<(), kinesis_proto::InvalidInput>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct HashKey(u128);

impl HashKey {
    /// The smallest hash key, 0.
    pub const MIN: HashKey = HashKey(0);
    /// The largest hash key, 2^128-1.
    pub const MAX: HashKey = HashKey(u128::MAX);

    /// The hash key Kinesis computes for `partition_key`: MD5 of its UTF-8 bytes, read as an
    /// unsigned big-endian 128-bit integer.
    pub fn from_partition_key(partition_key: &str) -> HashKey {
        HashKey(u128::from_be_bytes(Md5::digest(partition_key).into()))
    }

    /// A hash key from its integer value.
    pub const fn new(value: u128) -> HashKey {
        HashKey(value)
    }

    /// The integer value.
    pub const fn get(self) -> u128 {
        self.0
    }

    /// Writes the decimal form into `buf` (room for the longest, 39 digits) and returns it.
    pub(crate) fn write_decimal(self, buf: &mut [u8; EXPLICIT_HASH_KEY_MAX_DIGITS]) -> &str {
        let mut v = self.0;
        let mut at = buf.len();
        loop {
            at -= 1;
            // `v % 10` is below 10, so the cast cannot truncate.
            buf[at] = b'0' + (v % 10) as u8;
            v /= 10;
            if v == 0 {
                break;
            }
        }
        // Only ASCII digits were written.
        std::str::from_utf8(&buf[at..]).unwrap_or("0")
    }
}

impl From<u128> for HashKey {
    fn from(value: u128) -> Self {
        HashKey(value)
    }
}

impl From<HashKey> for u128 {
    fn from(h: HashKey) -> Self {
        h.0
    }
}

impl fmt::Display for HashKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

/// Parses the wire form: a full match of `0|([1-9]\d{0,38})` whose value is at most 2^128-1
/// (`ExplicitHashKey` in the Kinesis API reference; a larger 39-digit value passes the pattern but
/// the service refuses it with `InvalidArgumentException`). Errors name `explicitHashKey`.
impl FromStr for HashKey {
    type Err = InvalidInput;
    fn from_str(s: &str) -> Result<Self, InvalidInput> {
        parse_decimal_hash_key(s).map_err(|rule| InvalidInput::new(Field::ExplicitHashKey, rule))
    }
}

/// `TryFrom` of each text type, as [`FromStr`].
macro_rules! try_from_text {
    ($($text:ty),*) => {$(
        impl TryFrom<$text> for HashKey {
            type Error = InvalidInput;
            fn try_from(s: $text) -> Result<Self, InvalidInput> {
                s.parse()
            }
        }
    )*};
}
try_from_text!(&str, &String, String);

/// The pattern and range check of a decimal hash key; the rule broken on failure.
pub(crate) fn parse_decimal_hash_key(s: &str) -> Result<HashKey, Rule> {
    if !is_canonical_decimal(s, EXPLICIT_HASH_KEY_MAX_DIGITS) {
        return Err(Rule::Pattern {
            pattern: EXPLICIT_HASH_KEY_PATTERN,
        });
    }
    let mut v: u128 = 0;
    for &d in s.as_bytes() {
        v = v
            .checked_mul(10)
            .and_then(|v| v.checked_add(u128::from(d - b'0')))
            .ok_or(Rule::HashKeyOutOfRange)?;
    }
    Ok(HashKey(v))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn md5_of_abcd_reads_as_unsigned_big_endian() {
        assert_eq!(
            HashKey::from_partition_key("abcd").get(),
            301716283811389038011477436469853762335
        );
    }

    #[test]
    fn md5_test_vectors() {
        // RFC 1321, appendix A.5.
        assert_eq!(
            HashKey::from_partition_key("").get(),
            0xd41d8cd98f00b204e9800998ecf8427e
        );
        assert_eq!(
            HashKey::from_partition_key(
                "12345678901234567890123456789012345678901234567890123456789012345678901234567890"
            )
            .get(),
            0x57edf4a22be3c955ac49da2e2107b67a
        );
    }

    #[test]
    fn decimal_parse_accepts_both_ends_of_the_range() {
        assert_eq!("0".parse::<HashKey>().unwrap(), HashKey::MIN);
        assert_eq!(
            "340282366920938463463374607431768211455"
                .parse::<HashKey>()
                .unwrap(),
            HashKey::MAX
        );
    }

    #[test]
    fn decimal_parse_refuses_above_range_and_non_canonical_forms() {
        let e = "340282366920938463463374607431768211456"
            .parse::<HashKey>()
            .unwrap_err();
        assert_eq!(e.field(), "explicitHashKey");
        assert_eq!(e.rule(), &Rule::HashKeyOutOfRange);
        let e = "999999999999999999999999999999999999999"
            .parse::<HashKey>()
            .unwrap_err();
        assert_eq!(e.rule(), &Rule::HashKeyOutOfRange);
        for bad in [
            "",
            "01",
            "-1",
            " 1",
            "1 ",
            "+1",
            "1e3",
            "3402823669209384634633746074317682114550",
        ] {
            let e = bad.parse::<HashKey>().unwrap_err();
            assert!(matches!(e.rule(), Rule::Pattern { .. }), "{bad:?}");
        }
    }

    #[test]
    fn write_decimal_matches_display() {
        let mut buf = [0; 39];
        for v in [0, 1, 9, 10, u128::MAX, u128::MAX / 3, 1 << 64] {
            assert_eq!(HashKey(v).write_decimal(&mut buf), v.to_string());
        }
    }
}
