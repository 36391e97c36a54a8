//! The HTTP envelope Turbine expects, built the way Swimlane's HTTP-action
//! runner (`connector-def-runner`, on `requests`) builds it, so the same
//! response serialises to the same JSON.

use indexmap::IndexMap;
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::Value;

use crate::transport::HttpResponse;

/// The body of an envelope: parsed JSON when the body parses as JSON
/// (whatever its `Content-Type`, as `response.json()` does), else text.
#[derive(Clone, Debug, PartialEq)]
pub enum Body {
    /// Serialised as `json_body`.
    Json(Value),
    /// Serialised as `response_text`.
    Text(String),
}

/// One action's result: `status_code`, `response_headers`, `reason`, and
/// `json_body` or `response_text`.
#[derive(Clone, Debug, PartialEq)]
pub struct Envelope {
    /// The HTTP status.
    pub status_code: u16,
    /// Every response header, names in canonical capitalised form
    /// (`Content-Type`, `X-Request-Id`), repeated headers joined with `", "`.
    pub response_headers: IndexMap<String, String>,
    /// The reason phrase (`OK`, `Not Found`, ...).
    pub reason: String,
    /// The body.
    pub body: Body,
    /// Tries of the request this envelope answers (1 unless it was retried).
    /// Not part of the serialised envelope.
    pub attempts: u32,
    /// HTTP requests the action made in all (pages and retries included).
    /// Not part of the serialised envelope.
    pub requests: u32,
}

impl Envelope {
    /// Build the envelope of one HTTP response.
    #[must_use]
    pub fn from_response(response: HttpResponse) -> Envelope {
        let mut envelope = Envelope::head_of(&response);
        envelope.body = decode_body(
            &response.body,
            envelope
                .response_headers
                .get("Content-Type")
                .map(String::as_str),
        );
        envelope
    }

    /// The envelope of `response` without its body (an empty
    /// `response_text`): for pages whose records go elsewhere.
    #[must_use]
    pub fn head_of(response: &HttpResponse) -> Envelope {
        Envelope {
            status_code: response.status,
            reason: response
                .reason
                .clone()
                .unwrap_or_else(|| canonical_reason(response.status).to_owned()),
            response_headers: header_map(&response.headers),
            body: Body::Text(String::new()),
            attempts: 1,
            requests: 1,
        }
    }

    /// True for 2xx statuses.
    #[must_use]
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status_code)
    }

    /// The parsed body, when it was JSON.
    #[must_use]
    pub fn json_body(&self) -> Option<&Value> {
        match &self.body {
            Body::Json(value) => Some(value),
            Body::Text(_) => None,
        }
    }

    /// The body text, when it was not JSON.
    #[must_use]
    pub fn response_text(&self) -> Option<&str> {
        match &self.body {
            Body::Json(_) => None,
            Body::Text(text) => Some(text),
        }
    }

    /// The envelope as a JSON value with the keys in Turbine's order.
    #[must_use]
    pub fn to_value(&self) -> Value {
        serde_json::to_value(self).expect("an envelope always serialises")
    }
}

impl Serialize for Envelope {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(4))?;
        map.serialize_entry("status_code", &self.status_code)?;
        map.serialize_entry("response_headers", &self.response_headers)?;
        map.serialize_entry("reason", &self.reason)?;
        match &self.body {
            Body::Json(value) => map.serialize_entry("json_body", value)?,
            Body::Text(text) => map.serialize_entry("response_text", text)?,
        }
        map.end()
    }
}

/// Headers as `requests` shows them: in arrival order, repeated names joined
/// with `", "` at the first one's place, values decoded as ISO-8859-1 (as
/// Python's `http.client` does). Names are canonicalised because HTTP
/// clients below us lowercase them; servers send them capitalised.
fn header_map(headers: &[(String, Vec<u8>)]) -> IndexMap<String, String> {
    let mut map: IndexMap<String, String> = IndexMap::with_capacity(headers.len());
    for (name, value) in headers {
        let value = latin1(value);
        match map.entry(canonical_header_name(name)) {
            indexmap::map::Entry::Occupied(mut entry) => {
                let joined = entry.get_mut();
                joined.push_str(", ");
                joined.push_str(&value);
            }
            indexmap::map::Entry::Vacant(entry) => {
                entry.insert(value);
            }
        }
    }
    map
}

/// `content-type` → `Content-Type`, `x-request-id` → `X-Request-Id`, with
/// the few names whose usual spelling is not plain title case.
#[must_use]
pub fn canonical_header_name(name: &str) -> String {
    const IRREGULAR: [&str; 8] = [
        "ETag",
        "WWW-Authenticate",
        "Content-MD5",
        "DNT",
        "TE",
        "X-XSS-Protection",
        "X-UA-Compatible",
        "X-DNS-Prefetch-Control",
    ];
    if let Some(known) = IRREGULAR
        .iter()
        .find(|known| known.eq_ignore_ascii_case(name))
    {
        return (*known).to_owned();
    }
    let mut out = String::with_capacity(name.len());
    let mut upper_next = true;
    for c in name.chars() {
        if upper_next {
            out.push(c.to_ascii_uppercase());
        } else {
            out.push(c.to_ascii_lowercase());
        }
        upper_next = c == '-';
    }
    out
}

fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&byte| char::from(byte)).collect()
}

/// What `requests` does for `response.json()` and, when that fails,
/// `response.text`, step by step:
///
/// 1. The declared encoding (`get_encoding_from_headers`): the `charset` of
///    `Content-Type`; else ISO-8859-1 when the media type contains `text`;
///    else UTF-8 for `application/json`; else none.
/// 2. With no declared encoding and more than 3 bytes, `guess_json_utf`:
///    UTF-8 with or without a BOM (the BOM dropped) is decoded strictly and
///    parsed; a body that does not parse is `response_text`.
/// 3. Otherwise the text (declared encoding, replacement characters for bad
///    bytes) is parsed as it is: a BOM left in it makes it not JSON.
///
/// Not reproduced: UTF-16/32 bodies and `requests`' charset guessing for
/// undeclared non-UTF-8 text (read as UTF-8 here); see docs/TURBINE.md.
fn decode_body(bytes: &[u8], content_type: Option<&str>) -> Body {
    let declared = declared_encoding(content_type);
    if declared.is_none() && bytes.len() > 3 {
        let unmarked = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        if !bytes[..4].contains(&0) {
            if let Ok(text) = std::str::from_utf8(unmarked) {
                return match serde_json::from_str(text) {
                    Ok(value) => Body::Json(value),
                    Err(_) => Body::Text(decode_text(bytes, declared)),
                };
            }
        }
    }
    let text = decode_text(bytes, declared);
    match serde_json::from_str(&text) {
        Ok(value) => Body::Json(value),
        Err(_) => Body::Text(text),
    }
}

/// The body's bytes as the JSON text `response.json()` would parse, when
/// decoding them the `requests` way ([`decode_body`]) gives exactly those
/// bytes read as UTF-8 (less a guessed-away BOM); `None` when it would
/// change them (a declared BOM, non-ASCII under a non-UTF-8 charset,
/// invalid UTF-8, a UTF-16/32 guess) and only the full decoding is right.
pub(crate) fn body_as_sent<'a>(bytes: &'a [u8], content_type: Option<&str>) -> Option<&'a str> {
    let declared = declared_encoding(content_type);
    let text = match declared {
        None if bytes.len() > 3 => {
            if bytes[..4].contains(&0) {
                return None;
            }
            bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
        }
        None | Some(TextEncoding::Utf8) => bytes,
        Some(_) if bytes.is_ascii() => bytes,
        Some(_) => return None,
    };
    std::str::from_utf8(text).ok()
}

/// Text encodings the connector decodes as Python does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum TextEncoding {
    Utf8,
    Latin1,
    Ascii,
    Windows1252,
}

/// `requests.utils.get_encoding_from_headers`. An unknown charset reads as
/// UTF-8 with replacement characters, as `requests` falls back on a
/// `LookupError`.
fn declared_encoding(content_type: Option<&str>) -> Option<TextEncoding> {
    let content_type = content_type.filter(|ct| !ct.is_empty())?;
    let mut parts = content_type.split(';');
    let media_type = parts.next().unwrap_or("").trim();
    let charset = parts.find_map(|param| {
        let (key, value) = param.split_once('=')?;
        (key.trim().eq_ignore_ascii_case("charset")).then(|| value.trim().trim_matches(['"', '\'']))
    });
    if let Some(charset) = charset {
        let name = charset.to_ascii_lowercase().replace('_', "-");
        return Some(match name.as_str() {
            "iso-8859-1" | "iso8859-1" | "latin-1" | "latin1" | "l1" | "iso-ir-100" | "cp819" => {
                TextEncoding::Latin1
            }
            "ascii" | "us-ascii" | "646" => TextEncoding::Ascii,
            "windows-1252" | "cp1252" => TextEncoding::Windows1252,
            _ => TextEncoding::Utf8,
        });
    }
    // Both checks are case-sensitive substring tests in requests.
    if media_type.contains("text") {
        Some(TextEncoding::Latin1)
    } else if media_type.contains("application/json") {
        Some(TextEncoding::Utf8)
    } else {
        None
    }
}

/// `str(content, encoding, errors="replace")`.
fn decode_text(bytes: &[u8], encoding: Option<TextEncoding>) -> String {
    match encoding {
        None | Some(TextEncoding::Utf8) => String::from_utf8_lossy(bytes).into_owned(),
        Some(TextEncoding::Latin1) => latin1(bytes),
        Some(TextEncoding::Ascii) => bytes
            .iter()
            .map(|&byte| {
                if byte.is_ascii() {
                    char::from(byte)
                } else {
                    char::REPLACEMENT_CHARACTER
                }
            })
            .collect(),
        Some(TextEncoding::Windows1252) => bytes.iter().map(|&byte| windows_1252(byte)).collect(),
    }
}

/// One byte of Windows-1252 as Python's `cp1252` codec reads it: Latin-1
/// but for 0x80-0x9F, five of which are undefined (replaced).
fn windows_1252(byte: u8) -> char {
    const HIGH: [u16; 32] = [
        0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
        0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD, 0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
        0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178,
    ];
    match byte {
        0x80..=0x9F => char::from_u32(u32::from(HIGH[usize::from(byte - 0x80)]))
            .unwrap_or(char::REPLACEMENT_CHARACTER),
        _ => char::from(byte),
    }
}

/// The standard reason phrase for a status, `""` for unknown ones.
#[must_use]
pub fn canonical_reason(status: u16) -> &'static str {
    http::StatusCode::from_u16(status)
        .ok()
        .and_then(|code| code.canonical_reason())
        .unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(headers: &[(&str, &str)], body: &[u8]) -> HttpResponse {
        HttpResponse {
            status: 200,
            reason: None,
            headers: headers
                .iter()
                .map(|(n, v)| ((*n).to_owned(), v.as_bytes().to_vec()))
                .collect(),
            body: body.to_vec().into(),
        }
    }

    #[test]
    fn header_names_and_repeats() {
        let envelope = Envelope::from_response(response(
            &[
                ("content-type", "application/json"),
                ("x-request-id", "a"),
                ("set-cookie", "a=1"),
                ("etag", "x"),
                ("set-cookie", "b=2"),
            ],
            b"[]",
        ));
        let names: Vec<&str> = envelope
            .response_headers
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            names,
            ["Content-Type", "X-Request-Id", "Set-Cookie", "ETag"]
        );
        assert_eq!(envelope.response_headers["Set-Cookie"], "a=1, b=2");
        assert_eq!(envelope.reason, "OK");
    }

    #[test]
    fn json_whatever_the_content_type_else_text() {
        let json =
            Envelope::from_response(response(&[("content-type", "text/plain")], b" {\"a\": 1} "));
        assert_eq!(json.json_body(), Some(&serde_json::json!({"a": 1})));
        let bom = Envelope::from_response(response(&[], b"\xEF\xBB\xBF[1, 2]"));
        assert_eq!(
            bom.json_body(),
            Some(&serde_json::json!([1, 2])),
            "no Content-Type: the BOM is guessed away"
        );
        let declared_bom = Envelope::from_response(response(
            &[("content-type", "application/json")],
            b"\xEF\xBB\xBF[1]",
        ));
        assert!(
            declared_bom.response_text().is_some(),
            "declared UTF-8 keeps the BOM, which json.loads refuses"
        );
        let latin_json = Envelope::from_response(response(
            &[("content-type", "text/plain")],
            "[\"\u{e9}\"]".as_bytes(),
        ));
        assert_eq!(
            latin_json.json_body(),
            Some(&serde_json::json!(["\u{c3}\u{a9}"])),
            "text/* is Latin-1, as requests reads it"
        );
        let cp1252 = Envelope::from_response(response(
            &[("content-type", "text/plain; charset=windows-1252")],
            b"\x80\x81",
        ));
        assert_eq!(cp1252.response_text(), Some("\u{20ac}\u{fffd}"));
        let html = Envelope::from_response(response(
            &[("content-type", "text/html")],
            "caf\u{e9}".as_bytes(),
        ));
        assert_eq!(
            html.response_text(),
            Some("caf\u{c3}\u{a9}"),
            "text/* without charset is latin-1, as in requests"
        );
        let utf8 = Envelope::from_response(response(
            &[("content-type", "text/html; charset=UTF-8")],
            "caf\u{e9}".as_bytes(),
        ));
        assert_eq!(utf8.response_text(), Some("caf\u{e9}"));
        let empty = Envelope::from_response(response(&[], b""));
        assert_eq!(empty.response_text(), Some(""));
    }

    #[test]
    fn serialises_in_turbine_key_order() {
        let envelope =
            Envelope::from_response(response(&[("x-request-id", "r1")], b"{\"b\":1,\"a\":2}"));
        assert_eq!(
            serde_json::to_string(&envelope).unwrap(),
            r#"{"status_code":200,"response_headers":{"X-Request-Id":"r1"},"reason":"OK","json_body":{"b":1,"a":2}}"#
        );
    }
}
