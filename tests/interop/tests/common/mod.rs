//! Helpers shared by the integration tests that talk to a real
//! Kinesis-compatible server (see `.ci/real-server.sh`).
//!
//! The crate under test is sans-IO, so everything that touches the network
//! lives here: SigV4 signing (with the crate's own signer), two HTTP stacks (blocking `ureq` and async
//! `hyper`), and the few control-plane calls the crate does not offer
//! (CreateStream, DescribeStreamSummary, SplitShard, DeleteStream, and the
//! read side: GetShardIterator and GetRecords), built by hand in the
//! awsJson1_1 protocol. ListShards requests are built by the
//! crate; [`open_shards`] decodes the answer by hand, as an independent
//! check on the crate's parser.
#![allow(dead_code, unreachable_pub)]

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant, SystemTime};

use base64::Engine as _;
use http_body_util::{BodyExt as _, Full};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use kinesis_proto::{Credentials, Signer};
use serde_json::{Value, json};

/// Environment variable naming the endpoint of the ordinary test server.
pub const ENDPOINT_VAR: &str = "KINESIS_PROTO_TEST_ENDPOINT";
/// Environment variable naming the endpoint of a server that enforces the
/// per-shard write limits (and so answers with throttling errors).
pub const THROTTLED_ENDPOINT_VAR: &str = "KINESIS_PROTO_TEST_THROTTLED_ENDPOINT";

/// Dummy credentials: the test server checks that a signature is present,
/// not that it is valid for a real account.
pub const ACCESS_KEY_ID: &str = "AKIDEXAMPLE";
pub const SECRET_ACCESS_KEY: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
pub const REGION: &str = "us-east-1";
pub const SERVICE: &str = "kinesis";

/// Content type of the awsJson1_1 protocol.
pub const AMZ_JSON: &str = "application/x-amz-json-1.1";
/// Prefix of every `x-amz-target` value.
pub const TARGET_PREFIX: &str = "Kinesis_20131202.";

/// Upper bound for waiting on a stream to become ACTIVE.
pub const ACTIVE_TIMEOUT: Duration = Duration::from_secs(20);

fn required_env(var: &str) -> String {
    match std::env::var(var) {
        Ok(v) if !v.trim().is_empty() => v.trim().trim_end_matches('/').to_owned(),
        _ => panic!(
            "{var} is not set: these tests need a Kinesis-compatible server; \
             run them through .ci/real-server.sh"
        ),
    }
}

/// The base URL of the test server, e.g. `http://127.0.0.1:4567`.
pub fn endpoint_from_env() -> String {
    required_env(ENDPOINT_VAR)
}

/// The base URL of the test server that enforces shard write limits.
pub fn throttled_endpoint_from_env() -> String {
    required_env(THROTTLED_ENDPOINT_VAR)
}

/// A stream name that is unique within this test run, so tests can run in
/// parallel against one server (and against a server left over from an
/// earlier run).
pub fn unique_stream_name(prefix: &str) -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("{prefix}-{}-{nanos:09}-{n}", std::process::id())
}

/// The dummy credentials used by the tests.
pub fn test_credentials() -> Credentials {
    Credentials::new(ACCESS_KEY_ID, SECRET_ACCESS_KEY, None)
}

/// Signs `req` in place with the crate's SigV4 signer for service `kinesis` in `us-east-1`
/// using the dummy test credentials and the current time.
pub fn sign(req: &mut http::Request<Vec<u8>>) {
    sign_with(req, &test_credentials(), REGION, SystemTime::now());
}

/// Signs `req` in place with the crate's SigV4 signer for service `kinesis`.
///
/// Adds `x-amz-date`, `authorization` and (with a session token)
/// `x-amz-security-token`. Every header already on the request is signed.
pub fn sign_with(
    req: &mut http::Request<Vec<u8>>,
    credentials: &Credentials,
    region: &str,
    time: SystemTime,
) {
    Signer::new(credentials.clone(), region)
        .sign(req, time)
        .expect("the crate signs its own requests and these tests' control-plane ones");
}

// ---------------------------------------------------------------------------
// HTTP stacks
// ---------------------------------------------------------------------------

/// A shared blocking agent that hands 4xx/5xx back as ordinary responses.
pub fn ureq_agent() -> &'static ureq::Agent {
    static AGENT: OnceLock<ureq::Agent> = OnceLock::new();
    AGENT.get_or_init(|| {
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(30)))
            .build()
            .new_agent()
    })
}

/// Sends `req` with the blocking `ureq` stack and reads the whole body.
pub fn send_ureq(req: http::Request<Vec<u8>>) -> http::Response<Vec<u8>> {
    let response = ureq_agent().run(req).expect("ureq transport");
    let (parts, body) = response.into_parts();
    let body = body
        .into_with_config()
        .limit(16 * 1024 * 1024)
        .read_to_vec()
        .expect("ureq body");
    http::Response::from_parts(parts, body)
}

/// An async `hyper` (1.x, legacy client) sender that keeps its connection
/// pool across requests.
#[derive(Debug, Clone)]
pub struct HyperSender {
    client: Client<HttpConnector, Full<Bytes>>,
}

impl HyperSender {
    /// A new client; create it inside the runtime that will drive it.
    pub fn new() -> Self {
        HyperSender {
            client: Client::builder(TokioExecutor::new()).build_http(),
        }
    }

    /// Sends `req` and reads the whole body.
    pub async fn send(&self, req: http::Request<Vec<u8>>) -> http::Response<Vec<u8>> {
        let req = req.map(|body| Full::new(Bytes::from(body)));
        let response = self.client.request(req).await.expect("hyper transport");
        let (parts, body) = response.into_parts();
        let body = body
            .collect()
            .await
            .expect("hyper body")
            .to_bytes()
            .to_vec();
        http::Response::from_parts(parts, body)
    }
}

/// Sends `req` with the async `hyper` stack (a one-off client) and reads the
/// whole body.
pub async fn send_hyper(req: http::Request<Vec<u8>>) -> http::Response<Vec<u8>> {
    HyperSender::new().send(req).await
}

/// Sends `req` with `hyper` from synchronous code (a fresh current-thread
/// runtime per call).
pub fn send_hyper_blocking(req: http::Request<Vec<u8>>) -> http::Response<Vec<u8>> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
        .block_on(send_hyper(req))
}

/// Which HTTP stack a test sends through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stack {
    Ureq,
    Hyper,
}

impl Stack {
    pub const ALL: [Stack; 2] = [Stack::Ureq, Stack::Hyper];

    /// Sends a (signed) request through this stack, blocking.
    pub fn send(self, req: http::Request<Vec<u8>>) -> http::Response<Vec<u8>> {
        match self {
            Stack::Ureq => send_ureq(req),
            Stack::Hyper => send_hyper_blocking(req),
        }
    }
}

// ---------------------------------------------------------------------------
// Hand-built awsJson1_1 calls (control plane and raw requests)
// ---------------------------------------------------------------------------

/// Builds an unsigned awsJson1_1 request: `POST /` with the operation in
/// `x-amz-target` and `body` as the JSON payload.
pub fn json_request(endpoint: &str, operation: &str, body: Vec<u8>) -> http::Request<Vec<u8>> {
    http::Request::builder()
        .method(http::Method::POST)
        .uri(format!("{endpoint}/"))
        .header(http::header::CONTENT_TYPE, AMZ_JSON)
        .header("x-amz-target", format!("{TARGET_PREFIX}{operation}"))
        .body(body)
        .expect("valid request")
}

/// Builds and signs an awsJson1_1 request for `operation` with a JSON body.
pub fn signed_json_request(
    endpoint: &str,
    operation: &str,
    body: &Value,
) -> http::Request<Vec<u8>> {
    let mut req = json_request(endpoint, operation, body.to_string().into_bytes());
    sign(&mut req);
    req
}

/// Calls `operation` through `ureq` and returns the raw response.
pub fn call_raw(endpoint: &str, operation: &str, body: &Value) -> http::Response<Vec<u8>> {
    send_ureq(signed_json_request(endpoint, operation, body))
}

/// Calls `operation` and returns the parsed JSON body (`{}` for an empty
/// body), panicking on any non-2xx answer.
pub fn call(endpoint: &str, operation: &str, body: &Value) -> Value {
    let response = call_raw(endpoint, operation, body);
    let status = response.status();
    assert!(
        status.is_success(),
        "{operation} failed with {status}: {}",
        String::from_utf8_lossy(response.body())
    );
    json_body(&response)
}

/// The response body parsed as JSON (`{}` when empty).
pub fn json_body(response: &http::Response<Vec<u8>>) -> Value {
    if response.body().is_empty() {
        return json!({});
    }
    serde_json::from_slice(response.body()).unwrap_or_else(|e| {
        panic!(
            "response body is not JSON ({e}): {}",
            String::from_utf8_lossy(response.body())
        )
    })
}

/// CreateStream with `shard_count` shards (provisioned mode).
pub fn create_stream(endpoint: &str, name: &str, shard_count: u32) {
    call(
        endpoint,
        "CreateStream",
        &json!({ "StreamName": name, "ShardCount": shard_count }),
    );
}

/// DescribeStreamSummary, returning the `StreamDescriptionSummary` object.
pub fn describe_stream_summary(endpoint: &str, name: &str) -> Value {
    call(
        endpoint,
        "DescribeStreamSummary",
        &json!({ "StreamName": name }),
    )["StreamDescriptionSummary"]
        .take()
}

/// Polls DescribeStreamSummary until the stream is ACTIVE (bounded by
/// [`ACTIVE_TIMEOUT`]); returns the summary.
pub fn wait_active(endpoint: &str, name: &str) -> Value {
    let deadline = Instant::now() + ACTIVE_TIMEOUT;
    loop {
        let summary = describe_stream_summary(endpoint, name);
        if summary["StreamStatus"] == "ACTIVE" {
            return summary;
        }
        assert!(
            Instant::now() < deadline,
            "stream {name} not ACTIVE after {ACTIVE_TIMEOUT:?}: {summary}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The stream's ARN, from DescribeStreamSummary.
pub fn stream_arn(endpoint: &str, name: &str) -> String {
    describe_stream_summary(endpoint, name)["StreamARN"]
        .as_str()
        .expect("StreamARN in summary")
        .to_owned()
}

/// SplitShard: `shard_id` is split at `new_starting_hash_key` (a decimal
/// string); the parent shard is closed and two open children appear.
pub fn split_shard(endpoint: &str, name: &str, shard_id: &str, new_starting_hash_key: &str) {
    call(
        endpoint,
        "SplitShard",
        &json!({
            "StreamName": name,
            "ShardToSplit": shard_id,
            "NewStartingHashKey": new_starting_hash_key,
        }),
    );
}

/// DeleteStream (with consumer deregistration enforced off).
pub fn delete_stream(endpoint: &str, name: &str) {
    call(endpoint, "DeleteStream", &json!({ "StreamName": name }));
}

/// A signed ListShards request for the whole stream, built by the crate
/// (by stream name: the test server refuses a ListShards with the ARN only,
/// and it ignores `ShardFilter`, so closed shards are listed too).
pub fn list_shards_request(endpoint: &str, name: &str) -> http::Request<Vec<u8>> {
    let input = kinesis_proto::ListShardsInput::builder()
        .stream_name(name)
        .build()
        .expect("valid ListShards input");
    let endpoint = kinesis_proto::Endpoint::custom(endpoint).expect("test endpoint URL");
    let mut req = input.to_http_request(&endpoint);
    sign(&mut req);
    req
}

/// A hand-built, signed PutRecord request (data is base64-encoded here).
pub fn put_record_request(
    endpoint: &str,
    name: &str,
    partition_key: &str,
    data: &[u8],
    explicit_hash_key: Option<&str>,
) -> http::Request<Vec<u8>> {
    let mut body = json!({
        "StreamName": name,
        "PartitionKey": partition_key,
        "Data": base64::engine::general_purpose::STANDARD.encode(data),
    });
    if let Some(h) = explicit_hash_key {
        body["ExplicitHashKey"] = json!(h);
    }
    signed_json_request(endpoint, "PutRecord", &body)
}

/// One record read back from a shard with GetRecords, decoded by hand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadRecord {
    pub sequence_number: String,
    pub partition_key: String,
    pub data: Vec<u8>,
}

/// A TRIM_HORIZON shard iterator for `shard_id` (GetShardIterator).
pub fn trim_horizon_iterator(endpoint: &str, name: &str, shard_id: &str) -> String {
    call(
        endpoint,
        "GetShardIterator",
        &json!({
            "StreamName": name,
            "ShardId": shard_id,
            "ShardIteratorType": "TRIM_HORIZON",
        }),
    )["ShardIterator"]
        .as_str()
        .expect("ShardIterator in answer")
        .to_owned()
}

/// Every record stored on `shard_id`, oldest first: GetShardIterator at
/// TRIM_HORIZON, then GetRecords until a call returns no records (bounded).
pub fn read_shard(endpoint: &str, name: &str, shard_id: &str) -> Vec<ReadRecord> {
    let mut iterator = trim_horizon_iterator(endpoint, name, shard_id);
    let mut records = Vec::new();
    for _ in 0..100 {
        let page = call(
            endpoint,
            "GetRecords",
            &json!({ "ShardIterator": iterator, "Limit": 10_000 }),
        );
        let items = page["Records"].as_array().expect("Records array");
        if items.is_empty() {
            return records;
        }
        for item in items {
            records.push(ReadRecord {
                sequence_number: item["SequenceNumber"]
                    .as_str()
                    .expect("SequenceNumber")
                    .to_owned(),
                partition_key: item["PartitionKey"]
                    .as_str()
                    .expect("PartitionKey")
                    .to_owned(),
                data: base64::engine::general_purpose::STANDARD
                    .decode(item["Data"].as_str().expect("Data"))
                    .expect("Data is base64"),
            });
        }
        match page["NextShardIterator"].as_str() {
            Some(next) => iterator = next.to_owned(),
            None => return records,
        }
    }
    panic!("{shard_id}: still reading after 100 GetRecords calls");
}

/// An open shard as listed by ListShards: id and inclusive hash key range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawShard {
    pub id: String,
    pub start: u128,
    pub end: u128,
}

/// The open shards (no `EndingSequenceNumber`) of a ListShards answer,
/// decoded by hand; used to pick split points and boundary keys
/// independently of the crate.
pub fn open_shards(list_shards_body: &Value) -> Vec<RawShard> {
    let mut shards = list_shards_body["Shards"]
        .as_array()
        .expect("Shards array")
        .iter()
        .filter(|s| s["SequenceNumberRange"]["EndingSequenceNumber"].is_null())
        .map(|s| RawShard {
            id: s["ShardId"].as_str().expect("ShardId").to_owned(),
            start: s["HashKeyRange"]["StartingHashKey"]
                .as_str()
                .and_then(|v| v.parse().ok())
                .expect("StartingHashKey"),
            end: s["HashKeyRange"]["EndingHashKey"]
                .as_str()
                .and_then(|v| v.parse().ok())
                .expect("EndingHashKey"),
        })
        .collect::<Vec<_>>();
    shards.sort_by_key(|s| s.start);
    shards
}

/// A stream created for one test and deleted (best effort) when dropped.
#[derive(Debug)]
pub struct TestStream {
    pub endpoint: String,
    pub name: String,
}

impl TestStream {
    /// Creates a uniquely named stream with `shard_count` shards and waits
    /// until it is ACTIVE.
    pub fn create(endpoint: &str, prefix: &str, shard_count: u32) -> Self {
        let name = unique_stream_name(prefix);
        create_stream(endpoint, &name, shard_count);
        wait_active(endpoint, &name);
        TestStream {
            endpoint: endpoint.to_owned(),
            name,
        }
    }

    /// The stream's open shards, via a hand-decoded ListShards.
    pub fn open_shards(&self) -> Vec<RawShard> {
        let response = send_ureq(list_shards_request(&self.endpoint, &self.name));
        assert!(response.status().is_success(), "ListShards failed");
        open_shards(&json_body(&response))
    }
}

impl Drop for TestStream {
    fn drop(&mut self) {
        // Best effort: a failing delete must not mask the test's own result.
        let _ = call_raw(
            &self.endpoint,
            "DeleteStream",
            &json!({ "StreamName": self.name }),
        );
    }
}

// ---------------------------------------------------------------------------
// Deterministic test data
// ---------------------------------------------------------------------------

/// A tiny deterministic PRNG (SplitMix64), so failures are reproducible.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform-ish value in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next_u64() % (hi - lo + 1)
    }

    pub fn next_u128(&mut self) -> u128 {
        (u128::from(self.next_u64()) << 64) | u128::from(self.next_u64())
    }
}

/// Characters for random partition keys: ASCII plus 2-, 3- and 4-byte UTF-8.
const NON_ASCII: &[char] = &[
    'é', 'ß', 'Ж', 'λ', 'ü', '中', '文', '日', '本', '€', '😀', '🦀', '𝄞',
];

/// A random partition key of 1..=256 characters. About half the keys mix in
/// non-ASCII characters. The key is also kept within 256 UTF-8 bytes, as
/// the test server measures the limit in bytes.
pub fn random_partition_key(rng: &mut SplitMix64) -> String {
    let chars = rng.range(1, 256) as usize;
    let non_ascii = rng.next_u64().is_multiple_of(2);
    let mut key = String::with_capacity(chars);
    for _ in 0..chars {
        let c = if non_ascii && rng.next_u64().is_multiple_of(3) {
            NON_ASCII[(rng.next_u64() % NON_ASCII.len() as u64) as usize]
        } else {
            // Printable ASCII, space through tilde.
            char::from(rng.range(0x20, 0x7e) as u8)
        };
        if key.len() + c.len_utf8() > 256 {
            break;
        }
        key.push(c);
    }
    key
}
