//! The signer on the CRT SigV4 signing test suite (`tests/data/sigv4/`, Apache-2.0, see its
//! README): for every case signed, the canonical request, the string to sign, the signature and
//! the signed request are the suite's; every other case is refused with the typed error that
//! says why. No case is signed wrongly.
#![cfg(feature = "sigv4")]

use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use kinesis_proto::http::{HeaderMap, HeaderName, HeaderValue, Request};
use kinesis_proto::{Credentials, SignError, Signer};

/// What happens to a case.
#[derive(Debug, Clone, PartialEq)]
enum Outcome {
    /// Signed; every file checked.
    Signed,
    /// Refused with this error.
    Refused(SignError),
}
use Outcome::{Refused, Signed};

/// Every case of the suite and its outcome. The first fifteen (path `/`, no query) are the
/// required ones; `get-unreserved` is signed too (a plain path of unreserved characters).
const CASES: &[(&str, Outcome)] = &[
    ("get-vanilla", Signed),
    ("get-vanilla-query", Signed),
    ("get-vanilla-with-session-token", Signed),
    ("get-header-key-duplicate", Signed),
    ("get-header-value-multiline", Signed),
    ("get-header-value-order", Signed),
    ("get-header-value-trim", Signed),
    ("post-header-key-case", Signed),
    ("post-header-key-sort", Signed),
    ("post-header-value-case", Signed),
    ("post-sts-header-before", Signed),
    ("post-sts-header-after", Signed),
    ("post-vanilla", Signed),
    ("post-x-www-form-urlencoded", Signed),
    ("post-x-www-form-urlencoded-parameters", Signed),
    ("get-unreserved", Signed),
    // Paths that need percent-encoding or normalisation.
    ("double-encode-path", Refused(SignError::UnsupportedPath)),
    ("double-url-encode", Refused(SignError::UnsupportedPath)),
    (
        "get-relative-normalized",
        Refused(SignError::UnsupportedPath),
    ),
    (
        "get-relative-relative-normalized",
        Refused(SignError::UnsupportedPath),
    ),
    (
        "get-relative-relative-unnormalized",
        Refused(SignError::UnsupportedPath),
    ),
    (
        "get-relative-unnormalized",
        Refused(SignError::UnsupportedPath),
    ),
    (
        "get-slash-dot-slash-normalized",
        Refused(SignError::UnsupportedPath),
    ),
    (
        "get-slash-dot-slash-unnormalized",
        Refused(SignError::UnsupportedPath),
    ),
    ("get-slash-normalized", Refused(SignError::UnsupportedPath)),
    (
        "get-slash-pointless-dot-normalized",
        Refused(SignError::UnsupportedPath),
    ),
    (
        "get-slash-pointless-dot-unnormalized",
        Refused(SignError::UnsupportedPath),
    ),
    (
        "get-slash-unnormalized",
        Refused(SignError::UnsupportedPath),
    ),
    (
        "get-slashes-normalized",
        Refused(SignError::UnsupportedPath),
    ),
    (
        "get-slashes-unnormalized",
        Refused(SignError::UnsupportedPath),
    ),
    ("get-space-normalized", Refused(SignError::UnsupportedPath)),
    (
        "get-space-unnormalized",
        Refused(SignError::UnsupportedPath),
    ),
    ("get-utf8", Refused(SignError::UnsupportedPath)),
    // Queries: Kinesis requests carry none.
    (
        "get-vanilla-empty-query-key",
        Refused(SignError::UnsupportedQuery),
    ),
    (
        "get-vanilla-query-order-encoded",
        Refused(SignError::UnsupportedQuery),
    ),
    (
        "get-vanilla-query-order-key-case",
        Refused(SignError::UnsupportedQuery),
    ),
    (
        "get-vanilla-query-unreserved",
        Refused(SignError::UnsupportedQuery),
    ),
    (
        "get-vanilla-utf8-query",
        Refused(SignError::UnsupportedQuery),
    ),
    (
        "post-vanilla-empty-query-value",
        Refused(SignError::UnsupportedQuery),
    ),
    ("post-vanilla-query", Refused(SignError::UnsupportedQuery)),
];

const SUITE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/sigv4");

/// `context.json`, the parts used.
struct Context {
    access_key_id: String,
    secret: String,
    token: Option<String>,
    region: String,
    service: String,
    time: SystemTime,
    /// Add and sign `x-amz-content-sha256`.
    sign_body: bool,
    /// Add the session token after signing, unsigned.
    omit_session_token: bool,
}

fn context(dir: &Path) -> Context {
    // The two old-format cases have no context.json: they use the suite's usual context.
    let text = std::fs::read_to_string(dir.join("context.json")).unwrap_or_else(|_| {
        r#"{"credentials":{"access_key_id":"AKIDEXAMPLE",
            "secret_access_key":"wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"},
            "region":"us-east-1","service":"service","timestamp":"2015-08-30T12:36:00Z"}"#
            .to_owned()
    });
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let s = |v: &serde_json::Value| v.as_str().unwrap().to_owned();
    // Every case is at 2015-08-30T12:36:00Z.
    assert_eq!(v["timestamp"], "2015-08-30T12:36:00Z");
    Context {
        access_key_id: s(&v["credentials"]["access_key_id"]),
        secret: s(&v["credentials"]["secret_access_key"]),
        token: v["credentials"]["token"].as_str().map(str::to_owned),
        region: s(&v["region"]),
        service: s(&v["service"]),
        time: UNIX_EPOCH + Duration::from_secs(1_440_938_160),
        sign_body: v["sign_body"].as_bool().unwrap_or(false),
        omit_session_token: v["omit_session_token"].as_bool().unwrap_or(false),
    }
}

/// Percent-encodes what an `http::Uri` cannot hold (space, non-ASCII), as a client sends it.
fn wire_path(path: &str) -> String {
    let mut out = String::new();
    for b in path.bytes() {
        if b.is_ascii_graphic() {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Parses a request file: `METHOD PATH HTTP/1.1`, header lines `Name:value` (the value as
/// written, leading spaces included), continuation lines (obs-fold) and the body after an empty
/// line. Each obs-fold is replaced by one space, as RFC 9112, section 5.2 lets a recipient do,
/// since an `http::HeaderValue` cannot hold a line break.
fn parse_request(text: &str) -> Request<Vec<u8>> {
    let (head, body) = match text.split_once("\n\n") {
        Some((head, body)) => (head, body),
        None => (text.trim_end_matches('\n'), ""),
    };
    let mut lines = head.lines();
    let request_line = lines.next().unwrap();
    let mut parts = request_line.split(' ');
    let method = parts.next().unwrap();
    let http_version = request_line.rsplit(' ').next().unwrap();
    assert_eq!(http_version, "HTTP/1.1");
    let target = &request_line[method.len() + 1..request_line.len() - http_version.len() - 1];
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in lines {
        if line.starts_with([' ', '\t']) {
            let last = headers.last_mut().unwrap();
            last.1.push(' ');
            last.1.push_str(line);
        } else {
            let (name, value) = line.split_once(':').unwrap();
            headers.push((name.to_owned(), value.to_owned()));
        }
    }
    let host = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("host"))
        .map(|(_, v)| v.clone())
        .unwrap();
    let mut request = Request::builder()
        .method(method)
        .uri(format!("https://{host}{}", wire_path(target)))
        .body(body.as_bytes().to_vec())
        .unwrap();
    for (name, value) in headers {
        request.headers_mut().append(
            HeaderName::from_bytes(name.as_bytes()).unwrap(),
            HeaderValue::from_str(&value).unwrap(),
        );
    }
    request
}

fn read(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

/// Signs one case; `Ok` holds the canonical request, string to sign and signed request.
fn run(name: &str) -> Result<(String, String, Request<Vec<u8>>), SignError> {
    let dir = Path::new(SUITE).join(name);
    let cx = context(&dir);
    let mut request = parse_request(&read(&dir, "request.txt"));
    // `sign_body`: the CRT signer adds `x-amz-content-sha256` (the body's SHA-256) and signs
    // it. This signer signs every header the request carries, so the caller adds it first.
    if cx.sign_body {
        let digest = sha256_hex(request.body());
        request.headers_mut().insert(
            "x-amz-content-sha256",
            HeaderValue::from_str(&digest).unwrap(),
        );
    }
    // `omit_session_token`: signed without the token, which is added afterwards, unsigned.
    let signed_token = if cx.omit_session_token {
        None
    } else {
        cx.token.clone()
    };
    let credentials = Credentials::new(cx.access_key_id, cx.secret, signed_token);
    let mut signer = Signer::new(credentials, &cx.region);
    let (canonical, string_to_sign) = signer.sign_for_test(&cx.service, &mut request, cx.time)?;
    if cx.omit_session_token {
        let token = cx.token.unwrap();
        request.headers_mut().insert(
            "x-amz-security-token",
            HeaderValue::from_str(&token).unwrap(),
        );
    }
    Ok((canonical, string_to_sign, request))
}

fn check_signed(name: &str) {
    let dir = Path::new(SUITE).join(name);
    let (canonical, string_to_sign, request) =
        run(name).unwrap_or_else(|e| panic!("{name}: refused: {e}"));
    assert_eq!(
        canonical,
        read(&dir, "header-canonical-request.txt"),
        "{name}: canonical request"
    );
    assert_eq!(
        string_to_sign,
        read(&dir, "header-string-to-sign.txt"),
        "{name}: string to sign"
    );
    let signature = read(&dir, "header-signature.txt");
    let authorization = request.headers()["authorization"].to_str().unwrap();
    assert!(
        authorization.ends_with(&format!("Signature={}", signature.trim())),
        "{name}: signature: {authorization}"
    );
    // The signed request: the same method, URI and body, and the same headers (the CRT writes
    // the content hash header it adds, which the loader added before signing).
    let expected = parse_request(&read(&dir, "header-signed-request.txt"));
    assert_eq!(request.method(), expected.method(), "{name}");
    assert_eq!(request.uri(), expected.uri(), "{name}");
    assert_eq!(request.body(), expected.body(), "{name}");
    assert_eq!(
        sorted(request.headers()),
        sorted(expected.headers()),
        "{name}: headers"
    );
}

fn sorted(headers: &HeaderMap) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<_> = headers
        .iter()
        .map(|(n, v)| (n.as_str().to_owned(), v.as_bytes().to_vec()))
        .collect();
    v.sort();
    v
}

#[test]
fn every_case_of_the_suite_is_listed() {
    let mut on_disk: Vec<String> = std::fs::read_dir(SUITE)
        .unwrap()
        .filter_map(|e| {
            let e = e.unwrap();
            e.file_type()
                .unwrap()
                .is_dir()
                .then(|| e.file_name().into_string().unwrap())
        })
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = CASES.iter().map(|(n, _)| (*n).to_owned()).collect();
    listed.sort();
    assert_eq!(listed, on_disk);
    assert_eq!(CASES.len(), 40);
}

#[test]
fn the_fifteen_required_cases_are_signed() {
    for (name, outcome) in &CASES[..15] {
        let request = read(&Path::new(SUITE).join(name), "request.txt");
        assert!(
            request.starts_with("GET / ") || request.starts_with("POST / "),
            "{name}"
        );
        assert_eq!(*outcome, Signed, "{name}");
    }
}

#[test]
fn every_case_is_signed_as_the_suite_says_or_refused() {
    for (name, outcome) in CASES {
        match outcome {
            Signed => check_signed(name),
            Refused(error) => {
                let dir = Path::new(SUITE).join(name);
                let mut request = parse_request(&read(&dir, "request.txt"));
                let before = request.headers().clone();
                let cx = context(&dir);
                let mut signer = Signer::new(
                    Credentials::new(cx.access_key_id, cx.secret, cx.token),
                    &cx.region,
                );
                let got = signer.sign_for_test(&cx.service, &mut request, cx.time);
                assert_eq!(got.as_ref().err(), Some(error), "{name}");
                assert_eq!(
                    request.headers(),
                    &before,
                    "{name}: a refused request is unchanged"
                );
            }
        }
    }
}
