//! The audit hash chain: the canonical encoding of a stored row (fixed field order, length-prefixed
//! UTF-8), `entry_hash = SHA-256(prev_hash ‖ canonical)`, and the walk that finds the first break.

use diesel::Queryable;
use oasys_app::{ChainBreak, ChainReport};
use sha2::{Digest, Sha256};

use crate::assessments::hex;

/// The previous hash of the first entry: 32 zero bytes, in hex.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// An audit row exactly as stored: the hash covers these texts, never a re-serialisation.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub(crate) struct Row {
    pub seq: i64,
    pub event_id: String,
    pub occurred_at: i64,
    pub actor: String,
    pub actor_role: String,
    pub correlation_id: Option<String>,
    pub operation: String,
    pub action: String,
    pub subject_person: Option<String>,
    pub subject_ref: Option<String>,
    pub recipients: String,
    pub justification: Option<String>,
    pub outcome: String,
    pub details: String,
    pub prev_hash: String,
    pub entry_hash: String,
}

fn field(buf: &mut Vec<u8>, value: Option<&str>) {
    match value {
        None => buf.extend_from_slice(&u64::MAX.to_be_bytes()),
        Some(text) => {
            buf.extend_from_slice(&(text.len() as u64).to_be_bytes());
            buf.extend_from_slice(text.as_bytes());
        }
    }
}

/// The canonical bytes of an entry (everything but `seq` and the hashes: order is the chain's job).
pub(crate) fn canonical(row: &Row) -> Vec<u8> {
    let mut buf = Vec::with_capacity(256 + row.details.len());
    field(&mut buf, Some("oasys-audit-v1"));
    field(&mut buf, Some(&row.event_id));
    field(&mut buf, Some(&row.occurred_at.to_string()));
    field(&mut buf, Some(&row.actor));
    field(&mut buf, Some(&row.actor_role));
    field(&mut buf, row.correlation_id.as_deref());
    field(&mut buf, Some(&row.operation));
    field(&mut buf, Some(&row.action));
    field(&mut buf, row.subject_person.as_deref());
    field(&mut buf, row.subject_ref.as_deref());
    field(&mut buf, Some(&row.recipients));
    field(&mut buf, row.justification.as_deref());
    field(&mut buf, Some(&row.outcome));
    field(&mut buf, Some(&row.details));
    buf
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| {
            text.get(i..i + 2)
                .and_then(|b| u8::from_str_radix(b, 16).ok())
        })
        .collect()
}

/// `SHA-256(prev_hash ‖ canonical(row))` in hex; `None` when `prev_hash` is not 32 bytes of hex.
pub(crate) fn entry_hash(prev_hash: &str, row: &Row) -> Option<String> {
    let prev = unhex(prev_hash).filter(|b| b.len() == 32)?;
    let mut hasher = Sha256::new();
    hasher.update(&prev);
    hasher.update(canonical(row));
    Some(hex(&hasher.finalize()))
}

/// Walks rows in `seq` order. `find_seq_of_hash` says where (if anywhere) an entry with a given
/// hash is stored, to tell a reordering from a removal.
#[derive(Debug)]
pub(crate) struct Walker {
    expected_seq: i64,
    prev_hash: String,
    count: u64,
}

impl Walker {
    pub(crate) fn new() -> Self {
        Self {
            expected_seq: 1,
            prev_hash: GENESIS_HASH.to_owned(),
            count: 0,
        }
    }

    /// Checks the next row; `Some(break)` at the first problem.
    pub(crate) fn step(
        &mut self,
        row: &Row,
        find_seq_of_hash: &mut dyn FnMut(&str) -> Option<i64>,
    ) -> Option<ChainBreak> {
        let seq = u64::try_from(row.seq).unwrap_or(0);
        if row.seq != self.expected_seq {
            return Some(ChainBreak::Missing {
                seq: u64::try_from(self.expected_seq).unwrap_or(0),
            });
        }
        if entry_hash(&row.prev_hash, row).as_deref() != Some(row.entry_hash.as_str()) {
            return Some(ChainBreak::Altered { seq });
        }
        if row.prev_hash != self.prev_hash {
            return Some(match find_seq_of_hash(&row.prev_hash) {
                Some(at) if at > row.seq => ChainBreak::OutOfOrder { seq },
                _ => ChainBreak::Missing { seq },
            });
        }
        self.prev_hash.clone_from(&row.entry_hash);
        self.expected_seq += 1;
        self.count += 1;
        None
    }

    /// The verdict after the last row, against the recorded head checkpoint.
    pub(crate) fn finish(self, head_seq: i64, head_hash: &str) -> ChainReport {
        let last = self.expected_seq - 1;
        if last < head_seq {
            return ChainReport::Broken(ChainBreak::Truncated {
                seq: u64::try_from(self.expected_seq).unwrap_or(0),
            });
        }
        if last > head_seq {
            return ChainReport::Broken(ChainBreak::Altered {
                seq: u64::try_from(head_seq + 1).unwrap_or(0),
            });
        }
        if head_hash != self.prev_hash {
            return ChainReport::Broken(ChainBreak::Altered {
                seq: u64::try_from(last.max(1)).unwrap_or(0),
            });
        }
        ChainReport::Intact {
            entries: self.count,
            head_hash: self.prev_hash,
        }
    }
}
