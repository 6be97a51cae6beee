//! Draws the business cards of the demo network in `fixtures/demo/`:
//!
//! ```text
//! cargo run --release --example demo_cards -- fixtures/demo
//! ```
//!
//! The demo's three people (Jan van der Berg, Kees Jansen, Fatima El Amrani) handed out cards at
//! the congress of 2026-10-03; those are photographed and scanned into the congress folder. Fatima
//! gave a second card at the networking evening of 2026-11-14, which the user photographed with a
//! phone that wrote the date and the GPS position into the photo's EXIF: that photo lies in an
//! undated folder, so the EXIF is all that says when and where.
//!
//! The cards are drawn with the card generator's renderer and degradations (`gen_cards`) from a
//! fixed seed, so the same command always gives the same bytes; the fixtures are committed and
//! only need drawing again when the renderer changes.

#[path = "gen_cards/content.rs"]
#[allow(dead_code)]
mod content;
#[path = "gen_cards/degrade.rs"]
#[allow(dead_code)]
mod degrade;
#[path = "gen_cards/render.rs"]
#[allow(dead_code)]
mod render;
#[path = "gen_cards/truth.rs"]
#[allow(dead_code)]
mod truth;

use content::{Content, Line, Role};
use image::codecs::jpeg::JpegEncoder;
use netwerk_import::synth::Rng;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// One card: where it goes, what is printed on it, how it was captured.
struct Demo {
    file: &'static str,
    lines: &'static [(Role, &'static str)],
    /// `scan` or `photo`.
    mode: &'static str,
    /// EXIF `DateTimeOriginal` and GPS (latitude, longitude in degrees, minutes, seconds×100).
    exif: Option<(&'static str, [u32; 3], [u32; 3])>,
    seed: u64,
}

const CONGRESS: &str = "2026-10-03 Congres GGZ, Utrecht";

const CARDS: &[Demo] = &[
    Demo {
        file: "jan.jpg",
        lines: &[
            (Role::Org, "Stichting Buurtzorg Voorbeeld"),
            (Role::Name, "Jan van der Berg"),
            (Role::Title, "Coördinator wijkteam"),
            (Role::Contact, "M 06 1234 5678"),
            (Role::Contact, "E jan.vanderberg@buurtvoorbeeld.nl"),
            (Role::Contact, "linkedin.com/in/janvdberg"),
            (Role::Address, "Oudegracht 12"),
            (Role::Address, "3511 AB Utrecht"),
        ],
        mode: "scan",
        exif: None,
        seed: 1003,
    },
    Demo {
        file: "kees.jpg",
        lines: &[
            (Role::Org, "Wijkcentrum De Brug"),
            (Role::Name, "Kees Jansen"),
            (Role::Title, "Opbouwwerker"),
            (Role::Contact, "E kees@debrug-voorbeeld.nl"),
        ],
        mode: "scan",
        exif: None,
        seed: 2003,
    },
    Demo {
        file: "fatima.jpg",
        lines: &[
            (Role::Org, "GGZ Centraal"),
            (Role::Name, "Fatima El Amrani"),
            (Role::Contact, "E f.elamrani@ggzvoorbeeld.nl"),
        ],
        mode: "photo",
        // Taken at the congress: the folder says more, so this only confirms it.
        exif: Some(("2026:10:03 11:42:07", [52, 5, 2160], [5, 6, 2520])),
        seed: 3003,
    },
];

/// Fatima's second card, photographed at the networking evening in Amersfoort.
const EVENING: Demo = Demo {
    file: "IMG_20261114_201533.jpg",
    lines: &[
        (Role::Org, "GGZ Centraal"),
        (Role::Name, "drs. Fatima El Amrani"),
        (Role::Title, "Ervaringsdeskundige"),
        (Role::Contact, "M 06 2345 6789"),
        (Role::Contact, "E f.elamrani@ggzvoorbeeld.nl"),
    ],
    mode: "photo",
    exif: Some(("2026:11:14 20:15:33", [52, 9, 2412], [5, 23, 2952])),
    seed: 4003,
};

fn main() -> ExitCode {
    let Some(root) = std::env::args().nth(1).map(PathBuf::from) else {
        eprintln!("usage: demo_cards FIXTURES_DEMO_DIR");
        return ExitCode::from(2);
    };
    let fonts = match render::load_fonts() {
        Ok(f) => f,
        Err(e) => {
            eprintln!("demo_cards: {e}");
            return ExitCode::from(2);
        }
    };
    let jobs = CARDS
        .iter()
        .map(|c| (root.join(CONGRESS).join(c.file), c))
        .chain(std::iter::once((
            root.join("fotos").join(EVENING.file),
            &EVENING,
        )));
    for (path, card) in jobs {
        if let Err(e) = draw(&path, card, &fonts) {
            eprintln!("demo_cards: {}: {e}", path.display());
            return ExitCode::from(1);
        }
        eprintln!("demo_cards: {}", path.display());
    }
    ExitCode::SUCCESS
}

fn draw(path: &Path, demo: &Demo, fonts: &[render::Family]) -> Result<(), String> {
    let mut rng = Rng::new(demo.seed);
    let content = Content {
        truth: truth::Card::default(),
        lines: demo
            .lines
            .iter()
            .map(|&(role, text)| Line {
                role,
                text: text.to_string(),
            })
            .collect(),
        qr: None,
    };
    let (card, _layout, _font) = render::card(&content, &mut rng, fonts);
    let picture = match demo.mode {
        "photo" => degrade::photo(&card, &mut rng),
        _ => degrade::scan(&card, &mut rng),
    };
    let mut jpeg = Vec::new();
    JpegEncoder::new_with_quality(&mut jpeg, 88)
        .encode_image(&picture)
        .map_err(|e| e.to_string())?;
    if let Some((when, lat, lon)) = demo.exif {
        jpeg = with_exif(&jpeg, when, lat, lon)?;
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    }
    std::fs::write(path, jpeg).map_err(|e| e.to_string())
}

/// The JPEG with an APP1 Exif segment (date taken, GPS north/east) right after its SOI marker.
fn with_exif(jpeg: &[u8], when: &str, lat: [u32; 3], lon: [u32; 3]) -> Result<Vec<u8>, String> {
    use exif::{Field, In, Rational, Tag, Value};
    let dms = |v: [u32; 3]| {
        Value::Rational(vec![
            Rational {
                num: v[0],
                denom: 1,
            },
            Rational {
                num: v[1],
                denom: 1,
            },
            Rational {
                num: v[2],
                denom: 100,
            },
        ])
    };
    let ascii = |s: &str| Value::Ascii(vec![s.as_bytes().to_vec()]);
    let fields = [
        Field {
            tag: Tag::DateTimeOriginal,
            ifd_num: In::PRIMARY,
            value: ascii(when),
        },
        Field {
            tag: Tag::GPSLatitudeRef,
            ifd_num: In::PRIMARY,
            value: ascii("N"),
        },
        Field {
            tag: Tag::GPSLatitude,
            ifd_num: In::PRIMARY,
            value: dms(lat),
        },
        Field {
            tag: Tag::GPSLongitudeRef,
            ifd_num: In::PRIMARY,
            value: ascii("E"),
        },
        Field {
            tag: Tag::GPSLongitude,
            ifd_num: In::PRIMARY,
            value: dms(lon),
        },
    ];
    let mut writer = exif::experimental::Writer::new();
    for f in &fields {
        writer.push_field(f);
    }
    let mut tiff = std::io::Cursor::new(Vec::new());
    writer.write(&mut tiff, false).map_err(|e| e.to_string())?;
    let tiff = tiff.into_inner();
    let len = u16::try_from(tiff.len() + 8).map_err(|_| "EXIF too long".to_string())?;
    if jpeg.get(..2) != Some(&[0xFF, 0xD8]) {
        return Err("not a JPEG".to_string());
    }
    let mut out = vec![0xFF, 0xD8, 0xFF, 0xE1];
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(b"Exif\0\0");
    out.extend_from_slice(&tiff);
    out.extend_from_slice(&jpeg[2..]);
    Ok(out)
}
