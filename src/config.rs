//! The command line. Every flag also reads an environment variable
//! `TCSS_EMULATOR_<FLAG>`; repeatable flags take comma-separated values there.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
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
    /// Address to listen on, HOST:PORT (an IP address or a host name such as localhost); port 0 picks a free port (the bound address is printed).
    #[arg(long, env = "TCSS_EMULATOR_LISTEN", default_value = "127.0.0.1:4577", value_parser = ListenAddr::parse)]
    pub listen: ListenAddr,

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

    /// Seconds of emulator time other asynchronous work takes: cluster access installs
    /// and uninstalls, defence switches, refresh and asset sync tasks, container
    /// isolation.
    #[arg(long, env = "TCSS_EMULATOR_TASK_DURATION", default_value_t = 5)]
    pub task_duration: u64,

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
    #[arg(long, env = "TCSS_EMULATOR_LISTEN", default_value = "127.0.0.1:4577", value_parser = ListenAddr::parse)]
    pub listen: ListenAddr,
}

/// A listen address, `HOST:PORT`: an IP address (IPv6 in brackets) or a host name,
/// resolved when the emulator binds (`localhost:4577` works as users expect).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListenAddr {
    host: String,
    port: u16,
}

impl ListenAddr {
    /// Parses `HOST:PORT`; the error says what is expected.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let bad = |why: &str| {
            format!(
                "`{raw}` is not HOST:PORT ({why}); e.g. 127.0.0.1:4577, localhost:4577, [::1]:4577, 0.0.0.0:4577"
            )
        };
        let (host, port) = raw.rsplit_once(':').ok_or_else(|| bad("no port"))?;
        let port = port
            .parse::<u16>()
            .map_err(|_| bad("the port is not a number from 0 to 65535"))?;
        let name_ok = |h: &str| {
            !h.is_empty()
                && h.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-._".contains(&b))
        };
        let host = match host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
            Some(v6) => v6
                .parse::<Ipv6Addr>()
                .map_err(|_| bad("not an IPv6 address in the brackets"))?
                .to_string(),
            None if name_ok(host) => host.to_string(),
            None => return Err(bad("not an IP address or host name")),
        };
        Ok(Self { host, port })
    }

    /// `127.0.0.1:port`.
    pub fn loopback(port: u16) -> Self {
        Self {
            host: Ipv4Addr::LOCALHOST.to_string(),
            port,
        }
    }

    /// The host as given (an IPv6 address without its brackets).
    pub fn host(&self) -> &str {
        &self.host
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// `http://HOST:PORT` to reach it from this machine: an unspecified address
    /// (`0.0.0.0`, `::`) is reached on loopback.
    pub fn local_url(&self) -> String {
        match self.host.parse::<IpAddr>() {
            Ok(IpAddr::V4(ip)) if ip.is_unspecified() => {
                format!("http://{}:{}", Ipv4Addr::LOCALHOST, self.port)
            }
            Ok(IpAddr::V6(ip)) if ip.is_unspecified() => {
                format!("http://[{}]:{}", Ipv6Addr::LOCALHOST, self.port)
            }
            _ => format!("http://{self}"),
        }
    }
}

impl fmt::Display for ListenAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.host.contains(':') {
            write!(f, "[{}]:{}", self.host, self.port)
        } else {
            write!(f, "{}:{}", self.host, self.port)
        }
    }
}

impl HealthArgs {
    /// The health route's URL: an unspecified listen address is reached on loopback.
    pub fn health_url(&self) -> String {
        let base = match &self.url {
            Some(url) => url.trim_end_matches('/').to_string(),
            None => self.listen.local_url(),
        };
        format!("{base}/_emulator/health")
    }
}

/// Where the accepted credentials came from (logged at start-up: which one is in use
/// is otherwise invisible, and the SDK's variables replace the built-in pair).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialSource {
    /// `--credential` / `TCSS_EMULATOR_CREDENTIAL`.
    Flags,
    /// `TENCENTCLOUD_SECRET_ID` / `TENCENTCLOUD_SECRET_KEY`.
    SdkEnvironment,
    /// [`BUILTIN_SECRET_ID`] / [`BUILTIN_SECRET_KEY`].
    BuiltIn,
}

impl CredentialSource {
    /// Says where the credentials came from, for the start-up log.
    pub fn describe(self) -> &'static str {
        match self {
            Self::Flags => "--credential (TCSS_EMULATOR_CREDENTIAL)",
            Self::SdkEnvironment => {
                "TENCENTCLOUD_SECRET_ID/TENCENTCLOUD_SECRET_KEY (the SDKs' variables; they replace the built-in pair)"
            }
            Self::BuiltIn => "the built-in pair (no --credential, no TENCENTCLOUD_SECRET_ID/_KEY)",
        }
    }
}

impl ServeArgs {
    /// The credentials to accept: the flags; else the SDKs' environment variables;
    /// else the built-in pair.
    pub fn effective_credentials(&self, env: impl Fn(&str) -> Option<String>) -> Vec<Credential> {
        self.credentials_and_source(env).0
    }

    /// [`Self::effective_credentials`] with where they came from.
    pub fn credentials_and_source(
        &self,
        env: impl Fn(&str) -> Option<String>,
    ) -> (Vec<Credential>, CredentialSource) {
        if !self.credentials.is_empty() {
            return (self.credentials.clone(), CredentialSource::Flags);
        }
        let from_env = env("TENCENTCLOUD_SECRET_ID")
            .zip(env("TENCENTCLOUD_SECRET_KEY"))
            .filter(|(id, key)| !id.is_empty() && !key.is_empty());
        let (source, (id, key)) = match from_env {
            Some(pair) => (CredentialSource::SdkEnvironment, pair),
            None => (
                CredentialSource::BuiltIn,
                (BUILTIN_SECRET_ID.into(), BUILTIN_SECRET_KEY.into()),
            ),
        };
        let credential = Credential {
            secret_id: id,
            secret_key: crate::signature::SecretKey::new(key),
            account: crate::signature::DEFAULT_ACCOUNT.into(),
            token: None,
        };
        (vec![credential], source)
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
        let health = |url: Option<&str>, listen: &str| HealthArgs {
            url: url.map(str::to_string),
            listen: ListenAddr::parse(listen).unwrap(),
        };
        for (listen, url) in [
            ("0.0.0.0:4577", "http://127.0.0.1:4577/_emulator/health"),
            ("[::]:4577", "http://[::1]:4577/_emulator/health"),
            ("localhost:4606", "http://localhost:4606/_emulator/health"),
            ("[::1]:1", "http://[::1]:1/_emulator/health"),
        ] {
            assert_eq!(health(None, listen).health_url(), url);
        }
        let h = health(Some("http://x:1/"), "0.0.0.0:1");
        assert_eq!(h.health_url(), "http://x:1/_emulator/health");
    }

    #[test]
    fn listen_takes_host_names_and_says_what_it_expects_otherwise() {
        for good in [
            "localhost:4606",
            "127.0.0.1:0",
            "[::1]:4577",
            "my-host.local:80",
        ] {
            assert_eq!(ListenAddr::parse(good).unwrap().to_string(), good);
        }
        let a = serve(&["--listen", "localhost:4606"]);
        assert_eq!((a.listen.host(), a.listen.port()), ("localhost", 4606));
        for bad in [
            "localhost",
            "localhost:http",
            ":4577",
            "::1:4577",
            "a b:1",
            "[x]:1",
            "h:70000",
        ] {
            let err = ListenAddr::parse(bad).unwrap_err();
            assert!(err.contains("HOST:PORT") && err.contains(bad), "{err}");
        }
    }

    #[test]
    fn the_credential_source_is_known() {
        let env = |k: &str| match k {
            "TENCENTCLOUD_SECRET_ID" => Some("envid".to_string()),
            "TENCENTCLOUD_SECRET_KEY" => Some("envkey".to_string()),
            _ => None,
        };
        assert_eq!(
            serve(&[]).credentials_and_source(env).1,
            CredentialSource::SdkEnvironment
        );
        assert_eq!(
            serve(&[]).credentials_and_source(|_| None).1,
            CredentialSource::BuiltIn
        );
        let flags = serve(&["--credential", "x:y"]).credentials_and_source(env);
        assert_eq!(flags.1, CredentialSource::Flags);
    }
}
