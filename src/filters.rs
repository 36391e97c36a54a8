//! Filters the API cannot apply, applied by the connector to the records it
//! fetched: a status filter on campaigns and enrollments.

use serde_json::Value;

use crate::envelope::{Body, Envelope};
use crate::input::{normalise_choice, Prepared};

/// A status in comparable form: any case, `_` for space, `Cancelled` = `Canceled`.
pub(crate) fn status_key(status: &str) -> String {
    let key = normalise_choice(status);
    if key == "cancelled" {
        "canceled".to_owned()
    } else {
        key
    }
}

/// Keep only records whose `status` matches the `status` input, when given,
/// on a successful list answer; anything else is left as the server sent it.
pub(crate) fn apply_status(prepared: &Prepared, envelope: &mut Envelope) {
    let Some(wanted) = prepared.local("status") else {
        return;
    };
    if !envelope.is_success() {
        return;
    }
    let wanted = status_key(wanted);
    if let Body::Json(Value::Array(records)) = &mut envelope.body {
        records.retain(|record| has_status(record, &wanted));
    }
}

/// Whether `record`'s `status` is `wanted` (a [`status_key`]).
pub(crate) fn has_status(record: &Value, wanted: &str) -> bool {
    record
        .get("status")
        .and_then(Value::as_str)
        .is_some_and(|status| status_key(status) == wanted)
}
