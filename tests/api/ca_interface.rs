//! The CA interface: issuance goes through a `CertificateAuthority` (the built-in CA by
//! default); whatever a CA answers is checked against the request before it is recorded.

use crate::support::pki::{issue, subject};
use crate::support::spawn;
use cloudseal::certificates::authority::{CertificateAuthority, CertificateRequest, Issued};
use cloudseal::certificates::registry::IssueError;
use cloudseal::pki::profile::{CertificateKind, ProfileError};
use std::sync::Arc;

/// An outside CA that answers every request with the same bytes.
struct Answering(Vec<u8>);

impl CertificateAuthority for Answering {
    fn issue<'a>(&'a self, _: &'a CertificateRequest) -> Issued<'a> {
        Box::pin(async move { Ok(self.0.clone()) })
    }
}

#[tokio::test]
async fn a_certificate_that_does_not_answer_the_request_is_refused_and_not_recorded() {
    let app = spawn().await;
    let (someone_elses, _) = issue(&app, subject(), CertificateKind::Simple)
        .await
        .unwrap();
    let (_, requested_key) = issue(&app, subject(), CertificateKind::Simple)
        .await
        .unwrap();
    let recorded = || async {
        let n: i64 = app
            .owner()
            .await
            .query_one("SELECT count(*) FROM issued_certificates", &[])
            .await
            .unwrap()
            .get(0);
        n
    };
    let before = recorded().await;
    for (answer, why) in [
        (someone_elses.clone(), "another key"),
        (b"not a certificate".to_vec(), "not a certificate"),
    ] {
        let registry = app
            .registry
            .clone()
            .issuing_through(Arc::new(Answering(answer)));
        let mut client = app.db.client().await.unwrap();
        let tx = client.transaction().await.unwrap();
        let r = registry
            .issue_end_entity(
                &tx,
                subject(),
                requested_key.clone(),
                CertificateKind::Simple,
            )
            .await;
        match r {
            Err(IssueError::Profile(ProfileError::Refused(m))) => {
                assert!(m.en().contains(why), "{m}")
            }
            other => panic!("expected a refusal naming {why:?}, got {other:?}"),
        }
        tx.commit().await.unwrap();
    }
    assert_eq!(recorded().await, before, "nothing recorded");

    // The same check passes the built-in CA's answer for the requested key.
    let mut client = app.db.client().await.unwrap();
    let tx = client.transaction().await.unwrap();
    app.registry
        .issue_end_entity(&tx, subject(), requested_key, CertificateKind::Simple)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(recorded().await, before + 1);
}
