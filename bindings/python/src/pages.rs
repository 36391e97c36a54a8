//! A streamed pull's pages, from the runtime to the thread that builds the
//! Python objects: a bounded queue, so the next pages are fetched while one
//! is being converted, and a fast server cannot pile up unconverted pages.

use knowbe4_connector::transport::BoxFuture;
use knowbe4_connector::{Error, ErrorKind, PageRecords, PageSink, Result};
use pyo3::prelude::*;
use pyo3::types::PyList;
use tokio::sync::mpsc;

use crate::errors::to_py_err;
use crate::json_to_py::{Builder, ExtendError, StrCache};

/// Pages fetched ahead of the one being converted (each ~200 KB at 500
/// enrollments a page).
const PAGES_AHEAD: usize = 4;

/// The runtime's end of the queue.
pub(crate) struct QueueSink(mpsc::Sender<PageRecords>);

/// The converting thread's end of the queue.
pub(crate) type PageQueue = mpsc::Receiver<PageRecords>;

/// A new queue.
pub(crate) fn queue() -> (QueueSink, PageQueue) {
    let (sender, receiver) = mpsc::channel(PAGES_AHEAD);
    (QueueSink(sender), receiver)
}

impl PageSink for QueueSink {
    fn accept(&mut self, page: PageRecords) -> BoxFuture<'_, Result<()>> {
        Box::pin(async move {
            // Closed only when the Python side gave up (an exception while
            // converting, or cancellation): the pull has no one to serve.
            self.0.send(page).await.map_err(|_| {
                Error::new(ErrorKind::Internal, "the Python side stopped taking pages")
            })
        })
    }
}

/// Append one page's records to `records`, building the Python objects
/// from the page's text (or its parsed values).
pub(crate) fn append_page<'py>(
    py: Python<'py>,
    page: PageRecords,
    records: &Bound<'py, PyList>,
    strings: &mut StrCache,
    action: &str,
) -> PyResult<()> {
    let mut builder = Builder::new(py, strings);
    match page {
        PageRecords::Json { text, .. } => match builder.extend_from_array(&text, records) {
            Ok(()) => Ok(()),
            Err(ExtendError::Python(err)) => Err(err),
            Err(ExtendError::Json(err)) => Err(to_py_err(
                py,
                &Error::new(
                    ErrorKind::Decode,
                    format!("a page did not parse as JSON: {err}"),
                )
                .in_action(action),
            )),
        },
        PageRecords::Values(items) => {
            for item in items {
                records.append(builder.value(item)?)?;
            }
            Ok(())
        }
    }
}
