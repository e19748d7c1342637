//! What a caller hands the producer: [`Record`], the [`RecordId`] it gets back, and the
//! [`PushError`] that returns a record the producer cannot take.

use std::fmt;

use bytes::Bytes;

use crate::invalid_input::InvalidInput;

/// A user record, owned: its data, partition key and optional explicit hash key.
///
/// `Debug` shows the data's length, never the data.
#[derive(Clone, PartialEq, Eq)]
pub struct Record {
    pub(crate) data: Bytes,
    pub(crate) partition_key: String,
    pub(crate) explicit_hash_key: Option<String>,
}

impl Record {
    /// A record of `data` (a `Vec<u8>`, `Bytes`, `String`, `&'static [u8]`, ...) with its
    /// partition key.
    pub fn new(data: impl Into<Bytes>, partition_key: impl Into<String>) -> Record {
        Record {
            data: data.into(),
            partition_key: partition_key.into(),
            explicit_hash_key: None,
        }
    }

    /// Routes by this explicit hash key (a decimal in `[0, 2^128-1]`) instead of the partition
    /// key's MD5.
    pub fn with_explicit_hash_key(mut self, key: impl Into<String>) -> Record {
        self.explicit_hash_key = Some(key.into());
        self
    }

    /// The data.
    pub fn data(&self) -> &Bytes {
        &self.data
    }

    /// The partition key.
    pub fn partition_key(&self) -> &str {
        &self.partition_key
    }

    /// The explicit hash key, if set.
    pub fn explicit_hash_key(&self) -> Option<&str> {
        self.explicit_hash_key.as_deref()
    }

    /// The data, given back.
    pub fn into_data(self) -> Bytes {
        self.data
    }

    /// Data bytes plus partition key bytes: what the record counts for against the record size
    /// limit and the producer's buffer.
    pub fn size(&self) -> usize {
        self.data.len().saturating_add(self.partition_key.len())
    }
}

impl fmt::Debug for Record {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Record")
            .field("data_len", &self.data.len())
            .field("partition_key", &self.partition_key)
            .field("explicit_hash_key", &self.explicit_hash_key)
            .finish()
    }
}

/// The producer's name for a pushed record, unique within one producer, carried by the record's
/// terminal [`Event`](super::Event).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RecordId(pub(crate) u64);

impl RecordId {
    /// The id as a number: ids count up from 0 in push order.
    pub fn get(self) -> u64 {
        self.0
    }
}

/// Hashes a [`RecordId`] by one multiplication (Knuth's multiplicative hashing, with the 64-bit
/// golden ratio): ids are a counter the producer makes, never chosen by anyone, so no
/// collision-resistant hasher is needed, and every record is looked up several times.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct IdHasher(u64);

impl std::hash::Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    fn write_u64(&mut self, id: u64) {
        self.0 = id.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

/// A map keyed by record ids.
pub(crate) type IdMap<V> =
    std::collections::HashMap<RecordId, V, std::hash::BuildHasherDefault<IdHasher>>;

/// Why [`push`](super::Producer::push) refused a record.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PushRefusal {
    /// The record breaks an input rule (partition key, explicit hash key, record size); it would
    /// never be accepted.
    Invalid(Box<InvalidInput>),
    /// The buffer is full (`max_buffered_bytes` or `max_buffered_records`): push again once
    /// events have freed room.
    Full,
    /// The producer was closed.
    Closed,
}

/// A record [`push`](super::Producer::push) did not take, given back with the reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("record not taken: {}", match &self.refusal {
    PushRefusal::Invalid(e) => e.to_string(),
    PushRefusal::Full => "the producer's buffer is full".to_owned(),
    PushRefusal::Closed => "the producer is closed".to_owned(),
})]
pub struct PushError {
    /// The record, untouched.
    pub record: Record,
    /// Why it was not taken.
    pub refusal: PushRefusal,
}
