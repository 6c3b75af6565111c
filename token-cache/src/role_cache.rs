//! The role credential cache the AWS CLI keeps in `~/.aws/cli/cache/` (SPEC §21): the file
//! names botocore computes for SSO role credentials and assumed roles, the entry format,
//! a lenient read that names what is wrong, and the token cache's atomic write and lock.

use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;

use crate::cli_key::{KeyValue, Separators, cli_key_file_name};
use crate::file::{TokenCacheFile, WriteError};
use crate::lock::{CacheLock, LockError, LockOptions};
use crate::time::format_time;
use crate::token::{CorruptDetail, Json, json_string, last, object_members};

const REDACTED: &str = "** redacted **";

/// `<home>/.aws/cli/cache`: where the AWS CLI v2 caches role credentials.
///
/// ```
/// use std::path::Path;
/// use ssokit_token_cache::role_cache_dir;
///
/// assert_eq!(role_cache_dir(Path::new("/h")), Path::new("/h/.aws/cli/cache"));
/// ```
pub fn role_cache_dir(home: &Path) -> PathBuf {
    home.join(".aws").join("cli").join("cache")
}

/// What a role cache entry is keyed by: the values botocore hashes into its file name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RoleCacheKey<'a> {
    /// SSO role credentials of an sso-session profile.
    Sso {
        /// `sso_account_id`.
        account_id: &'a str,
        /// `sso_role_name`.
        role_name: &'a str,
        /// The `sso_session` name.
        session_name: &'a str,
    },
    /// SSO role credentials of a legacy profile (`sso_start_url` on the profile).
    LegacySso {
        /// `sso_account_id`.
        account_id: &'a str,
        /// `sso_role_name`.
        role_name: &'a str,
        /// `sso_start_url`.
        start_url: &'a str,
    },
    /// An assumed role; only the settings that are configured take part (the source
    /// profile does not).
    AssumeRole {
        /// `role_arn`.
        role_arn: &'a str,
        /// `role_session_name`, when configured.
        role_session_name: Option<&'a str>,
        /// `external_id`, when configured.
        external_id: Option<&'a str>,
        /// `mfa_serial`, when configured.
        serial_number: Option<&'a str>,
        /// `duration_seconds`, when configured (absent though 3600 is sent).
        duration_seconds: Option<u32>,
    },
}

impl RoleCacheKey<'_> {
    /// The entry's file name: the lowercase hex SHA-1 of the key document, `.json`.
    ///
    /// ```
    /// use ssokit_token_cache::RoleCacheKey;
    ///
    /// let key = RoleCacheKey::Sso {
    ///     account_id: "444455556666",
    ///     role_name: "SessionRole",
    ///     session_name: "dev",
    /// };
    /// assert_eq!(key.file_name(), "9eed7d016ae9398e5d2c4152bf33123c25e9740f.json");
    /// ```
    pub fn file_name(&self) -> String {
        match *self {
            Self::Sso {
                account_id,
                role_name,
                session_name,
            } => cli_key_file_name(
                &[
                    ("accountId", KeyValue::Str(account_id)),
                    ("roleName", KeyValue::Str(role_name)),
                    ("sessionName", KeyValue::Str(session_name)),
                ],
                Separators::Compact,
            ),
            Self::LegacySso {
                account_id,
                role_name,
                start_url,
            } => cli_key_file_name(
                &[
                    ("accountId", KeyValue::Str(account_id)),
                    ("roleName", KeyValue::Str(role_name)),
                    ("startUrl", KeyValue::Str(start_url)),
                ],
                Separators::Compact,
            ),
            Self::AssumeRole {
                role_arn,
                role_session_name,
                external_id,
                serial_number,
                duration_seconds,
            } => {
                let mut members = vec![("RoleArn", KeyValue::Str(role_arn))];
                let optional = [
                    ("RoleSessionName", role_session_name),
                    ("ExternalId", external_id),
                    ("SerialNumber", serial_number),
                ];
                for (name, value) in optional {
                    if let Some(value) = value {
                        members.push((name, KeyValue::Str(value)));
                    }
                }
                if let Some(seconds) = duration_seconds {
                    members.push(("DurationSeconds", KeyValue::Int(u64::from(seconds))));
                }
                cli_key_file_name(&members, Separators::Spaced)
            }
        }
    }
}

/// Where an entry's credentials came from, with what that kind of entry carries beside
/// them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EntrySource {
    /// `GetRoleCredentials`: written with `"ProviderType": "sso"`.
    Sso,
    /// `AssumeRole`: written without `ProviderType`, with `AssumedRoleUser` when known.
    AssumeRole {
        /// `AssumedRoleUser.AssumedRoleId`.
        assumed_role_id: Option<String>,
        /// `AssumedRoleUser.Arn`.
        arn: Option<String>,
    },
}

/// One role cache entry: temporary credentials, their expiry and account.
///
/// `Debug` prints `** redacted **` for the secret key and the session token.
#[derive(Clone, PartialEq, Eq)]
pub struct RoleCacheEntry {
    access_key_id: String,
    secret_access_key: String,
    session_token: String,
    expiration: Timestamp,
    account_id: Option<String>,
    source: EntrySource,
}

impl fmt::Debug for RoleCacheEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RoleCacheEntry")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &REDACTED)
            .field("session_token", &REDACTED)
            .field("expiration", &self.expiration)
            .field("account_id", &self.account_id)
            .field("source", &self.source)
            .finish()
    }
}

impl RoleCacheEntry {
    /// An entry of the given credentials.
    pub fn new(
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<String>,
        session_token: impl Into<String>,
        expiration: Timestamp,
        account_id: Option<String>,
        source: EntrySource,
    ) -> Self {
        Self {
            access_key_id: access_key_id.into(),
            secret_access_key: secret_access_key.into(),
            session_token: session_token.into(),
            expiration,
            account_id,
            source,
        }
    }

    /// Parses an entry. Valid: a JSON object whose `Credentials` object has non-empty
    /// strings `AccessKeyId`, `SecretAccessKey`, `SessionToken` and an `Expiration` in the
    /// token cache's time grammar (both `…Z` and botocore's `…UTC`). A leading byte order
    /// mark is skipped; an empty file is invalid JSON.
    ///
    /// ```
    /// use ssokit_token_cache::{EntrySource, RoleCacheEntry};
    ///
    /// let entry = RoleCacheEntry::parse(
    ///     br#"{"Credentials": {"AccessKeyId": "ASIA1", "SecretAccessKey": "s",
    ///          "SessionToken": "t", "Expiration": "2026-03-01T13:00:00UTC"}}"#,
    /// )?;
    /// assert_eq!(entry.expiration().to_string(), "2026-03-01T13:00:00Z");
    /// assert!(matches!(entry.source(), EntrySource::AssumeRole { .. }));
    /// assert_eq!(
    ///     RoleCacheEntry::parse(br#"{"Credentials": {}}"#).unwrap_err().to_string(),
    ///     "Credentials.AccessKeyId is missing or empty"
    /// );
    /// # Ok::<(), ssokit_token_cache::EntryProblem>(())
    /// ```
    pub fn parse(bytes: &[u8]) -> Result<Self, EntryProblem> {
        let members = entry_members(bytes)?;
        let credentials = last(&members, "Credentials")
            .and_then(|raw| object_members(raw.as_bytes()).ok().flatten())
            .unwrap_or_default();
        let required = |name: &'static str| match last(&credentials, name).map(Json::classify) {
            Some(Json::Str(s)) if !s.is_empty() => Ok(s),
            _ => Err(EntryProblem::Missing(name)),
        };
        let access_key_id = required("AccessKeyId")?;
        let secret_access_key = required("SecretAccessKey")?;
        let session_token = required("SessionToken")?;
        let expiration = match last(&credentials, "Expiration").map(Json::classify) {
            None | Some(Json::Null) => return Err(EntryProblem::Missing("Expiration")),
            Some(value) if value.is_empty_string() => {
                return Err(EntryProblem::Missing("Expiration"));
            }
            Some(value) => value
                .to_time()
                .map_err(|invalid| EntryProblem::InvalidExpiration(invalid.json().to_owned()))?,
        };
        let string = |members: &[(String, String)], name: &str| match last(members, name)
            .map(Json::classify)
        {
            Some(Json::Str(s)) if !s.is_empty() => Some(s),
            _ => None,
        };
        let source = if string(&members, "ProviderType").as_deref() == Some("sso") {
            EntrySource::Sso
        } else {
            let user = last(&members, "AssumedRoleUser")
                .and_then(|raw| object_members(raw.as_bytes()).ok().flatten())
                .unwrap_or_default();
            EntrySource::AssumeRole {
                assumed_role_id: string(&user, "AssumedRoleId"),
                arn: string(&user, "Arn"),
            }
        };
        Ok(Self {
            access_key_id,
            secret_access_key,
            session_token,
            expiration,
            account_id: string(&credentials, "AccountId"),
            source,
        })
    }

    /// Whether `bytes` are a JSON object with `"ProviderType": "sso"`: an SSO entry, which
    /// a logout deletes (assume-role entries and other files stay).
    pub fn is_sso(bytes: &[u8]) -> bool {
        entry_members(bytes).is_ok_and(|members| {
            matches!(last(&members, "ProviderType").map(Json::classify), Some(Json::Str(s)) if s == "sso")
        })
    }

    /// The entry as the file holds it: 2-space indent, `\n`, no trailing newline; an SSO
    /// entry `{"ProviderType": "sso", "Credentials": {…}}`, an assumed role's
    /// `{"Credentials": {…}, "AssumedRoleUser": {…}}`; `Expiration` as `…Z`, whole seconds.
    ///
    /// ```
    /// use ssokit_token_cache::{EntrySource, RoleCacheEntry};
    ///
    /// let entry = RoleCacheEntry::new(
    ///     "ASIA1", "s", "t", "2026-03-01T13:00:00.999Z".parse()?,
    ///     Some("444455556666".into()), EntrySource::Sso,
    /// );
    /// assert_eq!(
    ///     entry.render(),
    ///     "{\n  \"ProviderType\": \"sso\",\n  \"Credentials\": {\n    \"AccessKeyId\": \"ASIA1\",\n    \
    ///      \"SecretAccessKey\": \"s\",\n    \"SessionToken\": \"t\",\n    \
    ///      \"Expiration\": \"2026-03-01T13:00:00Z\",\n    \"AccountId\": \"444455556666\"\n  }\n}"
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn render(&self) -> String {
        let mut credentials = vec![
            ("AccessKeyId", json_string(&self.access_key_id)),
            ("SecretAccessKey", json_string(&self.secret_access_key)),
            ("SessionToken", json_string(&self.session_token)),
            ("Expiration", json_string(&format_time(self.expiration))),
        ];
        if let Some(account) = &self.account_id {
            credentials.push(("AccountId", json_string(account)));
        }
        let credentials = nested(&credentials);
        let members = match &self.source {
            EntrySource::Sso => vec![
                ("ProviderType", json_string("sso")),
                ("Credentials", credentials),
            ],
            EntrySource::AssumeRole {
                assumed_role_id,
                arn,
            } => {
                let user: Vec<(&str, String)> = [("AssumedRoleId", assumed_role_id), ("Arn", arn)]
                    .into_iter()
                    .filter_map(|(name, value)| value.as_deref().map(|v| (name, json_string(v))))
                    .collect();
                let mut members = vec![("Credentials", credentials)];
                if !user.is_empty() {
                    members.push(("AssumedRoleUser", nested(&user)));
                }
                members
            }
        };
        object(&members, "")
    }

    /// `Credentials.AccessKeyId`.
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// `Credentials.SecretAccessKey`. A secret.
    pub fn secret_access_key(&self) -> &str {
        &self.secret_access_key
    }

    /// `Credentials.SessionToken`. A secret.
    pub fn session_token(&self) -> &str {
        &self.session_token
    }

    /// `Credentials.Expiration`.
    pub fn expiration(&self) -> Timestamp {
        self.expiration
    }

    /// `Credentials.AccountId`, when present.
    pub fn account_id(&self) -> Option<&str> {
        self.account_id.as_deref()
    }

    /// What kind of entry this is.
    pub fn source(&self) -> &EntrySource {
        &self.source
    }
}

/// The members of an entry file, which must be a JSON object (`null` is not one).
fn entry_members(bytes: &[u8]) -> Result<Vec<(String, String)>, EntryProblem> {
    object_members(bytes)
        .map_err(EntryProblem::Corrupt)?
        .ok_or(EntryProblem::Corrupt(CorruptDetail::NotAnObject))
}

/// An object nested one level (its members at 4 spaces, its brace at 2).
fn nested(members: &[(&str, String)]) -> String {
    object(members, "  ")
}

/// `members` as an object whose closing brace is indented by `indent`.
fn object(members: &[(&str, String)], indent: &str) -> String {
    let mut out = String::from("{");
    for (i, (key, raw)) in members.iter().enumerate() {
        out.push_str(if i == 0 { "\n" } else { ",\n" });
        out.push_str(indent);
        out.push_str("  ");
        out.push_str(&json_string(key));
        out.push_str(": ");
        out.push_str(raw);
    }
    out.push('\n');
    out.push_str(indent);
    out.push('}');
    out
}

/// What makes a role cache entry unusable; its Display is the `<detail>` of D-CORRUPT.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EntryProblem {
    /// Not JSON, or not an object.
    #[error(transparent)]
    Corrupt(CorruptDetail),
    /// A required `Credentials` member is absent, not a string or empty.
    #[error("Credentials.{0} is missing or empty")]
    Missing(&'static str),
    /// `Credentials.Expiration` is outside the time grammar; the value as JSON.
    #[error("Credentials.Expiration {0} is not a valid time")]
    InvalidExpiration(String),
}

/// Why [`RoleCacheFile::read`] found no entry it could use. Neither variant holds a secret.
#[derive(Clone, Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RoleCacheError {
    /// The file exists but could not be read.
    #[error("could not read {}: {source}", path.display())]
    #[non_exhaustive]
    Io {
        /// The entry's file.
        path: PathBuf,
        /// The I/O error.
        source: Arc<io::Error>,
    },
    /// The file is not a valid entry, also on the second read. It was left unchanged.
    #[error("the role credential cache entry {} is not valid ({problem})", path.display())]
    #[non_exhaustive]
    Invalid {
        /// The entry's file.
        path: PathBuf,
        /// What is wrong with it.
        problem: EntryProblem,
    },
}

impl RoleCacheError {
    /// The entry's file.
    pub fn path(&self) -> &Path {
        match self {
            Self::Io { path, .. } | Self::Invalid { path, .. } => path,
        }
    }

    /// What the D-CORRUPT warning puts in parentheses: the entry's problem, or the I/O
    /// error.
    pub fn detail(&self) -> String {
        match self {
            Self::Io { source, .. } => source.to_string(),
            Self::Invalid { problem, .. } => problem.to_string(),
        }
    }
}

/// One entry file of the role credential cache: read, locked and written with the token
/// cache's mechanisms (the `<file>.lock` lock of [`CacheLock`], the atomic 0600 write of
/// [`TokenCacheFile::replace`]).
///
/// Construction does no I/O; every method is blocking file I/O.
///
/// ```
/// use ssokit_token_cache::{EntrySource, LockOptions, RoleCacheEntry, RoleCacheFile, RoleCacheKey, role_cache_dir};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let home = tempfile::tempdir()?;
/// let key = RoleCacheKey::AssumeRole {
///     role_arn: "arn:aws:iam::123456789012:role/Admin",
///     role_session_name: None, external_id: None, serial_number: None, duration_seconds: None,
/// };
/// let file = RoleCacheFile::new(&role_cache_dir(home.path()), &key);
/// assert!(file.read()?.is_none());
/// let lock = file.lock(&LockOptions::default())?;
/// let entry = RoleCacheEntry::new("ASIA1", "s", "t", "2026-03-01T13:00:00Z".parse()?, None,
///     EntrySource::AssumeRole { assumed_role_id: None, arn: None });
/// file.write(&entry)?;
/// drop(lock);
/// assert_eq!(file.read()?, Some(entry));
/// assert!(file.path().ends_with("51e7b105b5040ce662656c8dc6ab4de70c4de7ad.json"));
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct RoleCacheFile {
    /// The file's path, its corrupt-retry delay, its lock and its atomic write.
    file: TokenCacheFile,
}

impl RoleCacheFile {
    /// The entry file of `key` in `dir` (normally [`role_cache_dir`]`(home)`).
    pub fn new(dir: &Path, key: &RoleCacheKey<'_>) -> Self {
        Self::at_path(dir.join(key.file_name()))
    }

    /// An entry file at an explicit path.
    pub fn at_path(path: impl Into<PathBuf>) -> Self {
        Self {
            file: TokenCacheFile::at_path(path),
        }
    }

    /// Sets the delay before an invalid entry is read again (default 100 ms: the AWS CLI
    /// writes entries in place, so a read may see half a file).
    #[must_use]
    pub fn with_corrupt_retry_delay(mut self, delay: Duration) -> Self {
        self.file = self.file.with_corrupt_retry_delay(delay);
        self
    }

    /// The entry's path.
    pub fn path(&self) -> &Path {
        self.file.path()
    }

    /// Reads the entry: `Ok(None)` when there is no file; an invalid one is read once more
    /// after the delay, then reported. Never locks, writes or deletes.
    pub fn read(&self) -> Result<Option<RoleCacheEntry>, RoleCacheError> {
        self.file.with_second_chance(
            || self.read_once(),
            |e| matches!(e, RoleCacheError::Invalid { .. }),
        )
    }

    /// Reads the entry once, without the second chance of [`read`](Self::read).
    pub fn read_once(&self) -> Result<Option<RoleCacheEntry>, RoleCacheError> {
        let path = self.path();
        match fs::read(path) {
            Ok(bytes) => {
                RoleCacheEntry::parse(&bytes)
                    .map(Some)
                    .map_err(|problem| RoleCacheError::Invalid {
                        path: path.to_path_buf(),
                        problem,
                    })
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(RoleCacheError::Io {
                path: path.to_path_buf(),
                source: Arc::new(e),
            }),
        }
    }

    /// Takes the entry's cross-process lock, `<entry>.lock` (created 0600, never deleted;
    /// a missing cache directory is created 0700 first, as a write would).
    pub fn lock(&self, options: &LockOptions) -> Result<CacheLock, LockError> {
        self.file.lock(options)
    }

    /// Replaces the entry atomically (0600 temporary file, fsync, rename; missing
    /// directories created 0700), whatever it held: an invalid entry is replaced by the
    /// next write, never deleted.
    pub fn write(&self, entry: &RoleCacheEntry) -> Result<(), WriteError> {
        self.file.replace(entry.render().as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The names of SPEC §21's table.
    #[test]
    fn file_names_are_the_aws_clis() {
        let sso = |role_name| RoleCacheKey::Sso {
            account_id: "444455556666",
            role_name,
            session_name: "dev",
        };
        assert_eq!(
            sso("SessionRole").file_name(),
            "9eed7d016ae9398e5d2c4152bf33123c25e9740f.json"
        );
        assert_eq!(
            sso("R\u{f4}le").file_name(),
            "6c11f4fabb52d6fd3097dd291243d3e0f1f5268c.json"
        );
        let legacy = RoleCacheKey::LegacySso {
            account_id: "111122223333",
            role_name: "LegacyRole",
            start_url: "https://d-abc123.awsapps.com/start",
        };
        assert_eq!(
            legacy.file_name(),
            "a1847eccf36ce53c247d19387b61917da9090692.json"
        );
        let arn = "arn:aws:iam::123456789012:role/Admin";
        let plain = RoleCacheKey::AssumeRole {
            role_arn: arn,
            role_session_name: None,
            external_id: None,
            serial_number: None,
            duration_seconds: None,
        };
        assert_eq!(
            plain.file_name(),
            "51e7b105b5040ce662656c8dc6ab4de70c4de7ad.json"
        );
        let full = RoleCacheKey::AssumeRole {
            role_arn: arn,
            role_session_name: Some("alice"),
            external_id: Some("ext-1"),
            serial_number: Some("arn:aws:iam::111122223333:mfa/alice"),
            duration_seconds: Some(3600),
        };
        assert_eq!(
            full.file_name(),
            "9dea662259d02403fa65a6585a72ee44d38ea142.json"
        );
    }

    #[test]
    fn problems_name_the_member() {
        let problem = |text: &str| {
            RoleCacheEntry::parse(text.as_bytes())
                .unwrap_err()
                .to_string()
        };
        assert_eq!(problem("{\"Cred"), "invalid JSON at line 1, column 6");
        assert_eq!(problem(""), "invalid JSON at line 1, column 0");
        assert_eq!(problem("[1]"), "not a JSON object");
        assert_eq!(
            problem(r#"{"Credentials": {"AccessKeyId": "A", "SecretAccessKey": ""}}"#),
            "Credentials.SecretAccessKey is missing or empty"
        );
        assert_eq!(
            problem(
                r#"{"Credentials": {"AccessKeyId": "A", "SecretAccessKey": "s", "SessionToken": "t"}}"#
            ),
            "Credentials.Expiration is missing or empty"
        );
        assert_eq!(
            problem(
                r#"{"Credentials": {"AccessKeyId": "A", "SecretAccessKey": "s", "SessionToken": "t", "Expiration": "soon"}}"#
            ),
            "Credentials.Expiration \"soon\" is not a valid time"
        );
    }

    #[test]
    fn an_assumed_role_renders_and_reads_back() {
        let entry = RoleCacheEntry::new(
            "ASIA1",
            "s",
            "t",
            "2026-03-01T13:00:00Z".parse().unwrap(),
            Some("123456789012".into()),
            EntrySource::AssumeRole {
                assumed_role_id: Some("AROA1:s".into()),
                arn: Some("arn:aws:sts::123456789012:assumed-role/Admin/s".into()),
            },
        );
        let text = entry.render();
        assert_eq!(
            text,
            "{\n  \"Credentials\": {\n    \"AccessKeyId\": \"ASIA1\",\n    \"SecretAccessKey\": \"s\",\n    \
             \"SessionToken\": \"t\",\n    \"Expiration\": \"2026-03-01T13:00:00Z\",\n    \
             \"AccountId\": \"123456789012\"\n  },\n  \"AssumedRoleUser\": {\n    \
             \"AssumedRoleId\": \"AROA1:s\",\n    \"Arn\": \"arn:aws:sts::123456789012:assumed-role/Admin/s\"\n  }\n}"
        );
        assert_eq!(RoleCacheEntry::parse(text.as_bytes()).unwrap(), entry);
        assert!(!RoleCacheEntry::is_sso(text.as_bytes()));
        assert!(!format!("{entry:?}").contains("\"s\""));
    }
}
