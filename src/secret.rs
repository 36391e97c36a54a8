//! The API token as a secret type: it cannot be printed by accident.

use std::fmt;

use crate::error::{Error, Result};

/// A KnowBe4 reporting API token. `Debug` and `Display` never show it; the
/// only way to read it is [`Token::expose`], used where the
/// `Authorization` header is built.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    /// Check and wrap a token. Refused, naming the input `token`: an empty
    /// token, or one with whitespace or control characters (they would break
    /// or inject into the `Authorization` header). Nothing is trimmed: a token
    /// the user gave is used exactly as given or not at all.
    pub fn new(token: impl Into<String>) -> Result<Token> {
        let token = token.into();
        if token.is_empty() {
            return Err(Error::invalid_input("token", "the token is empty"));
        }
        if let Some(position) = token.chars().position(char::is_control) {
            return Err(Error::invalid_input(
                "token",
                format!("the token has a control character at position {position}"),
            ));
        }
        if let Some(position) = token.chars().position(char::is_whitespace) {
            return Err(Error::invalid_input(
                "token",
                format!("the token has whitespace at position {position}; paste it without spaces or line breaks"),
            ));
        }
        Ok(Token(token))
    }

    /// The secret itself. Call sites must not log or format what they get.
    #[must_use]
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_hide_the_token() {
        let token = Token::new("s3cr3t-value").unwrap();
        assert_eq!(format!("{token:?}"), "Token(<redacted>)");
        assert_eq!(token.to_string(), "<redacted>");
        assert_eq!(token.expose(), "s3cr3t-value");
    }

    #[test]
    fn refuses_empty_control_and_whitespace() {
        for bad in ["", "abc\ndef", "abc\r", "a\u{0}b", " abc", "abc ", "a b"] {
            let err = Token::new(bad).unwrap_err();
            assert_eq!(err.input(), Some("token"), "{bad:?}");
            assert!(
                !err.to_string().contains("abc"),
                "error echoes the token: {err}"
            );
        }
    }
}
