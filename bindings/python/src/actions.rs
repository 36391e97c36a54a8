//! The core's action table as Python data, so the Python surface can be
//! checked against it (and listed) instead of copying it.

use knowbe4_connector::ACTIONS;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

/// Every action: name, title, description, method, endpoint, paging, and
/// inputs (name, group, type, required, description).
#[pyfunction]
pub(crate) fn actions(py: Python<'_>) -> PyResult<Bound<'_, PyList>> {
    let list = PyList::empty(py);
    for action in ACTIONS {
        let entry = PyDict::new(py);
        entry.set_item("name", action.name)?;
        entry.set_item("title", action.title)?;
        entry.set_item("description", action.description)?;
        entry.set_item("method", action.method)?;
        entry.set_item("endpoint", action.endpoint)?;
        entry.set_item("paging", snake_case(&format!("{:?}", action.paging)))?;
        let inputs = PyList::empty(py);
        for input in action.inputs {
            let item = PyDict::new(py);
            item.set_item("name", input.name)?;
            item.set_item("group", input.location.group())?;
            item.set_item("type", input.kind.json_type())?;
            item.set_item("required", input.required)?;
            item.set_item("description", input.description)?;
            inputs.append(item)?;
        }
        entry.set_item("inputs", inputs)?;
        list.append(entry)?;
    }
    Ok(list)
}

/// `PagesOrCursor` → `pages_or_cursor`. Derived from `Debug` so a paging
/// mode added to the core shows up here without a code change.
fn snake_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for (index, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() && index > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}
