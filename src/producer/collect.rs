//! Collect: which records go in the next `PutRecords` request (per shard, within the pace, the
//! backoff and the request limits), and the request that carries them.

use std::time::Instant;

use http::Request;

use super::engine::Producer;
use super::event::FailureReason;
use super::record::RecordId;
use crate::put_records::{PUT_RECORDS_MAX_REQUEST_SIZE, PutRecordsEntry, PutRecordsInput};
use crate::record::RecordDistribution;

/// One entry of a request: the user records it carries (one, or an aggregate's) and its shard.
#[derive(Debug, Clone)]
pub(crate) struct Planned {
    pub(crate) records: Vec<RecordId>,
    pub(crate) shard: usize,
}

/// Whether a shard's first attempts may go at `now`: their linger is over (or a flush asked for
/// them), or they fill a request already.
fn fresh_due(producer: &Producer, shard: usize, now: Instant) -> bool {
    let queue = &producer.shards[shard];
    let Some(front) = queue.fresh.front() else {
        return false;
    };
    producer.flushing
        || producer.closed
        || front.ready_at + producer.config.linger <= now
        || queue.fresh.len() >= producer.config.max_request_entries
        || queue.fresh_bytes >= producer.config.max_request_size
}

/// Takes the entries of the next request from the shards, starting at the cursor so that every
/// shard gets its turn: retries whose backoff is over first, then first attempts that are due,
/// while the shard's tokens and backoff allow and the request has room. Counts each record's
/// attempt.
pub(crate) fn plan(producer: &mut Producer, now: Instant) -> Vec<Planned> {
    let (max_entries, max_size) = (
        producer.config.max_request_entries,
        producer.config.max_request_size,
    );
    let count = producer.shards.len();
    let start = producer.cursor % count.max(1);
    let mut planned = Vec::new();
    let mut size = 0usize;
    'shards: for k in 0..count {
        let s = (start + k) % count;
        if !producer.shards[s].backoff_over(now) {
            continue;
        }
        let due = fresh_due(producer, s, now);
        loop {
            if planned.len() >= max_entries {
                break 'shards;
            }
            let queue = &mut producer.shards[s];
            let retry = queue.retry.iter().position(|w| w.ready_at <= now);
            let next = match retry {
                Some(i) => queue.retry.get(i),
                None if due => queue.fresh.front(),
                None => None,
            };
            let Some(&next) = next else { break };
            if !planned.is_empty() && size.saturating_add(next.size) > max_size {
                break 'shards;
            }
            if !queue.take_tokens(next.size, now) {
                break;
            }
            match retry {
                Some(i) => {
                    queue.retry.remove(i);
                }
                None => {
                    queue.pop_fresh();
                }
            }
            size = size.saturating_add(next.size);
            planned.push(Planned {
                records: vec![next.id],
                shard: s,
            });
        }
    }
    producer.cursor = start + 1;
    for entry in &planned {
        for id in &entry.records {
            count_attempt(producer, *id);
        }
    }
    planned
}

fn count_attempt(producer: &mut Producer, id: RecordId) {
    let Some(held) = producer.records.get_mut(&id) else {
        return;
    };
    held.attempts += 1;
    if held.attempts > 1 {
        producer.stats.retries += 1;
    }
    if held.unanswered {
        held.unanswered = false;
        producer.stats.possible_duplicates += 1;
    }
}

/// The `PutRecords` request for `planned`. Each record sent alone carries its hash key as the
/// explicit hash key, as the KPL sends it (routing is the same either way); on an `AUTO` stream
/// none (the crate refuses one there, and the service would ignore it).
///
/// `None` when the request cannot be built: its records then fail with the rule they break
/// (only a stream setting learnt after their push can make them break one).
pub(crate) fn build(producer: &mut Producer, planned: &[Planned]) -> Option<Request<Vec<u8>>> {
    let auto = producer.distribution == RecordDistribution::Auto;
    let mut input = PutRecordsInput::builder()
        .max_record_size(producer.max_record_size)
        .max_request_size(PUT_RECORDS_MAX_REQUEST_SIZE)
        .record_distribution(producer.distribution);
    if let Some(name) = &producer.stream_name {
        input = input.stream_name(name.clone());
    }
    if let Some(arn) = &producer.stream_arn {
        input = input.stream_arn(arn.clone());
    }
    let records = &producer.records;
    let entries = planned.iter().filter_map(|entry| {
        let held = records.get(entry.records.first()?)?;
        let record = &held.record;
        let e = PutRecordsEntry::new(&record.data[..], record.partition_key.as_str());
        Some(if auto {
            e
        } else {
            e.with_hash_key(held.hash_key)
        })
    });
    match input.entries(entries).build() {
        Ok(input) => Some(input.to_http_request(&producer.data_endpoint)),
        Err(e) => {
            for entry in planned {
                for id in &entry.records {
                    producer.fail(*id, FailureReason::Invalid(e.clone()));
                }
            }
            None
        }
    }
}
