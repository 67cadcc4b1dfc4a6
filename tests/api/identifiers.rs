use cloudseal::pki::identifiers::{IdentifierError, Inn, Kind, Kpp, Ogrn, Snils};

#[test]
fn snils_checksum() {
    assert_eq!(
        Snils::parse("112-233-445 95").unwrap().as_str(),
        "11223344595"
    );
    assert_eq!(Snils::parse("08765430300").unwrap().as_str(), "08765430300");
    // Issued before check digits: any control accepted.
    assert!(Snils::parse("001-001-997 00").is_ok());
    assert_eq!(
        Snils::parse("112-233-445 96"),
        Err(IdentifierError::Checksum(Kind::Snils))
    );
    assert!(matches!(
        Snils::parse("1122334459"),
        Err(IdentifierError::Format(_))
    ));
    assert!(matches!(
        Snils::parse("1122334459a"),
        Err(IdentifierError::Format(_))
    ));
}

#[test]
fn inn_checksums_for_both_lengths() {
    let org = Inn::parse("7707083893").unwrap();
    assert!(org.is_legal_entity());
    let person = Inn::parse("500100732259").unwrap();
    assert!(!person.is_legal_entity());
    assert_eq!(
        Inn::parse("7707083894"),
        Err(IdentifierError::Checksum(Kind::Inn))
    );
    assert_eq!(
        Inn::parse("500100732258"),
        Err(IdentifierError::Checksum(Kind::Inn))
    );
    assert!(matches!(
        Inn::parse("77070838"),
        Err(IdentifierError::Format(_))
    ));
}

#[test]
fn ogrn_and_ogrnip_checksums() {
    assert!(Ogrn::parse("1027700132195").is_ok());
    assert!(Ogrn::parse("304500116000157").is_ok());
    assert_eq!(
        Ogrn::parse("1027700132196"),
        Err(IdentifierError::Checksum(Kind::Ogrn))
    );
    assert_eq!(
        Ogrn::parse("304500116000158"),
        Err(IdentifierError::Checksum(Kind::Ogrn))
    );
}

#[test]
fn kpp_format() {
    assert!(Kpp::parse("773601001").is_ok());
    assert!(Kpp::parse("7736AB001").is_ok());
    assert!(Kpp::parse("7736ab001").is_err());
    assert!(Kpp::parse("77360100").is_err());
}
