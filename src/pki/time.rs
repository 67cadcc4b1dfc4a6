//! X.509 time values. RFC 5280 §4.1.2.5 requires UTCTime through 2049 and GeneralizedTime from
//! 2050 on; every date we put in a certificate, CRL, OCSP response or time-stamp goes through
//! here so that rule holds everywhere.

use chrono::{DateTime, Datelike, TimeZone, Utc};
use der::asn1::{GeneralizedTime, UtcTime};
use x509_cert::time::Time;

/// Why a time could not be encoded.
#[derive(Debug, thiserror::Error)]
#[error("time {0} cannot be encoded in X.509")]
pub struct TimeError(pub DateTime<Utc>);

fn system_time(t: DateTime<Utc>) -> Result<std::time::SystemTime, TimeError> {
    let secs = u64::try_from(t.timestamp()).map_err(|_| TimeError(t))?;
    Ok(std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs))
}

/// The X.509 `Time` for `t` (whole seconds, as RFC 5280 demands).
pub fn x509_time(t: DateTime<Utc>) -> Result<Time, TimeError> {
    let st = system_time(t)?;
    if t.year() < 2050 {
        Ok(Time::UtcTime(
            UtcTime::from_system_time(st).map_err(|_| TimeError(t))?,
        ))
    } else {
        Ok(Time::GeneralTime(
            GeneralizedTime::from_system_time(st).map_err(|_| TimeError(t))?,
        ))
    }
}

/// A certificate validity period.
pub fn validity(
    not_before: DateTime<Utc>,
    not_after: DateTime<Utc>,
) -> Result<x509_cert::time::Validity, TimeError> {
    Ok(x509_cert::time::Validity {
        not_before: x509_time(not_before)?,
        not_after: x509_time(not_after)?,
    })
}

/// A GeneralizedTime in whole seconds (OCSP and time-stamp tokens use only this form).
pub fn generalized(t: DateTime<Utc>) -> Result<GeneralizedTime, TimeError> {
    GeneralizedTime::from_system_time(system_time(t)?).map_err(|_| TimeError(t))
}

/// Seconds since the epoch of a `Time` as a chrono value.
pub fn to_chrono(t: &Time) -> DateTime<Utc> {
    let secs = i64::try_from(t.to_unix_duration().as_secs()).unwrap_or(i64::MAX);
    Utc.timestamp_opt(secs, 0)
        .single()
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// Chrono value of a GeneralizedTime.
pub fn generalized_to_chrono(t: &GeneralizedTime) -> DateTime<Utc> {
    let d = t.to_unix_duration();
    let secs = i64::try_from(d.as_secs()).unwrap_or(i64::MAX);
    Utc.timestamp_opt(secs, d.subsec_nanos())
        .single()
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn utc_time_until_2049_generalized_after() {
        let before = Utc.with_ymd_and_hms(2049, 12, 31, 23, 59, 59).unwrap();
        let after = Utc.with_ymd_and_hms(2050, 1, 1, 0, 0, 0).unwrap();
        assert!(matches!(x509_time(before).unwrap(), Time::UtcTime(_)));
        assert!(matches!(x509_time(after).unwrap(), Time::GeneralTime(_)));
        assert_eq!(to_chrono(&x509_time(before).unwrap()), before);
        assert_eq!(to_chrono(&x509_time(after).unwrap()), after);
    }

    #[test]
    fn before_the_epoch_is_refused() {
        let t = Utc.with_ymd_and_hms(1969, 12, 31, 0, 0, 0).unwrap();
        assert!(x509_time(t).is_err());
    }
}
