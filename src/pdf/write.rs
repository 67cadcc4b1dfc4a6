//! Laid-out pages to PDF bytes: content streams compressed, each used face embedded once as a
//! subset CID font (Identity-H, glyph ids as CIDs) with the widths and a ToUnicode map, so
//! text can be searched, copied and extracted.

use super::PdfError;
use super::font::{Face, Weight};
use super::sheet::{Op, PAGE_HEIGHT, PAGE_WIDTH};
use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use subsetter::GlyphRemapper;

const FONT_NAMES: [&[u8]; 2] = [b"F0", b"F1"];

fn system_info() -> SystemInfo<'static> {
    SystemInfo {
        registry: Str(b"Adobe"),
        ordering: Str(b"Identity"),
        supplement: 0,
    }
}

/// Glyphs a document uses from one face: old id → new id, and the character of each new id.
#[derive(Default)]
struct Used {
    remapper: GlyphRemapper,
    chars: BTreeMap<u16, char>,
}

impl Used {
    /// The two-byte CIDs that show `text`.
    fn encode(&mut self, face: &Face, text: &str) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(text.len() * 2);
        for c in text.chars() {
            let new = self.remapper.remap(face.glyph(c));
            self.chars.entry(new).or_insert(c);
            bytes.extend_from_slice(&new.to_be_bytes());
        }
        bytes
    }
}

pub(super) fn write(title: &str, pages: &[Vec<Op>]) -> Result<Vec<u8>, PdfError> {
    let mut next = Ref::new(1);
    let catalog = next.bump();
    let tree = next.bump();
    let info = next.bump();
    let fonts = [next.bump(), next.bump()];
    let mut used = [Used::default(), Used::default()];
    let mut pdf = Pdf::new();
    pdf.catalog(catalog).pages(tree);

    let mut page_ids = Vec::with_capacity(pages.len());
    for ops in pages {
        let page = next.bump();
        let content = next.bump();
        page_ids.push(page);
        let mut c = Content::new();
        for op in ops {
            draw(&mut c, op, &mut used)?;
        }
        let data = deflate(&c.finish());
        pdf.stream(content, &data).filter(Filter::FlateDecode);
        let mut p = pdf.page(page);
        p.media_box(Rect::new(0.0, 0.0, PAGE_WIDTH, PAGE_HEIGHT))
            .parent(tree)
            .contents(content);
        let mut resources = p.resources();
        let mut dict = resources.fonts();
        for (name, id) in FONT_NAMES.iter().zip(fonts) {
            dict.pair(Name(name), id);
        }
    }
    let count = i32::try_from(page_ids.len()).unwrap_or(i32::MAX);
    pdf.pages(tree).kids(page_ids).count(count);

    for weight in Weight::ALL {
        let i = weight.index();
        embed(&mut pdf, &mut next, fonts[i], weight.face()?, &used[i])?;
    }
    pdf.document_info(info)
        .title(TextStr(title))
        .producer(TextStr("cloudseal"));
    Ok(pdf.finish())
}

fn draw(c: &mut Content, op: &Op, used: &mut [Used; 2]) -> Result<(), PdfError> {
    match op {
        Op::Text {
            weight,
            size,
            x,
            y,
            text,
        } => {
            let i = weight.index();
            let bytes = used[i].encode(weight.face()?, text);
            c.begin_text()
                .set_font(Name(FONT_NAMES[i]), *size)
                .next_line(*x, *y)
                .show(Str(&bytes))
                .end_text();
        }
        Op::Line { from, to, width } => {
            c.set_line_width(*width)
                .move_to(from.0, from.1)
                .line_to(to.0, to.1)
                .stroke();
        }
    }
    Ok(())
}

/// Embed the glyphs of `face` that the document uses under `id` (a Type 0 font).
fn embed(pdf: &mut Pdf, next: &mut Ref, id: Ref, face: &Face, used: &Used) -> Result<(), PdfError> {
    let cid = next.bump();
    let descriptor = next.bump();
    let cmap_id = next.bump();
    let file = next.bump();
    let subset = subsetter::subset(face.data, 0, &used.remapper)
        .map_err(|e| PdfError::Font(format!("{e:?}")))?;
    let base = format!("{}+{}", subset_tag(&subset), face.name);
    let base = Name(base.as_bytes());

    pdf.type0_font(id)
        .base_font(base)
        .encoding_predefined(Name(b"Identity-H"))
        .descendant_font(cid)
        .to_unicode(cmap_id);
    let widths: Vec<f32> = used
        .remapper
        .remapped_gids()
        .map(|g| face.advance(g))
        .collect();
    let mut font = pdf.cid_font(cid);
    font.subtype(CidFontType::Type2)
        .base_font(base)
        .system_info(system_info())
        .font_descriptor(descriptor)
        .default_width(0.0)
        .cid_to_gid_map_predefined(Name(b"Identity"));
    font.widths().consecutive(0, widths);
    font.finish();

    let [x0, y0, x1, y1] = face.bbox();
    pdf.font_descriptor(descriptor)
        .name(base)
        .flags(FontFlags::SYMBOLIC)
        .bbox(Rect::new(x0, y0, x1, y1))
        .italic_angle(0.0)
        .ascent(face.ascent())
        .descent(face.descent())
        .cap_height(face.cap_height())
        .stem_v(80.0)
        .font_file2(file);

    let mut cmap = UnicodeCmap::new(Name(b"Cloudseal-UTF16"), system_info());
    for (glyph, c) in &used.chars {
        cmap.pair(*glyph, *c);
    }
    pdf.cmap(cmap_id, &cmap.finish());

    let length = i32::try_from(subset.len()).unwrap_or(i32::MAX);
    pdf.stream(file, &deflate(&subset))
        .filter(Filter::FlateDecode)
        .pair(Name(b"Length1"), length);
    Ok(())
}

/// The six capital letters that name a subset (PDF 32000 §9.6.4), from its content, so the
/// same subset always gets the same name.
fn subset_tag(subset: &[u8]) -> String {
    Sha256::digest(subset)
        .iter()
        .take(6)
        .map(|b| char::from(b'A' + b % 26))
        .collect()
}

fn deflate(data: &[u8]) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec_zlib(data, 6)
}
