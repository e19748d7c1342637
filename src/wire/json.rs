//! The pieces of a compact JSON body, written straight into a buffer sized in advance.
//!
//! Strings are escaped as serde_json (and the official SDKs) write them, which RFC 8259
//! requires: `"` and `\` escaped, control bytes below 0x20 as `\n`, `\r`, `\t`, `\b`, `\f` or
//! `\u00xx` with lower-case hex; everything else (`/`, DEL, non-ASCII UTF-8) as is.

use super::escape::first_special;

/// Each byte inside a JSON string: 0 = itself, a letter = `\` + that letter, `u` = `\u00xx`.
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
    let bytes = s.as_bytes();
    let Some(first) = first_special(bytes) else {
        return bytes.len() + 2;
    };
    bytes[first..]
        .iter()
        .fold(bytes.len() + 2, |len, &b| match ESCAPE[usize::from(b)] {
            0 => len,
            b'u' => len + 5,
            _ => len + 1,
        })
}

/// Appends `s` as a JSON string, quotes included.
pub(crate) fn write_string(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    let bytes = s.as_bytes();
    let mut start = 0;
    if let Some(first) = first_special(bytes) {
        for (i, &b) in bytes.iter().enumerate().skip(first) {
            let esc = ESCAPE[usize::from(b)];
            if esc == 0 {
                continue;
            }
            out.extend_from_slice(&bytes[start..i]);
            if esc == b'u' {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                let (hi, lo) = (HEX[usize::from(b >> 4)], HEX[usize::from(b & 0xF)]);
                out.extend_from_slice(&[b'\\', b'u', b'0', b'0', hi, lo]);
            } else {
                out.extend_from_slice(&[b'\\', esc]);
            }
            start = i + 1;
        }
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

/// Length of `s` as a JSON string, quotes included, for text that needs no escaping.
pub(crate) fn plain_string_len(s: &[u8]) -> usize {
    s.len() + 2
}

/// Appends `s` as a JSON string, quotes included, for text that needs no escaping (see
/// [`plain_string_len`]).
pub(crate) fn write_plain_string(out: &mut Vec<u8>, s: &[u8]) {
    out.push(b'"');
    out.extend_from_slice(s);
    out.push(b'"');
}

/// Length of `data` as a JSON string of standard padded base64, quotes included: 4 characters
/// per 3 bytes or part of them (RFC 4648, section 4); no overflow, a slice is under `isize::MAX`.
pub(crate) fn base64_string_len(data: &[u8]) -> usize {
    data.len().div_ceil(3) * 4 + 2
}

/// Appends the standard padded base64 of `data` (RFC 4648, section 4), which needs no JSON
/// escaping; the caller writes the quotes.
pub(crate) fn write_base64(out: &mut Vec<u8>, data: &[u8]) {
    base64_simd::STANDARD.encode_append(data, out);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::escape::has_special;

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
    fn the_escape_scan_agrees_with_the_escape_table_for_every_byte() {
        for b in 0..=255u8 {
            assert_eq!(has_special(&[b]), ESCAPE[usize::from(b)] != 0, "{b:#04x}");
            assert_eq!(has_special(&[b'a', b, b'z']), ESCAPE[usize::from(b)] != 0);
        }
    }

    proptest::proptest! {
        #[test]
        fn any_string_is_escaped_as_serde_json_writes_it(s in ".{0,40}") {
            let mut out = Vec::new();
            write_string(&mut out, &s);
            proptest::prop_assert_eq!(&out, &serde_json::to_vec(&s).unwrap());
            proptest::prop_assert_eq!(out.len(), string_len(&s));
        }
    }

    #[test]
    fn base64_is_the_scalar_engines_output_at_every_length() {
        use base64::Engine as _;
        // Every length up to a few SIMD blocks (every remainder, every tail), then large ones;
        // every byte value appears, so every alphabet entry is written.
        for n in (0..=600).chain([3071, 3072, 3073, 65_536, 1_048_576]) {
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
