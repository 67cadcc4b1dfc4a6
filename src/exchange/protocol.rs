//! The delivery protocol of a sending: what was sent (files, hashes, signatures, verdicts) and,
//! per recipient, when they were notified, when the sending reached them, when they verified it
//! and how they answered — sealed by the service key like every protocol, so any copy can be
//! checked with `POST /api/v1/verify/protocol`. A copy is prepared for one viewer and lists only
//! whom that viewer may see: the sender and auditors every recipient, a recipient themself.

use super::receiving::party;
use super::views::Party;
use super::{Exchange, ExchangeError};
use crate::audit;
use crate::identity::values::Role;
use crate::identity::{Person, RequestMeta};
use crate::said;
use crate::store::accounts;
use crate::store::sendings::{self as sql, FileRow, RecipientRow, SendingRow};
use crate::verification::page::{Page, Section, maybe, t, when};
use crate::verification::{Lang, ProtocolFormat, Verification};
use chrono::{DateTime, Utc};
use serde::Serialize;
use tokio_postgres::GenericClient;
use uuid::Uuid;

/// Who a delivery protocol is prepared for; it decides whom the protocol lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Viewer {
    /// A person: as the sender they see every recipient, as a recipient only themself.
    Person(Uuid),
    /// An auditor: every recipient.
    Auditor,
}

impl Viewer {
    /// Whether this viewer may see recipient `r` of sending `s`.
    pub(super) fn sees(self, s: &SendingRow, r: &RecipientRow) -> bool {
        match self {
            Viewer::Auditor => true,
            Viewer::Person(me) => {
                s.sender_id == me || (r.account_id == Some(me) && r.delivered_at.is_some())
            }
        }
    }

    fn role(self, s: &SendingRow) -> &'static str {
        match self {
            Viewer::Auditor => "auditor",
            Viewer::Person(me) if me == s.sender_id => "sender",
            Viewer::Person(_) => "recipient",
        }
    }
}

/// One attachment as the service checked it when it was sent.
#[derive(Debug, Clone, Serialize)]
pub struct FileFacts {
    /// Place in the sending, from 0.
    pub position: i32,
    /// File name.
    pub name: String,
    /// Size in bytes.
    pub size: i64,
    /// SHA-256 of the file, hex.
    pub sha256: String,
    /// SHA-256 of the sender's signature, hex.
    pub signature_sha256: Option<String>,
    /// The signer's certificate subject.
    pub signer: Option<String>,
    /// SHA-256 of the signer's certificate, hex.
    pub signer_certificate_sha256: Option<String>,
    /// The verification verdict when sent.
    pub verdict: Option<String>,
    /// When the service verified the signature.
    pub verified_at: Option<DateTime<Utc>>,
}

/// One recipient and every step of delivery.
#[derive(Debug, Clone, Serialize)]
pub struct RecipientFacts {
    /// Who.
    pub recipient: Party,
    /// `notified`, `delivered`, `verified`, `acknowledged` or `rejected`.
    pub status: &'static str,
    /// When the email with the link was queued.
    pub notification_queued_at: Option<DateTime<Utc>>,
    /// When the mail server took the email.
    pub notification_sent_at: Option<DateTime<Utc>>,
    /// When the link stops working.
    pub link_expires_at: Option<DateTime<Utc>>,
    /// When the recipient opened the link and the sending reached their Received folder.
    pub delivered_at: Option<DateTime<Utc>>,
    /// When the recipient verified the signatures.
    pub verified_at: Option<DateTime<Utc>>,
    /// When the recipient signed the receipt.
    pub acknowledged_at: Option<DateTime<Utc>>,
    /// SHA-256 of the receipt signature, hex.
    pub receipt_sha256: Option<String>,
    /// The subject of the certificate that signed the receipt.
    pub receipt_signer: Option<String>,
    /// SHA-256 of that certificate, hex.
    pub receipt_certificate_sha256: Option<String>,
    /// When the recipient rejected the sending.
    pub rejected_at: Option<DateTime<Utc>>,
    /// Why.
    pub rejection_reason: Option<String>,
}

/// The sending itself.
#[derive(Debug, Clone, Serialize)]
pub struct SendingFacts {
    /// Its id.
    pub id: Uuid,
    /// Subject.
    pub subject: String,
    /// Who sent it.
    pub sender: Party,
    /// When.
    pub sent_at: Option<DateTime<Utc>>,
}

/// A delivery protocol as its JSON carries it.
#[derive(Debug, Clone, Serialize)]
pub struct DeliveryProtocol {
    /// Always `delivery` (a verification protocol has none).
    pub kind: &'static str,
    /// This copy's number.
    pub id: Uuid,
    /// When this copy was made.
    pub issued_at: DateTime<Utc>,
    /// Who issued it (this service).
    pub service: &'static str,
    /// Whom it is prepared for: `sender`, `recipient` or `auditor`.
    pub prepared_for: &'static str,
    /// The sending.
    pub sending: SendingFacts,
    /// The attachments.
    pub files: Vec<FileFacts>,
    /// The recipients this viewer may see.
    pub recipients: Vec<RecipientFacts>,
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(bytes))
}

fn subject_of(der: &[u8]) -> Option<String> {
    crate::pki::parse_certificate(der)
        .ok()
        .map(|c| crate::pki::names::readable(&c.tbs_certificate.subject))
}

fn file_facts(f: &FileRow) -> FileFacts {
    FileFacts {
        position: f.position,
        name: f.name.clone(),
        size: f.size,
        sha256: hex::encode(&f.sha256),
        signature_sha256: f.signature_sha256.as_deref().map(hex::encode),
        signer: f.signer_subject.clone(),
        signer_certificate_sha256: f.signer_certificate.as_deref().map(sha256_hex),
        verdict: f.verdict.clone(),
        verified_at: f.verified_at,
    }
}

fn status(r: &RecipientRow) -> &'static str {
    if r.rejected_at.is_some() {
        "rejected"
    } else if r.acknowledged_at.is_some() {
        "acknowledged"
    } else if r.verified_at.is_some() {
        "verified"
    } else if r.delivered_at.is_some() {
        "delivered"
    } else {
        "notified"
    }
}

impl Exchange {
    /// The delivery protocol of a sent sending as `viewer` may see it.
    pub(super) async fn delivery(
        &self,
        c: &impl GenericClient,
        s: &SendingRow,
        viewer: Viewer,
    ) -> Result<DeliveryProtocol, ExchangeError> {
        let sent: std::collections::HashMap<Uuid, Option<DateTime<Utc>>> =
            sql::notifications_sent(c, s.id)
                .await?
                .into_iter()
                .collect();
        let mut recipients = Vec::new();
        for r in sql::recipients(c, s.id).await? {
            if !viewer.sees(s, &r) {
                continue;
            }
            recipients.push(RecipientFacts {
                recipient: party(c, &r.email, r.account_id).await?,
                status: status(&r),
                notification_queued_at: r.notified_at,
                notification_sent_at: sent.get(&r.id).copied().flatten(),
                link_expires_at: r.link_expires_at,
                delivered_at: r.delivered_at,
                verified_at: r.verified_at,
                acknowledged_at: r.acknowledged_at,
                receipt_sha256: r.receipt.as_deref().map(sha256_hex),
                receipt_signer: r.receipt_certificate.as_deref().and_then(subject_of),
                receipt_certificate_sha256: r.receipt_certificate.as_deref().map(sha256_hex),
                rejected_at: r.rejected_at,
                rejection_reason: r.rejection_reason,
            });
        }
        let sender = accounts::get(c, s.sender_id)
            .await?
            .ok_or_else(|| ExchangeError::Internal("a sending without its sender".into()))?;
        Ok(DeliveryProtocol {
            kind: "delivery",
            id: Uuid::new_v4(),
            issued_at: self.0.clock.now(),
            service: "cloudseal",
            prepared_for: viewer.role(s),
            sending: SendingFacts {
                id: s.id,
                subject: s.subject.clone(),
                sender: Party {
                    email: sender.email,
                    name: Some(format!("{} {}", sender.given_name, sender.surname)),
                },
                sent_at: s.sent_at,
            },
            files: sql::files(c, s.id).await?.iter().map(file_facts).collect(),
            recipients,
        })
    }

    /// The delivery protocol of a sending the caller sent or received, sealed, as a file.
    pub async fn delivery_protocol(
        &self,
        me: Uuid,
        id: Uuid,
        format: ProtocolFormat,
        lang: Lang,
    ) -> Result<Vec<u8>, ExchangeError> {
        let protocol = {
            let client = self.0.db.client().await?;
            let (s, _) = self.visible(&**client, id, me).await?;
            if s.state != "sent" {
                return Err(ExchangeError::Conflict(said!(
                    "a draft has no delivery protocol until it is sent",
                    "у черновика нет протокола доставки, пока он не отправлен"
                )));
            }
            self.delivery(&**client, &s, Viewer::Person(me)).await?
        };
        Ok(seal(&self.0.verification, &protocol, format, lang).await?)
    }

    /// Any sent sending's delivery protocol with every recipient, for an auditor. Each read is
    /// an audit entry: it shows the parties' dealings to someone who is not one of them.
    pub async fn auditor_protocol(
        &self,
        auditor: &Person,
        meta: &RequestMeta,
        id: Uuid,
        format: ProtocolFormat,
        lang: Lang,
    ) -> Result<Vec<u8>, ExchangeError> {
        auditors_only(auditor)?;
        let protocol = {
            let mut client = self.0.db.client().await?;
            let s = sql::get(&**client, id, false)
                .await?
                .filter(|s| s.state == "sent")
                .ok_or(ExchangeError::NotFound)?;
            let tx = client.transaction().await?;
            let e = auditor
                .event(meta, "sending.protocol_read")
                .on("sending", id.to_string())
                .with_details(serde_json::json!({ "format": format.extension() }));
            audit::record(&tx, self.0.clock.as_ref(), e).await?;
            tx.commit().await?;
            self.delivery(&**client, &s, Viewer::Auditor).await?
        };
        Ok(seal(&self.0.verification, &protocol, format, lang).await?)
    }
}

/// Refuse anyone but auditors (and admins) what shows every party's dealings.
pub(super) fn auditors_only(person: &Person) -> Result<(), ExchangeError> {
    if matches!(person.role, Role::Auditor | Role::Admin) {
        Ok(())
    } else {
        Err(ExchangeError::Forbidden(said!(
            "Every party's delivery protocols are for auditors.",
            "Протоколы доставки всех сторон — для аудиторов."
        )))
    }
}

/// The protocol as a sealed file in one format and language.
pub(super) async fn seal(
    verification: &Verification,
    protocol: &DeliveryProtocol,
    format: ProtocolFormat,
    lang: Lang,
) -> Result<Vec<u8>, crate::verification::VerificationError> {
    verification
        .seal_page(&page(protocol, lang), protocol, format)
        .await
}

fn verdict(lang: Lang, v: Option<&str>) -> String {
    match v {
        Some("passed") => t(lang, "the signature is valid", "подпись действительна").into(),
        Some(other) => other.to_owned(),
        None => "—".into(),
    }
}

fn status_words(lang: Lang, status: &str) -> &'static str {
    match status {
        "rejected" => t(lang, "rejected", "отклонено"),
        "acknowledged" => t(lang, "receipt signed", "получение подтверждено подписью"),
        "verified" => t(lang, "signatures verified", "подписи проверены"),
        "delivered" => t(lang, "delivered", "доставлено"),
        _ => t(
            lang,
            "notified, not yet opened",
            "уведомлён, ещё не открыто",
        ),
    }
}

fn headline(p: &DeliveryProtocol, lang: Lang) -> String {
    let count = |s: &str| p.recipients.iter().filter(|r| r.status == s).count();
    let acknowledged = count("acknowledged");
    let rejected = count("rejected");
    let delivered = p.recipients.len() - count("notified");
    format!(
        "{}: {}; {}: {delivered}; {}: {acknowledged}; {}: {rejected}",
        t(lang, "Recipients listed", "Получателей в протоколе"),
        p.recipients.len(),
        t(lang, "delivered", "доставлено"),
        t(lang, "receipt signed", "подтвердили получение"),
        t(lang, "rejected", "отклонили"),
    )
}

fn prepared_for(lang: Lang, role: &str) -> &'static str {
    match role {
        "sender" => t(lang, "the sender", "отправителя"),
        "recipient" => t(lang, "the recipient", "получателя"),
        _ => t(lang, "an auditor", "аудитора"),
    }
}

fn person(p: &Party) -> String {
    match &p.name {
        Some(name) => format!("{name} <{}>", p.email),
        None => p.email.clone(),
    }
}

fn page(p: &DeliveryProtocol, lang: Lang) -> Page {
    let none = || "—".to_owned();
    let mut sections = vec![
        Section {
            heading: t(lang, "Protocol", "Протокол").into(),
            fields: vec![
                (t(lang, "Number", "Номер"), p.id.to_string()),
                (
                    t(lang, "Issued at", "Время формирования"),
                    when(p.issued_at),
                ),
                (t(lang, "Issued by", "Сформировал"), p.service.into()),
                (
                    t(lang, "Prepared for", "Подготовлен для"),
                    prepared_for(lang, p.prepared_for).into(),
                ),
            ],
        },
        Section {
            heading: t(lang, "Sending", "Отправление").into(),
            fields: vec![
                (t(lang, "Number", "Номер"), p.sending.id.to_string()),
                (t(lang, "Subject", "Тема"), p.sending.subject.clone()),
                (t(lang, "Sender", "Отправитель"), person(&p.sending.sender)),
                (
                    t(lang, "Sent at", "Время отправки"),
                    maybe(p.sending.sent_at),
                ),
            ],
        },
    ];
    for f in &p.files {
        sections.push(Section {
            heading: format!("{} {}", t(lang, "File", "Файл"), f.position + 1),
            fields: vec![
                (t(lang, "Name", "Имя"), f.name.clone()),
                (t(lang, "Size, bytes", "Размер, байт"), f.size.to_string()),
                ("SHA-256", f.sha256.clone()),
                (
                    t(lang, "Signature SHA-256", "SHA-256 подписи"),
                    f.signature_sha256.clone().unwrap_or_else(none),
                ),
                (
                    t(lang, "Signer", "Подписант"),
                    f.signer.clone().unwrap_or_else(none),
                ),
                (
                    t(
                        lang,
                        "Signer certificate SHA-256",
                        "SHA-256 сертификата подписанта",
                    ),
                    f.signer_certificate_sha256.clone().unwrap_or_else(none),
                ),
                (
                    t(lang, "Verification result", "Результат проверки"),
                    verdict(lang, f.verdict.as_deref()),
                ),
                (
                    t(lang, "Verified at", "Время проверки"),
                    maybe(f.verified_at),
                ),
            ],
        });
    }
    for (i, r) in p.recipients.iter().enumerate() {
        sections.push(Section {
            heading: format!("{} {}", t(lang, "Recipient", "Получатель"), i + 1),
            fields: vec![
                (t(lang, "Who", "Кто"), person(&r.recipient)),
                (
                    t(lang, "Status", "Состояние"),
                    status_words(lang, r.status).into(),
                ),
                (
                    t(
                        lang,
                        "Notification queued",
                        "Уведомление поставлено в очередь",
                    ),
                    maybe(r.notification_queued_at),
                ),
                (
                    t(lang, "Notification sent", "Уведомление отправлено"),
                    maybe(r.notification_sent_at),
                ),
                (
                    t(lang, "Link valid until", "Ссылка действует до"),
                    maybe(r.link_expires_at),
                ),
                (t(lang, "Delivered", "Доставлено"), maybe(r.delivered_at)),
                (
                    t(lang, "Signatures verified", "Подписи проверены"),
                    maybe(r.verified_at),
                ),
                (
                    t(lang, "Receipt signed", "Получение подтверждено"),
                    maybe(r.acknowledged_at),
                ),
                (
                    t(lang, "Receipt SHA-256", "SHA-256 квитанции"),
                    r.receipt_sha256.clone().unwrap_or_else(none),
                ),
                (
                    t(lang, "Receipt signed by", "Квитанцию подписал"),
                    r.receipt_signer.clone().unwrap_or_else(none),
                ),
                (
                    t(lang, "Its certificate SHA-256", "SHA-256 его сертификата"),
                    r.receipt_certificate_sha256.clone().unwrap_or_else(none),
                ),
                (t(lang, "Rejected", "Отклонено"), maybe(r.rejected_at)),
                (
                    t(lang, "Reason", "Причина"),
                    r.rejection_reason.clone().unwrap_or_else(none),
                ),
            ],
        });
    }
    Page {
        lang,
        title: t(lang, "Delivery protocol", "Протокол доставки"),
        headline: headline(p, lang),
        sections,
    }
}
