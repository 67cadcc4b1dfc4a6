//! DER tag-length headers for structures too large to hold in memory: an envelope around a
//! 200 MiB file is written and read as a stream, its headers computed from lengths alone.

use super::EnvelopeError;
use std::io::Read;

/// The header of a DER element of `len` body bytes.
pub fn header(tag: u8, len: u64) -> Vec<u8> {
    let mut out = vec![tag];
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes: Vec<u8> = len
            .to_be_bytes()
            .into_iter()
            .skip_while(|b| *b == 0)
            .collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend(bytes);
    }
    out
}

/// A whole element: header and body.
pub fn element(tag: u8, body: &[u8]) -> Vec<u8> {
    let mut out = header(tag, body.len() as u64);
    out.extend_from_slice(body);
    out
}

/// A header as read: its tag, body length and own bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// The (single-byte) tag.
    pub tag: u8,
    /// The body's length.
    pub len: u64,
    /// The header's bytes as they were.
    pub raw: Vec<u8>,
}

impl Header {
    /// Header and body length together.
    pub fn total(&self) -> u64 {
        self.raw.len() as u64 + self.len
    }
}

/// Read one header; DER only (single-byte tags, definite lengths), which is what a sender that
/// knows its sizes writes. An indefinite length is refused by name, not misread.
pub fn read_header(r: &mut impl Read) -> Result<Header, EnvelopeError> {
    let mut b = [0u8; 1];
    r.read_exact(&mut b)?;
    let tag = b[0];
    if tag & 0x1f == 0x1f {
        return Err(EnvelopeError::Malformed("a multi-byte tag"));
    }
    let mut raw = vec![tag];
    r.read_exact(&mut b)?;
    raw.push(b[0]);
    let len = match b[0] {
        0x80 => {
            return Err(EnvelopeError::Unsupported(
                "indefinite-length (BER) encoding".into(),
            ));
        }
        l if l < 0x80 => u64::from(l),
        l => {
            let n = usize::from(l & 0x7f);
            if n > 8 {
                return Err(EnvelopeError::Malformed("a length of more than 8 bytes"));
            }
            let mut bytes = [0u8; 8];
            r.read_exact(&mut bytes[8 - n..])?;
            raw.extend_from_slice(&bytes[8 - n..]);
            u64::from_be_bytes(bytes)
        }
    };
    Ok(Header { tag, len, raw })
}

/// Read a whole element of at most `limit` bytes (header included), returned as DER.
pub fn read_element(
    r: &mut impl Read,
    limit: usize,
    what: &'static str,
) -> Result<(u8, Vec<u8>), EnvelopeError> {
    let h = read_header(r)?;
    if h.total() > limit as u64 {
        return Err(EnvelopeError::Malformed(what));
    }
    let mut out = h.raw;
    let start = out.len();
    out.resize(start + h.len as usize, 0);
    r.read_exact(&mut out[start..])?;
    Ok((h.tag, out))
}

/// The element of `tag` read whole, refused as `what` otherwise.
pub fn expect_element(
    r: &mut impl Read,
    tag: u8,
    limit: usize,
    what: &'static str,
) -> Result<Vec<u8>, EnvelopeError> {
    match read_element(r, limit, what)? {
        (t, der) if t == tag => Ok(der),
        _ => Err(EnvelopeError::Malformed(what)),
    }
}

/// A header of `tag`, refused as `what` otherwise.
pub fn expect_header(
    r: &mut impl Read,
    tag: u8,
    what: &'static str,
) -> Result<Header, EnvelopeError> {
    let h = read_header(r)?;
    if h.tag != tag {
        return Err(EnvelopeError::Malformed(what));
    }
    Ok(h)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn headers_read_back_as_written() {
        for len in [
            0u64,
            1,
            0x7f,
            0x80,
            0xff,
            0x100,
            200 * 1024 * 1024,
            u64::MAX,
        ] {
            let h = header(0x04, len);
            let back = read_header(&mut h.as_slice()).unwrap();
            assert_eq!((back.tag, back.len, back.raw), (0x04, len, h));
        }
    }

    #[test]
    fn indefinite_and_long_tags_are_refused() {
        assert!(matches!(
            read_header(&mut [0x30u8, 0x80].as_slice()),
            Err(EnvelopeError::Unsupported(_))
        ));
        assert!(matches!(
            read_header(&mut [0x1fu8, 0x01, 0x00].as_slice()),
            Err(EnvelopeError::Malformed(_))
        ));
        assert!(read_element(&mut [0x04u8, 0x05, 1, 2].as_slice(), 100, "x").is_err());
    }
}
