//! Every parser that reads bytes from outside: CMS signatures (through the whole verification
//! engine), certificates, PKCS#10 requests, RFC 3161 time-stamp queries and OCSP requests. The
//! first byte picks the parser, so one run covers them all. Run with `make fuzz`.
#![no_main]

use cloudseal::pki::cms::verify::{RevocationCheck, RevocationStatus, TrustList, verify};
use der::Decode;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

struct NoRevocation;

impl RevocationCheck for NoRevocation {
    async fn status(
        &self,
        _: &x509_cert::Certificate,
        _: &x509_cert::Certificate,
    ) -> RevocationStatus {
        RevocationStatus::Unknown
    }
}

fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime")
    })
}

/// DER of the default TSA policy OID is irrelevant to parsing; any OID will do.
const POLICY: [u8; 5] = [0x06, 0x03, 0x2a, 0x03, 0x04];

fuzz_target!(|data: &[u8]| {
    let Some((&which, input)) = data.split_first() else {
        return;
    };
    match which % 5 {
        0 => {
            let trust = TrustList::default();
            let _ = runtime().block_on(verify(
                input,
                Some(b"content"),
                &trust,
                &NoRevocation,
                chrono::DateTime::UNIX_EPOCH,
            ));
        }
        1 => {
            if let Ok(cert) = cloudseal::pki::parse_certificate(input) {
                let _ = cloudseal::pki::subject_key_id(&cert);
                let _ = cert.tbs_certificate.subject.to_string();
            }
        }
        2 => {
            let _ = cloudseal::pki::csr::check(input);
        }
        3 => {
            let _ = cloudseal::pki::tsa::parse_request(input, &POLICY);
        }
        _ => {
            let _ = x509_ocsp::OcspRequest::from_der(input);
        }
    }
});
