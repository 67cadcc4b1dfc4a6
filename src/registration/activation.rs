//! Activation by the SMS marker, issuance, the holder's certificates, and revocation.
//!
//! The marker is random, single use, kept only as a MAC under the identity data key, expires,
//! and locks after a number of wrong tries. Once the marker and the second factor are right,
//! one transaction generates the key in the vault (cloud track), issues the certificate from
//! the identified data and makes it active — or, on the own-key track, certifies the public
//! key of the request the applicant sent.

use super::lifecycle::{Act, Status};
use super::values::{Applicant, Purpose, Track};
use super::views::{CertificateView, certificate_view};
use super::{Actor, Operator, Registration, RegistrationError, kind_of, status_of};
use crate::audit::{self, AuditEvent};
use crate::identity::confirm::Operation;
use crate::identity::values::Language;
use crate::identity::{Person, RequestMeta};
use crate::pki::identifiers::{Inn, Ogrn, Snils};
use crate::pki::profile::SubjectData;
use crate::pki::revocation::RevocationReason;
use crate::pki::scheme::KeyAlgorithm;
use crate::said;
use crate::said::Said;
use crate::signing::{KeyHolder, OwnerId, Pin};
use crate::store::{self, StoreError, applications::ApplicationRow, certificates as sql};
use rand::Rng;
use uuid::Uuid;
use zeroize::Zeroizing;

/// Letters and digits nobody confuses when reading an SMS aloud (no 0/O, 1/I/L, U).
const MARKER_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTVWXYZ23456789";
const MARKER_LEN: usize = 10;

fn marker_mac(
    identity: &crate::identity::Identity,
    certificate: Uuid,
    marker: &str,
) -> Result<Vec<u8>, RegistrationError> {
    let normal: String = marker
        .chars()
        .filter(|c| !matches!(c, '-' | ' '))
        .map(|c| c.to_ascii_uppercase())
        .collect();
    Ok(identity.secrets().mac(
        "activation-marker",
        &[certificate.as_bytes(), normal.as_bytes()],
    )?)
}

/// A fresh marker (`XXXXX-XXXXX`, ~49 bits) and its stored MAC.
pub(super) fn new_marker(
    identity: &crate::identity::Identity,
    certificate: Uuid,
) -> Result<(Zeroizing<String>, Vec<u8>), RegistrationError> {
    let mut rng = rand::rngs::OsRng;
    let mut marker = Zeroizing::new(String::with_capacity(MARKER_LEN + 1));
    for i in 0..MARKER_LEN {
        if i == MARKER_LEN / 2 {
            marker.push('-');
        }
        marker.push(char::from(
            MARKER_ALPHABET[rng.gen_range(0..MARKER_ALPHABET.len())],
        ));
    }
    let mac = marker_mac(identity, certificate, &marker)?;
    Ok((marker, mac))
}

/// Whose certificate a revocation may touch.
#[derive(Debug, Clone, Copy)]
enum Whose {
    /// The holder's own.
    Holder(Uuid),
    /// One issued on this application (already checked visible to the operator).
    Application(Uuid),
}

/// What the holder sends to activate.
pub struct Activation<'a> {
    /// The marker from the SMS.
    pub marker: &'a str,
    /// The new signing PIN (cloud track only).
    pub pin: Option<&'a str>,
    /// The confirmation handle and its code (second factor).
    pub confirmation: &'a str,
    /// The code.
    pub code: &'a str,
    /// Cloud track: the kind of key to create, when the holder chose one (ECDSA P-256
    /// otherwise); refused on the own-key track, whose key is already made.
    pub key_algorithm: Option<KeyAlgorithm>,
}

/// The key algorithm a holder names at activation (none when the name is absent or empty),
/// checked: one the vault keeps in custody.
pub fn chosen_key_algorithm(name: Option<&str>) -> Result<Option<KeyAlgorithm>, RegistrationError> {
    match name.map(str::trim) {
        None | Some("") => Ok(None),
        named => KeyAlgorithm::chosen_for_custody(named)
            .map(Some)
            .ok_or_else(|| {
                RegistrationError::Invalid(said!(
                    "key_algorithm is `ecdsa_p256` (the default), `rsa_2048` or `rsa_3072`",
                    "key_algorithm — `ecdsa_p256` (по умолчанию), `rsa_2048` или `rsa_3072`"
                ))
            }),
    }
}

/// The operation a holder confirms to activate the certificate of application `number`.
pub fn activation_operation(application: Uuid, number: i64) -> Operation {
    Operation {
        target: format!("activate:{application}"),
        en: format!("activate the certificate of application {number}"),
        ru: format!("активировать сертификат по заявке {number}"),
    }
}

/// The operation a holder confirms to revoke certificate `serial`.
pub fn revocation_operation(certificate: Uuid, serial: &str) -> Operation {
    Operation {
        target: format!("revoke:{certificate}"),
        en: format!("REVOKE certificate {serial}"),
        ru: format!("ОТОЗВАТЬ сертификат {serial}"),
    }
}

/// The subject of the certificate issued on `app`: the person (with their organisation when
/// they act for one) for a signature; for a seal the organisation alone, since the seal's
/// signatures are the organisation's acts, whoever or whatever applies it.
pub(super) fn subject_of(
    app: &ApplicationRow,
    email: &str,
) -> Result<SubjectData, RegistrationError> {
    let a = &super::applicant_of(app)?;
    let data = person_subject(a, email)?;
    if super::purpose_of(app)? != Purpose::Seal {
        return Ok(data);
    }
    let org = a.organisation.as_ref().ok_or_else(|| {
        RegistrationError::Precondition(said!(
            "a seal needs the organisation it is issued to",
            "для печати нужна организация, которой она выдаётся"
        ))
    })?;
    Ok(SubjectData {
        common_name: org.name.clone(),
        organization: Some(org.name.clone()),
        country: Some("RU".into()),
        email: data.email,
        ogrn: data.ogrn,
        inn_le: data.inn_le,
        ..SubjectData::default()
    })
}

fn person_subject(a: &Applicant, email: &str) -> Result<SubjectData, RegistrationError> {
    let bad = |what: Said| {
        RegistrationError::Precondition(Said::new(
            format!("{what} does not pass its check"),
            format!("{} не проходит проверку", what.in_lang(Language::Ru)),
        ))
    };
    let org = a.organisation.as_ref();
    Ok(SubjectData {
        common_name: a.full_name(),
        surname: Some(a.surname.clone()),
        given_name: Some(match &a.patronymic {
            Some(p) => format!("{} {p}", a.given_name),
            None => a.given_name.clone(),
        }),
        organization: org.map(|o| o.name.clone()),
        title: org.map(|o| o.position.clone()),
        country: Some(a.residence.clone()),
        locality: None,
        region: None,
        email: Some(email.to_owned()),
        snils: a
            .snils
            .as_deref()
            .map(Snils::parse)
            .transpose()
            .map_err(|_| bad(said!("SNILS", "СНИЛС")))?,
        inn: a
            .inn
            .as_deref()
            .map(Inn::parse)
            .transpose()
            .map_err(|_| bad(said!("INN", "ИНН")))?,
        ogrn: org
            .map(|o| Ogrn::parse(&o.ogrn))
            .transpose()
            .map_err(|_| bad(said!("OGRN", "ОГРН")))?,
        inn_le: org
            .map(|o| Inn::parse(&o.inn))
            .transpose()
            .map_err(|_| bad(said!("the organisation's INN", "ИНН организации")))?,
    })
}

impl Registration {
    fn applicant_actor(
        &self,
        person: &Person,
        meta: &RequestMeta,
    ) -> Result<Actor, RegistrationError> {
        Actor::holder(person, meta).ok_or(RegistrationError::NotFound)
    }

    /// Check the marker of the application's pending certificate; a wrong one is counted (and
    /// committed) before anything else happens. Returns the certificate's id.
    async fn check_marker(
        &self,
        actor: &Actor,
        application: Uuid,
        marker: &str,
    ) -> Result<Uuid, RegistrationError> {
        let mut client = self.0.db.client().await?;
        let tx = client.transaction().await?;
        let app = self.locked(&tx, actor, application).await?;
        let from = status_of(&app)?;
        if from != Status::Issuing {
            return Err(RegistrationError::Transition {
                from,
                act: Act::Activate,
            });
        }
        let pending = sql::of_application(&*tx, application)
            .await?
            .into_iter()
            .find(|c| c.status == "pending_activation")
            .ok_or(RegistrationError::BadMarker)?;
        let row = sql::marker_for_update(&*tx, pending.id)
            .await?
            .ok_or(RegistrationError::BadMarker)?;
        let max = i32::try_from(self.0.cfg.marker_max_failures.get()).unwrap_or(i32::MAX);
        if row.failures >= max {
            return Err(RegistrationError::MarkerLocked);
        }
        let now = self.0.clock.now();
        let given = marker_mac(&self.0.identity, pending.id, marker)?;
        let right = crate::identity::codes::same(&row.marker_mac, &given);
        if right && row.used_at.is_none() && row.expires_at > now {
            return Ok(pending.id);
        }
        sql::marker_failed(&*tx, pending.id).await?;
        let mut e = actor
            .event("certificate.activate")
            .on("certificate", pending.id.to_string())
            .with_details(serde_json::json!({ "reason": "wrong_marker" }));
        e.outcome = audit::Outcome::Failure;
        audit::record(&tx, self.0.clock.as_ref(), e).await?;
        tx.commit().await?;
        if row.failures + 1 >= max {
            Err(RegistrationError::MarkerLocked)
        } else {
            Err(RegistrationError::BadMarker)
        }
    }

    /// Start the second-factor confirmation of activating `application`'s certificate.
    pub async fn activation_confirmation(
        &self,
        person: &Person,
        meta: &RequestMeta,
        application: Uuid,
    ) -> Result<crate::identity::confirm::PendingConfirmation, RegistrationError> {
        let actor = self.applicant_actor(person, meta)?;
        let app = self.application(&actor, application).await?;
        let op = activation_operation(app.id, app.number);
        Ok(self
            .0
            .identity
            .confirmation_start(person, &op, meta)
            .await?)
    }

    /// Activate: marker, then (cloud track) the PIN policy, then the second factor; then in
    /// one transaction the key is born, the certificate issued and made active.
    pub async fn activate(
        &self,
        person: &Person,
        meta: &RequestMeta,
        application: Uuid,
        input: Activation<'_>,
    ) -> Result<CertificateView, RegistrationError> {
        let actor = self.applicant_actor(person, meta)?;
        let certificate = self.check_marker(&actor, application, input.marker).await?;
        let view = self.application(&actor, application).await?;
        let pin = match (view.track, input.pin) {
            (Track::Cloud, Some(p)) => Some(Pin::new_pin(p)?),
            (Track::Cloud, None) => {
                return Err(RegistrationError::Invalid(said!(
                    "choose the signing PIN that will protect your key",
                    "выберите PIN подписи, который будет защищать ваш ключ"
                )));
            }
            (Track::OwnKey, Some(_)) => {
                return Err(RegistrationError::Invalid(said!(
                    "an own-key certificate takes no PIN: your key stays on your token",
                    "сертификату с собственным ключом PIN не нужен: ваш ключ остаётся на вашем токене"
                )));
            }
            (Track::OwnKey, None) => None,
        };
        if view.track == Track::OwnKey && input.key_algorithm.is_some() {
            return Err(RegistrationError::Invalid(said!(
                "an own-key certificate takes no key_algorithm: it certifies the key of your \
                 request",
                "сертификату с собственным ключом key_algorithm не нужен: он заверяет ключ из вашего запроса"
            )));
        }
        let algorithm = input.key_algorithm.unwrap_or(KeyAlgorithm::EcdsaP256);
        let op = activation_operation(application, view.number);
        self.0
            .identity
            .confirm(person, input.confirmation, input.code, &op.target, meta)
            .await?;
        let mut client = self.0.db.client().await?;
        let tx = client.transaction().await?;
        let app = self.locked(&tx, &actor, application).await?;
        let marker = sql::marker_for_update(&*tx, certificate)
            .await?
            .filter(|m| m.used_at.is_none())
            .ok_or(RegistrationError::BadMarker)?;
        let holder = store::accounts::get(&*tx, app.account_id)
            .await?
            .ok_or(RegistrationError::NotFound)?;
        let data = subject_of(&app, &holder.email)?;
        let (key_id, public_key) = match pin {
            Some(pin) => {
                let keys = KeyHolder::new(
                    OwnerId(app.account_id),
                    meta.request_id.clone(),
                    Some(meta.client_ip.clone()),
                );
                let key = self
                    .0
                    .custody
                    .create_key_in(&tx, &keys, algorithm, &pin)
                    .await?;
                (Some(key.id.0), key.public_key)
            }
            None => {
                let csr = app.csr.as_deref().ok_or_else(|| {
                    RegistrationError::Precondition(said!(
                        "the certificate request is missing",
                        "запроса на сертификат нет"
                    ))
                })?;
                let checked = crate::pki::csr::check(csr)
                    .map_err(|e| RegistrationError::Invalid(e.said()))?;
                (None, checked.public_key)
            }
        };
        let serial = self
            .issue_into(&tx, certificate, &app, data, key_id, public_key)
            .await?;
        let now = self.0.clock.now();
        sql::marker_used(&*tx, marker.certificate_id, now).await?;
        self.transition(&tx, &app, Act::Activate, &actor, None)
            .await?;
        self.start_originals_clock(&tx, &app).await?;
        let e = actor
            .event("certificate.activate")
            .on("certificate", certificate.to_string())
            .with_details(serde_json::json!({
                "serial": hex::encode(&serial),
                "key": key_id,
                "key_algorithm": key_id.map(|_| algorithm.as_str()),
                "track": app.track,
            }));
        audit::record(&tx, self.0.clock.as_ref(), e).await?;
        tx.commit().await?;
        self.certificate(person, certificate).await
    }

    /// Issue the certificate `certificate` (pending) for `public_key` with the identified
    /// `data` and make it active, in `tx`; returns its serial.
    pub(super) async fn issue_into(
        &self,
        tx: &store::Transaction<'_>,
        certificate: Uuid,
        app: &store::applications::ApplicationRow,
        data: SubjectData,
        key_id: Option<Uuid>,
        public_key: Vec<u8>,
    ) -> Result<Vec<u8>, RegistrationError> {
        let der = self
            .0
            .registry
            .issue_end_entity(tx, data, public_key, kind_of(app)?.certificate_kind())
            .await?;
        let cert = crate::pki::parse_certificate(&der)
            .map_err(|e| RegistrationError::Store(StoreError::Corrupt(e.to_string())))?;
        let tbs = &cert.tbs_certificate;
        let serial = tbs.serial_number.as_bytes().to_vec();
        let activated = sql::activate(
            tx,
            certificate,
            key_id,
            &serial,
            &der,
            crate::pki::time::to_chrono(&tbs.validity.not_before),
            crate::pki::time::to_chrono(&tbs.validity.not_after),
            self.0.clock.now(),
        )
        .await?;
        if !activated {
            return Err(RegistrationError::Precondition(said!(
                "the certificate no longer awaits activation",
                "сертификат больше не ожидает активации"
            )));
        }
        Ok(serial)
    }

    /// The holder's certificates.
    pub async fn certificates(
        &self,
        person: &Person,
    ) -> Result<Vec<CertificateView>, RegistrationError> {
        let client = self.0.db.client().await?;
        let now = self.0.clock.now();
        Ok(sql::of_account(&**client, person.account.0)
            .await?
            .iter()
            .map(|c| certificate_view(c, now))
            .collect())
    }

    /// One of the holder's certificates.
    pub async fn certificate(
        &self,
        person: &Person,
        id: Uuid,
    ) -> Result<CertificateView, RegistrationError> {
        let client = self.0.db.client().await?;
        let row = sql::get_owned(&**client, id, person.account.0)
            .await?
            .ok_or(RegistrationError::NotFound)?;
        Ok(certificate_view(&row, self.0.clock.now()))
    }

    /// The DER of one of the holder's certificates.
    pub async fn certificate_der(
        &self,
        person: &Person,
        id: Uuid,
    ) -> Result<Vec<u8>, RegistrationError> {
        let client = self.0.db.client().await?;
        sql::get_owned(&**client, id, person.account.0)
            .await?
            .and_then(|c| c.der)
            .ok_or(RegistrationError::NotFound)
    }

    /// Start the second-factor confirmation of revoking one of the holder's certificates.
    pub async fn revocation_confirmation(
        &self,
        person: &Person,
        meta: &RequestMeta,
        id: Uuid,
    ) -> Result<crate::identity::confirm::PendingConfirmation, RegistrationError> {
        let cert = self.certificate(person, id).await?;
        let op = revocation_operation(id, cert.serial.as_deref().unwrap_or("-"));
        Ok(self
            .0
            .identity
            .confirmation_start(person, &op, meta)
            .await?)
    }

    /// The holder revokes their certificate, confirmed by the second factor.
    pub async fn revoke_own(
        &self,
        person: &Person,
        meta: &RequestMeta,
        id: Uuid,
        reason: RevocationReason,
        confirmation: &str,
        code: &str,
    ) -> Result<CertificateView, RegistrationError> {
        let cert = self.certificate(person, id).await?;
        let op = revocation_operation(id, cert.serial.as_deref().unwrap_or("-"));
        self.0
            .identity
            .confirm(person, confirmation, code, &op.target, meta)
            .await?;
        let event = person.event(meta, "certificate.revoke");
        self.revoke(
            id,
            Whose::Holder(person.account.0),
            reason,
            "by the holder",
            event,
        )
        .await?;
        self.certificate(person, id).await
    }

    /// An operator revokes a certificate issued on an application of their point of issue.
    pub async fn revoke_by_operator(
        &self,
        operator: &Operator,
        application: Uuid,
        certificate: Uuid,
        reason: RevocationReason,
        note: &str,
    ) -> Result<(), RegistrationError> {
        let note = note.trim();
        if note.is_empty() || note.chars().count() > 1000 {
            return Err(RegistrationError::Invalid(said!(
                "a revocation by an operator needs a reason of 1 to 1000 characters",
                "отзыву оператором нужна причина от 1 до 1000 символов"
            )));
        }
        self.application(operator.actor(), application).await?;
        let event = operator
            .actor()
            .event("certificate.revoke")
            .with_details(serde_json::json!({ "note": note }));
        self.revoke(
            certificate,
            Whose::Application(application),
            reason,
            note,
            event,
        )
        .await
    }

    /// Revoke: the registry's record (and so the CRL and OCSP) and ours change in one
    /// transaction. `whose` is checked before anything changes: a certificate outside it is
    /// not found.
    async fn revoke(
        &self,
        id: Uuid,
        whose: Whose,
        reason: RevocationReason,
        note: &str,
        event: AuditEvent,
    ) -> Result<(), RegistrationError> {
        let mut client = self.0.db.client().await?;
        let tx = client.transaction().await?;
        let row = sql::get_for_update(&*tx, id)
            .await?
            .filter(|c| match whose {
                Whose::Holder(account) => c.account_id == account,
                Whose::Application(application) => c.application_id == application,
            })
            .ok_or(RegistrationError::NotFound)?;
        let serial = match (&row.status[..], &row.serial) {
            ("active", Some(serial)) => serial.clone(),
            _ => {
                return Err(RegistrationError::Precondition(said!(
                    "only an active certificate can be revoked",
                    "отозвать можно только действующий сертификат"
                )));
            }
        };
        let at = self
            .0
            .registry
            .revoke_credential_in(&tx, id, &serial, reason, event)
            .await?;
        if !sql::revoke(&*tx, id, note, at).await? {
            return Err(RegistrationError::Precondition(said!(
                "only an active certificate can be revoked",
                "отозвать можно только действующий сертификат"
            )));
        }
        tx.commit().await?;
        Ok(())
    }
}
