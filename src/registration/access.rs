//! Who may act on which applications, as capabilities made only from an authenticated caller.
//!
//! An [`Actor`] carries the visibility of its maker — an applicant sees their own applications,
//! an operator those of their point of issue, a partner (agent or API client) those its
//! organisation filed — and every query of this module's service takes it, so an application
//! outside it answers "not found" exactly like one that does not exist. Desk acts need an
//! [`Operator`], which only a person with the operator role yields.

use crate::audit::{ActorKind, AuditEvent};
use crate::identity::clients::Client;
use crate::identity::{Person, RequestMeta, Role};
use crate::store::applications::Visibility;
use uuid::Uuid;

/// Someone acting on applications.
#[derive(Debug, Clone)]
pub struct Actor {
    kind: ActorKind,
    id: Option<Uuid>,
    visibility: Visibility,
    meta: RequestMeta,
}

/// An operator at a point of issue: the capability the desk's acts take.
#[derive(Debug, Clone)]
pub struct Operator(Actor);

/// An administrator: the capability to enrol an operator as a CA officer (the bootstrap of
/// identification, which otherwise needs an officer's signature).
#[derive(Debug, Clone)]
pub struct Administrator(Actor);

impl Actor {
    /// The actor a signed-in person is, if their role works with applications.
    pub fn person(p: &Person, meta: &RequestMeta) -> Option<Actor> {
        let visibility = match p.role {
            Role::Subscriber => Visibility::Account(p.account.0),
            Role::Operator => Visibility::Point(p.point_of_issue?),
            Role::PartnerAgent => Visibility::Partner(p.partner?),
            Role::Auditor | Role::Admin => return None,
        };
        Some(Actor {
            kind: crate::identity::actor_kind(p.role),
            id: Some(p.account.0),
            visibility,
            meta: meta.clone(),
        })
    }

    /// A person acting on their own applications and certificates as the applicant: a
    /// subscriber, or an operator applying for their officer certificate.
    pub fn holder(p: &Person, meta: &RequestMeta) -> Option<Actor> {
        match p.role {
            Role::Subscriber | Role::Operator => Some(Actor {
                kind: crate::identity::actor_kind(p.role),
                id: Some(p.account.0),
                visibility: Visibility::Account(p.account.0),
                meta: meta.clone(),
            }),
            Role::PartnerAgent | Role::Auditor | Role::Admin => None,
        }
    }

    /// True when this actor works at a point of issue and `account` is their own: an
    /// operator never acts at the desk on their own application.
    pub(crate) fn is_own_desk_case(&self, account: Uuid) -> bool {
        matches!(self.visibility, Visibility::Point(_)) && self.id == Some(account)
    }

    /// A partner API client.
    pub fn client(c: &Client, meta: &RequestMeta) -> Actor {
        Actor {
            kind: ActorKind::Partner,
            id: Some(c.id),
            visibility: Visibility::Partner(c.partner),
            meta: meta.clone(),
        }
    }

    /// The service itself, acting on a verified outside notification (a payment).
    pub(crate) fn system(meta: &RequestMeta) -> Actor {
        Actor {
            kind: ActorKind::System,
            id: None,
            visibility: Visibility::All,
            meta: meta.clone(),
        }
    }

    pub(crate) fn visibility(&self) -> Visibility {
        self.visibility
    }

    pub(crate) fn meta(&self) -> &RequestMeta {
        &self.meta
    }

    pub(crate) fn kind(&self) -> ActorKind {
        self.kind
    }

    pub(crate) fn id(&self) -> Option<Uuid> {
        self.id
    }

    /// The applicant's own account, when the actor is the applicant.
    pub(crate) fn applicant(&self) -> Option<Uuid> {
        match self.visibility {
            Visibility::Account(a) => Some(a),
            _ => None,
        }
    }

    /// The partner organisation, when the actor acts for one.
    pub(crate) fn partner(&self) -> Option<Uuid> {
        match self.visibility {
            Visibility::Partner(p) => Some(p),
            _ => None,
        }
    }

    pub(crate) fn event(&self, action: &str) -> AuditEvent {
        let mut e = self.meta.event(action, self.id.map(|id| (self.kind, id)));
        if self.id.is_none() {
            e.actor_kind = self.kind;
        }
        e
    }
}

impl Operator {
    /// The capability of an operator (and nobody else).
    pub fn person(p: &Person, meta: &RequestMeta) -> Option<Operator> {
        if p.role != Role::Operator {
            return None;
        }
        Actor::person(p, meta).map(Operator)
    }

    /// As an actor.
    pub fn actor(&self) -> &Actor {
        &self.0
    }

    pub(crate) fn account(&self) -> Uuid {
        self.0.id.unwrap_or_default()
    }
}

impl Administrator {
    /// The capability of an administrator (and nobody else).
    pub fn person(p: &Person, meta: &RequestMeta) -> Option<Administrator> {
        (p.role == Role::Admin).then(|| {
            Administrator(Actor {
                kind: ActorKind::Staff,
                id: Some(p.account.0),
                visibility: Visibility::All,
                meta: meta.clone(),
            })
        })
    }

    /// As an actor.
    pub fn actor(&self) -> &Actor {
        &self.0
    }

    pub(crate) fn account(&self) -> Uuid {
        self.0.id.unwrap_or_default()
    }
}
