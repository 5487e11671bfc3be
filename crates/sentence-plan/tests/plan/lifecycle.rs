//! Plan rules: dates, objectives and steps, agreement, signing (with the RMP rule), immutability,
//! countersigning, rollback and the review plan's copy-forward.

use oasys_assessment_model::{AnswerValue, CountersignRequirement, RiskLevel, Section};
use oasys_sentence_plan::*;
use uuid::Uuid;

use crate::common::*;

fn high_rosh() -> oasys_assessment_model::Assessment {
    assessment_with(2, &[("SUM6.2.1", AnswerValue::RiskLevel(RiskLevel::High))])
}

fn complete_rmp() -> RiskManagementPlan {
    RiskManagementPlan {
        supervision: Some("weekly".into()),
        monitoring_and_control: Some("curfew".into()),
        interventions_and_treatment: Some("TSP".into()),
        victim_safety_planning: Some("none identified".into()),
        contingency: Some("recall".into()),
        mappa_category: Some(MappaCategory::Three),
        mappa_level: Some(MappaLevel::Two),
        ..RiskManagementPlan::default()
    }
}

/// A plan with two objectives (one with a step), agreed, ready to sign.
fn ready(a: &oasys_assessment_model::Assessment) -> SentencePlan {
    let mut plan = plan_for(a, d(2, 3));
    let added = plan.add_objective(objective(1, vec![accommodation()], Some(d(5, 1))), d(2, 3));
    assert_eq!(added, Ok(()));
    let added = plan.add_objective(
        objective(2, vec![Link::Need(Section::DrugMisuse)], None),
        d(2, 3),
    );
    assert_eq!(added, Ok(()));
    let added = plan.add_intervention(
        Uuid::from_u128(1),
        step(10, Timescale::WithinWeeks(4)),
        d(2, 4),
    );
    assert_eq!(added, Ok(()));
    assert_eq!(plan.set_agreement(agreed(d(2, 5))), Ok(()));
    plan
}

#[test]
fn a_plan_cannot_start_before_its_assessment() {
    let a = assessment_with(1, &[]);
    let early = SentencePlan::new(NewPlan::for_assessment(
        Uuid::nil(),
        PlanType::Initial,
        &a,
        d(2, 1),
    ));
    assert_eq!(
        early.err(),
        Some(PlanError::DateBeforeAssessment {
            date: d(2, 1),
            assessment_date: d(2, 2)
        })
    );
    let plan = plan_for(&a, d(2, 2));
    assert_eq!(
        (plan.version(), plan.signing(), plan.plan_agreed()),
        (1, SigningStatus::Unsigned, Some(false))
    );
}

#[test]
fn ids_must_be_unique_and_steps_need_a_known_objective() {
    let a = assessment_with(1, &[]);
    let mut plan = ready(&a);
    let dup = plan.add_objective(objective(10, vec![accommodation()], None), d(2, 6));
    assert_eq!(
        dup,
        Err(vec![PlanError::DuplicateId {
            id: Uuid::from_u128(10)
        }])
    );
    let both = plan.add_objective(objective(1, vec![], None), d(2, 6));
    assert_eq!(
        both,
        Err(vec![
            PlanError::NoLinks,
            PlanError::DuplicateId {
                id: Uuid::from_u128(1)
            }
        ])
    );
    let orphan = plan.add_intervention(
        Uuid::from_u128(99),
        step(11, Timescale::ThroughoutSentence),
        d(2, 6),
    );
    assert_eq!(
        orphan,
        Err(vec![PlanError::UnknownObjective {
            id: Uuid::from_u128(99)
        }])
    );
    assert_eq!(
        plan.record_intervention_progress(
            Uuid::from_u128(1),
            Uuid::from_u128(99),
            InterventionProgress::Ongoing,
            d(2, 6),
            None
        ),
        Err(PlanError::UnknownStep {
            id: Uuid::from_u128(99)
        })
    );
    assert!(matches!(
        plan.record_objective_progress(
            Uuid::from_u128(1),
            ObjectiveProgress::Ongoing,
            d(2, 1),
            None
        ),
        Err(PlanError::DateBeforePlan { .. })
    ));
}

#[test]
fn objectives_can_be_reordered_and_notes_added() {
    let a = assessment_with(1, &[]);
    let mut plan = ready(&a);
    assert_eq!(plan.move_objective(Uuid::from_u128(2), 0), Ok(()));
    assert_eq!(
        plan.objectives().first().map(|o| o.id),
        Some(Uuid::from_u128(2))
    );
    assert_eq!(plan.move_objective(Uuid::from_u128(2), 99), Ok(()));
    assert_eq!(
        plan.objectives().last().map(|o| o.id),
        Some(Uuid::from_u128(2))
    );
    assert_eq!(plan.add_note(d(2, 6), " "), Err(PlanError::TextRequired));
    assert_eq!(plan.add_note(d(2, 6), "seen at home"), Ok(()));
    assert_eq!(plan.notes().len(), 1);
}

#[test]
fn not_signable_while_draft_and_every_problem_is_listed() {
    let a = assessment_with(1, &[]);
    let mut plan = plan_for(&a, d(2, 3));
    let problems = plan.sign(
        d(2, 3),
        CountersignRequirement::None,
        &a,
        &RiskManagementPlan::default(),
    );
    assert_eq!(
        problems,
        Err(vec![PlanError::AgreementDraft, PlanError::NoObjectives])
    );
    let other = assessment_with(9, &[]);
    let mut ready = ready(&a);
    let wrong = ready.sign(
        d(2, 1),
        CountersignRequirement::None,
        &other,
        &RiskManagementPlan::default(),
    );
    assert_eq!(wrong.map_err(|e| e.len()), Err(2));
    assert_eq!(ready.signing(), SigningStatus::Unsigned);
}

#[test]
fn agreement_needs_a_note_when_not_agreed() {
    let a = assessment_with(1, &[]);
    let mut plan = ready(&a);
    let refused = plan.set_agreement(Agreement {
        status: AgreementStatus::DoNotAgree,
        date: Some(d(2, 6)),
        note: None,
        recorded_by: None,
    });
    assert_eq!(
        refused,
        Err(vec![PlanError::NoteRequired {
            agreement: AgreementStatus::DoNotAgree
        }])
    );
    let noted = plan.set_agreement(Agreement {
        status: AgreementStatus::CouldNotAnswer,
        date: Some(d(2, 6)),
        note: Some("interpreter not available".into()),
        recorded_by: None,
    });
    assert_eq!(noted, Ok(()));
    assert_eq!(plan.plan_agreed(), Some(true));
}

#[test]
fn high_rosh_needs_a_complete_rmp_medium_does_not() {
    let a = high_rosh();
    let mut plan = ready(&a);
    let refused = plan.sign(
        d(2, 6),
        CountersignRequirement::None,
        &a,
        &RiskManagementPlan::default(),
    );
    let Err(problems) = refused else {
        panic!("signed without an RMP")
    };
    assert!(matches!(
        problems.as_slice(),
        [PlanError::RiskManagementPlanIncomplete { problems }] if problems.len() == 7
    ));
    let signed = plan.sign(d(2, 6), CountersignRequirement::None, &a, &complete_rmp());
    assert_eq!(signed, Ok(SigningStatus::SelfSigned));

    let medium = assessment_with(
        3,
        &[("SUM6.2.1", AnswerValue::RiskLevel(RiskLevel::Medium))],
    );
    let mut plan = ready(&medium);
    let rmp = RiskManagementPlan::from_assessment(&medium);
    assert_eq!(check_rmp(&rmp, Some(RiskLevel::Medium)).warnings.len(), 7);
    assert_eq!(
        plan.sign(d(2, 6), CountersignRequirement::None, &medium, &rmp),
        Ok(SigningStatus::SelfSigned)
    );
}

#[test]
fn rmp_is_read_from_the_assessment() {
    let a = assessment_with(
        4,
        &[
            ("RM30", text("weekly")),
            ("RM34", text("recall")),
            ("RM9", AnswerValue::Yes),
            ("RM12", AnswerValue::No),
            ("RM.MAPPA.CATEGORY", AnswerValue::Code("1".into())),
            ("RM.MAPPA.LEVEL", AnswerValue::Code("2".into())),
        ],
    );
    let rmp = RiskManagementPlan::from_assessment(&a);
    assert_eq!(rmp.supervision.as_deref(), Some("weekly"));
    assert_eq!(
        (rmp.mappa_category, rmp.mappa_level),
        (Some(MappaCategory::One), Some(MappaLevel::Two))
    );
    assert!(rmp.flag("RM9") && !rmp.flag("RM12"));
    assert_eq!(check_rmp(&rmp, Some(RiskLevel::VeryHigh)).problems.len(), 3);
}

#[test]
fn signed_versions_are_immutable() {
    let a = assessment_with(1, &[]);
    let mut plan = ready(&a);
    assert_eq!(
        plan.sign(
            d(2, 6),
            CountersignRequirement::Single,
            &a,
            &RiskManagementPlan::default()
        ),
        Ok(SigningStatus::AwaitingCountersign)
    );
    let frozen = plan.clone();
    let locked = PlanError::PlanSigned {
        status: SigningStatus::AwaitingCountersign,
    };
    assert_eq!(
        plan.add_objective(objective(3, vec![accommodation()], None), d(2, 7)),
        Err(vec![locked.clone()])
    );
    assert_eq!(
        plan.record_objective_progress(
            Uuid::from_u128(1),
            ObjectiveProgress::Ongoing,
            d(2, 7),
            None
        ),
        Err(locked.clone())
    );
    assert_eq!(
        plan.set_agreement(Agreement::draft()),
        Err(vec![locked.clone()])
    );
    assert_eq!(plan.add_note(d(2, 7), "x"), Err(locked.clone()));
    assert_eq!(plan.move_objective(Uuid::from_u128(1), 1), Err(locked));
    assert_eq!(plan, frozen);
}

#[test]
fn countersigning_reject_and_rollback_mirror_the_assessment() {
    let a = assessment_with(1, &[]);
    let mut plan = ready(&a);
    assert!(matches!(
        plan.countersign(d(2, 6), false),
        Err(PlanError::NotAllowed { .. })
    ));
    assert!(
        plan.sign(
            d(2, 6),
            CountersignRequirement::Double,
            &a,
            &RiskManagementPlan::default()
        )
        .is_ok()
    );
    assert_eq!(
        plan.reject(d(2, 7), " "),
        Err(PlanError::ReasonRequired {
            action: "reject the plan".into()
        })
    );
    assert_eq!(plan.reject(d(2, 7), "add a measure"), Ok(()));
    assert_eq!(plan.signing(), SigningStatus::Rejected);
    assert!(
        plan.sign(
            d(2, 8),
            CountersignRequirement::Double,
            &a,
            &RiskManagementPlan::default()
        )
        .is_ok()
    );
    assert_eq!(plan.countersign(d(2, 9), true), Ok(()));
    assert_eq!(plan.signing(), SigningStatus::AwaitingDoubleCountersign);
    assert_eq!(plan.second_countersign(d(2, 10)), Ok(()));
    assert_eq!(plan.signing(), SigningStatus::DoubleCountersigned);
    assert_eq!(plan.signing_events().len(), 5);
    assert!(plan.rollback(Uuid::from_u128(600), d(2, 11), "").is_err());
    let next = plan.rollback(Uuid::from_u128(600), d(2, 11), "wrong objective");
    let next = next.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (next.version(), next.previous(), next.signing()),
        (2, Some(plan.id()), SigningStatus::RolledBack)
    );
    assert_eq!(plan.signing(), SigningStatus::DoubleCountersigned);
    assert!(next.signing().is_editable());
}

#[test]
fn lock_incomplete_needs_a_reason() {
    let a = assessment_with(1, &[]);
    let mut plan = plan_for(&a, d(2, 3));
    assert!(plan.lock_incomplete(d(2, 4), "").is_err());
    assert_eq!(plan.lock_incomplete(d(2, 4), "person absconded"), Ok(()));
    assert!(plan.signing().is_signed());
}

#[test]
fn review_copies_open_objectives_with_history_and_leaves_closed_ones() {
    let a = assessment_with(1, &[]);
    let mut plan = ready(&a);
    let (one, two) = (Uuid::from_u128(1), Uuid::from_u128(2));
    assert_eq!(
        plan.record_objective_progress(
            one,
            ObjectiveProgress::Ongoing,
            d(2, 6),
            Some("viewing flats".into())
        ),
        Ok(())
    );
    assert_eq!(
        plan.add_intervention(one, step(11, Timescale::ThroughoutSentence), d(2, 6)),
        Ok(())
    );
    assert_eq!(
        plan.record_intervention_progress(
            one,
            Uuid::from_u128(11),
            InterventionProgress::FullyAchieved,
            d(2, 6),
            None
        ),
        Ok(())
    );
    assert_eq!(
        plan.record_objective_progress(
            two,
            ObjectiveProgress::NotAchievedEnteredCustody,
            d(2, 6),
            None
        ),
        Ok(())
    );
    let reassessed = assessment_with(5, &[]);
    let new = NewPlan {
        plan_type: PlanType::Review,
        ..NewPlan::for_assessment(Uuid::from_u128(700), PlanType::Review, &reassessed, d(6, 1))
    };
    assert_eq!(
        plan.review(new.clone()).err(),
        Some(vec![PlanError::NotSigned {
            status: SigningStatus::Unsigned
        }])
    );
    assert!(
        plan.sign(
            d(2, 7),
            CountersignRequirement::None,
            &a,
            &RiskManagementPlan::default()
        )
        .is_ok()
    );
    let review = plan.review(new).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(
        (review.version(), review.previous(), review.plan_type()),
        (2, Some(plan.id()), PlanType::Review)
    );
    assert_eq!(review.agreement().status, AgreementStatus::Draft);
    assert_eq!(review.objectives().len(), 1);
    let carried = &review.objectives()[0];
    assert!(carried.copied_forward && carried.id == one);
    assert_eq!(carried.history.len(), 2);
    assert_eq!(carried.interventions.len(), 1, "closed steps stay behind");
    assert!(carried.interventions.iter().all(|i| i.copied_forward));
    assert_eq!(
        plan.objectives().len(),
        2,
        "the signed version is unchanged"
    );
    let stranger = NewPlan {
        person_id: Uuid::from_u128(77),
        created: d(1, 1),
        ..NewPlan::for_assessment(Uuid::nil(), PlanType::Review, &a, d(2, 2))
    };
    assert_eq!(plan.review(stranger).map_err(|e| e.len()).err(), Some(3));
}
