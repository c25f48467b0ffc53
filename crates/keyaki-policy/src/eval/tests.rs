//! Unit tests of the evaluator; the broad coverage lives in `corpus/evaluate/`.

use super::*;
use crate::diagnostic::SourceFile;
use crate::parse::{ParseOptions, parse_policy};
use crate::request::RequestPrincipal;

fn policy(text: &str) -> crate::parse::ParsedPolicy {
    parse_policy(
        &SourceFile::new("p.json", text.as_bytes().to_vec()),
        ParseOptions::default(),
    )
    .unwrap()
}

#[test]
fn explicit_deny_wins_over_allow() {
    let p = policy(
        r#"{"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Action":"s3:*","Resource":"*"},
        {"Effect":"Deny","Action":"s3:DeleteBucket","Resource":"*"}]}"#,
    );
    let get = Request::for_identity("s3:GetObject", "arn:aws:s3:::b/k");
    let delete = Request::for_identity("S3:deletebucket", "arn:aws:s3:::b");
    assert_eq!(
        evaluate(&p.policy, p.policy_type, &get),
        Evaluation {
            decision: Decision::Allow,
            matched_statements: vec![0]
        }
    );
    assert_eq!(
        evaluate(&p.policy, p.policy_type, &delete),
        Evaluation {
            decision: Decision::ExplicitDeny,
            matched_statements: vec![0, 1]
        }
    );
    let other = Request::for_identity("ec2:RunInstances", "*");
    assert_eq!(
        evaluate(&p.policy, p.policy_type, &other).decision,
        Decision::ImplicitDeny
    );
}

#[test]
fn account_principals_cover_every_principal_of_the_account() {
    let p = policy(
        r#"{"Statement":{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}"#,
    );
    let role = Request::for_identity("s3:GetObject", "arn:aws:s3:::b/k").with_principal(
        RequestPrincipal::Aws("arn:aws:iam::111122223333:role/R".into()),
    );
    assert_eq!(
        evaluate(&p.policy, p.policy_type, &role).decision,
        Decision::Allow
    );
    let stranger = role.clone().with_principal(RequestPrincipal::Aws(
        "arn:aws:iam::444455556666:root".into(),
    ));
    assert_eq!(
        evaluate(&p.policy, p.policy_type, &stranger).decision,
        Decision::ImplicitDeny
    );
}
