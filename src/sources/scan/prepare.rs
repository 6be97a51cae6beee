//! Image preparation: bytes in, one clean grey image per business card out.
//!
//! In: the bytes of an image file (JPEG, PNG, TIFF, WebP; HEIC as iPhones write it, its
//! primary image decoded by libheif with its rotation and mirroring applied; a PDF as scanners
//! write it, one image per page, taken out with `lopdf` without rendering: JPEG pages, and
//! Flate-compressed or raw grey, RGB, CMYK and black-and-white pages). Out: [`Page`]s, each with the cards found on it as 8-bit
//! grey images at about 300 dpi (the long side of a card ≈ 1100 pixels), straightened (the
//! perspective of a photo corrected from the card's corners, small skew from the text lines)
//! and with uneven light flattened. Several cards on one flatbed scan give several images, in
//! reading order.
//!
//! Hostile input is refused before it costs memory: the dimensions are read from the header
//! and checked against [`MAX_PIXELS`] before anything is decoded, and the decoder runs with
//! allocation limits, so a 30 000 × 30 000 PNG or a decompression bomb gives a
//! [`PrepareError`], never an out-of-memory abort. The decoded size the header announces
//! (pixels × bytes per pixel) is checked too, and a JPEG cut off before its end-of-image
//! marker is refused (the decoder would fill the missing part with grey and say nothing). A
//! HEIC's size comes from libheif's image handle before decoding, and libheif parses it under
//! its own security limits, tightened to ours.
//!
//! What it does not do: no OCR, so the quarter-turn orientation (0/90/180/270) is left to the
//! engine's orientation detection (`ocr`); no image of a HEIC but the primary one (not the
//! burst, depth map or thumbnails beside it); no HEIC sequences or AVIF.

use image::{DynamicImage, GrayImage, ImageDecoder, ImageReader, Luma};
use imageproc::geometric_transformations::Projection;
use std::io::Cursor;

/// Images with more pixels are refused: 50 megapixels is twice what phones write by default.
pub const MAX_PIXELS: u64 = 50_000_000;
/// Neither side may exceed this.
pub const MAX_SIDE: u32 = 20_000;
/// What the decoder may allocate for one image: a 50-megapixel RGB photo (150 MB) fits, a
/// bomb of 16-bit RGBA at the pixel limit (400 MB) does not. With the grey copy and the
/// thumbnail made from it, one worker's image memory stays under about 250 MB.
pub const MAX_ALLOC: u64 = 200 << 20;
/// The long side of a prepared card: 85 mm at about 330 dpi.
pub const CARD_LONG_SIDE: u32 = 1100;
/// A whole image that holds no separable card is scaled down to this long side at most.
const WHOLE_LONG_SIDE: u32 = 2400;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PrepareError {
    #[error("empty file")]
    Empty,
    #[error("image has no pixels ({width} × {height})")]
    ZeroSize { width: u32, height: u32 },
    #[error(
        "image of {width} × {height} pixels is over the limit of {} megapixels (a decompression bomb or an oversized scan); skipped",
        MAX_PIXELS / 1_000_000
    )]
    TooLarge { width: u32, height: u32 },
    #[error(
        "image of {width} × {height} pixels would take {megabytes} MB decoded, over the limit of {} MB (a decompression bomb?); skipped",
        MAX_ALLOC >> 20
    )]
    TooDeep {
        width: u32,
        height: u32,
        megabytes: u64,
    },
    #[error("not a readable image: {0}")]
    Decode(String),
    #[error("{0}")]
    Unsupported(String),
}

/// One page of an input file with the cards found on it.
#[derive(Debug, Clone)]
pub struct Page {
    pub cards: Vec<Prepared>,
}

/// One card, ready for OCR.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// Grey, straightened, light flattened; about 300 dpi.
    pub image: GrayImage,
    /// Whether the card was cut out of a larger picture (false: the whole picture is used).
    pub cropped: bool,
    /// The small skew that was corrected, in degrees.
    pub skew: f32,
}

/// Decode `bytes` and prepare every card on every page.
pub fn pages(bytes: &[u8]) -> Result<Vec<Page>, PrepareError> {
    decode_pages(bytes).map(|images| {
        images
            .into_iter()
            .map(|image| Page {
                cards: cards(&image),
            })
            .collect()
    })
}

/// Decode `bytes` into page images, refusing what is too large before decoding it.
pub fn decode_pages(bytes: &[u8]) -> Result<Vec<DynamicImage>, PrepareError> {
    if bytes.is_empty() {
        return Err(PrepareError::Empty);
    }
    if bytes.starts_with(b"%PDF-") {
        return pdf_pages(bytes);
    }
    if is_heif(bytes) {
        return decode_heif(bytes).map(|img| vec![img]);
    }
    decode(bytes).map(|img| vec![img])
}

/// Decode one raster image with limits.
pub fn decode(bytes: &[u8]) -> Result<DynamicImage, PrepareError> {
    let limits = || {
        let mut l = image::Limits::default();
        l.max_image_width = Some(MAX_SIDE);
        l.max_image_height = Some(MAX_SIDE);
        l.max_alloc = Some(MAX_ALLOC);
        l
    };
    let reader = || -> Result<ImageReader<Cursor<&[u8]>>, PrepareError> {
        let r = ImageReader::new(Cursor::new(bytes))
            .with_guessed_format()
            .map_err(|e| PrepareError::Decode(e.to_string()))?;
        if r.format().is_none() {
            return Err(PrepareError::Decode("unknown image format".to_string()));
        }
        Ok(r)
    };
    // The header first: refuse by size before any pixel buffer exists. The pixel count alone
    // does not bound memory (a 7000 × 7000 PNG of 16-bit RGBA is 392 MB decoded), so the
    // decoded size the header announces is checked as well.
    let mut probe = reader()?;
    probe.no_limits();
    let decoder = probe
        .into_decoder()
        .map_err(|e| PrepareError::Decode(e.to_string()))?;
    let (width, height) = decoder.dimensions();
    let decoded = decoder.total_bytes();
    drop(decoder);
    if width == 0 || height == 0 {
        return Err(PrepareError::ZeroSize { width, height });
    }
    if u64::from(width) * u64::from(height) > MAX_PIXELS || width > MAX_SIDE || height > MAX_SIDE {
        return Err(PrepareError::TooLarge { width, height });
    }
    if decoded > MAX_ALLOC {
        return Err(PrepareError::TooDeep {
            width,
            height,
            megabytes: decoded >> 20,
        });
    }
    // The JPEG decoder fills what is missing from a cut-off file with grey and reports
    // nothing; half a card would then be read as if it were the whole card.
    if bytes.starts_with(b"\xFF\xD8") && !jpeg_is_complete(bytes) {
        return Err(PrepareError::Decode(
            "truncated JPEG (the data ends before its end-of-image marker; copy the file again)"
                .to_string(),
        ));
    }
    let mut r = reader()?;
    r.limits(limits());
    r.decode().map_err(|e| match e {
        image::ImageError::Limits(_) => PrepareError::TooLarge { width, height },
        e => PrepareError::Decode(e.to_string()),
    })
}

/// Whether a JPEG reaches the end-of-image marker of its primary image: walk the marker
/// segments (skipping each by its length, so an EXIF thumbnail's own markers are not seen),
/// and through each scan's entropy-coded data, where a 0xFF byte is always followed by 0x00 or
/// a restart marker unless a new marker begins. Data after the end (phones append a second
/// image or a video) does not matter.
fn jpeg_is_complete(bytes: &[u8]) -> bool {
    let mut i = 2;
    loop {
        // Fill bytes (0xFF repeated) may come before a marker.
        while bytes.get(i) == Some(&0xFF) && bytes.get(i + 1) == Some(&0xFF) {
            i += 1;
        }
        let (Some(&0xFF), Some(&marker)) = (bytes.get(i), bytes.get(i + 1)) else {
            return false;
        };
        i += 2;
        match marker {
            0xD9 => return true,
            // Markers without a length.
            0x01 | 0xD0..=0xD7 => continue,
            _ => {}
        }
        let Some(len) = bytes
            .get(i..i + 2)
            .map(|b| usize::from(u16::from_be_bytes([b[0], b[1]])))
        else {
            return false;
        };
        if len < 2 {
            return false;
        }
        i += len;
        if marker == 0xDA {
            // Entropy-coded data up to the next real marker.
            loop {
                match (bytes.get(i), bytes.get(i + 1)) {
                    (Some(&0xFF), Some(&next))
                        if next != 0x00 && !(0xD0..=0xD7).contains(&next) =>
                    {
                        break
                    }
                    (Some(_), Some(_)) => i += 1,
                    _ => return false,
                }
            }
        }
    }
}

/// The page images of a PDF as scanners write them: one image per page (the largest where a
/// page has several), in page order. JPEG pages (`DCTDecode`) go through [`decode`] with its
/// limits; raw pages (`FlateDecode` or uncompressed; grey, RGB or CMYK at 8 bits, or 1-bit
/// black and white) are inflated with a bound of [`MAX_ALLOC`]. Pages without an image (text,
/// vector drawings) are not rendered: a PDF without any page image is refused with a message.
fn pdf_pages(bytes: &[u8]) -> Result<Vec<DynamicImage>, PrepareError> {
    let doc = lopdf::Document::load_mem(bytes)
        .map_err(|e| PrepareError::Decode(format!("not a readable PDF: {e}")))?;
    let mut out = Vec::new();
    let mut textual = 0;
    for (number, page) in doc.get_pages() {
        let images = doc
            .get_page_images(page)
            .map_err(|e| PrepareError::Decode(format!("PDF page {number}: {e}")))?;
        let Some(largest) = images
            .iter()
            .max_by_key(|i| i.width.saturating_mul(i.height))
        else {
            textual += 1;
            continue;
        };
        let image = pdf_image(&doc, largest)
            .map_err(|e| PrepareError::Decode(format!("PDF page {number}: {e}")))?;
        out.push(image);
    }
    if out.is_empty() {
        return Err(PrepareError::Unsupported(format!(
            "PDF without page images ({textual} page(s) of text or drawings; only scanned pages are read)"
        )));
    }
    Ok(out)
}

/// One PDF image XObject as pixels.
fn pdf_image(
    doc: &lopdf::Document,
    img: &lopdf::xobject::PdfImage,
) -> Result<DynamicImage, String> {
    let filters = img.filters.clone().unwrap_or_default();
    let (w, h) = (
        u32::try_from(img.width).map_err(|_| "negative image width".to_string())?,
        u32::try_from(img.height).map_err(|_| "negative image height".to_string())?,
    );
    if w == 0 || h == 0 {
        return Err(PrepareError::ZeroSize {
            width: w,
            height: h,
        }
        .to_string());
    }
    if u64::from(w) * u64::from(h) > MAX_PIXELS || w > MAX_SIDE || h > MAX_SIDE {
        return Err(PrepareError::TooLarge {
            width: w,
            height: h,
        }
        .to_string());
    }
    match filters.as_slice() {
        [f] if f == "DCTDecode" => return decode(img.content).map_err(|e| e.to_string()),
        [] => {}
        [f] if f == "FlateDecode" => {}
        other => {
            return Err(format!(
            "page image compressed with {} is not read (scan to JPEG or to PDF with JPEG pages)",
            other.join(" + ")
        ))
        }
    }
    let stream = doc
        .get_object(img.id)
        .and_then(|o| o.as_stream())
        .map_err(|e| e.to_string())?;
    let data = if filters.is_empty() {
        stream.content.clone()
    } else {
        stream
            .decompressed_content_with_limit(MAX_ALLOC as usize)
            .map_err(|e| e.to_string())?
    };
    let bits = img.bits_per_component.unwrap_or(8);
    let pixels = w as usize * h as usize;
    let too_short = || format!("page image data too short for {w} × {h} pixels");
    let gray = match bits {
        1 => {
            // Scanners' black-and-white pages: rows padded to whole bytes, 1 is white unless
            // a /Decode array says otherwise (the only form of it handled here: [1 0]).
            let row = (w as usize).div_ceil(8);
            if data.len() < row * h as usize {
                return Err(too_short());
            }
            let inverted = matches!(
                img.origin_dict.get(b"Decode").and_then(|d| d.as_array()),
                Ok(a) if a.first().and_then(|v| v.as_float().ok()) == Some(1.0)
            );
            GrayImage::from_fn(w, h, |x, y| {
                let byte = data[y as usize * row + x as usize / 8];
                let white = (byte >> (7 - x % 8)) & 1 == 1;
                Luma([if white != inverted { 255 } else { 0 }])
            })
        }
        8 => {
            let components = data.len() / pixels;
            if !matches!(components, 1 | 3 | 4) {
                return Err(format!(
                    "page image of {w} × {h} pixels has {} bytes, not 1, 3 or 4 per pixel",
                    data.len()
                ));
            }
            let cmyk = components == 4;
            GrayImage::from_fn(w, h, |x, y| {
                let i = (y as usize * w as usize + x as usize) * components;
                let p = &data[i..i + components];
                let v = match p {
                    [g] => u32::from(*g),
                    [r, g, b] => {
                        (u32::from(*r) * 299 + u32::from(*g) * 587 + u32::from(*b) * 114) / 1000
                    }
                    [c, m, y, k] if cmyk => {
                        let rgb = |c: u8| u32::from(255 - c) * u32::from(255 - *k) / 255;
                        (rgb(*c) * 299 + rgb(*m) * 587 + rgb(*y) * 114) / 1000
                    }
                    _ => 255,
                };
                Luma([v.min(255) as u8])
            })
        }
        other => {
            return Err(format!(
                "page image with {other} bits per component is not read"
            ))
        }
    };
    Ok(DynamicImage::ImageLuma8(gray))
}

// ---------------------------------------------------------------------------------------------
// HEIC (HEIF with HEVC-coded images), as iPhones write their photos

/// Whether `bytes` begin as a HEIF file: an ISO base media `ftyp` box whose major brand is
/// one of HEIF's still-image (or image-sequence) brands. The same brands `discover` sniffs.
pub fn is_heif(bytes: &[u8]) -> bool {
    bytes.len() >= 12
        && &bytes[4..8] == b"ftyp"
        && matches!(
            &bytes[8..12],
            b"heic" | b"heix" | b"mif1" | b"msf1" | b"heim" | b"heis"
        )
}

/// What libheif may allocate for one file (its own accounting, on top of our pixel checks):
/// the 4:2:0 planes (1.5 bytes a pixel, 3 at 10 bits) and the RGB image (3 bytes a pixel) of
/// a photo at [`MAX_PIXELS`] both live at once during the colour conversion.
const HEIF_MAX_MEMORY: u64 = 2 * MAX_ALLOC;

/// libheif initialised once for the process (`heif_init` is reference-counted; holding one
/// reference forever keeps its decoders registered between files).
fn libheif() -> &'static libheif_rs::LibHeif {
    static LIBHEIF: std::sync::OnceLock<libheif_rs::LibHeif> = std::sync::OnceLock::new();
    LIBHEIF.get_or_init(libheif_rs::LibHeif::new)
}

/// A libheif error as our message: libheif's own text (it names what is wrong with the file),
/// or its error codes where it gives none.
fn heif_message(err: &libheif_rs::HeifError) -> String {
    if err.message.trim().is_empty() {
        format!("{:?} ({:?})", err.code, err.sub_code)
    } else {
        err.message.trim().to_string()
    }
}

/// Parse a HEIF file's boxes (no pixels yet) under libheif's security limits, tightened to
/// ours: at most [`MAX_PIXELS`] per image, [`MAX_ALLOC`] per memory block and
/// [`HEIF_MAX_MEMORY`] in all. Our own check of the primary image's size comes first (libheif
/// parses a header claiming 30 000 × 30 000 without complaint and applies its pixel limit when
/// decoding); its limits are the second line, for what the handle does not show (the tiles of
/// a grid image, item counts, metadata and colour profile sizes).
fn heif_context(bytes: &[u8]) -> Result<libheif_rs::HeifContext<'_>, PrepareError> {
    let _ = libheif();
    let not_readable = |e: libheif_rs::HeifError| {
        PrepareError::Decode(format!(
            "damaged or cut-off HEIC file ({})",
            heif_message(&e)
        ))
    };
    let mut ctx = libheif_rs::HeifContext::new().map_err(not_readable)?;
    let mut limits = ctx.security_limits();
    limits.set_max_image_size_pixels(MAX_PIXELS);
    limits.set_max_total_memory(HEIF_MAX_MEMORY);
    limits.set_max_memory_block_size(MAX_ALLOC);
    ctx.set_security_limits(&limits).map_err(not_readable)?;
    // One decoding thread per file: the files are already decoded one per rayon worker, as
    // tesseract runs one thread per worker (DESIGN.md's OpenMP note); more would oversubscribe.
    ctx.set_max_decoding_threads(1);
    ctx.read_bytes(bytes).map_err(|e| {
        if matches!(e.sub_code, libheif_rs::HeifErrorSubCode::SecurityLimitExceeded) {
            PrepareError::Unsupported(format!(
                "HEIC photo over the limits (a decompression bomb or an oversized image?): {}; skipped",
                heif_message(&e)
            ))
        } else {
            not_readable(e)
        }
    })?;
    Ok(ctx)
}

/// Decode the primary image of a HEIF file to RGB, with the file's rotation, mirroring and
/// cropping (`irot`, `imir`, `clap`) applied as libheif applies them. A HEIC may hold several
/// images (a burst, a depth map, thumbnails); the primary one is the photo the phone shows,
/// and the only one read. The size is checked from the image handle (its width and height
/// are those after the transformations, from the `ispe` property) before any pixel is decoded.
fn decode_heif(bytes: &[u8]) -> Result<DynamicImage, PrepareError> {
    let ctx = heif_context(bytes)?;
    let handle = ctx.primary_image_handle().map_err(|e| {
        PrepareError::Decode(format!(
            "HEIC file without a readable primary image: {}",
            heif_message(&e)
        ))
    })?;
    let (width, height) = (handle.width(), handle.height());
    if width == 0 || height == 0 {
        return Err(PrepareError::ZeroSize { width, height });
    }
    if u64::from(width) * u64::from(height) > MAX_PIXELS || width > MAX_SIDE || height > MAX_SIDE {
        return Err(PrepareError::TooLarge { width, height });
    }
    // 8-bit RGB out, whatever the depth inside (iPhones write 8 bits, some cameras 10).
    let decoded = u64::from(width) * u64::from(height) * 3;
    if decoded > MAX_ALLOC {
        return Err(PrepareError::TooDeep {
            width,
            height,
            megabytes: decoded >> 20,
        });
    }
    let mut options = libheif_rs::DecodingOptions::new().ok_or_else(|| {
        PrepareError::Decode("HEIC decoder options could not be allocated".to_string())
    })?;
    options.set_convert_hdr_to_8bit(true);
    let image = libheif()
        .decode(
            &handle,
            libheif_rs::ColorSpace::Rgb(libheif_rs::RgbChroma::Rgb),
            Some(options),
        )
        .map_err(|e| {
            PrepareError::Decode(format!("HEIC image not decodable: {}", heif_message(&e)))
        })?;
    let plane = image
        .planes()
        .interleaved
        .ok_or_else(|| PrepareError::Decode("HEIC decoder gave no RGB image".to_string()))?;
    let (w, h) = (plane.width, plane.height);
    let row = w as usize * 3;
    if w == 0
        || h == 0
        || plane.stride < row
        || plane.data.len() < plane.stride * (h as usize - 1) + row
    {
        return Err(PrepareError::Decode(format!(
            "HEIC decoder gave an RGB image of {w} × {h} pixels with too little data"
        )));
    }
    let mut rgb = Vec::with_capacity(row * h as usize);
    for y in 0..h as usize {
        rgb.extend_from_slice(&plane.data[y * plane.stride..y * plane.stride + row]);
    }
    image::RgbImage::from_raw(w, h, rgb)
        .map(DynamicImage::ImageRgb8)
        .ok_or_else(|| PrepareError::Decode("HEIC image of inconsistent size".to_string()))
}

/// The EXIF of a HEIF file's primary image as TIFF data (`II*\0` or `MM\0*` first), for the
/// same EXIF reader the JPEGs go through; `None` without one or when the file does not parse.
/// libheif gives the `Exif` item as stored (ISO/IEC 23008-12, A.2.1): a 4-byte big-endian
/// offset from its end to the TIFF header (0 from most writers, 6 where an `Exif\0\0` prefix
/// was kept), then the data.
pub fn heif_exif(bytes: &[u8]) -> Option<Vec<u8>> {
    let ctx = heif_context(bytes).ok()?;
    let handle = ctx.primary_image_handle().ok()?;
    let mut ids = [0; 4];
    let count = handle.metadata_block_ids(&mut ids, b"Exif");
    ids.iter().take(count).find_map(|&id| {
        let block = handle.metadata(id).ok()?;
        let offset = usize::try_from(u32::from_be_bytes(block.get(..4)?.try_into().ok()?)).ok()?;
        let tiff = block.get(4usize.checked_add(offset)?..)?;
        (tiff.starts_with(b"II*\0") || tiff.starts_with(b"MM\0*")).then(|| tiff.to_vec())
    })
}

// ---------------------------------------------------------------------------------------------
// Finding cards

type Quad = [(f32, f32); 4];

/// Cut every card out of `image`, or use the whole image when no card stands out from its
/// background (a scan cropped to the card, a card on a white scanner lid).
pub fn cards(image: &DynamicImage) -> Vec<Prepared> {
    let quads = find_cards(image);
    let gray = luma(image);
    if quads.is_empty() {
        let gray = shrink(gray, WHOLE_LONG_SIDE);
        let gray = if median(&gray) < 110 {
            invert(gray)
        } else {
            gray
        };
        let skew = skew_angle(&gray);
        let gray = if skew.abs() >= 0.3 {
            let (w, h) = gray.dimensions();
            warp_gray(&gray, &rotation(w, h, skew), w, h)
        } else {
            gray
        };
        return vec![Prepared {
            image: normalise(&gray),
            cropped: false,
            skew,
        }];
    }
    quads
        .iter()
        .map(|q| {
            let (to_source, w, h) = rectification(q);
            let card = warp_gray(&gray, &to_source, w, h);
            let card = if median(&card) < 110 {
                invert(card)
            } else {
                card
            };
            // The corners leave a little skew where the card's edge was blurred or shadowed;
            // below a degree tesseract copes, above it the card is cut again, turned.
            let skew = skew_angle(&card);
            let card = if skew.abs() >= 0.8 {
                let again = warp_gray(&gray, &(to_source * rotation(w, h, skew)), w, h);
                if median(&again) < 110 {
                    invert(again)
                } else {
                    again
                }
            } else {
                card
            };
            Prepared {
                image: normalise(&card),
                cropped: true,
                skew,
            }
        })
        .collect()
}

/// The picture in grey: for 8-bit RGB (what JPEG photos and scans decode to) in one integer
/// pass with the Rec. 709 weights `image` uses, without its colour-space machinery, which took
/// more time than any other step of the preparation (BENCH-SCAN.md); other layouts through
/// `image`.
pub fn luma(image: &DynamicImage) -> GrayImage {
    let DynamicImage::ImageRgb8(rgb) = image else {
        return image.to_luma8();
    };
    let grey: Vec<u8> = rgb
        .as_raw()
        .chunks_exact(3)
        .map(|p| {
            let l = 2126 * u32::from(p[0]) + 7152 * u32::from(p[1]) + 722 * u32::from(p[2]);
            (l / 10_000) as u8
        })
        .collect();
    GrayImage::from_raw(rgb.width(), rgb.height(), grey).expect("one byte per RGB pixel")
}

/// An RGB picture shrunk so that its long side is `long` at most, each pixel the mean of the
/// block of source pixels it covers (integer box filter; `image`'s `thumbnail` does the same
/// with fractional coverage in floating point, several times slower on this path).
pub fn box_thumbnail(img: &image::RgbImage, long: u32) -> image::RgbImage {
    let (w, h) = img.dimensions();
    if w.max(h) <= long || w == 0 || h == 0 {
        return img.clone();
    }
    let (tw, th) = if w >= h {
        (
            long,
            ((u64::from(h) * u64::from(long) + u64::from(w) / 2) / u64::from(w)).max(1) as u32,
        )
    } else {
        (
            ((u64::from(w) * u64::from(long) + u64::from(h) / 2) / u64::from(h)).max(1) as u32,
            long,
        )
    };
    // Source column range of each output column.
    let xs: Vec<(usize, usize)> = (0..tw)
        .map(|x| {
            let a = (u64::from(x) * u64::from(w) / u64::from(tw)) as usize;
            let b = ((u64::from(x + 1) * u64::from(w) / u64::from(tw)) as usize).max(a + 1);
            (a, b.min(w as usize))
        })
        .collect();
    let src = img.as_raw();
    let stride = w as usize * 3;
    let mut out = Vec::with_capacity(tw as usize * th as usize * 3);
    let mut sums = vec![0u32; tw as usize * 3];
    for y in 0..th {
        let y0 = (u64::from(y) * u64::from(h) / u64::from(th)) as usize;
        let y1 = ((u64::from(y + 1) * u64::from(h) / u64::from(th)) as usize)
            .max(y0 + 1)
            .min(h as usize);
        sums.iter_mut().for_each(|v| *v = 0);
        for row in src[y0 * stride..y1 * stride].chunks_exact(stride) {
            for (o, &(a, b)) in xs.iter().enumerate() {
                let (mut r, mut g, mut bl) = (0u32, 0u32, 0u32);
                for p in row[a * 3..b * 3].chunks_exact(3) {
                    r += u32::from(p[0]);
                    g += u32::from(p[1]);
                    bl += u32::from(p[2]);
                }
                sums[o * 3] += r;
                sums[o * 3 + 1] += g;
                sums[o * 3 + 2] += bl;
            }
        }
        for (o, &(a, b)) in xs.iter().enumerate() {
            let n = ((b - a) * (y1 - y0)) as u32;
            for c in 0..3 {
                out.push(((sums[o * 3 + c] + n / 2) / n) as u8);
            }
        }
    }
    image::RgbImage::from_raw(tw, th, out).expect("three bytes per thumbnail pixel")
}

/// Output → source mapping that turns an image of `w` × `h` about its centre so that lines
/// falling to the right by `skew` degrees come out level.
fn rotation(w: u32, h: u32, skew: f32) -> Projection {
    let (cx, cy) = (w as f32 / 2.0, h as f32 / 2.0);
    Projection::translate(cx, cy)
        * Projection::rotate(skew.to_radians())
        * Projection::translate(-cx, -cy)
}

/// Resample `src` into a `w` × `h` image: each output pixel takes the bilinear value at its
/// pre-image under `to_source`; outside the source is white. (imageproc's `warp` does the
/// same through generic pixel access, several times slower on this hot path.)
pub fn warp_gray(src: &GrayImage, to_source: &Projection, w: u32, h: u32) -> GrayImage {
    let (sw, sh) = (src.width() as i64, src.height() as i64);
    let data = src.as_raw();
    let mut out = vec![255u8; w as usize * h as usize];
    // The mapping is evaluated every STEP pixels along a row and interpolated linearly in
    // between: over 16 pixels a card's perspective bends the pre-image by far less than a
    // hundredth of a pixel, and the 3 × 3 product with its division per pixel was most of the
    // cost of this function.
    const STEP: usize = 16;
    for (y, row) in out.chunks_mut(w.max(1) as usize).enumerate() {
        let mut anchor = (0usize, *to_source * (0.0, y as f32));
        let mut next = anchor;
        for (x, px) in row.iter_mut().enumerate() {
            if x == next.0 {
                anchor = next;
                let end = (x + STEP).min(w as usize - 1).max(x + 1);
                next = (end, *to_source * (end as f32, y as f32));
            }
            let t = (x - anchor.0) as f32 / (next.0 - anchor.0) as f32;
            let fx = anchor.1 .0 + (next.1 .0 - anchor.1 .0) * t;
            let fy = anchor.1 .1 + (next.1 .1 - anchor.1 .1) * t;
            if !(fx >= 0.0 && fy >= 0.0 && fx < (sw - 1) as f32 && fy < (sh - 1) as f32) {
                continue;
            }
            let (x0, y0) = (fx as i64, fy as i64);
            let (ax, ay) = (fx - x0 as f32, fy - y0 as f32);
            let i = (y0 * sw + x0) as usize;
            let (a, b) = (f32::from(data[i]), f32::from(data[i + 1]));
            let (c, d) = (
                f32::from(data[i + sw as usize]),
                f32::from(data[i + sw as usize + 1]),
            );
            let top = a + (b - a) * ax;
            let bottom = c + (d - c) * ax;
            *px = (top + (bottom - top) * ay + 0.5) as u8;
        }
    }
    GrayImage::from_raw(w, h, out).expect("the buffer has w × h bytes")
}

fn shrink(gray: GrayImage, long: u32) -> GrayImage {
    let (w, h) = gray.dimensions();
    if w.max(h) <= long {
        return gray;
    }
    let k = long as f32 / w.max(h) as f32;
    image::imageops::resize(
        &gray,
        ((w as f32 * k) as u32).max(1),
        ((h as f32 * k) as u32).max(1),
        image::imageops::FilterType::Triangle,
    )
}

/// The long side of the copy in which cards are looked for.
const THUMB: u32 = 400;

/// Card corners in full-resolution coordinates, in reading order; empty when the picture is
/// the card.
pub fn find_cards(image: &DynamicImage) -> Vec<Quad> {
    let thumb = match image {
        DynamicImage::ImageRgb8(rgb) => box_thumbnail(rgb, THUMB),
        other => other.thumbnail(THUMB, THUMB).to_rgb8(),
    };
    let (tw, th) = thumb.dimensions();
    if tw < 32 || th < 32 {
        return Vec::new();
    }
    let (distance, typical, level) = background_distance(&thumb);
    let first = (typical * 3.0 + 25.0).clamp(40.0, 100.0);
    let mut quads = regions(&distance, first, tw, th);
    // A dark card (navy, 25/35/70) on a dark lid (grey 50) differs from it by about 35, under
    // the first threshold, which is set for light cards on wood or cloth: it was no region, or
    // only its coloured band was, and the card was lost with everything on it. A second,
    // lower threshold, still far above the lid's noise, adds the regions that are cards and
    // overlap none found already (a light card's shadow grows it there, and is left out).
    // Only on a dark background: on a white lid the lower threshold turns a tinted card that
    // was read whole into a crop, which changed the OCR of plain scans either way.
    //
    // Where the lid's light is uneven, the border strip's typical distance is its unevenness,
    // not its grain, and even the second threshold can sit above a navy card (63 against 35
    // on a development page): a third, lower threshold follows (half the second, not
    // under 20), adding only regions of card shape that overlap none found and whose sides are
    // a step ([`edge_step`]): at such a threshold a patterned tablecloth makes card-shaped
    // blobs too, which fade out.
    let second = (typical * 3.0 + 15.0).clamp(20.0, 100.0);
    if level < DARK_BACKGROUND && second + 5.0 <= first {
        let third = (second * 0.5).max(LEAST_THRESHOLD);
        let lower = (third + 5.0 <= second).then_some(third);
        for threshold in std::iter::once(second).chain(lower) {
            let more: Vec<Quad> = regions(&distance, threshold, tw, th)
                .into_iter()
                .filter(|q| !quads.iter().any(|f| boxes_overlap(f, q)))
                .filter(|q| threshold >= second || edge_step(&distance, tw, th, q) >= EDGE_STEP)
                .collect();
            quads.extend(more);
        }
    }
    // Reading order: rows by the centre's height, then left to right.
    let centre = |q: &Quad| {
        (
            q.iter().map(|p| p.0).sum::<f32>() / 4.0,
            q.iter().map(|p| p.1).sum::<f32>() / 4.0,
        )
    };
    quads.sort_by(|a, b| centre(a).1.total_cmp(&centre(b).1));
    let mut rows: Vec<Vec<Quad>> = Vec::new();
    for q in quads {
        let (_, cy) = centre(&q);
        let (_, v) = sides(&q);
        match rows.last_mut() {
            Some(row)
                if row
                    .first()
                    .is_some_and(|r| (centre(r).1 - cy).abs() < v / 2.0) =>
            {
                row.push(q)
            }
            _ => rows.push(vec![q]),
        }
    }
    let sx = image.width() as f32 / tw as f32;
    let sy = image.height() as f32 / th as f32;
    rows.into_iter()
        .flat_map(|mut row| {
            row.sort_by(|a, b| centre(a).0.total_cmp(&centre(b).0));
            row
        })
        .map(|q| q.map(|(x, y)| ((x + 0.5) * sx, (y + 0.5) * sy)))
        .collect()
}

/// The card regions of a mask: the pixels whose distance from the background is over
/// `threshold`, closed (a card's light edge and text mended) and opened (specks gone), as
/// corner quads in thumbnail coordinates, in label order. A region that is no card shape but
/// large enough for two is tried as cards laid edge to edge ([`split_touching`], then
/// [`split_stacked`]).
fn regions(distance: &[f32], threshold: f32, tw: u32, th: u32) -> Vec<Quad> {
    let mask = GrayImage::from_fn(tw, th, |x, y| {
        let d = distance[y as usize * tw as usize + x as usize];
        Luma([if d > threshold { 255 } else { 0 }])
    });
    let radius = (tw.min(th) / 100).clamp(2, 6) as u8;
    let mask =
        imageproc::morphology::close(&mask, imageproc::distance_transform::Norm::LInf, radius);
    let mask = imageproc::morphology::open(&mask, imageproc::distance_transform::Norm::LInf, 2);
    let labels = imageproc::region_labelling::connected_components(
        &mask,
        imageproc::region_labelling::Connectivity::Eight,
        Luma([0u8]),
    );
    let mut stats: std::collections::BTreeMap<u32, Stats> = Default::default();
    for (x, y, l) in labels.enumerate_pixels() {
        let l = l[0];
        if l != 0 {
            stats
                .entry(l)
                .and_modify(|s| s.add(x, y))
                .or_insert_with(|| Stats::new(x, y));
        }
    }
    let total = (tw * th) as f32;
    let mut quads = Vec::new();
    for (&l, s) in &stats {
        if let Some(q) = card_quad(s, tw, th) {
            quads.push(q);
        } else if s.area as f32 >= 2.0 * MIN_CARD_SHARE * total && s.touches(tw, th) < 2 {
            let mut split = split_touching(&labels, l, s, tw, th);
            if split.is_empty() {
                split = split_stacked(&labels, l, s, (distance, threshold), tw, th);
            }
            quads.extend(split);
        }
    }
    quads
}

/// Whether the bounding boxes of two quads overlap.
fn boxes_overlap(a: &Quad, b: &Quad) -> bool {
    let bounds = |q: &Quad| {
        q.iter().fold(
            (f32::MAX, f32::MAX, f32::MIN, f32::MIN),
            |(x0, y0, x1, y1), &(x, y)| (x0.min(x), y0.min(y), x1.max(x), y1.max(y)),
        )
    };
    let (a, b) = (bounds(a), bounds(b));
    a.0 <= b.2 && b.0 <= a.2 && a.1 <= b.3 && b.1 <= a.3
}

/// How sharply a quad stands out from what is around it: for each side, the mean distance from
/// the background a few pixels inside minus a few pixels outside, the least of the four. A
/// card's edge is a step; a blob of uneven light or a pattern on a tablecloth fades out.
fn edge_step(distance: &[f32], tw: u32, th: u32, q: &Quad) -> f32 {
    const OFF: f32 = 3.0;
    let centre = (
        q.iter().map(|p| p.0).sum::<f32>() / 4.0,
        q.iter().map(|p| p.1).sum::<f32>() / 4.0,
    );
    let at = |x: f32, y: f32| {
        let (x, y) = (x.round(), y.round());
        (x >= 0.0 && y >= 0.0 && x < tw as f32 && y < th as f32)
            .then(|| distance[y as usize * tw as usize + x as usize])
    };
    (0..4)
        .map(|i| {
            let (a, b) = (q[i], q[(i + 1) % 4]);
            let len = dist(a, b).max(1.0);
            // The side's normal, pointing away from the centre.
            let mut n = ((b.1 - a.1) / len, (a.0 - b.0) / len);
            let mid = ((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0);
            if (mid.0 - centre.0) * n.0 + (mid.1 - centre.1) * n.1 < 0.0 {
                n = (-n.0, -n.1);
            }
            let (mut inside, mut outside, mut count) = (0.0, 0.0, 0.0);
            for k in 1..10 {
                let t = k as f32 / 10.0;
                let p = (a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t);
                let (i, o) = (
                    at(p.0 - n.0 * OFF, p.1 - n.1 * OFF),
                    at(p.0 + n.0 * OFF, p.1 + n.1 * OFF),
                );
                if let (Some(i), Some(o)) = (i, o) {
                    inside += i;
                    outside += o;
                    count += 1.0;
                }
            }
            if count == 0.0 {
                0.0
            } else {
                (inside - outside) / count
            }
        })
        .fold(f32::MAX, f32::min)
}

/// The least [`edge_step`] of a card found below the second threshold (the navy cards of the
/// development pages: 29 and 35; blobs of a patterned tablecloth: 0).
const EDGE_STEP: f32 = 15.0;

/// The lowest third threshold (distance from the background) at which cards are looked for on
/// a dark lid.
const LEAST_THRESHOLD: f32 = 20.0;

/// A background darker than this (mean grey of the border strip) is a dark lid or table, on
/// which cards are looked for a second time with a lower threshold.
const DARK_BACKGROUND: f32 = 160.0;

/// The smallest card, as a share of the picture's area.
const MIN_CARD_SHARE: f32 = 0.015;

/// One region of the card mask: its area, its extreme corners (the pixel that maximises
/// −x−y, x−y, x+y, −x+y: with the sum or difference as the key) and its bounding box.
#[derive(Debug, Clone, Copy)]
struct Stats {
    area: u32,
    tl: (f32, f32, f32),
    tr: (f32, f32, f32),
    br: (f32, f32, f32),
    bl: (f32, f32, f32),
    min_x: u32,
    min_y: u32,
    max_x: u32,
    max_y: u32,
}

impl Stats {
    fn new(x: u32, y: u32) -> Stats {
        let (fx, fy) = (x as f32, y as f32);
        Stats {
            area: 1,
            tl: (fx + fy, fx, fy),
            tr: (fx - fy, fx, fy),
            br: (fx + fy, fx, fy),
            bl: (fx - fy, fx, fy),
            min_x: x,
            min_y: y,
            max_x: x,
            max_y: y,
        }
    }

    fn add(&mut self, x: u32, y: u32) {
        let (fx, fy) = (x as f32, y as f32);
        self.area += 1;
        if fx + fy < self.tl.0 {
            self.tl = (fx + fy, fx, fy);
        }
        if fx - fy > self.tr.0 {
            self.tr = (fx - fy, fx, fy);
        }
        if fx + fy > self.br.0 {
            self.br = (fx + fy, fx, fy);
        }
        if fx - fy < self.bl.0 {
            self.bl = (fx - fy, fx, fy);
        }
        self.min_x = self.min_x.min(x);
        self.min_y = self.min_y.min(y);
        self.max_x = self.max_x.max(x);
        self.max_y = self.max_y.max(y);
    }

    /// How many sides of a `tw` × `th` picture the region touches.
    fn touches(&self, tw: u32, th: u32) -> usize {
        [
            self.min_x == 0,
            self.min_y == 0,
            self.max_x + 1 >= tw,
            self.max_y + 1 >= th,
        ]
        .iter()
        .filter(|t| **t)
        .count()
    }
}

/// The corners of a region that is one card: large enough, not the background (touching two
/// sides of the picture or filling nearly all of it), filling its corner quad, and shaped
/// like a card (long side 1.2 to 2.2 times the short one).
fn card_quad(s: &Stats, tw: u32, th: u32) -> Option<Quad> {
    let total = (tw * th) as f32;
    let area = s.area as f32;
    if area < MIN_CARD_SHARE * total || area > 0.92 * total || s.touches(tw, th) >= 2 {
        return None;
    }
    let q: Quad = [
        (s.tl.1, s.tl.2),
        (s.tr.1, s.tr.2),
        (s.br.1, s.br.2),
        (s.bl.1, s.bl.2),
    ];
    let qa = quad_area(&q);
    if qa <= 0.0 || area / qa < 0.8 || area / qa > 1.25 {
        return None;
    }
    let (horizontal, vertical) = sides(&q);
    let (long, short) = (horizontal.max(vertical), horizontal.min(vertical));
    if short < 16.0 || !(1.2..=2.2).contains(&(long / short)) {
        return None;
    }
    Some(q)
}

/// Cards laid close together on a flatbed page grow into one region of the mask (the closing
/// that mends a card's light edges bridges a narrow gap too), which is no card shape and was
/// dropped with every card in it. Such a region is eroded step by step until it falls apart
/// into two or more large pieces; each piece is grown back by as much, within the region, and
/// kept where it is a card. Nothing is returned unless at least two cards come out, so one odd
/// region (a card with a shadow, a hand) is not cut into a card and a scrap.
fn split_touching(
    labels: &image::ImageBuffer<Luma<u32>, Vec<u32>>,
    label: u32,
    s: &Stats,
    tw: u32,
    th: u32,
) -> Vec<Quad> {
    use imageproc::distance_transform::Norm;
    // A margin of one pixel so that erosion sees the region's edge on every side.
    let (x0, y0) = (i64::from(s.min_x) - 1, i64::from(s.min_y) - 1);
    let (w, h) = (s.max_x - s.min_x + 3, s.max_y - s.min_y + 3);
    let own = GrayImage::from_fn(w, h, |x, y| {
        let (sx, sy) = (i64::from(x) + x0, i64::from(y) + y0);
        let inside = sx >= 0 && sy >= 0 && sx < i64::from(tw) && sy < i64::from(th);
        Luma([
            if inside && labels.get_pixel(sx as u32, sy as u32)[0] == label {
                255
            } else {
                0
            },
        ])
    });
    let min_piece = (MIN_CARD_SHARE * (tw * th) as f32 / 4.0) as u32;
    let deepest = ((s.max_x - s.min_x).min(s.max_y - s.min_y) / 6).clamp(1, 24) as u8;
    for r in 1..=deepest {
        let eroded = imageproc::morphology::erode(&own, Norm::LInf, r);
        let parts = imageproc::region_labelling::connected_components(
            &eroded,
            imageproc::region_labelling::Connectivity::Eight,
            Luma([0u8]),
        );
        let mut areas: std::collections::BTreeMap<u32, u32> = Default::default();
        for p in parts.pixels() {
            if p[0] != 0 {
                *areas.entry(p[0]).or_default() += 1;
            }
        }
        let big: Vec<u32> = areas
            .iter()
            .filter(|(_, a)| **a >= min_piece)
            .map(|(l, _)| *l)
            .collect();
        if big.len() < 2 {
            continue;
        }
        let found: Vec<Quad> = big
            .iter()
            .filter_map(|&piece| {
                let alone = GrayImage::from_fn(w, h, |x, y| {
                    Luma([if parts.get_pixel(x, y)[0] == piece {
                        255
                    } else {
                        0
                    }])
                });
                let grown = imageproc::morphology::dilate(&alone, Norm::LInf, r);
                let mut st: Option<Stats> = None;
                for (x, y, g) in grown.enumerate_pixels() {
                    if g[0] == 0 || own.get_pixel(x, y)[0] == 0 {
                        continue;
                    }
                    let (sx, sy) = ((i64::from(x) + x0) as u32, (i64::from(y) + y0) as u32);
                    match st.as_mut() {
                        Some(st) => st.add(sx, sy),
                        None => st = Some(Stats::new(sx, sy)),
                    }
                }
                st.and_then(|st| card_quad(&st, tw, th))
            })
            .collect();
        if found.len() >= 2 {
            return found;
        }
    }
    Vec::new()
}

/// Two cards laid edge to edge along a whole side (one under the other, their sides in line):
/// no erosion parts them, as the neck between them is a card wide. The region is cut across its
/// long side at a seam: a line where the typical distance from the background (the median over
/// the line) steps (a navy card under a white one) or dips (the lid or a shadow between two
/// white ones) by at least [`SEAM`]. Of the seams between 30 % and 70 % of the length, the one
/// where both pieces are cards that fill their corner quads to within [`STACKED_FIT`] (a card
/// with a shadow or a hand on it is no two cards) and that are about the same size (cards
/// come in a few sizes), the strongest; nothing where there is none, or where the region
/// covers half the picture or more, or is not [`SOLID`] (a plain scan is one card, whose
/// blocks of text the mask's closing made solid regions, with seams between their lines).
fn split_stacked(
    labels: &image::ImageBuffer<Luma<u32>, Vec<u32>>,
    label: u32,
    s: &Stats,
    (distance, threshold): (&[f32], f32),
    tw: u32,
    th: u32,
) -> Vec<Quad> {
    if s.area as f32 >= 0.5 * (tw * th) as f32 {
        return Vec::new();
    }
    let tall = s.max_y - s.min_y >= s.max_x - s.min_x;
    let mut pixels: Vec<(u32, u32)> = Vec::with_capacity(s.area as usize);
    for y in s.min_y..=s.max_y {
        for x in s.min_x..=s.max_x {
            if labels.get_pixel(x, y)[0] == label {
                pixels.push((x, y));
            }
        }
    }
    let far = |&(x, y): &(u32, u32)| distance[(y * tw + x) as usize] > threshold;
    if (pixels.iter().filter(|p| far(p)).count() as f32) < SOLID * pixels.len() as f32 {
        return Vec::new();
    }
    let along = |&(x, y): &(u32, u32)| if tall { y } else { x };
    let (lo, hi) = if tall {
        (s.min_y, s.max_y)
    } else {
        (s.min_x, s.max_x)
    };
    let len = hi - lo;
    // The median distance of each line across the region.
    let mut lines: Vec<Vec<f32>> = vec![Vec::new(); (len + 1) as usize];
    for p in &pixels {
        lines[(along(p) - lo) as usize].push(distance[(p.1 * tw + p.0) as usize]);
    }
    let median: Vec<f32> = lines
        .into_iter()
        .map(|mut l| {
            l.sort_by(f32::total_cmp);
            l.get(l.len() / 2).copied().unwrap_or(0.0)
        })
        .collect();
    // The seam's strength just before line `c` (relative to `lo`): the step from the line
    // before to this one, or the dip of these two below the lines around them.
    let seam = |c: usize| {
        let m = |i: usize| median[i.min(median.len() - 1)];
        let step = (m(c - 1) - m(c)).abs();
        let dip = m(c - 2).min(m(c + 1)) - m(c - 1).min(m(c));
        step.max(dip)
    };
    let fill = |st: &Stats, q: &Quad| {
        let ratio = st.area as f32 / quad_area(q);
        1.0 - (ratio - 1.0).abs()
    };
    let mut best: Option<(f32, [Quad; 2])> = None;
    for cut in lo + len * 3 / 10..=lo + len * 7 / 10 {
        // The seam first: it is cheap, and most places have none.
        let strength = seam((cut - lo) as usize);
        if strength < SEAM {
            continue;
        }
        let mut halves: [Option<Stats>; 2] = [None, None];
        for p in &pixels {
            let half = &mut halves[usize::from(along(p) >= cut)];
            match half {
                Some(st) => st.add(p.0, p.1),
                None => *half = Some(Stats::new(p.0, p.1)),
            }
        }
        let [Some(a), Some(b)] = halves else {
            continue;
        };
        let (Some(qa), Some(qb)) = (card_quad(&a, tw, th), card_quad(&b, tw, th)) else {
            continue;
        };
        let sizes = a.area.max(b.area) as f32 / a.area.min(b.area) as f32;
        if sizes > 1.5 || fill(&a, &qa).min(fill(&b, &qb)) < STACKED_FIT {
            continue;
        }
        if best.as_ref().is_none_or(|(s, _)| strength > *s) {
            best = Some((strength, [qa, qb]));
        }
    }
    best.map(|(_, quads)| quads.to_vec()).unwrap_or_default()
}

/// How closely each piece of [`split_stacked`] must fill its corner quad (1 = exactly).
const STACKED_FIT: f32 = 0.9;

/// The least share of a region's pixels that stand out from the background by themselves
/// (before the mask's closing) for [`split_stacked`]: cards are card all through, a block of
/// text lines is mostly the paper between strokes.
const SOLID: f32 = 0.8;

/// The least step or dip (distance from the background) of a seam between stacked cards.
const SEAM: f32 = 20.0;

/// Each pixel's distance from the background (row by row), modelled as a plane fitted per
/// channel to a strip along the picture's border (a table, a scanner lid, with its light
/// gradient), the median distance of the border strip itself (its noise and grain), and the
/// strip's mean grey level.
fn background_distance(img: &image::RgbImage) -> (Vec<f32>, f32, f32) {
    let (w, h) = img.dimensions();
    let strip = (w.min(h) / 30).max(3);
    let mut samples: Vec<(f32, f32, [f32; 3])> = Vec::new();
    for (x, y, p) in img.enumerate_pixels() {
        if x < strip || y < strip || x >= w - strip || y >= h - strip {
            samples.push((x as f32, y as f32, [p[0] as f32, p[1] as f32, p[2] as f32]));
        }
    }
    let planes: Vec<[f32; 3]> = (0..3).map(|c| fit_plane(&samples, c)).collect();
    let bg = |x: f32, y: f32, c: usize| planes[c][0] + planes[c][1] * x + planes[c][2] * y;
    let dist = |x: f32, y: f32, p: [f32; 3]| {
        (0..3)
            .map(|c| (p[c] - bg(x, y, c)).powi(2))
            .sum::<f32>()
            .sqrt()
    };
    let mut border: Vec<f32> = samples.iter().map(|(x, y, p)| dist(*x, *y, *p)).collect();
    border.sort_by(f32::total_cmp);
    let typical = border.get(border.len() / 2).copied().unwrap_or(0.0);
    let distance = img
        .enumerate_pixels()
        .map(|(x, y, p)| dist(x as f32, y as f32, [p[0] as f32, p[1] as f32, p[2] as f32]))
        .collect();
    let level = samples
        .iter()
        .map(|(_, _, p)| (p[0] + p[1] + p[2]) / 3.0)
        .sum::<f32>()
        / samples.len().max(1) as f32;
    (distance, typical, level)
}

/// Least-squares plane `v = a + b·x + c·y` through the samples of one channel.
fn fit_plane(samples: &[(f32, f32, [f32; 3])], c: usize) -> [f32; 3] {
    let n = samples.len() as f64;
    if n < 3.0 {
        return [255.0, 0.0, 0.0];
    }
    let (mut sx, mut sy, mut sxx, mut syy, mut sxy, mut sv, mut sxv, mut syv) =
        (0f64, 0f64, 0f64, 0f64, 0f64, 0f64, 0f64, 0f64);
    for (x, y, p) in samples {
        let (x, y, v) = (*x as f64, *y as f64, p[c] as f64);
        sx += x;
        sy += y;
        sxx += x * x;
        syy += y * y;
        sxy += x * y;
        sv += v;
        sxv += x * v;
        syv += y * v;
    }
    // Normal equations, solved by Cramer's rule.
    let m = [[n, sx, sy], [sx, sxx, sxy], [sy, sxy, syy]];
    let r = [sv, sxv, syv];
    let det = |m: [[f64; 3]; 3]| {
        m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1])
            - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
            + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])
    };
    let d = det(m);
    if d.abs() < 1e-9 {
        return [(sv / n) as f32, 0.0, 0.0];
    }
    let mut out = [0f32; 3];
    for (k, o) in out.iter_mut().enumerate() {
        let mut mk = m;
        for row in 0..3 {
            mk[row][k] = r[row];
        }
        *o = (det(mk) / d) as f32;
    }
    out
}

fn quad_area(q: &Quad) -> f32 {
    let mut a = 0.0;
    for i in 0..4 {
        let (x1, y1) = q[i];
        let (x2, y2) = q[(i + 1) % 4];
        a += x1 * y2 - x2 * y1;
    }
    (a / 2.0).abs()
}

fn dist(a: (f32, f32), b: (f32, f32)) -> f32 {
    ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt()
}

/// Mean horizontal and vertical side lengths of a quad (clockwise from top-left).
fn sides(q: &Quad) -> (f32, f32) {
    (
        (dist(q[0], q[1]) + dist(q[3], q[2])) / 2.0,
        (dist(q[0], q[3]) + dist(q[1], q[2])) / 2.0,
    )
}

/// The output → source mapping that cuts the quad out of the picture as an upright rectangle
/// whose long side is [`CARD_LONG_SIDE`] (undoing the perspective), and that rectangle's size.
/// The quad is pulled in a little so that the card's edge and the table do not become a line
/// of `|` in the OCR.
fn rectification(q: &Quad) -> (Projection, u32, u32) {
    let (cx, cy) = (
        q.iter().map(|p| p.0).sum::<f32>() / 4.0,
        q.iter().map(|p| p.1).sum::<f32>() / 4.0,
    );
    let q: Quad = q.map(|(x, y)| (cx + (x - cx) * 0.985, cy + (y - cy) * 0.985));
    let (horizontal, vertical) = sides(&q);
    let k = CARD_LONG_SIDE as f32 / horizontal.max(vertical).max(1.0);
    let (w, h) = (
        ((horizontal * k) as u32).clamp(16, 4 * CARD_LONG_SIDE),
        ((vertical * k) as u32).clamp(16, 4 * CARD_LONG_SIDE),
    );
    let target = [
        (0.0, 0.0),
        (w as f32, 0.0),
        (w as f32, h as f32),
        (0.0, h as f32),
    ];
    let to_source = Projection::from_control_points(target, q)
        .unwrap_or_else(|| Projection::translate(q[0].0, q[0].1));
    (to_source, w, h)
}

// ---------------------------------------------------------------------------------------------
// Skew, light

fn median(gray: &GrayImage) -> u8 {
    let mut hist = [0u64; 256];
    for p in gray.pixels() {
        hist[p[0] as usize] += 1;
    }
    let half = (gray.width() as u64 * gray.height() as u64) / 2;
    let mut seen = 0;
    for (v, n) in hist.iter().enumerate() {
        seen += n;
        if seen > half {
            return v as u8;
        }
    }
    255
}

fn invert(mut gray: GrayImage) -> GrayImage {
    for p in gray.pixels_mut() {
        p[0] = 255 - p[0];
    }
    gray
}

/// The skew of the text lines in degrees (positive: lines fall to the right), found as the
/// angle whose projection of dark pixels is most peaked; within ±6° of level or of upright.
pub fn skew_angle(gray: &GrayImage) -> f32 {
    let mut small = half(gray);
    while small.width() > 800 {
        small = half(&small);
    }
    let level = imageproc::contrast::otsu_level(&small);
    let mut dark: Vec<(f32, f32)> = small
        .enumerate_pixels()
        .filter(|(_, _, p)| p[0] < level)
        .map(|(x, y, _)| (x as f32, y as f32))
        .collect();
    let total = (small.width() * small.height()) as usize;
    if dark.len() < 200 || dark.len() > total / 2 {
        return 0.0;
    }
    // Every n-th dark pixel is plenty for a histogram of line positions.
    let step = (dark.len() / 20_000).max(1);
    if step > 1 {
        dark = dark.into_iter().step_by(step).collect();
    }
    let height = small.height() as f32;
    let width = small.width() as f32;
    let score = |deg: f32| -> f64 {
        let (s, c) = deg.to_radians().sin_cos();
        let offset = width * s.abs() + height * c.abs() + 2.0;
        let bins = (2.0 * offset) as usize + 2;
        let mut hist = vec![0u32; bins];
        for (x, y) in &dark {
            let r = y * c - x * s + offset;
            if r >= 0.0 {
                if let Some(b) = hist.get_mut(r as usize) {
                    *b += 1;
                }
            }
        }
        hist.iter().map(|&v| (v as f64) * (v as f64)).sum()
    };
    // Lines run across (a card the right way up or upside down) or, on a card turned a
    // quarter, down the image; the small skew is measured from whichever it is, and the
    // quarter turn is left to the OCR engine's orientation detection.
    let mut best = (0.0f32, f64::MIN);
    for base in [0.0f32, 90.0] {
        for step in -12..=12 {
            let deg = base + step as f32 * 0.5;
            let s = score(deg);
            if s > best.1 {
                best = (deg, s);
            }
        }
    }
    let coarse = best.0;
    for step in -4..=4 {
        let deg = coarse + step as f32 * 0.1;
        let s = score(deg);
        if s > best.1 {
            best = (deg, s);
        }
    }
    let skew = if coarse >= 45.0 {
        best.0 - 90.0
    } else {
        best.0
    };
    // At the edge of the search the peak is no peak: leave the image as it is.
    if skew.abs() > 6.0 {
        0.0
    } else {
        (skew * 10.0).round() / 10.0
    }
}

/// Make one global threshold fit the whole card, in one pass over the pixels:
///
/// - light-on-dark areas (a coloured band with white letters, a dark logo block), found where
///   the card blurred well beyond the size of letters is darker than mid-grey, are inverted
///   into dark-on-light;
/// - uneven light is divided out: the background is the brightest pixel of each 8 × 8 block,
///   spread over the neighbouring blocks (so that no letter is darker than its estimate) and
///   smoothed, and every pixel is divided by it, so that paper is white everywhere.
///
/// Block-wise rather than resizing and dilating the whole image: this runs on every card, and
/// OCR should dominate the time (BENCH-SCAN.md).
pub fn normalise(gray: &GrayImage) -> GrayImage {
    let (w, h) = gray.dimensions();
    let (bw, bh) = (w.div_ceil(BLOCK), h.div_ceil(BLOCK));
    let mut maxv = vec![0u8; (bw * bh) as usize];
    let mut minv = vec![255u8; (bw * bh) as usize];
    let mut sum = vec![0u32; (bw * bh) as usize];
    let mut count = vec![0u32; (bw * bh) as usize];
    // Row by row over the raw bytes, a block's eight pixels at a time (the per-pixel
    // accessors cost more than the arithmetic here).
    let block = BLOCK as usize;
    for (y, row) in gray.as_raw().chunks_exact(w.max(1) as usize).enumerate() {
        let base = (y / block) * bw as usize;
        let (hi, lo) = (
            &mut maxv[base..base + bw as usize],
            &mut minv[base..base + bw as usize],
        );
        for (bx, px) in row.chunks(block).enumerate() {
            let (mut a, mut b, mut t) = (0u8, 255u8, 0u32);
            for &v in px {
                a = a.max(v);
                b = b.min(v);
                t += u32::from(v);
            }
            hi[bx] = hi[bx].max(a);
            lo[bx] = lo[bx].min(b);
            sum[base + bx] += t;
            count[base + bx] += px.len() as u32;
        }
    }
    let max = GrayImage::from_raw(bw, bh, maxv).expect("one byte per block");
    let min = GrayImage::from_raw(bw, bh, minv).expect("one byte per block");
    let mean = GrayImage::from_fn(bw, bh, |x, y| {
        let i = (y * bw + x) as usize;
        Luma([(sum[i] / count[i].max(1)) as u8])
    });
    let dark = imageproc::filter::gaussian_blur_f32(&mean, 3.0);
    let mut turned = light_on_dark(&max, &min, &mean);
    for (i, t) in turned.iter_mut().enumerate() {
        *t |= dark.get_pixel(i as u32 % bw, i as u32 / bw)[0] < DARK_AREA;
    }
    let is_dark = |bx: u32, by: u32| turned[(by * bw + bx) as usize];
    let paper = GrayImage::from_fn(bw, bh, |x, y| {
        if is_dark(x, y) {
            Luma([255 - min.get_pixel(x, y)[0]])
        } else {
            *max.get_pixel(x, y)
        }
    });
    let spread =
        imageproc::morphology::grayscale_dilate(&paper, &imageproc::morphology::Mask::square(2));
    let bg = imageproc::filter::gaussian_blur_f32(&spread, 1.5);
    // Per block: whether it is inverted and the divisor, looked up once per row of blocks.
    let mut blocks: Vec<(bool, u32)> = (0..bh)
        .flat_map(|by| (0..bw).map(move |bx| (bx, by)))
        .map(|(bx, by)| (is_dark(bx, by), u32::from(bg.get_pixel(bx, by)[0]).max(40)))
        .collect();
    if blocks.iter().any(|(dark, _)| *dark) {
        apart(&mut blocks, &paper, bw, bh);
    }
    let mut out = vec![0u8; gray.as_raw().len()];
    for (y, (src, dst)) in gray
        .as_raw()
        .chunks_exact(w.max(1) as usize)
        .zip(out.chunks_exact_mut(w.max(1) as usize))
        .enumerate()
    {
        let base = (y / block) * bw as usize;
        for (bx, (s, d)) in src.chunks(block).zip(dst.chunks_mut(block)).enumerate() {
            let (dark, b) = blocks[base + bx];
            for (v, o) in s.iter().zip(d.iter_mut()) {
                let v = u32::from(if dark { 255 - v } else { *v });
                *o = (v * 255 / b).min(255) as u8;
            }
        }
    }
    GrayImage::from_raw(w, h, out).expect("one byte per pixel")
}

/// The divisors of a card with turned (light-on-dark) areas, spread over turned and unturned
/// blocks apart: spread together, the paper's brightness (240) reached into the rim of a turned
/// band (its background 105 once turned) and left it grey, a frame that OCR read as `|` or that
/// cut the band's line short (BENCH-SCAN.md, seventh round).
fn apart(blocks: &mut [(bool, u32)], paper: &GrayImage, bw: u32, bh: u32) {
    let side = |dark: bool| {
        let one = |x: u32, y: u32| blocks[(y * bw + x) as usize].0 == dark;
        let masked = GrayImage::from_fn(bw, bh, |x, y| {
            Luma([if one(x, y) {
                paper.get_pixel(x, y)[0]
            } else {
                0
            }])
        });
        let spread = imageproc::morphology::grayscale_dilate(
            &masked,
            &imageproc::morphology::Mask::square(2),
        );
        MaskedMean::new(bw, bh, 1.5, |x, y| {
            one(x, y).then(|| f32::from(spread.get_pixel(x, y)[0]))
        })
    };
    let (turned, plain) = (side(true), side(false));
    for (i, (dark, divisor)) in blocks.iter_mut().enumerate() {
        let (x, y) = (i as u32 % bw, i as u32 / bw);
        let side = if *dark { &turned } else { &plain };
        if let Some(v) = side.at(x, y, 0.0) {
            *divisor = (v as u32).max(40);
        }
    }
}

/// A smoothed mean over some blocks only: the blurred values of the blocks that have one,
/// divided by the blurred share of such blocks around each block.
struct MaskedMean {
    value: image::ImageBuffer<Luma<f32>, Vec<f32>>,
    weight: image::ImageBuffer<Luma<f32>, Vec<f32>>,
}

impl MaskedMean {
    /// Over a `bw` × `bh` grid of blocks, blurred with `sigma` blocks; `sample` gives the
    /// value of a block that counts, `None` for one that does not.
    fn new(bw: u32, bh: u32, sigma: f32, sample: impl Fn(u32, u32) -> Option<f32>) -> Self {
        let samples: Vec<Option<f32>> = (0..bh)
            .flat_map(|y| (0..bw).map(move |x| (x, y)))
            .map(|(x, y)| sample(x, y))
            .collect();
        let grid = |f: fn(Option<f32>) -> f32| {
            image::ImageBuffer::<Luma<f32>, Vec<f32>>::from_fn(bw, bh, |x, y| {
                Luma([f(samples[(y * bw + x) as usize])])
            })
        };
        let (value, weight) = (grid(|s| s.unwrap_or(0.0)), grid(|s| s.map_or(0.0, |_| 1.0)));
        MaskedMean {
            value: imageproc::filter::gaussian_blur_f32(&value, sigma),
            weight: imageproc::filter::gaussian_blur_f32(&weight, sigma),
        }
    }

    /// The mean at block `(x, y)`, or `None` where the share of counted blocks around it is
    /// not above `least`.
    fn at(&self, x: u32, y: u32, least: f32) -> Option<f32> {
        let w = self.weight.get_pixel(x, y)[0];
        (w > least).then(|| self.value.get_pixel(x, y)[0] / w)
    }
}

/// The blocks within `r` of block `(x, y)` (a square, cut at the edges of the `bw` × `bh`
/// grid), row by row.
fn around(x: u32, y: u32, r: u32, bw: u32, bh: u32) -> impl Iterator<Item = (u32, u32)> {
    (y.saturating_sub(r)..(y + r + 1).min(bh))
        .flat_map(move |ny| (x.saturating_sub(r)..(x + r + 1).min(bw)).map(move |nx| (nx, ny)))
}

/// Blurred brightness below which an area is light-on-dark.
const DARK_AREA: u8 = 140;

/// The blocks of light letters on a background that is darker than the paper but not dark
/// enough for [`DARK_AREA`]: white letters on a mid-tone band (teal, orange, light grey), which
/// the division by the brightest pixel turns into white letters on grey patches that tesseract
/// cannot read (13 of the 20 organisation misses on three development seeds, BENCH-SCAN.md,
/// seventh round).
///
/// The polarity of a block's letters is told against the background around it, not against a
/// fixed grey: the background is the mean of the flat blocks nearby (no letter in them), and a
/// block with letters is light-on-dark when its brightest pixel stands above that background
/// by more than twice, and 20 grey levels more than, its darkest falls below it. Dark letters
/// on paper in shadow stay as they are (their darkest pixel is far below the shadowed paper,
/// their brightest is the paper). The flat blocks of such a background are marked too, up to
/// [`BAND_REACH`] blocks from its letters, so that the band turns, not only the blocks its
/// letters touch.
fn light_on_dark(max: &GrayImage, min: &GrayImage, mean: &GrayImage) -> Vec<bool> {
    let (bw, bh) = max.dimensions();
    let at = |x: u32, y: u32| (y * bw + x) as usize;
    let contrast = |x: u32, y: u32| max.get_pixel(x, y)[0].saturating_sub(min.get_pixel(x, y)[0]);
    let flat: Vec<bool> = (0..bh)
        .flat_map(|y| (0..bw).map(move |x| (x, y)))
        .map(|(x, y)| contrast(x, y) < FLAT_BLOCK)
        .collect();
    // The background around letters, never the inside of a bold stroke (flat too, but dark:
    // bands darker than that are [`DARK_AREA`]'s).
    let ground: Vec<bool> = (0..bh)
        .flat_map(|y| (0..bw).map(move |x| (x, y)))
        .map(|(x, y)| flat[at(x, y)] && mean.get_pixel(x, y)[0] >= DARK_AREA - 40)
        .collect();
    // The background level around each block: the ground blocks' mean, blurred and divided by
    // the blurred share of ground blocks (a mean over those neighbours only).
    let level = MaskedMean::new(bw, bh, 2.0, |x, y| {
        ground[at(x, y)].then(|| f32::from(mean.get_pixel(x, y)[0]))
    });
    let background = |x: u32, y: u32| level.at(x, y, 0.05);
    let mut light = vec![false; (bw * bh) as usize];
    // Light letters: both sides measured from the background, with a margin so that noise on
    // a flat area never decides.
    let mut letters: Vec<(u32, u32, f32)> = Vec::new();
    for y in 0..bh {
        for x in 0..bw {
            if flat[at(x, y)] {
                continue;
            }
            let Some(bg) = background(x, y) else {
                continue;
            };
            let above = f32::from(max.get_pixel(x, y)[0]) - bg;
            let below = bg - f32::from(min.get_pixel(x, y)[0]);
            // The edge of a dark area against the paper looks the same from inside one
            // block (its brightest pixel is the paper); letters have no paper beside them.
            let top = f32::from(max.get_pixel(x, y)[0]);
            let paper_beside = around(x, y, 2, bw, bh).any(|(nx, ny)| {
                flat[at(nx, ny)] && f32::from(mean.get_pixel(nx, ny)[0]) >= top - 25.0
            });
            if above > 2.0 * below.max(0.0) + 20.0 && !paper_beside {
                light[at(x, y)] = true;
                letters.push((x, y, bg));
            }
        }
    }
    // A lone block is noise or the bright edge of a photo's glare, not a line of letters.
    let mut kept = vec![false; light.len()];
    for &(x, y, _) in &letters {
        let neighbours = around(x, y, 1, bw, bh)
            .filter(|&(nx, ny)| light[at(nx, ny)])
            .count();
        kept[at(x, y)] = neighbours >= 3;
    }
    // A line of letters, not a logo: the light letters of a band run on as a word or a few
    // (blocks a word space apart join), a logo's initials fill a patch a few blocks wide. A
    // logo's light initials read as a word beside the organisation (`Jan Stichting
    // Ommezwaai`), so they are left as they were.
    let mut seen = vec![false; kept.len()];
    for &(x, y, _) in &letters {
        if !kept[at(x, y)] || seen[at(x, y)] {
            continue;
        }
        let mut group = vec![(x, y)];
        seen[at(x, y)] = true;
        let mut next = 0;
        while next < group.len() {
            let (gx, gy) = group[next];
            next += 1;
            for (nx, ny) in around(gx, gy, 2, bw, bh) {
                let i = at(nx, ny);
                if kept[i] && !seen[i] {
                    seen[i] = true;
                    group.push((nx, ny));
                }
            }
        }
        let (lo, hi) = group
            .iter()
            .fold((u32::MAX, 0), |(lo, hi), &(gx, _)| (lo.min(gx), hi.max(gx)));
        if hi - lo + 1 < LINE_BLOCKS {
            for (gx, gy) in group {
                kept[at(gx, gy)] = false;
            }
        }
    }
    // The band itself: the flat blocks reached from its letters through flat blocks of the
    // same level (a flood fill, so that the whole band turns and its rim is not left as a
    // grey frame that OCR reads as `|`).
    let mut out = kept.clone();
    // Never further than BAND_REACH blocks from the letter it started at: a band ends near
    // its letters or runs on flat (where turning it or not gives the same white), and paper in
    // shadow of about the band's grey beyond it must keep its dark letters as they are.
    let mut queue: std::collections::VecDeque<((u32, u32), u32, u32, f32)> = letters
        .iter()
        .filter(|&&(x, y, _)| kept[at(x, y)])
        .map(|&(x, y, bg)| ((x, y), x, y, bg))
        .collect();
    while let Some(((sx, sy), x, y, bg)) = queue.pop_front() {
        for (nx, ny) in around(x, y, 1, bw, bh) {
            let i = at(nx, ny);
            if !out[i]
                && flat[i]
                && nx.abs_diff(sx).max(ny.abs_diff(sy)) <= BAND_REACH
                && (f32::from(mean.get_pixel(nx, ny)[0]) - bg).abs() < 20.0
            {
                out[i] = true;
                queue.push_back(((sx, sy), nx, ny, bg));
            }
        }
    }
    out
}

/// The least width (blocks) of a line of light letters that is turned: about 16 letters of
/// 8 pt, wider than a logo's initials.
const LINE_BLOCKS: u32 = 16;

/// How far (blocks) the background of light letters is followed from them.
const BAND_REACH: u32 = 12;

/// Brightness range (brightest minus darkest pixel) under which a block holds no letter.
const FLAT_BLOCK: u8 = 40;

const BLOCK: u32 = 8;

/// Half the size, each pixel the mean of a 2 × 2 block.
fn half(gray: &GrayImage) -> GrayImage {
    let (w, h) = ((gray.width() / 2).max(1), (gray.height() / 2).max(1));
    GrayImage::from_fn(w, h, |x, y| {
        let (sx, sy) = (2 * x, 2 * y);
        let px = |dx: u32, dy: u32| {
            u32::from(
                gray.get_pixel(
                    (sx + dx).min(gray.width() - 1),
                    (sy + dy).min(gray.height() - 1),
                )[0],
            )
        };
        Luma([((px(0, 0) + px(1, 0) + px(0, 1) + px(1, 1)) / 4) as u8])
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_what_it_cannot_read() {
        let png_header = |w: u32, h: u32| {
            // A PNG signature, an IHDR chunk claiming w × h grey pixels, and one IDAT chunk
            // with a few bytes of deflate data: the shape of a decompression bomb's head.
            let mut b = b"\x89PNG\r\n\x1a\n".to_vec();
            let mut chunk = |kind: &[u8], data: &[u8]| {
                b.extend_from_slice(&(data.len() as u32).to_be_bytes());
                let start = b.len();
                b.extend_from_slice(kind);
                b.extend_from_slice(data);
                let crc = crc32fast::hash(&b[start..]);
                b.extend_from_slice(&crc.to_be_bytes());
            };
            let mut ihdr = w.to_be_bytes().to_vec();
            ihdr.extend_from_slice(&h.to_be_bytes());
            ihdr.extend_from_slice(&[8, 0, 0, 0, 0]);
            chunk(b"IHDR", &ihdr);
            chunk(b"IDAT", &[0x78, 0x9c, 0x63, 0x60, 0x00, 0x00]);
            b
        };
        let cases: Vec<(&str, Vec<u8>, &str)> = vec![
            ("empty", Vec::new(), "empty file"),
            (
                "text",
                b"hello, not an image".to_vec(),
                "not a readable image",
            ),
            ("huge", png_header(30_000, 30_000), "over the limit"),
            ("zero", png_header(0, 10), "image"),
            ("truncated", png_header(100, 100), "not a readable image"),
            (
                "heic",
                b"\0\0\0\x18ftypheic\0\0\0\0".to_vec(),
                "damaged or cut-off HEIC file",
            ),
            ("pdf", b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n".to_vec(), "PDF"),
            ("text pdf", pdf(None), "PDF without page images (1 page(s)"),
        ];
        for (name, bytes, want) in cases {
            let err = decode_pages(&bytes).map(|p| p.len()).expect_err(name);
            assert!(err.to_string().contains(want), "case {name}: {err}");
        }
    }

    /// A one-page PDF whose page shows `image` (a stream dictionary's extra keys and its
    /// data), or only a line of text.
    fn pdf(image: Option<(lopdf::Dictionary, Vec<u8>, bool)>) -> Vec<u8> {
        use lopdf::{dictionary, Document, Object, Stream};
        let mut doc = Document::with_version("1.5");
        let pages_id = doc.new_object_id();
        let mut resources = dictionary! {};
        let content = match image {
            Some((extra, data, compress)) => {
                let mut dict = dictionary! {
                    "Type" => "XObject",
                    "Subtype" => "Image",
                };
                dict.extend(&extra);
                let mut stream = Stream::new(dict, data);
                if compress {
                    stream.compress().expect("deflate in memory");
                }
                let id = doc.add_object(stream);
                resources.set("XObject", dictionary! { "Im0" => id });
                b"q 300 0 0 200 0 0 cm /Im0 Do Q".to_vec()
            }
            None => b"BT /F1 12 Tf 10 10 Td (Jan de Vries) Tj ET".to_vec(),
        };
        let content_id = doc.add_object(Stream::new(dictionary! {}, content));
        let page_id = doc.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "Contents" => content_id,
            "Resources" => resources,
            "MediaBox" => vec![0.into(), 0.into(), 300.into(), 200.into()],
        });
        doc.objects.insert(
            pages_id,
            Object::Dictionary(dictionary! {
                "Type" => "Pages",
                "Kids" => vec![page_id.into()],
                "Count" => 1,
            }),
        );
        let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
        doc.trailer.set("Root", catalog);
        let mut out = Vec::new();
        doc.save_to(&mut out).expect("writing a PDF in memory");
        out
    }

    #[test]
    fn reads_the_page_images_of_a_pdf() {
        use lopdf::dictionary;
        // A 40 × 20 page: left half black, right half white.
        let grey: Vec<u8> = (0..20 * 40)
            .map(|i| if i % 40 < 20 { 0 } else { 255 })
            .collect();
        let jpeg = {
            let img = GrayImage::from_raw(40, 20, grey.clone()).expect("40 × 20");
            let mut bytes = Vec::new();
            DynamicImage::ImageLuma8(img)
                .write_to(&mut Cursor::new(&mut bytes), image::ImageFormat::Jpeg)
                .expect("encode JPEG");
            bytes
        };
        let rgb: Vec<u8> = grey.iter().flat_map(|&v| [v, v, v]).collect();
        // 1 bit per pixel, 1 = white: five bytes a row, the first two and a half zero.
        let bits: Vec<u8> = (0..20).flat_map(|_| [0, 0, 0x0F, 0xFF, 0xFF]).collect();
        let size = |cs: &str, bpc: i64| {
            dictionary! { "Width" => 40, "Height" => 20, "ColorSpace" => lopdf::Object::Name(cs.as_bytes().to_vec()), "BitsPerComponent" => bpc }
        };
        let with = |mut d: lopdf::Dictionary, k: &str, v: &str| {
            d.set(k, lopdf::Object::Name(v.as_bytes().to_vec()));
            d
        };
        let cases = [
            (
                "jpeg",
                pdf(Some((
                    with(size("DeviceGray", 8), "Filter", "DCTDecode"),
                    jpeg,
                    false,
                ))),
            ),
            (
                "flate grey",
                pdf(Some((size("DeviceGray", 8), grey.clone(), true))),
            ),
            ("raw rgb", pdf(Some((size("DeviceRGB", 8), rgb, false)))),
            (
                "flate bilevel",
                pdf(Some((size("DeviceGray", 1), bits, true))),
            ),
        ];
        for (name, bytes) in cases {
            let pages = decode_pages(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(pages.len(), 1, "{name}");
            let g = pages[0].to_luma8();
            assert_eq!(g.dimensions(), (40, 20), "{name}");
            assert!(
                g.get_pixel(5, 10)[0] < 40 && g.get_pixel(35, 10)[0] > 215,
                "{name}"
            );
        }
        let ccitt = pdf(Some((
            with(size("DeviceGray", 1), "Filter", "CCITTFaxDecode"),
            vec![0; 10],
            false,
        )));
        let err = decode_pages(&ccitt).map(|p| p.len()).expect_err("CCITT");
        assert!(
            err.to_string()
                .contains("PDF page 1: page image compressed with CCITTFaxDecode"),
            "{err}"
        );
    }

    #[test]
    fn finds_a_light_card_on_a_dark_table() {
        let mut img = image::RgbImage::from_pixel(800, 600, image::Rgb([90, 60, 40]));
        for y in 150..450 {
            for x in 170..630 {
                img.put_pixel(x, y, image::Rgb([250, 250, 245]));
            }
        }
        let quads = find_cards(&DynamicImage::ImageRgb8(img));
        assert_eq!(quads.len(), 1, "{quads:?}");
        let (h, v) = sides(&quads[0]);
        assert!(
            (h - 460.0).abs() < 12.0 && (v - 300.0).abs() < 12.0,
            "{h} × {v}"
        );
    }

    #[test]
    fn two_cards_come_in_reading_order() {
        let mut img = image::RgbImage::from_pixel(1000, 1200, image::Rgb([70, 70, 70]));
        for (x0, y0) in [(520, 100), (60, 110), (60, 700)] {
            for y in y0..y0 + 260 {
                for x in x0..x0 + 400 {
                    img.put_pixel(x, y, image::Rgb([245, 245, 245]));
                }
            }
        }
        let quads = find_cards(&DynamicImage::ImageRgb8(img));
        let lefts: Vec<i32> = quads.iter().map(|q| q[0].0 as i32 / 100).collect();
        let tops: Vec<i32> = quads.iter().map(|q| q[0].1 as i32 / 100).collect();
        assert_eq!((lefts, tops), (vec![0, 5, 0], vec![1, 1, 7]));
    }

    /// A page of `lid` grey with filled rectangles `(x0, y0, x1, y1, colour)` on it.
    fn page(w: u32, h: u32, lid: u8, cards: &[(u32, u32, u32, u32, [u8; 3])]) -> DynamicImage {
        let img = image::RgbImage::from_pixel(w, h, image::Rgb([lid, lid, lid]));
        paint(img, cards)
    }

    /// `img` with filled rectangles `(x0, y0, x1, y1, colour)` on it.
    fn paint(mut img: image::RgbImage, cards: &[(u32, u32, u32, u32, [u8; 3])]) -> DynamicImage {
        for &(x0, y0, x1, y1, c) in cards {
            for y in y0..y1 {
                for x in x0..x1 {
                    img.put_pixel(x, y, image::Rgb(c));
                }
            }
        }
        DynamicImage::ImageRgb8(img)
    }

    #[test]
    fn finds_dark_cards_on_a_dark_lid() {
        const NAVY: [u8; 3] = [25, 35, 70];
        const WHITE: [u8; 3] = [250, 250, 245];
        // (lid grey, cards as (left, top, colour)) → tops and lefts of the cards found, in
        // hundreds of pixels, in reading order. A navy card on grey 50 differs from the lid
        // by about 35, under the threshold set for light cards on wood.
        // A card: left, top, colour; a card found: left and top in hundreds of pixels.
        type Card = (u32, u32, [u8; 3]);
        type Found = (i32, i32);
        let cases: &[(u8, &[Card], &[Found])] = &[
            (
                50,
                &[(100, 100, WHITE), (600, 110, NAVY)],
                &[(1, 1), (6, 1)],
            ),
            (60, &[(100, 100, NAVY), (600, 110, NAVY)], &[(1, 1), (6, 1)]),
            (50, &[(600, 700, NAVY)], &[(6, 7)]),
            // A light card is one card; its edge on the lid does not add a second one.
            (50, &[(100, 100, WHITE)], &[(1, 1)]),
        ];
        for (lid, cards, want) in cases {
            let rects: Vec<_> = cards
                .iter()
                .map(|&(x, y, c)| (x, y, x + 420, y + 270, c))
                .collect();
            let quads = find_cards(&page(1100, 1100, *lid, &rects));
            let got: Vec<(i32, i32)> = quads
                .iter()
                .map(|q| ((q[0].0 / 100.0) as i32, (q[0].1 / 100.0) as i32))
                .collect();
            assert_eq!(got, *want, "lid {lid}: {quads:?}");
            assert_card_sides(&quads, 420.0, 270.0);
        }
    }

    /// Every quad found has sides within 15 px of `h` × `v`.
    fn assert_card_sides(quads: &[Quad], h: f32, v: f32) {
        for q in quads {
            let (qh, qv) = sides(q);
            assert!(
                (qh - h).abs() < 15.0 && (qv - v).abs() < 15.0,
                "{qh} × {qv}"
            );
        }
    }

    /// A page of grey `lid` lit unevenly: brighter by up to `spot` towards the top-left
    /// corner (not along a plane), and by `patch` inside a card-sized patch whose edges fade
    /// over some 50 pixels (a pattern on a tablecloth); and cards on it.
    fn uneven_page(lid: u8, spot: f32, patch: f32, cards: &[(u32, u32, [u8; 3])]) -> DynamicImage {
        let (w, h) = (1100u32, 1100u32);
        let rise = |v: f32| 1.0 / (1.0 + (-v / 12.0).exp());
        let img = image::RgbImage::from_fn(w, h, |x, y| {
            let (fx, fy) = (x as f32, y as f32);
            let inside = rise(fx - 550.0) * rise(970.0 - fx) * rise(fy - 600.0) * rise(860.0 - fy);
            let light =
                patch * inside + spot * (1.0 - (fx / w as f32).hypot(fy / h as f32) / 1.42).powi(3);
            let v = (f32::from(lid) + light).min(255.0) as u8;
            image::Rgb([v, v, v])
        });
        let rects: Vec<_> = cards
            .iter()
            .map(|&(x, y, c)| (x, y, x + 420, y + 270, c))
            .collect();
        paint(img, &rects)
    }

    #[test]
    fn finds_a_navy_card_on_an_unevenly_lit_lid() {
        const NAVY: [u8; 3] = [25, 35, 70];
        const WHITE: [u8; 3] = [250, 250, 245];
        let img = uneven_page(50, 70.0, 0.0, &[(100, 100, WHITE), (600, 700, NAVY)]);
        let quads = find_cards(&img);
        let tops: Vec<i32> = quads.iter().map(|q| (q[0].1 / 100.0) as i32).collect();
        assert_eq!(tops, [1, 7], "{quads:?}");
        assert_card_sides(&quads, 420.0, 270.0);
        // A patch of a tablecloth that fades out is no card, though it has a card's shape.
        let img = uneven_page(50, 90.0, 20.0, &[(100, 100, WHITE)]);
        let quads = find_cards(&img);
        assert_eq!(quads.len(), 1, "{quads:?}");
    }

    #[test]
    fn cards_stacked_side_in_line_are_separate_cards() {
        const WHITE: [u8; 3] = [248, 248, 248];
        const NAVY: [u8; 3] = [25, 35, 70];
        // One card right under another, their sides in line, 3 pixels apart or touching: one
        // region a card wide, which no erosion parts. Light on light, light on navy, and
        // side by side.
        for (gap, second) in [(3u32, WHITE), (0, NAVY)] {
            let img = page(
                1000,
                1400,
                110,
                &[
                    (100, 100, 360, 500, WHITE),
                    (100, 500 + gap, 360, 900 + gap, second),
                ],
            );
            let quads = find_cards(&img);
            assert_eq!(quads.len(), 2, "gap {gap}: {quads:?}");
            let tops: Vec<i32> = quads.iter().map(|q| q[0].1.round() as i32).collect();
            assert!(
                (tops[0] - 100).abs() <= 12 && (tops[1] - (500 + gap as i32)).abs() <= 12,
                "gap {gap}: {tops:?}"
            );
            assert_card_sides(&quads, 260.0, 400.0);
        }
        let img = page(
            1400,
            1000,
            110,
            &[(100, 100, 500, 360, WHITE), (503, 100, 903, 360, WHITE)],
        );
        let quads = find_cards(&img);
        assert_eq!(quads.len(), 2, "{quads:?}");
        assert_card_sides(&quads, 400.0, 260.0);
    }

    #[test]
    fn cards_laid_edge_to_edge_are_separate_cards() {
        const WHITE: [u8; 3] = [248, 248, 248];
        // Two upright cards, one under the other, 3 pixels apart (the mask's closing joins
        // them) and overlapping sideways by `overlap` pixels: one region, no card shape.
        for overlap in [10u32, 40, 80] {
            let (ax, bx) = (100, 100 + 260 - overlap);
            let img = page(
                1000,
                1400,
                70,
                &[
                    (ax, 100, ax + 260, 500, WHITE),
                    (bx, 503, bx + 260, 903, WHITE),
                ],
            );
            let quads = find_cards(&img);
            assert_eq!(quads.len(), 2, "overlap {overlap}: {quads:?}");
            let lefts: Vec<i32> = quads.iter().map(|q| q[0].0.round() as i32).collect();
            let tops: Vec<i32> = quads.iter().map(|q| q[0].1.round() as i32).collect();
            assert!(
                (lefts[0] - ax as i32).abs() <= 12 && (lefts[1] - bx as i32).abs() <= 12,
                "overlap {overlap}: {lefts:?}"
            );
            assert!(
                (tops[0] - 100).abs() <= 12 && (tops[1] - 503).abs() <= 12,
                "overlap {overlap}: {tops:?}"
            );
            assert_card_sides(&quads, 260.0, 400.0);
        }
    }

    /// A card 400 × 240 on paper `paper`, with a band of `band` across its top 64 rows holding
    /// light letters (level 250) and a logo's two light initials, dark letters (level 40) below
    /// on paper, and more dark letters on a shadowed part of the paper (level 170). Letters are
    /// bars 4 wide and 24 high, 12 apart.
    fn banded_card(paper: u8, band: u8) -> GrayImage {
        let mut img = GrayImage::from_fn(400, 240, |x, y| {
            Luma([if y < 64 {
                band
            } else if x >= 300 {
                170
            } else {
                paper
            }])
        });
        let bars = |img: &mut GrayImage, x0: u32, y0: u32, level: u8, n: u32| {
            for k in 0..n {
                for y in y0..y0 + 24 {
                    for x in x0 + 12 * k..x0 + 12 * k + 4 {
                        img.put_pixel(x, y, Luma([level]));
                    }
                }
            }
        };
        // A line of light letters 21 blocks wide in the band, and a logo's two initials.
        bars(&mut img, 40, 20, 250, 14);
        bars(&mut img, 340, 20, 250, 2);
        bars(&mut img, 40, 120, 40, 8);
        bars(&mut img, 305, 120, 40, 8);
        img
    }

    #[test]
    fn light_letters_on_a_mid_tone_band_come_out_dark_on_white() {
        // (name, paper, band): a mid-tone band (brighter than DARK_AREA, which the old rule
        // left as white letters on grey patches) and a dark one (the old rule's case).
        for (name, paper, band) in [("mid-tone band", 235, 165), ("dark band", 235, 60)] {
            let out = normalise(&banded_card(paper, band));
            let at = |x: u32, y: u32| out.get_pixel(x, y)[0];
            // Band letters dark, the band around them and up to its rim white.
            assert!(at(41, 30) < 100, "{name}: band letter {}", at(41, 30));
            for (x, y) in [(47, 30), (20, 10), (200, 5)] {
                assert!(
                    at(x, y) > 200,
                    "{name}: band ground at ({x},{y}) is {}",
                    at(x, y)
                );
            }
            // Up to its rim, where the band is followed from its letters (a dark band's rim,
            // where the blurred brightness falls off, is left as the old rule leaves it).
            if band > DARK_AREA {
                for (x, y) in [(5, 62), (150, 62), (250, 60)] {
                    assert!(
                        at(x, y) > 200,
                        "{name}: band rim at ({x},{y}) is {}",
                        at(x, y)
                    );
                }
            }
            // Dark letters on paper and on shadowed paper stay dark on white.
            for (x, y) in [(41, 130), (306, 130)] {
                assert!(
                    at(x, y) < 100,
                    "{name}: letter at ({x},{y}) is {}",
                    at(x, y)
                );
            }
            for (x, y) in [(47, 130), (200, 200), (360, 200)] {
                assert!(at(x, y) > 200, "{name}: paper at ({x},{y}) is {}", at(x, y));
            }
            // A logo's initials on the mid-tone band are not a line of text: not turned (on
            // the dark band the old rule turns everything, initials included).
            if band > DARK_AREA {
                assert!(at(341, 30) > 200, "{name}: initials {}", at(341, 30));
            }
        }
    }

    #[test]
    fn a_plain_scan_is_one_whole_card() {
        let img = image::RgbImage::from_pixel(1000, 640, image::Rgb([250, 250, 250]));
        assert!(find_cards(&DynamicImage::ImageRgb8(img)).is_empty());
    }

    #[test]
    fn turning_back_levels_the_lines() {
        let mut img = GrayImage::from_pixel(900, 600, Luma([255]));
        for line in 0..8 {
            for x in 100..800u32 {
                for t in 0..8 {
                    let y = 80.0
                        + line as f32 * 60.0
                        + t as f32
                        + (x as f32 - 450.0) * 3f32.to_radians().tan();
                    if x % 13 < 9 && (0.0..600.0).contains(&y) {
                        img.put_pixel(x, y as u32, Luma([0]));
                    }
                }
            }
        }
        let before = skew_angle(&img);
        let level = warp_gray(&img, &rotation(900, 600, before), 900, 600);
        let after = skew_angle(&level);
        assert!(
            (before - 3.0).abs() <= 0.3 && after.abs() <= 0.3,
            "{before} → {after}"
        );
    }

    #[test]
    fn measures_skew() {
        for want in [-3.0f32, 0.0, 2.0, 92.0, 87.5] {
            let mut img = GrayImage::from_pixel(900, 600, Luma([255]));
            let (s, c) = want.to_radians().sin_cos();
            for line in 0..8 {
                for x in 100..800 {
                    for t in 0..8 {
                        let (fx, fy) = (x as f32, (80 + line * 60 + t) as f32);
                        // Rotate about the centre by `want` degrees (clockwise on screen).
                        let (dx, dy) = (fx - 450.0, fy - 300.0);
                        let (rx, ry) = (450.0 + dx * c - dy * s, 300.0 + dx * s + dy * c);
                        if (0.0..900.0).contains(&rx) && (0.0..600.0).contains(&ry) && x % 13 < 9 {
                            img.put_pixel(rx as u32, ry as u32, Luma([0]));
                        }
                    }
                }
            }
            let got = skew_angle(&img);
            let level = if want > 45.0 { want - 90.0 } else { want };
            assert!(
                (got - level).abs() <= 0.3,
                "want {level} for lines at {want}, got {got}"
            );
        }
    }

    /// The HEIC card fixture (`fixtures/scan/README.md` says how it was made).
    pub(crate) fn heic_card() -> Vec<u8> {
        std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/scan/card-00001.heic"
        ))
        .expect("the HEIC fixture")
    }

    /// Where the box `kind` starts among the boxes in `bytes[from..to]`, and its size.
    fn find_box(bytes: &[u8], from: usize, to: usize, kind: &[u8; 4]) -> (usize, usize) {
        let mut at = from;
        while at + 8 <= to {
            let size = u32::from_be_bytes(bytes[at..at + 4].try_into().expect("4 bytes")) as usize;
            assert!(size >= 8 && at + size <= to, "box at {at} has size {size}");
            if &bytes[at + 4..at + 8] == kind {
                return (at, size);
            }
            at += size;
        }
        panic!("no {} box", String::from_utf8_lossy(kind));
    }

    fn add_u32(bytes: &mut [u8], at: usize, delta: usize) {
        let v = u32::from_be_bytes(bytes[at..at + 4].try_into().expect("4 bytes"));
        bytes[at..at + 4].copy_from_slice(&(v + delta as u32).to_be_bytes());
    }

    /// `heic` (laid out as heif-enc 1.15 writes it: one `ipma` entry, 32-bit `iloc` base
    /// offsets into the `mdat` after `meta`) with the transformative property `prop` (an
    /// `irot` or `imir` box) added to the primary image's properties, after those it has, as
    /// a phone writes the turn of a photo it did not turn itself. Every box that holds the
    /// new bytes grows, and the `iloc` offsets move with the `mdat`.
    fn with_transform(heic: &[u8], prop: &[u8]) -> Vec<u8> {
        let mut b = heic.to_vec();
        let (meta, meta_size) = find_box(&b, 0, b.len(), b"meta");
        let (iloc, _) = find_box(&b, meta + 12, meta + meta_size, b"iloc");
        let (iprp, iprp_size) = find_box(&b, meta + 12, meta + meta_size, b"iprp");
        let (ipco, ipco_size) = find_box(&b, iprp + 8, iprp + iprp_size, b"ipco");
        let (ipma, ipma_size) = find_box(&b, iprp + 8, iprp + iprp_size, b"ipma");
        assert!(ipma > ipco && iprp > iloc, "layout of heif-enc 1.15");
        // The new property's 1-based index in ipco.
        let mut index = 1;
        let mut at = ipco + 8;
        while at < ipco + ipco_size {
            at += u32::from_be_bytes(b[at..at + 4].try_into().expect("4 bytes")) as usize;
            index += 1;
        }
        assert_eq!(
            &b[ipma + 8..ipma + 16],
            &[0, 0, 0, 0, 0, 0, 0, 1],
            "ipma v0, one entry"
        );
        let delta = prop.len() + 1;
        // iloc v0 with 4-byte offsets, lengths and base offsets: the base offsets move.
        assert_eq!(
            &b[iloc + 8..iloc + 14],
            &[0, 0, 0, 0, 0x44, 0x40],
            "iloc v0, 4-byte fields"
        );
        let items = u16::from_be_bytes([b[iloc + 14], b[iloc + 15]]) as usize;
        let mut at = iloc + 16;
        for _ in 0..items {
            add_u32(&mut b, at + 4, delta);
            let extents = u16::from_be_bytes([b[at + 8], b[at + 9]]) as usize;
            at += 10 + extents * 8;
        }
        for (header, grow) in [(meta, delta), (iprp, delta), (ipco, prop.len()), (ipma, 1)] {
            add_u32(&mut b, header, grow);
        }
        b[ipma + 18] += 1; // the entry's association count
        b.insert(ipma + ipma_size, 0x80 | index); // essential
        b.splice(ipco + ipco_size..ipco + ipco_size, prop.iter().copied());
        b
    }

    /// The mean absolute difference of two RGB images of the same size.
    fn mean_diff(a: &image::RgbImage, b: &image::RgbImage) -> f64 {
        assert_eq!(a.dimensions(), b.dimensions());
        let sum: u64 = a
            .as_raw()
            .iter()
            .zip(b.as_raw())
            .map(|(x, y)| u64::from(x.abs_diff(*y)))
            .sum();
        sum as f64 / a.as_raw().len() as f64
    }

    #[test]
    fn decodes_the_primary_image_of_a_heic() {
        let heic = heic_card();
        assert!(is_heif(&heic));
        let pages = decode_pages(&heic).expect("the HEIC card decodes");
        assert_eq!(pages.len(), 1);
        let rgb = pages[0].to_rgb8();
        assert_eq!(rgb.dimensions(), (1600, 1200));
        // A card on a table: a photo, not a flat grey field.
        let lumas: Vec<u8> = pages[0].to_luma8().into_raw();
        let (lo, hi) = (lumas.iter().min(), lumas.iter().max());
        assert!(lo < Some(&60) && hi > Some(&200), "{lo:?}..{hi:?}");
        let cards = cards(&pages[0]);
        assert_eq!(cards.len(), 1);
        assert!(cards[0].cropped, "the card is cut out of the table");
    }

    #[test]
    fn applies_the_rotation_and_mirroring_of_a_heic() {
        let heic = heic_card();
        let plain = decode_heif(&heic).expect("decodes").to_rgb8();
        // irot's angle is anticlockwise in quarter turns; imir's axis bit 0 flips the image
        // top to bottom, 1 left to right, as libheif reads it (`heif_properties.h`:
        // "heif_transform_mirror_direction_vertical = 0, flip image vertically").
        let cases: &[(&str, &[u8], image::RgbImage)] = &[
            (
                "irot 90",
                b"\0\0\0\x09irot\x01",
                image::imageops::rotate270(&plain),
            ),
            (
                "irot 180",
                b"\0\0\0\x09irot\x02",
                image::imageops::rotate180(&plain),
            ),
            (
                "irot 270",
                b"\0\0\0\x09irot\x03",
                image::imageops::rotate90(&plain),
            ),
            (
                "imir up-down",
                b"\0\0\0\x09imir\x00",
                image::imageops::flip_vertical(&plain),
            ),
            (
                "imir left-right",
                b"\0\0\0\x09imir\x01",
                image::imageops::flip_horizontal(&plain),
            ),
        ];
        for (name, prop, want) in cases {
            let turned = with_transform(&heic, prop);
            let got = decode_pages(&turned)
                .unwrap_or_else(|e| panic!("case {name}: {e}"))
                .remove(0)
                .to_rgb8();
            assert_eq!(got.dimensions(), want.dimensions(), "case {name}");
            // Equal up to the chroma upsampling, which libheif may do before or after turning.
            let diff = mean_diff(&got, want);
            assert!(diff < 1.0, "case {name}: mean difference {diff}");
            // And not merely equal to the unturned photo.
            if got.dimensions() == plain.dimensions() {
                assert!(mean_diff(&got, &plain) > 5.0, "case {name}: not turned");
            }
        }
    }

    #[test]
    fn refuses_broken_heic_before_decoding() {
        let heic = heic_card();
        let (ispe, _) = {
            let at = heic
                .windows(4)
                .position(|w| w == b"ispe")
                .expect("an ispe box")
                - 4;
            (at, ())
        };
        // The image spatial extents claim 30 000 × 30 000 (and 8000 × 7000: under the side
        // limit, over the pixel limit); the coded stream is still the small one.
        let claims = |w: u32, h: u32| {
            let mut b = heic.clone();
            b[ispe + 12..ispe + 16].copy_from_slice(&w.to_be_bytes());
            b[ispe + 16..ispe + 20].copy_from_slice(&h.to_be_bytes());
            b
        };
        let mut garbage = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic".to_vec();
        garbage.extend((0..4000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
        let cases: Vec<(&str, Vec<u8>, &str)> = vec![
            (
                "header only",
                b"\0\0\0\x18ftypheic\0\0\0\0".to_vec(),
                "damaged or cut-off HEIC file",
            ),
            ("garbage", garbage, "damaged or cut-off HEIC file"),
            (
                "truncated",
                heic[..heic.len() / 2].to_vec(),
                "damaged or cut-off HEIC file (Invalid input: Unexpected end of file",
            ),
            (
                "cut in the header",
                heic[..300].to_vec(),
                "damaged or cut-off HEIC file",
            ),
            (
                "huge",
                claims(30_000, 30_000),
                "30000 × 30000 pixels is over the limit",
            ),
            (
                "many pixels",
                claims(8000, 7000),
                "8000 × 7000 pixels is over the limit",
            ),
            ("no pixels", claims(0, 1200), "Zero image width or height"),
        ];
        for (name, bytes, want) in cases {
            let err = decode_pages(&bytes).map(|p| p.len()).expect_err(name);
            assert!(err.to_string().contains(want), "case {name}: {err}");
        }
    }

    #[test]
    fn finds_the_exif_of_a_heic() {
        let tiff = heif_exif(&heic_card()).expect("the fixture has EXIF");
        assert!(tiff.starts_with(b"II*\0") || tiff.starts_with(b"MM\0*"));
        assert_eq!(heif_exif(&heic_card()[..200]), None);
        assert_eq!(heif_exif(b"\0\0\0\x18ftypheic\0\0\0\0"), None);
    }
}
