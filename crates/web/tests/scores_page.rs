//! The scores page tells a practitioner what to answer: a score that cannot be calculated lists
//! the questions it still needs by number and label, each linked to its field on the section
//! page (every link is followed), and a combined score links to the score it waits for.

mod support;

use std::collections::BTreeSet;

use axum::http::StatusCode;
use support::*;

/// Every `href` in a page that starts with `prefix`, without the prefix.
fn links<'a>(html: &'a str, prefix: &str) -> BTreeSet<&'a str> {
    html.split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next()?.strip_prefix(prefix))
        .collect()
}

#[tokio::test]
async fn a_score_that_cannot_be_calculated_links_to_the_questions_it_needs() {
    let w = world();
    let (id, _) = w.new_assessment().await;
    let page = w.get(&format!("/assessments/{id}/scores"), PO).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    let html = page.text.replace("&#x2f;", "/").replace("&#35;", "#");
    assert!(html.contains("Still to answer:"), "{html}");
    assert!(
        html.contains("10.6.1 Currently receiving psychiatric treatment"),
        "OVP's section 10 item"
    );

    let questions = links(&html, &format!("/assessments/{id}/sections/"));
    assert!(
        questions.contains("accommodation#q-3-3"),
        "OGP needs 3.3: {questions:?}"
    );
    assert!(questions.contains("offending_information#q-1-32"));
    for link in &questions {
        let (section, field) = link.split_once('#').expect("a field anchor");
        let form = w
            .get(&format!("/assessments/{id}/sections/{section}"), PO)
            .await;
        assert_eq!(form.status, StatusCode::OK, "{link}");
        assert!(
            form.text.contains(&format!("id=\"{field}\"")),
            "{link}: the section page has no such field"
        );
    }

    let scores = links(&html, &format!("/assessments/{id}/scores#"));
    assert!(!scores.is_empty(), "a combined score waits for another");
    for key in scores {
        assert!(html.contains(&format!("id=\"{key}\"")), "no score {key}");
    }
}
