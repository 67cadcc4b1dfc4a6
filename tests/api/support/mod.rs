//! Test harness: one migrated template database and one initialised SoftHSM token per run;
//! each test gets the app on port 0 with a fresh database cloned from the template.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, dead_code)]

pub mod accounts;
pub mod agents;
pub mod browser;
pub mod documents;
pub mod e2e;
pub mod exchange;
pub mod http_sink;
pub mod pdf;
pub mod pki;
pub mod registration;
pub mod smtp;

use cloudseal::store::Db;
use cloudseal::vault::Vault;
use cloudseal::{Application, Config};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use tokio_postgres::NoTls;

/// What `make test` provides through the environment.
pub struct Env {
    /// Superuser/owner URL of the `postgres` database.
    pub admin_url: String,
    /// Password of the `cloudseal_app` role.
    pub app_password: String,
    /// PKCS#11 module.
    pub hsm_module: PathBuf,
    /// Token with the service keys.
    pub hsm_token: String,
    /// A second token for destructive tests (wrong PIN); it never gets service keys.
    pub hsm_scratch_token: Option<String>,
    /// A third token that a test logs out under the server (fault injection).
    pub hsm_fault_token: Option<String>,
    /// A fourth token whose access-token key a test rotates.
    pub hsm_rotate_token: Option<String>,
    /// File holding the user PIN.
    pub hsm_pin_file: PathBuf,
    /// Name of the migrated template database.
    pub template: String,
}

static ENV: OnceLock<Env> = OnceLock::new();

fn var(name: &str) -> String {
    std::env::var(name)
        .unwrap_or_else(|_| panic!("{name} is not set: run the suite with `make test`"))
}

/// Replace the database name (the last path segment) of a URL.
pub fn with_db(url: &str, db: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let cut = base.rfind('/').expect("URL has a path");
    format!("{}/{db}{query}", &base[..cut])
}

/// Replace the user and password of a URL.
pub fn with_user(url: &str, user: &str, password: &str) -> String {
    let start = url.find("//").expect("URL has an authority") + 2;
    let at = url[start..].find('@').map(|i| start + i).unwrap_or(start);
    let rest = if at == start {
        &url[start..]
    } else {
        &url[at + 1..]
    };
    format!("{}{user}:{password}@{rest}", &url[..start])
}

pub async fn admin_client(url: &str) -> tokio_postgres::Client {
    let (client, conn) = tokio_postgres::connect(url, NoTls)
        .await
        .expect("admin connection");
    tokio::spawn(async move {
        let _ = conn.await;
    });
    client
}

/// The run-wide environment, initialised once on a thread of its own (each test has its own
/// runtime, and connections must not outlive the runtime that made them).
pub fn env() -> &'static Env {
    ENV.get_or_init(|| {
        std::thread::spawn(init)
            .join()
            .expect("test environment set-up")
    })
}

fn init() -> Env {
    let admin_url = var("CLOUDSEAL_TEST_ADMIN_URL");
    let env = Env {
        app_password: var("CLOUDSEAL_TEST_APP_PASSWORD"),
        hsm_module: var("CLOUDSEAL_TEST_HSM_MODULE").into(),
        hsm_token: var("CLOUDSEAL_TEST_HSM_TOKEN"),
        hsm_scratch_token: std::env::var("CLOUDSEAL_TEST_HSM_SCRATCH_TOKEN").ok(),
        hsm_fault_token: std::env::var("CLOUDSEAL_TEST_HSM_FAULT_TOKEN").ok(),
        hsm_rotate_token: std::env::var("CLOUDSEAL_TEST_HSM_ROTATE_TOKEN").ok(),
        hsm_pin_file: var("CLOUDSEAL_TEST_HSM_PIN_FILE").into(),
        template: format!("cs_tpl_{}", cloudseal::store::migrate::fingerprint()),
        admin_url,
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let admin = admin_client(&env.admin_url).await;
        admin
            .execute("SELECT pg_advisory_lock(99120)", &[])
            .await
            .unwrap();
        // Databases of earlier runs.
        for row in admin
            .query(
                "SELECT datname FROM pg_database WHERE datname LIKE 'cs\\_test\\_%'",
                &[],
            )
            .await
            .unwrap()
        {
            let name: String = row.get(0);
            let _ = admin
                .execute(
                    &format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"),
                    &[],
                )
                .await;
        }
        let exists: i64 = admin
            .query_one(
                "SELECT count(*) FROM pg_database WHERE datname = $1",
                &[&env.template],
            )
            .await
            .unwrap()
            .get(0);
        if exists == 0 {
            admin
                .execute(&format!("CREATE DATABASE \"{}\"", env.template), &[])
                .await
                .unwrap();
            cloudseal::store::migrate::run(&with_db(&env.admin_url, &env.template))
                .await
                .expect("migrating the template");
        }
        admin
            .execute("SELECT pg_advisory_unlock(99120)", &[])
            .await
            .unwrap();
        let cfg = hsm_config(&env, &env.hsm_token);
        let vault = Vault::open(&cfg).expect("test token opens");
        let ca = cloudseal::config::CaConfig::default();
        let urls = test_urls();
        vault
            .run_blocking(|s| cloudseal::vault::provision::init(s, &ca, &urls))
            .expect("hsm init on the test token");
    });
    env
}

/// The PKI URLs of the shared test token's certificates (the default public URL).
/// Sign under a SAD in a transaction of its own, committed and settled, as the services do.
pub async fn custody_sign(
    db: &Db,
    custody: &cloudseal::signing::Custody,
    h: &cloudseal::signing::KeyHolder,
    sad: &cloudseal::signing::Sad,
    items: Vec<cloudseal::signing::SignItem>,
) -> Result<Vec<Vec<u8>>, cloudseal::signing::SigningError> {
    let mut client = db.client().await.expect("a connection");
    let tx = client.transaction().await.expect("a transaction");
    let (signatures, spent) = custody.sign(&tx, h, sad, items).await?;
    tx.commit().await.expect("commit");
    custody.settle(spent).await;
    Ok(signatures)
}

pub fn test_urls() -> cloudseal::pki::urls::PkiUrls {
    cloudseal::pki::urls::PkiUrls::new(&cloudseal::config::ServerConfig::default().public_url)
}

pub fn hsm_config(env: &Env, token: &str) -> cloudseal::config::HsmConfig {
    cloudseal::config::HsmConfig {
        module: env.hsm_module.clone(),
        token_label: token.to_owned(),
        pin: cloudseal::config::Secret::new(
            std::fs::read_to_string(&env.hsm_pin_file)
                .unwrap()
                .trim()
                .to_owned(),
        ),
        sessions: 4,
    }
}

/// A fresh database cloned from the template; returns its name.
pub async fn fresh_database() -> String {
    let env = env();
    let name = format!("cs_test_{}", uuid::Uuid::new_v4().simple());
    let admin = admin_client(&env.admin_url).await;
    admin
        .execute(
            &format!("CREATE DATABASE \"{name}\" TEMPLATE \"{}\"", env.template),
            &[],
        )
        .await
        .expect("create test database");
    name
}

/// TOML for an app on port 0 against `db`.
pub fn config_toml(db: &str) -> String {
    let env = env();
    let app_url = with_db(
        &with_user(&env.admin_url, "cloudseal_app", &env.app_password),
        db,
    );
    let owner_url = with_db(&env.admin_url, db);
    format!(
        r#"
[server]
bind = "127.0.0.1:0"
workers = 1
shutdown_timeout_secs = 2

[log]
filter = "warn"

[database]
url = "{app_url}"
migrate_url = "{owner_url}"
pool_size = 4
connect_attempts = 2
connect_backoff_ms = 50
pool_wait_ms = 2000

[hsm]
module = "{}"
token_label = "{}"
pin_file = "{}"
sessions = 4

[audit]
seal_interval_ms = 50
checkpoint_interval_secs = 3600

[identity]
password_memory_kib = 8192
password_iterations = 1

[notify]
poll_interval_ms = 25
backoff_base_ms = 30
backoff_max_secs = 1

[registries]
url = "{}"
token = "{LOCAL_REGISTRY_TOKEN}"
"#,
        env.hsm_module.display(),
        env.hsm_token,
        env.hsm_pin_file.display(),
        local_registry(),
    )
}

/// The bearer token of the local registry gateway the tests use.
pub const LOCAL_REGISTRY_TOKEN: &str = "local-registry-test-token";

/// The local registry gateway over the demo dataset, started once for the whole run on its
/// own thread (each test's runtime ends with the test); its base URL.
pub fn local_registry() -> &'static str {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind the local registry");
        let url = format!("http://{}", listener.local_addr().expect("its address"));
        std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                let data = cloudseal::registries::local::Dataset::demo().expect("demo dataset");
                cloudseal::registries::local::serve(
                    listener,
                    data,
                    Some(LOCAL_REGISTRY_TOKEN.into()),
                )
                .expect("serve the local registry")
                .await
                .expect("the local registry stopped");
            });
        });
        url
    })
}

pub fn config_for(db: &str) -> Config {
    Config::from_toml(&config_toml(db), Path::new("test"), Vec::new()).expect("test config")
}

/// A running app.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`.
    pub address: String,
    /// Its database.
    pub db: Db,
    /// Its vault.
    pub vault: Vault,
    /// Its certificate registry.
    pub registry: cloudseal::certificates::registry::Registry,
    /// Its time-stamping authority.
    pub tsa: cloudseal::certificates::tsa::Authority,
    /// Its key custody.
    pub custody: cloudseal::signing::Custody,
    /// Its accounts and sessions.
    pub identity: cloudseal::identity::Identity,
    /// Its applications and certificates.
    pub registration: cloudseal::registration::Registration,
    /// Its holders' documents.
    pub documents: cloudseal::documents::Documents,
    /// Name of its database.
    pub db_name: String,
    /// Its configuration.
    pub config: Config,
    /// HTTP client.
    pub http: reqwest::Client,
    handle: actix_web::dev::ServerHandle,
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// Owner connection to this test's database (bypasses the runtime role's limits).
    pub async fn owner(&self) -> tokio_postgres::Client {
        admin_client(&with_db(&env().admin_url, &self.db_name)).await
    }

    /// Connection as the runtime role the server uses.
    pub async fn runtime_role(&self) -> tokio_postgres::Client {
        let env = env();
        admin_client(&with_db(
            &with_user(&env.admin_url, "cloudseal_app", &env.app_password),
            &self.db_name,
        ))
        .await
    }

    pub async fn stop(&self) {
        self.handle.stop(true).await;
    }
}

pub use cloudseal::clock::ManualClock;
use cloudseal::clock::SystemClock;
use std::sync::Arc;

pub async fn spawn() -> TestApp {
    spawn_with(|_| {}).await
}

pub async fn spawn_with(tweak: impl FnOnce(&mut Config)) -> TestApp {
    if std::env::var_os("TEST_LOG").is_some() {
        // The server's log on the test's output, for a failing test read by hand.
        let _ = tracing_subscriber::fmt().with_test_writer().try_init();
    }
    let db_name = fresh_database().await;
    spawn_on(&db_name, tweak).await
}

/// An app on an existing test database (a second "process" on the same database).
pub async fn spawn_on(db_name: &str, tweak: impl FnOnce(&mut Config)) -> TestApp {
    spawn_full(db_name, tweak, Arc::new(SystemClock)).await
}

/// An app whose clock the test moves.
pub async fn spawn_with_clock(clock: Arc<ManualClock>) -> TestApp {
    let db_name = fresh_database().await;
    spawn_full(&db_name, |_| {}, clock).await
}

/// An app on a fresh database with its settings tweaked and, when given, a clock the test
/// moves.
pub async fn spawn_with_options(
    clock: Option<Arc<ManualClock>>,
    tweak: impl FnOnce(&mut Config),
) -> TestApp {
    let db_name = fresh_database().await;
    match clock {
        Some(clock) => spawn_full(&db_name, tweak, clock).await,
        None => spawn_full(&db_name, tweak, Arc::new(SystemClock)).await,
    }
}

async fn spawn_full(
    db_name: &str,
    tweak: impl FnOnce(&mut Config),
    clock: cloudseal::clock::SharedClock,
) -> TestApp {
    let mut config = config_for(db_name);
    tweak(&mut config);
    let app = Application::build_with_clock(config.clone(), clock)
        .await
        .expect("application builds");
    let address = format!("http://127.0.0.1:{}", app.port());
    let db = app.db().clone();
    let vault = app.vault().clone();
    let registry = app.registry().clone();
    let tsa = app.tsa().clone();
    let custody = app.custody().clone();
    let identity = app.identity().clone();
    let registration = app.registration().clone();
    let documents = app.documents().clone();
    let handle = app.handle();
    tokio::spawn(app.run_until_stopped());
    TestApp {
        address,
        db,
        vault,
        registry,
        tsa,
        custody,
        identity,
        registration,
        documents,
        db_name: db_name.to_owned(),
        config,
        http: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
        handle,
    }
}

/// The release-independent path of the built binary.
pub fn binary() -> &'static str {
    env!("CARGO_BIN_EXE_cloudseal")
}

/// Run the binary without blocking the test's runtime. An app the test spawned runs on that
/// same current-thread runtime: a blocking wait would freeze it mid-transaction — its audit
/// sealer holding the chain lock that `audit export` then waits for — until the CLI gives up.
pub async fn cli<I, S>(args: I) -> std::process::Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    tokio::process::Command::new(binary())
        .args(args)
        .output()
        .await
        .expect("the cloudseal binary runs")
}

/// Poll `check` every 20 ms until it returns true or `secs` pass.
pub async fn eventually<F, Fut>(secs: u64, mut check: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(secs);
    while std::time::Instant::now() < deadline {
        if check().await {
            return true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    false
}

/// The server binary serving a test database, logging JSON at `info`.
pub struct Served {
    /// The process (killed when dropped).
    pub child: tokio::process::Child,
    /// Its log, line by line, from after the "serving" line.
    pub lines: tokio::io::Lines<tokio::io::BufReader<tokio::process::ChildStdout>>,
    /// The lines read so far.
    pub log: Vec<String>,
    /// The port it serves on.
    pub port: u64,
}

/// Start the built binary on `db_name` with its config written under `dir`; returns once it
/// serves.
pub async fn serve_binary(db_name: &str, dir: &std::path::Path) -> Served {
    use tokio::io::{AsyncBufReadExt, BufReader};
    let file = dir.join("c.toml");
    let toml =
        config_toml(db_name).replace("filter = \"warn\"", "filter = \"info\"\nformat = \"json\"");
    std::fs::write(&file, &toml).unwrap();
    let mut child = tokio::process::Command::new(binary())
        .args(["--config", file.to_str().unwrap(), "serve"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut log = Vec::new();
    let port = loop {
        let line = lines
            .next_line()
            .await
            .unwrap()
            .expect("the server logs its port");
        let v: serde_json::Value = serde_json::from_str(&line).expect("every line is JSON");
        log.push(line);
        if v["fields"]["message"] == "cloudseal serving" {
            break v["fields"]["port"].as_u64().unwrap();
        }
    };
    Served {
        child,
        lines,
        log,
        port,
    }
}
