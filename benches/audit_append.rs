//! Audit append throughput: entries/s written through `audit::record` (one entry per
//! committed transaction, as an act would) by W concurrent writers in 1 and 2 processes,
//! each process running its own sealer as the server does; then the chain is sealed,
//! checkpointed, exported and verified. A plain INSERT+COMMIT loop on the same cluster gives
//! the ceiling to compare with.
//!
//! Run with `make bench` (it provides the environment); options: `--seconds S --writers W`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use cloudseal::audit::{self, AuditEvent, export, sealer, verify};
use cloudseal::clock::SystemClock;
use cloudseal::config::Secret;
use cloudseal::store::{Db, migrate};
use cloudseal::vault::ServiceKey;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

const DB: &str = "cloudseal_bench";

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

fn app_url(admin: &str) -> String {
    let pw = std::env::var("CLOUDSEAL_TEST_APP_PASSWORD").unwrap();
    let start = admin.find("//").unwrap() + 2;
    let at = admin.find('@').unwrap();
    with_db(
        &format!("{}cloudseal_app:{pw}{}", &admin[..start], &admin[at..]),
        DB,
    )
}

fn config() -> cloudseal::Config {
    let mut c = cloudseal::Config::load(
        std::env::var("CLOUDSEAL_CONFIG")
            .ok()
            .as_deref()
            .map(std::path::Path::new),
        std::env::vars(),
    )
    .expect("run with `make bench`");
    let admin = std::env::var("CLOUDSEAL_TEST_ADMIN_URL").unwrap();
    c.database.url = Secret::new(app_url(&admin));
    c.database.migrate_url = Some(Secret::new(with_db(&admin, DB)));
    c
}

/// Write for `seconds` with `writers` tasks; returns committed transactions.
async fn write(db: &Db, writers: u64, seconds: u64, raw: bool) -> u64 {
    let count = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for w in 0..writers {
        let (db, count) = (db.clone(), count.clone());
        tasks.push(tokio::spawn(async move {
            let mut client = db.client().await.unwrap();
            let mut i = 0u64;
            while Instant::now() < deadline {
                let tx = client.transaction().await.unwrap();
                if raw {
                    tx.execute("INSERT INTO bench_raw (payload) VALUES ($1)", &[&format!("w{w} i{i}")])
                        .await
                        .unwrap();
                } else {
                    let event = AuditEvent::system("bench.append")
                        .on("bench", format!("{w}-{i}"))
                        .with_details(serde_json::json!({"writer": w, "i": i, "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}));
                    audit::record(&tx, &SystemClock, event).await.unwrap();
                }
                tx.commit().await.unwrap();
                i += 1;
                count.fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    count.load(Ordering::Relaxed)
}

async fn child(writers: u64, seconds: u64) {
    let cfg = config();
    let mut dbcfg = cfg.database.clone();
    dbcfg.pool_size = writers as usize + 2;
    let db = Db::connect(cfg.database.url.expose(), &dbcfg)
        .await
        .unwrap();
    let vault = cloudseal::app::open_vault(&cfg.hsm).await.unwrap();
    let shutdown = tokio_util::sync::CancellationToken::new();
    let sealer = tokio::spawn(sealer::run(
        db.clone(),
        vault,
        Arc::new(SystemClock),
        cfg.audit.clone(),
        shutdown.clone(),
    ));
    let n = write(&db, writers, seconds, false).await;
    shutdown.cancel();
    sealer.await.unwrap();
    println!("{n}");
}

fn spawn_children(processes: u64, writers: u64, seconds: u64) -> u64 {
    let exe = std::env::current_exe().unwrap();
    let children: Vec<_> = (0..processes)
        .map(|_| {
            Command::new(&exe)
                .args([
                    "--child",
                    "--writers",
                    &writers.to_string(),
                    "--seconds",
                    &seconds.to_string(),
                ])
                .stdout(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    children
        .into_iter()
        .map(|c| {
            let out = c.wait_with_output().unwrap();
            assert!(out.status.success());
            String::from_utf8(out.stdout)
                .unwrap()
                .trim()
                .parse::<u64>()
                .unwrap()
        })
        .sum()
}

async fn recreate(admin: &tokio_postgres::Client) {
    admin
        .batch_execute(&format!("DROP DATABASE IF EXISTS {DB} WITH (FORCE)"))
        .await
        .unwrap();
    admin
        .batch_execute(&format!("CREATE DATABASE {DB}"))
        .await
        .unwrap();
}

#[tokio::main]
async fn main() {
    let writers = arg("--writers", 16);
    let seconds = arg("--seconds", 10);
    if std::env::args().any(|a| a == "--child") {
        child(writers, seconds).await;
        return;
    }
    let admin_url = std::env::var("CLOUDSEAL_TEST_ADMIN_URL").expect("run with `make bench`");
    let (admin, conn) = tokio_postgres::connect(&admin_url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    let cfg = config();
    let vault = cloudseal::app::open_vault(&cfg.hsm)
        .await
        .expect("HSM (run `make run` once, or `cloudseal hsm init`)");
    let certs: Vec<Vec<u8>> = {
        let mut v = Vec::new();
        for k in [ServiceKey::Seal, ServiceKey::IssuingCa, ServiceKey::RootCa] {
            v.push(
                vault
                    .certificate(k)
                    .await
                    .expect("service certificates: run `cloudseal hsm init`"),
            );
        }
        v
    };
    println!(
        "audit append benchmark: {writers} writers per process, {seconds} s per run, {} cores",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(0)
    );
    for processes in [1u64, 2] {
        recreate(&admin).await;
        migrate::run(cfg.migrate_url().expose()).await.unwrap();
        let started = Instant::now();
        let total = spawn_children(processes, writers, seconds);
        let elapsed = started.elapsed().as_secs_f64().max(seconds as f64);
        let mut dbcfg = cfg.database.clone();
        dbcfg.pool_size = 4;
        let db = Db::connect(cfg.database.url.expose(), &dbcfg)
            .await
            .unwrap();
        let lag = Instant::now();
        sealer::seal_all(&db, 5000, Duration::from_secs(120))
            .await
            .unwrap();
        let lag = lag.elapsed();
        sealer::checkpoint(&db, &vault, &SystemClock).await.unwrap();
        let mut buf = Vec::new();
        export::write(&db, &certs, None, None, chrono::Utc::now(), &mut buf)
            .await
            .unwrap();
        let verified = verify::verify(buf.as_slice(), None).expect("the chain verifies");
        assert_eq!(
            verified.entries, total,
            "every appended entry is in the verified chain"
        );
        println!(
            "  {processes} process(es): {total} entries in {elapsed:.1} s = {:.0} entries/s; chain intact ({} entries verified); unsealed at stop sealed in {:.0} ms",
            total as f64 / seconds as f64,
            verified.entries,
            lag.as_secs_f64() * 1000.0
        );
    }
    // Ceiling: the same transactions with a plain insert and no audit logic.
    recreate(&admin).await;
    let (owner, conn) = tokio_postgres::connect(&with_db(&admin_url, DB), tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    owner
        .batch_execute("CREATE TABLE bench_raw (id bigserial PRIMARY KEY, payload text NOT NULL); GRANT INSERT ON bench_raw TO cloudseal_app; GRANT USAGE ON SEQUENCE bench_raw_id_seq TO cloudseal_app")
        .await
        .unwrap();
    let mut dbcfg = cfg.database.clone();
    dbcfg.pool_size = writers as usize;
    let db = Db::connect(cfg.database.url.expose(), &dbcfg)
        .await
        .unwrap();
    let raw = write(&db, writers, seconds, true).await;
    println!(
        "  ceiling, plain INSERT+COMMIT, 1 process: {:.0} tx/s",
        raw as f64 / seconds as f64
    );
    admin
        .batch_execute(&format!("DROP DATABASE IF EXISTS {DB} WITH (FORCE)"))
        .await
        .unwrap();
}
