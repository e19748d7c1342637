//! `PutRecords`: the batch operation, up to 500 records in one request.
//!
//! The steps, one file each: `entry` (a [`PutRecordsEntry`] checked into a [`ValidatedEntry`]),
//! `input` (the batch and its builder), `request`, `response`, `retry`, `packing`.
//!
//! * [`PutRecordsInput`] and its builder validate every entry with `PutRecord`'s rules, plus the
//!   batch rules: 1 to 500 entries, and data plus partition keys of the whole request within
//!   the request size limit (Kinesis API reference, PutRecords; developer guide, "Quotas and
//!   limits").
//! * [`PutRecordsInput::to_http_request`] writes the exact request, every entry's data
//!   base64-encoded straight into one body allocated once at its exact size.
//! * [`parse_put_records_response`] reads the answer: one [`EntryResult`] per entry, in request
//!   order, or a whole-request [`PutRecordsError`].
//! * [`PutRecordsInput::retry_failed`] is the retry step: the entries that failed with a
//!   retryable code, each remembering its index in the batch first built, and [`BatchResults`]
//!   gathers the final results across rounds.
//! * [`PutRecordsInputBuilder::pack`] cuts any number of records into requests within the
//!   limits, reporting each request's load per shard of a [`ShardMap`](crate::ShardMap).

mod entry;
mod input;
mod packing;
mod request;
mod response;
mod retry;

pub use entry::{PutRecordsEntry, ValidatedEntry};
pub use input::{
    PUT_RECORDS_DEFAULT_MAX_REQUEST_SIZE, PUT_RECORDS_LEGACY_MAX_REQUEST_SIZE,
    PUT_RECORDS_MAX_ENTRIES, PUT_RECORDS_MAX_REQUEST_SIZE, PutRecordsInput, PutRecordsInputBuilder,
};
pub use packing::{
    PackOptions, PackedBatch, SHARD_MAX_BYTES_PER_SECOND, SHARD_MAX_RECORDS_PER_SECOND, ShardLoad,
};
pub use request::PUT_RECORDS_TARGET;
pub use response::{EntryResult, PutRecordsError, PutRecordsOutput, parse_put_records_response};
pub use retry::BatchResults;
