//! The words of the application pages: the list, the form, and one application with its
//! process panel and what the applicant is expected to do next.

use crate::identity::values::Language;
use crate::registration::Status;
use crate::registration::values::Track;

/// The application pages' words in one language.
pub struct AppWords {
    /// Title of the list and of the navigation link.
    pub title: &'static str,
    /// Link and title of the form.
    pub new: &'static str,
    /// Heading of one application (followed by its number).
    pub application: &'static str,
    /// The list's count (followed by the number).
    pub found: &'static str,
    /// Link to the previous page of the list.
    pub previous: &'static str,
    /// Link to the next page of the list.
    pub next_page: &'static str,
    /// Form section: the product and where to be identified.
    pub what: &'static str,
    /// Label: product.
    pub product: &'static str,
    /// Label: point of issue.
    pub point: &'static str,
    /// Partners only: the client's account.
    pub client_email: &'static str,
    /// Form section: the person.
    pub person: &'static str,
    /// Label: individual or employee.
    pub kind: &'static str,
    /// An individual.
    pub individual: &'static str,
    /// An employee of an organisation.
    pub employee: &'static str,
    /// Label: surname.
    pub surname: &'static str,
    /// Label: given name.
    pub given_name: &'static str,
    /// Label: patronymic.
    pub patronymic: &'static str,
    /// Label: date of birth.
    pub birth_date: &'static str,
    /// Label: citizenship.
    pub citizenship: &'static str,
    /// Label: country of residence.
    pub residence: &'static str,
    /// Hint for the two country fields.
    pub country_hint: &'static str,
    /// Label: address abroad.
    pub address: &'static str,
    /// Label: SNILS.
    pub snils: &'static str,
    /// Hint: when SNILS is needed.
    pub snils_hint: &'static str,
    /// Label: personal INN.
    pub inn: &'static str,
    /// Form section: the identity document.
    pub document: &'static str,
    /// Label: which document.
    pub document_kind: &'static str,
    /// A Russian internal passport.
    pub russian_passport: &'static str,
    /// A foreign or international passport.
    pub foreign_passport: &'static str,
    /// Label: series.
    pub series: &'static str,
    /// Label: document number.
    pub document_number: &'static str,
    /// Label: date of issue.
    pub issued_on: &'static str,
    /// Label: issuing authority.
    pub issued_by: &'static str,
    /// Label: code of the issuing unit.
    pub issuer_code: &'static str,
    /// Form section: the organisation (employees only).
    pub organisation: &'static str,
    /// Label: organisation's name.
    pub org_name: &'static str,
    /// Label: organisation's INN.
    pub org_inn: &'static str,
    /// Label: KPP.
    pub kpp: &'static str,
    /// Label: OGRN.
    pub ogrn: &'static str,
    /// Label: position.
    pub position: &'static str,
    /// The form's button.
    pub file: &'static str,
    /// Title: correcting an application's data.
    pub edit_title: &'static str,
    /// Link: correct the data (until identification).
    pub edit: &'static str,
    /// Button: save the corrected data.
    pub save: &'static str,
    /// What saving does.
    pub edit_note: &'static str,
    /// Optional field marker.
    pub optional: &'static str,
    /// A date typed in another shape (followed by the field's label).
    pub bad_date: &'static str,
    /// A choice missing from the form (followed by the field's label).
    pub choose: &'static str,
    /// Heading: the process panel.
    pub process: &'static str,
    /// Heading: what happens next.
    pub next: &'static str,
    /// Heading: the data in the application.
    pub details: &'static str,
    /// Label: invoice.
    pub invoice: &'static str,
    /// Label: price.
    pub price: &'static str,
    /// Label: paid on.
    pub paid: &'static str,
    /// Label: filed on.
    pub filed: &'static str,
    /// Label: cloud or own key.
    pub track: &'static str,
    /// The cloud track.
    pub cloud: &'static str,
    /// The own-key track.
    pub own_key: &'static str,
    /// Heading: checks.
    pub checks: &'static str,
    /// A check passed.
    pub passed: &'static str,
    /// A check failed.
    pub failed: &'static str,
    /// A check does not apply.
    pub not_applicable: &'static str,
    /// Heading: certificates issued on the application.
    pub issued: &'static str,
    /// Heading: history.
    pub history: &'static str,
    /// Column: when.
    pub when: &'static str,
    /// Column: remark.
    pub remark: &'static str,
    /// Button: confirm the certificate data.
    pub confirm: &'static str,
    /// Label: the PKCS#10 file.
    pub csr_file: &'static str,
    /// Button: send the request.
    pub send_request: &'static str,
    /// Heading and button: withdraw.
    pub withdraw: &'static str,
    /// Label: why (optional).
    pub reason: &'static str,
    /// Button: open the activation form.
    pub activate: &'static str,
    /// Rejected: the reason follows.
    pub rejected_because: &'static str,
}

impl AppWords {
    /// The words of `lang`.
    pub fn of(lang: Language) -> &'static AppWords {
        match lang {
            Language::En => &EN,
            Language::Ru => &RU,
        }
    }

    /// What the applicant is expected to do, or to wait for, while the application is in
    /// `status`; the own-key track is asked for its request instead of a confirmation.
    pub fn expected(&self, status: Status, track: Track) -> &'static str {
        let ru = std::ptr::eq(self, &RU);
        match (status, ru) {
            (Status::DataCheck, false) => {
                "We are checking your data; an operator reviews it. If a check below failed, correct the data or wait for the operator's message."
            }
            (Status::DataCheck, true) => {
                "Мы проверяем ваши данные, их смотрит оператор. Если какая-то проверка ниже не пройдена, исправьте данные или дождитесь сообщения оператора."
            }
            (Status::AwaitingPayment, false) => {
                "Pay the invoice named below. The status changes once the payment is recorded."
            }
            (Status::AwaitingPayment, true) => {
                "Оплатите счёт, указанный ниже. Статус изменится, как только оплата будет учтена."
            }
            (Status::AwaitingRequest, false) => match track {
                Track::Cloud => {
                    "Check the data below: it goes into your certificate. Confirm it, and the key will be made in the vault when you activate the certificate."
                }
                Track::OwnKey => {
                    "Make the certificate request (PKCS#10) on your token and upload it here."
                }
            },
            (Status::AwaitingRequest, true) => match track {
                Track::Cloud => {
                    "Проверьте данные ниже: они войдут в сертификат. Подтвердите их — ключ будет создан в хранилище, когда вы активируете сертификат."
                }
                Track::OwnKey => {
                    "Сформируйте запрос на сертификат (PKCS#10) на своём носителе и загрузите его здесь."
                }
            },
            (Status::AwaitingIdentification, false) => {
                "Come to the point of issue named below with the identity document given in the application, to be identified in person."
            }
            (Status::AwaitingIdentification, true) => {
                "Придите в указанный ниже пункт выдачи с документом, удостоверяющим личность, указанным в заявлении, для личной идентификации."
            }
            (Status::Issuing, false) => {
                "You were identified. We sent you an activation code by SMS: enter it on the certificate's activation page and set your signing PIN."
            }
            (Status::Issuing, true) => {
                "Вы идентифицированы. Мы отправили вам код активации в SMS: введите его на странице активации сертификата и задайте PIN подписи."
            }
            (Status::PreparingDocuments, false) => {
                "Your certificate is active. We are preparing the shipping documents."
            }
            (Status::PreparingDocuments, true) => {
                "Ваш сертификат действует. Мы готовим отгрузочные документы."
            }
            (Status::AwaitingCompletion, false) => {
                "Sign the shipping documents; the operator confirms when they are collected."
            }
            (Status::AwaitingCompletion, true) => {
                "Подпишите отгрузочные документы; оператор подтвердит их получение."
            }
            (Status::AwaitingScans, false) => {
                "The scans of the signed documents are being uploaded; nothing is needed from you."
            }
            (Status::AwaitingScans, true) => {
                "Сканы подписанных документов загружаются; от вас ничего не требуется."
            }
            (Status::Completed, false) => "Done. Your certificate is in your certificates.",
            (Status::Completed, true) => "Готово. Сертификат — в разделе «Сертификаты».",
            (Status::Rejected, false) => {
                "The application was rejected. You may file a new one with corrected data."
            }
            (Status::Rejected, true) => {
                "Заявление отклонено. Вы можете подать новое с исправленными данными."
            }
            (Status::Cancelled, false) => "The application was withdrawn.",
            (Status::Cancelled, true) => "Заявление отозвано.",
        }
    }

    /// A background check's name as people read it; a check this page does not know keeps
    /// its stable name.
    pub fn check_name<'a>(&self, name: &'a str) -> &'a str {
        let ru = std::ptr::eq(self, &RU);
        let (en, ru_name) = match name {
            "snils_checksum" => ("SNILS checksum", "Контрольное число СНИЛС"),
            "snils_owner" => (
                "SNILS belongs to the applicant",
                "СНИЛС принадлежит заявителю",
            ),
            "inn_checksum" => ("INN checksum", "Контрольное число ИНН"),
            "inn_by_passport" => ("INN matches the passport", "ИНН соответствует паспорту"),
            "passport_format" => ("Passport series and number", "Серия и номер паспорта"),
            "passport_not_invalid" => (
                "Passport not in the invalid-passports list",
                "Паспорт не в списке недействительных",
            ),
            "org_inn_checksum" => ("Organisation's INN", "ИНН организации"),
            "kpp_format" => ("KPP", "КПП"),
            "ogrn_checksum" => ("OGRN checksum", "Контрольное число ОГРН"),
            "legal_entity_extract" => ("Register extract", "Выписка из ЕГРЮЛ"),
            other => return other,
        };
        if ru { ru_name } else { en }
    }
}

/// English.
pub static EN: AppWords = AppWords {
    title: "Applications",
    new: "New application",
    application: "Application No.",
    found: "Applications found:",
    previous: "Previous",
    next_page: "Next",
    what: "Certificate and place of identification",
    product: "Certificate",
    point: "Point of issue",
    client_email: "Your client's account email",
    person: "The applicant",
    kind: "Applying as",
    individual: "a private person",
    employee: "an employee of an organisation",
    surname: "Surname",
    given_name: "Given name",
    patronymic: "Patronymic",
    birth_date: "Date of birth",
    citizenship: "Citizenship",
    residence: "Country of residence",
    country_hint: "Two-letter country code, e.g. RU, DE, CY.",
    address: "Postal address abroad",
    snils: "SNILS",
    snils_hint: "Required for a qualified certificate.",
    inn: "INN",
    document: "Identity document",
    document_kind: "Document",
    russian_passport: "Russian passport",
    foreign_passport: "Foreign or international passport",
    series: "Series",
    document_number: "Number",
    issued_on: "Date of issue",
    issued_by: "Issued by",
    issuer_code: "Issuing unit code",
    organisation: "Organisation (employees only)",
    org_name: "Full name",
    org_inn: "INN of the organisation",
    kpp: "KPP",
    ogrn: "OGRN",
    position: "Your position",
    file: "File the application",
    edit_title: "Correct the data",
    edit: "Correct the data",
    save: "Save the data",
    edit_note: "The checks run again on the corrected data. The certificate and the point of issue stay as filed.",
    optional: "optional",
    bad_date: "Enter the date as YYYY-MM-DD:",
    choose: "Choose a value:",
    process: "Progress",
    next: "What happens next",
    details: "Details",
    invoice: "Invoice",
    price: "Price",
    paid: "Paid",
    filed: "Filed",
    track: "Key",
    cloud: "kept in the cloud vault",
    own_key: "on your own token",
    checks: "Checks",
    passed: "passed",
    failed: "failed",
    not_applicable: "does not apply",
    issued: "Certificates issued",
    history: "History",
    when: "When",
    remark: "Remark",
    confirm: "Confirm the data",
    csr_file: "Certificate request (PEM or DER)",
    send_request: "Send the request",
    withdraw: "Withdraw the application",
    reason: "Reason (optional)",
    activate: "Activate the certificate",
    rejected_because: "Reason given:",
};

/// Russian.
pub static RU: AppWords = AppWords {
    title: "Заявления",
    new: "Новое заявление",
    application: "Заявление №",
    found: "Найдено заявлений:",
    previous: "Назад",
    next_page: "Далее",
    what: "Сертификат и место идентификации",
    product: "Сертификат",
    point: "Пункт выдачи",
    client_email: "Email учётной записи клиента",
    person: "Заявитель",
    kind: "Подаю как",
    individual: "физическое лицо",
    employee: "сотрудник организации",
    surname: "Фамилия",
    given_name: "Имя",
    patronymic: "Отчество",
    birth_date: "Дата рождения",
    citizenship: "Гражданство",
    residence: "Страна проживания",
    country_hint: "Двухбуквенный код страны, например RU, DE, CY.",
    address: "Почтовый адрес за рубежом",
    snils: "СНИЛС",
    snils_hint: "Обязателен для квалифицированного сертификата.",
    inn: "ИНН",
    document: "Документ, удостоверяющий личность",
    document_kind: "Документ",
    russian_passport: "Паспорт гражданина РФ",
    foreign_passport: "Заграничный или иностранный паспорт",
    series: "Серия",
    document_number: "Номер",
    issued_on: "Дата выдачи",
    issued_by: "Кем выдан",
    issuer_code: "Код подразделения",
    organisation: "Организация (только для сотрудников)",
    org_name: "Полное наименование",
    org_inn: "ИНН организации",
    kpp: "КПП",
    ogrn: "ОГРН",
    position: "Должность",
    file: "Подать заявление",
    edit_title: "Исправление данных заявления",
    edit: "Исправить данные",
    save: "Сохранить данные",
    edit_note: "Проверки будут выполнены заново по исправленным данным. Сертификат и пункт выдачи остаются прежними.",
    optional: "необязательно",
    bad_date: "Введите дату в виде ГГГГ-ММ-ДД:",
    choose: "Выберите значение:",
    process: "Ход исполнения",
    next: "Что дальше",
    details: "Сведения",
    invoice: "Счёт",
    price: "Стоимость",
    paid: "Оплачен",
    filed: "Подано",
    track: "Ключ",
    cloud: "в облачном хранилище",
    own_key: "на вашем носителе",
    checks: "Проверки",
    passed: "пройдена",
    failed: "не пройдена",
    not_applicable: "не применяется",
    issued: "Выпущенные сертификаты",
    history: "История",
    when: "Когда",
    remark: "Примечание",
    confirm: "Подтвердить данные",
    csr_file: "Запрос на сертификат (PEM или DER)",
    send_request: "Отправить запрос",
    withdraw: "Отозвать заявление",
    reason: "Причина (необязательно)",
    activate: "Активировать сертификат",
    rejected_because: "Причина:",
};
