//! The exact `PutRecord` HTTP request: headers and the compact JSON body.
//!
//! Kinesis speaks the awsJson1_1 protocol (Smithy awsJson1_1 specification; Kinesis API
//! reference, "Common Parameters"): `POST /` with `content-type: application/x-amz-json-1.1`,
//! `x-amz-target: Kinesis_20131202.<Operation>`, and one JSON object as the body. Signing
//! headers (`authorization`, `x-amz-date`, `x-amz-security-token`) are the signer's job.

use http::header::{CONTENT_LENGTH, CONTENT_TYPE, HOST};
use http::{HeaderMap, HeaderName, HeaderValue, Method, Request};

use crate::endpoint::Endpoint;
use crate::hash_key::HashKey;
use crate::input::PutRecordInput;
use crate::json;
use crate::limits::EXPLICIT_HASH_KEY_MAX_DIGITS;
use crate::stream::StreamArn;

/// The `content-type` of every Kinesis request: the awsJson1_1 media type, without parameters.
pub const AWS_JSON_CONTENT_TYPE: &str = "application/x-amz-json-1.1";
/// The name of the header that selects the operation.
pub const X_AMZ_TARGET: &str = "x-amz-target";
/// The `x-amz-target` value of `PutRecord`: the service's target prefix `Kinesis_20131202` and the
/// operation name.
pub const PUT_RECORD_TARGET: &str = "Kinesis_20131202.PutRecord";
/// The SigV4 signing name of Kinesis (the service's `signingName`).
pub const SIGNING_NAME: &str = "kinesis";

/// The `x-amz-target` header name, checked once at compile time.
const X_AMZ_TARGET_NAME: HeaderName = HeaderName::from_static(X_AMZ_TARGET);
/// The `content-type` value, checked at compile time (a `from_static` outside a constant
/// checks every byte on each call).
const CONTENT_TYPE_VALUE: HeaderValue = HeaderValue::from_static(AWS_JSON_CONTENT_TYPE);
/// The `x-amz-target` value of `PutRecord`.
pub(crate) const PUT_RECORD_TARGET_VALUE: HeaderValue = HeaderValue::from_static(PUT_RECORD_TARGET);

/// The four headers of every awsJson1_1 request to an endpoint, in the order `content-type`,
/// `x-amz-target`, `content-length`, `host`, with placeholders for the operation and the length
/// that [`aws_json_request`] replaces. Built once per [`Endpoint`].
pub(crate) fn header_template(host: HeaderValue) -> HeaderMap {
    let mut headers = HeaderMap::with_capacity(4);
    headers.insert(CONTENT_TYPE, CONTENT_TYPE_VALUE);
    headers.insert(X_AMZ_TARGET_NAME, PUT_RECORD_TARGET_VALUE);
    headers.insert(CONTENT_LENGTH, HeaderValue::from_static("0"));
    headers.insert(HOST, host);
    headers
}

/// Builds an awsJson1_1 `POST` with its four headers, in the order `content-type`,
/// `x-amz-target`, `content-length`, `host`.
pub(crate) fn aws_json_request(
    endpoint: &Endpoint,
    target: HeaderValue,
    body: Vec<u8>,
) -> Request<Vec<u8>> {
    let len = body.len();
    let mut request = Request::new(body);
    *request.method_mut() = Method::POST;
    *request.uri_mut() = endpoint.uri().clone();
    // Cloning the endpoint's finished map (two allocations and four cheap value clones) costs
    // less than hashing and inserting four headers; then the two placeholders are replaced in
    // place, by position, so the order stays the one the template was built in.
    let mut headers = endpoint.header_template().clone();
    let mut values = headers.values_mut().skip(1);
    if let Some(value) = values.next() {
        *value = target;
    }
    if let Some(value) = values.next() {
        *value = content_length(len);
    }
    *request.headers_mut() = headers;
    request
}

/// The `content-length` value. Below 10,000 it is a slice of [`PADDED_NUMBERS`], which costs no
/// allocation; above, one allocation for the digits (`HeaderValue::from(usize)` makes two),
/// written by the hash key's decimal writer.
fn content_length(len: usize) -> HeaderValue {
    if len < 10_000 {
        let digits = match len {
            0..10 => 1,
            10..100 => 2,
            100..1000 => 3,
            _ => 4,
        };
        let end = 4 * len + 4;
        if let Some(text) = PADDED_NUMBERS.get(end - digits..end) {
            // Digits only, which `from_static` accepts: it cannot panic here.
            return HeaderValue::from_static(text);
        }
    }
    let mut digits = [0; EXPLICIT_HASH_KEY_MAX_DIGITS];
    HeaderValue::from_str(HashKey::new(len as u128).write_decimal(&mut digits))
        .unwrap_or_else(|_| HeaderValue::from(len))
}

/// `0000`, `0001`, ... `9999` back to back (40,000 bytes, made at compile time): every
/// `content-length` below 10,000 is the tail of one of them.
static PADDED_NUMBERS: &str = {
    const LEN: usize = 40_000;
    static BYTES: [u8; LEN] = {
        let mut bytes = [0u8; LEN];
        let mut n = 0;
        while n < 10_000 {
            bytes[4 * n] = b'0' + (n / 1000) as u8;
            bytes[4 * n + 1] = b'0' + (n / 100 % 10) as u8;
            bytes[4 * n + 2] = b'0' + (n / 10 % 10) as u8;
            bytes[4 * n + 3] = b'0' + (n % 10) as u8;
            n += 1;
        }
        bytes
    };
    match std::str::from_utf8(&BYTES) {
        Ok(text) => text,
        Err(_) => panic!("ASCII digits are UTF-8"),
    }
};

/// The room [`PutRecordInput::write_body`] reserves beside the data's base64: the member names
/// and a stream name, partition key and explicit hash key of usual lengths.
const BODY_ROOM: usize = 256;

/// Length of the members both `PutRecord` and `PutRecords` bodies end with, in the order the
/// official SDKs write them: `,"StreamARN":..` and `,"DryRun":..`, each when set.
pub(crate) fn stream_tail_len(arn: Option<&StreamArn>, dry_run: Option<bool>) -> usize {
    arn.map_or(0, |arn| {
        b",\"StreamARN\":".len() + json::string_len(arn.as_str())
    }) + dry_run.map_or(0, |d| b",\"DryRun\":".len() + if d { 4 } else { 5 })
}

/// Appends the members of [`stream_tail_len`].
#[inline]
pub(crate) fn write_stream_tail(buf: &mut Vec<u8>, arn: Option<&StreamArn>, dry_run: Option<bool>) {
    if let Some(arn) = arn {
        buf.extend_from_slice(b",\"StreamARN\":");
        json::write_string(buf, arn.as_str());
    }
    if let Some(dry_run) = dry_run {
        buf.extend_from_slice(b",\"DryRun\":");
        buf.extend_from_slice(if dry_run { b"true" } else { b"false" });
    }
}

impl PutRecordInput<'_> {
    /// The exact HTTP request: `POST` to the endpoint's absolute URI, with `content-type`,
    /// `x-amz-target`, `content-length` and `host`, and the compact JSON body. Members are
    /// written in the order the official SDKs write them (`StreamName`, `Data`, `PartitionKey`,
    /// `ExplicitHashKey`, `SequenceNumberForOrdering`, `StreamARN`, `DryRun`); unset members
    /// are left out. The data is base64-encoded straight into a body allocated once at its exact
    /// final size.
    ///
    /// Sign the request (for example with `aws-sigv4`, signing name `kinesis`) and send it
    /// with any HTTP client.
    pub fn to_http_request(&self, endpoint: &Endpoint) -> Request<Vec<u8>> {
        let mut body = Vec::with_capacity(self.body_len());
        self.append_body(&mut body);
        aws_json_request(endpoint, PUT_RECORD_TARGET_VALUE, body)
    }

    /// The body's length in bytes, as `content-length` states it.
    pub fn body_len(&self) -> usize {
        let mut len = 2; // `{` and `}`
        if let Some(name) = &self.stream_name {
            len += b"\"StreamName\":,".len() + json::plain_string_len(name.as_bytes());
        }
        len += b"\"Data\":".len() + json::base64_string_len(&self.data);
        if let Some(key) = &self.partition_key {
            len += b",\"PartitionKey\":".len() + key.json_len();
        }
        if let Some(h) = self.explicit_hash_key() {
            let mut buf = [0; EXPLICIT_HASH_KEY_MAX_DIGITS];
            len += b",\"ExplicitHashKey\":\"\"".len() + h.write_decimal(&mut buf).len();
        }
        if let Some(seq) = &self.sequence_number_for_ordering {
            len += b",\"SequenceNumberForOrdering\":".len() + json::string_len(seq.as_str());
        }
        len + stream_tail_len(self.stream_arn.as_ref(), self.dry_run)
    }

    /// Writes the body into `buf`, replacing its contents and reusing its capacity: the
    /// allocation-free path for hot loops. The other headers are the constants of this crate
    /// ([`AWS_JSON_CONTENT_TYPE`], [`X_AMZ_TARGET`] = [`PUT_RECORD_TARGET`]), the body's length,
    /// and [`Endpoint::host`].
    pub fn write_body(&self, buf: &mut Vec<u8>) {
        if self.overwrite_usual_body(buf) {
            return;
        }
        buf.clear();
        // Room for the data and for the usual members without counting them: a reused buffer
        // already has it, and a longer body just grows the buffer.
        buf.reserve(json::base64_string_len(&self.data) + BODY_ROOM);
        self.append_body(buf);
    }

    /// The stream name and the partition key of the usual body, which holds nothing else: a
    /// key JSON copies as it is, and no explicit hash key, sequence number, ARN or `DryRun`.
    #[inline]
    fn usual_members(&self) -> Option<(&[u8], &[u8])> {
        if self.explicit_hash_key.is_some()
            || self.sequence_number_for_ordering.is_some()
            || self.stream_arn.is_some()
            || self.dry_run.is_some()
        {
            return None;
        }
        let key = self.partition_key.as_ref()?.plain_bytes()?;
        Some((self.stream_name.as_ref()?.as_bytes(), key))
    }

    /// Writes the usual body over the first bytes of `buf` when `buf` already holds at least
    /// that many, and cuts it to the body. A buffer reused across records usually does, and
    /// writing in place keeps every position in a register, where each append of
    /// [`append_body`](Self::append_body) stores the vector's length and loads it back after
    /// the bytes it copied (the compiler cannot tell the two apart): about 30 against 33-35 ns
    /// for a 100-byte record (criterion, rustc 1.95, x86-64). Returns `false`, having written
    /// nothing the caller keeps, for any other body or a shorter buffer.
    fn overwrite_usual_body(&self, buf: &mut Vec<u8>) -> bool {
        let Some((name, key)) = self.usual_members() else {
            return false;
        };
        // `body_len` for this shape, without its tests of the members that are absent here.
        let len = b"{\"StreamName\":\"\",\"Data\":\"\",\"PartitionKey\":\"\"}".len()
            + name.len()
            + json::base64_string_len(&self.data)
            - 2
            + key.len();
        let Some(out) = buf.get_mut(..len) else {
            return false;
        };
        let mut at = 0;
        let mut write = || {
            // The name's pattern admits nothing JSON escapes.
            json::put(out, &mut at, b"{\"StreamName\":\"")?;
            json::put_short(out, &mut at, name)?;
            json::put(out, &mut at, b"\",\"Data\":\"")?;
            json::put_base64(out, &mut at, &self.data)?;
            json::put(out, &mut at, b"\",\"PartitionKey\":\"")?;
            json::put_short(out, &mut at, key)?;
            json::put(out, &mut at, b"\"}")
        };
        // Every byte up to `len` written, and nothing past it: else the caller starts over.
        if write().is_none() || at != len {
            return false;
        }
        buf.truncate(len);
        true
    }

    /// Appends the body to `buf`, which should have room for [`body_len`](Self::body_len) more
    /// bytes. Fixed text is written in as few pieces as the members allow.
    fn append_body(&self, buf: &mut Vec<u8>) {
        match &self.stream_name {
            Some(name) => {
                // The name's pattern admits nothing JSON escapes.
                buf.extend_from_slice(b"{\"StreamName\":\"");
                json::extend_short(buf, name.as_bytes());
                buf.extend_from_slice(b"\",\"Data\":\"");
            }
            None => buf.extend_from_slice(b"{\"Data\":\""),
        }
        json::write_base64(buf, &self.data);
        // The usual record ends with a plain key and nothing after it: three pieces.
        if let Some((_, key)) = self.usual_members() {
            buf.extend_from_slice(b"\",\"PartitionKey\":\"");
            json::extend_short(buf, key);
            buf.extend_from_slice(b"\"}");
            return;
        }
        match &self.partition_key {
            Some(key) => {
                buf.extend_from_slice(b"\",\"PartitionKey\":");
                key.write_json(buf);
            }
            None => buf.push(b'"'),
        }
        if let Some(h) = self.explicit_hash_key() {
            let mut digits = [0; EXPLICIT_HASH_KEY_MAX_DIGITS];
            buf.extend_from_slice(b",\"ExplicitHashKey\":\"");
            buf.extend_from_slice(h.write_decimal(&mut digits).as_bytes());
            buf.push(b'"');
        }
        if let Some(seq) = &self.sequence_number_for_ordering {
            buf.extend_from_slice(b",\"SequenceNumberForOrdering\":");
            json::write_string(buf, seq.as_str());
        }
        write_stream_tail(buf, self.stream_arn.as_ref(), self.dry_run);
        buf.push(b'}');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn minimal() -> PutRecordInput<'static> {
        PutRecordInput::builder()
            .stream_name("my-stream")
            .partition_key("abcd")
            .data(b"hello world".to_vec())
            .build()
            .unwrap()
    }

    #[test]
    fn worked_example_body_is_74_bytes() {
        let req = minimal().to_http_request(&Endpoint::regional("us-east-1").unwrap());
        assert_eq!(
            std::str::from_utf8(req.body()).unwrap(),
            r#"{"StreamName":"my-stream","Data":"aGVsbG8gd29ybGQ=","PartitionKey":"abcd"}"#
        );
        assert_eq!(req.body().len(), 74);
        assert_eq!(req.body().capacity(), req.body().len());
        assert_eq!(req.headers()["content-length"], "74");
    }

    #[test]
    fn the_usual_body_is_written_in_place_over_a_buffer_at_least_as_long() {
        let endpoint = Endpoint::regional("us-east-1").unwrap();
        // Names of 1, 6, 15, 20 and 40 bytes: every piece size the copy uses.
        let names = [1, 6, 15, 20, 40].map(|len| "n".repeat(len));
        for name in &names {
            for key_len in 1..=40 {
                let key = "k".repeat(key_len);
                for data_len in [0, 1, 2, 3, 100] {
                    let input = PutRecordInput::builder()
                        .stream_name(name.as_str())
                        .partition_key(key.as_str())
                        .data(vec![7; data_len])
                        .build()
                        .unwrap();
                    let body = input.to_http_request(&endpoint).into_body();
                    for extra in [0, 1, 64] {
                        let mut buf = vec![b'#'; body.len() + extra];
                        assert!(input.overwrite_usual_body(&mut buf), "{name} {key_len}");
                        assert_eq!(buf, body);
                    }
                    let mut short = vec![b'#'; body.len() - 1];
                    assert!(!input.overwrite_usual_body(&mut short));
                    input.write_body(&mut short);
                    assert_eq!(short, body);
                }
            }
        }
        // Any other member, or a key JSON escapes, goes through the appends.
        let others = [
            PutRecordInput::builder().partition_key("k\"q"),
            PutRecordInput::builder().partition_key("k").dry_run(true),
            PutRecordInput::builder()
                .partition_key("k")
                .explicit_hash_key("7"),
            PutRecordInput::builder()
                .partition_key("k")
                .sequence_number_for_ordering("1"),
        ];
        for builder in others {
            let input = builder.stream_name("s").data(&b"d"[..]).build().unwrap();
            let body = input.to_http_request(&endpoint).into_body();
            let mut buf = vec![b'#'; body.len() + 8];
            assert!(!input.overwrite_usual_body(&mut buf));
            input.write_body(&mut buf);
            assert_eq!(buf, body);
        }
    }

    #[test]
    fn content_length_is_the_decimal_length() {
        for len in (0..=10_001).chain([99_999, 1_048_576, 10_485_760, usize::MAX]) {
            assert_eq!(content_length(len), HeaderValue::from(len), "{len}");
        }
    }

    #[test]
    fn body_len_is_exact_with_every_member_set() {
        let input = PutRecordInput::builder()
            .stream_name("s")
            .stream_arn("arn:aws:kinesis:us-east-1:123456789012:stream/s\"q")
            .partition_key("k\n\u{1}é")
            .data(vec![1, 2])
            .explicit_hash_key("340282366920938463463374607431768211455")
            .sequence_number_for_ordering("0")
            .dry_run(false)
            .build()
            .unwrap();
        let mut buf = Vec::new();
        input.write_body(&mut buf);
        assert_eq!(buf.len(), input.body_len());
    }
}
