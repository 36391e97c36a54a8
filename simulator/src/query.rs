//! Query-string parsing with Rails-like semantics.

use crate::http::Response;

/// Decoded `name=value` pairs in the order received.
pub(crate) struct Query(Vec<(String, String)>);

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h * 16 + l);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl Query {
    pub(crate) fn parse(raw: &str) -> Query {
        Query(
            raw.split('&')
                .filter(|p| !p.is_empty())
                .map(|p| match p.split_once('=') {
                    Some((k, v)) => (decode(k), decode(v)),
                    None => (decode(p), String::new()),
                })
                .collect(),
        )
    }

    /// The last value given for `name` (Rails semantics).
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Only the literal `true` enables a flag.
    pub(crate) fn flag(&self, name: &str) -> bool {
        self.get(name) == Some("true")
    }

    /// A positive integer parameter; `default` when absent, 400 when not a positive integer.
    pub(crate) fn positive(&self, name: &str, default: u64) -> Result<u64, Response> {
        match self.get(name) {
            None => Ok(default),
            Some(v) => match v.parse::<u64>() {
                Ok(n) if n > 0 && !v.starts_with('+') => Ok(n),
                _ => Err(Response::error(
                    400,
                    &format!("{name} must be a positive integer, got {v:?}"),
                )),
            },
        }
    }

    /// An optional id filter: absent or empty means no filter; otherwise a positive integer.
    pub(crate) fn id_filter(&self, name: &str) -> Result<Option<u64>, Response> {
        match self.get(name) {
            None | Some("") => Ok(None),
            Some(_) => self.positive(name, 0).map(Some),
        }
    }

    /// `(page, per_page)`: page defaults to 1, per_page to 100 and is capped at 500.
    pub(crate) fn paging(&self) -> Result<(usize, usize), Response> {
        let page = self.positive("page", 1)?;
        let per_page = self.positive("per_page", 100)?.min(500);
        Ok((
            usize::try_from(page).unwrap_or(usize::MAX),
            per_page as usize,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses() {
        let q = Query::parse("a=1&b=x%20y+z&a=2&flag&c=%zz");
        assert_eq!(q.get("a"), Some("2"));
        assert_eq!(q.get("b"), Some("x y z"));
        assert_eq!(q.get("flag"), Some(""));
        assert_eq!(q.get("c"), Some("%zz"));
        assert!(!q.flag("flag"));
        assert!(q.paging().is_ok());
        assert!(Query::parse("page=0").paging().is_err());
        assert!(Query::parse("per_page=abc").paging().is_err());
        assert_eq!(Query::parse("per_page=9999").paging().unwrap(), (1, 500));
    }
}
