//! SQL of the product catalogue.

use super::StoreError;
use chrono::{DateTime, Utc};
use tokio_postgres::GenericClient;

/// A product as stored.
#[derive(Debug, Clone)]
pub struct ProductRow {
    /// Code.
    pub code: String,
    /// `qualified` or `simple`.
    pub kind: String,
    /// `cloud` or `own_key`.
    pub track: String,
    /// `signature` (a person's) or `seal` (an organisation's).
    pub purpose: String,
    /// English name.
    pub name_en: String,
    /// Russian name.
    pub name_ru: String,
    /// Price in minor units.
    pub price_minor: i64,
    /// Currency.
    pub currency: String,
    /// On sale.
    pub active: bool,
}

const COLUMNS: &str = "code, kind, track, name_en, name_ru, price_minor, currency, active, purpose";

fn row(r: &tokio_postgres::Row) -> ProductRow {
    ProductRow {
        code: r.get(0),
        kind: r.get(1),
        track: r.get(2),
        name_en: r.get(3),
        name_ru: r.get(4),
        price_minor: r.get(5),
        currency: r.get(6),
        active: r.get(7),
        purpose: r.get(8),
    }
}

/// Products on sale, cheapest first.
pub async fn active(c: &impl GenericClient) -> Result<Vec<ProductRow>, StoreError> {
    let q = format!("SELECT {COLUMNS} FROM products WHERE active ORDER BY price_minor, code");
    Ok(c.query(&q, &[]).await?.iter().map(row).collect())
}

/// One product, on sale or not.
pub async fn get(c: &impl GenericClient, code: &str) -> Result<Option<ProductRow>, StoreError> {
    let q = format!("SELECT {COLUMNS} FROM products WHERE code = $1");
    Ok(c.query_opt(&q, &[&code]).await?.as_ref().map(row))
}

/// Every product, on sale or not, cheapest first.
pub async fn all(c: &impl GenericClient) -> Result<Vec<ProductRow>, StoreError> {
    let q = format!("SELECT {COLUMNS} FROM products ORDER BY price_minor, code");
    Ok(c.query(&q, &[]).await?.iter().map(row).collect())
}

/// Set a product's price and whether it is on sale; the row as it was, if there is one.
pub async fn set_offer(
    tx: &impl GenericClient,
    code: &str,
    price_minor: i64,
    active: bool,
) -> Result<Option<ProductRow>, StoreError> {
    let q = format!("SELECT {COLUMNS} FROM products WHERE code = $1 FOR UPDATE");
    let Some(before) = tx.query_opt(&q, &[&code]).await?.as_ref().map(row) else {
        return Ok(None);
    };
    tx.execute(
        "UPDATE products SET price_minor = $2, active = $3 WHERE code = $1",
        &[&code, &price_minor, &active],
    )
    .await?;
    Ok(Some(before))
}

/// Create a product where none has its code: seeding never undoes an administrator's price
/// or withdrawal.
pub async fn insert_absent(
    c: &impl GenericClient,
    p: &ProductRow,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    c.execute(
        "INSERT INTO products (code, kind, track, name_en, name_ru, price_minor, currency, \
         active, created_at, purpose) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
         ON CONFLICT (code) DO NOTHING",
        &[
            &p.code,
            &p.kind,
            &p.track,
            &p.name_en,
            &p.name_ru,
            &p.price_minor,
            &p.currency,
            &p.active,
            &at,
            &p.purpose,
        ],
    )
    .await?;
    Ok(())
}
