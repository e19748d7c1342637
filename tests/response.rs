//! Every answer Kinesis can give to PutRecord, read from the fixtures in
//! `tests/data/responses/` (raw HTTP/1.1 responses, one per file), and
//! checked against what the parser must make of it.

mod fixtures;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use http::{HeaderName, HeaderValue, Response, StatusCode};
use kinesis_proto::{EncryptionType, PutRecordError, RetryClass, parse_put_record_response};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/responses");
const RID: &str = "6b1e2f4a-9c3d-4e5f-8a7b-1c2d3e4f5a6b";
const SEQ: &str = "49543463076548007577105092703039560359975228518395019266";

/// Reads the fixture `name` (see `fixtures::http_response`).
fn load(name: &str) -> Response<Vec<u8>> {
    fixtures::http_response(&Path::new(FIXTURES).join(format!("{name}.http")))
}

fn fixture_names() -> BTreeSet<String> {
    let dir: PathBuf = FIXTURES.into();
    std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "http"))
        .map(|path| path.file_stem().unwrap().to_str().unwrap().to_owned())
        .collect()
}

/// The variant's name, as the test tables spell it.
fn variant(err: &PutRecordError) -> &'static str {
    match err {
        PutRecordError::ResourceNotFoundException(_) => "ResourceNotFoundException",
        PutRecordError::InvalidArgumentException(_) => "InvalidArgumentException",
        PutRecordError::ProvisionedThroughputExceededException(_) => {
            "ProvisionedThroughputExceededException"
        }
        PutRecordError::KMSDisabledException(_) => "KMSDisabledException",
        PutRecordError::KMSInvalidStateException(_) => "KMSInvalidStateException",
        PutRecordError::KMSAccessDeniedException(_) => "KMSAccessDeniedException",
        PutRecordError::KMSNotFoundException(_) => "KMSNotFoundException",
        PutRecordError::KMSOptInRequired(_) => "KMSOptInRequired",
        PutRecordError::KMSThrottlingException(_) => "KMSThrottlingException",
        PutRecordError::AccessDeniedException(_) => "AccessDeniedException",
        PutRecordError::InternalFailureException(_) => "InternalFailureException",
        PutRecordError::DryRunOperationException(_) => "DryRunOperationException",
        PutRecordError::Unmodeled(_) => "Unmodeled",
        PutRecordError::Malformed(_) => "Malformed",
        _ => "a variant these tests do not know",
    }
}

/// Checks that a fixture parses to a success with these members.
fn expect_ok(name: &str, shard: &str, seq: &str, enc: Option<EncryptionType>, rid: Option<&str>) {
    let response = load(name);
    let out = parse_put_record_response(&response)
        .unwrap_or_else(|e| panic!("{name}: expected success, got {e}"));
    assert_eq!(out.shard_id(), shard, "{name}");
    assert_eq!(out.sequence_number(), seq, "{name}");
    assert_eq!(out.encryption_type(), enc.as_ref(), "{name}");
    assert_eq!(out.request_id(), rid, "{name}");
}

/// What a fixture's service error must look like.
struct Service<'a> {
    variant: &'a str,
    code: Option<&'a str>,
    message: Option<&'a str>,
    rid: Option<&'a str>,
    retry: RetryClass,
}

fn parse_err(name: &str) -> PutRecordError {
    let response = load(name);
    let err =
        parse_put_record_response(&response).expect_err(&format!("{name}: expected an error"));
    assert_eq!(err.status(), response.status(), "{name}");
    assert_one_line(&err.to_string(), name);
    err
}

fn assert_one_line(text: &str, name: &str) {
    assert!(
        !text.chars().any(|c| c.is_control()),
        "{name}: Display is not one plain line: {text:?}"
    );
}

fn expect_service(name: &str, want: Service<'_>) -> PutRecordError {
    let err = parse_err(name);
    assert_eq!(variant(&err), want.variant, "{name}: {err}");
    assert_eq!(err.code(), want.code, "{name}");
    assert_eq!(err.message(), want.message, "{name}");
    assert_eq!(err.request_id(), want.rid, "{name}");
    assert_eq!(err.retry_class(), want.retry, "{name}");
    assert_eq!(err.is_retryable(), want.retry != RetryClass::None, "{name}");
    assert_eq!(
        err.is_throttling(),
        want.retry == RetryClass::Throttling,
        "{name}"
    );
    assert!(err.service_error().is_some() && err.malformed().is_none());
    err
}

fn expect_malformed(name: &str, reason_contains: &str) -> PutRecordError {
    let err = parse_err(name);
    let malformed = err
        .malformed()
        .unwrap_or_else(|| panic!("{name}: expected Malformed, got {err}"));
    assert!(
        malformed.reason().contains(reason_contains),
        "{name}: reason {:?} lacks {reason_contains:?}",
        malformed.reason()
    );
    assert!(malformed.body_excerpt().len() <= 256, "{name}");
    assert_eq!(err.code(), None, "{name}");
    assert_eq!(err.retry_class(), RetryClass::None, "{name}");
    assert!(!err.is_retryable() && !err.is_throttling(), "{name}");
    assert!(
        err.to_string().starts_with("malformed response (HTTP "),
        "{name}"
    );
    err
}

/// A fixture's name and the function checking what it parses to.
type Check = (&'static str, fn(&str));

/// Every fixture and the check it gets. A fixture without a check, or a
/// check without a fixture, fails `every_fixture_is_checked`.
#[rustfmt::skip]
const CHECKED: &[Check] = &[
    // Success.
    ("success_kms", |n| expect_ok(n, "shardId-000000000001", SEQ, Some(EncryptionType::Kms), Some(RID))),
    ("success_encryption_none", |n| expect_ok(n, "shardId-000000000001", SEQ, Some(EncryptionType::None), Some(RID))),
    ("success_without_encryption_type", |n| expect_ok(n, "shardId-000000000002", SEQ, None, Some(RID))),
    ("success_unknown_encryption_type_kept", |n| {
        expect_ok(n, "shardId-000000000001", SEQ, Some(EncryptionType::Unknown("FUTURE_MODE".into())), Some(RID));
        let out = parse_put_record_response(&load(n)).unwrap();
        assert_eq!(out.encryption_type().unwrap().to_string(), "FUTURE_MODE");
    }),
    ("success_null_members_are_absent", |n| expect_ok(n, "shardId-000000000001", SEQ, None, Some(RID))),
    ("success_unknown_members_ignored", |n| expect_ok(n, "shardId-000000000001", SEQ, Some(EncryptionType::Kms), Some(RID))),
    ("success_members_in_any_order", |n| expect_ok(n, "shardId-000000000003", SEQ, Some(EncryptionType::None), Some(RID))),
    ("success_escaped_strings", |n| expect_ok(n, "shardId-000000000001", "49", Some(EncryptionType::Kms), Some(RID))),
    ("success_any_2xx_status", |n| expect_ok(n, "shardId-000000000001", "1", None, Some(RID))),
    ("success_without_headers", |n| expect_ok(n, "shardId-000000000001", "0", None, None)),
    ("success_max_length_members", |n| expect_ok(n, &"a".repeat(128), &"9".repeat(129), None, Some(RID))),
    ("success_request_id_non_ascii_is_absent", |n| expect_ok(n, "shardId-000000000001", "1", None, None)),
    // Every error PutRecord models.
    ("error_resource_not_found", |n| {
        let err = expect_service(n, Service { variant: "ResourceNotFoundException", code: Some("ResourceNotFoundException"), message: Some("Stream my-stream under account 123456789012 not found."), rid: Some(RID), retry: RetryClass::None });
        assert_eq!(err.to_string(), format!("ResourceNotFoundException (HTTP 400): Stream my-stream under account 123456789012 not found. (request id {RID})"));
    }),
    ("error_invalid_argument", |n| {
        expect_service(n, Service { variant: "InvalidArgumentException", code: Some("InvalidArgumentException"), message: Some("1 validation error detected: Value at 'partitionKey' failed to satisfy constraint"), rid: Some(RID), retry: RetryClass::None });
    }),
    ("error_provisioned_throughput_exceeded", |n| {
        let err = expect_service(n, Service { variant: "ProvisionedThroughputExceededException", code: Some("ProvisionedThroughputExceededException"), message: Some("Rate exceeded for shard shardId-000000000001 in stream my-stream under account 123456789012."), rid: Some(RID), retry: RetryClass::Throttling });
        assert_eq!(err.to_string(), format!("ProvisionedThroughputExceededException (HTTP 400): Rate exceeded for shard shardId-000000000001 in stream my-stream under account 123456789012. (request id {RID})"));
    }),
    ("error_kms_disabled", |n| {
        expect_service(n, Service { variant: "KMSDisabledException", code: Some("KMSDisabledException"), message: Some("The KMS key is disabled."), rid: Some(RID), retry: RetryClass::None });
    }),
    ("error_kms_invalid_state", |n| {
        expect_service(n, Service { variant: "KMSInvalidStateException", code: Some("KMSInvalidStateException"), message: Some("The KMS key is pending deletion."), rid: Some(RID), retry: RetryClass::None });
    }),
    ("error_kms_access_denied", |n| {
        expect_service(n, Service { variant: "KMSAccessDeniedException", code: Some("KMSAccessDeniedException"), message: Some("User is not authorized to use the key."), rid: Some(RID), retry: RetryClass::None });
    }),
    ("error_kms_not_found", |n| {
        expect_service(n, Service { variant: "KMSNotFoundException", code: Some("KMSNotFoundException"), message: Some("Key not found."), rid: Some(RID), retry: RetryClass::None });
    }),
    ("error_kms_opt_in_required", |n| {
        expect_service(n, Service { variant: "KMSOptInRequired", code: Some("KMSOptInRequired"), message: Some("The account is not subscribed to KMS."), rid: Some(RID), retry: RetryClass::None });
    }),
    ("error_kms_throttling", |n| {
        expect_service(n, Service { variant: "KMSThrottlingException", code: Some("KMSThrottlingException"), message: Some("KMS rate exceeded."), rid: Some(RID), retry: RetryClass::Throttling });
    }),
    ("error_access_denied", |n| {
        expect_service(n, Service { variant: "AccessDeniedException", code: Some("AccessDeniedException"), message: Some("User: arn:aws:iam::123456789012:user/x is not authorized to perform: kinesis:PutRecord"), rid: Some(RID), retry: RetryClass::None });
    }),
    ("error_internal_failure_exception", |n| {
        expect_service(n, Service { variant: "InternalFailureException", code: Some("InternalFailureException"), message: Some("Internal service failure."), rid: Some(RID), retry: RetryClass::Transient });
    }),
    ("error_internal_failure_alias", |n| {
        let err = expect_service(n, Service { variant: "InternalFailureException", code: Some("InternalFailure"), message: None, rid: Some(RID), retry: RetryClass::Transient });
        assert_eq!(err.to_string(), format!("InternalFailure (HTTP 500) (request id {RID})"));
    }),
    ("error_dry_run", |n| {
        let err = expect_service(n, Service { variant: "DryRunOperationException", code: Some("DryRunOperationException"), message: Some("Request would have succeeded, but DryRun flag is set."), rid: Some(RID), retry: RetryClass::None });
        assert!(err.is_dry_run_success());
    }),
    ("error_throttled_on_500_stays_throttling", |n| {
        expect_service(n, Service { variant: "ProvisionedThroughputExceededException", code: Some("ProvisionedThroughputExceededException"), message: Some("Rate exceeded."), rid: Some(RID), retry: RetryClass::Throttling });
    }),
    // Codes the service sends that PutRecord does not model.
    ("unmodeled_validation_exception", |n| {
        expect_service(n, Service { variant: "Unmodeled", code: Some("ValidationException"), message: Some("1 validation error detected"), rid: Some(RID), retry: RetryClass::None });
    }),
    ("unmodeled_serialization_exception", |n| {
        expect_service(n, Service { variant: "Unmodeled", code: Some("SerializationException"), message: Some("Start of structure or map found where not expected."), rid: Some(RID), retry: RetryClass::None });
    }),
    ("unmodeled_service_unavailable", |n| {
        expect_service(n, Service { variant: "Unmodeled", code: Some("ServiceUnavailable"), message: Some("Service is unavailable."), rid: Some(RID), retry: RetryClass::Transient });
    }),
    ("unmodeled_throttling_exception", |n| {
        expect_service(n, Service { variant: "Unmodeled", code: Some("ThrottlingException"), message: Some("Rate exceeded"), rid: Some(RID), retry: RetryClass::Throttling });
    }),
    ("unmodeled_limit_exceeded", |n| {
        expect_service(n, Service { variant: "Unmodeled", code: Some("LimitExceededException"), message: Some("Limit exceeded"), rid: Some(RID), retry: RetryClass::Throttling });
    }),
    ("unmodeled_missing_authentication_token", |n| {
        expect_service(n, Service { variant: "Unmodeled", code: Some("MissingAuthenticationTokenException"), message: Some("Missing Authentication Token"), rid: Some(RID), retry: RetryClass::None });
    }),
    ("unmodeled_unrecognized_client", |n| {
        expect_service(n, Service { variant: "Unmodeled", code: Some("UnrecognizedClientException"), message: Some("The security token included in the request is invalid."), rid: Some(RID), retry: RetryClass::None });
    }),
    ("unmodeled_invalid_signature", |n| {
        expect_service(n, Service { variant: "Unmodeled", code: Some("InvalidSignatureException"), message: Some("The request signature we calculated does not match the signature you provided."), rid: Some(RID), retry: RetryClass::None });
    }),
    ("unmodeled_incomplete_signature", |n| {
        expect_service(n, Service { variant: "Unmodeled", code: Some("IncompleteSignatureException"), message: Some("Authorization header requires 'Credential' parameter."), rid: Some(RID), retry: RetryClass::None });
    }),
    ("unmodeled_expired_token", |n| {
        expect_service(n, Service { variant: "Unmodeled", code: Some("ExpiredTokenException"), message: Some("The security token included in the request is expired"), rid: Some(RID), retry: RetryClass::None });
    }),
    ("unmodeled_signature_does_not_match_xml", |n| {
        let err = expect_service(n, Service { variant: "Unmodeled", code: Some("SignatureDoesNotMatch"), message: Some("Signature expired: 20240101T000000Z is now earlier than 20240101T000500Z (20240101T001000Z - 5 min.)"), rid: Some("0f4b6a2c-1d3e-4f5a-9b8c-7d6e5f4a3b2c"), retry: RetryClass::None });
        assert!(err.service_error().unwrap().body_excerpt().unwrap().starts_with("<?xml"));
    }),
    ("unmodeled_unknown_operation_coral_envelope", |n| {
        expect_service(n, Service { variant: "Unmodeled", code: Some("UnknownOperationException"), message: None, rid: Some(RID), retry: RetryClass::None });
    }),
    ("unmodeled_future_code", |n| {
        expect_service(n, Service { variant: "Unmodeled", code: Some("SomethingNewException"), message: Some("A code this crate has never seen."), rid: Some(RID), retry: RetryClass::None });
    }),
    // XML bodies.
    ("xml_access_denied_403", |n| {
        let err = expect_service(n, Service { variant: "AccessDeniedException", code: Some("AccessDeniedException"), message: Some("User is not authorized"), rid: Some(RID), retry: RetryClass::None });
        assert_eq!(err.status(), StatusCode::FORBIDDEN);
    }),
    ("xml_query_error_response", |n| {
        expect_service(n, Service { variant: "Unmodeled", code: Some("SignatureDoesNotMatch"), message: Some("The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key & signing method."), rid: Some("4c1fa8d2-0b3e-4a6f-9d7c-2e5b8a1f3c6d"), retry: RetryClass::None });
    }),
    ("xml_query_errors_error_response", |n| {
        expect_service(n, Service { variant: "Unmodeled", code: Some("InvalidClientTokenId"), message: Some("The security token included in the request is invalid."), rid: Some(RID), retry: RetryClass::None });
    }),
    ("html_proxy_page_has_no_code", |n| {
        let err = expect_service(n, Service { variant: "Unmodeled", code: None, message: None, rid: None, retry: RetryClass::Transient });
        assert!(err.to_string().starts_with("service error without a code (HTTP 502): body \"<!DOCTYPE html>\\n<html>"), "{err}");
    }),
    // Code sanitization.
    ("sanitize_namespace_prefix", |n| {
        expect_service(n, Service { variant: "ResourceNotFoundException", code: Some("ResourceNotFoundException"), message: Some("not found"), rid: Some(RID), retry: RetryClass::None });
    }),
    ("sanitize_url_suffix", |n| {
        expect_service(n, Service { variant: "InvalidArgumentException", code: Some("InvalidArgumentException"), message: Some("bad"), rid: Some(RID), retry: RetryClass::None });
    }),
    ("sanitize_namespace_and_url", |n| {
        expect_service(n, Service { variant: "AccessDeniedException", code: Some("AccessDeniedException"), message: None, rid: Some(RID), retry: RetryClass::None });
    }),
    ("sanitize_header_code", |n| {
        expect_service(n, Service { variant: "ProvisionedThroughputExceededException", code: Some("ProvisionedThroughputExceededException"), message: Some("Rate exceeded"), rid: Some(RID), retry: RetryClass::Throttling });
    }),
    // Where the code comes from.
    ("precedence_header_over_body", |n| {
        expect_service(n, Service { variant: "AccessDeniedException", code: Some("AccessDeniedException"), message: Some("m"), rid: Some(RID), retry: RetryClass::None });
    }),
    ("precedence_code_over_type", |n| {
        expect_service(n, Service { variant: "InvalidArgumentException", code: Some("InvalidArgumentException"), message: Some("m"), rid: Some(RID), retry: RetryClass::None });
    }),
    ("precedence_nested_type_ignored", |n| {
        let err = expect_service(n, Service { variant: "Unmodeled", code: None, message: Some("nested"), rid: Some(RID), retry: RetryClass::None });
        assert_eq!(err.service_error().unwrap().body_excerpt(), None);
    }),
    ("precedence_nested_type_beside_top_level", |n| {
        expect_service(n, Service { variant: "KMSNotFoundException", code: Some("KMSNotFoundException"), message: None, rid: Some(RID), retry: RetryClass::None });
    }),
    ("precedence_non_string_type_ignored", |n| {
        expect_service(n, Service { variant: "Unmodeled", code: None, message: Some("odd"), rid: Some(RID), retry: RetryClass::None });
    }),
    // Bodies that are not a JSON object.
    ("empty_body_503", |n| {
        let err = expect_service(n, Service { variant: "Unmodeled", code: None, message: None, rid: Some(RID), retry: RetryClass::Transient });
        assert_eq!(err.to_string(), format!("service error without a code (HTTP 503) (request id {RID})"));
    }),
    ("empty_body_with_header_code", |n| {
        expect_service(n, Service { variant: "Unmodeled", code: Some("ThrottlingException"), message: None, rid: Some(RID), retry: RetryClass::Throttling });
    }),
    ("binary_cbor_body", |n| {
        let err = expect_service(n, Service { variant: "Unmodeled", code: None, message: None, rid: Some(RID), retry: RetryClass::None });
        let excerpt = err.service_error().unwrap().body_excerpt().unwrap();
        assert!(excerpt.contains("__type") && excerpt.contains('\u{FFFD}'), "{excerpt:?}");
    }),
    ("truncated_json_body", |n| {
        let err = expect_service(n, Service { variant: "ProvisionedThroughputExceededException", code: Some("ProvisionedThroughputExceededException"), message: None, rid: Some(RID), retry: RetryClass::Throttling });
        assert!(err.service_error().unwrap().body_excerpt().is_some());
    }),
    // Messages.
    ("message_lowercase", |n| {
        expect_service(n, Service { variant: "InvalidArgumentException", code: Some("InvalidArgumentException"), message: Some("from message"), rid: Some(RID), retry: RetryClass::None });
    }),
    ("message_capitalized", |n| {
        expect_service(n, Service { variant: "InvalidArgumentException", code: Some("InvalidArgumentException"), message: Some("from Message"), rid: Some(RID), retry: RetryClass::None });
    }),
    ("message_error_message", |n| {
        expect_service(n, Service { variant: "InvalidArgumentException", code: Some("InvalidArgumentException"), message: Some("from errorMessage"), rid: Some(RID), retry: RetryClass::None });
    }),
    ("message_order_of_preference", |n| {
        expect_service(n, Service { variant: "InvalidArgumentException", code: Some("InvalidArgumentException"), message: Some("first"), rid: Some(RID), retry: RetryClass::None });
    }),
    ("message_multiline_displayed_on_one_line", |n| {
        let err = expect_service(n, Service { variant: "InvalidArgumentException", code: Some("InvalidArgumentException"), message: Some("line one\nline two\r\nline three"), rid: Some(RID), retry: RetryClass::None });
        assert_eq!(err.to_string(), format!("InvalidArgumentException (HTTP 400): line one line two  line three (request id {RID})"));
    }),
    // Request ids.
    ("request_id_mixed_case_header", |n| {
        expect_service(n, Service { variant: "InvalidArgumentException", code: Some("InvalidArgumentException"), message: Some("m"), rid: Some("upper-case-id"), retry: RetryClass::None });
    }),
    ("request_id_lower_case_header", |n| {
        expect_service(n, Service { variant: "InvalidArgumentException", code: Some("InvalidArgumentException"), message: Some("m"), rid: Some("lower-case-id"), retry: RetryClass::None });
    }),
    ("request_id_amz_fallback", |n| {
        expect_service(n, Service { variant: "InvalidArgumentException", code: Some("InvalidArgumentException"), message: Some("m"), rid: Some("fallback-id"), retry: RetryClass::None });
    }),
    ("request_id_amzn_beats_amz", |n| {
        expect_service(n, Service { variant: "InvalidArgumentException", code: Some("InvalidArgumentException"), message: Some("m"), rid: Some("first"), retry: RetryClass::None });
    }),
    ("request_id_non_ascii_is_absent", |n| {
        expect_service(n, Service { variant: "InvalidArgumentException", code: Some("InvalidArgumentException"), message: Some("m"), rid: Some("fallback-id"), retry: RetryClass::None });
    }),
    // 2xx bodies that cannot be read.
    ("malformed_missing_shard_id", |n| {
        let err = expect_malformed(n, "`ShardId` is missing");
        assert_eq!(err.request_id(), Some(RID));
        assert_eq!(err.status(), StatusCode::OK);
    }),
    ("malformed_missing_sequence_number", |n| {
        expect_malformed(n, "`SequenceNumber` is missing");
    }),
    ("malformed_null_shard_id", |n| {
        expect_malformed(n, "`ShardId` is missing");
    }),
    ("malformed_shard_id_wrong_type", |n| {
        expect_malformed(n, "invalid type: integer `5`, expected a string");
    }),
    ("malformed_sequence_number_wrong_type", |n| {
        expect_malformed(n, "expected a string");
    }),
    ("malformed_sequence_number_not_digits", |n| {
        expect_malformed(n, "`SequenceNumber` does not match 1 to 129 decimal digits");
    }),
    ("malformed_shard_id_bad_characters", |n| {
        expect_malformed(n, "`ShardId` does not match");
    }),
    ("malformed_invalid_json", |n| {
        expect_malformed(n, "invalid JSON");
    }),
    ("malformed_trailing_bytes", |n| {
        expect_malformed(n, "trailing characters");
    }),
    ("malformed_non_utf8", |n| {
        let err = expect_malformed(n, "member `ShardId` is not UTF-8");
        assert!(err.malformed().unwrap().body_excerpt().contains('\u{FFFD}'));
    }),
    ("malformed_array_instead_of_object", |n| {
        expect_malformed(n, "expected a JSON object");
    }),
    ("malformed_string_instead_of_object", |n| {
        expect_malformed(n, "expected a JSON object");
    }),
    ("malformed_empty_body", |n| {
        let err = expect_malformed(n, "empty");
        assert_eq!(err.malformed().unwrap().body_excerpt(), "");
    }),
    ("malformed_duplicate_member", |n| {
        expect_malformed(n, "duplicate field `ShardId`");
    }),
    ("malformed_xml_on_200", |n| {
        let err = expect_malformed(n, "invalid JSON: expected value");
        assert_eq!(
            err.to_string(),
            format!("malformed response (HTTP 200): invalid JSON: expected value at line 1 column 1 (request id {RID}); body \"<PutRecordResult><ShardId>shardId-000000000001</ShardId></PutRecordResult>\"")
        );
    }),
    ("malformed_long_body_excerpt_bounded", |n| {
        let err = expect_malformed(n, "`ShardId` does not match");
        assert_eq!(err.malformed().unwrap().body_excerpt().len(), 256);
    }),
];

#[test]
fn every_fixture_is_checked() {
    let checked: BTreeSet<String> = CHECKED.iter().map(|(name, _)| (*name).to_owned()).collect();
    assert_eq!(checked.len(), CHECKED.len(), "a fixture is checked twice");
    let on_disk = fixture_names();
    let unchecked: Vec<_> = on_disk.difference(&checked).collect();
    let missing: Vec<_> = checked.difference(&on_disk).collect();
    assert!(
        unchecked.is_empty(),
        "fixtures without a check: {unchecked:?}"
    );
    assert!(missing.is_empty(), "checks without a fixture: {missing:?}");
}

#[test]
fn every_fixture_parses_as_expected() {
    let failed: Vec<&str> = CHECKED
        .iter()
        .filter(|(name, check)| std::panic::catch_unwind(|| check(name)).is_err())
        .map(|(name, _)| *name)
        .collect();
    assert!(failed.is_empty(), "fixtures parsed wrongly: {failed:?}");
}

#[test]
fn every_modelled_error_has_its_own_variant() {
    let modelled = [
        "ResourceNotFoundException",
        "InvalidArgumentException",
        "ProvisionedThroughputExceededException",
        "KMSDisabledException",
        "KMSInvalidStateException",
        "KMSAccessDeniedException",
        "KMSNotFoundException",
        "KMSOptInRequired",
        "KMSThrottlingException",
        "AccessDeniedException",
        "InternalFailureException",
        "DryRunOperationException",
    ];
    for code in modelled {
        let err = parse_error(400, &[("x-amzn-ErrorType", code)], b"");
        assert_eq!(variant(&err), code);
        assert_eq!(err.code(), Some(code));
        assert_eq!(err.is_dry_run_success(), code == "DryRunOperationException");
    }
}

#[test]
fn the_status_does_not_pick_the_error() {
    for status in [400, 403, 404, 429, 500, 503] {
        let err = parse_error(status, &[], br#"{"__type":"ResourceNotFoundException"}"#);
        assert_eq!(variant(&err), "ResourceNotFoundException", "{status}");
        assert_eq!(err.status().as_u16(), status);
    }
}

#[test]
fn server_statuses_are_transient_without_a_known_code() {
    for status in [500, 502, 503, 504] {
        let err = parse_error(status, &[], b"{}");
        assert_eq!(err.retry_class(), RetryClass::Transient, "{status}");
        assert_eq!(variant(&err), "Unmodeled");
    }
    for status in [400, 401, 403, 404, 429, 501] {
        let err = parse_error(status, &[], b"{}");
        assert_eq!(err.retry_class(), RetryClass::None, "{status}");
    }
}

#[test]
fn dry_run_is_not_retryable_even_on_503() {
    let err = parse_error(503, &[], br#"{"__type":"DryRunOperationException"}"#);
    assert!(err.is_dry_run_success());
    assert!(!err.is_retryable());
    assert_eq!(err.retry_class(), RetryClass::None);
}

#[test]
fn non_2xx_statuses_other_than_4xx_5xx_are_errors_too() {
    for status in [100, 199, 301, 304, 600, 999] {
        let err = parse_error(status, &[], br#"{"ShardId":"s","SequenceNumber":"1"}"#);
        assert!(err.service_error().is_some(), "{status}");
        assert_eq!(err.status().as_u16(), status);
    }
}

#[test]
fn header_code_with_invalid_bytes_is_ignored() {
    let mut response = Response::new(br#"{"__type":"AccessDeniedException"}"#.to_vec());
    *response.status_mut() = StatusCode::BAD_REQUEST;
    response.headers_mut().insert(
        HeaderName::from_static("x-amzn-errortype"),
        HeaderValue::from_bytes(b"Bad\xffCode").unwrap(),
    );
    let err = parse_put_record_response(&response).unwrap_err();
    assert_eq!(variant(&err), "AccessDeniedException");
}

#[test]
fn output_outlives_the_response() {
    let out = {
        let response = load("success_kms");
        parse_put_record_response(&response).unwrap()
    };
    assert_eq!(out.shard_id(), "shardId-000000000001");
    assert_eq!(out.request_id(), Some(RID));
}

#[test]
fn body_types_other_than_vec_are_accepted() {
    let response = Response::new(r#"{"ShardId":"s","SequenceNumber":"1"}"#);
    assert_eq!(
        parse_put_record_response(&response).unwrap().shard_id(),
        "s"
    );
    let response = Response::new(&b"{\"ShardId\":\"s\",\"SequenceNumber\":\"1\"}"[..]);
    assert_eq!(
        parse_put_record_response(&response)
            .unwrap()
            .sequence_number(),
        "1"
    );
}

#[test]
fn errors_are_send_sync_and_std_errors() {
    fn check<T: std::error::Error + Send + Sync + Clone + 'static>() {}
    check::<PutRecordError>();
    check::<kinesis_proto::ServiceError>();
    check::<kinesis_proto::MalformedResponse>();
}

fn parse_error(status: u16, headers: &[(&str, &str)], body: &[u8]) -> PutRecordError {
    let mut response = Response::new(body.to_vec());
    *response.status_mut() = StatusCode::from_u16(status).unwrap();
    for (name, value) in headers {
        response.headers_mut().append(
            HeaderName::from_bytes(name.as_bytes()).unwrap(),
            HeaderValue::from_str(value).unwrap(),
        );
    }
    parse_put_record_response(&response).unwrap_err()
}
