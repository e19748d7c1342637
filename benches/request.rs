//! Request building beside its floor: a bare base64 encode of the same data into a pre-sized
//! buffer, by the `base64-simd` crate the library encodes with (`floor_base64simd`, the fastest
//! here) and by the `base64` crate's engines (`floor_base64_engine_*`). Read the ratio
//! `crate / floor` within one group of one run.

use std::hint::black_box;

use base64::Engine as _;
use base64::engine::general_purpose::{PAD, STANDARD};
use base64::engine::simd::Simd;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use kinesis_proto::{Endpoint, MAX_MAX_RECORD_SIZE, PutRecordInput};

const KEY: &str = "partition-key-16";

fn data(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8).collect()
}

fn build(data: &[u8]) -> http::Request<Vec<u8>> {
    let endpoint = Endpoint::regional("us-east-1").expect("valid region");
    PutRecordInput::builder()
        .stream_name("orders")
        .partition_key(KEY)
        .data(data)
        .max_record_size(MAX_MAX_RECORD_SIZE)
        .build()
        .expect("a valid record")
        .to_http_request(&endpoint)
}

/// Validate + build for several record sizes, beside the bare base64 encode of the same data.
fn validate_and_build(c: &mut Criterion) {
    let endpoint = Endpoint::regional("us-east-1").expect("valid region");
    let simd = Simd::standard(PAD);
    let mut group = c.benchmark_group("validate_and_build");
    for (label, len) in [
        ("100B", 100),
        ("10KiB", 10 * 1024),
        ("1MiB", 1024 * 1024 - KEY.len()),
        ("10MiB", 10 * 1024 * 1024 - KEY.len()),
    ] {
        let data = data(len);
        let encoded_len = len.div_ceil(3) * 4;
        let expected_body_len = build(&data).body().len();
        group.throughput(Throughput::Bytes(len as u64));
        if len >= 1024 * 1024 {
            group.sample_size(20);
        }
        group.bench_with_input(BenchmarkId::new("crate", label), &data, |b, data| {
            b.iter(|| {
                let request = PutRecordInput::builder()
                    .stream_name("orders")
                    .partition_key(KEY)
                    .data(black_box(data.as_slice()))
                    .max_record_size(MAX_MAX_RECORD_SIZE)
                    .build()
                    .expect("a valid record")
                    .to_http_request(&endpoint);
                assert_eq!(request.body().len(), expected_body_len);
                request
            })
        });
        let mut out = vec![0u8; encoded_len];
        group.bench_with_input(
            BenchmarkId::new("floor_base64_engine_scalar", label),
            &data,
            |b, data| {
                b.iter(|| {
                    let n = STANDARD
                        .encode_slice(black_box(data), &mut out)
                        .expect("sized");
                    assert_eq!(n, encoded_len);
                })
            },
        );
        group.bench_with_input(
            BenchmarkId::new("floor_base64simd", label),
            &data,
            |b, data| {
                b.iter(|| {
                    let n = base64_simd::STANDARD
                        .encode(black_box(data), base64_simd::Out::from_slice(&mut out))
                        .len();
                    assert_eq!(n, encoded_len);
                })
            },
        );
        group.bench_with_input(
            BenchmarkId::new("floor_base64_engine_simd", label),
            &data,
            |b, data| {
                b.iter(|| {
                    let n = simd.encode_slice(black_box(data), &mut out).expect("sized");
                    assert_eq!(n, encoded_len);
                })
            },
        );
    }
    group.finish();
}

/// The allocation-free path (a reused body buffer) for a 100-byte record, beside the bare base64
/// encode of its data.
fn reused_buffer(c: &mut Criterion) {
    let data = data(100);
    let input = PutRecordInput::builder()
        .stream_name("orders")
        .partition_key(KEY)
        .data(data.as_slice())
        .build()
        .expect("a valid record");
    let expected = input.body_len();
    let simd = Simd::standard(PAD);
    let mut group = c.benchmark_group("write_body_100B");
    group.throughput(Throughput::Bytes(100));
    let mut buf = Vec::with_capacity(expected);
    group.bench_function("crate_write_body", |b| {
        b.iter(|| {
            black_box(&input).write_body(&mut buf);
            assert_eq!(buf.len(), expected);
        })
    });
    let mut out = vec![0u8; 136];
    group.bench_function("floor_base64_engine_scalar", |b| {
        b.iter(|| {
            let n = STANDARD
                .encode_slice(black_box(&data), &mut out)
                .expect("sized");
            assert_eq!(n, 136);
        })
    });
    group.bench_function("floor_base64simd", |b| {
        b.iter(|| {
            let n = base64_simd::STANDARD
                .encode(black_box(&data), base64_simd::Out::from_slice(&mut out))
                .len();
            assert_eq!(n, 136);
        })
    });
    group.bench_function("floor_base64_engine_simd", |b| {
        b.iter(|| {
            let n = simd
                .encode_slice(black_box(&data), &mut out)
                .expect("sized");
            assert_eq!(n, 136);
        })
    });
    group.finish();
}

criterion_group!(benches, validate_and_build, reused_buffer);
criterion_main!(benches);
