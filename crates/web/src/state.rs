//! What every handler shares: the application, a clock for sessions, the configuration and the
//! semaphore that keeps password hashing from starving the server (spec S2).

use std::sync::Arc;

use chrono::Duration;
use oasys_app::{App, Clock, IdGenerator, SessionLimits, Storage};
use tokio::sync::Semaphore;

use crate::error::ApiError;
use crate::limits::LoginThrottle;

/// Settings of the web adapter.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Idle and absolute session timeouts (spec S9: 30 minutes, 12 hours).
    pub sessions: SessionLimits,
    /// Add `Secure` and the `__Host-` prefix to the session cookie (off only for plain-HTTP tests).
    pub secure_cookies: bool,
}

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            sessions: SessionLimits {
                idle: Duration::minutes(30),
                absolute: Duration::hours(12),
            },
            secure_cookies: true,
        }
    }
}

/// The shared state of the router.
pub struct AppState<S, C, I> {
    pub(crate) app: Arc<App<S, C, I>>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) config: WebConfig,
    pub(crate) hashing: Arc<Semaphore>,
    pub(crate) logins: Arc<LoginThrottle>,
}

impl<S, C, I> std::fmt::Debug for AppState<S, C, I> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl<S, C, I> Clone for AppState<S, C, I> {
    fn clone(&self) -> Self {
        Self {
            app: Arc::clone(&self.app),
            clock: Arc::clone(&self.clock),
            config: self.config.clone(),
            hashing: Arc::clone(&self.hashing),
            logins: Arc::clone(&self.logins),
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
            logins: Arc::new(LoginThrottle::default()),
        }
    }

    /// Runs synchronous port calls on the blocking pool.
    pub(crate) async fn blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce(&App<S, C, I>) -> Result<T, ApiError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let app = Arc::clone(&self.app);
        tokio::task::spawn_blocking(move || work(&app))
            .await
            .map_err(|_| ApiError::internal())?
    }
}
