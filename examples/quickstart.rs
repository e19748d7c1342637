//! Builds one `PutRecord` request without any server: validates a record, prints the exact HTTP
//! request as it would go on the wire (before signing), the partition key's hash key, and what a
//! validation error looks like.
//!
//! Run it with `cargo run --example quickstart`.

use kinesis_proto::{Endpoint, PutRecordInput};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // 1. Validate: every input rule of the Kinesis API is checked here, before any IO.
    let input = PutRecordInput::builder()
        .stream_name("exampleStreamName")
        .partition_key("partitionKey")
        .data(&b"_<data>_1"[..])
        .build()?;

    // 2. Build the exact request. A signer (for example aws-sigv4, signing name "kinesis")
    //    adds `authorization` and `x-amz-date`; any HTTP client can then send it.
    let endpoint = Endpoint::regional("us-east-1")?;
    let request = input.to_http_request(&endpoint);

    println!("# The request, as it goes on the wire to {endpoint} (before signing):\n");
    println!(
        "{} {} HTTP/1.1",
        request.method(),
        request.uri().path_and_query().map_or("/", |p| p.as_str())
    );
    for (name, value) in request.headers() {
        println!("{name}: {}", value.to_str()?);
    }
    println!();
    println!("{}", String::from_utf8_lossy(request.body()));

    // 3. Route: the hash key that picks the shard (MD5 of the key, unsigned big-endian).
    if let Some(hash_key) = input.hash_key() {
        println!(
            "\n# Hash key of partition key {:?}:\n\n{hash_key}",
            "partitionKey"
        );
    }

    // 4. A rule broken is a typed error that names the member and the rule.
    let too_long = "k".repeat(257);
    let error = PutRecordInput::builder()
        .stream_name("exampleStreamName")
        .partition_key(too_long.as_str())
        .data(&b"_<data>_1"[..])
        .build()
        .expect_err("a 257-unit partition key breaks the 256 limit");
    println!(
        "\n# A validation error (field {:?}):\n\n{error}",
        error.field()
    );
    Ok(())
}
