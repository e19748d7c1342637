//! Puts one record with the async `hyper` client (on tokio) and checks the
//! shard the server chose against the crate's prediction.
//!
//! ```text
//! AWS_ACCESS_KEY_ID=... AWS_SECRET_ACCESS_KEY=... \
//!     cargo run --example send_hyper -- [ENDPOINT] [STREAM]
//! ```
//! ENDPOINT defaults to `http://127.0.0.1:4567`, STREAM to
//! `kinesis-proto-example` (created with 2 shards when missing).

mod support;

use std::error::Error;
use std::time::Duration;

use http_body_util::{BodyExt as _, Full};
use hyper::body::Bytes;
use hyper_util::client::legacy::{Client, connect::HttpConnector};
use hyper_util::rt::TokioExecutor;
use kinesis_proto::{
    Endpoint, ListShardsInput, PutRecordInput, ShardMap, parse_put_record_response,
};
use support::{Settings, Signer, StreamState};

type HttpClient = Client<HttpConnector, Full<Bytes>>;

async fn send(
    client: &HttpClient,
    request: http::Request<Vec<u8>>,
) -> Result<http::Response<Vec<u8>>, Box<dyn Error>> {
    let response = client
        .request(request.map(|b| Full::new(Bytes::from(b))))
        .await?;
    let (parts, body) = response.into_parts();
    Ok(http::Response::from_parts(
        parts,
        body.collect().await?.to_bytes().to_vec(),
    ))
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn Error>> {
    let settings = Settings::from_args();
    let signer = Signer::from_env()?;
    let client: HttpClient = Client::builder(TokioExecutor::new()).build_http();
    let (url, stream) = (settings.endpoint.as_str(), settings.stream.as_str());

    // Make sure the stream exists and is ACTIVE (bounded wait).
    for attempt in 0.. {
        let summary = signer.control(url, "DescribeStreamSummary", support::stream_body(stream))?;
        match support::stream_state(&send(&client, summary).await?)? {
            StreamState::Active => break,
            StreamState::Missing if attempt == 0 => {
                let create =
                    signer.control(url, "CreateStream", support::create_stream_body(stream))?;
                send(&client, create).await?;
            }
            _ if attempt < 50 => tokio::time::sleep(Duration::from_millis(200)).await,
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
    let map = ShardMap::from_list_shards_response(&send(&client, list).await?)?;

    // The record: the crate builds the request, we sign and send it.
    let input = PutRecordInput::builder()
        .stream_name(stream)
        .partition_key("customer-42")
        .data(b"hello from kinesis-proto over hyper".to_vec())
        .build()?;
    let mut request = input.to_http_request(&endpoint);
    signer.sign(&mut request)?;
    let response = send(&client, request).await?;

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
