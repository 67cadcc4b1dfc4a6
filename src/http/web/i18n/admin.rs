//! The words of the administrator's page: CA and HSM status, points of issue, products.

use crate::identity::values::Language;

/// The admin page's words in one language.
pub struct AdminWords {
    /// Title: administration.
    pub title: &'static str,
    /// Heading: CA and HSM status.
    pub status: &'static str,
    /// Label: the HSM.
    pub hsm: &'static str,
    /// Label: the database.
    pub database: &'static str,
    /// Reachable.
    pub reachable: &'static str,
    /// Unreachable.
    pub unreachable: &'static str,
    /// Before session figures.
    pub sessions: &'static str,
    /// Before pool figures.
    pub connections: &'static str,
    /// Heading: service certificates.
    pub certificates: &'static str,
    /// Certificate: root CA.
    pub cert_root: &'static str,
    /// Certificate: issuing CA.
    pub cert_issuing: &'static str,
    /// Certificate: TSA.
    pub cert_tsa: &'static str,
    /// Certificate: seal.
    pub cert_seal: &'static str,
    /// Column: subject.
    pub subject: &'static str,
    /// Column: serial.
    pub serial: &'static str,
    /// Column: valid until.
    pub valid_until: &'static str,
    /// After the number of days.
    pub days_left: &'static str,
    /// Column: fingerprint.
    pub fingerprint: &'static str,
    /// Heading: CRLs.
    pub crls: &'static str,
    /// Column: CRL number.
    pub crl_number: &'static str,
    /// Column: issued.
    pub this_update: &'static str,
    /// Column: next update.
    pub next_update: &'static str,
    /// No CRL yet.
    pub no_crl: &'static str,
    /// Label: the audit chain.
    pub audit: &'static str,
    /// Chain intact.
    pub audit_ok: &'static str,
    /// Chain broken.
    pub audit_bad: &'static str,
    /// Link to the audit page.
    pub audit_link: &'static str,
    /// Heading: points of issue.
    pub points: &'static str,
    /// Label: name.
    pub name: &'static str,
    /// Label: region.
    pub region: &'static str,
    /// Label: address.
    pub address: &'static str,
    /// Button: add a point.
    pub add_point: &'static str,
    /// No points yet.
    pub no_points: &'static str,
    /// Heading: products and prices.
    pub products: &'static str,
    /// Column: qualified or simple.
    pub kind: &'static str,
    /// Kind: qualified.
    pub qualified: &'static str,
    /// Kind: simple.
    pub simple: &'static str,
    /// Column: key custody.
    pub track: &'static str,
    /// Track: cloud.
    pub cloud: &'static str,
    /// Track: own key.
    pub own_key: &'static str,
    /// Column: price.
    pub price: &'static str,
}

impl AdminWords {
    /// The words of `lang`.
    pub fn of(lang: Language) -> &'static AdminWords {
        match lang {
            Language::En => &EN,
            Language::Ru => &RU,
        }
    }
}

static EN: AdminWords = AdminWords {
    title: "Administration",
    status: "CA and HSM status",
    hsm: "HSM (PKCS#11 token)",
    database: "Database",
    reachable: "answers",
    unreachable: "does not answer",
    sessions: "sessions open / in use / capacity:",
    connections: "connections open / idle / waiting:",
    certificates: "Service certificates",
    cert_root: "Root CA",
    cert_issuing: "Issuing CA",
    cert_tsa: "Time-stamping authority",
    cert_seal: "Service seal (protocols, audit checkpoints)",
    subject: "Subject",
    serial: "Serial",
    valid_until: "Valid until",
    days_left: "days left",
    fingerprint: "SHA-256",
    crls: "Revocation lists",
    crl_number: "Number",
    this_update: "Issued",
    next_update: "Next update",
    no_crl: "not issued yet",
    audit: "Audit chain",
    audit_ok: "intact",
    audit_bad: "BROKEN",
    audit_link: "open the audit trail",
    points: "Points of issue",
    name: "Name",
    region: "Region",
    address: "Address",
    add_point: "Add the point of issue",
    no_points: "No point of issue yet.",
    products: "Products and prices",
    kind: "Kind",
    qualified: "qualified",
    simple: "simple",
    track: "Key",
    cloud: "in the vault",
    own_key: "own token",
    price: "Price",
};

static RU: AdminWords = AdminWords {
    title: "Администрирование",
    status: "Состояние УЦ и HSM",
    hsm: "HSM (токен PKCS#11)",
    database: "База данных",
    reachable: "отвечает",
    unreachable: "не отвечает",
    sessions: "сессий открыто / занято / всего:",
    connections: "соединений открыто / свободно / в очереди:",
    certificates: "Сертификаты сервиса",
    cert_root: "Корневой УЦ",
    cert_issuing: "Выпускающий УЦ",
    cert_tsa: "Служба штампов времени",
    cert_seal: "Печать сервиса (протоколы, контрольные точки аудита)",
    subject: "Владелец",
    serial: "Серийный номер",
    valid_until: "Действует до",
    days_left: "дн. осталось",
    fingerprint: "SHA-256",
    crls: "Списки отзыва",
    crl_number: "Номер",
    this_update: "Выпущен",
    next_update: "Следующий",
    no_crl: "ещё не выпущен",
    audit: "Цепочка аудита",
    audit_ok: "цела",
    audit_bad: "НАРУШЕНА",
    audit_link: "открыть журнал аудита",
    points: "Пункты выдачи",
    name: "Название",
    region: "Регион",
    address: "Адрес",
    add_point: "Добавить пункт выдачи",
    no_points: "Пунктов выдачи пока нет.",
    products: "Продукты и цены",
    kind: "Вид",
    qualified: "квалифицированный",
    simple: "неквалифицированный",
    track: "Ключ",
    cloud: "в облаке",
    own_key: "на своём носителе",
    price: "Цена",
};
