//! Training enrollments, stored compactly and rendered straight to JSON bytes.
//!
//! Enrollments are the bulk of the data (benchmarks use 100,000), so they are generated as
//! small structs and written with a hand-rolled JSON writer; the `serde_json::Value` view
//! ([`Enrollments::values`]) is built lazily, from the very bytes the server sends.

use std::ops::Range;
use std::sync::OnceLock;

use serde_json::Value;

use crate::rng::{civil_from_days, Rng};

/// The five enrollment statuses KnowBe4 reports.
pub(crate) const STATUSES: [&str; 5] = [
    "Passed",
    "Completed",
    "In Progress",
    "Not Started",
    "Past Due",
];

const DEPARTMENTS: [&str; 6] = [
    "Engineering",
    "Finance",
    "Sales",
    "HR",
    "Operations",
    "Légal",
];

/// 2024-01-01T00:00:00Z.
const BASE: i64 = 1_704_067_200;
const DAY: i64 = 86_400;

/// JSON-encode a string (with quotes).
pub(crate) fn json_str(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

/// What an enrollment needs to know about its user.
pub(crate) struct UserRef {
    pub(crate) id: u64,
    pub(crate) archived: bool,
    pub(crate) employee_number: u64,
    /// `{"id":..,"first_name":..,"last_name":..,"email":..` without the closing brace.
    pub(crate) json_prefix: String,
}

/// A piece of campaign content an enrollment can point at.
pub(crate) struct ContentRef {
    pub(crate) content_type: &'static str,
    /// The module name, JSON-encoded.
    pub(crate) name_json: String,
    pub(crate) store_purchase_id: Option<u64>,
    pub(crate) minutes: i64,
}

/// What an enrollment needs to know about its campaign.
pub(crate) struct CampaignRef {
    pub(crate) id: u64,
    /// The campaign name, JSON-encoded.
    pub(crate) name_json: String,
    /// Its items in the shared content table.
    pub(crate) contents: Range<usize>,
}

/// One enrollment, compactly.
struct Enrollment {
    id: u64,
    user: u32,
    campaign: Option<u32>,
    content: u32,
    enrolled: i64,
    started: Option<i64>,
    completed: Option<i64>,
    status: u8,
    time_spent: u32,
    acknowledged: bool,
    department: Option<u8>,
}

/// The enrollment include flags.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Includes {
    pub(crate) campaign_id: bool,
    pub(crate) store_purchase_id: bool,
    pub(crate) employee_number: bool,
}

/// All enrollments plus the lookup tables they reference.
pub(crate) struct Enrollments {
    items: Vec<Enrollment>,
    users: Vec<UserRef>,
    campaigns: Vec<CampaignRef>,
    contents: Vec<ContentRef>,
    values: OnceLock<Vec<Value>>,
}

impl std::fmt::Debug for Enrollments {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Enrollments")
            .field("len", &self.items.len())
            .finish_non_exhaustive()
    }
}

impl Enrollments {
    /// `per_user` waves over all users; each enrollment picks a campaign and one of its items.
    pub(crate) fn generate(
        seed: u64,
        per_user: usize,
        users: Vec<UserRef>,
        campaigns: Vec<CampaignRef>,
        mut contents: Vec<ContentRef>,
    ) -> Enrollments {
        let mut rng = Rng::new(seed, 5);
        let usable: Vec<u32> = (0..campaigns.len())
            .filter(|&c| !campaigns[c].contents.is_empty())
            .map(|c| c as u32)
            .collect();
        let fallback = contents.len() as u32;
        contents.push(ContentRef {
            content_type: "Store Purchase",
            name_json: json_str("Kevin Mitnick Security Awareness Training"),
            store_purchase_id: None,
            minutes: 20,
        });
        let mut items = Vec::with_capacity(users.len() * per_user);
        let mut id = 5_000_000u64;
        let mut i = 0usize;
        for _wave in 0..per_user {
            for (u, _) in users.iter().enumerate() {
                id += 1 + u64::from(rng.chance(20)) * (1 + rng.below(3));
                let (campaign, content, start) = if usable.is_empty() {
                    (None, fallback, BASE)
                } else {
                    let c = *rng.pick(&usable);
                    let r = &campaigns[c as usize].contents;
                    let item = r.start + rng.below(r.len() as u64) as usize;
                    (Some(c), item as u32, BASE + rng.range(0, 500) * DAY)
                };
                let status = if i < STATUSES.len() {
                    i as u8
                } else {
                    match rng.below(100) {
                        0..=24 => 0,
                        25..=44 => 1,
                        45..=64 => 2,
                        65..=84 => 3,
                        _ => 4,
                    }
                };
                let enrolled = start + rng.range(0, 3 * DAY);
                let started = enrolled + rng.range(600, 5 * DAY);
                let finished = started + rng.range(600, 10 * DAY);
                let past_due_done = status == 4 && rng.chance(35);
                let done = status <= 1 || past_due_done;
                let c = &contents[content as usize];
                let module_secs = c.minutes.max(1) * 60;
                let time_spent = match status {
                    3 => 0,
                    2 => rng.range(30, module_secs),
                    4 if !past_due_done => rng.range(0, module_secs / 2),
                    _ => module_secs + rng.range(0, module_secs),
                };
                items.push(Enrollment {
                    id,
                    user: u as u32,
                    campaign,
                    content,
                    enrolled,
                    started: (status != 3).then_some(started),
                    completed: done.then_some(finished),
                    status,
                    time_spent: time_spent as u32,
                    acknowledged: done && c.content_type == "Uploaded Policy",
                    department: (i % 7 == 6).then(|| rng.below(DEPARTMENTS.len() as u64) as u8),
                });
                i += 1;
            }
        }
        Enrollments {
            items,
            users,
            campaigns,
            contents,
            values: OnceLock::new(),
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.items.len()
    }

    /// The position of enrollment `id` (ids ascend).
    pub(crate) fn index_of(&self, id: u64) -> Option<usize> {
        self.items.binary_search_by_key(&id, |e| e.id).ok()
    }

    pub(crate) fn campaign_id(&self, i: usize) -> Option<u64> {
        self.items[i]
            .campaign
            .map(|c| self.campaigns[c as usize].id)
    }

    pub(crate) fn store_purchase_id(&self, i: usize) -> Option<u64> {
        self.contents[self.items[i].content as usize].store_purchase_id
    }

    pub(crate) fn user_id(&self, i: usize) -> u64 {
        self.users[self.items[i].user as usize].id
    }

    pub(crate) fn user_archived(&self, i: usize) -> bool {
        self.users[self.items[i].user as usize].archived
    }

    /// Append enrollment `i` as JSON.
    pub(crate) fn write(&self, out: &mut Vec<u8>, i: usize, inc: Includes) {
        let e = &self.items[i];
        let user = &self.users[e.user as usize];
        let content = &self.contents[e.content as usize];
        out.extend_from_slice(b"{\"enrollment_id\":");
        push_u64(out, e.id);
        out.extend_from_slice(b",\"content_type\":\"");
        out.extend_from_slice(content.content_type.as_bytes());
        out.extend_from_slice(b"\",\"module_name\":");
        out.extend_from_slice(content.name_json.as_bytes());
        out.extend_from_slice(b",\"user\":");
        out.extend_from_slice(user.json_prefix.as_bytes());
        if inc.employee_number {
            out.extend_from_slice(b",\"employee_number\":");
            push_u64(out, user.employee_number);
        }
        out.extend_from_slice(b"},\"campaign_name\":");
        match e.campaign {
            Some(c) => out.extend_from_slice(self.campaigns[c as usize].name_json.as_bytes()),
            None => out.extend_from_slice(b"null"),
        }
        out.extend_from_slice(b",\"enrollment_date\":");
        push_ts(out, Some(e.enrolled));
        out.extend_from_slice(b",\"start_date\":");
        push_ts(out, e.started);
        out.extend_from_slice(b",\"completion_date\":");
        push_ts(out, e.completed);
        out.extend_from_slice(b",\"status\":\"");
        out.extend_from_slice(STATUSES[e.status as usize].as_bytes());
        out.extend_from_slice(b"\",\"time_spent\":");
        push_u64(out, u64::from(e.time_spent));
        out.extend_from_slice(b",\"policy_acknowledged\":");
        out.extend_from_slice(if e.acknowledged { b"true" } else { b"false" });
        if let Some(d) = e.department {
            out.extend_from_slice(b",\"custom_fields\":{\"department\":");
            out.extend_from_slice(json_str(DEPARTMENTS[d as usize]).as_bytes());
            out.push(b'}');
        }
        if inc.campaign_id {
            out.extend_from_slice(b",\"campaign_id\":");
            push_opt(out, self.campaign_id(i));
        }
        if inc.store_purchase_id {
            out.extend_from_slice(b",\"store_purchase_id\":");
            push_opt(out, content.store_purchase_id);
        }
        out.push(b'}');
    }

    /// Every enrollment as a `Value` (no include flags), built on first use.
    pub(crate) fn values(&self) -> &[Value] {
        self.values.get_or_init(|| {
            let mut buf = Vec::with_capacity(512);
            (0..self.items.len())
                .map(|i| {
                    buf.clear();
                    self.write(&mut buf, i, Includes::default());
                    serde_json::from_slice(&buf).unwrap_or(Value::Null)
                })
                .collect()
        })
    }
}

fn push_u64(out: &mut Vec<u8>, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut k = digits.len();
    loop {
        k -= 1;
        digits[k] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[k..]);
}

fn push_opt(out: &mut Vec<u8>, n: Option<u64>) {
    match n {
        Some(n) => push_u64(out, n),
        None => out.extend_from_slice(b"null"),
    }
}

fn push_2(out: &mut Vec<u8>, n: i64) {
    out.push(b'0' + (n / 10) as u8);
    out.push(b'0' + (n % 10) as u8);
}

/// `"YYYY-MM-DDTHH:MM:SS.000Z"` (quoted) or `null`.
fn push_ts(out: &mut Vec<u8>, secs: Option<i64>) {
    let Some(secs) = secs else {
        out.extend_from_slice(b"null");
        return;
    };
    let (y, m, d) = civil_from_days(secs.div_euclid(DAY));
    let rem = secs.rem_euclid(DAY);
    out.push(b'"');
    push_2(out, y / 100);
    push_2(out, y % 100);
    out.push(b'-');
    push_2(out, i64::from(m));
    out.push(b'-');
    push_2(out, i64::from(d));
    out.push(b'T');
    push_2(out, rem / 3600);
    out.push(b':');
    push_2(out, (rem / 60) % 60);
    out.push(b':');
    push_2(out, rem % 60);
    out.extend_from_slice(b".000Z\"");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_match_the_formatter() {
        for secs in [0, 1_709_283_600, 1_704_067_200 + 86_399, 4_102_444_800] {
            let mut out = Vec::new();
            push_ts(&mut out, Some(secs));
            assert_eq!(
                String::from_utf8(out).unwrap(),
                format!("\"{}\"", crate::rng::timestamp(secs))
            );
        }
        let mut out = Vec::new();
        push_u64(&mut out, 0);
        push_u64(&mut out, 18_446_744_073_709_551_615);
        assert_eq!(out, b"018446744073709551615");
    }
}
