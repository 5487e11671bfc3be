//! Criterion benchmark: one complete assessment scored with every predictor and need section.
//! `cargo xtask bench` runs it and writes the figure into docs/performance.md.

use criterion::{Criterion, black_box, criterion_group, criterion_main};
use oasys_scoring::{PredictorInput, score};

/// A complete input: every predictor is calculable (the dynamic ones included).
pub const COMPLETE: &str = r#"{
    "id": "bench", "assessment_date": "2025-01-01", "gender": "male", "date_of_birth": "1980-03-04",
    "conviction_date": "2024-06-01", "follow_up_start_date": "2024-09-01", "age_at_first_sanction": 16,
    "total_sanctions": 7, "violent_sanctions": 3, "ogrs3_offence_category": "violence",
    "offence_category": "violence_against_the_person_abh_plus", "supervision_status": "community",
    "sexual_offence_history": true, "contact_adult_sexual_sanctions": 1, "non_contact_sexual_sanctions": 0,
    "contact_child_sexual_sanctions": 0, "indecent_image_sanctions": 1,
    "most_recent_sexual_sanction_date": "2015-05-05", "stranger_victim": false,
    "weapon_in_offence": true, "recognises_impact": false, "no_fixed_abode": false,
    "accommodation_suitability": 1, "unemployed": true, "partner_relationship": 2,
    "evidence_of_domestic_abuse": true, "domestic_abuse_partner_perpetrator": true,
    "relationship_status": "living_together", "activities_encourage_offending": 1,
    "current_drug_misuse": 1, "drug_misuse_motivation": 1, "drug_cannabis": true,
    "alcohol_current_use": 2, "alcohol_binge": 1, "psychiatric_treatment": false, "impulsivity": 2,
    "temper_control": 1, "problem_solving": 1, "awareness_of_consequences": 1,
    "understands_others_views": 0, "pro_criminal_attitudes": 1, "previous_homicide": false,
    "previous_wounding_gbh": true, "previous_aggravated_burglary": false, "previous_arson": false,
    "previous_criminal_damage_life": false, "previous_kidnapping": false, "previous_firearm": false,
    "previous_robbery": false, "previous_weapon": true,
    "need_answers": {"3.5": 1, "3.6": 0, "4.3": 2, "6.1": 1, "6.3": 2, "6.6": 1, "8.4": 1, "9.3": 1,
                     "11.5": 1, "12.4": 1, "3.98": true, "3.99": false}
}"#;

fn bench(c: &mut Criterion) {
    let input: PredictorInput = serde_json::from_str(COMPLETE).expect("benchmark input parses");
    let report = score(&input, None);
    assert!(
        report.predictors().iter().all(|(_, r)| r.is_calculated()),
        "benchmark input must be complete"
    );
    c.bench_function("score_full_assessment", |b| {
        b.iter(|| score(black_box(&input), None))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
