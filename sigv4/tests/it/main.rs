//! The AWS signing test suite (`../shared/conformance/sigv4/v4/`, see its README §10), in
//! header and query form: canonical request, string to sign, signature and the signed
//! request (method, headers as a multiset, path, query as a set, body) all compared.

#![allow(missing_docs, unreachable_pub, reason = "test code")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a failed unwrap is a failed test"
)]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use ssokit_fake_portal::sandbox::conformance_dir;
use ssokit_sigv4::{Form, SignableRequest, Signed, SigningKeys, SigningParams, sign};

/// The one case that contradicts another (the conformance README §10, SPEC §14.3): it
/// expects an encoded path encoded once, while `double-url-encode` expects the non-S3
/// double encoding this signer does.
const SKIPPED: &[(&str, &str)] = &[(
    "get-space-normalized",
    "expects the path's %20 encoded once; non-S3 signing double-encodes (double-url-encode passes instead)",
)];

/// A file of the case, as the suite reads it: CRLF as LF, surrounding white space trimmed.
fn read(case: &Path, name: &str) -> Option<String> {
    let text = fs::read_to_string(case.join(name)).ok()?;
    Some(text.replace("\r\n", "\n").trim().to_owned())
}

/// An HTTP/1.1 request as the suite writes it.
#[derive(Debug, PartialEq, Eq)]
struct HttpText {
    method: String,
    path: String,
    query: BTreeMap<String, Vec<String>>,
    raw_query: String,
    /// Lower-case name → values, in order.
    headers: BTreeMap<String, Vec<String>>,
    header_list: Vec<(String, String)>,
    body: String,
}

fn parse_http(text: &str) -> HttpText {
    let (head, body) = text.split_once("\n\n").unwrap_or((text, ""));
    let mut lines = head.lines();
    let request_line = lines.next().unwrap();
    // `METHOD TARGET HTTP/1.1`: the target may hold a raw space (a suite case does), and
    // one expected file leaves out the version.
    let (method, rest) = request_line.split_once(' ').unwrap();
    let method = method.to_owned();
    let target = match rest.rsplit_once(' ') {
        Some((target, version)) if version.starts_with("HTTP/") => target.to_owned(),
        _ => rest.to_owned(),
    };
    let (path, raw_query) = target.split_once('?').unwrap_or((&target, ""));
    let mut query: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for pair in raw_query.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        query
            .entry(name.to_owned())
            .or_default()
            .push(value.to_owned());
    }
    let mut header_list: Vec<(String, String)> = Vec::new();
    for line in lines {
        // An obsolete folded line continues the previous header's value.
        if line.starts_with([' ', '\t']) {
            let last = header_list.last_mut().unwrap();
            last.1.push('\n');
            last.1.push_str(line);
            continue;
        }
        let (name, value) = line.split_once(':').unwrap();
        header_list.push((name.to_owned(), value.to_owned()));
    }
    let mut headers: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (name, value) in &header_list {
        let value = value.split_whitespace().collect::<Vec<_>>().join(" ");
        headers
            .entry(name.to_ascii_lowercase())
            .or_default()
            .push(value);
    }
    HttpText {
        method,
        path: path.to_owned(),
        query,
        raw_query: raw_query.to_owned(),
        headers,
        header_list,
        body: body.to_owned(),
    }
}

/// The inputs of a case: its `context.json`, or the README's stated inputs for the two
/// cases without one.
struct Context {
    access_key_id: String,
    secret_access_key: String,
    token: Option<String>,
    region: String,
    service: String,
    time: String,
    normalize: bool,
    sign_body: bool,
    omit_session_token: bool,
    expires: u64,
}

fn context(case: &Path, name: &str) -> Context {
    let Some(text) = read(case, "context.json") else {
        let (access_key_id, secret_access_key, region, service, time) = match name {
            "double-url-encode" => (
                "AKIDEXAMPLE",
                "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                "us-east-2",
                "lambda",
                "2021-05-11T15:40:45Z",
            ),
            // Its canonical request was made at this time (region and service do not
            // appear in it); README §10.
            "double-encode-path" => (
                "ANOTREAL",
                "notrealrnrELgWzOk3IfjzDKtFBhDby",
                "us-east-1",
                "service",
                "2021-05-11T15:40:45Z",
            ),
            other => panic!("{other}: no context.json"),
        };
        return Context {
            access_key_id: access_key_id.to_owned(),
            secret_access_key: secret_access_key.to_owned(),
            token: None,
            region: region.to_owned(),
            service: service.to_owned(),
            time: time.to_owned(),
            normalize: true,
            sign_body: false,
            omit_session_token: false,
            expires: 3600,
        };
    };
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let text_of = |v: &serde_json::Value| v.as_str().unwrap().to_owned();
    Context {
        access_key_id: text_of(&json["credentials"]["access_key_id"]),
        secret_access_key: text_of(&json["credentials"]["secret_access_key"]),
        token: json["credentials"]["token"].as_str().map(str::to_owned),
        region: text_of(&json["region"]),
        service: text_of(&json["service"]),
        time: text_of(&json["timestamp"]),
        normalize: json["normalize"].as_bool().unwrap(),
        sign_body: json["sign_body"].as_bool().unwrap(),
        omit_session_token: json["omit_session_token"].as_bool().unwrap_or(false),
        expires: json["expiration_in_seconds"].as_u64().unwrap(),
    }
}

fn sign_case(request: &HttpText, context: &Context, form: Form) -> Signed {
    let headers: Vec<(&str, &str)> = request
        .header_list
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let keys = SigningKeys {
        access_key_id: &context.access_key_id,
        secret_access_key: &context.secret_access_key,
        session_token: context.token.as_deref(),
    };
    let mut params = SigningParams::new(
        keys,
        &context.region,
        &context.service,
        context.time.parse().unwrap(),
    );
    params.form = form;
    params.path.normalize = context.normalize;
    params.payload_hash_header = context.sign_body && form == Form::Header;
    params.omit_session_token = context.omit_session_token;
    params.expires = Duration::from_secs(context.expires);
    let request = SignableRequest {
        method: &request.method,
        path: &request.path,
        query: &request.raw_query,
        headers: &headers,
        body: request.body.as_bytes(),
    };
    sign(&request, &params)
}

/// The request as the signer leaves it: its headers (ours replacing the request's own
/// `X-Amz-Date`) and query with what the signature adds.
fn signed_request(request: &HttpText, signed: &Signed) -> HttpText {
    let mut text = format!("{} {}", request.method, request.path);
    let mut query: Vec<String> = Vec::new();
    if !request.raw_query.is_empty() {
        query.push(request.raw_query.clone());
    }
    query.extend(signed.query().iter().map(|(n, v)| format!("{n}={v}")));
    if !query.is_empty() {
        text.push('?');
        text.push_str(&query.join("&"));
    }
    text.push_str(" HTTP/1.1\n");
    let replaced: Vec<String> = signed
        .headers()
        .iter()
        .map(|(n, _)| n.to_ascii_lowercase())
        .collect();
    for (name, value) in &request.header_list {
        if !replaced.contains(&name.to_ascii_lowercase()) {
            let _ = writeln!(text, "{name}:{value}");
        }
    }
    for (name, value) in signed.headers() {
        let _ = writeln!(text, "{name}:{value}");
    }
    text.push('\n');
    text.push_str(&request.body);
    parse_http(text.trim())
}

/// Compares what the case has for `form`; returns how many texts were compared.
fn check(case: &Path, name: &str, form: Form) -> usize {
    let prefix = match form {
        Form::Header => "header",
        _ => "query",
    };
    let Some(expected_request) = read(case, &format!("{prefix}-signed-request.txt")) else {
        return 0;
    };
    let request = parse_http(&read(case, "request.txt").unwrap());
    let context = context(case, name);
    let signed = sign_case(&request, &context, form);
    let mut compared = 0;
    if let Some(expected) = read(case, &format!("{prefix}-canonical-request.txt")) {
        assert_eq!(
            signed.canonical_request(),
            expected,
            "{name} {prefix}: canonical request"
        );
        compared += 1;
    }
    if let Some(expected) = read(case, &format!("{prefix}-string-to-sign.txt")) {
        assert_eq!(
            signed.string_to_sign(),
            expected,
            "{name} {prefix}: string to sign"
        );
        compared += 1;
    }
    if let Some(expected) = read(case, &format!("{prefix}-signature.txt")) {
        assert_eq!(signed.signature(), expected, "{name} {prefix}: signature");
        compared += 1;
    }
    // double-encode-path's signed request was made with other inputs (README §10).
    let signed = if name == "double-encode-path" {
        let context = Context {
            time: "2015-08-30T12:36:00Z".to_owned(),
            ..context
        };
        sign_case(&request, &context, form)
    } else {
        signed
    };
    let actual = signed_request(&request, &signed);
    let expected = parse_http(&expected_request);
    assert_eq!(actual.method, expected.method, "{name} {prefix}: method");
    assert_eq!(actual.path, expected.path, "{name} {prefix}: path");
    assert_eq!(actual.query, expected.query, "{name} {prefix}: query");
    assert_eq!(actual.headers, expected.headers, "{name} {prefix}: headers");
    assert_eq!(actual.body, expected.body, "{name} {prefix}: body");
    compared + 1
}

fn cases() -> Option<Vec<(String, PathBuf)>> {
    let root = conformance_dir("sigv4 signing suite")?.join("sigv4/v4");
    let mut cases: Vec<(String, PathBuf)> = fs::read_dir(&root)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_dir())
        .map(|path| {
            (
                path.file_name().unwrap().to_string_lossy().into_owned(),
                path,
            )
        })
        .collect();
    cases.sort();
    Some(cases)
}

#[test]
fn every_case_of_the_signing_suite_in_both_forms() {
    let Some(cases) = cases() else { return };
    assert_eq!(cases.len(), 40, "the suite has 40 cases");
    let mut ran = Vec::new();
    let mut texts = 0;
    for (name, case) in &cases {
        if let Some((_, why)) = SKIPPED.iter().find(|(skipped, _)| skipped == name) {
            eprintln!("sigv4 {name}: skipped: {why}");
            continue;
        }
        let compared = check(case, name, Form::Header) + check(case, name, Form::Query);
        assert!(compared > 0, "{name}: nothing compared");
        texts += compared;
        ran.push(name.as_str());
    }
    assert_eq!(ran.len(), 39, "37 CRT cases + the 2 migrated ones: {ran:?}");
    // 37 cases × 2 forms × 4 texts, plus the migrated cases' 3 + 2 texts.
    assert_eq!(texts, 37 * 8 + 3 + 2, "texts compared");
}

#[test]
fn a_wrong_key_or_a_changed_request_gives_another_signature() {
    let Some(cases) = cases() else { return };
    let (name, case) = cases.iter().find(|(n, _)| n == "post-vanilla").unwrap();
    let request = parse_http(&read(case, "request.txt").unwrap());
    let good = sign_case(&request, &context(case, name), Form::Header);
    let wrong_key = Context {
        secret_access_key: "another".to_owned(),
        ..context(case, name)
    };
    assert_ne!(
        sign_case(&request, &wrong_key, Form::Header).signature(),
        good.signature()
    );
    let changed = HttpText {
        body: "Action=Other".to_owned(),
        ..parse_http(&read(case, "request.txt").unwrap())
    };
    assert_ne!(
        sign_case(&changed, &context(case, name), Form::Header).signature(),
        good.signature()
    );
}

/// SPEC §14.3's `AssumeRole` vector, with and without a session token.
#[test]
fn the_spec_assume_role_vector() {
    let body = "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2FRoleA&RoleSessionName=ssokit-1772366400000&DurationSeconds=3600";
    assert_eq!(body.len(), 151);
    let length = body.len().to_string();
    let headers = [
        ("host", "sts.us-east-1.amazonaws.com"),
        ("content-type", "application/x-www-form-urlencoded"),
        ("content-length", length.as_str()),
    ];
    let request = SignableRequest {
        method: "POST",
        path: "/",
        query: "",
        headers: &headers,
        body: body.as_bytes(),
    };
    let sign_with = |session_token| {
        let keys = SigningKeys {
            access_key_id: "AKIDEXAMPLE",
            secret_access_key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            session_token,
        };
        let time = "2026-03-01T12:00:00Z".parse().unwrap();
        sign(
            &request,
            &SigningParams::new(keys, "us-east-1", "sts", time),
        )
    };
    let signed = sign_with(None);
    assert_eq!(
        signed.canonical_request(),
        "POST\n/\n\ncontent-length:151\ncontent-type:application/x-www-form-urlencoded\nhost:sts.us-east-1.amazonaws.com\nx-amz-date:20260301T120000Z\n\ncontent-length;content-type;host;x-amz-date\na4a5cea1fe92edb4d81a258f6d27f53e73e6a2c47c522b916c639ac147573bae"
    );
    assert!(
        signed
            .string_to_sign()
            .ends_with("6298162b56b9728ad8df5ceb66dea356e993a06573feef1c6968944dbdca6e09")
    );
    assert_eq!(
        signed.signature(),
        "6a49e61dbfda617e91601888ee51176e8653027579580af8071cc33606c40c3f"
    );
    assert_eq!(
        sign_with(Some("session-token-1")).signature(),
        "b1077d50aa8de326b6ee95124d394956137b35b9a62d549c516413d859f1db9a"
    );
}
