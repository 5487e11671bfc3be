//! Completeness for signing (spec §11.4): everything still missing, per section and reason.
//! Sign refuses while this list is non-empty; LockIncomplete accepts it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::assessment::Assessment;
use crate::offending::Section1Problem;
use crate::purpose::{Layer, PurposeGroup};
use crate::question_set::{Condition, Section};
use crate::rosh::{RiskSetting, matrix_cells, matrix_code};
use crate::vocabulary::{AnswerValue, RiskLevel};

/// Why items are listed as missing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case", deny_unknown_fields)]
pub enum MissingReason {
    /// Mandatory for the layer.
    Mandatory,
    /// Required because 1.30 (sexual offending history) is Yes.
    SexualHistory,
    /// Required because screening triggered a full analysis.
    FullAnalysis,
    /// Risk-matrix cells (Layer 3 always; otherwise when a full analysis is triggered).
    RiskMatrix,
    /// Risk management plan items required because overall ROSH is High or Very High.
    RiskManagementPlan,
    /// A section copied from a previous assessment is not yet confirmed.
    NotConfirmed,
    /// A section 1 cross-field check fails.
    CrossField {
        /// The problem.
        problem: Section1Problem,
    },
    /// There is no sentence plan, or its agreement is still DRAFT (`plan_agreed == Some(false)`).
    PlanNotAgreed,
}

/// Items missing from one section for one reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Missing {
    /// The section.
    pub section: Section,
    /// The item codes involved (empty for a whole-section reason).
    pub codes: Vec<String>,
    /// Why.
    pub why: MissingReason,
}

fn given(a: &Assessment, code: &str) -> bool {
    a.answers.get(code).is_some_and(AnswerValue::is_given)
}

/// Everything missing before the assessment can be signed. `plan_agreed` is the sentence plan's
/// agreement as the service reads it from the stored plan: `Some(false)` when there is no plan or
/// its agreement is DRAFT, `Some(true)` once the person's response is recorded. `None` means not
/// known here (a preview; the model's own tests) and stops nothing, so a service that signs must
/// pass `Some` and never a flag taken from a client (`oasys_app`'s sign path does). It is ignored
/// for risk-only and court purposes and the standalone layer, which need no plan.
#[must_use]
pub fn completeness(assessment: &Assessment, plan_agreed: Option<bool>) -> Vec<Missing> {
    let a = assessment;
    let layer = a.header.layer;
    let fa_required = a.full_analysis().required();
    let rmp_required = a.risk_matrix().overall() >= Some(RiskLevel::High);
    let sexual_history = a.answers.get("1.30").is_some_and(AnswerValue::is_yes);
    let mut grouped: BTreeMap<(Section, u8), Vec<String>> = BTreeMap::new();
    for q in &a.question_set().questions {
        let why = if q.required.for_layer(layer) {
            Some(0)
        } else {
            match q.required.when {
                Some(Condition::SexualHistory) if sexual_history => Some(1),
                Some(Condition::FullAnalysisTriggered) if fa_required => Some(2),
                Some(Condition::RmpRequired) if rmp_required => Some(4),
                _ => None,
            }
        };
        if let Some(why) = why
            && !given(a, &q.code)
        {
            grouped
                .entry((q.section, why))
                .or_default()
                .push(q.code.clone());
        }
    }
    let summary_required = layer == Layer::Layer3Full || fa_required;
    if summary_required {
        let matrix = a.risk_matrix();
        let missing_in = |setting: RiskSetting| -> Vec<String> {
            matrix_cells()
                .filter(|(g, s)| *s == setting && matrix.level(*g, *s).is_none())
                .map(|(g, s)| matrix_code(g, s))
                .collect()
        };
        let (community, custody) = (
            missing_in(RiskSetting::Community),
            missing_in(RiskSetting::Custody),
        );
        let cells = if layer == Layer::Layer3Full {
            [community, custody].concat()
        } else if community.is_empty() || custody.is_empty() {
            Vec::new()
        } else if community.len() <= custody.len() {
            community
        } else {
            custody
        };
        if !cells.is_empty() {
            grouped
                .entry((Section::RoshSummary, 3))
                .or_default()
                .extend(cells);
        }
    }
    let reasons = [
        MissingReason::Mandatory,
        MissingReason::SexualHistory,
        MissingReason::FullAnalysis,
        MissingReason::RiskMatrix,
        MissingReason::RiskManagementPlan,
    ];
    let mut missing: Vec<Missing> = grouped
        .into_iter()
        .map(|((section, why), codes)| Missing {
            section,
            codes,
            why: reasons
                .get(usize::from(why))
                .cloned()
                .unwrap_or(MissingReason::Mandatory),
        })
        .collect();
    missing.extend(a.unconfirmed.iter().map(|s| Missing {
        section: *s,
        codes: Vec::new(),
        why: MissingReason::NotConfirmed,
    }));
    missing.extend(a.section1_problems().into_iter().map(|problem| Missing {
        section: Section::OffendingInformation,
        codes: problem.codes(),
        why: MissingReason::CrossField { problem },
    }));
    let plan_exempt = matches!(
        a.header.purpose.group(),
        PurposeGroup::RiskOnly | PurposeGroup::Court
    ) || layer == Layer::Standalone;
    if plan_agreed == Some(false) && !plan_exempt {
        missing.push(Missing {
            section: Section::SentencePlan,
            codes: Vec::new(),
            why: MissingReason::PlanNotAgreed,
        });
    }
    missing
}
