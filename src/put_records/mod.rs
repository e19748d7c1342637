//! `PutRecords`: the batch operation, up to 500 records in one request; the crate's guide walks
//! through it. One file per step: `entry` ([`PutRecordsEntry`] checked into a
//! [`ValidatedEntry`]), `input` ([`PutRecordsInput`] and its builder), `request`, `response`
//! ([`parse_put_records_response`]), `retry` ([`PutRecordsInput::retry_failed`],
//! [`BatchResults`]) and `packing` ([`PutRecordsInputBuilder::pack`]).

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
pub use response::{
    EntryResult, PutRecordsError, PutRecordsOutput, parse_put_records_response,
    parse_put_records_response_for_len,
};
pub use retry::BatchResults;
