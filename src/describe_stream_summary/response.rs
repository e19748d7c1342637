//! Parse: a `DescribeStreamSummary` answer, the settings a producer needs from it, and its errors.

use std::borrow::Cow;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::Response;
use serde::Deserialize;

use crate::limits::{MAX_ERROR_TEXT_BYTES, MAX_MAX_RECORD_SIZE, MIN_MAX_RECORD_SIZE};
use crate::put_record::EncryptionType;
use crate::record::RecordDistribution;
use crate::service_error::{
    self as error, MalformedResponse, ServiceError, operation_error_accessors,
};
use crate::stream::{StreamArn, StreamName};

/// The most open shards a stream reports (`OpenShardCount`, "Maximum value of 1000000").
const OPEN_SHARD_COUNT_MAX: u32 = 1_000_000;
/// The longest `KeyId` (Kinesis API reference, StreamDescriptionSummary: "Maximum length of 2048").
const KEY_ID_MAX_LEN: usize = 2048;

/// A stream's state (`StreamStatus`). Only an `Active` or `Updating` stream takes writes.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StreamStatus {
    /// `CREATING`: not yet writable.
    Creating,
    /// `DELETING`: being deleted.
    Deleting,
    /// `ACTIVE`: ready for reads and writes.
    Active,
    /// `UPDATING`: resharding or changing settings; still readable and writable.
    Updating,
    /// A value this crate does not know.
    Unknown,
}

/// A stream's capacity mode (`StreamModeDetails.StreamMode`).
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StreamMode {
    /// `PROVISIONED`: a fixed number of shards, each with its write quota.
    Provisioned,
    /// `ON_DEMAND`: the service scales the shards.
    OnDemand,
    /// A value this crate does not know.
    Unknown,
}

/// The summary of a stream (`StreamDescriptionSummary`), as far as a producer uses it.
///
/// ```
/// use kinesis_proto::{RecordDistribution, StreamStatus, parse_describe_stream_summary_response};
/// let body = r#"{"StreamDescriptionSummary":{"StreamName":"orders",
///     "StreamARN":"arn:aws:kinesis:us-east-1:123456789012:stream/orders",
///     "StreamStatus":"ACTIVE","OpenShardCount":4,"RetentionPeriodHours":24,
///     "StreamCreationTimestamp":1.7e9,"EnhancedMonitoring":[],"MaxRecordSizeInKiB":2048}}"#;
/// let summary = parse_describe_stream_summary_response(&http::Response::new(body))?;
/// assert_eq!(summary.stream_status(), StreamStatus::Active);
/// assert_eq!(summary.max_record_size(), Some(2 * 1024 * 1024));
/// assert_eq!(summary.record_distribution(), RecordDistribution::UserPartitionKey);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamSummary {
    stream_name: StreamName,
    stream_arn: StreamArn,
    stream_status: StreamStatus,
    stream_mode: Option<StreamMode>,
    open_shard_count: u32,
    retention_period_hours: Option<u32>,
    stream_creation_timestamp: Option<SystemTime>,
    encryption_type: Option<EncryptionType>,
    key_id: Option<String>,
    consumer_count: Option<u32>,
    max_record_size_in_kib: Option<u32>,
    record_distribution: Option<RecordDistribution>,
    request_id: Option<String>,
}

impl StreamSummary {
    /// `StreamName`.
    pub fn stream_name(&self) -> &StreamName {
        &self.stream_name
    }

    /// `StreamARN`.
    pub fn stream_arn(&self) -> &StreamArn {
        &self.stream_arn
    }

    /// `StreamStatus`.
    pub fn stream_status(&self) -> StreamStatus {
        self.stream_status
    }

    /// `StreamModeDetails.StreamMode`, when the answer has it.
    pub fn stream_mode(&self) -> Option<StreamMode> {
        self.stream_mode
    }

    /// `OpenShardCount`.
    pub fn open_shard_count(&self) -> u32 {
        self.open_shard_count
    }

    /// `RetentionPeriodHours`, when the answer has it.
    pub fn retention_period_hours(&self) -> Option<u32> {
        self.retention_period_hours
    }

    /// `StreamCreationTimestamp`, when the answer has it.
    pub fn stream_creation_timestamp(&self) -> Option<SystemTime> {
        self.stream_creation_timestamp
    }

    /// `EncryptionType`, when the answer has it.
    pub fn encryption_type(&self) -> Option<&EncryptionType> {
        self.encryption_type.as_ref()
    }

    /// `KeyId`, the stream's KMS key, when it has one.
    pub fn key_id(&self) -> Option<&str> {
        self.key_id.as_deref()
    }

    /// `ConsumerCount`, when the answer has it.
    pub fn consumer_count(&self) -> Option<u32> {
        self.consumer_count
    }

    /// `MaxRecordSizeInKiB` as received; absent on streams (and servers) that predate it.
    pub fn max_record_size_in_kib(&self) -> Option<u32> {
        self.max_record_size_in_kib
    }

    /// The record size limit in bytes (data plus partition key), for
    /// [`max_record_size`](crate::PutRecordInputBuilder::max_record_size): `MaxRecordSizeInKiB`
    /// × 1024, within the range the crate accepts (1 MiB to 10 MiB); `None` when absent.
    pub fn max_record_size(&self) -> Option<usize> {
        let bytes = usize::try_from(self.max_record_size_in_kib?)
            .ok()?
            .checked_mul(1024)?;
        Some(bytes.clamp(MIN_MAX_RECORD_SIZE, MAX_MAX_RECORD_SIZE))
    }

    /// `RecordDistributionStrategy` as received (`None` when absent, as on provisioned streams).
    pub fn record_distribution_strategy(&self) -> Option<RecordDistribution> {
        self.record_distribution
    }

    /// How records are spread: `AUTO` is [`RecordDistribution::Auto`]; `USER_PARTITION_KEY` or
    /// no value (the member is "only present for streams that use the on-demand capacity mode")
    /// is [`RecordDistribution::UserPartitionKey`]. A value this crate does not know reads as
    /// `Auto`, the reading that predicts no shard and so never aggregates by a wrong one.
    pub fn record_distribution(&self) -> RecordDistribution {
        self.record_distribution.unwrap_or_default()
    }

    /// The `x-amzn-RequestId` header, if present.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }
}

/// Why a `DescribeStreamSummary` call gave no summary. One variant per error the Kinesis API
/// reference lists for DescribeStreamSummary; the accessors answer for every one.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DescribeStreamSummaryError {
    /// The stream does not exist (or the ARN names another account or Region).
    #[error(transparent)]
    ResourceNotFoundException(ServiceError),
    /// The request rate is too high (20 transactions per second per account). Back off.
    #[error(transparent)]
    LimitExceededException(ServiceError),
    /// The caller's credentials may not describe this stream: a producer goes on with its
    /// configured settings, as the KPL does.
    #[error(transparent)]
    AccessDeniedException(ServiceError),
    /// A parameter is invalid. Fix the request.
    #[error(transparent)]
    InvalidArgumentException(ServiceError),
    /// An error the API model does not declare (`ValidationException`, signing errors,
    /// `InternalFailure`, a proxy's error page, ...). See [`retry_class`](Self::retry_class).
    #[error(transparent)]
    Unmodeled(ServiceError),
    /// A 2xx answer whose body is not a DescribeStreamSummary output: not a JSON object, a
    /// required member (`StreamName`, `StreamARN`, `StreamStatus`, `OpenShardCount`) missing, or
    /// a member off its type, pattern or range.
    #[error(transparent)]
    Malformed(MalformedResponse),
}

impl DescribeStreamSummaryError {
    fn from_service_error(err: ServiceError) -> Self {
        match err.code() {
            Some("ResourceNotFoundException") => Self::ResourceNotFoundException(err),
            Some("LimitExceededException") => Self::LimitExceededException(err),
            Some("AccessDeniedException") => Self::AccessDeniedException(err),
            Some("InvalidArgumentException") => Self::InvalidArgumentException(err),
            _ => Self::Unmodeled(err),
        }
    }

    operation_error_accessors!(
        ResourceNotFoundException,
        LimitExceededException,
        AccessDeniedException,
        InvalidArgumentException,
        Unmodeled,
    );
}

// The wire shape of the Kinesis API reference, DescribeStreamSummary, "Response Syntax"; the
// members a producer does not use (EnhancedMonitoring, WarmThroughput, ...) are skipped.

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawOutput<'a> {
    #[serde(borrow)]
    stream_description_summary: Option<RawSummary<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawSummary<'a> {
    #[serde(borrow)]
    stream_name: Option<Cow<'a, str>>,
    #[serde(borrow, rename = "StreamARN")]
    stream_arn: Option<Cow<'a, str>>,
    #[serde(borrow)]
    stream_status: Option<Cow<'a, str>>,
    #[serde(borrow)]
    stream_mode_details: Option<RawModeDetails<'a>>,
    open_shard_count: Option<u32>,
    retention_period_hours: Option<u32>,
    stream_creation_timestamp: Option<f64>,
    #[serde(borrow)]
    encryption_type: Option<Cow<'a, str>>,
    #[serde(borrow)]
    key_id: Option<Cow<'a, str>>,
    consumer_count: Option<u32>,
    #[serde(rename = "MaxRecordSizeInKiB")]
    max_record_size_in_kib: Option<u32>,
    #[serde(borrow)]
    record_distribution_strategy: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawModeDetails<'a> {
    #[serde(borrow)]
    stream_mode: Option<Cow<'a, str>>,
}

/// Parses a `DescribeStreamSummary` response.
///
/// # Errors
///
/// A service error variant for a non-2xx answer, [`DescribeStreamSummaryError::Malformed`] for a
/// 2xx body that is not a summary.
pub fn parse_describe_stream_summary_response<B: AsRef<[u8]>>(
    response: &Response<B>,
) -> Result<StreamSummary, DescribeStreamSummaryError> {
    let (status, headers) = (response.status(), response.headers());
    let body = response.body().as_ref();
    if !error::is_success(status) {
        let err = error::parse_service_error(status, headers, body);
        return Err(DescribeStreamSummaryError::from_service_error(err));
    }
    let mut summary = parse_success(body).map_err(|reason| {
        DescribeStreamSummaryError::Malformed(MalformedResponse::new(status, headers, reason, body))
    })?;
    summary.request_id = error::request_id(headers).map(str::to_owned);
    Ok(summary)
}

fn parse_success(body: &[u8]) -> Result<StreamSummary, String> {
    if body.trim_ascii_start().first() != Some(&b'{') {
        return Err("the body is not a JSON object".to_owned());
    }
    let raw: RawOutput<'_> = serde_json::from_slice(body)
        .map_err(|e| error::capped_format(format_args!("{e}"), MAX_ERROR_TEXT_BYTES))?;
    let s = raw
        .stream_description_summary
        .ok_or("required member `StreamDescriptionSummary` is missing")?;
    let missing = |name: &str| format!("required member `{name}` is missing");
    let stream_name = s.stream_name.ok_or_else(|| missing("StreamName"))?;
    let stream_name = StreamName::new(&stream_name)
        .map_err(|_| "`StreamName` is not 1 to 128 of [a-zA-Z0-9_.-]".to_owned())?;
    let stream_arn = s.stream_arn.ok_or_else(|| missing("StreamARN"))?;
    let stream_arn = StreamArn::new(&stream_arn)
        .map_err(|_| "`StreamARN` does not match the StreamARN pattern".to_owned())?;
    let stream_status = match s
        .stream_status
        .ok_or_else(|| missing("StreamStatus"))?
        .as_ref()
    {
        "CREATING" => StreamStatus::Creating,
        "DELETING" => StreamStatus::Deleting,
        "ACTIVE" => StreamStatus::Active,
        "UPDATING" => StreamStatus::Updating,
        _ => StreamStatus::Unknown,
    };
    let stream_mode = s
        .stream_mode_details
        .and_then(|d| d.stream_mode)
        .map(|m| match m.as_ref() {
            "PROVISIONED" => StreamMode::Provisioned,
            "ON_DEMAND" => StreamMode::OnDemand,
            _ => StreamMode::Unknown,
        });
    let open_shard_count = s
        .open_shard_count
        .ok_or_else(|| missing("OpenShardCount"))?;
    if open_shard_count > OPEN_SHARD_COUNT_MAX {
        return Err(format!("`OpenShardCount` is above {OPEN_SHARD_COUNT_MAX}"));
    }
    // Epoch seconds as a JSON number; the service writes milliseconds, which a binary f64 holds
    // only to within a fraction of a microsecond: rounded to the microsecond, they read back
    // exactly.
    let stream_creation_timestamp = match s.stream_creation_timestamp {
        Some(t) => {
            let micros = (t * 1e6).round();
            // `as` saturates; anything past what a `SystemTime` holds fails `checked_add`.
            (micros >= 0.0)
                .then(|| UNIX_EPOCH.checked_add(Duration::from_micros(micros as u64)))
                .flatten()
                .map(Some)
                .ok_or("`StreamCreationTimestamp` is not a time after 1970")?
        }
        None => None,
    };
    if let Some(key) = &s.key_id
        && !(1..=KEY_ID_MAX_LEN).contains(&key.len())
    {
        return Err(format!("`KeyId` is not 1 to {KEY_ID_MAX_LEN} bytes long"));
    }
    let record_distribution = s.record_distribution_strategy.map(|r| match r.as_ref() {
        "USER_PARTITION_KEY" => RecordDistribution::UserPartitionKey,
        _ => RecordDistribution::Auto,
    });
    Ok(StreamSummary {
        stream_name,
        stream_arn,
        stream_status,
        stream_mode,
        open_shard_count,
        retention_period_hours: s.retention_period_hours,
        stream_creation_timestamp,
        encryption_type: s.encryption_type.map(|e| EncryptionType::from_wire(&e)),
        key_id: s.key_id.map(Cow::into_owned),
        consumer_count: s.consumer_count,
        max_record_size_in_kib: s.max_record_size_in_kib,
        record_distribution,
        request_id: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ARN: &str = "arn:aws:kinesis:us-east-1:123456789012:stream/orders";

    fn summary(members: &str) -> String {
        format!(
            r#"{{"StreamDescriptionSummary":{{"StreamName":"orders","StreamARN":"{ARN}","StreamStatus":"ACTIVE","OpenShardCount":2{members}}}}}"#
        )
    }

    fn parse(body: &str) -> Result<StreamSummary, DescribeStreamSummaryError> {
        parse_describe_stream_summary_response(&Response::new(body))
    }

    #[test]
    fn the_settings_a_producer_needs_are_read() {
        let s = parse(&summary(
            r#","StreamModeDetails":{"StreamMode":"ON_DEMAND"},"RecordDistributionStrategy":"AUTO","MaxRecordSizeInKiB":10240,"EncryptionType":"KMS","KeyId":"alias/aws/kinesis","ConsumerCount":1,"RetentionPeriodHours":24,"StreamCreationTimestamp":1700000000.5,"EnhancedMonitoring":[{"ShardLevelMetrics":[]}]"#,
        ))
        .unwrap();
        assert_eq!(s.stream_name().as_str(), "orders");
        assert_eq!(s.stream_arn().as_str(), ARN);
        assert_eq!(s.stream_mode(), Some(StreamMode::OnDemand));
        assert_eq!(s.record_distribution(), RecordDistribution::Auto);
        assert_eq!(s.max_record_size(), Some(10 * 1024 * 1024));
        assert_eq!(s.encryption_type(), Some(&EncryptionType::Kms));
        assert_eq!(s.key_id(), Some("alias/aws/kinesis"));
        assert_eq!(s.open_shard_count(), 2);
        let t = s.stream_creation_timestamp().unwrap();
        assert_eq!(
            t.duration_since(UNIX_EPOCH).unwrap().as_millis(),
            1_700_000_000_500
        );
    }

    #[test]
    fn absent_settings_mean_partition_keys_and_no_stated_limit() {
        let s = parse(&summary("")).unwrap();
        assert_eq!(s.record_distribution_strategy(), None);
        assert_eq!(
            s.record_distribution(),
            RecordDistribution::UserPartitionKey
        );
        assert_eq!(s.max_record_size(), None);
        let s = parse(&summary(
            r#","RecordDistributionStrategy":"USER_PARTITION_KEY""#,
        ))
        .unwrap();
        assert_eq!(
            s.record_distribution(),
            RecordDistribution::UserPartitionKey
        );
        // An unknown strategy predicts no shard.
        let s = parse(&summary(r#","RecordDistributionStrategy":"FUTURE""#)).unwrap();
        assert_eq!(s.record_distribution(), RecordDistribution::Auto);
    }

    #[test]
    fn a_stated_record_size_is_kept_within_the_range_the_crate_takes() {
        let size = |kib: u32| {
            let s = parse(&summary(&format!(r#","MaxRecordSizeInKiB":{kib}"#))).unwrap();
            (s.max_record_size_in_kib(), s.max_record_size())
        };
        assert_eq!(size(1024), (Some(1024), Some(1 << 20)));
        assert_eq!(size(1), (Some(1), Some(1 << 20)));
        assert_eq!(size(u32::MAX), (Some(u32::MAX), Some(10 << 20)));
    }

    #[test]
    fn bodies_that_are_not_a_summary_are_malformed() {
        let cases = [
            ("[]", "the body is not a JSON object"),
            (
                "{}",
                "required member `StreamDescriptionSummary` is missing",
            ),
            (
                r#"{"StreamDescriptionSummary":{"StreamARN":"x"}}"#,
                "required member `StreamName` is missing",
            ),
        ];
        for (body, reason) in cases {
            let e = parse(body).unwrap_err();
            assert_eq!(
                e.malformed().map(MalformedResponse::reason),
                Some(reason),
                "{body}"
            );
        }
        let bad = [
            summary("").replace("\"orders\"", "\"a b\""),
            summary("").replace(ARN, "arn:x"),
            summary("").replace("\"OpenShardCount\":2", "\"OpenShardCount\":1000001"),
            summary("").replace("\"OpenShardCount\":2", "\"OpenShardCount\":-1"),
            summary(r#","StreamCreationTimestamp":-1"#),
            summary(&format!(r#","KeyId":"{}""#, "k".repeat(2049))),
            summary(r#","MaxRecordSizeInKiB":"big""#),
        ];
        for body in bad {
            assert!(parse(&body).unwrap_err().malformed().is_some(), "{body}");
        }
    }

    #[test]
    fn errors_get_their_variant() {
        let response = Response::builder()
            .status(400)
            .body(r#"{"__type":"AccessDeniedException","message":"no"}"#)
            .unwrap();
        let e = parse_describe_stream_summary_response(&response).unwrap_err();
        assert!(matches!(
            e,
            DescribeStreamSummaryError::AccessDeniedException(_)
        ));
        assert!(!e.is_retryable());
        let response = Response::builder()
            .status(400)
            .body(r#"{"__type":"LimitExceededException"}"#)
            .unwrap();
        let e = parse_describe_stream_summary_response(&response).unwrap_err();
        assert!(e.is_retryable(), "{e}");
    }
}
