//! A one-line progress indicator on stderr for long pulls, only when stderr
//! is a terminal (so pipes and Turbine never see it).

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use knowbe4_connector::{PageProgress, ProgressFn};

/// The indicator; `finish` clears its line.
pub struct Progress {
    shown: Arc<AtomicBool>,
}

impl Progress {
    /// A callback for `Client::with_progress`, or `None` when stderr is not a terminal.
    pub fn for_action(action: &str) -> (Progress, Option<Arc<ProgressFn>>) {
        let shown = Arc::new(AtomicBool::new(false));
        if !std::io::stderr().is_terminal() {
            return (Progress { shown }, None);
        }
        let action = action.to_owned();
        let flag = Arc::clone(&shown);
        let callback: Arc<ProgressFn> = Arc::new(move |progress: PageProgress| {
            flag.store(true, Ordering::Relaxed);
            let mut stderr = std::io::stderr().lock();
            let _ = write!(
                stderr,
                "\r\x1b[2K{action}: page {}, {} records",
                progress.pages, progress.records
            );
            let _ = stderr.flush();
        });
        (Progress { shown }, Some(callback))
    }

    /// Clear the line if anything was drawn.
    pub fn finish(&self) {
        if self.shown.load(Ordering::Relaxed) {
            let mut stderr = std::io::stderr().lock();
            let _ = write!(stderr, "\r\x1b[2K");
            let _ = stderr.flush();
        }
    }
}
