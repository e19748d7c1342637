//! The two PutRecord pipelines the bench compares, and the canned answers that end them.
//!
//! * kinesis-proto: validate, build the `http::Request`, sign it with the crate's own signer
//!   (feature `sigv4`; or with `aws-sigv4`, for comparison), parse the canned response with
//!   `parse_put_record_response`.
//! * aws-sdk-kinesis: `client.put_record()...send().await`, with an HTTP client that hands
//!   back the same canned response without any network.
//!
//! Both pipelines are kept here, outside the bench, so the crate's tests can check that each
//! one really reaches the answer it is timed on.

use std::cell::RefCell;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_credential_types::Credentials;
use aws_sdk_kinesis::config::retry::RetryConfig;
use aws_sdk_kinesis::config::{BehaviorVersion, Region};
use aws_sdk_kinesis::error::SdkError;
use aws_sdk_kinesis::operation::put_record::{
    PutRecordError as SdkPutRecordError, PutRecordOutput as SdkPutRecordOutput,
};
use aws_sdk_kinesis::primitives::Blob;
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;
use aws_smithy_http_client::test_util::infallible_client_fn;
use aws_smithy_runtime_api::client::identity::Identity;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
pub mod batch;

use bytes::Bytes;
use http::{Request, Response, StatusCode};
use kinesis_proto::{
    Endpoint, MAX_MAX_RECORD_SIZE, MIB, PutRecordError, PutRecordInput, PutRecordOutput,
    SIGNING_NAME, Signer, parse_put_record_response,
};

/// The stream every record is put to.
pub const STREAM: &str = "orders";
/// A 16-byte partition key.
pub const PARTITION_KEY: &str = "partition-key-16";
/// The region both pipelines sign for.
pub const REGION: &str = "us-east-1";
/// The endpoint both pipelines address. Nothing is ever sent to it: the SDK's HTTP client is
/// the replay function below, and kinesis-proto sends nothing by design.
pub const ENDPOINT_URL: &str = "http://127.0.0.1:4567";
/// Dummy credentials (the AWS documentation's example key pair).
pub const ACCESS_KEY: &str = "AKIDEXAMPLE";
/// Dummy secret key.
pub const SECRET_KEY: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

/// The shard the canned success names.
pub const SHARD_ID: &str = "shardId-000000000001";
/// The sequence number the canned success names.
pub const SEQUENCE_NUMBER: &str = "49543463076548007577105092703039560359975228518395019266";
/// The request id both canned responses carry.
pub const REQUEST_ID: &str = "c0a3f8e2-6b1d-4a5e-9f7c-3d2b1a0e9f8d";

/// The canned `200 OK` body.
pub const SUCCESS_BODY: &[u8] = br#"{"ShardId":"shardId-000000000001","SequenceNumber":"49543463076548007577105092703039560359975228518395019266","EncryptionType":"KMS"}"#;
/// The canned `400` throttling body.
pub const THROTTLED_BODY: &[u8] = br#"{"__type":"ProvisionedThroughputExceededException","message":"Rate exceeded for shard shardId-000000000001 in stream orders under account 123456789012."}"#;
/// The `x-amzn-ErrorType` header of the canned throttling response.
pub const THROTTLED_ERROR_TYPE: &str = "ProvisionedThroughputExceededException:http://internal.amazon.com/coral/com.amazon.coral.service/";

/// The record sizes measured: `(label, data length)`. The 1 MiB case is the largest record
/// Kinesis accepts by default, where the limit counts data plus partition key: 1 MiB in all.
pub const SIZES: [(&str, usize); 3] = [
    ("100B", 100),
    ("10KiB", 10 * 1024),
    ("1MiB", MIB - PARTITION_KEY.len()),
];

/// `len` bytes of record data (not all one value, so nothing compresses or special-cases it).
pub fn data(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8).collect()
}

/// Which canned answer a pipeline gets back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Canned {
    /// `200 OK` with a PutRecord result.
    Success,
    /// `400` `ProvisionedThroughputExceededException`.
    Throttled,
}

/// The canned response, fresh: what an HTTP stack would hand over for one request.
pub fn canned_response(which: Canned) -> Response<Bytes> {
    let (status, body) = match which {
        Canned::Success => (StatusCode::OK, SUCCESS_BODY),
        Canned::Throttled => (StatusCode::BAD_REQUEST, THROTTLED_BODY),
    };
    let mut builder = Response::builder()
        .status(status)
        .header("x-amzn-RequestId", REQUEST_ID)
        .header("content-type", "application/x-amz-json-1.1")
        .header("content-length", body.len());
    if which == Canned::Throttled {
        builder = builder.header("x-amzn-ErrorType", THROTTLED_ERROR_TYPE);
    }
    builder
        .body(Bytes::from_static(body))
        .expect("a valid response")
}

// ---------------------------------------------------------------------------------------------
// kinesis-proto, signed by its own signer or by aws-sigv4

/// Everything kinesis-proto's caller sets up once: the endpoint, the crate's signer, the
/// `aws-sigv4` signing identity and (fixed, so runs are comparable) the signing time.
#[derive(Debug)]
pub struct Proto {
    endpoint: Endpoint,
    /// `Signer::sign` takes `&mut self` (it keeps the day's key); a caller's loop owns it.
    signer: RefCell<Signer>,
    identity: Identity,
    time: SystemTime,
}

impl Default for Proto {
    fn default() -> Self {
        Self::new()
    }
}

impl Proto {
    /// The caller's one-time setup.
    pub fn new() -> Self {
        let credentials = Credentials::new(ACCESS_KEY, SECRET_KEY, None, None, "sdk-compare");
        let ours = kinesis_proto::Credentials::new(ACCESS_KEY, SECRET_KEY, None);
        Proto {
            endpoint: Endpoint::custom(ENDPOINT_URL).expect("a valid endpoint"),
            signer: RefCell::new(Signer::new(ours, REGION)),
            identity: credentials.into(),
            time: UNIX_EPOCH + Duration::from_secs(1_709_632_800), // 2024-03-05T10:00:00Z
        }
    }

    /// Validate and build. The record size limit is raised to the service maximum only so the
    /// 1 MiB case (data + key = 1 MiB) is accepted whatever the default; the check still runs.
    pub fn build(&self, data: &[u8]) -> Request<Vec<u8>> {
        PutRecordInput::builder()
            .stream_name(STREAM)
            .partition_key(PARTITION_KEY)
            .data(data)
            .max_record_size(MAX_MAX_RECORD_SIZE)
            .build()
            .expect("a valid record")
            .to_http_request(&self.endpoint)
    }

    /// Sign in place with the crate's signer, at the fixed time.
    pub fn sign(&self, request: &mut Request<Vec<u8>>) {
        self.signer
            .borrow_mut()
            .sign(request, self.time)
            .expect("the crate signs its own requests");
    }

    /// Sign in place with `aws-sigv4`: default settings, service `kinesis`, the fixed time.
    pub fn sign_aws_sigv4(&self, request: &mut Request<Vec<u8>>) {
        let params = v4::SigningParams::builder()
            .identity(&self.identity)
            .region(REGION)
            .name(SIGNING_NAME)
            .time(self.time)
            .settings(SigningSettings::default())
            .build()
            .expect("complete signing params")
            .into();
        let headers = request.headers().iter().map(|(name, value)| {
            (
                name.as_str(),
                value.to_str().expect("the crate writes ASCII headers"),
            )
        });
        let signable = SignableRequest::new(
            request.method().as_str(),
            request.uri().to_string(),
            headers,
            SignableBody::Bytes(request.body()),
        )
        .expect("a signable request");
        let (instructions, _signature) = sign(signable, &params)
            .expect("signing succeeds")
            .into_parts();
        instructions.apply_to_request_http1x(request);
    }

    /// (a) The whole record: validate + build + sign (the crate's signer) + parse `response`.
    pub fn put_record(
        &self,
        data: &[u8],
        response: &Response<Bytes>,
    ) -> Result<PutRecordOutput, PutRecordError> {
        let mut request = self.build(data);
        self.sign(&mut request);
        std::hint::black_box(&request);
        parse_put_record_response(response)
    }

    /// (a) signed with `aws-sigv4` instead.
    pub fn put_record_aws_sigv4(
        &self,
        data: &[u8],
        response: &Response<Bytes>,
    ) -> Result<PutRecordOutput, PutRecordError> {
        let mut request = self.build(data);
        self.sign_aws_sigv4(&mut request);
        std::hint::black_box(&request);
        parse_put_record_response(response)
    }

    /// (a') The crate's own share: validate + build + parse, no signing.
    pub fn put_record_unsigned(
        &self,
        data: &[u8],
        response: &Response<Bytes>,
    ) -> Result<PutRecordOutput, PutRecordError> {
        let request = self.build(data);
        std::hint::black_box(&request);
        parse_put_record_response(response)
    }
}

// ---------------------------------------------------------------------------------------------
// aws-sdk-kinesis

/// Retries on the SDK client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retries {
    /// The SDK's default: standard mode, 3 attempts (a throttled answer would sleep and retry).
    Default,
    /// `RetryConfig::disabled()`: one attempt.
    Disabled,
}

/// An SDK client whose every request is answered with `which`, by a replay function and
/// nothing else: no connection, no socket, no network.
///
/// Static credentials, region `us-east-1`, endpoint [`ENDPOINT_URL`], the latest behaviour
/// version, and otherwise the SDK's defaults (stalled-stream protection, identity cache,
/// real clock, tokio sleep).
pub fn sdk_client(which: Canned, retries: Retries) -> aws_sdk_kinesis::Client {
    sdk_client_replying(move || canned_response(which), retries)
}

/// An SDK client whose every request is answered with what `reply` makes, by a replay
/// function and nothing else (see [`sdk_client`]).
pub fn sdk_client_replying(
    reply: impl Fn() -> Response<Bytes> + Send + Sync + 'static,
    retries: Retries,
) -> aws_sdk_kinesis::Client {
    let http_client = infallible_client_fn(move |_request| reply());
    let retry_config = match retries {
        Retries::Default => RetryConfig::standard(),
        Retries::Disabled => RetryConfig::disabled(),
    };
    let config = aws_sdk_kinesis::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(REGION))
        .credentials_provider(Credentials::new(
            ACCESS_KEY,
            SECRET_KEY,
            None,
            None,
            "sdk-compare",
        ))
        .endpoint_url(ENDPOINT_URL)
        .http_client(http_client)
        .retry_config(retry_config)
        .build();
    aws_sdk_kinesis::Client::from_conf(config)
}

/// (b) The whole record through the SDK. `data` is handed over owned, as the SDK's `Blob`
/// wants it, so the bench can prepare it outside the timing.
pub async fn sdk_put_record(
    client: &aws_sdk_kinesis::Client,
    data: Vec<u8>,
) -> Result<SdkPutRecordOutput, SdkError<SdkPutRecordError, HttpResponse>> {
    client
        .put_record()
        .stream_name(STREAM)
        .partition_key(PARTITION_KEY)
        .data(Blob::new(data))
        .send()
        .await
}

/// Whether an SDK error is the modeled throttling error.
pub fn sdk_is_throttled(err: &SdkError<SdkPutRecordError, HttpResponse>) -> bool {
    err.as_service_error()
        .is_some_and(SdkPutRecordError::is_provisioned_throughput_exceeded_exception)
}

/// A current-thread tokio runtime, as the bench drives `send()` on it.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;

    #[test]
    fn proto_success_path_reaches_the_shard() {
        let proto = Proto::new();
        let response = canned_response(Canned::Success);
        for (_, len) in SIZES {
            let out = proto.put_record(&data(len), &response).expect("success");
            assert_eq!(out.shard_id(), SHARD_ID);
            assert_eq!(out.sequence_number(), SEQUENCE_NUMBER);
            assert_eq!(out.request_id(), Some(REQUEST_ID));
            let out = proto
                .put_record_unsigned(&data(len), &response)
                .expect("success");
            assert_eq!(out.shard_id(), SHARD_ID);
            let out = proto
                .put_record_aws_sigv4(&data(len), &response)
                .expect("success");
            assert_eq!(out.shard_id(), SHARD_ID);
        }
    }

    #[test]
    fn both_batch_pipelines_store_every_record_and_the_producer_is_billed_less() {
        use crate::batch::*;
        let records_in = batch();
        let producer = ProducerBatch::learn(&records_in);
        let proto = Proto::new();
        assert_eq!(
            producer.run(&proto, records(&records_in), true),
            BATCH_RECORDS
        );
        assert_eq!(
            producer.run(&proto, records(&records_in), false),
            BATCH_RECORDS
        );
        let rt = runtime();
        let sdk = sdk_batch_client(Retries::Disabled);
        let stored = rt
            .block_on(sdk_put_records(&sdk, records_in.clone()))
            .expect("success");
        assert_eq!(stored, BATCH_RECORDS);
        assert_eq!(sdk_put_payload_units(&records_in), BATCH_RECORDS);
        assert!(producer.put_payload_units * 100 < BATCH_RECORDS);
    }

    #[test]
    fn both_signers_give_the_same_authorization() {
        let proto = Proto::new();
        for (_, len) in SIZES {
            let mut ours = proto.build(&data(len));
            let mut theirs = ours.clone();
            proto.sign(&mut ours);
            proto.sign_aws_sigv4(&mut theirs);
            assert_eq!(ours.headers(), theirs.headers());
        }
    }

    #[test]
    fn proto_request_is_signed_for_kinesis() {
        let proto = Proto::new();
        let mut request = proto.build(&data(100));
        proto.sign(&mut request);
        let auth = request.headers()["authorization"].to_str().unwrap();
        assert!(auth.starts_with(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240305/us-east-1/kinesis/aws4_request"
        ));
        assert_eq!(request.headers()["x-amz-date"], "20240305T100000Z");
        assert_eq!(request.uri().to_string(), "http://127.0.0.1:4567/");
    }

    #[test]
    fn proto_throttled_path_is_throttling() {
        let proto = Proto::new();
        let response = canned_response(Canned::Throttled);
        let err = proto
            .put_record(&data(100), &response)
            .expect_err("an error");
        assert!(err.is_throttling());
        assert!(matches!(
            err,
            PutRecordError::ProvisionedThroughputExceededException(_)
        ));
        assert_eq!(err.request_id(), Some(REQUEST_ID));
    }

    #[test]
    fn sdk_success_path_reaches_the_shard() {
        let rt = runtime();
        for retries in [Retries::Default, Retries::Disabled] {
            let client = sdk_client(Canned::Success, retries);
            for (_, len) in SIZES {
                let out = rt
                    .block_on(sdk_put_record(&client, data(len)))
                    .expect("success");
                assert_eq!(out.shard_id(), SHARD_ID);
                assert_eq!(out.sequence_number(), SEQUENCE_NUMBER);
            }
        }
    }

    #[test]
    fn sdk_throttled_path_is_throttling_after_one_attempt() {
        let rt = runtime();
        let err = rt
            .block_on(sdk_put_record(
                &sdk_client(Canned::Throttled, Retries::Disabled),
                data(100),
            ))
            .expect_err("an error");
        assert!(sdk_is_throttled(&err), "{err:?}");
    }

    /// The SDK really sends a signed PutRecord with the whole record to the replay function.
    #[test]
    fn sdk_sends_a_signed_put_record() {
        let seen: Arc<Mutex<Vec<http::Request<aws_smithy_types::body::SdkBody>>>> = Arc::default();
        let sink = seen.clone();
        let http_client = infallible_client_fn(move |request| {
            sink.lock().unwrap().push(request);
            canned_response(Canned::Success)
        });
        let config = aws_sdk_kinesis::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new(REGION))
            .credentials_provider(Credentials::new(ACCESS_KEY, SECRET_KEY, None, None, "t"))
            .endpoint_url(ENDPOINT_URL)
            .http_client(http_client)
            .build();
        let client = aws_sdk_kinesis::Client::from_conf(config);
        runtime()
            .block_on(sdk_put_record(&client, data(100)))
            .expect("success");
        let seen = seen.lock().unwrap();
        assert_eq!(seen.len(), 1);
        let request = &seen[0];
        assert_eq!(request.uri().to_string(), "http://127.0.0.1:4567/");
        assert_eq!(
            request.headers()["x-amz-target"],
            "Kinesis_20131202.PutRecord"
        );
        let auth = request.headers()["authorization"].to_str().unwrap();
        assert!(auth.starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"));
        assert!(auth.contains("/us-east-1/kinesis/aws4_request"));
        // Same record as the crate's request: the JSON members may differ in order only.
        let body = request.body().bytes().expect("an in-memory body");
        let ours = Proto::new().build(&data(100));
        assert_eq!(body.len(), ours.body().len());
    }
}
