//! One record of a batch: [`PutRecordsEntry`] as the caller gives it, and [`ValidatedEntry`], the
//! same record once it has passed `PutRecord`'s rules.

use std::borrow::Cow;
use std::fmt;

use crate::hash_key::HashKey;
use crate::invalid_input::{Field, InvalidInput, Rule};
use crate::limits::EXPLICIT_HASH_KEY_MAX_DIGITS;
use crate::partition_key::PartitionKey;
use crate::record::{
    IntoRecordData, RecordDistribution, aggregate_with_auto_distribution, check_record_size,
    record_size,
};
use crate::wire::json;

/// One record of a batch, as the caller gives it: plain public fields, checked by
/// [`PutRecordsInputBuilder::build`](crate::PutRecordsInputBuilder::build) with the rules of
/// `PutRecord` (Kinesis API reference, `PutRecordsRequestEntry`).
///
/// The lifetime `'a` lets data and keys be borrowed without a copy; give owned values
/// (`Vec<u8>`, `String`) for a `PutRecordsEntry<'static>`.
///
/// ```
/// use kinesis_proto::{HashKey, PutRecordsEntry};
/// let routed = PutRecordsEntry::new(vec![1, 2, 3], String::from("k")).with_hash_key(HashKey::MIN);
/// assert_eq!(routed.explicit_hash_key.as_deref(), Some("0"));
/// ```
///
/// `Debug` shows the data's length, never its bytes.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct PutRecordsEntry<'a> {
    /// The entry's data (`Data`), before base64; may be empty.
    pub data: Cow<'a, [u8]>,
    /// The entry's partition key (`PartitionKey`): 1 to 256 UTF-16 code units. `None` only in a
    /// batch for a stream stated to use [`RecordDistribution::Auto`].
    pub partition_key: Option<Cow<'a, str>>,
    /// The entry's explicit hash key (`ExplicitHashKey`) in its decimal wire form, matching
    /// `0|([1-9]\d{0,38})` and at most 2^128-1; it replaces the partition key's MD5 hash in
    /// picking the entry's shard. Refused in a batch for an `AUTO` stream.
    pub explicit_hash_key: Option<Cow<'a, str>>,
    /// Whether `data` is a KPL aggregate of two or more user records, as
    /// [`AggregatedRecord::as_entry`](crate::AggregatedRecord::as_entry) marks it. Refused in a
    /// batch for an `AUTO` stream ([`Rule::AggregateWithAutoDistribution`]); nothing else changes.
    pub aggregate: bool,
}

impl<'a> PutRecordsEntry<'a> {
    /// An entry with data and a partition key, the common case.
    pub fn new(data: impl IntoRecordData<'a>, partition_key: impl Into<Cow<'a, str>>) -> Self {
        PutRecordsEntry {
            data: data.into_record_data(),
            partition_key: Some(partition_key.into()),
            explicit_hash_key: None,
            aggregate: false,
        }
    }

    /// An entry without a partition key, for a batch to a [`RecordDistribution::Auto`] stream.
    pub fn keyless(data: impl IntoRecordData<'a>) -> Self {
        PutRecordsEntry {
            data: data.into_record_data(),
            ..PutRecordsEntry::default()
        }
    }

    /// Sets the entry's explicit hash key from its decimal wire form, checked at `build`.
    pub fn with_explicit_hash_key(mut self, key: impl Into<Cow<'a, str>>) -> Self {
        self.explicit_hash_key = Some(key.into());
        self
    }

    /// Sets the entry's explicit hash key from a [`HashKey`] value.
    pub fn with_hash_key(mut self, key: HashKey) -> Self {
        self.explicit_hash_key = Some(Cow::Owned(key.to_string()));
        self
    }

    /// An owned copy of the entry that no longer borrows.
    pub fn into_owned(self) -> PutRecordsEntry<'static> {
        PutRecordsEntry {
            data: Cow::Owned(self.data.into_owned()),
            partition_key: self.partition_key.map(|k| Cow::Owned(k.into_owned())),
            explicit_hash_key: self.explicit_hash_key.map(|k| Cow::Owned(k.into_owned())),
            aggregate: self.aggregate,
        }
    }
}

impl fmt::Debug for PutRecordsEntry<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PutRecordsEntry")
            .field("data", &format_args!("<{} bytes>", self.data.len()))
            .field("partition_key", &self.partition_key)
            .field("explicit_hash_key", &self.explicit_hash_key)
            .field("aggregate", &self.aggregate)
            .finish()
    }
}

/// One entry of a [`PutRecordsInput`](crate::PutRecordsInput): its partition key and explicit
/// hash key have passed their rules, and, in the input, the rules that depend on the batch's
/// settings too.
///
/// `Debug` shows the data's length, never its bytes.
#[derive(Clone)]
pub struct ValidatedEntry<'a> {
    pub(crate) data: Cow<'a, [u8]>,
    pub(crate) partition_key: Option<PartitionKey<'a>>,
    pub(crate) explicit_hash_key: Option<HashKey>,
    pub(crate) original_index: usize,
    pub(crate) aggregate: bool,
}

impl<'a> ValidatedEntry<'a> {
    /// Checks the rules of entry `index` that no batch setting changes, in `PutRecord`'s order:
    /// those of the given partition key, then of the given explicit hash key (see the fields of
    /// [`PutRecordsEntry`]; Kinesis API reference, `PutRecordsRequestEntry`).
    #[inline]
    pub(crate) fn check(entry: PutRecordsEntry<'a>, index: usize) -> Result<Self, InvalidInput> {
        let at = move |e: InvalidInput| e.at_entry(index);
        let partition_key = match entry.partition_key {
            Some(key) => Some(PartitionKey::from_cow(key).map_err(at)?),
            None => None,
        };
        let explicit_hash_key = match entry.explicit_hash_key {
            Some(text) => Some(text.parse::<HashKey>().map_err(at)?),
            None => None,
        };
        Ok(ValidatedEntry {
            data: entry.data,
            partition_key,
            explicit_hash_key,
            original_index: index,
            aggregate: entry.aggregate,
        })
    }

    /// Checks the entry's rules that depend on the batch's settings, in `PutRecord`'s order: a
    /// partition key unless the stream uses `AUTO`, no aggregate and no explicit hash key if it
    /// does, then the record size limit (data plus partition key, developer guide, "Quotas and
    /// limits").
    pub(crate) fn check_settings(
        &self,
        distribution: RecordDistribution,
        max_record_size: usize,
    ) -> Result<(), InvalidInput> {
        let auto = distribution == RecordDistribution::Auto;
        let at = |e: InvalidInput| e.at_entry(self.original_index);
        if self.partition_key.is_none() && !auto {
            return Err(at(InvalidInput::new(Field::PartitionKey, Rule::Missing)));
        }
        if self.aggregate && auto {
            return Err(at(aggregate_with_auto_distribution()));
        }
        if self.explicit_hash_key.is_some() && auto {
            return Err(at(InvalidInput::new(
                Field::ExplicitHashKey,
                Rule::NotAllowedWithAutoDistribution,
            )));
        }
        check_record_size(&self.data, self.partition_key.as_ref(), max_record_size).map_err(at)
    }

    /// The entry's data, as given (before base64).
    pub fn data(&self) -> &[u8] {
        &self.data
    }

    /// The entry's partition key; `None` only for a keyless entry in a batch for an `AUTO`
    /// stream.
    pub fn partition_key(&self) -> Option<&PartitionKey<'a>> {
        self.partition_key.as_ref()
    }

    /// The entry's explicit hash key, if given.
    pub fn explicit_hash_key(&self) -> Option<HashKey> {
        self.explicit_hash_key
    }

    /// Whether the entry is marked as a KPL aggregate of two or more user records
    /// ([`PutRecordsEntry::aggregate`]).
    pub fn is_aggregate(&self) -> bool {
        self.aggregate
    }

    /// The size the entry counts for against the record size limit and its share of the
    /// request size limit: data bytes plus partition key UTF-8 bytes.
    #[inline]
    pub fn record_size(&self) -> usize {
        record_size(&self.data, self.partition_key.as_ref())
    }

    /// The entry's 0-based index in the batch first built, which a retry input
    /// ([`PutRecordsInput::retry_failed`](crate::PutRecordsInput::retry_failed)) or a packed
    /// batch keeps.
    pub fn original_index(&self) -> usize {
        self.original_index
    }

    /// The hash key that picks the entry's shard on a `USER_PARTITION_KEY` stream.
    pub(crate) fn routing_hash_key(&self) -> Option<HashKey> {
        self.explicit_hash_key()
            .or_else(|| self.partition_key.as_ref().map(PartitionKey::hash_key))
    }

    /// The length of the entry's object in a request body:
    /// `{"Data":"..","ExplicitHashKey":"..","PartitionKey":".."}`, unset members left out.
    #[inline]
    pub(crate) fn json_len(&self) -> usize {
        let mut len = b"{\"Data\":}".len() + json::base64_string_len(&self.data);
        if let Some(h) = self.explicit_hash_key() {
            let mut digits = [0; EXPLICIT_HASH_KEY_MAX_DIGITS];
            len += b",\"ExplicitHashKey\":\"\"".len() + h.write_decimal(&mut digits).len();
        }
        if let Some(key) = &self.partition_key {
            len += b",\"PartitionKey\":".len() + key.json_len();
        }
        len
    }

    /// An owned copy of the entry that no longer borrows.
    pub fn into_owned(self) -> ValidatedEntry<'static> {
        ValidatedEntry {
            data: Cow::Owned(self.data.into_owned()),
            partition_key: self.partition_key.map(PartitionKey::into_owned),
            explicit_hash_key: self.explicit_hash_key,
            original_index: self.original_index,
            aggregate: self.aggregate,
        }
    }
}

impl fmt::Debug for ValidatedEntry<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ValidatedEntry")
            .field("data", &format_args!("<{} bytes>", self.data.len()))
            .field("partition_key", &self.partition_key)
            .field("explicit_hash_key", &self.explicit_hash_key())
            .field("original_index", &self.original_index)
            .field("aggregate", &self.aggregate)
            .finish()
    }
}
