//! [`Aggregator`]: user records packed into one Kinesis record as the KPL packs them, within
//! [`AggregationLimits`]; [`AggregatedRecord`], what it yields.

use std::borrow::Cow;
use std::fmt;

use md5::{Digest, Md5};

use super::key_table::KeyTable;
use super::messages::{
    EXPLICIT_HASH_KEY_TABLE_TAG, MAGIC, OVERHEAD, PARTITION_KEY_TABLE_TAG, RecordFields,
};
use crate::hash_key::HashKey;
use crate::invalid_input::{Field, InvalidInput, Rule};
use crate::limits::{
    AGGREGATION_DEFAULT_MAX_COUNT, AGGREGATION_DEFAULT_MAX_SIZE, AGGREGATION_MAX_MAX_SIZE,
    AGGREGATION_MIN_MAX_SIZE, DEFAULT_MAX_RECORD_SIZE, EXPLICIT_HASH_KEY_MAX_DIGITS,
};
use crate::partition_key::PartitionKey;
use crate::put_record::PutRecordInputBuilder;
use crate::put_records::PutRecordsEntry;
use crate::record::{check_max_record_size, check_record_size};

/// The partition key of an aggregate of two or more records: one byte, as the KPL sends it
/// (`kinesis_record.cc`: an aggregate always carries an explicit hash key, so its partition key
/// only has to be valid; each sub-record keeps its own).
const AGGREGATE_KEY: &str = "a";
const AGGREGATE_PARTITION_KEY: PartitionKey<'static> = PartitionKey::from_static(AGGREGATE_KEY);

/// The limits an [`Aggregator`] keeps each aggregate within, as the KPL's configuration names
/// them. Each setter checks its range and returns an [`InvalidInput`] outside it.
///
/// ```
/// use kinesis_proto::AggregationLimits;
/// let limits = AggregationLimits::default().with_max_size(100_000)?.with_max_count(1000)?;
/// assert_eq!((limits.max_size(), limits.max_count()), (100_000, 1000));
/// let e = AggregationLimits::default().with_max_size(10).unwrap_err();
/// assert_eq!(e.to_string(), "aggregationMaxSize: 10 is outside the allowed range 64..=10485760");
/// # Ok::<(), kinesis_proto::InvalidInput>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AggregationLimits {
    max_size: usize,
    max_count: u32,
    max_record_size: usize,
}

impl Default for AggregationLimits {
    /// The KPL's defaults: 51,200 bytes, 4,294,967,295 records, on a stream whose records may be
    /// 1 MiB.
    fn default() -> Self {
        AggregationLimits::DEFAULT
    }
}

impl AggregationLimits {
    /// The KPL's defaults (see [`Default`]).
    pub const DEFAULT: AggregationLimits = AggregationLimits {
        max_size: AGGREGATION_DEFAULT_MAX_SIZE,
        max_count: AGGREGATION_DEFAULT_MAX_COUNT,
        max_record_size: DEFAULT_MAX_RECORD_SIZE,
    };

    /// The most bytes of an aggregate of two or more records, magic and digest included (the
    /// KPL's `AggregationMaxSize`): 64 to 10 MiB. A record alone is sent as itself, whatever its
    /// size against this limit, as the KPL sends a record larger than the limit on its own.
    pub fn with_max_size(mut self, bytes: usize) -> Result<Self, InvalidInput> {
        let (min, max) = (AGGREGATION_MIN_MAX_SIZE, AGGREGATION_MAX_MAX_SIZE);
        check_range(Field::AggregationMaxSize, bytes, min, max)?;
        self.max_size = bytes;
        Ok(self)
    }

    /// The most user records in one aggregate (the KPL's `AggregationMaxCount`): at least 1.
    pub fn with_max_count(mut self, records: u32) -> Result<Self, InvalidInput> {
        let max = AGGREGATION_DEFAULT_MAX_COUNT as usize;
        check_range(Field::AggregationMaxCount, records as usize, 1, max)?;
        self.max_count = records;
        Ok(self)
    }

    /// The stream's record size limit (data plus partition key), 1 MiB (the default) to 10 MiB:
    /// each record, and each aggregate with its one-byte partition key, must fit it.
    pub fn with_max_record_size(mut self, bytes: usize) -> Result<Self, InvalidInput> {
        check_max_record_size(bytes)?;
        self.max_record_size = bytes;
        Ok(self)
    }

    /// The most bytes of an aggregate of two or more records.
    pub const fn max_size(&self) -> usize {
        self.max_size
    }

    /// The most user records in one aggregate.
    pub const fn max_count(&self) -> u32 {
        self.max_count
    }

    /// The stream's record size limit.
    pub const fn max_record_size(&self) -> usize {
        self.max_record_size
    }

    /// The most bytes of an aggregate of two or more records under both size limits: the
    /// aggregate, plus its one-byte partition key, must fit the stream's record size limit too.
    const fn aggregate_limit(&self) -> usize {
        let by_record = self.max_record_size - AGGREGATE_KEY.len();
        if self.max_size < by_record {
            self.max_size
        } else {
            by_record
        }
    }
}

/// `value` must be within `min..=max`.
fn check_range(field: Field, value: usize, min: usize, max: usize) -> Result<(), InvalidInput> {
    if (min..=max).contains(&value) {
        Ok(())
    } else {
        Err(InvalidInput::new(
            field,
            Rule::OutOfRange { value, min, max },
        ))
    }
}

/// Why [`Aggregator::push`] refused a record. The record stays the caller's: `push` only ever
/// borrows it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AggregatePushError {
    /// The record breaks a rule of its own, as `PutRecord` checks it: no partition key (every
    /// sub-record needs one), an invalid partition key or explicit hash key, or data plus
    /// partition key above the stream's record size limit. No aggregate takes it; the caller's
    /// mistake.
    #[error("record refused: {0}")]
    Invalid(#[source] InvalidInput),
    /// With the record, the aggregate would be `size` bytes, above `limit`: the smaller of
    /// [`AggregationLimits::max_size`] and the record size limit less the aggregate's one-byte
    /// partition key. Finish the aggregate and push the record into the next one.
    #[error("aggregate full: with the record it would be {size} bytes, the limit is {limit}")]
    TooLarge {
        /// The aggregate's size with the record, magic and digest included.
        size: usize,
        /// The limit in force.
        limit: usize,
    },
    /// The aggregate already holds [`AggregationLimits::max_count`] records. Finish it and push
    /// the record into the next one.
    #[error("aggregate full: it holds {limit} records, the limit")]
    TooMany {
        /// The limit in force.
        limit: u32,
    },
}

impl AggregatePushError {
    /// Whether the record is valid and only this aggregate is full: finish it, and the record
    /// fits the next one (an empty aggregator takes every valid record).
    pub fn is_full(&self) -> bool {
        !matches!(self, AggregatePushError::Invalid(_))
    }
}

/// Packs user records into one Kinesis record in the KPL's aggregated format, byte for byte as
/// the KPL writes it, for KCL consumers and the `aws-kinesis-agg` libraries to read back.
///
/// [`push`](Self::push) copies a record in, or refuses it when the aggregate would break a
/// limit (computed exactly, before anything is copied). [`finish`](Self::finish) yields the
/// Kinesis record and empties the aggregator, which keeps its buffers for the next aggregate.
///
/// Give one aggregator the records of one shard: the aggregate lands on the shard of its first
/// record's hash key, and a KCL consumer of a shard drops an aggregate that holds a record of
/// another shard ([`deaggregate_for_shard`](crate::deaggregate_for_shard) says which).
///
/// ```
/// use kinesis_proto::{AggregationLimits, Aggregator, PutRecordsEntry, deaggregate, Deaggregated};
/// let mut agg = Aggregator::new(AggregationLimits::default());
/// agg.push(&PutRecordsEntry::new("first", "customer-1"))?;
/// agg.push(&PutRecordsEntry::new("second", "customer-2"))?;
/// let record = agg.finish().expect("two records");
/// assert_eq!(record.partition_key().as_str(), "a");
/// let Deaggregated::Aggregate(records) = deaggregate(record.data())? else { unreachable!() };
/// let data: Vec<&[u8]> = records.map(|r| r.data()).collect();
/// assert_eq!(data, [&b"first"[..], b"second"]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// `Debug` shows counts and sizes, never record data.
#[derive(Clone)]
pub struct Aggregator {
    limits: AggregationLimits,
    /// `partition_key_table`.
    partition_keys: KeyTable,
    /// `explicit_hash_key_table`, each key in decimal.
    explicit_hash_keys: KeyTable,
    /// The `records` fields, as they go on the wire.
    records: Vec<u8>,
    count: u32,
    first: Option<FirstRecord>,
}

/// What an aggregate of one record needs to be sent as that record.
#[derive(Clone)]
struct FirstRecord {
    partition_key: PartitionKey<'static>,
    /// Where its data is in `records`.
    data_at: usize,
    data_len: usize,
    /// Its explicit hash key, or the hash key the caller gave; else the partition key's MD5,
    /// computed when it is needed.
    hash_key: Option<HashKey>,
}

impl Aggregator {
    /// An empty aggregator with these limits.
    pub fn new(limits: AggregationLimits) -> Aggregator {
        Aggregator {
            limits,
            partition_keys: KeyTable::new(PARTITION_KEY_TABLE_TAG),
            explicit_hash_keys: KeyTable::new(EXPLICIT_HASH_KEY_TABLE_TAG),
            records: Vec::new(),
            count: 0,
            first: None,
        }
    }

    /// The limits every aggregate is kept within.
    pub fn limits(&self) -> &AggregationLimits {
        &self.limits
    }

    /// How many user records the aggregate holds.
    pub fn len(&self) -> u32 {
        self.count
    }

    /// Whether the aggregate holds no record.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The bytes of the Kinesis record [`finish`](Self::finish) would yield now: 0 when empty,
    /// the data of a record alone, else the magic, the protobuf and its digest.
    pub fn size(&self) -> usize {
        match (self.count, &self.first) {
            (1, Some(first)) => first.data_len,
            (0, _) | (1, None) => 0,
            _ => OVERHEAD + self.protobuf_len(),
        }
    }

    fn protobuf_len(&self) -> usize {
        self.partition_keys.bytes().len()
            + self.explicit_hash_keys.bytes().len()
            + self.records.len()
    }

    /// Copies `record` into the aggregate, or refuses it, leaving the aggregate as it was (the
    /// record is only borrowed, so it stays the caller's either way):
    /// [`AggregatePushError::Invalid`] when the record breaks a rule of its own, [`AggregatePushError::TooLarge`]
    /// or [`AggregatePushError::TooMany`] when taking it would break a limit. An empty aggregator takes
    /// every valid record, however large: alone, it is sent as itself.
    ///
    /// The first record's hash key (its explicit hash key, else the MD5 of its partition key)
    /// routes the aggregate; [`push_with_hash_key`](Self::push_with_hash_key) takes it from a
    /// caller that has already computed it.
    pub fn push(&mut self, record: &PutRecordsEntry<'_>) -> Result<(), AggregatePushError> {
        self.push_routed(record, None)
    }

    /// [`push`](Self::push), with the record's hash key as the caller computed it to route the
    /// record (the MD5 of its partition key, [`HashKey::from_partition_key`]), so that it is not
    /// hashed again. It is trusted, not checked. A record with an explicit hash key is routed by
    /// that key, and `hash_key` is not used.
    pub fn push_with_hash_key(
        &mut self,
        record: &PutRecordsEntry<'_>,
        hash_key: HashKey,
    ) -> Result<(), AggregatePushError> {
        self.push_routed(record, Some(hash_key))
    }

    fn push_routed(
        &mut self,
        record: &PutRecordsEntry<'_>,
        hash_key: Option<HashKey>,
    ) -> Result<(), AggregatePushError> {
        // The record's own rules, as `PutRecord` checks them.
        let Some(key) = record.partition_key.as_deref() else {
            let missing = InvalidInput::new(Field::PartitionKey, Rule::Missing);
            return Err(AggregatePushError::Invalid(missing));
        };
        let key = PartitionKey::new(key).map_err(AggregatePushError::Invalid)?;
        let explicit_hash_key = match record.explicit_hash_key.as_deref() {
            Some(text) => Some(
                text.parse::<HashKey>()
                    .map_err(AggregatePushError::Invalid)?,
            ),
            None => None,
        };
        let data = &record.data[..];
        check_record_size(data, Some(&key), self.limits.max_record_size)
            .map_err(AggregatePushError::Invalid)?;

        // The aggregate's limits, with the record in.
        if self.count >= self.limits.max_count {
            let limit = self.limits.max_count;
            return Err(AggregatePushError::TooMany { limit });
        }
        let pk = self.partition_keys.slot(key.as_str().as_bytes());
        let mut digits = [0; EXPLICIT_HASH_KEY_MAX_DIGITS];
        let ehk_text = explicit_hash_key.map(|h| h.write_decimal(&mut digits).as_bytes());
        let ehk = ehk_text.map(|text| (text, self.explicit_hash_keys.slot(text)));
        let fields = RecordFields {
            partition_key_index: pk.index.into(),
            explicit_hash_key_index: ehk.map(|(_, slot)| slot.index.into()),
            data,
        };
        if self.count >= 1 {
            let added = pk.added_len + ehk.map_or(0, |(_, slot)| slot.added_len);
            let size = OVERHEAD + self.protobuf_len() + added + fields.field_len();
            let limit = self.limits.aggregate_limit();
            if size > limit {
                return Err(AggregatePushError::TooLarge { size, limit });
            }
        }

        // Taken: copied in.
        self.partition_keys.insert(key.as_str().as_bytes(), pk);
        if let Some((text, slot)) = ehk {
            self.explicit_hash_keys.insert(text, slot);
        }
        let data_at = fields.put(&mut self.records);
        if self.count == 0 {
            self.first = Some(FirstRecord {
                partition_key: key.into_owned(),
                data_at,
                data_len: data.len(),
                hash_key: explicit_hash_key.or(hash_key),
            });
        }
        self.count += 1;
        Ok(())
    }

    /// The Kinesis record the KPL sends for the records pushed since the last `finish`, or
    /// `None` if there are none; the aggregator is empty afterwards.
    ///
    /// One record is sent as itself: its data and partition key, with its hash key as the
    /// explicit hash key. Two or more are sent as the magic `F3 89 9A C2`, the protobuf
    /// `AggregatedRecord` (the partition key table, then the explicit hash key table, each key
    /// once in the order first pushed, explicit hash keys in decimal; then the records, in the
    /// order pushed) and its MD5, with the partition key `"a"` and the first record's hash key
    /// as the explicit hash key (`kinesis_record.cc`, `put_records_context.h`). The data is
    /// written into one buffer of exactly its size.
    pub fn finish(&mut self) -> Option<AggregatedRecord> {
        let first = self.first.take()?;
        let user_records = self.count;
        let explicit_hash_key = first
            .hash_key
            .unwrap_or_else(|| first.partition_key.hash_key());
        let out = if user_records == 1 {
            let end = first.data_at + first.data_len;
            AggregatedRecord {
                data: self
                    .records
                    .get(first.data_at..end)
                    .unwrap_or_default()
                    .to_vec(),
                partition_key: first.partition_key,
                explicit_hash_key,
                user_records,
            }
        } else {
            let mut data = Vec::with_capacity(self.size());
            data.extend_from_slice(&MAGIC);
            data.extend_from_slice(self.partition_keys.bytes());
            data.extend_from_slice(self.explicit_hash_keys.bytes());
            data.extend_from_slice(&self.records);
            let digest = Md5::digest(&data[MAGIC.len()..]);
            data.extend_from_slice(&digest);
            AggregatedRecord {
                data,
                partition_key: AGGREGATE_PARTITION_KEY,
                explicit_hash_key,
                user_records,
            }
        };
        self.clear();
        Some(out)
    }

    /// Empties the aggregator and sets its limits, keeping its buffers (the producer reuses one).
    pub(crate) fn reset(&mut self, limits: AggregationLimits) {
        self.clear();
        self.limits = limits;
    }

    /// Empties the aggregator, keeping its buffers.
    fn clear(&mut self) {
        self.partition_keys.clear();
        self.explicit_hash_keys.clear();
        self.records.clear();
        self.count = 0;
        self.first = None;
    }
}

impl Default for Aggregator {
    /// An empty aggregator with the default limits.
    fn default() -> Self {
        Aggregator::new(AggregationLimits::default())
    }
}

impl fmt::Debug for Aggregator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Aggregator")
            .field("limits", &self.limits)
            .field("records", &self.count)
            .field("size", &self.size())
            .finish()
    }
}

/// The Kinesis record an [`Aggregator`] yields: the data, partition key and explicit hash key
/// to send, for a `PutRecords` entry ([`as_entry`](Self::as_entry)) or a `PutRecord`
/// ([`to_put_record`](Self::to_put_record)).
///
/// `Debug` shows the data's length, never its bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct AggregatedRecord {
    data: Vec<u8>,
    partition_key: PartitionKey<'static>,
    explicit_hash_key: HashKey,
    user_records: u32,
}

impl AggregatedRecord {
    /// The record's data: an aggregate's bytes, or a record alone's own data.
    pub fn data(&self) -> &[u8] {
        &self.data
    }

    /// The data, owned.
    pub fn into_data(self) -> Vec<u8> {
        self.data
    }

    /// `"a"` for an aggregate, a record alone's own partition key.
    pub fn partition_key(&self) -> &PartitionKey<'static> {
        &self.partition_key
    }

    /// The first user record's hash key, which routes the record to its shard.
    pub fn explicit_hash_key(&self) -> HashKey {
        self.explicit_hash_key
    }

    /// How many user records it carries, at least 1.
    pub fn user_records(&self) -> u32 {
        self.user_records
    }

    /// Whether it is an aggregate of two or more user records (not one sent as itself).
    pub fn is_aggregate(&self) -> bool {
        self.user_records >= 2
    }

    /// The size it counts for against the record size limit: data plus partition key bytes.
    pub fn record_size(&self) -> usize {
        self.data.len() + self.partition_key.utf8_len()
    }

    /// A `PutRecords` entry borrowing the data, marked as an aggregate when it is one
    /// ([`PutRecordsEntry::aggregate`]), so that a batch for an `AUTO` stream refuses it.
    ///
    /// Do not aggregate for an `AUTO` stream at all: there even a record alone is refused, for
    /// its explicit hash key.
    pub fn as_entry(&self) -> PutRecordsEntry<'_> {
        PutRecordsEntry {
            data: Cow::Borrowed(&self.data),
            partition_key: Some(Cow::Borrowed(self.partition_key.as_str())),
            explicit_hash_key: Some(Cow::Owned(self.explicit_hash_key.to_string())),
            aggregate: self.is_aggregate(),
        }
    }

    /// [`as_entry`](Self::as_entry), owning the data.
    pub fn into_entry(self) -> PutRecordsEntry<'static> {
        let aggregate = self.is_aggregate();
        PutRecordsEntry {
            explicit_hash_key: Some(Cow::Owned(self.explicit_hash_key.to_string())),
            partition_key: Some(Cow::Owned(self.partition_key.as_str().to_owned())),
            data: Cow::Owned(self.data),
            aggregate,
        }
    }

    /// A `PutRecord` builder with the data (borrowed), partition key and explicit hash key set,
    /// and marked as an aggregate when it is one ([`PutRecordInputBuilder::aggregate`]); add the
    /// stream and build.
    pub fn to_put_record(&self) -> PutRecordInputBuilder<'_> {
        crate::put_record::PutRecordInput::builder()
            .data(&self.data[..])
            .partition_key(self.partition_key.as_str())
            .explicit_hash_key(self.explicit_hash_key)
            .aggregate(self.is_aggregate())
    }
}

impl fmt::Debug for AggregatedRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AggregatedRecord")
            .field("data", &format_args!("<{} bytes>", self.data.len()))
            .field("partition_key", &self.partition_key)
            .field("explicit_hash_key", &self.explicit_hash_key)
            .field("user_records", &self.user_records)
            .finish()
    }
}
