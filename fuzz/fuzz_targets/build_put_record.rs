//! Fuzzes the `PutRecordInput` builder with arbitrary member values, and checks that every input
//! it accepts becomes a request whose body reads back to exactly that input, and that
//! `write_body` writes the same body over a reused buffer of any length.
//!
//! Input layout: one flags byte (which members are set, dry run, AUTO distribution), two bytes of
//! maximum record size offset, then up to six fields, each a one-byte length (taken as is, cut to
//! what is left) and that many bytes: stream name, stream ARN, partition key, explicit hash key,
//! sequence number for ordering (each lossily decoded as UTF-8), and the data (the rest).

#![no_main]

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use kinesis_proto::{Endpoint, PutRecordInput, RecordDistribution};
use libfuzzer_sys::fuzz_target;

mod fields;
use fields::{take, text};

fuzz_target!(|data: &[u8]| {
    let [flags, size_hi, size_lo, rest @ ..] = data else {
        return;
    };
    let mut rest = rest;
    let name = text(take(&mut rest));
    let arn = text(take(&mut rest));
    let key = text(take(&mut rest));
    let hash = text(take(&mut rest));
    let seq = text(take(&mut rest));
    let payload = rest;
    // Around the 1 MiB..=10 MiB range, both sides of both ends.
    let max_record_size = 1_048_000 + usize::from(u16::from_be_bytes([*size_hi, *size_lo])) * 150;

    let mut builder = PutRecordInput::builder().max_record_size(max_record_size);
    if flags & 1 != 0 {
        builder = builder.stream_name(name.as_str());
    }
    if flags & 2 != 0 {
        builder = builder.stream_arn(arn.as_str());
    }
    if flags & 4 != 0 {
        builder = builder.partition_key(key.as_str());
    }
    if flags & 8 != 0 {
        builder = builder.explicit_hash_key(hash.as_str());
    }
    if flags & 16 != 0 {
        builder = builder.sequence_number_for_ordering(seq.as_str());
    }
    if flags & 32 != 0 {
        builder = builder.dry_run(flags & 64 != 0);
    }
    if flags & 128 != 0 {
        builder = builder.record_distribution(RecordDistribution::Auto);
    }
    let input = match builder.data(payload).build() {
        Ok(input) => input,
        Err(err) => {
            // Every refusal names a member and reads on one line.
            assert!(!err.field().is_empty());
            assert!(!err.to_string().contains('\n'));
            return;
        }
    };

    let endpoint = Endpoint::custom("http://127.0.0.1:4567").expect("a valid endpoint");
    let request = input.to_http_request(&endpoint);
    let body = request.body();
    assert_eq!(
        body.len(),
        body.capacity(),
        "the body is allocated at its exact size"
    );
    assert_eq!(
        request.headers()["content-length"],
        body.len().to_string().as_str()
    );
    assert_eq!(body.len(), input.body_len());
    // `write_body` into a reused buffer, shorter or longer than the body, writes the same bytes.
    let extra = usize::from(*size_lo % 32);
    for leftover in [body.len().saturating_sub(extra + 1), body.len() + extra] {
        let mut buf = vec![*flags; leftover];
        input.write_body(&mut buf);
        assert_eq!(&buf, body, "write_body over {leftover} leftover bytes");
    }

    let json: serde_json::Map<String, serde_json::Value> =
        serde_json::from_slice(body).expect("the body is a JSON object");
    let string = |member: &str| {
        json.get(member)
            .map(|v| v.as_str().expect("a string member"))
    };
    assert_eq!(
        string("StreamName"),
        input.stream_name().map(|n| n.as_str())
    );
    assert_eq!(string("StreamARN"), input.stream_arn().map(|a| a.as_str()));
    assert_eq!(
        string("PartitionKey"),
        input.partition_key().map(|k| k.as_str())
    );
    assert_eq!(
        string("ExplicitHashKey").map(str::to_owned),
        input.explicit_hash_key().map(|h| h.to_string())
    );
    assert_eq!(
        string("SequenceNumberForOrdering"),
        input.sequence_number_for_ordering().map(|s| s.as_str())
    );
    assert_eq!(
        json.get("DryRun").map(|v| v.as_bool().expect("a boolean")),
        input.dry_run()
    );
    let decoded = STANDARD
        .decode(string("Data").expect("Data is always written"))
        .expect("standard padded base64");
    assert_eq!(decoded, payload);
    let expected_members = 2 // Data, and a stream name or ARN at least
        + usize::from(input.stream_name().is_some() && input.stream_arn().is_some())
        + usize::from(input.partition_key().is_some())
        + usize::from(input.explicit_hash_key().is_some())
        + usize::from(input.sequence_number_for_ordering().is_some())
        + usize::from(input.dry_run().is_some());
    assert_eq!(json.len(), expected_members, "no member beyond the input's");
    if input.record_distribution() == RecordDistribution::Auto {
        assert!(input.hash_key().is_none());
    } else {
        assert!(input.hash_key().is_some());
    }
});
