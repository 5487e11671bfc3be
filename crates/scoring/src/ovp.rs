//! OVP v1 (spec §7): the OASys Violence Predictor, points from static and dynamic items turned
//! into one- and two-year probabilities of proven violent reoffending.

use crate::PredictorInput;
use crate::check::{Problems, dates_after_birth, follow_up};
use crate::input::Gender;
use crate::result::{FactorValue, PredictorResult, Reason, ReasonCode};

pub(crate) const MODEL: &str = "ovp/v1";

/// Points for 0..=17 violent sanctions; 18 or more score 25.
const VIOLENT_POINTS: [i64; 18] = [
    0, 4, 7, 9, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24,
];

fn violent_points(nv: i64) -> i64 {
    usize::try_from(nv)
        .ok()
        .and_then(|i| VIOLENT_POINTS.get(i).copied())
        .unwrap_or(25)
}

fn non_violent_points(count: i64) -> i64 {
    match count {
        ..=2 => 0,
        3..=4 => 2,
        5..=10 => 3,
        11..=20 => 4,
        _ => 5,
    }
}

fn age_points(age: i64) -> i64 {
    match age {
        ..=19 => 20,
        20..=21 => 17,
        22..=23 => 14,
        24..=25 => 12,
        26..=30 => 10,
        31..=35 => 8,
        36..=40 => 6,
        41..=45 => 4,
        46..=50 => 2,
        _ => 0,
    }
}

#[inline(always)]
pub(crate) fn score(
    input: &PredictorInput,
    explainer: &mut crate::result::Explainer,
) -> PredictorResult {
    let mut p = Problems::default();
    let gender = p.gender(input);
    let dob = p.require("date_of_birth", &input.date_of_birth);
    let n = p.total_sanctions(input);
    let nv = p.count("violent_sanctions", input.violent_sanctions);
    let fu = follow_up(input);
    if fu.is_none() {
        p.missing("follow_up_start_date");
    }
    if let (Some(n), Some(nv)) = (input.total_sanctions, input.violent_sanctions)
        && nv > n
        && nv >= 0
    {
        p.push(Reason::new(
            ReasonCode::ViolentSanctionsOutOfRange,
            &["violent_sanctions", "total_sanctions"],
            format!("violent_sanctions ({nv}) is greater than total_sanctions ({n})"),
        ));
    }
    let fu_field = if input.follow_up_start_date.is_some() {
        "follow_up_start_date"
    } else {
        "conviction_date"
    };
    let age_fu =
        dob.and_then(|dob| dates_after_birth(&mut p, dob, &[(fu_field, fu)]).get(fu_field));
    if let Some(age) = age_fu {
        if age >= 110 {
            p.push(Reason::new(
                ReasonCode::AgeOutOfRange,
                &["date_of_birth", fu_field],
                format!("age at the start of follow-up is {age}"),
            ));
        } else if age < 18 {
            p.push(Reason::new(
                ReasonCode::AgeUnder18,
                &["date_of_birth", fu_field],
                format!("OVP applies from age 18; age at the start of follow-up is {age}"),
            ));
        }
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
    let impact = p.require("recognises_impact", &input.recognises_impact);
    let nfa = p.yes_no_item("no_fixed_abode", input.no_fixed_abode, false);
    let unemployed = p.yes_no_item("unemployed", input.unemployed, false);
    let alcohol_use = p.rating("alcohol_current_use", input.alcohol_current_use);
    let binge = p.rating("alcohol_binge", input.alcohol_binge);
    let psychiatric = p.require("psychiatric_treatment", &input.psychiatric_treatment);
    let temper = p.rating("temper_control", input.temper_control);
    let attitudes = p.rating("pro_criminal_attitudes", input.pro_criminal_attitudes);

    let values = (|| {
        Some((
            gender?,
            n?,
            nv?,
            age_fu?,
            impact?,
            nfa?,
            unemployed?,
            alcohol_use? + binge?,
            psychiatric?,
            temper?,
            attitudes?,
        ))
    })();
    let (
        Some((gender, n, nv, age_fu, impact, nfa, unemployed, a, psychiatric, temper, attitudes)),
        true,
    ) = (values, p.is_empty())
    else {
        return PredictorResult::not_calculable(MODEL, p.into_reasons());
    };
    let yes = |flag: bool, points: i64| if flag { points } else { 0 };
    let factors = [
        ("any_sanction", FactorValue::Integer(n), 5),
        (
            "violent_sanctions",
            FactorValue::Integer(nv),
            violent_points(nv),
        ),
        (
            "non_violent_sanctions",
            FactorValue::Integer(n - nv),
            non_violent_points(n - nv),
        ),
        (
            "age_at_follow_up",
            FactorValue::Integer(age_fu),
            age_points(age_fu),
        ),
        (
            "gender",
            FactorValue::Text(if gender == Gender::Male {
                "male"
            } else {
                "female"
            }),
            yes(gender == Gender::Male, 5),
        ),
        (
            "recognises_impact",
            FactorValue::Flag(impact),
            yes(!impact, 4),
        ),
        ("no_fixed_abode", FactorValue::Flag(nfa), yes(nfa, 4)),
        (
            "unemployed",
            FactorValue::Flag(unemployed),
            yes(unemployed, 4),
        ),
        ("alcohol", FactorValue::Integer(a), (5 * a + 1) / 2),
        (
            "psychiatric_treatment",
            FactorValue::Flag(psychiatric),
            yes(psychiatric, 4),
        ),
        ("temper_control", FactorValue::Integer(temper), 3 * temper),
        (
            "pro_criminal_attitudes",
            FactorValue::Integer(attitudes),
            3 * attitudes,
        ),
    ];
    crate::result::PointScale {
        model: MODEL,
        slope: 0.0722,
        constant_1y: -4.5215,
        constant_2y: -3.8773,
        bands: [30, 60, 80],
    }
    .result(factors, explainer)
}
