//! The sentence plan in the browser: signing is refused naming the plan until the person's
//! response is recorded on the plan page (with its date, and a note unless they agree), and the
//! page is read-only once the assessment is locked.

mod support;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use support::*;

/// A browser form post as `user`.
async fn form(w: &World, uri: &str, user: &str, body: &str) -> Reply {
    w.send(
        Request::builder()
            .method(Method::POST)
            .uri(uri)
            .header(header::COOKIE, cookie(user))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body.to_owned()))
            .expect("request"),
    )
    .await
}

fn location(reply: &Reply) -> String {
    assert!(
        reply.status.is_redirection(),
        "{} {}",
        reply.status,
        reply.text
    );
    reply.headers[header::LOCATION]
        .to_str()
        .expect("location")
        .to_owned()
}

/// The page's text with the entities askama writes for `/` and `'` turned back.
fn text(reply: &Reply) -> String {
    reply
        .text
        .replace("&#x2f;", "/")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
}

#[tokio::test]
async fn the_agreement_is_recorded_on_the_plan_page_and_the_page_locks_with_the_assessment() {
    let w = world();
    let (assessment, _) = w.new_assessment().await;
    let task_list = format!("/assessments/{assessment}");
    let before_signing = |html: String| {
        html.split("Before you can sign")
            .nth(1)
            .and_then(|rest| rest.split("</ul>").next())
            .map(str::to_owned)
            .unwrap_or_default()
    };
    // The task list says what signing still needs, the plan included, linked to where it is done.
    let outstanding = before_signing(text(&w.get(&task_list, PO).await));
    assert!(
        outstanding.contains(&format!(
            "href=\"/assessments/{assessment}#sentence-plan\">Sentence plan: draft it"
        )),
        "{outstanding}"
    );

    // Signing without a plan is refused on the task list, naming the plan.
    let refused = form(
        &w,
        &format!("/assessments/{assessment}/sign"),
        PO,
        "version=1",
    )
    .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.text
    );
    assert!(
        text(&refused).contains("there is no sentence plan for this assessment"),
        "{}",
        refused.text
    );

    let started = form(&w, &format!("/assessments/{assessment}/plan"), PO, "").await;
    let plan_uri = location(&started);
    let page = w.get(&plan_uri, PO).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    let html = text(&page);
    assert!(html.contains("Not yet recorded (draft)"), "{html}");
    let outstanding = before_signing(text(&w.get(&task_list, PO).await));
    assert!(
        outstanding.contains(&format!(
            "href=\"{plan_uri}\">Sentence plan: record whether the person agrees"
        )),
        "{outstanding}"
    );
    assert!(html.contains("id=\"record-agreement\""), "{html}");
    assert!(html.contains("a new plan"), "{html}");

    // Now the plan is there but still DRAFT: refused, naming the plan's agreement.
    let refused = form(
        &w,
        &format!("/assessments/{assessment}/sign"),
        PO,
        "version=1",
    )
    .await;
    assert!(
        text(&refused).contains("agreement to the sentence plan is still DRAFT"),
        "{}",
        refused.text
    );

    // The response needs a choice and a date, and a note unless the person agrees.
    let date = "agreement_day=2&agreement_month=3&agreement_year=2026";
    for (body, expected) in [
        (
            format!("revision=1&change=agreement&{date}"),
            "Choose whether the person agrees with the plan",
        ),
        (
            "revision=1&change=agreement&agreement=AGREED".to_owned(),
            "Enter the date the person gave their response",
        ),
        (
            "revision=1&change=agreement&agreement=AGREED&agreement_day=31&agreement_month=2&agreement_year=2026"
                .to_owned(),
            "Enter a real date for the person's response",
        ),
        (
            format!("revision=1&change=agreement&agreement=DO_NOT_AGREE&{date}&text=+"),
            "a note is required when the agreement is DO_NOT_AGREE",
        ),
    ] {
        let reply = form(&w, &plan_uri, PO, &body).await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}: {}",
            reply.text
        );
        assert!(text(&reply).contains(expected), "{body}: {}", reply.text);
    }
    let agreed = form(
        &w,
        &plan_uri,
        PO,
        &format!("revision=1&change=agreement&agreement=AGREED&{date}"),
    )
    .await;
    assert_eq!(location(&agreed), plan_uri);
    let html = text(&w.get(&plan_uri, PO).await);
    assert!(
        html.contains("Agrees with the plan") && html.contains("2 March 2026"),
        "{html}"
    );
    assert!(html.contains("Recorded by") && html.contains(PO), "{html}");
    let outstanding = before_signing(text(&w.get(&task_list, PO).await));
    assert!(!outstanding.contains("Sentence plan"), "{outstanding}");

    // An objective of the practitioner's own.
    let added = form(
        &w,
        &plan_uri,
        PO,
        "revision=2&change=add_objective&title=Find+a+tenancy&measure=Tenancy+signed\
         &links=%7B%22need%22%3A%22accommodation%22%7D",
    )
    .await;
    assert_eq!(location(&added), plan_uri);

    // Locked as incomplete: the plan page is read-only and a change is refused naming the lock.
    let locked = form(
        &w,
        &format!("/assessments/{assessment}/lock-incomplete"),
        PO,
        "version=1&comment=Moved+away",
    )
    .await;
    assert!(locked.status.is_redirection(), "{}", locked.text);
    let html = text(&w.get(&plan_uri, PO).await);
    assert!(html.contains("This plan is locked"), "{html}");
    assert!(!html.contains("id=\"record-agreement\""), "{html}");
    assert!(!html.contains("id=\"add-note\""), "{html}");
    let refused = form(&w, &plan_uri, PO, "revision=3&change=note&text=Late+note").await;
    assert!(
        text(&refused).contains("plan is locked"),
        "{}",
        refused.text
    );

    // The next assessment's plan starts as a review: the open objective carried forward.
    let (next, _) = w.new_assessment().await;
    let started = form(&w, &format!("/assessments/{next}/plan"), PO, "").await;
    let review_uri = location(&started);
    assert_ne!(review_uri, plan_uri);
    let html = text(&w.get(&review_uri, PO).await);
    assert!(html.contains("a review of the previous plan"), "{html}");
    assert!(
        html.contains("Since the previous plan") && html.contains("Carried over"),
        "{html}"
    );
    assert!(
        html.contains("Find a tenancy") && html.contains("Carried forward"),
        "{html}"
    );
    assert!(html.contains("Not yet recorded (draft)"), "{html}");
}
