//! Contract cases for backup, restore and the integrity check: a restored copy holds the same
//! people, assessments (with history), allocations and audit chain.

use oasys_app::*;

use crate::access_cases::{co_worker, lao};
use crate::support::*;

const PLAN: DocumentKind = DocumentKind::SentencePlan;
const PLAN_ID: uuid::Uuid = uuid::Uuid::from_u128(5_000_001);

fn seed(
    t: &TestDb,
) -> (
    oasys_assessment_model::Person,
    oasys_assessment_model::Assessment,
) {
    let db = t.db();
    let p = person(1, "Smith", "Sam");
    db.insert_person(&p).expect("person");
    db.allocate(&Allocation {
        person_id: p.id,
        practitioner: "PO1".into(),
        team: team("TEAM1"),
        allocated_at: at(1),
        allocated_by: "SPO".into(),
    })
    .expect("allocate");
    let v1 = assessment(1, &p, "PO1", "TEAM1", 1);
    db.insert_assessment(&v1, None).expect("insert");
    let v2 = answered(&v1, 1);
    db.update_assessment(&v2, 1, Some(date(2026, 7, 1)))
        .expect("update");
    for i in 1..=4 {
        db.append(&entry(i, Some(p.id), 2)).expect("audit");
    }
    db.set_team_area("TEAM1", "North West").expect("area");
    db.add_relationship(p.id, &co_worker("PO2", 1, 20))
        .expect("co-worker");
    db.set_lao(p.id, &lao(&["PO7"], &["PO1"]), at(2))
        .expect("lao");
    let body = serde_json::json!({ "goals": ["work"] });
    db.insert_document(PLAN, PLAN_ID, p.id, Some(v2.header().id), &body, at(2))
        .expect("plan");
    db.update_document(PLAN, PLAN_ID, 1, &serde_json::json!({ "goals": [] }), at(3))
        .expect("plan revision");
    (p, v2)
}

pub fn backup_then_restore_gives_the_same_data(t: &mut TestDb) {
    let (p, latest) = seed(t);
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("oasys.backup");
    let manifest = t.db().backup(&file).expect("backup");
    assert_eq!(manifest.sha256.len(), 64);
    assert!(manifest.bytes > 0);
    assert!(t.db().backup(&file).is_err(), "never overwrites a backup");
    // Writes after the backup are not in it.
    t.db().append(&entry(99, None, 3)).expect("later audit");
    let mut copy = t.empty_like();
    copy.set(Database::restore(&file, &copy.url).expect("restore"));
    let (db, restored) = (t.db(), copy.db());
    assert!(restored.integrity_check().expect("check").is_ok());
    assert_eq!(restored.get_person(p.id).expect("person"), Some(p.clone()));
    let id = latest.header().id;
    assert_eq!(restored.get_assessment(id).expect("get"), Some(latest));
    assert_eq!(
        restored
            .assessment_history(id, 0, 1_000)
            .expect("history")
            .len(),
        2
    );
    assert_eq!(
        restored.caseload("PO1").expect("caseload"),
        db.caseload("PO1").expect("caseload")
    );
    assert_eq!(
        restored.case_access(p.id).expect("access"),
        db.case_access(p.id).expect("access")
    );
    let access = restored.case_access(p.id).expect("access").expect("known");
    assert_eq!(
        (access.area.as_deref(), access.relationships.len()),
        (Some("North West"), 2)
    );
    assert_eq!(
        restored.document_history(PLAN, PLAN_ID).expect("history"),
        db.document_history(PLAN, PLAN_ID).expect("history")
    );
    assert_eq!(
        restored
            .get_document(PLAN, PLAN_ID)
            .expect("get")
            .map(|d| d.revision),
        Some(2)
    );
    let q = AuditQuery {
        limit: 100,
        ..AuditQuery::default()
    };
    let original = db.query(&q).expect("audit");
    assert_eq!(restored.query(&q).expect("audit"), original[..4].to_vec());
    match restored.verify().expect("verify") {
        ChainReport::Intact { entries, head_hash } => {
            assert_eq!((entries, head_hash), (4, original[3].entry_hash.clone()));
        }
        other => panic!("{other:?}"),
    }
    // The restored copy keeps every rule: appends continue the chain, history stays insert-only.
    restored
        .append(&entry(100, None, 4))
        .expect("append after restore");
    assert!(
        copy.raw(&format!(
            "DELETE FROM assessment_versions WHERE assessment_id = '{id}'"
        ))
        .is_err()
    );
    assert!(
        copy.raw(&format!(
            "DELETE FROM document_revisions WHERE document_id = '{PLAN_ID}'"
        ))
        .is_err()
    );
    restored
        .update_document(PLAN, PLAN_ID, 2, &serde_json::json!({}), at(4))
        .expect("revisions continue after restore");
}

pub fn integrity_check_reports_problems(t: &mut TestDb) {
    let (_, v2) = seed(t);
    assert!(t.db().integrity_check().expect("check").is_ok());
    // An event beyond the current version (written around the repositories) is reported.
    t.raw(&format!(
        "INSERT INTO assessment_events (assessment_id, version, event) VALUES ('{}', 9, '{{}}')",
        v2.header().id
    ))
    .expect("plant an event");
    let report = t.db().integrity_check().expect("check");
    assert_eq!(
        report.problems,
        vec![format!(
            "assessment event newer than the current version: {}",
            v2.header().id
        )]
    );
    t.disable_audit_triggers();
    t.raw("UPDATE audit_log SET actor = 'x' WHERE seq = 2")
        .expect("tamper");
    let report = t.db().integrity_check().expect("check");
    assert_eq!(
        report.audit,
        ChainReport::Broken(ChainBreak::Altered { seq: 2 })
    );
    assert!(!report.is_ok());
}

use oasys_storage::Database;
