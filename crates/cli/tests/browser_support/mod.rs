//! Driving the practitioner UI in headless Chromium for the end-to-end tests: the real `oasys
//! serve --demo`, Debian's chromium and chromium-driver (which `.ci/run` installs), fantoccini over
//! WebDriver, axe-core (installed by `cargo xtask assets`) on every page checked, and a screenshot
//! of each in `<target>/tmp/screenshots/`.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};

/// Kills a child process when the test ends, however it ends.
pub struct Running(pub Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

pub fn chromedriver() -> PathBuf {
    let path = std::env::var_os("OASYS_CHROMEDRIVER")
        .map_or_else(|| PathBuf::from("/usr/bin/chromedriver"), PathBuf::from);
    assert!(
        path.exists(),
        "{} is missing: install Debian's chromium and chromium-driver (.ci/run does), or set OASYS_CHROMEDRIVER",
        path.display()
    );
    path
}

pub fn axe_source() -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../web/assets/node_modules/axe-core/axe.min.js");
    std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "{} is missing: run `cargo xtask assets` (cargo xtask ci does) to install axe-core",
            path.display()
        )
    })
}

/// The SQLite URL of the test's database in `dir`.
pub fn database(dir: &Path) -> String {
    format!("sqlite://{}", dir.join("oasys.db").display())
}

/// Starts `oasys serve --demo` on a free loopback port over the database in `dir`.
pub fn start_server(dir: &Path) -> (Running, String) {
    let database = database(dir);
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

pub fn start_chromedriver() -> (Running, String) {
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
pub struct Browser {
    pub client: Client,
    pub base: String,
    axe: String,
    shots: PathBuf,
    pub checked: Vec<String>,
}

impl Browser {
    pub async fn open(driver: &str, base: &str, profile: &Path) -> Self {
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

    pub async fn go(&self, path: &str) {
        self.client
            .goto(&format!("{}{path}", self.base))
            .await
            .unwrap_or_else(|e| panic!("open {path}: {e}"));
    }

    pub async fn path(&self) -> String {
        self.client
            .current_url()
            .await
            .expect("current url")
            .path()
            .to_owned()
    }

    pub async fn text(&self, css: &str) -> String {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("find {css}: {e}"))
            .text()
            .await
            .expect("text")
    }

    pub async fn body(&self) -> String {
        self.text("main").await
    }

    pub async fn source(&self) -> String {
        self.client.source().await.expect("page source")
    }

    /// Sets a field's value with script (a date input takes typed keys in the browser's locale
    /// order; the value is always year-month-day).
    pub async fn set_value(&self, css: &str, value: &str) {
        self.client
            .execute(
                "document.querySelector(arguments[0]).value = arguments[1];",
                vec![json!(css), json!(value)],
            )
            .await
            .unwrap_or_else(|e| panic!("set {css}: {e}"));
    }

    /// Marks the current document so that `wait_for_new_page` can tell when another one has
    /// replaced it.
    pub async fn mark_page(&self) {
        self.client
            .execute("window.__oasysOldPage = true;", Vec::new())
            .await
            .expect("mark the page");
    }

    pub async fn wait_for_new_page(&self, what: &str) {
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
    pub async fn click(&self, css: &str) {
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
    pub async fn tick(&self, css: &str) {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("find {css}: {e}"))
            .click()
            .await
            .unwrap_or_else(|e| panic!("click {css}: {e}"));
    }

    pub async fn click_link(&self, text: &str) {
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

    pub async fn fill(&self, css: &str, value: &str) {
        let field = self
            .client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("find {css}: {e}"));
        field.clear().await.expect("clear");
        field.send_keys(value).await.expect("type");
    }

    pub async fn choose(&self, css: &str, value: &str) {
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
    pub async fn check(&mut self, name: &str) {
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

    /// Signs in a demo user (password `<username>-demo-password`).
    pub async fn sign_in(&self, username: &str) {
        self.go("/sign-in").await;
        self.fill("#username", username).await;
        self.fill("#password", &format!("{username}-demo-password"))
            .await;
        self.click("form[action='/sign-in'] button").await;
        assert_ne!(self.path().await, "/sign-in", "{username} signed in");
    }

    pub async fn sign_out(&self) {
        self.click("form[action='/sign-out'] button").await;
        assert_eq!(self.path().await, "/sign-in");
    }
}
