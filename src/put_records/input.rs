//! [`PutRecordsInput`] and its builder: every rule of the batch and of its entries checked
//! before a request exists.

use std::borrow::Cow;

use super::entry::{PutRecordsEntry, ValidatedEntry};
use crate::hash_key::HashKey;
use crate::invalid_input::{Field, InvalidInput, LengthUnit, Rule};
use crate::limits::{DEFAULT_MAX_RECORD_SIZE, MIB};
use crate::record::{IntoRecordData, RecordDistribution, check_max_record_size};
use crate::routing::{Shard, ShardMap};
use crate::stream::{StreamArn, StreamName};

/// Most entries in one `PutRecords` request ("Each PutRecords request can support up to 500
/// records", Kinesis API reference, PutRecords; `Records`: "Maximum number of 500 items").
pub const PUT_RECORDS_MAX_ENTRIES: usize = 500;

/// The request size limit of `PutRecords`, data plus partition keys of every entry: 10 MiB
/// ("up to a limit of 10 MiB for the entire request, including partition keys", Kinesis API
/// reference, PutRecords). It is the default and the highest value the builder accepts.
pub const PUT_RECORDS_MAX_REQUEST_SIZE: usize = 10 * MIB;

/// The default request size limit of [`PutRecordsInputBuilder::max_request_size`]: the current
/// service limit, [`PUT_RECORDS_MAX_REQUEST_SIZE`].
pub const PUT_RECORDS_DEFAULT_MAX_REQUEST_SIZE: usize = PUT_RECORDS_MAX_REQUEST_SIZE;

/// The request size limit of `PutRecords` before the service raised it to 10 MiB (late 2025):
/// 5 MiB. Some compatible servers and proxies still enforce it; pass it to
/// [`PutRecordsInputBuilder::max_request_size`] for them.
pub const PUT_RECORDS_LEGACY_MAX_REQUEST_SIZE: usize = 5 * MIB;

/// A validated `PutRecords` input: 1 to 500 checked entries and the stream they go to. Build it
/// with [`PutRecordsInput::builder`]; turn it into the exact HTTP request with
/// [`to_http_request`](Self::to_http_request), which cannot fail.
///
/// ```
/// use kinesis_proto::{Endpoint, PutRecordsInput};
/// let batch = PutRecordsInput::builder().stream_name("orders").entry_parts(&b"a"[..], "k1");
/// let request = batch.clone().build()?.to_http_request(&Endpoint::regional("us-east-1")?);
/// let body = br#"{"Records":[{"Data":"YQ==","PartitionKey":"k1"}],"StreamName":"orders"}"#;
/// assert_eq!(request.body().as_slice(), body);
///
/// // An entry's error names the entry.
/// let err = batch.entry_parts(&b"b"[..], "").build().unwrap_err();
/// assert_eq!(err.to_string(), "records[1].partitionKey: 0 UTF-16 code units, the minimum is 1");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct PutRecordsInput<'a> {
    pub(crate) settings: BatchSettings,
    pub(crate) entries: Vec<ValidatedEntry<'a>>,
    /// The entries' record sizes summed.
    pub(crate) request_size: usize,
    /// The entries' JSON lengths summed.
    pub(crate) entries_json_len: usize,
}

impl<'a> PutRecordsInput<'a> {
    /// A builder with no stream, no entries and the default settings (1 MiB records, 10 MiB
    /// requests, [`RecordDistribution::UserPartitionKey`]).
    pub fn builder() -> PutRecordsInputBuilder<'a> {
        PutRecordsInputBuilder::default()
    }

    /// The stream name the batch goes to, if given.
    pub fn stream_name(&self) -> Option<&StreamName> {
        self.settings.stream_name.as_ref()
    }

    /// The stream ARN the batch goes to, if given.
    pub fn stream_arn(&self) -> Option<&StreamArn> {
        self.settings.stream_arn.as_ref()
    }

    /// The batch's `DryRun` flag, if set.
    pub fn dry_run(&self) -> Option<bool> {
        self.settings.dry_run
    }

    /// The record distribution the caller stated for the stream.
    pub fn record_distribution(&self) -> RecordDistribution {
        self.settings.distribution
    }

    /// The record size limit every entry was checked against.
    pub fn max_record_size(&self) -> usize {
        self.settings.max_record_size
    }

    /// The request size limit the batch was checked against.
    pub fn max_request_size(&self) -> usize {
        self.settings.max_request_size
    }

    /// The number of entries, 1 to 500.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Always `false`: a valid batch holds at least one entry.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The checked entries, in request order.
    pub fn entries(&self) -> &[ValidatedEntry<'a>] {
        &self.entries
    }

    /// The size the request counts for against the request size limit: data bytes plus
    /// partition key UTF-8 bytes of every entry.
    pub fn request_size(&self) -> usize {
        self.request_size
    }

    /// The index entry `i` had in the batch first built (kept through any number of
    /// [`retry_failed`](Self::retry_failed) rounds); `None` when `i` is out of range.
    pub fn original_index(&self, i: usize) -> Option<usize> {
        self.entries.get(i).map(|e| e.original_index)
    }

    /// [`original_index`](Self::original_index) of every entry, in request order.
    pub fn original_indices(&self) -> impl ExactSizeIterator<Item = usize> + '_ {
        self.entries.iter().map(|e| e.original_index)
    }

    /// The hash key that picks the shard of entry `i`: its explicit hash key when given, else the
    /// MD5 hash of its partition key. `None` when `i` is out of range and for every entry on an
    /// `AUTO` stream, where the service ignores keys and no shard can be predicted.
    pub fn hash_key(&self, i: usize) -> Option<HashKey> {
        if self.settings.distribution == RecordDistribution::Auto {
            return None;
        }
        self.entries
            .get(i)
            .and_then(ValidatedEntry::routing_hash_key)
    }

    /// The shard of `map` that entry `i` lands on, by [`hash_key`](Self::hash_key): where a
    /// failed entry's shard is throttling, say. `None` out of range and on an `AUTO` stream.
    pub fn predicted_shard<'m>(&self, i: usize, map: &'m ShardMap) -> Option<&'m Shard> {
        self.hash_key(i).map(|key| map.shard_for(key))
    }

    /// An owned copy of the batch that no longer borrows.
    pub fn into_owned(self) -> PutRecordsInput<'static> {
        PutRecordsInput {
            settings: self.settings,
            entries: self
                .entries
                .into_iter()
                .map(ValidatedEntry::into_owned)
                .collect(),
            request_size: self.request_size,
            entries_json_len: self.entries_json_len,
        }
    }
}

/// Builds a [`PutRecordsInput`]. Stream setters take raw values (`&str`, `String`) or validated
/// ones ([`StreamName`], [`StreamArn`]); each [`PutRecordsEntry`] is checked as it is added.
///
/// [`build`](Self::build) reports the first rule broken, in this order: `maxRecordSize`,
/// `maxRequestSize`, `streamName`, `streamARN`, the presence of a stream, the entry count
/// (`records`), each entry in order (`partitionKey`, `data` for an aggregate on an `AUTO` stream,
/// `explicitHashKey`, the record size, as `PutRecord` does;
/// [`entry_index`](InvalidInput::entry_index) names the entry), then the request size
/// (`records`).
#[derive(Clone, Debug)]
pub struct PutRecordsInputBuilder<'a> {
    stream_name: Option<Result<StreamName, InvalidInput>>,
    stream_arn: Option<Result<StreamArn, InvalidInput>>,
    dry_run: Option<bool>,
    distribution: RecordDistribution,
    max_record_size: usize,
    max_request_size: usize,
    entries: AddedEntries<'a>,
}

impl Default for PutRecordsInputBuilder<'_> {
    fn default() -> Self {
        PutRecordsInputBuilder {
            stream_name: None,
            stream_arn: None,
            dry_run: None,
            distribution: RecordDistribution::UserPartitionKey,
            max_record_size: DEFAULT_MAX_RECORD_SIZE,
            max_request_size: PUT_RECORDS_DEFAULT_MAX_REQUEST_SIZE,
            entries: AddedEntries::default(),
        }
    }
}

/// The entries given to a builder, each checked on arrival against the rules no setting changes;
/// the rest wait for [`check`](Self::check).
#[derive(Clone, Debug, Default)]
pub(crate) struct AddedEntries<'a> {
    /// The entries that passed, in order: all of them, or those before the first refused.
    pub(crate) kept: Vec<ValidatedEntry<'a>>,
    /// How many entries were given, the refused one and later ones included.
    given: usize,
    /// The first entry refused; later ones are counted, not checked (no error of theirs is first).
    first_refused: Option<Refused>,
    /// The kept entries' record sizes summed.
    request_size: usize,
    /// The kept entries' JSON lengths summed.
    json_len: usize,
}

/// The first entry refused as it was added.
#[derive(Clone, Debug)]
struct Refused {
    index: usize,
    /// Whether it had no partition key: unless the stream uses `AUTO`, that is its first error.
    keyless: bool,
    error: Box<InvalidInput>,
}

impl<'a> AddedEntries<'a> {
    /// Adds one entry: kept, or remembered as the first refused; after that, only counted.
    #[inline]
    fn push(&mut self, entry: PutRecordsEntry<'a>) {
        let index = self.given;
        self.given = index.saturating_add(1);
        if self.first_refused.is_some() {
            return;
        }
        let keyless = entry.partition_key.is_none();
        match ValidatedEntry::check(entry, index) {
            Ok(entry) => {
                self.request_size = self.request_size.saturating_add(entry.record_size());
                self.json_len = self.json_len.saturating_add(entry.json_len());
                self.kept.push(entry);
            }
            Err(error) => {
                self.first_refused = Some(Refused {
                    index,
                    keyless,
                    error: Box::new(error),
                });
            }
        }
    }

    /// Adds the entries of `entries`, reserving at most a batch's room: for a batch, up to the
    /// first past 500 (`build` refuses the count whatever follows); for `pack` (`whole`), every
    /// entry up to the first refused one.
    pub(crate) fn extend(
        &mut self,
        entries: impl IntoIterator<Item = PutRecordsEntry<'a>>,
        whole: bool,
    ) {
        let mut entries = entries.into_iter();
        let room = PUT_RECORDS_MAX_ENTRIES.saturating_sub(self.kept.len());
        self.kept.reserve(entries.size_hint().0.min(room));
        let more = |s: &Self| {
            if whole {
                s.first_refused.is_none()
            } else {
                s.given <= PUT_RECORDS_MAX_ENTRIES
            }
        };
        while more(self) {
            let Some(entry) = entries.next() else { return };
            self.push(entry);
        }
    }

    /// The first rule an entry breaks under `settings`: the kept entries' rules that depend on
    /// settings, in order, then the refused entry's first error in `PutRecord`'s order.
    pub(crate) fn check(&self, settings: &BatchSettings) -> Result<(), InvalidInput> {
        for entry in &self.kept {
            entry.check_settings(settings.distribution, settings.max_record_size)?;
        }
        match &self.first_refused {
            // A missing key comes before an explicit hash key's error in the same entry.
            Some(refused)
                if refused.keyless && settings.distribution != RecordDistribution::Auto =>
            {
                Err(InvalidInput::new(Field::PartitionKey, Rule::Missing).at_entry(refused.index))
            }
            Some(refused) => Err((*refused.error).clone()),
            None => Ok(()),
        }
    }
}

impl<'a> PutRecordsInputBuilder<'a> {
    /// The stream name (`StreamName`) the batch goes to: 1 to 128 characters of
    /// `[a-zA-Z0-9_.-]`.
    pub fn stream_name<V>(mut self, name: V) -> Self
    where
        V: TryInto<StreamName>,
        V::Error: Into<InvalidInput>,
    {
        self.stream_name = Some(name.try_into().map_err(Into::into));
        self
    }

    /// The stream ARN (`StreamARN`) the batch goes to. A stream name, an ARN or both must be
    /// given.
    pub fn stream_arn<V>(mut self, arn: V) -> Self
    where
        V: TryInto<StreamArn>,
        V::Error: Into<InvalidInput>,
    {
        self.stream_arn = Some(arn.try_into().map_err(Into::into));
        self
    }

    /// Sets `DryRun`: the service checks the batch and answers `DryRunOperationException`
    /// instead of writing its records.
    pub fn dry_run(mut self, dry_run: bool) -> Self {
        self.dry_run = Some(dry_run);
        self
    }

    /// States the stream's record distribution; the default is
    /// [`RecordDistribution::UserPartitionKey`]. On [`RecordDistribution::Auto`] entries may omit
    /// the partition key and must not carry an explicit hash key.
    pub fn record_distribution(mut self, distribution: RecordDistribution) -> Self {
        self.distribution = distribution;
        self
    }

    /// The stream's maximum record size in bytes (data plus partition key), from 1 MiB (the
    /// default) to 10 MiB; every entry is checked against it.
    pub fn max_record_size(mut self, bytes: usize) -> Self {
        self.max_record_size = bytes;
        self
    }

    /// The request size limit in bytes (data plus partition keys of every entry), from the
    /// record size limit in force to [`PUT_RECORDS_MAX_REQUEST_SIZE`], the default; else `build`
    /// fails on `maxRequestSize`. See [`PUT_RECORDS_LEGACY_MAX_REQUEST_SIZE`] for older servers.
    pub fn max_request_size(mut self, bytes: usize) -> Self {
        self.max_request_size = bytes;
        self
    }

    /// Adds one entry to the batch.
    pub fn entry(mut self, entry: PutRecordsEntry<'a>) -> Self {
        self.entries.push(entry);
        self
    }

    /// Adds one entry from its data and partition key: the same as
    /// `.entry(PutRecordsEntry::new(data, partition_key))`.
    pub fn entry_parts(
        self,
        data: impl IntoRecordData<'a>,
        partition_key: impl Into<Cow<'a, str>>,
    ) -> Self {
        self.entry(PutRecordsEntry::new(data, partition_key))
    }

    /// Adds the entries of `entries`, in order, up to the first past the 500-entry limit: no
    /// more is pulled, so `build` refuses the count even for an endless iterator. To cut any
    /// number of entries into batches, give them to [`pack`](Self::pack).
    pub fn entries(mut self, entries: impl IntoIterator<Item = PutRecordsEntry<'a>>) -> Self {
        self.entries.extend(entries, false);
        self
    }

    /// The checked batch settings, and the entries checked so far.
    pub(crate) fn into_parts(self) -> (Result<BatchSettings, InvalidInput>, AddedEntries<'a>) {
        let settings = BatchSettings::check(
            self.stream_name,
            self.stream_arn,
            self.dry_run,
            self.distribution,
            self.max_record_size,
            self.max_request_size,
        );
        (settings, self.entries)
    }

    /// Checks every rule and returns the batch, or the first rule broken (see the type's docs
    /// for the order).
    pub fn build(self) -> Result<PutRecordsInput<'a>, InvalidInput> {
        let (settings, entries) = self.into_parts();
        let settings = settings?;
        check_entry_count(entries.given)?;
        entries.check(&settings)?;
        check_request_size(entries.request_size, settings.max_request_size)?;
        Ok(PutRecordsInput {
            settings,
            entries: entries.kept,
            request_size: entries.request_size,
            entries_json_len: entries.json_len,
        })
    }
}

/// The batch-level settings of a valid input, shared by the builder, the packer and the retry
/// step.
#[derive(Debug, Clone)]
pub(crate) struct BatchSettings {
    pub(crate) stream_name: Option<StreamName>,
    pub(crate) stream_arn: Option<StreamArn>,
    pub(crate) dry_run: Option<bool>,
    pub(crate) distribution: RecordDistribution,
    pub(crate) max_record_size: usize,
    pub(crate) max_request_size: usize,
}

impl BatchSettings {
    /// The settings, or the first rule they break, in the order of
    /// [`PutRecordsInputBuilder::build`].
    pub(crate) fn check(
        stream_name: Option<Result<StreamName, InvalidInput>>,
        stream_arn: Option<Result<StreamArn, InvalidInput>>,
        dry_run: Option<bool>,
        distribution: RecordDistribution,
        max_record_size: usize,
        max_request_size: usize,
    ) -> Result<Self, InvalidInput> {
        check_max_record_size(max_record_size)?;
        check_max_request_size(max_request_size, max_record_size)?;
        let stream_name = stream_name.transpose()?;
        let stream_arn = stream_arn.transpose()?;
        if stream_name.is_none() && stream_arn.is_none() {
            return Err(InvalidInput::new(Field::StreamName, Rule::Missing));
        }
        Ok(BatchSettings {
            stream_name,
            stream_arn,
            dry_run,
            distribution,
            max_record_size,
            max_request_size,
        })
    }

    /// The input holding `entries`, taken from valid batches with these settings: the caller
    /// guarantees 1 to 500 of them, whose record sizes sum within the request size limit.
    pub(crate) fn into_input(self, entries: Vec<ValidatedEntry<'_>>) -> PutRecordsInput<'_> {
        debug_assert!((1..=PUT_RECORDS_MAX_ENTRIES).contains(&entries.len()));
        let (request_size, entries_json_len) = entries.iter().fold((0, 0), |(size, len), e| {
            (
                usize::saturating_add(size, e.record_size()),
                usize::saturating_add(len, e.json_len()),
            )
        });
        debug_assert!(request_size <= self.max_request_size);
        PutRecordsInput {
            settings: self,
            entries,
            request_size,
            entries_json_len,
        }
    }
}

/// 1 to 500 entries (`Records`: "Minimum number of 1 item. Maximum number of 500 items",
/// Kinesis API reference, PutRecords).
fn check_entry_count(len: usize) -> Result<(), InvalidInput> {
    let bounds = (1, PUT_RECORDS_MAX_ENTRIES);
    InvalidInput::check_length(Field::Records, len, bounds, LengthUnit::Entries)
}

/// At most 10 MiB, and at least the record size limit so any valid entry fits alone.
fn check_max_request_size(bytes: usize, max_record_size: usize) -> Result<(), InvalidInput> {
    if (max_record_size..=PUT_RECORDS_MAX_REQUEST_SIZE).contains(&bytes) {
        return Ok(());
    }
    let (value, min, max) = (bytes, max_record_size, PUT_RECORDS_MAX_REQUEST_SIZE);
    Err(InvalidInput::new(
        Field::MaxRequestSize,
        Rule::OutOfRange { value, min, max },
    ))
}

/// "Each record in the request can be as large as 10 MiB, up to a limit of 10 MiB for the
/// entire request, including partition keys" (Kinesis API reference, PutRecords).
fn check_request_size(size: usize, limit: usize) -> Result<(), InvalidInput> {
    if size > limit {
        let rule = Rule::RequestTooLarge { size, limit };
        return Err(InvalidInput::new(Field::Records, rule));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn builder() -> PutRecordsInputBuilder<'static> {
        PutRecordsInput::builder().stream_name("s")
    }

    #[test]
    fn entry_count_bounds() {
        let e = builder().build().unwrap_err();
        assert_eq!(e.to_string(), "records: 0 entries, the minimum is 1");
        let e = builder()
            .entries((0..501).map(|_| PutRecordsEntry::new(&b""[..], "k")))
            .build()
            .unwrap_err();
        assert_eq!(e.to_string(), "records: 501 entries, the limit is 500");
        assert_eq!(e.entry_index(), None);
        let ok = builder()
            .entries((0..500).map(|_| PutRecordsEntry::new(&b""[..], "k")))
            .build()
            .unwrap();
        assert_eq!(ok.len(), 500);
        assert_eq!(
            ok.original_indices().collect::<Vec<_>>(),
            (0..500).collect::<Vec<_>>()
        );
    }

    #[test]
    fn the_entry_count_is_reported_before_a_refused_entry() {
        let e = builder()
            .entry_parts(&b""[..], "")
            .entries((0..500).map(|_| PutRecordsEntry::new(&b""[..], "k")))
            .build()
            .unwrap_err();
        assert_eq!(e.to_string(), "records: 501 entries, the limit is 500");
        let e = builder()
            .entry_parts(&b""[..], "")
            .entries((0..499).map(|_| PutRecordsEntry::new(&b""[..], "k")))
            .build()
            .unwrap_err();
        assert_eq!(e.entry_index(), Some(0));
        assert!(format!("{:?}", builder().entry_parts(&b""[..], "")).contains("first_refused"));
    }

    #[test]
    fn entries_from_the_refused_one_on_are_counted_not_kept() {
        let ok = || PutRecordsEntry::new(vec![1], String::from("k"));
        let b = builder()
            .entries([
                ok(),
                ok(),
                PutRecordsEntry::new(vec![2], String::new()),
                ok(),
            ])
            .entry(ok())
            .entries([ok(), ok()]);
        assert_eq!(b.entries.given, 7);
        assert_eq!(b.entries.kept.len(), 2);
        assert_eq!(b.entries.request_size, 4);
        assert_eq!(b.build().unwrap_err().entry_index(), Some(2));
    }

    #[test]
    fn entries_after_a_refused_one_are_not_stored_however_many() {
        let ok = || PutRecordsEntry::new(&b"d"[..], "k");
        let bad = || PutRecordsEntry::new(&b"d"[..], "");
        let b = builder()
            .entries((0..10).map(|_| ok()))
            .entry(bad())
            .entries((0..100_000).map(|_| ok()));
        // Pulling stops at the first entry past the limit once one was refused.
        assert_eq!(b.entries.given, PUT_RECORDS_MAX_ENTRIES + 1);
        assert_eq!(b.entries.kept.len(), 10);
        assert!(b.entries.kept.capacity() <= PUT_RECORDS_MAX_ENTRIES);
        let b = builder().entries((0..100_000).map(|i| if i == 10 { bad() } else { ok() }));
        assert_eq!(b.entries.given, PUT_RECORDS_MAX_ENTRIES + 1);
        assert_eq!(b.entries.kept.len(), 10);
        assert!(b.entries.kept.capacity() <= PUT_RECORDS_MAX_ENTRIES);
        // The entry count is checked before the entries.
        assert_eq!(b.build().unwrap_err().field(), "records");
    }

    #[test]
    fn an_endless_iterator_after_a_refused_entry_ends_in_the_count_error() {
        let e = builder()
            .entry_parts(&b""[..], "")
            .entries(std::iter::repeat_with(|| {
                PutRecordsEntry::new(&b"d"[..], "k")
            }))
            // Past the limit, with an entry refused: nothing more is pulled.
            .entries(std::iter::from_fn(
                || -> Option<PutRecordsEntry<'static>> { panic!("pulled") },
            ))
            .build()
            .unwrap_err();
        assert_eq!(e.to_string(), "records: 501 entries, the limit is 500");
    }

    /// An iterator whose size hint says anything at all.
    struct Hinted<I>(I, (usize, Option<usize>));

    impl<I: Iterator> Iterator for Hinted<I> {
        type Item = I::Item;
        fn next(&mut self) -> Option<I::Item> {
            self.0.next()
        }
        fn size_hint(&self) -> (usize, Option<usize>) {
            self.1
        }
    }

    #[test]
    fn a_wrong_size_hint_costs_no_oversized_reservation_and_no_panic() {
        let hints = [
            (usize::MAX, None),
            (usize::MAX, Some(0)),
            (usize::MAX / 2, Some(usize::MAX)),
            (0, Some(0)),
            (0, Some(1)),
            (600, Some(600)),
        ];
        for hint in hints {
            let entries = (0..3).map(|_| PutRecordsEntry::new(&b"d"[..], "k"));
            let b = builder().entries(Hinted(entries, hint));
            assert!(
                b.entries.kept.capacity() <= PUT_RECORDS_MAX_ENTRIES + 1,
                "{hint:?}"
            );
            assert_eq!(b.build().unwrap().len(), 3, "{hint:?}");
        }
    }

    #[test]
    fn max_request_size_range_follows_the_record_limit() {
        let one = || builder().entry_parts(&b""[..], "k");
        assert!(one().max_request_size(MIB).build().is_ok());
        assert!(one().max_request_size(10 * MIB).build().is_ok());
        let e = one().max_request_size(10 * MIB + 1).build().unwrap_err();
        assert_eq!(e.field(), "maxRequestSize");
        let e = one()
            .max_record_size(2 * MIB)
            .max_request_size(MIB)
            .build()
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "maxRequestSize: 1048576 is outside the allowed range 2097152..=10485760"
        );
    }

    #[test]
    fn owned_and_borrowed_keys_validate_alike() {
        let owned = PutRecordsEntry::new(vec![1], String::from("k")).with_hash_key(HashKey::MAX);
        let input = builder().entry(owned).build().unwrap();
        assert_eq!(input.hash_key(0), Some(HashKey::MAX));
        assert_eq!(input.hash_key(1), None);
    }
}
