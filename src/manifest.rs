//! The Turbine manifests, generated from the action table so they cannot
//! drift from it: `connector.yaml`, the `http_bearer` asset and one
//! `action/1` manifest per action. `knowbe4 manifests --write` writes them;
//! a test proves the committed files equal what this module generates.

use serde_json::{json, Map, Value};

use crate::actions::{ActionSpec, InputKind, InputSpec, Location, ACTIONS, MAX_PER_PAGE};
use crate::config::Region;

/// Where the action manifests live, relative to the repository root.
pub const ACTIONS_DIR: &str = "connector/config/actions";
/// Where the asset manifests live.
pub const ASSETS_DIR: &str = "connector/config/assets";

/// Every manifest: (path relative to the repository root, YAML text).
#[must_use]
pub fn all() -> Vec<(String, String)> {
    let mut files = vec![
        ("connector.yaml".to_owned(), to_yaml(&connector())),
        (format!("{ASSETS_DIR}/http_bearer.yaml"), to_yaml(&asset())),
    ];
    for action in ACTIONS {
        files.push((
            format!("{ACTIONS_DIR}/{}.yaml", action.name),
            to_yaml(&action_manifest(action)),
        ));
    }
    files
}

/// `connector.yaml`: the connector's identity.
#[must_use]
pub fn connector() -> Value {
    json!({
        "name": "knowbe4",
        "title": "KnowBe4",
        "version": crate::VERSION,
        "description": "KnowBe4 security awareness training: policies, training campaigns, enrollments and risk scores \
                        from the KnowBe4 reporting API, with complete pagination.",
        "author": "KnowBe4 connector team",
        "vendor": "KnowBe4",
        "product": "Security Awareness Training",
        "icon": "./image/logo.svg",
        "runtime": "python-3.11",
    })
}

/// The `http_bearer` asset manifest.
#[must_use]
pub fn asset() -> Value {
    let regions: Vec<&str> = Region::ALL.iter().map(|region| region.base_url()).collect();
    json!({
        "schema": "asset/1",
        "name": "http_bearer",
        "title": "KnowBe4 Reporting API",
        "description": "A KnowBe4 reporting API token and the API host of the account's region.",
        "inputs": {
            "type": "object",
            "properties": {
                "url": {
                    "title": "URL",
                    "description": "The API base URL of the account's region, or a proxy or gateway in front of it.",
                    "type": "string",
                    "format": "uri",
                    "default": Region::Us.base_url(),
                    "examples": regions,
                },
                "token": {
                    "title": "Token",
                    "description": "The reporting API token (Account Settings > API).",
                    "type": "string",
                    "format": "password",
                },
                "verify_ssl": {
                    "title": "Verify SSL Certificates",
                    "description": "Verify the server's TLS certificate. On unless turned off.",
                    "type": "boolean",
                    "default": true,
                },
                "http_proxy": {
                    "title": "HTTP(s) Proxy",
                    "description": "A proxy for every request, e.g. http://proxy:3128. The http_proxy environment variable wins.",
                    "type": "string",
                },
            },
            "required": ["url", "token"],
        },
        "meta": {
            "security": {"type": "http", "scheme": "bearer"},
        },
    })
}

/// One action's `action/1` manifest.
#[must_use]
pub fn action_manifest(action: &ActionSpec) -> Value {
    let mut properties = Map::new();
    let mut required = Vec::new();
    for location in [Location::Path, Location::Query] {
        let inputs: Vec<&InputSpec> = action
            .inputs
            .iter()
            .filter(|input| input.location.group() == location.group())
            .collect();
        if inputs.is_empty() {
            continue;
        }
        let mut group_properties = Map::new();
        let mut group_required = Vec::new();
        for input in inputs {
            group_properties.insert(input.name.to_owned(), input_schema(input));
            if input.required {
                group_required.push(Value::String(input.name.to_owned()));
            }
        }
        let mut group = Map::new();
        group.insert("type".into(), "object".into());
        group.insert("properties".into(), Value::Object(group_properties));
        if !group_required.is_empty() {
            required.push(Value::String(location.group().to_owned()));
            group.insert("required".into(), Value::Array(group_required));
        }
        group.insert("additionalProperties".into(), false.into());
        properties.insert(location.group().to_owned(), Value::Object(group));
    }
    properties.insert(
        "headers".into(),
        json!({
            "type": "object",
            "description": "Extra request headers (Authorization is set from the asset).",
            "additionalProperties": {"type": "string"},
        }),
    );
    let mut inputs = Map::new();
    inputs.insert("type".into(), "object".into());
    inputs.insert("properties".into(), Value::Object(properties));
    if !required.is_empty() {
        inputs.insert("required".into(), Value::Array(required));
    }
    inputs.insert("additionalProperties".into(), false.into());
    json!({
        "schema": "action/1",
        "title": action.title,
        "name": action.name,
        "description": action.description,
        "inputs": inputs,
        "output": envelope_schema(),
        "meta": meta(action),
    })
}

fn meta(action: &ActionSpec) -> Value {
    let mut meta = Map::new();
    meta.insert("endpoint".into(), action.endpoint.into());
    meta.insert("method".into(), action.method.into());
    if !action.also_reads.is_empty() {
        // A composite action: the connector's runtime reads these too.
        meta.insert("also_reads".into(), json!(action.also_reads));
    }
    Value::Object(meta)
}

fn input_schema(input: &InputSpec) -> Value {
    let mut schema = Map::new();
    schema.insert("title".into(), title_case(input.name).into());
    schema.insert("description".into(), input.description.into());
    schema.insert("type".into(), input.kind.json_type().into());
    match input.kind {
        InputKind::Id | InputKind::Page => {
            schema.insert("minimum".into(), 1.into());
        }
        InputKind::PerPage => {
            schema.insert("minimum".into(), 1.into());
            schema.insert("maximum".into(), MAX_PER_PAGE.into());
        }
        InputKind::Date => {
            schema.insert("format".into(), "date-time".into());
        }
        InputKind::CampaignStatus
        | InputKind::EnrollmentStatus
        | InputKind::ModuleType
        | InputKind::ModuleSource
        | InputKind::Bool
        | InputKind::Cursor
        | InputKind::IdList => {}
    }
    if let Some(allowed) = input.kind.allowed_values() {
        schema.insert("enum".into(), json!(allowed));
    }
    Value::Object(schema)
}

/// The output schema shared by every action: the HTTP envelope.
#[must_use]
pub fn envelope_schema() -> Value {
    json!({
        "type": "object",
        "properties": {
            "status_code": {"type": "integer", "description": "The HTTP status."},
            "response_headers": {
                "type": "object",
                "description": "Every response header, e.g. Content-Type and X-Request-Id.",
                "additionalProperties": {"type": "string"},
            },
            "reason": {"type": "string", "description": "The reason phrase, e.g. OK or Not Found."},
            "json_body": {
                "type": ["array", "object"],
                "description": "The parsed JSON body; for list actions every record of every page.",
            },
            "response_text": {"type": "string", "description": "The body as text, when it is not JSON."},
        },
        "required": ["status_code", "response_headers", "reason"],
    })
}

fn title_case(name: &str) -> String {
    name.split('_')
        .map(|word| match word {
            "id" => "ID".to_owned(),
            _ => {
                let mut chars = word.chars();
                chars.next().map_or(String::new(), |first| {
                    first.to_uppercase().chain(chars).collect()
                })
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Block-style YAML for a JSON value: mappings and sequences in block form,
/// strings plain where that is unambiguous and double-quoted otherwise.
#[must_use]
pub fn to_yaml(value: &Value) -> String {
    let mut out = String::new();
    match value {
        Value::Object(map) if !map.is_empty() => write_map(&mut out, map, 0),
        other => {
            out.push_str(&scalar(other));
            out.push('\n');
        }
    }
    out
}

fn write_map(out: &mut String, map: &Map<String, Value>, indent: usize) {
    for (key, value) in map {
        out.push_str(&" ".repeat(indent));
        out.push_str(&string_scalar(key));
        out.push(':');
        write_child(out, value, indent);
    }
}

fn write_child(out: &mut String, value: &Value, indent: usize) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            out.push('\n');
            write_map(out, map, indent + 2);
        }
        Value::Array(items) if !items.is_empty() => {
            out.push('\n');
            for item in items {
                out.push_str(&" ".repeat(indent + 2));
                out.push('-');
                match item {
                    Value::Object(map) if !map.is_empty() => {
                        out.push('\n');
                        write_map(out, map, indent + 4);
                    }
                    other => {
                        out.push(' ');
                        out.push_str(&scalar(other));
                        out.push('\n');
                    }
                }
            }
        }
        other => {
            out.push(' ');
            out.push_str(&scalar(other));
            out.push('\n');
        }
    }
}

fn scalar(value: &Value) -> String {
    match value {
        Value::String(text) => string_scalar(text),
        Value::Object(_) => "{}".to_owned(),
        Value::Array(_) => "[]".to_owned(),
        other => other.to_string(),
    }
}

fn string_scalar(text: &str) -> String {
    const KEYWORDS: [&str; 12] = [
        "true", "false", "yes", "no", "on", "off", "null", "y", "n", "~", "", "-",
    ];
    let plain = text
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '/' || c == '_')
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || " _./()-{}>".contains(c))
        && !text.ends_with(' ')
        && !KEYWORDS.contains(&text.to_ascii_lowercase().as_str())
        && text.parse::<f64>().is_err();
    if plain {
        text.to_owned()
    } else {
        serde_json::to_string(text).expect("strings serialise")
    }
}
