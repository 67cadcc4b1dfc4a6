//! The demo catalogue: the products a cloud-signature CA sells to people abroad and to their
//! organisations.

use crate::clock::Clock;
use crate::store::catalogue::{self, ProductRow};
use crate::store::{Db, StoreError};

fn product(code: &str, kind: &str, track: &str, en: &str, ru: &str, rub: i64) -> ProductRow {
    ProductRow {
        code: code.into(),
        kind: kind.into(),
        track: track.into(),
        purpose: "signature".into(),
        name_en: en.into(),
        name_ru: ru.into(),
        price_minor: rub * 100,
        currency: "RUB".into(),
        active: true,
    }
}

/// The demo products (prices in roubles, as such CAs list them).
pub fn demo_products() -> Vec<ProductRow> {
    vec![
        product(
            "qualified-cloud",
            "qualified",
            "cloud",
            "Qualified cloud certificate (key in the vault), 1 year",
            "Квалифицированный облачный сертификат (ключ в хранилище), 1 год",
            3900,
        ),
        product(
            "simple-cloud",
            "simple",
            "cloud",
            "Simple cloud certificate (key in the vault), 1 year",
            "Неквалифицированный облачный сертификат (ключ в хранилище), 1 год",
            1500,
        ),
        product(
            "qualified-own-key",
            "qualified",
            "own_key",
            "Qualified certificate for a key on your own token, 1 year",
            "Квалифицированный сертификат для ключа на вашем токене, 1 год",
            2900,
        ),
        ProductRow {
            purpose: "seal".into(),
            ..product(
                "seal-cloud",
                "qualified",
                "cloud",
                "Qualified organisation seal (key in the vault, for unattended signing), 1 year",
                "Квалифицированная электронная печать организации (ключ в хранилище, для \
                 подписания без участия человека), 1 год",
                4900,
            )
        },
    ]
}

/// Create the demo products where absent (idempotent; prices an administrator set stay).
pub async fn seed_demo(db: &Db, clock: &dyn Clock) -> Result<(), StoreError> {
    let client = db.client().await?;
    for p in demo_products() {
        catalogue::insert_absent(&**client, &p, clock.now()).await?;
    }
    Ok(())
}
