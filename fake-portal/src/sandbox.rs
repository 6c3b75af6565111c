//! The setup the workspace's integration tests share: a temporary HOME holding a copy of
//! the generated SPEC §13 home, the fake portal as its SSO and OIDC endpoints, the §13
//! facts (clock, cache files, secrets), the shared conformance data located in place, its
//! provider-chain case folders set up against loopback fakes ([`replay`]), loopback
//! addresses that never answer ([`silent_listener`], [`closed_port`]), and a [`Capture`] of
//! the `tracing` output.
//!
//! It knows no ssokit library crate, so any test binary can use it: each test crate wraps
//! [`Sandbox`] with its own constructors (a provider configuration, a command line).
//! Every helper panics on failure, naming the path and the error: a failed setup is a
//! failed test.
//!
//! ```
//! use ssokit_fake_portal::sandbox::{SESSION_CACHE, Sandbox};
//!
//! let sandbox = Sandbox::new();
//! assert!(sandbox.read(SESSION_CACHE).contains("\"accessToken\": \"session-at\""));
//! sandbox.write(".aws/config", "[profile x]\n");
//! assert_eq!(sandbox.read(".aws/config"), "[profile x]\n");
//! assert_eq!(sandbox.env_pairs()[1], ("AWS_ENDPOINT_URL_SSO", sandbox.portal.url().to_owned()));
//! assert_eq!((sandbox.gets(), sandbox.posts()), (0, 0));
//! ```

mod capture;
pub mod replay;
mod silent;

use std::fs;
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use tempfile::TempDir;

pub use capture::{Capture, CaptureGuard};
pub use silent::{SilentListener, closed_port, silent_listener};

use crate::operation::Operation;
use crate::server::FakePortal;

/// The fixtures' clock: the time at which the §13 home (and every other generated
/// fixture) is current.
pub const NOW: &str = "2026-03-01T12:00:00Z";

/// The cache file of profile L's start URL (legacy SSO), relative to the home.
pub const LEGACY_CACHE: &str = ".aws/sso/cache/40a89917e3175433e361b710a9d43528d7f1890a.json";

/// The cache file of sso-session `dev` (profile S), relative to the home.
pub const SESSION_CACHE: &str = ".aws/sso/cache/34c6fceca75e456f25e7e99531e2425c6c1de443.json";

/// Every secret of the §13 home and of the fake portal's default answers (the IMDS and
/// container credentials and the login tokens `at-login` / `rt-login` included), the
/// prefixes of the secret keys and session tokens the fake STS issues, of the IMDS session
/// tokens the fake IMDS issues (`imds-token`), of the client secrets (`csecret-<n>`, under
/// `csecret`), device codes (`device-code-<n>`) and authorization codes (`code-<n>`) the
/// fake SSO-OIDC issues, and the container authorization tokens of SPEC §18.13
/// (`pod-token-<n>` in a file, `env-token` in the variable): none may appear in a `Debug`,
/// `Display`, error or log text.
pub const SECRETS: &[&str] = &[
    "legacy-at",
    "session-at",
    "at-2",
    "rt-1",
    "rt-2",
    "at-login",
    "rt-login",
    "csecret",
    "device-code-",
    "code-",
    "mockSecretKey",
    "mockSessionToken",
    "sts-secret-",
    "sts-token-",
    "web-secret-",
    "web-token-",
    "base-secret",
    "a-secret",
    "b-secret",
    "eyJ.web.",
    "imds-secret",
    "imds-token",
    "cont-secret",
    "cont-token",
    "pod-token",
    "env-token",
];

/// The variable that turns the instance metadata service off; every sandbox sets it.
pub const IMDS_DISABLED: &str = "AWS_EC2_METADATA_DISABLED";

/// Asserts that no [`SECRETS`] entry appears in `text`.
///
/// # Panics
///
/// When one does, naming it and showing `text`.
pub fn assert_no_secret(text: &str) {
    for secret in SECRETS {
        assert!(!text.contains(secret), "{secret} appears in: {text}");
    }
}

/// `text` as a timestamp.
///
/// # Panics
///
/// When `text` is not one.
pub fn ts(text: &str) -> Timestamp {
    text.parse()
        .unwrap_or_else(|e| panic!("{text:?} is not a timestamp: {e}"))
}

/// The generated §13 home `H` (profiles L and S, their cache files), written by
/// `cargo xtask fixtures` into `credentials/tests/generated/home`.
pub fn generated_home() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../credentials/tests/generated/home")
}

/// Copies the folder `from` into `to` (created if missing), recursively.
///
/// # Panics
///
/// When a folder cannot be read or created, or a file cannot be copied.
pub fn copy_tree(from: &Path, to: &Path) {
    create_dir(to);
    let entries =
        fs::read_dir(from).unwrap_or_else(|e| panic!("could not list {}: {e}", from.display()));
    for entry in entries {
        let entry = entry.unwrap_or_else(|e| panic!("could not list {}: {e}", from.display()));
        let source = entry.path();
        let target = to.join(entry.file_name());
        let is_dir = entry
            .file_type()
            .unwrap_or_else(|e| panic!("could not stat {}: {e}", source.display()))
            .is_dir();
        if is_dir {
            copy_tree(&source, &target);
        } else {
            fs::copy(&source, &target).unwrap_or_else(|e| {
                panic!(
                    "could not copy {} to {}: {e}",
                    source.display(),
                    target.display()
                )
            });
        }
    }
}

/// The shared conformance folder: `SSOKIT_CONFORMANCE_DIR`, else `../shared/conformance`
/// beside the workspace root. When it is absent, `None` with a loud message on stderr
/// naming `test`, so the caller skips.
///
/// # Panics
///
/// When it is absent and `SSOKIT_REQUIRE_CONFORMANCE=1` (as in CI).
#[allow(
    clippy::disallowed_methods,
    reason = "tests locate the shared conformance data through the environment"
)]
#[allow(
    clippy::print_stderr,
    reason = "a skipped conformance test is announced on the test's stderr"
)]
pub fn conformance_dir(test: &str) -> Option<PathBuf> {
    let dir = std::env::var_os("SSOKIT_CONFORMANCE_DIR")
        .filter(|v| !v.is_empty())
        .map_or_else(
            || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/conformance"),
            PathBuf::from,
        );
    if dir.is_dir() {
        return Some(dir);
    }
    let required = std::env::var("SSOKIT_REQUIRE_CONFORMANCE").is_ok_and(|v| v == "1");
    assert!(
        !required,
        "{test}: conformance data not found at {} and SSOKIT_REQUIRE_CONFORMANCE=1",
        dir.display()
    );
    eprintln!(
        "\n!!!!!! {test}: SKIPPED: conformance data not found at {} \
         (set SSOKIT_CONFORMANCE_DIR, or SSOKIT_REQUIRE_CONFORMANCE=1 to fail) !!!!!!\n",
        dir.display()
    );
    None
}

/// A temporary HOME and a started [`FakePortal`]; both go away when it is dropped.
///
/// Paths given to its file helpers are relative to the home.
#[derive(Debug)]
pub struct Sandbox {
    /// The temporary home directory.
    pub home: TempDir,
    /// The fake portal, plain http, for both the SSO and the OIDC endpoint.
    pub portal: FakePortal,
}

impl Default for Sandbox {
    fn default() -> Self {
        Self::new()
    }
}

impl Sandbox {
    /// A copy of the generated §13 home ([`generated_home`]) and a started portal.
    ///
    /// # Panics
    ///
    /// When the home cannot be made or copied, or the portal cannot start.
    pub fn new() -> Self {
        let sandbox = Self::empty();
        copy_tree(&generated_home(), sandbox.home.path());
        sandbox
    }

    /// An empty home and a started portal.
    ///
    /// # Panics
    ///
    /// When the home cannot be made or the portal cannot start.
    pub fn empty() -> Self {
        let home =
            tempfile::tempdir().unwrap_or_else(|e| panic!("could not make a temporary home: {e}"));
        let portal =
            FakePortal::start().unwrap_or_else(|e| panic!("could not start the fake portal: {e}"));
        Self { home, portal }
    }

    /// The environment that points at this sandbox: `HOME`, and the portal as
    /// `AWS_ENDPOINT_URL_SSO`, `AWS_ENDPOINT_URL_SSO_OIDC`, `AWS_ENDPOINT_URL_STS` and
    /// `SSOKIT_FEDERATION_ENDPOINT` (the console's sign-in endpoint); and
    /// the instance metadata service disabled (`AWS_EC2_METADATA_DISABLED=true`), so that no
    /// test world ever reaches 169.254.169.254: a test of IMDS points
    /// `AWS_EC2_METADATA_SERVICE_ENDPOINT` at a fake and unsets the flag.
    pub fn env_pairs(&self) -> [(&'static str, String); 6] {
        [
            ("HOME", self.home_str()),
            ("AWS_ENDPOINT_URL_SSO", self.portal.url().to_owned()),
            ("AWS_ENDPOINT_URL_SSO_OIDC", self.portal.url().to_owned()),
            ("AWS_ENDPOINT_URL_STS", self.portal.url().to_owned()),
            ("SSOKIT_FEDERATION_ENDPOINT", self.portal.url().to_owned()),
            (IMDS_DISABLED, "true".to_owned()),
        ]
    }

    /// The home directory as text.
    pub fn home_str(&self) -> String {
        self.home.path().display().to_string()
    }

    /// `rel` inside the home.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.home.path().join(rel)
    }

    /// Writes the file `rel`, creating its folders.
    ///
    /// # Panics
    ///
    /// When a folder cannot be created or the file cannot be written.
    pub fn write(&self, rel: &str, contents: impl AsRef<[u8]>) {
        let path = self.path(rel);
        if let Some(parent) = path.parent() {
            create_dir(parent);
        }
        fs::write(&path, contents)
            .unwrap_or_else(|e| panic!("could not write {}: {e}", path.display()));
    }

    /// The text of the file `rel`.
    ///
    /// # Panics
    ///
    /// When it cannot be read as UTF-8 text.
    pub fn read(&self, rel: &str) -> String {
        let path = self.path(rel);
        fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("could not read {}: {e}", path.display()))
    }

    /// Removes the file `rel`.
    ///
    /// # Panics
    ///
    /// When it cannot be removed (a missing file included).
    pub fn remove(&self, rel: &str) {
        let path = self.path(rel);
        fs::remove_file(&path)
            .unwrap_or_else(|e| panic!("could not remove {}: {e}", path.display()));
    }

    /// How many `GetRoleCredentials` requests the portal has received.
    pub fn gets(&self) -> usize {
        self.portal.count(Operation::GetRoleCredentials)
    }

    /// How many `CreateToken` requests the portal has received.
    pub fn posts(&self) -> usize {
        self.portal.count(Operation::CreateToken)
    }
}

/// Creates `dir` and its parents.
fn create_dir(dir: &Path) {
    fs::create_dir_all(dir).unwrap_or_else(|e| panic!("could not create {}: {e}", dir.display()));
}

/// Whether the login callback listener that was on `port` is gone: the connection is
/// refused, or (the port taken meanwhile by another test's listener: binding port 0 reuses
/// freed ports readily) whatever answers a callback within a second is not an ssokit page.
/// A callback listener answers every callback with a page naming ssokit.
pub fn callback_no_longer_served(port: u16) -> bool {
    use std::io::{Read, Write};
    let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", port)) else {
        return true;
    };
    let request = format!(
        "GET /oauth/callback?code=c&state=s HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    );
    if stream.write_all(request.as_bytes()).is_err() {
        return true;
    }
    let _ = stream.set_read_timeout(Some(std::time::Duration::from_secs(1)));
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    !String::from_utf8_lossy(&answer).contains("ssokit")
}
