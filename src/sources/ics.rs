//! iCalendar (RFC 5545) reader: calendar events as encounter evidence.
//!
//! In: the bytes of one `.ics` file (any name; discovery sniffs `BEGIN:VCALENDAR`) and its
//! display path. Out: its `VEVENT`s in file order — summary, start date, location,
//! description, organizer and attendees with their `CN`, `PARTSTAT`, `CUTYPE` and e-mail — each
//! with its ordinal, first line and verbatim text, plus located diagnostics.
//!
//! Written by hand rather than with the `icalendar` crate because every event and every
//! problem must carry its line number, which that parser does not give. What it handles: a
//! UTF-8 BOM, CRLF, LF or lone CR line ends, folded lines (RFC 5545 §3.1, a space or a tab
//! continues the line), quoted parameter values (`CN="Berg, Jan"`), text escapes (`\,` `\;`
//! `\n` `\\`), nested components (`VALARM` inside an event is skipped), `DTSTART` as a date,
//! a local time, a time with `TZID` or a UTC time. Invalid UTF-8 is replaced and reported.
//!
//! What it does not do: time-zone arithmetic (the start date is the date as written, which for
//! a UTC time near midnight may be the day before or after local time), expanding recurring
//! events (`RRULE`: the first occurrence stands for the series), or deciding who counts as a
//! person met (that is `encounter::for_event`). Cancelled events (`STATUS:CANCELLED`) are left
//! out: nobody met there. A calendar never creates people.

use crate::diag::Diagnostic;

/// One `VEVENT`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Event {
    /// 1-based number of the event in its file (cancelled ones counted too).
    pub ordinal: u32,
    /// 1-based line of its `BEGIN:VEVENT`.
    pub line: Option<u32>,
    /// The event's lines verbatim, `\n`-joined.
    pub raw: String,
    pub summary: Option<String>,
    /// `YYYY-MM-DD` of `DTSTART`, as written.
    pub date: Option<String>,
    pub location: Option<String>,
    pub description: Option<String>,
    pub organizer: Option<Participant>,
    pub attendees: Vec<Participant>,
}

/// An `ORGANIZER` or `ATTENDEE`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Participant {
    /// From a `mailto:` value or the `EMAIL` parameter, lower-case.
    pub email: Option<String>,
    /// The `CN` parameter.
    pub name: Option<String>,
    /// `PARTSTAT`, upper-case (`ACCEPTED`, `DECLINED`, `TENTATIVE`, `NEEDS-ACTION`).
    pub partstat: Option<String>,
    /// `CUTYPE`, upper-case (`INDIVIDUAL`, `ROOM`, `RESOURCE`, `GROUP`, `UNKNOWN`).
    pub cutype: Option<String>,
}

/// What one calendar file gave.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CalendarRead {
    pub events: Vec<Event>,
    pub diagnostics: Vec<Diagnostic>,
}

/// A content line after unfolding: `NAME;PARAM=VALUE:value`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Property {
    /// Upper-case.
    name: String,
    /// `(NAME upper-case, value without quotes)`, in order.
    params: Vec<(String, String)>,
    value: String,
}

impl Property {
    fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Read one calendar file. Never fails: problems become diagnostics.
pub fn read(path: &str, bytes: &[u8]) -> CalendarRead {
    let mut out = CalendarRead::default();
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => std::borrow::Cow::Borrowed(text),
        Err(err) => {
            let line = bytes[..err.valid_up_to()]
                .iter()
                .filter(|b| **b == b'\n')
                .count()
                + 1;
            out.diagnostics.push(Diagnostic::warning(
                path,
                Some(to_u32(line)),
                "invalid UTF-8, replaced with U+FFFD",
            ));
            String::from_utf8_lossy(bytes)
        }
    };
    let lines = physical_lines(&text);
    let logical = unfold(&lines);

    // Components open above the current line, innermost last.
    let mut stack: Vec<String> = Vec::new();
    let mut event: Option<Event> = None;
    let mut first_line_of_event = 0usize;
    let mut ordinal = 0u32;
    let mut cancelled = false;
    let mut saw_calendar = false;
    for (start, end, line) in &logical {
        let line_no = Some(to_u32(start + 1));
        if line.trim().is_empty() {
            continue;
        }
        let Some(prop) = parse_property(line) else {
            // The line may hold an attendee's name: its text at debug level only (-vv).
            tracing::debug!(path, line = ?line_no, text = ?clip(line), "line skipped");
            out.diagnostics.push(Diagnostic::warning(
                path,
                line_no,
                "not an iCalendar content line, skipped",
            ));
            continue;
        };
        match prop.name.as_str() {
            "BEGIN" => {
                let what = prop.value.trim().to_ascii_uppercase();
                if what == "VCALENDAR" {
                    saw_calendar = true;
                }
                if what == "VEVENT" {
                    if let Some(pos) = stack.iter().rposition(|c| c == "VEVENT") {
                        // RFC 5545 nests no event in an event: the open one ends here.
                        out.diagnostics.push(Diagnostic::warning(
                            path,
                            line_no,
                            "BEGIN:VEVENT inside an event; the open event ends here",
                        ));
                        if let Some(mut ev) = event.take() {
                            ev.raw = lines[first_line_of_event..*start].join("\n");
                            if !cancelled {
                                out.events.push(ev);
                            }
                        }
                        stack.truncate(pos);
                    }
                    ordinal += 1;
                    first_line_of_event = *start;
                    cancelled = false;
                    event = Some(Event {
                        ordinal,
                        line: line_no,
                        ..Event::default()
                    });
                }
                stack.push(what);
            }
            "END" => {
                let what = prop.value.trim().to_ascii_uppercase();
                match stack.iter().rposition(|c| *c == what) {
                    Some(pos) => {
                        if pos + 1 != stack.len() {
                            out.diagnostics.push(Diagnostic::warning(
                                path,
                                line_no,
                                format!(
                                    "END:{what} closes {} still open",
                                    stack[pos + 1..].join(", ")
                                ),
                            ));
                        }
                        stack.truncate(pos);
                    }
                    None => out.diagnostics.push(Diagnostic::warning(
                        path,
                        line_no,
                        format!("END:{what} without BEGIN, skipped"),
                    )),
                }
                if what == "VEVENT" && !stack.iter().any(|c| c == "VEVENT") {
                    if let Some(mut ev) = event.take() {
                        ev.raw = lines[first_line_of_event..=*end].join("\n");
                        if !cancelled {
                            out.events.push(ev);
                        }
                    }
                }
            }
            _ => {
                // Only the event's own properties, not those of an alarm inside it.
                if stack.last().map(String::as_str) != Some("VEVENT") {
                    continue;
                }
                if let Some(ev) = event.as_mut() {
                    apply(
                        ev,
                        &prop,
                        path,
                        line_no,
                        &mut out.diagnostics,
                        &mut cancelled,
                    );
                }
            }
        }
    }
    if let Some(mut ev) = event.take() {
        out.diagnostics.push(Diagnostic::warning(
            path,
            ev.line,
            "event has no END:VEVENT; kept as far as it goes",
        ));
        ev.raw = lines[first_line_of_event..].join("\n");
        if !cancelled {
            out.events.push(ev);
        }
    }
    if !saw_calendar {
        out.diagnostics.push(Diagnostic::file(
            path,
            "no BEGIN:VCALENDAR found; not a calendar",
        ));
    }
    out
}

/// Fill one event property in.
fn apply(
    ev: &mut Event,
    prop: &Property,
    path: &str,
    line: Option<u32>,
    diagnostics: &mut Vec<Diagnostic>,
    cancelled: &mut bool,
) {
    let text = || Some(unescape(&prop.value)).filter(|t| !t.trim().is_empty());
    match prop.name.as_str() {
        "SUMMARY" => ev.summary = text(),
        "LOCATION" => ev.location = text(),
        "DESCRIPTION" => ev.description = text(),
        "STATUS" => *cancelled = prop.value.trim().eq_ignore_ascii_case("CANCELLED"),
        "DTSTART" => match start_date(&prop.value) {
            Some(date) => ev.date = Some(date),
            None => diagnostics.push(Diagnostic::warning(
                path,
                line,
                format!(
                    "DTSTART {:?} is not a date; event kept undated",
                    clip(&prop.value)
                ),
            )),
        },
        "ORGANIZER" => ev.organizer = Some(participant(prop)),
        "ATTENDEE" => ev.attendees.push(participant(prop)),
        _ => {}
    }
}

fn participant(prop: &Property) -> Participant {
    let value = prop.value.trim();
    let from_value = value
        .get(..7)
        .filter(|scheme| scheme.eq_ignore_ascii_case("mailto:"))
        .map(|_| &value[7..]);
    let email = from_value
        .or(prop.param("EMAIL"))
        .map(|e| e.trim().to_lowercase())
        .filter(|e| e.contains('@'));
    let upper = |v: &str| Some(v.trim().to_ascii_uppercase()).filter(|v| !v.is_empty());
    Participant {
        email,
        name: prop
            .param("CN")
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty()),
        partstat: prop.param("PARTSTAT").and_then(upper),
        cutype: prop.param("CUTYPE").and_then(upper),
    }
}

/// `20261003`, `20261003T140000`, `20261003T120000Z` → `2026-10-03`.
fn start_date(value: &str) -> Option<String> {
    let v = value.trim();
    let digits = v.get(..8)?;
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let rest = &v[8..];
    if !(rest.is_empty() || rest.starts_with('T')) {
        return None;
    }
    let month: u32 = digits[4..6].parse().ok()?;
    let day: u32 = digits[6..8].parse().ok()?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    Some(format!(
        "{}-{}-{}",
        &digits[..4],
        &digits[4..6],
        &digits[6..8]
    ))
}

/// TEXT values (RFC 5545 §3.3.11): `\\` `\;` `\,` `\n` `\N`.
fn unescape(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    let mut chars = v.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') | Some('N') => out.push('\n'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out.trim().to_string()
}

/// Split on CRLF, LF or a lone CR; no line keeps its ending.
fn physical_lines(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => {
                out.push(&text[start..i]);
                start = i + 1;
            }
            b'\r' => {
                out.push(&text[start..i]);
                if bytes.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

/// Join folded lines: `(first physical line, last physical line, text)`, 0-based.
fn unfold(lines: &[&str]) -> Vec<(usize, usize, String)> {
    let mut out: Vec<(usize, usize, String)> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        match (line.strip_prefix([' ', '\t']), out.last_mut()) {
            (Some(rest), Some(last)) => {
                last.1 = i;
                last.2.push_str(rest);
            }
            _ => out.push((i, i, (*line).to_string())),
        }
    }
    out
}

/// `NAME;P=V;Q="a;b":value`; `None` when there is no name or no `:`.
fn parse_property(line: &str) -> Option<Property> {
    let name_end = line.find([';', ':'])?;
    let name = line[..name_end].trim();
    if name.is_empty()
        || !name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
    {
        return None;
    }
    // A group prefix (`item1.ATTENDEE`) is allowed by the grammar; the name is what follows.
    let name = name.rsplit('.').next().unwrap_or(name).to_ascii_uppercase();
    let mut params = Vec::new();
    let rest = &line[name_end..];
    let mut value_start = None;
    // Walk `;k=v;k="v"…:` honouring quotes.
    let mut key = String::new();
    let mut val = String::new();
    let mut in_key = false;
    let mut in_quotes = false;
    for (i, c) in rest.char_indices() {
        if in_quotes {
            if c == '"' {
                in_quotes = false;
            } else {
                val.push(c);
            }
            continue;
        }
        match c {
            ';' => {
                if in_key || !key.is_empty() {
                    params.push((key.trim().to_ascii_uppercase(), val.clone()));
                }
                key.clear();
                val.clear();
                in_key = true;
            }
            '=' if in_key => in_key = false,
            '"' => in_quotes = true,
            ':' => {
                if !key.is_empty() {
                    params.push((key.trim().to_ascii_uppercase(), val.clone()));
                }
                value_start = Some(i + 1);
                break;
            }
            c if in_key => key.push(c),
            c => val.push(c),
        }
    }
    let value_start = value_start?;
    Some(Property {
        name,
        params,
        value: rest[value_start..].to_string(),
    })
}

fn clip(s: &str) -> String {
    s.chars().take(60).collect()
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_lines() {
        const CASES: &[(&str, &str)] = &[
            ("SUMMARY:Lunch", "SUMMARY [] Lunch"),
            (
                "ATTENDEE;CN=\"Berg, Jan\";PARTSTAT=ACCEPTED:mailto:jan@x.nl",
                "ATTENDEE [CN=Berg, Jan|PARTSTAT=ACCEPTED] mailto:jan@x.nl",
            ),
            (
                "DTSTART;TZID=Europe/Amsterdam:20261003T140000",
                "DTSTART [TZID=Europe/Amsterdam] 20261003T140000",
            ),
            ("summary:a:b", "SUMMARY [] a:b"),
            ("item1.ATTENDEE:mailto:a@b", "ATTENDEE [] mailto:a@b"),
            ("no colon here", "-"),
            (":value", "-"),
            ("BAD NAME:x", "-"),
        ];
        for (line, want) in CASES {
            let got = parse_property(line).map_or("-".to_string(), |p| {
                let params: Vec<String> =
                    p.params.iter().map(|(k, v)| format!("{k}={v}")).collect();
                format!("{} [{}] {}", p.name, params.join("|"), p.value)
            });
            assert_eq!(got, *want, "case {line:?}");
        }
    }

    #[test]
    fn start_dates() {
        const CASES: &[(&str, Option<&str>)] = &[
            ("20261003", Some("2026-10-03")),
            ("20261003T140000", Some("2026-10-03")),
            ("20261003T120000Z", Some("2026-10-03")),
            ("2026-10-03", None),
            ("20261303", None),
            ("2026100", None),
            ("20261003X", None),
        ];
        for (value, want) in CASES {
            assert_eq!(start_date(value).as_deref(), *want, "case {value:?}");
        }
    }

    #[test]
    fn text_escapes() {
        const CASES: &[(&str, &str)] = &[
            ("Jaarbeurs\\, Utrecht", "Jaarbeurs, Utrecht"),
            ("a\\nb\\Nc", "a\nb\nc"),
            ("a\\;b\\\\c", "a;b\\c"),
            ("trailing\\", "trailing\\"),
        ];
        for (value, want) in CASES {
            assert_eq!(unescape(value), *want, "case {value:?}");
        }
    }

    #[test]
    fn events_with_folds_alarms_and_locations() {
        let ics = "\u{feff}BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:1\r\n\
            SUMMARY:Koffie met\r\n  Jan\r\nDTSTART;VALUE=DATE:20261001\r\n\
            ORGANIZER;CN=Ik:mailto:ik@x.nl\r\n\
            ATTENDEE;CN=\"Berg, Jan\";PARTSTAT=ACCEPTED:MAILTO:Jan@X.nl\r\n\
            ATTENDEE;CUTYPE=ROOM;CN=Zaal 1:mailto:zaal@x.nl\r\n\
            BEGIN:VALARM\r\nDESCRIPTION:Reminder\r\nEND:VALARM\r\nEND:VEVENT\r\n\
            BEGIN:VEVENT\r\nSUMMARY:Afgelast\r\nSTATUS:CANCELLED\r\nEND:VEVENT\r\n\
            BEGIN:VEVENT\r\nSUMMARY:Open\r\nDTSTART:bogus\r\n";
        let got = read("cal.ics", ics.as_bytes());
        assert_eq!(got.events.len(), 2, "{got:?}");
        let e = &got.events[0];
        assert_eq!(e.ordinal, 1);
        assert_eq!(e.line, Some(3));
        assert_eq!(e.summary.as_deref(), Some("Koffie met Jan"));
        assert_eq!(e.date.as_deref(), Some("2026-10-01"));
        assert_eq!(
            e.description, None,
            "the alarm's description is not the event's"
        );
        assert_eq!(
            e.organizer.as_ref().and_then(|o| o.email.as_deref()),
            Some("ik@x.nl")
        );
        assert_eq!(e.attendees.len(), 2);
        assert_eq!(e.attendees[0].email.as_deref(), Some("jan@x.nl"));
        assert_eq!(e.attendees[0].name.as_deref(), Some("Berg, Jan"));
        assert_eq!(e.attendees[1].cutype.as_deref(), Some("ROOM"));
        assert!(e
            .raw
            .starts_with("BEGIN:VEVENT\nUID:1\nSUMMARY:Koffie met\n  Jan"));
        assert!(e.raw.ends_with("END:VEVENT"));
        // The cancelled one is counted but left out; the open one is kept, undated.
        let open = &got.events[1];
        assert_eq!(open.ordinal, 3);
        assert_eq!(open.date, None);
        let diags: Vec<String> = got.diagnostics.iter().map(|d| d.to_string()).collect();
        assert_eq!(
            diags,
            vec![
                "cal.ics:21: DTSTART \"bogus\" is not a date; event kept undated",
                "cal.ics:19: event has no END:VEVENT; kept as far as it goes",
            ]
        );
    }

    #[test]
    fn not_a_calendar_and_bad_bytes_are_reported() {
        let got = read("x.ics", b"BEGIN:VEVENT\nSUMMARY:\xff\nEND:VEVENT\n");
        let diags: Vec<String> = got.diagnostics.iter().map(|d| d.to_string()).collect();
        assert_eq!(
            diags,
            vec![
                "x.ics:2: invalid UTF-8, replaced with U+FFFD",
                "x.ics: no BEGIN:VCALENDAR found; not a calendar",
            ]
        );
        assert_eq!(got.events.len(), 1);
    }
}
