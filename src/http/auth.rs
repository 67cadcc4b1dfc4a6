//! Authorisation as capabilities. A handler states what it needs by the type of an argument —
//! [`Signed`] (any person), [`Authorised<Admins>`](Authorised) (an admin), [`ClientCtx`] with a
//! scope — and actix will not call it unless the request proves it: a verified bearer token or
//! web session cookie (with its CSRF token on state-changing requests), a live session, and the
//! role or scope. There is no check to forget.

use super::AppState;
use super::problem::ApiError;
use crate::identity::clients::Client;
use crate::identity::sessions::COOKIE_NAME;
use crate::identity::{Person, Principal, RequestMeta, Role};
use crate::said;
use actix_web::dev::Payload;
use actix_web::http::{Method, header};
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use futures_util::future::{LocalBoxFuture, Ready, ready};
use std::marker::PhantomData;

/// Header carrying the CSRF token of a web session.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// Where the request came from (request id, address, user agent).
#[derive(Debug, Clone)]
pub struct Meta(pub RequestMeta);

impl FromRequest for Meta {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(Meta(meta_of(req))))
    }
}

fn meta_of(req: &HttpRequest) -> RequestMeta {
    RequestMeta {
        request_id: req
            .extensions()
            .get::<super::middleware::RequestId>()
            .map(|r| r.0.clone()),
        client_ip: client_ip(req).map(|a| a.to_string()).unwrap_or_default(),
        user_agent: req
            .headers()
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|s| s.chars().take(200).collect())
            .unwrap_or_default(),
    }
}

/// The caller's address: the peer's, or behind our reverse proxies what they forwarded.
fn client_ip(req: &HttpRequest) -> Option<std::net::IpAddr> {
    let peer = req.peer_addr().map(|a| a.ip());
    match req.app_data::<web::Data<super::forwarded::TrustedProxies>>() {
        Some(proxies) => proxies.client_ip(
            peer,
            req.headers()
                .get_all("x-forwarded-for")
                .filter_map(|v| v.to_str().ok()),
        ),
        None => peer,
    }
}

async fn principal(req: HttpRequest) -> Result<Principal, ApiError> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| ApiError::Internal("application state missing".into()))?;
    if let Some(value) = req.headers().get(header::AUTHORIZATION) {
        let token = value
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| {
                ApiError::unauthenticated(said!(
                    "Send the access token as: Authorization: Bearer <token>.",
                    "Передайте токен доступа так: Authorization: Bearer <token>."
                ))
            })?;
        return Ok(state.identity.authenticate_bearer(token).await?);
    }
    if let Some(cookie) = req.cookie(COOKIE_NAME) {
        let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
        let csrf = req.headers().get(CSRF_HEADER).and_then(|v| v.to_str().ok());
        return Ok(state
            .identity
            .authenticate_cookie(cookie.value(), csrf, unsafe_method)
            .await?);
    }
    Err(ApiError::unauthenticated(said!(
        "Log in first: send an access token (Authorization: Bearer) or a session cookie.",
        "Сначала войдите: передайте токен доступа (Authorization: Bearer) или cookie сеанса."
    )))
}

fn agent_refused() -> ApiError {
    ApiError::forbidden(said!(
        "A folder agent's token does not open this; the person signs in for it.",
        "Токен агента каталога сюда не пускает; для этого входит сам человек."
    ))
}

/// The person calling; a folder agent's token passes only where `agents` opens the route.
async fn person(req: HttpRequest, agents: bool) -> Result<Person, ApiError> {
    match principal(req).await? {
        Principal::Person(p) if p.agent.is_none() || agents => Ok(p),
        Principal::Person(_) => Err(agent_refused()),
        Principal::Client(_) => Err(ApiError::forbidden(said!(
            "This is for people signed in to their account, not for API clients.",
            "Это для людей, вошедших в свою учётную запись, а не для API-клиентов."
        ))),
    }
}

/// Any signed-in person, whatever the role.
#[derive(Debug, Clone)]
pub struct Signed(pub Person);

impl FromRequest for Signed {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { person(req, false).await.map(Signed) })
    }
}

/// Any signed-in person or a folder agent acting for one: for what is the caller's own and
/// only read (their saved verification protocols).
#[derive(Debug, Clone)]
pub struct SignedOrAgent(pub Person);

impl FromRequest for SignedOrAgent {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { person(req, true).await.map(SignedOrAgent) })
    }
}

/// Whoever calls an open endpoint: the person when a bearer token is sent (it must then be
/// valid), else nobody. Cookies are not consulted, so an open form needs no CSRF token.
#[derive(Debug, Clone)]
pub struct Visitor(pub Option<Person>);

impl FromRequest for Visitor {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            if req.headers().contains_key(header::AUTHORIZATION) {
                person(req, true).await.map(|p| Visitor(Some(p)))
            } else {
                Ok(Visitor(None))
            }
        })
    }
}

/// Which roles a capability admits.
pub trait Roles {
    /// The roles.
    const ROLES: &'static [Role];
    /// How a refusal names them.
    const NAME: &'static str;
    /// Whether a folder agent acting for a person of these roles passes too.
    const AGENTS: bool = false;
}

/// A person holding one of `R`'s roles.
#[derive(Debug, Clone)]
pub struct Authorised<R: Roles>(pub Person, PhantomData<R>);

impl<R: Roles + 'static> FromRequest for Authorised<R> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { Authorised::of(person(req, R::AGENTS).await?) })
    }
}

impl<R: Roles> Authorised<R> {
    /// The capability for a person already authenticated some other way (the web cabinet's
    /// session): refused unless the person holds one of `R`'s roles.
    pub fn of(p: Person) -> Result<Self, ApiError> {
        if R::ROLES.contains(&p.role) {
            Ok(Authorised(p, PhantomData))
        } else {
            Err(ApiError::forbidden(said!(
                "This needs the {} role.",
                "Для этого нужна роль {}.",
                R::NAME
            )))
        }
    }
}

macro_rules! roles {
    ($(#[$doc:meta])* $name:ident, $label:literal, [$($role:ident),+] $(, agents = $agents:literal)?) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy)]
        pub struct $name;
        impl Roles for $name {
            const ROLES: &'static [Role] = &[$(Role::$role),+];
            const NAME: &'static str = $label;
            $(const AGENTS: bool = $agents;)?
        }
    };
}

roles!(
    /// Admins only.
    Admins, "admin", [Admin]
);
roles!(
    /// Auditors (and admins).
    Auditors, "auditor", [Auditor, Admin]
);
roles!(
    /// Operators.
    Operators, "operator", [Operator]
);
roles!(
    /// Subscribers.
    Subscribers, "subscriber", [Subscriber]
);
roles!(
    /// People who may hold certificates of their own and sign with them: subscribers, and
    /// operators (who sign identifications with their officer certificate).
    Holders, "subscriber or operator", [Subscriber, Operator]
);
roles!(
    /// Holders, and the folder agents that work for them with a seal: documents, signatures
    /// under the seal, sendings. Everything else of the account (its settings, certificates,
    /// address book, other credentials) stays the person's own.
    Workers, "subscriber or operator", [Subscriber, Operator], agents = true
);
roles!(
    /// Staff: operators, auditors, admins.
    Staff, "operator, auditor or admin", [Operator, Auditor, Admin]
);

/// An admin.
pub type AdminCtx = Authorised<Admins>;

/// A scope a client capability asks for.
pub trait Scope {
    /// The scope's name.
    const NAME: &'static str;
}

/// Scope `agents:read`.
#[derive(Debug, Clone, Copy)]
pub struct AgentsRead;
impl Scope for AgentsRead {
    const NAME: &'static str = "agents:read";
}

/// A partner API client whose token carries scope `S`.
#[derive(Debug, Clone)]
pub struct ClientCtx<S: Scope>(pub Client, PhantomData<S>);

impl<S: Scope + 'static> FromRequest for ClientCtx<S> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            match principal(req).await? {
                Principal::Client(c) if c.has(S::NAME) => Ok(ClientCtx(c, PhantomData)),
                Principal::Client(_) => Err(ApiError::forbidden(said!(
                    "The access token lacks the scope {}.",
                    "В токене доступа нет области {}.",
                    S::NAME
                ))),
                Principal::Person(_) => Err(ApiError::forbidden(said!(
                    "This is for partner API clients (client credentials).",
                    "Это для API-клиентов партнёров (client credentials)."
                ))),
            }
        })
    }
}

/// Whoever works with applications: the applicant, an operator, a partner agent, or a partner
/// API client whose token carries `applications:read` (and `applications:write` to change
/// anything). Each sees only the applications its capability covers.
#[derive(Debug, Clone)]
pub struct ApplicationsActor(pub crate::registration::Actor);

impl FromRequest for ApplicationsActor {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let meta = meta_of(&req);
            let writes = !matches!(*req.method(), Method::GET | Method::HEAD);
            match principal(req).await? {
                Principal::Person(p) if p.agent.is_some() => Err(agent_refused()),
                Principal::Person(p) => crate::registration::Actor::person(&p, &meta)
                    .map(ApplicationsActor)
                    .ok_or_else(|| {
                        ApiError::forbidden(said!(
                            "Applications are for applicants, operators and partner agents.",
                            "Заявки — для заявителей, операторов и агентов партнёров."
                        ))
                    }),
                Principal::Client(c) => {
                    let needed = if writes {
                        "applications:write"
                    } else {
                        "applications:read"
                    };
                    if c.has(needed) {
                        Ok(ApplicationsActor(crate::registration::Actor::client(
                            &c, &meta,
                        )))
                    } else {
                        Err(ApiError::forbidden(said!(
                            "The access token lacks the scope {needed}.",
                            "В токене доступа нет области {needed}."
                        )))
                    }
                }
            }
        })
    }
}

/// An operator at the desk: the capability every desk route takes.
#[derive(Debug, Clone)]
pub struct OperatorCtx(pub crate::registration::Operator);

impl FromRequest for OperatorCtx {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let meta = meta_of(&req);
            let p = person(req, false).await?;
            crate::registration::Operator::person(&p, &meta)
                .map(OperatorCtx)
                .ok_or_else(|| {
                    ApiError::forbidden(said!(
                        "This needs the operator role.",
                        "Для этого нужна роль оператора."
                    ))
                })
        })
    }
}
