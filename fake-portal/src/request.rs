//! What the fake received: one request as it arrived.

use crate::form::{Form, query_of};
use crate::operation::Operation;

/// One request as the fake received it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordedRequest {
    /// The operation it was routed to (`None`: unknown route, answered 404).
    pub operation: Option<Operation>,
    /// `GET`, `POST`, ...
    pub method: String,
    /// Path and query exactly as sent (`/federation/credentials?account_id=…`).
    pub target: String,
    /// `HTTP/1.1`.
    pub version: String,
    /// Header names (lower case) and values, in the order received.
    pub headers: Vec<(String, String)>,
    /// The request body.
    pub body: Vec<u8>,
}

impl RecordedRequest {
    /// `METHOD target VERSION`, e.g. `GET /federation/credentials?… HTTP/1.1`.
    pub fn request_line(&self) -> String {
        format!("{} {} {}", self.method, self.target, self.version)
    }

    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The header names, sorted.
    pub fn header_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.headers.iter().map(|(n, _)| n.as_str()).collect();
        names.sort_unstable();
        names
    }

    /// The first query parameter `name`, decoded as a form value.
    pub fn query_param(&self, name: &str) -> Option<String> {
        Form::parse(query_of(&self.target).as_bytes())
            .get(name)
            .map(str::to_owned)
    }

    /// The first parameter `name` of a form body (the query protocol's), decoded.
    pub fn form_param(&self, name: &str) -> Option<String> {
        Form::parse(&self.body).get(name).map(str::to_owned)
    }

    /// The body as UTF-8 (lossy).
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}
