//! The batch comparison: 4,000 records of 100 bytes with 16-byte partition keys, through the
//! crate's `Producer` (aggregation on, 4 shards, each request signed with the crate's signer)
//! and through the SDK's `put_records`, 500 at a time. Both end at a canned success for every
//! entry; the producer's answers put each entry on the shard it was sent to.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::time::{Duration, Instant};

use aws_sdk_kinesis::error::SdkError;
use aws_sdk_kinesis::operation::put_records::{PutRecordsError, PutRecordsOutput};
use aws_sdk_kinesis::primitives::Blob;
use aws_sdk_kinesis::types::PutRecordsRequestEntry;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use bytes::Bytes;
use http::{Response, StatusCode};
use kinesis_proto::{
    EndpointConfig, Event, Operation, Producer, ProducerConfig, Record, RecordDistribution,
    ShardMap, StreamName,
};

use crate::{
    ENDPOINT_URL, Proto, REGION, REQUEST_ID, Retries, SEQUENCE_NUMBER, STREAM, sdk_client_replying,
};

/// Records in one batch.
pub const BATCH_RECORDS: usize = 4_000;
/// Bytes of data per record.
pub const BATCH_RECORD: usize = 100;
/// Entries per SDK `put_records` call (the API's limit).
pub const SDK_BATCH: usize = 500;
/// Shards of the stream the producer writes to.
pub const BATCH_SHARDS: u32 = 4;
/// A PUT payload unit: each record is billed in chunks of 25 KB (read as 25,600 bytes), at
/// least one (Amazon Kinesis Data Streams pricing).
pub const PUT_PAYLOAD_UNIT: usize = 25 * 1024;

/// The batch: `(data, partition key)`, each key distinct and 16 bytes long.
pub fn batch() -> Vec<(Vec<u8>, String)> {
    (0..BATCH_RECORDS)
        .map(|i| (vec![(i % 251) as u8; BATCH_RECORD], format!("key-{i:012}")))
        .collect()
}

/// PUT payload units of one Kinesis record of `bytes` (data plus partition key).
pub fn put_payload_units(bytes: usize) -> usize {
    bytes.div_ceil(PUT_PAYLOAD_UNIT).max(1)
}

/// A success for every entry of a PutRecords `body`, each on the shard its explicit hash key
/// routes to in `map`.
fn routed_success(body: &[u8], map: &ShardMap) -> (Response<Bytes>, usize) {
    let body: serde_json::Value = serde_json::from_slice(body).expect("a JSON body");
    let entries = body["Records"].as_array().expect("entries");
    let mut units = 0;
    let results: Vec<String> = entries
        .iter()
        .map(|e| {
            let data = base64_len(e["Data"].as_str().expect("data"));
            units += put_payload_units(data + e["PartitionKey"].as_str().map_or(0, str::len));
            let key = e["ExplicitHashKey"].as_str().expect("a hash key");
            let shard = map.shard_for(key.parse().expect("a hash key")).id();
            format!(r#"{{"SequenceNumber":"{SEQUENCE_NUMBER}","ShardId":"{shard}"}}"#)
        })
        .collect();
    let body = format!(
        r#"{{"FailedRecordCount":0,"Records":[{}]}}"#,
        results.join(",")
    );
    (success(body), units)
}

/// Decoded length of standard base64 text.
fn base64_len(text: &str) -> usize {
    let pad = text.bytes().rev().take_while(|&b| b == b'=').count();
    text.len() / 4 * 3 - pad
}

fn success(body: String) -> Response<Bytes> {
    success_bytes(Bytes::from(body))
}

fn success_bytes(body: Bytes) -> Response<Bytes> {
    Response::builder()
        .status(StatusCode::OK)
        .header("x-amzn-RequestId", REQUEST_ID)
        .header("content-type", "application/x-amz-json-1.1")
        .header("content-length", body.len())
        .body(body)
        .expect("a valid response")
}

/// The producer side: one long-lived producer (as a caller keeps one), each round 10 s after
/// the last so that the shards' token buckets are full again, and the canned answer of each
/// request shape, learnt when first met (a long-lived producer cycles through a few: its
/// round-robin start moves each round).
#[derive(Debug)]
pub struct ProducerBatch {
    producer: RefCell<Producer>,
    now: Cell<Instant>,
    answers: RefCell<HashMap<Shape, Response<Bytes>>>,
    map: ShardMap,
    /// PUT payload units of the Kinesis records the producer sent in the first round
    /// (aggregates counted once).
    pub put_payload_units: usize,
    /// PutRecords requests in the first round.
    pub requests: usize,
}

fn producer(now: Instant) -> Producer {
    let config = ProducerConfig::new(StreamName::new(STREAM).expect("a stream name"))
        .stream_settings(1 << 20, RecordDistribution::UserPartitionKey)
        .shard_map(ShardMap::even(BATCH_SHARDS).expect("the shards"));
    let endpoints = EndpointConfig::new(REGION)
        .custom_url(ENDPOINT_URL)
        .expect("a valid endpoint");
    Producer::new(config, &endpoints, now).expect("a producer")
}

/// The batch as the producer takes it.
pub fn records(batch: &[(Vec<u8>, String)]) -> Vec<Record> {
    (batch.iter())
        .map(|(data, key)| Record::new(data.clone(), key.clone()))
        .collect()
}

/// A request's length and its first and last bytes.
type Shape = (usize, Vec<u8>, Vec<u8>);

/// What tells a request's shape apart, read without parsing the body: its length and ends.
fn shape(body: &[u8]) -> Shape {
    let ends = 160.min(body.len());
    (
        body.len(),
        body[..ends].to_vec(),
        body[body.len() - ends..].to_vec(),
    )
}

/// The stream's summary, for the settings check a long-lived producer makes every 300 s.
const SUMMARY: &str = r#"{"StreamDescriptionSummary":{"StreamName":"orders",
    "StreamARN":"arn:aws:kinesis:us-east-1:123456789012:stream/orders",
    "StreamStatus":"ACTIVE","OpenShardCount":4}}"#;

impl ProducerBatch {
    /// A producer for the batch, run once to learn its answers and what it is billed.
    pub fn learn(batch: &[(Vec<u8>, String)]) -> ProducerBatch {
        let now = Instant::now();
        let mut p = ProducerBatch {
            producer: RefCell::new(producer(now)),
            now: Cell::new(now),
            answers: RefCell::new(HashMap::new()),
            map: ShardMap::even(BATCH_SHARDS).expect("the shards"),
            put_payload_units: 0,
            requests: 0,
        };
        let (delivered, units, requests) = p.round(None, records(batch), true);
        assert_eq!(
            delivered, BATCH_RECORDS,
            "the first round delivers the batch"
        );
        (p.put_payload_units, p.requests) = (units, requests);
        p
    }

    /// (a) The batch through the producer: push, then each request signed (unless `!signed`)
    /// and answered; returns how many records were delivered.
    pub fn run(&self, proto: &Proto, records: Vec<Record>, signed: bool) -> usize {
        self.round(signed.then_some(proto), records, false).0
    }

    /// One round; counts PUT payload units and requests when `count` is set.
    fn round(
        &self,
        signer: Option<&Proto>,
        records: Vec<Record>,
        count: bool,
    ) -> (usize, usize, usize) {
        let now = self.now.get() + Duration::from_secs(10);
        self.now.set(now);
        let mut p = self.producer.borrow_mut();
        let mut answers = self.answers.borrow_mut();
        for record in records {
            p.push(record, now).expect("room for the batch");
        }
        p.flush(now);
        let (mut delivered, mut units, mut requests) = (0, 0, 0);
        while let Some(mut t) = p.poll_transmit(now) {
            if t.operation == Operation::DescribeStreamSummary {
                let summary = Response::new(Bytes::from_static(SUMMARY.as_bytes()));
                p.handle_response(t.id, &summary, now).expect("a transmit");
                continue;
            }
            if let Some(proto) = signer {
                proto.sign(&mut t.request);
            }
            if count {
                units += routed_success(t.request.body(), &self.map).1;
                requests += 1;
            }
            let answer = answers
                .entry(shape(t.request.body()))
                .or_insert_with(|| routed_success(t.request.body(), &self.map).0);
            p.handle_response(t.id, answer, now).expect("a transmit");
            while let Some(e) = p.poll_event() {
                delivered += usize::from(matches!(e, Event::Delivered { .. }));
            }
        }
        (delivered, units, requests)
    }
}

/// An SDK client answering every `put_records` of [`SDK_BATCH`] entries with a success for
/// each (the body made once; each answer shares it, as a replayed response would).
pub fn sdk_batch_client(retries: Retries) -> aws_sdk_kinesis::Client {
    let ok =
        format!(r#"{{"SequenceNumber":"{SEQUENCE_NUMBER}","ShardId":"shardId-000000000001"}}"#);
    let body = Bytes::from(format!(
        r#"{{"FailedRecordCount":0,"Records":[{}]}}"#,
        vec![ok; SDK_BATCH].join(",")
    ));
    sdk_client_replying(move || success_bytes(body.clone()), retries)
}

/// PUT payload units of the batch sent record by record (the SDK's `put_records`).
pub fn sdk_put_payload_units(batch: &[(Vec<u8>, String)]) -> usize {
    (batch.iter())
        .map(|(data, key)| put_payload_units(data.len() + key.len()))
        .sum()
}

/// (b) The batch through the SDK, [`SDK_BATCH`] entries per `put_records` call; `data` is
/// handed over owned, as the SDK's `Blob` wants it. Returns the records stored.
pub async fn sdk_put_records(
    client: &aws_sdk_kinesis::Client,
    batch: Vec<(Vec<u8>, String)>,
) -> Result<usize, SdkError<PutRecordsError, HttpResponse>> {
    let mut stored = 0;
    let mut batch = batch.into_iter().peekable();
    while batch.peek().is_some() {
        let entries: Vec<PutRecordsRequestEntry> = (batch.by_ref().take(SDK_BATCH))
            .map(|(data, key)| {
                PutRecordsRequestEntry::builder()
                    .data(Blob::new(data))
                    .partition_key(key)
                    .build()
                    .expect("data and key are set")
            })
            .collect();
        let out: PutRecordsOutput = client
            .put_records()
            .stream_name(STREAM)
            .set_records(Some(entries))
            .send()
            .await?;
        stored += out.records().len() - out.failed_record_count().unwrap_or(0) as usize;
    }
    Ok(stored)
}
