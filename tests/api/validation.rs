//! The spec's validation, per error class, at top level and nested, through a JSON
//! body and through Tencent's flattened form (query and form body).

use serde_json::json;

use crate::helpers::*;

const LIST: &str = "DescribeAssetImageRegistryList";

/// Flat parameters, the expected code (`None`: success), a text the message names.
type Case = (
    &'static [(&'static str, &'static str)],
    Option<&'static str>,
    &'static str,
);

#[tokio::test]
async fn json_bodies_get_each_error_class_at_top_level_and_nested() {
    let app = spawn_app().await;
    let cases = [
        (json!({"Foo": 1}), "UnknownParameter", "`Foo`"),
        (
            json!({"Filters": [{"Name": "ImageName", "Values": ["a"], "Foo": 1}]}),
            "UnknownParameter",
            "`Filters.0.Foo`",
        ),
        (
            json!({"Filters": [{"Name": "ImageName"}]}),
            "MissingParameter",
            "`Filters.0.Values`",
        ),
        (
            json!({"Filters": [{"Values": ["a"]}]}),
            "MissingParameter",
            "`Filters.0.Name`",
        ),
        (json!({"Limit": "ten"}), "InvalidParameter", "`Limit`"),
        (json!({"Limit": -1}), "InvalidParameter", "`Limit`"),
        (
            json!({"OnlyShowLatest": "maybe"}),
            "InvalidParameter",
            "`OnlyShowLatest`",
        ),
        (
            json!({"Filters": {"Name": "a"}}),
            "InvalidParameter",
            "`Filters`",
        ),
        (
            json!({"Filters": [{"Name": "a", "Values": "x"}]}),
            "InvalidParameter",
            "`Filters.0.Values`",
        ),
        (
            json!({"Filters": [{"Name": ["a"], "Values": ["x"]}]}),
            "InvalidParameter",
            "`Filters.0.Name`",
        ),
        (
            json!({"Filters": [{"Name": "a", "Values": [{"x": 1}]}]}),
            "InvalidParameter",
            "`Filters.0.Values.0`",
        ),
    ];
    for (params, expected, path) in cases {
        let res = app.call(LIST, params.clone()).await;
        assert_eq!(code(&res), Some(expected), "{params}: {res}");
        let msg = res["Error"]["Message"].as_str().unwrap();
        assert!(msg.contains(path), "{params}: {msg}");
    }
}

#[tokio::test]
async fn flattened_query_and_form_parameters_are_validated_the_same_way() {
    let app = spawn_app().await;
    let cases: [Case; 7] = [
        (
            &[
                ("Filters.0.Name", "ImageName"),
                ("Filters.0.Values.0", "a"),
                ("Filters.0.Foo", "1"),
            ],
            Some("UnknownParameter"),
            "`Filters.0.Foo`",
        ),
        (
            &[("Filters.0.Name", "ImageName")],
            Some("MissingParameter"),
            "`Filters.0.Values`",
        ),
        (&[("Limit", "ten")], Some("InvalidParameter"), "`Limit`"),
        (
            &[("Filters.1.Name", "a")],
            Some("InvalidParameter"),
            "index",
        ),
        (&[("Foo", "1")], Some("UnknownParameter"), "`Foo`"),
        (
            &[
                ("Limit", "5"),
                ("OnlyShowLatest", "True"),
                ("Filters.0.Name", "ImageName"),
                ("Filters.0.Values.0", "a"),
                ("Filters.0.ExactMatch", "false"),
            ],
            None,
            "",
        ),
        (
            &[("RequestClient", "SDK_PYTHON_3.1"), ("Language", "zh-CN")],
            None,
            "",
        ),
    ];
    for method in ["GET", "POST"] {
        for (params, expected, path) in cases {
            let res = app
                .call_legacy_action(LIST, method, "HmacSHA256", params)
                .await;
            assert_eq!(code(&res), expected, "{method} {params:?}: {res}");
            if expected.is_some() {
                let msg = res["Error"]["Message"].as_str().unwrap();
                assert!(msg.contains(path), "{params:?}: {msg}");
            }
        }
    }
}

/// README: "flattened names nest at most 32 levels". A name of 31 or 32 segments is
/// unflattened (and then refused by the spec: `Filters.0.Deep` is no member, so
/// `UnknownParameter`); one of 33 is refused while parsing, as `InvalidParameter`.
#[tokio::test]
async fn flattened_names_nest_at_most_32_levels() {
    let app = spawn_app().await;
    for method in ["GET", "POST"] {
        for (levels, expected, text) in [
            (31, "UnknownParameter", "`Filters.0.Deep`"),
            (32, "UnknownParameter", "`Filters.0.Deep`"),
            (33, "InvalidParameter", "deeper than 32 levels"),
        ] {
            // `Filters`, `0`, `Deep`, then `a` segments up to `levels`.
            let name = format!("Filters.0.Deep{}", ".a".repeat(levels - 3));
            assert_eq!(name.split('.').count(), levels);
            let params = [
                ("Filters.0.Name", "ImageName"),
                ("Filters.0.Values.0", "x"),
                (name.as_str(), "v"),
            ];
            let res = app
                .call_legacy_action(LIST, method, "HmacSHA256", &params)
                .await;
            assert_eq!(
                code(&res),
                Some(expected),
                "{method}, {levels} levels: {res}"
            );
            let msg = res["Error"]["Message"].as_str().unwrap();
            assert!(msg.contains(text), "{method}, {levels} levels: {msg}");
        }
    }
}
