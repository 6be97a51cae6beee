//! The report as one self-contained HTML page.
//!
//! In: a [`ReportData`]. Out: an HTML5 document as a string: inline CSS, no scripts, no
//! external resources, and a Content-Security-Policy that would block them anyway (a value
//! that slipped through as markup still could not load or run anything).
//!
//! Every value from the index (names, paths, reasons, commands) goes through `maud`'s
//! escaping: the `html!` macro escapes whatever is spliced in with `(…)`. The only
//! `PreEscaped` is the constant style sheet below. Colours: the header band is
//! [`BAND_COLOUR`], which the browser test looks for in the screenshot.

use super::{
    CompareRow, Evidence, FieldScore, PersonConflicts, PersonRef, RecordRef, ReportData, Uncertain,
};
use maud::{html, Markup, PreEscaped, DOCTYPE};

/// Nothing may load from anywhere; only the inline style sheet and data: images apply.
pub const CONTENT_SECURITY_POLICY: &str =
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

/// The header band's background, `#1f5f8b`.
pub const BAND_COLOUR: [u8; 3] = [0x1f, 0x5f, 0x8b];

const STYLE: &str = "\
body{margin:0;font:15px/1.45 \"DejaVu Sans\",system-ui,sans-serif;color:#1b1b1b;background:#fff}
header.band{background:#1f5f8b;color:#fff;padding:20px 32px;min-height:60px}
header.band h1{margin:0;font-size:26px}
header.band p{margin:4px 0 0}
nav{padding:8px 32px;background:#eef3f7;border-bottom:1px solid #c8d3dc}
nav a{margin-right:18px;color:#1f5f8b}
main{padding:0 32px 40px;max-width:1200px}
h2{border-bottom:2px solid #1f5f8b;padding-bottom:4px;margin-top:36px}
h3{margin:4px 0 8px;font-size:17px}
table{border-collapse:collapse;margin:8px 0 12px}
th,td{border:1px solid #c8d3dc;padding:4px 10px;text-align:left;vertical-align:top}
th{background:#eef3f7;font-weight:600}
td.num{text-align:right;font-variant-numeric:tabular-nums}
article{border:1px solid #c8d3dc;border-radius:6px;padding:10px 16px;margin:14px 0}
.diff{background:#fde2c0}
.muted{color:#5f6b75}
.agree{color:#17633a}
.disagree{color:#a12a2a}
code,pre{font-family:\"DejaVu Sans Mono\",monospace;font-size:13px}
pre{background:#f4f6f8;border:1px solid #dde3e8;padding:8px 10px;margin:8px 0}
ul.plain{padding-left:20px}
";

/// Render the whole page.
pub fn render_html(data: &ReportData) -> String {
    let page = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta http-equiv="Content-Security-Policy" content=(CONTENT_SECURITY_POLICY);
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { "netwerk-import: deduplication report" }
                style { (PreEscaped(STYLE)) }
            }
            body {
                header.band {
                    h1 { "Deduplication report" }
                    @match &data.last_run {
                        Some(run) => p { "The index after run " (run.id) ", started " (run.started_at) "." },
                        None => p { "The index is empty: nothing has been imported yet." },
                    }
                }
                nav {
                    a href="#summary" { "Summary" }
                    a href="#merges" { "Merges (" (data.merges_total) ")" }
                    a href="#uncertain" { "Uncertain (" (data.uncertain_total) ")" }
                    a href="#conflicts" { "Conflicts (" (data.conflicts_total) ")" }
                    a href="#rejected" { "Rejected (" (data.rejected_total) ")" }
                    a href="#purpose" { "Without a purpose (" (data.without_purpose_total) ")" }
                }
                main {
                    (summary(data))
                    (merges(data))
                    (uncertain(data))
                    (conflicts(data))
                    (rejected(data))
                    (purpose(data))
                }
            }
        }
    };
    break_lines(&page.into_string())
}

/// One block element per line, so that the page's source reads and diffs well. Only markup
/// this module wrote contains a raw `<` (every value is escaped to `&lt;`), and no `<pre>`
/// holds child elements, so a line break before these tags never changes what a value says.
fn break_lines(html: &str) -> String {
    const BLOCKS: &[&str] = &[
        "<head>",
        "<meta ",
        "<title>",
        "<style>",
        "<body>",
        "<header",
        "<nav>",
        "<main>",
        "<section ",
        "</section>",
        "<article>",
        "</article>",
        "<h2>",
        "<h3>",
        "<p>",
        "<p ",
        "<pre>",
        "<table>",
        "</table>",
        "<tr>",
        "<ul ",
        "</ul>",
        "<li>",
        "</body>",
        "</html>",
        "<a ",
    ];
    let mut out = String::with_capacity(html.len() + html.len() / 16);
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        if BLOCKS.iter().any(|b| tail.starts_with(b)) && !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
        out.push('<');
        rest = &tail[1..];
    }
    out.push_str(rest);
    out.push('\n');
    out
}

fn summary(data: &ReportData) -> Markup {
    let rows: Vec<(&str, usize)> = vec![
        ("runs that changed the index", data.runs),
        ("files", data.files()),
        ("records imported", data.records_imported()),
        ("records rejected", data.rejected_total),
        ("persons in the index", data.persons_total),
        ("persons retired (merged or gone)", data.persons_retired),
        ("automatic merges", data.merges_total),
        ("uncertain pairs", data.uncertain_total),
        ("persons with conflicts", data.conflicts_total),
        ("met recently, no purpose yet", data.without_purpose_total),
    ];
    html! {
        section #summary {
            h2 { "Summary" }
            table {
                @for (what, n) in &rows {
                    tr { th { (what) } td.num { (n) } }
                }
            }
            @if let Some(run) = &data.last_run {
                h3 { "The latest run" }
                p { code { (run.command) } }
                table {
                    tr {
                        th { "files new" } th { "changed" } th { "unchanged" } th { "gone" }
                        th { "records added" } th { "rejected" }
                        th { "persons new" } th { "updated" } th { "retired" } th { "total" }
                    }
                    tr {
                        td.num { (run.files_new) } td.num { (run.files_changed) }
                        td.num { (run.files_unchanged) } td.num { (run.files_deleted) }
                        td.num { (run.records_added) } td.num { (run.records_rejected) }
                        td.num { (run.persons_new) } td.num { (run.persons_updated) }
                        td.num { (run.persons_retired) } td.num { (run.persons_total) }
                    }
                }
            }
            @if !data.kinds.is_empty() {
                h3 { "Per kind of source" }
                table {
                    tr { th { "kind" } th { "files" } th { "records" } th { "rejected" } }
                    @for k in &data.kinds {
                        tr {
                            td { code { (k.kind) } }
                            td.num { (k.files) } td.num { (k.records) } td.num { (k.rejected) }
                        }
                    }
                }
            }
        }
    }
}

/// "Showing the first N of M" when a list was cut.
fn cut(shown: usize, total: usize) -> Markup {
    html! {
        @if shown < total {
            p.muted { "The first " (shown) " of " (total) " are shown." }
        }
    }
}

fn none() -> Markup {
    html! { p.muted { "None." } }
}

fn person(p: &Option<PersonRef>) -> Markup {
    html! {
        @match p {
            Some(p) => {
                (p.name.as_deref().unwrap_or("(no name)")) " "
                span.muted { "(" code { (p.id) } ")" }
                @if p.retired { " " span.muted { "retired" } }
            }
            None => span.muted { "(no person)" },
        }
    }
}

fn score(e: &Evidence) -> Markup {
    html! {
        p {
            "Score: weight " strong { (format!("{:+.2}", e.weight)) } " bits, probability "
            strong { (format!("{:.6}", e.probability)) }
            @if e.swapped { " (given and family name agreed only crosswise)" }
        }
    }
}

fn records(a: &RecordRef, b: &RecordRef) -> Markup {
    let row = |what: &str, f: &dyn Fn(&RecordRef) -> Option<String>| {
        html! {
            tr {
                th { (what) }
                td { (f(a).unwrap_or_default()) }
                td { (f(b).unwrap_or_default()) }
            }
        }
    };
    html! {
        table {
            tr { th {} th { "record A" } th { "record B" } }
            (row("source", &|r: &RecordRef| Some(r.locate())))
            (row("kind", &|r: &RecordRef| r.kind.clone()))
            (row("name", &|r: &RecordRef| r.name.clone()))
            (row("e-mail", &|r: &RecordRef| r.email.clone()))
            (row("phone", &|r: &RecordRef| r.phone.clone()))
            @if !a.found || !b.found || !a.active || !b.active {
                (row("note", &|r: &RecordRef| Some(if !r.found {
                    "no record with this key any more".to_string()
                } else if !r.active {
                    "only in an older version of its file".to_string()
                } else {
                    String::new()
                })))
            }
        }
    }
}

fn fields(list: &[FieldScore]) -> Markup {
    html! {
        @if !list.is_empty() {
            table {
                tr { th { "field" } th { "agreement" } th { "weight (bits)" } }
                @for f in list {
                    @let class = if f.weight >= 0.0 { "num agree" } else { "num disagree" };
                    tr {
                        td { (f.field) }
                        td { (f.level) }
                        td class=(class) { (format!("{:+.2}", f.weight)) }
                    }
                }
            }
        }
    }
}

fn merges(data: &ReportData) -> Markup {
    html! {
        section #merges {
            h2 { "Automatic merges (" (data.merges_total) ")" }
            @if data.merges.is_empty() { (none()) }
            (cut(data.merges.len(), data.merges_total))
            @for e in &data.merges {
                article {
                    h3 { "Merge " (e.seq) ": " (person(&e.person_a)) }
                    (score(e))
                    (records(&e.a, &e.b))
                    (fields(&e.fields))
                }
            }
        }
    }
}

fn side_by_side(u: &Uncertain) -> Markup {
    let e = &u.evidence;
    let cells = |row: &CompareRow, a: bool| {
        let list = if a { &row.a } else { &row.b };
        html! {
            td {
                @for c in list {
                    @if c.differs { div.diff { (c.value) } } @else { div { (c.value) } }
                }
            }
        }
    };
    html! {
        table {
            tr { th {} th { "A: " (person(&e.person_a)) } th { "B: " (person(&e.person_b)) } }
            @for row in &u.rows {
                tr { th { (row.field) } (cells(row, true)) (cells(row, false)) }
            }
        }
    }
}

fn uncertain(data: &ReportData) -> Markup {
    html! {
        section #uncertain {
            h2 { "Uncertain pairs (" (data.uncertain_total) ")" }
            @if data.uncertain.is_empty() {
                (none())
            } @else {
                p {
                    "These pairs scored in the uncertain band and were left apart. Go through them with "
                    code { "netwerk-import review" } ", or decide one with the commands shown. "
                    span.diff { "Marked" } " values are missing on the other side."
                }
            }
            (cut(data.uncertain.len(), data.uncertain_total))
            @for u in &data.uncertain {
                @let e = &u.evidence;
                article {
                    h3 { "Pair " (e.seq) }
                    (score(e))
                    (side_by_side(u))
                    p.muted { "Compared records: " (e.a.locate()) " and " (e.b.locate()) }
                    (fields(&e.fields))
                    @if let (Some(a), Some(b)) = (&e.person_a, &e.person_b) {
                        pre {
                            "netwerk-import merge " (a.id) " " (b.id) "     # the same person\n"
                            "netwerk-import separate " (a.id) " " (b.id) "  # never the same person"
                        }
                    }
                }
            }
        }
    }
}

fn conflict(c: &PersonConflicts) -> Markup {
    html! {
        article {
            h3 { (person(&Some(c.person.clone()))) }
            table {
                tr { th { "field" } th { "value" } th { "said by" } }
                @for f in &c.fields {
                    @for (i, v) in f.values.iter().enumerate() {
                        tr {
                            td { @if i == 0 { (f.field) } }
                            td { (v.value) @if i == 0 { " " span.muted { "(shown)" } } }
                            td {
                                @for s in &v.sources { div { code { (s) } } }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn conflicts(data: &ReportData) -> Markup {
    html! {
        section #conflicts {
            h2 { "Conflicts inside a person (" (data.conflicts_total) ")" }
            @if data.conflicts.is_empty() {
                (none())
            } @else {
                p {
                    "Fields that hold one value, for which the sources of one person disagree. "
                    "The most trusted source's value is shown; every value is kept."
                }
            }
            (cut(data.conflicts.len(), data.conflicts_total))
            @for c in &data.conflicts { (conflict(c)) }
        }
    }
}

fn rejected(data: &ReportData) -> Markup {
    html! {
        section #rejected {
            h2 { "Rejected records (" (data.rejected_total) ")" }
            @if data.rejected.is_empty() { (none()) }
            (cut(data.rejected.len(), data.rejected_total))
            @if !data.rejected.is_empty() {
                ul.plain {
                    @for r in &data.rejected { li { code { (r.render()) } } }
                }
            }
        }
    }
}

fn purpose(data: &ReportData) -> Markup {
    html! {
        section #purpose {
            h2 {
                "Met recently, no purpose yet (" (data.without_purpose_total) ")"
            }
            @if let Some(since) = &data.since {
                p.muted {
                    "People met on or after " (since) " (six months before the latest run) "
                    "for whom you have not written down what you can offer them or hope from them."
                }
            }
            @if data.without_purpose.is_empty() {
                (none())
            } @else {
                (cut(data.without_purpose.len(), data.without_purpose_total))
                table {
                    tr { th { "name" } th { "id" } th { "last met" } th { "where" } th { "encounters" } }
                    @for p in &data.without_purpose {
                        tr {
                            td { (p.name.as_deref().unwrap_or("(no name)")) }
                            td { code { (p.id) } }
                            td { (p.last_met) }
                            td { (p.what) }
                            td.num { (p.encounters) }
                        }
                    }
                }
                pre { "netwerk-import note ID --offer \"…\" --ask \"…\"" }
            }
        }
    }
}
