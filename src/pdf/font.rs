//! The two embedded faces and the metrics the layout needs from them.

use super::PdfError;
use std::sync::LazyLock;

/// Regular or bold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Weight {
    Regular,
    Bold,
}

impl Weight {
    pub(super) const ALL: [Weight; 2] = [Weight::Regular, Weight::Bold];

    pub(super) fn index(self) -> usize {
        match self {
            Weight::Regular => 0,
            Weight::Bold => 1,
        }
    }

    pub(super) fn face(self) -> Result<&'static Face, PdfError> {
        let face = match self {
            Weight::Regular => &*REGULAR,
            Weight::Bold => &*BOLD,
        };
        face.as_ref().map_err(|e| PdfError::Font(e.clone()))
    }
}

static REGULAR: LazyLock<Result<Face, String>> = LazyLock::new(|| {
    Face::parse(
        include_bytes!("../../assets/fonts/DejaVuSans.ttf"),
        "DejaVuSans",
    )
});
static BOLD: LazyLock<Result<Face, String>> = LazyLock::new(|| {
    Face::parse(
        include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf"),
        "DejaVuSans-Bold",
    )
});

/// A parsed TrueType font with the numbers a PDF font dictionary asks for.
pub(super) struct Face {
    pub(super) data: &'static [u8],
    pub(super) name: &'static str,
    face: ttf_parser::Face<'static>,
    units_per_em: f32,
}

impl Face {
    fn parse(data: &'static [u8], name: &'static str) -> Result<Self, String> {
        let face = ttf_parser::Face::parse(data, 0).map_err(|e| e.to_string())?;
        let units_per_em = f32::from(face.units_per_em());
        Ok(Self {
            data,
            name,
            face,
            units_per_em,
        })
    }

    /// The glyph that draws `c`, or `.notdef` when the font has none.
    pub(super) fn glyph(&self, c: char) -> u16 {
        self.face.glyph_index(c).map_or(0, |g| g.0)
    }

    /// Advance of a glyph in PDF text-space units (thousandths of the font size).
    pub(super) fn advance(&self, glyph: u16) -> f32 {
        self.face
            .glyph_hor_advance(ttf_parser::GlyphId(glyph))
            .map_or(0.0, |a| self.to_pdf(f32::from(a)))
    }

    /// Width of `text` at `size` points.
    pub(super) fn width(&self, text: &str, size: f32) -> f32 {
        text.chars()
            .map(|c| self.advance(self.glyph(c)))
            .sum::<f32>()
            * size
            / 1000.0
    }

    pub(super) fn ascent(&self) -> f32 {
        self.to_pdf(f32::from(self.face.ascender()))
    }

    pub(super) fn descent(&self) -> f32 {
        self.to_pdf(f32::from(self.face.descender()))
    }

    pub(super) fn cap_height(&self) -> f32 {
        self.face
            .capital_height()
            .map_or(self.ascent(), |h| self.to_pdf(f32::from(h)))
    }

    pub(super) fn bbox(&self) -> [f32; 4] {
        let b = self.face.global_bounding_box();
        [
            self.to_pdf(f32::from(b.x_min)),
            self.to_pdf(f32::from(b.y_min)),
            self.to_pdf(f32::from(b.x_max)),
            self.to_pdf(f32::from(b.y_max)),
        ]
    }

    fn to_pdf(&self, units: f32) -> f32 {
        units * 1000.0 / self.units_per_em
    }
}
