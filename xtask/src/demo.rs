//! `cargo xtask demo`: a real run of the `ssokit` binary without an AWS account.
//!
//! Builds the binary, makes a sandbox HOME (a temporary folder) with a config file holding
//! a legacy SSO profile (`a`) and an sso-session profile (`s`, session `dev`) and their
//! token cache files (expiry two hours from now), starts the loopback fake portal, and runs
//! the binary with only that HOME and the two endpoint overrides in its environment: the
//! profiles it sees, legacy credentials, session credentials, a token, and a token that is
//! about to expire and is refreshed (then the rewritten cache file: its key order and its
//! unknown field survive). Each command and its output is printed; every secret shown is a
//! dummy value of the fake. Everything stops at the end; the real `~/.aws` is never read.
//! Fails (non-zero) if any step does not give the expected result.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use jiff::{SignedDuration, Timestamp};
use ssokit_fake_portal::{Answer, FakePortal, Operation};

use crate::workspace::Workspace;

const CONFIG: &str = "\
[profile a]
sso_start_url = https://d-abc123.awsapps.com/start
sso_region = us-east-1
sso_account_id = 111122223333
sso_role_name = LegacyRole

[profile s]
sso_session = dev
sso_account_id = 444455556666
sso_role_name = SessionRole

[sso-session dev]
sso_start_url = https://d-abc123.awsapps.com/start
sso_region = eu-west-1

[profile h1]
role_arn = arn:aws:iam::123456789012:role/R1
source_profile = s

[profile h2]
role_arn = arn:aws:iam::123456789012:role/R2
source_profile = h1

[profile h3]
role_arn = arn:aws:iam::123456789012:role/R3
source_profile = h2
";

/// The cache file of the legacy start URL (SHA-1 of the URL).
const LEGACY_CACHE: &str = ".aws/sso/cache/40a89917e3175433e361b710a9d43528d7f1890a.json";
/// Profile a's role credential cache entry (SPEC §21), shared with the AWS CLI.
const LEGACY_ROLE_ENTRY: &str = ".aws/cli/cache/a1847eccf36ce53c247d19387b61917da9090692.json";
/// The cache file of sso-session `dev` (SHA-1 of the session name).
pub(crate) const SESSION_CACHE: &str =
    ".aws/sso/cache/34c6fceca75e456f25e7e99531e2425c6c1de443.json";

pub(crate) fn run(ws: &Workspace) -> Result<(), String> {
    let binary = build(ws, false)?;
    let home = tempfile::tempdir().map_err(|e| format!("could not make a sandbox HOME: {e}"))?;
    let portal = start_portal()?;
    let demo = Demo {
        binary,
        home: home.path().to_path_buf(),
        portal,
    };
    demo.setup()?;
    demo.steps()?;
    println!(
        "\n== done: the fake portal stopped, the sandbox HOME {} was removed",
        demo.home.display()
    );
    drop(demo);
    drop(home);
    Ok(())
}

/// `cargo build --locked [--release] -p ssokit-cli`; the path of the binary.
pub(crate) fn build(ws: &Workspace, release: bool) -> Result<PathBuf, String> {
    let mut args = vec!["build", "--locked"];
    if release {
        args.push("--release");
    }
    args.extend(["-p", "ssokit-cli"]);
    println!("== cargo {}", args.join(" "));
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .args(&args)
        .current_dir(&ws.root)
        .status()
        .map_err(|e| format!("could not run cargo build: {e}"))?;
    if !status.success() {
        return Err(format!("cargo build -p ssokit-cli failed ({status})"));
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .filter(|v| !v.is_empty())
        .map_or_else(|| ws.root.join("target"), PathBuf::from);
    let binary = target
        .join(if release { "release" } else { "debug" })
        .join(format!("ssokit{}", std::env::consts::EXE_SUFFIX));
    if binary.is_file() {
        Ok(binary)
    } else {
        Err(format!("the build left no binary at {}", binary.display()))
    }
}

/// The fake portal, answering role credentials that expire an hour from now as a real
/// portal's do (the fake's default, SPEC §13's fixed 13:00:00Z on 2026-03-01, would look
/// expired outside the tests' fixed clock).
pub(crate) fn start_portal() -> Result<FakePortal, String> {
    let portal =
        FakePortal::start().map_err(|e| format!("could not start the fake portal: {e}"))?;
    portal.script(
        Operation::GetRoleCredentials,
        [Answer::role_credentials(in_seconds_ms(3600))],
    );
    Ok(portal)
}

/// `ssokit <args>` in the sandbox `home`, with `portal` as both SSO endpoints and nothing
/// else from this process's environment.
pub(crate) fn sandboxed(binary: &Path, home: &Path, portal: &FakePortal, args: &[&str]) -> Command {
    let mut command = Command::new(binary);
    command
        .args(args)
        .env_clear()
        .env("HOME", home)
        .env("AWS_ENDPOINT_URL_SSO", portal.url())
        .env("AWS_ENDPOINT_URL_SSO_OIDC", portal.url())
        .env("AWS_ENDPOINT_URL_STS", portal.url())
        // Never the real instance metadata address, from the demo or a benchmark.
        .env("AWS_EC2_METADATA_DISABLED", "true");
    command
}

struct Demo {
    binary: PathBuf,
    home: PathBuf,
    portal: FakePortal,
}

/// Now plus `seconds`, truncated to whole seconds.
fn from_now(seconds: i64) -> Timestamp {
    let now = Timestamp::from_second(Timestamp::now().as_second()).unwrap_or(Timestamp::UNIX_EPOCH);
    now.checked_add(SignedDuration::from_secs(seconds))
        .unwrap_or(now)
}

/// Epoch milliseconds `seconds` from now (an expiry for the fake's answers).
pub(crate) fn in_seconds_ms(seconds: i64) -> i64 {
    from_now(seconds).as_millisecond()
}

pub(crate) fn in_seconds(seconds: i64) -> String {
    from_now(seconds).strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn in_hours(hours: i64) -> String {
    in_seconds(hours * 3600)
}

fn write_file(home: &Path, rel: &str, text: &str) -> Result<(), String> {
    let path = home.join(rel);
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))
}

/// The demo's config file and both cache files (valid for two hours) under `home`.
pub(crate) fn write_sandbox(home: &Path) -> Result<(), String> {
    let expires = in_hours(2);
    write_file(home, ".aws/config", CONFIG)?;
    write_file(
        home,
        LEGACY_CACHE,
        &format!(
            "{{\n  \"startUrl\": \"https://d-abc123.awsapps.com/start\",\n  \"region\": \"us-east-1\",\n  \
             \"accessToken\": \"legacy-at\",\n  \"expiresAt\": \"{expires}\"\n}}"
        ),
    )?;
    write_file(home, SESSION_CACHE, &session_cache(&expires))
}

pub(crate) fn session_cache(expires: &str) -> String {
    format!(
        "{{\n  \"startUrl\": \"https://d-abc123.awsapps.com/start\",\n  \"region\": \"eu-west-1\",\n  \
         \"accessToken\": \"session-at\",\n  \"expiresAt\": \"{expires}\",\n  \"clientId\": \"cid\",\n  \
         \"clientSecret\": \"csecret\",\n  \"registrationExpiresAt\": \"{}\",\n  \"refreshToken\": \"rt-1\",\n  \
         \"x-extra\": 1.50\n}}",
        in_hours(24 * 90)
    )
}

impl Demo {
    fn write(&self, rel: &str, text: &str) -> Result<(), String> {
        write_file(&self.home, rel, text)
    }

    fn read(&self, rel: &str) -> Result<String, String> {
        let path = self.home.join(rel);
        fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))
    }

    fn setup(&self) -> Result<(), String> {
        write_sandbox(&self.home)?;
        println!("\n== sandbox HOME {}", self.home.display());
        println!(
            "   fake portal (SSO, SSO-OIDC and STS) at {}",
            self.portal.url()
        );
        println!("\n$ cat ~/.aws/config\n{CONFIG}");
        println!("$ cat ~/{SESSION_CACHE}\n{}\n", self.read(SESSION_CACHE)?);
        Ok(())
    }

    /// Runs `ssokit <args>` in the sandbox, prints it, and returns its stdout.
    fn ssokit(&self, args: &[&str]) -> Result<String, String> {
        let shown: Vec<String> = args
            .iter()
            .map(|a| {
                if a.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_./=:".contains(c))
                {
                    (*a).to_owned()
                } else {
                    format!("\"{a}\"")
                }
            })
            .collect();
        println!("$ ssokit {}", shown.join(" "));
        let output = sandboxed(&self.binary, &self.home, &self.portal, args)
            .output()
            .map_err(|e| format!("could not run {}: {e}", self.binary.display()))?;
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&output.stderr);
        print!("{stdout}");
        eprint!("{stderr}");
        if !output.status.success() {
            return Err(format!(
                "ssokit {} failed ({})",
                args.join(" "),
                output.status
            ));
        }
        Ok(stdout)
    }

    fn expect(what: &str, ok: bool) -> Result<(), String> {
        if ok {
            println!("   ok: {what}\n");
            Ok(())
        } else {
            Err(format!("demo step failed: expected {what}"))
        }
    }

    fn steps(&self) -> Result<(), String> {
        println!("== 1. what ssokit sees (no network)");
        let out = self.ssokit(&["profiles"])?;
        Self::expect(
            "five profiles (h3 a three-role chain over s) and one sso-session",
            out.contains("profile a")
                && out.contains("sso-session dev")
                && out.contains("role chain: SSO through sso-session dev"),
        )?;

        println!("== 2. log in to sso-session dev with the device code flow (no browser needed)");
        fs::remove_file(self.home.join(SESSION_CACHE))
            .map_err(|e| format!("{SESSION_CACHE}: {e}"))?;
        let out = self.ssokit(&["login", "--sso-session", "dev", "--use-device-code"])?;
        Self::expect(
            "a registration, a device authorization and a token, the token file written",
            out.is_empty()
                && self.portal.count(Operation::RegisterClient) == 1
                && self.portal.count(Operation::StartDeviceAuthorization) == 1
                && self
                    .read(SESSION_CACHE)?
                    .contains("\"registrationExpiresAt\""),
        )?;

        println!("== 3. legacy profile a: credential_process JSON");
        let out = self.ssokit(&["credentials", "--profile", "a"])?;
        Self::expect(
            "the fake's credentials, one GetRoleCredentials",
            out.contains("ASIAMOCKACCESSKEY")
                && self.portal.count(Operation::GetRoleCredentials) == 1,
        )?;

        println!("== 3b. again, as a credential_process would: from the role credential cache");
        let again = self.ssokit(&["credentials", "--profile", "a"])?;
        let entry = self.read(LEGACY_ROLE_ENTRY)?;
        Self::expect(
            "the same credentials from ~/.aws/cli/cache (the AWS CLI's entry), no request",
            again == out
                && entry.contains("\"ProviderType\": \"sso\"")
                && self.portal.count(Operation::GetRoleCredentials) == 1,
        )?;

        println!("== 4. session profile s (the token of the login): shell exports");
        let out = self.ssokit(&["credentials", "--profile", "s", "--format", "env"])?;
        Self::expect(
            "five export lines (the account id last), no refresh (the one CreateToken is the login's)",
            out.lines().count() == 5
                && out.contains("export AWS_ACCOUNT_ID=444455556666")
                && self.portal.count(Operation::CreateToken) == 1,
        )?;

        println!(
            "== 4b. a command run with profile s's credentials (its AWS_* and SSOKIT_* variables)"
        );
        let out = self.ssokit(&[
            "exec",
            "--profile",
            "s",
            "--",
            "sh",
            "-c",
            "env | grep -E '^(AWS_|SSOKIT_)' | sort",
        ])?;
        Self::expect(
            "the keys, expiry and account id, the nesting marker, from the role cache (no request)",
            out.contains("AWS_ACCESS_KEY_ID=ASIAMOCKACCESSKEY")
                && out.contains("AWS_ACCOUNT_ID=444455556666")
                && out.contains("SSOKIT_EXEC=s")
                && self.portal.count(Operation::GetRoleCredentials) == 2,
        )?;

        self.token_steps()
    }

    /// Steps 5-7: the bearer token, its refresh, the role chain; then what the fake saw.
    fn token_steps(&self) -> Result<(), String> {
        println!("== 5. the bearer token of profile s (the login's, cached, valid)");
        let out = self.ssokit(&["token", "--profile", "s"])?;
        Self::expect("the login's token", out.contains("\"at-login\""))?;

        println!("== 6. the token expires in 60 s (inside the 300 s window): refreshed");
        self.write(SESSION_CACHE, &session_cache(&in_seconds(60)))?;
        let out = self.ssokit(&["token", "--profile", "s"])?;
        Self::expect(
            "the refreshed token, one CreateToken",
            out.contains("\"at-2\"") && self.portal.count(Operation::CreateToken) == 2,
        )?;
        let cache = self.read(SESSION_CACHE)?;
        println!("$ cat ~/{SESSION_CACHE}\n{cache}");
        let order = [
            "startUrl",
            "region",
            "accessToken",
            "expiresAt",
            "clientId",
            "clientSecret",
            "registrationExpiresAt",
            "refreshToken",
            "x-extra",
        ];
        let positions: Vec<Option<usize>> = order
            .iter()
            .map(|key| cache.find(&format!("\"{key}\"")))
            .collect();
        let in_order = positions.iter().all(Option::is_some)
            && positions.windows(2).all(|pair| pair[0] < pair[1]);
        Self::expect(
            "the rewritten file keeps its key order and \"x-extra\": 1.50, with the new token and refresh token",
            in_order
                && cache.contains("\"x-extra\": 1.50")
                && cache.contains("\"accessToken\": \"at-2\"")
                && cache.contains("\"refreshToken\": \"rt-2\""),
        )?;

        println!("== 7. profile h3: three roles assumed over profile s's SSO credentials");
        let out = self.ssokit(&["credentials", "--profile", "h3", "--format", "env"])?;
        Self::expect(
            "the third role's keys, three AssumeRole signed hop by hop (the fake checks each signature)",
            out.contains("ASIASTS3") && self.portal.count(Operation::AssumeRole) == 3,
        )?;

        println!("== the fake portal received:");
        for request in self.portal.requests() {
            println!("   {}", request.request_line());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_times_are_whole_seconds_utc() {
        let text = in_hours(2);
        assert_eq!(text.len(), "2026-03-01T14:00:00Z".len());
        assert!(text.ends_with('Z'));
        assert!(in_seconds(60) < text);
    }

    #[test]
    fn the_cache_file_names_are_the_sha1_of_their_keys() {
        // Pinned by the SPEC §13 fixtures (scenario 11) and the credentials fixtures.
        let fixture =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../credentials/tests/generated/home");
        assert!(fixture.join(LEGACY_CACHE).is_file());
        assert!(fixture.join(SESSION_CACHE).is_file());
    }
}
