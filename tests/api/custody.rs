//! Subscriber key custody in the HSM: born inside, stored only double-sealed, usable only with
//! the PIN, and then only as a non-extractable session object.

use crate::support::spawn;
use cloudseal::pki::cms::DigestAlgorithm;
use cloudseal::pki::scheme::{KeyAlgorithm, SignatureScheme};
use cloudseal::vault::VaultError;
use cloudseal::vault::custody::{KeyBinding, PinKdf, SealedKey};
use p256::ecdsa::signature::hazmat::PrehashVerifier;
use p256::ecdsa::{Signature, VerifyingKey};
use p256::pkcs8::DecodePublicKey;
use sha2::{Digest, Sha256};
use uuid::Uuid;

const P256: KeyAlgorithm = KeyAlgorithm::EcdsaP256;
const ECDSA: SignatureScheme = SignatureScheme::Ecdsa(DigestAlgorithm::Sha256);

const KDF: PinKdf = PinKdf {
    memory_kib: 8 * 1024,
    iterations: 1,
};

async fn generate(
    app: &crate::support::TestApp,
    key_id: Uuid,
    owner: &'static str,
    pin: &'static str,
) -> SealedKey {
    app.vault
        .run(move |s| s.generate_sealed(P256, &KeyBinding { key_id, owner }, pin, KDF))
        .await
        .unwrap()
}

async fn sign(
    app: &crate::support::TestApp,
    key_id: Uuid,
    owner: &'static str,
    pin: &'static str,
    blob: Vec<u8>,
    digest: [u8; 32],
) -> Result<Vec<u8>, VaultError> {
    app.vault
        .run(move |s| {
            let key = s.unseal(P256, &KeyBinding { key_id, owner }, pin, KDF, &blob)?;
            let (sensitive, extractable) = s.key_protection(&key)?;
            assert!(
                sensitive && !extractable,
                "an unsealed key is sensitive and never extractable"
            );
            let sig = s.sign_with(&key, ECDSA, &digest);
            s.destroy(key)?;
            sig
        })
        .await
}

#[tokio::test]
async fn a_key_born_in_the_hsm_signs_only_with_its_pin() {
    let app = spawn().await;
    let key_id = Uuid::new_v4();
    let sealed = generate(&app, key_id, "subscriber-1", "482915").await;
    assert_eq!(&sealed.blob[..4], b"CSK1");
    let digest: [u8; 32] = Sha256::digest(b"contract.pdf").into();
    let der = sign(
        &app,
        key_id,
        "subscriber-1",
        "482915",
        sealed.blob.clone(),
        digest,
    )
    .await
    .unwrap();
    let public = VerifyingKey::from_public_key_der(&sealed.public_key).unwrap();
    public
        .verify_prehash(&digest, &Signature::from_der(&der).unwrap())
        .expect("the signature verifies with the stored public key");

    let wrong = sign(
        &app,
        key_id,
        "subscriber-1",
        "482916",
        sealed.blob.clone(),
        digest,
    )
    .await;
    assert!(matches!(wrong, Err(VaultError::WrongPin)), "{wrong:?}");
}

#[tokio::test]
async fn a_blob_moved_to_another_key_or_owner_does_not_open() {
    let app = spawn().await;
    let key_id = Uuid::new_v4();
    let sealed = generate(&app, key_id, "subscriber-1", "482915").await;
    let digest = [7u8; 32];
    let other_owner = sign(
        &app,
        key_id,
        "subscriber-2",
        "482915",
        sealed.blob.clone(),
        digest,
    )
    .await;
    assert!(matches!(other_owner, Err(VaultError::WrongPin)));
    let other_id = sign(
        &app,
        Uuid::new_v4(),
        "subscriber-1",
        "482915",
        sealed.blob.clone(),
        digest,
    )
    .await;
    assert!(matches!(other_id, Err(VaultError::WrongPin)));
    let mut tampered = sealed.blob.clone();
    let last = tampered.len() - 1;
    tampered[last] ^= 1;
    assert!(matches!(
        sign(&app, key_id, "subscriber-1", "482915", tampered, digest).await,
        Err(VaultError::WrongPin)
    ));
    let garbage = sign(
        &app,
        key_id,
        "subscriber-1",
        "482915",
        b"CSK1short".to_vec(),
        digest,
    )
    .await;
    assert!(
        matches!(garbage, Err(VaultError::Operation(_))),
        "{garbage:?}"
    );
}

#[tokio::test]
async fn two_keys_are_different_and_each_blob_is_sealed_afresh() {
    let app = spawn().await;
    let key_id = Uuid::new_v4();
    let a = generate(&app, key_id, "o", "111111").await;
    let b = generate(&app, key_id, "o", "111111").await;
    assert_ne!(a.public_key, b.public_key);
    assert_ne!(a.blob[4..20], b.blob[4..20], "a salt per seal");
}

#[tokio::test]
async fn a_pin_change_reseals_the_same_key() {
    let app = spawn().await;
    let key_id = Uuid::new_v4();
    let sealed = generate(&app, key_id, "s", "old-pin-1").await;
    let blob = sealed.blob.clone();
    let resealed = app
        .vault
        .run(move |s| {
            s.reseal(
                &KeyBinding { key_id, owner: "s" },
                "old-pin-1",
                "new-pin-2",
                KDF,
                &blob,
            )
        })
        .await
        .unwrap();
    let digest = [9u8; 32];
    assert!(matches!(
        sign(&app, key_id, "s", "old-pin-1", resealed.clone(), digest).await,
        Err(VaultError::WrongPin)
    ));
    let der = sign(&app, key_id, "s", "new-pin-2", resealed, digest)
        .await
        .unwrap();
    let public = VerifyingKey::from_public_key_der(&sealed.public_key).unwrap();
    public
        .verify_prehash(&digest, &Signature::from_der(&der).unwrap())
        .unwrap();
    let blob = sealed.blob.clone();
    let wrong_old = app
        .vault
        .run(move |s| {
            s.reseal(
                &KeyBinding { key_id, owner: "s" },
                "not-the-pin",
                "x",
                KDF,
                &blob,
            )
        })
        .await;
    assert!(matches!(wrong_old, Err(VaultError::WrongPin)));
}

#[tokio::test]
async fn each_unsealing_is_its_own_session_object_destroyed_independently() {
    let app = spawn().await;
    let key_id = Uuid::new_v4();
    let sealed = generate(&app, key_id, "s", "246810").await;
    let result = app
        .vault
        .run(move |s| {
            let key = s.unseal(
                P256,
                &KeyBinding { key_id, owner: "s" },
                "246810",
                KDF,
                &sealed.blob,
            )?;
            let again = s.unseal(
                P256,
                &KeyBinding { key_id, owner: "s" },
                "246810",
                KDF,
                &sealed.blob,
            )?;
            s.destroy(key)?;
            // The other unsealed copy still works, then goes the same way.
            s.sign_with(&again, ECDSA, &[1u8; 32])?;
            s.destroy(again)?;
            Ok(())
        })
        .await;
    assert!(result.is_ok(), "{result:?}");
}
