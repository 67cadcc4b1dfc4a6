//! Revocation reasons (RFC 5280 §5.3.1) as the registry, CRLs and OCSP share them.

use x509_cert::ext::pkix::CrlReason;

/// Why a certificate was revoked. `certificateHold` is not offered: a qualified certificate
/// is either valid or revoked for good, so suspension is not part of our lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RevocationReason {
    /// No reason given.
    Unspecified,
    /// The key is (suspected to be) compromised.
    KeyCompromise,
    /// Name or other details changed.
    AffiliationChanged,
    /// Replaced by a new certificate.
    Superseded,
    /// No longer needed.
    CessationOfOperation,
}

impl RevocationReason {
    /// Every reason, for parsing and documentation.
    pub const ALL: [RevocationReason; 5] = [
        RevocationReason::Unspecified,
        RevocationReason::KeyCompromise,
        RevocationReason::AffiliationChanged,
        RevocationReason::Superseded,
        RevocationReason::CessationOfOperation,
    ];

    /// The RFC 5280 name, as openssl and APIs spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            RevocationReason::Unspecified => "unspecified",
            RevocationReason::KeyCompromise => "keyCompromise",
            RevocationReason::AffiliationChanged => "affiliationChanged",
            RevocationReason::Superseded => "superseded",
            RevocationReason::CessationOfOperation => "cessationOfOperation",
        }
    }

    /// The CRLReason code stored in the database.
    pub fn code(self) -> i16 {
        self.crl_reason() as i16
    }

    /// From a stored code.
    pub fn from_code(code: i16) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }

    /// The ASN.1 value.
    pub fn crl_reason(self) -> CrlReason {
        match self {
            RevocationReason::Unspecified => CrlReason::Unspecified,
            RevocationReason::KeyCompromise => CrlReason::KeyCompromise,
            RevocationReason::AffiliationChanged => CrlReason::AffiliationChanged,
            RevocationReason::Superseded => CrlReason::Superseded,
            RevocationReason::CessationOfOperation => CrlReason::CessationOfOperation,
        }
    }
}

impl std::str::FromStr for RevocationReason {
    type Err = crate::said::Said;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|r| r.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| {
                let names = Self::ALL.map(|r| r.as_str()).join(", ");
                crate::said!(
                    "unknown revocation reason '{s}'; one of {names}",
                    "неизвестная причина отзыва «{s}»; возможны: {names}"
                )
            })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_names_parse() {
        for r in RevocationReason::ALL {
            assert_eq!(RevocationReason::from_code(r.code()), Some(r));
            assert_eq!(r.as_str().parse::<RevocationReason>(), Ok(r));
        }
        assert_eq!(RevocationReason::KeyCompromise.code(), 1);
        assert!("certificateHold".parse::<RevocationReason>().is_err());
        assert_eq!(RevocationReason::from_code(6), None);
    }
}
