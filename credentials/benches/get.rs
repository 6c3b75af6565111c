//! Benchmarks: a cached `get()` (target: under 100 ns), a cold session-profile resolution
//! (config files, cache file, `GetRoleCredentials`) against the in-process fake portal, and
//! 1,000 concurrent `get()` calls on one cold provider (single-flight: one load serves
//! them all; the tests assert the one request).

#![allow(missing_docs, reason = "benchmark")]
#![allow(clippy::unwrap_used, reason = "benchmark setup")]

use std::future::Future;
use std::hint::black_box;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use criterion::{Criterion, criterion_group, criterion_main};
use ssokit_config_parser::Env;
use ssokit_credentials::{ProviderConfig, SsoCredentialsProvider, TestClock};
use ssokit_fake_portal::FakePortal;
use ssokit_http::HttpSettings;
use ssokit_sso_client::SsoClient;

const CONFIG: &str = "[profile s]\nsso_session = dev\nsso_account_id = 444455556666\n\
sso_role_name = SessionRole\n\n[sso-session dev]\n\
sso_start_url = https://d-abc123.awsapps.com/start\nsso_region = eu-west-1\n";

const TOKEN: &str = r#"{"accessToken": "session-at", "expiresAt": "2026-03-01T14:00:00Z"}"#;

fn world() -> (tempfile::TempDir, FakePortal, ProviderConfig) {
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(home.path().join(".aws/sso/cache")).unwrap();
    std::fs::write(home.path().join(".aws/config"), CONFIG).unwrap();
    std::fs::write(
        home.path()
            .join(".aws/sso/cache/34c6fceca75e456f25e7e99531e2425c6c1de443.json"),
        TOKEN,
    )
    .unwrap();
    let portal = FakePortal::start().unwrap();
    let env = Env::from_pairs([
        ("HOME", home.path().to_str().unwrap()),
        ("AWS_ENDPOINT_URL_SSO", portal.url()),
    ]);
    let config = ProviderConfig::new(env, TestClock::new("2026-03-01T12:00:00Z".parse().unwrap()))
        .with_http_client(SsoClient::new(HttpSettings::default()));
    (home, portal, config)
}

fn benches(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (_home, _portal, config) = world();

    let provider = SsoCredentialsProvider::builder(config.clone())
        .profile_name("s")
        .build();
    runtime.block_on(provider.get()).unwrap();
    c.bench_function("cached get()", |b| {
        // The cached path completes on its first poll: poll it directly, no executor.
        let mut cx = Context::from_waker(Waker::noop());
        b.iter(|| {
            let future = pin!(provider.get());
            match future.poll(&mut cx) {
                Poll::Ready(result) => black_box(result.unwrap()),
                Poll::Pending => panic!("a cached get() must not wait"),
            }
        });
    });

    c.bench_function("cold session-profile resolution (fake portal)", |b| {
        b.iter(|| {
            let provider = SsoCredentialsProvider::builder(config.clone())
                .profile_name("s")
                .build();
            black_box(runtime.block_on(provider.get()).unwrap())
        });
    });
}

fn single_flight(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (_home, _portal, config) = world();
    c.bench_function("1,000 concurrent get() on a cold provider", |b| {
        b.iter(|| {
            let provider = std::sync::Arc::new(
                SsoCredentialsProvider::builder(config.clone())
                    .profile_name("s")
                    .build(),
            );
            runtime.block_on(async {
                let mut tasks = tokio::task::JoinSet::new();
                for _ in 0..1_000 {
                    let provider = std::sync::Arc::clone(&provider);
                    tasks.spawn(async move { provider.get().await.map(|_| ()) });
                }
                while let Some(done) = tasks.join_next().await {
                    done.unwrap().unwrap();
                }
            });
        });
    });
}

criterion_group!(group, benches, single_flight);
criterion_main!(group);
