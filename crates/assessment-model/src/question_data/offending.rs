//! Question rows of section 1 (offending information, the predictor inputs) and section 2
//! (analysis of offences, with the 2.2 "what was involved" Yes/No items of the current layout).

use super::{ALL, ANALYSIS, COMMENT, L3, L13, OPT, Table, fresh, options, when};
use crate::question_set::{Condition, Section};
use crate::vocabulary::{CategorySystem, Vocabulary};

pub(crate) fn section1(t: &mut Table) {
    use Condition::SexualHistory;
    let sex = when(SexualHistory);
    t.section(Section::OffendingInformation);
    fresh(t.q(
        "OFFENCE.CODE",
        "Current offence: Home Office offence code",
        Vocabulary::OffenceCode,
        OPT,
    ));
    let ogrs3 = Vocabulary::OffenceCategory {
        system: CategorySystem::Ogrs3,
    };
    fresh(t.q(
        "OFFENCE.OGRS3_CATEGORY",
        "Current offence: OGRS3 category chosen directly",
        ogrs3,
        OPT,
    ));
    let rsr = Vocabulary::OffenceCategory {
        system: CategorySystem::Offence,
    };
    fresh(t.q(
        "OFFENCE.CATEGORY",
        "Current offence: offence category chosen directly",
        rsr,
        OPT,
    ));
    fresh(t.q(
        "OFFENCE.DATE",
        "Current offence: date of offence",
        Vocabulary::Date,
        ALL,
    ));
    fresh(t.text(
        "OFFENCE.SENTENCE",
        "Current offence: sentence",
        COMMENT,
        OPT,
    ));
    t.count("1.5", "Court appearances under 18", 999, L13);
    t.count("1.6", "Court appearances aged 18 and over", 999, L13);
    t.count("1.7", "Age at first conviction", 109, L13);
    t.count("1.8", "Age at first sanction", 109, ALL);
    t.count("1.8.1", "Age at first sanction (derived)", 109, OPT);
    t.q(
        "1.8.2",
        "Date of first sanction (derived)",
        Vocabulary::Date,
        OPT,
    );
    t.count(
        "1.24",
        "Previous cautions, reprimands and warnings",
        999,
        L13,
    );
    t.count("1.26", "Previous violent convictions", 999, L13);
    fresh(t.q("1.29", "Date of current conviction", Vocabulary::Date, ALL));
    t.yes_no(
        "1.30",
        "Ever committed a sexual or sexually motivated offence",
        ALL,
    );
    t.yes_no(
        "1.31",
        "Sexual history: contact against a stranger victim",
        sex,
    );
    t.q(
        "1.32",
        "Total sanctions including the current one",
        Vocabulary::Count { min: 1, max: 999 },
        ALL,
    );
    t.q(
        "1.33",
        "Date of most recent sexual sanction",
        Vocabulary::Date,
        sex,
    );
    t.count(
        "1.34",
        "Sanctions for contact sexual offences against adults",
        999,
        sex,
    );
    t.count(
        "1.35",
        "Sanctions for contact sexual offences against children",
        999,
        OPT,
    );
    t.count(
        "1.36",
        "Sanctions for indecent images of children",
        999,
        OPT,
    );
    t.count(
        "1.37",
        "Sanctions for non-contact sexual offences",
        999,
        sex,
    );
    fresh(t.q(
        "1.38",
        "Start of community sentence or earliest possible release",
        Vocabulary::Date,
        ALL,
    ));
    fresh(t.text("1.38.t", "Start of follow-up: audit note", COMMENT, OPT));
    t.yes_no("1.39", "Use static predictors only", OPT);
    t.count("1.40", "Sanctions involving violence", 999, ALL);
    fresh(t.yes_no("1.41", "Current offence sexually motivated", ALL));
    fresh(t.yes_no("1.42", "Current offence against a stranger", L13));
    t.q("1.43", "Date of most recent offence", Vocabulary::Date, sex);
    fresh(t.yes_no(
        "1.44",
        "Current offence: direct contact against a stranger victim",
        ALL,
    ));
    t.count(
        "1.45",
        "Sanctions for direct-contact child sexual offences",
        999,
        sex,
    );
    t.count(
        "1.46",
        "Sanctions for indecent images or indirect child contact",
        999,
        sex,
    );
    t.yes_no("S1.54", "Sexual element in offending from age 16", sex);
}

/// The codes of the section 2.2 "what was involved" Yes/No items of the current layout, with labels.
pub(crate) const INVOLVED: [(&str, &str); 7] = [
    (
        "2.2_V2_WEAPON",
        "Offence involved carrying or using a weapon",
    ),
    (
        "2.2_V2_VIOLENCE",
        "Offence involved violence or threat of violence",
    ),
    (
        "2.2_V2_EXCESSIVE",
        "Offence involved excessive or sadistic violence",
    ),
    ("2.2_V2_ARSON", "Offence involved arson"),
    (
        "2.2_V2_PHYSICAL_DAMAGE",
        "Offence involved physical damage to property",
    ),
    ("2.2_V2_SEXUAL", "Offence had a sexual element"),
    ("2.2_V2_DOM_ABUSE", "Offence involved domestic abuse"),
];

pub(crate) fn section2(t: &mut Table) {
    t.section(Section::OffenceAnalysis);
    fresh(t.text("2.1", "Offence analysis", ANALYSIS, L3));
    for (code, label) in INVOLVED {
        fresh(t.yes_no(code, label, L3));
    }
    fresh(t.text("2.2.t", "Weapon details", COMMENT, OPT));
    let occurred = options(&["violence", "threats", "damage", "theft", "sexual", "other"]);
    fresh(t.q(
        "2.3",
        "What occurred",
        Vocabulary::MultiSelect { options: occurred },
        OPT,
    ));
    fresh(t.text("2.4.1", "Victim information", COMMENT, OPT));
    let relation = options(&[
        "stranger",
        "acquaintance",
        "partner",
        "family",
        "professional",
        "other",
    ]);
    fresh(t.q(
        "2.4.2",
        "Victim–perpetrator relationship",
        Vocabulary::Choice { options: relation },
        OPT,
    ));
    fresh(t.text("2.5", "Impact on the victim", COMMENT, OPT));
    fresh(t.yes_no(
        "2.6",
        "Recognises the impact and consequences of offending",
        L3,
    ));
    fresh(t.yes_no("2.7", "Others involved", L3));
    fresh(t.count("2.7.1", "Number of others involved", 99, OPT));
    fresh(t.yes_no("2.7.2", "Peer influence", OPT));
    fresh(t.text("2.7.3", "Others involved: details", COMMENT, OPT));
    fresh(t.text("2.8", "Motivation for the offence", ANALYSIS, L3));
    let motives = [
        ("2.9.1", "Motivation: sexual"),
        ("2.9.2", "Motivation: financial"),
        ("2.9.3", "Motivation: addiction or perceived needs"),
        ("2.9.4", "Motivation: emotional state"),
        (
            "2.9.5",
            "Motivation: racial or hatred of an identifiable group",
        ),
        ("2.9.6", "Motivation: thrill-seeking"),
        ("2.9.7", "Motivation: other"),
    ];
    for (code, label) in motives {
        fresh(t.yes_no(code, label, L3));
    }
    fresh(t.text("2.9.t", "Motivation: details", COMMENT, OPT));
    let disinhibitors = options(&["alcohol", "drugs", "prescribed_medication", "other"]);
    fresh(t.q(
        "2.10",
        "Disinhibitors",
        Vocabulary::MultiSelect {
            options: disinhibitors,
        },
        OPT,
    ));
    fresh(t.yes_no("2.11", "Accepts responsibility", L3));
    fresh(t.text("2.11.t", "Responsibility: details", COMMENT, OPT));
    t.text("2.12", "Pattern of offending", COMMENT, L3);
    t.yes_no("2.13", "Escalation in seriousness", L3);
    t.yes_no("2.14", "Part of an established pattern", L3);
    fresh(t.yes_no("2.98", "Offence analysis linked to reoffending", L3));
    fresh(t.yes_no(
        "2.99",
        "Offence analysis linked to risk of serious harm",
        L3,
    ));
}
