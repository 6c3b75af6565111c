//! `credential_process` (SPEC §10): the command a profile names, run through the shell,
//! its version 1 JSON read as credentials.

use std::fmt;
use std::process::Stdio;
use std::time::Duration;

use ssokit_config_parser::{Env, Location, Section};
use ssokit_http::Seconds;
use ssokit_token_cache::parse_time;
use tokio::io::AsyncReadExt;

use crate::config::ProviderConfig;
use crate::error::{CredentialsError, ErrorCode};
use crate::types::Credentials;

/// A `credential_process` to run, with what its errors and result need from the profile.
pub(crate) struct ProcessStep {
    command: String,
    account: Option<String>,
    pub(crate) profile: String,
    pub(crate) location: Option<Location>,
}

impl ProcessStep {
    pub(crate) fn of(profile: &Section<'_>, command: &str) -> Self {
        Self {
            command: command.to_owned(),
            account: profile.get("aws_account_id").map(str::to_owned),
            profile: profile.name().to_owned(),
            location: profile.property("credential_process").map(|p| p.location()),
        }
    }

    /// Runs the command (refusing past [`MAX_PROCESS_DEPTH`]); the result's account id is
    /// the output's `AccountId`, else the profile's `aws_account_id`.
    pub(crate) async fn run(
        &self,
        config: &ProviderConfig,
    ) -> Result<Credentials, CredentialsError> {
        let depth = process_depth(config.env()).map_err(|e| e.at(self.location.clone()))?;
        if depth >= MAX_PROCESS_DEPTH {
            return Err(process_error(format!(
                "not started: {depth} credential_process commands are already running one inside another ({PROCESS_DEPTH_VAR}={depth}), so the credential_process of profile {} most likely runs ssokit for that profile again; point it at a command that does not come back to this profile",
                self.profile
            ))
            .at(self.location.clone()));
        }
        let credentials = run_process(&self.command, config.process_timeout(), depth + 1).await?;
        if credentials.account_id().is_none() {
            return Ok(credentials.with_account_id(self.account.clone()));
        }
        Ok(credentials)
    }
}

const PROCESS_ERROR: &str = "Error retrieving credentials from external process";

/// The variable ssokit sets for every `credential_process` it starts: how many of them run
/// one inside another, counting the new one. A `credential_process` that runs ssokit for
/// its own profile would otherwise start itself again and again; at
/// [`MAX_PROCESS_DEPTH`] ssokit refuses to start another.
pub const PROCESS_DEPTH_VAR: &str = "SSOKIT_CREDENTIAL_PROCESS_DEPTH";

/// The longest chain of `credential_process` commands ssokit starts one inside another.
pub const MAX_PROCESS_DEPTH: u32 = 3;

/// The depth read from the environment snapshot: unset is 0.
fn process_depth(env: &Env) -> Result<u32, CredentialsError> {
    let Some(value) = env.get(PROCESS_DEPTH_VAR) else {
        return Ok(0);
    };
    value.trim().parse().map_err(|_| {
        process_error(format!(
            "not started: {PROCESS_DEPTH_VAR} is {value:?}, not a number; ssokit sets it for the credential_process commands it starts, so unset it"
        ))
    })
}

fn process_error(detail: impl fmt::Display) -> CredentialsError {
    CredentialsError::failed(ErrorCode::Process, format!("{PROCESS_ERROR}: {detail}"))
}

/// Runs `credential_process` via the shell, at `depth` (see [`PROCESS_DEPTH_VAR`]); stderr
/// passes through (SPEC §10).
async fn run_process(
    command: &str,
    timeout: Duration,
    depth: u32,
) -> Result<Credentials, CredentialsError> {
    let mut cmd = if cfg!(windows) {
        let mut c = tokio::process::Command::new("cmd");
        c.arg("/C").arg(command);
        c
    } else {
        let mut c = tokio::process::Command::new("sh");
        c.arg("-c").arg(command);
        c
    };
    cmd.env(PROCESS_DEPTH_VAR, depth.to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true);
    let mut child = cmd
        .spawn()
        .map_err(|e| process_error(format!("could not start it: {e}")))?;
    let mut stdout = child.stdout.take();
    let run = async {
        let mut out = Vec::new();
        if let Some(stdout) = stdout.as_mut() {
            stdout
                .take(1024 * 1024)
                .read_to_end(&mut out)
                .await
                .map_err(|e| process_error(format!("could not read its output: {e}")))?;
        }
        let status = child
            .wait()
            .await
            .map_err(|e| process_error(format!("could not wait for it: {e}")))?;
        Ok::<_, CredentialsError>((status, out))
    };
    let (status, out) = tokio::time::timeout(timeout, run)
        .await
        .map_err(|_| process_error(format!("timed out after {} s", Seconds(timeout))))??;
    if !status.success() {
        return Err(process_error(format!("exited with {status}")));
    }
    parse_process_output(&out).ok_or_else(|| {
        CredentialsError::failed(
            ErrorCode::Process,
            format!("{PROCESS_ERROR}, could not parse response: invalid JSON in response"),
        )
    })
}

/// Version 1 JSON: `AccessKeyId`, `SecretAccessKey`, optional `SessionToken`,
/// `Expiration`, `AccountId` (else the profile's `aws_account_id`, added by the caller).
fn parse_process_output(out: &[u8]) -> Option<Credentials> {
    let value: serde_json::Value = serde_json::from_slice(out).ok()?;
    let object = value.as_object()?;
    if object.get("Version").and_then(serde_json::Value::as_i64) != Some(1) {
        return None;
    }
    let text = |key: &str| {
        object
            .get(key)
            .and_then(serde_json::Value::as_str)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    let expiration = match object.get("Expiration") {
        None | Some(serde_json::Value::Null) => None,
        Some(v) => Some(parse_time(v.as_str()?)?),
    };
    Some(
        Credentials::new(
            text("AccessKeyId")?,
            text("SecretAccessKey")?,
            text("SessionToken"),
            expiration,
            "Process",
        )
        .with_account_id(text("AccountId")),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn process_output_version_1() {
        let creds = parse_process_output(
            br#"{"Version":1,"AccessKeyId":"A","SecretAccessKey":"S","Expiration":"2026-03-01T13:00:00Z"}"#,
        )
        .unwrap();
        assert_eq!(creds.access_key_id(), "A");
        assert_eq!(creds.session_token(), None);
        assert_eq!(
            creds.expire_time().unwrap().to_string(),
            "2026-03-01T13:00:00Z"
        );
        for bad in [
            &br#"{"Version":2,"AccessKeyId":"A","SecretAccessKey":"S"}"#[..],
            br#"{"Version":1,"AccessKeyId":"A"}"#,
            br#"{"Version":1,"AccessKeyId":"A","SecretAccessKey":"S","Expiration":"soon"}"#,
            b"[]",
            b"nope",
        ] {
            assert!(parse_process_output(bad).is_none());
        }
    }

    #[test]
    fn seconds_render_like_people_write_them() {
        assert_eq!(Seconds(Duration::from_secs(60)).to_string(), "60");
        assert_eq!(Seconds(Duration::from_millis(200)).to_string(), "0.2");
    }
}
