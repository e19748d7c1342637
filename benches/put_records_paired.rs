//! `PutRecords` batch building timed against its floors in one interleaved loop. Each round times
//! validate + build, build of a validated batch, and the per-record and in-place `base64-simd`
//! floors back to back, in an order that rotates from round to round; each ratio is the median
//! of the rounds' own ratios. A drift of the host then moves both sides of a ratio together,
//! which criterion's benchmarks, run one after the other seconds apart, cannot promise on a
//! noisy machine. The batch and the floors are those of the `put_records` bench.
//!
//! Run: `cargo bench --bench put_records_paired`, or with `-- --rounds N --sets N` (2,000 rounds
//! in each of 5 sets by default; any other option, such as criterion's, is ignored). Without
//! `--bench`, as `cargo test --benches` runs it, it times one short set as a check.

mod batch;

use std::hint::black_box;
use std::time::Instant;

use kinesis_proto::Endpoint;

/// Rounds at the start of a set that warm the caches and are not counted.
const WARM_UP_ROUNDS: usize = 50;

/// What a round times: validate + build, build of the validated batch, the per-record floor
/// and the in-place floor, in the order of the timing columns.
const ROUTINES: usize = 4;

fn main() {
    let (rounds, sets) = options();
    let endpoint = Endpoint::regional("us-east-1").expect("valid region");
    let data = batch::data();
    let keys = batch::keys();
    let validated = batch::validate(&data, &keys);
    let sample = batch::build(&data, &keys, &endpoint).into_body();
    let body_len = sample.len();
    let offsets = batch::body_offsets(&data, &keys, &sample);
    let mut out_per_record = vec![0u8; batch::ENTRIES * batch::RECORD_OUT];
    let mut out_in_place = vec![0u8; body_len];

    let mut run = |which: usize| match which {
        0 => {
            let request = batch::build(black_box(&data), black_box(&keys), &endpoint);
            assert_eq!(request.body().len(), body_len);
        }
        1 => {
            let request = black_box(&validated).to_http_request(&endpoint);
            assert_eq!(request.body().len(), body_len);
        }
        2 => batch::encode_per_record(black_box(&data), &mut out_per_record),
        _ => batch::encode_in_place(black_box(&data), &offsets, &mut out_in_place),
    };

    println!(
        "put_records 500 x 1 KiB, interleaved: {sets} set(s) of {rounds} rounds; ratios are medians of per-round ratios, times are medians"
    );
    println!(
        "| set | v+b / in place | v+b / per record | build / in place | build / per record | in place / per record | v+b | build | per record | in place |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
    let mut all: [Vec<f64>; ROUTINES] = Default::default();
    for set in 1..=sets {
        let mut times: [Vec<f64>; ROUTINES] = Default::default();
        for round in 0..WARM_UP_ROUNDS + rounds {
            let mut round_times = [0.0; ROUTINES];
            for step in 0..ROUTINES {
                let which = (round + step) % ROUTINES;
                let start = Instant::now();
                run(which);
                round_times[which] = start.elapsed().as_secs_f64();
            }
            if round >= WARM_UP_ROUNDS {
                for (column, time) in times.iter_mut().zip(round_times) {
                    column.push(time);
                }
            }
        }
        print_row(&set.to_string(), &times);
        for (pooled, column) in all.iter_mut().zip(&times) {
            pooled.extend(column);
        }
    }
    if sets > 1 {
        print_row("all", &all);
    }
}

/// One table row: the ratios, then the median times in µs.
fn print_row(label: &str, times: &[Vec<f64>; ROUTINES]) {
    let [vb, build, per_record, in_place] = times;
    let ratios = [
        (vb, in_place),
        (vb, per_record),
        (build, in_place),
        (build, per_record),
        (in_place, per_record),
    ]
    .map(|(a, b)| median(a.iter().zip(b).map(|(x, y)| x / y).collect()));
    let medians = times.clone().map(|column| median(column) * 1e6);
    let ratios: Vec<String> = ratios.iter().map(|r| format!("{r:.3}x")).collect();
    let medians: Vec<String> = medians.iter().map(|m| format!("{m:.1} µs")).collect();
    println!(
        "| {label} | {} | {} |",
        ratios.join(" | "),
        medians.join(" | ")
    );
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}

/// `(rounds, sets)` from `--rounds N` and `--sets N`; one set of 20 rounds without `--bench`.
fn options() -> (usize, usize) {
    let args: Vec<String> = std::env::args().collect();
    let value = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .and_then(|v| v.parse().ok())
    };
    if args.iter().any(|a| a == "--bench") {
        (
            value("--rounds").unwrap_or(2_000),
            value("--sets").unwrap_or(5),
        )
    } else {
        (
            value("--rounds").unwrap_or(20),
            value("--sets").unwrap_or(1),
        )
    }
}
