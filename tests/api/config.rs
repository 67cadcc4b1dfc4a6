use cloudseal::Config;
use cloudseal::config::ConfigError;
use std::path::Path;

const MINIMAL: &str = r#"
[database]
url = "postgres://u:topsecretdbpw@127.0.0.1:1/db"
[hsm]
module = "/usr/lib/softhsm/libsofthsm2.so"
token_label = "t"
pin = "1234-very-secret"
"#;

fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn invalid_key(e: ConfigError) -> String {
    match e {
        ConfigError::Invalid { key, .. } => key,
        other => panic!("expected an invalid key, got {other}"),
    }
}

#[test]
fn an_unknown_key_in_the_file_is_refused_by_name() {
    let text = format!("{MINIMAL}\n[server]\nbindd = \"127.0.0.1:1\"\n");
    let e = Config::from_toml(&text, Path::new("x.toml"), env(&[])).unwrap_err();
    let msg = e.to_string();
    assert!(msg.contains("bindd"), "{msg}");
    assert!(invalid_key(e).contains("server"));
}

#[test]
fn an_unknown_environment_key_is_refused_by_name() {
    let e = Config::from_toml(
        MINIMAL,
        Path::new("x.toml"),
        env(&[("CLOUDSEAL_DATABASE__POOL", "3")]),
    )
    .unwrap_err();
    assert!(e.to_string().contains("pool"), "{e}");
}

#[test]
fn a_wrong_type_names_the_key() {
    let e = Config::from_toml(
        MINIMAL,
        Path::new("x.toml"),
        env(&[("CLOUDSEAL_DATABASE__POOL_SIZE", "many")]),
    )
    .unwrap_err();
    assert_eq!(invalid_key(e), "database.pool_size");
}

#[test]
fn environment_overrides_the_file_with_typed_values() {
    let c = Config::from_toml(
        MINIMAL,
        Path::new("x.toml"),
        env(&[
            ("CLOUDSEAL_DATABASE__POOL_SIZE", "3"),
            ("CLOUDSEAL_SERVER__BIND", "127.0.0.1:9999"),
            ("OTHER", "x"),
        ]),
    )
    .unwrap();
    assert_eq!(c.database.pool_size, 3);
    assert_eq!(c.server.bind.port(), 9999);
}

#[test]
fn secrets_come_from_files_and_never_print() {
    let dir = tempfile::tempdir().unwrap();
    let pin = dir.path().join("pin");
    std::fs::write(&pin, "pin-from-file\n").unwrap();
    let text = MINIMAL.replace("pin = \"1234-very-secret\"", "");
    let c = Config::from_toml(
        &text,
        Path::new("x.toml"),
        env(&[("CLOUDSEAL_HSM__PIN_FILE", pin.to_str().unwrap())]),
    )
    .unwrap();
    assert_eq!(c.hsm.pin.expose(), "pin-from-file");
    let printed = format!("{c:?}");
    assert!(!printed.contains("pin-from-file"));
    assert!(!printed.contains("topsecretdbpw"));
    assert!(printed.contains("[redacted]"));
}

#[test]
fn a_missing_secret_file_names_the_key() {
    let e = Config::from_toml(
        MINIMAL,
        Path::new("x.toml"),
        env(&[("CLOUDSEAL_HSM__PIN_FILE", "/nonexistent/pin")]),
    )
    .unwrap_err();
    assert_eq!(invalid_key(e), "hsm.pin_file");
}

#[test]
fn a_missing_section_is_named() {
    let e = Config::from_toml(
        "[hsm]\nmodule=\"m\"\ntoken_label=\"t\"\npin=\"p\"\n",
        Path::new("x.toml"),
        env(&[]),
    )
    .unwrap_err();
    assert!(e.to_string().contains("database"), "{e}");
}

#[test]
fn the_binary_exits_2_with_one_line_naming_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.toml");
    std::fs::write(&file, format!("{MINIMAL}\n[audit]\nseal_every = 3\n")).unwrap();
    let out = std::process::Command::new(crate::support::binary())
        .args(["--config", file.to_str().unwrap(), "migrate"])
        .env_remove("CLOUDSEAL_CONFIG")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("seal_every"), "{err}");
    assert!(!err.contains("1234-very-secret"));
}

#[test]
fn help_is_available_for_every_command() {
    for args in [
        vec!["--help"],
        vec!["serve", "--help"],
        vec!["migrate", "--help"],
        vec!["hsm", "init", "--help"],
        vec!["hsm", "status", "--help"],
        vec!["audit", "export", "--help"],
        vec!["audit", "verify", "--help"],
        vec!["outbox", "list", "--help"],
    ] {
        let out = std::process::Command::new(crate::support::binary())
            .args(&args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}");
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("Usage"),
            "{args:?}"
        );
    }
}

#[test]
fn a_numeric_pin_from_the_environment_is_kept_exactly_as_typed() {
    let text = MINIMAL.replace("pin = \"1234-very-secret\"", "");
    for pin in ["123456", "004711", "1_000"] {
        let c = Config::from_toml(
            &text,
            Path::new("x.toml"),
            env(&[("CLOUDSEAL_HSM__PIN", pin)]),
        )
        .unwrap();
        assert_eq!(c.hsm.pin.expose(), pin);
    }
}

#[test]
fn a_pin_kdf_argon2_cannot_run_is_refused_at_load() {
    let text = format!("{MINIMAL}\n[signing]\npin_kdf_memory_kib = 4\n");
    let e = Config::from_toml(&text, Path::new("x.toml"), env(&[])).unwrap_err();
    assert_eq!(invalid_key(e), "signing.pin_kdf_memory_kib");
    let text = format!("{MINIMAL}\n[signing]\npin_max_attempts = 0\n");
    let e = Config::from_toml(&text, Path::new("x.toml"), env(&[])).unwrap_err();
    assert!(invalid_key(e).contains("pin_max_attempts"));
    let ok = Config::from_toml(
        &format!("{MINIMAL}\n[signing]\npin_max_attempts = 3\n"),
        Path::new("x.toml"),
        env(&[]),
    )
    .unwrap();
    assert_eq!(ok.signing.pin_max_attempts.get(), 3);
}

#[test]
fn trusted_proxies_come_as_a_list_or_one_string_and_a_bad_entry_names_the_key() {
    let listed = format!("{MINIMAL}\n[server]\ntrusted_proxies = [\"10.0.0.0/8\", \"::1\"]\n");
    let c = Config::from_toml(&listed, Path::new("x.toml"), env(&[])).unwrap();
    assert!(c.server.trusted_proxies.trusts("10.9.8.7".parse().unwrap()));
    assert!(c.server.trusted_proxies.trusts("::1".parse().unwrap()));
    assert!(
        !c.server
            .trusted_proxies
            .trusts("127.0.0.1".parse().unwrap())
    );
    let c = Config::from_toml(
        MINIMAL,
        Path::new("x.toml"),
        env(&[(
            "CLOUDSEAL_SERVER__TRUSTED_PROXIES",
            "127.0.0.1, 192.0.2.0/24",
        )]),
    )
    .unwrap();
    assert!(
        c.server
            .trusted_proxies
            .trusts("192.0.2.77".parse().unwrap())
    );
    assert!(!c.server.trusted_proxies.trusts("10.0.0.1".parse().unwrap()));
    let e = Config::from_toml(
        MINIMAL,
        Path::new("x.toml"),
        env(&[(
            "CLOUDSEAL_SERVER__TRUSTED_PROXIES",
            "127.0.0.1, proxy.local",
        )]),
    )
    .unwrap_err();
    let msg = e.to_string();
    assert!(msg.contains("proxy.local"), "{msg}");
    assert_eq!(invalid_key(e), "server.trusted_proxies");
    assert!(
        !Config::from_toml(MINIMAL, Path::new("x.toml"), env(&[]))
            .unwrap()
            .server
            .trusted_proxies
            .trusts("127.0.0.1".parse().unwrap()),
        "none by default"
    );
}
