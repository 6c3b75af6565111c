//! `ssokit exec` (SPEC §22, §26 scenario 16): the command's exit status and death by signal
//! pass through (ssokit becomes the command), its environment carries the profile's
//! credentials, account, region and the nesting marker and nothing that would point it at
//! another identity; nesting is refused before any request; a missing command is 127.

use std::collections::BTreeMap;
use std::os::unix::process::ExitStatusExt;

use crate::Sandbox;

/// The `env` output as a map.
fn variables(stdout: &str) -> BTreeMap<String, String> {
    stdout
        .lines()
        .filter_map(|line| line.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

#[test]
fn s16_exit_status_and_signals_pass_through() {
    let sandbox = Sandbox::new();
    let run = sandbox.run(&["exec", "--profile", "s", "--", "sh", "-c", "exit 7"]);
    assert_eq!(run.code(), 7, "{}", run.stderr());
    assert_eq!(run.stderr(), "");
    let run = sandbox.run(&["exec", "--profile", "s", "--", "sh", "-c", "exit 3"]);
    assert_eq!(run.code(), 3);
    let run = sandbox.run(&["exec", "--profile", "s", "--", "sh", "-c", "kill -TERM $$"]);
    assert_eq!(run.0.status.signal(), Some(15), "killed by SIGTERM");
}

#[test]
fn s16_the_child_environment() {
    let mut sandbox = Sandbox::new();
    sandbox.env("AWS_PROFILE", "elsewhere");
    sandbox.env("AWS_DEFAULT_PROFILE", "elsewhere");
    sandbox.env("AMAZON_ACCESS_KEY_ID", "AKIDAMAZON");
    sandbox.env("AWS_ACCOUNT_ID", "999999999999");
    sandbox.env("AWS_SDK_LOAD_CONFIG", "1");
    sandbox.env("KEEP_ME", "kept");
    let run = sandbox.run(&["exec", "--profile", "s", "--", "env"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let vars = variables(&run.stdout());
    assert_eq!(vars["AWS_ACCESS_KEY_ID"], "ASIAMOCKACCESSKEY");
    assert_eq!(vars["AWS_SECRET_ACCESS_KEY"], "mockSecretKey");
    assert_eq!(vars["AWS_SESSION_TOKEN"], "mockSessionToken");
    assert_eq!(vars["AWS_CREDENTIAL_EXPIRATION"], "2026-03-01T13:00:00Z");
    assert_eq!(vars["AWS_ACCOUNT_ID"], "444455556666");
    assert_eq!(vars["SSOKIT_EXEC"], "s");
    assert_eq!(vars["KEEP_ME"], "kept");
    for gone in [
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "AMAZON_ACCESS_KEY_ID",
        "AWS_SDK_LOAD_CONFIG",
    ] {
        assert!(!vars.contains_key(gone), "{gone} inherited");
    }
}

#[test]
fn the_profiles_region_replaces_the_inherited_one() {
    let mut sandbox = Sandbox::new();
    sandbox.env("AWS_REGION", "ap-south-1");
    sandbox.env("AWS_DEFAULT_REGION", "ap-south-1");
    // §13 profile s has no region: the inherited values stay.
    let vars = variables(
        &sandbox
            .run(&["exec", "--profile", "s", "--", "env"])
            .stdout(),
    );
    assert_eq!(vars["AWS_REGION"], "ap-south-1");
    let config = sandbox.read(".aws/config");
    sandbox.write(
        ".aws/config",
        config.replace("[profile s]\n", "[profile s]\nregion = eu-central-1\n"),
    );
    let vars = variables(
        &sandbox
            .run(&["exec", "--profile", "s", "--", "env"])
            .stdout(),
    );
    assert_eq!(vars["AWS_REGION"], "eu-central-1");
    assert_eq!(vars["AWS_DEFAULT_REGION"], "eu-central-1");
}

#[test]
fn s16_nesting_is_refused_before_any_request() {
    let mut sandbox = Sandbox::new();
    sandbox.env("SSOKIT_EXEC", "s");
    let stderr = sandbox
        .run(&["exec", "--profile", "s", "--", "env"])
        .failure();
    assert_eq!(
        stderr,
        "ssokit: error: already inside ssokit exec for profile s (SSOKIT_EXEC is set); leave that command or unset SSOKIT_EXEC\n"
    );
    assert_eq!(sandbox.portal.requests().len(), 0);
}

#[test]
fn s16_a_missing_command_and_no_command() {
    let sandbox = Sandbox::new();
    let run = sandbox.run(&["exec", "--profile", "s", "--", "no-such-cmd"]);
    assert_eq!(run.code(), 127);
    assert_eq!(
        run.stderr(),
        "ssokit: error: cannot run no-such-cmd: command not found\n"
    );
    sandbox.write("not-executable", "#!/bin/sh\n");
    let path = sandbox.path("not-executable").display().to_string();
    let run = sandbox.run(&["exec", "--profile", "s", "--", &path]);
    assert_eq!(run.code(), 126, "{}", run.stderr());
    assert_eq!(
        run.stderr(),
        format!("ssokit: error: cannot run {path}: Permission denied (os error 13)\n")
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        sandbox.write("bad-interpreter", "#!/no/such/interpreter\n");
        let path = sandbox.path("bad-interpreter");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        let path = path.display().to_string();
        let run = sandbox.run(&["exec", "--profile", "s", "--", &path]);
        assert_eq!(run.code(), 126, "{}", run.stderr());
        assert_eq!(
            run.stderr(),
            format!(
                "ssokit: error: cannot run {path}: its #! interpreter was not found (No such file or directory (os error 2))\n"
            )
        );
    }
    let before = sandbox.portal.requests().len();
    let run = sandbox.run(&["exec", "--profile", "s"]);
    assert_eq!(run.code(), 2);
    assert_eq!(
        run.stderr(),
        "ssokit: error: ssokit exec needs a command after --\n"
    );
    assert_eq!(sandbox.portal.requests().len(), before, "no request");
}
