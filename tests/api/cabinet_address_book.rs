//! The address book in the cabinet through real HTTP as a browser sends it: contacts added,
//! changed, written to and removed; counterparties invited, accepted from the other side's
//! browser, ended; the "only from my counterparties" setting; refusals on the page, and
//! someone else's contact or relationship looking like nothing.

use crate::support::accounts::{PASSWORD, read_as, subscriber};
use crate::support::browser::Browser;
use crate::support::spawn;

#[tokio::test]
async fn contacts_are_added_changed_written_to_and_removed_in_the_cabinet() {
    let app = spawn().await;
    let s = subscriber(&app).await;
    let other = subscriber(&app).await;
    let mut b = Browser::new(&app);
    b.sign_in(&s.person.email, PASSWORD, &s.person.phone).await;
    let list = b.get("/cabinet/contacts").await;
    assert_eq!(list.status, 200);
    assert!(list.body.contains("No contacts yet."));
    let csrf = list.csrf();

    let bad = b
        .post(
            "/cabinet/contacts",
            &[
                ("csrf", &csrf),
                ("name", "Hans Weber"),
                ("email", "not-an-email"),
                ("organisation", ""),
            ],
        )
        .await;
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("value=\"Hans Weber\""), "typed kept");
    let nameless = b
        .post(
            "/cabinet/contacts",
            &[
                ("csrf", &csrf),
                ("name", "  "),
                ("email", "hans@example.org"),
                ("organisation", ""),
            ],
        )
        .await;
    assert_eq!(nameless.status, 400);
    assert!(nameless.body.contains("a contact needs a name"));
    let forged = b
        .post(
            "/cabinet/contacts",
            &[
                ("csrf", "forged"),
                ("name", "Hans"),
                ("email", "hans@example.org"),
                ("organisation", ""),
            ],
        )
        .await;
    assert_eq!(forged.status, 403);

    let added = b
        .post(
            "/cabinet/contacts",
            &[
                ("csrf", &csrf),
                ("name", "Hans Weber"),
                ("email", "hans@example.org"),
                ("organisation", "Weber GmbH"),
            ],
        )
        .await;
    assert_eq!(added.status, 303, "{}", added.body);
    let list = b.get(added.location()).await;
    assert!(list.body.contains("The contact is added."));
    assert!(list.body.contains("Weber GmbH"));
    assert!(
        list.body
            .contains("/cabinet/sendings/new?to=hans%40example.org")
    );
    let twice = b
        .post(
            "/cabinet/contacts",
            &[
                ("csrf", &csrf),
                ("name", "Hans again"),
                ("email", "hans@example.org"),
                ("organisation", ""),
            ],
        )
        .await;
    assert_eq!(twice.status, 409, "one contact per email");

    let contacts = read_as(&app, "/api/v1/contacts", &s.access).await;
    let id = contacts[0]["id"].as_str().unwrap().to_owned();
    let edit = b.get(&format!("/cabinet/contacts/{id}")).await;
    assert_eq!(edit.status, 200);
    assert!(edit.body.contains("value=\"Weber GmbH\""));
    let changed = b
        .post(
            &format!("/cabinet/contacts/{id}"),
            &[
                ("csrf", &csrf),
                ("name", "Hans Weber"),
                ("email", "hans.weber@example.org"),
                ("organisation", ""),
            ],
        )
        .await;
    assert_eq!(changed.status, 303);
    let contact = read_as(&app, &format!("/api/v1/contacts/{id}"), &s.access).await;
    assert_eq!(contact["email"], "hans.weber@example.org");
    assert_eq!(contact["organisation"], serde_json::Value::Null);

    let compose = b
        .get("/cabinet/sendings/new?to=hans.weber%40example.org")
        .await;
    assert_eq!(compose.status, 200);
    assert!(
        compose.body.contains("hans.weber@example.org</textarea>"),
        "the recipient filled in"
    );

    let mut stranger = Browser::new(&app);
    stranger
        .sign_in(&other.person.email, PASSWORD, &other.person.phone)
        .await;
    assert_eq!(
        stranger
            .get(&format!("/cabinet/contacts/{id}"))
            .await
            .status,
        404
    );
    let theirs = stranger.get("/cabinet/contacts").await;
    let removed = stranger
        .post(
            &format!("/cabinet/contacts/{id}/delete"),
            &[("csrf", &theirs.csrf())],
        )
        .await;
    assert_eq!(
        removed.status, 404,
        "someone else's contact looks like nothing"
    );
    assert_eq!(b.get("/cabinet/contacts/not-an-id").await.status, 404);

    let removed = b
        .post(
            &format!("/cabinet/contacts/{id}/delete"),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(removed.status, 303);
    assert!(
        b.get(removed.location())
            .await
            .body
            .contains("The contact is removed.")
    );
    assert_eq!(
        read_as(&app, "/api/v1/contacts", &s.access).await,
        serde_json::json!([])
    );
}

#[tokio::test]
async fn a_counterparty_is_invited_accepted_in_the_other_browser_and_ended() {
    let app = spawn().await;
    let s = subscriber(&app).await;
    let them = subscriber(&app).await;
    let mut b = Browser::new(&app);
    b.sign_in(&s.person.email, PASSWORD, &s.person.phone).await;
    let page = b.get("/cabinet/counterparties").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("No counterparties or invitations yet."));
    let csrf = page.csrf();

    let myself = b
        .post(
            "/cabinet/counterparties",
            &[("csrf", &csrf), ("email", &s.person.email), ("note", "me")],
        )
        .await;
    assert_eq!(myself.status, 400);
    assert!(myself.body.contains("you cannot invite yourself"));
    assert!(myself.body.contains("value=\"me\""), "typed kept");

    let sent = b
        .post(
            "/cabinet/counterparties",
            &[
                ("csrf", &csrf),
                ("email", &them.person.email),
                ("note", "Contracts for 2027"),
            ],
        )
        .await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    let page = b.get(sent.location()).await;
    assert!(page.body.contains("The invitation is sent."));
    assert!(page.body.contains("Contracts for 2027"));
    assert!(page.body.contains(">Withdraw<"), "the inviter may withdraw");
    assert!(
        !page.body.contains(">Accept<"),
        "but not accept their own invitation"
    );
    let id = read_as(&app, "/api/v1/counterparties", &s.access).await[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let own_accept = b
        .post(
            &format!("/cabinet/counterparties/{id}/accept"),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(own_accept.status, 409);
    assert!(
        own_accept
            .body
            .contains("the invited person answers an invitation; you may withdraw it"),
        "the service's reason on the list"
    );

    let mut other = Browser::new(&app);
    other
        .sign_in(&them.person.email, PASSWORD, &them.person.phone)
        .await;
    let theirs = other.get("/cabinet/counterparties").await;
    assert!(theirs.body.contains("Contracts for 2027"));
    assert!(theirs.body.contains(">Accept<"));
    assert!(theirs.body.contains(">to you<"));
    let accepted = other
        .post(
            &format!("/cabinet/counterparties/{id}/accept"),
            &[("csrf", &theirs.csrf())],
        )
        .await;
    assert_eq!(accepted.status, 303);
    let again = other
        .post(
            &format!("/cabinet/counterparties/{id}/decline"),
            &[("csrf", &theirs.csrf())],
        )
        .await;
    assert_eq!(
        again.status, 409,
        "an answered invitation is not answered again"
    );

    let page = b.get("/cabinet/counterparties").await;
    assert!(page.body.contains(">accepted<"));
    assert!(page.body.contains(">End<"));
    let stranger = subscriber(&app).await;
    let mut third = Browser::new(&app);
    third
        .sign_in(&stranger.person.email, PASSWORD, &stranger.person.phone)
        .await;
    let their_page = third.get("/cabinet/counterparties").await;
    let meddle = third
        .post(
            &format!("/cabinet/counterparties/{id}/end"),
            &[("csrf", &their_page.csrf())],
        )
        .await;
    assert_eq!(meddle.status, 404, "not a side of it");
    let unknown_act = b
        .post(
            &format!("/cabinet/counterparties/{id}/approve"),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(unknown_act.status, 404);

    let ended = b
        .post(
            &format!("/cabinet/counterparties/{id}/end"),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(ended.status, 303);
    let view = read_as(&app, &format!("/api/v1/counterparties/{id}"), &them.access).await;
    assert_eq!(view["status"], "ended");

    let page = b.get("/cabinet/counterparties").await;
    assert!(
        page.body
            .contains("Anyone with an account may send you documents.")
    );
    let unclear = b
        .post(
            "/cabinet/counterparties/settings",
            &[("csrf", &csrf), ("only", "yes please")],
        )
        .await;
    assert_eq!(unclear.status, 400);
    assert!(
        unclear
            .body
            .contains("The choice is on (true) or off (false).")
    );
    let settings = read_as(&app, "/api/v1/account/exchange-settings", &s.access).await;
    assert_eq!(
        settings["accept_only_counterparties"], false,
        "nothing changed"
    );
    let only = b
        .post(
            "/cabinet/counterparties/settings",
            &[("csrf", &csrf), ("only", "true")],
        )
        .await;
    assert_eq!(only.status, 303);
    let page = b.get("/cabinet/counterparties").await;
    assert!(
        page.body
            .contains("Only your counterparties may send you documents.")
    );
    let settings = read_as(&app, "/api/v1/account/exchange-settings", &s.access).await;
    assert_eq!(settings["accept_only_counterparties"], true);
}
