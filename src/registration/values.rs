//! The registration vocabulary: ids, products, and the applicant's data.
//!
//! The applicant's identifiers (SNILS, INN, OGRN, KPP, passport) are normalised at the edge
//! and refused there only when they are not even the right characters; whether their check
//! digits and formats hold is a *background check* with a status the operator sees
//! (DESIGN §4), so a typo shows up on the desk instead of losing the applicant's input.

use super::RegistrationError;
use crate::identity::values::{Country, Language, NamePart};
use crate::said;
use crate::said::Said;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// An application's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(transparent)]
pub struct ApplicationId(pub Uuid);

/// A subscriber certificate's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(transparent)]
pub struct CertificateId(pub Uuid);

/// How the key comes to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Track {
    /// The key is born in the vault at activation.
    Cloud,
    /// The subscriber makes the key on their own token and sends a PKCS#10 request.
    OwnKey,
}

impl Track {
    /// Parse the stored spelling.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "cloud" => Some(Track::Cloud),
            "own_key" => Some(Track::OwnKey),
            _ => None,
        }
    }
}

/// Whose act a certificate's signatures are: a person's signature, or an organisation's seal
/// (which a folder agent may apply unattended with its machine credential and the seal's PIN).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    /// A person's electronic signature: always needs the person (PIN and one-time code).
    Signature,
    /// An organisation's electronic seal: names the organisation, not a person.
    Seal,
}

impl Purpose {
    /// Parse the stored spelling.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "signature" => Some(Purpose::Signature),
            "seal" => Some(Purpose::Seal),
            _ => None,
        }
    }
}

/// Qualified (identified in person) or simple (paper set, originals by post).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProductKind {
    /// Qualified electronic signature certificate.
    Qualified,
    /// Simple (non-qualified) certificate.
    Simple,
}

impl ProductKind {
    /// Parse the stored spelling.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "qualified" => Some(ProductKind::Qualified),
            "simple" => Some(ProductKind::Simple),
            _ => None,
        }
    }

    /// The profile's kind.
    pub fn certificate_kind(self) -> crate::pki::profile::CertificateKind {
        match self {
            ProductKind::Qualified => crate::pki::profile::CertificateKind::Qualified,
            ProductKind::Simple => crate::pki::profile::CertificateKind::Simple,
        }
    }
}

/// A catalogue entry.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Product {
    /// Stable code, e.g. `qualified-cloud`.
    pub code: String,
    /// Qualified or simple.
    pub kind: ProductKind,
    /// Cloud key or own key.
    pub track: Track,
    /// A person's signature or an organisation's seal.
    pub purpose: Purpose,
    /// Name in English.
    pub name_en: String,
    /// Name in Russian.
    pub name_ru: String,
    /// Price in minor units (kopecks, cents).
    pub price_minor: i64,
    /// ISO 4217 currency.
    pub currency: String,
    /// Whether it can be applied for (the public catalogue lists only these).
    pub on_sale: bool,
}

/// A point of issue, where applicants are identified.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PointOfIssue {
    /// Id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// Region.
    pub region: String,
    /// Address.
    pub address: String,
}

/// An individual, or an employee acting for an organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ApplicantKind {
    /// A private person.
    Individual,
    /// An employee of an organisation (the certificate names it).
    Employee,
}

impl ApplicantKind {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ApplicantKind::Individual => "individual",
            ApplicantKind::Employee => "employee",
        }
    }
}

/// The identity document presented.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    /// Passport of a citizen of the Russian Federation (series 4 digits, number 6 digits).
    RussianPassport,
    /// A foreign (or Russian international) passport.
    ForeignPassport,
}

/// An identity document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IdentityDocument {
    /// Which document.
    pub kind: DocumentKind,
    /// Series (Russian passports).
    #[serde(default)]
    pub series: Option<String>,
    /// Number.
    pub number: String,
    /// Date of issue.
    pub issued_on: NaiveDate,
    /// Issuing authority.
    pub issued_by: String,
    /// Code of the issuing unit (Russian passports, `123-456`).
    #[serde(default)]
    pub issuer_code: Option<String>,
}

/// The organisation an employee acts for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Organisation {
    /// Full name.
    pub name: String,
    /// INN of the legal entity (10 digits).
    pub inn: String,
    /// KPP.
    pub kpp: String,
    /// OGRN (13 digits).
    pub ogrn: String,
    /// The employee's position.
    pub position: String,
}

/// The applicant's data, as entered and normalised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Applicant {
    /// Individual or employee.
    pub kind: ApplicantKind,
    /// Surname.
    pub surname: String,
    /// Given name.
    pub given_name: String,
    /// Patronymic, if any.
    #[serde(default)]
    pub patronymic: Option<String>,
    /// Date of birth.
    pub birth_date: NaiveDate,
    /// Citizenship, ISO 3166 alpha-2.
    pub citizenship: String,
    /// Country of residence, ISO 3166 alpha-2.
    pub residence: String,
    /// Postal address abroad.
    #[serde(default)]
    pub address: Option<String>,
    /// СНИЛС (digits), required for qualified certificates.
    #[serde(default)]
    pub snils: Option<String>,
    /// ИНН of the individual (digits).
    #[serde(default)]
    pub inn: Option<String>,
    /// Identity document.
    pub document: IdentityDocument,
    /// The organisation (employees only).
    #[serde(default)]
    pub organisation: Option<Organisation>,
}

fn invalid(msg: Said) -> RegistrationError {
    RegistrationError::Invalid(msg)
}

/// An identifier with the separators people type dropped: digits only, or (`letters`) Latin
/// letters and digits; anything else refused.
fn identifier(
    raw: &str,
    field: &Said,
    max: usize,
    letters: bool,
) -> Result<String, RegistrationError> {
    let s: String = raw.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    let allowed = |c: char| c.is_ascii_digit() || (letters && c.is_ascii_alphabetic());
    if s.is_empty() || s.len() > max || !s.chars().all(allowed) {
        let (what, what_ru) = if letters {
            ("letters and digits", "букв и цифр")
        } else {
            ("digits", "цифр")
        };
        return Err(invalid(Said::new(
            format!("{field} holds at most {max} {what}"),
            format!(
                "«{}»: не больше {max} {what_ru}",
                field.in_lang(Language::Ru)
            ),
        )));
    }
    Ok(s.to_uppercase())
}

fn text(raw: &str, field: &Said, max: usize) -> Result<String, RegistrationError> {
    let s = raw.trim();
    if s.is_empty() || s.chars().count() > max || s.chars().any(char::is_control) {
        return Err(invalid(Said::new(
            format!("{field} is required and holds at most {max} characters"),
            format!(
                "«{}» нужно указать, не больше {max} символов",
                field.in_lang(Language::Ru)
            ),
        )));
    }
    Ok(s.to_owned())
}

fn country(raw: &str, field: &Said) -> Result<String, RegistrationError> {
    Country::parse(raw)
        .map(|c| c.as_str().to_owned())
        .map_err(|_| {
            invalid(Said::new(
                format!("{field} must be a two-letter ISO 3166 country code"),
                format!(
                    "«{}» — двухбуквенный код страны ISO 3166",
                    field.in_lang(Language::Ru)
                ),
            ))
        })
}

fn name(raw: &str, field: &Said) -> Result<String, RegistrationError> {
    NamePart::parse(raw, field)
        .map(|n| n.as_str().to_owned())
        .map_err(|e| invalid(e.0))
}

impl Applicant {
    /// The data checked for shape and normalised; `today` bounds the dates.
    pub fn normalise(self, today: NaiveDate) -> Result<Self, RegistrationError> {
        let age_years = today.years_since(self.birth_date).unwrap_or(0);
        if self.birth_date >= today || !(14..=120).contains(&age_years) {
            return Err(invalid(said!(
                "the date of birth must make the applicant 14 to 120 years old",
                "дата рождения должна давать заявителю от 14 до 120 лет"
            )));
        }
        if self.document.issued_on > today || self.document.issued_on < self.birth_date {
            return Err(invalid(said!(
                "the document's date of issue must lie between the birth date and today",
                "дата выдачи документа должна лежать между датой рождения и сегодняшним днём"
            )));
        }
        let organisation = match (self.kind, self.organisation) {
            (ApplicantKind::Individual, None) => None,
            (ApplicantKind::Individual, Some(_)) => {
                return Err(invalid(said!(
                    "an individual applies without an organisation",
                    "физическое лицо подаёт заявку без организации"
                )));
            }
            (ApplicantKind::Employee, None) => {
                return Err(invalid(said!(
                    "an employee's application names the organisation",
                    "в заявке сотрудника указывается организация"
                )));
            }
            (ApplicantKind::Employee, Some(o)) => Some(Organisation {
                name: text(
                    &o.name,
                    &said!("the organisation's name", "название организации"),
                    300,
                )?,
                inn: identifier(
                    &o.inn,
                    &said!("the organisation's INN", "ИНН организации"),
                    12,
                    false,
                )?,
                kpp: identifier(&o.kpp, &said!("the KPP", "КПП"), 9, true)?,
                ogrn: identifier(&o.ogrn, &said!("the OGRN", "ОГРН"), 15, false)?,
                position: text(&o.position, &said!("the position", "должность"), 200)?,
            }),
        };
        let d = self.document;
        let document = IdentityDocument {
            kind: d.kind,
            series: d
                .series
                .filter(|s| !s.trim().is_empty())
                .map(|s| {
                    identifier(
                        &s,
                        &said!("the document series", "серия документа"),
                        10,
                        true,
                    )
                })
                .transpose()?,
            number: identifier(
                &d.number,
                &said!("the document number", "номер документа"),
                20,
                true,
            )?,
            issued_on: d.issued_on,
            issued_by: text(
                &d.issued_by,
                &said!("the issuing authority", "кем выдан"),
                300,
            )?,
            issuer_code: d
                .issuer_code
                .filter(|s| !s.trim().is_empty())
                .map(|s| text(&s, &said!("the issuer code", "код подразделения"), 7))
                .transpose()?,
        };
        Ok(Self {
            kind: self.kind,
            surname: name(&self.surname, &said!("surname", "фамилия"))?,
            given_name: name(&self.given_name, &said!("given name", "имя"))?,
            patronymic: self
                .patronymic
                .filter(|p| !p.trim().is_empty())
                .map(|p| name(&p, &said!("patronymic", "отчество")))
                .transpose()?,
            birth_date: self.birth_date,
            citizenship: country(&self.citizenship, &said!("citizenship", "гражданство"))?,
            residence: country(&self.residence, &said!("residence", "страна проживания"))?,
            address: self
                .address
                .filter(|a| !a.trim().is_empty())
                .map(|a| text(&a, &said!("the address", "адрес"), 500))
                .transpose()?,
            snils: self
                .snils
                .filter(|s| !s.trim().is_empty())
                .map(|s| identifier(&s, &said!("SNILS", "СНИЛС"), 11, false))
                .transpose()?,
            inn: self
                .inn
                .filter(|s| !s.trim().is_empty())
                .map(|s| identifier(&s, &said!("INN", "ИНН"), 12, false))
                .transpose()?,
            document,
            organisation,
        })
    }

    /// "Surname Given Patronymic", as the desk searches and documents print it.
    pub fn full_name(&self) -> String {
        let mut s = format!("{} {}", self.surname, self.given_name);
        if let Some(p) = &self.patronymic {
            s.push(' ');
            s.push_str(p);
        }
        s
    }
}
