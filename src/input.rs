//! Turbine-shaped action input and its one conversion into a checked request
//! plan. Every host (Rust API, CLI, Turbine entry, Python, JS) goes through
//! [`prepare`], so validation and wire format are the same everywhere.

use serde_json::{Map, Value};

use crate::actions::{
    self, ActionSpec, Handler, InputKind, InputSpec, Location, Paging, MAX_PER_PAGE,
};
use crate::dates;
use crate::error::{Error, Result};

/// An action's inputs, grouped as Turbine groups them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ActionInput {
    /// Values for the endpoint's `{{placeholders}}`.
    pub path_parameters: Map<String, Value>,
    /// Query-string values.
    pub parameters: Map<String, Value>,
    /// Extra request headers (names and string values).
    pub headers: Map<String, Value>,
    /// A request body. The actions so far are GETs, so a non-empty body is refused.
    pub data_body: Option<Value>,
}

/// Turbine input groups that hold no data for a GET and are refused when non-empty.
const BODY_GROUPS: [&str; 3] = ["data_body", "json_body", "files"];

impl ActionInput {
    /// An empty input.
    #[must_use]
    pub fn new() -> Self {
        ActionInput::default()
    }

    /// Add a path parameter.
    #[must_use]
    pub fn path(mut self, name: &str, value: impl Into<Value>) -> Self {
        self.path_parameters.insert(name.to_owned(), value.into());
        self
    }

    /// Add a query parameter; `None` leaves it out.
    #[must_use]
    pub fn param(mut self, name: &str, value: Option<impl Into<Value>>) -> Self {
        if let Some(value) = value {
            self.parameters.insert(name.to_owned(), value.into());
        }
        self
    }

    /// Add a request header.
    #[must_use]
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers
            .insert(name.to_owned(), Value::String(value.to_owned()));
        self
    }

    /// Read a Turbine-shaped JSON object: `{"path_parameters": {...},
    /// "parameters": {...}, "headers": {...}, "data_body": ...}`. `null`
    /// groups count as absent; any other top-level key is refused by name.
    pub fn from_value(value: Value) -> Result<ActionInput> {
        let object = match value {
            Value::Null => return Ok(ActionInput::default()),
            Value::Object(object) => object,
            other => {
                return Err(Error::invalid_input(
                    "inputs",
                    format!(
                    "expected a JSON object with path_parameters / parameters / headers, got {}",
                    json_type_name(&other)
                ),
                ))
            }
        };
        let mut input = ActionInput::default();
        for (key, value) in object {
            match key.as_str() {
                "path_parameters" => input.path_parameters = group_object(&key, value)?,
                "parameters" => input.parameters = group_object(&key, value)?,
                "headers" => input.headers = group_object(&key, value)?,
                group if BODY_GROUPS.contains(&group) => {
                    if !is_empty(&value) {
                        return Err(Error::invalid_input(
                            group,
                            "this action sends no request body, so it takes no body input",
                        ));
                    }
                }
                _ => {
                    return Err(Error::invalid_input(
                        key.clone(),
                        "unknown input group; expected path_parameters, parameters, headers or data_body",
                    ))
                }
            }
        }
        Ok(input)
    }
}

fn group_object(group: &str, value: Value) -> Result<Map<String, Value>> {
    match value {
        Value::Null => Ok(Map::new()),
        Value::Object(map) => Ok(map),
        other => Err(Error::invalid_input(
            group,
            format!(
                "expected an object of name: value, got {}",
                json_type_name(&other)
            ),
        )),
    }
}

fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(text) => text.is_empty(),
        Value::Object(map) => map.is_empty(),
        Value::Array(items) => items.is_empty(),
        _ => false,
    }
}

fn json_type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// How the pages of a list are fetched.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Mode {
    /// One request exactly as the user asked.
    Single,
    /// Every page, `per_page=500`, from page 1.
    AllPages,
    /// Follow `_metadata.next_cursor` from this starting value.
    Cursor(String),
}

/// A checked request plan: nothing in it can be refused any more.
#[derive(Clone, Debug)]
pub(crate) struct Prepared {
    pub action: &'static ActionSpec,
    /// The endpoint with placeholders filled and percent-encoded.
    pub path: String,
    /// Query pairs, already in wire form, in the order the user gave them.
    pub query: Vec<(String, String)>,
    /// Extra headers, checked.
    pub headers: Vec<(String, String)>,
    pub mode: Mode,
    /// Inputs the connector applies itself, checked and in canonical form
    /// (statuses and types in the table's spelling, ids as digits).
    pub local: Vec<(&'static str, String)>,
    /// The path inputs as they were written into `path`.
    pub path_values: Vec<(&'static str, String)>,
}

impl Prepared {
    /// The checked value of a path input.
    pub fn path_value(&self, name: &str) -> Option<&str> {
        self.path_values
            .iter()
            .find(|(given, _)| *given == name)
            .map(|(_, value)| value.as_str())
    }

    /// The canonical value of a local input, if given.
    pub fn local(&self, name: &str) -> Option<&str> {
        self.local
            .iter()
            .find(|(given, _)| *given == name)
            .map(|(_, value)| value.as_str())
    }
}

/// Headers the connector owns; a user header may not replace them (a second
/// `Accept` would go out beside the connector's `application/json`, and
/// KnowBe4 answers anything but JSON with 406).
const RESERVED_HEADERS: [&str; 8] = [
    "accept",
    "authorization",
    "host",
    "content-length",
    "transfer-encoding",
    "connection",
    "upgrade",
    "te",
];

/// Check `input` against `action_name`'s inputs without sending anything:
/// the same checks every action runs before its first request.
pub fn check_input(action_name: &str, input: &ActionInput) -> Result<()> {
    prepare(action_name, input).map(|_| ())
}

/// Check `input` against `action_name`'s inputs and plan the request(s).
pub(crate) fn prepare(action_name: &str, input: &ActionInput) -> Result<Prepared> {
    let action = actions::find(action_name).ok_or_else(|| {
        Error::invalid_input(
            "action",
            format!(
                "unknown action {action_name:?}; expected one of {}",
                actions::names()
            ),
        )
    })?;
    prepare_for(action, input).map_err(|err| err.in_action(action.name))
}

fn prepare_for(action: &'static ActionSpec, input: &ActionInput) -> Result<Prepared> {
    if let Some(body) = &input.data_body {
        if !is_empty(body) {
            return Err(Error::invalid_input(
                "data_body",
                "this action sends no request body, so it takes no body input",
            ));
        }
    }
    check_names(action, &input.path_parameters, Location::Path)?;
    check_names(action, &input.parameters, Location::Query)?;
    let mut local = Vec::new();
    for spec in action.inputs_in(Location::Local) {
        match input.parameters.get(spec.name) {
            None | Some(Value::Null) if spec.required => {
                return Err(Error::invalid_input(spec.name, "is required"));
            }
            None | Some(Value::Null) => {}
            Some(value) => local.push((spec.name, local_value(spec, value)?)),
        }
    }

    let mut path = String::with_capacity(action.endpoint.len() + 16);
    let mut path_values = Vec::new();
    let mut rest = action.endpoint;
    while let Some(start) = rest.find("{{") {
        path.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after
            .find("}}")
            .expect("action table placeholders are closed");
        let spec = action
            .input(&after[..end])
            .expect("table test: placeholders are inputs");
        let value = match input.path_parameters.get(spec.name) {
            None | Some(Value::Null) => {
                return Err(Error::invalid_input(spec.name, "is required"));
            }
            Some(value) => wire_value(spec, value)?,
        };
        path.push_str(&value);
        path_values.push((spec.name, value));
        rest = &after[end + 2..];
    }
    path.push_str(rest);

    let mut query = Vec::new();
    let mut page_given = false;
    let mut cursor = None;
    for (name, value) in &input.parameters {
        if value.is_null() {
            continue;
        }
        let spec = action.input(name).expect("checked by check_names");
        if spec.location == Location::Local {
            continue;
        }
        let wire = wire_value(spec, value)?;
        match spec.kind {
            InputKind::Page | InputKind::PerPage => page_given = true,
            InputKind::Cursor => {
                cursor = Some(wire);
                continue;
            }
            _ => {}
        }
        query.push((name.clone(), wire));
    }

    let mode = match (action.paging, page_given, cursor) {
        _ if action.handler != Handler::Http => Mode::Single,
        (Paging::None, _, _) => Mode::Single,
        (_, true, Some(_)) => {
            return Err(Error::invalid_input(
                "cursor",
                "give either cursor or page/per_page, not both",
            ))
        }
        (_, true, None) => Mode::Single,
        (_, false, Some(cursor)) => Mode::Cursor(cursor),
        (_, false, None) => {
            for (name, value) in action.all_pages_defaults {
                if !query.iter().any(|(given, _)| given == name) {
                    query.push(((*name).to_owned(), (*value).to_owned()));
                }
            }
            Mode::AllPages
        }
    };

    Ok(Prepared {
        action,
        path,
        query,
        headers: check_headers(&input.headers)?,
        mode,
        local,
        path_values,
    })
}

/// Refuse names that are not inputs of `action` in `location`, saying where
/// they belong when they are inputs of the other group.
fn check_names(action: &ActionSpec, values: &Map<String, Value>, location: Location) -> Result<()> {
    for name in values.keys() {
        match action.input(name) {
            Some(spec) if spec.location.group() == location.group() => {}
            Some(spec) => {
                return Err(Error::invalid_input(
                    name.clone(),
                    format!(
                        "belongs in {}, not in {}",
                        spec.location.group(),
                        location.group()
                    ),
                ))
            }
            None => {
                let expected: Vec<&str> = action
                    .inputs
                    .iter()
                    .filter(|i| i.location.group() == location.group())
                    .map(|i| i.name)
                    .collect();
                let expected = if expected.is_empty() {
                    "this action takes none".to_owned()
                } else {
                    format!("expected {}", expected.join(", "))
                };
                return Err(Error::invalid_input(
                    name.clone(),
                    format!("unknown input in {}; {expected}", location.group()),
                ));
            }
        }
    }
    Ok(())
}

/// Check one value and write it as it goes on the wire (percent-encoded
/// where it needs to be).
fn wire_value(spec: &InputSpec, value: &Value) -> Result<String> {
    let name = spec.name;
    match spec.kind {
        InputKind::Id | InputKind::Page => Ok(positive_integer(name, value)?.to_string()),
        InputKind::PerPage => {
            let size = positive_integer(name, value)?;
            if size > MAX_PER_PAGE {
                return Err(Error::invalid_input(
                    name,
                    format!("must be at most {MAX_PER_PAGE} (the API's largest page), got {size}"),
                ));
            }
            Ok(size.to_string())
        }
        InputKind::Bool => Ok(boolean(name, value)?.to_string()),
        InputKind::CampaignStatus
        | InputKind::EnrollmentStatus
        | InputKind::ModuleType
        | InputKind::ModuleSource
        | InputKind::IdList
        | InputKind::Date => local_value(spec, value),
        InputKind::Cursor => match value {
            Value::Bool(true) => Ok("true".to_owned()),
            Value::String(text) if !text.is_empty() && !text.chars().any(char::is_control) => {
                Ok(encode_query_value(text))
            }
            other => Err(Error::invalid_input(
                name,
                format!("expected true or a cursor string, got {}", shown(other)),
            )),
        },
    }
}

/// Check a value the connector applies itself and give its canonical form.
fn local_value(spec: &InputSpec, value: &Value) -> Result<String> {
    let name = spec.name;
    if let Some(allowed) = spec.kind.allowed_values() {
        let Value::String(text) = value else {
            return Err(Error::invalid_input(
                name,
                format!(
                    "must be one of {}, got {}",
                    allowed.join(", "),
                    shown(value)
                ),
            ));
        };
        return canonical_choice(spec.kind, text, allowed)
            .map(str::to_owned)
            .ok_or_else(|| {
                Error::invalid_input(
                    name,
                    format!(
                        "unknown value {text:?}; expected one of {}",
                        allowed.join(", ")
                    ),
                )
            });
    }
    match spec.kind {
        InputKind::IdList => {
            let ids: Vec<u64> = match value {
                Value::Array(items) if !items.is_empty() => items
                    .iter()
                    .map(|item| positive_integer(name, item))
                    .collect::<Result<_>>()?,
                Value::String(text) if !text.trim().is_empty() => text
                    .split(',')
                    .map(|part| positive_integer(name, &Value::String(part.trim().to_owned())))
                    .collect::<Result<_>>()?,
                other => {
                    return Err(Error::invalid_input(
                        name,
                        format!(
                            "expected ids as a JSON array or comma-separated, got {}",
                            shown(other)
                        ),
                    ))
                }
            };
            Ok(ids.iter().map(u64::to_string).collect::<Vec<_>>().join(","))
        }
        InputKind::Date => match value {
            Value::String(text) if dates::parse_seconds(text).is_some() => Ok(text.clone()),
            other => Err(Error::invalid_input(
                name,
                format!(
                    "expected YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ, got {}",
                    shown(other)
                ),
            )),
        },
        _ => wire_value(spec, value),
    }
}

/// Match `text` against `allowed` ignoring case, `_` for space, and the
/// British `Cancelled`.
fn canonical_choice(
    kind: InputKind,
    text: &str,
    allowed: &'static [&'static str],
) -> Option<&'static str> {
    let wanted = normalise_choice(text);
    let wanted = if kind == InputKind::CampaignStatus && wanted == "cancelled" {
        "canceled".to_owned()
    } else {
        wanted
    };
    allowed
        .iter()
        .copied()
        .find(|candidate| normalise_choice(candidate) == wanted)
}

/// Lowercase with `_`/`-` read as spaces, for comparing statuses and types.
pub(crate) fn normalise_choice(text: &str) -> String {
    text.trim().to_lowercase().replace(['_', '-'], " ")
}

/// A query value percent-encoded: everything but unreserved characters.
/// Cursors are encoded with it wherever they come from, so two cursors can
/// be compared in wire form.
pub(crate) fn encode_query_value(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, QUERY_VALUE).to_string()
}

/// Characters escaped in a query value: everything but unreserved ones.
const QUERY_VALUE: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

fn positive_integer(name: &str, value: &Value) -> Result<u64> {
    let refuse = |why: &str| {
        Error::invalid_input(
            name,
            format!("must be a positive integer, got {} ({why})", shown(value)),
        )
    };
    match value {
        Value::Number(number) => {
            if let Some(n) = number.as_u64() {
                if n == 0 {
                    return Err(refuse("zero"));
                }
                Ok(n)
            } else if number.as_i64().is_some() {
                Err(refuse("negative"))
            } else {
                Err(refuse("not a whole number"))
            }
        }
        Value::String(text) => {
            if text.is_empty() {
                return Err(refuse("empty"));
            }
            if !text.bytes().all(|byte| byte.is_ascii_digit()) {
                let why = if text.contains(['/', '?', '#', '%', '\\']) || text.contains("..") {
                    "path characters are not allowed"
                } else if text.starts_with('-') {
                    "negative"
                } else if text.contains('.') {
                    "not a whole number"
                } else {
                    "not a number"
                };
                return Err(refuse(why));
            }
            match text.parse::<u64>() {
                Ok(0) => Err(refuse("zero")),
                Ok(n) => Ok(n),
                Err(_) => Err(refuse("too large")),
            }
        }
        _ => Err(refuse("wrong type")),
    }
}

fn boolean(name: &str, value: &Value) -> Result<bool> {
    match value {
        Value::Bool(flag) => Ok(*flag),
        Value::String(text) if text.eq_ignore_ascii_case("true") => Ok(true),
        Value::String(text) if text.eq_ignore_ascii_case("false") => Ok(false),
        other => Err(Error::invalid_input(
            name,
            format!("must be true or false, got {}", shown(other)),
        )),
    }
}

/// A user value for an error message, shortened so a pasted blob stays readable.
fn shown(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() > 60 {
        let cut: String = text.chars().take(60).collect();
        format!("{cut}...")
    } else {
        text
    }
}

fn check_headers(headers: &Map<String, Value>) -> Result<Vec<(String, String)>> {
    let mut checked = Vec::with_capacity(headers.len());
    for (name, value) in headers {
        let valid_name = !name.is_empty()
            && name
                .bytes()
                .all(|byte| byte.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&byte));
        if !valid_name {
            return Err(Error::invalid_input(
                format!("headers.{name}"),
                "not a valid HTTP header name",
            ));
        }
        if RESERVED_HEADERS.contains(&name.to_ascii_lowercase().as_str()) {
            return Err(Error::invalid_input(
                format!("headers.{name}"),
                "this header is set by the connector (the token goes in the asset's `token`)",
            ));
        }
        let Value::String(text) = value else {
            return Err(Error::invalid_input(
                format!("headers.{name}"),
                format!(
                    "a header value must be a string, got {}",
                    json_type_name(value)
                ),
            ));
        };
        if text.chars().any(|c| c.is_control() && c != '\t') {
            return Err(Error::invalid_input(
                format!("headers.{name}"),
                "a header value may not contain line breaks or control characters",
            ));
        }
        checked.push((name.clone(), text.clone()));
    }
    Ok(checked)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn plan(action: &str, input: Value) -> Result<Prepared> {
        prepare(action, &ActionInput::from_value(input)?)
    }

    #[test]
    fn ids_fill_the_path() {
        let p = plan(
            "get_a_specific_policy",
            json!({"path_parameters": {"policy_id": 42}}),
        )
        .unwrap();
        assert_eq!(p.path, "/v1/training/policies/42");
        let p = plan(
            "get_a_specific_policy",
            json!({"path_parameters": {"policy_id": "42"}}),
        )
        .unwrap();
        assert_eq!(p.path, "/v1/training/policies/42");
    }

    #[test]
    fn bad_ids_name_the_input() {
        for bad in [
            json!(0),
            json!(-3),
            json!(1.5),
            json!(2.0),
            json!("abc"),
            json!("1/../2"),
            json!("4%2F"),
            json!(""),
            json!(" 4"),
            json!(true),
            json!([1]),
            json!("99999999999999999999999"),
        ] {
            let err = plan(
                "get_a_specific_policy",
                json!({"path_parameters": {"policy_id": bad}}),
            )
            .unwrap_err();
            assert_eq!(err.input(), Some("policy_id"), "{bad}");
            assert_eq!(err.action(), Some("get_a_specific_policy"));
        }
        let err = plan("get_a_specific_policy", json!({})).unwrap_err();
        assert_eq!(err.input(), Some("policy_id"));
        assert!(err.to_string().contains("required"), "{err}");
    }

    #[test]
    fn unknown_and_misplaced_inputs() {
        let err = plan("get_all_policies", json!({"parameters": {"pagee": 1}})).unwrap_err();
        assert_eq!(err.input(), Some("pagee"));
        let err = plan(
            "get_a_specific_policy",
            json!({"parameters": {"policy_id": 1}}),
        )
        .unwrap_err();
        assert!(err.to_string().contains("path_parameters"), "{err}");
        let err = plan("get_all_policies", json!({"nonsense": {}})).unwrap_err();
        assert_eq!(err.input(), Some("nonsense"));
        let err = plan("no_such_action", json!({})).unwrap_err();
        assert_eq!(err.input(), Some("action"));
    }

    #[test]
    fn paging_modes() {
        let p = plan("get_all_policies", json!({})).unwrap();
        assert_eq!(p.mode, Mode::AllPages);
        let p = plan("get_all_policies", json!({"parameters": {"per_page": 5}})).unwrap();
        assert_eq!(p.mode, Mode::Single);
        let err = plan("get_all_policies", json!({"parameters": {"per_page": 501}})).unwrap_err();
        assert_eq!(err.input(), Some("per_page"));
        let p = plan(
            "get_all_training_enrollments",
            json!({"parameters": {"cursor": true}}),
        )
        .unwrap();
        assert_eq!(p.mode, Mode::Cursor("true".into()));
        let err = plan(
            "get_all_training_enrollments",
            json!({"parameters": {"cursor": "x", "page": 2}}),
        )
        .unwrap_err();
        assert_eq!(err.input(), Some("cursor"));
    }

    #[test]
    fn campaigns_default_to_excluding_percentages_only_when_unset() {
        let p = plan("get_all_training_campaigns", json!({})).unwrap();
        assert_eq!(p.query, vec![("exclude_percentages".into(), "true".into())]);
        let p = plan(
            "get_all_training_campaigns",
            json!({"parameters": {"exclude_percentages": "False"}}),
        )
        .unwrap();
        assert_eq!(
            p.query,
            vec![("exclude_percentages".into(), "false".into())]
        );
    }

    #[test]
    fn headers_are_checked() {
        let err = plan(
            "get_all_policies",
            json!({"headers": {"Authorization": "Bearer x"}}),
        )
        .unwrap_err();
        assert_eq!(err.input(), Some("headers.Authorization"));
        let err = plan(
            "get_all_policies",
            json!({"headers": {"X-A": "a\r\nX-B: b"}}),
        )
        .unwrap_err();
        assert_eq!(err.input(), Some("headers.X-A"));
        let p = plan(
            "get_all_policies",
            json!({"headers": {"X-KB4-Integration": "soar"}}),
        )
        .unwrap();
        assert_eq!(p.headers, vec![("X-KB4-Integration".into(), "soar".into())]);
    }

    #[test]
    fn bodies_are_refused_for_gets() {
        let err = plan("get_all_policies", json!({"data_body": {"a": 1}})).unwrap_err();
        assert_eq!(err.input(), Some("data_body"));
        assert!(plan(
            "get_all_policies",
            json!({"data_body": null, "json_body": {}})
        )
        .is_ok());
    }
}
