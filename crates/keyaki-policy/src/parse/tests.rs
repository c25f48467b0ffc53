//! Unit tests of the grammar; the rendered messages are pinned by the CLI's snapshots.

use super::*;
use crate::model::{ConditionValue, Principal};

fn read(text: &str) -> Result<ParsedPolicy, Vec<Diagnostic>> {
    parse_policy(
        &SourceFile::new("p.json", text.as_bytes().to_vec()),
        ParseOptions::default(),
    )
}

fn first_error(text: &str) -> String {
    read(text)
        .unwrap_err()
        .into_iter()
        .find(Diagnostic::is_error)
        .unwrap()
        .message
}

#[test]
fn reads_a_full_statement() {
    let parsed = read(r#"{"Version":"2012-10-17","Id":"x","Statement":[{"Sid":"S","Effect":"Deny",
        "NotPrincipal":{"AWS":["123456789012","arn:aws:iam::444455556666:root","arn:aws:iam::1:role/R"],"Service":"s.amazonaws.com"},
        "NotAction":"s3:*","NotResource":["arn:aws:s3:::b/${aws:username}"],
        "Condition":{"ForAllValues:StringLikeIfExists":{"aws:TagKeys":["a*", "b"]},"NumericLessThan":{"s3:max-keys":10}}}]}"#).unwrap();
    assert_eq!(parsed.policy_type, PolicyType::Resource);
    let s = &parsed.policy.statements[0];
    assert_eq!(s.effect.value, Effect::Deny);
    let principal = s.principal.as_ref().unwrap();
    assert!(principal.negated);
    let kinds: Vec<_> = principal
        .principals
        .iter()
        .map(|p| p.value.clone())
        .collect();
    assert_eq!(
        kinds,
        vec![
            Principal::Account("123456789012".into()),
            Principal::Account("444455556666".into()),
            Principal::Aws("arn:aws:iam::1:role/R".into()),
            Principal::Service("s.amazonaws.com".into()),
        ]
    );
    assert!(s.action.negated && s.resource.as_ref().unwrap().negated);
    assert_eq!(s.conditions.len(), 2);
    assert_eq!(
        s.conditions[0].operator.value.to_string(),
        "ForAllValues:StringLikeIfExists"
    );
    assert!(matches!(
        s.conditions[1].values[0].value,
        ConditionValue::Number(_)
    ));
    assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);
}

#[test]
fn reports_every_problem_not_just_the_first() {
    let errors = read(r#"{"Statement":[{"Effect":"allow","Action":"s3:*"},{"Effect":"Allow","Action":"x:y","NotAction":"y:z","Resource":"*"}]}"#).unwrap_err();
    let messages: Vec<_> = errors.iter().map(|d| d.message.as_str()).collect();
    assert!(
        messages.contains(&"`Effect` must be `Allow` or `Deny`, found `allow`"),
        "{messages:?}"
    );
    assert!(
        messages.contains(&"a statement cannot have both `Action` and `NotAction`"),
        "{messages:?}"
    );
}

#[test]
fn likely_mistakes_are_warnings() {
    let parsed = read(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotPrincipal":"*","Action":"s3:GetObject","Resource":"*"}]}"#).unwrap();
    let warnings: Vec<_> = parsed.warnings.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        warnings,
        vec!["`NotPrincipal` with `Allow` grants access to everyone not listed"]
    );
    let parsed = read(r#"{"Statement":[{"Effect":"Allow","Action":"s3:GetObject"}]}"#).unwrap();
    assert_eq!(
        parsed.warnings[0].message,
        "the statement has no `Resource` or `NotResource`"
    );
}

#[test]
fn only_the_two_versions_iam_knows_are_accepted() {
    for version in ["2012-10-17", "2008-10-17"] {
        let policy = format!(
            r#"{{"Version":"{version}","Statement":{{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}}}"#
        );
        let parsed = read(&policy).unwrap();
        assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);
    }
    for version in ["2013-10-17", "2012-10-18", "2012-10-17 ", ""] {
        let policy = format!(
            r#"{{"Version":"{version}","Statement":{{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}}}"#
        );
        assert_eq!(
            first_error(&policy),
            format!("unknown policy `Version` `{version}`")
        );
    }
}

#[test]
fn malformed_values_are_errors() {
    let with = |op: &str, v: &str| {
        first_error(&format!(
            r#"{{"Statement":[{{"Effect":"Allow","Action":"a:b","Resource":"*","Condition":{{"{op}":{{"k":{v}}}}}}}]}}"#
        ))
    };
    assert_eq!(
        with("DateLessThan", r#""tomorrow""#),
        "malformed date `tomorrow` for `DateLessThan`"
    );
    assert_eq!(
        with("NumericEquals", r#""1,5""#),
        "malformed number `1,5` for `NumericEquals`"
    );
    assert_eq!(
        with("IpAddress", r#""10.0.0.0/33""#),
        "malformed IP address or CIDR block `10.0.0.0/33` for `IpAddress`"
    );
    assert_eq!(
        with("StringEqualz", r#""x""#),
        "unknown condition operator `StringEqualz`"
    );
    assert_eq!(
        with("ForSomeValues:StringEquals", r#""x""#),
        "unknown set qualifier `ForSomeValues`"
    );
    assert_eq!(
        with("Bool", r#""yes""#),
        "malformed boolean `yes` for `Bool`"
    );
    assert_eq!(
        with("NullIfExists", "true"),
        "`Null` cannot be written as `NullIfExists`"
    );
}

#[test]
fn limits_bound_the_work() {
    let big = format!(
        r#"{{"Statement":[{{"Effect":"Allow","Action":"a:b","Resource":"{}"}}]}}"#,
        "x".repeat(11 << 20)
    );
    assert_eq!(
        first_error(&big),
        "the document is larger than the limit of 1048576 bytes"
    );
    let deep = "[".repeat(100_000);
    assert!(first_error(&deep).contains("deeper than 32 levels"));
}
