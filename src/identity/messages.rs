//! Texts of the SMS and emails identity sends, in the account's language. Codes and links are
//! the only secrets they carry; nothing else about the account is put in an SMS.

use super::values::Language;

/// An SMS carrying a code.
pub fn sms_code(lang: Language, code: &str, minutes: i64) -> String {
    match lang {
        Language::En => format!("cloudseal code: {code}. Valid {minutes} min. Never share it."),
        Language::Ru => {
            format!("Код cloudseal: {code}. Действует {minutes} мин. Никому не сообщайте.")
        }
    }
}

/// Subject and body of an email carrying a link.
pub fn email_link(
    lang: Language,
    purpose: LinkPurpose,
    link: &str,
    hours: i64,
) -> (String, String) {
    let (en_subject, en_body, ru_subject, ru_body) = match purpose {
        LinkPurpose::ConfirmEmail => (
            "Confirm your email for cloudseal",
            "Open this link to confirm your email address",
            "Подтвердите адрес почты в cloudseal",
            "Откройте ссылку, чтобы подтвердить адрес электронной почты",
        ),
        LinkPurpose::SetPassword => (
            "Your cloudseal staff account",
            "An administrator created an account for you. Open this link to choose your password",
            "Ваша учётная запись сотрудника cloudseal",
            "Администратор создал для вас учётную запись. Откройте ссылку, чтобы задать пароль",
        ),
        LinkPurpose::ResetPassword => (
            "Reset your cloudseal password",
            "Someone asked to reset your password. If it was you, open this link",
            "Сброс пароля cloudseal",
            "Поступил запрос на сброс пароля. Если это были вы, откройте ссылку",
        ),
        LinkPurpose::ChangeEmail => (
            "Confirm your new email for cloudseal",
            "Open this link to make this address the email of your account",
            "Подтвердите новый адрес почты в cloudseal",
            "Откройте ссылку, чтобы сделать этот адрес почтой вашей учётной записи",
        ),
    };
    match lang {
        Language::En => (
            en_subject.into(),
            format!(
                "{en_body} (valid {hours} h):\n\n{link}\n\nIf you did not ask for this, ignore this message.\n"
            ),
        ),
        Language::Ru => (
            ru_subject.into(),
            format!(
                "{ru_body} (действует {hours} ч):\n\n{link}\n\nЕсли вы этого не запрашивали, ничего не делайте.\n"
            ),
        ),
    }
}

/// Why a link is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkPurpose {
    /// Confirm the email given at registration.
    ConfirmEmail,
    /// A new staff member chooses a password.
    SetPassword,
    /// Reset a forgotten password.
    ResetPassword,
    /// Confirm a new email address.
    ChangeEmail,
}
