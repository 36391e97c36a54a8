//! JSON to Python objects, the objects `json.loads` would give: from the
//! server's text (parsed once, straight into Python objects: no
//! `serde_json::Value` tree in between) or from an already parsed `Value`.

use std::collections::HashMap;

use foldhash::fast::RandomState as FastHashState;
use std::fmt;

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyList, PyString};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Number, Value};

/// Strings already made into Python `str`s, shared across the pages of one
/// pull. Object keys repeat (a dozen names over 100,000 records) and so do
/// many short values (statuses, content types, module and campaign names):
/// one shared `str` per distinct text saves an allocation (time) and ~50
/// bytes (memory) per repeat. `json.loads` memoises keys the same way.
/// Bounded, so a body of unique texts cannot grow it without limit: past
/// the bound, texts are made fresh. Holds unbound references so it can
/// outlive one GIL scope (the async path converts each page separately).
/// Starts remembering only after [`StrCache::WARM_UP`] texts, so a
/// one-record answer does not pay for filling a table it never reuses.
#[derive(Default)]
pub(crate) struct StrCache {
    map: HashMap<Box<str>, Py<PyString>, FastHashState>,
    seen: usize,
}

impl StrCache {
    const MAX_ENTRIES: usize = 8192;
    /// Longer texts rarely repeat (e-mail addresses, timestamps).
    const MAX_LEN: usize = 40;
    /// About one record's worth of texts times a dozen records.
    const WARM_UP: usize = 256;

    fn get<'py>(&mut self, py: Python<'py>, text: &str) -> Bound<'py, PyString> {
        if text.len() > Self::MAX_LEN {
            return PyString::new(py, text);
        }
        if self.seen < Self::WARM_UP {
            self.seen += 1;
            return PyString::new(py, text);
        }
        if let Some(cached) = self.map.get(text) {
            return cached.bind(py).clone();
        }
        let fresh = PyString::new(py, text);
        if self.map.len() < Self::MAX_ENTRIES {
            self.map.insert(text.into(), fresh.clone().unbind());
        }
        fresh
    }
}

/// Builds Python objects from JSON, remembering the first Python error
/// (a `MemoryError`, say) so it is raised as itself, not as a parse error.
pub(crate) struct Builder<'a, 'py> {
    py: Python<'py>,
    strings: &'a mut StrCache,
    failure: Option<PyErr>,
}

impl<'a, 'py> Builder<'a, 'py> {
    pub(crate) fn new(py: Python<'py>, strings: &'a mut StrCache) -> Builder<'a, 'py> {
        Builder {
            py,
            strings,
            failure: None,
        }
    }

    /// Parse `text`, a JSON array, appending each item to `list`. The core
    /// has checked the text; a parse error here is still reported, never
    /// assumed away.
    pub(crate) fn extend_from_array(
        &mut self,
        text: &[u8],
        list: &Bound<'py, PyList>,
    ) -> Result<(), ExtendError> {
        let mut deserializer = serde_json::Deserializer::from_slice(text);
        let parsed = deserializer
            .deserialize_seq(AppendItems {
                builder: &mut *self,
                list,
            })
            .and_then(|()| deserializer.end());
        match (parsed, self.failure.take()) {
            (_, Some(failure)) => Err(ExtendError::Python(failure)),
            (Err(err), None) => Err(ExtendError::Json(err)),
            (Ok(()), None) => Ok(()),
        }
    }

    /// A parsed value as Python objects, consuming it (each part's Rust
    /// memory is freed once its Python object exists).
    pub(crate) fn value(&mut self, value: Value) -> PyResult<Bound<'py, PyAny>> {
        let py = self.py;
        Ok(match value {
            Value::Null => py.None().into_bound(py),
            Value::Bool(flag) => PyBool::new(py, flag).to_owned().into_any(),
            Value::Number(number) => number_to_py(py, &number)?,
            Value::String(text) => self.strings.get(py, &text).into_any(),
            Value::Array(items) => {
                let list = PyList::empty(py);
                for item in items {
                    list.append(self.value(item)?)?;
                }
                list.into_any()
            }
            Value::Object(object) => {
                let dict = PyDict::new(py);
                for (key, item) in object {
                    let key = self.strings.get(py, &key);
                    dict.set_item(key, self.value(item)?)?;
                }
                dict.into_any()
            }
        })
    }

    /// Keep a Python error for the caller and stop the parse.
    fn fail<E: de::Error>(&mut self, err: PyErr) -> E {
        self.failure.get_or_insert(err);
        E::custom("a Python error stopped the conversion")
    }
}

/// Why a page's text did not become Python objects.
pub(crate) enum ExtendError {
    /// Python refused (memory).
    Python(PyErr),
    /// The text was not what the core checked it to be.
    Json(serde_json::Error),
}

fn number_to_py<'py>(py: Python<'py>, number: &Number) -> PyResult<Bound<'py, PyAny>> {
    if let Some(int) = number.as_i64() {
        return Ok(int.into_pyobject(py)?.into_any());
    }
    // Ids above i64::MAX still fit a u64; serde_json keeps them exact there.
    if let Some(int) = number.as_u64() {
        return Ok(int.into_pyobject(py)?.into_any());
    }
    let float = number.as_f64().unwrap_or(f64::NAN);
    Ok(PyFloat::new(py, float).into_any())
}

/// The top-level array: each item appended to the list as it is parsed.
struct AppendItems<'b, 'a, 'py> {
    builder: &'b mut Builder<'a, 'py>,
    list: &'b Bound<'py, PyList>,
}

impl<'de> Visitor<'de> for AppendItems<'_, '_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON array")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, items: A) -> Result<(), A::Error> {
        append_items(self.builder, items, self.list)
    }
}

/// Parse each item of an array and append it to `list`.
fn append_items<'de, 'py, A: SeqAccess<'de>>(
    builder: &mut Builder<'_, 'py>,
    mut items: A,
    list: &Bound<'py, PyList>,
) -> Result<(), A::Error> {
    while let Some(item) = items.next_element_seed(Item(&mut *builder))? {
        if let Err(err) = list.append(item) {
            return Err(builder.fail(err));
        }
    }
    Ok(())
}

/// Any JSON value, as a Python object.
struct Item<'b, 'a, 'py>(&'b mut Builder<'a, 'py>);

impl<'de, 'py> DeserializeSeed<'de> for Item<'_, '_, 'py> {
    type Value = Bound<'py, PyAny>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de, 'py> Visitor<'de> for Item<'_, '_, 'py> {
    type Value = Bound<'py, PyAny>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(self.0.py.None().into_bound(self.0.py))
    }

    fn visit_bool<E: de::Error>(self, flag: bool) -> Result<Self::Value, E> {
        Ok(PyBool::new(self.0.py, flag).to_owned().into_any())
    }

    fn visit_i64<E: de::Error>(self, int: i64) -> Result<Self::Value, E> {
        let Ok(int) = int.into_pyobject(self.0.py);
        Ok(int.into_any())
    }

    fn visit_u64<E: de::Error>(self, int: u64) -> Result<Self::Value, E> {
        let Ok(int) = int.into_pyobject(self.0.py);
        Ok(int.into_any())
    }

    fn visit_f64<E: de::Error>(self, float: f64) -> Result<Self::Value, E> {
        Ok(PyFloat::new(self.0.py, float).into_any())
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
        Ok(self.0.strings.get(self.0.py, text).into_any())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, items: A) -> Result<Self::Value, A::Error> {
        let list = PyList::empty(self.0.py);
        append_items(self.0, items, &list)?;
        Ok(list.into_any())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut members: A) -> Result<Self::Value, A::Error> {
        let dict = PyDict::new(self.0.py);
        while let Some(key) = members.next_key_seed(Key(&mut *self.0))? {
            let value = members.next_value_seed(Item(&mut *self.0))?;
            // A repeated key keeps its first place and takes the last value, as in json.loads.
            if let Err(err) = dict.set_item(key, value) {
                return Err(self.0.fail(err));
            }
        }
        Ok(dict.into_any())
    }
}

/// An object key, as a shared Python `str`.
struct Key<'b, 'a, 'py>(&'b mut Builder<'a, 'py>);

impl<'de, 'py> DeserializeSeed<'de> for Key<'_, '_, 'py> {
    type Value = Bound<'py, PyString>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de, 'py> Visitor<'de> for Key<'_, '_, 'py> {
    type Value = Bound<'py, PyString>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
        Ok(self.0.strings.get(self.0.py, text))
    }
}
