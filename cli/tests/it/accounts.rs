//! `ssokit accounts` and `ssokit roles` against the fake portal (SPEC-commands §23, §26
//! scenario 17): the tables and JSON, sorting and the PROFILES column, 429s retried (a
//! large organisation too), A-LOOP, A-401, A-SHAPE, usage errors, and no secret on stderr
//! with `-v`.

use ssokit_fake_portal::{Answer, Operation, Organisation};

use crate::{SECRETS, Sandbox};

const ROLES_TABLE: &str = "\
ACCOUNT ID    ACCOUNT NAME  ROLE         PROFILES
777788889999  Audit         ReadOnly     -
444455556666  Dev           ReadOnly     -
444455556666  Dev           SessionRole  s
111122223333  Sandbox       LegacyRole   -
111122223333  Sandbox       ReadOnly     -
";

const ROLES_JSON: &str = r#"[
  {
    "accountId": "777788889999",
    "accountName": "Audit",
    "roleName": "ReadOnly",
    "profiles": []
  },
  {
    "accountId": "444455556666",
    "accountName": "Dev",
    "roleName": "ReadOnly",
    "profiles": []
  },
  {
    "accountId": "444455556666",
    "accountName": "Dev",
    "roleName": "SessionRole",
    "profiles": [
      "s"
    ]
  },
  {
    "accountId": "111122223333",
    "accountName": "Sandbox",
    "roleName": "LegacyRole",
    "profiles": []
  },
  {
    "accountId": "111122223333",
    "accountName": "Sandbox",
    "roleName": "ReadOnly",
    "profiles": []
  }
]
"#;

fn throttle_roles_once(sandbox: &Sandbox) {
    sandbox.portal.script(
        Operation::ListAccountRoles,
        [
            Answer::service_error(
                Operation::ListAccountRoles,
                "TooManyRequestsException",
                "Too many requests",
            ),
            Answer::default_for(Operation::ListAccountRoles),
        ],
    );
}

/// The request targets of `operation`, sorted.
fn sorted_targets(sandbox: &Sandbox, operation: Operation) -> Vec<String> {
    let mut targets: Vec<String> = sandbox
        .portal
        .requests()
        .into_iter()
        .filter(|r| r.operation == Some(operation))
        .map(|r| r.target)
        .collect();
    targets.sort();
    targets
}

#[test]
fn scenario_17_roles_table_after_one_throttle() {
    let sandbox = Sandbox::new();
    throttle_roles_once(&sandbox);
    let stdout = sandbox.run(&["roles", "--sso-session", "dev"]).success();
    assert_eq!(stdout, ROLES_TABLE);
    assert_eq!(
        sorted_targets(&sandbox, Operation::ListAccounts),
        [
            "/assignment/accounts?max_result=100",
            "/assignment/accounts?max_result=100&next_token=fake-accounts-from-2",
        ]
    );
    let roles = sorted_targets(&sandbox, Operation::ListAccountRoles);
    assert_eq!(roles.len(), 4, "three accounts, one retried: {roles:?}");
    let mut distinct = roles.clone();
    distinct.dedup();
    assert_eq!(
        distinct,
        [
            "/assignment/roles?account_id=111122223333&max_result=100",
            "/assignment/roles?account_id=444455556666&max_result=100",
            "/assignment/roles?account_id=777788889999&max_result=100",
        ]
    );
    assert_eq!(sandbox.portal.requests().len(), 6);
    for request in sandbox.portal.requests() {
        assert_eq!(request.header("x-amz-sso_bearer_token"), Some("session-at"));
    }
}

#[test]
fn scenario_17_roles_json_after_one_throttle() {
    let sandbox = Sandbox::new();
    throttle_roles_once(&sandbox);
    let stdout = sandbox
        .run(&["roles", "--sso-session", "dev", "--format", "json"])
        .success();
    assert_eq!(stdout, ROLES_JSON);
    assert_eq!(sandbox.portal.requests().len(), 6);
}

#[test]
fn accounts_table_and_json() {
    let sandbox = Sandbox::new();
    let stdout = sandbox.run(&["accounts", "--profile", "s"]).success();
    assert_eq!(
        stdout,
        "ACCOUNT ID    NAME     EMAIL\n\
         777788889999  Audit    audit@example.com\n\
         444455556666  Dev      dev@example.com\n\
         111122223333  Sandbox  sandbox@example.com\n"
    );
    let stdout = sandbox
        .run(&["accounts", "--sso-session", "dev", "--format", "json"])
        .success();
    assert_eq!(
        stdout,
        r#"[
  {
    "accountId": "777788889999",
    "accountName": "Audit",
    "emailAddress": "audit@example.com"
  },
  {
    "accountId": "444455556666",
    "accountName": "Dev",
    "emailAddress": "dev@example.com"
  },
  {
    "accountId": "111122223333",
    "accountName": "Sandbox",
    "emailAddress": "sandbox@example.com"
  }
]
"#
    );
    assert_eq!(sandbox.portal.count(Operation::ListAccountRoles), 0);
}

#[test]
fn empty_listings_and_missing_members() {
    let sandbox = Sandbox::new();
    sandbox.portal.organisation(Organisation::new(Vec::new()));
    let run = sandbox.run(&["accounts", "--sso-session", "dev"]);
    assert_eq!(run.success(), "ACCOUNT ID  NAME  EMAIL\n");
    let run = sandbox.run(&["roles", "--sso-session", "dev", "--format", "json"]);
    assert_eq!(run.success(), "[]\n");
    sandbox.portal.script(
        Operation::ListAccounts,
        [Answer::json(
            200,
            r#"{"accountList":[{"accountId":"123456789012"}]}"#,
        )],
    );
    let run = sandbox.run(&["accounts", "--sso-session", "dev"]);
    assert_eq!(
        run.success(),
        "ACCOUNT ID    NAME  EMAIL\n123456789012  -     -\n"
    );
    let run = sandbox.run(&["accounts", "--sso-session", "dev", "--format", "json"]);
    assert_eq!(
        run.success(),
        "[\n  {\n    \"accountId\": \"123456789012\",\n    \"accountName\": null,\n    \"emailAddress\": null\n  }\n]\n"
    );
}

#[test]
fn roles_of_one_account_and_of_a_legacy_profile() {
    let sandbox = Sandbox::new();
    let stdout = sandbox
        .run(&["roles", "--profile", "s", "--account", "444455556666"])
        .success();
    assert_eq!(
        stdout,
        "ACCOUNT ID    ACCOUNT NAME  ROLE         PROFILES\n\
         444455556666  -             ReadOnly     -\n\
         444455556666  -             SessionRole  s\n"
    );
    assert_eq!(sandbox.portal.count(Operation::ListAccounts), 0);
    sandbox.portal.reset();
    let stdout = sandbox.run(&["roles", "--profile", "a"]).success();
    assert!(
        stdout.contains("111122223333  Sandbox       LegacyRole   a\n"),
        "{stdout}"
    );
    for request in sandbox.portal.requests() {
        assert_eq!(request.header("x-amz-sso_bearer_token"), Some("legacy-at"));
    }
}

#[test]
fn a_large_organisation_finishes_despite_a_throttled_page() {
    let sandbox = Sandbox::new();
    sandbox
        .portal
        .organisation(Organisation::generated(1000, 1).page_size(100));
    let page = Answer::default_for(Operation::ListAccounts);
    let mut script = vec![page.clone(); 6];
    script.push(Answer::service_error(
        Operation::ListAccounts,
        "TooManyRequestsException",
        "Too many requests",
    ));
    script.push(page);
    sandbox.portal.script(Operation::ListAccounts, script);
    let stdout = sandbox.run(&["accounts", "--sso-session", "dev"]).success();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 1001);
    assert_eq!(
        lines[1],
        "100000000000  account-0000  account-0000@example.com"
    );
    assert_eq!(
        lines[1000],
        "100000000999  account-0999  account-0999@example.com"
    );
    // Ten pages and the throttled page's retry.
    assert_eq!(sandbox.portal.count(Operation::ListAccounts), 11);
}

#[test]
fn a_repeated_next_token_is_a_loop() {
    let sandbox = Sandbox::new();
    sandbox.portal.script(
        Operation::ListAccounts,
        [Answer::json(
            200,
            r#"{"nextToken":"again","accountList":[{"accountId":"123456789012"}]}"#,
        )],
    );
    let stderr = sandbox.run(&["roles", "--sso-session", "dev"]).failure();
    assert_eq!(
        stderr,
        "ssokit: error: ListAccounts kept returning more pages (nextToken repeated or over 1000 pages); stopping\n"
    );
    assert_eq!(sandbox.portal.count(Operation::ListAccounts), 2);
    assert_eq!(sandbox.portal.count(Operation::ListAccountRoles), 0);
}

#[test]
fn a_401_names_the_login() {
    let sandbox = Sandbox::new();
    sandbox.portal.script(
        Operation::ListAccountRoles,
        [Answer::service_error(
            Operation::ListAccountRoles,
            "UnauthorizedException",
            "Session token not found or invalid",
        )],
    );
    let stderr = sandbox.run(&["roles", "--profile", "s"]).failure();
    assert_eq!(
        stderr,
        "ssokit: error: The SSO session for sso-session \"dev\" has expired or is otherwise invalid (UnauthorizedException: Session token not found or invalid). Run \"ssokit login --sso-session dev\".\n"
    );
    sandbox.portal.script(
        Operation::ListAccounts,
        [Answer::service_error(
            Operation::ListAccounts,
            "UnauthorizedException",
            "Session token not found or invalid",
        )],
    );
    let stderr = sandbox.run(&["accounts", "--profile", "a"]).failure();
    assert_eq!(
        stderr,
        "ssokit: error: The SSO session for start URL https://d-abc123.awsapps.com/start has expired or is otherwise invalid (UnauthorizedException: Session token not found or invalid). Run \"ssokit login --profile a\".\n"
    );
    assert_eq!(sandbox.portal.count(Operation::ListAccounts), 1);
}

#[test]
fn shape_and_http_errors() {
    let sandbox = Sandbox::new();
    let cases = [
        (
            Operation::ListAccounts,
            Answer::json(200, r#"{"accountList":{}}"#),
            "ListAccounts response is not valid: accountList is not an array",
        ),
        (
            Operation::ListAccounts,
            Answer::json(200, r#"{"accountList":[{"accountName":"x"}]}"#),
            "ListAccounts response is not valid: accountList[0].accountId is missing or empty",
        ),
        (
            Operation::ListAccounts,
            Answer::json(200, r#"{"nextToken":7,"accountList":[]}"#),
            "ListAccounts response is not valid: nextToken is not a string",
        ),
        (
            Operation::ListAccountRoles,
            Answer::json(200, r#"{"roleList":"ReadOnly"}"#),
            "ListAccountRoles response is not valid: roleList is not an array",
        ),
        (
            Operation::ListAccountRoles,
            Answer::json(200, r#"{"roleList":[{"roleName":""}]}"#),
            "ListAccountRoles response is not valid: roleList[0].roleName is missing or empty",
        ),
        (
            Operation::ListAccountRoles,
            Answer::service_error(
                Operation::ListAccountRoles,
                "ForbiddenException",
                "No access",
            ),
            "ListAccountRoles failed: HTTP 403 ForbiddenException: No access",
        ),
    ];
    for (operation, answer, message) in cases {
        sandbox.portal.reset();
        sandbox.portal.script(operation, [answer]);
        let stderr = sandbox.run(&["roles", "--sso-session", "dev"]).failure();
        assert_eq!(stderr, format!("ssokit: error: {message}\n"));
    }
}

#[test]
fn usage_errors_exit_2() {
    let sandbox = Sandbox::new();
    for bad in ["12345", "4444555566667", "44445555666a"] {
        let run = sandbox.run(&["roles", "--account", bad]);
        assert_eq!(run.code(), 2, "{bad}");
        assert_eq!(run.stdout(), "");
        assert_eq!(
            run.stderr(),
            format!("ssokit: error: invalid account id \"{bad}\": expected 12 digits\n")
        );
    }
    let run = sandbox.run(&["accounts", "--profile", "s", "--sso-session", "dev"]);
    assert_eq!(run.code(), 2);
    let run = sandbox.run(&["accounts", "--format", "yaml"]);
    assert_eq!(run.code(), 2);
    assert!(sandbox.portal.requests().is_empty());
}

#[test]
fn no_secret_in_the_verbose_trace() {
    let mut sandbox = Sandbox::new();
    // An expiring token: the trace covers the refresh too.
    sandbox.set_expires_at(crate::SESSION_CACHE, &crate::now_plus(60));
    throttle_roles_once(&sandbox);
    sandbox.unset("AWS_MAX_ATTEMPTS");
    let run = sandbox.run(&["-v", "roles", "--sso-session", "dev"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    assert_eq!(run.stdout(), ROLES_TABLE);
    let stderr = run.stderr();
    for secret in SECRETS {
        assert!(!stderr.contains(secret), "{secret} on stderr: {stderr}");
    }
    assert_eq!(sandbox.posts(), 1);
}
