//! `ListShards`: the request that fetches a stream's shards, and its response, turned into a
//! [`ShardMap`].
//!
//! Kinesis API reference, ListShards: the request names the stream (`StreamName` and/or
//! `StreamARN`) or carries the `NextToken` of a previous page; `MaxResults` is 1 to 10,000;
//! a `ShardFilter` of type `AT_LATEST` returns only the open shards. The response lists
//! `Shards` and, when more remain, a `NextToken`.

use std::borrow::Cow;
use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use http::{Request, Response};

use crate::service_error::{
    self as error, MalformedResponse, ServiceError, operation_error_accessors,
};
use serde::Deserialize;

use crate::endpoint::Endpoint;
use crate::hash_key::parse_decimal_hash_key;
use crate::invalid_input::InvalidInput;
use crate::wire::json;

use crate::routing::{HashKeyRange, Shard, ShardMap, ShardMapError};
use crate::stream::{StreamArn, StreamName};

/// The `x-amz-target` value of `ListShards`.
pub const LIST_SHARDS_TARGET: &str = "Kinesis_20131202.ListShards";
/// The largest `MaxResults` of a `ListShards` request (and the smallest is 1).
pub const LIST_SHARDS_MAX_RESULTS: u32 = 10_000;
/// Longest `NextToken` (`NextToken`, "Maximum length of 1048576").
const NEXT_TOKEN_MAX_LEN: usize = 1_048_576;
/// Longest shard id (`ShardId`, "Maximum length of 128").
const SHARD_ID_MAX_LEN: usize = 128;

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
        Self::plain(ShardFilterType::AtLatest)
    }

    /// `AT_TRIM_HORIZON`.
    pub fn at_trim_horizon() -> ShardFilter {
        Self::plain(ShardFilterType::AtTrimHorizon)
    }

    /// `FROM_TRIM_HORIZON`.
    pub fn from_trim_horizon() -> ShardFilter {
        Self::plain(ShardFilterType::FromTrimHorizon)
    }

    /// `AFTER_SHARD_ID` with its shard id (1 to 128 characters of `[a-zA-Z0-9_.-]`).
    pub fn after_shard_id(shard_id: &str) -> Result<ShardFilter, InvalidListShardsInput> {
        check_shard_id("shardFilter.shardId", shard_id)?;
        Ok(ShardFilter {
            shard_id: Some(shard_id.to_owned()),
            ..Self::plain(ShardFilterType::AfterShardId)
        })
    }

    /// `AT_TIMESTAMP` with its timestamp.
    pub fn at_timestamp(timestamp: SystemTime) -> ShardFilter {
        ShardFilter {
            timestamp: Some(timestamp),
            ..Self::plain(ShardFilterType::AtTimestamp)
        }
    }

    /// `FROM_TIMESTAMP` with its timestamp.
    pub fn from_timestamp(timestamp: SystemTime) -> ShardFilter {
        ShardFilter {
            timestamp: Some(timestamp),
            ..Self::plain(ShardFilterType::FromTimestamp)
        }
    }

    fn plain(kind: ShardFilterType) -> ShardFilter {
        ShardFilter {
            kind,
            shard_id: None,
            timestamp: None,
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

/// A `ListShards` input the service would refuse, found before anything is sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InvalidListShardsInput {
    /// The stream name or ARN breaks its rules.
    #[error(transparent)]
    Stream(#[from] InvalidInput),
    /// Neither a stream name, a stream ARN nor a next token was given.
    #[error("streamName: missing; give a stream name, a stream ARN, or a next token")]
    MissingStream,
    /// `MaxResults` is outside 1 to 10,000.
    #[error("maxResults: {0} is outside the allowed range 1..=10000")]
    MaxResults(u32),
    /// A shard id is not 1 to 128 characters of `[a-zA-Z0-9_.-]`.
    #[error("{member}: not a shard id (1 to 128 characters of [a-zA-Z0-9_.-])")]
    ShardId {
        /// `exclusiveStartShardId` or `shardFilter.shardId`.
        member: &'static str,
    },
    /// The next token is empty or longer than 1,048,576 characters.
    #[error("nextToken: {len} bytes, must be 1 to 1048576 characters")]
    NextToken {
        /// Its length in bytes.
        len: usize,
    },
    /// A member that must not be sent with `NextToken`, which already names the stream and the
    /// position (`StreamName`, `StreamCreationTimestamp`, `ExclusiveStartShardId`,
    /// `ShardFilter`).
    #[error("{member}: not allowed together with nextToken")]
    ConflictsWithNextToken {
        /// The member given with the token.
        member: &'static str,
    },
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

    /// The request for the page after the one that returned `next_token`. Only the token, an
    /// optional stream ARN and (with [`ListShardsInputBuilder::max_results`] on a builder) a
    /// page size may go with it: the token already names the stream and the filter.
    pub fn next_page(
        next_token: impl Into<String>,
        stream_arn: Option<StreamArn>,
    ) -> Result<ListShardsInput, InvalidListShardsInput> {
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

    /// The exact HTTP request: `POST` with the four awsJson1_1 headers (`x-amz-target` is
    /// [`LIST_SHARDS_TARGET`]) and a compact JSON body holding only the members set, in the
    /// order `StreamName`, `NextToken`, `ExclusiveStartShardId`, `MaxResults`,
    /// `StreamCreationTimestamp`, `ShardFilter` (`Type`, `ShardId`, `Timestamp`), `StreamARN`.
    /// Timestamps are epoch seconds, with up to three decimals.
    pub fn to_http_request(&self, endpoint: &Endpoint) -> Request<Vec<u8>> {
        crate::wire::aws_json::request(endpoint, LIST_SHARDS_TARGET, self.body())
    }

    /// The JSON body.
    fn body(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(128);
        out.push(b'{');
        let mut sep = "";
        let mut member = |out: &mut Vec<u8>, name: &str| {
            out.extend_from_slice(sep.as_bytes());
            out.push(b'"');
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(b"\":");
            sep = ",";
        };
        if let Some(name) = &self.stream_name {
            member(&mut out, "StreamName");
            json::write_plain_string(&mut out, name.as_bytes());
        }
        if let Some(token) = &self.next_token {
            member(&mut out, "NextToken");
            json::write_string(&mut out, token);
        }
        if let Some(id) = &self.exclusive_start_shard_id {
            member(&mut out, "ExclusiveStartShardId");
            json::write_string(&mut out, id);
        }
        if let Some(n) = self.max_results {
            member(&mut out, "MaxResults");
            out.extend_from_slice(n.to_string().as_bytes());
        }
        if let Some(t) = self.stream_creation_timestamp {
            member(&mut out, "StreamCreationTimestamp");
            write_epoch_seconds(&mut out, t);
        }
        if let Some(filter) = &self.shard_filter {
            member(&mut out, "ShardFilter");
            out.extend_from_slice(b"{\"Type\":\"");
            out.extend_from_slice(filter.kind.as_str().as_bytes());
            out.push(b'"');
            if let Some(id) = &filter.shard_id {
                out.extend_from_slice(b",\"ShardId\":");
                json::write_string(&mut out, id);
            }
            if let Some(t) = filter.timestamp {
                out.extend_from_slice(b",\"Timestamp\":");
                write_epoch_seconds(&mut out, t);
            }
            out.push(b'}');
        }
        if let Some(arn) = &self.stream_arn {
            member(&mut out, "StreamARN");
            json::write_string(&mut out, arn.as_str());
        }
        out.push(b'}');
        out
    }
}

/// Writes an awsJson timestamp: epoch seconds as a JSON number, with the milliseconds as up to
/// three decimals when not zero (before 1970 the number is negative).
fn write_epoch_seconds(out: &mut Vec<u8>, t: SystemTime) {
    let (negative, d) = match t.duration_since(UNIX_EPOCH) {
        Ok(d) => (false, d),
        Err(e) => (true, e.duration()),
    };
    let (secs, millis) = (d.as_secs(), d.subsec_millis());
    if negative && (secs, millis) != (0, 0) {
        out.push(b'-');
    }
    out.extend_from_slice(secs.to_string().as_bytes());
    if millis != 0 {
        let frac = format!(".{millis:03}");
        out.extend_from_slice(frac.trim_end_matches('0').as_bytes());
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

    /// Checks every rule: the stream name and ARN, that the stream or a next token is given,
    /// the members a next token excludes, the token's length, the shard id and `MaxResults`.
    pub fn build(self) -> Result<ListShardsInput, InvalidListShardsInput> {
        let stream_name = self.stream_name.transpose()?;
        let stream_arn = self.stream_arn.transpose()?;
        if let Some(token) = &self.next_token {
            let conflicts = [
                ("streamName", stream_name.is_some()),
                (
                    "streamCreationTimestamp",
                    self.stream_creation_timestamp.is_some(),
                ),
                (
                    "exclusiveStartShardId",
                    self.exclusive_start_shard_id.is_some(),
                ),
                ("shardFilter", self.shard_filter.is_some()),
            ];
            if let Some((member, _)) = conflicts.iter().find(|(_, set)| *set) {
                return Err(InvalidListShardsInput::ConflictsWithNextToken { member });
            }
            if token.is_empty() || token.chars().count() > NEXT_TOKEN_MAX_LEN {
                return Err(InvalidListShardsInput::NextToken { len: token.len() });
            }
        } else if stream_name.is_none() && stream_arn.is_none() {
            return Err(InvalidListShardsInput::MissingStream);
        }
        if let Some(id) = &self.exclusive_start_shard_id {
            check_shard_id("exclusiveStartShardId", id)?;
        }
        if let Some(n) = self.max_results
            && !(1..=LIST_SHARDS_MAX_RESULTS).contains(&n)
        {
            return Err(InvalidListShardsInput::MaxResults(n));
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

/// `ShardId`: "Minimum length of 1. Maximum length of 128. Pattern: `[a-zA-Z0-9_.-]+`".
fn check_shard_id(member: &'static str, id: &str) -> Result<(), InvalidListShardsInput> {
    let ok = !id.is_empty()
        && id.len() <= SHARD_ID_MAX_LEN
        && id
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'.' || c == b'-');
    if ok {
        Ok(())
    } else {
        Err(InvalidListShardsInput::ShardId { member })
    }
}

/// One page of a `ListShards` answer: its shards (open and closed, unless the request filtered
/// them) and the token for the next page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListShardsOutput {
    shards: Vec<Shard>,
    next_token: Option<String>,
    request_id: Option<String>,
}

impl ListShardsOutput {
    /// The shards of this page, in the order the service listed them.
    pub fn shards(&self) -> &[Shard] {
        &self.shards
    }

    /// The shards, owned.
    pub fn into_shards(self) -> Vec<Shard> {
        self.shards
    }

    /// The token for the next page; `None` on the last page.
    pub fn next_token(&self) -> Option<&str> {
        self.next_token.as_deref()
    }

    /// The `x-amzn-RequestId` header, if present.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }
}

/// Why a `ListShards` call gave no list of shards, as parsed by [`parse_list_shards_response`]
/// (and, for [`ShardMap::from_list_shards_response`], why the list is not a shard map).
///
/// One variant per error the Kinesis API reference lists for ListShards, each wrapping the
/// [`ServiceError`] with the details; then [`Unmodeled`](Self::Unmodeled) for any other error
/// the service sends, [`Malformed`](Self::Malformed) for a success response that cannot be read,
/// and [`ShardMap`](Self::ShardMap). The accessors answer for every variant.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ListShardsError {
    /// The stream does not exist (or the ARN names another account or Region). Check the name
    /// or ARN and Region.
    #[error(transparent)]
    ResourceNotFoundException(ServiceError),
    /// A parameter is invalid, for example a token from another stream. Fix the request.
    #[error(transparent)]
    InvalidArgumentException(ServiceError),
    /// The request rate is too high (ListShards allows 1,000 transactions per second per
    /// stream). Back off and retry.
    #[error(transparent)]
    LimitExceededException(ServiceError),
    /// The `NextToken` has expired (tokens last 300 seconds). Start the listing again.
    #[error(transparent)]
    ExpiredNextTokenException(ServiceError),
    /// The stream is not in a state that allows listing (being created, for instance). Wait
    /// for it to become ACTIVE.
    #[error(transparent)]
    ResourceInUseException(ServiceError),
    /// The caller's credentials may not list this stream's shards. Fix the IAM policy.
    #[error(transparent)]
    AccessDeniedException(ServiceError),
    /// An error ListShards' API model does not declare (`ValidationException`, signing
    /// errors, `InternalFailure`, a proxy's error page, ...). See
    /// [`retry_class`](Self::retry_class).
    #[error(transparent)]
    Unmodeled(ServiceError),
    /// A 2xx answer whose body is not a ListShards output: not a JSON object, a member missing
    /// or of the wrong type, a hash key that is not a decimal in `[0, 2^128-1]`, or a range
    /// whose start is after its end.
    #[error(transparent)]
    Malformed(MalformedResponse),
    /// The shards listed do not make a shard map (only from
    /// [`ShardMap::from_list_shards_response`]: for instance one page of a longer listing).
    #[error(transparent)]
    ShardMap(#[from] ShardMapError),
}

impl ListShardsError {
    /// Picks the variant for a service error from its code.
    fn from_service_error(err: ServiceError) -> Self {
        match err.code() {
            Some("ResourceNotFoundException") => Self::ResourceNotFoundException(err),
            Some("InvalidArgumentException") => Self::InvalidArgumentException(err),
            Some("LimitExceededException") => Self::LimitExceededException(err),
            Some("ExpiredNextTokenException") => Self::ExpiredNextTokenException(err),
            Some("ResourceInUseException") => Self::ResourceInUseException(err),
            Some("AccessDeniedException") => Self::AccessDeniedException(err),
            _ => Self::Unmodeled(err),
        }
    }

    operation_error_accessors!(
        ResourceNotFoundException,
        InvalidArgumentException,
        LimitExceededException,
        ExpiredNextTokenException,
        ResourceInUseException,
        AccessDeniedException,
        Unmodeled,
    );
}

#[derive(Deserialize)]
struct RawOutput<'a> {
    #[serde(rename = "Shards", borrow, default)]
    shards: Option<Vec<RawShard<'a>>>,
    #[serde(rename = "NextToken", borrow, default)]
    next_token: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct RawShard<'a> {
    #[serde(rename = "ShardId", borrow)]
    shard_id: Cow<'a, str>,
    #[serde(rename = "ParentShardId", borrow, default)]
    parent_shard_id: Option<Cow<'a, str>>,
    #[serde(rename = "AdjacentParentShardId", borrow, default)]
    adjacent_parent_shard_id: Option<Cow<'a, str>>,
    #[serde(rename = "HashKeyRange", borrow)]
    hash_key_range: RawRange<'a>,
    #[serde(rename = "SequenceNumberRange", borrow)]
    sequence_number_range: RawSequenceRange<'a>,
}

#[derive(Deserialize)]
struct RawRange<'a> {
    #[serde(rename = "StartingHashKey", borrow)]
    start: Cow<'a, str>,
    #[serde(rename = "EndingHashKey", borrow)]
    end: Cow<'a, str>,
}

#[derive(Deserialize)]
struct RawSequenceRange<'a> {
    #[serde(rename = "StartingSequenceNumber", borrow)]
    start: Cow<'a, str>,
    #[serde(rename = "EndingSequenceNumber", borrow, default)]
    end: Option<Cow<'a, str>>,
}

/// Parses a `ListShards` response: a 2xx answer becomes a [`ListShardsOutput`]; any other
/// status goes through the crate's error core into a [`ListShardsError`]. Closed shards are
/// kept (a shard with an `EndingSequenceNumber` is closed); [`ShardMap`] drops them.
///
/// # Errors
///
/// A service error variant for a non-2xx answer, [`ListShardsError::Malformed`] for a 2xx
/// body that is not a ListShards output.
pub fn parse_list_shards_response<B: AsRef<[u8]>>(
    response: &Response<B>,
) -> Result<ListShardsOutput, ListShardsError> {
    let (status, headers, body) = (
        response.status(),
        response.headers(),
        response.body().as_ref(),
    );
    if !error::is_success(status) {
        let err = error::parse_service_error(status, headers, body);
        return Err(ListShardsError::from_service_error(err));
    }
    let (shards, next_token) = parse_success(body).map_err(|reason| {
        ListShardsError::Malformed(MalformedResponse::new(status, headers, reason, body))
    })?;
    Ok(ListShardsOutput {
        shards,
        next_token,
        request_id: error::request_id(headers).map(str::to_owned),
    })
}

/// The shards and next token of a success body, or why it is not one.
fn parse_success(body: &[u8]) -> Result<(Vec<Shard>, Option<String>), String> {
    // serde reads a struct from an array too; the output is an object.
    if body.trim_ascii_start().first() != Some(&b'{') {
        return Err("the body is not a JSON object".to_owned());
    }
    let raw: RawOutput<'_> = serde_json::from_slice(body).map_err(|e| e.to_string())?;
    let mut shards = Vec::with_capacity(raw.shards.as_ref().map_or(0, Vec::len));
    for s in raw.shards.unwrap_or_default() {
        let key = |member: &str, text: &str| {
            parse_decimal_hash_key(text).map_err(|_| {
                format!(
                    "shard {}: {member} is not a decimal hash key in [0, 2^128-1]",
                    s.shard_id
                )
            })
        };
        let start = key("StartingHashKey", &s.hash_key_range.start)?;
        let end = key("EndingHashKey", &s.hash_key_range.end)?;
        let range =
            HashKeyRange::new(start, end).map_err(|e| format!("shard {}: {e}", s.shard_id))?;
        let mut shard = Shard::new(s.shard_id.into_owned(), range)
            .with_starting_sequence_number(s.sequence_number_range.start.into_owned());
        if let Some(p) = s.parent_shard_id {
            shard = shard.with_parent_shard_id(p.into_owned());
        }
        if let Some(p) = s.adjacent_parent_shard_id {
            shard = shard.with_adjacent_parent_shard_id(p.into_owned());
        }
        if let Some(end) = s.sequence_number_range.end {
            shard = shard.with_ending_sequence_number(end.into_owned());
        }
        shards.push(shard);
    }
    Ok((shards, raw.next_token.map(Cow::into_owned)))
}

/// Gathers the pages of a `ListShards` listing, then builds the [`ShardMap`].
///
/// ```
/// use kinesis_proto::{ShardMapBuilder, parse_list_shards_response};
/// let body = r#"{"Shards":[{"ShardId":"shardId-000000000000",
///     "HashKeyRange":{"StartingHashKey":"0","EndingHashKey":"340282366920938463463374607431768211455"},
///     "SequenceNumberRange":{"StartingSequenceNumber":"1"}}]}"#;
/// let page = parse_list_shards_response(&http::Response::new(body))?;
/// let mut builder = ShardMapBuilder::new();
/// builder.add_page(&page);
/// assert!(page.next_token().is_none()); // the last page
/// let map = builder.build()?;
/// assert_eq!(map.shard_for_partition_key("abcd").id(), "shardId-000000000000");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct ShardMapBuilder {
    shards: Vec<Shard>,
}

impl ShardMapBuilder {
    /// An empty builder.
    pub fn new() -> ShardMapBuilder {
        ShardMapBuilder::default()
    }

    /// Adds the shards of one page.
    pub fn add_page(&mut self, page: &ListShardsOutput) -> &mut Self {
        self.shards.extend_from_slice(page.shards());
        self
    }

    /// Adds shards.
    pub fn add_shards(&mut self, shards: impl IntoIterator<Item = Shard>) -> &mut Self {
        self.shards.extend(shards);
        self
    }

    /// The shard map of every shard added (closed ones dropped); see [`ShardMap::new`].
    pub fn build(self) -> Result<ShardMap, ShardMapError> {
        ShardMap::new(self.shards)
    }
}

impl ShardMap {
    /// The shard map of a one-page `ListShards` response (for a listing of several pages,
    /// gather them with [`ShardMapBuilder`]).
    pub fn from_list_shards_response<B: AsRef<[u8]>>(
        response: &Response<B>,
    ) -> Result<ShardMap, ListShardsError> {
        let page = parse_list_shards_response(response)?;
        Ok(ShardMap::new(page.into_shards())?)
    }

    /// The shard map of every shard of `pages`; see [`ShardMap::new`].
    pub fn from_pages(
        pages: impl IntoIterator<Item = ListShardsOutput>,
    ) -> Result<ShardMap, ShardMapError> {
        ShardMap::new(pages.into_iter().flat_map(ListShardsOutput::into_shards))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn body_of(t: SystemTime) -> String {
        let mut out = Vec::new();
        write_epoch_seconds(&mut out, t);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn timestamps_are_epoch_seconds_with_milliseconds() {
        assert_eq!(body_of(UNIX_EPOCH), "0");
        assert_eq!(
            body_of(UNIX_EPOCH + Duration::from_secs(1_700_000_000)),
            "1700000000"
        );
        assert_eq!(body_of(UNIX_EPOCH + Duration::from_millis(1_500)), "1.5");
        assert_eq!(body_of(UNIX_EPOCH + Duration::from_millis(1_234)), "1.234");
        assert_eq!(body_of(UNIX_EPOCH + Duration::from_micros(1_000_900)), "1");
        assert_eq!(body_of(UNIX_EPOCH - Duration::from_millis(1_050)), "-1.05");
    }

    #[test]
    fn shard_ids_follow_their_pattern() {
        assert!(check_shard_id("x", "shardId-000000000000").is_ok());
        assert!(check_shard_id("x", &"a".repeat(128)).is_ok());
        for bad in ["", "a b", "é", &"a".repeat(129)] {
            assert!(check_shard_id("x", bad).is_err(), "{bad:?}");
        }
    }
}
