//! The credentials document both endpoints answer with (SPEC §16.1, §16.4): a JSON object
//! with `AccessKeyId`, `SecretAccessKey`, `Token`, `Expiration` and optionally `AccountId`
//! and `Code`, read strictly.

use std::fmt;

use jiff::Timestamp;
use serde_json::{Map, Value};

/// Temporary credentials from the container endpoint or the instance metadata service.
/// `Debug` shows the key id, the expiry and the account, never the secret or the token.
#[derive(Clone, PartialEq, Eq)]
pub struct MetadataCredentials {
    access_key_id: String,
    secret_access_key: String,
    token: String,
    expiration: Timestamp,
    account_id: Option<String>,
}

impl fmt::Debug for MetadataCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MetadataCredentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"** redacted **")
            .field("token", &"** redacted **")
            .field("expiration", &self.expiration)
            .field("account_id", &self.account_id)
            .finish()
    }
}

impl MetadataCredentials {
    /// `AccessKeyId`.
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// `SecretAccessKey`.
    pub fn secret_access_key(&self) -> &str {
        &self.secret_access_key
    }

    /// `Token` (the session token).
    pub fn token(&self) -> &str {
        &self.token
    }

    /// `Expiration`.
    pub fn expiration(&self) -> Timestamp {
        self.expiration
    }

    /// `AccountId`, when the answer has one.
    pub fn account_id(&self) -> Option<&str> {
        self.account_id.as_deref()
    }
}

/// What is wrong with a credentials document (the `<detail>` of C-SHAPE and I-SHAPE).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ShapeDetail {
    /// The body is not a JSON object.
    NotObject,
    /// A required member is absent, not a string, or empty.
    Missing(&'static str),
    /// `Expiration` is not an RFC 3339 time.
    InvalidExpiration(String),
    /// `Code` is not `Success`; the answer's `Message`, if any.
    Code {
        /// `Code`.
        code: String,
        /// `Message` (empty when absent).
        message: String,
    },
    /// The answer is over 1 MiB.
    TooLarge,
}

impl fmt::Display for ShapeDetail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ShapeDetail::NotObject => f.write_str("not a JSON object"),
            ShapeDetail::Missing(field) => write!(f, "{field} is missing or empty"),
            ShapeDetail::InvalidExpiration(value) => {
                write!(f, "Expiration \"{value}\" is not an RFC 3339 time")
            }
            ShapeDetail::Code { code, message } => {
                write!(f, "Code is \"{code}\": {message}")?;
                if code == "AssumeRoleUnauthorizedAccess" {
                    f.write_str("; does the role trust ec2.amazonaws.com?")?;
                }
                Ok(())
            }
            ShapeDetail::TooLarge => f.write_str("larger than 1 MiB"),
        }
    }
}

/// Whether `Code` must be present (IMDS) or may be absent (the container endpoint).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CodeRule {
    Optional,
    Required,
}

/// Reads a credentials document. Members other than the six are ignored.
pub(crate) fn parse_credentials(
    body: &[u8],
    code: CodeRule,
) -> Result<MetadataCredentials, ShapeDetail> {
    let value: Value = serde_json::from_slice(body).map_err(|_| ShapeDetail::NotObject)?;
    let object = value.as_object().ok_or(ShapeDetail::NotObject)?;
    match (object.get("Code"), code) {
        (None, CodeRule::Optional) => {}
        (Some(Value::String(c)), _) if c == "Success" => {}
        (found, _) => {
            return Err(ShapeDetail::Code {
                code: found
                    .and_then(Value::as_str)
                    .unwrap_or("(missing)")
                    .to_owned(),
                message: text(object, "Message").unwrap_or_default().to_owned(),
            });
        }
    }
    let required = |field: &'static str| text(object, field).ok_or(ShapeDetail::Missing(field));
    let access_key_id = required("AccessKeyId")?.to_owned();
    let secret_access_key = required("SecretAccessKey")?.to_owned();
    let token = required("Token")?.to_owned();
    let expiration_text = required("Expiration")?;
    let expiration = expiration_text
        .parse::<Timestamp>()
        .map_err(|_| ShapeDetail::InvalidExpiration(expiration_text.to_owned()))?;
    Ok(MetadataCredentials {
        access_key_id,
        secret_access_key,
        token,
        expiration,
        account_id: text(object, "AccountId").map(str::to_owned),
    })
}

/// A non-empty string member.
fn text<'a>(object: &'a Map<String, Value>, field: &str) -> Option<&'a str> {
    object
        .get(field)
        .and_then(Value::as_str)
        .filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"{"Code":"Success","AccessKeyId":"ASIA","SecretAccessKey":"s3cr3t","Token":"t0k3n","Expiration":"2026-03-01T18:00:00Z","AccountId":"210987654321","Type":"AWS-HMAC"}"#;

    #[test]
    fn reads_the_six_members_and_ignores_others() {
        let creds = parse_credentials(GOOD.as_bytes(), CodeRule::Required).unwrap();
        assert_eq!(creds.access_key_id(), "ASIA");
        assert_eq!(creds.token(), "t0k3n");
        assert_eq!(creds.account_id(), Some("210987654321"));
        assert_eq!(creds.expiration().to_string(), "2026-03-01T18:00:00Z");
        let shown = format!("{creds:?}");
        assert!(
            !shown.contains("s3cr3t") && !shown.contains("t0k3n"),
            "{shown}"
        );
    }

    #[test]
    fn every_shape_error() {
        let cases: [(&str, CodeRule, &str); 7] = [
            ("[]", CodeRule::Optional, "not a JSON object"),
            ("nope", CodeRule::Optional, "not a JSON object"),
            (
                r#"{"AccessKeyId":"A","SecretAccessKey":"S","Expiration":"2026-03-01T18:00:00Z"}"#,
                CodeRule::Optional,
                "Token is missing or empty",
            ),
            (
                r#"{"AccessKeyId":"A","SecretAccessKey":"S","Token":"T","Expiration":"soon"}"#,
                CodeRule::Optional,
                "Expiration \"soon\" is not an RFC 3339 time",
            ),
            (
                r#"{"AccessKeyId":"A","SecretAccessKey":"S","Token":"T","Expiration":"2026-03-01T18:00:00Z"}"#,
                CodeRule::Required,
                "Code is \"(missing)\": ",
            ),
            (
                r#"{"Code":"AssumeRoleUnauthorizedAccess","Message":"EC2 cannot assume the role"}"#,
                CodeRule::Required,
                "Code is \"AssumeRoleUnauthorizedAccess\": EC2 cannot assume the role; does the role trust ec2.amazonaws.com?",
            ),
            (
                r#"{"AccessKeyId":"","SecretAccessKey":"S","Token":"T","Expiration":"2026-03-01T18:00:00Z"}"#,
                CodeRule::Optional,
                "AccessKeyId is missing or empty",
            ),
        ];
        for (body, rule, detail) in cases {
            let error = parse_credentials(body.as_bytes(), rule).unwrap_err();
            assert_eq!(error.to_string(), detail, "{body}");
        }
    }
}
