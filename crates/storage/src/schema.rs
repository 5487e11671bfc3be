//! The one portable diesel schema shared by SQLite and PostgreSQL (the migrations create the same
//! tables and columns on both; only triggers and id generation are written differently).

diesel::table! {
    people (id) {
        id -> Text,
        crn -> Nullable<Text>,
        nomis_id -> Nullable<Text>,
        pnc -> Nullable<Text>,
        family_key -> Text,
        given_key -> Text,
        document -> Text,
    }
}

diesel::table! {
    allocations (id) {
        id -> BigInt,
        person_id -> Text,
        practitioner -> Text,
        team -> Text,
        allocated_at -> BigInt,
        allocated_by -> Text,
        ended_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    assessments (id) {
        id -> Text,
        person_id -> Text,
        team -> Text,
        assessor -> Text,
        version -> BigInt,
        status -> Text,
        locked -> Bool,
        voided -> Bool,
        answers_hash -> Text,
        review_due -> Nullable<Date>,
        created_at -> BigInt,
        document -> Text,
    }
}

diesel::table! {
    assessment_versions (assessment_id, version) {
        assessment_id -> Text,
        version -> BigInt,
        status -> Text,
        document -> Text,
    }
}

diesel::table! {
    audit_log (seq) {
        seq -> BigInt,
        event_id -> Text,
        occurred_at -> BigInt,
        actor -> Text,
        actor_role -> Text,
        correlation_id -> Nullable<Text>,
        operation -> Text,
        action -> Text,
        subject_person -> Nullable<Text>,
        subject_ref -> Nullable<Text>,
        recipients -> Text,
        justification -> Nullable<Text>,
        outcome -> Text,
        details -> Text,
        prev_hash -> Text,
        entry_hash -> Text,
    }
}

diesel::table! {
    audit_chain (id) {
        id -> Integer,
        head_seq -> BigInt,
        head_hash -> Text,
    }
}

diesel::joinable!(allocations -> people (person_id));
diesel::joinable!(assessments -> people (person_id));
diesel::joinable!(assessment_versions -> assessments (assessment_id));

diesel::allow_tables_to_appear_in_same_query!(
    people,
    allocations,
    assessments,
    assessment_versions,
    audit_log,
    audit_chain,
);
