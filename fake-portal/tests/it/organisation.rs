//! The portal's listings over a real socket: pages in the wire format, the organisation
//! swapped, scripted throttles (an index of the operation's requests, or one account's),
//! the 401 of a request without a token, and how many were answered at once.

use std::time::Duration;

use ssokit_fake_portal::{Answer, FakePortal, Operation, Organisation};

use crate::{exchange, get, parse};

#[test]
fn the_fixture_organisation_in_two_pages() {
    let fake = FakePortal::start().unwrap();
    let first = parse(&get(fake.addr(), "/assignment/accounts?max_result=100"));
    assert_eq!(first.status_line, "HTTP/1.1 200 OK");
    assert_eq!(first.header("content-type"), Some("application/json"));
    assert_eq!(
        first.body_text(),
        r#"{"nextToken":"fake-accounts-from-2","accountList":[{"accountId":"111122223333","accountName":"Sandbox","emailAddress":"sandbox@example.com"},{"accountId":"444455556666","accountName":"Dev","emailAddress":"dev@example.com"}]}"#
    );
    let roles = parse(&get(
        fake.addr(),
        "/p/assignment/roles?account_id=777788889999&max_result=100",
    ));
    assert_eq!(
        roles.body_text(),
        r#"{"roleList":[{"roleName":"ReadOnly","accountId":"777788889999"}]}"#
    );
    assert_eq!(fake.count(Operation::ListAccounts), 1);
    assert_eq!(fake.count(Operation::ListAccountRoles), 1);
    let anonymous = parse(&exchange(
        fake.addr(),
        "GET /assignment/accounts HTTP/1.1\r\nHost: fake\r\nConnection: close\r\n\r\n",
    ));
    assert_eq!(anonymous.status_line, "HTTP/1.1 401 Unauthorized");
    assert_eq!(
        anonymous.body_text(),
        r#"{"message":"Session token not found or invalid"}"#
    );
    assert!(
        anonymous
            .header("x-amzn-errortype")
            .unwrap()
            .starts_with("UnauthorizedException:")
    );
}

#[test]
fn a_large_organisation_with_scripted_throttles() {
    let fake = FakePortal::start().unwrap();
    fake.organisation(
        Organisation::generated(250, 3)
            .page_size(100)
            .throttle_roles("100000000007", 1),
    );
    // 429 on the second request of ListAccounts, the page itself afterwards.
    fake.script(
        Operation::ListAccounts,
        [
            Answer::default_for(Operation::ListAccounts),
            Answer::service_error(
                Operation::ListAccounts,
                "TooManyRequestsException",
                "Rate exceeded",
            ),
            Answer::default_for(Operation::ListAccounts),
        ],
    );
    let first = parse(&get(fake.addr(), "/assignment/accounts?max_result=100"));
    assert!(
        first
            .body_text()
            .starts_with(r#"{"nextToken":"fake-accounts-from-100","accountList":[{"accountId":"100000000000","accountName":"account-0000","#),
        "{}",
        first.body_text()
    );
    let target = "/assignment/accounts?max_result=100&next_token=fake-accounts-from-200";
    let throttled = parse(&get(fake.addr(), target));
    assert_eq!(throttled.status_line, "HTTP/1.1 429 Too Many Requests");
    let last = parse(&get(fake.addr(), target)).body_text();
    assert!(!last.contains("nextToken"), "{last}");
    assert_eq!(last.matches("accountId").count(), 50);
    let roles = "/assignment/roles?account_id=100000000007&max_result=2";
    assert_eq!(
        parse(&get(fake.addr(), roles)).status_line,
        "HTTP/1.1 429 Too Many Requests"
    );
    let page = parse(&get(fake.addr(), roles)).body_text();
    assert_eq!(
        page,
        r#"{"nextToken":"fake-roles-100000000007-from-2","roleList":[{"roleName":"Role1","accountId":"100000000007"},{"roleName":"Role2","accountId":"100000000007"}]}"#
    );
    let bad = parse(&get(
        fake.addr(),
        "/assignment/roles?account_id=100000000007&max_result=2&next_token=fake-accounts-from-2",
    ));
    assert_eq!(bad.status_line, "HTTP/1.1 400 Bad Request");
    // The organisation survives a reset.
    fake.reset();
    let again = parse(&get(fake.addr(), "/assignment/accounts?max_result=1")).body_text();
    assert!(again.contains("fake-accounts-from-1"), "{again}");
}

#[test]
fn counts_the_requests_answered_at_once() {
    let fake = FakePortal::start().unwrap();
    fake.script(
        Operation::ListAccountRoles,
        [Answer::default_for(Operation::ListAccountRoles).delay(Duration::from_millis(300))],
    );
    let addr = fake.addr();
    let threads: Vec<_> = (0..3)
        .map(|_| {
            std::thread::spawn(move || {
                parse(&get(
                    addr,
                    "/assignment/roles?account_id=444455556666&max_result=100",
                ))
            })
        })
        .collect();
    for thread in threads {
        assert_eq!(thread.join().unwrap().status_line, "HTTP/1.1 200 OK");
    }
    assert_eq!(fake.max_in_flight(), 3);
}
