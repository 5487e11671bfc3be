//! Exact decimal rounding of binary probabilities, the logistic link and calendar arithmetic
//! (whole years and months) shared by every predictor (spec §2).

use chrono::{Datelike, Months, NaiveDate};

/// `1 / (1 + e^-z)`, evaluated in the form that cannot overflow for any finite `z`.
pub(crate) fn logistic(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

/// Rounds the exact value of `x · 10^digits` to an integer, ties away from zero.
///
/// The product is formed exactly from the f64's mantissa and exponent (no binary multiplication
/// by 100 first), so a value that lies on a decimal boundary is rounded as the spec requires
/// (§2.4): `0.125` at 2 digits gives 13, `1/64` at 5 digits gives 1563. `digits` is at most 6.
/// Not-a-number gives 0; infinities saturate.
pub(crate) fn round_half_up_scaled(x: f64, digits: u32) -> i64 {
    if x.is_nan() {
        return 0;
    }
    if x.is_infinite() {
        return if x > 0.0 { i64::MAX } else { i64::MIN };
    }
    let magnitude = round_magnitude(x.abs(), digits.min(6));
    if x < 0.0 { -magnitude } else { magnitude }
}

fn round_magnitude(x: f64, digits: u32) -> i64 {
    if x == 0.0 {
        return 0;
    }
    let bits = x.to_bits();
    let raw_exponent = ((bits >> 52) & 0x7ff) as i32;
    let fraction = bits & ((1u64 << 52) - 1);
    // x = mantissa · 2^exponent exactly.
    let (mantissa, exponent) = if raw_exponent == 0 {
        (fraction, -1074)
    } else {
        (fraction | (1u64 << 52), raw_exponent - 1075)
    };
    let scaled = u128::from(mantissa) * 10u128.pow(digits); // < 2^73
    if exponent >= 0 {
        let shifted = if exponent >= 50 {
            u128::MAX
        } else {
            scaled << exponent
        };
        return i64::try_from(shifted).unwrap_or(i64::MAX);
    }
    let shift = exponent.unsigned_abs();
    if shift > 80 {
        return 0; // the value is below 2^73 / 2^81 < 0.5
    }
    let whole = scaled >> shift;
    let remainder = scaled & ((1u128 << shift) - 1);
    let half = 1u128 << (shift - 1);
    let rounded = if remainder >= half { whole + 1 } else { whole };
    i64::try_from(rounded).unwrap_or(i64::MAX)
}

/// Completed years from `from` to `to` (spec §2.2): negative, towards zero, when `to` is earlier.
pub(crate) fn whole_years(from: NaiveDate, to: NaiveDate) -> i64 {
    whole_months(from, to) / 12
}

/// Completed months from `from` to `to` (spec §2.2): negative, towards zero, when `to` is earlier.
pub(crate) fn whole_months(from: NaiveDate, to: NaiveDate) -> i64 {
    if to < from {
        return -whole_months(to, from);
    }
    let mut months = 12 * (i64::from(to.year()) - i64::from(from.year()))
        + (i64::from(to.month()) - i64::from(from.month()));
    if to.day() < from.day() {
        months -= 1;
    }
    months
}

/// The date three months later, the day clamped to the end of the month (spec §2.2);
/// `None` only past chrono's last representable date.
pub(crate) fn plus_three_months(date: NaiveDate) -> Option<NaiveDate> {
    date.checked_add_months(Months::new(3))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().expect("test date")
    }

    #[test]
    fn ties_round_away_from_zero() {
        assert_eq!(round_half_up_scaled(0.125, 2), 13);
        assert_eq!(round_half_up_scaled(0.015625, 5), 1563);
        assert_eq!(round_half_up_scaled(-0.125, 2), -13);
        assert_eq!(round_half_up_scaled(2.5, 0), 3);
    }

    #[test]
    fn non_ties_follow_the_exact_binary_value() {
        // 0.145 is stored as 0.14499999999999999001… so it rounds down at 2 digits.
        assert_eq!(round_half_up_scaled(0.145, 2), 14);
        // 1.005 is stored as 1.00499999999999989…
        assert_eq!(round_half_up_scaled(1.005, 2), 100);
        assert_eq!(round_half_up_scaled(0.89299, 5), 89299);
        assert_eq!(round_half_up_scaled(0.0, 4), 0);
        assert_eq!(round_half_up_scaled(f64::MIN_POSITIVE, 4), 0);
        assert_eq!(round_half_up_scaled(5e-324, 6), 0);
        assert_eq!(round_half_up_scaled(f64::NAN, 2), 0);
        assert_eq!(round_half_up_scaled(1e300, 2), i64::MAX);
    }

    #[test]
    fn agrees_with_decimal_expansion_on_many_values() {
        // Rust's `{:.40}` prints the exact expansion of these values (no rounding below 1e-40
        // matters for them): compare with a half-up rounding done on the printed digits.
        for i in 0..20_000u32 {
            let x = f64::from(i) / 19_997.0;
            let text = format!("{x:.60}");
            let (int, frac) = text.split_once('.').expect("decimal point");
            let kept: i64 = format!("{int}{}", &frac[..4]).parse().expect("digits");
            let next = frac.as_bytes()[4];
            let expected = if next >= b'5' { kept + 1 } else { kept };
            assert_eq!(round_half_up_scaled(x, 4), expected, "x = {text}");
        }
    }

    #[test]
    fn logistic_is_stable_and_bounded() {
        assert!((logistic(0.0) - 0.5).abs() < 1e-15);
        assert_eq!(logistic(-1000.0), 0.0);
        assert_eq!(logistic(1000.0), 1.0);
        assert!((logistic(2.1217) - 0.8929944).abs() < 1e-6);
    }

    #[test]
    fn whole_years_follow_birthdays() {
        assert_eq!(whole_years(d("2000-02-29"), d("2001-02-28")), 0);
        assert_eq!(whole_years(d("2000-02-29"), d("2001-03-01")), 1);
        assert_eq!(whole_years(d("1965-12-07"), d("2026-12-06")), 60);
        assert_eq!(whole_years(d("2030-01-01"), d("2025-01-02")), -4);
        assert_eq!(whole_months(d("2024-01-31"), d("2024-02-29")), 0);
        assert_eq!(whole_months(d("2024-01-01"), d("2025-01-01")), 12);
    }

    #[test]
    fn three_months_clamp_to_month_end() {
        assert_eq!(plus_three_months(d("2023-11-30")), Some(d("2024-02-29")));
        assert_eq!(plus_three_months(d("2022-11-30")), Some(d("2023-02-28")));
        assert_eq!(plus_three_months(d("2025-01-15")), Some(d("2025-04-15")));
    }
}

/// Rule P-int (OGP, OVP): whole percentage, clamped to 1–99.
pub(crate) fn percent_whole(p: f64) -> i64 {
    clamp_whole(round_half_up_scaled(p, 2))
}

/// Rule P-int5 (OGRS3, decision D9): round to 5 decimals, then to a whole percentage in decimal
/// arithmetic, clamped to 1–99.
pub(crate) fn percent_whole_via_5dp(p: f64) -> i64 {
    let q = round_half_up_scaled(p, 5); // p rounded to 5 decimals, in units of 1e-5
    let whole = if q >= 0 {
        (q + 500) / 1000
    } else {
        -((-q + 500) / 1000)
    };
    clamp_whole(whole)
}

fn clamp_whole(v: i64) -> i64 {
    if v <= 0 { 1 } else { v.min(99) }
}

/// Rule P-2dp: hundredths of a percent, clamped to 0.00–99.99.
pub(crate) fn percent_hundredths(p: f64) -> i64 {
    clamp_hundredths(round_half_up_scaled(p, 4))
}

/// The clamp of P-2dp, also applied to P-sum.
pub(crate) fn clamp_hundredths(h: i64) -> i64 {
    if h <= 0 { 0 } else { h.min(9999) }
}

#[cfg(test)]
mod display_tests {
    use super::*;

    #[test]
    fn displayed_percentages_follow_the_spec_rules() {
        assert_eq!(percent_whole(0.125), 13);
        assert_eq!(percent_whole(0.0), 1);
        assert_eq!(percent_whole(0.996), 99);
        assert_eq!(percent_whole_via_5dp(0.1570961662), 16);
        // 0.124996 rounds to 0.12500 at 5 dp, then half up to 13 (a direct rounding gives 12).
        assert_eq!(percent_whole_via_5dp(0.124996), 13);
        assert_eq!(percent_hundredths(0.0027603294949487), 28);
        assert_eq!(percent_hundredths(0.0), 0);
        assert_eq!(percent_hundredths(1.0), 9999);
        assert_eq!(clamp_hundredths(-3), 0);
    }
}
