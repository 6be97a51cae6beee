//! Draws a card at 300 dpi (85 × 55 mm = 1004 × 650 pixels): five layouts (classic, centred,
//! two columns, colour band, right-aligned), DejaVu fonts in several families and weights,
//! colours, a simple logo, and a QR code when the content carries one.

use crate::content::{range, Content, Line, Role};
use ab_glyph::{FontVec, PxScale};
use image::{Rgb, RgbImage};
use imageproc::drawing::{
    draw_filled_circle_mut, draw_filled_rect_mut, draw_polygon_mut, draw_text_mut, text_size,
};
use imageproc::point::Point;
use imageproc::rect::Rect;
use netwerk_import::synth::Rng;

pub struct Family {
    pub name: String,
    regular: FontVec,
    bold: FontVec,
    italic: FontVec,
}

/// The font families found on this machine (Debian `fonts-dejavu-core` and `-extra`).
pub fn load_fonts() -> Result<Vec<Family>, String> {
    let dir = std::env::var("CARD_FONT_DIR")
        .unwrap_or_else(|_| "/usr/share/fonts/truetype/dejavu".to_string());
    let sets: &[(&str, &str, &str, &str)] = &[
        (
            "DejaVu Sans",
            "DejaVuSans",
            "DejaVuSans-Bold",
            "DejaVuSans-Oblique",
        ),
        (
            "DejaVu Serif",
            "DejaVuSerif",
            "DejaVuSerif-Bold",
            "DejaVuSerif-Italic",
        ),
        (
            "DejaVu Sans Condensed",
            "DejaVuSansCondensed",
            "DejaVuSansCondensed-Bold",
            "DejaVuSansCondensed-Oblique",
        ),
        (
            "DejaVu Serif Condensed",
            "DejaVuSerifCondensed",
            "DejaVuSerifCondensed-Bold",
            "DejaVuSerifCondensed-Italic",
        ),
        (
            "DejaVu Sans Light",
            "DejaVuSans-ExtraLight",
            "DejaVuSans",
            "DejaVuSans-Oblique",
        ),
        (
            "DejaVu Sans Mono",
            "DejaVuSansMono",
            "DejaVuSansMono-Bold",
            "DejaVuSansMono-Oblique",
        ),
    ];
    let load = |file: &str| -> Result<FontVec, String> {
        let path = format!("{dir}/{file}.ttf");
        let bytes = std::fs::read(&path).map_err(|e| format!("{path}: {e}"))?;
        FontVec::try_from_vec(bytes).map_err(|e| format!("{path}: {e}"))
    };
    let mut families = Vec::new();
    for (name, r, b, i) in sets {
        // The core package has Sans, Serif and Mono; the rest come with fonts-dejavu-extra.
        match (load(r), load(b), load(i)) {
            (Ok(regular), Ok(bold), Ok(italic)) => families.push(Family {
                name: name.to_string(),
                regular,
                bold,
                italic,
            }),
            (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => {
                if families.is_empty() && *name == "DejaVu Sans" {
                    return Err(format!("{e} (install fonts-dejavu-core)"));
                }
            }
        }
    }
    Ok(families)
}

const PAPERS: &[[u8; 3]] = &[
    [255, 255, 255],
    [255, 255, 255],
    [252, 250, 244],
    [246, 242, 232],
    [238, 238, 238],
    [232, 240, 250],
    [236, 246, 236],
];
const INKS: &[[u8; 3]] = &[
    [20, 20, 20],
    [20, 20, 20],
    [30, 40, 90],
    [20, 70, 40],
    [110, 20, 30],
    [60, 60, 60],
];
const ACCENTS: &[[u8; 3]] = &[
    [0, 120, 130],
    [230, 120, 20],
    [20, 90, 180],
    [190, 40, 40],
    [110, 50, 140],
    [40, 140, 60],
];

struct Style<'f> {
    paper: Rgb<u8>,
    ink: Rgb<u8>,
    accent: Rgb<u8>,
    family: &'f Family,
}

#[derive(Clone, Copy, PartialEq)]
enum Align {
    Left,
    Center,
    Right,
}

/// A line ready to draw.
struct Text<'f> {
    text: String,
    size: f32,
    font: &'f FontVec,
    color: Rgb<u8>,
}

fn width(t: &Text) -> f32 {
    text_size(PxScale::from(t.size), t.font, &t.text).0 as f32
}

fn pick<'a, T>(rng: &mut Rng, items: &'a [T]) -> &'a T {
    &items[rng.below(items.len())]
}

/// Draw `lines` as a column between `x0` and `x1` from `y` downwards; shrinks any line that
/// does not fit the column. Returns the y below the last line.
fn column(img: &mut RgbImage, lines: &[Text], x0: f32, x1: f32, mut y: f32, align: Align) -> f32 {
    for t in lines {
        let mut size = t.size;
        let mut w = width(t);
        if w > x1 - x0 {
            size = (size * (x1 - x0) / w).max(14.0);
            w = text_size(PxScale::from(size), t.font, &t.text).0 as f32;
        }
        let x = match align {
            Align::Left => x0,
            Align::Center => x0 + ((x1 - x0) - w) / 2.0,
            Align::Right => x1 - w,
        };
        draw_text_mut(
            img,
            t.color,
            x as i32,
            y as i32,
            PxScale::from(size),
            t.font,
            &t.text,
        );
        y += size * 1.35;
    }
    y
}

fn scaled<'f>(lines: &[Text<'f>], scale: f32) -> Vec<Text<'f>> {
    lines
        .iter()
        .map(|t| Text {
            text: t.text.clone(),
            size: t.size * scale,
            font: t.font,
            color: t.color,
        })
        .collect()
}

/// The lines, shrunk if needed so that they take at most `space` pixels of height.
fn fit<'f>(lines: &[Text<'f>], space: f32) -> Vec<Text<'f>> {
    let k = (space / height(lines).max(1.0)).min(1.0);
    scaled(lines, k)
}

fn height(lines: &[Text]) -> f32 {
    lines.iter().map(|t| t.size * 1.35).sum()
}

fn logo(
    img: &mut RgbImage,
    rng: &mut Rng,
    x: i32,
    y: i32,
    size: i32,
    color: Rgb<u8>,
    paper: Rgb<u8>,
) {
    let r = size / 2;
    match rng.below(4) {
        0 => draw_filled_circle_mut(img, (x + r, y + r), r, color),
        1 => draw_filled_rect_mut(img, Rect::at(x, y).of_size(size as u32, size as u32), color),
        2 => draw_polygon_mut(
            img,
            &[
                Point::new(x, y + size),
                Point::new(x + r, y),
                Point::new(x + size, y + size),
            ],
            color,
        ),
        _ => {
            draw_filled_circle_mut(img, (x + r, y + r), r, color);
            draw_filled_circle_mut(img, (x + r, y + r), r * 6 / 10, paper);
            draw_filled_circle_mut(img, (x + r + r / 2, y + r), r * 3 / 10, color);
        }
    }
}

fn qr(img: &mut RgbImage, payload: &str, x: i32, y: i32, max: u32) -> bool {
    // Level L keeps the code small enough for modules of 4 px (0.34 mm at 300 dpi), as printed.
    let Ok(code) =
        qrcode::QrCode::with_error_correction_level(payload.as_bytes(), qrcode::EcLevel::L)
    else {
        return false;
    };
    let n = code.width() as u32;
    let module = (max / (n + 8)).max(2);
    let side = module * (n + 8);
    draw_filled_rect_mut(
        img,
        Rect::at(x, y).of_size(side, side),
        Rgb([255, 255, 255]),
    );
    for (i, c) in code.to_colors().iter().enumerate() {
        if *c == qrcode::Color::Dark {
            let (mx, my) = ((i as u32 % n) + 4, (i as u32 / n) + 4);
            draw_filled_rect_mut(
                img,
                Rect::at(x + (mx * module) as i32, y + (my * module) as i32)
                    .of_size(module, module),
                Rgb([0, 0, 0]),
            );
        }
    }
    true
}

/// Render one card; returns the image and the layout's name.
pub fn card(content: &Content, rng: &mut Rng, fonts: &[Family]) -> (RgbImage, String, String) {
    let portrait = rng.chance(8);
    let (w, h) = if portrait {
        (650u32, 1004u32)
    } else {
        (1004, 650)
    };
    let dark = rng.chance(4);
    let family = pick(rng, fonts);
    let style = Style {
        paper: if dark {
            Rgb([25, 35, 70])
        } else {
            Rgb(*pick(rng, PAPERS))
        },
        ink: if dark {
            Rgb([245, 245, 245])
        } else {
            Rgb(*pick(rng, INKS))
        },
        accent: if dark {
            Rgb([250, 200, 80])
        } else {
            Rgb(*pick(rng, ACCENTS))
        },
        family,
    };
    let mut img = RgbImage::from_pixel(w, h, style.paper);
    let layout = if portrait || content.lines.len() > 12 {
        "centered"
    } else {
        *pick(
            rng,
            &[
                "classic",
                "classic",
                "centered",
                "two-column",
                "band",
                "right",
            ],
        )
    };
    let layout = if content.qr.is_some() && layout != "centered" {
        "classic"
    } else {
        layout
    };

    let f = style.family;
    let name_size = range(rng, 50.0, 64.0);
    let org_size = range(rng, 38.0, 52.0);
    let small = range(rng, 28.0, 34.0);
    let text = |l: &Line, color: Rgb<u8>| -> Text {
        let (size, font) = match l.role {
            Role::Name => (name_size, &f.bold),
            Role::Org => (org_size, &f.bold),
            Role::Title => (small + 3.0, &f.regular),
            Role::Department => (small, &f.italic),
            Role::Contact | Role::Address => (small, &f.regular),
            Role::Registry => (small * 0.78, &f.regular),
            Role::Slogan => (small, &f.italic),
        };
        Text {
            text: l.text.clone(),
            size,
            font,
            color,
        }
    };
    let of = |roles: &[Role], color: Rgb<u8>| -> Vec<Text> {
        content
            .lines
            .iter()
            .filter(|l| roles.contains(&l.role))
            .map(|l| text(l, color))
            .collect()
    };
    let accent_org = if rng.chance(60) {
        style.accent
    } else {
        style.ink
    };
    let org = of(&[Role::Org], accent_org);
    let person = of(&[Role::Name, Role::Title, Role::Department], style.ink);
    let contact = of(&[Role::Contact], style.ink);
    let address = of(&[Role::Address], style.ink);
    let footer = of(&[Role::Registry, Role::Slogan], style.ink);
    let (wf, hf) = (w as f32, h as f32);
    let m = 56.0;
    let logo_size = 84;

    match layout {
        "classic" => {
            let has_logo = rng.chance(70);
            let text_x = if has_logo {
                m + logo_size as f32 + 24.0
            } else {
                m
            };
            if has_logo {
                logo(
                    &mut img,
                    rng,
                    m as i32,
                    m as i32,
                    logo_size,
                    style.accent,
                    style.paper,
                );
            }
            let qr_side = 260;
            let right_limit = if content.qr.is_some() {
                wf - m - qr_side as f32 - 20.0
            } else {
                wf - m
            };
            column(&mut img, &org, text_x, right_limit, m + 10.0, Align::Left);
            let y = column(&mut img, &person, m, right_limit, hf * 0.30, Align::Left);
            if let Some(payload) = &content.qr {
                qr(
                    &mut img,
                    payload,
                    (wf - m) as i32 - qr_side,
                    (hf - m) as i32 - qr_side,
                    qr_side as u32,
                );
            }
            let foot_h = height(&footer);
            let bottom = hf - m * 0.6 - foot_h;
            column(&mut img, &footer, m, wf - m, bottom + 4.0, Align::Left);
            let top = y + 12.0;
            if content.qr.is_some() {
                // Beside the code: contact and address in one column, shrunk to fit.
                let stack: Vec<Text> = contact
                    .iter()
                    .chain(address.iter())
                    .map(|t| Text {
                        text: t.text.clone(),
                        ..*t
                    })
                    .collect();
                let stack = fit(&stack, bottom - top);
                column(
                    &mut img,
                    &stack,
                    m,
                    right_limit,
                    bottom - height(&stack),
                    Align::Left,
                );
            } else {
                let split = if address.is_empty() {
                    wf - m
                } else {
                    wf * 0.58
                };
                let contact = fit(&contact, bottom - top);
                column(
                    &mut img,
                    &contact,
                    m,
                    split - 10.0,
                    bottom - height(&contact),
                    Align::Left,
                );
                let address = fit(&address, bottom - top);
                column(
                    &mut img,
                    &address,
                    split + 10.0,
                    wf - m,
                    bottom - height(&address),
                    Align::Right,
                );
            }
        }
        "centered" => {
            let mut y = m * 0.8;
            if rng.chance(50) {
                logo(
                    &mut img,
                    rng,
                    (wf / 2.0) as i32 - 36,
                    y as i32,
                    72,
                    style.accent,
                    style.paper,
                );
                y += 90.0;
            }
            y = column(&mut img, &org, m, wf - m, y, Align::Center) + 8.0;
            y = column(&mut img, &person, m, wf - m, y, Align::Center) + 10.0;
            // Contacts two to a line where they fit, separated by a bar.
            let mut joined: Vec<Text> = Vec::new();
            let mut i = 0;
            while i < contact.len() {
                let t = &contact[i];
                if i + 1 < contact.len()
                    && t.text.len() + contact[i + 1].text.len() < 34
                    && !portrait
                {
                    joined.push(Text {
                        text: format!("{}  |  {}", t.text, contact[i + 1].text),
                        size: t.size,
                        font: t.font,
                        color: t.color,
                    });
                    i += 2;
                } else {
                    joined.push(Text {
                        text: t.text.clone(),
                        size: t.size,
                        font: t.font,
                        color: t.color,
                    });
                    i += 1;
                }
            }
            let rest: f32 = height(&joined) + height(&address) + height(&footer);
            let scale = ((hf - y - m * 0.5) / rest).min(1.0);
            y = column(
                &mut img,
                &scaled(&joined, scale),
                m,
                wf - m,
                y,
                Align::Center,
            );
            y = column(
                &mut img,
                &scaled(&address, scale),
                m,
                wf - m,
                y,
                Align::Center,
            );
            column(
                &mut img,
                &scaled(&footer, scale),
                m,
                wf - m,
                y,
                Align::Center,
            );
            if let Some(payload) = &content.qr {
                qr(
                    &mut img,
                    payload,
                    (wf - m) as i32 - 180,
                    (hf - m) as i32 - 180,
                    180,
                );
            }
        }
        "two-column" | "band" => {
            let mid = wf * 0.47;
            let top = if layout == "band" {
                let band = (hf * 0.26) as u32;
                draw_filled_rect_mut(&mut img, Rect::at(0, 0).of_size(w, band), style.accent);
                let org_white: Vec<Text> = org
                    .iter()
                    .map(|t| Text {
                        text: t.text.clone(),
                        size: t.size,
                        font: t.font,
                        color: style.paper,
                    })
                    .collect();
                let oy = (band as f32 - height(&org_white)) / 2.0 + 4.0;
                column(&mut img, &org_white, m, wf - m, oy, Align::Left);
                band as f32 + 30.0
            } else {
                draw_filled_rect_mut(
                    &mut img,
                    Rect::at(mid as i32, (m * 1.2) as i32).of_size(3, (hf - 2.4 * m) as u32),
                    style.accent,
                );
                let y = if rng.chance(50) {
                    logo(
                        &mut img,
                        rng,
                        m as i32,
                        m as i32,
                        64,
                        style.accent,
                        style.paper,
                    );
                    m + 80.0
                } else {
                    m
                };
                column(&mut img, &org, m, mid - 24.0, y, Align::Left) + 20.0
            };
            let py = if layout == "band" {
                top
            } else {
                top.max(hf * 0.42)
            };
            column(&mut img, &person, m, mid - 24.0, py, Align::Left);
            let right: Vec<Text> = contact
                .iter()
                .chain(address.iter())
                .map(|t| Text {
                    text: t.text.clone(),
                    size: t.size * 0.95,
                    font: t.font,
                    color: t.color,
                })
                .collect();
            let space = hf - top - m * 0.5 - height(&footer);
            let scale = (space / height(&right).max(1.0)).min(1.0);
            let right: Vec<Text> = right
                .into_iter()
                .map(|t| Text {
                    size: t.size * scale,
                    ..t
                })
                .collect();
            let ry = top.max((hf - height(&right) - height(&footer)) / 2.0);
            let y = column(&mut img, &right, mid + 24.0, wf - m * 0.7, ry, Align::Left);
            column(
                &mut img,
                &footer,
                m,
                wf - m,
                y.max(hf - m * 0.5 - height(&footer)),
                Align::Left,
            );
        }
        _ => {
            // Right-aligned: logo and organisation top left, the rest against the right edge.
            logo(
                &mut img,
                rng,
                m as i32,
                m as i32,
                logo_size,
                style.accent,
                style.paper,
            );
            let oy = m + logo_size as f32 + 12.0;
            column(&mut img, &org, m, wf * 0.5, oy, Align::Left);
            let y = column(&mut img, &person, wf * 0.45, wf - m, m, Align::Right) + 16.0;
            let rest: Vec<Text> = contact
                .iter()
                .chain(address.iter())
                .chain(footer.iter())
                .map(|t| Text {
                    text: t.text.clone(),
                    size: t.size,
                    font: t.font,
                    color: t.color,
                })
                .collect();
            let space = hf - y - m * 0.5;
            let scale = (space / height(&rest).max(1.0)).min(1.0);
            let rest: Vec<Text> = rest
                .into_iter()
                .map(|t| Text {
                    size: t.size * scale,
                    ..t
                })
                .collect();
            let ry = (hf - m * 0.5 - height(&rest)).max(y);
            column(&mut img, &rest, wf * 0.42, wf - m, ry, Align::Right);
        }
    }
    (img, layout.to_string(), family.name.clone())
}
