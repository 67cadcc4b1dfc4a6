//! A verification protocol in words: its sections in English or Russian, laid out by `page`.

use super::page::{Page, Section, t, when};
use super::{Lang, Protocol};
use crate::pki::cms::report::{Reason, SignerReport, TimeSource, Verdict};

/// The title of a verification protocol.
fn title(lang: Lang) -> &'static str {
    t(
        lang,
        "Signature verification protocol",
        "Протокол проверки электронной подписи",
    )
}

/// A verdict in words.
pub(crate) fn verdict(lang: Lang, v: Verdict) -> &'static str {
    match v {
        Verdict::Passed => t(lang, "The signature is valid", "Подпись действительна"),
        Verdict::Failed => t(
            lang,
            "The signature is NOT valid",
            "Подпись НЕ действительна",
        ),
        Verdict::Indeterminate => t(
            lang,
            "Validity could not be established",
            "Действительность подписи не установлена",
        ),
    }
}

pub(super) fn reason(lang: Lang, r: &Reason) -> String {
    match r {
        Reason::MessageDigestMismatch => t(
            lang,
            "the document was changed after signing (or it is another document)",
            "документ изменён после подписания (или это другой документ)",
        )
        .into(),
        Reason::MissingMessageDigest => t(
            lang,
            "the signature does not state the document's digest",
            "в подписи нет хэша документа",
        )
        .into(),
        Reason::ContentTypeMismatch => t(
            lang,
            "the content type in the signature does not match",
            "тип содержимого в подписи не совпадает",
        )
        .into(),
        Reason::BadSignature => t(
            lang,
            "the signature value does not verify with the signer's key",
            "значение подписи не проверяется ключом подписанта",
        )
        .into(),
        Reason::SignerCertificateMissing => t(
            lang,
            "the signer's certificate is not available",
            "сертификат подписанта не найден",
        )
        .into(),
        Reason::SigningCertificateMismatch => t(
            lang,
            "the signature names another certificate",
            "подпись ссылается на другой сертификат",
        )
        .into(),
        Reason::UntrustedChain { detail } => format!(
            "{}: {detail}",
            t(
                lang,
                "no chain to a trusted CA",
                "нет цепочки до доверенного УЦ"
            )
        ),
        Reason::CertificateExpired { subject } => format!(
            "{}: {subject}",
            t(
                lang,
                "certificate expired",
                "срок действия сертификата истёк"
            )
        ),
        Reason::CertificateNotYetValid { subject } => format!(
            "{}: {subject}",
            t(
                lang,
                "certificate not yet valid",
                "сертификат ещё не действует"
            )
        ),
        Reason::Revoked {
            subject,
            revoked_at,
        } => format!(
            "{} {}: {subject}",
            t(lang, "certificate revoked at", "сертификат отозван"),
            when(*revoked_at)
        ),
        Reason::RevokedAfterClaimedTime {
            subject,
            revoked_at,
        } => format!(
            "{} {}: {subject}",
            t(
                lang,
                "revoked after the signing time the signer claims, at",
                "отозван после заявленного подписантом времени подписи,"
            ),
            when(*revoked_at)
        ),
        Reason::RevocationUnknown { subject } => format!(
            "{}: {subject}",
            t(
                lang,
                "revocation status unknown",
                "статус отзыва не установлен"
            )
        ),
        Reason::KeyUsageNotForSigning => t(
            lang,
            "the certificate is not for signing",
            "сертификат не предназначен для подписи",
        )
        .into(),
        Reason::UnsupportedAlgorithm { algorithm } => format!(
            "{}: {algorithm}",
            t(
                lang,
                "algorithm not supported",
                "алгоритм не поддерживается"
            )
        ),
        Reason::ContentMissing => t(
            lang,
            "the signed document was not given",
            "подписанный документ не предоставлен",
        )
        .into(),
        Reason::TimeStampInvalid { detail } => format!(
            "{}: {detail}",
            t(
                lang,
                "the time-stamp does not hold",
                "штамп времени недействителен"
            )
        ),
        Reason::NoSigningTime => t(
            lang,
            "the signature states no time",
            "в подписи не указано время",
        )
        .into(),
    }
}

fn signer(lang: Lang, i: usize, s: &SignerReport) -> Section {
    let none = || "—".to_owned();
    let source = match s.time_source {
        TimeSource::TimeStamp => t(lang, "time-stamp", "штамп времени"),
        TimeSource::SigningTime => t(lang, "claimed by the signer", "заявлено подписантом"),
        TimeSource::VerificationTime => t(lang, "time of verification", "время проверки"),
    };
    let reasons = if s.reasons.is_empty() {
        none()
    } else {
        s.reasons
            .iter()
            .map(|r| reason(lang, r))
            .collect::<Vec<_>>()
            .join("; ")
    };
    Section {
        heading: format!("{} {}", t(lang, "Signer", "Подписант"), i + 1),
        fields: vec![
            (
                t(lang, "Result", "Результат"),
                verdict(lang, s.verdict).into(),
            ),
            (t(lang, "Reasons", "Причины"), reasons),
            (
                t(lang, "Subject", "Владелец"),
                s.subject.clone().unwrap_or_else(none),
            ),
            (t(lang, "Issuer", "Издатель"), s.issuer.clone()),
            (t(lang, "Serial number", "Серийный номер"), s.serial.clone()),
            (
                t(lang, "Certificate SHA-256", "SHA-256 сертификата"),
                s.certificate_fingerprint.clone().unwrap_or_else(none),
            ),
            (t(lang, "Format", "Формат"), s.level.clone()),
            (
                t(lang, "Algorithms", "Алгоритмы"),
                format!("{}, {}", s.signature_algorithm, s.digest_algorithm),
            ),
            (
                t(lang, "Signing time (claimed)", "Время подписи (заявленное)"),
                s.signing_time.map(when).unwrap_or_else(none),
            ),
            (
                t(lang, "Time-stamp", "Штамп времени"),
                s.time_stamp.map(when).unwrap_or_else(none),
            ),
            (
                t(lang, "Judged at", "Проверено на момент"),
                format!("{} ({source})", when(s.validation_time)),
            ),
            (t(lang, "Chain", "Цепочка"), s.chain.join(" → ")),
        ],
    }
}

/// The protocol as people read it.
pub(super) fn page(p: &Protocol, lang: Lang) -> Page {
    Page {
        lang,
        title: title(lang),
        headline: verdict(lang, p.report.verdict).into(),
        sections: sections(p, lang),
    }
}

fn sections(p: &Protocol, lang: Lang) -> Vec<Section> {
    let file = |f: &super::FileFacts| {
        vec![
            (
                t(lang, "Name", "Имя"),
                f.name.clone().unwrap_or_else(|| "—".into()),
            ),
            (t(lang, "Size, bytes", "Размер, байт"), f.size.to_string()),
            ("SHA-256", f.sha256.clone()),
        ]
    };
    let mut out = vec![
        Section {
            heading: t(lang, "Protocol", "Протокол").into(),
            fields: vec![
                (t(lang, "Number", "Номер"), p.id.to_string()),
                (
                    t(lang, "Verified at", "Время проверки"),
                    when(p.verified_at),
                ),
                (
                    t(lang, "Verified by", "Проверку выполнил"),
                    p.service.clone(),
                ),
                (
                    t(lang, "Result", "Результат"),
                    verdict(lang, p.report.verdict).into(),
                ),
            ],
        },
        Section {
            heading: t(lang, "Signature file", "Файл подписи").into(),
            fields: file(&p.signature),
        },
    ];
    out.push(Section {
        heading: t(lang, "Signed document", "Подписанный документ").into(),
        fields: match (&p.document, p.report.attached) {
            (_, true) => vec![
                (
                    t(lang, "Where", "Где"),
                    t(lang, "inside the signature", "внутри подписи").into(),
                ),
                (
                    "SHA-256",
                    p.report.content_sha256.clone().unwrap_or_default(),
                ),
            ],
            (Some(d), false) => file(d),
            (None, false) => vec![(
                t(lang, "Where", "Где"),
                t(lang, "not given", "не предоставлен").into(),
            )],
        },
    });
    out.extend(
        p.report
            .signers
            .iter()
            .enumerate()
            .map(|(i, s)| signer(lang, i, s)),
    );
    out
}
