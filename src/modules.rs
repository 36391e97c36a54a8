//! Modules: KnowBe4 has no modules endpoint. A module is a store purchase
//! or an uploaded policy; these actions present both as one list of
//! `{source, module_id, name, type, record}`, `record` untouched.

use serde_json::{Map, Value};

use crate::actions::MODULE_TYPES;
use crate::envelope::{Body, Envelope};
use crate::error::Result;
use crate::input::{normalise_choice, prepare, ActionInput, Prepared};
use crate::pagination::{self, PageFetcher, Pulled};

/// Page size of the combined list when only `page` is given.
const DEFAULT_PER_PAGE: usize = 100;

/// A store purchase's id, under either spelling KnowBe4 uses.
pub(crate) fn store_purchase_id(record: &Value) -> Option<&Value> {
    record
        .get("store_purchase_id")
        .or_else(|| record.get("store_purchased_id"))
}

/// The guide's content type for a store purchase `type` (`Video Module` is a
/// Video); types the guide does not name keep their own name.
pub(crate) fn module_type(store_type: &str) -> String {
    let key = normalise_choice(store_type);
    let key = key
        .strip_suffix(" module")
        .filter(|rest| *rest != "training")
        .unwrap_or(&key);
    MODULE_TYPES
        .iter()
        .find(|known| normalise_choice(known) == key)
        .map_or_else(|| store_type.to_owned(), |known| (*known).to_owned())
}

fn module(
    source: &str,
    id: Option<&Value>,
    name: Option<&Value>,
    kind: String,
    record: Value,
) -> Value {
    let mut module = Map::with_capacity(5);
    module.insert("source".into(), source.into());
    module.insert("module_id".into(), id.cloned().unwrap_or(Value::Null));
    module.insert("name".into(), name.cloned().unwrap_or(Value::Null));
    module.insert("type".into(), kind.into());
    module.insert("record".into(), record);
    Value::Object(module)
}

fn from_store_purchase(record: Value) -> Value {
    let kind = record
        .get("type")
        .and_then(Value::as_str)
        .map_or_else(String::new, module_type);
    let (id, name) = (
        store_purchase_id(&record).cloned(),
        record.get("name").cloned(),
    );
    module("store_purchase", id.as_ref(), name.as_ref(), kind, record)
}

fn from_policy(record: Value) -> Value {
    let (id, name) = (
        record.get("policy_id").cloned(),
        record.get("name").cloned(),
    );
    module(
        "policy",
        id.as_ref(),
        name.as_ref(),
        "Policy".to_owned(),
        record,
    )
}

/// `get_all_modules`.
pub(crate) async fn all(fetcher: &impl PageFetcher, prepared: &Prepared) -> Result<Envelope> {
    let wanted = prepared.local("type").map(normalise_choice);
    let keep = |module: &Value| {
        wanted.as_ref().is_none_or(|wanted| {
            module["type"]
                .as_str()
                .is_some_and(|kind| normalise_choice(kind) == *wanted)
        })
    };
    let mut modules = Vec::new();
    let store = prepare("get_all_store_purchases", &ActionInput::new())?;
    if let Pulled::Stopped(envelope) =
        pagination::pull(fetcher, &store, &mut |records: Vec<Value>| {
            modules.extend(
                records
                    .into_iter()
                    .map(from_store_purchase)
                    .filter(|m| keep(m)),
            );
        })
        .await?
    {
        return Ok(envelope);
    }
    let policies = prepare("get_all_policies", &ActionInput::new())?;
    let mut envelope = match pagination::pull(fetcher, &policies, &mut |records: Vec<Value>| {
        modules.extend(records.into_iter().map(from_policy).filter(|m| keep(m)));
    })
    .await?
    {
        Pulled::Stopped(envelope) => return Ok(envelope),
        Pulled::Complete(envelope) => envelope,
    };
    let page = prepared
        .local("page")
        .map(|page| page.parse::<usize>().expect("checked page"));
    let per_page = prepared
        .local("per_page")
        .map(|size| size.parse::<usize>().expect("checked per_page"));
    if page.is_some() || per_page.is_some() {
        let per_page = per_page.unwrap_or(DEFAULT_PER_PAGE);
        let start = (page.unwrap_or(1) - 1).saturating_mul(per_page);
        modules = modules.into_iter().skip(start).take(per_page).collect();
    }
    envelope.body = Body::Json(Value::Array(modules));
    Ok(envelope)
}

/// `get_a_specific_module`.
pub(crate) async fn one(fetcher: &impl PageFetcher, prepared: &Prepared) -> Result<Envelope> {
    let id = prepared
        .path_value("module_id")
        .expect("module_id is required");
    let policy = prepared.local("source") == Some("policy");
    let (action, input_name) = if policy {
        ("get_a_specific_policy", "policy_id")
    } else {
        ("get_a_specific_store_purchase", "store_purchase_id")
    };
    let inner = prepare(action, &ActionInput::new().path(input_name, id))?;
    let mut envelope = pagination::execute(fetcher, &inner).await?;
    // Only a record is wrapped; any other answer is returned as the server sent it.
    if envelope.is_success() && matches!(envelope.body, Body::Json(Value::Object(_))) {
        let Body::Json(record) = std::mem::replace(&mut envelope.body, Body::Text(String::new()))
        else {
            unreachable!("matched just above");
        };
        envelope.body = Body::Json(if policy {
            from_policy(record)
        } else {
            from_store_purchase(record)
        });
    }
    Ok(envelope)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_types_map_to_the_guide() {
        assert_eq!(module_type("Training Module"), "Training Module");
        assert_eq!(module_type("Video Module"), "Video");
        assert_eq!(module_type("Game"), "Game");
        assert_eq!(module_type("assessment"), "Assessment");
        assert_eq!(module_type("Mystery Box"), "Mystery Box");
    }
}
