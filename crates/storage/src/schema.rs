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
    assessment_events (assessment_id, version) {
        assessment_id -> Text,
        version -> BigInt,
        event -> Text,
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

diesel::table! {
    teams (code) {
        code -> Text,
        area -> Text,
    }
}

diesel::table! {
    lao_lists (person_id) {
        person_id -> Text,
        document -> Text,
        updated_at -> BigInt,
    }
}

diesel::table! {
    case_relationships (id) {
        id -> BigInt,
        person_id -> Text,
        staff_id -> Text,
        kind -> Text,
        from_ms -> BigInt,
        until_ms -> Nullable<BigInt>,
    }
}

diesel::table! {
    documents (id) {
        id -> Text,
        kind -> Text,
        person_id -> Text,
        parent_id -> Nullable<Text>,
        revision -> BigInt,
        body -> Text,
        stored_at_ms -> BigInt,
        first_stored_at_ms -> BigInt,
    }
}

diesel::table! {
    document_revisions (document_id, revision) {
        document_id -> Text,
        revision -> BigInt,
        body -> Text,
        stored_at_ms -> BigInt,
    }
}

diesel::joinable!(allocations -> people (person_id));
diesel::joinable!(assessments -> people (person_id));
diesel::joinable!(assessment_versions -> assessments (assessment_id));
diesel::joinable!(assessment_events -> assessments (assessment_id));
diesel::joinable!(lao_lists -> people (person_id));
diesel::joinable!(case_relationships -> people (person_id));
diesel::joinable!(documents -> people (person_id));
diesel::joinable!(document_revisions -> documents (document_id));

diesel::allow_tables_to_appear_in_same_query!(
    people,
    allocations,
    assessments,
    assessment_versions,
    assessment_events,
    audit_log,
    audit_chain,
    teams,
    lao_lists,
    case_relationships,
    documents,
    document_revisions,
);

diesel::table! {
    users (username) {
        username -> Text,
        password_hash -> Text,
        profile -> Text,
        disabled -> Bool,
        created_at -> BigInt,
    }
}

diesel::table! {
    sessions (token_hash) {
        token_hash -> Text,
        username -> Text,
        created_at -> BigInt,
        last_seen_at -> BigInt,
    }
}

diesel::table! {
    session_reasons (session_hash, person_id) {
        session_hash -> Text,
        person_id -> Text,
        reason -> Text,
        given_at -> BigInt,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> Text,
        token_hash -> Text,
        username -> Text,
        scope -> Text,
        created_at -> BigInt,
        expires_at -> Nullable<BigInt>,
        revoked_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    offences (code) {
        code -> Text,
        ogrs3_status -> Text,
        ogrs3_category -> Text,
        snsv_category -> Text,
        actuarial_category -> Text,
    }
}

diesel::table! {
    outcomes (person_id) {
        person_id -> Text,
        follow_up_start -> Date,
        follow_up_end -> Date,
        first_reoffence -> Nullable<Date>,
        offence_category -> Nullable<Text>,
        violent -> Bool,
        sexual -> Bool,
    }
}

diesel::joinable!(outcomes -> people (person_id));
diesel::allow_tables_to_appear_in_same_query!(outcomes, people);
diesel::allow_tables_to_appear_in_same_query!(outcomes, assessments);
diesel::allow_tables_to_appear_in_same_query!(outcomes, teams);
diesel::allow_tables_to_appear_in_same_query!(api_tokens, users);
