//! Where relying parties fetch our PKI material. The URLs go into every certificate we issue
//! (CRL distribution point, AIA caIssuers and OCSP), so they derive from `server.public_url`
//! and nothing else.

use super::Ca;
use der::asn1::{Ia5String, ObjectIdentifier};
use x509_cert::builder::CertificateBuilder;
use x509_cert::ext::pkix::crl::dp::DistributionPoint;
use x509_cert::ext::pkix::name::{DistributionPointName, GeneralName};
use x509_cert::ext::pkix::{AccessDescription, AuthorityInfoAccessSyntax, CrlDistributionPoints};

const AD_CA_ISSUERS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.48.2");
const AD_OCSP: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.48.1");

/// The public base URL and the paths under it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PkiUrls {
    base: String,
}

impl PkiUrls {
    /// From `server.public_url`.
    pub fn new(public_url: &str) -> Self {
        Self {
            base: public_url.trim_end_matches('/').to_owned(),
        }
    }

    /// The DER certificate of a CA.
    pub fn ca_certificate(&self, ca: Ca) -> String {
        format!("{}/pki/ca/{}.crt", self.base, ca.as_str())
    }

    /// The current CRL of a CA.
    pub fn crl(&self, ca: Ca) -> String {
        format!("{}/pki/crl/{}.crl", self.base, ca.as_str())
    }

    /// The OCSP responder.
    pub fn ocsp(&self) -> String {
        format!("{}/ocsp", self.base)
    }

    /// The time-stamping authority.
    pub fn tsa(&self) -> String {
        format!("{}/tsa", self.base)
    }

    /// Add the CRL distribution point and AIA (caIssuers, OCSP) of `issuer` to a certificate.
    pub fn add_to<S>(
        &self,
        builder: &mut CertificateBuilder<'_, S>,
        issuer: Ca,
    ) -> Result<(), x509_cert::builder::Error>
    where
        S: signature::Keypair + spki::DynSignatureAlgorithmIdentifier,
        S::VerifyingKey: spki::EncodePublicKey,
    {
        let uri = |s: String| -> Result<GeneralName, x509_cert::builder::Error> {
            Ok(GeneralName::UniformResourceIdentifier(Ia5String::new(&s)?))
        };
        builder.add_extension(&CrlDistributionPoints(vec![DistributionPoint {
            distribution_point: Some(DistributionPointName::FullName(vec![
                uri(self.crl(issuer))?,
            ])),
            reasons: None,
            crl_issuer: None,
        }]))?;
        builder.add_extension(&AuthorityInfoAccessSyntax(vec![
            AccessDescription {
                access_method: AD_CA_ISSUERS,
                access_location: uri(self.ca_certificate(issuer))?,
            },
            AccessDescription {
                access_method: AD_OCSP,
                access_location: uri(self.ocsp())?,
            },
        ]))?;
        Ok(())
    }
}
