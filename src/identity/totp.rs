//! TOTP (RFC 6238: SHA-1, six digits, 30-second steps, one step of drift) as the second factor.
//! Enrolment stores the seed sealed and unconfirmed; it counts only after a code from the app is
//! confirmed, which also issues ten single-use recovery codes. A TOTP code is accepted once:
//! the last accepted step is stored and a code of that step or earlier is refused.

use super::password::Password;
use super::{Identity, IdentityError, Person, RequestMeta};
use crate::audit;
use crate::said;
use crate::store::{self, accounts::AccountRow};
use chrono::{DateTime, Utc};
use rand::RngCore;
use totp_rs::{Algorithm, TOTP};
use uuid::Uuid;
use zeroize::Zeroizing;

const ISSUER: &str = "cloudseal";
const STEP: u64 = 30;
const RECOVERY_CODES: usize = 10;

/// What the person needs to add the account to an authenticator app.
#[derive(Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Enrolment {
    /// The `otpauth://` URI (what the QR code holds).
    pub otpauth_uri: String,
    /// The seed in base32, for typing by hand.
    pub secret: String,
    /// The QR code of the URI as an SVG document.
    pub qr_svg: String,
}

impl std::fmt::Debug for Enrolment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Enrolment(..)")
    }
}

fn aad(account: Uuid) -> Vec<u8> {
    let mut a = b"cloudseal-totp/1\0".to_vec();
    a.extend_from_slice(account.as_bytes());
    a
}

fn totp(seed: Vec<u8>, email: &str) -> Result<TOTP, IdentityError> {
    TOTP::new(
        Algorithm::SHA1,
        6,
        1,
        STEP,
        seed,
        Some(ISSUER.into()),
        email.to_owned(),
    )
    .map_err(|e| IdentityError::Internal(format!("TOTP: {e:?}")))
}

/// The QR code of `text` as a standalone SVG (one path, 4-module quiet zone).
pub fn qr_svg(text: &str) -> Result<String, IdentityError> {
    let qr = qrcodegen::QrCode::encode_text(text, qrcodegen::QrCodeEcc::Medium)
        .map_err(|e| IdentityError::Internal(format!("QR code: {e:?}")))?;
    let border = 4;
    let size = qr.size();
    let dim = size + 2 * border;
    let mut path = String::new();
    for y in 0..size {
        for x in 0..size {
            if qr.get_module(x, y) {
                path.push_str(&format!("M{},{}h1v1h-1z", x + border, y + border));
            }
        }
    }
    Ok(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {dim} {dim}\" \
         shape-rendering=\"crispEdges\"><rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\
         <path d=\"{path}\" fill=\"#000\"/></svg>"
    ))
}

fn normalise_recovery(code: &str) -> String {
    code.trim()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase()
}

fn new_recovery_code() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut bytes = [0u8; 10];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let chars: String = bytes
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect();
    format!("{}-{}", &chars[..5], &chars[5..])
}

impl Identity {
    fn account_totp(&self, a: &AccountRow) -> Result<Option<TOTP>, IdentityError> {
        let Some(sealed) = &a.totp_sealed else {
            return Ok(None);
        };
        let seed = self.0.secrets.open(&aad(a.id), sealed)?;
        totp(seed.to_vec(), &a.email).map(Some)
    }

    /// The step `code` is valid for at `now` (within one step of drift), if any.
    pub(crate) fn totp_step(
        &self,
        a: &AccountRow,
        code: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<i64>, IdentityError> {
        let code = code.trim();
        if code.len() != 6 || !code.chars().all(|c| c.is_ascii_digit()) {
            return Ok(None);
        }
        let Some(t) = self.account_totp(a)? else {
            return Ok(None);
        };
        let now = u64::try_from(now.timestamp()).unwrap_or_default();
        for step in [now / STEP, now / STEP - 1, now / STEP + 1] {
            if super::codes::same(t.generate(step * STEP).as_bytes(), code.as_bytes()) {
                return Ok(i64::try_from(step).ok());
            }
        }
        Ok(None)
    }

    pub(crate) async fn spend_recovery_code(
        &self,
        tx: &store::Transaction<'_>,
        account: Uuid,
        code: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, IdentityError> {
        let normal = normalise_recovery(code);
        if normal.len() != 10 {
            return Ok(false);
        }
        let mac = self
            .0
            .secrets
            .mac("recovery", &[account.as_bytes(), normal.as_bytes()])?;
        Ok(store::accounts::use_recovery_code(tx, account, &mac, now).await?)
    }

    /// Start TOTP enrolment (password asked again): a new seed, not yet in force.
    pub async fn totp_enrol(
        &self,
        person: &Person,
        password: &Password,
        meta: &RequestMeta,
    ) -> Result<Enrolment, IdentityError> {
        let (mut client, reserved, account) =
            self.check_own_password(person, password, meta).await?;
        let mut seed = Zeroizing::new(vec![0u8; 20]);
        rand::rngs::OsRng.fill_bytes(&mut seed);
        let t = totp(seed.to_vec(), &account.email)?;
        let sealed = self.0.secrets.seal(&aad(account.id), &seed)?;
        let tx = client.transaction().await?;
        self.0.limits.forgive(&tx, reserved).await?;
        store::accounts::set_pending_totp(&*tx, account.id, &sealed).await?;
        audit::record(
            &tx,
            self.0.clock.as_ref(),
            person
                .event(meta, "totp.enrol")
                .on("account", account.id.to_string()),
        )
        .await?;
        tx.commit().await?;
        let uri = t.get_url();
        Ok(Enrolment {
            qr_svg: qr_svg(&uri)?,
            secret: t.get_secret_base32(),
            otpauth_uri: uri,
        })
    }

    /// Confirm the enrolment with a code from the app: TOTP becomes the second factor, and the
    /// recovery codes are returned (once; only their MACs are kept).
    pub async fn totp_confirm(
        &self,
        person: &Person,
        code: &str,
        meta: &RequestMeta,
    ) -> Result<Vec<String>, IdentityError> {
        use super::limits::Counter;
        let reserved = self
            .0
            .limits
            .reserve(
                &self.0.db,
                self.0.clock.as_ref(),
                vec![
                    Counter::Account(person.account.0),
                    Counter::Address(meta.client_ip.clone()),
                ],
                person.event(meta, "totp.confirm"),
            )
            .await?;
        let now = self.0.clock.now();
        let mut client = self.0.db.client().await?;
        let tx = client.transaction().await?;
        let account = store::accounts::get_for_update(&*tx, person.account.0)
            .await?
            .ok_or(IdentityError::NotFound)?;
        if account.totp_sealed.is_none() || account.totp_confirmed_at.is_some() {
            return Err(IdentityError::Conflict(said!(
                "There is no TOTP enrolment waiting for confirmation; start one first.",
                "Нет ожидающего подтверждения подключения TOTP; сначала начните его."
            )));
        }
        let Some(step) = self.totp_step(&account, code, now)? else {
            let e = person.event(meta, "totp.confirm");
            return Err(self
                .0
                .limits
                .refuse(
                    tx,
                    self.0.clock.as_ref(),
                    reserved,
                    e,
                    IdentityError::BadCode,
                )
                .await);
        };
        self.0.limits.forgive(&tx, reserved).await?;
        store::accounts::confirm_totp(&*tx, account.id, step, now).await?;
        let codes: Vec<String> = (0..RECOVERY_CODES).map(|_| new_recovery_code()).collect();
        let macs = codes
            .iter()
            .map(|c| {
                let n = normalise_recovery(c);
                self.0
                    .secrets
                    .mac("recovery", &[account.id.as_bytes(), n.as_bytes()])
            })
            .collect::<Result<Vec<_>, _>>()?;
        store::accounts::replace_recovery_codes(&*tx, account.id, &macs).await?;
        audit::record(
            &tx,
            self.0.clock.as_ref(),
            person
                .event(meta, "totp.confirm")
                .on("account", account.id.to_string())
                .with_details(serde_json::json!({"recovery_codes": RECOVERY_CODES})),
        )
        .await?;
        tx.commit().await?;
        Ok(codes)
    }
}
