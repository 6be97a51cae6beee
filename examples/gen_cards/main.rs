//! Generates business-card images with their ground truth:
//!
//! ```text
//! gen_cards OUT_DIR COUNT SEED [--mode mixed|scan|photo|flatbed] [--only 3,17] [--pdf]
//! ```
//!
//! Writes `card-00001.jpg` (or `.png`) and `card-00001.truth.json` (see `truth.rs`) per image.
//! Image *i* is drawn from its own seed (`SEED` and *i*), so any subset can be regenerated
//! (`--only` writes just those image numbers, byte for byte as in the full run), and the same
//! arguments always give the same bytes. `--pdf` wraps each picture, as a JPEG, in a one-page
//! PDF (`card-00001.pdf`), the way document scanners write them. Languages alternate (half Dutch, half
//! English); `mixed` gives about 35 % flatbed scans of one card, 50 % phone photos and 15 %
//! flatbed scans with two to four cards. The fonts come from Debian's `fonts-dejavu-core` and
//! `fonts-dejavu-extra` (`CARD_FONT_DIR` overrides the folder).

mod content;
mod degrade;
mod render;
mod truth;

use image::codecs::jpeg::JpegEncoder;
use image::RgbImage;
use netwerk_import::synth::Rng;
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let mut mode = "mixed".to_string();
    let mut positional = Vec::new();
    let mut only: Option<Vec<usize>> = None;
    let mut pdf = false;
    let mut it = args.iter().skip(1);
    while let Some(a) = it.next() {
        if a == "--mode" {
            mode = it.next().cloned().unwrap_or_default();
        } else if a == "--pdf" {
            pdf = true;
        } else if a == "--only" {
            only = it
                .next()
                .map(|v| v.split(',').filter_map(|n| n.trim().parse().ok()).collect());
        } else {
            positional.push(a.clone());
        }
    }
    let parsed = match positional.as_slice() {
        [out, n, seed] => n
            .parse::<usize>()
            .ok()
            .zip(seed.parse::<u64>().ok())
            .map(|(n, s)| (PathBuf::from(out), n, s)),
        _ => None,
    };
    let Some((out, count, seed)) =
        parsed.filter(|_| matches!(mode.as_str(), "mixed" | "scan" | "photo" | "flatbed"))
    else {
        eprintln!("usage: gen_cards OUT_DIR COUNT SEED [--mode mixed|scan|photo|flatbed] [--only 3,17] [--pdf]");
        return ExitCode::from(2);
    };
    let fonts = match render::load_fonts() {
        Ok(f) => f,
        Err(e) => {
            eprintln!("gen_cards: {e}");
            return ExitCode::from(2);
        }
    };
    if let Err(e) = std::fs::create_dir_all(&out) {
        eprintln!("gen_cards: {}: {e}", out.display());
        return ExitCode::from(2);
    }
    let wanted: Vec<usize> = (0..count)
        .filter(|i| only.as_ref().is_none_or(|o| o.contains(&(i + 1))))
        .collect();
    let results: Vec<Result<usize, String>> = wanted
        .par_iter()
        .map(|&i| one(&out, i, seed, &mode, &fonts, pdf))
        .collect();
    let mut cards = 0;
    for r in results {
        match r {
            Ok(n) => cards += n,
            Err(e) => {
                eprintln!("gen_cards: {e}");
                return ExitCode::from(1);
            }
        }
    }
    eprintln!(
        "gen_cards: {} images, {cards} cards in {}",
        wanted.len(),
        out.display()
    );
    ExitCode::SUCCESS
}

/// Draw image `i`; returns the number of cards on it.
fn one(
    out: &Path,
    i: usize,
    seed: u64,
    mode: &str,
    fonts: &[render::Family],
    pdf: bool,
) -> Result<usize, String> {
    let image_seed = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15)
        ^ (i as u64 + 1).wrapping_mul(0xD1B5_4A32_D192_ED03);
    let mut rng = Rng::new(image_seed);
    let mode = match mode {
        "mixed" => match rng.below(100) {
            0..=34 => "scan",
            35..=84 => "photo",
            _ => "flatbed",
        },
        m => m,
    };
    let n_cards = if mode == "flatbed" {
        2 + rng.below(3)
    } else {
        1
    };
    let mut truth_cards = Vec::new();
    let mut images = Vec::new();
    for k in 0..n_cards {
        let lang = if (i + k).is_multiple_of(2) {
            "nl"
        } else {
            "en"
        };
        let content = content::generate(&mut rng, lang);
        let (img, layout, font) = render::card(&content, &mut rng, fonts);
        let rotation = if rng.chance(15) {
            [90, 180, 270][rng.below(3)]
        } else {
            0
        };
        let mut t = content.truth;
        t.layout = layout;
        t.font = font;
        t.rotation = rotation;
        truth_cards.push(t);
        images.push(degrade::quarter_turn(&img, rotation));
    }
    let (picture, png) = match mode {
        "scan" => (degrade::scan(&images[0], &mut rng), rng.chance(40)),
        "photo" => (degrade::photo(&images[0], &mut rng), false),
        _ => (degrade::flatbed(&images, &mut rng), false),
    };
    let quality = match mode {
        "photo" => 65 + rng.below(26) as u8,
        _ => 85 + rng.below(8) as u8,
    };
    let stem = format!("card-{:05}", i + 1);
    let file = if pdf {
        format!("{stem}.pdf")
    } else if png {
        format!("{stem}.png")
    } else {
        format!("{stem}.jpg")
    };
    let path = out.join(&file);
    let written = if pdf {
        write_pdf(&picture, &path, quality)
    } else {
        write_image(&picture, &path, png, quality)
    };
    written.map_err(|e| format!("{}: {e}", path.display()))?;
    let truth = truth::Image {
        image: file,
        mode: mode.to_string(),
        seed: image_seed,
        cards: truth_cards,
    };
    let json = serde_json::to_string_pretty(&truth).map_err(|e| e.to_string())?;
    let json_path = out.join(format!("{stem}.truth.json"));
    std::fs::write(&json_path, json + "\n").map_err(|e| format!("{}: {e}", json_path.display()))?;
    Ok(n_cards)
}

fn write_image(img: &RgbImage, path: &Path, png: bool, quality: u8) -> Result<(), String> {
    if png {
        return img.save(path).map_err(|e| e.to_string());
    }
    let file = std::fs::File::create(path).map_err(|e| e.to_string())?;
    let mut writer = std::io::BufWriter::new(file);
    JpegEncoder::new_with_quality(&mut writer, quality)
        .encode_image(img)
        .map_err(|e| e.to_string())
}

/// A one-page PDF showing the picture as a JPEG (`DCTDecode`) at 300 dpi, as a document
/// scanner writes it.
fn write_pdf(img: &RgbImage, path: &Path, quality: u8) -> Result<(), String> {
    use lopdf::{dictionary, Document, Object, Stream};
    let mut jpeg = Vec::new();
    JpegEncoder::new_with_quality(&mut jpeg, quality)
        .encode_image(img)
        .map_err(|e| e.to_string())?;
    let (w, h) = img.dimensions();
    // Points at 300 dpi.
    let (pw, ph) = (w as f32 * 72.0 / 300.0, h as f32 * 72.0 / 300.0);
    let mut doc = Document::with_version("1.4");
    let pages_id = doc.new_object_id();
    let image_id = doc.add_object(Stream::new(
        dictionary! {
            "Type" => "XObject",
            "Subtype" => "Image",
            "Width" => i64::from(w),
            "Height" => i64::from(h),
            "ColorSpace" => "DeviceRGB",
            "BitsPerComponent" => 8,
            "Filter" => "DCTDecode",
        },
        jpeg,
    ));
    let content = format!("q {pw:.2} 0 0 {ph:.2} 0 0 cm /Im0 Do Q");
    let content_id = doc.add_object(Stream::new(dictionary! {}, content.into_bytes()));
    let page_id = doc.add_object(dictionary! {
        "Type" => "Page",
        "Parent" => pages_id,
        "Contents" => content_id,
        "Resources" => dictionary! { "XObject" => dictionary! { "Im0" => image_id } },
        "MediaBox" => vec![0.into(), 0.into(), pw.into(), ph.into()],
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
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).map_err(|e| e.to_string())?;
    std::fs::write(path, bytes).map_err(|e| e.to_string())
}
