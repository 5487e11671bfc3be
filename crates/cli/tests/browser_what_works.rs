//! The What Works page end to end in headless Chromium (Debian's `chromium` and
//! `chromium-driver`, which `.ci/run` installs), driven over WebDriver by fantoccini against the
//! real `oasys serve --demo`: outcomes are imported for the demo people with `oasys outcomes
//! import` (counted by `oasys db status`), the analyst signs in, finds What Works in the
//! navigation, filters the cohort (first with a mistake) and downloads the numbers; every page is
//! checked with axe-core (no serious or critical violations) and photographed into
//! `<target>/tmp/screenshots/`. A practitioner has no such navigation item and is refused the page.
//! The helpers are a minimal copy of `browser.rs`'s.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};

/// Kills a child process when the test ends, however it ends.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn chromedriver() -> PathBuf {
    let path = std::env::var_os("OASYS_CHROMEDRIVER")
        .map_or_else(|| PathBuf::from("/usr/bin/chromedriver"), PathBuf::from);
    assert!(
        path.exists(),
        "{} is missing: install Debian's chromium and chromium-driver (.ci/run does), or set OASYS_CHROMEDRIVER",
        path.display()
    );
    path
}

fn axe_source() -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../web/assets/node_modules/axe-core/axe.min.js");
    std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "{} is missing: run `cargo xtask assets` (cargo xtask ci does) to install axe-core",
            path.display()
        )
    })
}

fn database(dir: &Path) -> String {
    format!("sqlite://{}", dir.join("oasys.db").display())
}

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

fn start_server(dir: &Path) -> (Running, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_oasys"))
        .args([
            "serve",
            "--demo",
            "--insecure-cookies",
            "--addr",
            "127.0.0.1:0",
            "--database",
            &database(dir),
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start oasys serve");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("read the listening line");
    let base = line
        .trim()
        .strip_prefix("oasys listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_owned();
    (Running(child), base)
}

fn start_chromedriver() -> (Running, String) {
    let port = free_port();
    let child = Command::new(chromedriver())
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver");
    let url = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(20);
    while ureq::get(&format!("{url}/status")).call().is_err() {
        assert!(Instant::now() < deadline, "chromedriver did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    (Running(child), url)
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

/// A browser session with the base URL, the axe-core source and where screenshots go.
struct Browser {
    client: Client,
    base: String,
    axe: String,
    shots: PathBuf,
    checked: Vec<String>,
}

impl Browser {
    async fn open(driver: &str, base: &str, profile: &Path) -> Self {
        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "goog:chromeOptions".to_owned(),
            json!({
                "binary": std::env::var("OASYS_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_owned()),
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--window-size=1280,1024",
                    format!("--user-data-dir={}", profile.display()),
                ],
            }),
        );
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities)
            .connect(driver)
            .await
            .expect("a Chromium session");
        let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
        std::fs::create_dir_all(&shots).expect("screenshot folder");
        Self {
            client,
            base: base.to_owned(),
            axe: axe_source(),
            shots,
            checked: Vec::new(),
        }
    }

    async fn go(&self, path: &str) {
        self.client
            .goto(&format!("{}{path}", self.base))
            .await
            .unwrap_or_else(|e| panic!("open {path}: {e}"));
    }

    async fn path(&self) -> String {
        self.client
            .current_url()
            .await
            .expect("current url")
            .path()
            .to_owned()
    }

    async fn text(&self, css: &str) -> String {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("find {css}: {e}"))
            .text()
            .await
            .expect("text")
    }

    async fn body(&self) -> String {
        self.text("main").await
    }

    async fn source(&self) -> String {
        self.client.source().await.expect("page source")
    }

    async fn mark_page(&self) {
        self.client
            .execute("window.__oasysOldPage = true;", Vec::new())
            .await
            .expect("mark the page");
    }

    async fn wait_for_new_page(&self, what: &str) {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let fresh = self
                .client
                .execute(
                    "return window.__oasysOldPage === undefined && document.readyState === 'complete';",
                    Vec::new(),
                )
                .await
                .ok()
                .and_then(|v| v.as_bool())
                .unwrap_or(false);
            if fresh {
                return;
            }
            assert!(Instant::now() < deadline, "{what} did not load a new page");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn click(&self, css: &str) {
        self.mark_page().await;
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("find {css}: {e}"))
            .click()
            .await
            .unwrap_or_else(|e| panic!("click {css}: {e}"));
        self.wait_for_new_page(css).await;
    }

    async fn click_link(&self, text: &str) {
        self.mark_page().await;
        self.client
            .find(Locator::LinkText(text))
            .await
            .unwrap_or_else(|e| panic!("find the link {text:?}: {e}"))
            .click()
            .await
            .unwrap_or_else(|e| panic!("click {text:?}: {e}"));
        self.wait_for_new_page(text).await;
    }

    async fn fill(&self, css: &str, value: &str) {
        let field = self
            .client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("find {css}: {e}"));
        field.clear().await.expect("clear");
        field.send_keys(value).await.expect("type");
    }

    async fn choose(&self, css: &str, value: &str) {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("find {css}: {e}"))
            .select_by_value(value)
            .await
            .unwrap_or_else(|e| panic!("choose {value} in {css}: {e}"));
    }

    /// Sets a field's value with script (a date input takes typed keys in the browser's locale
    /// order; the value is always year-month-day).
    async fn set_value(&self, css: &str, value: &str) {
        self.client
            .execute(
                "document.querySelector(arguments[0]).value = arguments[1];",
                vec![json!(css), json!(value)],
            )
            .await
            .unwrap_or_else(|e| panic!("set {css}: {e}"));
    }

    /// Runs axe-core on the page (WCAG 2.x A/AA rules): no serious or critical violation.
    /// Then saves a screenshot named after the page.
    async fn check(&mut self, name: &str) {
        self.client
            .execute(&self.axe, Vec::new())
            .await
            .expect("inject axe-core");
        let script = r"
            const done = arguments[arguments.length - 1];
            axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } })
              .then(r => done(r.violations
                .filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => v.id + ': ' + v.help + ' at ' + v.nodes.map(n => n.target.join(' ')).join(', '))))
              .catch(e => done(['axe failed: ' + e]));";
        let found = self
            .client
            .execute_async(script, Vec::new())
            .await
            .expect("run axe-core");
        let violations: Vec<String> = match found {
            Value::Array(items) => items
                .into_iter()
                .map(|v| v.as_str().unwrap_or_default().to_owned())
                .collect(),
            other => panic!("axe-core gave {other}"),
        };
        assert!(
            violations.is_empty(),
            "{name} ({}): {violations:#?}",
            self.path().await
        );
        let png = self.client.screenshot().await.expect("screenshot");
        std::fs::write(self.shots.join(format!("{name}.png")), png).expect("save screenshot");
        self.checked.push(name.to_owned());
    }

    async fn sign_in(&self, username: &str) {
        self.go("/sign-in").await;
        self.fill("#username", username).await;
        self.fill("#password", &format!("{username}-demo-password"))
            .await;
        self.click("form[action='/sign-in'] button").await;
        assert_ne!(self.path().await, "/sign-in", "{username} signed in");
    }

    async fn sign_out(&self) {
        self.click("form[action='/sign-out'] button").await;
        assert_eq!(self.path().await, "/sign-in");
    }
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
