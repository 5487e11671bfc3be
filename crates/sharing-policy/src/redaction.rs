//! Free-text redaction: the decider marks spans in each text block (or confirms none), and the
//! marked spans are replaced with `[redacted: reason]`. Span checks never panic.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::template::RedactionReason;

/// A span of a text block to redact, in character (not byte) positions, end exclusive.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpanRedaction {
    /// First character redacted.
    pub start: usize,
    /// One past the last character redacted.
    pub end: usize,
    /// Why.
    pub reason: RedactionReason,
}

/// A span that cannot be applied.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SpanError {
    /// The span is empty or reversed.
    #[error("span {start}..{end} is empty")]
    Empty {
        /// Start.
        start: usize,
        /// End.
        end: usize,
    },
    /// The span runs past the end of the text.
    #[error("span {start}..{end} runs past the end of the text ({len} characters)")]
    OutOfRange {
        /// Start.
        start: usize,
        /// End.
        end: usize,
        /// Text length in characters.
        len: usize,
    },
    /// Two spans overlap.
    #[error("spans overlap at character {at}")]
    Overlap {
        /// Where.
        at: usize,
    },
}

/// The marker that replaces a redacted span.
#[must_use]
pub fn marker(reason: RedactionReason) -> String {
    format!("[redacted: {reason}]")
}

/// Replaces the spans with markers; refuses (with every problem) empty, out-of-range or
/// overlapping spans.
pub fn apply_spans(text: &str, spans: &[SpanRedaction]) -> Result<String, Vec<SpanError>> {
    let chars: Vec<char> = text.chars().collect();
    let len = chars.len();
    let mut sorted = spans.to_vec();
    sorted.sort_by_key(|s| (s.start, s.end));
    let mut errors = Vec::new();
    let mut last_end = 0usize;
    for (i, s) in sorted.iter().enumerate() {
        if s.start >= s.end {
            errors.push(SpanError::Empty {
                start: s.start,
                end: s.end,
            });
        } else if s.end > len {
            errors.push(SpanError::OutOfRange {
                start: s.start,
                end: s.end,
                len,
            });
        } else if i > 0 && s.start < last_end {
            errors.push(SpanError::Overlap { at: s.start });
        }
        last_end = last_end.max(s.end);
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut out = String::new();
    let mut pos = 0usize;
    for s in &sorted {
        out.extend(chars.get(pos..s.start).unwrap_or_default());
        out.push_str(&marker(s.reason));
        pos = s.end;
    }
    out.extend(chars.get(pos..).unwrap_or_default());
    Ok(out)
}
