//! The words of the auditor's pages: the audit trail with its filters and the chain's status,
//! and the exports.

use crate::identity::values::Language;

/// The audit pages' words in one language.
pub struct AuditWords {
    /// Title: the audit trail.
    pub title: &'static str,
    /// Heading: the chain's status.
    pub chain: &'static str,
    /// Label: entries recorded.
    pub entries: &'static str,
    /// Label: entries linked.
    pub linked: &'static str,
    /// Label: entries waiting.
    pub pending: &'static str,
    /// Label: the newest checkpoint.
    pub checkpoint: &'static str,
    /// No checkpoint yet.
    pub no_checkpoint: &'static str,
    /// Before the checkpoint's entry number.
    pub at_entry: &'static str,
    /// Before when it was signed.
    pub signed_on: &'static str,
    /// Label: the chain head.
    pub head: &'static str,
    /// Verdict: intact.
    pub intact: &'static str,
    /// Verdict: broken.
    pub broken: &'static str,
    /// Before the range re-verified.
    pub checked: &'static str,
    /// How the check is made.
    pub how: &'static str,
    /// Label: the root's fingerprint.
    pub root: &'static str,
    /// Heading: filters.
    pub filters: &'static str,
    /// Label: from date.
    pub from: &'static str,
    /// Label: until date.
    pub until: &'static str,
    /// Label: action prefix.
    pub action: &'static str,
    /// Label and column: who.
    pub actor_kind: &'static str,
    /// Label: the actor's id.
    pub actor_id: &'static str,
    /// Actor: the service.
    pub kind_system: &'static str,
    /// Actor: not signed in.
    pub kind_anonymous: &'static str,
    /// Actor: subscriber.
    pub kind_subscriber: &'static str,
    /// Actor: staff.
    pub kind_staff: &'static str,
    /// Actor: partner.
    pub kind_partner: &'static str,
    /// Actor: a folder agent with its machine credential.
    pub kind_agent: &'static str,
    /// Label: object type.
    pub object_type: &'static str,
    /// Label: object id.
    pub object_id: &'static str,
    /// Label and column: outcome.
    pub outcome: &'static str,
    /// Outcome: success.
    pub success: &'static str,
    /// Outcome: failure.
    pub failure: &'static str,
    /// Outcome: denied.
    pub denied: &'static str,
    /// Label: from entry number.
    pub seq_from: &'static str,
    /// Label: to entry number.
    pub seq_to: &'static str,
    /// Choice: any.
    pub any: &'static str,
    /// Label: page size.
    pub page_size: &'static str,
    /// Button: apply.
    pub apply: &'static str,
    /// Link: reset.
    pub reset: &'static str,
    /// Before the count.
    pub found: &'static str,
    /// Nothing matches.
    pub none: &'static str,
    /// Column: entry number.
    pub col_seq: &'static str,
    /// Column: time.
    pub col_time: &'static str,
    /// Column: action.
    pub col_action: &'static str,
    /// Column: object.
    pub col_object: &'static str,
    /// Column: signed.
    pub col_signed: &'static str,
    /// Not linked yet.
    pub not_linked: &'static str,
    /// Signed: yes.
    pub yes: &'static str,
    /// Signed: not yet.
    pub not_yet: &'static str,
    /// Summary: the entry's details.
    pub details: &'static str,
    /// Label: request id.
    pub request: &'static str,
    /// Label: client address.
    pub address: &'static str,
    /// Label: chain hash.
    pub hash: &'static str,
    /// Heading: exports.
    pub exports: &'static str,
    /// Heading: chain segment.
    pub segment: &'static str,
    /// What it is for.
    pub segment_hint: &'static str,
    /// Label: first entry.
    pub seg_from: &'static str,
    /// Label: last entry.
    pub seg_to: &'static str,
    /// Button: download the segment.
    pub download_segment: &'static str,
    /// Heading: delivery protocols.
    pub deliveries: &'static str,
    /// What the archive holds.
    pub deliveries_hint: &'static str,
    /// Label: sent from.
    pub sent_from: &'static str,
    /// Label: sent until.
    pub sent_until: &'static str,
    /// Label: the organisation's INN.
    pub org_inn: &'static str,
    /// Label: the PDFs' language.
    pub pdf_lang: &'static str,
    /// Button: download the protocols.
    pub download_deliveries: &'static str,
    /// Link: previous page.
    pub previous: &'static str,
    /// Link: next page.
    pub next_page: &'static str,
    /// Before the page number.
    pub page_label: &'static str,
    /// Between page and pages.
    pub page_of: &'static str,
}

impl AuditWords {
    /// The words of `lang`.
    pub fn of(lang: Language) -> &'static AuditWords {
        match lang {
            Language::En => &EN,
            Language::Ru => &RU,
        }
    }
}

static EN: AuditWords = AuditWords {
    title: "Audit trail",
    chain: "The chain",
    entries: "Entries recorded",
    linked: "Linked into the chain",
    pending: "Waiting to be linked",
    checkpoint: "Newest signed checkpoint",
    no_checkpoint: "No checkpoint has been signed yet.",
    at_entry: "at entry №",
    signed_on: "signed",
    head: "Chain head (SHA-256)",
    intact: "Intact",
    broken: "BROKEN",
    checked: "entries re-verified just now:",
    how: "the links, the checkpoint signatures and the seal certificate's chain to our root, by the same verifier as the offline tool",
    root: "Root certificate SHA-256",
    filters: "Filters",
    from: "From (date)",
    until: "Until (date)",
    action: "Action starts with",
    actor_kind: "Who",
    actor_id: "Their id",
    kind_system: "the service",
    kind_anonymous: "not signed in",
    kind_subscriber: "subscriber",
    kind_staff: "staff",
    kind_partner: "partner",
    kind_agent: "folder agent",
    object_type: "Object type",
    object_id: "Object id",
    outcome: "Outcome",
    success: "success",
    failure: "failure",
    denied: "denied",
    seq_from: "Entry № from",
    seq_to: "Entry № to",
    any: "any",
    page_size: "Per page",
    apply: "Show",
    reset: "Reset filter",
    found: "Entries found:",
    none: "No entry matches the filters.",
    col_seq: "№",
    col_time: "Time (UTC)",
    col_action: "Action",
    col_object: "Object",
    col_signed: "Signed",
    not_linked: "not linked yet",
    yes: "yes",
    not_yet: "not yet",
    details: "Details",
    request: "Request",
    address: "Address",
    hash: "Chain hash",
    exports: "Exports",
    segment: "Chain segment",
    segment_hint: "JSON Lines ending on a signed checkpoint, to verify without the server: cloudseal audit verify FILE. Exporting is recorded in the trail.",
    seg_from: "From entry № (empty: the first)",
    seg_to: "To entry № (empty: the newest)",
    download_segment: "Download the segment",
    deliveries: "Delivery protocols",
    deliveries_hint: "For a period and/or an organisation: one ZIP with each sending's sealed protocol (JSON and PDF), an index, and the chain segment that covers them.",
    sent_from: "Sent from (date)",
    sent_until: "Sent until (date)",
    org_inn: "Organisation's INN (10 digits)",
    pdf_lang: "Language of the PDFs",
    download_deliveries: "Download the protocols",
    previous: "Previous",
    next_page: "Next",
    page_label: "Page",
    page_of: "of",
};

static RU: AuditWords = AuditWords {
    title: "Журнал аудита",
    chain: "Цепочка записей",
    entries: "Записей в журнале",
    linked: "Включено в цепочку",
    pending: "Ожидают включения",
    checkpoint: "Последняя подписанная контрольная точка",
    no_checkpoint: "Контрольные точки ещё не подписывались.",
    at_entry: "на записи №",
    signed_on: "подписана",
    head: "Вершина цепочки (SHA-256)",
    intact: "Цепочка цела",
    broken: "ЦЕПОЧКА НАРУШЕНА",
    checked: "только что перепроверены записи:",
    how: "связи, подписи контрольных точек и цепочка сертификата печати до нашего корневого — тем же проверяющим, что и автономная утилита",
    root: "SHA-256 корневого сертификата",
    filters: "Фильтры",
    from: "С (дата)",
    until: "По (дата)",
    action: "Действие начинается с",
    actor_kind: "Кто",
    actor_id: "ID участника",
    kind_system: "сервис",
    kind_anonymous: "без входа",
    kind_subscriber: "абонент",
    kind_staff: "сотрудник",
    kind_partner: "партнёр",
    kind_agent: "агент каталога",
    object_type: "Тип объекта",
    object_id: "ID объекта",
    outcome: "Результат",
    success: "успешно",
    failure: "неудача",
    denied: "отказано",
    seq_from: "Запись № с",
    seq_to: "Запись № по",
    any: "любой",
    page_size: "На странице",
    apply: "Показать",
    reset: "Сбросить фильтр",
    found: "Найдено записей:",
    none: "Нет записей, подходящих под условия.",
    col_seq: "№",
    col_time: "Время (UTC)",
    col_action: "Действие",
    col_object: "Объект",
    col_signed: "Подписана",
    not_linked: "ещё не в цепочке",
    yes: "да",
    not_yet: "ещё нет",
    details: "Подробности",
    request: "Запрос",
    address: "Адрес",
    hash: "Хэш цепочки",
    exports: "Выгрузки",
    segment: "Фрагмент цепочки",
    segment_hint: "JSON Lines, заканчивается подписанной контрольной точкой; проверяется без сервера: cloudseal audit verify ФАЙЛ. Выгрузка записывается в журнал.",
    seg_from: "С записи № (пусто — с первой)",
    seg_to: "По запись № (пусто — до последней)",
    download_segment: "Скачать фрагмент",
    deliveries: "Протоколы доставки",
    deliveries_hint: "За период и/или по организации: один ZIP с подписанным протоколом каждого отправления (JSON и PDF), оглавлением и покрывающим их фрагментом цепочки.",
    sent_from: "Отправлены с (дата)",
    sent_until: "Отправлены по (дата)",
    org_inn: "ИНН организации (10 цифр)",
    pdf_lang: "Язык PDF",
    download_deliveries: "Скачать протоколы",
    previous: "Назад",
    next_page: "Далее",
    page_label: "Страница",
    page_of: "из",
};
