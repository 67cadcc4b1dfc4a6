//! Opening an envelope whose head has been read, wherever its bytes come from and wherever
//! the content goes: the folder agent decrypts into a file, the cabinet into an archive the
//! person downloads. Both need the same verdicts — a signed content split from its signature,
//! a plain one hashed, and a damaged or foreign envelope told apart from a failing disk or
//! database — so they are decided once, here.

use super::EnvelopeError;
use super::agree::{ContentKey, info_der};
use super::recipients::unlock_for;
use super::signed::{Split, split_attached};
use super::stream::{Head, Opener, is_wrong_key};
use sha2::{Digest, Sha256};
use std::io::{Read, Write};
use x509_cert::Certificate;

/// A writer that hashes what it writes.
pub struct Hashing<W: Write> {
    /// Where the bytes go.
    pub inner: W,
    /// SHA-256 of what went.
    pub hash: Sha256,
}

impl<W: Write> Hashing<W> {
    /// Hash what goes to `inner`.
    pub fn new(inner: W) -> Self {
        Hashing {
            inner,
            hash: Sha256::new(),
        }
    }
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

/// The entry (DER) of the envelope under `head` for the holder of `cert`.
pub fn entry_for(head: &Head, cert: &Certificate) -> Result<Vec<u8>, EnvelopeError> {
    let (index, _) = unlock_for(&head.recipients, cert)?;
    info_der(&head.recipients[index])
}

/// Decrypt the content that follows `head` in `r` with `key` into `out`; a signed content is
/// split there and its signature returned detached. Only a failure to read `r` or write `out`
/// is an error: an envelope the key does not open, cut short or malformed is
/// [`Opened::Damaged`].
pub fn open_content<R: Read>(
    r: R,
    head: &Head,
    key: &ContentKey,
    out: &mut impl Write,
) -> std::io::Result<Opened> {
    let mut opener = match Opener::new(r, head, key) {
        Ok(o) => o,
        Err(EnvelopeError::Io(e)) => return Err(e),
        Err(other) => return Ok(Opened::Damaged(other.to_string())),
    };
    let result = if head.is_signed() {
        split_attached(&mut opener, out).map(Opened::Signed)
    } else {
        let mut hashing = Hashing::new(&mut *out);
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
            return Ok(Opened::Damaged(
                "the content does not decrypt with the key".into(),
            ));
        }
        Err(EnvelopeError::Io(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
            return Ok(Opened::Damaged("the envelope ends early".into()));
        }
        Err(EnvelopeError::Io(e)) => return Err(e),
        Err(other) => return Ok(Opened::Damaged(other.to_string())),
    };
    out.flush()?;
    let mut rest = [0u8; 1];
    if let (Opened::Signed(_), Ok(n)) = (&opened, opener.read(&mut rest)) {
        if n != 0 {
            return Ok(Opened::Damaged("bytes after the signed content".into()));
        }
    }
    Ok(opened)
}
