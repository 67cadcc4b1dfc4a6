//! What a recipient does with a delivered sending: verify the sender's signatures (each file's
//! protocol is kept for them and the time recorded), then either acknowledge it by signing the
//! canonical receipt with one of their own credentials (PIN and one-time code through the usual
//! authorisation, bound to the receipt's hash) or reject it with a reason. The sender is told
//! by email either way.

use super::values::MessageText;
use super::{Exchange, ExchangeError};
use crate::audit;
use crate::documents::DocumentId;
use crate::identity::{Person, RequestMeta};
use crate::notify::{self, Notification};
use crate::pki::cms::DigestAlgorithm;
use crate::said;
use crate::signatures::{CredentialId, Grant, Hashes, Shape};
use crate::store::sendings::{self as sql, FileRow, RecipientRow, SendingRow};
use crate::store::{accounts, certificates, signatures};
use crate::verification::Submitted;
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// The receipt a recipient signs, with its hash to authorise.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReceiptView {
    /// The canonical receipt (JSON text): sending, sender, recipient, delivery time, and per
    /// file its hash, its signature's hash and the signer's certificate fingerprint.
    pub receipt: String,
    /// `sha256`.
    pub hash_algorithm: &'static str,
    /// SHA-256 of the receipt, base64: authorise signing this hash.
    pub hash: String,
    /// When it was acknowledged, if it was.
    pub acknowledged_at: Option<DateTime<Utc>>,
}

/// One file as the recipient's verification found it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FileCheck {
    /// Its place in the sending.
    pub position: i32,
    /// File name.
    pub name: String,
    /// `passed`, `failed` or `indeterminate`.
    pub verdict: String,
    /// The saved protocol: `GET /api/v1/protocols/{id}` (JSON, HTML or PDF, EN or RU).
    pub protocol_id: Uuid,
}

/// The recipient's verification of a sending.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VerificationView {
    /// When the recipient verified.
    pub verified_at: DateTime<Utc>,
    /// Per file.
    pub files: Vec<FileCheck>,
}

/// The recipient's acknowledgement as given.
#[derive(Debug, Clone)]
pub struct Acknowledgement<'a> {
    /// The recipient's credential.
    pub credential: CredentialId,
    /// The SAD authorising the receipt's hash.
    pub sad: &'a str,
}

/// The canonical receipt: the same bytes every time for the same delivery.
fn receipt_bytes(s: &SendingRow, sender: &str, r: &RecipientRow, files: &[FileRow]) -> Vec<u8> {
    let files: Vec<serde_json::Value> = files
        .iter()
        .map(|f| {
            serde_json::json!({
                "name": f.name,
                "sha256": hex::encode(&f.sha256),
                "signature_sha256": f.signature_sha256.as_deref().map(hex::encode),
                "signer_certificate_sha256":
                    f.signer_certificate.as_deref().map(crate::pki::fingerprint),
            })
        })
        .collect();
    serde_json::json!({
        "receipt": "cloudseal delivery receipt 1",
        "sending": s.id,
        "subject": s.subject,
        "sender": sender,
        "sent_at": s.sent_at,
        "recipient": r.email,
        "delivered_at": r.delivered_at,
        "files": files,
    })
    .to_string()
    .into_bytes()
}

impl Exchange {
    /// The sending delivered to the caller, with their recipient row (the sender, and anyone
    /// else, finds nothing).
    pub(super) async fn received(
        &self,
        c: &impl tokio_postgres::GenericClient,
        id: Uuid,
        me: Uuid,
    ) -> Result<(SendingRow, RecipientRow), ExchangeError> {
        match self.visible(c, id, me).await? {
            (s, Some(r)) => Ok((s, r)),
            (_, None) => Err(ExchangeError::NotFound),
        }
    }

    /// The delivered sending and the caller's recipient row, locked, not yet answered.
    async fn unanswered(
        &self,
        tx: &crate::store::Transaction<'_>,
        id: Uuid,
        me: Uuid,
    ) -> Result<(SendingRow, RecipientRow), ExchangeError> {
        let (s, r) = self.received(tx, id, me).await?;
        let r = sql::recipient_for_update(tx, r.id)
            .await?
            .ok_or(ExchangeError::NotFound)?;
        answered(&r)?;
        Ok((s, r))
    }

    async fn receipt_of(
        &self,
        c: &impl tokio_postgres::GenericClient,
        s: &SendingRow,
        r: &RecipientRow,
    ) -> Result<Vec<u8>, ExchangeError> {
        let sender = accounts::get(c, s.sender_id)
            .await?
            .ok_or_else(|| ExchangeError::Internal("a sending without its sender".into()))?;
        let files = sql::files(c, s.id).await?;
        Ok(receipt_bytes(s, &sender.email, r, &files))
    }

    /// The receipt the caller, a recipient, would sign.
    pub async fn receipt(&self, person: &Person, id: Uuid) -> Result<ReceiptView, ExchangeError> {
        use base64::Engine;
        let client = self.0.db.client().await?;
        let (s, r) = self.received(&**client, id, person.account.0).await?;
        let bytes = self.receipt_of(&**client, &s, &r).await?;
        Ok(ReceiptView {
            hash: base64::engine::general_purpose::STANDARD
                .encode(DigestAlgorithm::Sha256.digest(&bytes)),
            receipt: String::from_utf8_lossy(&bytes).into_owned(),
            hash_algorithm: "sha256",
            acknowledged_at: r.acknowledged_at,
        })
    }

    /// The recipient verifies every file's signature; the protocols are kept for them and the
    /// time recorded.
    pub async fn verify_received(
        &self,
        person: &Person,
        meta: &RequestMeta,
        id: Uuid,
    ) -> Result<VerificationView, ExchangeError> {
        let me = person.account.0;
        let files = {
            let client = self.0.db.client().await?;
            self.received(&**client, id, me).await?;
            sql::files(&**client, id).await?
        };
        let mut checks = Vec::with_capacity(files.len());
        for f in files {
            let content = self
                .0
                .documents
                .shared_content(DocumentId(f.document_id))
                .await?;
            let document = crate::verification::Verification::digested(content).await?;
            let signature = f.signature.clone().ok_or_else(|| {
                ExchangeError::Internal("a sent file without its signature".into())
            })?;
            let protocol = self
                .0
                .verification
                .verify(
                    Some(me),
                    Submitted {
                        signature,
                        signature_name: Some(format!("{}.p7s", f.name)),
                        document: Some(document),
                    },
                )
                .await?;
            checks.push(FileCheck {
                position: f.position,
                name: f.name,
                verdict: serde_json::to_value(protocol.report.verdict)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default(),
                protocol_id: protocol.id,
            });
        }
        let now = self.0.clock.now();
        let mut client = self.0.db.client().await?;
        let tx = client.transaction().await?;
        let (_, r) = self.received(&*tx, id, me).await?;
        sql::set_verified(&tx, r.id, now).await?;
        let e = person
            .event(meta, "sending.verify")
            .on("sending", id.to_string())
            .with_details(serde_json::json!({
                "recipient": r.id,
                "files": checks.iter().map(|c| serde_json::json!({
                    "name": c.name, "verdict": c.verdict, "protocol": c.protocol_id,
                })).collect::<Vec<_>>(),
            }));
        audit::record(&tx, self.0.clock.as_ref(), e).await?;
        tx.commit().await?;
        Ok(VerificationView {
            verified_at: now,
            files: checks,
        })
    }

    /// The recipient signs the receipt with one of their credentials; refused before they
    /// have verified, and once acknowledged or rejected.
    pub async fn acknowledge(
        &self,
        person: &Person,
        meta: &RequestMeta,
        id: Uuid,
        ack: Acknowledgement<'_>,
    ) -> Result<super::views::SendingView, ExchangeError> {
        let me = person.account.0;
        let now = self.0.clock.now();
        let mut client = self.0.db.client().await?;
        let tx = client.transaction().await?;
        let (s, r) = self.unanswered(&tx, id, me).await?;
        if r.verified_at.is_none() {
            return Err(ExchangeError::Conflict(said!(
                "verify the sender's signatures first, then acknowledge",
                "сначала проверьте подписи отправителя, затем подтвердите получение"
            )));
        }
        let receipt = self.receipt_of(&*tx, &s, &r).await?;
        let hashes = Hashes {
            algorithm: DigestAlgorithm::Sha256,
            values: vec![DigestAlgorithm::Sha256.digest(&receipt)],
        };
        let holder = crate::signatures::key_holder(person, meta);
        let (rows, spent) = self
            .0
            .signatures
            .make(
                &tx,
                &holder,
                Grant {
                    reach: crate::signatures::Reach::of(person),
                    credential: ack.credential,
                    sad: ack.sad,
                },
                &hashes,
                Shape::DETACHED_BES,
                Some(format!("receipt for sending {id}")),
            )
            .await?;
        signatures::insert(&tx, &rows).await?;
        let made = rows
            .first()
            .ok_or_else(|| ExchangeError::Internal("no receipt signature".into()))?;
        let certificate = certificates::get_owned(&*tx, made.certificate_id, me)
            .await?
            .and_then(|c| c.der)
            .ok_or_else(|| ExchangeError::Internal("the receipt's certificate".into()))?;
        sql::acknowledge(&tx, r.id, now, &made.signature, &certificate).await?;
        let e = person
            .event(meta, "sending.acknowledge")
            .on("sending", id.to_string())
            .with_details(serde_json::json!({
                "recipient": r.id,
                "receipt_sha256": hex::encode(&hashes.values[0]),
                "signature": made.id,
                "certificate_sha256": crate::pki::fingerprint(&certificate),
            }));
        audit::record(&tx, self.0.clock.as_ref(), e).await?;
        self.tell_sender(&tx, &s, &r.email, None).await?;
        let view = self.view_of(&*tx, &s, me).await?;
        tx.commit().await?;
        self.0.signatures.settle(spent).await;
        Ok(view)
    }

    /// The recipient rejects the sending with a reason; once acknowledged or rejected, refused.
    pub async fn reject(
        &self,
        person: &Person,
        meta: &RequestMeta,
        id: Uuid,
        reason: MessageText,
    ) -> Result<super::views::SendingView, ExchangeError> {
        if reason.as_str().is_empty() {
            return Err(ExchangeError::Invalid(said!(
                "say why you reject it",
                "скажите, почему вы отклоняете его"
            )));
        }
        let me = person.account.0;
        let now = self.0.clock.now();
        let mut client = self.0.db.client().await?;
        let tx = client.transaction().await?;
        let (s, r) = self.unanswered(&tx, id, me).await?;
        sql::reject(&tx, r.id, now, reason.as_str()).await?;
        let e = person
            .event(meta, "sending.reject")
            .on("sending", id.to_string())
            .with_details(serde_json::json!({ "recipient": r.id, "reason": reason.as_str() }));
        audit::record(&tx, self.0.clock.as_ref(), e).await?;
        self.tell_sender(&tx, &s, &r.email, Some(reason.as_str()))
            .await?;
        let view = self.view_of(&*tx, &s, me).await?;
        tx.commit().await?;
        Ok(view)
    }

    /// Email the sender that a recipient acknowledged (no reason) or rejected.
    async fn tell_sender(
        &self,
        tx: &crate::store::Transaction<'_>,
        s: &SendingRow,
        recipient: &str,
        rejected: Option<&str>,
    ) -> Result<(), ExchangeError> {
        let sender = accounts::get(tx, s.sender_id)
            .await?
            .ok_or_else(|| ExchangeError::Internal("a sending without its sender".into()))?;
        let link = self
            .0
            .identity
            .link_to(&format!("/cabinet/sendings/{}", s.id));
        let ru = sender.language == "ru";
        let (subject, body) = match (rejected, ru) {
            (None, false) => (
                format!("Receipt signed: {}", s.subject),
                format!(
                    "{recipient} signed a receipt for «{}».\n\n{link}",
                    s.subject
                ),
            ),
            (None, true) => (
                format!("Получение подтверждено: {}", s.subject),
                format!(
                    "{recipient} подписал(а) квитанцию о получении «{}».\n\n{link}",
                    s.subject
                ),
            ),
            (Some(why), false) => (
                format!("Rejected: {}", s.subject),
                format!(
                    "{recipient} rejected «{}».\nReason: {why}\n\n{link}",
                    s.subject
                ),
            ),
            (Some(why), true) => (
                format!("Отклонено: {}", s.subject),
                format!(
                    "{recipient} отклонил(а) «{}».\nПричина: {why}\n\n{link}",
                    s.subject
                ),
            ),
        };
        notify::enqueue(
            tx,
            self.0.clock.as_ref(),
            "sending_answer",
            &Notification::Email {
                to: sender.email,
                subject,
                body,
            },
        )
        .await?;
        Ok(())
    }
}

/// A recipient answers once: acknowledged or rejected is final.
fn answered(r: &RecipientRow) -> Result<(), ExchangeError> {
    if r.acknowledged_at.is_some() {
        return Err(ExchangeError::Conflict(said!(
            "you have already acknowledged this sending",
            "вы уже подтвердили получение этого отправления"
        )));
    }
    if r.rejected_at.is_some() {
        return Err(ExchangeError::Conflict(said!(
            "you have already rejected this sending",
            "вы уже отклонили это отправление"
        )));
    }
    Ok(())
}
