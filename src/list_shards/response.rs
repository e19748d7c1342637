//! Parse: a `ListShards` page, its errors, and the pages gathered into a [`ShardMap`].

use std::borrow::Cow;

use http::Response;
use serde::Deserialize;

use super::input::{LIST_SHARDS_MAX_RESULTS, NEXT_TOKEN_MAX_LEN};
use crate::hash_key::parse_decimal_hash_key;
use crate::limits::{MAX_ERROR_TEXT_BYTES, MAX_SHARDS};
use crate::routing::{HashKeyRange, Shard, ShardMap, ShardMapError};
use crate::sequence_number::is_valid_sequence_number;
use crate::service_error::{
    self as error, MalformedResponse, ServiceError, operation_error_accessors,
};
use crate::text::is_name as is_valid_shard_id;

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

/// Why a `ListShards` call gave no list of shards (from [`parse_list_shards_response`]), or,
/// from [`ShardMap::from_list_shards_response`], why the list is not a shard map. One variant
/// per error the Kinesis API reference lists for ListShards; the accessors answer for every one.
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
    /// or of the wrong type, a shard id off its pattern, a hash key that is not a decimal in
    /// `[0, 2^128-1]`, or a range whose start is after its end.
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

// The wire shapes of the Kinesis API reference, ListShards, "Response Syntax". The hash keys,
// parsed and dropped, are borrowed where no escape forces a copy.

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawOutput<'a> {
    #[serde(default = "no_shards", deserialize_with = "page_shards")]
    shards: PageShards,
    #[serde(borrow)]
    next_token: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawShard<'a> {
    #[serde(borrow)]
    shard_id: Cow<'a, str>,
    #[serde(borrow)]
    parent_shard_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    adjacent_parent_shard_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    hash_key_range: RawRange<'a>,
    #[serde(borrow)]
    sequence_number_range: RawSequenceRange<'a>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawRange<'a> {
    #[serde(borrow)]
    starting_hash_key: Cow<'a, str>,
    #[serde(borrow)]
    ending_hash_key: Cow<'a, str>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawSequenceRange<'a> {
    #[serde(borrow)]
    starting_sequence_number: Cow<'a, str>,
    #[serde(borrow)]
    ending_sequence_number: Option<Cow<'a, str>>,
}

/// The page's shards, or the first reason it is not a page.
type PageShards = Result<Vec<Shard>, String>;

/// Reads `Shards` one at a time, each checked as it is read, and refuses a page of more than
/// [`LIST_SHARDS_MAX_RESULTS`] shards (the API's most per page) before storing one more; `null`
/// reads as no shards. After a refusal the rest of the array is read for syntax, not stored.
fn page_shards<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<PageShards, D::Error> {
    struct Page;
    impl<'de> serde::de::Visitor<'de> for Page {
        type Value = PageShards;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("an array of shards")
        }
        fn visit_unit<E>(self) -> Result<PageShards, E> {
            Ok(Ok(Vec::new()))
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(
            self,
            mut seq: A,
        ) -> Result<PageShards, A::Error> {
            let mut shards = Vec::new();
            while let Some(raw) = seq.next_element::<RawShard<'de>>()? {
                let checked = if shards.len() == LIST_SHARDS_MAX_RESULTS as usize {
                    Err(format!(
                        "more than {LIST_SHARDS_MAX_RESULTS} shards in one page"
                    ))
                } else {
                    read_shard(shards.len(), raw)
                };
                match checked {
                    Ok(shard) => shards.push(shard),
                    Err(reason) => {
                        while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
                        return Ok(Err(reason));
                    }
                }
            }
            Ok(Ok(shards))
        }
    }
    deserializer.deserialize_any(Page)
}

fn no_shards() -> PageShards {
    Ok(Vec::new())
}

/// Parses a `ListShards` response: a 2xx answer becomes a [`ListShardsOutput`] (closed shards
/// kept; [`ShardMap`] drops them).
///
/// # Errors
///
/// A service error variant for a non-2xx answer, [`ListShardsError::Malformed`] for a 2xx
/// body that is not a ListShards output.
pub fn parse_list_shards_response<B: AsRef<[u8]>>(
    response: &Response<B>,
) -> Result<ListShardsOutput, ListShardsError> {
    let (status, headers) = (response.status(), response.headers());
    let body = response.body().as_ref();
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
    let raw: RawOutput<'_> = serde_json::from_slice(body)
        .map_err(|e| error::capped_format(format_args!("{e}"), MAX_ERROR_TEXT_BYTES))?;
    let next_token = match raw.next_token {
        // The rule the request's `NextToken` is held to, so that the page's token can be sent.
        Some(t) if !(1..=NEXT_TOKEN_MAX_LEN).contains(&t.chars().count()) => {
            let rule = format!("`NextToken` is not 1 to {NEXT_TOKEN_MAX_LEN} characters long");
            return Err(rule);
        }
        t => t.map(Cow::into_owned),
    };
    Ok((raw.shards?, next_token))
}

/// The `i`-th shard of a page, checked: shard ids ("Minimum length of 1. Maximum length of 128.
/// Pattern: `[a-zA-Z0-9_.-]+`"), hash keys, range and sequence numbers.
fn read_shard(i: usize, s: RawShard<'_>) -> Result<Shard, String> {
    let check = |name: &str, id: Option<&str>| match id {
        Some(id) if !is_valid_shard_id(id.as_bytes()) => Err(format!(
            "Shards[{i}]: `{name}` does not match [a-zA-Z0-9_.-]{{1,128}}"
        )),
        _ => Ok(()),
    };
    check("ShardId", Some(&s.shard_id))?;
    check("ParentShardId", s.parent_shard_id.as_deref())?;
    check(
        "AdjacentParentShardId",
        s.adjacent_parent_shard_id.as_deref(),
    )?;
    let id = &s.shard_id;
    let key = |member: &str, text: &str| {
        parse_decimal_hash_key(text)
            .map_err(|_| format!("shard {id}: {member} is not a decimal hash key in [0, 2^128-1]"))
    };
    let start = key("StartingHashKey", &s.hash_key_range.starting_hash_key)?;
    let end = key("EndingHashKey", &s.hash_key_range.ending_hash_key)?;
    let range = HashKeyRange::new(start, end).map_err(|e| format!("shard {id}: {e}"))?;
    let seq = s.sequence_number_range;
    let digits = |name: &str, number: Option<&str>| match number {
        Some(n) if !is_valid_sequence_number(n.as_bytes()) => Err(format!(
            "Shards[{i}]: `{name}` does not match 1 to 129 decimal digits"
        )),
        _ => Ok(()),
    };
    digits(
        "StartingSequenceNumber",
        Some(&seq.starting_sequence_number),
    )?;
    digits(
        "EndingSequenceNumber",
        seq.ending_sequence_number.as_deref(),
    )?;
    let mut shard = Shard::new(s.shard_id.into_owned(), range)
        .with_starting_sequence_number(seq.starting_sequence_number.into_owned());
    if let Some(p) = s.parent_shard_id {
        shard = shard.with_parent_shard_id(p.into_owned());
    }
    if let Some(p) = s.adjacent_parent_shard_id {
        shard = shard.with_adjacent_parent_shard_id(p.into_owned());
    }
    if let Some(end) = seq.ending_sequence_number {
        shard = shard.with_ending_sequence_number(end.into_owned());
    }
    Ok(shard)
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
        self.add_shards(page.shards().iter().cloned())
    }

    /// Adds shards. Past [`MAX_SHARDS`] in all none is kept, and [`build`](Self::build) says
    /// [`ShardMapError::TooManyShards`].
    pub fn add_shards(&mut self, shards: impl IntoIterator<Item = Shard>) -> &mut Self {
        let room = (MAX_SHARDS + 1).saturating_sub(self.shards.len());
        self.shards.extend(shards.into_iter().take(room));
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
