//! The HSM failing under a running server: the session pool recovers without a restart, and
//! an authorisation whose HSM session object was lost is re-opened from its SAD.

use crate::support::{custody_sign, env, hsm_config, spawn, test_urls};
use cloudseal::config::{CaConfig, HsmConfig, SigningConfig};
use cloudseal::pki::cms::DigestAlgorithm;
use cloudseal::pki::scheme::{KeyAlgorithm, SignatureScheme};
use cloudseal::signing::{AuthoriseRequest, Custody, KeyHolder, OwnerId, Pin, SignItem};
use cloudseal::vault::{Vault, provision};
use cryptoki::context::{CInitializeArgs, Pkcs11};
use p256::ecdsa::signature::hazmat::PrehashVerifier;
use p256::ecdsa::{Signature, VerifyingKey};
use p256::pkcs8::DecodePublicKey;
use std::sync::Arc;

/// Log the whole process out of the token from a second handle on the module, as a token
/// reset would: every session loses its login and PKCS#11 destroys all private session
/// objects. The handle is leaked on purpose: dropping it would C_Finalize the module for
/// every user in the process.
fn log_out_behind_the_pool(cfg: &HsmConfig) {
    let ctx = Pkcs11::new(&cfg.module).unwrap();
    let _already_initialised_by_the_vault = ctx.initialize(CInitializeArgs::OsThreads);
    let slot = ctx
        .get_slots_with_token()
        .unwrap()
        .into_iter()
        .find(|s| ctx.get_token_info(*s).unwrap().label().trim() == cfg.token_label)
        .unwrap();
    let session = ctx.open_rw_session(slot).unwrap();
    session.logout().unwrap();
    std::mem::forget(session);
    std::mem::forget(ctx);
}

fn item(digest: [u8; 32]) -> SignItem {
    SignItem {
        bound_hash: digest.to_vec(),
        scheme: SignatureScheme::Ecdsa(DigestAlgorithm::Sha256),
        input: digest.to_vec(),
    }
}

#[tokio::test]
async fn a_token_that_logs_us_out_is_logged_into_again_and_authorisations_reopen_from_the_sad() {
    let Some(token) = env().hsm_fault_token.clone() else {
        // A vendor HSM configured by the user: do not log its sessions out.
        return;
    };
    let app = spawn().await;
    let cfg = hsm_config(env(), &token);
    let vault = Vault::open(&cfg).unwrap();
    vault
        .run_blocking(|s| provision::init(s, &CaConfig::default(), &test_urls()))
        .unwrap();
    let signing = SigningConfig {
        pin_kdf_memory_kib: 8192,
        pin_kdf_iterations: 1,
        ..SigningConfig::default()
    };
    let custody = Custody::new(
        app.db.clone(),
        vault.clone(),
        Arc::new(cloudseal::clock::SystemClock),
        &signing,
    );
    let h = KeyHolder::new(OwnerId(uuid::Uuid::new_v4()), None, None);
    let key = custody
        .create_key(
            &h,
            KeyAlgorithm::EcdsaP256,
            &Pin::new_pin("730514").unwrap(),
        )
        .await
        .unwrap();
    let granted = custody
        .authorise(
            &h,
            AuthoriseRequest {
                key: key.id,
                pin: Pin::presented("730514").unwrap(),
                hashes: None,
                count: 3,
                lifetime: std::time::Duration::from_secs(60),
            },
        )
        .await
        .unwrap();
    custody_sign(&app.db, &custody, &h, &granted.sad, vec![item([1; 32])])
        .await
        .unwrap();

    log_out_behind_the_pool(&cfg);

    vault.ping().await.expect("the pool logs in again");
    let sigs = custody_sign(&app.db, &custody, &h, &granted.sad, vec![item([2; 32])])
        .await
        .expect("the lost session key is re-opened from the SAD");
    VerifyingKey::from_public_key_der(&key.public_key)
        .unwrap()
        .verify_prehash(&[2; 32], &Signature::from_der(&sigs[0]).unwrap())
        .unwrap();
    assert_eq!(custody.session_keys_held(), 1);
    let remaining: i32 = app
        .owner()
        .await
        .query_one("SELECT remaining FROM key_authorisations", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(remaining, 1, "the failed attempt spent nothing twice");
}
