//! Assessment types (layers), the 31 purposes of assessment with their groups, and court-report templates.
//! Purposes are reference data: a stable snake_case code, the exact OASys label and a group.

use serde::{Deserialize, Serialize};

/// The assessment type / layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Layer {
    /// Layer 1 — Basic: section 1, predictors, ROSH screening.
    Layer1Basic,
    /// Layer 3 — Full: sections 1–13, ROSH, RMP and full sentence plan.
    Layer3Full,
    /// Standalone risk-only assessment.
    Standalone,
}

/// Court-report template the assessment feeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CourtReportTemplate {
    /// Standard delivery report.
    Sdr,
    /// Fast delivery report.
    Fdr,
    /// No court report.
    None,
}

/// How purposes are grouped; groups drive review scheduling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PurposeGroup {
    /// Court reports.
    Court,
    /// Start of sentence.
    StartOfSentence,
    /// Transfers.
    Transfer,
    /// Reviews.
    Review,
    /// Risk-only assessments.
    RiskOnly,
    /// Custody events.
    CustodyEvents,
    /// Approved premises.
    ApprovedPremises,
    /// End of supervision.
    End,
    /// Other purposes.
    Other,
}

macro_rules! purposes {
    ($($variant:ident => ($code:literal, $label:literal, $group:ident, $offset:expr)),* $(,)?) => {
        /// Purpose of an assessment (the 31 OASys purposes). `Other` carries its free text.
        #[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum Purpose {
            $(
                #[doc = $label]
                $variant,
            )*
            /// Other (please specify), with the text given.
            Other(String),
        }

        impl Purpose {
            /// Every purpose with no payload, in OASys order, followed by `Other` with empty text.
            #[must_use]
            pub fn all() -> Vec<Purpose> {
                vec![$(Self::$variant,)* Self::Other(String::new())]
            }

            /// Stable snake_case code.
            #[must_use]
            pub fn code(&self) -> &'static str {
                match self { $(Self::$variant => $code,)* Self::Other(_) => "other" }
            }

            /// Exact OASys label.
            #[must_use]
            pub fn label(&self) -> &'static str {
                match self { $(Self::$variant => $label,)* Self::Other(_) => "Other (please specify)" }
            }

            /// The group this purpose belongs to.
            #[must_use]
            pub fn group(&self) -> PurposeGroup {
                match self { $(Self::$variant => PurposeGroup::$group,)* Self::Other(_) => PurposeGroup::Other }
            }

            /// Days after an event of this purpose by which a review is due, for event-driven purposes.
            #[must_use]
            pub fn review_event_offset_days(&self) -> Option<i64> {
                match self { $(Self::$variant => $offset,)* Self::Other(_) => None }
            }
        }
    };
}

purposes! {
    PsrAddendum => ("psr_addendum", "PSR Addendum", Court, None),
    PsrSdr => ("psr_sdr", "PSR - SDR", Court, None),
    DeferredSentenceReport => ("deferred_sentence_report", "Deferred Sentence Report", Court, None),
    StartOfCommunityOrder => ("start_of_community_order", "Start of Community Order", StartOfSentence, None),
    StartOfSuspendedSentenceOrder => ("start_of_suspended_sentence_order", "Start of Suspended Sentence Order", StartOfSentence, None),
    SsoActivated => ("sso_activated", "SSO Activated", StartOfSentence, Some(14)),
    StartCustody => ("start_custody", "Start custody", StartOfSentence, None),
    StartLicence => ("start_licence", "Start Licence", StartOfSentence, Some(14)),
    StartLicenceYoi => ("start_licence_yoi", "Start licence - YOI", StartOfSentence, Some(14)),
    TransferInFromYot => ("transfer_in_from_yot", "Transfer in from YOT", Transfer, Some(14)),
    TransferInFromNonEnglandWalesCourt => ("transfer_in_from_non_england_wales_court", "Transfer in from non England / Wales Court", Transfer, Some(14)),
    TransferOut => ("transfer_out", "Transfer Out", Transfer, None),
    PreHandover => ("pre_handover", "Pre-handover", Transfer, None),
    Review => ("review", "Review", Review, None),
    FastReview => ("fast_review", "Fast Review", Review, None),
    RiskReview => ("risk_review", "Risk Review", Review, None),
    SignificantChange => ("significant_change", "Significant Change", Review, Some(14)),
    RiskOfHarmAssessment => ("risk_of_harm_assessment", "Risk of Harm Assessment", RiskOnly, None),
    RsrAndRiskAssessmentOnly => ("rsr_and_risk_assessment_only", "RSR and Risk Assessment Only", RiskOnly, None),
    Hdc => ("hdc", "HDC", CustodyEvents, Some(14)),
    Parole => ("parole", "Parole", CustodyEvents, Some(14)),
    PreRelease => ("pre_release", "Pre release", CustodyEvents, None),
    Recall => ("recall", "Recall", CustodyEvents, Some(14)),
    Rotl => ("rotl", "ROTL", CustodyEvents, Some(14)),
    RecategorisationToOpenConditions => ("recategorisation_to_open_conditions", "Re-categorisation to Open Conditions", CustodyEvents, Some(14)),
    HostelAssessment => ("hostel_assessment", "Hostel Assessment", ApprovedPremises, None),
    EndOfLicence => ("end_of_licence", "End of licence", End, Some(14)),
    TerminationOfCommunitySupervision => ("termination_of_community_supervision", "Termination of Community Supervision", End, Some(14)),
    NonStatutory => ("non_statutory", "Non-statutory", Other, None),
    ImpactCohortAssessment => ("impact_cohort_assessment", "Impact Cohort Assessment", Other, None),
}

impl Purpose {
    /// Looks a purpose up by its stable code; `other` gets the given text.
    #[must_use]
    pub fn from_code(code: &str, other_text: &str) -> Option<Self> {
        Self::all()
            .into_iter()
            .find(|p| p.code() == code)
            .map(|p| match p {
                Self::Other(_) => Self::Other(other_text.to_owned()),
                p => p,
            })
    }

    /// Risk-only purposes default to a standalone assessment and need no plan.
    #[must_use]
    pub fn default_layer(&self) -> Layer {
        if self.group() == PurposeGroup::RiskOnly {
            Layer::Standalone
        } else {
            Layer::Layer3Full
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thirty_one_purposes_with_unique_codes_and_group_sizes() {
        let all = Purpose::all();
        assert_eq!(all.len(), 31);
        let mut codes: Vec<_> = all.iter().map(Purpose::code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), 31);
        let count = |g| all.iter().filter(|p| p.group() == g).count();
        assert_eq!(
            [
                count(PurposeGroup::Court),
                count(PurposeGroup::StartOfSentence),
                count(PurposeGroup::Transfer),
                count(PurposeGroup::Review),
                count(PurposeGroup::RiskOnly),
                count(PurposeGroup::CustodyEvents),
                count(PurposeGroup::ApprovedPremises),
                count(PurposeGroup::End),
                count(PurposeGroup::Other),
            ],
            [3, 6, 4, 4, 2, 6, 1, 2, 3]
        );
    }

    #[test]
    fn labels_codes_and_other_text() {
        assert_eq!(Purpose::PsrSdr.label(), "PSR - SDR");
        assert_eq!(
            Purpose::from_code("other", "MAPPA meeting"),
            Some(Purpose::Other("MAPPA meeting".into()))
        );
        assert_eq!(Purpose::from_code("recall", ""), Some(Purpose::Recall));
        assert_eq!(Purpose::from_code("nope", ""), None);
        assert_eq!(
            Purpose::RiskOfHarmAssessment.default_layer(),
            Layer::Standalone
        );
        let json = serde_json::to_string(&Purpose::Other("x".into())).unwrap_or_default();
        assert_eq!(json, r#"{"other":"x"}"#);
    }
}
