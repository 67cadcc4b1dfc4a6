//! Typed values parsed at the edge: once a handler holds an [`Email`] or a [`Phone`], every
//! service below may rely on its form. Each refusal says what is wrong in words a person can act
//! on, and never echoes a secret.

use crate::said;
use crate::said::Said;
use serde::{Deserialize, Serialize};
use std::fmt;
use uuid::Uuid;

/// Why a value was refused; the text is safe to show.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct InvalidValue(pub Said);

fn invalid(what: Said) -> InvalidValue {
    InvalidValue(what)
}

/// An account's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AccountId(pub Uuid);

impl fmt::Display for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A session's id (one login on one device).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SessionId(pub Uuid);

impl fmt::Display for SessionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// What an account may do; the one list every capability is derived from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A person who holds certificates and signs.
    Subscriber,
    /// An employee of a partner organisation who identifies applicants.
    PartnerAgent,
    /// A certification-authority operator at a point of issue.
    Operator,
    /// Reads and exports the audit trail.
    Auditor,
    /// Manages staff, partners and locks.
    Admin,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 5] = [
        Role::Subscriber,
        Role::PartnerAgent,
        Role::Operator,
        Role::Auditor,
        Role::Admin,
    ];

    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Subscriber => "subscriber",
            Role::PartnerAgent => "partner_agent",
            Role::Operator => "operator",
            Role::Auditor => "auditor",
            Role::Admin => "admin",
        }
    }

    /// Parse the stored spelling.
    pub fn parse(s: &str) -> Option<Role> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Employees of the certification authority.
    pub fn is_staff(self) -> bool {
        matches!(self, Role::Operator | Role::Auditor | Role::Admin)
    }
}

/// An email address, lower-cased (addresses are compared without case).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    /// Parse a typed address: one `@`, a dotted domain, no spaces, at most 254 characters.
    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        let s = raw.trim().to_lowercase();
        let bad = || {
            invalid(said!(
                "The email address is not valid.",
                "Адрес электронной почты неверен."
            ))
        };
        if s.len() > 254 || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(bad());
        }
        let (local, domain) = s.split_once('@').ok_or_else(bad)?;
        if local.is_empty()
            || local.len() > 64
            || domain.contains('@')
            || !domain.contains('.')
            || domain.starts_with(['.', '-'])
            || domain.ends_with(['.', '-'])
            || domain.contains("..")
            || !domain
                .chars()
                .all(|c| c.is_alphanumeric() || c == '.' || c == '-')
        {
            return Err(bad());
        }
        Ok(Self(s))
    }

    /// The address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A phone number in E.164 (`+` and 8–15 digits); spaces, dashes and brackets are dropped.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Phone(String);

impl Phone {
    /// Parse a typed number.
    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        let s: String = raw
            .trim()
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '(' | ')'))
            .collect();
        let bad = || {
            invalid(said!(
                "The phone number must be in international form, like +4915112345678.",
                "Номер телефона нужен в международном виде, например +4915112345678."
            ))
        };
        let digits = s.strip_prefix('+').ok_or_else(bad)?;
        if !(8..=15).contains(&digits.len())
            || !digits.chars().all(|c| c.is_ascii_digit())
            || digits.starts_with('0')
        {
            return Err(bad());
        }
        Ok(Self(s))
    }

    /// The number.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The number with all but the last two digits hidden, for messages and lists.
    pub fn masked(&self) -> String {
        let keep = self.0.len().saturating_sub(2);
        format!("+{}{}", "•".repeat(keep.saturating_sub(1)), &self.0[keep..])
    }
}

/// A country of residence: ISO 3166-1 alpha-2, upper-cased.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Country(String);

impl Country {
    /// Parse two letters.
    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        let s = raw.trim().to_ascii_uppercase();
        if s.len() != 2 || !s.chars().all(|c| c.is_ascii_uppercase()) {
            return Err(invalid(said!(
                "The country must be a two-letter ISO 3166 code, like DE.",
                "Страна — двухбуквенный код ISO 3166, например DE."
            )));
        }
        Ok(Self(s))
    }

    /// The code.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The language messages are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    /// English.
    #[default]
    En,
    /// Russian.
    Ru,
}

impl Language {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Ru => "ru",
        }
    }

    /// Parse the stored spelling.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "en" => Some(Language::En),
            "ru" => Some(Language::Ru),
            _ => None,
        }
    }
}

/// A part of a person's name: letters of any script, spaces, hyphens, apostrophes and dots;
/// 1–100 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamePart(String);

impl NamePart {
    /// Parse one part; `field` names it in the refusal.
    pub fn parse(raw: &str, field: &Said) -> Result<Self, InvalidValue> {
        let s = raw.trim();
        let count = s.chars().count();
        if count == 0 || count > 100 {
            return Err(invalid(Said::new(
                format!("The {} must have 1 to 100 characters.", field.en()),
                format!(
                    "Поле «{}» должно содержать от 1 до 100 символов.",
                    field.in_lang(Language::Ru)
                ),
            )));
        }
        if !s
            .chars()
            .all(|c| c.is_alphabetic() || matches!(c, ' ' | '-' | '\'' | '.' | '’'))
        {
            return Err(invalid(Said::new(
                format!(
                    "The {} may hold only letters, spaces, hyphens and apostrophes.",
                    field.en()
                ),
                format!(
                    "Поле «{}» может содержать только буквы, пробелы, дефисы и апострофы.",
                    field.in_lang(Language::Ru)
                ),
            )));
        }
        Ok(Self(s.to_owned()))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A new password that meets the policy (NIST SP 800-63B: length over composition rules).
pub struct NewPassword(zeroize::Zeroizing<String>);

impl fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewPassword(..)")
    }
}

impl NewPassword {
    /// Check a chosen password: 10 to 128 characters, not one repeated character, and not the
    /// account's email.
    pub fn parse(raw: &str, email: &Email) -> Result<Self, InvalidValue> {
        let count = raw.chars().count();
        if !(10..=128).contains(&count) {
            return Err(invalid(said!(
                "The password must have 10 to 128 characters.",
                "Пароль должен содержать от 10 до 128 символов."
            )));
        }
        let mut chars = raw.chars();
        let first = chars.next();
        if chars.all(|c| Some(c) == first) {
            return Err(invalid(said!(
                "The password must not repeat one character.",
                "Пароль не может состоять из одного повторенного символа."
            )));
        }
        if raw.trim().to_lowercase() == email.as_str() {
            return Err(invalid(said!(
                "The password must not be the email address.",
                "Пароль не может совпадать с адресом электронной почты."
            )));
        }
        Ok(Self(zeroize::Zeroizing::new(raw.to_owned())))
    }

    /// A password already in use, hashed again at today's cost (no policy: it was accepted
    /// when chosen).
    pub(crate) fn rehash(current: &super::password::Password) -> Self {
        Self(current.0.clone())
    }

    /// The text, for hashing only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_refuses() {
        assert_eq!(
            Email::parse(" Anna@Example.DE ").map(|e| e.0),
            Ok("anna@example.de".into())
        );
        for bad in [
            "anna",
            "anna@",
            "@example.de",
            "a b@example.de",
            "anna@example",
            "a@b..de",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            Phone::parse("+49 (151) 123-45678").map(|p| p.0),
            Ok("+4915112345678".into())
        );
        for bad in [
            "4915112345678",
            "+0151123456",
            "+49151",
            "+49 151 1234 5678 90123",
            "+49a5112345",
        ] {
            assert!(Phone::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            Phone::parse("+4915112345678").map(|p| p.masked()),
            Ok("+•••••••••••78".into())
        );
        assert_eq!(Country::parse("de").map(|c| c.0), Ok("DE".into()));
        assert!(Country::parse("DEU").is_err());
        let surname = said!("surname", "фамилия");
        assert!(NamePart::parse("Иванова-Петрова", &surname).is_ok());
        assert!(NamePart::parse("O'Brien", &surname).is_ok());
        assert!(NamePart::parse("R2D2", &surname).is_err());
        assert!(NamePart::parse("  ", &surname).is_err());
        let email = Email::parse("anna@example.de").unwrap();
        assert!(NewPassword::parse("short", &email).is_err());
        assert!(NewPassword::parse("aaaaaaaaaaaa", &email).is_err());
        assert!(NewPassword::parse("Anna@Example.de", &email).is_err());
        assert!(NewPassword::parse("correct horse battery", &email).is_ok());
    }
}
