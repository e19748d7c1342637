//! `DescribeStreamSummary` answers, read from the raw HTTP/1.1 fixtures in
//! `tests/data/describe_stream_summary/` (their sources are in that folder's README), and the
//! request the crate builds for it.

mod fixtures;

use std::path::Path;
use std::time::{Duration, UNIX_EPOCH};

use http::Response;
use kinesis_proto::{
    DESCRIBE_STREAM_SUMMARY_TARGET, DescribeStreamSummaryError, DescribeStreamSummaryInput,
    EncryptionType, Endpoint, RecordDistribution, RetryClass, StreamMode, StreamStatus,
    StreamSummary, parse_describe_stream_summary_response,
};

fn load(name: &str) -> Response<Vec<u8>> {
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/describe_stream_summary"
    );
    fixtures::http_response(&Path::new(dir).join(format!("{name}.http")))
}

fn summary(name: &str) -> StreamSummary {
    parse_describe_stream_summary_response(&load(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn error(name: &str) -> DescribeStreamSummaryError {
    match parse_describe_stream_summary_response(&load(name)) {
        Ok(s) => panic!("{name}: parsed as a summary: {s:?}"),
        Err(e) => e,
    }
}

#[test]
fn a_provisioned_stream_states_its_settings() {
    let s = summary("provisioned_active");
    assert_eq!(s.stream_name().as_str(), "orders");
    assert_eq!(
        s.stream_arn().as_str(),
        "arn:aws:kinesis:us-east-1:123456789012:stream/orders"
    );
    assert_eq!(s.stream_status(), StreamStatus::Active);
    assert_eq!(s.stream_mode(), Some(StreamMode::Provisioned));
    assert_eq!(s.open_shard_count(), 4);
    assert_eq!(s.retention_period_hours(), Some(24));
    assert_eq!(s.consumer_count(), Some(0));
    assert_eq!(s.encryption_type(), Some(&EncryptionType::None));
    assert_eq!(s.key_id(), None);
    assert_eq!(s.max_record_size_in_kib(), Some(1024));
    assert_eq!(s.max_record_size(), Some(1024 * 1024));
    // No RecordDistributionStrategy member: records go by partition key.
    assert_eq!(s.record_distribution_strategy(), None);
    assert_eq!(
        s.record_distribution(),
        RecordDistribution::UserPartitionKey
    );
    assert_eq!(
        s.stream_creation_timestamp(),
        Some(UNIX_EPOCH + Duration::from_micros(1_700_000_000_123_000))
    );
    assert_eq!(s.request_id(), Some("0c5b3e2a-7d41-4f6e-9a8b-2f1e3d4c5b6a"));
}

#[test]
fn an_on_demand_auto_stream_with_ten_mebibyte_records_is_read_and_unknown_members_skipped() {
    let s = summary("on_demand_kms_auto");
    assert_eq!(s.stream_status(), StreamStatus::Updating);
    assert_eq!(s.stream_mode(), Some(StreamMode::OnDemand));
    assert_eq!(s.open_shard_count(), 6);
    assert_eq!(s.encryption_type(), Some(&EncryptionType::Kms));
    assert_eq!(
        s.key_id(),
        Some("arn:aws-cn:kms:cn-north-1:123456789012:key/12345678-1234-1234-1234-123456789012")
    );
    assert_eq!(s.max_record_size(), Some(10 * 1024 * 1024));
    assert_eq!(
        s.record_distribution_strategy(),
        Some(RecordDistribution::Auto)
    );
    assert_eq!(s.record_distribution(), RecordDistribution::Auto);
}

#[test]
fn a_stream_being_created_is_not_writable_yet() {
    let s = summary("creating_partition_keys");
    assert_eq!(s.stream_status(), StreamStatus::Creating);
    assert_eq!(s.open_shard_count(), 0);
    assert_eq!(s.max_record_size(), None);
    assert_eq!(
        s.record_distribution_strategy(),
        Some(RecordDistribution::UserPartitionKey)
    );
}

#[test]
fn a_kinesis_compatible_server_without_the_newer_members_is_read_as_partition_keys() {
    // ferrokinesis 0.7.0 answers without MaxRecordSizeInKiB and RecordDistributionStrategy,
    // with `"KeyId":null` and a whole-second timestamp.
    let s = summary("ferrokinesis_0_7_0");
    assert_eq!(s.stream_status(), StreamStatus::Active);
    assert_eq!(s.open_shard_count(), 4);
    assert_eq!(s.key_id(), None);
    assert_eq!(
        s.stream_creation_timestamp(),
        Some(UNIX_EPOCH + Duration::from_secs(1_796_216_795))
    );
    assert_eq!(s.max_record_size_in_kib(), None);
    assert_eq!(
        s.record_distribution(),
        RecordDistribution::UserPartitionKey
    );
}

#[test]
fn refused_describe_calls_are_typed_with_their_retry_class() {
    let e = error("error_access_denied");
    assert!(
        matches!(e, DescribeStreamSummaryError::AccessDeniedException(_)),
        "{e:?}"
    );
    assert_eq!(e.code(), Some("AccessDeniedException"));
    assert!(!e.is_retryable());
    assert!(
        e.message()
            .unwrap()
            .contains("kinesis:DescribeStreamSummary")
    );
    assert_eq!(e.request_id(), Some("2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e"));

    let e = error("error_limit_exceeded");
    assert!(
        matches!(e, DescribeStreamSummaryError::LimitExceededException(_)),
        "{e:?}"
    );
    assert_eq!(e.retry_class(), RetryClass::Throttling);

    let e = error("error_resource_not_found");
    assert!(
        matches!(e, DescribeStreamSummaryError::ResourceNotFoundException(_)),
        "{e:?}"
    );
    assert!(!e.is_retryable());
}

#[test]
fn a_summary_without_its_arn_is_malformed_and_names_the_member() {
    let e = error("malformed_missing_arn");
    match &e {
        DescribeStreamSummaryError::Malformed(m) => {
            assert!(m.reason().contains("`StreamARN`"), "{m:?}");
        }
        other => panic!("not Malformed: {other:?}"),
    }
}

#[test]
fn the_request_names_the_stream_by_name_or_by_arn() {
    let endpoint = Endpoint::regional("us-east-1").unwrap();
    let by_name = DescribeStreamSummaryInput::builder()
        .stream_name("orders")
        .build()
        .unwrap()
        .to_http_request(&endpoint);
    assert_eq!(by_name.method(), http::Method::POST);
    assert_eq!(by_name.uri(), "https://kinesis.us-east-1.amazonaws.com/");
    assert_eq!(
        by_name.headers()["x-amz-target"],
        DESCRIBE_STREAM_SUMMARY_TARGET
    );
    assert_eq!(
        by_name.headers()["content-type"],
        "application/x-amz-json-1.1"
    );
    assert_eq!(by_name.body().as_slice(), br#"{"StreamName":"orders"}"#);

    let arn = "arn:aws:kinesis:us-east-1:123456789012:stream/orders";
    let by_arn = DescribeStreamSummaryInput::builder()
        .stream_arn(arn)
        .build()
        .unwrap()
        .to_http_request(&endpoint);
    assert_eq!(
        by_arn.body().as_slice(),
        format!(r#"{{"StreamARN":"{arn}"}}"#).as_bytes()
    );
}
