//! Shared helpers for the scoring tests: build inputs from JSON, load the offence catalogue from
//! the test data, and compare results with reference values.

#![allow(dead_code)] // each test binary uses a different subset

use oasys_scoring::{
    OffenceCatalogue, Percentage, PredictorInput, PredictorResult, ScoreReport, Status,
    catalogue_entry_from_columns, score,
};

pub fn input(json: &str) -> PredictorInput {
    serde_json::from_str(json).unwrap_or_else(|e| panic!("test input does not parse: {e}\n{json}"))
}

/// Merges `extra` (a JSON object) over `base`.
pub fn merged(base: &str, extra: &str) -> PredictorInput {
    let mut a: serde_json::Value = serde_json::from_str(base).expect("base json");
    let b: serde_json::Value = serde_json::from_str(extra).expect("extra json");
    if let (Some(a), Some(b)) = (a.as_object_mut(), b.as_object()) {
        for (k, v) in b {
            a.insert(k.clone(), v.clone());
        }
    }
    serde_json::from_value(a).expect("merged input")
}

/// The reference offence catalogue in `testdata/` (a copy of shared/data).
pub fn catalogue() -> OffenceCatalogue {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../testdata/offence_categories.csv"
    );
    let text = std::fs::read_to_string(path).expect("testdata/offence_categories.csv");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).expect("column");
    let (code, status, ogrs3, snsv, actuarial) = (
        col("code"),
        col("ogrs3_status"),
        col("ogrs3_category"),
        col("snsv_category"),
        col("actuarial_category"),
    );
    let mut catalogue = OffenceCatalogue::default();
    for line in lines {
        // The category columns come before any quoted description, so a plain split is enough here.
        let cells: Vec<&str> = line.split(',').collect();
        let entry = catalogue_entry_from_columns(
            cells[code],
            cells[status],
            cells[ogrs3],
            cells[snsv],
            cells[actuarial],
        )
        .unwrap_or_else(|e| panic!("{e}: {line}"));
        catalogue.insert(cells[code], entry);
    }
    catalogue
}

pub fn scored(json: &str) -> ScoreReport {
    score(&input(json), None)
}

/// Asserts a calculated result: probability within 1e-9 and the exact displayed percentage.
pub fn assert_calculated(result: &PredictorResult, probability_2y: f64, percentage_2y: f64) {
    assert_eq!(result.status, Status::Calculated, "{result:#?}");
    let p = result.probability_2y.expect("probability");
    assert!(
        (p - probability_2y).abs() < 1e-9,
        "probability {p} != {probability_2y}"
    );
    let shown = result.percentage_2y.expect("percentage");
    let expected = match shown {
        Percentage::Whole(_) => Percentage::Whole(percentage_2y as i64),
        Percentage::Hundredths(_) => Percentage::Hundredths((percentage_2y * 100.0).round() as i64),
    };
    assert_eq!(shown, expected, "displayed percentage");
}

/// The contributions of the explanation, by factor name.
pub fn contribution(result: &PredictorResult, factor: &str) -> f64 {
    result
        .explanation
        .iter()
        .find(|f| f.factor == factor)
        .unwrap_or_else(|| panic!("no factor {factor} in {:#?}", result.explanation))
        .contribution
}

pub fn close(actual: f64, expected: f64) {
    assert!((actual - expected).abs() < 1e-9, "{actual} != {expected}");
}
