//! The pieces of a compact JSON body, written straight into a buffer sized in advance.
//!
//! Strings are escaped as serde_json (and the official SDKs) write them, which RFC 8259
//! requires: `"` and `\` escaped, control bytes below 0x20 as `\n`, `\r`, `\t`, `\b`, `\f` or
//! `\u00xx` with lower-case hex; everything else (`/`, DEL, non-ASCII UTF-8) as is.

/// Whether `b` cannot stand for itself inside a JSON string: a quote, a backslash or a control
/// byte below 0x20 (RFC 8259, section 7). The byte-at-a-time definition [`first_special`]
/// agrees with; usable in constants.
pub(crate) const fn is_special(b: u8) -> bool {
    b == b'"' || b == b'\\' || b < 0x20
}

/// The index of the first [special](is_special) byte of `s`, eight bytes at a time: each word
/// gets a bit per special byte from carry tricks on `u64` arithmetic ("SWAR"). A borrow can set
/// a bit in a later byte than a true match, never an earlier one, so the lowest bit set is the
/// first special byte. The last few bytes are read as the last eight bytes of `s` when it has
/// eight, else copied into a word padded with spaces.
#[inline]
pub(crate) fn first_special(s: &[u8]) -> Option<usize> {
    let index = |at: usize, bits: u64| at + (bits.trailing_zeros() / 8) as usize;
    let mut at = 0;
    while let Some(&word) = s.get(at..).and_then(<[u8]>::first_chunk::<8>) {
        let bits = special_bits(word);
        if bits != 0 {
            return Some(index(at, bits));
        }
        at += 8;
    }
    let tail = s.get(at..)?;
    if tail.is_empty() {
        return None;
    }
    // The last eight bytes, overlapping bytes already checked, whose bits are masked off.
    if let Some(&last) = s.last_chunk::<8>() {
        let checked = 8 - tail.len(); // 1 to 7
        let bits = special_bits(last) & (u64::MAX << (8 * checked));
        return (bits != 0).then(|| index(s.len() - 8, bits));
    }
    let mut word = [b' '; 8];
    word.get_mut(..tail.len())?.copy_from_slice(tail);
    let bits = special_bits(word);
    (bits != 0).then(|| index(at, bits))
}

/// Whether `s` holds a [special](is_special) byte. Strings of 16 to 48 bytes (most partition
/// keys, a UUID's 36 included) are tested as two or three blocks of sixteen, the last one
/// overlapping the one before it; other lengths by [`has_special_words`]. Always inlined: with
/// a plain hint the compiler kept it out of line in the batch builder's loop, which cost a call
/// per entry (measured on rustc 1.95, x86-64).
#[inline(always)]
pub(crate) fn has_special(s: &[u8]) -> bool {
    if s.len() <= 48
        && let (Some(first), Some(last)) = (s.first_chunk::<16>(), s.last_chunk::<16>())
    {
        let both = min_16(special_distance_16(first), special_distance_16(last));
        if s.len() <= 32 {
            return any_zero_16(both);
        }
        if let Some(middle) = s.get(16..).and_then(<[u8]>::first_chunk::<16>) {
            return any_zero_16(min_16(both, special_distance_16(middle)));
        }
    }
    has_special_words(s)
}

/// For each byte of a block, a value that is zero exactly when the byte is
/// [special](is_special): the least of its distance (by XOR) from `"`, from `\`, and how far
/// it is above 0x1F (saturating, so every control byte gives zero). Blocks are then merged with
/// a byte-wise minimum and tested once: the compiler makes this a few byte-wise vector
/// operations per block (SSE2 on x86-64), about half the instructions of three compares and a
/// mask per block (measured on rustc 1.95, x86-64).
#[inline(always)]
fn special_distance_16(block: &[u8; 16]) -> [u8; 16] {
    std::array::from_fn(|i| {
        let b = block[i];
        (b ^ b'"').min(b ^ b'\\').min(b.saturating_sub(0x1F))
    })
}

/// The byte-wise minimum of two blocks.
#[inline(always)]
fn min_16(a: [u8; 16], b: [u8; 16]) -> [u8; 16] {
    std::array::from_fn(|i| a[i].min(b[i]))
}

/// Whether a block holds a zero byte: a fold with no early exit and no short-circuit, which the
/// compiler turns into one vector compare and one mask.
#[inline(always)]
fn any_zero_16(block: [u8; 16]) -> bool {
    block.iter().fold(0u8, |any, &x| any | u8::from(x == 0)) != 0
}

/// [`has_special`] eight bytes at a time: [`first_special`]'s word test without its position,
/// so words are tested without a branch each and the last one may overlap the one before it
/// freely. A borrow sets a bit only after a true match, so any bit means a match. (A loop of
/// 16-byte blocks is not used here: the compiler vectorizes it across blocks, badly.)
fn has_special_words(s: &[u8]) -> bool {
    let mut words = s.chunks_exact(8);
    let mut bits = 0;
    for word in &mut words {
        if let Ok(&word) = <&[u8; 8]>::try_from(word) {
            bits |= special_bits(word);
        }
    }
    if !words.remainder().is_empty() {
        match s.last_chunk::<8>() {
            Some(&last) => bits |= special_bits(last),
            None => return s.iter().any(|&b| is_special(b)),
        }
    }
    bits != 0
}

const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);

/// The high bit of every zero byte of `y`, and maybe of bytes after one.
#[inline(always)]
fn zero_bytes(y: u64) -> u64 {
    y.wrapping_sub(ONES) & !y & HIGH
}

/// The high bit of every special byte of `word` (read little-endian, so bit order is byte
/// order), and maybe of bytes after one.
#[inline(always)]
fn special_bits(word: [u8; 8]) -> u64 {
    let x = u64::from_le_bytes(word);
    zero_bytes(x ^ (ONES * u64::from(b'"')))
        | zero_bytes(x ^ (ONES * u64::from(b'\\')))
        | (x.wrapping_sub(ONES * 0x20) & !x & HIGH)
}

/// Length of `s` as a JSON string, quotes included, for text that needs no escaping (a value
/// checked against a pattern that excludes quotes, backslashes and control characters).
pub(crate) fn plain_string_len(s: &[u8]) -> usize {
    debug_assert!(!has_special(s));
    s.len() + 2
}

/// Appends `s` as `extend_from_slice` does, but copies 4 to 32 bytes as two overlapping
/// fixed-size pieces instead of calling `memcpy`: stream names and partition keys are usually
/// that short, and for them the call costs more than the copy.
#[inline(always)]
pub(crate) fn extend_short(out: &mut Vec<u8>, s: &[u8]) {
    let len = s.len();
    let at = out.len();
    if len <= 32 {
        if let (Some(head), Some(tail)) = (s.first_chunk::<16>(), s.last_chunk::<16>()) {
            out.extend_from_slice(head);
            out.truncate(at + len - 16);
            out.extend_from_slice(tail);
            return;
        }
        if let (Some(head), Some(tail)) = (s.first_chunk::<8>(), s.last_chunk::<8>()) {
            out.extend_from_slice(head);
            out.truncate(at + len - 8);
            out.extend_from_slice(tail);
            return;
        }
        if let (Some(head), Some(tail)) = (s.first_chunk::<4>(), s.last_chunk::<4>()) {
            out.extend_from_slice(head);
            out.truncate(at + len - 4);
            out.extend_from_slice(tail);
            return;
        }
    }
    out.extend_from_slice(s);
}

/// Copies `s` into `out` at `*at` and moves `*at` past it; `None`, with nothing written, when it
/// does not fit. The positional twin of `extend_from_slice`, for a body written in place.
#[inline(always)]
pub(crate) fn put(out: &mut [u8], at: &mut usize, s: &[u8]) -> Option<()> {
    let end = at.checked_add(s.len())?;
    out.get_mut(*at..end)?.copy_from_slice(s);
    *at = end;
    Some(())
}

/// [`put`] for short text, as [`extend_short`] appends it: 4 to 32 bytes are copied as two
/// overlapping fixed-size pieces instead of through a `memcpy` call.
#[inline(always)]
pub(crate) fn put_short(out: &mut [u8], at: &mut usize, s: &[u8]) -> Option<()> {
    let end = at.checked_add(s.len())?;
    let dst = out.get_mut(*at..end)?;
    if s.len() <= 32 {
        if let (Some(head), Some(tail)) = (s.first_chunk::<16>(), s.last_chunk::<16>()) {
            *dst.first_chunk_mut::<16>()? = *head;
            *dst.last_chunk_mut::<16>()? = *tail;
        } else if let (Some(head), Some(tail)) = (s.first_chunk::<8>(), s.last_chunk::<8>()) {
            *dst.first_chunk_mut::<8>()? = *head;
            *dst.last_chunk_mut::<8>()? = *tail;
        } else if let (Some(head), Some(tail)) = (s.first_chunk::<4>(), s.last_chunk::<4>()) {
            *dst.first_chunk_mut::<4>()? = *head;
            *dst.last_chunk_mut::<4>()? = *tail;
        } else {
            dst.copy_from_slice(s);
        }
    } else {
        dst.copy_from_slice(s);
    }
    *at = end;
    Some(())
}

/// Writes the standard padded base64 of `data` into `out` at `*at`, as [`write_base64`]
/// appends it, and moves `*at` past it; `None`, with `*at` unchanged, when it does not fit.
#[inline(always)]
pub(crate) fn put_base64(out: &mut [u8], at: &mut usize, data: &[u8]) -> Option<()> {
    // The quotes are the caller's.
    let len = base64_string_len(data) - 2;
    let end = at.checked_add(len)?;
    let dst = out.get_mut(*at..end)?;
    // `dst` holds exactly the encoded length, which is all `encode` asks for.
    let written = base64_simd::STANDARD.encode(data, base64_simd::Out::from_slice(dst));
    (written.len() == len).then_some(())?;
    *at = end;
    Some(())
}

/// Appends `s` as a JSON string, quotes included, for text that needs no escaping (see
/// [`plain_string_len`]).
pub(crate) fn write_plain_string(out: &mut Vec<u8>, s: &[u8]) {
    debug_assert!(!has_special(s));
    out.push(b'"');
    out.extend_from_slice(s);
    out.push(b'"');
}

/// What each byte becomes inside a JSON string: 0 = itself, a letter = `\` + that letter,
/// `u` = `\u00xx`.
static ESCAPE: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 0x20 {
        t[i] = b'u';
        i += 1;
    }
    t[b'\n' as usize] = b'n';
    t[b'\r' as usize] = b'r';
    t[b'\t' as usize] = b't';
    t[0x08] = b'b';
    t[0x0C] = b'f';
    t[b'"' as usize] = b'"';
    t[b'\\' as usize] = b'\\';
    t
};

/// Length of `s` as a JSON string, quotes included.
pub(crate) fn string_len(s: &str) -> usize {
    let mut len = s.len() + 2;
    if !has_special(s.as_bytes()) {
        return len;
    }
    for &b in s.as_bytes() {
        match ESCAPE[usize::from(b)] {
            0 => {}
            b'u' => len += 5,
            _ => len += 1,
        }
    }
    len
}

/// Appends `s` as a JSON string, quotes included.
pub(crate) fn write_string(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    let bytes = s.as_bytes();
    let Some(first) = first_special(bytes) else {
        out.extend_from_slice(bytes);
        out.push(b'"');
        return;
    };
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate().skip(first) {
        let esc = ESCAPE[usize::from(b)];
        if esc == 0 {
            continue;
        }
        out.extend_from_slice(&bytes[start..i]);
        if esc == b'u' {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.extend_from_slice(&[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[usize::from(b >> 4)],
                HEX[usize::from(b & 0xF)],
            ]);
        } else {
            out.extend_from_slice(&[b'\\', esc]);
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

/// Length of `data` as a JSON string of standard padded base64, quotes included.
#[expect(
    clippy::manual_div_ceil,
    reason = "one multiply; `div_ceil` also tests the remainder"
)]
pub(crate) fn base64_string_len(data: &[u8]) -> usize {
    // 4 output characters for every 3 input bytes or part of them (RFC 4648, section 4).
    // A slice holds at most `isize::MAX` bytes, so adding 2 cannot overflow; written so, the
    // division is one multiply, where `div_ceil` also tests the remainder.
    (data.len() + 2) / 3 * 4 + 2
}

/// Appends the standard padded base64 of `data` (RFC 4648, section 4), which needs no JSON
/// escaping; the caller writes the quotes.
///
/// `base64-simd` picks the widest instruction set the CPU has at run time (AVX2, SSE4.1, NEON,
/// WASM SIMD128, else scalar code) and writes straight into the vector's spare capacity: no
/// zero-fill pass before encoding, which is what a safe caller of a slice-based encoder pays.
#[inline]
pub(crate) fn write_base64(out: &mut Vec<u8>, data: &[u8]) {
    base64_simd::STANDARD.encode_append(data, out);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extend_short_appends_exactly_the_bytes_at_every_length() {
        let source: Vec<u8> = (0..64).map(|i| b'a' + i % 26).collect();
        for len in 0..=source.len() {
            for before in [0, 1, 7] {
                let mut out = vec![b'#'; before];
                out.reserve(len);
                extend_short(&mut out, &source[..len]);
                let mut expected = vec![b'#'; before];
                expected.extend_from_slice(&source[..len]);
                assert_eq!(out, expected, "len {len}, {before} bytes before");
            }
        }
    }

    #[test]
    fn strings_are_escaped_as_serde_json_writes_them() {
        let cases = [
            "",
            "plain",
            "q\"b\\s/",
            "\n\r\t\u{8}\u{c}\u{0}\u{1f}\u{7f}",
            "é中😀",
        ];
        for s in cases {
            let mut out = Vec::new();
            write_string(&mut out, s);
            assert_eq!(out, serde_json::to_vec(s).unwrap(), "{s:?}");
            assert_eq!(out.len(), string_len(s), "{s:?}");
        }
    }

    #[test]
    fn the_word_search_finds_the_first_special_byte_at_every_offset() {
        for len in 0..40 {
            for at in 0..=len {
                for special in [b'"', b'\\', 0x00, 0x1f] {
                    let mut s = vec![b'a'; len];
                    if at < len {
                        s[at] = special;
                        // A later special byte must not be reported instead.
                        s.push(b'"');
                    }
                    let expected = s.iter().position(|&b| is_special(b));
                    assert_eq!(first_special(&s), expected, "len {len}, at {at}");
                    assert_eq!(has_special(&s), expected.is_some(), "len {len}, at {at}");
                    assert!(!has_special(&s[..at]), "len {at}");
                }
            }
        }
        assert_eq!(first_special(&[0x20, 0x7f, 0x80, 0xff]), None);
    }

    proptest::proptest! {
        #[test]
        fn the_word_search_agrees_with_a_byte_search(s in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..80)) {
            proptest::prop_assert_eq!(first_special(&s), s.iter().position(|&b| is_special(b)));
            proptest::prop_assert_eq!(has_special(&s), s.iter().any(|&b| is_special(b)));
        }

        #[test]
        fn the_word_search_finds_specials_among_high_bytes(
            s in proptest::collection::vec(proptest::sample::select(vec![0x00u8, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x5b, 0x5c, 0x5d, 0x7f, 0x80, 0xa2, 0xdc, 0xff]), 0..40)
        ) {
            proptest::prop_assert_eq!(first_special(&s), s.iter().position(|&b| is_special(b)));
            proptest::prop_assert_eq!(has_special(&s), s.iter().any(|&b| is_special(b)));
        }
    }

    #[test]
    fn the_block_check_finds_every_byte_value_at_every_position_of_16_to_48_bytes() {
        let mut s = [b'a'; 48];
        for len in 16..=48 {
            for at in 0..len {
                for b in 0..=255u8 {
                    s[at] = b;
                    assert_eq!(
                        has_special(&s[..len]),
                        is_special(b),
                        "len {len}, at {at}, {b:#04x}"
                    );
                }
                s[at] = b'a';
            }
        }
    }

    #[test]
    fn the_escape_check_agrees_with_the_escape_table_for_every_byte() {
        for b in 0..=255u8 {
            assert_eq!(has_special(&[b]), ESCAPE[usize::from(b)] != 0, "{b:#04x}");
            assert_eq!(has_special(&[b'a', b, b'z']), ESCAPE[usize::from(b)] != 0);
        }
        assert!(!has_special(b""));
    }

    #[test]
    fn base64_is_the_scalar_engines_output_at_every_length() {
        use base64::Engine as _;
        // Every length up to a few SIMD blocks (every remainder, every tail), then large ones;
        // every byte value appears, so every alphabet entry is written.
        for n in (0..=600).chain([3071, 3072, 3073, 65_536, 1_048_560, 1_048_576]) {
            let data: Vec<u8> = (0..n).map(|i| (i * 7 + n) as u8).collect();
            let mut out = b"prefix".to_vec();
            out.push(b'"');
            write_base64(&mut out, &data);
            out.push(b'"');
            assert_eq!(out.len() - 6, base64_string_len(&data), "{n}");
            let expected = base64::engine::general_purpose::STANDARD.encode(&data);
            assert_eq!(&out[..6], b"prefix");
            assert_eq!(&out[6..], format!("\"{expected}\"").as_bytes(), "{n}");
        }
    }
}
