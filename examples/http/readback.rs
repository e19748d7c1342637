//! `produce --verify`: reads every shard back from its start and checks that each delivered
//! record is there, on the shard its `Delivered` event named, as a KCL consumer would see it.

use std::collections::HashMap;
use std::time::Duration;

use base64::Engine as _;
use kinesis_proto::{Deaggregated, Shard, deaggregate_for_shard};
use serde_json::{Value, json};

use super::{Args, HttpClient, send};
use crate::support::Signer;

/// What one shard held.
#[derive(Default)]
struct ShardTally {
    kinesis_records: usize,
    aggregates: usize,
    user_records: usize,
    /// Aggregates the KCL would drop whole (a sub-record outside the shard, or unreadable).
    dropped: usize,
}

/// Calls a control-plane operation, waiting out the read quota's throttling.
async fn call(
    client: &HttpClient,
    signer: &Signer,
    endpoint: &str,
    operation: &str,
    body: &Value,
) -> Result<Value, String> {
    for _ in 0..100 {
        let request = signer.control(endpoint, operation, body.clone())?;
        let response = send(client, request).await?;
        let answer: Value = serde_json::from_slice(response.body()).unwrap_or(Value::Null);
        if response.status().is_success() {
            return Ok(answer);
        }
        if answer["__type"] != "ProvisionedThroughputExceededException"
            && answer["__type"] != "LimitExceededException"
        {
            return Err(format!("{operation}: {} {answer}", response.status()));
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    Err(format!("{operation}: still throttled after 100 attempts"))
}

/// The record index `produce` wrote at the start of each record's data.
fn index_of(data: &[u8]) -> Option<usize> {
    let digits = data.strip_prefix(b"record ")?.get(..12)?;
    std::str::from_utf8(digits).ok()?.parse().ok()
}

/// Reads every shard (closed ones included) and checks `delivered_on` (record index → the
/// shard its `Delivered` event named) against what is stored.
pub(crate) async fn verify(
    client: &HttpClient,
    signer: &Signer,
    args: &Args,
    shards: &[Shard],
    delivered_on: &HashMap<usize, String>,
) -> Result<(), String> {
    let (endpoint, stream) = (args.endpoint.as_str(), args.stream.as_str());
    // Record index → the shards it was read from (twice when a resend stored it again).
    let mut found: HashMap<usize, Vec<String>> = HashMap::with_capacity(delivered_on.len());
    for shard in shards {
        let mut tally = ShardTally::default();
        let start = json!({
            "StreamName": stream,
            "ShardId": shard.id(),
            "ShardIteratorType": "TRIM_HORIZON",
        });
        let answer = call(client, signer, endpoint, "GetShardIterator", &start).await?;
        let mut iterator = answer["ShardIterator"].as_str().map(str::to_owned);
        let mut calls = 0;
        while let Some(it) = iterator.take() {
            calls += 1;
            if calls > 10_000 {
                return Err(format!(
                    "{}: still reading after 10,000 GetRecords",
                    shard.id()
                ));
            }
            let page = json!({ "ShardIterator": it, "Limit": 10_000 });
            let page = call(client, signer, endpoint, "GetRecords", &page).await?;
            let records = page["Records"].as_array().cloned().unwrap_or_default();
            for item in &records {
                let data = base64::engine::general_purpose::STANDARD
                    .decode(item["Data"].as_str().unwrap_or_default())
                    .map_err(|e| format!("{}: Data is not base64: {e}", shard.id()))?;
                tally.kinesis_records += 1;
                // The KCL's reading (its AggregatorUtil): the range filter drops an aggregate
                // holding a sub-record that does not belong to this shard.
                let indexes: Vec<Option<usize>> =
                    match deaggregate_for_shard(&data, &shard.hash_key_range()) {
                        Ok(Deaggregated::Plain) => vec![index_of(&data)],
                        Ok(Deaggregated::Aggregate(subs)) => {
                            tally.aggregates += 1;
                            subs.map(|sub| index_of(sub.data())).collect()
                        }
                        Err(_) => {
                            tally.dropped += 1;
                            Vec::new()
                        }
                    };
                for index in indexes {
                    let index = index
                        .ok_or_else(|| format!("{}: a record produce did not write", shard.id()))?;
                    tally.user_records += 1;
                    found.entry(index).or_default().push(shard.id().to_owned());
                }
            }
            // An open shard always has a next iterator: stop at the first page that is empty
            // and caught up.
            let caught_up = page["MillisBehindLatest"].as_u64().unwrap_or(0) == 0;
            if !(records.is_empty() && caught_up) {
                iterator = page["NextShardIterator"].as_str().map(str::to_owned);
            }
        }
        println!(
            "{}: {} Kinesis records ({} aggregates, {} dropped by the KCL filter), {} user records",
            shard.id(),
            tally.kinesis_records,
            tally.aggregates,
            tally.dropped,
            tally.user_records
        );
    }

    let mut missing = 0usize;
    let mut elsewhere = 0usize;
    for (index, shard) in delivered_on {
        match found.get(index) {
            None => missing += 1,
            Some(shards) if !shards.contains(shard) => elsewhere += 1,
            Some(_) => {}
        }
    }
    let duplicates: usize = found.values().map(|s| s.len() - 1).sum();
    println!(
        "read back: {} of {} delivered records found on their shard, {missing} missing, \
         {elsewhere} on another shard, {duplicates} stored twice, {} never delivered",
        delivered_on.len() - missing - elsewhere,
        delivered_on.len(),
        found
            .keys()
            .filter(|i| !delivered_on.contains_key(i))
            .count(),
    );
    if missing > 0 || elsewhere > 0 {
        return Err(format!(
            "{missing} delivered records missing, {elsewhere} on another shard"
        ));
    }
    Ok(())
}
