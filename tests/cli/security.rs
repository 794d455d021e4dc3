//! Secrets and the admin token at start-up: an empty token is refused, and secrets
//! from the environment never show in `--help` or in errors.

use std::process::{Output, Stdio};

use super::{WAIT, command};

/// Runs the binary to completion with `args` and `env` (bounded by [`WAIT`]).
async fn run_with_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    let child = command(args, env)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    tokio::time::timeout(WAIT, child.wait_with_output())
        .await
        .unwrap_or_else(|_| panic!("`tcss-emulator {}` ran over {WAIT:?}", args.join(" ")))
        .unwrap()
}

#[tokio::test]
async fn an_empty_admin_token_is_refused_at_start_up() {
    for (args, env) in [
        (vec!["--listen", "127.0.0.1:0", "--admin-token="], vec![]),
        (
            vec!["--listen", "127.0.0.1:0"],
            vec![("TCSS_EMULATOR_ADMIN_TOKEN", "")],
        ),
        (
            vec!["serve", "--listen", "0.0.0.0:0", "--admin-token", "  "],
            vec![],
        ),
    ] {
        let out = run_with_env(&args, &env).await;
        assert_eq!(out.status.code(), Some(2), "{args:?} {env:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("--admin-token (or TCSS_EMULATOR_ADMIN_TOKEN) is empty"),
            "{err}"
        );
        assert!(out.stdout.is_empty(), "it never listened");
    }
}

#[tokio::test]
async fn secrets_from_the_environment_never_show_in_help_or_errors() {
    let env = [
        ("TCSS_EMULATOR_CREDENTIAL", "AKIDhelp:super-secret-key"),
        ("TCSS_EMULATOR_ADMIN_TOKEN", "admin-secret-token"),
    ];
    for args in [
        vec!["--help"],
        vec!["serve", "--help"],
        vec!["seed", "--help"],
    ] {
        let out = run_with_env(&args, &env).await;
        assert!(out.status.success(), "{args:?}");
        let help = String::from_utf8_lossy(&out.stdout);
        assert!(help.contains("TCSS_EMULATOR_ADMIN_TOKEN"), "{help}");
        for secret in ["super-secret-key", "admin-secret-token"] {
            assert!(!help.contains(secret), "{args:?} shows {secret}:\n{help}");
        }
    }
    for (args, env) in [
        (vec!["--credential", "a-lone-secret-key"], vec![]),
        (
            vec![],
            vec![("TCSS_EMULATOR_CREDENTIAL", "a-lone-secret-key")],
        ),
    ] {
        let out = run_with_env(&args, &env).await;
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("SECRET_ID:SECRET_KEY"), "{err}");
        assert!(!err.contains("a-lone-secret-key"), "{err}");
    }
}
