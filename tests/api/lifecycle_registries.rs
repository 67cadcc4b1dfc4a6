//! The registry checks through the real adapter and the local gateway: the SNILS owner, the
//! INN by passport, the legal-entity extract shown to the operator; and what happens when a
//! registry says no, is not configured, cannot be reached or refuses our token.

use crate::support::accounts::{post_as, problem, subscriber};
use crate::support::registration::*;
use crate::support::{local_registry, spawn, spawn_with};
use serde_json::json;

#[tokio::test]
async fn the_registered_employee_passes_and_the_operator_sees_the_extract() {
    let app = spawn().await;
    let point = desk(&app, "Tbilisi").await;
    let op = operator(&app, point).await;
    let sub = subscriber(&app).await;
    let a = file(&app, &sub, "qualified-cloud", point, employee()).await;
    for name in ["snils_owner", "inn_by_passport", "legal_entity_extract"] {
        assert_eq!(
            check(&a, name)["status"],
            "passed",
            "{name}: {}",
            check(&a, name)
        );
    }
    assert_eq!(
        check(&a, "legal_entity_extract")["message"],
        "ООО «Ромашка» is active; head: Иванова Анна Сергеевна, Генеральный директор"
    );
    let id = a["id"].as_str().unwrap();
    let v =
        crate::support::accounts::get_as(&app, &format!("/api/v1/applications/{id}"), &op.access)
            .await
            .json::<serde_json::Value>()
            .await
            .unwrap();
    let extract = &v["legal_entity_extract"];
    assert_eq!(extract["status"], "active");
    assert_eq!(
        extract["full_name"],
        "Общество с ограниченной ответственностью «Ромашка»"
    );
    assert_eq!(extract["address"], "117997, г. Москва, ул. Вавилова, д. 19");
    assert_eq!(extract["head"]["position"], "Генеральный директор");
    ok(
        &app,
        &format!("/api/v1/desk/applications/{id}/accept"),
        &op.access,
        json!({}),
    )
    .await;
}

#[tokio::test]
async fn what_the_registries_do_not_confirm_fails_and_blocks_the_desk() {
    let app = spawn().await;
    let point = desk(&app, "Batumi").await;
    let op = operator(&app, point).await;
    let sub = subscriber(&app).await;

    let mut stranger = individual();
    stranger["patronymic"] = json!("Петровна");
    let a = file(&app, &sub, "qualified-cloud", point, stranger).await;
    assert_eq!(check(&a, "snils_checksum")["status"], "passed");
    assert_eq!(check(&a, "snils_owner")["status"], "failed");
    assert_eq!(
        check(&a, "inn_by_passport")["message"],
        "the tax service has no INN for this passport"
    );
    let r = post_as(
        &app,
        &format!(
            "/api/v1/desk/applications/{}/accept",
            a["id"].as_str().unwrap()
        ),
        &op.access,
        json!({}),
    )
    .await;
    let (status, _, body) = problem(r).await;
    assert_eq!(status, 409);
    assert_eq!(
        body["detail"],
        "checks not passed: inn_by_passport, snils_owner"
    );

    let mut no_inn = individual();
    no_inn["inn"] = serde_json::Value::Null;
    let a = file(&app, &sub, "qualified-cloud", point, no_inn).await;
    assert_eq!(
        check(&a, "inn_by_passport")["message"],
        "the tax service has INN 500100732259 for this passport; enter it"
    );

    let mut liquidated = employee();
    liquidated["organisation"] = json!({
        "name": "ООО «Лютик»", "inn": "7736050003", "kpp": "772801001",
        "ogrn": "1037739010891", "position": "Директор"
    });
    let a = file(&app, &sub, "qualified-cloud", point, liquidated.clone()).await;
    assert_eq!(
        check(&a, "legal_entity_extract")["message"],
        "ООО «Лютик» is not active in the register"
    );

    let mut wrong_kpp = employee();
    wrong_kpp["organisation"]["kpp"] = json!("773601002");
    let a = file(&app, &sub, "qualified-cloud", point, wrong_kpp).await;
    assert_eq!(
        check(&a, "legal_entity_extract")["message"],
        "the register has INN 7707083893 and KPP 773601001 for ООО «Ромашка»"
    );

    let mut unknown = employee();
    unknown["organisation"]["ogrn"] = json!("1027700000006");
    let a = file(&app, &sub, "qualified-cloud", point, unknown).await;
    assert_eq!(
        check(&a, "legal_entity_extract")["message"],
        "the register of legal entities has no organisation with this OGRN"
    );
    assert!(a["legal_entity_extract"].is_null());
}

#[tokio::test]
async fn an_unconfigured_unreachable_or_refusing_gateway_fails_the_checks_with_the_reason() {
    for (url, token, expected) in [
        (None, None, "no registry gateway is configured"),
        (
            Some("http://127.0.0.1:9".to_owned()),
            None,
            "the registry gateway is unavailable",
        ),
        (
            Some(local_registry().to_owned()),
            Some("wrong-token"),
            "the gateway answered 401 Unauthorized",
        ),
    ] {
        let app = spawn_with(|c| {
            c.registries.url = url.clone();
            c.registries.token = token.map(cloudseal::config::Secret::new);
        })
        .await;
        let point = desk(&app, "Yerevan").await;
        let sub = subscriber(&app).await;
        let a = file(&app, &sub, "qualified-cloud", point, employee()).await;
        for name in ["snils_owner", "inn_by_passport", "legal_entity_extract"] {
            let c = check(&a, name);
            assert_eq!(c["status"], "failed", "{name}");
            let message = c["message"].as_str().unwrap();
            assert!(message.contains(expected), "{name}: {message}");
            assert!(message.ends_with("run the checks again later"), "{message}");
        }
    }
}
