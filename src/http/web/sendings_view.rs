//! What the exchange pages show of a sending: a folder's row, and one sending with its files,
//! each recipient's furthest step of delivery, and what the caller may still do.

use super::applications_view::moment;
use super::documents::size;
use super::i18n::SendWords;
use crate::exchange::views::{Party, RecipientView, SendingSummary, SendingView};
use uuid::Uuid;

/// A sending in a folder.
pub struct Row {
    pub id: Uuid,
    pub subject: String,
    pub sender: String,
    pub when: String,
    pub unread: bool,
}

impl Row {
    /// The row of `s`.
    pub fn of(s: &SendingSummary) -> Row {
        Row {
            id: s.id,
            subject: s.subject.clone(),
            sender: s.sender.clone(),
            when: moment(s.delivered_at.or(s.sent_at).unwrap_or(s.updated_at)),
            unread: s.read == Some(false),
        }
    }
}

/// A person as the pages name them.
fn party(p: &Party) -> String {
    match &p.name {
        Some(name) => format!("{name} <{}>", p.email),
        None => p.email.clone(),
    }
}

/// Whether a file's name says it is a CMS envelope.
fn envelope_named(name: &str) -> bool {
    name.to_ascii_lowercase().ends_with(".p7m")
}

/// One attachment.
pub struct File {
    pub position: i32,
    pub name: String,
    pub size: String,
    pub sha256: String,
    pub signer: String,
    pub verdict: String,
    /// Whether it is a CMS envelope (`.p7m`) the cabinet offers to decrypt.
    pub encrypted: bool,
}

/// One recipient and how far delivery went.
pub struct Delivery {
    pub who: String,
    pub step: &'static str,
    pub when: String,
    pub note: String,
}

impl Delivery {
    fn of(w: &SendWords, r: &RecipientView) -> Delivery {
        let steps = [
            (r.rejected_at, w.rejected),
            (r.acknowledged_at, w.acknowledged),
            (r.verified_at, w.verified),
            (r.delivered_at, w.delivered),
            (r.notified_at, w.notified),
        ];
        let (when, step) = steps
            .into_iter()
            .find_map(|(at, step)| at.map(|t| (moment(t), step)))
            .unwrap_or_default();
        let note = match (&r.rejection_reason, &r.receipt_signer) {
            (Some(reason), _) => reason.clone(),
            (None, Some(signer)) => signer.clone(),
            _ => String::new(),
        };
        Delivery {
            who: party(&r.party),
            step,
            when,
            note,
        }
    }
}

/// One sending as its page shows it.
pub struct Shown {
    pub id: Uuid,
    pub subject: String,
    pub text: String,
    pub from: String,
    pub draft: bool,
    pub sent: String,
    pub files: Vec<File>,
    pub deliveries: Vec<Delivery>,
    /// The recipient may verify (delivered, not yet answered).
    pub can_verify: bool,
    /// The recipient may acknowledge (verified, not yet answered).
    pub can_acknowledge: bool,
    /// The recipient may reject (delivered, not yet answered).
    pub can_reject: bool,
    /// A file is an envelope one of the caller's certificates may open (sent, not a draft).
    pub can_decrypt: bool,
}

impl Shown {
    /// `s` as its sender or one of its recipients sees it.
    pub fn of(w: &SendWords, s: &SendingView) -> Shown {
        let sender = s.role == "sender";
        let me = if sender { None } else { s.recipients.first() };
        let answered = me.is_some_and(|r| r.acknowledged_at.is_some() || r.rejected_at.is_some());
        let verified = me.is_some_and(|r| r.verified_at.is_some());
        Shown {
            id: s.id,
            subject: s.subject.clone(),
            text: s.text.clone(),
            from: party(&s.sender),
            draft: s.state == "draft",
            sent: s.sent_at.map(moment).unwrap_or_default(),
            files: s
                .files
                .iter()
                .map(|f| File {
                    position: f.position,
                    name: f.name.clone(),
                    encrypted: envelope_named(&f.name),
                    size: size(f.size),
                    sha256: f.sha256.clone(),
                    signer: f.signer.clone().unwrap_or_default(),
                    verdict: f
                        .verdict
                        .as_deref()
                        .map(|v| w.verdict(v))
                        .unwrap_or_default(),
                })
                .collect(),
            deliveries: s.recipients.iter().map(|r| Delivery::of(w, r)).collect(),
            can_verify: me.is_some() && !answered,
            can_acknowledge: verified && !answered,
            can_reject: me.is_some() && !answered,
            can_decrypt: s.state != "draft" && s.files.iter().any(|f| envelope_named(&f.name)),
        }
    }
}
