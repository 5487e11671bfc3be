//! The HTTP benchmark's two halves (run by `cargo xtask bench`, side by side on one machine):
//!
//! - `http_bench serve DIR PEOPLE`: seeds an SQLite database in DIR (a practitioner with an API
//!   token, PEOPLE allocated people each with an open assessment), serves the real router on
//!   127.0.0.1 (port chosen by the system) and prints one line
//!   `ready PORT TOKEN ID,ID,…`; then serves until killed.
//! - `http_bench trivial`: serves a trivial axum handler (`GET /` → `ok`) the same way and
//!   prints `ready PORT - -`.
//! - `http_bench seed DIR PEOPLE`: seeds the database in DIR as `serve` does, prints
//!   `seeded TOKEN ID,ID,…` and exits, so that the real `oasys serve` can be started on it (the
//!   memory soak of `cargo xtask reliability soak`).
//! - `http_bench load BASE TOKEN IDS MODE CLIENTS SECONDS [RATE]`: MODE `read` (GET an
//!   assessment), `save` (PUT a whole section with `If-Match`, each client on its own assessment,
//!   alternating the answers so every save writes), `mixed` (three reads to one save) or
//!   `trivial` (GET /); CLIENTS keep-alive connections for one second of warm-up and SECONDS
//!   measured, as fast as they are answered or, with RATE, paced to RATE requests a second in
//!   all; prints `requests N errors E rps R p50_ms A p99_ms B`.

use std::collections::BTreeSet;
use std::io::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, header};
use axum::routing::get;
use chrono::{DateTime, NaiveDate, Utc};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use oasys_app::{
    AccountProfile, AccountRepository, ApiToken, App, Clock, IdGenerator, NewAssessmentRequest,
    RequestContext, UserAccount,
};
use oasys_assessment_model::{
    CaseIds, CourtReportTemplate, Crn, Gender, Layer, Location, Name, OrgCode, Person, Purpose,
    Rank,
};
use oasys_sharing_policy::{Action, Actor, Role};
use oasys_storage::Database;
use oasys_web::{AppState, WebConfig, new_secret, router};
use uuid::Uuid;

// The allocator `oasys serve` runs with (crates/cli/src/main.rs), so that the figures are the product's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

type Failure = Box<dyn std::error::Error + Send + Sync>;

struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

struct RandomIds;

impl IdGenerator for RandomIds {
    fn new_id(&self) -> Uuid {
        Uuid::new_v4()
    }
}

const AREA: &str = "AREA1";
const TEAM: &str = "T1";
const PRACTITIONER: &str = "PO1";

fn person(n: u32) -> Result<Person, Failure> {
    Ok(Person {
        id: Uuid::new_v4(),
        ids: CaseIds::new(Some(Crn::parse(&format!("B{n:06}"))?), None, None)?,
        family_name: Name::parse(&format!("Benchperson{n}"))?,
        given_name: Name::parse("Alex")?,
        date_of_birth: NaiveDate::from_ymd_opt(1980, 1, 1 + n % 28).ok_or("date")?,
        gender: Gender::Male,
        location: Location::Community {
            pdu: OrgCode::parse("PDU1")?,
            team: OrgCode::parse(TEAM)?,
        },
        ethnicity: None,
        sexually_motivated_offence_history: Some(false),
        sentence: None,
    })
}

/// Seeds the database; returns the practitioner's token and the open assessments.
fn seed(app: &BenchApp, people: u32) -> Result<(String, Vec<Uuid>), Failure> {
    let ctx = RequestContext::default();
    let admin = Actor::new("ADMIN", Role::Administrator, AREA);
    let mut spo = Actor::new("SPO1", Role::SeniorProbationOfficer, AREA);
    spo.managed_teams.insert(TEAM.to_owned());
    spo.teams.insert(TEAM.to_owned());
    let mut po = Actor::new(PRACTITIONER, Role::Practitioner, AREA);
    po.grade = Some(Rank::new(3)?);
    po.teams.insert(TEAM.to_owned());
    app.set_team_area(&admin, TEAM, AREA, &ctx)?;
    let team = OrgCode::parse(TEAM)?;
    let now = Utc::now();
    app.store().create_user(&UserAccount {
        username: PRACTITIONER.to_owned(),
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$unusable".to_owned(),
        profile: AccountProfile {
            role: Role::Practitioner,
            grade: po.grade,
            area: AREA.to_owned(),
            teams: BTreeSet::from([TEAM.to_owned()]),
            managed_teams: BTreeSet::new(),
        },
        disabled: false,
        created_at: now,
    })?;
    let (token, hash) = new_secret().map_err(|e| format!("{e:?}"))?;
    app.store().create_api_token(&ApiToken {
        id: Uuid::new_v4(),
        token_hash: hash,
        username: PRACTITIONER.to_owned(),
        scope: Action::ALL.into_iter().collect(),
        created_at: now,
        expires_at: None,
        revoked_at: None,
    })?;
    let request = NewAssessmentRequest {
        layer: Layer::Layer3Full,
        purpose: Purpose::StartOfCommunityOrder,
        court_report: CourtReportTemplate::None,
        clone_previous: false,
    };
    let mut ids = Vec::new();
    for n in 0..people {
        let p = person(n)?;
        app.register_person(&admin, &p, &ctx)?;
        app.allocate(&spo, p.id, PRACTITIONER, &team, &ctx)?;
        ids.push(
            app.create_assessment(&po, p.id, &request, &ctx)?
                .header()
                .id,
        );
    }
    Ok((token, ids))
}

type BenchApp = App<Database, SystemClock, RandomIds>;

/// A new database in `dir`, seeded; with the token and the assessment ids as text.
fn seeded(dir: &std::path::Path, people: u32) -> Result<(BenchApp, String, Vec<String>), Failure> {
    let url = format!("sqlite://{}", dir.join("bench.db").display());
    let app = App::new(Database::open(&url)?, SystemClock, RandomIds);
    let (token, ids) = seed(&app, people)?;
    Ok((app, token, ids.iter().map(Uuid::to_string).collect()))
}

async fn serve(app: Router, ready: impl FnOnce(u16)) -> Result<(), Failure> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    ready(listener.local_addr()?.port());
    axum::serve(listener, app).await?;
    Ok(())
}

fn announce(line: &str) {
    let mut out = std::io::stdout();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Read,
    Save,
    /// Three reads, then one save.
    Mixed,
    Trivial,
}

struct Load {
    base: String,
    token: String,
    ids: Vec<Uuid>,
    mode: Mode,
    /// Requests a second from all clients together; `None`: as fast as they are answered.
    rate: Option<f64>,
}

/// Sends one request, the client's `turn`th; returns the `ETag` of a 2xx answer, or why it
/// failed.
async fn once(
    client: &Client<HttpConnector, Body>,
    load: &Load,
    id: Uuid,
    etag: &str,
    turn: u64,
) -> Result<String, String> {
    let bearer = format!("Bearer {}", load.token);
    // A save's turn among the client's saves, so that consecutive saves alternate the answers.
    let (mode, save) = match load.mode {
        Mode::Mixed if turn % 4 == 3 => (Mode::Save, turn / 4),
        Mode::Mixed => (Mode::Read, 0),
        mode => (mode, turn),
    };
    let request = match mode {
        Mode::Trivial => Request::get(format!("{}/", load.base)).body(Body::empty()),
        Mode::Read | Mode::Mixed => Request::get(format!("{}/api/v1/assessments/{id}", load.base))
            .header(header::AUTHORIZATION, &bearer)
            .body(Body::empty()),
        Mode::Save => {
            let body = format!(
                r#"{{"answers":{{"3.4":{{"problems":{}}},"3.5":{{"problems":1}}}}}}"#,
                1 + save % 2
            );
            Request::builder()
                .method(Method::PUT)
                .uri(format!(
                    "{}/api/v1/assessments/{id}/sections/accommodation",
                    load.base
                ))
                .header(header::AUTHORIZATION, &bearer)
                .header(header::CONTENT_TYPE, "application/json")
                .header(header::IF_MATCH, etag)
                .body(Body::from(body))
        }
    }
    .map_err(|e| e.to_string())?;
    let response = client.request(request).await.map_err(|e| e.to_string())?;
    let status = response.status();
    let tag = response
        .headers()
        .get(header::ETAG)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let body = axum::body::to_bytes(Body::new(response.into_body()), 1 << 22)
        .await
        .map_err(|e| e.to_string())?;
    if status.is_success() {
        Ok(tag)
    } else {
        Err(format!("{status} {}", String::from_utf8_lossy(&body)))
    }
}

async fn run_load(load: Arc<Load>, clients: usize, seconds: u64) -> Result<(), Failure> {
    let client: Client<HttpConnector, Body> = Client::builder(TokioExecutor::new())
        .pool_max_idle_per_host(clients)
        .build_http();
    let started = Instant::now();
    let measure_from = started + Duration::from_secs(1);
    let until = measure_from + Duration::from_secs(seconds);
    let latencies = Arc::new(Mutex::new(Vec::<u32>::new()));
    let errors = Arc::new(AtomicU64::new(0));
    let first_error = Arc::new(Mutex::new(None::<String>));
    let mut tasks = Vec::new();
    for c in 0..clients {
        let (client, load) = (client.clone(), Arc::clone(&load));
        let (latencies, errors, first_error) = (
            Arc::clone(&latencies),
            Arc::clone(&errors),
            Arc::clone(&first_error),
        );
        tasks.push(tokio::spawn(async move {
            let id = load
                .ids
                .get(c % load.ids.len().max(1))
                .copied()
                .unwrap_or_default();
            let mut etag = String::new();
            if load.mode == Mode::Save {
                let read = Load {
                    base: load.base.clone(),
                    token: load.token.clone(),
                    ids: Vec::new(),
                    mode: Mode::Read,
                    rate: None,
                };
                etag = once(&client, &read, id, "", 0).await.unwrap_or_default();
            }
            // Paced clients start spread over one interval and keep to their own schedule.
            let interval = load
                .rate
                .map(|rate| Duration::from_secs_f64(clients as f64 / rate));
            let mut next =
                started + interval.map_or(Duration::ZERO, |i| i * c as u32 / clients as u32);
            let mut mine = Vec::new();
            let mut turn = 0u64;
            loop {
                if let Some(interval) = interval {
                    tokio::time::sleep_until(next.into()).await;
                    next += interval;
                }
                let sent = Instant::now();
                if sent >= until {
                    break;
                }
                let result = once(&client, &load, id, &etag, turn).await;
                let took = sent.elapsed();
                turn += 1;
                let measured = sent >= measure_from;
                match result {
                    Ok(tag) => {
                        if !tag.is_empty() {
                            etag = tag;
                        }
                        if measured {
                            mine.push(u32::try_from(took.as_micros()).unwrap_or(u32::MAX));
                        }
                    }
                    Err(why) => {
                        if measured {
                            errors.fetch_add(1, Ordering::Relaxed);
                        }
                        if let Ok(mut first) = first_error.lock() {
                            first.get_or_insert(why);
                        }
                    }
                }
            }
            if let Ok(mut all) = latencies.lock() {
                all.extend(mine);
            }
        }));
    }
    for task in tasks {
        task.await?;
    }
    let mut all = latencies.lock().map_err(|_| "poisoned")?.clone();
    all.sort_unstable();
    let pick = |q: f64| {
        let i = ((all.len() as f64 - 1.0) * q).round() as usize;
        all.get(i).map_or(0.0, |us| f64::from(*us) / 1000.0)
    };
    let errors = errors.load(Ordering::Relaxed);
    let requests = all.len() as u64 + errors;
    println!(
        "requests {requests} errors {errors} rps {:.0} p50_ms {:.2} p99_ms {:.2}",
        requests as f64 / seconds as f64,
        pick(0.50),
        pick(0.99)
    );
    if let Some(why) = first_error.lock().map_err(|_| "poisoned")?.as_ref() {
        eprintln!("first error: {why}");
    }
    Ok(())
}

fn main() -> Result<(), Failure> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize| args.get(i).map(String::as_str).unwrap_or_default();
    // The runtime `oasys serve` runs (its blocking threads bounded); the load generator uses it too.
    let runtime = oasys_web::runtime()?;
    match arg(0) {
        "serve" => {
            let dir = std::path::PathBuf::from(arg(1));
            let people: u32 = arg(2).parse().unwrap_or(64);
            let (app, token, ids) = seeded(&dir, people)?;
            let state = AppState::new(app, Arc::new(SystemClock), WebConfig::default());
            runtime.block_on(serve(router(state), |port| {
                announce(&format!("ready {port} {token} {}", ids.join(",")));
            }))
        }
        "seed" => {
            let dir = std::path::PathBuf::from(arg(1));
            let people: u32 = arg(2).parse().unwrap_or(64);
            let (_, token, ids) = seeded(&dir, people)?;
            announce(&format!("seeded {token} {}", ids.join(",")));
            Ok(())
        }
        "trivial" => {
            let app = Router::new().route("/", get(|| async { "ok" }));
            runtime.block_on(serve(app, |port| announce(&format!("ready {port} - -"))))
        }
        "load" => {
            let ids = arg(3)
                .split(',')
                .filter_map(|s| Uuid::parse_str(s).ok())
                .collect();
            let mode = match arg(4) {
                "read" => Mode::Read,
                "save" => Mode::Save,
                "mixed" => Mode::Mixed,
                "trivial" => Mode::Trivial,
                other => return Err(format!("unknown mode {other:?}").into()),
            };
            let rate = match arg(7) {
                "" => None,
                rate => Some(
                    rate.parse::<f64>()
                        .ok()
                        .filter(|r| *r > 0.0)
                        .ok_or_else(|| format!("RATE must be a positive number, not {rate:?}"))?,
                ),
            };
            let load = Arc::new(Load {
                base: arg(1).to_owned(),
                token: arg(2).to_owned(),
                ids,
                mode,
                rate,
            });
            let clients = arg(5).parse().unwrap_or(64);
            let seconds = arg(6).parse().unwrap_or(10);
            runtime.block_on(run_load(load, clients, seconds))
        }
        other => Err(format!(
            "usage: http_bench serve DIR PEOPLE | seed DIR PEOPLE | trivial | load …; got {other:?}"
        )
        .into()),
    }
}
