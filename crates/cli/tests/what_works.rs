//! What Works end to end on the real binary: `oasys outcomes import` (bad lines reported, the
//! rest imported, idempotent), `oasys report what-works` on a seeded cohort (every predictor, no
//! count under 10, standalone HTML, CSV numbers), `oasys research export` (no name, CRN, PNC,
//! date of birth or id; keyed pseudonyms) and the cohort filters; analysts only, audited. SQLite
//! always, PostgreSQL too when `OASYS_TEST_POSTGRES_URL` is set.

mod testdb;

use std::collections::BTreeSet;
use std::path::Path;

use chrono::{Months, NaiveDate, TimeZone, Utc};
use oasys_app::{AssessmentRepository, OutcomeRepository, PersonRepository};
use oasys_app::{AuditLog, AuditQuery, CaseAccessRepository, DocumentKind, DocumentRepository};
use oasys_assessment_model::{
    Actor, AnswerValue, Assessment, CaseIds, Command, CourtReportTemplate, Crn, Ethnicity, Gender,
    Layer, Location, Name, NewAssessment, OrgCode, Person, Pnc, Purpose, Rank, SentenceFacts,
    State,
};
use oasys_scoring::{PredictorInput, score};
use oasys_sentence_plan::{DraftOptions, InterventionProgress, PlanType, draft_plan, setting_of};
use oasys_sharing_policy::Role;
use oasys_storage::Database;
use testdb::{TestDb, add_user, assert_code, backends, json, stderr, stdout};
use uuid::Uuid;

/// People in the seeded cohort.
const PEOPLE: u32 = 400;
/// The planted date of birth of person 0 (must never appear in an export).
const PLANTED_DOB: &str = "1961-07-13";

/// A deterministic number in [0, 1) for person `i` and a salt.
fn uniform(i: u32, salt: u64) -> f64 {
    let mut x =
        u64::from(i).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ salt.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x ^= x >> 31;
    x = x.wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^= x >> 29;
    (x >> 11) as f64 / (1u64 << 53) as f64
}

fn crn(i: u32) -> String {
    format!("W{:06}", 500_000 + i)
}

fn pnc(i: u32) -> Pnc {
    let serial = 4_000_000 + u64::from(i);
    let letter = oasys_assessment_model::identifiers::pnc_check_letter(98, serial);
    Pnc::parse(&format!("1998/{serial:07}{letter}")).expect("pnc")
}

fn family(i: u32) -> String {
    format!("Zebedeeson{}", (b'a' + (i % 26) as u8) as char)
}

/// Person `i`: a fifth female, every tenth in custody, three people of a rare ethnic group,
/// half in team N1 (area North), the rest in S1 (South).
fn person(i: u32) -> Person {
    let team = if i.is_multiple_of(2) { "N1" } else { "S1" };
    let ethnicity = match i {
        7..=9 => Some(Ethnicity::WhiteRoma),
        _ if i.is_multiple_of(3) => Some(Ethnicity::BlackCaribbean),
        _ if i % 5 == 1 => None,
        _ => Some(Ethnicity::WhiteBritish),
    };
    Person {
        id: Uuid::from_u128(0x7700_0000 + u128::from(i)),
        ids: CaseIds::new(Some(Crn::parse(&crn(i)).expect("crn")), None, Some(pnc(i)))
            .expect("ids"),
        family_name: Name::parse(&family(i)).expect("name"),
        given_name: Name::parse("Quintessa").expect("name"),
        date_of_birth: if i == 0 {
            NaiveDate::from_ymd_opt(1961, 7, 13).expect("date")
        } else {
            NaiveDate::from_ymd_opt(1960 + (i % 40) as i32, 1 + i % 12, 1 + i % 28).expect("date")
        },
        gender: if i.is_multiple_of(5) {
            Gender::Female
        } else {
            Gender::Male
        },
        location: Location::Community {
            pdu: OrgCode::parse("PDU1").expect("org"),
            team: OrgCode::parse(team).expect("org"),
        },
        ethnicity,
        sexually_motivated_offence_history: Some(false),
        sentence: Some(SentenceFacts {
            sentence_type: if i.is_multiple_of(10) {
                "custody"
            } else {
                "community_order"
            }
            .to_owned(),
            sentence_date: None,
            expected_end: None,
            earliest_release: None,
            licence_end: None,
        }),
    }
}

fn assessment_date(i: u32) -> NaiveDate {
    // Spread over 2025: months 1..=12.
    NaiveDate::from_ymd_opt(2025, 1 + i % 12, 10).expect("date")
}

/// A locked-incomplete assessment with criminal history answers that vary with `i`.
fn assessment(i: u32, person: &Person) -> Assessment {
    let team = if i.is_multiple_of(2) { "N1" } else { "S1" };
    let date = assessment_date(i);
    let at = Utc.from_utc_datetime(&date.and_hms_opt(10, 0, 0).expect("time"));
    let mut a = Assessment::create(
        NewAssessment {
            id: Uuid::from_u128(0x8800_0000 + u128::from(i)),
            layer: Layer::Layer3Full,
            purpose: Purpose::StartOfCommunityOrder,
            question_set_version: oasys_assessment_model::CURRENT_VERSION.to_owned(),
            predictor_set_version: "v4.11".to_owned(),
            team: OrgCode::parse(team).expect("org"),
            assessor: "po1".to_owned(),
            assessment_date: date,
            court_report: CourtReportTemplate::None,
        },
        person,
        at,
    )
    .expect("create");
    let by = Actor {
        id: "po1".to_owned(),
        rank: Rank::new(3).expect("rank"),
        signing_level: None,
    };
    let conviction = date.checked_sub_months(Months::new(2)).expect("date");
    let answers = [
        ("1.29", AnswerValue::Date(conviction)),
        ("1.8", AnswerValue::Count(12 + i % 20)),
        ("1.32", AnswerValue::Count(1 + (i * 7) % 40)),
        ("1.40", AnswerValue::Count(i % 4)),
        (
            "OFFENCE.OGRS3_CATEGORY",
            AnswerValue::Code("burglary_domestic".into()),
        ),
        (
            "OFFENCE.CATEGORY",
            AnswerValue::Code("burglary_domestic".into()),
        ),
        ("1.30", AnswerValue::No),
        ("9.1", AnswerValue::Problems((i % 3) as u8)),
        ("9.2", AnswerValue::Problems(2)),
        ("9.99", AnswerValue::Yes),
    ];
    for (code, value) in answers {
        a.apply(
            &by,
            at,
            Command::Answer {
                code: code.into(),
                value,
            },
        )
        .expect("answer");
    }
    a
}

/// The same document locked incomplete, one version on.
fn locked(a: &Assessment) -> Assessment {
    let mut doc = serde_json::to_value(a).expect("to json");
    doc["state"] = serde_json::to_value(State::LockedIncomplete).expect("state");
    doc["version"] = serde_json::json!(a.version() + 1);
    serde_json::from_value(doc).expect("from json")
}

/// Whether person `i` reoffended (any, violent), drawn from the ARP static probability (else
/// OGRS3, else 30 %), so that the predictors really predict.
fn outcome_of(i: u32, person: &Person, a: &Assessment) -> (bool, bool) {
    let report = score(&PredictorInput::from_assessment(a, person), None);
    let p = report
        .arp_static
        .probability_2y
        .or(report.ogrs3.probability_2y)
        .unwrap_or(0.3);
    let any = uniform(i, 1) < p;
    (any, any && uniform(i, 2) < 0.5)
}

/// Seeds people, locked assessments, plans (some interventions completed or started) and an
/// analyst and a practitioner account; returns the outcomes CSV (header and one row per person).
fn seed(db: &Database) -> String {
    db.set_team_area("N1", "North").expect("area");
    db.set_team_area("S1", "South").expect("area");
    add_user(db, "analyst1", Role::Analyst, "HQ", &[], &[]);
    add_user(db, "po1", Role::Practitioner, "North", &["N1"], &[]);
    let mut csv = String::from(
        "crn,follow_up_start,follow_up_end,first_reoffence,offence_category,violent,sexual\n",
    );
    for i in 0..PEOPLE {
        let p = person(i);
        db.insert_person(&p).expect("person");
        let a = assessment(i, &p);
        db.insert_assessment(&a, None).expect("assessment");
        let l = locked(&a);
        db.update_assessment(&l, a.version(), None).expect("lock");
        if i.is_multiple_of(2) {
            let mut n = 0u128;
            let mut plan = draft_plan(
                &l,
                &DraftOptions {
                    plan_id: Uuid::from_u128(0x9900_0000 + u128::from(i)),
                    plan_type: PlanType::Initial,
                    today: assessment_date(i),
                    setting: setting_of(&p),
                    interventions_per_objective: 1,
                },
                &mut || {
                    n += 1;
                    Uuid::from_u128(0xAA00_0000 + u128::from(i) * 1_000 + n)
                },
            )
            .expect("plan");
            let progress = match i % 6 {
                0 => InterventionProgress::FullyAchieved,
                2 => InterventionProgress::Ongoing,
                _ => InterventionProgress::NotStarted,
            };
            let steps: Vec<(Uuid, Uuid)> = plan
                .objectives()
                .iter()
                .flat_map(|o| o.interventions.iter().map(move |s| (o.id, s.id)))
                .collect();
            for (objective, step) in steps {
                plan.record_intervention_progress(
                    objective,
                    step,
                    progress,
                    assessment_date(i),
                    None,
                )
                .expect("progress");
            }
            db.insert_document(
                DocumentKind::SentencePlan,
                plan.id(),
                p.id,
                Some(l.header().id),
                &serde_json::to_value(&plan).expect("plan json"),
                Utc::now(),
            )
            .expect("store plan");
        }
        let (any, violent) = outcome_of(i, &p, &l);
        let start = assessment_date(i);
        let end = start.checked_add_months(Months::new(24)).expect("date");
        let first = any.then(|| {
            start
                .checked_add_months(Months::new(1 + i % 20))
                .expect("date")
        });
        csv.push_str(&format!(
            "{},{start},{end},{},{},{},{}\n",
            crn(i),
            first.map(|d| d.to_string()).unwrap_or_default(),
            if any { "burglary" } else { "" },
            violent,
            any && i.is_multiple_of(11),
        ));
    }
    csv
}

fn import(db: &TestDb, csv: &str) {
    let file = db.dir().join("outcomes.csv");
    std::fs::write(&file, csv).expect("write outcomes");
    let out = db.oasys(&["outcomes", "import", file.to_str().expect("path")]);
    assert_code(&out, 0);
}

fn audit_actions(db: &TestDb) -> Vec<(String, String, String)> {
    db.open()
        .query(&AuditQuery {
            limit: 100_000,
            ..AuditQuery::default()
        })
        .expect("audit")
        .into_iter()
        .map(|e| {
            (
                e.entry.action,
                e.entry.actor,
                serde_json::to_string(&e.entry.outcome).expect("outcome"),
            )
        })
        .collect()
}

#[test]
fn outcomes_import_reports_bad_lines_imports_the_rest_and_is_idempotent() {
    for db in backends() {
        let store = db.open();
        for i in 0..3 {
            store.insert_person(&person(i)).expect("person");
        }
        let csv = format!(
            "crn,follow_up_start,follow_up_end,first_reoffence,offence_category,violent,sexual\n\
             {a},2025-01-01,2027-01-01,,,false,false\n\
             {b},2025-01-01,2027-01-01,2025-06-01,robbery,yes,no\n\
             X999999,2025-01-01,2027-01-01,,,false,false\n\
             {c},2025-01-01,2027-01-01,2028-01-01,theft,false,false\n\
             {c},2025-01-01,2027-01-01,,,true,false\n\
             {c},2025-13-01,2027-01-01,,,false,false\n\
             {c},2025-01-01,2027-01-01,,,maybe,false\n\
             {c},2025-01-01,2024-01-01,,,false,false\n\
             {c},2025-02-01,2027-02-01,2026-01-05,Theft,0,1\n",
            a = crn(0),
            b = crn(1),
            c = crn(2),
        );
        let file = db.dir().join("outcomes.csv");
        std::fs::write(&file, &csv).expect("write");
        let path = file.to_str().expect("path");
        let first = db.oasys(&["outcomes", "import", path, "--format", "json"]);
        assert_code(&first, 1);
        let summary = json(&first);
        assert_eq!(summary["inserted"], 3, "{summary}");
        let lines: Vec<u64> = summary["rejected"]
            .as_array()
            .expect("rejected")
            .iter()
            .map(|r| r["line"].as_u64().expect("line"))
            .collect();
        assert_eq!(lines, [4, 5, 6, 7, 8, 9], "{summary}");
        let err = stderr(&first);
        for (line, words) in [
            (4, "no person has CRN X999999"),
            (5, "outside the follow-up"),
            (6, "needs the date of the first reoffence"),
            (7, "follow_up_start"),
            (8, "violent"),
            (9, "ends"),
        ] {
            assert!(
                err.contains(&format!("line {line}: ")) && err.contains(words),
                "line {line} ({words}) missing from:\n{err}"
            );
        }
        let stored = store.outcome(person(1).id).expect("read").expect("stored");
        assert_eq!(stored.first_reoffence, NaiveDate::from_ymd_opt(2025, 6, 1));
        assert!(stored.violent && !stored.sexual);
        assert_eq!(stored.offence_category.as_deref(), Some("robbery"));
        let third = store.outcome(person(2).id).expect("read").expect("stored");
        assert!(third.sexual, "the last line for {} wins", crn(2));

        // Again: nothing changes, the same lines are rejected.
        let again = db.oasys(&["outcomes", "import", path, "--format", "json"]);
        assert_code(&again, 1);
        let summary = json(&again);
        assert_eq!(
            (
                &summary["inserted"],
                &summary["updated"],
                &summary["unchanged"]
            ),
            (
                &serde_json::json!(0),
                &serde_json::json!(0),
                &serde_json::json!(3)
            ),
            "{summary}"
        );

        // JSON Lines: a line that is not JSON and one with an unknown field are rejected.
        let jsonl = format!(
            "{{\"crn\":\"{a}\",\"follow_up_start\":\"2025-01-01\",\"follow_up_end\":\"2027-01-01\",\"first_reoffence\":\"2026-02-02\",\"violent\":true}}\n\
             not json\n\n\
             {{\"crn\":\"{b}\",\"follow_up_start\":\"2025-01-01\",\"follow_up_end\":\"2027-01-01\",\"colour\":\"red\"}}\n",
            a = crn(0),
            b = crn(1),
        );
        let file = db.dir().join("outcomes.jsonl");
        std::fs::write(&file, jsonl).expect("write");
        let out = db.oasys(&["outcomes", "import", file.to_str().expect("path")]);
        assert_code(&out, 1);
        let err = stderr(&out);
        assert!(err.contains("line 2: "), "{err}");
        assert!(err.contains("line 4: ") && err.contains("colour"), "{err}");
        assert!(stdout(&out).contains("updated"), "{}", stdout(&out));
        assert!(
            store
                .outcome(person(0).id)
                .expect("read")
                .expect("stored")
                .violent
        );
        let imports = audit_actions(&db)
            .into_iter()
            .filter(|(action, actor, _)| action == "outcomes.import" && actor == "operator:tester")
            .count();
        assert_eq!(imports, 3, "each import is audited once");
    }
}

/// Every number in a CSV file's count columns is 0, at least 10, or `suppressed`.
fn assert_no_small_counts(dir: &Path, file: &str, columns: &[&str]) -> usize {
    let mut reader = csv::Reader::from_path(dir.join(file)).expect("csv");
    let headers = reader.headers().expect("headers").clone();
    let index: Vec<usize> = columns
        .iter()
        .map(|c| headers.iter().position(|h| h == *c).expect("column"))
        .collect();
    let mut rows = 0;
    for record in reader.records() {
        let record = record.expect("row");
        rows += 1;
        for &i in &index {
            let cell = &record[i];
            if cell == "suppressed" {
                continue;
            }
            let n: u64 = cell.parse().unwrap_or_else(|_| panic!("{file}: {cell:?}"));
            assert!(n == 0 || n >= 10, "{file}: a count of {n} in {record:?}");
        }
    }
    rows
}

#[test]
fn report_on_a_seeded_cohort_shows_every_predictor_and_no_small_cell() {
    for db in backends() {
        let store = db.open();
        let csv = seed(&store);
        import(&db, &csv);
        let html = db.dir().join("report.html");
        let csv_dir = db.dir().join("numbers");
        let out = db.oasys(&[
            "report",
            "what-works",
            "--as",
            "analyst1",
            "--output",
            html.to_str().expect("path"),
            "--csv-dir",
            csv_dir.to_str().expect("path"),
        ]);
        assert_code(&out, 0);
        let page = std::fs::read_to_string(&html).expect("html");
        assert!(page.starts_with("<!DOCTYPE html>"));
        for predictor in oasys_what_works::PREDICTORS {
            assert!(
                page.contains(&format!("id=\"{predictor}\"")),
                "{predictor} missing"
            );
        }
        assert!(page.matches("<svg").count() >= 4, "charts are inline SVG");
        for external in [
            "<script",
            "<link",
            "src=\"http",
            "href=\"http",
            "@import",
            "url(",
        ] {
            assert!(!page.contains(external), "the page loads {external}");
        }
        // ARP static is calculated for everyone and validated.
        assert!(
            page.contains("ROC curve: arp_static"),
            "no ROC for arp_static"
        );
        assert!(page.contains("Calibration: arp_static"));
        assert!(page.contains(&format!("<tr><th>People selected</th><td>{PEOPLE}</td>")));
        // The three people of a rare group are never shown on their own.
        assert!(page.contains("white_roma</td><td colspan=\"4\" class=\"s\">suppressed"));
        for name in ["Quintessa", "Zebedeeson", &crn(0), PLANTED_DOB] {
            assert!(!page.contains(name), "{name} in the report");
        }

        let rows = assert_no_small_counts(
            &csv_dir,
            "predictors.csv",
            &["people", "reoffenders", "observed"],
        );
        assert_eq!(rows, oasys_what_works::PREDICTORS.len());
        assert_no_small_counts(&csv_dir, "subgroups.csv", &["people", "reoffenders"]);
        assert_no_small_counts(&csv_dir, "calibration.csv", &["people", "reoffenders"]);
        let cells =
            assert_no_small_counts(&csv_dir, "interventions.csv", &["people", "reoffenders"]);
        assert!(cells > 0, "the plans' interventions are analysed");
        let interventions =
            std::fs::read_to_string(csv_dir.join("interventions.csv")).expect("csv");
        assert!(interventions.contains(",completed,"), "{interventions}");
        let predictors = std::fs::read_to_string(csv_dir.join("predictors.csv")).expect("csv");
        let arp = predictors
            .lines()
            .find(|l| l.starts_with("arp_static,"))
            .expect("arp_static row");
        let auc: f64 = arp
            .split(',')
            .nth(4)
            .expect("auc")
            .parse()
            .expect("a number");
        assert!(auc > 0.55, "outcomes drawn from ARP: AUC {auc}");
        let roc = std::fs::read_to_string(csv_dir.join("roc.csv")).expect("csv");
        assert!(roc.lines().filter(|l| l.starts_with("arp_static,")).count() > 5);

        // Only analysts: a practitioner is refused, and the refusal is audited.
        let refused = db.oasys(&[
            "report",
            "what-works",
            "--as",
            "po1",
            "--output",
            db.dir().join("no.html").to_str().expect("path"),
        ]);
        assert_code(&refused, 2);
        assert!(!db.dir().join("no.html").exists());
        let actions = audit_actions(&db);
        let built = actions
            .iter()
            .filter(|(a, who, outcome)| {
                a == "build_deidentified_dataset"
                    && who == "analyst1"
                    && outcome.contains("allowed")
            })
            .count();
        assert_eq!(built, 1, "{actions:?}");
        assert!(
            actions
                .iter()
                .any(|(a, who, _)| a == "what_works.report" && who == "analyst1"),
            "the cohort combined is audited: {actions:?}"
        );
        assert!(
            actions
                .iter()
                .any(|(a, who, outcome)| a == "build_deidentified_dataset"
                    && who == "po1"
                    && outcome.contains("denied"))
        );
    }
}

fn export(db: &TestDb, name: &str, extra: &[&str], key: &str) -> std::process::Output {
    let key_file = db.dir().join(format!("{name}.key"));
    std::fs::write(&key_file, format!("{key}\n")).expect("key");
    let output = db.dir().join(name);
    let mut args = vec![
        "research",
        "export",
        "--as",
        "analyst1",
        "--key-file",
        key_file.to_str().expect("path"),
        "--output",
        output.to_str().expect("path"),
    ];
    args.extend_from_slice(extra);
    db.oasys(&args)
}

fn read_lines(db: &TestDb, name: &str) -> Vec<serde_json::Value> {
    std::fs::read_to_string(db.dir().join(name))
        .expect("extract")
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect()
}

#[test]
fn research_export_is_de_identified_and_for_analysts_only() {
    for db in backends() {
        let store = db.open();
        let csv = seed(&store);
        import(&db, &csv);
        let key = "a research key of thirty-two bytes";
        assert_code(&export(&db, "one.jsonl", &[], key), 0);
        let text = std::fs::read_to_string(db.dir().join("one.jsonl")).expect("extract");
        assert_eq!(text.lines().count(), PEOPLE as usize);
        let mut planted = vec![
            "Quintessa".to_owned(),
            "Zebedeeson".to_owned(),
            "zebedeeson".to_owned(),
            PLANTED_DOB.to_owned(),
            "1961-07".to_owned(),
            key.to_owned(),
        ];
        for i in 0..PEOPLE {
            let p = person(i);
            planted.push(crn(i));
            planted.push(pnc(i).as_str().to_owned());
            planted.push(p.id.to_string());
            planted.push(Uuid::from_u128(0x8800_0000 + u128::from(i)).to_string());
            planted.push(p.date_of_birth.to_string());
        }
        for value in &planted {
            assert!(!text.contains(value.as_str()), "{value} is in the extract");
        }
        // Dates are months: no YYYY-MM-DD anywhere.
        let day = text
            .split('"')
            .find(|s| s.len() == 10 && NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok());
        assert_eq!(day, None, "an exact date in the extract");
        let lines = read_lines(&db, "one.jsonl");
        let first = &lines[0];
        assert!(
            first["person"]
                .as_str()
                .expect("pseudonym")
                .starts_with("P-")
        );
        assert!(first["age_band"].is_string());
        assert!(first["assessment_month"].as_str().expect("month").len() == 7);
        assert!(first.get("date_of_birth").is_none() && first.get("crn").is_none());
        assert!(lines.iter().any(|l| l["outcome"]["reoffended"] == true));
        assert!(
            lines
                .iter()
                .any(|l| !l["interventions"].as_array().expect("list").is_empty())
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(db.dir().join("one.jsonl"))
                .expect("meta")
                .permissions()
                .mode();
            assert_eq!(mode & 0o077, 0, "readable by others: {mode:o}");
        }

        // The same key links extracts; another key does not.
        assert_code(&export(&db, "two.jsonl", &[], key), 0);
        assert_code(
            &export(&db, "other.jsonl", &[], "a different key, also long enough"),
            0,
        );
        let people = |name: &str| -> BTreeSet<String> {
            read_lines(&db, name)
                .iter()
                .map(|l| l["person"].as_str().expect("p").to_owned())
                .collect()
        };
        assert_eq!(people("one.jsonl"), people("two.jsonl"));
        assert!(people("one.jsonl").is_disjoint(&people("other.jsonl")));

        // A short key, no key, or a non-analyst: refused, nothing written.
        let short = export(&db, "short.jsonl", &[], "short");
        assert_code(&short, 2);
        assert!(
            stderr(&short).contains("at least 16 bytes"),
            "{}",
            stderr(&short)
        );
        let out = db.dir().join("nokey.jsonl");
        let nokey = db.oasys(&[
            "research",
            "export",
            "--as",
            "analyst1",
            "--output",
            out.to_str().expect("path"),
        ]);
        assert_code(&nokey, 2);
        assert!(
            stderr(&nokey).contains("OASYS_PSEUDONYM_KEY"),
            "{}",
            stderr(&nokey)
        );
        let denied = db.oasys(&[
            "research",
            "export",
            "--as",
            "po1",
            "--output",
            out.to_str().expect("path"),
        ]);
        // No key given either: the key is checked first, so give one through the file.
        assert_code(&denied, 2);
        let denied = {
            let key_file = db.dir().join("po.key");
            std::fs::write(&key_file, key).expect("key");
            db.oasys(&[
                "research",
                "export",
                "--as",
                "po1",
                "--key-file",
                key_file.to_str().expect("p"),
                "--output",
                out.to_str().expect("path"),
            ])
        };
        assert_code(&denied, 2);
        assert!(!out.exists(), "a refused export wrote a file");
        let unknown = db.oasys(&[
            "report",
            "what-works",
            "--as",
            "nobody",
            "--output",
            out.to_str().expect("path"),
        ]);
        assert_code(&unknown, 2);
        assert!(
            stderr(&unknown).contains("no account"),
            "{}",
            stderr(&unknown)
        );
    }
}

#[test]
fn cohort_filters_select_the_people_asked_for() {
    for db in backends() {
        let store = db.open();
        let csv = seed(&store);
        import(&db, &csv);
        let key = "a research key of thirty-two bytes";
        let count = |name: &str, extra: &[&str]| -> usize {
            let out = export(&db, name, extra, key);
            assert_code(&out, 0);
            read_lines(&db, name).len()
        };
        let expected = |keep: &dyn Fn(u32) -> bool| (0..PEOPLE).filter(|i| keep(*i)).count();
        assert_eq!(
            count("north.jsonl", &["--area", "North"]),
            expected(&|i| i.is_multiple_of(2))
        );
        assert_eq!(
            count("women.jsonl", &["--sex", "female"]),
            expected(&|i| i.is_multiple_of(5))
        );
        assert_eq!(
            count("custody.jsonl", &["--sentence-type", "custody"]),
            expected(&|i| i.is_multiple_of(10))
        );
        assert_eq!(count("roma.jsonl", &["--ethnicity", "white_roma"]), 3);
        assert_eq!(
            count("q1.jsonl", &["--from", "2025-01-01", "--to", "2025-03-31"]),
            expected(&|i| i % 12 < 3)
        );
        let young = |i: u32| {
            let p = person(i);
            oasys_assessment_model::person::age_on(p.date_of_birth, assessment_date(i)) < 35
                && oasys_assessment_model::person::age_on(p.date_of_birth, assessment_date(i)) >= 30
        };
        assert_eq!(
            count("band.jsonl", &["--age-band", "30-34"]),
            expected(&young)
        );
        assert_eq!(
            count("both.jsonl", &["--area", "South", "--sex", "female"]),
            expected(&|i| i % 2 == 1 && i.is_multiple_of(5))
        );
        for (flag, value, words) in [
            ("--sex", "feline", "unknown sex"),
            ("--ethnicity", "martian", "unknown ethnic group"),
            ("--age-band", "30-35", "unknown age band"),
        ] {
            let out = export(&db, "bad.jsonl", &[flag, value], key);
            assert_code(&out, 2);
            assert!(stderr(&out).contains(words), "{}", stderr(&out));
        }
        let backwards = export(
            &db,
            "bad.jsonl",
            &["--from", "2025-05-01", "--to", "2025-01-01"],
            key,
        );
        assert_code(&backwards, 2);
        // Each extract is audited with the cohort it combined.
        let extracts: Vec<serde_json::Value> = db
            .open()
            .query(&AuditQuery {
                limit: 100_000,
                ..AuditQuery::default()
            })
            .expect("audit")
            .into_iter()
            .filter(|e| e.entry.action == "research.export")
            .map(|e| e.entry.details)
            .collect();
        assert!(
            extracts
                .iter()
                .any(|d| d["filter"]["areas"] == serde_json::json!(["North"])
                    && d["people"] == expected(&|i| i.is_multiple_of(2))),
            "{extracts:?}"
        );
        // The report takes the same filters.
        let html = db.dir().join("north.html");
        let out = db.oasys(&[
            "report",
            "what-works",
            "--as",
            "analyst1",
            "--area",
            "North",
            "--output",
            html.to_str().expect("path"),
        ]);
        assert_code(&out, 0);
        let page = std::fs::read_to_string(&html).expect("html");
        assert!(page.contains("area: North"), "the filter is described");
        assert!(page.contains(&format!(
            "<tr><th>People selected</th><td>{}</td>",
            expected(&|i| i.is_multiple_of(2))
        )));
    }
}
