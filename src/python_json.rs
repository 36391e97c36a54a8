//! JSON written byte for byte as Python's `json.dumps(obj)` writes it with
//! default arguments, which is how Turbine's runtime prints `::set-output`
//! and `::set-error`: `", "` and `": "` separators, non-ASCII escaped as
//! `\uXXXX` (`ensure_ascii=True`), floats as Python's `repr` shows them.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::ser::{CharEscape, Formatter, Serializer};

/// Serialise `value` as `json.dumps(value)` would.
#[must_use]
pub fn to_python_json<T: Serialize + ?Sized>(value: &T) -> String {
    let mut out = Vec::with_capacity(256);
    let mut serializer = Serializer::with_formatter(&mut out, PythonFormatter);
    value
        .serialize(&mut serializer)
        .expect("serialising JSON values into memory cannot fail");
    String::from_utf8(out).expect("ensure_ascii output is ASCII")
}

struct PythonFormatter;

/// Python's `item_separator`: `", "` before every item but the first.
fn item_separator<W: ?Sized + Write>(writer: &mut W, first: bool) -> io::Result<()> {
    if first {
        Ok(())
    } else {
        writer.write_all(b", ")
    }
}

impl Formatter for PythonFormatter {
    fn begin_array_value<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        item_separator(writer, first)
    }

    fn begin_object_key<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        item_separator(writer, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        writer.write_all(b": ")
    }

    fn write_f64<W: ?Sized + Write>(&mut self, writer: &mut W, value: f64) -> io::Result<()> {
        writer.write_all(python_float_repr(value).as_bytes())
    }

    fn write_f32<W: ?Sized + Write>(&mut self, writer: &mut W, value: f32) -> io::Result<()> {
        writer.write_all(python_float_repr(f64::from(value)).as_bytes())
    }

    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        // serde_json has already escaped quotes, backslashes and C0 controls
        // through `write_char_escape`; Python also escapes DEL and non-ASCII.
        let mut start = 0;
        for (index, c) in fragment.char_indices() {
            if c.is_ascii() && c != '\u{7f}' {
                continue;
            }
            writer.write_all(&fragment.as_bytes()[start..index])?;
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                write!(writer, "\\u{unit:04x}")?;
            }
            start = index + c.len_utf8();
        }
        writer.write_all(&fragment.as_bytes()[start..])
    }

    fn write_char_escape<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        escape: CharEscape,
    ) -> io::Result<()> {
        let text: &[u8] = match escape {
            CharEscape::Quote => b"\\\"",
            CharEscape::ReverseSolidus => b"\\\\",
            CharEscape::Solidus => b"/",
            CharEscape::Backspace => b"\\b",
            CharEscape::FormFeed => b"\\f",
            CharEscape::LineFeed => b"\\n",
            CharEscape::CarriageReturn => b"\\r",
            CharEscape::Tab => b"\\t",
            CharEscape::AsciiControl(byte) => return write!(writer, "\\u{byte:04x}"),
        };
        writer.write_all(text)
    }
}

/// Python's `repr(float)`: the shortest digits that round-trip (closest to
/// the exact value when several are shortest; ryu agrees with CPython here,
/// Rust's `{:e}` does not always), in fixed notation with a `.0` when the
/// decimal exponent is in `-4..16`, else `d.ddde+XX` with a signed exponent
/// of at least two digits.
fn python_float_repr(value: f64) -> String {
    if value.is_nan() {
        return "NaN".to_owned();
    }
    if value.is_infinite() {
        return if value > 0.0 { "Infinity" } else { "-Infinity" }.to_owned();
    }
    let sign = if value.is_sign_negative() { "-" } else { "" };
    if value == 0.0 {
        return format!("{sign}0.0");
    }
    let mut buffer = ryu::Buffer::new();
    let (digits, exponent) = shortest_digits(buffer.format_finite(value.abs()));
    if (-4..16).contains(&exponent) {
        let point = exponent + 1; // digits before the decimal point
        let text = if point <= 0 {
            format!("0.{}{digits}", "0".repeat(point.unsigned_abs() as usize))
        } else {
            let point = point.unsigned_abs() as usize;
            if digits.len() > point {
                format!("{}.{}", &digits[..point], &digits[point..])
            } else {
                format!("{digits}{}.0", "0".repeat(point - digits.len()))
            }
        };
        format!("{sign}{text}")
    } else {
        let mantissa = if digits.len() > 1 {
            format!("{}.{}", &digits[..1], &digits[1..])
        } else {
            digits
        };
        let exponent_sign = if exponent < 0 { '-' } else { '+' };
        format!(
            "{sign}{mantissa}e{exponent_sign}{:02}",
            exponent.unsigned_abs()
        )
    }
}

/// Split ryu's text of a positive, non-zero number (`"123.45"`,
/// `"0.0001"`, `"1.5e-7"`, `"1e16"`) into its significant digits and the
/// decimal exponent of the first digit.
fn shortest_digits(text: &str) -> (String, i32) {
    let (mantissa, exponent) = match text.split_once(['e', 'E']) {
        Some((mantissa, exponent)) => (
            mantissa,
            exponent.parse::<i32>().expect("ryu exponents are integers"),
        ),
        None => (text, 0),
    };
    let integer_len = mantissa.find('.').unwrap_or(mantissa.len());
    let all: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let leading_zeros = all.len() - all.trim_start_matches('0').len();
    let digits = all[leading_zeros..].trim_end_matches('0').to_owned();
    let integer_len = i32::try_from(integer_len).expect("short");
    let leading_zeros = i32::try_from(leading_zeros).expect("short");
    (digits, integer_len - leading_zeros - 1 + exponent)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn floats_like_python_repr() {
        let cases = [
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (1.0, "1.0"),
            (35.7, "35.7"),
            (0.1, "0.1"),
            (1e-4, "0.0001"),
            (1.5e-5, "1.5e-05"),
            (1e16, "1e+16"),
            (1.25e16, "1.25e+16"),
            (1e15, "1000000000000000.0"),
            (123_456.789, "123456.789"),
            (1e100, "1e+100"),
            (-2.5e-7, "-2.5e-07"),
        ];
        for (value, python) in cases {
            assert_eq!(python_float_repr(value), python, "{value}");
        }
    }

    #[test]
    fn separators_and_ascii_escapes() {
        let value = json!({"a": [1, 2.0, "Zo\u{eb} \u{5b89}\u{1f600}"], "b": null, "c": "q\"\\\n\u{1}\u{7f}/"});
        assert_eq!(
            to_python_json(&value),
            r#"{"a": [1, 2.0, "Zo\u00eb \u5b89\ud83d\ude00"], "b": null, "c": "q\"\\\n\u0001\u007f/"}"#
        );
    }
}
