//! Streaming a large document through HTTP into the sealed store and back, against the raw
//! limit of this machine: `openssl dgst -sha256` over the same file. Memory is the growth of
//! this process's resident set, sampled every 20 ms (server and client share the process; the
//! client streams from the file, so the growth is the server's buffers plus the client's).
//!
//! Each store is measured in turn: chunks in PostgreSQL (the default) and in a directory of
//! files (`documents.directory`).
//!
//! Run with `make bench`; options: `--mib N` (default 1024), `--store database|directory|both`
//! (default both).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use futures_util::StreamExt;
use std::io::Write;
use std::time::Instant;

/// Resident set of this process now, in KiB (Linux `VmRSS`).
fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap()
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// CPU time this process has used, in seconds (all threads, user and system).
fn cpu_secs() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap();
    let after_name = &stat[stat.rfind(')').unwrap() + 2..];
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    let ticks: f64 = fields[11].parse::<f64>().unwrap() + fields[12].parse::<f64>().unwrap();
    ticks / 100.0
}

/// Samples the resident set every 20 ms until dropped; the highest seen.
struct Sampler {
    peak: std::sync::Arc<std::sync::atomic::AtomicU64>,
    stop: tokio_util::sync::CancellationToken,
}

impl Sampler {
    fn start() -> Self {
        let peak = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(rss_kib()));
        let stop = tokio_util::sync::CancellationToken::new();
        let (p, s) = (peak.clone(), stop.clone());
        tokio::spawn(async move {
            while !s.is_cancelled() {
                p.fetch_max(rss_kib(), std::sync::atomic::Ordering::Relaxed);
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            }
        });
        Self { peak, stop }
    }

    fn peak(&self) -> u64 {
        self.peak.load(std::sync::atomic::Ordering::Relaxed)
    }
}

impl Drop for Sampler {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

#[tokio::main]
async fn main() {
    let mib = arg_mib();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.bin");
    {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        let mut block = vec![0u8; 1024 * 1024];
        for i in 0..mib {
            for (j, b) in block.iter_mut().enumerate() {
                *b = (i as usize)
                    .wrapping_mul(31)
                    .wrapping_add(j.wrapping_mul(7)) as u8;
            }
            f.write_all(&block).unwrap();
        }
    }
    let bytes = (mib * 1024 * 1024) as f64;
    let t = Instant::now();
    let out = std::process::Command::new("openssl")
        .args(["dgst", "-sha256"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(out.status.success());
    let openssl_rate = bytes / t.elapsed().as_secs_f64();
    println!("document of {mib} MiB:");
    println!("  openssl dgst -sha256: {:.0} MB/s", openssl_rate / 1e6);
    let store = common::text_arg("--store", "both");
    for (name, files) in [("database", false), ("directory", true)] {
        if store == name || store == "both" {
            let files = files.then(|| dir.path().join("documents"));
            measure(name, files, &path, mib, openssl_rate).await;
        }
    }
}

/// Upload and download the file through a server keeping chunks in `files` (a directory) or,
/// without it, in the database.
async fn measure(
    name: &str,
    files: Option<std::path::PathBuf>,
    path: &std::path::Path,
    mib: u64,
    openssl_rate: f64,
) {
    let bench = common::start(&format!("cloudseal_bench_documents_{name}"), |c| {
        c.documents.max_bytes = std::num::NonZeroU64::new((mib + 1) * 1024 * 1024).unwrap();
        c.documents.directory = files;
    })
    .await;
    let (email, phone) = bench.person(0).await;
    let token = bench.login(&email, &phone).await;
    let bytes = (mib * 1024 * 1024) as f64;
    let idle = rss_kib();
    let sampler = Sampler::start();
    let file = tokio::fs::File::open(path).await.unwrap();
    let body = reqwest::Body::wrap_stream(tokio_util::io::ReaderStream::with_capacity(
        file,
        256 * 1024,
    ));
    let t = Instant::now();
    let cpu = cpu_secs();
    let r = bench
        .http
        .post(format!("{}/api/v1/documents?name=big.bin", bench.base))
        .bearer_auth(&token)
        .header("content-length", (mib * 1024 * 1024).to_string())
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let upload = t.elapsed().as_secs_f64();
    let upload_cpu = cpu_secs() - cpu;
    let doc: serde_json::Value = r.json().await.unwrap();
    let after_upload = sampler.peak();

    let t = Instant::now();
    let mut stream = bench
        .http
        .get(format!(
            "{}/api/v1/documents/{}/content",
            bench.base,
            doc["id"].as_str().unwrap()
        ))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .bytes_stream();
    let mut got = 0u64;
    while let Some(piece) = stream.next().await {
        got += piece.unwrap().len() as u64;
    }
    assert_eq!(got, mib * 1024 * 1024);
    let download = t.elapsed().as_secs_f64();
    let peak = sampler.peak();

    let rate = |secs: f64| bytes / secs / 1e6;
    println!("  chunks in the {name}:");
    println!(
        "    upload (hash + seal + store): {:.1} s = {:.0} MB/s = {:.0}% of openssl sha256",
        upload,
        rate(upload),
        100.0 * (bytes / upload) / openssl_rate
    );
    println!(
        "      CPU time of the process (server and client) meanwhile: {upload_cpu:.1} s on {} cores",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    println!(
        "    download (read + open + check): {:.1} s = {:.0} MB/s",
        download,
        rate(download)
    );
    println!(
        "    resident set of the process: idle {} MiB; highest during upload +{} MiB, during download +{} MiB",
        idle / 1024,
        (after_upload.saturating_sub(idle)) / 1024,
        (peak.saturating_sub(idle)) / 1024
    );
}

fn arg_mib() -> u64 {
    common::arg("--mib", 1024)
}
