//! Shipping documents: generated as PDF with embedded fonts, holding the holder's data and the
//! certificate's, the same bytes on every download, and only for those who see the application.

use crate::support::accounts::{get_as, problem, subscriber};
use crate::support::pdf;
use crate::support::registration::*;
use crate::support::spawn;

async fn paper(app: &crate::support::TestApp, token: &str, id: &str, which: &str) -> Vec<u8> {
    let r = get_as(
        app,
        &format!("/api/v1/applications/{id}/papers/{which}"),
        token,
    )
    .await;
    assert_eq!(r.status(), 200, "{which}");
    assert_eq!(r.headers()["content-type"], "application/pdf");
    let disposition = r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(disposition.contains(&format!("{which}-")), "{disposition}");
    r.bytes().await.unwrap().to_vec()
}

#[tokio::test]
async fn every_document_of_an_issued_certificate_names_the_holder_and_embeds_its_fonts() {
    let app = spawn().await;
    let point = desk(&app, "Limassol").await;
    let op = officer(&app, point).await;
    let sub = subscriber(&app).await;
    let (id, cert) = active_certificate(&app, &sub, &op, point).await;
    let serial = cert["serial"].as_str().unwrap().to_owned();
    let application =
        crate::support::accounts::get_as(&app, &format!("/api/v1/applications/{id}"), &sub.access)
            .await
            .json::<serde_json::Value>()
            .await
            .unwrap();
    let invoice_number = application["invoice_number"].as_i64().unwrap();

    let invoice = paper(&app, &sub.access, &id, "invoice").await;
    let text = pdf::text(&invoice);
    assert!(
        text.contains(&format!("Счёт на оплату № {invoice_number}")),
        "{text}"
    );
    assert!(text.contains("Иванова Анна Сергеевна"), "{text}");
    assert!(text.contains("3 900,00 RUB"), "{text}");
    assert!(text.contains("Оплачен / Paid"), "{text}");

    let form = paper(&app, &sub.access, &id, "certificate-form").await;
    let text = pdf::text(&form);
    for expected in [
        "Бланк сертификата ключа проверки электронной подписи",
        "Иванова Анна Сергеевна",
        "112-233-445 95",
        "ОВД Тверской",
        serial.as_str(),
        "ECDSA P-256",
        "квалифицированный / qualified",
        "облачное хранилище (HSM)",
        "Подпись владельца сертификата / Holder's signature",
    ] {
        assert!(text.contains(expected), "form lacks {expected:?}: {text}");
    }
    let fonts = pdf::embedded_fonts(&form);
    assert!(fonts.iter().all(|f| f.contains("+DejaVuSans")), "{fonts:?}");

    let act = pdf::text(&paper(&app, &op.access, &id, "act").await);
    assert!(act.contains("Акт приёма-передачи сертификата"), "{act}");
    assert!(act.contains("Иванова Анна Сергеевна (владелец)"), "{act}");
    assert!(act.contains(&serial), "{act}");

    let guide = pdf::text(&paper(&app, &sub.access, &id, "security-guide").await);
    assert!(guide.contains("Никому не сообщайте PIN-код"), "{guide}");
    assert!(
        guide.contains("Never tell anyone your signing PIN"),
        "{guide}"
    );
    assert!(guide.contains(&serial), "{guide}");

    assert_eq!(
        form,
        paper(&app, &op.access, &id, "certificate-form").await,
        "the same application gives the same document"
    );
}

#[tokio::test]
async fn the_form_waits_for_the_certificate_and_strangers_see_no_documents() {
    let app = spawn().await;
    let point = desk(&app, "Paphos").await;
    let other_point = desk(&app, "Nicosia").await;
    let stranger_op = operator(&app, other_point).await;
    let sub = subscriber(&app).await;
    let stranger = subscriber(&app).await;
    let a = file(&app, &sub, "qualified-cloud", point, employee()).await;
    let id = a["id"].as_str().unwrap();

    let invoice = pdf::text(&paper(&app, &sub.access, id, "invoice").await);
    assert!(
        invoice.contains("ООО «Ромашка», ИНН / INN 7707083893"),
        "{invoice}"
    );
    assert!(!invoice.contains("Оплачен"), "{invoice}");

    for which in ["certificate-form", "act"] {
        let r = get_as(
            &app,
            &format!("/api/v1/applications/{id}/papers/{which}"),
            &sub.access,
        )
        .await;
        let (status, kind, body) = problem(r).await;
        assert_eq!(
            (status, kind.as_str()),
            (409, "precondition-failed"),
            "{which}"
        );
        assert!(
            body["detail"]
                .as_str()
                .unwrap()
                .contains("once the certificate has been activated")
        );
    }
    for token in [&stranger.access, &stranger_op.access] {
        let r = get_as(
            &app,
            &format!("/api/v1/applications/{id}/papers/invoice"),
            token,
        )
        .await;
        assert_eq!(problem(r).await.0, 404);
    }
    let r = get_as(
        &app,
        &format!("/api/v1/applications/{id}/papers/receipt"),
        &sub.access,
    )
    .await;
    assert_eq!(problem(r).await.0, 404);
}
