//! Running a planned action: one request, every page, or a cursor chain.
//!
//! The rules: records keep the server's order, are never dropped or
//! repeated; a page shorter than `per_page` (or empty) ends the pull and no
//! request is made past an empty page; a non-2xx answer ends the pull and is
//! returned as that answer's envelope; a 2xx page that is not the expected
//! JSON shape is a [`Decode`](crate::ErrorKind::Decode) error naming the page.

use serde_json::Value;

use crate::actions::MAX_PER_PAGE;
use crate::envelope::{Body, Envelope};
use crate::error::{Error, ErrorKind, Result};
use crate::input::{Mode, Prepared};
use crate::transport::HttpResponse;

/// The most pages one pull fetches before giving up: a server that never
/// ends must not make the connector loop forever (5 million records at 500 a page).
pub const MAX_PAGES: u64 = 10_000;

/// Progress of a multi-page pull, reported after each page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageProgress {
    /// Pages fetched so far.
    pub pages: u64,
    /// Records gathered so far.
    pub records: usize,
}

/// Something that sends one request of a plan and returns the raw answer.
pub(crate) trait PageFetcher {
    async fn fetch(&self, prepared: &Prepared, extra: &[(&str, String)]) -> Result<HttpResponse>;
    fn progress(&self, progress: PageProgress);
}

pub(crate) async fn execute(fetcher: &impl PageFetcher, prepared: &Prepared) -> Result<Envelope> {
    match &prepared.mode {
        Mode::Single => Ok(Envelope::from_response(fetcher.fetch(prepared, &[]).await?)),
        Mode::AllPages => all_pages(fetcher, prepared, 1, Vec::new(), 0).await,
        Mode::Cursor(start) => cursor_pages(fetcher, prepared, start.clone()).await,
    }
}

async fn all_pages(
    fetcher: &impl PageFetcher,
    prepared: &Prepared,
    first_page: u64,
    mut records: Vec<Value>,
    pages_before: u64,
) -> Result<Envelope> {
    let per_page = MAX_PER_PAGE.to_string();
    let mut page = first_page;
    loop {
        let response = fetcher
            .fetch(
                prepared,
                &[("page", page.to_string()), ("per_page", per_page.clone())],
            )
            .await?;
        let mut envelope = Envelope::from_response(response);
        if !envelope.is_success() {
            return Ok(envelope);
        }
        let Body::Json(Value::Array(items)) =
            std::mem::replace(&mut envelope.body, Body::Text(String::new()))
        else {
            return Err(not_a_page(prepared, page, &envelope, "a JSON array"));
        };
        let count = items.len();
        records.extend(items);
        let pages = pages_before + page - first_page + 1;
        fetcher.progress(PageProgress {
            pages,
            records: records.len(),
        });
        if (count as u64) < MAX_PER_PAGE {
            envelope.body = Body::Json(Value::Array(records));
            return Ok(envelope);
        }
        if pages >= MAX_PAGES {
            return Err(too_many_pages(prepared));
        }
        page += 1;
    }
}

async fn cursor_pages(
    fetcher: &impl PageFetcher,
    prepared: &Prepared,
    start: String,
) -> Result<Envelope> {
    let mut records = Vec::new();
    let mut cursor = start;
    let mut pages = 0;
    loop {
        let response = fetcher
            .fetch(
                prepared,
                &[
                    ("cursor", cursor.clone()),
                    ("per_page", MAX_PER_PAGE.to_string()),
                ],
            )
            .await?;
        let mut envelope = Envelope::from_response(response);
        if !envelope.is_success() {
            return Ok(envelope);
        }
        pages += 1;
        let body = std::mem::replace(&mut envelope.body, Body::Text(String::new()));
        match body {
            // A server without cursor paging answers with a plain first page:
            // carry on with page numbers from page 2.
            Body::Json(Value::Array(items)) if pages == 1 => {
                let count = items.len();
                records.extend(items);
                fetcher.progress(PageProgress {
                    pages,
                    records: records.len(),
                });
                if (count as u64) < MAX_PER_PAGE {
                    envelope.body = Body::Json(Value::Array(records));
                    return Ok(envelope);
                }
                return all_pages(fetcher, prepared, 2, records, pages).await;
            }
            Body::Json(Value::Object(mut object)) => {
                let Some(Value::Array(items)) = object.remove("data") else {
                    envelope.body = Body::Json(Value::Object(object));
                    return Err(not_a_page(
                        prepared,
                        pages,
                        &envelope,
                        "an object with a `data` array",
                    ));
                };
                let next = match object
                    .get("_metadata")
                    .and_then(|meta| meta.get("next_cursor"))
                {
                    Some(Value::String(next)) if !next.is_empty() => Some(next.clone()),
                    _ => None,
                };
                let empty = items.is_empty();
                records.extend(items);
                fetcher.progress(PageProgress {
                    pages,
                    records: records.len(),
                });
                match next {
                    Some(next) if !empty => {
                        if next == cursor {
                            return Err(Error::new(
                                ErrorKind::Decode,
                                format!("the server returned the same cursor twice ({next:?}); stopping instead of looping"),
                            )
                            .in_action(prepared.action.name));
                        }
                        cursor = percent_encoding::utf8_percent_encode(
                            &next,
                            percent_encoding::NON_ALPHANUMERIC,
                        )
                        .to_string();
                    }
                    _ => {
                        envelope.body = Body::Json(Value::Array(records));
                        return Ok(envelope);
                    }
                }
            }
            other => {
                envelope.body = other;
                return Err(not_a_page(prepared, pages, &envelope, "a cursor page"));
            }
        }
        if pages >= MAX_PAGES {
            return Err(too_many_pages(prepared));
        }
    }
}

fn not_a_page(prepared: &Prepared, page: u64, envelope: &Envelope, expected: &str) -> Error {
    let got = match &envelope.body {
        Body::Json(Value::Object(_)) => "a JSON object".to_owned(),
        Body::Json(_) => "other JSON".to_owned(),
        Body::Text(text) => {
            let start: String = text.chars().take(80).collect();
            format!("non-JSON text ({} bytes, starting {start:?})", text.len())
        }
    };
    let content_type = envelope
        .response_headers
        .get("Content-Type")
        .map_or(String::new(), |ct| format!(", Content-Type {ct}"));
    Error::new(
        ErrorKind::Decode,
        format!(
            "page {page} (HTTP {}{content_type}) was not {expected} but {got}",
            envelope.status_code
        ),
    )
    .in_action(prepared.action.name)
}

fn too_many_pages(prepared: &Prepared) -> Error {
    Error::new(
        ErrorKind::Decode,
        format!("stopped after {MAX_PAGES} pages: the server did not end the list"),
    )
    .in_action(prepared.action.name)
}
