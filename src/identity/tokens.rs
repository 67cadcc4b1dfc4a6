//! Access tokens: ES256 JWTs signed in the HSM by the access-token service key. The header's
//! `kid` is the key's RFC 7638 thumbprint, so a verifier holding several keys picks the right
//! one and a new key can be introduced while tokens of the old one are still valid. Verification
//! accepts ES256 only (`alg: none` and HMAC confusion are refused by construction) and checks
//! expiry against the service clock.

use super::IdentityError;
use crate::clock::Clock;
use crate::vault::{ServiceKey, Vault};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use uuid::Uuid;

/// The audience of every access token.
pub const AUDIENCE: &str = "cloudseal-api";

/// Whom a token speaks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Subject {
    /// A person with an account; `sub` is the account id.
    Person,
    /// A partner API client; `sub` is the client's id.
    Client,
}

/// The claims of an access token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// Issuer: the service's public URL.
    pub iss: String,
    /// Audience: [`AUDIENCE`].
    pub aud: String,
    /// Account id or API client id.
    pub sub: Uuid,
    /// Issued at (seconds).
    pub iat: i64,
    /// Expires at (seconds).
    pub exp: i64,
    /// Token id.
    pub jti: Uuid,
    /// Person or client.
    pub typ: Subject,
    /// The session (people).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<Uuid>,
    /// The role (people).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// Factors proved at login (people).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub amr: Vec<String>,
    /// Granted scopes, space-separated (clients).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
}

/// A public key in JWK form, as `/.well-known/jwks.json` publishes it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Jwk {
    /// `EC`.
    pub kty: &'static str,
    /// `P-256`.
    pub crv: &'static str,
    /// X coordinate, base64url.
    pub x: String,
    /// Y coordinate, base64url.
    pub y: String,
    /// RFC 7638 thumbprint.
    pub kid: String,
    /// `sig`.
    #[serde(rename = "use")]
    pub usage: &'static str,
    /// `ES256`.
    pub alg: &'static str,
}

impl Jwk {
    /// From an uncompressed SEC1 point (`04 ‖ x ‖ y`).
    pub fn from_point(point: &[u8]) -> Result<Self, IdentityError> {
        if point.len() != 65 || point[0] != 4 {
            return Err(IdentityError::Internal(
                "the access-token key is not an uncompressed P-256 point".into(),
            ));
        }
        let x = B64.encode(&point[1..33]);
        let y = B64.encode(&point[33..]);
        let canonical = format!(r#"{{"crv":"P-256","kty":"EC","x":"{x}","y":"{y}"}}"#);
        Ok(Self {
            kty: "EC",
            crv: "P-256",
            kid: B64.encode(Sha256::digest(canonical.as_bytes())),
            x,
            y,
            usage: "sig",
            alg: "ES256",
        })
    }
}

/// Issues and verifies access tokens.
#[derive(Clone)]
pub struct AccessTokens {
    vault: Vault,
    issuer: String,
    current: Jwk,
    keys: HashMap<String, (Jwk, DecodingKey)>,
}

impl std::fmt::Debug for AccessTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccessTokens")
            .field("kid", &self.current.kid)
            .finish_non_exhaustive()
    }
}

fn internal<E: std::fmt::Display>(e: E) -> IdentityError {
    IdentityError::Internal(format!("access token: {e}"))
}

impl AccessTokens {
    /// Read the public halves of the access-token key and of the key it replaced, if any
    /// (tokens of both verify; new tokens are signed by the current one).
    pub async fn load(vault: Vault, issuer: String) -> Result<Self, IdentityError> {
        let (point, previous) = vault
            .run(|s| {
                Ok((
                    s.public_point(ServiceKey::AccessToken)?,
                    s.previous_access_token_point()?,
                ))
            })
            .await?;
        let current = Jwk::from_point(&point)?;
        let mut keys = HashMap::new();
        for jwk in std::iter::once(current.clone())
            .chain(previous.map(|p| Jwk::from_point(&p)).transpose()?)
        {
            let decoding = DecodingKey::from_ec_components(&jwk.x, &jwk.y).map_err(internal)?;
            keys.insert(jwk.kid.clone(), (jwk, decoding));
        }
        Ok(Self {
            vault,
            issuer,
            current,
            keys,
        })
    }

    /// The keys a verifier should accept.
    pub fn jwks(&self) -> Vec<Jwk> {
        self.keys.values().map(|(j, _)| j.clone()).collect()
    }

    /// The issuer written into tokens.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// Sign `claims` in the HSM.
    pub async fn sign(&self, claims: &Claims) -> Result<String, IdentityError> {
        let header = serde_json::json!({"alg": "ES256", "typ": "JWT", "kid": self.current.kid});
        let input = format!(
            "{}.{}",
            B64.encode(serde_json::to_vec(&header).map_err(internal)?),
            B64.encode(serde_json::to_vec(claims).map_err(internal)?)
        );
        let digest: [u8; 32] = Sha256::digest(input.as_bytes()).into();
        let der = self
            .vault
            .sign_digest(ServiceKey::AccessToken, digest)
            .await?;
        let sig = p256::ecdsa::Signature::from_der(&der).map_err(internal)?;
        Ok(format!("{input}.{}", B64.encode(sig.to_bytes())))
    }

    /// Claims for a new token of `typ` for `sub`, valid `life` from `now`.
    pub fn claims(
        &self,
        typ: Subject,
        sub: Uuid,
        now: DateTime<Utc>,
        life: chrono::TimeDelta,
    ) -> Claims {
        Claims {
            iss: self.issuer.clone(),
            aud: AUDIENCE.into(),
            sub,
            iat: now.timestamp(),
            exp: (now + life).timestamp(),
            jti: Uuid::new_v4(),
            typ,
            sid: None,
            role: None,
            amr: Vec::new(),
            scope: None,
        }
    }

    /// Verify a token: known `kid`, ES256 signature, issuer, audience, and not expired by the
    /// service clock.
    pub fn verify(&self, token: &str, clock: &dyn Clock) -> Result<Claims, IdentityError> {
        let header =
            jsonwebtoken::decode_header(token).map_err(|_| IdentityError::BadToken("malformed"))?;
        if header.alg != Algorithm::ES256 {
            return Err(IdentityError::BadToken("algorithm not accepted"));
        }
        let kid = header.kid.ok_or(IdentityError::BadToken("no key id"))?;
        let (_, key) = self
            .keys
            .get(&kid)
            .ok_or(IdentityError::BadToken("unknown key id"))?;
        let mut validation = Validation::new(Algorithm::ES256);
        validation.validate_exp = false;
        validation.validate_nbf = false;
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.set_issuer(&[&self.issuer]);
        validation.set_audience(&[AUDIENCE]);
        let data = jsonwebtoken::decode::<Claims>(token, key, &validation)
            .map_err(|_| IdentityError::BadToken("signature or claims do not verify"))?;
        let now = clock.now().timestamp();
        if data.claims.exp <= now {
            return Err(IdentityError::BadToken("expired"));
        }
        if data.claims.iat > now + 60 {
            return Err(IdentityError::BadToken("issued in the future"));
        }
        Ok(data.claims)
    }
}
