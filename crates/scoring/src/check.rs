//! Input checks shared by the predictors: a collector that gathers every failed rule (spec §4.4)
//! and the common criminal-history rules H1–H8 (§4.5) with the derived ages and months (§4.3).

use chrono::NaiveDate;

use crate::PredictorInput;
use crate::input::Gender;
use crate::numeric::{plus_three_months, whole_months, whole_years};
use crate::result::{Reason, ReasonCode};

/// Collects missing inputs and failed rules; every rule is checked, nothing stops at the first.
///
/// Nothing is allocated until the first problem: an input that passes every rule (the usual
/// case) costs one word.
#[derive(Debug, Clone, Default)]
pub(crate) struct Problems(Option<Box<Found>>);

/// What [`Problems`] has found.
#[derive(Debug, Clone, Default)]
struct Found {
    missing: Vec<&'static str>,
    missing_dynamic: Vec<&'static str>,
    reasons: Vec<Reason>,
}

impl Problems {
    /// True when nothing was found (every method below records something).
    #[inline]
    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_none()
    }

    fn found(&mut self) -> &mut Found {
        self.0.get_or_insert_with(Box::default)
    }

    /// Records a failed rule (once: two checks reading the same input report it once).
    pub(crate) fn push(&mut self, reason: Reason) {
        let reasons = &mut self.found().reasons;
        if !reasons.contains(&reason) {
            reasons.push(reason);
        }
    }

    #[cold]
    pub(crate) fn missing(&mut self, field: &'static str) {
        let missing = &mut self.found().missing;
        if !missing.contains(&field) {
            missing.push(field);
        }
    }

    #[cold]
    pub(crate) fn missing_dynamic(&mut self, field: &'static str) {
        let missing = &mut self.found().missing_dynamic;
        if !missing.contains(&field) {
            missing.push(field);
        }
    }

    /// A required input: records it as missing when absent.
    #[inline]
    pub(crate) fn require<T: Copy>(&mut self, field: &'static str, value: &Option<T>) -> Option<T> {
        if value.is_none() {
            self.missing(field);
        }
        *value
    }

    /// A required text input (borrowed, not copied).
    #[inline]
    pub(crate) fn require_str<'a>(
        &mut self,
        field: &'static str,
        value: &'a Option<String>,
    ) -> Option<&'a str> {
        if value.is_none() {
            self.missing(field);
        }
        value.as_deref()
    }

    /// A required text input of a dynamic variant.
    #[inline]
    pub(crate) fn require_dynamic_str<'a>(
        &mut self,
        field: &'static str,
        value: &'a Option<String>,
    ) -> Option<&'a str> {
        if value.is_none() {
            self.missing_dynamic(field);
        }
        value.as_deref()
    }

    /// A required input of a dynamic variant.
    #[inline]
    pub(crate) fn require_dynamic<T: Copy>(
        &mut self,
        field: &'static str,
        value: &Option<T>,
    ) -> Option<T> {
        if value.is_none() {
            self.missing_dynamic(field);
        }
        *value
    }

    /// Checks a value against an inclusive range; `None` when absent or invalid.
    #[inline]
    pub(crate) fn in_range(
        &mut self,
        field: &'static str,
        value: Option<i64>,
        low: i64,
        high: i64,
    ) -> Option<i64> {
        let v = value?;
        if (low..=high).contains(&v) {
            Some(v)
        } else {
            self.push(Reason::new(
                ReasonCode::InvalidValue,
                &[field],
                format!("{field} is {v}, outside {low}–{high}"),
            ));
            None
        }
    }

    /// A required 0–2 rating.
    #[inline]
    pub(crate) fn rating(&mut self, field: &'static str, value: Option<i64>) -> Option<i64> {
        let v = self.require(field, &value);
        self.in_range(field, v, 0, 2)
    }

    /// A required 0–2 rating of a dynamic variant.
    #[inline]
    pub(crate) fn dynamic_rating(
        &mut self,
        field: &'static str,
        value: Option<i64>,
    ) -> Option<i64> {
        let v = self.require_dynamic(field, &value);
        self.in_range(field, v, 0, 2)
    }

    /// A required Yes/No item given as a boolean or the item score 0/2 (3.3, 4.2).
    #[inline]
    pub(crate) fn yes_no_item(
        &mut self,
        field: &'static str,
        value: Option<i64>,
        dynamic: bool,
    ) -> Option<bool> {
        let v = if dynamic {
            self.require_dynamic(field, &value)
        } else {
            self.require(field, &value)
        }?;
        match v {
            0 => Some(false),
            2 => Some(true),
            other => {
                self.push(Reason::new(
                    ReasonCode::InvalidValue,
                    &[field],
                    format!("{field} is {other}: a Yes/No item is true/false (or scored 2/0)"),
                ));
                None
            }
        }
    }

    /// A required non-negative count.
    #[inline]
    pub(crate) fn count(&mut self, field: &'static str, value: Option<i64>) -> Option<i64> {
        let v = self.require(field, &value);
        self.non_negative(field, v)
    }

    /// A count that must not be negative when present.
    #[inline]
    pub(crate) fn non_negative(&mut self, field: &'static str, value: Option<i64>) -> Option<i64> {
        self.in_range(field, value, 0, i64::MAX)
    }

    /// The gender every predictor needs: `male` or `female`.
    pub(crate) fn gender(&mut self, input: &PredictorInput) -> Option<Gender> {
        let value = self.require_str("gender", &input.gender)?;
        let gender = Gender::parse(value);
        if gender.is_none() {
            self.found().reasons.push(Reason::new(
                ReasonCode::UnsupportedGender,
                &["gender"],
                format!("gender {value:?} is not supported by the models (male or female only)"),
            ));
        }
        gender
    }

    /// H1: `total_sanctions` in 1–999 (a negative count is also an invalid value).
    pub(crate) fn total_sanctions(&mut self, input: &PredictorInput) -> Option<i64> {
        let n = self.require("total_sanctions", &input.total_sanctions)?;
        if n < 0 {
            self.in_range("total_sanctions", Some(n), 0, i64::MAX);
        }
        if (1..=999).contains(&n) {
            Some(n)
        } else {
            self.found().reasons.push(Reason::new(
                ReasonCode::SanctionsOutOfRange,
                &["total_sanctions"],
                format!(
                    "total_sanctions is {n}; it counts the current sanction, so it must be 1–999"
                ),
            ));
            None
        }
    }

    /// All reasons: missing inputs first, then missing dynamic inputs, then the failed rules.
    pub(crate) fn into_reasons(self) -> Vec<Reason> {
        let Some(found) = self.0 else {
            return Vec::new();
        };
        let Found {
            missing,
            missing_dynamic,
            reasons,
        } = *found;
        let mut out = Vec::with_capacity(reasons.len() + 2);
        if !missing.is_empty() {
            out.push(Reason::new(
                ReasonCode::MissingInput,
                &missing,
                format!("required input missing: {}", missing.join(", ")),
            ));
        }
        if !missing_dynamic.is_empty() {
            out.push(Reason::new(
                ReasonCode::MissingDynamicInput,
                &missing_dynamic,
                format!(
                    "input for the dynamic variant missing: {}",
                    missing_dynamic.join(", ")
                ),
            ));
        }
        out.extend(reasons);
        out
    }
}

/// Which optional parts of the history a predictor uses.
#[derive(Debug, Clone, Copy)]
pub(crate) struct HistoryNeeds {
    /// `violent_sanctions` (H2).
    pub violent: bool,
    /// `assessment_date`, offence-free months and H8.
    pub assessment: bool,
}

/// The validated criminal history and the values derived from it (§4.3).
#[derive(Debug, Clone, Copy)]
pub(crate) struct History {
    pub gender: Gender,
    pub age_fu: i64,
    /// Years between the first sanction and the current conviction.
    pub gap: i64,
    pub n: i64,
    /// `violent_sanctions` (0 when the predictor does not use it).
    pub nv: i64,
    /// Offence-free months (0 when the predictor does not use it).
    pub ofm: i64,
    /// `ln(n / (gap + 26))`, the ARP Copas rate.
    pub ln_rate_26: f64,
    /// `ln(n / (gap + 12))`, the Copas rate of SNSV, VRP and SVRP.
    pub ln_rate_12: f64,
    /// `ln(nv / (gap + 30))`, the violent rate (used only when `nv ≥ 1`).
    pub ln_violent_rate: f64,
}

/// The start of follow-up: 1.38, else 1.29 (§2.3, D10).
pub(crate) fn follow_up(input: &PredictorInput) -> Option<NaiveDate> {
    input.follow_up_start_date.or(input.conviction_date)
}

/// Offence-free months (§2.3).
pub(crate) fn offence_free_months(follow_up: NaiveDate, assessment: NaiveDate) -> i64 {
    if follow_up >= assessment {
        0
    } else {
        whole_months(follow_up, assessment).min(36)
    }
}

/// Applies H1–H8 for OGRS3, SNSV, ARP, VRP and SVRP. Returns the history when every input it
/// needs is present; the caller must still check `problems.is_empty()` before scoring.
pub(crate) fn history(
    input: &PredictorInput,
    needs: HistoryNeeds,
    p: &mut Problems,
) -> Option<History> {
    let gender = p.gender(input);
    let dob = p.require("date_of_birth", &input.date_of_birth);
    let conv = p.require("conviction_date", &input.conviction_date);
    let first = p.count("age_at_first_sanction", input.age_at_first_sanction);
    let n = p.total_sanctions(input);
    let nv = if needs.violent {
        p.count("violent_sanctions", input.violent_sanctions)
    } else {
        Some(0)
    };
    let assessment = if needs.assessment {
        p.require("assessment_date", &input.assessment_date)
    } else {
        None
    };
    let given_fu = input.follow_up_start_date;

    if let (Some(total), Some(violent)) = (input.total_sanctions, input.violent_sanctions)
        && needs.violent
        && violent > total
        && violent >= 0
    {
        p.push(Reason::new(
            ReasonCode::ViolentSanctionsOutOfRange,
            &["violent_sanctions", "total_sanctions"],
            format!("violent_sanctions ({violent}) is greater than total_sanctions ({total})"),
        ));
    }

    let age_conv = dob.and_then(|dob| {
        dates_after_birth(
            p,
            dob,
            &[
                ("conviction_date", conv),
                ("follow_up_start_date", given_fu),
            ],
        )
        .get("conviction_date")
    });
    let age_fu = dob
        .zip(follow_up(input))
        .filter(|(d, f)| f > d)
        .map(|(d, f)| whole_years(d, f));

    let mut too_old: Vec<&str> = Vec::new();
    if age_conv.is_some_and(|a| a >= 110) {
        too_old.push("conviction_date");
    }
    if age_fu.is_some_and(|a| a >= 110) && given_fu.is_some() {
        too_old.push("follow_up_start_date");
    }
    if first.is_some_and(|a| a >= 110) {
        too_old.push("age_at_first_sanction");
    }
    if !too_old.is_empty() {
        too_old.insert(0, "date_of_birth");
        p.push(Reason::new(
            ReasonCode::AgeOutOfRange,
            &too_old,
            "an age at conviction, at the start of follow-up or at first sanction is 110 or more",
        ));
    }
    if let Some(age) = age_conv.filter(|a| *a < 10) {
        p.push(Reason::new(
            ReasonCode::AgeAtConvictionUnder10,
            &["date_of_birth", "conviction_date"],
            format!("age at conviction is {age}, below the age of criminal responsibility (10)"),
        ));
    }
    if let (Some(first), Some(age)) = (first, age_conv)
        && first > age
    {
        p.push(Reason::new(
            ReasonCode::FirstSanctionAfterConviction,
            &["age_at_first_sanction", "date_of_birth", "conviction_date"],
            format!(
                "age at first sanction ({first}) is after the age at current conviction ({age})"
            ),
        ));
    }
    if let (Some(fu), Some(conv)) = (given_fu, conv)
        && fu < conv
    {
        p.push(Reason::new(
            ReasonCode::FollowUpBeforeConviction,
            &["follow_up_start_date", "conviction_date"],
            format!("the start of follow-up ({fu}) is before the conviction ({conv})"),
        ));
    }
    if let (Some(conv), Some(assessed)) = (conv, assessment)
        && plus_three_months(assessed).is_some_and(|limit| conv > limit)
    {
        p.push(Reason::new(
            ReasonCode::ConvictionAfterAssessment,
            &["conviction_date", "assessment_date"],
            format!("the conviction ({conv}) is more than three months after the assessment ({assessed})"),
        ));
    }

    let ofm = match (assessment, follow_up(input)) {
        (Some(a), Some(f)) => offence_free_months(f, a),
        _ => 0,
    };
    let (gap, n, nv) = (age_conv? - first?, n?, nv?);
    let gap_f = gap as f64;
    Some(History {
        gender: gender?,
        age_fu: age_fu?,
        gap,
        n,
        nv,
        ofm,
        ln_rate_26: (n as f64 / (gap_f + 26.0)).ln(),
        ln_rate_12: (n as f64 / (gap_f + 12.0)).ln(),
        ln_violent_rate: (nv as f64 / (gap_f + 30.0)).ln(),
    })
}

/// Ages at the dates that passed H3, by field name.
#[derive(Debug)]
pub(crate) struct Ages<const N: usize>([Option<(&'static str, i64)>; N]);

impl<const N: usize> Ages<N> {
    pub(crate) fn get(&self, field: &str) -> Option<i64> {
        self.0
            .iter()
            .flatten()
            .find(|(f, _)| *f == field)
            .map(|(_, a)| *a)
    }
}

/// H3: each given date must be after the date of birth. Reports the failures in one reason and
/// returns the whole-year ages at the dates that passed.
pub(crate) fn dates_after_birth<const N: usize>(
    p: &mut Problems,
    dob: NaiveDate,
    dates: &[(&'static str, Option<NaiveDate>); N],
) -> Ages<N> {
    let mut ages = Ages([None; N]);
    let mut before_birth = [None; N];
    for ((field, date), (age, bad)) in dates.iter().zip(ages.0.iter_mut().zip(&mut before_birth)) {
        match date {
            Some(d) if *d > dob => *age = Some((*field, whole_years(dob, *d))),
            Some(_) => *bad = Some(*field),
            None => {}
        }
    }
    if before_birth.iter().any(Option::is_some) {
        let mut bad = vec!["date_of_birth"];
        bad.extend(before_birth.iter().flatten());
        p.push(Reason::new(
            ReasonCode::DateNotAfterBirth,
            &bad,
            format!("{} must be after the date of birth", bad[1..].join(" and ")),
        ));
    }
    ages
}

/// What several predictors derive from the same inputs, worked out once per input: the
/// criminal history when it passes every rule (with violent sanctions and the assessment date),
/// and the offence category of each catalogue column.
pub(crate) struct Shared {
    /// Every dynamic item of the history models, coded once.
    pub dynamic: crate::model::DynamicCodes,
    clean_history: Option<History>,
    snsv_category: crate::offence::Resolved<crate::OffenceCategory>,
    actuarial_category: crate::offence::Resolved<crate::OffenceCategory>,
}

impl Shared {
    pub(crate) fn new(input: &PredictorInput, catalogue: Option<&crate::OffenceCatalogue>) -> Self {
        use crate::offence::{CategoryColumn, resolve_category};
        let mut p = Problems::default();
        let all = HistoryNeeds {
            violent: true,
            assessment: true,
        };
        let h = history(input, all, &mut p);
        Self {
            dynamic: crate::model::DynamicCodes::new(input),
            clean_history: h.filter(|_| p.is_empty()),
            snsv_category: resolve_category(input, catalogue, CategoryColumn::Snsv),
            actuarial_category: resolve_category(input, catalogue, CategoryColumn::Actuarial),
        }
    }

    /// [`history`] for one predictor's needs. When the history passed every rule with all its
    /// parts it passes with fewer, so the shared values are used and `p` stays empty; otherwise
    /// the rules run again for these needs so that exactly this predictor's reasons are listed.
    pub(crate) fn history(
        &self,
        input: &PredictorInput,
        needs: HistoryNeeds,
        p: &mut Problems,
    ) -> Option<History> {
        match self.clean_history {
            Some(h) => Some(History {
                nv: if needs.violent { h.nv } else { 0 },
                ofm: if needs.assessment { h.ofm } else { 0 },
                ..h
            }),
            None => history(input, needs, p),
        }
    }

    /// The offence category (§3.2) read from one catalogue column.
    pub(crate) fn category(
        &self,
        column: crate::offence::CategoryColumn,
    ) -> &crate::offence::Resolved<crate::OffenceCategory> {
        match column {
            crate::offence::CategoryColumn::Snsv => &self.snsv_category,
            crate::offence::CategoryColumn::Actuarial => &self.actuarial_category,
        }
    }
}
