//! Fuzzes `parse_put_record_response` with arbitrary statuses, headers and
//! bodies, checking the parser's promises on every input.
//!
//! Input layout: two bytes of status (little-endian, taken modulo 900 and
//! added to 100, so every status from 100 to 999), one byte giving the
//! number of headers (modulo 6), then per header one byte choosing the
//! name and one byte giving the length of the value that follows; the rest
//! is the body.

#![no_main]

use http::{HeaderName, HeaderValue, Response, StatusCode};
use kinesis_proto::parse_put_record_response;
use libfuzzer_sys::fuzz_target;

/// Header names the parser reads, in assorted cases, and one it ignores.
const NAMES: &[&str] = &[
    "x-amzn-RequestId",
    "x-amz-request-id",
    "x-amzn-ErrorType",
    "content-type",
    "X-AMZN-REQUESTID",
    "x-custom",
];

fn response(data: &[u8]) -> Option<Response<&[u8]>> {
    let (status, mut rest) = data.split_first_chunk::<2>()?;
    let status = 100 + u16::from_le_bytes(*status) % 900;
    let mut response_headers = http::HeaderMap::new();
    let (&count, after) = rest.split_first()?;
    rest = after;
    for _ in 0..count % 6 {
        let [name, len, after @ ..] = rest else {
            return None;
        };
        let len = usize::from(*len).min(after.len());
        let (value, after) = after.split_at(len);
        rest = after;
        let name = NAMES[usize::from(*name) % NAMES.len()];
        if let Ok(value) = HeaderValue::from_bytes(value) {
            response_headers.append(HeaderName::from_bytes(name.as_bytes()).ok()?, value);
        }
    }
    let mut response = Response::new(rest);
    *response.status_mut() = StatusCode::from_u16(status).ok()?;
    *response.headers_mut() = response_headers;
    Some(response)
}

fn one_line(text: &str) -> bool {
    !text
        .chars()
        .any(|c| c.is_control() || c == '\u{2028}' || c == '\u{2029}')
}

fuzz_target!(|data: &[u8]| {
    let Some(response) = response(data) else {
        return;
    };
    let status = response.status();
    match parse_put_record_response(&response) {
        Ok(out) => {
            assert!(status.is_success(), "success on {status}");
            assert!(!out.shard_id().is_empty());
            assert!(!out.sequence_number().is_empty());
            assert!(out.sequence_number().bytes().all(|b| b.is_ascii_digit()));
        }
        Err(err) => {
            let text = err.to_string();
            assert!(one_line(&text), "Display spans lines: {text:?}");
            assert_eq!(err.status(), status);
            if status.is_success() {
                let malformed = err.malformed().expect("a 2xx error is malformed");
                assert!(malformed.body_excerpt().len() <= 256);
                assert!(err.service_error().is_none());
                assert!(!err.is_retryable());
            } else {
                assert!(err.malformed().is_none(), "non-2xx malformed: {text}");
                let service = err.service_error().expect("a non-2xx is a service error");
                assert_eq!(service.status(), status);
                if let Some(excerpt) = service.body_excerpt() {
                    assert!(excerpt.len() <= 256);
                }
                if let Some(code) = err.code() {
                    assert!(!code.is_empty());
                    assert!(!code.contains(':'));
                }
            }
        }
    }
});
