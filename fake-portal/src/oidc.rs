//! The fake SSO-OIDC login (SPEC §19.3, §19.6, §19.7): the clients it registered, the
//! authorization and device codes it issued, and the answers of `RegisterClient`,
//! `Authorize`, `StartDeviceAuthorization` and the token exchange of each grant.
//!
//! What the fake remembers comes from what it serves, scripted or not (as the fake STS
//! trusts every key it hands out): a 2xx `RegisterClient` answer registers its `clientId`
//! with the request's `grantTypes` and `redirectUris`, a 302 `Authorize` answer issues the
//! `code` of its `Location` for the request's client, redirect URI and challenge, and a 2xx
//! `StartDeviceAuthorization` answer issues its `deviceCode` to the request's client.

use std::collections::HashMap;
use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

use serde_json::{Map, Value};

use crate::answer::{Answer, DEFAULT_LOGIN_TOKEN_BODY, DEFAULT_TOKEN_BODY};
use crate::form::{Form, encode_component, query_of};
use crate::operation::Operation;
use crate::request::RecordedRequest;

/// The fixtures' clock (SPEC §13 `now`, 2026-03-01T12:00:00Z) in Unix seconds: the
/// `clientIdIssuedAt` of every registration.
const ISSUED_AT: u64 = 1_772_366_400;

/// `clientSecretExpiresAt` of the registrations the fake issues: the fixtures' clock plus
/// 90 days (2026-05-30T12:00:00Z), as Identity Center grants.
pub const CLIENT_SECRET_EXPIRES_AT: u64 = ISSUED_AT + 90 * 86_400;

/// The `userCode` of every device authorization the fake starts.
pub const USER_CODE: &str = "USER-CODE";

/// The `grantType` of the device code's token exchange (RFC 8628).
pub const DEVICE_CODE_GRANT_TYPE: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// `InvalidGrantException`'s description, as Identity Center words every refused grant.
const INVALID_GRANT: &str = "Invalid grant provided";

/// `InvalidClientException`'s description: an unknown client or a wrong secret.
const INVALID_CLIENT: &str = "Invalid client provided";

/// A registered client: its secret and what it registered.
struct Client {
    secret: String,
    grant_types: Vec<String>,
    redirect_uris: Vec<String>,
}

/// An authorization code the fake issued, and what it was issued for.
struct IssuedCode {
    client_id: String,
    redirect_uri: String,
    challenge: String,
}

/// What the fake SSO-OIDC remembers: registered clients, issued authorization codes (until
/// exchanged), issued device codes (until exchanged), and the counters of the names it
/// issues. `Debug` shows the counts only.
#[derive(Default)]
pub(crate) struct Oidc {
    clients: HashMap<String, Client>,
    codes: HashMap<String, IssuedCode>,
    /// Device code → the client it was issued to.
    device_codes: HashMap<String, String>,
    registered: u64,
    authorized: u64,
    started: u64,
}

impl fmt::Debug for Oidc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Oidc")
            .field("clients", &self.clients.len())
            .field("codes", &self.codes.len())
            .field("device_codes", &self.device_codes.len())
            .field("registered", &self.registered)
            .field("authorized", &self.authorized)
            .field("started", &self.started)
            .finish()
    }
}

impl Oidc {
    /// Restarts the counters (the next client is `client-1`, the next codes `code-1` and
    /// `device-code-1` again); what was registered and issued stays valid.
    pub(crate) fn restart(&mut self) {
        self.registered = 0;
        self.authorized = 0;
        self.started = 0;
    }

    /// The fake SSO-OIDC's answer to `request`, routed to `operation`; `base_url` is the
    /// fake's own URL (the device verification page lives under it).
    pub(crate) fn answer(
        &mut self,
        operation: Operation,
        request: &RecordedRequest,
        base_url: &str,
    ) -> Answer {
        let outcome = match operation {
            Operation::RegisterClient => self.register_client(request),
            Operation::Authorize => Ok(self.authorize(request)),
            Operation::StartDeviceAuthorization => {
                self.start_device_authorization(request, base_url)
            }
            Operation::CreateToken => self.create_token(request),
            _ => Err(refusal(
                "InvalidRequestException",
                "not an SSO-OIDC operation",
            )),
        };
        outcome.unwrap_or_else(|refusal| refusal)
    }

    /// Remembers what an answer the fake serves hands out, scripted or not: a 2xx
    /// `RegisterClient`'s client, a 302 `Authorize`'s code, a 2xx
    /// `StartDeviceAuthorization`'s device code.
    pub(crate) fn note_served(
        &mut self,
        operation: Operation,
        request: &RecordedRequest,
        answer: &Answer,
    ) {
        match operation {
            Operation::RegisterClient if is_success(answer) => {
                let (Some(answer), Some(request)) = (json_object(&answer.body), body(request))
                else {
                    return;
                };
                if let (Some(id), Some(secret)) =
                    (text(&answer, "clientId"), text(&answer, "clientSecret"))
                {
                    self.clients.insert(
                        id.to_owned(),
                        Client {
                            secret: secret.to_owned(),
                            grant_types: texts(&request, "grantTypes"),
                            redirect_uris: texts(&request, "redirectUris"),
                        },
                    );
                }
            }
            Operation::Authorize if answer.status == 302 => {
                let query = Form::parse(query_of(&request.target).as_bytes());
                let code = answer
                    .headers
                    .iter()
                    .find(|(name, _)| name.eq_ignore_ascii_case("location"))
                    .and_then(|(_, location)| {
                        Form::parse(query_of(location).as_bytes())
                            .get("code")
                            .map(str::to_owned)
                    });
                if let (Some(code), Some(client_id), Some(redirect_uri)) =
                    (code, query.get("client_id"), query.get("redirect_uri"))
                {
                    self.codes.insert(
                        code,
                        IssuedCode {
                            client_id: client_id.to_owned(),
                            redirect_uri: redirect_uri.to_owned(),
                            challenge: query.get("code_challenge").unwrap_or("").to_owned(),
                        },
                    );
                }
            }
            Operation::StartDeviceAuthorization if is_success(answer) => {
                let (Some(answer), Some(request)) = (json_object(&answer.body), body(request))
                else {
                    return;
                };
                if let (Some(code), Some(client_id)) =
                    (text(&answer, "deviceCode"), text(&request, "clientId"))
                {
                    self.device_codes
                        .insert(code.to_owned(), client_id.to_owned());
                }
            }
            _ => {}
        }
    }

    /// `RegisterClient`: a `clientName` and `clientType` `public`; a client of the
    /// `authorization_code` grant needs absolute http(s) `redirectUris` and an `issuerUrl`.
    /// Issues `client-<n>` / `csecret-<n>`.
    fn register_client(&mut self, request: &RecordedRequest) -> Result<Answer, Answer> {
        let body = body(request).ok_or_else(invalid_request)?;
        if text(&body, "clientName").is_none() {
            return Err(refusal(
                "InvalidRequestException",
                "clientName must not be empty",
            ));
        }
        if text(&body, "clientType") != Some("public") {
            return Err(refusal(
                "InvalidClientMetadataException",
                "clientType must be public",
            ));
        }
        let grant_types = texts(&body, "grantTypes");
        for grant in &grant_types {
            if ![
                "authorization_code",
                "refresh_token",
                DEVICE_CODE_GRANT_TYPE,
            ]
            .contains(&grant.as_str())
            {
                return Err(refusal(
                    "UnsupportedGrantTypeException",
                    &format!("Unsupported grant type: {grant}"),
                ));
            }
        }
        let redirect_uris = texts(&body, "redirectUris");
        if redirect_uris.iter().any(|uri| {
            RedirectUri::parse(uri).is_none_or(|u| !matches!(u.scheme.as_str(), "http" | "https"))
        }) {
            return Err(refusal(
                "InvalidRedirectUriException",
                "Invalid redirect URI provided",
            ));
        }
        if grant_types.iter().any(|g| g == "authorization_code") {
            if redirect_uris.is_empty() {
                return Err(refusal(
                    "InvalidRedirectUriException",
                    "redirectUris is required for the authorization_code grant",
                ));
            }
            if text(&body, "issuerUrl").is_none() {
                return Err(refusal(
                    "InvalidRequestException",
                    "issuerUrl is required for the authorization_code grant",
                ));
            }
        }
        self.registered += 1;
        let n = self.registered;
        Ok(Answer::json(
            200,
            format!(
                r#"{{"clientId":"client-{n}","clientSecret":"csecret-{n}","clientIdIssuedAt":{ISSUED_AT},"clientSecretExpiresAt":{CLIENT_SECRET_EXPIRES_AT}}}"#
            ),
        ))
    }

    /// `GET /authorize`: the checks of an authorization request with PKCE, then a 302 to
    /// the redirect URI with `code-<n>` and the state; a refusal is a 400 page.
    fn authorize(&mut self, request: &RecordedRequest) -> Answer {
        let query = Form::parse(query_of(&request.target).as_bytes());
        let refuse = |text: &str| Answer::error_page(400, text);
        if query.get("response_type") != Some("code") {
            return refuse("invalid_request: response_type must be code");
        }
        let Some(client) = query.get("client_id").and_then(|id| self.clients.get(id)) else {
            return refuse("invalid_client: unknown client_id");
        };
        if !client.grant_types.iter().any(|g| g == "authorization_code") {
            return refuse(
                "unauthorized_client: the client is not registered for the authorization_code grant",
            );
        }
        let Some(redirect_uri) = query.get("redirect_uri").filter(|uri| {
            client
                .redirect_uris
                .iter()
                .any(|registered| redirect_uri_matches(registered, uri))
        }) else {
            return refuse("invalid_request: redirect_uri is not registered for this client");
        };
        if query.get("code_challenge_method") != Some("S256") {
            return refuse("invalid_request: code_challenge_method must be S256");
        }
        if query.get("code_challenge").is_none_or(str::is_empty) {
            return refuse("invalid_request: code_challenge is missing");
        }
        let Some(state) = query.get("state").filter(|s| !s.is_empty()) else {
            return refuse("invalid_request: state is missing");
        };
        self.authorized += 1;
        let separator = if redirect_uri.contains('?') { '&' } else { '?' };
        let location = format!(
            "{redirect_uri}{separator}code={}&state={}",
            encode_component(&format!("code-{}", self.authorized)),
            encode_component(state),
        );
        Answer::empty(302).header("location", &location)
    }

    /// `StartDeviceAuthorization`: a registered client with its secret and a `startUrl`;
    /// issues `device-code-<n>` with [`USER_CODE`], the verification page
    /// `<base_url>/device`, 600 s and an interval of 1 s.
    fn start_device_authorization(
        &mut self,
        request: &RecordedRequest,
        base_url: &str,
    ) -> Result<Answer, Answer> {
        let body = body(request).ok_or_else(invalid_request)?;
        self.check_client(&body)?;
        if text(&body, "startUrl").is_none() {
            return Err(refusal(
                "InvalidRequestException",
                "startUrl must not be empty",
            ));
        }
        self.started += 1;
        let uri = format!("{base_url}/device");
        Ok(Answer::json(
            200,
            format!(
                r#"{{"deviceCode":"device-code-{}","userCode":"{USER_CODE}","verificationUri":"{uri}","verificationUriComplete":"{uri}?user_code={USER_CODE}","expiresIn":600,"interval":1}}"#,
                self.started
            ),
        ))
    }

    /// The token exchange, by `grantType`: `authorization_code` and the device code's are
    /// checked (the client and its secret, then the grant) and answer
    /// [`DEFAULT_LOGIN_TOKEN_BODY`], each code once; `refresh_token`, no `grantType` or a
    /// body that is not a JSON object answer [`DEFAULT_TOKEN_BODY`] unchecked, as before
    /// the login existed; another grant type is `UnsupportedGrantTypeException`.
    fn create_token(&mut self, request: &RecordedRequest) -> Result<Answer, Answer> {
        let Some(body) = body(request) else {
            return Ok(Answer::json(200, DEFAULT_TOKEN_BODY));
        };
        let login = || Answer::json(200, DEFAULT_LOGIN_TOKEN_BODY);
        match body.get("grantType").and_then(Value::as_str) {
            None | Some("refresh_token") => Ok(Answer::json(200, DEFAULT_TOKEN_BODY)),
            Some("authorization_code") => {
                let client_id = self.check_client(&body)?;
                let code = text(&body, "code").ok_or_else(invalid_grant)?;
                let issued = self.codes.get(code).ok_or_else(invalid_grant)?;
                let verifier = text(&body, "codeVerifier").unwrap_or("");
                if issued.client_id != client_id
                    || text(&body, "redirectUri") != Some(issued.redirect_uri.as_str())
                    || s256_challenge(verifier) != issued.challenge
                {
                    return Err(invalid_grant());
                }
                self.codes.remove(code);
                Ok(login())
            }
            Some(DEVICE_CODE_GRANT_TYPE) => {
                let client_id = self.check_client(&body)?;
                let code = text(&body, "deviceCode").ok_or_else(invalid_grant)?;
                if self.device_codes.get(code).map(String::as_str) != Some(client_id) {
                    return Err(invalid_grant());
                }
                self.device_codes.remove(code);
                Ok(login())
            }
            Some(other) => Err(refusal(
                "UnsupportedGrantTypeException",
                &format!("Unsupported grant type: {other}"),
            )),
        }
    }

    /// `clientId` registered and `clientSecret` its secret, else 401
    /// `InvalidClientException`. Returns the client id.
    fn check_client<'a>(&self, body: &'a Map<String, Value>) -> Result<&'a str, Answer> {
        let id = text(body, "clientId").ok_or_else(invalid_client)?;
        let client = self.clients.get(id).ok_or_else(invalid_client)?;
        if text(body, "clientSecret") != Some(client.secret.as_str()) {
            return Err(invalid_client());
        }
        Ok(id)
    }
}

/// An SSO-OIDC error answer (the OAuth shape, SPEC §4.3).
fn refusal(code: &str, message: &str) -> Answer {
    Answer::service_error(Operation::CreateToken, code, message)
}

fn invalid_grant() -> Answer {
    refusal("InvalidGrantException", INVALID_GRANT)
}

fn invalid_client() -> Answer {
    refusal("InvalidClientException", INVALID_CLIENT)
}

fn invalid_request() -> Answer {
    refusal("InvalidRequestException", "Invalid request")
}

fn is_success(answer: &Answer) -> bool {
    (200..300).contains(&answer.status)
}

/// A JSON object, if `bytes` is one.
fn json_object(bytes: &[u8]) -> Option<Map<String, Value>> {
    match serde_json::from_slice(bytes) {
        Ok(Value::Object(object)) => Some(object),
        _ => None,
    }
}

/// The request's JSON body, if it is an object.
fn body(request: &RecordedRequest) -> Option<Map<String, Value>> {
    json_object(&request.body)
}

/// The non-empty string member `name`.
fn text<'a>(object: &'a Map<String, Value>, name: &str) -> Option<&'a str> {
    object
        .get(name)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

/// The strings of the array member `name` (none when absent or not an array).
fn texts(object: &Map<String, Value>, name: &str) -> Vec<String> {
    object
        .get(name)
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// PKCE S256: base64url(SHA-256(`verifier`)) without padding (RFC 7636 §4.2).
pub(crate) fn s256_challenge(verifier: &str) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, verifier.as_bytes());
    base64url(digest.as_ref())
}

/// base64url without padding (RFC 4648 §5).
fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let byte = |i: usize| usize::from(chunk.get(i).copied().unwrap_or(0));
        let group = (byte(0) << 16) | (byte(1) << 8) | byte(2);
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[(group >> (18 - 6 * i)) & 63]));
        }
    }
    out
}

/// A redirect URI cut into what RFC 8252 §7.3 compares: scheme and host (lower case), port
/// and the rest (path, query) as written.
struct RedirectUri<'a> {
    scheme: String,
    host: String,
    port: Option<&'a str>,
    rest: &'a str,
}

impl<'a> RedirectUri<'a> {
    /// `scheme://host[:port][/path][?query]`; `None` for anything else (no scheme or host,
    /// user information, a fragment, a port that is not digits).
    fn parse(uri: &'a str) -> Option<Self> {
        let (scheme, after) = uri.split_once("://")?;
        if scheme.is_empty() || uri.contains('#') {
            return None;
        }
        let end = after.find(['/', '?']).unwrap_or(after.len());
        let (authority, rest) = after.split_at(end);
        if authority.contains('@') {
            return None;
        }
        let (host, port) = match authority.rfind(':') {
            Some(i) if !authority[i..].contains(']') => {
                (&authority[..i], Some(&authority[i + 1..]))
            }
            _ => (authority, None),
        };
        if host.is_empty()
            || port.is_some_and(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
        {
            return None;
        }
        Some(Self {
            scheme: scheme.to_ascii_lowercase(),
            host: host.to_ascii_lowercase(),
            port,
            rest,
        })
    }

    /// A loopback IP literal (`127.0.0.0/8`, `[::1]`): any port matches it (RFC 8252 §7.3).
    fn is_loopback(&self) -> bool {
        let host = &self.host;
        host.parse::<Ipv4Addr>().is_ok_and(|ip| ip.is_loopback())
            || host
                .strip_prefix('[')
                .and_then(|h| h.strip_suffix(']'))
                .and_then(|h| h.parse::<Ipv6Addr>().ok())
                .is_some_and(|ip| ip.is_loopback())
    }
}

/// Whether `requested` matches the `registered` redirect URI: the same scheme, host, path
/// and query, and the same port unless the host is a loopback IP literal (RFC 8252 §7.3:
/// a native app's loopback listener gets its port at run time).
pub(crate) fn redirect_uri_matches(registered: &str, requested: &str) -> bool {
    let (Some(r), Some(q)) = (
        RedirectUri::parse(registered),
        RedirectUri::parse(requested),
    ) else {
        return false;
    };
    r.scheme == q.scheme
        && r.host == q.host
        && r.rest == q.rest
        && (r.port == q.port || r.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s256_is_the_rfc_7636_challenge() {
        // RFC 7636 appendix B, and SPEC §19.6's example.
        assert_eq!(
            s256_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
        assert_eq!(
            s256_challenge(&"a".repeat(64)),
            "_-BU_nrgy23GXDr5th1SCfQ5hR20PQulmXM33xVGaOs"
        );
        assert_eq!(base64url(b""), "");
        assert_eq!(base64url(b"f"), "Zg");
        assert_eq!(base64url(b"fo"), "Zm8");
        assert_eq!(base64url(b"foo"), "Zm9v");
        assert_eq!(base64url(b"foob"), "Zm9vYg");
        assert_eq!(base64url(&[0xfb, 0xff]), "-_8");
    }

    #[test]
    fn loopback_redirect_uris_match_on_any_port() {
        let registered = "http://127.0.0.1/oauth/callback";
        for ok in [
            "http://127.0.0.1:8400/oauth/callback",
            "http://127.0.0.1/oauth/callback",
            "HTTP://127.0.0.1:1/oauth/callback",
        ] {
            assert!(redirect_uri_matches(registered, ok), "{ok}");
        }
        for bad in [
            "http://127.0.0.1:8400/oauth/callback/",
            "http://127.0.0.1:8400/other",
            "https://127.0.0.1:8400/oauth/callback",
            "http://localhost:8400/oauth/callback",
            "http://127.0.0.2:8400/oauth/callback",
            "http://127.0.0.1:8400/oauth/callback?x=1",
            "http://127.0.0.1:/oauth/callback",
            "http://u@127.0.0.1:8400/oauth/callback",
            "http://127.0.0.1:8400/oauth/callback#f",
            "/oauth/callback",
        ] {
            assert!(!redirect_uri_matches(registered, bad), "{bad}");
        }
        assert!(redirect_uri_matches(
            "http://[::1]/cb",
            "http://[::1]:9000/cb"
        ));
        // Not loopback: the port is compared too.
        assert!(redirect_uri_matches(
            "https://example.com/cb",
            "https://example.com/cb"
        ));
        assert!(!redirect_uri_matches(
            "https://example.com/cb",
            "https://example.com:8443/cb"
        ));
    }

    #[test]
    fn debug_shows_counts_only() {
        let mut oidc = Oidc::default();
        oidc.clients.insert(
            "client-1".to_owned(),
            Client {
                secret: "csecret-1".to_owned(),
                grant_types: Vec::new(),
                redirect_uris: Vec::new(),
            },
        );
        oidc.device_codes
            .insert("device-code-1".to_owned(), "client-1".to_owned());
        assert_eq!(
            format!("{oidc:?}"),
            "Oidc { clients: 1, codes: 0, device_codes: 1, registered: 0, authorized: 0, started: 0 }"
        );
    }
}
