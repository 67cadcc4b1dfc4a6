//! Vault costs on this machine, one thread: raw ECDSA P-256 signs with a stored token key
//! (the SoftHSM ceiling), the cost of unsealing a subscriber key (HSM HMAC + argon2id + GCM +
//! unwrap) with the default and with a minimal PIN KDF, and signs with an unsealed session key.
//!
//! Run with `make bench` (it provides the environment and an initialised token).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use cloudseal::pki::scheme::KeyAlgorithm;
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
                let sealed = s
                    .generate_sealed(KeyAlgorithm::EcdsaP256, &binding, "135790", kdf)
                    .unwrap();
                let (_, ms) = rate(20, || {
                    let k = s
                        .unseal(KeyAlgorithm::EcdsaP256, &binding, "135790", kdf, &sealed.blob)
                        .unwrap();
                    s.destroy(k).unwrap();
                });
                println!("unseal + destroy, {name}: {ms:.1} ms each");
            }
            let fast = PinKdf {
                memory_kib: 8192,
                iterations: 1,
            };
            for algorithm in KeyAlgorithm::ALL {
                let scheme = algorithm.default_scheme();
                let input: Vec<u8> = if scheme.signs_message() {
                    b"signed attributes of a CMS signature".to_vec()
                } else {
                    vec![42u8; scheme.digest().output_len()]
                };
                let sealed = match s.generate_sealed(algorithm, &binding, "135790", fast) {
                    Ok(sealed) => sealed,
                    Err(e) => {
                        println!("{}: {e}", algorithm.as_str());
                        continue;
                    }
                };
                let key = s
                    .unseal(algorithm, &binding, "135790", fast, &sealed.blob)
                    .unwrap();
                let n = if algorithm.rsa_bits().is_some() { 300 } else { 3000 };
                let (per_s, _) = rate(n, || {
                    s.sign_with(&key, scheme, &input).unwrap();
                });
                let (_, gen_ms) = rate(3, || {
                    s.generate_sealed(algorithm, &binding, "135790", fast).unwrap();
                });
                println!(
                    "{}: generate + seal {gen_ms:.1} ms; {} with an unsealed session key: {per_s:.0}/s",
                    algorithm.as_str(),
                    scheme.name()
                );
                s.destroy(key).unwrap();
            }
            Ok(())
        })
        .unwrap();
}
