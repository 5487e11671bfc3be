//! RSR (v1) and CSRP (v4.11), spec §11: the serious-reoffending sum of the violence predictor and
//! the two sexual predictors, plus a constant for women with sexual offending history.

use crate::PredictorInput;
use crate::check::Problems;
use crate::input::Gender;
use crate::numeric::{clamp_hundredths, percent_hundredths};
use crate::result::{
    Band, Factor, FactorValue, Percentage, PredictorResult, Reason, ReasonCode, Status, Variant,
};

/// The female sexual-offender constant, 1/261 (0.38 % displayed).
const FEMALE_CONSTANT: f64 = 1.0 / 261.0;

/// The parts a combined predictor adds up, with the names it reports them under.
pub(crate) struct Components<'a> {
    pub model: &'static str,
    pub violence_key: &'static str,
    pub violence_static: &'a PredictorResult,
    pub violence_dynamic: &'a PredictorResult,
    pub direct_key: &'static str,
    pub direct: &'a PredictorResult,
    pub indirect_key: &'static str,
    pub indirect: &'a PredictorResult,
    /// Lower bounds (hundredths) of medium, high and very high.
    pub bands: [i64; 3],
}

pub(crate) fn score(input: &PredictorInput, c: &Components<'_>) -> PredictorResult {
    let mut p = Problems::default();
    let gender = p.gender(input);
    let history = p.require("sexual_offence_history", &input.sexual_offence_history);

    let use_dynamic = c.violence_dynamic.is_calculated() && !input.force_static.unwrap_or(false);
    let (violence, variant) = if use_dynamic {
        (c.violence_dynamic, Variant::Dynamic)
    } else {
        (c.violence_static, Variant::Static)
    };
    let mut failed = Vec::new();
    if !violence.is_calculated() {
        failed.push(c.violence_key);
    }
    for (key, part) in [(c.direct_key, c.direct), (c.indirect_key, c.indirect)] {
        if part.status == Status::NotCalculable {
            failed.push(key);
        }
    }
    if !failed.is_empty() {
        p.push(Reason::new(
            ReasonCode::ComponentNotCalculable,
            &failed,
            format!("component predictor not calculable: {}", failed.join(", ")),
        ));
    }
    let (Some(gender), Some(history), true) = (gender, history, p.is_empty()) else {
        return PredictorResult::not_calculable(c.model, p.into_reasons());
    };

    let female_sexual = gender == Gender::Female && history;
    let constant = if female_sexual { FEMALE_CONSTANT } else { 0.0 };
    let parts = [
        (c.violence_key, violence, violence.percentage_2y, violence.probability_2y),
        (c.direct_key, c.direct, c.direct.percentage_2y, c.direct.probability_2y),
        (c.indirect_key, c.indirect, c.indirect.percentage_2y, c.indirect.probability_2y),
    ];
    let mut explanation = Vec::with_capacity(4);
    let mut hundredths = 0;
    let mut probability = constant;
    for (key, _, pct, prob) in parts {
        let h = pct.map_or(0, Percentage::hundredths);
        hundredths += h;
        probability += prob.unwrap_or(0.0);
        explanation.push(Factor::new(key, prob.map_or(FactorValue::None, FactorValue::Number), h as f64 / 100.0));
    }
    let constant_hundredths = percent_hundredths(constant);
    hundredths += constant_hundredths;
    explanation.push(Factor::new(
        "female_sexual_offender",
        FactorValue::Flag(female_sexual),
        constant_hundredths as f64 / 100.0,
    ));
    let displayed = clamp_hundredths(hundredths);
    PredictorResult {
        probability_2y: Some(probability),
        percentage_2y: Some(Percentage::Hundredths(displayed)),
        band: Some(Band::from_bounds(displayed, c.bands)),
        violent_variant: Some(variant),
        explanation,
        ..PredictorResult::empty(Status::Calculated, c.model)
    }
}
