//! Build: the exact `ListShards` HTTP request.

use std::time::{SystemTime, UNIX_EPOCH};

use http::Request;

use super::input::ListShardsInput;
use crate::endpoint::Endpoint;
use crate::wire::aws_json;
use crate::wire::json;

/// The `x-amz-target` value of `ListShards`.
pub const LIST_SHARDS_TARGET: &str = "Kinesis_20131202.ListShards";

impl ListShardsInput {
    /// The exact HTTP request: `POST` with the four awsJson1_1 headers (`x-amz-target` is
    /// [`LIST_SHARDS_TARGET`]) and a compact JSON body of the members set, in the order
    /// `StreamName`, `NextToken`, `ExclusiveStartShardId`, `MaxResults`, `StreamCreationTimestamp`,
    /// `ShardFilter` (`Type`, `ShardId`, `Timestamp`), `StreamARN`; timestamps in epoch seconds.
    pub fn to_http_request(&self, endpoint: &Endpoint) -> Request<Vec<u8>> {
        aws_json::request(endpoint, LIST_SHARDS_TARGET, self.body())
    }

    /// The JSON body.
    fn body(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(128);
        out.push(b'{');
        let member = |out: &mut Vec<u8>, name: &str| {
            if out.len() > 1 {
                out.push(b',');
            }
            json::write_plain_string(out, name.as_bytes());
            out.push(b':');
        };
        if let Some(name) = self.stream_name() {
            member(&mut out, "StreamName");
            json::write_plain_string(&mut out, name.as_bytes());
        }
        if let Some(token) = self.next_token() {
            member(&mut out, "NextToken");
            json::write_string(&mut out, token);
        }
        if let Some(id) = self.exclusive_start_shard_id() {
            member(&mut out, "ExclusiveStartShardId");
            json::write_string(&mut out, id);
        }
        if let Some(n) = self.max_results() {
            member(&mut out, "MaxResults");
            out.extend_from_slice(n.to_string().as_bytes());
        }
        if let Some(t) = self.stream_creation_timestamp() {
            member(&mut out, "StreamCreationTimestamp");
            write_epoch_seconds(&mut out, t);
        }
        if let Some(filter) = self.shard_filter() {
            member(&mut out, "ShardFilter");
            out.extend_from_slice(b"{\"Type\":");
            json::write_plain_string(&mut out, filter.filter_type().as_str().as_bytes());
            if let Some(id) = filter.shard_id() {
                out.extend_from_slice(b",\"ShardId\":");
                json::write_string(&mut out, id);
            }
            if let Some(t) = filter.timestamp() {
                out.extend_from_slice(b",\"Timestamp\":");
                write_epoch_seconds(&mut out, t);
            }
            out.push(b'}');
        }
        if let Some(arn) = self.stream_arn() {
            member(&mut out, "StreamARN");
            json::write_string(&mut out, arn.as_str());
        }
        out.push(b'}');
        out
    }
}

/// Writes an awsJson timestamp: epoch seconds, the milliseconds as up to three decimals.
fn write_epoch_seconds(out: &mut Vec<u8>, t: SystemTime) {
    let (negative, d) = match t.duration_since(UNIX_EPOCH) {
        Ok(d) => (false, d),
        Err(e) => (true, e.duration()),
    };
    let (secs, millis) = (d.as_secs(), d.subsec_millis());
    if negative && (secs, millis) != (0, 0) {
        out.push(b'-');
    }
    out.extend_from_slice(secs.to_string().as_bytes());
    if millis != 0 {
        let frac = format!(".{millis:03}");
        out.extend_from_slice(frac.trim_end_matches('0').as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn body_of(t: SystemTime) -> String {
        let mut out = Vec::new();
        write_epoch_seconds(&mut out, t);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn timestamps_are_epoch_seconds_with_milliseconds() {
        assert_eq!(body_of(UNIX_EPOCH), "0");
        assert_eq!(
            body_of(UNIX_EPOCH + Duration::from_secs(1_700_000_000)),
            "1700000000"
        );
        assert_eq!(body_of(UNIX_EPOCH + Duration::from_millis(1_500)), "1.5");
        assert_eq!(body_of(UNIX_EPOCH + Duration::from_millis(1_234)), "1.234");
        assert_eq!(body_of(UNIX_EPOCH + Duration::from_micros(1_000_900)), "1");
        assert_eq!(body_of(UNIX_EPOCH - Duration::from_millis(1_050)), "-1.05");
    }
}
