//! Attaching a detached CMS SignedData to its content and splitting it off again, streaming.
//! A CAdES signature covers its signed attributes, which name the content's digest, not the
//! content itself; so the signature the vault made over a file's hash is the same signature
//! whether the file travels beside it or inside it. The envelope carries it inside.

use super::tlv::{Header, element, expect_element, expect_header, header, read_header};
use super::{EnvelopeError, ID_DATA, ID_SIGNED_DATA};
use sha2::{Digest, Sha256};
use std::io::{Read, Write};

/// The parts of a SignedData beyond its content: certificates, CRLs and signer infos.
const TAIL_LIMIT: usize = 4 * 1024 * 1024;

fn oid_der(o: const_oid::ObjectIdentifier) -> Vec<u8> {
    element(0x06, o.as_bytes())
}

/// A detached SignedData taken apart: what comes before the encapsulated content info, its
/// content type, and what comes after.
struct Parts {
    lead: Vec<u8>,
    content_type: Vec<u8>,
    tail: Vec<u8>,
}

fn parse_detached(der: &[u8]) -> Result<Parts, EnvelopeError> {
    let r = &mut &der[..];
    let bad = EnvelopeError::Malformed("not a detached CMS SignedData");
    expect_header(r, 0x30, "not a CMS ContentInfo")?;
    if expect_element(r, 0x06, 64, "content type")? != oid_der(ID_SIGNED_DATA) {
        return Err(bad);
    }
    expect_header(r, 0xa0, "SignedData")?;
    let sd = expect_header(r, 0x30, "SignedData")?;
    if sd.len != r.len() as u64 {
        return Err(bad);
    }
    let mut lead = expect_element(r, 0x02, 16, "version")?;
    lead.extend(expect_element(r, 0x31, 4096, "digest algorithms")?);
    let encap = expect_element(r, 0x30, 256, "encapsulated content")?;
    let inner = &mut &encap[..];
    let encap_header = read_header(inner)?;
    let content_type = expect_element(inner, 0x06, 64, "content type")?;
    if encap_header.len != content_type.len() as u64 {
        return Err(EnvelopeError::Malformed(
            "the signature already holds its content",
        ));
    }
    Ok(Parts {
        lead,
        content_type,
        tail: r.to_vec(),
    })
}

fn assemble(parts: &Parts, content: Option<u64>) -> (Vec<u8>, Vec<u8>) {
    let mut encap = parts.content_type.clone();
    let mut content_len = 0;
    if let Some(n) = content {
        let octets = header(0x04, n);
        encap.extend(header(0xa0, octets.len() as u64 + n));
        encap.extend(octets);
        content_len = n;
    }
    let encap_header = header(0x30, encap.len() as u64 + content_len);
    let sd_len = (parts.lead.len() + encap_header.len() + encap.len() + parts.tail.len()) as u64
        + content_len;
    let sd_header = header(0x30, sd_len);
    let explicit = header(0xa0, sd_header.len() as u64 + sd_len);
    let signed = oid_der(ID_SIGNED_DATA);
    let ci_len = (signed.len() + explicit.len()) as u64 + sd_header.len() as u64 + sd_len;
    let mut prefix = header(0x30, ci_len);
    for part in [
        signed,
        explicit,
        sd_header,
        parts.lead.clone(),
        encap_header,
        encap,
    ] {
        prefix.extend(part);
    }
    (prefix, parts.tail.clone())
}

/// What to write before and after `content_len` bytes of content so that, together, they are
/// the attached form of the `detached` signature.
pub fn attached_parts(
    detached: &[u8],
    content_len: u64,
) -> Result<(Vec<u8>, Vec<u8>), EnvelopeError> {
    let parts = parse_detached(detached)?;
    if parts.content_type != oid_der(ID_DATA) {
        return Err(EnvelopeError::Unsupported(
            "a signature over content other than id-data".into(),
        ));
    }
    Ok(assemble(&parts, Some(content_len)))
}

/// What an attached SignedData held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    /// The same signature, detached (DER).
    pub signature: Vec<u8>,
    /// SHA-256 of the content.
    pub sha256: [u8; 32],
    /// Bytes of content.
    pub len: u64,
}

/// Read an attached SignedData from `r`, write its content to `out`, and return the detached
/// signature and the content's hash.
pub fn split_attached(r: &mut impl Read, out: &mut impl Write) -> Result<Split, EnvelopeError> {
    let bad = EnvelopeError::Malformed("not an attached CMS SignedData");
    expect_header(r, 0x30, "not a CMS ContentInfo")?;
    if expect_element(r, 0x06, 64, "content type")? != oid_der(ID_SIGNED_DATA) {
        return Err(bad);
    }
    expect_header(r, 0xa0, "SignedData")?;
    let sd = expect_header(r, 0x30, "SignedData")?;
    let mut lead = expect_element(r, 0x02, 16, "version")?;
    lead.extend(expect_element(r, 0x31, 4096, "digest algorithms")?);
    let encap = expect_header(r, 0x30, "encapsulated content")?;
    let content_type = expect_element(r, 0x06, 64, "content type")?;
    if encap.len == content_type.len() as u64 {
        return Err(EnvelopeError::Malformed("the signature holds no content"));
    }
    let explicit = expect_header(r, 0xa0, "encapsulated content")?;
    let octets: Header = read_header(r)?;
    if octets.tag != 0x04 {
        return Err(EnvelopeError::Unsupported(
            "content in pieces (a constructed OCTET STRING)".into(),
        ));
    }
    if explicit.len != octets.total() || encap.len != content_type.len() as u64 + explicit.total() {
        return Err(EnvelopeError::Malformed("encapsulated content lengths"));
    }
    let mut hasher = Sha256::new();
    let mut left = octets.len;
    let mut buf = vec![0u8; 64 * 1024];
    while left > 0 {
        let n = left.min(buf.len() as u64) as usize;
        r.read_exact(&mut buf[..n])?;
        hasher.update(&buf[..n]);
        out.write_all(&buf[..n])?;
        left -= n as u64;
    }
    let consumed = lead.len() as u64 + encap.total();
    let tail_len = sd
        .len
        .checked_sub(consumed)
        .ok_or(EnvelopeError::Malformed("SignedData lengths"))?;
    if tail_len > TAIL_LIMIT as u64 {
        return Err(EnvelopeError::Malformed("signer part too large"));
    }
    let mut tail = vec![0u8; tail_len as usize];
    r.read_exact(&mut tail)?;
    let parts = Parts {
        lead,
        content_type,
        tail,
    };
    let (mut signature, tail) = assemble(&parts, None);
    signature.extend(tail);
    Ok(Split {
        signature,
        sha256: hasher.finalize().into(),
        len: octets.len,
    })
}
