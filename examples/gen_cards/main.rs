//! Generates business-card images with their ground truth:
//!
//! ```text
//! gen_cards OUT_DIR COUNT SEED [--mode mixed|scan|photo|flatbed]
//! ```
//!
//! Writes `card-00001.jpg` (or `.png`) and `card-00001.json` (see `truth.rs`) per image.
//! Image *i* is drawn from its own seed (`SEED` and *i*), so any subset can be regenerated,
//! and the same arguments always give the same bytes. Languages alternate (half Dutch, half
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
    let mut it = args.iter().skip(1);
    while let Some(a) = it.next() {
        if a == "--mode" {
            mode = it.next().cloned().unwrap_or_default();
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
        eprintln!("usage: gen_cards OUT_DIR COUNT SEED [--mode mixed|scan|photo|flatbed]");
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
    let results: Vec<Result<usize, String>> = (0..count)
        .into_par_iter()
        .map(|i| one(&out, i, seed, &mode, &fonts))
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
        "gen_cards: {count} images, {cards} cards in {}",
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
        let lang = if (i + k) % 2 == 0 { "nl" } else { "en" };
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
    let file = if png {
        format!("{stem}.png")
    } else {
        format!("{stem}.jpg")
    };
    let path = out.join(&file);
    write_image(&picture, &path, png, quality).map_err(|e| format!("{}: {e}", path.display()))?;
    let truth = truth::Image {
        image: file,
        mode: mode.to_string(),
        seed: image_seed,
        cards: truth_cards,
    };
    let json = serde_json::to_string_pretty(&truth).map_err(|e| e.to_string())?;
    let json_path = out.join(format!("{stem}.json"));
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
