//! The role credential disk cache through the command (SPEC §21, §26 scenarios 12-14): on
//! by default, so `credential_process = ssokit credentials --profile P` answers from disk
//! with no token and no request; `--no-disk-cache` and `SSOKIT_DISK_CACHE`; corrupt entries
//! warned about on stderr and replaced; eight processes at once make one call.

use std::os::unix::fs::PermissionsExt;
use std::process::Stdio;

use ssokit_fake_portal::{Answer, Operation};

use crate::{S_ENTRY, SECRETS, SESSION_CACHE, Sandbox, now_plus};

/// The sandbox, its portal's role credentials valid for an hour of the real clock (the
/// binary reads the real clock; the fake's default expiry is SPEC §13's fixed past time).
fn sandbox() -> Sandbox {
    let sandbox = Sandbox::new();
    let in_an_hour: jiff::Timestamp = now_plus(3600).parse().unwrap();
    sandbox.portal.script(
        Operation::GetRoleCredentials,
        [Answer::role_credentials(in_an_hour.as_millisecond())],
    );
    sandbox
}

fn gets(sandbox: &Sandbox) -> usize {
    sandbox.portal.count(Operation::GetRoleCredentials)
}

#[test]
fn s12_credential_process_answers_from_disk_without_token_or_request() {
    let sandbox = sandbox();
    let first = sandbox.run(&["credentials", "--profile", "s"]).success();
    assert_eq!(gets(&sandbox), 1);
    let entry = sandbox.read(S_ENTRY);
    assert!(
        entry.starts_with(
            "{\n  \"ProviderType\": \"sso\",\n  \"Credentials\": {\n    \"AccessKeyId\": \"ASIAMOCKACCESSKEY\",\n"
        ),
        "{entry}"
    );
    assert!(
        entry.ends_with("\"AccountId\": \"444455556666\"\n  }\n}"),
        "{entry}"
    );
    let mode = std::fs::metadata(sandbox.path(S_ENTRY))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    // The token is gone: only the disk can answer.
    sandbox.remove(SESSION_CACHE);
    let second = sandbox.run(&["credentials", "--profile", "s"]).success();
    assert_eq!(second, first);
    assert_eq!(sandbox.portal.requests().len(), 1, "no request at all");
    assert!(second.contains("\"AccountId\": \"444455556666\""));
}

#[test]
fn s13_no_disk_cache_and_the_environment_switch() {
    let mut sandbox = sandbox();
    sandbox
        .run(&["credentials", "--profile", "s", "--no-disk-cache"])
        .success();
    assert!(!sandbox.path(S_ENTRY).exists(), "nothing written");
    sandbox.write(
        S_ENTRY,
        "{\"Credentials\": {\"AccessKeyId\": \"ASIADISK\", \"SecretAccessKey\": \"s\", \"SessionToken\": \"t\", \"Expiration\": \"2999-01-01T00:00:00Z\"}}",
    );
    let out = sandbox
        .run(&["credentials", "--profile", "s", "--no-disk-cache"])
        .success();
    assert!(!out.contains("ASIADISK"), "nothing read");
    assert_eq!(gets(&sandbox), 2);
    sandbox.env("SSOKIT_DISK_CACHE", "false");
    let out = sandbox.run(&["credentials", "--profile", "s"]).success();
    assert!(!out.contains("ASIADISK"));
    assert_eq!(gets(&sandbox), 3);
    sandbox.env("SSOKIT_DISK_CACHE", "maybe");
    let stderr = sandbox.run(&["credentials", "--profile", "s"]).failure();
    assert_eq!(
        stderr,
        "ssokit: error: invalid value \"maybe\" for SSOKIT_DISK_CACHE: expected true or false\n"
    );
}

#[test]
fn s13_a_corrupt_entry_is_a_warning_and_is_replaced() {
    let sandbox = sandbox();
    sandbox.write(S_ENTRY, "{\"Cred");
    let run = sandbox.run(&["credentials", "--profile", "s"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    assert_eq!(
        run.stderr(),
        format!(
            "ssokit: warning: ignoring the role credential cache entry {} (invalid JSON at line 1, column 6)\n",
            sandbox.path(S_ENTRY).display()
        )
    );
    assert!(sandbox.read(S_ENTRY).contains("\"ProviderType\": \"sso\""));
    assert_eq!(gets(&sandbox), 1);
}

#[test]
fn s14_eight_processes_on_a_missing_entry_make_one_call() {
    let sandbox = sandbox();
    let children: Vec<_> = (0..8)
        .map(|_| {
            sandbox
                .command(&["credentials", "--profile", "s"])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let output = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{stderr}");
        assert!(String::from_utf8_lossy(&output.stdout).contains("ASIAMOCKACCESSKEY"));
        for secret in SECRETS {
            assert!(!stderr.contains(secret));
        }
    }
    assert_eq!(gets(&sandbox), 1);
}
