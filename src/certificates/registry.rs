//! The certificate registry: records every certificate our CAs issue, revokes them, and keeps a
//! current signed CRL per CA — reissued in the revoking transaction and on a schedule. The OCSP
//! responder and the verification engine read revocation state from here.

use crate::audit::{self, AuditError, AuditEvent};
use crate::clock::SharedClock;
use crate::config::CaConfig;
use crate::pki::profile::{CertificateKind, ProfileError, SubjectData};
use crate::pki::revocation::RevocationReason;
use crate::pki::urls::PkiUrls;
use crate::pki::{Ca, crl};
use crate::store::pki::{self as sql, CrlRow, IssuedRow};
use crate::store::{Db, StoreError, Transaction};
use crate::vault::{ServiceKey, Vault, VaultError};
use chrono::{DateTime, TimeDelta, Utc};
use std::sync::Arc;
use tokio_util::sync::CancellationToken;

/// DER certificates of the service keys, read from the HSM once at start.
#[derive(Debug, Clone)]
pub struct ServiceCertificates {
    /// Root CA.
    pub root: Vec<u8>,
    /// Issuing CA.
    pub issuing: Vec<u8>,
    /// Time-stamping authority.
    pub tsa: Vec<u8>,
    /// Seal.
    pub seal: Vec<u8>,
}

impl ServiceCertificates {
    /// Read them from the token; a clear error when `hsm init` was not run.
    pub async fn load(vault: &Vault) -> Result<Self, VaultError> {
        Ok(Self {
            root: vault.certificate(ServiceKey::RootCa).await?,
            issuing: vault.certificate(ServiceKey::IssuingCa).await?,
            tsa: vault.certificate(ServiceKey::Tsa).await?,
            seal: vault.certificate(ServiceKey::Seal).await?,
        })
    }

    /// The certificate of a CA.
    pub fn ca(&self, ca: Ca) -> &[u8] {
        match ca {
            Ca::Root => &self.root,
            Ca::Issuing => &self.issuing,
        }
    }

    /// Every certificate issued by one of our CAs, with its issuer (the root is self-signed
    /// and not in the list).
    pub fn issued(&self) -> [(Ca, &[u8]); 3] {
        [
            (Ca::Root, &self.issuing),
            (Ca::Issuing, &self.tsa),
            (Ca::Issuing, &self.seal),
        ]
    }
}

/// Why a registry operation failed.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    /// No certificate with that serial from that CA.
    #[error("no such certificate")]
    NotFound,
    /// It was revoked before.
    #[error("the certificate is already revoked")]
    AlreadyRevoked,
    /// A certificate handed in is not one we could have issued.
    #[error("malformed certificate: {0}")]
    Malformed(String),
    /// A structure could not be encoded (a bug, never the caller's input).
    #[error("encoding failed: {0}")]
    Encoding(String),
    /// Database trouble.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// HSM trouble.
    #[error(transparent)]
    Vault(#[from] VaultError),
}

impl From<tokio_postgres::Error> for RegistryError {
    fn from(e: tokio_postgres::Error) -> Self {
        RegistryError::Store(e.into())
    }
}

impl From<AuditError> for RegistryError {
    fn from(e: AuditError) -> Self {
        match e {
            AuditError::Store(s) => RegistryError::Store(s),
            AuditError::Vault(v) => RegistryError::Vault(v),
            AuditError::Io(e) => RegistryError::Malformed(e.to_string()),
            e @ AuditError::Behind(_) => RegistryError::Malformed(e.to_string()),
        }
    }
}

/// Why a certificate was not issued.
#[derive(Debug, thiserror::Error)]
pub enum IssueError {
    /// The profile refused the request (the text says why, for the applicant).
    #[error(transparent)]
    Profile(#[from] ProfileError),
    /// Recording failed.
    #[error(transparent)]
    Registry(#[from] RegistryError),
    /// HSM trouble.
    #[error(transparent)]
    Vault(#[from] VaultError),
}

/// Record a certificate issued by `issuer` in the caller's transaction.
pub async fn record(
    tx: &impl tokio_postgres::GenericClient,
    issuer: Ca,
    der: &[u8],
    at: DateTime<Utc>,
) -> Result<(), RegistryError> {
    let cert =
        crate::pki::parse_certificate(der).map_err(|e| RegistryError::Malformed(e.to_string()))?;
    let tbs = &cert.tbs_certificate;
    let row = IssuedRow {
        serial: tbs.serial_number.as_bytes().to_vec(),
        issuer: issuer.as_str(),
        subject: tbs.subject.to_string(),
        der: der.to_vec(),
        fingerprint: crate::pki::fingerprint(der),
        not_before: crate::pki::time::to_chrono(&tbs.validity.not_before),
        not_after: crate::pki::time::to_chrono(&tbs.validity.not_after),
    };
    sql::record_issued(tx, &row, at).await?;
    Ok(())
}

/// Issues CRLs and records revocations; cheap to clone.
#[derive(Clone)]
pub struct Registry {
    db: Db,
    vault: Vault,
    clock: SharedClock,
    certificates: Arc<ServiceCertificates>,
    crl_validity: TimeDelta,
    ca: Arc<CaConfig>,
    urls: Arc<PkiUrls>,
    others: Arc<crate::pki::cms::verify::TrustList>,
    authority: Arc<dyn super::authority::CertificateAuthority>,
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Registry").finish_non_exhaustive()
    }
}

impl Registry {
    /// Who the CA is (its name goes on the documents people sign).
    pub fn authority(&self) -> &CaConfig {
        &self.ca
    }

    /// A registry over the service's database and vault.
    pub fn new(
        db: Db,
        vault: Vault,
        clock: SharedClock,
        certificates: Arc<ServiceCertificates>,
        ca: &CaConfig,
        urls: PkiUrls,
    ) -> Self {
        let (ca, urls) = (Arc::new(ca.clone()), Arc::new(urls));
        let authority = Arc::new(super::authority::BuiltInCa::new(
            vault.clone(),
            ca.clone(),
            urls.clone(),
        ));
        Self {
            db,
            vault,
            clock,
            certificates,
            crl_validity: TimeDelta::hours(i64::from(ca.crl_validity_hours.get())),
            ca,
            urls,
            others: Arc::default(),
            authority,
        }
    }

    /// Issue end-entity certificates through another CA (the built-in one is the default).
    pub fn issuing_through(
        mut self,
        authority: Arc<dyn super::authority::CertificateAuthority>,
    ) -> Self {
        self.authority = authority;
        self
    }

    /// Also trust other CAs (their anchors, intermediates and CRLs) when verifying.
    pub fn trusting(mut self, others: crate::pki::cms::verify::TrustList) -> Self {
        self.others = Arc::new(others);
        self
    }

    /// The database (for readers of revocation state such as the OCSP responder).
    pub fn db(&self) -> &Db {
        &self.db
    }

    /// The vault (for signers of revocation statements).
    pub fn vault(&self) -> &Vault {
        &self.vault
    }

    /// The service certificates.
    pub fn certificates(&self) -> &ServiceCertificates {
        &self.certificates
    }

    /// Where our PKI material is published.
    pub fn urls(&self) -> &PkiUrls {
        &self.urls
    }

    /// Issue a subscriber certificate through the CA interface, check that it answers the
    /// request, and record it in the caller's transaction, so no certificate exists that the
    /// registry (and so OCSP and the CRL) does not know.
    pub async fn issue_end_entity(
        &self,
        tx: &Transaction<'_>,
        subject: SubjectData,
        public_key: Vec<u8>,
        kind: CertificateKind,
    ) -> Result<Vec<u8>, IssueError> {
        let request = super::authority::CertificateRequest {
            subject,
            public_key,
            kind,
            at: self.clock.now(),
        };
        let der = self.authority.issue(&request).await?;
        super::authority::check_answer(&request, &der)?;
        record(tx, Ca::Issuing, &der, request.at).await?;
        Ok(der)
    }

    /// Record the service certificates (so OCSP knows them) and make sure each CA has a
    /// current CRL. Run at start; idempotent.
    pub async fn bootstrap(&self) -> Result<(), RegistryError> {
        let mut client = self.db.client().await?;
        let tx = client.transaction().await?;
        let now = self.clock.now();
        for (issuer, der) in self.certificates.issued() {
            record(&*tx, issuer, der, now).await?;
        }
        tx.commit().await?;
        self.refresh_due().await
    }

    /// Revoke a certificate of `ca` and publish the CRL that lists it, in one transaction with
    /// the audit entry: there is no revocation the CRL does not show.
    pub async fn revoke(
        &self,
        ca: Ca,
        serial: &[u8],
        reason: RevocationReason,
        event: AuditEvent,
    ) -> Result<DateTime<Utc>, RegistryError> {
        let mut client = self.db.client().await?;
        let tx = client.transaction().await?;
        let at = self.revoke_in(&tx, ca, serial, reason, event).await?;
        tx.commit().await?;
        Ok(at)
    }

    /// [`Registry::revoke`] in the caller's transaction, so the caller's own record of the
    /// certificate changes with it.
    pub async fn revoke_in(
        &self,
        tx: &Transaction<'_>,
        ca: Ca,
        serial: &[u8],
        reason: RevocationReason,
        event: AuditEvent,
    ) -> Result<DateTime<Utc>, RegistryError> {
        sql::lock_crl(tx, ca.as_str()).await?;
        let at = self.clock.now();
        if !sql::revoke(tx, ca.as_str(), serial, at, reason.code()).await? {
            return Err(match sql::status(tx, ca.as_str(), serial).await? {
                None => RegistryError::NotFound,
                Some(_) => RegistryError::AlreadyRevoked,
            });
        }
        audit::record(
            tx,
            self.clock.as_ref(),
            event
                .on("certificate", hex::encode(serial))
                .with_details(serde_json::json!({
                    "ca": ca.as_str(),
                    "reason": reason.as_str(),
                })),
        )
        .await?;
        self.publish_locked(tx, ca).await?;
        Ok(at)
    }

    /// Revoke a holder's credential certificate and, with it, the encryption certificate that
    /// belongs to it (if any): no one should encrypt to a key whose holder's certificate is
    /// revoked. Old envelopes still open; revocation stops new ones.
    pub async fn revoke_credential_in(
        &self,
        tx: &Transaction<'_>,
        credential: uuid::Uuid,
        serial: &[u8],
        reason: RevocationReason,
        event: AuditEvent,
    ) -> Result<DateTime<Utc>, RegistryError> {
        let companion = event.clone();
        let at = self
            .revoke_in(tx, Ca::Issuing, serial, reason, event)
            .await?;
        if let Some(enc) =
            crate::store::encryption_keys::serial_of_credential(tx, credential).await?
        {
            self.revoke_in(tx, Ca::Issuing, &enc, reason, companion)
                .await?;
        }
        Ok(at)
    }

    /// Sign and store a new CRL for `ca`.
    pub async fn publish(&self, ca: Ca) -> Result<CrlRow, RegistryError> {
        let mut client = self.db.client().await?;
        let tx = client.transaction().await?;
        sql::lock_crl(&tx, ca.as_str()).await?;
        let row = self.publish_locked(&tx, ca).await?;
        tx.commit().await?;
        Ok(row)
    }

    async fn publish_locked(&self, tx: &Transaction<'_>, ca: Ca) -> Result<CrlRow, RegistryError> {
        let now = self.clock.now();
        let number = sql::latest_crl(tx, ca.as_str())
            .await?
            .map_or(1, |c| c.number + 1);
        let content = crl::CrlContent {
            number: u64::try_from(number).unwrap_or(1),
            this_update: now,
            next_update: now + self.crl_validity,
            entries: sql::revoked(tx, ca.as_str(), now).await?,
        };
        let ca_cert = crate::pki::parse_certificate(self.certificates.ca(ca))
            .map_err(|e| RegistryError::Malformed(e.to_string()))?;
        let content_for_hsm = content.clone();
        let der = self
            .vault
            .run(move |s| crl::sign(s, ca, &ca_cert, &content_for_hsm))
            .await?;
        let row = CrlRow {
            number,
            this_update: content.this_update,
            next_update: content.next_update,
            der,
        };
        sql::insert_crl(tx, ca.as_str(), &row).await?;
        tracing::info!(
            ca = ca.as_str(),
            number,
            entries = content.entries.len(),
            "CRL published"
        );
        Ok(row)
    }

    /// The current CRL of `ca`, publishing one when none is current. Concurrent callers that
    /// all find it stale publish once: the check is repeated under the CA's lock.
    pub async fn current_crl(&self, ca: Ca) -> Result<CrlRow, RegistryError> {
        let current = |row: &CrlRow| row.next_update > self.clock.now();
        let client = self.db.client().await?;
        if let Some(row) = sql::latest_crl(&**client, ca.as_str()).await? {
            if current(&row) {
                return Ok(row);
            }
        }
        drop(client);
        let mut client = self.db.client().await?;
        let tx = client.transaction().await?;
        sql::lock_crl(&tx, ca.as_str()).await?;
        let row = match sql::latest_crl(&*tx, ca.as_str()).await? {
            Some(row) if current(&row) => row,
            _ => self.publish_locked(&tx, ca).await?,
        };
        tx.commit().await?;
        Ok(row)
    }

    /// Publish a new CRL for every CA whose current one is past half its life.
    pub async fn refresh_due(&self) -> Result<(), RegistryError> {
        for ca in Ca::ALL {
            let client = self.db.client().await?;
            let latest = sql::latest_crl(&**client, ca.as_str()).await?;
            drop(client);
            let due =
                latest.is_none_or(|c| c.next_update - self.clock.now() < self.crl_validity / 2);
            if due {
                self.publish(ca).await?;
            }
        }
        Ok(())
    }

    /// Refresh CRLs on a schedule until shut down.
    pub async fn run_schedule(self, every: std::time::Duration, shutdown: CancellationToken) {
        loop {
            tokio::select! {
                _ = shutdown.cancelled() => return,
                _ = tokio::time::sleep(every) => {}
            }
            if let Err(e) = self.refresh_due().await {
                tracing::warn!(error = %e, "CRL refresh failed; will retry");
            }
        }
    }
}

/// Revocation as the verification engine sees it: our registry for certificates our CAs
/// issued (current to the last commit), supplied CRLs for everyone else.
pub struct RegistryRevocation<'a> {
    /// Our registry.
    pub registry: &'a Registry,
    /// CRLs of other CAs.
    pub crls: &'a [x509_cert::crl::CertificateList],
}

impl crate::pki::cms::verify::RevocationCheck for RegistryRevocation<'_> {
    async fn status(
        &self,
        cert: &x509_cert::Certificate,
        issuer: &x509_cert::Certificate,
    ) -> crate::pki::cms::verify::RevocationStatus {
        use crate::pki::cms::verify::RevocationStatus;
        use der::Encode;
        let Ok(issuer_der) = issuer.to_der() else {
            return RevocationStatus::Unknown;
        };
        let Some(ca) = Ca::ALL
            .into_iter()
            .find(|ca| self.registry.certificates.ca(*ca) == issuer_der.as_slice())
        else {
            return crate::pki::cms::verify::status_from_crls(self.crls, cert, issuer);
        };
        let serial = cert.tbs_certificate.serial_number.as_bytes();
        let Ok(client) = self.registry.db.client().await else {
            return RevocationStatus::Unknown;
        };
        match sql::status(&**client, ca.as_str(), serial).await {
            Ok(Some(row)) => row
                .revoked_at
                .map_or(RevocationStatus::Good, RevocationStatus::Revoked),
            Ok(None) | Err(_) => RevocationStatus::Unknown,
        }
    }
}

impl Registry {
    /// What the service trusts: our root as anchor, our issuing CA and TSA as intermediates,
    /// and the other CAs configured in `[trust]` with their CRLs.
    pub fn trust_list(&self) -> crate::pki::cms::verify::TrustList {
        let parse = |der: &[u8]| crate::pki::parse_certificate(der).ok();
        let mut list = crate::pki::cms::verify::TrustList {
            anchors: parse(&self.certificates.root).into_iter().collect(),
            intermediates: [&self.certificates.issuing, &self.certificates.tsa]
                .into_iter()
                .filter_map(|d| parse(d))
                .collect(),
            crls: Vec::new(),
        };
        list.anchors.extend(self.others.anchors.iter().cloned());
        list.intermediates
            .extend(self.others.intermediates.iter().cloned());
        list.crls.extend(self.others.crls.iter().cloned());
        list
    }
}
