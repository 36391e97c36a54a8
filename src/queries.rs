//! Typed inputs of the list actions, for Rust callers. Each turns into the
//! same Turbine-shaped [`ActionInput`] the generic entry takes, so there is
//! one validation and one wire format.

use crate::input::ActionInput;

/// Paging of a list action: leave both `None` to fetch every page.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PageQuery {
    /// Fetch only this page (1-based).
    pub page: Option<u64>,
    /// Fetch only one page of this size (1-500).
    pub per_page: Option<u64>,
}

impl PageQuery {
    /// Every page.
    #[must_use]
    pub fn all() -> Self {
        PageQuery::default()
    }

    /// One page.
    #[must_use]
    pub fn one(page: u64, per_page: u64) -> Self {
        PageQuery {
            page: Some(page),
            per_page: Some(per_page),
        }
    }

    fn add_to(self, input: ActionInput) -> ActionInput {
        input
            .param("page", self.page)
            .param("per_page", self.per_page)
    }

    pub(crate) fn to_input(self) -> ActionInput {
        self.add_to(ActionInput::new())
    }
}

/// Inputs of `get_all_training_campaigns`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TrainingCampaignsQuery {
    /// `None`: the connector sends `true` and returns every campaign without
    /// percentages. `Some(false)`: at most 10 campaigns, with percentages.
    pub exclude_percentages: Option<bool>,
    /// Paging.
    pub paging: PageQuery,
}

impl TrainingCampaignsQuery {
    pub(crate) fn to_input(self) -> ActionInput {
        self.paging
            .add_to(ActionInput::new().param("exclude_percentages", self.exclude_percentages))
    }
}

/// Inputs of `get_all_training_enrollments`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EnrollmentsQuery {
    /// Only enrollments in this store purchase.
    pub store_purchase_id: Option<u64>,
    /// Only enrollments in this campaign.
    pub campaign_id: Option<u64>,
    /// Only this user's enrollments.
    pub user_id: Option<u64>,
    /// Leave out archived users' enrollments.
    pub exclude_archived_users: Option<bool>,
    /// Add `campaign_id` to each record.
    pub include_campaign_id: Option<bool>,
    /// Add `store_purchase_id` to each record.
    pub include_store_purchase_id: Option<bool>,
    /// Add `user.employee_number` to each record.
    pub include_employee_number: Option<bool>,
    /// Paging.
    pub paging: PageQuery,
    /// Cursor paging: `"true"` to start or a cursor to resume.
    pub cursor: Option<String>,
}

impl EnrollmentsQuery {
    pub(crate) fn to_input(&self) -> ActionInput {
        let input = ActionInput::new()
            .param("store_purchase_id", self.store_purchase_id)
            .param("campaign_id", self.campaign_id)
            .param("user_id", self.user_id)
            .param("exclude_archived_users", self.exclude_archived_users)
            .param("include_campaign_id", self.include_campaign_id)
            .param("include_store_purchase_id", self.include_store_purchase_id)
            .param("include_employee_number", self.include_employee_number);
        self.paging
            .add_to(input)
            .param("cursor", self.cursor.clone())
    }
}
