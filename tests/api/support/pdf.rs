//! What a PDF says and how its fonts are held, as poppler's `pdftotext` and `pdffonts` see it.

use std::process::Command;

fn poppler(tool: &str, pdf: &[u8], args: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doc.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = Command::new(tool)
        .args(args)
        .arg(&path)
        .args(if tool == "pdftotext" {
            &["-"][..]
        } else {
            &[][..]
        })
        .output()
        .unwrap_or_else(|e| panic!("{tool} (poppler-utils) must be installed: {e}"));
    assert!(
        out.status.success(),
        "{tool}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The text of the PDF, with runs of spaces (also no-break spaces) and line breaks made one
/// space, so a phrase can be found wherever the layout wrapped it.
pub fn text(pdf: &[u8]) -> String {
    poppler("pdftotext", pdf, &[])
        .split(|c: char| c.is_whitespace())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Insist that every font of the PDF is embedded and has a Unicode map; the font names.
pub fn embedded_fonts(pdf: &[u8]) -> Vec<String> {
    let listing = poppler("pdffonts", pdf, &[]);
    let mut names = Vec::new();
    for line in listing.lines().skip(2) {
        let cols: Vec<&str> = line.split_whitespace().collect();
        let n = cols.len();
        assert!(n >= 7, "{listing}");
        assert_eq!(
            &cols[n - 5..n - 2],
            &["yes", "yes", "yes"],
            "emb sub uni: {line}"
        );
        names.push(cols[0].to_owned());
    }
    assert!(!names.is_empty(), "{listing}");
    names
}
