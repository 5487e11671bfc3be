//! The What Works page end to end in headless Chromium (Debian's `chromium` and
//! `chromium-driver`, which `.ci/run` installs), driven over WebDriver by fantoccini against the
//! real `oasys serve --demo`: outcomes are imported for the demo people with `oasys outcomes
//! import` (counted by `oasys db status`), the analyst signs in, finds What Works in the
//! navigation, filters the cohort (first with a mistake) and downloads the numbers; every page is
//! checked with axe-core (no serious or critical violations) and photographed into
//! `<target>/tmp/screenshots/`. A practitioner has no such navigation item and is refused the page.
//! The browser helpers are shared with `browser.rs` (`browser_support`).

mod browser_support;

use std::path::Path;
use std::process::{Command, Output};

use browser_support::{Browser, database, start_chromedriver, start_server};
use fantoccini::Locator;
use serde_json::Value;

/// Runs `oasys` on the test database.
fn oasys(dir: &Path, args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_oasys"))
        .args(args)
        .args(["--database", &database(dir)])
        .output()
        .expect("run oasys");
    assert!(
        out.status.success(),
        "oasys {args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Outcome rows stored, as `oasys db status` counts them.
fn outcome_rows(dir: &Path) -> u64 {
    let status = oasys(dir, &["db", "status", "--format", "json"]);
    let status: Value = serde_json::from_slice(&status.stdout).expect("status json");
    status["rows"]["outcomes"]
        .as_u64()
        .unwrap_or_else(|| panic!("db status has no outcomes count: {status}"))
}

/// Imports two-year outcomes for the demo people (CRNs D000001 to D000005) when there are none.
fn import_outcomes(dir: &Path) {
    if outcome_rows(dir) > 0 {
        return;
    }
    let mut csv = String::from(
        "crn,follow_up_start,follow_up_end,first_reoffence,offence_category,violent,sexual\n",
    );
    for i in 1..=5 {
        if i % 2 == 0 {
            csv.push_str(&format!(
                "D{i:06},2026-06-01,2028-06-01,2027-01-1{i},burglary,false,false\n"
            ));
        } else {
            csv.push_str(&format!("D{i:06},2026-06-01,2028-06-01,,,false,false\n"));
        }
    }
    let file = dir.join("outcomes.csv");
    std::fs::write(&file, csv).expect("write outcomes");
    oasys(dir, &["outcomes", "import", file.to_str().expect("path")]);
    assert_eq!(
        outcome_rows(dir),
        5,
        "db status counts the imported outcomes"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_analyst_reads_what_works_in_the_browser_and_a_practitioner_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (_server, base) = start_server(dir.path());
    import_outcomes(dir.path());
    let (_driver, driver_url) = start_chromedriver();
    let mut b = Browser::open(&driver_url, &base, &dir.path().join("profile")).await;

    // The analyst finds What Works in the navigation.
    b.sign_in("analyst").await;
    b.click_link("What Works").await;
    assert_eq!(b.path().await, "/what-works");
    let page = b.body().await;
    assert!(page.contains("Choose the cohort"), "{page}");
    let source = b.source().await;
    for predictor in [
        "ogrs3",
        "ogp",
        "ovp",
        "osp_dc",
        "osp_iic",
        "snsv_static",
        "snsv_dynamic",
        "rsr",
        "arp_static",
        "arp_dynamic",
        "vrp_static",
        "vrp_dynamic",
        "svrp_static",
        "svrp_dynamic",
        "dc_srp",
        "iic_srp",
        "csrp",
    ] {
        assert!(
            source.contains(&format!("id=\"{predictor}\"")),
            "{predictor} missing"
        );
    }
    // Five demo people: every count is suppressed, none shown.
    let selected = page
        .lines()
        .find(|l| l.starts_with("People selected"))
        .unwrap_or_else(|| panic!("no count of people: {page}"));
    assert!(
        selected.ends_with("suppressed (fewer than 10)"),
        "{selected}"
    );
    for name in ["Ashdown", "Brightwell", "Cobbleton", "D000001"] {
        assert!(!source.contains(name), "{name} on the page");
    }
    b.check("what-works").await;

    // A mistake in the filters is explained and linked to its field.
    b.set_value("#from", "2026-12-31").await;
    b.set_value("#to", "2026-01-01").await;
    b.click("form[action='/what-works'] button").await;
    let summary = b.text(".govuk-error-summary").await;
    assert!(
        summary.contains("The end date must be the same as or after the start date"),
        "{summary}"
    );
    assert!(
        b.client
            .title()
            .await
            .expect("title")
            .starts_with("Error: ")
    );
    b.check("what-works-error").await;

    // Filtered: the filters are kept in the form and the download links.
    b.set_value("#from", "2026-01-01").await;
    b.set_value("#to", "2026-12-31").await;
    b.fill("#area", "Demo").await;
    b.choose("#sex", "male").await;
    b.click("form[action='/what-works'] button").await;
    let page = b.body().await;
    assert!(page.contains("assessed 2026-01-01 to 2026-12-31"), "{page}");
    assert!(page.contains("sex: male"), "{page}");
    let link = b
        .client
        .find(Locator::LinkText(
            "Predictors: AUC, observed and expected (CSV)",
        ))
        .await
        .expect("download link")
        .attr("href")
        .await
        .expect("href")
        .expect("an href");
    assert!(
        link.contains("from=2026-01-01")
            && link.contains("sex=male")
            && link.ends_with("table=predictors"),
        "{link}"
    );
    b.check("what-works-filtered").await;
    b.sign_out().await;

    // A practitioner has no navigation item and is refused the page.
    b.sign_in("practitioner").await;
    let nav = b.text("header").await;
    assert!(!nav.contains("What Works"), "{nav}");
    b.go("/what-works").await;
    let refused = b.body().await;
    assert!(refused.contains("You cannot see this page"), "{refused}");
    assert!(!b.source().await.contains("<svg"));
    b.check("what-works-refused").await;

    b.client.close().await.expect("close the browser");
    assert_eq!(b.checked.len(), 4, "{:?}", b.checked);
}
