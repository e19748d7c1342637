//! `PutRecords` batch building beside its floors: bare `base64-simd` encodes of the same bytes,
//! in one call and per record. Read the ratio `crate / floor` within one group of one run; the
//! bound kept is `crate_validate_and_build` within 1.35x `floor_base64simd_per_record`.
//!
//! Run: `cargo bench --bench put_records`, then `python3 benches/ratios.py`.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use kinesis_proto::{Endpoint, PutRecordsEntry, PutRecordsInput};

/// Entries in the batch.
const ENTRIES: usize = 500;
/// Bytes of data per record.
const RECORD: usize = 1024;
/// Base64 characters per record.
const RECORD_OUT: usize = RECORD.div_ceil(3) * 4;

/// Validates the batch: stream `orders`, 500 records of 1 KiB borrowed from one buffer, each
/// with its own borrowed 18-byte partition key.
fn validate<'a>(data: &'a [u8], keys: &'a [String]) -> PutRecordsInput<'a> {
    PutRecordsInput::builder()
        .stream_name("orders")
        .entries(
            data.chunks(RECORD)
                .zip(keys)
                .map(|(d, k)| PutRecordsEntry::new(d, k.as_str())),
        )
        .build()
        .expect("a valid batch")
}

/// Validate + build a 500-entry batch of 1 KiB records, build of the validated batch and the
/// reused-buffer path, beside the bare base64 encode of the same 500 KiB by `base64-simd` (the
/// encoder the crate uses) in one call and per record.
fn batch_500x1kib(c: &mut Criterion) {
    let endpoint = Endpoint::regional("us-east-1").expect("valid region");
    let data: Vec<u8> = (0..ENTRIES * RECORD).map(|i| (i % 251) as u8).collect();
    let keys: Vec<String> = (0..ENTRIES)
        .map(|i| format!("partition-key-{i:04}"))
        .collect();
    let input = validate(&data, &keys);
    let body_len = input.body_len();
    assert_eq!(input.to_http_request(&endpoint).body().len(), body_len);

    let mut group = c.benchmark_group("put_records_500x1KiB");
    group.throughput(Throughput::Bytes(data.len() as u64));
    group.bench_function("crate_validate_and_build", |b| {
        b.iter(|| {
            let request = validate(black_box(&data), black_box(&keys)).to_http_request(&endpoint);
            assert_eq!(request.body().len(), body_len);
            request
        })
    });
    group.bench_function("crate_build_validated", |b| {
        b.iter(|| {
            let request = black_box(&input).to_http_request(&endpoint);
            assert_eq!(request.body().len(), body_len);
            request
        })
    });
    let mut buf = Vec::with_capacity(body_len);
    group.bench_function("crate_write_body_reused", |b| {
        b.iter(|| {
            black_box(&input).write_body(&mut buf);
            assert_eq!(buf.len(), body_len);
        })
    });
    let mut out = vec![0u8; ENTRIES * RECORD_OUT];
    let encoded_len = data.len().div_ceil(3) * 4;
    group.bench_function("floor_base64simd", |b| {
        b.iter(|| {
            let n = base64_simd::STANDARD
                .encode(black_box(&data), base64_simd::Out::from_slice(&mut out))
                .len();
            assert_eq!(n, encoded_len);
        })
    });
    // Each record encoded into its own slot of one buffer, slots `RECORD_OUT` bytes apart.
    group.bench_function("floor_base64simd_per_record", |b| {
        b.iter(|| {
            for (record, slot) in black_box(&data)
                .chunks(RECORD)
                .zip(out.chunks_mut(RECORD_OUT))
            {
                let n = base64_simd::STANDARD
                    .encode(record, base64_simd::Out::from_slice(slot))
                    .len();
                assert_eq!(n, RECORD_OUT);
            }
        })
    });
    group.finish();
}

criterion_group!(benches, batch_500x1kib);
criterion_main!(benches);
