//! Glyph PBFs (signed distance fields, 256 code points per file) for MapLibre's labels, rendered
//! from a CJK font installed on the machine, so Chinese names draw with no outside resource.
//!
//! The font is Noto Sans CJK SC from Debian's `fonts-noto-cjk` (SIL Open Font License), a `.ttc`
//! collection whose Simplified Chinese face also holds Latin letters and digits. Ranges are rendered
//! on first request the way martin does it (FreeType through `pbf_font_tools` /
//! `sdf_glyph_renderer`, node-fontnik's parameters: 24 px, buffer 3, radius 8, cutoff 0.25) and
//! kept in memory: at most 256 ranges, a CJK range is ~100 KB and takes a fraction of a second.
//! Nothing is generated ahead of time or stored in the repository. When the font is not installed
//! every range answers 404 and the log says which package to install.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use pbf_font_tools::prost::Message;
use pbf_font_tools::{Glyphs as GlyphMessage, freetype, glyph_range_for_face};

/// The one font stack gridmap serves; styles name it in `text-font`.
pub const FONTSTACK: &str = "Noto Sans CJK SC Regular";

/// Where distributions install Noto Sans CJK (Debian/Ubuntu first).
const FONT_FILES: [&str; 3] = [
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
];

/// The face of the collection to use.
const FAMILY: &str = "Noto Sans CJK SC";

#[derive(Debug, thiserror::Error)]
pub enum GlyphError {
    #[error(
        "no glyphs: the font {FAMILY} is not installed (looked in {0}); install it with 'apt-get install fonts-noto-cjk'"
    )]
    FontMissing(String),
    #[error("no font stack {0:?}: gridmap serves {FONTSTACK:?}")]
    UnknownFontstack(String),
    #[error("glyph ranges are 256 code points, such as 0-255 or 26368-26623; got {0:?}")]
    Range(String),
    #[error("rendering glyphs {range} from {font}: {cause}")]
    Render { font: String, range: String, cause: String },
}

/// Rendered ranges by their first code point, and where the font is.
pub struct Glyphs {
    candidates: Vec<PathBuf>,
    rendered: Mutex<HashMap<u32, Arc<Vec<u8>>>>,
    warned: AtomicBool,
}

impl Glyphs {
    /// Looks for the font where Linux distributions install it.
    pub fn system() -> Self {
        Self::from_files(FONT_FILES.iter().map(PathBuf::from).collect())
    }

    /// Uses the first of `candidates` that exists (checked on every miss, so a font installed
    /// while the server runs is picked up).
    pub fn from_files(candidates: Vec<PathBuf>) -> Self {
        Self {
            candidates,
            rendered: Mutex::new(HashMap::new()),
            warned: AtomicBool::new(false),
        }
    }

    /// The font file in use, if one is installed.
    pub fn font(&self) -> Option<&Path> {
        self.candidates.iter().map(PathBuf::as_path).find(|p| p.is_file())
    }

    /// The PBF of one range, such as `0-255`, for a comma-separated font stack that names
    /// [`FONTSTACK`].
    pub async fn range(&self, fontstack: &str, range: &str) -> Result<Arc<Vec<u8>>, GlyphError> {
        if !fontstack.split(',').any(|f| f.trim() == FONTSTACK) {
            return Err(GlyphError::UnknownFontstack(fontstack.chars().take(80).collect()));
        }
        let start = parse_range(range)?;
        if let Some(hit) = self.lock().get(&start) {
            return Ok(hit.clone());
        }
        let Some(font) = self.font().map(Path::to_path_buf) else {
            let looked = self
                .candidates
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ");
            let e = GlyphError::FontMissing(looked);
            if !self.warned.swap(true, Ordering::Relaxed) {
                tracing::warn!(error = %e, "map labels cannot be drawn");
            }
            return Err(e);
        };
        let shown = font.display().to_string();
        let pbf = tokio::task::spawn_blocking(move || render(&font, start))
            .await
            .map_err(|e| GlyphError::Render {
                font: shown,
                range: range.to_owned(),
                cause: e.to_string(),
            })??;
        let pbf = Arc::new(pbf);
        self.lock().insert(start, pbf.clone());
        Ok(pbf)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u32, Arc<Vec<u8>>>> {
        // The map only ever gains complete entries, so one left by a panicking thread is sound.
        self.rendered.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// `start-end` with `start` a multiple of 256 and `end = start + 255`, within the BMP.
fn parse_range(s: &str) -> Result<u32, GlyphError> {
    let bad = || GlyphError::Range(s.chars().take(40).collect());
    let (a, b) = s.split_once('-').ok_or_else(bad)?;
    let (start, end) = (
        a.parse::<u32>().map_err(|_| bad())?,
        b.parse::<u32>().map_err(|_| bad())?,
    );
    if start % 256 != 0 || end != start + 255 || end > 0xFFFF {
        return Err(bad());
    }
    Ok(start)
}

/// The [`FAMILY`] face of the collection `font` (the first face when none is so named); the static
/// maps ([`crate::maps`]) draw their text with it too.
pub fn open_face(lib: &freetype::Library, font: &Path) -> Result<freetype::Face, freetype::Error> {
    let faces = lib.new_face(font, 0)?.num_faces();
    let named = (0..isize::from(faces))
        .filter_map(|i| lib.new_face(font, i).ok())
        .find(|f| f.family_name().as_deref() == Some(FAMILY));
    match named {
        Some(face) => Ok(face),
        None => lib.new_face(font, 0),
    }
}

/// Renders one range from the [`FAMILY`] face of `font` (the first face when none is so named).
fn render(font: &Path, start: u32) -> Result<Vec<u8>, GlyphError> {
    let fail = |cause: String| GlyphError::Render {
        font: font.display().to_string(),
        range: format!("{start}-{}", start + 255),
        cause,
    };
    let lib = freetype::Library::init().map_err(|e| fail(e.to_string()))?;
    let face = open_face(&lib, font).map_err(|e| fail(e.to_string()))?;
    let mut stack = glyph_range_for_face(&face, start, start + 255, 24, 8, 0.25).map_err(|e| fail(e.to_string()))?;
    stack.name = FONTSTACK.to_owned();
    Ok(GlyphMessage { stacks: vec![stack] }.encode_to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_aligned_blocks_of_256() {
        assert_eq!(parse_range("0-255").unwrap(), 0);
        assert_eq!(parse_range("26368-26623").unwrap(), 26368);
        for bad in ["1-256", "0-254", "0-256", "65536-65791", "a-b", "0", "-1-254"] {
            assert!(parse_range(bad).is_err(), "{bad}");
        }
    }

    #[tokio::test]
    async fn a_missing_font_is_an_error_not_a_panic() {
        let glyphs = Glyphs::from_files(vec![PathBuf::from("/nonexistent/font.ttc")]);
        assert!(matches!(
            glyphs.range(FONTSTACK, "0-255").await,
            Err(GlyphError::FontMissing(_))
        ));
        assert!(matches!(
            glyphs.range("Arial", "0-255").await,
            Err(GlyphError::UnknownFontstack(_))
        ));
    }
}
