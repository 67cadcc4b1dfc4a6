//! The words of the certificate pages: activating with the SMS marker, the holder's
//! certificates, downloads and revocation, and the second-factor step they share.

use crate::identity::values::Language;
use crate::pki::revocation::RevocationReason;

/// The certificate pages' words in one language.
pub struct CertWords {
    /// Title of the activation page and of the button that opens it.
    pub activate_title: &'static str,
    /// What activation does, before the form.
    pub activate_intro: &'static str,
    /// Label: the marker.
    pub marker: &'static str,
    /// Where the marker came from (not the confirmation code).
    pub marker_hint: &'static str,
    /// Label: the new signing PIN.
    pub pin: &'static str,
    /// The PIN policy, and that nobody can restore it.
    pub pin_hint: &'static str,
    /// Label: the PIN once more.
    pub pin_again: &'static str,
    /// Refusal: the two PINs differ.
    pub pins_differ: &'static str,
    /// Own-key track: no PIN is asked.
    pub own_key_note: &'static str,
    /// Label: the kind of key to create in the vault.
    pub key_algorithm: &'static str,
    /// Which kind to choose.
    pub key_algorithm_hint: &'static str,
    /// Button: activate.
    pub activate: &'static str,
    /// Heading of one certificate.
    pub certificate: &'static str,
    /// Label: activated at.
    pub activated: &'static str,
    /// Label: revoked at.
    pub revoked: &'static str,
    /// Label: why revoked.
    pub revocation_reason: &'static str,
    /// Label: the note recorded with the revocation.
    pub note: &'static str,
    /// Label: the key in the vault.
    pub key: &'static str,
    /// Label: the application it was issued on.
    pub application: &'static str,
    /// Label: the certificate it replaced.
    pub replaces: &'static str,
    /// Heading: downloads.
    pub download: &'static str,
    /// The certificate, PEM.
    pub pem: &'static str,
    /// The certificate, DER.
    pub der: &'static str,
    /// PKCS#7 with the chain to the root.
    pub p7c: &'static str,
    /// Heading and button: revoke.
    pub revoke: &'static str,
    /// What a revocation means.
    pub revoke_warning: &'static str,
    /// Label: the reason.
    pub reason: &'static str,
    /// Button that finally revokes.
    pub revoke_for_good: &'static str,
    /// Heading and button: reissue.
    pub reissue: &'static str,
    /// What a reissue does.
    pub reissue_note: &'static str,
    /// Label: the current signing PIN.
    pub current_pin: &'static str,
    /// Label: the new signing PIN (optional).
    pub new_pin: &'static str,
    /// Label: the new PIN again.
    pub new_pin_again: &'static str,
    /// Button that finally reissues.
    pub reissue_now: &'static str,
    /// Column: the certificate's link.
    pub open: &'static str,
    /// Revocation reasons, in [`RevocationReason::ALL`] order.
    reasons: [&'static str; 5],
}

impl CertWords {
    /// The words of `lang`.
    pub fn of(lang: Language) -> &'static CertWords {
        match lang {
            Language::En => &EN,
            Language::Ru => &RU,
        }
    }

    /// A revocation reason in words.
    pub fn reason_name(&self, r: RevocationReason) -> &'static str {
        super::reason_in(&self.reasons, r)
    }
}

static EN: CertWords = CertWords {
    activate_title: "Activate the certificate",
    activate_intro: "You were identified and your certificate is ready. Activating it makes it valid; on the cloud track your key is created in the vault at this moment, protected by the PIN you choose here.",
    marker: "Activation code from the SMS (XXXXX-XXXXX)",
    marker_hint: "It came by SMS after you were identified. It is not the confirmation code below.",
    pin: "Signing PIN",
    pin_hint: "At least 6 characters, not one repeated character and not a run such as 123456. Only you know it: nobody, not even we, can restore it.",
    pin_again: "The signing PIN again",
    pins_differ: "The two PINs differ.",
    own_key_note: "Your key stays on your own token, so no PIN is asked here.",
    key_algorithm: "Kind of key",
    key_algorithm_hint: "ECDSA P-256 suits nearly every use. Choose RSA only when a system you sign for accepts nothing else.",
    activate: "Activate",
    certificate: "Certificate",
    activated: "Activated",
    revoked: "Revoked",
    revocation_reason: "Reason of revocation",
    note: "Note",
    key: "Key in the vault (credential)",
    application: "Application",
    replaces: "Replaces",
    download: "Download",
    pem: "Certificate (PEM)",
    der: "Certificate (DER, .cer)",
    p7c: "With the chain to the root (PKCS#7, .p7c)",
    revoke: "Revoke",
    revoke_warning: "A revoked certificate cannot be restored. Signatures made before the revocation stay valid; the key cannot sign again.",
    reason: "Reason",
    revoke_for_good: "Revoke for good",
    reissue: "Reissue",
    reissue_note: "A new key is created in the vault and a new certificate issued with the same data; at the same moment this certificate is revoked as replaced. Your current PIN authorises it. After the certificate expires a new application is needed instead.",
    current_pin: "Current signing PIN",
    new_pin: "New signing PIN (leave empty to keep the current one)",
    new_pin_again: "New signing PIN again",
    reissue_now: "Reissue now",
    open: "Open",
    reasons: [
        "Not stated",
        "The key may be compromised",
        "My details changed",
        "Replaced by a new certificate",
        "No longer needed",
    ],
};

static RU: CertWords = CertWords {
    activate_title: "Активировать сертификат",
    activate_intro: "Вы прошли идентификацию, сертификат готов. Активация делает его действующим; в облачном варианте ключ создаётся в хранилище именно сейчас и защищается ПИН-кодом, который вы здесь выберете.",
    marker: "Код активации из SMS (XXXXX-XXXXX)",
    marker_hint: "Он пришёл в SMS после идентификации. Это не код подтверждения ниже.",
    pin: "ПИН-код для подписи",
    pin_hint: "Не короче 6 символов, не один повторяющийся символ и не последовательность вроде 123456. Его знаете только вы: восстановить его не сможет никто, даже мы.",
    pin_again: "ПИН-код для подписи ещё раз",
    pins_differ: "ПИН-коды не совпадают.",
    own_key_note: "Ключ остаётся на вашем носителе, поэтому ПИН-код здесь не нужен.",
    key_algorithm: "Вид ключа",
    key_algorithm_hint: "ECDSA P-256 подходит почти для всего. Выбирайте RSA, только если система, для которой вы подписываете, не принимает другого.",
    activate: "Активировать",
    certificate: "Сертификат",
    activated: "Активирован",
    revoked: "Отозван",
    revocation_reason: "Причина отзыва",
    note: "Примечание",
    key: "Ключ в хранилище (credential)",
    application: "Заявка",
    replaces: "Заменяет",
    download: "Скачать",
    pem: "Сертификат (PEM)",
    der: "Сертификат (DER, .cer)",
    p7c: "С цепочкой до корневого (PKCS#7, .p7c)",
    revoke: "Отозвать",
    revoke_warning: "Отозванный сертификат нельзя восстановить. Подписи, созданные до отзыва, остаются действительными; ключ больше не сможет подписывать.",
    reason: "Причина",
    revoke_for_good: "Отозвать окончательно",
    reissue: "Перевыпустить",
    reissue_note: "В хранилище создаётся новый ключ и выпускается новый сертификат с теми же данными; в тот же момент этот сертификат отзывается как заменённый. Подтверждается текущим ПИН-кодом. После окончания срока действия вместо перевыпуска нужна новая заявка.",
    current_pin: "Текущий ПИН-код для подписи",
    new_pin: "Новый ПИН-код для подписи (оставьте пустым, чтобы сохранить текущий)",
    new_pin_again: "Новый ПИН-код ещё раз",
    reissue_now: "Перевыпустить сейчас",
    open: "Открыть",
    reasons: [
        "Не указана",
        "Ключ мог быть скомпрометирован",
        "Изменились мои данные",
        "Заменён новым сертификатом",
        "Больше не нужен",
    ],
};
