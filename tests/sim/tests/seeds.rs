//! Runs the simulation over seeds `SIM_SEED_START..SIM_SEED_START + SIM_SEEDS` (defaults 0 and
//! 40) and fails on the first seed that breaks an invariant. Prints the coverage counters.
//!
//! A long run: `SIM_SEEDS=100000 cargo test --release -p kinesis-proto-sim -- --nocapture`.

use std::collections::BTreeMap;
use std::time::Instant;

use kinesis_proto_sim::{FAULTS, Fault, run_seed};

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[test]
fn every_record_is_accounted_for_under_every_fault() {
    let start = env("SIM_SEED_START", 0);
    let seeds = env("SIM_SEEDS", 40);
    let began = Instant::now();
    let mut total: BTreeMap<Fault, u64> = BTreeMap::new();
    let mut block: BTreeMap<Fault, u64> = BTreeMap::new();
    let (mut records, mut delivered, mut failed, mut duplicates, mut counted) = (0, 0, 0, 0, 0);
    let (mut throttles, mut retries, mut requests) = (0, 0, 0);
    let (mut aggregates, mut in_aggregates) = (0, 0);
    // The seeds run on every core; their reports are read in seed order.
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()) as u64;
    let reports: Vec<_> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|k| {
                scope.spawn(move || {
                    (start + k..start + seeds)
                        .step_by(threads as usize)
                        .map(|seed| (seed, run_seed(seed)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        let mut all: Vec<_> = workers
            .into_iter()
            .flat_map(|w| w.join().expect("a worker thread"))
            .collect();
        all.sort_by_key(|(seed, _)| *seed);
        all
    });
    for (seed, report) in reports {
        let report = match report {
            Ok(report) => report,
            Err(violations) => panic!("{}", violations.join("\n")),
        };
        assert!(report.records >= 1_000, "seed {seed}: a real workload");
        records += report.records;
        delivered += report.delivered;
        failed += report.failed;
        duplicates += report.stored_duplicates;
        counted += report.stats.possible_duplicates;
        throttles += report.stats.throttles;
        retries += report.stats.retries;
        requests += report.stats.put_records_requests;
        aggregates += report.stats.aggregates_sent;
        in_aggregates += report.stats.records_in_aggregates;
        for (fault, n) in &report.coverage {
            *total.entry(*fault).or_default() += n;
            *block.entry(*fault).or_default() += n;
        }
        // Every fault kind at least once in every ten seeds.
        if (seed + 1) % 10 == 0 && seed + 1 - start >= 10 {
            for fault in FAULTS {
                assert!(
                    block.get(&fault).copied().unwrap_or(0) > 0,
                    "seeds {}..={seed}: no {fault:?}",
                    seed - 9
                );
            }
            block.clear();
        }
    }
    println!(
        "{seeds} seeds in {:.1?}: {records} records, {delivered} delivered, {failed} failed, \
         {requests} PutRecords, {retries} retries, {throttles} throttles, \
         {duplicates} stored duplicates ({counted} counted as possible), \
         {aggregates} aggregates of {:.1} records on average",
        began.elapsed(),
        in_aggregates as f64 / aggregates.max(1) as f64
    );
    println!("faults injected: {total:?}");
}
