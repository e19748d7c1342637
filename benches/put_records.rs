//! `PutRecords` batch building beside its floors: bare base64 encodes of the same bytes, in one
//! call, per record, and per record straight into each record's final place in a body-sized
//! buffer. Read the ratio `crate / floor` within one group of one run.
//!
//! Run: `cargo bench --bench put_records`.

mod batch;

use std::hint::black_box;

use base64::Engine as _;
use base64::engine::general_purpose::PAD;
use base64::engine::simd::Simd;
use batch::{ENTRIES, RECORD, RECORD_OUT, build, data, keys, validate};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use kinesis_proto::Endpoint;

/// Validate + build a 500-entry batch of 1 KiB records, and the reused-buffer path, beside the
/// bare base64 encode of the same 500 KiB by `base64-simd` (the encoder the crate uses, the
/// fastest here) and by the `base64` crate's SIMD engine, each in one call and per record, and
/// by `base64-simd` per record into the places the body holds the strings.
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
    let input = validate(&data, &keys);
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
    // The same encodes cut per record, each into its own slice of one buffer, every slice
    // starting 8-byte aligned (1,368 bytes apart from a 16-byte aligned start).
    let mut out_per_record = vec![0u8; ENTRIES * RECORD_OUT];
    group.bench_function("floor_base64simd_per_record", |b| {
        b.iter(|| batch::encode_per_record(black_box(&data), &mut out_per_record))
    });
    // The same encodes, each straight into its final place: into a buffer of the body's length,
    // each record's base64 at the offset its `Data` string has in the body (found from the JSON
    // layout, checked against a built body); nothing is written between them. This is the
    // floor of building the body: a writer cannot put the strings anywhere else, and a `Vec`
    // from the global allocator starts 16-byte aligned, so their alignment is the body's. Here
    // every string starts 5 bytes past an 8-byte boundary (21 bytes in, then 1,416 apart);
    // `base64-simd` writes such strings measurably slower than the per-record floor's.
    let offsets = batch::body_offsets(&data, &keys, build(&data, &keys, &endpoint).body());
    let mut out_in_place = vec![0u8; expected_body_len];
    group.bench_function("floor_base64simd_in_place", |b| {
        b.iter(|| batch::encode_in_place(black_box(&data), &offsets, &mut out_in_place))
    });
    group.bench_function("floor_base64_engine_simd_per_record", |b| {
        b.iter(|| {
            for (record, out) in black_box(&data)
                .chunks(RECORD)
                .zip(out_per_record.chunks_mut(RECORD_OUT))
            {
                let n = simd.encode_slice(record, out).expect("sized");
                assert_eq!(n, RECORD_OUT);
            }
        })
    });
    group.finish();
}

criterion_group!(benches, batch_500x1kib);
criterion_main!(benches);
