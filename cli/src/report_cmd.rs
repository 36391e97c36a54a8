//! `knowbe4 report`: the compliance report action, printed as a table for
//! people, and optionally written as CSV (one row per group) or JSON.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use knowbe4_connector::{ActionInput, Client};
use serde_json::{json, Value};

use crate::connection::ConnectionArgs;
use crate::progress::Progress;

#[derive(clap::Args)]
pub struct Args {
    /// Report on this campaign (repeatable); none means all campaigns.
    #[arg(long = "campaign-id", value_name = "ID")]
    campaign_ids: Vec<String>,
    /// Judge deadlines at this moment (YYYY-MM-DD or UTC time); default now.
    #[arg(long, value_name = "DATE")]
    as_of: Option<String>,
    /// Leave out enrollments of archived users.
    #[arg(long)]
    exclude_archived_users: bool,
    /// Also write the groups (overall, content types, campaigns) as CSV.
    #[arg(long, value_name = "FILE")]
    csv: Option<PathBuf>,
    /// Print the report JSON instead of the table.
    #[arg(long)]
    json: bool,
    /// How many reminder rows to show (0 for none).
    #[arg(long, default_value_t = 20)]
    show_reminders: usize,
    #[command(flatten)]
    connection: ConnectionArgs,
}

pub fn run(args: &Args) -> ExitCode {
    let mut parameters = json!({});
    if !args.campaign_ids.is_empty() {
        parameters["campaign_ids"] = args.campaign_ids.join(",").into();
    }
    if let Some(as_of) = &args.as_of {
        parameters["as_of"] = as_of.clone().into();
    }
    if args.exclude_archived_users {
        parameters["exclude_archived_users"] = true.into();
    }
    let action = "get_training_compliance_report";
    let result = ActionInput::from_value(json!({"parameters": parameters})).and_then(|input| {
        let (progress, callback) = Progress::for_action(action);
        let mut client = Client::new(args.connection.config()?)?;
        if let Some(callback) = callback {
            client = client.with_progress(callback);
        }
        let envelope = crate::runtime().block_on(client.run_action(action, &input));
        progress.finish();
        envelope
    });
    let envelope = match result {
        Ok(envelope) => envelope,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::from(2);
        }
    };
    let Some(report) = envelope.json_body().filter(|_| envelope.is_success()) else {
        println!(
            "{}",
            serde_json::to_string_pretty(&envelope).expect("envelopes serialise")
        );
        crate::hints::print(&envelope);
        return ExitCode::from(1);
    };
    if let Some(path) = &args.csv {
        if let Err(err) = std::fs::write(path, csv(report)) {
            eprintln!("error: cannot write {}: {err}", path.display());
            return ExitCode::from(2);
        }
    }
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(report).expect("JSON values serialise")
        );
    } else {
        print!("{}", table(report, args.show_reminders));
    }
    ExitCode::SUCCESS
}

const STATUSES: [&str; 5] = [
    "Passed",
    "Completed",
    "In Progress",
    "Not Started",
    "Past Due",
];

/// (kind, name, group) for the overall figures, each content type, each campaign.
fn groups(report: &Value) -> Vec<(&'static str, String, &Value)> {
    let mut rows = vec![("overall", "all enrollments".to_owned(), report)];
    if let Some(types) = report["by_content_type"].as_object() {
        rows.extend(
            types
                .iter()
                .map(|(name, group)| ("content_type", name.clone(), group)),
        );
    }
    if let Some(campaigns) = report["by_campaign"].as_array() {
        rows.extend(campaigns.iter().map(|group| {
            let name = format!(
                "{} {}",
                group["campaign_id"],
                group["name"].as_str().unwrap_or("")
            );
            ("campaign", name, group)
        }));
    }
    rows
}

fn total(group: &Value) -> &Value {
    group.get("total").unwrap_or(&group["total_enrollments"])
}

fn percent(rate: &Value) -> String {
    rate.as_f64()
        .map_or("-".to_owned(), |rate| format!("{:.1}%", rate * 100.0))
}

fn seconds(value: &Value) -> String {
    value
        .as_u64()
        .map_or("-".to_owned(), |s| format!("{}m{:02}s", s / 60, s % 60))
}

fn table(report: &Value, reminders: usize) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Training compliance as of {}  (scope: {})",
        report["as_of"].as_str().unwrap_or(""),
        report["scope"]
    );
    if let Some(missing) = report["campaigns_not_found"]
        .as_array()
        .filter(|m| !m.is_empty())
    {
        let _ = writeln!(
            out,
            "campaigns not found: {}",
            Value::Array(missing.clone())
        );
    }
    let _ = writeln!(
        out,
        "\n{:<44} {:>6} {:>6} {:>9} {:>11} {:>11} {:>8} {:>9} {:>8} {:>8}",
        "group",
        "total",
        "passed",
        "completed",
        "in progress",
        "not started",
        "past due",
        "complete%",
        "median",
        "p90"
    );
    for (_, name, group) in groups(report) {
        let status = |s: &str| group["by_status"][s].as_u64().unwrap_or(0);
        let name: String = name.chars().take(44).collect();
        let _ = writeln!(
            out,
            "{name:<44} {:>6} {:>6} {:>9} {:>11} {:>11} {:>8} {:>9} {:>8} {:>8}",
            total(group),
            status("Passed"),
            status("Completed"),
            status("In Progress"),
            status("Not Started"),
            status("Past Due"),
            percent(&group["completion_rate"]),
            seconds(&group["time_spent_seconds"]["median"]),
            seconds(&group["time_spent_seconds"]["p90"]),
        );
    }
    let _ = writeln!(
        out,
        "\nneed a reminder: {}    past due but completed: {}",
        report["needs_reminder"]["count"], report["past_due_but_completed"]["count"]
    );
    let listed = report["needs_reminder"]["enrollments"]
        .as_array()
        .map_or(&[][..], Vec::as_slice);
    for entry in listed.iter().take(reminders) {
        let user = &entry["user"];
        let _ = writeln!(
            out,
            "  {:<26} {:<34} {:<28} due {}",
            entry["reason"].as_str().unwrap_or(""),
            user["email"].as_str().unwrap_or(""),
            entry["module_name"]
                .as_str()
                .unwrap_or("")
                .chars()
                .take(28)
                .collect::<String>(),
            entry["deadline"].as_str().unwrap_or("-"),
        );
    }
    if listed.len() > reminders && reminders > 0 {
        let _ = writeln!(
            out,
            "  ... {} more (--show-reminders N, or --json)",
            listed.len() - reminders
        );
    }
    out
}

/// RFC 4180 CSV: one row per group.
fn csv(report: &Value) -> String {
    let mut out = String::from("group_kind,group,total,");
    out.push_str(
        &STATUSES
            .map(|s| s.to_lowercase().replace(' ', "_"))
            .join(","),
    );
    out.push_str(
        ",completed_total,completion_rate,median_time_spent_seconds,p90_time_spent_seconds\r\n",
    );
    for (kind, name, group) in groups(report) {
        let mut fields = vec![kind.to_owned(), name, total(group).to_string()];
        fields.extend(
            STATUSES
                .iter()
                .map(|s| group["by_status"][*s].as_u64().unwrap_or(0).to_string()),
        );
        fields.push(group["completed"].to_string());
        fields.push(
            group["completion_rate"]
                .as_f64()
                .map_or(String::new(), |r| r.to_string()),
        );
        for key in ["median", "p90"] {
            fields.push(
                group["time_spent_seconds"][key]
                    .as_u64()
                    .map_or(String::new(), |s| s.to_string()),
            );
        }
        let line: Vec<String> = fields.iter().map(|field| csv_field(field)).collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    out
}

fn csv_field(field: &str) -> String {
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_owned()
    }
}
