//! The full role × action × state × relationship × LAO matrix, every cell asserted against an
//! expectation written independently of `decide` (plain matches, no shared table).

use chrono::{DateTime, Duration, TimeZone, Utc};
use oasys_assessment_model::{Outcome as Signed, Rank, RiskLevel, State};
use oasys_sharing_policy::*;
use uuid::Uuid;

const ME: &str = "ME";
const TEAM: &str = "T1";

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
        .single()
        .unwrap_or_default()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rel {
    None,
    CaseManager,
    CoWorker,
    CoWorkerExpired,
    Task,
    Oversight,
    TeamMember,
}
const RELS: [Rel; 7] = [
    Rel::None,
    Rel::CaseManager,
    Rel::CoWorker,
    Rel::CoWorkerExpired,
    Rel::Task,
    Rel::Oversight,
    Rel::TeamMember,
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum St {
    NoAssessment,
    Open,
    Awaiting,
    AwaitingDouble,
    Complete,
    LockedIncomplete,
    Voided,
    OpenDeleted,
    CompleteDeleted,
}
const STATES: [St; 9] = [
    St::NoAssessment,
    St::Open,
    St::Awaiting,
    St::AwaitingDouble,
    St::Complete,
    St::LockedIncomplete,
    St::Voided,
    St::OpenDeleted,
    St::CompleteDeleted,
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lao {
    None,
    Excluded,
    Listed,
    Unlisted,
}
const LAOS: [Lao; 4] = [Lao::None, Lao::Excluded, Lao::Listed, Lao::Unlisted];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sh {
    None,
    Assigned,
    ReviewedByMe,
    ReviewedByOther,
    ReviewedByMeImmediate,
    Approved,
    Decided,
    ReleasedByMe,
    ReleasedByOther,
}
const SHARINGS: [Sh; 9] = [
    Sh::None,
    Sh::Assigned,
    Sh::ReviewedByMe,
    Sh::ReviewedByOther,
    Sh::ReviewedByMeImmediate,
    Sh::Approved,
    Sh::Decided,
    Sh::ReleasedByMe,
    Sh::ReleasedByOther,
];

fn assessment_id() -> Uuid {
    Uuid::from_u128(7)
}

fn actor(role: Role, grade: Option<u8>, rel: Rel) -> Actor {
    let mut a = Actor::new(ME, role, "AREA1");
    a.grade = grade.and_then(|g| Rank::new(g).ok());
    if rel == Rel::Oversight {
        a.managed_teams.insert(TEAM.to_owned());
    }
    if rel == Rel::TeamMember {
        a.teams.insert(TEAM.to_owned());
    }
    if role == Role::ServiceClient {
        a.token_scope = Some([Action::ViewPerson, Action::ViewAssessment].into());
    }
    a
}

fn resource(rel: Rel, st: St, lao: Lao, mine: bool, sh: Sh) -> Resource {
    let now = t0();
    let kind = match rel {
        Rel::CaseManager => Some((RelationshipKind::CaseManager, Some(now + Duration::days(1)))),
        Rel::CoWorker => Some((RelationshipKind::CoWorker, Some(now + Duration::days(5)))),
        Rel::CoWorkerExpired => Some((RelationshipKind::CoWorker, Some(now - Duration::days(1)))),
        Rel::Task => Some((
            RelationshipKind::CountersignTask {
                assessment_id: assessment_id(),
            },
            None,
        )),
        _ => None,
    };
    let relationships = kind
        .map(|(kind, until)| Relationship {
            staff_id: ME.to_owned(),
            kind,
            from: now - Duration::days(10),
            until,
        })
        .into_iter()
        .collect();
    let mut lists = LaoLists::default();
    match lao {
        Lao::None => {}
        Lao::Excluded => {
            lists.excluded.insert(ME.to_owned());
            lists.restricted_to.insert(ME.to_owned());
        }
        Lao::Listed => {
            lists.restricted_to.insert(ME.to_owned());
        }
        Lao::Unlisted => {
            lists.restricted_to.insert("SOMEONE".to_owned());
        }
    }
    let author = if mine { ME } else { "AUTHOR" };
    let (state, deleted) = match st {
        St::NoAssessment => (None, false),
        St::Open => (Some(State::Open), false),
        St::Awaiting => (
            Some(State::AwaitingCountersign { incomplete: false }),
            false,
        ),
        St::AwaitingDouble => (
            Some(State::AwaitingDoubleCountersign { incomplete: false }),
            false,
        ),
        St::Complete => (
            Some(State::Complete {
                outcome: Signed::SelfSigned,
            }),
            false,
        ),
        St::LockedIncomplete => (Some(State::LockedIncomplete), false),
        St::Voided => (Some(State::Voided), false),
        St::OpenDeleted => (Some(State::Open), true),
        St::CompleteDeleted => (
            Some(State::Complete {
                outcome: Signed::SelfSigned,
            }),
            true,
        ),
    };
    let assessment = state.map(|state| AssessmentFacts {
        id: assessment_id(),
        signing: (state != State::Open).then(|| SigningFacts {
            signer: author.to_owned(),
            signer_rank: Rank::new(2).unwrap(),
            overall_rosh: Some(RiskLevel::High),
            first_countersigner: Some("CS1".to_owned()),
        }),
        state,
        deleted,
        assessor: author.to_owned(),
    });
    let sharing = |state, by: &str, urgency| SharingFacts {
        request_id: Uuid::from_u128(9),
        state,
        urgency,
        decided_by: Some(by.to_owned()),
    };
    let sharing = match sh {
        Sh::None => None,
        Sh::Assigned => Some(SharingFacts {
            decided_by: None,
            ..sharing(RequestState::Assigned, "", Urgency::Standard)
        }),
        Sh::ReviewedByMe => Some(sharing(
            RequestState::RedactionReviewed,
            ME,
            Urgency::Standard,
        )),
        Sh::ReviewedByOther => Some(sharing(
            RequestState::RedactionReviewed,
            "OTHER",
            Urgency::Standard,
        )),
        Sh::ReviewedByMeImmediate => Some(sharing(
            RequestState::RedactionReviewed,
            ME,
            Urgency::Immediate,
        )),
        Sh::Approved => Some(sharing(RequestState::Approved, "OTHER", Urgency::Standard)),
        Sh::Decided => Some(sharing(RequestState::DecidedPartial, ME, Urgency::Standard)),
        Sh::ReleasedByMe => Some(sharing(RequestState::Released, ME, Urgency::Immediate)),
        Sh::ReleasedByOther => Some(sharing(RequestState::Released, "OTHER", Urgency::Immediate)),
    };
    Resource::Case(Box::new(CaseResource {
        person_id: Uuid::from_u128(1),
        responsible_team: TEAM.to_owned(),
        area: "AREA1".to_owned(),
        relationships,
        lao: lists,
        assessment,
        sharing,
        as_at: now,
    }))
}

/// What the spec says should happen, written as plain rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    Allow(AccessBasis),
    Deny(DenyCode),
}

fn rank_of(role: Role, grade: Option<u8>) -> u8 {
    match role {
        Role::Practitioner | Role::PrisonOffenderManager => grade.unwrap_or(1).min(3),
        Role::SeniorProbationOfficer => 4,
        Role::HeadOfPdu | Role::Homd => 5,
        _ => 0,
    }
}

fn worker(role: Role) -> bool {
    matches!(role, Role::Practitioner | Role::PrisonOffenderManager)
}
fn manager(role: Role) -> bool {
    matches!(
        role,
        Role::SeniorProbationOfficer | Role::HeadOfPdu | Role::Homd
    )
}

fn role_may(role: Role, grade: Option<u8>, action: Action) -> bool {
    use Action::*;
    let view = matches!(
        action,
        ViewIdentifiers | ViewPerson | ViewAssessment | ViewPlan | ViewSharingRequest
    );
    match role {
        r if worker(r) => match action {
            DecideSharingRequest | DraftDisclosure => rank_of(role, grade) >= 3,
            Rollback
            | Restore
            | Void
            | ApproveDeletion
            | ApproveDisclosure
            | RetrospectiveReview
            | Allocate
            | Transfer
            | ManageLao
            | BuildDeidentifiedDataset
            | ReadAudit
            | ManageUsersAndReferenceData => false,
            _ => true,
        },
        r if manager(r) => !matches!(
            action,
            RequestDeletion | BuildDeidentifiedDataset | ReadAudit | ManageUsersAndReferenceData
        ),
        Role::CaseAdministrator => matches!(
            action,
            ViewIdentifiers | RecordSharingRequest | WithdrawSharingRequest | Allocate | Transfer
        ),
        Role::Analyst => action == BuildDeidentifiedDataset,
        Role::Administrator => matches!(
            action,
            Rollback | Restore | Void | ManageLao | ManageUsersAndReferenceData
        ),
        Role::Auditor => action == ReadAudit,
        Role::ServiceClient => view && matches!(action, ViewPerson | ViewAssessment),
        _ => false,
    }
}

fn org_level(action: Action) -> bool {
    matches!(
        action,
        Action::BuildDeidentifiedDataset | Action::ReadAudit | Action::ManageUsersAndReferenceData
    )
}

fn basis(role: Role, action: Action, rel: Rel) -> Option<AccessBasis> {
    use Action::*;
    let view = matches!(
        action,
        ViewIdentifiers | ViewPerson | ViewAssessment | ViewPlan | ViewSharingRequest
    );
    let casework = matches!(
        action,
        CreateAssessment
            | CloneAssessment
            | AnswerAssessment
            | SignAssessment
            | LockIncomplete
            | DeleteDraft
            | EditSentencePlan
    );
    let allocated = matches!(rel, Rel::CaseManager | Rel::CoWorker);
    let by_allocation = if worker(role) {
        view || casework
            || matches!(
                action,
                RequestDeletion
                    | RecordSharingRequest
                    | WithdrawSharingRequest
                    | DraftSharingDecision
                    | DecideSharingRequest
                    | DraftDisclosure
                    | ReleaseDisclosure
            )
    } else {
        manager(role) && (view || casework)
    };
    if allocated && by_allocation {
        return Some(if rel == Rel::CaseManager {
            AccessBasis::CaseManager
        } else {
            AccessBasis::CoWorker
        });
    }
    if rel == Rel::Oversight
        && manager(role)
        && !casework
        && !matches!(action, RequestDeletion | Countersign | RejectCountersign)
    {
        return Some(AccessBasis::TeamOversight);
    }
    if rel == Rel::Task
        && (worker(role) || manager(role))
        && (view || matches!(action, Countersign | RejectCountersign))
    {
        return Some(AccessBasis::CountersignTask);
    }
    if rel == Rel::TeamMember && role == Role::CaseAdministrator {
        return Some(AccessBasis::TeamMember);
    }
    if role == Role::Administrator {
        return Some(AccessBasis::Role);
    }
    if role == Role::ServiceClient {
        return Some(AccessBasis::ServiceToken);
    }
    None
}

fn state_ok(
    role: Role,
    grade: Option<u8>,
    action: Action,
    st: St,
    mine: bool,
    sh: Sh,
    basis: AccessBasis,
) -> bool {
    use Action::*;
    let deleted = matches!(st, St::OpenDeleted | St::CompleteDeleted);
    let open = st == St::Open;
    let awaiting = matches!(st, St::Awaiting | St::AwaitingDouble);
    let final_locked = matches!(st, St::Complete | St::LockedIncomplete);
    let task_closed = basis == AccessBasis::CountersignTask && st != St::NoAssessment && !awaiting;
    let assessment_ok = match action {
        ViewAssessment => (!deleted || basis == AccessBasis::TeamOversight) && !task_closed,
        ViewIdentifiers | ViewPerson | ViewPlan | ViewSharingRequest => !task_closed,
        CreateAssessment => !(matches!(st, St::Open | St::Awaiting | St::AwaitingDouble)),
        CloneAssessment | Rollback => final_locked,
        AnswerAssessment | SignAssessment | LockIncomplete | DeleteDraft => open && mine,
        Countersign | RejectCountersign => {
            let rank = rank_of(role, grade);
            awaiting
                && !mine
                && if st == St::AwaitingDouble {
                    rank >= 4
                } else {
                    rank >= 3
                }
        }
        Restore => deleted,
        Void => st != St::Voided,
        RequestDeletion | ApproveDeletion => !deleted && !matches!(st, St::Open | St::Voided),
        EditSentencePlan => !deleted && st != St::Voided,
        _ => true,
    };
    let sharing_ok = match action {
        DraftSharingDecision | DecideSharingRequest => sh == Sh::Assigned,
        ApproveDisclosure => matches!(sh, Sh::ReviewedByOther | Sh::ReviewedByMeImmediate),
        ReleaseDisclosure => sh == Sh::Approved,
        RetrospectiveReview => sh == Sh::ReleasedByOther,
        WithdrawSharingRequest => !matches!(sh, Sh::ReleasedByMe | Sh::ReleasedByOther),
        DraftDisclosure => sh == Sh::Decided,
        _ => true,
    };
    assessment_ok && sharing_ok
}

fn needs_assessment(action: Action) -> bool {
    use Action::*;
    matches!(
        action,
        ViewAssessment
            | CloneAssessment
            | AnswerAssessment
            | SignAssessment
            | LockIncomplete
            | Countersign
            | RejectCountersign
            | Rollback
            | Restore
            | Void
            | DeleteDraft
            | RequestDeletion
            | ApproveDeletion
    )
}

fn sharing_action(action: Action) -> bool {
    use Action::*;
    matches!(
        action,
        WithdrawSharingRequest
            | DraftSharingDecision
            | DecideSharingRequest
            | DraftDisclosure
            | ApproveDisclosure
            | ReleaseDisclosure
            | RetrospectiveReview
    )
}

#[allow(clippy::too_many_arguments)]
fn expected(
    role: Role,
    grade: Option<u8>,
    action: Action,
    rel: Rel,
    st: St,
    lao: Lao,
    mine: bool,
    sh: Sh,
) -> Expect {
    if !role_may(role, grade, action) {
        return Expect::Deny(DenyCode::NotPermittedForRole);
    }
    if org_level(action) {
        return Expect::Deny(DenyCode::NoRule);
    }
    match lao {
        Lao::Excluded => return Expect::Deny(DenyCode::Excluded),
        Lao::Unlisted => return Expect::Deny(DenyCode::Restricted),
        _ => {}
    }
    if (needs_assessment(action) && st == St::NoAssessment)
        || (sharing_action(action) && sh == Sh::None)
    {
        return Expect::Deny(DenyCode::NoRule);
    }
    let Some(b) = basis(role, action, rel) else {
        return Expect::Deny(DenyCode::NotInCaseload);
    };
    if state_ok(role, grade, action, st, mine, sh, b) {
        Expect::Allow(b)
    } else {
        Expect::Deny(DenyCode::StateForbids)
    }
}

fn got(decision: &Decision) -> Expect {
    match decision {
        Decision::Allow { basis } => Expect::Allow(*basis),
        Decision::Deny(d) => Expect::Deny(d.code),
    }
}

fn roles_with_grades() -> Vec<(Role, Option<u8>)> {
    Role::ALL
        .into_iter()
        .flat_map(|r| {
            let grades: Vec<Option<u8>> = if worker(r) {
                vec![Some(1), Some(2), Some(3)]
            } else {
                vec![None]
            };
            grades.into_iter().map(move |g| (r, g))
        })
        .collect()
}

#[test]
fn every_cell_of_the_case_matrix() {
    let mut cells = 0usize;
    let mut allowed = 0usize;
    let mut failures = Vec::new();
    for (role, grade) in roles_with_grades() {
        for action in Action::ALL {
            let sharings: &[Sh] = if sharing_action(action) {
                &SHARINGS
            } else {
                &[Sh::None]
            };
            for rel in RELS {
                let a = actor(role, grade, rel);
                for st in STATES {
                    for lao in LAOS {
                        for mine in [false, true] {
                            for &sh in sharings {
                                let r = resource(rel, st, lao, mine, sh);
                                let want = expected(role, grade, action, rel, st, lao, mine, sh);
                                let have = got(&decide(&a, action, &r));
                                cells += 1;
                                if matches!(have, Expect::Allow(_)) {
                                    allowed += 1;
                                }
                                if want != have && failures.len() < 20 {
                                    failures.push(format!(
                                        "{role:?}/{grade:?} {action:?} rel={rel:?} st={st:?} lao={lao:?} mine={mine} sh={sh:?}: want {want:?}, got {have:?}"
                                    ));
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} cells, mismatches:\n{}",
        cells,
        failures.join("\n")
    );
    assert!(
        cells > 100_000 && allowed > 1_000,
        "{cells} cells, {allowed} allowed"
    );
}

#[test]
fn organisation_actions_are_role_checks_only() {
    for (role, grade) in roles_with_grades() {
        for action in Action::ALL {
            let have = got(&decide(
                &actor(role, grade, Rel::None),
                action,
                &Resource::Organisation,
            ));
            let want = if !role_may(role, grade, action) {
                Expect::Deny(DenyCode::NotPermittedForRole)
            } else if org_level(action) {
                Expect::Allow(AccessBasis::Role)
            } else {
                Expect::Deny(DenyCode::NoRule)
            };
            assert_eq!(have, want, "{role:?} {action:?}");
        }
    }
}

#[test]
fn disabled_accounts_are_refused_everything() {
    for (role, grade) in roles_with_grades() {
        let mut a = actor(role, grade, Rel::CaseManager);
        a.active = false;
        for action in Action::ALL {
            let r = resource(Rel::CaseManager, St::Open, Lao::None, true, Sh::Assigned);
            assert_eq!(
                got(&decide(&a, action, &r)),
                Expect::Deny(DenyCode::NotAuthenticated)
            );
        }
    }
}

#[test]
fn denials_reveal_existence_only_to_related_users() {
    let r = resource(Rel::None, St::Complete, Lao::None, false, Sh::None);
    let same_area = actor(Role::Practitioner, Some(3), Rel::None);
    let Decision::Deny(d) = decide(&same_area, Action::ViewAssessment, &r) else {
        panic!("allowed an unrelated user");
    };
    assert_eq!(
        (d.code, d.reveal),
        (DenyCode::NotInCaseload, Reveal::Existence)
    );
    assert!(d.user_message.contains("not in your caseload"));
    let mut elsewhere = same_area.clone();
    elsewhere.area = "AREA2".to_owned();
    let Decision::Deny(d) = decide(&elsewhere, Action::ViewAssessment, &r) else {
        panic!("allowed an unrelated user");
    };
    assert_eq!(d.reveal, Reveal::Hidden);
    assert!(!d.user_message.contains("caseload"));
    let mut excluded = resource(
        Rel::CaseManager,
        St::Complete,
        Lao::Excluded,
        false,
        Sh::None,
    );
    if let Resource::Case(c) = &mut excluded {
        c.lao.exclusion_message = Some("Excluded: contact SPO Jones".to_owned());
    }
    let Decision::Deny(d) = decide(&elsewhere, Action::ViewPerson, &excluded) else {
        panic!("allowed an excluded user");
    };
    assert_eq!(d.user_message, "Excluded: contact SPO Jones");
}
