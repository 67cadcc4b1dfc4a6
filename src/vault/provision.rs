//! `cloudseal hsm init`: create every service key and certificate that is absent. Keys are
//! generated inside the token as sensitive, never-extractable token objects; running it again
//! changes nothing.

use super::signer::HsmP256Signer;
use super::{HsmSession, ServiceKey, VaultError};
use crate::config::CaConfig;
use crate::pki::urls::PkiUrls;
use cryptoki::mechanism::Mechanism;
use cryptoki::object::{Attribute, KeyType, ObjectClass};

/// What `hsm init` did for one key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provisioned {
    /// The key.
    pub key: ServiceKey,
    /// True when the key was created now.
    pub key_created: bool,
    /// True when its certificate was created now.
    pub certificate_created: bool,
}

/// Create whatever is missing.
pub fn init(
    session: &HsmSession,
    ca: &CaConfig,
    urls: &PkiUrls,
) -> Result<Vec<Provisioned>, VaultError> {
    let mut done = Vec::new();
    for key in ServiceKey::ALL {
        let key_created = ensure_key(session, key)?;
        let certificate_created = if key.is_signing() && session.certificate(key)?.is_none() {
            let (der, subject) = crate::pki::service_cert::issue(session, key, ca, urls)?;
            session.store_certificate(key, &der, &subject)?;
            true
        } else {
            false
        };
        done.push(Provisioned {
            key,
            key_created,
            certificate_created,
        });
    }
    Ok(done)
}

fn common(key: ServiceKey) -> Vec<Attribute> {
    vec![
        Attribute::Token(true),
        Attribute::Label(key.label().as_bytes().to_vec()),
        Attribute::Id(key.id().to_vec()),
    ]
}

fn secret_attrs(key: ServiceKey) -> Vec<Attribute> {
    let mut a = common(key);
    a.extend([
        Attribute::Class(ObjectClass::SECRET_KEY),
        Attribute::Private(true),
        Attribute::Sensitive(true),
        Attribute::Extractable(false),
        Attribute::ValueLen(32.into()),
    ]);
    a
}

fn ensure_key(session: &HsmSession, key: ServiceKey) -> Result<bool, VaultError> {
    let class = if key.is_signing() {
        ObjectClass::PRIVATE_KEY
    } else {
        ObjectClass::SECRET_KEY
    };
    if session.find(class, key.label())?.is_some() {
        return Ok(false);
    }
    let s = session.raw();
    match key {
        ServiceKey::Kek => {
            let mut t = secret_attrs(key);
            t.extend([
                Attribute::KeyType(KeyType::AES),
                Attribute::Wrap(true),
                Attribute::Unwrap(true),
                Attribute::Encrypt(false),
                Attribute::Decrypt(false),
                Attribute::Sign(false),
                Attribute::Verify(false),
            ]);
            s.generate_key(&Mechanism::AesKeyGen, &t)?;
        }
        ServiceKey::Pepper => {
            let mut t = secret_attrs(key);
            t.extend([
                Attribute::KeyType(KeyType::GENERIC_SECRET),
                Attribute::Sign(true),
                Attribute::Verify(true),
                Attribute::Encrypt(false),
                Attribute::Decrypt(false),
                Attribute::Wrap(false),
                Attribute::Unwrap(false),
            ]);
            s.generate_key(&Mechanism::GenericSecretKeyGen, &t)?;
        }
        _ => {
            let mut public = common(key);
            public.extend([
                Attribute::Private(false),
                Attribute::Verify(true),
                Attribute::Encrypt(false),
                Attribute::Wrap(false),
                Attribute::EcParams(super::pool::P256_PARAMS.to_vec()),
            ]);
            let mut private = common(key);
            private.extend([
                Attribute::Private(true),
                Attribute::Sensitive(true),
                Attribute::Extractable(false),
                Attribute::Sign(true),
                Attribute::Decrypt(false),
                Attribute::Unwrap(false),
                Attribute::Derive(false),
            ]);
            s.generate_key_pair(&Mechanism::EccKeyPairGen, &public, &private)?;
        }
    }
    tracing::info!(key = key.label(), "service key generated in the HSM");
    Ok(true)
}

/// A signer for a service key (used by `pki::service_cert`).
pub(crate) fn signer(
    session: &HsmSession,
    key: ServiceKey,
) -> Result<HsmP256Signer<'_>, VaultError> {
    HsmP256Signer::service(session, key)
}
