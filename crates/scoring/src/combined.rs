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

#[inline(always)]
pub(crate) fn score(
    input: &PredictorInput,
    c: &Components<'_>,
    explainer: &mut crate::result::Explainer,
) -> PredictorResult {
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
        (
            c.violence_key,
            violence,
            violence.percentage_2y,
            violence.probability_2y,
        ),
        (
            c.direct_key,
            c.direct,
            c.direct.percentage_2y,
            c.direct.probability_2y,
        ),
        (
            c.indirect_key,
            c.indirect,
            c.indirect.percentage_2y,
            c.indirect.probability_2y,
        ),
    ];
    let mut hundredths = 0;
    let mut probability = constant;
    let [violence_factor, direct_factor, indirect_factor] = parts.map(|(key, _, pct, prob)| {
        let h = pct.map_or(0, Percentage::hundredths);
        hundredths += h;
        probability += prob.unwrap_or(0.0);
        Factor::new(
            key,
            prob.map_or(FactorValue::None, FactorValue::Number),
            h as f64 / 100.0,
        )
    });
    let constant_hundredths = percent_hundredths(constant);
    hundredths += constant_hundredths;
    let explanation = [
        violence_factor,
        direct_factor,
        indirect_factor,
        Factor::new(
            "female_sexual_offender",
            FactorValue::Flag(female_sexual),
            constant_hundredths as f64 / 100.0,
        ),
    ];
    let displayed = clamp_hundredths(hundredths);
    PredictorResult {
        probability_2y: Some(probability),
        percentage_2y: Some(Percentage::Hundredths(displayed)),
        band: Some(Band::from_bounds(displayed, c.bands)),
        violent_variant: Some(variant),
        explanation: explainer.list(explanation),
        ..PredictorResult::empty(Status::Calculated, c.model)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn calculated(model: &'static str, probability: f64) -> PredictorResult {
        PredictorResult {
            probability_2y: Some(probability),
            percentage_2y: Some(Percentage::Hundredths(percent_hundredths(probability))),
            ..PredictorResult::empty(Status::Calculated, model)
        }
    }

    fn rsr(
        input: &PredictorInput,
        snsv: &PredictorResult,
        dc: &PredictorResult,
        iic: &PredictorResult,
    ) -> PredictorResult {
        let not_calculated = PredictorResult::not_calculable("snsv-dynamic/v1", vec![]);
        let mut explainer = crate::result::Explainer::new(true);
        let r = score(
            input,
            &Components {
                model: "rsr/v1",
                violence_key: "snsv",
                violence_static: snsv,
                violence_dynamic: &not_calculated,
                direct_key: "osp_dc",
                direct: dc,
                indirect_key: "osp_iic",
                indirect: iic,
                bands: [300, 690, i64::MAX],
            },
            &mut explainer,
        );
        explainer.finish();
        r
    }

    fn input(gender: &str, history: bool) -> PredictorInput {
        PredictorInput {
            gender: Some(gender.into()),
            sexual_offence_history: Some(history),
            ..Default::default()
        }
    }

    #[test]
    fn rsr_example_1_adds_the_displayed_components() {
        let r = rsr(
            &input("male", true),
            &calculated("snsv", 0.0312312312),
            &calculated("osp-dc", 0.0512312312),
            &calculated("osp-iic", 0.0212312312),
        );
        assert_eq!(r.percentage_2y, Some(Percentage::Hundredths(1036)));
        assert_eq!(r.band, Some(Band::High));
        assert_eq!(r.violent_variant, Some(Variant::Static));
        let sum: f64 = r.explanation.iter().map(|f| f.contribution).sum();
        assert!((sum - 10.36).abs() < 1e-9);
    }

    #[test]
    fn rsr_example_2_adds_the_female_constant() {
        let na = PredictorResult::not_applicable("osp");
        let r = rsr(&input("female", true), &calculated("snsv", 0.1), &na, &na);
        assert_eq!(r.percentage_2y, Some(Percentage::Hundredths(1038)));
        assert_eq!(r.band, Some(Band::High));
        assert!((r.probability_2y.unwrap() - (0.1 + 1.0 / 261.0)).abs() < 1e-12);
    }

    #[test]
    fn csrp_example_3() {
        let na = PredictorResult::not_applicable("srp");
        let not_calculated = PredictorResult::not_calculable("svrp-dynamic/v4.11", vec![]);
        let r = score(
            &input("female", true),
            &Components {
                model: "csrp/v4.11",
                violence_key: "svrp",
                violence_static: &calculated("svrp", 0.001),
                violence_dynamic: &not_calculated,
                direct_key: "dc_srp",
                direct: &na,
                indirect_key: "iic_srp",
                indirect: &na,
                bands: [100, 300, 690],
            },
            &mut crate::result::Explainer::new(true),
        );
        assert_eq!(r.percentage_2y, Some(Percentage::Hundredths(48)));
        assert_eq!(r.band, Some(Band::Low));
    }

    #[test]
    fn a_failed_component_is_named() {
        let failed = PredictorResult::not_calculable("osp-dc/v1", vec![]);
        let r = rsr(
            &input("male", true),
            &calculated("snsv", 0.01),
            &failed,
            &calculated("osp-iic", 0.0),
        );
        assert_eq!(r.status, Status::NotCalculable);
        assert_eq!(r.reasons[0].code, ReasonCode::ComponentNotCalculable);
        assert_eq!(r.reasons[0].fields, vec!["osp_dc"]);
    }
}
