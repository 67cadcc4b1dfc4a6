//! Filing and editing applications: the applicant's (or partner's) side of the lifecycle.

use super::access::Administrator;
use super::checks::{self, CheckStatus};
use super::lifecycle::{Act, Status};
use super::values::{Applicant, ApplicantKind, PointOfIssue, Product, ProductKind, Purpose, Track};
use super::views::{ApplicationView, NewApplication, certificate_view, check_view, history_view};
use super::{Actor, Registration, RegistrationError, kind_of, purpose_of, status_of, track_of};
use crate::audit;
use crate::identity::values::{Email, Language};
use crate::said;
use crate::store::{self, StoreError, applications as sql, applications::ApplicationRow};
use uuid::Uuid;

/// The highest price a product may have: ten million in major units (a typo guard).
const MAX_PRICE_MINOR: i64 = 1_000_000_000;

fn search_fields(a: &Applicant) -> sql::SearchFields {
    sql::SearchFields {
        owner_name: a.full_name(),
        snils: a.snils.clone(),
        inn: a.inn.clone(),
        organisation: a.organisation.as_ref().map(|o| o.name.clone()),
        org_inn: a.organisation.as_ref().map(|o| o.inn.clone()),
        kpp: a.organisation.as_ref().map(|o| o.kpp.clone()),
    }
}

pub(super) fn product(p: store::catalogue::ProductRow) -> Option<Product> {
    Some(Product {
        kind: ProductKind::parse(&p.kind)?,
        track: Track::parse(&p.track)?,
        purpose: Purpose::parse(&p.purpose)?,
        code: p.code,
        name_en: p.name_en,
        name_ru: p.name_ru,
        price_minor: p.price_minor,
        currency: p.currency,
        on_sale: p.active,
    })
}

/// A seal names an organisation, so only an employee acting for one may apply for it.
fn fits_purpose(purpose: Purpose, applicant: &Applicant) -> Result<(), RegistrationError> {
    if purpose == Purpose::Seal && applicant.kind != ApplicantKind::Employee {
        return Err(RegistrationError::Invalid(said!(
            "an organisation seal is issued to an organisation: apply as its employee and name it",
            "электронная печать выдаётся организации: подайте заявку как её сотрудник и укажите её"
        )));
    }
    Ok(())
}

/// Whose application, of what, where, about whom.
pub(super) struct Filing<'a> {
    /// The applicant's account.
    pub account: Uuid,
    /// Product code.
    pub product: &'a str,
    /// Point of issue.
    pub point: Uuid,
    /// The normalised data.
    pub applicant: &'a Applicant,
}

impl Registration {
    /// The products on sale.
    pub async fn catalogue(&self) -> Result<Vec<Product>, RegistrationError> {
        let client = self.0.db.client().await?;
        Ok(store::catalogue::active(&**client)
            .await?
            .into_iter()
            .filter_map(product)
            .collect())
    }

    /// Every product, withdrawn ones too, for the administrator's review.
    pub async fn products(
        &self,
        _admin: &Administrator,
    ) -> Result<Vec<Product>, RegistrationError> {
        let client = self.0.db.client().await?;
        Ok(store::catalogue::all(&**client)
            .await?
            .into_iter()
            .filter_map(product)
            .collect())
    }

    /// Set a product's price (minor units; applications already filed keep theirs) and
    /// whether it is on sale.
    pub async fn set_offer(
        &self,
        admin: &Administrator,
        code: &str,
        price_minor: i64,
        on_sale: bool,
    ) -> Result<Product, RegistrationError> {
        if !(0..=MAX_PRICE_MINOR).contains(&price_minor) {
            return Err(RegistrationError::Invalid(said!(
                "the price is 0 to {} in minor units",
                "цена — от 0 до {} в минимальных единицах валюты",
                MAX_PRICE_MINOR
            )));
        }
        let mut client = self.0.db.client().await?;
        let tx = client.transaction().await?;
        let before = store::catalogue::set_offer(&*tx, code, price_minor, on_sale)
            .await?
            .ok_or(RegistrationError::NotFound)?;
        let event = admin
            .actor()
            .event("product.update")
            .on("product", code.to_owned())
            .with_details(serde_json::json!({
                "price_minor": price_minor,
                "previous_price_minor": before.price_minor,
                "on_sale": on_sale,
                "was_on_sale": before.active,
            }));
        audit::record(&tx, self.0.clock.as_ref(), event).await?;
        let after = store::catalogue::get(&*tx, code)
            .await?
            .and_then(product)
            .ok_or_else(|| super::corrupt("product just updated"))?;
        tx.commit().await?;
        Ok(after)
    }

    /// Where applicants can be identified.
    pub async fn points_of_issue(&self) -> Result<Vec<PointOfIssue>, RegistrationError> {
        let client = self.0.db.client().await?;
        Ok(store::partners::points(&**client)
            .await?
            .into_iter()
            .map(|(id, name, region, address)| PointOfIssue {
                id,
                name,
                region,
                address,
            })
            .collect())
    }

    /// Run the checks on `applicant` and store their outcomes in `tx`.
    async fn run_checks(
        &self,
        tx: &store::Transaction<'_>,
        application: Uuid,
        applicant: &Applicant,
        kind: ProductKind,
        findings: super::registry_checks::Findings,
    ) -> Result<(), RegistrationError> {
        let now = self.0.clock.now();
        let mut outcomes = checks::run(applicant, kind);
        outcomes.extend(findings.outcomes);
        let extract = findings
            .extract
            .map(|e| {
                serde_json::to_value(e)
                    .map_err(|e| RegistrationError::Store(StoreError::Corrupt(e.to_string())))
            })
            .transpose()?;
        sql::set_extract(tx, application, extract.as_ref(), now).await?;
        let listed = match checks::passport_key(applicant) {
            Some(key) => Some(store::passports::is_invalid(tx, key).await?),
            None => None,
        };
        let imported = store::passports::last_import(tx).await?;
        outcomes.push(checks::passport_list(applicant, listed, imported));
        let rows: Vec<sql::CheckRow> = outcomes
            .into_iter()
            .map(|o| sql::CheckRow {
                name: o.name.to_owned(),
                status: o.status.as_str().to_owned(),
                message: o.message.en().to_owned(),
                message_ru: Some(o.message.in_lang(Language::Ru).to_owned()),
                checked_at: now,
            })
            .collect();
        sql::save_checks(tx, application, &rows).await?;
        Ok(())
    }

    /// File an application: by the applicant, or by a partner for the subscriber whose
    /// account has the `subscriber_email` it names. It starts in `data_check` with its checks run.
    pub async fn file(
        &self,
        actor: &Actor,
        new: NewApplication,
    ) -> Result<ApplicationView, RegistrationError> {
        let subscriber_email = new.subscriber_email.as_deref();
        let today = self.0.clock.now().date_naive();
        let applicant = new.applicant.normalise(today)?;
        let findings = self.consult_registries(&applicant).await;
        let mut client = self.0.db.client().await?;
        let tx = client.transaction().await?;
        let account = match (actor.applicant(), actor.partner(), subscriber_email) {
            (Some(own), _, None) => own,
            (None, Some(_), Some(email)) => {
                let email = Email::parse(email).map_err(|e| RegistrationError::Invalid(e.0))?;
                store::accounts::by_email(&*tx, email.as_str())
                    .await?
                    .filter(|a| a.role == "subscriber" && a.disabled_at.is_none())
                    .map(|a| a.id)
                    .ok_or_else(|| {
                        RegistrationError::Invalid(
                            said!("no subscriber account has that email; the client registers first", "нет учётной записи абонента с таким адресом; клиент сначала регистрируется"),
                        )
                    })?
            }
            (None, Some(_), None) => {
                return Err(RegistrationError::Invalid(said!(
                    "name the client by subscriber_email",
                    "укажите клиента через subscriber_email"
                )));
            }
            _ => {
                return Err(RegistrationError::Invalid(said!(
                    "only the applicant or a partner files an application",
                    "заявку подаёт только сам заявитель или партнёр"
                )));
            }
        };
        let (id, _) = self
            .create(
                &tx,
                actor,
                Filing {
                    account,
                    product: &new.product,
                    point: new.point_of_issue,
                    applicant: &applicant,
                },
                findings,
            )
            .await?;
        tx.commit().await?;
        self.application(actor, id).await
    }

    /// Insert a new application of `account` in `data_check`, with its checks run, its first
    /// history step and its audit entry, in `tx`. Returns its id and product.
    pub(super) async fn create(
        &self,
        tx: &store::Transaction<'_>,
        actor: &Actor,
        filing: Filing<'_>,
        findings: super::registry_checks::Findings,
    ) -> Result<(Uuid, Product), RegistrationError> {
        let Filing {
            account,
            product: product_code,
            point,
            applicant,
        } = filing;
        let product = store::catalogue::get(tx, product_code)
            .await?
            .filter(|p| p.active)
            .and_then(product)
            .ok_or_else(|| {
                RegistrationError::Invalid(said!(
                    "no such product on sale",
                    "такой продукт не продаётся"
                ))
            })?;
        fits_purpose(product.purpose, applicant)?;
        if !store::partners::point_exists(tx, point).await? {
            return Err(RegistrationError::Invalid(said!(
                "no such point of issue",
                "такого пункта выдачи нет"
            )));
        }
        let id = Uuid::new_v4();
        let search = search_fields(applicant);
        let now = self.0.clock.now();
        let row = sql::NewApplication {
            id,
            account_id: account,
            partner_id: actor.partner(),
            point_id: point,
            product_code: &product.code,
            applicant_kind: applicant.kind.as_str(),
            status: Status::DataCheck.as_str(),
            applicant: serde_json::to_value(applicant)
                .map_err(|e| RegistrationError::Store(StoreError::Corrupt(e.to_string())))?,
            search: &search,
            price_minor: product.price_minor,
            currency: &product.currency,
        };
        sql::insert(tx, &row, now).await?;
        self.run_checks(tx, id, applicant, product.kind, findings)
            .await?;
        self.history(tx, id, actor, None, Status::DataCheck, None)
            .await?;
        let event = actor
            .event("application.file")
            .on("application", id.to_string())
            .with_details(serde_json::json!({ "product": product.code, "for": account }));
        audit::record(tx, self.0.clock.as_ref(), event).await?;
        Ok((id, product))
    }

    /// The application with its checks, history and certificates.
    pub async fn application(
        &self,
        actor: &Actor,
        id: Uuid,
    ) -> Result<ApplicationView, RegistrationError> {
        let client = self.0.db.client().await?;
        let row = sql::get(&**client, id, actor.visibility())
            .await?
            .ok_or(RegistrationError::NotFound)?;
        let mut view = ApplicationView::of(&row)?;
        view.checks = sql::checks(&**client, id)
            .await?
            .iter()
            .map(check_view)
            .collect::<Result<_, _>>()?;
        view.history = sql::history(&**client, id)
            .await?
            .iter()
            .map(history_view)
            .collect::<Result<_, _>>()?;
        view.scans = store::scans::list(&**client, id)
            .await?
            .iter()
            .map(super::scans::view)
            .collect::<Result<_, _>>()?;
        let now = self.0.clock.now();
        view.certificates = store::certificates::of_application(&**client, id)
            .await?
            .iter()
            .map(|c| certificate_view(c, now))
            .collect();
        Ok(view)
    }

    /// A page of the applications the actor sees, and their total.
    pub async fn applications(
        &self,
        actor: &Actor,
        filter: &sql::Filter,
        sort: sql::Sort,
        descending: bool,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<ApplicationView>, i64), RegistrationError> {
        let client = self.0.db.client().await?;
        let (rows, total) = sql::list(
            &**client,
            actor.visibility(),
            filter,
            sort,
            descending,
            limit,
            offset,
        )
        .await?;
        let views = rows
            .iter()
            .map(ApplicationView::of)
            .collect::<Result<_, _>>()?;
        Ok((views, total))
    }

    /// Lock the application the actor may see, for a change in `tx`.
    pub(super) async fn locked(
        &self,
        tx: &store::Transaction<'_>,
        actor: &Actor,
        id: Uuid,
    ) -> Result<ApplicationRow, RegistrationError> {
        let app = sql::get_for_update(tx, id, actor.visibility())
            .await?
            .ok_or(RegistrationError::NotFound)?;
        if actor.is_own_desk_case(app.account_id) {
            return Err(RegistrationError::Precondition(said!(
                "an operator does not act on their own application; another operator of the \
                 point of issue does",
                "оператор не работает со своей собственной заявкой; это делает другой оператор пункта выдачи"
            )));
        }
        Ok(app)
    }

    /// Replace the applicant's data while it may still change; the checks run again.
    pub async fn update_applicant(
        &self,
        actor: &Actor,
        id: Uuid,
        applicant: Applicant,
    ) -> Result<ApplicationView, RegistrationError> {
        let applicant = applicant.normalise(self.0.clock.now().date_naive())?;
        // Ask the registries only about an application the actor may change.
        sql::get(&**self.0.db.client().await?, id, actor.visibility())
            .await?
            .ok_or(RegistrationError::NotFound)?;
        let findings = self.consult_registries(&applicant).await;
        let mut client = self.0.db.client().await?;
        let tx = client.transaction().await?;
        let app = self.locked(&tx, actor, id).await?;
        let status = status_of(&app)?;
        if !status.data_editable() {
            return Err(RegistrationError::data_frozen(status));
        }
        fits_purpose(purpose_of(&app)?, &applicant)?;
        let value = serde_json::to_value(&applicant)
            .map_err(|e| RegistrationError::Store(StoreError::Corrupt(e.to_string())))?;
        let now = self.0.clock.now();
        sql::update_applicant(
            &*tx,
            id,
            applicant.kind.as_str(),
            &value,
            &search_fields(&applicant),
            now,
        )
        .await?;
        self.run_checks(&tx, id, &applicant, kind_of(&app)?, findings)
            .await?;
        let event = actor
            .event("application.update")
            .on("application", id.to_string());
        audit::record(&tx, self.0.clock.as_ref(), event).await?;
        tx.commit().await?;
        self.application(actor, id).await
    }

    /// Withdraw the application (before identification).
    pub async fn cancel(
        &self,
        actor: &Actor,
        id: Uuid,
        reason: Option<&str>,
    ) -> Result<ApplicationView, RegistrationError> {
        if reason.is_some_and(|r| r.chars().count() > 1000) {
            return Err(RegistrationError::Invalid(said!(
                "the reason holds at most 1000 characters",
                "причина — не больше 1000 символов"
            )));
        }
        let mut client = self.0.db.client().await?;
        let tx = client.transaction().await?;
        let app = self.locked(&tx, actor, id).await?;
        self.transition(&tx, &app, Act::Cancel, actor, reason)
            .await?;
        tx.commit().await?;
        self.application(actor, id).await
    }

    /// The applicant confirms the certificate data (cloud track, `csr` none) or sends the
    /// PKCS#10 request made on their own token (own-key track, DER).
    pub async fn submit_request(
        &self,
        actor: &Actor,
        id: Uuid,
        csr: Option<Vec<u8>>,
    ) -> Result<ApplicationView, RegistrationError> {
        let mut client = self.0.db.client().await?;
        let tx = client.transaction().await?;
        let app = self.locked(&tx, actor, id).await?;
        if actor.applicant().is_none() {
            return Err(RegistrationError::Precondition(said!(
                "only the applicant confirms the certificate request",
                "запрос на сертификат подтверждает только сам заявитель"
            )));
        }
        match (track_of(&app)?, &csr) {
            (Track::Cloud, None) => {}
            (Track::Cloud, Some(_)) => {
                return Err(RegistrationError::Invalid(said!(
                    "a cloud-key application takes no certificate request: the key is born in \
                     the vault at activation",
                    "заявка с облачным ключом не принимает запрос на сертификат: ключ рождается в хранилище при активации"
                )));
            }
            (Track::OwnKey, None) => {
                return Err(RegistrationError::Invalid(said!(
                    "an own-key application needs the PKCS#10 request made on your token",
                    "заявке с собственным ключом нужен запрос PKCS#10, сделанный на вашем токене"
                )));
            }
            (Track::OwnKey, Some(der)) => {
                crate::pki::csr::check(der).map_err(|e| RegistrationError::Invalid(e.said()))?;
            }
        }
        sql::set_request(&*tx, id, csr.as_deref(), self.0.clock.now()).await?;
        self.transition(&tx, &app, Act::SubmitRequest, actor, None)
            .await?;
        tx.commit().await?;
        self.application(actor, id).await
    }
}

/// The names of the application's checks that failed.
pub(super) async fn failed_checks(
    c: &impl tokio_postgres::GenericClient,
    id: Uuid,
) -> Result<Vec<String>, RegistrationError> {
    Ok(sql::checks(c, id)
        .await?
        .into_iter()
        .filter(|c| CheckStatus::parse(&c.status) == Some(CheckStatus::Failed))
        .map(|c| c.name)
        .collect())
}
