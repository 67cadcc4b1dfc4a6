//! The holder's view of their documents, soft deletion, the erasure of deleted documents
//! once their retention ends, and the removal of uploads a dead process left unfinished.

use super::{DocumentError, DocumentId, DocumentView, Documents};
use crate::audit::{self, AuditEvent};
use crate::identity::{Person, RequestMeta};
use crate::store::documents::{self as sql, DocumentRow};
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

/// Documents erased per purge round.
const PURGE_BATCH: i64 = 100;

impl Documents {
    /// The holder's documents, newest first.
    pub async fn list(
        &self,
        owner: Uuid,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<DocumentView>, DocumentError> {
        let client = self.0.db.client().await?;
        Ok(sql::list_owned(&**client, owner, limit, offset)
            .await?
            .iter()
            .map(DocumentView::from)
            .collect())
    }

    /// One of the holder's documents (another holder's, or a deleted one, is not found).
    pub async fn document(
        &self,
        owner: Uuid,
        id: DocumentId,
    ) -> Result<DocumentRow, DocumentError> {
        let client = self.0.db.client().await?;
        sql::get_owned(&**client, id.0, owner)
            .await?
            .ok_or(DocumentError::NotFound)
    }

    /// Delete a document: hidden now, erased when the retention period ends.
    pub async fn delete(
        &self,
        person: &Person,
        meta: &RequestMeta,
        id: DocumentId,
    ) -> Result<(), DocumentError> {
        let now = self.0.clock.now();
        let purge_after = now + chrono::Duration::days(i64::from(self.0.cfg.retention_days.get()));
        let mut client = self.0.db.client().await?;
        let tx = client.transaction().await?;
        if !sql::soft_delete(&tx, id.0, person.account.0, now, purge_after).await? {
            return Err(DocumentError::NotFound);
        }
        let event = person
            .event(meta, "document.delete")
            .on("document", id.0.to_string())
            .with_details(serde_json::json!({ "purge_after": purge_after }));
        audit::record(&tx, self.0.clock.as_ref(), event).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Erase the deleted documents whose retention has ended; how many were erased.
    pub async fn purge_due(&self) -> Result<usize, DocumentError> {
        let now = self.0.clock.now();
        let client = self.0.db.client().await?;
        let due = sql::due_for_purge(&**client, now, PURGE_BATCH).await?;
        drop(client);
        for id in &due {
            let mut client = self.0.db.client().await?;
            let tx = client.transaction().await?;
            sql::purge(&tx, *id, now).await?;
            self.0.chunks.remove(*id).await?;
            let event = AuditEvent::system("document.purge").on("document", id.to_string());
            audit::record(&tx, self.0.clock.as_ref(), event).await?;
            tx.commit().await?;
        }
        Ok(due.len())
    }

    /// Remove the uploads a dead process left unfinished (no sign of life for longer than any
    /// live upload goes without one); how many were removed.
    pub async fn discard_abandoned(&self) -> Result<usize, DocumentError> {
        let before = self.0.clock.now() - super::transfer::ABANDONED_AFTER;
        let client = self.0.db.client().await?;
        let abandoned = sql::abandoned_uploads(&**client, before, PURGE_BATCH).await?;
        drop(client);
        let mut removed = 0;
        for id in abandoned {
            if super::transfer::discard_upload(&self.0.db, &self.0.chunks, None, id).await {
                removed += 1;
            }
        }
        Ok(removed)
    }

    /// Erase due documents and abandoned uploads now and then until shutdown.
    pub async fn run_purger(self, shutdown: CancellationToken) {
        let every = std::time::Duration::from_secs(self.0.cfg.purge_interval_secs.get());
        loop {
            if let Err(e) = self.purge_due().await {
                tracing::warn!(error = %e, "purging deleted documents failed; will retry");
            }
            if let Err(e) = self.discard_abandoned().await {
                tracing::warn!(error = %e, "removing abandoned uploads failed; will retry");
            }
            tokio::select! {
                _ = shutdown.cancelled() => break,
                _ = tokio::time::sleep(every) => {}
            }
        }
    }
}
