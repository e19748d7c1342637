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
/// Longest partition key, counted in UTF-16 code units (`PartitionKey`, "Maximum length of 256";
/// the model says Unicode characters, Java clients count UTF-16 code units, which is the
/// stricter reading outside the Basic Multilingual Plane).
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
