//! Group commit for SQLite: the write transactions of concurrent callers share one database
//! transaction and one durable commit.
//!
//! SQLite runs one writer at a time and a durable commit (`synchronous=FULL`) costs a WAL write
//! and an fsync. Every audited read is a small write (its audit row), so committing each
//! request's transaction on its own makes the fsync, and the busy-waiting of the connections
//! queued for the write lock, the cost of every request. Instead one dedicated connection does
//! all the writing: each caller runs its work in a savepoint of the open transaction and, when
//! other callers are already queued behind it, leaves the commit to the last of them and waits.
//! The last caller (no one queued, or the batch full) commits once for all.
//!
//! Writes that own everything they need (`combine`, used for the audit rows of audited reads) are
//! not run by their callers at all: they are queued, and whoever gets the writer next runs every
//! queued one, each in its own savepoint, in the transaction it is about to commit, then wakes
//! their callers. So a burst of such writes costs one thread hand-off each instead of two and
//! runs back to back on one thread.
//!
//! What a caller sees is unchanged: `run` returns `Ok` only once the caller's writes are
//! committed durably; when its work fails, its savepoint is rolled back and the rest of the batch
//! is untouched; when the commit fails, every member of the batch gets the error and none of
//! their writes is kept. Members of a batch see the writes of the members before them (they are
//! serialised as before, so the audit chain stays one chain and optimistic concurrency still
//! holds); readers on other connections see the batch when it commits.

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::sync::atomic::{AtomicUsize, Ordering, fence};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError, TryLockError};
use std::thread::{self, Thread};
use std::time::Duration;

use diesel::Connection;
use diesel::connection::{AnsiTransactionManager, TransactionManager};
use oasys_app::StoreError;

use crate::conn::{DbConnection, Target, store_error};

/// The most callers one transaction takes before it commits even though more are queued, which
/// bounds how long the first of them waits.
const MAX_BATCH: usize = 64;

thread_local! {
    /// Whether this thread is running work inside the writer (a second write from inside it
    /// would wait for itself).
    static INSIDE: Cell<bool> = const { Cell::new(false) };
}

/// The single writing connection of an SQLite store, shared by group commit.
pub(crate) struct GroupWriter {
    target: Target,
    state: Mutex<State>,
    /// Callers waiting for `state` in order to run work (not those waiting for a commit).
    queued: AtomicUsize,
    /// Writes queued by `combine` for the next holder of `state` to run.
    jobs: Mutex<Vec<Job>>,
    /// How many writes `jobs` holds (read without its lock).
    job_count: AtomicUsize,
}

/// The write of a queued job.
type Work = Box<dyn FnOnce(&mut DbConnection) -> Result<(), StoreError> + Send>;

/// A write queued by `combine`.
struct Job {
    work: Work,
    waiter: Waiter,
}

/// Where the caller of a queued write waits for its outcome.
struct Waiter {
    done: Arc<OnceLock<Result<(), StoreError>>>,
    caller: Thread,
}

impl Waiter {
    fn tell(self, result: Result<(), StoreError>) {
        let _ = self.done.set(result);
        self.caller.unpark();
    }
}

#[derive(Default)]
struct State {
    /// Opened on first use, and again after a failure that left it unusable.
    conn: Option<DbConnection>,
    /// The batch whose transaction is open.
    open: Option<Batch>,
}

struct Batch {
    /// Members whose work succeeded (their writes are in the transaction).
    members: usize,
    /// The members waiting for the commit (the committer does not wait), woken when it is over.
    waiting: Vec<Thread>,
    /// How the batch ended: `None` committed, `Some(why)` rolled back as a whole.
    outcome: Arc<OnceLock<Option<String>>>,
}

/// A member's error: its work's own, or diesel failing to open or release its savepoint.
enum MemberError<E> {
    Work(E),
    Diesel(diesel::result::Error),
}

impl<E> From<diesel::result::Error> for MemberError<E> {
    fn from(e: diesel::result::Error) -> Self {
        Self::Diesel(e)
    }
}

impl GroupWriter {
    pub(crate) fn new(target: Target) -> Self {
        Self {
            target,
            state: Mutex::new(State::default()),
            queued: AtomicUsize::new(0),
            jobs: Mutex::new(Vec::new()),
            job_count: AtomicUsize::new(0),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic never leaves `State` half-changed (work runs under `catch_unwind`), so a
        // poisoned lock is still consistent.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs `work` in a savepoint of the shared write transaction and returns once the
    /// transaction holding its writes has committed (or with the error that stopped it).
    pub(crate) fn run<T, E>(
        &self,
        work: impl FnOnce(&mut DbConnection) -> Result<T, E>,
    ) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        if INSIDE.with(Cell::get) {
            return Err(StoreError::Backend(
                "a write transaction was started inside another one".to_owned(),
            )
            .into());
        }
        self.queued.fetch_add(1, Ordering::SeqCst);
        let mut state = self.lock();
        self.queued.fetch_sub(1, Ordering::SeqCst);
        let batch_end = self.open_batch(&mut state)?;
        let Some(conn) = state.conn.as_mut() else {
            return Err(StoreError::Backend("the writer connection is closed".to_owned()).into());
        };
        INSIDE.with(|inside| inside.set(true));
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            conn.transaction(|c| work(c).map_err(MemberError::Work))
        }));
        INSIDE.with(|inside| inside.set(false));
        let mut panicked = None;
        let result = match outcome {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(MemberError::Work(e))) => Err(e),
            Ok(Err(MemberError::Diesel(e))) => Err(store_error("transaction", e).into()),
            Err(panic) => {
                // Diesel leaves the savepoints of a panicking closure open: undo them, or, if
                // that fails, give up the whole batch.
                if !back_to_batch(conn) {
                    self.abandon(&mut state, "a write in the same transaction failed");
                    drop(state);
                    resume_unwind(panic);
                }
                panicked = Some(panic);
                Err(StoreError::Backend("the write panicked".to_owned()).into())
            }
        };
        let batch = state
            .open
            .as_mut()
            .filter(|b| Arc::ptr_eq(&b.outcome, &batch_end));
        let Some(batch) = batch else {
            // Unreachable: only the lock holder finishes a batch.
            return Err(StoreError::Backend("the write batch was lost".to_owned()).into());
        };
        if result.is_ok() {
            batch.members += 1;
        }
        let mut alone = self.queued.load(Ordering::SeqCst) == 0;
        if alone {
            // Give writers that are runnable but not yet queued a moment to join this
            // transaction: under load this took transactions from about 5 callers each to about
            // 30, and the fsync and commit work is shared by all of them.
            std::thread::yield_now();
            alone = self.queued.load(Ordering::SeqCst) == 0;
        }
        if alone || batch.members >= MAX_BATCH {
            let committed = self.commit(&mut state);
            drop(state);
            self.run_queued();
            if let Some(panic) = panicked {
                resume_unwind(panic);
            }
            return match (result, committed) {
                (Ok(value), Ok(())) => Ok(value),
                (Ok(_), Err(e)) => Err(e.into()),
                (Err(e), _) => Err(e),
            };
        }
        if let Some(panic) = panicked {
            // Someone queued behind this caller commits the batch.
            drop(state);
            resume_unwind(panic);
        }
        let value = result?;
        batch.waiting.push(thread::current());
        drop(state);
        self.run_queued();
        // Woken by whoever finishes the batch; no lock is taken again, so the members of a
        // committed batch do not queue for `state` behind the writers of the next one.
        let ended = loop {
            match batch_end.get() {
                Some(ended) => break ended,
                None => thread::park(),
            }
        };
        match ended {
            None => Ok(value),
            Some(reason) => Err(StoreError::Backend(reason.clone()).into()),
        }
    }

    /// Runs `work` in a savepoint of the shared write transaction like `run`, but on whichever
    /// thread holds the writer next (this one when it is free), and returns once the transaction
    /// holding its writes has committed. A panic in `work` is reported as an error.
    pub(crate) fn combine(
        &self,
        work: impl FnOnce(&mut DbConnection) -> Result<(), StoreError> + Send + 'static,
    ) -> Result<(), StoreError> {
        if INSIDE.with(Cell::get) {
            return Err(StoreError::Backend(
                "a write transaction was started inside another one".to_owned(),
            ));
        }
        let done = Arc::new(OnceLock::new());
        {
            let mut jobs = self.jobs.lock().unwrap_or_else(PoisonError::into_inner);
            jobs.push(Job {
                work: Box::new(work),
                waiter: Waiter {
                    done: Arc::clone(&done),
                    caller: thread::current(),
                },
            });
            self.job_count.fetch_add(1, Ordering::SeqCst);
        }
        loop {
            self.run_queued();
            if let Some(result) = done.get() {
                return result.clone();
            }
            // Woken by whoever ran the job; the timeout only bounds a wake-up that went astray.
            thread::park_timeout(Duration::from_millis(5));
            if let Some(result) = done.get() {
                return result.clone();
            }
        }
    }

    /// When the writer is free, runs the queued jobs in one transaction and commits it. Jobs
    /// queued meanwhile (their callers found the writer taken) are left to one of their callers,
    /// woken here, so that no caller stays to serve others once its own write is done; whoever
    /// holds the writer looks at the queue after letting go (`run` and this).
    fn run_queued(&self) {
        // Pairs with the `SeqCst` increment in `combine`: a job queued while the writer was held
        // is either seen here or finds the writer free.
        fence(Ordering::SeqCst);
        if self.job_count.load(Ordering::SeqCst) == 0 {
            return;
        }
        let mut state = match self.state.try_lock() {
            Ok(state) => state,
            Err(TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
            Err(TryLockError::WouldBlock) => return,
        };
        let jobs = {
            let mut jobs = self.jobs.lock().unwrap_or_else(PoisonError::into_inner);
            self.job_count.store(0, Ordering::SeqCst);
            std::mem::take(&mut *jobs)
        };
        self.run_jobs(&mut state, jobs);
        drop(state);
        fence(Ordering::SeqCst);
        if self.job_count.load(Ordering::SeqCst) > 0 {
            let jobs = self.jobs.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some(next) = jobs.first() {
                next.waiter.caller.unpark();
            }
        }
    }

    /// Runs jobs as members of the open batch, each in its own savepoint, commits, and tells
    /// each caller its outcome.
    fn run_jobs(&self, state: &mut State, jobs: Vec<Job>) {
        let mut members: Vec<Waiter> = Vec::with_capacity(jobs.len());
        for Job { work, waiter } in jobs {
            if let Err(e) = self.open_batch(state) {
                waiter.tell(Err(e));
                continue;
            }
            let Some(conn) = state.conn.as_mut() else {
                waiter.tell(Err(StoreError::Backend(
                    "the writer connection is closed".to_owned(),
                )));
                continue;
            };
            INSIDE.with(|inside| inside.set(true));
            let outcome = catch_unwind(AssertUnwindSafe(|| {
                conn.transaction(|c| work(c).map_err(MemberError::Work))
            }));
            INSIDE.with(|inside| inside.set(false));
            match outcome {
                Ok(Ok(())) => {
                    if let Some(batch) = state.open.as_mut() {
                        batch.members += 1;
                    }
                    members.push(waiter);
                }
                Ok(Err(MemberError::Work(e))) => waiter.tell(Err(e)),
                Ok(Err(MemberError::Diesel(e))) => waiter.tell(Err(store_error("transaction", e))),
                Err(_panic) => {
                    if !back_to_batch(conn) {
                        // The batch is lost, and with it the writes of the jobs run in it so far.
                        let why = "a write in the same transaction failed";
                        self.abandon(state, why);
                        for member in members.drain(..) {
                            member.tell(Err(StoreError::Backend(why.to_owned())));
                        }
                    }
                    waiter.tell(Err(StoreError::Backend("the write panicked".to_owned())));
                }
            }
        }
        if state.open.is_some() {
            let committed = self.commit(state);
            for member in members {
                member.tell(committed.clone());
            }
        }
    }

    /// The open batch's outcome, beginning its transaction (and opening the connection) when none
    /// is open.
    fn open_batch(&self, state: &mut State) -> Result<Arc<OnceLock<Option<String>>>, StoreError> {
        if let Some(batch) = &state.open {
            return Ok(Arc::clone(&batch.outcome));
        }
        if state.conn.is_none() {
            let conn = self
                .target
                .connect()
                .map_err(|e| store_error("the writer connection", e))?;
            state.conn = Some(conn);
        }
        let Some(DbConnection::Sqlite(inner)) = state.conn.as_mut() else {
            return Err(StoreError::Backend(
                "group commit is for SQLite connections".to_owned(),
            ));
        };
        if let Err(e) = AnsiTransactionManager::begin_transaction_sql(inner, "BEGIN IMMEDIATE") {
            // A connection whose transaction state is unknown is not reused.
            state.conn = None;
            return Err(store_error("transaction", e));
        }
        let outcome = Arc::new(OnceLock::new());
        state.open = Some(Batch {
            members: 0,
            waiting: Vec::new(),
            outcome: Arc::clone(&outcome),
        });
        Ok(outcome)
    }

    /// Commits the open batch and wakes its waiting members.
    fn commit(&self, state: &mut State) -> Result<(), StoreError> {
        let result = match state.conn.as_mut() {
            Some(conn) => {
                <DbConnection as Connection>::TransactionManager::commit_transaction(conn)
                    .map_err(|e| store_error("transaction", e))
            }
            None => Err(StoreError::Backend(
                "the writer connection is closed".to_owned(),
            )),
        };
        match &result {
            Ok(()) => self.finish(state, None),
            Err(e) => {
                // Closing the connection rolls back whatever the failed commit left open.
                state.conn = None;
                self.finish(
                    state,
                    Some(format!("the write could not be committed: {e}")),
                );
            }
        }
        result
    }

    /// Rolls the open batch back as a whole (closing the connection) and tells its members.
    fn abandon(&self, state: &mut State, reason: &str) {
        state.conn = None;
        self.finish(state, Some(reason.to_owned()));
    }

    fn finish(&self, state: &mut State, failure: Option<String>) {
        if let Some(batch) = state.open.take() {
            // Set once, here, by the lock holder.
            let _ = batch.outcome.set(failure);
            for member in batch.waiting {
                member.unpark();
            }
        }
    }
}

/// Rolls back the savepoints left open above the batch's own transaction; whether that worked.
fn back_to_batch(conn: &mut DbConnection) -> bool {
    loop {
        let status =
            <DbConnection as Connection>::TransactionManager::transaction_manager_status_mut(conn);
        match status.transaction_depth() {
            Ok(Some(depth)) if depth.get() > 1 => {
                if <DbConnection as Connection>::TransactionManager::rollback_transaction(conn)
                    .is_err()
                {
                    return false;
                }
            }
            Ok(Some(_)) => return true,
            Ok(None) | Err(_) => return false,
        }
    }
}

impl std::fmt::Debug for GroupWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GroupWriter").finish_non_exhaustive()
    }
}
