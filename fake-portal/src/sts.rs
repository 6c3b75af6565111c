//! The fake STS: the keys it trusts and issues, the SigV4 check of `AssumeRole` (with
//! `ssokit-sigv4`), and the answers of `AssumeRole` and `AssumeRoleWithWebIdentity` in STS's
//! wire format (query protocol, XML).

use std::collections::HashMap;
use std::fmt;

use jiff::Timestamp;
use ssokit_sigv4::{SignableRequest, SigningKeys, SigningParams, sign};

use crate::answer::{Answer, DEFAULT_CREDENTIALS_BODY, STS_NAMESPACE, request_id};
use crate::form::Form;
use crate::operation::Operation;
use crate::request::RecordedRequest;
use crate::xml;

/// The expiration of every key the fake STS issues: the fixtures' clock plus one hour, as the
/// SSO defaults.
pub(crate) const EXPIRATION: &str = "2026-03-01T13:00:00Z";

/// `MissingAuthenticationToken`'s message.
const MISSING_TOKEN: &str = "Request is missing Authentication Token";

/// `InvalidClientTokenId`'s message: an unknown key, or a session token that is not the key's.
const INVALID_TOKEN: &str = "The security token included in the request is invalid.";

/// `SignatureDoesNotMatch`'s message.
const SIGNATURE_MISMATCH: &str = "The request signature we calculated does not match the \
    signature you provided. Check your AWS Secret Access Key and signing method. Consult the \
    service documentation for details.";

/// `InvalidIdentityToken`'s message for a token the fake cannot use (an empty one).
const UNUSABLE_IDENTITY_TOKEN: &str = "Couldn't retrieve verification key from your identity \
    provider,  please reference AssumeRoleWithWebIdentity documentation for requirements";

/// SPEC §18's static keys, trusted by every fake.
pub const STATIC_KEYS: [(&str, &str); 3] = [
    ("AKIDBASE", "base-secret"),
    ("AKIDA", "a-secret"),
    ("AKIDB", "b-secret"),
];

/// The secret half of a trusted key.
struct Secret {
    secret_access_key: String,
    session_token: Option<String>,
}

/// The keys the fake STS accepts signatures of, and the counters of what it issued.
/// `Debug` shows the key ids only.
pub(crate) struct Keyring {
    trusted: HashMap<String, Secret>,
    /// Keys issued by `AssumeRole` (`ASIASTS<n>`).
    assumed: u64,
    /// Keys issued by `AssumeRoleWithWebIdentity` (`ASIAWEB<n>`).
    federated: u64,
    /// STS requests answered (their request ids).
    answered: u64,
}

impl fmt::Debug for Keyring {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut ids: Vec<&str> = self.trusted.keys().map(String::as_str).collect();
        ids.sort_unstable();
        f.debug_struct("Keyring")
            .field("trusted", &ids)
            .field("assumed", &self.assumed)
            .field("federated", &self.federated)
            .finish_non_exhaustive()
    }
}

impl Default for Keyring {
    /// Trusts the keys of the default `GetRoleCredentials` answer, which the fake hands out,
    /// and SPEC §18's static keys `AKIDBASE`, `AKIDA`, `AKIDB` (`base-secret`, `a-secret`,
    /// `b-secret`, no session token).
    fn default() -> Self {
        let mut keyring = Self {
            trusted: HashMap::new(),
            assumed: 0,
            federated: 0,
            answered: 0,
        };
        keyring.trust_served(
            Operation::GetRoleCredentials,
            &Answer::json(200, DEFAULT_CREDENTIALS_BODY),
        );
        for (id, secret) in STATIC_KEYS {
            keyring.trust(id, secret, None);
        }
        keyring
    }
}

/// Why the fake STS refuses a request: STS's status, code and message.
#[derive(Debug)]
struct Refusal {
    status: u16,
    code: &'static str,
    message: String,
}

impl Refusal {
    fn new(status: u16, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
        }
    }

    fn invalid_token() -> Self {
        Self::new(403, "InvalidClientTokenId", INVALID_TOKEN)
    }

    fn signature(message: impl Into<String>) -> Self {
        Self::new(403, "SignatureDoesNotMatch", message)
    }

    fn incomplete(message: impl Into<String>) -> Self {
        Self::new(400, "IncompleteSignature", message)
    }

    fn validation(message: impl Into<String>) -> Self {
        Self::new(400, "ValidationError", message)
    }
}

impl Keyring {
    /// Accepts signatures by `access_key_id` (replacing what it knew of that id).
    pub(crate) fn trust(
        &mut self,
        access_key_id: &str,
        secret_access_key: &str,
        session_token: Option<&str>,
    ) {
        self.trusted.insert(
            access_key_id.to_owned(),
            Secret {
                secret_access_key: secret_access_key.to_owned(),
                session_token: session_token.map(str::to_owned),
            },
        );
    }

    /// Restarts the counters (issued keys and request ids); trusted keys stay trusted.
    pub(crate) fn restart(&mut self) {
        self.assumed = 0;
        self.federated = 0;
        self.answered = 0;
    }

    /// Trusts the keys of a credentials answer the fake serves (a 2xx `GetRoleCredentials`
    /// JSON, STS XML, IMDS or container credentials JSON answer, scripted or not), so that
    /// what it hands out can sign.
    pub(crate) fn trust_served(&mut self, operation: Operation, answer: &Answer) {
        if !(200..300).contains(&answer.status) {
            return;
        }
        let (id, secret, token) = match operation {
            Operation::GetRoleCredentials => {
                let Ok(json) = serde_json::from_slice::<serde_json::Value>(&answer.body) else {
                    return;
                };
                let field = |name: &str| json["roleCredentials"][name].as_str().map(str::to_owned);
                (
                    field("accessKeyId"),
                    field("secretAccessKey"),
                    field("sessionToken"),
                )
            }
            Operation::AssumeRole | Operation::AssumeRoleWithWebIdentity => {
                let text = String::from_utf8_lossy(&answer.body);
                let field = |name: &str| xml::element_text(&text, name);
                (
                    field("AccessKeyId"),
                    field("SecretAccessKey"),
                    field("SessionToken"),
                )
            }
            Operation::ImdsExtendedCredentials
            | Operation::ImdsCredentials
            | Operation::ContainerCredentials => {
                let Ok(json) = serde_json::from_slice::<serde_json::Value>(&answer.body) else {
                    return;
                };
                let field = |name: &str| json[name].as_str().map(str::to_owned);
                (
                    field("AccessKeyId"),
                    field("SecretAccessKey"),
                    field("Token"),
                )
            }
            Operation::CreateToken
            | Operation::RegisterClient
            | Operation::Authorize
            | Operation::StartDeviceAuthorization
            | Operation::Logout
            | Operation::ListAccounts
            | Operation::ListAccountRoles
            | Operation::ImdsToken
            | Operation::ImdsExtendedRoles
            | Operation::ImdsRoles
            | Operation::GetSigninToken
            | Operation::ConsoleLogin => return,
        };
        if let (Some(id), Some(secret)) = (id, secret)
            && !id.is_empty()
        {
            self.trust(&id, &secret, token.as_deref().filter(|t| !t.is_empty()));
        }
    }

    /// The fake STS's answer to `request`, routed to `operation`: newly issued keys, or STS's
    /// error.
    pub(crate) fn answer(&mut self, operation: Operation, request: &RecordedRequest) -> Answer {
        self.answered += 1;
        let request_id = request_id(format!("fake-sts-request-{}", self.answered).as_bytes());
        let form = Form::parse(&request.body);
        let outcome = match operation {
            Operation::AssumeRole => self
                .check_signature(request)
                .and_then(|()| self.assume_role(&form, &request_id)),
            Operation::AssumeRoleWithWebIdentity => {
                self.assume_role_with_web_identity(&form, &request_id)
            }
            _ => Err(Refusal::new(
                400,
                "InvalidAction",
                format!(
                    "Could not find operation {} for version 2011-06-15",
                    operation.name()
                ),
            )),
        };
        outcome.unwrap_or_else(|refusal| {
            Answer::sts_error_with_id(refusal.status, refusal.code, &refusal.message, &request_id)
        })
    }

    /// SigV4 as STS checks it: the `authorization` header, the date, a trusted key and its
    /// session token, the scope, and the signature recomputed over what was received.
    fn check_signature(&self, request: &RecordedRequest) -> Result<(), Refusal> {
        let header = request
            .header("authorization")
            .ok_or_else(|| Refusal::new(403, "MissingAuthenticationToken", MISSING_TOKEN))?;
        let authorization = Authorization::parse(header)?;
        let amz_date = request.header("x-amz-date").ok_or_else(|| {
            Refusal::incomplete(
                "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' \
                 header.",
            )
        })?;
        let time = parse_amz_date(amz_date).ok_or_else(|| {
            Refusal::incomplete(format!(
                "Date must be in ISO-8601 'basic format'. Got '{amz_date}'. See \
                 http://en.wikipedia.org/wiki/ISO_8601"
            ))
        })?;
        let secret = self
            .trusted
            .get(authorization.access_key_id)
            .ok_or_else(Refusal::invalid_token)?;
        let token = request.header("x-amz-security-token");
        if token != secret.session_token.as_deref() {
            return Err(Refusal::invalid_token());
        }
        authorization.check_scope(amz_date)?;

        let signed: Vec<&str> = authorization.signed_headers.split(';').collect();
        let is_signed = |name: &str| signed.iter().any(|s| s.eq_ignore_ascii_case(name));
        let headers: Vec<(&str, &str)> = request
            .headers
            .iter()
            .filter(|(name, _)| is_signed(name))
            .map(|(name, value)| (name.as_str(), value.as_str()))
            .collect();
        let (path, query) = request
            .target
            .split_once('?')
            .unwrap_or((request.target.as_str(), ""));
        let keys = SigningKeys {
            access_key_id: authorization.access_key_id,
            secret_access_key: &secret.secret_access_key,
            session_token: token,
        };
        let mut params =
            SigningParams::new(keys, authorization.region, authorization.service, time);
        params.omit_session_token = !is_signed("x-amz-security-token");
        params.payload_hash_header = is_signed("x-amz-content-sha256");
        let signable = SignableRequest {
            method: &request.method,
            path,
            query,
            headers: &headers,
            body: &request.body,
        };
        if sign(&signable, &params).signature() == authorization.signature {
            Ok(())
        } else {
            Err(Refusal::signature(SIGNATURE_MISMATCH))
        }
    }

    /// `AssumeRole` once the signature holds: the parameters, then new keys.
    fn assume_role(&mut self, form: &Form, request_id: &str) -> Result<Answer, Refusal> {
        let mut violations = Violations::default();
        let role = RoleParameters::read(form, &mut violations);
        violations.check(
            form,
            "ExternalId",
            2,
            1224,
            Some(is_external_id_char),
            false,
        );
        violations.check(form, "SerialNumber", 9, 256, Some(is_serial_char), false);
        violations.check(form, "TokenCode", 6, 6, Some(|c| c.is_ascii_digit()), true);
        violations.finish()?;
        let role = role.resolve()?;
        let keys = IssuedKeys::next(&mut self.assumed, "sts");
        Ok(render(
            Operation::AssumeRole,
            &role,
            &keys,
            "",
            "",
            request_id,
        ))
    }

    /// `AssumeRoleWithWebIdentity` (unsigned): the parameters and a non-empty token, then new
    /// keys.
    fn assume_role_with_web_identity(
        &mut self,
        form: &Form,
        request_id: &str,
    ) -> Result<Answer, Refusal> {
        let mut violations = Violations::default();
        let role = RoleParameters::read(form, &mut violations);
        violations.require(form, "WebIdentityToken", 0, 20_000, None, true);
        violations.finish()?;
        if form
            .get("WebIdentityToken")
            .is_some_and(|token| token.trim().is_empty())
        {
            return Err(Refusal::new(
                400,
                "InvalidIdentityToken",
                UNUSABLE_IDENTITY_TOKEN,
            ));
        }
        let role = role.resolve()?;
        let keys = IssuedKeys::next(&mut self.federated, "web");
        let before = "    <SubjectFromWebIdentityToken>fake-web-identity-subject\
                      </SubjectFromWebIdentityToken>\n    <Audience>sts.amazonaws.com</Audience>\n";
        let after = format!(
            "    <Provider>arn:{}:iam::{}:oidc-provider/oidc.fake-portal.localhost</Provider>\n",
            xml::escape(role.partition),
            xml::escape(role.account),
        );
        Ok(render(
            Operation::AssumeRoleWithWebIdentity,
            &role,
            &keys,
            before,
            &after,
            request_id,
        ))
    }
}

/// The parsed `authorization` header of a SigV4 request.
struct Authorization<'a> {
    access_key_id: &'a str,
    date: &'a str,
    region: &'a str,
    service: &'a str,
    signed_headers: &'a str,
    signature: &'a str,
}

impl<'a> Authorization<'a> {
    /// `AWS4-HMAC-SHA256 Credential=<id>/<date>/<region>/<service>/aws4_request,
    /// SignedHeaders=<a;b>, Signature=<hex>`. Another scheme counts as no authentication;
    /// a missing part or a credential of the wrong shape is `IncompleteSignature`.
    fn parse(header: &'a str) -> Result<Self, Refusal> {
        let rest = header
            .strip_prefix(ssokit_sigv4::ALGORITHM)
            .filter(|rest| rest.starts_with([' ', '\t']))
            .ok_or_else(|| Refusal::new(403, "MissingAuthenticationToken", MISSING_TOKEN))?;
        let (mut credential, mut signed_headers, mut signature) = (None, None, None);
        for part in rest.split(',') {
            if let Some((name, value)) = part.trim().split_once('=') {
                let slot = match name.trim() {
                    "Credential" => &mut credential,
                    "SignedHeaders" => &mut signed_headers,
                    "Signature" => &mut signature,
                    _ => continue,
                };
                *slot = Some(value.trim()).filter(|v| !v.is_empty());
            }
        }
        let missing: Vec<String> = [
            ("Credential", credential),
            ("Signature", signature),
            ("SignedHeaders", signed_headers),
        ]
        .iter()
        .filter(|(_, value)| value.is_none())
        .map(|(name, _)| format!("Authorization header requires '{name}' parameter."))
        .collect();
        let (Some(credential), Some(signed_headers), Some(signature)) =
            (credential, signed_headers, signature)
        else {
            return Err(Refusal::incomplete(missing.join(" ")));
        };
        let parts: Vec<&str> = credential.split('/').collect();
        let [access_key_id, date, region, service, terminator] = parts[..] else {
            return Err(Refusal::incomplete(format!(
                "Credential should be <access key id>/<YYYYMMDD>/<region>/<service>/aws4_request, \
                 not '{credential}'."
            )));
        };
        if terminator != "aws4_request" {
            return Err(Refusal::signature(format!(
                "Credential should be scoped with a valid terminator: 'aws4_request', not \
                 '{terminator}'. "
            )));
        }
        Ok(Self {
            access_key_id,
            date,
            region,
            service,
            signed_headers,
            signature,
        })
    }

    /// The scope: a region, the service `sts`, the date of `x-amz-date`.
    fn check_scope(&self, amz_date: &str) -> Result<(), Refusal> {
        if self.region.is_empty() {
            return Err(Refusal::signature(
                "Credential should be scoped to a valid region. ",
            ));
        }
        if self.service != "sts" {
            return Err(Refusal::signature(
                "Credential should be scoped to correct service: 'sts'. ",
            ));
        }
        let day = amz_date.get(..8).unwrap_or(amz_date);
        if self.date != day {
            return Err(Refusal::signature(format!(
                "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date \
                 from HTTP: '{}' != '{day}', from '{amz_date}'.",
                self.date
            )));
        }
        Ok(())
    }
}

/// `YYYYMMDDTHHMMSSZ` (SigV4's `x-amz-date`).
fn parse_amz_date(text: &str) -> Option<Timestamp> {
    let bytes = text.as_bytes();
    let shape = bytes.len() == 16
        && bytes[8] == b'T'
        && bytes[15] == b'Z'
        && bytes[..8]
            .iter()
            .chain(&bytes[9..15])
            .all(u8::is_ascii_digit);
    if !shape {
        return None;
    }
    let number = |range: std::ops::Range<usize>| text.get(range)?.parse::<i16>().ok();
    let i8_of = |range| number(range).and_then(|n| i8::try_from(n).ok());
    let date = jiff::civil::Date::new(number(0..4)?, i8_of(4..6)?, i8_of(6..8)?).ok()?;
    let time = jiff::civil::Time::new(i8_of(9..11)?, i8_of(11..13)?, i8_of(13..15)?, 0).ok()?;
    date.to_datetime(time)
        .to_zoned(jiff::tz::TimeZone::UTC)
        .ok()
        .map(|zoned| zoned.timestamp())
}

/// STS's `ValidationError`: every broken constraint of the request's members, in one message.
#[derive(Default)]
struct Violations(Vec<String>);

impl Violations {
    /// Checks the optional member `name` (its length in characters from `min` to `max`, its
    /// characters); `sensitive` values are not repeated in the message, as STS does.
    fn check(
        &mut self,
        form: &Form,
        name: &str,
        min: usize,
        max: usize,
        allowed: Option<fn(char) -> bool>,
        sensitive: bool,
    ) {
        if let Some(value) = form.get(name) {
            self.check_value(name, value, min, max, allowed, sensitive);
        }
    }

    /// [`check`](Self::check) for a required member.
    fn require(
        &mut self,
        form: &Form,
        name: &str,
        min: usize,
        max: usize,
        allowed: Option<fn(char) -> bool>,
        sensitive: bool,
    ) {
        match form.get(name) {
            Some(value) => self.check_value(name, value, min, max, allowed, sensitive),
            None => self.0.push(format!(
                "Value null at '{}' failed to satisfy constraint: Member must not be null",
                member(name)
            )),
        }
    }

    fn check_value(
        &mut self,
        name: &str,
        value: &str,
        min: usize,
        max: usize,
        allowed: Option<fn(char) -> bool>,
        sensitive: bool,
    ) {
        let shown = if sensitive {
            format!("Value at '{}'", member(name))
        } else {
            format!("Value '{value}' at '{}'", member(name))
        };
        let length = value.chars().count();
        if length < min {
            self.0.push(format!(
                "{shown} failed to satisfy constraint: Member must have length greater than or \
                 equal to {min}"
            ));
        }
        if length > max {
            self.0.push(format!(
                "{shown} failed to satisfy constraint: Member must have length less than or \
                 equal to {max}"
            ));
        }
        if let Some(allowed) = allowed
            && !value.chars().all(allowed)
        {
            let pattern = pattern_of(name);
            self.0.push(format!(
                "{shown} failed to satisfy constraint: Member must satisfy regular expression \
                 pattern: {pattern}"
            ));
        }
    }

    /// `DurationSeconds`, when given: an integer from 900 to 43200.
    fn check_duration(&mut self, form: &Form) {
        let Some(value) = form.get("DurationSeconds") else {
            return;
        };
        let shown = format!("Value '{value}' at 'durationSeconds' failed to satisfy constraint");
        match value.parse::<i64>() {
            Ok(n) if n < 900 => self.0.push(format!(
                "{shown}: Member must have value greater than or equal to 900"
            )),
            Ok(n) if n > 43_200 => self.0.push(format!(
                "{shown}: Member must have value less than or equal to 43200"
            )),
            Ok(_) => {}
            Err(_) => self.0.push(format!("{shown}: Member must be an integer")),
        }
    }

    /// `ValidationError` when a constraint is broken.
    fn finish(self) -> Result<(), Refusal> {
        match self.0.len() {
            0 => Ok(()),
            1 => Err(Refusal::validation(format!(
                "1 validation error detected: {}",
                self.0.join("; ")
            ))),
            n => Err(Refusal::validation(format!(
                "{n} validation errors detected: {}",
                self.0.join("; ")
            ))),
        }
    }
}

/// The member name in STS's messages (`RoleArn` → `roleArn`).
fn member(name: &str) -> String {
    let mut chars = name.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_ascii_lowercase().to_string() + chars.as_str()
    })
}

/// The pattern STS names for a member.
fn pattern_of(name: &str) -> &'static str {
    match name {
        "RoleSessionName" => r"[\w+=,.@-]*",
        "ExternalId" => r"[\w+=,.@:\/-]*",
        "SerialNumber" => r"[\w+=/:,.@-]*",
        _ => r"[\d]*",
    }
}

fn is_session_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "_+=,.@-".contains(c)
}

fn is_external_id_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "_+=,.@:/-".contains(c)
}

fn is_serial_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "_+=/:,.@-".contains(c)
}

/// `RoleArn`, `RoleSessionName` and `DurationSeconds`, common to both operations.
struct RoleParameters<'a> {
    role_arn: Option<&'a str>,
    session_name: Option<&'a str>,
}

/// A role ARN taken apart, and the session name.
struct Role<'a> {
    arn: &'a str,
    partition: &'a str,
    account: &'a str,
    /// The role's name (its path left out, as in the assumed-role ARN).
    name: &'a str,
    session_name: &'a str,
}

impl<'a> RoleParameters<'a> {
    fn read(form: &'a Form, violations: &mut Violations) -> Self {
        violations.require(form, "RoleArn", 20, 2048, None, false);
        violations.require(form, "RoleSessionName", 2, 64, Some(is_session_char), false);
        violations.check_duration(form);
        Self {
            role_arn: form.get("RoleArn"),
            session_name: form.get("RoleSessionName"),
        }
    }

    /// `arn:<partition>:iam::<12 digits>:role/[<path>/]<name>`, else `ValidationError`.
    fn resolve(self) -> Result<Role<'a>, Refusal> {
        let (Some(role_arn), Some(session_name)) = (self.role_arn, self.session_name) else {
            return Err(Refusal::validation(
                "1 validation error detected: Value null at 'roleArn' failed to satisfy \
                 constraint: Member must not be null",
            ));
        };
        let invalid = || Refusal::validation(format!("{role_arn} is invalid"));
        let parts: Vec<&str> = role_arn.splitn(6, ':').collect();
        let ["arn", partition, "iam", "", account, resource] = parts[..] else {
            return Err(invalid());
        };
        let role_name = resource
            .strip_prefix("role/")
            .and_then(|path| path.rsplit('/').next())
            .filter(|name| !name.is_empty())
            .ok_or_else(invalid)?;
        if partition.is_empty()
            || account.len() != 12
            || !account.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(invalid());
        }
        Ok(Role {
            arn: role_arn,
            partition,
            account,
            name: role_name,
            session_name,
        })
    }
}

/// Keys the fake STS hands out.
struct IssuedKeys {
    access_key_id: String,
    secret_access_key: String,
    session_token: String,
}

impl IssuedKeys {
    /// The next keys of a kind (`sts`, `web`): `ASIA<KIND><n>`, `<kind>-secret-<n>`,
    /// `<kind>-token-<n>`, counting from 1.
    fn next(counter: &mut u64, kind: &str) -> Self {
        *counter += 1;
        let n = *counter;
        Self {
            access_key_id: format!("ASIA{}{n}", kind.to_ascii_uppercase()),
            secret_access_key: format!("{kind}-secret-{n}"),
            session_token: format!("{kind}-token-{n}"),
        }
    }
}

/// STS's success document for `operation`: `<Op>Response/<Op>Result` with `AssumedRoleUser`
/// and `Credentials` (`before` and `after` them: the operation's other elements, indented),
/// and `ResponseMetadata/RequestId`.
fn render(
    operation: Operation,
    role: &Role<'_>,
    keys: &IssuedKeys,
    before: &str,
    after: &str,
    request_id: &str,
) -> Answer {
    let op = operation.name();
    let role_id = request_id_of_role(role.arn);
    let session = xml::escape(role.session_name);
    let body = format!(
        "<{op}Response xmlns=\"{STS_NAMESPACE}\">\n  <{op}Result>\n{before}    \
         <AssumedRoleUser>\n      <AssumedRoleId>{role_id}:{session}</AssumedRoleId>\n      \
         <Arn>arn:{partition}:sts::{account}:assumed-role/{role_name}/{session}</Arn>\n    \
         </AssumedRoleUser>\n    <Credentials>\n      \
         <AccessKeyId>{access_key_id}</AccessKeyId>\n      \
         <SecretAccessKey>{secret_access_key}</SecretAccessKey>\n      \
         <SessionToken>{session_token}</SessionToken>\n      \
         <Expiration>{EXPIRATION}</Expiration>\n    </Credentials>\n{after}  </{op}Result>\n  \
         <ResponseMetadata>\n    <RequestId>{request_id}</RequestId>\n  </ResponseMetadata>\n\
         </{op}Response>\n",
        partition = xml::escape(role.partition),
        account = xml::escape(role.account),
        role_name = xml::escape(role.name),
        access_key_id = xml::escape(&keys.access_key_id),
        secret_access_key = xml::escape(&keys.secret_access_key),
        session_token = xml::escape(&keys.session_token),
        request_id = xml::escape(request_id),
    );
    Answer::sts_xml(200, body, request_id)
}

/// A role id in the form of IAM's (`AROA` and 17 upper-case characters), derived from the
/// role ARN so that it is the same on every call.
fn request_id_of_role(role_arn: &str) -> String {
    let digits: String = request_id(role_arn.as_bytes())
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(17)
        .collect();
    format!("AROA{}", digits.to_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_parse_strictly() {
        assert_eq!(
            parse_amz_date("20260301T120000Z"),
            Some(
                "2026-03-01T12:00:00Z"
                    .parse()
                    .unwrap_or(Timestamp::UNIX_EPOCH)
            )
        );
        for bad in [
            "20260301T120000",
            "2026-03-01T12:00:00Z",
            "20261301T120000Z",
            "2026030xT120000Z",
        ] {
            assert_eq!(parse_amz_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn authorization_headers_are_read_or_refused() {
        let good = "AWS4-HMAC-SHA256 Credential=AKID/20260301/us-east-1/sts/aws4_request, \
                    SignedHeaders=host;x-amz-date, Signature=abc";
        let parsed = Authorization::parse(good).map_err(|r| r.message);
        let parsed = parsed.as_ref().map(|a| {
            (
                a.access_key_id,
                a.date,
                a.region,
                a.service,
                a.signed_headers,
                a.signature,
            )
        });
        assert_eq!(
            parsed,
            Ok((
                "AKID",
                "20260301",
                "us-east-1",
                "sts",
                "host;x-amz-date",
                "abc"
            ))
        );
        let refusal = |header: &str| {
            Authorization::parse(header)
                .err()
                .map(|r| (r.status, r.code, r.message))
        };
        assert_eq!(
            refusal("Bearer x"),
            Some((403, "MissingAuthenticationToken", MISSING_TOKEN.to_owned()))
        );
        assert_eq!(
            refusal("AWS4-HMAC-SHA256 Credential=AKID/20260301/us-east-1/sts/aws4_request"),
            Some((
                400,
                "IncompleteSignature",
                "Authorization header requires 'Signature' parameter. Authorization header \
                 requires 'SignedHeaders' parameter."
                    .to_owned()
            ))
        );
        assert_eq!(
            refusal(
                "AWS4-HMAC-SHA256 Credential=AKID/20260301/us-east-1/sts/x, SignedHeaders=host, Signature=a"
            ),
            Some((
                403,
                "SignatureDoesNotMatch",
                "Credential should be scoped with a valid terminator: 'aws4_request', not 'x'. "
                    .to_owned()
            ))
        );
    }

    #[test]
    fn validation_messages_read_like_sts() {
        let form = Form::parse(b"RoleSessionName=a%20b&DurationSeconds=60&TokenCode=12a456");
        let mut violations = Violations::default();
        let _ = RoleParameters::read(&form, &mut violations);
        violations.check(&form, "TokenCode", 6, 6, Some(|c| c.is_ascii_digit()), true);
        assert_eq!(
            violations
                .finish()
                .err()
                .map(|r| r.message)
                .unwrap_or_default(),
            "4 validation errors detected: Value null at 'roleArn' failed to satisfy \
             constraint: Member must not be null; Value 'a b' at 'roleSessionName' failed to \
             satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*; \
             Value '60' at 'durationSeconds' failed to satisfy constraint: Member must have \
             value greater than or equal to 900; Value at 'tokenCode' failed to satisfy \
             constraint: Member must satisfy regular expression pattern: [\\d]*"
        );
    }

    #[test]
    fn role_arns_are_taken_apart() {
        let form = Form::parse(
            b"RoleArn=arn%3Aaws-cn%3Aiam%3A%3A123456789012%3Arole%2Fpath%2FR1&RoleSessionName=s1",
        );
        let role = RoleParameters::read(&form, &mut Violations::default())
            .resolve()
            .map(|r| (r.partition, r.account, r.name, r.session_name))
            .map_err(|r| r.message);
        assert_eq!(role, Ok(("aws-cn", "123456789012", "R1", "s1")));
        let form = Form::parse(b"RoleArn=arn%3Aaws%3Aiam%3A%3A1234%3Arole%2FR1&RoleSessionName=s1");
        let role = RoleParameters::read(&form, &mut Violations::default())
            .resolve()
            .map(|r| r.name)
            .map_err(|r| r.message);
        assert_eq!(role, Err("arn:aws:iam::1234:role/R1 is invalid".to_owned()));
        let id = request_id_of_role("arn:aws:iam::123456789012:role/R1");
        assert_eq!(id.len(), 21);
        assert!(id.starts_with("AROA"));
        assert_eq!(id, request_id_of_role("arn:aws:iam::123456789012:role/R1"));
    }

    #[test]
    fn debug_shows_key_ids_only() {
        let mut keyring = Keyring::default();
        keyring.trust("AKIDBASE", "base-secret", Some("base-token"));
        let shown = format!("{keyring:?}");
        assert!(
            shown.contains("AKIDBASE") && shown.contains("ASIAMOCKACCESSKEY"),
            "{shown}"
        );
        for secret in [
            "base-secret",
            "base-token",
            "mockSecretKey",
            "mockSessionToken",
        ] {
            assert!(!shown.contains(secret), "{shown}");
        }
    }
}
