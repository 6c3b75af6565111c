//! The token file a login writes (SPEC §19.8): the members AWS CLI v2 writes, so every SDK
//! reads and refreshes it, merged losslessly into what the file already holds.

use std::fmt;

use jiff::Timestamp;

use crate::time::format_time;
use crate::token::{CorruptDetail, is_blank, json_string, object_members, render_members};

/// What a login obtained, to be written to the session's (or start URL's) token file.
/// `Debug` never shows the tokens or the client secret.
#[derive(Clone)]
pub struct LoginToken<'a> {
    /// `startUrl`: the configured start URL.
    pub start_url: &'a str,
    /// `region`: the `sso_region`.
    pub region: &'a str,
    /// `accessToken`.
    pub access_token: &'a str,
    /// `expiresAt`: now (truncated to the second) plus `expiresIn`.
    pub expires_at: Timestamp,
    /// `clientId` of the registration.
    pub client_id: &'a str,
    /// `clientSecret` of the registration.
    pub client_secret: &'a str,
    /// `registrationExpiresAt`: the registration's `expiresAt`.
    pub registration_expires_at: Timestamp,
    /// `refreshToken`, when `CreateToken` returned one.
    pub refresh_token: Option<&'a str>,
}

impl fmt::Debug for LoginToken<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoginToken")
            .field("start_url", &self.start_url)
            .field("region", &self.region)
            .field("access_token", &"** redacted **")
            .field("expires_at", &self.expires_at)
            .field("client_id", &self.client_id)
            .field("client_secret", &"** redacted **")
            .field("registration_expires_at", &self.registration_expires_at)
            .field(
                "refresh_token",
                &self.refresh_token.map(|_| "** redacted **"),
            )
            .finish()
    }
}

/// The order of a new file's members.
const ORDER: [&str; 8] = [
    "startUrl",
    "region",
    "accessToken",
    "expiresAt",
    "clientId",
    "clientSecret",
    "registrationExpiresAt",
    "refreshToken",
];

impl LoginToken<'_> {
    /// The file text for this login over `existing` (the file's bytes, `None` when there
    /// is none): an existing JSON object keeps its other members and its order, the eight
    /// members are replaced in place or appended in order, and `refreshToken` is removed
    /// when none was returned (it belonged to the replaced session). An empty file or
    /// `null` counts as none. A file that is not a JSON object is the corrupt detail (the
    /// login refuses to write over it, L-CORRUPT).
    pub fn render_over(&self, existing: Option<&[u8]>) -> Result<String, CorruptDetail> {
        let mut members = match existing {
            Some(bytes) => existing_members(bytes)?,
            None => Vec::new(),
        };
        let expires = format_time(self.expires_at);
        let registration = format_time(self.registration_expires_at);
        let values = [
            Some(self.start_url),
            Some(self.region),
            Some(self.access_token),
            Some(expires.as_str()),
            Some(self.client_id),
            Some(self.client_secret),
            Some(registration.as_str()),
            self.refresh_token.filter(|r| !r.is_empty()),
        ];
        for (key, value) in ORDER.iter().zip(values) {
            match value {
                Some(value) => set(&mut members, key, json_string(value)),
                None => members.retain(|(k, _)| k != key),
            }
        }
        Ok(render_members(&members))
    }

    /// Whether a login may write over `existing` (the file's bytes): `Err` with the corrupt
    /// detail when it is not a token file, as [`render_over`](Self::render_over) would
    /// refuse it.
    pub fn check_existing(existing: &[u8]) -> Result<(), CorruptDetail> {
        existing_members(existing).map(|_| ())
    }
}

/// The members of an existing file (none when it is blank or `null`), or why it is not a
/// token file.
fn existing_members(bytes: &[u8]) -> Result<Vec<(String, String)>, CorruptDetail> {
    if is_blank(bytes) {
        return Ok(Vec::new());
    }
    object_members(bytes).map(Option::unwrap_or_default)
}

/// Replaces every member named `key` (duplicates included), or appends it.
fn set(members: &mut Vec<(String, String)>, key: &str, raw: String) {
    let mut found = false;
    for (k, v) in members.iter_mut() {
        if k == key {
            v.clone_from(&raw);
            found = true;
        }
    }
    if !found {
        members.push((key.to_owned(), raw));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(refresh: Option<&'static str>) -> LoginToken<'static> {
        LoginToken {
            start_url: "https://d-abc123.awsapps.com/start",
            region: "eu-west-1",
            access_token: "at-new",
            expires_at: "2026-03-01T13:00:00Z"
                .parse()
                .unwrap_or(Timestamp::UNIX_EPOCH),
            client_id: "client-1",
            client_secret: "csecret-1",
            registration_expires_at: "2026-05-30T12:00:00Z"
                .parse()
                .unwrap_or(Timestamp::UNIX_EPOCH),
            refresh_token: refresh,
        }
    }

    #[test]
    fn a_new_file_has_the_clis_members_in_order() {
        assert_eq!(
            token(Some("rt-new")).render_over(None).unwrap(),
            "{\n  \"startUrl\": \"https://d-abc123.awsapps.com/start\",\n  \"region\": \"eu-west-1\",\n  \
             \"accessToken\": \"at-new\",\n  \"expiresAt\": \"2026-03-01T13:00:00Z\",\n  \
             \"clientId\": \"client-1\",\n  \"clientSecret\": \"csecret-1\",\n  \
             \"registrationExpiresAt\": \"2026-05-30T12:00:00Z\",\n  \"refreshToken\": \"rt-new\"\n}"
        );
    }

    #[test]
    fn an_existing_file_is_merged_losslessly_and_loses_its_old_refresh_token() {
        let existing = br#"{"x-extra": 1.50, "accessToken": "at-old", "refreshToken": "rt-old", "region": "eu-west-1"}"#;
        let text = token(None).render_over(Some(existing)).unwrap();
        assert_eq!(
            text,
            "{\n  \"x-extra\": 1.50,\n  \"accessToken\": \"at-new\",\n  \"region\": \"eu-west-1\",\n  \
             \"startUrl\": \"https://d-abc123.awsapps.com/start\",\n  \"expiresAt\": \"2026-03-01T13:00:00Z\",\n  \
             \"clientId\": \"client-1\",\n  \"clientSecret\": \"csecret-1\",\n  \
             \"registrationExpiresAt\": \"2026-05-30T12:00:00Z\"\n}"
        );
        for empty in [&b""[..], b"  \n", b"null"] {
            assert_eq!(
                token(None).render_over(Some(empty)).unwrap(),
                token(None).render_over(None).unwrap()
            );
        }
    }

    #[test]
    fn a_corrupt_file_is_refused() {
        assert_eq!(
            token(None).render_over(Some(b"[1]")),
            Err(CorruptDetail::NotAnObject)
        );
        assert!(matches!(
            token(None).render_over(Some(b"{\"a\":")),
            Err(CorruptDetail::InvalidJson { .. })
        ));
        assert!(!format!("{:?}", token(Some("rt-new"))).contains("rt-new"));
        assert!(!format!("{:?}", token(None)).contains("csecret-1"));
    }
}
