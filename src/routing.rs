//! Shard routing: which shard a record lands on.
//!
//! "Each shard has a set of ordered hash key ranges ... the partition key is used by Kinesis Data
//! Streams to map ... data records to shards": MD5 turns the partition key into a 128-bit integer
//! (an explicit hash key replaces it), and the record goes to the open shard whose inclusive
//! `HashKeyRange` contains that integer (Kinesis API reference, PutRecord and `HashKeyRange`;
//! developer guide, "Resharding a stream"). The open shards of a stream tile the whole space
//! `[0, 2^128-1]`: after a split or a merge the parent is closed and its children take over
//! its range, so closed shards overlap open ones and take no part in routing.

use std::collections::HashSet;
use std::fmt;

use crate::hash_key::HashKey;
use crate::input::PutRecordInput;

/// An inclusive range of hash keys, `start <= end` (`HashKeyRange` in the Kinesis API reference:
/// `StartingHashKey` and `EndingHashKey`, both inclusive).
///
/// ```
/// use kinesis_proto::{HashKey, HashKeyRange};
/// let r = HashKeyRange::new(HashKey::new(10), HashKey::new(20))?;
/// assert!(r.contains(HashKey::new(10)) && r.contains(HashKey::new(20)));
/// assert!(!r.contains(HashKey::new(21)));
/// assert!(HashKeyRange::new(HashKey::new(2), HashKey::new(1)).is_err());
/// # Ok::<(), kinesis_proto::InvalidHashKeyRange>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct HashKeyRange {
    start: HashKey,
    end: HashKey,
}

impl HashKeyRange {
    /// The whole hash key space, `[0, 2^128-1]`.
    pub const FULL: HashKeyRange = HashKeyRange {
        start: HashKey::MIN,
        end: HashKey::MAX,
    };

    /// The range `[start, end]`; an error when `start > end`.
    pub const fn new(start: HashKey, end: HashKey) -> Result<HashKeyRange, InvalidHashKeyRange> {
        if start.get() > end.get() {
            return Err(InvalidHashKeyRange { start, end });
        }
        Ok(HashKeyRange { start, end })
    }

    /// The first hash key of the range (`StartingHashKey`).
    pub const fn start(&self) -> HashKey {
        self.start
    }

    /// The last hash key of the range, included (`EndingHashKey`).
    pub const fn end(&self) -> HashKey {
        self.end
    }

    /// True when `key` is in the range, both ends included.
    pub const fn contains(&self, key: HashKey) -> bool {
        self.start.get() <= key.get() && key.get() <= self.end.get()
    }
}

impl fmt::Display for HashKeyRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}, {}]", self.start, self.end)
    }
}

/// A hash key range whose start is after its end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[error("hash key range start {start} is after its end {end}")]
pub struct InvalidHashKeyRange {
    /// The start given.
    pub start: HashKey,
    /// The end given.
    pub end: HashKey,
}

/// One shard of a stream: its id, its hash key range, its parents and its sequence number range
/// (`Shard` in the Kinesis API reference).
///
/// A shard is *open* while it has no ending sequence number; a split or a merge closes it
/// (the service then reports an `EndingSequenceNumber`) and only open shards take new records.
///
/// ```
/// use kinesis_proto::{HashKeyRange, Shard};
/// let open = Shard::new("shardId-000000000000", HashKeyRange::FULL);
/// assert!(open.is_open());
/// let closed = open.clone().with_ending_sequence_number("49");
/// assert!(!closed.is_open());
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Shard {
    id: String,
    range: HashKeyRange,
    /// Parents and sequence numbers, off the routing path: a lookup that reads the shard it
    /// found touches one small struct.
    details: Option<Box<ShardDetails>>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
struct ShardDetails {
    parent_shard_id: Option<String>,
    adjacent_parent_shard_id: Option<String>,
    starting_sequence_number: Option<String>,
    ending_sequence_number: Option<String>,
}

impl Shard {
    /// An open shard with no parents and no sequence number range. The id is taken as given
    /// (the service's ids look like `shardId-000000000000`).
    pub fn new(id: impl Into<String>, range: HashKeyRange) -> Shard {
        Shard {
            id: id.into(),
            range,
            details: None,
        }
    }

    fn details_mut(&mut self) -> &mut ShardDetails {
        self.details.get_or_insert_with(Box::default)
    }

    fn details(&self) -> Option<&ShardDetails> {
        self.details.as_deref()
    }

    /// Sets the parent shard id (`ParentShardId`): the shard this one was split or merged from.
    pub fn with_parent_shard_id(mut self, id: impl Into<String>) -> Shard {
        self.details_mut().parent_shard_id = Some(id.into());
        self
    }

    /// Sets the adjacent parent shard id (`AdjacentParentShardId`): the second parent of a
    /// merge.
    pub fn with_adjacent_parent_shard_id(mut self, id: impl Into<String>) -> Shard {
        self.details_mut().adjacent_parent_shard_id = Some(id.into());
        self
    }

    /// Sets the starting sequence number (`SequenceNumberRange.StartingSequenceNumber`).
    pub fn with_starting_sequence_number(mut self, sequence_number: impl Into<String>) -> Shard {
        self.details_mut().starting_sequence_number = Some(sequence_number.into());
        self
    }

    /// Sets the ending sequence number (`SequenceNumberRange.EndingSequenceNumber`), which
    /// makes the shard closed.
    pub fn with_ending_sequence_number(mut self, sequence_number: impl Into<String>) -> Shard {
        self.details_mut().ending_sequence_number = Some(sequence_number.into());
        self
    }

    /// The shard id (`ShardId`).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The hash key range the shard covers.
    pub fn hash_key_range(&self) -> HashKeyRange {
        self.range
    }

    /// True when the shard has no ending sequence number, so it still takes records.
    pub fn is_open(&self) -> bool {
        self.ending_sequence_number().is_none()
    }

    /// The parent shard id, if any.
    pub fn parent_shard_id(&self) -> Option<&str> {
        self.details()?.parent_shard_id.as_deref()
    }

    /// The adjacent parent shard id (second parent of a merge), if any.
    pub fn adjacent_parent_shard_id(&self) -> Option<&str> {
        self.details()?.adjacent_parent_shard_id.as_deref()
    }

    /// The first sequence number of the shard, if known.
    pub fn starting_sequence_number(&self) -> Option<&str> {
        self.details()?.starting_sequence_number.as_deref()
    }

    /// The last sequence number of a closed shard; `None` for an open shard.
    pub fn ending_sequence_number(&self) -> Option<&str> {
        self.details()?.ending_sequence_number.as_deref()
    }
}

impl fmt::Debug for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Shard")
            .field("id", &self.id)
            .field("hash_key_range", &self.range)
            .field("parent_shard_id", &self.parent_shard_id())
            .field("adjacent_parent_shard_id", &self.adjacent_parent_shard_id())
            .field("starting_sequence_number", &self.starting_sequence_number())
            .field("ending_sequence_number", &self.ending_sequence_number())
            .finish()
    }
}

/// Why a set of shards does not make a [`ShardMap`]: the open shards must cover
/// `[0, 2^128-1]` exactly once.
#[derive(Debug, Clone, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum ShardMapError {
    /// No open shard was given (or [`ShardMap::even`] was asked for zero shards).
    #[error("no open shard: a shard map needs at least one")]
    Empty,
    /// Two shards have the same id.
    #[error("shard id {shard_id} appears more than once")]
    DuplicateShardId {
        /// The repeated id.
        shard_id: String,
    },
    /// The open shard with the lowest start does not start at hash key 0.
    #[error("the first open shard {shard_id} starts at {start}, not at 0")]
    DoesNotStartAtZero {
        /// The first open shard.
        shard_id: String,
        /// Its starting hash key.
        start: HashKey,
    },
    /// The open shard with the highest start does not end at hash key 2^128-1.
    #[error(
        "the last open shard {shard_id} ends at {end}, not at 340282366920938463463374607431768211455"
    )]
    DoesNotEndAtMax {
        /// The last open shard.
        shard_id: String,
        /// Its ending hash key.
        end: HashKey,
    },
    /// No open shard covers the hash keys between two neighbours.
    #[error(
        "no open shard covers hash keys {first_missing} to {last_missing}, between {after_shard} and {before_shard}"
    )]
    Gap {
        /// The open shard that ends before the gap.
        after_shard: String,
        /// The open shard that starts after the gap.
        before_shard: String,
        /// The first hash key not covered.
        first_missing: HashKey,
        /// The last hash key not covered.
        last_missing: HashKey,
    },
    /// Two open shards cover the same hash keys.
    #[error(
        "open shards {first_shard} and {second_shard} both cover hash keys {first_overlapping} to {last_overlapping}"
    )]
    Overlap {
        /// The open shard that starts first.
        first_shard: String,
        /// The open shard that starts inside the first one's range.
        second_shard: String,
        /// The first hash key covered by both.
        first_overlapping: HashKey,
        /// The last hash key covered by both.
        last_overlapping: HashKey,
    },
}

/// The open shards of a stream, sorted by starting hash key and checked to cover
/// `[0, 2^128-1]` exactly once, so that every hash key has exactly one shard.
///
/// Lookups ([`shard_for`](Self::shard_for)) never fail and never allocate: a table indexed by
/// the key's top bits (four to eight 8-byte entries per shard) answers almost every key with one
/// comparison and no key-dependent branch; a binary search over a flat array of range starts
/// handles the few buckets where several shards start.
///
/// ```
/// use kinesis_proto::{HashKey, ShardMap};
/// let map = ShardMap::even(2)?;
/// assert_eq!(map.shard_for(HashKey::new((1 << 127) - 1)).id(), "shardId-000000000000");
/// assert_eq!(map.shard_for(HashKey::new(1 << 127)).id(), "shardId-000000000001");
/// assert_eq!(map.shard_for_partition_key("abcd").id(), "shardId-000000000001");
/// # Ok::<(), kinesis_proto::ShardMapError>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct ShardMap {
    /// The open shards, sorted by starting hash key; never empty.
    shards: Vec<Shard>,
    /// `starts[i]` is the starting hash key of `shards[i]`; `starts[0] == 0`.
    starts: Vec<u128>,
    /// One entry per bucket of keys sharing their top `bits` bits. Empty (plain binary search)
    /// only if a shard index does not fit in a `u32`.
    buckets: Vec<Bucket>,
    /// How many top bits of a key select its bucket, 1 to [`MAX_BUCKET_BITS`].
    bits: u32,
}

/// What a lookup needs to know about one bucket of keys, in 8 bytes so that the table of a map
/// of 10,000 shards (256 KiB) stays in a core's L2 cache beside the shards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Bucket {
    /// With at most one shard boundary in the bucket: the 32 key bits after the bucket prefix
    /// ([`ShardMap::probe`]) of the boundary, or `u32::MAX` when the whole bucket is inside one
    /// shard (a key equal to it in those bits is then compared in full, which finds the same
    /// shard). For a crowded bucket: the index of the shard holding the bucket's last key.
    probe: u32,
    /// The index of the shard holding the bucket's first key, with [`CROWDED`] set when several
    /// shards start inside the bucket (binary search).
    first: u32,
}

/// The flag in [`Bucket::first`] of a bucket where several shards start.
const CROWDED: u32 = 1 << 31;

/// The bucket table never has more than 2^20 entries (8 MiB); a map gets four to eight buckets
/// per shard.
const MAX_BUCKET_BITS: u32 = 20;

impl ShardMap {
    /// Builds the map from a stream's shards, open and closed: closed shards are dropped, the
    /// open ones sorted by starting hash key and checked to tile `[0, 2^128-1]` with no gap and
    /// no overlap. Shard ids must be unique among all the shards given.
    pub fn new(shards: impl IntoIterator<Item = Shard>) -> Result<ShardMap, ShardMapError> {
        let mut seen = HashSet::new();
        let mut open = Vec::new();
        for shard in shards {
            if !seen.insert(shard.id.clone()) {
                return Err(ShardMapError::DuplicateShardId { shard_id: shard.id });
            }
            if shard.is_open() {
                open.push(shard);
            }
        }
        drop(seen);
        open.sort_unstable_by_key(|s| (s.range.start, s.range.end));
        check_tiling(&open)?;
        Ok(ShardMap::from_tiling(open))
    }

    /// The shards `CreateStream` makes for a new stream of `count` shards: the hash key space
    /// split evenly. With `h = floor(2^128 / count)`, shard `i` covers `[h*i, h*(i+1) - 1]` and
    /// the last one ends at 2^128-1; ids are `shardId-` and 12 digits (`shardId-000000000000`).
    ///
    /// `count == 0` is [`ShardMapError::Empty`].
    pub fn even(count: u32) -> Result<ShardMap, ShardMapError> {
        if count == 0 {
            return Err(ShardMapError::Empty);
        }
        if count == 1 {
            // h would be 2^128, which does not fit: one shard covers the whole space.
            return Ok(ShardMap::from_tiling(vec![Shard::new(
                "shardId-000000000000",
                HashKeyRange::FULL,
            )]));
        }
        let n = u128::from(count);
        // floor(2^128 / n) = floor((u128::MAX + 1) / n): one more than u128::MAX / n exactly when
        // u128::MAX + 1 is a multiple of n (n a power of two; n = 2 gives 2^127, not 2^127 - 1).
        let h = u128::MAX / n + u128::from(u128::MAX % n == n - 1);
        let shards = (0..n)
            .map(|i| {
                // i < n, so h * i < 2^128.
                let start = h * i;
                let end = if i + 1 == n {
                    u128::MAX
                } else {
                    // i + 1 < n, so h * (i + 1) <= 2^128 - h fits.
                    h * (i + 1) - 1
                };
                Shard::new(
                    format!("shardId-{i:012}"),
                    HashKeyRange {
                        start: HashKey::new(start),
                        end: HashKey::new(end),
                    },
                )
            })
            .collect::<Vec<_>>();
        debug_assert!(check_tiling(&shards).is_ok());
        Ok(ShardMap::from_tiling(shards))
    }

    /// Builds the lookup tables over shards already known to tile the space.
    fn from_tiling(shards: Vec<Shard>) -> ShardMap {
        let n = shards.len();
        let starts: Vec<u128> = shards.iter().map(|s| s.range.start.get()).collect();
        let bits = (usize::BITS - n.leading_zeros() + 2).clamp(1, MAX_BUCKET_BITS);
        let shift = 128 - bits;
        let mut buckets = Vec::new();
        // Shard indexes must leave the CROWDED bit free.
        if n < CROWDED as usize {
            let count = 1usize << bits;
            buckets.reserve_exact(count);
            // Walk the buckets and the shards together: `i` holds the bucket's first key,
            // `j` its last one.
            let mut i = 0usize;
            let mut j = 0usize;
            for b in 0..count {
                let first_key = (b as u128) << shift;
                let last_key = first_key | (u128::MAX >> bits);
                while i + 1 < n && starts[i + 1] <= first_key {
                    i += 1;
                }
                j = j.max(i);
                while j + 1 < n && starts[j + 1] <= last_key {
                    j += 1;
                }
                // n < 2^31, so both indexes fit in 31 bits.
                let bucket = match j - i {
                    0 => Bucket {
                        probe: u32::MAX,
                        first: i as u32,
                    },
                    1 => Bucket {
                        probe: Self::probe(starts[j], bits),
                        first: i as u32,
                    },
                    _ => Bucket {
                        probe: j as u32,
                        first: i as u32 | CROWDED,
                    },
                };
                buckets.push(bucket);
            }
        }
        ShardMap {
            shards,
            starts,
            buckets,
            bits,
        }
    }

    /// The 32 bits of `key` that follow its `bits`-bit bucket prefix.
    #[inline]
    fn probe(key: u128, bits: u32) -> u32 {
        ((key << bits) >> 96) as u32
    }

    /// `lo` plus the number of `starts[lo + 1..=hi]` that are `<= key`.
    fn search(&self, lo: usize, hi: usize, key: u128) -> usize {
        lo + self
            .starts
            .get(lo + 1..=hi)
            .map_or(0, |s| s.partition_point(|&start| start <= key))
    }

    /// The open shards, sorted by starting hash key.
    pub fn shards(&self) -> &[Shard] {
        &self.shards
    }

    /// The number of open shards (at least one).
    pub fn len(&self) -> usize {
        self.shards.len()
    }

    /// Always false: a shard map has at least one shard.
    pub fn is_empty(&self) -> bool {
        self.shards.is_empty()
    }

    /// The index in [`shards`](Self::shards) of the shard that holds `key`.
    #[inline]
    pub fn shard_index(&self, key: HashKey) -> usize {
        let key = key.get();
        let Some(bucket) = self.buckets.get((key >> (128 - self.bits)) as usize) else {
            return self.search(0, self.shards.len().saturating_sub(1), key);
        };
        if bucket.first & CROWDED != 0 {
            return self.search(
                (bucket.first & !CROWDED) as usize,
                bucket.probe as usize,
                key,
            );
        }
        let first = bucket.first as usize;
        let probe = Self::probe(key, self.bits);
        if probe == bucket.probe {
            // Equal in the 32 bits compared (rare for a hash): compare in full. For a bucket
            // inside one shard, `starts[first + 1]` lies beyond the bucket, so this finds `first`.
            self.search(first, first + 1, key)
        } else {
            // No branch depends on the key here, so no mispredict can flush the hashing of the
            // next record. For a bucket inside one shard `probe` is `u32::MAX`: never above.
            first + usize::from(probe > bucket.probe)
        }
    }

    /// The open shard that holds `key`. Never fails: the shards cover every hash key.
    #[inline]
    pub fn shard_for(&self, key: HashKey) -> &Shard {
        self.shards
            .get(self.shard_index(key))
            .expect("shard_index is below len: the bucket table holds shard indexes and the search stays within it")
    }

    /// The open shard a record with this partition key lands on (its MD5 hash key).
    pub fn shard_for_partition_key(&self, partition_key: &str) -> &Shard {
        self.shard_for(HashKey::from_partition_key(partition_key))
    }

    /// The open shard a record lands on: by its explicit hash key if given, else by its
    /// partition key's hash. `None` on a stream with `AUTO` record distribution, where the
    /// service picks the shard.
    pub fn shard_for_input(&self, input: &PutRecordInput<'_>) -> Option<&Shard> {
        input.hash_key().map(|key| self.shard_for(key))
    }
}

impl fmt::Debug for ShardMap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ShardMap")
            .field("shards", &self.shards)
            .finish_non_exhaustive()
    }
}

/// Checks that `open`, sorted by start, covers `[0, 2^128-1]` exactly once.
fn check_tiling(open: &[Shard]) -> Result<(), ShardMapError> {
    let (first, last) = match (open.first(), open.last()) {
        (Some(first), Some(last)) => (first, last),
        _ => return Err(ShardMapError::Empty),
    };
    if first.range.start != HashKey::MIN {
        return Err(ShardMapError::DoesNotStartAtZero {
            shard_id: first.id.clone(),
            start: first.range.start,
        });
    }
    for pair in open.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        let (a_end, b_start) = (a.range.end.get(), b.range.start.get());
        if b_start <= a_end {
            return Err(ShardMapError::Overlap {
                first_shard: a.id.clone(),
                second_shard: b.id.clone(),
                first_overlapping: b.range.start,
                last_overlapping: HashKey::new(a_end.min(b.range.end.get())),
            });
        }
        // b_start > a_end, so a_end + 1 cannot overflow and b_start - 1 >= a_end + 1 when gapped.
        if b_start != a_end + 1 {
            return Err(ShardMapError::Gap {
                after_shard: a.id.clone(),
                before_shard: b.id.clone(),
                first_missing: HashKey::new(a_end + 1),
                last_missing: HashKey::new(b_start - 1),
            });
        }
    }
    if last.range.end != HashKey::MAX {
        return Err(ShardMapError::DoesNotEndAtMax {
            shard_id: last.id.clone(),
            end: last.range.end,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(start: u128, end: u128) -> HashKeyRange {
        HashKeyRange::new(HashKey::new(start), HashKey::new(end)).unwrap()
    }

    fn linear(map: &ShardMap, key: u128) -> usize {
        let hits: Vec<usize> = (0..map.len())
            .filter(|&i| map.shards()[i].hash_key_range().contains(HashKey::new(key)))
            .collect();
        assert_eq!(hits.len(), 1, "key {key} in {hits:?}");
        hits[0]
    }

    #[test]
    fn even_power_of_two_boundaries_are_exact() {
        for n in [1u32, 2, 4, 8, 1024] {
            let map = ShardMap::even(n).unwrap();
            let h = if n == 1 {
                0
            } else {
                (1u128 << 127) / u128::from(n / 2)
            };
            for (i, s) in map.shards().iter().enumerate() {
                assert_eq!(s.hash_key_range().start().get(), h.wrapping_mul(i as u128));
            }
        }
        assert_eq!(ShardMap::even(0), Err(ShardMapError::Empty));
    }

    #[test]
    fn bucket_table_agrees_with_linear_scan_on_crowded_buckets() {
        // Many shards packed into one bucket, then a huge one: the in-bucket search must cope.
        let mut shards = Vec::new();
        for i in 0..100u128 {
            shards.push(Shard::new(format!("s{i}"), range(i * 3, i * 3 + 2)));
        }
        shards.push(Shard::new("big", range(300, u128::MAX)));
        let map = ShardMap::new(shards).unwrap();
        for key in (0..400).chain([u128::MAX, u128::MAX - 1, 1 << 120, (1 << 108) - 1]) {
            assert_eq!(map.shard_index(HashKey::new(key)), linear(&map, key));
        }
    }

    #[test]
    fn keys_equal_to_the_boundary_in_the_compared_bits_are_compared_in_full() {
        let cut = (1u128 << 127) + 5;
        let map = ShardMap::new([
            Shard::new("a", range(0, cut - 1)),
            Shard::new("b", range(cut, u128::MAX)),
        ])
        .unwrap();
        // The boundary's bucket compares the 32 bits after the prefix, which are equal for
        // `cut` and its neighbours: those keys take the full comparison.
        let boundary = map.buckets[(cut >> (128 - map.bits)) as usize];
        assert_eq!(boundary.first & CROWDED, 0, "{boundary:?}");
        assert_eq!(boundary.probe, ShardMap::probe(cut, map.bits));
        for key in [cut - 5, cut - 1, cut, cut + 1, cut + 2, u128::MAX] {
            assert_eq!(
                map.shard_index(HashKey::new(key)),
                linear(&map, key),
                "{key}"
            );
        }
        // A one-shard bucket whose keys reach the all-ones probe, in the first and the last
        // bucket.
        assert_eq!(map.shard_index(HashKey::new(cut - 6)), 0);
        assert_eq!(map.shard_index(HashKey::new((1u128 << 127) - 1)), 0);
        assert_eq!(map.shard_index(HashKey::MAX), 1);
        let full = ShardMap::even(1).unwrap();
        assert_eq!(full.shard_index(HashKey::MAX), 0);
    }

    #[test]
    fn without_bucket_table_search_is_still_right() {
        let mut map = ShardMap::even(7).unwrap();
        map.buckets.clear();
        for key in [0, 1, u128::MAX, u128::MAX / 7, u128::MAX / 7 + 1, 1 << 127] {
            assert_eq!(map.shard_index(HashKey::new(key)), linear(&map, key));
        }
    }
}
