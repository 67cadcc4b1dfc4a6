//! Payment notifications from the payment provider: authenticated by an HMAC-SHA256 over the
//! timestamp and the exact body with a shared secret, refused outside a replay window,
//! checked against the invoice's amount, and idempotent (the provider retries).

use super::{Actor, Registration, RegistrationError};
use crate::identity::RequestMeta;
use crate::said;
use crate::store::applications as sql;
use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::Sha256;
use utoipa::ToSchema;

/// The notification's body.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaymentNotice {
    /// The invoice paid.
    pub invoice_number: i64,
    /// Amount received, minor units.
    pub amount_minor: i64,
    /// Currency.
    pub currency: String,
    /// The provider's payment id.
    pub reference: String,
}

impl Registration {
    /// Verify `signature` (`sha256=<hex>`) over `timestamp.body`; then record the payment.
    /// Returns whether the payment was new (false for a retried notification).
    pub async fn payment_notification(
        &self,
        meta: &RequestMeta,
        timestamp: &str,
        signature: &str,
        body: &[u8],
    ) -> Result<bool, RegistrationError> {
        let secret = self
            .0
            .cfg
            .payment_webhook_secret
            .as_ref()
            .ok_or(RegistrationError::BadPaymentSignature)?;
        let sent: i64 = timestamp
            .trim()
            .parse()
            .map_err(|_| RegistrationError::BadPaymentSignature)?;
        let window = i64::from(self.0.cfg.payment_webhook_tolerance_secs.get());
        if (self.0.clock.now().timestamp() - sent).abs() > window {
            return Err(RegistrationError::BadPaymentSignature);
        }
        let given = signature
            .trim()
            .strip_prefix("sha256=")
            .and_then(|h| hex::decode(h).ok())
            .ok_or(RegistrationError::BadPaymentSignature)?;
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.expose().as_bytes())
            .map_err(|_| RegistrationError::BadPaymentSignature)?;
        mac.update(timestamp.trim().as_bytes());
        mac.update(b".");
        mac.update(body);
        mac.verify_slice(&given)
            .map_err(|_| RegistrationError::BadPaymentSignature)?;
        let notice: PaymentNotice = serde_json::from_slice(body).map_err(|e| {
            RegistrationError::Invalid(said!(
                "payment notification: {e}",
                "уведомление о платеже: {e}"
            ))
        })?;
        let actor = Actor::system(meta);
        let mut client = self.0.db.client().await?;
        let tx = client.transaction().await?;
        let app = sql::by_invoice_for_update(&*tx, notice.invoice_number)
            .await?
            .ok_or(RegistrationError::NotFound)?;
        if app.paid_at.is_some() {
            return if app.payment_reference.as_deref() == Some(notice.reference.trim()) {
                Ok(false)
            } else {
                Err(RegistrationError::Precondition(said!(
                    "the invoice is already paid by another payment",
                    "счёт уже оплачен другим платежом"
                )))
            };
        }
        if notice.amount_minor != app.price_minor || notice.currency != app.currency {
            return Err(RegistrationError::Precondition(said!(
                "the invoice is for {} {} (minor units)",
                "счёт выставлен на {} {} (в минимальных единицах)",
                app.price_minor,
                app.currency
            )));
        }
        self.record_payment(&tx, &actor, &app, &notice.reference)
            .await?;
        tx.commit().await?;
        Ok(true)
    }
}
