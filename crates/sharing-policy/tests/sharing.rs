//! The sharing workflow end to end: request checks, decision checks, package content and
//! redaction, approval and release, expiry and the audit events.

mod common;

use std::collections::BTreeSet;

use chrono::Duration;
use common::*;
use oasys_sharing_policy::*;

#[test]
fn incomplete_requests_list_every_problem() {
    let mut d = request_draft();
    d.agency.name = " ".into();
    d.purpose.clear();
    d.subject_crn = "nope".into();
    d.children.clear();
    d.scope_requested.clear();
    d.legal_basis = LegalBasis::Mash;
    let Err(e) = SharingRequest::record(d) else {
        panic!("accepted an incomplete request")
    };
    assert_eq!(e.problems.len(), 5, "{e}");
    assert!(e.problems.contains(&RequestProblem::ChildRequired {
        basis: "MASH".into()
    }));
    let mut other = request_draft();
    other.legal_basis = LegalBasis::Other {
        description: String::new(),
    };
    other.due_override = Some(DueOverride {
        due_at: now() - Duration::days(1),
        reason: String::new(),
    });
    let Err(e) = SharingRequest::record(other) else {
        panic!("accepted")
    };
    assert_eq!(e.problems.len(), 3, "{e}");
}

#[test]
fn due_dates_follow_urgency_and_skip_weekends() {
    // 2026-03-06 is a Friday.
    let friday = now() + Duration::days(4);
    assert_eq!(
        default_due(friday, Urgency::Immediate)
            .date_naive()
            .to_string(),
        "2026-03-06"
    );
    assert_eq!(
        default_due(friday, Urgency::Urgent)
            .date_naive()
            .to_string(),
        "2026-03-09"
    );
    assert_eq!(
        default_due(friday, Urgency::Standard)
            .date_naive()
            .to_string(),
        "2026-03-20"
    );
    let r = request();
    assert!(!r.is_overdue(now()));
    assert!(r.is_overdue(now() + Duration::days(30)));
}

#[test]
fn decisions_need_statements_and_an_authorised_decider() {
    let r = request();
    let res = case(RequestState::Received, None);
    let mut bad = draft(
        Outcome::SharePart,
        BTreeSet::new(),
        vec![ItemException {
            element: "2.4.1".into(),
            justification: "short".into(),
        }],
    );
    bad.necessity = "too short".into();
    bad.proportionality = String::new();
    bad.conditions.clear();
    let Err(DecisionError::Incomplete(problems)) = decide_request(bad, &r, &decider(), &res) else {
        panic!("accepted")
    };
    assert_eq!(problems.len(), 7, "{problems:?}");
    let mut low = decider();
    low.grade = oasys_assessment_model::Rank::new(2).ok();
    let ok = draft(Outcome::ShareFull, BTreeSet::new(), vec![]);
    assert!(matches!(
        decide_request(ok.clone(), &r, &low, &res),
        Err(DecisionError::NotAuthorised(_))
    ));
    let analyst = Actor::new("AN1", Role::Analyst, "HQ");
    assert!(matches!(
        decide_request(ok.clone(), &r, &analyst, &res),
        Err(DecisionError::NotAuthorised(_))
    ));
    assert!(decide_request(ok, &r, &decider(), &res).is_ok());
}

#[test]
fn a_decline_never_yields_a_package() {
    let mut r = request();
    let d = decide_request(
        draft(Outcome::Decline, BTreeSet::new(), vec![]),
        &r,
        &decider(),
        &case(RequestState::Received, None),
    )
    .unwrap();
    r.advance(
        &RequestStep::Decide {
            outcome: d.outcome(),
        },
        "PO3",
        now(),
    )
    .unwrap();
    let a = assessment(true);
    assert_eq!(
        build_package(uuid::Uuid::from_u128(5), &r, &d, &a, None, now()),
        Err(PackageError::Declined)
    );
    r.advance(&RequestStep::Close, "PO3", now()).unwrap();
    assert_eq!(r.state, RequestState::Closed);
}

#[test]
fn an_open_draft_is_never_shared() {
    let r = request();
    let d = decide_request(
        draft(Outcome::ShareFull, BTreeSet::new(), vec![]),
        &r,
        &decider(),
        &case(RequestState::Received, None),
    )
    .unwrap();
    let open = assessment(false);
    assert!(matches!(
        build_package(uuid::Uuid::from_u128(5), &r, &d, &open, None, now()),
        Err(PackageError::AssessmentNotShareable { .. })
    ));
}

#[test]
fn full_share_carries_analysis_and_redacts_victims_and_raw_answers() {
    let r = request();
    let d = decide_request(
        draft(Outcome::ShareFull, BTreeSet::new(), vec![]),
        &r,
        &decider(),
        &case(RequestState::Received, None),
    )
    .unwrap();
    let plan = MonitoringSummary {
        plan_version: 3,
        conditions: vec!["No unsupervised contact with children under 16".into()],
        ..Default::default()
    };
    let a = assessment(true);
    let p = build_package(uuid::Uuid::from_u128(5), &r, &d, &a, Some(&plan), now()).unwrap();
    let text = p.render_text();
    for code in [
        "2.1", "SUM1", "SUM2", "FA16", "11.97", "6.97", "3.97", "4.94", "RM31", "2.12", "FA8",
    ] {
        assert!(text.contains(&marker(code)), "{code} missing");
    }
    for code in [
        "2.4.1", "2.5", "FA4", "FA11", "FA5", "2.7.3", "RM33", "FA31", "13.1.t", "R3.1.t", "SUM9",
        "10.97",
    ] {
        assert!(!text.contains(&marker(code)), "{code} leaked");
        assert!(
            p.redactions.iter().any(|x| x.element == code),
            "{code} redaction not recorded"
        );
    }
    let reason = |code: &str| {
        p.redactions
            .iter()
            .find(|x| x.element == code)
            .map(|x| x.reason)
    };
    assert_eq!(reason("2.4.1"), Some(RedactionReason::Victim));
    assert_eq!(reason("FA31"), Some(RedactionReason::Health));
    assert_eq!(reason("11.2"), Some(RedactionReason::RawAnswer));
    assert!(text.contains("Children, community: High"));
    assert!(text.contains("No unsupervised contact"));
    assert!(text.contains("OFFICIAL-SENSITIVE") && text.contains("LA-2026-001"));
    assert!(!text.contains("Smith") && !text.contains("1990-05-01"));
    assert_eq!(p.status, PackageStatus::Drafted);
    assert_eq!(p.content_sha256.len(), 64);
    let again = build_package(uuid::Uuid::from_u128(5), &r, &d, &a, Some(&plan), now()).unwrap();
    assert_eq!(again.content_sha256, p.content_sha256);
}

#[test]
fn exceptions_include_a_victim_field_with_its_justification() {
    let r = request();
    let ex = vec![ItemException {
        element: "2.4.1".into(),
        justification: "The victim is the child in the enquiry; the LA needs it.".into(),
    }];
    let d = decide_request(
        draft(Outcome::SharePart, [TemplateSection::RiskOfHarm].into(), ex),
        &r,
        &decider(),
        &case(RequestState::Received, None),
    )
    .unwrap();
    let p = build_package(
        uuid::Uuid::from_u128(5),
        &r,
        &d,
        &assessment(true),
        None,
        now(),
    )
    .unwrap();
    let text = p.render_text();
    assert!(text.contains(&marker("2.4.1")) && text.contains("included by exception"));
    assert!(text.contains(&marker("SUM1")));
    assert!(!text.contains(&marker("2.1")), "section 1 was not chosen");
    assert!(
        p.redactions
            .iter()
            .any(|x| x.element == "2.1" && x.reason == RedactionReason::SectionNotShared)
    );
}

#[test]
fn review_approval_release_and_expiry() {
    let mut r = request();
    let d = decide_request(
        draft(
            Outcome::SharePart,
            [TemplateSection::AttitudesThinkingBehaviour].into(),
            vec![],
        ),
        &r,
        &decider(),
        &case(RequestState::Received, None),
    )
    .unwrap();
    r.advance(
        &RequestStep::Decide {
            outcome: d.outcome(),
        },
        "PO3",
        now(),
    )
    .unwrap();
    let mut p = build_package(
        uuid::Uuid::from_u128(5),
        &r,
        &d,
        &assessment(true),
        None,
        now(),
    )
    .unwrap();
    r.advance(&RequestStep::DraftPackage, "PO3", now()).unwrap();
    assert!(
        p.approve("SPO2", &d, Urgency::Standard, now()).is_err(),
        "approved before review"
    );
    let before = p.content_sha256.clone();
    let pending: Vec<String> = p.pending_review.iter().cloned().collect();
    assert_eq!(pending, vec!["11.97".to_owned(), "12.97".to_owned()]);
    let span = SpanRedaction {
        start: 0,
        end: 3,
        reason: RedactionReason::ThirdParty,
    };
    p.review_text("11.97", &[span]).unwrap();
    p.review_text("12.97", &[]).unwrap();
    assert_ne!(p.content_sha256, before);
    assert!(p.render_text().contains("[redacted: third party]<11.97>"));
    assert_eq!(p.status, PackageStatus::RedactionReviewed);
    r.advance(&RequestStep::CompleteRedactionReview, "PO3", now())
        .unwrap();
    // The decider cannot approve; a second person can.
    assert_eq!(
        p.approve("PO3", &d, Urgency::Standard, now()),
        Err(PackageError::ApproverIsDecider)
    );
    let res = case(RequestState::RedactionReviewed, Some("PO3"));
    assert!(!decide(&decider(), Action::ApproveDisclosure, &res).is_allowed());
    assert!(decide(&spo("SPO2"), Action::ApproveDisclosure, &res).is_allowed());
    assert!(
        p.release("PO3", "email", &["A Worker".to_owned()], now())
            .is_err(),
        "released before approval"
    );
    p.approve("SPO2", &d, Urgency::Standard, now()).unwrap();
    r.advance(&RequestStep::Approve, "SPO2", now()).unwrap();
    let released = now() + Duration::hours(2);
    assert_eq!(
        p.clone()
            .release("PO3", "secure email", &[" ".to_owned()], released),
        Err(PackageError::RecipientsMissing)
    );
    p.release(
        "PO3",
        "secure email",
        &["A Worker, Anytown Children's Services".to_owned()],
        released,
    )
    .unwrap();
    r.advance(&RequestStep::Release, "PO3", released).unwrap();
    assert_eq!(p.expires_at, released + Duration::days(30));
    let ctx = AuditContext {
        event_id: uuid::Uuid::from_u128(99),
        occurred_at: released,
        correlation_id: Some("c1".into()),
        justification: None,
    };
    let person = uuid::Uuid::from_u128(1);
    let ev = disclosure_event(&p, &d, &r, person, &decider(), &ctx).unwrap();
    assert_eq!(ev.subject.person_id, Some(person));
    assert_eq!(
        ev.recipients,
        vec!["A Worker, Anytown Children's Services".to_owned()]
    );
    assert_eq!(ev.operation, Operation::Disclosure);
    assert_eq!(
        ev.content_sha256.as_deref(),
        Some(p.content_sha256.as_str())
    );
    assert!(ev.recipients[0].contains("Anytown") && ev.justification.is_some());
    assert_eq!(ev.subject.crn.as_deref(), Some(CRN));
    assert!(
        !serde_json::to_string(&ev).unwrap().contains("MRK<"),
        "audit event carries content"
    );
    assert!(!p.expire(released + Duration::days(29)));
    assert!(p.expire(released + Duration::days(30)));
    assert!(p.items.iter().all(|i| i.value.is_empty()) && !p.content_sha256.is_empty());
    r.advance(
        &RequestStep::Expire,
        "system",
        released + Duration::days(30),
    )
    .unwrap();
    assert_eq!(r.state, RequestState::Expired);
}

#[test]
fn immediate_requests_may_be_approved_by_the_deciding_manager_with_review_flag() {
    let mut draft_request = request_draft();
    draft_request.urgency = Urgency::Immediate;
    let r = SharingRequest::record(draft_request).unwrap();
    let mut res = case(RequestState::Received, None);
    let d = decide_request(
        draft(
            Outcome::SharePart,
            [TemplateSection::SentencePlanMonitoring].into(),
            vec![],
        ),
        &r,
        &spo("SPO1"),
        &res,
    )
    .unwrap();
    let mut p = build_package(
        uuid::Uuid::from_u128(5),
        &r,
        &d,
        &assessment(true),
        None,
        now(),
    )
    .unwrap();
    for e in p.pending_review.clone() {
        p.review_text(&e, &[]).unwrap();
    }
    if let Resource::Case(c) = &mut res {
        c.sharing = Some(SharingFacts {
            request_id: r.record.id,
            state: RequestState::RedactionReviewed,
            urgency: Urgency::Immediate,
            decided_by: Some("SPO1".into()),
        });
    }
    assert!(decide(&spo("SPO1"), Action::ApproveDisclosure, &res).is_allowed());
    p.approve("SPO1", &d, Urgency::Immediate, now()).unwrap();
    assert!(p.retrospective_review_required);
    // After release another manager reviews it, once.
    assert!(matches!(
        p.review_retrospectively("SPO2", now()),
        Err(PackageError::WrongStatus { .. })
    ));
    p.release("SPO1", "post", &["A Worker".to_owned()], now())
        .unwrap();
    assert_eq!(
        p.review_retrospectively("SPO1", now()),
        Err(PackageError::ReviewerIsApprover)
    );
    p.review_retrospectively("SPO2", now()).unwrap();
    assert_eq!(p.retrospective_reviewed_by.as_deref(), Some("SPO2"));
    assert_eq!(
        p.review_retrospectively("SPO3", now()),
        Err(PackageError::NoRetrospectiveReviewDue)
    );
}

#[test]
fn access_events_carry_s62_fields_and_lao_consultation_needs_justification() {
    let mut res = case(RequestState::Received, None);
    let ctx = AuditContext {
        event_id: uuid::Uuid::from_u128(50),
        occurred_at: now(),
        correlation_id: None,
        justification: None,
    };
    let d = decide(&decider(), Action::ViewPerson, &res);
    let ev = access_event(&decider(), Action::ViewPerson, &res, &d, &ctx).unwrap();
    assert_eq!(
        (ev.operation, ev.outcome.clone()),
        (Operation::Consultation, AuditOutcome::Allowed)
    );
    assert_eq!(ev.access_basis.as_deref(), Some("allocated case manager"));
    assert_eq!(ev.subject.person_id, Some(uuid::Uuid::from_u128(1)));
    if let Resource::Case(c) = &mut res {
        c.lao.restricted_to.insert("PO3".into());
    }
    let d = decide(&decider(), Action::ViewPerson, &res);
    assert_eq!(
        access_event(&decider(), Action::ViewPerson, &res, &d, &ctx),
        Err(AuditError::JustificationRequired)
    );
    let with = AuditContext {
        justification: Some("Preparing for the strategy meeting".into()),
        ..ctx.clone()
    };
    assert!(access_event(&decider(), Action::ViewPerson, &res, &d, &with).is_ok());
    let outsider = Actor::new("X", Role::Practitioner, "AREA1");
    let denied = decide(&outsider, Action::ViewPerson, &res);
    let ev = access_event(&outsider, Action::ViewPerson, &res, &denied, &ctx).unwrap();
    assert_eq!(ev.operation, Operation::AccessDenied);
    assert_eq!(
        ev.outcome,
        AuditOutcome::Denied {
            code: "restricted".into()
        }
    );
}
