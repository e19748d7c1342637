//! [`KeyTable`]: a key table of an aggregate being built (`partition_key_table` or
//! `explicit_hash_key_table`), each key once in the order first pushed, as its entries go on the
//! wire, with each key's index found without copying the key.
//!
//! It exists for the aggregate bound (BENCHMARKS.md): a map from owned keys to indexes costs an
//! allocation per key and hashes each key twice. Here a key is hashed once, and the index maps
//! that hash to the entry, whose bytes are compared. Two keys whose 64-bit hashes collide are
//! both kept, each as an entry of its own, which the format allows ("the KPL deduplicates",
//! deduplicating is not required: `aggregation-format.md`). The plain reference, a map from owned
//! keys, is in the tests, with a test that both give the same tables.

use std::collections::HashMap;
use std::hash::{BuildHasher, BuildHasherDefault, Hasher, RandomState};

use super::protobuf;

/// A key table: its entries as protobuf fields, and an index from a key's hash to its entry.
#[derive(Debug, Clone)]
pub(super) struct KeyTable<S = RandomState> {
    tag: u8,
    /// The entries as they go on the wire: tag, length, key, for each.
    bytes: Vec<u8>,
    /// Where each entry's key is in `bytes`.
    keys: Vec<(usize, usize)>,
    /// From a key's hash to its entry.
    index: HashMap<u64, u32, BuildHasherDefault<Prehashed>>,
    hasher: S,
}

/// Where a key is, or would go, in a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Slot {
    /// The key's index in the table.
    pub(super) index: u32,
    /// The bytes adding it takes: 0 when it is in the table already.
    pub(super) added_len: usize,
    hash: u64,
}

impl KeyTable {
    /// An empty table whose entries have the tag byte `tag`, with a hash key of its own.
    pub(super) fn new(tag: u8) -> Self {
        KeyTable::with_hasher(tag, RandomState::new())
    }
}

impl<S: BuildHasher> KeyTable<S> {
    pub(super) fn with_hasher(tag: u8, hasher: S) -> Self {
        KeyTable {
            tag,
            bytes: Vec::new(),
            keys: Vec::new(),
            index: HashMap::default(),
            hasher,
        }
    }

    /// The entries, as they go on the wire.
    pub(super) fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Where `key` is, or would go.
    pub(super) fn slot(&self, key: &[u8]) -> Slot {
        let mut hasher = self.hasher.build_hasher();
        hasher.write(key);
        let hash = hasher.finish();
        if let Some(&index) = self.index.get(&hash) {
            let entry = self.keys.get(index as usize);
            if entry.and_then(|&(at, len)| self.bytes.get(at..at + len)) == Some(key) {
                return Slot {
                    index,
                    added_len: 0,
                    hash,
                };
            }
        }
        Slot {
            // A table has at most one entry a record, and an aggregate at most `u32::MAX` records.
            index: self.keys.len() as u32,
            added_len: protobuf::len_field_size(key.len()),
            hash,
        }
    }

    /// Adds `key` where [`slot`](Self::slot) said, if it is not there yet.
    pub(super) fn insert(&mut self, key: &[u8], slot: Slot) {
        if slot.added_len == 0 {
            return;
        }
        protobuf::put_len_field(&mut self.bytes, self.tag, key);
        self.keys.push((self.bytes.len() - key.len(), key.len()));
        // A key whose hash another key has already stays out of the index.
        self.index.entry(slot.hash).or_insert(slot.index);
    }

    /// Empties the table, keeping its memory.
    pub(super) fn clear(&mut self) {
        self.bytes.clear();
        self.keys.clear();
        self.index.clear();
    }
}

/// The hasher of the index, whose keys are hashes already: it passes them through.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Prehashed(u64);

impl Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Only `write_u64` is called, for a `u64` key; any other bytes are folded in.
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, value: u64) {
        self.0 = value;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The plain reference: a map from owned keys to their indexes.
    fn reference(tag: u8, keys: &[Vec<u8>]) -> (Vec<u8>, Vec<u32>) {
        let mut index: HashMap<Vec<u8>, u32> = HashMap::new();
        let mut bytes = Vec::new();
        let indexes = keys
            .iter()
            .map(|key| {
                let next = index.len() as u32;
                *index.entry(key.clone()).or_insert_with(|| {
                    protobuf::put_len_field(&mut bytes, tag, key);
                    next
                })
            })
            .collect();
        (bytes, indexes)
    }

    fn table<S: BuildHasher>(mut table: KeyTable<S>, keys: &[Vec<u8>]) -> (Vec<u8>, Vec<u32>) {
        let indexes = keys
            .iter()
            .map(|key| {
                let slot = table.slot(key);
                table.insert(key, slot);
                slot.index
            })
            .collect();
        (table.bytes().to_vec(), indexes)
    }

    /// The entries of a table's bytes, in order.
    fn entries(bytes: &[u8]) -> Vec<Vec<u8>> {
        let mut rest = bytes;
        let mut out = Vec::new();
        while let Some((_, after)) = rest.split_first() {
            let (len, after) = after.split_first().unwrap();
            let (key, after) = after.split_at(usize::from(*len));
            out.push(key.to_vec());
            rest = after;
        }
        out
    }

    /// A hasher under which every key collides.
    #[derive(Clone, Default)]
    struct Colliding;
    impl BuildHasher for Colliding {
        type Hasher = Constant;
        fn build_hasher(&self) -> Constant {
            Constant
        }
    }
    struct Constant;
    impl Hasher for Constant {
        fn finish(&self) -> u64 {
            7
        }
        fn write(&mut self, _: &[u8]) {}
    }

    #[test]
    fn keys_are_added_once_in_order() {
        let keys: Vec<Vec<u8>> = ["b", "a", "b", "", "a"]
            .map(|k| k.as_bytes().to_vec())
            .to_vec();
        let (bytes, indexes) = table(KeyTable::new(0x0a), &keys);
        assert_eq!(bytes, [0x0a, 1, b'b', 0x0a, 1, b'a', 0x0a, 0]);
        assert_eq!(indexes, [0, 1, 0, 2, 1]);
        let mut t = KeyTable::new(0x12);
        let slot = t.slot(b"7");
        assert_eq!((slot.index, slot.added_len), (0, 3));
        t.insert(b"7", slot);
        t.clear();
        assert!(t.bytes().is_empty());
        assert_eq!(t.slot(b"7").added_len, 3);
    }

    proptest! {
        /// The table agrees with the plain reference.
        #[test]
        fn agrees_with_a_map_of_owned_keys(
            keys in proptest::collection::vec(proptest::collection::vec(0u8..4, 0..4), 0..60),
        ) {
            prop_assert_eq!(table(KeyTable::new(0x0a), &keys), reference(0x0a, &keys));
        }

        /// When hashes collide, keys may be written twice, but every index still names its key.
        #[test]
        fn colliding_hashes_keep_every_index_right(
            keys in proptest::collection::vec(proptest::collection::vec(0u8..3, 0..3), 0..40),
        ) {
            let (bytes, indexes) = table(KeyTable::with_hasher(0x0a, Colliding), &keys);
            let entries = entries(&bytes);
            for (key, index) in keys.iter().zip(indexes) {
                prop_assert_eq!(&entries[index as usize], key);
            }
        }
    }
}
