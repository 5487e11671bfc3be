//! Draft plan generation: one objective per identified need and per section flagged N.98/N.99,
//! harm-linked first, with interventions proposed from the catalogue; no date before the assessment date.

use chrono::NaiveDate;
use oasys_assessment_model::{Assessment, RiskSetting, Section, SectionScore, Severity};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::catalogue::suggest;
use crate::indicators::{IndicatorKind, indicators};
use crate::intervention::{Intervention, NewIntervention, Timescale};
use crate::link::{Link, RiskFactor};
use crate::objective::{NewObjective, Objective, objective_title};
use crate::plan::{NewPlan, PlanError, PlanType, SentencePlan};

/// How to draft a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DraftOptions {
    /// Plan id (passed in).
    pub plan_id: Uuid,
    /// Plan type, usually Initial.
    pub plan_type: PlanType,
    /// Today; the plan date is today or the assessment date, whichever is later.
    pub today: NaiveDate,
    /// Where the person is, to choose interventions offered there.
    pub setting: RiskSetting,
    /// At most this many interventions proposed per objective.
    pub interventions_per_objective: usize,
}

/// Why a section got an objective.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    /// N.98: linked to risk of serious harm.
    LinkedToHarm,
    /// N.99: linked to reoffending.
    LinkedToReoffending,
    /// Score at or over the threshold, not flagged.
    IdentifiedNeed,
}

/// The sections a draft addresses, in priority order: harm-linked first, then reoffending-linked, then
/// other identified needs; within a group severe needs first, then section order.
#[must_use]
pub fn draft_sections(assessment: &Assessment) -> Vec<(SectionScore, Priority)> {
    let mut chosen: Vec<(SectionScore, Priority)> = assessment
        .section_scores()
        .into_iter()
        .filter_map(|s| {
            let priority = if s.linked_to_harm == Some(true) {
                Priority::LinkedToHarm
            } else if s.linked_to_reoffending == Some(true) {
                Priority::LinkedToReoffending
            } else if s.identified_need == Some(true) {
                Priority::IdentifiedNeed
            } else {
                return None;
            };
            Some((s, priority))
        })
        .collect();
    chosen.sort_by_key(|(s, p)| (*p, std::cmp::Reverse(s.severity == Some(Severity::Severe))));
    chosen
}

/// ROSH factors an objective for `section` also addresses, from the specialist indicators.
fn factors_for(section: Section, raised: &[IndicatorKind]) -> Vec<RiskFactor> {
    let has = |k| raised.contains(&k);
    let mut factors = Vec::new();
    match section {
        Section::Relationships
            if has(IndicatorKind::Sara) || has(IndicatorKind::PoliceDomesticAbuseEnquiry) =>
        {
            factors.push(RiskFactor::DomesticAbuse);
        }
        Section::ThinkingAndBehaviour if has(IndicatorKind::SexualOffending) => {
            factors.push(RiskFactor::SexualOffending);
        }
        Section::EmotionalWellbeing if has(IndicatorKind::Acct) => {
            factors.push(RiskFactor::SelfHarmSuicide);
        }
        _ => {}
    }
    if has(IndicatorKind::ChildSafeguarding) && section == Section::Relationships {
        factors.push(RiskFactor::ChildSafeguarding);
    }
    factors
}

fn reason(score: &SectionScore, priority: Priority) -> String {
    let mut parts = Vec::new();
    if let (Some(s), Some(t)) = (score.score, score.threshold)
        && score.identified_need == Some(true)
    {
        parts.push(format!("identified need (score {s}, threshold {t})"));
    }
    if score.linked_to_harm == Some(true) {
        parts.push("linked to risk of serious harm".to_owned());
    }
    if score.linked_to_reoffending == Some(true) {
        parts.push("linked to reoffending".to_owned());
    }
    if parts.is_empty() {
        parts.push(format!("{priority:?}"));
    }
    format!("Proposed from the assessment: {}.", parts.join("; "))
}

/// Drafts an unsigned plan from an assessment. Ids for objectives and steps come from `ids`.
/// Every date in the plan is on or after the assessment date.
pub fn draft_plan(
    assessment: &Assessment,
    options: &DraftOptions,
    ids: &mut dyn FnMut() -> Uuid,
) -> Result<SentencePlan, PlanError> {
    let assessment_date = assessment.header().assessment_date;
    let created = options.today.max(assessment_date);
    let mut plan = SentencePlan::new(NewPlan {
        created,
        ..NewPlan::for_assessment(options.plan_id, options.plan_type, assessment, created)
    })?;
    let raised: Vec<IndicatorKind> = indicators(assessment, options.setting)
        .into_iter()
        .map(|i| i.kind)
        .collect();
    for (score, priority) in draft_sections(assessment) {
        let need = Link::Need(score.section);
        let mut links = vec![need];
        links.extend(
            factors_for(score.section, &raised)
                .into_iter()
                .map(Link::Risk),
        );
        let proposals = suggest(&links, options.setting, options.interventions_per_objective);
        let objective = Objective::create(
            NewObjective {
                id: ids(),
                title: objective_title(need).to_owned(),
                text: reason(&score, priority),
                links: links.clone(),
                measure: format!(
                    "steps completed; section {} reassessed at review",
                    score.section.number().unwrap_or_default()
                ),
                target_date: None,
            },
            created,
            created,
        );
        let Ok(mut objective) = objective else {
            continue;
        };
        for entry in proposals {
            let step = Intervention::create(
                NewIntervention {
                    id: ids(),
                    catalogue_code: Some(entry.code.to_owned()),
                    text: entry.name.to_owned(),
                    actors: entry.delivered_by.to_vec(),
                    timescale: Timescale::WithinWeeks(entry.typical_weeks),
                },
                created,
                created,
            );
            if let Ok(step) = step {
                objective.interventions.push(step);
            }
        }
        objective.target_date = objective
            .interventions
            .iter()
            .filter_map(Intervention::target_date)
            .max();
        plan.objectives.push(objective);
    }
    Ok(plan)
}
