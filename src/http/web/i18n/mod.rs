//! Every word the cabinet shows, in English and Russian. One struct per area of pages holds
//! them (this file the words every page shares), so a string missing in either language is a
//! compile error, not a page in two languages.

mod account;
mod admin;
mod applications;
mod audit;
mod book;
mod certificates;
mod desk;
mod documents;
mod papers;
mod sendings;

use crate::identity::values::Language;
use crate::registration::Status;
use crate::registration::views::CertificateStatus;
pub use account::AccountWords;
pub use admin::AdminWords;
pub use applications::AppWords;
pub use audit::AuditWords;
pub use book::BookWords;
pub use certificates::CertWords;
pub use desk::DeskWords;
pub use documents::DocWords;
pub use papers::PaperWords;
pub use sendings::SendWords;

/// The cabinet's words in one language.
pub struct Tr {
    /// `en` or `ru` (the page's `lang`).
    pub code: &'static str,
    /// The other language's code, for the switch.
    pub other_code: &'static str,
    /// The other language's name, in that language.
    pub other_name: &'static str,
    /// Label of the language switch.
    pub language: &'static str,
    /// Link past the navigation, for keyboards and screen readers.
    pub skip: &'static str,
    /// The cabinet (dashboard) link and title.
    pub cabinet: &'static str,
    /// The public verification page link.
    pub verify: &'static str,
    /// Sign-in link, title and button.
    pub sign_in: &'static str,
    /// Sign-out button.
    pub sign_out: &'static str,
    /// Label of the login field.
    pub login: &'static str,
    /// Label of the password field.
    pub password: &'static str,
    /// Button from password to the second factor.
    pub next: &'static str,
    /// Title of the second-factor step.
    pub confirm_title: &'static str,
    /// Where the SMS went (followed by the masked number).
    pub sms_sent: &'static str,
    /// What to type for an authenticator.
    pub totp_hint: &'static str,
    /// Label of the code field.
    pub code_label: &'static str,
    /// A confirmation code went by SMS to the account's phone.
    pub code_by_sms: &'static str,
    /// The code is accepted until (followed by the time).
    pub code_until: &'static str,
    /// Button: start again with a new code.
    pub new_code: &'static str,
    /// Greeting (followed by the name).
    pub hello: &'static str,
    /// Certificates heading.
    pub certificates: &'static str,
    /// The documents link.
    pub documents: &'static str,
    /// The operator's queue link.
    pub desk: &'static str,
    /// The auditor's link to the audit trail.
    pub audit: &'static str,
    /// The administrator's link.
    pub admin: &'static str,
    /// The address book's link.
    pub address_book: &'static str,
    /// The security page's link and title.
    pub security: &'static str,
    /// The sendings link.
    pub sendings: &'static str,
    /// No certificate yet.
    pub no_certificates: &'static str,
    /// Column: serial number.
    pub serial: &'static str,
    /// Column: validity.
    pub valid: &'static str,
    /// Column: status.
    pub status: &'static str,
    /// Applications heading.
    pub applications: &'static str,
    /// No application yet.
    pub no_applications: &'static str,
    /// Column: application number.
    pub number: &'static str,
    /// Column: product.
    pub product: &'static str,
    /// Column: last change.
    pub updated: &'static str,
    /// Received sendings heading.
    pub received: &'static str,
    /// Nothing received.
    pub no_received: &'static str,
    /// Column: subject.
    pub subject: &'static str,
    /// Column: sender.
    pub sender: &'static str,
    /// Marks an unread sending.
    pub unread: &'static str,
    /// Wrong login or password.
    pub bad_credentials: &'static str,
    /// Wrong or expired code.
    pub bad_code: &'static str,
    /// Too many attempts (followed by the time it lifts).
    pub locked: &'static str,
    /// Too many requests.
    pub slow_down: &'static str,
    /// A code asked again too soon (or too often).
    pub resend_later: &'static str,
    /// The account's email or phone is not confirmed yet.
    pub not_confirmed: &'static str,
    /// A form without its token, or with a stale one.
    pub form_expired: &'static str,
    /// Title of an error page.
    pub error_title: &'static str,
    /// A page or object that does not exist (or is someone else's).
    pub not_found: &'static str,
    /// The page is not for this role.
    pub forbidden: &'static str,
    /// Our fault or a dependency's.
    pub try_later: &'static str,
    /// The service's details of a refusal are in English.
    pub details_in_english: &'static str,
    /// Link back home.
    pub back: &'static str,
    /// Title of the verification page.
    pub verify_title: &'static str,
    /// Label of the signature file field.
    pub signature_file: &'static str,
    /// Label of the signed document field.
    pub document_file: &'static str,
    /// Button that verifies.
    pub verify_button: &'static str,
    /// Title of the protocol check page.
    pub check_title: &'static str,
    /// What a protocol check tells.
    pub check_intro: &'static str,
    /// Label of the protocol file field.
    pub protocol_file: &'static str,
    /// Button that checks a protocol.
    pub check_button: &'static str,
    /// The seal is ours and the file unchanged.
    pub seal_holds: &'static str,
    /// The seal does not hold.
    pub seal_broken: &'static str,
    /// When it was sealed.
    pub sealed_at: &'static str,
    /// Who sealed it.
    pub sealed_by: &'static str,
    /// Which protocol.
    pub kind: &'static str,
    /// A signature verification protocol.
    pub kind_verification: &'static str,
    /// A delivery protocol.
    pub kind_delivery: &'static str,
    /// File format.
    pub format: &'static str,
    /// What is wrong.
    pub problems: &'static str,
    /// A form without its file.
    pub no_file: &'static str,
    /// Refusal: an on/off choice that is neither (a hand-made form).
    pub bad_choice: &'static str,
}

impl Tr {
    /// The words of `lang`.
    pub fn of(lang: Language) -> &'static Tr {
        match lang {
            Language::En => &EN,
            Language::Ru => &RU,
        }
    }

    /// A certificate's status in words.
    pub fn certificate_status(&self, s: CertificateStatus) -> &'static str {
        let ru = self.code == "ru";
        match (s, ru) {
            (CertificateStatus::PendingActivation, false) => "Waiting for activation",
            (CertificateStatus::PendingActivation, true) => "Ожидает активации",
            (CertificateStatus::Active, false) => "Active",
            (CertificateStatus::Active, true) => "Действует",
            (CertificateStatus::Revoked, false) => "Revoked",
            (CertificateStatus::Revoked, true) => "Отозван",
            (CertificateStatus::Expired, false) => "Expired",
            (CertificateStatus::Expired, true) => "Истёк",
        }
    }

    /// An application's status in words (Russian: the names operators know).
    pub fn application_status(&self, s: Status) -> &'static str {
        if self.code == "ru" {
            return s.label_ru();
        }
        match s {
            Status::DataCheck => "Checking the data",
            Status::AwaitingPayment => "Awaiting payment",
            Status::AwaitingRequest => "Awaiting the certificate request",
            Status::AwaitingIdentification => "Awaiting identification",
            Status::Issuing => "Issuing the certificate",
            Status::PreparingDocuments => "Preparing the shipping documents",
            Status::AwaitingCompletion => "Awaiting confirmation of completion",
            Status::AwaitingScans => "Awaiting the signed documents",
            Status::Completed => "Completed",
            Status::Rejected => "Rejected",
            Status::Cancelled => "Cancelled",
        }
    }
}

/// English.
pub static EN: Tr = Tr {
    code: "en",
    other_code: "ru",
    other_name: "Русский",
    language: "Language",
    skip: "Skip to content",
    cabinet: "Your cabinet",
    verify: "Verify a signature",
    sign_in: "Sign in",
    sign_out: "Sign out",
    login: "Email or phone",
    password: "Password",
    next: "Continue",
    confirm_title: "Confirm it is you",
    sms_sent: "We sent a code by SMS to",
    totp_hint: "Enter the code from your authenticator app, or one of your recovery codes.",
    code_label: "Code",
    code_by_sms: "We sent a confirmation code by SMS to your account's phone. The SMS names what you are confirming.",
    code_until: "The code is accepted until",
    new_code: "Send a new code",
    hello: "Hello,",
    certificates: "Certificates",
    documents: "Documents",
    desk: "Application queue",
    audit: "Audit trail",
    admin: "Administration",
    address_book: "Address book",
    security: "Security",
    sendings: "Sendings",
    no_certificates: "You have no certificates yet.",
    serial: "Serial number",
    valid: "Valid",
    status: "Status",
    applications: "Applications",
    no_applications: "You have no applications yet.",
    number: "No.",
    product: "Product",
    updated: "Updated",
    received: "Received",
    no_received: "Nothing has been sent to you yet.",
    subject: "Subject",
    sender: "From",
    unread: "unread",
    bad_credentials: "Wrong login or password.",
    bad_code: "The code is wrong or has expired.",
    locked: "Too many failed attempts. Signing in is locked until",
    slow_down: "Too many attempts. Wait a little and try again.",
    resend_later: "A new code cannot be sent yet. Wait a minute and try again, or start over.",
    not_confirmed: "Confirm your email and phone first: follow the link we emailed you.",
    form_expired: "This form has expired. Reload the page and try again.",
    error_title: "Something went wrong",
    not_found: "There is nothing here.",
    forbidden: "This page is not available to your account.",
    try_later: "The service cannot answer right now. Please try again shortly.",
    details_in_english: "Details",
    back: "Back to your cabinet",
    verify_title: "Verify an electronic signature",
    signature_file: "Signature file (.p7s, .sig, .p7m)",
    document_file: "The signed document (for a detached signature)",
    verify_button: "Verify and show the protocol",
    check_title: "Check a protocol",
    check_intro: "Every protocol this service issues carries its seal. Choose the file (JSON, HTML or PDF) to learn whether it is exactly as the service issued it.",
    protocol_file: "Protocol file",
    check_button: "Check the protocol",
    seal_holds: "The seal holds: this file is exactly as the service issued it.",
    seal_broken: "The seal does not hold: this file is not as the service issued it, or the service did not issue it.",
    sealed_at: "Sealed at",
    sealed_by: "Sealed by",
    kind: "Protocol",
    kind_verification: "signature verification",
    kind_delivery: "delivery of a sending",
    format: "Format",
    problems: "What is wrong",
    no_file: "Choose a file first.",
    bad_choice: "The choice is on (true) or off (false).",
};

/// Russian.
pub static RU: Tr = Tr {
    code: "ru",
    other_code: "en",
    other_name: "English",
    language: "Язык",
    skip: "Перейти к содержанию",
    cabinet: "Личный кабинет",
    verify: "Проверить подпись",
    sign_in: "Войти",
    sign_out: "Выйти",
    login: "Email или телефон",
    password: "Пароль",
    next: "Продолжить",
    confirm_title: "Подтвердите вход",
    sms_sent: "Мы отправили код по SMS на номер",
    totp_hint: "Введите код из приложения-аутентификатора или один из резервных кодов.",
    code_label: "Код",
    code_by_sms: "Мы отправили код подтверждения в SMS на телефон вашей учётной записи. В SMS сказано, что вы подтверждаете.",
    code_until: "Код действует до",
    new_code: "Прислать новый код",
    hello: "Здравствуйте,",
    certificates: "Сертификаты",
    documents: "Документы",
    desk: "Очередь заявлений",
    audit: "Журнал аудита",
    admin: "Администрирование",
    address_book: "Адресная книга",
    security: "Безопасность",
    sendings: "Отправления",
    no_certificates: "У вас пока нет сертификатов.",
    serial: "Серийный номер",
    valid: "Срок действия",
    status: "Статус",
    applications: "Заявки",
    no_applications: "У вас пока нет заявок.",
    number: "№",
    product: "Продукт",
    updated: "Изменена",
    received: "Входящие",
    no_received: "Вам пока ничего не отправляли.",
    subject: "Тема",
    sender: "От кого",
    unread: "не прочитано",
    bad_credentials: "Неверный логин или пароль.",
    bad_code: "Код неверный или устарел.",
    locked: "Слишком много неудачных попыток. Вход заблокирован до",
    slow_down: "Слишком много попыток. Подождите немного и попробуйте снова.",
    resend_later: "Новый код пока нельзя отправить. Подождите минуту и попробуйте снова или начните сначала.",
    not_confirmed: "Сначала подтвердите email и телефон: перейдите по ссылке из письма.",
    form_expired: "Форма устарела. Обновите страницу и попробуйте снова.",
    error_title: "Что-то пошло не так",
    not_found: "Здесь ничего нет.",
    forbidden: "Эта страница недоступна для вашей учётной записи.",
    try_later: "Сервис сейчас не может ответить. Попробуйте чуть позже.",
    details_in_english: "Подробности (на английском)",
    back: "Вернуться в кабинет",
    verify_title: "Проверка электронной подписи",
    signature_file: "Файл подписи (.p7s, .sig, .p7m)",
    document_file: "Подписанный документ (для отсоединённой подписи)",
    verify_button: "Проверить и показать протокол",
    check_title: "Проверка протокола",
    check_intro: "Каждый протокол, выданный сервисом, заверен его печатью. Выберите файл (JSON, HTML или PDF), чтобы узнать, совпадает ли он с выданным сервисом.",
    protocol_file: "Файл протокола",
    check_button: "Проверить протокол",
    seal_holds: "Печать верна: файл в точности такой, каким его выдал сервис.",
    seal_broken: "Печать не подтверждена: файл изменён или выдан не этим сервисом.",
    sealed_at: "Заверен",
    sealed_by: "Кем заверен",
    kind: "Протокол",
    kind_verification: "проверки подписи",
    kind_delivery: "доставки отправления",
    format: "Формат",
    problems: "Что не так",
    no_file: "Сначала выберите файл.",
    bad_choice: "Выбор — включено (true) или выключено (false).",
};

/// The name of revocation reason `r` among `names`, given in [`crate::pki::revocation::RevocationReason::ALL`] order
/// (the subscriber's and the operator's wordings differ).
fn reason_in(
    names: &[&'static str; 5],
    r: crate::pki::revocation::RevocationReason,
) -> &'static str {
    let i = crate::pki::revocation::RevocationReason::ALL
        .iter()
        .position(|x| *x == r)
        .unwrap_or_default();
    names[i]
}
