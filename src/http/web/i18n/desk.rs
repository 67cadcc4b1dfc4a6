//! The words of the operator desk: the application queue with its filters.

use crate::identity::values::Language;
use crate::pki::revocation::RevocationReason;

/// The desk pages' words in one language.
pub struct DeskWords {
    /// Title: the operator's application queue.
    pub title: &'static str,
    /// Heading: the filters.
    pub filters: &'static str,
    /// Label: application number.
    pub number: &'static str,
    /// Label: invoice number.
    pub invoice: &'static str,
    /// Legend: statuses.
    pub statuses: &'static str,
    /// Label: filed on or after.
    pub from: &'static str,
    /// Label: filed on or before.
    pub until: &'static str,
    /// Label and column: the owner's name.
    pub owner: &'static str,
    /// Label and column: organisation.
    pub organisation: &'static str,
    /// Label: INN.
    pub inn: &'static str,
    /// Label: KPP.
    pub kpp: &'static str,
    /// Label: SNILS.
    pub snils: &'static str,
    /// Label and column: the service type.
    pub track: &'static str,
    /// Choice: any value.
    pub any: &'static str,
    /// Service: the key in our vault.
    pub cloud: &'static str,
    /// Service: the applicant's own key.
    pub own_key: &'static str,
    /// Label and column: the certificate.
    pub product: &'static str,
    /// Label: region.
    pub region: &'static str,
    /// Label: paper originals.
    pub originals: &'static str,
    /// Originals awaited.
    pub awaited: &'static str,
    /// Originals overdue.
    pub overdue: &'static str,
    /// Originals received.
    pub received: &'static str,
    /// Label: sort by.
    pub sort: &'static str,
    /// Sort: filing time.
    pub by_created: &'static str,
    /// Sort: number.
    pub by_number: &'static str,
    /// Sort: owner's name.
    pub by_owner: &'static str,
    /// Sort: status.
    pub by_status: &'static str,
    /// Label: order.
    pub order: &'static str,
    /// Order: descending.
    pub desc: &'static str,
    /// Order: ascending.
    pub asc: &'static str,
    /// Label: page size.
    pub page_size: &'static str,
    /// Button: apply the filters.
    pub apply: &'static str,
    /// Link: reset the filters.
    pub reset: &'static str,
    /// Link: download the report.
    pub report: &'static str,
    /// Before the count.
    pub found: &'static str,
    /// Nothing matches.
    pub none: &'static str,
    /// Column: filed.
    pub filed: &'static str,
    /// Column: status.
    pub status: &'static str,
    /// Column: paid.
    pub paid: &'static str,
    /// Link: previous page.
    pub previous: &'static str,
    /// Link: next page.
    pub next_page: &'static str,
    /// Between the page and the count of pages.
    pub page_of: &'static str,
    /// Before the page number.
    pub page_label: &'static str,
    /// Link back to the queue.
    pub back: &'static str,
    /// Heading: what the operator can do now.
    pub acts: &'static str,
    /// Button: accept the data.
    pub accept: &'static str,
    /// Heading and button: reject.
    pub reject: &'static str,
    /// Label: the reason the applicant reads.
    pub reason: &'static str,
    /// Button: record the payment.
    pub pay: &'static str,
    /// Label: the payment's reference.
    pub reference: &'static str,
    /// Button: send the marker again.
    pub marker: &'static str,
    /// Button: the shipping documents are ready.
    pub prepared: &'static str,
    /// Button: completion confirmed.
    pub confirmed: &'static str,
    /// Button: complete.
    pub complete: &'static str,
    /// Identification is the next step.
    pub identify_next: &'static str,
    /// Heading: identification in person.
    pub identification: &'static str,
    /// Wizard step 1.
    pub step_extract: &'static str,
    /// No legal entity to show.
    pub extract_individual: &'static str,
    /// Label: OGRN.
    pub ogrn: &'static str,
    /// Label: the legal entity.
    pub entity: &'static str,
    /// Label: registered address.
    pub address: &'static str,
    /// Label: its head.
    pub head: &'static str,
    /// Label: the extract's date.
    pub extract_date: &'static str,
    /// The entity operates.
    pub entity_active: &'static str,
    /// The entity is being wound up or struck off.
    pub entity_closing: &'static str,
    /// Wizard step 2.
    pub step_originals: &'static str,
    /// Original: passport.
    pub orig_passport: &'static str,
    /// Original: SNILS.
    pub orig_snils: &'static str,
    /// Original: INN.
    pub orig_inn: &'static str,
    /// Original: power of attorney.
    pub orig_attorney: &'static str,
    /// Label: another original.
    pub orig_other: &'static str,
    /// The operator's confirmation.
    pub data_confirmed: &'static str,
    /// Wizard step 3.
    pub step_sign: &'static str,
    /// No officer certificate.
    pub no_officer: &'static str,
    /// Button: prepare the statement.
    pub prepare: &'static str,
    /// Heading: the statement signed.
    pub statement: &'static str,
    /// Label: its hash.
    pub statement_hash: &'static str,
    /// Label: the certificate.
    pub certificate: &'static str,
    /// Label: the signing PIN.
    pub pin: &'static str,
    /// Button: sign and identify.
    pub identify: &'static str,
    /// Heading: the operator revokes a certificate of this application.
    pub revoke_title: &'static str,
    /// What revocation does, before the button.
    pub revoke_warning: &'static str,
    /// Label: which certificate.
    pub revoke_certificate: &'static str,
    /// Label: the RFC 5280 reason.
    pub revoke_reason: &'static str,
    /// Label: the reason in words.
    pub revoke_note: &'static str,
    /// Button: revoke.
    pub revoke: &'static str,
    /// Revocation reasons as an operator states them, in [`RevocationReason::ALL`] order.
    reasons: [&'static str; 5],
}

impl DeskWords {
    /// The words of `lang`.
    pub fn of(lang: Language) -> &'static DeskWords {
        match lang {
            Language::En => &EN,
            Language::Ru => &RU,
        }
    }

    /// A revocation reason in the operator's words.
    pub fn reason_name(&self, r: RevocationReason) -> &'static str {
        super::reason_in(&self.reasons, r)
    }
}

static EN: DeskWords = DeskWords {
    title: "Application queue",
    filters: "Filters",
    number: "Application No.",
    invoice: "Invoice No.",
    statuses: "Status (any of those ticked)",
    from: "Filed from",
    until: "Filed until",
    owner: "Owner's name",
    organisation: "Organisation",
    inn: "INN",
    kpp: "KPP",
    snils: "SNILS",
    track: "Service",
    any: "any",
    cloud: "key in the vault",
    own_key: "own key",
    product: "Certificate",
    region: "Region",
    originals: "Paper originals",
    awaited: "awaited",
    overdue: "overdue",
    received: "received",
    sort: "Sort by",
    by_created: "filing time",
    by_number: "number",
    by_owner: "owner's name",
    by_status: "status",
    order: "Order",
    desc: "descending",
    asc: "ascending",
    page_size: "Per page",
    apply: "Show",
    reset: "Reset filter",
    report: "Download report (CSV)",
    found: "Applications found:",
    none: "No application matches the filters.",
    filed: "Filed",
    status: "Status",
    paid: "Paid",
    previous: "Previous",
    next_page: "Next",
    page_of: "of",
    page_label: "Page",
    back: "Back to the queue",
    acts: "At the desk",
    accept: "Accept the data",
    reject: "Reject the application",
    reason: "Reason (the applicant reads it)",
    pay: "Record the payment",
    reference: "Payment reference",
    marker: "Send the activation marker again",
    prepared: "Shipping documents are prepared",
    confirmed: "Completion confirmed",
    complete: "Complete the application",
    identify_next: "The applicant is identified in person with the originals; the identification is signed with your officer certificate.",
    identification: "Identification in person",
    step_extract: "1. Register extract",
    extract_individual: "The applicant applies as an individual: the register checks are in the checks panel below.",
    ogrn: "OGRN",
    entity: "Legal entity",
    address: "Registered address",
    head: "Head",
    extract_date: "Extract of",
    entity_active: "operating",
    entity_closing: "being wound up or struck off",
    step_originals: "2. Documents presented",
    orig_passport: "Passport",
    orig_snils: "SNILS card",
    orig_inn: "INN certificate",
    orig_attorney: "Power of attorney",
    orig_other: "Another original (name it)",
    data_confirmed: "I compared the application's data with the originals and the register extract",
    step_sign: "3. Your certificate and signature",
    no_officer: "You need an active officer certificate with its key in the vault to sign an identification.",
    prepare: "Prepare the statement and ask for the code",
    statement: "The statement you sign",
    statement_hash: "SHA-256 (hex)",
    certificate: "Certificate",
    pin: "Signing PIN",
    identify: "Sign and identify",
    revoke_title: "Revoke a certificate",
    revoke_warning: "Revocation takes effect at once: the CRL and OCSP show it and the holder can no longer sign with the certificate. It cannot be undone.",
    revoke_certificate: "Certificate",
    revoke_reason: "Reason",
    revoke_note: "Why, in words (kept in the audit trail)",
    revoke: "Revoke the certificate",
    reasons: [
        "Not stated",
        "The key may be compromised",
        "The holder's details changed",
        "Replaced by a new certificate",
        "No longer needed",
    ],
};

static RU: DeskWords = DeskWords {
    title: "Очередь заявлений",
    filters: "Фильтры",
    number: "№ заявления",
    invoice: "№ счёта",
    statuses: "Статус (любой из отмеченных)",
    from: "Подано с",
    until: "Подано по",
    owner: "ФИО владельца",
    organisation: "Организация",
    inn: "ИНН",
    kpp: "КПП",
    snils: "СНИЛС",
    track: "Тип услуги",
    any: "любой",
    cloud: "ключ в облаке",
    own_key: "собственный ключ",
    product: "Сертификат",
    region: "Регион",
    originals: "Оригиналы документов",
    awaited: "ожидаются",
    overdue: "просрочены",
    received: "получены",
    sort: "Сортировать по",
    by_created: "дате подачи",
    by_number: "номеру",
    by_owner: "ФИО владельца",
    by_status: "статусу",
    order: "Порядок",
    desc: "по убыванию",
    asc: "по возрастанию",
    page_size: "На странице",
    apply: "Показать",
    reset: "Сбросить фильтр",
    report: "Скачать отчёт (CSV)",
    found: "Найдено заявлений:",
    none: "Нет заявлений, подходящих под условия.",
    filed: "Подано",
    status: "Статус",
    paid: "Оплачено",
    previous: "Назад",
    next_page: "Далее",
    page_of: "из",
    page_label: "Страница",
    back: "К очереди заявлений",
    acts: "Действия оператора",
    accept: "Принять данные",
    reject: "Отклонить заявление",
    reason: "Причина (её увидит заявитель)",
    pay: "Отметить оплату",
    reference: "Реквизиты платежа",
    marker: "Отправить код активации повторно",
    prepared: "Отгрузочные документы сформированы",
    confirmed: "Завершение подтверждено",
    complete: "Завершить заявление",
    identify_next: "Заявитель идентифицируется лично по оригиналам документов; идентификация подписывается вашим сертификатом.",
    identification: "Идентификация заявителя",
    step_extract: "1. Выписка из реестра",
    extract_individual: "Заявитель — физическое лицо: результаты проверок по реестрам — в панели проверок ниже.",
    ogrn: "ОГРН",
    entity: "Юридическое лицо",
    address: "Адрес",
    head: "Руководитель",
    extract_date: "Дата выписки",
    entity_active: "действующее",
    entity_closing: "в стадии ликвидации или ликвидировано",
    step_originals: "2. Предъявленные документы",
    orig_passport: "Паспорт",
    orig_snils: "СНИЛС",
    orig_inn: "Свидетельство ИНН",
    orig_attorney: "Доверенность",
    orig_other: "Другой документ (укажите)",
    data_confirmed: "Я сверил данные заявления с оригиналами документов и выпиской из реестра",
    step_sign: "3. Ваш сертификат и подпись",
    no_officer: "Чтобы подписать идентификацию, нужен действующий сертификат сотрудника с ключом в хранилище.",
    prepare: "Сформировать заявление и запросить код",
    statement: "Подписываемое заявление",
    statement_hash: "SHA-256 (hex)",
    certificate: "Сертификат",
    pin: "ПИН-код для подписи",
    identify: "Подписать и идентифицировать",
    revoke_title: "Отзыв сертификата",
    revoke_warning: "Отзыв действует сразу: он виден в CRL и OCSP, и владелец больше не может подписывать этим сертификатом. Отменить отзыв нельзя.",
    revoke_certificate: "Сертификат",
    revoke_reason: "Основание отзыва",
    revoke_note: "Причина словами (сохраняется в журнале аудита)",
    revoke: "Отозвать сертификат",
    reasons: [
        "Без указания причины",
        "Возможна компрометация ключа",
        "Изменились сведения о владельце",
        "Заменён новым сертификатом",
        "Больше не нужен",
    ],
};
