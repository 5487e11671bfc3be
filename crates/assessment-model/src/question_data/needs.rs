//! Question rows of the need sections 3–13: scored items, N.97 analysis and the N.98/N.99 link flags.
//! Which items are summed is marked here; thresholds live in the need-section rules.

use super::{ANALYSIS, COMMENT, L3, OPT, Table, options, summed};
use crate::question_set::Section;
use crate::vocabulary::Vocabulary;

/// Drug names of the 8.2 grid, in OASys order (8.2.1 … 8.2.16).
pub(crate) const DRUGS: [&str; 16] = [
    "heroin",
    "methadone (not prescribed)",
    "other opiates",
    "crack cocaine",
    "powder cocaine",
    "misused prescribed drugs",
    "benzodiazepines",
    "amphetamines",
    "hallucinogens",
    "ecstasy",
    "cannabis",
    "solvents",
    "steroids",
    "other drugs",
    "spice",
    "ketamine",
];

const RESPONSIVITY: [&str; 16] = [
    "health",
    "disability",
    "psychiatric",
    "motivation",
    "learning difficulties",
    "literacy",
    "communication",
    "interpreter",
    "alcohol",
    "drugs",
    "lifestyle",
    "religious or cultural",
    "transport",
    "employment",
    "education",
    "childcare",
];

/// Adds N.97 analysis and, unless `links` is false, the N.98/N.99 flags.
fn closing(t: &mut Table, n: u8, links: bool) {
    let (analysis, harm, reoffending) = if n == 4 { (94, 96, 98) } else { (97, 98, 99) };
    t.text(
        &format!("{n}.{analysis}"),
        "Practitioner analysis",
        ANALYSIS,
        L3,
    );
    if links {
        t.yes_no(
            &format!("{n}.{harm}"),
            "Issues linked to risk of serious harm",
            L3,
        );
        t.yes_no(
            &format!("{n}.{reoffending}"),
            "Issues linked to offending behaviour",
            L3,
        );
    }
}

pub(crate) fn sections(t: &mut Table) {
    t.section(Section::Accommodation);
    summed(t.yes_no(
        "3.3",
        "Currently of no fixed abode or in transient accommodation",
        L3,
    ));
    summed(t.problems("3.4", "Suitability of accommodation", L3));
    summed(t.problems("3.5", "Permanence of accommodation", L3));
    summed(t.problems("3.6", "Suitability of location of accommodation", L3));
    closing(t, 3, true);

    t.section(Section::EducationTrainingEmployability);
    summed(t.yes_no("4.2", "Unemployed or will be on release", L3));
    summed(t.problems("4.3", "Employment history", L3));
    summed(t.problems("4.4", "Work-related skills", L3));
    summed(t.problems("4.5", "Attitude to employment", L3));
    t.problems("4.6", "School attendance", L3);
    t.problems("4.7", "Reading, writing and numeracy", L3);
    t.problems("4.8", "Learning difficulties", L3);
    t.problems("4.9", "Educational or formal vocational qualifications", L3);
    t.problems("4.10", "Attitude to education or training", L3);
    t.count("4.90", "Skills check: literacy score", 999, OPT);
    t.count("4.92", "Skills check: numeracy score", 999, OPT);
    closing(t, 4, true);

    t.section(Section::FinancialManagement);
    t.problems("5.2", "Financial situation", L3);
    t.problems("5.3", "Financial management", L3);
    t.problems("5.4", "Illegal earnings a source of income", L3);
    t.problems("5.5", "Over-reliance on others for financial support", L3);
    t.problems("5.6", "Budgeting", L3);
    closing(t, 5, true);

    t.section(Section::Relationships);
    summed(t.problems("6.1", "Current relationship with close family", L3));
    summed(t.problems("6.3", "Experience of childhood", L3));
    t.problems("6.4", "Current relationship with partner", L3);
    summed(t.problems("6.6", "Previous experience of close relationships", L3));
    t.yes_no(
        "6.7da",
        "Evidence of current or previous domestic abuse",
        L3,
    );
    t.yes_no("6.7.1.1da", "Victim of domestic abuse by a partner", OPT);
    t.yes_no("6.7.1.2da", "Victim of domestic abuse by family", OPT);
    t.yes_no(
        "6.7.2.1da",
        "Perpetrator of domestic abuse against a partner",
        OPT,
    );
    t.yes_no(
        "6.7.2.2da",
        "Perpetrator of domestic abuse against family",
        OPT,
    );
    t.q(
        "6.8",
        "Current relationship status",
        Vocabulary::RelationshipStatus,
        L3,
    );
    t.yes_no("6.9", "Parental responsibilities", L3);
    t.problems("6.10", "Parental problems", OPT);
    t.yes_no("6.11", "Open sexual-offending questions", OPT);
    t.problems("6.12", "Emotional congruence with children", OPT);
    closing(t, 6, true);

    t.section(Section::LifestyleAndAssociates);
    t.problems("7.1", "Community integration", L3);
    summed(t.problems("7.2", "Regular activities encourage offending", L3));
    summed(t.problems("7.3", "Easily influenced by criminal associates", L3));
    t.problems("7.4", "Manipulative or predatory lifestyle", L3);
    summed(t.problems("7.5", "Recklessness and risk-taking", L3));
    closing(t, 7, true);

    t.section(Section::DrugMisuse);
    t.yes_no("8.1", "Drugs ever misused", L3);
    for (i, drug) in DRUGS.iter().enumerate() {
        t.q(
            &format!("8.2.{}.1", i + 1),
            &format!("Current use: {drug}"),
            Vocabulary::Frequency,
            OPT,
        );
    }
    summed(t.problems("8.4", "Current drug noted", L3));
    summed(t.problems("8.5", "Level of use of main drug", L3));
    summed(t.q("8.6", "Ever injected drugs", Vocabulary::Injecting, L3));
    summed(t.problems("8.8", "Motivation to tackle drug misuse", L3));
    summed(t.problems("8.9", "Drugs a major lifestyle activity", L3));
    closing(t, 8, true);

    t.section(Section::AlcoholMisuse);
    summed(t.problems("9.1", "Current use of alcohol a problem", L3));
    t.text("9.1.t", "Current use of alcohol: details", COMMENT, OPT);
    summed(t.problems(
        "9.2",
        "Binge drinking or excessive use in the last six months",
        L3,
    ));
    summed(t.problems(
        "9.3",
        "Frequency and level of alcohol misuse in the past",
        L3,
    ));
    t.problems("9.4", "Violent behaviour related to alcohol", L3);
    summed(t.problems("9.5", "Motivation to tackle alcohol misuse", L3));
    closing(t, 9, true);

    t.section(Section::EmotionalWellbeing);
    for (code, label) in [
        ("10.1", "Difficulties coping"),
        ("10.2", "Current psychological problems"),
        ("10.3", "Social isolation"),
        ("10.4", "Attitude to self"),
        ("10.5", "Self-harm, attempted suicide or suicidal thoughts"),
        ("10.6", "Current psychiatric problems"),
    ] {
        t.problems(code, label, L3);
    }
    // OVP's psychiatric-treatment item (predictors.md §7.1): OASys asks it in section 10, under
    // a number the sources do not confirm, so it carries this local code.
    t.yes_no(
        "10.6.1",
        "Currently receiving psychiatric treatment, or treatment pending",
        OPT,
    );
    t.problems("10.7", "Childhood behavioural problems", L3);
    t.yes_no("10.8", "Specialist report required", L3);
    closing(t, 10, true);

    t.section(Section::ThinkingAndBehaviour);
    let summed_items = ["11.5", "11.6", "11.7", "11.9"];
    for (code, label) in [
        ("11.1", "Interpersonal skills"),
        ("11.2", "Impulsivity"),
        ("11.3", "Aggressive or controlling behaviour"),
        ("11.4", "Temper control"),
        ("11.5", "Ability to recognise problems"),
        ("11.6", "Problem-solving skills"),
        ("11.7", "Awareness of consequences"),
        ("11.8", "Achieves goals"),
        ("11.9", "Understands other people's views"),
        ("11.10", "Concrete or abstract thinking"),
    ] {
        let q = t.problems(code, label, L3);
        q.summed = summed_items.contains(&code);
    }
    t.problems("11.11", "Sexual preoccupation", OPT);
    t.problems("11.12", "Offence-related sexual interests", OPT);
    closing(t, 11, true);

    t.section(Section::Attitudes);
    let summed_items = ["12.1", "12.4", "12.5", "12.8"];
    for (code, label) in [
        ("12.1", "Pro-criminal attitudes"),
        ("12.3", "Attitude towards staff"),
        ("12.4", "Attitude towards supervision or licence"),
        ("12.5", "Attitude towards community or society"),
        ("12.6", "Understands own motivation for offending"),
        ("12.8", "Motivation to address offending behaviour"),
        ("12.9", "Hostile orientation"),
    ] {
        let q = t.problems(code, label, L3);
        q.summed = summed_items.contains(&code);
    }
    closing(t, 12, true);

    t.section(Section::Health);
    t.problems("13.1", "General health", L3);
    t.text("13.1.t", "General health: details", COMMENT, OPT);
    t.yes_no("13.2.1", "Suitable for electronic monitoring", OPT);
    t.yes_no("13.2.2", "Electronic monitoring: issues identified", OPT);
    let settings = options(&["community", "electronic monitoring", "programme"]);
    for (k, factor) in RESPONSIVITY.iter().enumerate() {
        for (s, setting) in settings.iter().enumerate() {
            let code = format!("13.3.{}.{}", k + 1, s + 1);
            t.yes_no(&code, &format!("Responsivity ({setting}): {factor}"), OPT);
        }
    }
    t.yes_no(
        "13.4",
        "Understands the importance of completing a programme",
        L3,
    );
    closing(t, 13, false);
}
