//! The 500 x 1 KiB batch both `PutRecords` benches build, and its `base64-simd` floors.

use kinesis_proto::{Endpoint, PutRecordsEntry, PutRecordsInput};

/// Entries in the batch.
pub(crate) const ENTRIES: usize = 500;
/// Bytes of data per record.
pub(crate) const RECORD: usize = 1024;
/// Base64 characters per record.
pub(crate) const RECORD_OUT: usize = RECORD.div_ceil(3) * 4;

/// 500 records of 1 KiB, one buffer: record `i` is `data[i * 1024..(i + 1) * 1024]`.
pub(crate) fn data() -> Vec<u8> {
    (0..ENTRIES * RECORD).map(|i| (i % 251) as u8).collect()
}

/// One 18-byte partition key per record.
pub(crate) fn keys() -> Vec<String> {
    (0..ENTRIES)
        .map(|i| format!("partition-key-{i:04}"))
        .collect()
}

/// Validates the batch: stream `orders`, borrowed data and keys.
pub(crate) fn validate<'a>(data: &'a [u8], keys: &'a [String]) -> PutRecordsInput<'a> {
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

/// Validates the batch and builds its request.
pub(crate) fn build(data: &[u8], keys: &[String], endpoint: &Endpoint) -> http::Request<Vec<u8>> {
    validate(data, keys).to_http_request(endpoint)
}

/// Where each record's base64 starts in the body, from the JSON layout
/// `{"Records":[{"Data":"..","PartitionKey":".."},..],"StreamName":".."}`; checked against
/// `body`, a built one.
pub(crate) fn body_offsets(data: &[u8], keys: &[String], body: &[u8]) -> Vec<usize> {
    let mut at = b"{\"Records\":[{\"Data\":\"".len();
    let offsets: Vec<usize> = keys
        .iter()
        .map(|key| {
            let here = at;
            at += RECORD_OUT
                + b"\",\"PartitionKey\":\"".len()
                + key.len()
                + b"\"},{\"Data\":\"".len();
            here
        })
        .collect();
    for (&offset, record) in offsets.iter().zip(data.chunks(RECORD)) {
        let encoded = base64_simd::STANDARD.encode_to_string(record);
        assert_eq!(&body[offset..offset + RECORD_OUT], encoded.as_bytes());
        assert_eq!(&body[offset - b"\"Data\":\"".len()..offset], b"\"Data\":\"");
    }
    offsets
}

/// The per-record floor: each record encoded into its own slot of `out`, slots `RECORD_OUT`
/// bytes apart, so every one starts 8-byte aligned when `out` does.
pub(crate) fn encode_per_record(data: &[u8], out: &mut [u8]) {
    for (record, slot) in data.chunks(RECORD).zip(out.chunks_mut(RECORD_OUT)) {
        let n = base64_simd::STANDARD
            .encode(record, base64_simd::Out::from_slice(slot))
            .len();
        assert_eq!(n, RECORD_OUT);
    }
}

/// The in-place floor: each record encoded straight into its final place in `out`, a buffer of
/// the body's length, at the offsets of [`body_offsets`]; nothing is written between them.
pub(crate) fn encode_in_place(data: &[u8], offsets: &[usize], out: &mut [u8]) {
    for (record, &offset) in data.chunks(RECORD).zip(offsets) {
        let n = base64_simd::STANDARD
            .encode(
                record,
                base64_simd::Out::from_slice(&mut out[offset..offset + RECORD_OUT]),
            )
            .len();
        assert_eq!(n, RECORD_OUT);
    }
}
