//! Files into envelopes and back, on the agent's side (blocking; callers run these on the
//! blocking pool). Sending: the seal's detached signature over the file is attached to it and
//! the whole is encrypted to the recipients' certificates and the agent's own, into one
//! `.p7m` written beside the journal. Receiving: the envelope's entry for the agent's
//! certificate goes to the vault for the content key, and the content is decrypted and split
//! into the file and its signature. Memory stays at one buffer for any size.

use super::AgentError;
use crate::pki::envelope::EnvelopeError;
use crate::pki::envelope::agree::{ContentKey, agreement_for, info_der};
use crate::pki::envelope::signed::{Split, attached_parts, split_attached};
use crate::pki::envelope::stream::{Head, Opener, Sealer, is_wrong_key, read_head};
use der::Decode;
use sha2::{Digest, Sha256};
use std::io::{BufReader, BufWriter, Read, Write};
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

/// A writer that hashes what it writes.
struct Hashing<W: Write> {
    inner: W,
    hash: Sha256,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hash.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

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
    let out = Hashing {
        inner: BufWriter::with_capacity(256 * 1024, file),
        hash: Sha256::new(),
    };
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
    match agreement_for(&head.recipients, own) {
        Ok((index, _)) => info_der(&head.recipients[index]).map_err(|e| e.to_string()),
        Err(EnvelopeError::NotForUs) => {
            Err("it is not encrypted to this agent's certificate".into())
        }
        Err(e) => Err(e.to_string()),
    }
}

/// What opening an envelope gave.
#[derive(Debug)]
pub enum Opened {
    /// A signed file: its signature (detached) and hash.
    Signed(Split),
    /// Content without a signature inside.
    Plain {
        /// SHA-256 of the content.
        sha256: [u8; 32],
        /// Its size.
        len: u64,
    },
    /// The key did not open it, or it is damaged: the reason.
    Damaged(String),
}

/// Decrypt the envelope at `path` with `key` into `out` (the file only; a signature inside
/// is returned detached).
pub fn open_file(path: &Path, key: &ContentKey, out: &Path) -> Result<Opened, AgentError> {
    let mut r = BufReader::with_capacity(
        256 * 1024,
        std::fs::File::open(path).map_err(AgentError::Io)?,
    );
    let head = read_head(&mut r).map_err(local)?;
    let mut opener = Opener::new(r, &head, key).map_err(local)?;
    let mut w = BufWriter::with_capacity(
        256 * 1024,
        std::fs::File::create(out).map_err(AgentError::Io)?,
    );
    let result = if head.is_signed() {
        split_attached(&mut opener, &mut w).map(Opened::Signed)
    } else {
        let mut hashing = Hashing {
            inner: &mut w,
            hash: Sha256::new(),
        };
        std::io::copy(&mut opener, &mut hashing)
            .map(|len| Opened::Plain {
                sha256: hashing.hash.finalize().into(),
                len,
            })
            .map_err(EnvelopeError::Io)
    };
    let opened = match result {
        Ok(o) => o,
        Err(EnvelopeError::Io(e)) if is_wrong_key(&e) => {
            Opened::Damaged("the content does not decrypt with the key".into())
        }
        Err(EnvelopeError::Io(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
            Opened::Damaged("the envelope ends early".into())
        }
        Err(EnvelopeError::Io(e)) => return Err(AgentError::Io(e)),
        Err(other) => Opened::Damaged(other.to_string()),
    };
    w.flush().map_err(AgentError::Io)?;
    let mut rest = [0u8; 1];
    if let (Opened::Signed(_), Ok(n)) = (&opened, opener.read(&mut rest)) {
        if n != 0 {
            return Ok(Opened::Damaged("bytes after the signed content".into()));
        }
    }
    Ok(opened)
}
