//! The exchange's address book (issue 7): contacts, counterparties (invite → accept), and
//! the "only from my counterparties" setting — through HTTP, with the refusals.

use crate::support::TestApp;
use crate::support::accounts::{
    Session, contact, get_as, login, member, outbox, post_as, problem, registered_as, subscriber,
};
use crate::support::exchange::{audit_count, ok, send};
use crate::support::spawn;
use serde_json::{Value, json};

async fn invite(app: &TestApp, who: &Session, body: Value) -> reqwest::Response {
    post_as(app, "/api/v1/counterparties", &who.access, body).await
}

#[tokio::test]
async fn contacts_are_kept_changed_listed_and_removed_by_their_owner_only() {
    let app = spawn().await;
    let (a, b) = (subscriber(&app).await, subscriber(&app).await);
    let made = ok(
        post_as(
            &app,
            "/api/v1/contacts",
            &a.access,
            json!({"email": "Boris@Example.ORG", "name": " Борис Петров ", "organisation": "ООО Ромашка"}),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(made["email"], "boris@example.org");
    assert_eq!(made["name"], "Борис Петров");
    assert_eq!(made["organisation"], "ООО Ромашка");
    let id = made["id"].as_str().unwrap();
    ok(
        post_as(
            &app,
            "/api/v1/contacts",
            &a.access,
            json!({"email": "anna@example.org", "name": "Anna"}),
        )
        .await,
        201,
    )
    .await;

    let (status, kind, _) = problem(
        post_as(
            &app,
            "/api/v1/contacts",
            &a.access,
            json!({"email": "BORIS@example.org", "name": "Boris again"}),
        )
        .await,
    )
    .await;
    assert_eq!((status, kind.as_str()), (409, "conflict"));
    let r = post_as(
        &app,
        "/api/v1/contacts",
        &b.access,
        json!({"email": "boris@example.org", "name": "B's own Boris"}),
    )
    .await;
    assert_eq!(r.status(), 201, "another owner's book is another book");

    let list = ok(get_as(&app, "/api/v1/contacts", &a.access).await, 200).await;
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Anna", "Борис Петров"], "by name");
    let page = ok(
        get_as(&app, "/api/v1/contacts?limit=1&offset=1", &a.access).await,
        200,
    )
    .await;
    assert_eq!(page.as_array().unwrap().len(), 1);
    assert_eq!(page[0]["name"], "Борис Петров");

    let path = format!("/api/v1/contacts/{id}");
    let changed = ok(
        send(
            &app,
            reqwest::Method::PUT,
            &path,
            &a,
            Some(json!({"email": "boris@example.org", "name": "Boris P."})),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(changed["name"], "Boris P.");
    assert_eq!(changed["organisation"], Value::Null);
    let (status, _, _) = problem(
        send(
            &app,
            reqwest::Method::PUT,
            &path,
            &a,
            Some(json!({"email": "anna@example.org", "name": "Clash"})),
        )
        .await,
    )
    .await;
    assert_eq!(status, 409, "two contacts with one email");

    for method in [reqwest::Method::GET, reqwest::Method::DELETE] {
        let r = send(&app, method.clone(), &path, &b, None).await;
        assert_eq!(r.status(), 404, "{method} of another's contact");
    }
    let r = send(
        &app,
        reqwest::Method::PUT,
        &path,
        &b,
        Some(json!({"email": "x@example.org", "name": "Hijack"})),
    )
    .await;
    assert_eq!(r.status(), 404);
    let still = ok(get_as(&app, &path, &a.access).await, 200).await;
    assert_eq!(still["name"], "Boris P.", "untouched by the stranger");

    let r = send(&app, reqwest::Method::DELETE, &path, &a, None).await;
    assert_eq!(r.status(), 204);
    assert_eq!(get_as(&app, &path, &a.access).await.status(), 404);
    let r = send(&app, reqwest::Method::DELETE, &path, &a, None).await;
    assert_eq!(r.status(), 404, "gone");
}

#[tokio::test]
async fn bad_contacts_and_ids_are_refused_with_reasons() {
    let app = spawn().await;
    let a = subscriber(&app).await;
    for (body, needle) in [
        (json!({"email": "not-an-email", "name": "X"}), "email"),
        (json!({"email": "x@example.org", "name": "   "}), "name"),
        (
            json!({"email": "x@example.org", "name": "X", "organisation": "o".repeat(201)}),
            "200",
        ),
        (
            json!({"email": "x@example.org", "name": "X\u{0007}"}),
            "control",
        ),
        (
            json!({"email": "x@example.org", "name": "X", "phone": "1"}),
            "phone",
        ),
        (json!({"name": "X"}), "email"),
    ] {
        let (status, _, p) =
            problem(post_as(&app, "/api/v1/contacts", &a.access, body.clone()).await).await;
        assert_eq!(status, 400, "{body}");
        assert!(
            p["detail"].as_str().unwrap().contains(needle),
            "{body}: {p}"
        );
    }
    for path in [
        "/api/v1/contacts/not-a-uuid",
        "/api/v1/contacts/6f1c8f8e-1111-4111-8111-111111111111",
        "/api/v1/counterparties/not-a-uuid",
    ] {
        assert_eq!(get_as(&app, path, &a.access).await.status(), 404, "{path}");
    }
    for q in ["limit=0", "limit=201", "offset=-1", "colour=red"] {
        let r = get_as(&app, &format!("/api/v1/contacts?{q}"), &a.access).await;
        assert_eq!(r.status(), 400, "{q}");
    }
    let auditor = member(&app, "auditor", None).await;
    let r = get_as(&app, "/api/v1/contacts", &auditor.access).await;
    assert_eq!(r.status(), 403, "the address book is for holders");
    let r = app
        .http
        .get(app.url("/api/v1/contacts"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
}

#[tokio::test]
async fn an_invitation_is_emailed_accepted_by_the_invitee_and_seen_by_both_sides_only() {
    let app = spawn().await;
    let (a, b, c) = (
        subscriber(&app).await,
        subscriber(&app).await,
        subscriber(&app).await,
    );
    let made = ok(
        invite(
            &app,
            &a,
            json!({"email": b.person.email.to_uppercase(), "note": "For the lease contract"}),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(made["direction"], "outgoing");
    assert_eq!(made["status"], "invited");
    assert_eq!(made["counterparty"]["email"], b.person.email);
    assert_eq!(made["counterparty"]["name"], "Anna Иванова");
    let id = made["id"].as_str().unwrap().to_owned();
    let mail = outbox(&app, &b.person.email).await;
    let invitation = mail
        .iter()
        .find(|m| m.contains("invites you to exchange"))
        .expect("the invitee is told by email");
    assert!(invitation.contains(&a.person.email), "{invitation}");
    assert!(invitation.contains("For the lease contract"));
    assert!(invitation.contains("/cabinet/counterparties"));

    let theirs = ok(get_as(&app, "/api/v1/counterparties", &b.access).await, 200).await;
    assert_eq!(theirs.as_array().unwrap().len(), 1);
    assert_eq!(theirs[0]["direction"], "incoming");
    assert_eq!(theirs[0]["counterparty"]["email"], a.person.email);
    let nothing = ok(get_as(&app, "/api/v1/counterparties", &c.access).await, 200).await;
    assert_eq!(nothing, json!([]), "a third person sees nothing");
    let path = format!("/api/v1/counterparties/{id}");
    assert_eq!(get_as(&app, &path, &c.access).await.status(), 404);
    for act in ["accept", "decline", "end"] {
        let r = post_as(&app, &format!("{path}/{act}"), &c.access, json!({})).await;
        assert_eq!(r.status(), 404, "{act} by a stranger");
    }

    let (status, _, p) =
        problem(post_as(&app, &format!("{path}/accept"), &a.access, json!({})).await).await;
    assert_eq!(status, 409, "the inviter does not accept their own: {p}");
    let (status, _, p) =
        problem(post_as(&app, &format!("{path}/end"), &b.access, json!({})).await).await;
    assert_eq!(status, 409, "the invitee answers rather than ends: {p}");
    let (status, _, p) = problem(invite(&app, &b, json!({"email": a.person.email})).await).await;
    assert_eq!(status, 409);
    assert!(
        p["detail"]
            .as_str()
            .unwrap()
            .contains("accept their invitation")
    );
    let (status, _, _) = problem(invite(&app, &a, json!({"email": b.person.email})).await).await;
    assert_eq!(status, 409, "invited twice");

    let accepted = ok(
        post_as(&app, &format!("{path}/accept"), &b.access, json!({})).await,
        200,
    )
    .await;
    assert_eq!(accepted["status"], "accepted");
    assert!(accepted["answered_at"].is_string());
    let told = outbox(&app, &a.person.email).await;
    assert!(
        told.iter().any(|m| m.contains("is now your counterparty")),
        "the inviter is told: {told:?}"
    );
    let mine = ok(get_as(&app, &path, &a.access).await, 200).await;
    assert_eq!(mine["status"], "accepted");
    let (status, _, _) =
        problem(post_as(&app, &format!("{path}/accept"), &b.access, json!({})).await).await;
    assert_eq!(status, 409, "already accepted");
    let (status, _, p) = problem(invite(&app, &b, json!({"email": a.person.email})).await).await;
    assert_eq!(status, 409);
    assert!(
        p["detail"]
            .as_str()
            .unwrap()
            .contains("already counterparties")
    );

    let ended = ok(
        post_as(&app, &format!("{path}/end"), &b.access, json!({})).await,
        200,
    )
    .await;
    assert_eq!(ended["status"], "ended");
    for (who, act) in [(&a, "end"), (&b, "accept"), (&b, "decline")] {
        let (status, _, p) =
            problem(post_as(&app, &format!("{path}/{act}"), &who.access, json!({})).await).await;
        assert_eq!(status, 409, "{act} after the end: {p}");
    }
    let again = ok(
        invite(&app, &b, json!({"email": a.person.email})).await,
        201,
    )
    .await;
    assert_eq!(
        again["direction"], "outgoing",
        "after the end either may invite anew"
    );

    assert_eq!(audit_count(&app, "counterparty.invite").await, 2);
    assert_eq!(audit_count(&app, "counterparty.accept").await, 1);
    assert_eq!(audit_count(&app, "counterparty.end").await, 1);
}

#[tokio::test]
async fn an_unregistered_address_is_invited_to_register_and_answers_once_it_has_an_account() {
    let app = spawn().await;
    let a = subscriber(&app).await;
    let (email, phone) = contact();
    let made = ok(invite(&app, &a, json!({"email": email})).await, 201).await;
    assert_eq!(made["counterparty"]["name"], Value::Null, "no account yet");
    let mail = outbox(&app, &email).await;
    assert!(mail[0].contains("/register"), "{}", mail[0]);
    assert!(
        mail[0].contains("приглашает"),
        "both languages for a stranger"
    );
    assert!(mail[0].contains("invites you"));

    let person = registered_as(&app, email.clone(), phone).await;
    let b = login(&app, &person).await;
    let theirs = ok(get_as(&app, "/api/v1/counterparties", &b.access).await, 200).await;
    assert_eq!(theirs[0]["direction"], "incoming");
    let id = theirs[0]["id"].as_str().unwrap();
    let declined = ok(
        post_as(
            &app,
            &format!("/api/v1/counterparties/{id}/decline"),
            &b.access,
            json!({}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(declined["status"], "declined");
    let seen = ok(
        get_as(&app, &format!("/api/v1/counterparties/{id}"), &a.access).await,
        200,
    )
    .await;
    assert_eq!(seen["status"], "declined");
    assert_eq!(
        seen["counterparty"]["name"], "Anna Иванова",
        "now registered"
    );
    assert!(
        outbox(&app, &a.person.email)
            .await
            .iter()
            .any(|m| m.contains("declined your invitation"))
    );
}

#[tokio::test]
async fn invitations_are_refused_to_oneself_with_bad_input_and_beyond_fifty_a_day() {
    let app = spawn().await;
    let a = subscriber(&app).await;
    let (status, _, p) =
        problem(invite(&app, &a, json!({"email": a.person.email.to_uppercase()})).await).await;
    assert_eq!(status, 400);
    assert!(p["detail"].as_str().unwrap().contains("yourself"));
    for body in [
        json!({"email": "nobody"}),
        json!({"email": "x@example.org", "note": "n".repeat(201)}),
        json!({"email": "x@example.org", "cc": "y@example.org"}),
    ] {
        let r = post_as(&app, "/api/v1/counterparties", &a.access, body.clone()).await;
        assert_eq!(r.status(), 400, "{body}");
    }
    for i in 0..50 {
        let r = invite(
            &app,
            &a,
            json!({"email": format!("invitee{i}@example.org")}),
        )
        .await;
        assert_eq!(r.status(), 201, "invitation {i}");
    }
    let (status, kind, _) =
        problem(invite(&app, &a, json!({"email": "one-too-many@example.org"})).await).await;
    assert_eq!((status, kind.as_str()), (429, "too-many"));
    assert!(
        outbox(&app, "one-too-many@example.org").await.is_empty(),
        "nothing emailed past the limit"
    );
}

#[tokio::test]
async fn the_only_from_counterparties_setting_is_kept_and_audited() {
    let app = spawn().await;
    let a = subscriber(&app).await;
    let path = "/api/v1/account/exchange-settings";
    let now = ok(get_as(&app, path, &a.access).await, 200).await;
    assert_eq!(now, json!({"accept_only_counterparties": false}));
    let set = ok(
        send(
            &app,
            reqwest::Method::PUT,
            path,
            &a,
            Some(json!({"accept_only_counterparties": true})),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(set["accept_only_counterparties"], true);
    let now = ok(get_as(&app, path, &a.access).await, 200).await;
    assert_eq!(now["accept_only_counterparties"], true);
    assert_eq!(audit_count(&app, "account.exchange_settings").await, 1);
    for body in [json!({}), json!({"accept_only_counterparties": "yes"})] {
        let r = send(&app, reqwest::Method::PUT, path, &a, Some(body.clone())).await;
        assert_eq!(r.status(), 400, "{body}");
    }
    let b = subscriber(&app).await;
    let theirs = ok(get_as(&app, path, &b.access).await, 200).await;
    assert_eq!(theirs["accept_only_counterparties"], false, "per account");
}
