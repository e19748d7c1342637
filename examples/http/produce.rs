//! Produces records through the crate's `Producer` engine with the async `hyper` client on tokio:
//! the run loop a producer application copies.
//!
//! ```text
//! AWS_ACCESS_KEY_ID=... AWS_SECRET_ACCESS_KEY=... \
//!     cargo run -p kinesis-proto-http-examples --example produce -- \
//!     [ENDPOINT] [STREAM] [RECORDS] [SHARDS] [--verify] [--reshard]
//! ```
//! ENDPOINT defaults to `http://127.0.0.1:4567`, STREAM to `kinesis-proto-produce` (created with
//! SHARDS shards, default 4, when missing), RECORDS to 100,000 records of 100 bytes with random
//! 16-character partition keys. It prints a progress line each second and a summary at the end.
//! With `--verify` it then reads every shard back from its start, de-aggregates what it reads
//! as the KCL does (dropping what the KCL would drop) and fails unless every delivered record is
//! there, on the shard its `Delivered` event named. With `--reshard` the stream is resharded
//! while records flow: a shard is split once a quarter of the records are delivered, and its
//! two children merged at half way (then `--verify` reads parents and children alike).
//!
//! The engine never does IO and never reads the clock; this loop gives it the time, signs and
//! sends what it hands out (concurrently: the engine bounds the requests in flight), hands back
//! each answer or transport failure, and sleeps until the next answer or the engine's timeout.

mod readback;
mod reshard;
mod support;

use std::collections::HashMap;
use std::error::Error;
use std::time::{Duration, Instant};

use http_body_util::{BodyExt as _, Full};
use hyper::body::Bytes;
use hyper_util::client::legacy::{Client, connect::HttpConnector};
use hyper_util::rt::TokioExecutor;
use kinesis_proto::{
    EndpointConfig, Event, FailureReason, Producer, ProducerConfig, PushRefusal, Record,
    StreamName, TransmitId,
};
use serde_json::json;
use support::{Signer, StreamState};
use tokio::sync::mpsc;

type HttpClient = Client<HttpConnector, Full<Bytes>>;

/// How long one request may take before it counts as unanswered (the engine resends it, and
/// counts its records as possible duplicates).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// Sends one request; `Err` when no answer came (connection error or timeout).
async fn send(
    client: &HttpClient,
    request: http::Request<Vec<u8>>,
) -> Result<http::Response<Vec<u8>>, String> {
    let call = async {
        let response = client
            .request(request.map(|b| Full::new(Bytes::from(b))))
            .await
            .map_err(|e| e.to_string())?;
        let (parts, body) = response.into_parts();
        let body = body.collect().await.map_err(|e| e.to_string())?;
        Ok(http::Response::from_parts(parts, body.to_bytes().to_vec()))
    };
    match tokio::time::timeout(REQUEST_TIMEOUT, call).await {
        Ok(answer) => answer,
        Err(_) => Err(format!("no answer within {REQUEST_TIMEOUT:?}")),
    }
}

/// Command-line settings.
struct Args {
    endpoint: String,
    stream: String,
    records: usize,
    shards: u32,
    verify: bool,
    reshard: bool,
}

impl Args {
    fn parse() -> Result<Args, Box<dyn Error>> {
        let flag = |name: &str| std::env::args().any(|a| a == name);
        let (verify, reshard) = (flag("--verify"), flag("--reshard"));
        let mut positional = std::env::args().skip(1).filter(|a| !a.starts_with("--"));
        let mut next = |default: &str| positional.next().unwrap_or_else(|| default.to_owned());
        Ok(Args {
            endpoint: next("http://127.0.0.1:4567"),
            stream: next("kinesis-proto-produce"),
            records: next("100000").parse()?,
            shards: next("4").parse()?,
            verify,
            reshard,
        })
    }
}

/// Record `i`: 100 bytes that start with its index, so that a reader can tell which it is.
fn record(i: usize, rng: &mut u64) -> Record {
    let mut data = format!("record {i:012} ").into_bytes();
    data.resize(100, b'.');
    let key: String = (0..16)
        .map(|_| {
            // SplitMix64: random enough for keys spread over the shards, and repeatable.
            *rng = rng.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = *rng;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            char::from(b'a' + ((z ^ (z >> 31)) % 26) as u8)
        })
        .collect();
    Record::new(data, key)
}

/// Makes sure the stream exists and is ACTIVE (bounded wait).
async fn ensure_stream(client: &HttpClient, signer: &Signer, args: &Args) -> Result<(), String> {
    let (url, stream) = (args.endpoint.as_str(), args.stream.as_str());
    for attempt in 0..50 {
        let summary = signer.control(url, "DescribeStreamSummary", support::stream_body(stream))?;
        match support::stream_state(&send(client, summary).await?)? {
            StreamState::Active => return Ok(()),
            StreamState::Missing if attempt == 0 => {
                let body = json!({ "StreamName": stream, "ShardCount": args.shards });
                send(client, signer.control(url, "CreateStream", body)?).await?;
            }
            _ => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    }
    Err(format!("stream {stream} did not become ACTIVE"))
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn Error>> {
    let args = Args::parse()?;
    let signer = Signer::from_env()?;
    let client: HttpClient = Client::builder(TokioExecutor::new()).build_http();
    ensure_stream(&client, &signer, &args).await?;

    let endpoint = EndpointConfig::new(signer.region()).custom_url(&args.endpoint)?;
    let config = ProducerConfig::new(StreamName::new(&args.stream)?);
    let mut producer = Producer::new(config, &endpoint, Instant::now())?;

    // Answers come back on a channel, each with the id of its transmit.
    type Answer = (TransmitId, Result<http::Response<Vec<u8>>, String>);
    let (answers_tx, mut answers) = mpsc::unbounded_channel::<Answer>();
    let mut rng = 0x5eed_u64;
    let (mut next, mut waiting): (usize, Option<Record>) = (0, None);
    let mut delivered_on: HashMap<usize, String> = HashMap::new();
    let mut failed = 0u64;
    let mut resharding = reshard::Reshard::default();
    let (started, mut last_progress) = (Instant::now(), Instant::now());

    loop {
        let now = Instant::now();
        // Hand the engine records until it says it is full (it gives the record back).
        while next < args.records {
            let record = waiting.take().unwrap_or_else(|| record(next, &mut rng));
            match producer.push(record, now) {
                // Ids count up from 0 in push order: record `next` has id `next`.
                Ok(_id) => next += 1,
                Err(e) if matches!(e.refusal, PushRefusal::Full) => {
                    waiting = Some(e.record);
                    break;
                }
                Err(e) => return Err(format!("record {next}: {e}").into()),
            }
        }
        if next == args.records {
            producer.close(now); // Sends what is held now; is_idle once every record has ended.
        }
        // Sign and send everything due; each answer comes back through the channel.
        while let Some(transmit) = producer.poll_transmit(now) {
            let mut request = transmit.request;
            signer.sign(&mut request)?;
            let (client, answers_tx) = (client.clone(), answers_tx.clone());
            tokio::spawn(async move {
                let answer = send(&client, request).await;
                let _ = answers_tx.send((transmit.id, answer));
            });
        }
        while let Some(event) = producer.poll_event() {
            match event {
                Event::Delivered { id, shard_id, .. } => {
                    delivered_on.insert(id.get() as usize, shard_id.to_string());
                }
                Event::Failed { id, reason, .. } => {
                    failed += 1;
                    eprintln!("record {} failed: {}", id.get(), describe(&reason));
                }
                Event::StreamSettingsUnavailable { error } => {
                    eprintln!("stream settings unavailable, going on with defaults: {error:?}");
                }
                Event::ShardMapUnavailable { error } => {
                    eprintln!("shard map unavailable, sending unaggregated: {error:?}");
                }
                other => eprintln!("{other:?}"),
            }
        }
        if producer.is_idle() && next == args.records {
            break;
        }
        if args.reshard {
            let stream = (args.endpoint.as_str(), args.stream.as_str());
            let progress = (delivered_on.len(), args.records);
            resharding.step(&client, &signer, stream, progress).await?;
        }
        if last_progress.elapsed() >= Duration::from_secs(1) {
            last_progress = Instant::now();
            let s = producer.stats();
            println!(
                "{:>6.1} s  sent {:>7}  delivered {:>7}  in flight {:>3}  retried {:>5}  throttled {:>5}",
                started.elapsed().as_secs_f64(),
                s.entries_sent,
                s.records_delivered,
                s.in_flight,
                s.retries,
                s.throttles,
            );
        }
        // Sleep until an answer arrives, the engine's next timeout, or the next progress line.
        let wake = producer
            .poll_timeout()
            .unwrap_or(now + Duration::from_secs(1))
            .min(last_progress + Duration::from_secs(1));
        tokio::select! {
            Some((id, answer)) = answers.recv() => {
                let now = Instant::now();
                match answer {
                    Ok(response) => producer.handle_response(id, &response, now)?,
                    Err(error) => {
                        eprintln!("request {}: {error}; the engine resends it", id.get());
                        producer.handle_transport_error(id, now)?;
                    }
                }
            }
            () = tokio::time::sleep_until(wake.into()) => producer.handle_timeout(Instant::now()),
        }
    }

    let s = producer.stats();
    println!(
        "done in {:.1} s: {} delivered, {} failed, {} possible duplicates, {:.1} records per \
         aggregate, {} requests ({} PutRecords), {} retries, {} throttled",
        started.elapsed().as_secs_f64(),
        s.records_delivered,
        s.records_failed,
        s.possible_duplicates,
        s.records_per_aggregate(),
        s.requests,
        s.put_records_requests,
        s.retries,
        s.throttles,
    );
    if failed > 0 {
        return Err(format!("{failed} records failed").into());
    }
    if args.verify {
        let shards = reshard::all_shards(&client, &signer, &args.endpoint, &args.stream).await?;
        readback::verify(&client, &signer, &args, &shards, &delivered_on).await?;
    }
    Ok(())
}

fn describe(reason: &FailureReason) -> String {
    match reason {
        FailureReason::Expired { last_error_code } => {
            format!("expired (last error {last_error_code:?})")
        }
        FailureReason::NotRetryable { code, message } => {
            format!("not retryable: {code:?} {message:?}")
        }
        other => format!("{other:?}"),
    }
}
