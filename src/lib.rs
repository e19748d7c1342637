//! A sans-IO protocol core for Amazon Kinesis Data Streams: `PutRecord`, `PutRecords` and
//! `ListShards` as exact `http::Request`s and typed answers, shard routing, batching and endpoint
//! resolution, and (feature `sigv4`) SigV4 signing. Deterministic: no IO, no clock, no
//! environment; everything comes in as a parameter.
//!
//! The guide below is the README; every example in it is compiled and run as a doctest.
//!
#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

// Validated values every operation shares, and the limits they are checked against.
mod arn;
mod hash_key;
mod invalid_input;
mod limits;
mod partition_key;
mod record;
mod sequence_number;
mod stream;
mod text;
pub use hash_key::HashKey;
pub use invalid_input::{Field, InvalidInput, LengthUnit, Rule};
pub use limits::{
    DEFAULT_MAX_RECORD_SIZE, EXPLICIT_HASH_KEY_MAX_DIGITS, MAX_ERROR_BODY_SCAN_BYTES,
    MAX_ERROR_TEXT_BYTES, MAX_EXCERPT_BYTES, MAX_MAX_RECORD_SIZE, MAX_REQUEST_ID_BYTES, MAX_SHARDS,
    MIB, MIN_MAX_RECORD_SIZE, PARTITION_KEY_MAX_LEN, PARTITION_KEY_MIN_LEN,
    SEQUENCE_NUMBER_MAX_DIGITS, STREAM_ARN_MAX_LEN, STREAM_ARN_MIN_LEN, STREAM_NAME_MAX_LEN,
    STREAM_NAME_MIN_LEN,
};
pub use partition_key::PartitionKey;
pub use record::{IntoRecordData, RecordDistribution};
pub use sequence_number::SequenceNumber;
pub use stream::{StreamArn, StreamName};

// The wire: the awsJson1_1 envelope, JSON and base64 written into place.
mod wire;
pub use wire::aws_json::{AWS_JSON_CONTENT_TYPE, SIGNING_NAME, X_AMZ_TARGET};

// Where requests go.
mod endpoint;
pub use endpoint::{Endpoint, EndpointConfig, EndpointError};

// Which shard a record lands on.
mod routing;
pub use routing::{HashKeyRange, InvalidHashKeyRange, Shard, ShardMap, ShardMapError};

// What the service answers when it says no: the error core every operation shares.
mod service_error;
pub use service_error::{MalformedResponse, RetryClass, ServiceError};

// PutRecord: input → request → response.
mod put_record;
pub use put_record::{
    EncryptionType, PUT_RECORD_TARGET, PutRecordError, PutRecordInput, PutRecordInputBuilder,
    PutRecordOutput, parse_put_record_response,
};

// PutRecords: entries → input → request → response → retry; packing many records into batches.
mod put_records;
pub use put_records::{
    BatchResults, EntryResult, PUT_RECORDS_DEFAULT_MAX_REQUEST_SIZE,
    PUT_RECORDS_LEGACY_MAX_REQUEST_SIZE, PUT_RECORDS_MAX_ENTRIES, PUT_RECORDS_MAX_REQUEST_SIZE,
    PUT_RECORDS_TARGET, PackOptions, PackedBatch, PutRecordsEntry, PutRecordsError,
    PutRecordsInput, PutRecordsInputBuilder, PutRecordsOutput, SHARD_MAX_BYTES_PER_SECOND,
    SHARD_MAX_RECORDS_PER_SECOND, ShardLoad, ValidatedEntry, parse_put_records_response,
    parse_put_records_response_for_len,
};

// ListShards: input → request → response, and the shard map built from its pages.
mod list_shards;
pub use list_shards::{
    LIST_SHARDS_MAX_RESULTS, LIST_SHARDS_TARGET, ListShardsError, ListShardsInput,
    ListShardsInputBuilder, ListShardsOutput, ShardFilter, ShardFilterType, ShardMapBuilder,
    parse_list_shards_response,
};

// DescribeStreamSummary: input and request → response, the stream's settings.
mod describe_stream_summary;
pub use describe_stream_summary::{
    DESCRIBE_STREAM_SUMMARY_TARGET, DescribeStreamSummaryError, DescribeStreamSummaryInput,
    DescribeStreamSummaryInputBuilder, StreamMode, StreamStatus, StreamSummary,
    parse_describe_stream_summary_response,
};

// KPL aggregation: many user records in one Kinesis record, and back into them.
mod aggregation;
pub use aggregation::{
    AggregatePushError, AggregatedRecord, AggregationLimits, Aggregator, DeaggregateError,
    Deaggregated, SubRecord, SubRecords, deaggregate, deaggregate_for_shard,
};
pub use limits::{
    AGGREGATION_DEFAULT_MAX_COUNT, AGGREGATION_DEFAULT_MAX_SIZE, AGGREGATION_MAX_MAX_SIZE,
    AGGREGATION_MIN_MAX_SIZE,
};

// The producer engine: records → per-shard buffers → paced PutRecords requests → events.
mod producer;
pub use producer::{
    DEFAULT_COLLECTION_MAX_SIZE, Event, FailureReason, HandleError, Operation, Producer,
    ProducerConfig, ProducerError, PushError, PushRefusal, Record, RecordId, Stats, StreamTarget,
    Transmit, TransmitId,
};

// Signing (feature `sigv4`): request + credentials + time → signed request.
#[cfg(feature = "sigv4")]
mod sigv4;
#[cfg(feature = "sigv4")]
pub use sigv4::{Credentials, SignError, Signer};

/// The `http` crate this one builds requests and reads responses with, so that a program needs
/// no dependency of its own to name `http::Request` and `http::Response`.
pub use http;
