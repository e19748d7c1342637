//! What the producer tells its caller: [`Event`]s (each record's end, and the stream facts it
//! could not learn) and [`Stats`].

use std::sync::Arc;

use super::record::{Record, RecordId};
use crate::describe_stream_summary::DescribeStreamSummaryError;
use crate::list_shards::ListShardsError;

/// Something the caller should know, from [`poll_event`](super::Producer::poll_event).
///
/// Every pushed record ends in exactly one `Delivered` or `Failed`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event {
    /// The record is stored.
    Delivered {
        /// The record's id.
        id: RecordId,
        /// The shard that stored it (shared by the records of one request's entry).
        shard_id: Arc<str>,
        /// The sequence number of the Kinesis record that carries it (shared by the records of
        /// one aggregate).
        sequence_number: Arc<str>,
        /// Its index in the aggregate that carried it (the KCL's sub-sequence number); `None`
        /// when it was sent alone.
        sub_sequence_number: Option<u32>,
        /// An earlier attempt may have been stored too (its answer was lost or unreadable, or it
        /// was in an aggregate stranded on a shard that does not own all of its records, which a
        /// KCL consumer drops but a plain reader does not), so a consumer may read the record
        /// twice. Counted in [`Stats::possible_duplicates`].
        possible_duplicate: bool,
    },
    /// The record will not be delivered; its data is given back.
    Failed {
        /// The record's id.
        id: RecordId,
        /// The record, as pushed.
        record: Record,
        /// Why it failed.
        reason: FailureReason,
        /// An earlier attempt may have been stored all the same (its answer was lost or
        /// unreadable).
        maybe_stored: bool,
    },
    /// `DescribeStreamSummary` failed; the producer goes on with the configured record size
    /// limit and distribution (partition keys), as the KPL does.
    StreamSettingsUnavailable {
        /// The last error; `None` when the last attempt got no answer.
        error: Option<DescribeStreamSummaryError>,
    },
    /// `ListShards` failed for good; records are sent without per-shard aggregation or pacing
    /// (the service still routes each one).
    ShardMapUnavailable {
        /// The last error; `None` when the last attempt got no answer or the pages did not
        /// make a shard map.
        error: Option<ListShardsError>,
    },
}

/// Why a record ended as [`Event::Failed`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FailureReason {
    /// Not delivered within `record_ttl` of its push.
    Expired {
        /// The code of the last failure, if an attempt failed.
        last_error_code: Option<String>,
    },
    /// The record could not be put in a request (a rule the stream's settings, learnt after the
    /// push, make it break).
    Invalid(crate::invalid_input::InvalidInput),
    /// The service refused it with an error that is not retryable.
    NotRetryable {
        /// The error code, when the service sent one.
        code: Option<String>,
        /// The service's message, when it sent one.
        message: Option<String>,
    },
}

/// Counters since the producer was made, from [`stats`](super::Producer::stats).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Stats {
    /// Records taken by `push`.
    pub records_pushed: u64,
    /// Records delivered.
    pub records_delivered: u64,
    /// Records failed.
    pub records_failed: u64,
    /// Data plus partition key bytes of the delivered records.
    pub bytes_delivered: u64,
    /// Requests handed out, control plane included.
    pub requests: u64,
    /// `PutRecords` requests handed out.
    pub put_records_requests: u64,
    /// Kinesis records (entries) sent, aggregates counted once.
    pub entries_sent: u64,
    /// User records sent again after a failed or unanswered attempt.
    pub retries: u64,
    /// Entries or requests answered with throttling.
    pub throttles: u64,
    /// User records resent while an earlier attempt may have been stored (a lost or unreadable
    /// answer, a stranded aggregate).
    pub possible_duplicates: u64,
    /// Aggregates of two or more records sent.
    pub aggregates_sent: u64,
    /// User records sent inside those aggregates.
    pub records_in_aggregates: u64,
    /// Entries stored on another shard than the shard map predicted (the map was stale, or
    /// the stream distributes records itself); each one has the map refreshed.
    pub wrong_shard: u64,
    /// Aggregates stored on a shard whose hash key range does not hold all of their records: a
    /// KCL consumer drops such an aggregate whole, so every record in it is sent again (and
    /// counted in `possible_duplicates`).
    pub stranded_aggregates: u64,
    /// Times the shard map was listed again after start-up.
    pub shard_map_refreshes: u64,
    /// Records held now (not yet delivered or failed), in flight included.
    pub buffered_records: u64,
    /// Their data plus partition key bytes.
    pub buffered_bytes: u64,
    /// Requests in flight now, control plane included.
    pub in_flight: u64,
}

impl Stats {
    /// User records per aggregate sent, 0 when none was.
    pub fn records_per_aggregate(&self) -> f64 {
        if self.aggregates_sent == 0 {
            0.0
        } else {
            self.records_in_aggregates as f64 / self.aggregates_sent as f64
        }
    }
}
