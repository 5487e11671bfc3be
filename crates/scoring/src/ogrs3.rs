//! OGRS3 (spec §5): the static Offender Group Reconviction Scale, one- and two-year probabilities
//! of any proven reoffending from age, gender, criminal history and offence category.

use crate::check::{HistoryNeeds, Problems, Shared};
use crate::input::Gender;
use crate::numeric::{logistic, percent_whole_via_5dp};
use crate::offence::{Resolved, resolve_ogrs3};
use crate::result::{Band, Explainer, Factor, FactorValue, Percentage, PredictorResult, Status};
use crate::{OffenceCatalogue, PredictorInput};

/// Output key `ogrs3`.
pub(crate) const MODEL: &str = "ogrs3/v1";
const CONSTANT_1Y: f64 = 1.40256;
const CONSTANT_2Y: f64 = 2.1217;
const FIRST_SANCTION: f64 = 0.12614;
const REPEAT_SANCTION: f64 = 0.46306;
const COPAS: f64 = 1.25112;

/// Table 5.2: (lowest age of the bracket, male, female).
const AGE_GENDER: [(i64, f64, f64); 11] = [
    (10, 0.0, -0.785),
    (12, 0.08392, -0.61385),
    (14, 0.07578, -0.66952),
    (16, -0.0616, -0.9592),
    (18, -0.6251, -0.8975),
    (21, -1.0515, -1.0285),
    (25, -1.1667, -1.0528),
    (30, -1.326, -1.1291),
    (35, -1.368, -1.4219),
    (40, -1.4997, -1.5247),
    (50, -2.0253, -2.4498),
];

fn age_gender(gender: Gender, age_fu: i64) -> f64 {
    let row = AGE_GENDER
        .iter()
        .take_while(|(from, _, _)| *from <= age_fu)
        .last()
        .copied()
        .unwrap_or(AGE_GENDER[0]);
    match gender {
        Gender::Male => row.1,
        Gender::Female => row.2,
    }
}

/// Band on the two-year whole percentage (§5.3).
fn band(percentage_2y: i64) -> Band {
    Band::from_bounds(percentage_2y, [50, 75, 90])
}

#[inline(always)]
pub(crate) fn score(
    input: &PredictorInput,
    catalogue: Option<&OffenceCatalogue>,
    shared: &Shared,
    explainer: &mut Explainer,
) -> PredictorResult {
    let mut problems = Problems::default();
    let history = shared.history(
        input,
        HistoryNeeds {
            violent: false,
            assessment: false,
        },
        &mut problems,
    );
    let category = match resolve_ogrs3(input, catalogue) {
        Resolved::Category(c) => Some(c),
        Resolved::Missing => {
            problems.missing("offence_code");
            None
        }
        Resolved::Problem(reason) => {
            problems.push(reason);
            None
        }
    };
    let (Some(h), Some(category), true) = (history, category, problems.is_empty()) else {
        return PredictorResult::not_calculable(MODEL, problems.into_reasons());
    };

    let a = age_gender(h.gender, h.age_fu);
    let s = if h.n == 1 {
        FIRST_SANCTION
    } else {
        REPEAT_SANCTION
    };
    let rate = h.n as f64 / (10 + h.gap) as f64;
    let c = COPAS * rate.ln();
    let o = category.parameter();
    let x = a + s + c + o;
    let (z1, z2) = (x + CONSTANT_1Y, x + CONSTANT_2Y);
    let (p1, p2) = (logistic(z1), logistic(z2));
    let pct2 = percent_whole_via_5dp(p2);

    PredictorResult {
        probability_1y: Some(p1),
        probability_2y: Some(p2),
        percentage_1y: Some(Percentage::Whole(percent_whole_via_5dp(p1))),
        percentage_2y: Some(Percentage::Whole(pct2)),
        band: Some(band(pct2)),
        linear_predictor_1y: Some(z1),
        linear_predictor_2y: Some(z2),
        explanation: explainer.list([
            Factor::new("constant_2y", FactorValue::None, CONSTANT_2Y),
            Factor::new("age_gender", FactorValue::Integer(h.age_fu), a),
            Factor::new("sanction_status", FactorValue::Integer(h.n), s),
            Factor::new("copas_rate", FactorValue::Number(rate), c),
            Factor::new("offence_category", FactorValue::Text(category.key()), o),
        ]),
        ..PredictorResult::empty(Status::Calculated, MODEL)
    }
}
