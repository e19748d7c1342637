//! The stream changes under the producer: shards split and merge (aggregation spec, "Shards
//! change"), and the record distribution switches between partition keys and `AUTO`.
//!
//! What the producer promises: nothing a KCL consumer would drop counts as delivered.
//!
//! - An entry stored on another shard than its map predicted marks the map stale. The producer
//!   lists the shards again (every page); meanwhile records go alone (a record sent alone is
//!   stored whole wherever the service puts it, so a fresh map cannot change its fate), and
//!   with `ordered` nothing goes. The fresh map re-routes every buffered record.
//! - An aggregate stored on a shard whose hash key range holds all of its records (after a
//!   merge, say) is delivered. One stored on a shard whose range does not hold them all is
//!   dropped whole by a KCL consumer of that shard (its `AggregatorUtil` range filter), so
//!   every record in it is sent again, each counted as a possible duplicate. The range comes
//!   from the last listing, closed shards included; a shard it does not know waits for the
//!   next listing, and is resent if that one does not know it either.
//! - The stream's settings are checked again every 300 s and after three wrong-shard answers,
//!   as the KPL does: on `AUTO` records go alone and unpaced, back on partition keys the shards
//!   are listed and aggregation resumes.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use super::engine::{Control, DESCRIBE_INTERVAL, Landed, Producer, WRONG_SHARD_DESCRIBE};
use super::pacing::{ShardPace, later};
use super::shard_queue::{ShardQueue, Waiting};
use crate::limits::MAX_SHARDS;
use crate::list_shards::ListShardsOutput;
use crate::record::RecordDistribution;
use crate::routing::ShardMap;

impl Producer {
    /// An entry was stored; `predicted` is the shard its map named, if it had one.
    pub(crate) fn landed(&mut self, stored: Landed, predicted: Option<&str>, now: Instant) {
        let as_predicted = predicted.is_none_or(|p| p == &*stored.shard_id);
        if !as_predicted {
            self.wrong_shard(now);
        }
        if as_predicted || stored.records.len() == 1 {
            // Shard ranges never change, and the records were grouped by the predicted
            // shard's; a record stored alone is never filtered.
            self.deliver_landed(&stored);
            return;
        }
        self.judge(stored, now);
    }

    /// Delivers an aggregate whose shard owns all of its records, or resends it; waits for the
    /// next listing when the shard is not known.
    fn judge(&mut self, stored: Landed, now: Instant) {
        let Some(range) = self.known.get(&*stored.shard_id).copied() else {
            self.unverified.push(stored);
            return;
        };
        let records = &self.records;
        let owned = (stored.records.iter())
            .all(|id| records.get(id).is_none_or(|h| range.contains(h.hash_key)));
        if owned {
            self.deliver_landed(&stored);
        } else {
            self.strand(stored, now);
        }
    }

    fn deliver_landed(&mut self, stored: &Landed) {
        let aggregated = stored.records.len() > 1;
        for (j, id) in stored.records.iter().enumerate() {
            let sub = aggregated.then(|| u32::try_from(j).unwrap_or(u32::MAX));
            self.deliver(*id, &stored.shard_id, &stored.sequence_number, sub);
        }
    }

    /// Sends every record of a stranded aggregate again, at once: the copy stored is dropped by
    /// KCL consumers, but a reader without the range filter sees it.
    fn strand(&mut self, stored: Landed, now: Instant) {
        self.stats.stranded_aggregates += 1;
        for id in stored.records {
            self.mark_unanswered(id);
            if let Some(held) = self.records.get_mut(&id) {
                held.stranded = held.stranded.saturating_add(1);
            }
            self.requeue_at(id, now, now);
        }
    }

    /// The map predicted another shard: list the shards again, and check the settings after
    /// repeated wrong-shard answers.
    fn wrong_shard(&mut self, now: Instant) {
        self.stats.wrong_shard += 1;
        self.stale = true;
        if self.listing == Control::Done {
            self.listing = Control::Due {
                at: now,
                attempt: 1,
            };
        }
        self.wrong_since_describe = self.wrong_since_describe.saturating_add(1);
        if self.wrong_since_describe >= WRONG_SHARD_DESCRIBE && self.describe == Control::Done {
            self.describe = Control::Due {
                at: now,
                attempt: 1,
            };
        }
    }

    /// Keeps every shard of a listing page (closed ones too) for [`judge`](Self::judge).
    pub(crate) fn note_listed(&mut self, page: &ListShardsOutput) {
        let room = (MAX_SHARDS + 1).saturating_sub(self.listing_all.len());
        let shards = page.shards().iter().take(room);
        (self.listing_all).extend(shards.map(|s| (Box::from(s.id()), s.hash_key_range())));
    }

    /// A listing after start-up is complete: judge the aggregates that waited for it, then
    /// re-route everything buffered by the fresh map (none on `AUTO`).
    pub(crate) fn refreshed(&mut self, map: ShardMap, now: Instant) {
        self.stats.shard_map_refreshes += 1;
        self.stale = false;
        for stored in std::mem::take(&mut self.unverified) {
            if self.known.contains_key(&*stored.shard_id) {
                self.judge(stored, now);
            } else {
                self.strand(stored, now);
            }
        }
        if self.distribution != RecordDistribution::Auto {
            self.rebuild(Some(map), now);
        }
    }

    /// A listing after start-up failed for good: the map in use stays (the next wrong-shard
    /// answer lists again), and aggregates it cannot judge are resent.
    pub(crate) fn refresh_failed(&mut self, now: Instant) {
        self.stale = false;
        for stored in std::mem::take(&mut self.unverified) {
            self.strand(stored, now);
        }
    }

    /// `DescribeStreamSummary` answered: at start-up, set the stream up; later, follow a switch
    /// of the record distribution.
    pub(crate) fn settings_learnt(
        &mut self,
        max_record_size: usize,
        distribution: RecordDistribution,
        now: Instant,
    ) {
        self.max_record_size = max_record_size;
        self.describe_again_at = later(now, DESCRIBE_INTERVAL);
        self.wrong_since_describe = 0;
        let before = self.distribution;
        self.distribution = distribution;
        if self.shards.is_empty() {
            self.maybe_start(now);
            return;
        }
        match (before, distribution) {
            (RecordDistribution::UserPartitionKey, RecordDistribution::Auto) => {
                // The service places records: no map, no per-shard pace, nothing aggregated.
                self.stale = false;
                self.rebuild(None, now);
            }
            // Records go alone on the one queue until the shards are listed.
            (RecordDistribution::Auto, RecordDistribution::UserPartitionKey)
                if self.listing == Control::Done =>
            {
                self.listing = Control::Due {
                    at: now,
                    attempt: 1,
                };
            }
            _ => {}
        }
    }

    /// Whether the periodic check of the stream's settings is due (only while records wait).
    pub(crate) fn describe_recheck_due(&self, now: Instant) -> bool {
        self.describe == Control::Done
            && !self.shards.is_empty()
            && !self.records.is_empty()
            && self.describe_again_at <= now
    }

    /// Makes the shard queues anew from `map` (or the one unnamed queue), keeping the pace and
    /// backoff of every shard still in it, and re-routes every record waiting in the old ones
    /// (and those that waited for start-up), in push order. Requests in flight belong to the
    /// old generation from then on.
    pub(crate) fn rebuild(&mut self, map: Option<ShardMap>, now: Instant) {
        let rate = self.config.rate_limit_percent;
        let mut old: HashMap<Arc<str>, ShardQueue> = HashMap::new();
        let (mut fresh, mut retry): (Vec<Waiting>, Vec<Waiting>) = (Vec::new(), Vec::new());
        for mut queue in std::mem::take(&mut self.shards) {
            fresh.extend(queue.fresh.drain(..));
            retry.extend(queue.retry.drain(..));
            if let Some(id) = queue.id.clone() {
                old.insert(id, queue);
            }
        }
        self.shards = match &map {
            Some(map) => (map.shards().iter())
                .map(|shard| {
                    let id: Arc<str> = Arc::from(shard.id());
                    match old.remove(&id) {
                        Some(mut queue) => {
                            queue.fresh_bytes = 0;
                            queue.in_flight = 0;
                            queue
                        }
                        None => ShardQueue::new(Some(id), Some(ShardPace::new(rate, now))),
                    }
                })
                .collect(),
            None => vec![ShardQueue::new(None, None)],
        };
        self.map = map;
        self.generation += 1;
        self.old_in_flight = self.put_in_flight;
        // Push order is id order.
        for id in std::mem::take(&mut self.unrouted) {
            if let Some(held) = self.records.get(&id) {
                fresh.push(Waiting {
                    id,
                    ready_at: now,
                    size: held.size,
                });
            }
        }
        fresh.sort_unstable_by_key(|w| w.id);
        retry.sort_by_key(|w| w.id);
        for w in fresh {
            if let Some(held) = self.records.get(&w.id) {
                let shard = self.shard_of(held.hash_key);
                self.shards[shard].push_fresh(w);
            }
        }
        for w in retry {
            if let Some(held) = self.records.get(&w.id) {
                let shard = self.shard_of(held.hash_key);
                self.shards[shard].retry.push_back(w);
            }
        }
    }
}
