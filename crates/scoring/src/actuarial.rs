//! ARP, VRP and SVRP (spec §10, the 2025 "v4.11" set): static and dynamic logistic models of any,
//! violent and serious violent proven reoffending within two years.

use crate::model::{
    Copas, HistoryModel, Item, ItemKind, Predictor, Slot, ViolentHistory, drug, flag, rating,
};
use crate::offence::{CategoryColumn, OffenceCategory};

const ARP_STATIC: HistoryModel = HistoryModel {
    intercept: 5.01702292499072,
    age_male: [
        -0.142428460338541,
        0.0011000413899151,
        0.0000198538471606,
        -0.0000002648918335,
    ],
    age_female: [
        -0.0175014516689226,
        0.0001625346907234,
        0.0000003645241305,
        -0.0000000746220588,
    ],
    female: -2.95224200717183,
    first_sanction: -3.94357049933093,
    second_sanction: -3.06189212045904,
    gap_male: -0.0432051839161834,
    gap_female: -0.0427998315841607,
    sanction_count: -0.0042757301284995,
    ofm: [
        -0.0762086223169624,
        0.0016230134182902,
        0.0000224473135387,
        -0.0000012808638685,
    ],
    copas: Copas::General {
        male: 1.55298303083717,
        female: 1.01980307124196,
        male_squared: 0.129334968245905,
        female_squared: -0.039439197041062,
    },
};

const ARP_DYNAMIC: HistoryModel = HistoryModel {
    intercept: 3.83654148692014,
    age_male: [
        -0.110202179628585,
        0.0006726723443858,
        0.0000138719445957,
        -0.0000001610775422,
    ],
    age_female: [
        -0.0097677485919972,
        0.000126702732348,
        -0.0000006094926795,
        -0.0000000713415862,
    ],
    female: -2.68801056322021,
    first_sanction: -3.39824378336932,
    second_sanction: -2.60344581288004,
    gap_male: -0.0319725028712099,
    gap_female: -0.0311412361734414,
    sanction_count: -0.0030262875646805,
    ofm: [-0.0531180383905312, 0.0004075218530422, 0.0, 0.0],
    copas: Copas::General {
        male: 1.24540523044696,
        female: 0.829951359317464,
        male_squared: 0.0801894262854395,
        female_squared: -0.0430018109602918,
    },
};

const VRP_STATIC: HistoryModel = HistoryModel {
    intercept: 3.12324433235579,
    age_male: [
        -0.104477239763612,
        0.0008606154365776,
        0.000013815779629,
        -0.0000001960154357,
    ],
    age_female: [
        -0.0151569773369266,
        -0.0000517057104954,
        -0.0000007587337191,
        0.0000000203053155,
    ],
    female: -1.84281451035478,
    first_sanction: -1.90092364059771,
    second_sanction: -1.10995084554834,
    gap_male: -0.0517946785377468,
    gap_female: -0.0524808327112117,
    sanction_count: -0.0067658067744931,
    ofm: [
        -0.073627004774941,
        0.0015286971037078,
        0.0000095033186151,
        -0.0000008860433091,
    ],
    copas: Copas::Violent {
        male: 0.620598396891494,
        female: 0.507851479286236,
        violence: ViolentHistory {
            never_male: -2.19912021141319,
            never_female: -2.8090905835064,
            once: 0.164824968220639,
            count: 0.0185294325031695,
            rate: 0.522272685793084,
        },
    },
};

const VRP_DYNAMIC: HistoryModel = HistoryModel {
    intercept: 1.81687448362791,
    age_male: [-0.0645236564493287, 0.0004644696772777, 0.0, 0.0],
    age_female: [
        -0.0106819944976555,
        -0.0000220033910434,
        -0.0000003141984277,
        -0.0000000174402455,
    ],
    female: -1.47587262099647,
    first_sanction: -1.84616323808687,
    second_sanction: -1.08289822438739,
    gap_male: -0.0448978159143418,
    gap_female: -0.036873809313859,
    sanction_count: -0.0068338285932122,
    ofm: [-0.0527396206616632, 0.0004145060463894, 0.0, 0.0],
    copas: Copas::Violent {
        male: 0.599255596112212,
        female: 0.477448279367104,
        violence: ViolentHistory {
            never_male: -1.72067702170194,
            never_female: -2.24064936845545,
            once: 0.158357795142317,
            count: 0.0143780957599777,
            rate: 0.417038098120116,
        },
    },
};

const SVRP_STATIC: HistoryModel = HistoryModel {
    intercept: -0.970734555223987,
    age_male: [-0.035211251525685, -0.0002101460036267, 0.0, 0.0],
    age_female: [-0.0194307797540929, -0.0000241385941049, 0.0, 0.0],
    female: -1.55855151937225,
    first_sanction: -2.3335499201698,
    second_sanction: -1.36161428849118,
    gap_male: -0.117956562302911,
    gap_female: -0.0402256071602197,
    sanction_count: -0.0250462590018653,
    ofm: [
        -0.0318548411238394,
        0.0002165688028517,
        0.0000046604929835,
        -0.000000152324083,
    ],
    copas: Copas::Violent {
        male: 0.936944231003216,
        female: 0.853626611755616,
        violence: ViolentHistory {
            never_male: -1.5382238276355,
            never_female: -2.33948463970808,
            once: -0.0013488533112443,
            count: 0.0141947749755811,
            rate: 0.250478471909382,
        },
    },
};

const SVRP_DYNAMIC: HistoryModel = HistoryModel {
    intercept: -1.70588696906607,
    age_male: [-0.0343861125060411, -0.0002060693939063, 0.0, 0.0],
    age_female: [-0.0215931881507551, -0.0000539574087783, 0.0, 0.0],
    female: -1.609748656497,
    first_sanction: -2.26703484992352,
    second_sanction: -1.17946726635964,
    gap_male: -0.0967640128116584,
    gap_female: -0.1712941019545757,
    sanction_count: -0.025992075782348,
    ofm: [
        -0.029248960074744,
        0.0003119515647398,
        0.0000022269607594,
        -0.0000002955293324,
    ],
    copas: Copas::Violent {
        male: 0.858101289182386,
        female: 0.848200474467235,
        violence: ViolentHistory {
            never_male: -1.09871100777043,
            never_female: -1.36716291233552,
            once: 0.077746849480619,
            count: 0.006532999224634,
            rate: 0.165137054547059,
        },
    },
};

const fn unemployed(coefficient: f64) -> Item {
    Item {
        factor: "unemployed",
        kind: ItemKind::Unemployed,
        coefficient,
        slot: Slot::unemployed,
    }
}
const fn living_together(coefficient: f64) -> Item {
    Item {
        factor: "living_together",
        kind: ItemKind::LivingTogether,
        coefficient,
        slot: Slot::living_together,
    }
}
const fn living_together_x_partner(coefficient: f64) -> Item {
    Item {
        factor: "living_together_x_partner_relationship",
        kind: ItemKind::LivingTogetherTimesPartner,
        coefficient,
        slot: Slot::living_together_x_partner_relationship,
    }
}
const fn perpetrator(coefficient: f64) -> Item {
    Item {
        factor: "domestic_abuse_partner_perpetrator",
        kind: ItemKind::DomesticAbusePerpetrator,
        coefficient,
        slot: Slot::domestic_abuse_partner_perpetrator,
    }
}
const fn drug_motivation(coefficient: f64) -> Item {
    Item {
        factor: "drug_misuse_motivation",
        kind: ItemKind::DrugMotivation,
        coefficient,
        slot: Slot::drug_misuse_motivation,
    }
}
const fn any_other_drug(coefficient: f64) -> Item {
    Item {
        factor: "drug_any_other",
        kind: ItemKind::AnyOtherDrug,
        coefficient,
        slot: Slot::drug_any_other,
    }
}

/// ARP dynamic items, in the order of table 10.4.
pub(crate) const ARP_ITEMS: [Item; 21] = [
    rating!(accommodation_suitability, 0.0848049158355753),
    unemployed(0.0317783733809377),
    living_together(-0.266331545877519),
    rating!(partner_relationship, 0.0364051885005138),
    living_together_x_partner(0.141655261924428),
    perpetrator(0.0635669196833949),
    rating!(activities_encourage_offending, 0.126491602592029),
    drug_motivation(0.08615424993393),
    rating!(alcohol_current_use, 0.0745006703601772),
    rating!(alcohol_binge, 0.0338427436465108),
    rating!(impulsivity, 0.0421988370095297),
    rating!(pro_criminal_attitudes, 0.0439083095441417),
    drug!(drug_heroin, 0.182096496867273),
    drug!(drug_other_opiates, 0.17892958261215),
    drug!(drug_crack_cocaine, 0.109095964190426),
    drug!(drug_powder_cocaine, 0.0605135470691152),
    drug!(drug_misused_prescribed, 0.0252240614607483),
    drug!(drug_benzodiazepines, 0.0764353348164513),
    drug!(drug_cannabis, 0.049300440360878),
    drug!(drug_steroids, 0.202231737251706),
    any_other_drug(0.0267794308651123),
];

/// VRP dynamic items, in the order of table 10.4.
pub(crate) const VRP_ITEMS: [Item; 21] = [
    rating!(accommodation_suitability, 0.105430245512805),
    unemployed(0.0331815664323161),
    living_together(-0.257910738309657),
    rating!(partner_relationship, 0.0289758277705754),
    living_together_x_partner(0.117527515244771),
    perpetrator(0.108473730672409),
    rating!(activities_encourage_offending, 0.0655491304584261),
    drug_motivation(0.0566501342651779),
    rating!(alcohol_current_use, 0.122533179215598),
    rating!(alcohol_binge, 0.0981126172766304),
    rating!(impulsivity, 0.0323581330157977),
    rating!(temper_control, 0.091904896744703),
    drug!(drug_methadone, 0.0576906845544844),
    drug!(drug_other_opiates, 0.0753935224854228),
    drug!(drug_crack_cocaine, 0.0902595215602798),
    drug!(drug_powder_cocaine, 0.087313111600886),
    drug!(drug_misused_prescribed, 0.139018812980245),
    drug!(drug_benzodiazepines, 0.0587469123708279),
    drug!(drug_cannabis, 0.001864706197971),
    drug!(drug_steroids, 0.342197551153158),
    any_other_drug(0.150053208890266),
];

/// SVRP dynamic items, in the order of table 10.4.
pub(crate) const SVRP_ITEMS: [Item; 15] = [
    flag!(weapon_in_offence, 0.385215247009075),
    rating!(accommodation_suitability, 0.0442239531567977),
    unemployed(0.0734628466183293),
    rating!(alcohol_current_use, 0.0765545992903705),
    rating!(temper_control, 0.124207407357376),
    rating!(pro_criminal_attitudes, 0.0982315473681468),
    flag!(previous_homicide, 0.355308819798017),
    flag!(previous_wounding_gbh, 0.399845826788494),
    flag!(previous_kidnapping, 0.534510912919277),
    flag!(previous_firearm, 0.780403925884582),
    flag!(previous_robbery, 0.290562230335504),
    flag!(previous_aggravated_burglary, 0.183891831607701),
    flag!(previous_weapon, 0.231407077551008),
    flag!(previous_criminal_damage_life, 1.01491061134195),
    flag!(previous_arson, 0.0073649024927637),
];

/// Table 10.3 offence terms: ARP static, ARP dynamic, VRP static, VRP dynamic, SVRP static,
/// SVRP dynamic. SVRP's violence-against-the-person rows are written as the sum the spec shows.
const OFFENCE_TERMS: [[f64; 6]; 24] = [
    [
        -0.110075583936778,
        -0.171350876457525,
        0.109809951520084,
        0.077028816727511,
        0.0881806276607277,
        0.110262124783647,
    ],
    [
        -0.110075583936778,
        -0.171350876457525,
        0.109809951520084,
        0.077028816727511,
        0.0032426570273524 + 0.0881806276607277,
        -0.158615820403553 + 0.110262124783647,
    ],
    [
        -0.110075583936778,
        -0.171350876457525,
        0.109809951520084,
        0.077028816727511,
        0.316916255872188 + 0.0881806276607277,
        -0.0859338473048713 + 0.110262124783647,
    ],
    [
        -0.110075583936778,
        -0.171350876457525,
        0.109809951520084,
        0.077028816727511,
        -0.109313634130027 + 0.0881806276607277,
        -0.492759700145113 + 0.110262124783647,
    ],
    [
        -0.110075583936778,
        -0.171350876457525,
        0.109809951520084,
        0.077028816727511,
        0.265777493636431 + 0.0881806276607277,
        0.038831669251795 + 0.110262124783647,
    ],
    [
        -0.119211282701221,
        -0.177705019766066,
        -0.0032926198476618,
        0.0442727884290873,
        0.34905826404493,
        0.0719174180811535,
    ],
    [
        0.0854410288820027,
        0.0629726265569029,
        0.356342355096462,
        0.348649087179239,
        -0.102680989477238,
        -0.165010485104843,
    ],
    [
        0.169969798103235,
        0.0919115743401314,
        -0.159028472471635,
        -0.249001167005262,
        -0.481426313870417,
        -0.545166046667834,
    ],
    [
        0.111620464721896,
        0.0175628084853824,
        -0.930849896127774,
        -0.994785930428512,
        -0.269534814977957,
        -0.60993507861302,
    ],
    [
        0.155944202809011,
        0.153587984043406,
        0.189290151743428,
        0.235304808003462,
        0.427440297941078,
        0.392304322484302,
    ],
    [
        0.2060248043228,
        0.222442735978286,
        0.152185842790808,
        0.191809657473981,
        0.283654004619677,
        0.210475686624578,
    ],
    [
        0.462548123919817,
        0.428689161915978,
        0.260179775875471,
        0.257081681109148,
        -0.126315026107379,
        -0.047968924813678,
    ],
    [
        0.088414958679896,
        0.155377725974202,
        0.0120019188396128,
        0.160583400555203,
        0.20156598193072,
        0.405987757430537,
    ],
    [
        0.173405416410866,
        0.164192212478264,
        0.165882021264931,
        0.200392887919135,
        0.286214108247545,
        0.335872011000959,
    ],
    [
        -0.434791453303048,
        -0.322533218006326,
        -0.362999252067375,
        -0.215055195882386,
        -0.0932918356073765,
        0.128223795291931,
    ],
    [
        -1.15395495579948,
        -0.841992532871743,
        -0.987504454326342,
        -0.937073522898054,
        -2.75700217295462,
        -2.54378150425616,
    ],
    [
        0.325485504296161,
        0.236777685679456,
        0.351192370764659,
        0.332310036782829,
        0.361929924513904,
        0.414243541008181,
    ],
    [
        -0.0439980822830184,
        0.0730361702901059,
        -0.184914428055833,
        -0.0219990134288181,
        0.0805237507490763,
        0.285285632874374,
    ],
    [
        -0.264724530382273,
        -0.196918572042409,
        -0.0955339743007365,
        -0.0243380584056904,
        -0.0870700781552191,
        0.0719681498702402,
    ],
    [
        0.587490417262633,
        0.523303164370094,
        0.897225111715064,
        0.832786589840741,
        -0.169817158710549,
        -0.266212126484843,
    ],
    [
        0.12167599899735,
        0.0250113803601321,
        0.371503082545136,
        0.302881895872264,
        0.254391121973677,
        0.184857953812071,
    ],
    [
        -0.468252524851408,
        -0.437670727296335,
        -0.422720654391483,
        -0.310067077915746,
        -0.151563625759297,
        0.146018219011484,
    ],
    [
        0.0204101986121863,
        0.0049716912817919,
        -0.0876488981693274,
        -0.0226462288920859,
        0.196404663980207,
        0.210481894371787,
    ],
    [
        0.0384434393037725,
        0.0971157179525287,
        0.0998951874967628,
        0.186300883246964,
        0.175156031546492,
        0.135286411622716,
    ],
];

fn term(category: OffenceCategory, column: usize) -> f64 {
    OFFENCE_TERMS[category.index()][column]
}

/// ARP, `arp_static` and `arp_dynamic`.
pub(crate) const ARP: Predictor = Predictor {
    static_version: "arp-static/v4.11",
    dynamic_version: "arp-dynamic/v4.11",
    static_model: ARP_STATIC,
    dynamic_model: ARP_DYNAMIC,
    intercepts_1y: None,
    offence_term: |c, dynamic| term(c, usize::from(dynamic)),
    column: CategoryColumn::Actuarial,
    uses_violent_sanctions: false,
    items: &ARP_ITEMS,
    bands: Some([5000, 7500, 9000]),
};

/// VRP, `vrp_static` and `vrp_dynamic`.
pub(crate) const VRP: Predictor = Predictor {
    static_version: "vrp-static/v4.11",
    dynamic_version: "vrp-dynamic/v4.11",
    static_model: VRP_STATIC,
    dynamic_model: VRP_DYNAMIC,
    intercepts_1y: None,
    offence_term: |c, dynamic| term(c, 2 + usize::from(dynamic)),
    column: CategoryColumn::Actuarial,
    uses_violent_sanctions: true,
    items: &VRP_ITEMS,
    bands: Some([3000, 6000, 8000]),
};

/// SVRP, `svrp_static` and `svrp_dynamic`.
pub(crate) const SVRP: Predictor = Predictor {
    static_version: "svrp-static/v4.11",
    dynamic_version: "svrp-dynamic/v4.11",
    static_model: SVRP_STATIC,
    dynamic_model: SVRP_DYNAMIC,
    intercepts_1y: None,
    offence_term: |c, dynamic| term(c, 4 + usize::from(dynamic)),
    column: CategoryColumn::Actuarial,
    uses_violent_sanctions: true,
    items: &SVRP_ITEMS,
    bands: Some([100, 300, 690]),
};
