//! What the examples share: command-line settings, SigV4 signing with
//! credentials from the standard AWS environment variables, and the
//! hand-built control-plane requests the crate does not offer (CreateStream,
//! DescribeStreamSummary); ListShards and PutRecord are built by the crate.

// Each example uses a part of this module.
#![allow(dead_code)]

use std::sync::Mutex;
use std::time::SystemTime;

use kinesis_proto::Credentials;
use serde_json::{Value, json};

/// `[ENDPOINT] [STREAM]` from the command line.
pub(crate) struct Settings {
    pub(crate) endpoint: String,
    pub(crate) stream: String,
}

impl Settings {
    pub(crate) fn from_args() -> Settings {
        let mut args = std::env::args().skip(1);
        Settings {
            endpoint: args
                .next()
                .unwrap_or_else(|| "http://127.0.0.1:4567".to_owned()),
            stream: args
                .next()
                .unwrap_or_else(|| "kinesis-proto-example".to_owned()),
        }
    }
}

/// Signs requests for the `kinesis` service with the crate's signer (feature `sigv4`).
///
/// The crate's `Signer::sign` takes `&mut self` (it keeps the day's signing key); behind a
/// mutex, the examples' tasks can share one.
pub(crate) struct Signer {
    signer: Mutex<kinesis_proto::Signer>,
    region: String,
}

impl Signer {
    /// Credentials from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and the
    /// optional `AWS_SESSION_TOKEN`; region from `AWS_REGION` (default
    /// `us-east-1`). The crate reads no environment: the example does, as a
    /// credential provider would.
    pub(crate) fn from_env() -> Result<Signer, String> {
        let var = |name: &str| std::env::var(name).map_err(|_| format!("{name} is not set"));
        let credentials = Credentials::new(
            var("AWS_ACCESS_KEY_ID")?,
            var("AWS_SECRET_ACCESS_KEY")?,
            std::env::var("AWS_SESSION_TOKEN").ok(),
        );
        let region = std::env::var("AWS_REGION").unwrap_or_else(|_| "us-east-1".to_owned());
        Ok(Signer {
            signer: Mutex::new(kinesis_proto::Signer::new(credentials, &region)),
            region,
        })
    }

    /// The region requests are signed for.
    pub(crate) fn region(&self) -> &str {
        &self.region
    }

    /// Adds the SigV4 headers to `request`, signed at the current time.
    pub(crate) fn sign(&self, request: &mut http::Request<Vec<u8>>) -> Result<(), String> {
        self.lock()
            .sign(request, SystemTime::now())
            .map_err(|e| e.to_string())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, kinesis_proto::Signer> {
        // A panic while signing cannot leave the signer half-changed (a refused request is
        // left as it was), so a poisoned lock is still usable.
        self.signer
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// A signed awsJson1_1 control-plane request (`POST /`).
    pub(crate) fn control(
        &self,
        endpoint: &str,
        operation: &str,
        body: Value,
    ) -> Result<http::Request<Vec<u8>>, String> {
        let mut request = http::Request::post(format!("{}/", endpoint.trim_end_matches('/')))
            .header("content-type", "application/x-amz-json-1.1")
            .header("x-amz-target", format!("Kinesis_20131202.{operation}"))
            .body(body.to_string().into_bytes())
            .map_err(|e| e.to_string())?;
        self.sign(&mut request)?;
        Ok(request)
    }
}

/// What a DescribeStreamSummary answer says about the stream.
pub(crate) enum StreamState {
    Active,
    NotYet,
    Missing,
}

pub(crate) fn stream_state(response: &http::Response<Vec<u8>>) -> Result<StreamState, String> {
    let body: Value = serde_json::from_slice(response.body()).unwrap_or(Value::Null);
    if response.status().is_success() {
        let active = body["StreamDescriptionSummary"]["StreamStatus"] == "ACTIVE";
        return Ok(if active {
            StreamState::Active
        } else {
            StreamState::NotYet
        });
    }
    if body["__type"] == "ResourceNotFoundException" {
        return Ok(StreamState::Missing);
    }
    Err(format!(
        "DescribeStreamSummary: {} {}",
        response.status(),
        String::from_utf8_lossy(response.body())
    ))
}

/// Body of a CreateStream call for a small example stream.
pub(crate) fn create_stream_body(stream: &str) -> Value {
    json!({ "StreamName": stream, "ShardCount": 2 })
}

/// Body of the DescribeStreamSummary call.
pub(crate) fn stream_body(stream: &str) -> Value {
    json!({ "StreamName": stream })
}
