//! Per-record CPU: kinesis-proto (+ aws-sigv4) beside aws-sdk-kinesis, one group per record
//! size so every ratio is read from one run. See README.md for what each name measures.
//!
//! Every benchmark checks its result inside the loop, so none can quietly time an error path.

use std::hint::black_box;

use criterion::{BatchSize, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use sdk_compare::{
    Canned, PARTITION_KEY, Proto, Retries, SHARD_ID, SIZES, canned_response, data, runtime,
    sdk_client, sdk_is_throttled, sdk_put_record,
};

fn success(c: &mut Criterion) {
    let proto = Proto::new();
    let response = canned_response(Canned::Success);
    let rt = runtime();
    let sdk = sdk_client(Canned::Success, Retries::Default);
    let sdk_no_retry = sdk_client(Canned::Success, Retries::Disabled);

    for (label, len) in SIZES {
        let data = data(len);
        let mut group = c.benchmark_group(format!("put_record_{label}"));
        group.throughput(Throughput::Bytes((len + PARTITION_KEY.len()) as u64));
        if len >= 1024 * 1024 / 2 {
            group.sample_size(20);
        }

        // (a) validate + build + sign + parse.
        group.bench_with_input(BenchmarkId::new("proto_signed", label), &data, |b, data| {
            b.iter(|| {
                let out = proto
                    .put_record(black_box(data.as_slice()), black_box(&response))
                    .expect("success");
                assert_eq!(out.shard_id(), SHARD_ID);
                out
            })
        });
        // (a') the crate's own share: validate + build + parse.
        group.bench_with_input(
            BenchmarkId::new("proto_unsigned", label),
            &data,
            |b, data| {
                b.iter(|| {
                    let out = proto
                        .put_record_unsigned(black_box(data.as_slice()), black_box(&response))
                        .expect("success");
                    assert_eq!(out.shard_id(), SHARD_ID);
                    out
                })
            },
        );
        // aws-sigv4 alone, on the crate's request (a fresh clone each time, made untimed).
        let unsigned = proto.build(&data);
        group.bench_with_input(
            BenchmarkId::new("sigv4_sign_only", label),
            &unsigned,
            |b, unsigned| {
                b.iter_batched(
                    || unsigned.clone(),
                    |mut request| {
                        proto.sign(&mut request);
                        assert!(request.headers().contains_key(http::header::AUTHORIZATION));
                        request
                    },
                    BatchSize::LargeInput,
                )
            },
        );
        // (b) the SDK, default retry config. The record's owned copy is made untimed.
        group.bench_with_input(BenchmarkId::new("sdk", label), &data, |b, data| {
            let client = &sdk;
            b.to_async(&rt).iter_batched(
                || data.clone(),
                |owned| async move {
                    let out = sdk_put_record(client, owned).await.expect("success");
                    assert_eq!(out.shard_id(), SHARD_ID);
                    out
                },
                BatchSize::LargeInput,
            )
        });
        // (b) the SDK with retries disabled, to show what the retry machinery costs.
        group.bench_with_input(
            BenchmarkId::new("sdk_retries_disabled", label),
            &data,
            |b, data| {
                let client = &sdk_no_retry;
                b.to_async(&rt).iter_batched(
                    || data.clone(),
                    |owned| async move {
                        let out = sdk_put_record(client, owned).await.expect("success");
                        assert_eq!(out.shard_id(), SHARD_ID);
                        out
                    },
                    BatchSize::LargeInput,
                )
            },
        );
        group.finish();
    }
}

fn throttled(c: &mut Criterion) {
    let proto = Proto::new();
    let response = canned_response(Canned::Throttled);
    let rt = runtime();
    let sdk = sdk_client(Canned::Throttled, Retries::Disabled);
    let (label, len) = SIZES[0];
    let data = data(len);

    let mut group = c.benchmark_group(format!("put_record_throttled_{label}"));
    group.throughput(Throughput::Bytes((len + PARTITION_KEY.len()) as u64));
    // (c) kinesis-proto: validate + build + sign + parse into a throttling PutRecordError.
    group.bench_with_input(BenchmarkId::new("proto_signed", label), &data, |b, data| {
        b.iter(|| {
            let err = proto
                .put_record(black_box(data.as_slice()), black_box(&response))
                .expect_err("throttled");
            assert!(err.is_throttling());
            err
        })
    });
    // (c) the SDK, retries disabled (one attempt, no back-off sleep).
    group.bench_with_input(
        BenchmarkId::new("sdk_retries_disabled", label),
        &data,
        |b, data| {
            let client = &sdk;
            b.to_async(&rt).iter_batched(
                || data.clone(),
                |owned| async move {
                    let err = sdk_put_record(client, owned).await.expect_err("throttled");
                    assert!(sdk_is_throttled(&err));
                    err
                },
                BatchSize::LargeInput,
            )
        },
    );
    group.finish();
}

/// What the replay function itself costs per call (building one canned response), charged to
/// the SDK's time but not to kinesis-proto's, which parses a response built once.
fn harness(c: &mut Criterion) {
    let mut group = c.benchmark_group("harness");
    group.bench_function("canned_response_build", |b| {
        b.iter(|| {
            let response = canned_response(black_box(Canned::Success));
            assert_eq!(response.status(), http::StatusCode::OK);
            response
        })
    });
    group.finish();
}

criterion_group!(benches, success, throttled, harness);
criterion_main!(benches);
