//! Distinguished names as people read them on a form: short labels (including the Russian
//! identifiers SNILS, INN, OGRN, INNLE that generic tools print as bare OIDs) and the string
//! values decoded, most specific first.

use x509_cert::name::Name;

fn label(oid: &str) -> Option<&'static str> {
    Some(match oid {
        "2.5.4.3" => "CN",
        "2.5.4.4" => "SN",
        "2.5.4.42" => "G",
        "2.5.4.6" => "C",
        "2.5.4.7" => "L",
        "2.5.4.8" => "ST",
        "2.5.4.10" => "O",
        "2.5.4.11" => "OU",
        "2.5.4.12" => "T",
        "1.2.840.113549.1.9.1" => "E",
        "1.2.643.100.3" => "SNILS",
        "1.2.643.3.131.1.1" => "INN",
        "1.2.643.100.1" => "OGRN",
        "1.2.643.100.5" => "OGRNIP",
        "1.2.643.100.4" => "INNLE",
        _ => return None,
    })
}

/// `CN=…, SN=…, SNILS=…, C=RU`: each attribute with its label (or its OID) and its value as
/// text when it is a string type, hex otherwise.
pub fn readable(name: &Name) -> String {
    let mut parts = Vec::new();
    for rdn in name.0.iter().rev() {
        for atv in rdn.0.iter() {
            let oid = atv.oid.to_string();
            let key = label(&oid).map_or(oid, str::to_owned);
            let value = match std::str::from_utf8(atv.value.value()) {
                Ok(s) if !s.chars().any(char::is_control) => s.to_owned(),
                _ => format!("#{}", hex::encode(atv.value.value())),
            };
            parts.push(format!("{key}={value}"));
        }
    }
    parts.join(", ")
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn russian_identifiers_get_their_names_and_values_are_decoded() {
        let name =
            Name::from_str("CN=Anna,1.2.643.100.3=#120b3131323233333434353935,C=RU").unwrap();
        let text = readable(&name);
        assert!(text.contains("SNILS=11223344595"), "{text}");
        assert!(text.contains("CN=Anna"), "{text}");
    }
}
