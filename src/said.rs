//! A sentence for a person in every language the service speaks. Services refuse with a
//! [`Said`] rather than a string so that the API (English) and the cabinet (the reader's
//! language) give the same reason, and so that a refusal written in one language only does
//! not compile: [`said!`](crate::said) takes both.

use crate::identity::values::Language;
use std::borrow::Cow;
use std::fmt;

/// One message in English and in Russian.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Said {
    en: Cow<'static, str>,
    ru: Cow<'static, str>,
}

impl Said {
    /// The message from its two wordings; [`said!`](crate::said) is the usual way in.
    pub fn new(en: impl Into<Cow<'static, str>>, ru: impl Into<Cow<'static, str>>) -> Said {
        Said {
            en: en.into(),
            ru: ru.into(),
        }
    }

    /// The message from words kept per language elsewhere (the cabinet's word lists): asks
    /// `words` once for each language.
    pub fn each<S: Into<Cow<'static, str>>>(words: impl Fn(Language) -> S) -> Said {
        Said::new(words(Language::En), words(Language::Ru))
    }

    /// The wording in `lang`.
    pub fn in_lang(&self, lang: Language) -> &str {
        match lang {
            Language::En => &self.en,
            Language::Ru => &self.ru,
        }
    }

    /// The English wording: the API's problem details and the log speak it.
    pub fn en(&self) -> &str {
        &self.en
    }

    /// This message followed by `more`, each language joined to its own (a refusal with
    /// what to do next, or a file's name with what is wrong with it).
    pub fn then(self, more: Said) -> Said {
        Said::new(
            format!("{}{}", self.en, more.en),
            format!("{}{}", self.ru, more.ru),
        )
    }
}

/// A message in a JSON answer is its English wording: the API's language.
impl serde::Serialize for Said {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.en)
    }
}

impl fmt::Display for Said {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.en)
    }
}

/// A [`Said`] from an English and a Russian format string with the same arguments (captured
/// names, or trailing arguments that both strings must use).
#[macro_export]
macro_rules! said {
    ($en:literal, $ru:literal $(,)?) => {
        $crate::said::Said::new(::std::format!($en), ::std::format!($ru))
    };
    ($en:literal, $ru:literal, $($arg:expr),+ $(,)?) => {
        $crate::said::Said::new(
            ::std::format!($en, $($arg),+),
            ::std::format!($ru, $($arg),+),
        )
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_language_reads_its_own_wording_and_arguments_reach_both() {
        let limit = 5;
        let captured = crate::said!("at most {limit} files", "не больше {limit} файлов");
        assert_eq!(captured.in_lang(Language::En), "at most 5 files");
        assert_eq!(captured.in_lang(Language::Ru), "не больше 5 файлов");
        let trailing = crate::said!("file {}: {}", "файл {}: {}", 2, "empty");
        assert_eq!(trailing.en(), "file 2: empty");
        assert_eq!(trailing.in_lang(Language::Ru), "файл 2: empty");
        assert_eq!(captured.to_string(), "at most 5 files");
    }

    #[test]
    fn json_carries_the_english_wording() {
        let refused = crate::said!("no such product", "такого продукта нет");
        assert_eq!(
            serde_json::to_string(&refused).ok().as_deref(),
            Some("\"no such product\"")
        );
    }

    #[test]
    fn joining_keeps_each_language_to_its_own() {
        let joined = crate::said!("file 2: ", "файл 2: ").then(crate::said!("is empty", "пуст"));
        assert_eq!(joined.en(), "file 2: is empty");
        assert_eq!(joined.in_lang(Language::Ru), "файл 2: пуст");
    }
}
