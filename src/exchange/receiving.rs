//! Receiving: the emailed link, opened by the addressed recipient while signed in, delivers the
//! sending into their Received folder; anyone else gets 404 and an audit entry. Folders, one
//! sending's view (the sender sees every recipient, a recipient only themself), its files and
//! signatures, and read/unread.

use super::protocol::Viewer;
use super::sendings::link_hash;
use super::views::{Party, RecipientView, SendingFileView, SendingSummary, SendingView};
use super::{Exchange, ExchangeError};
use crate::audit;
use crate::documents::{Content, DocumentId};
use crate::identity::{Person, RequestMeta};
use crate::said;
use crate::store::accounts;
use crate::store::sendings::{self as sql, FileRow, RecipientRow, SendingRow};
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use tokio_postgres::GenericClient;
use uuid::Uuid;

/// A folder of the caller's sendings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Folder {
    /// Delivered to the caller.
    Received,
    /// Sent by the caller.
    Sent,
    /// The caller's drafts.
    Drafts,
}

impl Folder {
    /// `received`, `sent` or `drafts`.
    pub fn parse(text: &str) -> Result<Self, ExchangeError> {
        match text {
            "received" => Ok(Folder::Received),
            "sent" => Ok(Folder::Sent),
            "drafts" => Ok(Folder::Drafts),
            _ => Err(ExchangeError::Invalid(said!(
                "folder is `received`, `sent` or `drafts`",
                "folder — `received`, `sent` или `drafts`"
            ))),
        }
    }
}

/// A signature file of a sending.
#[derive(Debug, Clone)]
pub struct SignatureFile {
    /// `<file name>.p7s`.
    pub name: String,
    /// The CMS signature (DER).
    pub der: Vec<u8>,
}

/// Longest link secret looked up (ours are 43 characters).
const MAX_LINK: usize = 128;

fn file_view(f: &FileRow, sender: bool) -> SendingFileView {
    SendingFileView {
        position: f.position,
        document_id: sender.then_some(f.document_id),
        signature_id: if sender { f.signature_id } else { None },
        name: f.name.clone(),
        media_type: f.media_type.clone(),
        size: f.size,
        sha256: hex::encode(&f.sha256),
        signed: f.signature.is_some() || f.signature_id.is_some(),
        signature_sha256: f.signature_sha256.as_deref().map(hex::encode),
        signer: f.signer_subject.clone(),
        verdict: f.verdict.clone(),
        verified_at: f.verified_at,
    }
}

/// A person in a sending: the email, and the name once it has an account.
pub(super) async fn party(
    c: &impl GenericClient,
    email: &str,
    account: Option<Uuid>,
) -> Result<Party, ExchangeError> {
    let name = match account {
        Some(id) => accounts::get(c, id)
            .await?
            .map(|a| format!("{} {}", a.given_name, a.surname)),
        None => None,
    };
    Ok(Party {
        email: email.to_owned(),
        name,
    })
}

impl Exchange {
    /// The sending as `me` may see it.
    pub(super) async fn view_of(
        &self,
        c: &impl GenericClient,
        s: &SendingRow,
        me: Uuid,
    ) -> Result<SendingView, ExchangeError> {
        let is_sender = s.sender_id == me;
        let sender = accounts::get(c, s.sender_id)
            .await?
            .ok_or_else(|| ExchangeError::Internal("a sending without its sender".into()))?;
        let shown: Vec<RecipientRow> = sql::recipients(c, s.id)
            .await?
            .into_iter()
            .filter(|r| Viewer::Person(me).sees(s, r))
            .collect();
        let read = (!is_sender).then(|| shown.iter().any(|r| r.read_at.is_some()));
        let mut recipients = Vec::with_capacity(shown.len());
        for r in shown {
            recipients.push(RecipientView {
                id: r.id,
                party: party(c, &r.email, r.account_id).await?,
                notified_at: r.notified_at,
                link_expires_at: r.link_expires_at,
                delivered_at: r.delivered_at,
                verified_at: r.verified_at,
                acknowledged_at: r.acknowledged_at,
                receipt_signer: r
                    .receipt_certificate
                    .as_deref()
                    .and_then(|der| crate::pki::parse_certificate(der).ok())
                    .map(|c| crate::pki::names::readable(&c.tbs_certificate.subject)),
                rejected_at: r.rejected_at,
                rejection_reason: r.rejection_reason,
            });
        }
        Ok(SendingView {
            id: s.id,
            state: s.state.clone(),
            role: if is_sender { "sender" } else { "recipient" },
            sender: Party {
                email: sender.email.clone(),
                name: Some(format!("{} {}", sender.given_name, sender.surname)),
            },
            subject: s.subject.clone(),
            text: s.body.clone(),
            created_at: s.created_at,
            updated_at: s.updated_at,
            sent_at: s.sent_at,
            read,
            files: sql::files(c, s.id)
                .await?
                .iter()
                .map(|f| file_view(f, is_sender))
                .collect(),
            recipients,
        })
    }

    /// The sending when `me` sent it or it was delivered to them (with their recipient row).
    pub(super) async fn visible(
        &self,
        c: &impl GenericClient,
        id: Uuid,
        me: Uuid,
    ) -> Result<(SendingRow, Option<RecipientRow>), ExchangeError> {
        let s = sql::get(c, id, false)
            .await?
            .ok_or(ExchangeError::NotFound)?;
        if s.sender_id == me {
            return Ok((s, None));
        }
        let r = sql::delivered_to(c, id, me)
            .await?
            .ok_or(ExchangeError::NotFound)?;
        Ok((s, Some(r)))
    }

    /// Open an emailed link: the addressed recipient gets the sending in their Received folder
    /// (delivery recorded once); anyone else gets not found, recorded in the audit trail.
    pub async fn open_link(
        &self,
        person: &Person,
        meta: &RequestMeta,
        secret: &str,
    ) -> Result<SendingView, ExchangeError> {
        if secret.is_empty() || secret.len() > MAX_LINK {
            return Err(ExchangeError::NotFound);
        }
        let now = self.0.clock.now();
        let mut client = self.0.db.client().await?;
        let tx = client.transaction().await?;
        let Some(r) = sql::recipient_by_link(&tx, &link_hash(secret)).await? else {
            return Err(ExchangeError::NotFound);
        };
        let me = self.account(&*tx, person).await?;
        let addressed = match r.account_id {
            Some(account) => account == me.id,
            None => r.email.eq_ignore_ascii_case(&me.email),
        };
        if !addressed {
            let mut e = person
                .event(meta, "sending.link_refused")
                .on("sending", r.sending_id.to_string())
                .with_details(serde_json::json!({ "recipient": r.id }));
            e.outcome = audit::Outcome::Denied;
            audit::record(&tx, self.0.clock.as_ref(), e).await?;
            tx.commit().await?;
            return Err(ExchangeError::NotFound);
        }
        if r.delivered_at.is_none() {
            if r.link_expires_at.is_some_and(|until| until <= now) {
                return Err(ExchangeError::LinkExpired);
            }
            sql::deliver(&tx, r.id, me.id, now).await?;
            let e = person
                .event(meta, "sending.deliver")
                .on("sending", r.sending_id.to_string())
                .with_details(serde_json::json!({ "recipient": r.id, "email": r.email }));
            audit::record(&tx, self.0.clock.as_ref(), e).await?;
        }
        let s = sql::get(&*tx, r.sending_id, false)
            .await?
            .ok_or_else(|| ExchangeError::Internal("a recipient without its sending".into()))?;
        let view = self.view_of(&*tx, &s, me.id).await?;
        tx.commit().await?;
        Ok(view)
    }

    /// One of the caller's folders, newest first; `unread_only` applies to Received.
    pub async fn folder(
        &self,
        person: &Person,
        folder: Folder,
        unread_only: bool,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<SendingSummary>, ExchangeError> {
        let me = person.account.0;
        let client = self.0.db.client().await?;
        if folder == Folder::Received {
            let rows = sql::list_received(&**client, me, unread_only, limit, offset).await?;
            let mut senders: HashMap<Uuid, String> = HashMap::new();
            let mut out = Vec::with_capacity(rows.len());
            for (s, r) in rows {
                if let Entry::Vacant(slot) = senders.entry(s.sender_id) {
                    let email = accounts::get(&**client, s.sender_id)
                        .await?
                        .map(|a| a.email)
                        .unwrap_or_default();
                    slot.insert(email);
                }
                out.push(SendingSummary {
                    id: s.id,
                    state: s.state,
                    subject: s.subject,
                    sender: senders.get(&s.sender_id).cloned().unwrap_or_default(),
                    sent_at: s.sent_at,
                    updated_at: s.updated_at,
                    delivered_at: r.delivered_at,
                    read: Some(r.read_at.is_some()),
                });
            }
            return Ok(out);
        }
        let state = if folder == Folder::Sent {
            "sent"
        } else {
            "draft"
        };
        let mine = self.account(&**client, person).await?;
        Ok(sql::list_own(&**client, me, state, limit, offset)
            .await?
            .into_iter()
            .map(|s| SendingSummary {
                id: s.id,
                state: s.state,
                subject: s.subject,
                sender: mine.email.clone(),
                sent_at: s.sent_at,
                updated_at: s.updated_at,
                delivered_at: None,
                read: None,
            })
            .collect())
    }

    /// One sending the caller sent or received.
    pub async fn sending(&self, person: &Person, id: Uuid) -> Result<SendingView, ExchangeError> {
        let me = person.account.0;
        let client = self.0.db.client().await?;
        let (s, _) = self.visible(&**client, id, me).await?;
        self.view_of(&**client, &s, me).await
    }

    async fn file_row(
        &self,
        person: &Person,
        id: Uuid,
        position: i32,
    ) -> Result<FileRow, ExchangeError> {
        let client = self.0.db.client().await?;
        self.visible(&**client, id, person.account.0).await?;
        sql::files(&**client, id)
            .await?
            .into_iter()
            .find(|f| f.position == position)
            .ok_or(ExchangeError::NotFound)
    }

    /// A file of a sending the caller sent or received, opened as it streams.
    pub async fn file(
        &self,
        person: &Person,
        id: Uuid,
        position: i32,
    ) -> Result<Content, ExchangeError> {
        let f = self.file_row(person, id, position).await?;
        Ok(self
            .0
            .documents
            .shared_content(DocumentId(f.document_id))
            .await?)
    }

    /// The signature that went with a file (once sent).
    pub async fn file_signature(
        &self,
        person: &Person,
        id: Uuid,
        position: i32,
    ) -> Result<SignatureFile, ExchangeError> {
        let f = self.file_row(person, id, position).await?;
        let der = f.signature.ok_or(ExchangeError::NotFound)?;
        let der = crate::pki::cms::verify::decode_input(&der)
            .map_err(|e| ExchangeError::Internal(format!("a stored signature: {e}")))?;
        Ok(SignatureFile {
            name: format!("{}.p7s", f.name),
            der,
        })
    }

    /// Mark a received sending read or unread.
    pub async fn mark_read(
        &self,
        person: &Person,
        id: Uuid,
        read: bool,
    ) -> Result<SendingView, ExchangeError> {
        let me = person.account.0;
        let client = self.0.db.client().await?;
        let (s, r) = self.received(&**client, id, me).await?;
        let at = read.then(|| self.0.clock.now());
        sql::set_read(&**client, r.id, at).await?;
        self.view_of(&**client, &s, me).await
    }
}
