//! [`InvalidInput`]: the caller's mistake, found before anything is sent.

use std::fmt;

/// A member of a request, named as the service's `ValidationException` messages spell it
/// (`Value '' at 'partitionKey' failed to satisfy constraint: ...`), so local and remote errors
/// read alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Field {
    /// `StreamName`. Also reported when neither a stream name nor a stream ARN is given.
    StreamName,
    /// `StreamARN`.
    StreamArn,
    /// `PartitionKey`.
    PartitionKey,
    /// `Data`; the record size limit (data plus partition key) is reported here.
    Data,
    /// `ExplicitHashKey`.
    ExplicitHashKey,
    /// `SequenceNumberForOrdering`.
    SequenceNumberForOrdering,
    /// The configured maximum record size (a client setting, not a wire member).
    MaxRecordSize,
    /// `Records` of a batch request: its entry count and its total size are reported here.
    Records,
    /// The configured maximum request size of a batch (a client setting, not a wire member).
    MaxRequestSize,
    /// `NextToken` of a paginated request (ListShards).
    NextToken,
    /// `ExclusiveStartShardId` (ListShards).
    ExclusiveStartShardId,
    /// `MaxResults`, a page size (ListShards).
    MaxResults,
    /// `StreamCreationTimestamp` (ListShards).
    StreamCreationTimestamp,
    /// `ShardFilter` (ListShards).
    ShardFilter,
    /// `ShardFilter.ShardId`, the shard id of an `AFTER_SHARD_ID` filter (ListShards).
    ShardFilterShardId,
    /// A producer setting (`ProducerConfig`), named as its setter; not a wire member.
    Producer(&'static str),
    /// The configured maximum size of a KPL aggregate (a client setting, the KPL's
    /// `AggregationMaxSize`).
    AggregationMaxSize,
    /// The configured maximum count of user records in a KPL aggregate (a client setting, the
    /// KPL's `AggregationMaxCount`).
    AggregationMaxCount,
}

impl Field {
    /// The member name as the service's validation messages spell it, e.g. `partitionKey`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Field::StreamName => "streamName",
            Field::StreamArn => "streamARN",
            Field::PartitionKey => "partitionKey",
            Field::Data => "data",
            Field::ExplicitHashKey => "explicitHashKey",
            Field::SequenceNumberForOrdering => "sequenceNumberForOrdering",
            Field::MaxRecordSize => "maxRecordSize",
            Field::Records => "records",
            Field::MaxRequestSize => "maxRequestSize",
            Field::NextToken => "nextToken",
            Field::ExclusiveStartShardId => "exclusiveStartShardId",
            Field::MaxResults => "maxResults",
            Field::StreamCreationTimestamp => "streamCreationTimestamp",
            Field::ShardFilter => "shardFilter",
            Field::ShardFilterShardId => "shardFilter.shardId",
            Field::Producer(setting) => setting,
            Field::AggregationMaxSize => "aggregationMaxSize",
            Field::AggregationMaxCount => "aggregationMaxCount",
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a length in a [`Rule`] is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LengthUnit {
    /// Characters of a pure-ASCII member (stream names).
    Characters,
    /// UTF-16 code units, as the service's Java validators count them: a character outside the
    /// Basic Multilingual Plane (most emoji) counts twice.
    Utf16CodeUnits,
    /// Bytes.
    Bytes,
    /// Entries of a batch request.
    Entries,
}

impl fmt::Display for LengthUnit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LengthUnit::Characters => "characters",
            LengthUnit::Utf16CodeUnits => "UTF-16 code units",
            LengthUnit::Bytes => "bytes",
            LengthUnit::Entries => "entries",
        })
    }
}

/// The rule a member broke, as data.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Rule {
    /// A required member is missing.
    Missing,
    /// The member is shorter than its minimum length.
    TooShort {
        /// The member's length.
        len: usize,
        /// The minimum length.
        min: usize,
        /// How both are counted.
        unit: LengthUnit,
    },
    /// The member is longer than its maximum length.
    TooLong {
        /// The member's length.
        len: usize,
        /// The maximum length.
        max: usize,
        /// How both are counted.
        unit: LengthUnit,
    },
    /// The member does not fully match its pattern.
    Pattern {
        /// The pattern, as the Kinesis API reference writes it.
        pattern: &'static str,
    },
    /// An explicit hash key matches its pattern but is above the largest hash key, 2^128-1.
    HashKeyOutOfRange,
    /// Data bytes plus partition key UTF-8 bytes exceed the stream's maximum record size.
    RecordTooLarge {
        /// Data bytes plus partition key bytes.
        size: usize,
        /// The maximum record size in force.
        limit: usize,
    },
    /// A batch request's data plus partition keys, summed over every entry, exceed its limit.
    RequestTooLarge {
        /// Data bytes plus partition key bytes of every entry.
        size: usize,
        /// The request size limit in force.
        limit: usize,
    },
    /// A configured number is outside the range the service allows.
    OutOfRange {
        /// The value given.
        value: usize,
        /// The smallest allowed value.
        min: usize,
        /// The largest allowed value.
        max: usize,
    },
    /// The member is refused on a stream that uses `AUTO` record distribution.
    NotAllowedWithAutoDistribution,
    /// The data is a KPL aggregate of two or more user records, refused on a stream that uses
    /// `AUTO` record distribution (reported on `data`).
    AggregateWithAutoDistribution,
    /// The member must not be given together with another one (ListShards: `nextToken` with
    /// `streamName`, `streamCreationTimestamp`, `exclusiveStartShardId` or `shardFilter`).
    MutuallyExclusive {
        /// The member it was given with.
        with: Field,
    },
    /// The setting is not supported by this version of the crate.
    Unsupported,
}

/// An input the service would refuse, found locally before anything is sent.
///
/// [`field`](Self::field) names the member, [`rule`](Self::rule) the rule it broke; `Display` is
/// one line such as `partitionKey: 257 UTF-16 code units, the limit is 256`, never the payload.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct InvalidInput {
    field: Field,
    rule: Rule,
    entry_index: Option<usize>,
}

impl InvalidInput {
    pub(crate) const fn new(field: Field, rule: Rule) -> Self {
        InvalidInput {
            field,
            rule,
            entry_index: None,
        }
    }

    /// `field`'s length rule: `len`, counted in `unit`, must be within `min..=max`.
    pub(crate) const fn check_length(
        field: Field,
        len: usize,
        (min, max): (usize, usize),
        unit: LengthUnit,
    ) -> Result<(), InvalidInput> {
        if len < min {
            Err(InvalidInput::new(field, Rule::TooShort { len, min, unit }))
        } else if len > max {
            Err(InvalidInput::new(field, Rule::TooLong { len, max, unit }))
        } else {
            Ok(())
        }
    }

    /// `field` does not fully match `pattern`.
    pub(crate) const fn pattern(field: Field, pattern: &'static str) -> Self {
        InvalidInput::new(field, Rule::Pattern { pattern })
    }

    /// The member at fault, as the service's validation messages spell it, e.g. `partitionKey`.
    pub fn field(&self) -> &'static str {
        self.field.as_str()
    }

    /// The member at fault, as a value.
    pub fn field_kind(&self) -> Field {
        self.field
    }

    /// The rule the member broke.
    pub fn rule(&self) -> &Rule {
        &self.rule
    }

    /// For a batch request, the 0-based index of the entry at fault; `None` for a single record
    /// or a request-level member.
    pub fn entry_index(&self) -> Option<usize> {
        self.entry_index
    }

    /// The same error, attributed to entry `index` of a batch.
    pub(crate) fn at_entry(mut self, index: usize) -> Self {
        self.entry_index = Some(index);
        self
    }
}

impl fmt::Display for InvalidInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(i) = self.entry_index {
            write!(f, "records[{i}].")?;
        }
        write!(f, "{}: ", self.field)?;
        match &self.rule {
            Rule::Missing => match self.field {
                Field::StreamName | Field::StreamArn => {
                    f.write_str("missing; give a stream name, a stream ARN, or both")
                }
                Field::PartitionKey => f.write_str(
                    "missing; a partition key is required unless the stream uses AUTO record distribution",
                ),
                _ => f.write_str("missing; this member is required"),
            },
            Rule::TooShort { len, min, unit } => write!(f, "{len} {unit}, the minimum is {min}"),
            Rule::TooLong { len, max, unit } => write!(f, "{len} {unit}, the limit is {max}"),
            Rule::Pattern { pattern } => write!(f, "does not fully match the pattern {pattern}"),
            Rule::HashKeyOutOfRange => f.write_str(
                "above the largest hash key 340282366920938463463374607431768211455 (2^128-1)",
            ),
            Rule::RecordTooLarge { size, limit } => write!(
                f,
                "record is {size} bytes (data plus partition key), the limit is {limit}"
            ),
            Rule::RequestTooLarge { size, limit } => write!(
                f,
                "request is {size} bytes (data plus partition keys of every entry), the limit is {limit}"
            ),
            Rule::OutOfRange { value, min, max } => {
                write!(f, "{value} is outside the allowed range {min}..={max}")
            }
            Rule::NotAllowedWithAutoDistribution => f.write_str(match self.field {
                Field::SequenceNumberForOrdering => {
                    "not allowed on a stream with AUTO record distribution (the service rejects it)"
                }
                _ => {
                    "not allowed on a stream with AUTO record distribution (the service would ignore it)"
                }
            }),
            Rule::AggregateWithAutoDistribution => f.write_str(
                "a KPL aggregate is not allowed on a stream with AUTO record distribution (the service \
                 places it on any shard, and KCL consumers drop an aggregate whose records' hash keys \
                 are outside its shard)",
            ),
            Rule::MutuallyExclusive { with } => write!(f, "not allowed together with {with}"),
            Rule::Unsupported => f.write_str("not supported by this version"),
        }
    }
}

impl std::error::Error for InvalidInput {}

impl From<std::convert::Infallible> for InvalidInput {
    fn from(never: std::convert::Infallible) -> Self {
        match never {}
    }
}
