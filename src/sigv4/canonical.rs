//! The canonical request (AWS IAM User Guide, "Create a signed AWS API request", step 1), for
//! header signing:
//!
//! ```text
//! method \n canonical URI \n canonical query string \n canonical headers \n signed headers \n hex(SHA-256(body))
//! ```
//!
//! Only what a Kinesis client sends is canonicalised, and everything else refused:
//!
//! - URI: `/` or plain segments. For those, URI-encoding each segment twice (what every
//!   service but S3 expects) and normalising the path (RFC 3986 dot-segment removal) both leave
//!   the path as it is, so the path is its own canonical form. Anything else is
//!   [`SignError::UnsupportedPath`].
//! - Query: none, so the canonical query string is empty; a query is
//!   [`SignError::UnsupportedQuery`].
//! - Headers: every header of the request but `authorization`, `user-agent`, `x-amzn-trace-id`
//!   and `transfer-encoding` (which proxies and CDNs may change or drop; the same set as
//!   `aws-sigv4`'s default). Names are lowercase (the `http` crate stores them so), sorted;
//!   each value has its leading and trailing spaces removed and inner runs of spaces made one
//!   space; the values of a repeated header are joined with `,` in the order they appear. A
//!   value with a byte outside visible ASCII and space is [`SignError::UnsupportedHeaderValue`].

use http::{HeaderMap, HeaderValue, Request};

use super::error::SignError;

/// Headers never signed: `authorization` (the signature itself), `user-agent` (proxies
/// rewrite it), `x-amzn-trace-id` (X-Ray changes it per hop), `transfer-encoding` (hop by hop).
const UNSIGNED: [&str; 4] = [
    "authorization",
    "user-agent",
    "x-amzn-trace-id",
    "transfer-encoding",
];

/// Checks the request line: the path signs as itself and there is no query.
pub(super) fn check_uri<B>(request: &Request<B>) -> Result<(), SignError> {
    match request.uri().query() {
        None | Some("") => {}
        Some(_) => return Err(SignError::UnsupportedQuery),
    }
    if is_plain_path(request.uri().path()) {
        Ok(())
    } else {
        Err(SignError::UnsupportedPath)
    }
}

/// `/`, or `/` followed by segments of RFC 3986 unreserved characters (`A-Za-z0-9-._~`)
/// separated by single `/`, none of them `.` or `..`, with an optional final `/`.
fn is_plain_path(path: &str) -> bool {
    let Some(rest) = path.strip_prefix('/') else {
        return false;
    };
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    if rest.is_empty() {
        return path == "/";
    }
    rest.split('/').all(|segment| {
        !segment.is_empty()
            && segment != "."
            && segment != ".."
            && segment
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
    })
}

/// Headers the signer sets itself, replacing what the request carries.
pub(super) const X_AMZ_DATE: &str = "x-amz-date";
pub(super) const X_AMZ_SECURITY_TOKEN: &str = "x-amz-security-token";

/// What one pass over a request's headers found: the headers to sign as the request carries
/// them (all but the unsigned ones and those the signer sets), and which signing headers are
/// already there.
pub(super) struct Headers<'a> {
    pub(super) signed: HeaderList<'a>,
    pub(super) has_host: bool,
    pub(super) has_authorization: bool,
    pub(super) has_security_token: bool,
}

/// Collects the headers to sign, checking each value: visible ASCII and spaces only.
pub(super) fn collect_headers(headers: &HeaderMap) -> Result<Headers<'_>, SignError> {
    let mut out = Headers {
        signed: HeaderList::new(),
        has_host: false,
        has_authorization: false,
        has_security_token: false,
    };
    for (name, value) in headers {
        let name = name.as_str();
        match name {
            "host" => out.has_host = true,
            "authorization" => {
                out.has_authorization = true;
                continue;
            }
            X_AMZ_SECURITY_TOKEN => {
                out.has_security_token = true;
                continue;
            }
            X_AMZ_DATE => continue,
            _ if UNSIGNED.contains(&name) => continue,
            _ => {}
        }
        if !is_signable_value(value.as_bytes()) {
            return Err(SignError::UnsupportedHeaderValue {
                name: name.to_owned(),
            });
        }
        out.signed.push((name, value));
    }
    Ok(out)
}

/// Headers kept on the stack up to this many, which covers every request the crate builds
/// and the headers signing adds; more go to the heap.
const INLINE_HEADERS: usize = 12;

/// A placeholder for the unused inline slots.
static EMPTY: HeaderValue = HeaderValue::from_static("");

/// A list of (name, value) pairs that does not allocate for a request's usual handful.
pub(super) struct HeaderList<'a> {
    inline: [(&'a str, &'a HeaderValue); INLINE_HEADERS],
    len: usize,
    spilled: Vec<(&'a str, &'a HeaderValue)>,
}

impl<'a> HeaderList<'a> {
    fn new() -> HeaderList<'a> {
        HeaderList {
            inline: [("", &EMPTY); INLINE_HEADERS],
            len: 0,
            spilled: Vec::new(),
        }
    }

    pub(super) fn push(&mut self, header: (&'a str, &'a HeaderValue)) {
        if self.spilled.is_empty() && self.len < INLINE_HEADERS {
            self.inline[self.len] = header;
            self.len += 1;
        } else {
            if self.spilled.is_empty() {
                self.spilled.extend_from_slice(&self.inline[..self.len]);
            }
            self.spilled.push(header);
        }
    }

    pub(super) fn as_mut_slice(&mut self) -> &mut [(&'a str, &'a HeaderValue)] {
        if self.spilled.is_empty() {
            &mut self.inline[..self.len]
        } else {
            &mut self.spilled
        }
    }
}

/// Visible ASCII and spaces: an `http::HeaderValue` is already free of control characters but
/// for tab, so what is left to refuse is a tab and bytes above 0x7F.
pub(super) fn is_signable_value(bytes: &[u8]) -> bool {
    // A fold without an early exit, which the compiler turns into wide compares.
    bytes
        .iter()
        .fold(true, |ok, &b| ok & (b' '..=b'~').contains(&b))
}

/// Appends the canonical request to `out` and the signed header names (`;`-joined) to
/// `signed`: `headers` are every header to sign (those of [`collect_headers`] and the ones the
/// signer adds), in any order; the request has passed [`check_uri`].
pub(super) fn write_canonical_request<B>(
    out: &mut Vec<u8>,
    signed: &mut Vec<u8>,
    request: &Request<B>,
    headers: &mut [(&str, &HeaderValue)],
    body_sha256_hex: &[u8; 64],
) {
    out.extend_from_slice(request.method().as_str().as_bytes());
    out.push(b'\n');
    out.extend_from_slice(request.uri().path().as_bytes());
    // The canonical query string is empty.
    out.extend_from_slice(b"\n\n");

    sort_by_name(headers);
    let mut previous: Option<&str> = None;
    for &(name, value) in headers.iter() {
        if previous == Some(name) {
            out.push(b',');
        } else {
            if previous.is_some() {
                out.push(b'\n');
                signed.push(b';');
            }
            out.extend_from_slice(name.as_bytes());
            out.push(b':');
            signed.extend_from_slice(name.as_bytes());
            previous = Some(name);
        }
        push_trimmed(out, value);
    }
    if previous.is_some() {
        out.push(b'\n');
    }
    out.push(b'\n');
    out.extend_from_slice(signed);
    out.push(b'\n');
    out.extend_from_slice(body_sha256_hex);
}

/// A stable insertion sort by name: a request has a handful of headers, for which this beats
/// the general sort, and the values of a repeated name keep the order they appear in.
fn sort_by_name(headers: &mut [(&str, &HeaderValue)]) {
    for i in 1..headers.len() {
        let mut j = i;
        while j > 0 && headers[j - 1].0 > headers[j].0 {
            headers.swap(j - 1, j);
            j -= 1;
        }
    }
}

/// Appends `value` without leading and trailing spaces, each inner run of spaces as one.
fn push_trimmed(out: &mut Vec<u8>, value: &HeaderValue) {
    let bytes = value.as_bytes();
    if !bytes.iter().fold(false, |any, &b| any | (b == b' ')) {
        out.extend_from_slice(bytes);
        return;
    }
    let start = bytes.iter().position(|&b| b != b' ');
    let Some(start) = start else { return };
    let end = bytes
        .iter()
        .rposition(|&b| b != b' ')
        .map_or(start, |e| e + 1);
    let bytes = &bytes[start..end];
    if !bytes.windows(2).any(|w| w == b"  ") {
        out.extend_from_slice(bytes);
        return;
    }
    let mut previous_space = false;
    for &b in bytes {
        if b == b' ' && previous_space {
            continue;
        }
        previous_space = b == b' ';
        out.push(b);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_paths() {
        for ok in ["/", "/a", "/a/", "/a/b", "/-._~Az09", "/a.b/c..d"] {
            assert!(is_plain_path(ok), "{ok}");
        }
        for bad in [
            "", "a", "//", "/a//b", "/./", "/a/..", "/a/./b", "/%20", "/a b", "/ሴ", "/a/b//", "/@",
        ] {
            assert!(!is_plain_path(bad), "{bad}");
        }
    }

    #[test]
    fn trimming() {
        let cases = [
            ("  a   b  c ", "a b c"),
            ("abc", "abc"),
            ("", ""),
            ("    ", ""),
            ("\"a   b   c\"", "\"a b c\""),
        ];
        for (raw, canonical) in cases {
            assert!(is_signable_value(raw.as_bytes()));
            let mut out = Vec::new();
            push_trimmed(&mut out, &HeaderValue::from_static(raw));
            assert_eq!(out, canonical.as_bytes(), "{raw:?}");
        }
        assert!(!is_signable_value(b"a\tb"));
        assert!(!is_signable_value("é".as_bytes()));
    }

    #[test]
    fn a_long_header_list_spills_in_order() {
        let value = HeaderValue::from_static("v");
        let names: Vec<String> = (0..40).map(|i| format!("h{i:02}")).collect();
        let mut list = HeaderList::new();
        for name in &names {
            list.push((name, &value));
        }
        let got: Vec<&str> = list.as_mut_slice().iter().map(|(n, _)| *n).collect();
        assert_eq!(got, names.iter().map(String::as_str).collect::<Vec<_>>());
    }

    #[test]
    fn the_sort_is_stable() {
        let (a, b, c) = (
            HeaderValue::from_static("1"),
            HeaderValue::from_static("2"),
            HeaderValue::from_static("3"),
        );
        let mut h = [("b", &a), ("a", &b), ("b", &c), ("a", &a)];
        sort_by_name(&mut h);
        let got: Vec<(&str, &str)> = h.iter().map(|(n, v)| (*n, v.to_str().unwrap())).collect();
        assert_eq!(got, [("a", "2"), ("a", "1"), ("b", "1"), ("b", "3")]);
    }
}
