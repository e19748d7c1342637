//! The answering side of [`Producer`]: start-up answers set the stream up, `PutRecords` answers
//! deliver, retry or fail each record, and a request without an answer is sent again.

use std::sync::Arc;
use std::time::Instant;

use http::Response;

use super::engine::{
    CONTROL_ATTEMPTS, Control, DESCRIBE_INTERVAL, InFlight, Landed, Planned, Producer,
    distinct_shards,
};
use super::event::{Event, FailureReason};
use super::pacing::later;
use super::record::RecordId;
use super::shard_queue::Waiting;
use super::transmit::{HandleError, TransmitId};
use crate::describe_stream_summary::parse_describe_stream_summary_response;
use crate::list_shards::{ListShardsError, ShardMapBuilder, parse_list_shards_response};
use crate::put_records::{PutRecordsError, PutRecordsOutput, parse_put_records_response_for_len};
use crate::record::RecordDistribution;
use crate::service_error::RetryClass;

impl Producer {
    /// Hands over the answer to the request `id`.
    ///
    /// # Errors
    ///
    /// [`HandleError::UnknownTransmit`] when no request `id` is waiting (never handed out, or
    /// answered already); nothing changes then.
    pub fn handle_response<B: AsRef<[u8]>>(
        &mut self,
        id: TransmitId,
        response: &Response<B>,
        now: Instant,
    ) -> Result<(), HandleError> {
        let in_flight = self
            .in_flight
            .remove(&id)
            .ok_or(HandleError::UnknownTransmit(id))?;
        match in_flight {
            InFlight::Describe => match parse_describe_stream_summary_response(response) {
                Ok(summary) => {
                    let size = summary.max_record_size();
                    let size = size.unwrap_or(self.config.max_record_size);
                    self.describe = Control::Done;
                    self.settings_learnt(size, summary.record_distribution(), now);
                }
                Err(e) => {
                    let retry = e.is_retryable();
                    self.describe_failed(retry, Some(e), now);
                }
            },
            // The listing was given up (an AUTO stream needs no map): a late page is moot.
            InFlight::ListShards if !matches!(self.listing, Control::InFlight { .. }) => {}
            InFlight::ListShards => match parse_list_shards_response(response) {
                Ok(page) => {
                    self.pages.add_page(&page);
                    self.note_listed(&page);
                    match page.next_token() {
                        Some(token) => {
                            self.next_token = Some(token.to_owned());
                            self.listing = Control::Due {
                                at: now,
                                attempt: 1,
                            };
                        }
                        None => self.listing_complete(now),
                    }
                }
                Err(e) => self.listing_failed(Some(e), now),
            },
            InFlight::PutRecords {
                generation,
                sent_at,
                entries,
            } => {
                self.answered(generation, &entries);
                let answer = parse_put_records_response_for_len(entries.len(), response);
                self.on_put_records(generation, sent_at, entries, answer, now);
            }
        }
        Ok(())
    }

    /// Says that the request `id` got no answer (a timeout, a reset connection): its outcome is
    /// unknown, so it is sent again, and each record in it counts as a possible duplicate when
    /// it is.
    ///
    /// # Errors
    ///
    /// [`HandleError::UnknownTransmit`] as for [`handle_response`](Self::handle_response).
    pub fn handle_transport_error(
        &mut self,
        id: TransmitId,
        now: Instant,
    ) -> Result<(), HandleError> {
        let in_flight = self
            .in_flight
            .remove(&id)
            .ok_or(HandleError::UnknownTransmit(id))?;
        match in_flight {
            InFlight::Describe => self.describe_failed(true, None, now),
            InFlight::ListShards if !matches!(self.listing, Control::InFlight { .. }) => {}
            InFlight::ListShards => self.listing_failed(None, now),
            InFlight::PutRecords {
                generation,
                entries,
                ..
            } => {
                self.answered(generation, &entries);
                for entry in entries {
                    for id in entry.records {
                        self.mark_unanswered(id);
                        self.requeue(id, None, now);
                    }
                }
            }
        }
        Ok(())
    }

    fn describe_failed(
        &mut self,
        retryable: bool,
        error: Option<crate::DescribeStreamSummaryError>,
        now: Instant,
    ) {
        self.describe = self.again_or_done(self.describe, retryable, now);
        if self.describe != Control::Done {
            return;
        }
        self.describe_again_at = later(now, DESCRIBE_INTERVAL);
        if !self.shards.is_empty() {
            // A later check failed: the settings in use stay.
            return;
        }
        // Go on with the configured settings, as the KPL does.
        self.events
            .push_back(Event::StreamSettingsUnavailable { error });
        self.maybe_start(now);
    }

    /// A failed start-up call's next state: due again after a backoff while it is retryable and
    /// has attempts left, else done without its answer.
    fn again_or_done(&mut self, control: Control, retryable: bool, now: Instant) -> Control {
        let attempt = match control {
            Control::InFlight { attempt } => attempt,
            _ => CONTROL_ATTEMPTS,
        };
        if retryable && attempt < CONTROL_ATTEMPTS {
            let at = later(now, self.backoff(attempt));
            Control::Due {
                at,
                attempt: attempt + 1,
            }
        } else {
            Control::Done
        }
    }

    fn listing_complete(&mut self, now: Instant) {
        let pages = std::mem::take(&mut self.pages);
        self.next_token = None;
        match pages.build() {
            Ok(map) => {
                self.listing = Control::Done;
                self.known = std::mem::take(&mut self.listing_all).into_iter().collect();
                if self.shards.is_empty() {
                    self.listed = Some(map);
                    self.maybe_start(now);
                } else {
                    self.refreshed(map, now);
                }
            }
            // The pages do not tile the key space (the stream resharded while it was listed):
            // list again.
            Err(_) => self.listing_failed(None, now),
        }
    }

    fn listing_failed(&mut self, error: Option<ListShardsError>, now: Instant) {
        self.pages = ShardMapBuilder::new();
        self.listing_all.clear();
        self.next_token = None;
        let retryable = error.as_ref().is_none_or(|e| {
            e.is_retryable() || matches!(e, ListShardsError::ExpiredNextTokenException(_))
        });
        self.listing = self.again_or_done(self.listing, retryable, now);
        if self.listing != Control::Done {
            return;
        }
        if !self.shards.is_empty() {
            self.refresh_failed(now);
            return;
        }
        self.events.push_back(Event::ShardMapUnavailable { error });
        self.maybe_start(now);
    }

    /// Sets the shard queues up once the start-up calls that matter are answered: the settings,
    /// and the shard map unless the stream is `AUTO`.
    pub(crate) fn maybe_start(&mut self, now: Instant) {
        if !self.shards.is_empty() || self.describe != Control::Done {
            return;
        }
        if self.distribution == RecordDistribution::Auto {
            self.listing = Control::Done;
            self.start(None, now);
        } else if self.listing == Control::Done {
            let map = self.listed.take();
            self.start(map, now);
        }
    }

    /// A `PutRecords` request of queue generation `generation` is answered (or given up).
    fn answered(&mut self, generation: u64, entries: &[Planned]) {
        self.put_in_flight -= 1;
        if generation != self.generation {
            self.old_in_flight = self.old_in_flight.saturating_sub(1);
            return;
        }
        for shard in distinct_shards(entries) {
            if let Some(queue) = self.shards.get_mut(shard) {
                queue.in_flight = queue.in_flight.saturating_sub(1);
            }
        }
    }

    fn on_put_records(
        &mut self,
        generation: u64,
        sent_at: Instant,
        planned: Vec<Planned>,
        answer: Result<PutRecordsOutput, PutRecordsError>,
        now: Instant,
    ) {
        // A queue index names a queue of the generation it was taken from only.
        let current = generation == self.generation;
        let output = match answer {
            Ok(output) => output,
            Err(e) => {
                // A 2xx that cannot be read may have been applied: resend, counting duplicates.
                let unreadable = e.malformed().is_some();
                let throttled = e.retry_class() == RetryClass::Throttling;
                if throttled {
                    self.stats.throttles += 1;
                    if current {
                        for shard in distinct_shards(&planned) {
                            self.throttled(shard, sent_at, now);
                        }
                    }
                }
                let code = e.code().map(str::to_owned);
                for entry in planned {
                    for id in entry.records {
                        if unreadable {
                            self.mark_unanswered(id);
                            self.requeue(id, None, now);
                        } else if throttled {
                            self.requeue_throttled(id, code.clone(), now);
                        } else if e.is_retryable() {
                            self.requeue(id, code.clone(), now);
                        } else {
                            let message = e.message().map(str::to_owned);
                            let reason = FailureReason::NotRetryable {
                                code: code.clone(),
                                message,
                            };
                            self.fail(id, reason);
                        }
                    }
                }
                return;
            }
        };
        // Per shard of this request: whether an entry was throttled, whether one was stored.
        let (mut throttled, mut stored_on) = (Vec::new(), Vec::new());
        for (entry, result) in planned.into_iter().zip(output.entries()) {
            if let (Some(shard_id), Some(sequence_number)) =
                (result.shard_id(), result.sequence_number())
            {
                stored_on.push(entry.shard);
                let stored = Landed {
                    records: entry.records,
                    shard_id: Arc::from(shard_id),
                    sequence_number: Arc::from(sequence_number),
                };
                self.landed(stored, entry.predicted.as_deref(), now);
                continue;
            }
            let code = result.error_code().map(str::to_owned);
            match result.retry_class() {
                RetryClass::Throttling => {
                    self.stats.throttles += 1;
                    throttled.push(entry.shard);
                    // The shard's backoff and pace say when it may take them again; a
                    // record's own backoff is for failures of the record, not of the shard.
                    for id in entry.records {
                        self.requeue_throttled(id, code.clone(), now);
                    }
                }
                RetryClass::Transient => {
                    for id in entry.records {
                        self.requeue(id, code.clone(), now);
                    }
                }
                _ => {
                    let message = result.error_message().map(str::to_owned);
                    for id in entry.records {
                        let reason = FailureReason::NotRetryable {
                            code: code.clone(),
                            message: message.clone(),
                        };
                        self.fail(id, reason);
                    }
                }
            }
        }
        if !current {
            return;
        }
        // A shard that stored an entry made progress: its streak starts again. Then at most one
        // step of backoff per throttled shard and request, however many of its entries were
        // refused: the shortest after progress, longer while it stores nothing.
        for shard in stored_on {
            if let Some(queue) = self.shards.get_mut(shard) {
                queue.throttle_streak = 0;
            }
        }
        throttled.sort_unstable();
        throttled.dedup();
        for shard in throttled {
            self.throttled(shard, sent_at, now);
        }
    }

    /// A shard answered with throttling: no request for it until its backoff is over. The
    /// backoff grows only with answers to requests sent since the last step, so that the many
    /// requests in flight when a shard first refuses count as one step (as TCP reduces its
    /// window once per round trip, RFC 6582 section 3.2).
    fn throttled(&mut self, shard: usize, sent_at: Instant, now: Instant) {
        let (min, max) = (self.config.min_backoff, self.config.max_backoff);
        let Some(queue) = self.shards.get_mut(shard) else {
            return;
        };
        if queue.backoff_step_at.is_some_and(|t| sent_at < t) {
            return;
        }
        queue.throttle_streak = queue.throttle_streak.saturating_add(1);
        let wait = self.jitter.backoff(queue.throttle_streak, min, max);
        queue.backoff_until = Some(later(now, wait));
        queue.backoff_step_at = Some(now);
    }

    pub(crate) fn mark_unanswered(&mut self, id: RecordId) {
        if let Some(held) = self.records.get_mut(&id) {
            held.maybe_stored = true;
            held.unanswered = true;
        }
    }

    /// Puts a record back for a retry after its backoff, or fails it if its TTL is over.
    fn requeue(&mut self, id: RecordId, code: Option<String>, now: Instant) {
        let Some(held) = self.records.get_mut(&id) else {
            return;
        };
        if code.is_some() {
            held.last_error_code = code;
        }
        let attempts = held.attempts;
        let ready_at = later(now, self.backoff(attempts));
        self.requeue_at(id, ready_at, now);
    }

    /// Puts a throttled record back for a retry as soon as its shard may send again.
    fn requeue_throttled(&mut self, id: RecordId, code: Option<String>, now: Instant) {
        if let Some(held) = self.records.get_mut(&id) {
            held.last_error_code = code;
        }
        self.requeue_at(id, now, now);
    }

    /// Puts a record back for a retry at `ready_at`, or fails it if its TTL is over.
    pub(crate) fn requeue_at(&mut self, id: RecordId, ready_at: Instant, now: Instant) {
        let Some(held) = self.records.get(&id) else {
            return;
        };
        if held.deadline <= now {
            self.fail_expired(id);
            return;
        }
        let (key, size) = (held.hash_key, held.size);
        let shard = self.shard_of(key);
        let waiting = Waiting { id, ready_at, size };
        let ordered = self.config.ordered;
        if let Some(queue) = self.shards.get_mut(shard) {
            if ordered {
                // Retries go in push order (ids count pushes), so that a record sent again
                // never follows a newer one of its key.
                let at = queue.retry.partition_point(|w| w.id < id);
                queue.retry.insert(at, waiting);
            } else {
                queue.retry.push_back(waiting);
            }
        }
    }

    fn backoff(&mut self, attempt: u32) -> std::time::Duration {
        let (min, max) = (self.config.min_backoff, self.config.max_backoff);
        self.jitter.backoff(attempt, min, max)
    }

    pub(crate) fn deliver(
        &mut self,
        id: RecordId,
        shard_id: &Arc<str>,
        sequence_number: &Arc<str>,
        sub: Option<u32>,
    ) {
        if let Some(held) = self.records.remove(&id) {
            self.buffered_bytes -= held.size;
            self.stats.records_delivered += 1;
            self.stats.bytes_delivered += held.size as u64;
            self.events.push_back(Event::Delivered {
                id,
                shard_id: Arc::clone(shard_id),
                sequence_number: Arc::clone(sequence_number),
                sub_sequence_number: sub,
                possible_duplicate: held.maybe_stored,
            });
        }
    }
}
