//! What each shipping document says, in Russian with English beside it: a person abroad reads
//! either, and a Russian CA files the Russian.

use super::RegistrationError;
use super::papers::{Paper, PaperData};
use super::values::{Applicant, DocumentKind, ProductKind};
use crate::pdf::{Column, PdfError, Sheet};
use crate::pki::names::readable;
use crate::pki::scheme::KeyAlgorithm;
use chrono::{DateTime, NaiveDate, Utc};

pub(super) fn render(paper: Paper, d: &PaperData<'_>) -> Result<Vec<u8>, RegistrationError> {
    let made = match paper {
        Paper::ApplicationForm => application_form(d),
        Paper::Invoice => invoice(d),
        Paper::CertificateForm => certificate_form(d),
        Paper::Act => act(d),
        Paper::SecurityGuide => security_guide(d),
    };
    made.map_err(|e| super::corrupt(&format!("document layout: {e}")))
}

fn application_form(d: &PaperData<'_>) -> Result<Vec<u8>, PdfError> {
    let a = d.application;
    let mut s = Sheet::new(&format!("Application {}", a.number));
    s.title(&format!(
        "Заявление на изготовление сертификата ключа проверки электронной подписи № {n}\n\
         Application for an electronic signature certificate No. {n}",
        n = a.number
    ))?;
    s.field("В / To", d.authority)?;
    s.text(&format!(
        "Прошу изготовить сертификат: {} — на основании данных, указанных ниже.\nI ask for a \
         certificate to be issued: {} — on the basis of the data below.",
        d.product.name_ru, d.product.name_en
    ))?;
    s.heading("Заявитель / Applicant")?;
    holder(&mut s, &a.applicant)?;
    if let Some(address) = &a.applicant.address {
        s.field("Адрес / Address", address)?;
    }
    point_of_issue(&mut s, d)?;
    let custody = if d.cloud() {
        "Ключ электронной подписи прошу создать и хранить в облачном хранилище удостоверяющего \
         центра; доступ к нему — только по моему PIN-коду и одноразовому коду.\nPlease \
         generate and keep the signing key in the authority's cloud vault, usable only with my \
         PIN and a one-time code."
    } else {
        "Ключ электронной подписи создан мной на собственном носителе; прилагаю запрос на \
         сертификат.\nI generated the signing key on my own device and send the certificate \
         request."
    };
    s.text(custody)?;
    s.text(
        "Подтверждаю достоверность сведений и даю согласие на их обработку для изготовления \
         и обслуживания сертификата.\nI confirm the data is true and consent to its \
         processing for issuing and maintaining the certificate.",
    )?;
    s.signature(&format!(
        "Заявитель / Applicant: {}",
        a.applicant.full_name()
    ))?;
    s.finish()
}

fn invoice(d: &PaperData<'_>) -> Result<Vec<u8>, PdfError> {
    let a = d.application;
    let p = d.product;
    let date = day(a.created_at);
    let mut s = Sheet::new(&format!("Invoice {}", a.invoice_number));
    s.title(&format!(
        "Счёт на оплату № {n} от {date}\nInvoice No. {n} of {date}",
        n = a.invoice_number
    ))?;
    s.field("Поставщик / Supplier", d.authority)?;
    s.field("Плательщик / Payer", &payer(&a.applicant))?;
    s.field("Заявка / Application", &a.number.to_string())?;
    point_of_issue(&mut s, d)?;
    s.gap(8.0);
    let price = money(a.price_minor, &a.currency);
    s.table(
        &[
            column("№", 0.06, false),
            column("Наименование / Item", 0.56, false),
            column("Кол-во / Qty", 0.12, true),
            column("Сумма / Amount", 0.26, true),
        ],
        &[vec![
            "1".into(),
            format!("{} / {}", p.name_ru, p.name_en),
            "1".into(),
            price.clone(),
        ]],
    )?;
    s.field("Итого к оплате / Total due", &price)?;
    s.field(
        "Назначение платежа / Payment reference",
        &format!(
            "Оплата по счёту № {} (заявка № {}) / Invoice {} (application {})",
            a.invoice_number, a.number, a.invoice_number, a.number
        ),
    )?;
    if let Some(paid) = a.paid_at {
        s.field("Оплачен / Paid", &day(paid))?;
    }
    s.gap(6.0);
    s.small(
        "Укажите номер счёта в назначении платежа: оплата будет сопоставлена с заявкой \
         автоматически. / Quote the invoice number with the payment: it is matched to the \
         application automatically.",
    )?;
    s.finish()
}

fn certificate_form(d: &PaperData<'_>) -> Result<Vec<u8>, PdfError> {
    let a = d.application;
    let mut s = Sheet::new(&format!("Certificate form, application {}", a.number));
    s.title(
        "Бланк сертификата ключа проверки электронной подписи\n\
         Certificate form",
    )?;
    s.field("Заявка / Application", &a.number.to_string())?;
    s.heading("Владелец сертификата / Certificate holder")?;
    holder(&mut s, &a.applicant)?;
    s.heading("Сертификат / Certificate")?;
    certificate(&mut s, d)?;
    s.gap(6.0);
    s.text(
        "Сведения, указанные в сертификате, проверены мной и верны. С руководством по \
         обеспечению безопасности ознакомлен(а).\nI have checked the data in the certificate \
         and it is correct. I have read the security guide.",
    )?;
    s.signature("Подпись владельца сертификата / Holder's signature")?;
    s.signature("Уполномоченное лицо удостоверяющего центра / CA officer")?;
    s.finish()
}

fn act(d: &PaperData<'_>) -> Result<Vec<u8>, PdfError> {
    let a = d.application;
    let name = a.applicant.full_name();
    let mut s = Sheet::new(&format!("Act of acceptance, application {}", a.number));
    s.title(&format!(
        "Акт приёма-передачи сертификата\nAct of acceptance of a certificate (application {})",
        a.number
    ))?;
    s.text(&format!(
        "{ca} (удостоверяющий центр) передал, а {name} (владелец) принял сертификат ключа \
         проверки электронной подписи со следующими данными.\n{ca} (the certification \
         authority) has handed over, and {name} (the holder) has accepted, the certificate \
         described below.",
        ca = d.authority
    ))?;
    certificate(&mut s, d)?;
    s.field(
        "Продукт / Product",
        &format!("{} / {}", d.product.name_ru, d.product.name_en),
    )?;
    s.gap(6.0);
    let custody = if d.cloud() {
        "Ключ электронной подписи создан в облачном хранилище (HSM) удостоверяющего центра и \
         используется только по PIN-коду владельца и одноразовому коду второго фактора; \
         удостоверяющий центр не может подписать им сам.\nThe signing key was generated in \
         the certification authority's cloud vault (HSM) and is used only with the holder's \
         PIN and a one-time code of the second factor; the authority cannot sign with it on \
         its own."
    } else {
        "Ключ электронной подписи создан владельцем на собственном носителе; удостоверяющий \
         центр получил только запрос на сертификат.\nThe holder generated the signing key on \
         their own device; the certification authority received only the certificate request."
    };
    s.text(custody)?;
    s.text(
        "Стороны претензий друг к другу не имеют.\nThe parties have no claims against each \
         other.",
    )?;
    s.signature(&format!("Владелец / Holder: {name}"))?;
    s.signature(&format!(
        "Удостоверяющий центр / Certification authority: {}",
        d.authority
    ))?;
    s.finish()
}

fn security_guide(d: &PaperData<'_>) -> Result<Vec<u8>, PdfError> {
    let a = d.application;
    let mut s = Sheet::new("Security guide");
    s.title(
        "Памятка по обеспечению безопасности электронной подписи\n\
         Keeping your electronic signature safe",
    )?;
    s.field("Владелец / Holder", &a.applicant.full_name())?;
    if let Some(serial) = d.certificate.and_then(|c| c.serial.as_deref()) {
        s.field("Сертификат / Certificate", &hex::encode(serial))?;
    }
    let mut rules = vec![
        "Никому не сообщайте PIN-код подписи и коды из SMS. Сотрудники удостоверяющего центра \
         никогда их не спрашивают.\nNever tell anyone your signing PIN or the codes sent by \
         SMS. Staff of the certification authority never ask for them.",
        "Прежде чем ввести код подтверждения, прочитайте, что названо в SMS. Если это не то, \
         что вы подписываете, не вводите код и сообщите нам.\nBefore entering a confirmation \
         code, read what the SMS names. If it is not what you are signing, do not enter the \
         code and tell us.",
        "Пять неверных PIN-кодов подряд блокируют ключ. Разблокировку проводит удостоверяющий \
         центр после проверки личности.\nFive wrong PINs in a row lock the key. The \
         certification authority unlocks it after checking who you are.",
        "Если вы подозреваете, что PIN-код или телефон попали в чужие руки, сразу отзовите \
         сертификат в личном кабинете или у оператора. Отзыв сразу виден в списке отозванных \
         сертификатов (CRL) и через OCSP.\nIf you suspect that your PIN or phone is in someone \
         else's hands, revoke the certificate at once in the cabinet or through an operator. \
         Revocation shows in the revocation list (CRL) and over OCSP immediately.",
        "Держите номер телефона и адрес электронной почты в кабинете актуальными: на них \
         приходят коды и уведомления.\nKeep your phone number and email in the cabinet up to \
         date: codes and notices are sent there.",
        "Проверяйте адрес сайта перед входом в кабинет и не входите по ссылкам из \
         неожиданных писем.\nCheck the site's address before signing in and do not sign in \
         through links in unexpected messages.",
    ];
    if !d.cloud() {
        rules.push(
            "Храните носитель с ключом отдельно от PIN-кода и не оставляйте его подключённым \
             к компьютеру.\nKeep the device holding your key apart from its PIN and do not \
             leave it plugged in.",
        );
    }
    for (i, rule) in rules.iter().enumerate() {
        s.text(&format!("{}. {rule}", i + 1))?;
    }
    if let Some(until) = d.certificate.and_then(|c| c.not_after) {
        s.gap(4.0);
        s.text(&format!(
            "Сертификат действует до {u}. Перевыпустите его до этой даты в кабинете, без \
             повторного визита.\nThe certificate is valid until {u}. Reissue it before that \
             date in the cabinet, without another visit.",
            u = day(until)
        ))?;
    }
    s.signature("С памяткой ознакомлен(а) / I have read this guide")?;
    s.finish()
}

fn point_of_issue(s: &mut Sheet, d: &PaperData<'_>) -> Result<(), PdfError> {
    let a = d.application;
    s.field(
        "Пункт выдачи / Point of issue",
        &format!(
            "{}, {} {}",
            a.point_of_issue_name, a.region, d.point_address
        ),
    )?;
    Ok(())
}

fn holder(s: &mut Sheet, a: &Applicant) -> Result<(), PdfError> {
    s.field("Фамилия, имя, отчество / Full name", &a.full_name())?;
    s.field("Дата рождения / Date of birth", &date(a.birth_date))?;
    s.field(
        "Гражданство / Citizenship; проживание / residence",
        &format!("{} / {}", a.citizenship, a.residence),
    )?;
    if let Some(snils) = &a.snils {
        s.field("СНИЛС / SNILS", &snils_as_written(snils))?;
    }
    if let Some(inn) = &a.inn {
        s.field("ИНН / INN", inn)?;
    }
    s.field("Документ / Identity document", &document(a))?;
    if let Some(o) = &a.organisation {
        s.field("Организация / Organisation", &o.name)?;
        s.field(
            "ИНН, КПП, ОГРН / INN, KPP, OGRN",
            &format!("{}, {}, {}", o.inn, o.kpp, o.ogrn),
        )?;
        s.field("Должность / Position", &o.position)?;
    }
    Ok(())
}

fn certificate(s: &mut Sheet, d: &PaperData<'_>) -> Result<(), PdfError> {
    let Some(row) = d.certificate else {
        return Ok(());
    };
    if let Some(serial) = &row.serial {
        s.field("Серийный номер / Serial number", &hex::encode(serial))?;
    }
    let parsed = row
        .der
        .as_deref()
        .and_then(|der| crate::pki::parse_certificate(der).ok());
    if let Some(cert) = &parsed {
        let tbs = &cert.tbs_certificate;
        s.field("Издатель / Issuer", &readable(&tbs.issuer))?;
        s.field("Владелец / Subject", &readable(&tbs.subject))?;
    }
    if let (Some(from), Some(until)) = (row.not_before, row.not_after) {
        s.field(
            "Срок действия / Validity",
            &format!("{} — {} (UTC)", time(from), time(until)),
        )?;
    }
    let kind = match d.product.kind {
        ProductKind::Qualified => "квалифицированный / qualified",
        ProductKind::Simple => "неквалифицированный / non-qualified",
    };
    s.field("Вид сертификата / Kind", kind)?;
    if let Some(cert) = &parsed {
        let spki = &cert.tbs_certificate.subject_public_key_info;
        if let Some(alg) = KeyAlgorithm::of_public_key(spki) {
            s.field("Алгоритм ключа / Key algorithm", algorithm(alg))?;
        }
        if let Ok(ski) = crate::pki::subject_key_id(cert) {
            s.field("Идентификатор ключа / Key identifier", &colons(&ski))?;
        }
        s.field(
            "Открытый ключ / Public key",
            &hex::encode(spki.subject_public_key.raw_bytes()),
        )?;
    }
    let storage = if d.cloud() {
        "облачное хранилище (HSM) / cloud vault (HSM)"
    } else {
        "носитель владельца / the holder's own device"
    };
    s.field("Хранение ключа / Key storage", storage)?;
    Ok(())
}

fn column(header: &str, share: f32, right: bool) -> Column<'_> {
    Column {
        header,
        share,
        right,
    }
}

fn payer(a: &Applicant) -> String {
    match &a.organisation {
        Some(o) => format!("{}, ИНН / INN {}, КПП / KPP {}", o.name, o.inn, o.kpp),
        None => a.full_name(),
    }
}

fn document(a: &Applicant) -> String {
    let d = &a.document;
    let kind = match d.kind {
        DocumentKind::RussianPassport => "Паспорт гражданина РФ / Russian passport",
        DocumentKind::ForeignPassport => "Паспорт / Passport",
    };
    let number = match &d.series {
        Some(series) => format!("{series} {}", d.number),
        None => d.number.clone(),
    };
    let mut s = format!(
        "{kind} {number}, выдан / issued {} {}",
        date(d.issued_on),
        d.issued_by
    );
    if let Some(code) = &d.issuer_code {
        s.push_str(&format!(", код подразделения / unit code {code}"));
    }
    s
}

/// `112-233-445 95`, as printed on the SNILS card.
fn snils_as_written(digits: &str) -> String {
    match (digits.len(), digits.is_ascii()) {
        (11, true) => format!(
            "{}-{}-{} {}",
            &digits[..3],
            &digits[3..6],
            &digits[6..9],
            &digits[9..]
        ),
        _ => digits.to_owned(),
    }
}

fn algorithm(a: KeyAlgorithm) -> &'static str {
    match a {
        KeyAlgorithm::EcdsaP256 => "ECDSA P-256",
        KeyAlgorithm::Rsa2048 => "RSA 2048",
        KeyAlgorithm::Rsa3072 => "RSA 3072",
        KeyAlgorithm::Ed25519 => "Ed25519",
    }
}

fn colons(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// `3 900,00 RUB`: groups of thousands and a decimal comma, as Russian invoices write it.
fn money(minor: i64, currency: &str) -> String {
    let units = (minor / 100).unsigned_abs().to_string();
    let mut grouped = String::new();
    for (i, c) in units.chars().enumerate() {
        if i > 0 && (units.len() - i) % 3 == 0 {
            grouped.push('\u{a0}');
        }
        grouped.push(c);
    }
    let sign = if minor < 0 { "-" } else { "" };
    format!(
        "{sign}{grouped},{:02} {currency}",
        (minor % 100).unsigned_abs()
    )
}

fn date(d: NaiveDate) -> String {
    d.format("%d.%m.%Y").to_string()
}

fn day(t: DateTime<Utc>) -> String {
    date(t.date_naive())
}

fn time(t: DateTime<Utc>) -> String {
    t.format("%d.%m.%Y %H:%M").to_string()
}

#[cfg(test)]
mod tests {
    use super::money;

    #[test]
    fn amounts_are_written_as_russian_invoices_write_them() {
        assert_eq!(money(390_000, "RUB"), "3\u{a0}900,00 RUB");
        assert_eq!(money(5, "EUR"), "0,05 EUR");
        assert_eq!(money(123_456_789, "RUB"), "1\u{a0}234\u{a0}567,89 RUB");
    }
}
