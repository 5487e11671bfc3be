//! The built-in question sets as a declarative table: section 1, section 2 and the need sections here,
//! ROSH, full analysis, summary and RMP in `rosh.rs`. Version `2026.1` is current; `2025.1` is the earlier layout.

pub(crate) mod needs;
pub(crate) mod rosh;

use crate::question_set::{
    Condition, NeedSectionRule, Question, QuestionSet, Requirement, Section,
};
use crate::vocabulary::{CategorySystem, Vocabulary};

/// Version label of the current built-in question set.
pub const CURRENT_VERSION: &str = "2026.1";
/// Version label of the earlier built-in question set (section 2.2 as one multi-select, 6.7 as one item).
pub const PREVIOUS_VERSION: &str = "2025.1";

/// Text limit for item comments.
pub(crate) const COMMENT: usize = 4_000;
/// Text limit for analysis fields (N.97, FA, SUM, RMP).
pub(crate) const ANALYSIS: usize = 16_000;

pub(crate) const ALL: Requirement = Requirement {
    layer1: true,
    layer3: true,
    standalone: true,
    when: None,
};
pub(crate) const L13: Requirement = Requirement {
    layer1: true,
    layer3: true,
    standalone: false,
    when: None,
};
pub(crate) const L3: Requirement = Requirement {
    layer1: false,
    layer3: true,
    standalone: false,
    when: None,
};
pub(crate) const OPT: Requirement = Requirement {
    layer1: false,
    layer3: false,
    standalone: false,
    when: None,
};

pub(crate) const fn when(condition: Condition) -> Requirement {
    Requirement {
        layer1: false,
        layer3: false,
        standalone: false,
        when: Some(condition),
    }
}

/// Collects questions; each call adds one row of the table.
pub(crate) struct Table {
    section: Section,
    rows: Vec<Question>,
}

impl Table {
    pub(crate) fn section(&mut self, section: Section) {
        self.section = section;
    }

    /// Adds a question (copied forward, not summed) and returns it for adjustments.
    pub(crate) fn q(
        &mut self,
        code: &str,
        label: &str,
        vocabulary: Vocabulary,
        required: Requirement,
    ) -> &mut Question {
        self.rows.push(Question {
            code: code.to_owned(),
            section: self.section,
            label: label.to_owned(),
            vocabulary,
            required,
            summed: false,
            weight: 1,
            copy_forward: true,
        });
        let last = self.rows.len() - 1;
        &mut self.rows[last]
    }

    pub(crate) fn yes_no(
        &mut self,
        code: &str,
        label: &str,
        required: Requirement,
    ) -> &mut Question {
        self.q(code, label, Vocabulary::YesNo, required)
    }

    pub(crate) fn problems(
        &mut self,
        code: &str,
        label: &str,
        required: Requirement,
    ) -> &mut Question {
        self.q(
            code,
            label,
            Vocabulary::Problems {
                missing_allowed: true,
            },
            required,
        )
    }

    pub(crate) fn text(
        &mut self,
        code: &str,
        label: &str,
        max_len: usize,
        required: Requirement,
    ) -> &mut Question {
        self.q(code, label, Vocabulary::Text { max_len }, required)
    }

    pub(crate) fn count(
        &mut self,
        code: &str,
        label: &str,
        max: u32,
        required: Requirement,
    ) -> &mut Question {
        self.q(code, label, Vocabulary::Count { min: 0, max }, required)
    }
}

/// Marks a question as summed into its need-section score.
pub(crate) fn summed(q: &mut Question) {
    q.summed = true;
}

/// Marks a question as not copied forward into a cloned assessment.
pub(crate) fn fresh(q: &mut Question) {
    q.copy_forward = false;
}

pub(crate) fn options(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

fn section1(t: &mut Table) {
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

fn section2(t: &mut Table) {
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

fn rule(
    section: Section,
    thresholds: Option<(u32, u32)>,
    links: Option<(&str, &str)>,
) -> NeedSectionRule {
    NeedSectionRule {
        section,
        threshold: thresholds.map(|t| t.0),
        severe_threshold: thresholds.map(|t| t.1),
        harm_link: links.map(|l| l.0.to_owned()),
        reoffending_link: links.map(|l| l.1.to_owned()),
    }
}

fn need_rules() -> Vec<NeedSectionRule> {
    use Section as S;
    vec![
        rule(S::Accommodation, Some((2, 7)), Some(("3.98", "3.99"))),
        rule(
            S::EducationTrainingEmployability,
            Some((3, 7)),
            Some(("4.96", "4.98")),
        ),
        rule(S::FinancialManagement, None, Some(("5.98", "5.99"))),
        rule(S::Relationships, Some((2, 5)), Some(("6.98", "6.99"))),
        rule(
            S::LifestyleAndAssociates,
            Some((2, 5)),
            Some(("7.98", "7.99")),
        ),
        rule(S::DrugMisuse, Some((2, 8)), Some(("8.98", "8.99"))),
        rule(S::AlcoholMisuse, Some((4, 7)), Some(("9.98", "9.99"))),
        rule(S::EmotionalWellbeing, None, Some(("10.98", "10.99"))),
        rule(
            S::ThinkingAndBehaviour,
            Some((4, 7)),
            Some(("11.98", "11.99")),
        ),
        rule(S::Attitudes, Some((2, 7)), Some(("12.98", "12.99"))),
        rule(S::Health, None, None),
    ]
}

/// Builds the current question set.
pub(crate) fn current() -> QuestionSet {
    let mut t = Table {
        section: Section::OffendingInformation,
        rows: Vec::new(),
    };
    section1(&mut t);
    section2(&mut t);
    needs::sections(&mut t);
    rosh::screening(&mut t);
    rosh::full_analysis(&mut t);
    rosh::summary(&mut t);
    rosh::rmp(&mut t);
    QuestionSet::new(CURRENT_VERSION, t.rows, need_rules())
}

/// Builds the earlier layout: 2.2 one multi-select and 6.7 one Yes/No item instead of the 6.7da items.
pub(crate) fn previous() -> QuestionSet {
    let now = current();
    let mut rows: Vec<Question> = Vec::with_capacity(now.questions.len());
    for q in now.questions {
        if q.code.starts_with("2.2_V2_") || q.code.starts_with("6.7") {
            if q.code == "2.2_V2_WEAPON" {
                let choices = options(&[
                    "weapon",
                    "violence",
                    "excessive_violence",
                    "arson",
                    "physical_damage",
                    "sexual_element",
                    "domestic_abuse",
                ]);
                rows.push(Question {
                    code: "2.2".to_owned(),
                    label: "What was involved".to_owned(),
                    vocabulary: Vocabulary::MultiSelect { options: choices },
                    ..q
                });
            } else if q.code == "6.7da" {
                rows.push(Question {
                    code: "6.7".to_owned(),
                    label: "Evidence of domestic abuse".to_owned(),
                    ..q
                });
            }
        } else {
            rows.push(q);
        }
    }
    QuestionSet::new(PREVIOUS_VERSION, rows, now.need_sections)
}
