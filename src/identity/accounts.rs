//! Self-registration of subscribers and confirmation of their email (by link) and phone (by
//! SMS code), and what a person may read of their own account.

use super::challenge::Issued;
use super::messages::LinkPurpose;
use super::password::Password;
use super::values::{Country, Email, Language, NamePart, NewPassword, Phone};
use super::{AccountId, Identity, IdentityError, Person, RequestMeta, Role};
use crate::audit::{self, ActorKind};
use crate::store::{self, accounts::AccountRow};
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// Path of the email confirmation link: the cabinet's page, whose button confirms (opening the
/// link changes nothing, so a mail scanner that fetches it spends no token).
pub const CONFIRM_EMAIL_PATH: &str = "/confirm-email";

/// A registration, parsed.
#[derive(Debug)]
pub struct Registration {
    /// Surname.
    pub surname: NamePart,
    /// Given name.
    pub given_name: NamePart,
    /// Patronymic, if any.
    pub patronymic: Option<NamePart>,
    /// Email.
    pub email: Email,
    /// Phone.
    pub phone: Phone,
    /// Country of residence.
    pub country: Country,
    /// Language of messages.
    pub language: Language,
    /// Chosen password.
    pub password: NewPassword,
}

/// A registered account awaiting confirmation.
#[derive(Debug)]
pub struct Registered {
    /// The account.
    pub account: AccountId,
    /// The phone confirmation challenge (answer with the SMS code).
    pub phone_challenge: Issued,
}

/// What a person sees of their account.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Profile {
    /// Account id.
    pub id: Uuid,
    /// Role.
    pub role: Role,
    /// Surname.
    pub surname: String,
    /// Given name.
    pub given_name: String,
    /// Patronymic.
    pub patronymic: Option<String>,
    /// Email.
    pub email: String,
    /// Whether the email is confirmed.
    pub email_confirmed: bool,
    /// Phone.
    pub phone: String,
    /// Whether the phone is confirmed.
    pub phone_confirmed: bool,
    /// Country of residence.
    pub country: Option<String>,
    /// Language of messages.
    pub language: Language,
    /// `sms` or `totp`.
    pub second_factor: String,
    /// Logs in with phone + SMS code alone.
    pub sms_login: bool,
    /// Operator's point of issue.
    pub point_of_issue: Option<Uuid>,
    /// Partner agent's organisation.
    pub partner: Option<Uuid>,
    /// Created.
    pub created_at: DateTime<Utc>,
}

impl From<&AccountRow> for Profile {
    fn from(a: &AccountRow) -> Self {
        Self {
            id: a.id,
            role: Role::parse(&a.role).unwrap_or(Role::Subscriber),
            surname: a.surname.clone(),
            given_name: a.given_name.clone(),
            patronymic: a.patronymic.clone(),
            email: a.email.clone(),
            email_confirmed: a.email_verified_at.is_some(),
            phone: a.phone.clone(),
            phone_confirmed: a.phone_verified_at.is_some(),
            country: a.country.clone(),
            language: Language::parse(&a.language).unwrap_or_default(),
            second_factor: a.second_factor.clone(),
            sms_login: a.sms_login,
            point_of_issue: a.point_of_issue,
            partner: a.partner,
            created_at: a.created_at,
        }
    }
}

impl Identity {
    /// Register a subscriber: the account is created unconfirmed, a link goes to the email and
    /// a code to the phone. A taken email or phone is refused.
    pub async fn register(
        &self,
        r: Registration,
        meta: &RequestMeta,
    ) -> Result<Registered, IdentityError> {
        let hash = self.0.passwords.hash(&r.password).await?;
        let now = self.0.clock.now();
        let row = AccountRow {
            id: Uuid::new_v4(),
            role: Role::Subscriber.as_str().into(),
            surname: r.surname.as_str().into(),
            given_name: r.given_name.as_str().into(),
            patronymic: r.patronymic.map(|p| p.as_str().to_owned()),
            email: r.email.as_str().into(),
            email_verified_at: None,
            phone: r.phone.as_str().into(),
            phone_verified_at: None,
            country: Some(r.country.as_str().into()),
            language: r.language.as_str().into(),
            password_hash: Some(hash),
            second_factor: "sms".into(),
            totp_sealed: None,
            totp_confirmed_at: None,
            totp_last_step: None,
            sms_login: false,
            point_of_issue: None,
            partner: None,
            disabled_at: None,
            created_at: now,
        };
        let mut client = self.0.db.client().await?;
        let tx = client.transaction().await?;
        store::accounts::insert(&*tx, &row)
            .await?
            .map_err(IdentityError::Taken)?;
        self.issue_link(
            &tx,
            &row,
            "confirm_email",
            LinkPurpose::ConfirmEmail,
            CONFIRM_EMAIL_PATH,
            &row.email,
            None,
        )
        .await?;
        let phone_challenge = self
            .issue_code(&tx, &row, "confirm_phone", &row.phone, Vec::new(), None)
            .await?;
        let e = meta
            .event("account.register", Some((ActorKind::Subscriber, row.id)))
            .on("account", row.id.to_string())
            .with_details(serde_json::json!({"country": row.country, "language": row.language}));
        audit::record(&tx, self.0.clock.as_ref(), e).await?;
        tx.commit().await?;
        Ok(Registered {
            account: AccountId(row.id),
            phone_challenge,
        })
    }

    /// Follow an emailed link that confirms an address: the registration email, or a new email
    /// asked for by `change_email`.
    pub async fn confirm_email(
        &self,
        token: &str,
        meta: &RequestMeta,
    ) -> Result<AccountId, IdentityError> {
        let mut client = self.0.db.client().await?;
        let (tx, challenge, account) = self
            .spend_link(&mut client, token, &["confirm_email", "change_email"])
            .await?;
        let now = self.0.clock.now();
        let action = match challenge.target.as_deref() {
            Some(new_email) if challenge.purpose == "change_email" => {
                store::accounts::set_email(&*tx, account.id, new_email, now)
                    .await?
                    .map_err(IdentityError::Taken)?;
                "account.change_email"
            }
            _ => {
                store::accounts::confirm_email(&*tx, account.id, now).await?;
                "account.confirm_email"
            }
        };
        let e = self
            .actor_event(meta, &account, action)
            .on("account", account.id.to_string());
        audit::record(&tx, self.0.clock.as_ref(), e).await?;
        tx.commit().await?;
        Ok(AccountId(account.id))
    }

    /// Answer the SMS code that confirms a phone: the registration phone, or a new phone asked
    /// for by `change_phone`.
    pub async fn confirm_phone(
        &self,
        handle: &str,
        code: &str,
        meta: &RequestMeta,
    ) -> Result<AccountId, IdentityError> {
        let mut client = self.0.db.client().await?;
        let (tx, challenge, account, _) = self
            .answer(
                &mut client,
                handle,
                code,
                &["confirm_phone", "change_phone"],
                meta,
                "account.confirm_phone",
            )
            .await?;
        let now = self.0.clock.now();
        let action = match challenge.target.as_deref() {
            Some(new_phone) if challenge.purpose == "change_phone" => {
                store::accounts::set_phone(&*tx, account.id, new_phone, now)
                    .await?
                    .map_err(IdentityError::Taken)?;
                "account.change_phone"
            }
            _ => {
                store::accounts::confirm_phone(&*tx, account.id, now).await?;
                "account.confirm_phone"
            }
        };
        let e = self
            .actor_event(meta, &account, action)
            .on("account", account.id.to_string());
        audit::record(&tx, self.0.clock.as_ref(), e).await?;
        tx.commit().await?;
        Ok(AccountId(account.id))
    }

    /// The caller's own profile.
    pub async fn profile(&self, person: &Person) -> Result<Profile, IdentityError> {
        let client = self.0.db.client().await?;
        let a = store::accounts::get(&**client, person.account.0)
            .await?
            .ok_or(IdentityError::NotFound)?;
        Ok(Profile::from(&a))
    }

    /// Choose the language of the account's messages and web pages (the cabinet's switch);
    /// audited like any change to the account.
    pub async fn set_language(
        &self,
        person: &Person,
        language: Language,
        meta: &RequestMeta,
    ) -> Result<(), IdentityError> {
        let mut client = self.0.db.client().await?;
        let tx = client.transaction().await?;
        store::accounts::set_language(&*tx, person.account.0, language.as_str()).await?;
        let e = person
            .event(meta, "account.language")
            .on("account", person.account.0.to_string())
            .with_details(serde_json::json!({"language": language.as_str()}));
        audit::record(&tx, self.0.clock.as_ref(), e).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Ask to change the email: a link goes to the new address, which becomes the account's
    /// when followed. The current password is asked (and counted) first.
    pub async fn change_email(
        &self,
        person: &Person,
        password: &Password,
        new_email: Email,
        meta: &RequestMeta,
    ) -> Result<(), IdentityError> {
        let (mut client, reserved, account) =
            self.check_own_password(person, password, meta).await?;
        let tx = client.transaction().await?;
        self.0.limits.forgive(&tx, reserved).await?;
        self.issue_link(
            &tx,
            &account,
            "change_email",
            LinkPurpose::ChangeEmail,
            CONFIRM_EMAIL_PATH,
            new_email.as_str(),
            Some(new_email.as_str().into()),
        )
        .await?;
        let e = person
            .event(meta, "account.change_email_request")
            .on("account", account.id.to_string());
        audit::record(&tx, self.0.clock.as_ref(), e).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Ask to change the phone: a code goes to the new number; answering it (as for
    /// `confirm_phone`) makes the number the account's. The current password is asked first.
    pub async fn change_phone(
        &self,
        person: &Person,
        password: &Password,
        new_phone: Phone,
        meta: &RequestMeta,
    ) -> Result<Issued, IdentityError> {
        let (mut client, reserved, account) =
            self.check_own_password(person, password, meta).await?;
        let tx = client.transaction().await?;
        self.0.limits.forgive(&tx, reserved).await?;
        let issued = self
            .issue_code(
                &tx,
                &account,
                "change_phone",
                new_phone.as_str(),
                Vec::new(),
                Some(new_phone.as_str().into()),
            )
            .await?;
        let e = person
            .event(meta, "account.change_phone_request")
            .on("account", account.id.to_string());
        audit::record(&tx, self.0.clock.as_ref(), e).await?;
        tx.commit().await?;
        Ok(issued)
    }

    pub(crate) fn actor_event(
        &self,
        meta: &RequestMeta,
        account: &AccountRow,
        action: &str,
    ) -> crate::audit::AuditEvent {
        let role = Role::parse(&account.role).unwrap_or(Role::Subscriber);
        meta.event(action, Some((super::actor_kind(role), account.id)))
    }
}
