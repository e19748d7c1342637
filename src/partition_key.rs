//! [`PartitionKey`]: a validated partition key, borrowed or owned.

use std::borrow::Cow;

use crate::hash_key::HashKey;
use crate::invalid_input::{Field, InvalidInput, LengthUnit};
use crate::limits::{PARTITION_KEY_MAX_LEN, PARTITION_KEY_MIN_LEN};
use crate::text::{string_newtype_traits, text_conversions, utf16_len};
use crate::wire::json;

/// A validated partition key: 1 to 256 UTF-16 code units (`PartitionKey` in the Kinesis API
/// reference: "Minimum length of 1. Maximum length of 256"). The model counts "Unicode characters"; the service's Java validators count UTF-16 code units,
/// so a key of 129 emoji (258 code units) is refused here as by the service. A borrowed key is
/// validated without a copy.
///
/// ```
/// use kinesis_proto::PartitionKey;
/// let key = PartitionKey::new("customer-42").unwrap();
/// assert_eq!(key.hash_key().to_string(), "273230869323448032740578469245923174832");
/// assert_eq!(PartitionKey::new("").unwrap_err().to_string(), "partitionKey: 0 UTF-16 code units, the minimum is 1");
/// ```
#[derive(Clone)]
pub struct PartitionKey<'a> {
    key: Cow<'a, str>,
    /// Whether the key holds nothing JSON escapes (found when it was checked).
    plain: bool,
}

impl<'a> PartitionKey<'a> {
    /// Validates a borrowed key, without copying it.
    #[inline]
    pub fn new(key: &'a str) -> Result<Self, InvalidInput> {
        PartitionKey::from_cow(Cow::Borrowed(key))
    }

    /// A partition key from a literal, checked without allocating.
    ///
    /// # Panics
    ///
    /// If `key` breaks the rules of [`PartitionKey::new`]; in a `const` item, at compile time.
    pub const fn from_static(key: &'static str) -> PartitionKey<'static> {
        if check_partition_key(key).is_err() {
            panic!("invalid partition key literal: 1 to 256 UTF-16 code units");
        }
        PartitionKey {
            key: Cow::Borrowed(key),
            plain: is_plain(key),
        }
    }

    /// Validates a borrowed or owned key, keeping it as it is.
    #[inline]
    pub(crate) fn from_cow(key: Cow<'a, str>) -> Result<Self, InvalidInput> {
        check_partition_key(&key)?;
        let plain = !crate::wire::escape::has_special(key.as_bytes());
        Ok(PartitionKey { key, plain })
    }

    /// Validates an owned key.
    fn from_string(key: String) -> Result<PartitionKey<'static>, InvalidInput> {
        PartitionKey::from_cow(Cow::Owned(key))
    }

    /// The key.
    pub fn as_str(&self) -> &str {
        &self.key
    }

    /// The key's length as a JSON string, quotes included.
    #[inline]
    pub(crate) fn json_len(&self) -> usize {
        if self.plain {
            json::plain_string_len(self.key.as_bytes())
        } else {
            json::string_len(&self.key)
        }
    }

    /// Appends the key as a JSON string, quotes included.
    #[inline]
    pub(crate) fn write_json(&self, out: &mut Vec<u8>) {
        if self.plain {
            json::write_plain_string(out, self.key.as_bytes());
        } else {
            json::write_string(out, &self.key);
        }
    }

    /// The key's length in UTF-8 bytes, as it counts toward the record size limit.
    pub fn utf8_len(&self) -> usize {
        self.key.len()
    }

    /// The key's 128-bit hash key: MD5 of its UTF-8 bytes, read as an unsigned big-endian
    /// integer.
    pub fn hash_key(&self) -> HashKey {
        HashKey::from_partition_key(self.as_str())
    }

    /// An owned copy that no longer borrows.
    pub fn into_owned(self) -> PartitionKey<'static> {
        PartitionKey {
            key: Cow::Owned(self.key.into_owned()),
            plain: self.plain,
        }
    }
}

string_newtype_traits!(PartitionKey<'a>);

text_conversions!(
    PartitionKey<'a>,
    PartitionKey::new,
    PartitionKey::from_string
);

/// Whether `key` holds no byte JSON escapes, usable in constants (the runtime check is
/// `crate::wire::escape::has_special`).
const fn is_plain(key: &str) -> bool {
    let b = key.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if crate::wire::escape::is_special(b[i]) {
            return false;
        }
        i += 1;
    }
    true
}

const fn check_partition_key(key: &str) -> Result<(), InvalidInput> {
    // A non-empty key has 1 to its byte length of UTF-16 code units: a short one needs no count.
    let len = if key.len() <= PARTITION_KEY_MAX_LEN {
        key.len()
    } else {
        utf16_len(key)
    };
    InvalidInput::check_length(
        Field::PartitionKey,
        len,
        (PARTITION_KEY_MIN_LEN, PARTITION_KEY_MAX_LEN),
        LengthUnit::Utf16CodeUnits,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::invalid_input::Rule;

    impl PartitionKey<'_> {
        /// Whether the key needs no JSON escaping.
        fn is_plain(&self) -> bool {
            self.plain
        }
    }

    #[test]
    fn keys_know_whether_json_escapes_them() {
        for b in 1..=127u8 {
            let text = format!("k{}k", char::from(b));
            let runtime = PartitionKey::new(&text).unwrap();
            let escaped = serde_json::to_string(&text).unwrap().len() != text.len() + 2;
            assert_eq!(runtime.is_plain(), !escaped, "{b:#04x}");
            assert_eq!(is_plain(&text), !escaped, "{b:#04x}");
            assert_eq!(runtime.clone().into_owned().is_plain(), !escaped);
        }
        const K: PartitionKey<'static> = PartitionKey::from_static("a\"b");
        assert!(!K.is_plain());
        assert!(PartitionKey::from_static("é😀").is_plain());
    }

    #[test]
    fn partition_key_bounds_are_counted_in_utf16_code_units() {
        assert!(PartitionKey::new("k").is_ok());
        assert!(PartitionKey::new(&"k".repeat(256)).is_ok());
        assert!(PartitionKey::new(&"é".repeat(256)).is_ok()); // 512 bytes, 256 units
        assert!(PartitionKey::new(&"😀".repeat(128)).is_ok()); // 256 units
        let e = PartitionKey::new(&"k".repeat(257)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "partitionKey: 257 UTF-16 code units, the limit is 256"
        );
        let e = PartitionKey::new(&format!("{}😀", "k".repeat(255))).unwrap_err();
        assert!(matches!(e.rule(), Rule::TooLong { len: 257, .. }));
        assert_eq!(PartitionKey::new("").unwrap_err().field(), "partitionKey");
    }
}
