//! Signing under load, through HTTP against a running `Application` with the production PIN
//! seal, beside the raw limits measured in the same run on the same vault:
//!
//! - single: each client confirms one hash (SMS code read from the outbox), authorises it with
//!   the PIN and signs it (CAdES-BES) — against the raw rate of unseal + sign + destroy;
//! - batches: each client confirms and authorises 100 hashes, then all sign their 100 at once —
//!   against the raw rate of P-256 signs with a stored token key;
//! - verification: the batch signatures checked through `POST /api/v1/verify` with their
//!   documents — against `openssl speed ecdsap256` verify on all cores;
//! - sendings: each client sends its 1 MiB document with its CMS signature to three other
//!   holders through `POST /api/v1/sendings` (the server opens and hashes the sealed document,
//!   verifies the signature, records the sending and queues three emails each time).
//!
//! Each holder is an operator enrolled by an administrator (a new confirmation retires the
//! holder's unspent one, so every client needs its own holder). Clients and server share the
//! machine. Run with `make bench`; options: `--seconds S --clients C --rounds R --only single,batches,verify,sendings --format cms|raw`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use cloudseal::identity::Role;
use cloudseal::pki::scheme::KeyAlgorithm;
use cloudseal::vault::ServiceKey;
use cloudseal::vault::custody::KeyBinding;
use common::{Bench, arg, code_in, text_arg};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::sync::Arc;
use std::time::{Duration, Instant};

const PIN: &str = "fjord-7391";
const BATCH: usize = 100;

/// One signing holder: its access token, phone and credential.
struct Holder {
    token: String,
    email: String,
    phone: String,
    credential: String,
}

/// A document of client `c`, round `k`, item `i`, and its SHA-256 in base64.
fn document(c: usize, k: usize, i: usize) -> (Vec<u8>, String) {
    let body = format!("cloudseal signing load: client {c}, round {k}, item {i}").into_bytes();
    let hash = B64.encode(Sha256::digest(&body));
    (body, hash)
}

async fn post(bench: &Bench, token: &str, path: &str, body: Value) -> Value {
    let r = bench
        .http
        .post(format!("{}{path}", bench.base))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = r.status();
    let text = r.text().await.unwrap();
    assert!(status.is_success(), "{path}: {status} {text}");
    serde_json::from_str(&text).unwrap()
}

/// Operator `i` of `point`, enrolled by `admin` and activated with [`PIN`].
async fn holder(bench: &Bench, admin: &str, point: uuid::Uuid, i: u64) -> Holder {
    let (id, email, phone) = bench.member(100 + i, Role::Operator, Some(point)).await;
    let token = bench.login(&email, &phone).await;
    let applicant = json!({
        "kind": "individual",
        "surname": "Иванова", "given_name": "Анна", "patronymic": "Сергеевна",
        "birth_date": "1990-01-02", "citizenship": "RU", "residence": "DE",
        "address": "Berlin, Unter den Linden 1",
        "snils": "112-233-445 95", "inn": "500100732259",
        "document": {"kind": "russian_passport", "series": "45 09", "number": "123456",
                     "issued_on": "2015-03-04", "issued_by": "ОВД Тверской", "issuer_code": "770-001"}
    });
    let application = post(
        bench,
        admin,
        &format!("/api/v1/admin/officers/{id}/enrolment"),
        json!({"product": "qualified-cloud", "applicant": applicant,
               "identification": {"originals": ["passport"], "data_confirmed": true}}),
    )
    .await;
    let app_id = application["id"].as_str().unwrap();
    let sms: String = bench
        .owner
        .query_one(
            "SELECT body FROM notifications WHERE recipient = $1 AND body LIKE '%activation code%' \
             ORDER BY seq DESC LIMIT 1",
            &[&phone],
        )
        .await
        .unwrap()
        .get(0);
    let marker = sms
        .split_whitespace()
        .map(|w| w.trim_end_matches('.'))
        .find(|w| w.len() == 11 && w.as_bytes()[5] == b'-')
        .unwrap()
        .to_owned();
    let c = post(
        bench,
        &token,
        &format!("/api/v1/applications/{app_id}/activation/confirmation"),
        json!({}),
    )
    .await;
    let code = code_in(&bench.owner, &phone).await;
    let cert = post(
        bench,
        &token,
        &format!("/api/v1/applications/{app_id}/activate"),
        json!({"marker": marker, "confirmation": c["confirmation"], "code": code, "pin": PIN}),
    )
    .await;
    Holder {
        token,
        email,
        phone,
        credential: cert["id"].as_str().unwrap().to_owned(),
    }
}

/// Confirm and authorise `hashes`; the SAD.
async fn authorise(bench: &Bench, h: &Holder, hashes: &[String]) -> String {
    let c = post(
        bench,
        &h.token,
        &format!("/api/v1/credentials/{}/confirmation", h.credential),
        json!({"hash_algorithm": "sha256", "hashes": hashes}),
    )
    .await;
    let code = code_in(&bench.owner, &h.phone).await;
    let a = post(
        bench,
        &h.token,
        &format!("/api/v1/credentials/{}/authorise", h.credential),
        json!({"pin": PIN, "confirmation": c["confirmation"], "code": code,
               "hash_algorithm": "sha256", "hashes": hashes}),
    )
    .await;
    a["sad"].as_str().unwrap().to_owned()
}

/// Sign `hashes` under `sad` (CAdES-BES); the signatures, base64 DER.
async fn sign(
    bench: &Bench,
    h: &Holder,
    sad: &str,
    hashes: &[String],
    format: &str,
) -> Vec<String> {
    let made = post(
        bench,
        &h.token,
        "/api/v1/signatures",
        json!({"credential": h.credential, "sad": sad, "hash_algorithm": "sha256",
               "hashes": hashes, "format": format}),
    )
    .await;
    let made = made.as_array().unwrap();
    assert_eq!(made.len(), hashes.len());
    made.iter()
        .map(|s| s["signature"].as_str().unwrap().to_owned())
        .collect()
}

/// p50 and p99 of `samples`, in milliseconds.
fn percentiles(samples: &mut [Duration]) -> (f64, f64) {
    samples.sort();
    let at = |q: f64| {
        let i = ((samples.len() as f64 * q).ceil() as usize).clamp(1, samples.len()) - 1;
        samples[i].as_secs_f64() * 1000.0
    };
    (at(0.50), at(0.99))
}

/// The clients' latencies joined: (operations, per second since `started`, p50, p99 in ms).
async fn gather(
    tasks: Vec<tokio::task::JoinHandle<Vec<Duration>>>,
    started: Instant,
) -> (usize, f64, f64, f64) {
    let mut lat = Vec::new();
    for t in tasks {
        lat.extend(t.await.unwrap());
    }
    let rate = lat.len() as f64 / started.elapsed().as_secs_f64();
    let (p50, p99) = percentiles(&mut lat);
    (lat.len(), rate, p50, p99)
}

/// Run `work` in `clients` tasks until `seconds` pass; operations done and elapsed seconds.
async fn raw_rate<F>(
    bench: &Arc<Bench>,
    clients: usize,
    seconds: u64,
    per_call: u64,
    work: F,
) -> f64
where
    F: Fn(&cloudseal::vault::HsmSession, usize) + Send + Sync + Clone + 'static,
{
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..clients {
        let (vault, work) = (bench.vault.clone(), work.clone());
        tasks.push(tokio::spawn(async move {
            let mut n = 0u64;
            while Instant::now() < deadline {
                let w = work.clone();
                vault
                    .run(move |s| {
                        w(s, c);
                        Ok(())
                    })
                    .await
                    .unwrap();
                n += per_call;
            }
            n
        }));
    }
    let mut n = 0;
    for t in tasks {
        n += t.await.unwrap();
    }
    n as f64 / started.elapsed().as_secs_f64()
}

/// `openssl speed` ecdsap256 verifications per second on `cores` processes.
fn openssl_verify_rate(cores: usize) -> f64 {
    let out = std::process::Command::new("openssl")
        .args([
            "speed",
            "-seconds",
            "3",
            "-multi",
            &cores.to_string(),
            "ecdsap256",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text.lines().rfind(|l| l.contains("nistp256")).unwrap();
    line.split_whitespace().last().unwrap().parse().unwrap()
}

#[tokio::main]
async fn main() {
    let seconds = arg("--seconds", 15);
    let rounds = arg("--rounds", 5) as usize;
    let clients = arg("--clients", 16) as usize;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let bench = common::start("cloudseal_bench_signing", |_| {}).await;
    cloudseal::registration::catalogue::seed_demo(&bench.db, &cloudseal::clock::SystemClock)
        .await
        .unwrap();
    let list = "PASSP_SERIES,PASSP_NUMBER\n0101,000001\n";
    cloudseal::cli_registry::import(&bench.db, &mut list.as_bytes(), "bench list")
        .await
        .unwrap();
    let point = bench
        .identity
        .create_point_of_issue(
            "Bench point",
            "Cyprus",
            "1 Main St",
            cloudseal::audit::AuditEvent::system("point_of_issue.create"),
        )
        .await
        .unwrap()
        .id;
    let (_, admin_email, admin_phone) = bench.member(99, Role::Admin, None).await;
    let admin = bench.login(&admin_email, &admin_phone).await;
    let mut holders = Vec::new();
    for i in 0..clients {
        holders.push(Arc::new(holder(&bench, &admin, point, i as u64).await));
    }
    let bench = Arc::new(bench);
    println!(
        "{clients} clients, {seconds} s per phase, {cores} cores shared by clients and server; \
         PIN seal argon2id {} KiB t={}",
        bench.config.signing.pin_kdf_memory_kib, bench.config.signing.pin_kdf_iterations
    );

    let phases = text_arg("--only", "single,batches,verify,sendings");
    let format = text_arg("--format", "cms");
    if phases.contains("single") {
        single(&bench, &holders, seconds).await;
    }
    if phases.contains("batches") || phases.contains("verify") {
        let pairs = batches(&bench, &holders, rounds, seconds, &format).await;
        if phases.contains("verify") && format == "cms" {
            verification(&bench, &holders, pairs, seconds, cores).await;
        }
    }
    if phases.contains("sendings") {
        sendings(&bench, &holders, seconds).await;
    }
}

/// Every client sends its signed 1 MiB document to the next three holders, over and over.
async fn sendings(bench: &Arc<Bench>, holders: &[Arc<Holder>], seconds: u64) {
    let mib: Vec<u8> = (0..1024 * 1024u32).map(|i| (i % 251) as u8).collect();
    let mut prepared = Vec::new();
    for (c, h) in holders.iter().enumerate() {
        let mut body = mib.clone();
        body[..8].copy_from_slice(&(c as u64).to_be_bytes());
        let hash = B64.encode(Sha256::digest(&body));
        let r = bench
            .http
            .post(format!("{}/api/v1/documents?name=bench.bin", bench.base))
            .bearer_auth(&h.token)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
        let document: Value = r.json().await.unwrap();
        let sad = authorise(bench, h, std::slice::from_ref(&hash)).await;
        let signature = sign(bench, h, &sad, &[hash], "cms").await.remove(0);
        let to: Vec<String> = (1..=3)
            .map(|k| holders[(c + k) % holders.len()].email.clone())
            .collect();
        prepared.push(json!({
            "subject": format!("Bench sending of client {c}"),
            "recipients": to,
            "attachments": [{"document_id": document["id"], "signature": signature}],
        }));
    }
    let started = Instant::now();
    let deadline = started + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for (h, request) in holders.iter().zip(prepared) {
        let (bench, h) = (Arc::clone(bench), h.clone());
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            while Instant::now() < deadline {
                let t = Instant::now();
                post(&bench, &h.token, "/api/v1/sendings", request.clone()).await;
                lat.push(t.elapsed());
            }
            lat
        }));
    }
    let (n, rate, p50, p99) = gather(tasks, started).await;
    println!(
        "sendings: 1 MiB signed attachment, 3 recipients, verified, over HTTP: {rate:.1}/s; \
         p50 {p50:.0} ms, p99 {p99:.0} ms ({n} sendings, {} emails queued)",
        n * 3
    );
}

/// Confirm, authorise and sign one hash per round trip, beside raw unseal + sign.
async fn single(bench: &Arc<Bench>, holders: &[Arc<Holder>], seconds: u64) {
    let clients = holders.len();
    let kdf = bench.config.signing.pin_kdf();
    let sealed: Arc<Vec<Vec<u8>>> = {
        let mut v = Vec::new();
        for _ in 0..clients {
            let blob = bench
                .vault
                .run(move |s| {
                    let binding = KeyBinding {
                        key_id: uuid::Uuid::nil(),
                        owner: "bench",
                    };
                    Ok(
                        s.generate_sealed(KeyAlgorithm::EcdsaP256, &binding, PIN, kdf)?
                            .blob,
                    )
                })
                .await
                .unwrap();
            v.push(blob);
        }
        Arc::new(v)
    };
    let raw_unseal = raw_rate(bench, clients, seconds, 1, move |s, c| {
        let binding = KeyBinding {
            key_id: uuid::Uuid::nil(),
            owner: "bench",
        };
        let key = s
            .unseal(KeyAlgorithm::EcdsaP256, &binding, PIN, kdf, &sealed[c])
            .unwrap();
        let scheme = KeyAlgorithm::EcdsaP256.default_scheme();
        s.sign_with(&key, scheme, &[7u8; 32]).unwrap();
        s.destroy(key).unwrap();
    })
    .await;
    println!("raw unseal + sign + destroy ({clients} tasks on the vault): {raw_unseal:.1}/s");

    let started = Instant::now();
    let mut tasks = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(seconds);
    for (c, h) in holders.iter().enumerate() {
        let (bench, h) = (Arc::clone(bench), h.clone());
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            let mut k = 0;
            while Instant::now() < deadline {
                let (_, hash) = document(c, k, 0);
                k += 1;
                let t = Instant::now();
                let sad = authorise(&bench, &h, std::slice::from_ref(&hash)).await;
                sign(&bench, &h, &sad, &[hash], "cms").await;
                lat.push(t.elapsed());
            }
            lat
        }));
    }
    let (n, rate, p50, p99) = gather(tasks, started).await;
    println!(
        "single: confirm + authorise + sign one hash over HTTP: {rate:.1}/s = {:.0} % of raw; \
         p50 {p50:.0} ms, p99 {p99:.0} ms ({} signatures)",
        100.0 * rate / raw_unseal,
        n
    );
}

/// Batches of [`BATCH`] under one authorisation each, all clients signing at once, beside the
/// raw stored-key sign rate; some (document, signature) pairs for the verification phase.
async fn batches(
    bench: &Arc<Bench>,
    holders: &[Arc<Holder>],
    rounds: usize,
    seconds: u64,
    format: &str,
) -> Vec<(Vec<u8>, String)> {
    let clients = holders.len();
    let raw_stored = raw_rate(bench, clients, seconds, 50, |s, _| {
        let signer = cloudseal::vault::signer::HsmP256Signer::service(s, ServiceKey::Seal).unwrap();
        for _ in 0..50 {
            let _: p256::ecdsa::DerSignature = signature::Signer::try_sign(&signer, b"m").unwrap();
        }
    })
    .await;
    println!(
        "raw P-256 sign with a stored token key ({clients} tasks on the vault): {raw_stored:.0}/s"
    );

    let barrier = Arc::new(tokio::sync::Barrier::new(clients));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for (c, h) in holders.iter().enumerate() {
        let (bench, h, barrier) = (Arc::clone(bench), h.clone(), barrier.clone());
        let format = format.to_owned();
        tasks.push(tokio::spawn(async move {
            let (mut lat, mut pairs) = (Vec::new(), Vec::new());
            for k in 0..rounds {
                let docs: Vec<_> = (0..BATCH).map(|i| document(c, k, i)).collect();
                let hashes: Vec<String> = docs.iter().map(|d| d.1.clone()).collect();
                let sad = authorise(&bench, &h, &hashes).await;
                barrier.wait().await;
                let t = Instant::now();
                let signatures = sign(&bench, &h, &sad, &hashes, &format).await;
                lat.push(t.elapsed());
                barrier.wait().await;
                pairs.extend(docs.into_iter().map(|d| d.0).zip(signatures).take(4));
            }
            (lat, pairs)
        }));
    }
    let (mut lat, mut pairs) = (Vec::new(), Vec::new());
    let mut per_round = vec![Duration::ZERO; rounds];
    for t in tasks {
        let (l, p) = t.await.unwrap();
        for (r, d) in l.iter().enumerate() {
            per_round[r] = per_round[r].max(*d);
        }
        lat.extend(l);
        pairs.extend(p);
    }
    let total = lat.len() * BATCH;
    let wall = started.elapsed().as_secs_f64();
    let sign_wall: f64 = per_round.iter().map(Duration::as_secs_f64).sum();
    let signing_rate = total as f64 / sign_wall;
    let (p50, p99) = percentiles(&mut lat);
    println!(
        "batches of {BATCH} ({format}): {rounds} rounds of {clients} batches; signing requests alone \
         {signing_rate:.0} signatures/s = {:.0} % of raw; with each batch's confirm + authorise \
         {:.0} signatures/s; one batch request p50 {p50:.0} ms, p99 {p99:.0} ms",
        100.0 * signing_rate / raw_stored,
        total as f64 / wall
    );

    pairs
}

/// Verifications over HTTP, beside openssl's P-256 verify rate on all cores.
async fn verification(
    bench: &Arc<Bench>,
    holders: &[Arc<Holder>],
    pairs: Vec<(Vec<u8>, String)>,
    seconds: u64,
    cores: usize,
) {
    let clients = holders.len();
    let pairs = Arc::new(pairs);
    let started = Instant::now();
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for (c, h) in holders.iter().enumerate() {
        let (bench, h, pairs) = (Arc::clone(bench), h.clone(), pairs.clone());
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            let mut k = c;
            while Instant::now() < deadline {
                let (doc, sig) = &pairs[k % pairs.len()];
                k += clients;
                let form = reqwest::multipart::Form::new()
                    .part(
                        "signature",
                        reqwest::multipart::Part::text(sig.clone()).file_name("s.p7s"),
                    )
                    .part(
                        "document",
                        reqwest::multipart::Part::bytes(doc.clone()).file_name("d.txt"),
                    );
                let t = Instant::now();
                let r = bench
                    .http
                    .post(format!("{}/api/v1/verify", bench.base))
                    .bearer_auth(&h.token)
                    .multipart(form)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status(), 200);
                let v: Value = r.json().await.unwrap();
                assert_eq!(v["protocol"]["report"]["verdict"], "passed", "{v}");
                lat.push(t.elapsed());
            }
            lat
        }));
    }
    let (n, rate, p50, p99) = gather(tasks, started).await;
    let openssl = openssl_verify_rate(cores);
    println!(
        "verification over HTTP (full report, chain and revocation): {rate:.0}/s; p50 {p50:.0} ms, \
         p99 {p99:.0} ms ({n} verifications); openssl ecdsap256 verify on {cores} cores: {openssl:.0}/s \
         (ours = {:.1} % of it)",
        100.0 * rate / openssl
    );
}
