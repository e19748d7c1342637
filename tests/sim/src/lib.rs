//! A deterministic simulated Kinesis for the kinesis-proto producer: shards with the real write
//! quotas, per-entry throttling and `InternalFailure`, whole-request throttling and 5xx, lost
//! answers (applied or not), unreadable 2xx and slow answers, all in virtual time. [`run_seed`]
//! drives a producer through one seeded workload and checks that every record is accounted for.
//!
//! Not public API of the crate: a test harness, in a crate of its own so that it can be built
//! with optimisations (`cargo test --release -p kinesis-proto-sim`).

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::fmt::Write as _;
use std::time::{Duration, Instant};

use base64::Engine as _;
use kinesis_proto::http::{Request, Response};
use kinesis_proto::{
    Deaggregated, EndpointConfig, Event, FailureReason, HashKey, HashKeyRange, Operation, Producer,
    ProducerConfig, PushRefusal, Record, RecordDistribution, RecordId, ShardMap, Stats, StreamName,
    TransmitId, deaggregate_for_shard,
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

/// A record the simulated service stored.
#[derive(Debug, Clone)]
pub struct Stored {
    pub shard: usize,
    pub sequence_number: u128,
    pub partition_key: String,
    pub explicit_hash_key: Option<String>,
    pub data: Vec<u8>,
}

struct SimShard {
    id: String,
    start: u128,
    end: u128,
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
    shards: Vec<SimShard>,
    next_sequence: u128,
    rng: Rng,
    rates: FaultRates,
    stream: String,
    max_record_size_kib: Option<u32>,
    distribution: Option<&'static str>,
    page_size: usize,
    pub coverage: BTreeMap<Fault, u64>,
    pub stored: Vec<Stored>,
    /// Per shard, every entry routed to it (accepted or refused): (time, bytes).
    pub sends: Vec<Vec<(Duration, usize)>>,
    /// Serials of records in requests that were applied but whose answer was lost or unreadable.
    pub ambiguous: HashSet<u64>,
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
        // The layout CreateStream makes, as `ShardMap::even` does.
        let even = ShardMap::even(shard_count as u32).expect("1 to 8 shards");
        let shards = even
            .shards()
            .iter()
            .map(|s| SimShard {
                id: s.id().to_owned(),
                start: s.hash_key_range().start().get(),
                end: s.hash_key_range().end().get(),
                window: VecDeque::new(),
            })
            .collect::<Vec<_>>();
        SimKinesis {
            sends: vec![Vec::new(); shards.len()],
            shards,
            next_sequence: 49_000_000_000_000_000_000,
            rng,
            rates,
            stream: stream.to_owned(),
            max_record_size_kib: None,
            distribution: None,
            page_size: 2,
            coverage: BTreeMap::new(),
            stored: Vec::new(),
            ambiguous: HashSet::new(),
            violations: Vec::new(),
        }
    }

    pub fn shard_count(&self) -> usize {
        self.shards.len()
    }

    pub fn shard_range(&self, i: usize) -> HashKeyRange {
        let s = &self.shards[i];
        HashKeyRange::new(HashKey::new(s.start), HashKey::new(s.end)).unwrap_or(HashKeyRange::FULL)
    }

    pub fn shard_id(&self, i: usize) -> &str {
        &self.shards[i].id
    }

    /// The shard that owns `key`.
    pub fn shard_for(&self, key: u128) -> usize {
        self.shards
            .iter()
            .position(|s| s.start <= key && key <= s.end)
            .unwrap_or(0)
    }

    /// What `DescribeStreamSummary` reports besides the defaults.
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

    /// The service's handling of `request`, received at virtual time `at`.
    pub fn handle(&mut self, request: &Request<Vec<u8>>, at: Duration) -> Answer {
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
            "Kinesis_20131202.PutRecords" => self.put_records(&body, at, latency),
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
                self.shards.len()
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
        let shards: Vec<String> = self.shards[from..to]
            .iter()
            .map(|s| {
                format!(
                    r#"{{"ShardId":"{}","HashKeyRange":{{"StartingHashKey":"{}","EndingHashKey":"{}"}},"SequenceNumberRange":{{"StartingSequenceNumber":"1"}}}}"#,
                    s.id, s.start, s.end
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

    fn put_records(&mut self, body: &Value, at: Duration, latency: Duration) -> Answer {
        let entries = body
            .get("Records")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        // Service limits: 1 to 500 entries, 10 MiB in all, each record within the limit.
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
        if total > 10 << 20 {
            self.violations.push(format!("PutRecords of {total} bytes"));
        }
        // Whole-request faults.
        if self.rng.chance(self.rates.request_throttled) {
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
        if self.rng.chance(self.rates.server_error) {
            self.hit(Fault::ServerError);
            let (status, code) = if self.rng.chance(0.5) {
                (500, "InternalFailure")
            } else {
                (503, "ServiceUnavailable")
            };
            return Answer::Respond(error_response(status, code, "try again"), latency);
        }
        let lost = self.rng.chance(self.rates.lost);
        if lost && self.rng.chance(0.5) {
            self.hit(Fault::LostNotApplied);
            return Answer::Lost(Duration::from_secs(6));
        }
        let unreadable = !lost && self.rng.chance(self.rates.unreadable);
        let mut results = Vec::with_capacity(decoded.len());
        let mut failed = 0;
        for (data, key, ehk) in decoded {
            let hash = match &ehk {
                Some(k) => k.parse::<u128>().unwrap_or(0),
                None => HashKey::from_partition_key(&key).get(),
            };
            // On an AUTO stream the service spreads records itself.
            let shard = if self.distribution == Some("AUTO") {
                self.rng.range(0, self.shards.len() as u64) as usize
            } else {
                self.shard_for(hash)
            };
            let size = data.len() + key.len();
            self.sends[shard].push((at, size));
            let window = &mut self.shards[shard].window;
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
                    self.stored.push(Stored {
                        shard,
                        sequence_number: seq,
                        partition_key: key,
                        explicit_hash_key: ehk,
                        data,
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

/// Runs one seed: a producer pushed `records` records into a simulated stream full of faults.
/// Returns what happened, or every invariant that broke.
pub fn run_seed(seed: u64) -> Result<Report, Vec<String>> {
    let mut rng = Rng::new(seed);
    let w = workload(seed, &mut rng);
    let stream = "sim-stream";
    let mut sim = SimKinesis::new(
        w.shards,
        w.rates.clone(),
        Rng::new(seed.wrapping_mul(31)),
        stream,
    );
    sim.set_settings(w.settings.0, w.settings.1);
    // On an AUTO stream the service picks the shard: no prediction or pace to check.
    let auto = w.settings.1 == Some("AUTO");
    let base = Instant::now();
    let mut config = ProducerConfig::new(StreamName::new(stream).map_err(|e| vec![e.to_string()])?)
        .linger(w.linger)
        .record_ttl(w.ttl)
        .rate_limit_percent(w.rate_limit)
        .max_in_flight(w.max_in_flight)
        .max_buffered_bytes(w.max_buffered_bytes)
        .seed(seed);
    if w.given_settings {
        // Given settings tell the truth about the stream.
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
    let mut producer = Producer::new(config, &endpoints, base).map_err(|e| vec![e.to_string()])?;

    let mut violations = Vec::new();
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
            let answer = match sim.handle(&transmit.request, now) {
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
    // What a KCL-style reader returns (aggregation spec section 4): each stored record read
    // with the shard's range filter, aggregates de-aggregated; by serial, each user record
    // with where it was read (stored index, sub-sequence number, data). An aggregate the KCL
    // would drop is a violation; so is anything read that was never pushed.
    let mut read_by_serial: HashMap<u64, Vec<ReadBack>> = HashMap::new();
    for (i, s) in sim.stored.iter().enumerate() {
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
                        .any(|(i, sub, data)| {
                            let s = &sim.stored[*i];
                            sim.shard_id(s.shard) == &**shard_id
                                && s.sequence_number.to_string() == **sequence_number
                                && *sub == sub_sequence_number.map(u64::from)
                                && data.as_slice() == record.data().as_ref()
                        });
                if !found {
                    violations.push(format!(
                        "record {serial} delivered as {shard_id}/{sequence_number}/{sub_sequence_number:?} but not read there"
                    ));
                }
                // Stored on the shard that owns its hash key.
                let key = match record.explicit_hash_key() {
                    Some(k) => k.parse::<u128>().unwrap_or(0),
                    None => HashKey::from_partition_key(record.partition_key()).get(),
                };
                let owner = sim.shard_id(sim.shard_for(key));
                if !auto && owner != &**shard_id {
                    violations.push(format!(
                        "record {serial} stored on {shard_id}, its key belongs to {owner}"
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
    // Duplicates: only after an applied request whose answer was lost or unreadable, and never
    // more than the producer counted.
    let mut stored_duplicates = 0;
    for (serial, copies) in &read_by_serial {
        if copies.len() > 1 {
            stored_duplicates += copies.len() - 1;
            if !sim.ambiguous.contains(serial) {
                violations.push(format!(
                    "record {serial} stored {} times without a lost or unreadable answer",
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
    // Pace: per shard, sent in any window of T seconds within quota × (1 + rate × T).
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
        violations.insert(0, format!("seed {seed}"));
        violations.truncate(20);
        return Err(violations);
    }
    Ok(Report {
        records: pushed.len(),
        delivered,
        failed,
        stored_duplicates,
        stats,
        coverage: sim.coverage,
        virtual_time: now,
        shards: w.shards,
    })
}
