#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

mod assessments;
mod audit;
mod auth;
mod error;
mod extract;
mod guard;
mod health;
mod limits;
mod metrics;
mod openapi;
mod people;
mod plans;
mod router;
mod sections;
mod sharing;
mod state;
mod ui;

pub use auth::{
    AuthFirst, Caller, Credentials, LoginRequest, LoginResponse, PLAIN_COOKIE, SECURE_COOKIE,
    hash_password, new_secret, secret_hash, verify_password,
};
pub use error::{ApiError, Problem};
pub use extract::{BODY_LIMIT, etag};
pub use guard::{HSTS, MAX_IN_FLIGHT};
pub use openapi::{ApiDoc, openapi_json};
pub use router::router;
pub use state::{AppState, BLOCKING_THREADS, WebConfig, runtime};
