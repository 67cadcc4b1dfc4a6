//! A4 layout by a cursor that moves down the page: titles, headings, wrapped paragraphs,
//! label–value fields, tables and signature lines, with a new page whenever the next block
//! would not fit. Enough for forms and protocols; not a typesetter.

use super::PdfError;
use super::font::Weight;

pub(super) const PAGE_WIDTH: f32 = 595.28;
pub(super) const PAGE_HEIGHT: f32 = 841.89;
const MARGIN: f32 = 50.0;
const FOOTER: f32 = 24.0;
const BODY: f32 = 10.0;
const LEADING: f32 = 1.32;
const LABEL_WIDTH: f32 = 175.0;
const CELL_PAD: f32 = 4.0;

/// One thing drawn on a page.
#[derive(Debug, Clone)]
pub(super) enum Op {
    Text {
        weight: Weight,
        size: f32,
        x: f32,
        y: f32,
        text: String,
    },
    Line {
        from: (f32, f32),
        to: (f32, f32),
        width: f32,
    },
}

/// A table column: its header and its share of the text width.
#[derive(Debug, Clone, Copy)]
pub struct Column<'a> {
    /// Header text.
    pub header: &'a str,
    /// Share of the width (the shares of a table add up to 1).
    pub share: f32,
    /// Right-aligned (amounts).
    pub right: bool,
}

/// A document being laid out.
#[derive(Debug)]
pub struct Sheet {
    title: String,
    pages: Vec<Vec<Op>>,
    y: f32,
}

impl Sheet {
    /// An empty document; `title` goes into the PDF's metadata.
    pub fn new(title: &str) -> Self {
        Self {
            title: title.to_owned(),
            pages: vec![Vec::new()],
            y: PAGE_HEIGHT - MARGIN,
        }
    }

    /// The document's big bold title.
    pub fn title(&mut self, text: &str) -> Result<&mut Self, PdfError> {
        self.block(text, Weight::Bold, 14.0, MARGIN, text_width())?;
        self.gap(6.0);
        Ok(self)
    }

    /// A section heading; kept on the same page as at least two lines after it.
    pub fn heading(&mut self, text: &str) -> Result<&mut Self, PdfError> {
        self.gap(8.0);
        self.need(line_height(11.0) + 2.0 * line_height(BODY));
        self.block(text, Weight::Bold, 11.0, MARGIN, text_width())?;
        self.gap(2.0);
        Ok(self)
    }

    /// A paragraph of body text, wrapped to the width; `\n` starts a new line.
    pub fn text(&mut self, text: &str) -> Result<&mut Self, PdfError> {
        self.block(text, Weight::Regular, BODY, MARGIN, text_width())?;
        self.gap(3.0);
        Ok(self)
    }

    /// Small print.
    pub fn small(&mut self, text: &str) -> Result<&mut Self, PdfError> {
        self.block(text, Weight::Regular, 8.0, MARGIN, text_width())?;
        self.gap(2.0);
        Ok(self)
    }

    /// A label on the left and its value beside it; both wrap.
    pub fn field(&mut self, label: &str, value: &str) -> Result<&mut Self, PdfError> {
        let label_lines = wrap(label, Weight::Regular, 9.0, LABEL_WIDTH - 8.0)?;
        let value_width = text_width() - LABEL_WIDTH;
        let value_lines = wrap(value, Weight::Bold, BODY, value_width)?;
        let rows = label_lines.len().max(value_lines.len());
        self.need(rows as f32 * line_height(BODY));
        let top = self.y;
        for (i, line) in label_lines.into_iter().enumerate() {
            let y = top - (i as f32 + 1.0) * line_height(BODY);
            self.put(Weight::Regular, 9.0, MARGIN, y, line);
        }
        for (i, line) in value_lines.into_iter().enumerate() {
            let y = top - (i as f32 + 1.0) * line_height(BODY);
            self.put(Weight::Bold, BODY, MARGIN + LABEL_WIDTH, y, line);
        }
        self.y = top - rows as f32 * line_height(BODY) - 2.0;
        Ok(self)
    }

    /// A ruled table with a bold header row; cells wrap within their column.
    pub fn table(
        &mut self,
        columns: &[Column<'_>],
        rows: &[Vec<String>],
    ) -> Result<&mut Self, PdfError> {
        let widths: Vec<f32> = columns.iter().map(|c| c.share * text_width()).collect();
        let header: Vec<String> = columns.iter().map(|c| c.header.to_owned()).collect();
        self.rule(0.8);
        self.row(columns, &widths, &header, Weight::Bold)?;
        self.rule(0.5);
        for row in rows {
            self.row(columns, &widths, row, Weight::Regular)?;
            self.rule(0.3);
        }
        self.gap(4.0);
        Ok(self)
    }

    /// A line to sign on, with what it is for written under it.
    pub fn signature(&mut self, label: &str) -> Result<&mut Self, PdfError> {
        self.need(30.0 + line_height(8.0));
        self.y -= 26.0;
        let y = self.y;
        self.current().push(Op::Line {
            from: (MARGIN, y),
            to: (MARGIN + 220.0, y),
            width: 0.6,
        });
        let (y, x) = (self.y, MARGIN + 240.0);
        self.put(
            Weight::Regular,
            BODY,
            x,
            y + 2.0,
            "«____» ______________ 20___".into(),
        );
        self.y -= 2.0;
        self.block(label, Weight::Regular, 8.0, MARGIN, 220.0)?;
        Ok(self)
    }

    /// Vertical space.
    pub fn gap(&mut self, points: f32) -> &mut Self {
        self.y -= points;
        self
    }

    /// Lay out the pages, number them and write the PDF.
    pub fn finish(mut self) -> Result<Vec<u8>, PdfError> {
        let total = self.pages.len();
        for (i, page) in self.pages.iter_mut().enumerate() {
            let number = format!("{} / {}", i + 1, total);
            let width = Weight::Regular.face()?.width(&number, 8.0);
            page.push(Op::Text {
                weight: Weight::Regular,
                size: 8.0,
                x: PAGE_WIDTH - MARGIN - width,
                y: MARGIN - FOOTER + 8.0,
                text: number,
            });
        }
        super::write::write(&self.title, &self.pages)
    }

    fn row(
        &mut self,
        columns: &[Column<'_>],
        widths: &[f32],
        cells: &[String],
        weight: Weight,
    ) -> Result<(), PdfError> {
        let mut wrapped = Vec::with_capacity(columns.len());
        for (cell, width) in cells.iter().zip(widths) {
            wrapped.push(wrap(cell, weight, 9.0, width - 2.0 * CELL_PAD)?);
        }
        let lines = wrapped.iter().map(Vec::len).max().unwrap_or(1);
        self.need(lines as f32 * line_height(9.0) + 4.0);
        let top = self.y - 2.0;
        let mut x = MARGIN;
        for ((lines, width), column) in wrapped.into_iter().zip(widths).zip(columns) {
            for (i, line) in lines.into_iter().enumerate() {
                let y = top - (i as f32 + 1.0) * line_height(9.0);
                let left = if column.right {
                    x + width - CELL_PAD - weight.face()?.width(&line, 9.0)
                } else {
                    x + CELL_PAD
                };
                self.put(weight, 9.0, left, y, line);
            }
            x += width;
        }
        self.y = top - lines as f32 * line_height(9.0) - 4.0;
        Ok(())
    }

    fn rule(&mut self, width: f32) {
        let y = self.y;
        self.current().push(Op::Line {
            from: (MARGIN, y),
            to: (PAGE_WIDTH - MARGIN, y),
            width,
        });
    }

    fn block(
        &mut self,
        text: &str,
        weight: Weight,
        size: f32,
        x: f32,
        width: f32,
    ) -> Result<(), PdfError> {
        for line in wrap(text, weight, size, width)? {
            self.need(line_height(size));
            self.y -= line_height(size);
            let y = self.y;
            self.put(weight, size, x, y, line);
        }
        Ok(())
    }

    fn put(&mut self, weight: Weight, size: f32, x: f32, y: f32, text: String) {
        if !text.is_empty() {
            self.current().push(Op::Text {
                weight,
                size,
                x,
                y: y + size * 0.25,
                text,
            });
        }
    }

    /// Start a new page unless `height` more points fit on this one.
    fn need(&mut self, height: f32) {
        if self.y - height < MARGIN + FOOTER {
            self.pages.push(Vec::new());
            self.y = PAGE_HEIGHT - MARGIN;
        }
    }

    fn current(&mut self) -> &mut Vec<Op> {
        if self.pages.is_empty() {
            self.pages.push(Vec::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }
}

fn text_width() -> f32 {
    PAGE_WIDTH - 2.0 * MARGIN
}

fn line_height(size: f32) -> f32 {
    size * LEADING
}

/// Break `text` into lines no wider than `width`: at spaces, and inside a word only when the
/// word alone is too wide (long serial numbers and hashes).
fn wrap(text: &str, weight: Weight, size: f32, width: f32) -> Result<Vec<String>, PdfError> {
    let face = weight.face()?;
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        for word in paragraph.split(' ').filter(|w| !w.is_empty()) {
            let candidate = if line.is_empty() {
                word.to_owned()
            } else {
                format!("{line} {word}")
            };
            if face.width(&candidate, size) <= width {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            for c in word.chars() {
                line.push(c);
                if face.width(&line, size) > width && line.chars().count() > 1 {
                    line.pop();
                    lines.push(std::mem::replace(&mut line, c.to_string()));
                }
            }
        }
        lines.push(line);
    }
    Ok(lines)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn words_wrap_at_spaces_and_long_words_break() {
        let lines = wrap(
            "Владелец сертификата ключа проверки электронной подписи",
            Weight::Regular,
            10.0,
            120.0,
        )
        .unwrap();
        assert!(lines.len() > 2, "{lines:?}");
        for l in &lines {
            assert!(
                Weight::Regular.face().unwrap().width(l, 10.0) <= 120.0,
                "{l}"
            );
        }
        let serial = "0123456789abcdef".repeat(4);
        let lines = wrap(&serial, Weight::Bold, 10.0, 100.0).unwrap();
        assert!(lines.len() > 1);
        assert_eq!(lines.concat(), serial);
    }

    #[test]
    fn a_long_document_flows_onto_more_pages() {
        let mut sheet = Sheet::new("t");
        for i in 0..120 {
            sheet.field(&format!("Поле {i}"), "значение").unwrap();
        }
        assert!(sheet.pages.len() >= 3);
    }

    #[test]
    fn the_same_content_gives_the_same_bytes() {
        let make = || {
            let mut sheet = Sheet::new("Счёт");
            sheet
                .title("Счёт на оплату № 500001 / Invoice No. 500001")
                .unwrap();
            sheet
                .field("Плательщик / Payer", "Иванов Иван Иванович")
                .unwrap();
            sheet.signature("Подпись / Signature").unwrap();
            sheet.finish().unwrap()
        };
        let pdf = make();
        assert!(pdf.starts_with(b"%PDF-"));
        assert_eq!(pdf, make());
    }
}
