//! Signature activation (DESIGN §3): a PIN under an attempt limit unlocks a key for a count of
//! signatures and a short time, optionally bound to exact hashes; the SAD is the only way in,
//! works on any instance, and nothing that could sign outlives it.

use crate::support::{ManualClock, TestApp, custody_sign, spawn, spawn_on, spawn_with_clock};
use chrono::TimeDelta;
use cloudseal::clock::Clock;
use cloudseal::pki::cms::DigestAlgorithm;
use cloudseal::pki::scheme::{KeyAlgorithm, SignatureScheme};
use cloudseal::signing::{
    AuthoriseRequest, Authorised, KeyHolder, KeyId, OwnerId, Pin, Sad, SignItem, SigningError,
};
use p256::ecdsa::signature::hazmat::PrehashVerifier;
use p256::ecdsa::{Signature, VerifyingKey};
use p256::pkcs8::DecodePublicKey;
use std::sync::Arc;
use std::time::Duration;

const PIN: &str = "730514";
const ECDSA: SignatureScheme = SignatureScheme::Ecdsa(DigestAlgorithm::Sha256);

fn holder() -> KeyHolder {
    KeyHolder::new(OwnerId(uuid::Uuid::new_v4()), None, None)
}

async fn new_key(app: &TestApp, holder: &KeyHolder) -> (KeyId, Vec<u8>) {
    let info = app
        .custody
        .create_key(holder, KeyAlgorithm::EcdsaP256, &Pin::new_pin(PIN).unwrap())
        .await
        .unwrap();
    (info.id, info.public_key)
}

/// A new holder with a key and an authorisation for `count` signatures.
async fn authorised(app: &TestApp, count: u32) -> (KeyHolder, KeyId, Vec<u8>, Authorised) {
    let h = holder();
    let (key, public) = new_key(app, &h).await;
    let granted = app
        .custody
        .authorise(&h, request(key, PIN, count))
        .await
        .unwrap();
    (h, key, public, granted)
}

fn request(key: KeyId, pin: &str, count: u32) -> AuthoriseRequest {
    AuthoriseRequest {
        key,
        pin: Pin::presented(pin).unwrap(),
        hashes: None,
        count,
        lifetime: Duration::from_secs(60),
    }
}

async fn sign(
    app: &TestApp,
    h: &KeyHolder,
    sad: &Sad,
    items: Vec<SignItem>,
) -> Result<Vec<Vec<u8>>, SigningError> {
    custody_sign(&app.db, &app.custody, h, sad, items).await
}

fn item(hash: [u8; 32]) -> SignItem {
    SignItem {
        bound_hash: hash.to_vec(),
        scheme: ECDSA,
        input: hash.to_vec(),
    }
}

async fn audit_actions(app: &TestApp) -> Vec<(String, String)> {
    app.owner()
        .await
        .query(
            "SELECT action, outcome FROM audit_entries WHERE action LIKE 'key.%' \
             OR action LIKE 'signature.%' ORDER BY pos",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect()
}

#[tokio::test]
async fn an_authorisation_signs_its_count_then_closes_and_destroys_its_session_key() {
    let app = spawn().await;
    let (h, _, public, granted) = authorised(&app, 2).await;
    assert_eq!(granted.count, 2);
    assert_eq!(app.custody.session_keys_held(), 1);
    assert!(!format!("{:?}", granted.sad).contains(&granted.sad.expose()));

    let public = VerifyingKey::from_public_key_der(&public).unwrap();
    for n in 0..2u8 {
        let digest = [n + 1; 32];
        let sigs = sign(&app, &h, &granted.sad, vec![item(digest)])
            .await
            .unwrap();
        public
            .verify_prehash(&digest, &Signature::from_der(&sigs[0]).unwrap())
            .expect("signature by the holder's key");
    }
    assert_eq!(app.custody.session_keys_held(), 0, "destroyed when used up");
    let third = sign(&app, &h, &granted.sad, vec![item([3; 32])]).await;
    assert!(
        matches!(third, Err(SigningError::SadExhausted)),
        "{third:?}"
    );

    // Nothing that could sign outlives the authorisation.
    let sealed: Vec<u8> = app
        .owner()
        .await
        .query_one("SELECT sealed_key FROM key_authorisations", &[])
        .await
        .unwrap()
        .get(0);
    assert!(sealed.is_empty());
    let actions = audit_actions(&app).await;
    let count = |a: &str| actions.iter().filter(|(x, _)| x == a).count();
    assert_eq!(count("key.create"), 1);
    assert_eq!(count("key.authorise"), 1);
    assert_eq!(count("signature.create"), 2);
}

#[tokio::test]
async fn a_batch_is_one_audit_entry_naming_every_hash() {
    let app = spawn().await;
    let (h, _, _, granted) = authorised(&app, 3).await;
    sign(
        &app,
        &h,
        &granted.sad,
        vec![item([0x11; 32]), item([0x22; 32])],
    )
    .await
    .unwrap();
    let details: String = app
        .owner()
        .await
        .query_one(
            "SELECT details FROM audit_entries WHERE action = 'signature.create'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    let details: serde_json::Value = serde_json::from_str(&details).unwrap();
    assert_eq!(
        details["hashes"],
        serde_json::json!([hex::encode([0x11; 32]), hex::encode([0x22; 32])])
    );
    assert_eq!(
        details["schemes"],
        serde_json::json!(["ECDSA with SHA-256"])
    );
    assert_eq!(
        details["authorisation"],
        granted.sad.authorisation().to_string()
    );
}

#[tokio::test]
async fn wrong_pins_count_toward_a_lock_that_time_lifts_and_that_grows() {
    let clock = Arc::new(ManualClock::new(chrono::Utc::now()));
    let app = spawn_with_clock(clock.clone()).await;
    let h = holder();
    let (key, _) = new_key(&app, &h).await;
    for left in (1..=4).rev() {
        let r = app.custody.authorise(&h, request(key, "000001", 1)).await;
        assert!(
            matches!(r, Err(SigningError::WrongPin { attempts_left }) if attempts_left == left),
            "{r:?}"
        );
    }
    let fifth = app.custody.authorise(&h, request(key, "000001", 1)).await;
    let Err(SigningError::Locked { until }) = fifth else {
        panic!("the fifth wrong PIN locks: {fifth:?}");
    };
    assert_eq!((until - clock.now()).num_minutes(), 15);
    // Even the right PIN is refused while locked, without being tried.
    let right = app.custody.authorise(&h, request(key, PIN, 1)).await;
    assert!(
        matches!(right, Err(SigningError::Locked { .. })),
        "{right:?}"
    );

    clock.advance(TimeDelta::minutes(16));
    for _ in 0..5 {
        let _ = app.custody.authorise(&h, request(key, "000001", 1)).await;
    }
    let Err(SigningError::Locked { until }) = app.custody.authorise(&h, request(key, PIN, 1)).await
    else {
        panic!("locked again");
    };
    assert_eq!(
        (until - clock.now()).num_minutes(),
        30,
        "the second lock lasts twice as long"
    );
    clock.advance(TimeDelta::minutes(31));
    app.custody
        .authorise(&h, request(key, PIN, 1))
        .await
        .expect("the right PIN works once the lock ends");

    let actions = audit_actions(&app).await;
    let of = |a: &str, o: &str| actions.iter().filter(|(x, y)| x == a && y == o).count();
    assert_eq!(of("key.authorise", "failure"), 10);
    assert_eq!(of("key.lock", "denied"), 2);
    assert_eq!(of("key.authorise", "denied"), 2);
    assert_eq!(of("key.authorise", "success"), 1);
}

#[tokio::test]
async fn parallel_guesses_cannot_pass_the_attempt_limit() {
    let app = spawn().await;
    let h = holder();
    let (key, _) = new_key(&app, &h).await;
    let tries = (0..12).map(|i| {
        let (custody, h) = (app.custody.clone(), h.clone());
        async move {
            custody
                .authorise(&h, request(key, &format!("99999{i:02}"), 1))
                .await
        }
    });
    let results = futures_util::future::join_all(tries).await;
    let tried = results
        .iter()
        .filter(|r| matches!(r, Err(SigningError::WrongPin { .. })))
        .count();
    let locked = results
        .iter()
        .filter(|r| matches!(r, Err(SigningError::Locked { .. })))
        .count();
    assert_eq!(tried + locked, 12, "{results:?}");
    assert!(
        tried <= 4,
        "at most four wrong PINs answered as such, then the lock: {tried}"
    );
    let failures: i64 = app
        .owner()
        .await
        .query_one(
            "SELECT count(*) FROM audit_entries WHERE action = 'key.authorise' AND outcome = 'failure'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert!(
        failures <= 5,
        "no more PINs tried than the limit: {failures}"
    );
}

#[tokio::test]
async fn a_sad_bound_to_hashes_signs_only_those_and_a_refusal_spends_nothing() {
    let app = spawn().await;
    let h = holder();
    let (key, _) = new_key(&app, &h).await;
    let (a, b) = ([0xaa; 32], [0xbb; 32]);
    let mut req = request(key, PIN, 99);
    req.hashes = Some(vec![a.to_vec(), b.to_vec()]);
    let granted = app.custody.authorise(&h, req).await.unwrap();
    assert_eq!(granted.count, 2, "the count is the number of hashes");

    let other = sign(&app, &h, &granted.sad, vec![item([0xcc; 32])]).await;
    assert!(
        matches!(other, Err(SigningError::HashNotAuthorised)),
        "{other:?}"
    );
    let mixed = sign(&app, &h, &granted.sad, vec![item(a), item([0xcc; 32])]).await;
    assert!(
        matches!(mixed, Err(SigningError::HashNotAuthorised)),
        "{mixed:?}"
    );
    let both = sign(&app, &h, &granted.sad, vec![item(a), item(b)])
        .await
        .unwrap();
    assert_eq!(both.len(), 2, "the refusals spent nothing");
}

#[tokio::test]
async fn a_sad_is_refused_to_another_holder_when_altered_and_after_it_expires() {
    let clock = Arc::new(ManualClock::new(chrono::Utc::now()));
    let app = spawn_with_clock(clock.clone()).await;
    let (h, key, _, granted) = authorised(&app, 5).await;

    let stranger = holder();
    let r = sign(&app, &stranger, &granted.sad, vec![item([1; 32])]).await;
    assert!(matches!(r, Err(SigningError::SadInvalid)), "{r:?}");
    let r = app.custody.authorise(&stranger, request(key, PIN, 1)).await;
    assert!(
        matches!(r, Err(SigningError::KeyNotFound)),
        "another holder's key: {r:?}"
    );

    let mut text = granted.sad.expose().into_bytes();
    let last = text.len() - 2;
    text[last] = if text[last] == b'A' { b'B' } else { b'A' };
    let altered = Sad::parse(std::str::from_utf8(&text).unwrap()).unwrap();
    let r = sign(&app, &h, &altered, vec![item([1; 32])]).await;
    assert!(matches!(r, Err(SigningError::SadInvalid)), "{r:?}");
    for garbage in ["", "not-a-sad", &"A".repeat(63), &"A".repeat(500)] {
        assert!(Sad::parse(garbage).is_none(), "{garbage}");
    }
    let unknown = Sad::parse(&"A".repeat(64)).expect("well-formed");
    let r = sign(&app, &h, &unknown, vec![item([1; 32])]).await;
    assert!(matches!(r, Err(SigningError::SadInvalid)), "{r:?}");

    clock.advance(TimeDelta::seconds(61));
    let r = sign(&app, &h, &granted.sad, vec![item([1; 32])]).await;
    assert!(matches!(r, Err(SigningError::SadExpired)), "{r:?}");
    assert_eq!(
        app.custody.sweep().await.unwrap(),
        1,
        "the sweep destroys its session key"
    );
    assert_eq!(app.custody.session_keys_held(), 0);
    let r = sign(&app, &h, &granted.sad, vec![item([1; 32])]).await;
    assert!(
        matches!(r, Err(SigningError::SadExhausted)),
        "closed by the sweep: {r:?}"
    );
}

#[tokio::test]
async fn limits_on_count_lifetime_pin_and_scheme_are_enforced() {
    let app = spawn().await;
    let h = holder();
    for weak in ["12345", "111111", "123456", "654321", "abcdef"] {
        assert!(
            matches!(Pin::new_pin(weak), Err(SigningError::WeakPin(_))),
            "{weak}"
        );
    }
    assert!(Pin::presented(&"9".repeat(65)).is_err());
    let (key, _) = new_key(&app, &h).await;
    for (count, secs) in [(0, 60), (1001, 60), (1, 0), (1, 301)] {
        let mut req = request(key, PIN, count);
        req.lifetime = Duration::from_secs(secs);
        let r = app.custody.authorise(&h, req).await;
        assert!(
            matches!(r, Err(SigningError::Refused(_))),
            "{count} {secs}: {r:?}"
        );
    }
    let mut req = request(key, PIN, 1);
    req.hashes = Some(vec![vec![1; 20]]);
    assert!(matches!(
        app.custody.authorise(&h, req).await,
        Err(SigningError::Refused(_))
    ));
    let granted = app
        .custody
        .authorise(&h, request(key, PIN, 2))
        .await
        .unwrap();
    let rsa = SignItem {
        scheme: SignatureScheme::pss(DigestAlgorithm::Sha256),
        ..item([5; 32])
    };
    let r = sign(&app, &h, &granted.sad, vec![rsa]).await;
    assert!(matches!(r, Err(SigningError::Refused(_))), "{r:?}");
    sign(&app, &h, &granted.sad, vec![item([5; 32])])
        .await
        .expect("the refused scheme spent nothing");
}

#[tokio::test]
async fn another_instance_reopens_the_authorisation_from_the_sad_and_shares_its_count() {
    let first = spawn().await;
    let second = spawn_on(&first.db_name, |_| {}).await;
    let (h, _, public, granted) = authorised(&first, 3).await;
    assert_eq!(second.custody.session_keys_held(), 0);
    let sigs = sign(
        &second,
        &h,
        &granted.sad,
        vec![item([7; 32]), item([8; 32])],
    )
    .await
    .unwrap();
    let public = VerifyingKey::from_public_key_der(&public).unwrap();
    public
        .verify_prehash(&[8; 32], &Signature::from_der(&sigs[1]).unwrap())
        .unwrap();
    assert_eq!(
        second.custody.session_keys_held(),
        1,
        "re-opened once, kept"
    );
    sign(&first, &h, &granted.sad, vec![item([9; 32])])
        .await
        .unwrap();
    let r = sign(&second, &h, &granted.sad, vec![item([9; 32])]).await;
    assert!(
        matches!(r, Err(SigningError::SadExhausted)),
        "one count for all: {r:?}"
    );
    assert_eq!(
        second.custody.sweep().await.unwrap(),
        1,
        "closed elsewhere, destroyed here"
    );
}

#[tokio::test]
async fn concurrent_signers_never_spend_more_than_the_count() {
    let app = spawn().await;
    let (h, _, _, granted) = authorised(&app, 5).await;
    let signs = (0..16u8).map(|i| {
        let (custody, h, sad) = (app.custody.clone(), h.clone(), granted.sad.clone());
        let db = app.db.clone();
        async move { custody_sign(&db, &custody, &h, &sad, vec![item([i; 32])]).await }
    });
    let results = futures_util::future::join_all(signs).await;
    assert_eq!(
        results.iter().filter(|r| r.is_ok()).count(),
        5,
        "{results:?}"
    );
    assert!(
        results
            .iter()
            .filter_map(|r| r.as_ref().err())
            .all(|e| matches!(e, SigningError::SadExhausted))
    );
}

#[tokio::test]
async fn a_pin_change_reseals_and_the_old_pin_no_longer_opens() {
    let app = spawn().await;
    let h = holder();
    let (key, _) = new_key(&app, &h).await;
    let new = Pin::new_pin("K7#pq19z").unwrap();
    let wrong = app
        .custody
        .change_pin(&h, key, &Pin::presented("000000").unwrap(), &new)
        .await;
    assert!(
        matches!(wrong, Err(SigningError::WrongPin { attempts_left: 4 })),
        "{wrong:?}"
    );
    app.custody
        .change_pin(&h, key, &Pin::presented(PIN).unwrap(), &new)
        .await
        .unwrap();
    let old = app.custody.authorise(&h, request(key, PIN, 1)).await;
    assert!(
        matches!(old, Err(SigningError::WrongPin { attempts_left: 4 })),
        "{old:?}"
    );
    app.custody
        .authorise(&h, request(key, "K7#pq19z", 1))
        .await
        .unwrap();
}

#[tokio::test]
async fn the_database_holds_no_pin_and_no_usable_key() {
    let app = spawn().await;
    let (_, _, _, granted) = authorised(&app, 1).await;
    let db = app.owner().await;
    let row = db
        .query_one(
            "SELECT k.sealed_key, a.sealed_key, a.sad_hash FROM signing_keys k \
             JOIN key_authorisations a ON a.key_id = k.id",
            &[],
        )
        .await
        .unwrap();
    let (pin_sealed, sad_sealed, sad_hash): (Vec<u8>, Vec<u8>, Vec<u8>) =
        (row.get(0), row.get(1), row.get(2));
    assert_eq!(&pin_sealed[..4], b"CSK1");
    assert_eq!(&sad_sealed[..4], b"CSA1");
    let sad_text = granted.sad.expose();
    let dump = format!("{pin_sealed:?}{sad_sealed:?}{sad_hash:?}");
    assert!(!dump.contains(&format!("{:?}", PIN.as_bytes())));
    assert!(
        !sad_hash
            .windows(8)
            .any(|w| sad_text.as_bytes().windows(8).any(|s| s == w))
    );
    let audit: Vec<String> = db
        .query("SELECT details::text FROM audit_entries", &[])
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert!(
        audit
            .iter()
            .all(|d| !d.contains(PIN) && !d.contains(&sad_text))
    );
}

#[tokio::test]
async fn a_stopping_server_destroys_the_session_keys_it_holds() {
    let app = spawn().await;
    let (_, _, _, _) = authorised(&app, 3).await;
    let (_, _, _, _) = authorised(&app, 3).await;
    assert_eq!(app.custody.session_keys_held(), 2);
    app.stop().await;
    assert!(
        crate::support::eventually(5, || async { app.custody.session_keys_held() == 0 }).await,
        "still held: {}",
        app.custody.session_keys_held()
    );
}

#[tokio::test]
async fn a_failure_that_is_not_a_wrong_pin_does_not_count_toward_the_lock() {
    let app = spawn().await;
    let h = holder();
    let (key, _) = new_key(&app, &h).await;
    let db = app.owner().await;
    db.execute("UPDATE signing_keys SET sealed_key = 'damaged'", &[])
        .await
        .unwrap();
    for _ in 0..7 {
        let r = app.custody.authorise(&h, request(key, PIN, 1)).await;
        assert!(matches!(r, Err(SigningError::Vault(_))), "{r:?}");
    }
    let failures: i32 = db
        .query_one("SELECT pin_failures FROM signing_keys", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(failures, 0);
}

#[tokio::test]
async fn the_holder_can_close_an_authorisation_early_and_no_one_else_can() {
    let app = spawn().await;
    let (h, _, _, granted) = authorised(&app, 5).await;
    let r = app.custody.close(&holder(), &granted.sad).await;
    assert!(matches!(r, Err(SigningError::SadInvalid)), "{r:?}");
    assert_eq!(
        app.custody.session_keys_held(),
        1,
        "a stranger's close changed nothing"
    );
    app.custody.close(&h, &granted.sad).await.unwrap();
    assert_eq!(app.custody.session_keys_held(), 0);
    let r = sign(&app, &h, &granted.sad, vec![item([1; 32])]).await;
    assert!(matches!(r, Err(SigningError::SadExhausted)), "{r:?}");
    let closes: i64 = app
        .owner()
        .await
        .query_one(
            "SELECT count(*) FROM audit_entries WHERE action = 'key.authorisation_close'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(closes, 1);
}

#[tokio::test]
async fn an_administrator_lifts_a_lock_and_a_key_is_shown_only_to_its_holder() {
    let app = spawn().await;
    let h = holder();
    let (key, public) = new_key(&app, &h).await;
    let info = app.custody.key(&h, key).await.unwrap();
    assert_eq!(
        (info.algorithm, info.public_key),
        (KeyAlgorithm::EcdsaP256, public)
    );
    let r = app.custody.key(&holder(), key).await;
    assert!(matches!(r, Err(SigningError::KeyNotFound)), "{r:?}");

    for _ in 0..5 {
        let _ = app.custody.authorise(&h, request(key, "000001", 1)).await;
    }
    let locked = app.custody.authorise(&h, request(key, PIN, 1)).await;
    assert!(
        matches!(locked, Err(SigningError::Locked { .. })),
        "{locked:?}"
    );
    let mut admin = cloudseal::audit::AuditEvent::system("key.unlock");
    admin.actor_kind = cloudseal::audit::ActorKind::Staff;
    admin.actor_id = Some("admin-1".into());
    app.custody.unlock(key, admin.clone()).await.unwrap();
    app.custody
        .authorise(&h, request(key, PIN, 1))
        .await
        .expect("unlocked");
    let r = app.custody.unlock(KeyId(uuid::Uuid::new_v4()), admin).await;
    assert!(matches!(r, Err(SigningError::KeyNotFound)), "{r:?}");
    let by: String = app
        .owner()
        .await
        .query_one(
            "SELECT actor_id FROM audit_entries WHERE action = 'key.unlock'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(by, "admin-1");
}

#[tokio::test]
async fn signing_whose_transaction_rolls_back_spends_nothing_and_keeps_the_key() {
    let app = spawn().await;
    let (h, _, _, granted) = authorised(&app, 1).await;
    {
        let mut client = app.db.client().await.unwrap();
        let tx = client.transaction().await.unwrap();
        let (made, _spent) = app
            .custody
            .sign(&tx, &h, &granted.sad, vec![item([4; 32])])
            .await
            .unwrap();
        assert_eq!(made.len(), 1);
        tx.rollback().await.unwrap();
    }
    let remaining: i32 = app
        .owner()
        .await
        .query_one("SELECT remaining FROM key_authorisations", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(remaining, 1, "the use comes back with the rollback");
    assert!(
        !audit_actions(&app)
            .await
            .iter()
            .any(|(a, _)| a == "signature.create"),
        "no audit entry for signatures nobody received"
    );
    assert_eq!(app.custody.session_keys_held(), 1);
    sign(&app, &h, &granted.sad, vec![item([4; 32])])
        .await
        .expect("the authorisation still signs");
    assert_eq!(
        app.custody.session_keys_held(),
        0,
        "settled after the commit"
    );
}
