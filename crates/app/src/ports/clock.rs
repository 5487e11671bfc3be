//! The clock and id ports: the core never reads the time or makes ids itself.
//! Production adapters read the system clock and a random source; tests pass fixed ones.

use chrono::{DateTime, Utc};
use uuid::Uuid;

/// The current time.
///
/// Contract: `now` MUST return UTC; successive calls SHOULD NOT go backwards (adapters that read
/// a wall clock may, and callers must tolerate equal or slightly earlier values).
pub trait Clock: Send + Sync {
    /// The current instant in UTC.
    fn now(&self) -> DateTime<Utc>;
}

/// New identifiers for people, assessments, audit events and so on.
///
/// Contract: `new_id` MUST NOT return the same id twice in the life of a deployment (random v4 or
/// time-ordered v7 ids in production; a counter in tests).
pub trait IdGenerator: Send + Sync {
    /// A fresh id.
    fn new_id(&self) -> Uuid;
}
