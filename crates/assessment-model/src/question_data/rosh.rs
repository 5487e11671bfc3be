//! Question rows of ROSH screening (R1–R4), full analysis (FA), the summary with its risk matrix (SUM)
//! and the risk management plan (RM), including the explicit MAPPA category and level.

use super::{ALL, ANALYSIS, COMMENT, OPT, Table, fresh, options, when};
use crate::question_set::{Condition, Requirement, Section};
use crate::rosh::{RiskGroup, RiskSetting};
use crate::vocabulary::Vocabulary;

/// R1.2 serious offences: number and label.
pub(crate) const SERIOUS_OFFENCES: [(u8, &str); 15] = [
    (
        1,
        "murder, attempt, threat or conspiracy to murder, manslaughter",
    ),
    (2, "wounding or GBH (s.18/s.20 OAPA 1861)"),
    (3, "any sexual offence against a child"),
    (4, "rape or serious sexual offence against an adult"),
    (5, "any other offence against a child"),
    (6, "aggravated burglary"),
    (7, "arson"),
    (8, "criminal damage with intent to endanger life"),
    (9, "kidnap or false imprisonment"),
    (10, "firearm with intent to endanger life or resist arrest"),
    (11, "racially motivated or aggravated offence"),
    (12, "robbery"),
    (13, "offence involving weapons"),
    (14, "other offence of similar seriousness"),
    (16, "offence in a custodial setting"),
];

/// R1.3 behaviours: number and label.
pub(crate) const BEHAVIOURS: [(u8, &str); 13] = [
    (1, "assaulted or threatened staff"),
    (2, "assaulted or threatened others"),
    (20, "domestic abuse to partner or family"),
    (4, "serious offence while not taking prescribed medication"),
    (6, "hate-based behaviour"),
    (7, "been assessed as high ROSH"),
    (10, "been a conditionally discharged s.41 MHA patient"),
    (12, "stalked"),
    (13, "obsessive behaviour linked to offending"),
    (15, "offence-related behaviour in custody"),
    (
        16,
        "inappropriate behaviour to staff, visitors or prisoners",
    ),
    (17, "custody links raising ROSH"),
    (21, "perpetrated group-based child sexual exploitation"),
];

/// R1.4 civil and ancillary orders, numbered 1 onwards.
pub(crate) const ORDERS: [&str; 20] = [
    "banning order",
    "child arrangement order",
    "civil injunction",
    "community protection notice",
    "criminal behaviour order",
    "FGM protection order",
    "forced marriage protection order",
    "knife crime prevention order",
    "non-molestation order",
    "occupation order",
    "prohibited steps order",
    "public spaces protection order",
    "restraining order",
    "serious crime prevention order",
    "serious violence reduction order",
    "sexual harm prevention order",
    "sexual risk order",
    "slavery and trafficking prevention or risk order",
    "stalking protection order",
    "violent offender order",
];

/// R3/R4 risks to the person and other risks: item prefix and label.
pub(crate) const CONCERNS: [(&str, &str); 6] = [
    ("R3.1", "suicide"),
    ("R3.2", "self-harm"),
    ("R3.3", "coping in custody or hostel"),
    ("R3.4", "vulnerability"),
    ("R4.1", "escape or abscond"),
    ("R4.6", "control, disruptive behaviour or breach of trust"),
];

/// Code of the rationale for not completing a full analysis.
pub const FULL_ANALYSIS_RATIONALE: &str = "R6.1";

pub(crate) fn screening(t: &mut Table) {
    t.section(Section::RoshScreening);
    for (n, label) in SERIOUS_OFFENCES {
        fresh(t.yes_no(
            &format!("R1.2.{n}.1"),
            &format!("Current offence: {label}"),
            ALL,
        ));
        t.yes_no(
            &format!("R1.2.{n}.2"),
            &format!("Previous offence: {label}"),
            ALL,
        );
    }
    t.text(
        "R1.2.14.t",
        "Other offence of similar seriousness: details",
        COMMENT,
        OPT,
    );
    for (n, label) in BEHAVIOURS {
        t.yes_no(
            &format!("R1.3.{n}"),
            &format!("Has the person ever {label}"),
            ALL,
        );
    }
    t.yes_no("R1.4", "Any civil or ancillary orders", ALL);
    for (i, order) in ORDERS.iter().enumerate() {
        t.yes_no(&format!("R1.4.{}", i + 1), order, OPT);
    }
    for (prefix, label) in CONCERNS {
        t.q(
            &format!("{prefix}.1"),
            &format!("Current concern: {label}"),
            Vocabulary::YesNoDontKnow,
            ALL,
        );
        t.q(
            &format!("{prefix}.2"),
            &format!("Previous concern: {label}"),
            Vocabulary::YesNoDontKnow,
            ALL,
        );
        t.text(
            &format!("{prefix}.t"),
            &format!("Concern about {label}: details"),
            COMMENT,
            OPT,
        );
    }
    fresh(t.text(
        FULL_ANALYSIS_RATIONALE,
        "Rationale for not completing a full analysis",
        ANALYSIS,
        OPT,
    ));
}

pub(crate) fn full_analysis(t: &mut Table) {
    t.section(Section::FullAnalysis);
    let fa = when(Condition::FullAnalysisTriggered);
    let seven = [
        "what",
        "where and when",
        "how",
        "victims",
        "others present",
        "why",
        "sources",
    ];
    for (i, what) in seven.iter().enumerate() {
        fresh(t.text(
            &format!("FA{}", i + 1),
            &format!("Current offence: {what}"),
            ANALYSIS,
            fa,
        ));
        t.text(
            &format!("FA{}", i + 8),
            &format!("Previous behaviour: {what}"),
            ANALYSIS,
            OPT,
        );
    }
    t.yes_no("FA15", "Risk to identifiable children", OPT);
    t.text("FA16", "Children: situation", ANALYSIS, OPT);
    t.text("FA17", "Children: details", ANALYSIS, OPT);
    t.yes_no("FA26", "Child-protection conferences", OPT);
    t.text(
        "FA26.t",
        "Child-protection conferences: details",
        ANALYSIS,
        OPT,
    );
    t.text("FA27", "Local-authority key worker", ANALYSIS, OPT);
    t.text("FA28", "Other agencies involved", ANALYSIS, OPT);
    t.text("FA29", "Children: more information", ANALYSIS, OPT);
    t.q(
        "FA30",
        "Date child-protection issues known",
        Vocabulary::Date,
        OPT,
    );
    t.q(
        "FA302",
        "Date safeguarding issues known",
        Vocabulary::Date,
        OPT,
    );
    t.text("FA31", "Risk of suicide", ANALYSIS, OPT);
    t.text("FA32", "Risk of self-harm", ANALYSIS, OPT);
    t.text("FA33", "Suicide and self-harm combined", ANALYSIS, OPT);
    t.yes_no("FA34", "Open ACCT", OPT);
    t.text("FA35", "ACCT book number", COMMENT, OPT);
    for n in 36..=44 {
        t.text(&format!("FA{n}"), "Self, coping: analysis", ANALYSIS, OPT);
    }
    for (n, label) in [
        (45, "Vulnerability"),
        (47, "Vulnerability"),
        (51, "Escape or abscond"),
        (53, "Escape or abscond"),
    ] {
        t.text(&format!("FA{n}"), label, ANALYSIS, OPT);
    }
    t.yes_no("FA49", "ROSH tick", OPT);
    for (n, label) in [
        (55, "Disruptive behaviour"),
        (56, "Disruptive behaviour"),
        (58, "Breach of trust"),
        (60, "Breach of trust"),
    ] {
        t.text(&format!("FA{n}"), label, ANALYSIS, OPT);
    }
    for n in 61..=67 {
        t.text(&format!("FA{n}"), "Risk analysis", ANALYSIS, OPT);
    }
}

pub(crate) fn summary(t: &mut Table) {
    t.section(Section::RoshSummary);
    let required = Requirement {
        layer3: true,
        when: Some(Condition::FullAnalysisTriggered),
        ..OPT
    };
    for (code, label) in [
        ("SUM1", "Who is at risk"),
        ("SUM2", "Nature of the risk"),
        ("SUM3", "When the risk is likely to be greatest"),
        ("SUM4", "Factors likely to increase the risk"),
        ("SUM5", "Factors likely to reduce the risk"),
    ] {
        t.text(code, label, ANALYSIS, required);
    }
    for (code, label) in [
        ("SUM9", "Analysis"),
        ("SUM10", "Strengths and protective factors"),
        ("SUM11", "Circumstances in which offending is likely"),
    ] {
        t.text(code, label, ANALYSIS, OPT);
    }
    for group in RiskGroup::ALL {
        for setting in RiskSetting::ALL {
            if group.applies_in(setting) {
                let code = crate::rosh::matrix_code(group, setting);
                let label = format!("Risk in {setting:?} to {group:?}");
                // Completeness checks the matrix as a whole; see `completeness`.
                t.q(&code, &label, Vocabulary::RiskLevel, OPT);
            }
        }
    }
}

/// Code of the explicit MAPPA category item.
pub const MAPPA_CATEGORY: &str = "RM.MAPPA.CATEGORY";
/// Code of the explicit MAPPA level item.
pub const MAPPA_LEVEL: &str = "RM.MAPPA.LEVEL";

/// RM1–RM17 registration flags.
pub(crate) const REGISTRATION_FLAGS: [(&str, &str); 18] = [
    ("RM1", "Referred to MAPPA level 2"),
    ("RM2", "Referred to MAPPA level 3"),
    ("RM3", "Should be referred to MAPPA level 2"),
    ("RM4", "Should be referred to MAPPA level 3"),
    ("RM5", "Critical public protection case"),
    ("RM6", "Should be a CPPC now"),
    ("RM7", "Should be a CPPC pre-release"),
    ("RM8", "Required to register as a sex offender"),
    ("RM9", "Registered as a sex offender"),
    ("RM10", "Disqualified from working with children"),
    ("RM11", "Present or previous conviction against a child"),
    ("RM11.13", "Eligible for early allocation"),
    ("RM12", "Ongoing risk to children"),
    ("RM13", "Notify before release"),
    ("RM14", "Public Protection Manual restrictions"),
    ("RM15", "Conditionally discharged patient"),
    ("RM16", "Life licence"),
    ("RM17", "Extended sentence"),
];

pub(crate) fn rmp(t: &mut Table) {
    t.section(Section::RiskManagementPlan);
    for (code, label) in REGISTRATION_FLAGS {
        t.yes_no(code, label, OPT);
    }
    let rmp = when(Condition::RmpRequired);
    let category = Vocabulary::Choice {
        options: options(&["1", "2", "3", "none"]),
    };
    t.q(MAPPA_CATEGORY, "MAPPA category", category, rmp);
    t.q(
        MAPPA_LEVEL,
        "MAPPA level",
        Vocabulary::Choice {
            options: options(&["1", "2", "3"]),
        },
        rmp,
    );
    t.text("RM28.1", "Key current information", ANALYSIS, OPT);
    t.text("RM28", "Further considerations", ANALYSIS, OPT);
    for (code, label) in [
        ("RM30", "Supervision"),
        ("RM31", "Monitoring and control"),
        ("RM32", "Interventions and treatment"),
        ("RM33", "Victim safety planning"),
        ("RM34", "Contingency"),
    ] {
        t.text(code, label, ANALYSIS, rmp);
    }
    t.text("RM35", "Comments", ANALYSIS, OPT);
}
