//! A pool of logged-in PKCS#11 sessions over one loaded module, re-opened after failures.

use super::{ServiceKey, VaultError};
use crate::config::HsmConfig;
use cryptoki::context::{CInitializeArgs, Pkcs11};
use cryptoki::error::{Error as CkError, RvError};
use cryptoki::mechanism::Mechanism;
use cryptoki::object::{Attribute, AttributeType, CertificateType, ObjectClass, ObjectHandle};
use cryptoki::session::{Session, SessionState, UserType};
use cryptoki::slot::Slot;
use cryptoki::types::AuthPin;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// The process's context for the module, with the slot of our token.
struct Module {
    ctx: Pkcs11,
    slot: Slot,
}

pub(super) struct SessionPool {
    module_path: std::path::PathBuf,
    token_label: String,
    pin: crate::config::Secret,
    module: Mutex<Option<Module>>,
    idle: Mutex<Vec<Session>>,
    permits: std::sync::Arc<Semaphore>,
    capacity: usize,
    in_flight: AtomicUsize,
    handles: std::sync::Arc<HandleCache>,
}

/// Handles of the service objects found by label. A search walks every object on the token
/// (about three times the cost of a signature on SoftHSM), so it is done once; a cached
/// handle is checked by a cheap attribute read before use and searched again if the token
/// no longer knows it.
#[derive(Default)]
pub(super) struct HandleCache(Mutex<Vec<(ObjectClass, String, ObjectHandle)>>);

impl HandleCache {
    fn get(&self, class: ObjectClass, label: &str) -> Option<ObjectHandle> {
        self.0
            .lock()
            .ok()?
            .iter()
            .find(|(c, l, _)| *c == class && l == label)
            .map(|(_, _, h)| *h)
    }

    fn put(&self, class: ObjectClass, label: &str, handle: ObjectHandle) {
        if let Ok(mut v) = self.0.lock() {
            v.retain(|(c, l, _)| !(*c == class && l == label));
            v.push((class, label.to_owned(), handle));
        }
    }

    fn clear(&self) {
        if let Ok(mut v) = self.0.lock() {
            v.clear();
        }
    }
}

/// The one PKCS#11 context per module path in this process. C_Initialize and C_Finalize are
/// process-wide: finalizing one context would pull the module out from under every other
/// user, so contexts are kept for the life of the process and never finalized.
fn context(path: &std::path::Path) -> Result<Pkcs11, VaultError> {
    static MODULES: OnceLock<Mutex<HashMap<PathBuf, Pkcs11>>> = OnceLock::new();
    let module_err = |detail: String| VaultError::Module {
        module: path.display().to_string(),
        detail,
    };
    let mut modules = MODULES
        .get_or_init(Default::default)
        .lock()
        .map_err(|_| module_err("module registry poisoned".into()))?;
    if let Some(ctx) = modules.get(path) {
        return Ok(ctx.clone());
    }
    if !path.exists() {
        return Err(module_err("file not found".into()));
    }
    let ctx = Pkcs11::new(path).map_err(|e| module_err(e.to_string()))?;
    match ctx.initialize(CInitializeArgs::OsThreads) {
        Ok(()) | Err(CkError::AlreadyInitialized) => {}
        Err(CkError::Pkcs11(RvError::CryptokiAlreadyInitialized, _)) => {}
        Err(e) => return Err(module_err(e.to_string())),
    }
    modules.insert(path.to_owned(), ctx.clone());
    Ok(ctx)
}

/// Find the token by label in the module and log in.
fn load(path: &std::path::Path, label: &str, pin: &str) -> Result<Module, VaultError> {
    let module_err = |detail: String| VaultError::Module {
        module: path.display().to_string(),
        detail,
    };
    let ctx = context(path)?;
    let slots = ctx
        .get_slots_with_token()
        .map_err(|e| module_err(e.to_string()))?;
    let slot = slots
        .into_iter()
        .find(|s| {
            ctx.get_token_info(*s)
                .map(|i| i.label().trim() == label)
                .unwrap_or(false)
        })
        .ok_or_else(|| VaultError::TokenNotFound(label.to_owned()))?;
    let session = ctx
        .open_rw_session(slot)
        .map_err(|e| module_err(e.to_string()))?;
    login(&session, label, pin)?;
    Ok(Module { ctx, slot })
}

fn login(session: &Session, label: &str, pin: &str) -> Result<(), VaultError> {
    match session.login(UserType::User, Some(&AuthPin::new(pin.to_owned()))) {
        Ok(()) | Err(CkError::Pkcs11(RvError::UserAlreadyLoggedIn, _)) => Ok(()),
        Err(e) => Err(VaultError::Login {
            token: label.to_owned(),
            detail: e.to_string(),
        }),
    }
}

/// Errors after which a session must not be reused and the token must be found again.
fn is_broken(e: &VaultError) -> bool {
    matches!(
        e,
        VaultError::Device(_) | VaultError::Module { .. } | VaultError::TokenNotFound(_)
    )
}

impl SessionPool {
    pub(super) fn open(cfg: &HsmConfig) -> Result<Self, VaultError> {
        let module = load(&cfg.module, &cfg.token_label, cfg.pin.expose())?;
        let capacity = cfg.sessions.max(1);
        Ok(Self {
            module_path: cfg.module.clone(),
            token_label: cfg.token_label.clone(),
            pin: cfg.pin.clone(),
            module: Mutex::new(Some(module)),
            idle: Mutex::new(Vec::new()),
            permits: std::sync::Arc::new(Semaphore::new(capacity)),
            capacity,
            in_flight: AtomicUsize::new(0),
            handles: Default::default(),
        })
    }

    pub(super) async fn acquire(&self) -> Result<OwnedSemaphorePermit, VaultError> {
        tokio::time::timeout(
            Duration::from_secs(10),
            self.permits.clone().acquire_owned(),
        )
        .await
        .map_err(|_| VaultError::Busy)?
        .map_err(|_| VaultError::Busy)
    }

    pub(super) fn status(&self) -> (usize, usize, usize) {
        let idle = self.idle.lock().map(|v| v.len()).unwrap_or(0);
        let busy = self.in_flight.load(Ordering::Relaxed);
        (idle + busy, busy, self.capacity)
    }

    /// A logged-in session: an idle one that still answers (logged in again if the token
    /// logged us out), else a new one — after re-loading the module if it failed.
    fn checkout(&self) -> Result<Session, VaultError> {
        while let Some(s) = self.idle.lock().ok().and_then(|mut v| v.pop()) {
            match s.get_session_info() {
                Ok(info) if matches!(info.session_state(), SessionState::RwUser) => return Ok(s),
                Ok(_) => {
                    tracing::warn!("HSM session was logged out; logging in again");
                    login(&s, &self.token_label, self.pin.expose())?;
                    return Ok(s);
                }
                Err(e) => {
                    tracing::warn!(error = %e, "idle HSM session is gone; re-opening the module");
                    drop(s);
                    self.reset();
                }
            }
        }
        let mut guard = self
            .module
            .lock()
            .map_err(|_| VaultError::Operation("HSM state poisoned".into()))?;
        if guard.is_none() {
            *guard = Some(load(
                &self.module_path,
                &self.token_label,
                self.pin.expose(),
            )?);
        }
        let module = guard
            .as_ref()
            .ok_or_else(|| VaultError::Operation("no module".into()))?;
        let session = match module.ctx.open_rw_session(module.slot) {
            Ok(s) => s,
            Err(e) => {
                *guard = None;
                return Err(e.into());
            }
        };
        login(&session, &self.token_label, self.pin.expose())?;
        Ok(session)
    }

    fn reset(&self) {
        self.handles.clear();
        if let Ok(mut idle) = self.idle.lock() {
            idle.clear();
        }
        if let Ok(mut m) = self.module.lock() {
            *m = None;
        }
    }

    pub(super) fn with_session<T>(
        &self,
        f: impl FnOnce(&HsmSession) -> Result<T, VaultError>,
    ) -> Result<T, VaultError> {
        let session = match self.checkout() {
            Ok(s) => s,
            Err(e) => {
                if is_broken(&e) {
                    self.reset();
                }
                return Err(e);
            }
        };
        self.in_flight.fetch_add(1, Ordering::Relaxed);
        let hsm = HsmSession {
            session,
            handles: self.handles.clone(),
        };
        let result = f(&hsm);
        self.in_flight.fetch_sub(1, Ordering::Relaxed);
        match &result {
            Err(e) if is_broken(e) => {
                tracing::warn!(error = %e, "HSM session failed; re-opening the module");
                drop(hsm);
                self.reset();
            }
            _ => {
                if let Ok(mut idle) = self.idle.lock() {
                    idle.push(hsm.session);
                }
            }
        }
        result
    }
}

/// A logged-in session lent to one operation.
pub struct HsmSession {
    session: Session,
    handles: std::sync::Arc<HandleCache>,
}

/// DER of the P-256 curve OID, the `CKA_EC_PARAMS` of our EC keys.
pub(crate) const P256_PARAMS: [u8; 10] =
    [0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];

impl HsmSession {
    /// The raw cryptoki session, for provisioning code in this module tree.
    pub(super) fn raw(&self) -> &Session {
        &self.session
    }

    /// Prove the token answers.
    pub fn ping(&self) -> Result<(), VaultError> {
        self.session.get_session_info()?;
        Ok(())
    }

    /// Find one object by class and label.
    pub(crate) fn find(
        &self,
        class: ObjectClass,
        label: &str,
    ) -> Result<Option<ObjectHandle>, VaultError> {
        if let Some(handle) = self.handles.get(class, label) {
            let still = self
                .session
                .get_attributes(handle, &[AttributeType::Class, AttributeType::Label]);
            if let Ok(attrs) = still {
                let same = attrs
                    .iter()
                    .any(|a| matches!(a, Attribute::Class(c) if *c == class))
                    && attrs
                        .iter()
                        .any(|a| matches!(a, Attribute::Label(l) if l == label.as_bytes()));
                if same {
                    return Ok(Some(handle));
                }
            }
        }
        let found = self.session.find_objects(&[
            Attribute::Class(class),
            Attribute::Label(label.as_bytes().to_vec()),
        ])?;
        let handle = found.into_iter().next();
        if let Some(h) = handle {
            self.handles.put(class, label, h);
        }
        Ok(handle)
    }

    /// The uncompressed SEC1 point of a service key's public half.
    pub fn public_point(&self, key: ServiceKey) -> Result<Vec<u8>, VaultError> {
        let handle = self
            .find(ObjectClass::PUBLIC_KEY, key.label())?
            .ok_or_else(|| VaultError::Missing(format!("public key {}", key.label())))?;
        let attrs = self
            .session
            .get_attributes(handle, &[AttributeType::EcPoint])?;
        match attrs.into_iter().next() {
            Some(Attribute::EcPoint(point)) => Ok(unwrap_octet_string(point)),
            _ => Err(VaultError::Operation(format!(
                "{} has no EC point",
                key.label()
            ))),
        }
    }

    /// Sign a SHA-256 digest with a P-256 service key; returns the DER signature.
    pub fn sign_digest_p256(
        &self,
        key: ServiceKey,
        digest: &[u8; 32],
    ) -> Result<Vec<u8>, VaultError> {
        let handle = self
            .find(ObjectClass::PRIVATE_KEY, key.label())?
            .ok_or_else(|| VaultError::Missing(format!("private key {}", key.label())))?;
        let raw = self.sign_raw(handle, digest)?;
        let sig = p256::ecdsa::Signature::from_slice(&raw).map_err(|_| {
            VaultError::Operation("HSM returned a malformed ECDSA signature".into())
        })?;
        Ok(sig.to_der().as_bytes().to_vec())
    }

    /// `CKM_ECDSA` over a digest; SoftHSM answers raw r‖s.
    pub(crate) fn sign_raw(&self, key: ObjectHandle, digest: &[u8]) -> Result<Vec<u8>, VaultError> {
        Ok(self.session.sign(&Mechanism::Ecdsa, key, digest)?)
    }

    /// The DER certificate stored beside a service key, if any.
    pub fn certificate(&self, key: ServiceKey) -> Result<Option<Vec<u8>>, VaultError> {
        let Some(handle) = self.find(ObjectClass::CERTIFICATE, key.label())? else {
            return Ok(None);
        };
        let attrs = self
            .session
            .get_attributes(handle, &[AttributeType::Value])?;
        match attrs.into_iter().next() {
            Some(Attribute::Value(der)) => Ok(Some(der)),
            _ => Err(VaultError::Operation(format!(
                "certificate {} has no value",
                key.label()
            ))),
        }
    }

    /// Store a DER certificate beside a service key.
    pub(crate) fn store_certificate(
        &self,
        key: ServiceKey,
        der: &[u8],
        subject_der: &[u8],
    ) -> Result<(), VaultError> {
        self.session.create_object(&[
            Attribute::Class(ObjectClass::CERTIFICATE),
            Attribute::CertificateType(CertificateType::X_509),
            Attribute::Token(true),
            Attribute::Private(false),
            Attribute::Label(key.label().as_bytes().to_vec()),
            Attribute::Id(key.id().to_vec()),
            Attribute::Subject(subject_der.to_vec()),
            Attribute::Value(der.to_vec()),
        ])?;
        Ok(())
    }
}

/// `CKA_EC_POINT` is a DER OCTET STRING around the point (SoftHSM follows the standard);
/// accept a bare point too, as some modules return it.
pub(crate) fn unwrap_octet_string(bytes: Vec<u8>) -> Vec<u8> {
    use der::Decode;
    match der::asn1::OctetString::from_der(&bytes) {
        Ok(os) => os.as_bytes().to_vec(),
        Err(_) => bytes,
    }
}
