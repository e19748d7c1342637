//! Lowercase hexadecimal, as SigV4 writes digests and signatures.

const DIGITS: &[u8; 16] = b"0123456789abcdef";

/// The lowercase hex of a 32-byte digest.
pub(super) fn hex32(bytes: &[u8; 32]) -> [u8; 64] {
    let mut out = [0u8; 64];
    for (i, b) in bytes.iter().enumerate() {
        out[2 * i] = DIGITS[usize::from(b >> 4)];
        out[2 * i + 1] = DIGITS[usize::from(b & 0x0f)];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_lowercase_pairs() {
        let mut d = [0u8; 32];
        d[0] = 0xab;
        d[31] = 0x01;
        let h = hex32(&d);
        assert_eq!(&h[..4], b"ab00");
        assert_eq!(&h[60..], b"0001");
    }
}
