//! Rules every record obeys, sent alone (`PutRecord`) or in a batch (`PutRecords`): the
//! stream's record distribution and the record size limit.

use std::borrow::Cow;

use crate::invalid_input::{Field, InvalidInput, Rule};
use crate::limits::{MAX_MAX_RECORD_SIZE, MIN_MAX_RECORD_SIZE};
use crate::partition_key::PartitionKey;

/// How a stream spreads records over its shards (the stream's record distribution strategy).
///
/// The caller states it: the crate cannot see the stream's configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum RecordDistribution {
    /// `USER_PARTITION_KEY`, the default: the partition key is required and, through its MD5
    /// hash or an explicit hash key, picks the shard.
    #[default]
    UserPartitionKey,
    /// `AUTO` (on-demand streams only): the service spreads records itself, so no shard can be
    /// predicted. A partition key may be omitted; an explicit hash key (which the service ignores)
    /// or a sequence number for ordering (rejected with `InvalidArgumentException`) is refused.
    Auto,
}

/// An aggregate on an `AUTO` stream: "aggregation is not supported" there, and "aggregated
/// records written to such streams can be dropped silently by KCL consumers" (Kinesis developer
/// guide, KPL aggregation and service-managed record distribution).
pub(crate) const fn aggregate_with_auto_distribution() -> InvalidInput {
    InvalidInput::new(Field::Data, Rule::AggregateWithAutoDistribution)
}

/// The size a record counts for against the record size limit: data bytes plus partition key
/// UTF-8 bytes.
pub(crate) fn record_size(data: &[u8], key: Option<&PartitionKey<'_>>) -> usize {
    data.len()
        .saturating_add(key.map_or(0, PartitionKey::utf8_len))
}

/// The configured limit must be one a stream can have: `UpdateMaxRecordSize` takes
/// 1024 KiB to 10240 KiB (Kinesis API reference, UpdateMaxRecordSize).
pub(crate) fn check_max_record_size(bytes: usize) -> Result<(), InvalidInput> {
    if (MIN_MAX_RECORD_SIZE..=MAX_MAX_RECORD_SIZE).contains(&bytes) {
        Ok(())
    } else {
        let (value, min, max) = (bytes, MIN_MAX_RECORD_SIZE, MAX_MAX_RECORD_SIZE);
        Err(InvalidInput::new(
            Field::MaxRecordSize,
            Rule::OutOfRange { value, min, max },
        ))
    }
}

/// "The data blob can be any type of data ... The maximum size of the data payload, after
/// base64-decoding, plus the partition key size" must not exceed the record size limit (Kinesis
/// developer guide, "Quotas and limits"; API reference, PutRecord `Data`).
pub(crate) fn check_record_size(
    data: &[u8],
    key: Option<&PartitionKey<'_>>,
    limit: usize,
) -> Result<(), InvalidInput> {
    let size = record_size(data, key);
    if size > limit {
        let rule = Rule::RecordTooLarge { size, limit };
        return Err(InvalidInput::new(Field::Data, rule));
    }
    Ok(())
}

/// A record's data: bytes (`&[u8]`, `Vec<u8>`, `bytes::Bytes`) or text (`&str`, `String`, sent as
/// its UTF-8), borrowed (not copied) or owned.
pub trait IntoRecordData<'a> {
    /// The bytes, borrowed when they were given borrowed.
    fn into_record_data(self) -> Cow<'a, [u8]>;
}

macro_rules! record_data {
    ($($ty:ty => |$v:ident| $e:expr),* $(,)?) => {$(
        impl<'a> IntoRecordData<'a> for $ty {
            fn into_record_data(self) -> Cow<'a, [u8]> {
                let $v = self;
                $e
            }
        }
    )*};
}

record_data! {
    &'a [u8] => |v| Cow::Borrowed(v),
    &'a Vec<u8> => |v| Cow::Borrowed(v.as_slice()),
    Vec<u8> => |v| Cow::Owned(v),
    Cow<'a, [u8]> => |v| v,
    &'a str => |v| Cow::Borrowed(v.as_bytes()),
    &'a String => |v| Cow::Borrowed(v.as_bytes()),
    String => |v| Cow::Owned(v.into_bytes()),
    &'a bytes::Bytes => |v| Cow::Borrowed(v.as_ref()),
    // `Vec::from(Bytes)` reuses the allocation when the `Bytes` is its only owner.
    bytes::Bytes => |v| Cow::Owned(Vec::from(v)),
}

impl<'a, const N: usize> IntoRecordData<'a> for &'a [u8; N] {
    fn into_record_data(self) -> Cow<'a, [u8]> {
        Cow::Borrowed(self.as_slice())
    }
}
