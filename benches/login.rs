//! Login throughput with two factors, through HTTP against a running `Application` with the
//! production password cost: each login is POST /api/v1/auth/login (argon2id check), reading the
//! SMS code the outbox queued, and POST /api/v1/auth/login/verify (session, refresh token, ES256
//! access token signed in the HSM). Also the cost of one password hash alone.
//!
//! Run with `make bench`; options: `--seconds S --clients C --accounts N`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use cloudseal::audit::AuditEvent;
use cloudseal::config::Secret;
use cloudseal::identity::Role;
use cloudseal::identity::staff::NewMember;
use cloudseal::identity::values::{Email, Language, NamePart, NewPassword, Phone};
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

const DB: &str = "cloudseal_bench_login";
const PASSWORD: &str = "bench password 2026";

fn arg(name: &str, default: u64) -> u64 {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn with_db(url: &str, db: &str) -> String {
    let cut = url.rfind('/').unwrap();
    format!("{}/{db}", &url[..cut])
}

fn config(admin: &str) -> cloudseal::Config {
    let mut c = cloudseal::Config::load(
        std::env::var("CLOUDSEAL_CONFIG")
            .ok()
            .as_deref()
            .map(std::path::Path::new),
        std::env::vars(),
    )
    .expect("run with `make bench`");
    let pw = std::env::var("CLOUDSEAL_TEST_APP_PASSWORD").unwrap();
    let start = admin.find("//").unwrap() + 2;
    let at = admin.find('@').unwrap();
    c.database.url = Secret::new(with_db(
        &format!("{}cloudseal_app:{pw}{}", &admin[..start], &admin[at..]),
        DB,
    ));
    c.database.migrate_url = Some(Secret::new(with_db(admin, DB)));
    c.server.bind = "127.0.0.1:0".parse().unwrap();
    c.log.filter = "warn".into();
    c
}

async fn code_for(owner: &tokio_postgres::Client, phone: &str) -> String {
    let body: String = owner
        .query_one(
            "SELECT body FROM notifications WHERE recipient = $1 ORDER BY created_at DESC LIMIT 1",
            &[&phone],
        )
        .await
        .unwrap()
        .get(0);
    body.split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 6)
        .unwrap()
        .to_owned()
}

#[tokio::main]
async fn main() {
    let seconds = arg("--seconds", 10);
    let clients = arg("--clients", 4);
    let accounts = arg("--accounts", 16);
    let admin = std::env::var("CLOUDSEAL_TEST_ADMIN_URL").expect("run with `make bench`");
    let (root, conn) = tokio_postgres::connect(&admin, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    root.batch_execute(&format!("DROP DATABASE IF EXISTS {DB} WITH (FORCE)"))
        .await
        .unwrap();
    root.batch_execute(&format!("CREATE DATABASE {DB}"))
        .await
        .unwrap();
    let cfg = config(&admin);
    let app = cloudseal::Application::build(cfg.clone()).await.unwrap();
    let base = format!("http://127.0.0.1:{}", app.port());
    let identity = app.identity().clone();
    tokio::spawn(app.run_until_stopped());

    let hash_start = Instant::now();
    let n_hash = 10;
    let e = Email::parse("cost@bench.test").unwrap();
    for _ in 0..n_hash {
        identity
            .passwords()
            .hash(&NewPassword::parse(PASSWORD, &e).unwrap())
            .await
            .unwrap();
    }
    println!(
        "argon2id m={} KiB t={} p=1: {:.1} ms per hash (mean of {n_hash})",
        cfg.identity.password_memory_kib,
        cfg.identity.password_iterations,
        hash_start.elapsed().as_secs_f64() * 1000.0 / f64::from(n_hash)
    );

    let mut people = Vec::new();
    for i in 0..accounts {
        let email = format!("bench{i}@bench.test");
        let phone = format!("+1555000{i:04}");
        let e = Email::parse(&email).unwrap();
        identity
            .create_member(
                NewMember {
                    role: Role::Subscriber,
                    surname: NamePart::parse("Bench", "surname").unwrap(),
                    given_name: NamePart::parse("Mark", "given name").unwrap(),
                    patronymic: None,
                    email: e.clone(),
                    phone: Phone::parse(&phone).unwrap(),
                    language: Language::En,
                    point_of_issue: None,
                    partner: None,
                },
                Some(NewPassword::parse(PASSWORD, &e).unwrap()),
                AuditEvent::system("account.create_member"),
            )
            .await
            .unwrap();
        people.push((email, phone));
    }
    let (owner, conn) = tokio_postgres::connect(&with_db(&admin, DB), tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    let owner = Arc::new(owner);
    let http = reqwest::Client::new();
    let done = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..clients {
        let (http, owner, done, base) = (http.clone(), owner.clone(), done.clone(), base.clone());
        let mine: Vec<(String, String)> = people
            .iter()
            .enumerate()
            .filter(|(i, _)| *i as u64 % clients == c)
            .map(|(_, p)| p.clone())
            .collect();
        tasks.push(tokio::spawn(async move {
            let mut k = 0usize;
            while Instant::now() < deadline {
                let (email, phone) = &mine[k % mine.len()];
                k += 1;
                let r: Value = http
                    .post(format!("{base}/api/v1/auth/login"))
                    .json(&json!({"login": email, "password": PASSWORD}))
                    .send()
                    .await
                    .unwrap()
                    .json()
                    .await
                    .unwrap();
                let code = code_for(&owner, phone).await;
                let r = http
                    .post(format!("{base}/api/v1/auth/login/verify"))
                    .json(&json!({"challenge": r["challenge"], "code": code}))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status(), 200);
                done.fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let n = done.load(Ordering::Relaxed);
    let secs = started.elapsed().as_secs_f64();
    println!(
        "logins with two factors: {n} in {secs:.1} s = {:.1} logins/s ({clients} clients, {accounts} accounts)",
        n as f64 / secs
    );
}
