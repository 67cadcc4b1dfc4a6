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
};
