//! The envelope as a stream: [`Sealer`] writes the header for a known content length and
//! encrypts what is written through it; [`read_head`] reads the header up to the ciphertext
//! and [`Opener`] decrypts the rest as a `Read`. Memory stays at one buffer either way.

use super::agree::{ContentKey, new_content_key};
use super::recipients::recipient_entry;
use super::tlv::{element, expect_element, expect_header, header, read_element, read_header};
use super::{EnvelopeError, ID_AES256_CBC, ID_DATA, ID_ENVELOPED_DATA, ID_SIGNED_DATA};
use aes::cipher::{BlockDecryptMut, BlockEncryptMut, KeyIvInit};
use cms::enveloped_data::{RecipientInfo, RecipientInfos};
use const_oid::ObjectIdentifier;
use der::asn1::{OctetString, SetOfVec};
use der::{Any, Decode, Encode};
use spki::AlgorithmIdentifierOwned;
use std::io::{Read, Write};
use x509_cert::Certificate;

const BLOCK: usize = 16;
const CHUNK: usize = 64 * 1024;
/// The recipients' part is small; more than this is not an envelope we accept.
const HEAD_LIMIT: usize = 1024 * 1024;

type Enc = cbc::Encryptor<aes::Aes256>;
type Dec = cbc::Decryptor<aes::Aes256>;

/// Bytes of ciphertext for `n` bytes of content (AES-CBC, PKCS#7 padding).
pub fn ciphertext_len(n: u64) -> u64 {
    (n / BLOCK as u64 + 1) * BLOCK as u64
}

fn oid(o: ObjectIdentifier) -> Vec<u8> {
    element(0x06, o.as_bytes())
}

/// Everything before the ciphertext: ContentInfo, EnvelopedData (version 2, for key
/// agreement), the recipients, and the content's type and algorithm.
fn envelope_head(
    infos: Vec<RecipientInfo>,
    iv: &[u8; BLOCK],
    content_type: ObjectIdentifier,
    content_len: u64,
) -> Result<Vec<u8>, EnvelopeError> {
    let bad = |_| EnvelopeError::Malformed("recipients");
    let version = if infos.iter().all(|i| matches!(i, RecipientInfo::Ktri(_))) {
        0
    } else {
        2
    };
    let recipients = RecipientInfos(SetOfVec::try_from(infos).map_err(bad)?)
        .to_der()
        .map_err(bad)?;
    let iv = OctetString::new(iv.to_vec()).map_err(bad)?;
    let algorithm = AlgorithmIdentifierOwned {
        oid: ID_AES256_CBC,
        parameters: Some(Any::encode_from(&iv).map_err(bad)?),
    }
    .to_der()
    .map_err(bad)?;
    let ct = ciphertext_len(content_len);
    let mut eci = oid(content_type);
    eci.extend(algorithm);
    eci.extend(header(0x80, ct));
    let eci_len = eci.len() as u64 + ct;
    let mut ed = vec![0x02, 0x01, version];
    ed.extend(recipients);
    ed.extend(header(0x30, eci_len));
    ed.extend(eci);
    let ed_len = ed.len() as u64 + ct;
    let ed_header = header(0x30, ed_len);
    let explicit = header(0xa0, ed_header.len() as u64 + ed_len);
    let mut body = oid(ID_ENVELOPED_DATA);
    body.extend(explicit);
    body.extend(ed_header);
    let ci_len = body.len() as u64 + ed.len() as u64 + ct;
    let mut out = header(0x30, ci_len);
    out.extend(body);
    out.extend(ed);
    Ok(out)
}

/// Writes an envelope to `W`: the header at [`Sealer::start`], then the content encrypted as
/// it is written; [`Sealer::finish`] pads and checks the length announced was the length
/// written.
pub struct Sealer<W: Write> {
    out: W,
    cipher: Enc,
    pending: Vec<u8>,
    announced: u64,
    written: u64,
}

impl<W: Write> Sealer<W> {
    /// Start an envelope of `content_len` bytes of `content` (`signed` for an attached
    /// SignedData, plain data otherwise) to every certificate in `recipients`.
    pub fn start(
        mut out: W,
        recipients: &[Certificate],
        signed: bool,
        content_len: u64,
    ) -> Result<Self, EnvelopeError> {
        if recipients.is_empty() {
            return Err(EnvelopeError::Malformed("an envelope needs a recipient"));
        }
        let key = new_content_key();
        let mut iv = [0u8; BLOCK];
        rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut iv);
        let infos = recipients
            .iter()
            .map(|c| recipient_entry(c, &key))
            .collect::<Result<Vec<_>, _>>()?;
        let content_type = if signed { ID_SIGNED_DATA } else { ID_DATA };
        out.write_all(&envelope_head(infos, &iv, content_type, content_len)?)?;
        Ok(Self {
            out,
            cipher: cipher_for(&key, &iv)?,
            pending: Vec::with_capacity(CHUNK + BLOCK),
            announced: content_len,
            written: 0,
        })
    }

    /// Pad, write the last block, and hand back the writer.
    pub fn finish(mut self) -> Result<W, EnvelopeError> {
        if self.written != self.announced {
            return Err(EnvelopeError::Io(std::io::Error::other(format!(
                "{} bytes announced, {} written",
                self.announced, self.written
            ))));
        }
        let pad = BLOCK - self.pending.len() % BLOCK;
        self.pending.extend(std::iter::repeat_n(pad as u8, pad));
        self.flush_blocks()?;
        self.out.flush()?;
        Ok(self.out)
    }

    fn flush_blocks(&mut self) -> std::io::Result<()> {
        let whole = self.pending.len() / BLOCK * BLOCK;
        let (blocks, _) = self.pending.split_at_mut(whole);
        for block in blocks.chunks_exact_mut(BLOCK) {
            self.cipher.encrypt_block_mut(block.into());
        }
        self.out.write_all(&self.pending[..whole])?;
        self.pending.drain(..whole);
        Ok(())
    }
}

fn cipher_for(key: &ContentKey, iv: &[u8]) -> Result<Enc, EnvelopeError> {
    Enc::new_from_slices(key.as_ref(), iv).map_err(|_| EnvelopeError::Malformed("content key"))
}

impl<W: Write> Write for Sealer<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.pending.extend_from_slice(buf);
        self.written += buf.len() as u64;
        if self.pending.len() >= CHUNK {
            self.flush_blocks()?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

/// An envelope's header: who may open it, and how the content is encrypted.
#[derive(Debug, Clone)]
pub struct Head {
    /// The recipient entries.
    pub recipients: Vec<RecipientInfo>,
    /// The type of what is inside (id-data or id-signedData).
    pub content_type: ObjectIdentifier,
    iv: [u8; BLOCK],
    ciphertext_len: u64,
}

impl Head {
    /// Whether it carries an attached SignedData.
    pub fn is_signed(&self) -> bool {
        self.content_type == ID_SIGNED_DATA
    }
}

/// Read an envelope's header, leaving `r` at the first byte of the ciphertext.
pub fn read_head(r: &mut impl Read) -> Result<Head, EnvelopeError> {
    expect_header(r, 0x30, "not a CMS ContentInfo")?;
    let kind = expect_element(r, 0x06, 64, "content type")?;
    if kind != oid(ID_ENVELOPED_DATA) {
        return Err(EnvelopeError::Malformed("not an EnvelopedData"));
    }
    expect_header(r, 0xa0, "EnvelopedData")?;
    expect_header(r, 0x30, "EnvelopedData")?;
    expect_element(r, 0x02, 16, "version")?;
    let (mut tag, mut der) = read_element(r, HEAD_LIMIT, "recipients")?;
    if tag == 0xa0 {
        (tag, der) = read_element(r, HEAD_LIMIT, "recipients")?;
    }
    if tag != 0x31 {
        return Err(EnvelopeError::Malformed("recipients"));
    }
    let recipients = RecipientInfos::from_der(&der)
        .map_err(|_| EnvelopeError::Malformed("recipients"))?
        .0
        .into_vec();
    expect_header(r, 0x30, "EncryptedContentInfo")?;
    let content_type = ObjectIdentifier::from_der(&expect_element(r, 0x06, 64, "content type")?)
        .map_err(|_| EnvelopeError::Malformed("content type"))?;
    let algorithm =
        AlgorithmIdentifierOwned::from_der(&expect_element(r, 0x30, 256, "content algorithm")?)
            .map_err(|_| EnvelopeError::Malformed("content algorithm"))?;
    if algorithm.oid != ID_AES256_CBC {
        return Err(EnvelopeError::Unsupported(format!(
            "content encryption {} (AES-256-CBC is read)",
            algorithm.oid
        )));
    }
    let iv: [u8; BLOCK] = algorithm
        .parameters
        .as_ref()
        .and_then(|p| p.decode_as::<OctetString>().ok())
        .and_then(|o| o.as_bytes().try_into().ok())
        .ok_or(EnvelopeError::Malformed("content IV"))?;
    let content = read_header(r)?;
    if content.tag != 0x80 {
        return Err(EnvelopeError::Unsupported(
            "encrypted content in pieces (constructed) or kept outside".into(),
        ));
    }
    if content.len == 0 || content.len % BLOCK as u64 != 0 {
        return Err(EnvelopeError::Malformed("encrypted content length"));
    }
    Ok(Head {
        recipients,
        content_type,
        iv,
        ciphertext_len: content.len,
    })
}

/// The content of an envelope, decrypted as it is read; a wrong key shows as
/// [`EnvelopeError::WrongKey`] at the end (the padding), never as silently wrong bytes that
/// pass: callers verify the signature inside.
pub struct Opener<R: Read> {
    inner: R,
    cipher: Dec,
    left: u64,
    out: Vec<u8>,
    at: usize,
}

impl<R: Read> Opener<R> {
    /// Decrypt what follows `head` in `inner` with `key`.
    pub fn new(inner: R, head: &Head, key: &ContentKey) -> Result<Self, EnvelopeError> {
        let cipher = Dec::new_from_slices(key.as_ref(), &head.iv)
            .map_err(|_| EnvelopeError::Malformed("content key"))?;
        Ok(Self {
            inner,
            cipher,
            left: head.ciphertext_len,
            out: Vec::with_capacity(CHUNK),
            at: 0,
        })
    }

    fn fill(&mut self) -> std::io::Result<()> {
        let n = (self.left.min(CHUNK as u64)) as usize;
        self.out.clear();
        self.out.resize(n, 0);
        self.at = 0;
        self.inner.read_exact(&mut self.out)?;
        self.left -= n as u64;
        for block in self.out.chunks_exact_mut(BLOCK) {
            self.cipher.decrypt_block_mut(block.into());
        }
        if self.left == 0 {
            let pad = usize::from(self.out.last().copied().unwrap_or(0));
            let n = self.out.len();
            if pad == 0
                || pad > BLOCK
                || pad > n
                || self.out[n - pad..].iter().any(|b| usize::from(*b) != pad)
            {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    EnvelopeError::WrongKey,
                ));
            }
            self.out.truncate(n - pad);
        }
        Ok(())
    }
}

impl<R: Read> Read for Opener<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.at == self.out.len() {
            if self.left == 0 {
                return Ok(0);
            }
            self.fill()?;
        }
        let n = buf.len().min(self.out.len() - self.at);
        buf[..n].copy_from_slice(&self.out[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// Whether an I/O error is the [`EnvelopeError::WrongKey`] an [`Opener`] raises.
pub fn is_wrong_key(e: &std::io::Error) -> bool {
    e.get_ref().is_some_and(|inner| {
        matches!(
            inner.downcast_ref::<EnvelopeError>(),
            Some(EnvelopeError::WrongKey)
        )
    })
}
