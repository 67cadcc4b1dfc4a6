//! The words of an application's Documents tab: the printed forms, the scans of the signed set
//! and the paper originals.

use crate::identity::values::Language;

/// The Documents tab's words in one language.
pub struct PaperWords {
    /// Label of the tab list.
    pub tabs: &'static str,
    /// Tab: details.
    pub details: &'static str,
    /// Tab: documents.
    pub documents: &'static str,
    /// Heading: the documents to print and sign.
    pub printed: &'static str,
    /// What to do with them.
    pub printed_hint: &'static str,
    /// Paper: the application.
    pub paper_application_form: &'static str,
    /// Paper: the invoice.
    pub paper_invoice: &'static str,
    /// Paper: the certificate form.
    pub paper_certificate_form: &'static str,
    /// Paper: the act of acceptance.
    pub paper_act: &'static str,
    /// Paper: the security guide.
    pub paper_security_guide: &'static str,
    /// A paper not yet available.
    pub after_activation: &'static str,
    /// Heading: the scans.
    pub scans: &'static str,
    /// What the scans may be.
    pub scans_hint: &'static str,
    /// Scan: the signed application.
    pub scan_application_form: &'static str,
    /// Scan: the signed certificate form.
    pub scan_certificate_form: &'static str,
    /// Scan: the signed act.
    pub scan_act: &'static str,
    /// Scan: the identity document.
    pub scan_identity_document: &'static str,
    /// Scan: SNILS.
    pub scan_snils: &'static str,
    /// Scan: the authority.
    pub scan_authority: &'static str,
    /// Column: document.
    pub document: &'static str,
    /// Column: needed.
    pub needed: &'static str,
    /// Needed to complete.
    pub required: &'static str,
    /// Not needed to complete.
    pub optional: &'static str,
    /// Column: the file.
    pub file: &'static str,
    /// No scan yet.
    pub missing: &'static str,
    /// Before who uploaded it.
    pub uploaded_by: &'static str,
    /// Uploader: the applicant.
    pub by_subscriber: &'static str,
    /// Uploader: the operator.
    pub by_staff: &'static str,
    /// Uploader: a partner.
    pub by_partner: &'static str,
    /// Label: the file to upload.
    pub choose: &'static str,
    /// Button: upload.
    pub upload: &'static str,
    /// Button: replace.
    pub replace: &'static str,
    /// Button: delete.
    pub delete: &'static str,
    /// Link: download.
    pub download: &'static str,
    /// Scans can no longer change.
    pub closed: &'static str,
    /// Before the list of missing required scans.
    pub still_missing: &'static str,
    /// Every required scan is there.
    pub all_there: &'static str,
    /// Heading: paper originals.
    pub originals: &'static str,
    /// Label: the deadline.
    pub originals_due: &'static str,
    /// Label: when received.
    pub originals_received: &'static str,
    /// Not received yet.
    pub originals_awaited: &'static str,
    /// Button: the operator marks them received.
    pub mark_received: &'static str,
}

impl PaperWords {
    /// The words of `lang`.
    pub fn of(lang: Language) -> &'static PaperWords {
        match lang {
            Language::En => &EN,
            Language::Ru => &RU,
        }
    }
}

static EN: PaperWords = PaperWords {
    tabs: "Application sections",
    details: "Details",
    documents: "Documents",
    printed: "Documents to print and sign",
    printed_hint: "Print these, have them signed, and upload their scans below.",
    paper_application_form: "Application for the certificate",
    paper_invoice: "Invoice",
    paper_certificate_form: "Certificate form",
    paper_act: "Act of acceptance",
    paper_security_guide: "Security guide",
    after_activation: "available once the certificate is activated",
    scans: "Scans of the signed documents",
    scans_hint: "PDF, JPEG or PNG; the largest file:",
    scan_application_form: "Signed application",
    scan_certificate_form: "Signed certificate form",
    scan_act: "Signed act of acceptance",
    scan_identity_document: "Identity document (main page)",
    scan_snils: "SNILS",
    scan_authority: "Authority (order or power of attorney)",
    document: "Document",
    needed: "Needed",
    required: "required",
    optional: "optional",
    file: "File",
    missing: "not uploaded",
    uploaded_by: "uploaded by",
    by_subscriber: "the applicant",
    by_staff: "the operator",
    by_partner: "the partner",
    choose: "File for",
    upload: "Upload",
    replace: "Replace",
    delete: "Delete",
    download: "Download",
    closed: "The application is closed; its scans can no longer change.",
    still_missing: "Still needed to complete:",
    all_there: "Every required scan is uploaded.",
    originals: "Paper originals",
    originals_due: "Must arrive by",
    originals_received: "Received",
    originals_awaited: "not received yet",
    mark_received: "The originals have arrived",
};

static RU: PaperWords = PaperWords {
    tabs: "Разделы заявления",
    details: "Сведения",
    documents: "Документы",
    printed: "Печатные формы",
    printed_hint: "Распечатайте, подпишите и загрузите их сканы ниже.",
    paper_application_form: "Заявление на изготовление сертификата",
    paper_invoice: "Счёт на оплату",
    paper_certificate_form: "Бланк сертификата",
    paper_act: "Акт приёма-передачи",
    paper_security_guide: "Памятка по безопасности",
    after_activation: "доступен после активации сертификата",
    scans: "Сканы подписанных документов",
    scans_hint: "PDF, JPEG или PNG; наибольший размер файла:",
    scan_application_form: "Подписанное заявление",
    scan_certificate_form: "Подписанный бланк сертификата",
    scan_act: "Подписанный акт приёма-передачи",
    scan_identity_document: "Документ, удостоверяющий личность (главная страница)",
    scan_snils: "СНИЛС",
    scan_authority: "Документ о полномочиях (приказ или доверенность)",
    document: "Документ",
    needed: "Нужен",
    required: "обязателен",
    optional: "по желанию",
    file: "Файл",
    missing: "не загружен",
    uploaded_by: "загрузил",
    by_subscriber: "заявитель",
    by_staff: "оператор",
    by_partner: "партнёр",
    choose: "Файл:",
    upload: "Загрузить",
    replace: "Заменить",
    delete: "Удалить",
    download: "Скачать",
    closed: "Заявление закрыто; сканы больше нельзя изменить.",
    still_missing: "Для завершения не хватает:",
    all_there: "Все обязательные сканы загружены.",
    originals: "Оригиналы документов",
    originals_due: "Должны поступить до",
    originals_received: "Получены",
    originals_awaited: "ещё не получены",
    mark_received: "Оригиналы получены",
};
