//! The cross-process lock (SPEC §3.6), and many processes hammering one cache file.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use ssokit_token_cache::{CachedToken, LockError, LockOptions, TokenCacheFile};

use crate::{Home, fixture, now, ts};

fn short(timeout_ms: u64) -> LockOptions {
    LockOptions::default()
        .with_poll_interval(Duration::from_millis(1), Duration::from_millis(5))
        .with_timeout(Duration::from_millis(timeout_ms))
}

#[test]
#[allow(
    clippy::disallowed_methods,
    reason = "the test measures that the lock waited its timeout, with the monotonic clock"
)]
fn two_handles_in_one_process_exclude_each_other() {
    let home = Home::with_fixture("session-expired.json");
    let first = home.cache.lock(&short(1000)).unwrap();
    let start = Instant::now();
    let error = home.cache.lock(&short(100)).unwrap_err();
    assert!(start.elapsed() >= Duration::from_millis(100));
    assert!(matches!(error, LockError::TimedOut { .. }));
    assert_eq!(
        error.to_string(),
        format!("timed out waiting for {}", home.cache.lock_path().display())
    );
    drop(first);
    let second = home.cache.lock(&short(100)).unwrap();
    assert_eq!(second.path(), home.cache.lock_path());
}

#[test]
fn a_waiter_gets_the_lock_when_it_is_released() {
    let home = Home::with_fixture("session-expired.json");
    let held = home.cache.lock(&short(1000)).unwrap();
    let cache = home.cache.clone();
    let waiter = std::thread::spawn(move || cache.lock(&short(5000)).map(drop));
    std::thread::sleep(Duration::from_millis(50));
    drop(held);
    waiter.join().unwrap().unwrap();
}

#[test]
fn the_lock_is_released_when_its_holder_panics() {
    let home = Home::with_fixture("session-expired.json");
    let cache = home.cache.clone();
    let result = std::thread::spawn(move || {
        let _lock = cache.lock(&short(1000)).unwrap();
        panic!("holder panics while holding the lock (expected by this test)");
    })
    .join();
    assert!(result.is_err());
    home.cache.lock(&short(100)).unwrap();
}

#[cfg(unix)]
#[test]
fn the_lock_file_is_0600_and_never_deleted() {
    let home = Home::with_fixture("session-expired.json");
    drop(home.cache.lock(&short(100)).unwrap());
    assert_eq!(crate::mode(&home.cache.lock_path()), 0o600);
    assert!(home.cache.lock_path().is_file());
    assert_eq!(fs::read(home.cache.lock_path()).unwrap(), b"");
}

#[test]
fn the_lock_file_holds_the_last_attempt() {
    let home = Home::with_fixture("session-expired.json");
    let mut lock = home.cache.lock(&short(100)).unwrap();
    assert_eq!(lock.last_attempt().unwrap(), None);
    lock.record_attempt(ts("2026-03-01T12:00:00.7Z")).unwrap();
    assert_eq!(lock.last_attempt().unwrap(), Some(now()));
    drop(lock);
    assert_eq!(
        fs::read_to_string(home.cache.lock_path()).unwrap(),
        "2026-03-01T12:00:00Z"
    );
    let mut lock = home.cache.lock(&short(100)).unwrap();
    assert_eq!(lock.last_attempt().unwrap(), Some(now()));
    lock.record_attempt(ts("2026-03-01T12:00:31Z")).unwrap();
    assert_eq!(
        lock.last_attempt().unwrap(),
        Some(ts("2026-03-01T12:00:31Z"))
    );
    drop(lock);
    assert_eq!(
        fs::read_to_string(home.cache.lock_path()).unwrap(),
        "2026-03-01T12:00:31Z"
    );
    // Garbage left by someone else counts as no attempt.
    fs::write(home.cache.lock_path(), b"yesterday").unwrap();
    let lock = home.cache.lock(&short(100)).unwrap();
    assert_eq!(lock.last_attempt().unwrap(), None);
}

#[test]
fn a_missing_cache_folder_is_made_private_before_the_lock() {
    let home = Home::empty();
    let dir = home.cache.path().parent().unwrap().to_owned();
    assert!(!dir.exists());
    drop(home.cache.login_lock(&short(100)).unwrap());
    drop(home.cache.lock(&short(100)).unwrap());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            fs::metadata(&dir).unwrap().permissions().mode() & 0o777,
            0o700
        );
        let lock = fs::metadata(home.cache.lock_path()).unwrap();
        assert_eq!(lock.permissions().mode() & 0o777, 0o600);
    }
}

#[test]
fn a_cache_folder_that_cannot_be_made_is_named() {
    let home = Home::empty();
    // The cache folder's place is taken by a file: neither the folder nor the lock file
    // can be made.
    let dir = home.cache.path().parent().unwrap();
    fs::create_dir_all(dir.parent().unwrap()).unwrap();
    fs::write(dir, b"not a folder").unwrap();
    let error = home.cache.lock(&short(100)).unwrap_err();
    let LockError::Folder { path, source, .. } = &error else {
        panic!("{error:?}");
    };
    assert_eq!(path, dir);
    assert_eq!(
        error.to_string(),
        format!(
            "could not create the cache folder {}: {source}",
            dir.display()
        )
    );
}

#[test]
fn a_lock_file_that_cannot_be_created_is_an_open_error() {
    let home = Home::empty();
    // The lock file's place is taken by a folder.
    fs::create_dir_all(home.cache.lock_path()).unwrap();
    let error = home.cache.lock(&short(100)).unwrap_err();
    let LockError::Open { path, source, .. } = &error else {
        panic!("{error:?}");
    };
    assert_eq!(path, &home.cache.lock_path());
    assert_eq!(
        error.to_string(),
        format!("could not open lock file {}: {source}", path.display())
    );
}

// ---- Many processes ------------------------------------------------------------------

const ROLE: &str = "SSOKIT_TOKEN_CACHE_TEST_ROLE";
const FILE: &str = "SSOKIT_TOKEN_CACHE_TEST_FILE";
const WRITERS: u64 = 8;
const ROUNDS: u64 = 25;

fn counter(token: &CachedToken) -> u64 {
    token
        .access_token()
        .strip_prefix("count-")
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("not a counter token: {token:?}"))
}

/// The child processes' entry point: a no-op unless the parent test set the role.
#[test]
#[allow(
    clippy::disallowed_methods,
    reason = "the parent test passes the child role through the environment"
)]
fn child_process() {
    let (Some(role), Some(file)) = (std::env::var_os(ROLE), std::env::var_os(FILE)) else {
        return;
    };
    let cache = TokenCacheFile::at_path(PathBuf::from(file))
        .with_corrupt_retry_delay(Duration::from_millis(1));
    match role.to_str() {
        Some("writer") => writer(&cache),
        Some("reader") => reader(&cache),
        other => panic!("unknown role {other:?}"),
    }
}

/// `ROUNDS` lock / read / modify / write / verify cycles.
fn writer(cache: &TokenCacheFile) {
    let options = short(30_000);
    for round in 0..ROUNDS {
        let mut lock = cache.lock(&options).unwrap();
        let token = cache.read().unwrap().expect("the token is always there");
        let n = counter(&token);
        if round % 5 == 0 {
            lock.record_attempt(now()).unwrap();
        }
        let next = token.with_refresh(&format!("count-{}", n + 1), now(), None);
        cache.write(&next).unwrap();
        let after = CachedToken::parse(&fs::read(cache.path()).unwrap(), cache.path())
            .unwrap()
            .unwrap();
        assert_eq!(counter(&after), n + 1);
        drop(lock);
    }
}

/// Reads without the lock until the parent's "done" file appears; every read parses and
/// the counter never goes back.
fn reader(cache: &TokenCacheFile) {
    let done = done_marker(cache.path());
    let mut last = 0;
    let mut reads = 0u64;
    while !done.exists() {
        let bytes = fs::read(cache.path()).unwrap();
        let token = CachedToken::parse(&bytes, cache.path())
            .unwrap_or_else(|e| panic!("reader saw a partial file: {e}"))
            .expect("reader saw no token");
        let n = counter(&token);
        assert!(n >= last, "counter went back from {last} to {n}");
        last = n;
        reads += 1;
    }
    assert!(reads > 0);
    eprintln!("reader: {reads} reads, last counter {last}");
}

fn done_marker(cache_file: &Path) -> PathBuf {
    cache_file.with_file_name("done")
}

fn spawn(role: &str, file: &Path) -> Child {
    Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "lock::child_process",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(ROLE, role)
        .env(FILE, file)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

#[test]
#[allow(
    clippy::disallowed_methods,
    reason = "the test bounds how long its child processes may run, with the monotonic clock"
)]
fn many_processes_lose_no_update_and_readers_never_see_a_partial_file() {
    let start = Instant::now();
    let initial = String::from_utf8(fixture("session-expired.json"))
        .unwrap()
        .replace("\"session-at\"", "\"count-0\"");
    let home = Home::with(initial.as_bytes());
    let path = home.cache.path().to_path_buf();

    let readers: Vec<Child> = (0..2).map(|_| spawn("reader", &path)).collect();
    let writers: Vec<Child> = (0..WRITERS).map(|_| spawn("writer", &path)).collect();

    // This process reads too, through the public API.
    let stop = Arc::new(AtomicBool::new(false));
    let local = {
        let stop = Arc::clone(&stop);
        let cache = home.cache.clone();
        std::thread::spawn(move || {
            let mut reads = 0u64;
            while !stop.load(Ordering::Relaxed) {
                let token = cache.read().unwrap().unwrap();
                counter(&token);
                reads += 1;
            }
            reads
        })
    };

    let mut failures = Vec::new();
    for (i, child) in writers.into_iter().enumerate() {
        let out = child.wait_with_output().unwrap();
        if !out.status.success() {
            failures.push(format!(
                "writer {i}: {}\n{}{}",
                out.status,
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ));
        }
    }
    fs::write(done_marker(&path), b"").unwrap();
    for (i, child) in readers.into_iter().enumerate() {
        let out = child.wait_with_output().unwrap();
        if !out.status.success() || !String::from_utf8_lossy(&out.stderr).contains("reader: ") {
            failures.push(format!(
                "reader {i}: {}\n{}{}",
                out.status,
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ));
        }
    }
    stop.store(true, Ordering::Relaxed);
    let local_reads = local.join().unwrap();
    assert!(failures.is_empty(), "{}", failures.join("\n"));

    let last = home.cache.read().unwrap().unwrap();
    assert_eq!(counter(&last), WRITERS * ROUNDS);
    assert!(local_reads > 0);
    // Nothing but the token, its lock file and the marker: no temporary file left.
    assert_eq!(
        home.listing(),
        vec![
            "34c6fceca75e456f25e7e99531e2425c6c1de443.json".to_owned(),
            "34c6fceca75e456f25e7e99531e2425c6c1de443.json.lock".to_owned(),
            "done".to_owned(),
        ]
    );
    // Everything but accessToken and expiresAt survived 200 rewrites.
    let expected = initial
        .replace("\"count-0\"", &format!("\"count-{}\"", WRITERS * ROUNDS))
        .replace("2026-03-01T11:59:00Z", "2026-03-01T12:00:00Z");
    assert_eq!(String::from_utf8(home.bytes()).unwrap(), expected);
    eprintln!(
        "{WRITERS} writer and 2 reader processes, {} increments, {local_reads} local reads, {:?}",
        WRITERS * ROUNDS,
        start.elapsed()
    );
}
