//! What a predictor returns (spec §13): status, probabilities, displayed percentage, band,
//! the explanation factor by factor, and the reasons when it could not be calculated.

use std::cell::RefCell;
use std::sync::{Arc, OnceLock};

use serde::{Serialize, Serializer};

/// Whether a predictor produced a score.
///
/// ```
/// use oasys_scoring::{score, PredictorInput, Status};
///
/// let report = score(&PredictorInput::default(), None);
/// assert_eq!(report.ogrs3.status, Status::NotCalculable);
/// assert_eq!(serde_json::to_string(&Status::NotApplicable)?, r#""not_applicable""#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Probability, percentage, band and explanation are present.
    Calculated,
    /// The predictor does not apply to this person (probability and percentage 0, no band).
    NotApplicable,
    /// Some input was missing or invalid: see `reasons`.
    NotCalculable,
}

/// Why a predictor could not be calculated (spec §4.4).
///
/// ```
/// use oasys_scoring::{score, PredictorInput, ReasonCode};
///
/// let input = PredictorInput { total_sanctions: Some(0), ..Default::default() };
/// let codes = score(&input, None).ogrs3.reason_codes();
/// assert!(codes.contains(&ReasonCode::MissingInput));
/// assert!(codes.contains(&ReasonCode::SanctionsOutOfRange));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)] // the variants are the spec's reason codes, documented there
pub enum ReasonCode {
    MissingInput,
    MissingDynamicInput,
    InvalidValue,
    UnsupportedGender,
    InvalidOffenceCode,
    OffenceCodeNotFound,
    OffenceNeedsExactCode,
    SanctionsOutOfRange,
    ViolentSanctionsOutOfRange,
    DateNotAfterBirth,
    AgeOutOfRange,
    // serde's snake_case puts no underscore before a digit: the spec's codes are spelt out.
    #[serde(rename = "age_at_conviction_under_10")]
    AgeAtConvictionUnder10,
    #[serde(rename = "age_under_18")]
    AgeUnder18,
    FirstSanctionAfterConviction,
    FollowUpBeforeConviction,
    ConvictionAfterAssessment,
    SexualCountsInconsistent,
    SexualHistoryWithoutSanctions,
    SexualCountsExceedTotal,
    DrugMotivationInconsistent,
    ComponentNotCalculable,
}

/// One failed rule: its code, every input involved and a sentence for people.
///
/// ```
/// use oasys_scoring::{score, PredictorInput, ReasonCode};
///
/// let report = score(&PredictorInput::default(), None);
/// let reason = &report.ovp.reasons[0];
/// assert_eq!(reason.code, ReasonCode::MissingInput);
/// assert!(reason.fields.iter().any(|f| f == "violent_sanctions"));
/// assert!(reason.message.contains("violent_sanctions"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reason {
    /// The rule that failed.
    pub code: ReasonCode,
    /// The canonical names of the inputs involved (or component keys for `component_not_calculable`).
    pub fields: Vec<String>,
    /// What is wrong, in words.
    pub message: String,
}

impl Reason {
    pub(crate) fn new(code: ReasonCode, fields: &[&str], message: impl Into<String>) -> Self {
        Self {
            code,
            fields: fields.iter().map(|f| (*f).to_owned()).collect(),
            message: message.into(),
        }
    }
}

/// A risk band, chosen from the displayed value (spec §2.5).
///
/// ```
/// use oasys_scoring::Band;
///
/// assert!(Band::Low < Band::VeryHigh);
/// assert_eq!(serde_json::to_string(&Band::VeryHigh)?, r#""very_high""#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Band {
    /// Low.
    Low,
    /// Medium.
    Medium,
    /// High.
    High,
    /// Very high.
    VeryHigh,
}

impl Band {
    /// The band whose lower bound is the highest one not above `value`; `bounds` are the lower
    /// bounds of medium, high and very high (use `i64::MAX` for a band a predictor lacks).
    pub(crate) fn from_bounds(value: i64, [medium, high, very_high]: [i64; 3]) -> Self {
        if value >= very_high {
            Band::VeryHigh
        } else if value >= high {
            Band::High
        } else if value >= medium {
            Band::Medium
        } else {
            Band::Low
        }
    }
}

/// A displayed percentage: whole (OGRS3, OGP, OVP) or with two decimals (all others).
///
/// Two-decimal values are held exactly as hundredths of a percent and written as JSON numbers
/// (`10.36`); whole percentages as integers (`16`).
///
/// ```
/// use oasys_scoring::Percentage;
///
/// assert_eq!(serde_json::to_string(&Percentage::Hundredths(1036))?, "10.36");
/// assert_eq!(serde_json::to_string(&Percentage::Whole(16))?, "16");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Percentage {
    /// A whole percentage (1–99 after clamping).
    Whole(i64),
    /// Hundredths of a percent: `Hundredths(1036)` is 10.36 %.
    Hundredths(i64),
}

impl Percentage {
    /// The value as a number of percent.
    ///
    /// ```
    /// assert_eq!(oasys_scoring::Percentage::Hundredths(75).as_f64(), 0.75);
    /// ```
    pub fn as_f64(self) -> f64 {
        match self {
            Percentage::Whole(v) => v as f64,
            Percentage::Hundredths(v) => v as f64 / 100.0,
        }
    }

    /// The value in hundredths of a percent, whichever form it has.
    ///
    /// ```
    /// assert_eq!(oasys_scoring::Percentage::Whole(16).hundredths(), 1600);
    /// ```
    pub fn hundredths(self) -> i64 {
        match self {
            Percentage::Whole(v) => v * 100,
            Percentage::Hundredths(v) => v,
        }
    }
}

impl Serialize for Percentage {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match *self {
            Percentage::Whole(v) => serializer.serialize_i64(v),
            Percentage::Hundredths(v) => serializer.serialize_f64(v as f64 / 100.0),
        }
    }
}

/// The input value behind an explanation factor.
///
/// ```
/// use oasys_scoring::FactorValue;
///
/// assert_eq!(serde_json::to_string(&FactorValue::Text("violence"))?, r#""violence""#);
/// assert_eq!(serde_json::to_string(&FactorValue::None)?, "null");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum FactorValue {
    /// A count, rating, age or points.
    Integer(i64),
    /// A rate or probability.
    Number(f64),
    /// A Yes/No answer.
    Flag(bool),
    /// A category or variant name.
    Text(&'static str),
    /// No input behind the factor (a constant), or an input that was missing.
    None,
}

/// One line of an explanation: which factor, the input it came from and what it added.
///
/// ```
/// use oasys_scoring::{score, FactorValue, PredictorInput};
///
/// let input: PredictorInput = serde_json::from_str(r#"{"gender":"male","date_of_birth":"1980-01-01",
///     "conviction_date":"2020-01-01","total_sanctions":1,"age_at_first_sanction":40,
///     "ogrs3_offence_category":"violence"}"#)?;
/// let ogrs3 = score(&input, None).ogrs3;
/// let age = ogrs3.explanation.iter().find(|f| f.factor == "age_gender").expect("factor");
/// assert_eq!(age.value, FactorValue::Integer(40));
/// assert_eq!(age.contribution, -1.4997);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Factor {
    /// Stable factor name (spec §5–§11).
    pub factor: &'static str,
    /// The input value the contribution was computed from.
    pub value: FactorValue,
    /// What the factor added to the linear predictor, the points, or the percentage.
    pub contribution: f64,
}

impl Factor {
    pub(crate) fn new(factor: &'static str, value: FactorValue, contribution: f64) -> Self {
        Self {
            factor,
            value,
            contribution,
        }
    }
}

/// A predictor's explanation: its [`Factor`]s in order, empty when the predictor was not
/// calculated or no explanation was asked for ([`score_without_explanations`](crate::score_without_explanations)).
///
/// It dereferences to a slice of factors. The lists of one report share one allocation, so
/// cloning a result is cheap; serialised, it is the JSON array of its factors.
///
/// ```
/// use oasys_scoring::{score, Explanation, Factor, FactorValue, PredictorInput};
///
/// let input: PredictorInput = serde_json::from_str(r#"{"gender":"male","date_of_birth":"1980-01-01",
///     "conviction_date":"2020-01-01","total_sanctions":1,"age_at_first_sanction":40,
///     "ogrs3_offence_category":"violence"}"#)?;
/// let explanation: &Explanation = &score(&input, None).ogrs3.explanation;
/// assert_eq!(explanation.len(), 5);
/// assert_eq!(explanation[0].factor, "constant_2y");
/// let total: f64 = explanation.iter().map(|f| f.contribution).sum();
/// assert!(total.is_finite());
///
/// // One can also be built from a list, for example in tests of code that embeds the crate.
/// let own = Explanation::from(vec![Factor { factor: "points", value: FactorValue::Integer(3), contribution: 3.0 }]);
/// assert_eq!(serde_json::to_string(&own)?, r#"[{"factor":"points","value":3,"contribution":3.0}]"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Default)]
pub struct Explanation {
    /// Every factor of the report the list belongs to (`None`: empty), set once the report is
    /// complete.
    all: Option<Arc<OnceLock<FactorList>>>,
    start: u32,
    end: u32,
}

impl Explanation {
    /// `start..end` of the factors `all` will hold.
    fn part(all: &Arc<OnceLock<FactorList>>, start: usize, end: usize) -> Self {
        match (u32::try_from(start), u32::try_from(end)) {
            (Ok(start), Ok(end)) if start < end => Self {
                all: Some(Arc::clone(all)),
                start,
                end,
            },
            _ => Self::default(),
        }
    }
}

impl std::ops::Deref for Explanation {
    type Target = [Factor];

    #[inline]
    fn deref(&self) -> &[Factor] {
        self.all
            .as_deref()
            .and_then(OnceLock::get)
            .and_then(|all| all.0.get(self.start as usize..self.end as usize))
            .unwrap_or_default()
    }
}

impl<'a> IntoIterator for &'a Explanation {
    type Item = &'a Factor;
    type IntoIter = std::slice::Iter<'a, Factor>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl From<Vec<Factor>> for Explanation {
    fn from(factors: Vec<Factor>) -> Self {
        let end = u32::try_from(factors.len()).unwrap_or(u32::MAX);
        Self {
            all: Some(Arc::new(OnceLock::from(FactorList(factors)))),
            start: 0,
            end,
        }
    }
}

impl PartialEq for Explanation {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl std::fmt::Debug for Explanation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl Serialize for Explanation {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

fn no_factors(explanation: &Explanation) -> bool {
    explanation.is_empty()
}

/// The factors of one report, shared by its explanations. When the last explanation goes, the
/// list goes back to its thread's spares for the next report, so that scoring in bulk does not
/// allocate and free a list per report.
#[derive(Debug)]
struct FactorList(Vec<Factor>);

/// Spare lists kept per thread.
const SPARE_LISTS: usize = 4;

thread_local! {
    static SPARE: RefCell<Vec<Vec<Factor>>> = const { RefCell::new(Vec::new()) };
}

impl FactorList {
    /// An empty list with room for a complete report: a spare one when there is one.
    fn spare() -> Vec<Factor> {
        SPARE
            .try_with(|spare| spare.try_borrow_mut().ok()?.pop())
            .ok()
            .flatten()
            .unwrap_or_else(|| Vec::with_capacity(REPORT_FACTORS))
    }
}

impl Drop for FactorList {
    fn drop(&mut self) {
        let capacity = self.0.capacity();
        if !(REPORT_FACTORS..=4 * REPORT_FACTORS).contains(&capacity) {
            return;
        }
        let mut list = std::mem::take(&mut self.0);
        list.clear();
        // During thread teardown the spares are gone: the list is simply freed.
        let _ = SPARE.try_with(|spare| {
            if let Ok(mut spare) = spare.try_borrow_mut()
                && spare.len() < SPARE_LISTS
            {
                spare.push(list);
            }
        });
    }
}

/// Collects the explanations of one report in one list, handing each predictor its part
/// ([`Explanation`]); when explanations are off, nothing is kept.
#[derive(Debug)]
pub(crate) struct Explainer {
    factors: Vec<Factor>,
    /// Where the factors go once the report is complete (`None`: explanations are off).
    all: Option<Arc<OnceLock<FactorList>>>,
}

/// Room for every factor of a complete assessment (about 240), so the list is allocated once.
const REPORT_FACTORS: usize = 256;

impl Explainer {
    pub(crate) fn new(on: bool) -> Self {
        if on {
            Self {
                factors: FactorList::spare(),
                all: Some(Arc::new(OnceLock::new())),
            }
        } else {
            Self {
                factors: Vec::new(),
                all: None,
            }
        }
    }

    #[inline]
    pub(crate) fn push(&mut self, factor: Factor) {
        if self.on() {
            self.factors.push(factor);
        }
    }

    /// Whether explanations are kept.
    #[inline]
    pub(crate) fn on(&self) -> bool {
        self.all.is_some()
    }

    /// Keeps several factors (one capacity check for an iterator of known length).
    #[inline]
    pub(crate) fn extend(&mut self, factors: impl Iterator<Item = Factor>) {
        if self.on() {
            self.factors.extend(factors);
        }
    }

    /// Keeps these factors as one predictor's explanation.
    pub(crate) fn list(&mut self, factors: impl IntoIterator<Item = Factor>) -> Explanation {
        let Some(all) = &self.all else {
            return Explanation::default();
        };
        let start = self.factors.len();
        self.factors.extend(factors);
        Explanation::part(all, start, self.factors.len())
    }

    /// Where the next list starts.
    #[inline]
    pub(crate) fn mark(&self) -> usize {
        self.factors.len()
    }

    /// The factors kept since `start`, as one explanation.
    pub(crate) fn since(&self, start: usize) -> Explanation {
        match &self.all {
            Some(all) => Explanation::part(all, start, self.factors.len()),
            None => Explanation::default(),
        }
    }

    /// Forgets the factors kept since `start` (a list whose predictor was not calculated).
    pub(crate) fn truncate(&mut self, start: usize) {
        self.factors.truncate(start);
    }

    /// Hands the report's explanations their factors, once every predictor is scored.
    pub(crate) fn finish(self) {
        if let Some(all) = self.all {
            // Only this explainer sets the list.
            let _ = all.set(FactorList(self.factors));
        }
    }
}

/// Which violence predictor a combined score (RSR, CSRP) used.
///
/// ```
/// use oasys_scoring::{score, PredictorInput, Variant};
///
/// let input: PredictorInput = serde_json::from_str(r#"{"gender":"female","sexual_offence_history":false,
///     "date_of_birth":"1980-01-01","conviction_date":"2020-01-01","assessment_date":"2021-01-01",
///     "total_sanctions":1,"violent_sanctions":0,"age_at_first_sanction":40,
///     "offence_category":"theft_non_motor"}"#)?;
/// // Without need answers only the static SVRP is calculated, so CSRP uses it.
/// assert_eq!(score(&input, None).csrp.violent_variant, Some(Variant::Static));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Variant {
    /// The static model (criminal history only).
    Static,
    /// The dynamic model (history and need answers).
    Dynamic,
}

/// One predictor's result, serialised exactly as the output contract of spec §13.
///
/// ```
/// use oasys_scoring::{score, PredictorInput};
///
/// let input: PredictorInput = serde_json::from_str(r#"{"gender":"male","sexual_offence_history":true,
///     "indecent_image_sanctions":2,"contact_adult_sexual_sanctions":0,
///     "contact_child_sexual_sanctions":0,"non_contact_sexual_sanctions":0}"#)?;
/// let iic = score(&input, None).osp_iic;
/// assert_eq!(iic.model_version, "osp-iic/v1");
/// assert_eq!(serde_json::to_value(&iic)?["percentage_2y"], 10.31);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PredictorResult {
    /// Calculated, not applicable or not calculable.
    pub status: Status,
    /// Predictor and coefficient-set version, e.g. `ogrs3/v1`, `arp-dynamic/v4.11`.
    pub model_version: &'static str,
    /// Unrounded one-year probability (OGRS3, OGP, OVP, SNSV).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub probability_1y: Option<f64>,
    /// Unrounded two-year probability (0 when not applicable).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub probability_2y: Option<f64>,
    /// Displayed one-year percentage.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub percentage_1y: Option<Percentage>,
    /// Displayed two-year percentage.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub percentage_2y: Option<Percentage>,
    /// Band of the displayed value; null for SNSV and when nothing was calculated.
    pub band: Option<Band>,
    /// Points on the predictor's scale (OGP, OVP, OSP/DC, DC-SRP).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub points: Option<i64>,
    /// Whether the OSP/DC band was reduced by one step.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub band_reduced: Option<bool>,
    /// The one-year argument of the logistic link.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub linear_predictor_1y: Option<f64>,
    /// The two-year argument of the logistic link.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub linear_predictor_2y: Option<f64>,
    /// Which violence variant a combined predictor used.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub violent_variant: Option<Variant>,
    /// Factor-by-factor explanation (when calculated).
    #[serde(skip_serializing_if = "no_factors")]
    pub explanation: Explanation,
    /// Every failed rule (when not calculable).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<Reason>,
}

impl PredictorResult {
    /// A result with nothing calculated yet.
    pub(crate) fn empty(status: Status, model_version: &'static str) -> Self {
        Self {
            status,
            model_version,
            probability_1y: None,
            probability_2y: None,
            percentage_1y: None,
            percentage_2y: None,
            band: None,
            points: None,
            band_reduced: None,
            linear_predictor_1y: None,
            linear_predictor_2y: None,
            violent_variant: None,
            explanation: Explanation::default(),
            reasons: Vec::new(),
        }
    }

    /// `not_calculable` with the given reasons.
    pub(crate) fn not_calculable(model_version: &'static str, reasons: Vec<Reason>) -> Self {
        Self {
            reasons,
            ..Self::empty(Status::NotCalculable, model_version)
        }
    }

    /// `not_applicable`: probability 0 and percentage 0.00, no band.
    pub(crate) fn not_applicable(model_version: &'static str) -> Self {
        Self {
            probability_2y: Some(0.0),
            percentage_2y: Some(Percentage::Hundredths(0)),
            ..Self::empty(Status::NotApplicable, model_version)
        }
    }

    /// True when the status is `calculated`.
    ///
    /// ```
    /// let report = oasys_scoring::score(&Default::default(), None);
    /// assert!(!report.arp_static.is_calculated());
    /// ```
    pub fn is_calculated(&self) -> bool {
        self.status == Status::Calculated
    }

    /// The reason codes, in order, for quick inspection.
    ///
    /// ```
    /// use oasys_scoring::ReasonCode;
    /// let report = oasys_scoring::score(&Default::default(), None);
    /// assert_eq!(report.arp_static.reason_codes(), vec![ReasonCode::MissingInput]);
    /// ```
    pub fn reason_codes(&self) -> Vec<ReasonCode> {
        self.reasons.iter().map(|r| r.code).collect()
    }
}

/// A points scale turned into one- and two-year probabilities (OGP, OVP): `z = slope · points +
/// constant`, whole percentages by rule P-int, bands on the two-year percentage.
pub(crate) struct PointScale {
    pub model: &'static str,
    pub slope: f64,
    pub constant_1y: f64,
    pub constant_2y: f64,
    /// Lower bounds (whole percent) of medium, high and very high.
    pub bands: [i64; 3],
}

impl PointScale {
    /// The calculated result for these point factors (name, input value, points).
    pub(crate) fn result<const N: usize>(
        &self,
        factors: [(&'static str, FactorValue, i64); N],
        explainer: &mut Explainer,
    ) -> PredictorResult {
        use crate::numeric::{logistic, percent_whole};
        let points: i64 = factors.iter().map(|f| f.2).sum();
        let z1 = self.slope * points as f64 + self.constant_1y;
        let z2 = self.slope * points as f64 + self.constant_2y;
        let (p1, p2) = (logistic(z1), logistic(z2));
        let pct2 = percent_whole(p2);
        PredictorResult {
            probability_1y: Some(p1),
            probability_2y: Some(p2),
            percentage_1y: Some(Percentage::Whole(percent_whole(p1))),
            percentage_2y: Some(Percentage::Whole(pct2)),
            band: Some(Band::from_bounds(pct2, self.bands)),
            points: Some(points),
            linear_predictor_1y: Some(z1),
            linear_predictor_2y: Some(z2),
            explanation: explainer.list(
                factors
                    .into_iter()
                    .map(|(f, v, c)| Factor::new(f, v, c as f64)),
            ),
            ..PredictorResult::empty(Status::Calculated, self.model)
        }
    }
}
