//! `oasys serve`: opens (and migrates) the database, optionally seeds the demo, and runs the web
//! adapter until Ctrl-C or SIGTERM, finishing the requests in flight before it stops.

use std::net::SocketAddr;

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use oasys_app::{App, Clock, IdGenerator};
use oasys_storage::Database;
use oasys_web::{AppState, WebConfig, router};
use uuid::Uuid;

use crate::config::Common;
use crate::{Outcome, demo};

#[derive(Debug, clap::Args)]
pub(crate) struct ServeArgs {
    #[command(flatten)]
    pub(crate) common: Common,
    /// Address to listen on (port 0 picks a free port)
    #[arg(long, env = "OASYS_ADDR", default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Seed a clearly fictional demo (users of each role, a caseload, assessments at different
    /// stages, a sharing request) when the database has no users yet
    #[arg(long)]
    demo: bool,
    /// Session cookies without `Secure` (plain HTTP on a host other than localhost; never in production)
    #[arg(long)]
    insecure_cookies: bool,
    /// The public address is https:// (every response then carries Strict-Transport-Security)
    #[arg(long, env = "OASYS_HTTPS_ORIGIN")]
    https_origin: bool,
    /// A TLS-terminating proxy sets X-Forwarded-Proto in front of this server (HSTS when it says
    /// https); leave off when clients can reach the server directly
    #[arg(long, env = "OASYS_TRUST_FORWARDED_PROTO")]
    trust_forwarded_proto: bool,
    /// Bearer token a Prometheus scraper presents to read /metrics (else only loopback clients may)
    #[arg(long, env = "OASYS_METRICS_TOKEN", hide_env_values = true)]
    metrics_token: Option<String>,
}

/// The wall clock (the core never reads it; this adapter does).
#[derive(Debug, Clone, Copy)]
pub(crate) struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// Random (version 4) ids from the operating system.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RandomIds;

impl IdGenerator for RandomIds {
    fn new_id(&self) -> Uuid {
        Uuid::new_v4()
    }
}

pub(crate) fn run(args: &ServeArgs) -> Result<Outcome> {
    let settings = args.common.resolve()?;
    let db = Database::open(&settings.database).with_context(|| {
        format!(
            "cannot open the database {} (from {}); check the URL, or run `oasys db status`",
            crate::config::redact(&settings.database),
            settings.database_source
        )
    })?;
    let app = App::new(db, SystemClock, RandomIds);
    if args.demo {
        demo::seed(&app).context("cannot seed the demo data")?;
    }
    let config = WebConfig {
        secure_cookies: !args.insecure_cookies,
        https_origin: args.https_origin,
        trust_forwarded_proto: args.trust_forwarded_proto,
        metrics_token_hash: args.metrics_token.as_deref().map(oasys_web::secret_hash),
        ..WebConfig::default()
    };
    let state = AppState::new(app, std::sync::Arc::new(SystemClock), config);
    let runtime = oasys_web::runtime().context("cannot start the async runtime")?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(args.addr)
            .await
            .with_context(|| {
                format!(
                    "cannot listen on {} (is another server using it?)",
                    args.addr
                )
            })?;
        let local = listener
            .local_addr()
            .context("cannot read the listening address")?;
        println!("oasys listening on http://{local}");
        // The peer address lets /metrics tell loopback scrapers apart.
        let service = router(state).into_make_service_with_connect_info::<SocketAddr>();
        axum::serve(listener, service)
            .with_graceful_shutdown(shutdown())
            .await
            .context("the server failed")
    })?;
    eprintln!("oasys stopped");
    Ok(Outcome::Success)
}

/// Resolves on Ctrl-C or SIGTERM.
async fn shutdown() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
}
