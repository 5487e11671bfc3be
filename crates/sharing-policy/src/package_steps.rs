//! A package's steps after it is built: free-text review, approval by a second person, release
//! with its channel, and expiry that purges the content but keeps the manifest and hash.

use chrono::{DateTime, Days, Utc};

use crate::decision::SharingDecision;
use crate::package::{
    DEFAULT_EXPIRY_DAYS, DisclosurePackage, PackageError, PackageStatus, Redaction,
};
use crate::redaction::{SpanRedaction, apply_spans};
use crate::request::Urgency;

impl DisclosurePackage {
    /// Records the decider's review of one text block: the spans to redact, or none.
    pub fn review_text(
        &mut self,
        element: &str,
        spans: &[SpanRedaction],
    ) -> Result<(), PackageError> {
        if self.status != PackageStatus::Drafted {
            return Err(PackageError::WrongStatus {
                status: self.status,
                step: "reviewed",
            });
        }
        if !self.pending_review.contains(element) {
            return Err(PackageError::NotPendingReview {
                element: element.to_owned(),
            });
        }
        let Some(item) = self.items.iter_mut().find(|i| i.element == element) else {
            return Err(PackageError::NotPendingReview {
                element: element.to_owned(),
            });
        };
        item.value = apply_spans(&item.value, spans).map_err(PackageError::Spans)?;
        for s in spans {
            self.redactions.push(Redaction {
                element: element.to_owned(),
                span: Some((s.start, s.end)),
                reason: s.reason,
            });
        }
        self.pending_review.remove(element);
        if self.pending_review.is_empty() {
            self.status = PackageStatus::RedactionReviewed;
        }
        self.content_sha256 = crate::render::content_hash(self);
        Ok(())
    }

    /// Approval by a second person (the caller has checked `ApproveDisclosure` with `decide`).
    /// For an Immediate request the decider may approve alone; the case is then flagged for
    /// retrospective review by another manager.
    pub fn approve(
        &mut self,
        approver: &str,
        decision: &SharingDecision,
        urgency: Urgency,
        at: DateTime<Utc>,
    ) -> Result<(), PackageError> {
        if self.status != PackageStatus::RedactionReviewed {
            return Err(PackageError::WrongStatus {
                status: self.status,
                step: "approved",
            });
        }
        if approver == decision.decided_by {
            if urgency != Urgency::Immediate {
                return Err(PackageError::ApproverIsDecider);
            }
            self.retrospective_review_required = true;
        }
        self.approved_by = Some(approver.to_owned());
        self.approved_at = Some(at);
        self.status = PackageStatus::Approved;
        Ok(())
    }

    /// Release after approval to the named recipients (blank names are dropped; at least one is
    /// needed); the expiry runs from release unless tied to a meeting.
    pub fn release(
        &mut self,
        by: &str,
        channel: &str,
        recipients: &[String],
        at: DateTime<Utc>,
    ) -> Result<(), PackageError> {
        if self.status != PackageStatus::Approved {
            return Err(PackageError::WrongStatus {
                status: self.status,
                step: "released",
            });
        }
        if channel.trim().is_empty() {
            return Err(PackageError::ChannelMissing);
        }
        let recipients: Vec<String> = recipients
            .iter()
            .map(|r| r.trim().to_owned())
            .filter(|r| !r.is_empty())
            .collect();
        if recipients.is_empty() {
            return Err(PackageError::RecipientsMissing);
        }
        self.released_to = recipients;
        self.released_by = Some(by.to_owned());
        self.released_at = Some(at);
        self.channel = Some(channel.to_owned());
        if !self.meeting_expiry {
            self.expires_at = at
                .checked_add_days(Days::new(DEFAULT_EXPIRY_DAYS))
                .unwrap_or(at);
        }
        self.status = PackageStatus::Released;
        self.content_sha256 = crate::render::content_hash(self);
        Ok(())
    }

    /// Records the review after the fact of a package one manager decided and approved alone on
    /// an Immediate request: by another manager, once, after release.
    pub fn review_retrospectively(
        &mut self,
        reviewer: &str,
        at: DateTime<Utc>,
    ) -> Result<(), PackageError> {
        if !matches!(
            self.status,
            PackageStatus::Released | PackageStatus::Expired
        ) {
            return Err(PackageError::WrongStatus {
                status: self.status,
                step: "reviewed after the fact",
            });
        }
        if !self.retrospective_review_required || self.retrospective_reviewed_by.is_some() {
            return Err(PackageError::NoRetrospectiveReviewDue);
        }
        if self.approved_by.as_deref() == Some(reviewer) {
            return Err(PackageError::ReviewerIsApprover);
        }
        self.retrospective_reviewed_by = Some(reviewer.to_owned());
        self.retrospective_reviewed_at = Some(at);
        Ok(())
    }

    /// Whether the content may still be served at `now`.
    #[must_use]
    pub fn is_expired(&self, now: DateTime<Utc>) -> bool {
        self.status == PackageStatus::Expired || now >= self.expires_at
    }

    /// Whether the package was released and its expiry has passed, so it must no longer be served
    /// (a draft's expiry is provisional until release and never counts).
    #[must_use]
    pub fn release_lapsed(&self, now: DateTime<Utc>) -> bool {
        match self.status {
            PackageStatus::Expired => true,
            PackageStatus::Released => now >= self.expires_at,
            _ => false,
        }
    }

    /// Purges the content once expired, keeping the manifest, redaction list and hash.
    /// Returns whether it purged.
    pub fn expire(&mut self, now: DateTime<Utc>) -> bool {
        if self.status == PackageStatus::Expired || now < self.expires_at {
            return false;
        }
        for item in &mut self.items {
            item.value.clear();
        }
        self.status = PackageStatus::Expired;
        true
    }

    /// The element codes included.
    #[must_use]
    pub fn included_elements(&self) -> Vec<String> {
        self.items.iter().map(|i| i.element.clone()).collect()
    }

    /// The plain-text rendering the hash covers.
    #[must_use]
    pub fn render_text(&self) -> String {
        crate::render::render_text(self)
    }
}
