//! Caseload, search and the person overview (scores, ROSH, needs, history and what changed).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Days, NaiveDate};
use oasys_app::{
    AppError, AssessmentSummary, Clock, IdGenerator, Listed, PersonQuery, RestrictedRow,
    RestrictionReason, Storage,
};
use oasys_assessment_model::{
    Assessment, Crn, NeedStatus, Person, Purpose, RiskGroup, RiskLevel, RiskSetting,
    State as Lifecycle, compare as compare_assessments,
};
use serde::Deserialize;
use uuid::Uuid;

use super::chart::{Chart, Series};
use super::reason::{reason_path, stated_reasons};
use super::scores::{PredictorView, ReportView, view};
use super::{Browser, Chrome, Nav, UiError, call, long_date, page};
use crate::state::AppState;

/// How an assessment's state is shown: a label and a GOV.UK tag colour.
pub(crate) fn state_tag(state: &Lifecycle, deleted: bool) -> (&'static str, &'static str) {
    if deleted {
        return ("Deleted", "govuk-tag--red");
    }
    match state {
        Lifecycle::Open => ("In progress", "govuk-tag--blue"),
        Lifecycle::AwaitingCountersign { .. } => ("Awaiting countersignature", "govuk-tag--yellow"),
        Lifecycle::AwaitingDoubleCountersign { .. } => {
            ("Awaiting second countersignature", "govuk-tag--yellow")
        }
        Lifecycle::Complete { .. } => ("Complete", "govuk-tag--green"),
        Lifecycle::LockedIncomplete => ("Locked incomplete", "govuk-tag--grey"),
        Lifecycle::Voided => ("Voided", "govuk-tag--red"),
    }
}

/// A person as a list row.
#[derive(Debug, Clone)]
pub(crate) struct PersonRow {
    pub id: Uuid,
    pub name: String,
    pub crn: String,
    pub date_of_birth: String,
}

impl PersonRow {
    pub(crate) fn of(person: &Person) -> Self {
        Self {
            id: person.id,
            name: format!(
                "{}, {}",
                person.family_name.as_str(),
                person.given_name.as_str()
            ),
            crn: person
                .ids
                .crn()
                .map(|c| c.as_str().to_owned())
                .unwrap_or_default(),
            date_of_birth: long_date(person.date_of_birth),
        }
    }
}

/// A placeholder row ("Restricted record") for a limited access case: the CRN and why, never
/// the name, date of birth, offence or risk.
#[derive(Debug, Clone)]
pub(crate) struct Placeholder {
    pub id: Uuid,
    pub crn: String,
    pub message: String,
    /// The user may open the record once they say why (the row links to the reason page).
    pub reason_needed: bool,
}

impl Placeholder {
    pub(crate) fn of(row: &RestrictedRow) -> Self {
        Self {
            id: row.person_id,
            crn: row
                .crn
                .as_ref()
                .map(|c| c.as_str().to_owned())
                .unwrap_or_default(),
            message: row.message.clone(),
            reason_needed: row.reason == RestrictionReason::ReasonNeeded,
        }
    }
}

struct CaseRow {
    person: PersonRow,
    status: Option<(&'static str, &'static str)>,
    assessment: Option<Uuid>,
    review: String,
    /// `overdue`, `soon` or empty.
    urgency: &'static str,
}

/// An assessment waiting for the user's countersignature.
struct TaskRow {
    person: PersonRow,
    assessment: Uuid,
    assessor: String,
    started: String,
}

#[derive(Template)]
#[template(path = "caseload.html")]
struct CaseloadPage {
    chrome: Chrome,
    countersigning: Vec<TaskRow>,
    rows: Vec<CaseRow>,
    restricted: Vec<Placeholder>,
    overdue: usize,
    due_soon: usize,
}

fn urgency(due: Option<NaiveDate>, today: NaiveDate) -> &'static str {
    match due {
        Some(due) if due < today => "overdue",
        Some(due) if due <= today.checked_add_days(Days::new(28)).unwrap_or(today) => "soon",
        _ => "",
    }
}

/// The signed-in practitioner's caseload with reviews due and overdue first.
pub(crate) async fn caseload<S, C, I>(
    State(state): State<AppState<S, C, I>>,
    Browser(caller): Browser,
) -> Result<Response, UiError>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    let today = state.clock.now().date_naive();
    let (now, limits) = (state.clock.now(), state.config.sessions);
    let (entries, tasks) = call(&state, &caller, move |app, who| {
        let reasons = stated_reasons(app, who, now, limits)?;
        let entries = app.caseload_stating(&who.actor, &who.ctx, &reasons)?;
        Ok((entries, app.countersign_tasks(&who.actor, &who.ctx)?))
    })
    .await?;
    let countersigning = tasks
        .iter()
        .map(|task| TaskRow {
            person: PersonRow::of(&task.person),
            assessment: task.assessment.id,
            assessor: task.assessment.assessor.clone(),
            started: long_date(task.assessment.created_at.date_naive()),
        })
        .collect();
    let restricted = entries
        .iter()
        .filter_map(Listed::restricted)
        .map(Placeholder::of)
        .collect();
    let mut rows: Vec<CaseRow> = entries
        .iter()
        .filter_map(Listed::visible)
        .map(|entry| {
            let latest = entry.latest_assessment.as_ref();
            let due = latest.and_then(|a| a.review_due);
            CaseRow {
                person: PersonRow::of(&entry.person),
                status: latest.map(|a| state_tag(&a.status.state, a.status.deleted)),
                assessment: latest.map(|a| a.id),
                review: due.map(long_date).unwrap_or_default(),
                urgency: urgency(due, today),
            }
        })
        .collect();
    rows.sort_by_key(|row| match row.urgency {
        "overdue" => 0,
        "soon" => 1,
        _ => 2,
    });
    let overdue = rows.iter().filter(|r| r.urgency == "overdue").count();
    let due_soon = rows.iter().filter(|r| r.urgency == "soon").count();
    Ok(page(
        StatusCode::OK,
        &CaseloadPage {
            chrome: Chrome::new("Your caseload", Some(&caller.actor), Nav::Caseload),
            countersigning,
            rows,
            restricted,
            overdue,
            due_soon,
        },
    ))
}

/// The search form's query.
#[derive(Debug, Deserialize)]
pub(crate) struct SearchQuery {
    #[serde(default)]
    q: String,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    chrome: Chrome,
    q: String,
    error: Option<String>,
    searched: bool,
    results: Vec<PersonRow>,
    /// Placeholders, after the people (their order says nothing of their names).
    restricted: Vec<Placeholder>,
}

/// Finds people by CRN, PNC or family name.
pub(crate) async fn search<S, C, I>(
    State(state): State<AppState<S, C, I>>,
    Browser(caller): Browser,
    Query(query): Query<SearchQuery>,
) -> Result<Response, UiError>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    let q = query.q.trim().to_owned();
    let chrome = |error: bool| {
        Chrome::new(
            if error {
                "Error: Find a person"
            } else {
                "Find a person"
            },
            Some(&caller.actor),
            Nav::Search,
        )
    };
    if q.is_empty() {
        return Ok(page(
            StatusCode::OK,
            &SearchPage {
                chrome: chrome(false),
                q,
                error: None,
                searched: false,
                results: Vec::new(),
                restricted: Vec::new(),
            },
        ));
    }
    let search = if let Ok(crn) = Crn::parse(&q) {
        PersonQuery::Crn(crn)
    } else if let Ok(pnc) = oasys_assessment_model::Pnc::parse(&q) {
        PersonQuery::Pnc(pnc)
    } else if q.chars().any(|c| c.is_ascii_digit()) {
        let error =
            "Enter a CRN (like X123456), a PNC number (like 2001/0123456A) or a family name";
        return Ok(page(
            StatusCode::UNPROCESSABLE_ENTITY,
            &SearchPage {
                chrome: chrome(true),
                q,
                error: Some(error.to_owned()),
                searched: false,
                results: Vec::new(),
                restricted: Vec::new(),
            },
        ));
    } else {
        PersonQuery::Name {
            family: q.clone(),
            given: None,
        }
    };
    let (now, limits) = (state.clock.now(), state.config.sessions);
    let people = call(&state, &caller, move |app, who| {
        let reasons = stated_reasons(app, who, now, limits)?;
        app.search_people_stating(&who.actor, &search, 50, &who.ctx, &reasons)
    })
    .await?;
    Ok(page(
        StatusCode::OK,
        &SearchPage {
            chrome: chrome(false),
            q,
            error: None,
            searched: true,
            results: people
                .iter()
                .filter_map(Listed::visible)
                .map(PersonRow::of)
                .collect(),
            restricted: people
                .iter()
                .filter_map(Listed::restricted)
                .map(Placeholder::of)
                .collect(),
        },
    ))
}

/// One row of the person's assessment history.
pub(crate) struct HistoryRow {
    pub id: Uuid,
    pub started: String,
    pub assessor: String,
    pub status: (&'static str, &'static str),
    pub ogrs3: String,
    pub ovp: String,
    pub rsr: String,
}

/// A cell of the risk-of-serious-harm matrix.
pub(crate) struct MatrixCell {
    pub level: String,
    pub class: &'static str,
}

/// A row of the matrix: the group and its community and custody levels.
pub(crate) struct MatrixRow {
    pub group: &'static str,
    pub community: MatrixCell,
    pub custody: MatrixCell,
}

fn cell(level: Option<RiskLevel>, applies: bool) -> MatrixCell {
    match (applies, level) {
        (false, _) => MatrixCell {
            level: "Not applicable".to_owned(),
            class: "",
        },
        (true, None) => MatrixCell {
            level: "Not answered".to_owned(),
            class: "",
        },
        (true, Some(level)) => MatrixCell {
            level: level.to_string(),
            class: match level {
                RiskLevel::Low => "app-level--low",
                RiskLevel::Medium => "app-level--medium",
                RiskLevel::High => "app-level--high",
                RiskLevel::VeryHigh => "app-level--very_high",
            },
        },
    }
}

/// The ROSH matrix of an assessment.
pub(crate) fn matrix(assessment: &Assessment) -> (Vec<MatrixRow>, String) {
    let matrix = assessment.risk_matrix();
    let rows = RiskGroup::ALL
        .iter()
        .map(|group| MatrixRow {
            group: match group {
                RiskGroup::Children => "Children",
                RiskGroup::Public => "Public",
                RiskGroup::KnownAdult => "Known adult",
                RiskGroup::Staff => "Staff",
                RiskGroup::Prisoners => "Prisoners",
            },
            community: cell(
                matrix.level(*group, RiskSetting::Community),
                group.applies_in(RiskSetting::Community),
            ),
            custody: cell(
                matrix.level(*group, RiskSetting::Custody),
                group.applies_in(RiskSetting::Custody),
            ),
        })
        .collect();
    let overall = matrix
        .overall()
        .map_or_else(|| "Not yet assessed".to_owned(), |l| l.to_string());
    (rows, overall)
}

#[derive(Template)]
#[template(path = "person.html")]
struct PersonPage {
    chrome: Chrome,
    person: PersonRow,
    pnc: String,
    location: String,
    current: Option<CurrentAssessment>,
    history: Vec<HistoryRow>,
    chart: Option<Chart>,
    can_start: bool,
    /// Whether there is a locked assessment whose answers a new one can carry forward.
    can_clone: bool,
    purposes: Vec<(&'static str, &'static str)>,
}

struct CurrentAssessment {
    id: Uuid,
    status: (&'static str, &'static str),
    started: String,
    report: ReportView,
    matrix: Vec<MatrixRow>,
    overall: String,
    /// The sentence plan of this assessment: its id and a line saying where it stands.
    plan: Option<(Uuid, String)>,
}

/// Everything the overview needs, read in one go on the blocking pool.
struct Overview {
    person: Person,
    /// The assessments that are not deleted, oldest first, each with its scores.
    assessments: Vec<(AssessmentSummary, Assessment, ReportView)>,
    /// Deleted assessments: listed in the history, not opened (most users may not see them).
    deleted: Vec<AssessmentSummary>,
    plan: Option<(Uuid, String)>,
}

/// The overview (read with the reason the user gave in this session for opening the person's
/// record, which the `Browser` extractor attached); `None` when the person is a limited access
/// case that needs a reason and none was given.
async fn overview_with_reason<S, C, I>(
    state: &AppState<S, C, I>,
    caller: &crate::auth::Caller,
    person_id: Uuid,
) -> Result<Option<Overview>, UiError>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    call(state, caller, move |app, who| {
        match load_overview(app, who, person_id) {
            Err(AppError::JustificationRequired) => Ok(None),
            other => other.map(Some),
        }
    })
    .await
}

fn load_overview<S, C, I>(
    app: &oasys_app::App<S, C, I>,
    caller: &crate::auth::Caller,
    person_id: Uuid,
) -> Result<Overview, AppError>
where
    S: Storage,
    C: Clock,
    I: IdGenerator,
{
    let person = app.person(&caller.actor, person_id, &caller.ctx)?;
    let mut summaries = app.assessments_for_person(&caller.actor, person_id, &caller.ctx)?;
    summaries.sort_by_key(|s| s.created_at);
    let (deleted, summaries): (Vec<_>, Vec<_>) =
        summaries.into_iter().partition(|s| s.status.deleted);
    let mut assessments = Vec::new();
    for summary in summaries {
        let assessment = app.assessment(&caller.actor, summary.id, &caller.ctx)?;
        let scored = app.score_assessment(&caller.actor, summary.id, None, &caller.ctx)?;
        let report = view(&scored.report, assessment.question_set());
        assessments.push((summary, assessment, report));
    }
    // The plan of the newest assessment; someone who may not see plans sees none.
    let plan = assessments
        .last()
        .and_then(|(s, _, _)| {
            app.plan_for_assessment(&caller.actor, s.id, &caller.ctx)
                .ok()
                .flatten()
        })
        .map(|stored| {
            let plan = &stored.plan;
            let open = plan.objectives().iter().filter(|o| o.is_open()).count();
            let signed = if plan.signing().is_editable() {
                "being written"
            } else {
                "signed"
            };
            (
                plan.id(),
                format!(
                    "Version {}, {signed}: {} objectives, {open} open",
                    plan.version(),
                    plan.objectives().len()
                ),
            )
        });
    Ok(Overview {
        person,
        assessments,
        deleted,
        plan,
    })
}

/// The person overview.
pub(crate) async fn overview<S, C, I>(
    State(state): State<AppState<S, C, I>>,
    Browser(caller): Browser,
    Path(id): Path<String>,
) -> Result<Response, UiError>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    let person_id = caller.id(&id)?;
    let Some(loaded) = overview_with_reason(&state, &caller, person_id).await? else {
        return Ok(Redirect::to(&reason_path(person_id)).into_response());
    };
    let mut rows: Vec<(&AssessmentSummary, Option<&ReportView>)> = loaded
        .assessments
        .iter()
        .map(|(summary, _, report)| (summary, Some(report)))
        .chain(loaded.deleted.iter().map(|summary| (summary, None)))
        .collect();
    rows.sort_by_key(|(summary, _)| std::cmp::Reverse(summary.created_at));
    let history: Vec<HistoryRow> = rows
        .into_iter()
        .map(|(summary, report)| {
            let score = |key| report.map_or_else(|| "–".to_owned(), |r| pct(r, key));
            HistoryRow {
                id: summary.id,
                started: long_date(summary.created_at.date_naive()),
                assessor: summary.assessor.clone(),
                status: state_tag(&summary.status.state, summary.status.deleted),
                ogrs3: score("ogrs3"),
                ovp: score("ovp"),
                rsr: score("rsr"),
            }
        })
        .collect();
    let series = [("ogrs3", "OGRS3"), ("ovp", "OVP"), ("rsr", "RSR")]
        .iter()
        .map(|(key, label)| Series {
            label,
            points: loaded
                .assessments
                .iter()
                .filter(|(s, _, _)| s.status.state != Lifecycle::Voided)
                .filter_map(|(s, _, r)| {
                    r.percentage_of(key).map(|p| (s.created_at.date_naive(), p))
                })
                .collect(),
        })
        .collect();
    let chart = Chart::new("Two-year reoffending scores over time", series);
    let current = loaded
        .assessments
        .iter()
        .rev()
        .find(|(s, _, _)| s.status.state != Lifecycle::Voided)
        .map(|(summary, assessment, report)| {
            let (matrix, overall) = matrix(assessment);
            CurrentAssessment {
                id: summary.id,
                status: state_tag(&summary.status.state, summary.status.deleted),
                started: long_date(summary.created_at.date_naive()),
                report: report.clone(),
                matrix,
                overall,
                plan: loaded.plan.clone(),
            }
        });
    // One assessment at a time: not while one is being written or waits for countersigning.
    let can_start = !loaded.assessments.iter().any(|(s, _, _)| {
        matches!(
            s.status.state,
            Lifecycle::Open
                | Lifecycle::AwaitingCountersign { .. }
                | Lifecycle::AwaitingDoubleCountersign { .. }
        )
    });
    let can_clone = loaded.assessments.iter().any(|(s, _, _)| {
        matches!(
            s.status.state,
            Lifecycle::Complete { .. } | Lifecycle::LockedIncomplete
        )
    });
    let person = &loaded.person;
    Ok(page(
        StatusCode::OK,
        &PersonPage {
            chrome: Chrome::new(
                format!(
                    "{} {}",
                    person.given_name.as_str(),
                    person.family_name.as_str()
                ),
                Some(&caller.actor),
                Nav::None,
            ),
            person: PersonRow::of(person),
            pnc: person
                .ids
                .pnc()
                .map(|p| p.as_str().to_owned())
                .unwrap_or_default(),
            location: if person.in_custody() {
                "In custody".to_owned()
            } else {
                "In the community".to_owned()
            },
            current,
            history,
            chart,
            can_start,
            can_clone,
            purposes: Purpose::all()
                .iter()
                .filter(|p| !matches!(p, Purpose::Other(_)))
                .map(|p| (p.code(), p.label()))
                .collect(),
        },
    ))
}

fn pct(report: &ReportView, key: &str) -> String {
    report
        .predictors
        .iter()
        .find(|p| p.key == key)
        .map_or_else(|| "–".to_owned(), PredictorView::summary)
}

/// Which two assessments to compare.
#[derive(Debug, Deserialize)]
pub(crate) struct CompareQuery {
    from: Option<String>,
    to: Option<String>,
}

struct ScoreChange {
    name: &'static str,
    earlier: String,
    later: String,
}

struct NeedChangeRow {
    label: String,
    earlier: String,
    later: String,
    status: &'static str,
}

struct LevelRow {
    what: String,
    earlier: String,
    later: String,
    direction: String,
}

#[derive(Template)]
#[template(path = "compare.html")]
struct ComparePage {
    chrome: Chrome,
    person: PersonRow,
    options: Vec<(Uuid, String)>,
    from: Option<Uuid>,
    to: Option<Uuid>,
    error: Option<String>,
    scores: Vec<ScoreChange>,
    needs: Vec<NeedChangeRow>,
    rosh: Vec<LevelRow>,
    answers_changed: usize,
}

impl ComparePage {
    fn is_from(&self, id: &Uuid) -> bool {
        self.from == Some(*id)
    }

    fn is_to(&self, id: &Uuid) -> bool {
        self.to == Some(*id)
    }
}

fn level(level: Option<RiskLevel>) -> String {
    level.map_or_else(|| "–".to_owned(), |l| l.to_string())
}

/// What changed between two of the person's assessments: scores, needs and ROSH levels.
pub(crate) async fn compare<S, C, I>(
    State(state): State<AppState<S, C, I>>,
    Browser(caller): Browser,
    Path(id): Path<String>,
    Query(query): Query<CompareQuery>,
) -> Result<Response, UiError>
where
    S: Storage + 'static,
    C: Clock + 'static,
    I: IdGenerator + 'static,
{
    let person_id = caller.id(&id)?;
    let Some(loaded) = overview_with_reason(&state, &caller, person_id).await? else {
        return Ok(Redirect::to(&reason_path(person_id)).into_response());
    };
    let options = loaded
        .assessments
        .iter()
        .map(|(s, _, _)| {
            (
                s.id,
                format!(
                    "{} ({})",
                    long_date(s.created_at.date_naive()),
                    state_tag(&s.status.state, s.status.deleted).0
                ),
            )
        })
        .collect();
    let pick = |text: &Option<String>| text.as_deref().and_then(|t| Uuid::parse_str(t).ok());
    let (from, to) = (pick(&query.from), pick(&query.to));
    let find =
        |id: Option<Uuid>| id.and_then(|id| loaded.assessments.iter().find(|(s, _, _)| s.id == id));
    let mut result = ComparePage {
        chrome: Chrome::new("What changed", Some(&caller.actor), Nav::None),
        person: PersonRow::of(&loaded.person),
        options,
        from,
        // The later one defaults to the newest.
        to: to.or_else(|| loaded.assessments.last().map(|(s, _, _)| s.id)),
        error: None,
        scores: Vec::new(),
        needs: Vec::new(),
        rosh: Vec::new(),
        answers_changed: 0,
    };
    if let (Some(earlier), Some(later)) = (find(from), find(to)) {
        match compare_assessments(&earlier.1, &later.1) {
            Err(error) => result.error = Some(format!("These cannot be compared: {error}")),
            Ok(comparison) => {
                result.scores = earlier
                    .2
                    .predictors
                    .iter()
                    .zip(&later.2.predictors)
                    .map(|(a, b)| ScoreChange {
                        name: a.name,
                        earlier: a.summary(),
                        later: b.summary(),
                    })
                    .collect();
                result.needs = comparison
                    .needs
                    .iter()
                    .map(|n| NeedChangeRow {
                        label: super::scores::band_label(n.section.key()),
                        earlier: n.earlier.score.map(|s| s.to_string()).unwrap_or_default(),
                        later: n.later.score.map(|s| s.to_string()).unwrap_or_default(),
                        status: match n.status {
                            NeedStatus::Gained => "Need gained",
                            NeedStatus::Resolved => "Need resolved",
                            NeedStatus::Persisting => "Need persists",
                            NeedStatus::NoNeed => "No need",
                            NeedStatus::Unanswered => "Unanswered",
                            NeedStatus::NotScored => "Not scored",
                        },
                    })
                    .collect();
                let mut rosh = vec![LevelRow {
                    what: "Overall risk of serious harm".to_owned(),
                    earlier: level(comparison.rosh.overall.earlier),
                    later: level(comparison.rosh.overall.later),
                    direction: format!("{:?}", comparison.rosh.overall.direction),
                }];
                rosh.extend(comparison.rosh.cells.iter().map(|c| LevelRow {
                    what: format!("{:?} ({:?})", c.group, c.setting),
                    earlier: level(c.change.earlier),
                    later: level(c.change.later),
                    direction: format!("{:?}", c.change.direction),
                }));
                result.rosh = rosh;
                result.answers_changed = comparison.answers.len();
            }
        }
    } else if query.from.is_some() || query.to.is_some() {
        result.error = Some("Choose two assessments of this person".to_owned());
    }
    let status = if result.error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    if result.error.is_some() {
        result.chrome.title = "Error: What changed".to_owned();
    }
    Ok(page(status, &result))
}
