//! Offline verification of an export: needs nothing but the file (and, to pin trust, the
//! root certificate obtained by other means). Reports the first entry that does not hold.

use super::export::{FORMAT, Line};
use super::link_hash;
use super::sealer::checkpoint_message;
use crate::pki;
use std::io::BufRead;

/// A verified export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// First seq.
    pub first_seq: i64,
    /// Last seq.
    pub last_seq: i64,
    /// Entries checked.
    pub entries: u64,
    /// Checkpoints checked.
    pub checkpoints: u64,
    /// Hex chain head.
    pub head: String,
    /// Subject of the seal certificate.
    pub seal_subject: String,
    /// SHA-256 fingerprint of the seal certificate.
    pub seal_fingerprint: String,
    /// SHA-256 fingerprint of the root certificate.
    pub root_fingerprint: String,
    /// True when the root matched the trust anchor given by the caller.
    pub anchored: bool,
}

/// Where and why verification failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{reason}", seq.map(|s| format!("at seq {s}: ")).unwrap_or_default())]
pub struct Failure {
    /// The first chain position that does not hold, when one can be named.
    pub seq: Option<i64>,
    /// 1-based line number in the file.
    pub line: usize,
    /// What is wrong, for a person.
    pub reason: String,
}

fn fail(seq: Option<i64>, line: usize, reason: impl Into<String>) -> Failure {
    Failure {
        seq,
        line,
        reason: reason.into(),
    }
}

fn hash_from_hex(s: &str) -> Option<[u8; 32]> {
    hex::decode(s).ok()?.try_into().ok()
}

/// Verify an export read from `input`. `trust_anchor` is the DER root certificate to pin.
pub fn verify(input: impl BufRead, trust_anchor: Option<&[u8]>) -> Result<Verified, Failure> {
    let mut lines = input.lines().enumerate();
    let (first_seq, last_seq, mut prev, certs) = match lines.next() {
        Some((_, Ok(text))) => match serde_json::from_str::<Line>(&text) {
            Ok(Line::Header {
                format,
                first_seq,
                last_seq,
                prev_hash,
                certificates,
                ..
            }) if format == FORMAT => {
                let prev = hash_from_hex(&prev_hash)
                    .ok_or_else(|| fail(None, 1, "header: bad prev_hash"))?;
                let mut certs = Vec::new();
                for pem in &certificates {
                    for der in pki::pem_certificates(pem)
                        .map_err(|e| fail(None, 1, format!("header: {e}")))?
                    {
                        certs.push(der);
                    }
                }
                (first_seq, last_seq, prev, certs)
            }
            Ok(_) => return Err(fail(None, 1, format!("not a {FORMAT} file (no header)"))),
            Err(e) => return Err(fail(None, 1, format!("header: {e}"))),
        },
        _ => return Err(fail(None, 1, "empty file")),
    };

    // The seal certificate and its chain up to a self-signed root.
    let parsed: Vec<_> = certs
        .iter()
        .map(|d| pki::parse_certificate(d))
        .collect::<Result<_, _>>()
        .map_err(|e| fail(None, 1, format!("header certificate: {e}")))?;
    let seal = parsed
        .first()
        .ok_or_else(|| fail(None, 1, "header has no seal certificate"))?;
    for pair in parsed.windows(2) {
        pki::verify_issued_by(&pair[0], &pair[1])
            .map_err(|e| fail(None, 1, format!("certificate chain broken: {e}")))?;
    }
    let root = parsed
        .last()
        .ok_or_else(|| fail(None, 1, "no root certificate"))?;
    pki::verify_issued_by(root, root)
        .map_err(|_| fail(None, 1, "the last certificate is not a self-signed root"))?;
    let root_der = certs.last().map(Vec::as_slice).unwrap_or_default();
    let anchored = match trust_anchor {
        Some(anchor) if anchor == root_der => true,
        Some(_) => {
            return Err(fail(
                None,
                1,
                "the export's root certificate is not the trusted one",
            ));
        }
        None => false,
    };
    let seal_key =
        pki::p256_key(seal).map_err(|e| fail(None, 1, format!("seal certificate: {e}")))?;
    let seal_fingerprint = certs
        .first()
        .map(|d| pki::fingerprint(d))
        .unwrap_or_default();

    let mut expected = first_seq;
    let mut last_good_checkpoint = first_seq - 1;
    let mut covered = first_seq - 1;
    let (mut entries, mut checkpoints) = (0u64, 0u64);
    for (i, text) in lines {
        let n = i + 1;
        let text = text.map_err(|e| fail(None, n, format!("unreadable: {e}")))?;
        if text.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Line>(&text)
            .map_err(|e| fail(Some(expected), n, format!("malformed line: {e}")))?
        {
            Line::Header { .. } => return Err(fail(None, n, "a second header")),
            Line::Entry { seq, hash, record } => {
                if seq > expected {
                    return Err(fail(
                        Some(expected),
                        n,
                        format!(
                            "entry {expected} is missing (the next entry present is {seq}): removed"
                        ),
                    ));
                }
                if seq < expected {
                    return Err(fail(
                        Some(seq),
                        n,
                        format!(
                            "entry {seq} is out of order (expected {expected}): reordered or duplicated"
                        ),
                    ));
                }
                let computed = link_hash(&prev, &record);
                if hash_from_hex(&hash) != Some(computed) {
                    return Err(fail(
                        Some(seq),
                        n,
                        format!(
                            "entry {} does not match its chain hash: it was altered, or an entry before it was removed or reordered",
                            record.id
                        ),
                    ));
                }
                prev = computed;
                expected += 1;
                entries += 1;
            }
            Line::Checkpoint {
                seq,
                head,
                created_at,
                key,
                signature,
            } => {
                use base64::Engine;
                if seq != expected - 1 {
                    return Err(fail(Some(seq), n, "checkpoint out of place"));
                }
                let head_hash = hash_from_hex(&head)
                    .ok_or_else(|| fail(Some(seq), n, "checkpoint: bad head"))?;
                let sig = base64::engine::general_purpose::STANDARD
                    .decode(signature)
                    .map_err(|_| fail(Some(seq), n, "checkpoint: bad signature encoding"))?;
                if key != seal_fingerprint {
                    return Err(fail(
                        Some(seq),
                        n,
                        "checkpoint signed by another key than the seal certificate",
                    ));
                }
                let message = checkpoint_message(seq, &head_hash, &created_at, &key);
                if pki::verify_p256(&seal_key, &message, &sig).is_err() {
                    return Err(fail(
                        Some(seq),
                        n,
                        "checkpoint signature does not verify: the checkpoint was forged or altered",
                    ));
                }
                if head_hash != prev {
                    return Err(fail(
                        Some(last_good_checkpoint + 1),
                        n,
                        format!(
                            "the entries after seq {last_good_checkpoint} up to {seq} were rewritten: they no longer match the signed checkpoint at {seq}"
                        ),
                    ));
                }
                last_good_checkpoint = seq;
                covered = seq;
                checkpoints += 1;
            }
        }
    }
    if expected - 1 != last_seq {
        return Err(fail(
            Some(expected),
            0,
            format!(
                "the file ends at seq {} but its header says {last_seq}: entries were cut off",
                expected - 1
            ),
        ));
    }
    if covered != last_seq {
        return Err(fail(
            Some(covered + 1),
            0,
            format!("entries after seq {covered} are not covered by a signed checkpoint"),
        ));
    }
    Ok(Verified {
        first_seq,
        last_seq,
        entries,
        checkpoints,
        head: hex::encode(prev),
        seal_subject: seal.tbs_certificate.subject.to_string(),
        seal_fingerprint,
        root_fingerprint: pki::fingerprint(root_der),
        anchored,
    })
}
