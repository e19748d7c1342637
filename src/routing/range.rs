//! [`HashKeyRange`]: the inclusive range of hash keys a shard covers.

use std::fmt;

use crate::hash_key::HashKey;

/// An inclusive range of hash keys, `start <= end` (`HashKeyRange` in the Kinesis API reference).
///
/// ```
/// use kinesis_proto::{HashKey, HashKeyRange};
/// let r = HashKeyRange::new(HashKey::new(10), HashKey::new(20))?;
/// assert!(r.contains(HashKey::new(10)) && r.contains(HashKey::new(20)));
/// assert!(!r.contains(HashKey::new(21)));
/// assert!(HashKeyRange::new(HashKey::new(2), HashKey::new(1)).is_err());
/// # Ok::<(), kinesis_proto::InvalidHashKeyRange>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct HashKeyRange {
    start: HashKey,
    end: HashKey,
}

impl HashKeyRange {
    /// The whole hash key space, `[0, 2^128-1]`.
    pub const FULL: HashKeyRange = HashKeyRange {
        start: HashKey::MIN,
        end: HashKey::MAX,
    };

    /// The range `[start, end]`; an error when `start > end`.
    pub const fn new(start: HashKey, end: HashKey) -> Result<HashKeyRange, InvalidHashKeyRange> {
        if start.get() > end.get() {
            return Err(InvalidHashKeyRange { start, end });
        }
        Ok(HashKeyRange { start, end })
    }

    /// The first hash key of the range (`StartingHashKey`).
    pub const fn start(&self) -> HashKey {
        self.start
    }

    /// The last hash key of the range, included (`EndingHashKey`).
    pub const fn end(&self) -> HashKey {
        self.end
    }

    /// True when `key` is in the range, both ends included.
    pub const fn contains(&self, key: HashKey) -> bool {
        self.start.get() <= key.get() && key.get() <= self.end.get()
    }
}

impl fmt::Display for HashKeyRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}, {}]", self.start, self.end)
    }
}

/// A hash key range whose start is after its end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[error("hash key range start {start} is after its end {end}")]
pub struct InvalidHashKeyRange {
    /// The start given.
    pub start: HashKey,
    /// The end given.
    pub end: HashKey,
}
