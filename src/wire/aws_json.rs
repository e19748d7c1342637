//! The awsJson1_1 request envelope every Kinesis operation shares (Smithy awsJson1_1
//! specification; Kinesis API reference, "Common Parameters"): `POST /`, the awsJson1_1
//! `content-type`, `x-amz-target: Kinesis_20131202.<Operation>`, one JSON object as the body.

use http::header::{CONTENT_LENGTH, CONTENT_TYPE, HOST};
use http::{HeaderName, HeaderValue, Method, Request};

use crate::endpoint::Endpoint;
use crate::stream::StreamArn;

/// The `content-type` of every Kinesis request: the awsJson1_1 media type, without parameters.
pub const AWS_JSON_CONTENT_TYPE: &str = "application/x-amz-json-1.1";
/// The name of the header that selects the operation.
pub const X_AMZ_TARGET: &str = "x-amz-target";
/// The SigV4 signing name of Kinesis (the service's `signingName`).
pub const SIGNING_NAME: &str = "kinesis";

/// Builds an awsJson1_1 `POST` to `endpoint` for the operation `target` (an `x-amz-target`
/// value such as `Kinesis_20131202.PutRecord`), with `content-type`, `x-amz-target`,
/// `content-length` and `host`.
pub(crate) fn request(
    endpoint: &Endpoint,
    target: &'static str,
    body: Vec<u8>,
) -> Request<Vec<u8>> {
    let len = body.len();
    let mut request = Request::new(body);
    *request.method_mut() = Method::POST;
    *request.uri_mut() = endpoint.uri().clone();
    let headers = request.headers_mut();
    headers.reserve(4);
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static(AWS_JSON_CONTENT_TYPE),
    );
    headers.insert(
        HeaderName::from_static(X_AMZ_TARGET),
        HeaderValue::from_static(target),
    );
    headers.insert(CONTENT_LENGTH, HeaderValue::from(len));
    headers.insert(HOST, endpoint.host_header().clone());
    request
}

/// Length of the members both `PutRecord` and `PutRecords` bodies end with, in the order the
/// official SDKs write them: `,"StreamARN":..` and `,"DryRun":..`, each when set.
pub(crate) fn stream_tail_len(arn: Option<&StreamArn>, dry_run: Option<bool>) -> usize {
    arn.map_or(0, |arn| {
        b",\"StreamARN\":".len() + super::json::string_len(arn.as_str())
    }) + dry_run.map_or(0, |d| b",\"DryRun\":".len() + if d { 4 } else { 5 })
}

/// Appends the members of [`stream_tail_len`].
pub(crate) fn write_stream_tail(buf: &mut Vec<u8>, arn: Option<&StreamArn>, dry_run: Option<bool>) {
    if let Some(arn) = arn {
        buf.extend_from_slice(b",\"StreamARN\":");
        super::json::write_string(buf, arn.as_str());
    }
    if let Some(dry_run) = dry_run {
        buf.extend_from_slice(b",\"DryRun\":");
        buf.extend_from_slice(if dry_run { b"true" } else { b"false" });
    }
}
