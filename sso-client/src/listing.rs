//! The SSO portal's listings (SPEC-commands §23): `ListAccounts` and `ListAccountRoles`,
//! their inputs, one validated page of each, and the `nextToken` rules of paging through
//! them. `Debug` never shows the access token.

use std::collections::HashSet;
use std::fmt;

use serde_json::{Map, Value};
use ssokit_http::encode_component;

use crate::error::{Error, ListingShapeDetail, Operation};

const REDACTED: &str = "** redacted **";

/// `max_result` of every listing request: the service's largest page.
pub const MAX_RESULTS: u32 = 100;

/// More pages than this is A-LOOP (a service that never stops).
pub const MAX_PAGES: usize = 1000;

/// Input of one `ListAccounts` page: the access token and, after the first page, the
/// `nextToken` the previous page returned.
#[derive(Clone, PartialEq, Eq)]
pub struct ListAccountsRequest {
    pub(crate) access_token: String,
    pub(crate) next_token: Option<String>,
}

impl ListAccountsRequest {
    /// The first page of the accounts `access_token` (an SSO access token) is assigned.
    pub fn new(access_token: impl Into<String>) -> Self {
        Self {
            access_token: access_token.into(),
            next_token: None,
        }
    }

    /// The page after the one that returned `next_token`.
    #[must_use]
    pub fn next_token(mut self, next_token: impl Into<String>) -> Self {
        self.next_token = Some(next_token.into());
        self
    }
}

impl fmt::Debug for ListAccountsRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ListAccountsRequest")
            .field("access_token", &REDACTED)
            .field("next_token", &self.next_token)
            .finish()
    }
}

/// Input of one `ListAccountRoles` page: the access token, the account and, after the
/// first page, the previous page's `nextToken`.
#[derive(Clone, PartialEq, Eq)]
pub struct ListAccountRolesRequest {
    pub(crate) access_token: String,
    pub(crate) account_id: String,
    pub(crate) next_token: Option<String>,
}

impl ListAccountRolesRequest {
    /// The first page of the roles `access_token` may use in `account_id`.
    pub fn new(access_token: impl Into<String>, account_id: impl Into<String>) -> Self {
        Self {
            access_token: access_token.into(),
            account_id: account_id.into(),
            next_token: None,
        }
    }

    /// The page after the one that returned `next_token`.
    #[must_use]
    pub fn next_token(mut self, next_token: impl Into<String>) -> Self {
        self.next_token = Some(next_token.into());
        self
    }

    /// The account id.
    pub fn account_id(&self) -> &str {
        &self.account_id
    }
}

impl fmt::Debug for ListAccountRolesRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ListAccountRolesRequest")
            .field("access_token", &REDACTED)
            .field("account_id", &self.account_id)
            .field("next_token", &self.next_token)
            .finish()
    }
}

/// One account of a `ListAccounts` answer (botocore's `AccountInfo`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AccountInfo {
    pub(crate) account_id: String,
    pub(crate) account_name: Option<String>,
    pub(crate) email_address: Option<String>,
}

impl AccountInfo {
    /// An account as the service describes it (for callers that build their own lists).
    pub fn new(
        account_id: impl Into<String>,
        account_name: Option<String>,
        email_address: Option<String>,
    ) -> Self {
        Self {
            account_id: account_id.into(),
            account_name,
            email_address,
        }
    }

    /// `accountId` (non-empty).
    pub fn account_id(&self) -> &str {
        &self.account_id
    }

    /// `accountName`, when the answer has one.
    pub fn account_name(&self) -> Option<&str> {
        self.account_name.as_deref()
    }

    /// `emailAddress`, when the answer has one.
    pub fn email_address(&self) -> Option<&str> {
        self.email_address.as_deref()
    }
}

/// One role of a `ListAccountRoles` answer (botocore's `RoleInfo`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RoleInfo {
    pub(crate) role_name: String,
    pub(crate) account_id: Option<String>,
}

impl RoleInfo {
    /// `roleName` (non-empty).
    pub fn role_name(&self) -> &str {
        &self.role_name
    }

    /// `accountId`, when the answer has one.
    pub fn account_id(&self) -> Option<&str> {
        self.account_id.as_deref()
    }
}

/// One validated `ListAccounts` page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountsPage {
    pub(crate) accounts: Vec<AccountInfo>,
    pub(crate) next_token: Option<String>,
}

impl AccountsPage {
    /// `accountList` (absent: empty), in the answer's order.
    pub fn accounts(&self) -> &[AccountInfo] {
        &self.accounts
    }

    /// The accounts, owned.
    pub fn into_accounts(self) -> Vec<AccountInfo> {
        self.accounts
    }

    /// `nextToken` when there is a next page (absent, `null` and `""` mean none).
    pub fn next_token(&self) -> Option<&str> {
        self.next_token.as_deref()
    }
}

/// One validated `ListAccountRoles` page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RolesPage {
    pub(crate) roles: Vec<RoleInfo>,
    pub(crate) next_token: Option<String>,
}

impl RolesPage {
    /// `roleList` (absent: empty), in the answer's order.
    pub fn roles(&self) -> &[RoleInfo] {
        &self.roles
    }

    /// The roles, owned.
    pub fn into_roles(self) -> Vec<RoleInfo> {
        self.roles
    }

    /// `nextToken` when there is a next page (absent, `null` and `""` mean none).
    pub fn next_token(&self) -> Option<&str> {
        self.next_token.as_deref()
    }
}

/// The `nextToken` rules of one listing (SPEC-commands §23): a page's token names the next
/// page; a token seen before, or more than [`MAX_PAGES`] pages, is A-LOOP.
///
/// ```
/// use ssokit_sso_client::{Operation, PageTokens};
///
/// let mut pages = PageTokens::new(Operation::ListAccounts);
/// assert_eq!(pages.next(Some("t1"))?, Some("t1"));
/// assert_eq!(pages.next(None)?, None);
/// let mut pages = PageTokens::new(Operation::ListAccounts);
/// pages.next(Some("t1"))?;
/// assert_eq!(
///     pages.next(Some("t1")).unwrap_err().to_string(),
///     "ListAccounts kept returning more pages (nextToken repeated or over 1000 pages); stopping"
/// );
/// # Ok::<(), ssokit_sso_client::Error>(())
/// ```
#[derive(Debug)]
pub struct PageTokens {
    operation: Operation,
    seen: HashSet<String>,
    pages: usize,
}

impl PageTokens {
    /// Before the first page of `operation`.
    pub fn new(operation: Operation) -> Self {
        Self {
            operation,
            seen: HashSet::new(),
            pages: 0,
        }
    }

    /// After a page whose `nextToken` is `token`: `Some(token)` for the next page, `None`
    /// when the listing is complete, or A-LOOP.
    pub fn next<'t>(&mut self, token: Option<&'t str>) -> Result<Option<&'t str>, Error> {
        self.pages += 1;
        let Some(token) = token else {
            return Ok(None);
        };
        if self.pages >= MAX_PAGES || !self.seen.insert(token.to_owned()) {
            return Err(Error::PageLoop(self.operation));
        }
        Ok(Some(token))
    }
}

/// `max_result=100[&next_token=<t>]` (keys sorted).
pub(crate) fn accounts_query(request: &ListAccountsRequest) -> String {
    let mut query = format!("max_result={MAX_RESULTS}");
    push_next_token(&mut query, request.next_token.as_deref());
    query
}

/// `account_id=<a>&max_result=100[&next_token=<t>]` (keys sorted).
pub(crate) fn roles_query(request: &ListAccountRolesRequest) -> String {
    let mut query = format!(
        "account_id={}&max_result={MAX_RESULTS}",
        encode_component(&request.account_id)
    );
    push_next_token(&mut query, request.next_token.as_deref());
    query
}

fn push_next_token(query: &mut String, next_token: Option<&str>) {
    if let Some(token) = next_token {
        query.push_str("&next_token=");
        query.push_str(&encode_component(token));
    }
}

/// Validates a 2xx `ListAccounts` body. `invalid_json` builds N-JSON.
pub(crate) fn parse_accounts(
    body: &[u8],
    invalid_json: impl FnOnce() -> Error,
) -> Result<AccountsPage, Error> {
    let operation = Operation::ListAccounts;
    let object = listing_object(operation, body, invalid_json)?;
    let next_token = next_token(operation, &object)?;
    let accounts = list(operation, &object, "accountList")?
        .iter()
        .enumerate()
        .map(|(index, item)| {
            let member = |name: &'static str| optional(operation, "accountList", index, item, name);
            Ok(AccountInfo {
                account_id: required(operation, "accountList", index, item, "accountId")?,
                account_name: member("accountName")?,
                email_address: member("emailAddress")?,
            })
        })
        .collect::<Result<_, Error>>()?;
    Ok(AccountsPage {
        accounts,
        next_token,
    })
}

/// Validates a 2xx `ListAccountRoles` body. `invalid_json` builds N-JSON.
pub(crate) fn parse_roles(
    body: &[u8],
    invalid_json: impl FnOnce() -> Error,
) -> Result<RolesPage, Error> {
    let operation = Operation::ListAccountRoles;
    let object = listing_object(operation, body, invalid_json)?;
    let next_token = next_token(operation, &object)?;
    let roles = list(operation, &object, "roleList")?
        .iter()
        .enumerate()
        .map(|(index, item)| {
            Ok(RoleInfo {
                role_name: required(operation, "roleList", index, item, "roleName")?,
                account_id: optional(operation, "roleList", index, item, "accountId")?,
            })
        })
        .collect::<Result<_, Error>>()?;
    Ok(RolesPage { roles, next_token })
}

fn shape(operation: Operation, detail: ListingShapeDetail) -> Error {
    Error::InvalidListing { operation, detail }
}

/// The answer's members: an empty body is an empty listing; JSON that is not an object is
/// A-SHAPE; text that is not JSON is N-JSON.
fn listing_object(
    operation: Operation,
    body: &[u8],
    invalid_json: impl FnOnce() -> Error,
) -> Result<Map<String, Value>, Error> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice(body) {
        Ok(Value::Object(object)) => Ok(object),
        Ok(_) => Err(shape(operation, ListingShapeDetail::NotAnObject)),
        Err(_) => Err(invalid_json()),
    }
}

/// `nextToken`: absent, `null` or `""` is none; another string is the next page; any other
/// value is A-SHAPE.
fn next_token(operation: Operation, object: &Map<String, Value>) -> Result<Option<String>, Error> {
    match object.get("nextToken") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(shape(operation, ListingShapeDetail::NextTokenNotAString)),
    }
}

/// The list member `name`: absent or `null` is empty, else it must be an array.
fn list<'a>(
    operation: Operation,
    object: &'a Map<String, Value>,
    name: &'static str,
) -> Result<&'a [Value], Error> {
    match object.get(name) {
        None | Some(Value::Null) => Ok(&[]),
        Some(Value::Array(items)) => Ok(items),
        Some(_) => Err(shape(operation, ListingShapeDetail::NotAnArray(name))),
    }
}

/// `<list>[<index>].<name>`: a non-empty string.
fn required(
    operation: Operation,
    list: &'static str,
    index: usize,
    item: &Value,
    name: &'static str,
) -> Result<String, Error> {
    match item.get(name) {
        Some(Value::String(s)) if !s.is_empty() => Ok(s.clone()),
        _ => Err(shape(
            operation,
            ListingShapeDetail::MissingMember { list, index, name },
        )),
    }
}

/// `<list>[<index>].<name>`: absent or `null` is none, else a string.
fn optional(
    operation: Operation,
    list: &'static str,
    index: usize,
    item: &Value,
    name: &'static str,
) -> Result<Option<String>, Error> {
    match item.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(shape(
            operation,
            ListingShapeDetail::MemberNotAString { list, index, name },
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nj() -> Error {
        Error::InvalidJson {
            operation: Operation::ListAccounts,
            url: "u".into(),
            status: 200,
        }
    }

    #[test]
    fn queries_are_sorted_and_strictly_encoded() {
        let first = ListAccountsRequest::new("at");
        assert_eq!(accounts_query(&first), "max_result=100");
        assert_eq!(
            accounts_query(&first.next_token("a/b+c=")),
            "max_result=100&next_token=a%2Fb%2Bc%3D"
        );
        let roles = ListAccountRolesRequest::new("at", "444455556666");
        assert_eq!(
            roles_query(&roles),
            "account_id=444455556666&max_result=100"
        );
        assert_eq!(
            roles_query(&roles.next_token("t 1")),
            "account_id=444455556666&max_result=100&next_token=t%201"
        );
    }

    #[test]
    fn pages_are_validated() {
        let page = parse_accounts(
            br#"{"nextToken":"t2","accountList":[{"accountId":"111122223333","accountName":"Sandbox","emailAddress":"s@example.com"},{"accountId":"444455556666","accountName":null,"x":1}]}"#,
            nj,
        )
        .unwrap();
        assert_eq!(page.next_token(), Some("t2"));
        assert_eq!(
            page.accounts(),
            [
                AccountInfo::new(
                    "111122223333",
                    Some("Sandbox".into()),
                    Some("s@example.com".into())
                ),
                AccountInfo::new("444455556666", None, None),
            ]
        );
        for body in ["", " \n", "{}", r#"{"accountList":null,"nextToken":""}"#] {
            let page = parse_accounts(body.as_bytes(), nj).unwrap();
            assert_eq!(
                (page.accounts(), page.next_token()),
                (&[][..], None),
                "{body}"
            );
        }
        let roles = parse_roles(
            br#"{"nextToken":null,"roleList":[{"roleName":"SessionRole","accountId":"444455556666"},{"roleName":"ReadOnly"}]}"#,
            nj,
        )
        .unwrap();
        assert_eq!(roles.next_token(), None);
        let names: Vec<_> = roles.roles().iter().map(RoleInfo::role_name).collect();
        assert_eq!(names, ["SessionRole", "ReadOnly"]);
        assert_eq!(roles.roles()[0].account_id(), Some("444455556666"));
    }

    #[test]
    fn shape_errors_have_the_spec_texts() {
        let accounts = |body: &str| parse_accounts(body.as_bytes(), nj).unwrap_err().to_string();
        let roles = |body: &str| parse_roles(body.as_bytes(), nj).unwrap_err().to_string();
        assert_eq!(
            accounts(r#"{"accountList":{}}"#),
            "ListAccounts response is not valid: accountList is not an array"
        );
        assert_eq!(
            accounts(r#"{"accountList":[{"accountId":"1"},{"accountId":""}]}"#),
            "ListAccounts response is not valid: accountList[1].accountId is missing or empty"
        );
        assert_eq!(
            accounts(r#"{"accountList":[7]}"#),
            "ListAccounts response is not valid: accountList[0].accountId is missing or empty"
        );
        assert_eq!(
            accounts(r#"{"nextToken":5}"#),
            "ListAccounts response is not valid: nextToken is not a string"
        );
        assert_eq!(
            accounts(r#"{"accountList":[{"accountId":"1","emailAddress":3}]}"#),
            "ListAccounts response is not valid: accountList[0].emailAddress is not a string"
        );
        assert_eq!(
            accounts("[]"),
            "ListAccounts response is not valid: response is not a JSON object"
        );
        assert!(matches!(
            parse_accounts(b"<html>", nj),
            Err(Error::InvalidJson { status: 200, .. })
        ));
        assert_eq!(
            roles(r#"{"roleList":"SessionRole"}"#),
            "ListAccountRoles response is not valid: roleList is not an array"
        );
        assert_eq!(
            roles(r#"{"roleList":[{"accountId":"1"}]}"#),
            "ListAccountRoles response is not valid: roleList[0].roleName is missing or empty"
        );
        assert_eq!(
            roles(r#"{"nextToken":true}"#),
            "ListAccountRoles response is not valid: nextToken is not a string"
        );
    }

    #[test]
    fn page_tokens_stop_repeats_and_runaway_listings() {
        let mut pages = PageTokens::new(Operation::ListAccountRoles);
        assert_eq!(pages.next(Some("a")).unwrap(), Some("a"));
        assert_eq!(pages.next(Some("b")).unwrap(), Some("b"));
        assert_eq!(
            pages.next(Some("a")).unwrap_err().to_string(),
            "ListAccountRoles kept returning more pages (nextToken repeated or over 1000 pages); stopping"
        );
        let mut pages = PageTokens::new(Operation::ListAccounts);
        for n in 1..MAX_PAGES {
            assert!(pages.next(Some(&n.to_string())).is_ok(), "page {n}");
        }
        // Page 1000 may be the last, but it may not ask for a 1001st.
        assert!(matches!(
            pages.next(Some("more")),
            Err(Error::PageLoop(Operation::ListAccounts))
        ));
        let mut pages = PageTokens::new(Operation::ListAccounts);
        for n in 1..MAX_PAGES {
            pages.next(Some(&n.to_string())).unwrap();
        }
        assert_eq!(pages.next(None).unwrap(), None);
    }

    #[test]
    fn debug_hides_the_token() {
        let text = format!(
            "{:?} {:?}",
            ListAccountsRequest::new("session-at").next_token("t"),
            ListAccountRolesRequest::new("session-at", "1")
        );
        assert!(!text.contains("session-at"), "{text}");
        assert!(text.contains("next_token: Some(\"t\")"), "{text}");
    }
}
