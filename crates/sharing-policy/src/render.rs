//! The package's plain-text rendering and its SHA-256: fixed order, no clock, so the same package
//! always renders to the same bytes and hash.

use std::fmt::Write as _;

use sha2::{Digest, Sha256};

use crate::package::{ANALYSIS_STATEMENT, CLASSIFICATION, DisclosurePackage};
use crate::template::TemplateSection;

/// Renders the package as plain text (what is printed or presented).
#[must_use]
pub fn render_text(p: &DisclosurePackage) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{CLASSIFICATION}");
    let _ = writeln!(out, "Disclosure package {}", p.id);
    let _ = writeln!(
        out,
        "Request reference: {} ({})",
        p.request_reference, p.request_id
    );
    let _ = writeln!(
        out,
        "Recipient: {}, {} ({})",
        p.recipient.agency, p.recipient.requester, p.recipient.role
    );
    let _ = writeln!(out, "Legal basis: {}", p.legal_basis);
    let _ = writeln!(
        out,
        "As at: {}",
        p.generated_at.format("%Y-%m-%d %H:%M UTC")
    );
    let _ = writeln!(
        out,
        "Expires: {}",
        p.expires_at.format("%Y-%m-%d %H:%M UTC")
    );
    let _ = writeln!(out, "{ANALYSIS_STATEMENT}");
    for condition in &p.conditions {
        let _ = writeln!(out, "Condition: {condition:?}");
    }
    let sections = TemplateSection::ALL
        .iter()
        .map(Some)
        .chain(std::iter::once(None));
    for section in sections {
        let items: Vec<_> = p
            .items
            .iter()
            .filter(|i| i.section.as_ref() == section)
            .collect();
        if items.is_empty() {
            continue;
        }
        match section {
            Some(s) => {
                let _ = writeln!(out, "\n== {s} ==");
            }
            None => {
                let _ = writeln!(out, "\n== Further items included by exception ==");
            }
        }
        for item in items {
            let _ = writeln!(out, "{} [{}]:\n{}", item.label, item.element, item.value);
            if let Some(why) = &item.exception {
                let _ = writeln!(out, "(included by exception: {why})");
            }
        }
    }
    out
}

/// Hex SHA-256 of the rendered text.
#[must_use]
pub fn content_hash(p: &DisclosurePackage) -> String {
    hex(&Sha256::digest(render_text(p).as_bytes()))
}

/// Lower-case hex.
#[must_use]
pub fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}
