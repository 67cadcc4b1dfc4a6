//! The PDF documents people print, sign by hand and keep: invoices, certificate forms, acts,
//! guides and, later, protocols. Text is laid out on A4 pages in an embedded, subset DejaVu
//! Sans, so Cyrillic renders on any reader and `pdftotext` gets the words back (every font
//! carries a ToUnicode map). Output is deterministic: the same content gives the same bytes,
//! which lets a document be re-downloaded and still match what was signed on paper.

mod font;
mod sheet;
mod write;

pub use sheet::{Column, Sheet};

/// Why a document could not be written. Only a broken embedded font can cause it, so callers
/// treat it as an internal fault.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    /// The embedded font could not be read or subset.
    #[error("embedded font: {0}")]
    Font(String),
}
