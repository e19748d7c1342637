//! [`PutRecordsInput`], its builder and its entries: every rule checked before a request exists.

use std::borrow::Cow;
use std::fmt;

use crate::hash_key::HashKey;
use crate::invalid_input::{Field, InvalidInput, LengthUnit, Rule};
use crate::limits::{DEFAULT_MAX_RECORD_SIZE, MIB};
use crate::partition_key::PartitionKey;
use crate::record::{RecordDistribution, check_max_record_size, check_record_size, record_size};
use crate::stream::{StreamArn, StreamName};
use crate::wire::json;

use super::request::entry_json_len;

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

/// One record of a batch, as the caller gives it: plain public fields, checked by
/// [`PutRecordsInputBuilder::build`] with the rules of `PutRecord`.
///
/// The lifetime `'a` lets data and keys be borrowed without a copy; give owned values
/// (`Vec<u8>`, `String`) for a `PutRecordsEntry<'static>`.
///
/// ```
/// use kinesis_proto::{HashKey, PutRecordsEntry};
/// let keyed = PutRecordsEntry::new(&b"payload"[..], "customer-42");
/// let routed = PutRecordsEntry::new(vec![1, 2, 3], String::from("k")).with_hash_key(HashKey::MIN);
/// let keyless = PutRecordsEntry::keyless(&b"for an AUTO stream"[..]);
/// assert_eq!(routed.explicit_hash_key.as_deref(), Some("0"));
/// # let _ = (keyed, keyless);
/// ```
///
/// `Debug` shows the data's length, never its bytes.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct PutRecordsEntry<'a> {
    /// The record's data (`Data`), before base64; may be empty.
    pub data: Cow<'a, [u8]>,
    /// The partition key (`PartitionKey`): 1 to 256 UTF-16 code units. `None` only on a stream
    /// stated to use [`RecordDistribution::Auto`].
    pub partition_key: Option<Cow<'a, str>>,
    /// The explicit hash key (`ExplicitHashKey`) in its decimal wire form, matching
    /// `0|([1-9]\d{0,38})` and at most 2^128-1; it replaces the partition key's MD5 hash for
    /// routing. Refused on an `AUTO` stream.
    pub explicit_hash_key: Option<Cow<'a, str>>,
}

impl<'a> PutRecordsEntry<'a> {
    /// An entry with data and a partition key, the common case.
    pub fn new(data: impl Into<Cow<'a, [u8]>>, partition_key: impl Into<Cow<'a, str>>) -> Self {
        PutRecordsEntry {
            data: data.into(),
            partition_key: Some(partition_key.into()),
            explicit_hash_key: None,
        }
    }

    /// An entry without a partition key, for a stream that uses [`RecordDistribution::Auto`].
    pub fn keyless(data: impl Into<Cow<'a, [u8]>>) -> Self {
        PutRecordsEntry {
            data: data.into(),
            partition_key: None,
            explicit_hash_key: None,
        }
    }

    /// Sets the explicit hash key from its decimal wire form (checked by `build`).
    pub fn with_explicit_hash_key(mut self, key: impl Into<Cow<'a, str>>) -> Self {
        self.explicit_hash_key = Some(key.into());
        self
    }

    /// Sets the explicit hash key from a [`HashKey`] value.
    pub fn with_hash_key(mut self, key: HashKey) -> Self {
        self.explicit_hash_key = Some(Cow::Owned(key.to_string()));
        self
    }

    /// An owned copy that no longer borrows.
    pub fn into_owned(self) -> PutRecordsEntry<'static> {
        PutRecordsEntry {
            data: Cow::Owned(self.data.into_owned()),
            partition_key: self.partition_key.map(|k| Cow::Owned(k.into_owned())),
            explicit_hash_key: self.explicit_hash_key.map(|k| Cow::Owned(k.into_owned())),
        }
    }
}

impl fmt::Debug for PutRecordsEntry<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PutRecordsEntry")
            .field("data", &format_args!("<{} bytes>", self.data.len()))
            .field("partition_key", &self.partition_key)
            .field("explicit_hash_key", &self.explicit_hash_key)
            .finish()
    }
}

/// One checked entry of a [`PutRecordsInput`].
///
/// `Debug` shows the data's length, never its bytes.
#[derive(Clone)]
pub struct ValidatedEntry<'a> {
    pub(crate) data: Cow<'a, [u8]>,
    pub(crate) partition_key: Option<PartitionKey<'a>>,
    /// The value and its canonical decimal text, kept so the body needs no formatting.
    pub(crate) explicit_hash_key: Option<(HashKey, Cow<'a, str>)>,
    pub(crate) original_index: usize,
    /// The length of the entry's JSON object in the body, computed once when checked.
    pub(crate) json_len: usize,
}

impl<'a> ValidatedEntry<'a> {
    /// The entry as given, not checked yet: the batch builder stores it so, checks it in place
    /// ([`check_usual`](PartitionKey::check_usual) or [`check_unusual`](Self::check_unusual)),
    /// and keeps none that failed.
    #[inline(always)]
    fn unchecked(entry: PutRecordsEntry<'a>) -> Self {
        ValidatedEntry {
            data: entry.data,
            partition_key: entry.partition_key.map(PartitionKey::unchecked),
            explicit_hash_key: entry.explicit_hash_key.map(|text| (HashKey::MIN, text)),
            original_index: 0,
            json_len: 0,
        }
    }

    /// Checks an entry stored by [`unchecked`](Self::unchecked) that is not the usual kind (it
    /// has no key, an explicit hash key, or a key that is long or needs escaping); its record
    /// size and JSON length.
    #[inline(never)]
    fn check_unusual(&mut self) -> Result<(usize, usize), InvalidInput> {
        if let Some(key) = &mut self.partition_key {
            key.check_in_place()?;
        }
        if let Some((value, text)) = &mut self.explicit_hash_key {
            *value = text.parse::<HashKey>()?;
        }
        let json_len = entry_json_len(
            &self.data,
            self.partition_key.as_ref(),
            self.explicit_hash_key.as_ref().map(|(_, text)| &**text),
        );
        Ok((self.record_size(), json_len))
    }

    /// The record's data, as given (before base64).
    pub fn data(&self) -> &[u8] {
        &self.data
    }

    /// The partition key; `None` only for a keyless entry on an `AUTO` stream.
    pub fn partition_key(&self) -> Option<&PartitionKey<'a>> {
        self.partition_key.as_ref()
    }

    /// The explicit hash key, if given.
    pub fn explicit_hash_key(&self) -> Option<HashKey> {
        self.explicit_hash_key.as_ref().map(|(h, _)| *h)
    }

    /// The size the entry counts for against the record and request size limits: data bytes
    /// plus partition key UTF-8 bytes.
    #[inline]
    pub fn record_size(&self) -> usize {
        record_size(&self.data, self.partition_key.as_ref())
    }

    /// The entry's 0-based index in the batch first built, which a retry input
    /// ([`PutRecordsInput::retry_failed`]) or a packed batch keeps.
    pub fn original_index(&self) -> usize {
        self.original_index
    }

    /// The hash key that picks the entry's shard on a `USER_PARTITION_KEY` stream.
    pub(crate) fn routing_hash_key(&self) -> Option<HashKey> {
        self.explicit_hash_key()
            .or_else(|| self.partition_key.as_ref().map(PartitionKey::hash_key))
    }

    /// An owned copy that no longer borrows.
    pub fn into_owned(self) -> ValidatedEntry<'static> {
        ValidatedEntry {
            data: Cow::Owned(self.data.into_owned()),
            partition_key: self.partition_key.map(PartitionKey::into_owned),
            explicit_hash_key: self
                .explicit_hash_key
                .map(|(h, text)| (h, Cow::Owned(text.into_owned()))),
            original_index: self.original_index,
            json_len: self.json_len,
        }
    }

    /// Checks, for an entry whose partition key and explicit hash key passed as it was added,
    /// the rules that depend on the batch settings, in `PutRecord`'s order: a partition key
    /// unless the stream uses `AUTO`, no explicit hash key if it does, then the record size.
    pub(crate) fn check_settings(
        &self,
        distribution: RecordDistribution,
        max_record_size: usize,
    ) -> Result<(), InvalidInput> {
        let auto = distribution == RecordDistribution::Auto;
        if self.partition_key.is_none() && !auto {
            return Err(
                InvalidInput::new(Field::PartitionKey, Rule::Missing).at_entry(self.original_index)
            );
        }
        if self.explicit_hash_key.is_some() && auto {
            return Err(InvalidInput::new(
                Field::ExplicitHashKey,
                Rule::NotAllowedWithAutoDistribution,
            )
            .at_entry(self.original_index));
        }
        check_record_size(&self.data, self.partition_key.as_ref(), max_record_size)
            .map_err(|e| e.at_entry(self.original_index))
    }
}

impl fmt::Debug for ValidatedEntry<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ValidatedEntry")
            .field("data", &format_args!("<{} bytes>", self.data.len()))
            .field("partition_key", &self.partition_key)
            .field("explicit_hash_key", &self.explicit_hash_key())
            .field("original_index", &self.original_index)
            .finish()
    }
}

/// A validated `PutRecords` input: 1 to 500 checked entries and the stream they go to. Build it
/// with [`PutRecordsInput::builder`]; turn it into the exact HTTP request with
/// [`to_http_request`](Self::to_http_request), which cannot fail.
///
/// ```
/// use kinesis_proto::{Endpoint, PutRecordsEntry, PutRecordsInput};
/// let batch = PutRecordsInput::builder()
///     .stream_name("orders")
///     .entry(PutRecordsEntry::new(&b"a"[..], "k1"))
///     .entry_parts(&b"b"[..], "k2")
///     .build()?;
/// let request = batch.to_http_request(&Endpoint::regional("us-east-1")?);
/// assert_eq!(request.headers()["x-amz-target"], "Kinesis_20131202.PutRecords");
/// assert_eq!(
///     request.body().as_slice(),
///     br#"{"Records":[{"Data":"YQ==","PartitionKey":"k1"},{"Data":"Yg==","PartitionKey":"k2"}],"StreamName":"orders"}"#
/// );
///
/// // An entry's error names the entry.
/// let err = PutRecordsInput::builder()
///     .stream_name("orders")
///     .entry_parts(&b"a"[..], "k1")
///     .entry_parts(&b"b"[..], "")
///     .build()
///     .unwrap_err();
/// assert_eq!(err.entry_index(), Some(1));
/// assert_eq!(err.to_string(), "records[1].partitionKey: 0 UTF-16 code units, the minimum is 1");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct PutRecordsInput<'a> {
    pub(crate) stream_name: Option<StreamName>,
    pub(crate) stream_arn: Option<StreamArn>,
    pub(crate) dry_run: Option<bool>,
    pub(crate) distribution: RecordDistribution,
    pub(crate) max_record_size: usize,
    pub(crate) max_request_size: usize,
    pub(crate) entries: Vec<ValidatedEntry<'a>>,
    pub(crate) request_size: usize,
    /// The sum of the entries' JSON lengths.
    pub(crate) entries_json_len: usize,
}

impl<'a> PutRecordsInput<'a> {
    /// A builder with no stream and no entries, the default 1 MiB record size limit, the default
    /// 10 MiB request size limit and [`RecordDistribution::UserPartitionKey`].
    pub fn builder() -> PutRecordsInputBuilder<'a> {
        PutRecordsInputBuilder::default()
    }

    /// The stream name, if given.
    pub fn stream_name(&self) -> Option<&StreamName> {
        self.stream_name.as_ref()
    }

    /// The stream ARN, if given.
    pub fn stream_arn(&self) -> Option<&StreamArn> {
        self.stream_arn.as_ref()
    }

    /// The `DryRun` flag, if set.
    pub fn dry_run(&self) -> Option<bool> {
        self.dry_run
    }

    /// The record distribution the caller stated for the stream.
    pub fn record_distribution(&self) -> RecordDistribution {
        self.distribution
    }

    /// The record size limit every entry was checked against.
    pub fn max_record_size(&self) -> usize {
        self.max_record_size
    }

    /// The request size limit the batch was checked against.
    pub fn max_request_size(&self) -> usize {
        self.max_request_size
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

    /// The index that entry `i` of this input had in the batch first built; `None` when `i` is
    /// out of range. For a batch built with the builder it is `i`; a retry input
    /// ([`retry_failed`](Self::retry_failed)) keeps the index through any number of rounds.
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
        if self.distribution == RecordDistribution::Auto {
            return None;
        }
        self.entries
            .get(i)
            .and_then(ValidatedEntry::routing_hash_key)
    }

    /// An owned copy that no longer borrows.
    pub fn into_owned(self) -> PutRecordsInput<'static> {
        PutRecordsInput {
            stream_name: self.stream_name,
            stream_arn: self.stream_arn,
            dry_run: self.dry_run,
            distribution: self.distribution,
            max_record_size: self.max_record_size,
            max_request_size: self.max_request_size,
            entries: self
                .entries
                .into_iter()
                .map(ValidatedEntry::into_owned)
                .collect(),
            request_size: self.request_size,
            entries_json_len: self.entries_json_len,
        }
    }

    /// The same stream, flags and limits with other entries, taken from a valid batch: 1 to 500
    /// of them whose sizes sum within the limit, which the caller guarantees.
    pub(crate) fn with_entries(&self, entries: Vec<ValidatedEntry<'a>>) -> Self {
        debug_assert!(!entries.is_empty() && entries.len() <= PUT_RECORDS_MAX_ENTRIES);
        let settings = BatchSettings {
            stream_name: self.stream_name.clone(),
            stream_arn: self.stream_arn.clone(),
            dry_run: self.dry_run,
            distribution: self.distribution,
            max_record_size: self.max_record_size,
            max_request_size: self.max_request_size,
        };
        let input = settings.into_input(entries);
        debug_assert!(input.request_size <= input.max_request_size);
        input
    }
}

impl fmt::Debug for PutRecordsInput<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PutRecordsInput")
            .field("stream_name", &self.stream_name)
            .field("stream_arn", &self.stream_arn)
            .field("dry_run", &self.dry_run)
            .field("distribution", &self.distribution)
            .field("max_record_size", &self.max_record_size)
            .field("max_request_size", &self.max_request_size)
            .field("request_size", &self.request_size)
            .field("entries", &self.entries)
            .finish()
    }
}

/// Builds a [`PutRecordsInput`]. Stream setters take raw values (`&str`, `String`) or validated
/// ones ([`StreamName`], [`StreamArn`]); entries are [`PutRecordsEntry`] values. Every check is
/// reported by [`build`](Self::build).
///
/// `build` checks in a fixed order and reports the first rule broken: `maxRecordSize`,
/// `maxRequestSize`, `streamName`, `streamARN`, the presence of a stream, the entry count
/// (`records`), then each entry in order (`partitionKey`, `explicitHashKey`, the record size, as
/// `PutRecord` does; the error's [`entry_index`](InvalidInput::entry_index) names the entry),
/// then the request size (`records`).
#[derive(Clone)]
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

impl fmt::Debug for PutRecordsInputBuilder<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PutRecordsInputBuilder")
            .field("stream_name", &self.stream_name)
            .field("stream_arn", &self.stream_arn)
            .field("dry_run", &self.dry_run)
            .field("distribution", &self.distribution)
            .field("max_record_size", &self.max_record_size)
            .field("max_request_size", &self.max_request_size)
            .field("entries_given", &self.entries.given)
            .field("entries", &self.entries.kept)
            .field("first_refused", &self.entries.refused)
            .finish()
    }
}

/// The entries given to a builder, checked as they arrive against the rules no setting changes.
/// The rules that depend on settings (which may still change) are decided by
/// [`check`](Self::check), from a few facts gathered here, so that a valid batch is not walked
/// twice.
#[derive(Clone, Default)]
pub(crate) struct AddedEntries<'a> {
    /// The entries that passed, in order: all of them, or those before the first refused.
    pub(crate) kept: Vec<ValidatedEntry<'a>>,
    /// How many entries were given, the refused one and any after it included.
    given: usize,
    /// The first entry whose partition key or explicit hash key broke a rule. Entries after it
    /// are counted but not checked: no error of theirs can come first.
    refused: Option<Refused>,
    /// The largest record size among the kept entries.
    largest_record: usize,
    /// Whether a kept entry has no partition key.
    any_keyless: bool,
    /// Whether a kept entry has an explicit hash key.
    any_hash_key: bool,
    /// The kept entries' summed record sizes and JSON lengths.
    pub(crate) request_size: usize,
    pub(crate) json_len: usize,
}

/// Records the first refused entry.
#[cold]
fn refuse(refused: &mut Option<Refused>, index: usize, keyless: bool, error: InvalidInput) {
    *refused = Some(Refused {
        index,
        keyless,
        error: Box::new(error.at_entry(index)),
    });
}

/// The first entry refused as it was added.
#[derive(Clone, Debug)]
struct Refused {
    index: usize,
    /// Whether it had no partition key: under `USER_PARTITION_KEY` that is its first error.
    keyless: bool,
    error: Box<InvalidInput>,
}

impl<'a> AddedEntries<'a> {
    /// Adds one entry.
    fn push(&mut self, entry: PutRecordsEntry<'a>) {
        self.extend(std::iter::once(entry));
    }

    /// Adds every entry of `entries`, in order, at most a batch's worth (500) at a time: the
    /// caller's size hint is trusted no further, so a wrong or huge one costs no oversized
    /// reservation (and no "capacity overflow" panic). Once an entry is refused, the rest of
    /// its 500 are stored unchecked and cut off, and any after those only counted: no error of
    /// theirs can come first, and a refused batch is never built.
    #[inline(always)]
    fn extend(&mut self, mut entries: impl Iterator<Item = PutRecordsEntry<'a>>) {
        // A list that says it holds at most a batch, such as a slice's iterator, goes through
        // in one piece; `Vec::extend` reserves no more than its hint.
        if matches!(entries.size_hint(), (lower, Some(upper)) if lower <= upper && upper <= PUT_RECORDS_MAX_ENTRIES)
        {
            self.convert(entries);
            return;
        }
        loop {
            if self.refused.is_some() {
                self.given = self.given.saturating_add(entries.count());
                return;
            }
            let before = self.given;
            self.convert((&mut entries).take(PUT_RECORDS_MAX_ENTRIES));
            if self.given - before < PUT_RECORDS_MAX_ENTRIES {
                return;
            }
        }
    }

    /// Stores every entry of `entries` with one `Vec::extend`, which writes each straight into
    /// its slot, then checks the new ones in place in a second, tight loop that also gathers
    /// their facts; the first entry refused and all after it are cut off. The usual entry (a
    /// plain key of at most 256 bytes, no explicit hash key) is checked inline; any other goes
    /// through [`ValidatedEntry::check_unusual`]. (Checking each entry inside the `extend`, as
    /// it came, took 150 instructions per entry of the bench's batch, drop included, against
    /// 103 for this: the caller's iterator and the running facts did not fit in the registers
    /// together, and spilled. Counted with callgrind on rustc 1.95, x86-64.)
    #[inline(always)]
    fn convert(&mut self, entries: impl Iterator<Item = PutRecordsEntry<'a>>) {
        let start = self.kept.len();
        let base = self.given;
        self.kept.extend(entries.map(ValidatedEntry::unchecked));
        self.given = base.saturating_add(self.kept.len() - start);
        if self.refused.is_some() {
            self.kept.truncate(start);
            return;
        }
        let (mut largest, mut keyless_seen, mut hash_key_seen, mut size_sum, mut json_sum) = (
            self.largest_record,
            self.any_keyless,
            self.any_hash_key,
            self.request_size,
            self.json_len,
        );
        let mut cut = None;
        let mut index = base;
        for entry in self.kept.get_mut(start..).unwrap_or_default() {
            entry.original_index = index;
            let data = entry.data.len();
            // The usual entry: a plain key of at most 256 bytes, no explicit hash key.
            let usual = match &mut entry.partition_key {
                Some(key) if entry.explicit_hash_key.is_none() => key.check_usual(),
                _ => None,
            };
            let (size, json) = match usual {
                Some(key) => (
                    data + key,
                    b"{\"Data\":,\"PartitionKey\":\"\"}".len()
                        + json::base64_string_len(&entry.data)
                        + key,
                ),
                None => match entry.check_unusual() {
                    Ok(facts) => {
                        keyless_seen |= entry.partition_key.is_none();
                        hash_key_seen |= entry.explicit_hash_key.is_some();
                        facts
                    }
                    Err(error) => {
                        refuse(
                            &mut self.refused,
                            index,
                            entry.partition_key.is_none(),
                            error,
                        );
                        cut = Some(start + (index - base));
                        break;
                    }
                },
            };
            entry.json_len = json;
            largest = largest.max(size);
            size_sum = size_sum.saturating_add(size);
            json_sum = json_sum.saturating_add(json);
            index = index.saturating_add(1);
        }
        if let Some(cut) = cut {
            self.kept.truncate(cut);
        }
        (
            self.largest_record,
            self.any_keyless,
            self.any_hash_key,
            self.request_size,
            self.json_len,
        ) = (largest, keyless_seen, hash_key_seen, size_sum, json_sum);
    }

    /// The number of entries given.
    pub(crate) fn given(&self) -> usize {
        self.given
    }

    /// The first rule an entry breaks under `settings`, in `PutRecord`'s order within an entry.
    pub(crate) fn check(&mut self, settings: &BatchSettings) -> Result<(), InvalidInput> {
        let auto = settings.distribution == RecordDistribution::Auto;
        if (self.any_keyless && !auto)
            || (self.any_hash_key && auto)
            || self.largest_record > settings.max_record_size
        {
            for entry in &self.kept {
                entry.check_settings(settings.distribution, settings.max_record_size)?;
            }
        }
        match self.refused.take() {
            // A missing key comes before an explicit hash key's error in the same entry.
            Some(refused) if refused.keyless && !auto => {
                Err(InvalidInput::new(Field::PartitionKey, Rule::Missing).at_entry(refused.index))
            }
            Some(refused) => Err(*refused.error),
            None => Ok(()),
        }
    }
}

impl<'a> PutRecordsInputBuilder<'a> {
    /// The stream name (`StreamName`): 1 to 128 characters of `[a-zA-Z0-9_.-]`.
    pub fn stream_name<V>(mut self, name: V) -> Self
    where
        V: TryInto<StreamName>,
        V::Error: Into<InvalidInput>,
    {
        self.stream_name = Some(name.try_into().map_err(Into::into));
        self
    }

    /// The stream ARN (`StreamARN`). A stream name, an ARN or both must be given.
    pub fn stream_arn<V>(mut self, arn: V) -> Self
    where
        V: TryInto<StreamArn>,
        V::Error: Into<InvalidInput>,
    {
        self.stream_arn = Some(arn.try_into().map_err(Into::into));
        self
    }

    /// Sets `DryRun`: the service checks the request and answers `DryRunOperationException`
    /// instead of writing the records.
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
    /// default) to 10 MiB, as for `PutRecord`; every entry is checked against it.
    pub fn max_record_size(mut self, bytes: usize) -> Self {
        self.max_record_size = bytes;
        self
    }

    /// The request size limit in bytes: data plus partition keys of every entry. The default
    /// and the highest value is the service's 10 MiB ([`PUT_RECORDS_MAX_REQUEST_SIZE`]); give
    /// [`PUT_RECORDS_LEGACY_MAX_REQUEST_SIZE`] (5 MiB) for a server that still enforces the
    /// older limit. The lowest value is the record size limit in force, so that any valid record
    /// fits a batch on its own; a value outside that range makes `build` fail on
    /// `maxRequestSize`.
    pub fn max_request_size(mut self, bytes: usize) -> Self {
        self.max_request_size = bytes;
        self
    }

    /// Adds one entry.
    pub fn entry(mut self, entry: PutRecordsEntry<'a>) -> Self {
        self.entries.push(entry);
        self
    }

    /// Adds one entry from its data and partition key: the same as
    /// `.entry(PutRecordsEntry::new(data, partition_key))`.
    pub fn entry_parts(
        self,
        data: impl Into<Cow<'a, [u8]>>,
        partition_key: impl Into<Cow<'a, str>>,
    ) -> Self {
        self.entry(PutRecordsEntry::new(data, partition_key))
    }

    /// Adds every entry of `entries`, in order.
    pub fn entries(mut self, entries: impl IntoIterator<Item = PutRecordsEntry<'a>>) -> Self {
        self.entries.extend(entries.into_iter());
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

    /// Checks every rule and returns the input, or the first rule broken (see the type's docs
    /// for the order).
    pub fn build(self) -> Result<PutRecordsInput<'a>, InvalidInput> {
        let (settings, mut entries) = self.into_parts();
        let settings = settings?;
        check_entry_count(entries.given())?;
        entries.check(&settings)?;
        check_request_size(entries.request_size, settings.max_request_size)?;
        Ok(settings.into_input_summed(entries.kept, entries.request_size, entries.json_len))
    }
}

/// The batch-level settings of a valid input, shared by the builder and the packer.
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

    /// The input holding `entries`, with its request size and body length summed.
    pub(crate) fn into_input(self, entries: Vec<ValidatedEntry<'_>>) -> PutRecordsInput<'_> {
        let (request_size, entries_json_len) =
            entries.iter().fold((0usize, 0usize), |(size, len), e| {
                (
                    size.saturating_add(e.record_size()),
                    len.saturating_add(e.json_len),
                )
            });
        self.into_input_summed(entries, request_size, entries_json_len)
    }

    /// The input holding `entries`, whose record sizes and JSON lengths sum to `request_size`
    /// and `entries_json_len`.
    pub(crate) fn into_input_summed(
        self,
        entries: Vec<ValidatedEntry<'_>>,
        request_size: usize,
        entries_json_len: usize,
    ) -> PutRecordsInput<'_> {
        PutRecordsInput {
            stream_name: self.stream_name,
            stream_arn: self.stream_arn,
            dry_run: self.dry_run,
            distribution: self.distribution,
            max_record_size: self.max_record_size,
            max_request_size: self.max_request_size,
            entries,
            request_size,
            entries_json_len,
        }
    }
}

/// 1 to 500 entries (`Records`: "Minimum number of 1 item. Maximum number of 500 items",
/// Kinesis API reference, PutRecords).
fn check_entry_count(len: usize) -> Result<(), InvalidInput> {
    if len == 0 {
        return Err(InvalidInput::new(
            Field::Records,
            Rule::TooShort {
                len,
                min: 1,
                unit: LengthUnit::Entries,
            },
        ));
    }
    if len > PUT_RECORDS_MAX_ENTRIES {
        return Err(InvalidInput::new(
            Field::Records,
            Rule::TooLong {
                len,
                max: PUT_RECORDS_MAX_ENTRIES,
                unit: LengthUnit::Entries,
            },
        ));
    }
    Ok(())
}

/// The request size limit must be one the service enforces or a lower one (an older server's):
/// at most 10 MiB, and at least the record size limit so any valid record fits alone.
fn check_max_request_size(bytes: usize, max_record_size: usize) -> Result<(), InvalidInput> {
    if (max_record_size..=PUT_RECORDS_MAX_REQUEST_SIZE).contains(&bytes) {
        Ok(())
    } else {
        Err(InvalidInput::new(
            Field::MaxRequestSize,
            Rule::OutOfRange {
                value: bytes,
                min: max_record_size,
                max: PUT_RECORDS_MAX_REQUEST_SIZE,
            },
        ))
    }
}

/// "Each record in the request can be as large as 10 MiB, up to a limit of 10 MiB for the
/// entire request, including partition keys" (Kinesis API reference, PutRecords).
fn check_request_size(size: usize, limit: usize) -> Result<(), InvalidInput> {
    if size > limit {
        return Err(InvalidInput::new(
            Field::Records,
            Rule::RequestTooLarge { size, limit },
        ));
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
        assert_eq!(b.entries.given(), 7);
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
        assert_eq!(b.entries.given(), 100_011);
        assert_eq!(b.entries.kept.len(), 10);
        assert!(b.entries.kept.capacity() <= PUT_RECORDS_MAX_ENTRIES);
        let b = builder().entries((0..100_000).map(|i| if i == 10 { bad() } else { ok() }));
        assert_eq!(b.entries.given(), 100_000);
        assert_eq!(b.entries.kept.len(), 10);
        assert!(b.entries.kept.capacity() <= PUT_RECORDS_MAX_ENTRIES);
        // The entry count is checked before the entries.
        assert_eq!(b.build().unwrap_err().field(), "records");
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
