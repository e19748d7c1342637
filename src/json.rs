//! The pieces of a compact JSON body, written straight into a buffer sized in advance.
//!
//! Strings are escaped as serde_json (and the official SDKs) write them, which RFC 8259
//! requires: `"` and `\` escaped, control bytes below 0x20 as `\n`, `\r`, `\t`, `\b`, `\f` or
//! `\u00xx` with lower-case hex; everything else (`/`, DEL, non-ASCII UTF-8) as is.

use std::sync::LazyLock;

use base64::Engine as _;
use base64::engine::general_purpose::PAD;
use base64::engine::simd::Simd;

/// Standard base64 with padding (RFC 4648, section 4), on the fastest instruction set the CPU
/// has (AVX2 or NEON, detected once), else the scalar engine; every engine writes the same bytes.
static BASE64: LazyLock<Simd> = LazyLock::new(|| Simd::standard(PAD));

/// Whether `b` cannot stand for itself inside a JSON string: a quote, a backslash or a control
/// byte (RFC 8259, section 7).
pub(crate) fn is_special(b: u8) -> bool {
    (b == b'"') | (b == b'\\') | (b < 0x20)
}

/// The index of the first [special](is_special) byte of `s`. Whole 16-byte blocks are tested
/// with a fold that has no early exit, which compiles to a few vector instructions per block.
pub(crate) fn first_special(s: &[u8]) -> Option<usize> {
    const BLOCK: usize = 16;
    let mut at = 0;
    while let Some(block) = s.get(at..).and_then(<[u8]>::first_chunk::<BLOCK>) {
        if block.iter().fold(false, |hit, &b| hit | is_special(b)) {
            break;
        }
        at += BLOCK;
    }
    let tail = s.get(at..)?;
    tail.iter().position(|&b| is_special(b)).map(|i| at + i)
}

/// Whether any byte of `s` must be escaped in a JSON string.
fn needs_escape(s: &[u8]) -> bool {
    first_special(s).is_some()
}

/// Length of `s` as a JSON string, quotes included, for text that needs no escaping (a value
/// checked against a pattern that excludes quotes, backslashes and control characters).
pub(crate) fn plain_string_len(s: &[u8]) -> usize {
    debug_assert!(!needs_escape(s));
    s.len() + 2
}

/// Appends `s` as a JSON string, quotes included, for text that needs no escaping (see
/// [`plain_string_len`]).
pub(crate) fn write_plain_string(out: &mut Vec<u8>, s: &[u8]) {
    debug_assert!(!needs_escape(s));
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
    if !needs_escape(s.as_bytes()) {
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
pub(crate) fn base64_string_len(data: &[u8]) -> usize {
    // 4 output characters for every 3 input bytes or part of them (RFC 4648, section 4).
    data.len().div_ceil(3) * 4 + 2
}

/// Appends `data` as a JSON string of standard padded base64 (RFC 4648 section 4), quotes
/// included. Base64 needs no JSON escaping.
pub(crate) fn write_base64_string(out: &mut Vec<u8>, data: &[u8]) {
    out.push(b'"');
    // Zero-fill the encoded length in place, then encode into it. Measured against encoding
    // through a small stack buffer and appending it, this is faster at every size: the fill
    // runs at memory speed and leaves the lines in cache for the encoder.
    let start = out.len();
    out.resize(start + base64_string_len(data) - 2, 0);
    // The slice is exactly the encoded length, which `encode_slice` accepts.
    let written = BASE64.encode_slice(data, &mut out[start..]).unwrap_or(0);
    debug_assert_eq!(start + written, out.len());
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn the_block_search_finds_the_first_special_byte_at_every_offset() {
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
                }
            }
        }
        assert_eq!(first_special(&[0x20, 0x7f, 0x80, 0xff]), None);
    }

    #[test]
    fn the_escape_check_agrees_with_the_escape_table_for_every_byte() {
        for b in 0..=255u8 {
            assert_eq!(needs_escape(&[b]), ESCAPE[usize::from(b)] != 0, "{b:#04x}");
            assert_eq!(needs_escape(&[b'a', b, b'z']), ESCAPE[usize::from(b)] != 0);
        }
        assert!(!needs_escape(b""));
    }

    #[test]
    fn base64_length_is_exact_for_every_remainder() {
        for n in (0..10)
            .chain(125..=131)
            .chain([3071, 3072, 3073, 6144, 10_000])
        {
            let data = vec![0xA5u8; n];
            let mut out = Vec::new();
            write_base64_string(&mut out, &data);
            assert_eq!(out.len(), base64_string_len(&data));
            assert_eq!(
                out,
                format!(
                    "\"{}\"",
                    base64::engine::general_purpose::STANDARD.encode(&data)
                )
                .into_bytes()
            );
        }
    }
}
