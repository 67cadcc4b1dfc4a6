//! The words of the pages around an account: registration and its confirmations, the emailed
//! links (email, password), sign-in by phone, and the security page.

use crate::identity::values::Language;

/// The account pages' words in one language.
pub struct AccountWords {
    /// Link, title and button: create an account.
    pub register: &'static str,
    /// What registration gives and asks.
    pub register_intro: &'static str,
    /// Label: surname.
    pub surname: &'static str,
    /// Label: given name.
    pub given_name: &'static str,
    /// Label: patronymic.
    pub patronymic: &'static str,
    /// Marks an optional field.
    pub optional: &'static str,
    /// Label: email.
    pub email: &'static str,
    /// Label: phone.
    pub phone: &'static str,
    /// How to write a phone number.
    pub phone_hint: &'static str,
    /// Label: country of residence.
    pub country: &'static str,
    /// How to write a country.
    pub country_hint: &'static str,
    /// Label: password.
    pub password: &'static str,
    /// Label: the password once more.
    pub password_again: &'static str,
    /// The password policy.
    pub password_hint: &'static str,
    /// The two passwords differ.
    pub passwords_differ: &'static str,
    /// Title: confirm the phone.
    pub phone_title: &'static str,
    /// A code went to (followed by the number).
    pub phone_sent: &'static str,
    /// Button: confirm.
    pub confirm: &'static str,
    /// Button: send the code again.
    pub resend: &'static str,
    /// Title once the phone is confirmed.
    pub almost_title: &'static str,
    /// What remains after the phone (followed by the email).
    pub almost_note: &'static str,
    /// After the email link.
    pub almost_then: &'static str,
    /// Title: confirm the email.
    pub email_title: &'static str,
    /// What the button does.
    pub email_note: &'static str,
    /// The email is confirmed.
    pub email_done: &'static str,
    /// Link: forgot the password.
    pub forgot: &'static str,
    /// Title: reset the password.
    pub reset_title: &'static str,
    /// What a reset does.
    pub reset_intro: &'static str,
    /// Button: send the link.
    pub reset_send: &'static str,
    /// The link is on its way (or not: the answer is the same).
    pub reset_sent: &'static str,
    /// Title: choose a new password.
    pub new_password_title: &'static str,
    /// Label: the new password.
    pub new_password: &'static str,
    /// Button: save.
    pub save: &'static str,
    /// The new password is saved.
    pub password_saved: &'static str,
    /// Heading and button: sign in by phone.
    pub by_phone: &'static str,
    /// When phone sign-in works.
    pub by_phone_note: &'static str,
    /// Button: send a code.
    pub send_code: &'static str,
    /// A phone sign-in code may have been sent.
    pub sms_if_enabled: &'static str,
    /// The password typed is wrong.
    pub wrong_password: &'static str,
    /// Heading: the account's facts.
    pub account_heading: &'static str,
    /// Marks a confirmed email or phone.
    pub confirmed: &'static str,
    /// Marks an unconfirmed email or phone.
    pub unconfirmed: &'static str,
    /// Heading and button: change the password.
    pub change_password: &'static str,
    /// Label: the current password.
    pub current_password: &'static str,
    /// The password was changed.
    pub password_changed: &'static str,
    /// Heading and button: change the email.
    pub change_email: &'static str,
    /// Label: the new email.
    pub new_email: &'static str,
    /// A link went to the new address.
    pub email_link_sent: &'static str,
    /// Heading and button: change the phone.
    pub change_phone: &'static str,
    /// Label: the new phone.
    pub new_phone: &'static str,
    /// The new phone is confirmed.
    pub phone_changed: &'static str,
    /// Heading: the second factor.
    pub factor_heading: &'static str,
    /// The second factor is SMS.
    pub factor_sms: &'static str,
    /// The second factor is an authenticator.
    pub factor_totp: &'static str,
    /// Button: set up an authenticator.
    pub totp_setup: &'static str,
    /// What setting up an authenticator does.
    pub totp_intro: &'static str,
    /// Scan the QR code.
    pub totp_scan: &'static str,
    /// Or type the key.
    pub totp_key: &'static str,
    /// Button: confirm the authenticator.
    pub totp_turn_on: &'static str,
    /// Title: the recovery codes.
    pub recovery_title: &'static str,
    /// What recovery codes are for.
    pub recovery_note: &'static str,
    /// Heading: sign-in by SMS.
    pub sms_signin: &'static str,
    /// SMS sign-in is on.
    pub sms_signin_on: &'static str,
    /// SMS sign-in is off.
    pub sms_signin_off: &'static str,
    /// Button: turn on.
    pub turn_on: &'static str,
    /// Button: turn off.
    pub turn_off: &'static str,
    /// Heading: sessions.
    pub sessions: &'static str,
    /// Column: web or API.
    pub session_kind: &'static str,
    /// Column: browser or app.
    pub session_agent: &'static str,
    /// Column: address.
    pub session_address: &'static str,
    /// Column: opened.
    pub session_opened: &'static str,
    /// Column: last active.
    pub session_seen: &'static str,
    /// Marks the session of this page.
    pub this_session: &'static str,
    /// Button: end a session.
    pub end_session: &'static str,
    /// A session was ended.
    pub session_ended: &'static str,
}

impl AccountWords {
    /// The words of `lang`.
    pub fn of(lang: Language) -> &'static AccountWords {
        match lang {
            Language::En => &EN,
            Language::Ru => &RU,
        }
    }
}

static EN: AccountWords = AccountWords {
    register: "Create an account",
    register_intro: "An account lets you apply for a certificate, keep its key in our vault and sign and send documents. We send a link to your email and a code to your phone to confirm both.",
    surname: "Surname",
    given_name: "Given name",
    patronymic: "Patronymic",
    optional: "optional",
    email: "Email",
    phone: "Mobile phone",
    phone_hint: "In international form with the country code, like +4915112345678.",
    country: "Country of residence",
    country_hint: "Two letters of ISO 3166, like DE, RU, US.",
    password: "Password",
    password_again: "The password again",
    password_hint: "10 to 128 characters; not your email.",
    passwords_differ: "The two passwords differ.",
    phone_title: "Confirm your phone",
    phone_sent: "We sent a code by SMS to",
    confirm: "Confirm",
    resend: "Send the code again",
    almost_title: "Phone confirmed",
    almost_note: "One step remains: follow the link we emailed to",
    almost_then: "Then sign in with your email and password.",
    email_title: "Confirm your email",
    email_note: "Press the button to confirm the address this link was sent to.",
    email_done: "Your email is confirmed. You can sign in now.",
    forgot: "Forgot your password?",
    reset_title: "Reset the password",
    reset_intro: "Give the email of your account. We send a link there to choose a new password.",
    reset_send: "Send the link",
    reset_sent: "If an account has this address, a link to choose a new password is on its way. It works once, for a limited time.",
    new_password_title: "Choose a new password",
    new_password: "New password",
    save: "Save",
    password_saved: "Your password is saved and every session of the account has ended. Sign in with the new password.",
    by_phone: "Sign in with a phone number",
    by_phone_note: "Works when sign-in by SMS is turned on in your security settings.",
    send_code: "Send a code",
    sms_if_enabled: "If sign-in by SMS is on for this number, a code is on its way to it.",
    wrong_password: "The password is wrong.",
    account_heading: "Your account",
    confirmed: "confirmed",
    unconfirmed: "not confirmed",
    change_password: "Change the password",
    current_password: "Current password",
    password_changed: "The password is changed. Your other sessions have ended.",
    change_email: "Change the email",
    new_email: "New email",
    email_link_sent: "We sent a link to the new address. The change takes effect when you follow it.",
    change_phone: "Change the phone",
    new_phone: "New mobile phone",
    phone_changed: "The new phone number is confirmed and in use.",
    factor_heading: "Second factor",
    factor_sms: "Codes come by SMS to your phone.",
    factor_totp: "Codes come from your authenticator app (TOTP).",
    totp_setup: "Set up an authenticator app",
    totp_intro: "Enter your password; then scan the QR code with the app (or type the key) and enter the code it shows. From then on sign-in and signing ask for the app's code instead of an SMS.",
    totp_scan: "Scan this code with the app",
    totp_key: "Or type this key",
    totp_turn_on: "Turn on",
    recovery_title: "Authenticator on: your recovery codes",
    recovery_note: "Each code works once instead of the app's code, if you lose the phone. Keep them somewhere safe: they are shown only now.",
    sms_signin: "Sign-in by SMS",
    sms_signin_on: "On: your phone number and an SMS code are enough to sign in.",
    sms_signin_off: "Off: sign-in asks for your password.",
    turn_on: "Turn on",
    turn_off: "Turn off",
    sessions: "Sessions",
    session_kind: "Kind",
    session_agent: "Browser or app",
    session_address: "Address",
    session_opened: "Opened",
    session_seen: "Last active",
    this_session: "this session",
    end_session: "End",
    session_ended: "The session has ended.",
};

static RU: AccountWords = AccountWords {
    register: "Регистрация",
    register_intro: "Учётная запись позволяет подать заявление на сертификат, хранить его ключ в нашем хранилище, подписывать и отправлять документы. Мы пришлём ссылку на электронную почту и код на телефон, чтобы подтвердить и то и другое.",
    surname: "Фамилия",
    given_name: "Имя",
    patronymic: "Отчество",
    optional: "если есть",
    email: "Электронная почта",
    phone: "Мобильный телефон",
    phone_hint: "В международном формате с кодом страны, например +4915112345678.",
    country: "Страна проживания",
    country_hint: "Две латинские буквы по ISO 3166, например DE, RU, US.",
    password: "Пароль",
    password_again: "Пароль ещё раз",
    password_hint: "От 10 до 128 символов; не совпадает с адресом почты.",
    passwords_differ: "Пароли не совпадают.",
    phone_title: "Подтверждение телефона",
    phone_sent: "Мы отправили код в SMS на номер",
    confirm: "Подтвердить",
    resend: "Отправить код ещё раз",
    almost_title: "Телефон подтверждён",
    almost_note: "Остался один шаг: перейдите по ссылке из письма, отправленного на",
    almost_then: "Затем войдите с адресом почты и паролем.",
    email_title: "Подтверждение электронной почты",
    email_note: "Нажмите кнопку, чтобы подтвердить адрес, на который пришла эта ссылка.",
    email_done: "Адрес почты подтверждён. Теперь можно войти.",
    forgot: "Забыли пароль?",
    reset_title: "Восстановление пароля",
    reset_intro: "Укажите адрес почты вашей учётной записи. Мы пришлём на него ссылку, чтобы задать новый пароль.",
    reset_send: "Отправить ссылку",
    reset_sent: "Если учётная запись с этим адресом есть, ссылка для нового пароля уже отправлена. Она действует один раз и ограниченное время.",
    new_password_title: "Новый пароль",
    new_password: "Новый пароль",
    save: "Сохранить",
    password_saved: "Пароль сохранён, все сеансы учётной записи завершены. Войдите с новым паролем.",
    by_phone: "Вход по номеру телефона",
    by_phone_note: "Работает, если вход по SMS включён в настройках безопасности.",
    send_code: "Получить код",
    sms_if_enabled: "Если для этого номера включён вход по SMS, код уже отправлен.",
    wrong_password: "Пароль неверный.",
    account_heading: "Учётная запись",
    confirmed: "подтверждён",
    unconfirmed: "не подтверждён",
    change_password: "Сменить пароль",
    current_password: "Текущий пароль",
    password_changed: "Пароль изменён. Остальные сеансы завершены.",
    change_email: "Сменить адрес почты",
    new_email: "Новый адрес почты",
    email_link_sent: "Мы отправили ссылку на новый адрес. Адрес сменится, когда вы по ней перейдёте.",
    change_phone: "Сменить телефон",
    new_phone: "Новый мобильный телефон",
    phone_changed: "Новый номер телефона подтверждён и используется.",
    factor_heading: "Второй фактор",
    factor_sms: "Коды приходят в SMS на ваш телефон.",
    factor_totp: "Коды выдаёт приложение-аутентификатор (TOTP).",
    totp_setup: "Подключить приложение-аутентификатор",
    totp_intro: "Введите пароль, затем отсканируйте QR-код приложением (или введите ключ вручную) и введите показанный код. После этого при входе и подписании будет запрашиваться код из приложения вместо SMS.",
    totp_scan: "Отсканируйте этот код приложением",
    totp_key: "Или введите ключ",
    totp_turn_on: "Подключить",
    recovery_title: "Аутентификатор подключён: коды восстановления",
    recovery_note: "Каждый код действует один раз вместо кода из приложения, если телефон потерян. Сохраните их в надёжном месте: они показываются только сейчас.",
    sms_signin: "Вход по SMS",
    sms_signin_on: "Включён: для входа достаточно номера телефона и кода из SMS.",
    sms_signin_off: "Выключен: при входе запрашивается пароль.",
    turn_on: "Включить",
    turn_off: "Выключить",
    sessions: "Сеансы",
    session_kind: "Вид",
    session_agent: "Браузер или приложение",
    session_address: "Адрес",
    session_opened: "Начат",
    session_seen: "Последняя активность",
    this_session: "текущий сеанс",
    end_session: "Завершить",
    session_ended: "Сеанс завершён.",
};
