//! The `{"Response": ...}` wrapper every API answer is written in.
//!
//! <https://www.tencentcloud.com/document/product/1163/52900>. Always HTTP 200 with
//! `Content-Type: application/json` exactly: the Python SDK ignores an error body
//! under any other value (`; charset=utf-8` included) or any other status.

use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::error::{ApiError, Language};

/// The name and value of the header that identifies the emulator on every answer.
pub const EMULATOR_HEADER: &str = "x-tcss-emulator";
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

pub use crate::answer::Answer;

/// One API answer.
#[derive(Debug)]
pub struct Envelope {
    pub request_id: Uuid,
    pub lang: Language,
    pub result: Result<Answer, ApiError>,
}

impl Envelope {
    /// The JSON body.
    pub fn into_body(self) -> Vec<u8> {
        let mut response = match self.result {
            Ok(Answer::Rendered(text)) => match splice(text, self.request_id) {
                Some(body) => return body,
                None => {
                    tracing::error!("a pre-rendered answer is not a JSON object");
                    error_fields(&ApiError::internal(), self.lang)
                }
            },
            Ok(Answer::Fields(fields)) => fields,
            Err(err) => error_fields(&err, self.lang),
        };
        response.insert(
            "RequestId".into(),
            Value::String(self.request_id.to_string()),
        );
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

/// `{"Response": <object>}` with `"RequestId"` appended to `object`, the text of a
/// JSON object: byte for byte what encoding the object's fields would write. Written
/// in place (a stored answer comes with room for this).
fn splice(mut object: String, request_id: Uuid) -> Option<Vec<u8>> {
    if !object.starts_with('{') || object.pop() != Some('}') {
        return None;
    }
    let mut id = [0u8; uuid::fmt::Hyphenated::LENGTH];
    let id = request_id.hyphenated().encode_lower(&mut id);
    object.insert_str(0, "{\"Response\":");
    if object.len() > "{\"Response\":{".len() {
        object.push(',');
    }
    for part in ["\"RequestId\":\"", id, "\"}}"] {
        object.push_str(part);
    }
    Some(object.into_bytes())
}

/// `Error` with its code and message in `lang`.
fn error_fields(err: &ApiError, lang: Language) -> Map<String, Value> {
    let mut error = Map::with_capacity(2);
    error.insert("Code".into(), Value::String(err.code_str().into()));
    error.insert("Message".into(), Value::String(err.message(lang).into()));
    let mut map = Map::with_capacity(2);
    map.insert("Error".into(), Value::Object(error));
    map
}

/// A JSON answer with the emulator's headers.
pub fn json_response(status: StatusCode, body: impl Into<axum::body::Body>) -> Response {
    let mut res = Response::new(body.into());
    *res.status_mut() = status;
    let headers = res.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers.insert(
        HeaderName::from_static(EMULATOR_HEADER),
        HeaderValue::from_static(VERSION),
    );
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
            result: Ok(Answer::Fields(
                json!({"A": 1}).as_object().cloned().unwrap(),
            )),
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

    #[test]
    fn a_rendered_answer_is_written_byte_for_byte_like_its_fields() {
        let id = Uuid::new_v4();
        for fields in [
            json!({"A": 1, "B": "x\"y", "C": {"D": [1, 2]}, "E": "中文"}),
            json!({}),
        ] {
            let map = fields.as_object().cloned().unwrap();
            let text = serde_json::to_string(&map).unwrap();
            let body = |answer| {
                Envelope {
                    request_id: id,
                    lang: Language::EnUs,
                    result: Ok(answer),
                }
                .into_body()
            };
            assert_eq!(
                String::from_utf8(body(Answer::Rendered(text))).unwrap(),
                String::from_utf8(body(Answer::Fields(map))).unwrap()
            );
        }
        // A stored render that is not an object (a hand-edited database) is an
        // internal error, never a broken body.
        let body = Envelope {
            request_id: id,
            lang: Language::EnUs,
            result: Ok(Answer::Rendered("[1]".into())),
        }
        .into_body();
        let body: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(body["Response"]["Error"]["Code"], "InternalError");
    }
}
