//! The authorization code flow end to end with a real browser (SPEC §19, issue #14):
//! headless Chromium is `BROWSER`; it loads the fake's authorize page, follows the 302 to
//! ssokit's loopback callback and shows ssokit's success page. Chromium is kept on
//! loopback: every host name but 127.0.0.1 resolves to nothing (`--host-resolver-rules`, so no name lookup leaves the machine) and its
//! background networking is off.
//!
//! Without Chromium the test says so and passes, unless `SSOKIT_REQUIRE_BROWSER=1` (CI
//! sets it, after installing Debian's `chromium`): then it fails.

#![allow(clippy::print_stderr, reason = "the test reports a missing browser")]

use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;

use ssokit_fake_portal::Operation;

use crate::{SESSION_CACHE, Sandbox};

/// Debian's Chromium, where it is.
fn chromium() -> Option<PathBuf> {
    ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .into_iter()
        .map(PathBuf::from)
        .find(|p| p.is_file())
}

#[test]
fn pkce_login_through_headless_chromium() {
    let Some(chromium) = chromium() else {
        #[allow(
            clippy::disallowed_methods,
            reason = "the test asks the CI environment whether a browser is required"
        )]
        let required = std::env::var_os("SSOKIT_REQUIRE_BROWSER").is_some();
        assert!(
            !required,
            "SSOKIT_REQUIRE_BROWSER is set but Chromium is not installed"
        );
        eprintln!(
            "pkce_login_through_headless_chromium: SKIPPED: no Chromium (apt-get install chromium)"
        );
        return;
    };
    let mut sandbox = Sandbox::new();
    sandbox.remove(SESSION_CACHE);
    let profile = sandbox.path("chromium-profile");
    let page = sandbox.path("page.html");
    let script = sandbox.path("browser.sh");
    sandbox.write(
        "browser.sh",
        format!(
            "#!/bin/sh\nexec {} --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
             --disable-background-networking --disable-component-update --disable-sync \
             --host-resolver-rules='MAP * ~NOTFOUND, EXCLUDE 127.0.0.1' --user-data-dir={} --dump-dom \"$1\" > {}\n",
            chromium.display(),
            profile.display(),
            page.display()
        ),
    );
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    sandbox.env("BROWSER", &script.display().to_string());
    let run = sandbox.run(&["login", "--sso-session", "dev"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    assert!(
        run.stderr()
            .starts_with("Attempting to open your default browser."),
        "{}",
        run.stderr()
    );
    assert_eq!(sandbox.portal.count(Operation::Authorize), 1);
    // The login ends at the callback; the browser writes the page it shows just after.
    let mut shown = String::new();
    for _ in 0..200 {
        shown = std::fs::read_to_string(&page).unwrap_or_default();
        if shown.contains("</html>") {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(
        shown.contains(
            "ssokit received the sign-in. You can close this tab and return to the terminal."
        ),
        "the browser showed: {shown}"
    );
    assert!(
        sandbox
            .read(SESSION_CACHE)
            .contains("\"accessToken\": \"at-login\"")
    );
}
