//! Text from the network, made safe to keep and display: bounded, on one line, no control bytes.

use std::fmt;

use crate::text::breaks_line;

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

/// Writes a text on one line: every character [`breaks_line`] names becomes a space.
pub(crate) struct OneLine<'a>(pub(crate) &'a str);

impl fmt::Display for OneLine<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rest = self.0;
        while let Some((at, ch)) = rest.char_indices().find(|&(_, c)| breaks_line(c)) {
            f.write_str(&rest[..at])?;
            f.write_str(" ")?;
            rest = &rest[at + ch.len_utf8()..];
        }
        f.write_str(rest)
    }
}

/// Writes a body excerpt quoted and escaped, so binary data stays on one readable line.
pub(crate) struct Quoted<'a>(pub(crate) &'a str);

impl fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"")?;
        for ch in self.0.chars() {
            match ch {
                '"' => f.write_str("\\\"")?,
                '\\' => f.write_str("\\\\")?,
                c if breaks_line(c) => write!(f, "{}", c.escape_default())?,
                c => fmt::Write::write_char(f, c)?,
            }
        }
        f.write_str("\"")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn one_line_replaces_line_breaks() {
        assert_eq!(OneLine("a\nb\r\nc\u{2028}d\te").to_string(), "a b  c d e");
    }

    #[test]
    fn quoted_escapes_quotes_and_controls() {
        assert_eq!(Quoted("a\"b\\c\nd\0").to_string(), r#""a\"b\\c\nd\u{0}""#);
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

        #[test]
        fn displayed_text_holds_no_control_character(text in "\\PC{0,40}|[\\x00-\\x7f\\u{80}-\\u{9f}\\u{2028}\\u{202e}]{0,40}") {
            let line = OneLine(&text).to_string();
            proptest::prop_assert!(!line.chars().any(breaks_line), "{:?}", line);
            let quoted = Quoted(&text).to_string();
            proptest::prop_assert!(!quoted.chars().any(breaks_line), "{:?}", quoted);
        }
    }
}
