//! A recipient opening an encrypted file of a sending in the cabinet (issue 9): the envelope's
//! entry for the chosen credential goes to the vault with the PIN and the one-time code, the
//! content key comes back, and the server decrypts the envelope twice as it streams from
//! storage — first only to hash the file and verify the signature inside (the protocol is
//! kept with the person's verifications), then into a ZIP the browser saves: the file, its
//! signature and the verification protocol, as the folder agent files them. The plain bytes
//! pass through memory a buffer at a time and are never stored.

use super::{Exchange, ExchangeError};
use crate::documents::Content;
use crate::identity::confirm::PendingConfirmation;
use crate::identity::{Person, RequestMeta};
use crate::pki::cms::verify::DigestStream;
use crate::pki::envelope::EnvelopeError;
use crate::pki::envelope::agree::ContentKey;
use crate::pki::envelope::open::{Opened, entry_for, open_content};
use crate::pki::envelope::stream::{Head, read_head};
use crate::said;
use crate::signatures::CredentialId;
use crate::verification::{Lang, ProtocolFormat, Submitted, SubmittedDocument};
use actix_web::web::Bytes;
use futures_util::{Stream, TryStreamExt};
use std::io::{BufReader, Read, Write};
use std::pin::Pin;
use tokio::sync::mpsc;
use tokio_util::io::{StreamReader, SyncIoBridge};
use uuid::Uuid;

/// Bytes handed to the response at a time.
const PIECE: usize = 64 * 1024;

/// What the person confirms and then opens: one file of one sending with one credential.
#[derive(Debug, Clone, Copy)]
pub struct EnvelopeFile {
    /// The sending.
    pub sending: Uuid,
    /// The file's position in it.
    pub position: i32,
    /// The credential whose encryption key opens it.
    pub credential: CredentialId,
}

/// The opened file as a download.
pub struct OpenedArchive {
    /// The archive's file name.
    pub name: String,
    /// Its bytes as they are made; ends in an error if anything fails half way.
    pub stream: Pin<Box<dyn Stream<Item = std::io::Result<Bytes>> + Send>>,
}

/// The file's name without `.p7m`.
fn stem(name: &str) -> String {
    let plain = name.replace(['/', '\\'], "_");
    match plain.len().checked_sub(4) {
        Some(cut) if cut > 0 && plain.is_char_boundary(cut) => {
            if plain[cut..].eq_ignore_ascii_case(".p7m") {
                plain[..cut].to_owned()
            } else {
                plain
            }
        }
        _ => plain,
    }
}

/// The stored file as a blocking reader (to run on the blocking pool).
fn reader(content: Content) -> impl Read + Send + 'static {
    let stream = content.stream.map_err(std::io::Error::other);
    BufReader::with_capacity(256 * 1024, SyncIoBridge::new(StreamReader::new(stream)))
}

fn unreadable(e: EnvelopeError) -> ExchangeError {
    match e {
        EnvelopeError::Io(io) => ExchangeError::Internal(format!("reading an envelope: {io}")),
        other => ExchangeError::Invalid(said!(
            "the file is not an envelope this service opens: {}",
            "файл не является конвертом, который открывает сервис: {}",
            other
        )),
    }
}

fn damaged(why: &str) -> ExchangeError {
    ExchangeError::Invalid(said!(
        "the file does not open: {}",
        "файл не открывается: {}",
        why
    ))
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ExchangeError> + Send + 'static,
) -> Result<T, ExchangeError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| ExchangeError::Internal(format!("opening an envelope: {e}")))?
}

/// Hashes under every algorithm the verification checks, as a writer.
struct Digesting(DigestStream);

impl Write for Digesting {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Hands what is written to the response in pieces; the download's end closes it.
struct Piped {
    tx: mpsc::Sender<std::io::Result<Bytes>>,
    buf: Vec<u8>,
}

impl Piped {
    fn send(&mut self) -> std::io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let piece = Bytes::from(std::mem::replace(&mut self.buf, Vec::with_capacity(PIECE)));
        self.tx.blocking_send(Ok(piece)).map_err(|_| {
            std::io::Error::new(std::io::ErrorKind::BrokenPipe, "the download was abandoned")
        })
    }
}

impl Write for Piped {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(buf);
        if self.buf.len() >= PIECE {
            self.send()?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.send()
    }
}

/// The archive's members after the file itself.
struct Companions {
    signature: Option<(String, Vec<u8>)>,
    protocol: Option<(String, Vec<u8>)>,
}

/// What the second pass writes, as the first found it.
struct Plan {
    head: Head,
    key: ContentKey,
    /// The file's name in the archive.
    file: String,
    /// Whether the file may pass 4 GiB (ZIP64).
    large: bool,
    /// SHA-256 of the file as the first pass saw it; the second must see the same.
    expected: [u8; 32],
    companions: Companions,
}

/// Write the archive: the file decrypted from `r`, then its companions.
fn write_archive(r: impl Read, plan: Plan, out: Piped) -> Result<(), std::io::Error> {
    let Plan {
        head,
        key,
        file,
        large,
        expected,
        companions,
    } = plan;
    let zip_error = |e: zip::result::ZipError| std::io::Error::other(e.to_string());
    let mut zip = zip::ZipWriter::new_stream(out);
    let fast = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1))
        .large_file(large)
        .unix_permissions(0o644);
    zip.start_file(file, fast).map_err(zip_error)?;
    let again = match open_content(r, &head, &key, &mut zip)? {
        Opened::Signed(split) => split.sha256,
        Opened::Plain { sha256, .. } => sha256,
        Opened::Damaged(why) => return Err(std::io::Error::other(why)),
    };
    if again != expected {
        return Err(std::io::Error::other(
            "the envelope opened differently the second time",
        ));
    }
    let small = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .unix_permissions(0o644);
    for (name, bytes) in [companions.signature, companions.protocol]
        .into_iter()
        .flatten()
    {
        zip.start_file(name, small).map_err(zip_error)?;
        zip.write_all(&bytes)?;
    }
    let mut out = zip.finish().map_err(zip_error)?.into_inner();
    out.flush()
}

impl Exchange {
    /// The head of the envelope file `f` holds, read on the blocking pool, and its entry
    /// for the credential's encryption certificate.
    async fn entry(
        &self,
        person: &Person,
        f: EnvelopeFile,
    ) -> Result<(Vec<u8>, Head), ExchangeError> {
        let cert = self
            .0
            .signatures
            .decryption_certificate(person, f.credential)
            .await?;
        let mut r = reader(self.file(person, f.sending, f.position).await?);
        let head = blocking(move || read_head(&mut r).map_err(unreadable)).await?;
        let entry = entry_for(&head, &cert).map_err(|e| match e {
            EnvelopeError::NotForUs => ExchangeError::Invalid(said!(
                "this file is not encrypted to the encryption certificate of this credential",
                "этот файл зашифрован не на сертификат шифрования этой подписи"
            )),
            other => unreadable(other),
        })?;
        Ok((entry, head))
    }

    /// Start the confirmation (its SMS names the act) for opening file `f`.
    pub async fn opening_confirmation(
        &self,
        person: &Person,
        meta: &RequestMeta,
        f: EnvelopeFile,
    ) -> Result<PendingConfirmation, ExchangeError> {
        let (entry, _) = self.entry(person, f).await?;
        Ok(self
            .0
            .signatures
            .decryption_confirmation(person, meta, f.credential, &entry)
            .await?)
    }

    /// Open file `f` with the PIN and the confirmation's code: the signature inside is
    /// verified (and the protocol kept among the person's) before anything is answered, and
    /// the archive is made as it downloads.
    pub async fn open_envelope(
        &self,
        person: &Person,
        meta: &RequestMeta,
        f: EnvelopeFile,
        pin: &str,
        second_factor: (&str, &str),
        lang: Lang,
    ) -> Result<OpenedArchive, ExchangeError> {
        let (entry, head) = self.entry(person, f).await?;
        let key = self
            .0
            .signatures
            .content_key(person, meta, f.credential, pin, Some(second_factor), &entry)
            .await?;
        let content = self.file(person, f.sending, f.position).await?;
        let stored = content.document.name.clone();
        let large = content.document.size >= i64::from(u32::MAX);
        let file = stem(&stored);
        let mut r = reader(content);
        let (first_key, first_head) = (key.clone(), head.clone());
        let (opened, digests) = blocking(move || {
            read_head(&mut r).map_err(unreadable)?;
            let mut digests = Digesting(DigestStream::default());
            let opened = open_content(r, &first_head, &first_key, &mut digests)
                .map_err(|e| ExchangeError::Internal(format!("reading an envelope: {e}")))?;
            Ok((opened, digests.0))
        })
        .await?;
        let (expected, companions) = match opened {
            Opened::Damaged(why) => return Err(damaged(&why)),
            Opened::Plain { sha256, .. } => (
                sha256,
                Companions {
                    signature: None,
                    protocol: None,
                },
            ),
            Opened::Signed(split) => {
                let size = digests.size();
                let protocol = self
                    .0
                    .verification
                    .verify(
                        Some(person.account.0),
                        Submitted {
                            signature: split.signature.clone(),
                            signature_name: Some(format!("{file}.p7s")),
                            document: Some(SubmittedDocument {
                                name: Some(file.clone()),
                                size,
                                digests: digests.finish(),
                            }),
                        },
                    )
                    .await?;
                let pdf = self
                    .0
                    .verification
                    .sealed(&protocol, ProtocolFormat::Pdf, lang)
                    .await?;
                (
                    split.sha256,
                    Companions {
                        signature: Some((format!("{file}.p7s"), split.signature)),
                        protocol: Some((format!("{file}.verification.pdf"), pdf)),
                    },
                )
            }
        };
        let again = self.file(person, f.sending, f.position).await?;
        let mut r = reader(again);
        let (tx, rx) = mpsc::channel(4);
        let out = Piped {
            tx: tx.clone(),
            buf: Vec::with_capacity(PIECE),
        };
        let plan = Plan {
            head,
            key,
            file: file.clone(),
            large,
            expected,
            companions,
        };
        tokio::task::spawn_blocking(move || {
            let written = read_head(&mut r)
                .map_err(|e| std::io::Error::other(e.to_string()))
                .and_then(|_| write_archive(r, plan, out));
            if let Err(e) = written {
                if e.kind() != std::io::ErrorKind::BrokenPipe {
                    tracing::warn!(error = %e, "an opened envelope's archive broke off");
                    let _ = tx.blocking_send(Err(e));
                }
            }
        });
        let stream = futures_util::stream::unfold(rx, |mut rx| async move {
            rx.recv().await.map(|piece| (piece, rx))
        });
        Ok(OpenedArchive {
            name: format!("{file}.zip"),
            stream: Box::pin(stream),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::stem;

    #[test]
    fn the_archive_is_named_after_the_file_inside_the_envelope() {
        assert_eq!(stem("contract.pdf.p7m"), "contract.pdf");
        assert_eq!(stem("REPORT.P7M"), "REPORT");
        assert_eq!(stem(".p7m"), ".p7m");
        assert_eq!(stem("a/b\\c.p7m"), "a_b_c");
        assert_eq!(stem("plain.txt"), "plain.txt");
        assert_eq!(stem("дата.p7m"), "дата");
    }
}
