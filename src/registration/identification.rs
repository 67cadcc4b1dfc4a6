//! Identification in person and the operator's sign-off (DESIGN §3, §4): the operator names
//! the originals presented and confirms the data, asks for the canonical statement of what
//! they are about to attest, authorises their own officer certificate for exactly its hash
//! (PIN + one-time code), and identifies — the service signs the statement with that SAD as a
//! detached CAdES-BES signature and keeps statement and signature with the application, in
//! the same transaction as the change of status. Anyone who sees the application can fetch
//! both and check them with openssl.

use super::access::Administrator;
use super::applications::failed_checks;
use super::lifecycle::{self, Act};
use super::views::ApplicationView;
use super::{Actor, Operator, Registration, RegistrationError, status_of};
use crate::audit;
use crate::pki::cms::DigestAlgorithm;
use crate::said;
use crate::signatures::{CredentialId, Grant, Hashes, Shape, SignatureError};
use crate::signing::{KeyHolder, OwnerId, SigningError};
use crate::store::{self, applications as sql, signatures as signed};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// What the operator records when identifying the applicant in person.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Identification {
    /// The originals presented (e.g. `passport`, `snils_card`, `power_of_attorney`).
    pub originals: Vec<String>,
    /// The operator reviewed the registry extract / the data against the originals.
    pub data_confirmed: bool,
}

/// The operator's signature authorisation for the statement. No `Debug`: the SAD is a
/// bearer secret and must not reach a log.
#[derive(Clone)]
pub struct SignOff<'a> {
    /// Their credential (officer certificate).
    pub credential: &'a str,
    /// The SAD authorising the statement's hash.
    pub sad: &'a str,
}

/// The statement to sign, and its hash to authorise.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StatementView {
    /// The canonical statement (UTF-8 JSON), exactly the bytes that are signed.
    pub statement: String,
    /// Always `sha256`.
    pub hash_algorithm: String,
    /// SHA-256 of the statement, base64: the hash to authorise.
    pub hash: String,
}

/// A recorded identification.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct IdentificationView {
    /// When.
    pub identified_at: DateTime<Utc>,
    /// The originals presented.
    pub originals: Vec<String>,
    /// The operator who identified the applicant and signed the statement.
    pub operator: Option<Uuid>,
    /// The administrator who enrolled an officer instead (no operator signature exists yet).
    pub enrolled_by: Option<Uuid>,
    /// The statement (UTF-8 JSON).
    pub statement: String,
    /// The operator's detached CMS signature over it, base64 DER.
    pub signature: Option<String>,
}

/// Who attests the identification in the statement.
enum Attester {
    Operator(Uuid),
    Administrator(Uuid),
}

/// Trimmed, non-empty originals, each at most 100 characters.
fn originals_of(i: &Identification) -> Result<Vec<String>, RegistrationError> {
    let originals: Vec<String> = i
        .originals
        .iter()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect();
    if originals.is_empty() || originals.iter().any(|s| s.chars().count() > 100) {
        return Err(RegistrationError::Invalid(said!(
            "name the originals the applicant presented (each at most 100 characters)",
            "перечислите оригиналы, которые предъявил заявитель (каждый не длиннее 100 символов)"
        )));
    }
    if !i.data_confirmed {
        return Err(RegistrationError::Invalid(said!(
            "confirm that the data matches the originals presented",
            "подтвердите, что данные совпадают с предъявленными оригиналами"
        )));
    }
    Ok(originals)
}

/// The canonical statement: fields in a fixed order, the applicant's data as stored (jsonb
/// keeps its keys sorted), the checks by name. The same application, checks, originals and
/// attester give the same bytes.
fn statement(
    app: &sql::ApplicationRow,
    checks: &[sql::CheckRow],
    originals: &[String],
    attester: &Attester,
) -> Result<Vec<u8>, RegistrationError> {
    #[derive(Serialize)]
    struct Check<'a> {
        name: &'a str,
        status: &'a str,
        checked_at: DateTime<Utc>,
    }
    #[derive(Serialize)]
    struct Statement<'a> {
        statement: &'static str,
        application: Uuid,
        number: i64,
        product: &'a str,
        point_of_issue: Uuid,
        applicant: &'a serde_json::Value,
        legal_entity_extract: Option<&'a serde_json::Value>,
        checks: Vec<Check<'a>>,
        paid_at: Option<DateTime<Utc>>,
        originals_presented: &'a [String],
        data_confirmed: bool,
        identified_by_operator: Option<Uuid>,
        enrolled_by_administrator: Option<Uuid>,
    }
    let (operator, administrator) = match attester {
        Attester::Operator(o) => (Some(*o), None),
        Attester::Administrator(a) => (None, Some(*a)),
    };
    let s = Statement {
        statement: "cloudseal identification in person, v1",
        application: app.id,
        number: app.number,
        product: &app.product_code,
        point_of_issue: app.point_id,
        applicant: &app.applicant,
        legal_entity_extract: app.legal_entity_extract.as_ref(),
        checks: checks
            .iter()
            .map(|c| Check {
                name: &c.name,
                status: &c.status,
                checked_at: c.checked_at,
            })
            .collect(),
        paid_at: app.paid_at,
        originals_presented: originals,
        data_confirmed: true,
        identified_by_operator: operator,
        enrolled_by_administrator: administrator,
    };
    serde_json::to_vec(&s)
        .map_err(|e| RegistrationError::Store(crate::store::StoreError::Corrupt(e.to_string())))
}

impl Registration {
    /// Lock the application and check that it can be identified now: every check passed, the
    /// invoice paid, and the lifecycle allows it. Returns the row and the statement.
    async fn identifiable(
        &self,
        tx: &store::Transaction<'_>,
        actor: &Actor,
        id: Uuid,
        originals: &[String],
        attester: &Attester,
    ) -> Result<(sql::ApplicationRow, Vec<u8>), RegistrationError> {
        let app = self.locked(tx, actor, id).await?;
        let failed = failed_checks(tx, id).await?;
        if !failed.is_empty() {
            return Err(RegistrationError::Precondition(said!(
                "checks not passed: {}",
                "проверки не пройдены: {}",
                failed.join(", ")
            )));
        }
        if app.paid_at.is_none() {
            return Err(RegistrationError::Precondition(said!(
                "the invoice is not paid yet",
                "счёт ещё не оплачен"
            )));
        }
        let from = status_of(&app)?;
        if lifecycle::next(from, Act::Identify).is_none() {
            return Err(RegistrationError::Transition {
                from,
                act: Act::Identify,
            });
        }
        let checks = sql::checks(tx, id).await?;
        let bytes = statement(&app, &checks, originals, attester)?;
        Ok((app, bytes))
    }

    /// The statement the operator will sign when identifying with these originals.
    pub async fn identification_statement(
        &self,
        operator: &Operator,
        id: Uuid,
        identification: &Identification,
    ) -> Result<StatementView, RegistrationError> {
        let originals = originals_of(identification)?;
        let mut client = self.0.db.client().await?;
        let tx = client.transaction().await?;
        let attester = Attester::Operator(operator.account());
        let (_, bytes) = self
            .identifiable(&tx, operator.actor(), id, &originals, &attester)
            .await?;
        tx.rollback().await?;
        Ok(StatementView {
            hash_algorithm: "sha256".into(),
            hash: STANDARD.encode(DigestAlgorithm::Sha256.digest(&bytes)),
            statement: String::from_utf8_lossy(&bytes).into_owned(),
        })
    }

    /// Identify the applicant: the statement is signed with the operator's credential under
    /// their SAD and recorded with the application; a certificate awaiting activation is
    /// created and the marker goes out by SMS — all in one transaction.
    pub async fn identify(
        &self,
        operator: &Operator,
        id: Uuid,
        identification: &Identification,
        sign_off: SignOff<'_>,
    ) -> Result<ApplicationView, RegistrationError> {
        let originals = originals_of(identification)?;
        let credential = CredentialId::parse(sign_off.credential)?;
        let actor = operator.actor();
        let mut client = self.0.db.client().await?;
        let tx = client.transaction().await?;
        let attester = Attester::Operator(operator.account());
        let (app, bytes) = self
            .identifiable(&tx, actor, id, &originals, &attester)
            .await?;
        let hashes = Hashes {
            algorithm: DigestAlgorithm::Sha256,
            values: vec![DigestAlgorithm::Sha256.digest(&bytes)],
        };
        let meta = actor.meta();
        let holder = KeyHolder::new(
            OwnerId(operator.account()),
            meta.request_id.clone(),
            Some(meta.client_ip.clone()),
        );
        let (rows, spent) = self
            .0
            .signatures
            .make(
                &tx,
                &holder,
                Grant {
                    reach: crate::signatures::Reach::owner(operator.account()),
                    credential,
                    sad: sign_off.sad,
                },
                &hashes,
                Shape::DETACHED_BES,
                Some(format!("identification of application {}", app.number)),
            )
            .await
            .map_err(|e| match e {
                SignatureError::Signing(SigningError::HashNotAuthorised) => {
                    RegistrationError::Precondition(
                        said!("the authorisation is for another statement: the application or the \
                         originals changed; ask for the statement again", "авторизация дана для другого заявления: заявка или оригиналы изменились; запросите заявление снова"),
                    )
                }
                other => other.into(),
            })?;
        signed::insert(&tx, &rows).await?;
        let signature = rows.first().map(|r| r.id);
        signed::insert_identification(
            &tx,
            &signed::IdentificationRow {
                application_id: id,
                operator_id: Some(operator.account()),
                signature_id: signature,
                enrolled_by: None,
                originals: originals.clone(),
                statement: bytes,
                identified_at: self.0.clock.now(),
            },
        )
        .await?;
        let note = format!("originals: {}", originals.join(", "));
        self.identify_in(&tx, &app, actor, &note, signature).await?;
        tx.commit().await?;
        self.0.custody.settle(spent).await;
        self.application(actor, id).await
    }

    /// The identification step itself, in `tx`: status, a certificate awaiting activation,
    /// the marker by SMS and the audit entry.
    async fn identify_in(
        &self,
        tx: &store::Transaction<'_>,
        app: &sql::ApplicationRow,
        actor: &Actor,
        note: &str,
        signature: Option<Uuid>,
    ) -> Result<(), RegistrationError> {
        self.transition(tx, app, Act::Identify, actor, Some(note))
            .await?;
        let certificate = Uuid::new_v4();
        let now = self.0.clock.now();
        store::certificates::insert_pending(tx, certificate, app.id, app.account_id, None, now)
            .await?;
        self.send_marker(tx, app, certificate).await?;
        let event = actor
            .event("certificate.pending")
            .on("certificate", certificate.to_string())
            .with_details(serde_json::json!({
                "application": app.id,
                "identified_by": actor.id(),
                "signature": signature,
            }));
        audit::record(tx, self.0.clock.as_ref(), event).await?;
        Ok(())
    }

    /// The identification of an application the actor sees (404 before it happened).
    pub async fn identification(
        &self,
        actor: &Actor,
        id: Uuid,
    ) -> Result<IdentificationView, RegistrationError> {
        let client = self.0.db.client().await?;
        sql::get(&**client, id, actor.visibility())
            .await?
            .ok_or(RegistrationError::NotFound)?;
        let row = signed::identification(&**client, id)
            .await?
            .ok_or(RegistrationError::NotFound)?;
        let signature = match row.signature_id {
            Some(s) => signed::get(&**client, s).await?.map(|s| s.signature),
            None => None,
        };
        Ok(IdentificationView {
            identified_at: row.identified_at,
            originals: row.originals,
            operator: row.operator_id,
            enrolled_by: row.enrolled_by,
            statement: String::from_utf8_lossy(&row.statement).into_owned(),
            signature: signature.map(|s| STANDARD.encode(s)),
        })
    }

    /// Enrol an operator as a CA officer: the administrator files the officer's application
    /// at their point of issue and attests the identification (payment waived), so the
    /// officer can activate a certificate of their own — with their own PIN, as anyone — and
    /// sign the identifications they make. Every check must pass; each step is in the
    /// history and the audit trail under the administrator's name.
    pub async fn enrol_officer(
        &self,
        admin: &Administrator,
        officer: Uuid,
        product: &str,
        applicant: super::values::Applicant,
        identification: &Identification,
    ) -> Result<ApplicationView, RegistrationError> {
        let originals = originals_of(identification)?;
        let applicant = applicant.normalise(self.0.clock.now().date_naive())?;
        let findings = self.consult_registries(&applicant).await;
        let actor = admin.actor();
        let mut client = self.0.db.client().await?;
        let tx = client.transaction().await?;
        let account = store::accounts::get(&*tx, officer)
            .await?
            .filter(|a| a.role == "operator" && a.disabled_at.is_none())
            .ok_or(RegistrationError::NotFound)?;
        let point = account.point_of_issue.ok_or_else(|| {
            RegistrationError::Precondition(said!(
                "the operator has no point of issue",
                "у оператора нет пункта выдачи"
            ))
        })?;
        let (id, product) = self
            .create(
                &tx,
                actor,
                super::applications::Filing {
                    account: account.id,
                    product,
                    point,
                    applicant: &applicant,
                },
                findings,
            )
            .await?;
        if product.track != super::values::Track::Cloud {
            return Err(RegistrationError::Invalid(said!(
                "an officer certificate is a cloud certificate: choose a cloud product",
                "сертификат сотрудника — облачный: выберите облачный продукт"
            )));
        }
        let failed = failed_checks(&*tx, id).await?;
        if !failed.is_empty() {
            return Err(RegistrationError::Precondition(said!(
                "checks not passed: {}",
                "проверки не пройдены: {}",
                failed.join(", ")
            )));
        }
        let note = "officer enrolment by the administrator";
        let mut app = self.locked(&tx, actor, id).await?;
        for act in [Act::Accept, Act::Pay, Act::SubmitRequest] {
            if act == Act::Pay {
                sql::set_paid(&*tx, id, "officer enrolment: no charge", self.0.clock.now()).await?;
            }
            let to = self.transition(&tx, &app, act, actor, Some(note)).await?;
            app.status = to.as_str().to_owned();
        }
        let checks = sql::checks(&*tx, id).await?;
        app = self.locked(&tx, actor, id).await?;
        let bytes = statement(
            &app,
            &checks,
            &originals,
            &Attester::Administrator(admin.account()),
        )?;
        signed::insert_identification(
            &tx,
            &signed::IdentificationRow {
                application_id: id,
                operator_id: None,
                signature_id: None,
                enrolled_by: Some(admin.account()),
                originals,
                statement: bytes,
                identified_at: self.0.clock.now(),
            },
        )
        .await?;
        self.identify_in(&tx, &app, actor, note, None).await?;
        tx.commit().await?;
        self.application(actor, id).await
    }
}
