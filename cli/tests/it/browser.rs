//! The authorization code flow end to end with a real browser (SPEC §19, issue #14):
//! headless Chromium is `BROWSER`; it loads the fake's authorize page, follows the 302 to
//! ssokit's loopback callback and shows ssokit's success page. And the console (SPEC §24,
//! issue #15): Chromium loads ssokit's loopback redirect and follows it to the fake's
//! console login. Chromium is kept on
//! loopback: every host name but 127.0.0.1 resolves to nothing (`--host-resolver-rules`, so no name lookup leaves the machine) and its
//! background networking is off.
//!
//! Without Chromium the test says so and passes, unless `SSOKIT_REQUIRE_BROWSER=1` (CI
//! sets it, after installing Debian's `chromium`): then it fails.

use std::collections::HashSet;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use ssokit_fake_portal::Operation;

use crate::{SESSION_CACHE, Sandbox};

/// Debian's Chromium, where it is.
fn chromium() -> Option<PathBuf> {
    ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .into_iter()
        .map(PathBuf::from)
        .find(|p| p.is_file())
}

/// Chromium, or `None` after saying why the test is skipped (a failure when
/// `SSOKIT_REQUIRE_BROWSER` is set).
fn chromium_or_skip(test: &str) -> Option<PathBuf> {
    crate::or_skip(
        chromium(),
        test,
        "SSOKIT_REQUIRE_BROWSER",
        "no Chromium",
        "apt-get install chromium",
    )
}

/// Makes `BROWSER` a wrapper that logs each start to `browser.log` (and its arguments to
/// `browser-args.log`), then runs headless Chromium on loopback only, writing the page it
/// shows to `page.html`.
fn use_chromium(sandbox: &mut Sandbox, chromium: &Path) {
    let profile = sandbox.path("chromium-profile");
    let page = sandbox.path("page.html");
    let log = sandbox.path("browser.log");
    let args_log = sandbox.path("browser-args.log");
    let script = sandbox.path("browser.sh");
    sandbox.write(
        "browser.sh",
        format!(
            "#!/bin/sh\necho start >> {}\necho \"$*\" >> {}\nexec {} --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
             --disable-background-networking --disable-component-update --disable-sync \
             --host-resolver-rules='MAP * ~NOTFOUND, EXCLUDE 127.0.0.1' --user-data-dir={} --dump-dom \"$1\" > {}\n",
            log.display(),
            args_log.display(),
            chromium.display(),
            profile.display(),
            page.display()
        ),
    );
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    sandbox.env("BROWSER", &script.display().to_string());
}

/// The page the browser showed; the login ends at the callback and the browser writes the
/// page just after, so this waits for it (up to 20 s).
fn shown_page(sandbox: &Sandbox) -> String {
    let page = sandbox.path("page.html");
    let mut shown = String::new();
    for _ in 0..200 {
        shown = std::fs::read_to_string(&page).unwrap_or_default();
        if shown.contains("</html>") {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    shown
}

const SUCCESS_PAGE: &str =
    "ssokit received the sign-in. You can close this tab and return to the terminal.";

#[test]
fn pkce_login_through_headless_chromium() {
    let Some(chromium) = chromium_or_skip("pkce_login_through_headless_chromium") else {
        return;
    };
    let mut sandbox = Sandbox::new();
    sandbox.remove(SESSION_CACHE);
    use_chromium(&mut sandbox, &chromium);
    let run = sandbox.run(&["login", "--sso-session", "dev"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    assert!(
        run.stderr()
            .starts_with("Attempting to open your default browser."),
        "{}",
        run.stderr()
    );
    assert_eq!(sandbox.portal.count(Operation::Authorize), 1);
    let shown = shown_page(&sandbox);
    assert!(shown.contains(SUCCESS_PAGE), "the browser showed: {shown}");
    assert!(
        sandbox
            .read(SESSION_CACHE)
            .contains("\"accessToken\": \"at-login\"")
    );
}

/// SPEC §26 scenario 8: two logins of one session 100 ms apart make one registration, one
/// browser start and one token exchange; both exit 0 and the second says it waited and
/// reused the first one's login.
#[test]
fn two_concurrent_logins_open_one_browser() {
    let Some(chromium) = chromium_or_skip("two_concurrent_logins_open_one_browser") else {
        return;
    };
    let mut sandbox = Sandbox::new();
    sandbox.remove(SESSION_CACHE);
    use_chromium(&mut sandbox, &chromium);
    let start = |sandbox: &Sandbox| {
        sandbox
            .command(&["login", "--sso-session", "dev"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let first = start(&sandbox);
    std::thread::sleep(std::time::Duration::from_millis(100));
    let second = start(&sandbox);
    let first = first.wait_with_output().unwrap();
    let second = second.wait_with_output().unwrap();
    let (first_err, second_err) = (
        String::from_utf8_lossy(&first.stderr),
        String::from_utf8_lossy(&second.stderr),
    );
    assert_eq!(first.status.code(), Some(0), "{first_err}");
    assert_eq!(second.status.code(), Some(0), "{second_err}");
    assert!(first.stdout.is_empty() && second.stdout.is_empty());
    assert_eq!(sandbox.portal.count(Operation::RegisterClient), 1);
    assert_eq!(sandbox.portal.count(Operation::Authorize), 1);
    assert_eq!(sandbox.portal.count(Operation::CreateToken), 1);
    assert_eq!(
        std::fs::read_to_string(sandbox.path("browser.log")).unwrap(),
        "start\n",
        "one browser start"
    );
    assert!(
        second_err.starts_with(
            "Another ssokit login for sso-session \"dev\" is in progress; waiting for it to finish.\n"
        ),
        "{second_err}"
    );
    assert!(
        second_err.contains("(sso-session dev) by another ssokit login; the token is valid until "),
        "{second_err}"
    );
    assert!(shown_page(&sandbox).contains(SUCCESS_PAGE));
}

/// The processes started under `known` (their descendants join it), and every command line
/// that holds the sign-in token: `SigninToken` in any process's, the token `st-1` in one
/// of the run's.
fn scan_command_lines(known: &mut HashSet<u32>, offending: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return;
    };
    for entry in entries.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<u32>().ok())
        else {
            continue;
        };
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        let parent = stat
            .rsplit_once(") ")
            .and_then(|(_, rest)| rest.split_whitespace().nth(1))
            .and_then(|p| p.parse::<u32>().ok());
        if parent.is_some_and(|p| known.contains(&p)) {
            known.insert(pid);
        }
        let Ok(bytes) = std::fs::read(format!("/proc/{pid}/cmdline")) else {
            continue;
        };
        let line = String::from_utf8_lossy(&bytes).replace('\0', " ");
        if line.contains("SigninToken") || (known.contains(&pid) && line.contains("st-1")) {
            offending.push(line);
        }
    }
}

/// SPEC §26 scenario 19: `console --profile s` with headless Chromium as `BROWSER`: the
/// browser is given the loopback redirector only, follows its 302 to the fake's
/// `Action=login`, and no command line seen during the run holds the sign-in token.
#[test]
fn s19_console_through_headless_chromium() {
    let Some(chromium) = chromium_or_skip("s19_console_through_headless_chromium") else {
        return;
    };
    let mut sandbox = Sandbox::new();
    use_chromium(&mut sandbox, &chromium);
    let mut child = sandbox
        .command(&["console", "--profile", "s"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut known = HashSet::from([child.id()]);
    let mut offending = Vec::new();
    for _ in 0..3000 {
        scan_command_lines(&mut known, &mut offending);
        let exited = child.try_wait().unwrap().is_some();
        if exited && sandbox.portal.count(Operation::ConsoleLogin) > 0 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert_eq!(
        stderr,
        "Opened the AWS console for profile s in your browser.\n"
    );
    assert!(output.stdout.is_empty());
    assert_eq!(sandbox.portal.count(Operation::GetSigninToken), 1);
    let logins: Vec<_> = sandbox
        .portal
        .requests()
        .into_iter()
        .filter(|r| r.operation == Some(Operation::ConsoleLogin))
        .collect();
    assert_eq!(logins.len(), 1, "the fake received Action=login");
    assert!(
        logins[0].target.starts_with(
            "/federation?Action=login&Issuer=https%3A%2F%2Fd-abc123.awsapps.com%2Fstart&Destination="
        ) && logins[0].target.ends_with("&SigninToken=st-1"),
        "{}",
        logins[0].target
    );
    assert!(known.len() > 1, "the browser's processes were seen");
    assert!(
        offending.is_empty(),
        "command lines with the token: {offending:?}"
    );
    let args = std::fs::read_to_string(sandbox.path("browser-args.log")).unwrap();
    assert!(args.starts_with("http://127.0.0.1:"), "{args}");
    assert_eq!(args.lines().count(), 1, "{args}");
    assert!(shown_page(&sandbox).contains("fake AWS console: signed in"));
}
