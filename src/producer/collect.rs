//! Collect: which records go in the next `PutRecords` request (per shard, aggregated in the KPL
//! format, within the pace, the backoff and the request limits), and the request that carries
//! them.

use std::collections::HashSet;
use std::time::Instant;

use http::Request;

use super::engine::{Planned, Producer};
use super::event::FailureReason;
use super::pacing::later;
use super::shard_queue::Waiting;
use crate::aggregation::{AggregatedRecord, AggregationLimits};
use crate::hash_key::HashKey;
use crate::limits::AGGREGATION_MIN_MAX_SIZE;
use crate::put_records::{PUT_RECORDS_MAX_REQUEST_SIZE, PutRecordsEntry, PutRecordsInput};
use crate::record::RecordDistribution;

/// An entry of the request being planned: the records it carries, and the aggregate built for
/// them when there are two or more (dropped once the body is written).
pub(crate) struct Entry {
    pub(crate) planned: Planned,
    pub(crate) aggregate: Option<AggregatedRecord>,
}

impl Producer {
    /// Whether a shard's first attempts may go at `now`: their linger is over (or a flush asked
    /// for them), or they fill a request already.
    fn fresh_due(&self, shard: usize, now: Instant) -> bool {
        let queue = &self.shards[shard];
        let Some(front) = queue.fresh.front() else {
            return false;
        };
        self.flushing
            || self.closed
            || later(front.ready_at, self.config.linger) <= now
            || queue.fresh.len() >= self.config.max_request_entries
            || queue.fresh_bytes >= self.config.max_request_size
    }

    /// Whether records are aggregated: asked for, and each shard's records known (a shard map
    /// not known to be stale, not an `AUTO` stream, where aggregates could be dropped by KCL
    /// consumers).
    fn aggregating(&self) -> bool {
        self.config.aggregation
            && self.map.is_some()
            && !self.stale
            && self.distribution != RecordDistribution::Auto
    }

    /// Takes the entries of the next request from the shards, starting at the cursor so that
    /// every shard gets its turn: for each shard, retries whose backoff is over first, then first
    /// attempts that are due, packed into aggregates when aggregating, while the shard's tokens
    /// and backoff allow and the request has room. Counts each record's attempt.
    ///
    /// When `ordered`: a shard with a request in flight gives nothing; its retries go in their
    /// order (none after one still backing off) and first attempts only once every retry is
    /// taken; and a key appears in one entry of the request at most, so that no entry of a key
    /// can be stored while an earlier one of it fails.
    pub(crate) fn plan(&mut self, now: Instant) -> Vec<Entry> {
        let (max_entries, max_size) = (
            self.config.max_request_entries,
            self.config.max_request_size,
        );
        let aggregating = self.aggregating();
        let ordered = self.config.ordered;
        let limits = AggregationLimits::default()
            .with_max_size(self.config.aggregation_max_size)
            .and_then(|l| l.with_max_record_size(self.max_record_size))
            .unwrap_or_default();
        let count = self.shards.len();
        let start = self.cursor % count.max(1);
        let mut entries: Vec<Entry> = Vec::new();
        let mut size = 0usize;
        let mut full = false;
        for k in 0..count {
            if full || entries.len() >= max_entries {
                break;
            }
            let s = (start + k) % count;
            if !self.shards[s].backoff_over(now) || (ordered && self.shards[s].in_flight > 0) {
                continue;
            }
            // This shard's candidates, in order: ready retries, then due first attempts.
            let mut due = self.fresh_due(s, now);
            let queue = &mut self.shards[s];
            let ready: Vec<Waiting> = if ordered {
                let n = queue.retry.iter().take_while(|w| w.ready_at <= now).count();
                due &= n == queue.retry.len();
                queue.retry.drain(..n).collect()
            } else {
                let (ready, waiting) = queue.retry.drain(..).partition(|w| w.ready_at <= now);
                queue.retry.extend(waiting);
                ready
            };
            // Ordered: the keys of this shard's entries so far in this request.
            let mut keys: HashSet<HashKey> = HashSet::new();
            // Candidates are `ready`, then (when due) the first attempts, read in place.
            let from_retry = ready.len();
            let total = from_retry + if due { queue.fresh.len() } else { 0 };
            let mut taken = 0usize;
            let room = (max_entries - entries.len(), max_size.saturating_sub(size));
            let waits = self.waits_for_batch(s, &ready, total, room, aggregating, now);
            while !waits && taken < total && entries.len() < max_entries {
                if ordered
                    && (self.candidate(s, &ready, taken))
                        .and_then(|w| self.records.get(&w.id))
                        .is_some_and(|h| keys.contains(&h.hash_key))
                {
                    break;
                }
                let (group, aggregate) = if aggregating {
                    // No bigger than the shard's byte tokens allow now, so that whenever the
                    // next record alone may go (what `poll_timeout` waits for) something goes.
                    let budget = self.shards[s].byte_budget(now);
                    let limits = match budget {
                        Some(b) if b < limits.max_size() => limits
                            .with_max_size(b.max(AGGREGATION_MIN_MAX_SIZE))
                            .unwrap_or(limits),
                        _ => limits,
                    };
                    self.aggregate(s, &ready, taken, total, limits, &keys)
                } else {
                    (1, None)
                };
                if group == 0 {
                    // The next record is refused by the aggregator: it fails as invalid below.
                    taken += 1;
                    continue;
                }
                let Some(first) = self.candidate(s, &ready, taken) else {
                    break;
                };
                let entry_size = match &aggregate {
                    Some(a) => a.record_size(),
                    None => first.size,
                };
                if !entries.is_empty() && size.saturating_add(entry_size) > max_size {
                    full = true;
                    break;
                }
                if !self.shards[s].take_tokens(entry_size, now) {
                    break;
                }
                let records: Vec<_> = (taken..taken + group)
                    .filter_map(|i| self.candidate(s, &ready, i).map(|w| w.id))
                    .collect();
                if ordered {
                    keys.extend(
                        records
                            .iter()
                            .filter_map(|id| Some(self.records.get(id)?.hash_key)),
                    );
                }
                size = size.saturating_add(entry_size);
                let predicted = self.shards[s].id.clone();
                entries.push(Entry {
                    planned: Planned {
                        records,
                        shard: s,
                        predicted,
                    },
                    aggregate,
                });
                taken += group;
            }
            // Put back what was not taken: untaken retries first, then first attempts.
            let queue = &mut self.shards[s];
            let taken_retry = taken.min(from_retry);
            for w in ready[taken_retry..].iter().rev() {
                queue.retry.push_front(*w);
            }
            for _ in 0..taken.saturating_sub(from_retry) {
                queue.pop_fresh();
            }
        }
        self.cursor = start + 1;
        for entry in &entries {
            if entry.aggregate.is_some() {
                self.stats.aggregates_sent += 1;
                self.stats.records_in_aggregates += entry.planned.records.len() as u64;
            }
            for id in &entry.planned.records {
                self.count_attempt(*id);
            }
        }
        entries
    }

    /// Whether shard `s` holds back its `total` candidates (as many as the request's room of
    /// entries and bytes takes) until its tokens make a batch of them worth a request (see
    /// [`ShardQueue::waits_for_batch`](super::shard_queue::ShardQueue::waits_for_batch)).
    /// Aggregated, a batch takes one record token.
    fn waits_for_batch(
        &mut self,
        s: usize,
        ready: &[Waiting],
        total: usize,
        (entries, bytes): (usize, usize),
        aggregating: bool,
        now: Instant,
    ) -> bool {
        let (mut count, mut sum, mut first) = (0usize, 0usize, None);
        for i in 0..total.min(entries) {
            let Some(w) = self.candidate(s, ready, i) else {
                break;
            };
            if sum.saturating_add(w.size) > bytes {
                break;
            }
            first.get_or_insert(w.size);
            count += 1;
            sum += w.size;
        }
        let Some(first) = first else {
            return false;
        };
        let records = if aggregating { 1 } else { count };
        let linger = self.config.linger;
        self.shards[s].waits_for_batch(records, sum, first, linger, now)
    }

    /// Candidate `i` of shard `s`: the ready retries, then the first attempts in place.
    fn candidate(&self, s: usize, ready: &[Waiting], i: usize) -> Option<Waiting> {
        match ready.get(i) {
            Some(w) => Some(*w),
            None => self.shards[s].fresh.get(i - ready.len()).copied(),
        }
    }

    /// Packs the longest run of candidates from `from` (up to `total`) that fits one aggregate:
    /// how many records it took, and the aggregate when there are two or more. The run stops
    /// before a key of `taken_keys` (an earlier entry's, when ordered) and before a record that
    /// must go alone (stranded twice). A record the aggregator refuses as invalid (a stream
    /// setting learnt after its push) is failed, and 0 is returned for it.
    fn aggregate(
        &mut self,
        s: usize,
        ready: &[Waiting],
        from: usize,
        total: usize,
        limits: AggregationLimits,
        taken_keys: &HashSet<HashKey>,
    ) -> (usize, Option<AggregatedRecord>) {
        // The producer's one aggregator, its buffers kept from one aggregate to the next.
        let mut aggregator = std::mem::take(&mut self.aggregator);
        aggregator.reset(limits);
        let mut taken = 0;
        for i in from..total {
            let Some(w) = self.candidate(s, ready, i) else {
                break;
            };
            let Some(held) = self.records.get(&w.id) else {
                break;
            };
            if held.stranded >= 2 || (taken > 0 && taken_keys.contains(&held.hash_key)) {
                break;
            }
            let record = &held.record;
            let entry = PutRecordsEntry::new(&record.data[..], record.partition_key.as_str());
            let entry = match &record.explicit_hash_key {
                Some(_) => entry.with_hash_key(held.hash_key),
                None => entry,
            };
            match aggregator.push_with_hash_key(&entry, held.hash_key) {
                Ok(()) => taken += 1,
                Err(e) if e.is_full() => break,
                Err(crate::aggregation::AggregatePushError::Invalid(e)) if taken == 0 => {
                    self.fail(w.id, FailureReason::Invalid(e));
                    self.aggregator = aggregator;
                    return (0, None);
                }
                Err(_) => break,
            }
        }
        let out = if taken < 2 {
            (taken.max(1), None)
        } else {
            (taken, aggregator.finish())
        };
        self.aggregator = aggregator;
        out
    }

    fn count_attempt(&mut self, id: super::record::RecordId) {
        let Some(held) = self.records.get_mut(&id) else {
            return;
        };
        held.attempts += 1;
        if held.attempts > 1 {
            self.stats.retries += 1;
        }
        if held.unanswered {
            held.unanswered = false;
            self.stats.possible_duplicates += 1;
        }
    }

    /// The `PutRecords` request for `entries`. A record sent alone carries its hash key as the
    /// explicit hash key, as the KPL sends it (routing is the same either way); on an `AUTO`
    /// stream none (the crate refuses one there, and the service would ignore it). An aggregate
    /// carries the partition key `"a"` and its first record's hash key.
    ///
    /// `None` when the request cannot be built: its records then fail with the rule they break
    /// (only a stream setting learnt after their push can make them break one).
    pub(crate) fn build_request(&mut self, entries: &[Entry]) -> Option<Request<Vec<u8>>> {
        let auto = self.distribution == RecordDistribution::Auto;
        let mut input = PutRecordsInput::builder()
            .max_record_size(self.max_record_size)
            .max_request_size(PUT_RECORDS_MAX_REQUEST_SIZE)
            .record_distribution(self.distribution);
        if let Some(name) = &self.stream_name {
            input = input.stream_name(name.clone());
        }
        if let Some(arn) = &self.stream_arn {
            input = input.stream_arn(arn.clone());
        }
        let records = &self.records;
        let put_entries = entries.iter().filter_map(|entry| {
            if let Some(aggregate) = &entry.aggregate {
                return Some(aggregate.as_entry());
            }
            let held = records.get(entry.planned.records.first()?)?;
            let record = &held.record;
            let e = PutRecordsEntry::new(&record.data[..], record.partition_key.as_str());
            Some(if auto {
                e
            } else {
                e.with_hash_key(held.hash_key)
            })
        });
        match input.entries(put_entries).build() {
            Ok(input) => Some(input.to_http_request(&self.data_endpoint)),
            Err(e) => {
                for entry in entries {
                    for id in &entry.planned.records {
                        self.fail(*id, FailureReason::Invalid(e.clone()));
                    }
                }
                None
            }
        }
    }
}
