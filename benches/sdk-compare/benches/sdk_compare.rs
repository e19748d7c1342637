//! Per-record CPU: kinesis-proto (signed by its own signer, or by aws-sigv4) beside aws-sdk-kinesis, one group per record
//! size so every ratio is read from one run. See README.md for what each name measures.
//!
//! Every benchmark checks its result inside the loop, so none can quietly time an error path.
//!
//! The clock is the process's CPU time (user + system, all threads), so time the scheduler
//! gives other programs on a shared machine is not counted. `SDK_COMPARE_CLOCK=wall` switches
//! to criterion's wall clock.

use std::hint::black_box;
use std::time::Duration;

use cpu_time::ProcessTime;
use criterion::measurement::{Measurement, ValueFormatter, WallTime};
use criterion::{BatchSize, BenchmarkId, Criterion, Throughput};
use http::{HeaderName, HeaderValue};
use sdk_compare::{
    Canned, PARTITION_KEY, Proto, Retries, SHARD_ID, SIZES, canned_response, data, runtime,
    sdk_client, sdk_is_throttled, sdk_put_record,
};

fn success<M: Measurement>(c: &mut Criterion<M>) {
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

        // (a) validate + build + sign (the crate's signer) + parse.
        group.bench_with_input(BenchmarkId::new("proto_signed", label), &data, |b, data| {
            b.iter(|| {
                let out = proto
                    .put_record(black_box(data.as_slice()), black_box(&response))
                    .expect("success");
                assert_eq!(out.shard_id(), SHARD_ID);
                out
            })
        });
        // (a) signed with aws-sigv4 instead.
        group.bench_with_input(
            BenchmarkId::new("proto_signed_aws_sigv4", label),
            &data,
            |b, data| {
                b.iter(|| {
                    let out = proto
                        .put_record_aws_sigv4(black_box(data.as_slice()), black_box(&response))
                        .expect("success");
                    assert_eq!(out.shard_id(), SHARD_ID);
                    out
                })
            },
        );
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
                        proto.sign_aws_sigv4(&mut request);
                        assert!(request.headers().contains_key(http::header::AUTHORIZATION));
                        request
                    },
                    BatchSize::SmallInput,
                )
            },
        );
        // The crate's signer alone, likewise.
        group.bench_with_input(
            BenchmarkId::new("crate_sign_only", label),
            &unsigned,
            |b, unsigned| {
                b.iter_batched(
                    || unsigned.clone(),
                    |mut request| {
                        proto.sign(&mut request);
                        assert!(request.headers().contains_key(http::header::AUTHORIZATION));
                        request
                    },
                    BatchSize::SmallInput,
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
                BatchSize::SmallInput,
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
                    BatchSize::SmallInput,
                )
            },
        );
        group.finish();
    }
}

fn throttled<M: Measurement>(c: &mut Criterion<M>) {
    let proto = Proto::new();
    let response = canned_response(Canned::Throttled);
    let rt = runtime();
    let sdk = sdk_client(Canned::Throttled, Retries::Disabled);
    let (label, len) = SIZES[0];
    let data = data(len);

    let mut group = c.benchmark_group(format!("put_record_throttled_{label}"));
    group.throughput(Throughput::Bytes((len + PARTITION_KEY.len()) as u64));
    // (c) kinesis-proto: validate + build + sign (the crate's signer) + parse into a throttling
    // PutRecordError.
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
                BatchSize::SmallInput,
            )
        },
    );
    group.finish();
}

/// Yardsticks, not either pipeline:
/// * `canned_response_build`: what the replay function itself costs per call (building one
///   canned response), charged to the SDK's time but not to kinesis-proto's, which parses a
///   response built once;
/// * `http_request_floor_100B`: the least any code returning the same `http::Request<Vec<u8>>`
///   pays: the 100 B record's finished body copied into a fresh `Vec`, `POST`, the endpoint's
///   URI and the same four headers, no validation and no encoding. Read the crate's share
///   beside it.
fn harness<M: Measurement>(c: &mut Criterion<M>) {
    let proto = Proto::new();
    let finished = proto.build(&data(SIZES[0].1));
    let uri = finished.uri().clone();
    let host = finished.headers()[http::header::HOST].clone();
    let body = finished.body().clone();
    let mut group = c.benchmark_group("harness");
    group.bench_function("http_request_floor_100B", |b| {
        b.iter(|| {
            let body = black_box(body.as_slice()).to_vec();
            let len = body.len();
            let mut request = http::Request::new(body);
            *request.method_mut() = http::Method::POST;
            *request.uri_mut() = uri.clone();
            let headers = request.headers_mut();
            headers.reserve(4);
            headers.insert(
                http::header::CONTENT_TYPE,
                HeaderValue::from_static("application/x-amz-json-1.1"),
            );
            headers.insert(
                HeaderName::from_static("x-amz-target"),
                HeaderValue::from_static("Kinesis_20131202.PutRecord"),
            );
            headers.insert(http::header::CONTENT_LENGTH, HeaderValue::from(len));
            headers.insert(http::header::HOST, host.clone());
            assert_eq!(request.headers().len(), 4);
            request
        })
    });
    group.bench_function("canned_response_build", |b| {
        b.iter(|| {
            let response = canned_response(black_box(Canned::Success));
            assert_eq!(response.status(), http::StatusCode::OK);
            response
        })
    });
    group.finish();
}

/// CPU time used by the whole process: `clock_gettime(CLOCK_PROCESS_CPUTIME_ID)`.
struct ProcessCpuTime;

static WALL_TIME: WallTime = WallTime;

impl Measurement for ProcessCpuTime {
    type Intermediate = ProcessTime;
    type Value = Duration;

    fn start(&self) -> ProcessTime {
        ProcessTime::now()
    }
    fn end(&self, start: ProcessTime) -> Duration {
        start.elapsed()
    }
    fn add(&self, v1: &Duration, v2: &Duration) -> Duration {
        *v1 + *v2
    }
    fn zero(&self) -> Duration {
        Duration::ZERO
    }
    fn to_f64(&self, value: &Duration) -> f64 {
        value.as_nanos() as f64
    }
    fn formatter(&self) -> &dyn ValueFormatter {
        // Durations either way: reuse criterion's own formatting.
        WALL_TIME.formatter()
    }
}

/// 4,000 records of 100 B: the crate's producer (aggregation on, each request signed with the
/// crate's signer) beside the SDK's `put_records` of 500 at a time; per record.
fn batch<M: Measurement>(c: &mut Criterion<M>) {
    use sdk_compare::batch::{
        BATCH_RECORDS, ProducerBatch, batch, records, sdk_batch_client, sdk_put_payload_units,
        sdk_put_records,
    };
    let proto = Proto::new();
    let rt = runtime();
    let records_in = batch();
    let producer = ProducerBatch::learn(&records_in);
    let sdk = sdk_batch_client(Retries::Default);
    println!(
        "put_records_4000x100B: PUT payload units per batch: producer {} ({} requests), SDK {} ({} requests)",
        producer.put_payload_units,
        producer.requests,
        sdk_put_payload_units(&records_in),
        BATCH_RECORDS.div_ceil(sdk_compare::batch::SDK_BATCH),
    );
    let mut group = c.benchmark_group("put_records_4000x100B");
    group.throughput(Throughput::Elements(BATCH_RECORDS as u64));
    group.sample_size(20);
    for (name, signed) in [
        ("proto_producer_signed", true),
        ("proto_producer_unsigned", false),
    ] {
        group.bench_function(name, |b| {
            b.iter_batched(
                || records(&records_in),
                |records| assert_eq!(producer.run(&proto, records, signed), BATCH_RECORDS),
                BatchSize::LargeInput,
            )
        });
    }
    group.bench_function("sdk_put_records_500", |b| {
        b.to_async(&rt).iter_batched(
            || records_in.clone(),
            |batch| async {
                let stored = sdk_put_records(&sdk, batch).await.expect("success");
                assert_eq!(stored, BATCH_RECORDS);
            },
            BatchSize::LargeInput,
        )
    });
    group.finish();
}

fn run<M: Measurement>(mut c: Criterion<M>) {
    success(&mut c);
    batch(&mut c);
    throttled(&mut c);
    harness(&mut c);
    c.final_summary();
}

fn main() {
    if std::env::var("SDK_COMPARE_CLOCK").is_ok_and(|clock| clock == "wall") {
        run(Criterion::default().configure_from_args());
    } else {
        run(Criterion::default()
            .with_measurement(ProcessCpuTime)
            .configure_from_args());
    }
}
