//! The summarised findings drop nothing and claim nothing unproved.
//!
//! For every policy of the findings corpus (`corpus/checks/findings.json`) and for small
//! generated resource policies, [`summarise`] must:
//!
//! - place every per-kind cell of [`findings`] in exactly one summary finding, of the same
//!   statement and actions, whose principal admits the cell's caller and which lists the
//!   cell's class of callers;
//! - call a finding public exactly when one of its cells is the public;
//! - show a counterexample that is one of its cells' requests, which the concrete evaluator
//!   allows, by the finding's statement.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a broken expectation should stop the test loudly"
)]

use keyaki_check::{AccessKind, CheckConfig, Trust, findings, summarise};
use keyaki_policy::eval::statement_matches;
use keyaki_policy::{
    Decision, ParseOptions, ParsedPolicy, PolicyType, SourceFile, evaluate, parse_policy,
};
use proptest::prelude::*;
use serde_json::{Value, json};

fn parsed(text: &str) -> ParsedPolicy {
    let options = ParseOptions {
        policy_type: Some(PolicyType::Resource),
        ..ParseOptions::default()
    };
    parse_policy(
        &SourceFile::new("policy", text.as_bytes().to_vec()),
        options,
    )
    .unwrap_or_else(|e| panic!("{text}: {e:?}"))
}

/// The summary's promises for one policy; the problems found, in words.
fn problems(policy: &ParsedPolicy, trust: &Trust) -> Vec<String> {
    let report = findings(policy, trust, CheckConfig::default());
    let summary = summarise(&policy.policy, &report);
    let mut problems = Vec::new();
    for (index, cell) in report.findings.iter().enumerate() {
        let holders: Vec<_> = summary
            .iter()
            .filter(|s| s.cells.contains(&index))
            .collect();
        let [holder] = holders.as_slice() else {
            problems.push(format!("cell {index} is in {} findings", holders.len()));
            continue;
        };
        if holder.statement_index != cell.statement_index || holder.actions != cell.actions {
            problems.push(format!(
                "cell {index} merged into another statement or access"
            ));
        }
        if !holder.principal.admits(&cell.counterexample) {
            problems.push(format!(
                "cell {index}'s caller {:?} is not {:?}",
                cell.counterexample.principal, holder.principal
            ));
        }
        if !holder.callers.contains(&cell.caller) {
            problems.push(format!(
                "cell {index}'s class {:?} is not listed",
                cell.caller
            ));
        }
    }
    for access in &summary {
        let public = access
            .cells
            .iter()
            .any(|&i| report.findings[i].access == AccessKind::Public);
        if access.is_public != public {
            problems.push(format!("isPublic {} for {access:?}", access.is_public));
        }
        if !access
            .cells
            .iter()
            .any(|&i| report.findings[i].counterexample == access.counterexample)
        {
            problems.push("the counterexample is none of the cells' requests".to_string());
        }
        let statement = &policy.policy.statements[access.statement_index];
        let request = &access.counterexample;
        if evaluate(&policy.policy, PolicyType::Resource, request).decision != Decision::Allow
            || !statement_matches(statement, PolicyType::Resource, request)
        {
            problems.push(format!("the counterexample of {access:?} does not replay"));
        }
    }
    problems
}

#[test]
fn the_corpus_findings_are_all_summarised() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../corpus/checks/findings.json"
    );
    let corpus: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut failures = Vec::new();
    for case in corpus["cases"].as_array().unwrap() {
        let trust = Trust {
            accounts: serde_json::from_value(case["trustedAccounts"].clone()).unwrap_or_default(),
            organization: case["trustedOrg"].as_str().map(str::to_string),
        };
        let policy = parsed(&case["policy"].to_string());
        for problem in problems(&policy, &trust) {
            failures.push(format!("{}: {problem}", case["name"]));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn a_principal_star_statement_limited_by_a_vpc_is_one_finding() {
    let policy = parsed(
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*",
            "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::b/*",
            "Condition": {"StringEquals": {"aws:SourceVpc": "vpc-1a2b3c4d"}}}]}"#,
    );
    let trust = Trust {
        accounts: vec!["111122223333".to_string()],
        organization: None,
    };
    let report = findings(&policy, &trust, CheckConfig::default());
    assert!(report.findings.len() > 1, "several kinds of caller get in");
    assert!(report.unknown.is_empty(), "{:?}", report.unknown);
    let summary = summarise(&policy.policy, &report);
    assert_eq!(summary.len(), 1, "{summary:#?}");
    let access = &summary[0];
    assert!(access.is_anyone() && !access.is_public);
    assert_eq!(access.principal.key_value(), ("AWS", "*"));
    assert_eq!(access.condition.len(), 1);
    assert_eq!(access.condition[0].key, "aws:SourceVpc");
    assert_eq!(access.condition[0].values, ["vpc-1a2b3c4d"]);
    assert!(problems(&policy, &trust).is_empty());
}

#[test]
fn a_principal_account_condition_becomes_the_principal() {
    let policy = parsed(
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*",
            "Action": "sqs:SendMessage", "Resource": "*",
            "Condition": {"StringEquals": {"aws:PrincipalAccount": "444455556666"},
                          "IpAddress": {"aws:SourceIp": "192.0.2.0/24"}}}]}"#,
    );
    let trust = Trust {
        accounts: vec!["111122223333".to_string()],
        organization: None,
    };
    let report = findings(&policy, &trust, CheckConfig::default());
    let summary = summarise(&policy.policy, &report);
    assert_eq!(summary.len(), 1, "{summary:#?}");
    assert_eq!(summary[0].principal.key_value(), ("AWS", "444455556666"));
    let keys: Vec<&str> = summary[0]
        .condition
        .iter()
        .map(|c| c.key.as_str())
        .collect();
    assert_eq!(keys, ["aws:SourceIp"]);
}

#[test]
fn a_deny_under_conditions_is_shown_as_what_limits_the_access() {
    let policy = parsed(
        r#"{"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"},
            {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
             "Condition": {"NotIpAddress": {"aws:SourceIp": "192.0.2.0/24"}}},
            {"Effect": "Deny", "Principal": "*", "Action": "s3:PutObject", "Resource": "*",
             "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}"#,
    );
    let trust = Trust {
        accounts: vec!["111122223333".to_string()],
        organization: None,
    };
    let report = findings(&policy, &trust, CheckConfig::default());
    let summary = summarise(&policy.policy, &report);
    assert_eq!(summary.len(), 1, "{summary:#?}");
    let denies: Vec<usize> = summary[0]
        .denied_when
        .iter()
        .map(|d| d.statement_index)
        .collect();
    assert_eq!(
        denies,
        [1],
        "the Deny of s3:PutObject does not touch s3:GetObject"
    );
    assert_eq!(summary[0].denied_when[0].conditions[0].key, "aws:SourceIp");
}

/// Principal values a generated statement picks from (one to three of them).
const PRINCIPALS: [(&str, &str); 11] = [
    ("AWS", "*"),
    ("AWS", "444455556666"),
    ("AWS", "arn:aws:iam::444455556666:role/R"),
    ("AWS", "111122223333"),
    ("AWS", "999988887777"),
    ("AWS", "arn:aws:iam::999988887777:user/U"),
    ("Federated", "graph.facebook.com"),
    ("Federated", "accounts.google.com"),
    ("Federated", "arn:aws:iam::444455556666:saml-provider/P"),
    (
        "CanonicalUser",
        "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be",
    ),
    ("Service", "s3.amazonaws.com"),
];

/// Conditions a generated statement picks from (none to two of them): operator, key, values.
const CONDITIONS: [(&str, &str, &str); 10] = [
    ("StringEquals", "aws:SourceVpc", r#""vpc-1a2b3c4d""#),
    ("StringEquals", "aws:PrincipalAccount", r#""444455556666""#),
    (
        "StringNotEquals",
        "aws:PrincipalAccount",
        r#""111122223333""#,
    ),
    ("StringEquals", "aws:PrincipalOrgID", r#""o-a1b2c3d4e5""#),
    (
        "ArnEquals",
        "aws:PrincipalArn",
        r#""arn:aws:iam::444455556666:role/R""#,
    ),
    (
        "IpAddress",
        "aws:SourceIp",
        r#"["192.0.2.0/24", "203.0.113.0/24"]"#,
    ),
    ("NotIpAddress", "aws:SourceIp", r#""198.51.100.0/24""#),
    (
        "StringEqualsIfExists",
        "aws:SourceVpce",
        r#""vpce-1a2b3c4d""#,
    ),
    ("Bool", "aws:SecureTransport", r#""true""#),
    (
        "StringLike",
        "aws:PrincipalArn",
        r#""arn:aws:iam::*:role/Admin*""#,
    ),
];

const ACTIONS: [&str; 3] = ["s3:GetObject", "s3:PutObject", "s3:*"];

/// Entries grouped into a JSON object of objects: `{outer: {inner: value}}`.
fn grouped<'a>(entries: impl IntoIterator<Item = (&'a str, &'a str, Value)>) -> Value {
    let mut object = serde_json::Map::new();
    for (outer, inner, value) in entries {
        let group = object.entry(outer).or_insert_with(|| json!({}));
        group[inner] = value;
    }
    Value::Object(object)
}

/// A statement: an effect, some [`PRINCIPALS`] (`NotPrincipal` for some `Deny`s), some
/// [`CONDITIONS`], some [`ACTIONS`].
fn statement() -> impl Strategy<Value = Value> {
    (
        prop::bool::weighted(0.25),
        prop::bool::weighted(0.3),
        prop::sample::subsequence(PRINCIPALS.to_vec(), 1..=3),
        prop::sample::subsequence(CONDITIONS.to_vec(), 0..=2),
        prop::sample::subsequence(ACTIONS.to_vec(), 1..=2),
    )
        .prop_map(|(deny, negated, principals, conditions, actions)| {
            let mut principal = serde_json::Map::new();
            for (kind, value) in principals {
                let values = principal.entry(kind).or_insert_with(|| json!([]));
                if let Value::Array(list) = values {
                    list.push(json!(value));
                }
            }
            let conditions = grouped(conditions.into_iter().map(|(operator, key, values)| {
                (operator, key, serde_json::from_str(values).unwrap())
            }));
            let principal_key = if deny && negated {
                "NotPrincipal"
            } else {
                "Principal"
            };
            let mut statement = json!({
                "Effect": if deny { "Deny" } else { "Allow" },
                "Action": actions,
                "Resource": "arn:aws:s3:::DOC-EXAMPLE-BUCKET/*",
                "Condition": conditions,
            });
            statement[principal_key] = Value::Object(principal);
            statement
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn generated_policies_are_summarised_without_loss(
        statements in prop::collection::vec(statement(), 1..=3),
    ) {
        let text = json!({"Version": "2012-10-17", "Statement": statements}).to_string();
        let policy = parsed(&text);
        let trust = Trust { accounts: vec!["111122223333".to_string()], organization: None };
        let problems = problems(&policy, &trust);
        prop_assert!(problems.is_empty(), "{text}: {problems:#?}");
    }
}
