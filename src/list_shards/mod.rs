//! `ListShards`: the request that fetches a stream's shards, and its pages, turned into a
//! [`ShardMap`](crate::ShardMap).
//!
//! Kinesis API reference, ListShards: the request names the stream (`StreamName` and/or
//! `StreamARN`) or carries the `NextToken` of a previous page; `MaxResults` is 1 to 10,000;
//! a `ShardFilter` of type `AT_LATEST` returns only the open shards. The response lists
//! `Shards` and, when more remain, a `NextToken`.

mod input;
mod request;
mod response;

pub use input::{
    LIST_SHARDS_MAX_RESULTS, ListShardsInput, ListShardsInputBuilder, ShardFilter, ShardFilterType,
};
pub use request::LIST_SHARDS_TARGET;
pub use response::{
    ListShardsError, ListShardsOutput, ShardMapBuilder, parse_list_shards_response,
};
