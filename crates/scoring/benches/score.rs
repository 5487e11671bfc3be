//! Criterion benchmark: one complete assessment scored with every predictor and need section.
//! `cargo xtask bench` runs it and writes the figure into docs/performance.md.

use criterion::{Criterion, black_box, criterion_group, criterion_main};
use oasys_scoring::{PredictorInput, score, score_without_explanations};

/// A complete input: every predictor is calculable (the dynamic ones included).
pub const COMPLETE: &str = include_str!("complete.json");

fn bench(c: &mut Criterion) {
    let input: PredictorInput = serde_json::from_str(COMPLETE).expect("benchmark input parses");
    let report = score(&input, None);
    assert!(
        report.predictors().iter().all(|(_, r)| r.is_calculated()),
        "benchmark input must be complete"
    );
    // The report goes through `std::hint::black_box`, not criterion's own `black_box` (which
    // `iter` applies to what the routine returns): on stable Rust that one copies its argument
    // with volatile reads, which for a report of about 4 KB costs more than a microsecond and
    // would be measured as scoring.
    c.bench_function("score_full_assessment", |b| {
        b.iter(|| {
            std::hint::black_box(score(black_box(&input), None));
        })
    });
    c.bench_function("score_without_explanations", |b| {
        b.iter(|| {
            std::hint::black_box(score_without_explanations(black_box(&input), None));
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
