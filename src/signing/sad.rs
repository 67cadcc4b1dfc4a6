//! Signature activation data: the bearer secret that authorises signatures for a short time.
//! It names its authorisation and carries 256 random bits; the database keeps only their hash.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};
use uuid::Uuid;
use zeroize::Zeroizing;

const SECRET_LEN: usize = 32;

/// SAD as handed to the holder; printing it shows only the authorisation id.
#[derive(Clone)]
pub struct Sad {
    id: Uuid,
    secret: Zeroizing<[u8; SECRET_LEN]>,
}

impl std::fmt::Debug for Sad {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Sad({}, [redacted])", self.id)
    }
}

impl Sad {
    /// A new SAD for authorisation `id`, from the OS CSPRNG.
    pub(super) fn generate(id: Uuid) -> Self {
        let mut secret = Zeroizing::new([0u8; SECRET_LEN]);
        rand::rngs::OsRng.fill_bytes(secret.as_mut());
        Self { id, secret }
    }

    /// Read the text form; anything else is `None` (answered as an invalid SAD).
    pub fn parse(text: &str) -> Option<Self> {
        if text.len() > 128 {
            return None;
        }
        let bytes = Zeroizing::new(URL_SAFE_NO_PAD.decode(text.trim()).ok()?);
        if bytes.len() != 16 + SECRET_LEN {
            return None;
        }
        let id = Uuid::from_slice(&bytes[..16]).ok()?;
        let mut secret = Zeroizing::new([0u8; SECRET_LEN]);
        secret.copy_from_slice(&bytes[16..]);
        Some(Self { id, secret })
    }

    /// The text form given to the holder (base64url of id ‖ secret).
    pub fn expose(&self) -> String {
        let mut bytes = Zeroizing::new(self.id.as_bytes().to_vec());
        bytes.extend_from_slice(self.secret.as_ref());
        URL_SAFE_NO_PAD.encode(bytes.as_slice())
    }

    /// The authorisation it belongs to.
    pub fn authorisation(&self) -> Uuid {
        self.id
    }

    pub(super) fn secret(&self) -> &[u8] {
        self.secret.as_ref()
    }

    /// What the database keeps.
    pub(super) fn hash(&self) -> [u8; 32] {
        Sha256::digest(self.secret.as_ref()).into()
    }
}
