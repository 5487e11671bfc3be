//! Score reports as the pages show them. Read through the stable output contract (spec §13: the
//! same field names as `oasys score` and the JSON API), so the pages show exactly what the API
//! and the CLI give.

use oasys_assessment_model::{QuestionSet, Section};
use oasys_scoring::InputSource;
use serde_json::Value;

use super::form::field_id;

/// The predictors in the order practitioners read them, with their display names.
const PREDICTORS: &[(&str, &str)] = &[
    ("ogrs3", "OGRS3: any proven reoffending"),
    ("ogp", "OGP: non-violent reoffending"),
    ("ovp", "OVP: violent reoffending"),
    ("rsr", "RSR: serious reoffending"),
    ("osp_dc", "OSP/DC: sexual reoffending (contact)"),
    ("osp_iic", "OSP/IIC: sexual reoffending (images)"),
    ("snsv_static", "SNSV static: serious non-sexual violence"),
    ("snsv_dynamic", "SNSV dynamic"),
    ("arp_static", "ARP static: any reoffending (2025)"),
    ("arp_dynamic", "ARP dynamic (2025)"),
    ("vrp_static", "VRP static: violent reoffending (2025)"),
    ("vrp_dynamic", "VRP dynamic (2025)"),
    ("svrp_static", "SVRP static: serious violence (2025)"),
    ("svrp_dynamic", "SVRP dynamic (2025)"),
    ("dc_srp", "DC-SRP: contact sexual reoffending (2025)"),
    ("iic_srp", "IIC-SRP: image sexual reoffending (2025)"),
    ("csrp", "CSRP: combined serious reoffending (2025)"),
];

/// One predictor's result, ready to show.
#[derive(Debug, Clone)]
pub(crate) struct PredictorView {
    pub key: &'static str,
    pub name: &'static str,
    /// `calculated`, `not_applicable` or `not_calculable`.
    pub status: String,
    pub model_version: String,
    /// "42%" (two years, else one year), or empty.
    pub percentage: String,
    /// One-year percentage where the predictor has one.
    pub percentage_1y: String,
    /// `low`, `medium`, `high`, `very_high` or empty.
    pub band: String,
    pub explanation: Vec<FactorView>,
    pub reasons: Vec<ReasonView>,
}

/// Why a predictor cannot be calculated, in a practitioner's terms: what to answer or check.
#[derive(Debug, Clone)]
pub(crate) struct ReasonView {
    /// "Still to answer", or the rule that failed.
    pub title: String,
    /// The questions (or records, or other scores) involved.
    pub needs: Vec<Needed>,
}

/// One input a reason names, as the practitioner finds it.
#[derive(Debug, Clone)]
pub(crate) struct Needed {
    /// "3.3 Currently of no fixed abode …", "Date of birth, on the person's record", "OGRS3 …".
    pub label: String,
    /// The link within the assessment: `sections/accommodation#q-3-3`, `scores#ogrs3`, or empty.
    pub href: String,
}

impl PredictorView {
    pub(crate) fn calculated(&self) -> bool {
        self.status == "calculated"
    }

    pub(crate) fn band_label(&self) -> String {
        band_label(&self.band)
    }

    /// "20% Low", or what stops it: for tables of several assessments.
    pub(crate) fn summary(&self) -> String {
        if self.calculated() {
            format!("{} {}", self.percentage, self.band_label())
                .trim()
                .to_owned()
        } else {
            self.status_label().to_owned()
        }
    }

    pub(crate) fn status_label(&self) -> &'static str {
        match self.status.as_str() {
            "calculated" => "Calculated",
            "not_applicable" => "Not applicable",
            _ => "Cannot be calculated yet",
        }
    }
}

/// One factor of an explanation.
#[derive(Debug, Clone)]
pub(crate) struct FactorView {
    pub factor: String,
    pub value: String,
    pub contribution: String,
}

/// One need section.
#[derive(Debug, Clone)]
pub(crate) struct NeedView {
    pub label: String,
    pub score: String,
    pub threshold: String,
    /// "Identified need", "No need", "Not scored" or "Unanswered".
    pub status: String,
    pub need: bool,
}

/// A score report, as shown.
#[derive(Debug, Clone, Default)]
pub(crate) struct ReportView {
    pub predictors: Vec<PredictorView>,
    pub needs: Vec<NeedView>,
}

impl ReportView {
    /// The headline predictors (for summaries): OGRS3, OVP, RSR and the 2025 ARP and VRP.
    pub(crate) fn headline(&self) -> Vec<&PredictorView> {
        ["ogrs3", "ovp", "rsr", "arp_dynamic", "vrp_dynamic"]
            .iter()
            .filter_map(|key| self.predictors.iter().find(|p| p.key == *key))
            .collect()
    }

    /// The two-year percentage of a predictor as a number, when calculated (for charts).
    pub(crate) fn percentage_of(&self, key: &str) -> Option<f64> {
        self.predictors
            .iter()
            .find(|p| p.key == key && p.calculated())
            .and_then(|p| p.percentage.trim_end_matches('%').parse().ok())
    }
}

/// "very_high" → "Very high".
pub(crate) fn band_label(band: &str) -> String {
    let words = band.replace('_', " ");
    let mut chars = words.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn text(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.as_f64().filter(|f| f.fract() != 0.0).map_or_else(
            || n.to_string(),
            |f| format!("{f:.4}").trim_end_matches('0').to_owned(),
        ),
        Some(other) => other.to_string(),
    }
}

fn percentage(value: Option<&Value>) -> String {
    match value.and_then(Value::as_f64) {
        Some(p) if p.fract() == 0.0 => format!("{p:.0}%"),
        Some(p) => format!("{p:.2}%"),
        None => String::new(),
    }
}

/// A reason of spec §4.4 (`{code, fields, message}`) told as what to answer or check.
fn reason(reason: &Value, questions: &QuestionSet) -> ReasonView {
    let code = text(reason.get("code"));
    let title = match code.as_str() {
        "missing_input" => "Still to answer".to_owned(),
        "missing_dynamic_input" => "Still to answer for the dynamic score".to_owned(),
        "component_not_calculable" => "Waits for another score".to_owned(),
        _ => text(reason.get("message")),
    };
    let needs = reason
        .get("fields")
        .and_then(Value::as_array)
        .map(|fields| {
            fields
                .iter()
                .map(|f| needed(&text(Some(f)), questions))
                .collect()
        })
        .unwrap_or_default();
    ReasonView { title, needs }
}

/// Where the practitioner finds a canonical input field (or, for a combined score, the
/// component predictor it waits for).
fn needed(field: &str, questions: &QuestionSet) -> Needed {
    let words = || band_label(field);
    let (label, href) = match InputSource::of(field) {
        Some(InputSource::Item(code)) => match questions.question(code) {
            Some(q) => (
                format!("{code} {}", q.label),
                format!("sections/{}#{}", q.section.key(), field_id(code)),
            ),
            None => (format!("{code} ({})", words()), String::new()),
        },
        Some(InputSource::Person) => (
            format!("{}, on the person's record", words()),
            String::new(),
        ),
        Some(InputSource::AssessmentDate) => ("The assessment date".to_owned(), String::new()),
        None => match PREDICTORS.iter().find(|(key, _)| *key == field) {
            Some((key, name)) => ((*name).to_owned(), format!("scores#{key}")),
            None => (words(), String::new()),
        },
    };
    Needed { label, href }
}

fn predictor(
    key: &'static str,
    name: &'static str,
    result: &Value,
    questions: &QuestionSet,
) -> PredictorView {
    let explanation = result
        .get("explanation")
        .and_then(Value::as_array)
        .map(|factors| {
            factors
                .iter()
                .map(|f| FactorView {
                    factor: text(f.get("factor")).replace('_', " "),
                    value: text(f.get("value")),
                    contribution: text(f.get("contribution")),
                })
                .collect()
        })
        .unwrap_or_default();
    let reasons = result
        .get("reasons")
        .and_then(Value::as_array)
        .map(|reasons| reasons.iter().map(|r| reason(r, questions)).collect())
        .unwrap_or_default();
    let two_year = percentage(result.get("percentage_2y"));
    let one_year = percentage(result.get("percentage_1y"));
    PredictorView {
        key,
        name,
        status: text(result.get("status")),
        model_version: text(result.get("model_version")),
        percentage: if two_year.is_empty() {
            one_year.clone()
        } else {
            two_year
        },
        percentage_1y: one_year,
        band: text(result.get("band")),
        explanation,
        reasons,
    }
}

fn need(key: &str, result: &Value) -> NeedView {
    let identified = result.get("identified_need").and_then(Value::as_bool);
    let scored = result
        .get("scored")
        .and_then(Value::as_bool)
        .unwrap_or(true);
    let status = match (scored, identified) {
        (false, _) => "Not scored",
        (true, Some(true)) => "Identified need",
        (true, Some(false)) => "No need",
        (true, None) => "Unanswered",
    };
    NeedView {
        label: band_label(key),
        score: text(result.get("score")),
        threshold: text(result.get("threshold")),
        status: status.to_owned(),
        need: identified == Some(true),
    }
}

/// Reads a report through its JSON form (spec §13); reasons name the questions of `questions`.
pub(crate) fn view(report: &impl serde::Serialize, questions: &QuestionSet) -> ReportView {
    let Ok(json) = serde_json::to_value(report) else {
        return ReportView::default();
    };
    let predictors = PREDICTORS
        .iter()
        .filter_map(|(key, name)| json.get(*key).map(|r| predictor(key, name, r, questions)))
        .collect();
    let needs = json.get("needs").map_or_else(Vec::new, |sections| {
        Section::NEEDS
            .iter()
            .filter_map(|section| {
                let key = section.key();
                sections.get(key).map(|result| need(key, result))
            })
            .collect()
    });
    ReportView { predictors, needs }
}
