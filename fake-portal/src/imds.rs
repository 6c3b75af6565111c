//! The fake instance metadata service (IMDSv2, SPEC §18 "F's IMDS"): the session tokens it
//! issued, whether it requires one, and the answers of its five operations.

use std::collections::HashSet;
use std::fmt;

use crate::answer::Answer;
use crate::operation::{Operation, imds_role};
use crate::request::RecordedRequest;

/// The header of the token's lifetime, in the `PUT` and in its answer.
pub(crate) const TTL_HEADER: &str = "x-aws-ec2-metadata-token-ttl-seconds";
/// The header a `GET` carries the token in.
pub(crate) const TOKEN_HEADER: &str = "x-aws-ec2-metadata-token";
/// The longest TTL IMDS grants.
const MAX_TTL: u64 = 21_600;

/// The role the fake lists.
pub const IMDS_ROLE: &str = "role-1";

/// The credentials of [`IMDS_ROLE`] on the legacy path (the extended path adds
/// `"AccountId":"210987654321"`).
pub const DEFAULT_IMDS_CREDENTIALS_BODY: &str = r#"{"Code":"Success","LastUpdated":"2026-03-01T12:00:00Z","Type":"AWS-HMAC","AccessKeyId":"ASIAIMDS","SecretAccessKey":"imds-secret","Token":"imds-token","Expiration":"2026-03-01T18:00:00Z"}"#;

/// The account id the extended path adds.
const ACCOUNT_ID: &str = "210987654321";

/// IMDS's answer to an unknown path or role.
const NOT_FOUND: &str = "404 - Not Found";
/// IMDS's answer to a missing, expired or unknown token.
const UNAUTHORIZED: &str = "401 - Unauthorized";
/// IMDS's answer to a `PUT` without a valid TTL.
const BAD_REQUEST: &str = "400 - Bad Request";

/// What the fake IMDS remembers: the tokens it issued (served in a 2xx `ImdsToken` answer,
/// scripted or not), the number of the next one, and whether a `GET` needs a token.
/// `Debug` shows the counts only.
#[derive(Default)]
pub(crate) struct Imds {
    issued: HashSet<String>,
    counter: u64,
    require_token: bool,
}

impl fmt::Debug for Imds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Imds")
            .field("issued", &self.issued.len())
            .field("counter", &self.counter)
            .field("require_token", &self.require_token)
            .finish()
    }
}

impl Imds {
    /// From now on a `GET` without a token is 401 (IMDSv2 required).
    pub(crate) fn require_token(&mut self) {
        self.require_token = true;
    }

    /// Restarts the counter (the next token is `imds-token-1` again) and serves IMDSv1
    /// again; the tokens issued stay valid.
    pub(crate) fn restart(&mut self) {
        self.counter = 0;
        self.require_token = false;
    }

    /// Remembers the token of a 2xx `ImdsToken` answer the fake serves, scripted or not.
    pub(crate) fn note_served(&mut self, operation: Operation, answer: &Answer) {
        if operation == Operation::ImdsToken && (200..300).contains(&answer.status) {
            self.issued
                .insert(String::from_utf8_lossy(&answer.body).into_owned());
        }
    }

    /// The fake IMDS's answer to `request`, routed to `operation`.
    pub(crate) fn answer(&mut self, operation: Operation, request: &RecordedRequest) -> Answer {
        if operation == Operation::ImdsToken {
            return self.token(request);
        }
        if let Some(refusal) = self.check_token(request) {
            return refusal;
        }
        let path = request.target.split('?').next().unwrap_or_default();
        let Some((role, extended)) = imds_role(path) else {
            return Answer::text(404, NOT_FOUND);
        };
        match operation {
            Operation::ImdsExtendedRoles | Operation::ImdsRoles => Answer::text(200, IMDS_ROLE),
            Operation::ImdsExtendedCredentials | Operation::ImdsCredentials
                if role == IMDS_ROLE =>
            {
                Answer::text(200, credentials_body(extended))
            }
            _ => Answer::text(404, NOT_FOUND),
        }
    }

    /// `PUT /latest/api/token`: a TTL of 1-21600 s is required; the token is
    /// `imds-token-<n>`, the TTL echoed.
    fn token(&mut self, request: &RecordedRequest) -> Answer {
        let ttl = request
            .header(TTL_HEADER)
            .and_then(|v| v.trim().parse::<u64>().ok())
            .filter(|t| (1..=MAX_TTL).contains(t));
        let Some(ttl) = ttl else {
            return Answer::text(400, BAD_REQUEST);
        };
        self.counter += 1;
        Answer::text(200, format!("imds-token-{}", self.counter))
            .header(TTL_HEADER, &ttl.to_string())
    }

    /// A `GET`'s token: one the fake did not issue is 401; none is 401 when tokens are
    /// required.
    fn check_token(&self, request: &RecordedRequest) -> Option<Answer> {
        let known = match request.header(TOKEN_HEADER) {
            Some(token) => self.issued.contains(token),
            None => !self.require_token,
        };
        (!known).then(|| Answer::text(401, UNAUTHORIZED))
    }
}

/// [`DEFAULT_IMDS_CREDENTIALS_BODY`], with the account id on the extended path.
fn credentials_body(extended: bool) -> String {
    if !extended {
        return DEFAULT_IMDS_CREDENTIALS_BODY.to_owned();
    }
    let open = DEFAULT_IMDS_CREDENTIALS_BODY.trim_end_matches('}');
    format!(r#"{open},"AccountId":"{ACCOUNT_ID}"}}"#)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_extended_body_adds_the_account_id_at_the_end() {
        assert_eq!(
            credentials_body(true),
            r#"{"Code":"Success","LastUpdated":"2026-03-01T12:00:00Z","Type":"AWS-HMAC","AccessKeyId":"ASIAIMDS","SecretAccessKey":"imds-secret","Token":"imds-token","Expiration":"2026-03-01T18:00:00Z","AccountId":"210987654321"}"#
        );
        assert_eq!(credentials_body(false), DEFAULT_IMDS_CREDENTIALS_BODY);
    }

    #[test]
    fn debug_shows_counts_only() {
        let mut imds = Imds::default();
        imds.note_served(Operation::ImdsToken, &Answer::text(200, "imds-token-7"));
        imds.note_served(Operation::ImdsToken, &Answer::text(403, "nope"));
        imds.note_served(Operation::ImdsRoles, &Answer::text(200, "role-1"));
        assert_eq!(
            format!("{imds:?}"),
            "Imds { issued: 1, counter: 0, require_token: false }"
        );
    }
}
