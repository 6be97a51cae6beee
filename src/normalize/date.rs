//! Dates: birthdays and the date a relationship began.
//!
//! In: a date as a source wrote it. Out: ISO `YYYY-MM-DD`, or `--MM-DD` for a birthday
//! without a year; `Ok(None)` for the "no date" markers (`0-0-00`, `0.0.00`, empty).
//!
//! - [`birthday`]: vCard `19880101`, `1988-01-01`, `--0307`, `--03-07`; iOS's year 1604 and
//!   Google's year 1 (`   1-01-01`) mean "no year"; Dutch Outlook `1-1-1988`, `11.11.1988`,
//!   `1/1/88` are day first unless that is impossible; month names in English, Dutch and
//!   German (`7 maart 1988`, `March 7, 1988`).
//! - [`connected_on`]: LinkedIn `09 Oct 2024` and (2018) `1/8/18, 6:14 PM`, which is month
//!   first (US); Unix seconds as a decimal string (Facebook); ISO dates and date-times.
//!
//! Two-digit years are read without looking at the clock, so output never depends on the day
//! it runs: birthdays `00`–`29` are 20xx and `30`–`99` 19xx; relationship dates are 20xx.
//! Time zones are not converted: a date-time's own date is kept, Unix time is read as UTC.

use super::text;
use super::Invalid;

/// A calendar date; `year` is `None` for a year-less birthday.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Date {
    year: Option<i32>,
    month: u32,
    day: u32,
}

impl Date {
    fn iso(self) -> String {
        match self.year {
            Some(y) => format!("{y:04}-{:02}-{:02}", self.month, self.day),
            None => format!("--{:02}-{:02}", self.month, self.day),
        }
    }

    fn is_possible(self) -> bool {
        (1..=12).contains(&self.month)
            && self.day >= 1
            && self.day <= days_in_month(self.year, self.month)
            && self.year.is_none_or(|y| (1..=9999).contains(&y))
    }
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// Days in a month; February has 29 when the year is unknown (a birthday on 29 February).
fn days_in_month(year: Option<i32>, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 => match year {
            Some(y) if !is_leap(y) => 28,
            _ => 29,
        },
        _ => 0,
    }
}

/// The month for an English, Dutch or German month name or abbreviation (lower-case, with or
/// without a final dot).
fn month_number(word: &str) -> Option<u32> {
    let w = word.trim_end_matches('.');
    let n = match w {
        "jan" | "january" | "januari" | "januar" | "jän" | "jänner" => 1,
        "feb" | "febr" | "february" | "februari" | "februar" => 2,
        "mar" | "mrt" | "march" | "maart" | "märz" | "maerz" | "mrz" => 3,
        "apr" | "april" => 4,
        "may" | "mei" | "mai" => 5,
        "jun" | "june" | "juni" => 6,
        "jul" | "july" | "juli" => 7,
        "aug" | "august" | "augustus" => 8,
        "sep" | "sept" | "september" => 9,
        "oct" | "okt" | "october" | "oktober" => 10,
        "nov" | "november" => 11,
        "dec" | "dez" | "december" | "dezember" => 12,
        _ => return None,
    };
    Some(n)
}

/// A piece of a date: a run of digits (with its width) or a word.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Number(u32, usize),
    Word(String),
}

/// Digits and words of `s`; separators (`-`, `.`, `/`, `,`, spaces) vanish. `None` when a
/// number is too long to be part of a date.
fn pieces(s: &str) -> Option<(Vec<Piece>, Option<char>)> {
    let mut out = Vec::new();
    let mut sep = None;
    let mut chars = s.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_ascii_digit() {
            let mut digits = String::new();
            while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                digits.push(d);
                chars.next();
            }
            if digits.len() > 8 {
                return None;
            }
            out.push(Piece::Number(digits.parse().ok()?, digits.len()));
        } else if c.is_alphabetic() {
            let mut word = String::new();
            while let Some(&d) = chars.peek().filter(|d| d.is_alphabetic()) {
                word.extend(d.to_lowercase());
                chars.next();
            }
            out.push(Piece::Word(word));
        } else {
            if sep.is_none() && matches!(c, '-' | '.' | '/') {
                sep = Some(c);
            }
            chars.next();
        }
    }
    Some((out, sep))
}

/// Whether two-digit years are read as birthdays or as recent dates.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Birthday,
    Recent,
}

fn full_year(y: u32, width: usize, kind: Kind) -> i32 {
    let y = y as i32;
    if width > 2 {
        return y;
    }
    match kind {
        Kind::Birthday if y < 30 => 2000 + y,
        Kind::Birthday => 1900 + y,
        Kind::Recent => 2000 + y,
    }
}

/// Reads numeric day, month and year in the given order preference, swapping day and month
/// when the preferred reading is impossible and the other is not.
fn dmy(a: u32, b: u32, year: i32, day_first: bool) -> Date {
    let (day, month) = if day_first { (a, b) } else { (b, a) };
    let date = Date {
        year: Some(year),
        month,
        day,
    };
    if date.is_possible() {
        return date;
    }
    let swapped = Date {
        year: Some(year),
        month: day,
        day: month,
    };
    if swapped.is_possible() {
        swapped
    } else {
        date
    }
}

/// Parses the date part of `s`; `Ok(None)` for an all-zero "no date". The error is the
/// reason for the warning.
fn parse(s: &str, kind: Kind) -> Result<Option<Date>, &'static str> {
    // Year-less vCard forms: `--0307`, `--03-07`.
    if let Some(rest) = s.strip_prefix("--") {
        let digits: String = rest.chars().filter(char::is_ascii_digit).collect();
        if digits.len() == 4 && rest.chars().all(|c| c.is_ascii_digit() || c == '-') {
            let month = digits[..2].parse().map_err(|_| "is not a date")?;
            let day = digits[2..].parse().map_err(|_| "is not a date")?;
            return Ok(Some(Date {
                year: None,
                month,
                day,
            }));
        }
        return Err("is not a date");
    }
    // ISO date-time: keep the date (`1988-01-01T00:00:00Z`).
    let s = match s.find('T') {
        Some(i) if i >= 8 && s[..i].bytes().all(|b| b.is_ascii_digit() || b == b'-') => &s[..i],
        _ => s,
    };
    // LinkedIn 2018: `1/8/18, 6:14 PM`: the time after the comma is not part of the date.
    let s = match s.find(',') {
        Some(i) if s[..i].bytes().all(|b| b.is_ascii_digit() || b == b'/') => &s[..i],
        _ => s,
    };
    let (pieces, sep) = pieces(s).ok_or("is not a date")?;
    let numbers: Vec<(u32, usize)> = pieces
        .iter()
        .filter_map(|p| match p {
            Piece::Number(n, w) => Some((*n, *w)),
            Piece::Word(_) => None,
        })
        .collect();
    let words: Vec<&str> = pieces
        .iter()
        .filter_map(|p| match p {
            Piece::Word(w) => Some(w.as_str()),
            Piece::Number(..) => None,
        })
        .collect();
    if !numbers.is_empty() && numbers.iter().all(|(n, _)| *n == 0) && words.is_empty() {
        return Ok(None);
    }
    // Words: a month name and numbers for day and (optionally) year; `pm`, `am`, `at` and
    // weekday names are ignored.
    let months: Vec<u32> = words.iter().filter_map(|w| month_number(w)).collect();
    if let [month] = months.as_slice() {
        let (year, day) = match numbers.as_slice() {
            [(d, dw), (y, yw)] if *dw <= 2 => (Some(full_year(*y, *yw, kind)), *d),
            [(y, 4), (d, dw)] if *dw <= 2 => (Some(*y as i32), *d),
            [(d, dw)] if *dw <= 2 => (None, *d),
            _ => return Err("is not a date"),
        };
        return Ok(Some(Date {
            year,
            month: *month,
            day,
        }));
    }
    if !words.is_empty() {
        return Err("is not a date");
    }
    let date = match numbers.as_slice() {
        // `19880101`
        [(n, 8)] => Date {
            year: Some((n / 10000) as i32),
            month: (n / 100) % 100,
            day: n % 100,
        },
        // `1988-01-01`, and Google's year-less `   1-01-01` (year 1, month and day padded).
        [(y, 4), (m, _), (d, _)] => Date {
            year: Some(*y as i32),
            month: *m,
            day: *d,
        },
        [(y, yw), (m, 2), (d, 2)]
            if sep == Some('-') && *yw <= 3 && *y <= 1 && kind == Kind::Birthday =>
        {
            Date {
                year: None,
                month: *m,
                day: *d,
            }
        }
        // Day first (Dutch), or month first (the LinkedIn 2018 `M/D/YY`), swapped when the
        // preferred reading is impossible.
        [(a, aw), (b, bw), (y, yw)] if *aw <= 2 && *bw <= 2 && (*yw == 2 || *yw == 4) => {
            let day_first = !(kind == Kind::Recent && sep == Some('/'));
            dmy(*a, *b, full_year(*y, *yw, kind), day_first)
        }
        _ => return Err("is not a date"),
    };
    Ok(Some(date))
}

/// Applies the "no year" conventions and checks the date exists.
fn finish(date: Option<Date>, s: &str, field: &'static str) -> Result<Option<String>, Invalid> {
    let Some(mut date) = date else {
        return Ok(None);
    };
    // iOS writes a year-less birthday with the year 1604; Google with the year 1 (or 0).
    if matches!(date.year, Some(y) if y == 1604 || y <= 1) {
        date.year = None;
    }
    if date.is_possible() {
        Ok(Some(date.iso()))
    } else {
        Err(Invalid::new(field, s, "is not a possible date"))
    }
}

/// A birthday as `YYYY-MM-DD` or `--MM-DD`; `Ok(None)` when the source says "no date".
pub fn birthday(raw: &str) -> Result<Option<String>, Invalid> {
    let s = text::clean(raw);
    if s.is_empty() {
        return Ok(None);
    }
    match parse(&s, Kind::Birthday) {
        Ok(date) => finish(date, &s, "birthday"),
        Err(reason) => Err(Invalid::new("birthday", &s, reason)),
    }
}

/// The date a relationship began (LinkedIn `Connected On`, a Facebook friendship timestamp)
/// as `YYYY-MM-DD`; `Ok(None)` when empty.
pub fn connected_on(raw: &str) -> Result<Option<String>, Invalid> {
    let s = text::clean(raw);
    let s = s.trim_matches('"');
    if s.is_empty() {
        return Ok(None);
    }
    let invalid = |reason: &str| Invalid::new("connected-on date", s, reason);
    // Unix time: seconds (Facebook), milliseconds when longer; `1772926883.0` too.
    let int_part = s.split_once('.').map_or(s, |(i, f)| {
        if f.bytes().all(|b| b.is_ascii_digit()) {
            i
        } else {
            s
        }
    });
    if int_part.len() >= 9 && int_part.bytes().all(|b| b.is_ascii_digit()) {
        let n: i64 = int_part.parse().map_err(|_| invalid("is not a date"))?;
        // A zero timestamp is an exporter's "no date", as `0-0-00` is.
        if n == 0 {
            return Ok(None);
        }
        let secs = if int_part.len() >= 12 { n / 1000 } else { n };
        let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
        let date = Date {
            year: Some(y),
            month: m,
            day: d,
        };
        return finish(Some(date), s, "connected-on date")
            .map_err(|_| invalid("is not a possible date"));
    }
    match parse(s, Kind::Recent) {
        Ok(date) => match finish(date, s, "connected-on date")? {
            // A relationship date needs its year (year-less forms are birthday conventions).
            Some(iso) if iso.starts_with("--") => Err(invalid("has no year")),
            other => Ok(other),
        },
        Err(reason) => Err(invalid(reason)),
    }
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant, "chrono-compatible
/// low-level date algorithms", `civil_from_days`).
fn civil_from_days(z: i64) -> (i32, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = if m <= 2 { y + 1 } else { y };
    (y as i32, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BIRTHDAYS: &[(&str, Option<&str>)] = &[
        ("19880101", Some("1988-01-01")),
        ("1988-01-01", Some("1988-01-01")),
        ("1988-01-01T00:00:00Z", Some("1988-01-01")),
        ("--0307", Some("--03-07")),
        ("--03-07", Some("--03-07")),
        ("1604-03-07", Some("--03-07")),
        ("16040307", Some("--03-07")),
        ("   1-01-01", Some("--01-01")),
        ("1-03-07", Some("--03-07")),
        ("0001-03-07", Some("--03-07")),
        ("1-1-1988", Some("1988-01-01")),
        ("11.11.1988", Some("1988-11-11")),
        ("7-3-1988", Some("1988-03-07")),
        ("1/1/88", Some("1988-01-01")),
        ("7/3/88", Some("1988-03-07")),
        ("3/13/88", Some("1988-03-13")),
        ("1/1/05", Some("2005-01-01")),
        ("29-2-1988", Some("1988-02-29")),
        ("7 maart 1988", Some("1988-03-07")),
        ("7 March 1988", Some("1988-03-07")),
        ("March 7, 1988", Some("1988-03-07")),
        ("7 mrt", Some("--03-07")),
        ("0-0-00", None),
        ("0.0.00", None),
        ("00-00-0000", None),
        ("", None),
        ("  ", None),
    ];

    #[test]
    fn birthday_cases() {
        for (input, want) in BIRTHDAYS {
            let got = birthday(input);
            assert_eq!(
                got.as_ref().map(|o| o.as_deref()),
                Ok(*want),
                "birthday {input:?}"
            );
            if let Some(w) = want {
                assert_eq!(
                    birthday(w).as_ref().map(|o| o.as_deref()),
                    Ok(Some(*w)),
                    "idempotent on {w:?}"
                );
            }
        }
    }

    const BAD_BIRTHDAYS: &[&str] = &[
        "31-02-1988",
        "29-2-1989",
        "1988-13-01",
        "--1332",
        "gisteren",
        "1988",
        "32/13/88",
        "12345",
    ];

    #[test]
    fn impossible_birthdays_warn() {
        for input in BAD_BIRTHDAYS {
            let got = birthday(input);
            let err = got.expect_err(input);
            assert!(
                err.to_string()
                    .starts_with(&format!("birthday \"{input}\" is not")),
                "message for {input:?}: {err}"
            );
        }
    }

    const CONNECTED: &[(&str, Option<&str>)] = &[
        ("09 Oct 2024", Some("2024-10-09")),
        ("9 Oct 2024", Some("2024-10-09")),
        ("01 May 2019", Some("2019-05-01")),
        ("1/8/18, 6:14 PM", Some("2018-01-08")),
        ("\"1/8/18, 6:14 PM\"", Some("2018-01-08")),
        ("12/31/18, 11:59 AM", Some("2018-12-31")),
        ("1772926883", Some("2026-03-07")),
        ("1772926883.0", Some("2026-03-07")),
        ("1772926883000", Some("2026-03-07")),
        ("0", None),
        ("0000000000", None),
        ("2024-10-09", Some("2024-10-09")),
        ("2024-10-09T23:59:59+02:00", Some("2024-10-09")),
        ("20241009", Some("2024-10-09")),
        ("", None),
    ];

    #[test]
    fn connected_on_cases() {
        for (input, want) in CONNECTED {
            let got = connected_on(input);
            assert_eq!(
                got.as_ref().map(|o| o.as_deref()),
                Ok(*want),
                "connected_on {input:?}"
            );
            if let Some(w) = want {
                assert_eq!(
                    connected_on(w).as_ref().map(|o| o.as_deref()),
                    Ok(Some(*w)),
                    "idempotent on {w:?}"
                );
            }
        }
    }

    #[test]
    fn bad_connected_on_warns() {
        for input in ["yesterday", "13/13/18", "9 Oct", "31 Feb 2024"] {
            assert!(connected_on(input).is_err(), "connected_on {input:?}");
        }
    }

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
    }
}
