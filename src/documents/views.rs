//! What holders see of their documents.

use crate::store::documents::DocumentRow;
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// A stored document.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DocumentView {
    /// Its id.
    pub id: Uuid,
    /// File name.
    pub name: String,
    /// Media type.
    pub media_type: String,
    /// Size in bytes.
    pub size: i64,
    /// SHA-256 of the content, hex.
    pub sha256: String,
    /// When it was uploaded.
    pub created_at: DateTime<Utc>,
}

impl From<&DocumentRow> for DocumentView {
    fn from(d: &DocumentRow) -> Self {
        Self {
            id: d.id,
            name: d.name.clone(),
            media_type: d.media_type.clone(),
            size: d.size,
            sha256: hex::encode(&d.sha256),
            created_at: d.created_at,
        }
    }
}
