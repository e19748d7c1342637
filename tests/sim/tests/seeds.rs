//! Runs the simulation over seeds `SIM_SEED_START..SIM_SEED_START + SIM_SEEDS` (defaults 0 and
//! 40) and fails on the first seed that breaks an invariant. Prints the coverage counters.
//! `SIM_RESHARD=1` (or `0`) turns the stream changes (splits, merges, strategy flips) on (or
//! off) whatever the default; `SIM_KEEP_GOING=1` runs every seed, prints a tally of the broken
//! invariants, the coverage gaps and the counters, then fails if any seed broke an invariant or
//! any block of ten seeds lacked a fault kind; `SIM_VERBOSE=1` prints a line per seed.
//!
//! A long run: `SIM_SEEDS=100000 SIM_KEEP_GOING=1 cargo test --release -p kinesis-proto-sim -- --nocapture`.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

use kinesis_proto_sim::{
    FAULTS, Fault, STREAM_CHANGES, resharding_by_default, run_seed_with, violation_kind,
};

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
    let reshard = resharding_by_default();
    let keep_going = env("SIM_KEEP_GOING", 0) != 0;
    let verbose = env("SIM_VERBOSE", 0) != 0;
    let kinds: Vec<Fault> = if reshard {
        FAULTS.iter().chain(&STREAM_CHANGES).copied().collect()
    } else {
        FAULTS.to_vec()
    };
    let began = Instant::now();
    let mut total: BTreeMap<Fault, u64> = BTreeMap::new();
    let mut block: BTreeMap<Fault, u64> = BTreeMap::new();
    let (mut records, mut delivered, mut failed, mut duplicates, mut counted) = (0, 0, 0, 0, 0);
    let (mut throttles, mut retries, mut requests) = (0, 0, 0);
    let (mut aggregates, mut in_aggregates) = (0, 0);
    let (mut resharded, mut wrong_shard, mut stranded, mut unpaced) = (0, 0, 0, 0);
    let mut unfiltered = 0;
    let (mut ordered, mut ordered_skipped) = (0, 0);
    // Failing seeds, and for each kind of broken invariant (numbers masked) how many seeds broke it.
    let mut failing: Vec<u64> = Vec::new();
    let mut tally: BTreeMap<String, u64> = BTreeMap::new();
    // Blocks of ten seeds that lacked a fault kind (with `SIM_KEEP_GOING=1`).
    let mut gaps: Vec<String> = Vec::new();
    // The seeds run on every core; their reports are read in seed order.
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()) as u64;
    let reports: Vec<_> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|k| {
                scope.spawn(move || {
                    (start + k..start + seeds)
                        .step_by(threads as usize)
                        .map(|seed| (seed, run_seed_with(seed, reshard)))
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
    for (seed, (report, violations)) in reports {
        if verbose {
            let changes = |f| report.coverage.get(&f).copied().unwrap_or(0);
            println!(
                "seed {seed}: {} shards, {} splits, {} merges, {} flips, {} wrong-shard, \
                 {} stranded, ordered {}, {} violations{}",
                report.shards,
                changes(Fault::Split),
                changes(Fault::Merge),
                changes(Fault::StrategyFlip),
                report.wrong_shard,
                report.stranded_aggregates,
                report.ordered,
                violations.len().saturating_sub(1),
                violations
                    .get(1)
                    .map(|v| format!(": {v}"))
                    .unwrap_or_default()
            );
        }
        if !violations.is_empty() {
            if !keep_going {
                panic!("{}", violations.join("\n"));
            }
            if failing.len() < 3 {
                eprintln!("{}", violations.join("\n"));
            }
            failing.push(seed);
            let kinds: BTreeSet<String> = violations[1..]
                .iter()
                .map(|v| violation_kind(v).chars().take(100).collect())
                .collect();
            for kind in kinds {
                *tally.entry(kind).or_default() += 1;
            }
        }
        assert!(
            report.records >= 1_000 || !violations.is_empty(),
            "seed {seed}: a real workload"
        );
        resharded += u64::from(report.resharded);
        wrong_shard += report.wrong_shard;
        stranded += report.stranded_aggregates;
        unpaced += report.unpaced_sends;
        unfiltered += report.unfiltered_duplicates;
        ordered += u64::from(report.ordered);
        ordered_skipped += u64::from(report.ordered_skipped);
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
            for &fault in &kinds {
                if block.get(&fault).copied().unwrap_or(0) == 0 {
                    let gap = format!("seeds {}..={seed}: no {fault:?}", seed - 9);
                    if !keep_going {
                        panic!("{gap}");
                    }
                    gaps.push(gap);
                }
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
    println!(
        "stream changes (resharding {}): {resharded} seeds resharded, {} splits, {} merges, \
         {} strategy flips, {wrong_shard} wrong-shard answers, {stranded} stranded aggregates, \
         {unfiltered} duplicates for a reader without the range filter, \
         {unpaced} sends left out of the pace check; {ordered} ordered seeds, \
         {ordered_skipped} ordered seeds skipped (ordered(true) refused)",
        if reshard { "on" } else { "off" },
        total.get(&Fault::Split).unwrap_or(&0),
        total.get(&Fault::Merge).unwrap_or(&0),
        total.get(&Fault::StrategyFlip).unwrap_or(&0),
    );
    for gap in gaps.iter().take(20) {
        println!("coverage gap: {gap}");
    }
    if !failing.is_empty() {
        println!("{} of {seeds} seeds broke an invariant:", failing.len());
        for (violation, n) in &tally {
            println!("{n:>7} seeds: {violation}");
        }
        panic!(
            "{} of {seeds} seeds broke an invariant, the first ones: {:?}",
            failing.len(),
            &failing[..failing.len().min(20)]
        );
    }
    assert!(
        gaps.is_empty(),
        "{} blocks of ten seeds lacked a fault kind, the first: {}",
        gaps.len(),
        gaps[0]
    );
    if reshard && seeds >= 10 {
        assert!(
            resharded * 2 >= seeds,
            "{resharded} of {seeds} seeds resharded: at least half must"
        );
    }
}
