//! [`deaggregate`]: a Kinesis record read back into its user records as the KCL reads it
//! (`AggregatorUtil.deaggregate`), every rule checked before the first record is handed out.

use std::fmt;
use std::iter::FusedIterator;

use super::messages::{RecordFields, TopField, TopFields, count_fields, framed_protobuf};
use crate::hash_key::HashKey;
use crate::routing::HashKeyRange;

/// What [`deaggregate`] found in a Kinesis record's data.
#[derive(Debug, Clone)]
pub enum Deaggregated<'a> {
    /// Not an aggregate: the record is one user record, as it is. The KCL's reading: fewer than
    /// 4 bytes, another magic, 16 bytes or fewer after the magic, an MD5 that does not match, or
    /// a protobuf that does not parse.
    Plain,
    /// An aggregate: its user records, in order, borrowing from the data (none at all, for an
    /// aggregate that holds none: a KCL consumer then reads nothing from the record).
    Aggregate(SubRecords<'a>),
}

/// An aggregate the KCL would not read in full: the protobuf parses, but a sub-record refers to
/// something it cannot use. The producer wrote a broken aggregate (or, for
/// [`OutsideShard`](Self::OutsideShard), one that mixes shards). A KCL consumer hands out the
/// sub-records before the bad one and drops the rest, or, reading a shard, drops the whole
/// aggregate without a word; here nothing is handed out, and the error says where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DeaggregateError {
    /// The sub-record's partition key index is not an entry of the partition key table.
    #[error(
        "sub-record {sub_sequence_number}: partition key index {index} is outside its table of {table_len}"
    )]
    PartitionKeyIndex {
        /// The sub-record's 0-based index in the aggregate.
        sub_sequence_number: u64,
        /// The index it holds.
        index: u64,
        /// The entries in the table.
        table_len: usize,
    },
    /// The sub-record's partition key is not UTF-8 (a KCL consumer would read it with
    /// replacement characters, and route it by their MD5).
    #[error("sub-record {sub_sequence_number}: partition key is not UTF-8")]
    PartitionKeyNotUtf8 {
        /// The sub-record's 0-based index in the aggregate.
        sub_sequence_number: u64,
    },
    /// The sub-record's explicit hash key index is not an entry of the explicit hash key table
    /// (which may be empty: the go and python readers ignore the index then, the KCL does not).
    #[error(
        "sub-record {sub_sequence_number}: explicit hash key index {index} is outside its table of {table_len}"
    )]
    ExplicitHashKeyIndex {
        /// The sub-record's 0-based index in the aggregate.
        sub_sequence_number: u64,
        /// The index it holds.
        index: u64,
        /// The entries in the table.
        table_len: usize,
    },
    /// The sub-record's explicit hash key is not a hash key: a decimal integer (sign and leading
    /// zeros allowed, as Java's `BigInteger` reads it) from 0 to 2^128-1.
    #[error(
        "sub-record {sub_sequence_number}: explicit hash key is not a decimal integer from 0 to 2^128-1"
    )]
    ExplicitHashKey {
        /// The sub-record's 0-based index in the aggregate.
        sub_sequence_number: u64,
    },
    /// From [`deaggregate_for_shard`]: the sub-record's effective hash key is outside the shard's
    /// range, so a KCL consumer of the shard drops the whole aggregate.
    #[error(
        "sub-record {sub_sequence_number}: hash key {hash_key} is outside the shard's range {range}"
    )]
    OutsideShard {
        /// The first such sub-record's 0-based index in the aggregate.
        sub_sequence_number: u64,
        /// Its effective hash key.
        hash_key: HashKey,
        /// The shard's range.
        range: HashKeyRange,
    },
}

impl DeaggregateError {
    /// The 0-based index, in its aggregate, of the sub-record at fault.
    pub fn sub_sequence_number(&self) -> u64 {
        match *self {
            DeaggregateError::PartitionKeyIndex {
                sub_sequence_number,
                ..
            }
            | DeaggregateError::PartitionKeyNotUtf8 {
                sub_sequence_number,
            }
            | DeaggregateError::ExplicitHashKeyIndex {
                sub_sequence_number,
                ..
            }
            | DeaggregateError::ExplicitHashKey {
                sub_sequence_number,
            }
            | DeaggregateError::OutsideShard {
                sub_sequence_number,
                ..
            } => sub_sequence_number,
        }
    }
}

/// Reads a Kinesis record's data as the KCL does: [`Deaggregated::Plain`] when it is not an
/// aggregate, its sub-records when it is one, or an error when the aggregate parses but a
/// sub-record refers to a key it cannot use. Everything is checked before this returns, so the
/// sub-records' iterator cannot fail. It never panics, whatever the bytes.
///
/// Besides the bytes it borrows, it allocates the aggregate's key tables and the list of its
/// sub-records, counted first: at most 17 bytes per table entry and 40 per sub-record, which take
/// at least 2 and 6 bytes of `data`.
///
/// ```
/// use kinesis_proto::{Deaggregated, deaggregate};
/// assert!(matches!(deaggregate(b"just a record")?, Deaggregated::Plain));
/// # Ok::<(), kinesis_proto::DeaggregateError>(())
/// ```
pub fn deaggregate(data: &[u8]) -> Result<Deaggregated<'_>, DeaggregateError> {
    let Some(message) = framed_protobuf(data) else {
        return Ok(Deaggregated::Plain);
    };
    // Counted first, so that nothing is allocated beyond what is there.
    let Some([partition_keys, explicit_hash_keys, records]) = count_fields(message) else {
        return Ok(Deaggregated::Plain);
    };
    let mut tables = Tables {
        partition_keys: Vec::with_capacity(partition_keys),
        explicit_hash_keys: Vec::with_capacity(explicit_hash_keys),
    };
    let mut records = Vec::with_capacity(records);
    // Tables may come after the records that refer to them: read every field first.
    for field in TopFields::new(message) {
        let Ok(field) = field else {
            return Ok(Deaggregated::Plain);
        };
        match field {
            TopField::PartitionKey(key) => {
                tables.partition_keys.push(std::str::from_utf8(key).ok());
            }
            TopField::ExplicitHashKey(key) => {
                let key = read_hash_key(key).map(|h| h.get().to_be_bytes());
                tables.explicit_hash_keys.push(key);
            }
            TopField::Record(record) => records.push(record),
        }
    }
    for (n, record) in (0u64..).zip(&records) {
        tables.check(record, n)?;
    }
    Ok(Deaggregated::Aggregate(SubRecords {
        records: records.into_iter(),
        tables,
        next: 0,
    }))
}

/// [`deaggregate`], for a record read from the shard whose hash keys are `range`: the KCL
/// silently drops an aggregate holding a sub-record whose effective hash key is outside the
/// shard, which here is [`DeaggregateError::OutsideShard`] naming the first one. A plain record
/// is not checked: the KCL checks only sub-records.
///
/// Each sub-record without an explicit hash key costs the MD5 of its partition key.
pub fn deaggregate_for_shard<'a>(
    data: &'a [u8],
    range: &HashKeyRange,
) -> Result<Deaggregated<'a>, DeaggregateError> {
    let read = deaggregate(data)?;
    if let Deaggregated::Aggregate(records) = &read {
        for (n, record) in (0u64..).zip(records.records.as_slice()) {
            let Some(record) = records.tables.sub_record(record, n) else {
                break;
            };
            let hash_key = record.effective_hash_key();
            if !range.contains(hash_key) {
                return Err(DeaggregateError::OutsideShard {
                    sub_sequence_number: n,
                    hash_key,
                    range: *range,
                });
            }
        }
    }
    Ok(read)
}

/// Reads an explicit hash key as the KCL does (`new BigInteger(explicitHashKey)`): an optional
/// sign and decimal digits, leading zeros allowed; outside 0 to 2^128-1 it is no hash key (the
/// KCL finds it outside every shard). Only ASCII digits are read.
fn read_hash_key(text: &[u8]) -> Option<HashKey> {
    let (negative, digits) = match text.split_first() {
        Some((b'-', rest)) => (true, rest),
        Some((b'+', rest)) => (false, rest),
        _ => (false, text),
    };
    if digits.is_empty() {
        return None;
    }
    let mut value: u128 = 0;
    for &d in digits {
        if !d.is_ascii_digit() {
            return None;
        }
        value = value.checked_mul(10)?.checked_add(u128::from(d - b'0'))?;
    }
    (!negative || value == 0).then_some(HashKey::new(value))
}

/// The aggregate's key tables: each partition key if it is UTF-8, each explicit hash key if it
/// is one (as big-endian bytes, which need no alignment).
#[derive(Debug, Clone)]
struct Tables<'a> {
    partition_keys: Vec<Option<&'a str>>,
    explicit_hash_keys: Vec<Option<[u8; 16]>>,
}

impl<'a> Tables<'a> {
    /// The keys of `record`, sub-record `n`, looked up in the order the KCL looks them up.
    fn check(&self, record: &RecordFields<'a>, n: u64) -> Result<SubKeys<'a>, DeaggregateError> {
        let index = record.partition_key_index;
        let entry = usize::try_from(index)
            .ok()
            .and_then(|i| self.partition_keys.get(i));
        let partition_key = match entry {
            None => {
                return Err(DeaggregateError::PartitionKeyIndex {
                    sub_sequence_number: n,
                    index,
                    table_len: self.partition_keys.len(),
                });
            }
            Some(None) => {
                return Err(DeaggregateError::PartitionKeyNotUtf8 {
                    sub_sequence_number: n,
                });
            }
            Some(Some(key)) => *key,
        };
        let explicit_hash_key = match record.explicit_hash_key_index {
            None => None,
            Some(index) => {
                let entry = usize::try_from(index)
                    .ok()
                    .and_then(|i| self.explicit_hash_keys.get(i));
                match entry {
                    None => {
                        return Err(DeaggregateError::ExplicitHashKeyIndex {
                            sub_sequence_number: n,
                            index,
                            table_len: self.explicit_hash_keys.len(),
                        });
                    }
                    Some(None) => {
                        return Err(DeaggregateError::ExplicitHashKey {
                            sub_sequence_number: n,
                        });
                    }
                    Some(Some(key)) => Some(HashKey::new(u128::from_be_bytes(*key))),
                }
            }
        };
        Ok(SubKeys {
            partition_key,
            explicit_hash_key,
        })
    }

    /// Sub-record `n`, checked by [`deaggregate`]: `None` cannot happen.
    fn sub_record(&self, record: &RecordFields<'a>, n: u64) -> Option<SubRecord<'a>> {
        let keys = self.check(record, n).ok()?;
        Some(SubRecord {
            partition_key: keys.partition_key,
            explicit_hash_key: keys.explicit_hash_key,
            data: record.data,
            sub_sequence_number: n,
        })
    }
}

/// A sub-record's keys, looked up in the tables.
struct SubKeys<'a> {
    partition_key: &'a str,
    explicit_hash_key: Option<HashKey>,
}

/// The sub-records of an aggregate, in order, borrowing from its data. Every rule was checked by
/// [`deaggregate`]: the iterator cannot fail, and knows its length.
#[derive(Clone)]
pub struct SubRecords<'a> {
    records: std::vec::IntoIter<RecordFields<'a>>,
    tables: Tables<'a>,
    next: u64,
}

impl<'a> Iterator for SubRecords<'a> {
    type Item = SubRecord<'a>;

    fn next(&mut self) -> Option<SubRecord<'a>> {
        let record = self.records.next()?;
        let n = self.next;
        self.next += 1;
        let sub = self.tables.sub_record(&record, n);
        if sub.is_none() {
            // Checked: cannot happen; if it did, the iteration would end here.
            self.records = Vec::new().into_iter();
        }
        sub
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.records.size_hint()
    }
}

impl ExactSizeIterator for SubRecords<'_> {}

impl FusedIterator for SubRecords<'_> {}

impl fmt::Debug for SubRecords<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SubRecords")
            .field("remaining", &self.records.len())
            .field("partition_keys", &self.tables.partition_keys.len())
            .field("explicit_hash_keys", &self.tables.explicit_hash_keys.len())
            .finish()
    }
}

/// One user record of an aggregate.
///
/// `Debug` shows the data's length, never its bytes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct SubRecord<'a> {
    partition_key: &'a str,
    explicit_hash_key: Option<HashKey>,
    data: &'a [u8],
    sub_sequence_number: u64,
}

impl<'a> SubRecord<'a> {
    /// Its partition key.
    pub fn partition_key(&self) -> &'a str {
        self.partition_key
    }

    /// Its explicit hash key, if it has one.
    pub fn explicit_hash_key(&self) -> Option<HashKey> {
        self.explicit_hash_key
    }

    /// Its data.
    pub fn data(&self) -> &'a [u8] {
        self.data
    }

    /// Its 0-based index in the aggregate: with the Kinesis record's sequence number, its
    /// position in the stream (the KCL's `ExtendedSequenceNumber`).
    pub fn sub_sequence_number(&self) -> u64 {
        self.sub_sequence_number
    }

    /// The hash key that places it on a shard: its explicit hash key, else the MD5 of its
    /// partition key (computed on each call).
    pub fn effective_hash_key(&self) -> HashKey {
        self.explicit_hash_key
            .unwrap_or_else(|| HashKey::from_partition_key(self.partition_key))
    }
}

impl fmt::Debug for SubRecord<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SubRecord")
            .field("partition_key", &self.partition_key)
            .field("explicit_hash_key", &self.explicit_hash_key)
            .field("data", &format_args!("<{} bytes>", self.data.len()))
            .field("sub_sequence_number", &self.sub_sequence_number)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explicit_hash_keys_read_as_big_integer_reads_them() {
        let read = |s: &str| read_hash_key(s.as_bytes()).map(HashKey::get);
        assert_eq!(read("0"), Some(0));
        assert_eq!(read("007"), Some(7));
        assert_eq!(read("+7"), Some(7));
        assert_eq!(read("-0"), Some(0));
        assert_eq!(
            read("340282366920938463463374607431768211455"),
            Some(u128::MAX)
        );
        assert_eq!(read(&format!("{}1", "0".repeat(100))), Some(1));
        for bad in [
            "",
            "+",
            "-",
            "-1",
            "1 ",
            " 1",
            "1e3",
            "0x10",
            "١",
            "340282366920938463463374607431768211456",
        ] {
            assert_eq!(read(bad), None, "{bad:?}");
        }
    }
}
