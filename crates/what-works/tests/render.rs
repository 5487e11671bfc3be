//! The rendered report: every predictor has its section and charts, suppressed parts are said to
//! be suppressed, nothing is inline-styled or scripted (the web UI's CSP), and CSV text is quoted
//! as CSV readers expect.

use oasys_what_works::{
    CohortDescription, CohortRecord, Exposure, Heading, PREDICTORS, Reoffending, Table, analyse,
    csv, report_body, standalone_html,
};

fn cohort() -> Vec<CohortRecord> {
    (0..400u32)
        .map(|i| {
            let p = f64::from(i % 100) / 100.0;
            CohortRecord {
                probabilities: vec![("ogrs3".into(), p), ("ogp".into(), 1.0 - p)],
                reoffending: Reoffending {
                    any: (i * 37) % 100 < i % 100,
                    violent: i % 7 == 0,
                    sexual: false,
                },
                subgroups: vec![(
                    "area".into(),
                    if i < 4 {
                        "Small, \"odd\" area".into()
                    } else {
                        "North".into()
                    },
                )],
                band: ["low", "medium", "high"][(i % 3) as usize].into(),
                interventions: if i % 2 == 0 {
                    vec![("TSP".into(), Exposure::Completed)]
                } else {
                    Vec::new()
                },
            }
        })
        .collect()
}

fn heading() -> Heading {
    Heading {
        generated: "2026-11-24 06:00 UTC".into(),
        cohort: CohortDescription {
            areas: vec!["North <east>".into()],
            ..CohortDescription::default()
        },
        selected: Some(400),
        with_outcome: None,
    }
}

#[test]
fn the_fragment_has_every_section_and_charts_and_no_inline_style_or_script() {
    let report = analyse(&cohort(), &PREDICTORS, &["area"]);
    let body = report_body(&report, &heading()).expect("rendered");
    for predictor in PREDICTORS {
        assert!(
            body.contains(&format!("<h2 id=\"{predictor}\">")),
            "{predictor}"
        );
    }
    assert!(body.contains("<h2 id=\"interventions\">"));
    assert!(body.contains("ROC curve: ogrs3") && body.contains("Calibration: ogrs3"));
    assert!(body.contains("Reoffending rate by band: TSP"));
    assert!(body.matches("<svg").count() >= 5);
    for forbidden in ["style=", "<style", "<script", "<html", "<h1"] {
        assert!(!body.contains(forbidden), "{forbidden} in the fragment");
    }
    // The cohort is escaped; the suppressed count says so.
    assert!(body.contains("cohort: all assessment dates; area: North &lt;east&gt;"));
    assert!(body.contains("<tr><th>People selected</th><td>400</td></tr>"));
    assert!(body.contains(
        "<tr><th>With a complete two-year outcome (validated)</th><td>suppressed (fewer than 10)</td>"
    ));
    // The four people of the small area are never validated on their own.
    assert!(body.contains(
        "Small, &quot;odd&quot; area</td><td colspan=\"4\" class=\"s\">suppressed (fewer than 10)"
    ));

    let page = standalone_html(&report, &heading()).expect("rendered");
    assert!(page.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    assert!(page.contains(&body));
    assert!(page.ends_with("</body></html>\n"));
}

#[test]
fn csv_tables_have_their_headers_and_quote_what_needs_quoting() {
    let report = analyse(&cohort(), &["ogrs3", "ovp"], &["area"]);
    for table in Table::ALL {
        let text = csv(&report, table);
        assert!(text.ends_with('\n'), "{table:?}");
        assert_eq!(Table::from_name(table.name()), Some(table));
        assert_eq!(table.file_name(), format!("{}.csv", table.name()));
        assert!(text.lines().count() > 1, "{table:?}: {text}");
    }
    let subgroups = csv(&report, Table::Subgroups);
    assert!(
        subgroups.contains("ogrs3,area,\"Small, \"\"odd\"\" area\",suppressed,"),
        "{subgroups}"
    );
    let predictors = csv(&report, Table::Predictors);
    let ogrs3 = predictors
        .lines()
        .find(|l| l.starts_with("ogrs3,any,400,"))
        .expect("ogrs3 validated on everyone");
    assert_eq!(ogrs3.split(',').count(), 10);
    assert!(
        predictors.contains("ovp,violent,suppressed,"),
        "never calculated: {predictors}"
    );
    let interventions = csv(&report, Table::Interventions);
    assert!(interventions.starts_with("intervention,band,exposure,people,reoffenders,rate\n"));
    assert!(
        interventions.contains("TSP,low,completed,"),
        "{interventions}"
    );
    assert!(
        interventions.contains("TSP,low,not_received,"),
        "{interventions}"
    );
}
