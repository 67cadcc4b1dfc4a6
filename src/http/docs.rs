//! The OpenAPI document (generated from the handlers; committed as `openapi/openapi.yaml` and
//! checked for drift by a test), the interactive docs page from vendored assets, and `/`.

use super::problem::Problem;
use super::{
    accounts, address_book, admin, agents, applications, audit, audit_trail, certificates, csc,
    desk, documents, encryption, exports, health, identification, login, ocsp, papers, partner,
    pki, scans, sendings, signatures, tsa, verify,
};
use actix_web::{HttpResponse, get, web};
use utoipa::OpenApi;

/// The API description.
#[derive(OpenApi)]
#[openapi(
    info(title = "cloudseal API", description = "Cloud electronic signatures: registration, key vault, signing and document exchange."),
    paths(health::healthz, health::readyz, health::metrics, health::info, audit::verify_export, audit_trail::entries, audit_trail::status, audit_trail::chain, pki::ca_certificate, pki::crl, ocsp::ocsp_post, ocsp::ocsp_get, tsa::time_stamp,
        accounts::register, accounts::confirm_email, accounts::confirm_phone, accounts::resend_code,
        accounts::me, accounts::my_sessions, accounts::end_session, accounts::change_password,
        accounts::change_email, accounts::change_phone, accounts::sms_login, accounts::totp_enrol,
        accounts::totp_confirm, login::login, login::login_verify, login::sms_login, login::refresh,
        login::logout, login::reset_request, login::reset_confirm, login::jwks,
        login::oauth_token, admin::create_member, admin::create_point, admin::create_partner,
        admin::create_client, admin::rotate_client, admin::clients, admin::disable_client, admin::products, admin::set_offer, admin::disable_account, admin::enable_account, admin::unlock, partner::agents,
        applications::products, applications::points, applications::file, applications::list,
        applications::report, applications::read, applications::update, applications::cancel,
        applications::submit_request, papers::paper, scans::upload, scans::list, scans::download,
        scans::remove, desk::documents_prepared, desk::completion_confirmed, desk::complete,
        desk::originals_received, desk::accept, desk::pay, desk::reject, identification::statement,
        identification::identify, identification::read, identification::enrol_officer,
        desk::resend_marker, desk::revoke, certificates::activation_confirmation,
        certificates::activate, certificates::list, certificates::read, certificates::download,
        certificates::revocation_confirmation, certificates::revoke,
        certificates::reissue_confirmation, certificates::reissue,
        certificates::payment_notification, signatures::credentials, signatures::credential,
        signatures::confirmation, signatures::authorise, signatures::sign, signatures::list,
        signatures::read, signatures::p7s, agents::agents, agents::agent_confirmation,
        agents::issue_agent, agents::disable_agent, encryption::issue, encryption::certificate,
        encryption::directory, encryption::decryption_confirmation, encryption::decryption, documents::upload, documents::list, documents::read,
        documents::content, documents::remove, verify::verify, verify::check_protocol,
        verify::saved_protocols, verify::saved_protocol, csc::service::info,
        csc::service::login, csc::service::revoke, csc::credentials::list, csc::credentials::info,
        csc::credentials::authorize, csc::credentials::send_otp, csc::credentials::extend,
        csc::signing::sign_hash, csc::signing::sign_doc, csc::signing::timestamp,
        address_book::add_contact, address_book::contacts, address_book::contact,
        address_book::change_contact, address_book::remove_contact, address_book::invite,
        address_book::counterparties, address_book::counterparty, address_book::accept,
        address_book::decline, address_book::end, address_book::settings,
        address_book::set_settings, sendings::send, sendings::folder, sendings::sending,
        sendings::change_draft, sendings::remove_draft, sendings::send_draft, sendings::open_link,
        sendings::mark_read, sendings::file, sendings::file_signature, sendings::delivery_protocol,
        sendings::receipt, sendings::verify_received, sendings::acknowledge, sendings::reject,
        exports::export_own, exports::export_for_auditor, exports::auditor_protocol),
    components(schemas(Problem, health::Health, health::Ready, health::ServiceInfo,
        audit::VerifyExportRequest, audit::VerifyExportReport, audit::VerifyFailure,
        crate::audit::trail::TrailPage, crate::audit::trail::TrailEntry, crate::audit::trail::ChainStatus,
        crate::audit::trail::CheckpointView, crate::audit::trail::SegmentCheck,
        exports::OwnExportBody, exports::AuditorExportBody,
        accounts::RegisterRequest, accounts::ChallengeResponse, accounts::Registered, accounts::LinkToken,
        accounts::Confirmed, accounts::CodeAnswer, accounts::ResendRequest, accounts::PasswordChange,
        accounts::ContactChange, accounts::SmsLoginChoice, accounts::Reauth, accounts::TotpCode,
        accounts::RecoveryCodes, crate::identity::accounts::Profile, crate::identity::sessions::SessionInfo,
        crate::identity::totp::Enrolment, crate::identity::Role, crate::identity::values::Language,
        crate::identity::login::Factor, crate::identity::sessions::SessionKind, crate::identity::tokens::Jwk,
        crate::identity::clients::ClientCredentials, crate::identity::clients::ClientSummary, crate::identity::staff::PointOfIssue,
        login::LoginRequest, login::LoginChallenge, login::VerifyRequest, login::TokenResponse,
        login::WebSessionResponse, login::SmsLoginRequest, login::RefreshRequest, login::ResetRequest,
        login::ResetConfirm, login::Jwks, login::TokenRequest, login::ClientTokenResponse,
        admin::NewMemberRequest, admin::Created, admin::NewPoint, admin::NewPartner, admin::NewClient,
        admin::Unlocked, admin::Offer, admin::Disabled, partner::Agent,
        crate::registration::values::Product, crate::registration::values::PointOfIssue,
        crate::registration::values::ProductKind, crate::registration::values::Track,
        crate::registration::values::Applicant, crate::registration::values::ApplicantKind,
        crate::registration::values::IdentityDocument, crate::registration::values::DocumentKind,
        crate::registration::values::Organisation, crate::registration::NewApplication,
        crate::registration::ApplicationView, crate::registration::CheckView,
        crate::registration::HistoryView, crate::registration::CertificateView,
        crate::registration::views::CertificateStatus, crate::registration::checks::CheckStatus,
        crate::registration::Status, crate::registration::Identification,
        crate::registration::scans::ScanView, crate::registration::scans::ScanDocument,
        crate::registries::wire::LegalEntity, crate::registries::wire::Head,
        crate::registries::wire::EntityStatus,
        crate::registration::PaymentNotice, crate::identity::confirm::ConfirmFactor,
        applications::ApplicationPage, applications::CancelRequest, applications::RequestBody,
        desk::PaymentRequest, desk::RejectRequest, desk::OperatorRevocation,
        certificates::Confirmation, certificates::ActivateRequest, certificates::RevokeRequest,
        certificates::ReissueRequest, crate::registration::StatementView,
        crate::registration::IdentificationView, identification::IdentifyRequest,
        identification::EnrolmentRequest, crate::signatures::CredentialView,
        crate::signatures::AuthorisationView, crate::signatures::SignatureView,
        signatures::HashesRequest, signatures::AuthoriseRequest, signatures::SignRequest,
        agents::AgentConfirmationRequest, agents::AgentRequest, encryption::EncryptionRequest,
        encryption::EntryRequest, encryption::DecryptionRequest, encryption::ContentKeyView,
        crate::signatures::encryption::EncryptionCertificateView,
        crate::identity::agents::AgentCredentials, crate::identity::agents::AgentSummary,
        crate::documents::DocumentView, verify::VerifyAnswer, crate::verification::ProtocolCheck,
        crate::verification::ProtocolSummary, address_book::ContactRequest,
        address_book::InvitationRequest, address_book::SettingsRequest,
        crate::exchange::views::ContactView, crate::exchange::views::CounterpartyView,
        crate::exchange::views::OtherSide, crate::exchange::views::ExchangeSettings,
        sendings::SendingRequest, sendings::AttachmentRequest, sendings::OpenLink,
        sendings::ReadMark, crate::exchange::views::SendingView,
        crate::exchange::views::SendingSummary, crate::exchange::views::SendingFileView,
        crate::exchange::views::RecipientView, crate::exchange::views::Party,
        crate::exchange::FileProblem, crate::exchange::ReceiptView,
        crate::exchange::VerificationView, crate::exchange::FileCheck,
        sendings::AcknowledgeRequest, sendings::RejectRequest)),
    tags((name = "operations", description = "Health and monitoring"), (name = "service", description = "Service facts"),
        (name = "audit", description = "Audit trail"),
        (name = "pki", description = "CA certificates, CRLs, OCSP and time-stamping"),
        (name = "accounts", description = "Registration and your own account"),
        (name = "auth", description = "Login, sessions, tokens and password reset"),
        (name = "admin", description = "Staff, partners, API clients and locks"),
        (name = "partner", description = "The partner API"),
        (name = "applications", description = "Certificate applications, the catalogue and payment"),
        (name = "desk", description = "The operator desk"),
        (name = "certificates", description = "Activation, download and revocation of your certificates"),
        (name = "signing", description = "Credentials, authorisation (SAD) and signatures"),
        (name = "agents", description = "Folder agents: machine credentials for an organisation seal"),
        (name = "encryption", description = "Encryption keys in the vault: certificates to encrypt to, content keys of envelopes"),
        (name = "documents", description = "Your documents: upload, download, delete"),
        (name = "verification", description = "Verify signatures and check sealed protocols (open to anyone)"),
        (name = "exchange", description = "Document exchange: address book, counterparties, signed sendings, folders"),
        (name = "csc", description = "The Cloud Signature Consortium API (1.0.4 under /csc/v1, 2.0 under /csc/v2) over the same credentials and SADs"))
)]
pub struct ApiDoc;

/// The document as served; the version is pinned so the committed file does not change with
/// every release.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    doc.info.version = "1".into();
    doc
}

/// The committed YAML form.
pub fn openapi_yaml() -> String {
    openapi().to_yaml().unwrap_or_default()
}

#[get("/api/v1/openapi.json")]
async fn openapi_json() -> HttpResponse {
    HttpResponse::Ok().json(openapi())
}

const DOCS_PAGE: &str = r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>cloudseal API</title><link rel="stylesheet" href="/static/swagger-ui/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/static/swagger-ui/swagger-ui-bundle.js"></script>
<script src="/static/swagger-ui/init.js"></script></body></html>"#;

const LANDING_PAGE: &str = r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>cloudseal</title></head>
<body><h1>cloudseal</h1>
<p>Cloud electronic signatures: your key stays in our HSM-backed vault and only you can use it.</p>
<ul><li><a href="/api/docs">API documentation</a></li>
<li><a href="/api/v1/openapi.json">OpenAPI document</a></li>
<li><a href="/readyz">Service status</a></li></ul></body></html>"#;

#[get("/api/docs")]
async fn docs_page() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(DOCS_PAGE)
}

#[get("/")]
async fn landing() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(LANDING_PAGE)
}

#[get("/static/swagger-ui/{file}")]
async fn asset(file: web::Path<String>) -> Result<HttpResponse, super::problem::ApiError> {
    let (body, kind): (&'static [u8], &str) = match file.as_str() {
        "swagger-ui-bundle.js" => (
            include_bytes!("../../static/swagger-ui/swagger-ui-bundle.js"),
            "text/javascript",
        ),
        "swagger-ui.css" => (
            include_bytes!("../../static/swagger-ui/swagger-ui.css"),
            "text/css",
        ),
        "init.js" => (
            include_bytes!("../../static/swagger-ui/init.js"),
            "text/javascript",
        ),
        _ => return Err(super::problem::ApiError::NotFound),
    };
    Ok(HttpResponse::Ok()
        .content_type(kind)
        .insert_header(("cache-control", "public, max-age=86400"))
        .body(body))
}

/// Register the docs routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(openapi_json)
        .service(docs_page)
        .service(landing)
        .service(asset);
}
