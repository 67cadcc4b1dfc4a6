//! SQL of the invalid-passports list: a bulk import by `COPY` and the indexed lookup.

use super::StoreError;
use bytes::Bytes;
use chrono::{DateTime, Utc};
use futures_util::SinkExt;
use tokio::io::{AsyncRead, AsyncReadExt};
use tokio_postgres::GenericClient;

/// Replace the list with the CSV read from `input` (`series,number` per line after a header
/// line), in `tx`: the lines stream into a staging table by `COPY`, and the well-formed ones
/// (4-digit series, 6-digit number) replace the list in one statement. Returns (lines read,
/// distinct passports kept).
pub async fn import(
    tx: &tokio_postgres::Transaction<'_>,
    input: &mut (impl AsyncRead + Unpin),
    source: &str,
    at: DateTime<Utc>,
) -> Result<(i64, i64), StoreError> {
    tx.batch_execute(
        "CREATE TEMP TABLE passport_lines (line text) ON COMMIT DROP; \
         TRUNCATE invalid_passports",
    )
    .await?;
    // One raw line per row: delimiter and quote are bytes that never occur in the list, so a
    // malformed line is kept as text and filtered out below instead of failing the COPY.
    let sink = tx
        .copy_in("COPY passport_lines (line) FROM STDIN WITH (FORMAT csv, HEADER true, DELIMITER E'\\x01', QUOTE E'\\x02')")
        .await?;
    futures_util::pin_mut!(sink);
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let n = input
            .read(&mut buf)
            .await
            .map_err(|e| StoreError::Corrupt(format!("reading the list: {e}")))?;
        if n == 0 {
            break;
        }
        sink.send(Bytes::copy_from_slice(&buf[..n])).await?;
    }
    let read = i64::try_from(sink.finish().await?).unwrap_or(i64::MAX);
    let kept = tx
        .execute(
            "INSERT INTO invalid_passports (passport) \
             SELECT DISTINCT (m[1] || m[2])::bigint FROM passport_lines, \
             regexp_match(btrim(line, E' \\r'), '^\\s*\"?([0-9]{4})\"?\\s*,\\s*\"?([0-9]{6})\"?\\s*$') AS m WHERE m IS NOT NULL",
            &[],
        )
        .await?;
    let kept = i64::try_from(kept).unwrap_or(i64::MAX);
    tx.execute(
        "INSERT INTO passport_list_imports (imported_at, source, rows_read, rows_kept) \
         VALUES ($1, $2, $3, $4)",
        &[&at, &source, &read, &kept],
    )
    .await?;
    Ok((read, kept))
}

/// When the list in force was imported, if ever.
pub async fn last_import(c: &impl GenericClient) -> Result<Option<DateTime<Utc>>, StoreError> {
    Ok(c.query_opt(
        "SELECT imported_at FROM passport_list_imports ORDER BY id DESC LIMIT 1",
        &[],
    )
    .await?
    .map(|r| r.get(0)))
}

/// Whether the passport (4-digit series, 6-digit number) is in the list.
pub async fn is_invalid(c: &impl GenericClient, passport: i64) -> Result<bool, StoreError> {
    Ok(c.query_opt(
        "SELECT 1 FROM invalid_passports WHERE passport = $1",
        &[&passport],
    )
    .await?
    .is_some())
}
