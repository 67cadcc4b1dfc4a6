//! Exports of delivery protocols as one ZIP archive: per sending its sealed protocol as JSON
//! and as a PDF, an `index.jsonl` (a header, then a line per sending with the archive paths
//! and their SHA-256), and — for auditors — `audit-chain.jsonl`, the segment of the audit chain
//! from the first entry about any exported sending up to a checkpoint signed after the export's
//! own entry, in the format `cloudseal audit verify` checks offline. Every export is an audit
//! entry. What a copy lists follows its viewer: an auditor sees every recipient, a holder's
//! export is their own view of each sending.
//!
//! The archive is spooled to an anonymous temporary file (memory stays flat however many
//! protocols it holds) with plain blocking writes of a few kilobytes at a time on local disk.

use super::protocol::{DeliveryProtocol, Viewer, auditors_only, seal};
use super::{Exchange, ExchangeError};
use crate::audit::{self, export as chain, sealer};
use crate::identity::{Person, RequestMeta};
use crate::pki::identifiers::Inn;
use crate::said;
use crate::store::audit as audit_sql;
use crate::store::sendings::{self as sql, Selection};
use crate::verification::{Lang, ProtocolFormat};
use chrono::{DateTime, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::io::{Seek, Write};
use uuid::Uuid;
use zip::write::SimpleFileOptions;

/// Name and version of the archive's layout.
pub const FORMAT: &str = "cloudseal-delivery-export/1";

/// Which sendings to export and in which language the PDFs are.
#[derive(Debug, Clone)]
pub struct ExportRequest {
    /// Sent at or after.
    pub from: Option<DateTime<Utc>>,
    /// Sent before.
    pub to: Option<DateTime<Utc>>,
    /// Only sendings where a certificate issued for this organisation signed (auditors).
    pub org_inn: Option<Inn>,
    /// The PDFs' language.
    pub lang: Lang,
}

/// A finished export, ready to stream.
#[derive(Debug)]
pub struct Archive {
    /// Its id (named in its audit entry and its index).
    pub id: Uuid,
    /// The ZIP file, at its start.
    pub file: std::fs::File,
    /// Its size in bytes.
    pub size: u64,
    /// How many sendings it holds.
    pub sendings: usize,
}

/// The first line of `index.jsonl`.
#[derive(Serialize)]
struct Header<'a> {
    r#type: &'static str,
    format: &'static str,
    export: Uuid,
    exported_at: DateTime<Utc>,
    prepared_for: &'static str,
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
    org_inn: Option<&'a str>,
    sendings: usize,
    audit_chain: Option<ChainFacts>,
}

/// What the chain segment in the archive covers.
#[derive(Serialize)]
struct ChainFacts {
    path: &'static str,
    first_seq: i64,
    last_seq: i64,
    entries: usize,
    checkpoints: usize,
}

/// A file in the archive and its digest.
#[derive(Serialize)]
struct Member {
    path: String,
    sha256: String,
}

/// A line of `index.jsonl` per sending.
#[derive(Serialize)]
struct Line<'a> {
    r#type: &'static str,
    sending: Uuid,
    subject: &'a str,
    sender: &'a str,
    sent_at: Option<DateTime<Utc>>,
    files: Vec<IndexedFile<'a>>,
    recipients: Vec<IndexedRecipient<'a>>,
    protocol_json: Member,
    protocol_pdf: Member,
}

#[derive(Serialize)]
struct IndexedFile<'a> {
    name: &'a str,
    sha256: &'a str,
}

#[derive(Serialize)]
struct IndexedRecipient<'a> {
    email: &'a str,
    status: &'static str,
}

fn zip_error(e: zip::result::ZipError) -> ExchangeError {
    ExchangeError::Internal(format!("writing the export archive: {e}"))
}

fn io_error(e: std::io::Error) -> ExchangeError {
    ExchangeError::Internal(format!("writing the export archive: {e}"))
}

/// Every member is deflated and readable by all.
fn options() -> SimpleFileOptions {
    SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .unix_permissions(0o644)
}

fn put(
    zip: &mut zip::ZipWriter<std::fs::File>,
    path: &str,
    bytes: &[u8],
) -> Result<Member, ExchangeError> {
    zip.start_file(path, options()).map_err(zip_error)?;
    zip.write_all(bytes).map_err(io_error)?;
    Ok(Member {
        path: path.to_owned(),
        sha256: hex::encode(Sha256::digest(bytes)),
    })
}

fn line<'a>(p: &'a DeliveryProtocol, json: Member, pdf: Member) -> Line<'a> {
    Line {
        r#type: "sending",
        sending: p.sending.id,
        subject: &p.sending.subject,
        sender: &p.sending.sender.email,
        sent_at: p.sending.sent_at,
        files: p
            .files
            .iter()
            .map(|f| IndexedFile {
                name: &f.name,
                sha256: &f.sha256,
            })
            .collect(),
        recipients: p
            .recipients
            .iter()
            .map(|r| IndexedRecipient {
                email: &r.recipient.email,
                status: r.status,
            })
            .collect(),
        protocol_json: json,
        protocol_pdf: pdf,
    }
}

fn json_line(out: &mut Vec<u8>, value: &impl Serialize) -> Result<(), ExchangeError> {
    serde_json::to_writer(&mut *out, value).map_err(|e| ExchangeError::Internal(e.to_string()))?;
    out.push(b'\n');
    Ok(())
}

impl Exchange {
    /// An auditor's export: every sending in the period and/or with the organisation, each
    /// protocol listing every recipient, and the audit chain segment that covers them.
    pub async fn export_for_auditor(
        &self,
        auditor: &Person,
        meta: &RequestMeta,
        request: ExportRequest,
    ) -> Result<Archive, ExchangeError> {
        auditors_only(auditor)?;
        if request.from.is_none() && request.to.is_none() && request.org_inn.is_none() {
            return Err(ExchangeError::Invalid(said!(
                "name a period (`from`, `to`) and/or an organisation (`org_inn`)",
                "укажите период (`from`, `to`) и/или организацию (`org_inn`)"
            )));
        }
        self.export(auditor, meta, Viewer::Auditor, request).await
    }

    /// A holder's export of the sendings they sent or received in the period, as they see them.
    pub async fn export_own(
        &self,
        person: &Person,
        meta: &RequestMeta,
        request: ExportRequest,
    ) -> Result<Archive, ExchangeError> {
        if request.org_inn.is_some() {
            return Err(ExchangeError::Invalid(said!(
                "`org_inn` is for auditors; your export holds your own sendings",
                "`org_inn` — для аудиторов; ваша выгрузка содержит ваши собственные отправления"
            )));
        }
        self.export(person, meta, Viewer::Person(person.account.0), request)
            .await
    }

    async fn export(
        &self,
        person: &Person,
        meta: &RequestMeta,
        viewer: Viewer,
        request: ExportRequest,
    ) -> Result<Archive, ExchangeError> {
        if let (Some(from), Some(to)) = (request.from, request.to) {
            if from >= to {
                return Err(ExchangeError::Invalid(said!(
                    "`from` must be before `to`",
                    "`from` должно быть раньше `to`"
                )));
            }
        }
        let max = i64::from(self.0.cfg.export_max_sendings.get());
        let pick = Selection {
            from: request.from,
            to: request.to,
            org_inn: request.org_inn.as_ref().map(Inn::as_str),
            party: match viewer {
                Viewer::Person(me) => Some(me),
                Viewer::Auditor => None,
            },
        };
        let id = Uuid::new_v4();
        let auditor = viewer == Viewer::Auditor;
        let rows = {
            let mut client = self.0.db.client().await?;
            let rows = sql::selected(&**client, &pick, max + 1).await?;
            if rows.len() as i64 > max {
                return Err(ExchangeError::Invalid(said!(
                    "more than {max} sendings match; narrow the period",
                    "подходит больше {max} отправлений; сузьте период"
                )));
            }
            let ids: Vec<String> = rows.iter().map(|s| s.id.to_string()).collect();
            let tx = client.transaction().await?;
            let e = person
                .event(meta, "sending.export")
                .on("sending_export", id.to_string())
                .with_details(serde_json::json!({
                    "prepared_for": if auditor { "auditor" } else { "party" },
                    "from": request.from, "to": request.to, "org_inn": pick.org_inn,
                    "sendings": rows.len(),
                    "sendings_sha256": hex::encode(Sha256::digest(ids.join("\n").as_bytes())),
                }));
            audit::record(&tx, self.0.clock.as_ref(), e).await?;
            tx.commit().await?;
            rows
        };
        let file = tempfile::tempfile().map_err(io_error)?;
        let mut zip = zip::ZipWriter::new(file);
        let mut index = Vec::new();
        let prepared_for = if auditor { "auditor" } else { "party" };
        for s in &rows {
            let protocol = {
                let client = self.0.db.client().await?;
                self.delivery(&**client, s, viewer).await?
            };
            let verification = &self.0.verification;
            let json = seal(verification, &protocol, ProtocolFormat::Json, request.lang).await?;
            let pdf = seal(verification, &protocol, ProtocolFormat::Pdf, request.lang).await?;
            let code = match request.lang {
                Lang::En => "en",
                Lang::Ru => "ru",
            };
            let json = put(&mut zip, &format!("protocols/{}.json", s.id), &json)?;
            let pdf = put(&mut zip, &format!("protocols/{}.{code}.pdf", s.id), &pdf)?;
            json_line(&mut index, &line(&protocol, json, pdf))?;
        }
        let audit_chain = if auditor {
            Some(self.chain_segment(&mut zip, id, &rows).await?)
        } else {
            None
        };
        let mut head = Vec::new();
        json_line(
            &mut head,
            &Header {
                r#type: "header",
                format: FORMAT,
                export: id,
                exported_at: self.0.clock.now(),
                prepared_for,
                from: request.from,
                to: request.to,
                org_inn: pick.org_inn,
                sendings: rows.len(),
                audit_chain,
            },
        )?;
        head.extend_from_slice(&index);
        put(&mut zip, "index.jsonl", &head)?;
        let mut file = zip.finish().map_err(zip_error)?;
        let size = file.stream_position().map_err(io_error)?;
        file.rewind().map_err(io_error)?;
        Ok(Archive {
            id,
            file,
            size,
            sendings: rows.len(),
        })
    }

    /// Settle the chain (the export's own entry linked and under a fresh checkpoint), then
    /// write the segment from the first entry about any exported sending — or the export's own
    /// entry when there is none — up to that checkpoint.
    async fn chain_segment(
        &self,
        zip: &mut zip::ZipWriter<std::fs::File>,
        export: Uuid,
        rows: &[crate::store::sendings::SendingRow],
    ) -> Result<ChainFacts, ExchangeError> {
        sealer::settle(
            &self.0.db,
            &self.0.vault,
            self.0.clock.as_ref(),
            &self.0.audit,
        )
        .await?;
        let first = {
            let client = self.0.db.client().await?;
            let ids: Vec<String> = rows.iter().map(|s| s.id.to_string()).collect();
            let about = audit_sql::first_seq_about(&**client, "sending", &ids).await?;
            let own =
                audit_sql::first_seq_about(&**client, "sending_export", &[export.to_string()])
                    .await?;
            about.or(own).ok_or_else(|| {
                ExchangeError::Internal("the export's own audit entry is not linked".into())
            })?
        };
        zip.start_file("audit-chain.jsonl", options())
            .map_err(zip_error)?;
        let summary = chain::write(
            &self.0.db,
            &self.0.chain,
            Some(first),
            None,
            self.0.clock.now(),
            zip,
        )
        .await
        .map_err(|e| match e {
            chain::ExportError::Audit(a) => ExchangeError::Audit(a),
            other => ExchangeError::Internal(other.to_string()),
        })?;
        Ok(ChainFacts {
            path: "audit-chain.jsonl",
            first_seq: summary.first_seq,
            last_seq: summary.last_seq,
            entries: summary.entries,
            checkpoints: summary.checkpoints,
        })
    }
}
