//! Sexual reoffending predictors (spec §8): OSP/DC and DC-SRP share the direct-contact points
//! formula, OSP/IIC and IIC-SRP the images-and-indirect-contact hierarchy; generations differ
//! only in validation (decisions D12, D13).

use crate::PredictorInput;
use crate::check::{Problems, dates_after_birth, follow_up};
use crate::input::{Gender, SupervisionStatus};
use crate::numeric::{logistic, percent_hundredths, whole_years};
use crate::result::{
    Band, Explainer, Factor, FactorValue, Percentage, PredictorResult, Reason, ReasonCode, Status,
};

/// The two coefficient-set generations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Generation {
    /// OSP/DC, OSP/IIC (v1).
    V1,
    /// DC-SRP, IIC-SRP (v4.11).
    V411,
}

/// The model version of OSP/DC v1.
pub(crate) const OSP_DC: &str = "osp-dc/v1";
/// The model version of OSP/IIC v1.
pub(crate) const OSP_IIC: &str = "osp-iic/v1";

const COUNT_FIELDS: [&str; 4] = [
    "contact_adult_sexual_sanctions",
    "contact_child_sexual_sanctions",
    "indecent_image_sanctions",
    "non_contact_sexual_sanctions",
];

/// The four sexual sanction counts, in the order of `COUNT_FIELDS`.
fn raw_counts(input: &PredictorInput) -> [Option<i64>; 4] {
    [
        input.contact_adult_sexual_sanctions,
        input.contact_child_sexual_sanctions,
        input.indecent_image_sanctions,
        input.non_contact_sexual_sanctions,
    ]
}

/// Valid counts for an applicable person.
#[derive(Debug, Clone, Copy)]
struct Counts {
    adult: i64,
    child: i64,
    images: i64,
    non_contact: i64,
}

/// Steps 1–4 of §8.1. `Some` is the finished result (not applicable, or not calculable from the
/// applicability checks alone); `None` means the person may be applicable and step 5 follows.
fn applicability(
    input: &PredictorInput,
    model: &'static str,
    p: &mut Problems,
) -> Option<PredictorResult> {
    let gender = p.gender(input);
    let history = input.sexual_offence_history;
    if history.is_none() && gender != Some(Gender::Female) {
        p.missing("sexual_offence_history");
    }
    let counts = raw_counts(input);
    let inconsistent = history == Some(false) && counts.iter().any(|c| c.is_some_and(|c| c > 0));
    if inconsistent {
        let mut fields = vec!["sexual_offence_history"];
        fields.extend(
            COUNT_FIELDS
                .iter()
                .zip(counts)
                .filter(|(_, c)| c.is_some_and(|c| c > 0))
                .map(|(f, _)| *f),
        );
        p.push(Reason::new(
            ReasonCode::SexualCountsInconsistent,
            &fields,
            "sexual_offence_history is No but sexual sanctions are recorded",
        ));
    }
    if gender == Some(Gender::Female) && !inconsistent {
        return Some(PredictorResult::not_applicable(model));
    }
    if history == Some(false) {
        return Some(if p.is_empty() {
            PredictorResult::not_applicable(model)
        } else {
            PredictorResult::not_calculable(model, std::mem::take(p).into_reasons())
        });
    }
    None
}

/// Steps 5–6 shared by all four predictors: the counts and their consistency checks.
fn counts(input: &PredictorInput, generation: Generation, p: &mut Problems) -> Option<Counts> {
    let [adult, child, images, non_contact] = raw_counts(input);
    let [adult_field, child_field, images_field, non_contact_field] = COUNT_FIELDS;
    let values = (
        p.count(adult_field, adult),
        p.count(child_field, child),
        p.count(images_field, images),
        p.count(non_contact_field, non_contact),
    );
    let (Some(adult), Some(child), Some(images), Some(non_contact)) = values else {
        return None;
    };
    let sum = adult
        .saturating_add(child)
        .saturating_add(images)
        .saturating_add(non_contact);
    if sum == 0 {
        p.push(Reason::new(
            ReasonCode::SexualHistoryWithoutSanctions,
            &[
                "sexual_offence_history",
                COUNT_FIELDS[0],
                COUNT_FIELDS[1],
                COUNT_FIELDS[2],
                COUNT_FIELDS[3],
            ],
            "sexual_offence_history is Yes but all four sexual sanction counts are 0",
        ));
    }
    if generation == Generation::V411
        && let Some(total) = input.total_sanctions
        && sum > total
    {
        let mut fields = COUNT_FIELDS.to_vec();
        fields.push("total_sanctions");
        p.push(Reason::new(
            ReasonCode::SexualCountsExceedTotal,
            &fields,
            format!(
                "the sexual sanction counts add up to {sum}, more than total_sanctions ({total})"
            ),
        ));
    }
    Some(Counts {
        adult,
        child,
        images,
        non_contact,
    })
}

fn stepped(count: i64, step: i64) -> i64 {
    count.clamp(0, 3) * step
}

fn age_at_follow_up_points(age: i64) -> i64 {
    match age {
        ..=17 => 14,
        18..=59 => 14 - (age - 18) / 3,
        _ => 0,
    }
}

fn age_at_sexual_sanction_points(age: Option<i64>) -> i64 {
    match age {
        Some(18..) => 10,
        Some(16..=17) => 5,
        _ => 0,
    }
}

/// The v1 result (OSP/DC or OSP/IIC, `model`) read off the v4.11 one of the same formula when
/// that shows it, without scoring again; `None` when v1 must be scored. The generations differ
/// only in validation, v4.11 checking everything v1 does and more (D12, D13), so a v4.11 result
/// that is calculated or not applicable is the v1 result under v1's name. A v4.11 result that is
/// not calculable may have failed on a rule v1 lacks.
pub(crate) fn v1_from_v411(v411: &PredictorResult, model: &'static str) -> Option<PredictorResult> {
    (v411.status != Status::NotCalculable).then(|| PredictorResult {
        model_version: model,
        ..v411.clone()
    })
}

/// OSP/DC (v1) or DC-SRP (v4.11).
#[inline(always)]
pub(crate) fn direct_contact(
    input: &PredictorInput,
    generation: Generation,
    explainer: &mut Explainer,
) -> PredictorResult {
    let model = match generation {
        Generation::V1 => OSP_DC,
        Generation::V411 => "dc-srp/v4.11",
    };
    let mut p = Problems::default();
    if let Some(result) = applicability(input, model, &mut p) {
        return result;
    }
    let counts = counts(input, generation, &mut p);
    let dob = p.require("date_of_birth", &input.date_of_birth);
    let fu = follow_up(input);
    if fu.is_none() {
        p.missing("follow_up_start_date");
    }
    let n = p.total_sanctions(input);
    let supervision = p
        .require_str("supervision_status", &input.supervision_status)
        .and_then(|s| {
            let parsed = SupervisionStatus::parse(s);
            if parsed.is_none() {
                p.push(Reason::new(
                    ReasonCode::InvalidValue,
                    &["supervision_status"],
                    format!("{s:?} is not community, custody or remand"),
                ));
            }
            parsed
        });
    let assessed = p.require("assessment_date", &input.assessment_date);
    let sexual_date = match generation {
        Generation::V1 => input.most_recent_sexual_sanction_date,
        Generation::V411 => p.require(
            "most_recent_sexual_sanction_date",
            &input.most_recent_sexual_sanction_date,
        ),
    };
    let fu_field = if input.follow_up_start_date.is_some() {
        "follow_up_start_date"
    } else {
        "conviction_date"
    };
    let ages = dob.map(|dob| {
        dates_after_birth(
            &mut p,
            dob,
            &[
                (fu_field, fu),
                ("most_recent_sexual_sanction_date", sexual_date),
            ],
        )
    });
    let age_fu = ages.as_ref().and_then(|a| a.get(fu_field));
    let age_sex = ages
        .as_ref()
        .and_then(|a| a.get("most_recent_sexual_sanction_date"));
    let mut too_old = vec![];
    if age_fu.is_some_and(|a| a >= 110) {
        too_old.push(fu_field);
    }
    if age_sex.is_some_and(|a| a >= 110) {
        too_old.push("most_recent_sexual_sanction_date");
    }
    if !too_old.is_empty() {
        too_old.insert(0, "date_of_birth");
        p.push(Reason::new(
            ReasonCode::AgeOutOfRange,
            &too_old,
            "an age at the start of follow-up or at the most recent sexual sanction is 110 or more",
        ));
    }
    if let (Some(f), Some(c)) = (input.follow_up_start_date, input.conviction_date)
        && f < c
    {
        p.push(Reason::new(
            ReasonCode::FollowUpBeforeConviction,
            &["follow_up_start_date", "conviction_date"],
            format!("the start of follow-up ({f}) is before the conviction ({c})"),
        ));
    }
    let (Some(c), Some(n), Some(age_fu), Some(fu), Some(supervision), Some(assessed), true) =
        (counts, n, age_fu, fu, supervision, assessed, p.is_empty())
    else {
        return PredictorResult::not_calculable(model, p.into_reasons());
    };

    let stranger = input.stranger_victim.unwrap_or(false);
    let factors = [
        (
            "contact_adult_sexual_sanctions",
            FactorValue::Integer(c.adult),
            stepped(c.adult, 5),
        ),
        (
            "contact_child_sexual_sanctions",
            FactorValue::Integer(c.child),
            stepped(c.child, 3),
        ),
        (
            "non_contact_sexual_sanctions",
            FactorValue::Integer(c.non_contact),
            stepped(c.non_contact, 2),
        ),
        (
            "age_at_follow_up",
            FactorValue::Integer(age_fu),
            age_at_follow_up_points(age_fu),
        ),
        (
            "age_at_most_recent_sexual_sanction",
            age_sex.map_or(FactorValue::None, FactorValue::Integer),
            age_at_sexual_sanction_points(age_sex),
        ),
        (
            "previous_sanctions",
            FactorValue::Integer(n),
            if n >= 2 { 6 } else { 0 },
        ),
        (
            "stranger_victim",
            FactorValue::Flag(stranger),
            if stranger { 4 } else { 0 },
        ),
    ];
    let points: i64 = factors.iter().map(|f| f.2).sum();
    let z = -8.633 + 0.1598 * points as f64;
    let probability = if points == 0 { 0.0 } else { logistic(z) };

    let band = Band::from_bounds(points, [22, 30, 36]);
    let at_least_five_years = |date: chrono::NaiveDate| whole_years(date, assessed) >= 5;
    let reduced = band != Band::Low
        && supervision != SupervisionStatus::Custody
        && at_least_five_years(fu)
        && input
            .most_recent_offence_date
            .is_none_or(at_least_five_years)
        && sexual_date.is_none_or(at_least_five_years);
    let band = if reduced {
        match band {
            Band::VeryHigh => Band::High,
            Band::High => Band::Medium,
            _ => Band::Low,
        }
    } else {
        band
    };
    PredictorResult {
        probability_2y: Some(probability),
        percentage_2y: Some(Percentage::Hundredths(percent_hundredths(probability))),
        band: Some(band),
        points: Some(points),
        band_reduced: Some(reduced),
        linear_predictor_2y: (points != 0).then_some(z),
        explanation: explainer.list(
            factors
                .into_iter()
                .map(|(f, v, c)| Factor::new(f, v, c as f64)),
        ),
        ..PredictorResult::empty(Status::Calculated, model)
    }
}

/// OSP/IIC (v1) or IIC-SRP (v4.11): the first matching rung of the hierarchy (§8.4).
#[inline(always)]
pub(crate) fn images_and_indirect(
    input: &PredictorInput,
    generation: Generation,
    explainer: &mut Explainer,
) -> PredictorResult {
    let model = match generation {
        Generation::V1 => OSP_IIC,
        Generation::V411 => "iic-srp/v4.11",
    };
    let mut p = Problems::default();
    if let Some(result) = applicability(input, model, &mut p) {
        return result;
    }
    let counts = counts(input, generation, &mut p);
    let (Some(c), true) = (counts, p.is_empty()) else {
        return PredictorResult::not_calculable(model, p.into_reasons());
    };
    let (rung, value, probability, band) = if c.images >= 2 {
        (
            "two_or_more_indecent_image_sanctions",
            c.images,
            0.10310,
            Band::High,
        )
    } else if c.images == 1 {
        (
            "one_indecent_image_sanction",
            c.images,
            0.03328,
            Band::Medium,
        )
    } else if c.child >= 2 {
        (
            "two_or_more_contact_child_sanctions",
            c.child,
            0.00926,
            Band::Low,
        )
    } else if c.child == 1 {
        ("one_contact_child_sanction", c.child, 0.00634, Band::Low)
    } else {
        // Validation guarantees an adult-contact or non-contact sanction here (D4).
        (
            "other_sexual_sanctions",
            c.adult + c.non_contact,
            0.00281,
            Band::Low,
        )
    };
    PredictorResult {
        probability_2y: Some(probability),
        percentage_2y: Some(Percentage::Hundredths(percent_hundredths(probability))),
        band: Some(band),
        explanation: explainer.list([Factor::new(rung, FactorValue::Integer(value), probability)]),
        ..PredictorResult::empty(Status::Calculated, model)
    }
}
