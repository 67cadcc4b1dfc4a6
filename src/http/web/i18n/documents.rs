//! The words of the document pages: uploading (with its progress), the list, one document
//! with its signatures, and the signing dialog that names what is signed.

use crate::identity::values::Language;

/// The document pages' words in one language.
pub struct DocWords {
    /// Title of the list and of the navigation link.
    pub title: &'static str,
    /// Heading: upload.
    pub upload: &'static str,
    /// Label of the file field (followed by the size limit).
    pub file: &'static str,
    /// "up to" before the limit.
    pub up_to: &'static str,
    /// Button: upload.
    pub send: &'static str,
    /// Label of the upload's progress.
    pub progress: &'static str,
    /// No document yet.
    pub none: &'static str,
    /// Column: choose for signing.
    pub choose: &'static str,
    /// Column and label: name.
    pub name: &'static str,
    /// Column and label: size.
    pub size: &'static str,
    /// Column and label: uploaded at.
    pub uploaded: &'static str,
    /// Column: whether the holder signed it.
    pub signed_column: &'static str,
    /// Signed by the holder.
    pub signed_yes: &'static str,
    /// Not signed yet.
    pub signed_no: &'static str,
    /// Label: media type.
    pub media_type: &'static str,
    /// Label: the content's SHA-256.
    pub sha256: &'static str,
    /// Label: the certificate to sign with.
    pub certificate: &'static str,
    /// Button: sign the chosen documents.
    pub sign_chosen: &'static str,
    /// Button: sign this document.
    pub sign: &'static str,
    /// No certificate can sign now.
    pub no_credential: &'static str,
    /// Link: download the document.
    pub download: &'static str,
    /// Heading: the document's signatures.
    pub signatures: &'static str,
    /// No signature yet.
    pub no_signatures: &'static str,
    /// Column: when signed.
    pub signed_at: &'static str,
    /// A detached CAdES signature, in short.
    pub detached_short: &'static str,
    /// An attached CAdES signature, in short.
    pub attached_short: &'static str,
    /// Column: signature format.
    pub format: &'static str,
    /// Column: level.
    pub level: &'static str,
    /// Column and label: the holder's label.
    pub label: &'static str,
    /// Link: download the signature.
    pub p7s: &'static str,
    /// Heading and button: delete.
    pub delete: &'static str,
    /// What deleting does.
    pub delete_note: &'static str,
    /// Title of the signing dialog.
    pub sign_title: &'static str,
    /// How many documents are signed (followed by the count).
    pub signing: &'static str,
    /// Which certificate signs (followed by its serial and subject).
    pub with_certificate: &'static str,
    /// Detached CAdES (.p7s beside the document).
    pub detached: &'static str,
    /// Attached CAdES (the document inside).
    pub attached: &'static str,
    /// Level: CAdES-BES.
    pub bes: &'static str,
    /// Level: CAdES-T, time-stamped.
    pub with_time: &'static str,
    /// Label: the signing PIN.
    pub pin: &'static str,
    /// Signed notice on the list (followed by the count).
    pub signed: &'static str,
    /// The previous page.
    pub previous: &'static str,
    /// The next page.
    pub next_page: &'static str,
    /// Refusal: nothing chosen.
    pub choose_one: &'static str,
}

impl DocWords {
    /// The words of `lang`.
    pub fn of(lang: Language) -> &'static DocWords {
        match lang {
            Language::En => &EN,
            Language::Ru => &RU,
        }
    }
}

static EN: DocWords = DocWords {
    title: "Documents",
    upload: "Upload a document",
    file: "File",
    up_to: "up to",
    send: "Upload",
    progress: "Uploaded",
    none: "You have no documents yet.",
    choose: "Choose",
    name: "Name",
    size: "Size",
    uploaded: "Uploaded",
    signed_column: "Signature",
    signed_yes: "Signed",
    signed_no: "not signed",
    media_type: "Type",
    sha256: "SHA-256",
    certificate: "Certificate to sign with",
    sign_chosen: "Sign the chosen documents",
    sign: "Sign",
    no_credential: "To sign you need an active certificate with its key in the vault.",
    download: "Download the document",
    signatures: "Signatures",
    no_signatures: "Not signed yet.",
    signed_at: "Signed",
    detached_short: "CAdES, detached (.p7s)",
    attached_short: "CAdES, attached",
    format: "Format",
    level: "Level",
    label: "Label",
    p7s: "Download the signature",
    delete: "Delete",
    delete_note: "The document disappears from your list at once and is erased when its retention period ends; its signatures stay yours.",
    sign_title: "Sign",
    signing: "Documents you are signing:",
    with_certificate: "With the certificate:",
    detached: "Separate signature file (.p7s, detached CAdES)",
    attached: "The document inside the signature (attached CAdES)",
    bes: "Signature only (CAdES-BES)",
    with_time: "With a trusted time-stamp (CAdES-T)",
    pin: "Signing PIN",
    signed: "Documents signed:",
    previous: "Previous",
    next_page: "Next",
    choose_one: "Choose at least one document to sign.",
};

static RU: DocWords = DocWords {
    title: "Документы",
    upload: "Загрузить документ",
    file: "Файл",
    up_to: "до",
    send: "Загрузить",
    progress: "Загружено",
    none: "У вас пока нет документов.",
    choose: "Выбрать",
    name: "Название",
    size: "Размер",
    uploaded: "Загружен",
    signed_column: "Подпись",
    signed_yes: "Подписан",
    signed_no: "не подписан",
    media_type: "Тип",
    sha256: "SHA-256",
    certificate: "Сертификат для подписи",
    sign_chosen: "Подписать выбранные документы",
    sign: "Подписать",
    no_credential: "Для подписи нужен действующий сертификат с ключом в облачном хранилище.",
    download: "Скачать документ",
    signatures: "Подписи",
    no_signatures: "Ещё не подписан.",
    signed_at: "Подписано",
    detached_short: "CAdES, откреплённая (.p7s)",
    attached_short: "CAdES, прикреплённая",
    format: "Формат",
    level: "Уровень",
    label: "Метка",
    p7s: "Скачать подпись",
    delete: "Удалить",
    delete_note: "Документ сразу исчезнет из списка и будет стёрт по окончании срока хранения; подписи останутся у вас.",
    sign_title: "Подписание",
    signing: "Вы подписываете документов:",
    with_certificate: "Сертификатом:",
    detached: "Отдельный файл подписи (.p7s, откреплённая CAdES)",
    attached: "Документ внутри подписи (прикреплённая CAdES)",
    bes: "Только подпись (CAdES-BES)",
    with_time: "С доверенной меткой времени (CAdES-T)",
    pin: "ПИН-код для подписи",
    signed: "Подписано документов:",
    previous: "Назад",
    next_page: "Вперёд",
    choose_one: "Выберите хотя бы один документ для подписи.",
};
