//! A one-pass JSON checker that counts a top-level array's items.
//!
//! Text pages are handed to hosts only if serde_json would parse them (so
//! every host sees the same pages as the parsed path). A serde pass that
//! decodes and drops every value does that, but costs ~170 ms per 43 MB in
//! the size-optimised wasm build (a call per byte); this loop costs a
//! fraction of it. It is deliberately *stricter* than serde_json where exact
//! agreement would take a float parser — a number that might not be finite
//! as an `f64`, nesting deeper than [`MAX_DEPTH`] — and answers `None`
//! there, which sends the page down the parsed path: being stricter costs
//! speed on odd pages, never correctness. It must never accept text serde_json
//! refuses; the property tests check that against serde_json itself.

/// Nesting refused here (serde_json's own limit is 128).
const MAX_DEPTH: usize = 100;

/// Integer digits plus the written exponent below which a number is surely
/// finite as an `f64` (whose largest is about 1.8e308).
const SAFE_MAGNITUDE: i64 = 300;

/// The number of items when `text` is one JSON array (whitespace around it
/// allowed, nothing else) that serde_json would parse in full; `None` when
/// it is not, or when this checker cannot be sure.
pub(crate) fn array_len(text: &str) -> Option<usize> {
    let mut checker = Checker {
        bytes: text.as_bytes(),
        at: 0,
    };
    checker.skip_whitespace();
    if checker.peek()? != b'[' {
        return None;
    }
    checker.at += 1;
    let count = checker.items(0)?;
    checker.skip_whitespace();
    (checker.at == checker.bytes.len()).then_some(count)
}

/// True when `text` is one JSON value serde_json would parse in full (and
/// this checker is sure of it).
pub(crate) fn is_json(text: &str) -> bool {
    let mut checker = Checker {
        bytes: text.as_bytes(),
        at: 0,
    };
    checker.value(0).is_some() && {
        checker.skip_whitespace();
        checker.at == checker.bytes.len()
    }
}

struct Checker<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Checker<'_> {
    // The hot helpers are forced inline and scan with slice iterators: the
    // wasm build is size-optimised (`opt-level=z`), which otherwise leaves
    // a function call per byte (measured: 340 ms per 43 MB in Node).
    #[inline(always)]
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    /// The bytes not read yet.
    #[inline(always)]
    fn rest(&self) -> &[u8] {
        self.bytes.get(self.at..).unwrap_or_default()
    }

    #[inline(always)]
    fn skip_whitespace(&mut self) {
        let rest = self.rest();
        self.at += rest
            .iter()
            .position(|&b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
            .unwrap_or(rest.len());
    }

    /// After `[`: the items up to and including `]`, counted.
    fn items(&mut self, depth: usize) -> Option<usize> {
        self.skip_whitespace();
        if self.peek()? == b']' {
            self.at += 1;
            return Some(0);
        }
        let mut count = 0;
        loop {
            self.value(depth + 1)?;
            count += 1;
            self.skip_whitespace();
            match self.peek()? {
                b',' => self.at += 1,
                b']' => {
                    self.at += 1;
                    return Some(count);
                }
                _ => return None,
            }
        }
    }

    /// After `{`: the members up to and including `}`.
    fn members(&mut self, depth: usize) -> Option<()> {
        self.skip_whitespace();
        if self.peek()? == b'}' {
            self.at += 1;
            return Some(());
        }
        loop {
            self.skip_whitespace();
            if self.peek()? != b'"' {
                return None;
            }
            self.at += 1;
            self.string()?;
            self.skip_whitespace();
            if self.peek()? != b':' {
                return None;
            }
            self.at += 1;
            self.value(depth + 1)?;
            self.skip_whitespace();
            match self.peek()? {
                b',' => self.at += 1,
                b'}' => {
                    self.at += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    fn value(&mut self, depth: usize) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.skip_whitespace();
        match self.peek()? {
            b'"' => {
                self.at += 1;
                self.string()
            }
            b'[' => {
                self.at += 1;
                self.items(depth).map(|_| ())
            }
            b'{' => {
                self.at += 1;
                self.members(depth)
            }
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            b'n' => self.literal(b"null"),
            b'-' | b'0'..=b'9' => self.number(),
            _ => None,
        }
    }

    fn literal(&mut self, word: &[u8]) -> Option<()> {
        let end = self.at.checked_add(word.len())?;
        (self.bytes.get(self.at..end)? == word).then(|| self.at = end)
    }

    /// After the opening quote: up to and including the closing one. The
    /// text is a `&str`, so its bytes are valid UTF-8 already.
    fn string(&mut self) -> Option<()> {
        loop {
            // serde_json refuses raw control characters in strings.
            let plain = self
                .rest()
                .iter()
                .position(|&b| b == b'"' || b == b'\\' || b < 0x20)?;
            self.at += plain;
            match self.peek()? {
                b'"' => {
                    self.at += 1;
                    return Some(());
                }
                b'\\' => {
                    self.at += 1;
                    self.escape()?;
                }
                _ => return None,
            }
        }
    }

    /// After a backslash.
    fn escape(&mut self) -> Option<()> {
        let kind = self.peek()?;
        self.at += 1;
        match kind {
            b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => Some(()),
            b'u' => match self.hex4()? {
                // A leading surrogate must be followed by an escaped trailing one.
                0xD800..=0xDBFF => {
                    if self.bytes.get(self.at..self.at + 2)? != b"\\u" {
                        return None;
                    }
                    self.at += 2;
                    matches!(self.hex4()?, 0xDC00..=0xDFFF).then_some(())
                }
                0xDC00..=0xDFFF => None,
                _ => Some(()),
            },
            _ => None,
        }
    }

    fn hex4(&mut self) -> Option<u16> {
        let digits = self.bytes.get(self.at..self.at + 4)?;
        let mut value = 0u16;
        for &digit in digits {
            let nibble = (digit as char).to_digit(16)?;
            value = value * 16 + nibble as u16;
        }
        self.at += 4;
        Some(value)
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, refused (not
    /// judged) when it might not be a finite `f64`.
    fn number(&mut self) -> Option<()> {
        if self.peek() == Some(b'-') {
            self.at += 1;
        }
        let integer_digits = match self.peek()? {
            b'0' => {
                self.at += 1;
                // serde_json refuses leading zeros ("01").
                if self.peek().is_some_and(|b| b.is_ascii_digit()) {
                    return None;
                }
                1
            }
            b'1'..=b'9' => self.digits(),
            _ => return None,
        };
        if self.peek() == Some(b'.') {
            self.at += 1;
            if self.digits() == 0 {
                return None;
            }
        }
        let mut exponent: i64 = 0;
        if let Some(b'e' | b'E') = self.peek() {
            self.at += 1;
            let negative = match self.peek()? {
                b'-' => {
                    self.at += 1;
                    true
                }
                b'+' => {
                    self.at += 1;
                    false
                }
                _ => false,
            };
            let start = self.at;
            if self.digits() == 0 {
                return None;
            }
            // Only the size matters: past four digits it is not safe anyway.
            let written = &self.bytes[start..self.at];
            if written.len() > 4 {
                return None;
            }
            let magnitude = written
                .iter()
                .fold(0i64, |value, &digit| value * 10 + i64::from(digit - b'0'));
            exponent = if negative { -magnitude } else { magnitude };
        }
        // Surely finite: fewer than ~300 digits before the point, scaled.
        // Hugely negative exponents underflow to 0, which serde_json also
        // accepts, but they are rare: refused here, judged by serde_json.
        let scale = i64::try_from(integer_digits).ok()? + exponent;
        (exponent.abs() <= SAFE_MAGNITUDE && scale <= SAFE_MAGNITUDE).then_some(())
    }

    /// A run of ASCII digits; how many.
    #[inline(always)]
    fn digits(&mut self) -> usize {
        let rest = self.rest();
        let count = rest
            .iter()
            .position(|b| !b.is_ascii_digit())
            .unwrap_or(rest.len());
        self.at += count;
        count
    }
}

#[cfg(test)]
mod tests {
    use std::fmt;

    use proptest::prelude::*;
    use serde::de::{self, Deserialize, Deserializer, SeqAccess, Visitor};

    use super::array_len;

    /// The oracle: serde_json decoding every value and keeping nothing.
    fn serde_len(text: &str) -> Option<usize> {
        struct Counted(usize);
        struct Any;
        impl<'de> Deserialize<'de> for Any {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Any, D::Error> {
                serde_json::Value::deserialize(d).map(|_| Any)
            }
        }
        impl<'de> Deserialize<'de> for Counted {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Counted, D::Error> {
                struct V;
                impl<'de> Visitor<'de> for V {
                    type Value = Counted;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str("an array")
                    }
                    fn visit_seq<A: SeqAccess<'de>>(self, mut s: A) -> Result<Counted, A::Error> {
                        let mut n = 0;
                        while s.next_element::<Any>()?.is_some() {
                            n += 1;
                        }
                        Ok(Counted(n))
                    }
                    fn visit_map<A: de::MapAccess<'de>>(self, _: A) -> Result<Counted, A::Error> {
                        Err(de::Error::custom("not an array"))
                    }
                }
                d.deserialize_seq(V)
            }
        }
        serde_json::from_str::<Counted>(text).ok().map(|c| c.0)
    }

    #[test]
    fn agrees_with_serde_json_on_chosen_cases() {
        let cases = [
            ("[]", Some(0)),
            (" [ 1 , 2 ] \n", Some(2)),
            ("[1, {\"a\": [2, 3]}, \"x\", true, false, null]", Some(6)),
            (
                "[0, -0, -0.0, 1.5e3, 2E-8, 1e299, 12345678901234567890123]",
                Some(7),
            ),
            (
                "[\"\\u00e9\\ud83d\\ude00\\\"\\\\\\/\\b\\f\\n\\r\\t\"]",
                Some(1),
            ),
            ("[\"\u{e9}\u{1F600}\"]", Some(1)),
            ("[1, 2", None),
            ("[1, 2,]", None),
            ("[1 2]", None),
            ("[01]", None),
            ("[1.]", None),
            ("[.5]", None),
            ("[1e]", None),
            ("[-]", None),
            ("[+1]", None),
            ("[tru]", None),
            ("[nul]", None),
            ("[\"\\q\"]", None),
            ("[\"\\u12\"]", None),
            ("[\"\\ud800\"]", None),
            ("[\"\\ud800x\"]", None),
            ("[\"\\udc00\"]", None),
            ("[\"\\ud800\\u0041\"]", None),
            ("[\"a\u{1}b\"]", None),
            ("[{\"a\" 1}]", None),
            ("[{\"a\": 1,}]", None),
            ("[{1: 2}]", None),
            ("{\"a\": 1}", None),
            ("7", None),
            ("[] x", None),
            ("", None),
            ("[\u{a0}]", None),
        ];
        for (text, expected) in cases {
            assert_eq!(array_len(text), expected, "{text:?}");
            assert_eq!(serde_len(text), expected, "oracle on {text:?}");
        }
    }

    #[test]
    fn unsure_numbers_and_depth_are_left_to_serde_json() {
        for text in ["[1e400]", "[1e-400]", "[1e308]", "[1e99999]"] {
            assert_eq!(array_len(text), None, "{text:?}");
        }
        let long = format!("[1{}]", "0".repeat(400));
        assert_eq!(array_len(&long), None);
        let deep = format!("[{}{}]", "[".repeat(120), "]".repeat(120));
        assert_eq!(array_len(&deep), None);
        let fine = format!("[{}{}]", "[".repeat(90), "]".repeat(90));
        assert_eq!(array_len(&fine), Some(1));
    }

    fn json_value() -> impl Strategy<Value = serde_json::Value> {
        let leaf = prop_oneof![
            Just(serde_json::Value::Null),
            any::<bool>().prop_map(serde_json::Value::from),
            any::<i64>().prop_map(serde_json::Value::from),
            any::<u64>().prop_map(serde_json::Value::from),
            // Within the range the checker judges itself (beyond it, it defers).
            (-1e290f64..1e290).prop_map(serde_json::Value::from),
            any::<String>().prop_map(serde_json::Value::from),
        ];
        leaf.prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::Array),
                prop::collection::vec((any::<String>(), inner), 0..6)
                    .prop_map(|pairs| serde_json::Value::Object(pairs.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Every array serde_json writes is accepted, with its length.
        #[test]
        fn accepts_what_serde_json_writes(items in prop::collection::vec(json_value(), 0..8)) {
            let text = serde_json::to_string(&items).unwrap();
            prop_assert_eq!(array_len(&text), Some(items.len()));
            let pretty = serde_json::to_string_pretty(&items).unwrap();
            prop_assert_eq!(array_len(&pretty), Some(items.len()));
        }

        /// Never accepts what serde_json refuses, and counts the same.
        #[test]
        fn never_more_lenient_than_serde_json(
            text in "[\\[\\]{}:, \n\"\\\\/u0-9a-fA-F.eE+-tlrsn\u{1}\u{e9}]{0,40}"
        ) {
            let text = format!("[{text}");
            if let Some(count) = array_len(&text) {
                prop_assert_eq!(serde_len(&text), Some(count), "{:?}", text);
            }
        }

        /// Mutations of valid arrays: accepted only if serde_json accepts.
        #[test]
        fn mutations_of_valid_text(
            items in prop::collection::vec(json_value(), 1..5),
            cut in any::<prop::sample::Index>(),
            insert in "[\\[\\]{}:,\"\\\\ue0-9.-]{0,3}",
        ) {
            let text = serde_json::to_string(&items).unwrap();
            let mut at = cut.index(text.len() + 1);
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            let mutated = format!("{}{insert}{}", &text[..at], &text[at..]);
            if let Some(count) = array_len(&mutated) {
                prop_assert_eq!(serde_len(&mutated), Some(count), "{:?}", mutated);
            }
        }
    }
}
