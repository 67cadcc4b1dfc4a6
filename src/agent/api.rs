//! The agent's side of the public API: the token from the machine credential (kept until just
//! before it expires, fetched again after a 401), and the calls the outbox and the inbox make.
//! Answers are sorted into done, worth retrying (no connection, 408, 429, 5xx) and refused
//! (any other 4xx, with the problem's detail), so the callers know what to do with a file.

use super::AgentError;
use super::progress::Progress;
use base64::Engine;
use futures_util::TryStreamExt;
use reqwest::{Method, RequestBuilder, Response, StatusCode};
use serde::Deserialize;
use serde_json::{Value, json};
use std::path::Path;
use std::time::{Duration, Instant};
use tokio::io::AsyncWriteExt;
use tokio::sync::Mutex;
use uuid::Uuid;
use zeroize::Zeroizing;

/// A document as the server stored it.
#[derive(Debug, Clone, Deserialize)]
pub struct Stored {
    /// Its id.
    pub id: Uuid,
    /// SHA-256 the server computed, hex.
    pub sha256: String,
}

/// The client of one server with one machine credential.
pub struct Api {
    http: reqwest::Client,
    base: String,
    client_id: String,
    secret: Zeroizing<String>,
    token: Mutex<Option<(Zeroizing<String>, Instant)>>,
}

impl std::fmt::Debug for Api {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Api")
            .field("base", &self.base)
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}

fn transient(e: reqwest::Error) -> AgentError {
    AgentError::Transient(format!("the server cannot be reached: {e}"))
}

/// Sort a finished response: 2xx passes; 408, 429 and 5xx are worth retrying; any other
/// status is a refusal with the problem's detail.
async fn checked(r: Response) -> Result<Response, AgentError> {
    let status = r.status();
    if status.is_success() {
        return Ok(r);
    }
    let body: Value = r.json().await.unwrap_or(Value::Null);
    let detail = body["detail"]
        .as_str()
        .or_else(|| body["title"].as_str())
        .unwrap_or("no detail")
        .to_owned();
    if status == StatusCode::REQUEST_TIMEOUT
        || status == StatusCode::TOO_MANY_REQUESTS
        || status.is_server_error()
    {
        Err(AgentError::Transient(format!(
            "the server answered {status}: {detail}"
        )))
    } else {
        Err(AgentError::Refused {
            status: status.as_u16(),
            detail,
        })
    }
}

impl Api {
    /// A client of `base` with the credential `client_id` / `secret`.
    pub fn new(base: &str, client_id: &str, secret: Zeroizing<String>) -> Result<Self, AgentError> {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .user_agent(concat!("cloudseal-agent/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| AgentError::Config(format!("HTTP client: {e}")))?;
        Ok(Api {
            http,
            base: base.trim_end_matches('/').to_owned(),
            client_id: client_id.to_owned(),
            secret,
            token: Mutex::new(None),
        })
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    async fn token(&self) -> Result<Zeroizing<String>, AgentError> {
        let mut held = self.token.lock().await;
        if let Some((t, until)) = held.as_ref() {
            if Instant::now() < *until {
                return Ok(t.clone());
            }
        }
        let r = self
            .http
            .post(self.url("/oauth/token"))
            .basic_auth(&self.client_id, Some(self.secret.as_str()))
            .form(&[("grant_type", "client_credentials")])
            .timeout(Duration::from_secs(30))
            .send()
            .await
            .map_err(transient)?;
        let body: Value = checked(r).await?.json().await.map_err(transient)?;
        let token = Zeroizing::new(
            body["access_token"]
                .as_str()
                .ok_or_else(|| AgentError::Transient("the token answer has no token".into()))?
                .to_owned(),
        );
        let life = body["expires_in"].as_u64().unwrap_or(60);
        let until = Instant::now() + Duration::from_secs(life.saturating_sub(30).max(5));
        *held = Some((token.clone(), until));
        Ok(token)
    }

    /// Send what `build` makes with the token; after a 401 fetch a new token and send once
    /// more (the old one may have ended early).
    async fn send(
        &self,
        build: impl Fn(&str) -> Result<RequestBuilder, AgentError>,
    ) -> Result<Response, AgentError> {
        for attempt in 0..2 {
            let token = self.token().await?;
            let r = build(&token)?.send().await.map_err(transient)?;
            if r.status() == StatusCode::UNAUTHORIZED && attempt == 0 {
                *self.token.lock().await = None;
                continue;
            }
            return checked(r).await;
        }
        Err(AgentError::Transient("the token was refused twice".into()))
    }

    async fn json(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value, AgentError> {
        let r = self
            .send(|token| {
                let mut b = self
                    .http
                    .request(method.clone(), self.url(path))
                    .bearer_auth(token)
                    .timeout(Duration::from_secs(120));
                if let Some(body) = &body {
                    b = b.json(body);
                }
                Ok(b)
            })
            .await?;
        if r.status() == StatusCode::NO_CONTENT {
            return Ok(Value::Null);
        }
        r.json().await.map_err(transient)
    }

    /// Check the credential works: a token, and the seal to use (the configured one, or the
    /// one seal the token reaches). Returns the seal's id and whether it can sign now.
    pub async fn seal(&self, configured: Option<Uuid>) -> Result<(Uuid, bool), AgentError> {
        let list = self.json(Method::GET, "/api/v1/credentials", None).await?;
        let found = list
            .as_array()
            .into_iter()
            .flatten()
            .filter(|c| c["purpose"] == "seal")
            .find(|c| configured.is_none_or(|id| c["id"] == id.to_string()))
            .ok_or_else(|| AgentError::Refused {
                status: 404,
                detail: "the machine credential reaches no such seal".into(),
            })?;
        let id = found["id"]
            .as_str()
            .and_then(|s| Uuid::parse_str(s).ok())
            .ok_or_else(|| AgentError::Transient("a credential without an id".into()))?;
        Ok((id, found["can_sign"] == true))
    }

    /// Upload the file at `path` as `name`, streamed, reporting progress.
    pub async fn upload(
        &self,
        path: &Path,
        name: &str,
        progress: &Progress,
    ) -> Result<Stored, AgentError> {
        let query: String = form_urlencoded::Serializer::new(String::new())
            .append_pair("name", name)
            .finish();
        let r = self
            .send(|token| {
                let file = std::fs::File::open(path).map_err(AgentError::Io)?;
                let len = file.metadata().map_err(AgentError::Io)?.len();
                let bar = progress.clone();
                let stream = tokio_util::io::ReaderStream::with_capacity(
                    tokio::fs::File::from_std(file),
                    256 * 1024,
                )
                .inspect_ok(move |chunk| bar.advance(chunk.len() as u64));
                Ok(self
                    .http
                    .post(self.url(&format!("/api/v1/documents?{query}")))
                    .bearer_auth(token)
                    .header(reqwest::header::CONTENT_TYPE, "application/octet-stream")
                    .header(reqwest::header::CONTENT_LENGTH, len)
                    .body(reqwest::Body::wrap_stream(stream)))
            })
            .await?;
        r.json().await.map_err(transient)
    }

    /// Authorise the seal for exactly `documents` (stored) or `hashes` (SHA-256) with the PIN
    /// alone; the SAD.
    pub async fn authorise(
        &self,
        seal: Uuid,
        pin: &str,
        documents: &[Uuid],
        hashes: &[[u8; 32]],
    ) -> Result<Zeroizing<String>, AgentError> {
        let mut body = json!({"pin": pin, "lifetime_secs": 120});
        if documents.is_empty() {
            let b64 = base64::engine::general_purpose::STANDARD;
            body["hash_algorithm"] = json!("sha256");
            body["hashes"] = json!(hashes.iter().map(|h| b64.encode(h)).collect::<Vec<_>>());
        } else {
            body["documents"] = json!(documents);
        }
        let v = self
            .json(
                Method::POST,
                &format!("/api/v1/credentials/{seal}/authorise"),
                Some(body),
            )
            .await?;
        Ok(Zeroizing::new(
            v["sad"].as_str().unwrap_or_default().to_owned(),
        ))
    }

    /// Sign a stored document under the SAD; the signature's id.
    pub async fn sign(
        &self,
        seal: Uuid,
        sad: &str,
        document: Uuid,
        format: &str,
        level: &str,
    ) -> Result<Uuid, AgentError> {
        self.sign_what(
            json!({"credential": seal, "sad": sad, "documents": [document],
                    "format": format, "level": level, "label": "cloudseal agent"}),
        )
        .await
    }

    /// Sign a file's SHA-256 under the SAD (detached CAdES: the file itself never leaves the
    /// agent); the signature's id.
    pub async fn sign_hash(
        &self,
        seal: Uuid,
        sad: &str,
        sha256: &[u8; 32],
        level: &str,
    ) -> Result<Uuid, AgentError> {
        let b64 = base64::engine::general_purpose::STANDARD;
        self.sign_what(
            json!({"credential": seal, "sad": sad, "hash_algorithm": "sha256",
                    "hashes": [b64.encode(sha256)], "format": "cms", "level": level,
                    "label": "cloudseal agent"}),
        )
        .await
    }

    async fn sign_what(&self, body: Value) -> Result<Uuid, AgentError> {
        let v = self
            .json(Method::POST, "/api/v1/signatures", Some(body))
            .await?;
        v[0]["id"]
            .as_str()
            .and_then(|s| Uuid::parse_str(s).ok())
            .ok_or_else(|| AgentError::Transient("the signature answer has no id".into()))
    }

    /// A stored signature as `.p7s` bytes.
    pub async fn p7s(&self, signature: Uuid) -> Result<Vec<u8>, AgentError> {
        let path = format!("/api/v1/signatures/{signature}/p7s");
        let r = self
            .send(|token| Ok(self.http.get(self.url(&path)).bearer_auth(token)))
            .await?;
        Ok(r.bytes().await.map_err(transient)?.to_vec())
    }

    /// Send the signed document to `recipients` under `key`; the sending (made now, or
    /// before with the same key).
    pub async fn send_sending(
        &self,
        key: &str,
        subject: &str,
        recipients: &[String],
        document: Uuid,
        signature: Uuid,
    ) -> Result<Value, AgentError> {
        let body = json!({"subject": subject, "recipients": recipients,
                          "attachments": [{"document_id": document, "signature_id": signature}]});
        let r = self
            .send(|token| {
                Ok(self
                    .http
                    .post(self.url("/api/v1/sendings"))
                    .bearer_auth(token)
                    .header("Idempotency-Key", key)
                    .json(&body))
            })
            .await?;
        r.json().await.map_err(transient)
    }

    /// Unread sendings delivered to the agent's holder, oldest first.
    pub async fn unread(&self) -> Result<Vec<Uuid>, AgentError> {
        let v = self
            .json(
                Method::GET,
                "/api/v1/sendings?folder=received&unread=true&limit=200",
                None,
            )
            .await?;
        let mut ids: Vec<Uuid> = v
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| s["id"].as_str().and_then(|i| Uuid::parse_str(i).ok()))
            .collect();
        ids.reverse();
        Ok(ids)
    }

    /// GET a JSON resource.
    pub async fn get(&self, path: &str) -> Result<Value, AgentError> {
        self.json(Method::GET, path, None).await
    }

    /// POST JSON.
    pub async fn post(&self, path: &str, body: Value) -> Result<Value, AgentError> {
        self.json(Method::POST, path, Some(body)).await
    }

    /// PUT JSON.
    pub async fn put(&self, path: &str, body: Value) -> Result<(), AgentError> {
        self.json(Method::PUT, path, Some(body)).await.map(|_| ())
    }

    /// GET bytes.
    pub async fn bytes(&self, path: &str) -> Result<Vec<u8>, AgentError> {
        let r = self
            .send(|token| Ok(self.http.get(self.url(path)).bearer_auth(token)))
            .await?;
        Ok(r.bytes().await.map_err(transient)?.to_vec())
    }

    /// GET a body streamed into the file `to`; its SHA-256.
    pub async fn download(&self, path: &str, to: &Path) -> Result<[u8; 32], AgentError> {
        use sha2::Digest;
        let mut r = self
            .send(|token| Ok(self.http.get(self.url(path)).bearer_auth(token)))
            .await?;
        let mut file = tokio::fs::File::create(to).await.map_err(AgentError::Io)?;
        let mut hash = sha2::Sha256::new();
        while let Some(chunk) = r.chunk().await.map_err(transient)? {
            hash.update(&chunk);
            file.write_all(&chunk).await.map_err(AgentError::Io)?;
        }
        file.sync_all().await.map_err(AgentError::Io)?;
        Ok(hash.finalize().into())
    }

    /// The seal's own encryption certificate (DER), asked for with the PIN when it has none
    /// yet, so an agent set up for encryption needs nothing done by hand.
    pub async fn own_encryption_certificate(
        &self,
        seal: Uuid,
        pin: &str,
    ) -> Result<Vec<u8>, AgentError> {
        let path = format!("/api/v1/credentials/{seal}/encryption-certificate");
        let v = match self.get(&path).await {
            Err(AgentError::Refused { status: 404, .. }) => {
                tracing::info!("asking for an encryption certificate for the seal");
                self.post(&path, json!({ "pin": pin })).await?
            }
            other => other?,
        };
        certificate_of(&v)
    }

    /// The current encryption certificates (DER) of the counterparty at `email`.
    pub async fn encryption_certificates(&self, email: &str) -> Result<Vec<Vec<u8>>, AgentError> {
        let query: String = form_urlencoded::Serializer::new(String::new())
            .append_pair("email", email)
            .finish();
        let v = self
            .get(&format!("/api/v1/encryption-certificates?{query}"))
            .await?;
        v.as_array()
            .into_iter()
            .flatten()
            .map(certificate_of)
            .collect()
    }

    /// The content key of an envelope, from its recipient entry (DER) for the seal's
    /// encryption certificate, opened in the vault with the PIN.
    pub async fn content_key(
        &self,
        seal: Uuid,
        pin: &str,
        entry: &[u8],
    ) -> Result<Zeroizing<[u8; 32]>, AgentError> {
        let b64 = base64::engine::general_purpose::STANDARD;
        let v = self
            .post(
                &format!("/api/v1/credentials/{seal}/decryption"),
                json!({"pin": pin, "recipient_entry": b64.encode(entry)}),
            )
            .await?;
        let key = Zeroizing::new(
            b64.decode(v["content_key"].as_str().unwrap_or_default())
                .unwrap_or_default(),
        );
        let key: [u8; 32] = key
            .as_slice()
            .try_into()
            .map_err(|_| AgentError::Transient("the answer holds no AES-256 key".into()))?;
        Ok(Zeroizing::new(key))
    }

    /// Have the service verify a detached signature over content it never sees, named by its
    /// SHA-256 and size; the protocol (kept among the holder's).
    pub async fn verify_by_hash(
        &self,
        p7s: &[u8],
        sha256: &[u8; 32],
        size: u64,
    ) -> Result<Value, AgentError> {
        let r = self
            .send(|token| {
                let form = reqwest::multipart::Form::new()
                    .part(
                        "signature",
                        reqwest::multipart::Part::bytes(p7s.to_vec()).file_name("inner.p7s"),
                    )
                    .text("document_sha256", hex::encode(sha256))
                    .text("document_size", size.to_string());
                Ok(self
                    .http
                    .post(self.url("/api/v1/verify"))
                    .bearer_auth(token)
                    .multipart(form))
            })
            .await?;
        let v: Value = r.json().await.map_err(transient)?;
        Ok(v["protocol"].clone())
    }
}

fn certificate_of(v: &Value) -> Result<Vec<u8>, AgentError> {
    base64::engine::general_purpose::STANDARD
        .decode(v["certificate"].as_str().unwrap_or_default())
        .ok()
        .filter(|d| !d.is_empty())
        .ok_or_else(|| AgentError::Transient("an answer without a certificate".into()))
}
