//! `cloudseal admin …`: account administration from the command line, for the first admin of
//! an installation (before anyone can log in to the admin API) and for scripts.

use crate::app;
use crate::audit::AuditEvent;
use crate::clock::SystemClock;
use crate::config::Config;
use crate::identity::staff::NewMember;
use crate::identity::values::{Email, Language, NamePart, NewPassword, Phone};
use crate::identity::{Identity, Role};
use crate::store::Db;
use clap::Subcommand;
use std::sync::Arc;
use uuid::Uuid;

/// `cloudseal admin …`
#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Create a staff member or partner agent. Without --password-stdin a link to choose a
    /// password is emailed (through the outbox).
    CreateUser {
        /// operator, auditor, admin or partner_agent.
        #[arg(long)]
        role: String,
        /// Surname.
        #[arg(long)]
        surname: String,
        /// Given name.
        #[arg(long)]
        given_name: String,
        /// Email.
        #[arg(long)]
        email: String,
        /// Phone in international form (SMS second factor).
        #[arg(long)]
        phone: String,
        /// en or ru.
        #[arg(long, default_value = "en")]
        language: String,
        /// Operators: the point of issue's id.
        #[arg(long)]
        point_of_issue: Option<Uuid>,
        /// Partner agents: the partner's id.
        #[arg(long)]
        partner: Option<Uuid>,
        /// Read the password from standard input (one line) instead of emailing a link.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Create the demo accounts where absent (admin, operator, auditor, subscriber; one
    /// password) and print their logins. For `make run` only.
    SeedDemo,
    /// Register a point of issue; prints its id.
    CreatePointOfIssue {
        /// Name.
        #[arg(long)]
        name: String,
        /// Region.
        #[arg(long)]
        region: String,
        /// Address.
        #[arg(long, default_value = "")]
        address: String,
    },
}

fn invalid(e: impl std::fmt::Display) -> super::cli::Exit {
    super::cli::Exit {
        code: 2,
        message: e.to_string(),
    }
}

fn failed(e: impl std::fmt::Display) -> super::cli::Exit {
    super::cli::Exit {
        code: 1,
        message: e.to_string(),
    }
}

/// Run an admin command.
pub async fn run(command: AdminCommand, config: &Config) -> Result<(), super::cli::Exit> {
    let db = Db::connect(config.database.url.expose(), &config.database)
        .await
        .map_err(failed)?;
    let vault = app::open_vault(&config.hsm).await.map_err(failed)?;
    let identity = Identity::start(db, vault, Arc::new(SystemClock), config)
        .await
        .map_err(failed)?;
    let actor = |action: &str| {
        let mut e = AuditEvent::system(action);
        e.details = serde_json::json!({"via": "cli"});
        e
    };
    match command {
        AdminCommand::CreateUser {
            role,
            surname,
            given_name,
            email,
            phone,
            language,
            point_of_issue,
            partner,
            password_stdin,
        } => {
            let role =
                Role::parse(&role).ok_or_else(|| invalid(format!("unknown role {role:?}")))?;
            let email = Email::parse(&email).map_err(invalid)?;
            let password = if password_stdin {
                let mut line = String::new();
                std::io::stdin().read_line(&mut line).map_err(failed)?;
                let line = line.trim_end_matches(['\r', '\n']);
                Some(NewPassword::parse(line, &email).map_err(invalid)?)
            } else {
                None
            };
            let member = NewMember {
                role,
                surname: NamePart::parse(&surname, &crate::said!("surname", "фамилия"))
                    .map_err(invalid)?,
                given_name: NamePart::parse(&given_name, &crate::said!("given name", "имя"))
                    .map_err(invalid)?,
                patronymic: None,
                phone: Phone::parse(&phone).map_err(invalid)?,
                language: Language::parse(&language)
                    .ok_or_else(|| invalid("language must be en or ru"))?,
                email,
                point_of_issue,
                partner,
            };
            let with_password = password.is_some();
            let id = identity
                .create_member(member, password, actor("account.create_member"))
                .await
                .map_err(|e| match e {
                    crate::identity::IdentityError::Taken(t) => {
                        invalid(format!("already registered: {t:?}"))
                    }
                    crate::identity::IdentityError::Invalid(d) => invalid(d),
                    other => failed(other),
                })?;
            println!("{id}");
            if !with_password {
                eprintln!("a link to choose the password was queued for the user's email");
            }
            Ok(())
        }
        AdminCommand::SeedDemo => seed_demo(&identity, config).await,
        AdminCommand::CreatePointOfIssue {
            name,
            region,
            address,
        } => {
            let p = identity
                .create_point_of_issue(&name, &region, &address, actor("point_of_issue.create"))
                .await
                .map_err(failed)?;
            println!("{}", p.id);
            Ok(())
        }
    }
}

/// The demo accounts: (role, surname, given name, email, phone).
const DEMO: [(Role, &str, &str, &str, &str); 4] = [
    (
        Role::Admin,
        "Admin",
        "Alexandra",
        "admin@demo.cloudseal.test",
        "+10000000001",
    ),
    (
        Role::Operator,
        "Operator",
        "Oleg",
        "operator@demo.cloudseal.test",
        "+10000000002",
    ),
    (
        Role::Auditor,
        "Auditor",
        "Audrey",
        "auditor@demo.cloudseal.test",
        "+10000000003",
    ),
    (
        Role::Subscriber,
        "Subscriber",
        "Sofia",
        "subscriber@demo.cloudseal.test",
        "+10000000004",
    ),
];

/// The demo password (printed by `make run`; the demo is local only).
const DEMO_PASSWORD: &str = "demo-password-2026";

async fn seed_demo(identity: &Identity, config: &Config) -> Result<(), super::cli::Exit> {
    let db = Db::connect(config.database.url.expose(), &config.database)
        .await
        .map_err(failed)?;
    let client = db.client().await.map_err(failed)?;
    let point = match crate::store::partners::point_by_name(&**client, "Demo office")
        .await
        .map_err(failed)?
    {
        Some(id) => id,
        None => {
            let mut e = AuditEvent::system("point_of_issue.create");
            e.details = serde_json::json!({"via": "demo seed"});
            identity
                .create_point_of_issue("Demo office", "Demo region", "", e)
                .await
                .map_err(failed)?
                .id
        }
    };
    crate::registration::catalogue::seed_demo(&db, &SystemClock)
        .await
        .map_err(failed)?;
    if crate::store::passports::last_import(&**client)
        .await
        .map_err(failed)?
        .is_none()
    {
        let demo_list = b"PASSP_SERIES,PASSP_NUMBER\n0000,000000\n";
        crate::cli_registry::import(&db, &mut &demo_list[..], "demo list")
            .await
            .map_err(failed)?;
    }
    println!("Demo logins (password {DEMO_PASSWORD}; SMS codes: cloudseal outbox list):");
    for (role, surname, given, email, phone) in DEMO {
        let exists = crate::store::accounts::by_email(&**client, email)
            .await
            .map_err(failed)?
            .is_some();
        if !exists {
            let e = Email::parse(email).map_err(invalid)?;
            let member = NewMember {
                role,
                surname: NamePart::parse(surname, &crate::said!("surname", "фамилия"))
                    .map_err(invalid)?,
                given_name: NamePart::parse(given, &crate::said!("given name", "имя"))
                    .map_err(invalid)?,
                patronymic: None,
                phone: Phone::parse(phone).map_err(invalid)?,
                language: Language::En,
                point_of_issue: (role == Role::Operator).then_some(point),
                partner: None,
                email: e.clone(),
            };
            let password = NewPassword::parse(DEMO_PASSWORD, &e).map_err(invalid)?;
            let mut event = AuditEvent::system("account.create_member");
            event.details = serde_json::json!({"via": "demo seed"});
            identity
                .create_member(member, Some(password), event)
                .await
                .map_err(failed)?;
        }
        println!("  {:<11} {email}  (phone {phone})", role.as_str());
    }
    Ok(())
}
