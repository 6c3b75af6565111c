//! The rule sets' own test cases, and the plain-http rule over real sockets.

use std::path::PathBuf;

use serde_json::Value;
use ssokit_fake_portal::{FakePortal, Operation};
use ssokit_http::{EndpointConfig, EndpointError, EndpointOverride};
use ssokit_sso_client::{Service, SsoClient};

use crate::{legacy_request, settings};

/// The shared conformance data (its `endpoints/` rule sets), or `None` (loudly) to skip.
fn conformance_dir() -> Option<PathBuf> {
    ssokit_fake_portal::sandbox::conformance_dir("endpoint rule-set cases")
}

/// Runs every `testCases` entry of one rule-set file; returns how many ran.
fn run_rule_set(file: &str, service: Service) -> usize {
    let Some(dir) = conformance_dir() else {
        return 0;
    };
    let text = std::fs::read_to_string(dir.join("endpoints").join(file)).unwrap();
    let json: Value = serde_json::from_str(&text).unwrap();
    let cases = json["endpointTests"]["testCases"].as_array().unwrap();
    for case in cases {
        let doc = case["documentation"].as_str().unwrap_or_default();
        let params = &case["params"];
        let mut config = EndpointConfig::new()
            .use_fips(params["UseFIPS"].as_bool().unwrap_or(false))
            .use_dual_stack(params["UseDualStack"].as_bool().unwrap_or(false));
        if let Some(region) = params["Region"].as_str() {
            config = config.region(region);
        }
        if let Some(url) = params["Endpoint"].as_str() {
            config = config.endpoint_override(Some(EndpointOverride::new(url, "the test case")));
        }
        let result = config.resolve(service);
        match (&case["expect"]["endpoint"]["url"], &case["expect"]["error"]) {
            (Value::String(url), _) => assert_eq!(
                result.map(|e| e.url()).as_deref(),
                Ok(url.as_str()),
                "{file}: {doc}"
            ),
            (_, Value::String(error)) => {
                let err = result.unwrap_err();
                // The rule set says "Invalid Configuration: Missing Region"; SPEC §0 P-REGION
                // words it for the user. Every other text is the rule set's own.
                if error == "Invalid Configuration: Missing Region" {
                    assert_eq!(err, EndpointError::MissingRegion, "{file}: {doc}");
                } else {
                    assert_eq!(&err.to_string(), error, "{file}: {doc}");
                }
            }
            _ => panic!("{file}: {doc}: unexpected expectation {}", case["expect"]),
        }
    }
    cases.len()
}

#[test]
fn all_rule_set_cases_pass() {
    let portal = run_rule_set("sso-endpoint-rules.json", Service::Portal);
    let oidc = run_rule_set("sso-oidc-endpoint-rules.json", Service::Oidc);
    if conformance_dir().is_some() {
        eprintln!(
            "endpoint rule-set cases run: {portal} SSO + {oidc} SSO-OIDC = {}",
            portal + oidc
        );
        assert!(portal > 0 && oidc > 0, "no rule-set cases found");
        assert_eq!(portal + oidc, 80);
    }
}

#[test]
fn spec_endpoint_examples() {
    let gov = EndpointConfig::new().region("us-gov-west-1").use_fips(true);
    assert_eq!(
        gov.resolve(Service::Oidc).unwrap().url(),
        "https://oidc.us-gov-west-1.amazonaws.com"
    );
    let e2e = EndpointConfig::new()
        .region("us-east-2")
        .use_fips(true)
        .use_dual_stack(true);
    assert_eq!(
        e2e.resolve(Service::Portal).unwrap().url(),
        "https://portal.sso-fips.us-east-2.api.aws"
    );
    let session = EndpointConfig::new().region("eu-west-1");
    assert_eq!(
        session.resolve(Service::Portal).unwrap().url(),
        "https://portal.sso.eu-west-1.amazonaws.com"
    );
}

#[tokio::test]
async fn plain_http_to_a_non_loopback_host_is_refused_before_connecting() {
    let fake = FakePortal::start().unwrap();
    let url = "http://sso.example.internal:8080";
    let config = EndpointConfig::new()
        .region("us-east-1")
        .endpoint_override(Some(EndpointOverride::new(url, "AWS_ENDPOINT_URL_SSO")));
    let err = config.resolve(Service::Portal).unwrap_err();
    assert_eq!(
        err.to_string(),
        "refusing to send SSO credentials over plain http to sso.example.internal (from AWS_ENDPOINT_URL_SSO); use https, or allow insecure http explicitly"
    );
    assert_eq!(fake.connections(), 0);

    // Opted in, the request is sent (the name is pinned to the fake: no DNS, no network).
    let endpoint = config
        .allow_insecure_http(true)
        .resolve(Service::Portal)
        .unwrap();
    let client = SsoClient::new(settings().resolve_to("sso.example.internal", fake.addr()));
    client
        .get_role_credentials(&endpoint, &legacy_request())
        .await
        .unwrap();
    assert_eq!(fake.count(Operation::GetRoleCredentials), 1);
    assert_eq!(
        fake.requests()[0].header("host"),
        Some("sso.example.internal:8080")
    );
}
