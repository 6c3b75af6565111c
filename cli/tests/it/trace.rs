//! `--verbose`: trace lines on stderr, never a secret.

use crate::{SECRETS, SESSION_CACHE, Sandbox, now_plus};

#[test]
fn verbose_traces_each_step_without_secrets() {
    let sandbox = Sandbox::new();
    sandbox.set_expires_at(SESSION_CACHE, &now_plus(60));
    let run = sandbox.run(&["--verbose", "credentials", "--profile", "s"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let stderr = run.stderr();
    assert!(
        stderr.contains(
            "ssokit: DEBUG ssokit_chain::walk: asking provider provider=ProfileCredentialsProvider"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("provider answered"), "{stderr}");
    let home = sandbox.home.path().display();
    assert!(
        stderr.contains(&format!(
            "walking the chain context=profile s (explicit), config file {home}/.aws/config, \
             credentials file {home}/.aws/credentials"
        )),
        "{stderr}"
    );
    for secret in SECRETS {
        assert!(!stderr.contains(secret), "{secret} in {stderr}");
    }
    assert_eq!(sandbox.posts(), 1, "the token was refreshed on the way");
}
