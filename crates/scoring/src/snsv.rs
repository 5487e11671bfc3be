//! SNSV v1 (spec §9): Serious Non-Sexual Violence, static and dynamic logistic models, the
//! violence component of RSR. Coefficients from table 9.2, offence terms from table 9.3.

use crate::model::{
    Copas, HistoryModel, Item, ItemKind, Predictor, Slot, ViolentHistory, flag, rating,
};
use crate::offence::{CategoryColumn, OffenceCategory};

const STATIC: HistoryModel = HistoryModel {
    intercept: 3.60407707356772,
    age_male: [
        -0.546062410902905,
        0.0170043887737295,
        -0.000232716989498981,
        0.000001094922933981,
    ],
    age_female: [
        1.09365106131567,
        -0.042733609488121,
        0.000697583963826421,
        -0.00000404895085233227,
    ],
    female: -16.6220270089011,
    first_sanction: -2.09447596484765,
    second_sanction: -1.67613460779912,
    gap_male: -0.0292205730647305,
    gap_female: -0.0841673003341906,
    sanction_count: -0.0147495874606046,
    ofm: [
        -0.038382727965819,
        0.000548515180678996,
        0.0000662558757635182,
        -0.00000159636460181398,
    ],
    copas: Copas::Violent {
        male: 0.769213898314811,
        female: 0.793186572461819,
        violence: ViolentHistory {
            never_male: -0.942816163300621,
            never_female: -2.32321324569237,
            once: -0.0633592949212861,
            count: 0.0188685880078656,
            rate: 0.207442427665471,
        },
    },
};

const DYNAMIC: HistoryModel = HistoryModel {
    intercept: 2.39022796091603,
    age_male: [
        -0.508802063507919,
        0.0153890192629454,
        -0.000208800171123703,
        0.000000983824143383739,
    ],
    age_female: [
        1.1436499550056,
        -0.0448159815299769,
        0.000731812620052307,
        -0.00000424504210770651,
    ],
    female: -16.6927292697847,
    first_sanction: -1.89458617745666,
    second_sanction: -1.51763151836726,
    gap_male: -0.0271828619470523,
    gap_female: -0.0960719132524968,
    sanction_count: -0.0182592921752245,
    ofm: [
        -0.0368447371150021,
        0.000557887384281899,
        0.0000615531052486415,
        -0.00000149652694510477,
    ],
    copas: Copas::Violent {
        male: 0.689153313085879,
        female: 0.76704149890481,
        violence: ViolentHistory {
            never_male: -0.35940007303088,
            never_female: -1.7513536371131,
            once: -0.101514048705338,
            count: 0.021160895925655,
            rate: 0.0549319831836878,
        },
    },
};

/// Table 9.4, in its order.
pub(crate) const ITEMS: [Item; 19] = [
    flag!(weapon_in_offence, 0.15071282416667),
    rating!(accommodation_suitability, 0.0619710049121293),
    Item {
        factor: "unemployed",
        kind: ItemKind::Unemployed,
        coefficient: 0.0389109699626767,
        slot: Slot::unemployed,
    },
    rating!(partner_relationship, 0.0259107268767618),
    Item {
        factor: "domestic_abuse_partner_perpetrator",
        kind: ItemKind::DomesticAbusePerpetrator,
        coefficient: 0.0847839330659903,
        slot: Slot::domestic_abuse_partner_perpetrator,
    },
    rating!(alcohol_current_use, 0.0935672441515258),
    rating!(alcohol_binge, 0.0567127896345591),
    rating!(impulsivity, 0.077212834605957),
    rating!(temper_control, 0.0482892034688302),
    rating!(pro_criminal_attitudes, 0.130830533773332),
    flag!(previous_homicide, 0.399463399258737),
    flag!(previous_wounding_gbh, 0.451029720739399),
    flag!(previous_kidnapping, 0.0749101406070305),
    flag!(previous_firearm, 0.218055028351022),
    flag!(previous_robbery, 0.163248217650296),
    flag!(previous_aggravated_burglary, 0.506616685297771),
    flag!(previous_weapon, 0.184104582611966),
    flag!(previous_criminal_damage_life, 0.357345708081477),
    flag!(previous_arson, 0.12261588608151),
];

/// Table 9.3: (static base, dynamic base, static violence add-on, dynamic violence add-on).
const OFFENCE_TERMS: [(f64, f64, f64, f64); 24] = [
    (0.01927038224, -0.006538498404, 0.0, 0.0),
    (
        0.01927038224,
        -0.006538498404,
        0.238802610774108,
        0.204895023669854,
    ),
    (
        0.01927038224,
        -0.006538498404,
        0.331898861349699,
        0.200143106218146,
    ),
    (
        0.01927038224,
        -0.006538498404,
        0.503126183131338,
        0.41315945136753,
    ),
    (
        0.01927038224,
        -0.006538498404,
        0.296194351653227,
        0.261448353627646,
    ),
    (0.326858080852591, 0.194487131847261, 0.0, 0.0),
    (0.0446132016665715, 0.0206396832377319, 0.0, 0.0),
    (-0.0455228893277184, -0.211172350332101, 0.0, 0.0),
    (-0.442179128494551, -0.407005679932105, 0.0, 0.0),
    (0.151649692548355, -0.226808217378264, 0.0, 0.0),
    (-0.194200416367268, -0.225990540250696, 0.0, 0.0),
    (0.0202407984946185, 0.0187611938936452, 0.0, 0.0),
    (-0.2245058213129, 0.0923765737156082, 0.0, 0.0),
    (0.226781312933932, 0.264445840395185, 0.0, 0.0),
    (-0.136811424047985, -0.210828726274969, 0.0, 0.0),
    (-0.0169128022430282, -0.0673831070937991, 0.0, 0.0),
    (0.304896300301182, 0.271350568105055, 0.0, 0.0),
    (-0.0286442357674878, 0.130461601097636, 0.0, 0.0),
    (-0.212258595209629, 0.156493599418026, 0.0, 0.0),
    (0.0841789642942883, 0.0819545573517356, 0.0, 0.0),
    (0.186977546333514, 0.00778028771796321, 0.0, 0.0),
    (0.0818982459627011, -0.0883945245425247, 0.0, 0.0),
    (0.0694507822486554, 0.081753216630546, 0.0, 0.0),
    (-0.215779995107354, 0.123617390798186, 0.0, 0.0),
];

fn offence_term(category: OffenceCategory, dynamic: bool) -> f64 {
    let (base_s, base_d, add_s, add_d) = OFFENCE_TERMS[category.index()];
    if dynamic {
        base_d + add_d
    } else {
        base_s + add_s
    }
}

/// SNSV, static (`snsv_static`) and dynamic (`snsv_dynamic`).
pub(crate) const SNSV: Predictor = Predictor {
    static_version: "snsv-static/v1",
    dynamic_version: "snsv-dynamic/v1",
    static_model: STATIC,
    dynamic_model: DYNAMIC,
    intercepts_1y: Some((2.9979555825474, 1.78331927182645)),
    offence_term,
    column: CategoryColumn::Snsv,
    uses_violent_sanctions: true,
    items: &ITEMS,
    bands: None,
};
