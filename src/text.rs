//! Cheap-to-clone text for validated values that are built once and reused across records.

use std::fmt;
use std::sync::Arc;

/// A `'static` literal or a shared heap string: cloning never allocates.
#[derive(Clone)]
pub(crate) enum SharedText {
    Static(&'static str),
    Shared(Arc<str>),
}

impl SharedText {
    /// Copies `s` into one shared allocation.
    pub(crate) fn new(s: &str) -> SharedText {
        SharedText::Shared(Arc::from(s))
    }

    pub(crate) fn as_str(&self) -> &str {
        match self {
            SharedText::Static(s) => s,
            SharedText::Shared(s) => s,
        }
    }

    /// The UTF-8 bytes.
    pub(crate) fn as_bytes(&self) -> &[u8] {
        self.as_str().as_bytes()
    }
}

/// Whether `bytes` match `[a-zA-Z0-9_.-]{1,128}`, the API model's pattern and length of a stream
/// name and of a shard id.
pub(crate) fn is_name(bytes: &[u8]) -> bool {
    (1..=128).contains(&bytes.len())
        && bytes
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
}

/// Whether `c` would break a line or steer a terminal: every control character (C0, DEL, C1),
/// the line and paragraph separators (U+2028, U+2029), and the bidirectional formatting
/// characters that reorder what follows them (U+202A to U+202E and others; Unicode Standard
/// Annex #9).
pub(crate) fn breaks_line(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{2066}'..='\u{2069}'
        )
        || matches!(c, '\u{2028}'..='\u{202E}')
}

/// Writes `text` with every character that [breaks a line](breaks_line) escaped as Rust escapes
/// it (`\u{1b}`): how a value from a caller or the network is displayed.
pub(crate) fn write_escaped(f: &mut std::fmt::Formatter<'_>, text: &str) -> std::fmt::Result {
    let mut rest = text;
    while let Some((at, ch)) = rest.char_indices().find(|&(_, c)| breaks_line(c)) {
        f.write_str(&rest[..at])?;
        write!(f, "{}", ch.escape_default())?;
        rest = &rest[at + ch.len_utf8()..];
    }
    f.write_str(rest)
}

/// Implements the usual read-only string traits for a newtype whose `as_str` gives the text.
macro_rules! string_newtype_traits {
    ($ty:ident $(<$lt:lifetime>)?) => {
        /// The text, with control and bidirectional formatting characters escaped
        /// (`as_str` gives it as it is).
        impl $(<$lt>)? ::std::fmt::Display for $ty $(<$lt>)? {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                $crate::text::write_escaped(f, self.as_str())
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

/// Implements `FromStr` and `TryFrom` of `&str`, `&String` and `String` for a validated newtype
/// (`$new` checks a `&str`, `$owned` a `String` it keeps), and `From` of a reference (a clone).
macro_rules! text_conversions {
    ($ty:ident, $new:path, $owned:path) => {
        impl ::std::str::FromStr for $ty {
            type Err = $crate::invalid_input::InvalidInput;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $new(s)
            }
        }
        $crate::text::text_conversions!(@common $ty, $ty, $ty, $new, $owned);
    };
    ($ty:ident<'a>, $new:path, $owned:path) => {
        impl ::std::str::FromStr for $ty<'static> {
            type Err = $crate::invalid_input::InvalidInput;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $owned(s.to_owned())
            }
        }
        $crate::text::text_conversions!(@common $ty<'a>, $ty<'a>, $ty<'_>, $new, $owned);
    };
    (@common $ty:ident $(<$lt:lifetime>)?, $borrowed:ty, $any:ty, $new:path, $owned:path) => {
        impl<$($lt)?> TryFrom<&$($lt)? str> for $borrowed {
            type Error = $crate::invalid_input::InvalidInput;
            fn try_from(s: &$($lt)? str) -> Result<Self, Self::Error> {
                $new(s)
            }
        }
        impl<$($lt)?> TryFrom<&$($lt)? String> for $borrowed {
            type Error = $crate::invalid_input::InvalidInput;
            fn try_from(s: &$($lt)? String) -> Result<Self, Self::Error> {
                $new(s)
            }
        }
        impl TryFrom<String> for $any {
            type Error = $crate::invalid_input::InvalidInput;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                $owned(s)
            }
        }
        impl<$($lt)?> From<&$borrowed> for $borrowed {
            fn from(value: &$borrowed) -> Self {
                value.clone()
            }
        }
    };
}

pub(crate) use text_conversions;

/// Counts the UTF-16 code units of `s` (a four-byte UTF-8 character counts two), in constants too.
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

/// The copy of a caller's or the network's text that an error keeps:
/// [`MAX_ERROR_TEXT_BYTES`](crate::limits::MAX_ERROR_TEXT_BYTES) at most, the cut marked.
pub(crate) fn error_copy(text: &str) -> String {
    capped(text, crate::limits::MAX_ERROR_TEXT_BYTES)
}

/// `text`, or its first `max` bytes (cut on a character boundary) followed by `…` and the
/// number of bytes cut. Copies no more than that.
pub(crate) fn capped(text: &str, max: usize) -> String {
    capped_format(format_args!("{text}"), max)
}

/// Formats `args` as [`capped`] cuts a text, writing no more than `max` bytes on the way, so a
/// message that quotes a long value (as serde's errors do) never takes more memory than that.
pub(crate) fn capped_format(args: fmt::Arguments<'_>, max: usize) -> String {
    struct Bounded {
        out: String,
        max: usize,
        cut: usize,
    }
    impl fmt::Write for Bounded {
        fn write_str(&mut self, s: &str) -> fmt::Result {
            let room = if self.cut == 0 {
                self.max.saturating_sub(self.out.len())
            } else {
                0
            };
            let keep = s.floor_char_boundary(room);
            self.out.push_str(&s[..keep]);
            self.cut += s.len() - keep;
            Ok(())
        }
    }
    let mut bounded = Bounded {
        out: String::new(),
        max,
        cut: 0,
    };
    // `Bounded` never fails, so neither does the write.
    let _ = fmt::Write::write_fmt(&mut bounded, args);
    if bounded.cut > 0 {
        bounded.out += &format!("… ({} more bytes)", bounded.cut);
    }
    bounded.out
}

#[cfg(test)]
mod tests {
    use super::{capped, capped_format, utf16_len};

    #[test]
    fn utf16_len_agrees_with_std_encode_utf16() {
        for s in ["", "a", "é", "中文", "😀", "a😀b", "\u{10FFFF}", "\u{FFFF}"] {
            assert_eq!(utf16_len(s), s.encode_utf16().count(), "{s:?}");
        }
    }

    #[test]
    fn capped_text_keeps_short_text_and_marks_a_cut() {
        assert_eq!(capped("abc", 3), "abc");
        assert_eq!(capped("abcd", 3), "abc… (1 more bytes)");
        // A cut inside a character falls back to its start.
        assert_eq!(capped("aé", 2), "a… (2 more bytes)");
        assert_eq!(
            capped_format(format_args!("{}-{}", "ab", "cd"), 3),
            "ab-… (2 more bytes)"
        );
        assert_eq!(
            capped_format(format_args!("{}", "é"), 1),
            "… (2 more bytes)"
        );
        assert_eq!(capped_format(format_args!("{}", "ok"), 8), "ok");
    }

    proptest::proptest! {
        #[test]
        fn capped_text_never_exceeds_its_bound(text in ".{0,64}", max in 0usize..70) {
            let marker = "… ( more bytes)".len() + text.len().to_string().len();
            let kept = capped(&text, max);
            proptest::prop_assert!(kept.len() <= max + marker);
            proptest::prop_assert!(text.starts_with(kept.split('…').next().unwrap_or("")));
            // The plain definition: the whole text, or its head on a character boundary and the
            // count of bytes cut. A text written in several pieces is cut the same way.
            let head = &text[..text.floor_char_boundary(max)];
            let expected = if text.len() <= max {
                text.clone()
            } else {
                format!("{head}… ({} more bytes)", text.len() - head.len())
            };
            proptest::prop_assert_eq!(&kept, &expected);
            let (a, b) = text.split_at(text.floor_char_boundary(text.len() / 2));
            proptest::prop_assert_eq!(capped_format(format_args!("{a}{b}"), max), expected);
        }

    }
}
