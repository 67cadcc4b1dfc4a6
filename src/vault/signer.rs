//! A P-256 signer whose private key stays in the HSM, in the shape the RustCrypto builders
//! expect (`Keypair` + `Signer<DerSignature>`), so certificates and CMS structures are built
//! by standard code while the signature is made by the token.

use super::{HsmSession, ServiceKey, VaultError};
use cryptoki::object::{ObjectClass, ObjectHandle};
use p256::ecdsa::{DerSignature, Signature, VerifyingKey};
use sha2::{Digest, Sha256};
use spki::{AlgorithmIdentifier, ObjectIdentifier, SignatureAlgorithmIdentifier};

/// ecdsa-with-SHA256 (RFC 5758).
pub const ECDSA_WITH_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");

/// Signs with one P-256 key in the token through a borrowed session.
pub struct HsmP256Signer<'a> {
    session: &'a HsmSession,
    key: ObjectHandle,
    public: VerifyingKey,
}

impl<'a> HsmP256Signer<'a> {
    /// The signer for a service key.
    pub fn service(session: &'a HsmSession, key: ServiceKey) -> Result<Self, VaultError> {
        let handle = session
            .find(ObjectClass::PRIVATE_KEY, key.label())?
            .ok_or_else(|| VaultError::Missing(format!("private key {}", key.label())))?;
        let point = session.public_point(key)?;
        let public = VerifyingKey::from_sec1_bytes(&point)
            .map_err(|_| VaultError::Operation(format!("{} is not a P-256 key", key.label())))?;
        Ok(Self {
            session,
            key: handle,
            public,
        })
    }
}

impl HsmP256Signer<'_> {
    /// A DER ECDSA signature over a digest computed elsewhere (CMS signed attributes, a
    /// time-stamp token). Digests longer than 32 bytes are truncated by the HSM as ECDSA
    /// prescribes, so SHA-384 and SHA-512 work with P-256 too.
    pub fn sign_prehashed(&self, digest: &[u8]) -> Result<Vec<u8>, VaultError> {
        let raw = self.session.sign_raw(self.key, digest)?;
        let sig = Signature::from_slice(&raw).map_err(|_| {
            VaultError::Operation("HSM returned a malformed ECDSA signature".into())
        })?;
        Ok(sig.to_der().as_bytes().to_vec())
    }
}

impl signature::Keypair for HsmP256Signer<'_> {
    type VerifyingKey = VerifyingKey;
    fn verifying_key(&self) -> VerifyingKey {
        self.public
    }
}

impl SignatureAlgorithmIdentifier for HsmP256Signer<'_> {
    type Params = der::AnyRef<'static>;
    const SIGNATURE_ALGORITHM_IDENTIFIER: AlgorithmIdentifier<Self::Params> = AlgorithmIdentifier {
        oid: ECDSA_WITH_SHA256,
        parameters: None,
    };
}

impl signature::Signer<DerSignature> for HsmP256Signer<'_> {
    fn try_sign(&self, msg: &[u8]) -> Result<DerSignature, signature::Error> {
        let digest = Sha256::digest(msg);
        let raw = self
            .session
            .sign_raw(self.key, &digest)
            .map_err(signature::Error::from_source)?;
        let sig = Signature::from_slice(&raw)?;
        Ok(sig.to_der())
    }
}
