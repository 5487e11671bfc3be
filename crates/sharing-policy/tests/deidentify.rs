//! De-identification: HMAC against RFC 4231, stable keyed pseudonyms, no identifiers or text in
//! records, analysts only, small cells suppressed.

mod common;

use std::collections::BTreeMap;

use common::*;
use oasys_sharing_policy::deidentify::{Cell, age_band, hmac_sha256};
use oasys_sharing_policy::render::hex;
use oasys_sharing_policy::*;

#[test]
fn hmac_matches_rfc_4231_case_2() {
    let mac = hmac_sha256(b"Jefe", b"what do ya want for nothing?");
    assert_eq!(
        hex(&mac),
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    );
}

#[test]
fn records_carry_no_identifiers_and_pseudonyms_depend_on_the_key() {
    let a = assessment(true);
    let k1 = PseudonymKey::new(&[7u8; 32]).unwrap();
    let k2 = PseudonymKey::new(&[8u8; 32]).unwrap();
    assert!(PseudonymKey::new(b"short").is_err());
    assert!(!format!("{k1:?}").contains('7'));
    let r1 = deidentify(&a, &k1).unwrap();
    assert_eq!(r1, deidentify(&a, &k1).unwrap());
    assert_ne!(r1.person, deidentify(&a, &k2).unwrap().person);
    assert_eq!(r1.age_band, "35-39");
    assert_eq!(r1.assessment_month, "2026-03");
    let json = serde_json::to_string(&r1).unwrap();
    for forbidden in [
        CRN,
        "Smith",
        "Sam",
        "1990",
        "MRK<",
        "00000000-0000-0000-0000-000000000001",
    ] {
        assert!(!json.contains(forbidden), "{forbidden} in {json}");
    }
    assert!(
        deidentify(&assessment(false), &k1).is_none(),
        "open drafts are not in the dataset"
    );
}

#[test]
fn only_analysts_get_the_dataset() {
    let a = vec![assessment(true)];
    let key = PseudonymKey::new(&[1u8; 16]).unwrap();
    let analyst = Actor::new("AN1", Role::Analyst, "HQ");
    assert_eq!(deidentified_dataset(&analyst, &a, &key).unwrap().len(), 1);
    for role in Role::ALL.into_iter().filter(|r| *r != Role::Analyst) {
        assert!(
            deidentified_dataset(&Actor::new("U", role, "HQ"), &a, &key).is_err(),
            "{role:?}"
        );
    }
    let case = case(RequestState::Received, None);
    for action in Action::ALL {
        assert!(
            !decide(&analyst, action, &case).is_allowed(),
            "analyst allowed {action:?} on a case"
        );
    }
}

#[test]
fn small_cells_are_suppressed_and_bands_are_coarse() {
    let counts: BTreeMap<&str, u64> = [("a", 0), ("b", 3), ("c", 9), ("d", 10)].into();
    let out = suppress_small_cells(&counts);
    assert_eq!(out["a"], Cell::Count(0));
    assert_eq!(out["b"], Cell::Suppressed);
    assert_eq!(out["c"], Cell::Suppressed);
    assert_eq!(out["d"], Cell::Count(10));
    assert_eq!(age_band(17), "under 18");
    assert_eq!(age_band(18), "18-20");
    assert_eq!(age_band(24), "21-24");
    assert_eq!(age_band(64), "60-64");
    assert_eq!(age_band(70), "65+");
}
