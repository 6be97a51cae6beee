//! Turns clean card renders into what scanners and phone cameras deliver: a flatbed scan of
//! one card (slight skew, scanner noise), a phone photo (table-top background, shadow,
//! rotation, perspective, uneven light, blur, noise, JPEG), or a flatbed scan with several
//! cards on a dark lid.

use crate::content::{range, unit};
use image::{imageops, GrayImage, Luma, Rgb, RgbImage, Rgba, RgbaImage};
use imageproc::drawing::draw_polygon_mut;
use imageproc::geometric_transformations::{warp_into, Interpolation, Projection};
use imageproc::point::Point;
use netwerk_import::synth::Rng;

/// Turn the card by quarter turns (clockwise).
pub fn quarter_turn(card: &RgbImage, degrees: u32) -> RgbImage {
    match degrees {
        90 => imageops::rotate90(card),
        180 => imageops::rotate180(card),
        270 => imageops::rotate270(card),
        _ => card.clone(),
    }
}

fn background(rng: &mut Rng, w: u32, h: u32) -> RgbImage {
    let kind = rng.below(10);
    let seed = rng.next_u64();
    let mut noise = Rng::new(seed);
    let base: [f32; 3] = match kind {
        0..=3 => [
            range(rng, 120.0, 165.0),
            range(rng, 80.0, 110.0),
            range(rng, 45.0, 70.0),
        ],
        4..=6 => {
            let g = range(rng, 35.0, 80.0);
            [g, g, g + range(rng, 0.0, 10.0)]
        }
        7 | 8 => [
            range(rng, 40.0, 140.0),
            range(rng, 60.0, 140.0),
            range(rng, 60.0, 160.0),
        ],
        _ => {
            let g = range(rng, 150.0, 185.0);
            [g, g, g]
        }
    };
    let freq = range(rng, 0.02, 0.06);
    let phase = range(rng, 0.0, 6.0);
    let mut img = RgbImage::new(w, h);
    for (x, y, px) in img.enumerate_pixels_mut() {
        let grain = match kind {
            // Wood: wavy stripes across the grain.
            0..=3 => 18.0 * ((x as f32 * freq + (y as f32 * 0.01).sin() * 3.0 + phase).sin()),
            // Tablecloth: a faint check.
            7 | 8 => {
                if ((x / 40) + (y / 40)) % 2 == 0 {
                    10.0
                } else {
                    -10.0
                }
            }
            _ => 0.0,
        };
        let n = (unit(&mut noise) - 0.5) * 16.0;
        *px = Rgb([
            (base[0] + grain + n).clamp(0.0, 255.0) as u8,
            (base[1] + grain * 0.8 + n).clamp(0.0, 255.0) as u8,
            (base[2] + grain * 0.6 + n).clamp(0.0, 255.0) as u8,
        ]);
    }
    img
}

/// Place the card on `canvas` with the corner quad `dst` (clockwise from top-left), casting
/// a soft shadow.
fn place(canvas: &mut RgbImage, card: &RgbImage, dst: [(f32, f32); 4], shadow: f32) {
    let (cw, ch) = (card.width() as f32, card.height() as f32);
    let src = [(0.0, 0.0), (cw, 0.0), (cw, ch), (0.0, ch)];
    if shadow > 0.0 {
        let mut mask = GrayImage::new(canvas.width(), canvas.height());
        let poly: Vec<Point<i32>> = dst
            .iter()
            .map(|(x, y)| Point::new((*x + 8.0) as i32, (*y + 12.0) as i32))
            .collect();
        if poly.first() != poly.last() {
            draw_polygon_mut(&mut mask, &poly, Luma([255]));
        }
        let mask = imageproc::filter::gaussian_blur_f32(&mask, 9.0);
        for (x, y, px) in canvas.enumerate_pixels_mut() {
            let k = 1.0 - shadow * mask.get_pixel(x, y)[0] as f32 / 255.0;
            for c in px.0.iter_mut() {
                *c = (*c as f32 * k) as u8;
            }
        }
    }
    let Some(proj) = Projection::from_control_points(src, dst) else {
        return;
    };
    let rgba = RgbaImage::from_fn(card.width(), card.height(), |x, y| {
        let p = card.get_pixel(x, y);
        Rgba([p[0], p[1], p[2], 255])
    });
    let mut out = RgbaImage::new(canvas.width(), canvas.height());
    warp_into(
        &rgba,
        &proj,
        Interpolation::Bilinear,
        Rgba([0, 0, 0, 0]),
        &mut out,
    );
    for (x, y, px) in canvas.enumerate_pixels_mut() {
        let o = out.get_pixel(x, y);
        let a = o[3] as f32 / 255.0;
        if a > 0.0 {
            for c in 0..3 {
                px[c] = (px[c] as f32 * (1.0 - a) + o[c] as f32 * a) as u8;
            }
        }
    }
}

/// Corners of a `w`×`h` rectangle centred at `(cx, cy)`, turned by `angle` radians, each
/// moved by up to `jitter` pixels (perspective).
fn quad(
    rng: &mut Rng,
    cx: f32,
    cy: f32,
    w: f32,
    h: f32,
    angle: f32,
    jitter: f32,
) -> [(f32, f32); 4] {
    let (s, c) = angle.sin_cos();
    let corners = [
        (-w / 2.0, -h / 2.0),
        (w / 2.0, -h / 2.0),
        (w / 2.0, h / 2.0),
        (-w / 2.0, h / 2.0),
    ];
    corners.map(|(x, y)| {
        (
            cx + x * c - y * s + range(rng, -jitter, jitter),
            cy + x * s + y * c + range(rng, -jitter, jitter),
        )
    })
}

fn light(img: &mut RgbImage, rng: &mut Rng, strength: f32) {
    let (w, h) = (img.width() as f32, img.height() as f32);
    let angle = range(rng, 0.0, std::f32::consts::TAU);
    let (dx, dy) = (angle.cos(), angle.sin());
    let vignette = range(rng, 0.0, 0.25);
    for (x, y, px) in img.enumerate_pixels_mut() {
        let (u, v) = (x as f32 / w - 0.5, y as f32 / h - 0.5);
        let grad = 1.0 - strength * (0.5 + u * dx + v * dy);
        let vig = 1.0 - vignette * (u * u + v * v) * 2.0;
        let k = (grad * vig).clamp(0.2, 1.2);
        for c in px.0.iter_mut() {
            *c = (*c as f32 * k).clamp(0.0, 255.0) as u8;
        }
    }
}

fn noise(img: &mut RgbImage, rng: &mut Rng, sigma: f64) {
    imageproc::noise::gaussian_noise_mut(img, 0.0, sigma, rng.next_u64());
}

/// A phone photo of one card on a table, about 1600 × 1200 pixels.
pub fn photo(card: &RgbImage, rng: &mut Rng) -> RgbImage {
    let (w, h) = (1600u32, 1200u32);
    let mut canvas = background(rng, w, h);
    let long = card.width().max(card.height()) as f32;
    let scale = range(rng, 0.55, 0.8) * w as f32 / long;
    let (cw, ch) = (card.width() as f32 * scale, card.height() as f32 * scale);
    let (cw, ch) = if ch > h as f32 * 0.85 {
        let k = h as f32 * 0.85 / ch;
        (cw * k, ch * k)
    } else {
        (cw, ch)
    };
    let cx = w as f32 / 2.0 + range(rng, -0.06, 0.06) * w as f32;
    let cy = h as f32 / 2.0 + range(rng, -0.05, 0.05) * h as f32;
    let angle = range(rng, -10.0, 10.0).to_radians();
    let jitter = range(rng, 0.0, 0.05) * cw;
    let dst = quad(rng, cx, cy, cw, ch, angle, jitter);
    place(&mut canvas, card, dst, range(rng, 0.25, 0.5));
    let strength = range(rng, 0.0, 0.35);
    light(&mut canvas, rng, strength);
    if rng.chance(60) {
        canvas = imageproc::filter::gaussian_blur_f32(&canvas, range(rng, 0.4, 1.3));
    }
    let sigma = range(rng, 2.0, 7.0) as f64;
    noise(&mut canvas, rng, sigma);
    canvas
}

/// A flatbed scan of one card at 270–330 dpi: a little skew, a white lid, scanner noise.
pub fn scan(card: &RgbImage, rng: &mut Rng) -> RgbImage {
    let scale = range(rng, 0.9, 1.1);
    let (cw, ch) = (card.width() as f32 * scale, card.height() as f32 * scale);
    let margin = range(rng, 20.0, 60.0);
    let (w, h) = ((cw + 2.0 * margin) as u32, (ch + 2.0 * margin) as u32);
    let lid = range(rng, 240.0, 255.0) as u8;
    let mut canvas = RgbImage::from_pixel(w, h, Rgb([lid, lid, lid]));
    let angle = range(rng, -2.5, 2.5).to_radians();
    let dst = quad(rng, w as f32 / 2.0, h as f32 / 2.0, cw, ch, angle, 0.0);
    place(&mut canvas, card, dst, 0.0);
    let sigma = range(rng, 1.0, 3.0) as f64;
    noise(&mut canvas, rng, sigma);
    canvas
}

/// A flatbed scan of an A4 bed at 200 dpi with several cards on a dark lid, in a grid of two
/// columns; `cards` are in reading order.
pub fn flatbed(cards: &[RgbImage], rng: &mut Rng) -> RgbImage {
    let (w, h) = (1700u32, 2340u32);
    let g = range(rng, 50.0, 120.0) as u8;
    let mut canvas = RgbImage::from_pixel(w, h, Rgb([g, g, g]));
    noise(&mut canvas, rng, 3.0);
    let scale = 200.0 / 300.0;
    for (i, card) in cards.iter().enumerate() {
        let (col, row) = ((i % 2) as f32, (i / 2) as f32);
        let (cw, ch) = (card.width() as f32 * scale, card.height() as f32 * scale);
        let cx = 80.0 + 420.0 + col * 820.0 + range(rng, -30.0, 30.0);
        let cy = 120.0 + 320.0 + row * 720.0 + range(rng, -30.0, 30.0);
        let angle = range(rng, -3.0, 3.0).to_radians();
        let dst = quad(rng, cx, cy, cw, ch, angle, 0.0);
        place(&mut canvas, card, dst, 0.0);
    }
    let sigma = range(rng, 1.0, 3.0) as f64;
    noise(&mut canvas, rng, sigma);
    canvas
}
