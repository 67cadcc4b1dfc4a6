//! A document's id, name and media type, parsed at the edge.

use super::DocumentError;
use crate::said;
use uuid::Uuid;

/// A document's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DocumentId(pub Uuid);

impl DocumentId {
    /// Parse a path segment; anything but a UUID is a document nobody has.
    pub fn parse(text: &str) -> Result<Self, DocumentError> {
        Uuid::parse_str(text)
            .map(DocumentId)
            .map_err(|_| DocumentError::NotFound)
    }
}

/// Longest file name kept.
const MAX_NAME: usize = 255;

/// A file name as the holder gave it: no path, no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentName(String);

impl DocumentName {
    /// Check a name; a path is refused rather than cut, so nobody is surprised.
    pub fn parse(text: &str) -> Result<Self, DocumentError> {
        let name = text.trim();
        if name.is_empty() {
            return Err(DocumentError::Invalid(said!(
                "the document needs a file name",
                "документу нужно имя файла"
            )));
        }
        if name.chars().count() > MAX_NAME {
            return Err(DocumentError::Invalid(said!(
                "a file name holds at most {MAX_NAME} characters",
                "имя файла — не больше {MAX_NAME} символов"
            )));
        }
        if name
            .chars()
            .any(|c| c.is_control() || c == '/' || c == '\\')
            || name == ".."
        {
            return Err(DocumentError::Invalid(said!(
                "a file name has no path separators or control characters",
                "в имени файла не бывает разделителей пути и управляющих символов"
            )));
        }
        Ok(Self(name.to_owned()))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A media type as `type/subtype` (parameters dropped), lower case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaType(String);

impl MediaType {
    /// What a holder gets when they say nothing.
    pub fn octet_stream() -> Self {
        Self("application/octet-stream".into())
    }

    /// Check a media type (RFC 6838 names).
    pub fn parse(text: &str) -> Result<Self, DocumentError> {
        let essence = text.split(';').next().unwrap_or_default().trim();
        let valid = |part: &str| {
            !part.is_empty()
                && part.len() <= 127
                && part
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "!#$&-^_.+".contains(c))
        };
        match essence.split_once('/') {
            Some((t, s)) if valid(t) && valid(s) => Ok(Self(essence.to_ascii_lowercase())),
            _ => Err(DocumentError::Invalid(said!(
                "'{}' is not a media type (type/subtype)",
                "«{}» — не тип содержимого (тип/подтип)",
                essence.chars().take(80).collect::<String>()
            ))),
        }
    }

    /// The media type.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A document about to be uploaded.
#[derive(Debug, Clone)]
pub struct NewDocument {
    /// Its file name.
    pub name: DocumentName,
    /// Its media type.
    pub media_type: MediaType,
    /// The size the client announced (`Content-Length`), refused early when too large.
    pub declared_size: Option<u64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_without_paths() {
        assert!(DocumentName::parse("contract.pdf").is_ok());
        assert!(DocumentName::parse("договор №5.pdf").is_ok());
        assert!(DocumentName::parse("../etc/passwd").is_err());
        assert!(DocumentName::parse("a\\b").is_err());
        assert!(DocumentName::parse("a\nb").is_err());
        assert!(DocumentName::parse("  ").is_err());
        assert!(DocumentName::parse(&"x".repeat(256)).is_err());
    }

    #[test]
    fn media_types() {
        assert_eq!(
            MediaType::parse("Application/PDF; charset=x")
                .map(|m| m.0)
                .ok(),
            Some("application/pdf".to_owned())
        );
        assert!(MediaType::parse("pdf").is_err());
        assert!(MediaType::parse("text/<b>").is_err());
    }
}
