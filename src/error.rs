//! One error type for everything that is not an HTTP answer.
//!
//! HTTP statuses (404, 429, 500, ...) are data and come back as an
//! [`Envelope`](crate::Envelope); an [`Error`] means there was no usable HTTP
//! answer at all, or that the input was refused before any request was sent.

use std::fmt;

/// What went wrong, for callers that branch on it (bindings map each kind to
/// their own exception class or error code).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// An input, configuration value or action name was refused; no request was sent.
    InvalidInput,
    /// The connection could not be made (refused, DNS, proxy).
    Connect,
    /// The TLS handshake or certificate check failed.
    Tls,
    /// The request's own timeout elapsed before the whole answer arrived.
    Timeout,
    /// The connection could not be opened within the connect timeout.
    ConnectTimeout,
    /// The whole action (a long paginated pull, retries included) ran past its deadline.
    Deadline,
    /// The client-side daily request budget is spent; nothing was sent.
    RateLimit,
    /// The answer was larger than the configured cap and was not read to the end.
    ResponseTooLarge,
    /// A bug in the connector (a caught panic), reported instead of a crash.
    Internal,
    /// The connection broke mid-answer or the body could not be read.
    Transport,
    /// An answer arrived but could not be understood where the connector needs
    /// to understand it (a page of a paginated pull that is not a JSON array).
    Decode,
}

impl ErrorKind {
    /// A stable machine name (`invalid_input`, `connect`, ...), used as the JS error code.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            ErrorKind::InvalidInput => "invalid_input",
            ErrorKind::Connect => "connect",
            ErrorKind::Tls => "tls",
            ErrorKind::Timeout => "timeout",
            ErrorKind::ConnectTimeout => "connect_timeout",
            ErrorKind::Deadline => "deadline",
            ErrorKind::RateLimit => "rate_limit",
            ErrorKind::ResponseTooLarge => "response_too_large",
            ErrorKind::Internal => "internal",
            ErrorKind::Transport => "transport",
            ErrorKind::Decode => "decode",
        }
    }

    /// The error's class name, used as `name` in Turbine's `::set-error` JSON.
    #[must_use]
    pub fn class_name(self) -> &'static str {
        match self {
            ErrorKind::InvalidInput => "InvalidInputError",
            ErrorKind::Connect => "ConnectError",
            ErrorKind::Tls => "TlsError",
            ErrorKind::Timeout => "TimeoutError",
            ErrorKind::ConnectTimeout => "ConnectTimeoutError",
            ErrorKind::Deadline => "DeadlineError",
            ErrorKind::RateLimit => "RateLimitError",
            ErrorKind::ResponseTooLarge => "ResponseTooLargeError",
            ErrorKind::Internal => "InternalError",
            ErrorKind::Transport => "TransportError",
            ErrorKind::Decode => "DecodeError",
        }
    }
}

/// The connector's error: a kind, a message for people, and where known the
/// input and the action it concerns. Never carries the token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    message: String,
    input: Option<String>,
    action: Option<String>,
    attempts: Option<u32>,
}

impl Error {
    /// A new error of `kind` with a message.
    #[must_use]
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
            input: None,
            action: None,
            attempts: None,
        }
    }

    /// An input was refused: `input` names it as the user wrote it.
    #[must_use]
    pub fn invalid_input(input: impl Into<String>, message: impl Into<String>) -> Self {
        Error {
            kind: ErrorKind::InvalidInput,
            message: message.into(),
            input: Some(input.into()),
            action: None,
            attempts: None,
        }
    }

    /// Attach the action this error happened in (kept if already set).
    #[must_use]
    pub fn in_action(mut self, action: &str) -> Self {
        if self.action.is_none() {
            self.action = Some(action.to_owned());
        }
        self
    }

    /// Record how many times the request was tried.
    #[must_use]
    pub fn with_attempts(mut self, attempts: u32) -> Self {
        self.attempts = Some(attempts);
        self
    }

    /// How many times the failing request was tried, when it was sent at all.
    #[must_use]
    pub fn attempts(&self) -> Option<u32> {
        self.attempts
    }

    /// The kind of failure.
    #[must_use]
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The message, without the action and input prefixes that `Display` adds.
    #[must_use]
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The input the error is about, when it is about one.
    #[must_use]
    pub fn input(&self) -> Option<&str> {
        self.input.as_deref()
    }

    /// The action that was running, when known.
    #[must_use]
    pub fn action(&self) -> Option<&str> {
        self.action.as_deref()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(action) = &self.action {
            write!(f, "{action}: ")?;
        }
        match (&self.kind, &self.input) {
            (ErrorKind::InvalidInput, Some(input)) => {
                write!(f, "invalid input `{input}`: {}", self.message)?;
            }
            _ => f.write_str(&self.message)?,
        }
        match self.attempts {
            Some(attempts) if attempts > 1 => write!(f, " (after {attempts} attempts)"),
            _ => Ok(()),
        }
    }
}

impl std::error::Error for Error {}

/// Shorthand used across the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
