//! SigV4 signing beside its floor and `aws-sigv4`: a 100 B PutRecord, a 1 MiB one and a
//! 500-entry PutRecords (100 B records), each signed by the crate's `Signer` (`crate`), by
//! `aws-sigv4` (`aws_sigv4`), and the floor: what any SigV4 signer must compute, SHA-256 of the
//! body and of the canonical request and one HMAC-SHA256 of the string to sign with the day's
//! key (`floor_sha256_body_canonical_hmac`); `floor_sha256_body` is the body's hash alone.
//! Bounds kept (`ratios.py`): at 100 B `crate` within 2x the floor and 5x faster than
//! `aws_sigv4`; at 1 MiB within 1.10x `floor_sha256_body`.
//!
//! Each iteration signs the same request again, in place (data in cache, as for the floor):
//! the crate's signer replaces its earlier headers itself; for `aws-sigv4` the loop removes
//! them first.
//!
//! Run: `cargo bench --bench sign`, then `python3 benches/ratios.py`.

use std::hint::black_box;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use hmac::{Hmac, KeyInit, Mac};
use http::Request;
use kinesis_proto::{
    Credentials, Endpoint, MAX_MAX_RECORD_SIZE, PutRecordInput, PutRecordsEntry, PutRecordsInput,
    SIGNING_NAME, Signer,
};
use sha2::{Digest, Sha256};

const ACCESS_KEY_ID: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const REGION: &str = "us-east-1";
const KEY: &str = "partition-key-16";

fn time() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_709_632_800) // 2024-03-05T10:00:00Z
}

fn data(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8).collect()
}

fn put_record(len: usize) -> Request<Vec<u8>> {
    PutRecordInput::builder()
        .stream_name("orders")
        .partition_key(KEY)
        .data(data(len))
        .max_record_size(MAX_MAX_RECORD_SIZE)
        .build()
        .expect("a valid record")
        .to_http_request(&Endpoint::regional(REGION).expect("valid region"))
}

fn put_records(n: usize) -> Request<Vec<u8>> {
    let data = data(100);
    PutRecordsInput::builder()
        .stream_name("orders")
        .entries((0..n).map(|_| PutRecordsEntry::new(data.as_slice(), KEY)))
        .build()
        .expect("a valid batch")
        .to_http_request(&Endpoint::regional(REGION).expect("valid region"))
}

fn hmac(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("any key length");
    mac.update(message);
    mac.finalize().into_bytes().into()
}

fn signing_key(date: &str) -> [u8; 32] {
    let k = hmac(format!("AWS4{SECRET}").as_bytes(), date.as_bytes());
    let k = hmac(&k, REGION.as_bytes());
    let k = hmac(&k, SIGNING_NAME.as_bytes());
    hmac(&k, b"aws4_request")
}

fn signing(c: &mut Criterion) {
    let mut group = c.benchmark_group("sign");
    // aws-sigv4 as the SDK uses it: the identity built once, the signing parameters per call.
    let identity =
        aws_credential_types::Credentials::new(ACCESS_KEY_ID, SECRET, None, None, "bench").into();
    let sign_with_aws_sigv4 = |request: &mut Request<Vec<u8>>| {
        let params = v4::SigningParams::builder()
            .identity(&identity)
            .region(REGION)
            .name(SIGNING_NAME)
            .time(time())
            .settings(SigningSettings::default())
            .build()
            .expect("complete signing params")
            .into();
        let uri = request.uri().to_string();
        let headers: Vec<(&str, &str)> = request
            .headers()
            .iter()
            .map(|(n, v)| (n.as_str(), v.to_str().expect("ASCII")))
            .collect();
        let signable = SignableRequest::new(
            request.method().as_str(),
            uri,
            headers.into_iter(),
            SignableBody::Bytes(request.body()),
        )
        .expect("signable");
        let (instructions, _) = sign(signable, &params).expect("signs").into_parts();
        instructions.apply_to_request_http1x(request);
    };
    for (label, unsigned) in [
        ("100B", put_record(100)),
        ("1MiB", put_record(1024 * 1024 - KEY.len())),
        ("put_records_500x100B", put_records(500)),
    ] {
        group.throughput(Throughput::Bytes(unsigned.body().len() as u64));
        if unsigned.body().len() > 1 << 20 {
            group.sample_size(20);
        }

        let mut signer = Signer::new(Credentials::new(ACCESS_KEY_ID, SECRET, None), REGION);
        // The canonical request and string to sign of this request, for the floor.
        let (canonical, string_to_sign) = signer
            .sign_for_test(SIGNING_NAME, &mut unsigned.clone(), time())
            .expect("signs");
        let mut check = unsigned.clone();
        sign_with_aws_sigv4(&mut check);
        let expected = check.headers()["authorization"].clone();

        let mut request = unsigned.clone();
        group.bench_function(BenchmarkId::new("crate", label), |b| {
            b.iter(|| {
                // Signing again replaces the earlier signing headers.
                signer.sign(black_box(&mut request), time()).expect("signs");
                assert_eq!(request.headers()["authorization"], expected);
            })
        });
        let mut request = unsigned.clone();
        group.bench_function(BenchmarkId::new("aws_sigv4", label), |b| {
            b.iter(|| {
                // aws-sigv4 would sign an earlier `x-amz-date` as a header of the request.
                let headers = request.headers_mut();
                headers.remove("authorization");
                headers.remove("x-amz-date");
                sign_with_aws_sigv4(black_box(&mut request));
                assert_eq!(request.headers()["authorization"], expected);
            })
        });
        let key = signing_key("20240305");
        let signature = expected
            .to_str()
            .expect("ASCII")
            .rsplit('=')
            .next()
            .map(hex_decode)
            .expect("a signature");
        group.bench_with_input(
            BenchmarkId::new("floor_sha256_body_canonical_hmac", label),
            &unsigned,
            |b, unsigned| {
                b.iter(|| {
                    let body = Sha256::digest(black_box(unsigned.body()));
                    let canonical = Sha256::digest(black_box(canonical.as_bytes()));
                    let mac = hmac(black_box(&key), black_box(string_to_sign.as_bytes()));
                    assert_eq!(mac, signature);
                    (body, canonical)
                })
            },
        );
        group.bench_with_input(
            BenchmarkId::new("floor_sha256_body", label),
            &unsigned,
            |b, unsigned| {
                b.iter(|| {
                    let body = Sha256::digest(black_box(unsigned.body()));
                    assert_ne!(body[..], [0u8; 32]);
                    body
                })
            },
        );
    }
    group.finish();
}

fn hex_decode(hex: &str) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).expect("hex");
    }
    out
}

criterion_group!(benches, signing);
criterion_main!(benches);
