//! Diacritics that OCR drops on large type, put back from the picture.
//!
//! In: the prepared card (dark letters on white paper, about 330 dpi) and tesseract's words
//! with their boxes. Out: the same words, where a word read in plain ASCII letters shows a
//! diaeresis over one of its vowels (`Zoe` where the card says `Zoë`, `Ozlem` for `Özlem`,
//! `Coordinator` for `Coördinator`) or an `i` without its dot (`Yilmaz` for `Yılmaz`), with that
//! letter written as the picture shows it.
//!
//! Why: tesseract's `eng` and `nld` models read these marks at text size but lose them on the
//! large type of a name line at card resolution (BENCH-SCAN.md, sixth round: about half the
//! name misses of the development seeds; `ı` is in neither model). Reading at a smaller scale
//! brings marks back only sometimes and then often the wrong one (`Zoé` for `Zoë`). The marks
//! themselves are easy to see: two dots side by side over a letter are a diaeresis in every
//! language on a card here.
//!
//! How: the word's box, with room above it, is thresholded (Otsu) and split into connected
//! blobs. Blobs that reach the lower half of the word are letters; they must be exactly as many
//! as the word has letters, or the word is left alone (touching or broken letters make the
//! mapping a guess). Small blobs that sit over a letter, close above its top, are its marks.
//! Two of about the same size side by side over a vowel make a diaeresis; an `i` of x-height
//! with no ink at all above it is a dotless `ı`. Anything else, acute and grave accents
//! included, is left as tesseract read it: an empty or plain reading beats a guessed mark.
//!
//! Not done: accents (`é`, `è`, `ê`), cedillas and the like; words smaller than
//! [`MIN_HEIGHT`] pixels (text size, which tesseract reads with its marks).

use super::extract::Word;
use image::{GrayImage, Luma};
use imageproc::region_labelling::{connected_components, Connectivity};

/// Words lower than this (pixels, about 10 pt at the card's resolution) are left alone.
pub const MIN_HEIGHT: i32 = 28;

/// Put back the marks each word's picture shows and its text lacks.
pub fn restore(image: &GrayImage, words: &mut [Word]) {
    for word in words.iter_mut() {
        if let Some(text) = restored(image, word) {
            tracing::debug!("scan: marks put back in a word");
            word.text = text;
        }
    }
}

/// A connected blob of ink; bounds inclusive, in crop coordinates.
#[derive(Debug, Clone, Copy)]
struct Blob {
    left: u32,
    right: u32,
    top: u32,
    bottom: u32,
    area: u32,
}

impl Blob {
    fn height(&self) -> u32 {
        self.bottom - self.top + 1
    }
    fn width(&self) -> u32 {
        self.right - self.left + 1
    }
    fn centre_x(&self) -> f32 {
        (self.left + self.right) as f32 / 2.0
    }
    fn centre_y(&self) -> f32 {
        (self.top + self.bottom) as f32 / 2.0
    }
}

fn restored(image: &GrayImage, word: &Word) -> Option<String> {
    let chars: Vec<char> = word.text.chars().collect();
    if chars.len() < 2
        || chars.len() > 24
        || word.height < MIN_HEIGHT
        || !chars.iter().all(|c| c.is_ascii_alphabetic() || *c == '-')
        || !chars.iter().any(|c| "aeiouAEIOU".contains(*c))
    {
        return None;
    }
    let (iw, ih) = image.dimensions();
    let h = word.height as u32;
    // A mark may stand out past the letter's box (the right dot of a diaeresis); a space
    // between words is wider than this margin.
    let margin = (word.height / 6).max(3);
    let x0 = u32::try_from(word.left.saturating_sub(margin))
        .unwrap_or(0)
        .min(iw);
    let y0 = u32::try_from(word.top.saturating_sub(word.height / 2))
        .unwrap_or(0)
        .min(ih);
    let x1 = u32::try_from(word.left.saturating_add(word.width).saturating_add(margin))
        .unwrap_or(0)
        .min(iw);
    let y1 = u32::try_from(word.top.saturating_add(word.height).saturating_add(2))
        .unwrap_or(0)
        .min(ih);
    if x1 <= x0 + 4 || y1 <= y0 + 4 {
        return None;
    }
    let crop = image::imageops::crop_imm(image, x0, y0, x1 - x0, y1 - y0).to_image();
    let level = imageproc::contrast::otsu_level(&crop);
    // Letters must stand clearly off the paper, or blobs are noise.
    let (mut ink_sum, mut ink_n, mut paper_sum, mut paper_n) = (0u64, 0u64, 0u64, 0u64);
    for p in crop.pixels() {
        if p[0] <= level {
            ink_sum += u64::from(p[0]);
            ink_n += 1;
        } else {
            paper_sum += u64::from(p[0]);
            paper_n += 1;
        }
    }
    if ink_n == 0 || paper_n == 0 || paper_sum / paper_n < ink_sum / ink_n + 100 {
        return None;
    }
    let ink = GrayImage::from_fn(crop.width(), crop.height(), |x, y| {
        Luma([if crop.get_pixel(x, y)[0] <= level {
            255
        } else {
            0
        }])
    });
    let blobs = blobs(&ink);
    // The word's own top and bottom in the crop.
    let top = (word.top.max(0) as u32).saturating_sub(y0);
    let bottom = top + h;
    let letters: Vec<Blob> = {
        let mut v: Vec<Blob> = blobs
            .iter()
            .filter(|b| b.bottom >= top + h / 2 && b.height() * 10 >= h * 3)
            .copied()
            .collect();
        v.sort_by_key(|b| (b.left, b.top));
        v
    };
    let letter_chars: Vec<(usize, char)> = chars
        .iter()
        .copied()
        .enumerate()
        .filter(|(_, c)| *c != '-')
        .collect();
    if letters.len() != letter_chars.len() {
        return None;
    }
    let min_area = (h / 16).max(2).pow(2);
    let marks: Vec<Blob> = blobs
        .iter()
        .filter(|b| b.height() * 10 < h * 3 && b.width() * 10 < h * 6 && b.area >= min_area)
        .copied()
        .collect();
    // x-height: the median height of the letters without ascender or descender.
    let mut small: Vec<u32> = letter_chars
        .iter()
        .zip(&letters)
        .filter(|((_, c), _)| "acemnorsuvwxz".contains(*c))
        .map(|(_, b)| b.height())
        .collect();
    small.sort_unstable();
    let x_height = small.get(small.len() / 2).copied();
    let mut out = chars.clone();
    let mut changed = false;
    for (k, (&(at, c), letter)) in letter_chars.iter().zip(&letters).enumerate() {
        let over: Vec<&Blob> = marks
            .iter()
            .filter(|m| {
                m.bottom < letter.top
                    && letter.top - m.bottom <= letter.height() / 2 + 2
                    && nearest(&letters, m) == Some(k)
                    && m.centre_x() >= letter.left as f32 - 1.0
                    && m.centre_x() <= letter.right as f32 + 1.0
            })
            .collect();
        let new = match (c, over.as_slice()) {
            (_, [a, b]) if is_diaeresis(a, b, letter) => diaeresis(c),
            ('i', []) => {
                let xh = x_height?;
                let clear = letter.height() * 100 <= xh * 115
                    && letter.bottom + 2 >= bottom.saturating_sub(h / 3)
                    && nothing_above(&ink, letter, xh);
                clear.then_some('ı')
            }
            _ => None,
        };
        if let Some(n) = new {
            out[at] = n;
            changed = true;
        }
    }
    changed.then(|| out.into_iter().collect())
}

/// The letter whose centre is nearest to the mark's, along the line.
fn nearest(letters: &[Blob], mark: &Blob) -> Option<usize> {
    letters
        .iter()
        .enumerate()
        .min_by(|(_, a), (_, b)| {
            (a.centre_x() - mark.centre_x())
                .abs()
                .total_cmp(&(b.centre_x() - mark.centre_x()).abs())
        })
        .map(|(i, _)| i)
}

/// Two marks of about the same size, side by side at the same height, over one letter.
fn is_diaeresis(a: &Blob, b: &Blob, letter: &Blob) -> bool {
    let (small, large) = if a.area <= b.area { (a, b) } else { (b, a) };
    large.area <= small.area * 3
        && (a.centre_y() - b.centre_y()).abs() <= a.height().max(b.height()) as f32
        && (a.centre_x() - b.centre_x()).abs() >= letter.width() as f32 * 0.25
        && a.right.min(b.right) < a.left.max(b.left)
}

fn diaeresis(c: char) -> Option<char> {
    Some(match c {
        'a' => 'ä',
        'e' => 'ë',
        'i' => 'ï',
        'o' => 'ö',
        'u' => 'ü',
        'A' => 'Ä',
        'E' => 'Ë',
        'I' => 'Ï',
        'O' => 'Ö',
        'U' => 'Ü',
        _ => return None,
    })
}

/// No ink at all (not even a speck) in the column over the letter, up to most of an x-height
/// above it: where an `i`'s dot would be.
fn nothing_above(ink: &GrayImage, letter: &Blob, x_height: u32) -> bool {
    let from = letter.top.saturating_sub(x_height * 7 / 10);
    let (l, r) = (
        letter.left.saturating_sub(1),
        (letter.right + 1).min(ink.width() - 1),
    );
    from + 2 < letter.top
        && (from..letter.top.saturating_sub(1))
            .all(|y| (l..=r).all(|x| ink.get_pixel(x, y)[0] == 0))
}

/// The connected blobs of ink (8-connected) of a thresholded crop.
fn blobs(ink: &GrayImage) -> Vec<Blob> {
    let labels = connected_components(ink, Connectivity::Eight, Luma([0u8]));
    let mut out: Vec<Option<Blob>> = Vec::new();
    for (x, y, l) in labels.enumerate_pixels() {
        let l = l[0] as usize;
        if l == 0 {
            continue;
        }
        if out.len() < l {
            out.resize(l, None);
        }
        let b = out[l - 1].get_or_insert(Blob {
            left: x,
            right: x,
            top: y,
            bottom: y,
            area: 0,
        });
        b.left = b.left.min(x);
        b.right = b.right.max(x);
        b.top = b.top.min(y);
        b.bottom = b.bottom.max(y);
        b.area += 1;
    }
    out.into_iter().flatten().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `(left, top, width, height)`.
    type Rect = (u32, u32, u32, u32);

    /// A white card with dark rectangles.
    fn card(rects: &[Rect]) -> GrayImage {
        let mut img = GrayImage::from_pixel(400, 160, Luma([250]));
        for &(l, t, w, h) in rects {
            for y in t..t + h {
                for x in l..l + w {
                    img.put_pixel(x, y, Luma([20]));
                }
            }
        }
        img
    }

    fn word(text: &str, left: i32, top: i32, width: i32, height: i32) -> Word {
        Word {
            text: text.into(),
            left,
            top,
            width,
            height,
            conf: 90.0,
            line: 1,
        }
    }

    // Letters of a word on a baseline at y = 110: capitals 50 high, x-height 30, marks 7 × 7.
    const CAP: (u32, u32) = (60, 50);
    const SMALL: (u32, u32) = (80, 30);

    fn letter(left: u32, (top, h): (u32, u32)) -> Rect {
        (left, top, 24, h)
    }

    #[test]
    fn marks_are_put_back_only_where_the_picture_shows_them() {
        let z = letter(100, CAP);
        let o = letter(130, SMALL);
        let e = letter(160, SMALL);
        let dot = |left: u32| (left, 68, 7, 7);
        let i_stem = (160, 80, 8, 30);
        // (name, rectangles, word text as read, expected)
        let cases: Vec<(&str, Vec<Rect>, &str, &str)> = vec![
            (
                "two dots over e",
                vec![z, o, e, dot(162), dot(175)],
                "Zoe",
                "Zoë",
            ),
            ("nothing over e", vec![z, o, e], "Zoe", "Zoe"),
            (
                "one mark over e: not guessed",
                vec![z, o, e, dot(168)],
                "Zoe",
                "Zoe",
            ),
            (
                "a dotted i stays",
                vec![z, o, i_stem, (160, 68, 8, 7)],
                "Zoi",
                "Zoi",
            ),
            ("an i without its dot", vec![z, o, i_stem], "Zoi", "Zoı"),
            (
                "letters do not match the text",
                vec![z, o, e, dot(162), dot(175)],
                "Zoee",
                "Zoee",
            ),
            (
                "not plain letters",
                vec![z, o, e, dot(162), dot(175)],
                "Zo3",
                "Zo3",
            ),
        ];
        for (name, rects, read, want) in cases {
            let img = card(&rects);
            let mut words = vec![word(read, 100, 60, 90, 50)];
            restore(&img, &mut words);
            assert_eq!(words[0].text, want, "{name}");
        }
    }

    #[test]
    fn a_capital_with_two_dots_above_it() {
        // `Oz`: an O 30 wide and 50 high with two dots over it, then a small z.
        let img = card(&[
            (100, 60, 30, 50),
            (104, 48, 7, 7),
            (119, 48, 7, 7),
            (135, 80, 24, 30),
        ]);
        let mut words = vec![word("Oz", 100, 60, 60, 50)];
        restore(&img, &mut words);
        assert_eq!(words[0].text, "Öz");
    }

    #[test]
    fn small_type_and_faint_pictures_are_left_alone() {
        let mut img = card(&[letter(100, CAP), letter(130, SMALL), letter(160, SMALL)]);
        for (x, y) in [(162, 68), (175, 68)] {
            for dy in 0..7 {
                for dx in 0..7 {
                    img.put_pixel(x + dx, y + dy, Luma([20]));
                }
            }
        }
        let mut small = vec![word("Zoe", 100, 60, 90, MIN_HEIGHT - 1)];
        restore(&img, &mut small);
        assert_eq!(small[0].text, "Zoe");
        let faint = GrayImage::from_fn(400, 160, |x, y| {
            Luma([if img.get_pixel(x, y)[0] < 128 {
                180
            } else {
                250
            }])
        });
        let mut words = vec![word("Zoe", 100, 60, 90, 50)];
        restore(&faint, &mut words);
        assert_eq!(words[0].text, "Zoe");
    }
}
