//! Fuzzes the `PutRecordsInput` builder with arbitrary entries and settings, added as one list or
//! one at a time, and checks that every batch it accepts becomes a request whose body reads back
//! to exactly those entries, at exactly `body_len`, and that `write_body` writes the same body
//! over a reused buffer; a refused batch names an entry that was given.
//!
//! Input layout: one flags byte (AUTO distribution, dry run set and its value, entries added one
//! at a time), two bytes of maximum record size offset, then entries until the input ends, each
//! a header byte (has a partition key, has an explicit hash key, key doubled) and three fields,
//! each a one-byte length (taken as is, cut to what is left) and that many bytes: the partition
//! key and the explicit hash key (lossily decoded as UTF-8), and the data.

#![no_main]

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use kinesis_proto::{Endpoint, PutRecordsEntry, PutRecordsInput, RecordDistribution};
use libfuzzer_sys::fuzz_target;

mod fields;
use fields::{take, text};

fuzz_target!(|data: &[u8]| {
    let [flags, size_hi, size_lo, rest @ ..] = data else {
        return;
    };
    let mut rest = rest;
    let mut entries = Vec::new();
    while let Some((&header, after)) = rest.split_first() {
        rest = after;
        let mut key = text(take(&mut rest));
        if header & 4 != 0 {
            key = key.repeat(2);
        }
        let hash = text(take(&mut rest));
        let payload = take(&mut rest);
        let mut entry = if header & 1 != 0 {
            PutRecordsEntry::new(payload, key)
        } else {
            PutRecordsEntry::keyless(payload)
        };
        if header & 2 != 0 {
            entry = entry.with_explicit_hash_key(hash);
        }
        entries.push(entry);
    }
    // Around the 1 MiB..=10 MiB range, both sides of both ends.
    let max_record_size = 1_048_000 + usize::from(u16::from_be_bytes([*size_hi, *size_lo])) * 150;
    let auto = flags & 1 != 0;

    let mut builder = PutRecordsInput::builder()
        .stream_name("fuzz")
        .max_record_size(max_record_size);
    if auto {
        builder = builder.record_distribution(RecordDistribution::Auto);
    }
    if flags & 2 != 0 {
        builder = builder.dry_run(flags & 4 != 0);
    }
    if flags & 8 != 0 {
        for entry in entries.iter().cloned() {
            builder = builder.entry(entry);
        }
    } else {
        builder = builder.entries(entries.iter().cloned());
    }

    let input = match builder.build() {
        Ok(input) => input,
        Err(err) => {
            if let Some(index) = err.entry_index() {
                assert!(index < entries.len(), "the refused entry was given");
            }
            assert!(!err.to_string().is_empty());
            return;
        }
    };
    assert_eq!(input.len(), entries.len());
    let request = input.to_http_request(&Endpoint::regional("us-east-1").expect("a region"));
    let body = request.body();
    assert_eq!(body.len(), input.body_len(), "body_len is exact");
    assert_eq!(
        body.capacity(),
        body.len(),
        "one allocation at the final size"
    );

    let value: serde_json::Value = serde_json::from_slice(body).expect("the body is JSON");
    let records = value["Records"].as_array().expect("a Records array");
    assert_eq!(records.len(), entries.len());
    let mut size = 0;
    for (i, (record, entry)) in records.iter().zip(&entries).enumerate() {
        let data = STANDARD
            .decode(record["Data"].as_str().expect("Data"))
            .expect("base64");
        assert_eq!(data, &entry.data[..], "entry {i}: data");
        assert_eq!(
            record.get("PartitionKey").and_then(|v| v.as_str()),
            entry.partition_key.as_deref(),
            "entry {i}: partition key"
        );
        assert_eq!(
            record.get("ExplicitHashKey").and_then(|v| v.as_str()),
            entry.explicit_hash_key.as_deref(),
            "entry {i}: explicit hash key"
        );
        let validated = &input.entries()[i];
        assert_eq!(validated.original_index(), i);
        assert_eq!(
            validated.explicit_hash_key().map(|h| h.to_string()),
            entry.explicit_hash_key.as_deref().map(str::to_owned)
        );
        size += entry.data.len() + entry.partition_key.as_ref().map_or(0, |k| k.len());
    }
    assert_eq!(input.request_size(), size);
    if flags & 2 != 0 {
        assert_eq!(value["DryRun"].as_bool(), Some(flags & 4 != 0));
    }

    // The reused-buffer path, over leftovers shorter and longer than the body.
    for leftover in [body.len() / 2, body.len() + 3] {
        let mut buf = vec![b'#'; leftover];
        input.write_body(&mut buf);
        assert_eq!(&buf, body, "write_body over {leftover} leftover bytes");
    }
});
