//! A sans-IO protocol core for Amazon Kinesis Data Streams `PutRecord`.
//!
//! This crate never opens a socket, never sleeps, never reads the clock, the environment or a
//! file, never logs and never spawns. It turns a record into the exact `http::Request` Kinesis
//! expects, tells which shard a partition key lands on, and turns the `http::Response` into a
//! typed output or a typed error. Time, credentials, the endpoint, the stream's shard list and
//! its record size limit all come in as parameters, so any HTTP stack (blocking, async,
//! embedded, a proxy) can carry it, and it can be tested byte for byte.
//!
//! It does **not** sign requests (use a SigV4 signer such as `aws-sigv4`, signing name
//! `kinesis`), send them, retry them, or manage streams.
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

mod endpoint;
mod error;
mod error_body;
mod flat_json;
mod hash_key;
mod input;
mod invalid_input;
mod json;
mod limits;
mod list_shards;
mod partition_key;
mod put_records;
mod request;
mod response;
mod routing;
mod sequence_number;
mod stream;
mod text;

pub use endpoint::{Endpoint, EndpointConfig, EndpointError};
pub use error::{MalformedResponse, PutRecordError, RetryClass, ServiceError};
pub use hash_key::HashKey;
pub use input::{PutRecordInput, PutRecordInputBuilder, RecordDistribution};
pub use invalid_input::{Field, InvalidInput, LengthUnit, Rule};
pub use limits::*;
pub use list_shards::{
    LIST_SHARDS_MAX_RESULTS, LIST_SHARDS_TARGET, ListShardsError, ListShardsInput,
    ListShardsInputBuilder, ListShardsOutput, ShardFilter, ShardFilterType, ShardMapBuilder,
    parse_list_shards_response,
};
pub use partition_key::PartitionKey;
pub use put_records::{
    BatchResults, EntryResult, PUT_RECORDS_DEFAULT_MAX_REQUEST_SIZE,
    PUT_RECORDS_LEGACY_MAX_REQUEST_SIZE, PUT_RECORDS_MAX_ENTRIES, PUT_RECORDS_MAX_REQUEST_SIZE,
    PUT_RECORDS_TARGET, PackOptions, PackedBatch, PutRecordsEntry, PutRecordsError,
    PutRecordsInput, PutRecordsInputBuilder, PutRecordsOutput, SHARD_MAX_BYTES_PER_SECOND,
    SHARD_MAX_RECORDS_PER_SECOND, ShardLoad, ValidatedEntry, parse_put_records_response,
};
pub use request::{AWS_JSON_CONTENT_TYPE, PUT_RECORD_TARGET, SIGNING_NAME, X_AMZ_TARGET};
pub use response::{EncryptionType, PutRecordOutput, parse_put_record_response};
pub use routing::{HashKeyRange, InvalidHashKeyRange, Shard, ShardMap, ShardMapError};
pub use sequence_number::SequenceNumber;
pub use stream::{StreamArn, StreamName};

/// The README's examples, compiled and run as doctests.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
