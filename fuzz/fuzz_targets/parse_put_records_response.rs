//! Fuzzes `parse_put_records_response` with arbitrary statuses and bodies and a batch of a
//! random size, checking the parser's promises on every input.
//!
//! Input layout: two bytes of status (little-endian, taken modulo 900 and added to 100, so
//! every status from 100 to 999), two bytes giving the batch size (little-endian, modulo 500,
//! plus 1); the rest is the body.

#![no_main]

use http::{Response, StatusCode};
use kinesis_proto::{PutRecordsEntry, PutRecordsInput, parse_put_records_response};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((status, rest)) = data.split_first_chunk::<2>() else {
        return;
    };
    let Some((size, body)) = rest.split_first_chunk::<2>() else {
        return;
    };
    let status = 100 + u16::from_le_bytes(*status) % 900;
    let entries = 1 + usize::from(u16::from_le_bytes(*size)) % 500;
    let Ok(status) = StatusCode::from_u16(status) else {
        return;
    };
    let batch = PutRecordsInput::builder()
        .stream_name("fuzz")
        .entries((0..entries).map(|_| PutRecordsEntry::new(&b"x"[..], "k")))
        .build()
        .expect("a valid batch");
    let mut response = Response::new(body);
    *response.status_mut() = status;

    match parse_put_records_response(&batch, &response) {
        Ok(output) => {
            assert!(status.is_success(), "only a 2xx answer is a success");
            assert_eq!(output.entries().len(), entries, "one result per entry");
            let failed = output.entries().iter().filter(|r| !r.is_success()).count();
            assert_eq!(output.failed_record_count(), failed);
            for r in output.entries() {
                assert_eq!(r.is_success(), r.shard_id().is_some());
                assert_eq!(r.is_success(), r.sequence_number().is_some());
                assert_eq!(r.is_success(), r.error_code().is_none());
            }
            let retried = batch.retry_failed(&output).map_or(0, |r| r.len());
            assert!(retried <= failed);
        }
        Err(err) => {
            if status.is_success() {
                assert!(err.malformed().is_some(), "a 2xx answer is Ok or Malformed");
            } else {
                assert!(
                    err.service_error().is_some(),
                    "a non-2xx answer is a service error"
                );
            }
            let _ = err.to_string();
        }
    }
});
