//! The command on AWS compute: credentials from the container endpoint and IMDS (the fakes
//! on loopback), and a named profile that does not exist stopping before them.

use ssokit_fake_portal::Operation;

use crate::Sandbox;

#[test]
fn credentials_from_the_container_endpoint_and_from_imds() {
    let mut sandbox = Sandbox::new();
    sandbox.remove(".aws/config");
    let url = sandbox.portal.url().to_owned();
    sandbox.env(
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        &format!("{url}/creds"),
    );
    sandbox.env("AWS_CONTAINER_AUTHORIZATION_TOKEN", "env-token");
    let out = sandbox.run(&["credentials", "--format", "env"]).success();
    assert!(out.contains("AWS_ACCESS_KEY_ID=ASIACONT"), "{out}");
    let get = &sandbox.portal.requests()[0];
    assert_eq!(get.operation, Some(Operation::ContainerCredentials));
    assert_eq!(get.header("authorization"), Some("env-token"));

    let stderr = sandbox.run(&["credentials", "--profile", "nope"]).failure();
    assert_eq!(stderr, "ssokit: error: Profile nope not found\n");
    assert_eq!(sandbox.portal.requests().len(), 1, "nothing more was asked");

    let mut sandbox = Sandbox::new();
    sandbox.remove(".aws/config");
    sandbox.unset("AWS_EC2_METADATA_DISABLED");
    let url = sandbox.portal.url().to_owned();
    sandbox.env("AWS_EC2_METADATA_SERVICE_ENDPOINT", &url);
    let out = sandbox.run(&["credentials", "--format", "json"]).success();
    assert!(out.contains("\"AccessKeyId\": \"ASIAIMDS\""), "{out}");
    assert!(out.contains("\"AccountId\": \"210987654321\""), "{out}");
}
