//! What admins do with accounts: create staff (operators at a point of issue, auditors,
//! admins) and partner agents, register points of issue and partner organisations, lift locks.
//! A new staff member chooses their own password from an emailed link; the CLI may set one
//! directly for the first admin of an installation.

use super::limits::Counter;
use super::messages::LinkPurpose;
use super::recovery::PASSWORD_LINK_PATH;
use super::values::{Email, Language, NamePart, NewPassword, Phone};
use super::{AccountId, Identity, IdentityError, RequestMeta, Role};
use crate::audit::{self, AuditEvent};
use crate::said;
use crate::said::Said;
use crate::store::{self, accounts::AccountRow};
use uuid::Uuid;

/// A staff member or partner agent to create.
#[derive(Debug)]
pub struct NewMember {
    /// Role (not `subscriber`).
    pub role: Role,
    /// Surname.
    pub surname: NamePart,
    /// Given name.
    pub given_name: NamePart,
    /// Patronymic.
    pub patronymic: Option<NamePart>,
    /// Email (the set-password link goes there).
    pub email: Email,
    /// Phone (for the SMS second factor).
    pub phone: Phone,
    /// Language of messages.
    pub language: Language,
    /// Point of issue (operators).
    pub point_of_issue: Option<Uuid>,
    /// Partner organisation (partner agents).
    pub partner: Option<Uuid>,
}

/// A point of issue.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct PointOfIssue {
    /// Id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// Region.
    pub region: String,
    /// Address.
    pub address: String,
}

fn text(raw: &str, field: &Said, max: usize) -> Result<String, IdentityError> {
    let t = raw.trim();
    if t.is_empty() || t.chars().count() > max || t.chars().any(char::is_control) {
        return Err(IdentityError::Invalid(Said::new(
            format!("The {field} must have 1 to {max} printable characters."),
            format!(
                "Поле «{}» должно содержать от 1 до {max} печатных символов.",
                field.in_lang(Language::Ru)
            ),
        )));
    }
    Ok(t.to_owned())
}

/// A staff member or partner agent as the admin's page lists them.
#[derive(Debug, Clone)]
pub struct Member {
    /// Account id.
    pub id: Uuid,
    /// Role.
    pub role: Role,
    /// Surname, given name, patronymic.
    pub name: String,
    /// Email.
    pub email: String,
    /// Phone.
    pub phone: String,
    /// Operators: their point of issue.
    pub point_of_issue: Option<Uuid>,
    /// Partner agents: their organisation.
    pub partner: Option<Uuid>,
    /// Whether they have chosen a password (followed the emailed link).
    pub ready: bool,
    /// When an administrator disabled the account (it cannot sign in or act meanwhile).
    pub disabled_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl Identity {
    /// Create a staff member or partner agent. With `password` (CLI only) the account is ready
    /// at once — and may then also be a subscriber (the demo seed); otherwise a link to choose a
    /// password is emailed. `actor` is the admin's audit event.
    pub async fn create_member(
        &self,
        m: NewMember,
        password: Option<NewPassword>,
        actor: AuditEvent,
    ) -> Result<AccountId, IdentityError> {
        match m.role {
            Role::Subscriber if password.is_none() => {
                return Err(IdentityError::Invalid(said!(
                    "Subscribers register themselves; choose a staff or partner role.",
                    "Абоненты регистрируются сами; выберите роль сотрудника или партнёра."
                )));
            }
            Role::Operator if m.point_of_issue.is_none() => {
                return Err(IdentityError::Invalid(said!(
                    "An operator belongs to a point of issue; give point_of_issue.",
                    "Оператор относится к пункту выдачи; укажите point_of_issue."
                )));
            }
            Role::PartnerAgent if m.partner.is_none() => {
                return Err(IdentityError::Invalid(said!(
                    "A partner agent belongs to a partner; give partner.",
                    "Агент партнёра относится к партнёру; укажите partner."
                )));
            }
            _ => {}
        }
        let hash = match &password {
            Some(p) => Some(self.0.passwords.hash(p).await?),
            None => None,
        };
        let now = self.0.clock.now();
        let row = AccountRow {
            id: Uuid::new_v4(),
            role: m.role.as_str().into(),
            surname: m.surname.as_str().into(),
            given_name: m.given_name.as_str().into(),
            patronymic: m.patronymic.map(|p| p.as_str().to_owned()),
            email: m.email.as_str().into(),
            email_verified_at: hash.as_ref().map(|_| now),
            phone: m.phone.as_str().into(),
            phone_verified_at: Some(now),
            country: None,
            language: m.language.as_str().into(),
            password_hash: hash,
            second_factor: "sms".into(),
            totp_sealed: None,
            totp_confirmed_at: None,
            totp_last_step: None,
            sms_login: false,
            point_of_issue: if m.role == Role::Operator {
                m.point_of_issue
            } else {
                None
            },
            partner: if m.role == Role::PartnerAgent {
                m.partner
            } else {
                None
            },
            disabled_at: None,
            created_at: now,
        };
        let mut client = self.0.db.client().await?;
        let tx = client.transaction().await?;
        if let Some(p) = row.point_of_issue
            && !store::partners::point_exists(&*tx, p).await?
        {
            return Err(IdentityError::Invalid(said!(
                "There is no such point of issue.",
                "Такого пункта выдачи нет."
            )));
        }
        if let Some(p) = row.partner
            && !store::partners::partner_exists(&*tx, p).await?
        {
            return Err(IdentityError::Invalid(said!(
                "There is no such partner.",
                "Такого партнёра нет."
            )));
        }
        store::accounts::insert(&*tx, &row)
            .await?
            .map_err(IdentityError::Taken)?;
        if row.password_hash.is_none() {
            self.issue_link(
                &tx,
                &row,
                "set_password",
                LinkPurpose::SetPassword,
                PASSWORD_LINK_PATH,
                &row.email,
                None,
            )
            .await?;
        }
        let e = actor
            .on("account", row.id.to_string())
            .with_details(serde_json::json!({
                "role": row.role,
                "point_of_issue": row.point_of_issue,
                "partner": row.partner,
            }));
        audit::record(&tx, self.0.clock.as_ref(), e).await?;
        tx.commit().await?;
        Ok(AccountId(row.id))
    }

    /// Register a point of issue.
    pub async fn create_point_of_issue(
        &self,
        name: &str,
        region: &str,
        address: &str,
        actor: AuditEvent,
    ) -> Result<PointOfIssue, IdentityError> {
        let p = PointOfIssue {
            id: Uuid::new_v4(),
            name: text(name, &said!("name", "название"), 200)?,
            region: text(region, &said!("region", "регион"), 200)?,
            address: address.trim().chars().take(500).collect(),
        };
        let mut client = self.0.db.client().await?;
        let tx = client.transaction().await?;
        if !store::partners::insert_point(
            &*tx,
            p.id,
            &p.name,
            &p.region,
            &p.address,
            self.0.clock.now(),
        )
        .await?
        {
            return Err(IdentityError::Conflict(said!(
                "A point of issue with this name exists.",
                "Пункт выдачи с таким названием уже есть."
            )));
        }
        audit::record(
            &tx,
            self.0.clock.as_ref(),
            actor.on("point_of_issue", p.id.to_string()),
        )
        .await?;
        tx.commit().await?;
        Ok(p)
    }

    /// Register a partner organisation.
    pub async fn create_partner(
        &self,
        name: &str,
        actor: AuditEvent,
    ) -> Result<Uuid, IdentityError> {
        let id = Uuid::new_v4();
        let name = text(name, &said!("name", "название"), 200)?;
        let mut client = self.0.db.client().await?;
        let tx = client.transaction().await?;
        if !store::partners::insert_partner(&*tx, id, &name, self.0.clock.now()).await? {
            return Err(IdentityError::Conflict(said!(
                "A partner with this name exists.",
                "Партнёр с таким названием уже есть."
            )));
        }
        audit::record(
            &tx,
            self.0.clock.as_ref(),
            actor.on("partner", id.to_string()),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The staff and partner agents, by role and name.
    pub async fn members(&self) -> Result<Vec<Member>, IdentityError> {
        let client = self.0.db.client().await?;
        Ok(store::accounts::members(&**client)
            .await?
            .into_iter()
            .filter_map(|a| {
                Some(Member {
                    id: a.id,
                    role: Role::parse(&a.role)?,
                    name: [Some(a.surname), Some(a.given_name), a.patronymic]
                        .into_iter()
                        .flatten()
                        .collect::<Vec<_>>()
                        .join(" "),
                    email: a.email,
                    phone: a.phone,
                    point_of_issue: a.point_of_issue,
                    partner: a.partner,
                    ready: a.password_hash.is_some(),
                    disabled_at: a.disabled_at,
                })
            })
            .collect())
    }

    /// The partner organisations by name: (id, name).
    pub async fn partners(&self) -> Result<Vec<(Uuid, String)>, IdentityError> {
        let client = self.0.db.client().await?;
        Ok(store::partners::partners(&**client).await?)
    }

    /// Disable an account: someone who left, or whose credentials leaked, can no longer sign
    /// in, and every session they hold ends now (their tokens and cookies stop at once). An
    /// administrator cannot disable themselves, so the last one never locks everyone out.
    /// The number of sessions ended.
    pub async fn disable_account(
        &self,
        account: AccountId,
        by: AccountId,
        actor: AuditEvent,
    ) -> Result<u64, IdentityError> {
        if account == by {
            return Err(IdentityError::Conflict(said!(
                "You cannot disable your own account.",
                "Нельзя отключить собственную учётную запись."
            )));
        }
        let now = self.0.clock.now();
        let mut client = self.0.db.client().await?;
        let tx = client.transaction().await?;
        store::accounts::get(&*tx, account.0)
            .await?
            .ok_or(IdentityError::NotFound)?;
        if !store::accounts::set_disabled(&*tx, account.0, Some(now)).await? {
            return Err(IdentityError::Conflict(said!(
                "The account is disabled already.",
                "Учётная запись уже отключена."
            )));
        }
        let ended = self
            .end_other_sessions(&tx, account.0, None, "account disabled")
            .await?;
        let e = actor
            .on("account", account.0.to_string())
            .with_details(serde_json::json!({"sessions_ended": ended}));
        audit::record(&tx, self.0.clock.as_ref(), e).await?;
        tx.commit().await?;
        Ok(ended)
    }

    /// Let a disabled account sign in again (its sessions stay ended).
    pub async fn enable_account(
        &self,
        account: AccountId,
        actor: AuditEvent,
    ) -> Result<(), IdentityError> {
        let mut client = self.0.db.client().await?;
        let tx = client.transaction().await?;
        store::accounts::get(&*tx, account.0)
            .await?
            .ok_or(IdentityError::NotFound)?;
        if !store::accounts::set_disabled(&*tx, account.0, None).await? {
            return Err(IdentityError::Conflict(said!(
                "The account is not disabled.",
                "Учётная запись не отключена."
            )));
        }
        let e = actor.on("account", account.0.to_string());
        audit::record(&tx, self.0.clock.as_ref(), e).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Lift the attempt locks of an account (its login names and its second factor).
    pub async fn unlock_account(
        &self,
        account: AccountId,
        actor: AuditEvent,
    ) -> Result<bool, IdentityError> {
        let mut client = self.0.db.client().await?;
        let tx = client.transaction().await?;
        let a = store::accounts::get(&*tx, account.0)
            .await?
            .ok_or(IdentityError::NotFound)?;
        let lifted = self
            .0
            .limits
            .unlock(
                &tx,
                self.0.clock.as_ref(),
                &[
                    Counter::Account(a.id),
                    Counter::Login(format!("email:{}", a.email)),
                    Counter::Login(format!("phone:{}", a.phone)),
                ],
            )
            .await?;
        audit::record(
            &tx,
            self.0.clock.as_ref(),
            actor
                .on("account", a.id.to_string())
                .with_details(serde_json::json!({"was_locked": lifted})),
        )
        .await?;
        tx.commit().await?;
        Ok(lifted)
    }

    /// Choose whether phone + SMS code alone logs the subscriber in.
    pub async fn set_sms_login(
        &self,
        person: &super::Person,
        on: bool,
        meta: &RequestMeta,
    ) -> Result<(), IdentityError> {
        if person.role != Role::Subscriber {
            return Err(IdentityError::Forbidden(said!(
                "Only subscribers may log in with an SMS code alone.",
                "Входить только по SMS-коду могут лишь абоненты."
            )));
        }
        let mut client = self.0.db.client().await?;
        let tx = client.transaction().await?;
        store::accounts::set_sms_login(&*tx, person.account.0, on).await?;
        audit::record(
            &tx,
            self.0.clock.as_ref(),
            person
                .event(meta, "account.sms_login")
                .on("account", person.account.to_string())
                .with_details(serde_json::json!({"enabled": on})),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
