//! Lifecycle rules applied after access is granted (sharing spec §2.4 step 5): assessment
//! states, countersigning eligibility via assessment-model, and the sharing workflow states.

use oasys_assessment_model::{State, eligible_countersigner};

use crate::action::Action;
use crate::actor::Actor;
use crate::decide::AccessBasis;
use crate::request::{RequestState, Urgency};
use crate::resource::{AssessmentFacts, CaseResource};

fn awaiting(state: &State) -> bool {
    matches!(
        state,
        State::AwaitingCountersign { .. } | State::AwaitingDoubleCountersign { .. }
    )
}

fn locked_final(state: &State) -> bool {
    matches!(state, State::Complete { .. } | State::LockedIncomplete)
}

/// Lifecycle rules; `Some(message)` when the state forbids the action.
pub(crate) fn state_forbids(
    actor: &Actor,
    action: Action,
    case: &CaseResource,
    basis: AccessBasis,
) -> Option<String> {
    if let Some(a) = &case.assessment
        && let Some(message) = assessment_rule(actor, action, a, basis)
    {
        return Some(message);
    }
    if let Some(s) = &case.sharing {
        return sharing_rule(actor, action, s);
    }
    None
}

fn assessment_rule(
    actor: &Actor,
    action: Action,
    a: &AssessmentFacts,
    basis: AccessBasis,
) -> Option<String> {
    let msg = |m: &str| Some(m.to_owned());
    let assessor = a.assessor == actor.id;
    match action {
        Action::ViewAssessment => {
            if a.deleted && basis != AccessBasis::TeamOversight {
                return msg("This assessment has been deleted; only a manager can see it to restore or void it.");
            }
            if basis == AccessBasis::CountersignTask && !awaiting(&a.state) {
                return msg("Your countersigning task for this assessment has closed.");
            }
            None
        }
        Action::ViewPerson
        | Action::ViewPlan
        | Action::ViewIdentifiers
        | Action::ViewSharingRequest => {
            if basis == AccessBasis::CountersignTask && !awaiting(&a.state) {
                return msg("Your countersigning task for this assessment has closed.");
            }
            None
        }
        Action::CreateAssessment => (!a.deleted && (a.state == State::Open || awaiting(&a.state)))
            .then(|| "This person already has an assessment in progress.".to_owned()),
        Action::CloneAssessment => (a.deleted || !locked_final(&a.state))
            .then(|| "Only a complete or locked-incomplete assessment can be cloned.".to_owned()),
        Action::AnswerAssessment | Action::SignAssessment | Action::LockIncomplete | Action::DeleteDraft => {
            if a.deleted || a.state != State::Open {
                msg("This assessment is signed or locked and cannot be edited by anyone.")
            } else if !assessor {
                msg("Only the assigned assessor can do this.")
            } else {
                None
            }
        }
        Action::Countersign | Action::RejectCountersign => countersign_rule(actor, a),
        Action::Rollback => (a.deleted || !locked_final(&a.state))
            .then(|| "Only a complete or locked-incomplete assessment can be rolled back.".to_owned()),
        Action::Restore => (!a.deleted).then(|| "This assessment is not deleted.".to_owned()),
        Action::Void => (a.state == State::Voided).then(|| "This assessment is already voided.".to_owned()),
        Action::RequestDeletion | Action::ApproveDeletion => {
            (a.deleted || a.state == State::Open || a.state == State::Voided).then(|| {
                "Deletion approval applies to a signed or locked assessment that is not deleted or voided."
                    .to_owned()
            })
        }
        Action::EditSentencePlan => (a.deleted || a.state == State::Voided)
            .then(|| "The plan of a deleted or voided assessment cannot be edited.".to_owned()),
        _ => None,
    }
}

/// Countersigning: the nominated countersigner, never the signer, eligible by rank (assessment-model rule).
fn countersign_rule(actor: &Actor, a: &AssessmentFacts) -> Option<String> {
    let msg = |m: &str| Some(m.to_owned());
    if a.deleted || !awaiting(&a.state) {
        return msg("This assessment is not waiting for a countersignature.");
    }
    let Some(signing) = &a.signing else {
        return msg("This assessment has no signing record, so it cannot be countersigned.");
    };
    if signing.signer == actor.id || a.assessor == actor.id {
        return msg("You cannot countersign your own assessment.");
    }
    let Some(rank) = actor.rank() else {
        return msg("Your role has no rank to countersign with.");
    };
    match a.state {
        State::AwaitingDoubleCountersign { .. } => {
            if signing.first_countersigner.as_deref() == Some(actor.id.as_str()) {
                msg(
                    "The second countersignature must come from someone other than the first countersigner.",
                )
            } else if rank.get() < 4 {
                msg("A second countersignature needs a senior probation officer or above.")
            } else {
                None
            }
        }
        _ => (!eligible_countersigner(signing.signer_rank, rank, signing.overall_rosh))
            .then(|| "Your grade cannot countersign this assessment at its risk level.".to_owned()),
    }
}

fn sharing_rule(
    actor: &Actor,
    action: Action,
    s: &crate::resource::SharingFacts,
) -> Option<String> {
    match action {
        Action::DraftSharingDecision | Action::DecideSharingRequest => {
            (!matches!(s.state, RequestState::Received | RequestState::Assigned))
                .then(|| "This request has already been decided or closed.".to_owned())
        }
        // Drafting covers building the package and reviewing its text blocks.
        Action::DraftDisclosure => (!matches!(
            s.state,
            RequestState::DecidedFull | RequestState::DecidedPartial | RequestState::PackageDrafted
        ))
        .then(|| "A package can be drafted only from a decision to share.".to_owned()),
        Action::ApproveDisclosure => {
            if s.state != RequestState::RedactionReviewed {
                Some(
                    "The package can be approved only after every text block has been reviewed."
                        .to_owned(),
                )
            } else if s.decided_by.as_deref() == Some(actor.id.as_str())
                && s.urgency != Urgency::Immediate
            {
                Some("A second person must approve: you made the decision.".to_owned())
            } else {
                None
            }
        }
        Action::ReleaseDisclosure => (s.state != RequestState::Approved)
            .then(|| "The package can be released only after it has been approved.".to_owned()),
        Action::WithdrawSharingRequest => matches!(
            s.state,
            RequestState::Released
                | RequestState::Expired
                | RequestState::Withdrawn
                | RequestState::Closed
        )
        .then(|| "A request can be withdrawn only before its package is released.".to_owned()),
        Action::RetrospectiveReview => {
            if !matches!(s.state, RequestState::Released | RequestState::Expired) {
                Some("Only a released package is reviewed after the fact.".to_owned())
            } else if s.decided_by.as_deref() == Some(actor.id.as_str()) {
                Some("Another manager must review it: you made the decision.".to_owned())
            } else {
                None
            }
        }
        _ => None,
    }
}
