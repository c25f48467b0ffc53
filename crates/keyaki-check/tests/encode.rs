//! The encoding agrees with the concrete evaluator on every request of the evaluate corpus:
//! for each policy and request, the policy's formula evaluated on the request's values is true
//! exactly when the evaluator says Allow, and each statement's formula exactly when the
//! evaluator says the statement matches.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a broken expectation should stop the test loudly"
)]

use keyaki_check::concrete::assignment_of;
use keyaki_check::{Encoder, Vocabulary};
use keyaki_logic::Context;
use keyaki_policy::eval::statement_matches;
use keyaki_policy::{
    Decision, ParseOptions, PolicyType, SourceFile, evaluate, parse_policy, parse_request,
};
use std::path::Path;

#[test]
fn formulas_agree_with_the_evaluator_on_the_corpus() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus/evaluate");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let (mut checked, mut skipped, mut failures) = (0, 0, Vec::new());
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let case: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let policy_type = match case.get("policyType").and_then(|t| t.as_str()) {
            Some("IDENTITY_POLICY") => Some(PolicyType::Identity),
            Some("RESOURCE_POLICY") => Some(PolicyType::Resource),
            _ => None,
        };
        let source = SourceFile::new(
            &name,
            serde_json::to_string(&case["policy"]).unwrap().into_bytes(),
        );
        let parsed = parse_policy(
            &source,
            ParseOptions {
                policy_type,
                ..ParseOptions::default()
            },
        )
        .unwrap();
        let vocabulary = Vocabulary::of(&[&parsed.policy]);
        let mut cx = Context::new();
        let mut encoder = Encoder::new(&mut cx, &vocabulary);
        let encoded = encoder.policy(&parsed.policy, parsed.policy_type);
        for request_case in case["requests"].as_array().unwrap() {
            let request_name = request_case["name"].as_str().unwrap();
            let request_source = SourceFile::new(
                "r",
                serde_json::to_string(&request_case["request"])
                    .unwrap()
                    .into_bytes(),
            );
            let request = parse_request(&request_source).unwrap();
            let Some(assignment) = assignment_of(&mut encoder, &request) else {
                skipped += 1;
                continue;
            };
            checked += 1;
            let allowed =
                evaluate(&parsed.policy, parsed.policy_type, &request).decision == Decision::Allow;
            if assignment.holds(encoder.cx, encoded.allows) != allowed {
                failures.push(format!(
                    "{name}/{request_name}: evaluator says {allowed}, formula {}",
                    encoder.cx.show(encoded.allows)
                ));
            }
            for (statement, formula) in parsed.policy.statements.iter().zip(&encoded.statements) {
                let matches = statement_matches(statement, parsed.policy_type, &request);
                if assignment.holds(encoder.cx, *formula) != matches {
                    failures.push(format!(
                        "{name}/{request_name}: statement {} matches={matches}, formula {}",
                        statement.index,
                        encoder.cx.show(*formula)
                    ));
                }
            }
        }
    }
    println!("{checked} requests checked, {skipped} outside the modelled domain");
    assert!(checked > 250, "most of the corpus is checked ({checked})");
    assert!(
        failures.is_empty(),
        "{} disagreements:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The keys IAM derives from the caller are written as constraints on every question
/// (`encode/caller.rs`). They are sound only if every real request satisfies them: for
/// callers of every kind, with the context IAM would give them, the domain of a question that
/// tests every such key in many ways must hold.
#[test]
fn every_real_caller_lies_in_the_domain() {
    use keyaki_check::check::domain;
    use keyaki_policy::{Request, RequestPrincipal};
    let conditions = [
        r#"{"ArnLike": {"aws:PrincipalArn": ["arn:aws:iam::111122223333:role/*", "arn:aws:sts::*"]}}"#,
        r#"{"StringEquals": {"aws:PrincipalArn": "arn:aws:iam::111122223333:user/team/alice"}}"#,
        r#"{"StringLike": {"aws:PrincipalArn": "*"}}"#,
        r#"{"StringEquals": {"aws:PrincipalAccount": "111122223333"}}"#,
        r#"{"StringLike": {"aws:PrincipalAccount": ["4444*", "*"]}}"#,
        r#"{"StringEquals": {"aws:PrincipalType": ["AssumedRole", "User", "Account", "Anonymous"]}}"#,
        r#"{"StringLike": {"aws:PrincipalType": "*Role"}}"#,
        r#"{"StringEquals": {"aws:userid": ["111122223333", "111122223333:bob"]}}"#,
        r#"{"StringLike": {"aws:userid": ["AIDA*", "*:s1"]}}"#,
        r#"{"StringEquals": {"aws:username": ["alice", "a/b"]}}"#,
        r#"{"StringEqualsIgnoreCase": {"aws:username": "ALICE"}}"#,
        r#"{"StringLike": {"aws:username": "al*"}}"#,
        r#"{"Bool": {"aws:PrincipalIsAWSService": "true"}}"#,
        r#"{"StringEquals": {"aws:PrincipalServiceName": "cloudtrail.amazonaws.com"}}"#,
        r#"{"StringLike": {"aws:PrincipalServiceName": "*.amazonaws.com"}}"#,
        r#"{"ForAnyValue:StringEquals": {"aws:PrincipalServiceNamesList": "cloudtrail.amazonaws.com"}}"#,
        r#"{"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}"#,
        r#"{"Null": {"aws:PrincipalTag/team": "false"}}"#,
    ];
    let principals = [
        r#""*""#,
        r#"{"AWS": "arn:aws:iam::111122223333:role/ops/app"}"#,
        r#"{"AWS": "arn:aws:sts::111122223333:assumed-role/app/s1"}"#,
        r#"{"Federated": "*"}"#,
    ];
    let aws = |arn: &str| Some(RequestPrincipal::Aws(arn.to_string()));
    /// A caller and the context IAM gives it beyond what it derives.
    type Caller<'a> = (Option<RequestPrincipal>, Vec<(&'a str, &'a str)>);
    let callers: Vec<Caller<'_>> = vec![
        (
            aws("arn:aws:iam::111122223333:root"),
            vec![("aws:PrincipalOrgID", "o-a1b2c3d4e5")],
        ),
        (
            aws("arn:aws:iam::111122223333:user/alice"),
            vec![("aws:userid", "AIDAALICE")],
        ),
        (
            aws("arn:aws:iam::111122223333:user/team/alice"),
            vec![("aws:userid", "AIDATEAM")],
        ),
        // A session whose request does not give the role's path: its role is read as
        // `role/batch`. (A session of `app` must name the path: the policies name `ops/app`,
        // and role names are unique per account.)
        (
            aws("arn:aws:sts::111122223333:assumed-role/batch/s1"),
            vec![("aws:userid", "AROA:s1")],
        ),
        (
            aws("arn:aws:sts::111122223333:assumed-role/app/s1"),
            vec![
                ("aws:PrincipalArn", "arn:aws:iam::111122223333:role/ops/app"),
                ("aws:userid", "AROAOPSAPP:s1"),
            ],
        ),
        (
            aws("arn:aws:iam::111122223333:role/ops/app"),
            vec![
                ("aws:PrincipalTag/team", "x"),
                ("aws:userid", "AROAOPSAPP:s2"),
            ],
        ),
        (aws("arn:aws:sts::444455556666:federated-user/bob"), vec![]),
        (
            Some(RequestPrincipal::Service("cloudtrail.amazonaws.com".into())),
            vec![("aws:PrincipalAccount", "444455556666")],
        ),
        (
            Some(RequestPrincipal::Federated("accounts.google.com".into())),
            vec![],
        ),
        (
            Some(RequestPrincipal::CanonicalUser("79a59df9".into())),
            vec![],
        ),
        (
            Some(RequestPrincipal::Anonymous),
            vec![
                ("aws:PrincipalType", "Anonymous"),
                ("aws:userid", "anonymous"),
            ],
        ),
    ];
    let mut checked = 0;
    for policy_type in [PolicyType::Resource, PolicyType::Identity] {
        let statements: Vec<String> = conditions
            .iter()
            .enumerate()
            .map(|(i, condition)| {
                let principal = match policy_type {
                    PolicyType::Resource => {
                        format!(r#""Principal": {}, "#, principals[i % principals.len()])
                    }
                    PolicyType::Identity => String::new(),
                };
                format!(
                    r#"{{"Effect": "Allow", {principal}"Action": "s3:GetObject", "Resource": "*", "Condition": {condition}}}"#
                )
            })
            .collect();
        let text = format!(
            r#"{{"Version": "2012-10-17", "Statement": [{}]}}"#,
            statements.join(",")
        );
        let parsed = parse_policy(
            &SourceFile::new("caller-keys.json", text.into_bytes()),
            ParseOptions {
                policy_type: Some(policy_type),
                ..ParseOptions::default()
            },
        )
        .unwrap();
        let vocabulary = Vocabulary::of(&[&parsed.policy]);
        let mut cx = Context::new();
        let mut encoder = Encoder::new(&mut cx, &vocabulary);
        let encoded = encoder.policy(&parsed.policy, policy_type);
        let domain = domain(&mut encoder, policy_type, encoded.allows);
        for (caller, context) in &callers {
            let is_identity_caller = matches!(caller, Some(RequestPrincipal::Aws(arn))
                if !arn.ends_with(":root"));
            if policy_type == PolicyType::Identity && !is_identity_caller {
                continue;
            }
            let mut request = Request::for_identity("s3:GetObject", "arn:aws:s3:::b/k");
            request.principal = caller.clone();
            for (key, value) in context {
                request = request.with_context_string(key, value);
            }
            assert!(
                keyaki_policy::caller::conflicts(&request).is_empty(),
                "{request:?} is a real request"
            );
            let assignment = assignment_of(&mut encoder, &request).unwrap();
            assert!(
                assignment.holds(encoder.cx, domain),
                "{policy_type:?}: {request:?} is a real request outside the domain {}",
                encoder.cx.show(domain)
            );
            checked += 1;
        }
    }
    assert_eq!(
        checked,
        11 + 6,
        "every caller, and the non-root AWS callers again"
    );
}
