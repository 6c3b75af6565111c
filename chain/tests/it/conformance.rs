//! The conformance suite `default-credential-provider-chain/` (29 case folders) through the
//! whole default credentials chain (`DefaultProviders::new(config).credentials_chain()`),
//! each case set up by fake-portal's [`ReplayCase`] (SPEC §18.24): `env.json`, `fs/` as the
//! root (no `HOME`: no home), the recorded answers replayed in order by loopback fakes that
//! the recorded hosts are pinned to, the requests compared with the recording.
//! `ErrorContains` cases must fail; the wording is ssokit's.
//!
//! All 29 run, the container (ECS, EKS Pod Identity) and IMDS cases included: their
//! link-local hosts are pinned to the loopback fakes like every recorded host, never
//! dialled.

#![allow(
    clippy::print_stderr,
    reason = "the suite reports skipped cases and expected failures on the test's stderr"
)]

use std::fs;
use std::path::Path;

use ssokit_chain::DefaultProviders;
use ssokit_chain::config::Env;
use ssokit_chain::http::{CaBundle, HttpSettings};
use ssokit_chain::{ProviderConfig, TestClock};
use ssokit_fake_portal::sandbox::replay::{Expected, ReplayCase};
use ssokit_fake_portal::sandbox::{Capture, conformance_dir};

/// The suite's folder and its case count (conformance README §4).
const SUITE: &str = "default-credential-provider-chain";
const CASES: usize = 29;

/// The chain's configuration for `case`: its environment and clock, its recorded hosts
/// pinned to the fakes, whose CA is the only one trusted, no retry delay, and insecure
/// http allowed when the recording holds plain http (SPEC §18.24).
fn config(case: &ReplayCase) -> ProviderConfig {
    let pinned = case.pins().into_iter().fold(
        HttpSettings::default()
            .without_retry_delay()
            .native_roots(false)
            .ca_bundle(Some(CaBundle::new(case.ca_file(), "the fakes' CA"))),
        |settings, (host, addr)| settings.resolve_to(&host, addr),
    );
    let settings = match case.max_attempts() {
        Some(attempts) => pinned.max_attempts(attempts),
        None => pinned,
    };
    ProviderConfig::new(
        Env::from_pairs(case.env_pairs().iter().cloned()),
        TestClock::new(case.now()),
    )
    .with_http_settings(settings)
    .with_allow_insecure_http(case.records_plain_http())
}

/// Runs one case through the default credentials chain.
async fn run_case(dir: &Path) {
    let case = ReplayCase::load(dir);
    let name = case.name();
    let (capture, _guard) = Capture::start();
    let chain = DefaultProviders::new(config(&case)).credentials_chain();
    let outcome = chain.resolve().await;
    match case.expected() {
        Expected::Credentials(ok) => {
            let got = outcome.unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(got.access_key_id(), ok.access_key_id, "{name}");
            assert_eq!(got.secret_access_key(), ok.secret_access_key, "{name}");
            assert_eq!(got.session_token(), ok.session_token.as_deref(), "{name}");
            assert_eq!(got.account_id(), ok.account_id.as_deref(), "{name}");
            assert_eq!(
                got.expire_time().map(jiff::Timestamp::as_second),
                ok.expiry,
                "{name}"
            );
            assert!(
                !capture.text().contains(&ok.secret_access_key),
                "{name}: the secret is in the log"
            );
        }
        Expected::Error(wanted) => {
            let Err(error) = outcome else {
                panic!("{name}: must fail ({wanted})");
            };
            eprintln!("conformance {name}: fails as expected ({wanted}): {error}");
        }
        other => panic!("{name}: {other:?} is not a credentials result"),
    }
    case.assert_requests();
}

#[tokio::test]
async fn default_credential_provider_chain_cases() {
    let Some(dir) = conformance_dir(SUITE) else {
        return;
    };
    let mut cases: Vec<_> = fs::read_dir(dir.join(SUITE))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert_eq!(cases.len(), CASES, "{SUITE}");
    for case in &cases {
        run_case(case).await;
    }
    eprintln!("{SUITE}: {CASES} of {CASES} cases ran, none skipped");
}
