//! The practitioner UI end to end in headless Chromium (Debian's `chromium` and `chromium-driver`,
//! which `.ci/run` installs), driven over WebDriver by fantoccini against the real `oasys serve
//! --demo`: a PSO signs in, starts an assessment, answers the offending section (first with a
//! mistake), sees the scores, is stopped from signing an incomplete assessment, locks it for
//! countersigning; a practitioner countersigns it, then decides a sharing request and previews
//! the disclosure package. Every page type is checked with axe-core (no serious or critical
//! violations) and photographed into `<target>/tmp/screenshots/`.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
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

fn start_server(dir: &std::path::Path) -> (Running, String) {
    let database = format!("sqlite://{}", dir.join("oasys.db").display());
    let mut child = Command::new(env!("CARGO_BIN_EXE_oasys"))
        .args([
            "serve",
            "--demo",
            "--insecure-cookies",
            "--addr",
            "127.0.0.1:0",
            "--database",
            &database,
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

/// A browser session with the base URL, the axe-core source and where screenshots go.
struct Browser {
    client: Client,
    base: String,
    axe: String,
    shots: PathBuf,
    checked: Vec<String>,
}

impl Browser {
    async fn open(driver: &str, base: &str, profile: &std::path::Path) -> Self {
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

    /// Marks the current document so that `wait_for_new_page` can tell when another one has
    /// replaced it.
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

    /// Clicks something that loads a new page (a submit button) and waits for it.
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

    /// Clicks something on the page that does not navigate (a radio, a checkbox, a summary).
    async fn tick(&self, css: &str) {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("find {css}: {e}"))
            .click()
            .await
            .unwrap_or_else(|e| panic!("click {css}: {e}"));
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

    async fn sign_in(&mut self, username: &str, check: bool) {
        self.go("/sign-in").await;
        if check {
            self.check("sign-in").await;
        }
        self.fill("#username", username).await;
        self.fill("#password", &format!("{username}-demo-password"))
            .await;
        self.click("form[action='/sign-in'] button").await;
        assert_eq!(self.path().await, "/caseload", "{username} signed in");
    }

    async fn sign_out(&self) {
        self.click("form[action='/sign-out'] button").await;
        assert_eq!(self.path().await, "/sign-in");
    }
}

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
    b.sign_in("pso", true).await;
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

    // Locked as incomplete, for the practitioner to countersign.
    b.tick(".govuk-details__summary").await;
    b.fill("#lock-reason", "Seen once; the rest follows next week")
        .await;
    b.fill("#lock-countersigner", "practitioner").await;
    b.click("form[action$='/lock-incomplete'] button").await;
    assert!(b.body().await.contains("Awaiting countersignature"));
    b.sign_out().await;

    // The practitioner finds it in the countersigning queue and countersigns it.
    b.sign_in("practitioner", false).await;
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

    // The practitioner assesses Dunmore, who has a sharing request, and locks it as incomplete.
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
    b.tick(".govuk-details__summary").await;
    b.fill(
        "#lock-reason",
        "Interview cut short; enough for the enquiry",
    )
    .await;
    b.click("form[action$='/lock-incomplete'] button").await;
    let body = b.body().await;
    assert!(body.contains("Locked incomplete"), "{body}");

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
    b.check("sentence-plan").await;

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
        body.contains("Disclosure package") && body.contains("not a copy of the record"),
        "{body}"
    );
    assert!(
        !body.contains("Demo Child"),
        "third parties never appear in the package: {body}"
    );
    b.check("sharing-package").await;
    b.sign_out().await;

    // A senior probation officer allocates Ellery to the practitioner.
    b.sign_in("spo", false).await;
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
    b.sign_in("practitioner", false).await;
    let caseload = b.body().await;
    assert!(caseload.contains("Ellery (demo), Sam"), "{caseload}");
    b.sign_out().await;

    // An administrator excludes the PSO from Ellery's case: the PSO no longer sees it at all.
    b.sign_in("admin", false).await;
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

    b.sign_in("pso", false).await;
    b.go(&person).await;
    let refused = b.body().await;
    assert!(
        !refused.contains("Ellery") && refused.contains("Ask the SPO about this case"),
        "{refused}"
    );

    b.client.close().await.expect("close the browser");
    assert_eq!(b.checked.len(), 21, "{:?}", b.checked);
}
