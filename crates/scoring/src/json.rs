//! A hand-written JSON writer for [`ScoreReport`]: the same bytes as `serde_json::to_writer`
//! with the derived `Serialize` impls (tested on every worked example and on random inputs), in
//! a fraction of the time. Keys and enumeration values are written as pre-escaped literals;
//! numbers and free text still go through serde_json, so their formatting and escaping are
//! serde_json's own.

use std::io::{self, Write};

use crate::needs::{NeedResult, Severity};
use crate::result::{Band, Factor, FactorValue, Percentage, PredictorResult, Reason, Status};
use crate::{ScoreReport, Variant};

/// A value serde_json formats (numbers, escaped strings).
fn value<W: Write, T: serde::Serialize + ?Sized>(out: &mut W, value: &T) -> io::Result<()> {
    serde_json::to_writer(out, value).map_err(io::Error::from)
}

/// A float as serde_json writes it; `0.0`, the most common contribution, without formatting.
fn float<W: Write>(out: &mut W, v: f64) -> io::Result<()> {
    if v.to_bits() == 0 {
        out.write_all(b"0.0")
    } else {
        value(out, &v)
    }
}

/// An integer as serde_json writes it; 0–99 (counts, points, section scores) digit by digit.
fn int<W: Write>(out: &mut W, v: i64) -> io::Result<()> {
    match u8::try_from(v) {
        Ok(v @ 0..=9) => out.write_all(&[b'0' + v]),
        Ok(v @ 10..=99) => out.write_all(&[b'0' + v / 10, b'0' + v % 10]),
        _ => value(out, &v),
    }
}

/// A string as serde_json writes it: copied as it is when nothing in it needs escaping.
fn text<W: Write>(out: &mut W, s: &str) -> io::Result<()> {
    let plain = s.bytes().fold(true, |ok, b| {
        ok & (b >= 0x20) & (b != b'"') & (b != b'\\') & (b != 0x7f)
    });
    if plain {
        out.write_all(b"\"")?;
        out.write_all(s.as_bytes())?;
        out.write_all(b"\"")
    } else {
        value(out, s)
    }
}

/// An optional integer serialised without `skip_serializing_if`: the value or `null`.
fn or_null<W: Write>(out: &mut W, v: Option<i64>) -> io::Result<()> {
    match v {
        Some(v) => int(out, v),
        None => out.write_all(b"null"),
    }
}

fn percentage<W: Write>(out: &mut W, p: Percentage) -> io::Result<()> {
    match p {
        Percentage::Whole(v) => int(out, v),
        Percentage::Hundredths(v) => hundredths(out, v),
    }
}

/// `v / 100` as serde_json writes the float: for 0–9999 (every displayed percentage) that is
/// the decimal itself, shortest form with at least one fractional digit (`10.36`, `0.05`,
/// `12.0`), since the float nearest to such a decimal has no shorter representation. Written
/// digit by digit; other values go through serde_json. Checked against serde_json for every
/// value from -9999 to 9999.
fn hundredths<W: Write>(out: &mut W, v: i64) -> io::Result<()> {
    let Ok(v @ 0..=9999) = u16::try_from(v) else {
        return float(out, v as f64 / 100.0);
    };
    let (whole, cents) = (v / 100, v % 100);
    let digit = |d: u16| b'0' + d as u8;
    let mut text = [0u8; 5];
    let mut len = 0;
    if whole >= 10 {
        text[len] = digit(whole / 10);
        len += 1;
    }
    text[len] = digit(whole % 10);
    text[len + 1] = b'.';
    text[len + 2] = digit(cents / 10);
    len += 3;
    if cents % 10 != 0 {
        text[len] = digit(cents % 10);
        len += 1;
    }
    out.write_all(&text[..len])
}

fn status(s: Status) -> &'static [u8] {
    match s {
        Status::Calculated => b"\"calculated\"",
        Status::NotApplicable => b"\"not_applicable\"",
        Status::NotCalculable => b"\"not_calculable\"",
    }
}

fn band(b: Band) -> &'static [u8] {
    match b {
        Band::Low => b"\"low\"",
        Band::Medium => b"\"medium\"",
        Band::High => b"\"high\"",
        Band::VeryHigh => b"\"very_high\"",
    }
}

fn severity(s: Severity) -> &'static [u8] {
    match s {
        Severity::NoNeed => b"\"no_need\"",
        Severity::Standard => b"\"standard\"",
        Severity::Severe => b"\"severe\"",
    }
}

fn variant(v: Variant) -> &'static [u8] {
    match v {
        Variant::Static => b"\"static\"",
        Variant::Dynamic => b"\"dynamic\"",
    }
}

fn flag(b: bool) -> &'static [u8] {
    if b { b"true" } else { b"false" }
}

/// Text the crate itself chose (model versions, factor names, category keys): snake_case and
/// version strings that need no escaping. Checked in debug builds.
fn plain<W: Write>(out: &mut W, text: &str) -> io::Result<()> {
    out.write_all(b"\"")?;
    plain_inner(out, text)?;
    out.write_all(b"\"")
}

/// [`plain`] without the quotes.
fn plain_inner<W: Write>(out: &mut W, text: &str) -> io::Result<()> {
    debug_assert!(
        text.bytes()
            .all(|b| b.is_ascii_graphic() && b != b'"' && b != b'\\'),
        "{text:?} needs escaping"
    );
    out.write_all(text.as_bytes())
}

/// The explanation array, `,"explanation":[…]`, with as few writes as its pieces allow (the
/// text between two factors' values is written at once).
fn explanation<W: Write>(out: &mut W, factors: &[Factor]) -> io::Result<()> {
    out.write_all(b",\"explanation\":[{\"factor\":\"")?;
    for (i, f) in factors.iter().enumerate() {
        if i > 0 {
            out.write_all(b"},{\"factor\":\"")?;
        }
        plain_inner(out, f.factor)?;
        out.write_all(b"\",\"value\":")?;
        match f.value {
            FactorValue::Integer(v) => int(out, v)?,
            FactorValue::Number(v) => float(out, v)?,
            FactorValue::Flag(v) => out.write_all(flag(v))?,
            FactorValue::Text(t) => plain(out, t)?,
            FactorValue::None => out.write_all(b"null")?,
        }
        out.write_all(b",\"contribution\":")?;
        float(out, f.contribution)?;
    }
    out.write_all(b"}]")
}

fn reasons<W: Write>(out: &mut W, reasons: &[Reason]) -> io::Result<()> {
    out.write_all(b",\"reasons\":[")?;
    for (i, r) in reasons.iter().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        out.write_all(b"{\"code\":")?;
        value(out, &r.code)?;
        out.write_all(b",\"fields\":[")?;
        for (i, field) in r.fields.iter().enumerate() {
            if i > 0 {
                out.write_all(b",")?;
            }
            text(out, field)?;
        }
        out.write_all(b"],\"message\":")?;
        text(out, &r.message)?;
        out.write_all(b"}")?;
    }
    out.write_all(b"]")
}

fn predictor<W: Write>(out: &mut W, r: &PredictorResult, explain: bool) -> io::Result<()> {
    out.write_all(b"{\"status\":")?;
    out.write_all(status(r.status))?;
    out.write_all(b",\"model_version\":")?;
    plain(out, r.model_version)?;
    if let Some(p) = r.probability_1y {
        out.write_all(b",\"probability_1y\":")?;
        float(out, p)?;
    }
    if let Some(p) = r.probability_2y {
        out.write_all(b",\"probability_2y\":")?;
        float(out, p)?;
    }
    if let Some(p) = r.percentage_1y {
        out.write_all(b",\"percentage_1y\":")?;
        percentage(out, p)?;
    }
    if let Some(p) = r.percentage_2y {
        out.write_all(b",\"percentage_2y\":")?;
        percentage(out, p)?;
    }
    out.write_all(b",\"band\":")?;
    match r.band {
        Some(b) => out.write_all(band(b))?,
        None => out.write_all(b"null")?,
    }
    if let Some(p) = r.points {
        out.write_all(b",\"points\":")?;
        int(out, p)?;
    }
    if let Some(b) = r.band_reduced {
        out.write_all(b",\"band_reduced\":")?;
        out.write_all(flag(b))?;
    }
    if let Some(z) = r.linear_predictor_1y {
        out.write_all(b",\"linear_predictor_1y\":")?;
        value(out, &z)?;
    }
    if let Some(z) = r.linear_predictor_2y {
        out.write_all(b",\"linear_predictor_2y\":")?;
        value(out, &z)?;
    }
    if let Some(v) = r.violent_variant {
        out.write_all(b",\"violent_variant\":")?;
        out.write_all(variant(v))?;
    }
    if explain && !r.explanation.is_empty() {
        explanation(out, &r.explanation)?;
    }
    if !r.reasons.is_empty() {
        reasons(out, &r.reasons)?;
    }
    out.write_all(b"}")
}

fn need<W: Write>(out: &mut W, n: &NeedResult) -> io::Result<()> {
    out.write_all(b"{\"section\":")?;
    int(out, i64::from(n.section))?;
    out.write_all(b",\"scored\":")?;
    out.write_all(flag(n.scored))?;
    out.write_all(b",\"score\":")?;
    or_null(out, n.score)?;
    out.write_all(b",\"max_score\":")?;
    or_null(out, n.max_score)?;
    out.write_all(b",\"threshold\":")?;
    or_null(out, n.threshold)?;
    out.write_all(b",\"severe_threshold\":")?;
    or_null(out, n.severe_threshold)?;
    out.write_all(b",\"identified_need\":")?;
    match n.identified_need {
        Some(b) => out.write_all(flag(b))?,
        None => out.write_all(b"null")?,
    }
    out.write_all(b",\"severity\":")?;
    match n.severity {
        Some(s) => out.write_all(severity(s))?,
        None => out.write_all(b"null")?,
    }
    out.write_all(b",\"linked_to_harm\":")?;
    match n.linked_to_harm {
        Some(b) => out.write_all(flag(b))?,
        None => out.write_all(b"null")?,
    }
    out.write_all(b",\"linked_to_reoffending\":")?;
    match n.linked_to_reoffending {
        Some(b) => out.write_all(flag(b))?,
        None => out.write_all(b"null")?,
    }
    if !n.reasons.is_empty() {
        reasons(out, &n.reasons)?;
    }
    out.write_all(b"}")
}

/// Writes `report` as one JSON object, optionally leaving every explanation out.
pub(crate) fn write_report<W: Write>(
    out: &mut W,
    report: &ScoreReport,
    explain: bool,
) -> io::Result<()> {
    out.write_all(b"{")?;
    if let Some(id) = &report.id {
        out.write_all(b"\"id\":")?;
        text(out, id)?;
        out.write_all(b",")?;
    }
    out.write_all(b"\"spec_version\":")?;
    value(out, report.spec_version)?;
    for (key, result) in report.predictors() {
        out.write_all(b",")?;
        plain(out, key)?;
        out.write_all(b":")?;
        predictor(out, result, explain)?;
    }
    out.write_all(b",\"needs\":{")?;
    for (i, (key, n)) in report.needs.iter().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        plain(out, key)?;
        out.write_all(b":")?;
        need(out, n)?;
    }
    out.write_all(b"}}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_and_strings_are_written_as_serde_json_writes_them() {
        for v in [
            0,
            7,
            9,
            10,
            42,
            99,
            100,
            255,
            256,
            1000,
            -1,
            -10,
            i64::MAX,
            i64::MIN,
        ] {
            let mut fast = Vec::new();
            int(&mut fast, v).expect("writes to memory");
            assert_eq!(fast, serde_json::to_vec(&v).expect("serialises"), "{v}");
        }
        for s in [
            "",
            "plain",
            "é ü 😀",
            "a\"b",
            "back\\slash",
            "tab\t",
            "nl\n",
            "\u{7f}",
            "\u{1}",
            "/",
        ] {
            let mut fast = Vec::new();
            text(&mut fast, s).expect("writes to memory");
            assert_eq!(fast, serde_json::to_vec(s).expect("serialises"), "{s:?}");
        }
    }

    #[test]
    fn hundredths_are_written_as_serde_json_writes_the_float() {
        for v in -9999..=9999 {
            let mut fast = Vec::new();
            hundredths(&mut fast, v).expect("writes to memory");
            let expected = serde_json::to_vec(&(v as f64 / 100.0)).expect("serialises");
            assert_eq!(
                String::from_utf8_lossy(&fast),
                String::from_utf8_lossy(&expected),
                "{v}"
            );
        }
    }

    #[test]
    fn floats_are_written_as_serde_json_writes_them() {
        for v in [
            -0.0,
            0.5,
            -9999.5,
            9999.000000000002,
            0.0,
            -0.0,
            1.0,
            0.1,
            -2.5,
            1e-7,
            1e21,
            f64::MIN_POSITIVE,
            f64::NAN,
            f64::INFINITY,
        ] {
            let mut fast = Vec::new();
            float(&mut fast, v).expect("writes to memory");
            assert_eq!(fast, serde_json::to_vec(&v).expect("serialises"), "{v}");
        }
    }
}
