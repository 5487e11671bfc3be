//! End-to-end tests of the conventions shared by every command: configuration precedence
//! (flag, environment, config file), `--help` with examples, completions, usage errors.

mod support;

use support::*;

#[test]
fn flag_beats_environment_beats_config_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("oasys.toml"),
        "database = \"from-file.db\"\nformat = \"json\"\n",
    )
    .expect("write oasys.toml");
    let from_env = [("OASYS_DATABASE_URL", "from-env.db")];

    let flag = oasys_env(
        dir.path(),
        &["db", "migrate", "--database", "from-flag.db"],
        &from_env,
    );
    assert_code(&flag, 0);
    assert_eq!(
        json(&flag)["database"],
        "from-flag.db",
        "format from the file"
    );
    assert!(dir.path().join("from-flag.db").exists());
    assert!(!dir.path().join("from-env.db").exists());

    let env = oasys_env(dir.path(), &["db", "migrate"], &from_env);
    assert_code(&env, 0);
    assert_eq!(json(&env)["database"], "from-env.db");

    let file = oasys(dir.path(), &["db", "migrate"]);
    assert_code(&file, 0);
    assert_eq!(json(&file)["database"], "from-file.db");
    assert!(
        !dir.path().join("oasys.db").exists(),
        "the default is not used"
    );

    // Format: the flag beats the environment, which beats the file.
    let table = oasys_env(dir.path(), &["db", "status"], &[("OASYS_FORMAT", "table")]);
    assert_code(&table, 0);
    assert!(stdout(&table).starts_with("database"), "{}", stdout(&table));
    let json_again = oasys_env(
        dir.path(),
        &["db", "status", "--format", "json"],
        &[("OASYS_FORMAT", "table")],
    );
    assert_eq!(json(&json_again)["database"], "from-file.db");
}

#[test]
fn an_explicit_config_file_is_used_and_checked() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("ops.toml"), "database = \"ops.db\"\n").expect("write");
    let out = oasys(dir.path(), &["db", "migrate", "--config", "ops.toml"]);
    assert_code(&out, 0);
    assert!(dir.path().join("ops.db").exists());

    let missing = oasys(dir.path(), &["db", "status", "--config", "absent.toml"]);
    assert_code(&missing, 2);
    assert!(
        stderr(&missing).contains("absent.toml"),
        "{}",
        stderr(&missing)
    );

    std::fs::write(dir.path().join("bad.toml"), "databse = \"x.db\"\n").expect("write");
    let unknown = oasys(dir.path(), &["db", "status", "--config", "bad.toml"]);
    assert_code(&unknown, 2);
    assert!(stderr(&unknown).contains("databse"), "{}", stderr(&unknown));
}

#[test]
fn completions_are_printed_for_each_shell() {
    let dir = tempfile::tempdir().expect("temp dir");
    for shell in ["bash", "zsh", "fish"] {
        let out = oasys(dir.path(), &["completions", shell]);
        assert_code(&out, 0);
        assert!(stdout(&out).contains("oasys"), "{shell}");
        assert!(
            stdout(&out).contains("migrate"),
            "{shell} completes subcommands"
        );
    }
    assert_code(&oasys(dir.path(), &["completions", "tcsh"]), 2);
}

#[test]
fn every_command_has_help_with_examples() {
    let dir = tempfile::tempdir().expect("temp dir");
    let commands: &[&[&str]] = &[
        &[],
        &["score"],
        &["db"],
        &["db", "migrate"],
        &["db", "status"],
        &["db", "backup"],
        &["db", "restore"],
        &["db", "verify"],
        &["completions"],
    ];
    for command in commands {
        let mut args = command.to_vec();
        args.push("--help");
        let out = oasys(dir.path(), &args);
        assert_code(&out, 0);
        assert!(
            stdout(&out).contains("Examples:"),
            "{command:?}: {}",
            stdout(&out)
        );
    }
}

#[test]
fn usage_errors_exit_2() {
    let dir = tempfile::tempdir().expect("temp dir");
    assert_code(&oasys(dir.path(), &["db", "frobnicate"]), 2);
    assert_code(&oasys(dir.path(), &["db", "status", "--format", "yaml"]), 2);
    assert_code(&oasys(dir.path(), &["db", "backup"]), 2);
}
