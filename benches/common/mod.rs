//! What the HTTP benchmarks share: options, a fresh database with a running `Application` on
//! it (configured as `make bench` sets up), people to act as, and their login.
#![allow(dead_code)]

use cloudseal::audit::AuditEvent;
use cloudseal::config::Secret;
use cloudseal::identity::Role;
use cloudseal::identity::staff::NewMember;
use cloudseal::identity::values::{Email, Language, NamePart, NewPassword, Phone};
use serde_json::{Value, json};

/// The password of every benchmark account.
pub const PASSWORD: &str = "bench password 2026";

/// The value of `--name N` on the command line, or `default`.
pub fn arg(name: &str, default: u64) -> u64 {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The value of `--name TEXT` on the command line, or `default`.
pub fn text_arg(name: &str, default: &str) -> String {
    std::env::args()
        .skip_while(|a| a != name)
        .nth(1)
        .unwrap_or_else(|| default.to_owned())
}

/// `url` pointing at database `db`.
pub fn with_db(url: &str, db: &str) -> String {
    let cut = url.rfind('/').unwrap();
    format!("{}/{db}", &url[..cut])
}

fn config(admin: &str, db: &str) -> cloudseal::Config {
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
        db,
    ));
    c.database.migrate_url = Some(Secret::new(with_db(admin, db)));
    c.server.bind = "127.0.0.1:0".parse().unwrap();
    c.log.filter = "warn".into();
    c.registries.url = Some(local_registry());
    c.registries.token = Some(Secret::new(REGISTRY_TOKEN.to_owned()));
    c
}

const REGISTRY_TOKEN: &str = "bench-registry-token";

/// The local registry gateway over the demo dataset on its own thread (the state registries
/// cannot be reached from here); its base URL.
fn local_registry() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let data = cloudseal::registries::local::Dataset::demo().unwrap();
            cloudseal::registries::local::serve(listener, data, Some(REGISTRY_TOKEN.to_owned()))
                .unwrap()
                .await
                .unwrap();
        });
    });
    url
}

/// A running server on a fresh database `db`.
pub struct Bench {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// Its configuration.
    pub config: cloudseal::Config,
    /// Its identity service.
    pub identity: cloudseal::identity::Identity,
    /// Owner connection to the database.
    pub owner: tokio_postgres::Client,
    /// HTTP client.
    pub http: reqwest::Client,
    /// The server's database pool (seeding).
    pub db: cloudseal::store::Db,
    /// The server's vault (raw limits measured beside the load).
    pub vault: cloudseal::vault::Vault,
}

/// Drop and create `db`, build and start the app on it; `tweak` adjusts the configuration.
pub async fn start(db: &str, tweak: impl FnOnce(&mut cloudseal::Config)) -> Bench {
    let admin = std::env::var("CLOUDSEAL_TEST_ADMIN_URL").expect("run with `make bench`");
    let (root, conn) = tokio_postgres::connect(&admin, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    root.batch_execute(&format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"))
        .await
        .unwrap();
    root.batch_execute(&format!("CREATE DATABASE {db}"))
        .await
        .unwrap();
    let mut cfg = config(&admin, db);
    tweak(&mut cfg);
    let app = cloudseal::Application::build(cfg.clone()).await.unwrap();
    let base = format!("http://127.0.0.1:{}", app.port());
    let identity = app.identity().clone();
    let pool = app.db().clone();
    let vault = app.vault().clone();
    tokio::spawn(app.run_until_stopped());
    let (owner, conn) = tokio_postgres::connect(&with_db(&admin, db), tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    Bench {
        base,
        config: cfg,
        identity,
        owner,
        http: reqwest::Client::new(),
        db: pool,
        vault,
    }
}

impl Bench {
    /// A subscriber account `i`: (email, phone).
    pub async fn person(&self, i: u64) -> (String, String) {
        let (_, email, phone) = self.member(i, Role::Subscriber, None).await;
        (email, phone)
    }

    /// An account `i` with `role`, at `point` of issue for staff: (id, email, phone).
    pub async fn member(
        &self,
        i: u64,
        role: Role,
        point: Option<uuid::Uuid>,
    ) -> (uuid::Uuid, String, String) {
        let email = format!("bench{i}@bench.test");
        let phone = format!("+1555000{i:04}");
        let e = Email::parse(&email).unwrap();
        let id = self
            .identity
            .create_member(
                NewMember {
                    role,
                    surname: NamePart::parse("Bench", &cloudseal::said!("surname", "фамилия"))
                        .unwrap(),
                    given_name: NamePart::parse("Mark", &cloudseal::said!("given name", "имя"))
                        .unwrap(),
                    patronymic: None,
                    email: e.clone(),
                    phone: Phone::parse(&phone).unwrap(),
                    language: Language::En,
                    point_of_issue: point,
                    partner: None,
                },
                Some(NewPassword::parse(PASSWORD, &e).unwrap()),
                AuditEvent::system("account.create_member"),
            )
            .await
            .unwrap();
        (id.0, email, phone)
    }

    /// The newest SMS code sent to `phone`.
    pub async fn code_for(&self, phone: &str) -> String {
        code_in(&self.owner, phone).await
    }

    /// Log in with password and SMS code; the access token.
    pub async fn login(&self, email: &str, phone: &str) -> String {
        login(&self.http, &self.owner, &self.base, email, phone).await
    }
}

/// The newest SMS code sent to `phone`, read with `owner`.
pub async fn code_in(owner: &tokio_postgres::Client, phone: &str) -> String {
    let body: String = owner
        .query_one(
            "SELECT body FROM notifications WHERE recipient = $1 ORDER BY seq DESC LIMIT 1",
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

/// A two-factor login over HTTP; the access token.
pub async fn login(
    http: &reqwest::Client,
    owner: &tokio_postgres::Client,
    base: &str,
    email: &str,
    phone: &str,
) -> String {
    let r: Value = http
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"login": email, "password": PASSWORD}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let code = code_in(owner, phone).await;
    let r = http
        .post(format!("{base}/api/v1/auth/login/verify"))
        .json(&json!({"challenge": r["challenge"], "code": code}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    v["access_token"].as_str().unwrap_or_default().to_owned()
}
