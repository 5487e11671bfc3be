//! The What Works page in process on a real SQLite store: an analyst gets the report on a seeded
//! cohort inside the UI (every predictor's section, inline SVG charts, no count under 10, no
//! name), filters it, downloads its numbers as CSV and is told plainly what is wrong with a bad
//! filter; a practitioner gets the policy's refusal for the page and the downloads, whatever the
//! filter; both decisions are audited.

mod support;

use axum::http::{StatusCode, header};
use chrono::{Months, NaiveDate, TimeZone, Utc};
use oasys_app::{
    AssessmentRepository, AuditLog, AuditQuery, OutcomeRepository, PersonRepository,
    ReoffendingOutcome,
};
use oasys_assessment_model::{
    Actor, AnswerValue, Assessment, CaseIds, Command, CourtReportTemplate, Crn, Gender, Layer,
    Location, Name, NewAssessment, OrgCode, Person, Purpose, Rank, SentenceFacts, State,
};
use support::{ANALYST, PO, TEAM, World, world};
use uuid::Uuid;

/// People in the seeded cohort.
const PEOPLE: u32 = 240;

/// A deterministic number in [0, 1) for person `i` and a salt.
fn uniform(i: u32, salt: u64) -> f64 {
    let mut x =
        u64::from(i).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ salt.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x ^= x >> 31;
    x = x.wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^= x >> 29;
    (x >> 11) as f64 / (1u64 << 53) as f64
}

/// Person `i`: a quarter female, every fourth in custody, family names no report may show.
fn person(i: u32) -> Person {
    Person {
        id: Uuid::from_u128(0x5500_0000 + u128::from(i)),
        ids: CaseIds::new(
            Some(Crn::parse(&format!("V{:06}", 100_000 + i)).expect("crn")),
            None,
            None,
        )
        .expect("ids"),
        family_name: Name::parse("Xanthippeson").expect("name"),
        given_name: Name::parse("Ottoline").expect("name"),
        date_of_birth: NaiveDate::from_ymd_opt(1960 + (i % 40) as i32, 1 + i % 12, 1 + i % 28)
            .expect("date"),
        gender: if i.is_multiple_of(4) {
            Gender::Female
        } else {
            Gender::Male
        },
        location: Location::Community {
            pdu: OrgCode::parse("PDU1").expect("org"),
            team: OrgCode::parse(TEAM).expect("org"),
        },
        ethnicity: None,
        sexually_motivated_offence_history: Some(false),
        sentence: Some(SentenceFacts {
            sentence_type: if i.is_multiple_of(4) {
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
    NaiveDate::from_ymd_opt(2024, 1 + i % 12, 10).expect("date")
}

/// Previous sanctions of person `i` (the risk factor the outcomes follow).
fn sanctions(i: u32) -> u32 {
    1 + (i * 7) % 40
}

/// A locked-incomplete assessment with criminal history answers that vary with `i`.
fn assessment(i: u32, person: &Person) -> Assessment {
    let date = assessment_date(i);
    let at = Utc.from_utc_datetime(&date.and_hms_opt(10, 0, 0).expect("time"));
    let mut a = Assessment::create(
        NewAssessment {
            id: Uuid::from_u128(0x6600_0000 + u128::from(i)),
            layer: Layer::Layer3Full,
            purpose: Purpose::StartOfCommunityOrder,
            question_set_version: oasys_assessment_model::CURRENT_VERSION.to_owned(),
            predictor_set_version: "v4.11".to_owned(),
            team: OrgCode::parse(TEAM).expect("org"),
            assessor: PO.to_owned(),
            assessment_date: date,
            court_report: CourtReportTemplate::None,
        },
        person,
        at,
    )
    .expect("create");
    let by = Actor {
        id: PO.to_owned(),
        rank: Rank::new(3).expect("rank"),
        signing_level: None,
    };
    let conviction = date.checked_sub_months(Months::new(2)).expect("date");
    let answers = [
        ("1.29", AnswerValue::Date(conviction)),
        ("1.8", AnswerValue::Count(12 + i % 20)),
        ("1.32", AnswerValue::Count(sanctions(i))),
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

/// Seeds the cohort: people, locked assessments and two-year outcomes whose reoffending rises
/// with previous sanctions.
fn seed(w: &World) {
    for i in 0..PEOPLE {
        let p = person(i);
        w.db.insert_person(&p).expect("person");
        let a = assessment(i, &p);
        w.db.insert_assessment(&a, None).expect("assessment");
        w.db.update_assessment(&locked(&a), a.version(), None)
            .expect("lock");
        let start = assessment_date(i);
        let reoffended = uniform(i, 1) < 0.1 + 0.8 * f64::from(sanctions(i)) / 40.0;
        w.db.record_outcome(&ReoffendingOutcome {
            person_id: p.id,
            follow_up_start: start,
            follow_up_end: start.checked_add_months(Months::new(24)).expect("date"),
            first_reoffence: reoffended.then(|| {
                start
                    .checked_add_months(Months::new(1 + i % 20))
                    .expect("date")
            }),
            offence_category: reoffended.then(|| "burglary".to_owned()),
            violent: reoffended && uniform(i, 2) < 0.5,
            sexual: false,
        })
        .expect("outcome");
    }
}

/// Every count in the report's tables: the integer cells of each row but its first (the first
/// cell names the row; a decile's number is not a count).
fn table_counts(html: &str) -> Vec<u64> {
    html.split("<tr>")
        .skip(1)
        .flat_map(|row| {
            let row = row.split("</tr>").next().unwrap_or_default();
            row.split("<td>")
                .skip(2)
                .filter_map(|cell| cell.split("</td>").next()?.trim().parse::<u64>().ok())
                .collect::<Vec<_>>()
        })
        .collect()
}

fn build_decisions(w: &World, user: &str) -> Vec<String> {
    w.db.query(&AuditQuery {
        limit: 10_000,
        ..AuditQuery::default()
    })
    .expect("audit")
    .into_iter()
    .filter(|e| e.entry.action == "build_deidentified_dataset" && e.entry.actor == user)
    .map(|e| serde_json::to_string(&e.entry.outcome).expect("outcome"))
    .collect()
}

#[tokio::test]
async fn an_analyst_gets_the_report_in_the_ui_with_every_predictor_and_no_small_count() {
    let w = world();
    seed(&w);
    let reply = w.get("/what-works", ANALYST).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let page = &reply.text;
    assert_eq!(
        reply.headers[header::CONTENT_TYPE],
        "text/html; charset=utf-8"
    );
    // Inside the UI: the layout, the navigation item current, the filter form.
    assert!(page.contains("<title>What Works – oasys</title>"));
    assert!(page.contains("href=\"/what-works\" aria-current=\"page\">What Works</a>"));
    assert!(page.contains("<form method=\"get\" action=\"/what-works\""));
    for field in [
        "from",
        "to",
        "area",
        "sex",
        "age_band",
        "ethnicity",
        "sentence_type",
    ] {
        assert!(
            page.contains(&format!("name=\"{field}\"")),
            "{field} missing"
        );
    }
    // Every predictor has its section; the validated ones have their charts.
    for predictor in oasys_what_works::PREDICTORS {
        assert!(
            page.contains(&format!("<h2 id=\"{predictor}\">{predictor}</h2>")),
            "{predictor} missing"
        );
    }
    assert!(page.contains("ROC curve: ogrs3"), "OGRS3 is validated");
    assert!(page.contains("Calibration: ogrs3"));
    assert!(page.matches("<svg").count() >= 2);
    assert!(page.contains(&format!(
        "<tr><th>People selected</th><td>{PEOPLE}</td></tr>"
    )));
    // No count under 10, no inline style (CSP), no one's name or CRN.
    let counts = table_counts(page);
    assert!(counts.len() > 20, "the tables have counts: {counts:?}");
    for n in &counts {
        assert!(*n == 0 || *n >= 10, "a count of {n} is shown");
    }
    assert!(!page.contains("style=\""), "inline style breaks the CSP");
    for identifying in ["Xanthippeson", "Ottoline", "V100000", "V100001"] {
        assert!(!page.contains(identifying), "{identifying} in the report");
    }
    assert!(page.contains("href=\"/what-works.csv?table=predictors\""));

    // Filtered to women: a quarter of the cohort.
    let women = w.get("/what-works?sex=female&area=", ANALYST).await;
    assert_eq!(women.status, StatusCode::OK);
    assert!(
        women
            .text
            .contains("cohort: all assessment dates; sex: female")
    );
    assert!(women.text.contains(&format!("<td>{}</td>", PEOPLE / 4)));
    assert!(
        women
            .text
            .contains("<option value=\"female\" selected>Female</option>")
    );
    // The downloads keep the filters.
    assert!(
        women
            .text
            .contains("href=\"/what-works.csv?sex=female&#38;table=roc\""),
        "{}",
        women.text
    );
    for n in table_counts(&women.text) {
        assert!(n == 0 || n >= 10, "a count of {n} is shown");
    }

    // The numbers as CSV.
    let csv = w
        .get("/what-works.csv?sex=&table=predictors", ANALYST)
        .await;
    assert_eq!(csv.status, StatusCode::OK, "{}", csv.text);
    assert_eq!(csv.headers[header::CONTENT_TYPE], "text/csv; charset=utf-8");
    assert_eq!(
        csv.headers[header::CONTENT_DISPOSITION],
        "attachment; filename=\"what-works-predictors.csv\""
    );
    let lines: Vec<&str> = csv.text.lines().collect();
    assert!(lines[0].starts_with("predictor,outcome,people,reoffenders,auc,"));
    assert_eq!(lines.len(), 1 + oasys_what_works::PREDICTORS.len());
    let ogrs3 = lines
        .iter()
        .find(|l| l.starts_with("ogrs3,any,"))
        .expect("ogrs3 row");
    let auc: f64 = ogrs3
        .split(',')
        .nth(4)
        .expect("auc")
        .parse()
        .expect("number");
    assert!(auc > 0.6, "outcomes follow previous sanctions: AUC {auc}");
    for table in ["calibration", "subgroups", "roc", "interventions"] {
        let reply = w
            .get(&format!("/what-works.csv?table={table}"), ANALYST)
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{table}");
        assert!(!reply.text.contains("Xanthippeson"));
    }
    let unknown = w.get("/what-works.csv?table=people", ANALYST).await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
    assert!(unknown.text.contains("Unknown table"), "{}", unknown.text);

    // A bad filter is explained, with no report.
    let bad = w
        .get(
            "/what-works?from=2025-02-30&to=2024-01-01&sex=robot",
            ANALYST,
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.text
            .contains("<title>Error: What Works – oasys</title>")
    );
    assert!(bad.text.contains("Enter the start date as year-month-day"));
    assert!(bad.text.contains("Select a sex from the list"));
    assert!(!bad.text.contains("<h2 id=\"ogrs3\">"));
    let reversed = w
        .get("/what-works?from=2025-01-01&to=2024-01-01", ANALYST)
        .await;
    assert!(
        reversed
            .text
            .contains("The end date must be the same as or after the start date")
    );

    // Each report built is an allowed, audited decision.
    let decisions = build_decisions(&w, ANALYST);
    assert!(decisions.len() >= 7, "{decisions:?}");
    assert!(
        decisions.iter().all(|d| d.contains("allowed")),
        "{decisions:?}"
    );
}

#[tokio::test]
async fn a_practitioner_is_refused_the_page_and_the_numbers() {
    let w = world();
    seed(&w);
    let caseload = w.get("/caseload", PO).await;
    assert_eq!(caseload.status, StatusCode::OK);
    assert!(
        !caseload.text.contains("href=\"/what-works\""),
        "no nav item"
    );
    let analyst = w.get("/caseload", ANALYST).await;
    assert!(
        analyst.text.contains("href=\"/what-works\""),
        "analysts see it"
    );

    for uri in [
        "/what-works",
        "/what-works?sex=female",
        "/what-works?from=not-a-date",
        "/what-works.csv?table=predictors",
        "/what-works.csv?table=nothing",
    ] {
        let reply = w.get(uri, PO).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{uri}: {}", reply.text);
        assert!(reply.text.contains("You cannot see this page"), "{uri}");
        assert!(!reply.text.contains("<svg"), "{uri}");
        assert!(!reply.text.contains("predictor,outcome"), "{uri}");
    }
    let decisions = build_decisions(&w, PO);
    assert_eq!(decisions.len(), 5, "{decisions:?}");
    assert!(
        decisions.iter().all(|d| !d.contains("allowed")),
        "{decisions:?}"
    );

    // Without a session: the sign-in page.
    let anonymous = w
        .call(axum::http::Method::GET, "/what-works", None, None, &[])
        .await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
    assert_eq!(anonymous.headers[header::LOCATION], "/sign-in");
}
