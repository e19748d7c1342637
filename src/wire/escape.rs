//! Finding the bytes a JSON string cannot hold as they are, eight bytes a word ("SWAR"); the
//! byte-at-a-time [`is_special`] is the definition, and the tests check that the two agree.

/// Whether `b` cannot stand for itself inside a JSON string: a quote, a backslash or a control
/// byte below 0x20 (RFC 8259, section 7).
pub(crate) const fn is_special(b: u8) -> bool {
    b == b'"' || b == b'\\' || b < 0x20
}

/// The index of the first [special](is_special) byte of `s`.
///
/// Each word gets the high bit of every special byte set by carry arithmetic on `u64`; a borrow
/// can set a bit in a later byte than a true match, never an earlier one, so the lowest bit set
/// is the first special byte.
pub(crate) fn first_special(s: &[u8]) -> Option<usize> {
    let (words, tail) = s.as_chunks::<8>();
    for (i, &word) in words.iter().enumerate() {
        let bits = special_bits(word);
        if bits != 0 {
            return Some(i * 8 + (bits.trailing_zeros() / 8) as usize);
        }
    }
    if tail.is_empty() {
        return None;
    }
    // The last eight bytes when there are eight, overlapping bytes already checked, whose bits
    // are masked off; else the tail padded with spaces.
    let (at, word, checked) = match s.last_chunk::<8>() {
        Some(&last) => (s.len() - 8, last, 8 - tail.len()),
        None => {
            let mut word = [b' '; 8];
            word.get_mut(..tail.len())?.copy_from_slice(tail);
            (0, word, 0)
        }
    };
    let bits = special_bits(word) & (u64::MAX << (8 * checked));
    (bits != 0).then(|| at + (bits.trailing_zeros() / 8) as usize)
}

/// Whether `s` holds a [special](is_special) byte.
pub(crate) fn has_special(s: &[u8]) -> bool {
    first_special(s).is_some()
}

const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);

/// The high bit of every zero byte of `y`, and maybe of bytes after one.
fn zero_bytes(y: u64) -> u64 {
    y.wrapping_sub(ONES) & !y & HIGH
}

/// The high bit of every special byte of `word` (read little-endian, so bit order is byte
/// order), and maybe of bytes after one.
fn special_bits(word: [u8; 8]) -> u64 {
    let x = u64::from_le_bytes(word);
    zero_bytes(x ^ (ONES * u64::from(b'"')))
        | zero_bytes(x ^ (ONES * u64::from(b'\\')))
        | (x.wrapping_sub(ONES * 0x20) & !x & HIGH)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The plain definition the word scan must agree with.
    fn first_special_plain(s: &[u8]) -> Option<usize> {
        s.iter().position(|&b| is_special(b))
    }

    #[test]
    fn the_word_scan_finds_the_first_special_byte_at_every_offset() {
        for len in 0..40 {
            for at in 0..=len {
                for special in [b'"', b'\\', 0x00, 0x1f] {
                    let mut s = vec![b'a'; len];
                    if at < len {
                        s[at] = special;
                        // A later special byte must not be reported instead.
                        s.push(b'"');
                    }
                    assert_eq!(first_special(&s), first_special_plain(&s), "{len} {at}");
                    assert!(!has_special(&s[..at]), "len {at}");
                }
            }
        }
        assert_eq!(first_special(&[0x20, 0x7f, 0x80, 0xff]), None);
    }

    #[test]
    fn the_word_scan_agrees_with_the_definition_for_every_byte_at_every_position() {
        let mut s = [b'a'; 24];
        for len in 1..=s.len() {
            for at in 0..len {
                for b in 0..=255u8 {
                    s[at] = b;
                    assert_eq!(first_special(&s[..len]), first_special_plain(&s[..len]));
                }
                s[at] = b'a';
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn the_word_scan_agrees_with_the_byte_scan(
            s in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..80)
        ) {
            proptest::prop_assert_eq!(first_special(&s), first_special_plain(&s));
        }

        #[test]
        fn the_word_scan_finds_specials_among_high_bytes(
            s in proptest::collection::vec(proptest::sample::select(
                vec![0x00u8, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x5b, 0x5c, 0x5d, 0x7f, 0x80, 0xff]), 0..40)
        ) {
            proptest::prop_assert_eq!(first_special(&s), first_special_plain(&s));
        }
    }
}
