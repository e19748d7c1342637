//! Shard routing: which shard a record lands on.
//!
//! "Each shard has a set of ordered hash key ranges ... the partition key is used by Kinesis Data
//! Streams to map ... data records to shards": MD5 turns the partition key into a 128-bit integer
//! (an explicit hash key replaces it), and the record goes to the open shard whose inclusive
//! `HashKeyRange` contains that integer (Kinesis API reference, PutRecord and `HashKeyRange`;
//! developer guide, "Resharding a stream"). The open shards of a stream tile the whole space
//! `[0, 2^128-1]`: after a split or a merge the parent is closed and its children take over
//! its range, so closed shards overlap open ones and take no part in routing.
//!
//! `range` holds the range type, `shard` one shard as `ListShards` describes it, `map` the
//! open shards checked to tile the space, and `lookup` the table that finds a key's shard.

mod lookup;
mod map;
mod range;
mod shard;

pub use map::{ShardMap, ShardMapError};
pub use range::{HashKeyRange, InvalidHashKeyRange};
pub use shard::Shard;
