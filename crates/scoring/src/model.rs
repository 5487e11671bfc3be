//! The logistic criminal-history model that SNSV (§9), ARP, VRP and SVRP (§10) share: one
//! coefficient layout, one linear predictor built factor by factor so the explanation always
//! adds up, and the dynamic need items each model adds.

use crate::PredictorInput;
use crate::check::{History, Problems};
use crate::input::{Gender, RelationshipStatus};
use crate::offence::OffenceCategory;
use crate::result::{Explainer, Explanation, Factor, FactorValue, Reason, ReasonCode};

/// How a model uses a criminal career with three or more sanctions.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Copas {
    /// ARP: `r·g + r²·g2` with `r = ln(n / (gap + 26))`; coefficients (male, female, male², female²).
    General {
        male: f64,
        female: f64,
        male_squared: f64,
        female_squared: f64,
    },
    /// SNSV, VRP, SVRP: `ln(n / (gap + 12)) × v`, plus the violent-history terms.
    Violent {
        male: f64,
        female: f64,
        violence: ViolentHistory,
    },
}

/// The violent-history terms of SNSV, VRP and SVRP.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ViolentHistory {
    pub never_male: f64,
    pub never_female: f64,
    pub once: f64,
    pub count: f64,
    pub rate: f64,
}

/// The static part of a history model (one column of tables 9.2 / 10.3).
#[derive(Debug, Clone, Copy)]
pub(crate) struct HistoryModel {
    pub intercept: f64,
    pub age_male: [f64; 4],
    pub age_female: [f64; 4],
    pub female: f64,
    pub first_sanction: f64,
    pub second_sanction: f64,
    pub gap_male: f64,
    pub gap_female: f64,
    pub sanction_count: f64,
    pub ofm: [f64; 4],
    pub copas: Copas,
}

/// Where a model's factors go as they are worked out: their contributions, summed in order into
/// the linear predictor, and the report's explanation list when explanations are on.
pub(crate) struct Terms<'a> {
    explainer: &'a mut Explainer,
    start: usize,
    /// The contributions so far, added one by one in order: exactly `Iterator::sum` of them.
    total: f64,
}

impl<'a> Terms<'a> {
    pub(crate) fn new(explainer: &'a mut Explainer) -> Self {
        Self {
            start: explainer.mark(),
            explainer,
            total: std::iter::empty::<f64>().sum(),
        }
    }

    #[inline]
    pub(crate) fn push(&mut self, factor: Factor) {
        self.total += factor.contribution;
        self.explainer.push(factor);
    }

    /// Appends several factors: one capacity check for all of them, and when explanations are
    /// off only their contributions are worked out.
    #[inline]
    pub(crate) fn extend(&mut self, factors: impl Iterator<Item = Factor>) {
        let total = &mut self.total;
        if self.explainer.on() {
            // `map`, not `inspect`: `Map` keeps the exact length (`TrustedLen`), so the list
            // reserves once instead of checking its capacity for every factor.
            #[allow(clippy::manual_inspect)]
            self.explainer.extend(factors.map(|factor| {
                *total += factor.contribution;
                factor
            }));
        } else {
            for factor in factors {
                *total += factor.contribution;
            }
        }
    }

    /// The sum of the contributions, in order.
    pub(crate) fn total(&self) -> f64 {
        self.total
    }

    /// The factors as the predictor's explanation.
    pub(crate) fn finish(self) -> Explanation {
        self.explainer.since(self.start)
    }

    /// Drops the factors (the predictor was not calculated).
    pub(crate) fn discard(self) {
        self.explainer.truncate(self.start);
    }
}

/// `x·(c1 + c2·x + c3·x² + c4·x³)`.
fn polynomial(x: f64, c: [f64; 4]) -> f64 {
    x * (c[0] + c[1] * x + c[2] * x * x + c[3] * x * x * x)
}

impl HistoryModel {
    /// The factors of the static part, whose contributions sum to the static linear predictor.
    #[inline(always)]
    pub(crate) fn factors(
        &self,
        h: &History,
        category: OffenceCategory,
        offence_term: f64,
        out: &mut Terms<'_>,
    ) {
        let female = h.gender == Gender::Female;
        let pick = |male: f64, fem: f64| if female { fem } else { male };
        let n = h.n;
        let gap = h.gap as f64;
        // 9 common factors, then 2 (general) or 5 (violent) career factors.
        let ages = if female {
            self.age_female
        } else {
            self.age_male
        };
        let gap_term = if n == 2 {
            gap * pick(self.gap_male, self.gap_female)
        } else {
            0.0
        };
        out.extend(
            [
                Factor::new("intercept", FactorValue::None, self.intercept),
                Factor::new(
                    "age_polynomial",
                    FactorValue::Integer(h.age_fu),
                    polynomial(h.age_fu as f64, ages),
                ),
                Factor::new(
                    "female",
                    FactorValue::Flag(female),
                    if female { self.female } else { 0.0 },
                ),
                Factor::new(
                    "offence_category",
                    FactorValue::Text(category.key()),
                    offence_term,
                ),
                Factor::new(
                    "first_sanction",
                    FactorValue::Integer(n),
                    if n == 1 { self.first_sanction } else { 0.0 },
                ),
                Factor::new(
                    "second_sanction",
                    FactorValue::Integer(n),
                    if n == 2 { self.second_sanction } else { 0.0 },
                ),
                Factor::new("second_sanction_gap", FactorValue::Integer(h.gap), gap_term),
                Factor::new(
                    "sanction_count",
                    FactorValue::Integer(n),
                    n as f64 * self.sanction_count,
                ),
                Factor::new(
                    "offence_free_months",
                    FactorValue::Integer(h.ofm),
                    polynomial(h.ofm as f64, self.ofm),
                ),
            ]
            .into_iter(),
        );
        match self.copas {
            Copas::General {
                male,
                female: fem,
                male_squared,
                female_squared,
            } => {
                let r = h.ln_rate_26;
                let (linear, squared) = if n >= 3 {
                    (
                        r * pick(male, fem),
                        r * r * pick(male_squared, female_squared),
                    )
                } else {
                    (0.0, 0.0)
                };
                out.extend(
                    [
                        Factor::new("copas_general", FactorValue::Number(r), linear),
                        Factor::new("copas_general_squared", FactorValue::Number(r * r), squared),
                    ]
                    .into_iter(),
                );
            }
            Copas::Violent {
                male,
                female: fem,
                violence: v,
            } => {
                let rate = h.ln_rate_12;
                let copas = if n >= 3 { rate * pick(male, fem) } else { 0.0 };
                let nv = h.nv;
                let never = if nv == 0 {
                    pick(v.never_male, v.never_female)
                } else {
                    0.0
                };
                // Both violent terms are 0 when nv = 0 (decision D6).
                let (count, violent_rate) = if nv >= 1 {
                    (nv as f64 * v.count, h.ln_violent_rate * v.rate)
                } else {
                    (0.0, 0.0)
                };
                out.extend(
                    [
                        Factor::new("copas_violent_general", FactorValue::Number(rate), copas),
                        Factor::new("never_violent", FactorValue::Integer(nv), never),
                        Factor::new(
                            "once_violent",
                            FactorValue::Integer(nv),
                            if nv == 1 { v.once } else { 0.0 },
                        ),
                        Factor::new("violent_count", FactorValue::Integer(nv), count),
                        Factor::new("violence_rate", FactorValue::Integer(nv), violent_rate),
                    ]
                    .into_iter(),
                );
            }
        }
    }
}

/// Reads an optional rating from the input.
pub(crate) type RatingField = fn(&PredictorInput) -> Option<i64>;
/// Reads an optional Yes/No answer from the input.
pub(crate) type FlagField = fn(&PredictorInput) -> Option<bool>;

/// How one dynamic item is read from the input and coded (tables 9.4 and 10.4).
#[derive(Debug, Clone, Copy)]
pub(crate) enum ItemKind {
    /// A required 0–2 rating, coded as is.
    Rating(&'static str, RatingField),
    /// A required Yes/No answer, Yes = 1.
    Flag(&'static str, FlagField),
    /// 4.2, Yes = 2 (decision D2).
    Unemployed,
    /// 6.7 with 6.7.2.1: 1 when abuse was perpetrated against a partner (decision D3).
    DomesticAbusePerpetrator,
    /// 6.8 = living together.
    LivingTogether,
    /// 6.4 when living together, else 0.
    LivingTogetherTimesPartner,
    /// 8.8, optional (missing counts 0, decision D15).
    DrugMotivation,
    /// An optional drug flag (missing counts false).
    Drug(&'static str, FlagField),
    /// Any of the five drugs grouped as "other".
    AnyOtherDrug,
}

/// One dynamic item of a model.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Item {
    pub factor: &'static str,
    pub kind: ItemKind,
    pub coefficient: f64,
    /// Where the item's coding is kept in [`DynamicCodes`].
    pub slot: Slot,
}

/// Every dynamic item the four history models read, one slot each, named as its factor: an item
/// is coded once per input ([`DynamicCodes`]) and looked up by each model that uses it.
#[allow(non_camel_case_types)] // the variants are the factor names the macros below pass
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Slot {
    accommodation_suitability,
    partner_relationship,
    activities_encourage_offending,
    alcohol_current_use,
    alcohol_binge,
    impulsivity,
    pro_criminal_attitudes,
    temper_control,
    unemployed,
    living_together,
    living_together_x_partner_relationship,
    domestic_abuse_partner_perpetrator,
    drug_misuse_motivation,
    drug_any_other,
    drug_heroin,
    drug_methadone,
    drug_other_opiates,
    drug_crack_cocaine,
    drug_powder_cocaine,
    drug_misused_prescribed,
    drug_benzodiazepines,
    drug_cannabis,
    drug_steroids,
    weapon_in_offence,
    previous_homicide,
    previous_wounding_gbh,
    previous_kidnapping,
    previous_firearm,
    previous_robbery,
    previous_aggravated_burglary,
    previous_weapon,
    previous_criminal_damage_life,
    previous_arson,
}

/// The number of [`Slot`]s.
const SLOTS: usize = Slot::previous_arson as usize + 1;

/// How each slot is read and coded, gathered at compile time from the four models' items.
const SLOT_KINDS: [Option<ItemKind>; SLOTS] = {
    let lists: [&[Item]; 4] = [
        &crate::snsv::ITEMS,
        &crate::actuarial::ARP_ITEMS,
        &crate::actuarial::VRP_ITEMS,
        &crate::actuarial::SVRP_ITEMS,
    ];
    let mut kinds = [None; SLOTS];
    let mut list = 0;
    while list < lists.len() {
        let mut i = 0;
        while i < lists[list].len() {
            let item = lists[list][i];
            kinds[item.slot as usize] = Some(item.kind);
            i += 1;
        }
        list += 1;
    }
    kinds
};

/// Every dynamic item coded once for one input: the coding (the number the coefficient
/// multiplies), or -1 when the item is missing or invalid (the model that uses it then runs
/// [`dynamic_factors`] to list exactly its reasons).
#[derive(Debug, Clone)]
pub(crate) struct DynamicCodes {
    codes: [i8; SLOTS],
}

impl DynamicCodes {
    pub(crate) fn new(input: &PredictorInput) -> Self {
        // One call per slot, each specialised at compile time to its item's kind and field.
        let i = input;
        let codes: [i8; SLOTS] = [
            slot::<0>(i),
            slot::<1>(i),
            slot::<2>(i),
            slot::<3>(i),
            slot::<4>(i),
            slot::<5>(i),
            slot::<6>(i),
            slot::<7>(i),
            slot::<8>(i),
            slot::<9>(i),
            slot::<10>(i),
            slot::<11>(i),
            slot::<12>(i),
            slot::<13>(i),
            slot::<14>(i),
            slot::<15>(i),
            slot::<16>(i),
            slot::<17>(i),
            slot::<18>(i),
            slot::<19>(i),
            slot::<20>(i),
            slot::<21>(i),
            slot::<22>(i),
            slot::<23>(i),
            slot::<24>(i),
            slot::<25>(i),
            slot::<26>(i),
            slot::<27>(i),
            slot::<28>(i),
            slot::<29>(i),
            slot::<30>(i),
            slot::<31>(i),
            slot::<32>(i),
        ];
        Self { codes }
    }

    /// Appends the items' factors when every item is valid and the drug answers are consistent
    /// (what [`dynamic_factors`] would do without reporting anything); false, leaving `out` as
    /// it was, otherwise.
    #[inline(always)]
    pub(crate) fn push_factors(
        &self,
        items: &[Item],
        input: &PredictorInput,
        out: &mut Terms<'_>,
    ) -> bool {
        let motivation_missing = input.drug_misuse_motivation.is_none();
        for item in items {
            let code = self.codes[item.slot as usize];
            if code < 0
                || (code > 0
                    && motivation_missing
                    && matches!(item.kind, ItemKind::Drug(..) | ItemKind::AnyOtherDrug))
            {
                return false;
            }
        }
        out.extend(items.iter().map(|item| {
            let code = self.codes[item.slot as usize];
            let value = match item.kind {
                ItemKind::Rating(..)
                | ItemKind::LivingTogetherTimesPartner
                | ItemKind::DrugMotivation => FactorValue::Integer(i64::from(code)),
                _ => FactorValue::Flag(code != 0),
            };
            Factor::new(item.factor, value, f64::from(code) * item.coefficient)
        }));
        true
    }
}

/// The coding of slot `S` (-1 for a slot no model reads).
#[inline(always)]
fn slot<const S: usize>(input: &PredictorInput) -> i8 {
    match SLOT_KINDS[S] {
        Some(kind) => coding(kind, input),
        None => -1,
    }
}

/// One item's coding when it is present and valid (the checks of [`dynamic_factors`], without
/// the reasons), else -1. Integer items are coded as their value, Yes/No items as 1 for Yes
/// (2 for `unemployed`, decision D2).
#[inline(always)]
fn coding(kind: ItemKind, input: &PredictorInput) -> i8 {
    let rating = |v: Option<i64>| match v {
        Some(v @ 0..=2) => v as i8,
        _ => -1,
    };
    let flag = |v: Option<bool>| v.map_or(-1, i8::from);
    let relationship = || {
        input
            .relationship_status
            .as_deref()
            .and_then(RelationshipStatus::parse)
    };
    match kind {
        ItemKind::Rating(_, get) => rating(get(input)),
        ItemKind::Flag(_, get) => flag(get(input)),
        ItemKind::Unemployed => match input.unemployed {
            Some(0) => 0,
            Some(2) => 2,
            _ => -1,
        },
        ItemKind::DomesticAbusePerpetrator => match input.evidence_of_domestic_abuse {
            Some(true) => flag(input.domestic_abuse_partner_perpetrator),
            Some(false) => 0,
            None => -1,
        },
        ItemKind::LivingTogether => match relationship() {
            Some(s) => i8::from(s == RelationshipStatus::LivingTogether),
            None => -1,
        },
        ItemKind::LivingTogetherTimesPartner => {
            match (relationship(), rating(input.partner_relationship)) {
                (Some(_), -1) | (None, _) => -1,
                (Some(RelationshipStatus::LivingTogether), r) => r,
                (Some(_), _) => 0,
            }
        }
        ItemKind::DrugMotivation => match input.drug_misuse_motivation {
            None => 0,
            v => rating(v),
        },
        ItemKind::Drug(_, get) => i8::from(get(input).unwrap_or(false)),
        ItemKind::AnyOtherDrug => i8::from(
            OTHER_DRUGS
                .iter()
                .any(|(_, get)| get(input).unwrap_or(false)),
        ),
    }
}

const OTHER_DRUGS: [(&str, FlagField); 5] = [
    ("drug_other", |i| i.drug_other),
    ("drug_ketamine", |i| i.drug_ketamine),
    ("drug_spice", |i| i.drug_spice),
    ("drug_hallucinogens", |i| i.drug_hallucinogens),
    ("drug_solvents", |i| i.drug_solvents),
];

fn relationship(input: &PredictorInput, p: &mut Problems) -> Option<RelationshipStatus> {
    let value = p.require_dynamic_str("relationship_status", &input.relationship_status)?;
    let parsed = RelationshipStatus::parse(value);
    if parsed.is_none() {
        p.push(Reason::new(
            ReasonCode::InvalidValue,
            &["relationship_status"],
            format!("{value:?} is not living_together, not_living_together or not_in_relationship"),
        ));
    }
    parsed
}

/// Reads and codes every dynamic item, appending the explanation factors to `out` when it is
/// given; true when every item is valid.
pub(crate) fn dynamic_factors(
    items: &[Item],
    input: &PredictorInput,
    p: &mut Problems,
    mut out: Option<&mut Terms<'_>>,
) -> bool {
    let mut complete = true;
    let mut uses_drugs = false;
    for item in items {
        let coded: Option<(FactorValue, f64)> = match item.kind {
            ItemKind::Rating(field, get) => p
                .dynamic_rating(field, get(input))
                .map(|v| (FactorValue::Integer(v), v as f64)),
            ItemKind::Flag(field, get) => p
                .require_dynamic(field, &get(input))
                .map(|v| (FactorValue::Flag(v), f64::from(u8::from(v)))),
            ItemKind::Unemployed => p
                .yes_no_item("unemployed", input.unemployed, true)
                .map(|v| (FactorValue::Flag(v), if v { 2.0 } else { 0.0 })),
            ItemKind::DomesticAbusePerpetrator => {
                match p.require_dynamic(
                    "evidence_of_domestic_abuse",
                    &input.evidence_of_domestic_abuse,
                ) {
                    Some(true) => p
                        .require_dynamic(
                            "domestic_abuse_partner_perpetrator",
                            &input.domestic_abuse_partner_perpetrator,
                        )
                        .map(|perp| (FactorValue::Flag(perp), f64::from(u8::from(perp)))),
                    Some(false) => Some((FactorValue::Flag(false), 0.0)),
                    None => None,
                }
            }
            ItemKind::LivingTogether => relationship(input, p).map(|s| {
                let together = s == RelationshipStatus::LivingTogether;
                (FactorValue::Flag(together), f64::from(u8::from(together)))
            }),
            ItemKind::LivingTogetherTimesPartner => {
                let status = relationship(input, p);
                let rating = p.dynamic_rating("partner_relationship", input.partner_relationship);
                status.zip(rating).map(|(s, r)| {
                    let v = if s == RelationshipStatus::LivingTogether {
                        r
                    } else {
                        0
                    };
                    (FactorValue::Integer(v), v as f64)
                })
            }
            ItemKind::DrugMotivation => {
                p.in_range("drug_misuse_motivation", input.drug_misuse_motivation, 0, 2)
                    .or_else(|| {
                        // Invalid values are already reported; a missing answer counts 0.
                        input.drug_misuse_motivation.is_none().then_some(0)
                    })
                    .map(|v| (FactorValue::Integer(v), v as f64))
            }
            ItemKind::Drug(_, get) => {
                let used = get(input).unwrap_or(false);
                uses_drugs |= used;
                Some((FactorValue::Flag(used), f64::from(u8::from(used))))
            }
            ItemKind::AnyOtherDrug => {
                let used = OTHER_DRUGS
                    .iter()
                    .any(|(_, get)| get(input).unwrap_or(false));
                uses_drugs |= used;
                Some((FactorValue::Flag(used), f64::from(u8::from(used))))
            }
        };
        match coded {
            Some((value, coding)) => {
                if let Some(out) = out.as_deref_mut() {
                    out.push(Factor::new(item.factor, value, coding * item.coefficient));
                }
            }
            None => complete = false,
        }
    }
    if uses_drugs && input.drug_misuse_motivation.is_none() {
        let mut fields = vec!["drug_misuse_motivation"];
        for item in items {
            match item.kind {
                ItemKind::Drug(field, get) if get(input) == Some(true) => fields.push(field),
                ItemKind::AnyOtherDrug => {
                    fields.extend(
                        OTHER_DRUGS
                            .iter()
                            .filter(|(_, get)| get(input) == Some(true))
                            .map(|(f, _)| *f),
                    );
                }
                _ => {}
            }
        }
        p.push(Reason::new(
            ReasonCode::DrugMotivationInconsistent,
            &fields,
            "current drug use is recorded but drug_misuse_motivation (8.8) is missing",
        ));
        complete = false;
    }
    complete
}

/// One predictor built on the history model: its static and dynamic variants.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Predictor {
    pub static_version: &'static str,
    pub dynamic_version: &'static str,
    pub static_model: HistoryModel,
    pub dynamic_model: HistoryModel,
    /// SNSV only: the one-year intercepts (static, dynamic), decision D17.
    pub intercepts_1y: Option<(f64, f64)>,
    /// Offence term for (category, dynamic?).
    pub offence_term: fn(OffenceCategory, bool) -> f64,
    pub column: crate::offence::CategoryColumn,
    pub uses_violent_sanctions: bool,
    pub items: &'static [Item],
    /// Lower bounds (hundredths of a percent) of medium, high, very high; `None`: no band.
    pub bands: Option<[i64; 3]>,
}

impl Predictor {
    /// Scores both variants; a failure of the static inputs makes both not calculable.
    #[inline(always)]
    pub(crate) fn score(
        &self,
        input: &PredictorInput,
        shared: &crate::check::Shared,
        explainer: &mut Explainer,
    ) -> (crate::PredictorResult, crate::PredictorResult) {
        use crate::check::HistoryNeeds;
        use crate::offence::Resolved;

        let mut p = Problems::default();
        let needs = HistoryNeeds {
            violent: self.uses_violent_sanctions,
            assessment: true,
        };
        let h = shared.history(input, needs, &mut p);
        let category = match shared.category(self.column) {
            Resolved::Category(c) => Some(*c),
            Resolved::Missing => {
                p.missing("offence_code");
                None
            }
            Resolved::Problem(reason) => {
                p.push(reason.clone());
                None
            }
        };
        let mut pd = p.clone();

        let static_result = match (h, category, p.is_empty()) {
            (Some(h), Some(c), true) => {
                let mut factors = Terms::new(explainer);
                self.static_model
                    .factors(&h, c, (self.offence_term)(c, false), &mut factors);
                self.result(
                    self.static_version,
                    factors,
                    self.intercepts_1y
                        .map(|i| (self.static_model.intercept, i.0)),
                )
            }
            _ => crate::PredictorResult::not_calculable(self.static_version, p.into_reasons()),
        };
        let dynamic_result = match (h, category) {
            (Some(h), Some(c)) => {
                // The static part first, then the items appended to the same list.
                let mut factors = Terms::new(explainer);
                self.dynamic_model
                    .factors(&h, c, (self.offence_term)(c, true), &mut factors);
                let complete = (pd.is_empty()
                    && shared.dynamic.push_factors(self.items, input, &mut factors))
                    || dynamic_factors(self.items, input, &mut pd, Some(&mut factors));
                if complete && pd.is_empty() {
                    self.result(
                        self.dynamic_version,
                        factors,
                        self.intercepts_1y
                            .map(|i| (self.dynamic_model.intercept, i.1)),
                    )
                } else {
                    factors.discard();
                    crate::PredictorResult::not_calculable(self.dynamic_version, pd.into_reasons())
                }
            }
            _ => {
                dynamic_factors(self.items, input, &mut pd, None);
                crate::PredictorResult::not_calculable(self.dynamic_version, pd.into_reasons())
            }
        };
        (static_result, dynamic_result)
    }

    #[inline(always)]
    fn result(
        &self,
        version: &'static str,
        factors: Terms<'_>,
        intercepts: Option<(f64, f64)>,
    ) -> crate::PredictorResult {
        use crate::numeric::{logistic, percent_hundredths};
        use crate::result::{Band, Percentage, PredictorResult, Status};

        let z2 = factors.total();
        let explanation = factors.finish();
        let p2 = logistic(z2);
        let pct2 = percent_hundredths(p2);
        let z1 = intercepts.map(|(two_year, one_year)| z2 - two_year + one_year);
        let p1 = z1.map(logistic);
        PredictorResult {
            probability_1y: p1,
            probability_2y: Some(p2),
            percentage_1y: p1.map(|p| Percentage::Hundredths(percent_hundredths(p))),
            percentage_2y: Some(Percentage::Hundredths(pct2)),
            band: self.bands.map(|bounds| Band::from_bounds(pct2, bounds)),
            linear_predictor_1y: z1,
            linear_predictor_2y: Some(z2),
            explanation,
            ..PredictorResult::empty(Status::Calculated, version)
        }
    }
}

/// A 0–2 rating item read from the input field of the same name.
macro_rules! rating {
    ($field:ident, $coefficient:expr) => {
        Item {
            factor: stringify!($field),
            kind: ItemKind::Rating(stringify!($field), |i| i.$field),
            coefficient: $coefficient,
            slot: crate::model::Slot::$field,
        }
    };
}
pub(crate) use rating;

/// A Yes/No item (Yes = 1) read from the input field of the same name.
macro_rules! flag {
    ($field:ident, $coefficient:expr) => {
        Item {
            factor: stringify!($field),
            kind: ItemKind::Flag(stringify!($field), |i| i.$field),
            coefficient: $coefficient,
            slot: crate::model::Slot::$field,
        }
    };
}
pub(crate) use flag;

/// An optional drug flag read from the input field of the same name.
macro_rules! drug {
    ($field:ident, $coefficient:expr) => {
        Item {
            factor: stringify!($field),
            kind: ItemKind::Drug(stringify!($field), |i| i.$field),
            coefficient: $coefficient,
            slot: crate::model::Slot::$field,
        }
    };
}
pub(crate) use drug;
