//! Rotation of the access-token key. The current key pair and certificate are relabelled as
//! the previous key (an earlier previous key is destroyed) and a new key is generated in the
//! token; verifiers accept both, so access tokens signed before the rotation stay valid until
//! they expire and nobody is logged out. Rotate again only after the access-token lifetime has
//! passed, or tokens of the destroyed key would be refused early.

use super::pool::unwrap_octet_string;
use super::{HsmSession, ServiceKey, VaultError, provision};
use crate::config::CaConfig;
use crate::pki::urls::PkiUrls;
use cryptoki::object::{Attribute, AttributeType, ObjectClass};

/// Label of the retired access-token key.
pub const PREVIOUS_ACCESS_TOKEN: &str = "cloudseal-access-token-previous";

const CLASSES: [ObjectClass; 3] = [
    ObjectClass::PRIVATE_KEY,
    ObjectClass::PUBLIC_KEY,
    ObjectClass::CERTIFICATE,
];

impl HsmSession {
    fn objects_labelled(
        &self,
        label: &str,
    ) -> Result<Vec<cryptoki::object::ObjectHandle>, VaultError> {
        let mut all = Vec::new();
        for class in CLASSES {
            all.extend(self.raw().find_objects(&[
                Attribute::Class(class),
                Attribute::Label(label.as_bytes().to_vec()),
            ])?);
        }
        Ok(all)
    }

    /// Retire the current access-token key and make a new one (with its certificate).
    pub fn rotate_access_token_key(&self, ca: &CaConfig, urls: &PkiUrls) -> Result<(), VaultError> {
        for old in self.objects_labelled(PREVIOUS_ACCESS_TOKEN)? {
            self.raw().destroy_object(old)?;
        }
        let current = self.objects_labelled(ServiceKey::AccessToken.label())?;
        if current.is_empty() {
            return Err(VaultError::Missing(format!(
                "{}: run `cloudseal hsm init` first",
                ServiceKey::AccessToken.label()
            )));
        }
        for handle in current {
            self.raw().update_attributes(
                handle,
                &[Attribute::Label(PREVIOUS_ACCESS_TOKEN.as_bytes().to_vec())],
            )?;
        }
        provision::init(self, ca, urls)?;
        Ok(())
    }

    /// The uncompressed point of the retired access-token key, if there is one.
    pub fn previous_access_token_point(&self) -> Result<Option<Vec<u8>>, VaultError> {
        let Some(handle) = self.find(ObjectClass::PUBLIC_KEY, PREVIOUS_ACCESS_TOKEN)? else {
            return Ok(None);
        };
        let attrs = self
            .raw()
            .get_attributes(handle, &[AttributeType::EcPoint])?;
        Ok(attrs.into_iter().find_map(|a| match a {
            Attribute::EcPoint(p) => Some(unwrap_octet_string(p)),
            _ => None,
        }))
    }
}
