//! Sealing a document in chunks (the STREAM construction over AES-256-GCM): each chunk is
//! sealed under the document's own key with a nonce from its position and an AAD naming the
//! document, the position and whether it is the last, so chunks cannot be swapped between
//! documents, reordered, dropped or the file cut short without the open failing.

use super::DocumentError;
use aes_gcm::aead::{AeadInPlace, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use uuid::Uuid;
use zeroize::Zeroizing;

/// Plain bytes per chunk, the unit of the memory an upload or download holds.
pub const CHUNK: usize = 1 << 20;

/// Bytes of a sealed full chunk: the plain bytes and the GCM tag. A chunk's place in a file of
/// chunks follows from it.
pub(super) const SEALED_CHUNK: usize = CHUNK + 16;

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

    /// Seal chunk `seq` in place (give the buffer room for the 16-byte tag to spare a copy).
    pub fn seal(&self, seq: u32, last: bool, mut plain: Vec<u8>) -> Result<Vec<u8>, DocumentError> {
        let aad = self.aad(seq, last);
        self.cipher
            .encrypt_in_place(&Nonce::from(Self::nonce(seq)), &aad, &mut plain)
            .map_err(|_| DocumentError::Corrupt("sealing a chunk failed".into()))?;
        Ok(plain)
    }

    /// Open chunk `seq` in place; fails if it was sealed for another place, document or key.
    pub fn open(
        &self,
        seq: u32,
        last: bool,
        mut sealed: Vec<u8>,
    ) -> Result<Vec<u8>, DocumentError> {
        let aad = self.aad(seq, last);
        self.cipher
            .decrypt_in_place(&Nonce::from(Self::nonce(seq)), &aad, &mut sealed)
            .map_err(|_| DocumentError::Corrupt(format!("chunk {seq} does not open")))?;
        Ok(sealed)
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
        let sealed = k.seal(3, false, b"hello".to_vec())?;
        assert_eq!(k.open(3, false, sealed.clone())?, b"hello");
        assert!(k.open(4, false, sealed.clone()).is_err(), "moved");
        assert!(k.open(3, true, sealed.clone()).is_err(), "made the last");
        assert!(
            key(Uuid::new_v4()).open(3, false, sealed).is_err(),
            "other document"
        );
        Ok(())
    }

    #[test]
    fn a_full_chunk_seals_to_its_fixed_size() -> Result<(), DocumentError> {
        let k = key(Uuid::new_v4());
        assert_eq!(k.seal(0, false, vec![1u8; CHUNK])?.len(), SEALED_CHUNK);
        Ok(())
    }
}
