//! The AWS SSO token cache: the `~/.aws/sso/cache/<sha1>.json` files that `aws sso login`
//! writes and every AWS SDK on the machine reads and refreshes.
//!
//! This crate
//!
//! - names the file of a cache key ([`cache_file_name`], [`cache_dir`], [`TokenCacheFile`]),
//!   and the files the AWS CLI names by the SHA-1 of a small JSON key written as Python's
//!   `json.dumps` writes it ([`cli_key_json`], [`cli_key_file_name`]; the client
//!   registration cache, [`registration_file_name`]);
//! - renders the token file a login writes, merged losslessly into the existing one
//!   ([`LoginToken`]);
//! - reads and writes the client registrations the AWS CLI caches beside the tokens
//!   ([`ClientRegistration`], [`registration_file`], [`write_registration`]), in its
//!   format, and says whether one may be reused;
//! - reads every variant the tools have written, leniently but never silently
//!   ([`TokenCacheFile::read`]): a leading BOM is skipped, `expiresAt` follows the grammar
//!   of [`parse_time`] or is epoch milliseconds, empty and `null` files count as "not
//!   found", and anything else is a typed [`ReadError`] naming the file;
//! - rewrites a token losslessly ([`CachedToken::with_refresh`], [`CachedToken::render`]):
//!   unknown members, key order and number spellings survive;
//! - writes atomically ([`TokenCacheFile::write`]): a 0600 temporary file, fsync, rename;
//!   a file that changed since it was read is left alone, and a corrupt file is never
//!   truncated, replaced or deleted;
//! - names, reads and writes the role credential cache the AWS CLI keeps in
//!   `~/.aws/cli/cache/` ([`RoleCacheKey`], [`RoleCacheEntry`], [`RoleCacheFile`]): the
//!   file names botocore computes, its entry format, the same atomic write and lock;
//! - coordinates processes with an advisory lock on `<cache file>.lock`
//!   ([`TokenCacheFile::lock`], [`CacheLock`]), which also records the time of the last
//!   refresh attempt.
//!
//! It does **not** decide whether a token is still valid or should be refreshed, call SSO
//! OIDC, read the environment, the home directory or the clock (the caller passes the cache
//! directory and times as values), log, or hold any process-global state. Its I/O is
//! blocking; async callers use a blocking thread. Secrets (`accessToken`, `refreshToken`,
//! `clientSecret`) never appear in `Debug` output or error messages.
//!
//! # Example
//!
//! ```
//! use std::time::Duration;
//! use ssokit_token_cache::{LockOptions, TokenCacheFile, cache_dir, parse_time};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let home = tempfile::tempdir()?;
//! let cache = TokenCacheFile::new(&cache_dir(home.path()), "dev");
//! assert!(cache.read()?.is_none()); // not found: the caller says "please log in"
//!
//! std::fs::create_dir_all(cache_dir(home.path()))?;
//! std::fs::write(
//!     cache.path(),
//!     r#"{"accessToken": "at-1", "expiresAt": "2026-03-01T12:02:00Z", "x-extra": 1.50}"#,
//! )?;
//!
//! // The refresh protocol: lock, re-read, decide, record the attempt, write, unlock.
//! let mut lock = cache.lock(&LockOptions::default())?;
//! let token = cache.read()?.ok_or("no token")?;
//! let now = parse_time("2026-03-01T12:00:00Z").ok_or("bad time")?;
//! assert!(token.expires_at() < now + Duration::from_secs(300));
//! lock.record_attempt(now)?;
//! let expiry = now + Duration::from_secs(3600); // from CreateToken's expiresIn
//! cache.write(&token.with_refresh("at-2", expiry, Some("rt-2")))?;
//! drop(lock);
//!
//! assert_eq!(
//!     std::fs::read_to_string(cache.path())?,
//!     "{\n  \"accessToken\": \"at-2\",\n  \"expiresAt\": \"2026-03-01T13:00:00Z\",\n  \
//!      \"x-extra\": 1.50,\n  \"refreshToken\": \"rt-2\"\n}"
//! );
//! # Ok(())
//! # }
//! ```
//!
//! # Errors and the SPEC §0 catalogue
//!
//! [`ReadError`] displays the catalogue texts E-READ, T-KEY (both forms) and T-EXPIRES in
//! full. For T-CORRUPT the login hint depends on the profile kind, which this crate does
//! not know: its Display is the first sentence, and [`ReadError::path`] and
//! [`ReadError::corrupt_detail`] let the caller render the whole text. S-KEYS is rendered by
//! the caller from [`ReadError::path`] and [`ReadError::key`].
//!
//! # Differences from the AWS SDKs
//!
//! - Zone-less `expiresAt` values are UTC (JS v2 reads them as local time); unparseable
//!   ones are an error (JS v2 legacy: valid forever).
//! - Rewrites keep unknown members and number spellings, are atomic with mode 0600, and
//!   never overwrite a file another tool changed meanwhile (JS v2 writes in place;
//!   botocore drops unknown members).
//! - Processes coordinate through a lock file (no SDK does).
//! - A corrupt file is reported and left untouched (the SDKs raise raw parser errors).
//!
//! # Features
//!
//! None.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod cli_key;
mod file;
mod key;
mod lock;
mod login;
mod registration;
mod role_cache;
mod time;
mod token;

pub use cli_key::{KeyValue, Separators, cli_key_file_name, cli_key_json, registration_file_name};
pub use file::{DEFAULT_CORRUPT_RETRY_DELAY, TokenCacheFile, WriteError};
pub use key::{cache_dir, cache_file_name};
pub use lock::{CacheLock, LockError, LockOptions};
pub use login::LoginToken;
pub use registration::{
    ClientRegistration, REGISTRATION_WINDOW, RegistrationProblem, registration_file,
    write_registration,
};
pub use role_cache::{
    EntryProblem, EntrySource, RoleCacheEntry, RoleCacheError, RoleCacheFile, RoleCacheKey,
    role_cache_dir,
};
pub use time::{format_time, parse_time};
pub use token::{CachedToken, CorruptDetail, InvalidTime, ReadError};
