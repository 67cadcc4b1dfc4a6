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
    /// Heading: staff and partner agents.
    pub members: &'static str,
    /// Label and column: role.
    pub role: &'static str,
    /// Role: operator.
    pub role_operator: &'static str,
    /// Role: auditor.
    pub role_auditor: &'static str,
    /// Role: admin.
    pub role_admin: &'static str,
    /// Role: partner agent.
    pub role_partner_agent: &'static str,
    /// Label: surname.
    pub surname: &'static str,
    /// Label: given name.
    pub given_name: &'static str,
    /// Label: patronymic.
    pub patronymic: &'static str,
    /// Label and column: email.
    pub email: &'static str,
    /// Label: phone.
    pub phone: &'static str,
    /// Label: language.
    pub language: &'static str,
    /// Label: point of issue.
    pub point: &'static str,
    /// Label: partner.
    pub partner: &'static str,
    /// Choice: none.
    pub none: &'static str,
    /// Button: add a member.
    pub add_member: &'static str,
    /// The member chose a password.
    pub ready: &'static str,
    /// The member has not yet.
    pub invited: &'static str,
    /// Column: state.
    pub state: &'static str,
    /// Button: lift the locks.
    pub unlock: &'static str,
    /// Locks lifted.
    pub unlocked: &'static str,
    /// Nothing was locked.
    pub not_locked: &'static str,
    /// Heading: partners.
    pub partners: &'static str,
    /// Button: add a partner.
    pub add_partner: &'static str,
    /// No partner yet.
    pub no_partners: &'static str,
    /// Heading: partners' API clients.
    pub clients: &'static str,
    /// No client yet.
    pub no_clients: &'static str,
    /// Label and column: the client's partner.
    pub client_partner: &'static str,
    /// Column: the public client id.
    pub client_id: &'static str,
    /// Label and column: scopes.
    pub scopes: &'static str,
    /// Label and column: requests per minute.
    pub rate: &'static str,
    /// State: in use.
    pub client_active: &'static str,
    /// After a rotation: the previous secret's end.
    pub previous_until: &'static str,
    /// State: disabled.
    pub client_disabled: &'static str,
    /// Button: a new secret.
    pub rotate: &'static str,
    /// Button: disable the client.
    pub disable: &'static str,
    /// Button: create a client.
    pub add_client: &'static str,
    /// Heading: the secret shown once.
    pub secret_title: &'static str,
    /// Why it is shown only once.
    pub secret_note: &'static str,
    /// After a rotation: the grace day.
    pub rotated_note: &'static str,
    /// Label: the secret.
    pub client_secret: &'static str,
    /// Notice: the client is disabled.
    pub disabled_notice: &'static str,
    /// Scope agents:read in words.
    pub scope_agents_read: &'static str,
    /// Scope applications:read in words.
    pub scope_applications_read: &'static str,
    /// Scope applications:write in words.
    pub scope_applications_write: &'static str,
    /// Refusal: the rate is not a number.
    pub bad_rate: &'static str,
    /// Column: the offer's form.
    pub offer: &'static str,
    /// What a price change affects.
    pub offer_note: &'static str,
    /// Checkbox: on sale.
    pub on_sale: &'static str,
    /// State: off sale.
    pub withdrawn: &'static str,
    /// Button: save the offer.
    pub save_offer: &'static str,
    /// Refusal: the price is not an amount.
    pub bad_price: &'static str,
    /// Button: disable an account.
    pub disable_account: &'static str,
    /// Button: enable an account again.
    pub enable: &'static str,
    /// State: disabled since.
    pub disabled_since: &'static str,
    /// Notice: the account is disabled.
    pub account_disabled: &'static str,
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
    members: "Staff and partner agents",
    role: "Role",
    role_operator: "operator",
    role_auditor: "auditor",
    role_admin: "administrator",
    role_partner_agent: "partner agent",
    surname: "Surname",
    given_name: "Given name",
    patronymic: "Patronymic (if any)",
    email: "Email",
    phone: "Phone (international, +…)",
    language: "Language of messages",
    point: "Point of issue (operators)",
    partner: "Partner (partner agents)",
    none: "—",
    add_member: "Add and email a set-password link",
    ready: "password chosen",
    invited: "invited, link sent",
    state: "State",
    unlock: "Lift locks",
    unlocked: "The account's locks are lifted.",
    not_locked: "The account was not locked.",
    partners: "Partner organisations",
    add_partner: "Add the partner",
    no_partners: "No partner yet.",
    clients: "API clients of partners",
    no_clients: "No API client yet.",
    client_partner: "Partner",
    client_id: "Client id",
    scopes: "Scopes",
    rate: "Requests per minute",
    client_active: "In use",
    previous_until: "the previous secret works until",
    client_disabled: "Disabled",
    rotate: "New secret",
    disable: "Disable",
    add_client: "Create the client",
    secret_title: "The client's secret: copy it now",
    secret_note: "It is shown only this once, because we keep only its hash. Give it to the partner over a secure channel; with the client id it is presented to /oauth/token.",
    rotated_note: "The previous secret keeps working for 24 hours, so that the partner can switch.",
    client_secret: "Client secret",
    disabled_notice: "The client is disabled: its secrets and tokens no longer work.",
    scope_agents_read: "read the partner's agents",
    scope_applications_read: "read applications",
    scope_applications_write: "file and change applications",
    bad_rate: "Requests per minute must be a whole number.",
    offer: "Offer",
    offer_note: "A new price applies to applications filed from now on; those already filed keep theirs. A product taken off sale can no longer be applied for.",
    on_sale: "On sale",
    withdrawn: "Off sale",
    save_offer: "Save",
    bad_price: "The price is an amount like 3900.00.",
    disable_account: "Disable",
    enable: "Enable",
    disabled_since: "Disabled since",
    account_disabled: "The account is disabled: it cannot sign in, and its sessions have ended.",
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
    members: "Сотрудники и агенты партнёров",
    role: "Роль",
    role_operator: "оператор",
    role_auditor: "аудитор",
    role_admin: "администратор",
    role_partner_agent: "агент партнёра",
    surname: "Фамилия",
    given_name: "Имя",
    patronymic: "Отчество (при наличии)",
    email: "Эл. почта",
    phone: "Телефон (в международном формате, +…)",
    language: "Язык сообщений",
    point: "Пункт выдачи (для операторов)",
    partner: "Партнёр (для агентов)",
    none: "—",
    add_member: "Добавить и отправить ссылку для выбора пароля",
    ready: "пароль выбран",
    invited: "приглашён, ссылка отправлена",
    state: "Состояние",
    unlock: "Снять блокировку",
    unlocked: "Блокировка учётной записи снята.",
    not_locked: "Учётная запись не была заблокирована.",
    partners: "Организации-партнёры",
    add_partner: "Добавить партнёра",
    no_partners: "Партнёров пока нет.",
    clients: "API-клиенты партнёров",
    no_clients: "API-клиентов пока нет.",
    client_partner: "Партнёр",
    client_id: "Идентификатор клиента",
    scopes: "Права доступа",
    rate: "Запросов в минуту",
    client_active: "Действует",
    previous_until: "прежний секрет действует до",
    client_disabled: "Отключён",
    rotate: "Новый секрет",
    disable: "Отключить",
    add_client: "Создать клиента",
    secret_title: "Секрет клиента: скопируйте его сейчас",
    secret_note: "Он показан только один раз: мы храним лишь его хэш. Передайте его партнёру по защищённому каналу; вместе с идентификатором клиента он предъявляется на /oauth/token.",
    rotated_note: "Прежний секрет действует ещё 24 часа, чтобы партнёр успел перейти на новый.",
    client_secret: "Секрет клиента",
    disabled_notice: "Клиент отключён: его секреты и токены больше не действуют.",
    scope_agents_read: "читать список агентов партнёра",
    scope_applications_read: "читать заявки",
    scope_applications_write: "подавать и изменять заявки",
    bad_rate: "Число запросов в минуту должно быть целым.",
    offer: "Условия продажи",
    offer_note: "Новая цена действует для заявлений, поданных с этого момента; поданные сохраняют свою. Снятый с продажи продукт больше нельзя заказать.",
    on_sale: "В продаже",
    withdrawn: "Снят с продажи",
    save_offer: "Сохранить",
    bad_price: "Цена указывается суммой, например 3900.00.",
    disable_account: "Отключить",
    enable: "Включить",
    disabled_since: "Отключена с",
    account_disabled: "Учётная запись отключена: вход невозможен, её сеансы завершены.",
};
