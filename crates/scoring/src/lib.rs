#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

mod actuarial;
mod catalogue;
mod check;
mod combined;
mod from_assessment;
mod input;
mod json;
mod model;
mod needs;
mod numeric;
mod offence;
mod ogp;
mod ogrs3;
mod ovp;
mod result;
mod sexual;
mod snsv;

use serde::Serialize;

pub use catalogue::{CatalogueError, catalogue_entry_from_columns};
pub use from_assessment::InputSource;
pub use input::PredictorInput;
pub use needs::{NeedResult, Needs, Severity};
pub use offence::{CatalogueEntry, OffenceCatalogue, OffenceCategory, Ogrs3Category, Ogrs3Mapping};
pub use result::{
    Band, Explanation, Factor, FactorValue, Percentage, PredictorResult, Reason, ReasonCode,
    Status, Variant,
};

/// The version of `predictors.md` this crate implements; written into every report.
///
/// ```
/// assert_eq!(oasys_scoring::score(&Default::default(), None).spec_version, oasys_scoring::SPEC_VERSION);
/// ```
pub const SPEC_VERSION: &str = "1.0";

/// Every predictor and need section for one input, in the order of the output contract (spec §13).
///
/// Serialising it with serde gives exactly the JSON object `oasys score` writes per line.
///
/// ```
/// let report = oasys_scoring::score(&Default::default(), None);
/// let json = serde_json::to_value(&report)?;
/// assert_eq!(json["spec_version"], "1.0");
/// assert!(json["needs"]["accommodation"].is_object());
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[allow(missing_docs)] // one field per predictor, named by its output key (spec §1)
pub struct ScoreReport {
    /// The input's `id`, echoed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// [`SPEC_VERSION`].
    pub spec_version: &'static str,
    pub ogrs3: PredictorResult,
    pub ogp: PredictorResult,
    pub ovp: PredictorResult,
    pub osp_dc: PredictorResult,
    pub osp_iic: PredictorResult,
    pub snsv_static: PredictorResult,
    pub snsv_dynamic: PredictorResult,
    pub rsr: PredictorResult,
    pub arp_static: PredictorResult,
    pub arp_dynamic: PredictorResult,
    pub vrp_static: PredictorResult,
    pub vrp_dynamic: PredictorResult,
    pub svrp_static: PredictorResult,
    pub svrp_dynamic: PredictorResult,
    pub dc_srp: PredictorResult,
    pub iic_srp: PredictorResult,
    pub csrp: PredictorResult,
    pub needs: Needs,
}

impl ScoreReport {
    /// Removes every explanation (for bulk runs that only need the scores).
    ///
    /// ```
    /// use oasys_scoring::{score, PredictorInput};
    /// let input: PredictorInput = serde_json::from_str(r#"{"gender":"male","date_of_birth":"1980-01-01",
    ///     "conviction_date":"2020-01-01","total_sanctions":1,"age_at_first_sanction":40,
    ///     "ogrs3_offence_category":"violence"}"#)?;
    /// let lean = score(&input, None).without_explanations();
    /// assert!(lean.ogrs3.is_calculated() && lean.ogrs3.explanation.is_empty());
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn without_explanations(mut self) -> Self {
        for result in self.predictors_mut() {
            result.explanation = Explanation::default();
        }
        self
    }

    /// Every predictor result, in contract order.
    fn predictors_mut(&mut self) -> [&mut PredictorResult; 17] {
        [
            &mut self.ogrs3,
            &mut self.ogp,
            &mut self.ovp,
            &mut self.osp_dc,
            &mut self.osp_iic,
            &mut self.snsv_static,
            &mut self.snsv_dynamic,
            &mut self.rsr,
            &mut self.arp_static,
            &mut self.arp_dynamic,
            &mut self.vrp_static,
            &mut self.vrp_dynamic,
            &mut self.svrp_static,
            &mut self.svrp_dynamic,
            &mut self.dc_srp,
            &mut self.iic_srp,
            &mut self.csrp,
        ]
    }

    /// Writes the report as one compact JSON object (no newline): exactly the bytes of
    /// `serde_json::to_writer(out, &report)`, several times faster. With `explanations` false
    /// every `explanation` is left out, as [`ScoreReport::without_explanations`] would.
    ///
    /// ```
    /// let report = oasys_scoring::score(&Default::default(), None);
    /// let mut fast = Vec::new();
    /// report.write_json(&mut fast, true)?;
    /// assert_eq!(fast, serde_json::to_vec(&report)?);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn write_json<W: std::io::Write>(
        &self,
        out: &mut W,
        explanations: bool,
    ) -> std::io::Result<()> {
        json::write_report(out, self, explanations)
    }

    /// Every predictor result with its output key, in contract order.
    ///
    /// ```
    /// let report = oasys_scoring::score(&Default::default(), None);
    /// let keys: Vec<&str> = report.predictors().iter().map(|(k, _)| *k).collect();
    /// assert_eq!(keys.first(), Some(&"ogrs3"));
    /// assert_eq!(keys.last(), Some(&"csrp"));
    /// ```
    pub fn predictors(&self) -> [(&'static str, &PredictorResult); 17] {
        [
            ("ogrs3", &self.ogrs3),
            ("ogp", &self.ogp),
            ("ovp", &self.ovp),
            ("osp_dc", &self.osp_dc),
            ("osp_iic", &self.osp_iic),
            ("snsv_static", &self.snsv_static),
            ("snsv_dynamic", &self.snsv_dynamic),
            ("rsr", &self.rsr),
            ("arp_static", &self.arp_static),
            ("arp_dynamic", &self.arp_dynamic),
            ("vrp_static", &self.vrp_static),
            ("vrp_dynamic", &self.vrp_dynamic),
            ("svrp_static", &self.svrp_static),
            ("svrp_dynamic", &self.svrp_dynamic),
            ("dc_srp", &self.dc_srp),
            ("iic_srp", &self.iic_srp),
            ("csrp", &self.csrp),
        ]
    }
}

/// Scores one input with every predictor and need section.
///
/// Each predictor is independent: a missing or invalid input makes only the predictors that use
/// it `not_calculable`, each listing every rule that failed. Offence codes are resolved through
/// `catalogue` when one is given; inputs that name their categories directly need none. Never
/// panics, reads no clock and does no I/O.
///
/// ```
/// use oasys_scoring::{score, Band, Percentage, PredictorInput, Status};
///
/// let input: PredictorInput = serde_json::from_str(r#"{
///     "gender": "male", "date_of_birth": "1991-07-17", "conviction_date": "2021-08-05",
///     "follow_up_start_date": "2021-12-12", "total_sanctions": 2, "age_at_first_sanction": 21,
///     "ogrs3_offence_category": "fraud_and_forgery"
/// }"#)?;
/// let report = score(&input, None);
/// assert_eq!(report.ogrs3.status, Status::Calculated);
/// assert_eq!(report.ogrs3.percentage_2y, Some(Percentage::Whole(20)));
/// assert_eq!(report.ogrs3.band, Some(Band::Low));
/// // Without need answers OGP cannot be calculated, and says why.
/// assert_eq!(report.ogp.status, Status::NotCalculable);
/// # Ok::<(), serde_json::Error>(())
/// ```
pub fn score(input: &PredictorInput, catalogue: Option<&OffenceCatalogue>) -> ScoreReport {
    score_with(input, catalogue, true)
}

/// [`score`] without building any explanation: exactly
/// `score(input, catalogue).without_explanations()`, for bulk runs that only need the scores
/// (`oasys score --no-explanation`), without the work of listing the factors.
///
/// ```
/// use oasys_scoring::{score, score_without_explanations, PredictorInput};
/// let input: PredictorInput = serde_json::from_str(r#"{"gender":"male","date_of_birth":"1980-01-01",
///     "conviction_date":"2020-01-01","total_sanctions":1,"age_at_first_sanction":40,
///     "ogrs3_offence_category":"violence"}"#)?;
/// let lean = score_without_explanations(&input, None);
/// assert!(lean.ogrs3.is_calculated() && lean.ogrs3.explanation.is_empty());
/// assert_eq!(lean, score(&input, None).without_explanations());
/// # Ok::<(), serde_json::Error>(())
/// ```
pub fn score_without_explanations(
    input: &PredictorInput,
    catalogue: Option<&OffenceCatalogue>,
) -> ScoreReport {
    score_with(input, catalogue, false)
}

fn score_with(
    input: &PredictorInput,
    catalogue: Option<&OffenceCatalogue>,
    explain: bool,
) -> ScoreReport {
    use sexual::Generation::{V1, V411};

    let shared = check::Shared::new(input, catalogue);
    let mut ex = result::Explainer::new(explain);
    let ogrs3 = ogrs3::score(input, catalogue, &shared, &mut ex);
    let ogp = ogp::score(input, &ogrs3, &mut ex);
    let ovp = ovp::score(input, &mut ex);
    let dc_srp = sexual::direct_contact(input, V411, &mut ex);
    let iic_srp = sexual::images_and_indirect(input, V411, &mut ex);
    let osp_dc = sexual::v1_from_v411(&dc_srp, sexual::OSP_DC)
        .unwrap_or_else(|| sexual::direct_contact(input, V1, &mut ex));
    let osp_iic = sexual::v1_from_v411(&iic_srp, sexual::OSP_IIC)
        .unwrap_or_else(|| sexual::images_and_indirect(input, V1, &mut ex));
    let (snsv_static, snsv_dynamic) = snsv::SNSV.score(input, &shared, &mut ex);
    let (arp_static, arp_dynamic) = actuarial::ARP.score(input, &shared, &mut ex);
    let (vrp_static, vrp_dynamic) = actuarial::VRP.score(input, &shared, &mut ex);
    let (svrp_static, svrp_dynamic) = actuarial::SVRP.score(input, &shared, &mut ex);
    let rsr = combined::score(
        input,
        &combined::Components {
            model: "rsr/v1",
            violence_key: "snsv",
            violence_static: &snsv_static,
            violence_dynamic: &snsv_dynamic,
            direct_key: "osp_dc",
            direct: &osp_dc,
            indirect_key: "osp_iic",
            indirect: &osp_iic,
            bands: [300, 690, i64::MAX],
        },
        &mut ex,
    );
    let csrp = combined::score(
        input,
        &combined::Components {
            model: "csrp/v4.11",
            violence_key: "svrp",
            violence_static: &svrp_static,
            violence_dynamic: &svrp_dynamic,
            direct_key: "dc_srp",
            direct: &dc_srp,
            indirect_key: "iic_srp",
            indirect: &iic_srp,
            bands: [100, 300, 690],
        },
        &mut ex,
    );
    let needs = needs::score(input);
    ex.finish();
    ScoreReport {
        id: input.id.clone(),
        spec_version: SPEC_VERSION,
        ogrs3,
        ogp,
        ovp,
        osp_dc,
        osp_iic,
        snsv_static,
        snsv_dynamic,
        rsr,
        arp_static,
        arp_dynamic,
        vrp_static,
        vrp_dynamic,
        svrp_static,
        svrp_dynamic,
        dc_srp,
        iic_srp,
        csrp,
        needs,
    }
}
