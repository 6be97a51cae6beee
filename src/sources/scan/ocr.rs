//! The OCR engine behind a small trait: a prepared card image in, words with boxes and
//! confidences out, plus the quarter-turn orientation of the text.
//!
//! The implementation is libtesseract in process (the `tesseract` crate), one engine per
//! thread: [`with_engine`] keeps it in a thread-local, so each rayon worker loads the language
//! models once and reuses them for every card it reads (an engine is `Send`, not `Sync`).
//! Orientation comes from tesseract's orientation and script detection (`osd.traineddata`,
//! Debian `tesseract-ocr-osd`) through a second, small engine; the `tesseract` crate does not
//! wrap that call, so [`Osd`] makes it through `tesseract-sys`.
//!
//! The OpenMP trap: Debian's libtesseract is built with OpenMP, which reads
//! `OMP_THREAD_LIMIT` once, when the library is loaded. Without `OMP_THREAD_LIMIT=1` in the
//! environment at process start, each OCR call spreads over every core, the workers fight, and
//! OCR is 4 to 5 times slower (DESIGN.md). `main` re-executes itself with the variable set;
//! here we only warn once when it is missing.

use super::extract::Word;
use image::GrayImage;
use std::cell::RefCell;
use std::sync::Once;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OcrError {
    #[error(
        "cannot start tesseract with languages {lang:?} (are tesseract-ocr-{lang} installed? see scripts/setup): {reason}"
    )]
    Init { lang: String, reason: String },
    #[error("tesseract failed on the card: {0}")]
    Recognise(String),
}

/// An OCR engine.
pub trait Engine {
    /// The words on a prepared card (8-bit grey, about `ppi` dots per inch).
    fn words(&mut self, image: &GrayImage, ppi: u32) -> Result<Vec<Word>, OcrError>;

    /// How far the text is turned, clockwise, in degrees (0, 90, 180 or 270), with the
    /// detector's confidence; `None` when there is too little text to tell.
    fn orientation(&mut self, image: &GrayImage) -> Option<(u32, f32)>;
}

/// libtesseract in process.
pub struct Tesseract {
    lang: String,
    api: Option<tesseract::Tesseract>,
    osd: Option<Osd>,
    osd_failed: bool,
}

impl Tesseract {
    /// Load the language models (`nld+eng`); the orientation model is loaded on first use.
    pub fn new(lang: &str) -> Result<Tesseract, OcrError> {
        warn_about_openmp();
        let api = Self::init(lang)?;
        Ok(Tesseract {
            lang: lang.to_string(),
            api: Some(api),
            osd: None,
            osd_failed: false,
        })
    }

    fn init(lang: &str) -> Result<tesseract::Tesseract, OcrError> {
        let fail = |reason: String| OcrError::Init {
            lang: lang.to_string(),
            reason,
        };
        let mut api = tesseract::Tesseract::new_with_oem(
            None,
            Some(lang),
            tesseract::OcrEngineMode::LstmOnly,
        )
        .map_err(|e| fail(e.to_string()))?;
        // Sparse text: a card is short lines scattered over the surface, not a page of
        // paragraphs (measured on the generated set: see BENCH-SCAN.md).
        api.set_page_seg_mode(tesseract::PageSegMode::PsmSparseText);
        api.set_variable("debug_file", "/dev/null")
            .map_err(|e| fail(e.to_string()))
    }

    pub fn lang(&self) -> &str {
        &self.lang
    }
}

impl Engine for Tesseract {
    fn words(&mut self, image: &GrayImage, ppi: u32) -> Result<Vec<Word>, OcrError> {
        let api = match self.api.take() {
            Some(api) => api,
            // A failed call consumed the engine: start a new one.
            None => Self::init(&self.lang)?,
        };
        let (w, h) = image.dimensions();
        let err = |e: &dyn std::fmt::Display| OcrError::Recognise(e.to_string());
        let api = api
            .set_frame(image.as_raw(), w as i32, h as i32, 1, w as i32)
            .map_err(|e| err(&e))?
            .set_source_resolution(ppi as i32);
        let mut api = api.recognize().map_err(|e| err(&e))?;
        let tsv = api.get_tsv_text(0).map_err(|e| err(&e));
        self.api = Some(api);
        Ok(parse_tsv(&tsv?))
    }

    fn orientation(&mut self, image: &GrayImage) -> Option<(u32, f32)> {
        if self.osd.is_none() && !self.osd_failed {
            self.osd = Osd::new();
            if self.osd.is_none() {
                self.osd_failed = true;
                tracing::warn!("tesseract orientation model (osd.traineddata) not found; cards turned a quarter are read as they lie");
            }
        }
        self.osd.as_mut()?.detect(image)
    }
}

/// Words of tesseract's TSV output (level 5 rows): `level page block par line word left top
/// width height conf text`.
pub fn parse_tsv(tsv: &str) -> Vec<Word> {
    tsv.lines()
        .filter_map(|row| {
            let cols: Vec<&str> = row.splitn(12, '\t').collect();
            if cols.len() < 12 || cols[0] != "5" {
                return None;
            }
            let num = |i: usize| cols[i].trim().parse::<i64>().ok();
            let text = cols[11].trim();
            if text.is_empty() {
                return None;
            }
            let (block, par, line) = (num(2)?, num(3)?, num(4)?);
            Some(Word {
                text: text.to_string(),
                left: num(6)? as i32,
                top: num(7)? as i32,
                width: num(8)? as i32,
                height: num(9)? as i32,
                conf: cols[10].trim().parse::<f32>().ok()?.max(0.0),
                line: (block.clamp(0, 4000) * 1_000_000
                    + par.clamp(0, 999) * 1000
                    + line.clamp(0, 999)) as u32,
            })
        })
        .collect()
}

fn warn_about_openmp() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        if std::env::var_os("OMP_THREAD_LIMIT").is_none() {
            tracing::warn!(
                "OMP_THREAD_LIMIT is not set: tesseract's OpenMP threads will compete with the OCR workers (start the process with OMP_THREAD_LIMIT=1)"
            );
        }
    });
}

thread_local! {
    static ENGINE: RefCell<Option<Tesseract>> = const { RefCell::new(None) };
}

/// Run `f` with this thread's engine for `lang`, loading it on first use (or when the
/// language changes).
pub fn with_engine<T>(lang: &str, f: impl FnOnce(&mut dyn Engine) -> T) -> Result<T, OcrError> {
    ENGINE.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.as_ref().is_none_or(|e| e.lang() != lang) {
            *slot = Some(Tesseract::new(lang)?);
        }
        let engine = slot.as_mut().expect("the engine was just loaded");
        Ok(f(engine))
    })
}

/// Tesseract's orientation and script detection through the C API (the `tesseract` crate
/// does not expose it).
pub struct Osd(*mut tesseract_sys::TessBaseAPI);

// SAFETY: the handle is owned by this value alone and used by one thread at a time (`&mut
// self`); TessBaseAPI holds no thread-affine state.
unsafe impl Send for Osd {}

impl Osd {
    pub fn new() -> Option<Osd> {
        // SAFETY: create/init/delete on a handle we own; the language string is NUL-terminated.
        unsafe {
            let api = tesseract_sys::TessBaseAPICreate();
            if api.is_null() {
                return None;
            }
            let rc = tesseract_sys::TessBaseAPIInit3(api, std::ptr::null(), c"osd".as_ptr());
            if rc != 0 {
                tesseract_sys::TessBaseAPIDelete(api);
                return None;
            }
            tesseract_sys::TessBaseAPISetPageSegMode(
                api,
                tesseract_sys::TessPageSegMode_PSM_OSD_ONLY,
            );
            Some(Osd(api))
        }
    }

    /// Clockwise rotation of the text in degrees and the detector's confidence.
    pub fn detect(&mut self, image: &GrayImage) -> Option<(u32, f32)> {
        let (w, h) = image.dimensions();
        if w < 32 || h < 32 {
            return None;
        }
        let mut deg: std::os::raw::c_int = 0;
        let mut conf: f32 = 0.0;
        let mut script: *const std::os::raw::c_char = std::ptr::null();
        let mut script_conf: f32 = 0.0;
        // SAFETY: the image buffer outlives the call (SetImage copies it into a Pix), the
        // out-pointers point at locals, and the script name points into tesseract's own
        // tables (not freed by us).
        let ok = unsafe {
            tesseract_sys::TessBaseAPISetImage(
                self.0,
                image.as_raw().as_ptr(),
                w as i32,
                h as i32,
                1,
                w as i32,
            );
            let ok = tesseract_sys::TessBaseAPIDetectOrientationScript(
                self.0,
                &mut deg,
                &mut conf,
                &mut script,
                &mut script_conf,
            );
            tesseract_sys::TessBaseAPIClear(self.0);
            ok
        };
        (ok != 0 && matches!(deg, 0 | 90 | 180 | 270)).then_some((deg as u32, conf))
    }
}

impl Drop for Osd {
    fn drop(&mut self) {
        // SAFETY: the handle came from TessBaseAPICreate and is deleted once.
        unsafe {
            tesseract_sys::TessBaseAPIEnd(self.0);
            tesseract_sys::TessBaseAPIDelete(self.0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tsv_rows_become_words() {
        let tsv = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n\
                   1\t1\t0\t0\t0\t0\t0\t0\t1000\t600\t-1\t\n\
                   5\t1\t2\t1\t1\t1\t56\t200\t120\t40\t96.5\tJan\n\
                   5\t1\t2\t1\t1\t2\t190\t200\t200\t40\t91\tJansen\n\
                   5\t1\t3\t1\t1\t1\t56\t300\t120\t20\t-1\t \n\
                   5\tbad\n";
        let words = parse_tsv(tsv);
        assert_eq!(words.len(), 2, "{words:?}");
        assert_eq!(words[1].text, "Jansen");
        assert_eq!(
            (words[1].left, words[1].top, words[1].width, words[1].height),
            (190, 200, 200, 40)
        );
        assert_eq!(words[0].line, words[1].line);
        assert_eq!(words[0].conf, 96.5);
    }
}
