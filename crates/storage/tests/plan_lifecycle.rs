//! The sentence plan's lifecycle through the app's use cases, on SQLite and (when
//! `OASYS_TEST_POSTGRES_URL` is set) on a fresh PostgreSQL database: signing an assessment reads
//! the stored plan's agreement (no plan or a DRAFT one refuses, naming the plan; a client's
//! `plan_agreed` changes nothing), the agreement is recorded by the plan crate's rules, changes
//! are dated by the service, and the plan is locked once its assessment is signed.

mod support;

use std::sync::atomic::{AtomicU64, Ordering};

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};
use oasys_app::{
    AgreementResponse, AppError, ApplyOptions, NewAssessmentRequest, PLAN_LOCKED_MESSAGE,
    RequestContext,
};
use oasys_assessment_model::{
    AnswerValue, Assessment, Command, CourtReportTemplate, Frequency, Injecting, Layer, OrgCode,
    Purpose, Rank, RelationshipStatus, RiskLevel, State, Vocabulary,
};
use oasys_sentence_plan::{AgreementStatus, Link, ObjectiveOutcome, ObjectiveProgress, PlanChange};
use oasys_sharing_policy::{Actor, Role};
use oasys_storage::Database;

use support::{TestApp, app_on, example_person};

const AREA: &str = "AREA1";

/// One backend: the app on it, and what to drop when done.
struct Backend {
    app: Option<TestApp>,
    pg: Option<(String, String)>,
    _dir: tempfile::TempDir,
}

impl Drop for Backend {
    fn drop(&mut self) {
        self.app.take();
        if let Some((base, name)) = &self.pg
            && let Ok(mut admin) = PgConnection::establish(base)
        {
            let _ =
                admin.batch_execute(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"));
        }
    }
}

impl Backend {
    fn app(&self) -> &TestApp {
        self.app.as_ref().expect("app")
    }
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// SQLite always; PostgreSQL too when `OASYS_TEST_POSTGRES_URL` is set. Each with the example
/// person registered and allocated to PO1 in team T1.
fn backends() -> Vec<Backend> {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("oasys.db").display());
    let mut out = vec![Backend {
        app: Some(app_on(Database::open(&url).expect("open sqlite"))),
        pg: None,
        _dir: dir,
    }];
    if let Ok(base) = std::env::var("OASYS_TEST_POSTGRES_URL")
        && !base.is_empty()
    {
        let name = format!(
            "oasys_plans_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let mut admin = PgConnection::establish(&base).expect("connect to PostgreSQL");
        admin
            .batch_execute(&format!("CREATE DATABASE \"{name}\""))
            .expect("create a database");
        let prefix = base.rsplit_once('/').map_or(base.as_str(), |(p, _)| p);
        out.push(Backend {
            app: Some(app_on(
                Database::open(&format!("{prefix}/{name}")).expect("open postgres"),
            )),
            pg: Some((base.clone(), name)),
            _dir: tempfile::tempdir().expect("temp dir"),
        });
    }
    for backend in &out {
        let app = backend.app();
        let person = example_person();
        let admin = staff("ADMIN", Role::Administrator);
        app.register_person(&admin, &person, &ctx())
            .expect("register");
        app.set_team_area(&admin, "T1", AREA, &ctx())
            .expect("team area");
        let spo = staff("SPO1", Role::SeniorProbationOfficer);
        app.allocate(
            &spo,
            person.id,
            "PO1",
            &OrgCode::parse("T1").expect("team"),
            &ctx(),
        )
        .expect("allocate");
    }
    out
}

fn staff(id: &str, role: Role) -> Actor {
    let mut actor = Actor::new(id, role, AREA);
    actor.teams.insert("T1".into());
    if matches!(role, Role::Practitioner) {
        actor.grade = Rank::new(3).ok();
    }
    if matches!(role, Role::SeniorProbationOfficer) {
        actor.managed_teams.insert("T1".into());
    }
    actor
}

fn po1() -> Actor {
    staff("PO1", Role::Practitioner)
}

fn ctx() -> RequestContext {
    RequestContext {
        correlation_id: Some("test".into()),
        justification: None,
    }
}

/// A valid "no concern" answer for a vocabulary.
fn default_value(code: &str, vocabulary: &Vocabulary) -> AnswerValue {
    let day = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d).expect("date");
    match vocabulary {
        Vocabulary::YesNo | Vocabulary::YesNoDontKnow | Vocabulary::YesNoMissing => AnswerValue::No,
        Vocabulary::Problems { .. } => AnswerValue::Problems(0),
        Vocabulary::Frequency => AnswerValue::Frequency(Frequency::Occasional),
        Vocabulary::RelationshipStatus => {
            AnswerValue::RelationshipStatus(RelationshipStatus::NotInRelationship)
        }
        Vocabulary::RiskLevel => AnswerValue::RiskLevel(RiskLevel::Low),
        Vocabulary::Injecting => AnswerValue::Injecting(Injecting::Never),
        Vocabulary::Date => AnswerValue::Date(if code == "OFFENCE.DATE" {
            day(2025, 12, 1)
        } else {
            day(2026, 1, 10)
        }),
        Vocabulary::Count { min, .. } => {
            AnswerValue::Count(if code == "1.8" { 15 } else { (*min).max(2) })
        }
        Vocabulary::OffenceCode => AnswerValue::Code("02700".into()),
        Vocabulary::OffenceCategory { .. } => AnswerValue::Code("other_offences".into()),
        Vocabulary::Choice { options } => {
            AnswerValue::Code(options.first().cloned().unwrap_or_default())
        }
        Vocabulary::MultiSelect { .. } => AnswerValue::Options(Vec::new()),
        Vocabulary::Text { .. } => AnswerValue::Text("recorded".into()),
    }
}

/// A new assessment of this layer and purpose with every item mandatory for the layer answered:
/// nothing but (for a purpose that needs one) the plan stops its signature.
fn filled(app: &TestApp, layer: Layer, purpose: Purpose) -> Assessment {
    let person = example_person();
    let request = NewAssessmentRequest {
        layer,
        purpose,
        court_report: CourtReportTemplate::None,
        clone_previous: false,
    };
    let created = app
        .create_assessment(&po1(), person.id, &request, &ctx())
        .expect("create");
    let mut commands: Vec<Command> = created
        .question_set()
        .questions
        .iter()
        .filter(|q| q.required.for_layer(layer))
        .map(|q| Command::Answer {
            code: q.code.clone(),
            value: default_value(&q.code, &q.vocabulary),
        })
        .collect();
    commands.push(Command::Answer {
        code: "OFFENCE.CODE".into(),
        value: AnswerValue::Code("02700".into()),
    });
    app.apply_all(
        &po1(),
        created.header().id,
        created.version(),
        commands,
        &ApplyOptions::default(),
        &ctx(),
    )
    .expect("answers")
}

/// Signs as PO1, sending `plan_agreed` as a client might.
fn sign(app: &TestApp, a: &Assessment, plan_agreed: Option<bool>) -> Result<Assessment, AppError> {
    app.apply(
        &po1(),
        a.header().id,
        a.version(),
        Command::Sign { plan_agreed },
        &ApplyOptions::default(),
        &ctx(),
    )
}

fn messages(result: Result<Assessment, AppError>) -> Vec<String> {
    match result {
        Err(AppError::Invalid(messages)) => messages,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

fn agreed_today() -> AgreementResponse {
    AgreementResponse {
        status: AgreementStatus::Agreed,
        date: chrono::NaiveDate::from_ymd_opt(2026, 3, 2),
        note: None,
    }
}

#[test]
fn signing_reads_the_stored_plan_and_ignores_the_clients_flag() {
    for backend in backends() {
        let app = backend.app();
        let a = filled(app, Layer::Layer1Basic, Purpose::StartOfCommunityOrder);

        // No plan: refused whatever the client says, naming the plan.
        for flag in [None, Some(true)] {
            let refused = messages(sign(app, &a, flag));
            assert!(
                refused
                    .iter()
                    .any(|m| m.contains("no sentence plan for this assessment")),
                "{refused:?}"
            );
        }

        // A drafted plan whose agreement is still DRAFT: refused, naming the plan.
        let plan = app
            .draft_plan(&po1(), a.header().id, &ctx())
            .expect("draft");
        assert!(!plan.locked);
        let refused = messages(sign(app, &a, Some(true)));
        assert!(
            refused
                .iter()
                .any(|m| m.contains("agreement to the sentence plan is still DRAFT")),
            "{refused:?}"
        );

        // Agreed: it signs, even with a client saying the opposite.
        let recorded = app
            .record_plan_agreement(
                &po1(),
                plan.plan.id(),
                plan.revision,
                agreed_today(),
                &ctx(),
            )
            .expect("agreement");
        assert_eq!(recorded.revision, plan.revision + 1);
        assert_eq!(
            recorded.plan.agreement().recorded_by.as_deref(),
            Some("PO1")
        );
        let signed = sign(app, &a, Some(false)).expect("signed with an agreed plan");
        assert!(
            matches!(signed.state(), State::Complete { .. }),
            "{:?}",
            signed.state()
        );

        // Now the plan is locked: read-only, and every change is a conflict (409).
        let read = app.plan(&po1(), plan.plan.id(), &ctx()).expect("read");
        assert!(read.locked);
        let note = PlanChange::Note {
            text: "Met at the office".into(),
        };
        let changed = app.change_plan(&po1(), plan.plan.id(), read.revision, vec![note], &ctx());
        match changed {
            Err(AppError::Conflict {
                reason,
                current_version: None,
            }) => assert_eq!(reason, PLAN_LOCKED_MESSAGE),
            other => panic!("expected the plan locked, got {other:?}"),
        }
        let again = app.record_plan_agreement(
            &po1(),
            plan.plan.id(),
            read.revision,
            agreed_today(),
            &ctx(),
        );
        assert!(
            matches!(
                again,
                Err(AppError::Conflict {
                    current_version: None,
                    ..
                })
            ),
            "{again:?}"
        );
        let redraft = app.draft_plan(&po1(), a.header().id, &ctx());
        assert!(
            matches!(redraft, Err(AppError::Conflict { .. })),
            "{redraft:?}"
        );
        assert_eq!(
            app.plan(&po1(), plan.plan.id(), &ctx())
                .expect("read")
                .revision,
            read.revision
        );
    }
}

#[test]
fn a_risk_only_assessment_signs_without_a_plan() {
    for backend in backends() {
        let app = backend.app();
        let a = filled(app, Layer::Standalone, Purpose::RiskOfHarmAssessment);
        let signed = sign(app, &a, Some(false)).expect("no plan needed");
        assert!(
            matches!(signed.state(), State::Complete { .. }),
            "{:?}",
            signed.state()
        );
    }
}

#[test]
fn the_agreement_follows_the_plan_rules() {
    for backend in backends() {
        let app = backend.app();
        let a = filled(app, Layer::Layer1Basic, Purpose::StartOfCommunityOrder);
        let plan = app
            .draft_plan(&po1(), a.header().id, &ctx())
            .expect("draft");
        let id = plan.plan.id();
        let refusal = |response: AgreementResponse| match app.record_plan_agreement(
            &po1(),
            id,
            plan.revision,
            response,
            &ctx(),
        ) {
            Err(AppError::Invalid(messages)) => messages.join("; "),
            other => panic!("expected a refusal, got {other:?}"),
        };
        let undated = refusal(AgreementResponse {
            date: None,
            ..agreed_today()
        });
        assert!(
            undated.contains("date of the person's agreement is required"),
            "{undated}"
        );
        let unnoted = refusal(AgreementResponse {
            status: AgreementStatus::DoNotAgree,
            note: Some("  ".into()),
            ..agreed_today()
        });
        assert!(unnoted.contains("a note is required"), "{unnoted}");
        let future = refusal(AgreementResponse {
            date: chrono::NaiveDate::from_ymd_opt(2026, 3, 3),
            ..agreed_today()
        });
        assert!(future.contains("in the future"), "{future}");
        let draft = refusal(AgreementResponse {
            status: AgreementStatus::Draft,
            ..agreed_today()
        });
        assert!(draft.contains("choose the person's response"), "{draft}");
        // Nothing was stored by the refusals; a stale revision is a conflict with the current one.
        let noted = app
            .record_plan_agreement(
                &po1(),
                id,
                plan.revision,
                AgreementResponse {
                    status: AgreementStatus::CouldNotAnswer,
                    note: Some("Interpreter not available".into()),
                    ..agreed_today()
                },
                &ctx(),
            )
            .expect("could not answer, with a note");
        assert_eq!(noted.revision, plan.revision + 1);
        let stale = app.record_plan_agreement(&po1(), id, plan.revision, agreed_today(), &ctx());
        assert!(
            matches!(stale, Err(AppError::Conflict { current_version: Some(v), .. }) if v == noted.revision),
            "{stale:?}"
        );
        // Another practitioner outside the case may not record it.
        let outsider = {
            let mut actor = Actor::new("PO9", Role::Practitioner, "AREA2");
            actor.teams.insert("T9".into());
            actor
        };
        let denied =
            app.record_plan_agreement(&outsider, id, noted.revision, agreed_today(), &ctx());
        assert!(
            matches!(denied, Err(AppError::Denied(_) | AppError::NotFound { .. })),
            "{denied:?}"
        );
    }
}

#[test]
fn changes_are_dated_by_the_service_and_applied_whole_or_not_at_all() {
    for backend in backends() {
        let app = backend.app();
        let a = filled(app, Layer::Layer1Basic, Purpose::StartOfCommunityOrder);
        let plan = app
            .draft_plan(&po1(), a.header().id, &ctx())
            .expect("draft");
        let id = plan.plan.id();
        let add = PlanChange::AddObjective {
            title: "Find settled accommodation".into(),
            text: String::new(),
            links: vec![Link::Need(oasys_assessment_model::Section::Accommodation)],
            measure: "Tenancy in place".into(),
            target_date: chrono::NaiveDate::from_ymd_opt(2026, 9, 1),
        };
        let changed = app
            .change_plan(&po1(), id, plan.revision, vec![add], &ctx())
            .expect("add");
        let objective = changed.plan.objectives().last().expect("added").clone();
        assert_eq!(objective.created.to_string(), "2026-03-02");

        // A list with a bad change stores nothing, not even the good one before it.
        let good = PlanChange::ObjectiveProgress {
            objective: objective.id,
            progress: ObjectiveProgress::Ongoing,
            note: Some("Bidding on flats".into()),
        };
        let bad = PlanChange::RemoveObjective {
            objective: uuid::Uuid::from_u128(0xdead),
        };
        let refused = app.change_plan(
            &po1(),
            id,
            changed.revision,
            vec![good.clone(), bad],
            &ctx(),
        );
        match refused {
            Err(AppError::Invalid(messages)) => {
                assert!(
                    messages[0].starts_with("remove_objective: "),
                    "{messages:?}"
                );
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
        let unchanged = app.plan(&po1(), id, &ctx()).expect("read");
        assert_eq!(unchanged.revision, changed.revision);
        let progressed = app
            .change_plan(&po1(), id, changed.revision, vec![good], &ctx())
            .expect("progress");
        let entry = progressed
            .plan
            .objective(objective.id)
            .and_then(|o| o.history.last().cloned())
            .expect("history");
        assert_eq!(entry.date.to_string(), "2026-03-02");
        assert_eq!(entry.progress, ObjectiveProgress::Ongoing);
        // The agreement and signing stay as they were: a change cannot touch them.
        assert_eq!(progressed.plan.agreement(), plan.plan.agreement());
        assert_eq!(progressed.plan.signing(), plan.plan.signing());
        let nothing = app.change_plan(&po1(), id, progressed.revision, Vec::new(), &ctx());
        assert!(matches!(nothing, Err(AppError::Invalid(_))), "{nothing:?}");
    }
}

#[test]
fn the_plan_follows_its_assessment_and_the_next_assessment_reviews_it() {
    for backend in backends() {
        let app = backend.app();
        let a = filled(app, Layer::Layer1Basic, Purpose::StartOfCommunityOrder);
        let none = app.review_plan(&po1(), a.header().id, &ctx());
        match none {
            Err(AppError::Invalid(messages)) => {
                assert!(
                    messages[0].contains("no signed sentence plan"),
                    "{messages:?}"
                );
            }
            other => panic!("expected no plan to review, got {other:?}"),
        }
        let plan = app
            .draft_plan(&po1(), a.header().id, &ctx())
            .expect("draft");
        let id = plan.plan.id();
        let objective = |title: &str| PlanChange::AddObjective {
            title: title.into(),
            text: String::new(),
            links: vec![Link::Need(oasys_assessment_model::Section::Accommodation)],
            measure: "Reviewed at supervision".into(),
            target_date: None,
        };
        let added = app
            .change_plan(
                &po1(),
                id,
                plan.revision,
                vec![objective("Find a tenancy"), objective("Register with a GP")],
                &ctx(),
            )
            .expect("objectives");
        let achieved = added.plan.objectives()[1].id;
        let closed = app
            .change_plan(
                &po1(),
                id,
                added.revision,
                vec![PlanChange::ObjectiveProgress {
                    objective: achieved,
                    progress: ObjectiveProgress::FullyAchieved,
                    note: None,
                }],
                &ctx(),
            )
            .expect("achieved");
        app.record_plan_agreement(&po1(), id, closed.revision, agreed_today(), &ctx())
            .expect("agreement");
        let signed = sign(app, &a, None).expect("signed");

        // Signing the assessment signed the plan, in the same unit of work.
        let first = app.plan(&po1(), id, &ctx()).expect("read");
        assert_eq!(
            first.plan.signing(),
            oasys_sentence_plan::SigningStatus::SelfSigned
        );
        assert!(first.locked);

        // The next assessment starts from a review of it: the open objective carried forward.
        let b = filled(app, Layer::Layer1Basic, Purpose::StartOfCommunityOrder);
        assert_ne!(b.header().id, signed.header().id);
        let review = app
            .start_plan(&po1(), b.header().id, &ctx())
            .expect("review");
        assert_eq!(
            review.plan.plan_type(),
            oasys_sentence_plan::PlanType::Review
        );
        assert_eq!(
            (review.plan.version(), review.plan.previous()),
            (2, Some(id))
        );
        let carried: Vec<_> = review
            .plan
            .objectives()
            .iter()
            .map(|o| (o.title.as_str(), o.copied_forward))
            .collect();
        assert_eq!(carried, vec![("Find a tenancy", true)]);
        let (_, progress) = app
            .plan_with_progress(&po1(), review.plan.id(), &ctx())
            .expect("progress");
        let outcomes: Vec<_> = progress
            .expect("a review has progress")
            .objectives
            .into_iter()
            .map(|c| (c.title, c.outcome))
            .collect();
        assert_eq!(
            outcomes,
            vec![
                ("Find a tenancy".to_owned(), ObjectiveOutcome::CarriedOver),
                ("Register with a GP".to_owned(), ObjectiveOutcome::Achieved),
            ]
        );
        let (_, first_progress) = app
            .plan_with_progress(&po1(), id, &ctx())
            .expect("progress");
        assert_eq!(first_progress, None);
        assert_eq!(review.plan.agreement().status, AgreementStatus::Draft);
        assert_eq!(app.plan(&po1(), id, &ctx()).expect("read"), first);
        let twice = app.review_plan(&po1(), b.header().id, &ctx());
        assert!(matches!(twice, Err(AppError::Conflict { .. })), "{twice:?}");

        // Locked incomplete, the review plan is locked incomplete with it.
        let locked = app
            .apply(
                &po1(),
                b.header().id,
                b.version(),
                Command::LockIncomplete {
                    reason: "Moved out of the area".into(),
                },
                &ApplyOptions::default(),
                &ctx(),
            )
            .expect("lock");
        assert_eq!(*locked.state(), State::LockedIncomplete);
        let review = app.plan(&po1(), review.plan.id(), &ctx()).expect("read");
        assert_eq!(
            review.plan.signing(),
            oasys_sentence_plan::SigningStatus::LockedIncomplete
        );
        assert!(review.locked);
    }
}

#[test]
fn a_rolled_back_assessment_reopens_its_plan() {
    for backend in backends() {
        let app = backend.app();
        let a = filled(app, Layer::Layer1Basic, Purpose::StartOfCommunityOrder);
        let plan = app
            .draft_plan(&po1(), a.header().id, &ctx())
            .expect("draft");
        let id = plan.plan.id();
        app.record_plan_agreement(&po1(), id, plan.revision, agreed_today(), &ctx())
            .expect("agreement");
        let signed = sign(app, &a, None).expect("signed");
        assert!(app.plan(&po1(), id, &ctx()).expect("read").locked);

        let spo = staff("SPO1", Role::SeniorProbationOfficer);
        let reopened = app
            .apply(
                &spo,
                signed.header().id,
                signed.version(),
                Command::Rollback {
                    reason: "Wrong offence recorded".into(),
                },
                &ApplyOptions::default(),
                &ctx(),
            )
            .expect("rollback");
        assert_eq!(*reopened.state(), State::Open);
        let read = app.plan(&po1(), id, &ctx()).expect("read");
        assert!(!read.locked);
        assert_eq!(
            read.plan.signing(),
            oasys_sentence_plan::SigningStatus::RolledBack
        );
        let statuses: Vec<_> = read
            .plan
            .signing_events()
            .iter()
            .map(|e| (e.from, e.to))
            .collect();
        assert_eq!(
            statuses,
            vec![
                (
                    oasys_sentence_plan::SigningStatus::Unsigned,
                    oasys_sentence_plan::SigningStatus::SelfSigned
                ),
                (
                    oasys_sentence_plan::SigningStatus::SelfSigned,
                    oasys_sentence_plan::SigningStatus::RolledBack
                ),
            ]
        );
        // Editable again, and its agreement still counts when the assessment is signed again.
        let note = PlanChange::Note {
            text: "Offence corrected".into(),
        };
        let changed = app
            .change_plan(&po1(), id, read.revision, vec![note], &ctx())
            .expect("a change to the reopened plan");
        assert_eq!(changed.plan.agreement().status, AgreementStatus::Agreed);
        let again = sign(app, &reopened, None).expect("signed again");
        assert!(matches!(again.state(), State::Complete { .. }));
        assert_eq!(
            app.plan(&po1(), id, &ctx()).expect("read").plan.signing(),
            oasys_sentence_plan::SigningStatus::SelfSigned
        );
    }
}
