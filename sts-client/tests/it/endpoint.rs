//! `endpoints/sts-endpoint-rules.json`: every case, the URL and (where the case names one)
//! the signing region; `UseGlobalEndpoint` is the legacy setting.

use serde_json::Value;
use ssokit_fake_portal::sandbox::conformance_dir;
use ssokit_http::{EndpointConfig, EndpointError, EndpointOverride};
use ssokit_sts_client::{Error, Sts, StsEndpoint};

fn config_of(params: &Value) -> EndpointConfig {
    let mut config = EndpointConfig::new()
        .use_fips(params["UseFIPS"].as_bool().unwrap_or(false))
        .use_dual_stack(params["UseDualStack"].as_bool().unwrap_or(false));
    if let Some(region) = params["Region"].as_str() {
        config = config.region(region);
    }
    if let Some(url) = params["Endpoint"].as_str() {
        config = config.endpoint_override(Some(EndpointOverride::new(url, "the test case")));
    }
    config
}

#[test]
fn all_69_rule_set_cases_pass() {
    let Some(dir) = conformance_dir("STS endpoint rule-set cases") else {
        return;
    };
    let text = std::fs::read_to_string(dir.join("endpoints/sts-endpoint-rules.json")).unwrap();
    let json: Value = serde_json::from_str(&text).unwrap();
    let cases = json["endpointTests"]["testCases"].as_array().unwrap();
    let mut signing_regions = 0;
    for case in cases {
        let doc = case["documentation"].as_str().unwrap_or_default();
        let params = &case["params"];
        let sts = if params["UseGlobalEndpoint"].as_bool().unwrap_or(false) {
            Sts::legacy_global()
        } else {
            Sts::regional()
        };
        let result = StsEndpoint::resolve(&config_of(params), sts);
        let expect = &case["expect"];
        if let Some(url) = expect["endpoint"]["url"].as_str() {
            let endpoint = result.unwrap_or_else(|e| panic!("{doc}: {e}"));
            assert_eq!(endpoint.endpoint().url(), url, "{doc}");
            let schemes = &expect["endpoint"]["properties"]["authSchemes"];
            if let Some(region) = schemes[0]["signingRegion"].as_str() {
                assert_eq!(endpoint.signing_region(), region, "{doc}");
                signing_regions += 1;
            }
        } else {
            let error = expect["error"].as_str().unwrap();
            let Err(Error::Endpoint(actual)) = result else {
                panic!("{doc}: expected {error}, got {result:?}");
            };
            // The rule set says "Invalid Configuration: Missing Region"; SPEC §0 P-REGION
            // words it for the user. Every other text is the rule set's own.
            if error == "Invalid Configuration: Missing Region" {
                assert_eq!(actual, EndpointError::MissingRegion, "{doc}");
            } else {
                assert_eq!(actual.to_string(), error, "{doc}");
            }
        }
    }
    assert_eq!(cases.len(), 69);
    assert_eq!(signing_regions, 18, "the cases that name a signing region");
}

#[test]
fn plain_http_to_another_host_is_r_http() {
    let config = EndpointConfig::new()
        .region("us-east-1")
        .endpoint_override(Some(EndpointOverride::new(
            "http://sts.example.internal",
            "AWS_ENDPOINT_URL_STS",
        )));
    let error = StsEndpoint::resolve(&config, Sts::regional()).unwrap_err();
    assert_eq!(
        error.to_string(),
        "refusing to call STS over plain http at sts.example.internal (from AWS_ENDPOINT_URL_STS): its answer holds secret keys; use https, or allow insecure http explicitly"
    );
    let loopback = EndpointConfig::new()
        .region("eu-west-1")
        .endpoint_override(Some(EndpointOverride::new(
            "http://127.0.0.1:9/sts/",
            "test",
        )));
    let endpoint = StsEndpoint::resolve(&loopback, Sts::regional()).unwrap();
    assert_eq!(endpoint.signing_region(), "eu-west-1");
    assert_eq!(endpoint.endpoint().host_header(), "127.0.0.1:9");
    assert_eq!(endpoint.endpoint().path_prefix(), "/sts");
}
