//! What the application pages show and take: the form as typed (kept so a refused form comes
//! back filled in), a list row, and one application laid out for reading — the process panel
//! with each status's date, the checks, the certificates and the history.

use super::chrome::Chrome;
use super::i18n::AppWords;
use crate::identity::values::Language;
use crate::registration::checks::CheckStatus;
use crate::registration::values::{
    Applicant, ApplicantKind, DocumentKind, IdentityDocument, Organisation, PointOfIssue, Product,
    Track,
};
use crate::registration::{ApplicationView, NewApplication, Status};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;
use std::collections::HashMap;
use uuid::Uuid;

/// The application form as the browser sent it: every field text, so that a refused form is
/// shown again exactly as typed. The registration service validates the values.
#[derive(Debug, Clone, Deserialize)]
pub struct Applying {
    /// The page's token.
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub product: String,
    #[serde(default)]
    pub point_of_issue: String,
    #[serde(default)]
    pub subscriber_email: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub surname: String,
    #[serde(default)]
    pub given_name: String,
    #[serde(default)]
    pub patronymic: String,
    #[serde(default)]
    pub birth_date: String,
    #[serde(default)]
    pub citizenship: String,
    #[serde(default)]
    pub residence: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub snils: String,
    #[serde(default)]
    pub inn: String,
    #[serde(default)]
    pub document_kind: String,
    #[serde(default)]
    pub series: String,
    #[serde(default)]
    pub number: String,
    #[serde(default)]
    pub issued_on: String,
    #[serde(default)]
    pub issued_by: String,
    #[serde(default)]
    pub issuer_code: String,
    #[serde(default)]
    pub org_name: String,
    #[serde(default)]
    pub org_inn: String,
    #[serde(default)]
    pub kpp: String,
    #[serde(default)]
    pub ogrn: String,
    #[serde(default)]
    pub position: String,
}

impl Default for Applying {
    fn default() -> Self {
        Applying {
            csrf: String::new(),
            product: String::new(),
            point_of_issue: String::new(),
            subscriber_email: String::new(),
            kind: "individual".into(),
            surname: String::new(),
            given_name: String::new(),
            patronymic: String::new(),
            birth_date: String::new(),
            citizenship: String::new(),
            residence: String::new(),
            address: String::new(),
            snils: String::new(),
            inn: String::new(),
            document_kind: "russian_passport".into(),
            series: String::new(),
            number: String::new(),
            issued_on: String::new(),
            issued_by: String::new(),
            issuer_code: String::new(),
            org_name: String::new(),
            org_inn: String::new(),
            kpp: String::new(),
            ogrn: String::new(),
            position: String::new(),
        }
    }
}

fn optional(raw: &str) -> Option<String> {
    Some(raw.trim())
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

fn date(raw: &str, label: &str, w: &AppWords) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").map_err(|_| format!("{} {label}", w.bad_date))
}

impl Applying {
    /// The form filled in with the data an application holds, for correcting it.
    pub fn of(a: &Applicant) -> Applying {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        let org = a.organisation.as_ref();
        let org_field = |f: fn(&Organisation) -> &String| org.map(f).cloned().unwrap_or_default();
        Applying {
            kind: a.kind.as_str().into(),
            surname: a.surname.clone(),
            given_name: a.given_name.clone(),
            patronymic: text(&a.patronymic),
            birth_date: a.birth_date.to_string(),
            citizenship: a.citizenship.clone(),
            residence: a.residence.clone(),
            address: text(&a.address),
            snils: text(&a.snils),
            inn: text(&a.inn),
            document_kind: match a.document.kind {
                DocumentKind::RussianPassport => "russian_passport",
                DocumentKind::ForeignPassport => "foreign_passport",
            }
            .into(),
            series: text(&a.document.series),
            number: a.document.number.clone(),
            issued_on: a.document.issued_on.to_string(),
            issued_by: a.document.issued_by.clone(),
            issuer_code: text(&a.document.issuer_code),
            org_name: org_field(|o| &o.name),
            org_inn: org_field(|o| &o.inn),
            kpp: org_field(|o| &o.kpp),
            ogrn: org_field(|o| &o.ogrn),
            position: org_field(|o| &o.position),
            ..Applying::default()
        }
    }

    /// The application the form describes, or what to correct (in the page's language) when
    /// a choice is missing or a date is not a date; the service checks everything else.
    pub fn parse(&self, w: &AppWords) -> Result<NewApplication, String> {
        let choose = |label: &str| format!("{} {label}", w.choose);
        let product = optional(&self.product).ok_or_else(|| choose(w.product))?;
        let point = Uuid::parse_str(self.point_of_issue.trim()).map_err(|_| choose(w.point))?;
        Ok(NewApplication {
            product,
            point_of_issue: point,
            subscriber_email: optional(&self.subscriber_email),
            applicant: self.applicant(w)?,
        })
    }

    /// The applicant the form describes (the person part, which can be corrected until
    /// identification), or what to correct.
    pub fn applicant(&self, w: &AppWords) -> Result<Applicant, String> {
        let choose = |label: &str| format!("{} {label}", w.choose);
        let kind = match self.kind.as_str() {
            "individual" => ApplicantKind::Individual,
            "employee" => ApplicantKind::Employee,
            _ => return Err(choose(w.kind)),
        };
        let document_kind = match self.document_kind.as_str() {
            "russian_passport" => DocumentKind::RussianPassport,
            "foreign_passport" => DocumentKind::ForeignPassport,
            _ => return Err(choose(w.document_kind)),
        };
        let organisation = (kind == ApplicantKind::Employee).then(|| Organisation {
            name: self.org_name.trim().to_owned(),
            inn: self.org_inn.trim().to_owned(),
            kpp: self.kpp.trim().to_owned(),
            ogrn: self.ogrn.trim().to_owned(),
            position: self.position.trim().to_owned(),
        });
        Ok(Applicant {
            kind,
            surname: self.surname.trim().to_owned(),
            given_name: self.given_name.trim().to_owned(),
            patronymic: optional(&self.patronymic),
            birth_date: date(&self.birth_date, w.birth_date, w)?,
            citizenship: self.citizenship.trim().to_uppercase(),
            residence: self.residence.trim().to_uppercase(),
            address: optional(&self.address),
            snils: optional(&self.snils),
            inn: optional(&self.inn),
            document: IdentityDocument {
                kind: document_kind,
                series: optional(&self.series),
                number: self.number.trim().to_owned(),
                issued_on: date(&self.issued_on, w.issued_on, w)?,
                issued_by: self.issued_by.trim().to_owned(),
                issuer_code: optional(&self.issuer_code),
            },
            organisation,
        })
    }
}

/// A moment as the pages write it (UTC, to the minute).
pub fn moment(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// A price in minor units as people read it.
pub fn price(minor: i64, currency: &str) -> String {
    format!("{}.{:02} {currency}", minor / 100, (minor % 100).abs())
}

/// Product names in the page's language, by code (a product no longer on sale keeps its
/// code).
pub fn product_names(products: &[Product], c: &Chrome) -> HashMap<String, String> {
    products
        .iter()
        .map(|p| {
            let name = match c.lang {
                Language::Ru => &p.name_ru,
                Language::En => &p.name_en,
            };
            (p.code.clone(), name.clone())
        })
        .collect()
}

/// An option of a select: what is sent and what is read.
pub struct Choice {
    pub value: String,
    pub label: String,
}

impl Choice {
    /// The products on sale, named in the page's language with their price.
    pub fn products(products: &[Product], c: &Chrome) -> Vec<Choice> {
        let names = product_names(products, c);
        products
            .iter()
            .map(|p| Choice {
                value: p.code.clone(),
                label: format!(
                    "{} — {}",
                    names.get(&p.code).unwrap_or(&p.code),
                    price(p.price_minor, &p.currency)
                ),
            })
            .collect()
    }

    /// The points of issue with where they are.
    pub fn points(points: &[PointOfIssue]) -> Vec<Choice> {
        points
            .iter()
            .map(|p| Choice {
                value: p.id.to_string(),
                label: format!("{} — {}, {}", p.name, p.region, p.address),
            })
            .collect()
    }
}

/// One row of the list.
pub struct Row {
    pub id: Uuid,
    pub number: i64,
    pub product: String,
    pub applicant: String,
    pub status: &'static str,
    pub updated: String,
}

impl Row {
    /// The row of `a`.
    pub fn of(c: &Chrome, names: &HashMap<String, String>, a: &ApplicationView) -> Row {
        Row {
            id: a.id,
            number: a.number,
            product: names.get(&a.product).unwrap_or(&a.product).clone(),
            applicant: format!("{} {}", a.applicant.surname, a.applicant.given_name),
            status: c.t.application_status(a.status),
            updated: moment(a.updated_at),
        }
    }
}

/// One status of the process panel: `done`, `current` or `todo`, and when it was reached.
pub struct Step {
    pub name: &'static str,
    pub state: &'static str,
    pub when: String,
}

/// A background check as the page shows it.
pub struct Check {
    pub name: String,
    pub outcome: &'static str,
    pub class: &'static str,
    pub message: String,
    pub when: String,
}

/// A certificate issued on the application.
pub struct Issued {
    pub id: Uuid,
    pub serial: String,
    pub status: &'static str,
    pub valid: String,
}

/// One line of the history.
pub struct Event {
    pub when: String,
    pub status: &'static str,
    pub note: String,
}

/// One application laid out for reading, with the acts the viewer may take now.
pub struct Shown {
    pub id: Uuid,
    pub number: i64,
    pub status: &'static str,
    pub expected: &'static str,
    pub rejection: Option<String>,
    pub steps: Vec<Step>,
    pub product: String,
    pub track: &'static str,
    pub point: String,
    pub invoice: i64,
    pub price: String,
    pub paid: Option<String>,
    pub filed: String,
    pub name: String,
    pub birth_date: String,
    pub document: String,
    pub organisation: Option<String>,
    pub checks: Vec<Check>,
    pub issued: Vec<Issued>,
    pub history: Vec<Event>,
    pub can_confirm: bool,
    pub can_upload: bool,
    pub can_withdraw: bool,
    pub can_activate: bool,
    pub holder: bool,
}

/// The process panel: every working status in lifecycle order with the last time it was
/// reached; an application that left the path (rejected, withdrawn) ends with that exit.
fn steps(c: &Chrome, a: &ApplicationView) -> Vec<Step> {
    let reached = |s: Status| {
        a.history
            .iter()
            .filter(|h| h.to == s)
            .map(|h| h.at)
            .max()
            .map(moment)
            .unwrap_or_default()
    };
    let working = &Status::ALL[..9];
    let exited = !working.contains(&a.status);
    let current = working.iter().position(|s| *s == a.status);
    let mut steps: Vec<Step> = working
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let when = reached(*s);
            let state = match current {
                Some(at) if i < at => "done",
                Some(at) if i == at => "current",
                None if !when.is_empty() => "done",
                _ => "todo",
            };
            Step {
                name: c.t.application_status(*s),
                state,
                when,
            }
        })
        .collect();
    if exited {
        steps.push(Step {
            name: c.t.application_status(a.status),
            state: "current",
            when: reached(a.status),
        });
    }
    steps
}

impl Shown {
    /// `a` for a viewer who is its applicant (`applicant`) or a partner agent.
    pub fn of(
        c: &Chrome,
        w: &AppWords,
        names: &HashMap<String, String>,
        a: &ApplicationView,
        applicant: bool,
    ) -> Shown {
        let p = &a.applicant;
        let name = [Some(&p.surname), Some(&p.given_name), p.patronymic.as_ref()]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(" ");
        let document_kind = match p.document.kind {
            DocumentKind::RussianPassport => w.russian_passport,
            DocumentKind::ForeignPassport => w.foreign_passport,
        };
        let series = p.document.series.as_deref().unwrap_or_default();
        let awaiting_request = a.status == Status::AwaitingRequest && applicant;
        Shown {
            id: a.id,
            number: a.number,
            status: c.t.application_status(a.status),
            expected: w.expected(a.status, a.track),
            rejection: a.rejection_reason.clone(),
            steps: steps(c, a),
            product: names.get(&a.product).unwrap_or(&a.product).clone(),
            track: match a.track {
                Track::Cloud => w.cloud,
                Track::OwnKey => w.own_key,
            },
            point: format!("{} ({})", a.point_of_issue_name, a.region),
            invoice: a.invoice_number,
            price: price(a.price_minor, &a.currency),
            paid: a.paid_at.map(moment),
            filed: moment(a.created_at),
            name,
            birth_date: p.birth_date.to_string(),
            document: format!(
                "{document_kind} {series} {} · {} · {}",
                p.document.number, p.document.issued_on, p.document.issued_by
            )
            .replace("  ", " "),
            organisation: p
                .organisation
                .as_ref()
                .map(|o| format!("{} · {} · {}", o.name, o.inn, o.position)),
            checks: a
                .checks
                .iter()
                .map(|k| {
                    let (outcome, class) = match k.status {
                        CheckStatus::Passed => (w.passed, "good"),
                        CheckStatus::Failed => (w.failed, "error"),
                        CheckStatus::NotApplicable => (w.not_applicable, "detail"),
                    };
                    Check {
                        name: w.check_name(&k.name).to_owned(),
                        outcome,
                        class,
                        message: k.message.in_lang(c.lang).to_owned(),
                        when: moment(k.checked_at),
                    }
                })
                .collect(),
            issued: a
                .certificates
                .iter()
                .map(|k| Issued {
                    id: k.id,
                    serial: k.serial.clone().unwrap_or_default(),
                    status: c.t.certificate_status(k.status),
                    valid: match (k.not_before, k.not_after) {
                        (Some(from), Some(until)) => {
                            format!("{} – {}", from.date_naive(), until.date_naive())
                        }
                        _ => String::new(),
                    },
                })
                .collect(),
            history: a
                .history
                .iter()
                .rev()
                .map(|h| Event {
                    when: moment(h.at),
                    status: c.t.application_status(h.to),
                    note: h.note.clone().unwrap_or_default(),
                })
                .collect(),
            can_confirm: awaiting_request && a.track == Track::Cloud,
            can_upload: awaiting_request && a.track == Track::OwnKey,
            can_withdraw: a.status.data_editable(),
            can_activate: a.status == Status::Issuing && applicant,
            holder: applicant,
        }
    }
}
