//! [`Shard`]: one shard of a stream, as `ListShards` describes it.

use super::range::HashKeyRange;

/// One shard of a stream: its id, hash key range, parents and sequence number range (`Shard` in
/// the Kinesis API reference). It is *open*, taking records, until a split or a merge closes it
/// and the service reports an `EndingSequenceNumber`.
///
/// ```
/// use kinesis_proto::{HashKeyRange, Shard};
/// let open = Shard::new("shardId-000000000000", HashKeyRange::FULL);
/// assert!(open.is_open());
/// let closed = open.clone().with_ending_sequence_number("49");
/// assert!(!closed.is_open());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Shard {
    id: String,
    hash_key_range: HashKeyRange,
    parent_shard_id: Option<String>,
    adjacent_parent_shard_id: Option<String>,
    starting_sequence_number: Option<String>,
    ending_sequence_number: Option<String>,
}

impl Shard {
    /// An open shard with no parents and no sequence number range; the id is taken as given.
    pub fn new(id: impl Into<String>, range: HashKeyRange) -> Shard {
        Shard {
            id: id.into(),
            hash_key_range: range,
            parent_shard_id: None,
            adjacent_parent_shard_id: None,
            starting_sequence_number: None,
            ending_sequence_number: None,
        }
    }

    /// Sets the parent shard id (`ParentShardId`): the shard this one was split or merged from.
    pub fn with_parent_shard_id(mut self, id: impl Into<String>) -> Shard {
        self.parent_shard_id = Some(id.into());
        self
    }

    /// Sets the adjacent parent shard id (`AdjacentParentShardId`), a merge's second parent.
    pub fn with_adjacent_parent_shard_id(mut self, id: impl Into<String>) -> Shard {
        self.adjacent_parent_shard_id = Some(id.into());
        self
    }

    /// Sets the starting sequence number (`SequenceNumberRange.StartingSequenceNumber`).
    pub fn with_starting_sequence_number(mut self, sequence_number: impl Into<String>) -> Shard {
        self.starting_sequence_number = Some(sequence_number.into());
        self
    }

    /// Sets the ending sequence number (`SequenceNumberRange.EndingSequenceNumber`): closed.
    pub fn with_ending_sequence_number(mut self, sequence_number: impl Into<String>) -> Shard {
        self.ending_sequence_number = Some(sequence_number.into());
        self
    }

    /// The shard id (`ShardId`).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The hash key range the shard covers.
    pub fn hash_key_range(&self) -> HashKeyRange {
        self.hash_key_range
    }

    /// True when the shard has no ending sequence number, so it still takes records.
    pub fn is_open(&self) -> bool {
        self.ending_sequence_number.is_none()
    }

    /// The parent shard id, if any.
    pub fn parent_shard_id(&self) -> Option<&str> {
        self.parent_shard_id.as_deref()
    }

    /// The adjacent parent shard id (second parent of a merge), if any.
    pub fn adjacent_parent_shard_id(&self) -> Option<&str> {
        self.adjacent_parent_shard_id.as_deref()
    }

    /// The first sequence number of the shard, if known.
    pub fn starting_sequence_number(&self) -> Option<&str> {
        self.starting_sequence_number.as_deref()
    }

    /// The last sequence number of a closed shard; `None` for an open shard.
    pub fn ending_sequence_number(&self) -> Option<&str> {
        self.ending_sequence_number.as_deref()
    }
}
