//! The words of the address book pages: contacts, and counterparties with their invitations
//! and the "only from my counterparties" setting.

use crate::identity::values::Language;

/// The address book pages' words in one language.
pub struct BookWords {
    /// Link and title: the address book.
    pub title: &'static str,
    /// Heading: contacts.
    pub contacts: &'static str,
    /// No contact yet.
    pub no_contacts: &'static str,
    /// Label and column: name.
    pub name: &'static str,
    /// Label and column: email.
    pub email: &'static str,
    /// Label and column: organisation.
    pub organisation: &'static str,
    /// Marks an optional field.
    pub optional: &'static str,
    /// Heading and button: add a contact.
    pub add: &'static str,
    /// Title and link: change a contact.
    pub edit: &'static str,
    /// Button: save.
    pub save: &'static str,
    /// Button: remove a contact.
    pub remove: &'static str,
    /// Link: write to a contact.
    pub write: &'static str,
    /// A contact was added.
    pub added: &'static str,
    /// A contact was saved.
    pub saved: &'static str,
    /// A contact was removed.
    pub removed: &'static str,
    /// Link, title and heading: counterparties.
    pub counterparties: &'static str,
    /// What a counterparty is.
    pub counterparties_intro: &'static str,
    /// No relationship yet.
    pub no_counterparties: &'static str,
    /// Heading and button: invite.
    pub invite: &'static str,
    /// Label: the note with an invitation.
    pub note: &'static str,
    /// An invitation went out.
    pub invited_mark: &'static str,
    /// Column: the other side.
    pub who: &'static str,
    /// Column: who invited.
    pub direction: &'static str,
    /// The caller invited.
    pub outgoing: &'static str,
    /// The caller was invited.
    pub incoming: &'static str,
    /// Column: status.
    pub status: &'static str,
    /// Column: the date.
    pub since: &'static str,
    /// Status: invited.
    pub st_invited: &'static str,
    /// Status: accepted.
    pub st_accepted: &'static str,
    /// Status: declined.
    pub st_declined: &'static str,
    /// Status: ended.
    pub st_ended: &'static str,
    /// Button: accept an invitation.
    pub accept: &'static str,
    /// Button: decline an invitation.
    pub decline: &'static str,
    /// Button: withdraw one's invitation.
    pub withdraw: &'static str,
    /// Button: end a relationship.
    pub end: &'static str,
    /// Heading: who may send to me.
    pub only_heading: &'static str,
    /// Only counterparties may send.
    pub only_on: &'static str,
    /// Anyone may send.
    pub only_off: &'static str,
    /// Button: only counterparties.
    pub only_turn_on: &'static str,
    /// Button: anyone.
    pub only_turn_off: &'static str,
    /// Link: previous page.
    pub previous: &'static str,
    /// Link: next page.
    pub next_page: &'static str,
}

impl BookWords {
    /// The words of `lang`.
    pub fn of(lang: Language) -> &'static BookWords {
        match lang {
            Language::En => &EN,
            Language::Ru => &RU,
        }
    }
}

static EN: BookWords = BookWords {
    title: "Address book",
    contacts: "Contacts",
    no_contacts: "No contacts yet.",
    name: "Name",
    email: "Email",
    organisation: "Organisation",
    optional: "optional",
    add: "Add a contact",
    edit: "Change the contact",
    save: "Save",
    remove: "Remove",
    write: "Write",
    added: "The contact is added.",
    saved: "The contact is saved.",
    removed: "The contact is removed.",
    counterparties: "Counterparties",
    counterparties_intro: "A counterparty is someone you exchange documents with by mutual agreement: you invite them by email and they accept. You can choose to receive sendings only from your counterparties.",
    no_counterparties: "No counterparties or invitations yet.",
    invite: "Invite a counterparty",
    note: "Note for them",
    invited_mark: "The invitation is sent.",
    who: "Counterparty",
    direction: "Invitation",
    outgoing: "from you",
    incoming: "to you",
    status: "Status",
    since: "Date",
    st_invited: "invited",
    st_accepted: "accepted",
    st_declined: "declined",
    st_ended: "ended",
    accept: "Accept",
    decline: "Decline",
    withdraw: "Withdraw",
    end: "End",
    only_heading: "Who may send to you",
    only_on: "Only your counterparties may send you documents.",
    only_off: "Anyone with an account may send you documents.",
    only_turn_on: "Accept only from counterparties",
    only_turn_off: "Accept from anyone",
    previous: "Previous",
    next_page: "Next",
};

static RU: BookWords = BookWords {
    title: "Адресная книга",
    contacts: "Контакты",
    no_contacts: "Контактов пока нет.",
    name: "Имя",
    email: "Электронная почта",
    organisation: "Организация",
    optional: "необязательно",
    add: "Добавить контакт",
    edit: "Изменить контакт",
    save: "Сохранить",
    remove: "Удалить",
    write: "Написать",
    added: "Контакт добавлен.",
    saved: "Контакт сохранён.",
    removed: "Контакт удалён.",
    counterparties: "Контрагенты",
    counterparties_intro: "Контрагент — тот, с кем вы обмениваетесь документами по взаимному согласию: вы приглашаете его по электронной почте, он принимает приглашение. Можно принимать отправления только от своих контрагентов.",
    no_counterparties: "Контрагентов и приглашений пока нет.",
    invite: "Пригласить контрагента",
    note: "Сообщение для приглашённого",
    invited_mark: "Приглашение отправлено.",
    who: "Контрагент",
    direction: "Приглашение",
    outgoing: "от вас",
    incoming: "вам",
    status: "Статус",
    since: "Дата",
    st_invited: "приглашён",
    st_accepted: "принято",
    st_declined: "отклонено",
    st_ended: "прекращено",
    accept: "Принять",
    decline: "Отклонить",
    withdraw: "Отозвать",
    end: "Прекратить",
    only_heading: "Кто может вам отправлять",
    only_on: "Отправлять вам документы могут только ваши контрагенты.",
    only_off: "Отправлять вам документы может любой пользователь сервиса.",
    only_turn_on: "Принимать только от контрагентов",
    only_turn_off: "Принимать от всех",
    previous: "Назад",
    next_page: "Далее",
};
