//! Extending an authorisation (CSC `credentials/extendTransaction`): a holder signing many
//! hashes one request at a time keeps a short-lived SAD alive without typing the PIN again.
//! The SAD stays the same secret; only its end of life moves, never beyond the configured
//! maximum counted from when the PIN was given.

use super::authorisation::why_not;
use super::{Custody, KeyHolder, Sad, SigningError};
use crate::audit;
use crate::store::keys as sql;
use chrono::{DateTime, TimeDelta, Utc};

/// An authorisation after an extension.
#[derive(Debug, Clone, Copy)]
pub struct Extended {
    /// The new end of life.
    pub expires_at: DateTime<Utc>,
    /// Signatures left.
    pub remaining: u32,
}

impl Custody {
    /// Renew the SAD's life by `lifetime` from now (capped as above), if it is open, the
    /// holder's, and covers every hash in `bound`.
    pub async fn extend(
        &self,
        holder: &KeyHolder,
        sad: &Sad,
        bound: &[Vec<u8>],
        lifetime: std::time::Duration,
    ) -> Result<Extended, SigningError> {
        let now = self.clock.now();
        let until = now + TimeDelta::from_std(lifetime).unwrap_or(TimeDelta::MAX);
        let cap = f64::from(self.config.authorisation_max_secs.get());
        let id = sad.authorisation();
        let mut client = self.db.client().await?;
        let tx = client.transaction().await?;
        let extended = sql::extend(
            &*tx,
            id,
            holder.owner().0,
            &sad.hash(),
            bound,
            until,
            cap,
            now,
        )
        .await?;
        let Some((expires_at, remaining)) = extended else {
            return Err(why_not(&tx, holder, sad, bound, now).await?);
        };
        audit::record(
            &tx,
            self.clock.as_ref(),
            holder
                .event("key.authorisation_extend")
                .with_details(serde_json::json!({
                    "authorisation": id,
                    "expires_at": expires_at,
                })),
        )
        .await?;
        tx.commit().await?;
        Ok(Extended {
            expires_at,
            remaining: u32::try_from(remaining).unwrap_or(0),
        })
    }
}
