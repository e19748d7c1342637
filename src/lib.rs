//! A sans-IO protocol core for Amazon Kinesis Data Streams: `PutRecord`, `PutRecords`,
//! `ListShards`, shard routing and endpoint resolution.
//!
//! This crate never opens a socket, never sleeps, never reads the clock, the environment or a
//! file, never logs and never spawns. It turns records into the exact `http::Request`s Kinesis
//! expects (`PutRecord`, `PutRecords`, `ListShards`), tells which shard a partition key lands on,
//! and turns each `http::Response` into a typed output or a typed error. Time, credentials, the
//! endpoint, the stream's shard list and its record size limit all come in as parameters, so any
//! HTTP stack (blocking, async, embedded, a proxy) can carry it, and it can be tested byte for
//! byte.
//!
//! It does **not** sign requests (use a SigV4 signer such as `aws-sigv4`, signing name
//! `kinesis`), send them, or manage streams.
//!
//! ```
//! use kinesis_proto::{Endpoint, HashKey, PutRecordInput};
//!
//! // 1. Validate: every input rule of the Kinesis API is checked before anything is sent.
//! let input = PutRecordInput::builder()
//!     .stream_name("orders")
//!     .partition_key("customer-42")
//!     .data(&b"payload"[..])
//!     .build()?;
//!
//! // 2. Build: infallible once the input is valid.
//! let endpoint = Endpoint::regional("us-east-1")?;
//! let request = input.to_http_request(&endpoint);
//! assert_eq!(request.headers()["x-amz-target"], "Kinesis_20131202.PutRecord");
//! assert_eq!(
//!     request.body().as_slice(),
//!     br#"{"StreamName":"orders","Data":"cGF5bG9hZA==","PartitionKey":"customer-42"}"#
//! );
//!
//! // 3. Route: the partition key's MD5, read as an unsigned big-endian u128.
//! assert_eq!(input.hash_key(), Some(HashKey::from_partition_key("customer-42")));
//!
//! // A rule broken is a typed error that names the member and the rule.
//! let err = PutRecordInput::builder()
//!     .stream_name("orders")
//!     .partition_key("k".repeat(257))
//!     .data(Vec::new())
//!     .build()
//!     .unwrap_err();
//! assert_eq!(err.field(), "partitionKey");
//! assert_eq!(err.to_string(), "partitionKey: 257 UTF-16 code units, the limit is 256");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Panics
//!
//! No function panics on any input, from a caller or from the network: bad input is an error
//! value. The only exceptions are the `from_static` constructors, which exist for literals
//! and are meant to be evaluated in a `const` item, where a bad literal fails compilation.

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
pub use record::RecordDistribution;
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
};

// ListShards: input → request → response, and the shard map built from its pages.
mod list_shards;
pub use list_shards::{
    LIST_SHARDS_MAX_RESULTS, LIST_SHARDS_TARGET, ListShardsError, ListShardsInput,
    ListShardsInputBuilder, ListShardsOutput, ShardFilter, ShardFilterType, ShardMapBuilder,
    parse_list_shards_response,
};

/// The README's examples, compiled and run as doctests.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
