//! [`ShardMap`]: the open shards of a stream, checked to tile the hash key space.

use std::collections::HashSet;
use std::fmt;

use super::lookup::Lookup;
use super::range::HashKeyRange;
use super::shard::Shard;
use crate::hash_key::HashKey;
use crate::limits::MAX_SHARDS;
use crate::text::error_copy;

/// Why a set of shards does not make a [`ShardMap`]: the open shards must cover
/// `[0, 2^128-1]` exactly once.
#[derive(Debug, Clone, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum ShardMapError {
    /// No open shard was given (or [`ShardMap::even`] was asked for zero shards).
    #[error("no open shard: a shard map needs at least one")]
    Empty,
    /// More shards were given (open and closed) than a map takes, [`MAX_SHARDS`]. The shards
    /// past the limit were not read.
    #[error("more than {limit} shards: a shard map takes at most {limit}, open and closed")]
    TooManyShards {
        /// The limit, [`MAX_SHARDS`].
        limit: usize,
    },
    /// Two shards have the same id.
    #[error("shard id {shard_id:?} appears more than once")]
    DuplicateShardId {
        /// The repeated id.
        shard_id: String,
    },
    /// The open shard with the lowest start does not start at hash key 0.
    #[error("the first open shard {shard_id:?} starts at {start}, not at 0")]
    DoesNotStartAtZero {
        /// The first open shard.
        shard_id: String,
        /// Its starting hash key.
        start: HashKey,
    },
    /// The open shard with the highest start does not end at hash key 2^128-1.
    #[error(
        "the last open shard {shard_id:?} ends at {end}, not at 340282366920938463463374607431768211455"
    )]
    DoesNotEndAtMax {
        /// The last open shard.
        shard_id: String,
        /// Its ending hash key.
        end: HashKey,
    },
    /// No open shard covers the hash keys between two neighbours.
    #[error(
        "no open shard covers hash keys {first_missing} to {last_missing}, between {after_shard:?} and {before_shard:?}"
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
        "open shards {first_shard:?} and {second_shard:?} both cover hash keys {first_overlapping} to {last_overlapping}"
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
/// `[0, 2^128-1]` exactly once. Lookups ([`shard_for`](Self::shard_for)) never fail and never
/// allocate: a table indexed by the key's top bits leaves a binary search over a few shards.
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
    /// The lookup over the shards' starting hash keys, in the same order.
    lookup: Lookup,
}

impl ShardMap {
    /// Builds the map from a stream's shards, open and closed: closed shards are dropped, the
    /// open ones sorted by starting hash key and checked to tile `[0, 2^128-1]` with no gap and
    /// no overlap. Shard ids must be unique among all the shards given.
    pub fn new(shards: impl IntoIterator<Item = Shard>) -> Result<ShardMap, ShardMapError> {
        let all: Vec<Shard> = shards.into_iter().take(MAX_SHARDS + 1).collect();
        if all.len() > MAX_SHARDS {
            return Err(ShardMapError::TooManyShards { limit: MAX_SHARDS });
        }
        let mut seen = HashSet::with_capacity(all.len());
        if let Some(repeated) = all.iter().find(|s| !seen.insert(s.id())) {
            return Err(ShardMapError::DuplicateShardId {
                shard_id: error_copy(repeated.id()),
            });
        }
        let mut open: Vec<Shard> = all.into_iter().filter(Shard::is_open).collect();
        open.sort_unstable_by_key(|s| (s.hash_key_range().start(), s.hash_key_range().end()));
        check_tiling(&open)?;
        Ok(ShardMap::from_tiling(open))
    }

    /// The shards `CreateStream` makes for a new stream of `count` shards: with
    /// `h = floor(2^128 / count)`, shard `i` covers `[h*i, h*(i+1) - 1]` and the last one ends at
    /// 2^128-1; ids are `shardId-` and 12 digits. `count == 0` is [`ShardMapError::Empty`], more
    /// than [`MAX_SHARDS`] is [`ShardMapError::TooManyShards`].
    pub fn even(count: u32) -> Result<ShardMap, ShardMapError> {
        if count == 0 {
            return Err(ShardMapError::Empty);
        }
        if usize::try_from(count).map_or(true, |n| n > MAX_SHARDS) {
            return Err(ShardMapError::TooManyShards { limit: MAX_SHARDS });
        }
        let id = |i: u128| format!("shardId-{i:012}");
        if count == 1 {
            // h would be 2^128, which does not fit: one shard covers the whole space.
            let whole = Shard::new(id(0), HashKeyRange::FULL);
            return Ok(ShardMap::from_tiling(vec![whole]));
        }
        let n = u128::from(count);
        // floor(2^128 / n) = floor((u128::MAX + 1) / n): one more than u128::MAX / n exactly when
        // u128::MAX + 1 is a multiple of n (n a power of two; n = 2 gives 2^127, not 2^127 - 1).
        let h = u128::MAX / n + u128::from(u128::MAX % n == n - 1);
        let shards = (0..n)
            .map(|i| {
                // i < n, so h * i < 2^128.
                let start = HashKey::new(h * i);
                let end = if i + 1 == n {
                    HashKey::MAX
                } else {
                    // i + 1 < n, so h * (i + 1) <= 2^128 - h fits.
                    HashKey::new(h * (i + 1) - 1)
                };
                let range = HashKeyRange::new(start, end)
                    .expect("h >= 1, so h * i <= h * (i + 1) - 1: the range is never reversed");
                Shard::new(id(i), range)
            })
            .collect::<Vec<_>>();
        debug_assert!(check_tiling(&shards).is_ok());
        Ok(ShardMap::from_tiling(shards))
    }

    /// Builds the lookup over shards already known to tile the space.
    fn from_tiling(shards: Vec<Shard>) -> ShardMap {
        let starts = shards
            .iter()
            .map(|s| s.hash_key_range().start().get())
            .collect();
        ShardMap {
            shards,
            lookup: Lookup::new(starts),
        }
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
    pub fn shard_index(&self, key: HashKey) -> usize {
        self.lookup.index(key.get())
    }

    /// The open shard that holds `key`. Never fails: the shards cover every hash key.
    pub fn shard_for(&self, key: HashKey) -> &Shard {
        self.shards
            .get(self.shard_index(key))
            .expect("the lookup returns an index below len: it holds one start per shard")
    }

    /// The open shard a record with this partition key lands on (its MD5 hash key).
    pub fn shard_for_partition_key(&self, partition_key: &str) -> &Shard {
        self.shard_for(HashKey::from_partition_key(partition_key))
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
    let (Some(first), Some(last)) = (open.first(), open.last()) else {
        return Err(ShardMapError::Empty);
    };
    let id = |s: &Shard| error_copy(s.id());
    if first.hash_key_range().start() != HashKey::MIN {
        return Err(ShardMapError::DoesNotStartAtZero {
            shard_id: id(first),
            start: first.hash_key_range().start(),
        });
    }
    for pair in open.windows(2) {
        let [a, b] = pair else { continue };
        let (a_end, b_range) = (a.hash_key_range().end().get(), b.hash_key_range());
        let b_start = b_range.start().get();
        if b_start <= a_end {
            return Err(ShardMapError::Overlap {
                first_shard: id(a),
                second_shard: id(b),
                first_overlapping: b_range.start(),
                last_overlapping: HashKey::new(a_end.min(b_range.end().get())),
            });
        }
        // b_start > a_end, so a_end + 1 cannot overflow and b_start - 1 >= a_end + 1 when gapped.
        if b_start != a_end + 1 {
            return Err(ShardMapError::Gap {
                after_shard: id(a),
                before_shard: id(b),
                first_missing: HashKey::new(a_end + 1),
                last_missing: HashKey::new(b_start - 1),
            });
        }
    }
    if last.hash_key_range().end() != HashKey::MAX {
        return Err(ShardMapError::DoesNotEndAtMax {
            shard_id: id(last),
            end: last.hash_key_range().end(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn lookups_agree_with_a_linear_scan_on_big_even_maps() {
        for n in [32_767u32, 32_768, 32_769, 40_000] {
            let map = ShardMap::even(n).unwrap();
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
                let key = HashKey::new(key);
                let holders: Vec<usize> = (0..map.len())
                    .filter(|&i| map.shards()[i].hash_key_range().contains(key))
                    .collect();
                assert_eq!(holders, [map.shard_index(key)], "{n} {key}");
            }
        }
    }
}
