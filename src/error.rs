//! The one place where Tencent Cloud error codes and their messages are spelled.
//!
//! Codes: <https://www.tencentcloud.com/document/product/1163/52929>. Messages follow the
//! wording the real gateway uses where it is known (see the README), in English and in
//! Chinese; the request's `X-TC-Language` picks one when the envelope is written.

use std::borrow::Cow;
use std::sync::Arc;

/// A Tencent Cloud API 3.0 error code (common codes plus those TCSS documents).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    InvalidAuthorization,
    SecretIdNotFound,
    SignatureExpire,
    SignatureFailure,
    TokenFailure,
    FailedOperation,
    InternalError,
    InvalidAction,
    InvalidParameter,
    InvalidParameterValue,
    InvalidRequest,
    LimitExceeded,
    MissingParameter,
    NoSuchVersion,
    RequestLimitExceeded,
    RequestSizeLimitExceeded,
    ResourceNotFound,
    UnknownParameter,
    UnsupportedProtocol,
    /// A code given by a user's stub or fault: spelled in `ApiError::custom_code`.
    Custom,
}

impl ErrorCode {
    /// The code as it appears in `Response.Error.Code`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::InvalidAuthorization => "AuthFailure.InvalidAuthorization",
            Self::SecretIdNotFound => "AuthFailure.SecretIdNotFound",
            Self::SignatureExpire => "AuthFailure.SignatureExpire",
            Self::SignatureFailure => "AuthFailure.SignatureFailure",
            Self::TokenFailure => "AuthFailure.TokenFailure",
            Self::FailedOperation => "FailedOperation",
            Self::InternalError => "InternalError",
            Self::InvalidAction => "InvalidAction",
            Self::InvalidParameter => "InvalidParameter",
            Self::InvalidParameterValue => "InvalidParameterValue",
            Self::InvalidRequest => "InvalidRequest",
            Self::LimitExceeded => "LimitExceeded",
            Self::MissingParameter => "MissingParameter",
            Self::NoSuchVersion => "NoSuchVersion",
            Self::RequestLimitExceeded => "RequestLimitExceeded",
            Self::RequestSizeLimitExceeded => "RequestSizeLimitExceeded",
            Self::ResourceNotFound => "ResourceNotFound",
            Self::UnknownParameter => "UnknownParameter",
            Self::UnsupportedProtocol => "UnsupportedProtocol",
            Self::Custom => "Custom",
        }
    }

    /// Every code, for tables in tests and docs.
    pub const ALL: [ErrorCode; 19] = [
        Self::InvalidAuthorization,
        Self::SecretIdNotFound,
        Self::SignatureExpire,
        Self::SignatureFailure,
        Self::TokenFailure,
        Self::FailedOperation,
        Self::InternalError,
        Self::InvalidAction,
        Self::InvalidParameter,
        Self::InvalidParameterValue,
        Self::InvalidRequest,
        Self::LimitExceeded,
        Self::MissingParameter,
        Self::NoSuchVersion,
        Self::RequestLimitExceeded,
        Self::RequestSizeLimitExceeded,
        Self::ResourceNotFound,
        Self::UnknownParameter,
        Self::UnsupportedProtocol,
    ];
}

/// The language of error messages (`X-TC-Language`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Language {
    #[default]
    EnUs,
    ZhCn,
}

impl Language {
    /// `zh-CN` (any case) is Chinese; anything else, including absent, is English.
    pub fn parse(raw: Option<&str>) -> Self {
        match raw {
            Some(v) if v.trim().eq_ignore_ascii_case("zh-CN") => Self::ZhCn,
            _ => Self::EnUs,
        }
    }
}

/// The longest message answered: messages quote what the client sent, and a client
/// may send megabytes.
pub const MAX_MESSAGE_CHARS: usize = 512;

fn clip(message: Cow<'static, str>) -> Cow<'static, str> {
    match message.char_indices().nth(MAX_MESSAGE_CHARS) {
        Some((at, _)) => Cow::Owned(format!("{}…", &message[..at])),
        None => message,
    }
}

/// An API error: a code and its message in both languages (compared by what the
/// client sees: not by its cause).
#[derive(Debug, Clone, thiserror::Error)]
#[error("{}: {en}", self.code_str())]
pub struct ApiError {
    pub code: ErrorCode,
    /// The code's spelling when `code` is `Custom`.
    pub custom_code: Option<Arc<str>>,
    pub en: Cow<'static, str>,
    pub zh: Cow<'static, str>,
    /// What caused an `InternalError` (a database error): kept for the log and for
    /// `std::error::Error::source`, never sent to the client.
    #[source]
    pub cause: Option<Cause>,
}

/// The error behind an API error.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{0}")]
pub struct Cause(Arc<dyn std::error::Error + Send + Sync>);

impl PartialEq for ApiError {
    fn eq(&self, other: &Self) -> bool {
        (&self.code, &self.custom_code, &self.en, &self.zh)
            == (&other.code, &other.custom_code, &other.en, &other.zh)
    }
}

impl Eq for ApiError {}

impl ApiError {
    pub fn new(
        code: ErrorCode,
        en: impl Into<Cow<'static, str>>,
        zh: impl Into<Cow<'static, str>>,
    ) -> Self {
        Self {
            code,
            custom_code: None,
            en: clip(en.into()),
            zh: clip(zh.into()),
            cause: None,
        }
    }

    /// An error with any code (from a stub or fault), one message for both languages.
    /// A code the emulator knows maps to its `ErrorCode`.
    pub fn custom(code: &str, message: &str) -> Self {
        let known = ErrorCode::ALL.iter().copied().find(|c| c.as_str() == code);
        Self {
            code: known.unwrap_or(ErrorCode::Custom),
            custom_code: known.is_none().then(|| Arc::from(code)),
            en: clip(Cow::Owned(message.to_string())),
            zh: clip(Cow::Owned(message.to_string())),
            cause: None,
        }
    }

    /// The code as it appears on the wire.
    pub fn code_str(&self) -> &str {
        match &self.custom_code {
            Some(code) => code,
            None => self.code.as_str(),
        }
    }

    /// [`Self::code_str`], owned only when a stub or fault made it up.
    pub fn code_cow(&self) -> std::borrow::Cow<'static, str> {
        match &self.custom_code {
            Some(code) => std::borrow::Cow::Owned(code.to_string()),
            None => std::borrow::Cow::Borrowed(self.code.as_str()),
        }
    }

    /// The message in the caller's language.
    pub fn message(&self, lang: Language) -> &str {
        match lang {
            Language::EnUs => &self.en,
            Language::ZhCn => &self.zh,
        }
    }

    pub fn missing_parameter(name: &str) -> Self {
        Self::new(
            ErrorCode::MissingParameter,
            format!("The request is missing a required parameter `{name}`."),
            format!("缺少必选参数`{name}`。"),
        )
    }

    pub fn unknown_parameter(path: &str) -> Self {
        Self::new(
            ErrorCode::UnknownParameter,
            format!("The parameter `{path}` is not recognized."),
            format!("参数`{path}`无法识别。"),
        )
    }

    /// A parameter of the wrong type or format; `expected` names what was wanted.
    pub fn invalid_type(path: &str, expected_en: &str, expected_zh: &str) -> Self {
        Self::new(
            ErrorCode::InvalidParameter,
            format!("Parameter `{path}` type error: expected {expected_en}."),
            format!("参数`{path}`类型错误，应为{expected_zh}。"),
        )
    }

    /// A JSON value that is not a string where the spec says `string`, worded as the
    /// gateway words it (seen through the Python SDK for an element of a string list).
    pub fn not_a_string(path: &str) -> Self {
        Self::new(
            ErrorCode::InvalidParameter,
            format!(
                "The value type of parameter `{path}` is wrong. The parameter type should be `string`"
            ),
            format!("参数 `{path}` 取值类型错误。参数类型应为 `string`"),
        )
    }

    pub fn invalid_parameter(en: impl Into<String>, zh: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidParameter, en.into(), zh.into())
    }

    pub fn invalid_parameter_value(path: &str, why: &str) -> Self {
        Self::new(
            ErrorCode::InvalidParameterValue,
            format!("A value specified in `{path}` is not valid: {why}."),
            format!("参数`{path}`的取值无效：{why}。"),
        )
    }

    pub fn invalid_action(action: &str) -> Self {
        Self::new(
            ErrorCode::InvalidAction,
            format!("The request `Action` is invalid or not found: `{action}`."),
            format!("接口`{action}`不存在。"),
        )
    }

    /// `version` was asked; `service` has `known` (e.g. `2020-11-01`).
    pub fn no_such_version(version: &str, service: &str, known: &str) -> Self {
        Self::new(
            ErrorCode::NoSuchVersion,
            format!(
                "The specified api version=`{version}` does not exist in service=`{service}`; its version is `{known}`."
            ),
            format!("服务`{service}`不存在版本`{version}`，其版本为`{known}`。"),
        )
    }

    pub fn unsupported_protocol(method: &str) -> Self {
        Self::new(
            ErrorCode::UnsupportedProtocol,
            format!(
                "HTTP method `{method}` is not supported: only GET and POST requests are supported."
            ),
            format!("不支持HTTP方法`{method}`，仅支持GET和POST请求。"),
        )
    }

    pub fn request_size_limit(limit: usize) -> Self {
        Self::new(
            ErrorCode::RequestSizeLimitExceeded,
            format!("The request size exceeds the upper limit of {limit} bytes."),
            format!("请求包大小超过上限{limit}字节。"),
        )
    }

    pub fn invalid_request(why: &str) -> Self {
        Self::new(
            ErrorCode::InvalidRequest,
            format!("The multipart format of the request body is incorrect: {why}."),
            format!("请求体的multipart格式错误：{why}。"),
        )
    }

    pub fn invalid_authorization(why: &str) -> Self {
        Self::new(
            ErrorCode::InvalidAuthorization,
            format!(
                "The request `Authorization` header does not conform to tencentcloud standards: {why}."
            ),
            format!("请求头部的`Authorization`不符合腾讯云标准：{why}。"),
        )
    }

    pub fn secret_id_not_found() -> Self {
        Self::new(
            ErrorCode::SecretIdNotFound,
            "The SecretId is not found, please ensure that your SecretId is correct.",
            "SecretId不存在，请输入正确的密钥。",
        )
    }

    pub fn signature_failure() -> Self {
        Self::new(
            ErrorCode::SignatureFailure,
            "The provided credentials could not be validated. Please check your signature is correct.",
            "请求签名验证失败，请检查您的签名计算是否正确。",
        )
    }

    pub fn signature_expire(skew_seconds: i64) -> Self {
        Self::new(
            ErrorCode::SignatureExpire,
            format!(
                "The signature is expired, please request again (timestamp is {skew_seconds} s away from server time, at most 300 s allowed)."
            ),
            format!(
                "签名过期，请重新请求（时间戳与服务器时间相差{skew_seconds}秒，最多允许300秒）。"
            ),
        )
    }

    /// The credential is temporary and the call sent no token at all.
    pub fn token_missing() -> Self {
        Self::new(
            ErrorCode::TokenFailure,
            "The request carries no token, but its SecretId belongs to a temporary credential: send the credential's token as `X-TC-Token` (or `Token`).",
            "请求未携带Token，但其SecretId属于临时密钥：请以`X-TC-Token`（或`Token`）发送该密钥的Token。",
        )
    }

    pub fn token_failure() -> Self {
        Self::new(
            ErrorCode::TokenFailure,
            "The provided token is invalid or does not belong to this SecretId.",
            "Token错误或不属于该SecretId。",
        )
    }

    pub fn request_limit_exceeded(count: u32, limit: u32) -> Self {
        Self::new(
            ErrorCode::RequestLimitExceeded,
            format!(
                "Your current request times equals to `{count}` in a second, which exceeds the frequency limit `{limit}` for a second, please reduce the frequency of calls."
            ),
            format!("您当前每秒请求`{count}`次，超过了每秒频率上限`{limit}`，请降低调用频率。"),
        )
    }

    /// No image matches `key` (e.g. ``Id `5427` ``).
    pub fn image_not_found(key: &str) -> Self {
        Self::new(
            ErrorCode::ResourceNotFound,
            format!("The resource does not exist: no image matches {key}."),
            format!("资源不存在：没有匹配{key}的镜像。"),
        )
    }

    pub fn resource_not_found_task(task: u64) -> Self {
        Self::new(
            ErrorCode::ResourceNotFound,
            format!("The resource does not exist: no scan task with TaskID `{task}`."),
            format!("资源不存在：没有TaskID为`{task}`的扫描任务。"),
        )
    }

    /// No record of `resource` (e.g. `cluster`) has `key` (e.g. ``ClusterId `cls-1` ``).
    pub fn not_found(resource: &str, key: &str) -> Self {
        Self::new(
            ErrorCode::ResourceNotFound,
            format!("The resource does not exist: no {resource} with {key}."),
            format!("资源不存在：没有{key}的{resource}。"),
        )
    }

    /// `FailedOperation.ErrAlreadyScanning`: a scan asked for an image being scanned.
    pub fn already_scanning(id: i64) -> Self {
        Self::sub_code(
            "FailedOperation.ErrAlreadyScanning",
            format!("The image with Id {id} is already being scanned."),
            format!("Id为{id}的镜像正在扫描中。"),
        )
    }

    /// `InvalidParameter.MissingParameter`: a finding list without its image.
    pub fn missing_id_or_image_info() -> Self {
        Self::sub_code(
            "InvalidParameter.MissingParameter",
            "Parameter `Id` or `ImageInfo` is required.",
            "缺少参数`Id`或`ImageInfo`。",
        )
    }

    /// A documented sub-code (`Code.SubCode`) with messages in both languages.
    fn sub_code(code: &str, en: impl Into<String>, zh: impl Into<String>) -> Self {
        Self {
            zh: clip(Cow::Owned(zh.into())),
            ..Self::custom(code, &en.into())
        }
    }

    /// An operation the record's state does not allow (e.g. a task still running).
    pub fn failed_operation(en: impl Into<String>, zh: impl Into<String>) -> Self {
        Self::new(ErrorCode::FailedOperation, en.into(), zh.into())
    }

    /// An export whose file would pass the emulator's bound on one file.
    pub fn export_too_large(max_bytes: usize) -> Self {
        let mib = max_bytes / (1024 * 1024);
        Self::new(
            ErrorCode::LimitExceeded,
            format!(
                "Quota limit exceeded: the export file would be larger than {mib} MiB; narrow it with Filters, Limit or ExportField."
            ),
            format!(
                "超过配额限制：导出文件将超过{mib} MiB，请用Filters、Limit或ExportField缩小范围。"
            ),
        )
    }

    pub fn internal() -> Self {
        Self::new(
            ErrorCode::InternalError,
            "An internal error occurred.",
            "内部错误。",
        )
    }
}

impl From<crate::store::StoreError> for ApiError {
    fn from(err: crate::store::StoreError) -> Self {
        tracing::error!(error = %err, "store error");
        Self {
            cause: Some(Cause(Arc::new(err))),
            ..Self::internal()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_store_error_is_kept_as_the_source_of_an_internal_error() {
        let json = serde_json::from_str::<serde_json::Value>("{").unwrap_err();
        let err = ApiError::from(crate::store::StoreError::Json(json));
        assert_eq!(err.code_str(), ApiError::internal().code_str());
        assert_eq!(err, ApiError::internal());
        let source = std::error::Error::source(&err).map(ToString::to_string);
        assert!(source.is_some_and(|s| s.contains("not valid JSON")));
    }

    #[test]
    fn every_code_is_spelled_once() {
        let mut seen = std::collections::HashSet::new();
        for code in ErrorCode::ALL {
            assert!(seen.insert(code.as_str()), "{} twice", code.as_str());
        }
    }

    #[test]
    fn auth_codes_carry_the_auth_failure_prefix() {
        for code in [
            ErrorCode::InvalidAuthorization,
            ErrorCode::SecretIdNotFound,
            ErrorCode::SignatureExpire,
            ErrorCode::SignatureFailure,
            ErrorCode::TokenFailure,
        ] {
            assert!(code.as_str().starts_with("AuthFailure."));
        }
    }

    #[test]
    fn custom_codes_keep_their_spelling_and_known_ones_map_back() {
        let e = ApiError::custom("FailedOperation.ErrAlreadyScanning", "busy");
        assert_eq!(e.code, ErrorCode::Custom);
        assert_eq!(e.code_str(), "FailedOperation.ErrAlreadyScanning");
        let e = ApiError::custom("RequestLimitExceeded", "slow down");
        assert_eq!(e.code, ErrorCode::RequestLimitExceeded);
        assert_eq!(e.code_str(), "RequestLimitExceeded");
        assert_eq!(e.message(Language::ZhCn), "slow down");
    }

    #[test]
    fn messages_quoting_huge_input_are_clipped() {
        let e = ApiError::unknown_parameter(&"x".repeat(100_000));
        assert_eq!(e.en.chars().count(), MAX_MESSAGE_CHARS + 1);
        assert!(e.en.ends_with('…'));
        let e = ApiError::unknown_parameter(&"参".repeat(1_000));
        assert!(e.zh.chars().count() <= MAX_MESSAGE_CHARS + 1);
    }

    #[test]
    fn language_defaults_to_english() {
        assert_eq!(Language::parse(None), Language::EnUs);
        assert_eq!(Language::parse(Some("")), Language::EnUs);
        assert_eq!(Language::parse(Some("zh-CN")), Language::ZhCn);
        let e = ApiError::missing_parameter("Version");
        assert_eq!(
            e.message(Language::EnUs),
            "The request is missing a required parameter `Version`."
        );
        assert!(e.message(Language::ZhCn).contains("Version"));
    }
}
