//! Property tests: drafts cover every identified need exactly once and date nothing before the assessment,
//! copy-forward never loses an open objective, and no input panics.

use chrono::{Days, NaiveDate, TimeZone, Utc};
use oasys_assessment_model::*;
use oasys_sentence_plan::*;
use proptest::prelude::*;
use uuid::Uuid;

fn assessed() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 2, 2).unwrap_or_default()
}

fn person() -> Person {
    Person {
        id: Uuid::from_u128(1),
        ids: CaseIds::new(Crn::parse("X123456").ok(), None, None).unwrap_or_else(|e| panic!("{e}")),
        family_name: Name::parse("Smith").unwrap_or_else(|e| panic!("{e}")),
        given_name: Name::parse("Sam").unwrap_or_else(|e| panic!("{e}")),
        date_of_birth: NaiveDate::from_ymd_opt(1990, 5, 1).unwrap_or_default(),
        gender: Gender::Male,
        location: Location::Community {
            pdu: OrgCode::parse("PDU1").unwrap_or_else(|e| panic!("{e}")),
            team: OrgCode::parse("T1").unwrap_or_else(|e| panic!("{e}")),
        },
        ethnicity: None,
        sexually_motivated_offence_history: None,
        sentence: None,
    }
}

/// A value in the question's vocabulary chosen by `c`, for the vocabularies the rules read.
fn value(vocabulary: &Vocabulary, c: u8) -> Option<AnswerValue> {
    let levels = [
        RiskLevel::Low,
        RiskLevel::Medium,
        RiskLevel::High,
        RiskLevel::VeryHigh,
    ];
    let injecting = [
        Injecting::Never,
        Injecting::Previously,
        Injecting::Currently,
    ];
    Some(match vocabulary {
        Vocabulary::Problems { .. } => AnswerValue::Problems(c % 3),
        Vocabulary::YesNo | Vocabulary::YesNoDontKnow | Vocabulary::YesNoMissing => {
            if c.is_multiple_of(2) {
                AnswerValue::Yes
            } else {
                AnswerValue::No
            }
        }
        Vocabulary::Injecting => AnswerValue::Injecting(injecting[usize::from(c % 3)]),
        Vocabulary::RiskLevel => AnswerValue::RiskLevel(levels[usize::from(c % 4)]),
        Vocabulary::Choice { options } if !options.is_empty() => {
            AnswerValue::Code(options[usize::from(c) % options.len()].clone())
        }
        Vocabulary::Text { .. } => AnswerValue::Text(format!("text {c}")),
        _ => return None,
    })
}

fn assessment(picks: &[(usize, u8)]) -> Assessment {
    let at = Utc.from_utc_datetime(&assessed().and_hms_opt(9, 0, 0).unwrap_or_default());
    let new = NewAssessment {
        id: Uuid::from_u128(2),
        layer: Layer::Layer3Full,
        purpose: Purpose::StartOfCommunityOrder,
        question_set_version: CURRENT_VERSION.to_owned(),
        predictor_set_version: "v1".to_owned(),
        team: OrgCode::parse("T1").unwrap_or_else(|e| panic!("{e}")),
        assessor: "PO1".to_owned(),
        assessment_date: assessed(),
        court_report: CourtReportTemplate::None,
    };
    let mut a = Assessment::create(new, &person(), at).unwrap_or_else(|e| panic!("{e}"));
    let actor = oasys_assessment_model::Actor {
        id: "PO1".into(),
        rank: Rank::new(3).unwrap_or_else(|e| panic!("{e}")),
        signing_level: None,
    };
    let questions = &QuestionSet::current().questions;
    for (i, c) in picks {
        let q = &questions[i % questions.len()];
        if let Some(value) = value(&q.vocabulary, *c) {
            let applied = a.apply(
                &actor,
                at,
                Command::Answer {
                    code: q.code.clone(),
                    value,
                },
            );
            assert!(applied.is_ok(), "{}: {applied:?}", q.code);
        }
    }
    a
}

/// Picks biased to the need sections 3–13 so that needs are often identified.
fn picks() -> impl Strategy<Value = Vec<(usize, u8)>> {
    let questions = &QuestionSet::current().questions;
    let needs: Vec<usize> = questions
        .iter()
        .enumerate()
        .filter(|(_, q)| Section::NEEDS.contains(&q.section))
        .map(|(i, _)| i)
        .collect();
    let index = prop_oneof![3 => proptest::sample::select(needs), 1 => 0..questions.len()];
    proptest::collection::vec((index, any::<u8>()), 0..60)
}

fn ids() -> impl FnMut() -> Uuid {
    let mut next = 10_000u128;
    move || {
        next += 1;
        Uuid::from_u128(next)
    }
}

fn draft(a: &Assessment, today: NaiveDate, setting: RiskSetting) -> SentencePlan {
    let options = DraftOptions {
        plan_id: Uuid::from_u128(3),
        plan_type: PlanType::Initial,
        today,
        setting,
        interventions_per_objective: 3,
    };
    draft_plan(a, &options, &mut ids()).unwrap_or_else(|e| panic!("{e}"))
}

fn day_offset(offset: i64) -> NaiveDate {
    if offset >= 0 {
        assessed().checked_add_days(Days::new(offset.unsigned_abs()))
    } else {
        assessed().checked_sub_days(Days::new(offset.unsigned_abs()))
    }
    .unwrap_or_default()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn a_draft_covers_every_identified_need_exactly_once(picks in picks(), custody in any::<bool>()) {
        let a = assessment(&picks);
        let setting = if custody { RiskSetting::Custody } else { RiskSetting::Community };
        let plan = draft(&a, assessed(), setting);
        for score in a.section_scores() {
            let count = plan
                .objectives()
                .iter()
                .filter(|o| o.links.contains(&Link::Need(score.section)))
                .count();
            let flagged = score.linked_to_harm == Some(true) || score.linked_to_reoffending == Some(true);
            let expected = usize::from(score.identified_need == Some(true) || flagged);
            prop_assert_eq!(count, expected, "{}", score.section);
        }
        // Harm-linked objectives come first.
        let harm: Vec<bool> = plan
            .objectives()
            .iter()
            .map(|o| o.links.iter().any(|l| matches!(l, Link::Need(s) if a.section_score(*s).linked_to_harm == Some(true))))
            .collect();
        prop_assert!(harm.windows(2).all(|w| w[0] || !w[1]), "{harm:?}");
    }

    #[test]
    fn no_date_in_a_draft_is_before_the_assessment_date(picks in picks(), offset in -400i64..400) {
        let a = assessment(&picks);
        let plan = draft(&a, day_offset(offset), RiskSetting::Community);
        let floor = assessed();
        prop_assert!(plan.created() >= floor);
        for o in plan.objectives() {
            prop_assert!(o.created >= floor && o.status_date >= floor);
            prop_assert!(o.target_date.is_none_or(|t| t >= floor));
            prop_assert!(o.history.iter().all(|h| h.date >= floor));
            for i in &o.interventions {
                prop_assert!(i.created >= floor && i.status_date >= floor);
                prop_assert!(i.target_date().is_none_or(|t| t >= floor));
            }
        }
    }

    #[test]
    fn copy_forward_never_loses_an_open_objective(
        codes in proptest::collection::vec((0usize..8, 0usize..18, 0i64..60), 0..12),
        gap in 0i64..200,
    ) {
        let a = assessment(&[]);
        let mut plan = SentencePlan::new(NewPlan::for_assessment(Uuid::from_u128(3), PlanType::Initial, &a, assessed()))
            .unwrap_or_else(|e| panic!("{e}"));
        for (n, (objective_code, step_code, days)) in codes.iter().enumerate() {
            let id = Uuid::from_u128(100 + n as u128);
            let step = Uuid::from_u128(500 + n as u128);
            let new = NewObjective {
                id,
                title: format!("objective {n}"),
                text: String::new(),
                links: vec![Link::Need(Section::NEEDS[n % Section::NEEDS.len()])],
                measure: String::new(),
                target_date: None,
            };
            prop_assert_eq!(plan.add_objective(new, assessed()), Ok(()));
            let new_step = NewIntervention {
                id: step,
                catalogue_code: None,
                text: "step".into(),
                actors: vec![StepActor::Person],
                timescale: Timescale::WithinWeeks(4),
            };
            prop_assert_eq!(plan.add_intervention(id, new_step, assessed()), Ok(()));
            let on = day_offset(*days);
            prop_assert_eq!(plan.record_objective_progress(id, ObjectiveProgress::ALL[*objective_code], on, None), Ok(()));
            prop_assert_eq!(plan.record_intervention_progress(id, step, InterventionProgress::ALL[*step_code], on, None), Ok(()));
        }
        prop_assert_eq!(plan.lock_incomplete(day_offset(60), "moved area"), Ok(()));
        let review = plan
            .review(NewPlan::for_assessment(Uuid::from_u128(4), PlanType::Review, &a, day_offset(60 + gap)))
            .unwrap_or_else(|e| panic!("{e:?}"));
        let open: Vec<&Objective> = plan.objectives().iter().filter(|o| o.is_open()).collect();
        prop_assert_eq!(review.objectives().len(), open.len());
        for (before, after) in open.iter().zip(review.objectives()) {
            prop_assert_eq!(before.id, after.id);
            prop_assert!(after.copied_forward);
            prop_assert_eq!(&before.history, &after.history);
            prop_assert!(after.interventions.iter().all(|i| i.copied_forward && i.progress.is_open()));
        }
        let progress = compare_plans(&plan, &review).unwrap_or_else(|e| panic!("{e}"));
        prop_assert_eq!(progress.objectives.len(), plan.objectives().len());
    }
}

#[derive(Debug, Clone)]
enum Op {
    Objective(u8, u8, i64, Option<i64>),
    Step(u8, u8, Option<String>, i64, u16),
    Progress(u8, usize, i64),
    StepProgress(u8, u8, usize, i64),
    Agreement(u8, Option<i64>, Option<String>),
    Sign(u8, i64),
    Countersign(bool),
    Reject(String),
    Lock(String),
    Move(u8, usize),
    Remove(u8),
    Note(String),
}

fn op() -> impl Strategy<Value = Op> {
    let day = -30i64..300;
    prop_oneof![
        (
            any::<u8>(),
            any::<u8>(),
            day.clone(),
            proptest::option::of(day.clone())
        )
            .prop_map(|(i, s, d, t)| Op::Objective(i, s, d, t)),
        (
            any::<u8>(),
            any::<u8>(),
            proptest::option::of("[A-Z+-]{0,8}"),
            day.clone(),
            any::<u16>()
        )
            .prop_map(|(o, i, c, d, w)| Op::Step(o, i, c, d, w)),
        (any::<u8>(), 0usize..8, day.clone()).prop_map(|(o, c, d)| Op::Progress(o, c, d)),
        (any::<u8>(), any::<u8>(), 0usize..18, day.clone())
            .prop_map(|(o, s, c, d)| Op::StepProgress(o, s, c, d)),
        (
            0u8..4,
            proptest::option::of(day.clone()),
            proptest::option::of(".{0,4}")
        )
            .prop_map(|(s, d, n)| Op::Agreement(s, d, n)),
        (0u8..3, day).prop_map(|(c, d)| Op::Sign(c, d)),
        any::<bool>().prop_map(Op::Countersign),
        ".{0,3}".prop_map(Op::Reject),
        ".{0,3}".prop_map(Op::Lock),
        (any::<u8>(), any::<usize>()).prop_map(|(o, p)| Op::Move(o, p)),
        any::<u8>().prop_map(Op::Remove),
        ".{0,3}".prop_map(Op::Note),
    ]
}

fn section(n: u8) -> Section {
    let all = [
        Section::OffendingInformation,
        Section::RoshSummary,
        Section::SentencePlan,
        Section::Accommodation,
        Section::Health,
        Section::Attitudes,
    ];
    all[usize::from(n) % all.len()]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn no_input_panics(
        picks in picks(),
        ops in proptest::collection::vec(op(), 0..40),
        rmp_text in proptest::option::of(".{0,3}"),
        flags in proptest::collection::btree_set("RM[0-9]{1,2}", 0..4),
        json in ".{0,40}",
        condition in ("[A-Z-]{0,12}", ".{0,5}", -50i64..50, proptest::option::of(-50i64..50), ".{0,3}"),
        today in -400i64..400,
    ) {
        let a = assessment(&picks);
        let _ = indicators(&a, RiskSetting::Custody);
        let rmp = RiskManagementPlan {
            supervision: rmp_text.clone(),
            contingency: rmp_text,
            registration_flags: flags,
            ..RiskManagementPlan::from_assessment(&a)
        };
        let _ = check_rmp(&rmp, a.risk_matrix().overall());
        let _ = load_catalogue(&json);
        let mut plan = draft(&a, day_offset(today), RiskSetting::Community);
        let first = plan.clone();
        let pick = |plan: &SentencePlan, n: u8| {
            let objectives = plan.objectives();
            objectives
                .get(usize::from(n) % objectives.len().max(1))
                .map_or(Uuid::from_u128(u128::from(n)), |o| o.id)
        };
        for (k, op) in ops.into_iter().enumerate() {
            let fresh = Uuid::from_u128(90_000 + k as u128);
            match op {
                Op::Objective(i, s, d, t) => {
                    let links = if i.is_multiple_of(5) { vec![] } else { vec![Link::Need(section(s)), Link::Risk(RiskFactor::ALL[usize::from(i) % 21])] };
                    let new = NewObjective { id: fresh, title: format!("{i}"), text: String::new(), links, measure: String::new(), target_date: t.map(day_offset) };
                    let _ = plan.add_objective(new, day_offset(d));
                }
                Op::Step(o, i, code, d, w) => {
                    let timescale = match i % 3 { 0 => Timescale::WithinWeeks(w), 1 => Timescale::TargetDate(day_offset(i64::from(w) - 100)), _ => Timescale::ThroughoutSentence };
                    let actors = if i.is_multiple_of(4) { vec![] } else { vec![StepActor::Person] };
                    let new = NewIntervention { id: fresh, catalogue_code: code, text: String::new(), actors, timescale };
                    let target = pick(&plan, o);
                    let _ = plan.add_intervention(target, new, day_offset(d));
                }
                Op::Progress(o, c, d) => {
                    let target = pick(&plan, o);
                    let _ = plan.record_objective_progress(target, ObjectiveProgress::ALL[c], day_offset(d), None);
                }
                Op::StepProgress(o, s, c, d) => {
                    let target = pick(&plan, o);
                    let step = plan.objective(target).and_then(|x| x.interventions.get(usize::from(s) % x.interventions.len().max(1))).map_or(Uuid::nil(), |i| i.id);
                    let _ = plan.record_intervention_progress(target, step, InterventionProgress::ALL[c], day_offset(d), Some("n".into()));
                }
                Op::Agreement(s, d, note) => {
                    let status = [AgreementStatus::Draft, AgreementStatus::Agreed, AgreementStatus::DoNotAgree, AgreementStatus::CouldNotAnswer][usize::from(s)];
                    let _ = plan.set_agreement(Agreement { status, date: d.map(day_offset), note, recorded_by: None });
                }
                Op::Sign(c, d) => {
                    let requirement = [CountersignRequirement::None, CountersignRequirement::Single, CountersignRequirement::Double][usize::from(c)];
                    let _ = plan.sign(day_offset(d), requirement, &a, &rmp);
                }
                Op::Countersign(second) => {
                    let _ = plan.countersign(assessed(), second);
                    let _ = plan.second_countersign(assessed());
                }
                Op::Reject(comment) => { let _ = plan.reject(assessed(), &comment); }
                Op::Lock(reason) => { let _ = plan.lock_incomplete(assessed(), &reason); }
                Op::Move(o, p) => { let target = pick(&plan, o); let _ = plan.move_objective(target, p); }
                Op::Remove(o) => { let target = pick(&plan, o); let _ = plan.remove_objective(target); }
                Op::Note(text) => { let _ = plan.add_note(day_offset(today), &text); }
            }
            prop_assert!(plan.objectives().iter().all(|o| !o.links.is_empty()));
        }
        let _ = overdue(&plan, day_offset(today));
        let _ = compare_plans(&first, &plan);
        let _ = compare_plans(&plan, &first);
        if let Ok(next) = plan.rollback(Uuid::from_u128(7), assessed(), "r") {
            prop_assert_eq!(next.version(), plan.version() + 1);
        }
        let _ = plan.review(NewPlan::for_assessment(Uuid::from_u128(8), PlanType::Review, &a, day_offset(today)));
        let (code, text, start, end, why) = condition;
        let new = NewCondition { id: Uuid::nil(), type_code: code, text, start: day_offset(start), end: end.map(day_offset), justification: why };
        if let Ok(mut c) = oasys_sentence_plan::Condition::create(new) {
            prop_assert!(c.end.is_none_or(|e| e >= c.start));
            let _ = c.record(ComplianceEvent { date: day_offset(today), kind: ComplianceKind::Breach { action: BreachAction::Recall }, note: String::new() });
        }
    }
}
