//! Puts one record with the blocking `ureq` client and checks the shard the
//! server chose against the crate's prediction.
//!
//! ```text
//! AWS_ACCESS_KEY_ID=... AWS_SECRET_ACCESS_KEY=... \
//!     cargo run --example send_ureq -- [ENDPOINT] [STREAM]
//! ```
//! ENDPOINT defaults to `http://127.0.0.1:4567`, STREAM to
//! `kinesis-proto-example` (created with 2 shards when missing).

mod support;

use std::error::Error;
use std::time::Duration;

use kinesis_proto::{
    Endpoint, ListShardsInput, PutRecordInput, ShardMap, parse_put_record_response,
};
use support::{Settings, Signer, StreamState};

fn main() -> Result<(), Box<dyn Error>> {
    let settings = Settings::from_args();
    let signer = Signer::from_env()?;
    let agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .new_agent();
    let send =
        |request: http::Request<Vec<u8>>| -> Result<http::Response<Vec<u8>>, Box<dyn Error>> {
            let (parts, body) = agent.run(request)?.into_parts();
            Ok(http::Response::from_parts(
                parts,
                body.into_with_config().read_to_vec()?,
            ))
        };
    let (url, stream) = (settings.endpoint.as_str(), settings.stream.as_str());

    // Make sure the stream exists and is ACTIVE (bounded wait).
    for attempt in 0.. {
        let summary = signer.control(url, "DescribeStreamSummary", support::stream_body(stream))?;
        match support::stream_state(&send(summary)?)? {
            StreamState::Active => break,
            StreamState::Missing if attempt == 0 => {
                send(signer.control(url, "CreateStream", support::create_stream_body(stream))?)?;
            }
            _ if attempt < 50 => std::thread::sleep(Duration::from_millis(200)),
            _ => return Err(format!("stream {stream} did not become ACTIVE").into()),
        }
    }
    let endpoint = Endpoint::custom(url)?;

    // The shard map: the crate builds the ListShards request and parses the
    // answer (one page is enough for a small stream).
    let mut list = ListShardsInput::builder()
        .stream_name(stream)
        .build()?
        .to_http_request(&endpoint);
    signer.sign(&mut list)?;
    let map = ShardMap::from_list_shards_response(&send(list)?)?;

    // The record: the crate builds the request, we sign and send it.
    let input = PutRecordInput::builder()
        .stream_name(stream)
        .partition_key("customer-42")
        .data(b"hello from kinesis-proto over ureq".to_vec())
        .build()?;
    let mut request = input.to_http_request(&endpoint);
    signer.sign(&mut request)?;
    let response = send(request)?;

    let predicted = input.hash_key().map(|h| map.shard_for(h).id().to_owned());
    match parse_put_record_response(&response) {
        Ok(out) => {
            println!("shard:           {}", out.shard_id());
            println!("sequence number: {}", out.sequence_number());
            println!(
                "predicted shard: {} ({})",
                predicted.as_deref().unwrap_or("none"),
                if predicted.as_deref() == Some(out.shard_id()) {
                    "match"
                } else {
                    "MISMATCH"
                }
            );
            if predicted.as_deref() != Some(out.shard_id()) {
                return Err("the server chose another shard than predicted".into());
            }
            Ok(())
        }
        Err(e) => Err(format!(
            "PutRecord failed: {} (retryable: {}, throttling: {})",
            e.code().unwrap_or("no code"),
            e.is_retryable(),
            e.is_throttling()
        )
        .into()),
    }
}
