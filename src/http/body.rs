//! Binary request bodies (OCSP and time-stamp requests, documents): the media type is checked
//! before a byte is read, and reading stops at the endpoint's own limit.

use super::problem::ApiError;
use crate::said;
use actix_web::HttpRequest;
use actix_web::web::{Bytes, BytesMut, Payload};
use futures_util::StreamExt;

/// The body of `req` when its media type is `expected`, at most `limit` bytes.
pub async fn read(
    req: &HttpRequest,
    payload: Payload,
    expected: &'static str,
    limit: usize,
) -> Result<Bytes, ApiError> {
    let media_type = req
        .headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase());
    if media_type.as_deref() != Some(expected) {
        return Err(ApiError::UnsupportedMediaType(expected));
    }
    limited(payload, limit).await
}

/// The body of any media type (the caller sniffs it), at most `limit` bytes.
pub async fn limited(mut payload: Payload, limit: usize) -> Result<Bytes, ApiError> {
    let mut body = BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| {
            ApiError::BadRequest(said!(
                "cannot read the body: {e}",
                "тело запроса не читается: {e}"
            ))
        })?;
        if body.len() + chunk.len() > limit {
            return Err(ApiError::PayloadTooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}
