//! The What Works page for analysts: a GET form of cohort filters and, under it, the report on
//! that cohort (every predictor's AUC, calibration and subgroup breakdowns, reoffending by
//! intervention and risk band, with plotters' SVG charts) rendered by `oasys-what-works` exactly as
//! `oasys report what-works` renders it; and the numbers as CSV downloads. The use case restricts
//! both to the analyst role (the policy's `BuildDeidentifiedDataset`, audited); everyone else gets
//! the policy's refusal page. No count under 10 reaches this module: the report is suppressed
//! before it is rendered.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use oasys_app::{Clock, CohortFilter, IdGenerator, Storage, WhatWorksReport};
use oasys_assessment_model::{Ethnicity, Gender};
use oasys_sharing_policy::Actor;
use oasys_sharing_policy::action::Action;
use oasys_sharing_policy::deidentify::age_band;
use oasys_sharing_policy::matrix::cell;
use oasys_what_works::{CohortDescription, Heading, Table, csv, report_body};
use serde::Deserialize;

use super::{Browser, Chrome, Nav, UiError, page};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::state::AppState;

/// The filters of the form, as typed (every field optional; empty means "any").
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct CohortQuery {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    area: String,
    #[serde(default)]
    sex: String,
    #[serde(default)]
    age_band: String,
    #[serde(default)]
    ethnicity: String,
    #[serde(default)]
    sentence_type: String,
    /// The CSV table to download (`/what-works.csv` only).
    #[serde(default)]
    table: String,
}

/// A problem with one field of the form.
#[derive(Debug, Clone)]
pub(crate) struct FieldError {
    pub field: &'static str,
    pub message: String,
}

/// An option of a select: its value, its label and whether it is chosen.
#[derive(Debug, Clone)]
pub(crate) struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// A text or date input of the form.
#[derive(Debug, Clone)]
pub(crate) struct Input {
    pub id: &'static str,
    pub label: &'static str,
    pub hint: &'static str,
    /// `date` or `text`.
    pub kind: &'static str,
    pub value: String,
}

/// A select of the form.
#[derive(Debug, Clone)]
pub(crate) struct Select {
    pub id: &'static str,
    pub label: &'static str,
    pub options: Vec<Choice>,
}

/// A CSV download link.
#[derive(Debug, Clone)]
pub(crate) struct Download {
    pub href: String,
    pub label: &'static str,
}

const SEXES: [(&str, &str); 4] = [
    ("male", "Male"),
    ("female", "Female"),
    ("other", "Other"),
    ("not_known", "Not known"),
];

/// The ONS 2021 ethnic groups (snake_case codes, as stored) and their labels.
const ETHNICITIES: [(&str, &str); 20] = [
    ("asian_bangladeshi", "Asian or Asian British: Bangladeshi"),
    ("asian_chinese", "Asian or Asian British: Chinese"),
    ("asian_indian", "Asian or Asian British: Indian"),
    ("asian_pakistani", "Asian or Asian British: Pakistani"),
    (
        "asian_other",
        "Asian or Asian British: any other Asian background",
    ),
    (
        "black_african",
        "Black, Black British, Caribbean or African: African",
    ),
    (
        "black_caribbean",
        "Black, Black British, Caribbean or African: Caribbean",
    ),
    (
        "black_other",
        "Black, Black British, Caribbean or African: any other Black background",
    ),
    ("mixed_white_and_asian", "Mixed: White and Asian"),
    (
        "mixed_white_and_black_african",
        "Mixed: White and Black African",
    ),
    (
        "mixed_white_and_black_caribbean",
        "Mixed: White and Black Caribbean",
    ),
    ("mixed_other", "Mixed: any other mixed background"),
    (
        "white_british",
        "White: English, Welsh, Scottish, Northern Irish or British",
    ),
    ("white_irish", "White: Irish"),
    (
        "white_gypsy_or_irish_traveller",
        "White: Gypsy or Irish Traveller",
    ),
    ("white_roma", "White: Roma"),
    ("white_other", "White: any other White background"),
    ("other_arab", "Other ethnic group: Arab"),
    (
        "other_any_other",
        "Other ethnic group: any other ethnic group",
    ),
    ("prefer_not_to_say", "Prefer not to say"),
];

/// The age bands the cohort is grouped by, youngest first.
fn age_bands() -> Vec<String> {
    let mut bands: Vec<String> = (17..=65).map(age_band).collect();
    bands.dedup();
    bands
}

fn choices(options: impl IntoIterator<Item = (String, String)>, chosen: &str) -> Vec<Choice> {
    std::iter::once((String::new(), "Any".to_owned()))
        .chain(options)
        .map(|(value, label)| Choice {
            selected: value == chosen,
            value,
            label,
        })
        .collect()
}

fn snake<T: for<'de> Deserialize<'de>>(text: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(text.to_owned())).ok()
}

fn date(text: &str, field: &'static str, errors: &mut Vec<FieldError>) -> Option<NaiveDate> {
    if text.is_empty() {
        return None;
    }
    let parsed = NaiveDate::parse_from_str(text, "%Y-%m-%d").ok();
    if parsed.is_none() {
        errors.push(FieldError {
            field,
            message: format!(
                "Enter the {} date as year-month-day, for example 2025-01-31",
                if field == "from" { "start" } else { "end" }
            ),
        });
    }
    parsed
}

fn one(text: &str) -> Vec<String> {
    if text.is_empty() {
        Vec::new()
    } else {
        vec![text.to_owned()]
    }
}

impl CohortQuery {
    /// The same query with every field trimmed.
    fn trimmed(&self) -> Self {
        let t = |s: &str| s.trim().to_owned();
        Self {
            from: t(&self.from),
            to: t(&self.to),
            area: t(&self.area),
            sex: t(&self.sex),
            age_band: t(&self.age_band),
            ethnicity: t(&self.ethnicity),
            sentence_type: t(&self.sentence_type),
            table: t(&self.table),
        }
    }

    /// The cohort filter the form describes, or what is wrong with it.
    fn filter(&self) -> Result<CohortFilter, Vec<FieldError>> {
        let mut errors = Vec::new();
        let from = date(&self.from, "from", &mut errors);
        let to = date(&self.to, "to", &mut errors);
        if let (Some(from), Some(to)) = (from, to)
            && to < from
        {
            errors.push(FieldError {
                field: "to",
                message: "The end date must be the same as or after the start date".to_owned(),
            });
        }
        let sex = if self.sex.is_empty() {
            None
        } else {
            let sex = snake::<Gender>(&self.sex);
            if sex.is_none() {
                errors.push(FieldError {
                    field: "sex",
                    message: "Select a sex from the list".to_owned(),
                });
            }
            sex
        };
        let ethnicity = if self.ethnicity.is_empty() {
            None
        } else {
            let ethnicity = snake::<Ethnicity>(&self.ethnicity);
            if ethnicity.is_none() {
                errors.push(FieldError {
                    field: "ethnicity",
                    message: "Select an ethnic group from the list".to_owned(),
                });
            }
            ethnicity
        };
        if !self.age_band.is_empty() && !age_bands().contains(&self.age_band) {
            errors.push(FieldError {
                field: "age_band",
                message: "Select an age band from the list".to_owned(),
            });
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(CohortFilter {
            from,
            to,
            areas: one(&self.area),
            sexes: sex.into_iter().collect(),
            age_bands: one(&self.age_band),
            ethnicities: ethnicity.into_iter().collect(),
            sentence_types: one(&self.sentence_type),
        })
    }

    /// The filters given as the start of a query string (each `name=value&`; empty without
    /// filters), for the download links.
    fn query_string(&self) -> String {
        [
            ("from", &self.from),
            ("to", &self.to),
            ("area", &self.area),
            ("sex", &self.sex),
            ("age_band", &self.age_band),
            ("ethnicity", &self.ethnicity),
            ("sentence_type", &self.sentence_type),
        ]
        .into_iter()
        .filter(|(_, value)| !value.is_empty())
        .map(|(name, value)| format!("{name}={}&", encode(value)))
        .collect()
    }
}

/// Percent-encodes a query value (everything but unreserved characters).
fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The cohort filter in words, as the report heads it.
fn describe(filter: &CohortFilter) -> CohortDescription {
    let code = |v: serde_json::Result<serde_json::Value>| {
        v.ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    };
    CohortDescription {
        from: filter.from.map(|d| d.to_string()),
        to: filter.to.map(|d| d.to_string()),
        areas: filter.areas.clone(),
        sexes: filter
            .sexes
            .iter()
            .map(|s| code(serde_json::to_value(s)))
            .collect(),
        age_bands: filter.age_bands.clone(),
        ethnicities: filter
            .ethnicities
            .iter()
            .map(|e| code(serde_json::to_value(e)))
            .collect(),
        sentence_types: filter.sentence_types.clone(),
    }
}

#[derive(Template)]
#[template(path = "what_works.html")]
struct WhatWorksPage {
    chrome: Chrome,
    errors: Vec<FieldError>,
    inputs: Vec<Input>,
    selects: Vec<Select>,
    downloads: Vec<Download>,
    /// The report as an HTML fragment (already escaped by the renderer); `None` when the form
    /// has errors.
    report: Option<String>,
}

impl WhatWorksPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }
}

/// Whether the policy lets this role build analyses at all (the nav shows the page only then).
fn may_analyse(actor: &Actor) -> bool {
    cell(actor.role, Action::BuildDeidentifiedDataset).role_wide
}

/// The report on the filter, built on the blocking pool (the use case checks the policy and
/// audits).
async fn build<S, C, I>(
    state: &AppState<S, C, I>,
    caller: Caller,
    filter: CohortFilter,
) -> Result<WhatWorksReport, UiError>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    let actor = caller.actor.clone();
    state
        .blocking(move |app| {
            Ok(app.what_works_report(&caller.actor, &filter, None, &caller.ctx)?)
        })
        .await
        .map_err(|e| UiError::from(e).for_actor(&actor))
}

/// A form with errors: for someone the policy never lets analyse, the use case's refusal (so the
/// refusal is the policy's page and audited, whatever they typed).
async fn refuse_unless_analyst<S, C, I>(
    state: &AppState<S, C, I>,
    caller: &Caller,
) -> Result<(), UiError>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    if may_analyse(&caller.actor) {
        return Ok(());
    }
    build(state, caller.clone(), CohortFilter::default()).await?;
    Err(UiError::from(ApiError::internal()).for_actor(&caller.actor))
}

/// `GET /what-works`: the filter form and the report on the cohort it selects.
pub(crate) async fn what_works<S, C, I>(
    State(state): State<AppState<S, C, I>>,
    Browser(caller): Browser,
    Query(query): Query<CohortQuery>,
) -> Result<Response, UiError>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    let actor = caller.actor.clone();
    let form = query.trimmed();
    let filter = form.filter();
    let (errors, report) = match filter {
        Err(errors) => {
            refuse_unless_analyst(&state, &caller).await?;
            (errors, None)
        }
        Ok(filter) => {
            let report = build(&state, caller, filter).await?;
            let heading = Heading {
                generated: state.clock.now().format("%Y-%m-%d %H:%M UTC").to_string(),
                cohort: describe(&report.filter),
                selected: report.selected,
                with_outcome: report.with_outcome,
            };
            let body = report_body(&report.report, &heading).map_err(|error| {
                tracing::error!(%error, "what works report");
                UiError::from(ApiError::internal()).for_actor(&actor)
            })?;
            (Vec::new(), Some(body))
        }
    };
    let query_string = form.query_string();
    let template = WhatWorksPage {
        chrome: Chrome::new(
            if errors.is_empty() {
                "What Works"
            } else {
                "Error: What Works"
            },
            Some(&actor),
            Nav::WhatWorks,
        ),
        inputs: inputs(&form),
        selects: selects(&form),
        downloads: Table::ALL
            .into_iter()
            .map(|table| Download {
                href: format!("/what-works.csv?{query_string}table={}", table.name()),
                label: download_label(table),
            })
            .collect(),
        report,
        errors,
    };
    let status = if template.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(page(status, &template))
}

fn inputs(form: &CohortQuery) -> Vec<Input> {
    vec![
        Input {
            id: "from",
            label: "Assessed on or after",
            hint: "For example, 1 January 2025",
            kind: "date",
            value: form.from.clone(),
        },
        Input {
            id: "to",
            label: "Assessed on or before",
            hint: "For example, 31 December 2025",
            kind: "date",
            value: form.to.clone(),
        },
        Input {
            id: "area",
            label: "Area",
            hint: "The assessing team's area, for example North",
            kind: "text",
            value: form.area.clone(),
        },
        Input {
            id: "sentence_type",
            label: "Sentence type",
            hint: "A sentence type code, for example community_order",
            kind: "text",
            value: form.sentence_type.clone(),
        },
    ]
}

fn selects(form: &CohortQuery) -> Vec<Select> {
    vec![
        Select {
            id: "sex",
            label: "Sex",
            options: choices(SEXES.map(|(v, l)| (v.to_owned(), l.to_owned())), &form.sex),
        },
        Select {
            id: "age_band",
            label: "Age band at the assessment",
            options: choices(
                age_bands().into_iter().map(|b| (b.clone(), b)),
                &form.age_band,
            ),
        },
        Select {
            id: "ethnicity",
            label: "Ethnic group",
            options: choices(
                ETHNICITIES.map(|(v, l)| (v.to_owned(), l.to_owned())),
                &form.ethnicity,
            ),
        },
    ]
}

fn download_label(table: Table) -> &'static str {
    match table {
        Table::Predictors => "Predictors: AUC, observed and expected (CSV)",
        Table::Calibration => "Calibration by decile, overall and by subgroup (CSV)",
        Table::Subgroups => "Validation by subgroup (CSV)",
        Table::Roc => "ROC curve points (CSV)",
        Table::Interventions => "Reoffending by intervention and risk band (CSV)",
    }
}

/// `GET /what-works.csv?…&table=NAME`: one table of the report's numbers as a CSV download.
pub(crate) async fn what_works_csv<S, C, I>(
    State(state): State<AppState<S, C, I>>,
    Browser(caller): Browser,
    Query(query): Query<CohortQuery>,
) -> Result<Response, UiError>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    let actor = caller.actor.clone();
    let form = query.trimmed();
    let problem = match (form.filter(), Table::from_name(&form.table)) {
        (Ok(filter), Some(table)) => {
            let report = build(&state, caller, filter).await?;
            let mut response = csv(&report.report, table).into_response();
            let headers = response.headers_mut();
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            );
            if let Ok(disposition) = HeaderValue::from_str(&format!(
                "attachment; filename=\"what-works-{}\"",
                table.file_name()
            )) {
                headers.insert(header::CONTENT_DISPOSITION, disposition);
            }
            return Ok(response);
        }
        (Err(errors), _) => errors
            .into_iter()
            .map(|e| e.message)
            .collect::<Vec<_>>()
            .join("; "),
        (Ok(_), None) => format!(
            "Unknown table {:?}: use one of {}",
            form.table,
            Table::ALL.map(Table::name).join(", ")
        ),
    };
    refuse_unless_analyst(&state, &caller).await?;
    Err(UiError::from(ApiError::bad_request(problem)).for_actor(&actor))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_code_is_a_stored_value_and_every_ethnic_group_is_listed() {
        for (code, _) in SEXES {
            assert!(snake::<Gender>(code).is_some(), "{code}");
        }
        let mut groups = Vec::new();
        for (code, _) in ETHNICITIES {
            let group = snake::<Ethnicity>(code).unwrap_or_else(|| panic!("{code}"));
            assert!(!groups.contains(&group), "{code} twice");
            groups.push(group);
        }
        assert_eq!(groups.len(), 20);
        assert_eq!(age_bands().first().map(String::as_str), Some("under 18"));
        assert_eq!(age_bands().last().map(String::as_str), Some("65+"));
    }

    #[test]
    fn filters_are_parsed_and_kept_in_the_download_links() {
        let query = CohortQuery {
            from: " 2025-01-01 ".into(),
            area: "North & East".into(),
            sex: "female".into(),
            age_band: "25-29".into(),
            ..CohortQuery::default()
        }
        .trimmed();
        let filter = query.filter().expect("valid");
        assert_eq!(filter.from, NaiveDate::from_ymd_opt(2025, 1, 1));
        assert_eq!(filter.to, None);
        assert_eq!(filter.areas, ["North & East"]);
        assert_eq!(filter.sexes, [Gender::Female]);
        assert_eq!(filter.age_bands, ["25-29"]);
        assert!(filter.ethnicities.is_empty() && filter.sentence_types.is_empty());
        assert_eq!(
            query.query_string(),
            "from=2025-01-01&area=North%20%26%20East&sex=female&age_band=25-29&"
        );
        assert_eq!(CohortQuery::default().query_string(), "");
        let bad = CohortQuery {
            to: "31/12/2025".into(),
            age_band: "26-30".into(),
            ethnicity: "martian".into(),
            ..CohortQuery::default()
        }
        .filter()
        .expect_err("invalid");
        let fields: Vec<&str> = bad.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["to", "ethnicity", "age_band"]);
    }
}
