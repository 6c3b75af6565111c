//! STS's wire format (query protocol): the form bodies of the two requests (SPEC §14.1), the
//! XML of their answers (§14.2) and of its errors (§14.4).

use jiff::Timestamp;
use roxmltree::{Document, Node, ParsingOptions};
use ssokit_http::{ErrorAnswer, encode_component};

use crate::error::{Error, Operation, ShapeDetail};
use crate::model::{AssumeRoleRequest, StsCredentials, WebIdentityRequest};

/// The query-protocol version.
const VERSION: &str = "2011-06-15";

/// `name=value` pairs, values encoded strictly, joined by `&`, in the order given.
fn form(pairs: &[(&str, &str)]) -> String {
    let encoded: Vec<String> = pairs
        .iter()
        .map(|(name, value)| format!("{name}={}", encode_component(value)))
        .collect();
    encoded.join("&")
}

/// The `AssumeRole` body: `Action`, `Version`, `RoleArn`, `RoleSessionName`,
/// `DurationSeconds`, then `ExternalId`, `SerialNumber`, `TokenCode` when set.
pub(crate) fn assume_role_body(request: &AssumeRoleRequest) -> String {
    let duration = request.duration_seconds.to_string();
    let mut pairs = vec![
        ("Action", Operation::AssumeRole.name()),
        ("Version", VERSION),
        ("RoleArn", request.role_arn.as_str()),
        ("RoleSessionName", request.role_session_name.as_str()),
        ("DurationSeconds", duration.as_str()),
    ];
    if let Some(id) = &request.external_id {
        pairs.push(("ExternalId", id));
    }
    if let Some(mfa) = &request.mfa {
        pairs.push(("SerialNumber", &mfa.serial));
        pairs.push(("TokenCode", &mfa.code));
    }
    form(&pairs)
}

/// The `AssumeRoleWithWebIdentity` body: `Action`, `Version`, `RoleArn`,
/// `RoleSessionName`, `WebIdentityToken`, then `DurationSeconds` when set.
pub(crate) fn web_identity_body(request: &WebIdentityRequest) -> String {
    let duration = request.duration_seconds.map(|d| d.to_string());
    let mut pairs = vec![
        ("Action", Operation::AssumeRoleWithWebIdentity.name()),
        ("Version", VERSION),
        ("RoleArn", request.role_arn.as_str()),
        ("RoleSessionName", request.role_session_name.as_str()),
        ("WebIdentityToken", request.web_identity_token.as_str()),
    ];
    if let Some(duration) = &duration {
        pairs.push(("DurationSeconds", duration));
    }
    form(&pairs)
}

/// Parses XML as STS answers are read: no DTD.
fn parse_xml(body: &[u8]) -> Result<Document<'_>, String> {
    let text = std::str::from_utf8(body).map_err(|e| e.to_string())?;
    let options = ParsingOptions {
        allow_dtd: false,
        ..ParsingOptions::default()
    };
    Document::parse_with_options(text, options).map_err(|e| e.to_string())
}

/// The first child element of `node` with local name `name`.
fn child<'a, 'input>(node: Node<'a, 'input>, name: &str) -> Option<Node<'a, 'input>> {
    node.children()
        .find(|n| n.is_element() && n.tag_name().name() == name)
}

/// The trimmed text of the child `name`, when present and not empty.
fn text_of(node: Node<'_, '_>, name: &str) -> Option<String> {
    let text = child(node, name)?.text()?.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

/// Reads a 2xx answer of `operation` (SPEC §14.2): `<Op>Response/<Op>Result/Credentials`.
pub(crate) fn parse_credentials(
    operation: Operation,
    body: &[u8],
) -> Result<StsCredentials, Error> {
    let invalid = |detail| Error::InvalidResponse { operation, detail };
    let document = parse_xml(body).map_err(|reason| invalid(ShapeDetail::NotXml(reason)))?;
    let result_name = format!("{operation}Result");
    let result = document
        .descendants()
        .find(|n| n.is_element() && n.tag_name().name() == result_name)
        .ok_or_else(|| invalid(ShapeDetail::MissingResult(operation)))?;
    let credentials =
        child(result, "Credentials").ok_or_else(|| invalid(ShapeDetail::MissingCredentials))?;
    let field = |name: &'static str| {
        text_of(credentials, name).ok_or_else(|| invalid(ShapeDetail::MissingField(name)))
    };
    let access_key_id = field("AccessKeyId")?;
    let secret_access_key = field("SecretAccessKey")?;
    let session_token = field("SessionToken")?;
    let expiration_text = field("Expiration")?;
    let expiration = expiration_text
        .parse::<Timestamp>()
        .map_err(|_| invalid(ShapeDetail::InvalidExpiration(expiration_text.clone())))?;
    let user = child(result, "AssumedRoleUser");
    let assumed_role_arn = user.and_then(|user| text_of(user, "Arn"));
    let assumed_role_id = user.and_then(|user| text_of(user, "AssumedRoleId"));
    Ok(StsCredentials {
        access_key_id,
        secret_access_key,
        session_token,
        expiration,
        assumed_role_arn,
        assumed_role_id,
    })
}

/// STS's error reader for the HTTP stack.
pub(crate) fn read_error(answer: &ErrorAnswer<'_>) -> (String, String) {
    error_code_and_message(
        answer.status(),
        answer.reason(),
        answer.header("x-amzn-errortype"),
        answer.body(),
    )
}

/// The code and message of a non-2xx answer (SPEC §14.4): `ErrorResponse/Error/Code` and
/// `Message`, else the `x-amzn-ErrorType` header, else `UnknownError`; the reason phrase,
/// else `HTTP <status>`.
pub(crate) fn error_code_and_message(
    status: u16,
    reason: Option<&str>,
    error_type: Option<&str>,
    body: &[u8],
) -> (String, String) {
    let document = parse_xml(body).ok();
    let error = document.as_ref().and_then(|doc| {
        doc.descendants()
            .find(|n| n.is_element() && n.tag_name().name() == "Error")
    });
    let code = error
        .and_then(|e| text_of(e, "Code"))
        .or_else(|| {
            error_type
                .and_then(|h| h.split(':').next())
                .map(str::trim)
                .filter(|h| !h.is_empty())
                .map(str::to_owned)
        })
        .unwrap_or_else(|| "UnknownError".to_owned());
    let message = error
        .and_then(|e| text_of(e, "Message"))
        .or_else(|| reason.filter(|r| !r.is_empty()).map(str::to_owned))
        .unwrap_or_else(|| format!("HTTP {status}"));
    (code, message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Mfa;

    const ANSWER: &str = r#"<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <AssumedRoleUser>
      <AssumedRoleId>AROARABCDEFGHIJKLMNOP:s</AssumedRoleId>
      <Arn>arn:aws:sts::123456789012:assumed-role/integration-test/s</Arn>
    </AssumedRoleUser>
    <Credentials>
      <AccessKeyId>ASIARTESTID</AccessKeyId>
      <SecretAccessKey>TESTSECRETKEY</SecretAccessKey>
      <SessionToken> TESTSESSIONTOKEN </SessionToken>
      <Expiration>2021-08-05T19:58:02Z</Expiration>
    </Credentials>
  </AssumeRoleResult>
</AssumeRoleResponse>"#;

    #[test]
    fn bodies_are_in_the_spec_order_and_strictly_encoded() {
        let request = AssumeRoleRequest::new("arn:aws:iam::123456789012:role/RoleA", "s@1")
            .external_id(Some("ext+id".into()))
            .mfa(Some(Mfa::new("arn:aws:iam::1:mfa/me", "123456")));
        assert_eq!(
            assume_role_body(&request),
            "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2FRoleA&RoleSessionName=s%401&DurationSeconds=3600&ExternalId=ext%2Bid&SerialNumber=arn%3Aaws%3Aiam%3A%3A1%3Amfa%2Fme&TokenCode=123456"
        );
        let web = WebIdentityRequest::new("arn:aws:iam::1:role/B", "w", "tok\n");
        assert_eq!(
            web_identity_body(&web),
            "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%2FB&RoleSessionName=w&WebIdentityToken=tok%0A"
        );
        assert!(
            web_identity_body(&web.duration_seconds(Some(900))).ends_with("&DurationSeconds=900")
        );
    }

    #[test]
    fn answers_are_read_by_local_name_with_text_trimmed() {
        let credentials = parse_credentials(Operation::AssumeRole, ANSWER.as_bytes()).unwrap();
        assert_eq!(credentials.access_key_id(), "ASIARTESTID");
        assert_eq!(credentials.session_token(), "TESTSESSIONTOKEN");
        assert_eq!(credentials.expiration().as_second(), 1_628_193_482);
        assert_eq!(credentials.account_id(), Some("123456789012"));
        assert_eq!(
            credentials.assumed_role_id(),
            Some("AROARABCDEFGHIJKLMNOP:s")
        );
        let shown = format!("{credentials:?}");
        assert!(!shown.contains("TESTSECRETKEY") && !shown.contains("TESTSESSIONTOKEN"));
    }

    #[test]
    fn every_shape_error() {
        let detail = |body: &str| match parse_credentials(Operation::AssumeRole, body.as_bytes()) {
            Err(Error::InvalidResponse { detail, .. }) => detail.to_string(),
            other => panic!("{other:?}"),
        };
        assert!(detail("{\"json\": true}").starts_with("not XML: "));
        assert!(
            detail("<!DOCTYPE x [<!ENTITY a \"b\">]><x/>").starts_with("not XML: "),
            "a DTD is refused"
        );
        assert_eq!(
            detail("<AssumeRoleResponse/>"),
            "AssumeRoleResult is missing"
        );
        assert_eq!(
            detail("<R><AssumeRoleResult/></R>"),
            "Credentials is missing"
        );
        assert_eq!(
            detail(&ANSWER.replace(
                "<SessionToken> TESTSESSIONTOKEN </SessionToken>",
                "<SessionToken> </SessionToken>"
            )),
            "Credentials.SessionToken is missing or empty"
        );
        assert_eq!(
            detail(&ANSWER.replace("2021-08-05T19:58:02Z", "tomorrow")),
            "Credentials.Expiration \"tomorrow\" is not an RFC 3339 time"
        );
        let offset = ANSWER.replace("2021-08-05T19:58:02Z", "2021-08-05T21:58:02.5+02:00");
        let credentials = parse_credentials(Operation::AssumeRole, offset.as_bytes()).unwrap();
        assert_eq!(credentials.expiration().as_second(), 1_628_193_482);
    }
}
