//! Parsing and rendering a typical session token cache file.

#![allow(missing_docs, reason = "criterion macros generate undocumented items")]

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use ssokit_token_cache::CachedToken;

const FILE: &str = r#"{
  "startUrl": "https://d-abc123.awsapps.com/start",
  "region": "eu-west-1",
  "accessToken": "session-at",
  "expiresAt": "2026-03-01T14:00:00Z",
  "clientId": "cid",
  "clientSecret": "csecret",
  "registrationExpiresAt": "2026-06-01T00:00:00Z",
  "refreshToken": "rt-1",
  "x-extra": 1.50
}"#;

fn parse(c: &mut Criterion) {
    let path = Path::new("/cache/34c6fceca75e456f25e7e99531e2425c6c1de443.json");
    c.bench_function("parse session token", |b| {
        b.iter(|| CachedToken::parse(black_box(FILE.as_bytes()), path));
    });
    if let Ok(Some(token)) = CachedToken::parse(FILE.as_bytes(), path) {
        c.bench_function("render session token", |b| {
            b.iter(|| black_box(&token).render());
        });
    }
}

criterion_group!(benches, parse);
criterion_main!(benches);
