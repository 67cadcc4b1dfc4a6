//! Other certification authorities the verification engine trusts, read from files named in
//! `[trust]`: their roots, their intermediates and their CRLs. Read once at start; a file
//! that cannot be read or parsed stops the start with its name, so a typo never silently
//! narrows what the service accepts.

use crate::config::TrustConfig;
use crate::pki::cms::verify::TrustList;
use der::Decode;
use std::path::Path;
use x509_cert::Certificate;
use x509_cert::crl::CertificateList;

/// A trust file that could not be used.
#[derive(Debug, thiserror::Error)]
#[error("trust file {path}: {reason}")]
pub struct TrustFileError {
    /// The file.
    pub path: String,
    /// What is wrong with it.
    pub reason: String,
}

fn failure(path: &Path, reason: impl Into<String>) -> TrustFileError {
    TrustFileError {
        path: path.display().to_string(),
        reason: reason.into(),
    }
}

fn certificates(path: &Path) -> Result<Vec<Certificate>, TrustFileError> {
    let bytes = std::fs::read(path).map_err(|e| failure(path, e.to_string()))?;
    let ders = if bytes.first() == Some(&0x30) {
        vec![bytes]
    } else {
        let text = String::from_utf8(bytes).map_err(|_| failure(path, "neither DER nor PEM"))?;
        crate::pki::pem_certificates(&text).map_err(|e| failure(path, e.to_string()))?
    };
    if ders.is_empty() {
        return Err(failure(path, "no certificate in the file"));
    }
    ders.iter()
        .map(|d| Certificate::from_der(d).map_err(|e| failure(path, e.to_string())))
        .collect()
}

fn crl(path: &Path) -> Result<CertificateList, TrustFileError> {
    let bytes = std::fs::read(path).map_err(|e| failure(path, e.to_string()))?;
    let der = if bytes.first() == Some(&0x30) {
        bytes
    } else {
        let text = String::from_utf8(bytes).map_err(|_| failure(path, "neither DER nor PEM"))?;
        let (label, der) = der::pem::decode_vec(text.trim().as_bytes())
            .map_err(|e| failure(path, e.to_string()))?;
        if label != "X509 CRL" {
            return Err(failure(path, format!("PEM label {label}, not X509 CRL")));
        }
        der
    };
    CertificateList::from_der(&der).map_err(|e| failure(path, e.to_string()))
}

/// Read every configured file.
pub fn load(cfg: &TrustConfig) -> Result<TrustList, TrustFileError> {
    let mut list = TrustList::default();
    for path in &cfg.anchors {
        list.anchors.extend(certificates(path)?);
    }
    for path in &cfg.intermediates {
        list.intermediates.extend(certificates(path)?);
    }
    for path in &cfg.crls {
        list.crls.push(crl(path)?);
    }
    Ok(list)
}
