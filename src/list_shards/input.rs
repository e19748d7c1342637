//! Validate: the `ListShards` input, its builder and its shard filter.

use std::fmt;
use std::time::SystemTime;

use crate::invalid_input::{Field, InvalidInput, LengthUnit, Rule};
use crate::stream::{StreamArn, StreamName};
use crate::text::is_name as is_valid_shard_id;

/// The largest `MaxResults` of a `ListShards` request, the smallest being 1 (Kinesis API
/// reference, ListShards: `MaxResults`, "Minimum value of 1. Maximum value of 10000").
pub const LIST_SHARDS_MAX_RESULTS: u32 = 10_000;
/// Longest `NextToken` (ListShards: `NextToken`, "Maximum length of 1048576").
pub(crate) const NEXT_TOKEN_MAX_LEN: usize = 1_048_576;
/// Longest shard id (ListShards: `ShardId`, "Maximum length of 128").
const SHARD_ID_MAX_LEN: usize = 128;
/// The `ShardId` pattern (ListShards: `ExclusiveStartShardId`, `ShardFilter.ShardId`).
const SHARD_ID_PATTERN: &str = "[a-zA-Z0-9_.-]+";

/// Which shards a `ShardFilter` keeps (`ShardFilterType` in the Kinesis API reference).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ShardFilterType {
    /// `AFTER_SHARD_ID`: shards after the filter's shard id.
    AfterShardId,
    /// `AT_TRIM_HORIZON`: shards open at the trim horizon.
    AtTrimHorizon,
    /// `FROM_TRIM_HORIZON`: every shard from the trim horizon on.
    FromTrimHorizon,
    /// `AT_LATEST`: only the open shards, the ones a producer writes to.
    AtLatest,
    /// `AT_TIMESTAMP`: shards open at the filter's timestamp.
    AtTimestamp,
    /// `FROM_TIMESTAMP`: every shard from the filter's timestamp on.
    FromTimestamp,
}

impl ShardFilterType {
    /// The wire name, e.g. `AT_LATEST`.
    pub const fn as_str(self) -> &'static str {
        match self {
            ShardFilterType::AfterShardId => "AFTER_SHARD_ID",
            ShardFilterType::AtTrimHorizon => "AT_TRIM_HORIZON",
            ShardFilterType::FromTrimHorizon => "FROM_TRIM_HORIZON",
            ShardFilterType::AtLatest => "AT_LATEST",
            ShardFilterType::AtTimestamp => "AT_TIMESTAMP",
            ShardFilterType::FromTimestamp => "FROM_TIMESTAMP",
        }
    }
}

impl fmt::Display for ShardFilterType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A `ShardFilter`: its type and, for the types that need one, a shard id or a timestamp.
/// Each constructor makes a complete filter.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ShardFilter {
    kind: ShardFilterType,
    shard_id: Option<String>,
    timestamp: Option<SystemTime>,
}

impl ShardFilter {
    /// `AT_LATEST`: only the open shards. This is the filter a producer wants.
    pub fn at_latest() -> ShardFilter {
        Self::of(ShardFilterType::AtLatest, None, None)
    }

    /// `AT_TRIM_HORIZON`.
    pub fn at_trim_horizon() -> ShardFilter {
        Self::of(ShardFilterType::AtTrimHorizon, None, None)
    }

    /// `FROM_TRIM_HORIZON`.
    pub fn from_trim_horizon() -> ShardFilter {
        Self::of(ShardFilterType::FromTrimHorizon, None, None)
    }

    /// `AFTER_SHARD_ID` with its shard id (1 to 128 characters of `[a-zA-Z0-9_.-]`).
    pub fn after_shard_id(shard_id: &str) -> Result<ShardFilter, InvalidInput> {
        check_shard_id(Field::ShardFilterShardId, shard_id)?;
        let id = Some(shard_id.to_owned());
        Ok(Self::of(ShardFilterType::AfterShardId, id, None))
    }

    /// `AT_TIMESTAMP` with its timestamp.
    pub fn at_timestamp(timestamp: SystemTime) -> ShardFilter {
        Self::of(ShardFilterType::AtTimestamp, None, Some(timestamp))
    }

    /// `FROM_TIMESTAMP` with its timestamp.
    pub fn from_timestamp(timestamp: SystemTime) -> ShardFilter {
        Self::of(ShardFilterType::FromTimestamp, None, Some(timestamp))
    }

    fn of(kind: ShardFilterType, shard_id: Option<String>, timestamp: Option<SystemTime>) -> Self {
        ShardFilter {
            kind,
            shard_id,
            timestamp,
        }
    }

    /// The filter type.
    pub fn filter_type(&self) -> ShardFilterType {
        self.kind
    }

    /// The shard id of an `AFTER_SHARD_ID` filter.
    pub fn shard_id(&self) -> Option<&str> {
        self.shard_id.as_deref()
    }

    /// The timestamp of an `AT_TIMESTAMP` or `FROM_TIMESTAMP` filter.
    pub fn timestamp(&self) -> Option<SystemTime> {
        self.timestamp
    }
}

/// A validated `ListShards` input. Build a first request with [`ListShardsInput::builder`] and
/// each following one with [`ListShardsInput::next_page`]; [`to_http_request`](Self::to_http_request)
/// cannot fail.
///
/// ```
/// use kinesis_proto::{Endpoint, ListShardsInput, ShardFilter};
/// let input = ListShardsInput::builder()
///     .stream_name("orders")
///     .shard_filter(ShardFilter::at_latest())
///     .build()?;
/// let request = input.to_http_request(&Endpoint::regional("us-east-1")?);
/// assert_eq!(request.headers()["x-amz-target"], "Kinesis_20131202.ListShards");
/// assert_eq!(request.body().as_slice(), br#"{"StreamName":"orders","ShardFilter":{"Type":"AT_LATEST"}}"#);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListShardsInput {
    stream_name: Option<StreamName>,
    stream_arn: Option<StreamArn>,
    next_token: Option<String>,
    exclusive_start_shard_id: Option<String>,
    max_results: Option<u32>,
    stream_creation_timestamp: Option<SystemTime>,
    shard_filter: Option<ShardFilter>,
}

impl ListShardsInput {
    /// A builder with nothing set.
    pub fn builder() -> ListShardsInputBuilder {
        ListShardsInputBuilder::default()
    }

    /// The request for the page after the one that returned `next_token`, which names the
    /// stream and the filter: only a stream ARN (and, on a builder, a page size) may go with it.
    pub fn next_page(
        next_token: impl Into<String>,
        stream_arn: Option<StreamArn>,
    ) -> Result<ListShardsInput, InvalidInput> {
        let mut builder = ListShardsInput::builder().next_token(next_token);
        builder.stream_arn = stream_arn.map(Ok);
        builder.build()
    }

    /// The stream name, if given.
    pub fn stream_name(&self) -> Option<&StreamName> {
        self.stream_name.as_ref()
    }

    /// The stream ARN, if given.
    pub fn stream_arn(&self) -> Option<&StreamArn> {
        self.stream_arn.as_ref()
    }

    /// The next token, if given.
    pub fn next_token(&self) -> Option<&str> {
        self.next_token.as_deref()
    }

    /// The exclusive start shard id, if given.
    pub fn exclusive_start_shard_id(&self) -> Option<&str> {
        self.exclusive_start_shard_id.as_deref()
    }

    /// The page size, if given.
    pub fn max_results(&self) -> Option<u32> {
        self.max_results
    }

    /// The stream creation timestamp, if given.
    pub fn stream_creation_timestamp(&self) -> Option<SystemTime> {
        self.stream_creation_timestamp
    }

    /// The shard filter, if given.
    pub fn shard_filter(&self) -> Option<&ShardFilter> {
        self.shard_filter.as_ref()
    }
}

/// Builds a [`ListShardsInput`]; every check is reported by [`build`](Self::build).
#[derive(Debug, Clone, Default)]
pub struct ListShardsInputBuilder {
    stream_name: Option<Result<StreamName, InvalidInput>>,
    stream_arn: Option<Result<StreamArn, InvalidInput>>,
    next_token: Option<String>,
    exclusive_start_shard_id: Option<String>,
    max_results: Option<u32>,
    stream_creation_timestamp: Option<SystemTime>,
    shard_filter: Option<ShardFilter>,
}

impl ListShardsInputBuilder {
    /// The stream name (`StreamName`). Not allowed with a next token.
    pub fn stream_name<V>(mut self, name: V) -> Self
    where
        V: TryInto<StreamName>,
        V::Error: Into<InvalidInput>,
    {
        self.stream_name = Some(name.try_into().map_err(Into::into));
        self
    }

    /// The stream ARN (`StreamARN`), recommended over the name by the API reference.
    pub fn stream_arn<V>(mut self, arn: V) -> Self
    where
        V: TryInto<StreamArn>,
        V::Error: Into<InvalidInput>,
    {
        self.stream_arn = Some(arn.try_into().map_err(Into::into));
        self
    }

    /// The `NextToken` of the previous page.
    pub fn next_token(mut self, token: impl Into<String>) -> Self {
        self.next_token = Some(token.into());
        self
    }

    /// `ExclusiveStartShardId`: list the shards after this one. Not allowed with a next token.
    pub fn exclusive_start_shard_id(mut self, shard_id: impl Into<String>) -> Self {
        self.exclusive_start_shard_id = Some(shard_id.into());
        self
    }

    /// `MaxResults`, the page size: 1 to 10,000.
    pub fn max_results(mut self, max_results: u32) -> Self {
        self.max_results = Some(max_results);
        self
    }

    /// `StreamCreationTimestamp`, to tell apart streams that had the same name. Not allowed
    /// with a next token.
    pub fn stream_creation_timestamp(mut self, timestamp: SystemTime) -> Self {
        self.stream_creation_timestamp = Some(timestamp);
        self
    }

    /// `ShardFilter`; [`ShardFilter::at_latest`] lists only the open shards. Not allowed with a
    /// next token.
    pub fn shard_filter(mut self, filter: ShardFilter) -> Self {
        self.shard_filter = Some(filter);
        self
    }

    /// Checks every rule of the Kinesis API reference, ListShards, request parameters: the
    /// stream name and ARN; the stream or a next token given; with a next token, none of the
    /// members it excludes and a length of 1 to 1,048,576; the shard id; `MaxResults`.
    pub fn build(self) -> Result<ListShardsInput, InvalidInput> {
        let stream_name = self.stream_name.transpose()?;
        let stream_arn = self.stream_arn.transpose()?;
        let (start_id, created, filter) = (
            &self.exclusive_start_shard_id,
            self.stream_creation_timestamp,
            &self.shard_filter,
        );
        if let Some(token) = &self.next_token {
            // `NextToken` "unambiguously identifies the stream" and the position, so the
            // members that name either are refused with it.
            let excluded = [
                stream_name.is_some().then_some(Field::StreamName),
                created.is_some().then_some(Field::StreamCreationTimestamp),
                start_id.is_some().then_some(Field::ExclusiveStartShardId),
                filter.is_some().then_some(Field::ShardFilter),
            ];
            if let Some(field) = excluded.into_iter().flatten().next() {
                let with = Field::NextToken;
                return Err(InvalidInput::new(field, Rule::MutuallyExclusive { with }));
            }
            if let Some(rule) = length_rule(token.chars().count(), NEXT_TOKEN_MAX_LEN) {
                return Err(InvalidInput::new(Field::NextToken, rule));
            }
        } else if stream_name.is_none() && stream_arn.is_none() {
            return Err(InvalidInput::new(Field::StreamName, Rule::Missing));
        }
        if let Some(id) = start_id {
            check_shard_id(Field::ExclusiveStartShardId, id)?;
        }
        if let Some(n) = self.max_results
            && !(1..=LIST_SHARDS_MAX_RESULTS).contains(&n)
        {
            let value = usize::try_from(n).unwrap_or(usize::MAX);
            let max = LIST_SHARDS_MAX_RESULTS as usize;
            let rule = Rule::OutOfRange { value, min: 1, max };
            return Err(InvalidInput::new(Field::MaxResults, rule));
        }
        Ok(ListShardsInput {
            stream_name,
            stream_arn,
            next_token: self.next_token,
            exclusive_start_shard_id: self.exclusive_start_shard_id,
            max_results: self.max_results,
            stream_creation_timestamp: self.stream_creation_timestamp,
            shard_filter: self.shard_filter,
        })
    }
}

/// The rule a member of 1 to `max` characters breaks with `len` of them, if any.
fn length_rule(len: usize, max: usize) -> Option<Rule> {
    let unit = LengthUnit::Characters;
    match len {
        0 => Some(Rule::TooShort { len, min: 1, unit }),
        _ if len > max => Some(Rule::TooLong { len, max, unit }),
        _ => None,
    }
}

/// `ShardId`: "Minimum length of 1. Maximum length of 128. Pattern: `[a-zA-Z0-9_.-]+`" (Kinesis
/// API reference, ListShards).
fn check_shard_id(field: Field, id: &str) -> Result<(), InvalidInput> {
    if is_valid_shard_id(id.as_bytes()) {
        return Ok(());
    }
    let pattern = SHARD_ID_PATTERN;
    let rule =
        length_rule(id.chars().count(), SHARD_ID_MAX_LEN).unwrap_or(Rule::Pattern { pattern });
    Err(InvalidInput::new(field, rule))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shard_ids_follow_their_pattern() {
        let field = Field::ExclusiveStartShardId;
        assert!(check_shard_id(field, "shardId-000000000000").is_ok());
        assert!(check_shard_id(field, &"a".repeat(128)).is_ok());
        for bad in ["", "a b", "é", &"a".repeat(129)] {
            assert!(check_shard_id(field, bad).is_err(), "{bad:?}");
        }
    }
}
