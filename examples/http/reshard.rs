//! `produce --reshard`: the control-plane calls that reshard the stream while the producer runs
//! (a `SplitShard` a quarter of the way through, a `MergeShards` of its two children at half
//! way), and the listing of every shard, closed ones included, that `--verify` reads.

use kinesis_proto::{Endpoint, ListShardsInput, Shard, parse_list_shards_response};
use serde_json::json;

use super::{HttpClient, send};
use crate::support::Signer;

/// Every shard of the stream, open and closed (one page: a few shards).
pub(crate) async fn all_shards(
    client: &HttpClient,
    signer: &Signer,
    endpoint: &str,
    stream: &str,
) -> Result<Vec<Shard>, String> {
    let mut list = ListShardsInput::builder()
        .stream_name(stream)
        .build()
        .map_err(|e| e.to_string())?
        .to_http_request(&Endpoint::custom(endpoint).map_err(|e| e.to_string())?);
    signer.sign(&mut list)?;
    let page = parse_list_shards_response(&send(client, list).await?).map_err(|e| e.to_string())?;
    Ok(page.into_shards())
}

/// Where the resharding is: nothing done, split, merged.
#[derive(Debug, Default)]
pub(crate) struct Reshard {
    children: Option<(String, String)>,
    merged: bool,
}

impl Reshard {
    /// Splits the first open shard in the middle of its range once a quarter of the records
    /// are delivered, and merges its two children back once half are.
    pub(crate) async fn step(
        &mut self,
        client: &HttpClient,
        signer: &Signer,
        (endpoint, stream): (&str, &str),
        (delivered, total): (usize, usize),
    ) -> Result<(), String> {
        if self.children.is_none() && delivered * 4 >= total {
            let shards = all_shards(client, signer, endpoint, stream).await?;
            let parent = shards.iter().find(|s| s.is_open()).ok_or("no open shard")?;
            let range = parent.hash_key_range();
            let (start, end) = (range.start().get(), range.end().get());
            let middle = start + (end - start) / 2 + 1;
            let body = json!({
                "StreamName": stream,
                "ShardToSplit": parent.id(),
                "NewStartingHashKey": middle.to_string(),
            });
            call(client, signer, endpoint, "SplitShard", body).await?;
            let shards = all_shards(client, signer, endpoint, stream).await?;
            let mut children = shards
                .iter()
                .filter(|s| s.parent_shard_id() == Some(parent.id()))
                .map(|s| s.id().to_owned());
            let (a, b) = (children.next(), children.next());
            let (Some(a), Some(b)) = (a, b) else {
                return Err(format!("{} split into fewer than two shards", parent.id()));
            };
            println!("resharding: split {} into {a} and {b}", parent.id());
            self.children = Some((a, b));
        } else if let Some((a, b)) = &self.children
            && !self.merged
            && delivered * 2 >= total
        {
            let body = json!({
                "StreamName": stream,
                "ShardToMerge": a,
                "AdjacentShardToMerge": b,
            });
            call(client, signer, endpoint, "MergeShards", body).await?;
            println!("resharding: merged {a} and {b}");
            self.merged = true;
        }
        Ok(())
    }
}

async fn call(
    client: &HttpClient,
    signer: &Signer,
    endpoint: &str,
    operation: &str,
    body: serde_json::Value,
) -> Result<(), String> {
    let response = send(client, signer.control(endpoint, operation, body)?).await?;
    if response.status().is_success() {
        Ok(())
    } else {
        Err(format!(
            "{operation}: {} {}",
            response.status(),
            String::from_utf8_lossy(response.body())
        ))
    }
}
