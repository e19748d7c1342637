//! `ListShards` (Kinesis API reference, ListShards): the request, its pages, and the
//! [`ShardMap`](crate::ShardMap) built from them.

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
