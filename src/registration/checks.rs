//! Background checks of an application's data, re-run on every save (DESIGN §4). Each has a
//! status, a message fit for the operator, and the time it ran; identification waits until
//! every one has passed.

use super::values::{Applicant, ApplicantKind, DocumentKind, ProductKind};
use crate::pki::identifiers::{Inn, Kpp, Ogrn, Snils};
use crate::said;
use crate::said::Said;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A check's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    /// The data satisfies it.
    Passed,
    /// It does not; the message says what to fix.
    Failed,
    /// It does not apply to this application (an individual has no KPP).
    NotApplicable,
}

impl CheckStatus {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            CheckStatus::Passed => "passed",
            CheckStatus::Failed => "failed",
            CheckStatus::NotApplicable => "not_applicable",
        }
    }

    /// Parse the stored spelling.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "passed" => Some(CheckStatus::Passed),
            "failed" => Some(CheckStatus::Failed),
            "not_applicable" => Some(CheckStatus::NotApplicable),
            _ => None,
        }
    }
}

/// One check's outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// Stable name, e.g. `snils_checksum`.
    pub name: &'static str,
    /// Outcome.
    pub status: CheckStatus,
    /// For the operator and the applicant, in each language.
    pub message: Said,
}

pub(super) fn outcome(name: &'static str, result: Result<Said, Said>) -> Outcome {
    match result {
        Ok(message) => Outcome {
            name,
            status: CheckStatus::Passed,
            message,
        },
        Err(message) => Outcome {
            name,
            status: CheckStatus::Failed,
            message,
        },
    }
}

pub(super) fn not_applicable(name: &'static str, why: Said) -> Outcome {
    Outcome {
        name,
        status: CheckStatus::NotApplicable,
        message: why,
    }
}

fn snils(a: &Applicant, kind: ProductKind) -> Outcome {
    const NAME: &str = "snils_checksum";
    match (&a.snils, kind) {
        (None, ProductKind::Qualified) => outcome(
            NAME,
            Err(said!(
                "SNILS is required for a qualified certificate",
                "для квалифицированного сертификата нужен СНИЛС"
            )),
        ),
        (None, ProductKind::Simple) => {
            not_applicable(NAME, said!("no SNILS given", "СНИЛС не указан"))
        }
        (Some(s), _) => outcome(
            NAME,
            Snils::parse(s)
                .map(|_| said!("the check digits match", "контрольные цифры совпадают"))
                .map_err(|e| e.said()),
        ),
    }
}

fn personal_inn(a: &Applicant) -> Outcome {
    const NAME: &str = "inn_checksum";
    match &a.inn {
        None => not_applicable(NAME, said!("no INN given", "ИНН не указан")),
        Some(s) => outcome(
            NAME,
            Inn::parse(s).map_err(|e| e.said()).and_then(|i| {
                if i.is_legal_entity() {
                    Err(said!(
                        "an individual's INN has 12 digits",
                        "ИНН физического лица состоит из 12 цифр"
                    ))
                } else {
                    Ok(said!(
                        "the check digits match",
                        "контрольные цифры совпадают"
                    ))
                }
            }),
        ),
    }
}

fn passport(a: &Applicant) -> Outcome {
    let d = &a.document;
    let all_digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    let result = match d.kind {
        DocumentKind::RussianPassport => {
            let series_ok = d.series.as_deref().is_some_and(|s| all_digits(s, 4));
            let code_ok = d.issuer_code.as_deref().is_some_and(|c| {
                let b = c.as_bytes();
                b.len() == 7 && b[3] == b'-' && b[..3].iter().chain(&b[4..]).all(u8::is_ascii_digit)
            });
            if !series_ok || !all_digits(&d.number, 6) {
                Err(said!(
                    "a Russian passport has a 4-digit series and a 6-digit number",
                    "у паспорта РФ серия из 4 цифр и номер из 6 цифр"
                ))
            } else if !code_ok {
                Err(said!(
                    "the issuing unit's code must look like 123-456",
                    "код подразделения должен выглядеть как 123-456"
                ))
            } else {
                Ok(said!(
                    "series, number and unit code are well formed",
                    "серия, номер и код подразделения в верном формате"
                ))
            }
        }
        DocumentKind::ForeignPassport => {
            if (5..=20).contains(&d.number.len()) {
                Ok(said!("the number is well formed", "номер в верном формате"))
            } else {
                Err(said!(
                    "a passport number has 5 to 20 letters and digits",
                    "номер паспорта — от 5 до 20 букв и цифр"
                ))
            }
        }
    };
    outcome("passport_format", result)
}

fn organisation(a: &Applicant) -> [Outcome; 3] {
    let Some(o) = a
        .organisation
        .as_ref()
        .filter(|_| a.kind == ApplicantKind::Employee)
    else {
        let why = || {
            said!(
                "an individual has no organisation",
                "у физического лица нет организации"
            )
        };
        return [
            not_applicable("org_inn_checksum", why()),
            not_applicable("kpp_format", why()),
            not_applicable("ogrn_checksum", why()),
        ];
    };
    let inn = Inn::parse(&o.inn).map_err(|e| e.said()).and_then(|i| {
        if i.is_legal_entity() {
            Ok(said!(
                "the check digit matches",
                "контрольная цифра совпадает"
            ))
        } else {
            Err(said!(
                "a legal entity's INN has 10 digits",
                "ИНН юридического лица состоит из 10 цифр"
            ))
        }
    });
    let kpp = Kpp::parse(&o.kpp)
        .map(|_| said!("well formed", "формат верен"))
        .map_err(|e| e.said());
    let ogrn = Ogrn::parse(&o.ogrn).map_err(|e| e.said()).and_then(|g| {
        if g.as_str().len() == 13 {
            Ok(said!(
                "the check digit matches",
                "контрольная цифра совпадает"
            ))
        } else {
            Err(said!(
                "an organisation's OGRN has 13 digits",
                "ОГРН организации состоит из 13 цифр"
            ))
        }
    });
    [
        outcome("org_inn_checksum", inn),
        outcome("kpp_format", kpp),
        outcome("ogrn_checksum", ogrn),
    ]
}

/// Every check that needs nothing but the data itself.
pub fn run(a: &Applicant, kind: ProductKind) -> Vec<Outcome> {
    let mut out = vec![snils(a, kind), personal_inn(a), passport(a)];
    out.extend(organisation(a));
    out
}

/// The key of a Russian passport in the invalid-passports list (series × 10^6 + number), when
/// the document is one and well formed.
pub fn passport_key(a: &Applicant) -> Option<i64> {
    let d = &a.document;
    if d.kind != DocumentKind::RussianPassport {
        return None;
    }
    let series = d.series.as_deref()?;
    if series.len() != 4 || d.number.len() != 6 {
        return None;
    }
    format!("{series}{}", d.number).parse().ok()
}

/// The outcome of the invalid-passports lookup: `listed` is the lookup's answer (none when the
/// document is not a well-formed Russian passport), `imported` when the list in force was loaded.
pub fn passport_list(
    a: &Applicant,
    listed: Option<bool>,
    imported: Option<chrono::DateTime<chrono::Utc>>,
) -> Outcome {
    const NAME: &str = "passport_not_invalid";
    if a.document.kind != DocumentKind::RussianPassport {
        return not_applicable(
            NAME,
            said!(
                "the list covers Russian passports only",
                "список охватывает только паспорта РФ"
            ),
        );
    }
    let result = match (listed, imported) {
        (None, _) => Err(said!(
            "the passport number is not well formed",
            "номер паспорта в неверном формате"
        )),
        (Some(_), None) => Err(said!(
            "the list of invalid passports has never been imported; an administrator runs \
             cloudseal registry import-passports",
            "список недействительных паспортов ни разу не загружался; администратор выполняет cloudseal registry import-passports"
        )),
        (Some(true), Some(_)) => Err(said!(
            "the passport is in the MVD list of invalid passports",
            "паспорт есть в списке недействительных паспортов МВД"
        )),
        (Some(false), Some(t)) => {
            let at = t.format("%Y-%m-%d %H:%M UTC");
            Ok(said!(
                "not in the list of invalid passports imported {at}",
                "нет в списке недействительных паспортов, загруженном {at}"
            ))
        }
    };
    outcome(NAME, result)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::registration::values::IdentityDocument;
    use chrono::NaiveDate;

    fn applicant() -> Applicant {
        Applicant {
            kind: ApplicantKind::Individual,
            surname: "Ivanova".into(),
            given_name: "Anna".into(),
            patronymic: None,
            birth_date: NaiveDate::from_ymd_opt(1990, 1, 2).unwrap(),
            citizenship: "RU".into(),
            residence: "DE".into(),
            address: None,
            snils: Some("11223344595".into()),
            inn: None,
            document: IdentityDocument {
                kind: DocumentKind::RussianPassport,
                series: Some("4509".into()),
                number: "123456".into(),
                issued_on: NaiveDate::from_ymd_opt(2015, 3, 4).unwrap(),
                issued_by: "OVD".into(),
                issuer_code: Some("770-001".into()),
            },
            organisation: None,
        }
    }

    fn status(out: &[Outcome], name: &str) -> CheckStatus {
        out.iter().find(|o| o.name == name).unwrap().status
    }

    #[test]
    fn a_sound_individual_passes_and_organisation_checks_do_not_apply() {
        let out = run(&applicant(), ProductKind::Qualified);
        assert_eq!(status(&out, "snils_checksum"), CheckStatus::Passed);
        assert_eq!(status(&out, "passport_format"), CheckStatus::Passed);
        assert_eq!(status(&out, "kpp_format"), CheckStatus::NotApplicable);
    }

    #[test]
    fn a_wrong_snils_digit_fails_and_a_missing_one_fails_only_for_qualified() {
        let mut a = applicant();
        a.snils = Some("11223344596".into());
        assert_eq!(
            status(&run(&a, ProductKind::Simple), "snils_checksum"),
            CheckStatus::Failed
        );
        a.snils = None;
        assert_eq!(
            status(&run(&a, ProductKind::Qualified), "snils_checksum"),
            CheckStatus::Failed
        );
        assert_eq!(
            status(&run(&a, ProductKind::Simple), "snils_checksum"),
            CheckStatus::NotApplicable
        );
    }

    #[test]
    fn a_russian_passport_needs_series_number_and_unit_code() {
        let mut a = applicant();
        a.document.number = "12345".into();
        assert_eq!(
            status(&run(&a, ProductKind::Simple), "passport_format"),
            CheckStatus::Failed
        );
        let mut a = applicant();
        a.document.issuer_code = Some("770001".into());
        assert_eq!(
            status(&run(&a, ProductKind::Simple), "passport_format"),
            CheckStatus::Failed
        );
    }
}
