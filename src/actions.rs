//! The action table: every action the connector offers, its HTTP method and
//! path, and its typed inputs. Everything that lists actions (the Rust API,
//! the CLI, the Turbine manifests, the bindings, the docs) reads this table.

/// Where an input goes in the request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Location {
    /// Fills a `{{name}}` placeholder of the endpoint (Turbine's `path_parameters`).
    Path,
    /// Goes in the query string (Turbine's `parameters`).
    Query,
    /// Given in Turbine's `parameters` but applied by the connector, not sent:
    /// filters the API cannot do, paging over a combined list, report options.
    Local,
}

impl Location {
    /// The Turbine input group this location belongs to.
    #[must_use]
    pub fn group(self) -> &'static str {
        match self {
            Location::Path => "path_parameters",
            Location::Query | Location::Local => "parameters",
        }
    }
}

/// The type of an input value, which decides how it is checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputKind {
    /// A KnowBe4 id: a positive integer (a JSON integer or a string of digits).
    Id,
    /// A flag: JSON `true`/`false` or the strings `"true"`/`"false"`; sent as `true`/`false`.
    Bool,
    /// A page number: a positive integer.
    Page,
    /// Items per page: an integer from 1 to [`MAX_PER_PAGE`].
    PerPage,
    /// Cursor paging: `true` to start, or a cursor string from `_metadata.next_cursor`.
    Cursor,
    /// A training campaign status, case-insensitive (see [`CAMPAIGN_STATUSES`]).
    CampaignStatus,
    /// A training enrollment status, case-insensitive (see [`ENROLLMENT_STATUSES`]).
    EnrollmentStatus,
    /// A module content type, case-insensitive (see [`MODULE_TYPES`]).
    ModuleType,
    /// Where a module comes from: `store_purchase` or `policy`.
    ModuleSource,
    /// Several ids: a JSON array of ids or a comma-separated string.
    IdList,
    /// A date `YYYY-MM-DD` or a UTC time `YYYY-MM-DDTHH:MM:SS(.sss)Z`.
    Date,
}

/// Training campaign statuses (the lifecycle created → scheduled → active →
/// closed → archived; created can be canceled). `Cancelled` is accepted too.
pub const CAMPAIGN_STATUSES: [&str; 6] = [
    "Created",
    "Scheduled",
    "Active",
    "Closed",
    "Archived",
    "Canceled",
];

/// Training enrollment statuses.
pub const ENROLLMENT_STATUSES: [&str; 5] = [
    "Passed",
    "Completed",
    "In Progress",
    "Not Started",
    "Past Due",
];

/// Module content types, as the training guide names them.
pub const MODULE_TYPES: [&str; 7] = [
    "Training Module",
    "Video",
    "Game",
    "Assessment",
    "Policy",
    "Newsletter",
    "Poster",
];

/// Where a module comes from.
pub const MODULE_SOURCES: [&str; 2] = ["store_purchase", "policy"];

impl InputKind {
    /// The JSON Schema type of this kind, for manifests and docs.
    #[must_use]
    pub fn json_type(self) -> &'static str {
        match self {
            InputKind::Id | InputKind::Page | InputKind::PerPage => "integer",
            InputKind::Bool => "boolean",
            InputKind::Cursor
            | InputKind::CampaignStatus
            | InputKind::EnrollmentStatus
            | InputKind::ModuleType
            | InputKind::ModuleSource
            | InputKind::IdList
            | InputKind::Date => "string",
        }
    }

    /// The values an input of this kind may take, when they are a fixed list.
    #[must_use]
    pub fn allowed_values(self) -> Option<&'static [&'static str]> {
        match self {
            InputKind::CampaignStatus => Some(&CAMPAIGN_STATUSES),
            InputKind::EnrollmentStatus => Some(&ENROLLMENT_STATUSES),
            InputKind::ModuleType => Some(&MODULE_TYPES),
            InputKind::ModuleSource => Some(&MODULE_SOURCES),
            _ => None,
        }
    }
}

/// The API's largest page.
pub const MAX_PER_PAGE: u64 = 500;

/// One input of an action.
#[derive(Clone, Copy, Debug)]
pub struct InputSpec {
    /// The name, as the API names it.
    pub name: &'static str,
    /// Path or query.
    pub location: Location,
    /// How the value is checked and written.
    pub kind: InputKind,
    /// Whether the action needs it.
    pub required: bool,
    /// One line for people.
    pub description: &'static str,
}

/// How an action's list is fetched.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Paging {
    /// One request, one answer.
    None,
    /// `page`/`per_page`: all pages by default, one page when either is given.
    Pages,
    /// Like `Pages`, plus `cursor` paging detected from the body.
    PagesOrCursor,
}

/// What runs an action.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Handler {
    /// One endpoint: the request(s) the table describes, then local filters.
    Http,
    /// The union of store purchases and uploaded policies.
    Modules,
    /// One module, from its source's endpoint.
    Module,
    /// Compliance figures computed from campaigns and enrollments.
    ComplianceReport,
}

/// One action of the connector.
#[derive(Clone, Copy, Debug)]
pub struct ActionSpec {
    /// The action's name (CLI, Turbine, bindings' generic entry).
    pub name: &'static str,
    /// A title for people.
    pub title: &'static str,
    /// What it does, including what a user gets from paging.
    pub description: &'static str,
    /// The HTTP method.
    pub method: &'static str,
    /// The endpoint as a mustache template, `/v1/training/policies/{{policy_id}}`.
    pub endpoint: &'static str,
    /// Inputs, path ones first.
    pub inputs: &'static [InputSpec],
    /// How a list is fetched.
    pub paging: Paging,
    /// Query inputs the connector sends when pulling every page and the user
    /// did not set them (see `get_all_training_campaigns`).
    pub all_pages_defaults: &'static [(&'static str, &'static str)],
    /// What runs it. For composite handlers `endpoint` is the main endpoint
    /// and `also_reads` lists the others.
    pub handler: Handler,
    /// Further endpoints a composite action reads.
    pub also_reads: &'static [&'static str],
}

impl ActionSpec {
    /// The input called `name`, if the action has one.
    #[must_use]
    pub fn input(&self, name: &str) -> Option<&'static InputSpec> {
        self.inputs.iter().find(|input| input.name == name)
    }

    /// Inputs that go in `location`.
    pub fn inputs_in(&self, location: Location) -> impl Iterator<Item = &'static InputSpec> {
        self.inputs
            .iter()
            .filter(move |input| input.location == location)
    }
}

const fn path_id(name: &'static str, description: &'static str) -> InputSpec {
    InputSpec {
        name,
        location: Location::Path,
        kind: InputKind::Id,
        required: true,
        description,
    }
}

const fn query(name: &'static str, kind: InputKind, description: &'static str) -> InputSpec {
    InputSpec {
        name,
        location: Location::Query,
        kind,
        required: false,
        description,
    }
}

const fn local(name: &'static str, kind: InputKind, description: &'static str) -> InputSpec {
    InputSpec {
        name,
        location: Location::Local,
        kind,
        required: false,
        description,
    }
}

const PAGE: InputSpec = query(
    "page",
    InputKind::Page,
    "Fetch only this page (1-based). Without page and per_page, every page is fetched and joined.",
);
const PER_PAGE: InputSpec = query(
    "per_page",
    InputKind::PerPage,
    "Fetch only one page of this size (1-500). Without page and per_page, every page is fetched and joined.",
);

/// Every action, in the order the docs list them.
pub static ACTIONS: &[ActionSpec] = &[
    ActionSpec {
        name: "get_a_specific_policy",
        title: "Get A Specific Policy",
        description: "Returns one uploaded policy by its id.",
        method: "GET",
        endpoint: "/v1/training/policies/{{policy_id}}",
        inputs: &[path_id("policy_id", "The policy's id.")],
        paging: Paging::None,
        all_pages_defaults: &[],
        handler: Handler::Http,
        also_reads: &[],
    },
    ActionSpec {
        name: "get_a_specific_training_campaign",
        title: "Get A Specific Training Campaign",
        description: "Returns one training campaign by its id, with its completion percentage.",
        method: "GET",
        endpoint: "/v1/training/campaigns/{{campaign_id}}",
        inputs: &[path_id("campaign_id", "The training campaign's id.")],
        paging: Paging::None,
        all_pages_defaults: &[],
        handler: Handler::Http,
        also_reads: &[],
    },
    ActionSpec {
        name: "get_a_specific_training_enrollment",
        title: "Get A Specific Training Enrollment",
        description: "Returns one training enrollment by its id.",
        method: "GET",
        endpoint: "/v1/training/enrollments/{{enrollment_id}}",
        inputs: &[
            path_id("enrollment_id", "The training enrollment's id."),
            query(
                "include_campaign_id",
                InputKind::Bool,
                "Add the enrollment's campaign_id to the record.",
            ),
        ],
        paging: Paging::None,
        all_pages_defaults: &[],
        handler: Handler::Http,
        also_reads: &[],
    },
    ActionSpec {
        name: "get_account_risk_score_history",
        title: "Get Account Risk Score History",
        description: "Returns the account's risk score history: the last six months, or all of it with full=true.",
        method: "GET",
        endpoint: "/v1/account/risk_score_history",
        inputs: &[query(
            "full",
            InputKind::Bool,
            "Return the whole history instead of the last six months.",
        )],
        paging: Paging::None,
        all_pages_defaults: &[],
        handler: Handler::Http,
        also_reads: &[],
    },
    ActionSpec {
        name: "get_all_policies",
        title: "Get All Policies",
        description: "Returns every uploaded policy, fetching all pages, or one page when page or per_page is given.",
        method: "GET",
        endpoint: "/v1/training/policies",
        inputs: &[PAGE, PER_PAGE],
        paging: Paging::Pages,
        all_pages_defaults: &[],
        handler: Handler::Http,
        also_reads: &[],
    },
    ActionSpec {
        name: "get_all_training_campaigns",
        title: "Get All Training Campaigns",
        description: "Returns every training campaign, fetching all pages. KnowBe4 caps a response at 10 campaigns \
                      unless exclude_percentages=true, so when exclude_percentages is not given the connector sends \
                      exclude_percentages=true and returns all campaigns without completion_percentage. With \
                      exclude_percentages=false you get at most 10 campaigns, with completion_percentage. \
                      page or per_page fetch one page.",
        method: "GET",
        endpoint: "/v1/training/campaigns",
        inputs: &[
            query(
                "exclude_percentages",
                InputKind::Bool,
                "Leave out completion_percentage. KnowBe4 returns at most 10 campaigns unless this is true; \
                 when not given, the connector sends true to return every campaign.",
            ),
            PAGE,
            PER_PAGE,
            local(
                "status",
                InputKind::CampaignStatus,
                "Only campaigns in this status (Created, Scheduled, Active, Closed, Archived, Canceled; any case). \
                 The API cannot filter by status: the connector filters the records it fetched (all of them, or \
                 the one page asked for).",
            ),
        ],
        paging: Paging::Pages,
        all_pages_defaults: &[("exclude_percentages", "true")],
        handler: Handler::Http,
        also_reads: &[],
    },
    ActionSpec {
        name: "get_all_training_enrollments",
        title: "Get All Training Enrollments",
        description: "Returns every training enrollment matching the filters, fetching all pages (or following the \
                      cursor when cursor is given), or one page when page or per_page is given.",
        method: "GET",
        endpoint: "/v1/training/enrollments",
        inputs: &[
            query("store_purchase_id", InputKind::Id, "Only enrollments in this store purchase."),
            query("campaign_id", InputKind::Id, "Only enrollments in this training campaign."),
            query("user_id", InputKind::Id, "Only this user's enrollments."),
            query(
                "exclude_archived_users",
                InputKind::Bool,
                "Leave out enrollments of archived users.",
            ),
            query("include_campaign_id", InputKind::Bool, "Add campaign_id to each record."),
            query(
                "include_store_purchase_id",
                InputKind::Bool,
                "Add store_purchase_id to each record.",
            ),
            query(
                "include_employee_number",
                InputKind::Bool,
                "Add user.employee_number to each record.",
            ),
            PAGE,
            PER_PAGE,
            query(
                "cursor",
                InputKind::Cursor,
                "Cursor paging: \"true\" to start, or a next_cursor value to resume. The connector follows \
                 next_cursor to the end and returns the records as one array.",
            ),
            local(
                "status",
                InputKind::EnrollmentStatus,
                "Only enrollments in this status (Passed, Completed, In Progress, Not Started, Past Due; any case). \
                 The API cannot filter by status: the connector filters the records it fetched (all of them, or \
                 the one page asked for).",
            ),
        ],
        paging: Paging::PagesOrCursor,
        all_pages_defaults: &[],
        handler: Handler::Http,
        also_reads: &[],
    },
    ActionSpec {
        name: "get_all_store_purchases",
        title: "Get All Store Purchases",
        description: "Returns every store purchase (training modules, videos, games, assessments, newsletters, \
                      posters bought from the KnowBe4 store), fetching all pages, or one page when page or per_page \
                      is given. Records keep KnowBe4's id key, store_purchase_id or store_purchased_id.",
        method: "GET",
        endpoint: "/v1/training/store_purchases",
        inputs: &[PAGE, PER_PAGE],
        paging: Paging::Pages,
        all_pages_defaults: &[],
        handler: Handler::Http,
        also_reads: &[],
    },
    ActionSpec {
        name: "get_a_specific_store_purchase",
        title: "Get A Specific Store Purchase",
        description: "Returns one store purchase by its id.",
        method: "GET",
        endpoint: "/v1/training/store_purchases/{{store_purchase_id}}",
        inputs: &[path_id("store_purchase_id", "The store purchase's id.")],
        paging: Paging::None,
        all_pages_defaults: &[],
        handler: Handler::Http,
        also_reads: &[],
    },
    ActionSpec {
        name: "get_all_modules",
        title: "Get All Modules",
        description: "Returns training modules: KnowBe4 has no modules endpoint, so this is the union of all store \
                      purchases and all uploaded policies, store purchases first, each as {source, module_id, name, \
                      type, record} where record is the API's record untouched. Filter with type; page and per_page \
                      page through the combined list (the connector fetches both lists whole).",
        method: "GET",
        endpoint: "/v1/training/store_purchases",
        inputs: &[
            local(
                "type",
                InputKind::ModuleType,
                "Only modules of this type: Training Module, Video, Game, Assessment, Policy, Newsletter, Poster (any case).",
            ),
            local("page", InputKind::Page, "Return only this page of the combined list (1-based)."),
            local(
                "per_page",
                InputKind::PerPage,
                "Page size for page (1-500, default 100 when page is given).",
            ),
        ],
        paging: Paging::None,
        all_pages_defaults: &[],
        handler: Handler::Modules,
        also_reads: &["/v1/training/policies"],
    },
    ActionSpec {
        name: "get_a_specific_module",
        title: "Get A Specific Module",
        description: "Returns one module as {source, module_id, name, type, record}: a store purchase or an uploaded \
                      policy, as source says.",
        method: "GET",
        endpoint: "/v1/training/store_purchases/{{module_id}}",
        inputs: &[
            path_id("module_id", "The store purchase id or policy id."),
            InputSpec {
                name: "source",
                location: Location::Local,
                kind: InputKind::ModuleSource,
                required: true,
                description: "store_purchase or policy.",
            },
        ],
        paging: Paging::None,
        all_pages_defaults: &[],
        handler: Handler::Module,
        also_reads: &["/v1/training/policies/{{module_id}}"],
    },
    ActionSpec {
        name: "get_training_compliance_report",
        title: "Get Training Compliance Report",
        description: "Computes compliance for one campaign, several, or all, from their enrollments in one streaming \
                      pass: counts by status, completion rate, who needs a reminder (Not Started or In Progress past \
                      the deadline, and Past Due without completion), the past-due-but-completed cases, time spent \
                      (median, p90) and the same per content type and per campaign.",
        method: "GET",
        endpoint: "/v1/training/enrollments",
        inputs: &[
            local("campaign_id", InputKind::Id, "Report on this campaign only."),
            local(
                "campaign_ids",
                InputKind::IdList,
                "Report on these campaigns (comma-separated ids or a JSON array). Without campaign_id or \
                 campaign_ids: all campaigns.",
            ),
            local(
                "as_of",
                InputKind::Date,
                "The moment deadlines are judged against (YYYY-MM-DD or UTC time); default: now.",
            ),
            local(
                "exclude_archived_users",
                InputKind::Bool,
                "Leave out enrollments of archived users.",
            ),
        ],
        paging: Paging::None,
        all_pages_defaults: &[],
        handler: Handler::ComplianceReport,
        also_reads: &["/v1/training/campaigns", "/v1/training/store_purchases"],
    },
];
/// The action called `name`.
#[must_use]
pub fn find(name: &str) -> Option<&'static ActionSpec> {
    ACTIONS.iter().find(|action| action.name == name)
}

/// The action names, comma-separated, for error messages.
#[must_use]
pub fn names() -> String {
    ACTIONS
        .iter()
        .map(|action| action.name)
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_consistent() {
        for action in ACTIONS {
            let placeholders: Vec<&str> = action
                .endpoint
                .split("{{")
                .skip(1)
                .map(|rest| rest.split("}}").next().unwrap())
                .collect();
            let path_inputs: Vec<&str> = action.inputs_in(Location::Path).map(|i| i.name).collect();
            assert_eq!(placeholders, path_inputs, "{}", action.name);
            let mut names: Vec<&str> = action.inputs.iter().map(|i| i.name).collect();
            names.sort_unstable();
            names.dedup();
            assert_eq!(
                names.len(),
                action.inputs.len(),
                "duplicate input in {}",
                action.name
            );
            let paged = action
                .input("page")
                .is_some_and(|page| page.location == Location::Query);
            assert_eq!(paged, action.paging != Paging::None, "{}", action.name);
            assert_eq!(
                action.handler == Handler::Http,
                action.also_reads.is_empty(),
                "{}",
                action.name
            );
        }
        assert_eq!(ACTIONS.len(), 12);
    }
}
