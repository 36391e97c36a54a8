//! `knowbe4 run ACTION`: flags are built from the action table, so each
//! action's `--help` lists its real inputs.

use std::process::ExitCode;

use clap::{Arg, ArgAction, Args as _, Command, FromArgMatches};
use knowbe4_connector::{actions, ActionInput, Client, InputKind, InputSpec, Location};
use serde_json::Value;

use crate::connection::ConnectionArgs;
use crate::progress::Progress;

/// Exit status for an envelope with HTTP status >= 400.
const EXIT_HTTP_ERROR: u8 = 1;
/// Exit status when no envelope could be produced.
const EXIT_FAILURE: u8 = 2;

pub fn run(args: &[String]) -> ExitCode {
    let Some(action_name) = args.first() else {
        return usage();
    };
    if action_name == "--help" || action_name == "-h" {
        return usage();
    }
    let Some(spec) = actions::find(action_name) else {
        eprintln!(
            "error: unknown action {action_name:?}; expected one of {}",
            actions::names()
        );
        return ExitCode::from(EXIT_FAILURE);
    };
    let matches = match command_for(spec).try_get_matches_from(args) {
        Ok(matches) => matches,
        Err(err) => err.exit(),
    };
    let connection = ConnectionArgs::from_arg_matches(&matches).unwrap_or_else(|err| err.exit());
    let result = input_from(spec, &matches).and_then(|input| {
        let config = connection.config()?;
        let (progress, callback) = Progress::for_action(spec.name);
        let mut client = Client::new(config)?;
        if let Some(callback) = callback {
            client = client.with_progress(callback);
        }
        let envelope = crate::runtime().block_on(client.run_action(spec.name, &input));
        progress.finish();
        envelope
    });
    match result {
        Ok(envelope) => {
            let text = if matches.get_flag("compact") {
                serde_json::to_string(&envelope)
            } else {
                serde_json::to_string_pretty(&envelope)
            };
            println!("{}", text.expect("envelopes serialise"));
            crate::hints::print(&envelope);
            if envelope.status_code >= 400 {
                ExitCode::from(EXIT_HTTP_ERROR)
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::from(EXIT_FAILURE)
        }
    }
}

fn usage() -> ExitCode {
    println!(
        "usage: knowbe4 run ACTION [FLAGS]   (knowbe4 run ACTION --help for an action's flags)\n"
    );
    for action in actions::ACTIONS {
        println!("  {:<38} {}", action.name, action.title);
    }
    ExitCode::SUCCESS
}

fn flag_name(input: &InputSpec) -> String {
    input.name.replace('_', "-")
}

fn command_for(spec: &'static actions::ActionSpec) -> Command {
    let mut command = Command::new("run")
        .bin_name(format!("knowbe4 run {}", spec.name))
        .no_binary_name(false)
        .about(spec.description)
        .arg(
            Arg::new("input")
                .long("input")
                .value_name("JSON")
                .help("Turbine-shaped input: {\"path_parameters\": {...}, \"parameters\": {...}, \"headers\": {...}}"),
        )
        .arg(
            Arg::new("header")
                .long("header")
                .value_name("NAME:VALUE")
                .action(ArgAction::Append)
                .help("An extra request header (repeatable)"),
        )
        .arg(Arg::new("compact").long("compact").action(ArgAction::SetTrue).help("Print the envelope on one line"));
    for input in spec.inputs {
        let mut arg = Arg::new(input.name)
            .long(flag_name(input))
            .help(input.description)
            .help_heading(if input.location == Location::Path {
                "Path inputs"
            } else {
                "Query inputs"
            });
        arg = match input.kind {
            InputKind::Bool => arg
                .value_name("true|false")
                .num_args(0..=1)
                .default_missing_value("true"),
            InputKind::Cursor => arg.value_name("true|CURSOR"),
            InputKind::IdList => arg.value_name("ID,ID,..."),
            InputKind::Date => arg.value_name("DATE"),
            InputKind::CampaignStatus
            | InputKind::EnrollmentStatus
            | InputKind::ModuleType
            | InputKind::ModuleSource => arg.value_name(
                input
                    .kind
                    .allowed_values()
                    .map_or("VALUE".to_owned(), |values| values.join("|")),
            ),
            InputKind::Id | InputKind::Page | InputKind::PerPage => arg.value_name("N"),
        };
        command = command.arg(arg);
    }
    ConnectionArgs::augment_args(command.next_help_heading("Connection"))
}

/// The action input from `--input` plus flags; the same input given both
/// ways is refused rather than one silently winning.
fn input_from(
    spec: &actions::ActionSpec,
    matches: &clap::ArgMatches,
) -> knowbe4_connector::Result<ActionInput> {
    let mut input = match matches.get_one::<String>("input") {
        Some(text) => {
            let value: Value = serde_json::from_str(text).map_err(|err| {
                knowbe4_connector::Error::invalid_input("--input", format!("not valid JSON: {err}"))
            })?;
            ActionInput::from_value(value).map_err(|err| err.in_action(spec.name))?
        }
        None => ActionInput::new(),
    };
    for input_spec in spec.inputs {
        let Some(value) = matches.get_one::<String>(input_spec.name) else {
            continue;
        };
        let group = match input_spec.location {
            Location::Path => &mut input.path_parameters,
            Location::Query | Location::Local => &mut input.parameters,
        };
        if group.contains_key(input_spec.name) {
            return Err(knowbe4_connector::Error::invalid_input(
                input_spec.name,
                format!("given both in --input and as --{}", flag_name(input_spec)),
            ));
        }
        group.insert(input_spec.name.to_owned(), Value::String(value.clone()));
    }
    for header in matches.get_many::<String>("header").into_iter().flatten() {
        let Some((name, value)) = header.split_once(':') else {
            return Err(knowbe4_connector::Error::invalid_input(
                "--header",
                format!("{header:?} is not NAME:VALUE"),
            ));
        };
        input.headers.insert(
            name.trim().to_owned(),
            Value::String(value.trim_start().to_owned()),
        );
    }
    Ok(input)
}
