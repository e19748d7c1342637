//! Cheap-to-clone text for validated values that are built once and reused across records.

use std::sync::Arc;

/// A string that is a `'static` literal, a short string kept inline, or a shared heap string:
/// cloning never allocates, so a validated stream name can be attached to every record of a hot
/// loop, and a name of up to 15 bytes given as a `&str` costs no allocation either.
#[derive(Clone)]
pub(crate) enum SharedText {
    Static(&'static str),
    Inline(InlineText),
    Shared(Arc<str>),
}

/// Up to [`InlineText::CAPACITY`] bytes of UTF-8 held in place: 16 bytes aligned to 8, so the
/// compiler moves it as two words (an odd size is moved in overlapping pieces, and loading one
/// of those soon after storing it stalls).
#[derive(Clone, Copy)]
#[repr(C, align(8))]
pub(crate) struct InlineText {
    bytes: [u8; InlineText::CAPACITY],
    len: u8,
}

impl InlineText {
    /// As many bytes as fit beside the length in 16 bytes.
    pub(crate) const CAPACITY: usize = 15;

    fn as_str(&self) -> &str {
        // Made from a `&str` in `SharedText::new`, so always UTF-8 and the fallback is never
        // taken; checking costs a few instructions for at most 15 bytes.
        self.bytes
            .get(..usize::from(self.len))
            .and_then(|b| std::str::from_utf8(b).ok())
            .unwrap_or("")
    }
}

impl SharedText {
    /// Copies `s` inline when it fits, else into one shared allocation.
    pub(crate) fn new(s: &str) -> SharedText {
        match u8::try_from(s.len()) {
            Ok(len) if s.len() <= InlineText::CAPACITY => {
                let mut bytes = [0; InlineText::CAPACITY];
                bytes[..s.len()].copy_from_slice(s.as_bytes());
                SharedText::Inline(InlineText { len, bytes })
            }
            _ => SharedText::Shared(Arc::from(s)),
        }
    }

    pub(crate) fn as_str(&self) -> &str {
        match self {
            SharedText::Static(s) => s,
            SharedText::Inline(s) => s.as_str(),
            SharedText::Shared(s) => s,
        }
    }

    /// The UTF-8 bytes, without the check [`as_str`](Self::as_str) makes of inline text.
    pub(crate) fn as_bytes(&self) -> &[u8] {
        match self {
            SharedText::Static(s) => s.as_bytes(),
            SharedText::Inline(s) => s.bytes.get(..usize::from(s.len)).unwrap_or_default(),
            SharedText::Shared(s) => s.as_bytes(),
        }
    }
}

/// Whether `bytes` match `[a-zA-Z0-9_.-]{1,128}`, the API model's pattern and length of a stream
/// name and of a shard id. A table lookup folded without early exit: branch-free, so checking
/// the usual 20 bytes costs a few nanoseconds.
pub(crate) fn is_name(bytes: &[u8]) -> bool {
    (1..=128).contains(&bytes.len())
        && bytes
            .iter()
            .fold(true, |ok, &b| ok & NAME_BYTES[usize::from(b)])
}

/// The bytes a name may hold: `[a-zA-Z0-9_.-]`.
static NAME_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric() || c == b'_' || c == b'.' || c == b'-';
        b += 1;
    }
    table
};

/// Implements the usual read-only string traits for a newtype whose `as_str` gives the text.
macro_rules! string_newtype_traits {
    ($ty:ident $(<$lt:lifetime>)?) => {
        impl $(<$lt>)? ::std::fmt::Display for $ty $(<$lt>)? {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl $(<$lt>)? ::std::fmt::Debug for $ty $(<$lt>)? {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_tuple(stringify!($ty)).field(&self.as_str()).finish()
            }
        }
        impl $(<$lt>)? ::std::convert::AsRef<str> for $ty $(<$lt>)? {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }
        impl $(<$lt>)? ::std::cmp::PartialEq for $ty $(<$lt>)? {
            fn eq(&self, other: &Self) -> bool {
                self.as_str() == other.as_str()
            }
        }
        impl $(<$lt>)? ::std::cmp::Eq for $ty $(<$lt>)? {}
        impl $(<$lt>)? ::std::hash::Hash for $ty $(<$lt>)? {
            fn hash<H: ::std::hash::Hasher>(&self, state: &mut H) {
                self.as_str().hash(state)
            }
        }
        impl $(<$lt>)? ::std::cmp::PartialEq<str> for $ty $(<$lt>)? {
            fn eq(&self, other: &str) -> bool {
                self.as_str() == other
            }
        }
        impl $(<$lt>)? ::std::cmp::PartialEq<&str> for $ty $(<$lt>)? {
            fn eq(&self, other: &&str) -> bool {
                self.as_str() == *other
            }
        }
    };
}

pub(crate) use string_newtype_traits;

/// Counts the UTF-16 code units of `s` (a character outside the Basic Multilingual Plane,
/// encoded in four UTF-8 bytes, counts two). Usable in constants.
pub(crate) const fn utf16_len(s: &str) -> usize {
    let b = s.as_bytes();
    let mut units = 0;
    let mut i = 0;
    while i < b.len() {
        let byte = b[i];
        // Every UTF-8 lead byte starts one character; continuation bytes are 0b10xx_xxxx.
        if byte & 0xC0 != 0x80 {
            units += if byte >= 0xF0 { 2 } else { 1 };
        }
        i += 1;
    }
    units
}

#[cfg(test)]
mod tests {
    use super::{InlineText, SharedText, utf16_len};

    #[test]
    fn short_text_is_kept_inline_and_long_text_shared() {
        for len in 0..=InlineText::CAPACITY + 2 {
            let s = "é".repeat(len / 2) + &"a".repeat(len % 2);
            let text = SharedText::new(&s);
            assert_eq!(text.as_str(), s);
            assert_eq!(text.clone().as_str(), s);
            let inline = matches!(text, SharedText::Inline(_));
            assert_eq!(inline, s.len() <= InlineText::CAPACITY, "{len}");
        }
        assert!(std::mem::size_of::<SharedText>() <= 24);
    }

    #[test]
    fn utf16_len_agrees_with_std_encode_utf16() {
        for s in ["", "a", "é", "中文", "😀", "a😀b", "\u{10FFFF}", "\u{FFFF}"] {
            assert_eq!(utf16_len(s), s.encode_utf16().count(), "{s:?}");
        }
    }
}
