//! The Python binding (in progress; see issue 3).
