//! Access tokens, refresh tokens, sessions and web cookies: every forgery and reuse refused.

use crate::support::accounts::*;
use crate::support::{ManualClock, spawn, spawn_with_clock};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use serde_json::{Value, json};
use std::sync::Arc;

fn parts(token: &str) -> (Value, Value, String) {
    let mut it = token.split('.');
    let header = serde_json::from_slice(&B64.decode(it.next().unwrap()).unwrap()).unwrap();
    let claims = serde_json::from_slice(&B64.decode(it.next().unwrap()).unwrap()).unwrap();
    (header, claims, it.next().unwrap().to_owned())
}

fn encode(header: &Value, claims: &Value) -> String {
    format!(
        "{}.{}",
        B64.encode(serde_json::to_vec(header).unwrap()),
        B64.encode(serde_json::to_vec(claims).unwrap())
    )
}

async fn refused(app: &crate::support::TestApp, token: &str) -> String {
    let r = get_as(app, "/api/v1/me", token).await;
    assert!(r.headers().get("www-authenticate").is_some());
    let (status, slug, _) = problem(r).await;
    assert_eq!(status, 401, "{slug}");
    slug
}

#[tokio::test]
async fn forged_access_tokens_are_refused() {
    let app = spawn().await;
    let s = subscriber(&app).await;
    assert_eq!(get_as(&app, "/api/v1/me", &s.access).await.status(), 200);
    let (header, claims, signature) = parts(&s.access);
    assert_eq!(header["alg"], "ES256");

    let jwks: Value = app
        .http
        .get(app.url("/.well-known/jwks.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        jwks["keys"][0]["kid"], header["kid"],
        "the JWKS publishes the signing key"
    );

    let none = format!(
        "{}.",
        encode(
            &json!({"alg": "none", "typ": "JWT", "kid": header["kid"]}),
            &claims
        )
    );
    assert_eq!(refused(&app, &none).await, "invalid-token", "alg none");

    let mut hs = header.clone();
    hs["alg"] = json!("HS256");
    let hs_token = format!("{}.{signature}", encode(&hs, &claims));
    refused(&app, &hs_token).await;

    let mut tampered = claims.clone();
    tampered["role"] = json!("admin");
    let t = format!("{}.{signature}", encode(&header, &tampered));
    refused(&app, &t).await;

    let mut unknown = header.clone();
    unknown["kid"] = json!("not-our-key");
    refused(&app, &format!("{}.{signature}", encode(&unknown, &claims))).await;

    let other = p256::ecdsa::SigningKey::random(&mut rand::rngs::OsRng);
    let input = encode(&header, &claims);
    let sig: p256::ecdsa::Signature = signature::Signer::sign(&other, input.as_bytes());
    let wrong_key = format!("{input}.{}", B64.encode(sig.to_bytes()));
    refused(&app, &wrong_key).await;

    refused(&app, "not.a.jwt").await;
    let r = app
        .http
        .get(app.url("/api/v1/me"))
        .header("authorization", "Basic abc")
        .send()
        .await
        .unwrap();
    assert_eq!(problem(r).await.1, "unauthenticated");
    let r = app.http.get(app.url("/api/v1/me")).send().await.unwrap();
    assert_eq!(problem(r).await.0, 401);
}

#[tokio::test]
async fn access_tokens_expire_by_the_service_clock() {
    let clock = Arc::new(ManualClock::new(chrono::Utc::now()));
    let app = spawn_with_clock(clock.clone()).await;
    let s = subscriber(&app).await;
    assert_eq!(get_as(&app, "/api/v1/me", &s.access).await.status(), 200);
    clock.advance(chrono::TimeDelta::seconds(601));
    refused(&app, &s.access).await;
    let r = post(
        &app,
        "/api/v1/auth/refresh",
        json!({"refresh_token": s.refresh}),
    )
    .await;
    assert_eq!(
        r.status(),
        200,
        "the refresh token outlives the access token"
    );
    let fresh = tokens(&s.person, r.json().await.unwrap());
    assert_eq!(
        get_as(&app, "/api/v1/me", &fresh.access).await.status(),
        200
    );
}

#[tokio::test]
async fn a_reused_refresh_token_ends_its_whole_session() {
    let app = spawn().await;
    let s = subscriber(&app).await;
    let r = post(
        &app,
        "/api/v1/auth/refresh",
        json!({"refresh_token": s.refresh}),
    )
    .await;
    assert_eq!(r.status(), 200);
    let second = tokens(&s.person, r.json().await.unwrap());
    assert_ne!(second.refresh, s.refresh);
    assert_eq!(second.session_id, s.session_id);

    let (status, slug, _) = problem(
        post(
            &app,
            "/api/v1/auth/refresh",
            json!({"refresh_token": s.refresh}),
        )
        .await,
    )
    .await;
    assert_eq!((status, slug.as_str()), (401, "refresh-token-reused"));
    let (status, slug, _) = problem(
        post(
            &app,
            "/api/v1/auth/refresh",
            json!({"refresh_token": second.refresh}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, slug.as_str()),
        (401, "invalid-refresh-token"),
        "the family is revoked"
    );
    refused(&app, &second.access).await;
    let (status, _, _) = problem(
        post(
            &app,
            "/api/v1/auth/refresh",
            json!({"refresh_token": "made-up"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn logout_ends_the_session_and_others_sessions_are_not_found() {
    let app = spawn().await;
    let anna = subscriber(&app).await;
    let anna_phone = login(&app, &anna.person).await;
    let boris = subscriber(&app).await;

    let list: Value = get_as(&app, "/api/v1/me/sessions", &boris.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        list.as_array().unwrap().len(),
        1,
        "only one's own sessions are listed"
    );
    let r = app
        .http
        .delete(app.url(&format!("/api/v1/me/sessions/{}", anna.session_id)))
        .bearer_auth(&boris.access)
        .send()
        .await
        .unwrap();
    assert_eq!(
        problem(r).await.0,
        404,
        "another person's session is not found"
    );
    assert_eq!(get_as(&app, "/api/v1/me", &anna.access).await.status(), 200);

    let r = app
        .http
        .delete(app.url(&format!("/api/v1/me/sessions/{}", anna_phone.session_id)))
        .bearer_auth(&anna.access)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204, "ending one's other session");
    refused(&app, &anna_phone.access).await;

    let r = post_as(&app, "/api/v1/auth/logout", &anna.access, json!({})).await;
    assert_eq!(r.status(), 204);
    refused(&app, &anna.access).await;
    let (status, _, _) = problem(
        post(
            &app,
            "/api/v1/auth/refresh",
            json!({"refresh_token": anna.refresh}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn a_web_session_needs_its_csrf_token_to_change_anything() {
    let app = spawn().await;
    let person = registered(&app).await;
    let body: Value = password_step(&app, &person.email, PASSWORD)
        .await
        .json()
        .await
        .unwrap();
    let code = last_code(&app, &person.phone).await;
    let r = post(
        &app,
        "/api/v1/auth/login/verify",
        json!({"challenge": body["challenge"], "code": code, "session": "web"}),
    )
    .await;
    assert_eq!(r.status(), 200);
    let set_cookie = r
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    for attr in ["HttpOnly", "SameSite=Strict", "Secure", "Path=/"] {
        assert!(set_cookie.contains(attr), "{attr} in {set_cookie}");
    }
    let cookie = set_cookie.split(';').next().unwrap().to_owned();
    assert!(cookie.starts_with("__Host-cloudseal="));
    let web: Value = r.json().await.unwrap();
    assert!(
        web.get("access_token").is_none(),
        "no bearer token for a web session"
    );
    let csrf = web["csrf_token"].as_str().unwrap();

    let r = app
        .http
        .get(app.url("/api/v1/me"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "reading needs no CSRF token");
    let r = app
        .http
        .post(app.url("/api/v1/auth/logout"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    let (status, slug, _) = problem(r).await;
    assert_eq!((status, slug.as_str()), (403, "forbidden"), "no CSRF token");
    let r = app
        .http
        .post(app.url("/api/v1/auth/logout"))
        .header("cookie", &cookie)
        .header("x-csrf-token", "forged")
        .send()
        .await
        .unwrap();
    assert_eq!(problem(r).await.0, 403, "a wrong CSRF token");
    let r = app
        .http
        .post(app.url("/api/v1/auth/logout"))
        .header("cookie", &cookie)
        .header("x-csrf-token", csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let r = app
        .http
        .get(app.url("/api/v1/me"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(problem(r).await.0, 401, "the cookie is dead after logout");
}

#[tokio::test]
async fn changing_the_password_ends_other_sessions_and_counts_wrong_guesses() {
    let app = spawn().await;
    let s = subscriber(&app).await;
    let other = login(&app, &s.person).await;
    let (status, slug, _) = problem(
        post_as(
            &app,
            "/api/v1/me/password",
            &s.access,
            json!({"current_password": "wrong guess!", "new_password": "a new long password"}),
        )
        .await,
    )
    .await;
    assert_eq!((status, slug.as_str()), (401, "invalid-credentials"));
    let (status, _, _) = problem(
        post_as(
            &app,
            "/api/v1/me/password",
            &s.access,
            json!({"current_password": PASSWORD, "new_password": "short"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 400);
    let r = post_as(
        &app,
        "/api/v1/me/password",
        &s.access,
        json!({"current_password": PASSWORD, "new_password": "a new long password"}),
    )
    .await;
    assert_eq!(r.status(), 204);
    assert_eq!(
        get_as(&app, "/api/v1/me", &s.access).await.status(),
        200,
        "this session lives on"
    );
    refused(&app, &other.access).await;
    assert_eq!(
        problem(password_step(&app, &s.person.email, PASSWORD).await)
            .await
            .0,
        401
    );
    assert_eq!(
        password_step(&app, &s.person.email, "a new long password")
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn rotating_the_access_token_key_logs_nobody_out() {
    use crate::support::{env, hsm_config, spawn_on, test_urls};
    use cloudseal::config::CaConfig;
    let Some(token) = env().hsm_rotate_token.clone() else {
        // A vendor HSM configured by the user: its keys are not ours to rotate.
        return;
    };
    let vault = cloudseal::vault::Vault::open(&hsm_config(env(), &token)).unwrap();
    vault
        .run_blocking(|s| cloudseal::vault::provision::init(s, &CaConfig::default(), &test_urls()))
        .unwrap();
    let on_token = |c: &mut cloudseal::Config| c.hsm.token_label = token.clone();
    let first = crate::support::spawn_with(on_token).await;
    let before = subscriber(&first).await;
    let old_kid = parts(&before.access).0["kid"].clone();

    vault
        .run_blocking(|s| s.rotate_access_token_key(&CaConfig::default(), &test_urls()))
        .unwrap();
    let second = spawn_on(&first.db_name, on_token).await;
    assert_eq!(
        get_as(&second, "/api/v1/me", &before.access).await.status(),
        200,
        "old tokens still verify"
    );
    let jwks: Value = second
        .http
        .get(second.url("/.well-known/jwks.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(jwks["keys"].as_array().unwrap().len(), 2);
    let r = post(
        &second,
        "/api/v1/auth/refresh",
        json!({"refresh_token": before.refresh}),
    )
    .await;
    assert_eq!(r.status(), 200, "the session survives the rotation");
    let after = tokens(&before.person, r.json().await.unwrap());
    assert_ne!(
        parts(&after.access).0["kid"],
        old_kid,
        "new tokens carry the new key"
    );

    vault
        .run_blocking(|s| s.rotate_access_token_key(&CaConfig::default(), &test_urls()))
        .unwrap();
    let third = spawn_on(&first.db_name, on_token).await;
    refused(&third, &before.access).await;
    assert_eq!(
        get_as(&third, "/api/v1/me", &after.access).await.status(),
        200
    );
}
