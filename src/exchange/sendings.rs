//! Putting a sending together and sending it. Sending checks every attachment's signature
//! first; then one transaction records the sending, its files (hashes, signature, signer's
//! certificate, verification report) and recipients, appends the audit entry and queues one
//! email per recipient with an unguessable expiring link, of which only the hash is kept. A
//! retried send with the same `Idempotency-Key` answers with the sending already made.

use super::attachments::{Attachment, SignatureChoice};
use super::views::SendingView;
use super::{Exchange, ExchangeError, IdempotencyKey, MessageText, Subject};
use crate::audit;
use crate::identity::values::Email;
use crate::identity::{Person, RequestMeta};
use crate::notify::{self, Notification};
use crate::said;
use crate::store::accounts::{self, AccountRow};
use crate::store::counterparties;
use crate::store::documents::DocumentRow;
use crate::store::sendings::{self as sql, FileRow, RecipientRow, SendingRow};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, TimeDelta, Utc};
use rand::RngCore;
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// Most recipients of one sending.
const MAX_RECIPIENTS: usize = 50;
/// Most files in one sending.
const MAX_FILES: usize = 20;

/// A sending as asked for, parsed.
#[derive(Debug, Clone)]
pub struct Outgoing {
    /// Subject.
    pub subject: Subject,
    /// The accompanying text.
    pub text: MessageText,
    /// Who it goes to.
    pub recipients: Vec<Email>,
    /// The files with their signatures.
    pub attachments: Vec<Attachment>,
}

/// A sending made (or found again for a retried request).
#[derive(Debug, Clone)]
pub struct Sent {
    /// The sending as the sender sees it.
    pub view: SendingView,
    /// True when an earlier request with the same `Idempotency-Key` made it.
    pub replayed: bool,
}

impl Outgoing {
    /// Limits and duplicates; a draft may still lack recipients and files.
    fn check(&self, sending: bool) -> Result<(), ExchangeError> {
        if sending && self.recipients.is_empty() {
            return Err(ExchangeError::Invalid(said!(
                "name at least one recipient",
                "укажите хотя бы одного получателя"
            )));
        }
        if sending && self.attachments.is_empty() {
            return Err(ExchangeError::Invalid(said!(
                "attach at least one file",
                "приложите хотя бы один файл"
            )));
        }
        if self.recipients.len() > MAX_RECIPIENTS {
            return Err(ExchangeError::Invalid(said!(
                "at most {MAX_RECIPIENTS} recipients",
                "не больше {MAX_RECIPIENTS} получателей"
            )));
        }
        if self.attachments.len() > MAX_FILES {
            return Err(ExchangeError::Invalid(said!(
                "at most {MAX_FILES} files",
                "не больше {MAX_FILES} файлов"
            )));
        }
        let mut emails: Vec<&str> = self.recipients.iter().map(Email::as_str).collect();
        emails.sort_unstable();
        if emails.windows(2).any(|w| w[0] == w[1]) {
            return Err(ExchangeError::Invalid(said!(
                "a recipient is named twice",
                "получатель указан дважды"
            )));
        }
        let mut documents: Vec<Uuid> = self.attachments.iter().map(|a| a.document.0).collect();
        documents.sort_unstable();
        if documents.windows(2).any(|w| w[0] == w[1]) {
            return Err(ExchangeError::Invalid(said!(
                "a document is attached twice",
                "документ приложен дважды"
            )));
        }
        Ok(())
    }

    /// SHA-256 of the request's meaning (not its spelling), to tell a retry from another
    /// request under the same `Idempotency-Key`.
    fn fingerprint(&self, draft: Option<Uuid>) -> Vec<u8> {
        let attachments: Vec<serde_json::Value> = self
            .attachments
            .iter()
            .map(|a| {
                let signature = match &a.signature {
                    SignatureChoice::Made(id) => format!("made:{id}"),
                    SignatureChoice::Uploaded(b) => {
                        format!("file:{}", hex::encode(Sha256::digest(b)))
                    }
                    SignatureChoice::Missing => "none".into(),
                };
                serde_json::json!([a.document.0, signature])
            })
            .collect();
        let canonical = serde_json::json!({
            "draft": draft,
            "subject": self.subject.as_str(),
            "text": self.text.as_str(),
            "recipients": self.recipients.iter().map(Email::as_str).collect::<Vec<_>>(),
            "attachments": attachments,
        });
        Sha256::digest(canonical.to_string().as_bytes()).to_vec()
    }
}

fn full_name(a: &AccountRow) -> String {
    format!("{} {}", a.given_name, a.surname)
}

/// The recipient's email: in their language when registered, in both otherwise.
fn notice(
    sender: &AccountRow,
    subject: &str,
    files: &[FileRow],
    recipient: Option<&AccountRow>,
    link: &str,
    until: DateTime<Utc>,
) -> (String, String) {
    let name = full_name(sender);
    let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
    let names = names.join(", ");
    let until = until.format("%Y-%m-%d %H:%M UTC");
    let en = format!(
        "{name} ({}) has sent you signed documents through cloudseal.\n\nSubject: {subject}\n\
         Files: {names}\n\nOpen them in your cabinet (the link works until {until}):\n{link}",
        sender.email
    );
    let ru = format!(
        "{name} ({}) направил(а) вам подписанные документы через cloudseal.\n\nТема: {subject}\n\
         Файлы: {names}\n\nОткройте их в личном кабинете (ссылка действует до {until}):\n{link}",
        sender.email
    );
    match recipient.map(|a| a.language.as_str()) {
        Some("ru") => (format!("Документы от {name}: {subject}"), ru),
        Some(_) => (format!("Documents from {name}: {subject}"), en),
        None => (
            format!("Documents from / документы от {name}: {subject}"),
            format!(
                "{en}\nCreate your cloudseal account with this address first, then open the \
                 link.\n\n{ru}\nСначала зарегистрируйтесь в cloudseal с этим адресом, затем \
                 откройте ссылку."
            ),
        ),
    }
}

/// Order within a sending as stored.
fn place(position: usize) -> i32 {
    i32::try_from(position).unwrap_or(i32::MAX)
}

/// A recipient not yet notified.
fn addressee(sending: Uuid, position: usize, email: &Email) -> RecipientRow {
    RecipientRow {
        id: Uuid::new_v4(),
        sending_id: sending,
        position: place(position),
        email: email.as_str().to_owned(),
        account_id: None,
        link_sha256: None,
        link_expires_at: None,
        notification_id: None,
        notified_at: None,
        delivered_at: None,
        read_at: None,
        verified_at: None,
        acknowledged_at: None,
        receipt: None,
        receipt_certificate: None,
        rejected_at: None,
        rejection_reason: None,
    }
}

/// A document as an attachment whose signature is not known or checked yet.
pub(super) fn unsigned_file(sending: Uuid, position: usize, d: DocumentRow) -> FileRow {
    FileRow {
        sending_id: sending,
        position: place(position),
        document_id: d.id,
        name: d.name,
        media_type: d.media_type,
        size: d.size,
        sha256: d.sha256,
        signature_id: None,
        signature: None,
        signature_sha256: None,
        signer_certificate: None,
        signer_subject: None,
        verdict: None,
        report: None,
        verified_at: None,
    }
}

/// A fresh link secret and the hash kept of it.
fn link_secret() -> (String, Vec<u8>) {
    let mut raw = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut raw);
    let secret = URL_SAFE_NO_PAD.encode(raw);
    let hash = Sha256::digest(secret.as_bytes()).to_vec();
    (secret, hash)
}

/// The hash under which a link's secret is kept.
pub(super) fn link_hash(secret: &str) -> Vec<u8> {
    Sha256::digest(secret.as_bytes()).to_vec()
}

impl Exchange {
    /// Send now: every signature is verified first; refused with the reasons per file and
    /// nothing sent when any fails.
    pub async fn send(
        &self,
        person: &Person,
        meta: &RequestMeta,
        outgoing: Outgoing,
        key: Option<IdempotencyKey>,
    ) -> Result<Sent, ExchangeError> {
        outgoing.check(true)?;
        self.dispatch(person, meta, None, outgoing, key).await
    }

    /// Send a draft as it stands.
    pub async fn send_draft(
        &self,
        person: &Person,
        meta: &RequestMeta,
        id: Uuid,
        key: Option<IdempotencyKey>,
    ) -> Result<Sent, ExchangeError> {
        let me = person.account.0;
        let (outgoing, version) = {
            let client = self.0.db.client().await?;
            match sql::get(&**client, id, false).await? {
                Some(s) if s.sender_id == me && s.state == "draft" => {
                    (self.draft_content(&**client, &s).await?, s.updated_at)
                }
                Some(s) if s.sender_id == me => {
                    return self
                        .replay_or(me, key.as_ref(), id, || {
                            ExchangeError::Conflict(said!(
                                "this sending has already been sent",
                                "это отправление уже отправлено"
                            ))
                        })
                        .await;
                }
                _ => return Err(ExchangeError::NotFound),
            }
        };
        outgoing.check(true)?;
        self.dispatch(person, meta, Some((id, version)), outgoing, key)
            .await
    }

    /// The sending an earlier request with `key` made, when it is `id`; else `otherwise`.
    async fn replay_or(
        &self,
        me: Uuid,
        key: Option<&IdempotencyKey>,
        id: Uuid,
        otherwise: impl FnOnce() -> ExchangeError,
    ) -> Result<Sent, ExchangeError> {
        let client = self.0.db.client().await?;
        if let Some(key) = key
            && let Some(s) = sql::by_idempotency_key(&**client, me, key.as_str()).await?
            && s.id == id
        {
            let view = self.view_of(&**client, &s, me).await?;
            return Ok(Sent {
                view,
                replayed: true,
            });
        }
        Err(otherwise())
    }

    /// What an earlier request with this key made: the same sending again, or a refusal when
    /// that request was another one; none when the key is new.
    async fn replay(
        &self,
        me: Uuid,
        key: &IdempotencyKey,
        fingerprint: &[u8],
    ) -> Result<Option<Sent>, ExchangeError> {
        let client = self.0.db.client().await?;
        let Some(s) = sql::by_idempotency_key(&**client, me, key.as_str()).await? else {
            return Ok(None);
        };
        if s.request_sha256.as_deref() != Some(fingerprint) {
            return Err(ExchangeError::KeyReused);
        }
        let view = self.view_of(&**client, &s, me).await?;
        Ok(Some(Sent {
            view,
            replayed: true,
        }))
    }

    async fn dispatch(
        &self,
        person: &Person,
        meta: &RequestMeta,
        draft: Option<(Uuid, DateTime<Utc>)>,
        outgoing: Outgoing,
        key: Option<IdempotencyKey>,
    ) -> Result<Sent, ExchangeError> {
        let me = person.account.0;
        let fingerprint = outgoing.fingerprint(draft.map(|(id, _)| id));
        if let Some(key) = &key
            && let Some(sent) = self.replay(me, key, &fingerprint).await?
        {
            return Ok(sent);
        }
        {
            // Refuse for the recipients before the (longer) verification of the files; the
            // transaction below looks again.
            let client = self.0.db.client().await?;
            let sender = self.account(&**client, person).await?;
            self.addressees(&**client, &sender, &outgoing.recipients)
                .await?;
        }
        let files = self.check_attachments(me, &outgoing.attachments).await?;
        let now = self.0.clock.now();
        let id = draft.map_or_else(Uuid::new_v4, |(id, _)| id);
        let idempotency = key.as_ref().map(|k| (k.as_str(), fingerprint.as_slice()));
        let mut client = self.0.db.client().await?;
        let tx = client.transaction().await?;
        let sender = self.account(&*tx, person).await?;
        let recipients = self.addressees(&*tx, &sender, &outgoing.recipients).await?;
        let recorded = match draft {
            Some((id, version)) => {
                let current = sql::get(&*tx, id, true).await?;
                if current.is_some_and(|s| s.state == "draft" && s.updated_at != version) {
                    return Err(ExchangeError::Conflict(said!(
                        "the draft was changed meanwhile: look at it again and send",
                        "черновик тем временем изменился: посмотрите его снова и отправьте"
                    )));
                }
                sql::mark_sent(&tx, id, now, idempotency).await?
            }
            None => {
                let row = SendingRow {
                    id,
                    sender_id: me,
                    state: "sent".into(),
                    subject: outgoing.subject.as_str().to_owned(),
                    body: outgoing.text.as_str().to_owned(),
                    created_at: now,
                    updated_at: now,
                    sent_at: Some(now),
                    idempotency_key: idempotency.map(|(k, _)| k.to_owned()),
                    request_sha256: idempotency.map(|(_, h)| h.to_vec()),
                };
                sql::insert(&tx, &row).await?
            }
        };
        if !recorded {
            drop(tx);
            return match &key {
                Some(key) => self.replay(me, key, &fingerprint).await?.ok_or_else(|| {
                    ExchangeError::Conflict(said!(
                        "this draft was sent meanwhile",
                        "этот черновик тем временем отправлен"
                    ))
                }),
                None => Err(ExchangeError::Conflict(said!(
                    "this sending has already been sent",
                    "это отправление уже отправлено"
                ))),
            };
        }
        let files: Vec<FileRow> = files
            .into_iter()
            .map(|f| FileRow {
                sending_id: id,
                ..f
            })
            .collect();
        sql::put_files(&tx, id, &files).await?;
        let until = now + TimeDelta::days(i64::from(self.0.cfg.link_days.get()));
        let mut rows = Vec::with_capacity(recipients.len());
        for (position, (email, account)) in recipients.iter().enumerate() {
            let (secret, hash) = link_secret();
            let link = self
                .0
                .identity
                .link_to(&format!("/cabinet/sendings/open?link={secret}"));
            let (subject, body) = notice(
                &sender,
                outgoing.subject.as_str(),
                &files,
                account.as_ref(),
                &link,
                until,
            );
            let notification = notify::enqueue(
                &tx,
                self.0.clock.as_ref(),
                "sending",
                &Notification::Email {
                    to: email.as_str().to_owned(),
                    subject,
                    body,
                },
            )
            .await?;
            // An accepted counterparty has already shown the address is theirs: the sending
            // is in their Received folder at once (a folder agent reads no e-mail); anyone
            // else receives it by opening the link.
            let counterparty = match account {
                Some(a) => counterparties::accepted_between(&*tx, sender.id, a.id).await?,
                None => false,
            };
            rows.push(RecipientRow {
                account_id: account.as_ref().map(|a| a.id),
                delivered_at: counterparty.then_some(now),
                link_sha256: Some(hash),
                link_expires_at: Some(until),
                notification_id: Some(notification),
                notified_at: Some(now),
                ..addressee(id, position, email)
            });
        }
        sql::put_recipients(&tx, id, &rows).await?;
        let event = person
            .event(meta, "sending.send")
            .on("sending", id.to_string())
            .with_details(serde_json::json!({
                "recipients": rows.iter().map(|r| &r.email).collect::<Vec<_>>(),
                "delivered_to_counterparties": rows
                    .iter()
                    .filter(|r| r.delivered_at.is_some())
                    .map(|r| &r.email)
                    .collect::<Vec<_>>(),
                "files": files.iter().map(|f| serde_json::json!({
                    "name": f.name,
                    "sha256": hex::encode(&f.sha256),
                    "signature_sha256": f.signature_sha256.as_deref().map(hex::encode),
                    "signer": f.signer_subject,
                })).collect::<Vec<_>>(),
                "idempotency_key": key.as_ref().map(IdempotencyKey::as_str),
            }));
        audit::record(&tx, self.0.clock.as_ref(), event).await?;
        let stored = sql::get(&*tx, id, false)
            .await?
            .ok_or_else(|| ExchangeError::Internal("the sending vanished".into()))?;
        let view = self.view_of(&*tx, &stored, me).await?;
        tx.commit().await?;
        Ok(Sent {
            view,
            replayed: false,
        })
    }

    /// Each recipient with their account when registered; refused when one of them accepts
    /// documents only from counterparties and the sender is not one, or is the sender.
    async fn addressees(
        &self,
        c: &impl tokio_postgres::GenericClient,
        sender: &AccountRow,
        emails: &[Email],
    ) -> Result<Vec<(Email, Option<AccountRow>)>, ExchangeError> {
        let mut out = Vec::with_capacity(emails.len());
        for email in emails {
            if sender.email.eq_ignore_ascii_case(email.as_str()) {
                return Err(ExchangeError::Invalid(said!(
                    "you cannot send documents to yourself",
                    "нельзя отправлять документы самому себе"
                )));
            }
            let account = accounts::by_email(c, email.as_str()).await?;
            if let Some(a) = &account
                && accounts::accepts_only_counterparties(c, a.id).await?
                && !counterparties::accepted_between(c, sender.id, a.id).await?
            {
                return Err(ExchangeError::NotAccepted(said!(
                    "{} accepts documents only from counterparties: invite them first",
                    "{} принимает документы только от контрагентов: сначала пригласите его",
                    email.as_str()
                )));
            }
            out.push((email.clone(), account));
        }
        Ok(out)
    }

    /// Save a new draft (nothing is verified or sent yet).
    pub async fn save_draft(
        &self,
        person: &Person,
        outgoing: Outgoing,
    ) -> Result<SendingView, ExchangeError> {
        outgoing.check(false)?;
        let me = person.account.0;
        let now = self.0.clock.now();
        let row = SendingRow {
            id: Uuid::new_v4(),
            sender_id: me,
            state: "draft".into(),
            subject: outgoing.subject.as_str().to_owned(),
            body: outgoing.text.as_str().to_owned(),
            created_at: now,
            updated_at: now,
            sent_at: None,
            idempotency_key: None,
            request_sha256: None,
        };
        let mut client = self.0.db.client().await?;
        let tx = client.transaction().await?;
        sql::insert(&tx, &row).await?;
        self.put_draft_content(&tx, me, row.id, &outgoing).await?;
        let view = self.view_of(&*tx, &row, me).await?;
        tx.commit().await?;
        Ok(view)
    }

    /// Replace a draft's content.
    pub async fn update_draft(
        &self,
        person: &Person,
        id: Uuid,
        outgoing: Outgoing,
    ) -> Result<SendingView, ExchangeError> {
        outgoing.check(false)?;
        let me = person.account.0;
        let mut client = self.0.db.client().await?;
        let tx = client.transaction().await?;
        let Some(mut row) = sql::get(&*tx, id, true).await? else {
            return Err(ExchangeError::NotFound);
        };
        if row.sender_id != me {
            return Err(ExchangeError::NotFound);
        }
        if row.state != "draft" {
            return Err(ExchangeError::Conflict(said!(
                "a sent sending cannot be changed",
                "отправление уже ушло: изменить его нельзя"
            )));
        }
        row.subject = outgoing.subject.as_str().to_owned();
        row.body = outgoing.text.as_str().to_owned();
        row.updated_at = self.0.clock.now();
        sql::update_draft(&tx, &row).await?;
        self.put_draft_content(&tx, me, id, &outgoing).await?;
        let view = self.view_of(&*tx, &row, me).await?;
        tx.commit().await?;
        Ok(view)
    }

    /// Delete a draft (a sent sending stays: it is a record).
    pub async fn delete_draft(&self, person: &Person, id: Uuid) -> Result<(), ExchangeError> {
        let me = person.account.0;
        let mut client = self.0.db.client().await?;
        let tx = client.transaction().await?;
        let Some(row) = sql::get(&*tx, id, true).await? else {
            return Err(ExchangeError::NotFound);
        };
        if row.sender_id != me {
            return Err(ExchangeError::NotFound);
        }
        if !sql::delete_draft(&tx, id, me).await? {
            return Err(ExchangeError::Conflict(said!(
                "a sent sending cannot be deleted",
                "отправление уже ушло: удалить его нельзя"
            )));
        }
        tx.commit().await?;
        Ok(())
    }

    /// A draft's files and recipients as given; documents must be the sender's.
    async fn put_draft_content(
        &self,
        tx: &crate::store::Transaction<'_>,
        me: Uuid,
        id: Uuid,
        outgoing: &Outgoing,
    ) -> Result<(), ExchangeError> {
        let mut files = Vec::with_capacity(outgoing.attachments.len());
        for (position, a) in outgoing.attachments.iter().enumerate() {
            let d = crate::store::documents::get_owned(tx, a.document.0, me)
                .await?
                .ok_or_else(|| {
                    ExchangeError::Invalid(said!(
                        "attachment {position}: there is no such document among yours",
                        "вложение {position}: среди ваших документов такого нет"
                    ))
                })?;
            let (signature_id, signature) = match &a.signature {
                SignatureChoice::Made(s) => (Some(*s), None),
                SignatureChoice::Uploaded(b) => (None, Some(b.clone())),
                SignatureChoice::Missing => (None, None),
            };
            files.push(FileRow {
                signature_id,
                signature,
                ..unsigned_file(id, position, d)
            });
        }
        sql::put_files(tx, id, &files).await?;
        let recipients: Vec<RecipientRow> = outgoing
            .recipients
            .iter()
            .enumerate()
            .map(|(position, email)| addressee(id, position, email))
            .collect();
        sql::put_recipients(tx, id, &recipients).await?;
        Ok(())
    }

    /// A stored draft as a request to send.
    async fn draft_content(
        &self,
        c: &impl tokio_postgres::GenericClient,
        s: &SendingRow,
    ) -> Result<Outgoing, ExchangeError> {
        let recipients = sql::recipients(c, s.id)
            .await?
            .iter()
            .map(|r| Email::parse(&r.email))
            .collect::<Result<Vec<_>, _>>()?;
        let attachments = sql::files(c, s.id)
            .await?
            .into_iter()
            .map(|f| Attachment {
                document: crate::documents::DocumentId(f.document_id),
                signature: match (f.signature_id, f.signature) {
                    (Some(id), _) => SignatureChoice::Made(id),
                    (None, Some(bytes)) => SignatureChoice::Uploaded(bytes),
                    (None, None) => SignatureChoice::Missing,
                },
            })
            .collect();
        Ok(Outgoing {
            subject: Subject::parse(&s.subject)?,
            text: MessageText::parse(&s.body)?,
            recipients,
            attachments,
        })
    }
}
