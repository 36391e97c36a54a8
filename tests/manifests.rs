//! The committed Turbine manifests agree with the action table, input for
//! input, and are exactly what `knowbe4 manifests` generates.

use std::collections::BTreeSet;
use std::path::Path;

use knowbe4_connector::{manifest, Location, ACTIONS};
use serde_json::Value;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn load(relative: &str) -> Value {
    let text = std::fs::read_to_string(root().join(relative))
        .unwrap_or_else(|err| panic!("{relative}: {err}"));
    serde_norway::from_str(&text)
        .unwrap_or_else(|err| panic!("{relative} is not valid YAML: {err}"))
}

#[test]
fn committed_files_are_the_generated_ones() {
    for (relative, text) in manifest::all() {
        let committed = std::fs::read_to_string(root().join(&relative)).unwrap_or_default();
        assert!(
            committed == text,
            "{relative} is out of date: run `cargo run -p knowbe4-cli -- manifests`"
        );
    }
}

#[test]
fn one_action_manifest_per_action_and_no_other() {
    let on_disk: BTreeSet<String> = std::fs::read_dir(root().join(manifest::ACTIONS_DIR))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let expected: BTreeSet<String> = ACTIONS.iter().map(|a| format!("{}.yaml", a.name)).collect();
    assert_eq!(on_disk, expected);
}

#[test]
fn action_manifests_agree_with_the_table_input_for_input() {
    for action in ACTIONS {
        let yaml = load(&format!("{}/{}.yaml", manifest::ACTIONS_DIR, action.name));
        assert_eq!(yaml["schema"], "action/1");
        assert_eq!(yaml["name"], action.name);
        assert_eq!(yaml["meta"]["endpoint"], action.endpoint);
        assert_eq!(yaml["meta"]["method"], action.method);
        let groups = &yaml["inputs"]["properties"];
        for location in [Location::Path, Location::Query] {
            let in_group =
                |input: &&knowbe4_connector::InputSpec| input.location.group() == location.group();
            let in_table: Vec<&str> = action
                .inputs
                .iter()
                .filter(in_group)
                .map(|input| input.name)
                .collect();
            let group = &groups[location.group()];
            let in_yaml: Vec<&str> = group["properties"]
                .as_object()
                .map(|props| props.keys().map(String::as_str).collect())
                .unwrap_or_default();
            assert_eq!(in_yaml, in_table, "{} {}", action.name, location.group());
            for input in action.inputs.iter().filter(in_group) {
                let schema = &group["properties"][input.name];
                assert_eq!(
                    schema["type"],
                    input.kind.json_type(),
                    "{}.{}",
                    action.name,
                    input.name
                );
                let required = group["required"]
                    .as_array()
                    .is_some_and(|names| names.iter().any(|name| name == input.name));
                assert_eq!(required, input.required, "{}.{}", action.name, input.name);
            }
        }
        let output: Vec<&str> = yaml["output"]["required"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_str)
            .collect();
        assert_eq!(output, ["status_code", "response_headers", "reason"]);
    }
}

#[test]
fn asset_manifest_is_http_bearer() {
    let asset = load(&format!("{}/http_bearer.yaml", manifest::ASSETS_DIR));
    assert_eq!(asset["schema"], "asset/1");
    assert_eq!(asset["name"], "http_bearer");
    assert_eq!(asset["inputs"]["properties"]["token"]["format"], "password");
    assert_eq!(
        asset["inputs"]["required"],
        serde_json::json!(["url", "token"])
    );
    assert_eq!(
        asset["meta"]["security"],
        serde_json::json!({"type": "http", "scheme": "bearer"})
    );
    let connector = load("connector.yaml");
    assert_eq!(connector["version"], knowbe4_connector::VERSION);
}
