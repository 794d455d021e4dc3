//! The command line. Every flag also reads an environment variable
//! `TCSS_EMULATOR_<FLAG>`; repeatable flags take comma-separated values there.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::signature::{Credential, Mode};

/// The SecretId accepted when no credential is configured anywhere.
pub const BUILTIN_SECRET_ID: &str = "AKIDTCSSEMULATOR";
/// The SecretKey that goes with [`BUILTIN_SECRET_ID`].
pub const BUILTIN_SECRET_KEY: &str = "tcss-emulator-secret";

#[derive(Debug, Parser)]
#[command(
    name = "tcss-emulator",
    version,
    about = "A local emulator of Tencent Cloud's TCSS API (2020-11-01)"
)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// `serve`'s flags, for running without a subcommand.
    #[command(flatten)]
    pub serve: ServeArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the emulator (the default).
    Serve(ServeArgs),
    /// Exit 0 when a running emulator answers its health route (for container health checks).
    Health(HealthArgs),
    /// Push fixture files to a running emulator through its admin API.
    Seed(SeedArgs),
}

#[derive(Debug, Clone, Args)]
pub struct SeedArgs {
    /// Base URL of the running emulator.
    #[arg(
        long,
        env = "TCSS_EMULATOR_URL",
        default_value = "http://127.0.0.1:4577"
    )]
    pub url: String,

    /// Bearer token of the emulator's admin API.
    #[arg(long, env = "TCSS_EMULATOR_ADMIN_TOKEN", hide_env_values = true)]
    pub admin_token: Option<String>,

    /// Fixture documents (`{"images": [...]}`) to upsert, in order.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on; port 0 picks a free port (the bound address is printed).
    #[arg(long, env = "TCSS_EMULATOR_LISTEN", default_value = "127.0.0.1:4577")]
    pub listen: SocketAddr,

    /// SQLite database file (kept across restarts); default: in memory.
    #[arg(long, env = "TCSS_EMULATOR_DB")]
    pub db: Option<PathBuf>,

    /// Fixture file or directory of `.json` files (repeatable); default: the bundled fixtures. `none` loads nothing.
    #[arg(
        long = "fixtures",
        env = "TCSS_EMULATOR_FIXTURES",
        value_delimiter = ','
    )]
    pub fixtures: Vec<PathBuf>,

    /// Accepted credential `SECRET_ID:SECRET_KEY[:ACCOUNT[:TOKEN]]` (repeatable).
    #[arg(long = "credential", env = "TCSS_EMULATOR_CREDENTIAL", value_delimiter = ',', value_parser = CredentialParser, hide_env_values = true)]
    pub credentials: Vec<Credential>,

    /// Calls per second per (SecretId, Action); 0 turns the limit off.
    #[arg(long, env = "TCSS_EMULATOR_RATE_LIMIT", default_value_t = 20)]
    pub rate_limit: u32,

    /// How signatures are checked.
    #[arg(long, env = "TCSS_EMULATOR_SIGNATURE", value_enum, default_value_t = Mode::Verify)]
    pub signature: Mode,

    /// Seconds of emulator time a registry image scan takes.
    #[arg(long, env = "TCSS_EMULATOR_SCAN_DURATION", default_value_t = 5)]
    pub scan_duration: u64,

    /// Calls the request journal keeps (oldest dropped first); 0 turns it off.
    #[arg(long, env = "TCSS_EMULATOR_JOURNAL_SIZE", default_value_t = 1000)]
    pub journal_size: usize,

    /// Bytes the request journal may hold in all (oldest calls dropped first); 0 turns it off.
    #[arg(long, env = "TCSS_EMULATOR_JOURNAL_BYTES", default_value_t = crate::journal::DEFAULT_BYTES)]
    pub journal_bytes: usize,

    /// Directory of fixture documents loaded in name order after --fixtures (init hooks).
    #[arg(long, env = "TCSS_EMULATOR_INIT_DIR")]
    pub init_dir: Option<PathBuf>,

    /// Bearer token the admin API requires (all routes but health).
    #[arg(long, env = "TCSS_EMULATOR_ADMIN_TOKEN", hide_env_values = true)]
    pub admin_token: Option<String>,
}

/// Parses `--credential` without ever repeating the value in an error (clap's own
/// errors quote it, and it holds a secret key).
#[derive(Debug, Clone, Copy)]
pub struct CredentialParser;

impl clap::builder::TypedValueParser for CredentialParser {
    type Value = Credential;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        _arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<Credential, clap::Error> {
        value
            .to_str()
            .and_then(|text| Credential::parse(text).ok())
            .ok_or_else(|| {
                clap::Error::raw(
                    clap::error::ErrorKind::ValueValidation,
                    "a --credential (or TCSS_EMULATOR_CREDENTIAL) value is not SECRET_ID:SECRET_KEY[:ACCOUNT[:TOKEN]] (the value is not shown: it holds a key)\n",
                )
                .with_cmd(cmd)
            })
    }
}

#[derive(Debug, Clone, Args)]
pub struct HealthArgs {
    /// Base URL of the emulator; default: derived from the listen address.
    #[arg(long, env = "TCSS_EMULATOR_URL")]
    pub url: Option<String>,

    /// The emulator's listen address (used when no URL is given).
    #[arg(long, env = "TCSS_EMULATOR_LISTEN", default_value = "127.0.0.1:4577")]
    pub listen: SocketAddr,
}

impl HealthArgs {
    /// The health route's URL: an unspecified listen address is reached on loopback.
    pub fn health_url(&self) -> String {
        let base = match &self.url {
            Some(url) => url.trim_end_matches('/').to_string(),
            None => {
                let mut addr = self.listen;
                if addr.ip().is_unspecified() {
                    addr.set_ip(if addr.is_ipv4() {
                        std::net::Ipv4Addr::LOCALHOST.into()
                    } else {
                        std::net::Ipv6Addr::LOCALHOST.into()
                    });
                }
                format!("http://{addr}")
            }
        };
        format!("{base}/_emulator/health")
    }
}

impl ServeArgs {
    /// The credentials to accept: the flags; else the SDKs' environment variables;
    /// else the built-in pair.
    pub fn effective_credentials(&self, env: impl Fn(&str) -> Option<String>) -> Vec<Credential> {
        if !self.credentials.is_empty() {
            return self.credentials.clone();
        }
        let from_env = env("TENCENTCLOUD_SECRET_ID")
            .zip(env("TENCENTCLOUD_SECRET_KEY"))
            .filter(|(id, key)| !id.is_empty() && !key.is_empty());
        let (id, key) =
            from_env.unwrap_or_else(|| (BUILTIN_SECRET_ID.into(), BUILTIN_SECRET_KEY.into()));
        vec![Credential {
            secret_id: id,
            secret_key: crate::signature::SecretKey::new(key),
            account: crate::signature::DEFAULT_ACCOUNT.into(),
            token: None,
        }]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn serve(args: &[&str]) -> ServeArgs {
        let cli = Cli::try_parse_from(std::iter::once("tcss-emulator").chain(args.iter().copied()))
            .unwrap();
        match cli.command {
            Some(Command::Serve(a)) => a,
            None => cli.serve,
            Some(_) => panic!("not serve"),
        }
    }

    #[test]
    fn defaults_and_serve_subcommand_agree() {
        let a = serve(&[]);
        let b = serve(&["serve"]);
        assert_eq!(a.listen.to_string(), "127.0.0.1:4577");
        assert_eq!(a.rate_limit, 20);
        assert_eq!(a.signature, Mode::Verify);
        assert_eq!(b.listen, a.listen);
    }

    #[test]
    fn repeatable_credentials_and_modes_parse() {
        let a = serve(&[
            "--credential",
            "a:b",
            "--credential",
            "c:d:acct",
            "--signature",
            "strict",
            "--rate-limit",
            "0",
        ]);
        assert_eq!(a.credentials.len(), 2);
        assert_eq!(a.credentials[1].account, "acct");
        assert_eq!(a.signature, Mode::Strict);
        let err = Cli::try_parse_from(["tcss-emulator", "--credential", "secret-key-alone"])
            .unwrap_err()
            .to_string();
        assert!(!err.contains("secret-key-alone"), "{err}");
        assert!(err.contains("SECRET_ID:SECRET_KEY"), "{err}");
    }

    #[test]
    fn credentials_fall_back_to_sdk_env_then_builtin() {
        let a = serve(&[]);
        let env = |k: &str| match k {
            "TENCENTCLOUD_SECRET_ID" => Some("envid".to_string()),
            "TENCENTCLOUD_SECRET_KEY" => Some("envkey".to_string()),
            _ => None,
        };
        assert_eq!(a.effective_credentials(env)[0].secret_id, "envid");
        assert_eq!(
            a.effective_credentials(|_| None)[0].secret_id,
            BUILTIN_SECRET_ID
        );
        let b = serve(&["--credential", "x:y"]);
        assert_eq!(b.effective_credentials(env)[0].secret_id, "x");
    }

    #[test]
    fn health_url_reaches_an_unspecified_address_on_loopback() {
        let h = HealthArgs {
            url: None,
            listen: "0.0.0.0:4577".parse().unwrap(),
        };
        assert_eq!(h.health_url(), "http://127.0.0.1:4577/_emulator/health");
        let h = HealthArgs {
            url: Some("http://x:1/".into()),
            listen: "0.0.0.0:1".parse().unwrap(),
        };
        assert_eq!(h.health_url(), "http://x:1/_emulator/health");
    }
}
