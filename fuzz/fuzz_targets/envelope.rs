//! Any HTTP answer becomes an envelope without panicking, and its Turbine
//! JSON is ASCII and parses back.
#![no_main]

use knowbe4_connector::python_json::to_python_json;
use knowbe4_connector::transport::HttpResponse;
use knowbe4_connector::Envelope;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // First byte picks a Content-Type, the rest is the body.
    let (content_type, body) = match data.split_first() {
        Some((selector, body)) => {
            let kinds: [&[u8]; 5] = [
                b"application/json",
                b"text/html",
                b"text/plain; charset=iso-8859-1",
                b"application/json; charset=utf-8",
                b"\xff\xfe odd",
            ];
            (kinds[usize::from(*selector) % kinds.len()], body)
        }
        None => (&b""[..], data),
    };
    let response = HttpResponse {
        status: 200,
        reason: None,
        headers: vec![("content-type".to_owned(), content_type.to_vec()), ("x-raw".to_owned(), body.iter().take(16).copied().collect())],
        body: body.to_vec().into(),
    };
    let envelope = Envelope::from_response(response);
    let printed = to_python_json(&envelope);
    assert!(printed.is_ascii());
    let back: serde_json::Value = serde_json::from_str(&printed).expect("Turbine JSON parses");
    assert_eq!(back["status_code"], 200);
});
