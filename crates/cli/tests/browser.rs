//! The practitioner UI end to end in headless Chromium (Debian's `chromium` and `chromium-driver`,
//! which `.ci/run` installs), driven over WebDriver by fantoccini against the real `oasys serve
//! --demo`: a PSO signs in, starts an assessment, answers the offending section (first with a
//! mistake), sees the scores, is stopped from signing an incomplete assessment, locks it for
//! countersigning; a practitioner countersigns it, then decides a sharing request and reviews
//! the draft disclosure package, which a senior probation officer approves and releases. Every page type is checked with axe-core (no serious or critical
//! violations) and photographed into `<target>/tmp/screenshots/`.

mod browser_support;

use browser_support::{Browser, start_chromedriver, start_server};
use fantoccini::Locator;

/// Answers the predictor inputs of section 1 (on its page), with `age` for the age at first sanction.
async fn answer_offending(b: &Browser, age: &str) {
    b.fill("#q-1-8", age).await;
    b.fill("#q-1-29-day", "12").await;
    b.fill("#q-1-29-month", "5").await;
    b.fill("#q-1-29-year", "2026").await;
    b.fill("#q-1-32", "4").await;
    b.fill("#q-1-40", "1").await;
    b.choose("#q-OFFENCE-OGRS3_CATEGORY", "burglary_domestic")
        .await;
    b.choose("#q-OFFENCE-CATEGORY", "burglary_domestic").await;
    b.tick("#q-1-30-2").await;
    b.click("form[action*='/sections/'] button[type=submit]")
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pso_completes_an_assessment_a_practitioner_countersigns_it_and_answers_a_sharing_request()
 {
    let dir = tempfile::tempdir().expect("temp dir");
    let (_server, base) = start_server(dir.path());
    let (_driver, driver_url) = start_chromedriver();
    let mut b = Browser::open(&driver_url, &base, &dir.path().join("profile")).await;

    // Without a session every page leads to sign-in; a wrong password is refused in words.
    b.go("/caseload").await;
    assert_eq!(b.path().await, "/sign-in");
    b.fill("#username", "pso").await;
    b.fill("#password", "not-the-password").await;
    b.click("form[action='/sign-in'] button").await;
    assert!(b.text(".govuk-error-summary").await.contains("not right"));
    b.check("sign-in-error").await;

    // A PSO starts an assessment for the person with none.
    b.go("/sign-in").await;
    b.check("sign-in").await;
    b.sign_in("pso").await;
    assert_eq!(b.path().await, "/caseload");
    b.check("caseload").await;
    b.click_link("Ellery (demo), Sam").await;
    b.check("person-new").await;
    b.click("form[action$='/assessments'] button").await;
    let assessment = b.path().await;
    assert!(
        assessment.starts_with("/assessments/"),
        "{assessment}: {}",
        b.body().await
    );
    assert!(b.body().await.contains("In progress"));
    b.check("task-list").await;

    // Section 1 with a mistake: the error summary names the question and keeps what was typed.
    b.click_link("1. Offending information").await;
    b.check("section").await;
    answer_offending(&b, "seventeen").await;
    let summary = b.text(".govuk-error-summary").await;
    assert!(summary.contains("Age at first sanction"), "{summary}");
    b.check("section-error").await;
    b.fill("#q-1-8", "17").await;
    b.click("form[action*='/sections/'] button[type=submit]")
        .await;
    assert!(
        b.path().await.ends_with("/sections/offence_analysis"),
        "save and continue goes to the next section, not {}: {}",
        b.path().await,
        b.body().await
    );

    // A page opened before someone else's save is not saved over it: the answers come back with
    // the reason (the form's version is made stale, as another save would).
    b.go(&format!("{assessment}/sections/offending_information"))
        .await;
    b.set_value("form[action*='/sections/'] input[name=version]", "1")
        .await;
    b.fill("#q-1-8", "18").await;
    b.click("form[action*='/sections/'] button[type=submit]")
        .await;
    let summary = b.text(".govuk-error-summary").await;
    assert!(summary.contains("Someone else saved"), "{summary}");

    // The scores are recomputed from the saved answers.
    b.go(&assessment).await;
    let scores = b.text("table").await;
    assert!(
        scores.contains("OGRS3") && scores.contains('%'),
        "OGRS3 is calculated: {scores}"
    );
    b.click_link("Why these scores, and what is still needed")
        .await;
    assert!(b.body().await.contains("Factors of ogrs3"));
    b.check("scores").await;

    // Signing an incomplete assessment is refused with the outstanding questions.
    b.go(&assessment).await;
    b.click("form[action$='/sign'] button").await;
    assert!(
        b.text(".govuk-error-summary")
            .await
            .contains("There is a problem")
    );
    b.check("sign-refused").await;

    // Locked as incomplete, for the practitioner to countersign; the reason is required.
    b.tick(".govuk-details__summary").await;
    b.click("form[action$='/lock-incomplete'] button").await;
    let summary = b.text(".govuk-error-summary").await;
    assert!(summary.contains("Enter the reason"), "{summary}");
    b.tick(".govuk-details__summary").await;
    b.fill("#lock-reason", "Seen once; the rest follows next week")
        .await;
    b.fill("#lock-countersigner", "practitioner").await;
    b.click("form[action$='/lock-incomplete'] button").await;
    assert!(b.body().await.contains("Awaiting countersignature"));
    b.sign_out().await;

    // The practitioner finds it in the countersigning queue and countersigns it.
    b.sign_in("practitioner").await;
    let queue = b.text("main table").await;
    assert!(
        queue.contains("Ellery (demo), Sam") && queue.contains("pso"),
        "{queue}"
    );
    b.go("/search").await;
    b.check("search").await;
    b.fill("#q", "D000005").await;
    b.click("form[action='/search'] button").await;
    b.click_link("Ellery (demo), Sam").await;
    b.check("person").await;
    b.click_link("Open the assessment").await;
    assert_eq!(b.path().await, assessment);
    b.check("countersign").await;
    b.click("form[action$='/countersign'] button").await;
    let body = b.body().await;
    assert!(body.contains("Assessment countersigned"), "{body}");
    b.check("countersigned").await;

    // The practitioner assesses Dunmore, who has a sharing request, drafts the plan with him and
    // locks the assessment as incomplete.
    b.click_link("Caseload").await;
    b.click_link("Dunmore (demo), Sam").await;
    b.click("form[action$='/assessments'] button").await;
    let dunmore = b.path().await;
    b.click_link("1. Offending information").await;
    answer_offending(&b, "19").await;
    b.go(&format!("{dunmore}/sections/accommodation")).await;
    for radio in ["#q-3-3-1", "#q-3-4-3", "#q-3-5-3", "#q-3-6-3"] {
        b.tick(radio).await;
    }
    b.click("form[action*='/sections/'] button[type=submit]")
        .await;
    b.go(&dunmore).await;
    let needs = b.text("main").await;
    assert!(
        needs.contains("Identified need"),
        "accommodation is a need: {needs}"
    );
    // The sentence plan starts from a draft made from the assessment; a note is kept.
    b.click("form[action$='/plan'] button").await;
    assert!(b.path().await.starts_with("/plans/"), "{}", b.body().await);
    b.fill("#plan-note", "Agreed to meet weekly at the office")
        .await;
    b.click("#add-note button").await;
    let body = b.body().await;
    assert!(body.contains("Agreed to meet weekly"), "{body}");
    assert!(
        body.contains("need: accommodation"),
        "an objective for the need: {body}"
    );
    b.choose("select[id^='progress-']", "ONGOING").await;
    b.click("form:has(select[id^='progress-']) button").await;
    let selected = b
        .client
        .find(Locator::Css("select[id^='progress-'] option[selected]"))
        .await
        .expect("the recorded progress")
        .text()
        .await
        .expect("text");
    assert_eq!(selected, "Ongoing");

    // An objective of the practitioner's own, with a target date.
    b.tick("#add-objective-details summary").await;
    b.fill("#objective-title", "Keep to the tenancy agreement")
        .await;
    b.fill("#objective-measure", "Rent paid each month").await;
    b.fill("#target-day", "1").await;
    b.fill("#target-month", "6").await;
    b.fill("#target-year", "2027").await;
    b.tick("#link-1").await;
    b.click("#add-objective button").await;
    let plan = b.body().await;
    assert!(
        plan.contains("Keep to the tenancy agreement") && plan.contains("1 June 2027"),
        "{plan}"
    );

    // The person's response to the plan: a note is required when they do not agree.
    let today = chrono::Utc::now().date_naive();
    b.tick("#agreement-do-not-agree").await;
    b.fill("#agreement-day", &today.format("%-d").to_string())
        .await;
    b.fill("#agreement-month", &today.format("%-m").to_string())
        .await;
    b.fill("#agreement-year", &today.format("%Y").to_string())
        .await;
    b.click("#record-agreement button").await;
    let summary = b.text(".govuk-error-summary").await;
    assert!(summary.contains("a note is required"), "{summary}");
    b.tick("#agreement-do-not-agree").await;
    b.fill("#agreement-day", &today.format("%-d").to_string())
        .await;
    b.fill("#agreement-month", &today.format("%-m").to_string())
        .await;
    b.fill("#agreement-year", &today.format("%Y").to_string())
        .await;
    b.fill("#agreement-note", "Wants the hostel nearer his work")
        .await;
    b.click("#record-agreement button").await;
    let agreement = b.text("#agreement-summary").await;
    assert!(
        agreement.contains("Does not agree with the plan")
            && agreement.contains("Wants the hostel nearer his work")
            && agreement.contains("Recorded by"),
        "{agreement}"
    );
    b.check("sentence-plan").await;

    // Locked as incomplete, the assessment takes the plan with it: the plan is read-only.
    b.go(&dunmore).await;
    b.tick(".govuk-details__summary").await;
    b.fill(
        "#lock-reason",
        "Interview cut short; enough for the enquiry",
    )
    .await;
    b.click("form[action$='/lock-incomplete'] button").await;
    let body = b.body().await;
    assert!(body.contains("Locked incomplete"), "{body}");
    b.click_link("Open the sentence plan").await;
    let plan = b.body().await;
    assert!(
        plan.contains("This plan is locked") && !plan.contains("id=\"add-note\""),
        "{plan}"
    );

    // A sharing request: the decision needs its justification; then the package is previewed.
    b.click_link("Sharing requests").await;
    b.check("sharing-inbox").await;
    b.click_link("Demo Borough Children's Services").await;
    b.check("sharing-request").await;
    b.click("form[action^='/sharing/'] button[type=submit]")
        .await;
    let summary = b.text(".govuk-error-summary").await;
    assert!(summary.contains("necessary"), "{summary}");
    b.check("sharing-decision-error").await;
    b.tick("#outcome-part").await;
    b.fill(
        "#necessity",
        "The children's services enquiry needs our view of the risk to children.",
    )
    .await;
    b.fill(
        "#proportionality",
        "Only the risk of harm section is shared; nothing about the wider family.",
    )
    .await;
    for index in 1..=6 {
        let checkbox = format!("#sections-{index}");
        let chosen = b
            .client
            .find(Locator::Css(&checkbox))
            .await
            .expect("section checkbox")
            .prop("checked")
            .await
            .expect("checked")
            .is_some_and(|c| c == "true");
        if chosen != (index == 2) {
            b.tick(&checkbox).await;
        }
    }
    b.tick("#informed-yes").await;
    b.click("form[action^='/sharing/'] button[type=submit]")
        .await;
    let body = b.body().await;
    assert!(body.contains("Decision: Share in part"), "{body}");
    b.check("sharing-decided").await;
    b.click("form[action$='/package'] button").await;
    let body = b.body().await;
    assert!(
        body.contains("DRAFT - NOT FOR RELEASE") && !body.contains("Content fingerprint"),
        "a draft is marked and not laid out for printing: {body}"
    );
    assert!(
        !body.contains("Demo Child"),
        "third parties never appear in the package: {body}"
    );
    b.check("sharing-package").await;
    // The decider reviews every text block (nothing to redact here); then it awaits approval.
    let package_page = b.path().await;
    while b
        .client
        .find(Locator::Css("form[action$='/package/review'] button"))
        .await
        .is_ok()
    {
        b.click("form[action$='/package/review'] button").await;
    }
    let body = b.body().await;
    assert!(
        body.contains("awaiting approval") && body.contains("DRAFT - NOT FOR RELEASE"),
        "{body}"
    );

    // A new assessment of Dunmore carries the answers forward; what changed is shown.
    b.click_link("Caseload").await;
    b.click_link("Dunmore (demo), Sam").await;
    assert!(
        b.client
            .find(Locator::Css("#clone_previous:checked"))
            .await
            .is_ok(),
        "carrying answers forward is offered and chosen"
    );
    b.click("form[action$='/assessments'] button").await;
    b.click_link("1. Offending information").await;
    let carried = b
        .client
        .find(Locator::Css("#q-1-32"))
        .await
        .expect("previous sanctions")
        .prop("value")
        .await
        .expect("its value");
    assert_eq!(
        carried.as_deref(),
        Some("4"),
        "answered last time, carried forward"
    );
    b.fill("#q-1-32", "9").await;
    b.click("form[action*='/sections/'] button[type=submit]")
        .await;
    let reassessment = b.path().await.replace("/sections/offence_analysis", "");

    // High risk to children: the risk management plan starts from a draft of its pillars.
    b.go(&format!("{reassessment}/sections/rosh_summary")).await;
    b.tick("#q-SUM6-1-1-3").await;
    b.click("form[action*='/sections/'] button[type=submit]")
        .await;
    b.go(&format!("{reassessment}/sections/risk_management_plan"))
        .await;
    b.click("#rmp-draft button").await;
    let supervision = b.text("#q-RM30").await;
    assert!(supervision.contains("High"), "{supervision}");
    let victims = b.text("#q-RM33").await;
    assert!(
        victims.contains("children in the community: High"),
        "{victims}"
    );
    b.check("risk-management-plan").await;
    b.click_link("Caseload").await;
    b.click_link("Dunmore (demo), Sam").await;
    b.click_link("See what changed between two assessments")
        .await;
    b.click("form[action$='/compare'] button").await;
    let changes = b.body().await;
    assert!(changes.contains("answers changed"), "{changes}");
    b.check("compare").await;
    b.sign_out().await;

    // A senior probation officer approves the practitioner's package (a second person) and
    // releases it by secure email: only then is it laid out for printing.
    b.sign_in("spo").await;
    b.go(&package_page).await;
    b.click("form[action$='/package/approve'] button").await;
    b.choose("#channel", "secure_email").await;
    b.click("form[action$='/package/release'] button").await;
    let body = b.body().await;
    assert!(
        body.contains("OFFICIAL-SENSITIVE")
            && body.contains("Content fingerprint")
            && !body.contains("DRAFT - NOT FOR RELEASE"),
        "{body}"
    );
    b.check("sharing-package-released").await;

    // The senior probation officer allocates Ellery to the practitioner.
    b.go("/search?q=D000005").await;
    b.click_link("Ellery (demo), Sam").await;
    b.tick(".govuk-details__summary").await;
    b.fill("#practitioner", "practitioner").await;
    b.fill("#team", "DEMO1").await;
    let person = b.path().await;
    b.click("form[action$='/allocation'] button").await;
    assert_eq!(b.path().await, person, "{}", b.body().await);
    b.sign_out().await;

    // The practitioner now has Ellery.
    b.sign_in("practitioner").await;
    let caseload = b.body().await;
    assert!(caseload.contains("Ellery (demo), Sam"), "{caseload}");
    b.sign_out().await;

    // An administrator excludes the PSO from Ellery's case: the PSO no longer sees it at all.
    b.sign_in("admin").await;
    b.click_link("Limited access").await;
    b.fill("#crn", "D000005").await;
    b.click("form[action='/admin/lao'] button").await;
    b.fill("#excluded", "pso").await;
    b.fill("#exclusion_message", "Ask the SPO about this case")
        .await;
    b.click("form[method='post'][action='/admin/lao'] button")
        .await;
    assert_eq!(b.text("#excluded").await.trim(), "pso");
    b.check("limited-access").await;

    // The administrator disables the case administrator's account.
    b.click_link("Users").await;
    b.check("users").await;
    b.click("form[action='/admin/users/caseadmin'] input[value='disable'] + button")
        .await;
    let row = b
        .text("tr:has(form[action='/admin/users/caseadmin'])")
        .await;
    assert!(row.contains("Disabled"), "{row}");
    // ... and gives the senior probation officer a second team to manage.
    b.fill("#managed-spo", "DEMO1 DEMO2").await;
    b.click("form:has(#managed-spo) button").await;
    let managed = b
        .client
        .find(Locator::Css("#managed-spo"))
        .await
        .expect("the managed teams field")
        .prop("value")
        .await
        .expect("its value");
    assert_eq!(managed.as_deref(), Some("DEMO1 DEMO2"));
    b.sign_out().await;
    b.go("/sign-in").await;
    b.fill("#username", "caseadmin").await;
    b.fill("#password", "caseadmin-demo-password").await;
    b.click("form[action='/sign-in'] button").await;
    assert_eq!(
        b.path().await,
        "/sign-in",
        "a disabled account cannot sign in"
    );

    b.sign_in("pso").await;
    b.go(&person).await;
    let refused = b.body().await;
    assert!(
        !refused.contains("Ellery") && refused.contains("Ask the SPO about this case"),
        "{refused}"
    );

    b.client.close().await.expect("close the browser");
    assert_eq!(b.checked.len(), 24, "{:?}", b.checked);
}

/// The demo's limited access case (Fairholme, D000006): the practitioner on its restriction list
/// finds a "Restricted record" row, says why on the reason page (a bad reason is refused with the
/// error summary) and then sees the person; the reason ends with the session. The excluded PSO
/// sees the placeholder with the case's message and has no way in.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_limited_access_record_opens_once_a_reason_is_given_and_an_excluded_user_sees_a_placeholder()
 {
    let dir = tempfile::tempdir().expect("temp dir");
    let (_server, base) = start_server(dir.path());
    let (_driver, driver_url) = start_chromedriver();
    let mut b = Browser::open(&driver_url, &base, &dir.path().join("profile")).await;

    b.sign_in("practitioner").await;
    let caseload = b.body().await;
    assert!(
        caseload.contains("Restricted record")
            && caseload.contains("D000006")
            && !caseload.contains("Fairholme"),
        "{caseload}"
    );
    b.check("caseload-reason-needed").await;
    b.go("/search?q=D000006").await;
    let results = b.text("table").await;
    assert!(
        results.contains("Restricted record")
            && results.contains("D000006")
            && !results.contains("Fairholme"),
        "{results}"
    );
    b.check("search-reason-needed").await;
    b.click("a[href$='/reason']").await;
    let reason_page = b.path().await;
    assert!(reason_page.ends_with("/reason"), "{reason_page}");
    assert!(
        b.body()
            .await
            .contains("Why do you need to open this record?")
    );
    b.check("reason").await;
    b.fill("#reason", "report").await;
    b.click("form[action$='/reason'] button").await;
    let summary = b.text(".govuk-error-summary").await;
    assert!(summary.contains("10 characters or more"), "{summary}");
    b.check("reason-error").await;
    b.fill("#reason", "Preparing the pre-sentence report due on Monday")
        .await;
    b.click("form[action$='/reason'] button").await;
    let person = b.path().await;
    assert_eq!(person, reason_page.trim_end_matches("/reason"));
    assert!(
        b.body().await.contains("Fairholme (demo)"),
        "{}",
        b.body().await
    );
    b.check("person-limited-access").await;
    // The lists show the person in full for the rest of the session.
    b.go("/caseload").await;
    assert!(b.body().await.contains("Fairholme (demo), Sam"));
    // The reason ends with the session.
    b.sign_out().await;
    b.sign_in("practitioner").await;
    b.go(&person).await;
    assert_eq!(b.path().await, reason_page, "asked again after signing in");
    b.sign_out().await;

    // The excluded PSO: the placeholder with the case's message, no link, no way in.
    b.sign_in("pso").await;
    b.go("/search?q=D000006").await;
    let results = b.text("table").await;
    assert!(
        results.contains("Restricted record")
            && results.contains("Ask the SPO about this case")
            && !results.contains("Fairholme"),
        "{results}"
    );
    assert!(!b.source().await.contains("/reason"));
    b.check("search-excluded").await;
    b.go(&person).await;
    let refused = b.body().await;
    assert!(
        !refused.contains("Fairholme") && refused.contains("Ask the SPO about this case"),
        "{refused}"
    );

    b.client.close().await.expect("close the browser");
    assert_eq!(b.checked.len(), 6, "{:?}", b.checked);
}
