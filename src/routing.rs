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

use crate::hash_key::{HashKey, md5_words};

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
    /// The id, the field a caller of a lookup reads, inline: with everything else boxed a shard
    /// is 24 bytes, so that the shards of a 10,000-shard map (240 KB) fit in a 512 KiB L2 cache
    /// beside the lookup table, and a lookup that reads the shard it found touches one small
    /// struct.
    id: Box<str>,
    /// The hash key range, parents and sequence numbers, off the routing path (a map routes
    /// from its own copy of the range starts).
    rest: Box<ShardRest>,
}

/// The parts of a [`Shard`] a lookup does not read.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct ShardRest {
    range: HashKeyRange,
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
            id: id.into().into_boxed_str(),
            rest: Box::new(ShardRest {
                range,
                details: None,
            }),
        }
    }

    fn details_mut(&mut self) -> &mut ShardDetails {
        self.rest.details.get_or_insert_with(Box::default)
    }

    fn details(&self) -> Option<&ShardDetails> {
        self.rest.details.as_deref()
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
        self.rest.range
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
            .field("hash_key_range", &self.rest.range)
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
/// the key's top bits answers almost every key with one comparison and no key-dependent branch;
/// a binary search over a flat array of range starts handles the few buckets where several
/// shards start. Maps of up to 32,768 shards get four to eight 4-byte entries per shard (256 KiB
/// for 10,000 shards), larger ones four to eight 8-byte entries.
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
    /// For maps of at most [`NARROW_MAX_SHARDS`] shards: one entry per bucket of keys sharing
    /// their top `bits` bits, read from the key's top 32 bits alone. Empty otherwise.
    narrow: Vec<NarrowBucket>,
    /// For larger maps, the same with 8-byte entries. Empty for a narrow map, and (plain binary
    /// search) when a shard index does not fit in 31 bits.
    wide: Vec<Bucket>,
    /// How many top bits of a key select its bucket: 1 to 18 for a narrow table, 1 to
    /// [`MAX_BUCKET_BITS`] for a wide one.
    bits: u32,
}

/// One bucket of the narrow table, 4 bytes, so that the table of a map of 10,000 shards
/// (256 KiB) leaves half of a 512 KiB L2 cache to the shards the lookups return.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct NarrowBucket {
    /// The index of the shard holding the bucket's first key, with [`NARROW_CROWDED`] set when
    /// several shards start inside the bucket (binary search).
    first: u16,
    /// With at most one shard boundary in the bucket: the 16 key bits after the bucket prefix
    /// ([`narrow_probe`]) of the boundary, or `u16::MAX` when the whole bucket is inside one
    /// shard. A key equal to it in those bits is compared in full (for a bucket inside one shard
    /// that finds the same shard). For a crowded bucket: the index of the shard holding the
    /// bucket's last key.
    probe: u16,
}

/// The flag in [`NarrowBucket::first`] of a bucket where several shards start.
const NARROW_CROWDED: u16 = 1 << 15;

/// The largest map with a narrow table: shard indexes must leave [`NARROW_CROWDED`] free.
const NARROW_MAX_SHARDS: usize = NARROW_CROWDED as usize;

/// The 16 bits that follow the `bits`-bit bucket prefix in `top`, a key's top 32 bits, as the
/// high bits of the result. Past bit 32 (when `bits > 16`) the result holds zeros, for keys and
/// boundaries alike, so that a key is above a boundary in these bits only when it is above it in
/// full, and a key equal to it here is compared in full.
#[inline]
fn narrow_probe(top: u32, bits: u32) -> u16 {
    ((top << bits) >> 16) as u16
}

/// What a lookup needs to know about one bucket of keys in a wide table (maps of more than
/// [`NARROW_MAX_SHARDS`] shards).
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

/// The wide table never has more than 2^20 entries (8 MiB); a map gets four to eight buckets
/// per shard.
const MAX_BUCKET_BITS: u32 = 20;

/// For each of the `2^bits` buckets of keys sharing their top `bits` bits, in order: the index
/// of the shard holding the bucket's first key and of the one holding its last key.
fn bucket_spans(starts: &[u128], bits: u32) -> impl Iterator<Item = (usize, usize)> + '_ {
    let n = starts.len();
    let shift = 128 - bits;
    // Walk the buckets and the shards together: `i` holds the bucket's first key, `j` its last.
    let mut i = 0usize;
    let mut j = 0usize;
    (0..1usize << bits).map(move |b| {
        let first_key = (b as u128) << shift;
        let last_key = first_key | (u128::MAX >> bits);
        while i + 1 < n && starts[i + 1] <= first_key {
            i += 1;
        }
        j = j.max(i);
        while j + 1 < n && starts[j + 1] <= last_key {
            j += 1;
        }
        (i, j)
    })
}

impl ShardMap {
    /// Builds the map from a stream's shards, open and closed: closed shards are dropped, the
    /// open ones sorted by starting hash key and checked to tile `[0, 2^128-1]` with no gap and
    /// no overlap. Shard ids must be unique among all the shards given.
    pub fn new(shards: impl IntoIterator<Item = Shard>) -> Result<ShardMap, ShardMapError> {
        let mut seen = HashSet::new();
        let mut open = Vec::new();
        for shard in shards {
            if !seen.insert(shard.id.clone()) {
                return Err(ShardMapError::DuplicateShardId {
                    shard_id: shard.id.into_string(),
                });
            }
            if shard.is_open() {
                open.push(shard);
            }
        }
        drop(seen);
        open.sort_unstable_by_key(|s| (s.rest.range.start, s.rest.range.end));
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
        Self::from_tiling_with(shards, NARROW_MAX_SHARDS)
    }

    /// [`from_tiling`](Self::from_tiling), with a narrow table only up to `narrow_max` shards
    /// (tests lower it to exercise the wide table on small maps).
    fn from_tiling_with(shards: Vec<Shard>, narrow_max: usize) -> ShardMap {
        let n = shards.len();
        let starts: Vec<u128> = shards.iter().map(|s| s.rest.range.start.get()).collect();
        let log = usize::BITS - n.leading_zeros();
        let mut narrow = Vec::new();
        let mut wide = Vec::new();
        let bits;
        if n <= narrow_max.min(NARROW_MAX_SHARDS) {
            // n <= 2^15, so log <= 16 and bits <= 18: four to eight buckets per shard.
            bits = (log + 2).clamp(1, 18);
            narrow.reserve_exact(1 << bits);
            // Shard indexes are below 2^15, so they fit in a u16 beside the flag.
            narrow.extend(bucket_spans(&starts, bits).map(|(i, j)| match j - i {
                0 => NarrowBucket {
                    first: i as u16,
                    probe: u16::MAX,
                },
                1 => NarrowBucket {
                    first: i as u16,
                    probe: narrow_probe((starts[j] >> 96) as u32, bits),
                },
                _ => NarrowBucket {
                    first: i as u16 | NARROW_CROWDED,
                    probe: j as u16,
                },
            }));
        } else {
            bits = (log + 2).clamp(1, MAX_BUCKET_BITS);
            // Shard indexes must leave the CROWDED bit free.
            if n < CROWDED as usize {
                wide.reserve_exact(1 << bits);
                // n < 2^31, so both indexes fit in 31 bits.
                wide.extend(bucket_spans(&starts, bits).map(|(i, j)| match j - i {
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
                }));
            }
        }
        ShardMap {
            shards,
            starts,
            narrow,
            wide,
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
        self.locate((key >> 96) as u32, || key)
    }

    /// The index of the shard holding the key whose top 32 bits are `top`; `key` gives the
    /// whole key, which only a few lookups need.
    ///
    /// Taking the top bits apart lets [`shard_for_partition_key`](Self::shard_for_partition_key)
    /// start the lookup from the one MD5 state word they come from.
    #[inline]
    fn locate(&self, top: u32, key: impl FnOnce() -> u128) -> usize {
        // A narrow table has at most 2^18 entries and `bits <= 18`, so the shifts stay in range
        // (a wide map has `bits <= 20` and an empty narrow table).
        let Some(&bucket) = self.narrow.get((top >> (32 - self.bits)) as usize) else {
            return self.locate_wide(key());
        };
        let probe = narrow_probe(top, self.bits);
        if (bucket.first & NARROW_CROWDED == 0) & (probe != bucket.probe) {
            // No branch depends on the key here, so no mispredict can flush the hashing of the
            // next record. For a bucket inside one shard `probe` is `u16::MAX`: never above.
            usize::from(bucket.first) + usize::from(probe > bucket.probe)
        } else {
            self.locate_narrow_rare(bucket, key())
        }
    }

    /// A key of a crowded narrow bucket, or equal to its boundary in the compared bits.
    #[cold]
    fn locate_narrow_rare(&self, bucket: NarrowBucket, key: u128) -> usize {
        let first = usize::from(bucket.first & !NARROW_CROWDED);
        if bucket.first & NARROW_CROWDED != 0 {
            self.search(first, usize::from(bucket.probe), key)
        } else {
            // For a bucket inside one shard, `starts[first + 1]` lies beyond the bucket, so this
            // finds `first`.
            self.search(first, first + 1, key)
        }
    }

    /// The lookup of a map with no narrow table.
    fn locate_wide(&self, key: u128) -> usize {
        let Some(bucket) = self.wide.get((key >> (128 - self.bits)) as usize) else {
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
            first + usize::from(probe > bucket.probe)
        }
    }

    /// The shard at an index a lookup returned.
    #[inline]
    fn shard_at(&self, index: usize) -> &Shard {
        self.shards
            .get(index)
            .expect("lookups return indexes below len: the tables hold shard indexes and the search stays within them")
    }

    /// The open shard that holds `key`. Never fails: the shards cover every hash key.
    #[inline]
    pub fn shard_for(&self, key: HashKey) -> &Shard {
        self.shard_at(self.shard_index(key))
    }

    /// The open shard a record with this partition key lands on (its MD5 hash key).
    pub fn shard_for_partition_key(&self, partition_key: &str) -> &Shard {
        let words = md5_words(partition_key.as_bytes());
        // The key's top 32 bits are the first MD5 state word; the whole key is only built for
        // the rare lookups that compare in full.
        let index = self.locate(words[0].swap_bytes(), || {
            HashKey::from_md5_words(words).get()
        });
        self.shard_at(index)
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
    if first.rest.range.start != HashKey::MIN {
        return Err(ShardMapError::DoesNotStartAtZero {
            shard_id: first.id().to_owned(),
            start: first.rest.range.start,
        });
    }
    for pair in open.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        let (a_end, b_start) = (a.rest.range.end.get(), b.rest.range.start.get());
        if b_start <= a_end {
            return Err(ShardMapError::Overlap {
                first_shard: a.id().to_owned(),
                second_shard: b.id().to_owned(),
                first_overlapping: b.rest.range.start,
                last_overlapping: HashKey::new(a_end.min(b.rest.range.end.get())),
            });
        }
        // b_start > a_end, so a_end + 1 cannot overflow and b_start - 1 >= a_end + 1 when gapped.
        if b_start != a_end + 1 {
            return Err(ShardMapError::Gap {
                after_shard: a.id().to_owned(),
                before_shard: b.id().to_owned(),
                first_missing: HashKey::new(a_end + 1),
                last_missing: HashKey::new(b_start - 1),
            });
        }
    }
    if last.rest.range.end != HashKey::MAX {
        return Err(ShardMapError::DoesNotEndAtMax {
            shard_id: last.id().to_owned(),
            end: last.rest.range.end,
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

    /// The map over the same shards with a wide table, as a map of more than
    /// [`NARROW_MAX_SHARDS`] shards gets.
    fn wide(map: &ShardMap) -> ShardMap {
        let wide = ShardMap::from_tiling_with(map.shards.clone(), 0);
        assert!(wide.narrow.is_empty() && !wide.wide.is_empty());
        wide
    }

    /// The map over shards starting at `starts` (sorted, the first 0).
    fn tiled(starts: &[u128]) -> ShardMap {
        let shards = starts.iter().enumerate().map(|(i, &start)| {
            let end = starts.get(i + 1).map_or(u128::MAX, |next| next - 1);
            Shard::new(format!("s{i}"), range(start, end))
        });
        ShardMap::new(shards).unwrap()
    }

    /// Checks `keys` on the map and on its wide twin, by key and, for `partition_keys`, by
    /// partition key.
    fn check_both(map: &ShardMap, keys: impl IntoIterator<Item = u128>, partition_keys: &[&str]) {
        let twin = wide(map);
        let keys: Vec<u128> = keys.into_iter().collect();
        for m in [map, &twin] {
            for &key in &keys {
                assert_eq!(m.shard_index(HashKey::new(key)), linear(m, key), "{key}");
            }
            for pk in partition_keys {
                let key = HashKey::from_partition_key(pk).get();
                assert_eq!(
                    m.shard_for_partition_key(pk),
                    &m.shards()[linear(m, key)],
                    "{pk}"
                );
            }
        }
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
        assert_ne!(map.narrow[0].first & NARROW_CROWDED, 0);
        let keys: Vec<u128> = (0..400)
            .chain([u128::MAX, u128::MAX - 1, 1 << 120, (1 << 108) - 1])
            .collect();
        for key in &keys {
            assert_eq!(map.shard_index(HashKey::new(*key)), linear(&map, *key));
        }
        check_both(&map, keys, &["abcd", ""]);
    }

    #[test]
    fn crowded_last_bucket_and_both_ends_of_the_space() {
        // Shards packed at the top of the space: the last bucket is crowded, its last shard ends
        // at u128::MAX.
        let mut starts = vec![0u128, 1, 2];
        starts.extend((1..=50u128).rev().map(|i| u128::MAX - i * 7));
        let map = tiled(&starts);
        let last = map.narrow.last().unwrap();
        assert_ne!(last.first & NARROW_CROWDED, 0, "{last:?}");
        assert_eq!(usize::from(last.probe), map.len() - 1);
        let mut keys = vec![0, 1, 2, 3, 1 << 127, u128::MAX];
        for &s in &starts {
            keys.extend([s, s.wrapping_sub(1), s.wrapping_add(1)]);
        }
        check_both(&map, keys, &["abcd", "x"]);
        let full = ShardMap::even(1).unwrap();
        check_both(&full, [0, 1, 1 << 127, u128::MAX - 1, u128::MAX], &["abcd"]);
    }

    #[test]
    fn keys_equal_to_the_boundary_in_the_compared_bits_are_compared_in_full() {
        let cut = (1u128 << 127) + 5;
        let map = ShardMap::new([
            Shard::new("a", range(0, cut - 1)),
            Shard::new("b", range(cut, u128::MAX)),
        ])
        .unwrap();
        // The boundary's bucket compares the bits after the prefix, which are equal for `cut`
        // and its neighbours: those keys take the full comparison.
        let top = (cut >> 96) as u32;
        let boundary = map.narrow[(top >> (32 - map.bits)) as usize];
        assert_eq!(boundary.first & NARROW_CROWDED, 0, "{boundary:?}");
        assert_eq!(boundary.probe, narrow_probe(top, map.bits));
        let twin = wide(&map);
        let boundary = twin.wide[(cut >> (128 - twin.bits)) as usize];
        assert_eq!(boundary.first & CROWDED, 0, "{boundary:?}");
        assert_eq!(boundary.probe, ShardMap::probe(cut, twin.bits));
        for m in [&map, &twin] {
            for key in [cut - 5, cut - 1, cut, cut + 1, cut + 2, u128::MAX] {
                assert_eq!(m.shard_index(HashKey::new(key)), linear(m, key), "{key}");
            }
            // A one-shard bucket whose keys reach the all-ones probe, in the first and the last
            // bucket.
            assert_eq!(m.shard_index(HashKey::new(cut - 6)), 0);
            assert_eq!(m.shard_index(HashKey::new((1u128 << 127) - 1)), 0);
            assert_eq!(m.shard_index(HashKey::MAX), 1);
        }
        let full = ShardMap::even(1).unwrap();
        assert_eq!(full.shard_index(HashKey::MAX), 0);
    }

    #[test]
    fn partition_keys_hashing_onto_a_boundary_are_compared_in_full() {
        // A boundary exactly at a partition key's hash, and one just after it: the key's 32 top
        // bits equal the boundary's, so the lookup from the first MD5 word alone cannot decide.
        let h = HashKey::from_partition_key("abcd").get();
        for starts in [vec![0, h], vec![0, h + 1], vec![0, h - 1, h, h + 1, h + 2]] {
            let map = tiled(&starts);
            check_both(&map, [h - 1, h, h + 1, h + 2], &["abcd", "abce", ""]);
        }
    }

    #[test]
    fn narrow_table_up_to_32768_shards_then_wide() {
        for (n, narrow) in [
            (32_767u32, true),
            (32_768, true),
            (32_769, false),
            (40_000, false),
        ] {
            let map = ShardMap::even(n).unwrap();
            assert_eq!(!map.narrow.is_empty(), narrow, "{n}");
            assert_eq!(!map.wide.is_empty(), !narrow, "{n}");
            let mut keys = vec![0, 1, u128::MAX, u128::MAX - 1];
            for s in map.shards().iter().step_by(97).chain(map.shards().last()) {
                let r = s.hash_key_range();
                keys.extend([
                    r.start().get(),
                    r.end().get(),
                    r.start().get().wrapping_sub(1),
                ]);
            }
            for key in keys {
                let expected = map.starts.partition_point(|&s| s <= key) - 1;
                assert_eq!(map.shard_index(HashKey::new(key)), expected, "{n} {key}");
            }
            for pk in ["abcd", "", "shard routing"] {
                let key = HashKey::from_partition_key(pk);
                assert_eq!(
                    map.shard_for_partition_key(pk),
                    map.shard_for(key),
                    "{n} {pk}"
                );
            }
        }
    }

    #[test]
    fn boundaries_below_the_compared_bits_of_an_18_bit_table() {
        // 32,768 shards: 18-bit buckets, so the narrow probe holds 14 key bits and its last two
        // are zero for keys and boundaries alike. Boundaries that differ from their neighbours
        // only past bit 32 must be compared in full.
        let h = 1u128 << 113;
        let mut starts: Vec<u128> = (0..32_768u128).map(|i| i * h).collect();
        starts[5] += (1 << 100) + 5;
        starts[9] += 1 << 95;
        starts[11] += (1 << 96) + (1 << 95);
        let map = tiled(&starts);
        assert_eq!(map.bits, 18);
        assert!(!map.narrow.is_empty());
        let mut keys = vec![0, u128::MAX];
        for i in [4usize, 5, 6, 8, 9, 10, 11, 12] {
            let s = starts[i];
            keys.extend([s - 1, s, s + 1, s - (1 << 95), s + (1 << 95), s - (1 << 96)]);
        }
        check_both(&map, keys, &["abcd"]);
    }

    #[test]
    fn random_maps_agree_with_linear_scan_on_both_tables() {
        // splitmix64, so the maps and keys are the same on every run.
        let mut state = 7u64;
        let mut next = move || {
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        };
        for n in [2usize, 3, 17, 200, 1000] {
            let mut starts = vec![0u128];
            while starts.len() < n {
                let wide_cut = (u128::from(next()) << 64) | u128::from(next());
                // One cut in four near an earlier one, so that buckets get crowded.
                let cut = if next() % 4 == 0 {
                    starts[next() as usize % starts.len()].wrapping_add(u128::from(next() % 64))
                } else {
                    wide_cut
                };
                if !starts.contains(&cut) {
                    starts.push(cut);
                }
            }
            starts.sort_unstable();
            let map = tiled(&starts);
            let mut keys: Vec<u128> = (0..500)
                .map(|_| (u128::from(next()) << 64) | u128::from(next()))
                .collect();
            for &s in &starts {
                keys.extend([s, s.wrapping_sub(1), s + 1]);
            }
            let pks: Vec<String> = (0..200).map(|i| format!("key-{i}")).collect();
            let pks: Vec<&str> = pks.iter().map(String::as_str).collect();
            check_both(&map, keys, &pks);
        }
    }

    #[test]
    fn a_shard_is_small_and_a_narrow_bucket_is_four_bytes() {
        // The lookup's caller reads the shard it gets: keeping shards to 24 bytes keeps the
        // shards of a 10,000-shard map (240 KB) and its table (256 KiB) in a 512 KiB L2 cache.
        assert_eq!(size_of::<Shard>(), 24);
        assert_eq!(size_of::<NarrowBucket>(), 4);
        assert_eq!(size_of::<Bucket>(), 8);
        let map = ShardMap::even(10_000).unwrap();
        assert_eq!((map.narrow.len(), map.bits), (65_536, 16));
    }

    #[test]
    fn without_bucket_table_search_is_still_right() {
        let mut map = ShardMap::even(7).unwrap();
        map.narrow.clear();
        map.wide.clear();
        for key in [0, 1, u128::MAX, u128::MAX / 7, u128::MAX / 7 + 1, 1 << 127] {
            assert_eq!(map.shard_index(HashKey::new(key)), linear(&map, key));
        }
        assert_eq!(
            map.shard_for_partition_key("abcd"),
            &map.shards()[linear(&map, HashKey::from_partition_key("abcd").get())]
        );
    }
}
