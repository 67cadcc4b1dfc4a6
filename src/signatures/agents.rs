//! Letting a folder agent apply an organisation's seal: the seal's holder confirms with their
//! second factor an operation that names the seal, and gets a machine credential for it
//! (DESIGN §3). Personal signatures never allow that: only a seal certificate qualifies.

use super::{Credential, CredentialId, Reach, SignatureError, Signatures};
use crate::identity::agents::AgentCredentials;
use crate::identity::confirm::{Operation, PendingConfirmation};
use crate::identity::{Person, RequestMeta};
use crate::said;

/// The operation the holder confirms: a folder agent may apply this seal without them.
fn agent_operation(c: &Credential) -> Operation {
    Operation {
        target: format!("agent:{}", c.id.0),
        en: format!(
            "ALLOW a folder agent to apply seal {} without you",
            c.serial
        ),
        ru: format!(
            "РАЗРЕШИТЬ агенту каталога ставить печать {} без вашего участия",
            c.serial
        ),
    }
}

impl Signatures {
    /// The holder's seal, usable now; a personal credential is refused with the reason.
    async fn seal(&self, person: &Person, id: CredentialId) -> Result<Credential, SignatureError> {
        if person.agent.is_some() {
            return Err(SignatureError::NotFound);
        }
        let c = self.usable(Reach::of(person), id).await?;
        if !c.seal {
            return Err(SignatureError::Precondition(said!(
                "only an organisation seal may be applied by a folder agent; a personal signature always needs you",
                "агент каталога может ставить только печать организации; личная подпись всегда требует вас"
            )));
        }
        Ok(c)
    }

    /// Start the second-factor confirmation of letting a folder agent apply the seal.
    pub async fn agent_confirmation(
        &self,
        person: &Person,
        meta: &RequestMeta,
        id: CredentialId,
    ) -> Result<PendingConfirmation, SignatureError> {
        let c = self.seal(person, id).await?;
        Ok(self
            .0
            .identity
            .confirmation_start(person, &agent_operation(&c), meta)
            .await?)
    }

    /// Issue a machine credential for the seal once the holder's code confirms it; the
    /// secret is in the answer only.
    pub async fn issue_agent(
        &self,
        person: &Person,
        meta: &RequestMeta,
        id: CredentialId,
        name: &str,
        (confirmation, code): (&str, &str),
    ) -> Result<AgentCredentials, SignatureError> {
        let c = self.seal(person, id).await?;
        crate::identity::agents::agent_name(name)?;
        self.0
            .identity
            .confirm(
                person,
                confirmation,
                code,
                &agent_operation(&c).target,
                meta,
            )
            .await?;
        Ok(self
            .0
            .identity
            .issue_agent(person, meta, c.id.0, name)
            .await?)
    }
}
