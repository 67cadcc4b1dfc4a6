//! SQL of accounts of people: who they are, how they prove it (password hash, sealed TOTP
//! seed, recovery code MACs) and what they may do (role, point of issue, partner).

use super::StoreError;
use chrono::{DateTime, Utc};
use tokio_postgres::GenericClient;
use uuid::Uuid;

/// An account as stored.
#[derive(Debug, Clone)]
pub struct AccountRow {
    /// Id.
    pub id: Uuid,
    /// `subscriber`, `partner_agent`, `operator`, `auditor`, `admin`.
    pub role: String,
    /// Surname.
    pub surname: String,
    /// Given name.
    pub given_name: String,
    /// Patronymic, when the person has one.
    pub patronymic: Option<String>,
    /// Lower-cased email.
    pub email: String,
    /// When the email was confirmed.
    pub email_verified_at: Option<DateTime<Utc>>,
    /// E.164 phone.
    pub phone: String,
    /// When the phone was confirmed.
    pub phone_verified_at: Option<DateTime<Utc>>,
    /// ISO 3166 country of residence.
    pub country: Option<String>,
    /// `en` or `ru`.
    pub language: String,
    /// argon2id PHC string.
    pub password_hash: Option<String>,
    /// `sms` or `totp`.
    pub second_factor: String,
    /// TOTP seed sealed under the identity data key.
    pub totp_sealed: Option<Vec<u8>>,
    /// When the TOTP enrolment was confirmed.
    pub totp_confirmed_at: Option<DateTime<Utc>>,
    /// Last TOTP step accepted.
    pub totp_last_step: Option<i64>,
    /// Logs in with phone + SMS code alone.
    pub sms_login: bool,
    /// Point of issue (operators).
    pub point_of_issue: Option<Uuid>,
    /// Partner organisation (partner agents).
    pub partner: Option<Uuid>,
    /// When an admin disabled the account.
    pub disabled_at: Option<DateTime<Utc>>,
    /// Created.
    pub created_at: DateTime<Utc>,
}

const COLUMNS: &str = "id, role, surname, given_name, patronymic, email, email_verified_at, \
    phone, phone_verified_at, country, language, password_hash, second_factor, totp_sealed, \
    totp_confirmed_at, totp_last_step, sms_login, point_of_issue, partner, disabled_at, created_at";

fn row(r: &tokio_postgres::Row) -> AccountRow {
    AccountRow {
        id: r.get(0),
        role: r.get(1),
        surname: r.get(2),
        given_name: r.get(3),
        patronymic: r.get(4),
        email: r.get(5),
        email_verified_at: r.get(6),
        phone: r.get(7),
        phone_verified_at: r.get(8),
        country: r.get(9),
        language: r.get(10),
        password_hash: r.get(11),
        second_factor: r.get(12),
        totp_sealed: r.get(13),
        totp_confirmed_at: r.get(14),
        totp_last_step: r.get(15),
        sms_login: r.get(16),
        point_of_issue: r.get(17),
        partner: r.get(18),
        disabled_at: r.get(19),
        created_at: r.get(20),
    }
}

/// Which unique rule a new or changed account broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Taken {
    /// Another account has the email.
    Email,
    /// Another account has the phone.
    Phone,
}

fn taken(e: &tokio_postgres::Error) -> Option<Taken> {
    let db = e.as_db_error()?;
    if db.code() != &tokio_postgres::error::SqlState::UNIQUE_VIOLATION {
        return None;
    }
    match db.constraint() {
        Some("accounts_email") => Some(Taken::Email),
        Some("accounts_phone") => Some(Taken::Phone),
        _ => None,
    }
}

/// Insert an account; `Ok(Err(taken))` when the email or phone belongs to another account.
pub async fn insert(
    tx: &impl GenericClient,
    a: &AccountRow,
) -> Result<Result<(), Taken>, StoreError> {
    let result = tx
        .execute(
            "INSERT INTO accounts (id, role, surname, given_name, patronymic, email, \
             email_verified_at, phone, phone_verified_at, country, language, password_hash, \
             point_of_issue, partner, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
            &[
                &a.id,
                &a.role,
                &a.surname,
                &a.given_name,
                &a.patronymic,
                &a.email,
                &a.email_verified_at,
                &a.phone,
                &a.phone_verified_at,
                &a.country,
                &a.language,
                &a.password_hash,
                &a.point_of_issue,
                &a.partner,
                &a.created_at,
            ],
        )
        .await;
    match result {
        Ok(_) => Ok(Ok(())),
        Err(e) => match taken(&e) {
            Some(t) => Ok(Err(t)),
            None => Err(e.into()),
        },
    }
}

/// The account `id`.
pub async fn get(c: &impl GenericClient, id: Uuid) -> Result<Option<AccountRow>, StoreError> {
    let r = c
        .query_opt(
            &format!("SELECT {COLUMNS} FROM accounts WHERE id = $1"),
            &[&id],
        )
        .await?;
    Ok(r.as_ref().map(row))
}

/// The account `id`, locked for update.
pub async fn get_for_update(
    c: &impl GenericClient,
    id: Uuid,
) -> Result<Option<AccountRow>, StoreError> {
    let r = c
        .query_opt(
            &format!("SELECT {COLUMNS} FROM accounts WHERE id = $1 FOR UPDATE"),
            &[&id],
        )
        .await?;
    Ok(r.as_ref().map(row))
}

/// The account with this (lower-cased) email.
pub async fn by_email(
    c: &impl GenericClient,
    email: &str,
) -> Result<Option<AccountRow>, StoreError> {
    let r = c
        .query_opt(
            &format!("SELECT {COLUMNS} FROM accounts WHERE lower(email) = $1"),
            &[&email],
        )
        .await?;
    Ok(r.as_ref().map(row))
}

/// The account with this E.164 phone.
pub async fn by_phone(
    c: &impl GenericClient,
    phone: &str,
) -> Result<Option<AccountRow>, StoreError> {
    let r = c
        .query_opt(
            &format!("SELECT {COLUMNS} FROM accounts WHERE phone = $1"),
            &[&phone],
        )
        .await?;
    Ok(r.as_ref().map(row))
}

/// Mark the email confirmed.
pub async fn confirm_email(
    tx: &impl GenericClient,
    id: Uuid,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE accounts SET email_verified_at = COALESCE(email_verified_at, $2) WHERE id = $1",
        &[&id, &at],
    )
    .await?;
    Ok(())
}

/// Mark the phone confirmed.
pub async fn confirm_phone(
    tx: &impl GenericClient,
    id: Uuid,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE accounts SET phone_verified_at = COALESCE(phone_verified_at, $2) WHERE id = $1",
        &[&id, &at],
    )
    .await?;
    Ok(())
}

/// Replace the email (confirmed by the change itself).
pub async fn set_email(
    tx: &impl GenericClient,
    id: Uuid,
    email: &str,
    at: DateTime<Utc>,
) -> Result<Result<(), Taken>, StoreError> {
    let r = tx
        .execute(
            "UPDATE accounts SET email = $2, email_verified_at = $3 WHERE id = $1",
            &[&id, &email, &at],
        )
        .await;
    match r {
        Ok(_) => Ok(Ok(())),
        Err(e) => taken(&e).map(Err).ok_or(e.into()),
    }
}

/// Replace the phone (confirmed by the change itself).
pub async fn set_phone(
    tx: &impl GenericClient,
    id: Uuid,
    phone: &str,
    at: DateTime<Utc>,
) -> Result<Result<(), Taken>, StoreError> {
    let r = tx
        .execute(
            "UPDATE accounts SET phone = $2, phone_verified_at = $3 WHERE id = $1",
            &[&id, &phone, &at],
        )
        .await;
    match r {
        Ok(_) => Ok(Ok(())),
        Err(e) => taken(&e).map(Err).ok_or(e.into()),
    }
}

/// Store a new password hash.
pub async fn set_password(tx: &impl GenericClient, id: Uuid, hash: &str) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE accounts SET password_hash = $2 WHERE id = $1",
        &[&id, &hash],
    )
    .await?;
    Ok(())
}

/// Store a TOTP seed awaiting confirmation (replacing any earlier unconfirmed one).
pub async fn set_pending_totp(
    tx: &impl GenericClient,
    id: Uuid,
    sealed: &[u8],
) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE accounts SET totp_sealed = $2, totp_confirmed_at = NULL, totp_last_step = NULL, \
         second_factor = 'sms' WHERE id = $1",
        &[&id, &sealed],
    )
    .await?;
    Ok(())
}

/// Confirm the TOTP enrolment: from now on it is the second factor.
pub async fn confirm_totp(
    tx: &impl GenericClient,
    id: Uuid,
    step: i64,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE accounts SET totp_confirmed_at = $3, totp_last_step = $2, \
         second_factor = 'totp' WHERE id = $1",
        &[&id, &step, &at],
    )
    .await?;
    Ok(())
}

/// Record the TOTP step just accepted, unless a later or equal one already was (replay).
/// Returns false for a replay.
pub async fn advance_totp_step(
    tx: &impl GenericClient,
    id: Uuid,
    step: i64,
) -> Result<bool, StoreError> {
    let n = tx
        .execute(
            "UPDATE accounts SET totp_last_step = $2 WHERE id = $1 \
             AND (totp_last_step IS NULL OR totp_last_step < $2)",
            &[&id, &step],
        )
        .await?;
    Ok(n == 1)
}

/// Choose whether phone + SMS code alone logs in.
pub async fn set_sms_login(tx: &impl GenericClient, id: Uuid, on: bool) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE accounts SET sms_login = $2 WHERE id = $1",
        &[&id, &on],
    )
    .await?;
    Ok(())
}

/// Replace the recovery codes of an account.
pub async fn replace_recovery_codes(
    tx: &impl GenericClient,
    id: Uuid,
    macs: &[Vec<u8>],
) -> Result<(), StoreError> {
    tx.execute("DELETE FROM recovery_codes WHERE account = $1", &[&id])
        .await?;
    for mac in macs {
        tx.execute(
            "INSERT INTO recovery_codes (account, code_mac) VALUES ($1, $2)",
            &[&id, mac],
        )
        .await?;
    }
    Ok(())
}

/// Spend a recovery code; false when it is unknown or spent.
pub async fn use_recovery_code(
    tx: &impl GenericClient,
    id: Uuid,
    mac: &[u8],
    at: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let n = tx
        .execute(
            "UPDATE recovery_codes SET used_at = $3 \
             WHERE account = $1 AND code_mac = $2 AND used_at IS NULL",
            &[&id, &mac, &at],
        )
        .await?;
    Ok(n == 1)
}

/// Recovery codes not yet spent.
pub async fn recovery_codes_left(c: &impl GenericClient, id: Uuid) -> Result<i64, StoreError> {
    let r = c
        .query_one(
            "SELECT count(*) FROM recovery_codes WHERE account = $1 AND used_at IS NULL",
            &[&id],
        )
        .await?;
    Ok(r.get(0))
}

/// Whether the account accepts sendings only from its counterparties.
pub async fn accepts_only_counterparties(
    c: &impl GenericClient,
    id: Uuid,
) -> Result<bool, StoreError> {
    Ok(c.query_opt(
        "SELECT accept_only_counterparties FROM accounts WHERE id = $1",
        &[&id],
    )
    .await?
    .is_some_and(|r| r.get(0)))
}

/// Set whether the account accepts sendings only from its counterparties.
pub async fn set_accept_only_counterparties(
    c: &impl GenericClient,
    id: Uuid,
    on: bool,
) -> Result<(), StoreError> {
    c.execute(
        "UPDATE accounts SET accept_only_counterparties = $2 WHERE id = $1",
        &[&id, &on],
    )
    .await?;
    Ok(())
}

/// Set the language the account's messages and pages speak.
pub async fn set_language(
    c: &impl GenericClient,
    id: Uuid,
    language: &str,
) -> Result<(), StoreError> {
    c.execute(
        "UPDATE accounts SET language = $2 WHERE id = $1",
        &[&id, &language],
    )
    .await?;
    Ok(())
}

/// Every account that is not a subscriber's: staff and partner agents, by role and name.
pub async fn members(c: &impl GenericClient) -> Result<Vec<AccountRow>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM accounts WHERE role <> 'subscriber' \
         ORDER BY role, surname, given_name"
    );
    Ok(c.query(&sql, &[]).await?.iter().map(row).collect())
}

/// Disable the account at `at`, or enable it again with `None`; false when it already was.
pub async fn set_disabled(
    tx: &impl GenericClient,
    id: Uuid,
    at: Option<DateTime<Utc>>,
) -> Result<bool, StoreError> {
    let changed = tx
        .execute(
            "UPDATE accounts SET disabled_at = $2 WHERE id = $1 \
             AND (disabled_at IS NULL) = ($2::timestamptz IS NOT NULL)",
            &[&id, &at],
        )
        .await?;
    Ok(changed == 1)
}
