//! Signing hashes under a SAD: raw signatures, or CAdES SignedData whose messageDigest is the
//! hash (openssl verifies it against the document) — detached, or attached for stored
//! documents, BES or T (time-stamped by our TSA). The signatures are kept for the holder; the
//! custody has already written the audit entry naming every hash.

use super::authorise::key_holder;
use super::hashes::{Hashes, short_name};
use super::subject::{Resolved, Subject};
use super::views::SignatureView;
use super::{Credential, CredentialId, SignatureError, Signatures};
use crate::documents::DocumentId;
use crate::identity::{Person, RequestMeta};
use crate::pki::Ca;
use crate::pki::cms::DigestAlgorithm;
use crate::pki::cms::batch::DetachedBatch;
use crate::pki::cms::sign::{SignerDraft, attach};
use crate::pki::scheme::{KeyAlgorithm, SignatureScheme};
use crate::said;
use crate::signing::{KeyHolder, Sad, SignItem, SigningError, Spent};
use crate::store::signatures::{self as sql, SignatureRow};
use der::Encode;
use uuid::Uuid;

/// Longest label a holder may put on a signature.
const MAX_LABEL: usize = 200;

/// What to make of each hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// The bare signature value (ECDSA as DER), as CSC `signHash` returns it.
    Raw,
    /// A detached CAdES SignedData (`.p7s`) with the certificate and its issuer.
    Cms,
    /// The same SignedData carrying the document (only for stored documents).
    Attached,
}

impl Format {
    /// `raw`, `cms` (detached) or `attached`.
    pub fn parse(text: &str) -> Result<Self, SignatureError> {
        match text {
            "raw" => Ok(Format::Raw),
            "cms" | "detached" => Ok(Format::Cms),
            "attached" => Ok(Format::Attached),
            _ => Err(SignatureError::Invalid(said!(
                "format is `cms` (detached CAdES), `attached` or `raw`",
                "format — `cms` (отделённая CAdES), `attached` или `raw`"
            ))),
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Format::Raw => "raw",
            Format::Cms => "cms",
            Format::Attached => "attached",
        }
    }
}

/// How much a CMS signature proves by itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// CAdES-BES: signer, certificate reference and signing time as the signer claims it.
    Bes,
    /// CAdES-T: BES plus our TSA's time-stamp over the signature value, so the time is proved.
    T,
}

impl Level {
    /// `bes` or `t`.
    pub fn parse(text: &str) -> Result<Self, SignatureError> {
        match text.to_ascii_lowercase().as_str() {
            "bes" | "cades-bes" => Ok(Level::Bes),
            "t" | "cades-t" => Ok(Level::T),
            _ => Err(SignatureError::Invalid(said!(
                "level is `bes` (CAdES-BES) or `t` (CAdES-T, time-stamped)",
                "level — `bes` (CAdES-BES) или `t` (CAdES-T, с меткой времени)"
            ))),
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Level::Bes => "bes",
            Level::T => "t",
        }
    }
}

/// How an RSA key signs: some relying systems accept only one of the two schemes. Keys of
/// other algorithms have one scheme each.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum RsaPadding {
    /// RSASSA-PKCS1-v1_5, which every verifier accepts.
    #[default]
    Pkcs1v15,
    /// RSASSA-PSS: MGF1 with the signed hash's algorithm and a salt of this many bytes, as
    /// long as the hash when none is named (CSC clients name theirs in `signAlgoParams`).
    Pss(Option<u16>),
}

impl RsaPadding {
    /// `pkcs1` (the default) or `pss`.
    pub fn parse(text: &str) -> Result<Self, SignatureError> {
        match text.to_ascii_lowercase().as_str() {
            "pkcs1" | "pkcs1v15" | "pkcs1-v1_5" => Ok(RsaPadding::Pkcs1v15),
            "pss" | "rsassa-pss" => Ok(RsaPadding::Pss(None)),
            _ => Err(SignatureError::Invalid(said!(
                "rsa_padding is `pkcs1` (RSASSA-PKCS1-v1_5, the default) or `pss` (RSASSA-PSS)",
                "rsa_padding — `pkcs1` (RSASSA-PKCS1-v1_5, по умолчанию) или `pss` (RSASSA-PSS)"
            ))),
        }
    }
}

/// The kind of signature to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    /// Raw, detached or attached.
    pub format: Format,
    /// BES or T (CMS only).
    pub level: Level,
    /// The scheme of an RSA key (PSS is refused for keys of other algorithms).
    pub padding: RsaPadding,
}

impl Shape {
    /// Detached CAdES-BES.
    pub const DETACHED_BES: Shape = Shape {
        format: Format::Cms,
        level: Level::Bes,
        padding: RsaPadding::Pkcs1v15,
    };
}

/// A request to sign hashes or documents.
pub struct SignInput<'a> {
    /// The credential.
    pub credential: CredentialId,
    /// The SAD from the authorisation.
    pub sad: &'a str,
    /// What to sign (each hash must be covered by the SAD).
    pub subject: Subject,
    /// The kind of signature.
    pub shape: Shape,
    /// A label the holder keeps with the signatures.
    pub label: Option<String>,
    /// For attached signatures over hashes: the content of each (sent inline, CSC
    /// `signDoc`), which must hash to it. Empty otherwise.
    pub contents: Vec<Vec<u8>>,
}

/// The credential to sign with and the SAD that opens it, as the holder presented them.
#[derive(Clone, Copy)]
pub(crate) struct Grant<'a> {
    /// Which credentials the caller reaches (a folder agent: its seal alone).
    pub reach: super::Reach,
    /// The credential.
    pub credential: CredentialId,
    /// The SAD, unparsed.
    pub sad: &'a str,
}

/// The scheme a key signs a digest under `digest` with, RSA keys padding as asked.
fn scheme_for(
    key: KeyAlgorithm,
    digest: DigestAlgorithm,
    padding: RsaPadding,
) -> Result<SignatureScheme, SignatureError> {
    Ok(match (key, padding) {
        (KeyAlgorithm::Rsa2048 | KeyAlgorithm::Rsa3072, RsaPadding::Pkcs1v15) => {
            SignatureScheme::RsaPkcs1v15(digest)
        }
        (KeyAlgorithm::Rsa2048 | KeyAlgorithm::Rsa3072, RsaPadding::Pss(salt_len)) => {
            let scheme = match salt_len {
                None => SignatureScheme::pss(digest),
                Some(len) => SignatureScheme::RsaPss(digest, len),
            };
            if !scheme.fits(key) {
                return Err(SignatureError::Invalid(said!(
                    "a {} key signs RSASSA-PSS with {} with a salt of at most {} bytes",
                    "ключ {} подписывает RSASSA-PSS с {} с солью не длиннее {} байт",
                    key.as_str(),
                    digest.name(),
                    SignatureScheme::max_pss_salt(key, digest).unwrap_or(0)
                )));
            }
            scheme
        }
        (_, RsaPadding::Pss(_)) => {
            return Err(SignatureError::Invalid(said!(
                "RSASSA-PSS needs an RSA key; this credential's key is {}",
                "для RSASSA-PSS нужен ключ RSA, а ключ этого сертификата — {}",
                key.as_str()
            )));
        }
        (KeyAlgorithm::EcdsaP256, _) => SignatureScheme::Ecdsa(digest),
        (KeyAlgorithm::Ed25519, _) => SignatureScheme::Ed25519,
    })
}

/// Contents sent with the request for attached signatures: one per hash, each hashing to it.
fn inline_contents(
    hashes: &Hashes,
    contents: Vec<Vec<u8>>,
    shape: Shape,
) -> Result<Vec<Vec<u8>>, SignatureError> {
    if shape.format != Format::Attached {
        return Err(SignatureError::Invalid(said!(
            "contents are carried only by attached signatures",
            "содержимое несут только присоединённые подписи"
        )));
    }
    let fits = contents.len() == hashes.values.len()
        && contents
            .iter()
            .zip(&hashes.values)
            .all(|(c, h)| &hashes.algorithm.digest(c) == h);
    if !fits {
        return Err(SignatureError::Invalid(said!(
            "each document must hash to the hash authorised for it",
            "каждый документ должен давать хеш, авторизованный для него"
        )));
    }
    Ok(contents)
}

impl Signatures {
    /// Sign hashes or documents with the holder's credential under the SAD and keep the
    /// signatures; all or nothing.
    pub async fn sign(
        &self,
        person: &Person,
        meta: &RequestMeta,
        input: SignInput<'_>,
    ) -> Result<Vec<SignatureView>, SignatureError> {
        let label = match input.label.as_deref().map(str::trim) {
            Some(l) if l.chars().count() > MAX_LABEL => {
                return Err(SignatureError::Invalid(said!(
                    "a label holds at most {MAX_LABEL} characters",
                    "метка — не больше {MAX_LABEL} символов"
                )));
            }
            Some("") | None => None,
            Some(l) => Some(l.to_owned()),
        };
        let owner = person.account.0;
        let what = self.resolve(owner, &input.subject).await?;
        let contents = match input.contents {
            inline if !inline.is_empty() => inline_contents(&what.hashes, inline, input.shape)?,
            _ => self.attached_contents(owner, &what, input.shape).await?,
        };
        let mut client = self.0.db.client().await?;
        let tx = client.transaction().await?;
        let (mut rows, spent) = self
            .make(
                &tx,
                &key_holder(person, meta),
                Grant {
                    reach: super::Reach::of(person),
                    credential: input.credential,
                    sad: input.sad,
                },
                &what.hashes,
                input.shape,
                label,
            )
            .await?;
        for (i, row) in rows.iter_mut().enumerate() {
            row.document_id = what.documents.get(i).map(|d| d.id);
            if let Some(content) = contents.get(i) {
                row.signature = attach(&row.signature, content)?;
            }
        }
        sql::insert(&tx, &rows).await?;
        tx.commit().await?;
        self.0.custody.settle(spent).await;
        Ok(rows.iter().map(SignatureView::from).collect())
    }

    /// Finish what [`Self::make`] spent (a used-up session key is destroyed), once the caller's
    /// transaction has committed.
    pub(crate) async fn settle(&self, spent: Spent) {
        self.0.custody.settle(spent).await;
    }

    /// Make (not store) signatures over `hashes` with the holder's credential under its SAD,
    /// spending its uses in `tx`; the caller stores them in `tx` with whatever they sign off
    /// and settles the [`Spent`] after the commit.
    pub(crate) async fn make(
        &self,
        tx: &crate::store::Transaction<'_>,
        holder: &KeyHolder,
        grant: Grant<'_>,
        hashes: &Hashes,
        shape: Shape,
        label: Option<String>,
    ) -> Result<(Vec<SignatureRow>, Spent), SignatureError> {
        let format = shape.format;
        if format == Format::Raw && shape.level == Level::T {
            return Err(SignatureError::Invalid(said!(
                "a time-stamp (level `t`) goes into a CMS signature: ask for format `cms`",
                "метка времени (level `t`) помещается в подпись CMS: запросите format `cms`"
            )));
        }
        let reach = grant.reach;
        if holder.owner().0 != reach.account() {
            return Err(SignatureError::NotFound);
        }
        let c = self.usable_in(tx, reach, grant.credential).await?;
        let sad = Sad::parse(grant.sad).ok_or(SigningError::SadInvalid)?;
        if self.0.custody.authorised_key_in(tx, holder, &sad).await? != c.key {
            return Err(SigningError::SadInvalid.into());
        }
        let scheme = scheme_for(c.algorithm, hashes.algorithm, shape.padding)?;
        let signature_algorithm = scheme
            .identifier()
            .map_err(|e| SignatureError::Encoding(e.to_string()))?
            .oid
            .to_string();
        let now = self.0.clock.now();
        let batch = match format {
            Format::Raw if scheme.signs_message() => {
                return Err(SignatureError::Invalid(said!(
                    "an Ed25519 key signs whole messages, not hashes: ask for format `cms`",
                    "ключ Ed25519 подписывает сообщения целиком, а не хеши: запросите format `cms`"
                )));
            }
            Format::Raw => None,
            Format::Cms | Format::Attached => Some(self.batch_of(&c, hashes.algorithm)?),
        };
        let drafts = match &batch {
            None => Vec::new(),
            Some(batch) => hashes
                .values
                .iter()
                .map(|h| batch.draft(h, now).map_err(SignatureError::from))
                .collect::<Result<Vec<_>, _>>()?,
        };
        let items = hashes
            .values
            .iter()
            .enumerate()
            .map(|(i, h)| {
                let input = match drafts.get(i) {
                    Some(d) => d.input_for(scheme).map_err(|e| {
                        SignatureError::Invalid(said!(
                            "the key cannot sign this hash: {e}",
                            "ключ не может подписать этот хеш: {e}"
                        ))
                    })?,
                    None => h.clone(),
                };
                Ok(SignItem {
                    bound_hash: h.clone(),
                    scheme,
                    input,
                })
            })
            .collect::<Result<Vec<_>, SignatureError>>()?;
        let (values, spent) = self.0.custody.sign(tx, holder, &sad, items).await?;
        let values = match &batch {
            None => values,
            Some(batch) => {
                self.wrap(batch, scheme, shape.level, drafts, values)
                    .await?
            }
        };
        let rows = hashes
            .values
            .iter()
            .zip(values)
            .map(|(h, signature)| SignatureRow {
                id: Uuid::new_v4(),
                owner_id: reach.account(),
                certificate_id: c.id.0,
                authorisation_id: sad.authorisation(),
                format: format.as_str().to_owned(),
                hash_algorithm: short_name(hashes.algorithm).to_owned(),
                hash: h.clone(),
                signature,
                label: label.clone(),
                document_id: None,
                level: shape.level.as_str().to_owned(),
                signature_algorithm: Some(signature_algorithm.clone()),
                created_at: now,
            })
            .collect();
        Ok((rows, spent))
    }

    /// What every CMS signature of this request shares, encoded once: the signer's
    /// certificate and its issuer travel in each.
    fn batch_of(
        &self,
        c: &Credential,
        digest: DigestAlgorithm,
    ) -> Result<DetachedBatch, SignatureError> {
        let own = c
            .certificate
            .to_der()
            .map_err(|e| SignatureError::Encoding(format!("certificate: {e}")))?;
        let issuer = self.0.registry.certificates().ca(Ca::Issuing);
        Ok(DetachedBatch::new(&c.certificate, digest, &[&own, issuer])?)
    }

    /// Each bare signature into its (detached) SignedData, time-stamped for CAdES-T.
    async fn wrap(
        &self,
        batch: &DetachedBatch,
        scheme: SignatureScheme,
        level: Level,
        drafts: Vec<SignerDraft>,
        values: Vec<Vec<u8>>,
    ) -> Result<Vec<Vec<u8>>, SignatureError> {
        let algorithm = scheme
            .identifier()
            .map_err(|e| SignatureError::Encoding(e.to_string()))?;
        let mut out = Vec::with_capacity(values.len());
        for (draft, value) in drafts.into_iter().zip(values) {
            let unsigned = match level {
                Level::Bes => Vec::new(),
                Level::T => vec![
                    self.0
                        .tsa
                        .signature_time_stamp(&value, self.0.clock.now())
                        .await
                        .map_err(|e| SignatureError::TimeStamp(e.to_string()))?,
                ],
            };
            out.push(batch.assemble(&draft, &algorithm, &value, unsigned)?);
        }
        Ok(out)
    }

    /// The documents' content for attached signatures, read (and checked against its hash)
    /// before anything is signed; within the configured size in total, as it is held in memory.
    async fn attached_contents(
        &self,
        owner: Uuid,
        what: &Resolved,
        shape: Shape,
    ) -> Result<Vec<Vec<u8>>, SignatureError> {
        if shape.format != Format::Attached {
            return Ok(Vec::new());
        }
        if what.documents.is_empty() {
            return Err(SignatureError::Invalid(said!(
                "an attached signature carries its document: name `documents`, or sign hashes \
                 with format `cms`",
                "присоединённая подпись несёт свой документ: укажите `documents` или подписывайте хеши с format `cms`"
            )));
        }
        let limit = self.0.documents.attached_max_bytes();
        let total: i64 = what.documents.iter().map(|d| d.size).sum();
        if usize::try_from(total).map_or(true, |t| t > limit) {
            return Err(SignatureError::Invalid(said!(
                "attached signatures carry their documents, at most {limit} bytes in one request: \
                 sign larger documents detached (format `cms`)",
                "присоединённые подписи несут свои документы, не больше {limit} байт в одном запросе: большие документы подписывайте отделённой подписью (format `cms`)"
            )));
        }
        let mut contents = Vec::with_capacity(what.documents.len());
        for d in &what.documents {
            let (_, content) = self
                .0
                .documents
                .read_whole(owner, DocumentId(d.id), limit)
                .await?;
            contents.push(content);
        }
        Ok(contents)
    }

    /// The holder's signatures, newest first.
    pub async fn signatures(
        &self,
        holder: Uuid,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<SignatureView>, SignatureError> {
        let client = self.0.db.client().await?;
        Ok(sql::list_owned(&**client, holder, limit, offset)
            .await?
            .iter()
            .map(SignatureView::from)
            .collect())
    }

    /// Which of the holder's `documents` they have signed.
    pub async fn signed_among(
        &self,
        holder: Uuid,
        documents: &[Uuid],
    ) -> Result<Vec<Uuid>, SignatureError> {
        let client = self.0.db.client().await?;
        Ok(sql::signed_among(&**client, holder, documents).await?)
    }

    /// The holder's signatures over one of their documents (the document's page lists them).
    pub async fn of_document(
        &self,
        holder: Uuid,
        document: crate::documents::DocumentId,
    ) -> Result<Vec<SignatureView>, SignatureError> {
        let client = self.0.db.client().await?;
        Ok(sql::of_document(&**client, holder, document.0)
            .await?
            .iter()
            .map(SignatureView::from)
            .collect())
    }

    /// One of the holder's signatures.
    pub async fn signature(&self, holder: Uuid, id: Uuid) -> Result<SignatureRow, SignatureError> {
        let client = self.0.db.client().await?;
        sql::get_owned(&**client, id, holder)
            .await?
            .ok_or(SignatureError::NotFound)
    }
}
