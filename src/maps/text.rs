//! Text on the picture: glyphs rasterised by FreeType from the CJK font the glyph service uses
//! ([`crate::glyphs`], Noto Sans CJK SC), blended onto a tiny-skia pixmap, with an optional halo
//! so labels stay readable over lines and dots.

use std::collections::HashMap;
use std::path::Path;

use pbf_font_tools::freetype::{self, face::LoadFlag};
use tiny_skia::{Color, Pixmap};

/// One rasterised glyph: coverage bytes, where they sit relative to the pen, and the advance.
struct Glyph {
    coverage: Vec<u8>,
    width: usize,
    rows: usize,
    left: i32,
    top: i32,
    advance: f32,
}

/// A face and the glyphs rasterised so far, by (character, pixel size). Not `Send`: made and used
/// inside one rendering.
pub struct Font {
    _lib: freetype::Library,
    face: freetype::Face,
    cache: HashMap<(char, u32), Option<Glyph>>,
}

/// Where a text's given point is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    /// The point is the left end of the baseline.
    Left,
    /// The point is the middle of the baseline.
    Centre,
    /// The point is the right end of the baseline.
    Right,
}

impl Font {
    /// The CJK face of `path` (a `.ttc` or `.otf`).
    pub fn open(path: &Path) -> Result<Self, String> {
        let lib = freetype::Library::init().map_err(|e| format!("starting FreeType: {e}"))?;
        let face = crate::glyphs::open_face(&lib, path).map_err(|e| format!("opening {}: {e}", path.display()))?;
        Ok(Self {
            _lib: lib,
            face,
            cache: HashMap::new(),
        })
    }

    fn glyph(&mut self, c: char, size: u32) -> Option<&Glyph> {
        let face = &self.face;
        self.cache
            .entry((c, size))
            .or_insert_with(|| {
                face.set_pixel_sizes(0, size).ok()?;
                face.load_char(c as usize, LoadFlag::RENDER).ok()?;
                let slot = face.glyph();
                let bitmap = slot.bitmap();
                let (width, rows, pitch) = (
                    bitmap.width().max(0) as usize,
                    bitmap.rows().max(0) as usize,
                    bitmap.pitch().unsigned_abs() as usize,
                );
                let buffer = bitmap.buffer();
                let mut coverage = Vec::with_capacity(width * rows);
                for r in 0..rows {
                    coverage.extend_from_slice(buffer.get(r * pitch..r * pitch + width)?);
                }
                Some(Glyph {
                    coverage,
                    width,
                    rows,
                    left: slot.bitmap_left(),
                    top: slot.bitmap_top(),
                    advance: slot.advance().x as f32 / 64.0,
                })
            })
            .as_ref()
    }

    /// The width of `text` at `size` pixels.
    pub fn measure(&mut self, text: &str, size: f32) -> f32 {
        let px = size.round().max(1.0) as u32;
        text.chars().map(|c| self.glyph(c, px).map_or(0.0, |g| g.advance)).sum()
    }

    /// Draws `text` at `size` pixels with its baseline at `y` and `x` placed by `anchor`; with a
    /// `halo` of that many pixels in `halo_color` behind it. Returns the text's width.
    #[allow(clippy::too_many_arguments)]
    pub fn draw(
        &mut self,
        pixmap: &mut Pixmap,
        text: &str,
        x: f32,
        y: f32,
        size: f32,
        anchor: Anchor,
        color: Color,
        halo: Option<(f32, Color)>,
    ) -> f32 {
        let width = self.measure(text, size);
        let start = match anchor {
            Anchor::Left => x,
            Anchor::Centre => x - width / 2.0,
            Anchor::Right => x - width,
        };
        if let Some((h, halo_color)) = halo {
            let steps = [
                (-1.0, -1.0),
                (0.0, -1.0),
                (1.0, -1.0),
                (-1.0, 0.0),
                (1.0, 0.0),
                (-1.0, 1.0),
                (0.0, 1.0),
                (1.0, 1.0),
            ];
            let mut r = 1.0;
            while r <= h + 0.01 {
                for (dx, dy) in steps {
                    self.run(pixmap, text, start + dx * r, y + dy * r, size, halo_color);
                }
                r += 1.0;
            }
        }
        self.run(pixmap, text, start, y, size, color);
        width
    }

    fn run(&mut self, pixmap: &mut Pixmap, text: &str, x: f32, y: f32, size: f32, color: Color) {
        let px = size.round().max(1.0) as u32;
        let mut pen = x;
        for c in text.chars() {
            let Some(g) = self.glyph(c, px) else { continue };
            let ox = pen.round() as i32 + g.left;
            let oy = y.round() as i32 - g.top;
            blend(pixmap, &g.coverage, g.width, g.rows, ox, oy, color);
            pen += g.advance;
        }
    }
}

/// Blends a coverage mask (one byte a pixel) in `color` onto `pixmap` at (`ox`, `oy`), source over.
fn blend(pixmap: &mut Pixmap, coverage: &[u8], width: usize, rows: usize, ox: i32, oy: i32, color: Color) {
    let (pw, ph) = (pixmap.width() as i32, pixmap.height() as i32);
    let pixels = pixmap.pixels_mut();
    let (r, g, b, a) = (color.red(), color.green(), color.blue(), color.alpha());
    for row in 0..rows {
        let y = oy + row as i32;
        if y < 0 || y >= ph {
            continue;
        }
        for col in 0..width {
            let x = ox + col as i32;
            if x < 0 || x >= pw {
                continue;
            }
            let cov = f32::from(coverage[row * width + col]) / 255.0 * a;
            if cov <= 0.0 {
                continue;
            }
            let dst = &mut pixels[(y * pw + x) as usize];
            let keep = 1.0 - cov;
            let mix = |s: f32, d: u8| (s * cov * 255.0 + f32::from(d) * keep).round().clamp(0.0, 255.0) as u8;
            let out_a = mix(1.0, dst.alpha());
            let (nr, ng, nb) = (mix(r, dst.red()), mix(g, dst.green()), mix(b, dst.blue()));
            if let Some(p) =
                tiny_skia::PremultipliedColorU8::from_rgba(nr.min(out_a), ng.min(out_a), nb.min(out_a), out_a)
            {
                *dst = p;
            }
        }
    }
}
