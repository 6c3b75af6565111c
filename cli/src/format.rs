//! What `ssokit credentials` and `ssokit token` print (SPEC §11).

use clap::ValueEnum;
use jiff::Timestamp;
use serde_json::{Map, Value};
use ssokit_chain::{Credentials, Token};

/// `ssokit credentials --format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum CredentialsFormat {
    /// `credential_process` Version 1 JSON.
    Process,
    /// `export AWS_...=...` lines (POSIX shells).
    Env,
    /// `AWS_...=...` lines.
    EnvNoExport,
    /// `set -gx AWS_... "..."` lines.
    Fish,
    /// `$Env:AWS_...="..."` lines.
    Powershell,
    /// The process JSON without `Version`.
    Json,
}

/// `ssokit token --format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum TokenFormat {
    /// `{"accessToken": ..., "expiresAt": ...}`.
    Json,
    /// The token and a newline.
    Raw,
}

/// RFC 3339 UTC, whole seconds (truncated).
pub(crate) fn time(at: Timestamp) -> String {
    at.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Credentials in `format`, with the trailing newline.
pub(crate) fn credentials(credentials: &Credentials, format: CredentialsFormat) -> String {
    match format {
        CredentialsFormat::Process => credentials_json(credentials, true),
        CredentialsFormat::Json => credentials_json(credentials, false),
        CredentialsFormat::Env => lines(credentials, |name, value| {
            format!("export {name}={}", posix_quote(value))
        }),
        CredentialsFormat::EnvNoExport => lines(credentials, |name, value| {
            format!("{name}={}", posix_quote(value))
        }),
        CredentialsFormat::Fish => lines(credentials, |name, value| {
            format!("set -gx {name} \"{}\"", fish_escape(value))
        }),
        CredentialsFormat::Powershell => lines(credentials, |name, value| {
            format!("$Env:{name}=\"{}\"", powershell_escape(value))
        }),
    }
}

/// The `credential_process` Version 1 document (`process`), or the same without `Version`
/// (`json`); `AccountId` after `Expiration` when the account is known (the format's optional
/// member, read by botocore and the JS SDK v3); 2-space indent, absent values omitted.
fn credentials_json(credentials: &Credentials, process: bool) -> String {
    let mut object = Map::new();
    if process {
        object.insert("Version".into(), Value::from(1));
    }
    object.insert("AccessKeyId".into(), credentials.access_key_id().into());
    object.insert(
        "SecretAccessKey".into(),
        credentials.secret_access_key().into(),
    );
    if let Some(token) = credentials.session_token() {
        object.insert("SessionToken".into(), token.into());
    }
    if let Some(at) = credentials.expire_time() {
        object.insert("Expiration".into(), time(at).into());
    }
    if let Some(account) = credentials.account_id() {
        object.insert("AccountId".into(), account.into());
    }
    pretty(&Value::Object(object))
}

/// `{"accessToken": ..., "expiresAt": ...}` (`json`) or the token alone (`raw`).
pub(crate) fn token(token: &Token, format: TokenFormat) -> String {
    match format {
        TokenFormat::Raw => format!("{}\n", token.token()),
        TokenFormat::Json => {
            let mut object = Map::new();
            object.insert("accessToken".into(), token.token().into());
            if let Some(at) = token.expire_time() {
                object.insert("expiresAt".into(), time(at).into());
            }
            pretty(&Value::Object(object))
        }
    }
}

/// 2-space indented JSON and a newline.
pub(crate) fn pretty(value: &Value) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}

/// One line per variable of [`variables`].
fn lines(credentials: &Credentials, line: impl Fn(&str, &str) -> String) -> String {
    let mut out = String::new();
    for (name, value) in variables(credentials) {
        out.push_str(&line(name, &value));
        out.push('\n');
    }
    out
}

/// The environment variables of `credentials`: key id, secret, session token, expiration
/// and account id when present (SPEC §11; `exec` sets the same).
pub(crate) fn variables(credentials: &Credentials) -> Vec<(&'static str, String)> {
    let mut vars = vec![
        ("AWS_ACCESS_KEY_ID", credentials.access_key_id().to_owned()),
        (
            "AWS_SECRET_ACCESS_KEY",
            credentials.secret_access_key().to_owned(),
        ),
    ];
    if let Some(token) = credentials.session_token() {
        vars.push(("AWS_SESSION_TOKEN", token.to_owned()));
    }
    if let Some(at) = credentials.expire_time() {
        vars.push(("AWS_CREDENTIAL_EXPIRATION", time(at)));
    }
    if let Some(account) = credentials.account_id() {
        vars.push(("AWS_ACCOUNT_ID", account.to_owned()));
    }
    vars
}

/// The value as is when it only holds `A-Za-z0-9+/=_.:-`, else single-quoted with `'` as
/// `'\''`.
pub(crate) fn posix_quote(value: &str) -> String {
    let plain = !value.is_empty()
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+/=_.:-".contains(&b));
    if plain {
        value.to_owned()
    } else {
        format!("'{}'", value.replace('\'', r"'\''"))
    }
}

/// Inside fish double quotes, `\`, `"` and `$` are escaped with `\`.
fn fish_escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        if matches!(c, '\\' | '"' | '$') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Inside PowerShell double quotes, `` ` ``, `"` and `$` are escaped with a backtick.
fn powershell_escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        if matches!(c, '`' | '"' | '$') {
            out.push('`');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn creds(secret: &str) -> Credentials {
        Credentials::new(
            "AKID",
            secret,
            Some("tok".into()),
            Some("2026-03-01T13:00:00.750Z".parse().unwrap()),
            "Test",
        )
        .with_account_id(Some("111122223333".into()))
    }

    #[test]
    fn posix_quoting_keeps_plain_values_and_quotes_the_rest() {
        assert_eq!(posix_quote("abc+/=_.:-XYZ09"), "abc+/=_.:-XYZ09");
        assert_eq!(posix_quote(""), "''");
        assert_eq!(posix_quote("a b"), "'a b'");
        assert_eq!(posix_quote("it's"), r"'it'\''s'");
        assert_eq!(posix_quote("$x"), "'$x'");
    }

    #[test]
    fn every_line_format() {
        let c = creds("s$\"`'\\");
        assert_eq!(
            credentials(&c, CredentialsFormat::Env),
            "export AWS_ACCESS_KEY_ID=AKID\nexport AWS_SECRET_ACCESS_KEY='s$\"`'\\''\\'\n\
             export AWS_SESSION_TOKEN=tok\nexport AWS_CREDENTIAL_EXPIRATION=2026-03-01T13:00:00Z\n\
             export AWS_ACCOUNT_ID=111122223333\n"
        );
        assert_eq!(
            credentials(&c, CredentialsFormat::EnvNoExport),
            "AWS_ACCESS_KEY_ID=AKID\nAWS_SECRET_ACCESS_KEY='s$\"`'\\''\\'\n\
             AWS_SESSION_TOKEN=tok\nAWS_CREDENTIAL_EXPIRATION=2026-03-01T13:00:00Z\n\
             AWS_ACCOUNT_ID=111122223333\n"
        );
        assert_eq!(
            credentials(&c, CredentialsFormat::Fish),
            "set -gx AWS_ACCESS_KEY_ID \"AKID\"\nset -gx AWS_SECRET_ACCESS_KEY \"s\\$\\\"`'\\\\\"\n\
             set -gx AWS_SESSION_TOKEN \"tok\"\nset -gx AWS_CREDENTIAL_EXPIRATION \"2026-03-01T13:00:00Z\"\n\
             set -gx AWS_ACCOUNT_ID \"111122223333\"\n"
        );
        assert_eq!(
            credentials(&c, CredentialsFormat::Powershell),
            "$Env:AWS_ACCESS_KEY_ID=\"AKID\"\n$Env:AWS_SECRET_ACCESS_KEY=\"s`$`\"``'\\\"\n\
             $Env:AWS_SESSION_TOKEN=\"tok\"\n$Env:AWS_CREDENTIAL_EXPIRATION=\"2026-03-01T13:00:00Z\"\n\
             $Env:AWS_ACCOUNT_ID=\"111122223333\"\n"
        );
    }

    #[test]
    fn the_process_format_carries_the_account_after_the_expiration() {
        assert_eq!(
            credentials(&creds("s"), CredentialsFormat::Process),
            "{\n  \"Version\": 1,\n  \"AccessKeyId\": \"AKID\",\n  \"SecretAccessKey\": \"s\",\n  \
             \"SessionToken\": \"tok\",\n  \"Expiration\": \"2026-03-01T13:00:00Z\",\n  \
             \"AccountId\": \"111122223333\"\n}\n"
        );
    }

    #[test]
    fn json_formats_truncate_the_expiry_and_omit_what_is_absent() {
        assert_eq!(
            credentials(&creds("s"), CredentialsFormat::Json),
            "{\n  \"AccessKeyId\": \"AKID\",\n  \"SecretAccessKey\": \"s\",\n  \"SessionToken\": \"tok\",\n  \
             \"Expiration\": \"2026-03-01T13:00:00Z\",\n  \"AccountId\": \"111122223333\"\n}\n"
        );
        let bare = Credentials::new("AKID", "s", None, None, "Test");
        assert_eq!(
            credentials(&bare, CredentialsFormat::Process),
            "{\n  \"Version\": 1,\n  \"AccessKeyId\": \"AKID\",\n  \"SecretAccessKey\": \"s\"\n}\n"
        );
        assert_eq!(
            credentials(&bare, CredentialsFormat::Env),
            "export AWS_ACCESS_KEY_ID=AKID\nexport AWS_SECRET_ACCESS_KEY=s\n"
        );
    }
}
