//! Shard-aware packing: any number of records cut into `PutRecords` requests within the batch
//! limits, with each request's load per shard.
//!
//! A shard takes "up to 1,000 records per second, up to a maximum data write total of 1 MiB per
//! second" (Kinesis developer guide, "Quotas and limits"); the per-shard loads let a caller
//! pacing its requests stay under those rates.

use std::collections::BTreeMap;

use super::entry::{PutRecordsEntry, ValidatedEntry};
use super::input::{
    BatchSettings, PUT_RECORDS_MAX_ENTRIES, PutRecordsInput, PutRecordsInputBuilder,
};
use crate::invalid_input::InvalidInput;
use crate::limits::MIB;
use crate::record::RecordDistribution;
use crate::routing::ShardMap;

/// The write rate one shard takes, in records per second (Kinesis developer guide, "Quotas and
/// limits").
pub const SHARD_MAX_RECORDS_PER_SECOND: usize = 1000;
/// The write rate one shard takes, in bytes (data plus partition keys) per second: 1 MiB.
pub const SHARD_MAX_BYTES_PER_SECOND: usize = MIB;

/// How [`PutRecordsInputBuilder::pack`] cuts records into requests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackOptions {
    max_entries: usize,
    max_shard_records: Option<usize>,
    max_shard_bytes: Option<usize>,
}

impl Default for PackOptions {
    /// At most 500 entries per request, and no request puts more on one shard than the shard
    /// takes in a second: 1,000 records and 1 MiB.
    fn default() -> Self {
        PackOptions {
            max_entries: PUT_RECORDS_MAX_ENTRIES,
            max_shard_records: Some(SHARD_MAX_RECORDS_PER_SECOND),
            max_shard_bytes: Some(SHARD_MAX_BYTES_PER_SECOND),
        }
    }
}

impl PackOptions {
    /// The default options (see [`Default`]).
    pub fn new() -> PackOptions {
        PackOptions::default()
    }

    /// At most `entries` entries per request, clamped to 1..=500.
    pub fn max_entries(mut self, entries: usize) -> PackOptions {
        self.max_entries = entries.clamp(1, PUT_RECORDS_MAX_ENTRIES);
        self
    }

    /// At most `records` records per shard in one request (`None`: no cap). One record always
    /// fits, whatever the cap.
    pub fn max_shard_records(mut self, records: Option<usize>) -> PackOptions {
        self.max_shard_records = records;
        self
    }

    /// At most `bytes` bytes (data plus partition keys) per shard in one request (`None`: no
    /// cap). A record larger than the cap goes alone to its shard in its request.
    pub fn max_shard_bytes(mut self, bytes: Option<usize>) -> PackOptions {
        self.max_shard_bytes = bytes;
        self
    }
}

/// The load one request puts on one shard.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ShardLoad {
    shard_index: usize,
    shard_id: String,
    records: usize,
    bytes: usize,
}

impl ShardLoad {
    /// The shard's index in [`ShardMap::shards`].
    pub fn shard_index(&self) -> usize {
        self.shard_index
    }

    /// The shard's id.
    pub fn shard_id(&self) -> &str {
        &self.shard_id
    }

    /// How many entries of the request go to the shard.
    pub fn entries(&self) -> usize {
        self.records
    }

    /// How many bytes (data plus partition keys) of the request go to the shard.
    pub fn bytes(&self) -> usize {
        self.bytes
    }
}

/// One request cut by [`PutRecordsInputBuilder::pack`], with its load per shard.
#[derive(Debug, Clone)]
pub struct PackedBatch<'a> {
    input: PutRecordsInput<'a>,
    per_shard: Vec<ShardLoad>,
}

impl<'a> PackedBatch<'a> {
    /// The request's input. Its entries' [`original_index`](PutRecordsInput::original_index)
    /// is their position among the entries given to the builder.
    pub fn input(&self) -> &PutRecordsInput<'a> {
        &self.input
    }

    /// The input, owned.
    pub fn into_input(self) -> PutRecordsInput<'a> {
        self.input
    }

    /// The load the request puts on each shard it touches, by shard index. Empty on a stream
    /// with `AUTO` record distribution, where the service picks the shards.
    pub fn per_shard(&self) -> &[ShardLoad] {
        &self.per_shard
    }
}

impl<'a> PutRecordsInputBuilder<'a> {
    /// Checks any number of entries (those added to the builder, then `records`, read through)
    /// and cuts them into `PutRecords` requests: a request is
    /// closed when the next entry would break a limit ([`PackOptions::max_entries`], the request
    /// size limit, or a per-shard cap for the shard `shards` routes the entry to). The requests,
    /// concatenated, hold every entry once, in the order given, so records of one partition key
    /// are sent in order; no entries give no request. On a [`RecordDistribution::Auto`] stream
    /// only count and size cut requests, and [`per_shard`](PackedBatch::per_shard) is empty.
    ///
    /// ```
    /// use kinesis_proto::{PackOptions, PutRecordsEntry, PutRecordsInput, ShardMap};
    /// let shards = ShardMap::even(4)?;
    /// let batches = PutRecordsInput::builder()
    ///     .stream_name("orders")
    ///     .pack(
    ///         (0..1200).map(|i| PutRecordsEntry::new(vec![0; 100], format!("key-{i}"))),
    ///         &shards,
    ///         &PackOptions::default(),
    ///     )?;
    /// assert_eq!(batches.iter().map(|b| b.input().len()).collect::<Vec<_>>(), [500, 500, 200]);
    /// let first = &batches[0];
    /// assert_eq!(first.per_shard().iter().map(|s| s.entries()).sum::<usize>(), 500);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// The first rule broken, in the order of [`build`](Self::build) without the entry count
    /// and request size checks; an entry's error names its position among the entries given.
    pub fn pack(
        self,
        records: impl IntoIterator<Item = PutRecordsEntry<'a>>,
        shards: &ShardMap,
        options: &PackOptions,
    ) -> Result<Vec<PackedBatch<'a>>, InvalidInput> {
        let (settings, mut entries) = self.into_parts();
        entries.extend(records, true);
        let settings = settings?;
        entries.check(&settings)?;
        let route = settings.distribution != RecordDistribution::Auto;
        let max_entries = options.max_entries.clamp(1, PUT_RECORDS_MAX_ENTRIES);
        let mut packer = Packer {
            settings: &settings,
            shards,
            batches: Vec::new(),
            entries: Vec::new(),
            size: 0,
            loads: BTreeMap::new(),
        };
        for entry in entries.kept {
            let size = entry.record_size();
            let shard = (entry.routing_hash_key())
                .filter(|_| route)
                .map(|key| shards.shard_index(key));
            let load = shard.and_then(|s| packer.loads.get(&s));
            let shard_full = load.is_some_and(|load| {
                options
                    .max_shard_records
                    .is_some_and(|cap| load.records >= cap)
                    || options
                        .max_shard_bytes
                        .is_some_and(|cap| load.bytes.saturating_add(size) > cap)
            });
            if !packer.entries.is_empty()
                && (packer.entries.len() >= max_entries
                    || packer.size.saturating_add(size) > settings.max_request_size
                    || shard_full)
            {
                packer.close();
            }
            packer.push(entry, size, shard);
        }
        packer.close();
        Ok(packer.batches)
    }
}

/// The request being filled, and those already closed.
struct Packer<'s, 'a> {
    settings: &'s BatchSettings,
    shards: &'s ShardMap,
    batches: Vec<PackedBatch<'a>>,
    entries: Vec<ValidatedEntry<'a>>,
    size: usize,
    /// The open request's load on each shard it touches, by shard index.
    loads: BTreeMap<usize, ShardLoad>,
}

impl<'a> Packer<'_, 'a> {
    fn push(&mut self, entry: ValidatedEntry<'a>, size: usize, shard: Option<usize>) {
        self.entries.push(entry);
        self.size = self.size.saturating_add(size);
        let Some(shard) = shard else { return };
        let load = self.loads.entry(shard).or_insert_with(|| ShardLoad {
            shard_index: shard,
            shard_id: (self.shards.shards().get(shard))
                .map(|s| s.id().to_owned())
                .unwrap_or_default(),
            records: 0,
            bytes: 0,
        });
        load.records += 1;
        load.bytes = load.bytes.saturating_add(size);
    }

    /// Closes the open request, if it holds any entry.
    fn close(&mut self) {
        if self.entries.is_empty() {
            return;
        }
        let entries = std::mem::take(&mut self.entries);
        self.size = 0;
        self.batches.push(PackedBatch {
            input: self.settings.clone().into_input(entries),
            per_shard: std::mem::take(&mut self.loads).into_values().collect(),
        });
    }
}
