//! Russian registry identifiers, parsed at the edge into typed values with their checksums
//! checked, so a mistyped number is refused where it is typed — not discovered by a registry
//! days later. Each keeps its canonical digits-only form.

use crate::identity::values::Language;
use crate::said;
use crate::said::Said;
use std::fmt;

/// Which identifier a refusal is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// СНИЛС.
    Snils,
    /// ИНН.
    Inn,
    /// ОГРН or ОГРНИП.
    Ogrn,
    /// КПП.
    Kpp,
}

impl Kind {
    fn name(self) -> Said {
        match self {
            Kind::Snils => said!("SNILS", "СНИЛС"),
            Kind::Inn => said!("INN", "ИНН"),
            Kind::Ogrn => said!("OGRN", "ОГРН"),
            Kind::Kpp => said!("KPP", "КПП"),
        }
    }

    fn expected(self) -> Said {
        match self {
            Kind::Snils => said!("11 digits", "11 цифр"),
            Kind::Inn => said!(
                "10 digits (organisation) or 12 digits (individual)",
                "10 цифр (организация) или 12 цифр (физическое лицо)"
            ),
            Kind::Ogrn => said!(
                "13 digits (OGRN) or 15 digits (OGRNIP)",
                "13 цифр (ОГРН) или 15 цифр (ОГРНИП)"
            ),
            Kind::Kpp => said!(
                "9 characters: 4 digits, 2 digits or capital letters, 3 digits",
                "9 символов: 4 цифры, 2 цифры или заглавные буквы, 3 цифры"
            ),
        }
    }
}

/// Why an identifier was refused; the message is fit to show the person who typed it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdentifierError {
    /// Wrong length or characters.
    #[error("{} must be {}", .0.name(), .0.expected())]
    Format(Kind),
    /// The control digits do not match.
    #[error("{} has a wrong check digit; please check the number", .0.name())]
    Checksum(Kind),
}

impl IdentifierError {
    /// The refusal in words for the person who typed the number, in each language.
    pub fn said(&self) -> Said {
        let ru = |s: Said| s.in_lang(Language::Ru).to_owned();
        match *self {
            IdentifierError::Format(kind) => Said::new(
                self.to_string(),
                format!("{}: нужно {}", ru(kind.name()), ru(kind.expected())),
            ),
            IdentifierError::Checksum(kind) => Said::new(
                self.to_string(),
                format!(
                    "{}: неверная контрольная цифра; проверьте номер",
                    ru(kind.name())
                ),
            ),
        }
    }
}

fn digits(input: &str, kind: Kind, lengths: &[usize]) -> Result<Vec<u32>, IdentifierError> {
    let cleaned: String = input.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    let out: Option<Vec<u32>> = cleaned.chars().map(|c| c.to_digit(10)).collect();
    match out {
        Some(d) if lengths.contains(&d.len()) => Ok(d),
        _ => Err(IdentifierError::Format(kind)),
    }
}

fn weighted(d: &[u32], weights: &[u32]) -> u32 {
    d.iter().zip(weights).map(|(a, b)| a * b).sum()
}

fn text(d: &[u32]) -> String {
    d.iter().map(|n| char::from(b'0' + *n as u8)).collect()
}

/// Insurance number of an individual (СНИЛС), 11 digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Snils(String);

impl Snils {
    /// Parse `123-456-789 64` or `12345678964`.
    pub fn parse(input: &str) -> Result<Self, IdentifierError> {
        let d = digits(input, Kind::Snils, &[11])?;
        let body = &d[..9];
        let control = d[9] * 10 + d[10];
        // Numbers up to 001-001-998 were issued before check digits existed.
        let number: u64 = body.iter().fold(0, |n, x| n * 10 + *x as u64);
        if number > 1_001_998 {
            let sum = weighted(body, &[9, 8, 7, 6, 5, 4, 3, 2, 1]);
            let expected = match sum {
                s if s < 100 => s,
                100 | 101 => 0,
                s => match s % 101 {
                    100 => 0,
                    r => r,
                },
            };
            if expected != control {
                return Err(IdentifierError::Checksum(Kind::Snils));
            }
        }
        Ok(Self(text(&d)))
    }
    /// The 11 digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Taxpayer number (ИНН): 10 digits for an organisation, 12 for an individual.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Inn(String);

impl Inn {
    /// Parse either form, checking its control digits.
    pub fn parse(input: &str) -> Result<Self, IdentifierError> {
        let d = digits(input, Kind::Inn, &[10, 12])?;
        let check = |n: &[u32], w: &[u32]| weighted(n, w) % 11 % 10;
        let ok = if d.len() == 10 {
            check(&d[..9], &[2, 4, 10, 3, 5, 9, 4, 6, 8]) == d[9]
        } else {
            check(&d[..10], &[7, 2, 4, 10, 3, 5, 9, 4, 6, 8]) == d[10]
                && check(&d[..11], &[3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8]) == d[11]
        };
        if !ok {
            return Err(IdentifierError::Checksum(Kind::Inn));
        }
        Ok(Self(text(&d)))
    }
    /// True for the 10-digit number of a legal entity.
    pub fn is_legal_entity(&self) -> bool {
        self.0.len() == 10
    }
    /// The digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// State registration number (ОГРН, 13 digits; ОГРНИП of a sole proprietor, 15 digits).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Ogrn(String);

impl Ogrn {
    /// Parse either form, checking its control digit.
    pub fn parse(input: &str) -> Result<Self, IdentifierError> {
        let d = digits(input, Kind::Ogrn, &[13, 15])?;
        let (body, modulus) = if d.len() == 13 {
            (&d[..12], 11u64)
        } else {
            (&d[..14], 13u64)
        };
        let number: u64 = body.iter().fold(0, |n, x| n * 10 + *x as u64);
        if (number % modulus % 10) as u32 != d[d.len() - 1] {
            return Err(IdentifierError::Checksum(Kind::Ogrn));
        }
        Ok(Self(text(&d)))
    }
    /// The digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Tax registration reason code (КПП): 4 digits, 2 digits or capital letters, 3 digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Kpp(String);

impl Kpp {
    /// Parse; there is no check digit, only the format.
    pub fn parse(input: &str) -> Result<Self, IdentifierError> {
        let s = input.trim();
        let b = s.as_bytes();
        let ok = b.len() == 9
            && b[..4].iter().all(u8::is_ascii_digit)
            && b[4..6]
                .iter()
                .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
            && b[6..].iter().all(u8::is_ascii_digit);
        if !ok {
            return Err(IdentifierError::Format(Kind::Kpp));
        }
        Ok(Self(s.to_owned()))
    }
    /// The code.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

macro_rules! display {
    ($($t:ty),*) => {$(
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    )*};
}
display!(Snils, Inn, Ogrn, Kpp);
