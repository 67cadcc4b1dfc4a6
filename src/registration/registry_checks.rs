//! The checks that ask the state registries: the SNILS belongs to the applicant, the INN is
//! the one the tax service has for their passport, and the organisation's register extract
//! (active, the INN and KPP entered). They are asked before the application's transaction
//! opens, so a slow registry never holds a row lock; a registry that cannot answer makes its
//! check fail with the reason, never pass.

use super::Registration;
use super::checks::{Outcome, not_applicable, outcome};
use super::values::{Applicant, ApplicantKind, DocumentKind};
use crate::registries::RegistriesError;
use crate::registries::wire::{EntityStatus, InnQuery, LegalEntity, PersonQuery, SnilsQuery};
use crate::said;
use crate::said::Said;

/// What the registries said about an applicant.
#[derive(Debug)]
pub(super) struct Findings {
    pub(super) outcomes: Vec<Outcome>,
    /// The organisation's extract, for the operator to review.
    pub(super) extract: Option<LegalEntity>,
}

fn person(a: &Applicant) -> PersonQuery {
    PersonQuery {
        surname: a.surname.clone(),
        given_name: a.given_name.clone(),
        patronymic: a.patronymic.clone(),
        birth_date: a.birth_date,
    }
}

fn unavailable(e: &RegistriesError) -> Said {
    said!(
        "{e}; run the checks again later",
        "реестр не ответил ({e}); повторите проверки позже"
    )
}

impl Registration {
    /// Ask the registries about `a`.
    pub(super) async fn consult_registries(&self, a: &Applicant) -> Findings {
        let r = &self.0.registries;
        let snils = match &a.snils {
            None => not_applicable("snils_owner", said!("no SNILS given", "СНИЛС не указан")),
            Some(snils) => {
                let q = SnilsQuery {
                    snils: snils.clone(),
                    person: person(a),
                };
                snils_owner(r.snils_matches(&q).await)
            }
        };
        let inn = match (&a.document.kind, &a.document.series) {
            (DocumentKind::RussianPassport, Some(series)) => {
                let q = InnQuery {
                    person: person(a),
                    series: series.clone(),
                    number: a.document.number.clone(),
                    issued_on: a.document.issued_on,
                };
                inn_by_passport(a.inn.as_deref(), r.inn_by_passport(&q).await)
            }
            _ => not_applicable(
                "inn_by_passport",
                said!(
                    "the tax service finds INNs by Russian passport only",
                    "налоговая служба находит ИНН только по паспорту РФ"
                ),
            ),
        };
        let (entity, extract) = match a
            .organisation
            .as_ref()
            .filter(|_| a.kind == ApplicantKind::Employee)
        {
            None => (
                not_applicable(
                    "legal_entity_extract",
                    said!(
                        "an individual has no organisation",
                        "у физического лица нет организации"
                    ),
                ),
                None,
            ),
            Some(o) => {
                let answer = r.legal_entity(&o.ogrn).await;
                let extract = answer.as_ref().ok().and_then(Clone::clone);
                (legal_entity(&o.inn, &o.kpp, answer), extract)
            }
        };
        Findings {
            outcomes: vec![snils, inn, entity],
            extract,
        }
    }
}

fn snils_owner(answer: Result<bool, RegistriesError>) -> Outcome {
    outcome(
        "snils_owner",
        match answer {
            Ok(true) => Ok(said!(
                "the SNILS register has this SNILS for this person",
                "в реестре СНИЛС этот СНИЛС принадлежит этому человеку"
            )),
            Ok(false) => Err(said!(
                "the SNILS register does not have this SNILS for this name and date of birth",
                "в реестре СНИЛС нет этого СНИЛС для этих имени и даты рождения"
            )),
            Err(e) => Err(unavailable(&e)),
        },
    )
}

fn inn_by_passport(
    entered: Option<&str>,
    answer: Result<Option<String>, RegistriesError>,
) -> Outcome {
    outcome(
        "inn_by_passport",
        match (entered, answer) {
            (_, Err(e)) => Err(unavailable(&e)),
            (Some(e), Ok(Some(found))) if e == found => Ok(said!(
                "the tax service has this INN for this passport",
                "у налоговой службы этот ИНН для этого паспорта"
            )),
            (Some(_), Ok(Some(found))) => Err(said!(
                "the tax service has INN {found} for this passport",
                "у налоговой службы для этого паспорта ИНН {found}"
            )),
            (Some(_), Ok(None)) => Err(said!(
                "the tax service has no INN for this passport",
                "у налоговой службы нет ИНН для этого паспорта"
            )),
            (None, Ok(Some(found))) => Err(said!(
                "the tax service has INN {found} for this passport; enter it",
                "у налоговой службы для этого паспорта ИНН {found}; укажите его"
            )),
            (None, Ok(None)) => Ok(said!(
                "the tax service has no INN for this passport",
                "у налоговой службы нет ИНН для этого паспорта"
            )),
        },
    )
}

fn legal_entity(
    inn: &str,
    kpp: &str,
    answer: Result<Option<LegalEntity>, RegistriesError>,
) -> Outcome {
    outcome(
        "legal_entity_extract",
        match answer {
            Err(e) => Err(unavailable(&e)),
            Ok(None) => Err(said!(
                "the register of legal entities has no organisation with this OGRN",
                "в реестре юридических лиц нет организации с этим ОГРН"
            )),
            Ok(Some(e)) if e.status != EntityStatus::Active => {
                let name = &e.short_name;
                Err(said!(
                    "{name} is not active in the register",
                    "{name} не действует по данным реестра"
                ))
            }
            Ok(Some(e)) if e.inn != inn || e.kpp != kpp => {
                let (found_inn, found_kpp, name) = (&e.inn, &e.kpp, &e.short_name);
                Err(said!(
                    "the register has INN {found_inn} and KPP {found_kpp} for {name}",
                    "в реестре у {name} ИНН {found_inn} и КПП {found_kpp}"
                ))
            }
            Ok(Some(e)) => {
                let (name, head, position) = (&e.short_name, &e.head.name, &e.head.position);
                Ok(said!(
                    "{name} is active; head: {head}, {position}",
                    "{name} действует; руководитель: {head}, {position}"
                ))
            }
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registration::checks::CheckStatus;

    #[test]
    fn an_unreachable_registry_fails_its_check_and_says_so() {
        let o = snils_owner(Err(RegistriesError::NotConfigured));
        assert_eq!(o.status, CheckStatus::Failed);
        assert!(o.message.en().contains("no registry gateway is configured"));
    }

    #[test]
    fn a_missing_inn_is_fine_only_when_the_tax_service_has_none() {
        assert_eq!(inn_by_passport(None, Ok(None)).status, CheckStatus::Passed);
        assert_eq!(
            inn_by_passport(None, Ok(Some("500100732259".into()))).status,
            CheckStatus::Failed
        );
        assert_eq!(
            inn_by_passport(Some("1"), Ok(Some("2".into()))).status,
            CheckStatus::Failed
        );
    }
}
