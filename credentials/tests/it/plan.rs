//! `ProfilePlan`: the providers' own decisions, without network.

use ssokit_config_parser::SectionKind;
use ssokit_credentials::{CacheState, CredentialsRoute, Freshness, PlanFiles, ProfilePlan};

use crate::World;

/// Profiles that fail or are not configured in every way the config can make them.
const BROKEN: &str = "
[profile half]
aws_access_key_id = AKID
[profile mismatch]
sso_session = dev
sso_region = us-west-2
sso_account_id = 1
sso_role_name = R
[profile nosession]
sso_session = missing
sso_account_id = 1
sso_role_name = R
[profile partial]
sso_start_url = https://x
[profile tokenonly]
sso_session = dev
[profile nothing]
region = eu-west-1
[profile role]
role_arn = arn:aws:iam::1:role/R
source_profile = a
[profile process]
credential_process = /bin/false
[profile badregion]
sso_session = dev
sso_account_id = 1
sso_role_name = R
use_fips_endpoint = maybe
[sso-session nokeys]
sso_region = eu-west-1
[profile nokeys]
sso_session = nokeys
";

/// Wherever the plan says a provider fails or is not configured, the provider itself
/// fails with the same error, word for word, and the same kind.
#[tokio::test]
async fn the_plan_errors_are_the_providers_errors() {
    let w = World::new();
    let config = w.read(".aws/config");
    w.write(".aws/config", format!("{config}{BROKEN}"));
    // Tokens read the config file only: this profile has credentials settings but no token.
    w.write(".aws/credentials", "[credonly]\nsso_session = dev\n");
    let files = PlanFiles::load(&w.config()).unwrap();
    let mut compared = 0;
    for profile in files.profiles().sections(SectionKind::Profile) {
        let plan = ProfilePlan::new(&w.config(), &files, &profile);
        let name = profile.name();
        let credentials = w.profile(name).get().await;
        match (plan.credentials(), &credentials) {
            (Err(expected), Err(actual)) => {
                assert_eq!(actual.to_string(), expected.to_string(), "{name}");
                assert_eq!(actual.kind(), expected.kind(), "{name}");
                assert_eq!(actual.location(), expected.location(), "{name}");
                compared += 1;
            }
            (Err(expected), Ok(_)) => {
                panic!("{name}: the plan says {expected}, the provider answers")
            }
            // A route the plan found is configured: the provider may still fail later (its
            // token, the network), but never as "not configured".
            (Ok(_), Err(actual)) => assert!(!actual.is_not_configured(), "{name}: {actual}"),
            (Ok(_), Ok(_)) => {}
        }
        let token = w.token(name).get().await;
        match (plan.token(), &token) {
            (Err(expected), Err(actual)) => {
                assert_eq!(actual.to_string(), expected.to_string(), "{name}");
                assert_eq!(actual.kind(), expected.kind(), "{name}");
                compared += 1;
            }
            (Err(expected), Ok(_)) => {
                panic!("{name}: the plan says {expected}, the provider answers")
            }
            (Ok(_), Err(actual)) => assert!(!actual.is_not_configured(), "{name}: {actual}"),
            (Ok(_), Ok(_)) => {}
        }
    }
    assert!(compared >= 15, "{compared}");
}

#[tokio::test]
async fn routes_name_the_cache_entry_and_the_endpoints() {
    let w = World::new();
    let files = PlanFiles::load(&w.config()).unwrap();
    let set = files.profiles();
    let plan = ProfilePlan::new(&w.config(), &files, &set.profile("s").unwrap());
    let Ok(CredentialsRoute::Sso(sso)) = plan.credentials() else {
        panic!("{plan:?}");
    };
    assert_eq!((sso.account(), sso.role()), ("444455556666", "SessionRole"));
    assert_eq!(sso.session(), Some("dev"));
    assert_eq!(sso.portal().unwrap(), w.portal.url());
    let Some(path) = sso.cache().path() else {
        panic!("no cache path");
    };
    assert!(path.ends_with(crate::SESSION_CACHE.rsplit('/').next().unwrap()));
    let CacheState::Found(status) = sso.cache().state() else {
        panic!("{:?}", sso.cache());
    };
    assert_eq!(status.freshness(), Freshness::Valid);
    assert_eq!(status.refresh(), Some(Ok(())));
    let token = plan.token().unwrap();
    assert_eq!(token.session(), "dev");
    assert_eq!(token.oidc().unwrap(), w.portal.url());

    // The legacy profile: read-only token, no refresh judgement.
    let plan = ProfilePlan::new(&w.config(), &files, &set.profile("a").unwrap());
    let Ok(CredentialsRoute::Sso(sso)) = plan.credentials() else {
        panic!("{plan:?}");
    };
    assert_eq!(sso.session(), None);
    let CacheState::Found(status) = sso.cache().state() else {
        panic!("{:?}", sso.cache());
    };
    assert_eq!(status.refresh(), None);
    assert_eq!(w.gets() + w.posts(), 0);
}

/// The session entry's freshness follows the provider's 300 s window and its
/// refreshability the provider's checks.
#[tokio::test]
async fn session_entries_follow_the_window_and_the_refresh_checks() {
    let state = |w: &World| {
        let entry = PlanFiles::load(&w.config())
            .unwrap()
            .session_cache_entry(&w.config(), "dev");
        match entry.state() {
            CacheState::Found(status) => (
                status.freshness(),
                status.refresh().map(|r| r.map_err(str::to_owned)),
            ),
            other => panic!("{other:?}"),
        }
    };
    let w = World::new();
    w.session_expires_at("\"2026-03-01T12:04:00Z\"");
    assert_eq!(state(&w), (Freshness::Expiring, Some(Ok(()))));
    let w = World::new();
    w.session_expires_at("\"2026-03-01T11:00:00Z\"");
    assert_eq!(state(&w).0, Freshness::Expired);
    let w = World::new();
    let text = w.read(crate::SESSION_CACHE);
    let key = "\"registrationExpiresAt\": \"";
    let start = text.find(key).unwrap() + key.len();
    let end = start + text[start..].find('"').unwrap();
    w.write(
        crate::SESSION_CACHE,
        format!("{}2026-02-01T00:00:00Z{}", &text[..start], &text[end..]),
    );
    assert_eq!(
        state(&w).1,
        Some(Err(
            "client registration expired at 2026-02-01T00:00:00Z".to_owned()
        ))
    );
    w.remove(crate::SESSION_CACHE);
    let entry = PlanFiles::load(&w.config())
        .unwrap()
        .session_cache_entry(&w.config(), "dev");
    let CacheState::Absent(error) = entry.state() else {
        panic!("{entry:?}");
    };
    assert!(
        error.to_string().starts_with("Cached token not found at "),
        "{error}"
    );
}

/// A plan's files are one snapshot: the profiles that share a session read its cache file
/// once, so a file removed between two profiles' plans does not change the second.
#[tokio::test]
async fn profiles_sharing_a_session_read_its_cache_file_once() {
    let w = World::new();
    let config = w.read(".aws/config");
    w.write(
        ".aws/config",
        format!(
            "{config}\n[profile s2]\nsso_session = dev\nsso_account_id = 1\nsso_role_name = R\n"
        ),
    );
    let files = PlanFiles::load(&w.config()).unwrap();
    let set = files.profiles();
    let state = |name: &str| {
        let plan = ProfilePlan::new(&w.config(), &files, &set.profile(name).unwrap());
        let Ok(CredentialsRoute::Sso(sso)) = plan.credentials() else {
            panic!("{plan:?}");
        };
        matches!(sso.cache().state(), CacheState::Found(_))
    };
    assert!(state("s"));
    w.remove(crate::SESSION_CACHE);
    assert!(state("s2"), "read once, at the first profile");
    let fresh = PlanFiles::load(&w.config()).unwrap();
    let entry = fresh.session_cache_entry(&w.config(), "dev");
    assert!(matches!(entry.state(), CacheState::Absent(_)), "{entry:?}");
}
