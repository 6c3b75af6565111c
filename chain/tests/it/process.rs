//! The real-process constructors (the only tests that read the process, by design).

use ssokit_chain::{Clock, SystemClock, os_home, process_env, provider_config_from_process};

#[test]
fn the_system_clock_is_now() {
    let now = SystemClock.now();
    assert!(now > "2025-01-01T00:00:00Z".parse().unwrap());
}

#[test]
fn the_process_snapshot_holds_the_process_variables() {
    // Cargo sets CARGO_PKG_NAME for the test binary's build, and CARGO for its run.
    let env = process_env();
    assert!(env.get("CARGO").is_some());
    let config = provider_config_from_process();
    assert_eq!(config.env().get("CARGO"), env.get("CARGO"));
    if let Some(home) = os_home() {
        assert!(!home.as_os_str().is_empty());
    }
}

#[test]
fn the_process_chains_hold_the_default_providers() {
    let names = |chain: &ssokit_chain::CredentialsProviderChain| {
        chain
            .providers()
            .iter()
            .map(|p| p.provider_name().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        names(&ssokit_chain::CredentialsProviderChain::from_process()),
        [
            "EnvironmentCredentialsProvider(AWS)",
            "EnvironmentCredentialsProvider(AMAZON)",
            "ProfileCredentialsProvider",
            "WebIdentityTokenCredentialsProvider",
            "ContainerCredentialsProvider",
            "ImdsCredentialsProvider"
        ]
    );
    let token = ssokit_chain::TokenProviderChain::from_process();
    assert_eq!(token.providers()[0].provider_name(), "SsoTokenProvider");
}
