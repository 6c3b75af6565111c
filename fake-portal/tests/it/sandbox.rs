//! The shared test setup: the sandbox home and portal, the file helpers, the §13 facts and
//! the trace capture.

use std::panic::{AssertUnwindSafe, catch_unwind};

use ssokit_fake_portal::sandbox::{
    Capture, LEGACY_CACHE, NOW, SECRETS, SESSION_CACHE, Sandbox, assert_no_secret, closed_port,
    copy_tree, generated_home, silent_listener, ts,
};

use crate::{get, post};

#[test]
fn a_sandbox_holds_a_copy_of_the_generated_home_and_points_at_its_portal() {
    let sandbox = Sandbox::new();
    for rel in [".aws/config", LEGACY_CACHE, SESSION_CACHE] {
        assert_eq!(
            sandbox.read(rel).as_bytes(),
            std::fs::read(generated_home().join(rel)).unwrap(),
            "{rel}"
        );
    }
    assert!(
        sandbox
            .read(SESSION_CACHE)
            .contains("\"expiresAt\": \"2026-03-01T14:00:00Z\"")
    );
    let home = sandbox.home.path().to_str().unwrap().to_owned();
    assert_eq!(sandbox.home_str(), home);
    assert_eq!(
        sandbox.env_pairs(),
        [
            ("HOME", home),
            ("AWS_ENDPOINT_URL_SSO", sandbox.portal.url().to_owned()),
            ("AWS_ENDPOINT_URL_SSO_OIDC", sandbox.portal.url().to_owned()),
            ("AWS_ENDPOINT_URL_STS", sandbox.portal.url().to_owned()),
            (
                "SSOKIT_FEDERATION_ENDPOINT",
                sandbox.portal.url().to_owned()
            ),
            ("AWS_EC2_METADATA_DISABLED", "true".to_owned()),
        ]
    );
}

#[test]
fn an_empty_sandbox_has_an_empty_home() {
    let sandbox = Sandbox::empty();
    assert_eq!(std::fs::read_dir(sandbox.home.path()).unwrap().count(), 0);
}

#[test]
fn files_are_written_read_and_removed_inside_the_home() {
    let sandbox = Sandbox::empty();
    sandbox.write("a/b/c.txt", "text");
    assert_eq!(
        std::fs::read_to_string(sandbox.home.path().join("a/b/c.txt")).unwrap(),
        "text"
    );
    assert_eq!(
        sandbox.path("a/b/c.txt"),
        sandbox.home.path().join("a/b/c.txt")
    );
    assert_eq!(sandbox.read("a/b/c.txt"), "text");
    sandbox.remove("a/b/c.txt");
    assert!(!sandbox.path("a/b/c.txt").exists());
    let missing = catch_unwind(AssertUnwindSafe(|| sandbox.read("a/b/c.txt"))).unwrap_err();
    let message = missing.downcast_ref::<String>().unwrap();
    assert!(
        message.starts_with(&format!(
            "could not read {}: ",
            sandbox.path("a/b/c.txt").display()
        )),
        "{message}"
    );
}

#[test]
fn the_counters_are_the_portal_s() {
    let sandbox = Sandbox::empty();
    get(
        sandbox.portal.addr(),
        "/federation/credentials?role_name=r&account_id=1",
    );
    post(sandbox.portal.addr(), "/token", "{}");
    post(sandbox.portal.addr(), "/token", "{}");
    assert_eq!((sandbox.gets(), sandbox.posts()), (1, 2));
}

#[test]
fn copy_tree_copies_nested_folders() {
    let from = tempfile::tempdir().unwrap();
    let to = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(from.path().join("x/y")).unwrap();
    std::fs::write(from.path().join("top"), "1").unwrap();
    std::fs::write(from.path().join("x/y/deep"), "2").unwrap();
    copy_tree(from.path(), &to.path().join("new"));
    assert_eq!(
        std::fs::read_to_string(to.path().join("new/top")).unwrap(),
        "1"
    );
    assert_eq!(
        std::fs::read_to_string(to.path().join("new/x/y/deep")).unwrap(),
        "2"
    );
}

#[test]
fn the_clock_parses_and_secrets_are_caught() {
    assert_eq!(ts(NOW).as_second(), 1_772_366_400);
    assert_no_secret("no secret here: ASIAMOCKACCESSKEY is a key id");
    for secret in SECRETS {
        let text = format!("token {secret}.");
        let caught = catch_unwind(|| assert_no_secret(&text)).unwrap_err();
        assert_eq!(
            caught.downcast_ref::<String>().unwrap(),
            &format!("{secret} appears in: token {secret}.")
        );
    }
}

#[test]
fn a_capture_records_this_thread_only_while_started() {
    tracing::warn!(early = 1, "before the capture");
    let (capture, guard) = Capture::start();
    tracing::warn!(answer = 42, "captured");
    {
        let _span = tracing::debug_span!("step", id = "s1").entered();
    }
    std::thread::spawn(|| tracing::warn!("another thread"))
        .join()
        .unwrap();
    drop(guard);
    tracing::warn!("after the capture");
    assert_eq!(
        capture.lines(),
        ["WARN message=captured answer=42", "span step id=\"s1\"",]
    );
    assert_eq!(capture.text(), capture.lines().join("\n"));
}

#[test]
fn a_silent_listener_accepts_and_never_answers() {
    use std::io::{Read, Write};
    use std::time::Duration;

    let silent = silent_listener();
    assert_eq!(silent.url(), format!("http://{}", silent.addr()));
    assert_eq!(silent.connections(), 0);
    let mut stream = std::net::TcpStream::connect(silent.addr()).unwrap();
    stream
        .write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    stream
        .set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    let mut buffer = [0u8; 16];
    let error = stream.read(&mut buffer).unwrap_err();
    assert!(
        matches!(
            error.kind(),
            std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
        ),
        "{error}"
    );
    let _second = std::net::TcpStream::connect(silent.addr()).unwrap();
    // The accept loop runs on its own thread: wait for it to count.
    for _ in 0..200 {
        if silent.connections() == 2 {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    assert_eq!(silent.connections(), 2);
    let addr = silent.addr();
    drop(silent);
    assert!(std::net::TcpStream::connect(addr).is_err());
}

#[test]
fn a_closed_port_refuses_connections() {
    let addr = closed_port();
    assert!(addr.ip().is_loopback());
    let error = std::net::TcpStream::connect(addr).unwrap_err();
    assert_eq!(error.kind(), std::io::ErrorKind::ConnectionRefused);
}
