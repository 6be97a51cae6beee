//! Hostile images through the whole binary: a folder with one good card scan and a file of
//! every broken kind (truncated JPEG and PNG, an empty `.jpg`, a PNG whose header claims
//! 30 000 × 30 000 pixels, a real decompression bomb, a text file named `.jpg`, JPEG magic
//! followed by garbage; a truncated HEIC, a HEIC `ftyp` header followed by garbage, and a
//! HEIC whose header claims 30 000 × 30 000 pixels). Each broken file gives a located message on stderr (its path, then
//! what is wrong), the good card is still imported, the exit status says "finished, some
//! inputs rejected", and the process never holds the bomb's pixels in memory.

mod common;

use common::{bin, export};
use std::path::{Path, PathBuf};

fn good_card() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/scan-demo/cards/2026-10-03 Congres GGZ, Utrecht/dirk.jpg")
}

/// The HEIC card fixture (made with heif-enc, see `fixtures/scan/README.md`).
fn heic_card() -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/scan/card-00001.heic"))
        .expect("HEIC fixture")
}

/// `heic` with its image spatial extents (`ispe`: version and flags, then width and height)
/// claiming `width` × `height` pixels; the coded image stays the small one.
fn heic_claiming(heic: &[u8], width: u32, height: u32) -> Vec<u8> {
    let at = heic
        .windows(4)
        .position(|w| w == b"ispe")
        .expect("an ispe box");
    let mut b = heic.to_vec();
    b[at + 8..at + 12].copy_from_slice(&width.to_be_bytes());
    b[at + 12..at + 16].copy_from_slice(&height.to_be_bytes());
    b
}

/// A PNG with the given IHDR fields and one IDAT chunk holding `idat`.
fn png(width: u32, height: u32, bit_depth: u8, color: u8, idat: &[u8]) -> Vec<u8> {
    let mut b = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut chunk = |kind: &[u8], data: &[u8]| {
        b.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let start = b.len();
        b.extend_from_slice(kind);
        b.extend_from_slice(data);
        let crc = crc32fast::hash(&b[start..]);
        b.extend_from_slice(&crc.to_be_bytes());
    };
    let mut ihdr = width.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[bit_depth, color, 0, 0, 0]);
    chunk(b"IHDR", &ihdr);
    chunk(b"IDAT", idat);
    chunk(b"IEND", &[]);
    b
}

/// Bits written least significant first, as deflate wants them.
#[derive(Default)]
struct Bits {
    out: Vec<u8>,
    acc: u32,
    n: u32,
}

impl Bits {
    fn put(&mut self, value: u32, count: u32) {
        self.acc |= value << self.n;
        self.n += count;
        while self.n >= 8 {
            self.out.push(self.acc as u8);
            self.acc >>= 8;
            self.n -= 8;
        }
    }
    /// A Huffman code: most significant bit first.
    fn code(&mut self, code: u32, len: u32) {
        let reversed = code.reverse_bits() >> (32 - len);
        self.put(reversed, len);
    }
    fn finish(mut self) -> Vec<u8> {
        if self.n > 0 {
            self.out.push(self.acc as u8);
        }
        self.out
    }
}

/// A valid zlib stream of `len` zero bytes, written directly (one fixed-Huffman block: a
/// literal zero, then copies of 258 bytes at distance 1, 13 bits each), so that the test
/// makes a real bomb without first holding its hundreds of megabytes.
fn zlib_zeros(len: u64) -> Vec<u8> {
    let mut bits = Bits::default();
    bits.put(1, 1); // final block
    bits.put(1, 2); // fixed Huffman codes
                    // Literal 0: fixed code 0x30, 8 bits.
    bits.code(0x30, 8);
    let mut left = len - 1;
    // Length 258 is symbol 285 (8-bit code 0xC5), no extra bits; distance 1 is code 0 (5 bits).
    while left >= 258 + 3 || left == 258 {
        bits.code(0xC5, 8);
        bits.code(0, 5);
        left -= 258;
    }
    // The rest, at most 260 bytes, as literals.
    for _ in 0..left {
        bits.code(0x30, 8);
    }
    bits.code(0, 7); // end of block (symbol 256)
    let mut out = vec![0x78, 0x01];
    out.extend(bits.finish());
    // Adler-32 of zeros: a stays 1, b adds 1 per byte.
    let b = (len % 65_521) as u32;
    out.extend_from_slice(&((b << 16) | 1).to_be_bytes());
    out
}

/// Peak resident memory of the waited-for children of this test process, in MB.
fn children_peak_mb() -> i64 {
    // SAFETY: getrusage fills the struct we own.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: as above; RUSAGE_CHILDREN is a valid target.
    let rc = unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
    assert_eq!(rc, 0, "getrusage");
    usage.ru_maxrss / 1024
}

#[test]
fn a_batch_with_hostile_images_goes_on_and_names_each() {
    let dir = tempfile::tempdir().expect("tempdir");
    let batch = dir.path().join("scans");
    std::fs::create_dir(&batch).expect("mkdir");
    let good = std::fs::read(good_card()).expect("fixture card");
    std::fs::write(batch.join("a-good.jpg"), &good).expect("write");

    // A real PNG of a card, then cut in half.
    let card_png = {
        let img = image::load_from_memory(&good).expect("fixture decodes");
        let mut bytes = Vec::new();
        img.write_to(
            &mut std::io::Cursor::new(&mut bytes),
            image::ImageFormat::Png,
        )
        .expect("encode PNG");
        bytes
    };
    // A 7000 × 7000 16-bit RGBA PNG: under the pixel limit, but 392 MB once decoded. Each
    // row is its filter byte and 56 000 zero bytes.
    let bomb = png(7000, 7000, 16, 6, &zlib_zeros(7000 * (1 + 7000 * 8)));
    assert!(bomb.len() < 3_000_000, "the bomb is small on disk");
    // A real, valid 30 000 × 30 000 grey PNG of zeros (900 MB of pixels, 6 MB on disk).
    let huge = png(30_000, 30_000, 8, 0, &zlib_zeros(30_000 * 30_001));
    let mut garbage = b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00".to_vec();
    garbage.extend((0..4000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
    let heic = heic_card();
    let mut heic_garbage = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic".to_vec();
    heic_garbage.extend((0..4000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));

    let files: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "b-truncated.jpg",
            good[..good.len() / 3].to_vec(),
            "not a readable image",
        ),
        (
            "c-truncated.png",
            card_png[..card_png.len() / 2].to_vec(),
            "not a readable image",
        ),
        ("d-empty.jpg", Vec::new(), "empty file named like an image"),
        ("e-huge.png", huge, "30000 × 30000 pixels is over the limit"),
        ("f-bomb.png", bomb, "would take 373 MB decoded"),
        (
            "g-notes.jpg",
            b"Meeting notes\nCall Dirk about the training\n".to_vec(),
            "named like an image but not one",
        ),
        ("h-garbage.jpg", garbage, "not a readable image"),
        (
            "i-truncated.heic",
            heic[..heic.len() / 2].to_vec(),
            "damaged or cut-off HEIC file (Invalid input: Unexpected end of file",
        ),
        (
            "j-garbage.heic",
            heic_garbage,
            "damaged or cut-off HEIC file",
        ),
        (
            "k-huge.heic",
            heic_claiming(&heic, 30_000, 30_000),
            "30000 × 30000 pixels is over the limit",
        ),
    ];
    for (name, bytes, _) in &files {
        std::fs::write(batch.join(name), bytes).expect("write");
    }

    let index = dir.path().join("index.db");
    let out = bin()
        .arg("--index")
        .arg(&index)
        .args(["--threads", "2"])
        .arg(&batch)
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    for (name, _, what) in &files {
        let path = batch.join(name).display().to_string();
        assert!(
            stderr
                .lines()
                .any(|l| l.contains(&format!("{path}: ")) && l.contains(what)),
            "no located message for {name} ({what:?}) in:\n{stderr}"
        );
    }
    assert!(
        !stderr.contains("panicked"),
        "a hostile file made it panic:\n{stderr}"
    );
    // The bomb never became pixels: two workers with their engines and the good card stay
    // well under its 392 MB (the binary peaks at 223 MB with -j 2 on 60 cards, BENCH-SCAN.md).
    let peak = children_peak_mb();
    assert!(peak < 330, "peak resident memory {peak} MB");

    let text = export(&index, "jsonl");
    assert_eq!(text.lines().count(), 1, "the good card is imported: {text}");
    assert!(text.contains("a-good.jpg"), "{text}");
    assert!(text.contains("dvandermeer@samen-verder.nl"), "{text}");
}
