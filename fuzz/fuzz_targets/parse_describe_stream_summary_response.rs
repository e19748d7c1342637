//! Fuzzes `parse_describe_stream_summary_response` with arbitrary statuses and bodies: never a
//! panic; a 2xx is a summary whose values keep their rules (stream name and ARN on their
//! patterns, a record size limit within 1 to 10 MiB) or a malformed response; anything else a
//! service error; no error's `Display` spans two lines.
//!
//! Input layout: one byte choosing the status (mostly 200), the rest the body.

#![no_main]

use http::{Response, StatusCode};
use kinesis_proto::{StreamArn, StreamName, parse_describe_stream_summary_response};
use libfuzzer_sys::fuzz_target;

const STATUSES: [u16; 8] = [200, 200, 200, 200, 400, 403, 500, 503];

fuzz_target!(|data: &[u8]| {
    let [status, body @ ..] = data else {
        return;
    };
    let status = StatusCode::from_u16(STATUSES[usize::from(*status) % STATUSES.len()])
        .expect("a valid status");
    let mut response = Response::new(body);
    *response.status_mut() = status;

    match parse_describe_stream_summary_response(&response) {
        Ok(summary) => {
            assert!(status.is_success());
            assert!(StreamName::new(summary.stream_name().as_str()).is_ok());
            assert!(StreamArn::new(summary.stream_arn().as_str()).is_ok());
            if let Some(size) = summary.max_record_size() {
                assert!((1 << 20..=10 << 20).contains(&size));
            }
            let _ = (summary.record_distribution(), summary.open_shard_count());
        }
        Err(err) => {
            assert_eq!(err.status(), status);
            if status.is_success() {
                assert!(err.malformed().is_some(), "a 2xx error is malformed");
            } else {
                assert!(
                    err.service_error().is_some(),
                    "a non-2xx is a service error"
                );
            }
            assert!(!err.to_string().contains('\n'));
        }
    }
});
