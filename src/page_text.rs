//! Pages handed on as the server's JSON text, checked without being parsed
//! into values: the host (Python, JS) builds its own objects from the text
//! once, instead of the core building a `serde_json::Value` tree the host
//! then converts (for 100,000 enrollments that tree alone is ~300 MB).
//!
//! The checks ([`crate::json_check`]) accept only what serde_json parses in
//! full, so text handed on always parses, and parses to the same records. Whatever these functions refuse — not
//! JSON, another shape, an encoding the `requests` decoding would change —
//! takes the parsed path instead, which gives the same records or the same
//! error as before.

use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;

use crate::envelope::body_as_sent;
use crate::json_check::{array_len, is_json};
use crate::stream::PageRecords;
use crate::transport::HttpResponse;

/// A cursor-paging answer: a plain array (a server without cursors), or an
/// object with a `data` array and maybe `_metadata.next_cursor`.
pub(crate) enum CursorPage {
    Plain(PageRecords),
    Data {
        items: PageRecords,
        next: Option<String>,
    },
}

/// The body's text, when it is a JSON array: the records of a page.
pub(crate) fn json_array(response: &HttpResponse) -> Option<PageRecords> {
    let text = text_of(response)?;
    let count = array_len(text)?;
    Some(PageRecords::Json {
        text: response.body.slice_ref(text.as_bytes()),
        count,
    })
}

/// The body as a cursor page, its `data` array handed on as text.
pub(crate) fn cursor_page(response: &HttpResponse) -> Option<CursorPage> {
    let text = text_of(response)?;
    if let Some(count) = array_len(text) {
        return Some(CursorPage::Plain(PageRecords::Json {
            text: response.body.slice_ref(text.as_bytes()),
            count,
        }));
    }
    // Unknown members are skipped; a duplicate `data` or `_metadata` is an
    // error here, and the parsed path then applies JSON's last-one-wins.
    #[derive(Deserialize)]
    struct Page<'a> {
        #[serde(borrow)]
        data: &'a RawValue,
        #[serde(rename = "_metadata", default)]
        metadata: Option<Value>,
    }
    // serde skips unknown members without checking their strings and
    // numbers: check the whole page first, as the parsed path parses it all.
    if !is_json(text) {
        return None;
    }
    let page: Page<'_> = serde_json::from_str(text).ok()?;
    let data = page.data.get();
    let count = array_len(data)?;
    let next = match page
        .metadata
        .as_ref()
        .and_then(|meta| meta.get("next_cursor"))
    {
        Some(Value::String(next)) if !next.is_empty() => Some(next.clone()),
        _ => None,
    };
    Some(CursorPage::Data {
        items: PageRecords::Json {
            text: response.body.slice_ref(data.as_bytes()),
            count,
        },
        next,
    })
}

/// The body text `response.json()` would parse, if it is the bytes as sent.
fn text_of(response: &HttpResponse) -> Option<&str> {
    let mut content_types = response
        .headers
        .iter()
        .filter(|(name, _)| name.eq_ignore_ascii_case("content-type"));
    let content_type = match (content_types.next(), content_types.next()) {
        (None, _) => None,
        (Some((_, value)), None) => Some(std::str::from_utf8(value).ok()?),
        // Repeated headers are joined before decoding; leave that to the parsed path.
        (Some(_), Some(_)) => return None,
    };
    body_as_sent(&response.body, content_type)
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;

    use super::*;

    fn response(content_type: Option<&str>, body: &[u8]) -> HttpResponse {
        HttpResponse {
            status: 200,
            reason: None,
            headers: content_type
                .map(|ct| vec![("content-type".to_owned(), ct.as_bytes().to_vec())])
                .unwrap_or_default(),
            body: Bytes::copy_from_slice(body),
        }
    }

    fn text(records: &PageRecords) -> &str {
        match records {
            PageRecords::Json { text, .. } => std::str::from_utf8(text).unwrap(),
            PageRecords::Values(_) => panic!("expected text"),
        }
    }

    #[test]
    fn arrays_are_counted_and_checked() {
        assert_eq!(array_len(" [1, {\"a\": [2, 3]}, \"x\"] \n"), Some(3));
        assert_eq!(array_len("[]"), Some(0));
        assert_eq!(array_len("[1, 2"), None, "truncated");
        assert_eq!(array_len("[1, 2] x"), None, "trailing garbage");
        assert_eq!(array_len("[1, tru]"), None, "bad literal inside");
        assert_eq!(array_len("[\"\\q\"]"), None, "bad escape inside");
        assert_eq!(array_len("[\"\\ud800\"]"), None, "a lone surrogate");
        assert_eq!(array_len("[{\"a\": 1e400}]"), None, "beyond f64");
        assert_eq!(array_len("[{\"a\": [1, {\"b\": \"\\u00e9\"}]}]"), Some(1));
        assert_eq!(array_len("{\"a\": 1}"), None, "an object");
        assert_eq!(array_len("7"), None);
    }

    #[test]
    fn only_bytes_requests_would_read_unchanged_are_text() {
        let page = json_array(&response(Some("application/json"), b"[{\"a\":1}]")).unwrap();
        assert_eq!((text(&page), page.len()), ("[{\"a\":1}]", 1));
        let unmarked = json_array(&response(None, b"\xEF\xBB\xBF[1, 2]")).unwrap();
        assert_eq!(
            text(&unmarked),
            "[1, 2]",
            "an undeclared BOM is guessed away"
        );
        assert!(
            json_array(&response(Some("application/json"), b"\xEF\xBB\xBF[1]")).is_none(),
            "a declared UTF-8 BOM stays and fails, as in requests"
        );
        assert!(
            json_array(&response(Some("text/plain"), "[\"\u{e9}\"]".as_bytes())).is_none(),
            "text/* is Latin-1: non-ASCII bytes would read differently"
        );
        assert!(json_array(&response(Some("text/plain"), b"[\"e\"]")).is_some());
        assert!(
            json_array(&response(None, b"[\"\xFF\"]")).is_none(),
            "invalid UTF-8"
        );
    }

    #[test]
    fn cursor_pages() {
        let body =
            br#"{"_metadata": {"next_cursor": "c2"}, "data": [{"id": 1}, {"id": 2}], "x": 0}"#;
        let Some(CursorPage::Data { items, next }) = cursor_page(&response(None, body)) else {
            panic!("a cursor page");
        };
        assert_eq!(text(&items), r#"[{"id": 1}, {"id": 2}]"#);
        assert_eq!((items.len(), next.as_deref()), (2, Some("c2")));
        let last = br#"{"data": [], "_metadata": {"next_cursor": ""}}"#;
        let Some(CursorPage::Data { next, .. }) = cursor_page(&response(None, last)) else {
            panic!("a cursor page");
        };
        assert_eq!(next, None);
        assert!(matches!(
            cursor_page(&response(None, b"[1]")),
            Some(CursorPage::Plain(_))
        ));
        assert!(cursor_page(&response(None, br#"{"data": 5}"#)).is_none());
        assert!(cursor_page(&response(None, br#"{"data": [], "data": [1]}"#)).is_none());
    }
}
