DROP TABLE session_reasons;
