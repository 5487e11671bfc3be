//! What every handler shares: the application, a clock for sessions, the configuration and the
//! semaphore that keeps password hashing from starving the server (spec S2).

use std::sync::Arc;

use chrono::Duration;
use oasys_app::{App, Clock, IdGenerator, SessionLimits, Storage};
use tokio::sync::Semaphore;

use crate::auth::{Caller, Credentials};
use crate::error::ApiError;
use crate::metrics::Metrics;

/// Settings of the web adapter.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Idle and absolute session timeouts (spec S9: 30 minutes, 12 hours).
    pub sessions: SessionLimits,
    /// Add `Secure` and the `__Host-` prefix to the session cookie (off only for plain-HTTP tests).
    pub secure_cookies: bool,
    /// The public origin is `https://`: every response carries `Strict-Transport-Security`.
    pub https_origin: bool,
    /// A TLS-terminating proxy that sets `X-Forwarded-Proto` stands in front of the server: a
    /// request that came with `X-Forwarded-Proto: https` gets `Strict-Transport-Security`. Leave
    /// off when clients can reach the server directly (they could forge the header).
    pub trust_forwarded_proto: bool,
    /// Hex SHA-256 of the token a scraper must present to read `/metrics` (`Authorization:
    /// Bearer …`); `None` lets only loopback clients that came through no proxy read it.
    pub metrics_token_hash: Option<String>,
}

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            sessions: SessionLimits {
                idle: Duration::minutes(30),
                absolute: Duration::hours(12),
            },
            secure_cookies: true,
            https_origin: false,
            trust_forwarded_proto: false,
            metrics_token_hash: None,
        }
    }
}

/// The shared state of the router.
pub struct AppState<S, C, I> {
    pub(crate) app: Arc<App<S, C, I>>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) config: WebConfig,
    pub(crate) hashing: Arc<Semaphore>,
    pub(crate) metrics: Arc<Metrics>,
}

impl<S, C, I> std::fmt::Debug for AppState<S, C, I> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

/// Threads for blocking work (every port call runs on one, see [`AppState`]). Enough for every
/// pooled connection (4 readers and the writer on SQLite, 8 on PostgreSQL) with room to spare;
/// few enough that under load the cores are not shared out among dozens of threads that would
/// mostly wait for a connection or the writer. With tokio's default (512) the p99 of audited
/// reads under 64 clients was about a quarter higher (docs/performance.md).
pub const BLOCKING_THREADS: usize = 12;

/// The multi-threaded runtime the router is served on (`oasys serve`), with
/// [`BLOCKING_THREADS`].
pub fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .max_blocking_threads(BLOCKING_THREADS)
        .enable_all()
        .build()
}

impl<S, C, I> Clone for AppState<S, C, I> {
    fn clone(&self) -> Self {
        Self {
            app: Arc::clone(&self.app),
            clock: Arc::clone(&self.clock),
            config: self.config.clone(),
            hashing: Arc::clone(&self.hashing),
            metrics: Arc::clone(&self.metrics),
        }
    }
}

impl<S, C, I> AppState<S, C, I>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    /// Wires the state: the application, the clock sessions are timed with, and the settings.
    pub fn new(app: App<S, C, I>, clock: Arc<dyn Clock>, config: WebConfig) -> Self {
        Self {
            app: Arc::new(app),
            clock,
            config,
            hashing: Arc::new(Semaphore::new(2)),
            metrics: Arc::new(Metrics::default()),
        }
    }

    /// Runs synchronous port calls on the blocking pool (at most [`BLOCKING_THREADS`] at once on
    /// the runtime [`runtime`] builds).
    pub(crate) async fn blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce(&App<S, C, I>) -> Result<T, ApiError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let app = Arc::clone(&self.app);
        tokio::task::spawn_blocking(move || work(&app))
            .await
            .map_err(|_| ApiError::internal())?
    }

    /// Authenticates and runs the work in ONE hop to the blocking pool: the credentials are
    /// resolved into the caller (session or token and account read afresh, 401 when they do not
    /// lead to an active account), then `work` runs as that caller. Every JSON handler goes
    /// through here, so a request crosses threads once.
    pub(crate) async fn as_caller<T: Send + 'static>(
        &self,
        credentials: Credentials,
        work: impl FnOnce(&App<S, C, I>, &Caller) -> Result<T, ApiError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let now = self.clock.now();
        let limits = self.config.sessions;
        self.blocking(move |app| {
            let caller = credentials.resolve(app.store(), now, limits)?;
            work(app, &caller)
        })
        .await
    }

    /// Resolves the credentials into the caller on a hop of its own (for handlers that need the
    /// caller before their use cases: the HTML pages).
    pub(crate) async fn resolve(&self, credentials: Credentials) -> Result<Caller, ApiError> {
        let now = self.clock.now();
        let limits = self.config.sessions;
        self.blocking(move |app| credentials.resolve(app.store(), now, limits))
            .await
    }
}
