//! The registry gateway's wire format, version 1: JSON over HTTPS with a bearer token.
//!
//! - `POST /v1/snils/verify` — [`SnilsQuery`] → [`SnilsAnswer`]
//! - `POST /v1/inn/by-passport` — [`InnQuery`] → [`InnAnswer`]
//! - `GET /v1/legal-entities/{ogrn}` — [`LegalEntity`], or 404 when the register has none

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A person as the registries know them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonQuery {
    /// Surname.
    pub surname: String,
    /// Given name.
    pub given_name: String,
    /// Patronymic, if any.
    #[serde(default)]
    pub patronymic: Option<String>,
    /// Date of birth.
    pub birth_date: NaiveDate,
}

/// Does this SNILS belong to this person?
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SnilsQuery {
    /// SNILS, 11 digits.
    pub snils: String,
    /// The person.
    #[serde(flatten)]
    pub person: PersonQuery,
}

/// The SNILS register's answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SnilsAnswer {
    /// True when the SNILS is registered to the person named.
    pub matches: bool,
}

/// Which INN does the holder of this Russian passport have?
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InnQuery {
    /// The person.
    #[serde(flatten)]
    pub person: PersonQuery,
    /// Passport series, 4 digits.
    pub series: String,
    /// Passport number, 6 digits.
    pub number: String,
    /// Date of issue.
    pub issued_on: NaiveDate,
}

/// The tax service's answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InnAnswer {
    /// The INN, when the person has one.
    pub inn: Option<String>,
}

/// An organisation's state in the register of legal entities.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EntityStatus {
    /// Operating.
    Active,
    /// Being wound up.
    Liquidating,
    /// Struck off.
    Liquidated,
}

/// The person who may act for an organisation without a power of attorney.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Head {
    /// Full name.
    pub name: String,
    /// Position.
    pub position: String,
}

/// An extract from the register of legal entities.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct LegalEntity {
    /// OGRN.
    pub ogrn: String,
    /// INN.
    pub inn: String,
    /// KPP.
    pub kpp: String,
    /// Full name.
    pub full_name: String,
    /// Short name.
    pub short_name: String,
    /// Registered address.
    pub address: String,
    /// Whether it operates.
    pub status: EntityStatus,
    /// Its head.
    pub head: Head,
    /// When the extract was made.
    pub extract_date: NaiveDate,
}
