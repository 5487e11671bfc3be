//! `oasys user list`, `oasys team`, `oasys allocate` and `oasys lao` end to end: the real binary on
//! a temporary SQLite database (and a fresh PostgreSQL one when `OASYS_TEST_POSTGRES_URL` is set).

mod testdb;

use oasys_app::{AllocationRepository, AuditLog, AuditQuery, CaseAccessRepository};
use oasys_sharing_policy::Role;
use testdb::{TestDb, add_people, add_user, assert_code, backends, json, person, stderr, stdout};

/// Audit entries with this action, oldest first.
fn audited(db: &TestDb, action: &str) -> Vec<oasys_app::AuditEntry> {
    db.open()
        .query(&AuditQuery {
            limit: 10_000,
            ..AuditQuery::default()
        })
        .expect("read the audit log")
        .into_iter()
        .filter(|e| e.entry.action == action)
        .collect()
}

fn seed(db: &TestDb) {
    let store = db.open();
    add_people(&store, &[person(1, "N1"), person(2, "N1")]);
    add_user(&store, "po1", Role::Practitioner, "North", &["N1"], &[]);
    add_user(
        &store,
        "po2",
        Role::Practitioner,
        "North",
        &["N1", "N2"],
        &[],
    );
    add_user(
        &store,
        "spo1",
        Role::SeniorProbationOfficer,
        "North",
        &["N1"],
        &["N1"],
    );
    add_user(&store, "admin", Role::Administrator, "HQ", &[], &[]);
}

#[test]
fn user_list_shows_profiles_and_never_hashes() {
    for db in backends() {
        let empty = db.oasys(&["user", "list"]);
        assert_code(&empty, 0);
        assert!(stdout(&empty).contains("no accounts"), "{}", stdout(&empty));
        seed(&db);
        let table = db.oasys(&["user", "list"]);
        assert_code(&table, 0);
        let text = stdout(&table);
        assert!(text.starts_with("USERNAME"), "{text}");
        assert!(text.contains("spo1"), "{text}");
        assert!(text.contains("senior_probation_officer"), "{text}");
        assert!(!text.contains("argon2"), "a hash leaked: {text}");
        assert_code(&db.oasys(&["user", "disable", "po2"]), 0);
        let listed = json(&db.oasys(&["user", "list", "--format", "json"]));
        let users = listed.as_array().expect("an array");
        assert_eq!(users.len(), 4, "{} on {}", listed, db.backend);
        let names: Vec<&str> = users
            .iter()
            .map(|u| u["username"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["admin", "po1", "po2", "spo1"]);
        assert_eq!(users[2]["disabled"], true);
        assert_eq!(users[2]["teams"], serde_json::json!(["N1", "N2"]));
        assert_eq!(users[3]["managed_teams"], serde_json::json!(["N1"]));
        assert!(!listed.to_string().contains("argon2"));
        assert!(users.iter().all(|u| u.get("password_hash").is_none()));
    }
}

#[test]
fn allocate_by_crn_or_id_is_audited_and_checked() {
    for db in backends() {
        seed(&db);
        let out = db.oasys(&["allocate", "T000001", "po1", "--format", "json"]);
        assert_code(&out, 0);
        let report = json(&out);
        assert_eq!(report["team"], "N1");
        assert_eq!(report["practitioner"], "po1");
        let store = db.open();
        let p1 = person(1, "N1").id;
        let current = store.current_allocation(p1).unwrap().expect("allocated");
        assert_eq!(current.practitioner, "po1");
        assert_eq!(current.allocated_by, "operator:tester");
        // By id, with two teams: --team is needed.
        let id = p1.to_string();
        let ambiguous = db.oasys(&["allocate", &id, "po2"]);
        assert_code(&ambiguous, 2);
        assert!(
            stderr(&ambiguous).contains("--team"),
            "{}",
            stderr(&ambiguous)
        );
        assert_code(&db.oasys(&["allocate", &id, "po2", "--team", "N2"]), 0);
        let current = store.current_allocation(p1).unwrap().expect("allocated");
        assert_eq!(
            (current.practitioner.as_str(), current.team.as_str()),
            ("po2", "N2")
        );
        let events = audited(&db, "allocate");
        assert_eq!(events.len(), 2, "on {}", db.backend);
        assert_eq!(events[1].entry.subject_person, Some(p1));
        assert_eq!(events[1].entry.actor, "operator:tester");
        assert_eq!(events[1].entry.details["previous_practitioner"], "po1");
        // Refusals change nothing and say why.
        for (args, says) in [
            (
                vec!["allocate", "T000009", "po1"],
                "no person with CRN T000009",
            ),
            (vec!["allocate", "nonsense", "po1"], "neither a person id"),
            (vec!["allocate", "T000001", "ghost"], "no account"),
            (
                vec!["allocate", "T000001", "spo1"],
                "practitioners and prison offender managers",
            ),
            (
                vec!["allocate", "T000001", "po1", "--team", "N9"],
                "not in team N9",
            ),
        ] {
            let out = db.oasys(&args);
            assert_code(&out, 2);
            assert!(stderr(&out).contains(says), "{args:?}: {}", stderr(&out));
        }
        assert_eq!(audited(&db, "allocate").len(), 2);
        // Excluding the practitioner who holds a case warns that they lost it.
        let out = db.oasys(&["lao", "exclude", "T000001", "po2"]);
        assert_code(&out, 0);
        assert!(
            stderr(&out).contains("po2, who holds the case, can no longer see T000001"),
            "{}",
            stderr(&out)
        );
        // LAO: an excluded practitioner cannot take the case.
        assert_code(&db.oasys(&["lao", "exclude", "T000002", "po1"]), 0);
        let out = db.oasys(&["allocate", "T000002", "po1"]);
        assert_code(&out, 2);
        assert!(stderr(&out).contains("exclusion list"), "{}", stderr(&out));
        assert!(
            store
                .current_allocation(person(2, "N1").id)
                .unwrap()
                .is_none()
        );
    }
}

#[test]
fn lao_lists_add_at_once_and_removal_needs_a_manager() {
    for db in backends() {
        seed(&db);
        let p1 = person(1, "N1").id;
        let out = db.oasys(&[
            "lao",
            "exclude",
            "T000001",
            "po2",
            "--message",
            "Ask the SPO",
        ]);
        assert_code(&out, 0);
        assert!(stdout(&out).contains("po2"), "{}", stdout(&out));
        let out = db.oasys(&["lao", "restrict", "T000001", "po1", "spo1"]);
        assert_code(&out, 0);
        assert!(
            stderr(&out).contains("restriction list"),
            "{}",
            stderr(&out)
        );
        let lao = db.open().case_access(p1).unwrap().expect("known").lao;
        assert!(lao.excluded.contains("po2"));
        assert_eq!(lao.restricted_to.len(), 2);
        assert_eq!(lao.exclusion_message.as_deref(), Some("Ask the SPO"));
        let shown = json(&db.oasys(&["lao", "show", "T000001", "--format", "json"]));
        assert_eq!(shown["limited_access"], true);
        assert_eq!(shown["excluded"], serde_json::json!(["po2"]));
        assert_eq!(
            audited(&db, "lao.show").len(),
            1,
            "reading the lists is audited"
        );
        // Unknown users are refused.
        let out = db.oasys(&["lao", "exclude", "T000001", "nobody"]);
        assert_code(&out, 2);
        assert!(stderr(&out).contains("no account"), "{}", stderr(&out));
        // Removal: a practitioner cannot approve, a manager can.
        let out = db.oasys(&[
            "lao",
            "remove",
            "T000001",
            "po2",
            "--from",
            "exclusion",
            "--approved-by",
            "po1",
        ]);
        assert_code(&out, 2);
        assert!(
            stderr(&out).contains("senior probation officer"),
            "{}",
            stderr(&out)
        );
        assert!(
            db.open()
                .case_access(p1)
                .unwrap()
                .unwrap()
                .lao
                .excluded
                .contains("po2")
        );
        let out = db.oasys(&[
            "lao",
            "remove",
            "T000001",
            "po2",
            "--from",
            "exclusion",
            "--approved-by",
            "spo1",
        ]);
        assert_code(&out, 0);
        assert!(
            db.open()
                .case_access(p1)
                .unwrap()
                .unwrap()
                .lao
                .excluded
                .is_empty()
        );
        let removal = audited(&db, "lao.remove_exclusion");
        assert_eq!(removal.len(), 1);
        assert_eq!(removal[0].entry.details["approved_by"], "spo1");
        assert_eq!(audited(&db, "lao.exclude").len(), 1);
        assert_eq!(audited(&db, "lao.restrict").len(), 1);
        let out = db.oasys(&[
            "lao",
            "remove",
            "T000001",
            "po2",
            "--from",
            "exclusion",
            "--approved-by",
            "spo1",
        ]);
        assert_code(&out, 2);
        assert!(
            stderr(&out).contains("not on the exclusion list"),
            "{}",
            stderr(&out)
        );
    }
}

#[test]
fn teams_list_members_and_change_membership() {
    for db in backends() {
        seed(&db);
        assert_code(&db.oasys(&["team", "area", "N1", "North"]), 0);
        assert_code(&db.oasys(&["team", "area", "S1", "South"]), 0);
        let teams = json(&db.oasys(&["team", "list", "--format", "json"]));
        let codes: Vec<&str> = teams
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["code"].as_str().unwrap())
            .collect();
        assert_eq!(codes, ["N1", "N2", "S1"], "on {}", db.backend);
        assert_eq!(teams[0]["area"], "North");
        assert_eq!(
            teams[0]["members"],
            serde_json::json!(["po1", "po2", "spo1"])
        );
        assert_eq!(teams[0]["managers"], serde_json::json!(["spo1"]));
        assert_eq!(teams[1]["area"], serde_json::Value::Null);
        let table = stdout(&db.oasys(&["team", "list"]));
        assert!(table.starts_with("TEAM"), "{table}");
        // Add and remove; refusals say why.
        assert_code(&db.oasys(&["team", "add", "N2", "po1"]), 0);
        let out = db.oasys(&["team", "add", "N2", "po1"]);
        assert_code(&out, 2);
        assert!(
            stderr(&out).contains("already a member"),
            "{}",
            stderr(&out)
        );
        let out = db.oasys(&["team", "add", "N2", "po1", "--manager"]);
        assert_code(&out, 2);
        assert!(stderr(&out).contains("only SPOs"), "{}", stderr(&out));
        let out = db.oasys(&["team", "add", "S1", "po1"]);
        assert_code(&out, 2);
        assert!(stderr(&out).contains("area South"), "{}", stderr(&out));
        assert_code(&db.oasys(&["team", "add", "N2", "spo1", "--manager"]), 0);
        assert_code(&db.oasys(&["team", "remove", "N1", "po1"]), 0);
        let users = json(&db.oasys(&["user", "list", "--format", "json"]));
        let po1 = users
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["username"] == "po1")
            .unwrap();
        assert_eq!(po1["teams"], serde_json::json!(["N2"]));
        let spo1 = users
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["username"] == "spo1")
            .unwrap();
        assert_eq!(spo1["managed_teams"], serde_json::json!(["N1", "N2"]));
        assert_eq!(audited(&db, "team.add_member").len(), 1);
        assert_eq!(audited(&db, "team.add_manager").len(), 1);
        assert_eq!(audited(&db, "team.remove_member").len(), 1);
        assert_eq!(audited(&db, "team.area").len(), 2);
        let out = db.oasys(&["team", "area", "n-1", "North"]);
        assert_code(&out, 2);
        assert!(stderr(&out).contains("not a team code"), "{}", stderr(&out));
    }
}

#[test]
fn audit_search_reports_access_to_one_person_and_verify_finds_tampering() {
    let db = TestDb::sqlite();
    seed(&db);
    assert_code(&db.oasys(&["allocate", "T000001", "po1"]), 0);
    assert_code(&db.oasys(&["allocate", "T000002", "po1"]), 0);
    assert_code(&db.oasys(&["lao", "exclude", "T000001", "po2"]), 0);
    let out = db.oasys(&[
        "audit",
        "search",
        "--person",
        "T000001",
        "--since",
        "2020-01-01",
        "--reason",
        "subject access request 14",
        "--format",
        "json",
    ]);
    assert_code(&out, 0);
    let report = json(&out);
    let entries = report["entries"].as_array().expect("entries");
    let actions: Vec<&str> = entries
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        ["allocate", "lao.exclude"],
        "only this person's entries"
    );
    assert_eq!(entries[0]["actor"], "operator:tester");
    assert_eq!(entries[0]["operation"], "alteration");
    // The search itself is audited, with its reason.
    let searches = audited(&db, "audit.search");
    assert_eq!(searches.len(), 1);
    assert_eq!(
        searches[0].entry.justification.as_deref(),
        Some("subject access request 14")
    );
    // A period after the events finds nothing; the table says so.
    let out = db.oasys(&[
        "audit",
        "search",
        "--person",
        "T000001",
        "--since",
        "2999-01-01",
        "--reason",
        "check",
    ]);
    assert_code(&out, 0);
    assert!(
        stdout(&out).contains("no audit entries"),
        "{}",
        stdout(&out)
    );
    let table = stdout(&db.oasys(&[
        "audit",
        "search",
        "--person",
        "T000001",
        "--since",
        "2020-01-01",
        "--reason",
        "check",
    ]));
    assert!(table.starts_with("WHEN (UTC)"), "{table}");
    assert!(table.contains("lao.exclude"), "{table}");
    // The reason is required.
    let out = db.oasys(&[
        "audit",
        "search",
        "--person",
        "T000001",
        "--since",
        "2020-01-01",
    ]);
    assert_code(&out, 2);
    assert!(stderr(&out).contains("--reason"), "{}", stderr(&out));

    let verify = db.oasys(&["audit", "verify", "--format", "json"]);
    assert_code(&verify, 0);
    assert_eq!(json(&verify)["ok"], true);
    // As an attacker with file access would: drop the guards, then edit an entry.
    use diesel::connection::SimpleConnection;
    use diesel::{Connection, SqliteConnection};
    let mut conn = SqliteConnection::establish(db.url.trim_start_matches("sqlite://"))
        .expect("raw connection");
    conn.batch_execute(
        "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete; \
         DROP TRIGGER audit_chain_forward; \
         UPDATE audit_log SET actor = 'someone else' WHERE seq = 2;",
    )
    .expect("tamper");
    drop(conn);
    let verify = db.oasys(&["audit", "verify"]);
    assert_code(&verify, 1);
    assert!(
        stdout(&verify).contains("audit entry 2 was altered"),
        "{}",
        stdout(&verify)
    );
    assert!(
        stderr(&verify).contains("keep this database"),
        "{}",
        stderr(&verify)
    );
}

#[test]
fn every_operator_command_has_help_with_examples() {
    let db = TestDb::sqlite();
    let commands: &[&[&str]] = &[
        &["user"],
        &["user", "list"],
        &["user", "add"],
        &["team"],
        &["team", "list"],
        &["team", "area"],
        &["team", "add"],
        &["team", "remove"],
        &["allocate"],
        &["lao"],
        &["lao", "show"],
        &["lao", "exclude"],
        &["lao", "restrict"],
        &["lao", "remove"],
        &["reviews"],
        &["reviews", "due"],
        &["audit"],
        &["audit", "verify"],
        &["audit", "search"],
        &["offences"],
        &["offences", "import"],
        &["offences", "status"],
        &["token"],
        &["import"],
        &["export"],
    ];
    for command in commands {
        let mut args = command.to_vec();
        args.push("--help");
        let out = db.oasys(&args);
        assert_code(&out, 0);
        assert!(
            stdout(&out).contains("Examples:"),
            "{command:?}: {}",
            stdout(&out)
        );
    }
}
