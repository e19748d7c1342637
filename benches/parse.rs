//! How fast a PutRecord response is read, against two yardsticks: the
//! floor (serde_json borrowing two `&str` members, checking nothing) and a
//! parse into `serde_json::Value`.
//!
//! Every benchmark checks its result inside the loop, so none can quietly
//! time an error path.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use http::{Response, StatusCode};
use kinesis_proto::{PutRecordError, parse_put_record_response};
use serde::Deserialize;

const SUCCESS_BODY: &[u8] = br#"{"ShardId":"shardId-000000000001","SequenceNumber":"49543463076548007577105092703039560359975228518395019266","EncryptionType":"KMS"}"#;

const THROTTLED_BODY: &[u8] = br#"{"__type":"ProvisionedThroughputExceededException","message":"Rate exceeded for shard shardId-000000000001 in stream my-stream under account 123456789012."}"#;

fn response(status: StatusCode, body: &'static [u8]) -> Response<&'static [u8]> {
    Response::builder()
        .status(status)
        .header("x-amzn-RequestId", "c0a3f8e2-6b1d-4a5e-9f7c-3d2b1a0e9f8d")
        .header("content-type", "application/x-amz-json-1.1")
        .header("content-length", body.len())
        .header("date", "Tue, 05 Mar 2024 10:00:00 GMT")
        .body(body)
        .expect("a valid response")
}

/// The floor: what serde_json costs with no checks and no allocation.
#[derive(Deserialize)]
struct Floor<'a> {
    #[serde(rename = "ShardId")]
    shard_id: &'a str,
    #[serde(rename = "SequenceNumber")]
    sequence_number: &'a str,
}

fn parse(c: &mut Criterion) {
    let success = response(StatusCode::OK, SUCCESS_BODY);
    let throttled = response(StatusCode::BAD_REQUEST, THROTTLED_BODY);

    let mut group = c.benchmark_group("parse_put_record_response");
    group.bench_function("crate_success", |b| {
        b.iter(|| {
            let out = parse_put_record_response(black_box(&success)).expect("success");
            assert_eq!(out.shard_id().len(), 20);
            out
        })
    });
    group.bench_function("floor_serde_borrowed", |b| {
        b.iter(|| {
            let floor: Floor<'_> =
                serde_json::from_slice(black_box(SUCCESS_BODY)).expect("success");
            assert_eq!(floor.shard_id.len(), 20);
            assert_eq!(floor.sequence_number.len(), 56);
            floor.sequence_number
        })
    });
    group.bench_function("serde_json_value", |b| {
        b.iter(|| {
            let value: serde_json::Value =
                serde_json::from_slice(black_box(SUCCESS_BODY)).expect("success");
            assert_eq!(value["ShardId"].as_str().map(str::len), Some(20));
            value
        })
    });
    group.bench_function("crate_error_throttled", |b| {
        b.iter(|| {
            let err = parse_put_record_response(black_box(&throttled)).expect_err("an error");
            assert!(matches!(
                err,
                PutRecordError::ProvisionedThroughputExceededException(_)
            ));
            err
        })
    });
    group.bench_function("serde_json_value_error", |b| {
        b.iter(|| {
            let value: serde_json::Value =
                serde_json::from_slice(black_box(THROTTLED_BODY)).expect("valid JSON");
            assert_eq!(
                value["__type"].as_str(),
                Some("ProvisionedThroughputExceededException")
            );
            value
        })
    });
    group.finish();
}

criterion_group!(benches, parse);
criterion_main!(benches);
