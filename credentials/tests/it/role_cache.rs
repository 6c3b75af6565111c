//! The role credential disk cache (SPEC §21, §26 scenarios 12-14): the AWS CLI's entry
//! names and format, answers from disk with no token, lock or request, the 15-minute
//! window, corrupt entries warned about and replaced by the next write (never deleted), the
//! switch, one fetch for many processes, and assumed roles keyed by their settings.

use std::os::unix::fs::PermissionsExt;
use std::sync::{Arc, Mutex};

use ssokit_credentials::{ProfileCredentialsProvider, ProviderConfig, SsoCredentialsProvider};
use ssokit_fake_portal::Operation;

use crate::{LEGACY_CACHE, SESSION_CACHE, World, assert_no_secret};

/// §21: the entry of §13 profile `s` (`444455556666`, `SessionRole`, session `dev`).
const S_ENTRY: &str = ".aws/cli/cache/9eed7d016ae9398e5d2c4152bf33123c25e9740f.json";
/// §21: the entry of §13 legacy profile `a` (`111122223333`, `LegacyRole`, its start URL).
const A_ENTRY: &str = ".aws/cli/cache/a1847eccf36ce53c247d19387b61917da9090692.json";
/// §21: `{"RoleArn": "arn:aws:iam::123456789012:role/Admin"}`.
const ADMIN_ENTRY: &str = ".aws/cli/cache/51e7b105b5040ce662656c8dc6ab4de70c4de7ad.json";

const S_WRITTEN: &str = "{\n  \"ProviderType\": \"sso\",\n  \"Credentials\": {\n    \
    \"AccessKeyId\": \"ASIAMOCKACCESSKEY\",\n    \"SecretAccessKey\": \"mockSecretKey\",\n    \
    \"SessionToken\": \"mockSessionToken\",\n    \"Expiration\": \"2026-03-01T13:00:00Z\",\n    \
    \"AccountId\": \"444455556666\"\n  }\n}";

/// The world's configuration with the disk cache on and warnings collected.
fn cached(w: &World, warnings: &Arc<Mutex<Vec<String>>>) -> ProviderConfig {
    let sink = Arc::clone(warnings);
    w.config()
        .with_disk_cache(true)
        .with_warnings(move |text| sink.lock().unwrap().push(text.to_owned()))
}

fn sso(config: ProviderConfig, profile: &str) -> SsoCredentialsProvider {
    SsoCredentialsProvider::builder(config)
        .profile_name(profile)
        .build()
}

fn mode(w: &World, rel: &str) -> u32 {
    std::fs::metadata(w.path(rel)).unwrap().permissions().mode() & 0o777
}

fn gets(w: &World) -> usize {
    w.portal.count(Operation::GetRoleCredentials)
}

#[tokio::test]
async fn s12_an_entry_is_written_as_the_cli_writes_it_and_answers_without_the_portal() {
    let w = World::new();
    let warnings = Arc::default();
    let first = sso(cached(&w, &warnings), "s").get().await.unwrap();
    assert_eq!(gets(&w), 1);
    assert_eq!(w.read(S_ENTRY), S_WRITTEN);
    assert_eq!(mode(&w, S_ENTRY), 0o600);
    assert_eq!(mode(&w, ".aws/cli/cache"), 0o700);
    // A new process: no token file, no portal request.
    w.remove(SESSION_CACHE);
    let second = sso(cached(&w, &warnings), "s").get().await.unwrap();
    assert_eq!(gets(&w), 1);
    assert_eq!(second.access_key_id(), first.access_key_id());
    assert_eq!(second.session_token(), Some("mockSessionToken"));
    assert_eq!(second.expire_time(), first.expire_time());
    assert_eq!(second.account_id(), Some("444455556666"));
    assert_eq!(second.provider_name(), "Sso");
    assert!(warnings.lock().unwrap().is_empty());
}

#[tokio::test]
async fn a_legacy_profile_has_its_start_url_key() {
    let w = World::new();
    sso(cached(&w, &Arc::default()), "a").get().await.unwrap();
    assert!(w.read(A_ENTRY).contains("\"AccountId\": \"111122223333\""));
    w.remove(LEGACY_CACHE);
    sso(cached(&w, &Arc::default()), "a").get().await.unwrap();
    assert_eq!(gets(&w), 1);
}

#[tokio::test]
async fn s13_an_entry_with_under_15_minutes_left_is_refetched_and_replaced() {
    let w = World::new();
    let near = S_WRITTEN
        .replace("ASIAMOCKACCESSKEY", "ASIAOLD")
        .replace("2026-03-01T13:00:00Z", "2026-03-01T12:10:00Z");
    w.write(S_ENTRY, &near);
    let creds = sso(cached(&w, &Arc::default()), "s").get().await.unwrap();
    assert_eq!(creds.access_key_id(), "ASIAMOCKACCESSKEY");
    assert_eq!(gets(&w), 1);
    assert_eq!(w.read(S_ENTRY), S_WRITTEN);
    // 15 minutes exactly is still usable (botocore's window).
    w.write(
        S_ENTRY,
        near.replace("2026-03-01T12:10:00Z", "2026-03-01T12:15:00Z"),
    );
    let creds = sso(cached(&w, &Arc::default()), "s").get().await.unwrap();
    assert_eq!(creds.access_key_id(), "ASIAOLD");
    assert_eq!(gets(&w), 1);
}

#[tokio::test]
async fn s13_a_corrupt_entry_is_warned_about_left_in_place_then_replaced_by_the_next_write() {
    for (text, detail) in [
        ("{\"Cred", "invalid JSON at line 1, column 6"),
        (
            "{\"Credentials\": {\"AccessKeyId\": \"A\"}}",
            "Credentials.SecretAccessKey is missing or empty",
        ),
    ] {
        let w = World::new();
        w.write(S_ENTRY, text);
        let warnings = Arc::default();
        sso(cached(&w, &warnings), "s").get().await.unwrap();
        assert_eq!(gets(&w), 1);
        assert_eq!(
            *warnings.lock().unwrap(),
            [format!(
                "ignoring the role credential cache entry {} ({detail})",
                w.path(S_ENTRY).display()
            )]
        );
        assert_eq!(w.read(S_ENTRY), S_WRITTEN, "the next write replaced it");
    }
}

#[tokio::test]
async fn a_failed_write_is_a_warning_and_the_credentials_still_come() {
    let w = World::new();
    // A file where the cache directory should be.
    w.write(".aws/cli", "not a directory");
    let warnings = Arc::default();
    let creds = sso(cached(&w, &warnings), "s").get().await.unwrap();
    assert_eq!(creds.access_key_id(), "ASIAMOCKACCESSKEY");
    let said = warnings.lock().unwrap().join("\n");
    assert!(
        said.contains(&format!(
            "could not update the role credential cache {}: ",
            w.path(S_ENTRY).display()
        )),
        "{said}"
    );
    assert_no_secret(&said);
}

#[tokio::test]
async fn s13_the_switch() {
    // Off by default in the library.
    let w = World::new();
    w.sso("s").get().await.unwrap();
    assert!(!w.path(S_ENTRY).exists());
    // SSOKIT_DISK_CACHE turns it on; the builder's choice beats it.
    let mut w = World::new();
    w.set_env("SSOKIT_DISK_CACHE", "TRUE");
    w.sso("s").get().await.unwrap();
    assert!(w.path(S_ENTRY).exists());
    let w2 = {
        let mut w = World::new();
        w.set_env("SSOKIT_DISK_CACHE", "true");
        w
    };
    sso(w2.config().with_disk_cache(false), "s")
        .get()
        .await
        .unwrap();
    assert!(!w2.path(S_ENTRY).exists());
    // SSOKIT_DISK_CACHE=false overrides a default of on; neither read nor written.
    let mut w = World::new();
    w.set_env("SSOKIT_DISK_CACHE", "false");
    w.write(S_ENTRY, S_WRITTEN.replace("ASIAMOCKACCESSKEY", "ASIADISK"));
    let creds = sso(w.config().with_disk_cache_by_default(true), "s")
        .get()
        .await
        .unwrap();
    assert_eq!(creds.access_key_id(), "ASIAMOCKACCESSKEY");
    assert!(w.read(S_ENTRY).contains("ASIADISK"));
    // Not a boolean: E-BOOL, before any request.
    w.set_env("SSOKIT_DISK_CACHE", "maybe");
    let error = w.sso("s").get().await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid value \"maybe\" for SSOKIT_DISK_CACHE: expected true or false"
    );
    assert_eq!(gets(&w), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn s14_eight_loads_on_a_missing_entry_make_one_call() {
    let w = World::new();
    let loads: Vec<_> = (0..8)
        .map(|_| {
            // Each its own configuration and in-memory cache, as separate processes.
            let provider = sso(cached(&w, &Arc::default()), "s");
            tokio::spawn(async move { provider.get().await.map(|c| c.access_key_id().to_owned()) })
        })
        .collect();
    for load in loads {
        assert_eq!(load.await.unwrap().unwrap(), "ASIAMOCKACCESSKEY");
    }
    assert_eq!(gets(&w), 1);
}

fn admin_profiles(w: &World, extra: &str) {
    let config = w.read(".aws/config");
    w.write(
        ".aws/config",
        format!(
            "{config}\n[profile base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = base-secret\n\
             [profile admin]\nrole_arn = arn:aws:iam::123456789012:role/Admin\nsource_profile = base\n{extra}"
        ),
    );
}

fn profile(config: ProviderConfig, name: &str) -> ProfileCredentialsProvider {
    ProfileCredentialsProvider::builder(config)
        .profile_name(name)
        .build()
}

#[tokio::test]
async fn an_assumed_role_is_cached_under_its_settings_without_provider_type() {
    let w = World::new();
    admin_profiles(&w, "");
    let first = profile(cached(&w, &Arc::default()), "admin")
        .get()
        .await
        .unwrap();
    assert_eq!(w.portal.count(Operation::AssumeRole), 1);
    let entry = w.read(ADMIN_ENTRY);
    assert_eq!(
        entry,
        format!(
            "{{\n  \"Credentials\": {{\n    \"AccessKeyId\": \"{}\",\n    \"SecretAccessKey\": \"{}\",\n    \
             \"SessionToken\": \"{}\",\n    \"Expiration\": \"2026-03-01T13:00:00Z\",\n    \
             \"AccountId\": \"123456789012\"\n  }},\n  \"AssumedRoleUser\": {{\n    \
             \"AssumedRoleId\": \"{}\",\n    \"Arn\": \"arn:aws:sts::123456789012:assumed-role/Admin/ssokit-1772366400000\"\n  }}\n}}",
            first.access_key_id(),
            first.secret_access_key(),
            first.session_token().unwrap(),
            entry
                .split("\"AssumedRoleId\": \"")
                .nth(1)
                .and_then(|rest| rest.split('"').next())
                .unwrap()
        )
    );
    let second = profile(cached(&w, &Arc::default()), "admin")
        .get()
        .await
        .unwrap();
    assert_eq!(w.portal.count(Operation::AssumeRole), 1, "from disk");
    assert_eq!(second.access_key_id(), first.access_key_id());
    assert_eq!(second.account_id(), Some("123456789012"));
    assert_eq!(second.provider_name(), "AssumeRole");
}

#[tokio::test]
async fn a_cached_role_answers_before_its_source_is_resolved() {
    let w = World::new();
    // The source is an SSO profile whose token is gone: resolving it would fail.
    let config = w.read(".aws/config");
    w.write(
        ".aws/config",
        format!(
            "{config}\n[profile admin]\nrole_arn = arn:aws:iam::123456789012:role/Admin\nsource_profile = s\n"
        ),
    );
    w.write(
        ADMIN_ENTRY,
        S_WRITTEN
            .replace("  \"ProviderType\": \"sso\",\n", "")
            .replace("ASIAMOCKACCESSKEY", "ASIAADMIN"),
    );
    w.remove(SESSION_CACHE);
    let creds = profile(cached(&w, &Arc::default()), "admin")
        .get()
        .await
        .unwrap();
    assert_eq!(creds.access_key_id(), "ASIAADMIN");
    assert_eq!(w.portal.requests().len(), 0);
}

#[tokio::test]
async fn a_configured_duration_makes_another_entry() {
    let w = World::new();
    admin_profiles(&w, "duration_seconds = 3600\n");
    profile(cached(&w, &Arc::default()), "admin")
        .get()
        .await
        .unwrap();
    assert!(!w.path(ADMIN_ENTRY).exists());
    let name = ssokit_token_cache::RoleCacheKey::AssumeRole {
        role_arn: "arn:aws:iam::123456789012:role/Admin",
        role_session_name: None,
        external_id: None,
        serial_number: None,
        duration_seconds: Some(3600),
    }
    .file_name();
    assert!(w.path(&format!(".aws/cli/cache/{name}")).exists());
}
