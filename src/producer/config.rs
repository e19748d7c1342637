//! [`ProducerConfig`]: what the engine is told, with the KPL's defaults.

use std::time::Duration;

use crate::invalid_input::{Field, InvalidInput, Rule};
use crate::limits::{DEFAULT_MAX_RECORD_SIZE, MAX_MAX_RECORD_SIZE, MIB, MIN_MAX_RECORD_SIZE};
use crate::put_records::{PUT_RECORDS_MAX_ENTRIES, PUT_RECORDS_MAX_REQUEST_SIZE};
use crate::record::RecordDistribution;
use crate::routing::ShardMap;
use crate::stream::{StreamArn, StreamName};

/// The KPL's `CollectionMaxSize`: bytes of records per `PutRecords` request.
pub const DEFAULT_COLLECTION_MAX_SIZE: usize = 5 * MIB;

/// The stream a producer writes to: by name or by ARN (an ARN also picks the account endpoint).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StreamTarget {
    /// `StreamName`.
    Name(StreamName),
    /// `StreamARN`.
    Arn(StreamArn),
}

impl From<StreamName> for StreamTarget {
    fn from(name: StreamName) -> Self {
        StreamTarget::Name(name)
    }
}

impl From<StreamArn> for StreamTarget {
    fn from(arn: StreamArn) -> Self {
        StreamTarget::Arn(arn)
    }
}

/// A producer's settings. Every setter has the KPL's default (Developer Guide, KPL
/// configuration); [`Producer::new`](super::Producer::new) checks the ranges.
///
/// The stream's settings are learnt at start-up with `DescribeStreamSummary` and its shards with
/// `ListShards`, unless given here: [`stream_settings`](Self::stream_settings) skips the first,
/// [`shard_map`](Self::shard_map) the second.
#[derive(Debug, Clone)]
pub struct ProducerConfig {
    pub(crate) stream: StreamTarget,
    pub(crate) linger: Duration,
    pub(crate) record_ttl: Duration,
    pub(crate) max_buffered_bytes: usize,
    pub(crate) max_buffered_records: usize,
    pub(crate) rate_limit_percent: u32,
    pub(crate) max_in_flight: usize,
    pub(crate) ordered: bool,
    pub(crate) aggregation: bool,
    pub(crate) aggregation_max_size: usize,
    pub(crate) max_request_entries: usize,
    pub(crate) max_request_size: usize,
    pub(crate) seed: u64,
    pub(crate) settings: Option<(usize, RecordDistribution)>,
    pub(crate) max_record_size: usize,
    pub(crate) shard_map: Option<ShardMap>,
    pub(crate) min_backoff: Duration,
    pub(crate) max_backoff: Duration,
}

impl ProducerConfig {
    /// The settings for `stream` (a [`StreamName`] or a [`StreamArn`]), all at their defaults.
    pub fn new(stream: impl Into<StreamTarget>) -> ProducerConfig {
        ProducerConfig {
            stream: stream.into(),
            linger: Duration::from_millis(100),
            record_ttl: Duration::from_secs(30),
            max_buffered_bytes: 64 * MIB,
            max_buffered_records: 1_000_000,
            rate_limit_percent: 150,
            max_in_flight: 24,
            ordered: false,
            aggregation: true,
            aggregation_max_size: 51_200,
            max_request_entries: PUT_RECORDS_MAX_ENTRIES,
            max_request_size: DEFAULT_COLLECTION_MAX_SIZE,
            seed: 0,
            settings: None,
            max_record_size: DEFAULT_MAX_RECORD_SIZE,
            shard_map: None,
            min_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(5),
        }
    }

    /// Longest a record waits to be batched (`RecordMaxBufferedTime`, default 100 ms; at most
    /// a day).
    pub fn linger(mut self, linger: Duration) -> Self {
        self.linger = linger;
        self
    }

    /// Longest a record may take to be delivered, from its push (`RecordTtl`, default 30 s):
    /// no record is sent after its push time plus this; it fails as expired. 1 ms to a day.
    pub fn record_ttl(mut self, ttl: Duration) -> Self {
        self.record_ttl = ttl;
        self
    }

    /// Most bytes (data plus partition key) of records not yet delivered or failed, in flight
    /// included (default 64 MiB; at least the record size limit); `push` refuses a record past
    /// it.
    pub fn max_buffered_bytes(mut self, bytes: usize) -> Self {
        self.max_buffered_bytes = bytes;
        self
    }

    /// Most records not yet delivered or failed, in flight included (default 1,000,000).
    pub fn max_buffered_records(mut self, records: usize) -> Self {
        self.max_buffered_records = records;
        self
    }

    /// Each shard's send rate, in percent of its quota (1,000 records/s and 1 MiB/s): a token
    /// bucket per shard holds 100% of the quota and refills at this percentage of it per second
    /// (`RateLimit`, default 150; 1 to 1,000).
    pub fn rate_limit_percent(mut self, percent: u32) -> Self {
        self.rate_limit_percent = percent;
        self
    }

    /// Most `PutRecords` requests in flight (`MaxConnections`, default 24); control-plane calls
    /// are not counted.
    pub fn max_in_flight(mut self, requests: usize) -> Self {
        self.max_in_flight = requests;
        self
    }

    /// Whether records of one key are stored in push order (default false): for each effective
    /// hash key (the explicit hash key, else the partition key's MD5), a reader that follows the
    /// key's shard lineage (parent before children) and reads each shard in (sequence number,
    /// sub-sequence number) order finds each record's first copy in push order.
    ///
    /// What it costs: at most one `PutRecords` request in flight per shard; a shard's failed
    /// entries go again before anything newer from it; a key appears in at most one entry of a
    /// request (so, without aggregation, one record per key per round trip); and after a
    /// reshard nothing is sent until the shard map is fresh and every request sent against the
    /// old one is answered. On an `AUTO` stream the service, not the key, picks the shard, and
    /// there is no per-key order to keep (requests still go one at a time).
    pub fn ordered(mut self, ordered: bool) -> Self {
        self.ordered = ordered;
        self
    }

    /// Whether small records are packed in the KPL aggregation format (`AggregationEnabled`,
    /// default true). Never on a stream with `AUTO` record distribution.
    pub fn aggregation(mut self, aggregation: bool) -> Self {
        self.aggregation = aggregation;
        self
    }

    /// Most bytes of one aggregate (`AggregationMaxSize`, default 51,200; 64 to 10 MiB).
    pub fn aggregation_max_size(mut self, bytes: usize) -> Self {
        self.aggregation_max_size = bytes;
        self
    }

    /// Most entries per `PutRecords` request (`CollectionMaxCount`, default 500; 1 to 500).
    pub fn max_request_entries(mut self, entries: usize) -> Self {
        self.max_request_entries = entries;
        self
    }

    /// Most bytes of records per `PutRecords` request (`CollectionMaxSize`, default 5 MiB; up
    /// to 10 MiB).
    pub fn max_request_size(mut self, bytes: usize) -> Self {
        self.max_request_size = bytes;
        self
    }

    /// The seed of the engine's jitter (default 0): the same seed and the same inputs give the
    /// same requests.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// The stream's record size limit in bytes (`MaxRecordSizeInKiB` × 1024) and distribution,
    /// known already: no `DescribeStreamSummary` is sent.
    pub fn stream_settings(
        mut self,
        max_record_size: usize,
        distribution: RecordDistribution,
    ) -> Self {
        self.settings = Some((max_record_size, distribution));
        self.max_record_size = max_record_size;
        self
    }

    /// The record size limit used until the stream's own is known, and if it cannot be learnt
    /// (default 1 MiB).
    pub fn max_record_size(mut self, bytes: usize) -> Self {
        self.max_record_size = bytes;
        self
    }

    /// The stream's shards, known already: no `ListShards` is sent.
    pub fn shard_map(mut self, map: ShardMap) -> Self {
        self.shard_map = Some(map);
        self
    }

    /// The shortest and longest wait before a retry (default 100 ms and 5 s), with jitter. A
    /// record that failed for itself (a 5xx, `InternalFailure`) waits twice as long with each
    /// attempt; a shard that throttles waits twice as long with each round of refusals, and
    /// from the shortest again once it stores an entry. At most a day.
    pub fn backoff(mut self, min: Duration, max: Duration) -> Self {
        self.min_backoff = min;
        self.max_backoff = max;
        self
    }

    /// Checks every range; the error names the setting.
    pub(crate) fn check(&self) -> Result<(), InvalidInput> {
        let range = |setting: &'static str, value: usize, min: usize, max: usize| {
            if (min..=max).contains(&value) {
                Ok(())
            } else {
                let rule = Rule::OutOfRange { value, min, max };
                Err(InvalidInput::new(Field::Producer(setting), rule))
            }
        };
        let (min_record, max_record) = (MIN_MAX_RECORD_SIZE, MAX_MAX_RECORD_SIZE);
        range(
            "max_record_size",
            self.max_record_size,
            min_record,
            max_record,
        )?;
        let percent = usize::try_from(self.rate_limit_percent).unwrap_or(usize::MAX);
        range("rate_limit_percent", percent, 1, 1000)?;
        range("max_in_flight", self.max_in_flight, 1, usize::MAX)?;
        range(
            "aggregation_max_size",
            self.aggregation_max_size,
            64,
            10 * MIB,
        )?;
        let entries = self.max_request_entries;
        range("max_request_entries", entries, 1, PUT_RECORDS_MAX_ENTRIES)?;
        let size = self.max_request_size;
        range(
            "max_request_size",
            size,
            min_record,
            PUT_RECORDS_MAX_REQUEST_SIZE,
        )?;
        range(
            "max_buffered_records",
            self.max_buffered_records,
            1,
            usize::MAX,
        )?;
        // The buffer must hold the largest record the stream takes.
        range(
            "max_buffered_bytes",
            self.max_buffered_bytes,
            self.max_record_size,
            usize::MAX,
        )?;
        // Durations in milliseconds, at most a day (this crate's cap, far above the KPL's
        // defaults), so that adding one to a caller's clock reading stays a real time.
        let millis = |d: Duration| usize::try_from(d.as_millis()).unwrap_or(usize::MAX);
        let day = 86_400_000;
        range("linger", millis(self.linger), 0, day)?;
        range("record_ttl", millis(self.record_ttl), 1, day)?;
        let max_backoff = millis(self.max_backoff);
        range("backoff", max_backoff, 0, day)?;
        range("backoff", millis(self.min_backoff), 0, max_backoff)?;
        Ok(())
    }
}
