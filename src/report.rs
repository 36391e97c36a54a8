//! The training compliance report: one streaming pass over enrollments,
//! with campaigns (for deadlines) and store purchases (for content types)
//! read first. Definitions, as the training guide gives them:
//!
//! - completed: `Passed` or `Completed`, or `Past Due` with a completion date;
//! - past due but completed: `Past Due` with a completion date, or
//!   `Passed`/`Completed` with a completion date after the deadline;
//! - needs a reminder: `Past Due` without a completion date, or `Not Started`
//!   / `In Progress` whose deadline is before `as_of`;
//! - deadline: the campaign's `end_date`, else the enrollment date plus the
//!   campaign's `relative_duration`, else none;
//! - time spent: over completed enrollments that report one (the count is
//!   `measured_enrollments`), nearest-rank median and p90;
//! - `by_campaign`: the campaigns asked for (a known one without enrollments
//!   shows zeros), or for all: every campaign in the listing's order, then
//!   any other campaign ids the enrollments name, then `campaign_id: null`
//!   for enrollments without one.

use std::collections::HashMap;

use indexmap::IndexMap;
use serde_json::{json, Map, Value};

use crate::actions::{ENROLLMENT_STATUSES, MODULE_TYPES};
use crate::dates;
use crate::envelope::{Body, Envelope};
use crate::error::{Error, Result};
use crate::filters::status_key;
use crate::input::{prepare, ActionInput, Prepared};
use crate::modules::{module_type, store_purchase_id};
use crate::pagination::{self, PageFetcher, Pulled};

/// How a campaign sets its deadline.
#[derive(Clone, Copy, Debug)]
enum Deadline {
    At(i64),
    AfterEnrollment(i64),
    None,
}

struct Campaign {
    name: Value,
    status: Value,
    deadline: Deadline,
    deadline_text: Value,
}

fn campaign_from(record: &Value) -> Option<(u64, Campaign)> {
    let id = record.get("campaign_id")?.as_u64()?;
    let end = record.get("end_date").and_then(Value::as_str);
    let relative = record.get("relative_duration").and_then(Value::as_str);
    let deadline = match (
        end.and_then(end_of),
        relative.and_then(dates::parse_relative_duration),
    ) {
        (Some(at), _) => Deadline::At(at),
        (None, Some(after)) => Deadline::AfterEnrollment(after),
        (None, None) => Deadline::None,
    };
    let deadline_text = end
        .map(Value::from)
        .or_else(|| relative.map(|r| Value::from(format!("{r} after enrollment"))));
    Some((
        id,
        Campaign {
            name: record.get("name").cloned().unwrap_or(Value::Null),
            status: record.get("status").cloned().unwrap_or(Value::Null),
            deadline,
            deadline_text: deadline_text.unwrap_or(Value::Null),
        },
    ))
}

/// A deadline's moment: a time as given; a plain date means the end of
/// that day (completing on the end date is on time).
fn end_of(text: &str) -> Option<i64> {
    let at = dates::parse_seconds(text)?;
    Some(if text.len() == 10 { at + 86_399 } else { at })
}

/// Counts for one group of enrollments (all, one content type, one campaign).
#[derive(Default)]
struct Tally {
    total: u64,
    by_status: IndexMap<String, u64>,
    completed: u64,
    times: Vec<u64>,
}

impl Tally {
    fn add(&mut self, status: &str, completed: bool, time_spent: Option<u64>) {
        self.total += 1;
        *self.by_status.entry(status.to_owned()).or_default() += 1;
        if completed {
            self.completed += 1;
            if let Some(seconds) = time_spent {
                self.times.push(seconds);
            }
        }
    }

    fn summarise(&mut self) -> Map<String, Value> {
        let mut by_status = Map::new();
        for status in ENROLLMENT_STATUSES {
            by_status.insert(
                status.to_owned(),
                self.by_status.get(status).copied().unwrap_or(0).into(),
            );
        }
        for (status, count) in &self.by_status {
            if !ENROLLMENT_STATUSES.contains(&status.as_str()) {
                by_status.insert(status.clone(), (*count).into());
            }
        }
        self.times.sort_unstable();
        let mut out = Map::new();
        out.insert("total".into(), self.total.into());
        out.insert("by_status".into(), Value::Object(by_status));
        out.insert("completed".into(), self.completed.into());
        out.insert("completion_rate".into(), rate(self.completed, self.total));
        out.insert(
            "time_spent_seconds".into(),
            json!({
                "measured_enrollments": self.times.len(),
                "median": nearest_rank(&self.times, 50),
                "p90": nearest_rank(&self.times, 90),
                "total": self.times.iter().sum::<u64>(),
            }),
        );
        out
    }
}

/// `completed / total` to four places, `null` for an empty group.
fn rate(part: u64, total: u64) -> Value {
    if total == 0 {
        return Value::Null;
    }
    #[allow(clippy::cast_precision_loss)] // counts far below 2^52
    let fraction = part as f64 / total as f64;
    json!((fraction * 10_000.0).round() / 10_000.0)
}

/// The nearest-rank percentile of sorted values, `null` when there are none.
fn nearest_rank(sorted: &[u64], percent: usize) -> Value {
    if sorted.is_empty() {
        return Value::Null;
    }
    let rank = (percent * sorted.len()).div_ceil(100).max(1);
    sorted[rank - 1].into()
}

/// The streaming accumulator: `add` one enrollment at a time.
struct Accumulator<'a> {
    as_of: i64,
    campaigns: &'a HashMap<u64, Campaign>,
    store_types: &'a HashMap<u64, String>,
    overall: Tally,
    by_type: IndexMap<String, Tally>,
    by_campaign: IndexMap<Option<u64>, Tally>,
    reminders: Vec<Value>,
    late_completions: Vec<Value>,
}

impl Accumulator<'_> {
    fn add(&mut self, record: &Value) {
        let raw_status = record
            .get("status")
            .and_then(Value::as_str)
            .unwrap_or("(none)");
        let key = status_key(raw_status);
        let status = ENROLLMENT_STATUSES
            .iter()
            .find(|known| status_key(known) == key)
            .map_or(raw_status, |known| *known);
        let completion = record.get("completion_date").and_then(Value::as_str);
        let completed_at = completion.and_then(dates::parse_seconds);
        let campaign_id = record.get("campaign_id").and_then(Value::as_u64);
        let campaign = campaign_id.and_then(|id| self.campaigns.get(&id));
        let deadline = match campaign.map_or(Deadline::None, |c| c.deadline) {
            Deadline::At(at) => Some(at),
            Deadline::AfterEnrollment(after) => record
                .get("enrollment_date")
                .and_then(Value::as_str)
                .and_then(dates::parse_seconds)
                .map(|enrolled| enrolled + after),
            Deadline::None => None,
        };
        let finished = matches!(status, "Passed" | "Completed");
        let past_due = status == "Past Due";
        let completed = finished || (past_due && completion.is_some());
        let late = (past_due && completion.is_some())
            || (finished
                && matches!((completed_at, deadline), (Some(done), Some(due)) if done > due));
        let overdue = deadline.is_some_and(|due| due < self.as_of);
        let reminder = if past_due && completion.is_none() {
            Some("Past Due")
        } else if status == "Not Started" && overdue {
            Some("Not Started past deadline")
        } else if status == "In Progress" && overdue {
            Some("In Progress past deadline")
        } else {
            None
        };

        // Whole seconds; a float such as 123.0 counts too, rounded.
        let time_spent = record.get("time_spent").and_then(|value| {
            value.as_u64().or_else(|| {
                let seconds = value.as_f64().filter(|s| s.is_finite() && *s >= 0.0)?;
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // checked above
                Some(seconds.round() as u64)
            })
        });
        let content_type = self.content_type(record);
        self.overall.add(status, completed, time_spent);
        self.by_type
            .entry(content_type)
            .or_default()
            .add(status, completed, time_spent);
        self.by_campaign
            .entry(campaign_id)
            .or_default()
            .add(status, completed, time_spent);
        let due = deadline.map_or(Value::Null, |due| dates::format_seconds(due).into());
        if let Some(reason) = reminder {
            self.reminders.push(json!({
                "enrollment_id": record.get("enrollment_id"),
                "reason": reason,
                "status": raw_status,
                "deadline": due,
                "user": user_summary(record),
                "campaign_id": campaign_id,
                "campaign_name": record.get("campaign_name"),
                "module_name": record.get("module_name"),
            }));
        }
        if late {
            self.late_completions.push(json!({
                "enrollment_id": record.get("enrollment_id"),
                "status": raw_status,
                "deadline": due,
                "completion_date": completion,
                "user": user_summary(record),
                "campaign_id": campaign_id,
                "campaign_name": record.get("campaign_name"),
                "module_name": record.get("module_name"),
            }));
        }
    }

    fn content_type(&self, record: &Value) -> String {
        let declared = record
            .get("content_type")
            .and_then(Value::as_str)
            .unwrap_or("Unknown");
        if declared == "Uploaded Policy" {
            return "Policy".to_owned();
        }
        store_purchase_id(record)
            .and_then(Value::as_u64)
            .and_then(|id| self.store_types.get(&id))
            .cloned()
            .unwrap_or_else(|| declared.to_owned())
    }
}

fn user_summary(record: &Value) -> Value {
    let user = record.get("user");
    let field = |name: &str| {
        user.and_then(|u| u.get(name))
            .cloned()
            .unwrap_or(Value::Null)
    };
    json!({"id": field("id"), "first_name": field("first_name"), "last_name": field("last_name"), "email": field("email")})
}

/// The campaigns asked for: `campaign_id` and `campaign_ids` together, in
/// order, each once; `None` for all.
fn scope(prepared: &Prepared) -> Option<Vec<u64>> {
    let mut ids: Vec<u64> = Vec::new();
    let given = prepared
        .local("campaign_id")
        .into_iter()
        .chain(prepared.local("campaign_ids"));
    for id in given.flat_map(|list| list.split(',')) {
        let id = id.parse().expect("checked ids");
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    (!ids.is_empty()).then_some(ids)
}

/// `get_training_compliance_report`.
pub(crate) async fn run(fetcher: &impl PageFetcher, prepared: &Prepared) -> Result<Envelope> {
    let (as_of, as_of_text) = match prepared.local("as_of") {
        Some(text) => (
            dates::parse_seconds(text).expect("checked date"),
            text.to_owned(),
        ),
        None => {
            let now = fetcher.unix_seconds().ok_or_else(|| {
                Error::invalid_input(
                    "as_of",
                    "this host has no clock the connector may read: give as_of",
                )
            })?;
            (now, dates::format_seconds(now))
        }
    };
    let scope = scope(prepared);

    let mut campaigns = HashMap::new();
    let mut campaign_order = Vec::new();
    let listing = prepare("get_all_training_campaigns", &ActionInput::new())?;
    if let Pulled::Stopped(envelope) =
        pagination::pull(fetcher, &listing, &mut |records: Vec<Value>| {
            for (id, campaign) in records.iter().filter_map(campaign_from) {
                // A campaign listed twice (records shifting between pages) is one campaign.
                if campaigns.insert(id, campaign).is_none() {
                    campaign_order.push(id);
                }
            }
        })
        .await?
    {
        return Ok(envelope);
    }

    let mut store_types = HashMap::new();
    let store = prepare("get_all_store_purchases", &ActionInput::new())?;
    if let Pulled::Stopped(envelope) =
        pagination::pull(fetcher, &store, &mut |records: Vec<Value>| {
            for record in records {
                let id = store_purchase_id(&record).and_then(Value::as_u64);
                let kind = record.get("type").and_then(Value::as_str);
                if let (Some(id), Some(kind)) = (id, kind) {
                    store_types.insert(id, module_type(kind));
                }
            }
        })
        .await?
    {
        return Ok(envelope);
    }

    let mut accumulator = Accumulator {
        as_of,
        campaigns: &campaigns,
        store_types: &store_types,
        overall: Tally::default(),
        by_type: IndexMap::new(),
        by_campaign: IndexMap::new(),
        reminders: Vec::new(),
        late_completions: Vec::new(),
    };
    let targets: Vec<Option<u64>> = match &scope {
        Some(ids) => ids.iter().copied().map(Some).collect(),
        None => vec![None],
    };
    let mut last = None;
    for target in targets {
        let mut parameters =
            json!({"include_campaign_id": true, "include_store_purchase_id": true});
        if let Some(id) = target {
            parameters["campaign_id"] = id.into();
        }
        if let Some(flag) = prepared.local("exclude_archived_users") {
            parameters["exclude_archived_users"] = (flag == "true").into();
        }
        let input = ActionInput::from_value(json!({"parameters": parameters}))?;
        let enrollments = prepare("get_all_training_enrollments", &input)?;
        match pagination::pull(fetcher, &enrollments, &mut |records: Vec<Value>| {
            for record in &records {
                accumulator.add(record);
            }
        })
        .await?
        {
            Pulled::Stopped(envelope) => return Ok(envelope),
            Pulled::Complete(envelope) => last = Some(envelope),
        }
    }
    let mut envelope = last.expect("at least one enrollment pull ran");
    envelope.body = Body::Json(finish(
        accumulator,
        &campaigns,
        &campaign_order,
        scope.as_deref(),
        as_of_text,
    ));
    Ok(envelope)
}

fn finish(
    mut acc: Accumulator<'_>,
    campaigns: &HashMap<u64, Campaign>,
    campaign_order: &[u64],
    scope: Option<&[u64]>,
    as_of: String,
) -> Value {
    let mut report = Map::new();
    report.insert("as_of".into(), as_of.into());
    report.insert(
        "scope".into(),
        scope.map_or_else(|| "all".into(), |ids| json!(ids)),
    );
    if let Some(ids) = scope {
        let missing: Vec<u64> = ids
            .iter()
            .copied()
            .filter(|id| !campaigns.contains_key(id))
            .collect();
        report.insert("campaigns_not_found".into(), json!(missing));
    }
    let overall = acc.overall.summarise();
    report.insert("total_enrollments".into(), overall["total"].clone());
    for key in [
        "by_status",
        "completed",
        "completion_rate",
        "time_spent_seconds",
    ] {
        report.insert(key.into(), overall[key].clone());
    }
    report.insert(
        "needs_reminder".into(),
        json!({"count": acc.reminders.len(), "enrollments": std::mem::take(&mut acc.reminders)}),
    );
    report.insert(
        "past_due_but_completed".into(),
        json!({"count": acc.late_completions.len(), "enrollments": std::mem::take(&mut acc.late_completions)}),
    );
    let mut by_type = Map::new();
    let known = MODULE_TYPES.iter().map(|t| (*t).to_owned());
    let others: Vec<String> = acc
        .by_type
        .keys()
        .filter(|t| !MODULE_TYPES.contains(&t.as_str()))
        .cloned()
        .collect();
    for kind in known.chain(others) {
        if let Some(tally) = acc.by_type.get_mut(&kind) {
            by_type.insert(kind, Value::Object(tally.summarise()));
        }
    }
    report.insert("by_content_type".into(), Value::Object(by_type));
    let mut by_campaign = Vec::new();
    // Asked-for campaigns in the order asked (zeros for a known one without
    // enrollments); for all: the listing's order, then ids only the
    // enrollments name, then enrollments without a campaign.
    let mut order: Vec<Option<u64>> = match scope {
        Some(ids) => ids
            .iter()
            .copied()
            .filter(|id| campaigns.contains_key(id))
            .map(Some)
            .collect(),
        None => campaign_order.iter().copied().map(Some).collect(),
    };
    if scope.is_none() {
        let extra: Vec<Option<u64>> = acc
            .by_campaign
            .keys()
            .filter(|id| !order.contains(id))
            .copied()
            .collect();
        order.extend(extra.iter().filter(|id| id.is_some()));
        order.extend(extra.iter().filter(|id| id.is_none()));
    }
    for id in order {
        let mut tally = acc.by_campaign.swap_remove(&id).unwrap_or_default();
        let mut entry = Map::new();
        entry.insert("campaign_id".into(), id.map_or(Value::Null, Value::from));
        let campaign = id.and_then(|id| campaigns.get(&id));
        entry.insert(
            "name".into(),
            campaign.map_or(Value::Null, |c| c.name.clone()),
        );
        entry.insert(
            "status".into(),
            campaign.map_or(Value::Null, |c| c.status.clone()),
        );
        entry.insert(
            "deadline".into(),
            campaign.map_or(Value::Null, |c| c.deadline_text.clone()),
        );
        entry.extend(tally.summarise());
        by_campaign.push(Value::Object(entry));
    }
    report.insert("by_campaign".into(), Value::Array(by_campaign));
    Value::Object(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_end_date_lasts_the_whole_day() {
        let midnight = dates::parse_seconds("2024-05-31").unwrap();
        assert_eq!(end_of("2024-05-31"), Some(midnight + 86_399));
        assert_eq!(
            end_of("2024-05-31T17:00:00.000Z"),
            Some(midnight + 17 * 3600)
        );
        assert_eq!(end_of("31/05/2024"), None);
    }

    #[test]
    fn percentiles_are_nearest_rank() {
        let values = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
        assert_eq!(nearest_rank(&values, 50), json!(50));
        assert_eq!(nearest_rank(&values, 90), json!(90));
        assert_eq!(nearest_rank(&[7], 90), json!(7));
        assert_eq!(nearest_rank(&[], 50), Value::Null);
    }
}
