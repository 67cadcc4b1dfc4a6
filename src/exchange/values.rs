//! Typed input of the address book, parsed at the edge.

use super::ExchangeError;
use crate::identity::values::Language;
use crate::said;
use crate::said::Said;

/// Longest name or organisation kept in the address book, in characters.
const MAX_TEXT: usize = 200;

fn text(raw: &str, what: &Said) -> Result<String, ExchangeError> {
    let t = raw.trim();
    if t.chars().count() > MAX_TEXT || t.chars().any(char::is_control) {
        return Err(ExchangeError::Invalid(Said::new(
            format!("{what} is at most {MAX_TEXT} characters, without control characters"),
            format!(
                "«{}» — не больше {MAX_TEXT} символов, без управляющих символов",
                what.in_lang(Language::Ru)
            ),
        )));
    }
    Ok(t.to_owned())
}

/// The name a holder gives a contact: 1 to 200 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactName(String);

impl ContactName {
    /// Trimmed, not empty, at most 200 characters.
    pub fn parse(raw: &str) -> Result<Self, ExchangeError> {
        let t = text(raw, &said!("a name", "имя"))?;
        if t.is_empty() {
            return Err(ExchangeError::Invalid(said!(
                "a contact needs a name",
                "контакту нужно имя"
            )));
        }
        Ok(Self(t))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A contact's organisation, or an invitation's note: at most 200 characters; empty is none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShortText(Option<String>);

impl ShortText {
    /// Trimmed; empty or absent means none.
    pub fn parse(raw: Option<&str>, what: &Said) -> Result<Self, ExchangeError> {
        let t = raw.map(|r| text(r, what)).transpose()?;
        Ok(Self(t.filter(|t| !t.is_empty())))
    }

    /// The text, if any.
    pub fn as_deref(&self) -> Option<&str> {
        self.0.as_deref()
    }
}

/// A sending's subject: 1 to 200 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject(String);

impl Subject {
    /// Trimmed, not empty, at most 200 characters.
    pub fn parse(raw: &str) -> Result<Self, ExchangeError> {
        let t = text(raw, &said!("a subject", "тема"))?;
        if t.is_empty() {
            return Err(ExchangeError::Invalid(said!(
                "a sending needs a subject",
                "отправлению нужна тема"
            )));
        }
        Ok(Self(t))
    }

    /// The subject.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Longest text of a sending, in characters.
const MAX_MESSAGE: usize = 20_000;

/// The text accompanying a sending: at most 20 000 characters; line breaks and tabs allowed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MessageText(String);

impl MessageText {
    /// Trimmed at the ends; other control characters refused.
    pub fn parse(raw: &str) -> Result<Self, ExchangeError> {
        let t = raw.trim();
        if t.chars().count() > MAX_MESSAGE
            || t.chars()
                .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        {
            return Err(ExchangeError::Invalid(said!(
                "the text is at most {MAX_MESSAGE} characters, without control characters \
                 other than line breaks and tabs",
                "текст — не больше {MAX_MESSAGE} символов, без управляющих символов, кроме переводов строки и табуляции"
            )));
        }
        Ok(Self(t.to_owned()))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The `Idempotency-Key` a client sends with a request it may retry: 1 to 200 visible ASCII
/// characters, chosen by the client (a UUID is typical).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    /// Visible ASCII, 1 to 200 characters.
    pub fn parse(raw: &str) -> Result<Self, ExchangeError> {
        if raw.is_empty() || raw.len() > 200 || !raw.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(ExchangeError::Invalid(said!(
                "Idempotency-Key is 1 to 200 visible ASCII characters",
                "Idempotency-Key — от 1 до 200 видимых символов ASCII"
            )));
        }
        Ok(Self(raw.to_owned()))
    }

    /// The key.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_bounded_and_not_empty() {
        assert_eq!(ContactName::parse("  Anna  ").unwrap().as_str(), "Anna");
        assert!(ContactName::parse("   ").is_err());
        assert!(ContactName::parse(&"я".repeat(201)).is_err());
        assert!(ContactName::parse(&"я".repeat(200)).is_ok());
        assert!(ContactName::parse("a\u{7}b").is_err());
        assert_eq!(
            ShortText::parse(Some("  "), &said!("x", "x"))
                .unwrap()
                .as_deref(),
            None
        );
        assert_eq!(
            ShortText::parse(None, &said!("x", "x")).unwrap().as_deref(),
            None
        );
        assert!(ShortText::parse(Some(&"x".repeat(201)), &said!("x", "x")).is_err());
    }

    #[test]
    fn sending_texts_and_keys_are_bounded() {
        assert_eq!(Subject::parse(" Contract ").unwrap().as_str(), "Contract");
        assert!(Subject::parse(" ").is_err());
        assert_eq!(
            MessageText::parse("line one\nline two\t.")
                .unwrap()
                .as_str(),
            "line one\nline two\t."
        );
        assert!(MessageText::parse("bell\u{7}").is_err());
        assert!(MessageText::parse(&"x".repeat(20_001)).is_err());
        assert!(IdempotencyKey::parse("3f1c-22").is_ok());
        assert!(IdempotencyKey::parse("").is_err());
        assert!(IdempotencyKey::parse("with space").is_err());
        assert!(IdempotencyKey::parse(&"k".repeat(201)).is_err());
    }
}
