//! Counterparty relationships: a holder invites an email (registered or not, told by email),
//! whoever holds that email accepts or declines, either side may end it. Accepted
//! counterparties are who "accept documents only from my counterparties" admits.

use super::views::{CounterpartyView, ExchangeSettings};
use super::{Exchange, ExchangeError, ShortText};
use crate::audit;
use crate::identity::values::Email;
use crate::identity::{Person, RequestMeta};
use crate::notify::{self, Notification};
use crate::said;
use crate::said::Said;
use crate::store::accounts::{self, AccountRow};
use crate::store::counterparties::{self as sql, CounterpartyRow, NewInvitation};
use chrono::TimeDelta;
use uuid::Uuid;

/// Invitations one holder may send in 24 hours: each emails an address of their choosing.
const INVITATIONS_PER_DAY: i64 = 50;

/// An invitation as typed, parsed.
#[derive(Debug, Clone)]
pub struct Invitation {
    /// The email invited.
    pub email: Email,
    /// A note shown to them.
    pub note: ShortText,
}

fn full_name(a: &AccountRow) -> String {
    format!("{} {}", a.given_name, a.surname)
}

/// The invitation email: in the invitee's language when registered, in both otherwise.
fn invitation_text(
    inviter: &AccountRow,
    invitee: Option<&AccountRow>,
    note: Option<&str>,
    link: &str,
) -> (String, String) {
    let name = full_name(inviter);
    let note_en = note
        .map(|n| format!("\n\nTheir note: {n}"))
        .unwrap_or_default();
    let note_ru = note
        .map(|n| format!("\n\nСообщение: {n}"))
        .unwrap_or_default();
    let en = format!(
        "{name} ({}) invites you to exchange legally significant documents through cloudseal \
         as counterparties.{note_en}\n\nAnswer in your cabinet: {link}",
        inviter.email
    );
    let ru = format!(
        "{name} ({}) приглашает вас к обмену юридически значимыми документами через cloudseal \
         в качестве контрагента.{note_ru}\n\nОтветить можно в личном кабинете: {link}",
        inviter.email
    );
    match invitee.map(|a| a.language.as_str()) {
        Some("ru") => (format!("{name}: приглашение к обмену документами"), ru),
        Some(_) => (format!("{name}: invitation to exchange documents"), en),
        None => (
            format!("{name}: invitation to exchange documents / приглашение к обмену"),
            format!(
                "{en}\nCreate your account first; the invitation waits for this address.\n\n\
                 {ru}\nСначала зарегистрируйтесь: приглашение ждёт этот адрес."
            ),
        ),
    }
}

impl Exchange {
    /// The caller's account row.
    pub(super) async fn account(
        &self,
        c: &impl tokio_postgres::GenericClient,
        person: &Person,
    ) -> Result<AccountRow, ExchangeError> {
        accounts::get(c, person.account.0)
            .await?
            .ok_or(ExchangeError::NotFound)
    }

    /// Invite an email to become a counterparty; the invitee is told by email (with a link to
    /// register first when the address has no account).
    pub async fn invite(
        &self,
        person: &Person,
        meta: &RequestMeta,
        invitation: Invitation,
    ) -> Result<CounterpartyView, ExchangeError> {
        let me = person.account.0;
        let email = invitation.email.as_str();
        let now = self.0.clock.now();
        let mut client = self.0.db.client().await?;
        let tx = client.transaction().await?;
        let inviter = self.account(&*tx, person).await?;
        if inviter.email.eq_ignore_ascii_case(email) {
            return Err(ExchangeError::Invalid(said!(
                "you cannot invite yourself",
                "нельзя пригласить самого себя"
            )));
        }
        if sql::invited_since(&*tx, me, now - TimeDelta::days(1)).await? >= INVITATIONS_PER_DAY {
            return Err(ExchangeError::TooMany(said!(
                "at most {INVITATIONS_PER_DAY} invitations in 24 hours",
                "не больше {INVITATIONS_PER_DAY} приглашений за 24 часа"
            )));
        }
        if let Some(theirs) = sql::live_from(&*tx, email, me, &inviter.email).await? {
            return Err(ExchangeError::Conflict(if theirs.status == "accepted" {
                said!("you are already counterparties", "вы уже контрагенты")
            } else {
                said!(
                    "they have already invited you: accept their invitation",
                    "вас уже пригласили: примите их приглашение"
                )
            }));
        }
        let invitee = accounts::by_email(&*tx, email).await?;
        let id = Uuid::new_v4();
        let fresh = sql::insert(
            &*tx,
            &NewInvitation {
                id,
                inviter: me,
                email,
                invitee: invitee.as_ref().map(|a| a.id),
                note: invitation.note.as_deref(),
                at: now,
            },
        )
        .await?;
        if !fresh {
            return Err(ExchangeError::Conflict(said!(
                "you have already invited this address (or you are counterparties)",
                "вы уже пригласили этот адрес (или вы уже контрагенты)"
            )));
        }
        let path = if invitee.is_some() {
            "/cabinet/counterparties"
        } else {
            "/register"
        };
        let (subject, body) = invitation_text(
            &inviter,
            invitee.as_ref(),
            invitation.note.as_deref(),
            &self.0.identity.link_to(path),
        );
        notify::enqueue(
            &tx,
            self.0.clock.as_ref(),
            "counterparty_invitation",
            &Notification::Email {
                to: email.to_owned(),
                subject,
                body,
            },
        )
        .await?;
        let e = person
            .event(meta, "counterparty.invite")
            .on("counterparty", id.to_string())
            .with_details(serde_json::json!({
                "email": email,
                "registered": invitee.is_some(),
            }));
        audit::record(&tx, self.0.clock.as_ref(), e).await?;
        let row = sql::get(&*tx, id, me, &inviter.email, false)
            .await?
            .ok_or(ExchangeError::NotFound)?;
        tx.commit().await?;
        Ok(CounterpartyView::of(&row, me))
    }

    /// The relationships the caller is a side of, newest first.
    pub async fn counterparties(
        &self,
        person: &Person,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<CounterpartyView>, ExchangeError> {
        let client = self.0.db.client().await?;
        let me = self.account(&**client, person).await?;
        Ok(sql::list(&**client, me.id, &me.email, limit, offset)
            .await?
            .iter()
            .map(|r| CounterpartyView::of(r, me.id))
            .collect())
    }

    /// One relationship the caller is a side of.
    pub async fn counterparty(
        &self,
        person: &Person,
        id: Uuid,
    ) -> Result<CounterpartyView, ExchangeError> {
        let client = self.0.db.client().await?;
        let me = self.account(&**client, person).await?;
        let row = sql::get(&**client, id, me.id, &me.email, false)
            .await?
            .ok_or(ExchangeError::NotFound)?;
        Ok(CounterpartyView::of(&row, me.id))
    }

    /// The invitee accepts (`true`) or declines an invitation; the inviter is told by email.
    pub async fn answer(
        &self,
        person: &Person,
        meta: &RequestMeta,
        id: Uuid,
        accept: bool,
    ) -> Result<CounterpartyView, ExchangeError> {
        let now = self.0.clock.now();
        let mut client = self.0.db.client().await?;
        let tx = client.transaction().await?;
        let me = self.account(&*tx, person).await?;
        let row = self.locked(&tx, id, &me).await?;
        if row.inviter_id == me.id {
            return Err(ExchangeError::Conflict(said!(
                "the invited person answers an invitation; you may withdraw it",
                "на приглашение отвечает приглашённый; вы можете его отозвать"
            )));
        }
        if row.status != "invited" {
            return Err(ExchangeError::Conflict(Said::new(
                format!("the invitation is already {}", row.status),
                format!("приглашение уже {}", status_ru(&row.status)),
            )));
        }
        let status = if accept { "accepted" } else { "declined" };
        sql::answer(&*tx, id, me.id, status, now).await?;
        let inviter = accounts::get(&*tx, row.inviter_id).await?;
        if let Some(inviter) = inviter {
            let name = full_name(&me);
            let (subject, body) = match (inviter.language.as_str(), accept) {
                ("ru", true) => (
                    format!("{name} принял(а) ваше приглашение"),
                    format!("{name} ({}) теперь ваш контрагент в cloudseal.", me.email),
                ),
                ("ru", false) => (
                    format!("{name} отклонил(а) ваше приглашение"),
                    format!("{name} ({}) отклонил(а) приглашение к обмену.", me.email),
                ),
                (_, true) => (
                    format!("{name} accepted your invitation"),
                    format!(
                        "{name} ({}) is now your counterparty in cloudseal.",
                        me.email
                    ),
                ),
                (_, false) => (
                    format!("{name} declined your invitation"),
                    format!(
                        "{name} ({}) declined your invitation to exchange.",
                        me.email
                    ),
                ),
            };
            notify::enqueue(
                &tx,
                self.0.clock.as_ref(),
                "counterparty_answer",
                &Notification::Email {
                    to: inviter.email,
                    subject,
                    body,
                },
            )
            .await?;
        }
        let e = person
            .event(
                meta,
                &format!("counterparty.{}", if accept { "accept" } else { "decline" }),
            )
            .on("counterparty", id.to_string());
        audit::record(&tx, self.0.clock.as_ref(), e).await?;
        let row = self.locked(&tx, id, &me).await?;
        tx.commit().await?;
        Ok(CounterpartyView::of(&row, me.id))
    }

    /// Either side ends a relationship (or the inviter withdraws an invitation).
    pub async fn end(
        &self,
        person: &Person,
        meta: &RequestMeta,
        id: Uuid,
    ) -> Result<CounterpartyView, ExchangeError> {
        let mut client = self.0.db.client().await?;
        let tx = client.transaction().await?;
        let me = self.account(&*tx, person).await?;
        let row = self.locked(&tx, id, &me).await?;
        let may_end =
            row.status == "accepted" || (row.status == "invited" && row.inviter_id == me.id);
        if !may_end {
            return Err(ExchangeError::Conflict(if row.status == "invited" {
                said!(
                    "answer the invitation: accept or decline it",
                    "ответьте на приглашение: примите или отклоните его"
                )
            } else {
                Said::new(
                    format!("the relationship is already {}", row.status),
                    format!("связь уже {}", status_ru(&row.status)),
                )
            }));
        }
        sql::end(&*tx, id, self.0.clock.now()).await?;
        let e = person
            .event(meta, "counterparty.end")
            .on("counterparty", id.to_string());
        audit::record(&tx, self.0.clock.as_ref(), e).await?;
        let row = self.locked(&tx, id, &me).await?;
        tx.commit().await?;
        Ok(CounterpartyView::of(&row, me.id))
    }

    /// The relationship, locked for a change, if `me` is a side of it.
    async fn locked(
        &self,
        tx: &crate::store::Transaction<'_>,
        id: Uuid,
        me: &AccountRow,
    ) -> Result<CounterpartyRow, ExchangeError> {
        sql::get(tx, id, me.id, &me.email, true)
            .await?
            .ok_or(ExchangeError::NotFound)
    }

    /// The caller's exchange settings.
    pub async fn settings(&self, person: &Person) -> Result<ExchangeSettings, ExchangeError> {
        let client = self.0.db.client().await?;
        Ok(ExchangeSettings {
            accept_only_counterparties: accounts::accepts_only_counterparties(
                &**client,
                person.account.0,
            )
            .await?,
        })
    }

    /// Change the caller's exchange settings.
    pub async fn set_settings(
        &self,
        person: &Person,
        meta: &RequestMeta,
        settings: ExchangeSettings,
    ) -> Result<ExchangeSettings, ExchangeError> {
        let mut client = self.0.db.client().await?;
        let tx = client.transaction().await?;
        accounts::set_accept_only_counterparties(
            &*tx,
            person.account.0,
            settings.accept_only_counterparties,
        )
        .await?;
        let e = person
            .event(meta, "account.exchange_settings")
            .on("account", person.account.to_string())
            .with_details(serde_json::json!({
                "accept_only_counterparties": settings.accept_only_counterparties,
            }));
        audit::record(&tx, self.0.clock.as_ref(), e).await?;
        tx.commit().await?;
        Ok(settings)
    }
}

/// A relationship's stored status as a Russian refusal says it ("приглашение уже принято").
fn status_ru(status: &str) -> &'static str {
    match status {
        "invited" => "отправлено",
        "accepted" => "принято",
        "declined" => "отклонено",
        _ => "завершена",
    }
}
