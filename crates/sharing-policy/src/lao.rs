//! Limited access offenders: per-person exclusion and restriction lists with the messages shown.
//! Precedence: exclusion, then restriction, then relationship, then role; LAO binds every role.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

/// The LAO lists of one person (sharing spec §2.3).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LaoLists {
    /// Staff ids barred from the case.
    pub excluded: BTreeSet<String>,
    /// When non-empty, only these staff ids may see the case.
    pub restricted_to: BTreeSet<String>,
    /// Message shown to an excluded user (`exclusionMessage`).
    pub exclusion_message: Option<String>,
    /// Message shown to a user outside the restriction list (`restrictionMessage`).
    pub restriction_message: Option<String>,
}

/// What the LAO lists say about one user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LaoStanding {
    /// Not a limited access case.
    NotLimited,
    /// A limited access case and the user is on the restriction list.
    Permitted,
    /// The user is on the exclusion list.
    Excluded,
    /// The case is restricted and the user is not on the list.
    NotOnRestrictionList,
}

/// Default message for an excluded user.
pub const DEFAULT_EXCLUSION_MESSAGE: &str =
    "You are excluded from this record. Contact the responsible officer if you need access.";
/// Default message for a user outside the restriction list.
pub const DEFAULT_RESTRICTION_MESSAGE: &str =
    "This record is restricted. Contact the responsible officer if you need access.";

impl LaoLists {
    /// Whether any list is in force, making the person a limited access offender.
    #[must_use]
    pub fn is_limited(&self) -> bool {
        !self.excluded.is_empty() || !self.restricted_to.is_empty()
    }

    /// Where a user stands; exclusion wins over the restriction list.
    #[must_use]
    pub fn standing(&self, staff_id: &str) -> LaoStanding {
        if self.excluded.contains(staff_id) {
            LaoStanding::Excluded
        } else if self.restricted_to.is_empty() {
            if self.is_limited() {
                LaoStanding::Permitted
            } else {
                LaoStanding::NotLimited
            }
        } else if self.restricted_to.contains(staff_id) {
            LaoStanding::Permitted
        } else {
            LaoStanding::NotOnRestrictionList
        }
    }

    /// The exclusion message to show, or the default.
    #[must_use]
    pub fn exclusion_text(&self) -> String {
        non_blank(self.exclusion_message.as_deref())
            .unwrap_or(DEFAULT_EXCLUSION_MESSAGE)
            .to_owned()
    }

    /// The restriction message to show, or the default.
    #[must_use]
    pub fn restriction_text(&self) -> String {
        non_blank(self.restriction_message.as_deref())
            .unwrap_or(DEFAULT_RESTRICTION_MESSAGE)
            .to_owned()
    }
}

fn non_blank(s: Option<&str>) -> Option<&str> {
    s.filter(|s| !s.trim().is_empty())
}
