//! The storage contract suite: every case runs once on SQLite (a temp file) and once on a real
//! PostgreSQL (a fresh database per test, from `OASYS_TEST_POSTGRES_URL`, which `cargo xtask ci` sets).

mod access_cases;
mod account_cases;
mod audit_cases;
mod backup_cases;
mod cases;
mod document_cases;
mod login_attempt_cases;
mod session_reason_cases;
mod support;
mod workflow_cases;

/// Generates one `#[test]` per case and backend.
macro_rules! contract {
    ($($module:ident :: $case:ident),* $(,)?) => {
        mod sqlite {
            $( #[test] fn $case() { let mut t = crate::support::TestDb::sqlite(); crate::$module::$case(&mut t); } )*
        }
        mod postgres {
            $( #[test] fn $case() { let mut t = crate::support::TestDb::postgres(); crate::$module::$case(&mut t); } )*
        }
    };
}

contract!(
    cases::migrations_down_and_up_again,
    cases::event_log_migrates_down_and_up,
    cases::durability_settings,
    cases::people_insert_get_search,
    cases::duplicate_people_conflict,
    cases::assessment_insert_get_update_history,
    cases::assessment_state_appends_to_the_whole_log,
    cases::events_and_history_are_read_a_page_at_a_time,
    cases::stale_version_conflicts,
    cases::concurrent_updates_one_winner,
    cases::locked_assessment_is_immutable,
    cases::history_is_insert_only,
    workflow_cases::caseload_and_reviews_due,
    workflow_cases::unit_of_work_rolls_back,
    workflow_cases::concurrent_units_of_work_keep_exactly_the_successful,
    workflow_cases::unit_of_work_covers_cases_and_documents,
    workflow_cases::audited_read_reads_a_snapshot_and_stores_its_audit_after,
    workflow_cases::concurrent_audited_reads_and_writes_keep_one_chain,
    backup_cases::backup_then_restore_gives_the_same_data,
    backup_cases::integrity_check_reports_problems,
    audit_cases::audit_append_query_verify,
    audit_cases::audit_is_append_only,
    audit_cases::tamper_alter_detected,
    audit_cases::tamper_delete_detected,
    audit_cases::tamper_reorder_detected,
    audit_cases::tamper_truncate_detected,
    audit_cases::concurrent_appends_do_not_fork,
    access_cases::unknown_person_is_none_or_not_found,
    access_cases::case_access_composes_allocation_area_relationships_lao,
    access_cases::reallocation_changes_the_case_manager,
    access_cases::relationships_of_lists_one_staff_members_relationships_across_people,
    access_cases::set_lao_replaces_the_lists,
    access_cases::ending_relationships_ends_only_the_active_ones_of_that_kind,
    access_cases::concurrent_first_writes_of_lao_and_team_all_succeed,
    document_cases::document_insert_get_update_history,
    document_cases::duplicate_document_id_conflicts,
    document_cases::stale_document_revision_conflicts,
    document_cases::concurrent_document_updates_one_winner,
    document_cases::document_history_is_insert_only,
    document_cases::documents_listed_newest_first,
    account_cases::users_create_get_update,
    account_cases::sessions_expire_and_end,
    account_cases::api_tokens_expire_and_revoke,
    account_cases::accounts_in_a_unit_of_work_roll_back,
    login_attempt_cases::login_failures_count_in_a_window_then_start_again,
    login_attempt_cases::login_failures_from_two_instances_are_each_counted,
    login_attempt_cases::login_failures_in_a_unit_of_work_roll_back,
    session_reason_cases::session_reasons_last_as_long_as_their_session,
    session_reason_cases::session_reasons_in_a_unit_of_work_roll_back,
    session_reason_cases::expired_sessions_are_purged_with_their_reasons,
);

/// PostgreSQL only: a database whose sessions default to `synchronous_commit = off` could lose
/// acknowledged writes, so opening it is refused (the pool's own `SET` must not hide it).
#[test]
fn postgres_without_synchronous_commit_is_refused() {
    use diesel::connection::SimpleConnection;
    use diesel::{Connection, PgConnection};

    let (base, name, url) = support::TestDb::empty_postgres();
    let mut admin = PgConnection::establish(&base).expect("connect to the PostgreSQL server");
    admin
        .batch_execute(&format!(
            "ALTER DATABASE \"{name}\" SET synchronous_commit = off"
        ))
        .expect("turn synchronous commit off for the test database");
    let refused = oasys_storage::Database::open(&url);
    admin
        .batch_execute(&format!("DROP DATABASE \"{name}\" WITH (FORCE)"))
        .expect("drop the test database");
    match refused {
        Err(oasys_app::StoreError::Backend(message)) => {
            assert!(message.contains("synchronous_commit"), "{message}")
        }
        Err(other) => panic!("unexpected error: {other}"),
        Ok(_) => panic!("a database without synchronous commit was opened"),
    }
}
