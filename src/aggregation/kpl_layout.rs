//! A `Record` laid out as the KPL writes it, read without the general protobuf reader: it exists
//! for the de-aggregate bound (BENCHMARKS.md). The reference is the general reader,
//! `RecordFields::read` in `messages`, which reads every other layout too; a test there checks
//! that both agree.
//!
//! The layout: `08 i`, then `10 j` when the record has an explicit hash key, then `1A`, the data's
//! length in one or two bytes, and the data, ending the record; /// The record's partition key index, explicit hash key index and data, if `record` is laid out
/// as above; `None` for any other layout.
pub(super) fn read(record: &[u8]) -> Option<(u64, Option<u64>, &[u8])> {
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
    (*partition_key_index < 0x80 && data.len() == len).then_some((
        u64::from(*partition_key_index),
        explicit_hash_key_index,
        data,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kpl_layouts_are_read() {
        let r = read(&[0x08, 0x01, 0x10, 0x02, 0x1a, 0x01, b'x']);
        assert_eq!(r, Some((1, Some(2), &b"x"[..])));
        let data = [7u8; 200];
        let record = [&[0x08, 0x00, 0x1a, 0xc8, 0x01][..], &data].concat();
        assert_eq!(read(&record), Some((0, None, &data[..])));
        assert_eq!(read(&[0x08, 0x00, 0x1a, 0x00]), Some((0, None, &b""[..])));
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
}
