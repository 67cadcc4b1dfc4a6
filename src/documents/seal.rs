//! Sealing a document in chunks (the STREAM construction over AES-256-GCM): each chunk is
//! sealed under the document's own key with a nonce from its position and an AAD naming the
//! document, the position and whether it is the last, so chunks cannot be swapped between
//! documents, reordered, dropped or the file cut short without the open failing.

use super::DocumentError;
use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use uuid::Uuid;
use zeroize::Zeroizing;

/// Plain bytes per chunk, the unit of the memory an upload or download holds.
pub const CHUNK: usize = 1 << 20;

/// A document's key, opened from its wrapped form for one upload or download.
pub struct ChunkKey {
    cipher: Aes256Gcm,
    document: Uuid,
}

impl ChunkKey {
    /// The key of `document`.
    pub fn new(document: Uuid, key: &Zeroizing<[u8; 32]>) -> Self {
        Self {
            cipher: Aes256Gcm::new(key.as_ref().into()),
            document,
        }
    }

    fn nonce(seq: u32) -> [u8; 12] {
        let mut n = [0u8; 12];
        n[8..].copy_from_slice(&seq.to_be_bytes());
        n
    }

    fn aad(&self, seq: u32, last: bool) -> [u8; 37] {
        let mut a = [0u8; 37];
        a[..16].copy_from_slice(self.document.as_bytes());
        a[16..20].copy_from_slice(&seq.to_be_bytes());
        a[20] = u8::from(last);
        a[21..].copy_from_slice(b"cloudseal-doc-v1");
        a
    }

    /// Seal chunk `seq`.
    pub fn seal(&self, seq: u32, last: bool, plain: &[u8]) -> Result<Vec<u8>, DocumentError> {
        let aad = self.aad(seq, last);
        self.cipher
            .encrypt(
                &Nonce::from(Self::nonce(seq)),
                Payload {
                    msg: plain,
                    aad: &aad,
                },
            )
            .map_err(|_| DocumentError::Corrupt("sealing a chunk failed".into()))
    }

    /// Open chunk `seq`; fails if it was sealed for another place, document or key.
    pub fn open(&self, seq: u32, last: bool, sealed: &[u8]) -> Result<Vec<u8>, DocumentError> {
        let aad = self.aad(seq, last);
        self.cipher
            .decrypt(
                &Nonce::from(Self::nonce(seq)),
                Payload {
                    msg: sealed,
                    aad: &aad,
                },
            )
            .map_err(|_| DocumentError::Corrupt(format!("chunk {seq} does not open")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(document: Uuid) -> ChunkKey {
        ChunkKey::new(document, &Zeroizing::new([7u8; 32]))
    }

    #[test]
    fn a_chunk_opens_only_in_its_place() -> Result<(), DocumentError> {
        let doc = Uuid::new_v4();
        let k = key(doc);
        let sealed = k.seal(3, false, b"hello")?;
        assert_eq!(k.open(3, false, &sealed)?, b"hello");
        assert!(k.open(4, false, &sealed).is_err(), "moved");
        assert!(k.open(3, true, &sealed).is_err(), "made the last");
        assert!(
            key(Uuid::new_v4()).open(3, false, &sealed).is_err(),
            "other document"
        );
        Ok(())
    }
}
