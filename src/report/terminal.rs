//! The report's short form for the terminal, printed on stderr after an import and by
//! `netwerk-import report`.
//!
//! In: a [`ReportData`] and where the HTML went. Out: a few lines of plain text: the counts,
//! then what needs the user's attention, each with the command that deals with it. No contact
//! values: this text is printed at the default verbosity (DESIGN.md: personal data stays out of
//! anything shown above debug level), and no dates, so that two runs over the same inputs print
//! the same text.

use super::ReportData;

/// The summary; `written_to` is where the HTML report was written (`None`: stdout or nowhere).
pub fn render_terminal(data: &ReportData, written_to: Option<&str>) -> String {
    let mut out = String::new();
    let kinds: Vec<String> = data
        .kinds
        .iter()
        .map(|k| format!("{} {}", k.kind, k.files))
        .collect();
    out.push_str(&format!(
        "index: {} {}, {} {}{}; {} records imported, {} rejected; {} {}\n",
        data.runs,
        plural(data.runs, "run", "runs"),
        data.files(),
        plural(data.files(), "file", "files"),
        if kinds.is_empty() {
            String::new()
        } else {
            format!(" ({})", kinds.join(", "))
        },
        data.records_imported(),
        data.rejected_total,
        data.persons_total,
        plural(data.persons_total, "person", "persons"),
    ));
    out.push_str(&format!(
        "dedup: {} automatic {}, {} uncertain {}{}, {} {} with conflicting values\n",
        data.merges_total,
        plural(data.merges_total, "merge", "merges"),
        data.uncertain_total,
        plural(data.uncertain_total, "pair", "pairs"),
        if data.uncertain_total > 0 {
            " → netwerk-import review"
        } else {
            ""
        },
        data.conflicts_total,
        plural(data.conflicts_total, "person", "persons"),
    ));
    if data.rejected_total > 0 {
        out.push_str(&format!(
            "rejected: {} {} (listed in the report)\n",
            data.rejected_total,
            plural(data.rejected_total, "record", "records"),
        ));
    }
    if data.without_purpose_total > 0 {
        out.push_str(&format!(
            "purpose: {} {} met in the last six months without one → netwerk-import who --no-purpose\n",
            data.without_purpose_total,
            plural(data.without_purpose_total, "person", "persons"),
        ));
    }
    if let Some(path) = written_to {
        out.push_str(&format!("report: {path}\n"));
    }
    out
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 {
        one
    } else {
        many
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::KindCount;

    #[test]
    fn counts_and_pointers() {
        let mut data = ReportData {
            runs: 1,
            kinds: vec![KindCount {
                kind: "vcard".into(),
                files: 1,
                records: 3,
                rejected: 0,
            }],
            persons_total: 2,
            merges_total: 1,
            ..ReportData::default()
        };
        assert_eq!(
            render_terminal(&data, None),
            "index: 1 run, 1 file (vcard 1); 3 records imported, 0 rejected; 2 persons\n\
             dedup: 1 automatic merge, 0 uncertain pairs, 0 persons with conflicting values\n"
        );
        data.uncertain_total = 2;
        data.rejected_total = 1;
        data.without_purpose_total = 3;
        let text = render_terminal(&data, Some("/tmp/x/report.html"));
        assert!(
            text.contains("2 uncertain pairs → netwerk-import review"),
            "{text}"
        );
        assert!(text.contains("rejected: 1 record "), "{text}");
        assert!(text.contains("purpose: 3 persons met"), "{text}");
        assert!(text.ends_with("report: /tmp/x/report.html\n"), "{text}");
    }
}
