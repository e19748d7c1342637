//! Builds one `PutRecord` request without any server: validates a record, prints the exact HTTP
//! request as it would go on the wire (before signing), the partition key's hash key, and what a
//! validation error looks like. With the feature `sigv4` it also signs the request, with the
//! example credentials of the AWS SigV4 documentation and test suite at a fixed time, and prints
//! it signed.
//!
//! Run it with `cargo run --example quickstart` (or `--features sigv4`).

use kinesis_proto::{Endpoint, PutRecordInput};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // 1. Validate: every input rule of the Kinesis API is checked here, before any IO.
    let input = PutRecordInput::builder()
        .stream_name("exampleStreamName")
        .partition_key("partitionKey")
        .data(&b"_<data>_1"[..])
        .build()?;

    // 2. Build the exact request. A signer (feature `sigv4`, or any SigV4 signer with the
    //    signing name "kinesis") adds `authorization` and `x-amz-date`; any HTTP client can
    //    then send it.
    let endpoint = Endpoint::regional("us-east-1")?;
    #[allow(unused_mut)] // signed in place with the feature `sigv4`
    let mut request = input.to_http_request(&endpoint);

    println!("# The request, as it goes on the wire to {endpoint} (before signing):\n");
    print_request(&request)?;

    // 3. Sign it (feature `sigv4`). Credentials come from your credential provider and the time
    //    from your clock; here, the documentation's example key pair and a fixed time.
    #[cfg(feature = "sigv4")]
    {
        use kinesis_proto::{Credentials, Signer};
        use std::time::{Duration, UNIX_EPOCH};

        let credentials = Credentials::new(
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            None,
        );
        let mut signer = Signer::new(credentials, "us-east-1");
        let at = UNIX_EPOCH + Duration::from_secs(1_440_938_160); // 2015-08-30T12:36:00Z
        signer.sign(&mut request, at)?;
        println!("\n# Signed at 2015-08-30T12:36:00Z with the example credentials AKIDEXAMPLE:\n");
        print_request(&request)?;
    }

    // 4. Route: the hash key that picks the shard (MD5 of the key, unsigned big-endian).
    if let Some(hash_key) = input.hash_key() {
        println!(
            "\n# Hash key of partition key {:?}:\n\n{hash_key}",
            "partitionKey"
        );
    }

    // 5. A rule broken is a typed error that names the member and the rule.
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

/// Prints a request as HTTP/1.1 puts it on the wire.
fn print_request(
    request: &kinesis_proto::http::Request<Vec<u8>>,
) -> Result<(), Box<dyn std::error::Error>> {
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
    Ok(())
}
