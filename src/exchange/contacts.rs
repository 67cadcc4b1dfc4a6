//! A holder's contacts: people they send to, registered or not, found only by their owner.

use super::views::ContactView;
use super::{ContactName, Exchange, ExchangeError, ShortText};
use crate::identity::Person;
use crate::identity::values::Email;
use crate::said;
use crate::store::contacts::{self as sql, ContactRow};
use uuid::Uuid;

/// A contact as typed, parsed.
#[derive(Debug, Clone)]
pub struct ContactInput {
    /// Email address.
    pub email: Email,
    /// Name.
    pub name: ContactName,
    /// Organisation, if any.
    pub organisation: ShortText,
}

fn duplicate() -> ExchangeError {
    ExchangeError::Conflict(said!(
        "your address book already has a contact with this email",
        "в вашей адресной книге уже есть контакт с этим адресом"
    ))
}

impl Exchange {
    /// Add a contact; a second one with the same email is refused.
    pub async fn add_contact(
        &self,
        person: &Person,
        input: ContactInput,
    ) -> Result<ContactView, ExchangeError> {
        let now = self.0.clock.now();
        let row = ContactRow {
            id: Uuid::new_v4(),
            owner_id: person.account.0,
            email: input.email.as_str().to_owned(),
            name: input.name.as_str().to_owned(),
            organisation: input.organisation.as_deref().map(str::to_owned),
            created_at: now,
            updated_at: now,
        };
        let client = self.0.db.client().await?;
        if !sql::insert(&**client, &row).await? {
            return Err(duplicate());
        }
        Ok(ContactView::from(&row))
    }

    /// A page of the caller's contacts, by name.
    pub async fn contacts(
        &self,
        person: &Person,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<ContactView>, ExchangeError> {
        let client = self.0.db.client().await?;
        Ok(sql::list(&**client, person.account.0, limit, offset)
            .await?
            .iter()
            .map(ContactView::from)
            .collect())
    }

    /// One of the caller's contacts.
    pub async fn contact(&self, person: &Person, id: Uuid) -> Result<ContactView, ExchangeError> {
        let client = self.0.db.client().await?;
        sql::get(&**client, id, person.account.0)
            .await?
            .as_ref()
            .map(ContactView::from)
            .ok_or(ExchangeError::NotFound)
    }

    /// Rewrite one of the caller's contacts.
    pub async fn change_contact(
        &self,
        person: &Person,
        id: Uuid,
        input: ContactInput,
    ) -> Result<ContactView, ExchangeError> {
        let mut client = self.0.db.client().await?;
        let tx = client.transaction().await?;
        let old = sql::get(&*tx, id, person.account.0)
            .await?
            .ok_or(ExchangeError::NotFound)?;
        let row = ContactRow {
            email: input.email.as_str().to_owned(),
            name: input.name.as_str().to_owned(),
            organisation: input.organisation.as_deref().map(str::to_owned),
            updated_at: self.0.clock.now(),
            ..old
        };
        match sql::update(&*tx, &row).await? {
            None => return Err(ExchangeError::NotFound),
            Some(false) => return Err(duplicate()),
            Some(true) => {}
        }
        tx.commit().await?;
        Ok(ContactView::from(&row))
    }

    /// Remove one of the caller's contacts.
    pub async fn remove_contact(&self, person: &Person, id: Uuid) -> Result<(), ExchangeError> {
        let client = self.0.db.client().await?;
        if sql::delete(&**client, id, person.account.0).await? {
            Ok(())
        } else {
            Err(ExchangeError::NotFound)
        }
    }
}
