//! The service's own keys, token objects found by label (DESIGN §3).

/// A key the service itself holds in the token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ServiceKey {
    /// AES-256 key-encryption key: wraps subscriber keys, never leaves the token.
    Kek,
    /// HMAC key mixed into PIN-derived keys so PIN guessing needs the HSM.
    Pepper,
    /// Root CA signing key.
    RootCa,
    /// Issuing CA signing key.
    IssuingCa,
    /// Time-stamping authority key.
    Tsa,
    /// Service seal: signs audit checkpoints and protocols.
    Seal,
    /// Signs access tokens (ES256 JWTs); its `kid` is the RFC 7638 thumbprint.
    AccessToken,
}

impl ServiceKey {
    /// Every service key, in provisioning order (issuers before what they issue).
    pub const ALL: [ServiceKey; 7] = [
        ServiceKey::Kek,
        ServiceKey::Pepper,
        ServiceKey::RootCa,
        ServiceKey::IssuingCa,
        ServiceKey::Tsa,
        ServiceKey::Seal,
        ServiceKey::AccessToken,
    ];

    /// `CKA_LABEL` on the token.
    pub fn label(self) -> &'static str {
        match self {
            ServiceKey::Kek => "cloudseal-kek",
            ServiceKey::Pepper => "cloudseal-pin-pepper",
            ServiceKey::RootCa => "cloudseal-root-ca",
            ServiceKey::IssuingCa => "cloudseal-issuing-ca",
            ServiceKey::Tsa => "cloudseal-tsa",
            ServiceKey::Seal => "cloudseal-seal",
            ServiceKey::AccessToken => "cloudseal-access-token",
        }
    }

    /// `CKA_ID` on the token: stable, so key, public key and certificate pair up.
    pub fn id(self) -> [u8; 2] {
        let n = match self {
            ServiceKey::Kek => 1,
            ServiceKey::Pepper => 2,
            ServiceKey::RootCa => 3,
            ServiceKey::IssuingCa => 4,
            ServiceKey::Tsa => 5,
            ServiceKey::Seal => 6,
            ServiceKey::AccessToken => 7,
        };
        [0xc5, n]
    }

    /// Whether the key is an EC signing key with a certificate (the others are secret keys).
    pub fn is_signing(self) -> bool {
        !matches!(self, ServiceKey::Kek | ServiceKey::Pepper)
    }

    /// Common name in the key's certificate.
    pub fn common_name(self) -> &'static str {
        match self {
            ServiceKey::RootCa => "Root CA",
            ServiceKey::IssuingCa => "Issuing CA",
            ServiceKey::Tsa => "Time-Stamping Authority",
            ServiceKey::Seal => "Service Seal",
            ServiceKey::AccessToken => "Access Token Signer",
            ServiceKey::Kek | ServiceKey::Pepper => "",
        }
    }

    /// The key that signs this key's certificate (itself for the root).
    pub fn issuer(self) -> ServiceKey {
        match self {
            ServiceKey::RootCa => ServiceKey::RootCa,
            ServiceKey::IssuingCa => ServiceKey::RootCa,
            _ => ServiceKey::IssuingCa,
        }
    }
}
