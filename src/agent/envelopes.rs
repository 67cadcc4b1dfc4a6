//! Files into envelopes and back, on the agent's side (blocking; callers run these on the
//! blocking pool). Sending: the seal's detached signature over the file is attached to it and
//! the whole is encrypted to the recipients' certificates and the agent's own, into one
//! `.p7m` written beside the journal. Receiving: the envelope's entry for the agent's
//! certificate goes to the vault for the content key, and the content is decrypted and split
//! into the file and its signature. Memory stays at one buffer for any size.

use super::AgentError;
use crate::pki::envelope::EnvelopeError;
use crate::pki::envelope::agree::ContentKey;
use crate::pki::envelope::open::{self, Hashing, open_content};
use crate::pki::envelope::signed::attached_parts;
use crate::pki::envelope::stream::{Head, Sealer, read_head};
use der::Decode;
use sha2::Digest;
use std::io::{BufReader, BufWriter, Write};
use std::path::Path;
use x509_cert::Certificate;

/// Parse DER certificates as the server sent them.
pub fn certificates(ders: &[Vec<u8>]) -> Result<Vec<Certificate>, AgentError> {
    ders.iter()
        .map(|d| {
            Certificate::from_der(d).map_err(|_| {
                AgentError::Transient("the server sent an unreadable certificate".into())
            })
        })
        .collect()
}

pub use crate::pki::envelope::open::Opened;

fn local(e: EnvelopeError) -> AgentError {
    match e {
        EnvelopeError::Io(io) => AgentError::Io(io),
        other => AgentError::Local(other.to_string()),
    }
}

/// Seal `plain` (`size` bytes, signed by `detached`) into an envelope at `target` for
/// `recipients`; the envelope's SHA-256, hex. Written to a temporary name and renamed, so a
/// `target` that exists is whole.
pub fn seal_file(
    plain: &Path,
    size: u64,
    detached: &[u8],
    recipients: &[Certificate],
    target: &Path,
) -> Result<String, AgentError> {
    let (prefix, suffix) = attached_parts(detached, size).map_err(local)?;
    let total = prefix.len() as u64 + size + suffix.len() as u64;
    let mut tmp = target.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = std::path::PathBuf::from(tmp);
    let file = std::fs::File::create(&tmp).map_err(AgentError::Io)?;
    let out = Hashing::new(BufWriter::with_capacity(256 * 1024, file));
    let mut sealer = Sealer::start(out, recipients, true, total).map_err(local)?;
    sealer.write_all(&prefix).map_err(AgentError::Io)?;
    let copied = std::io::copy(
        &mut BufReader::with_capacity(
            256 * 1024,
            std::fs::File::open(plain).map_err(AgentError::Io)?,
        ),
        &mut sealer,
    )
    .map_err(AgentError::Io)?;
    if copied != size {
        return Err(AgentError::Transient(
            "the file changed while it was encrypted; it is sent once it is still".into(),
        ));
    }
    sealer.write_all(&suffix).map_err(AgentError::Io)?;
    let out = sealer.finish().map_err(local)?;
    let hash = out.hash.finalize();
    let file = out
        .inner
        .into_inner()
        .map_err(|e| AgentError::Io(e.into_error()))?;
    file.sync_all().map_err(AgentError::Io)?;
    std::fs::rename(&tmp, target).map_err(AgentError::Io)?;
    Ok(hex::encode(hash))
}

/// Whether the file at `path` is a CMS envelope, and if so its header.
pub fn head_of(path: &Path) -> Option<Head> {
    let mut r = BufReader::new(std::fs::File::open(path).ok()?);
    read_head(&mut r).ok()
}

/// The envelope's entry for `own` (DER), or why there is none.
pub fn entry_for(head: &Head, own: &Certificate) -> Result<Vec<u8>, String> {
    match open::entry_for(head, own) {
        Ok(der) => Ok(der),
        Err(EnvelopeError::NotForUs) => {
            Err("it is not encrypted to this agent's certificate".into())
        }
        Err(e) => Err(e.to_string()),
    }
}

/// Decrypt the envelope at `path` with `key` into `out` (the file only; a signature inside
/// is returned detached).
pub fn open_file(path: &Path, key: &ContentKey, out: &Path) -> Result<Opened, AgentError> {
    let mut r = BufReader::with_capacity(
        256 * 1024,
        std::fs::File::open(path).map_err(AgentError::Io)?,
    );
    let head = read_head(&mut r).map_err(local)?;
    let mut w = BufWriter::with_capacity(
        256 * 1024,
        std::fs::File::create(out).map_err(AgentError::Io)?,
    );
    open_content(r, &head, key, &mut w).map_err(AgentError::Io)
}
