//! [`Producer`]: records in, requests out. This file holds the state and the sending side
//! (push, start-up calls, collecting per shard, timers); `answer.rs` holds the answering side.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::config::{ProducerConfig, StreamTarget};
use super::event::{Event, FailureReason, Stats};
use super::pacing::{Jitter, later};
use super::record::{IdMap, PushError, PushRefusal, Record, RecordId};
use super::shard_queue::{ShardQueue, Waiting};
use super::transmit::{Operation, Transmit, TransmitId};
use crate::aggregation::Aggregator;
use crate::describe_stream_summary::DescribeStreamSummaryInput;
use crate::endpoint::{Endpoint, EndpointConfig, EndpointError};
use crate::hash_key::HashKey;
use crate::invalid_input::{Field, InvalidInput, Rule};
use crate::list_shards::{ListShardsInput, ShardMapBuilder};
use crate::partition_key::PartitionKey;
use crate::record::RecordDistribution;
use crate::routing::{HashKeyRange, ShardMap};
use crate::stream::{StreamArn, StreamName};

/// Why [`Producer::new`] refused its configuration.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProducerError {
    /// A setting is out of its range; the error names it.
    #[error(transparent)]
    Config(#[from] InvalidInput),
    /// The endpoint cannot be resolved for the stream.
    #[error(transparent)]
    Endpoint(#[from] EndpointError),
}

/// A start-up call: needed (from when), in flight, or done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Control {
    Due { at: Instant, attempt: u32 },
    InFlight { attempt: u32 },
    Done,
}

/// A record the producer holds until its terminal event.
#[derive(Debug)]
pub(crate) struct Held {
    pub(crate) record: Record,
    /// Its routing key (explicit hash key, else the partition key's MD5).
    pub(crate) hash_key: HashKey,
    pub(crate) size: usize,
    /// Push time plus `record_ttl`: it is never sent at or after this.
    pub(crate) deadline: Instant,
    /// Attempts sent so far.
    pub(crate) attempts: u32,
    /// An attempt's answer was lost or unreadable: it may be stored already.
    pub(crate) maybe_stored: bool,
    /// Set with `maybe_stored`, cleared when it is sent again (then counted as a possible
    /// duplicate).
    pub(crate) unanswered: bool,
    /// The code of the last failed attempt.
    pub(crate) last_error_code: Option<String>,
    /// Times it was in an aggregate stranded on a shard that does not own all of its records;
    /// after two it goes alone (the service is not routing by the keys).
    pub(crate) stranded: u32,
}

/// One entry of a sent request: the user records it carries (one, or an aggregate's, in their
/// order in it) and the shard queue they came from.
#[derive(Debug, Clone)]
pub(crate) struct Planned {
    pub(crate) records: Vec<RecordId>,
    pub(crate) shard: usize,
    /// The shard the map predicted, when there is a map.
    pub(crate) predicted: Option<Arc<str>>,
}

/// A stored entry: its user records (one, or an aggregate's in their order in it) and where the
/// service put it.
#[derive(Debug, Clone)]
pub(crate) struct Landed {
    pub(crate) records: Vec<RecordId>,
    pub(crate) shard_id: Arc<str>,
    pub(crate) sequence_number: Arc<str>,
}

/// A handed-out request waiting for its answer.
#[derive(Debug)]
pub(crate) enum InFlight {
    Describe,
    ListShards,
    /// Each entry's records and shard, in request order, and the generation of the shard
    /// queues they were taken from.
    PutRecords {
        generation: u64,
        sent_at: Instant,
        entries: Vec<Planned>,
    },
}

/// The sans-IO producer: takes user records and hands out the `PutRecords` requests that carry
/// them within every service limit, paced per shard, retried until their TTL, with one terminal
/// [`Event`] per record. It never reads the clock: every call takes `now`.
///
/// ```
/// use std::time::{Duration, Instant};
/// use kinesis_proto::{EndpointConfig, Event, Producer, ProducerConfig, Record, ShardMap,
///                     StreamName, RecordDistribution, http};
///
/// let now = Instant::now();
/// let config = ProducerConfig::new(StreamName::new("orders")?)
///     .stream_settings(1 << 20, RecordDistribution::UserPartitionKey) // or learnt at start-up
///     .shard_map(ShardMap::even(1)?)
///     .aggregation(false);
/// let mut producer = Producer::new(config, &EndpointConfig::new("us-east-1"), now)?;
/// let id = producer.push(Record::new("hello", "customer-42"), now)?;
/// producer.flush(now);
/// let t = producer.poll_transmit(now).expect("a PutRecords request");
/// // Sign t.request, send it; here, the service's answer:
/// let answer = http::Response::new(r#"{"FailedRecordCount":0,"Records":[
///     {"ShardId":"shardId-000000000000","SequenceNumber":"1"}]}"#);
/// producer.handle_response(t.id, &answer, now)?;
/// assert!(matches!(producer.poll_event(), Some(Event::Delivered { id: d, .. }) if d == id));
/// assert!(producer.is_idle());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct Producer {
    pub(crate) config: ProducerConfig,
    pub(crate) data_endpoint: Endpoint,
    pub(crate) control_endpoint: Endpoint,
    pub(crate) stream_name: Option<StreamName>,
    pub(crate) stream_arn: Option<StreamArn>,
    pub(crate) max_record_size: usize,
    pub(crate) distribution: RecordDistribution,
    pub(crate) describe: Control,
    pub(crate) listing: Control,
    pub(crate) pages: ShardMapBuilder,
    pub(crate) next_token: Option<String>,
    /// The listed shard map, until the queues are set up.
    pub(crate) listed: Option<ShardMap>,
    /// The shard map, when known and used (not on `AUTO`).
    pub(crate) map: Option<ShardMap>,
    /// One queue per shard of `map`, or the one unnamed queue.
    pub(crate) shards: Vec<ShardQueue>,
    /// Records pushed before the start-up calls are answered.
    pub(crate) unrouted: VecDeque<RecordId>,
    pub(crate) records: IdMap<Held>,
    pub(crate) in_flight: HashMap<TransmitId, InFlight>,
    pub(crate) put_in_flight: usize,
    pub(crate) events: VecDeque<Event>,
    pub(crate) stats: Stats,
    pub(crate) jitter: Jitter,
    pub(crate) buffered_bytes: usize,
    pub(crate) next_record: u64,
    pub(crate) next_transmit: u64,
    pub(crate) flushing: bool,
    pub(crate) closed: bool,
    /// The shard the next request starts collecting from, so every shard gets its turn.
    pub(crate) cursor: usize,
    /// Counts the rebuilds of `shards`: a queue index is only meaningful in its generation.
    pub(crate) generation: u64,
    /// `PutRecords` requests in flight that were taken from an earlier generation's queues.
    pub(crate) old_in_flight: usize,
    /// An answer came from another shard than predicted: records go alone until the map is
    /// listed again (a record sent alone is stored whole wherever the service puts it).
    pub(crate) stale: bool,
    /// Every shard of the last complete listing, closed ones included: the range of a shard an
    /// entry landed on.
    pub(crate) known: HashMap<Box<str>, HashKeyRange>,
    /// The shards of the listing under way, closed ones included.
    pub(crate) listing_all: Vec<(Box<str>, HashKeyRange)>,
    /// Aggregates stored on a shard the last listing did not know, waiting for the next one.
    pub(crate) unverified: Vec<Landed>,
    /// Wrong-shard answers since the last `DescribeStreamSummary`.
    pub(crate) wrong_since_describe: u32,
    /// When the stream's settings are checked again (the KPL: every 300 s).
    pub(crate) describe_again_at: Instant,
    /// The aggregator `collect` packs with, kept so that its buffers are reused.
    pub(crate) aggregator: Aggregator,
}

/// How often the stream's settings (record distribution, record size limit) are checked again,
/// as the KPL does.
pub(crate) const DESCRIBE_INTERVAL: Duration = Duration::from_secs(300);

/// Wrong-shard answers after which the settings are checked at once, as the KPL does.
pub(crate) const WRONG_SHARD_DESCRIBE: u32 = 3;

/// The queues an entry list was taken from, each once.
pub(crate) fn distinct_shards(entries: &[Planned]) -> Vec<usize> {
    let mut shards: Vec<usize> = entries.iter().map(|e| e.shard).collect();
    shards.sort_unstable();
    shards.dedup();
    shards
}

/// Attempts of a start-up call before the producer goes on without its answer.
pub(crate) const CONTROL_ATTEMPTS: u32 = 5;

impl Producer {
    /// A producer for `config`, sending to the endpoints `endpoints` resolves for its stream.
    /// Unless the config gives them, its first requests are `DescribeStreamSummary` and
    /// `ListShards`; records pushed meanwhile wait.
    ///
    /// # Errors
    ///
    /// [`ProducerError::Config`] naming a setting out of range, [`ProducerError::Endpoint`]
    /// when the endpoint cannot be resolved.
    pub fn new(
        config: ProducerConfig,
        endpoints: &EndpointConfig,
        now: Instant,
    ) -> Result<Producer, ProducerError> {
        config.check()?;
        let (stream_name, stream_arn) = match &config.stream {
            StreamTarget::Name(name) => (Some(name.clone()), None),
            StreamTarget::Arn(arn) => (None, Some(arn.clone())),
        };
        let data_endpoint = endpoints.resolve_data_plane(stream_arn.as_ref())?;
        let control_endpoint = endpoints.resolve_control_plane(stream_arn.as_ref())?;
        let (max_record_size, distribution, describe) = match config.settings {
            Some((size, distribution)) => (size, distribution, Control::Done),
            None => (
                config.max_record_size,
                RecordDistribution::UserPartitionKey,
                Control::Due {
                    at: now,
                    attempt: 1,
                },
            ),
        };
        let given_map = config.shard_map.clone();
        let listing = if given_map.is_some() {
            Control::Done
        } else {
            Control::Due {
                at: now,
                attempt: 1,
            }
        };
        let jitter = Jitter::new(config.seed);
        let mut producer = Producer {
            config,
            data_endpoint,
            control_endpoint,
            stream_name,
            stream_arn,
            max_record_size,
            distribution,
            describe,
            listing,
            pages: ShardMapBuilder::new(),
            next_token: None,
            listed: None,
            map: None,
            shards: Vec::new(),
            unrouted: VecDeque::new(),
            records: IdMap::default(),
            in_flight: HashMap::new(),
            put_in_flight: 0,
            events: VecDeque::new(),
            stats: Stats::default(),
            jitter,
            buffered_bytes: 0,
            next_record: 0,
            next_transmit: 0,
            flushing: false,
            closed: false,
            cursor: 0,
            generation: 0,
            old_in_flight: 0,
            stale: false,
            known: HashMap::new(),
            listing_all: Vec::new(),
            unverified: Vec::new(),
            wrong_since_describe: 0,
            describe_again_at: later(now, DESCRIBE_INTERVAL),
            aggregator: Aggregator::default(),
        };
        // A given map waits with the listed one for the settings (an AUTO stream uses none).
        producer.listed = given_map;
        producer.maybe_start(now);
        Ok(producer)
    }

    /// Takes a record, checked now with PutRecord's input rules; its terminal [`Event`] comes
    /// later. Gives the record back when it breaks a rule, when the buffer is full
    /// (`max_buffered_bytes`, `max_buffered_records`) or after [`close`](Self::close).
    ///
    /// # Errors
    ///
    /// A [`PushError`] holding the record and the [`PushRefusal`].
    pub fn push(&mut self, record: Record, now: Instant) -> Result<RecordId, PushError> {
        let refuse = |record, refusal| Err(PushError { record, refusal });
        if self.closed {
            return refuse(record, PushRefusal::Closed);
        }
        let hash_key = match self.check(&record) {
            Ok(key) => key,
            Err(e) => return refuse(record, PushRefusal::Invalid(Box::new(e))),
        };
        let size = record.size();
        if self.records.len() >= self.config.max_buffered_records
            || self.buffered_bytes.saturating_add(size) > self.config.max_buffered_bytes
        {
            return refuse(record, PushRefusal::Full);
        }
        let id = RecordId(self.next_record);
        self.next_record += 1;
        let deadline = later(now, self.config.record_ttl);
        self.records.insert(
            id,
            Held {
                record,
                hash_key,
                size,
                deadline,
                attempts: 0,
                maybe_stored: false,
                unanswered: false,
                last_error_code: None,
                stranded: 0,
            },
        );
        self.buffered_bytes += size;
        self.stats.records_pushed += 1;
        if self.shards.is_empty() {
            self.unrouted.push_back(id);
        } else {
            let shard = self.shard_of(hash_key);
            self.shards[shard].push_fresh(Waiting {
                id,
                ready_at: now,
                size,
            });
        }
        Ok(id)
    }

    /// The record's routing key, or the rule it breaks.
    fn check(&self, record: &Record) -> Result<HashKey, InvalidInput> {
        PartitionKey::new(&record.partition_key)?;
        let size = record.size();
        // A stream's limit learnt at start-up may be above the buffer; a record the buffer can
        // never hold is refused as too large for it.
        let limit = self.max_record_size.min(self.config.max_buffered_bytes);
        if size > limit {
            let rule = Rule::RecordTooLarge { size, limit };
            return Err(InvalidInput::new(Field::Data, rule));
        }
        match &record.explicit_hash_key {
            Some(key) => key.parse(),
            None => Ok(HashKey::from_partition_key(&record.partition_key)),
        }
    }

    /// The queue a hash key goes to.
    pub(crate) fn shard_of(&self, key: HashKey) -> usize {
        match &self.map {
            Some(map) => map.shard_index(key),
            None => 0,
        }
    }

    /// Sets up the shard queues (from `map`, or the one unnamed queue) and routes the records
    /// that waited for it.
    pub(crate) fn start(&mut self, map: Option<ShardMap>, now: Instant) {
        let map = map.filter(|_| self.distribution != RecordDistribution::Auto);
        self.rebuild(map, now);
    }

    /// The next request to sign and send, if one is due at `now`. Call it until it returns
    /// `None`, then wait for an answer or [`poll_timeout`](Self::poll_timeout).
    pub fn poll_transmit(&mut self, now: Instant) -> Option<Transmit> {
        self.expire(now);
        if let Some(t) = self.poll_control(now) {
            return Some(t);
        }
        if self.shards.is_empty() || self.put_in_flight >= self.config.max_in_flight {
            return None;
        }
        // Ordered: nothing goes while the map is stale or a request sent against an earlier
        // map is unanswered, so a key's records follow its shard lineage.
        if self.config.ordered && (self.stale || self.old_in_flight > 0) {
            return None;
        }
        let entries = self.plan(now);
        if entries.is_empty() {
            if self.shards.iter().all(ShardQueue::is_empty) {
                self.flushing = false;
            }
            return None;
        }
        let request = self.build_request(&entries)?;
        let planned: Vec<Planned> = entries.into_iter().map(|e| e.planned).collect();
        self.stats.put_records_requests += 1;
        self.stats.entries_sent += planned.len() as u64;
        self.put_in_flight += 1;
        for shard in distinct_shards(&planned) {
            self.shards[shard].in_flight += 1;
        }
        let in_flight = InFlight::PutRecords {
            generation: self.generation,
            sent_at: now,
            entries: planned,
        };
        Some(self.hand_out(Operation::PutRecords, request, in_flight))
    }

    fn hand_out(
        &mut self,
        operation: Operation,
        request: http::Request<Vec<u8>>,
        in_flight: InFlight,
    ) -> Transmit {
        let id = TransmitId(self.next_transmit);
        self.next_transmit += 1;
        self.in_flight.insert(id, in_flight);
        self.stats.requests += 1;
        Transmit {
            id,
            operation,
            request,
        }
    }

    /// A start-up call, or a later check of the stream, when one is due.
    fn poll_control(&mut self, now: Instant) -> Option<Transmit> {
        if self.describe_recheck_due(now) {
            self.describe = Control::Due {
                at: now,
                attempt: 1,
            };
        }
        if let Control::Due { at, attempt } = self.describe
            && at <= now
        {
            let mut input = DescribeStreamSummaryInput::builder();
            if let Some(name) = &self.stream_name {
                input = input.stream_name(name.clone());
            }
            if let Some(arn) = &self.stream_arn {
                input = input.stream_arn(arn.clone());
            }
            // The stream was checked when the config was made, so this cannot fail.
            if let Ok(input) = input.build() {
                self.describe = Control::InFlight { attempt };
                let request = input.to_http_request(&self.control_endpoint);
                return Some(self.hand_out(
                    Operation::DescribeStreamSummary,
                    request,
                    InFlight::Describe,
                ));
            }
            self.describe = Control::Done;
        }
        if let Control::Due { at, attempt } = self.listing
            && at <= now
        {
            let input = match &self.next_token {
                Some(token) => ListShardsInput::next_page(token.clone(), self.stream_arn.clone()),
                None => {
                    let mut input = ListShardsInput::builder();
                    if let Some(name) = &self.stream_name {
                        input = input.stream_name(name.clone());
                    }
                    if let Some(arn) = &self.stream_arn {
                        input = input.stream_arn(arn.clone());
                    }
                    input.build()
                }
            };
            match input {
                Ok(input) => {
                    self.listing = Control::InFlight { attempt };
                    let request = input.to_http_request(&self.control_endpoint);
                    return Some(self.hand_out(
                        Operation::ListShards,
                        request,
                        InFlight::ListShards,
                    ));
                }
                // A token the next request cannot carry: list again from the start.
                Err(_) => {
                    self.next_token = None;
                    self.pages = ShardMapBuilder::new();
                }
            }
        }
        None
    }

    /// Fails every waiting record whose deadline has come (in flight ones wait for their answer).
    fn expire(&mut self, now: Instant) {
        let mut expired = Vec::new();
        for shard in &mut self.shards {
            // First attempts are in push order, so their deadlines are too.
            while let Some(w) = shard.fresh.front() {
                match self.records.get(&w.id) {
                    Some(h) if h.deadline > now => break,
                    _ => expired.extend(shard.pop_fresh().map(|w| w.id)),
                }
            }
            let records = &self.records;
            shard.retry.retain(|w| match records.get(&w.id) {
                Some(h) if h.deadline > now => true,
                _ => {
                    expired.push(w.id);
                    false
                }
            });
        }
        let records = &self.records;
        self.unrouted.retain(|id| match records.get(id) {
            Some(h) if h.deadline > now => true,
            _ => {
                expired.push(*id);
                false
            }
        });
        for id in expired {
            self.fail_expired(id);
        }
    }

    pub(crate) fn fail_expired(&mut self, id: RecordId) {
        let code = self
            .records
            .get_mut(&id)
            .and_then(|h| h.last_error_code.take());
        self.fail(
            id,
            FailureReason::Expired {
                last_error_code: code,
            },
        );
    }

    /// Ends a record with [`Event::Failed`].
    pub(crate) fn fail(&mut self, id: RecordId, reason: FailureReason) {
        if let Some(held) = self.records.remove(&id) {
            self.buffered_bytes -= held.size;
            self.stats.records_failed += 1;
            self.events.push_back(Event::Failed {
                id,
                record: held.record,
                reason,
                maybe_stored: held.maybe_stored,
            });
        }
    }

    /// The next time [`handle_timeout`](Self::handle_timeout) (then
    /// [`poll_transmit`](Self::poll_transmit)) has something to do: a control-plane call to
    /// retry, the periodic check of the stream's settings (while records wait), a linger or a
    /// backoff that ends, tokens that refill, a record that expires. `None` when only an answer
    /// can move things on.
    pub fn poll_timeout(&self) -> Option<Instant> {
        let mut next: Option<Instant> = None;
        let mut consider = |t: Instant| next = Some(next.map_or(t, |n| n.min(t)));
        for control in [self.describe, self.listing] {
            if let Control::Due { at, .. } = control {
                consider(at);
            }
        }
        if self.describe == Control::Done && !self.shards.is_empty() && !self.records.is_empty() {
            consider(self.describe_again_at);
        }
        for id in &self.unrouted {
            if let Some(h) = self.records.get(id) {
                consider(h.deadline);
                break;
            }
        }
        let ordered = self.config.ordered;
        let can_send = self.put_in_flight < self.config.max_in_flight
            && !(ordered && (self.stale || self.old_in_flight > 0));
        for shard in &self.shards {
            if let Some(h) = shard.fresh.front().and_then(|w| self.records.get(&w.id)) {
                consider(h.deadline);
            }
            for w in &shard.retry {
                if let Some(h) = self.records.get(&w.id) {
                    consider(h.deadline);
                }
            }
            if can_send && !(ordered && shard.in_flight > 0) {
                let linger = shard.fresh.front().map(|w| {
                    if self.flushing || self.closed {
                        w.ready_at
                    } else {
                        later(w.ready_at, self.config.linger)
                    }
                });
                if let Some(t) = shard.next_ready(linger, ordered) {
                    consider(t);
                }
            }
        }
        next
    }

    /// Moves time to `now`: fails the records whose TTL has passed. Then call
    /// [`poll_transmit`](Self::poll_transmit).
    pub fn handle_timeout(&mut self, now: Instant) {
        self.expire(now);
    }

    /// Sends what is buffered without waiting for the linger (pace and backoff still hold).
    pub fn flush(&mut self, _now: Instant) {
        self.flushing = true;
    }

    /// Refuses further pushes and delivers what is held, as [`flush`](Self::flush) does.
    pub fn close(&mut self, now: Instant) {
        self.closed = true;
        self.flush(now);
    }

    /// Whether every pushed record has had its terminal event and no request is in flight.
    pub fn is_idle(&self) -> bool {
        self.records.is_empty() && self.in_flight.is_empty()
    }

    /// The next event, if any.
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// The counters, with the buffered amounts as of now.
    pub fn stats(&self) -> Stats {
        Stats {
            buffered_records: self.records.len() as u64,
            buffered_bytes: self.buffered_bytes as u64,
            in_flight: self.in_flight.len() as u64,
            ..self.stats
        }
    }

    /// The shard map in use, if any.
    pub fn shard_map(&self) -> Option<&ShardMap> {
        self.map.as_ref()
    }

    /// The record distribution in use (learnt from `DescribeStreamSummary` or configured).
    pub fn record_distribution(&self) -> RecordDistribution {
        self.distribution
    }

    /// The record size limit in use.
    pub fn max_record_size(&self) -> usize {
        self.max_record_size
    }
}
