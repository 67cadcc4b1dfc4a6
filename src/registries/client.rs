//! The client of the registry gateway.

use super::RegistriesError;
use super::wire::{InnAnswer, InnQuery, LegalEntity, SnilsAnswer, SnilsQuery};
use crate::config::RegistriesConfig;
use serde::de::DeserializeOwned;

/// The registry gateway as configured (or its absence); cheap to clone.
#[derive(Clone)]
pub struct Registries {
    http: reqwest::Client,
    base: Option<String>,
    token: Option<crate::config::Secret>,
}

impl std::fmt::Debug for Registries {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Registries")
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

impl Registries {
    /// The client for `cfg`; without a URL every question answers `NotConfigured`.
    pub fn from_config(cfg: &RegistriesConfig) -> Result<Self, RegistriesError> {
        let http = reqwest::Client::builder()
            .timeout(std::time::Duration::from_millis(cfg.timeout_ms.get()))
            .build()
            .map_err(|e| RegistriesError::Unavailable(e.to_string()))?;
        Ok(Self {
            http,
            base: cfg.url.as_ref().map(|u| u.trim_end_matches('/').to_owned()),
            token: cfg.token.clone(),
        })
    }

    /// Whether the SNILS is registered to the person.
    pub async fn snils_matches(&self, q: &SnilsQuery) -> Result<bool, RegistriesError> {
        let answer: Option<SnilsAnswer> = self.call("/v1/snils/verify", Some(q)).await?;
        answer
            .map(|a| a.matches)
            .ok_or_else(|| RegistriesError::Unavailable("no answer from the SNILS register".into()))
    }

    /// The INN of the holder of a Russian passport, if they have one.
    pub async fn inn_by_passport(&self, q: &InnQuery) -> Result<Option<String>, RegistriesError> {
        let answer: Option<InnAnswer> = self.call("/v1/inn/by-passport", Some(q)).await?;
        Ok(answer.and_then(|a| a.inn))
    }

    /// The register's extract for an OGRN, or `None` when it has no such organisation.
    pub async fn legal_entity(&self, ogrn: &str) -> Result<Option<LegalEntity>, RegistriesError> {
        if !ogrn.bytes().all(|b| b.is_ascii_digit()) {
            return Ok(None);
        }
        self.call::<(), _>(&format!("/v1/legal-entities/{ogrn}"), None)
            .await
    }

    /// POST `body` (or GET without one) and read the JSON answer; 404 is `None`.
    async fn call<B: serde::Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: Option<&B>,
    ) -> Result<Option<T>, RegistriesError> {
        let base = self.base.as_ref().ok_or(RegistriesError::NotConfigured)?;
        let url = format!("{base}{path}");
        let mut request = match body {
            Some(b) => self.http.post(&url).json(b),
            None => self.http.get(&url),
        };
        if let Some(token) = &self.token {
            request = request.bearer_auth(token.expose());
        }
        let unavailable =
            |e: reqwest::Error| RegistriesError::Unavailable(e.without_url().to_string());
        let response = request.send().await.map_err(unavailable)?;
        if response.status() == reqwest::StatusCode::NOT_FOUND {
            return Ok(None);
        }
        if !response.status().is_success() {
            return Err(RegistriesError::Unavailable(format!(
                "the gateway answered {}",
                response.status()
            )));
        }
        response.json().await.map(Some).map_err(unavailable)
    }
}
