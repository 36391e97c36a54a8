//! The JS `Client` class: one async method per action, plus `runAction`
//! for Turbine-shaped input. Every method goes through `run`, i.e. through
//! the core's `run_action_json_streamed`: one conversion path, one validator.

use std::sync::Arc;

use knowbe4_connector::{Result, Streamed};
use serde_json::Value;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};

use crate::fetch::FetchTransport;
use crate::inputs;
use crate::pages::JsPages;
use crate::types::{
    ActionInputs, ActionName, ClientOptions, EnrollmentOptions, EnvelopePromise, Id, PageOptions,
    RiskScoreHistoryOptions, TrainingCampaignsOptions, TrainingEnrollmentsOptions,
};
use crate::{envelope, errors, options, spawn};

/// A KnowBe4 reporting API client. Methods return Promises of the HTTP
/// envelope (any status, 404 and 429 included) and reject with a
/// `KnowBe4Error` only when there is no HTTP answer or the input is refused.
#[wasm_bindgen]
pub struct Client {
    inner: knowbe4_connector::Client,
}

#[wasm_bindgen]
impl Client {
    /// Check the options and make a client. Throws a `KnowBe4Error` with
    /// code `invalid_input` naming the bad option.
    #[wasm_bindgen(constructor)]
    pub fn new(options: ClientOptions) -> std::result::Result<Client, JsValue> {
        let (config, fetch) = options::parse(&options).map_err(|err| errors::to_js(&err))?;
        let transport = Arc::new(FetchTransport::new(fetch));
        // The host's timers drive the rate limiter, backoff and deadlines.
        let inner = knowbe4_connector::Client::with_transport(config, transport)
            .with_clock(Arc::new(crate::clock::HostClock));
        Ok(Client { inner })
    }

    /// The base URL requests go to.
    #[wasm_bindgen(getter, js_name = baseUrl)]
    #[must_use]
    pub fn base_url(&self) -> String {
        self.inner.config().base_url().to_owned()
    }

    /// `get_a_specific_policy`: one uploaded policy.
    #[wasm_bindgen(js_name = getPolicy)]
    pub fn get_policy(&self, policy_id: Id) -> EnvelopePromise {
        self.typed(
            "get_a_specific_policy",
            Some(("policy_id", &policy_id)),
            None,
        )
    }

    /// `get_a_specific_training_campaign`: one training campaign.
    #[wasm_bindgen(js_name = getTrainingCampaign)]
    pub fn get_training_campaign(&self, campaign_id: Id) -> EnvelopePromise {
        self.typed(
            "get_a_specific_training_campaign",
            Some(("campaign_id", &campaign_id)),
            None,
        )
    }

    /// `get_a_specific_training_enrollment`: one enrollment.
    #[wasm_bindgen(js_name = getTrainingEnrollment)]
    pub fn get_training_enrollment(
        &self,
        enrollment_id: Id,
        options: Option<EnrollmentOptions>,
    ) -> EnvelopePromise {
        self.typed(
            "get_a_specific_training_enrollment",
            Some(("enrollment_id", &enrollment_id)),
            options.as_deref(),
        )
    }

    /// `get_account_risk_score_history`: six months, or all with `full`.
    #[wasm_bindgen(js_name = getAccountRiskScoreHistory)]
    pub fn get_account_risk_score_history(
        &self,
        options: Option<RiskScoreHistoryOptions>,
    ) -> EnvelopePromise {
        self.typed("get_account_risk_score_history", None, options.as_deref())
    }

    /// `get_all_policies`: every policy, or one page.
    #[wasm_bindgen(js_name = listPolicies)]
    pub fn list_policies(&self, options: Option<PageOptions>) -> EnvelopePromise {
        self.typed("get_all_policies", None, options.as_deref())
    }

    /// `get_all_training_campaigns`: every campaign, or one page.
    #[wasm_bindgen(js_name = listTrainingCampaigns)]
    pub fn list_training_campaigns(
        &self,
        options: Option<TrainingCampaignsOptions>,
    ) -> EnvelopePromise {
        self.typed("get_all_training_campaigns", None, options.as_deref())
    }

    /// `get_all_training_enrollments`: every matching enrollment, or one page.
    #[wasm_bindgen(js_name = listTrainingEnrollments)]
    pub fn list_training_enrollments(
        &self,
        options: Option<TrainingEnrollmentsOptions>,
    ) -> EnvelopePromise {
        self.typed("get_all_training_enrollments", None, options.as_deref())
    }

    /// Run any action with Turbine-shaped input:
    /// `{ path_parameters: {...}, parameters: {...} }`.
    #[wasm_bindgen(js_name = runAction)]
    pub fn run_action(&self, name: ActionName, inputs: Option<ActionInputs>) -> EnvelopePromise {
        let Some(name) = name.as_string() else {
            return rejected(&knowbe4_connector::Error::invalid_input(
                "action",
                "expected an action name (a string)",
            ));
        };
        let input = inputs::turbine(inputs.as_deref().unwrap_or(&JsValue::UNDEFINED));
        self.run(name, input)
    }
}

impl Client {
    fn typed(
        &self,
        action: &str,
        path: Option<(&str, &JsValue)>,
        options: Option<&JsValue>,
    ) -> EnvelopePromise {
        self.run(action.to_owned(), inputs::build(path, options, action))
    }

    /// The one path every method takes. Input errors reject the promise
    /// (rather than throw) so callers handle every failure the same way.
    fn run(&self, action: String, input: Result<Value>) -> EnvelopePromise {
        let input = match input {
            Ok(input) => input,
            Err(err) => return rejected(&err.in_action(&action)),
        };
        let client = self.inner.clone();
        spawn::promise(async move {
            // A multi-page list comes page by page, each page parsed by the
            // host's JSON.parse (pages.rs); anything else as one envelope.
            let mut pages = JsPages::new();
            let streamed = client
                .run_action_json_streamed(&action, input, &mut pages)
                .await
                .map_err(|err| errors::to_js(&err))?;
            let converted = match streamed {
                Streamed::Pages(head) => pages.envelope(&head),
                // Whatever a stopped pull gave the sink is not the answer.
                Streamed::Whole(envelope) => envelope::to_js(&envelope),
            };
            converted.map_err(|err| errors::to_js(&err.in_action(&action)))
        })
        .unchecked_into()
    }
}

fn rejected(err: &knowbe4_connector::Error) -> EnvelopePromise {
    js_sys::Promise::reject(&errors::to_js(err)).unchecked_into()
}
