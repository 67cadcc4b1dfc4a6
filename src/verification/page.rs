//! A protocol for people — a title, a headline and titled lists of label–value pairs — as a web
//! page and as a PDF, in English or Russian. Every protocol the service issues (a verification,
//! a sending's delivery) is laid out here, so each reads the same and is sealed and checked the
//! same way. The HTML also carries the protocol's JSON (inert data, no script runs) so a checked
//! page gives the data back.

use super::Lang;
use crate::pdf::{PdfError, Sheet};
use chrono::{DateTime, Utc};

/// A titled list of label–value pairs.
#[derive(Debug, Clone)]
pub struct Section {
    /// Its heading.
    pub heading: String,
    /// Label and value, in order.
    pub fields: Vec<(&'static str, String)>,
}

/// A whole protocol as people read it.
#[derive(Debug, Clone)]
pub struct Page {
    /// Its language (the page's `lang`).
    pub lang: Lang,
    /// The title.
    pub title: &'static str,
    /// The one line a reader needs first (the verdict, the state of delivery).
    pub headline: String,
    /// The rest.
    pub sections: Vec<Section>,
}

/// The English or the Russian words.
pub fn t(lang: Lang, en: &'static str, ru: &'static str) -> &'static str {
    match lang {
        Lang::En => en,
        Lang::Ru => ru,
    }
}

/// A time as protocols show it.
pub fn when(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M:%S UTC").to_string()
}

/// A time that may not have come yet.
pub fn maybe(at: Option<DateTime<Utc>>) -> String {
    at.map(when).unwrap_or_else(|| "—".into())
}

fn footer(lang: Lang) -> &'static str {
    t(
        lang,
        "This file is sealed by the service; check it at POST /api/v1/verify/protocol.",
        "Файл заверен печатью сервиса; проверить его можно через POST /api/v1/verify/protocol.",
    )
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The page as HTML (unsealed), with `json` as its inert data.
pub(super) fn html(p: &Page, json: &str) -> String {
    let code = match p.lang {
        Lang::En => "en",
        Lang::Ru => "ru",
    };
    let mut page = format!(
        "<!DOCTYPE html>\n<html lang=\"{code}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{0}</title>\n</head>\n<body>\n<h1>{0}</h1>\n<p><strong>{1}</strong></p>\n",
        escape(p.title),
        escape(&p.headline),
    );
    for s in &p.sections {
        page.push_str(&format!("<h2>{}</h2>\n<table>\n", escape(&s.heading)));
        for (label, value) in &s.fields {
            page.push_str(&format!(
                "<tr><th scope=\"row\">{}</th><td>{}</td></tr>\n",
                escape(label),
                escape(value)
            ));
        }
        page.push_str("</table>\n");
    }
    page.push_str(&format!(
        "<p>{}</p>\n<script type=\"application/json\" id=\"cloudseal-protocol\">{}</script>\n\
         </body>\n</html>\n",
        escape(footer(p.lang)),
        json.replace("</", "<\\/")
    ));
    page
}

/// The page as a PDF (unsealed).
pub(super) fn pdf(p: &Page) -> Result<Vec<u8>, PdfError> {
    let mut sheet = Sheet::new(p.title);
    sheet.title(p.title)?;
    sheet.text(&p.headline)?;
    for s in &p.sections {
        sheet.heading(&s.heading)?;
        for (label, value) in &s.fields {
            sheet.field(label, value)?;
        }
    }
    sheet.gap(12.0);
    sheet.small(footer(p.lang))?;
    sheet.finish()
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn markup_is_escaped() {
        assert_eq!(
            escape("<b>\"a\" & 'b'</b>"),
            "&lt;b&gt;&quot;a&quot; &amp; &#39;b&#39;&lt;/b&gt;"
        );
    }
}
