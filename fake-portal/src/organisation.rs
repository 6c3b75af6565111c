//! The fake portal's organisation: the accounts and roles its `ListAccounts` and
//! `ListAccountRoles` answer, paginated, in the portal's wire format.

use std::collections::HashMap;

use serde_json::{Map, Value, json};

use crate::answer::Answer;
use crate::form::Form;
use crate::operation::Operation;
use crate::request::RecordedRequest;

/// The page size of [`Organisation::fixture`]: its three accounts take two pages.
pub const FIXTURE_PAGE_SIZE: usize = 2;

/// Prefix of the fake's `ListAccounts` page tokens.
const ACCOUNTS_TOKEN: &str = "fake-accounts-from-";
/// Prefix of the fake's `ListAccountRoles` page tokens (the account id follows).
const ROLES_TOKEN: &str = "fake-roles-";

/// One account of a fake [`Organisation`] and the roles the caller may use in it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FakeAccount {
    /// `accountId`.
    pub account_id: String,
    /// `accountName` (absent from the answer when `None`).
    pub account_name: Option<String>,
    /// `emailAddress` (absent from the answer when `None`).
    pub email_address: Option<String>,
    /// The role names, in the order `ListAccountRoles` lists them.
    pub roles: Vec<String>,
}

impl FakeAccount {
    /// An account with a name, an email address and roles.
    pub fn new(account_id: &str, name: &str, email: &str, roles: &[&str]) -> Self {
        Self {
            account_id: account_id.to_owned(),
            account_name: Some(name.to_owned()),
            email_address: Some(email.to_owned()),
            roles: roles.iter().map(|r| (*r).to_owned()).collect(),
        }
    }
}

/// The accounts and roles the fake portal's listings answer (SPEC-commands §23), their
/// page size, and `ListAccountRoles` throttling per account.
///
/// The default is [`fixture`](Self::fixture): SPEC §13's two accounts and a third, two
/// per page. [`generated`](Self::generated) makes a large one for pagination and pacing
/// tests and benchmarks.
///
/// ```
/// use ssokit_fake_portal::Organisation;
///
/// let org = Organisation::generated(500, 3).page_size(100);
/// assert_eq!(org.accounts().len(), 500);
/// assert_eq!(org.accounts()[0].account_id, "100000000000");
/// assert_eq!(org.accounts()[499].roles, ["Role1", "Role2", "Role3"]);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Organisation {
    accounts: Vec<FakeAccount>,
    page_size: usize,
    /// Per account: how many more `ListAccountRoles` requests answer 429.
    throttled_roles: HashMap<String, usize>,
}

impl Default for Organisation {
    fn default() -> Self {
        Self::fixture()
    }
}

impl Organisation {
    /// SPEC §13's accounts and a third, [`FIXTURE_PAGE_SIZE`] per page (two
    /// `ListAccounts` pages, one `ListAccountRoles` page each), in this order:
    /// `111122223333` `Sandbox` (`LegacyRole`, `ReadOnly`), `444455556666` `Dev`
    /// (`SessionRole`, `ReadOnly`), `777788889999` `Audit` (`ReadOnly`); emails
    /// `<name in lower case>@example.com`.
    pub fn fixture() -> Self {
        Self::new(vec![
            FakeAccount::new(
                "111122223333",
                "Sandbox",
                "sandbox@example.com",
                &["LegacyRole", "ReadOnly"],
            ),
            FakeAccount::new(
                "444455556666",
                "Dev",
                "dev@example.com",
                &["SessionRole", "ReadOnly"],
            ),
            FakeAccount::new("777788889999", "Audit", "audit@example.com", &["ReadOnly"]),
        ])
        .page_size(FIXTURE_PAGE_SIZE)
    }

    /// `accounts` accounts with `roles` roles each: ids `100000000000` upwards, names
    /// `account-0000` upwards, emails `account-0000@example.com`, roles `Role1` to
    /// `Role<roles>`; 100 per page (the service's largest page).
    pub fn generated(accounts: usize, roles: usize) -> Self {
        let role_names: Vec<String> = (1..=roles).map(|r| format!("Role{r}")).collect();
        Self::new(
            (0..accounts)
                .map(|i| FakeAccount {
                    account_id: (100_000_000_000_u64 + u64::try_from(i).unwrap_or(0)).to_string(),
                    account_name: Some(format!("account-{i:04}")),
                    email_address: Some(format!("account-{i:04}@example.com")),
                    roles: role_names.clone(),
                })
                .collect(),
        )
    }

    /// These accounts, 100 per page.
    pub fn new(accounts: Vec<FakeAccount>) -> Self {
        Self {
            accounts,
            page_size: 100,
            throttled_roles: HashMap::new(),
        }
    }

    /// At most `size` items per page (at least 1), and never more than the request's
    /// `max_result`.
    #[must_use]
    pub fn page_size(mut self, size: usize) -> Self {
        self.page_size = size.max(1);
        self
    }

    /// The first `times` `ListAccountRoles` requests for `account_id` answer 429
    /// `TooManyRequestsException` (the service's throttle on one account).
    #[must_use]
    pub fn throttle_roles(mut self, account_id: &str, times: usize) -> Self {
        self.throttled_roles.insert(account_id.to_owned(), times);
        self
    }

    /// The accounts, in listing order.
    pub fn accounts(&self) -> &[FakeAccount] {
        &self.accounts
    }

    /// The answer to a listing request: 401 without a bearer token, 400 for a page token
    /// the fake did not issue, a scripted throttle, else the page.
    pub(crate) fn answer(&mut self, operation: Operation, request: &RecordedRequest) -> Answer {
        if request
            .header("x-amz-sso_bearer_token")
            .is_none_or(str::is_empty)
        {
            return Answer::service_error(
                operation,
                "UnauthorizedException",
                "Session token not found or invalid",
            );
        }
        let query = Form::parse(
            request
                .target
                .split_once('?')
                .map_or("", |(_, q)| q)
                .as_bytes(),
        );
        let limit = query
            .get("max_result")
            .and_then(|m| m.parse::<usize>().ok())
            .unwrap_or(self.page_size)
            .clamp(1, self.page_size);
        if operation == Operation::ListAccounts {
            self.accounts_page(&query, limit)
        } else {
            self.roles_page(&query, limit)
        }
    }

    /// A `ListAccounts` page.
    fn accounts_page(&self, query: &Form, limit: usize) -> Answer {
        let Some(start) = start_of(query.get("next_token"), ACCOUNTS_TOKEN) else {
            return invalid_token(Operation::ListAccounts);
        };
        let items: Vec<Value> = self
            .accounts
            .iter()
            .map(|a| {
                let mut item = Map::new();
                item.insert("accountId".into(), json!(a.account_id));
                if let Some(name) = &a.account_name {
                    item.insert("accountName".into(), json!(name));
                }
                if let Some(email) = &a.email_address {
                    item.insert("emailAddress".into(), json!(email));
                }
                Value::Object(item)
            })
            .collect();
        page(&items, start, limit, ACCOUNTS_TOKEN, "accountList")
    }

    /// A `ListAccountRoles` page, or the account's scripted throttle.
    fn roles_page(&mut self, query: &Form, limit: usize) -> Answer {
        let operation = Operation::ListAccountRoles;
        let account_id = query.get("account_id").unwrap_or_default().to_owned();
        if let Some(left) = self.throttled_roles.get_mut(&account_id)
            && *left > 0
        {
            *left -= 1;
            return Answer::service_error(
                operation,
                "TooManyRequestsException",
                "Too many requests",
            );
        }
        let prefix = format!("{ROLES_TOKEN}{account_id}-from-");
        let Some(start) = start_of(query.get("next_token"), &prefix) else {
            return invalid_token(operation);
        };
        let items: Vec<Value> = self
            .accounts
            .iter()
            .find(|a| a.account_id == account_id)
            .map(|a| {
                a.roles
                    .iter()
                    .map(|r| json!({"roleName": r, "accountId": a.account_id}))
                    .collect()
            })
            .unwrap_or_default();
        page(&items, start, limit, &prefix, "roleList")
    }
}

/// The first index of the page `token` names: 0 without one, `None` for a token the fake
/// did not issue.
fn start_of(token: Option<&str>, prefix: &str) -> Option<usize> {
    match token {
        None => Some(0),
        Some(token) => token.strip_prefix(prefix)?.parse().ok(),
    }
}

/// `{"nextToken":…,"<list>":[…]}` for `items[start..start + limit]`; `nextToken` only
/// when more follow.
fn page(items: &[Value], start: usize, limit: usize, prefix: &str, list: &str) -> Answer {
    let end = items.len().min(start.saturating_add(limit));
    let mut body = Map::new();
    if end < items.len() {
        body.insert("nextToken".into(), json!(format!("{prefix}{end}")));
    }
    body.insert(
        list.into(),
        Value::Array(items.get(start..end).unwrap_or_default().to_vec()),
    );
    Answer::json(200, Value::Object(body).to_string())
}

fn invalid_token(operation: Operation) -> Answer {
    Answer::service_error(
        operation,
        "InvalidRequestException",
        "Invalid nextToken provided",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(target: &str) -> RecordedRequest {
        RecordedRequest {
            operation: None,
            method: "GET".into(),
            target: target.into(),
            version: "HTTP/1.1".into(),
            headers: vec![("x-amz-sso_bearer_token".into(), "at".into())],
            body: Vec::new(),
        }
    }

    fn body(answer: &Answer) -> String {
        String::from_utf8_lossy(&answer.body).into_owned()
    }

    #[test]
    fn the_fixture_pages_in_twos() {
        let mut org = Organisation::fixture();
        let first = org.answer(
            Operation::ListAccounts,
            &get("/assignment/accounts?max_result=100"),
        );
        assert_eq!(
            body(&first),
            r#"{"nextToken":"fake-accounts-from-2","accountList":[{"accountId":"111122223333","accountName":"Sandbox","emailAddress":"sandbox@example.com"},{"accountId":"444455556666","accountName":"Dev","emailAddress":"dev@example.com"}]}"#
        );
        let second = org.answer(
            Operation::ListAccounts,
            &get("/assignment/accounts?max_result=100&next_token=fake-accounts-from-2"),
        );
        assert_eq!(
            body(&second),
            r#"{"accountList":[{"accountId":"777788889999","accountName":"Audit","emailAddress":"audit@example.com"}]}"#
        );
        let roles = org.answer(
            Operation::ListAccountRoles,
            &get("/assignment/roles?account_id=444455556666&max_result=100"),
        );
        assert_eq!(
            body(&roles),
            r#"{"roleList":[{"roleName":"SessionRole","accountId":"444455556666"},{"roleName":"ReadOnly","accountId":"444455556666"}]}"#
        );
        let bad = org.answer(
            Operation::ListAccounts,
            &get("/assignment/accounts?max_result=100&next_token=nope"),
        );
        assert_eq!(bad.status, 400);
        let mut anonymous = get("/assignment/accounts");
        anonymous.headers.clear();
        assert_eq!(org.answer(Operation::ListAccounts, &anonymous).status, 401);
    }

    #[test]
    fn throttles_one_account_then_answers() {
        let mut org = Organisation::generated(3, 1).throttle_roles("100000000001", 1);
        let target = "/assignment/roles?account_id=100000000001&max_result=100";
        assert_eq!(
            org.answer(Operation::ListAccountRoles, &get(target)).status,
            429
        );
        assert_eq!(
            org.answer(Operation::ListAccountRoles, &get(target)).status,
            200
        );
        let other = "/assignment/roles?account_id=100000000002&max_result=1";
        let page = org.answer(Operation::ListAccountRoles, &get(other));
        assert_eq!(
            body(&page),
            r#"{"roleList":[{"roleName":"Role1","accountId":"100000000002"}]}"#
        );
    }
}
