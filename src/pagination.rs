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
use crate::page_text::{self, CursorPage};
use crate::stream::PageRecords;
use crate::transport::HttpResponse;

/// The default most pages one pull fetches before giving up: a server that
/// never ends must not make the connector loop forever (5 million records
/// at 500 a page). `ClientConfig::max_pages` changes it.
pub const MAX_PAGES: u64 = 10_000;

/// Progress of a multi-page pull, reported after each page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageProgress {
    /// Pages fetched so far.
    pub pages: u64,
    /// Records gathered so far.
    pub records: usize,
}

/// Something that sends one request of a plan (retrying as its policy
/// says) and returns the raw answer with the number of tries it took.
pub(crate) trait PageFetcher {
    async fn fetch(
        &self,
        prepared: &Prepared,
        extra: &[(&str, String)],
    ) -> Result<(HttpResponse, u32)>;
    fn progress(&self, progress: PageProgress);
    fn max_pages(&self) -> u64;
    /// Seconds since the Unix epoch by the client's clock, if it knows.
    fn unix_seconds(&self) -> Option<i64>;
}

fn envelope_of((response, attempts): (HttpResponse, u32)) -> Envelope {
    let mut envelope = Envelope::from_response(response);
    envelope.attempts = attempts;
    envelope
}

/// The envelope of a page whose records go to the sink as text: status,
/// headers and reason, no body.
fn head_of((response, attempts): &(HttpResponse, u32)) -> Envelope {
    let mut envelope = Envelope::head_of(response);
    envelope.attempts = *attempts;
    envelope
}

/// Where a pull's records go, page by page.
pub(crate) trait RecordSink {
    /// Whether pages may arrive as JSON text ([`PageRecords::Json`]) rather
    /// than parsed values.
    fn wants_text(&self) -> bool;
    /// Take one page's records.
    async fn accept(&mut self, page: PageRecords) -> Result<()>;
}

/// A closure over parsed records: how the core's own composite actions
/// (modules, the compliance report) and `execute` consume pulls.
impl<F: FnMut(Vec<Value>)> RecordSink for F {
    fn wants_text(&self) -> bool {
        false
    }

    async fn accept(&mut self, page: PageRecords) -> Result<()> {
        self(page.into_values()?);
        Ok(())
    }
}

/// How a pull ended.
pub(crate) enum Pulled {
    /// Every page arrived; the envelope is the last page's, its body taken.
    Complete(Envelope),
    /// A page answered with a non-2xx status: this is its envelope.
    Stopped(Envelope),
}

/// Run a plan: a single request's envelope as-is, or every page joined
/// into one array.
pub(crate) async fn execute(fetcher: &impl PageFetcher, prepared: &Prepared) -> Result<Envelope> {
    if prepared.mode == Mode::Single {
        return Ok(envelope_of(fetcher.fetch(prepared, &[]).await?));
    }
    let mut records = Vec::new();
    match pull(fetcher, prepared, &mut |items| records.extend(items)).await? {
        Pulled::Complete(mut envelope) => {
            envelope.body = Body::Json(Value::Array(records));
            Ok(envelope)
        }
        Pulled::Stopped(envelope) => Ok(envelope),
    }
}

/// Fetch every page of a multi-page plan, handing each page's records to
/// `sink` as they arrive (a consumer can stream instead of collecting).
pub(crate) async fn pull(
    fetcher: &impl PageFetcher,
    prepared: &Prepared,
    sink: &mut impl RecordSink,
) -> Result<Pulled> {
    match &prepared.mode {
        Mode::Single | Mode::AllPages => all_pages(fetcher, prepared, 1, 0, 0, sink).await,
        Mode::Cursor(start) => cursor_pages(fetcher, prepared, start.clone(), sink).await,
    }
}

async fn all_pages(
    fetcher: &impl PageFetcher,
    prepared: &Prepared,
    first_page: u64,
    pages_before: u64,
    mut records: usize,
    sink: &mut impl RecordSink,
) -> Result<Pulled> {
    let per_page = MAX_PER_PAGE.to_string();
    let mut page = first_page;
    let mut previous = None;
    loop {
        let response = fetcher
            .fetch(
                prepared,
                &[("page", page.to_string()), ("per_page", per_page.clone())],
            )
            .await?;
        // Kept (a reference count, not a copy) to catch a server that
        // serves the same full page again instead of the next one.
        let body = response.0.body.clone();
        if !(200..300).contains(&response.0.status) {
            return Ok(Pulled::Stopped(envelope_of(response)));
        }
        let text_page = sink
            .wants_text()
            .then(|| page_text::json_array(&response.0))
            .flatten();
        let (envelope, page_records) = match text_page {
            Some(page_records) => (head_of(&response), page_records),
            None => {
                let mut envelope = envelope_of(response);
                match std::mem::replace(&mut envelope.body, Body::Text(String::new())) {
                    Body::Json(Value::Array(items)) => (envelope, PageRecords::Values(items)),
                    other => {
                        // Put back, so the error says what the page was.
                        envelope.body = other;
                        return Err(not_a_page(prepared, page, &envelope, "a JSON array"));
                    }
                }
            }
        };
        let count = page_records.len();
        if count > 0 && previous.as_ref() == Some(&body) {
            return Err(Error::new(
                ErrorKind::Decode,
                format!("page {page} is the same as page {} byte for byte: the server is not paging; stopping instead of returning duplicates", page - 1),
            )
            .in_action(prepared.action.name));
        }
        previous = Some(body);
        records += count;
        sink.accept(page_records).await?;
        let pages = pages_before + page - first_page + 1;
        fetcher.progress(PageProgress { pages, records });
        if (count as u64) < MAX_PER_PAGE {
            return Ok(Pulled::Complete(envelope));
        }
        if pages >= fetcher.max_pages() {
            return Err(too_many_pages(prepared, fetcher.max_pages()));
        }
        page += 1;
    }
}

async fn cursor_pages(
    fetcher: &impl PageFetcher,
    prepared: &Prepared,
    start: String,
    sink: &mut impl RecordSink,
) -> Result<Pulled> {
    let mut records = 0;
    let mut cursor = start;
    let mut pages = 0;
    // Every cursor followed: a server that cycles (A, B, A, ...) is caught
    // at the first repeat, not at max_pages.
    let mut seen = std::collections::HashSet::new();
    seen.insert(cursor.clone());
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
        if !(200..300).contains(&response.0.status) {
            return Ok(Pulled::Stopped(envelope_of(response)));
        }
        pages += 1;
        let text_page = sink
            .wants_text()
            .then(|| page_text::cursor_page(&response.0))
            .flatten();
        let (envelope, page) = match text_page {
            Some(page) => (head_of(&response), page),
            None => {
                let mut envelope = envelope_of(response);
                let body = std::mem::replace(&mut envelope.body, Body::Text(String::new()));
                match parsed_cursor_page(body) {
                    Ok(page) => (envelope, page),
                    Err((body, expected)) => {
                        envelope.body = body;
                        return Err(not_a_page(prepared, pages, &envelope, expected));
                    }
                }
            }
        };
        match page {
            // A server without cursor paging answers with a plain first page:
            // carry on with page numbers from page 2.
            CursorPage::Plain(_) if pages > 1 => {
                let mut envelope = envelope;
                envelope.body = Body::Json(Value::Array(Vec::new()));
                return Err(not_a_page(prepared, pages, &envelope, "a cursor page"));
            }
            CursorPage::Plain(items) => {
                let count = items.len();
                records += count;
                sink.accept(items).await?;
                fetcher.progress(PageProgress { pages, records });
                if (count as u64) < MAX_PER_PAGE {
                    return Ok(Pulled::Complete(envelope));
                }
                return all_pages(fetcher, prepared, 2, pages, records, sink).await;
            }
            CursorPage::Data { items, next } => {
                let empty = items.is_empty();
                records += items.len();
                sink.accept(items).await?;
                fetcher.progress(PageProgress { pages, records });
                match next {
                    Some(next) if !empty => {
                        let encoded = crate::input::encode_query_value(&next);
                        if !seen.insert(encoded.clone()) {
                            return Err(Error::new(
                                ErrorKind::Decode,
                                format!("the server returned cursor {next:?} again; stopping instead of looping"),
                            )
                            .in_action(prepared.action.name));
                        }
                        cursor = encoded;
                    }
                    _ => return Ok(Pulled::Complete(envelope)),
                }
            }
        }
        if pages >= fetcher.max_pages() {
            return Err(too_many_pages(prepared, fetcher.max_pages()));
        }
    }
}

/// A parsed cursor-paging answer, or the body back with what was expected.
fn parsed_cursor_page(body: Body) -> std::result::Result<CursorPage, (Body, &'static str)> {
    match body {
        Body::Json(Value::Array(items)) => Ok(CursorPage::Plain(PageRecords::Values(items))),
        Body::Json(Value::Object(mut object)) => {
            let Some(Value::Array(items)) = object.remove("data") else {
                return Err((
                    Body::Json(Value::Object(object)),
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
            Ok(CursorPage::Data {
                items: PageRecords::Values(items),
                next,
            })
        }
        other => Err((other, "a cursor page")),
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

fn too_many_pages(prepared: &Prepared, max_pages: u64) -> Error {
    Error::new(
        ErrorKind::Decode,
        format!("stopped after {max_pages} pages (max_pages): the server did not end the list"),
    )
    .in_action(prepared.action.name)
}
