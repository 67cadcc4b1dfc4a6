//! The words of the exchange pages: the folders, writing a sending, one sending with its
//! files, delivery and protocol, and what a recipient does (verify, acknowledge, reject).

use crate::identity::values::Language;

/// The exchange pages' words in one language.
pub struct SendWords {
    /// Title and navigation link.
    pub title: &'static str,
    /// Folder: received.
    pub received: &'static str,
    /// Folder: sent.
    pub sent: &'static str,
    /// Folder: drafts.
    pub drafts: &'static str,
    /// Link and title: write a sending.
    pub new: &'static str,
    /// An empty folder.
    pub empty: &'static str,
    /// Column and label: subject.
    pub subject: &'static str,
    /// Column and label: the sender.
    pub from: &'static str,
    /// Column and label: the recipients.
    pub to: &'static str,
    /// Column: date.
    pub when: &'static str,
    /// Label: recipients typed, one email a line.
    pub recipients: &'static str,
    /// Label: recipients from the address book.
    pub from_book: &'static str,
    /// Label: the accompanying text.
    pub text: &'static str,
    /// Heading: what is attached.
    pub attachments: &'static str,
    /// Which documents can be attached.
    pub attach_hint: &'static str,
    /// No signed document to attach.
    pub no_signed: &'static str,
    /// "signed" before a signature's time.
    pub signed_on: &'static str,
    /// Button: send.
    pub send: &'static str,
    /// Button: save a draft.
    pub save_draft: &'static str,
    /// Button: delete a draft.
    pub delete_draft: &'static str,
    /// Title and link: edit a draft.
    pub edit_draft: &'static str,
    /// State: draft.
    pub draft: &'static str,
    /// State: sent (followed by the time).
    pub sent_at: &'static str,
    /// Heading: files.
    pub files: &'static str,
    /// Column: name.
    pub name: &'static str,
    /// Column: size.
    pub size: &'static str,
    /// Column: who signed.
    pub signer: &'static str,
    /// Column: the signature's verdict.
    pub verdict: &'static str,
    /// Link: the file.
    pub file: &'static str,
    /// Link: its signature.
    pub signature: &'static str,
    /// Heading: delivery.
    pub delivery: &'static str,
    /// A recipient was notified.
    pub notified: &'static str,
    /// A recipient opened it.
    pub delivered: &'static str,
    /// A recipient verified it.
    pub verified: &'static str,
    /// A recipient acknowledged it.
    pub acknowledged: &'static str,
    /// A recipient rejected it.
    pub rejected: &'static str,
    /// Heading: the delivery protocol.
    pub protocol: &'static str,
    /// What the protocol is.
    pub protocol_note: &'static str,
    /// Link: the protocol as PDF.
    pub protocol_pdf: &'static str,
    /// Link: the protocol as sealed JSON.
    pub protocol_json: &'static str,
    /// Heading: what the recipient can do.
    pub your_part: &'static str,
    /// Button: verify the signatures.
    pub verify: &'static str,
    /// Button: acknowledge by signing the receipt.
    pub acknowledge: &'static str,
    /// What acknowledging means.
    pub acknowledge_note: &'static str,
    /// Label: the signing PIN.
    pub pin: &'static str,
    /// Button: sign the receipt.
    pub sign_receipt: &'static str,
    /// Button and heading: reject.
    pub reject: &'static str,
    /// Label: why rejected.
    pub reason: &'static str,
    /// Title of the emailed link's page.
    pub open_title: &'static str,
    /// What opening does.
    pub open_note: &'static str,
    /// Button: open.
    pub open: &'static str,
    /// Verdicts: passed, failed, indeterminate.
    verdicts: [&'static str; 3],
    /// Refusal: no recipient.
    pub no_recipient: &'static str,
    /// Heading: a signature made elsewhere.
    pub external_title: &'static str,
    /// What the section is for.
    pub external_hint: &'static str,
    /// Label: the document signed elsewhere.
    pub external_document: &'static str,
    /// Label: its signature file.
    pub external_file: &'static str,
    /// Refusal: a document without its signature file.
    pub no_signature_file: &'static str,
    /// Refusal: a signature file without its document.
    pub no_external_document: &'static str,
    /// The signature certificate to acknowledge with.
    pub certificate: &'static str,
    /// To acknowledge one needs a certificate.
    pub no_credential: &'static str,
    /// Button and heading: decrypt an encrypted file.
    pub decrypt: &'static str,
    /// What decrypting does and gives.
    pub decrypt_note: &'static str,
    /// Button: decrypt and download.
    pub decrypt_download: &'static str,
}

impl SendWords {
    /// The words of `lang`.
    pub fn of(lang: Language) -> &'static SendWords {
        match lang {
            Language::En => &EN,
            Language::Ru => &RU,
        }
    }

    /// A verdict (`passed`, `failed`, `indeterminate`) in words.
    pub fn verdict(&self, v: &str) -> String {
        match v {
            "passed" => self.verdicts[0].to_owned(),
            "failed" => self.verdicts[1].to_owned(),
            "indeterminate" => self.verdicts[2].to_owned(),
            other => other.to_owned(),
        }
    }
}

static EN: SendWords = SendWords {
    title: "Sendings",
    received: "Received",
    sent: "Sent",
    drafts: "Drafts",
    new: "New sending",
    empty: "Nothing here yet.",
    subject: "Subject",
    from: "From",
    to: "To",
    when: "Date",
    recipients: "Recipients' emails, one a line",
    from_book: "From your address book",
    text: "Message",
    attachments: "Signed documents",
    attach_hint: "Documents go with a signature you made here; sign a document on its page first.",
    no_signed: "You have no signed documents yet.",
    signed_on: "signed",
    send: "Send",
    save_draft: "Save as a draft",
    delete_draft: "Delete the draft",
    edit_draft: "Edit the draft",
    draft: "Draft",
    sent_at: "Sent",
    files: "Files",
    name: "Name",
    size: "Size",
    signer: "Signed by",
    verdict: "Signature",
    file: "File",
    signature: "Signature (.p7s)",
    delivery: "Delivery",
    notified: "Notified",
    delivered: "Delivered",
    verified: "Verified",
    acknowledged: "Acknowledged",
    rejected: "Rejected",
    protocol: "Delivery protocol",
    protocol_note: "Sealed by the service: the files, their hashes and signatures, and every step of delivery. Anyone can check the seal on the public page.",
    protocol_pdf: "Protocol (PDF)",
    protocol_json: "Protocol (sealed JSON)",
    your_part: "Your part",
    verify: "Verify the signatures",
    acknowledge: "Acknowledge receipt",
    acknowledge_note: "You sign a receipt naming each file, its hash and its signature; the sender is told.",
    pin: "Signing PIN",
    sign_receipt: "Sign the receipt",
    reject: "Reject",
    reason: "Reason",
    open_title: "A sending for you",
    open_note: "Open it to receive it into your Received folder; the sender will see when you did.",
    open: "Open",
    verdicts: ["valid", "not valid", "cannot be decided"],
    no_recipient: "Name at least one recipient.",
    external_title: "A signature made elsewhere",
    external_hint: "For a document you signed with another program (for example on a token): choose the document and its signature file (.sig, .p7s). The signature is verified before anything is sent.",
    external_document: "Document",
    external_file: "Signature file",
    no_signature_file: "Choose the signature file for the document signed elsewhere.",
    no_external_document: "Choose the document the signature file belongs to.",
    certificate: "Certificate to sign with",
    no_credential: "To acknowledge you need an active certificate with its key in the vault.",
    decrypt: "Decrypt",
    decrypt_note: "The file is encrypted to your encryption certificate; only your key in the vault opens it, with your PIN and a one-time code. You download a ZIP archive with the file, the sender's signature and the protocol of its verification; the server keeps none of the decrypted text.",
    decrypt_download: "Decrypt and download",
};

static RU: SendWords = SendWords {
    title: "Отправления",
    received: "Входящие",
    sent: "Отправленные",
    drafts: "Черновики",
    new: "Новое отправление",
    empty: "Здесь пока пусто.",
    subject: "Тема",
    from: "От кого",
    to: "Кому",
    when: "Дата",
    recipients: "Адреса получателей, по одному в строке",
    from_book: "Из адресной книги",
    text: "Сообщение",
    attachments: "Подписанные документы",
    attach_hint: "Документ отправляется с подписью, созданной здесь; сначала подпишите документ на его странице.",
    no_signed: "У вас пока нет подписанных документов.",
    signed_on: "подписан",
    send: "Отправить",
    save_draft: "Сохранить черновик",
    delete_draft: "Удалить черновик",
    edit_draft: "Изменить черновик",
    draft: "Черновик",
    sent_at: "Отправлено",
    files: "Файлы",
    name: "Название",
    size: "Размер",
    signer: "Подписал",
    verdict: "Подпись",
    file: "Файл",
    signature: "Подпись (.p7s)",
    delivery: "Доставка",
    notified: "Уведомлён",
    delivered: "Доставлено",
    verified: "Проверено",
    acknowledged: "Получение подтверждено",
    rejected: "Отклонено",
    protocol: "Протокол доставки",
    protocol_note: "Заверен печатью сервиса: файлы, их хэши и подписи, каждый шаг доставки. Печать может проверить любой на открытой странице.",
    protocol_pdf: "Протокол (PDF)",
    protocol_json: "Протокол (JSON с печатью)",
    your_part: "Ваши действия",
    verify: "Проверить подписи",
    acknowledge: "Подтвердить получение",
    acknowledge_note: "Вы подписываете квитанцию, в которой названы каждый файл, его хэш и подпись; отправитель получит уведомление.",
    pin: "ПИН-код для подписи",
    sign_receipt: "Подписать квитанцию",
    reject: "Отклонить",
    reason: "Причина",
    open_title: "Вам отправление",
    open_note: "Откройте его, чтобы получить во «Входящие»; отправитель увидит, когда вы это сделали.",
    open: "Открыть",
    verdicts: ["действительна", "недействительна", "не удалось определить"],
    no_recipient: "Укажите хотя бы одного получателя.",
    external_title: "Подпись, созданная в другой программе",
    external_hint: "Для документа, подписанного в другой программе (например, на токене): выберите документ и файл его подписи (.sig, .p7s). Подпись проверяется до отправки.",
    external_document: "Документ",
    external_file: "Файл подписи",
    no_signature_file: "Выберите файл подписи для документа, подписанного в другой программе.",
    no_external_document: "Выберите документ, к которому относится файл подписи.",
    certificate: "Сертификат для подписи",
    no_credential: "Чтобы подтвердить получение, нужен действующий сертификат с ключом в хранилище.",
    decrypt: "Расшифровать",
    decrypt_note: "Файл зашифрован на ваш сертификат шифрования; открыть его может только ваш ключ в хранилище — с ПИН-кодом и одноразовым кодом. Вы скачаете ZIP-архив с файлом, подписью отправителя и протоколом её проверки; расшифрованного текста на сервере не остаётся.",
    decrypt_download: "Расшифровать и скачать",
};
