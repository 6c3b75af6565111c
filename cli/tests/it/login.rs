//! `ssokit login` and `ssokit logout` against the fake SSO-OIDC and portal: the device code
//! flow chosen automatically under SSH, stdout empty, the token file written, the session
//! logged out while the other stays (SPEC §19, §20, §26).

use ssokit_fake_portal::Operation;

use crate::{LEGACY_CACHE, SECRETS, SESSION_CACHE, Sandbox};

#[test]
fn device_code_under_ssh_then_logout_of_that_session() {
    let mut sandbox = Sandbox::new();
    sandbox.remove(SESSION_CACHE);
    sandbox.env("SSH_CONNECTION", "10.0.0.1 50000 10.0.0.2 22");
    let run = sandbox.run(&["login", "--sso-session", "dev"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    assert_eq!(run.stdout(), "", "stdout stays empty");
    let stderr = run.stderr();
    assert!(stderr.starts_with(
        "No browser can be opened here (SSH_CONNECTION is set); using the device code flow. Pass --no-browser to use the authorization code flow anyway.\n"
    ), "{stderr}");
    assert!(
        stderr.contains("Open this URL in a browser on any device:"),
        "{stderr}"
    );
    assert!(stderr.contains("Logged in to https://d-abc123.awsapps.com/start (sso-session dev); the token is valid until "), "{stderr}");
    for secret in SECRETS {
        assert!(!stderr.contains(secret), "{secret} in: {stderr}");
    }
    assert_eq!(sandbox.portal.count(Operation::RegisterClient), 1);
    let token = sandbox.read(SESSION_CACHE);
    assert!(token.contains("\"registrationExpiresAt\""), "{token}");

    let run = sandbox.run(&["logout", "--sso-session", "dev"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    assert!(
        run.stderr().contains("server session ended"),
        "{}",
        run.stderr()
    );
    assert!(!sandbox.path(SESSION_CACHE).exists());
    assert!(sandbox.path(LEGACY_CACHE).exists());
}

#[test]
fn usage_errors() {
    let sandbox = Sandbox::new();
    assert_eq!(
        sandbox
            .run(&["login", "--use-device-code", "--redirect-port", "8400"])
            .code(),
        2
    );
    assert_eq!(sandbox.run(&["login", "--redirect-port", "0"]).code(), 2);
    assert_eq!(
        sandbox
            .run(&["logout", "--sso-session", "dev", "--profile", "s"])
            .code(),
        2
    );
}

/// A `login --sso-session dev --no-browser` process with its stderr, killed if the test
/// ends first.
#[cfg(unix)]
struct Login {
    child: std::process::Child,
    stderr: std::io::BufReader<std::process::ChildStderr>,
}

#[cfg(unix)]
impl Login {
    fn start(sandbox: &Sandbox) -> Self {
        use std::process::Stdio;
        let mut child = sandbox
            .command(&["login", "--sso-session", "dev", "--no-browser"])
            .stderr(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = std::io::BufReader::new(child.stderr.take().unwrap());
        Self { child, stderr }
    }

    /// Reads stderr up to a line with `text`; what was read.
    fn wait_for(&mut self, text: &str) -> String {
        use std::io::BufRead;
        let mut seen = String::new();
        while !seen.contains(text) {
            let mut line = String::new();
            assert!(
                self.stderr.read_line(&mut line).unwrap() > 0,
                "{text} never came: {seen}"
            );
            seen.push_str(&line);
        }
        seen
    }

    fn interrupt(&self) {
        let status = std::process::Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// Waits for the exit; its status and the rest of stderr.
    fn exit(&mut self) -> (Option<i32>, String) {
        let code = self.child.wait().unwrap().code();
        let mut rest = String::new();
        std::io::Read::read_to_string(&mut self.stderr, &mut rest).unwrap();
        (code, rest)
    }
}

#[cfg(unix)]
impl Drop for Login {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// SPEC §19.1: an interrupt ends the login with L-CANCEL and status 130, the callback
/// listener closed and the login lock released.
#[cfg(unix)]
#[test]
fn an_interrupted_login_is_cancelled_with_status_130() {
    let sandbox = Sandbox::new();
    let mut login = Login::start(&sandbox);
    let seen = login.wait_for("/authorize?");
    let port: u16 = seen
        .split("127.0.0.1:")
        .nth(1)
        .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|p| p.parse().ok())
        .unwrap();
    login.interrupt();
    let (code, rest) = login.exit();
    assert_eq!(code, Some(130), "{seen}{rest}");
    assert!(rest.ends_with("ssokit: error: login cancelled\n"), "{rest}");
    assert!(
        ssokit_fake_portal::sandbox::callback_no_longer_served(port),
        "the listener is closed"
    );
}

/// A home the AWS CLI never used has no `~/.aws/sso/cache`: the first login makes it
/// (0700) before taking its lock there, and writes the token (0600).
#[cfg(unix)]
#[test]
fn the_first_login_of_a_fresh_home_makes_the_cache_folder() {
    use std::os::unix::fs::PermissionsExt;

    let sandbox = Sandbox::new();
    std::fs::remove_dir_all(sandbox.path(".aws/sso")).unwrap();
    let run = sandbox.run(&["login", "--sso-session", "dev", "--use-device-code"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let mode = |rel: &str| {
        std::fs::metadata(sandbox.path(rel))
            .unwrap()
            .permissions()
            .mode()
            & 0o777
    };
    assert_eq!(mode(".aws/sso/cache"), 0o700);
    assert_eq!(mode(SESSION_CACHE), 0o600);
    assert_eq!(sandbox.portal.count(Operation::RegisterClient), 1);
}

/// An interrupt also ends a login that is waiting for another login of its session (the
/// wait runs on a blocking thread, which the process does not wait for): status 130, and
/// the first login is untouched.
#[cfg(unix)]
#[test]
fn an_interrupt_ends_a_login_waiting_for_another() {
    use std::time::{Duration, Instant};

    let sandbox = Sandbox::new();
    let mut first = Login::start(&sandbox);
    first.wait_for("/authorize?");
    let mut second = Login::start(&sandbox);
    second.wait_for("is in progress; waiting for it to finish.");
    second.interrupt();
    // A bound for a hang (the lock wait is 11 minutes), not a speed check.
    #[allow(
        clippy::disallowed_methods,
        reason = "the test bounds a child process that might hang, on the real clock"
    )]
    let started = Instant::now();
    while second.child.try_wait().unwrap().is_none() {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the waiting login did not end after the interrupt"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(second.exit().0, Some(130));
    assert_eq!(
        first.child.try_wait().unwrap(),
        None,
        "the first login still runs"
    );
    first.interrupt();
    assert_eq!(first.exit().0, Some(130));
}

/// Logging out of everything needs no setting: with a config that cannot be read, the
/// tokens and SSO role credentials are deleted all the same, after a warning; a target
/// needs its config and fails.
#[test]
fn logout_of_everything_survives_an_unreadable_config() {
    let sandbox = Sandbox::new();
    std::fs::write(sandbox.path(".aws/config"), b"[profile s]\nregion = \xff\n").unwrap();
    let run = sandbox.run(&["logout", "--sso-session", "dev"]);
    assert_eq!(run.code(), 1, "{}", run.stderr());
    assert!(sandbox.path(SESSION_CACHE).exists());

    let run = sandbox.run(&["logout"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let stderr = run.stderr();
    assert!(
        stderr.starts_with("ssokit: warning: ")
            && stderr.contains("; logging out without the config's settings\n"),
        "{stderr}"
    );
    assert!(
        stderr.ends_with("Deleted 2 SSO token file(s) and 0 cached role credential file(s).\n"),
        "{stderr}"
    );
    assert!(!sandbox.path(SESSION_CACHE).exists());
    assert!(!sandbox.path(LEGACY_CACHE).exists());
}

/// SPEC §20 `--all`: a JSON object with `accessToken` is a token file, deleted (with no
/// server call) even when its `expiresAt` is not a time; other files stay.
#[test]
fn logout_of_everything_deletes_broken_token_files_and_keeps_the_rest() {
    let sandbox = Sandbox::new();
    let broken = ".aws/sso/cache/broken.json";
    let registration = ".aws/sso/cache/registration.json";
    let not_json = ".aws/sso/cache/notes.json";
    sandbox.write(
        broken,
        r#"{"startUrl": "https://old.example/start", "accessToken": "legacy-at", "expiresAt": "soon"}"#,
    );
    sandbox.write(
        registration,
        r#"{"clientId": "c", "clientSecret": "csecret-x", "expiresAt": "2030-01-01T00:00:00Z"}"#,
    );
    sandbox.write(not_json, "not json");
    let run = sandbox.run(&["logout"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let stderr = run.stderr();
    assert!(
        stderr.contains(&format!(
            "Logged out: {} (https://old.example/start; no server call: token expired or without region)\n",
            sandbox.path(broken).display()
        )),
        "{stderr}"
    );
    assert!(
        stderr.ends_with("Deleted 3 SSO token file(s) and 0 cached role credential file(s).\n"),
        "{stderr}"
    );
    assert!(!sandbox.path(broken).exists());
    assert!(sandbox.path(registration).exists());
    assert!(sandbox.path(not_json).exists());
}
