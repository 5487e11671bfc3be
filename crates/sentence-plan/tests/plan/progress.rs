//! Progress between plan versions: achieved, partially achieved, not achieved (with code), removed,
//! added and carried over; steps completed.

use oasys_assessment_model::CountersignRequirement;
use oasys_sentence_plan::*;
use uuid::Uuid;

use crate::common::*;

fn id(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

#[test]
fn every_objective_gets_exactly_one_outcome() {
    let a = assessment_with(1, &[]);
    let mut v1 = plan_for(&a, d(2, 3));
    for n in 1..=6 {
        assert_eq!(
            v1.add_objective(objective(n, vec![accommodation()], None), d(2, 3)),
            Ok(())
        );
    }
    assert_eq!(
        v1.add_intervention(id(1), step(11, Timescale::WithinWeeks(2)), d(2, 3)),
        Ok(())
    );
    assert_eq!(
        v1.add_intervention(id(2), step(21, Timescale::WithinWeeks(2)), d(2, 3)),
        Ok(())
    );
    assert_eq!(
        v1.record_objective_progress(id(6), ObjectiveProgress::NoLongerApplicable, d(2, 4), None),
        Ok(())
    );
    assert_eq!(v1.set_agreement(agreed(d(2, 4))), Ok(()));
    assert!(
        v1.sign(
            d(2, 4),
            CountersignRequirement::None,
            &a,
            &RiskManagementPlan::default()
        )
        .is_ok()
    );

    let b = assessment_with(2, &[]);
    let mut v2 = v1
        .review(NewPlan::for_assessment(
            id(800),
            PlanType::Review,
            &b,
            d(6, 1),
        ))
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(v2.objectives().len(), 5);
    let record = |plan: &mut SentencePlan, n, code| {
        plan.record_objective_progress(id(n), code, d(6, 2), None)
    };
    assert_eq!(record(&mut v2, 1, ObjectiveProgress::FullyAchieved), Ok(()));
    assert_eq!(
        record(&mut v2, 2, ObjectiveProgress::PartiallyAchieved),
        Ok(())
    );
    assert_eq!(
        record(&mut v2, 3, ObjectiveProgress::NotAchievedEnteredCustody),
        Ok(())
    );
    assert_eq!(record(&mut v2, 4, ObjectiveProgress::Ongoing), Ok(()));
    assert_eq!(
        v2.record_intervention_progress(
            id(1),
            id(11),
            InterventionProgress::FullyAchieved,
            d(6, 2),
            None
        ),
        Ok(())
    );
    assert!(v2.remove_objective(id(5)).is_ok());
    assert!(v2.remove_objective(id(5)).is_err());
    assert_eq!(
        v2.add_objective(objective(7, vec![accommodation()], None), d(6, 2)),
        Ok(())
    );

    let progress = compare_plans(&v1, &v2).unwrap_or_else(|e| panic!("{e}"));
    let outcomes: Vec<(Uuid, ObjectiveOutcome)> = progress
        .objectives
        .iter()
        .map(|c| (c.objective, c.outcome))
        .collect();
    assert_eq!(
        outcomes,
        vec![
            (id(1), ObjectiveOutcome::Achieved),
            (id(2), ObjectiveOutcome::PartiallyAchieved),
            (
                id(3),
                ObjectiveOutcome::NotAchieved {
                    code: ObjectiveProgress::NotAchievedEnteredCustody
                }
            ),
            (id(4), ObjectiveOutcome::CarriedOver),
            (id(5), ObjectiveOutcome::Removed { code: None }),
            (
                id(6),
                ObjectiveOutcome::Removed {
                    code: Some(ObjectiveProgress::NoLongerApplicable)
                }
            ),
            (id(7), ObjectiveOutcome::Added),
        ]
    );
    assert_eq!(progress.with(ObjectiveOutcome::Added).len(), 1);
    assert_eq!(
        progress
            .interventions_completed
            .iter()
            .map(|s| s.step)
            .collect::<Vec<_>>(),
        vec![id(11)]
    );

    assert_eq!(compare_plans(&v2, &v1), Err(ProgressError::OutOfOrder));
    let same = compare_plans(&v1, &v1).unwrap_or_else(|e| panic!("{e}"));
    assert!(same.interventions_completed.is_empty());
    let stranger = SentencePlan::new(NewPlan {
        person_id: id(99),
        ..NewPlan::for_assessment(id(900), PlanType::Initial, &b, d(7, 1))
    })
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        compare_plans(&v1, &stranger),
        Err(ProgressError::DifferentPerson)
    );
}
