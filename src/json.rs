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
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
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
    fn base64_length_is_exact_for_every_remainder() {
        for n in (0..10).chain([3071, 3072, 3073, 6144, 10_000]) {
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
