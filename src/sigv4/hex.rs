//! Lowercase hexadecimal, as SigV4 writes digests and signatures.

const DIGITS: &[u8; 16] = b"0123456789abcdef";

/// Each byte's two hex digits: one lookup per byte instead of two (a signature writes three
/// digests).
const PAIRS: [[u8; 2]; 256] = {
    let mut pairs = [[0u8; 2]; 256];
    let mut i = 0;
    while i < 256 {
        pairs[i] = [DIGITS[i >> 4], DIGITS[i & 0x0f]];
        i += 1;
    }
    pairs
};

/// The lowercase hex of a 32-byte digest.
pub(super) fn hex32(bytes: &[u8; 32]) -> [u8; 64] {
    let mut out = [0u8; 64];
    for (pair, b) in out.chunks_exact_mut(2).zip(bytes) {
        pair.copy_from_slice(&PAIRS[usize::from(*b)]);
    }
    out
}

/// The plain version of [`hex32`], which the test checks it against.
#[cfg(test)]
fn hex32_reference(bytes: &[u8; 32]) -> [u8; 64] {
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
        for start in 0..8u8 {
            let mut d = [0u8; 32];
            for (i, b) in d.iter_mut().enumerate() {
                *b = start.wrapping_mul(32).wrapping_add(i as u8);
            }
            assert_eq!(hex32(&d), hex32_reference(&d));
        }
    }
}
