//! Every numeric limit of the protocol, as a named constant with its public source.

/// Shortest stream name (`StreamName`, "Length Constraints: Minimum length of 1",
/// Kinesis API reference, PutRecord).
pub const STREAM_NAME_MIN_LEN: usize = 1;
/// Longest stream name, in characters (`StreamName`, "Maximum length of 128").
pub const STREAM_NAME_MAX_LEN: usize = 128;

/// Shortest stream ARN (`StreamARN`, "Minimum length of 1").
pub const STREAM_ARN_MIN_LEN: usize = 1;
/// Longest stream ARN, in UTF-16 code units (`StreamARN`, "Maximum length of 2048").
pub const STREAM_ARN_MAX_LEN: usize = 2048;

/// Shortest partition key (`PartitionKey`, "Minimum length of 1").
pub const PARTITION_KEY_MIN_LEN: usize = 1;
/// Longest partition key, in UTF-16 code units as the service counts them (`PartitionKey`,
/// "Maximum length of 256").
pub const PARTITION_KEY_MAX_LEN: usize = 256;

/// Most digits in an `ExplicitHashKey` allowed by its pattern `0|([1-9]\d{0,38})`.
pub const EXPLICIT_HASH_KEY_MAX_DIGITS: usize = 39;

/// Most digits in a `SequenceNumberForOrdering` allowed by its pattern `0|([1-9]\d{0,128})`.
pub const SEQUENCE_NUMBER_MAX_DIGITS: usize = 129;

/// One mebibyte.
pub const MIB: usize = 1024 * 1024;

/// Default maximum record size: data bytes plus partition key UTF-8 bytes. Every stream starts
/// at 1 MiB (Kinesis developer guide, "Quotas and limits").
pub const DEFAULT_MAX_RECORD_SIZE: usize = MIB;
/// Smallest maximum record size a stream can be set to (`UpdateMaxRecordSize`, 1024 KiB).
pub const MIN_MAX_RECORD_SIZE: usize = MIB;
/// Largest maximum record size a stream can be set to (`UpdateMaxRecordSize`, 10240 KiB).
pub const MAX_MAX_RECORD_SIZE: usize = 10 * MIB;

/// Most bytes of an error body this crate reads for its code, message and request id (this
/// crate's bound, far above any error Kinesis sends): a longer body is read as if cut there.
pub const MAX_ERROR_BODY_SCAN_BYTES: usize = 64 * 1024;

/// Most bytes of a message or a reason an error keeps from an answer (this crate's bound). A
/// longer text is cut on a character boundary and ends with `…` and the count of bytes cut.
pub const MAX_ERROR_TEXT_BYTES: usize = 4 * 1024;

/// Most bytes of a body excerpt an error keeps (this crate's bound).
pub const MAX_EXCERPT_BYTES: usize = 256;

/// Most bytes of a request id an error or an output keeps (this crate's bound; AWS request ids
/// are 36 to 52 characters); a longer one, or one not all visible ASCII, is dropped.
pub const MAX_REQUEST_ID_BYTES: usize = 256;

/// Most shards, open and closed, a shard map takes (this crate's bound; an account's default
/// shard quota is at most 20,000, Kinesis developer guide, "Quotas and limits").
pub const MAX_SHARDS: usize = 100_000;

/// The default most bytes of a KPL aggregate, magic and digest included: 51,200 (the KPL's
/// `AggregationMaxSize`, `configuration.h`).
pub const AGGREGATION_DEFAULT_MAX_SIZE: usize = 51_200;
/// The smallest maximum size of an aggregate (the KPL's `AggregationMaxSize` minimum).
pub const AGGREGATION_MIN_MAX_SIZE: usize = 64;
/// The largest maximum size of an aggregate, 10 MiB (the KPL's `AggregationMaxSize` maximum).
pub const AGGREGATION_MAX_MAX_SIZE: usize = 10 * MIB;
/// The default most user records in one aggregate: 4,294,967,295 (the KPL's
/// `AggregationMaxCount`), which is also the most this crate takes.
pub const AGGREGATION_DEFAULT_MAX_COUNT: u32 = u32::MAX;
