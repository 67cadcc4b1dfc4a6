//! Canonical JSON for hashing: object keys sorted, no insignificant white space, timestamps
//! as `YYYY-MM-DDTHH:MM:SS.ffffffZ`. Canonicalising a parsed canonical text gives the same
//! text back, so an export can be re-read, re-indented or re-serialised and still verify.

use super::AuditRecord;
use serde_json::Value;

/// Canonical text of a JSON value.
pub fn json_string(value: &Value) -> String {
    let mut out = String::new();
    write_value(value, &mut out);
    out
}

fn write_value(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                if let Some(v) = map.get(k) {
                    write_value(v, out);
                }
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(v, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

/// Canonical bytes of an entry: the record as a JSON object with sorted keys.
pub fn record_bytes(record: &AuditRecord) -> Vec<u8> {
    match serde_json::to_value(record) {
        Ok(v) => json_string(&v).into_bytes(),
        // Serialising plain fields cannot fail; an empty body would fail verification loudly.
        Err(_) => Vec::new(),
    }
}

/// Serde adapter for microsecond UTC timestamps.
pub mod micros {
    use chrono::{DateTime, NaiveDateTime, Utc};
    use serde::{Deserialize, Deserializer, Serializer};

    const FORMAT: &str = "%Y-%m-%dT%H:%M:%S%.6fZ";

    /// Format a timestamp.
    pub fn format(t: &DateTime<Utc>) -> String {
        t.format(FORMAT).to_string()
    }

    /// Serialize.
    pub fn serialize<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format(t))
    }

    /// Deserialize; only the canonical form is accepted.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        let s = String::deserialize(d)?;
        NaiveDateTime::parse_from_str(&s, FORMAT)
            .map(|n| n.and_utc())
            .map_err(serde::de::Error::custom)
    }
}
