//! Scores the benchmark's complete assessment many times: a steady loop for profilers
//! (`valgrind --tool=callgrind`, `perf`), whose instruction counts are deterministic.
//!
//! `cargo run --release -p oasys-scoring --example profile_score -- [ITERATIONS] [lean]`
//! (`lean`: with `score_without_explanations`).

use oasys_scoring::{PredictorInput, score, score_without_explanations};

fn main() {
    let iterations: u64 = std::env::args()
        .nth(1)
        .map_or(Ok(100_000), |n| n.parse())
        .expect("ITERATIONS is a number");
    let lean = std::env::args().nth(2).is_some_and(|a| a == "lean");
    let input: PredictorInput =
        serde_json::from_str(include_str!("../benches/complete.json")).expect("input parses");
    let start = std::time::Instant::now();
    let mut calculated = 0usize;
    for _ in 0..iterations {
        let input = std::hint::black_box(&input);
        let report = if lean {
            score_without_explanations(input, None)
        } else {
            score(input, None)
        };
        calculated += report
            .predictors()
            .iter()
            .filter(|(_, r)| r.is_calculated())
            .count();
    }
    let elapsed = start.elapsed();
    println!(
        "{iterations} assessments in {elapsed:.2?} ({:.0} ns each, {calculated} results calculated)",
        elapsed.as_nanos() as f64 / iterations as f64
    );
}
