//! [`PutRecordInput`] and its builder: every input rule checked before a request exists.

use std::borrow::Cow;
use std::fmt;

use crate::hash_key::HashKey;
use crate::invalid_input::{Field, InvalidInput, Rule};
use crate::limits::DEFAULT_MAX_RECORD_SIZE;
use crate::partition_key::PartitionKey;
use crate::record::{
    IntoRecordData, RecordDistribution, aggregate_with_auto_distribution, check_max_record_size,
    check_record_size, record_size,
};
use crate::routing::{Shard, ShardMap};
use crate::sequence_number::SequenceNumber;
use crate::stream::{StreamArn, StreamName};

/// A validated `PutRecord` input. Build it with [`PutRecordInput::builder`]; turn it into the
/// exact HTTP request with [`to_http_request`](Self::to_http_request), which cannot fail.
///
/// `'a` lets data, partition key and sequence number be borrowed; give owned values for a
/// `PutRecordInput<'static>`. `Debug` shows the data's length, never its bytes.
#[derive(Clone)]
pub struct PutRecordInput<'a> {
    pub(crate) stream_name: Option<StreamName>,
    pub(crate) stream_arn: Option<StreamArn>,
    pub(crate) partition_key: Option<PartitionKey<'a>>,
    pub(crate) data: Cow<'a, [u8]>,
    pub(crate) explicit_hash_key: Option<HashKey>,
    pub(crate) sequence_number_for_ordering: Option<SequenceNumber<'a>>,
    pub(crate) dry_run: Option<bool>,
    pub(crate) distribution: RecordDistribution,
    pub(crate) aggregate: bool,
}

impl<'a> PutRecordInput<'a> {
    /// A builder with nothing set, the default 1 MiB record size limit and
    /// [`RecordDistribution::UserPartitionKey`].
    pub fn builder() -> PutRecordInputBuilder<'a> {
        PutRecordInputBuilder::default()
    }

    /// The stream name, if given.
    pub fn stream_name(&self) -> Option<&StreamName> {
        self.stream_name.as_ref()
    }

    /// The stream ARN, if given.
    pub fn stream_arn(&self) -> Option<&StreamArn> {
        self.stream_arn.as_ref()
    }

    /// The partition key; `None` only for a keyless record on an `AUTO` stream.
    pub fn partition_key(&self) -> Option<&PartitionKey<'a>> {
        self.partition_key.as_ref()
    }

    /// The record's data, as given (before base64).
    pub fn data(&self) -> &[u8] {
        &self.data
    }

    /// The explicit hash key, if given.
    pub fn explicit_hash_key(&self) -> Option<HashKey> {
        self.explicit_hash_key
    }

    /// The sequence number for ordering, if given.
    pub fn sequence_number_for_ordering(&self) -> Option<&SequenceNumber<'a>> {
        self.sequence_number_for_ordering.as_ref()
    }

    /// The `DryRun` flag, if set.
    pub fn dry_run(&self) -> Option<bool> {
        self.dry_run
    }

    /// The record distribution the caller stated for the stream.
    pub fn record_distribution(&self) -> RecordDistribution {
        self.distribution
    }

    /// Whether the record is marked as a KPL aggregate of two or more user records
    /// ([`PutRecordInputBuilder::aggregate`]).
    pub fn is_aggregate(&self) -> bool {
        self.aggregate
    }

    /// The size checked against the record size limit: data plus partition key UTF-8 bytes.
    pub fn record_size(&self) -> usize {
        record_size(&self.data, self.partition_key.as_ref())
    }

    /// The hash key that picks the record's shard: the explicit hash key when given, else the MD5
    /// hash of the partition key. `None` for any record on an `AUTO` stream, keyed or not: the
    /// service ignores keys there and no shard can be predicted.
    pub fn hash_key(&self) -> Option<HashKey> {
        if self.distribution == RecordDistribution::Auto {
            return None;
        }
        self.explicit_hash_key()
            .or_else(|| self.partition_key.as_ref().map(PartitionKey::hash_key))
    }

    /// An owned copy that no longer borrows.
    pub fn into_owned(self) -> PutRecordInput<'static> {
        PutRecordInput {
            stream_name: self.stream_name,
            stream_arn: self.stream_arn,
            partition_key: self.partition_key.map(PartitionKey::into_owned),
            data: Cow::Owned(self.data.into_owned()),
            explicit_hash_key: self.explicit_hash_key,
            sequence_number_for_ordering: self
                .sequence_number_for_ordering
                .map(SequenceNumber::into_owned),
            dry_run: self.dry_run,
            distribution: self.distribution,
            aggregate: self.aggregate,
        }
    }
}

// Routing knows hash keys, not inputs: the input's lookup lives here, beside `hash_key`.
impl ShardMap {
    /// The open shard a record lands on: by its explicit hash key if given, else by its
    /// partition key's hash. `None` on a stream with `AUTO` record distribution, where the
    /// service picks the shard.
    pub fn shard_for_input(&self, input: &PutRecordInput<'_>) -> Option<&Shard> {
        input.hash_key().map(|key| self.shard_for(key))
    }
}

impl fmt::Debug for PutRecordInput<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PutRecordInput")
            .field("stream_name", &self.stream_name)
            .field("stream_arn", &self.stream_arn)
            .field("partition_key", &self.partition_key)
            .field("data", &format_args!("<{} bytes>", self.data.len()))
            .field("explicit_hash_key", &self.explicit_hash_key())
            .field(
                "sequence_number_for_ordering",
                &self.sequence_number_for_ordering,
            )
            .field("dry_run", &self.dry_run)
            .field("distribution", &self.distribution)
            .field("aggregate", &self.aggregate)
            .finish()
    }
}

/// Builds a [`PutRecordInput`]. Setters take raw values (`&str`, `String`, `Vec<u8>`, `&[u8]`) or
/// already validated ones ([`StreamName`], [`PartitionKey`], [`HashKey`], ...); every check is
/// reported by [`build`](Self::build).
///
/// `build` checks in a fixed order and reports the first rule broken: `maxRecordSize`,
/// `streamName`, `streamARN`, the presence of a stream, `partitionKey`, `data` (present; not an
/// aggregate on an `AUTO` stream), `explicitHashKey`, `sequenceNumberForOrdering`, then the
/// record size.
#[derive(Clone)]
pub struct PutRecordInputBuilder<'a> {
    stream_name: Pending<StreamName>,
    stream_arn: Pending<StreamArn>,
    partition_key: Pending<PartitionKey<'a>>,
    data: Option<Cow<'a, [u8]>>,
    explicit_hash_key: Pending<HashKey>,
    sequence_number_for_ordering: Pending<SequenceNumber<'a>>,
    dry_run: Option<bool>,
    distribution: RecordDistribution,
    max_record_size: usize,
    aggregate: bool,
}

impl Default for PutRecordInputBuilder<'_> {
    fn default() -> Self {
        PutRecordInputBuilder {
            stream_name: None,
            stream_arn: None,
            partition_key: None,
            data: None,
            explicit_hash_key: None,
            sequence_number_for_ordering: None,
            dry_run: None,
            distribution: RecordDistribution::UserPartitionKey,
            max_record_size: DEFAULT_MAX_RECORD_SIZE,
            aggregate: false,
        }
    }
}

impl fmt::Debug for PutRecordInputBuilder<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PutRecordInputBuilder")
            .field("stream_name", &self.stream_name)
            .field("stream_arn", &self.stream_arn)
            .field("partition_key", &self.partition_key)
            .field(
                "data",
                &self.data.as_ref().map(|d| format!("<{} bytes>", d.len())),
            )
            .field("explicit_hash_key", &self.explicit_hash_key)
            .field(
                "sequence_number_for_ordering",
                &self.sequence_number_for_ordering,
            )
            .field("dry_run", &self.dry_run)
            .field("distribution", &self.distribution)
            .field("max_record_size", &self.max_record_size)
            .field("aggregate", &self.aggregate)
            .finish()
    }
}

/// Converts a setter's argument, keeping a conversion error for `build` to report.
fn convert<T, V>(value: V) -> Result<T, Box<InvalidInput>>
where
    V: TryInto<T>,
    V::Error: Into<InvalidInput>,
{
    value.try_into().map_err(|e| Box::new(e.into()))
}

/// A setter's value, converted when set, or why it was refused. The error is boxed so that the
/// builder, which every setter moves, stays small.
type Pending<T> = Option<Result<T, Box<InvalidInput>>>;

/// Takes a pending value out, or the error its setter kept.
fn take<T>(pending: Pending<T>) -> Result<Option<T>, InvalidInput> {
    pending.transpose().map_err(|error| *error)
}

impl<'a> PutRecordInputBuilder<'a> {
    /// The stream name (`StreamName`): 1 to 128 characters of `[a-zA-Z0-9_.-]`.
    pub fn stream_name<V>(mut self, name: V) -> Self
    where
        V: TryInto<StreamName>,
        V::Error: Into<InvalidInput>,
    {
        self.stream_name = Some(convert(name));
        self
    }

    /// The stream ARN (`StreamARN`). A stream name, an ARN or both must be given.
    pub fn stream_arn<V>(mut self, arn: V) -> Self
    where
        V: TryInto<StreamArn>,
        V::Error: Into<InvalidInput>,
    {
        self.stream_arn = Some(convert(arn));
        self
    }

    /// The partition key (`PartitionKey`): 1 to 256 UTF-16 code units. Required unless the
    /// stream uses [`RecordDistribution::Auto`].
    pub fn partition_key<V>(mut self, key: V) -> Self
    where
        V: TryInto<PartitionKey<'a>>,
        V::Error: Into<InvalidInput>,
    {
        self.partition_key = Some(convert(key));
        self
    }

    /// The record's data (`Data`), owned (`Vec<u8>`) or borrowed (`&[u8]`), before base64.
    /// Required; may be empty.
    pub fn data(mut self, data: impl IntoRecordData<'a>) -> Self {
        self.data = Some(data.into_record_data());
        self
    }

    /// The explicit hash key (`ExplicitHashKey`): a decimal string or a [`HashKey`]; it
    /// replaces the partition key's MD5 hash for routing.
    pub fn explicit_hash_key<V>(mut self, key: V) -> Self
    where
        V: TryInto<HashKey>,
        V::Error: Into<InvalidInput>,
    {
        self.explicit_hash_key = Some(convert(key));
        self
    }

    /// The sequence number for ordering (`SequenceNumberForOrdering`): usually the sequence
    /// number of the previous record with the same partition key.
    pub fn sequence_number_for_ordering<V>(mut self, sequence_number: V) -> Self
    where
        V: TryInto<SequenceNumber<'a>>,
        V::Error: Into<InvalidInput>,
    {
        self.sequence_number_for_ordering = Some(convert(sequence_number));
        self
    }

    /// Sets `DryRun`: the service checks the request and answers `DryRunOperationException`
    /// instead of writing the record.
    pub fn dry_run(mut self, dry_run: bool) -> Self {
        self.dry_run = Some(dry_run);
        self
    }

    /// States the stream's record distribution; the default is
    /// [`RecordDistribution::UserPartitionKey`].
    pub fn record_distribution(mut self, distribution: RecordDistribution) -> Self {
        self.distribution = distribution;
        self
    }

    /// Marks the data as a KPL aggregate of two or more user records, as
    /// [`AggregatedRecord::to_put_record`](crate::AggregatedRecord::to_put_record) does; `build`
    /// then refuses the record on an `AUTO` stream ([`Rule::AggregateWithAutoDistribution`]).
    /// Nothing else changes.
    pub fn aggregate(mut self, aggregate: bool) -> Self {
        self.aggregate = aggregate;
        self
    }

    /// The stream's maximum record size in bytes (data plus partition key), from 1 MiB
    /// (1,048,576, the default) to 10 MiB (10,485,760), as set on the stream with
    /// `UpdateMaxRecordSize`. A value outside that range makes `build` fail on `maxRecordSize`.
    pub fn max_record_size(mut self, bytes: usize) -> Self {
        self.max_record_size = bytes;
        self
    }

    /// The input, or the first rule broken (in the order of the type's docs).
    pub fn build(self) -> Result<PutRecordInput<'a>, InvalidInput> {
        check_max_record_size(self.max_record_size)?;
        let stream_name = take(self.stream_name)?;
        let stream_arn = take(self.stream_arn)?;
        if stream_name.is_none() && stream_arn.is_none() {
            return Err(InvalidInput::new(Field::StreamName, Rule::Missing));
        }
        let partition_key = take(self.partition_key)?;
        let auto = self.distribution == RecordDistribution::Auto;
        if partition_key.is_none() && !auto {
            return Err(InvalidInput::new(Field::PartitionKey, Rule::Missing));
        }
        let data = self
            .data
            .ok_or(InvalidInput::new(Field::Data, Rule::Missing))?;
        if auto && self.aggregate {
            return Err(aggregate_with_auto_distribution());
        }
        let not_with_auto = |field| InvalidInput::new(field, Rule::NotAllowedWithAutoDistribution);
        let explicit_hash_key = take(self.explicit_hash_key)?;
        if auto && explicit_hash_key.is_some() {
            return Err(not_with_auto(Field::ExplicitHashKey));
        }
        let sequence_number_for_ordering = take(self.sequence_number_for_ordering)?;
        if auto && sequence_number_for_ordering.is_some() {
            return Err(not_with_auto(Field::SequenceNumberForOrdering));
        }
        check_record_size(&data, partition_key.as_ref(), self.max_record_size)?;
        Ok(PutRecordInput {
            stream_name,
            stream_arn,
            partition_key,
            data,
            explicit_hash_key,
            sequence_number_for_ordering,
            dry_run: self.dry_run,
            distribution: self.distribution,
            aggregate: self.aggregate,
        })
    }
}
