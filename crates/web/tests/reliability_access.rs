//! Access under a generated population (issue 11): random areas, teams, staff of every role,
//! people allocated to random practitioners and random LAO exclusion and restriction lists. For
//! every user, every person and every GET route, the reply is compared with what
//! `oasys_sharing_policy::decide` says about a case resource built here, independently of the
//! app, from the generated facts: a 200 only where the policy allows, a denial (403 when it may
//! reveal the record, 404 when not) carrying none of the person's data, and list routes
//! (caseload, search, reviews due, the sharing inbox) naming only people the user may see.
//!
//! Populations per run come from `OASYS_ACCESS_CASES` (default 4; `cargo xtask reliability`: 40).

mod support;

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use oasys_app::{
    AccountProfile, AccountRepository, App, IdGenerator, RequestContext, Session, UserAccount,
};
use oasys_assessment_model::{OrgCode, Rank, State};
use oasys_sharing_policy::{
    Action, Actor, AssessmentFacts, CaseResource, Decision, DenyCode, LaoLists, Relationship,
    RelationshipKind, Resource, Reveal, Role, decide,
};
use oasys_storage::Database;
use oasys_web::{AppState, WebConfig, router, secret_hash};
use support::{Reply, TestClock, cookie, now, person, sharing_draft};
use tower::ServiceExt;
use uuid::Uuid;

struct Counter(AtomicU64);

impl IdGenerator for Counter {
    fn new_id(&self) -> Uuid {
        Uuid::from_u128(0x9_0000 + u128::from(self.0.fetch_add(1, Ordering::SeqCst)))
    }
}

struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// Teams and the area each belongs to.
const TEAMS: [(&str, &str); 3] = [("T1", "A1"), ("T2", "A1"), ("T3", "A2")];

struct Staff {
    actor: Actor,
}

struct Case {
    id: Uuid,
    crn: String,
    family: String,
    team: &'static str,
    area: &'static str,
    practitioner: String,
    lao: LaoLists,
    assessment: Uuid,
    sharing_request: Uuid,
    plan: Uuid,
}

impl Case {
    fn resource(&self, with_assessment: bool) -> Resource {
        Resource::Case(Box::new(CaseResource {
            person_id: self.id,
            responsible_team: self.team.to_owned(),
            area: self.area.to_owned(),
            relationships: vec![Relationship {
                staff_id: self.practitioner.clone(),
                kind: RelationshipKind::CaseManager,
                from: now(),
                until: None,
            }],
            lao: self.lao.clone(),
            assessment: with_assessment.then(|| AssessmentFacts {
                id: self.assessment,
                state: State::Open,
                deleted: false,
                assessor: self.practitioner.clone(),
                signing: None,
            }),
            sharing: None,
            as_at: now(),
        }))
    }
}

fn actor(id: &str, role: Role, team: (&str, &str), manages: bool) -> Actor {
    let mut a = Actor::new(id, role, team.1);
    a.grade = Rank::new(3).ok().filter(|_| role.is_case_worker());
    a.teams = BTreeSet::from([team.0.to_owned()]);
    if manages {
        a.managed_teams = BTreeSet::from([team.0.to_owned()]);
    }
    a
}

struct Population {
    router: Router,
    _dir: tempfile::TempDir,
    staff: Vec<Staff>,
    cases: Vec<Case>,
}

/// Builds a random population from `seed` through the app, then the router over it.
fn population(seed: u64) -> Population {
    let mut rng = Rng(seed.max(1));
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("oasys.db").display());
    let clock = TestClock(Arc::new(Mutex::new(now())));
    let app = App::new(
        Database::open(&url).expect("open sqlite"),
        clock.clone(),
        Counter(AtomicU64::new(seed % 1000 * 1000)),
    );
    let ctx = RequestContext::default();
    let admin = Actor::new("ADMIN", Role::Administrator, "A1");
    for (team, area) in TEAMS {
        app.set_team_area(&admin, team, area, &ctx)
            .expect("team area");
    }
    let mut staff = Vec::new();
    let practitioners = 3 + rng.below(4);
    for i in 0..practitioners {
        let team = TEAMS[rng.below(3) as usize];
        staff.push(Staff {
            actor: actor(&format!("PO{i}"), Role::Practitioner, team, false),
        });
    }
    for (i, team) in TEAMS.iter().enumerate() {
        staff.push(Staff {
            actor: actor(
                &format!("SPO{i}"),
                Role::SeniorProbationOfficer,
                *team,
                true,
            ),
        });
    }
    let others = [
        Role::CaseAdministrator,
        Role::Analyst,
        Role::Auditor,
        Role::Administrator,
    ];
    for (i, role) in others.into_iter().enumerate() {
        let team = TEAMS[rng.below(3) as usize];
        staff.push(Staff {
            actor: actor(&format!("U{i}"), role, team, false),
        });
    }
    let mut cases = Vec::new();
    let people = 3 + rng.below(4);
    for n in 0..people {
        let po = &staff[rng.below(practitioners) as usize].actor;
        let team_name = po.teams.iter().next().cloned().unwrap_or_default();
        let (team, area) = TEAMS
            .iter()
            .copied()
            .find(|(t, _)| *t == team_name)
            .expect("a known team");
        let crn = format!("X{:06}", 100_000 + n + seed % 1000 * 10);
        let family = format!("Popul{}", (b'a' + n as u8) as char);
        let mut p = person(Uuid::from_u128(0x7_0000 + u128::from(n)), &crn, &family);
        p.location = oasys_assessment_model::Location::Community {
            pdu: OrgCode::parse("PDU1").expect("pdu"),
            team: OrgCode::parse(team).expect("team"),
        };
        app.register_person(&admin, &p, &ctx).expect("register");
        let spo = staff
            .iter()
            .find(|s| s.actor.managed_teams.contains(team))
            .map(|s| s.actor.clone())
            .expect("a manager");
        app.allocate(
            &spo,
            p.id,
            &po.id,
            &OrgCode::parse(team).expect("team"),
            &ctx,
        )
        .expect("allocate");
        let assessment = app
            .create_assessment(
                po,
                p.id,
                &serde_json::from_value(serde_json::json!({
                    "layer": "layer3_full", "purpose": "start_of_community_order"
                }))
                .expect("request"),
                &ctx,
            )
            .expect("create an assessment")
            .header()
            .id;
        let sharing_request = app
            .record_sharing_request(po, p.id, sharing_draft(&crn), &ctx)
            .expect("record a sharing request")
            .record
            .id;
        let plan = app
            .draft_plan(po, assessment, &ctx)
            .expect("draft a sentence plan")
            .plan
            .id();
        // LAO lists: none, an exclusion, a restriction, or both, over random staff.
        let mut lao = LaoLists::default();
        let pick = |rng: &mut Rng| {
            staff[rng.below(staff.len() as u64) as usize]
                .actor
                .id
                .clone()
        };
        if rng.chance(40) {
            lao.excluded.insert(pick(&mut rng));
            lao.exclusion_message = Some("Excluded from this record".to_owned());
        }
        if rng.chance(30) {
            lao.restricted_to.insert(po.id.clone());
            for _ in 0..rng.below(3) {
                lao.restricted_to.insert(pick(&mut rng));
            }
            lao.restriction_message = Some("Restricted record".to_owned());
        }
        if lao != LaoLists::default() {
            app.set_lao(&admin, p.id, &lao, None, &ctx).expect("lao");
        }
        cases.push(Case {
            id: p.id,
            crn,
            family,
            team,
            area,
            practitioner: po.id.clone(),
            lao,
            assessment,
            sharing_request,
            plan,
        });
    }
    let store = app.store();
    for s in &staff {
        let a = &s.actor;
        store
            .create_user(&UserAccount {
                username: a.id.clone(),
                password_hash: "$argon2id$v=19$m=19456,t=2,p=1$unusable".to_owned(),
                profile: AccountProfile {
                    role: a.role,
                    grade: a.grade,
                    area: a.area.clone(),
                    teams: a.teams.clone(),
                    managed_teams: a.managed_teams.clone(),
                },
                disabled: false,
                created_at: now(),
            })
            .expect("user");
        store
            .create_session(&Session {
                token_hash: secret_hash(&format!("session-of-{}", a.id)),
                username: a.id.clone(),
                created_at: now(),
                last_seen_at: now(),
            })
            .expect("session");
    }
    let state = AppState::new(app, Arc::new(clock), WebConfig::default());
    Population {
        router: router(state),
        _dir: dir,
        staff,
        cases,
    }
}

fn cases_to_run() -> u64 {
    std::env::var("OASYS_ACCESS_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(4)
}

/// A reason on every request: restricted records ask for one even from those allowed.
const JUSTIFIED: &[(&str, &str)] = &[("x-justification", "access property test")];

/// A GET as `user` with extra headers.
async fn get(router: &Router, uri: &str, user: &str, extra: &[(&str, &str)]) -> Reply {
    let mut builder = Request::builder()
        .uri(uri)
        .header(header::COOKIE, cookie(user));
    for (name, value) in extra {
        builder = builder.header(*name, *value);
    }
    let response = router
        .clone()
        .oneshot(builder.body(Body::empty()).expect("request"))
        .await
        .expect("infallible");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("body");
    let text = String::from_utf8_lossy(&bytes).into_owned();
    Reply {
        status,
        headers,
        body: serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null),
        text,
    }
}

/// Whether a reply names any person's identifying data.
/// The action that decides a read of a sharing request: a role that never reads requests in
/// full but sees identifiers (a case administrator) reads their metadata on its identifiers rule.
fn sharing_read_action(role: Role) -> Action {
    if oasys_sharing_policy::cell(role, Action::ViewSharingRequest).is_never()
        && !oasys_sharing_policy::cell(role, Action::ViewIdentifiers).is_never()
    {
        Action::ViewIdentifiers
    } else {
        Action::ViewSharingRequest
    }
}

fn names_person(reply: &Reply, case: &Case) -> bool {
    reply.text.contains(&case.crn) || reply.text.contains(&case.family)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_get_route_returns_what_the_policy_denies_for_generated_populations() {
    let runs = cases_to_run();
    let mut requests = 0_u64;
    let mut allowed = 0_u64;
    let mut denied = 0_u64;
    let base_seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(7);
    for run in 0..runs {
        let seed = std::env::var("OASYS_RELIABILITY_SEED")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(base_seed)
            .wrapping_add(run * 7919);
        let pop = tokio::task::spawn_blocking(move || population(seed))
            .await
            .expect("population");
        let w = &pop.router;
        for s in &pop.staff {
            let user = s.actor.id.as_str();
            for case in &pop.cases {
                let routes: [(String, Action, bool); 11] = [
                    (
                        format!(
                            "/api/v1/assessments/{}/compare/{}",
                            case.assessment, case.assessment
                        ),
                        Action::ViewAssessment,
                        true,
                    ),
                    (
                        format!("/api/v1/plans/{}", case.plan),
                        Action::ViewPlan,
                        false,
                    ),
                    (
                        format!(
                            "/api/v1/assessments/{}/sections/risk_management_plan",
                            case.assessment
                        ),
                        Action::ViewAssessment,
                        true,
                    ),
                    (
                        format!(
                            "/api/v1/assessments/{}/risk-management-plan",
                            case.assessment
                        ),
                        Action::ViewAssessment,
                        true,
                    ),
                    (
                        format!("/api/v1/sharing-requests/{}", case.sharing_request),
                        sharing_read_action(s.actor.role),
                        false,
                    ),
                    (
                        format!("/api/v1/people/{}", case.id),
                        Action::ViewPerson,
                        false,
                    ),
                    (
                        format!("/api/v1/people/{}/assessments", case.id),
                        Action::ViewPerson,
                        false,
                    ),
                    (
                        format!("/api/v1/assessments/{}", case.assessment),
                        Action::ViewAssessment,
                        true,
                    ),
                    (
                        format!("/api/v1/assessments/{}/history", case.assessment),
                        Action::ViewAssessment,
                        true,
                    ),
                    (
                        format!("/api/v1/assessments/{}/events", case.assessment),
                        Action::ViewAssessment,
                        true,
                    ),
                    (
                        format!("/api/v1/assessments/{}/scores", case.assessment),
                        Action::ViewAssessment,
                        true,
                    ),
                ];
                for (uri, action, with_assessment) in routes {
                    let reply = get(w, &uri, user, JUSTIFIED).await;
                    requests += 1;
                    let decision = decide(&s.actor, action, &case.resource(with_assessment));
                    let context = format!(
                        "seed {seed}: {user} ({:?}, area {}, teams {:?}) GET {uri} on a case of {} in {} (LAO {:?}): {decision:?}",
                        s.actor.role,
                        s.actor.area,
                        s.actor.teams,
                        case.practitioner,
                        case.team,
                        case.lao
                    );
                    match decision {
                        Decision::Allow { .. } => {
                            allowed += 1;
                            assert_eq!(reply.status, StatusCode::OK, "{context}: {}", reply.text);
                            // A case administrator reads a request's identifiers only.
                            if action == Action::ViewIdentifiers
                                && uri.contains("/sharing-requests/")
                            {
                                assert_eq!(
                                    reply.body["view"], "metadata",
                                    "{context}: {}",
                                    reply.text
                                );
                                assert!(
                                    !reply.text.contains(&case.family),
                                    "{context} leaked: {}",
                                    reply.text
                                );
                            }
                        }
                        Decision::Deny(denial) => {
                            denied += 1;
                            let expected = match denial.reveal {
                                Reveal::Existence => StatusCode::FORBIDDEN,
                                Reveal::Hidden => StatusCode::NOT_FOUND,
                            };
                            assert_eq!(reply.status, expected, "{context}: {}", reply.text);
                            assert!(
                                !names_person(&reply, case),
                                "{context} leaked: {}",
                                reply.text
                            );
                        }
                    }
                }
            }
            // The sharing inbox lists only requests about cases the user may read them for (in
            // full, or as identifiers for a case administrator).
            let reply = get(w, "/api/v1/sharing-requests?limit=200", user, JUSTIFIED).await;
            requests += 1;
            assert!(
                reply.status.is_success() || reply.status.is_client_error(),
                "inbox: {}",
                reply.text
            );
            for case in &pop.cases {
                if reply.text.contains(&case.sharing_request.to_string())
                    || names_person(&reply, case)
                {
                    let decision = decide(
                        &s.actor,
                        sharing_read_action(s.actor.role),
                        &case.resource(false),
                    );
                    assert!(
                        decision.is_allowed(),
                        "seed {seed}: {user} ({:?}) sees the request about {} in the inbox although the policy says {decision:?}",
                        s.actor.role,
                        case.crn
                    );
                }
            }
            // Lists name only people the user may see (identifiers at least).
            let mut lists: Vec<String> = vec![
                "/api/v1/caseload".to_owned(),
                "/api/v1/reviews-due?before=2030-01-01".to_owned(),
                "/api/v1/people?name=Popul".to_owned(),
            ];
            lists.extend(
                pop.cases
                    .iter()
                    .map(|c| format!("/api/v1/people?crn={}", c.crn)),
            );
            for uri in lists {
                let reply = get(w, &uri, user, JUSTIFIED).await;
                requests += 1;
                assert!(
                    reply.status.is_success() || reply.status.is_client_error(),
                    "{uri}: {}",
                    reply.text
                );
                // A placeholder row (a limited access case the user has a team or area
                // relation to but may not see) names only the CRN, never the person.
                let rows = reply.body.as_array().cloned().unwrap_or_default();
                for case in &pop.cases {
                    let id = case.id.to_string();
                    let placeholder = rows
                        .iter()
                        .any(|r| r["row"] == "restricted" && r["person_id"] == id.as_str());
                    let visible = rows
                        .iter()
                        .any(|r| r["row"] == "visible" && r.to_string().contains(id.as_str()));
                    let resource = case.resource(false);
                    let decision = decide(&s.actor, Action::ViewIdentifiers, &resource);
                    if placeholder {
                        let related = match &resource {
                            Resource::Case(c) => c.is_related_to(&s.actor),
                            Resource::Organisation => false,
                        };
                        assert!(
                            related
                                && matches!(&decision, Decision::Deny(d)
                                    if matches!(d.code, DenyCode::Excluded | DenyCode::Restricted)),
                            "seed {seed}: {user} ({:?}) GET {uri} shows a placeholder for {} although the policy says {decision:?}",
                            s.actor.role,
                            case.crn
                        );
                    }
                    if visible || (!placeholder && names_person(&reply, case)) {
                        assert!(
                            decision.is_allowed(),
                            "seed {seed}: {user} ({:?}) GET {uri} lists {} although the policy says {decision:?}",
                            s.actor.role,
                            case.crn
                        );
                    }
                }
                for row in rows.iter().filter(|r| r["row"] == "restricted") {
                    for case in &pop.cases {
                        assert!(
                            !row.to_string().contains(&case.family),
                            "seed {seed}: a placeholder names a person: {row}"
                        );
                    }
                }
            }
            // Organisation-level reads.
            for uri in ["/api/v1/audit?limit=5", "/api/v1/audit/verify"] {
                let reply = get(w, uri, user, JUSTIFIED).await;
                requests += 1;
                let decision = decide(&s.actor, Action::ReadAudit, &Resource::Organisation);
                assert_eq!(
                    reply.status == StatusCode::OK,
                    decision.is_allowed(),
                    "seed {seed}: {user} ({:?}) GET {uri}: {} {}",
                    s.actor.role,
                    reply.status,
                    reply.text
                );
            }
        }
    }
    eprintln!(
        "reliability: access populations={runs} requests={requests} allowed={allowed} denied={denied} leaks=0"
    );
}
