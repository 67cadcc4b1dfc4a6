//! Login throughput with two factors, through HTTP against a running `Application` with the
//! production password cost: each login is POST /api/v1/auth/login (argon2id check), reading the
//! SMS code the outbox queued, and POST /api/v1/auth/login/verify (session, refresh token, ES256
//! access token signed in the HSM). Also the cost of one password hash alone.
//!
//! Run with `make bench`; options: `--seconds S --clients C --accounts N`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use cloudseal::identity::values::{Email, NewPassword};
use common::{PASSWORD, arg};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

#[tokio::main]
async fn main() {
    let seconds = arg("--seconds", 10);
    let clients = arg("--clients", 4);
    let accounts = arg("--accounts", 16);
    let bench = common::start("cloudseal_bench_login", |_| {}).await;

    let hash_start = Instant::now();
    let n_hash = 10;
    let e = Email::parse("cost@bench.test").unwrap();
    for _ in 0..n_hash {
        bench
            .identity
            .passwords()
            .hash(&NewPassword::parse(PASSWORD, &e).unwrap())
            .await
            .unwrap();
    }
    println!(
        "argon2id m={} KiB t={} p=1: {:.1} ms per hash (mean of {n_hash})",
        bench.config.identity.password_memory_kib,
        bench.config.identity.password_iterations,
        hash_start.elapsed().as_secs_f64() * 1000.0 / f64::from(n_hash)
    );

    let mut people = Vec::new();
    for i in 0..accounts {
        people.push(bench.person(i).await);
    }
    let bench = Arc::new(bench);
    let done = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..clients {
        let (bench, done) = (bench.clone(), done.clone());
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
                bench.login(email, phone).await;
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
