//! The authorization code flow's secrets and URL (SPEC §19.6 steps 3-4): the PKCE verifier
//! and its S256 challenge, the `state`, and the authorize URL.

use std::fmt;
use std::fmt::Write as _;

use ring::digest::{SHA256, digest};
use ring::rand::{SecureRandom, SystemRandom};
use ssokit_http::encode_component;

use crate::error::{CredentialsError, ErrorCode};

/// The verifier's alphabet (RFC 7636 unreserved characters).
const UNRESERVED: &[u8; 66] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";

/// The PKCE verifier, its challenge and the `state` of one login. `Debug` shows neither
/// the verifier nor the state.
pub struct PkceSecrets {
    verifier: String,
    challenge: String,
    state: String,
}

impl fmt::Debug for PkceSecrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PkceSecrets")
            .field("challenge", &self.challenge)
            .finish_non_exhaustive()
    }
}

impl PkceSecrets {
    /// New secrets from the operating system's CSPRNG: a verifier of 64 characters drawn
    /// uniformly from the 66 unreserved ones (bytes of 198 and above are drawn again, so
    /// no character is likelier), and 16 bytes for the UUID of the state.
    pub fn generate() -> Result<Self, CredentialsError> {
        let random = SystemRandom::new();
        let fill = |buffer: &mut [u8]| {
            random.fill(buffer).map_err(|_| {
                CredentialsError::failed(
                    ErrorCode::Login,
                    "the operating system's random number generator failed",
                )
            })
        };
        let limit = 256 - 256 % UNRESERVED.len();
        let mut verifier = String::with_capacity(64);
        while verifier.len() < 64 {
            let mut bytes = [0u8; 64];
            fill(&mut bytes)?;
            verifier.extend(
                bytes
                    .iter()
                    .filter(|b| usize::from(**b) < limit)
                    .map(|b| char::from(UNRESERVED[usize::from(*b) % UNRESERVED.len()]))
                    .take(64 - verifier.len()),
            );
        }
        let mut uuid = [0u8; 16];
        fill(&mut uuid)?;
        Ok(Self::with_verifier(verifier, uuid))
    }

    /// The secrets for a given verifier and 16 random bytes for the state.
    fn with_verifier(verifier: String, mut uuid: [u8; 16]) -> Self {
        uuid[6] = (uuid[6] & 0x0f) | 0x40;
        uuid[8] = (uuid[8] & 0x3f) | 0x80;
        let hex = uuid.iter().fold(String::with_capacity(32), |mut hex, b| {
            let _ = write!(hex, "{b:02x}");
            hex
        });
        let state = format!(
            "{}-{}-{}-{}-{}",
            &hex[..8],
            &hex[8..12],
            &hex[12..16],
            &hex[16..20],
            &hex[20..]
        );
        Self {
            challenge: challenge(&verifier),
            verifier,
            state,
        }
    }

    /// The code verifier (a secret: sent only in the token exchange).
    pub fn verifier(&self) -> &str {
        &self.verifier
    }

    /// `base64url(SHA-256(verifier))` without padding.
    pub fn challenge(&self) -> &str {
        &self.challenge
    }

    /// The `state` (a UUID v4, lower case).
    pub fn state(&self) -> &str {
        &self.state
    }
}

/// The S256 challenge of `verifier`.
fn challenge(verifier: &str) -> String {
    base64url(digest(&SHA256, verifier.as_bytes()).as_ref())
}

/// Base64 with the URL-safe alphabet and no padding (RFC 4648 §5).
pub(crate) fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            let index = (n >> (18 - 6 * i)) & 0x3f;
            out.push(char::from(ALPHABET[index as usize]));
        }
    }
    out
}

/// The authorize URL (SPEC §19.6 step 4): the OIDC endpoint (its path prefix kept, one
/// trailing `/` dropped) + `/authorize?` and the parameters in the spec's order.
pub fn authorize_url(
    oidc_url: &str,
    client_id: &str,
    redirect_uri: &str,
    secrets: &PkceSecrets,
    scopes: Option<&[String]>,
) -> String {
    let scopes = scopes
        .filter(|s| !s.is_empty())
        .map_or_else(|| "sso:account:access".to_owned(), |s| s.join(" "));
    format!(
        "{}/authorize?response_type=code&client_id={}&redirect_uri={}&state={}&code_challenge_method=S256&scopes={}&code_challenge={}",
        oidc_url.strip_suffix('/').unwrap_or(oidc_url),
        encode_component(client_id),
        encode_component(redirect_uri),
        encode_component(secrets.state()),
        encode_component(&scopes),
        encode_component(secrets.challenge()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_challenge_of_the_spec() {
        let secrets = PkceSecrets::with_verifier("a".repeat(64), [0; 16]);
        assert_eq!(
            secrets.challenge(),
            "_-BU_nrgy23GXDr5th1SCfQ5hR20PQulmXM33xVGaOs"
        );
        assert_eq!(secrets.state(), "00000000-0000-4000-8000-000000000000");
    }

    #[test]
    fn base64url_pads_nothing() {
        assert_eq!(base64url(b""), "");
        assert_eq!(base64url(b"f"), "Zg");
        assert_eq!(base64url(b"fo"), "Zm8");
        assert_eq!(base64url(b"foo"), "Zm9v");
        assert_eq!(base64url(&[0xfb, 0xff]), "-_8");
    }

    #[test]
    fn generated_secrets_have_the_shapes() {
        let a = PkceSecrets::generate().unwrap_or_else(|e| panic!("{e}"));
        let b = PkceSecrets::generate().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(a.verifier().len(), 64);
        assert!(a.verifier().bytes().all(|c| UNRESERVED.contains(&c)));
        assert_ne!(a.verifier(), b.verifier());
        assert_eq!(a.state().len(), 36);
        assert_eq!(&a.state()[14..15], "4");
        assert!(!format!("{a:?}").contains(a.verifier()));
        assert!(!format!("{a:?}").contains(a.state()));
    }

    #[test]
    fn the_authorize_url_in_the_spec_order() {
        let secrets = PkceSecrets::with_verifier("a".repeat(64), [0; 16]);
        assert_eq!(
            authorize_url(
                "https://oidc.eu-west-1.amazonaws.com/",
                "client-1",
                "http://127.0.0.1:8400/oauth/callback",
                &secrets,
                None
            ),
            "https://oidc.eu-west-1.amazonaws.com/authorize?response_type=code&client_id=client-1&redirect_uri=http%3A%2F%2F127.0.0.1%3A8400%2Foauth%2Fcallback&state=00000000-0000-4000-8000-000000000000&code_challenge_method=S256&scopes=sso%3Aaccount%3Aaccess&code_challenge=_-BU_nrgy23GXDr5th1SCfQ5hR20PQulmXM33xVGaOs"
        );
    }
}
