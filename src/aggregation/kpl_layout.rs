//! A `Record` laid out as the KPL writes it, read without the general protobuf reader: it exists
//! for the de-aggregate bound (BENCHMARKS.md). The reference is the general reader,
//! `RecordFields::read`, which reads every other layout too; a test checks that both agree.
//!
//! The layout: `08 i`, then `10 j` when the record has an explicit hash key, then `1A`, the data's
//! length in one or two bytes, and the data, ending the record; the indexes below 128.

use super::messages::RecordFields;

/// The record's fields, if `record` is laid out as above; `None` for any other layout.
pub(super) fn read(record: &[u8]) -> Option<RecordFields<'_>> {
    let [0x08, partition_key_index, rest @ ..] = record else {
        return None;
    };
    let (explicit_hash_key_index, rest) = match rest {
        [0x10, index, rest @ ..] if *index < 0x80 => (Some(u64::from(*index)), rest),
        _ => (None, rest),
    };
    let (len, data) = match rest {
        [0x1a, len, data @ ..] if *len < 0x80 => (usize::from(*len), data),
        [0x1a, low, high, data @ ..] if *low >= 0x80 && *high < 0x80 => {
            (usize::from(low & 0x7f) | (usize::from(*high) << 7), data)
        }
        _ => return None,
    };
    (*partition_key_index < 0x80 && data.len() == len).then_some(RecordFields {
        partition_key_index: u64::from(*partition_key_index),
        explicit_hash_key_index,
        data,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregation::protobuf::Reader;
    use proptest::prelude::*;

    fn general(record: &[u8]) -> Option<RecordFields<'_>> {
        RecordFields::read(Reader::new(&[]).nested(record)).ok()
    }

    #[test]
    fn the_kpl_layouts_are_read() {
        let r = read(&[0x08, 0x01, 0x10, 0x02, 0x1a, 0x01, b'x']).unwrap();
        assert_eq!(
            (r.partition_key_index, r.explicit_hash_key_index, r.data),
            (1, Some(2), &b"x"[..])
        );
        let data = [7u8; 200];
        let record = [&[0x08, 0x00, 0x1a, 0xc8, 0x01][..], &data].concat();
        assert_eq!(read(&record).unwrap().data, &data[..]);
        assert_eq!(read(&[0x08, 0x00, 0x1a, 0x00]).unwrap().data, b"");
        // Anything else is left to the general reader.
        for other in [
            &[0x08, 0x80, 0x01, 0x1a, 0x00][..],         // a two-byte index
            &[0x08, 0x00, 0x1a, 0x01, b'x', 0x22, 0x00], // more after the data
            &[0x1a, 0x00, 0x08, 0x00],                   // another order
            &[0x08, 0x00, 0x1a, 0x02, b'x'],             // cut short
        ] {
            assert_eq!(read(other), None, "{other:02x?}");
        }
    }

    /// A record's bytes, mostly in the KPL's layout, often not.
    fn record() -> impl Strategy<Value = Vec<u8>> {
        let byte = prop_oneof![4 => 0u8..4, 1 => any::<u8>()];
        let kpl = (
            byte.clone(),
            proptest::option::of(byte.clone()),
            proptest::collection::vec(any::<u8>(), 0..300),
        )
            .prop_map(|(pk, ehk, data)| {
                let mut r = vec![0x08, pk];
                if let Some(e) = ehk {
                    r.extend([0x10, e]);
                }
                r.push(0x1a);
                crate::aggregation::protobuf::put_varint(&mut r, data.len() as u64);
                r.extend(data);
                r
            });
        let mutated =
            (kpl.clone(), any::<prop::sample::Index>(), any::<u8>()).prop_map(|(mut r, at, b)| {
                let at = at.index(r.len());
                r[at] = b;
                r
            });
        let cut = (kpl.clone(), any::<prop::sample::Index>()).prop_map(|(mut r, at)| {
            r.truncate(at.index(r.len() + 1));
            r
        });
        prop_oneof![3 => kpl, 2 => mutated, 1 => cut, 1 => proptest::collection::vec(byte, 0..12)]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2048))]

        /// Whatever this reads, the general reader reads the same.
        #[test]
        fn agrees_with_the_general_reader(record in record()) {
            if let Some(fast) = read(&record) {
                prop_assert_eq!(Some(fast), general(&record));
            }
        }
    }
}
