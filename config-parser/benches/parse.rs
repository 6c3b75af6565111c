//! Parse speed: the 10,000-profile fixture against its floor (reading the file and scanning
//! its lines), and a typical 20-profile file. Figures are recorded in BENCHMARKS.md.

#![allow(missing_docs, clippy::expect_used, reason = "benchmark harness")]

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ssokit_config_parser::{FileLocations, ProfileSet, Source, read_source};

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/generated")
        .join(name)
}

fn large(c: &mut Criterion) {
    let path = fixture("large/config");
    let text = std::fs::read_to_string(&path).expect("run `cargo xtask fixtures` first");
    let absent = fixture("large/no-credentials");
    let mut group = c.benchmark_group("config-10k");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("floor: read file + scan lines", |b| {
        b.iter(|| {
            let text = std::fs::read_to_string(&path).expect("readable");
            black_box(text.split('\n').map(str::len).sum::<usize>())
        });
    });
    group.bench_function("parse (text in memory)", |b| {
        b.iter_batched(
            || (Source::new(&path, text.clone()), Source::empty(&absent)),
            |(config, credentials)| {
                black_box(ProfileSet::parse(config, credentials).expect("parses"))
            },
            criterion::BatchSize::LargeInput,
        );
    });
    group.bench_function("load (read + parse)", |b| {
        let files = FileLocations::new(&path, &absent);
        b.iter(|| black_box(ProfileSet::load(&files).expect("loads")));
    });
    group.finish();
}

fn small(c: &mut Criterion) {
    let config = read_source(&fixture("small/config")).expect("readable");
    let credentials = read_source(&fixture("small/credentials")).expect("readable");
    c.bench_function("config-20/parse", |b| {
        b.iter_batched(
            || (config.clone(), credentials.clone()),
            |(config, credentials)| {
                black_box(ProfileSet::parse(config, credentials).expect("parses"))
            },
            criterion::BatchSize::SmallInput,
        );
    });
}

criterion_group!(benches, large, small);
criterion_main!(benches);
