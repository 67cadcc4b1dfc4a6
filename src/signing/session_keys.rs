//! The HSM session objects this instance holds for open authorisations, so each signature
//! draws on a key unwrapped once per authorisation instead of once per signature.

use crate::vault::custody::SessionKey;
use std::collections::HashMap;
use std::sync::Mutex;
use uuid::Uuid;

/// Authorisation id → its unwrapped key in this process's PKCS#11 sessions.
#[derive(Debug, Default)]
pub(super) struct SessionKeys {
    keys: Mutex<HashMap<Uuid, SessionKey>>,
}

impl SessionKeys {
    pub(super) fn get(&self, id: Uuid) -> Option<SessionKey> {
        self.keys.lock().ok()?.get(&id).copied()
    }

    /// Keep `key` for `id`; returns a key it replaced (to be destroyed).
    pub(super) fn insert(&self, id: Uuid, key: SessionKey) -> Option<SessionKey> {
        self.keys.lock().ok()?.insert(id, key)
    }

    pub(super) fn take(&self, id: Uuid) -> Option<SessionKey> {
        self.keys.lock().ok()?.remove(&id)
    }

    pub(super) fn ids(&self) -> Vec<Uuid> {
        self.keys
            .lock()
            .map(|k| k.keys().copied().collect())
            .unwrap_or_default()
    }

    pub(super) fn take_all(&self) -> Vec<SessionKey> {
        self.keys
            .lock()
            .map(|mut k| k.drain().map(|(_, v)| v).collect())
            .unwrap_or_default()
    }

    pub(super) fn len(&self) -> usize {
        self.keys.lock().map(|k| k.len()).unwrap_or(0)
    }
}
