//! `PutRecords` batch building beside its floor: a bare base64 encode of the same bytes into one
//! pre-sized buffer. Read the ratio `crate / floor` within one group of one run.
//!
//! Run: `cargo bench --bench put_records`.

use std::hint::black_box;

use base64::Engine as _;
use base64::engine::general_purpose::PAD;
use base64::engine::simd::Simd;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use kinesis_proto::{Endpoint, PutRecordsEntry, PutRecordsInput};

const ENTRIES: usize = 500;
const RECORD: usize = 1024;

/// 500 records of 1 KiB, one buffer: record `i` is `data[i * 1024..(i + 1) * 1024]`.
fn data() -> Vec<u8> {
    (0..ENTRIES * RECORD).map(|i| (i % 251) as u8).collect()
}

fn keys() -> Vec<String> {
    (0..ENTRIES)
        .map(|i| format!("partition-key-{i:04}"))
        .collect()
}

fn build<'a>(data: &'a [u8], keys: &'a [String], endpoint: &Endpoint) -> http::Request<Vec<u8>> {
    PutRecordsInput::builder()
        .stream_name("orders")
        .entries(
            data.chunks(RECORD)
                .zip(keys)
                .map(|(d, k)| PutRecordsEntry::new(d, k.as_str())),
        )
        .build()
        .expect("a valid batch")
        .to_http_request(endpoint)
}

/// Validate + build a 500-entry batch of 1 KiB records, and the reused-buffer path, beside the
/// bare base64 encode of the same 500 KiB by `base64-simd` (the encoder the crate uses, the
/// fastest here) and by the `base64` crate's SIMD engine, each in one call and per record.
fn batch_500x1kib(c: &mut Criterion) {
    let endpoint = Endpoint::regional("us-east-1").expect("valid region");
    let data = data();
    let keys = keys();
    let expected_body_len = build(&data, &keys, &endpoint).body().len();
    let simd = Simd::standard(PAD);
    let encoded_len = data.len().div_ceil(3) * 4;

    let mut group = c.benchmark_group("put_records_500x1KiB");
    group.throughput(Throughput::Bytes(data.len() as u64));
    group.bench_function("crate_validate_and_build", |b| {
        b.iter(|| {
            let request = build(black_box(&data), black_box(&keys), &endpoint);
            assert_eq!(request.body().len(), expected_body_len);
            request
        })
    });
    let input = PutRecordsInput::builder()
        .stream_name("orders")
        .entries(
            data.chunks(RECORD)
                .zip(&keys)
                .map(|(d, k)| PutRecordsEntry::new(d, k.as_str())),
        )
        .build()
        .expect("a valid batch");
    group.bench_function("crate_build_validated", |b| {
        b.iter(|| {
            let request = black_box(&input).to_http_request(&endpoint);
            assert_eq!(request.body().len(), expected_body_len);
            request
        })
    });
    let mut buf = Vec::with_capacity(expected_body_len);
    group.bench_function("crate_write_body_reused", |b| {
        b.iter(|| {
            black_box(&input).write_body(&mut buf);
            assert_eq!(buf.len(), expected_body_len);
        })
    });
    let mut out = vec![0u8; encoded_len];
    group.bench_function("floor_base64simd", |b| {
        b.iter(|| {
            let n = base64_simd::STANDARD
                .encode(black_box(&data), base64_simd::Out::from_slice(&mut out))
                .len();
            assert_eq!(n, encoded_len);
        })
    });
    group.bench_function("floor_base64_engine_simd", |b| {
        b.iter(|| {
            let n = simd
                .encode_slice(black_box(&data), &mut out)
                .expect("sized");
            assert_eq!(n, encoded_len);
        })
    });
    // The same encodes cut per record, each into its own slice of one buffer: the least any
    // body framing 500 separate `Data` strings can do.
    let record_out = RECORD.div_ceil(3) * 4;
    let mut out_per_record = vec![0u8; ENTRIES * record_out];
    group.bench_function("floor_base64simd_per_record", |b| {
        b.iter(|| {
            for (record, out) in black_box(&data)
                .chunks(RECORD)
                .zip(out_per_record.chunks_mut(record_out))
            {
                let n = base64_simd::STANDARD
                    .encode(record, base64_simd::Out::from_slice(out))
                    .len();
                assert_eq!(n, record_out);
            }
        })
    });
    group.bench_function("floor_base64_engine_simd_per_record", |b| {
        b.iter(|| {
            for (record, out) in black_box(&data)
                .chunks(RECORD)
                .zip(out_per_record.chunks_mut(record_out))
            {
                let n = simd.encode_slice(record, out).expect("sized");
                assert_eq!(n, record_out);
            }
        })
    });
    group.finish();
}

criterion_group!(benches, batch_500x1kib);
criterion_main!(benches);
