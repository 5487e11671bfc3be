//! The built-in question set covers the items of the spec, with the right vocabularies,
//! summed items, thresholds and link codes; the person's age rule is checked on the assessment date.

use crate::common::*;
use oasys_assessment_model::*;

fn vocab(code: &str) -> Option<Vocabulary> {
    QuestionSet::current()
        .question(code)
        .map(|q| q.vocabulary.clone())
}

#[test]
fn section1_has_every_predictor_input() {
    for code in [
        "1.8",
        "1.29",
        "1.30",
        "1.32",
        "1.33",
        "1.34",
        "1.37",
        "1.38",
        "1.40",
        "1.41",
        "1.43",
        "1.44",
        "1.45",
        "1.46",
        "OFFENCE.CODE",
        "OFFENCE.OGRS3_CATEGORY",
        "OFFENCE.CATEGORY",
        "OFFENCE.DATE",
    ] {
        assert!(vocab(code).is_some(), "{code}");
    }
    assert_eq!(vocab("1.32"), Some(Vocabulary::Count { min: 1, max: 999 }));
    assert_eq!(vocab("1.29"), Some(Vocabulary::Date));
    assert_eq!(vocab("OFFENCE.CODE"), Some(Vocabulary::OffenceCode));
}

#[test]
fn screening_summary_and_rmp_codes_exist() {
    let qs = QuestionSet::current();
    for n in (1..=14).chain([16]) {
        for suffix in [1, 2] {
            assert_eq!(
                vocab(&format!("R1.2.{n}.{suffix}")),
                Some(Vocabulary::YesNo),
                "R1.2.{n}.{suffix}"
            );
        }
    }
    for code in [
        "R1.3.1", "R1.3.20", "R1.3.21", "R1.4", "R1.4.20", "R3.1.1", "R3.4.2", "R4.1.t", "R4.6.1",
    ] {
        assert!(qs.question(code).is_some(), "{code}");
    }
    for code in [
        "FA1", "FA7", "FA15", "FA302", "FA34", "FA67", "SUM1", "SUM11", "RM1", "RM17", "RM28",
        "RM35",
    ] {
        assert!(qs.question(code).is_some(), "{code}");
    }
    assert_eq!(
        qs.in_section(Section::RoshSummary)
            .filter(|q| q.vocabulary == Vocabulary::RiskLevel)
            .count(),
        9
    );
    assert_eq!(vocab("SUM9"), Some(Vocabulary::Text { max_len: 16_000 }));
    assert_eq!(vocab("RM30"), Some(Vocabulary::Text { max_len: 16_000 }));
    assert_eq!(vocab("3.97"), Some(Vocabulary::Text { max_len: 16_000 }));
    assert_eq!(vocab("R3.1.t"), Some(Vocabulary::Text { max_len: 4_000 }));
}

#[test]
fn need_section_items_and_vocabularies() {
    assert_eq!(vocab("8.6"), Some(Vocabulary::Injecting));
    assert_eq!(vocab("6.8"), Some(Vocabulary::RelationshipStatus));
    assert_eq!(vocab("8.2.16.1"), Some(Vocabulary::Frequency));
    assert_eq!(vocab("6.7.2.1da"), Some(Vocabulary::YesNo));
    assert_eq!(vocab("2.2_V2_WEAPON"), Some(Vocabulary::YesNo));
    assert_eq!(vocab("4.94"), Some(Vocabulary::Text { max_len: 16_000 }));
    assert!(vocab("4.97").is_none() && vocab("13.98").is_none());
    let qs = QuestionSet::current();
    let summed = |s: Section| -> Vec<String> {
        qs.in_section(s)
            .filter(|q| q.summed)
            .map(|q| q.code.clone())
            .collect()
    };
    type Row = (Section, &'static [&'static str], Option<(u32, u32)>);
    let expected: [Row; 11] = [
        (
            Section::Accommodation,
            &["3.3", "3.4", "3.5", "3.6"],
            Some((2, 7)),
        ),
        (
            Section::EducationTrainingEmployability,
            &["4.2", "4.3", "4.4", "4.5"],
            Some((3, 7)),
        ),
        (Section::FinancialManagement, &[], None),
        (Section::Relationships, &["6.1", "6.3", "6.6"], Some((2, 5))),
        (
            Section::LifestyleAndAssociates,
            &["7.2", "7.3", "7.5"],
            Some((2, 5)),
        ),
        (
            Section::DrugMisuse,
            &["8.4", "8.5", "8.6", "8.8", "8.9"],
            Some((2, 8)),
        ),
        (
            Section::AlcoholMisuse,
            &["9.1", "9.2", "9.3", "9.5"],
            Some((4, 7)),
        ),
        (Section::EmotionalWellbeing, &[], None),
        (
            Section::ThinkingAndBehaviour,
            &["11.5", "11.6", "11.7", "11.9"],
            Some((4, 7)),
        ),
        (
            Section::Attitudes,
            &["12.1", "12.4", "12.5", "12.8"],
            Some((2, 7)),
        ),
        (Section::Health, &[], None),
    ];
    for (section, items, thresholds) in expected {
        assert_eq!(summed(section), items, "{section}");
        let rule = qs.need_rule(section).expect("rule");
        assert_eq!(
            rule.threshold.zip(rule.severe_threshold),
            thresholds,
            "{section}"
        );
    }
    let keys: Vec<&str> = Section::NEEDS.iter().map(|s| s.key()).collect();
    assert_eq!(keys.first(), Some(&"accommodation"));
    assert_eq!(Section::Health.number(), Some(13));
    assert_eq!(Section::OffenceAnalysis.number(), Some(2));
}

#[test]
fn age_must_be_ten_to_one_hundred_and_ten() {
    let p = person(); // born 1990-05-01
    assert!(p.check_age_on(d(2000, 5, 1)).is_ok());
    assert!(matches!(
        p.check_age_on(d(2000, 4, 30)),
        Err(PersonError::AgeOutOfRange { age: 9, .. })
    ));
    assert!(p.check_age_on(d(2101, 4, 30)).is_ok());
    assert!(matches!(
        p.check_age_on(d(2101, 5, 1)),
        Err(PersonError::AgeOutOfRange { age: 111, .. })
    ));
}

#[test]
fn person_json_round_trip_and_rejects_bad_ids() {
    let p = custody_person(Some(d(2027, 1, 1)));
    let json = serde_json::to_string(&p).expect("json");
    assert_eq!(serde_json::from_str::<Person>(&json).ok(), Some(p));
    let bad = json.replace("X123456", "X12345");
    assert!(serde_json::from_str::<Person>(&bad).is_err());
    let extra = json.replacen('{', "{\"shoe_size\":9,", 1);
    assert!(serde_json::from_str::<Person>(&extra).is_err());
}
