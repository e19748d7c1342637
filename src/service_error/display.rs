//! Text from the network, made safe to display: on one line, no control bytes (it is bounded
//! when kept, by [`crate::text::capped`]).

use std::fmt;

use crate::text::breaks_line;

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

    proptest::proptest! {
        #[test]
        fn displayed_text_holds_no_control_character(text in "\\PC{0,40}|[\\x00-\\x7f\\u{80}-\\u{9f}\\u{2028}\\u{202e}]{0,40}") {
            let line = OneLine(&text).to_string();
            proptest::prop_assert!(!line.chars().any(breaks_line), "{:?}", line);
            let quoted = Quoted(&text).to_string();
            proptest::prop_assert!(!quoted.chars().any(breaks_line), "{:?}", quoted);
        }
    }
}
