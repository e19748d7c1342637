//! A fast path for the JSON bodies Kinesis usually sends: one object whose members are all plain
//! strings (no escapes), as in `{"ShardId":"shardId-000000000001","SequenceNumber":"4954..."}`.
//!
//! Anything else (an escape, a number, `null`, nesting, a syntax error) gives `None` and the
//! caller falls back to serde_json, so the scanner need only be right about what it accepts:
//! exactly the members serde_json reads (RFC 8259 whitespace and strings). Like serde_json on
//! bytes, it does not check UTF-8.

/// Calls `member(name, value)` for each member of `body` in order, if `body` is a JSON object
/// whose members are all strings without escapes, with only whitespace around it; `None` as soon
/// as it is anything else or `member` answers `None`.
pub(crate) fn for_each_string_member<'a>(
    body: &'a [u8],
    mut member: impl FnMut(&'a [u8], &'a [u8]) -> Option<()>,
) -> Option<()> {
    let mut at = skip_ws(body, 0);
    if body.get(at) != Some(&b'{') {
        return None;
    }
    at = skip_ws(body, at + 1);
    if body.get(at) == Some(&b'}') {
        at += 1;
    } else {
        loop {
            let (name, next) = string(body, at)?;
            at = skip_ws(body, next);
            if body.get(at) != Some(&b':') {
                return None;
            }
            let (value, next) = string(body, skip_ws(body, at + 1))?;
            member(name, value)?;
            at = skip_ws(body, next);
            match body.get(at)? {
                b',' => at = skip_ws(body, at + 1),
                b'}' => {
                    at += 1;
                    break;
                }
                _ => return None,
            }
        }
    }
    (skip_ws(body, at) == body.len()).then_some(())
}

/// The first index at or after `at` that is not JSON whitespace.
fn skip_ws(body: &[u8], mut at: usize) -> usize {
    while let Some(b' ' | b'\t' | b'\n' | b'\r') = body.get(at) {
        at += 1;
    }
    at
}

/// The contents of the string starting with the quote at `at`, and the index after its closing
/// quote; `None` if there is no string there or it holds an escape or a control character.
fn string(body: &[u8], at: usize) -> Option<(&[u8], usize)> {
    if body.get(at) != Some(&b'"') {
        return None;
    }
    let start = at + 1;
    let rest = body.get(start..)?;
    let len = super::escape::first_special(rest)?;
    if rest[len] != b'"' {
        return None;
    }
    Some((&rest[..len], start + len + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn members(body: &str) -> Option<Vec<(String, String)>> {
        let mut out = Vec::new();
        for_each_string_member(body.as_bytes(), |k, v| {
            out.push((
                String::from_utf8_lossy(k).into_owned(),
                String::from_utf8_lossy(v).into_owned(),
            ));
            Some(())
        })?;
        Some(out)
    }

    #[test]
    fn plain_string_objects_are_read_in_order() {
        assert_eq!(members("{}"), Some(vec![]));
        assert_eq!(members(" \t\r\n{ } \n"), Some(vec![]));
        assert_eq!(
            members(r#"{"a":"1", "b" : "" ,"a":"x/y"}"#),
            Some(vec![
                ("a".into(), "1".into()),
                ("b".into(), "".into()),
                ("a".into(), "x/y".into())
            ])
        );
    }

    #[test]
    fn anything_else_is_left_to_the_full_parser() {
        for body in [
            "",
            " ",
            "[]",
            "null",
            "{",
            "{\"a\"",
            "{\"a\":",
            "{\"a\":\"1\"",
            "{\"a\":\"1\",}",
            "{,}",
            "{\"a\":1}",
            "{\"a\":null}",
            "{\"a\":\"1\"}}",
            "{\"a\":\"1\"} x",
            "{\"a\":\"1\"}\u{0}",
            "{\"a\":{}}",
            "{\"a\":\"x\\\"y\"}",
            "{\"a\\u0062\":\"1\"}",
            "{\"a\":\"line\nbreak\"}",
            "{\"a\" \"1\"}",
            "{'a':'1'}",
            "\u{feff}{}",
        ] {
            assert_eq!(members(body), None, "{body:?}");
        }
    }

    #[test]
    fn the_callback_can_stop_the_scan() {
        assert_eq!(
            for_each_string_member(br#"{"a":"1","b":"2"}"#, |k, _| (k == b"a").then_some(())),
            None
        );
    }
}
