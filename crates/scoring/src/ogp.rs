//! OGP v1 (spec §6): the OASys General reoffending Predictor, a 100-point scale combining the
//! OGRS3 two-year percentage with need items, turned into one- and two-year probabilities.

use crate::PredictorInput;
use crate::check::Problems;
use crate::result::{FactorValue, PredictorResult, Reason, ReasonCode, Status};

pub(crate) const MODEL: &str = "ogp/v1";

/// 0/1/2 rating → 0/3/5 points (lifestyle, attitudes).
fn three_five(rating: i64) -> i64 {
    match rating {
        1 => 3,
        2 => 5,
        _ => 0,
    }
}

#[inline(always)]
pub(crate) fn score(
    input: &PredictorInput,
    ogrs3: &PredictorResult,
    explainer: &mut crate::result::Explainer,
) -> PredictorResult {
    let mut p = Problems::default();
    let ogrs3_pct = match (ogrs3.status, ogrs3.percentage_2y) {
        (Status::Calculated, Some(pct)) => Some(pct.hundredths() / 100),
        _ => {
            p.push(Reason::new(
                ReasonCode::ComponentNotCalculable,
                &["ogrs3"],
                "OGP needs the OGRS3 two-year percentage, and OGRS3 is not calculable",
            ));
            None
        }
    };
    let nfa = p.yes_no_item("no_fixed_abode", input.no_fixed_abode, false);
    let unemployed = p.yes_no_item("unemployed", input.unemployed, false);
    let lifestyle = p.rating(
        "activities_encourage_offending",
        input.activities_encourage_offending,
    );
    let drug_use = p.rating("current_drug_misuse", input.current_drug_misuse);
    let drug_motivation = p.rating("drug_misuse_motivation", input.drug_misuse_motivation);
    let solving = p.rating("problem_solving", input.problem_solving);
    let consequences = p.rating("awareness_of_consequences", input.awareness_of_consequences);
    let views = p.rating("understands_others_views", input.understands_others_views);
    let attitudes = p.rating("pro_criminal_attitudes", input.pro_criminal_attitudes);

    let values = (|| {
        Some((
            ogrs3_pct?,
            nfa?,
            unemployed?,
            lifestyle?,
            drug_use? + drug_motivation?,
            solving? + consequences? + views?,
            attitudes?,
        ))
    })();
    let (Some((g, nfa, unemployed, lifestyle, d, t, attitudes)), true) = (values, p.is_empty())
    else {
        return PredictorResult::not_calculable(MODEL, p.into_reasons());
    };

    // round_half_up(0.6·g), round_half_up(3.75·d) and round_half_up(5·t/6), in integers.
    let factors = [
        ("ogrs3_two_year", FactorValue::Integer(g), (6 * g + 5) / 10),
        (
            "accommodation",
            FactorValue::Flag(nfa),
            if nfa { 5 } else { 0 },
        ),
        (
            "employment",
            FactorValue::Flag(unemployed),
            if unemployed { 5 } else { 0 },
        ),
        (
            "lifestyle",
            FactorValue::Integer(lifestyle),
            three_five(lifestyle),
        ),
        ("drug_misuse", FactorValue::Integer(d), (375 * d + 50) / 100),
        (
            "thinking_and_behaviour",
            FactorValue::Integer(t),
            (10 * t + 6) / 12,
        ),
        (
            "attitudes",
            FactorValue::Integer(attitudes),
            three_five(attitudes),
        ),
    ];
    crate::result::PointScale {
        model: MODEL,
        slope: 0.0616,
        constant_1y: -3.6832,
        constant_2y: -3.0795,
        bands: [34, 67, 85],
    }
    .result(factors, explainer)
}
