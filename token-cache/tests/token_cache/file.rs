//! The cache file on disk: reading with the corrupt re-read, and the atomic write (§3.5).

use std::fs;
use std::time::Duration;

use ssokit_token_cache::{TokenCacheFile, WriteError, cache_dir};

use crate::{Home, fixture, ts};

const NAME: &str = "34c6fceca75e456f25e7e99531e2425c6c1de443.json";

/// Scenario 21's file after the refresh: key order and `1.50` kept.
const REFRESHED: &str = "{\n  \"startUrl\": \"https://d-abc123.awsapps.com/start\",\n  \
    \"region\": \"eu-west-1\",\n  \"accessToken\": \"at-2\",\n  \
    \"expiresAt\": \"2026-03-01T13:00:00Z\",\n  \"clientId\": \"cid\",\n  \
    \"clientSecret\": \"csecret\",\n  \"registrationExpiresAt\": \"2026-06-01T00:00:00Z\",\n  \
    \"refreshToken\": \"rt-2\",\n  \"x-extra\": 1.50\n}";

#[test]
fn write_replaces_the_file_losslessly_and_leaves_no_temp_file() {
    let home = Home::with_fixture("session-expiring-soon.json");
    let token = home.cache.read().unwrap().unwrap();
    let next = token.with_refresh("at-2", ts("2026-03-01T13:00:00Z"), Some("rt-2"));
    home.cache.write(&next).unwrap();
    assert_eq!(String::from_utf8(home.bytes()).unwrap(), REFRESHED);
    assert_eq!(home.listing(), vec![NAME.to_owned()]);
    let reread = home.cache.read().unwrap().unwrap();
    assert_eq!(reread.render(), next.render());
    assert_eq!(reread.access_token(), "at-2");
    assert_eq!(reread.refresh_token(), Some("rt-2"));
    // The rewritten token can be written again: its fingerprint is the new file's.
    home.cache
        .write(&reread.with_refresh("at-3", ts("2026-03-01T14:00:00Z"), None))
        .unwrap();
    assert_eq!(home.cache.read().unwrap().unwrap().access_token(), "at-3");
}

#[cfg(unix)]
#[test]
fn modes_are_0600_for_files_and_0700_for_created_directories() {
    use std::os::unix::fs::PermissionsExt;

    use crate::mode;

    let home = Home::empty();
    // An existing `.aws` keeps its mode; `sso` and `sso/cache` are created.
    let aws = home.dir.path().join(".aws");
    fs::create_dir(&aws).unwrap();
    fs::set_permissions(&aws, fs::Permissions::from_mode(0o755)).unwrap();
    // A token to write: parsed from bytes that will be "the file" when it is written.
    let source = TokenCacheFile::at_path(home.dir.path().join("source.json"));
    fs::write(source.path(), fixture("session-valid.json")).unwrap();
    let token = source.read().unwrap().unwrap();
    // Writing elsewhere finds no such file there: refused, but the directories exist now.
    assert!(matches!(
        home.cache.write(&token).unwrap_err(),
        WriteError::Changed { .. }
    ));
    assert_eq!(mode(&aws), 0o755);
    assert_eq!(mode(&aws.join("sso")), 0o700);
    assert_eq!(mode(&cache_dir(home.dir.path())), 0o700);
    assert_eq!(home.listing(), Vec::<String>::new());

    // Through the normal path: the written file is 0600 even if the old one was 0644.
    fs::write(home.cache.path(), fixture("session-valid.json")).unwrap();
    fs::set_permissions(home.cache.path(), fs::Permissions::from_mode(0o644)).unwrap();
    let token = home.cache.read().unwrap().unwrap();
    home.cache
        .write(&token.with_refresh("at-2", ts("2026-03-01T13:00:00Z"), None))
        .unwrap();
    assert_eq!(mode(home.cache.path()), 0o600);
}

#[test]
fn a_file_changed_since_the_read_is_left_as_the_other_tool_wrote_it() {
    let home = Home::with_fixture("session-expiring-soon.json");
    let token = home.cache.read().unwrap().unwrap();
    let theirs = fixture("legacy-minimal.json");
    fs::write(home.cache.path(), &theirs).unwrap();
    let error = home
        .cache
        .write(&token.with_refresh("at-2", ts("2026-03-01T13:00:00Z"), None))
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "{} changed since it was read (another program wrote it); left as it is",
            home.cache.path().display()
        )
    );
    assert_eq!(home.bytes(), theirs);
    assert_eq!(home.listing(), vec![NAME.to_owned()]);

    // Deleted meanwhile: not recreated.
    fs::remove_file(home.cache.path()).unwrap();
    assert!(matches!(
        home.cache.write(&token).unwrap_err(),
        WriteError::Changed { .. }
    ));
    assert_eq!(home.listing(), Vec::<String>::new());
}

#[test]
fn a_missing_directory_that_cannot_be_created_is_an_error() {
    let home = Home::with_fixture("session-valid.json");
    let token = home.cache.read().unwrap().unwrap();
    let blocked = TokenCacheFile::at_path(home.cache.path().join("cache/x.json"));
    let error = blocked.write(&token).unwrap_err();
    let dir = home.cache.path().join("cache");
    let WriteError::CreateDir { path, source, .. } = &error else {
        panic!("{error:?}");
    };
    assert_eq!(path, &dir);
    assert_eq!(
        error.to_string(),
        format!("could not create directory {}: {source}", dir.display())
    );
    assert_eq!(home.bytes(), fixture("session-valid.json"));
}

/// Scenario 28: a read-only cache directory. Root ignores directory modes, so as root the
/// write succeeds instead; the test says so.
#[cfg(unix)]
#[test]
fn a_read_only_directory_fails_the_write_and_keeps_the_file() {
    use std::os::unix::fs::PermissionsExt;

    let home = Home::with_fixture("session-expired.json");
    let token = home.cache.read().unwrap().unwrap();
    let dir = home.cache_dir();
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o500)).unwrap();
    let root = fs::write(dir.join("probe"), b"").is_ok();
    let result = home
        .cache
        .write(&token.with_refresh("at-2", ts("2026-03-01T13:00:00Z"), None));
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o700)).unwrap();
    if root {
        eprintln!("a_read_only_directory_fails_the_write: running as root, modes not enforced");
        result.unwrap();
        return;
    }
    let error = result.unwrap_err();
    let WriteError::CreateTemp { path, source, .. } = &error else {
        panic!("{error:?}");
    };
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let prefix = format!(".{NAME}.{}.", std::process::id());
    assert!(
        name.starts_with(&prefix) && path.extension() == Some(std::ffi::OsStr::new("tmp")),
        "{name}"
    );
    assert_eq!(
        error.to_string(),
        format!(
            "could not create temporary file {}: {source}",
            path.display()
        )
    );
    assert_eq!(home.bytes(), fixture("session-expired.json"));
    assert_eq!(home.listing(), vec![NAME.to_owned()]);
}

#[test]
fn a_corrupt_file_is_read_again_after_the_delay() {
    let home = Home::with_fixture("invalid-json.json");
    let cache = home
        .cache
        .clone()
        .with_corrupt_retry_delay(Duration::from_secs(1));
    let path = cache.path().to_path_buf();
    let fixer = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(50));
        fs::write(path, fixture("session-valid.json")).unwrap();
    });
    let token = cache.read().unwrap().unwrap();
    fixer.join().unwrap();
    assert_eq!(token.access_token(), "session-at");
}

#[test]
fn an_unreadable_path_is_e_read() {
    let home = Home::with_fixture("session-valid.json");
    let dir = TokenCacheFile::at_path(home.cache_dir());
    let error = dir.read().unwrap_err();
    let io = fs::read(home.cache_dir()).unwrap_err();
    assert_eq!(
        error.to_string(),
        format!("could not read {}: {io}", home.cache_dir().display())
    );
}
