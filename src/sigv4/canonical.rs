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
const REPLACED: [&str; 2] = ["x-amz-date", "x-amz-security-token"];

/// Checks every header value that will be signed as the request carries it (before anything
/// is written or changed).
pub(super) fn check_header_values(headers: &HeaderMap) -> Result<(), SignError> {
    for (name, value) in headers {
        if UNSIGNED.contains(&name.as_str()) || REPLACED.contains(&name.as_str()) {
            continue;
        }
        if !value.as_bytes().iter().all(|b| (0x20..=0x7e).contains(b)) {
            return Err(SignError::UnsupportedHeaderValue {
                name: name.as_str().to_owned(),
            });
        }
    }
    Ok(())
}

/// Appends the canonical request of `request` to `out` and its signed header names
/// (`;`-joined) to `signed`. The request has passed [`check_uri`] and [`check_header_values`].
pub(super) fn write_canonical_request<B>(
    out: &mut Vec<u8>,
    signed: &mut Vec<u8>,
    request: &Request<B>,
    body_sha256_hex: &[u8; 64],
) {
    out.extend_from_slice(request.method().as_str().as_bytes());
    out.push(b'\n');
    out.extend_from_slice(request.uri().path().as_bytes());
    // The canonical query string is empty.
    out.extend_from_slice(b"\n\n");

    let headers = request.headers();
    let mut names: Vec<&str> = Vec::with_capacity(headers.keys_len());
    names.extend(
        headers
            .keys()
            .map(|n| n.as_str())
            .filter(|n| !UNSIGNED.contains(n)),
    );
    names.sort_unstable();
    for (i, name) in names.iter().enumerate() {
        out.extend_from_slice(name.as_bytes());
        out.push(b':');
        for (j, value) in headers.get_all(*name).iter().enumerate() {
            if j > 0 {
                out.push(b',');
            }
            push_trimmed(out, value);
        }
        out.push(b'\n');
        if i > 0 {
            signed.push(b';');
        }
        signed.extend_from_slice(name.as_bytes());
    }
    out.push(b'\n');
    out.extend_from_slice(signed);
    out.push(b'\n');
    out.extend_from_slice(body_sha256_hex);
}

/// Appends `value` without leading and trailing spaces, each inner run of spaces as one.
fn push_trimmed(out: &mut Vec<u8>, value: &HeaderValue) {
    let bytes = value.as_bytes();
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
            let mut out = Vec::new();
            push_trimmed(&mut out, &HeaderValue::from_static(raw));
            assert_eq!(out, canonical.as_bytes(), "{raw:?}");
        }
    }
}
