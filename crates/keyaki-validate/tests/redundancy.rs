//! The redundancy checks against the concrete evaluator: on random small policies, removing
//! everything `REDUNDANT_STATEMENT`, `REDUNDANT_ACTION` or `REDUNDANT_RESOURCE` reports gives
//! the same decision (allow, explicit deny, implicit deny) for every request of a sample that
//! exercises each pattern, condition and variable of the vocabulary.
//!
//! A finding is a proof that removing its items changes nothing, so any disagreement is a bug.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a broken expectation should stop the test loudly"
)]

use keyaki_policy::{
    Decision, ParseOptions, ParsedPolicy, PolicyType, Request, SourceFile, evaluate, parse_policy,
};
use keyaki_validate::{PathElement, ValidatePolicyType, validate_policy};
use proptest::prelude::*;
use serde_json::{Value, json};

const ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:Get*",
    "s3:*Object",
    "s3:*",
    "s3:PutObject",
    "s3:Get?bject",
    "iam:GetRole",
    "*",
];

const RESOURCES: &[&str] = &[
    "*",
    "arn:aws:s3:::b/*",
    "arn:aws:s3:::b/a/*",
    "arn:aws:s3:::b/a/x",
    "arn:aws:s3:::b*",
    "arn:aws:s3:::b/${aws:username}/*",
    "arn:aws:iam::111122223333:role/r*",
];

const REQUEST_ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:getobject",
    "s3:PutObject",
    "s3:GetBucketPolicy",
    "s3:Get",
    "s3:DeleteObject",
    "iam:GetRole",
    "ec2:RunInstances",
];

const REQUEST_RESOURCES: &[&str] = &[
    "arn:aws:s3:::b/a/x",
    "arn:aws:s3:::b/a/y",
    "arn:aws:s3:::b/alice/k",
    "arn:aws:s3:::b2",
    "arn:aws:s3:::c",
    "arn:aws:iam::111122223333:role/r1",
];

const USER_NAMES: &[Option<&str>] = &[None, Some("alice"), Some("bob"), Some("a")];

const SOURCE_IPS: &[Option<&str>] = &[None, Some("10.1.2.3"), Some("10.200.0.1")];

fn condition(choice: u8) -> Option<Value> {
    match choice {
        0 => Some(json!({"StringEquals": {"aws:username": "alice"}})),
        1 => Some(json!({"StringLike": {"aws:username": "a*"}})),
        2 => Some(json!({"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}})),
        3 => Some(json!({"IpAddress": {"aws:SourceIp": "10.1.0.0/16"}})),
        _ => None,
    }
}

fn statement() -> impl Strategy<Value = Value> {
    (
        prop::bool::weighted(0.25),
        prop::bool::weighted(0.15),
        prop::collection::vec(0..ACTIONS.len(), 1..4),
        prop::bool::weighted(0.15),
        prop::collection::vec(0..RESOURCES.len(), 1..4),
        0u8..8,
    )
        .prop_map(
            |(deny, not_action, actions, not_resource, resources, cond)| {
                let mut s = serde_json::Map::new();
                s.insert("Effect".into(), json!(if deny { "Deny" } else { "Allow" }));
                let actions: Vec<&str> = actions.iter().map(|&i| ACTIONS[i]).collect();
                let resources: Vec<&str> = resources.iter().map(|&i| RESOURCES[i]).collect();
                let action_key = if not_action { "NotAction" } else { "Action" };
                let resource_key = if not_resource {
                    "NotResource"
                } else {
                    "Resource"
                };
                s.insert(action_key.into(), json!(actions));
                s.insert(resource_key.into(), json!(resources));
                if let Some(condition) = condition(cond) {
                    s.insert("Condition".into(), condition);
                }
                Value::Object(s)
            },
        )
}

fn policy() -> impl Strategy<Value = Value> {
    prop::collection::vec(statement(), 1..5)
        .prop_map(|statements| json!({"Version": "2012-10-17", "Statement": statements}))
}

fn parsed(document: &Value) -> ParsedPolicy {
    let text = serde_json::to_string_pretty(document).unwrap();
    let options = ParseOptions {
        policy_type: Some(PolicyType::Identity),
        ..ParseOptions::default()
    };
    parse_policy(&SourceFile::new("policy.json", text.into_bytes()), options).unwrap()
}

fn requests() -> Vec<Request> {
    let mut all = Vec::new();
    for action in REQUEST_ACTIONS {
        for resource in REQUEST_RESOURCES {
            for user in USER_NAMES {
                for ip in SOURCE_IPS {
                    let mut request = Request::for_identity(action, resource);
                    if let Some(user) = user {
                        request = request.with_context_string("aws:username", user);
                    }
                    if let Some(ip) = ip {
                        request = request.with_context_string("aws:SourceIp", ip);
                    }
                    all.push(request);
                }
            }
        }
    }
    all
}

fn decisions(document: &Value, requests: &[Request]) -> Vec<Decision> {
    let policy = parsed(document);
    requests
        .iter()
        .map(|r| evaluate(&policy.policy, PolicyType::Identity, r).decision)
        .collect()
}

/// The document without the items the redundancy findings point at: statements, or entries
/// of an `Action`/`Resource` list (and their `Not` forms), all at once.
fn without_redundant(document: &Value) -> (Value, usize) {
    let text = serde_json::to_string_pretty(document).unwrap();
    let source = SourceFile::new("policy.json", text.into_bytes());
    let findings = validate_policy(&source, ValidatePolicyType::Identity);
    let mut statements: Vec<usize> = Vec::new();
    let mut entries: Vec<(usize, String, usize)> = Vec::new();
    for finding in &findings {
        let code = finding.issue.code;
        if !code.starts_with("REDUNDANT_") {
            continue;
        }
        if code == "REDUNDANT_STATEMENT" {
            let Some(PathElement::Index(i)) = finding.locations[0].path.get(1) else {
                panic!("a statement finding without its index: {finding:?}");
            };
            statements.push(*i);
            continue;
        }
        for location in &finding.locations {
            match location.path.as_slice() {
                [
                    _,
                    PathElement::Index(s),
                    PathElement::Value(key),
                    PathElement::Index(e),
                ] => {
                    entries.push((*s, key.clone(), *e));
                }
                other => panic!("an entry finding at {other:?}"),
            }
        }
    }
    let mut reduced = document.clone();
    let list = reduced["Statement"].as_array_mut().unwrap();
    entries.sort_unstable_by(|a, b| b.cmp(a));
    for (s, key, e) in &entries {
        list[*s][key.as_str()].as_array_mut().unwrap().remove(*e);
    }
    statements.sort_unstable_by(|a, b| b.cmp(a));
    for s in &statements {
        list.remove(*s);
    }
    (reduced, statements.len() + entries.len())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 192, ..ProptestConfig::default() })]

    #[test]
    fn removing_what_is_redundant_changes_no_decision(document in policy()) {
        let (reduced, removed) = without_redundant(&document);
        if removed > 0 {
            let sample = requests();
            let before = decisions(&document, &sample);
            let after = if reduced["Statement"].as_array().unwrap().is_empty() {
                vec![Decision::ImplicitDeny; sample.len()]
            } else {
                decisions(&reduced, &sample)
            };
            for ((request, b), a) in sample.iter().zip(&before).zip(&after) {
                prop_assert_eq!(
                    b, a,
                    "{} → {} differ on {} {} {:?}",
                    document, reduced, request.action, request.resource,
                    request.context().collect::<Vec<_>>()
                );
            }
        }
    }
}
