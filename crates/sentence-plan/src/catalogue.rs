//! The interventions catalogue: accredited programmes, structured interventions, services and referrals as
//! reference data (a declarative table, not logic), each with a stable code, what it addresses and who delivers it.

use oasys_assessment_model::{RiskSetting, Section};
use serde::Serialize;

use crate::link::{Link, RiskFactor};

/// What sort of intervention a catalogue entry is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
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
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CatalogueEntry {
    /// Stable code, used by interventions and What Works analysis.
    pub code: &'static str,
    /// Name shown to practitioners.
    pub name: &'static str,
    /// Programme, structured intervention, service or referral.
    pub kind: InterventionKind,
    /// The needs and ROSH factors it addresses.
    pub addresses: &'static [Link],
    /// Who delivers it.
    pub delivered_by: &'static [StepActor],
    /// Where it is offered.
    pub availability: Availability,
    /// Typical time to complete, in weeks, used to propose a target date.
    pub typical_weeks: u16,
}

use InterventionKind::{
    AccreditedProgramme as Programme, Referral, Service, StructuredIntervention,
};
use Link::{Need, Risk};
use RiskFactor as R;
use Section as S;
use StepActor as A;

macro_rules! entry {
    ($code:literal, $name:literal, $kind:expr, [$($link:expr),+], [$($by:expr),+], $avail:ident, $weeks:literal) => {
        CatalogueEntry {
            code: $code,
            name: $name,
            kind: $kind,
            addresses: &[$($link),+],
            delivered_by: &[$($by),+],
            availability: Availability::$avail,
            typical_weeks: $weeks,
        }
    };
}

/// The built-in catalogue, in display order.
pub static CATALOGUE: &[CatalogueEntry] = &[
    // Thinking skills, attitudes, violence.
    entry!(
        "TSP",
        "Thinking Skills Programme",
        Programme,
        [
            Need(S::ThinkingAndBehaviour),
            Need(S::Attitudes),
            Need(S::LifestyleAndAssociates)
        ],
        [A::ProgrammeStaff, A::Person],
        Both,
        12
    ),
    entry!(
        "BC",
        "Building Choices",
        Programme,
        [
            Need(S::ThinkingAndBehaviour),
            Need(S::Attitudes),
            Need(S::Relationships),
            Risk(R::DomesticAbuse)
        ],
        [A::ProgrammeStaff, A::Person],
        Both,
        16
    ),
    entry!(
        "RESOLVE",
        "Resolve (violence)",
        Programme,
        [
            Need(S::ThinkingAndBehaviour),
            Risk(R::RiskToPublic),
            Risk(R::Weapons)
        ],
        [A::ProgrammeStaff, A::Person],
        Both,
        14
    ),
    entry!(
        "KAIZEN",
        "Kaizen (high-risk violence, sexual and domestic abuse)",
        Programme,
        [
            Risk(R::RiskToPublic),
            Risk(R::DomesticAbuse),
            Risk(R::SexualOffending),
            Risk(R::HostileOrientation)
        ],
        [A::ProgrammeStaff, A::Person],
        Custody,
        40
    ),
    entry!(
        "SI-ATB",
        "Structured intervention: attitudes, thinking and behaviours",
        StructuredIntervention,
        [Need(S::Attitudes), Need(S::ThinkingAndBehaviour)],
        [A::ProbationPractitioner, A::Person],
        Community,
        8
    ),
    entry!(
        "SI-EM",
        "Structured intervention: emotional management",
        StructuredIntervention,
        [Need(S::ThinkingAndBehaviour), Need(S::EmotionalWellbeing)],
        [A::ProbationPractitioner, A::Person],
        Community,
        6
    ),
    // Domestic abuse and relationships.
    entry!(
        "BBR",
        "Building Better Relationships",
        Programme,
        [
            Risk(R::DomesticAbuse),
            Need(S::Relationships),
            Risk(R::RiskToKnownAdult)
        ],
        [A::ProgrammeStaff, A::Person],
        Community,
        26
    ),
    entry!(
        "SI-HR",
        "Structured intervention: healthy relationships",
        StructuredIntervention,
        [Need(S::Relationships), Risk(R::DomesticAbuse)],
        [A::ProbationPractitioner, A::Person],
        Community,
        8
    ),
    entry!(
        "DASO",
        "Domestic abuse safety officer: victim safety planning",
        Referral,
        [Risk(R::VictimSafetyPlanning), Risk(R::DomesticAbuse)],
        [A::PartnerAgency],
        Community,
        4
    ),
    entry!(
        "CRS-PW",
        "Personal wellbeing service (family, relationships, lifestyle)",
        Service,
        [
            Need(S::Relationships),
            Need(S::LifestyleAndAssociates),
            Need(S::EmotionalWellbeing)
        ],
        [A::CommissionedProvider, A::Person],
        Community,
        12
    ),
    entry!(
        "STALK",
        "Stalking intervention and specialist consultation",
        StructuredIntervention,
        [Risk(R::Stalking), Risk(R::RiskToKnownAdult)],
        [A::ProbationPractitioner, A::HealthService],
        Both,
        12
    ),
    // Sexual offending.
    entry!(
        "HORIZON",
        "Horizon (sexual offending)",
        Programme,
        [
            Risk(R::SexualOffending),
            Risk(R::OffenceRelatedSexualInterests),
            Risk(R::SexualPreoccupation),
            Risk(R::EmotionalCongruenceWithChildren)
        ],
        [A::ProgrammeStaff, A::Person],
        Both,
        31
    ),
    entry!(
        "IHORIZON",
        "iHorizon (internet sexual offending)",
        Programme,
        [
            Risk(R::SexualOffending),
            Risk(R::OffenceRelatedSexualInterests)
        ],
        [A::ProgrammeStaff, A::Person],
        Community,
        22
    ),
    entry!(
        "BNM+",
        "Becoming New Me+ (learning difficulties)",
        Programme,
        [
            Risk(R::SexualOffending),
            Risk(R::RiskToPublic),
            Need(S::ThinkingAndBehaviour)
        ],
        [A::ProgrammeStaff, A::Person],
        Custody,
        26
    ),
    entry!(
        "MAPS",
        "Maps for Change (one-to-one sexual offending toolkit)",
        StructuredIntervention,
        [
            Risk(R::SexualOffending),
            Risk(R::SexualPreoccupation),
            Risk(R::RiskToChildren)
        ],
        [A::ProbationPractitioner, A::Person],
        Community,
        12
    ),
    entry!(
        "CSC",
        "Children's services safeguarding referral",
        Referral,
        [Risk(R::ChildSafeguarding), Risk(R::RiskToChildren)],
        [A::ProbationPractitioner, A::LocalAuthority],
        Both,
        2
    ),
    // Hate and extremism.
    entry!(
        "IDM",
        "Identity Matters (hate crime)",
        StructuredIntervention,
        [
            Risk(R::HateCrime),
            Risk(R::HostileOrientation),
            Need(S::Attitudes)
        ],
        [A::ProbationPractitioner, A::Person],
        Both,
        13
    ),
    // Substance misuse.
    entry!(
        "DRR",
        "Drug rehabilitation requirement / community drug treatment",
        Service,
        [Need(S::DrugMisuse)],
        [A::HealthService, A::Person],
        Community,
        26
    ),
    entry!(
        "PDT",
        "Prison drug and alcohol treatment service",
        Service,
        [Need(S::DrugMisuse), Need(S::AlcoholMisuse)],
        [A::HealthService, A::Person],
        Custody,
        12
    ),
    entry!(
        "BSR",
        "Building Skills for Recovery",
        Programme,
        [Need(S::DrugMisuse), Need(S::AlcoholMisuse)],
        [A::ProgrammeStaff, A::Person],
        Both,
        12
    ),
    entry!(
        "ATR",
        "Alcohol treatment requirement / community alcohol treatment",
        Service,
        [Need(S::AlcoholMisuse)],
        [A::HealthService, A::Person],
        Community,
        26
    ),
    entry!(
        "CRS-DR",
        "Dependency and recovery service",
        Service,
        [Need(S::DrugMisuse), Need(S::AlcoholMisuse)],
        [A::CommissionedProvider, A::Person],
        Community,
        12
    ),
    // Accommodation.
    entry!(
        "CRS-ACC",
        "Accommodation service",
        Service,
        [Need(S::Accommodation)],
        [A::CommissionedProvider, A::Person],
        Both,
        12
    ),
    entry!(
        "CAS3",
        "Community Accommodation Service tier 3 (temporary accommodation)",
        Referral,
        [Need(S::Accommodation)],
        [A::ProbationPractitioner, A::PartnerAgency],
        Both,
        4
    ),
    entry!(
        "LA-HOUSING",
        "Local authority housing duty-to-refer",
        Referral,
        [Need(S::Accommodation)],
        [A::ProbationPractitioner, A::LocalAuthority],
        Both,
        8
    ),
    entry!(
        "AP",
        "Approved premises referral",
        Referral,
        [Need(S::Accommodation), Risk(R::RiskToPublic)],
        [A::ProbationPractitioner],
        Both,
        4
    ),
    // Education, training and employment.
    entry!(
        "CRS-ETE",
        "Education, training and employment service",
        Service,
        [Need(S::EducationTrainingEmployability)],
        [A::CommissionedProvider, A::Person],
        Both,
        16
    ),
    entry!(
        "DWP",
        "Jobcentre Plus work coach",
        Referral,
        [
            Need(S::EducationTrainingEmployability),
            Need(S::FinancialManagement)
        ],
        [A::PartnerAgency, A::Person],
        Both,
        8
    ),
    entry!(
        "EDU",
        "Education, literacy and numeracy support",
        Service,
        [Need(S::EducationTrainingEmployability)],
        [A::PartnerAgency, A::Person],
        Both,
        12
    ),
    // Finance.
    entry!(
        "CRS-FBD",
        "Finance, benefit and debt service",
        Service,
        [Need(S::FinancialManagement)],
        [A::CommissionedProvider, A::Person],
        Both,
        8
    ),
    // Lifestyle and associates.
    entry!(
        "MENTOR",
        "Peer mentoring",
        Service,
        [Need(S::LifestyleAndAssociates)],
        [A::PartnerAgency, A::Person],
        Community,
        12
    ),
    // Emotional well-being.
    entry!(
        "MHTR",
        "Mental health treatment requirement / mental-health referral",
        Referral,
        [Need(S::EmotionalWellbeing), Risk(R::SelfHarmSuicide)],
        [A::HealthService, A::Person],
        Both,
        12
    ),
    entry!(
        "OPD",
        "Offender personality disorder pathway consultation",
        Referral,
        [
            Need(S::EmotionalWellbeing),
            Need(S::ThinkingAndBehaviour),
            Risk(R::RiskToPublic)
        ],
        [A::ProbationPractitioner, A::HealthService],
        Both,
        8
    ),
    entry!(
        "SAFER-CUSTODY",
        "Safer custody support (coping and vulnerability)",
        Service,
        [
            Risk(R::CopingInCustody),
            Risk(R::Vulnerability),
            Risk(R::SelfHarmSuicide)
        ],
        [A::PrisonOffenderManager, A::HealthService],
        Custody,
        4
    ),
    // Supervision itself, for risk factors without a programme.
    entry!(
        "SUP",
        "Offence-focused one-to-one supervision",
        StructuredIntervention,
        [
            Risk(R::Arson),
            Risk(R::EscapeAbscond),
            Risk(R::RiskToStaff),
            Risk(R::RiskToPrisoners),
            Risk(R::Weapons)
        ],
        [A::ProbationPractitioner, A::PrisonOffenderManager],
        Both,
        12
    ),
];

/// The built-in catalogue.
#[must_use]
pub fn catalogue() -> &'static [CatalogueEntry] {
    CATALOGUE
}

/// The entry with this code.
#[must_use]
pub fn entry(code: &str) -> Option<&'static CatalogueEntry> {
    CATALOGUE.iter().find(|e| e.code == code)
}

/// Entries offered in `setting` that address any of `links`: the most links matched first, then
/// programmes before structured interventions, services and referrals, then catalogue order.
#[must_use]
pub fn suggest(links: &[Link], setting: RiskSetting, limit: usize) -> Vec<&'static CatalogueEntry> {
    let mut found: Vec<(usize, usize, &CatalogueEntry)> = CATALOGUE
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
    use super::*;
    use crate::link::is_need_section;

    #[test]
    fn codes_are_unique_and_links_are_valid() {
        for (i, e) in CATALOGUE.iter().enumerate() {
            assert!(
                CATALOGUE[..i].iter().all(|o| o.code != e.code),
                "{}",
                e.code
            );
            assert!(e.addresses.iter().all(|l| l.is_valid()), "{}", e.code);
            assert!(
                !e.delivered_by.is_empty() && e.typical_weeks > 0,
                "{}",
                e.code
            );
        }
    }

    #[test]
    fn every_need_section_with_links_has_something_in_each_setting() {
        for section in Section::NEEDS.into_iter().filter(|s| *s != Section::Health) {
            assert!(is_need_section(section));
            for setting in RiskSetting::ALL {
                assert!(
                    !suggest(&[Link::Need(section)], setting, 3).is_empty(),
                    "{section} {setting:?}"
                );
            }
        }
    }

    #[test]
    fn covers_the_areas_the_issue_names() {
        let kinds = |link| suggest(&[link], RiskSetting::Community, 10);
        assert!(
            kinds(Risk(R::DomesticAbuse))
                .iter()
                .any(|e| e.code == "BBR")
        );
        assert!(
            kinds(Risk(R::SexualOffending))
                .iter()
                .any(|e| e.code == "HORIZON")
        );
        assert!(
            kinds(Need(S::ThinkingAndBehaviour))
                .iter()
                .any(|e| e.code == "TSP")
        );
        assert!(kinds(Need(S::DrugMisuse)).iter().any(|e| e.code == "DRR"));
        assert!(
            kinds(Need(S::AlcoholMisuse))
                .iter()
                .any(|e| e.code == "ATR")
        );
        assert_eq!(entry("CRS-ACC").map(|e| e.kind), Some(Service));
        assert!(entry("NOPE").is_none());
    }

    #[test]
    fn suggestions_rank_by_links_matched_then_kind_and_respect_setting() {
        let got = suggest(
            &[Need(S::Relationships), Risk(R::DomesticAbuse)],
            RiskSetting::Community,
            3,
        );
        let codes: Vec<&str> = got.iter().map(|e| e.code).collect();
        assert_eq!(codes, vec!["BC", "BBR", "SI-HR"]);
        let custody = suggest(&[Need(S::DrugMisuse)], RiskSetting::Custody, 5);
        assert!(custody.iter().all(|e| e.code != "DRR"));
        assert!(custody.iter().any(|e| e.code == "PDT"));
        assert!(suggest(&[], RiskSetting::Custody, 5).is_empty());
    }
}
