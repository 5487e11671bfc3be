//! What an actor wants to do: every action the policy decides, with a stable code.
//! Organisation-level actions need no case; every other action is person-scoped.

use std::fmt;

use serde::{Deserialize, Serialize};

/// An action the policy decides (rows of the role × action matrix, sharing spec §2.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// See the person's identifiers and allocation (CRN, NOMIS id, team) only.
    ViewIdentifiers,
    /// See the person's record.
    ViewPerson,
    /// See an assessment.
    ViewAssessment,
    /// See the sentence plan.
    ViewPlan,
    /// Create a new assessment.
    CreateAssessment,
    /// Create an assessment by cloning a locked one.
    CloneAssessment,
    /// Answer questions in an Open assessment.
    AnswerAssessment,
    /// Sign an assessment.
    SignAssessment,
    /// Lock an assessment with answers missing.
    LockIncomplete,
    /// Countersign (first or second countersignature).
    Countersign,
    /// Reject for rework at the countersigning stage.
    RejectCountersign,
    /// Reopen a locked assessment as a new version.
    Rollback,
    /// Take the deletion overlay off.
    Restore,
    /// Void an assessment for good.
    Void,
    /// Delete one's own Open draft.
    DeleteDraft,
    /// Ask for a locked assessment to be deleted.
    RequestDeletion,
    /// Approve the deletion of a locked assessment.
    ApproveDeletion,
    /// Edit the sentence plan or risk management plan.
    EditSentencePlan,
    /// Record an information-sharing request.
    RecordSharingRequest,
    /// Record that the requester withdrew a request (any time before release).
    WithdrawSharingRequest,
    /// Read a sharing request with its decision and package (a consultation; a case
    /// administrator, who records requests, reads only their metadata through `ViewIdentifiers`).
    ViewSharingRequest,
    /// Prepare a draft decision on a sharing request.
    DraftSharingDecision,
    /// Decide a sharing request (share in full, in part, or decline).
    DecideSharingRequest,
    /// Build the draft disclosure package of a request decided for sharing.
    DraftDisclosure,
    /// Approve a disclosure package (second person).
    ApproveDisclosure,
    /// Release an approved disclosure package.
    ReleaseDisclosure,
    /// Review after the fact a package one manager decided and approved alone on an Immediate
    /// request (another manager, within one working day).
    RetrospectiveReview,
    /// Allocate the case to a case manager or co-worker.
    Allocate,
    /// Transfer the case to another area or team.
    Transfer,
    /// Add to or remove from the LAO exclusion and restriction lists.
    ManageLao,
    /// Build the de-identified dataset or What Works reports.
    BuildDeidentifiedDataset,
    /// Read or export audit events.
    ReadAudit,
    /// Manage users, teams and reference data.
    ManageUsersAndReferenceData,
}

impl Action {
    /// Every action, in a fixed order.
    pub const ALL: [Action; 33] = [
        Self::ViewIdentifiers,
        Self::ViewPerson,
        Self::ViewAssessment,
        Self::ViewPlan,
        Self::CreateAssessment,
        Self::CloneAssessment,
        Self::AnswerAssessment,
        Self::SignAssessment,
        Self::LockIncomplete,
        Self::Countersign,
        Self::RejectCountersign,
        Self::Rollback,
        Self::Restore,
        Self::Void,
        Self::DeleteDraft,
        Self::RequestDeletion,
        Self::ApproveDeletion,
        Self::EditSentencePlan,
        Self::RecordSharingRequest,
        Self::WithdrawSharingRequest,
        Self::ViewSharingRequest,
        Self::DraftSharingDecision,
        Self::DecideSharingRequest,
        Self::DraftDisclosure,
        Self::ApproveDisclosure,
        Self::ReleaseDisclosure,
        Self::RetrospectiveReview,
        Self::Allocate,
        Self::Transfer,
        Self::ManageLao,
        Self::BuildDeidentifiedDataset,
        Self::ReadAudit,
        Self::ManageUsersAndReferenceData,
    ];

    /// Whether the action is organisation-level (no person involved): role check only.
    #[must_use]
    pub fn is_organisation_level(self) -> bool {
        matches!(
            self,
            Self::BuildDeidentifiedDataset | Self::ReadAudit | Self::ManageUsersAndReferenceData
        )
    }

    /// Whether the action changes nothing (a consultation in s.62 terms).
    #[must_use]
    pub fn is_read(self) -> bool {
        matches!(
            self,
            Self::ViewIdentifiers
                | Self::ViewPerson
                | Self::ViewAssessment
                | Self::ViewPlan
                | Self::ViewSharingRequest
                | Self::ReadAudit
        )
    }

    /// Whether the action works on one assessment, so the resource must name it.
    #[must_use]
    pub fn needs_assessment(self) -> bool {
        matches!(
            self,
            Self::ViewAssessment
                | Self::CloneAssessment
                | Self::AnswerAssessment
                | Self::SignAssessment
                | Self::LockIncomplete
                | Self::Countersign
                | Self::RejectCountersign
                | Self::Rollback
                | Self::Restore
                | Self::Void
                | Self::DeleteDraft
                | Self::RequestDeletion
                | Self::ApproveDeletion
        )
    }

    /// Whether the action works on an existing sharing request, so the resource must name it.
    #[must_use]
    pub fn needs_sharing_request(self) -> bool {
        matches!(
            self,
            Self::WithdrawSharingRequest
                | Self::DraftSharingDecision
                | Self::DecideSharingRequest
                | Self::DraftDisclosure
                | Self::ApproveDisclosure
                | Self::ReleaseDisclosure
                | Self::RetrospectiveReview
        )
    }

    /// A stable snake_case code, used in audit events.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::ViewIdentifiers => "view_identifiers",
            Self::ViewPerson => "view_person",
            Self::ViewAssessment => "view_assessment",
            Self::ViewPlan => "view_plan",
            Self::CreateAssessment => "create_assessment",
            Self::CloneAssessment => "clone_assessment",
            Self::AnswerAssessment => "answer_assessment",
            Self::SignAssessment => "sign_assessment",
            Self::LockIncomplete => "lock_incomplete",
            Self::Countersign => "countersign",
            Self::RejectCountersign => "reject_countersign",
            Self::Rollback => "rollback",
            Self::Restore => "restore",
            Self::Void => "void",
            Self::DeleteDraft => "delete_draft",
            Self::RequestDeletion => "request_deletion",
            Self::ApproveDeletion => "approve_deletion",
            Self::EditSentencePlan => "edit_sentence_plan",
            Self::RecordSharingRequest => "record_sharing_request",
            Self::ViewSharingRequest => "view_sharing_request",
            Self::WithdrawSharingRequest => "withdraw_sharing_request",
            Self::DraftSharingDecision => "draft_sharing_decision",
            Self::DecideSharingRequest => "decide_sharing_request",
            Self::DraftDisclosure => "draft_disclosure",
            Self::ApproveDisclosure => "approve_disclosure",
            Self::ReleaseDisclosure => "release_disclosure",
            Self::RetrospectiveReview => "retrospective_review",
            Self::Allocate => "allocate",
            Self::Transfer => "transfer",
            Self::ManageLao => "manage_lao",
            Self::BuildDeidentifiedDataset => "build_deidentified_dataset",
            Self::ReadAudit => "read_audit",
            Self::ManageUsersAndReferenceData => "manage_users_and_reference_data",
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.code().replace('_', " "))
    }
}
