//! Scale: a generated corpus of `N` records with known truth (see
//! `netwerk_import::synth::duplicated_chunk`) imported and deduplicated: CSV bytes are generated
//! chunk by chunk, read by our CSV reader, normalised, prepared for matching and dropped; then
//! the engine runs. Prints timings, counts and pairwise precision, recall and F1.
//!
//! `cargo run --release --example scale_eval -- N [SEED] [--threads T] [--show-errors K]
//! [--calibration] [--full-names] [--write DIR]`
//!
//! `--write DIR` also writes the generated CSV files into `DIR/data` (`<first record>-<source>.csv`)
//! and `DIR/truth.tsv` (file name, 1-based data row, person), so that the same corpus can be
//! imported by the binary itself (`netwerk-import DIR/data`) and its export scored with
//! `scripts/scale_score.py`.
//!
//! `--full-names` turns on the engine's joint full-name counts (`dedup::fullname`, off by
//! default).
//!
//! `--calibration` prints how the model's probabilities compare with the truth (per band the
//! share of true pairs), the patterns of the uncertain pairs and of the wrong merges, how many
//! persons carry the written full name of an uncertain name-only pair, and the true pair rate
//! beside the model's prior. A diagnostic only: nothing in the engine reads the truth.
//!
//! Peak memory is measured from outside (`scripts/bench-dedup` runs this under
//! `/usr/bin/time -v`).

use netwerk_import::dedup::engine::{Decisions, Engine};
use netwerk_import::dedup::prepare::Builder;
use netwerk_import::model::Contact;
use netwerk_import::normalize;
use netwerk_import::sources::{table, ReadOptions};
use netwerk_import::synth;
use rayon::prelude::*;
use std::collections::HashMap;
use std::time::Instant;

/// Records generated, read and normalised at a time.
const CHUNK: usize = 50_000;

fn pairs(sizes: impl Iterator<Item = u64>) -> u64 {
    sizes.map(|s| s * s.saturating_sub(1) / 2).sum()
}

fn main() {
    let mut n = 10_000usize;
    let mut seed = 7u64;
    let mut threads = None;
    let mut show_errors = 0usize;
    let mut calibration = false;
    let mut full_names = false;
    let mut write: Option<std::path::PathBuf> = None;
    let mut positional = 0;
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        if arg == "--threads" {
            threads = it.next().and_then(|v| v.parse::<usize>().ok());
            continue;
        }
        if arg == "--full-names" {
            full_names = true;
            continue;
        }
        if arg == "--write" {
            write = it.next().map(std::path::PathBuf::from);
            continue;
        }
        if arg == "--calibration" {
            calibration = true;
            continue;
        }
        if arg == "--show-errors" {
            show_errors = it.next().and_then(|v| v.parse::<usize>().ok()).unwrap_or(0);
            continue;
        }
        match positional {
            0 => n = arg.replace('_', "").parse().unwrap_or(n),
            _ => seed = arg.parse().unwrap_or(seed),
        }
        positional += 1;
    }
    if let Some(t) = threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(t)
            .build_global()
            .unwrap_or_else(|e| eprintln!("threads: {e}"));
    }
    // On average two records per person.
    let persons = (n as u64 / 2).max(1);
    let opts = ReadOptions::default();
    let norm = normalize::Options::default();

    let t0 = Instant::now();
    let mut builder = Builder::new();
    let mut truth: Vec<u64> = Vec::with_capacity(n);
    let mut rows_per_person: HashMap<u64, u64> = HashMap::new();
    let mut rejected = 0usize;
    // Only for --show-errors: the contacts, to print the records of wrong clusters.
    let mut kept: Vec<Contact> = Vec::new();
    let mut truth_file = write.as_ref().map(|dir| {
        std::fs::create_dir_all(dir.join("data")).expect("--write: create the folder");
        std::io::BufWriter::new(
            std::fs::File::create(dir.join("truth.tsv")).expect("--write: create truth.tsv"),
        )
    });
    let mut first = 0;
    while first < n {
        let count = CHUNK.min(n - first);
        let chunk = synth::duplicated_chunk(seed, first, count, persons);
        for ((name, bytes), ids) in chunk.files.iter().zip(&chunk.truth) {
            for id in ids {
                *rows_per_person.entry(*id).or_default() += 1;
            }
            if let (Some(dir), Some(out)) = (&write, truth_file.as_mut()) {
                use std::io::Write;
                let file = format!("{first:07}-{name}");
                std::fs::write(dir.join("data").join(&file), bytes).expect("--write: write a file");
                for (row, id) in ids.iter().enumerate() {
                    writeln!(out, "{file}\t{}\t{id}", row + 1).expect("--write: truth.tsv");
                }
            }
            let read = table::read(name, bytes, &opts);
            rejected += read.rejected.len();
            let contacts: Vec<Contact> = read
                .contacts
                .par_iter()
                .map(|raw| normalize::contact(raw, &norm).0)
                .collect();
            for c in &contacts {
                truth.push(ids[c.source.record as usize - 1]);
            }
            let refs: Vec<&Contact> = contacts.iter().collect();
            builder.add(&refs);
            if show_errors > 0 {
                kept.extend(contacts);
            }
        }
        first += count;
    }
    let prepared = builder.finish();
    let import_s = t0.elapsed().as_secs_f64();

    let t1 = Instant::now();
    let mut engine = Engine::default();
    engine.model.full_name_counts = full_names;
    let out = engine.run_prepared(&prepared, &Decisions::default());
    let engine_s = t1.elapsed().as_secs_f64();

    let truth_pairs = pairs(rows_per_person.values().copied());
    let mut predicted = 0;
    let mut true_positives = 0;
    for g in out.clusters.iter() {
        predicted += pairs(std::iter::once(g.len() as u64));
        let mut by_person: HashMap<u64, u64> = HashMap::new();
        for &i in g {
            *by_person.entry(truth[i]).or_default() += 1;
        }
        true_positives += pairs(by_person.values().copied());
    }
    let precision = true_positives as f64 / predicted.max(1) as f64;
    let recall = true_positives as f64 / truth_pairs.max(1) as f64;
    let f1 = 2.0 * precision * recall / (precision + recall).max(f64::MIN_POSITIVE);
    if show_errors > 0 {
        errors(&out, &kept, &truth, show_errors);
    }
    // Where recall goes: uncertain pairs by band, and how many of them are true pairs.
    let (mut high, mut high_true, mut low_true) = (0, 0, 0);
    for e in &out.uncertain {
        let same = truth[e.a] == truth[e.b];
        if e.probability >= 0.95 {
            high += 1;
            high_true += usize::from(same);
        } else {
            low_true += usize::from(same);
        }
    }
    eprintln!(
        "uncertain: {} at p >= 0.95 ({high_true} true: held back by clustering rules), {} below ({low_true} true)",
        high,
        out.uncertain.len() - high
    );
    if calibration {
        calibrate(&out, &prepared, &truth);
        let all = (n as f64) * (n as f64 - 1.0) / 2.0;
        eprintln!(
            "true pairs {truth_pairs} of {all:.3e}: rate {:.3e}; the model's prior {:.3e}",
            truth_pairs as f64 / all,
            out.model.prior
        );
    }
    let s = &out.stats;
    println!(
        "| {n} | {} | {} | {:.1} | {:.1} | {:.1} | {} | {} | {precision:.4} | {recall:.4} | {f1:.4} |",
        rows_per_person.len(),
        rejected,
        import_s,
        engine_s,
        import_s + engine_s,
        s.blocking.candidates,
        out.uncertain.len(),
    );
    eprintln!(
        "records {} (rejected {rejected}), persons {}, candidates {} (generated {}, keys {}, oversize blocks {}), patterns {}, EM iterations {}, prior {:.3e}, edges {}, merges {}, uncertain {}, clusters {}",
        s.records,
        rows_per_person.len(),
        s.blocking.candidates,
        s.blocking.generated,
        s.blocking.keys,
        s.blocking.oversize,
        s.patterns,
        s.em_iterations,
        s.prior,
        s.edges,
        out.merges.len(),
        out.uncertain.len(),
        out.clusters.len()
    );
    let names = &out.model.full_names;
    let rho: Vec<String> = names
        .rho
        .iter()
        .skip(1)
        .map(|r| format!("{r:.4}"))
        .collect();
    eprintln!(
        "full names: {} with a joint weight; records per person and name (rho, t = 1..) from {} rare names: {}",
        names.len(),
        names.sample,
        rho.join(" ")
    );
    if std::env::var_os("SHOW_MODEL").is_some() {
        use netwerk_import::dedup::compare::{Field, Level};
        for f in Field::ALL {
            let row: Vec<String> = Level::ALL[1..]
                .iter()
                .filter(|l| out.model.m[f as usize][**l as usize] > 1e-4)
                .map(|l| {
                    format!(
                        "{l} m={:.3} u={:.2e} w={:+.1}",
                        out.model.m[f as usize][*l as usize],
                        out.model.u[f as usize][*l as usize],
                        out.model.weights[f as usize][*l as usize]
                    )
                })
                .collect();
            eprintln!("{f}: {}", row.join(" | "));
        }
        eprintln!("candidate share {:.4}", out.model.candidate_share);
    }
    eprintln!(
        "engine seconds: block {:.2}, compare {:.2}, model {:.2}, score {:.2}, cluster+evidence {:.2}",
        s.seconds[0], s.seconds[1], s.seconds[2], s.seconds[3], s.seconds[4]
    );
    eprintln!("output digest: {}", digest(&out));
}

/// SHA-256 over everything the engine decided: the clusters, every merge and every uncertain
/// pair with its evidence and exact weight. Equal digests at different thread counts show that
/// the output does not depend on them.
fn digest(out: &netwerk_import::dedup::engine::Outcome) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for g in out.clusters.iter() {
        for i in g {
            h.update((*i as u64).to_le_bytes());
        }
        h.update(b"|");
    }
    for (tag, list) in [(b"m", &out.merges), (b"u", &out.uncertain)] {
        for e in list {
            h.update(tag);
            h.update(e.to_string().as_bytes());
            h.update(e.weight.to_bits().to_le_bytes());
            h.update(e.probability.to_bits().to_le_bytes());
        }
    }
    hex::encode(h.finalize())
}

/// `--calibration`: how the model's probabilities compare with the truth, and what the missed
/// pairs in the review band look like: per probability band the share of true pairs among the
/// scored pairs (merges and uncertain), per comparison pattern of the missed uncertain pairs
/// their count, and for a name-only pair how many persons carry the same written name.
fn calibrate(
    out: &netwerk_import::dedup::engine::Outcome,
    p: &netwerk_import::dedup::prepare::Prepared,
    truth: &[u64],
) {
    use netwerk_import::dedup::prepare::Kind;
    use std::collections::{BTreeMap, HashSet};
    let bands = [0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 0.999, 1.0001];
    let mut counts = vec![(0usize, 0usize, 0.0f64); bands.len() - 1];
    for e in out.merges.iter().chain(&out.uncertain) {
        let i = bands
            .windows(2)
            .position(|w| e.probability < w[1])
            .unwrap_or(0);
        counts[i].0 += 1;
        counts[i].1 += usize::from(truth[e.a] == truth[e.b]);
        counts[i].2 += e.probability;
    }
    // The truth's records per person and written full name (what the engine estimates as
    // rho from rare names), to check that estimate.
    let mut per: BTreeMap<(u64, u32, u32), usize> = BTreeMap::new();
    for (r, &person) in truth.iter().enumerate() {
        if let (Some(g), Some(f)) = (
            p.first(r as u32, Kind::Given1),
            p.first(r as u32, Kind::Family),
        ) {
            *per.entry((person, g, f)).or_default() += 1;
        }
    }
    let mut hist = [0usize; 9];
    for &t in per.values() {
        hist[t.min(8)] += 1;
    }
    let shares: Vec<String> = hist[1..]
        .iter()
        .map(|&h| format!("{:.4}", h as f64 / per.len().max(1) as f64))
        .collect();
    eprintln!(
        "truth: records per person and written full name, t = 1..8+: {}",
        shares.join(" ")
    );
    drop(per);
    eprintln!(
        "calibration (merge edges and uncertain pairs): band | pairs | true | mean p | true share"
    );
    for (w, (n, t, sum)) in bands.windows(2).zip(&counts) {
        if *n > 0 {
            eprintln!(
                "  {:.3}-{:.3} | {n} | {t} | {:.3} | {:.3}",
                w[0],
                w[1].min(1.0),
                sum / *n as f64,
                *t as f64 / *n as f64
            );
        }
    }
    // Persons per written full name (first given name and family name with particles).
    let mut holders: HashMap<(u32, u32), HashSet<u64>> = HashMap::new();
    for (r, t) in truth.iter().enumerate() {
        let r = r as u32;
        if let (Some(g), Some(f)) = (p.first(r, Kind::Given1), p.first(r, Kind::Family)) {
            holders.entry((g, f)).or_default().insert(*t);
        }
    }
    let mut patterns: BTreeMap<String, (usize, usize, f64)> = BTreeMap::new();
    let mut shared_by: BTreeMap<usize, (usize, usize, f64)> = BTreeMap::new();
    for e in &out.uncertain {
        let same = truth[e.a] == truth[e.b];
        let key: Vec<String> = e
            .fields
            .iter()
            .map(|f| format!("{}={}", f.field, f.level))
            .collect();
        let entry = patterns.entry(key.join(" ")).or_default();
        entry.0 += 1;
        entry.1 += usize::from(same);
        entry.2 += e.probability;
        let (a, b) = (e.a as u32, e.b as u32);
        let name = |r: u32| (p.first(r, Kind::Given1), p.first(r, Kind::Family));
        if let ((Some(g), Some(f)), n2) = (name(a), name(b)) {
            if n2 == (Some(g), Some(f)) {
                let persons = holders.get(&(g, f)).map_or(0, HashSet::len);
                let s = shared_by.entry(persons).or_default();
                s.0 += 1;
                s.1 += usize::from(same);
                s.2 += e.probability;
            }
        }
    }
    let mut wrong: BTreeMap<String, (usize, f64)> = BTreeMap::new();
    for e in out.merges.iter().filter(|e| truth[e.a] != truth[e.b]) {
        let key: Vec<String> = e
            .fields
            .iter()
            .map(|f| format!("{}={}", f.field, f.level))
            .collect();
        let entry = wrong.entry(key.join(" ")).or_default();
        entry.0 += 1;
        entry.1 += e.probability;
    }
    let mut wrong: Vec<_> = wrong.into_iter().collect();
    wrong.sort_by(|x, y| y.1 .0.cmp(&x.1 .0).then_with(|| x.0.cmp(&y.0)));
    eprintln!(
        "merges of two persons by pattern ({} in all): count | mean p | pattern",
        wrong.iter().map(|w| w.1 .0).sum::<usize>()
    );
    for (k, (n, sum)) in wrong.iter().take(15) {
        eprintln!("  {n} | {:.3} | {k}", sum / *n as f64);
    }
    let mut patterns: Vec<_> = patterns.into_iter().collect();
    patterns.sort_by(|x, y| y.1 .0.cmp(&x.1 .0).then_with(|| x.0.cmp(&y.0)));
    eprintln!("uncertain pairs by pattern: count | true | mean p | pattern");
    for (k, (n, t, sum)) in patterns.iter().take(25) {
        eprintln!("  {n} | {t} | {:.3} | {k}", sum / *n as f64);
    }
    eprintln!("uncertain pairs with the same written full name, by persons carrying it: persons | pairs | true | mean p");
    for (persons, (n, t, sum)) in &shared_by {
        eprintln!("  {persons} | {n} | {t} | {:.3}", sum / *n as f64);
    }
    let missed: Vec<_> = out
        .uncertain
        .iter()
        .filter(|e| truth[e.a] == truth[e.b])
        .take(8)
        .collect();
    eprintln!(
        "prior {:.3e} ({:+.2} bits); a few missed pairs:",
        out.model.prior,
        out.model.prior_bits()
    );
    for e in missed {
        eprintln!("  {e}");
    }
}

fn describe(c: &Contact) -> String {
    format!(
        "{} | {} {} | e {:?} | p {:?} | o {:?} | b {:?} | {:?}",
        c.source.locate(),
        c.name.given.as_deref().unwrap_or("-"),
        c.name.family.as_deref().unwrap_or("-"),
        c.emails
            .iter()
            .map(|v| v.value.as_str())
            .collect::<Vec<_>>(),
        c.phones
            .iter()
            .map(|v| v.value.as_str())
            .collect::<Vec<_>>(),
        c.orgs.iter().map(|v| v.key.as_str()).collect::<Vec<_>>(),
        c.birthday.as_ref().map(|v| v.value.as_str()),
        c.addresses.first().map(|a| a.original.as_str()),
    )
}

fn errors(
    out: &netwerk_import::dedup::engine::Outcome,
    kept: &[Contact],
    truth: &[u64],
    limit: usize,
) {
    let mut cluster_of = vec![0usize; kept.len()];
    let mut shown = 0;
    for (ci, g) in out.clusters.iter().enumerate() {
        for &i in g {
            cluster_of[i] = ci;
        }
        if g.windows(2).any(|w| truth[w[0]] != truth[w[1]]) && shown < limit {
            shown += 1;
            println!("FALSE MERGE:");
            for &i in g {
                println!("    P{} {}", truth[i], describe(&kept[i]));
            }
            for e in out.merges.iter().filter(|e| g.contains(&e.a)) {
                println!("    merge {e}");
            }
        }
    }
    let mut by_person: HashMap<u64, Vec<usize>> = HashMap::new();
    for (i, t) in truth.iter().enumerate() {
        by_person.entry(*t).or_default().push(i);
    }
    let mut persons: Vec<_> = by_person.into_iter().collect();
    persons.sort_unstable();
    let mut shown = 0;
    for (_, members) in persons {
        if members
            .windows(2)
            .any(|w| cluster_of[w[0]] != cluster_of[w[1]])
            && shown < limit
        {
            shown += 1;
            println!("MISSED:");
            for &i in &members {
                println!("    c{} {}", cluster_of[i], describe(&kept[i]));
            }
            for e in out
                .uncertain
                .iter()
                .filter(|e| members.contains(&e.a) && members.contains(&e.b))
            {
                println!("    uncertain {e}");
            }
        }
    }
}
