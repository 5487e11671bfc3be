//! Property tests: lifecycle invariants under random commands, JSON round trips, compare(a, a)
//! and "never panics" for identifier parsers and answers.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use oasys_assessment_model::*;
use proptest::prelude::*;
use uuid::Uuid;

fn person() -> Person {
    Person {
        id: Uuid::from_u128(1),
        ids: CaseIds::new(Crn::parse("X123456").ok(), None, None).expect("ids"),
        family_name: Name::parse("Smith").expect("name"),
        given_name: Name::parse("Sam").expect("name"),
        date_of_birth: NaiveDate::from_ymd_opt(1990, 5, 1).expect("date"),
        gender: Gender::Female,
        location: Location::Custody {
            establishment: OrgCode::parse("MDI").expect("org"),
        },
        ethnicity: None,
        sexually_motivated_offence_history: None,
        sentence: None,
    }
}

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 2, 1, 9, 0, 0)
        .single()
        .expect("time")
}

fn new_assessment(layer: Layer) -> Assessment {
    let new = NewAssessment {
        id: Uuid::from_u128(7),
        layer,
        purpose: Purpose::Other("pilot".into()),
        question_set_version: CURRENT_VERSION.into(),
        predictor_set_version: "v1".into(),
        team: OrgCode::parse("T1").expect("org"),
        assessor: "A".into(),
        assessment_date: start().date_naive(),
        court_report: CourtReportTemplate::Sdr,
    };
    Assessment::create(new, &person(), start()).expect("create")
}

/// A new assessment, optionally with every mandatory item (and the matrix) answered so it can be signed.
fn prepared(layer: Layer, prefill: bool) -> Assessment {
    let mut a = new_assessment(layer);
    if prefill {
        let qs = QuestionSet::current();
        let mut items: Vec<(String, AnswerValue)> = qs
            .questions
            .iter()
            .filter(|q| {
                q.required.for_layer(layer)
                    || q.code.starts_with("SUM6")
                    || q.code == "OFFENCE.CODE"
            })
            .map(|q| (q.code.clone(), valid_value(&q.vocabulary, 1)))
            .collect();
        items.retain(|(code, _)| layer == Layer::Layer3Full || !code.starts_with("SUM6"));
        let who = Actor {
            id: "A".into(),
            rank: Rank::new(3).expect("rank"),
            signing_level: None,
        };
        for (code, value) in items {
            a.apply(&who, start(), Command::Answer { code, value })
                .expect("prefill answer");
        }
    }
    a
}

fn codes() -> Vec<String> {
    QuestionSet::current()
        .questions
        .iter()
        .map(|q| q.code.clone())
        .collect()
}

/// A value inside the vocabulary, varied by `n`.
fn valid_value(vocabulary: &Vocabulary, n: u32) -> AnswerValue {
    let pick = |k: u32| n % k;
    let date = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default()
        + Duration::days(i64::from(n % 9000));
    match vocabulary {
        Vocabulary::YesNo => [AnswerValue::Yes, AnswerValue::No][pick(2) as usize].clone(),
        Vocabulary::YesNoDontKnow => {
            [AnswerValue::Yes, AnswerValue::No, AnswerValue::DontKnow][pick(3) as usize].clone()
        }
        Vocabulary::YesNoMissing => {
            [AnswerValue::Yes, AnswerValue::No, AnswerValue::Missing][pick(3) as usize].clone()
        }
        Vocabulary::Problems { .. } => AnswerValue::Problems((pick(3)) as u8),
        Vocabulary::Frequency => AnswerValue::Frequency(
            [Frequency::Daily, Frequency::Weekly, Frequency::Monthly][pick(3) as usize],
        ),
        Vocabulary::RelationshipStatus => {
            AnswerValue::RelationshipStatus(RelationshipStatus::LivingTogether)
        }
        Vocabulary::RiskLevel => AnswerValue::RiskLevel(
            [
                RiskLevel::Low,
                RiskLevel::Medium,
                RiskLevel::High,
                RiskLevel::VeryHigh,
            ][pick(4) as usize],
        ),
        Vocabulary::Injecting => AnswerValue::Injecting(
            [
                Injecting::Never,
                Injecting::Previously,
                Injecting::Currently,
            ][pick(3) as usize],
        ),
        Vocabulary::Date => AnswerValue::Date(date),
        Vocabulary::Count { min, max } => AnswerValue::Count(min + n % (max - min + 1)),
        Vocabulary::OffenceCode => AnswerValue::Code(format!("{:05}", n % 100_000)),
        Vocabulary::OffenceCategory {
            system: CategorySystem::Ogrs3,
        } => AnswerValue::Code(vocabulary::OGRS3_CATEGORIES[(n % 20) as usize].into()),
        Vocabulary::OffenceCategory {
            system: CategorySystem::Offence,
        } => AnswerValue::Code(vocabulary::OFFENCE_CATEGORIES[(n % 24) as usize].into()),
        Vocabulary::Choice { options } => {
            AnswerValue::Code(options.first().cloned().unwrap_or_default())
        }
        Vocabulary::MultiSelect { options } => {
            AnswerValue::Options(options.iter().take((n % 3) as usize).cloned().collect())
        }
        Vocabulary::Text { .. } => AnswerValue::Text(format!("note {n}")),
    }
}

fn any_value() -> impl Strategy<Value = AnswerValue> {
    prop_oneof![
        Just(AnswerValue::Yes),
        Just(AnswerValue::No),
        Just(AnswerValue::DontKnow),
        Just(AnswerValue::Missing),
        any::<u8>().prop_map(AnswerValue::Problems),
        any::<u32>().prop_map(AnswerValue::Count),
        ".{0,8}".prop_map(AnswerValue::Code),
        ".{0,8}".prop_map(AnswerValue::Text),
        proptest::collection::vec(".{0,6}", 0..3).prop_map(AnswerValue::Options),
        (-100_000i64..100_000)
            .prop_map(|d| AnswerValue::Date(NaiveDate::default() + Duration::days(d))),
        Just(AnswerValue::RiskLevel(RiskLevel::VeryHigh)),
        Just(AnswerValue::Injecting(Injecting::Currently)),
    ]
}

fn reason() -> impl Strategy<Value = String> {
    prop_oneof![Just(String::new()), Just("because".to_owned())]
}

fn command() -> impl Strategy<Value = Command> {
    let code = prop::sample::select(codes());
    prop_oneof![
        4 => (code.clone(), any::<u32>()).prop_map(|(code, n)| {
            let vocabulary = QuestionSet::current().question(&code).map(|q| q.vocabulary.clone()).unwrap_or(Vocabulary::YesNo);
            Command::Answer { value: valid_value(&vocabulary, n), code }
        }),
        1 => (code.clone(), any_value()).prop_map(|(code, value)| Command::Answer { code, value }),
        1 => code.prop_map(|code| Command::ClearAnswer { code }),
        1 => Just(Command::ConfirmSection { section: Section::Accommodation }),
        1 => prop_oneof![Just(String::new()), Just("B".to_owned())].prop_map(|assessor| Command::ReassignAssessor { assessor }),
        2 => prop_oneof![Just(None), Just(Some(true)), Just(Some(false))].prop_map(|plan_agreed| Command::Sign { plan_agreed }),
        2 => reason().prop_map(|reason| Command::LockIncomplete { reason }),
        2 => any::<bool>().prop_map(|send_for_second| Command::Countersign { send_for_second }),
        1 => Just(Command::SecondCountersign),
        1 => reason().prop_map(|comment| Command::Reject { comment }),
        1 => reason().prop_map(|reason| Command::Rollback { reason }),
        1 => reason().prop_map(|reason| Command::Delete { reason }),
        1 => reason().prop_map(|reason| Command::Restore { reason }),
        1 => reason().prop_map(|reason| Command::Void { reason }),
    ]
}

fn actor() -> impl Strategy<Value = Actor> {
    (0u8..4, 1u8..=5).prop_map(|(id, rank)| Actor {
        id: format!("U{id}"),
        rank: Rank::new(rank).expect("rank"),
        signing_level: None,
    })
}

fn layer() -> impl Strategy<Value = Layer> {
    prop_oneof![
        Just(Layer::Layer1Basic),
        Just(Layer::Layer3Full),
        Just(Layer::Standalone)
    ]
}

/// An assessment after a random walk of commands (errors ignored).
fn walked() -> impl Strategy<Value = Assessment> {
    (
        layer(),
        proptest::collection::vec((actor(), command()), 0..40),
    )
        .prop_map(|(layer, steps)| {
            let mut a = new_assessment(layer);
            for (i, (who, cmd)) in steps.into_iter().enumerate() {
                let _ = a.apply(
                    &who,
                    start() + Duration::hours(i64::try_from(i).unwrap_or(0)),
                    cmd,
                );
            }
            a
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn lifecycle_never_reaches_an_illegal_state(
        layer in layer(),
        prefill in any::<bool>(),
        steps in proptest::collection::vec((actor(), command()), 0..60),
    ) {
        let mut a = prepared(layer, prefill);
        for (i, (who, cmd)) in steps.into_iter().enumerate() {
            let before = a.clone();
            let is_rollback = matches!(cmd, Command::Rollback { .. });
            let result = a.apply(&who, start() + Duration::hours(i64::try_from(i).unwrap_or(0)), cmd);
            match result {
                Ok(event) => {
                    prop_assert_eq!(a.version(), before.version() + 1);
                    prop_assert_eq!(event.version, a.version());
                    prop_assert_eq!(a.events().len(), before.events().len() + 1);
                    prop_assert_ne!(before.state(), &State::Voided);
                    let editable = before.state() == &State::Open && before.deleted().is_none();
                    if !editable && !is_rollback {
                        prop_assert_eq!(a.answers(), before.answers());
                    }
                    prop_assert_eq!(a.history().len(), before.history().len() + usize::from(is_rollback));
                    prop_assert!(a.history().starts_with(before.history()));
                }
                Err(_) => prop_assert_eq!(&a, &before),
            }
            match a.state() {
                State::Complete { .. } | State::LockedIncomplete => prop_assert!(a.header().completed_at.is_some()),
                State::Open => prop_assert!(a.signing().is_none() && a.header().completed_at.is_none()),
                State::AwaitingCountersign { .. } | State::AwaitingDoubleCountersign { .. } => {
                    prop_assert!(a.signing().is_some_and(|s| s.requirement != CountersignRequirement::None));
                }
                State::Voided => prop_assert!(a.header().voided_at.is_some()),
            }
        }
    }

    #[test]
    fn json_round_trip(a in walked()) {
        let json = serde_json::to_string(&a).expect("serialise");
        let back: Assessment = serde_json::from_str(&json).expect("deserialise");
        prop_assert_eq!(back, a);
    }

    #[test]
    fn stored_apart_from_its_events_it_reads_back_whole(a in walked()) {
        let state = serde_json::to_value(a.without_events()).expect("serialise");
        let mut whole = serde_json::to_value(&a).expect("serialise");
        let events = whole.as_object_mut().and_then(|o| o.remove("events")).expect("events");
        prop_assert_eq!(&state, &whole);
        let events: Vec<Event> = serde_json::from_value(events).expect("events");
        let state: StateDocument = serde_json::from_value(state).expect("state");
        prop_assert_eq!(Assessment::from_parts(state, events).expect("valid"), a);
    }

    #[test]
    fn compare_with_itself_shows_no_change(a in walked()) {
        prop_assume!(a.state() != &State::Voided);
        let c = compare(&a, &a).expect("compare");
        prop_assert!(!c.has_changes(), "{:?}", c);
    }

    #[test]
    fn identifier_parsers_never_panic(s in ".{0,16}", digits in "[0-9]{4}/?[0-9]{1,7}[A-Za-z]") {
        let _ = Crn::parse(&s);
        let _ = NomisId::parse(&s);
        let _ = Pnc::parse(&s);
        if let Ok(pnc) = Pnc::parse(&digits) {
            prop_assert_eq!(pnc.as_str().len(), 13);
            prop_assert_eq!(Pnc::parse(pnc.as_str()), Ok(pnc.clone()));
        }
    }

    #[test]
    fn answers_never_panic(code in prop_oneof![prop::sample::select(codes()), ".{0,10}"], value in any_value()) {
        let mut a = new_assessment(Layer::Layer3Full);
        let accepted = QuestionSet::current().check(&code, &value).is_ok();
        let result = a.apply(&Actor { id: "A".into(), rank: Rank::new(3).expect("rank"), signing_level: None }, start(), Command::Answer { code: code.clone(), value: value.clone() });
        prop_assert_eq!(result.is_ok(), accepted);
        if let Err(LifecycleError::Answer(e)) = result {
            prop_assert!(e.to_string().contains(&code));
        }
        let _ = a.section_scores();
        let _ = completeness(&a, None);
        let _ = a.section1_problems();
    }
}

#[test]
fn prefilled_assessments_can_be_signed() {
    for layer in [Layer::Layer1Basic, Layer::Layer3Full, Layer::Standalone] {
        let a = prepared(layer, true);
        assert_eq!(completeness(&a, None), vec![], "{layer:?}");
    }
}

#[test]
fn deserialising_invalid_answers_fails() {
    let a = new_assessment(Layer::Layer1Basic);
    let mut json = serde_json::to_value(&a).expect("json");
    json["answers"] = serde_json::json!({ "1.32": { "count": 0 } });
    assert!(serde_json::from_value::<Assessment>(json.clone()).is_err());
    json["answers"] = serde_json::json!({ "1.32": { "count": 4 } });
    assert!(serde_json::from_value::<Assessment>(json.clone()).is_ok());
    json["header"]["question_set_version"] = serde_json::json!("0.0");
    assert!(serde_json::from_value::<Assessment>(json).is_err());
}

#[test]
fn exhausted_version_is_an_error_not_a_panic() {
    let a = new_assessment(Layer::Layer1Basic);
    let mut json = serde_json::to_value(&a).expect("json");
    json["version"] = serde_json::json!(u64::MAX);
    let mut a: Assessment = serde_json::from_value(json).expect("load");
    let who = Actor {
        id: "A".into(),
        rank: Rank::new(3).expect("rank"),
        signing_level: None,
    };
    let result = a.apply(
        &who,
        start(),
        Command::Answer {
            code: "1.30".into(),
            value: AnswerValue::No,
        },
    );
    assert_eq!(result, Err(LifecycleError::VersionExhausted));
    assert_eq!(a.answer("1.30"), None);
}
