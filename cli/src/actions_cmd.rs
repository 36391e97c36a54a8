//! `knowbe4 actions`: the action table, for people or as JSON.

use std::process::ExitCode;

use knowbe4_connector::{InputSpec, ACTIONS};
use serde_json::json;

#[derive(clap::Args)]
pub struct Args {
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

pub fn run(args: &Args) -> ExitCode {
    if args.json {
        let actions: Vec<_> = ACTIONS
            .iter()
            .map(|action| {
                json!({
                    "name": action.name,
                    "title": action.title,
                    "method": action.method,
                    "endpoint": action.endpoint,
                    "description": action.description,
                    "inputs": action.inputs.iter().map(input_json).collect::<Vec<_>>(),
                })
            })
            .collect();
        println!(
            "{}",
            serde_json::to_string_pretty(&actions).expect("JSON values serialise")
        );
        return ExitCode::SUCCESS;
    }
    for action in ACTIONS {
        println!("{}  {} {}", action.name, action.method, action.endpoint);
        for input in action.inputs {
            let required = if input.required { ", required" } else { "" };
            println!(
                "    {:<26} {} {}{required}  {}",
                input.name,
                input.location.group(),
                input.kind.json_type(),
                input.description
            );
        }
    }
    ExitCode::SUCCESS
}

fn input_json(input: &InputSpec) -> serde_json::Value {
    json!({
        "name": input.name,
        "in": input.location.group(),
        "type": input.kind.json_type(),
        "required": input.required,
        "description": input.description,
    })
}
