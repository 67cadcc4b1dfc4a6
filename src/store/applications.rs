//! SQL of certificate applications, their process history and background checks.

use super::StoreError;
use chrono::{DateTime, Utc};
use tokio_postgres::GenericClient;
use tokio_postgres::types::ToSql;
use uuid::Uuid;

/// Whose applications a query may touch; every read takes one, so no query forgets it.
#[derive(Debug, Clone, Copy)]
pub enum Visibility {
    /// The applicant's own.
    Account(Uuid),
    /// Those filed at a point of issue (its operators).
    Point(Uuid),
    /// Those filed by a partner organisation (its agents and API clients).
    Partner(Uuid),
    /// Any (the service itself: payment notifications, schedulers).
    All,
}

impl Visibility {
    fn clause(self, params: &mut Vec<Box<dyn ToSql + Sync + Send>>) -> String {
        let (column, id) = match self {
            Visibility::Account(id) => ("a.account_id", id),
            Visibility::Point(id) => ("a.point_id", id),
            Visibility::Partner(id) => ("a.partner_id", id),
            Visibility::All => return "true".into(),
        };
        params.push(Box::new(id));
        format!("{column} = ${}", params.len())
    }
}

/// An application as stored, with its product's kind and track.
#[derive(Debug, Clone)]
pub struct ApplicationRow {
    /// Id.
    pub id: Uuid,
    /// Number people quote.
    pub number: i64,
    /// Invoice number.
    pub invoice_number: i64,
    /// The applicant's account.
    pub account_id: Uuid,
    /// The partner that filed it.
    pub partner_id: Option<Uuid>,
    /// Point of issue.
    pub point_id: Uuid,
    /// Its name.
    pub point_name: String,
    /// Its region.
    pub region: String,
    /// Product code.
    pub product_code: String,
    /// `qualified` or `simple`.
    pub product_kind: String,
    /// `cloud` or `own_key`.
    pub track: String,
    /// Status.
    pub status: String,
    /// The applicant's data (JSON).
    pub applicant: serde_json::Value,
    /// Price in minor units.
    pub price_minor: i64,
    /// Currency.
    pub currency: String,
    /// When paid.
    pub paid_at: Option<DateTime<Utc>>,
    /// Payment reference.
    pub payment_reference: Option<String>,
    /// Own-key track: the PKCS#10 request.
    pub csr: Option<Vec<u8>>,
    /// Why it was rejected.
    pub rejection_reason: Option<String>,
    /// Filed.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
    /// Simple certificates: when the paper originals must have arrived.
    pub originals_due_at: Option<DateTime<Utc>>,
    /// When they arrived.
    pub originals_received_at: Option<DateTime<Utc>>,
    /// The organisation's register extract at the last check.
    pub legal_entity_extract: Option<serde_json::Value>,
    /// `signature` or `seal` (the product's).
    pub purpose: String,
}

const SELECT: &str = "SELECT a.id, a.number, a.invoice_number, a.account_id, a.partner_id, \
    a.point_id, pt.name, pt.region, a.product_code, p.kind, p.track, a.status, a.applicant, \
    a.price_minor, a.currency, a.paid_at, a.payment_reference, a.csr, a.rejection_reason, \
    a.created_at, a.updated_at, a.originals_due_at, a.originals_received_at, \
    a.legal_entity_extract, p.purpose \
    FROM applications a JOIN products p ON p.code = a.product_code \
    JOIN points_of_issue pt ON pt.id = a.point_id";

fn row(r: &tokio_postgres::Row) -> ApplicationRow {
    ApplicationRow {
        id: r.get(0),
        number: r.get(1),
        invoice_number: r.get(2),
        account_id: r.get(3),
        partner_id: r.get(4),
        point_id: r.get(5),
        point_name: r.get(6),
        region: r.get(7),
        product_code: r.get(8),
        product_kind: r.get(9),
        track: r.get(10),
        status: r.get(11),
        applicant: r.get(12),
        price_minor: r.get(13),
        currency: r.get(14),
        paid_at: r.get(15),
        payment_reference: r.get(16),
        csr: r.get(17),
        rejection_reason: r.get(18),
        created_at: r.get(19),
        updated_at: r.get(20),
        originals_due_at: r.get(21),
        originals_received_at: r.get(22),
        legal_entity_extract: r.get(23),
        purpose: r.get(24),
    }
}

/// The applicant fields the desk filters on, copied out of the JSON.
#[derive(Debug, Clone, Default)]
pub struct SearchFields {
    /// "Surname Given Patronymic".
    pub owner_name: String,
    /// SNILS.
    pub snils: Option<String>,
    /// Individual's INN.
    pub inn: Option<String>,
    /// Organisation name.
    pub organisation: Option<String>,
    /// Organisation's INN.
    pub org_inn: Option<String>,
    /// KPP.
    pub kpp: Option<String>,
}

/// A new application.
#[derive(Debug, Clone)]
pub struct NewApplication<'a> {
    /// Id.
    pub id: Uuid,
    /// Applicant's account.
    pub account_id: Uuid,
    /// Filing partner.
    pub partner_id: Option<Uuid>,
    /// Point of issue.
    pub point_id: Uuid,
    /// Product.
    pub product_code: &'a str,
    /// `individual` or `employee`.
    pub applicant_kind: &'a str,
    /// Status it starts in.
    pub status: &'a str,
    /// Data.
    pub applicant: serde_json::Value,
    /// Filter copies.
    pub search: &'a SearchFields,
    /// Price.
    pub price_minor: i64,
    /// Currency.
    pub currency: &'a str,
}

/// Store a new application; numbers come from their sequences.
pub async fn insert(
    tx: &impl GenericClient,
    a: &NewApplication<'_>,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let s = a.search;
    tx.execute(
        "INSERT INTO applications (id, number, invoice_number, account_id, partner_id, point_id, \
         product_code, applicant_kind, status, applicant, owner_name, snils, inn, organisation, \
         org_inn, kpp, price_minor, currency, created_at, updated_at) VALUES ($1, \
         nextval('application_numbers'), nextval('invoice_numbers'), $2, $3, $4, $5, $6, $7, $8, \
         $9, $10, $11, $12, $13, $14, $15, $16, $17, $17)",
        &[
            &a.id,
            &a.account_id,
            &a.partner_id,
            &a.point_id,
            &a.product_code,
            &a.applicant_kind,
            &a.status,
            &a.applicant,
            &s.owner_name,
            &s.snils,
            &s.inn,
            &s.organisation,
            &s.org_inn,
            &s.kpp,
            &a.price_minor,
            &a.currency,
            &at,
        ],
    )
    .await?;
    Ok(())
}

async fn one(
    c: &impl GenericClient,
    id: Uuid,
    vis: Visibility,
    lock: bool,
) -> Result<Option<ApplicationRow>, StoreError> {
    let mut params: Vec<Box<dyn ToSql + Sync + Send>> = vec![Box::new(id)];
    let clause = vis.clause(&mut params);
    let q = format!(
        "{SELECT} WHERE a.id = $1 AND {clause}{}",
        if lock { " FOR UPDATE OF a" } else { "" }
    );
    let refs: Vec<&(dyn ToSql + Sync)> = params.iter().map(|p| p.as_ref() as _).collect();
    Ok(c.query_opt(&q, &refs).await?.as_ref().map(row))
}

/// The application, if `vis` lets the caller see it.
pub async fn get(
    c: &impl GenericClient,
    id: Uuid,
    vis: Visibility,
) -> Result<Option<ApplicationRow>, StoreError> {
    one(c, id, vis, false).await
}

/// The application locked for a change, if `vis` lets the caller see it.
pub async fn get_for_update(
    tx: &impl GenericClient,
    id: Uuid,
    vis: Visibility,
) -> Result<Option<ApplicationRow>, StoreError> {
    one(tx, id, vis, true).await
}

/// The application billed by `invoice`, locked.
pub async fn by_invoice_for_update(
    tx: &impl GenericClient,
    invoice: i64,
) -> Result<Option<ApplicationRow>, StoreError> {
    let q = format!("{SELECT} WHERE a.invoice_number = $1 FOR UPDATE OF a");
    Ok(tx.query_opt(&q, &[&invoice]).await?.as_ref().map(row))
}

/// Replace the applicant's data.
pub async fn update_applicant(
    tx: &impl GenericClient,
    id: Uuid,
    applicant_kind: &str,
    applicant: &serde_json::Value,
    s: &SearchFields,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE applications SET applicant_kind = $2, applicant = $3, owner_name = $4, \
         snils = $5, inn = $6, organisation = $7, org_inn = $8, kpp = $9, updated_at = $10 \
         WHERE id = $1",
        &[
            &id,
            &applicant_kind,
            applicant,
            &s.owner_name,
            &s.snils,
            &s.inn,
            &s.organisation,
            &s.org_inn,
            &s.kpp,
            &at,
        ],
    )
    .await?;
    Ok(())
}

/// Move the application from `from` to `to`; false when it is no longer in `from`.
pub async fn set_status(
    tx: &impl GenericClient,
    id: Uuid,
    from: &str,
    to: &str,
    at: DateTime<Utc>,
) -> Result<bool, StoreError> {
    Ok(tx
        .execute(
            "UPDATE applications SET status = $3, updated_at = $4 WHERE id = $1 AND status = $2",
            &[&id, &from, &to, &at],
        )
        .await?
        == 1)
}

/// Record the payment.
pub async fn set_paid(
    tx: &impl GenericClient,
    id: Uuid,
    reference: &str,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE applications SET paid_at = $3, payment_reference = $2 WHERE id = $1",
        &[&id, &reference, &at],
    )
    .await?;
    Ok(())
}

/// Record the certificate request: the PKCS#10 (own key) or the confirmation (cloud).
pub async fn set_request(
    tx: &impl GenericClient,
    id: Uuid,
    csr: Option<&[u8]>,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE applications SET csr = $2, request_confirmed_at = $3 WHERE id = $1",
        &[&id, &csr, &at],
    )
    .await?;
    Ok(())
}

/// Record why it was rejected.
pub async fn set_rejection(
    tx: &impl GenericClient,
    id: Uuid,
    reason: &str,
) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE applications SET rejection_reason = $2 WHERE id = $1",
        &[&id, &reason],
    )
    .await?;
    Ok(())
}

/// One step of the process history.
#[derive(Debug, Clone)]
pub struct HistoryRow {
    /// When.
    pub at: DateTime<Utc>,
    /// Who: `subscriber`, `staff`, `partner`, `system`.
    pub actor_kind: String,
    /// Their id.
    pub actor_id: Option<Uuid>,
    /// From (none for filing).
    pub from_status: Option<String>,
    /// To.
    pub to_status: String,
    /// A reason or remark.
    pub note: Option<String>,
}

/// Append a step to the history.
pub async fn insert_history(
    tx: &impl GenericClient,
    application: Uuid,
    h: &HistoryRow,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO application_history (application_id, at, actor_kind, actor_id, from_status, \
         to_status, note) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        &[
            &application,
            &h.at,
            &h.actor_kind,
            &h.actor_id,
            &h.from_status,
            &h.to_status,
            &h.note,
        ],
    )
    .await?;
    Ok(())
}

/// The history, oldest first.
pub async fn history(
    c: &impl GenericClient,
    application: Uuid,
) -> Result<Vec<HistoryRow>, StoreError> {
    Ok(c.query(
        "SELECT at, actor_kind, actor_id, from_status, to_status, note \
             FROM application_history WHERE application_id = $1 ORDER BY id",
        &[&application],
    )
    .await?
    .iter()
    .map(|r| HistoryRow {
        at: r.get(0),
        actor_kind: r.get(1),
        actor_id: r.get(2),
        from_status: r.get(3),
        to_status: r.get(4),
        note: r.get(5),
    })
    .collect())
}

/// A check's stored outcome.
#[derive(Debug, Clone)]
pub struct CheckRow {
    /// Name.
    pub name: String,
    /// `passed`, `failed`, `not_applicable`.
    pub status: String,
    /// For the operator and the applicant, in English.
    pub message: String,
    /// The same in Russian (none for checks run before it was kept).
    pub message_ru: Option<String>,
    /// When it ran.
    pub checked_at: DateTime<Utc>,
}

/// Replace the outcomes of the checks named in `rows`.
pub async fn save_checks(
    tx: &impl GenericClient,
    application: Uuid,
    rows: &[CheckRow],
) -> Result<(), StoreError> {
    for c in rows {
        tx.execute(
            "INSERT INTO application_checks \
             (application_id, name, status, message, message_ru, checked_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (application_id, name) DO UPDATE \
             SET status = $3, message = $4, message_ru = $5, checked_at = $6",
            &[
                &application,
                &c.name,
                &c.status,
                &c.message,
                &c.message_ru,
                &c.checked_at,
            ],
        )
        .await?;
    }
    Ok(())
}

/// The checks, by name.
pub async fn checks(
    c: &impl GenericClient,
    application: Uuid,
) -> Result<Vec<CheckRow>, StoreError> {
    Ok(c.query(
        "SELECT name, status, message, checked_at, message_ru FROM application_checks \
             WHERE application_id = $1 ORDER BY name",
        &[&application],
    )
    .await?
    .iter()
    .map(|r| CheckRow {
        name: r.get(0),
        status: r.get(1),
        message: r.get(2),
        message_ru: r.get(4),
        checked_at: r.get(3),
    })
    .collect())
}

/// What the desk filters by; every field narrows the list.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Application number.
    pub number: Option<i64>,
    /// Invoice number.
    pub invoice_number: Option<i64>,
    /// Any of these statuses.
    pub statuses: Vec<String>,
    /// Filed at or after.
    pub from: Option<DateTime<Utc>>,
    /// Filed before.
    pub until: Option<DateTime<Utc>>,
    /// Part of the owner's name, any case.
    pub owner_name: Option<String>,
    /// Part of the organisation's name, any case.
    pub organisation: Option<String>,
    /// INN of the person or of the organisation.
    pub inn: Option<String>,
    /// KPP.
    pub kpp: Option<String>,
    /// SNILS.
    pub snils: Option<String>,
    /// `cloud` or `own_key`.
    pub track: Option<String>,
    /// Product code.
    pub product: Option<String>,
    /// Region of the point of issue.
    pub region: Option<String>,
    /// Point of issue.
    pub point: Option<Uuid>,
    /// Where the paper originals of a simple certificate stand.
    pub originals: Option<Originals>,
}

/// Where the paper originals of a simple certificate stand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Originals {
    /// Due and not yet arrived.
    Awaited,
    /// Not arrived and past the deadline at the given time.
    OverdueAt(DateTime<Utc>),
    /// Arrived.
    Received,
}

/// Sort column (whitelisted: it goes into the SQL text).
#[derive(Debug, Clone, Copy, Default)]
pub enum Sort {
    /// Filing time.
    #[default]
    Created,
    /// Number.
    Number,
    /// Owner's name.
    OwnerName,
    /// Status.
    Status,
}

fn like(s: &str) -> String {
    let escaped = s
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// A page of the applications `vis` lets the caller see, filtered and sorted, and the total.
pub async fn list(
    c: &impl GenericClient,
    vis: Visibility,
    f: &Filter,
    sort: Sort,
    descending: bool,
    limit: i64,
    offset: i64,
) -> Result<(Vec<ApplicationRow>, i64), StoreError> {
    let mut params: Vec<Box<dyn ToSql + Sync + Send>> = Vec::new();
    let mut conds = vec![vis.clause(&mut params)];
    match f.originals {
        Some(Originals::Awaited) => {
            conds.push("a.originals_due_at IS NOT NULL AND a.originals_received_at IS NULL".into())
        }
        Some(Originals::OverdueAt(now)) => {
            params.push(Box::new(now));
            conds.push(format!(
                "a.originals_due_at < ${} AND a.originals_received_at IS NULL",
                params.len()
            ));
        }
        Some(Originals::Received) => conds.push("a.originals_received_at IS NOT NULL".into()),
        None => {}
    }
    // Each `?` in a condition stands for the one value pushed with it.
    let mut push = |cond: &str, value: Box<dyn ToSql + Sync + Send>| {
        params.push(value);
        conds.push(cond.replace('?', &format!("${}", params.len())));
    };
    if let Some(n) = f.number {
        push("a.number = ?", Box::new(n));
    }
    if let Some(n) = f.invoice_number {
        push("a.invoice_number = ?", Box::new(n));
    }
    if !f.statuses.is_empty() {
        push("a.status = ANY(?)", Box::new(f.statuses.clone()));
    }
    if let Some(t) = f.from {
        push("a.created_at >= ?", Box::new(t));
    }
    if let Some(t) = f.until {
        push("a.created_at < ?", Box::new(t));
    }
    if let Some(s) = &f.owner_name {
        push("a.owner_name ILIKE ?", Box::new(like(s)));
    }
    if let Some(s) = &f.organisation {
        push("a.organisation ILIKE ?", Box::new(like(s)));
    }
    if let Some(s) = &f.inn {
        push("(a.inn = ? OR a.org_inn = ?)", Box::new(s.clone()));
    }
    if let Some(s) = &f.kpp {
        push("a.kpp = ?", Box::new(s.clone()));
    }
    if let Some(s) = &f.snils {
        push("a.snils = ?", Box::new(s.clone()));
    }
    if let Some(s) = &f.track {
        push("p.track = ?", Box::new(s.clone()));
    }
    if let Some(s) = &f.product {
        push("a.product_code = ?", Box::new(s.clone()));
    }
    if let Some(s) = &f.region {
        push("pt.region = ?", Box::new(s.clone()));
    }
    if let Some(p) = f.point {
        push("a.point_id = ?", Box::new(p));
    }
    let column = match sort {
        Sort::Created => "a.created_at",
        Sort::Number => "a.number",
        Sort::OwnerName => "a.owner_name",
        Sort::Status => "a.status",
    };
    let direction = if descending { "DESC" } else { "ASC" };
    let filter = conds.join(" AND ");
    let refs: Vec<&(dyn ToSql + Sync)> = params.iter().map(|p| p.as_ref() as _).collect();
    let total: i64 = c
        .query_one(
            &format!(
                "SELECT count(*) FROM applications a JOIN products p ON p.code = a.product_code \
                 JOIN points_of_issue pt ON pt.id = a.point_id WHERE {filter}"
            ),
            &refs,
        )
        .await?
        .get(0);
    let n = refs.len();
    let q = format!(
        "{SELECT} WHERE {filter} ORDER BY {column} {direction}, a.number {direction} \
         LIMIT ${} OFFSET ${}",
        n + 1,
        n + 2
    );
    let mut refs = refs;
    refs.push(&limit);
    refs.push(&offset);
    let rows = c.query(&q, &refs).await?.iter().map(row).collect();
    Ok((rows, total))
}

/// Keep the organisation's register extract from the last check (none for individuals).
pub async fn set_extract(
    tx: &impl GenericClient,
    id: Uuid,
    extract: Option<&serde_json::Value>,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE applications SET legal_entity_extract = $2, legal_entity_extract_at = $3 \
         WHERE id = $1",
        &[&id, &extract, &at],
    )
    .await?;
    Ok(())
}
