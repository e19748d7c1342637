//! The exact `PutRecord` HTTP request: the awsJson1_1 envelope and the compact JSON body.

use http::Request;

use super::input::PutRecordInput;
use crate::endpoint::{Endpoint, EndpointConfig, EndpointError};
use crate::limits::EXPLICIT_HASH_KEY_MAX_DIGITS;
use crate::wire::aws_json::{self, stream_tail_len, write_stream_tail};
use crate::wire::json;

/// The `x-amz-target` value of `PutRecord`: the target prefix `Kinesis_20131202` and the operation.
pub const PUT_RECORD_TARGET: &str = "Kinesis_20131202.PutRecord";

impl PutRecordInput<'_> {
    /// The exact HTTP request: `POST` to the endpoint's absolute URI, with `content-type`,
    /// `x-amz-target`, `content-length` and `host`, and the compact JSON body. Members are
    /// written in the order the official SDKs write them (`StreamName`, `Data`, `PartitionKey`,
    /// `ExplicitHashKey`, `SequenceNumberForOrdering`, `StreamARN`, `DryRun`); unset members
    /// are left out. The data is base64-encoded straight into a body allocated once at its exact
    /// size. Sign the request (signing name `kinesis`) and send it with any HTTP client.
    pub fn to_http_request(&self, endpoint: &Endpoint) -> Request<Vec<u8>> {
        let mut body = Vec::with_capacity(self.body_len());
        self.append_body(&mut body);
        aws_json::request(endpoint, PUT_RECORD_TARGET, body)
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
    /// allocation-free path for hot loops. The other headers are the crate's constants, the
    /// body's length and [`Endpoint::host`] (see "Hot loops" in the crate docs).
    pub fn write_body(&self, buf: &mut Vec<u8>) {
        buf.clear();
        buf.reserve(self.body_len());
        self.append_body(buf);
    }

    /// Appends the body to `buf`, which should have room for [`body_len`](Self::body_len) more.
    fn append_body(&self, buf: &mut Vec<u8>) {
        match &self.stream_name {
            Some(name) => {
                // The name's pattern admits nothing JSON escapes.
                buf.extend_from_slice(b"{\"StreamName\":\"");
                buf.extend_from_slice(name.as_bytes());
                buf.extend_from_slice(b"\",\"Data\":\"");
            }
            None => buf.extend_from_slice(b"{\"Data\":\""),
        }
        json::write_base64(buf, &self.data);
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

impl EndpointConfig {
    /// The endpoint for a `PutRecord` input: [`resolve_data_plane`](Self::resolve_data_plane)
    /// with the input's stream ARN, if it has one.
    ///
    /// ```
    /// use kinesis_proto::{EndpointConfig, PutRecordInput};
    /// let input = PutRecordInput::builder()
    ///     .stream_arn("arn:aws-cn:kinesis:cn-north-1:123456789012:stream/orders")
    ///     .partition_key("k")
    ///     .data(&b"x"[..])
    ///     .build()?;
    /// let endpoint = EndpointConfig::new("cn-north-1").resolve_for(&input)?;
    /// assert_eq!(endpoint.host(), "123456789012.data-kinesis.cn-north-1.amazonaws.com.cn");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`resolve_data_plane`](Self::resolve_data_plane).
    pub fn resolve_for(&self, input: &PutRecordInput<'_>) -> Result<Endpoint, EndpointError> {
        self.resolve_data_plane(input.stream_arn())
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
    fn write_body_over_a_reused_buffer_writes_the_request_body() {
        let endpoint = Endpoint::regional("us-east-1").unwrap();
        let inputs = [
            PutRecordInput::builder().partition_key("k".repeat(40)),
            PutRecordInput::builder().partition_key("k\"q"),
            PutRecordInput::builder().partition_key("k").dry_run(true),
            PutRecordInput::builder()
                .partition_key("k")
                .explicit_hash_key("7"),
            PutRecordInput::builder()
                .partition_key("k")
                .sequence_number_for_ordering("1"),
        ];
        for builder in inputs {
            for data_len in [0, 1, 2, 3, 100] {
                let input = builder
                    .clone()
                    .stream_name("s")
                    .data(vec![7; data_len])
                    .build()
                    .unwrap();
                let body = input.to_http_request(&endpoint).into_body();
                for leftover in [0, 1, body.len() - 1, body.len(), body.len() + 64] {
                    let mut buf = vec![b'#'; leftover];
                    input.write_body(&mut buf);
                    assert_eq!(buf, body);
                }
            }
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
