//! Packs small records into Kinesis records in the KPL's aggregated format, one aggregate per
//! shard, without any server: prints an aggregate's bytes, the `PutRecords` entries that carry
//! the aggregates, and the records read back out of one as a KCL consumer of its shard reads it.
//!
//! Run it with `cargo run --example aggregate`.

use kinesis_proto::{
    Aggregator, Deaggregated, Endpoint, HashKey, PutRecordsEntry, PutRecordsInput, ShardMap,
    deaggregate_for_shard,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // 1. Aggregate per shard, as the KPL does: a KCL consumer drops an aggregate that holds a
    //    record of another shard. Each record is copied in; `push` says when one would not fit.
    let shards = ShardMap::even(2)?;
    let mut aggregators: Vec<Aggregator> = shards
        .shards()
        .iter()
        .map(|_| Aggregator::default())
        .collect();
    let readings = [
        ("sensor-1", "21.5"),
        ("sensor-2", "19.0"),
        ("sensor-3", "20.1"),
        ("sensor-1", "21.7"),
        ("sensor-4", "18.4"),
    ];
    for (key, reading) in readings {
        let hash_key = HashKey::from_partition_key(key); // hashed once: routing and aggregate
        let record = PutRecordsEntry::new(reading, key);
        let aggregator = &mut aggregators[shards.shard_index(hash_key)];
        aggregator.push_with_hash_key(&record, hash_key)?; // a full one: finish, push again
    }
    let records: Vec<_> = aggregators
        .iter_mut()
        .filter_map(Aggregator::finish)
        .collect();

    // 2. A Kinesis record: magic, protobuf, MD5; partition key "a", and the first record's hash
    //    key as the explicit hash key, so that it lands on the shard it was made for.
    let first = &records[0];
    println!(
        "# An aggregate of {} records ({} bytes):\n",
        first.user_records(),
        first.data().len()
    );
    for line in first.data().chunks(16) {
        let hex: Vec<String> = line.iter().map(|b| format!("{b:02x}")).collect();
        println!("{}", hex.join(" "));
    }

    // 3. The entries that carry them, in one batch with any other entries.
    println!("\n# The PutRecords entries:\n");
    for record in &records {
        println!("{:?}", record.as_entry());
    }
    let batch = PutRecordsInput::builder()
        .stream_name("exampleStreamName")
        .entries(records.iter().map(|r| r.as_entry()))
        .build()?;
    let request = batch.to_http_request(&Endpoint::regional("us-east-1")?);
    println!(
        "\n# The PutRecords body:\n\n{}",
        String::from_utf8_lossy(request.body())
    );

    // 4. Read one back as a KCL consumer of its shard does: checked up front (any record of
    //    another shard is an error), then borrowed record by record.
    let shard = shards.shard_for(first.explicit_hash_key());
    println!("\n# Read back on {}:\n", shard.id());
    match deaggregate_for_shard(first.data(), &shard.hash_key_range())? {
        Deaggregated::Plain => println!("not an aggregate"),
        Deaggregated::Aggregate(records) => {
            for r in records {
                println!(
                    "{}: partition key {:?}, data {:?}",
                    r.sub_sequence_number(),
                    r.partition_key(),
                    String::from_utf8_lossy(r.data()),
                );
            }
        }
    }
    Ok(())
}
