//! Byte-level protocol (SPEC §4): query encoding, the `CreateToken` body, response validation
//! and error code/message extraction.

use std::time::{Duration, SystemTime};

use serde_json::{Map, Value};
use ssokit_http::{ErrorAnswer, encode_component};

use crate::error::{
    DeviceAuthorizationShapeDetail, Error, RegistrationShapeDetail, ShapeDetail, TokenShapeDetail,
};
use crate::model::{
    CreateTokenRequest, CreateTokenResponse, DEVICE_CODE_GRANT_TYPE, Grant,
    REGISTERED_REDIRECT_URI, RegisterClientRequest, RegisterClientResponse, RoleCredentials,
    StartDeviceAuthorizationRequest, StartDeviceAuthorizationResponse,
};

/// `expiresIn` of a device authorization that has none (or one below 1), in seconds.
const DEFAULT_DEVICE_EXPIRES_IN: u64 = 600;
/// `interval` of a device authorization that has none (or one below 1), in seconds.
const DEFAULT_DEVICE_INTERVAL: u64 = 5;

/// `account_id=<a>&role_name=<r>` (keys sorted).
pub(crate) fn role_credentials_query(account_id: &str, role_name: &str) -> String {
    format!(
        "account_id={}&role_name={}",
        encode_component(account_id),
        encode_component(role_name)
    )
}

/// The compact `CreateToken` body of the request's grant, members in exactly the spec's
/// order (SPEC §4.3, §19.6 step 7, §19.7 step 3).
pub(crate) fn create_token_body(request: &CreateTokenRequest) -> String {
    let client_id = json_string(&request.client_id);
    let client_secret = json_string(&request.client_secret);
    match &request.grant {
        Grant::RefreshToken(refresh_token) => format!(
            "{{\"clientId\":{client_id},\"clientSecret\":{client_secret},\"refreshToken\":{},\"grantType\":\"refresh_token\"}}",
            json_string(refresh_token),
        ),
        Grant::AuthorizationCode {
            code,
            code_verifier,
            redirect_uri,
        } => format!(
            "{{\"clientId\":{client_id},\"clientSecret\":{client_secret},\"grantType\":\"authorization_code\",\"code\":{},\"codeVerifier\":{},\"redirectUri\":{}}}",
            json_string(code),
            json_string(code_verifier),
            json_string(redirect_uri),
        ),
        Grant::DeviceCode(device_code) => format!(
            "{{\"clientId\":{client_id},\"clientSecret\":{client_secret},\"grantType\":\"{DEVICE_CODE_GRANT_TYPE}\",\"deviceCode\":{}}}",
            json_string(device_code),
        ),
    }
}

/// The compact `RegisterClient` body (SPEC §19.3): `clientName`, `clientType`, then for an
/// authorization-code client `scopes`, `grantTypes`, `redirectUris` and `issuerUrl`, for a
/// device-code client `scopes` when configured.
pub(crate) fn register_client_body(request: &RegisterClientRequest) -> String {
    let mut body = format!(
        "{{\"clientName\":{},\"clientType\":\"public\"",
        json_string(&request.client_name)
    );
    if let Some(scopes) = request.scopes() {
        body.push_str(",\"scopes\":");
        body.push_str(&json_array(scopes));
    }
    if let Some(issuer_url) = request.issuer_url() {
        body.push_str(",\"grantTypes\":");
        body.push_str(&json_array(request.grant_types()));
        body.push_str(",\"redirectUris\":");
        body.push_str(&json_array(&[REGISTERED_REDIRECT_URI]));
        body.push_str(",\"issuerUrl\":");
        body.push_str(&json_string(issuer_url));
    }
    body.push('}');
    body
}

/// The compact `StartDeviceAuthorization` body (SPEC §19.7 step 1).
pub(crate) fn device_authorization_body(request: &StartDeviceAuthorizationRequest) -> String {
    format!(
        "{{\"clientId\":{},\"clientSecret\":{},\"startUrl\":{}}}",
        json_string(&request.client_id),
        json_string(&request.client_secret),
        json_string(&request.start_url),
    )
}

/// A compact JSON array of strings.
fn json_array<S: AsRef<str>>(items: &[S]) -> String {
    let items: Vec<String> = items.iter().map(|i| json_string(i.as_ref())).collect();
    format!("[{}]", items.join(","))
}

fn json_string(value: &str) -> String {
    Value::String(value.to_owned()).to_string()
}

/// Parses a 2xx body. `Ok(None)` for an empty (or whitespace-only) body; `Err(())` when it
/// is not JSON.
fn parse_json(body: &[u8]) -> Result<Option<Value>, ()> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    serde_json::from_slice(body).map(Some).map_err(|_| ())
}

/// Validates a 2xx `GetRoleCredentials` body (SPEC §4.2). `invalid_json` builds N-JSON.
pub(crate) fn parse_role_credentials(
    body: &[u8],
    invalid_json: impl FnOnce() -> Error,
) -> Result<RoleCredentials, Error> {
    let shape = |d| Error::InvalidCredentials(d);
    let value = parse_json(body).map_err(|()| invalid_json())?;
    let object = match value {
        None => return Err(shape(ShapeDetail::MissingRoleCredentials)),
        Some(Value::Object(object)) => object,
        Some(_) => return Err(shape(ShapeDetail::NotAnObject)),
    };
    let Some(Value::Object(creds)) = object.get("roleCredentials") else {
        return Err(shape(ShapeDetail::MissingRoleCredentials));
    };
    let field = |name: &'static str| -> Result<String, Error> {
        match creds.get(name) {
            Some(Value::String(s)) if !s.is_empty() => Ok(s.clone()),
            _ => Err(shape(ShapeDetail::MissingField(name))),
        }
    };
    let access_key_id = field("accessKeyId")?;
    let secret_access_key = field("secretAccessKey")?;
    let session_token = field("sessionToken")?;
    let expiration_millis = match creds.get("expiration") {
        None | Some(Value::Null) => return Err(shape(ShapeDetail::MissingField("expiration"))),
        Some(Value::String(s)) if s.is_empty() => {
            return Err(shape(ShapeDetail::MissingField("expiration")));
        }
        Some(Value::Number(n)) => n.as_u64(),
        Some(Value::String(s)) if s.bytes().all(|b| b.is_ascii_digit()) => s.parse::<u64>().ok(),
        Some(_) => None,
    }
    .filter(|ms| *ms > 0)
    .ok_or_else(|| shape(ShapeDetail::InvalidExpiration))?;
    let expiration = SystemTime::UNIX_EPOCH
        .checked_add(Duration::from_millis(expiration_millis))
        .ok_or_else(|| shape(ShapeDetail::InvalidExpiration))?;
    Ok(RoleCredentials {
        access_key_id,
        secret_access_key,
        session_token,
        expiration_millis,
        expiration,
    })
}

/// Validates a 2xx `CreateToken` body (SPEC §4.3).
pub(crate) fn parse_create_token(
    body: &[u8],
    invalid_json: impl FnOnce() -> Error,
) -> Result<CreateTokenResponse, Error> {
    let value = parse_json(body).map_err(|()| invalid_json())?;
    let empty = Map::new();
    let object = match &value {
        Some(Value::Object(object)) => object,
        _ => &empty,
    };
    let access_token = match object.get("accessToken") {
        Some(Value::String(s)) if !s.is_empty() => s.clone(),
        _ => return Err(Error::InvalidToken(TokenShapeDetail::MissingAccessToken)),
    };
    let expires_in = object
        .get("expiresIn")
        .and_then(Value::as_u64)
        .filter(|s| *s > 0)
        .ok_or(Error::InvalidToken(TokenShapeDetail::MissingExpiresIn))?;
    let refresh_token = match object.get("refreshToken") {
        Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
        _ => None,
    };
    Ok(CreateTokenResponse {
        access_token,
        expires_in: Duration::from_secs(expires_in),
        refresh_token,
    })
}

/// The members of a 2xx body that should be an object: none for an empty body or another
/// JSON value (the shape checks then name the first missing member).
fn object_members(
    body: &[u8],
    invalid_json: impl FnOnce() -> Error,
) -> Result<Map<String, Value>, Error> {
    match parse_json(body).map_err(|()| invalid_json())? {
        Some(Value::Object(object)) => Ok(object),
        _ => Ok(Map::new()),
    }
}

/// The non-empty string member `name`.
fn non_empty(object: &Map<String, Value>, name: &str) -> Option<String> {
    match object.get(name) {
        Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
        _ => None,
    }
}

/// Validates a 2xx `RegisterClient` body (SPEC §19.3).
pub(crate) fn parse_register_client(
    body: &[u8],
    invalid_json: impl FnOnce() -> Error,
) -> Result<RegisterClientResponse, Error> {
    let object = object_members(body, invalid_json)?;
    let shape = Error::InvalidRegistration;
    let client_id =
        non_empty(&object, "clientId").ok_or(shape(RegistrationShapeDetail::MissingClientId))?;
    let client_secret = non_empty(&object, "clientSecret")
        .ok_or(shape(RegistrationShapeDetail::MissingClientSecret))?;
    let (client_secret_expires_at, expires_at) = object
        .get("clientSecretExpiresAt")
        .and_then(Value::as_u64)
        .filter(|s| *s > 0)
        .and_then(|s| {
            Some((
                s,
                SystemTime::UNIX_EPOCH.checked_add(Duration::from_secs(s))?,
            ))
        })
        .ok_or(shape(RegistrationShapeDetail::MissingExpiresAt))?;
    Ok(RegisterClientResponse {
        client_id,
        client_secret,
        client_secret_expires_at,
        expires_at,
    })
}

/// Validates a 2xx `StartDeviceAuthorization` body (SPEC §19.7 step 1).
pub(crate) fn parse_device_authorization(
    body: &[u8],
    invalid_json: impl FnOnce() -> Error,
) -> Result<StartDeviceAuthorizationResponse, Error> {
    let object = object_members(body, invalid_json)?;
    let shape = Error::InvalidDeviceAuthorization;
    let device_code = non_empty(&object, "deviceCode")
        .ok_or(shape(DeviceAuthorizationShapeDetail::MissingDeviceCode))?;
    let user_code = non_empty(&object, "userCode")
        .ok_or(shape(DeviceAuthorizationShapeDetail::MissingUserCode))?;
    let verification_uri = non_empty(&object, "verificationUri").ok_or(shape(
        DeviceAuthorizationShapeDetail::MissingVerificationUri,
    ))?;
    let seconds = |name: &str, default: u64| {
        let seconds = object
            .get(name)
            .and_then(Value::as_u64)
            .filter(|s| *s >= 1)
            .unwrap_or(default);
        Duration::from_secs(seconds)
    };
    Ok(StartDeviceAuthorizationResponse {
        device_code,
        user_code,
        verification_uri,
        verification_uri_complete: non_empty(&object, "verificationUriComplete"),
        expires_in: seconds("expiresIn", DEFAULT_DEVICE_EXPIRES_IN),
        interval: seconds("interval", DEFAULT_DEVICE_INTERVAL),
    })
}

/// The error code and message of a non-2xx response (SPEC §4.4).
pub(crate) fn error_code_and_message(
    status: u16,
    reason: Option<&str>,
    error_type: Option<&str>,
    body: &[u8],
) -> (String, String) {
    let json: Option<Map<String, Value>> = match serde_json::from_slice(body) {
        Ok(Value::Object(map)) => Some(map),
        _ => None,
    };
    let text = |name: &str| -> Option<&str> {
        json.as_ref()?.get(name)?.as_str().filter(|s| !s.is_empty())
    };
    let after_hash = |s: &str| s.rsplit('#').next().unwrap_or(s).to_owned();
    let code = error_type
        .map(|h| h.split(':').next().unwrap_or(h).trim())
        .filter(|h| !h.is_empty())
        .map(after_hash)
        .or_else(|| {
            ["__type", "code", "Code"]
                .iter()
                .find_map(|k| text(k))
                .map(after_hash)
        })
        .filter(|c| !c.is_empty())
        .or_else(|| text("error").map(|e| format!("{}Exception", pascal_case(e))))
        .unwrap_or_else(|| "UnknownError".to_owned());
    let message = ["message", "Message", "error_description"]
        .iter()
        .find_map(|k| text(k))
        .or(reason.filter(|r| !r.is_empty()))
        .map_or_else(|| format!("HTTP {status}"), str::to_owned);
    (code, message)
}

/// `invalid_grant` → `InvalidGrant`.
fn pascal_case(snake: &str) -> String {
    snake
        .split('_')
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_uppercase().chain(chars).collect()
            })
        })
        .collect()
}

/// The SSO services' error reader for the HTTP stack: `x-amzn-ErrorType` and the JSON
/// body (SPEC §4.4).
pub(crate) fn read_error(answer: &ErrorAnswer<'_>) -> (String, String) {
    error_code_and_message(
        answer.status(),
        answer.reason(),
        answer.header("x-amzn-errortype"),
        answer.body(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Operation;

    fn nj() -> Error {
        Error::InvalidJson {
            operation: Operation::GetRoleCredentials,
            url: "u".into(),
            status: 200,
        }
    }

    #[test]
    fn strict_rfc3986() {
        assert_eq!(
            role_credentials_query("0123", "Role+Name/é x"),
            "account_id=0123&role_name=Role%2BName%2F%C3%A9%20x"
        );
    }

    #[test]
    fn create_token_body_is_compact_and_ordered() {
        let body = create_token_body(&CreateTokenRequest::refresh("cid", "csecret", "rt-1"));
        assert_eq!(
            body,
            r#"{"clientId":"cid","clientSecret":"csecret","refreshToken":"rt-1","grantType":"refresh_token"}"#
        );
        let body = create_token_body(&CreateTokenRequest::refresh("c\"i", "s\\", "r\n"));
        assert_eq!(
            body,
            r#"{"clientId":"c\"i","clientSecret":"s\\","refreshToken":"r\n","grantType":"refresh_token"}"#
        );
    }

    #[test]
    fn login_bodies_are_compact_ordered_and_escaped() {
        let code = CreateTokenRequest::authorization_code(
            "c\"i",
            "s\\",
            "co\nde",
            "v",
            "http://127.0.0.1:1/oauth/callback",
        );
        assert_eq!(
            create_token_body(&code),
            r#"{"clientId":"c\"i","clientSecret":"s\\","grantType":"authorization_code","code":"co\nde","codeVerifier":"v","redirectUri":"http://127.0.0.1:1/oauth/callback"}"#
        );
        assert_eq!(
            create_token_body(&CreateTokenRequest::device_code("cid", "cs", "dc")),
            r#"{"clientId":"cid","clientSecret":"cs","grantType":"urn:ietf:params:oauth:grant-type:device_code","deviceCode":"dc"}"#
        );
        let pkce =
            RegisterClientRequest::authorization_code("ssokit-client-\u{e9}\"", "https://x/start")
                .with_scopes(["a", "b\\"]);
        assert_eq!(
            register_client_body(&pkce),
            r#"{"clientName":"ssokit-client-é\"","clientType":"public","scopes":["a","b\\"],"grantTypes":["authorization_code","refresh_token"],"redirectUris":["http://127.0.0.1/oauth/callback"],"issuerUrl":"https://x/start"}"#
        );
        assert_eq!(
            device_authorization_body(&StartDeviceAuthorizationRequest::new("c", "s", "u")),
            r#"{"clientId":"c","clientSecret":"s","startUrl":"u"}"#
        );
    }

    #[test]
    fn login_answers_validation() {
        let r = parse_register_client(
            br#"{"clientId":"c","clientSecret":"s","clientSecretExpiresAt":1780142400}"#,
            nj,
        )
        .unwrap();
        assert_eq!(
            (
                r.client_id(),
                r.client_secret(),
                r.client_secret_expires_at()
            ),
            ("c", "s", 1_780_142_400)
        );
        assert_eq!(
            parse_register_client(br#"{"clientId":"c"}"#, nj)
                .unwrap_err()
                .to_string(),
            "RegisterClient response lacks clientSecret"
        );
        let d = parse_device_authorization(
            br#"{"deviceCode":"d","userCode":"u","verificationUri":"v","verificationUriComplete":"vc","expiresIn":300,"interval":2}"#,
            nj,
        )
        .unwrap();
        assert_eq!(
            (
                d.device_code(),
                d.user_code(),
                d.verification_uri(),
                d.verification_uri_complete(),
                d.expires_in().as_secs(),
                d.interval().as_secs()
            ),
            ("d", "u", "v", Some("vc"), 300, 2)
        );
        assert!(matches!(
            parse_device_authorization(b"<html>", nj),
            Err(Error::InvalidJson { status: 200, .. })
        ));
    }

    #[test]
    fn role_credentials_validation() {
        let ok = br#"{"roleCredentials":{"accessKeyId":"A","secretAccessKey":"S","sessionToken":"T","expiration":1772370000000},"x":1}"#;
        let c = parse_role_credentials(ok, nj).unwrap();
        assert_eq!(
            (
                c.access_key_id(),
                c.secret_access_key(),
                c.session_token(),
                c.expiration_millis()
            ),
            ("A", "S", "T", 1_772_370_000_000)
        );
        let s = br#"{"roleCredentials":{"accessKeyId":"A","secretAccessKey":"S","sessionToken":"T","expiration":"1772370000000"}}"#;
        assert_eq!(
            parse_role_credentials(s, nj).unwrap().expiration_millis(),
            1_772_370_000_000
        );
        let detail = |body: &str| match parse_role_credentials(body.as_bytes(), nj) {
            Err(Error::InvalidCredentials(d)) => d.to_string(),
            other => format!("{other:?}"),
        };
        assert_eq!(detail(""), "roleCredentials is missing");
        assert_eq!(detail(" \n"), "roleCredentials is missing");
        assert_eq!(detail("{}"), "roleCredentials is missing");
        assert_eq!(
            detail(r#"{"roleCredentials":null}"#),
            "roleCredentials is missing"
        );
        assert_eq!(detail("[1]"), "response is not a JSON object");
        assert_eq!(
            detail(r#"{"roleCredentials":{}}"#),
            "roleCredentials.accessKeyId is missing or empty"
        );
        assert_eq!(
            detail(
                r#"{"roleCredentials":{"accessKeyId":"A","secretAccessKey":"","sessionToken":"T","expiration":1}}"#
            ),
            "roleCredentials.secretAccessKey is missing or empty"
        );
        assert_eq!(
            detail(
                r#"{"roleCredentials":{"accessKeyId":"A","secretAccessKey":"S","expiration":1}}"#
            ),
            "roleCredentials.sessionToken is missing or empty"
        );
        assert_eq!(
            detail(
                r#"{"roleCredentials":{"accessKeyId":"A","secretAccessKey":"S","sessionToken":"T"}}"#
            ),
            "roleCredentials.expiration is missing or empty"
        );
        for bad in [
            r#""2026-01-01T00:00:00Z""#,
            "0",
            "-1",
            "1.5",
            r#""0""#,
            r#""12a""#,
            "true",
            "1e3",
            r#"" 12""#,
        ] {
            let body = format!(
                r#"{{"roleCredentials":{{"accessKeyId":"A","secretAccessKey":"S","sessionToken":"T","expiration":{bad}}}}}"#
            );
            assert_eq!(
                detail(&body),
                "roleCredentials.expiration is not a positive integer",
                "{bad}"
            );
        }
        assert!(matches!(
            parse_role_credentials(b"<html>", nj),
            Err(Error::InvalidJson { status: 200, .. })
        ));
    }

    #[test]
    fn create_token_validation() {
        let t = parse_create_token(br#"{"accessToken":"at-2","tokenType":"Bearer","expiresIn":3600,"refreshToken":"rt-2","idToken":"x"}"#, nj).unwrap();
        assert_eq!(
            (
                t.access_token(),
                t.expires_in().as_secs(),
                t.refresh_token()
            ),
            ("at-2", 3600, Some("rt-2"))
        );
        let t = parse_create_token(
            br#"{"accessToken":"at-2","expiresIn":1,"refreshToken":""}"#,
            nj,
        )
        .unwrap();
        assert_eq!(t.refresh_token(), None);
        let text = |b: &str| {
            parse_create_token(b.as_bytes(), nj)
                .unwrap_err()
                .to_string()
        };
        assert_eq!(text(""), "CreateToken response lacks accessToken");
        assert_eq!(
            text(r#"{"accessToken":""}"#),
            "CreateToken response lacks accessToken"
        );
        assert_eq!(
            text(r#"{"accessToken":"a"}"#),
            "CreateToken response lacks a positive expiresIn"
        );
        assert_eq!(
            text(r#"{"accessToken":"a","expiresIn":0}"#),
            "CreateToken response lacks a positive expiresIn"
        );
        assert_eq!(
            text(r#"{"accessToken":"a","expiresIn":"3600"}"#),
            "CreateToken response lacks a positive expiresIn"
        );
    }

    #[test]
    fn error_codes_and_messages() {
        let cm = |status, reason, header, body: &str| {
            error_code_and_message(status, reason, header, body.as_bytes())
        };
        let s = |c: &str, m: &str| (c.to_owned(), m.to_owned());
        assert_eq!(
            cm(
                400,
                Some("Bad Request"),
                Some(
                    "InvalidGrantException:http://internal.amazon.com/coral/com.amazonaws.sso.oidc/"
                ),
                r#"{"error":"invalid_grant","error_description":"Invalid refresh token provided"}"#
            ),
            s("InvalidGrantException", "Invalid refresh token provided")
        );
        assert_eq!(
            cm(
                400,
                None,
                None,
                r#"{"error":"invalid_grant","error_description":"Invalid refresh token provided"}"#
            ),
            s("InvalidGrantException", "Invalid refresh token provided")
        );
        assert_eq!(
            cm(400, None, None, r#"{"error":"authorization_pending"}"#),
            s("AuthorizationPendingException", "HTTP 400")
        );
        assert_eq!(
            cm(
                403,
                Some("Forbidden"),
                None,
                r#"{"__type":"com.amazonaws.sso#ForbiddenException","message":"No access"}"#
            ),
            s("ForbiddenException", "No access")
        );
        assert_eq!(
            cm(
                400,
                None,
                Some("aws.protocoltests#FooError:http://x"),
                r#"{"Message":"m"}"#
            ),
            s("FooError", "m")
        );
        assert_eq!(
            cm(400, None, None, r#"{"code":"a#B","Message":"m"}"#),
            s("B", "m")
        );
        assert_eq!(cm(400, None, None, r#"{"Code":"C"}"#), s("C", "HTTP 400"));
        assert_eq!(
            cm(404, Some("Not Found"), None, ""),
            s("UnknownError", "Not Found")
        );
        assert_eq!(
            cm(500, Some("Internal Server Error"), None, ""),
            s("UnknownError", "Internal Server Error")
        );
        assert_eq!(
            cm(503, Some("Service Unavailable"), None, "<html>busy</html>"),
            s("UnknownError", "Service Unavailable")
        );
        assert_eq!(cm(599, None, None, ""), s("UnknownError", "HTTP 599"));
        assert_eq!(
            cm(
                401,
                Some("Unauthorized"),
                Some("UnauthorizedException"),
                r#"{"message":"Session token not found or invalid"}"#
            ),
            s(
                "UnauthorizedException",
                "Session token not found or invalid"
            )
        );
    }
}
