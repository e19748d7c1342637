//! A deterministic simulated Kinesis for the kinesis-proto producer: shards with the real write
//! quotas, per-entry throttling and `InternalFailure`, whole-request throttling and 5xx, lost
//! answers (applied or not), unreadable 2xx and slow answers, all in virtual time; with
//! resharding on, `SplitShard`, `MergeShards` and `UpdateStreamRecordDistributionStrategy` at
//! random moments between requests. [`run_seed`] drives a producer through one seeded workload
//! and checks that every record is accounted for.
//!
//! Not public API of the crate: a test harness, in a crate of its own so that it can be built
//! with optimisations (`cargo test --release -p kinesis-proto-sim`).

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::fmt::Write as _;
use std::time::{Duration, Instant};

use base64::Engine as _;
use kinesis_proto::http::{Request, Response};
use kinesis_proto::{
    DeaggregateError, Deaggregated, EndpointConfig, Event, FailureReason, HashKey, HashKeyRange,
    Operation, Producer, ProducerConfig, ProducerError, PushRefusal, Record, RecordDistribution,
    RecordId, Rule, ShardMap, Stats, StreamName, TransmitId, deaggregate_for_shard,
};
use serde_json::Value;

/// SplitMix64: the simulation's only source of chance.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x5DEE_CE66_D1CE_4E5B)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `lo..hi` (`lo` when the range is empty).
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        if hi <= lo {
            lo
        } else {
            lo + self.next_u64() % (hi - lo)
        }
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        ((self.next_u64() >> 11) as f64 / (1u64 << 53) as f64) < p
    }
}

/// The fault kinds the simulation injects, for the coverage counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Fault {
    RequestThrottled,
    ServerError,
    LostApplied,
    LostNotApplied,
    UnreadableSuccess,
    SlowAnswer,
    EntryInternalFailure,
    EntryThrottledByChance,
    EntryOverQuota,
    DescribeRefused,
    ListingError,
    /// `SplitShard`: an open shard closed, two children open.
    Split,
    /// `MergeShards`: two adjacent open shards closed, one child open.
    Merge,
    /// `UpdateStreamRecordDistributionStrategy`: AUTO on, or off.
    StrategyFlip,
}

pub const FAULTS: [Fault; 11] = [
    Fault::RequestThrottled,
    Fault::ServerError,
    Fault::LostApplied,
    Fault::LostNotApplied,
    Fault::UnreadableSuccess,
    Fault::SlowAnswer,
    Fault::EntryInternalFailure,
    Fault::EntryThrottledByChance,
    Fault::EntryOverQuota,
    Fault::DescribeRefused,
    Fault::ListingError,
];

/// The stream changes, injected only with resharding on ([`resharding_by_default`]).
pub const STREAM_CHANGES: [Fault; 3] = [Fault::Split, Fault::Merge, Fault::StrategyFlip];

/// Whether seeds reshard and flip the record distribution when `SIM_RESHARD` is not set.
const RESHARD_BY_DEFAULT: bool = true;

/// Whether seeds reshard and flip the record distribution: `SIM_RESHARD=1` turns it on,
/// `SIM_RESHARD=0` off, else this crate's default (`RESHARD_BY_DEFAULT`).
pub fn resharding_by_default() -> bool {
    match std::env::var("SIM_RESHARD").as_deref() {
        Ok("1") => true,
        Ok("0") => false,
        _ => RESHARD_BY_DEFAULT,
    }
}

/// How often each fault strikes, per request or per entry.
#[derive(Debug, Clone)]
pub struct FaultRates {
    pub request_throttled: f64,
    pub server_error: f64,
    pub lost: f64,
    pub unreadable: f64,
    pub slow: f64,
    pub entry_internal: f64,
    pub entry_throttled: f64,
    pub describe_refused: f64,
    pub listing_error: f64,
    /// The first `ListShards` call fails whatever the rate.
    pub first_listing_fails: bool,
}

impl FaultRates {
    /// No faults: the stream answers every request, refusing only what goes over a quota.
    pub fn calm() -> FaultRates {
        FaultRates {
            request_throttled: 0.0,
            server_error: 0.0,
            lost: 0.0,
            unreadable: 0.0,
            slow: 0.0,
            entry_internal: 0.0,
            entry_throttled: 0.0,
            describe_refused: 0.0,
            listing_error: 0.0,
            first_listing_fails: false,
        }
    }
}

/// A record the simulated service stored.
#[derive(Debug, Clone)]
pub struct Stored {
    pub shard: usize,
    pub sequence_number: u128,
    pub partition_key: String,
    pub explicit_hash_key: Option<String>,
    pub data: Vec<u8>,
    /// Placed on a random open shard by an AUTO stream, not by its hash key.
    pub auto: bool,
    /// Sent by a producer that took the stream for AUTO: without the record's explicit hash key
    /// (the crate sends none there), so a stream back on partition keys routes it by its
    /// partition key.
    pub sent_as_auto: bool,
    /// How many stream changes (reshards, strategy flips) came before it was stored.
    pub changes_before: u32,
}

struct SimShard {
    id: String,
    start: u128,
    end: u128,
    parent: Option<usize>,
    adjacent_parent: Option<usize>,
    /// The sequence numbers it holds: from `starting_sequence`, up to `ending_sequence` once
    /// closed (every record stored on it lies between them).
    starting_sequence: u128,
    ending_sequence: Option<u128>,
    /// Accepted writes of the last second: (time, bytes).
    window: VecDeque<(Duration, usize)>,
}

/// What the service does with one request.
pub enum Answer {
    /// An answer, arriving after a delay.
    Respond(Response<Vec<u8>>, Duration),
    /// No answer ever arrives (the caller's transport times out after the delay).
    Lost(Duration),
}

/// The simulated Kinesis.
pub struct SimKinesis {
    /// Every shard the stream ever had, in creation order (ids increase with the index).
    shards: Vec<SimShard>,
    /// The open shards' indexes, in creation order.
    open: Vec<usize>,
    next_sequence: u128,
    rng: Rng,
    rates: FaultRates,
    stream: String,
    max_record_size_kib: Option<u32>,
    distribution: Option<&'static str>,
    page_size: usize,
    /// Stream changes so far (reshards and strategy flips).
    changes: u32,
    /// Whole-request faults to inject whatever the rates, at the given PutRecords count.
    forced: Vec<(u64, Fault)>,
    /// PutRecords requests handled so far.
    put_requests: u64,
    /// Another writer shares the stream: just before the producer's first entry reaches a
    /// shard, it writes the shard's whole byte quota there, which fills the shard's next second
    /// (quotas are per shard, not per writer). Cleared once it has.
    other_writer: bool,
    pub coverage: BTreeMap<Fault, u64>,
    pub stored: Vec<Stored>,
    /// Per shard, the entries routed to it (accepted or refused) by their hash key while the
    /// producer's shard map held that shard: (time, bytes). What the pace check reads.
    pub sends: Vec<Vec<(Duration, usize)>>,
    /// Entries routed to a shard the producer's map did not hold (stale map) or placed by AUTO:
    /// left out of the pace check.
    pub unpaced_sends: u64,
    /// Stored entries whose shard differs from the one the producer's map at send time gives
    /// for the entry's hash key.
    pub wrong_shard: u64,
    /// Serials of records in requests that were applied but whose answer was lost or unreadable.
    pub ambiguous: HashSet<u64>,
    /// Serials of records in aggregates stored on another shard than the producer's map
    /// predicted: the producer resends such an aggregate unless a listing shows that the shard
    /// owns all of it (it cannot tell otherwise whether a KCL consumer drops it).
    pub wrong_shard_aggregated: HashSet<u64>,
    pub violations: Vec<String>,
}

/// The serial a workload writes in the first 8 bytes of each record's data.
pub fn serial_of(data: &[u8]) -> Option<u64> {
    Some(u64::from_be_bytes(data.get(..8)?.try_into().ok()?))
}

fn json_response(status: u16, body: String) -> Response<Vec<u8>> {
    Response::builder()
        .status(status)
        .header("x-amzn-RequestId", "sim-request")
        .body(body.into_bytes())
        .unwrap_or_else(|_| Response::new(Vec::new()))
}

fn error_response(status: u16, code: &str, message: &str) -> Response<Vec<u8>> {
    json_response(
        status,
        format!(r#"{{"__type":"{code}","message":"{message}"}}"#),
    )
}

impl SimKinesis {
    pub fn new(shard_count: usize, rates: FaultRates, rng: Rng, stream: &str) -> SimKinesis {
        let first_sequence = 49_000_000_000_000_000_000;
        // The layout CreateStream makes, as `ShardMap::even` does.
        let even = ShardMap::even(shard_count as u32).expect("1 to 8 shards");
        let shards = even
            .shards()
            .iter()
            .map(|s| SimShard {
                id: s.id().to_owned(),
                start: s.hash_key_range().start().get(),
                end: s.hash_key_range().end().get(),
                parent: None,
                adjacent_parent: None,
                starting_sequence: first_sequence,
                ending_sequence: None,
                window: VecDeque::new(),
            })
            .collect::<Vec<_>>();
        SimKinesis {
            sends: vec![Vec::new(); shards.len()],
            open: (0..shards.len()).collect(),
            shards,
            next_sequence: first_sequence,
            rng,
            rates,
            stream: stream.to_owned(),
            max_record_size_kib: None,
            distribution: None,
            page_size: 2,
            changes: 0,
            forced: Vec::new(),
            put_requests: 0,
            other_writer: false,
            coverage: BTreeMap::new(),
            stored: Vec::new(),
            unpaced_sends: 0,
            wrong_shard: 0,
            ambiguous: HashSet::new(),
            wrong_shard_aggregated: HashSet::new(),
            violations: Vec::new(),
        }
    }

    /// Every shard the stream had, open and closed.
    pub fn shard_count(&self) -> usize {
        self.shards.len()
    }

    pub fn open_shard_count(&self) -> usize {
        self.open.len()
    }

    pub fn shard_range(&self, i: usize) -> HashKeyRange {
        let s = &self.shards[i];
        HashKeyRange::new(HashKey::new(s.start), HashKey::new(s.end)).unwrap_or(HashKeyRange::FULL)
    }

    pub fn shard_id(&self, i: usize) -> &str {
        &self.shards[i].id
    }

    /// The open shard that owns `key` now.
    pub fn shard_for(&self, key: u128) -> usize {
        self.open
            .iter()
            .copied()
            .find(|&i| self.shards[i].start <= key && key <= self.shards[i].end)
            .unwrap_or(0)
    }

    /// The shard that owned `key` when the record with `sequence_number` was stored: the one
    /// whose hash key range holds the key and whose sequence number range holds the number.
    pub fn owner_at(&self, key: u128, sequence_number: u128) -> Option<usize> {
        self.shards.iter().position(|s| {
            s.start <= key
                && key <= s.end
                && s.starting_sequence <= sequence_number
                && s.ending_sequence.is_none_or(|end| sequence_number <= end)
        })
    }

    /// The shards that ever held `key`, parent before child (creation order).
    pub fn lineage(&self, key: u128) -> impl Iterator<Item = usize> + '_ {
        (0..self.shards.len())
            .filter(move |&i| self.shards[i].start <= key && key <= self.shards[i].end)
    }

    /// Whether the stream changed (resharded or flipped its strategy) at least once.
    pub fn changed(&self) -> bool {
        self.changes > 0
    }

    fn add_shard(&mut self, start: u128, end: u128, parent: usize, adjacent_parent: Option<usize>) {
        let index = self.shards.len();
        self.shards.push(SimShard {
            id: format!("shardId-{index:012}"),
            start,
            end,
            parent: Some(parent),
            adjacent_parent,
            starting_sequence: self.next_sequence + 1,
            ending_sequence: None,
            window: VecDeque::new(),
        });
        self.sends.push(Vec::new());
        self.open.push(index);
    }

    /// Closes shard `i`: it keeps what it stored, takes no more writes.
    fn close(&mut self, i: usize) {
        self.shards[i].ending_sequence = Some(self.next_sequence);
        self.open.retain(|&o| o != i);
    }

    /// `SplitShard` of a random open shard at a random hash key inside its range: children
    /// `[start, key - 1]` and `[key, end]`. False when no open shard spans two keys.
    pub fn split(&mut self, rng: &mut Rng) -> bool {
        let wide: Vec<usize> = self
            .open
            .iter()
            .copied()
            .filter(|&i| self.shards[i].end > self.shards[i].start)
            .collect();
        if wide.is_empty() {
            return false;
        }
        let parent = wide[rng.range(0, wide.len() as u64) as usize];
        let (start, end) = (self.shards[parent].start, self.shards[parent].end);
        let draw = (u128::from(rng.next_u64()) << 64) | u128::from(rng.next_u64());
        let key = start + 1 + draw % (end - start);
        self.close(parent);
        self.add_shard(start, key - 1, parent, None);
        self.add_shard(key, end, parent, None);
        self.changes += 1;
        self.hit(Fault::Split);
        true
    }

    /// `MergeShards` of two random adjacent open shards: one child over their union, its
    /// `ParentShardId` the lower one, `AdjacentParentShardId` the upper. False when only one
    /// shard is open.
    pub fn merge(&mut self, rng: &mut Rng) -> bool {
        let mut open = self.open.clone();
        open.sort_by_key(|&i| self.shards[i].start);
        let pairs: Vec<(usize, usize)> = open
            .windows(2)
            .map(|w| (w[0], w[1]))
            .filter(|&(a, b)| self.shards[a].end.checked_add(1) == Some(self.shards[b].start))
            .collect();
        if pairs.is_empty() {
            return false;
        }
        let (lower, upper) = pairs[rng.range(0, pairs.len() as u64) as usize];
        let (start, end) = (self.shards[lower].start, self.shards[upper].end);
        self.close(lower);
        self.close(upper);
        self.add_shard(start, end, lower, Some(upper));
        self.changes += 1;
        self.hit(Fault::Merge);
        true
    }

    /// `UpdateStreamRecordDistributionStrategy`: AUTO on if off, else back to partition keys
    /// (the field then said or absent).
    pub fn flip_distribution(&mut self, rng: &mut Rng) {
        self.distribution = if self.distribution == Some("AUTO") {
            if rng.chance(0.5) {
                Some("USER_PARTITION_KEY")
            } else {
                None
            }
        } else {
            Some("AUTO")
        };
        self.changes += 1;
        self.hit(Fault::StrategyFlip);
    }

    /// What `DescribeStreamSummary` reports besides the defaults.
    /// Injects each whole-request fault of `faults` once whatever the rates, on every
    /// `spacing`-th PutRecords request: a storm uses it so that every ten seeds see each kind
    /// however few requests the producer needs.
    pub fn force_whole_request_faults(&mut self, faults: &[Fault], spacing: u64) {
        self.forced = (1u64..)
            .zip(faults)
            .map(|(k, f)| (k * spacing, *f))
            .collect();
    }

    /// Shares the stream with another writer that uses up a shard's byte quota just before the
    /// producer's first entry reaches it, so that the producer meets `EntryOverQuota` in its
    /// first request that gets as far as its entries, however it paces.
    pub fn share_with_another_writer(&mut self) {
        self.other_writer = true;
    }

    pub fn set_settings(
        &mut self,
        max_record_size_kib: Option<u32>,
        distribution: Option<&'static str>,
    ) {
        self.max_record_size_kib = max_record_size_kib;
        self.distribution = distribution;
    }

    fn hit(&mut self, fault: Fault) {
        *self.coverage.entry(fault).or_default() += 1;
    }

    fn latency(&mut self) -> Duration {
        if self.rng.chance(self.rates.slow) {
            self.hit(Fault::SlowAnswer);
            Duration::from_millis(self.rng.range(1_000, 4_000))
        } else {
            Duration::from_millis(self.rng.range(2, 40))
        }
    }

    /// The service's handling of `request`, received at virtual time `at`, sent by a producer
    /// whose shard map was then `producer_map` (for the wrong-shard and pace counts only: the
    /// service routes by its own shards).
    pub fn handle(
        &mut self,
        request: &Request<Vec<u8>>,
        at: Duration,
        producer_map: Option<&ShardMap>,
    ) -> Answer {
        let target = request
            .headers()
            .get("x-amz-target")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        let body: Value = match serde_json::from_slice(request.body()) {
            Ok(v) => v,
            Err(e) => {
                self.violations
                    .push(format!("{target}: body is not JSON: {e}"));
                return Answer::Respond(
                    error_response(400, "SerializationException", "bad"),
                    self.latency(),
                );
            }
        };
        let latency = self.latency();
        match target.as_str() {
            "Kinesis_20131202.DescribeStreamSummary" => Answer::Respond(self.describe(), latency),
            "Kinesis_20131202.ListShards" => Answer::Respond(self.list_shards(&body), latency),
            "Kinesis_20131202.PutRecords" => self.put_records(&body, at, latency, producer_map),
            other => {
                self.violations
                    .push(format!("unexpected operation {other:?}"));
                Answer::Respond(
                    error_response(400, "UnknownOperationException", "no"),
                    latency,
                )
            }
        }
    }

    fn describe(&mut self) -> Response<Vec<u8>> {
        if self.rng.chance(self.rates.describe_refused) {
            self.hit(Fault::DescribeRefused);
            return error_response(400, "AccessDeniedException", "not authorized");
        }
        let mut extra = String::new();
        if let Some(kib) = self.max_record_size_kib {
            let _ = write!(extra, r#","MaxRecordSizeInKiB":{kib}"#);
        }
        if let Some(d) = self.distribution {
            let _ = write!(extra, r#","RecordDistributionStrategy":"{d}""#);
        }
        json_response(
            200,
            format!(
                r#"{{"StreamDescriptionSummary":{{"StreamName":"{0}","StreamARN":"arn:aws:kinesis:us-east-1:123456789012:stream/{0}","StreamStatus":"ACTIVE","OpenShardCount":{1},"RetentionPeriodHours":24,"StreamCreationTimestamp":1700000000,"EnhancedMonitoring":[]{extra}}}}}"#,
                self.stream,
                self.open.len()
            ),
        )
    }

    fn list_shards(&mut self, body: &Value) -> Response<Vec<u8>> {
        let first = std::mem::take(&mut self.rates.first_listing_fails);
        if first || self.rng.chance(self.rates.listing_error) {
            self.hit(Fault::ListingError);
            return error_response(500, "InternalFailure", "try again");
        }
        let from = match body.get("NextToken").and_then(Value::as_str) {
            Some(token) => match token.strip_prefix("page-").and_then(|n| n.parse().ok()) {
                Some(n) => n,
                None => return error_response(400, "InvalidArgumentException", "bad token"),
            },
            None => 0usize,
        };
        let to = (from + self.page_size).min(self.shards.len());
        // Open and closed shards, in creation order, as the real API lists them.
        let shards: Vec<String> = self.shards[from..to]
            .iter()
            .map(|s| {
                let mut parents = String::new();
                if let Some(p) = s.parent {
                    let _ = write!(parents, r#","ParentShardId":"{}""#, self.shards[p].id);
                }
                if let Some(p) = s.adjacent_parent {
                    let _ = write!(parents, r#","AdjacentParentShardId":"{}""#, self.shards[p].id);
                }
                let ending = s
                    .ending_sequence
                    .map(|e| format!(r#","EndingSequenceNumber":"{e}""#))
                    .unwrap_or_default();
                format!(
                    r#"{{"ShardId":"{}"{parents},"HashKeyRange":{{"StartingHashKey":"{}","EndingHashKey":"{}"}},"SequenceNumberRange":{{"StartingSequenceNumber":"{}"{ending}}}}}"#,
                    s.id, s.start, s.end, s.starting_sequence
                )
            })
            .collect();
        let token = if to < self.shards.len() {
            format!(r#","NextToken":"page-{to}""#)
        } else {
            String::new()
        };
        json_response(
            200,
            format!(r#"{{"Shards":[{}]{token}}}"#, shards.join(",")),
        )
    }

    fn put_records(
        &mut self,
        body: &Value,
        at: Duration,
        latency: Duration,
        producer_map: Option<&ShardMap>,
    ) -> Answer {
        let entries = body
            .get("Records")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        // Service limits: 1 to 500 entries, 10 MiB in all (the producer's default
        // `max_request_size`, 5 MiB, is tighter), each record within the limit.
        if entries.is_empty() || entries.len() > 500 {
            self.violations
                .push(format!("PutRecords with {} entries", entries.len()));
        }
        let mut decoded = Vec::with_capacity(entries.len());
        let mut total = 0usize;
        let limit = self
            .max_record_size_kib
            .map_or(1 << 20, |k| k as usize * 1024);
        for e in &entries {
            let data = e
                .get("Data")
                .and_then(Value::as_str)
                .and_then(|d| base64::engine::general_purpose::STANDARD.decode(d).ok())
                .unwrap_or_default();
            let key = e
                .get("PartitionKey")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned();
            let ehk = e
                .get("ExplicitHashKey")
                .and_then(Value::as_str)
                .map(str::to_owned);
            let size = data.len() + key.len();
            if size > limit || key.is_empty() || key.chars().count() > 256 {
                self.violations.push(format!(
                    "entry of {size} bytes, key {} chars",
                    key.chars().count()
                ));
            }
            total += size;
            decoded.push((data, key, ehk));
        }
        if total > 5 << 20 {
            self.violations.push(format!("PutRecords of {total} bytes"));
        }
        // Whole-request faults: a forced one, or drawn by the rates.
        self.put_requests += 1;
        let forced = (self.forced.iter())
            .position(|(k, _)| *k == self.put_requests)
            .map(|i| self.forced.remove(i).1);
        if forced == Some(Fault::RequestThrottled)
            || (forced.is_none() && self.rng.chance(self.rates.request_throttled))
        {
            self.hit(Fault::RequestThrottled);
            return Answer::Respond(
                error_response(
                    400,
                    "ProvisionedThroughputExceededException",
                    "Rate exceeded",
                ),
                latency,
            );
        }
        if forced == Some(Fault::ServerError)
            || (forced.is_none() && self.rng.chance(self.rates.server_error))
        {
            self.hit(Fault::ServerError);
            let (status, code) = if self.rng.chance(0.5) {
                (500, "InternalFailure")
            } else {
                (503, "ServiceUnavailable")
            };
            return Answer::Respond(error_response(status, code, "try again"), latency);
        }
        let (lost, not_applied, unreadable) = match forced {
            Some(Fault::LostNotApplied) => (true, true, false),
            Some(Fault::LostApplied) => (true, false, false),
            Some(Fault::UnreadableSuccess) => (false, false, true),
            Some(_) => (false, false, false),
            None => {
                let lost = self.rng.chance(self.rates.lost);
                let not_applied = lost && self.rng.chance(0.5);
                (
                    lost,
                    not_applied,
                    !lost && self.rng.chance(self.rates.unreadable),
                )
            }
        };
        if not_applied {
            self.hit(Fault::LostNotApplied);
            return Answer::Lost(Duration::from_secs(6));
        }
        let auto = self.distribution == Some("AUTO");
        // Which shards the producer's map holds, by index here (a stale map may hold closed
        // shards, and lack children).
        let in_map: Vec<bool> = self
            .shards
            .iter()
            .map(|s| producer_map.is_some_and(|m| m.shards().iter().any(|p| p.id() == s.id)))
            .collect();
        let mut results = Vec::with_capacity(decoded.len());
        let mut failed = 0;
        for (data, key, ehk) in decoded {
            let hash = match &ehk {
                Some(k) => k.parse::<u128>().unwrap_or(0),
                None => HashKey::from_partition_key(&key).get(),
            };
            // On an AUTO stream the service spreads records itself; else the current open shard
            // that owns the hash key takes it, whatever the producer predicted.
            let shard = if auto {
                self.open[self.rng.range(0, self.open.len() as u64) as usize]
            } else {
                self.shard_for(hash)
            };
            let size = data.len() + key.len();
            // The producer paces the shards its map holds: a shard it does not know of (a
            // stale map after a split or merge; a merge child can then take two parents'
            // worth) or a record placed by AUTO is not its pace to keep.
            if !auto && in_map[shard] {
                self.sends[shard].push((at, size));
            } else {
                self.unpaced_sends += 1;
            }
            let predicted = producer_map.map(|m| m.shard_for(HashKey::new(hash)).id());
            let window = &mut self.shards[shard].window;
            if std::mem::take(&mut self.other_writer) {
                window.push_back((at, 1 << 20));
            }
            while window
                .front()
                .is_some_and(|(t, _)| at.saturating_sub(*t) >= Duration::from_secs(1))
            {
                window.pop_front();
            }
            let (records, bytes) = (window.len(), window.iter().map(|w| w.1).sum::<usize>());
            let over_quota = records + 1 > 1000 || bytes + size > 1 << 20;
            let outcome = if over_quota {
                self.hit(Fault::EntryOverQuota);
                Err("ProvisionedThroughputExceededException")
            } else if self.rng.chance(self.rates.entry_throttled) {
                self.hit(Fault::EntryThrottledByChance);
                Err("ProvisionedThroughputExceededException")
            } else if self.rng.chance(self.rates.entry_internal) {
                self.hit(Fault::EntryInternalFailure);
                Err("InternalFailure")
            } else {
                Ok(())
            };
            match outcome {
                Err(code) => {
                    failed += 1;
                    results.push(format!(r#"{{"ErrorCode":"{code}","ErrorMessage":"sim"}}"#));
                }
                Ok(()) => {
                    self.shards[shard].window.push_back((at, size));
                    self.next_sequence += 1;
                    let seq = self.next_sequence;
                    if lost || unreadable {
                        // Every user record inside: an aggregate's sub-records too.
                        match kinesis_proto::deaggregate(&data) {
                            Ok(Deaggregated::Aggregate(subs)) => {
                                self.ambiguous
                                    .extend(subs.filter_map(|r| serial_of(r.data())));
                            }
                            _ => self.ambiguous.extend(serial_of(&data)),
                        }
                    }
                    if predicted.is_some_and(|p| p != self.shards[shard].id) {
                        self.wrong_shard += 1;
                        if let Ok(Deaggregated::Aggregate(subs)) = kinesis_proto::deaggregate(&data)
                        {
                            (self.wrong_shard_aggregated)
                                .extend(subs.filter_map(|r| serial_of(r.data())));
                        }
                    }
                    self.stored.push(Stored {
                        shard,
                        sequence_number: seq,
                        partition_key: key,
                        explicit_hash_key: ehk,
                        data,
                        auto,
                        sent_as_auto: false,
                        changes_before: self.changes,
                    });
                    results.push(format!(
                        r#"{{"SequenceNumber":"{seq}","ShardId":"{}"}}"#,
                        self.shards[shard].id
                    ));
                }
            }
        }
        if lost {
            self.hit(Fault::LostApplied);
            return Answer::Lost(Duration::from_secs(6));
        }
        if unreadable {
            self.hit(Fault::UnreadableSuccess);
            return Answer::Respond(
                json_response(200, r#"{"FailedRecordCount":"#.to_owned()),
                latency,
            );
        }
        Answer::Respond(
            json_response(
                200,
                format!(
                    r#"{{"FailedRecordCount":{failed},"Records":[{}]}}"#,
                    results.join(",")
                ),
            ),
            latency,
        )
    }
}

/// What one seed did.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub records: usize,
    pub delivered: usize,
    pub failed: usize,
    pub stored_duplicates: usize,
    pub stats: Stats,
    pub coverage: BTreeMap<Fault, u64>,
    pub virtual_time: Duration,
    pub shards: usize,
    /// Whether the stream split or merged at least once.
    pub resharded: bool,
    /// Entries stored on another shard than the producer's map at send time predicted.
    pub wrong_shard: u64,
    /// Stored aggregates a KCL consumer drops (a sub-record outside the shard's range).
    pub stranded_aggregates: u64,
    /// Duplicates a reader without the range filter sees (stranded copies included).
    pub unfiltered_duplicates: usize,
    /// Entries left out of the pace check (stale map, AUTO).
    pub unpaced_sends: u64,
    /// Ran with `ordered(true)`.
    pub ordered: bool,
    /// Drew `ordered(true)` but the producer refused it, so ran unordered.
    pub ordered_skipped: bool,
}

/// A stream change planned at a moment of virtual time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Change {
    Split,
    Merge,
    Flip,
}

/// The workload and settings of one seed.
struct Workload {
    shards: usize,
    records: usize,
    keys: u64,
    rate_limit: u32,
    max_in_flight: usize,
    linger: Duration,
    ttl: Duration,
    max_buffered_bytes: usize,
    given_settings: bool,
    given_map: bool,
    rates: FaultRates,
    explicit_hash_keys: bool,
    /// What `DescribeStreamSummary` says: `MaxRecordSizeInKiB` and `RecordDistributionStrategy`.
    settings: (Option<u32>, Option<&'static str>),
    /// Pauses between bursts of arrivals (a storm has none: its records come as fast as they can).
    pauses: bool,
}

fn workload(seed: u64, rng: &mut Rng) -> Workload {
    // One seed in ten is a storm: every fault at a high rate, start-up calls included, so that
    // every ten seeds see every fault kind.
    let storm = seed.is_multiple_of(10);
    let calm = !storm && rng.chance(0.3);
    let f = |rng: &mut Rng, max: f64| {
        if storm {
            max
        } else if calm {
            0.0
        } else {
            max * (rng.range(0, 1000) as f64 / 1000.0)
        }
    };
    let rates = FaultRates {
        request_throttled: f(rng, 0.05),
        server_error: f(rng, 0.05),
        lost: f(rng, 0.05),
        unreadable: f(rng, 0.03),
        slow: f(rng, 0.05),
        entry_internal: f(rng, 0.05),
        entry_throttled: f(rng, 0.05),
        describe_refused: if storm { 1.0 } else { f(rng, 0.5) },
        listing_error: f(rng, 0.3),
        first_listing_fails: storm,
    };
    // A storm also sends one shard twice its quota's worth, paced at 200% of it.
    Workload {
        shards: if storm { 1 } else { rng.range(1, 9) as usize },
        records: rng.range(1_000, 2_500) as usize,
        keys: rng.range(1, 400),
        rate_limit: if storm {
            200
        } else {
            [50, 100, 150, 200][rng.range(0, 4) as usize]
        },
        max_in_flight: rng.range(1, 33) as usize,
        linger: Duration::from_millis(rng.range(0, 200)),
        ttl: Duration::from_secs(rng.range(3, 60)),
        max_buffered_bytes: if rng.chance(0.3) {
            rng.range(1 << 20, 4 << 20) as usize
        } else {
            64 << 20
        },
        given_settings: !storm && rng.chance(0.3),
        given_map: !storm && rng.chance(0.3),
        explicit_hash_keys: rng.chance(0.3),
        pauses: !storm,
        settings: match rng.range(0, 10) {
            0 => (Some(2048), None),
            1 if !storm => (Some(1024), Some("AUTO")),
            2 => (None, Some("USER_PARTITION_KEY")),
            _ => (None, None),
        },
        rates,
    }
    .auto_describable()
}

impl Workload {
    /// On an AUTO stream `DescribeStreamSummary` always answers: a producer that cannot learn
    /// the strategy falls back to aggregating, as the KPL does, and a KCL consumer may then drop
    /// aggregates the service placed on another shard. The periodic re-check that catches that
    /// belongs to resharding and strategy changes, not to this simulation.
    fn auto_describable(mut self) -> Workload {
        if self.settings.1 == Some("AUTO") {
            self.rates.describe_refused = 0.0;
        }
        self
    }
}

/// The stream changes of a seed with resharding on, sorted by time. Their moments lie within the
/// workload's arrival span `span`, so that records come after each (and meet a stale map):
/// some right after the start, some late, most anywhere. Storms (one seed in ten) split their
/// one shard and merge the children, and the seeds after them flip the strategy, so that every
/// ten seeds see every change (and every fault). Storms never flip: their `DescribeStreamSummary` is refused.
fn plan_changes(seed: u64, span: Duration, rng: &mut Rng) -> Vec<(Duration, Change)> {
    let storm = seed.is_multiple_of(10);
    let moment = |rng: &mut Rng| {
        let fraction = rng.range(0, 1000) as f64 / 1000.0;
        match rng.range(0, 10) {
            0 => Duration::from_millis(rng.range(0, 50)),
            1 => span.mul_f64(0.9 + 0.1 * fraction),
            _ => span.mul_f64(fraction),
        }
    };
    let mut changes = Vec::new();
    if storm {
        // In the second half, the merge soon after the split.
        let split = span.mul_f64(0.5 + 0.4 * rng.range(0, 1000) as f64 / 1000.0);
        let merge = split + span.mul_f64(0.05 * rng.range(0, 1000) as f64 / 1000.0);
        changes.push((split, Change::Split));
        changes.push((merge, Change::Merge));
    } else if rng.chance(0.6) {
        for _ in 0..rng.range(1, 5) {
            let change = if rng.chance(0.5) {
                Change::Split
            } else {
                Change::Merge
            };
            changes.push((moment(rng), change));
        }
    }
    if !storm && (seed % 10 == 1 || rng.chance(0.15)) {
        for _ in 0..rng.range(1, 3) {
            changes.push((moment(rng), Change::Flip));
        }
    }
    // Stable: a storm's split stays before its merge at the same moment.
    changes.sort_by_key(|c| c.0);
    changes
}

/// One record of the workload: its serial in the first 8 bytes, then filler.
fn make_record(rng: &mut Rng, serial: u64, w: &Workload) -> Record {
    let len = match rng.range(0, 100) {
        0 => rng.range(100_000, 400_000),
        1..=5 => rng.range(1_000, 20_000),
        _ => rng.range(8, 300),
    } as usize;
    let mut data = serial.to_be_bytes().to_vec();
    data.resize(len.max(8), (serial % 251) as u8);
    let key = format!("key-{}", rng.range(0, w.keys));
    let record = Record::new(data, key);
    if w.explicit_hash_keys && rng.chance(0.2) {
        record.with_explicit_hash_key(rng.next_u64().to_string())
    } else {
        record
    }
}

/// A user record as a KCL-style reader returns it: the stored record it came from, its
/// sub-sequence number (`None` when stored alone), its data.
type ReadBack = (usize, Option<u64>, Vec<u8>);

/// An answer on its way: the request it answers, and the response (`None`: lost).
type OnTheWay = (TransmitId, Option<Response<Vec<u8>>>);

/// Runs one seed, resharding as [`resharding_by_default`] says: a producer pushed `records`
/// records into a simulated stream full of faults. Returns what happened, or every invariant
/// that broke.
pub fn run_seed(seed: u64) -> Result<Report, Vec<String>> {
    let (report, violations) = run_seed_with(seed, resharding_by_default());
    if violations.is_empty() {
        Ok(report)
    } else {
        Err(violations)
    }
}

/// Runs one seed, with stream changes (splits, merges, strategy flips) when `reshard` is true.
/// Returns what happened and the broken invariants (none: the seed passed; else the first line
/// names the seed).
pub fn run_seed_with(seed: u64, reshard: bool) -> (Report, Vec<String>) {
    match run_seed_inner(seed, reshard) {
        Ok(pair) => pair,
        Err(violations) => (Report::default(), violations),
    }
}

fn run_seed_inner(seed: u64, reshard: bool) -> Result<(Report, Vec<String>), Vec<String>> {
    let mut rng = Rng::new(seed);
    let mut w = workload(seed, &mut rng);
    // The workload: arrival times in bursts.
    let mut arrivals = VecDeque::new();
    let mut t = Duration::ZERO;
    for serial in 0..w.records as u64 {
        if w.pauses && rng.chance(0.02) {
            t += Duration::from_millis(rng.range(100, 2_000));
        } else {
            t += Duration::from_micros(rng.range(0, 2_000));
        }
        let record = make_record(&mut rng, serial, &w);
        arrivals.push_back((t, serial, record));
    }
    // Stream changes and order come from a chance of their own, so that a seed without them
    // runs as it did before they existed.
    let mut plan_rng = Rng::new(seed ^ 0x0A11_CE5E_ED5E_ED00);
    let changes = if reshard {
        plan_changes(seed, t, &mut plan_rng)
    } else {
        Vec::new()
    };
    let flips = changes.iter().any(|c| c.1 == Change::Flip);
    if flips {
        // A producer that cannot learn the strategy falls back to aggregating (aggregation
        // spec section 6): on AUTO the service then strands its aggregates, again and again.
        w.rates.describe_refused = 0.0;
    }
    // On an AUTO stream the service picks the shard: no prediction or pace to check.
    let auto = w.settings.1 == Some("AUTO");
    // Per-key order, in a quarter of the seeds that never see AUTO; never in a storm, which
    // stays the unordered worst case: every fault, with many requests in flight to one shard.
    let ordered = !auto && !flips && !seed.is_multiple_of(10) && plan_rng.chance(0.25);
    let stream = "sim-stream";
    let mut sim = SimKinesis::new(
        w.shards,
        w.rates.clone(),
        Rng::new(seed.wrapping_mul(31)),
        stream,
    );
    sim.set_settings(w.settings.0, w.settings.1);
    // A storm meets every whole-request fault and `EntryOverQuota` however few requests its
    // producer needs, so that every ten seeds see every fault kind.
    if seed.is_multiple_of(10) {
        use Fault::*;
        let whole = [
            RequestThrottled,
            ServerError,
            LostNotApplied,
            LostApplied,
            UnreadableSuccess,
        ];
        sim.force_whole_request_faults(&whole, 3);
        sim.share_with_another_writer();
    }
    let base = Instant::now();
    let mut config = ProducerConfig::new(StreamName::new(stream).map_err(|e| vec![e.to_string()])?)
        .linger(w.linger)
        .record_ttl(w.ttl)
        .rate_limit_percent(w.rate_limit)
        .max_in_flight(w.max_in_flight)
        .max_buffered_bytes(w.max_buffered_bytes)
        .seed(seed);
    if w.given_settings {
        // Given settings tell the truth about the stream (at the start: it may flip later).
        let distribution = if auto {
            RecordDistribution::Auto
        } else {
            RecordDistribution::UserPartitionKey
        };
        config = config.stream_settings(1 << 20, distribution);
    }
    if w.given_map {
        config =
            config.shard_map(ShardMap::even(w.shards as u32).map_err(|e| vec![e.to_string()])?);
    }
    let endpoints = EndpointConfig::new("us-east-1");
    // An engine without per-key order refuses `ordered(true)` by name: the seed runs unordered.
    let (mut producer, ordered, ordered_skipped) = if ordered {
        match Producer::new(config.clone().ordered(true), &endpoints, base) {
            Ok(producer) => (producer, true, false),
            Err(ProducerError::Config(e)) if *e.rule() == Rule::Unsupported => (
                Producer::new(config, &endpoints, base).map_err(|e| vec![e.to_string()])?,
                false,
                true,
            ),
            Err(e) => return Err(vec![format!("seed {seed}"), e.to_string()]),
        }
    } else {
        (
            Producer::new(config, &endpoints, base).map_err(|e| vec![e.to_string()])?,
            false,
            false,
        )
    };

    let mut violations = Vec::new();
    let mut pushed: HashMap<RecordId, (u64, Record)> = HashMap::new();
    let mut by_serial: HashMap<u64, RecordId> = HashMap::new();
    let mut terminal: HashMap<RecordId, Event> = HashMap::new();
    // Answers on their way: (arrival time, transmit, answer or None for a lost one).
    let mut answers: BTreeMap<(Duration, u64), OnTheWay> = BTreeMap::new();
    let mut ordinal = 0u64;
    let mut now = Duration::ZERO;
    let mut map_unavailable = false;
    let deadline = Duration::from_secs(3_600);
    let mut steps = 0u64;
    let mut next_change = 0;
    loop {
        steps += 1;
        if steps > 5_000_000 || now > deadline {
            violations.push(format!(
                "did not finish: {steps} steps, {now:?}, {} arrivals left, {} answers due, timeout {:?}, {:?}",
                arrivals.len(),
                answers.len(),
                producer.poll_timeout().map(|t| t.saturating_duration_since(base)),
                producer.stats()
            ));
            break;
        }
        let at = base + now;
        // Stream changes due now: between two requests, with answers computed before them on
        // their way still.
        while let Some(&(when, change)) = changes.get(next_change) {
            if when > now {
                break;
            }
            next_change += 1;
            match change {
                Change::Split => {
                    sim.split(&mut plan_rng);
                }
                // One open shard: split it instead.
                Change::Merge => {
                    if !sim.merge(&mut plan_rng) {
                        sim.split(&mut plan_rng);
                    }
                }
                Change::Flip => sim.flip_distribution(&mut plan_rng),
            }
        }
        // Answers due now.
        while let Some(entry) = answers.first_entry() {
            if entry.key().0 > now {
                break;
            }
            let (id, answer) = entry.remove();
            let handled = match answer {
                Some(response) => producer.handle_response(id, &response, at),
                None => producer.handle_transport_error(id, at),
            };
            if let Err(e) = handled {
                violations.push(format!("answer refused: {e}"));
            }
        }
        producer.handle_timeout(at);
        // Records due now (a full buffer makes them wait).
        while let Some((t, _, _)) = arrivals.front() {
            if *t > now {
                break;
            }
            let Some((t, serial, record)) = arrivals.pop_front() else {
                break;
            };
            match producer.push(record.clone(), at) {
                Ok(id) => {
                    pushed.insert(id, (serial, record));
                    by_serial.insert(serial, id);
                }
                Err(e) => match e.refusal {
                    PushRefusal::Full => {
                        arrivals.push_front((
                            t.max(now) + Duration::from_millis(10),
                            serial,
                            e.record,
                        ));
                        break;
                    }
                    other => violations.push(format!("record {serial} refused: {other:?}")),
                },
            }
            let stats = producer.stats();
            if stats.buffered_bytes > w.max_buffered_bytes as u64 {
                violations.push(format!(
                    "buffered {} bytes over {}",
                    stats.buffered_bytes, w.max_buffered_bytes
                ));
            }
        }
        if arrivals.is_empty() {
            producer.flush(at);
        }
        while let Some(transmit) = producer.poll_transmit(at) {
            if transmit.operation != Operation::PutRecords
                && transmit.request.headers().get("host").is_none()
            {
                violations.push("a request without host".to_owned());
            }
            let stored_before = sim.stored.len();
            let handled = sim.handle(&transmit.request, now, producer.shard_map());
            if producer.record_distribution() == RecordDistribution::Auto {
                for s in &mut sim.stored[stored_before..] {
                    s.sent_as_auto = true;
                }
            }
            let answer = match handled {
                Answer::Respond(response, delay) => {
                    ((now + delay, ordinal), (transmit.id, Some(response)))
                }
                Answer::Lost(timeout) => ((now + timeout, ordinal), (transmit.id, None)),
            };
            ordinal += 1;
            answers.insert(answer.0, answer.1);
        }
        while let Some(event) = producer.poll_event() {
            let id = match &event {
                Event::Delivered { id, .. } | Event::Failed { id, .. } => *id,
                Event::ShardMapUnavailable { .. } => {
                    map_unavailable = true;
                    continue;
                }
                _ => continue,
            };
            if terminal.insert(id, event).is_some() {
                violations.push(format!("record {id:?} has two terminal events"));
            }
        }
        if arrivals.is_empty() && answers.is_empty() && producer.is_idle() {
            break;
        }
        // The next moment anything happens.
        let mut next = [
            changes.get(next_change).map(|c| c.0),
            arrivals.front().map(|a| a.0),
            answers.keys().next().map(|k| k.0),
            producer
                .poll_timeout()
                .map(|t| t.saturating_duration_since(base)),
        ]
        .into_iter()
        .flatten()
        .min();
        if next.is_some_and(|n| n <= now) {
            next = Some(now + Duration::from_micros(100));
        }
        match next {
            Some(n) => now = n,
            None => {
                violations.push(format!(
                    "stuck at {now:?}: {} records held, nothing to wait for",
                    producer.stats().buffered_records
                ));
                break;
            }
        }
    }
    violations.append(&mut sim.violations);
    let stats = producer.stats();

    // Every pushed record ends in exactly one terminal event.
    for id in pushed.keys() {
        if !terminal.contains_key(id) {
            violations.push(format!("record {id:?} has no terminal event"));
        }
    }
    // What a KCL-style reader returns (aggregation spec section 4): every shard, parents and
    // children, each stored record read with its own shard's range filter, aggregates
    // de-aggregated; by serial, each user record with where it was read (stored index,
    // sub-sequence number, data). Anything read that was never pushed is a violation. An
    // aggregate the KCL drops (a sub-record outside the shard's range) is stranded: a
    // violation if the stream had not changed yet when it was stored (the producer's map was
    // right), else a stale map's doing, whose records the producer must resend.
    let mut read_by_serial: HashMap<u64, Vec<ReadBack>> = HashMap::new();
    // Per serial, its copies in stranded aggregates.
    let mut stranded: HashMap<u64, usize> = HashMap::new();
    let mut stranded_aggregates = 0;
    for (i, s) in sim.stored.iter().enumerate() {
        // A producer that takes the stream for AUTO sends every record alone (aggregation spec
        // section 6).
        if s.sent_as_auto
            && matches!(
                kinesis_proto::deaggregate(&s.data),
                Ok(Deaggregated::Aggregate(_))
            )
        {
            violations.push(format!(
                "an aggregate sent on AUTO, stored at {}/{}",
                sim.shard_id(s.shard),
                s.sequence_number
            ));
        }
        let range = sim.shard_range(s.shard);
        let mut read = |serial: Option<u64>, sub: Option<u64>, data: &[u8]| match serial {
            Some(serial) if by_serial.contains_key(&serial) => read_by_serial
                .entry(serial)
                .or_default()
                .push((i, sub, data.to_vec())),
            _ => violations.push(format!("read a record never pushed: {} bytes", data.len())),
        };
        match deaggregate_for_shard(&s.data, &range) {
            Ok(Deaggregated::Plain) => read(serial_of(&s.data), None, &s.data),
            Ok(Deaggregated::Aggregate(subs)) => {
                for sub in subs {
                    read(
                        serial_of(sub.data()),
                        Some(sub.sub_sequence_number()),
                        sub.data(),
                    );
                }
            }
            Err(DeaggregateError::OutsideShard { .. }) if s.changes_before > 0 => {
                stranded_aggregates += 1;
                if let Ok(Deaggregated::Aggregate(subs)) = kinesis_proto::deaggregate(&s.data) {
                    for sub in subs {
                        match serial_of(sub.data()) {
                            Some(serial) if by_serial.contains_key(&serial) => {
                                *stranded.entry(serial).or_default() += 1;
                            }
                            _ => violations.push(format!(
                                "stored a record never pushed: {} bytes",
                                sub.data().len()
                            )),
                        }
                    }
                }
            }
            Err(e) => violations.push(format!(
                "a KCL consumer would drop the aggregate at {}/{}: {e}",
                sim.shard_id(s.shard),
                s.sequence_number
            )),
        }
    }
    let mut delivered = 0;
    let mut failed = 0;
    for (id, event) in &terminal {
        let Some((serial, record)) = pushed.get(id) else {
            violations.push(format!("event for a record never pushed: {id:?}"));
            continue;
        };
        match event {
            Event::Delivered {
                shard_id,
                sequence_number,
                sub_sequence_number,
                ..
            } => {
                delivered += 1;
                // Read back from where the event says, whole.
                let found =
                    read_by_serial
                        .get(serial)
                        .into_iter()
                        .flatten()
                        .find(|(i, sub, data)| {
                            let s = &sim.stored[*i];
                            sim.shard_id(s.shard) == &**shard_id
                                && s.sequence_number.to_string() == **sequence_number
                                && *sub == sub_sequence_number.map(u64::from)
                                && data.as_slice() == record.data().as_ref()
                        });
                let Some((i, _, _)) = found else {
                    violations.push(format!(
                        "record {serial} delivered as {shard_id}/{sequence_number}/{sub_sequence_number:?} but not read there"
                    ));
                    continue;
                };
                // Stored on the shard that owned its hash key when it was stored, unless AUTO
                // placed it or the producer took the stream for AUTO (a stale strategy: the
                // entry then carried no explicit hash key).
                let s = &sim.stored[*i];
                let key = effective_key(record);
                let owner = sim.owner_at(key, s.sequence_number);
                if !s.auto && !s.sent_as_auto && owner != Some(s.shard) {
                    violations.push(format!(
                        "record {serial} stored on {shard_id}, its key then belonged to {:?}",
                        owner.map(|o| sim.shard_id(o))
                    ));
                }
            }
            Event::Failed {
                record: given_back,
                reason,
                ..
            } => {
                failed += 1;
                if given_back != record {
                    violations.push(format!("record {serial} given back changed"));
                }
                if let FailureReason::Invalid(e) = reason {
                    violations.push(format!("record {serial} invalid after push: {e}"));
                }
            }
            _ => {}
        }
    }
    // Duplicates: only of records in an applied request whose answer was lost or unreadable, or
    // in a stranded aggregate (resent whole) or one stored on another shard than predicted (which
    // the producer resends when no listing shows that shard owns all of it), and never more than
    // the producer counted. The
    // KCL-style reader does not return a stranded copy; a reader that does not filter by range
    // would, which the producer's count covers too.
    let mut stored_duplicates = 0;
    for (serial, copies) in &read_by_serial {
        if copies.len() > 1 {
            stored_duplicates += copies.len() - 1;
            if !sim.ambiguous.contains(serial)
                && !stranded.contains_key(serial)
                && !sim.wrong_shard_aggregated.contains(serial)
            {
                violations.push(format!(
                    "record {serial} stored {} times without a lost or unreadable answer or a stranded or wrong-shard aggregate",
                    copies.len()
                ));
            }
        }
    }
    if stored_duplicates as u64 > stats.possible_duplicates {
        violations.push(format!(
            "{stored_duplicates} stored duplicates, {} counted",
            stats.possible_duplicates
        ));
    }
    // A reader without the range filter (aggregation spec section 4.4) also returns the
    // stranded copies: its duplicates too stay within the producer's count, which is why a
    // resent stranded record counts as a possible duplicate.
    let unfiltered_duplicates: usize = read_by_serial
        .iter()
        .map(|(serial, copies)| (*serial, copies.len()))
        .chain(
            stranded
                .iter()
                .filter(|(serial, _)| !read_by_serial.contains_key(serial))
                .map(|(serial, _)| (*serial, 0)),
        )
        .map(|(serial, read)| {
            (read + stranded.get(&serial).copied().unwrap_or(0)).saturating_sub(1)
        })
        .sum();
    if unfiltered_duplicates as u64 > stats.possible_duplicates {
        violations.push(format!(
            "{unfiltered_duplicates} duplicates for a reader without the range filter, {} counted",
            stats.possible_duplicates
        ));
    }
    // Per-key order with `ordered(true)`: for each effective hash key, the records read back
    // over the key's lineage, as `order_violation` says.
    if ordered {
        let mut by_key: HashMap<u128, Vec<Read>> = HashMap::new();
        for (serial, copies) in &read_by_serial {
            let Some((_, record)) = by_serial.get(serial).and_then(|id| pushed.get(id)) else {
                continue;
            };
            let key = effective_key(record);
            for (i, sub, _) in copies {
                let s = &sim.stored[*i];
                by_key.entry(key).or_default().push(Read {
                    shard: s.shard,
                    sequence_number: s.sequence_number,
                    sub_sequence_number: sub.unwrap_or(0),
                    serial: *serial,
                });
            }
        }
        for (key, reads) in by_key {
            violations.extend(order_violation(&sim, key, reads));
        }
    }
    // Pace: per shard, sent in any window of T seconds within quota × (1 + rate × T), counting
    // only what the service routed by hash key to a shard the producer's map held at the time
    // (the sim's `sends`): while its map is stale the producer paces the shards it believes
    // in, and a merge child may take both parents' worth.
    if !map_unavailable && !auto {
        let rate = f64::from(w.rate_limit) / 100.0;
        for (shard, sends) in sim.sends.iter().enumerate() {
            for window in [1u64, 3, 10] {
                let t = Duration::from_secs(window);
                let records_cap = 1000.0 * (1.0 + rate * window as f64);
                let bytes_cap = (1u64 << 20) as f64 * (1.0 + rate * window as f64);
                let (mut lo, mut bytes) = (0usize, 0usize);
                for hi in 0..sends.len() {
                    bytes += sends[hi].1;
                    while sends[hi].0.saturating_sub(sends[lo].0) >= t {
                        bytes -= sends[lo].1;
                        lo += 1;
                    }
                    let count = hi - lo + 1;
                    // A record larger than the bucket may go from a full one.
                    let largest = sends[lo..=hi].iter().map(|s| s.1).max().unwrap_or(0) as f64;
                    if count as f64 > records_cap + 1e-6
                        || bytes as f64 > bytes_cap + largest + 1e-6
                    {
                        violations.push(format!(
                            "shard {shard}: {count} records, {bytes} bytes within {window} s (caps {records_cap}, {bytes_cap}), from {:?} to {:?}",
                            sends[lo].0, sends[hi].0
                        ));
                        if std::env::var("SIM_DEBUG").is_ok() {
                            for s in &sends[lo.saturating_sub(5)..=hi] {
                                eprintln!("{:?} {}", s.0, s.1);
                            }
                        }
                        break;
                    }
                }
            }
        }
    }
    if !violations.is_empty() {
        // A few of each kind, so that one kind in bulk does not hide another.
        let mut kinds: HashMap<String, usize> = HashMap::new();
        violations.retain(|v| {
            let n = kinds.entry(violation_kind(v)).or_default();
            *n += 1;
            *n <= 5
        });
        violations.insert(0, format!("seed {seed}"));
        violations.truncate(20);
    }
    let report = Report {
        records: pushed.len(),
        delivered,
        failed,
        stored_duplicates,
        stats,
        resharded: sim.coverage.contains_key(&Fault::Split)
            || sim.coverage.contains_key(&Fault::Merge),
        wrong_shard: sim.wrong_shard,
        stranded_aggregates,
        unfiltered_duplicates,
        unpaced_sends: sim.unpaced_sends,
        ordered,
        ordered_skipped,
        coverage: sim.coverage,
        virtual_time: now,
        shards: w.shards,
    };
    Ok((report, violations))
}

/// A user record of one key as the KCL-style reader returned it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Read {
    /// The shard's index: creation order, so parents before children.
    shard: usize,
    sequence_number: u128,
    sub_sequence_number: u64,
    serial: u64,
}

/// Per-key order: the `reads` of hash key `key`, walking the key's shard lineage (parent before
/// child: a child takes writes only once its parent closed), within a shard by (sequence
/// number, sub-sequence number); each serial's first occurrence kept. The serials must increase,
/// as they were pushed in that order. Returns the first break, if any.
fn order_violation(sim: &SimKinesis, key: u128, mut reads: Vec<Read>) -> Option<String> {
    let lineage: Vec<usize> = sim.lineage(key).collect();
    if let Some(r) = reads.iter().find(|r| !lineage.contains(&r.shard)) {
        return Some(format!(
            "record {} read on {}, outside its key's lineage",
            r.serial,
            sim.shard_id(r.shard)
        ));
    }
    reads.sort_unstable();
    let mut seen = HashSet::new();
    let mut last: Option<Read> = None;
    for read in reads {
        if !seen.insert(read.serial) {
            continue;
        }
        if let Some(before) = last
            && read.serial < before.serial
        {
            return Some(format!(
                "key {key}: record {} at {}/{}/{} comes after record {} at {}/{}/{}",
                read.serial,
                sim.shard_id(read.shard),
                read.sequence_number,
                read.sub_sequence_number,
                before.serial,
                sim.shard_id(before.shard),
                before.sequence_number,
                before.sub_sequence_number
            ));
        }
        last = Some(read);
    }
    None
}

/// A violation's kind: its message with every number masked as `#`.
pub fn violation_kind(violation: &str) -> String {
    let mut kind = String::with_capacity(violation.len());
    for c in violation.chars() {
        if !c.is_ascii_digit() {
            kind.push(c);
        } else if !kind.ends_with('#') {
            kind.push('#');
        }
    }
    kind
}

/// A record's effective hash key: its explicit hash key, else the MD5 of its partition key.
fn effective_key(record: &Record) -> u128 {
    match record.explicit_hash_key() {
        Some(k) => k.parse::<u128>().unwrap_or(0),
        None => HashKey::from_partition_key(record.partition_key()).get(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kinesis_proto::{ShardMapBuilder, parse_list_shards_response};

    fn request(target: &str, body: String) -> Request<Vec<u8>> {
        Request::builder()
            .header("x-amz-target", format!("Kinesis_20131202.{target}"))
            .body(body.into_bytes())
            .expect("a request")
    }

    fn body(answer: Answer) -> Value {
        match answer {
            Answer::Respond(response, _) => {
                serde_json::from_slice(response.body()).expect("a JSON answer")
            }
            Answer::Lost(_) => panic!("no answer"),
        }
    }

    /// Every page of `ListShards`, as the producer reads them.
    fn listed(sim: &mut SimKinesis) -> Vec<kinesis_proto::Shard> {
        let mut shards = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let body = match &token {
                Some(t) => format!(r#"{{"NextToken":"{t}"}}"#),
                None => r#"{"StreamName":"s"}"#.to_owned(),
            };
            let Answer::Respond(response, _) =
                sim.handle(&request("ListShards", body), Duration::ZERO, None)
            else {
                panic!("no answer");
            };
            let page = parse_list_shards_response(&response).expect("a page");
            token = page.next_token().map(str::to_owned);
            shards.extend(page.into_shards());
            if token.is_none() {
                return shards;
            }
        }
    }

    fn put(sim: &mut SimKinesis, explicit_hash_key: u128) -> String {
        let entry = format!(
            r#"{{"Records":[{{"Data":"AAAAAAAAAAA=","PartitionKey":"k","ExplicitHashKey":"{explicit_hash_key}"}}],"StreamName":"s"}}"#
        );
        let answer = body(sim.handle(&request("PutRecords", entry), Duration::ZERO, None));
        answer["Records"][0]["ShardId"]
            .as_str()
            .expect("stored")
            .to_owned()
    }

    #[test]
    fn list_shards_after_a_split_and_a_merge_lists_closed_parents_and_open_children() {
        let mut sim = SimKinesis::new(2, FaultRates::calm(), Rng::new(1), "s");
        let mut rng = Rng::new(7);
        assert!(sim.split(&mut rng));
        assert!(sim.merge(&mut rng));
        let shards = listed(&mut sim);
        let ids: Vec<&str> = shards.iter().map(|s| s.id()).collect();
        assert_eq!(
            ids,
            (0..5)
                .map(|i| format!("shardId-{i:012}"))
                .collect::<Vec<_>>()
        );
        assert_eq!(shards.iter().filter(|s| s.is_open()).count(), 2);
        for s in &shards {
            assert_eq!(s.is_open(), s.ending_sequence_number().is_none());
            assert!(s.starting_sequence_number().is_some());
        }
        // The split's children name their parent; the merge child names both of its.
        assert!(shards[2].parent_shard_id().is_some() && shards[3].parent_shard_id().is_some());
        assert_eq!(shards[2].parent_shard_id(), shards[3].parent_shard_id());
        assert!(shards[4].adjacent_parent_shard_id().is_some());
        let mut builder = ShardMapBuilder::new();
        builder.add_shards(shards.clone());
        let map = builder.build().expect("the open shards tile the key space");
        assert_eq!(map.len(), sim.open_shard_count());
    }

    #[test]
    fn a_write_after_a_split_goes_to_the_child_that_owns_its_hash_key() {
        let mut sim = SimKinesis::new(1, FaultRates::calm(), Rng::new(1), "s");
        assert_eq!(put(&mut sim, 0), "shardId-000000000000");
        assert!(sim.split(&mut Rng::new(3)));
        assert_eq!(put(&mut sim, 0), "shardId-000000000001");
        assert_eq!(put(&mut sim, u128::MAX), "shardId-000000000002");
        // The parent keeps what it stored, and owned the key when it stored it.
        let first = &sim.stored[0];
        assert_eq!(sim.owner_at(0, first.sequence_number), Some(0));
        assert_eq!(sim.owner_at(0, sim.stored[1].sequence_number), Some(1));
        assert_eq!(sim.lineage(0).collect::<Vec<_>>(), vec![0, 1]);
    }

    #[test]
    fn describe_reports_the_open_shards_and_the_current_strategy() {
        let mut sim = SimKinesis::new(2, FaultRates::calm(), Rng::new(1), "s");
        assert!(sim.split(&mut Rng::new(3)));
        sim.flip_distribution(&mut Rng::new(3));
        let summary = body(sim.handle(
            &request("DescribeStreamSummary", "{}".to_owned()),
            Duration::ZERO,
            None,
        ));
        let summary = &summary["StreamDescriptionSummary"];
        assert_eq!(summary["OpenShardCount"], 3);
        assert_eq!(summary["RecordDistributionStrategy"], "AUTO");
    }

    #[test]
    fn an_entry_routed_by_a_map_from_before_a_split_is_a_wrong_shard_answer_left_unpaced() {
        let mut sim = SimKinesis::new(1, FaultRates::calm(), Rng::new(1), "s");
        let old = ShardMap::even(1).expect("a map");
        assert!(sim.split(&mut Rng::new(3)));
        let entry = r#"{"Records":[{"Data":"AAAAAAAAAAA=","PartitionKey":"k","ExplicitHashKey":"0"}],"StreamName":"s"}"#;
        sim.handle(
            &request("PutRecords", entry.to_owned()),
            Duration::ZERO,
            Some(&old),
        );
        assert_eq!(sim.wrong_shard, 1);
        // The child the stale map does not know of is not paced by the producer.
        assert_eq!(sim.unpaced_sends, 1);
    }

    #[test]
    fn storms_split_and_merge_only_with_resharding_on() {
        let (on, violations) = run_seed_with(0, true);
        assert!(on.resharded, "{violations:?}");
        assert!(on.coverage.contains_key(&Fault::Split) && on.coverage.contains_key(&Fault::Merge));
        let (off, violations) = run_seed_with(0, false);
        assert!(violations.is_empty(), "{violations:?}");
        assert!(!off.resharded);
    }

    fn read(shard: usize, sequence_number: u128, sub_sequence_number: u64, serial: u64) -> Read {
        Read {
            shard,
            sequence_number,
            sub_sequence_number,
            serial,
        }
    }

    #[test]
    fn per_key_order_walks_the_lineage_parent_first_and_keeps_first_occurrences() {
        let mut sim = SimKinesis::new(1, FaultRates::calm(), Rng::new(1), "s");
        assert!(sim.split(&mut Rng::new(3)));
        // On the parent: 0, then 1 and 2 in one aggregate; on the child: 1 again (a resend after
        // a lost answer), then 3. In order by first occurrence.
        let reads = vec![
            read(1, 20, 0, 1),
            read(0, 10, 1, 1),
            read(1, 21, 0, 3),
            read(0, 9, 0, 0),
            read(0, 10, 2, 2),
        ];
        assert_eq!(order_violation(&sim, 0, reads), None);
    }

    #[test]
    fn per_key_order_breaks_when_a_child_holds_an_older_record_than_its_parent() {
        let mut sim = SimKinesis::new(1, FaultRates::calm(), Rng::new(1), "s");
        assert!(sim.split(&mut Rng::new(3)));
        // Record 1 reached the child only after record 2 was on the parent.
        let reads = vec![read(0, 10, 0, 0), read(0, 11, 0, 2), read(1, 20, 0, 1)];
        let broken = order_violation(&sim, 0, reads).expect("out of order");
        assert!(
            broken.contains("record 1 at shardId-000000000001/20/0"),
            "{broken}"
        );
        // Within one aggregate, by sub-sequence number.
        let reads = vec![read(0, 10, 0, 1), read(0, 10, 1, 0)];
        assert!(order_violation(&sim, 0, reads).is_some());
        // A shard outside the key's lineage.
        let reads = vec![read(2, 10, 0, 0)];
        assert!(order_violation(&sim, 0, reads).is_some());
    }
}
