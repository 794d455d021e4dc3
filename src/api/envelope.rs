//! The `{"Response": ...}` wrapper every API answer is written in.
//!
//! <https://www.tencentcloud.com/document/product/1163/52900>. Always HTTP 200 with
//! `Content-Type: application/json` exactly: the Python SDK ignores an error body
//! under any other value (`; charset=utf-8` included) or any other status.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::error::{ApiError, Language};

/// The name and value of the header that identifies the emulator on every answer.
pub const EMULATOR_HEADER: &str = "x-tcss-emulator";
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// One API answer.
#[derive(Debug)]
pub struct Envelope {
    pub request_id: Uuid,
    pub lang: Language,
    pub result: Result<Map<String, Value>, ApiError>,
}

impl Envelope {
    /// The JSON body.
    pub fn into_body(self) -> Vec<u8> {
        let request_id = Value::String(self.request_id.to_string());
        let mut response = match self.result {
            Ok(fields) => fields,
            Err(err) => {
                let mut error = Map::with_capacity(2);
                error.insert("Code".into(), Value::String(err.code_str().into()));
                error.insert(
                    "Message".into(),
                    Value::String(err.message(self.lang).into()),
                );
                let mut map = Map::with_capacity(2);
                map.insert("Error".into(), Value::Object(error));
                map
            }
        };
        response.insert("RequestId".into(), request_id);
        let mut outer = Map::with_capacity(1);
        outer.insert("Response".into(), Value::Object(response));
        // Serialising a Value cannot fail (string keys only).
        serde_json::to_vec(&Value::Object(outer)).unwrap_or_default()
    }

    /// The `Error.Code`, or `"Success"`.
    pub fn code(&self) -> &str {
        match &self.result {
            Ok(_) => "Success",
            Err(e) => e.code_str(),
        }
    }
}

/// A JSON answer with the emulator's headers.
pub fn json_response(status: StatusCode, body: Vec<u8>) -> Response {
    let mut res = (status, body).into_response();
    let headers = res.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers.insert(EMULATOR_HEADER, HeaderValue::from_static(VERSION));
    res
}

impl IntoResponse for Envelope {
    fn into_response(self) -> Response {
        json_response(StatusCode::OK, self.into_body())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn success_and_error_bodies_have_the_documented_shape() {
        let id = Uuid::new_v4();
        let ok = Envelope {
            request_id: id,
            lang: Language::EnUs,
            result: Ok(json!({"A": 1}).as_object().cloned().unwrap()),
        };
        let body: Value = serde_json::from_slice(&ok.into_body()).unwrap();
        assert_eq!(
            body,
            json!({"Response": {"A": 1, "RequestId": id.to_string()}})
        );

        let err = Envelope {
            request_id: id,
            lang: Language::ZhCn,
            result: Err(ApiError::missing_parameter("Version")),
        };
        let code = err.code().to_string();
        let body: Value = serde_json::from_slice(&err.into_body()).unwrap();
        assert_eq!(body["Response"]["Error"]["Code"], "MissingParameter");
        assert!(
            body["Response"]["Error"]["Message"]
                .as_str()
                .unwrap()
                .contains("缺少")
        );
        assert_eq!(body["Response"]["RequestId"], id.to_string());
        assert_eq!(code, "MissingParameter");
    }
}
