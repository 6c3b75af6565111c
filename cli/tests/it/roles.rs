//! Role chains through the command: `ssokit credentials --profile` over a chain, MFA codes
//! (`--mfa-code`, none), a broken chain's text and line, and `ssokit profiles` showing each
//! chain (SPEC §17.2, §18 scenarios 8, 19, 21).

use ssokit_fake_portal::Operation;

use crate::{SECRETS, Sandbox};

const BASE: &str =
    "[profile base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = base-secret\n";
const MFA: &str = "arn:aws:iam::123456789012:mfa/user";

fn add_config(sandbox: &Sandbox, extra: &str) {
    let config = sandbox.read(".aws/config");
    sandbox.write(".aws/config", format!("{config}\n{extra}"));
}

fn role(name: &str, role: &str, extra: &str) -> String {
    format!("[profile {name}]\nrole_arn = arn:aws:iam::123456789012:role/{role}\n{extra}\n")
}

#[test]
fn credentials_of_a_role_chain_from_an_sso_session() {
    let sandbox = Sandbox::new();
    add_config(
        &sandbox,
        &[
            role("h1", "R1", "source_profile = s"),
            role("h2", "R2", "source_profile = h1"),
            role("h3", "R3", "source_profile = h2"),
        ]
        .concat(),
    );
    let out = sandbox
        .run(&["credentials", "--profile", "h3", "--format", "json"])
        .success();
    let value: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(value["AccessKeyId"], "ASIASTS3", "{out}");
    assert_eq!(value["SessionToken"], "sts-token-3");
    assert_eq!(sandbox.portal.count(Operation::GetRoleCredentials), 1);
    assert_eq!(sandbox.portal.count(Operation::AssumeRole), 3);
}

#[test]
fn s08_mfa_code_from_the_flag_or_r_mfa() {
    let sandbox = Sandbox::new();
    add_config(
        &sandbox,
        &format!(
            "{BASE}\n{}",
            role(
                "r1",
                "R1",
                &format!("source_profile = base\nmfa_serial = {MFA}")
            )
        ),
    );
    let run = sandbox.run(&["credentials", "--profile", "r1"]);
    let config = sandbox.path(".aws/config").display().to_string();
    let stderr = run.failure();
    assert!(
        stderr.starts_with(&format!(
            "ssokit: error: Profile r1 sets mfa_serial = {MFA}, but no MFA code source is configured"
        )),
        "{stderr}"
    );
    assert_eq!(sandbox.portal.count(Operation::AssumeRole), 0);

    let out = sandbox
        .run(&["credentials", "--profile", "r1", "--mfa-code", "123456"])
        .success();
    assert!(out.contains("\"AccessKeyId\": \"ASIASTS1\""), "{out}");
    let post = sandbox
        .portal
        .requests()
        .into_iter()
        .find(|r| r.operation == Some(Operation::AssumeRole))
        .unwrap();
    assert!(
        post.body_text().ends_with(
            "&SerialNumber=arn%3Aaws%3Aiam%3A%3A123456789012%3Amfa%2Fuser&TokenCode=123456"
        ),
        "{}",
        post.body_text()
    );
    let stderr = sandbox
        .run(&["credentials", "--profile", "r1", "--mfa-code", "12a456"])
        .failure();
    assert_eq!(
        stderr,
        format!("ssokit: error: MFA code for {MFA} must be 6 digits\n")
    );
    assert!(!config.is_empty());
}

#[test]
fn a_broken_chain_names_the_hop_and_its_line() {
    let sandbox = Sandbox::new();
    add_config(&sandbox, &role("p", "R", "source_profile = nope"));
    let config = sandbox.read(".aws/config");
    let line = config
        .lines()
        .position(|l| l == "source_profile = nope")
        .unwrap()
        + 1;
    let path = sandbox.path(".aws/config").display().to_string();
    assert_eq!(
        sandbox.run(&["credentials", "--profile", "p"]).failure(),
        format!(
            "ssokit: error: Profile p sets source_profile = nope, but profile nope does not exist\n  at {path}:{line}\n"
        )
    );
    assert!(sandbox.portal.requests().is_empty());
}

#[test]
fn s21_profiles_show_each_chain_and_the_environment_web_identity() {
    let mut sandbox = Sandbox::new();
    add_config(
        &sandbox,
        &[
            role("h1", "R1", "source_profile = s"),
            role("h2", "R2", "source_profile = h1"),
            role("h3", "R3", "source_profile = h2"),
            role("a", "RA", "source_profile = b"),
            role("b", "RB", "source_profile = a"),
            BASE.to_owned(),
            role(
                "r1",
                "R1",
                &format!("source_profile = base\nmfa_serial = {MFA}"),
            ),
        ]
        .join("\n"),
    );
    sandbox.write("token.jwt", "eyJ.web.1\n");
    let token = sandbox.path("token.jwt").display().to_string();
    sandbox.unset("AWS_ENDPOINT_URL_STS");
    sandbox.env("AWS_WEB_IDENTITY_TOKEN_FILE", &token);
    sandbox.env("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/Web");
    sandbox.env("AWS_ROLE_SESSION_NAME", "ci");
    sandbox.unset("AWS_EC2_METADATA_DISABLED");
    let imds = sandbox.portal.url().to_owned();
    sandbox.env("AWS_EC2_METADATA_SERVICE_ENDPOINT", &imds);
    let out = sandbox.run(&["profiles"]).success();
    assert!(
        out.contains(
            "\ncontainer: none: ContainerCredentialsProvider: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and AWS_CONTAINER_CREDENTIALS_FULL_URI are not set\n"
        ),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "\ninstance metadata: unknown: ImdsCredentialsProvider: asked last at {imds} (not contacted by this command)\n"
        )),
        "{out}"
    );
    let line = |profile: &str| {
        let header = format!("\nprofile {profile} (");
        let at = out
            .find(&header)
            .unwrap_or_else(|| panic!("{profile}: {out}"));
        out[at..]
            .lines()
            .find(|l| l.starts_with("  credentials: "))
            .unwrap()
            .to_owned()
    };
    assert_eq!(
        line("h3"),
        "  credentials: answers: ProfileCredentialsProvider: role chain: SSO through sso-session dev: account 444455556666, role SessionRole (profile s) -> AssumeRole arn:aws:iam::123456789012:role/R1 (profile h1) -> AssumeRole arn:aws:iam::123456789012:role/R2 (profile h2) -> AssumeRole arn:aws:iam::123456789012:role/R3 (profile h3); STS https://sts.us-east-1.amazonaws.com (region us-east-1 from the default)"
    );
    assert_eq!(
        line("a"),
        "  credentials: fails: ProfileCredentialsProvider: Profiles form a source_profile cycle: a -> b -> a"
    );
    assert_eq!(
        line("r1"),
        format!(
            "  credentials: answers: ProfileCredentialsProvider: role chain: static keys (profile base) -> AssumeRole arn:aws:iam::123456789012:role/R1 (profile r1, MFA {MFA}); STS https://sts.us-east-1.amazonaws.com (region us-east-1 from the default)"
        )
    );
    assert!(
        out.contains(&format!(
            "\nweb identity: answers: WebIdentityTokenCredentialsProvider: role arn:aws:iam::123456789012:role/Web with the token in {token} (exists)\n"
        )),
        "{out}"
    );
    for secret in SECRETS {
        assert!(!out.contains(secret), "{secret}");
    }
    assert!(sandbox.portal.requests().is_empty(), "no network");

    let json: serde_json::Value =
        serde_json::from_str(&sandbox.run(&["profiles", "--format", "json"]).success()).unwrap();
    let h3 = json["profiles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "h3")
        .unwrap();
    assert_eq!(
        h3["credentials"]["sts_endpoint"],
        "https://sts.us-east-1.amazonaws.com"
    );
    assert_eq!(h3["credentials"]["sts_region"], "us-east-1");
    assert_eq!(h3["credentials"]["chain"].as_array().unwrap().len(), 4);
    assert_eq!(json["web_identity"]["outcome"], "answers");
    assert_eq!(
        json["web_identity"]["sts_endpoint"],
        "https://sts.us-east-1.amazonaws.com"
    );
}

/// A chain's web identity base is named with its profile (SPEC §17.2), without the file
/// state the environment's line shows.
#[test]
fn a_web_identity_base_is_named_with_its_profile() {
    let sandbox = Sandbox::new();
    sandbox.write("token.jwt", "eyJ.web.1\n");
    let token = sandbox.path("token.jwt").display().to_string();
    add_config(
        &sandbox,
        &[
            role("w", "W", &format!("web_identity_token_file = {token}")),
            role("wh", "WH", "source_profile = w"),
        ]
        .join("\n"),
    );
    let out = sandbox.run(&["profiles"]).success();
    assert!(
        out.contains(&format!(
            "\nprofile wh ({}:",
            sandbox.path(".aws/config").display()
        )),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "\n  credentials: answers: ProfileCredentialsProvider: role chain: web identity role arn:aws:iam::123456789012:role/W with the token in {token} (profile w) -> AssumeRole arn:aws:iam::123456789012:role/WH (profile wh); STS {} (region us-east-1 from the default)\n",
            sandbox.portal.url()
        )),
        "{out}"
    );
    assert!(sandbox.portal.requests().is_empty(), "no network");
}

#[test]
fn profiles_name_the_container_endpoint_and_its_token_source() {
    let mut sandbox = Sandbox::new();
    sandbox.env(
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "http://127.0.0.1:9/creds?task=1",
    );
    sandbox.env(
        "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
        "/nonexistent/pod-token",
    );
    let out = sandbox.run(&["profiles"]).success();
    assert!(
        out.contains(
            "\ncontainer: answers: ContainerCredentialsProvider: http://127.0.0.1:9/creds, authorization from AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE\n"
        ),
        "{out}"
    );
    sandbox.env(
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "http://192.0.2.10/creds",
    );
    let out = sandbox.run(&["profiles"]).success();
    assert!(
        out.contains("\ncontainer: fails: ContainerCredentialsProvider: refusing container credentials over plain http from 192.0.2.10"),
        "{out}"
    );
    assert!(sandbox.portal.requests().is_empty(), "no network");
}
