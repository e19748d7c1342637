//! A shard's buffer: records waiting for their first attempt, in push order, and records waiting
//! for a retry, each with the time it may go; the shard's pace and backoff.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::pacing::ShardPace;
use super::record::RecordId;

/// A record waiting in a shard's buffer.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Waiting {
    pub(crate) id: RecordId,
    /// When it may be sent: its push for a first attempt, its backoff's end for a retry.
    pub(crate) ready_at: Instant,
    /// Data plus partition key bytes.
    pub(crate) size: usize,
}

/// One shard's records and pace. The shard the producer cannot name (no shard map: an `AUTO`
/// stream, or one whose listing failed) has no pace.
#[derive(Debug, Clone)]
pub(crate) struct ShardQueue {
    /// The shard's id in the map the queue was made from; `None` for the unnamed queue.
    pub(crate) id: Option<Arc<str>>,
    /// First attempts, in push order (so `ready_at` never decreases).
    pub(crate) fresh: VecDeque<Waiting>,
    /// Data plus partition key bytes of `fresh`.
    pub(crate) fresh_bytes: usize,
    /// Retries, in the order they failed (in push order when `ordered`).
    pub(crate) retry: VecDeque<Waiting>,
    pub(crate) pace: Option<ShardPace>,
    /// No request for this shard before this time (after throttling).
    pub(crate) backoff_until: Option<Instant>,
    /// Backoff steps since the shard last stored an entry, for the next backoff.
    pub(crate) throttle_streak: u32,
    /// When the backoff last grew a step: answers to requests sent before it do not grow it.
    pub(crate) backoff_step_at: Option<Instant>,
    /// `PutRecords` requests in flight with entries of this queue (`ordered` allows one).
    pub(crate) in_flight: u32,
    /// The pace refused this queue's next entry: not before this time, when its tokens are
    /// there (so that `next_ready` never says now for an entry the pace refuses).
    pub(crate) paced_until: Option<Instant>,
}

impl ShardQueue {
    pub(crate) fn new(id: Option<Arc<str>>, pace: Option<ShardPace>) -> ShardQueue {
        ShardQueue {
            id,
            fresh: VecDeque::new(),
            fresh_bytes: 0,
            retry: VecDeque::new(),
            pace,
            backoff_until: None,
            throttle_streak: 0,
            backoff_step_at: None,
            in_flight: 0,
            paced_until: None,
        }
    }

    /// Queues a first attempt.
    pub(crate) fn push_fresh(&mut self, waiting: Waiting) {
        self.fresh_bytes += waiting.size;
        self.fresh.push_back(waiting);
    }

    /// Takes the oldest first attempt.
    pub(crate) fn pop_fresh(&mut self) -> Option<Waiting> {
        let w = self.fresh.pop_front()?;
        self.fresh_bytes -= w.size;
        Some(w)
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.fresh.is_empty() && self.retry.is_empty()
    }

    /// Whether the shard's backoff lets a request go at `now`.
    pub(crate) fn backoff_over(&self, now: Instant) -> bool {
        self.backoff_until.is_none_or(|t| t <= now)
    }

    /// The most bytes one record may have now by the shard's pace; `None` when unpaced.
    pub(crate) fn byte_budget(&mut self, now: Instant) -> Option<usize> {
        self.pace.as_mut().map(|p| p.bytes_available(now))
    }

    /// Whether one record of `size` bytes may go now by the shard's pace (taking its tokens);
    /// when not, nothing of this queue is ready before those tokens are there.
    pub(crate) fn take_tokens(&mut self, size: usize, now: Instant) -> bool {
        let Some(pace) = self.pace.as_mut() else {
            return true;
        };
        if pace.try_take(size, now) {
            return true;
        }
        self.paced_until = Some(pace.ready_at(size));
        false
    }

    /// Whether a backlog waits for a batch: `records` due records of `bytes` bytes (the first
    /// of `first` bytes) wait while the tokens hold less than them and less than a `linger`'s
    /// worth of refill, so that a shard whose tokens trickle in sends a request per linger
    /// rather than one per token. Nothing of the queue is ready before then.
    pub(crate) fn waits_for_batch(
        &mut self,
        records: usize,
        bytes: usize,
        first: usize,
        linger: Duration,
        now: Instant,
    ) -> bool {
        let Some(pace) = self.pace.as_mut() else {
            return false;
        };
        match pace.batch_ready_at(records, bytes, first, linger, now) {
            Some(at) => {
                self.paced_until = Some(at);
                true
            }
            None => false,
        }
    }

    /// The earliest time something of this shard could go, given whether first attempts must
    /// wait for `linger_until` (their oldest's push plus the linger, or now on a flush). When
    /// `ordered`, retries go in their order and before any first attempt.
    pub(crate) fn next_ready(
        &self,
        linger_until: Option<Instant>,
        ordered: bool,
    ) -> Option<Instant> {
        let retry = if ordered {
            self.retry.front().map(|w| (w.ready_at, w.size))
        } else {
            self.retry
                .iter()
                .map(|w| (w.ready_at, w.size))
                .min_by_key(|w| w.0)
        };
        let linger_until = linger_until.filter(|_| !(ordered && retry.is_some()));
        let fresh = self
            .fresh
            .front()
            .zip(linger_until)
            .map(|(w, t)| (t, w.size));
        let (at, size) = match (retry, fresh) {
            (Some(r), Some(f)) => {
                if r.0 <= f.0 {
                    r
                } else {
                    f
                }
            }
            (r, f) => r.or(f)?,
        };
        let mut at = at;
        if let Some(b) = self.backoff_until {
            at = at.max(b);
        }
        if let Some(p) = &self.pace {
            at = at.max(p.ready_at(size));
        }
        if let Some(t) = self.paced_until {
            at = at.max(t);
        }
        Some(at)
    }
}
