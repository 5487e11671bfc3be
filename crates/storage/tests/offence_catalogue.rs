//! The offence-catalogue port and the operators' listings on SQLite (and on a fresh PostgreSQL
//! database when `OASYS_TEST_POSTGRES_URL` is set), and the app scoring with the stored
//! catalogue: an offence given only by its code is resolved once a catalogue is loaded.

mod support;

use std::sync::atomic::{AtomicU64, Ordering};

use chrono::NaiveDate;
use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};
use oasys_app::{
    AppError, ApplyOptions, Listings, NewAssessmentRequest, OffenceRepository, OffenceRow,
    RequestContext, Storage, StoreError,
};
use oasys_assessment_model::{
    AnswerValue, Command, CourtReportTemplate, Layer, OrgCode, Person, Purpose, Rank,
};
use oasys_sharing_policy::{Actor, Role};
use oasys_storage::Database;

/// A database for one test, dropped at the end.
struct TestDb {
    db: Option<Database>,
    pg: Option<(String, String)>,
    _dir: tempfile::TempDir,
}

impl Drop for TestDb {
    fn drop(&mut self) {
        self.db.take();
        if let Some((base, name)) = &self.pg
            && let Ok(mut admin) = PgConnection::establish(base)
        {
            let _ =
                admin.batch_execute(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"));
        }
    }
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

fn databases() -> Vec<TestDb> {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("oasys.db").display());
    let mut out = vec![TestDb {
        db: Some(Database::open(&url).expect("open sqlite")),
        pg: None,
        _dir: dir,
    }];
    if let Ok(base) = std::env::var("OASYS_TEST_POSTGRES_URL")
        && !base.is_empty()
    {
        let name = format!(
            "oasys_offences_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let mut admin = PgConnection::establish(&base).expect("connect to PostgreSQL");
        admin
            .batch_execute(&format!("CREATE DATABASE \"{name}\""))
            .expect("create a database");
        let prefix = base.rsplit_once('/').map_or(base.as_str(), |(p, _)| p);
        let url = format!("{prefix}/{name}");
        out.push(TestDb {
            db: Some(Database::open(&url).expect("open postgres")),
            pg: Some((base.clone(), name)),
            _dir: tempfile::tempdir().expect("temp dir"),
        });
    }
    out
}

fn row(code: &str, status: &str, ogrs3: &str) -> OffenceRow {
    OffenceRow {
        code: code.to_owned(),
        ogrs3_status: status.to_owned(),
        ogrs3_category: ogrs3.to_owned(),
        snsv_category: String::new(),
        actuarial_category: String::new(),
    }
}

#[test]
fn the_catalogue_is_replaced_whole_or_not_at_all() {
    for t in databases() {
        let db = t.db.as_ref().expect("open");
        assert!(db.offences().unwrap().is_empty());
        assert_eq!(db.offence_count().unwrap(), 0);
        let first = vec![
            row("02800", "mapped", "burglary_domestic"),
            row("00001", "not_mapped", ""),
        ];
        db.replace_offences(&first).unwrap();
        let stored = db.offences().unwrap();
        assert_eq!(
            stored.iter().map(|r| r.code.as_str()).collect::<Vec<_>>(),
            ["00001", "02800"]
        );
        assert_eq!(stored[1], first[0]);
        // A duplicate code is refused and the old catalogue stays.
        let duplicate = vec![
            row("03000", "not_mapped", ""),
            row("03000", "not_mapped", ""),
        ];
        assert!(matches!(
            db.replace_offences(&duplicate),
            Err(StoreError::Invalid { .. })
        ));
        assert_eq!(db.offence_count().unwrap(), 2);
        // Inside a unit of work that fails later, the replacement rolls back.
        let failed: Result<(), AppError> = db.in_transaction(|repos| {
            repos.replace_offences(&[row("09999", "not_mapped", "")])?;
            Err(AppError::Invalid(vec!["a later step failed".to_owned()]))
        });
        assert!(failed.is_err());
        assert_eq!(db.offence_count().unwrap(), 2);
        db.replace_offences(&[row("09999", "not_mapped", "")])
            .unwrap();
        assert_eq!(db.offences().unwrap(), vec![row("09999", "not_mapped", "")]);
        // The listings see no people or users yet; pages of an empty store are empty.
        assert!(db.users().unwrap().is_empty());
        assert!(db.people_after(None, 10).unwrap().is_empty());
        assert!(db.assessments_after(None, 10).unwrap().is_empty());
        assert!(db.teams().unwrap().is_empty());
    }
}

fn person(n: u128) -> Person {
    support::person_with(n, &format!("X{n:06}"))
}

#[test]
fn scoring_resolves_an_offence_code_with_the_stored_catalogue() {
    for mut t in databases() {
        let db = t.db.take().expect("an open database");
        let app = support::app_on(db);
        let ctx = RequestContext::default();
        let admin = Actor::new("ADMIN", Role::Administrator, "AREA1");
        let mut spo = Actor::new("SPO1", Role::SeniorProbationOfficer, "AREA1");
        spo.teams.insert("T1".into());
        spo.managed_teams.insert("T1".into());
        let mut po = Actor::new("PO1", Role::Practitioner, "AREA1");
        po.teams.insert("T1".into());
        po.grade = Rank::new(3).ok();
        let subject = person(7);
        app.register_person(&admin, &subject, &ctx)
            .expect("register");
        app.set_team_area(&admin, "T1", "AREA1", &ctx)
            .expect("area");
        app.allocate(
            &spo,
            subject.id,
            "PO1",
            &OrgCode::parse("T1").unwrap(),
            &ctx,
        )
        .expect("allocate");
        let request = NewAssessmentRequest {
            layer: Layer::Layer3Full,
            purpose: Purpose::StartOfCommunityOrder,
            court_report: CourtReportTemplate::None,
            clone_previous: false,
        };
        let mut a = app
            .create_assessment(&po, subject.id, &request, &ctx)
            .expect("create");
        for (code, value) in [
            (
                "1.29",
                AnswerValue::Date(NaiveDate::from_ymd_opt(2025, 6, 1).expect("date")),
            ),
            ("1.8", AnswerValue::Count(16)),
            ("1.32", AnswerValue::Count(5)),
            ("OFFENCE.CODE", AnswerValue::Code("02800".into())),
        ] {
            let command = Command::Answer {
                code: code.into(),
                value,
            };
            a = app
                .apply(
                    &po,
                    a.header().id,
                    a.version(),
                    command,
                    &ApplyOptions::default(),
                    &ctx,
                )
                .expect("answer");
        }
        let id = a.header().id;
        let without = app.score_assessment(&po, id, None, &ctx).expect("score");
        assert!(
            !without.report.ogrs3.is_calculated(),
            "a code alone cannot be scored without a catalogue"
        );
        app.store()
            .replace_offences(&[row("02800", "mapped", "burglary_domestic")])
            .expect("load a catalogue");
        let with = app.score_assessment(&po, id, None, &ctx).expect("score");
        assert!(
            with.report.ogrs3.is_calculated(),
            "{:?}",
            with.report.ogrs3.reasons
        );
    }
}
