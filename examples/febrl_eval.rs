//! FEBRL quality and speed: import the FEBRL data sets as generic CSV (without `soc_sec_id`)
//! through our reader and normaliser, run the matching engine, and score pairwise precision,
//! recall and F1 against the true pairs (`rec-123-org` and `rec-123-dup-0` are one entity).
//!
//! `cargo run --release --example febrl_eval -- target/febrl [--region NL] [--only febrl3]
//! [--threads N] [--show-errors N] [--no-veto] [--full-names]`
//!
//! The truth is read from the rec_id column of every data row of the files, rejected rows
//! included, so that a record our reader rejects counts as missed pairs. The engine never sees
//! the truth: the rec_id column reaches it only as an unmapped extra that it does not read.

use netwerk_import::dedup::engine::{Decisions, Engine, Outcome};
use netwerk_import::model::Contact;
use netwerk_import::normalize;
use netwerk_import::sources::{table, ReadOptions};
use std::collections::HashMap;
use std::time::Instant;

struct Args {
    dir: String,
    region: String,
    only: Option<String>,
    threads: Option<usize>,
    show_errors: usize,
    /// `--no-veto`: the engine without its given-name rule (see `dedup::engine`).
    no_veto: bool,
    /// `--full-names`: weigh exact full names by their record count (`dedup::fullname`).
    full_names: bool,
}

fn args() -> Args {
    let mut a = Args {
        dir: "target/febrl".into(),
        region: "NL".into(),
        only: None,
        threads: None,
        show_errors: 0,
        no_veto: false,
        full_names: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--region" => a.region = it.next().unwrap_or_else(|| "NL".into()),
            "--only" => a.only = it.next(),
            "--threads" => a.threads = it.next().and_then(|v| v.parse().ok()),
            "--show-errors" => a.show_errors = it.next().and_then(|v| v.parse().ok()).unwrap_or(0),
            "--no-veto" => a.no_veto = true,
            "--full-names" => a.full_names = true,
            other => a.dir = other.to_string(),
        }
    }
    a
}

/// The entity number of a FEBRL rec_id: `rec-123-org`, `rec-123-dup-0` → 123.
fn entity(rec_id: &str) -> Option<u64> {
    rec_id.trim().split('-').nth(1)?.parse().ok()
}

/// Rec ids of every data row, straight from the file (the truth side).
fn all_rec_ids(text: &str) -> Vec<String> {
    text.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.split(',').next().unwrap_or("").trim().to_string())
        .collect()
}

fn pairs_in_groups<K: std::hash::Hash + Eq>(keys: impl Iterator<Item = K>) -> u64 {
    let mut sizes: HashMap<K, u64> = HashMap::new();
    for k in keys {
        *sizes.entry(k).or_default() += 1;
    }
    sizes.values().map(|s| s * (s - 1) / 2).sum()
}

struct Loaded {
    contacts: Vec<Contact>,
    rec_ids: Vec<String>,
    truth_pairs: u64,
    rows: usize,
    rejected: usize,
}

fn load(dir: &str, files: &[&str], region: &str) -> Loaded {
    let opts = ReadOptions {
        csv_map: vec![("soc_sec_id".into(), "ignore".into())],
    };
    let norm = normalize::Options {
        region: region.to_string(),
    };
    let mut contacts = Vec::new();
    let mut rec_ids = Vec::new();
    let mut truth_ids = Vec::new();
    let mut rejected = 0;
    for f in files {
        let path = format!("{dir}/{f}");
        let bytes = std::fs::read(&path).unwrap_or_else(|e| {
            eprintln!("{path}: {e} (run scripts/febrl --extract first)");
            std::process::exit(2)
        });
        truth_ids.extend(all_rec_ids(&String::from_utf8_lossy(&bytes)));
        let read = table::read(&path, &bytes, &opts);
        rejected += read.rejected.len();
        for raw in &read.contacts {
            let id = raw
                .extra
                .iter()
                .find(|(k, _)| k.trim() == "rec_id")
                .map(|(_, v)| v.clone())
                .unwrap_or_default();
            assert!(
                !raw.raw.is_empty() && raw.extra.iter().all(|(k, _)| k.trim() != "soc_sec_id"),
                "soc_sec_id must not reach the engine"
            );
            let (c, _) = normalize::contact(raw, &norm);
            contacts.push(c);
            rec_ids.push(id);
        }
    }
    let truth_pairs = pairs_in_groups(truth_ids.iter().filter_map(|id| entity(id)));
    Loaded {
        contacts,
        rec_ids,
        truth_pairs,
        rows: truth_ids.len(),
        rejected,
    }
}

struct Score {
    predicted: u64,
    true_positives: u64,
}

fn score(out: &Outcome, rec_ids: &[String]) -> Score {
    let mut predicted = 0;
    let mut true_positives = 0;
    for group in out.clusters.iter() {
        let k = group.len() as u64;
        predicted += k * (k - 1) / 2;
        true_positives += pairs_in_groups(group.iter().filter_map(|&i| entity(&rec_ids[i])));
    }
    Score {
        predicted,
        true_positives,
    }
}

fn show_errors(out: &Outcome, loaded: &Loaded, limit: usize) {
    let name = |i: usize| {
        let c = &loaded.contacts[i];
        format!(
            "{} [{} {}] {:?} {:?}",
            loaded.rec_ids[i],
            c.name.given.as_deref().unwrap_or(""),
            c.name.family.as_deref().unwrap_or(""),
            c.addresses
                .first()
                .map(|a| a.original.as_str())
                .unwrap_or(""),
            c.birthday.as_ref().map(|b| b.value.as_str()).unwrap_or("")
        )
    };
    let mut cluster_of = vec![0usize; loaded.contacts.len()];
    for (ci, g) in out.clusters.iter().enumerate() {
        for &i in g {
            cluster_of[i] = ci;
        }
    }
    let mut shown = 0;
    for g in out.clusters.iter() {
        let ents: Vec<Option<u64>> = g.iter().map(|&i| entity(&loaded.rec_ids[i])).collect();
        if ents.windows(2).any(|w| w[0] != w[1]) && shown < limit {
            shown += 1;
            println!("FALSE MERGE:");
            for &i in g {
                println!("    {}", name(i));
            }
        }
    }
    let mut by_entity: HashMap<u64, Vec<usize>> = HashMap::new();
    for (i, id) in loaded.rec_ids.iter().enumerate() {
        if let Some(e) = entity(id) {
            by_entity.entry(e).or_default().push(i);
        }
    }
    let mut ents: Vec<_> = by_entity.into_iter().collect();
    ents.sort_unstable();
    let mut shown = 0;
    for (_, members) in ents {
        let split = members
            .windows(2)
            .any(|w| cluster_of[w[0]] != cluster_of[w[1]]);
        if split && shown < limit {
            shown += 1;
            println!("MISSED:");
            for &i in &members {
                println!("    c{} {}", cluster_of[i], name(i));
            }
            for e in out.uncertain.iter().filter(|e| members.contains(&e.a)) {
                println!("    uncertain {e}");
            }
        }
    }
}

fn main() {
    let a = args();
    if let Some(t) = a.threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(t)
            .build_global()
            .unwrap_or_else(|e| eprintln!("threads: {e}"));
    }
    let sets: &[(&str, &[&str])] = &[
        ("febrl1", &["dataset1.csv"]),
        ("febrl2", &["dataset2.csv"]),
        ("febrl3", &["dataset3.csv"]),
        ("febrl4", &["dataset4a.csv", "dataset4b.csv"]),
    ];
    println!(
        "| data set | rows | rejected rows | true pairs | predicted pairs | precision | recall | F1 | import s | engine s | candidates | uncertain |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|");
    for (name, files) in sets {
        if a.only.as_deref().is_some_and(|o| o != *name) {
            continue;
        }
        let t0 = Instant::now();
        let loaded = load(&a.dir, files, &a.region);
        let import_s = t0.elapsed().as_secs_f64();
        let refs: Vec<&Contact> = loaded.contacts.iter().collect();
        let t1 = Instant::now();
        let mut engine = Engine {
            given_name_veto: !a.no_veto,
            ..Engine::default()
        };
        engine.model.full_name_counts = a.full_names;
        let out = engine.run(&refs, &Decisions::default());
        let engine_s = t1.elapsed().as_secs_f64();
        let s = score(&out, &loaded.rec_ids);
        let precision = s.true_positives as f64 / s.predicted.max(1) as f64;
        let recall = s.true_positives as f64 / loaded.truth_pairs.max(1) as f64;
        let f1 = 2.0 * precision * recall / (precision + recall).max(f64::MIN_POSITIVE);
        println!(
            "| {name} | {} | {} | {} | {} | {precision:.4} | {recall:.4} | {f1:.4} | {import_s:.3} | {engine_s:.3} | {} | {} |",
            loaded.rows,
            loaded.rejected,
            loaded.truth_pairs,
            s.predicted,
            out.stats.blocking.candidates,
            out.uncertain.len(),
        );
        eprintln!(
            "{name}: {} records, {} candidate pairs ({} generated, {} oversize blocks), {} patterns, EM {} iterations, prior {:.3e}, {} edges, {} merges",
            out.stats.records,
            out.stats.blocking.candidates,
            out.stats.blocking.generated,
            out.stats.blocking.oversize,
            out.stats.patterns,
            out.stats.em_iterations,
            out.stats.prior,
            out.stats.edges,
            out.merges.len()
        );
        let t = out.stats.seconds;
        eprintln!(
            "{name}: engine seconds: block {:.3}, compare {:.3}, model {:.3}, score {:.3}, cluster+evidence {:.3}",
            t[0], t[1], t[2], t[3], t[4]
        );
        if a.show_errors > 0 {
            show_errors(&out, &loaded, a.show_errors);
        }
    }
}
