//! The bucket table that finds the shard holding a hash key: its top `bits` bits pick a bucket
//! `b`, whose key's shard is between `first[b]` and `first[b + 1]`, so a lookup compares the key
//! with the starts in between: with four to eight buckets per shard, almost always none or one.

/// The table never has more than `2^20 + 1` entries.
const MAX_BITS: u32 = 20;

/// The index of the range holding a key, among sorted ranges that tile `[0, 2^128-1]`.
///
/// Invariant: for every bucket `b < 2^bits`, `first[b]` is the index of the range holding the
/// bucket's first key `b << (128 - bits)`, and `first[2^bits]` is the last index; or `first` is
/// empty (a map with more than `2^32` shards) and a lookup searches all the starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Lookup {
    /// `starts[i]` is the first key of range `i`: sorted, `starts[0] == 0`.
    starts: Vec<u128>,
    /// The index of the range holding each bucket's first key, then the last index.
    first: Vec<u32>,
    /// How many top bits of a key pick its bucket, 1 to [`MAX_BITS`].
    bits: u32,
}

impl Lookup {
    /// The table over the starts of ranges that tile `[0, 2^128-1]`: sorted, the first 0.
    pub(super) fn new(starts: Vec<u128>) -> Lookup {
        let n = starts.len();
        // Four to eight buckets per range: 2^bits is 4 to 8 times n, up to the cap.
        let bits = (usize::BITS - n.leading_zeros() + 2).clamp(1, MAX_BITS);
        let mut first = Vec::new();
        if let Ok(last) = u32::try_from(n.saturating_sub(1)) {
            first.reserve_exact((1 << bits) + 1);
            let shift = 128 - bits;
            let mut i = 0;
            for b in 0..1u128 << bits {
                let first_key = b << shift;
                while starts.get(i + 1).is_some_and(|&s| s <= first_key) {
                    i += 1;
                }
                // i < n, and n - 1 fits in a u32.
                first.push(i as u32);
            }
            first.push(last);
        }
        Lookup {
            starts,
            first,
            bits,
        }
    }

    /// The index of the range holding `key`.
    pub(super) fn index(&self, key: u128) -> usize {
        // 1 <= bits <= 20, so the shift is in range and the bucket fits in a usize.
        let bucket = (key >> (128 - self.bits)) as usize;
        let (lo, hi) = match self.first.get(bucket..bucket + 2) {
            Some(&[lo, hi]) => (lo as usize, hi as usize),
            _ => (0, self.starts.len().saturating_sub(1)),
        };
        // Every start up to `lo` is <= key and every start after `hi` is > key.
        lo + self
            .starts
            .get(lo + 1..=hi)
            .map_or(0, |s| s.partition_point(|&start| start <= key))
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// The plain search: the last range whose start is `<= key`.
    fn reference(starts: &[u128], key: u128) -> usize {
        starts.partition_point(|&s| s <= key) - 1
    }

    /// Checks the invariant and every key of `keys`, plus both ends of the space and each
    /// start with its neighbours.
    fn check(starts: &[u128], keys: impl IntoIterator<Item = u128>) {
        let lookup = Lookup::new(starts.to_vec());
        let buckets = 1usize << lookup.bits;
        assert_eq!(lookup.first.len(), buckets + 1);
        for (b, &first) in lookup.first.iter().take(buckets).enumerate() {
            let first_key = (b as u128) << (128 - lookup.bits);
            assert_eq!(first as usize, reference(starts, first_key), "bucket {b}");
        }
        assert_eq!(lookup.first.last().copied(), Some(starts.len() as u32 - 1));
        let mut all: Vec<u128> = keys.into_iter().collect();
        all.extend([0, 1, u128::MAX - 1, u128::MAX]);
        for &s in starts {
            all.extend([s, s.wrapping_sub(1), s.wrapping_add(1)]);
        }
        for key in all {
            assert_eq!(lookup.index(key), reference(starts, key), "key {key}");
        }
    }

    #[test]
    fn one_range_holds_every_key() {
        check(&[0], [1 << 127]);
    }

    #[test]
    fn crowded_first_bucket_then_a_huge_range() {
        // 100 ranges inside bucket 0, then one range for the rest of the space.
        let starts: Vec<u128> = (0..=100u128).map(|i| i * 3).collect();
        check(&starts, (0..400).chain([1 << 120, (1 << 108) - 1]));
    }

    #[test]
    fn crowded_last_bucket_reaches_the_end_of_the_space() {
        let mut starts = vec![0u128, 1, 2];
        starts.extend((1..=50u128).rev().map(|i| u128::MAX - i * 7));
        check(&starts, [1 << 127]);
    }

    #[test]
    fn starts_on_and_beside_bucket_edges() {
        // 8 ranges: 6-bit buckets, each 2^122 keys wide.
        let edge = 1u128 << 122;
        let starts = [
            0,
            edge,
            2 * edge - 1,
            2 * edge + 1,
            5 * edge,
            9 * edge,
            40 * edge,
            63 * edge,
        ];
        check(&starts, (0..64).map(|b| b * edge + edge / 2));
    }

    #[test]
    fn random_maps_with_crowded_buckets() {
        // splitmix64, so the maps and keys are the same on every run.
        let mut state = 7u64;
        let mut next = move || {
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        };
        for n in [2usize, 3, 17, 200, 1000, 5000] {
            let mut starts = vec![0u128];
            while starts.len() < n {
                // One cut in four near an earlier one, so that buckets get crowded.
                let cut = if next() % 4 == 0 {
                    starts[next() as usize % starts.len()].wrapping_add(u128::from(next() % 64))
                } else {
                    (u128::from(next()) << 64) | u128::from(next())
                };
                if !starts.contains(&cut) {
                    starts.push(cut);
                }
            }
            starts.sort_unstable();
            let keys: Vec<u128> = (0..500)
                .map(|_| (u128::from(next()) << 64) | u128::from(next()))
                .collect();
            check(&starts, keys);
        }
    }

    #[test]
    fn four_to_eight_buckets_per_range_up_to_the_cap() {
        for n in [
            1usize, 2, 3, 4, 5, 7, 8, 1000, 10_000, 32_768, 32_769, 200_000,
        ] {
            let starts: Vec<u128> = (0..n as u128).map(|i| i << 100).collect();
            let lookup = Lookup::new(starts);
            let buckets = 1usize << lookup.bits;
            assert!((4 * n..=8 * n).contains(&buckets), "{n}: {buckets}");
        }
        let big: Vec<u128> = (0..1u128 << 19).map(|i| i << 100).collect();
        assert_eq!(Lookup::new(big).bits, MAX_BITS);
    }

    #[test]
    fn without_a_table_the_search_covers_every_start() {
        let starts: Vec<u128> = (0..7u128).map(|i| i * (u128::MAX / 7)).collect();
        let lookup = Lookup {
            first: Vec::new(),
            ..Lookup::new(starts.clone())
        };
        for key in [0, 1, u128::MAX, u128::MAX / 7, u128::MAX / 7 + 1, 1 << 127] {
            assert_eq!(lookup.index(key), reference(&starts, key), "{key}");
        }
    }

    proptest! {
        #[test]
        fn agrees_with_the_plain_search(
            cuts in prop::collection::vec((any::<u128>(), 0u32..128), 0..300),
            keys in prop::collection::vec(any::<u128>(), 0..64),
        ) {
            // Cuts shifted right by a random amount crowd the low buckets.
            let mut starts: Vec<u128> = cuts.iter().map(|&(c, s)| c >> s).collect();
            starts.push(0);
            starts.sort_unstable();
            starts.dedup();
            check(&starts, keys);
        }
    }
}
