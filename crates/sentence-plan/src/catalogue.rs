//! The interventions catalogue: accredited programmes, structured interventions, services and referrals as
//! reference data (embedded `data/catalogue.json`), each with a stable code, what it addresses and who delivers it.

use std::sync::LazyLock;

use oasys_assessment_model::RiskSetting;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::link::Link;

/// What sort of intervention a catalogue entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InterventionKind {
    /// An accredited offending-behaviour programme.
    AccreditedProgramme,
    /// A structured intervention (toolkit or short group work).
    StructuredIntervention,
    /// A commissioned or partner service.
    Service,
    /// A referral to another agency or a specialist assessment.
    Referral,
}

/// Who does the work of a step (spec §9 "actors").
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepActor {
    /// The person on probation or in custody.
    Person,
    /// The probation practitioner.
    ProbationPractitioner,
    /// The prison offender manager.
    PrisonOffenderManager,
    /// Accredited-programme or interventions staff.
    ProgrammeStaff,
    /// A commissioned rehabilitative services provider.
    CommissionedProvider,
    /// A health service (NHS, substance-misuse or mental-health treatment).
    HealthService,
    /// The local authority (housing, children's services).
    LocalAuthority,
    /// A partner agency (police, DWP, voluntary sector).
    PartnerAgency,
    /// Someone else, named in the step's text.
    SomeoneElse,
}

/// Where an entry is offered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Availability {
    /// In the community only.
    Community,
    /// In custody only.
    Custody,
    /// In both settings.
    Both,
}

impl Availability {
    /// Whether the entry is offered in this setting.
    #[must_use]
    pub fn offered_in(self, setting: RiskSetting) -> bool {
        matches!(
            (self, setting),
            (Self::Both, _)
                | (Self::Community, RiskSetting::Community)
                | (Self::Custody, RiskSetting::Custody)
        )
    }
}

/// One catalogue entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogueEntry {
    /// Stable code, used by interventions and What Works analysis.
    pub code: String,
    /// Name shown to practitioners.
    pub name: String,
    /// Programme, structured intervention, service or referral.
    pub kind: InterventionKind,
    /// The needs and ROSH factors it addresses.
    pub addresses: Vec<Link>,
    /// Who delivers it.
    pub delivered_by: Vec<StepActor>,
    /// Where it is offered.
    pub availability: Availability,
    /// Typical time to complete, in weeks, used to propose a target date.
    pub typical_weeks: u16,
}

/// Why a catalogue document was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CatalogueError {
    /// The document is not a list of entries.
    #[error("the catalogue is not valid: {reason}")]
    Malformed {
        /// What the parser said.
        reason: String,
    },
    /// Two entries share a code.
    #[error("intervention code {code} is used more than once")]
    DuplicateCode {
        /// The code.
        code: String,
    },
    /// An entry names a section that is not a need.
    #[error("intervention {code} addresses {link}, which is not a need or risk factor")]
    UnknownNeed {
        /// The entry.
        code: String,
        /// The link.
        link: Link,
    },
    /// An entry has no deliverer or no duration.
    #[error("intervention {code} must say who delivers it and how many weeks it takes")]
    Incomplete {
        /// The entry.
        code: String,
    },
}

/// Reads and checks a catalogue document (a JSON list of entries); returns every problem.
pub fn load_catalogue(json: &str) -> Result<Vec<CatalogueEntry>, Vec<CatalogueError>> {
    let entries: Vec<CatalogueEntry> = serde_json::from_str(json).map_err(|e| {
        vec![CatalogueError::Malformed {
            reason: e.to_string(),
        }]
    })?;
    let mut problems = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        if entries[..i].iter().any(|o| o.code == e.code) {
            problems.push(CatalogueError::DuplicateCode {
                code: e.code.clone(),
            });
        }
        for link in e.addresses.iter().filter(|l| !l.is_valid()) {
            problems.push(CatalogueError::UnknownNeed {
                code: e.code.clone(),
                link: *link,
            });
        }
        if e.delivered_by.is_empty() || e.typical_weeks == 0 || e.addresses.is_empty() {
            problems.push(CatalogueError::Incomplete {
                code: e.code.clone(),
            });
        }
    }
    if problems.is_empty() {
        Ok(entries)
    } else {
        Err(problems)
    }
}

/// The built-in catalogue document.
pub const CATALOGUE_JSON: &str = include_str!("data/catalogue.json");

static CATALOGUE: LazyLock<Vec<CatalogueEntry>> =
    LazyLock::new(|| load_catalogue(CATALOGUE_JSON).unwrap_or_default());

/// The built-in catalogue (checked by the crate's tests to load without problems).
#[must_use]
pub fn catalogue() -> &'static [CatalogueEntry] {
    &CATALOGUE
}

/// The built-in entry with this code.
#[must_use]
pub fn entry(code: &str) -> Option<&'static CatalogueEntry> {
    catalogue().iter().find(|e| e.code == code)
}

/// Built-in entries offered in `setting` that address any of `links` (see [`suggest_in`]).
#[must_use]
pub fn suggest(links: &[Link], setting: RiskSetting, limit: usize) -> Vec<&'static CatalogueEntry> {
    suggest_in(catalogue(), links, setting, limit)
}

/// Entries of `entries` offered in `setting` that address any of `links`: the most links matched first,
/// then programmes before structured interventions, services and referrals, then catalogue order.
#[must_use]
pub fn suggest_in<'a>(
    entries: &'a [CatalogueEntry],
    links: &[Link],
    setting: RiskSetting,
    limit: usize,
) -> Vec<&'a CatalogueEntry> {
    let mut found: Vec<(usize, usize, &CatalogueEntry)> = entries
        .iter()
        .enumerate()
        .filter(|(_, e)| e.availability.offered_in(setting))
        .map(|(i, e)| {
            (
                e.addresses.iter().filter(|a| links.contains(a)).count(),
                i,
                e,
            )
        })
        .filter(|(matched, _, _)| *matched > 0)
        .collect();
    found.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then(a.2.kind.cmp(&b.2.kind))
            .then(a.1.cmp(&b.1))
    });
    found.into_iter().take(limit).map(|(_, _, e)| e).collect()
}

#[cfg(test)]
mod tests {
    use oasys_assessment_model::Section as S;

    use super::*;
    use crate::link::RiskFactor as R;
    use Link::{Need, Risk};

    #[test]
    fn the_built_in_catalogue_loads_without_problems() {
        let loaded = load_catalogue(CATALOGUE_JSON);
        assert_eq!(loaded.as_ref().map(Vec::len), Ok(35), "{loaded:?}");
        assert_eq!(catalogue().len(), 35);
    }

    #[test]
    fn a_bad_catalogue_lists_every_problem() {
        let json = r#"[
            {"code": "X", "name": "x", "kind": "service", "addresses": [{"need": "offence_analysis"}],
             "delivered_by": [], "availability": "both", "typical_weeks": 1},
            {"code": "X", "name": "y", "kind": "referral", "addresses": [{"risk": "arson"}],
             "delivered_by": ["person"], "availability": "custody", "typical_weeks": 2}
        ]"#;
        let problems = load_catalogue(json).err().unwrap_or_default();
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(matches!(
            load_catalogue("{").err().as_deref(),
            Some([CatalogueError::Malformed { .. }])
        ));
    }

    #[test]
    fn every_need_section_with_links_has_something_in_each_setting() {
        for section in S::NEEDS.into_iter().filter(|s| *s != S::Health) {
            for setting in RiskSetting::ALL {
                assert!(
                    !suggest(&[Need(section)], setting, 3).is_empty(),
                    "{section} {setting:?}"
                );
            }
        }
    }

    #[test]
    fn covers_the_areas_the_issue_names() {
        let codes = |link| -> Vec<String> {
            suggest(&[link], RiskSetting::Community, 10)
                .into_iter()
                .map(|e| e.code.clone())
                .collect()
        };
        assert!(codes(Risk(R::DomesticAbuse)).contains(&"BBR".to_owned()));
        assert!(codes(Risk(R::SexualOffending)).contains(&"HORIZON".to_owned()));
        assert!(codes(Need(S::ThinkingAndBehaviour)).contains(&"TSP".to_owned()));
        assert!(codes(Need(S::DrugMisuse)).contains(&"DRR".to_owned()));
        assert!(codes(Need(S::AlcoholMisuse)).contains(&"ATR".to_owned()));
        assert!(codes(Need(S::EducationTrainingEmployability)).contains(&"CRS-ETE".to_owned()));
        assert_eq!(
            entry("CRS-ACC").map(|e| e.kind),
            Some(InterventionKind::Service)
        );
        assert!(entry("NOPE").is_none());
    }

    #[test]
    fn suggestions_rank_by_links_matched_then_kind_and_respect_setting() {
        let got = suggest(
            &[Need(S::Relationships), Risk(R::DomesticAbuse)],
            RiskSetting::Community,
            3,
        );
        let codes: Vec<&str> = got.iter().map(|e| e.code.as_str()).collect();
        assert_eq!(codes, vec!["BC", "BBR", "SI-HR"]);
        let custody = suggest(&[Need(S::DrugMisuse)], RiskSetting::Custody, 5);
        assert!(custody.iter().all(|e| e.code != "DRR"));
        assert!(custody.iter().any(|e| e.code == "PDT"));
        assert!(suggest(&[], RiskSetting::Custody, 5).is_empty());
    }
}
