//! The `/v1` API: routing, paging, filters and rendering.

use serde_json::Value;

use crate::data::Dataset;
use crate::enrollments::Includes;
use crate::http::{Request, Response};
use crate::query::Query;
use crate::server::Shared;

/// The most campaigns the list endpoint returns unless `exclude_percentages=true`.
pub const CAMPAIGN_CAP: usize = 10;

fn not_found() -> Response {
    Response::error(404, "Not Found")
}

/// Variations of the normal behaviour that faults ask for.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct RouteOptions {
    /// List endpoints ignore `page` and `cursor` and serve the first page.
    pub(crate) repeat_page: bool,
}

/// Serve one authorised-or-not API request (faults are handled by the caller).
pub(crate) fn handle(shared: &Shared, req: &Request, authorized: bool) -> Response {
    handle_with(shared, req, authorized, RouteOptions::default())
}

/// [`handle`] with fault-driven variations.
pub(crate) fn handle_with(
    shared: &Shared,
    req: &Request,
    authorized: bool,
    opts: RouteOptions,
) -> Response {
    if !authorized {
        return Response::error(401, "Unauthorized");
    }
    let path = if req.path.len() > 1 {
        req.path.trim_end_matches('/')
    } else {
        req.path.as_str()
    };
    let segs: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let route = match segs.as_slice() {
        ["v1", "training", kind] => Route::List(kind),
        ["v1", "training", kind, id] => Route::One(kind, id),
        ["v1", "account"] => Route::Account,
        ["v1", "account", "risk_score_history"] => Route::Risk,
        _ => return not_found(),
    };
    let known = match route {
        Route::List(k) | Route::One(k, _) => {
            matches!(
                k,
                "policies" | "campaigns" | "enrollments" | "store_purchases"
            )
        }
        _ => true,
    };
    if !known {
        return not_found();
    }
    if req.method != "GET" {
        return Response::error(405, "Method Not Allowed").with_header("Allow", "GET");
    }
    let q = Query::parse(&req.query);
    let r = match route {
        Route::List("policies") => list_simple(shared, &q, opts, "pol", shared.dataset.policies()),
        Route::List("store_purchases") => {
            list_simple(shared, &q, opts, "sp", shared.dataset.store_purchases())
        }
        Route::List("campaigns") => list_campaigns(shared, &q, opts),
        Route::List(_) => list_enrollments(shared, &q, opts),
        Route::One(kind, id) => one(shared, &q, kind, id),
        Route::Account => Ok(cached(shared, "acct".into(), || {
            to_vec(shared.dataset.account())
        })),
        Route::Risk => {
            let full = q.flag("full");
            Ok(cached(shared, format!("risk?{full}"), || {
                to_vec(shared.dataset.account_risk_score_history(full))
            }))
        }
    };
    r.unwrap_or_else(|e| e)
}

enum Route<'a> {
    List(&'a str),
    One(&'a str, &'a str),
    Account,
    Risk,
}

fn to_vec<T: serde::Serialize + ?Sized>(v: &T) -> Vec<u8> {
    serde_json::to_vec(v).unwrap_or_else(|_| b"null".to_vec())
}

fn cached(shared: &Shared, key: String, render: impl FnOnce() -> Vec<u8>) -> Response {
    Response::json(200, shared.cache.get_or_render(key, render))
}

/// `(page, per_page)`, with the page forced to 1 under [`RouteOptions::repeat_page`].
fn paging(q: &Query, opts: RouteOptions) -> Result<(usize, usize), Response> {
    let (page, per) = q.paging()?;
    Ok((if opts.repeat_page { 1 } else { page }, per))
}

/// The `[start, end)` range of page `page` (1-based) over `len` items.
fn page_range(len: usize, page: usize, per_page: usize) -> (usize, usize) {
    let start = (page - 1).saturating_mul(per_page).min(len);
    (start, start.saturating_add(per_page).min(len))
}

fn list_simple(
    shared: &Shared,
    q: &Query,
    opts: RouteOptions,
    name: &str,
    items: &[Value],
) -> Result<Response, Response> {
    let (page, per) = paging(q, opts)?;
    let (s, e) = page_range(items.len(), page, per);
    Ok(cached(shared, format!("{name}?{s},{e}"), || {
        to_vec(&items[s..e])
    }))
}

fn list_campaigns(shared: &Shared, q: &Query, opts: RouteOptions) -> Result<Response, Response> {
    let (page, per) = paging(q, opts)?;
    let exclude = q.flag("exclude_percentages");
    let items = shared.dataset.campaigns();
    let (s, mut e) = page_range(items.len(), page, per);
    if !exclude {
        e = e.min(s + CAMPAIGN_CAP);
    }
    Ok(cached(shared, format!("camp?{s},{e},{exclude}"), || {
        if exclude {
            let stripped: Vec<Value> = items[s..e]
                .iter()
                .map(|c| {
                    let mut c = c.clone();
                    if let Some(m) = c.as_object_mut() {
                        m.shift_remove("completion_percentage");
                    }
                    c
                })
                .collect();
            to_vec(&stripped)
        } else {
            to_vec(&items[s..e])
        }
    }))
}

fn one(shared: &Shared, q: &Query, kind: &str, id: &str) -> Result<Response, Response> {
    let id: u64 = match id.parse() {
        Ok(n) if !id.starts_with('+') => n,
        _ => return Err(not_found()),
    };
    let ds: &Dataset = &shared.dataset;
    match kind {
        "policies" => {
            let i = ds.policy_index(id).ok_or_else(not_found)?;
            Ok(cached(shared, format!("pol/{id}"), || {
                to_vec(&ds.policies()[i])
            }))
        }
        "campaigns" => {
            let i = ds.campaign_index(id).ok_or_else(not_found)?;
            Ok(cached(shared, format!("camp/{id}"), || {
                to_vec(&ds.campaigns()[i])
            }))
        }
        "store_purchases" => {
            let i = ds.store_purchase_index(id).ok_or_else(not_found)?;
            Ok(cached(shared, format!("sp/{id}"), || {
                to_vec(&ds.store_purchases()[i])
            }))
        }
        _ => {
            let i = ds.enrollment_index(id).ok_or_else(not_found)?;
            let inc = includes(q);
            Ok(cached(shared, format!("enr/{id}?{inc:?}"), || {
                let mut out = Vec::with_capacity(512);
                ds.enrollment_store().write(&mut out, i, inc);
                out
            }))
        }
    }
}

fn includes(q: &Query) -> Includes {
    Includes {
        campaign_id: q.flag("include_campaign_id"),
        store_purchase_id: q.flag("include_store_purchase_id"),
        employee_number: q.flag("include_employee_number"),
    }
}

/// Opaque cursor tokens: the offset, scrambled with a per-seed mask.
fn encode_cursor(mask: u64, offset: usize) -> String {
    format!("{:016x}", (offset as u64) ^ mask)
}

fn decode_cursor(mask: u64, token: &str) -> Option<usize> {
    if token.len() != 16 {
        return None;
    }
    let offset = u64::from_str_radix(token, 16).ok()? ^ mask;
    (offset < 1 << 40).then_some(offset as usize)
}

fn list_enrollments(shared: &Shared, q: &Query, opts: RouteOptions) -> Result<Response, Response> {
    let store_purchase_id = q.id_filter("store_purchase_id")?;
    let campaign_id = q.id_filter("campaign_id")?;
    let user_id = q.id_filter("user_id")?;
    let exclude_archived = q.flag("exclude_archived_users");
    let inc = includes(q);
    let (page, per) = paging(q, opts)?;
    let mask = shared.cursor_mask;
    // Offset into the filtered list and whether to answer in the cursor envelope.
    let (offset, cursor) = match q.get("cursor") {
        None | Some("") => (((page - 1) as u64).saturating_mul(per as u64), false),
        Some("true") => (0, true),
        Some(_) if opts.repeat_page => (0, true),
        Some(tok) => match decode_cursor(mask, tok) {
            Some(o) => (o as u64, true),
            None => return Err(Response::error(400, "invalid cursor")),
        },
    };
    let offset = usize::try_from(offset).unwrap_or(usize::MAX);
    let key = format!(
        "enr?{store_purchase_id:?},{campaign_id:?},{user_id:?},{exclude_archived},{inc:?},{offset},{per},{cursor}"
    );
    let ds: &Dataset = &shared.dataset;
    Ok(cached(shared, key, || {
        let enr = ds.enrollment_store();
        let len = enr.len();
        let filtered = store_purchase_id.is_some()
            || campaign_id.is_some()
            || user_id.is_some()
            || exclude_archived;
        let keep = |i: &usize| {
            let i = *i;
            store_purchase_id.is_none_or_eq(enr.store_purchase_id(i))
                && campaign_id.is_none_or_eq(enr.campaign_id(i))
                && user_id.is_none_or_eq(Some(enr.user_id(i)))
                && !(exclude_archived && enr.user_archived(i))
        };
        // One more than a page, to learn whether another chunk follows.
        let picked: Vec<usize> = if filtered {
            (0..len).filter(keep).skip(offset).take(per + 1).collect()
        } else {
            (offset.min(len)..len).take(per + 1).collect()
        };
        let more = picked.len() > per;
        let mut out = Vec::with_capacity(per * 400 + 64);
        if cursor {
            out.extend_from_slice(b"{\"data\":");
        }
        out.push(b'[');
        for (n, &i) in picked.iter().take(per).enumerate() {
            if n > 0 {
                out.push(b',');
            }
            enr.write(&mut out, i, inc);
        }
        out.push(b']');
        if cursor {
            out.extend_from_slice(b",\"_metadata\":{\"next_cursor\":");
            if more {
                let next = encode_cursor(mask, offset + per);
                out.push(b'"');
                out.extend_from_slice(next.as_bytes());
                out.push(b'"');
            } else {
                out.extend_from_slice(b"null");
            }
            out.extend_from_slice(b"}}");
        }
        out
    }))
}

trait NoneOrEq {
    fn is_none_or_eq(&self, other: Option<u64>) -> bool;
}

impl NoneOrEq for Option<u64> {
    fn is_none_or_eq(&self, other: Option<u64>) -> bool {
        match self {
            None => true,
            Some(want) => other == Some(*want),
        }
    }
}
