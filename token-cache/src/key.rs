//! Where a token lives: the cache directory and the file name derived from the cache key.

use std::path::{Path, PathBuf};

/// The SSO token cache directory below a home directory: `<home>/.aws/sso/cache`.
///
/// The home directory is a value the caller resolved; this crate never looks it up.
pub fn cache_dir(home: &Path) -> PathBuf {
    home.join(".aws").join("sso").join("cache")
}

/// The cache file name for a cache key: the lowercase hex SHA-1 of the key's UTF-8 bytes,
/// then `.json`.
///
/// The key is the sso-session name for session profiles, or for legacy profiles the
/// `sso_start_url` exactly as written (a trailing `/` gives another file).
///
/// ```
/// use ssokit_token_cache::cache_file_name;
///
/// assert_eq!(cache_file_name("dev"), "34c6fceca75e456f25e7e99531e2425c6c1de443.json");
/// ```
pub fn cache_file_name(key: &str) -> String {
    format!("{}.json", sha1_smol::Sha1::from(key).digest())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_dir_is_below_home() {
        assert_eq!(
            cache_dir(Path::new("/h")),
            Path::new("/h/.aws/sso/cache").to_path_buf()
        );
    }

    #[test]
    fn empty_key_has_a_name_too() {
        assert_eq!(
            cache_file_name(""),
            "da39a3ee5e6b4b0d3255bfef95601890afd80709.json"
        );
    }
}
