//! What Works: importing proven reoffending outcomes (an operator's bulk load, audited), and for
//! the analyst role only (the policy's `BuildDeidentifiedDataset`, audited as a combination) the
//! validation report on a cohort and the de-identified research extract.
//!
//! Nothing identifying leaves these use cases: cohort rows carry age bands, months, scores,
//! outcomes and intervention codes, and the research extract replaces ids by keyed pseudonyms.

use chrono::{Datelike, NaiveDate};
use oasys_assessment_model::{Crn, Ethnicity, Gender};
use oasys_scoring::{Band, OffenceCatalogue, PredictorInput, PredictorResult, ScoreReport, score};
use oasys_sentence_plan::{InterventionProgress, SentencePlan};
use oasys_sharing_policy::deidentify::{PseudonymKey, pseudonym};
use oasys_sharing_policy::{Action, Actor, Resource};
use oasys_what_works::{CohortRecord, Exposure, PREDICTORS, Reoffending, Report, analyse};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::ports::{
    AuditOutcome, Clock, CohortFilter, CohortMember, DocumentKind, IdGenerator, NewAuditEntry,
    Operation, OutcomeWrite, PersonQuery, ReoffendingOutcome, Repositories, Storage,
};

use super::{App, AppError, RequestContext};

/// One outcome as an outside source gives it: the person by CRN.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutcomeRecord {
    /// The person's CRN.
    pub crn: String,
    /// First day of the follow-up.
    pub follow_up_start: NaiveDate,
    /// Last day of the follow-up.
    pub follow_up_end: NaiveDate,
    /// First proven reoffence within the follow-up, if any.
    #[serde(default)]
    pub first_reoffence: Option<NaiveDate>,
    /// Its offence category.
    #[serde(default)]
    pub offence_category: Option<String>,
    /// A proven violent reoffence within the follow-up.
    #[serde(default)]
    pub violent: bool,
    /// A proven sexual reoffence within the follow-up.
    #[serde(default)]
    pub sexual: bool,
}

/// A record the import refused, by its line in the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RejectedOutcome {
    /// Line number in the file (1-based).
    pub line: usize,
    /// Why, in words (never the record's values beyond the CRN's absence).
    pub reason: String,
}

/// What an outcome import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct OutcomeImport {
    /// New outcomes stored.
    pub inserted: u64,
    /// Outcomes replaced by a different record.
    pub updated: u64,
    /// Records identical to the stored outcome.
    pub unchanged: u64,
    /// Records refused.
    pub rejected: Vec<RejectedOutcome>,
}

/// A predictor's two-year probability and band at the cohort assessment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PredictorScore {
    /// Output key.
    pub predictor: String,
    /// Two-year probability (0–1).
    pub probability: f64,
    /// Band, when the predictor has bands.
    pub band: Option<String>,
}

/// A person's outcome with its dates coarsened to months.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CoarseOutcome {
    /// Follow-up start, `YYYY-MM`.
    pub follow_up_start: String,
    /// Follow-up end, `YYYY-MM`.
    pub follow_up_end: String,
    /// Whether the follow-up covers the two-year horizon (or the person reoffended within it).
    pub complete: bool,
    /// A proven reoffence within two years of the follow-up start.
    pub reoffended: bool,
    /// Month of the first proven reoffence.
    pub first_reoffence: Option<String>,
    /// Its offence category.
    pub offence_category: Option<String>,
    /// A proven violent reoffence in the follow-up.
    pub violent: bool,
    /// A proven sexual reoffence in the follow-up.
    pub sexual: bool,
}

/// One intervention in the person's plan and how far they got.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InterventionExposure {
    /// Catalogue code.
    pub code: String,
    /// Completed, started or not received.
    pub exposure: Exposure,
}

/// One person of a cohort, de-identified: bands, months, scores, outcome and interventions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AnalysisRecord {
    /// Age band at the assessment date.
    pub age_band: String,
    /// Recorded gender.
    pub sex: Gender,
    /// Ethnic group, when recorded.
    pub ethnicity: Option<Ethnicity>,
    /// Area of the assessing team.
    pub area: Option<String>,
    /// Sentence type code.
    pub sentence_type: Option<String>,
    /// Assessment month, `YYYY-MM`.
    pub assessment_month: String,
    /// The predictor set the assessment was made under.
    pub predictor_set: String,
    /// The predictors calculated at the assessment.
    pub scores: Vec<PredictorScore>,
    /// The stratum of the intervention analysis: the band of ARP (dynamic, else static), else of
    /// OGP, else of OGRS3, else `not banded`.
    pub risk_band: String,
    /// The outcome, when one was imported.
    pub outcome: Option<CoarseOutcome>,
    /// Interventions in the plans of the assessment.
    pub interventions: Vec<InterventionExposure>,
}

/// A research extract row: an [`AnalysisRecord`] with keyed pseudonyms of the person and the
/// assessment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResearchRecord {
    /// Pseudonym of the person (HMAC-SHA-256 under the research key).
    pub person: String,
    /// Pseudonym of the assessment.
    pub assessment: String,
    /// Everything else.
    #[serde(flatten)]
    pub record: AnalysisRecord,
}

/// The What Works report on a cohort.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WhatWorksReport {
    /// The cohort asked for.
    pub filter: CohortFilter,
    /// People selected (suppressed below 10).
    pub selected: Option<u64>,
    /// Of those, people with a complete outcome, who are validated (suppressed below 10, or when
    /// 1 to 9 people have none).
    pub with_outcome: Option<u64>,
    /// The numbers.
    pub report: Report,
}

/// The subgroup dimensions of the report, in order.
pub const DIMENSIONS: [&str; 6] = [
    "sex",
    "age_band",
    "ethnicity",
    "area",
    "sentence_type",
    "assessment_year",
];

fn month(date: NaiveDate) -> String {
    format!("{:04}-{:02}", date.year(), date.month())
}

fn band_code(band: Band) -> &'static str {
    match band {
        Band::Low => "low",
        Band::Medium => "medium",
        Band::High => "high",
        Band::VeryHigh => "very_high",
    }
}

fn snake<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// The predictor results of a report, by output key, in [`PREDICTORS`] order.
fn results(report: &ScoreReport) -> [(&'static str, &PredictorResult); 17] {
    [
        ("ogrs3", &report.ogrs3),
        ("ogp", &report.ogp),
        ("ovp", &report.ovp),
        ("osp_dc", &report.osp_dc),
        ("osp_iic", &report.osp_iic),
        ("snsv_static", &report.snsv_static),
        ("snsv_dynamic", &report.snsv_dynamic),
        ("rsr", &report.rsr),
        ("arp_static", &report.arp_static),
        ("arp_dynamic", &report.arp_dynamic),
        ("vrp_static", &report.vrp_static),
        ("vrp_dynamic", &report.vrp_dynamic),
        ("svrp_static", &report.svrp_static),
        ("svrp_dynamic", &report.svrp_dynamic),
        ("dc_srp", &report.dc_srp),
        ("iic_srp", &report.iic_srp),
        ("csrp", &report.csrp),
    ]
}

/// How far a person got with an intervention, from its legacy progress code: completed only when
/// fully achieved; started when the code says the person took part (ongoing, partially achieved,
/// not achieved — including entering custody, being revoked early or "other" —, recall/release
/// and termination); not received when it was never started, not available, declined, failed the
/// suitability assessment, removed, no longer applicable or transferred away.
#[must_use]
pub fn exposure_of(progress: InterventionProgress) -> Exposure {
    use InterventionProgress as P;
    match progress {
        P::FullyAchieved => Exposure::Completed,
        P::Ongoing
        | P::PartiallyAchieved
        | P::NotAchieved
        | P::NotAchievedEnteredCustody
        | P::NotAchievedRevokedEarly
        | P::NotAchievedOther
        | P::RecallReleased
        | P::Termination => Exposure::Started,
        P::NotStarted
        | P::NoLongerApplicable
        | P::NotAchievedProgrammeNotAvailable
        | P::NotAchievedOffenderDeclined
        | P::NotAchievedFailedAssessment
        | P::RemovedInappropriate
        | P::RemovedUnsuitable
        | P::RemovedOther
        | P::Transferred => Exposure::NotReceived,
    }
}

fn coarse(outcome: &ReoffendingOutcome) -> CoarseOutcome {
    CoarseOutcome {
        follow_up_start: month(outcome.follow_up_start),
        follow_up_end: month(outcome.follow_up_end),
        complete: outcome.is_complete(),
        reoffended: outcome.reoffended_within_horizon(),
        first_reoffence: outcome.first_reoffence.map(month),
        offence_category: outcome.offence_category.clone(),
        violent: outcome.violent,
        sexual: outcome.sexual,
    }
}

/// The de-identified row of a cohort member, its plans' interventions given.
fn analysis_record(
    member: &CohortMember,
    catalogue: Option<&OffenceCatalogue>,
    interventions: Vec<InterventionExposure>,
) -> AnalysisRecord {
    let report = score(
        &PredictorInput::from_assessment(&member.assessment, &member.person),
        catalogue,
    );
    let results = results(&report);
    let scores: Vec<PredictorScore> = results
        .iter()
        .filter_map(|(key, r)| {
            r.probability_2y.map(|probability| PredictorScore {
                predictor: (*key).to_owned(),
                probability,
                band: r.band.map(|b| band_code(b).to_owned()),
            })
        })
        .collect();
    let band_of = |key: &str| {
        scores
            .iter()
            .find(|s| s.predictor == key)
            .and_then(|s| s.band.clone())
    };
    let risk_band = ["arp_dynamic", "arp_static", "ogp", "ogrs3"]
        .iter()
        .find_map(|k| band_of(k))
        .unwrap_or_else(|| "not banded".to_owned());
    let header = member.assessment.header();
    AnalysisRecord {
        age_band: member.age_band(),
        sex: member.person.gender,
        ethnicity: member.person.ethnicity,
        area: member.area.clone(),
        sentence_type: member
            .person
            .sentence
            .as_ref()
            .map(|s| s.sentence_type.clone()),
        assessment_month: month(header.assessment_date),
        predictor_set: header.predictor_set_version.clone(),
        scores,
        risk_band,
        outcome: member.outcome.as_ref().map(coarse),
        interventions,
    }
}

/// The interventions of the plans made from an assessment.
fn plan_interventions(
    repos: &dyn Repositories,
    member: &CohortMember,
) -> Result<Vec<InterventionExposure>, AppError> {
    let assessment_id = member.assessment.header().id;
    let mut out = Vec::new();
    for document in repos.documents(DocumentKind::SentencePlan, Some(member.person.id), 1_000)? {
        if document.parent_id.is_some_and(|p| p != assessment_id) {
            continue;
        }
        let plan: SentencePlan = serde_json::from_value(document.body).map_err(|e| {
            AppError::Unavailable(format!("stored plan {} does not decode: {e}", document.id))
        })?;
        if plan.assessment_id() != assessment_id {
            continue;
        }
        for objective in plan.objectives() {
            for step in &objective.interventions {
                if let Some(code) = &step.catalogue_code {
                    out.push(InterventionExposure {
                        code: code.clone(),
                        exposure: exposure_of(step.progress),
                    });
                }
            }
        }
    }
    Ok(out)
}

impl AnalysisRecord {
    /// The record as the What Works crate takes it (only a complete outcome is usable).
    #[must_use]
    pub fn cohort_record(&self) -> Option<CohortRecord> {
        let outcome = self.outcome.as_ref().filter(|o| o.complete)?;
        let year = self
            .assessment_month
            .get(..4)
            .unwrap_or_default()
            .to_owned();
        let label = |v: Option<String>| v.unwrap_or_else(|| "not recorded".to_owned());
        Some(CohortRecord {
            probabilities: self
                .scores
                .iter()
                .map(|s| (s.predictor.clone(), s.probability))
                .collect(),
            reoffending: Reoffending {
                any: outcome.reoffended,
                violent: outcome.violent,
                sexual: outcome.sexual,
            },
            subgroups: vec![
                ("sex".into(), snake(&self.sex)),
                ("age_band".into(), self.age_band.clone()),
                (
                    "ethnicity".into(),
                    label(self.ethnicity.as_ref().map(snake)),
                ),
                ("area".into(), label(self.area.clone())),
                ("sentence_type".into(), label(self.sentence_type.clone())),
                ("assessment_year".into(), year),
            ],
            band: self.risk_band.clone(),
            interventions: self
                .interventions
                .iter()
                .map(|i| (i.code.clone(), i.exposure))
                .collect(),
        })
    }
}

impl<S: Storage, C: Clock, I: IdGenerator> App<S, C, I> {
    /// Imports proven reoffending outcomes (an operator's bulk load, straight on the store): each
    /// record's person is found by CRN and its outcome stored or replaced; a record with an
    /// unknown CRN or inconsistent dates is rejected with its line and the rest are imported, all
    /// in one transaction with one audit event (a collection) that counts them.
    pub fn import_outcomes(
        &self,
        operator: &str,
        records: &[(usize, OutcomeRecord)],
    ) -> Result<OutcomeImport, AppError> {
        self.store.in_transaction(|repos| {
            let mut result = OutcomeImport::default();
            for (line, record) in records {
                match import_one(repos, record)? {
                    Ok(OutcomeWrite::Inserted) => result.inserted += 1,
                    Ok(OutcomeWrite::Updated) => result.updated += 1,
                    Ok(OutcomeWrite::Unchanged) => result.unchanged += 1,
                    Err(reason) => result.rejected.push(RejectedOutcome {
                        line: *line,
                        reason,
                    }),
                }
            }
            repos.append(&NewAuditEntry {
                event_id: self.ids.new_id(),
                occurred_at: self.clock.now(),
                actor: operator.to_owned(),
                actor_role: "operator".to_owned(),
                correlation_id: None,
                operation: Operation::Collection,
                action: "outcomes.import".to_owned(),
                subject_person: None,
                subject_ref: None,
                recipients: Vec::new(),
                justification: None,
                outcome: AuditOutcome::Allowed,
                details: json!({
                    "inserted": result.inserted,
                    "updated": result.updated,
                    "unchanged": result.unchanged,
                    "rejected": result.rejected.len(),
                }),
            })?;
            Ok(result)
        })
    }

    /// The de-identified rows of a cohort (analysts only; the policy's decision and the cohort
    /// asked for are audited).
    pub fn what_works_cohort(
        &self,
        actor: &Actor,
        filter: &CohortFilter,
        catalogue: Option<&OffenceCatalogue>,
        ctx: &RequestContext,
    ) -> Result<Vec<AnalysisRecord>, AppError> {
        self.analyst_cohort(
            actor,
            filter,
            "what_works.report",
            ctx,
            |member, interventions| analysis_record(member, catalogue, interventions),
        )
    }

    /// The What Works report on a cohort: every predictor validated overall and by subgroup, and
    /// reoffending by intervention and risk band, small cells suppressed (analysts only, audited).
    pub fn what_works_report(
        &self,
        actor: &Actor,
        filter: &CohortFilter,
        catalogue: Option<&OffenceCatalogue>,
        ctx: &RequestContext,
    ) -> Result<WhatWorksReport, AppError> {
        let rows = self.what_works_cohort(actor, filter, catalogue, ctx)?;
        let records: Vec<CohortRecord> = rows
            .iter()
            .filter_map(AnalysisRecord::cohort_record)
            .collect();
        let shown = |n: usize| {
            let n = n as u64;
            (n >= oasys_what_works::MIN_CELL).then_some(n)
        };
        // The people left out (no complete outcome) are the difference: not a small count either.
        let left_out = rows.len() - records.len();
        let with_outcome = if left_out > 0 && (left_out as u64) < oasys_what_works::MIN_CELL {
            None
        } else {
            shown(records.len())
        };
        Ok(WhatWorksReport {
            filter: filter.clone(),
            selected: shown(rows.len()),
            with_outcome,
            report: analyse(&records, &PREDICTORS, &DIMENSIONS),
        })
    }

    /// The research extract of a cohort: one de-identified row per person with keyed pseudonyms
    /// (analysts only, audited).
    pub fn research_export(
        &self,
        actor: &Actor,
        filter: &CohortFilter,
        catalogue: Option<&OffenceCatalogue>,
        key: &PseudonymKey,
        ctx: &RequestContext,
    ) -> Result<Vec<ResearchRecord>, AppError> {
        self.analyst_cohort(
            actor,
            filter,
            "research.export",
            ctx,
            |member, interventions| ResearchRecord {
                person: pseudonym(key, "person", member.person.id),
                assessment: pseudonym(key, "assessment", member.assessment.header().id),
                record: analysis_record(member, catalogue, interventions),
            },
        )
    }

    /// Asks the policy (analysts only) and audits the decision; then reads the cohort a page at a
    /// time, turning each member and their plans' interventions into a row at once (so only the
    /// rows are held), and audits what was combined: the filter and the number of people.
    fn analyst_cohort<T>(
        &self,
        actor: &Actor,
        filter: &CohortFilter,
        purpose: &str,
        ctx: &RequestContext,
        mut row: impl FnMut(&CohortMember, Vec<InterventionExposure>) -> T,
    ) -> Result<Vec<T>, AppError> {
        self.read_unit(actor, |repos| {
            allow!(self.guard(
                repos,
                actor,
                Action::BuildDeidentifiedDataset,
                &Resource::Organisation,
                ctx
            ));
            let mut out = Vec::new();
            let mut after = None;
            loop {
                let page = repos.cohort_page(filter, after, 500)?;
                for member in &page.members {
                    let interventions = plan_interventions(repos, member)?;
                    out.push(row(member, interventions));
                }
                match page.next {
                    Some(next) => after = Some(next),
                    None => break,
                }
            }
            repos.append(&NewAuditEntry {
                event_id: self.ids.new_id(),
                occurred_at: self.clock.now(),
                actor: actor.id.clone(),
                actor_role: actor.role.code().to_owned(),
                correlation_id: ctx.correlation_id.clone(),
                operation: Operation::Combination,
                action: purpose.to_owned(),
                subject_person: None,
                subject_ref: None,
                recipients: Vec::new(),
                justification: ctx.justification.clone(),
                outcome: AuditOutcome::Allowed,
                details: json!({ "filter": filter, "people": out.len() }),
            })?;
            Ok(Ok(out))
        })
    }
}

/// Stores one record, or says why not (the outer error is a store failure).
fn import_one(
    repos: &dyn Repositories,
    record: &OutcomeRecord,
) -> Result<Result<OutcomeWrite, String>, AppError> {
    let crn = match Crn::parse(record.crn.trim()) {
        Ok(crn) => crn,
        Err(e) => return Ok(Err(format!("crn: {e}"))),
    };
    let Some(person) = repos
        .search_people(&PersonQuery::Crn(crn.clone()), 1)?
        .into_iter()
        .next()
    else {
        return Ok(Err(format!("no person has CRN {}", crn.as_str())));
    };
    let outcome = ReoffendingOutcome {
        person_id: person.id,
        follow_up_start: record.follow_up_start,
        follow_up_end: record.follow_up_end,
        first_reoffence: record.first_reoffence,
        offence_category: record
            .offence_category
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_owned),
        violent: record.violent,
        sexual: record.sexual,
    };
    let problems = outcome.problems();
    if !problems.is_empty() {
        return Ok(Err(problems.join("; ")));
    }
    Ok(Ok(repos.record_outcome(&outcome)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(outcome: Option<CoarseOutcome>) -> AnalysisRecord {
        AnalysisRecord {
            age_band: "25-29".into(),
            sex: Gender::Female,
            ethnicity: None,
            area: Some("North".into()),
            sentence_type: None,
            assessment_month: "2025-03".into(),
            predictor_set: "v4.11".into(),
            scores: vec![PredictorScore {
                predictor: "ogrs3".into(),
                probability: 0.4,
                band: Some("medium".into()),
            }],
            risk_band: "medium".into(),
            outcome,
            interventions: vec![InterventionExposure {
                code: "TSP".into(),
                exposure: Exposure::Started,
            }],
        }
    }

    fn outcome(complete: bool, reoffended: bool) -> CoarseOutcome {
        CoarseOutcome {
            follow_up_start: "2025-04".into(),
            follow_up_end: "2027-04".into(),
            complete,
            reoffended,
            first_reoffence: reoffended.then(|| "2025-09".into()),
            offence_category: None,
            violent: reoffended,
            sexual: false,
        }
    }

    #[test]
    fn only_complete_outcomes_are_validated() {
        assert!(record(None).cohort_record().is_none());
        assert!(
            record(Some(outcome(false, false)))
                .cohort_record()
                .is_none()
        );
        let r = record(Some(outcome(true, true)))
            .cohort_record()
            .expect("complete");
        assert_eq!(r.probabilities, vec![("ogrs3".to_owned(), 0.4)]);
        assert!(r.reoffending.any && r.reoffending.violent && !r.reoffending.sexual);
        assert_eq!(r.band, "medium");
        assert_eq!(r.interventions, vec![("TSP".to_owned(), Exposure::Started)]);
        let label = |d: &str| {
            r.subgroups
                .iter()
                .find(|(k, _)| k == d)
                .map(|(_, v)| v.clone())
        };
        assert_eq!(label("sex").as_deref(), Some("female"));
        assert_eq!(label("ethnicity").as_deref(), Some("not recorded"));
        assert_eq!(label("sentence_type").as_deref(), Some("not recorded"));
        assert_eq!(label("assessment_year").as_deref(), Some("2025"));
        assert_eq!(
            r.subgroups
                .iter()
                .map(|(d, _)| d.as_str())
                .collect::<Vec<_>>(),
            DIMENSIONS
        );
    }

    #[test]
    fn only_a_fully_achieved_intervention_is_completed() {
        let completed: Vec<_> = InterventionProgress::ALL
            .into_iter()
            .filter(|p| exposure_of(*p) == Exposure::Completed)
            .collect();
        assert_eq!(completed, [InterventionProgress::FullyAchieved]);
        assert_eq!(
            exposure_of(InterventionProgress::NotStarted),
            Exposure::NotReceived
        );
        assert_eq!(
            exposure_of(InterventionProgress::NotAchievedOffenderDeclined),
            Exposure::NotReceived
        );
        assert_eq!(
            exposure_of(InterventionProgress::Ongoing),
            Exposure::Started
        );
    }
}
