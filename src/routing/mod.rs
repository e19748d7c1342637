//! Shard routing: a record goes to the open shard whose inclusive `HashKeyRange` holds the MD5
//! of its partition key, or its explicit hash key (Kinesis API reference, PutRecord and
//! `HashKeyRange`). The open shards tile `[0, 2^128-1]`: a split or a merge closes the parent,
//! whose range its children take over, so closed shards take no part in routing (developer
//! guide, "Resharding a stream").

mod lookup;
mod map;
mod range;
mod shard;

pub use map::{ShardMap, ShardMapError};
pub use range::{HashKeyRange, InvalidHashKeyRange};
pub use shard::Shard;
