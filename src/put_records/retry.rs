//! The sans-IO retry step of a batch: which entries to send again, and where each final result
//! belongs in the batch first built.
//!
//! A `PutRecords` request can succeed as a whole while some entries fail; the API reference
//! advises resending just those ("Unsuccessfully processed records ... can be included in
//! subsequent PutRecords requests", Kinesis API reference, PutRecords). The caller keeps the
//! clock: when and how long to back off is its choice (see [`RetryClass`](crate::RetryClass)).

use super::entry::ValidatedEntry;
use super::input::PutRecordsInput;
use super::response::{EntryResult, PutRecordsOutput};

impl<'a> PutRecordsInput<'a> {
    /// The next round: a copy of this input (stream, flags and limits included) holding, in
    /// order, the entries whose result in `output` is a retryable failure
    /// ([`RetryClass::Throttling`](crate::RetryClass::Throttling) or
    /// [`RetryClass::Transient`](crate::RetryClass::Transient)); `None` when there is none. Each
    /// keeps its [`original_index`](Self::original_index) through any number of rounds.
    ///
    /// Entries and results are paired by position (`output` should come from
    /// [`parse_put_records_response`](crate::parse_put_records_response) for this input, which
    /// checks the counts); an entry without a result is not retried, as it may be stored already.
    /// Owned data is cloned; [`into_retry_failed`](Self::into_retry_failed) moves it instead.
    ///
    /// ```
    /// use kinesis_proto::{PutRecordsInput, parse_put_records_response};
    /// let batch = PutRecordsInput::builder().stream_name("s");
    /// let batch = batch.entry_parts(&b"a"[..], "k1").entry_parts(&b"b"[..], "k2").build()?;
    /// let response = http::Response::new(
    ///     r#"{"Records":[{"ShardId":"s-0","SequenceNumber":"1"},{"ErrorCode":"InternalFailure"}]}"#,
    /// );
    /// let output = parse_put_records_response(&batch, &response)?;
    /// let next = batch.retry_failed(&output).expect("one to retry");
    /// assert_eq!(next.original_indices().collect::<Vec<_>>(), [1]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn retry_failed(&self, output: &PutRecordsOutput) -> Option<PutRecordsInput<'a>> {
        let entries: Vec<ValidatedEntry<'a>> = self
            .entries
            .iter()
            .zip(output.entries())
            .filter(|(_, result)| result.is_retryable())
            .map(|(entry, _)| entry.clone())
            .collect();
        (!entries.is_empty()).then(|| self.settings.clone().into_input(entries))
    }

    /// [`retry_failed`](Self::retry_failed), moving the entries instead of cloning them.
    pub fn into_retry_failed(mut self, output: &PutRecordsOutput) -> Option<PutRecordsInput<'a>> {
        let results = output.entries();
        let entries: Vec<ValidatedEntry<'a>> = std::mem::take(&mut self.entries)
            .into_iter()
            .enumerate()
            .filter(|(i, _)| results.get(*i).is_some_and(EntryResult::is_retryable))
            .map(|(_, entry)| entry)
            .collect();
        (!entries.is_empty()).then(|| self.settings.into_input(entries))
    }
}

/// The results of a batch gathered over its retry rounds, each at its index in the batch first
/// built.
///
/// ```
/// use kinesis_proto::{BatchResults, PutRecordsInput, parse_put_records_response};
/// let batch = PutRecordsInput::builder().stream_name("s");
/// let batch = batch.entry_parts(&b"a"[..], "k1").entry_parts(&b"b"[..], "k2").build()?;
/// let mut results = BatchResults::for_batch(&batch);
/// let first = http::Response::new(
///     r#"{"Records":[{"ErrorCode":"InternalFailure"},{"ShardId":"s-0","SequenceNumber":"1"}]}"#,
/// );
/// let output = parse_put_records_response(&batch, &first)?;
/// results.record_round(&batch, &output);
/// let retry = batch.retry_failed(&output).expect("one to retry");
/// assert_eq!(results.pending(), 1);
///
/// let second = http::Response::new(r#"{"Records":[{"ShardId":"s-1","SequenceNumber":"2"}]}"#);
/// results.record_round(&retry, &parse_put_records_response(&retry, &second)?);
/// assert!(results.is_complete());
/// assert_eq!(results.results()[0].as_ref().unwrap().shard_id(), Some("s-1"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BatchResults {
    results: Vec<Option<EntryResult>>,
    pending: usize,
}

impl BatchResults {
    /// Room for the results of a batch of `original_len` entries, none recorded yet.
    pub fn new(original_len: usize) -> BatchResults {
        BatchResults {
            results: vec![None; original_len],
            pending: original_len,
        }
    }

    /// Room for the results of `batch`, the batch first built.
    pub fn for_batch(batch: &PutRecordsInput<'_>) -> BatchResults {
        BatchResults::new(batch.len())
    }

    /// Records one round: each result of `output`, paired by position with the entries of
    /// `input`, replaces the result at the entry's
    /// [`original_index`](PutRecordsInput::original_index); an index past [`len`](Self::len) is
    /// ignored.
    pub fn record_round(&mut self, input: &PutRecordsInput<'_>, output: &PutRecordsOutput) {
        for (index, result) in input.original_indices().zip(output.entries()) {
            if let Some(slot) = self.results.get_mut(index) {
                // Final: a success, or a failure that is not retryable.
                let was_final = slot.as_ref().is_some_and(|r| !r.is_retryable());
                let now_final = !result.is_retryable();
                match (was_final, now_final) {
                    (false, true) => self.pending = self.pending.saturating_sub(1),
                    (true, false) => self.pending = self.pending.saturating_add(1),
                    _ => {}
                }
                *slot = Some(result.clone());
            }
        }
    }

    /// The number of entries of the batch first built.
    pub fn len(&self) -> usize {
        self.results.len()
    }

    /// Whether the batch first built was empty.
    pub fn is_empty(&self) -> bool {
        self.results.is_empty()
    }

    /// How many entries have no final result yet: never answered, or last answered with a
    /// retryable failure.
    pub fn pending(&self) -> usize {
        self.pending
    }

    /// Whether every entry has a final result: a success or a failure that is not retryable.
    pub fn is_complete(&self) -> bool {
        self.pending == 0
    }

    /// The latest result of each entry, at its index in the batch first built; `None` for an
    /// entry never answered. A retryable failure here is the last one seen for an entry the
    /// caller may still retry (or has given up on).
    pub fn results(&self) -> &[Option<EntryResult>] {
        &self.results
    }

    /// The results, owned.
    pub fn into_results(self) -> Vec<Option<EntryResult>> {
        self.results
    }
}
