//! Interop with botocore, the Python SDK the AWS CLI is built on (SPEC §26 scenarios 15 and
//! 21): the files ssokit writes are the files botocore reads, and the reverse.
//!
//! - botocore runs `credential_process = ssokit credentials --profile s` and gets the
//!   credentials from ssokit's role credential cache with no request;
//! - botocore's `SSOTokenProvider` returns the session token ssokit's login wrote, with no
//!   request;
//! - botocore's `SSOProvider` with `JSONFileCache(~/.aws/cli/cache)` returns the
//!   credentials ssokit cached, with no request (same file name, same format).
//!
//! Without botocore the tests say so and pass, unless `SSOKIT_REQUIRE_BOTOCORE=1` (CI sets
//! it, after `pip install`ing the pinned botocore): then they fail.

use std::path::{Path, PathBuf};
use std::process::Command;

use ssokit_fake_portal::{Answer, Operation};

use crate::{SESSION_CACHE, Sandbox, now_plus};

/// The Python interpreter (`sys.executable` of `python3` on this process's `PATH`) when it
/// can import botocore; a failure when botocore is required but missing.
fn botocore(test: &str) -> Option<PathBuf> {
    let found = Command::new("python3")
        .args(["-c", "import botocore, sys; print(sys.executable)"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()));
    crate::or_skip(
        found,
        test,
        "SSOKIT_REQUIRE_BOTOCORE",
        "no botocore",
        "pip install botocore",
    )
}

/// Runs `script` under python3 in the sandbox's environment (its HOME, the fake's endpoint
/// overrides, no real AWS settings) with the `ssokit` under test first on `PATH`; stdout,
/// trimmed.
fn python(interpreter: &Path, sandbox: &Sandbox, script: &str) -> String {
    let base = sandbox.command(&[]);
    let mut command = Command::new(interpreter);
    command.env_clear();
    for (name, value) in base.get_envs() {
        if let Some(value) = value {
            command.env(name, value);
        }
    }
    let binary = Path::new(env!("CARGO_BIN_EXE_ssokit"));
    let dir = binary.parent().unwrap();
    command.env(
        "PATH",
        format!("{}:/usr/local/bin:/usr/bin:/bin", dir.display()),
    );
    let run = command.args(["-c", script]).output().unwrap();
    assert!(
        run.status.success(),
        "python failed: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    String::from_utf8(run.stdout).unwrap().trim().to_owned()
}

/// The sandbox with role credentials valid for an hour of the real clock, and one
/// `ssokit credentials --profile s` run that cached them.
fn cached_sandbox() -> Sandbox {
    let sandbox = Sandbox::new();
    let in_an_hour: jiff::Timestamp = now_plus(3600).parse().unwrap();
    sandbox.portal.script(
        Operation::GetRoleCredentials,
        [Answer::role_credentials(in_an_hour.as_millisecond())],
    );
    sandbox.run(&["credentials", "--profile", "s"]).success();
    assert_eq!(sandbox.portal.requests().len(), 1);
    sandbox
}

#[test]
fn s15_botocore_runs_ssokit_as_credential_process_answered_from_disk() {
    let Some(interpreter) =
        botocore("s15_botocore_runs_ssokit_as_credential_process_answered_from_disk")
    else {
        return;
    };
    let sandbox = cached_sandbox();
    let config = sandbox.read(".aws/config");
    sandbox.write(
        ".aws/config",
        format!("{config}\n[profile p]\ncredential_process = ssokit credentials --profile s\n"),
    );
    let out = python(
        &interpreter,
        &sandbox,
        "import botocore.session\n\
         c = botocore.session.Session(profile='p').get_credentials().get_frozen_credentials()\n\
         print(c.access_key, c.token)",
    );
    assert_eq!(out, "ASIAMOCKACCESSKEY mockSessionToken");
    assert_eq!(sandbox.portal.requests().len(), 1, "zero requests");
}

#[test]
fn s21_botocore_reads_the_token_and_the_role_cache_ssokit_wrote() {
    let Some(interpreter) =
        botocore("s21_botocore_reads_the_token_and_the_role_cache_ssokit_wrote")
    else {
        return;
    };
    let sandbox = cached_sandbox();
    // The token: botocore's SSOTokenProvider for sso-session dev.
    let token = python(
        &interpreter,
        &sandbox,
        "import botocore.session\n\
         from botocore.tokens import SSOTokenProvider\n\
         s = botocore.session.Session(profile='s')\n\
         print(SSOTokenProvider(s).load_token().get_frozen_token().token)",
    );
    let written = sandbox.read(SESSION_CACHE);
    assert!(
        written.contains(&format!("\"accessToken\": \"{token}\"")),
        "{token} / {written}"
    );
    // The role credentials: botocore's SSOProvider over the AWS CLI's cache folder.
    let out = python(
        &interpreter,
        &sandbox,
        "import os, botocore.session\n\
         from botocore.credentials import SSOProvider\n\
         from botocore.tokens import SSOTokenProvider\n\
         from botocore.utils import JSONFileCache\n\
         s = botocore.session.Session(profile='s')\n\
         p = SSOProvider(load_config=lambda: s.full_config, client_creator=s.create_client,\n\
             profile_name='s', cache=JSONFileCache(os.path.expanduser('~/.aws/cli/cache')),\n\
             token_provider=SSOTokenProvider(s))\n\
         c = p.load().get_frozen_credentials()\n\
         print(c.access_key, c.secret_key == 'mockSecretKey')",
    );
    assert_eq!(out, "ASIAMOCKACCESSKEY True");
    assert_eq!(sandbox.portal.requests().len(), 1, "zero requests");
}
