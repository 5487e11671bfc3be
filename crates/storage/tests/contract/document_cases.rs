//! Contract cases for versioned documents: insert / get / update / history, duplicate ids, stale
//! revisions, concurrent writers, the insert-only history and listings.

use std::sync::Barrier;

use oasys_app::*;
use serde_json::json;
use uuid::Uuid;

use crate::support::*;

const PLAN: DocumentKind = DocumentKind::SentencePlan;

pub fn doc_id(n: u128) -> Uuid {
    Uuid::from_u128(n + 5_000_000)
}

pub fn document_insert_get_update_history(t: &mut TestDb) {
    let db = t.db();
    let p = person(1, "Smith", "Sam");
    db.insert_person(&p).expect("person");
    let (id, parent) = (doc_id(1), Some(Uuid::from_u128(42)));
    let v1 = json!({ "goals": [{ "text": "stay housed" }], "n": 1 });
    db.insert_document(PLAN, id, p.id, parent, &v1, at(1))
        .expect("insert");
    let first = StoredDocument {
        kind: PLAN,
        id,
        person_id: p.id,
        parent_id: parent,
        revision: 1,
        stored_at: at(1),
        body: v1,
    };
    assert_eq!(db.get_document(PLAN, id).expect("get"), Some(first.clone()));
    assert_eq!(
        db.get_document(DocumentKind::SharingRequest, id)
            .expect("get"),
        None,
        "a document is found only as its own kind"
    );
    assert!(matches!(
        db.update_document(DocumentKind::RiskManagementPlan, id, 1, &json!({}), at(2)),
        Err(StoreError::NotFound { .. })
    ));
    let v2 = json!({ "goals": [], "n": 2, "nested": { "a": [1, 2.5, null, "x"] } });
    assert_eq!(
        db.update_document(PLAN, id, 1, &v2, at(2)).expect("update"),
        2
    );
    let v3 = json!("a bare string is a JSON document too");
    assert_eq!(
        db.update_document(PLAN, id, 2, &v3, at(3)).expect("update"),
        3
    );
    let second = StoredDocument {
        revision: 2,
        stored_at: at(2),
        body: v2,
        ..first.clone()
    };
    let third = StoredDocument {
        revision: 3,
        stored_at: at(3),
        body: v3,
        ..first.clone()
    };
    assert_eq!(db.get_document(PLAN, id).expect("get"), Some(third.clone()));
    assert_eq!(
        db.document_history(PLAN, id).expect("history"),
        vec![first, second, third]
    );
}

pub fn duplicate_document_id_conflicts(t: &mut TestDb) {
    let db = t.db();
    let p = person(1, "Smith", "Sam");
    db.insert_person(&p).expect("person");
    let body = json!({ "n": 1 });
    db.insert_document(PLAN, doc_id(1), p.id, None, &body, at(1))
        .expect("insert");
    for kind in [PLAN, DocumentKind::DisclosurePackage] {
        assert!(
            matches!(
                db.insert_document(kind, doc_id(1), p.id, None, &json!({}), at(2)),
                Err(StoreError::Conflict { .. })
            ),
            "{kind:?}"
        );
    }
    let kept = db
        .get_document(PLAN, doc_id(1))
        .expect("get")
        .expect("kept");
    assert_eq!((kept.revision, kept.body), (1, body));
    assert_eq!(db.document_history(PLAN, doc_id(1)).expect("h").len(), 1);
}

pub fn stale_document_revision_conflicts(t: &mut TestDb) {
    let db = t.db();
    let p = person(1, "Smith", "Sam");
    db.insert_person(&p).expect("person");
    let id = doc_id(1);
    db.insert_document(PLAN, id, p.id, None, &json!({ "n": 1 }), at(1))
        .expect("insert");
    let mine = json!({ "by": "me" });
    db.update_document(PLAN, id, 1, &mine, at(2))
        .expect("first writer");
    for expected in [1, 0, 3, 7, u64::MAX] {
        match db.update_document(PLAN, id, expected, &json!({ "by": "them" }), at(3)) {
            Err(StoreError::Conflict {
                current_version, ..
            }) => assert_eq!(current_version, Some(2), "expected {expected}"),
            other => panic!("expected a conflict for {expected}, got {other:?}"),
        }
    }
    let stored = db.get_document(PLAN, id).expect("get").expect("stored");
    assert_eq!((stored.revision, stored.body), (2, mine));
    assert_eq!(db.document_history(PLAN, id).expect("history").len(), 2);
}

pub fn concurrent_document_updates_one_winner(t: &mut TestDb) {
    const WRITERS: usize = 8;
    let db = t.db();
    let p = person(1, "Smith", "Sam");
    db.insert_person(&p).expect("person");
    let id = doc_id(1);
    db.insert_document(PLAN, id, p.id, None, &json!({ "writer": null }), at(1))
        .expect("insert");
    let barrier = Barrier::new(WRITERS);
    let results: Vec<Result<u64, StoreError>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..WRITERS)
            .map(|i| {
                let barrier = &barrier;
                s.spawn(move || {
                    barrier.wait();
                    db.update_document(PLAN, id, 1, &json!({ "writer": i }), at(2))
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("writer thread"))
            .collect()
    });
    let wins: Vec<usize> = (0..WRITERS).filter(|i| results[*i] == Ok(2)).collect();
    let conflicts = results
        .iter()
        .filter(|r| {
            matches!(
                r,
                Err(StoreError::Conflict {
                    current_version: Some(2),
                    ..
                })
            )
        })
        .count();
    assert_eq!((wins.len(), conflicts), (1, WRITERS - 1), "{results:?}");
    let history = db.document_history(PLAN, id).expect("history");
    assert_eq!(
        history.iter().map(|d| d.revision).collect::<Vec<_>>(),
        vec![1, 2]
    );
    assert_eq!(history[1].body, json!({ "writer": wins[0] }));
    assert_eq!(
        db.get_document(PLAN, id).expect("get").as_ref(),
        history.last()
    );
}

pub fn document_history_is_insert_only(t: &mut TestDb) {
    let db = t.db();
    let p = person(1, "Smith", "Sam");
    db.insert_person(&p).expect("person");
    let id = doc_id(1);
    db.insert_document(PLAN, id, p.id, None, &json!({ "n": 1 }), at(1))
        .expect("insert");
    db.update_document(PLAN, id, 1, &json!({ "n": 2 }), at(2))
        .expect("update");
    let refused = [
        format!("UPDATE document_revisions SET body = '{{}}' WHERE document_id = '{id}'"),
        format!("DELETE FROM document_revisions WHERE document_id = '{id}'"),
        format!("UPDATE documents SET revision = 9 WHERE id = '{id}'"),
        format!("UPDATE documents SET person_id = 'x', revision = revision + 1 WHERE id = '{id}'"),
        format!("DELETE FROM documents WHERE id = '{id}'"),
    ];
    for sql in &refused {
        assert!(t.raw(sql).is_err(), "allowed: {sql}");
    }
    let history = t.db().document_history(PLAN, id).expect("history");
    assert_eq!(
        history.iter().map(|d| d.body.clone()).collect::<Vec<_>>(),
        vec![json!({ "n": 1 }), json!({ "n": 2 })]
    );
}

pub fn documents_listed_newest_first(t: &mut TestDb) {
    let db = t.db();
    let (a, b) = (person(1, "Smith", "Sam"), person(2, "Jones", "Jo"));
    db.insert_person(&a).expect("person");
    db.insert_person(&b).expect("person");
    for (n, owner, day) in [(1, &a, 1), (2, &a, 2), (3, &a, 3), (4, &b, 4)] {
        db.insert_document(PLAN, doc_id(n), owner.id, None, &json!({ "n": n }), at(day))
            .expect("insert");
    }
    let request = DocumentKind::SharingRequest;
    db.insert_document(request, doc_id(9), a.id, None, &json!({}), at(9))
        .expect("other kind");
    // A later revision of the oldest document does not move it up.
    db.update_document(PLAN, doc_id(1), 1, &json!({ "n": 10 }), at(20))
        .expect("update");
    let ids = |docs: Vec<StoredDocument>| docs.into_iter().map(|d| d.id).collect::<Vec<_>>();
    assert_eq!(
        ids(db.documents(PLAN, Some(a.id), 10).expect("list")),
        vec![doc_id(3), doc_id(2), doc_id(1)]
    );
    assert_eq!(
        ids(db.documents(PLAN, None, 10).expect("all")),
        vec![doc_id(4), doc_id(3), doc_id(2), doc_id(1)]
    );
    assert_eq!(
        ids(db.documents(PLAN, None, 2).expect("limited")),
        vec![doc_id(4), doc_id(3)]
    );
    assert!(db.documents(PLAN, None, 0).expect("none").is_empty());
    assert_eq!(
        ids(db.documents(request, None, 10).expect("requests")),
        vec![doc_id(9)]
    );
    let oldest = db.documents(PLAN, Some(a.id), 10).expect("list");
    let latest = oldest.last().expect("oldest");
    assert_eq!(
        (latest.revision, latest.body.clone()),
        (2, json!({ "n": 10 }))
    );
    assert_eq!(latest.stored_at, at(20));
}
