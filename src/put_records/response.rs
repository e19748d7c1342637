//! Reading a `PutRecords` response: one result per entry, in request order, or a whole-request
//! error through the shared error core.

use std::borrow::Cow;
use std::fmt;

use http::{HeaderMap, HeaderValue, Response, StatusCode};
use serde::{Deserialize, Deserializer};

use super::input::{PUT_RECORDS_MAX_ENTRIES, PutRecordsInput};
use crate::limits::MAX_ERROR_TEXT_BYTES;
use crate::put_record::EncryptionType;
use crate::put_record::PutRecordError;
use crate::sequence_number::is_valid_sequence_number;
use crate::service_error::{self as error, MalformedResponse, RetryClass};
use crate::text::{is_name, is_name as is_valid_shard_id};

/// The outcome of one entry of a `PutRecords` request: a success with the shard id and sequence
/// number, or a failure with an error code and, usually, a message (Kinesis API reference,
/// `PutRecordsResultEntry`).
///
/// Owns its text, so it outlives the response it was parsed from.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct EntryResult(Outcome);

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Outcome {
    Success {
        shard_id: Box<str>,
        sequence_number: Box<str>,
    },
    Failure {
        error_code: Box<str>,
        error_message: Option<Box<str>>,
        retry_class: RetryClass,
    },
}

impl EntryResult {
    /// A success: the entry's record is stored in `shard_id` under `sequence_number`.
    pub fn success(shard_id: &str, sequence_number: &str) -> EntryResult {
        EntryResult(Outcome::Success {
            shard_id: shard_id.into(),
            sequence_number: sequence_number.into(),
        })
    }

    /// A failure with `error_code` and an optional message; its
    /// [`retry_class`](Self::retry_class) comes from the code.
    pub fn failure(error_code: &str, error_message: Option<&str>) -> EntryResult {
        EntryResult(Outcome::Failure {
            error_code: error_code.into(),
            error_message: error_message.map(Into::into),
            // Inside a 200 response, only the code decides.
            retry_class: error::retry_class(Some(error_code), StatusCode::OK),
        })
    }

    /// Whether the entry's record was stored.
    pub fn is_success(&self) -> bool {
        matches!(self.0, Outcome::Success { .. })
    }

    /// The shard that stored the entry's record, e.g. `shardId-000000000001`; `None` for a
    /// failure.
    pub fn shard_id(&self) -> Option<&str> {
        match &self.0 {
            Outcome::Success { shard_id, .. } => Some(shard_id),
            Outcome::Failure { .. } => None,
        }
    }

    /// The sequence number of the entry's record (1 to 129 decimal digits, kept as text);
    /// `None` for a failure.
    pub fn sequence_number(&self) -> Option<&str> {
        match &self.0 {
            Outcome::Success {
                sequence_number, ..
            } => Some(sequence_number),
            Outcome::Failure { .. } => None,
        }
    }

    /// The error code of a failed entry (`ProvisionedThroughputExceededException` or
    /// `InternalFailure` per the API reference, or another as received); `None` for a success.
    pub fn error_code(&self) -> Option<&str> {
        match &self.0 {
            Outcome::Failure { error_code, .. } => Some(error_code),
            Outcome::Success { .. } => None,
        }
    }

    /// The error message of a failed entry, e.g. `Rate exceeded for shard shardId-000000000001
    /// in stream exampleStreamName under account 111111111111.`; `None` for a success or when
    /// the service sent none.
    pub fn error_message(&self) -> Option<&str> {
        match &self.0 {
            Outcome::Failure { error_message, .. } => error_message.as_deref(),
            Outcome::Success { .. } => None,
        }
    }

    /// How a failed entry may be retried: [`RetryClass::Throttling`] for
    /// `ProvisionedThroughputExceededException` (and the other throttling codes the shared
    /// classifier knows), [`RetryClass::Transient`] for `InternalFailure`,
    /// [`RetryClass::None`] for any other code and for a success (nothing to retry).
    pub fn retry_class(&self) -> RetryClass {
        match &self.0 {
            Outcome::Failure { retry_class, .. } => *retry_class,
            Outcome::Success { .. } => RetryClass::None,
        }
    }

    /// Whether this is a failed entry worth retrying (throttling or transient).
    pub fn is_retryable(&self) -> bool {
        self.retry_class().is_retryable()
    }
}

impl fmt::Debug for EntryResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A `PutRecords` response read: one [`EntryResult`] per entry of the request, in request order
/// ("the response Records array includes both successfully and unsuccessfully processed
/// records ... in the same order as the request", Kinesis API reference, PutRecords).
///
/// Owns its strings, so it outlives the response it was parsed from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PutRecordsOutput {
    records: Vec<EntryResult>,
    failed_record_count: usize,
    encryption_type: Option<EncryptionType>,
    request_id: Option<HeaderValue>,
}

impl PutRecordsOutput {
    /// One result per entry, in request order.
    pub fn entries(&self) -> &[EntryResult] {
        &self.records
    }

    /// The results, owned.
    pub fn into_entries(self) -> Vec<EntryResult> {
        self.records
    }

    /// The number of entries that failed (`FailedRecordCount`; checked against the results, and
    /// counted from them when the service left it out). 0 when every record was stored.
    pub fn failed_record_count(&self) -> usize {
        self.failed_record_count
    }

    /// The encryption applied to the records, when the response said.
    pub fn encryption_type(&self) -> Option<&EncryptionType> {
        self.encryption_type.as_ref()
    }

    /// The request id AWS assigned (the `x-amzn-RequestId` header, else `x-amz-request-id`), if
    /// the response carried one.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_ref().and_then(|id| id.to_str().ok())
    }
}

/// The errors a whole `PutRecords` request can get: the API model declares the same errors for
/// `PutRecords` as for `PutRecord` (Kinesis API reference, PutRecords, "Errors"), so both share one
/// type. For `PutRecords`, [`Malformed`](PutRecordError::Malformed) also covers a result that is
/// neither a success nor a failure, a result count that differs from the entry count, and a
/// `FailedRecordCount` that disagrees with the results.
pub type PutRecordsError = PutRecordError;

/// Reads a `PutRecords` response to `input`.
///
/// Any 2xx status is success: the body must be a JSON object with `Records`, one result per
/// entry of `input` in request order, each either a success (`ShardId` matching
/// `[a-zA-Z0-9_.-]{1,128}` and `SequenceNumber` of 1 to 129 digits) or a failure (a non-empty
/// `ErrorCode`, and an optional `ErrorMessage`), never both nor neither. A `FailedRecordCount`
/// must equal the number of failures (counted when absent); `EncryptionType` is optional.
/// Members may come in any order, unknown ones are ignored and `null` counts as absent.
/// Anything else gives [`PutRecordsError::Malformed`]. Any other status is a whole-request
/// error, picked by its code. Never panics, whatever the status, headers and body.
///
/// ```
/// use kinesis_proto::{PutRecordsInput, RetryClass, parse_put_records_response};
/// let batch = PutRecordsInput::builder().stream_name("s").entry_parts(&b"a"[..], "k").build()?;
/// let response = http::Response::new(
///     r#"{"Records":[{"ErrorCode":"ProvisionedThroughputExceededException"}]}"#,
/// );
/// let output = parse_put_records_response(&batch, &response)?;
/// assert_eq!(output.failed_record_count(), 1);
/// assert_eq!(output.entries()[0].retry_class(), RetryClass::Throttling);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// Every variant of [`PutRecordsError`].
pub fn parse_put_records_response<B: AsRef<[u8]>>(
    input: &PutRecordsInput<'_>,
    response: &Response<B>,
) -> Result<PutRecordsOutput, PutRecordsError> {
    parse_put_records_response_for_len(input.len(), response)
}

/// [`parse_put_records_response`] for a request of `len` entries, for a caller that keeps the
/// count of what it sent rather than the input (the input is only asked its length).
///
/// # Errors
///
/// As [`parse_put_records_response`].
pub fn parse_put_records_response_for_len<B: AsRef<[u8]>>(
    len: usize,
    response: &Response<B>,
) -> Result<PutRecordsOutput, PutRecordsError> {
    let (status, headers) = (response.status(), response.headers());
    let body = response.body().as_ref();
    if !error::is_success(status) {
        let err = error::parse_service_error(status, headers, body);
        return Err(PutRecordError::from_service_error(err));
    }
    parse_success(len, headers, body).map_err(|reason| {
        PutRecordError::Malformed(MalformedResponse::new(status, headers, reason, body))
    })
}

/// The body's members; `None` is absent or `null`.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Body<'a> {
    #[serde(default)]
    failed_record_count: Option<u64>,
    #[serde(default, deserialize_with = "results")]
    records: Option<Results>,
    #[serde(borrow, default, deserialize_with = "nullable_str")]
    encryption_type: Option<Cow<'a, str>>,
}

/// One `PutRecordsResultEntry`; `None` is absent or `null`.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ResultEntry<'a> {
    #[serde(borrow, default, deserialize_with = "nullable_str")]
    shard_id: Option<Cow<'a, str>>,
    #[serde(borrow, default, deserialize_with = "nullable_str")]
    sequence_number: Option<Cow<'a, str>>,
    #[serde(borrow, default, deserialize_with = "nullable_str")]
    error_code: Option<Cow<'a, str>>,
    #[serde(borrow, default, deserialize_with = "nullable_str")]
    error_message: Option<Cow<'a, str>>,
}

/// The `Records` array as read: how many results it holds, the first [`PUT_RECORDS_MAX_ENTRIES`]
/// of them checked and kept, and the first reason one of those is neither a success nor a failure.
#[derive(Default)]
struct Results {
    count: usize,
    kept: Vec<EntryResult>,
    first_bad: Option<String>,
}

/// Reads `Records` one result at a time: no request has more than [`PUT_RECORDS_MAX_ENTRIES`]
/// entries, so results past that are counted (to say how many there were), never stored.
fn results<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Results>, D::Error> {
    struct Visit;
    impl<'de> serde::de::Visitor<'de> for Visit {
        type Value = Option<Results>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an array of results")
        }
        fn visit_unit<E>(self) -> Result<Option<Results>, E> {
            Ok(None)
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(
            self,
            mut seq: A,
        ) -> Result<Option<Results>, A::Error> {
            let mut results = Results::default();
            while results.count < PUT_RECORDS_MAX_ENTRIES {
                let Some(entry) = seq.next_element::<ResultEntry<'de>>()? else {
                    return Ok(Some(results));
                };
                match entry_result(entry) {
                    Ok(result) => results.kept.push(result),
                    Err(why) if results.first_bad.is_none() => {
                        results.first_bad = Some(format!("`Records[{}]` {why}", results.count));
                    }
                    Err(_) => {}
                }
                results.count += 1;
            }
            while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {
                results.count += 1;
            }
            Ok(Some(results))
        }
    }
    d.deserialize_any(Visit)
}

/// A string or `null`, borrowed from the body unless it holds escapes (serde borrows a bare
/// `Cow<str>` marked `borrow`, never one inside an `Option`).
fn nullable_str<'de: 'a, 'a, D: Deserializer<'de>>(d: D) -> Result<Option<Cow<'a, str>>, D::Error> {
    #[derive(Deserialize)]
    struct Text<'a>(#[serde(borrow)] Cow<'a, str>);
    Ok(Option::<Text<'a>>::deserialize(d)?.map(|t| t.0))
}

/// Reads a 2xx body for a request of `entries` entries; the error is the reason it was
/// rejected.
fn parse_success(
    entries: usize,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<PutRecordsOutput, Cow<'static, str>> {
    let parsed: Body<'_> = serde_json::from_slice(body).map_err(|err| {
        if body.trim_ascii().is_empty() {
            Cow::Borrowed("the body is empty")
        } else {
            Cow::Owned(error::capped_format(
                format_args!("invalid JSON: {err}"),
                MAX_ERROR_TEXT_BYTES,
            ))
        }
    })?;
    let raw = parsed
        .records
        .ok_or(Cow::Borrowed("required member `Records` is missing"))?;
    if raw.count != entries {
        return Err(Cow::Owned(format!(
            "`Records` has {} results for a request of {entries} entries",
            raw.count
        )));
    }
    if let Some(why) = raw.first_bad {
        return Err(Cow::Owned(why));
    }
    let records = raw.kept;
    let failed = records.iter().filter(|r| !r.is_success()).count();
    if let Some(stated) = parsed.failed_record_count
        && usize::try_from(stated).ok() != Some(failed)
    {
        return Err(Cow::Owned(format!(
            "`FailedRecordCount` is {stated} but {failed} results are failures"
        )));
    }
    let encryption_type = parsed
        .encryption_type
        .map(|e| EncryptionType::from_wire(&e));
    Ok(PutRecordsOutput {
        records,
        failed_record_count: failed,
        encryption_type,
        request_id: error::request_id_header(headers).cloned(),
    })
}

/// One result, or why it is neither a success nor a failure.
fn entry_result(entry: ResultEntry<'_>) -> Result<EntryResult, &'static str> {
    let has_success = entry.shard_id.is_some() || entry.sequence_number.is_some();
    let has_error = entry.error_code.is_some() || entry.error_message.is_some();
    match (has_success, has_error) {
        (true, true) => Err("has both success members and error members"),
        (false, false) => Err("is neither a success nor a failure"),
        (true, false) => {
            let shard_id = entry.shard_id.ok_or("is a success without a `ShardId`")?;
            let sequence_number = entry
                .sequence_number
                .ok_or("is a success without a `SequenceNumber`")?;
            if !is_valid_shard_id(shard_id.as_bytes()) {
                return Err("has a `ShardId` that does not match [a-zA-Z0-9_.-]{1,128}");
            }
            if !is_valid_sequence_number(sequence_number.as_bytes()) {
                return Err("has a `SequenceNumber` that is not 1 to 129 decimal digits");
            }
            Ok(EntryResult::success(&shard_id, &sequence_number))
        }
        (false, true) => {
            let code = entry
                .error_code
                .ok_or("has an `ErrorMessage` without an `ErrorCode`")?;
            if code.is_empty() {
                return Err("has an empty `ErrorCode`");
            }
            // A code is only what a code can be, as the error core keeps whole-request codes.
            if !is_name(code.as_bytes()) {
                return Err("has an `ErrorCode` that is not a code, [a-zA-Z0-9_.-]{1,128}");
            }
            let message = entry
                .error_message
                .map(|m| error::capped(&m, MAX_ERROR_TEXT_BYTES));
            Ok(EntryResult::failure(&code, message.as_deref()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(entries: usize, body: &str) -> Result<PutRecordsOutput, Cow<'static, str>> {
        parse_success(entries, &HeaderMap::new(), body.as_bytes())
    }

    /// Results past the most entries a request can have are counted, not stored, and the
    /// count is still the one the error reports.
    #[test]
    fn results_past_the_entry_limit_are_counted_not_kept() {
        let ok = r#"{"ShardId":"s","SequenceNumber":"1"}"#;
        let body = |n: usize| format!(r#"{{"Records":[{}]}}"#, vec![ok; n].join(","));
        let e = parse_ok(3, &body(600)).unwrap_err();
        assert_eq!(e, "`Records` has 600 results for a request of 3 entries");
        assert_eq!(parse_ok(500, &body(500)).unwrap().entries().len(), 500);
        // The count is checked first, then the first result that is neither.
        let bad = body(501).replacen(ok, "{}", 1);
        assert_eq!(
            parse_ok(501, &bad).unwrap_err(),
            "`Records[0]` is neither a success nor a failure"
        );
    }

    #[test]
    fn success_and_failure_results_in_order() {
        let out = parse_ok(
            2,
            r#"{"FailedRecordCount":1,"Records":[{"ErrorCode":"InternalFailure","ErrorMessage":"x"},{"ShardId":"shardId-1","SequenceNumber":"12"}],"EncryptionType":"KMS"}"#,
        )
        .unwrap();
        assert_eq!(out.entries()[0].error_code(), Some("InternalFailure"));
        assert_eq!(out.entries()[0].retry_class(), RetryClass::Transient);
        assert_eq!(out.entries()[1].sequence_number(), Some("12"));
        assert_eq!(out.encryption_type(), Some(&EncryptionType::Kms));
    }

    #[test]
    fn ambiguous_entries_are_malformed() {
        for (body, why) in [
            (r#"{"Records":[{}]}"#, "neither"),
            (
                r#"{"Records":[{"ShardId":"s"}]}"#,
                "without a `SequenceNumber`",
            ),
            (
                r#"{"Records":[{"SequenceNumber":"1"}]}"#,
                "without a `ShardId`",
            ),
            (
                r#"{"Records":[{"ShardId":"s","SequenceNumber":"1","ErrorCode":"X"}]}"#,
                "both",
            ),
            (
                r#"{"Records":[{"ShardId":"s","SequenceNumber":"1","ErrorMessage":"m"}]}"#,
                "both",
            ),
            (r#"{"Records":[{"ErrorCode":""}]}"#, "empty"),
            (
                r#"{"Records":[{"ErrorMessage":"m"}]}"#,
                "without an `ErrorCode`",
            ),
            (
                r#"{"Records":[{"ShardId":null,"ErrorCode":null}]}"#,
                "neither",
            ),
            (
                r#"{"Records":[{"ShardId":"s","SequenceNumber":"x"}]}"#,
                "SequenceNumber",
            ),
            (
                r#"{"Records":[{"ShardId":"s s","SequenceNumber":"1"}]}"#,
                "ShardId",
            ),
        ] {
            let err = parse_ok(1, body).unwrap_err();
            assert!(err.contains(why), "{body}: {err}");
        }
    }

    #[test]
    fn plain_members_are_borrowed_and_null_is_absent() {
        let entry: ResultEntry<'_> =
            serde_json::from_str(r#"{"ShardId":"s","SequenceNumber":"1","ErrorCode":null}"#)
                .unwrap();
        assert!(matches!(entry.shard_id, Some(Cow::Borrowed("s"))));
        assert!(matches!(entry.sequence_number, Some(Cow::Borrowed("1"))));
        assert!(entry.error_code.is_none() && entry.error_message.is_none());
    }

    #[test]
    fn escaped_members_are_decoded() {
        let out = parse_ok(
            1,
            r#"{"Records":[{"ErrorCode":"Internal\u0046ailure","ErrorMessage":"a\"b"}]}"#,
        )
        .unwrap();
        assert_eq!(out.entries()[0].error_code(), Some("InternalFailure"));
        assert_eq!(out.entries()[0].error_message(), Some("a\"b"));
        assert_eq!(out.failed_record_count(), 1);
    }
}
