//! End-to-end tests of `oasys score`: the real binary on real files (JSON Lines and CSV), the
//! spec's worked examples, malformed lines, exit codes and standard input/output.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn oasys() -> Command {
    Command::new(env!("CARGO_BIN_EXE_oasys"))
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn catalogue() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/offence_categories.csv")
}

fn run(args: &[&str]) -> Output {
    oasys().args(args).output().expect("oasys runs")
}

fn lines(text: &str) -> Vec<Value> {
    text.lines()
        .map(|l| serde_json::from_str(l).expect("every output line is JSON"))
        .collect()
}

fn by_id<'a>(reports: &'a [Value], id: &str) -> &'a Value {
    reports
        .iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("no report for {id}"))
}

fn close(value: &Value, expected: f64) {
    let v = value
        .as_f64()
        .unwrap_or_else(|| panic!("{value} is not a number"));
    assert!((v - expected).abs() < 1e-9, "{v} != {expected}");
}

#[test]
fn worked_examples_reproduce_through_the_cli() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("scores.jsonl");
    let input = fixture("worked_examples.jsonl");
    let result = run(&[
        "score",
        "--input",
        input.to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
        "--offence-catalogue",
        catalogue().to_str().unwrap(),
    ]);
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    let reports = lines(&std::fs::read_to_string(&out).expect("output written"));
    assert_eq!(reports.len(), 7);
    assert!(reports.iter().all(|r| r["spec_version"] == "1.0"));

    let r = by_id(&reports, "ogrs3-1");
    close(&r["ogrs3"]["probability_2y"], 0.1570961662);
    assert_eq!(r["ogrs3"]["percentage_1y"], 8);
    assert_eq!(r["ogrs3"]["percentage_2y"], 16);
    assert_eq!(r["ogrs3"]["band"], "low");
    assert_eq!(r["ogrs3"]["model_version"], "ogrs3/v1");
    assert_eq!(by_id(&reports, "ogrs3-2")["ogrs3"]["percentage_2y"], 20);
    assert_eq!(by_id(&reports, "ogrs3-3")["ogrs3"]["percentage_2y"], 13);

    let ovp = &by_id(&reports, "ovp-3")["ovp"];
    assert_eq!(
        (ovp["points"].as_i64(), ovp["percentage_1y"].as_i64()),
        (Some(58), Some(42))
    );
    assert_eq!(
        (ovp["percentage_2y"].as_i64(), ovp["band"].as_str()),
        (Some(58), Some("medium"))
    );

    let osp = &by_id(&reports, "osp-2")["osp_dc"];
    close(&osp["probability_2y"], 0.1109375549);
    assert_eq!(osp["percentage_2y"].as_f64(), Some(11.09));
    assert_eq!(osp["band"], "very_high");
    assert_eq!(osp["band_reduced"], false);
    assert_eq!(
        by_id(&reports, "osp-2")["dc_srp"]["reasons"][0]["code"],
        "sexual_counts_exceed_total"
    );

    let arp = &by_id(&reports, "arp-2");
    assert_eq!(arp["arp_static"]["percentage_2y"].as_f64(), Some(13.66));
    assert_eq!(arp["arp_dynamic"]["percentage_2y"].as_f64(), Some(24.32));
    close(
        &arp["arp_dynamic"]["linear_predictor_2y"],
        -1.1349442032394996,
    );

    let svrp = &by_id(&reports, "svrp-2");
    assert_eq!(svrp["svrp_static"]["percentage_2y"].as_f64(), Some(0.15));
    assert_eq!(svrp["svrp_dynamic"]["percentage_2y"].as_f64(), Some(0.75));
    assert_eq!(svrp["csrp"]["percentage_2y"].as_f64(), Some(0.75));
    assert_eq!(svrp["csrp"]["violent_variant"], "dynamic");
    assert_eq!(svrp["osp_dc"]["status"], "not_applicable");
}

#[test]
fn output_follows_the_contract_key_order() {
    let input = fixture("worked_examples.jsonl");
    let result = run(&[
        "score",
        "--input",
        input.to_str().unwrap(),
        "--offence-catalogue",
        catalogue().to_str().unwrap(),
    ]);
    let first = String::from_utf8(result.stdout).expect("utf-8");
    let first = first.lines().next().expect("a line");
    let keys = [
        "\"id\"",
        "\"spec_version\"",
        "\"ogrs3\"",
        "\"ogp\"",
        "\"ovp\"",
        "\"osp_dc\"",
        "\"osp_iic\"",
        "\"snsv_static\"",
        "\"snsv_dynamic\"",
        "\"rsr\"",
        "\"arp_static\"",
        "\"arp_dynamic\"",
        "\"vrp_static\"",
        "\"vrp_dynamic\"",
        "\"svrp_static\"",
        "\"svrp_dynamic\"",
        "\"dc_srp\"",
        "\"iic_srp\"",
        "\"csrp\"",
        "\"needs\"",
    ];
    let positions: Vec<usize> = keys
        .iter()
        .map(|k| first.find(&format!("{k}:")).expect(k))
        .collect();
    assert!(
        positions.windows(2).all(|w| w[0] < w[1]),
        "keys out of order: {positions:?}"
    );
}

#[test]
fn csv_input_gives_the_same_reports_as_json_lines() {
    let dir = tempfile::tempdir().expect("temp dir");
    let csv = dir.path().join("cases.csv");
    std::fs::write(
        &csv,
        "id,gender,date_of_birth,conviction_date,follow_up_start_date,total_sanctions,age_at_first_sanction,offence_code,need_3_4,need_3_99\n\
         ogrs3-1,male,1965-12-07,2025-05-13,2026-12-06,2,47,02700,2,true\n",
    )
    .expect("write csv");
    let jsonl = dir.path().join("cases.jsonl");
    std::fs::write(
        &jsonl,
        r#"{"id":"ogrs3-1","gender":"male","date_of_birth":"1965-12-07","conviction_date":"2025-05-13","follow_up_start_date":"2026-12-06","total_sanctions":2,"age_at_first_sanction":47,"offence_code":"02700","need_answers":{"3.4":2,"3.99":true}}"#,
    )
    .expect("write jsonl");
    let cat = catalogue();
    let a = run(&[
        "score",
        "-i",
        csv.to_str().unwrap(),
        "--offence-catalogue",
        cat.to_str().unwrap(),
    ]);
    let b = run(&[
        "score",
        "-i",
        jsonl.to_str().unwrap(),
        "--offence-catalogue",
        cat.to_str().unwrap(),
    ]);
    assert!(
        a.status.success() && b.status.success(),
        "{}",
        String::from_utf8_lossy(&a.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&a.stdout),
        String::from_utf8_lossy(&b.stdout)
    );
    let report = &lines(&String::from_utf8_lossy(&a.stdout))[0];
    assert_eq!(report["ogrs3"]["percentage_2y"], 16);
    assert_eq!(report["needs"]["accommodation"]["score"], 2);
    assert_eq!(
        report["needs"]["accommodation"]["linked_to_reoffending"],
        true
    );
}

/// Scores a file holding `bytes`: the exit code, standard error and the output's lines.
fn score_file(dir: &Path, name: &str, bytes: &[u8]) -> (Option<i32>, String, Vec<Value>) {
    let input = dir.join(name);
    std::fs::write(&input, bytes).expect("write input");
    let result = run(&["score", "--input", input.to_str().expect("a UTF-8 path")]);
    (
        result.status.code(),
        String::from_utf8_lossy(&result.stderr).into_owned(),
        lines(&String::from_utf8_lossy(&result.stdout)),
    )
}

#[test]
fn malformed_lines_are_reported_and_the_run_goes_on() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (code, stderr, out) = score_file(
        dir.path(),
        "mixed.jsonl",
        b"{\"id\":\"ok-1\",\"gender\":\"male\"}\n\n{\"id\":\"bad\",\"total_sanctions\":\"three\"}\nnot json\n{\"id\":\"ok-2\"}\n",
    );
    assert_eq!(code, Some(1), "exit code says a line failed");
    assert!(
        stderr.contains("line 3, field `total_sanctions`"),
        "{stderr}"
    );
    assert!(stderr.contains("line 4:"), "{stderr}");
    assert!(stderr.contains("2 records scored, 2 rejected"), "{stderr}");
    assert_eq!(out.len(), 4);
    assert_eq!(out[0]["id"], "ok-1");
    assert_eq!(out[1]["line"], 3);
    assert_eq!(out[1]["id"], "bad");
    assert_eq!(out[1]["error"]["field"], "total_sanctions");
    assert_eq!(out[2]["line"], 4);
    assert_eq!(out[3]["id"], "ok-2");
    // Without the catalogue an offence code cannot be resolved, but that is a result, not an error.
    assert_eq!(out[0]["ogrs3"]["status"], "not_calculable");
}

#[test]
fn a_line_that_is_not_utf8_is_one_rejected_record() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (code, stderr, out) = score_file(
        dir.path(),
        "bytes.jsonl",
        b"{\"id\":\"ok-1\"}\n{\"id\":\"latin-1 caf\xe9\"}\n{\"id\":\"ok-2\"}\n",
    );
    assert_eq!(code, Some(1), "exit code says a line failed");
    assert!(
        stderr.contains("line 2: the line is not valid UTF-8"),
        "{stderr}"
    );
    assert!(stderr.contains("2 records scored, 1 rejected"), "{stderr}");
    assert_eq!(out.len(), 3);
    assert_eq!(out[0]["id"], "ok-1");
    assert_eq!(out[1]["line"], 2);
    assert_eq!(out[2]["id"], "ok-2");

    // The same in CSV: the row's line is named, the column said, and the run goes on.
    let (code, stderr, out) = score_file(
        dir.path(),
        "bytes.csv",
        b"id,gender\nok-1,male\nbad,caf\xe9\nok-2,female\n",
    );
    assert_eq!(code, Some(1));
    assert!(
        stderr.contains("line 3: the row is not valid UTF-8 (column 2)"),
        "{stderr}"
    );
    assert_eq!(out.len(), 3);
    assert_eq!(
        (&out[0]["id"], &out[1]["line"], &out[2]["id"]),
        (&"ok-1".into(), &3.into(), &"ok-2".into())
    );
}

/// A pipe on standard output is enlarged to 1 MiB (or the system's most, if lower), so that
/// writer and reader do not wake each other for every 64 KiB of scores.
#[cfg(target_os = "linux")]
#[test]
fn a_pipe_on_standard_output_is_enlarged() {
    let most: usize = std::fs::read_to_string("/proc/sys/fs/pipe-max-size")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(1 << 20);
    let mut child = oasys()
        .args(["score", "--input"])
        .arg(fixture("worked_examples.jsonl"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let mut stdout = child.stdout.take().expect("stdout");
    let mut text = String::new();
    std::io::Read::read_to_string(&mut stdout, &mut text).expect("read");
    assert!(child.wait().expect("wait").success());
    assert!(!text.is_empty());
    // The pipe outlives the writer while this end is open.
    let size = rustix::pipe::fcntl_getpipe_size(&stdout).expect("a pipe");
    assert_eq!(size, most.min(1 << 20));
}

#[test]
fn standard_input_and_output() {
    use std::io::Write;
    let mut child = oasys()
        .arg("score")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(br#"{"id":"x","pro_criminal_attitudes":2}"#)
        .expect("write stdin");
    let out = child.wait_with_output().expect("wait");
    assert!(out.status.success());
    let report = &lines(&String::from_utf8_lossy(&out.stdout))[0];
    assert_eq!(report["id"], "x");
    assert_eq!(report["needs"]["attitudes"]["identified_need"], true);
}

#[test]
fn fatal_errors_exit_with_2_and_say_what_is_wrong() {
    let result = run(&["score", "--input", "/nonexistent/cases.jsonl"]);
    assert_eq!(result.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&result.stderr)
            .contains("cannot open the input /nonexistent/cases.jsonl")
    );

    let dir = tempfile::tempdir().expect("temp dir");
    let bad = dir.path().join("catalogue.csv");
    std::fs::write(&bad, "code,ogrs3_status,ogrs3_category,snsv_category,actuarial_category\n02700,mapped,nonsense,,\n")
        .expect("write");
    let result = run(&["score", "--offence-catalogue", bad.to_str().unwrap()]);
    assert_eq!(result.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(
        stderr.contains("line 2") && stderr.contains("nonsense"),
        "{stderr}"
    );

    let result = run(&["score", "--bogus"]);
    assert_eq!(result.status.code(), Some(2));
}

#[test]
fn many_batches_come_out_in_input_order() {
    // More records than the command reads at a time (1,024) and than it keeps in flight
    // (64 chunks of 64), with rejected lines spread through them: every output line, and every
    // message on stderr, must still follow the input's order.
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("many.jsonl");
    let records = 9_000;
    let mut text = String::new();
    for n in 0..records {
        if n % 997 == 5 {
            text.push_str(&format!(
                "{{\"id\":\"r{n}\",\"total_sanctions\":\"many\"}}\n"
            ));
        } else {
            text.push_str(&format!(
                "{{\"id\":\"r{n}\",\"gender\":\"male\",\"total_sanctions\":{}}}\n",
                1 + n % 40
            ));
        }
    }
    std::fs::write(&input, text).expect("write input");
    let result = run(&[
        "score",
        "--input",
        input.to_str().unwrap(),
        "--no-explanation",
    ]);
    assert_eq!(result.status.code(), Some(1));
    let out = lines(&String::from_utf8_lossy(&result.stdout));
    assert_eq!(out.len(), records);
    let mut rejected_lines = Vec::new();
    for (n, report) in out.iter().enumerate() {
        assert_eq!(report["id"], format!("r{n}"), "line {}", n + 1);
        if n % 997 == 5 {
            assert_eq!(report["line"], n + 1);
            rejected_lines.push(n + 1);
        } else {
            assert!(report.get("error").is_none(), "{report}");
        }
    }
    let stderr = String::from_utf8_lossy(&result.stderr);
    let reported: Vec<usize> = stderr
        .lines()
        .filter_map(|l| l.strip_prefix("line ")?.split(',').next()?.parse().ok())
        .collect();
    assert_eq!(reported, rejected_lines);
    assert!(
        stderr.contains(&format!(
            "{} records scored, {} rejected",
            records - rejected_lines.len(),
            rejected_lines.len()
        )),
        "{stderr}"
    );
}
