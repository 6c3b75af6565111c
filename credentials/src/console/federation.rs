//! The AWS sign-in federation endpoint's `getSigninToken` (SPEC §24 step 3), on the one
//! HTTP stack: the credentials as the `Session` JSON, the answer's `SigninToken`. The
//! session JSON and the sign-in token are secrets: neither reaches a `Debug`, an error or a
//! trace (the trace shows `Session=** redacted **`), and the answer's body is never shown.

use std::fmt;

use ssokit_http::{Attempts, Endpoint, Error as HttpError, HttpClient, Method, Request};

use crate::error::{CredentialsError, ErrorCode};
use crate::types::{Credentials, REDACTED};

/// The operation's name in every message.
const OPERATION: &str = "getSigninToken";
/// The federation endpoint's path, after the endpoint's own path.
pub(crate) const FEDERATION_PATH: &str = "/federation";

/// A sign-in token: one console sign-in for whoever holds it, for 15 minutes. `Debug`
/// shows `** redacted **`.
pub(crate) struct SigninToken(String);

impl fmt::Debug for SigninToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SigninToken({REDACTED})")
    }
}

impl SigninToken {
    /// The token itself (it goes only into the login URL).
    pub(crate) fn secret(&self) -> &str {
        &self.0
    }
}

/// The `Session` value: compact `{"sessionId":…,"sessionKey":…,"sessionToken":…}`, `None`
/// without a session token.
fn session_json(credentials: &Credentials) -> Option<String> {
    let token = credentials.session_token().filter(|t| !t.is_empty())?;
    let string = |s: &str| serde_json::Value::String(s.to_owned()).to_string();
    Some(format!(
        "{{\"sessionId\":{},\"sessionKey\":{},\"sessionToken\":{}}}",
        string(credentials.access_key_id()),
        string(credentials.secret_access_key()),
        string(token)
    ))
}

/// The query: `Action=getSigninToken[&SessionDuration=<n>]&Session=<json>` (values
/// encoded strictly), and the same with `Session=** redacted **` for the trace.
fn query(session: &str, duration: Option<u32>) -> (String, String) {
    let duration = duration.map_or_else(String::new, |n| format!("&SessionDuration={n}"));
    let head = format!("Action=getSigninToken{duration}");
    (
        format!("{head}&Session={}", ssokit_http::encode_component(session)),
        format!("{head}&Session={REDACTED}"),
    )
}

/// `getSigninToken` at `<endpoint>/federation` with `credentials` (which must hold a
/// session token: callers check C-STATIC first) and, when given, `SessionDuration`. 200 with
/// a JSON object holding a non-empty string `SigninToken`, else C-SHAPE; another status
/// C-HTTP (after the §6 retries of 5xx and 429); N-IO, N-TIMEOUT, N-BODY as the stack words
/// them (the URL without its query).
pub(crate) async fn get_signin_token(
    http: &HttpClient,
    endpoint: &Endpoint,
    credentials: &Credentials,
    duration: Option<u32>,
) -> Result<SigninToken, CredentialsError> {
    let session = session_json(credentials).ok_or_else(|| {
        CredentialsError::failed(
            ErrorCode::Console,
            "getSigninToken needs temporary credentials (a session token)",
        )
    })?;
    let (query, shown) = query(&session, duration);
    let request = Request::new(OPERATION, Method::Get, endpoint, FEDERATION_PATH).query(query);
    tracing::debug!(url = %format!("{}?{shown}", request.url()), "calling getSigninToken");
    let response = http.send(&request).await.map_err(http_error)?;
    if response.status() != 200 {
        return Err(CredentialsError::failed(
            ErrorCode::Console,
            format!("getSigninToken failed: HTTP {}", response.status()),
        ));
    }
    read_token(response.body())
}

/// C-HTTP for an answer with an error status (its body never shown); the stack's own text
/// otherwise.
fn http_error(e: HttpError) -> CredentialsError {
    let message = match e.as_service() {
        Some(service) => format!(
            "getSigninToken failed: HTTP {}{}",
            service.status(),
            Attempts(service.attempts())
        ),
        None => e.to_string(),
    };
    let code = if e.as_service().is_some() {
        ErrorCode::Console
    } else {
        ErrorCode::Transport
    };
    CredentialsError::failed(code, message).caused_by(e)
}

/// The `SigninToken` of a 200 answer, else C-SHAPE.
fn read_token(body: &[u8]) -> Result<SigninToken, CredentialsError> {
    serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|json| match json.get("SigninToken") {
            Some(serde_json::Value::String(token)) if !token.is_empty() => {
                Some(SigninToken(token.clone()))
            }
            _ => None,
        })
        .ok_or_else(|| {
            CredentialsError::failed(
                ErrorCode::Console,
                "getSigninToken response lacks SigninToken",
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn credentials(token: Option<&str>) -> Credentials {
        Credentials::new(
            "ASIAMOCKACCESSKEY",
            "mock\"Secret/Key",
            token.map(str::to_owned),
            None,
            "Sso",
        )
    }

    #[test]
    fn the_session_is_compact_json_in_the_spec_order() {
        assert_eq!(
            session_json(&credentials(Some("tok+en"))).unwrap(),
            r#"{"sessionId":"ASIAMOCKACCESSKEY","sessionKey":"mock\"Secret/Key","sessionToken":"tok+en"}"#
        );
        assert_eq!(session_json(&credentials(None)), None);
        assert_eq!(session_json(&credentials(Some(""))), None);
    }

    #[test]
    fn the_query_has_session_duration_only_when_asked_and_the_trace_no_session() {
        let (sent, shown) = query(r#"{"a":"b c"}"#, None);
        assert_eq!(
            sent,
            "Action=getSigninToken&Session=%7B%22a%22%3A%22b%20c%22%7D"
        );
        assert_eq!(shown, "Action=getSigninToken&Session=** redacted **");
        let (sent, shown) = query("{}", Some(3600));
        assert_eq!(
            sent,
            "Action=getSigninToken&SessionDuration=3600&Session=%7B%7D"
        );
        assert_eq!(
            shown,
            "Action=getSigninToken&SessionDuration=3600&Session=** redacted **"
        );
    }

    #[test]
    fn the_answer_needs_a_non_empty_string_signin_token() {
        assert_eq!(
            read_token(br#"{"SigninToken":"st-1","x":1}"#)
                .unwrap()
                .secret(),
            "st-1"
        );
        for body in [
            &b""[..],
            b"<html>",
            b"[]",
            b"{}",
            br#"{"SigninToken":""}"#,
            br#"{"SigninToken":1}"#,
            br#"{"signintoken":"st-1"}"#,
        ] {
            assert_eq!(
                read_token(body).unwrap_err().to_string(),
                "getSigninToken response lacks SigninToken",
                "{}",
                String::from_utf8_lossy(body)
            );
        }
        let token = read_token(br#"{"SigninToken":"st-1"}"#).unwrap();
        assert_eq!(format!("{token:?}"), "SigninToken(** redacted **)");
    }
}
