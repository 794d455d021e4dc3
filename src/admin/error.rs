//! Admin API errors: real HTTP statuses and `{"error": {"code", "message", ...}}`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::api::envelope::json_response;
use crate::store::StoreError;
use crate::store::fixtures::FixtureError;

#[derive(Debug)]
pub struct AdminError {
    status: StatusCode,
    body: Value,
}

impl AdminError {
    fn new(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        Self {
            status,
            body: json!({"error": {"code": code, "message": message.into()}}),
        }
    }
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }
    /// The message, as the JSON body carries it.
    pub fn message(&self) -> &str {
        self.body["error"]["message"].as_str().unwrap_or_default()
    }
    pub fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "Unauthorized",
            "this admin route needs `Authorization: Bearer <admin token>`",
        )
    }
    pub fn bad_request(message: &str) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "BadRequest", message)
    }
    /// The body did not arrive within the 10 s read timeout.
    pub fn body_timeout() -> Self {
        Self::new(
            StatusCode::REQUEST_TIMEOUT,
            "RequestTimeout",
            "the request body did not arrive within 10 s",
        )
    }
    pub fn too_large(limit: usize) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "PayloadTooLarge",
            format!(
                "the body is larger than {} MiB: send the records in several documents",
                limit / (1024 * 1024)
            ),
        )
    }
    pub fn method_not_allowed() -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "MethodNotAllowed",
            "this admin route does not take that method (see the README's admin API table)",
        )
    }
    pub fn not_found(id: i64) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "NotFound",
            format!("no image with Id {id}"),
        )
    }
    pub fn not_found_thing(what: &str, id: u64) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "NotFound",
            format!("no {what} with id {id}"),
        )
    }
    pub fn not_found_message(message: &str) -> Self {
        Self::new(StatusCode::NOT_FOUND, "NotFound", message)
    }
    pub fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "InternalError",
            "internal error (see the server log)",
        )
    }
    /// A rejected fixture: names the record and field, and nothing was written.
    pub fn fixture(err: FixtureError) -> Self {
        let mut body = json!({"error": {"code": "InvalidFixture", "message": err.to_string()}});
        if let Some(obj) = body.get_mut("error").and_then(Value::as_object_mut) {
            if let Some(i) = err.record {
                obj.insert("record".into(), json!(i));
            }
            if let Some(id) = err.id {
                obj.insert("id".into(), json!(id));
            }
            if let Some(field) = &err.field {
                obj.insert("field".into(), json!(field));
            }
        }
        Self {
            status: StatusCode::BAD_REQUEST,
            body,
        }
    }
}

impl From<StoreError> for AdminError {
    fn from(err: StoreError) -> Self {
        tracing::error!(error = %err, "store error in admin API");
        Self::internal()
    }
}

impl IntoResponse for AdminError {
    fn into_response(self) -> Response {
        json_response(
            self.status,
            serde_json::to_vec(&self.body).unwrap_or_default(),
        )
    }
}
