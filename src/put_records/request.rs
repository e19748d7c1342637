//! The exact `PutRecords` HTTP request: headers and the compact JSON body.

use http::Request;

use super::input::PutRecordsInput;
use crate::endpoint::Endpoint;
use crate::limits::EXPLICIT_HASH_KEY_MAX_DIGITS;
use crate::wire::aws_json::{stream_tail_len, write_stream_tail};
use crate::wire::json;

/// The `x-amz-target` value of `PutRecords`: the service's target prefix `Kinesis_20131202` and
/// the operation name.
pub const PUT_RECORDS_TARGET: &str = "Kinesis_20131202.PutRecords";

impl PutRecordsInput<'_> {
    /// The batch's exact HTTP request: `POST` to the endpoint's absolute URI, with
    /// `content-type`, `x-amz-target` ([`PUT_RECORDS_TARGET`]), `content-length` and `host`, and
    /// the compact JSON body
    /// `{"Records":[{"Data":..,"ExplicitHashKey":..,"PartitionKey":..},..],"StreamName":..,"StreamARN":..,"DryRun":..}`,
    /// members in the official SDKs' order, unset ones left out, every entry's data
    /// base64-encoded into one body allocated at its exact size. Sign it (the feature `sigv4`'s
    /// `Signer`, or any SigV4 signer with the signing name `kinesis`) and send it with any HTTP
    /// client.
    pub fn to_http_request(&self, endpoint: &Endpoint) -> Request<Vec<u8>> {
        let mut body = Vec::with_capacity(self.body_len());
        self.append_body(&mut body);
        crate::wire::aws_json::request(endpoint, PUT_RECORDS_TARGET, body)
    }

    /// The length in bytes of the batch's body, as `content-length` states it.
    pub fn body_len(&self) -> usize {
        // `{"Records":[` and `]}`, and a comma between entries.
        let mut len = b"{\"Records\":[]}".len()
            + self.entries.len().saturating_sub(1)
            + self.entries_json_len;
        if let Some(name) = &self.settings.stream_name {
            len += b",\"StreamName\":".len() + json::plain_string_len(name.as_bytes());
        }
        len + stream_tail_len(self.settings.stream_arn.as_ref(), self.settings.dry_run)
    }

    /// Writes the batch's body into `buf`, replacing its contents and reusing its capacity. The
    /// headers: [`AWS_JSON_CONTENT_TYPE`](crate::AWS_JSON_CONTENT_TYPE),
    /// [`X_AMZ_TARGET`](crate::X_AMZ_TARGET) = [`PUT_RECORDS_TARGET`], length, [`Endpoint::host`].
    pub fn write_body(&self, buf: &mut Vec<u8>) {
        buf.clear();
        buf.reserve(self.body_len());
        self.append_body(buf);
    }

    /// Appends the body to `buf`, which should have room for [`body_len`](Self::body_len) more
    /// bytes: each entry as `ValidatedEntry::json_len` counts it.
    fn append_body(&self, buf: &mut Vec<u8>) {
        buf.extend_from_slice(b"{\"Records\":[");
        for (i, entry) in self.entries.iter().enumerate() {
            buf.extend_from_slice(if i == 0 {
                b"{\"Data\":\""
            } else {
                b",{\"Data\":\""
            });
            json::write_base64(buf, &entry.data);
            buf.push(b'"');
            if let Some(h) = entry.explicit_hash_key() {
                let mut digits = [0; EXPLICIT_HASH_KEY_MAX_DIGITS];
                buf.extend_from_slice(b",\"ExplicitHashKey\":\"");
                buf.extend_from_slice(h.write_decimal(&mut digits).as_bytes());
                buf.push(b'"');
            }
            if let Some(key) = &entry.partition_key {
                buf.extend_from_slice(b",\"PartitionKey\":");
                key.write_json(buf);
            }
            buf.push(b'}');
        }
        buf.push(b']');
        if let Some(name) = &self.settings.stream_name {
            buf.extend_from_slice(b",\"StreamName\":");
            json::write_plain_string(buf, name.as_bytes());
        }
        write_stream_tail(
            buf,
            self.settings.stream_arn.as_ref(),
            self.settings.dry_run,
        );
        buf.push(b'}');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{PutRecordsEntry, RecordDistribution};

    #[test]
    fn body_len_is_exact_with_every_member_set() {
        let input = PutRecordsInput::builder()
            .stream_name("s")
            .stream_arn("arn:aws:kinesis:us-east-1:123456789012:stream/s\"q")
            .dry_run(true)
            .entry(PutRecordsEntry::new(vec![1, 2], "k\n\u{1}é").with_explicit_hash_key("17"))
            .entry_parts(&b""[..], "x")
            .build()
            .unwrap();
        let request = input.to_http_request(&Endpoint::regional("us-east-1").unwrap());
        assert_eq!(request.body().len(), input.body_len());
        assert_eq!(request.body().capacity(), request.body().len());
        let v: serde_json::Value = serde_json::from_slice(request.body()).unwrap();
        assert_eq!(v["Records"][0]["ExplicitHashKey"], "17");
        assert_eq!(v["Records"][0]["PartitionKey"], "k\n\u{1}é");
        assert_eq!(v["DryRun"], true);
    }

    #[test]
    fn keyless_auto_entry_has_no_partition_key() {
        let input = PutRecordsInput::builder()
            .stream_name("s")
            .record_distribution(RecordDistribution::Auto)
            .entry(PutRecordsEntry::keyless(&b"abc"[..]))
            .build()
            .unwrap();
        let mut buf = Vec::new();
        input.write_body(&mut buf);
        assert_eq!(buf, br#"{"Records":[{"Data":"YWJj"}],"StreamName":"s"}"#);
        assert_eq!(buf.len(), input.body_len());
    }
}
