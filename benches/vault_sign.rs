//! Vault costs on this machine, one thread: raw ECDSA P-256 signs with a stored token key
//! (the SoftHSM ceiling), the cost of unsealing a subscriber key (HSM HMAC + argon2id + GCM +
//! unwrap) with the default and with a minimal PIN KDF, and signs with an unsealed session key.
//!
//! Run with `make bench` (it provides the environment and an initialised token).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use cloudseal::vault::custody::{KeyBinding, PinKdf};
use cloudseal::vault::{ServiceKey, Vault};
use std::time::Instant;

fn rate(n: u32, f: impl FnMut()) -> (f64, f64) {
    let mut f = f;
    let start = Instant::now();
    for _ in 0..n {
        f();
    }
    let secs = start.elapsed().as_secs_f64();
    (n as f64 / secs, secs * 1000.0 / n as f64)
}

fn main() {
    let cfg = cloudseal::Config::load(
        std::env::var("CLOUDSEAL_CONFIG")
            .ok()
            .as_deref()
            .map(std::path::Path::new),
        std::env::vars(),
    )
    .expect("run with `make bench`");
    let vault = Vault::open(&cfg.hsm).expect("HSM");
    let digest = [42u8; 32];
    vault
        .run_blocking(|s| {
            let (per_s, _) = rate(3000, || {
                s.sign_digest_p256(ServiceKey::Seal, &digest).unwrap();
            });
            println!("P-256 sign with a stored token key, looked up by label each time: {per_s:.0}/s");
            let signer = cloudseal::vault::signer::HsmP256Signer::service(s, ServiceKey::Seal).unwrap();
            let (per_s, _) = rate(3000, || {
                let _: p256::ecdsa::DerSignature = signature::Signer::try_sign(&signer, b"m").unwrap();
            });
            println!("P-256 sign with a stored token key, handle kept (the raw SoftHSM rate): {per_s:.0}/s");

            let binding = KeyBinding {
                key_id: uuid::Uuid::new_v4(),
                owner: "bench",
            };
            for (name, kdf) in [
                ("default PIN KDF (argon2id 19 MiB, t=2)", PinKdf::default()),
                (
                    "minimal PIN KDF (argon2id 8 MiB, t=1)",
                    PinKdf {
                        memory_kib: 8192,
                        iterations: 1,
                    },
                ),
            ] {
                let sealed = s.generate_sealed_p256(&binding, "135790", kdf).unwrap();
                let (_, ms) = rate(20, || {
                    let k = s
                        .unseal_p256(&binding, "135790", kdf, &sealed.blob)
                        .unwrap();
                    s.destroy(k).unwrap();
                });
                println!("unseal + destroy, {name}: {ms:.1} ms each");
            }
            let sealed = s
                .generate_sealed_p256(&binding, "135790", PinKdf::default())
                .unwrap();
            let key = s
                .unseal_p256(&binding, "135790", PinKdf::default(), &sealed.blob)
                .unwrap();
            let (per_s, _) = rate(3000, || {
                s.sign_with(&key, &digest).unwrap();
            });
            println!("P-256 sign with an unsealed session key: {per_s:.0}/s");
            s.destroy(key).unwrap();
            Ok(())
        })
        .unwrap();
}
