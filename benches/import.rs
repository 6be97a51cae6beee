//! Reading and normalising throughput, per record, on generated exports (`synth`, seeded).
//!
//! Two inputs (a vCard 3.0 file and a Google Contacts CSV), each read and normalised on one
//! thread and on all cores (records split into per-file chunks as the pipeline does). The
//! end-to-end import (with the index) is measured by `scripts/bench-import`.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use netwerk_import::normalize;
use netwerk_import::sources::{table, vcard, FileRead, ReadOptions};
use netwerk_import::synth;
use rayon::prelude::*;

const RECORDS: usize = 20_000;

fn normalise_all(read: &FileRead, opts: &normalize::Options) -> usize {
    read.contacts
        .iter()
        .map(|raw| normalize::contact(raw, opts).0.emails.len())
        .sum()
}

fn bench(c: &mut Criterion) {
    let opts = normalize::Options::default();
    let read_opts = ReadOptions::default();
    let vcf = synth::vcard_file(42, RECORDS);
    let csv = synth::google_csv(42, RECORDS);
    // Sixteen files of RECORDS/16 each, for the all-cores variant (the pipeline parallelises
    // over files, then over the records of each file).
    let vcf_parts: Vec<Vec<u8>> = (0..16)
        .map(|s| synth::vcard_file(s, RECORDS / 16))
        .collect();
    let csv_parts: Vec<Vec<u8>> = (0..16)
        .map(|s| synth::google_csv(s, RECORDS / 16))
        .collect();

    let mut group = c.benchmark_group("read+normalise");
    group.throughput(Throughput::Elements(RECORDS as u64));
    group.sample_size(10);
    group.bench_function(BenchmarkId::new("vcard", "1 thread"), |b| {
        b.iter(|| normalise_all(&vcard::read("bench.vcf", &vcf), &opts))
    });
    group.bench_function(BenchmarkId::new("google-csv", "1 thread"), |b| {
        b.iter(|| normalise_all(&table::read("bench.csv", &csv, &read_opts), &opts))
    });
    group.bench_function(BenchmarkId::new("vcard", "all cores"), |b| {
        b.iter(|| {
            vcf_parts
                .par_iter()
                .map(|bytes| {
                    let read = vcard::read("bench.vcf", bytes);
                    read.contacts
                        .par_iter()
                        .map(|raw| normalize::contact(raw, &opts).0.emails.len())
                        .sum::<usize>()
                })
                .sum::<usize>()
        })
    });
    group.bench_function(BenchmarkId::new("google-csv", "all cores"), |b| {
        b.iter(|| {
            csv_parts
                .par_iter()
                .map(|bytes| {
                    let read = table::read("bench.csv", bytes, &read_opts);
                    read.contacts
                        .par_iter()
                        .map(|raw| normalize::contact(raw, &opts).0.emails.len())
                        .sum::<usize>()
                })
                .sum::<usize>()
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
