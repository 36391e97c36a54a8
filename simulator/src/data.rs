//! Deterministic dataset generation.
//!
//! Every record is a `serde_json::Value` object (key order preserved) in the order the API
//! serves it. Each entity kind draws from its own PRNG stream, so changing one count does not
//! reshuffle the others.

use serde_json::{Map, Value};

use crate::config::SimulatorConfig;
use crate::enrollments::{json_str, CampaignRef, ContentRef, Enrollments, UserRef};
use crate::rng::{date, days_from_civil, timestamp, Rng};

const STORE_TYPES: [(&str, i64, i64); 6] = [
    ("Training Module", 15, 45),
    ("Video Module", 5, 15),
    ("Game", 10, 20),
    ("Assessment", 5, 10),
    ("Newsletter", 3, 5),
    ("Poster", 0, 0),
];

const CAMPAIGN_STATUSES: [&str; 6] = [
    "Created",
    "Scheduled",
    "Active",
    "Closed",
    "Archived",
    "Canceled",
];

const CAMPAIGN_NAMES: [&str; 12] = [
    "Security Awareness Basics",
    "Sécurité 101",
    "Zoë's onboarding",
    "安全培训",
    "Phishing 🎣 refresher",
    "Annual Compliance 2024",
    "New Hire Essentials",
    "Password Hygiene",
    "Data Protection & GDPR",
    "Remote Work Security",
    "Executive Briefing",
    "Social Engineering Deep Dive",
];

const POLICY_NAMES: [&str; 8] = [
    "Acceptable Use Policy",
    "Information Security Policy",
    "Clean Desk Policy",
    "Remote Access Policy",
    "Password Policy",
    "Incident Response Policy",
    "Données personnelles — Politique",
    "BYOD Policy",
];

const MODULE_NAMES: [&str; 10] = [
    "Kevin Mitnick Security Awareness Training",
    "The Inside Man",
    "Phishing Foundations",
    "Social Engineering Red Flags",
    "Safe Web Browsing",
    "Mobile Device Security",
    "Ransomware Basics",
    "Handling Sensitive Information",
    "Business Email Compromise",
    "Security Culture Quiz",
];

const PUBLISHERS: [&str; 4] = [
    "KnowBe4",
    "The Security Awareness Company",
    "Popcorn Training",
    "Twist & Shout",
];

const GROUPS: [(i64, &str); 6] = [
    (3001, "All Users"),
    (3002, "New Hires"),
    (3003, "Engineering"),
    (3004, "Finance"),
    (3005, "Ventes & Marketing"),
    (3006, "Executives"),
];

const FIRST_NAMES: [(&str, &str); 20] = [
    ("Alice", "alice"),
    ("José", "jose"),
    ("Zoë", "zoe"),
    ("Łukasz", "lukasz"),
    ("Søren", "soren"),
    ("Chloé", "chloe"),
    ("Mei", "mei"),
    ("Ahmed", "ahmed"),
    ("Olga", "olga"),
    ("Kenji", "kenji"),
    ("Priya", "priya"),
    ("Björn", "bjorn"),
    ("Fatima", "fatima"),
    ("Liam", "liam"),
    ("Noémie", "noemie"),
    ("Diego", "diego"),
    ("Hannah", "hannah"),
    ("Oluwaseun", "oluwaseun"),
    ("Siobhán", "siobhan"),
    ("Wei", "wei"),
];

const LAST_NAMES: [(&str, &str); 20] = [
    ("Smith", "smith"),
    ("García", "garcia"),
    ("Müller", "muller"),
    ("O'Brien", "obrien"),
    ("Nguyen", "nguyen"),
    ("Kowalski", "kowalski"),
    ("Dubois", "dubois"),
    ("Johansson", "johansson"),
    ("Tanaka", "tanaka"),
    ("Okafor", "okafor"),
    ("Rossi", "rossi"),
    ("Novák", "novak"),
    ("Schröder", "schroder"),
    ("Patel", "patel"),
    ("Ivanova", "ivanova"),
    ("Fernández", "fernandez"),
    ("Kim", "kim"),
    ("Larsen", "larsen"),
    ("Çelik", "celik"),
    ("王", "wang"),
];

const DAY: i64 = 86_400;

/// The generated records, shared by the server and the [`crate::Simulator`] handle.
#[derive(Debug)]
pub struct Dataset {
    policies: Vec<Value>,
    policy_ids: Vec<u64>,
    store_purchases: Vec<Value>,
    store_purchase_ids: Vec<u64>,
    campaigns: Vec<Value>,
    campaign_ids: Vec<u64>,
    users: Vec<Value>,
    enrollments: Enrollments,
    risk_history: Vec<Value>,
    account: Value,
}

fn obj(cap: usize) -> Map<String, Value> {
    Map::with_capacity(cap)
}

fn find(ids: &[u64], id: u64) -> Option<usize> {
    ids.binary_search(&id).ok()
}

impl Dataset {
    /// Generate the whole dataset from `config` (deterministic for a given seed and counts).
    pub fn generate(config: &SimulatorConfig) -> Dataset {
        let seed = config.seed;
        let (policies, policy_ids) = gen_policies(seed, config.policies);
        let (store_purchases, store_purchase_ids) =
            gen_store_purchases(seed, config.store_purchases);
        let (campaigns, campaign_ids, campaign_refs, contents) =
            gen_campaigns(seed, config.campaigns, &policies, &store_purchases);
        let (users, user_refs) = gen_users(seed, config.users);
        let enrollments = Enrollments::generate(
            seed,
            config.enrollments_per_user,
            user_refs,
            campaign_refs,
            contents,
        );
        let risk_history = gen_risk_history(seed);
        let account = gen_account(config.users, &risk_history);
        Dataset {
            policies,
            policy_ids,
            store_purchases,
            store_purchase_ids,
            campaigns,
            campaign_ids,
            users,
            enrollments,
            risk_history,
            account,
        }
    }

    /// Uploaded policies, ascending `policy_id`.
    pub fn policies(&self) -> &[Value] {
        &self.policies
    }

    /// Training campaigns, full records including `completion_percentage`.
    pub fn campaigns(&self) -> &[Value] {
        &self.campaigns
    }

    /// Training enrollments as served with no include flags (no `campaign_id`,
    /// `store_purchase_id` or `user.employee_number`). Built on first call from the bytes the
    /// server sends, so the first call on a large dataset takes a moment.
    pub fn enrollments(&self) -> &[Value] {
        self.enrollments.values()
    }

    /// The number of enrollments (cheap, unlike `enrollments().len()` on first use).
    pub fn enrollment_count(&self) -> usize {
        self.enrollments.len()
    }

    /// Store purchases; every 5th spells its id key `store_purchased_id`.
    pub fn store_purchases(&self) -> &[Value] {
        &self.store_purchases
    }

    /// Users: `id`, `first_name`, `last_name`, `email`, `employee_number`, `archived`.
    pub fn users(&self) -> &[Value] {
        &self.users
    }

    /// Monthly account risk scores, newest first: all 24 with `full`, else the latest 6.
    pub fn account_risk_score_history(&self, full: bool) -> &[Value] {
        if full {
            &self.risk_history
        } else {
            &self.risk_history[..self.risk_history.len().min(6)]
        }
    }

    /// The `GET /v1/account` record.
    pub fn account(&self) -> &Value {
        &self.account
    }

    /// The campaign id and store purchase id behind enrollment number `index` (in served order).
    pub fn enrollment_links(&self, index: usize) -> Option<(Option<u64>, Option<u64>)> {
        (index < self.enrollments.len()).then(|| {
            (
                self.enrollments.campaign_id(index),
                self.enrollments.store_purchase_id(index),
            )
        })
    }

    pub(crate) fn enrollment_store(&self) -> &Enrollments {
        &self.enrollments
    }

    pub(crate) fn policy_index(&self, id: u64) -> Option<usize> {
        find(&self.policy_ids, id)
    }

    pub(crate) fn campaign_index(&self, id: u64) -> Option<usize> {
        find(&self.campaign_ids, id)
    }

    pub(crate) fn store_purchase_index(&self, id: u64) -> Option<usize> {
        find(&self.store_purchase_ids, id)
    }

    pub(crate) fn enrollment_index(&self, id: u64) -> Option<usize> {
        self.enrollments.index_of(id)
    }
}

fn next_id(rng: &mut Rng, prev: u64) -> u64 {
    prev + 1 + u64::from(rng.chance(20)) * (1 + rng.below(3))
}

fn gen_policies(seed: u64, n: usize) -> (Vec<Value>, Vec<u64>) {
    let mut rng = Rng::new(seed, 1);
    let mut out = Vec::with_capacity(n);
    let mut ids = Vec::with_capacity(n);
    let mut id = 1000;
    for i in 0..n {
        id = next_id(&mut rng, id);
        let base = POLICY_NAMES[i % POLICY_NAMES.len()];
        let name = if i < POLICY_NAMES.len() {
            base.to_string()
        } else {
            format!("{base} v{}", i / POLICY_NAMES.len() + 1)
        };
        let mut m = obj(6);
        m.insert("policy_id".into(), id.into());
        m.insert("content_type".into(), "Uploaded Policy".into());
        m.insert("name".into(), name.into());
        m.insert("minimum_time".into(), rng.range(2, 5).into());
        m.insert("default_language".into(), "en-us".into());
        m.insert("status".into(), i64::from(!rng.chance(20)).into());
        out.push(Value::Object(m));
        ids.push(id);
    }
    (out, ids)
}

/// The id key a store purchase uses (every 5th record has the reference's typo).
fn store_id_key(index: usize) -> &'static str {
    if index % 5 == 4 {
        "store_purchased_id"
    } else {
        "store_purchase_id"
    }
}

fn gen_store_purchases(seed: u64, n: usize) -> (Vec<Value>, Vec<u64>) {
    let mut rng = Rng::new(seed, 2);
    let mut out = Vec::with_capacity(n);
    let mut ids = Vec::with_capacity(n);
    let mut id = 40_000;
    for i in 0..n {
        id = next_id(&mut rng, id);
        let (ty, lo, hi) = STORE_TYPES[i % STORE_TYPES.len()];
        let base = MODULE_NAMES[i % MODULE_NAMES.len()];
        let name = if i < MODULE_NAMES.len() {
            base.to_string()
        } else {
            format!("{base} (Part {})", i / MODULE_NAMES.len() + 1)
        };
        let publish = days_from_civil(2019, 1, 1) + rng.range(0, 1500);
        let purchase = days_from_civil(2023, 1, 1) + rng.range(0, 500);
        let retired = rng.chance(10);
        let mut m = obj(12);
        m.insert(store_id_key(i).into(), id.into());
        m.insert("content_type".into(), "Store Purchase".into());
        m.insert("name".into(), name.clone().into());
        m.insert(
            "description".into(),
            format!("{name}: a {} from the KnowBe4 ModStore.", ty.to_lowercase()).into(),
        );
        m.insert("type".into(), ty.into());
        m.insert("duration".into(), rng.range(lo, hi).into());
        m.insert("retired".into(), retired.into());
        m.insert(
            "retirement_date".into(),
            if retired {
                date(purchase + rng.range(30, 400)).into()
            } else {
                Value::Null
            },
        );
        m.insert("publish_date".into(), timestamp(publish * DAY).into());
        m.insert("publisher".into(), (*rng.pick(&PUBLISHERS)).into());
        m.insert(
            "purchase_date".into(),
            timestamp(purchase * DAY + 3600 * rng.range(8, 17)).into(),
        );
        m.insert(
            "policy_url".into(),
            if i % 9 == 3 {
                format!("https://policies.example.com/p/{id}.pdf").into()
            } else {
                Value::Null
            },
        );
        out.push(Value::Object(m));
        ids.push(id);
    }
    (out, ids)
}

type CampaignGen = (Vec<Value>, Vec<u64>, Vec<CampaignRef>, Vec<ContentRef>);

fn gen_campaigns(seed: u64, n: usize, policies: &[Value], store: &[Value]) -> CampaignGen {
    let mut rng = Rng::new(seed, 3);
    let mut out = Vec::with_capacity(n);
    let mut ids = Vec::with_capacity(n);
    let mut refs_out = Vec::with_capacity(n);
    let mut contents = Vec::new();
    let mut id = 200;
    for i in 0..n {
        id = next_id(&mut rng, id);
        let base = CAMPAIGN_NAMES[i % CAMPAIGN_NAMES.len()];
        let name = if i < CAMPAIGN_NAMES.len() {
            base.to_string()
        } else {
            format!("{base} #{}", i / CAMPAIGN_NAMES.len() + 1)
        };
        let status = CAMPAIGN_STATUSES[i % CAMPAIGN_STATUSES.len()];

        let mut groups = Vec::new();
        let ngroups = 1 + rng.below(2) as usize;
        let first = rng.below(GROUPS.len() as u64) as usize;
        for g in 0..ngroups {
            let (gid, gname) = GROUPS[(first + g) % GROUPS.len()];
            let mut gm = obj(2);
            gm.insert("group_id".into(), gid.into());
            gm.insert("name".into(), gname.into());
            groups.push(Value::Object(gm));
        }

        let mut items = Vec::new();
        let first_content = contents.len();
        let nitems = 1 + rng.below(3) as usize;
        for _ in 0..nitems {
            let use_policy = !policies.is_empty() && (store.is_empty() || rng.chance(35));
            if use_policy {
                let pi = rng.below(policies.len() as u64) as usize;
                let p = &policies[pi];
                let mut im = obj(4);
                im.insert("policy_id".into(), p["policy_id"].clone());
                im.insert("content_type".into(), "Uploaded Policy".into());
                im.insert("name".into(), p["name"].clone());
                im.insert("published".into(), (p["status"] == 1).into());
                items.push(Value::Object(im));
                contents.push(ContentRef {
                    content_type: "Uploaded Policy",
                    name_json: json_str(p["name"].as_str().unwrap_or_default()),
                    store_purchase_id: None,
                    minutes: p["minimum_time"].as_i64().unwrap_or(3),
                });
            } else if !store.is_empty() {
                let si = rng.below(store.len() as u64) as usize;
                let s = &store[si];
                let key = store_id_key(si);
                let sid = s[key].as_u64().unwrap_or_default();
                let mut im = obj(4);
                im.insert(key.into(), sid.into());
                im.insert("content_type".into(), "Store Purchase".into());
                im.insert("name".into(), s["name"].clone());
                im.insert("type".into(), s["type"].clone());
                items.push(Value::Object(im));
                contents.push(ContentRef {
                    content_type: "Store Purchase",
                    name_json: json_str(s["name"].as_str().unwrap_or_default()),
                    store_purchase_id: Some(sid),
                    minutes: s["duration"].as_i64().unwrap_or(10),
                });
            }
        }
        let content = if i % 2 == 0 {
            Value::Array(vec![Value::Array(items)])
        } else {
            Value::Array(items)
        };

        let start_day = days_from_civil(2023, 6, 1) + rng.range(0, 500);
        let start = start_day * DAY + 9 * 3600;
        let specific = rng.chance(50);
        let completion: i64 = match status {
            "Created" | "Scheduled" => 0,
            "Canceled" => rng.range(0, 20),
            "Active" => rng.range(5, 95),
            _ => rng.range(60, 100),
        };
        let mut m = obj(12);
        m.insert("campaign_id".into(), id.into());
        refs_out.push(CampaignRef {
            id,
            name_json: json_str(&name),
            contents: first_content..contents.len(),
        });
        m.insert("name".into(), name.into());
        m.insert("groups".into(), Value::Array(groups));
        m.insert("status".into(), status.into());
        m.insert("content".into(), content);
        m.insert(
            "duration_type".into(),
            if specific {
                "Specific End Date"
            } else {
                "Relative Duration"
            }
            .into(),
        );
        m.insert("start_date".into(), timestamp(start).into());
        m.insert(
            "end_date".into(),
            if specific {
                timestamp(start + rng.range(14, 90) * DAY + 8 * 3600).into()
            } else {
                Value::Null
            },
        );
        m.insert(
            "relative_duration".into(),
            if specific {
                Value::Null
            } else {
                (*rng.pick(&["1 week", "2 weeks", "30 days"])).into()
            },
        );
        m.insert("auto_enroll".into(), rng.chance(50).into());
        m.insert("allow_multiple_enrollments".into(), rng.chance(25).into());
        m.insert("completion_percentage".into(), completion.into());
        out.push(Value::Object(m));
        ids.push(id);
    }
    (out, ids, refs_out, contents)
}

fn gen_users(seed: u64, n: usize) -> (Vec<Value>, Vec<UserRef>) {
    let mut rng = Rng::new(seed, 4);
    let mut out = Vec::with_capacity(n);
    let mut facts = Vec::with_capacity(n);
    let mut any_archived = false;
    for i in 0..n {
        let id = 900_001 + i as u64;
        let (first, fa) = *rng.pick(&FIRST_NAMES);
        let (last, la) = *rng.pick(&LAST_NAMES);
        let email = format!("{fa}.{la}.{id}@example.com");
        let employee_number = 10_000 + i as u64 * 7 + rng.below(7);
        let mut archived = rng.chance(5);
        if !any_archived && i == 19 {
            archived = true;
        }
        any_archived |= archived;
        let json_prefix = format!(
            "{{\"id\":{id},\"first_name\":{},\"last_name\":{},\"email\":{}",
            json_str(first),
            json_str(last),
            json_str(&email)
        );
        let mut full = obj(6);
        full.insert("id".into(), id.into());
        full.insert("first_name".into(), first.into());
        full.insert("last_name".into(), last.into());
        full.insert("email".into(), email.into());
        full.insert("employee_number".into(), employee_number.into());
        full.insert("archived".into(), archived.into());
        out.push(Value::Object(full));
        facts.push(UserRef {
            id,
            archived,
            employee_number,
            json_prefix,
        });
    }
    (out, facts)
}

fn gen_risk_history(seed: u64) -> Vec<Value> {
    let mut rng = Rng::new(seed, 6);
    let mut out = Vec::with_capacity(24);
    let mut tenths: i64 = rng.range(300, 450);
    for k in 0..24i64 {
        // Newest first: 2025-06-01, 2025-05-01, ...
        let months = 2025 * 12 + 5 - k;
        let (y, m) = (months / 12, (months % 12) as u32 + 1);
        let score = if k % 5 == 2 {
            // A whole number that still serialises as a float, e.g. 40.0.
            (tenths / 10 * 10) as f64 / 10.0
        } else {
            tenths as f64 / 10.0
        };
        let mut e = obj(2);
        e.insert("risk_score".into(), score.into());
        e.insert("date".into(), date(days_from_civil(y, m, 1)).into());
        out.push(Value::Object(e));
        tenths = (tenths + rng.range(-25, 30)).clamp(50, 900);
    }
    out
}

fn gen_account(seats: usize, risk: &[Value]) -> Value {
    let mut admin = obj(4);
    admin.insert("id".into(), 974_001.into());
    admin.insert("first_name".into(), "Ada".into());
    admin.insert("last_name".into(), "Admin".into());
    admin.insert("email".into(), "ada.admin@example.com".into());
    let mut m = obj(8);
    m.insert("name".into(), "Simulated Corp".into());
    m.insert("type".into(), "paid".into());
    m.insert(
        "domains".into(),
        serde_json::json!(["example.com", "example.org"]),
    );
    m.insert("admins".into(), Value::Array(vec![Value::Object(admin)]));
    m.insert("subscription_level".into(), "Diamond".into());
    m.insert("subscription_end_date".into(), "2026-12-31".into());
    m.insert("number_of_seats".into(), seats.into());
    m.insert(
        "current_risk_score".into(),
        risk.first()
            .map(|r| r["risk_score"].clone())
            .unwrap_or(Value::Null),
    );
    Value::Object(m)
}
