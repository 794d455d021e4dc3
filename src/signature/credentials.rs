//! The credentials the emulator accepts: key pairs, their accounts and session tokens.
//!
//! <https://www.tencentcloud.com/document/product/1163/52897> (`SecretId`, `Token`).

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};

use subtle::ConstantTimeEq;

use super::tc3;
use crate::error::ApiError;

/// The account records belong to when a credential names none.
pub const DEFAULT_ACCOUNT: &str = "default";

/// A secret key; `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretKey(String);

impl SecretKey {
    pub fn new(key: impl Into<String>) -> Self {
        Self(key.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKey(***)")
    }
}

/// One accepted key pair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credential {
    pub secret_id: String,
    pub secret_key: SecretKey,
    pub account: String,
    /// A session token: when set, calls must send it (`X-TC-Token` / `Token`).
    pub token: Option<String>,
}

impl Credential {
    /// Parses `SECRET_ID:SECRET_KEY[:ACCOUNT[:TOKEN]]`.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let mut parts = raw.splitn(4, ':');
        let id = parts.next().unwrap_or_default().trim();
        let key = parts.next().unwrap_or_default().trim();
        if id.is_empty() || key.is_empty() {
            return Err(format!(
                "credential `{}` is not SECRET_ID:SECRET_KEY[:ACCOUNT[:TOKEN]]",
                id
            ));
        }
        let account = parts.next().map(str::trim).filter(|a| !a.is_empty());
        let token = parts.next().map(str::trim).filter(|t| !t.is_empty());
        Ok(Self {
            secret_id: id.to_string(),
            secret_key: SecretKey::new(key),
            account: account.unwrap_or(DEFAULT_ACCOUNT).to_string(),
            token: token.map(str::to_string),
        })
    }
}

/// A TC3 signing key derived for one (date, service), as a keyed HMAC:
/// `(date, service, keyed)`.
type DerivedKey = (String, String, tc3::HmacSha256);

/// The credentials the emulator accepts, by SecretId.
#[derive(Debug, Clone, Default)]
pub struct Credentials {
    by_id: HashMap<String, Credential>,
    /// Every SecretId, sorted, comma-separated (for logs).
    secret_ids: String,
    /// The last TC3 key derived per SecretId: a key changes once a day, so the four
    /// HMACs of its derivation are done once, not per request.
    derived: Arc<Mutex<HashMap<String, DerivedKey>>>,
}

impl Credentials {
    pub fn new(list: impl IntoIterator<Item = Credential>) -> Self {
        let by_id: HashMap<String, Credential> =
            list.into_iter().map(|c| (c.secret_id.clone(), c)).collect();
        let mut ids: Vec<&str> = by_id.keys().map(String::as_str).collect();
        ids.sort_unstable();
        Self {
            secret_ids: ids.join(","),
            by_id,
            derived: Arc::default(),
        }
    }

    /// Every accepted SecretId, sorted, comma-separated (never a key).
    pub fn secret_ids(&self) -> &str {
        &self.secret_ids
    }

    /// The TC3 signing key of `credential` for `date` and `service`.
    pub(super) fn signing_key(
        &self,
        credential: &Credential,
        date: &str,
        service: &str,
    ) -> tc3::HmacSha256 {
        let mut cache = self.derived.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((d, s, keyed)) = cache.get(&credential.secret_id)
            && d == date
            && s == service
        {
            return keyed.clone();
        }
        let keyed = tc3::keyed(&tc3::signing_key(
            credential.secret_key.expose(),
            date,
            service,
        ));
        cache.insert(
            credential.secret_id.clone(),
            (date.to_string(), service.to_string(), keyed.clone()),
        );
        keyed
    }
    pub fn get(&self, secret_id: &str) -> Option<&Credential> {
        self.by_id.get(secret_id)
    }
    pub fn iter(&self) -> impl Iterator<Item = &Credential> {
        self.by_id.values()
    }
}

/// A credential with a session token needs it sent (compared in constant time); an
/// empty token counts as none.
pub(super) fn check_token(credential: &Credential, sent: Option<&str>) -> Result<(), ApiError> {
    let Some(expected) = &credential.token else {
        return Ok(());
    };
    match sent.filter(|t| !t.is_empty()) {
        None => Err(ApiError::token_missing()),
        Some(t) if bool::from(t.as_bytes().ct_eq(expected.as_bytes())) => Ok(()),
        Some(_) => Err(ApiError::token_failure()),
    }
}
