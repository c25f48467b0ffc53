//! Tests of the spanned JSON reader.

use super::*;

fn read(text: &str) -> Result<Spanned<Json>, JsonError> {
    parse(text, JsonLimits::default())
}

fn error(text: &str) -> (String, usize) {
    let e = read(text).expect_err(text);
    (e.message, e.span.start)
}

#[test]
fn reads_every_kind_of_value_with_spans() {
    let doc = read(r#" {"a": [1, -2.5e3, true, false, null, "x\u00e9\ud83d\ude00"]} "#).unwrap();
    assert_eq!(doc.span, Span::new(1, 61));
    let Json::Object(members) = doc.value else {
        panic!()
    };
    assert_eq!(members[0].key.value, "a");
    assert_eq!(members[0].key.span, Span::new(2, 5));
    let Json::Array(items) = &members[0].value.value else {
        panic!()
    };
    assert_eq!(items[0].value, Json::Number("1".into()));
    assert_eq!(items[1].value, Json::Number("-2.5e3".into()));
    assert_eq!(items[1].span, Span::new(11, 17));
    assert_eq!(items[2].value, Json::Bool(true));
    assert_eq!(items[4].value, Json::Null);
    assert_eq!(items[5].value, Json::String("xé😀".into()));
}

#[test]
fn rejects_malformed_documents_with_positions() {
    assert_eq!(
        error(""),
        (
            "expected a JSON value, found the end of the document".into(),
            0
        )
    );
    assert_eq!(
        error("{} x"),
        (
            "unexpected text after the end of the JSON document".into(),
            3
        )
    );
    assert_eq!(error(r#"{"a":1,}"#).1, 7);
    assert_eq!(error("[1,]").1, 3);
    assert_eq!(error(r#"{"a" 1}"#).1, 5);
    assert_eq!(error(r#"{"a":1 "b":2}"#).1, 7);
    assert_eq!(error("[01]").0, "malformed number `01`");
    assert_eq!(error("[1.]").0, "malformed number `1.`");
    assert_eq!(error("[-]").0, "malformed number `-`");
    assert_eq!(error("[.5]").0, "expected a JSON value, found `.`");
    assert_eq!(error("[1e]").0, "malformed number `1e`");
    assert_eq!(error("[tru]").0, "expected a JSON value, found `tru`");
    assert_eq!(error("[NaN]").0, "expected a JSON value, found `N`");
    assert_eq!(error(r#"["abc"#).0, "unterminated string");
    assert_eq!(
        error("[\"a\tb\"]").0,
        "control character U+0009 inside a string"
    );
    assert_eq!(error(r#"["\x"]"#).0, "unknown escape `\\x` in a string");
    assert_eq!(error(r#"["\é"]"#).0, "unknown escape `\\é` in a string");
    assert_eq!(
        error(r#"["\u12"]"#).0,
        "a `\\u` escape needs four hexadecimal digits"
    );
    assert_eq!(
        error(r#"["\ud800"]"#).0,
        "a `\\u` escape names an unpaired UTF-16 surrogate"
    );
    assert_eq!(
        error(r#"["\udc00"]"#).0,
        "a `\\u` escape names an unpaired UTF-16 surrogate"
    );
}

#[test]
fn rejects_duplicate_keys() {
    let e = read(r#"{"Effect": "Allow", "Effect": "Deny"}"#).unwrap_err();
    assert_eq!(e.message, "duplicate key `Effect`");
    assert_eq!(e.span, Span::new(20, 28));
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let deep = "[".repeat(100_000) + &"]".repeat(100_000);
    let e = read(&deep).unwrap_err();
    assert!(e.message.contains("deeper than 32 levels"), "{}", e.message);
    assert_eq!(e.span.start, 32);
    let ok = "[".repeat(32) + &"]".repeat(32);
    assert!(read(&ok).is_ok());
}
