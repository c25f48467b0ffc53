//! Snapshots of `keyaki simulate-principal-policy` over the example account
//! (`corpus/accounts/example`) and of `keyaki simulate-custom-policy`, in text and JSON, and
//! their refusals of bad input (exit 2, located where a file is at fault).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a broken expectation should stop the test loudly"
)]

mod support;

use keyaki_cli::Exit;
use support::keyaki;

const DETAILS: &str = "../../corpus/accounts/example/authorization-details.json";
const MANIFEST: &str = "../../corpus/accounts/example/manifest.json";
const READ_ANYTHING: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}]}"#;
const REGION: &str =
    "ContextKeyName=aws:RequestedRegion,ContextKeyValues=us-east-1,ContextKeyType=string";

/// `simulate-principal-policy` over the example account, then `rest`.
fn principal(output: &str, source: &str, rest: &[&str]) -> (Exit, String, String) {
    let mut args = vec![
        "simulate-principal-policy",
        "--output",
        output,
        "--account-details",
        DETAILS,
        "--manifest",
        MANIFEST,
        "--policy-source-arn",
        source,
    ];
    args.extend_from_slice(rest);
    keyaki(&args, b"")
}

#[test]
fn a_user_with_an_inline_condition_in_text() {
    let (exit, out, err) = principal(
        "text",
        "arn:aws:iam::111122223333:user/dave",
        &[
            "--action-names",
            "s3:GetObject",
            "s3:DeleteObject",
            "--resource-arns",
            "arn:aws:s3:::example-reports/2026-q1.csv",
            "--context-entries",
            "ContextKeyName=aws:SourceIp,ContextKeyValues=203.0.113.7,ContextKeyType=ip",
            REGION,
        ],
    );
    assert_eq!(exit, Exit::Pass, "{err}");
    assert!(err.is_empty(), "{err}");
    insta::assert_snapshot!("principal_dave_text", out);
}

#[test]
fn guardrails_boundaries_and_sessions_in_json() {
    let cases: [(&str, &str, &[&str]); 4] = [
        (
            "principal_alice_create_user",
            "arn:aws:iam::111122223333:user/alice",
            &[
                "--action-names",
                "iam:CreateUser",
                "--resource-arns",
                "arn:aws:iam::111122223333:user/grace",
            ],
        ),
        (
            "principal_carol_boundary",
            "arn:aws:iam::111122223333:user/carol",
            &[
                "--action-names",
                "ec2:DescribeInstances",
                "s3:PutObject",
                "--resource-arns",
                "arn:aws:s3:::example-artifacts/build-43.zip",
                "--context-entries",
                REGION,
            ],
        ),
        (
            "principal_ci_deploy_session",
            "arn:aws:iam::111122223333:role/ci/ci-deploy",
            &[
                "--action-names",
                "iam:PassRole",
                "--resource-arns",
                "arn:aws:iam::111122223333:role/service-role/lambda-exec",
                "--context-entries",
                r#"[{"ContextKeyName": "iam:PassedToService", "ContextKeyValues": ["lambda.amazonaws.com"], "ContextKeyType": "string"}]"#,
            ],
        ),
        (
            "principal_cross_account",
            "arn:aws:iam::111122223333:role/audit",
            &[
                "--action-names",
                "s3:GetObject",
                "--resource-arns",
                "arn:aws:s3:::partner-exports/2026.csv",
                "--resource-owner",
                "arn:aws:iam::444455556666:root",
                "--context-entries",
                REGION,
            ],
        ),
    ];
    for (name, source, rest) in cases {
        let (exit, out, err) = principal("json", source, rest);
        assert_eq!(exit, Exit::Pass, "{name}: {err}");
        let parsed: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert!(parsed["EvaluationResults"].is_array(), "{name}");
        insta::assert_snapshot!(name, out);
    }
}

#[test]
fn extra_policies_a_boundary_a_resource_policy_and_a_caller() {
    let (exit, out, err) = principal(
        "text",
        "arn:aws:iam::111122223333:user/frank",
        &[
            "--action-names",
            "sqs:SendMessage",
            "sqs:DeleteQueue",
            "--resource-arns",
            "arn:aws:sqs:us-east-1:111122223333:orders",
            "--policy-input-list",
            r#"{"Version":"2012-10-17","Statement":[{"Sid":"Queues","Effect":"Allow","Action":"sqs:*","Resource":"*"}]}"#,
            "--permissions-boundary-policy-input-list",
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:Send*","Resource":"*"}]}"#,
            "--resource-policy",
            r#"{"Version":"2012-10-17","Statement":[{"Sid":"NoDeletes","Effect":"Deny","Principal":"*","Action":"sqs:DeleteQueue","Resource":"*"}]}"#,
            "--caller-arn",
            "arn:aws:iam::111122223333:user/bob",
            "--context-entries",
            REGION,
        ],
    );
    assert_eq!(exit, Exit::Pass, "{err}");
    insta::assert_snapshot!("principal_inputs_text", out);
}

#[test]
fn custom_policies_in_text_and_json() {
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Sid":"Tagged","Effect":"Allow","Action":"ec2:StartInstances","Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/team":"web"}}},{"Sid":"NoTerminate","Effect":"Deny","Action":"ec2:TerminateInstances","Resource":"*"}]}"#;
    for output in ["text", "json"] {
        let (exit, out, err) = keyaki(
            &[
                "simulate-custom-policy",
                "--output",
                output,
                "--policy-input-list",
                policy,
                "--action-names",
                "ec2:StartInstances",
                "ec2:TerminateInstances",
                "--resource-arns",
                "arn:aws:ec2:us-east-1:123456789012:instance/i-0abc",
            ],
            b"",
        );
        assert_eq!(exit, Exit::Pass, "{err}");
        insta::assert_snapshot!(format!("custom_{output}"), out);
    }
    let (exit, out, _) = keyaki(
        &[
            "simulate-custom-policy",
            "--output",
            "json",
            "--policy-input-list",
            policy,
            "--action-names",
            "ec2:StartInstances",
            "--context-entries",
            "ContextKeyName=aws:ResourceTag/team,ContextKeyValues=web,ContextKeyType=string",
        ],
        b"",
    );
    assert_eq!(exit, Exit::Pass);
    assert!(out.contains(r#""EvalDecision": "allowed""#), "{out}");
}

#[test]
fn bad_input_is_refused_with_exit_2() {
    let refusals: [(&str, Vec<&str>); 7] = [
        (
            "refusal_context_contradicts_caller",
            vec![
                "simulate-principal-policy",
                "--account-details",
                DETAILS,
                "--policy-source-arn",
                "arn:aws:iam::111122223333:user/alice",
                "--action-names",
                "s3:GetObject",
                "--context-entries",
                "ContextKeyName=aws:username,ContextKeyValues=bob,ContextKeyType=string",
            ],
        ),
        (
            "refusal_unknown_principal",
            vec![
                "simulate-principal-policy",
                "--account-details",
                DETAILS,
                "--manifest",
                MANIFEST,
                "--policy-source-arn",
                "arn:aws:iam::111122223333:user/alicia",
                "--action-names",
                "s3:GetObject",
            ],
        ),
        (
            "refusal_manifest_field",
            vec![
                "simulate-principal-policy",
                "--account-details",
                DETAILS,
                "--manifest",
                "{\n  \"acountId\": \"111122223333\"\n}",
                "--policy-source-arn",
                "arn:aws:iam::111122223333:user/alice",
                "--action-names",
                "s3:GetObject",
            ],
        ),
        (
            "refusal_caller_not_a_user",
            vec![
                "simulate-custom-policy",
                "--policy-input-list",
                READ_ANYTHING,
                "--caller-arn",
                "arn:aws:iam::111122223333:role/Admin",
                "--action-names",
                "s3:GetObject",
            ],
        ),
        (
            "refusal_context_entry",
            vec![
                "simulate-custom-policy",
                "--policy-input-list",
                READ_ANYTHING,
                "--action-names",
                "s3:GetObject",
                "--context-entries",
                "ContextKeyName=aws:SourceIp,ContextKeyValues=10.0.0.1,10.0.0.2,ContextKeyType=ip",
            ],
        ),
        (
            "refusal_bad_input_policy",
            vec![
                "simulate-custom-policy",
                "--policy-input-list",
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Alow","Action":"s3:*","Resource":"*"}]}"#,
                "--action-names",
                "s3:GetObject",
            ],
        ),
        (
            "refusal_resource_policy_without_caller",
            vec![
                "simulate-custom-policy",
                "--policy-input-list",
                READ_ANYTHING,
                "--resource-policy",
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}]}"#,
                "--action-names",
                "s3:GetObject",
            ],
        ),
    ];
    for (name, args) in refusals {
        let (exit, out, err) = keyaki(&args, b"");
        assert_eq!(exit, Exit::BadInput, "{name}: {out}");
        assert!(out.is_empty(), "{name}: {out}");
        insta::assert_snapshot!(name, err);
    }
}

#[test]
fn a_caller_from_another_account_is_not_under_this_accounts_scps() {
    let (exit, out, err) = principal(
        "json",
        "arn:aws:iam::111122223333:user/alice",
        &[
            "--action-names",
            "iam:CreateUser",
            "--resource-arns",
            "arn:aws:iam::111122223333:user/grace",
            "--caller-arn",
            "arn:aws:iam::444455556666:user/mallory",
        ],
    );
    assert_eq!(exit, Exit::Pass, "{err}");
    let parsed: serde_json::Value = serde_json::from_str(&out).unwrap();
    let result = &parsed["EvaluationResults"][0];
    assert!(result.get("OrganizationsDecisionDetail").is_none(), "{out}");
    assert_eq!(result["EvalDecision"], "implicitDeny", "{out}");
    assert_eq!(
        result["EvalDecisionDetails"]["resourcePolicy"], "implicitDeny",
        "across accounts the user needs a resource policy: {out}"
    );
}

#[test]
fn a_groups_policies_for_a_named_user() {
    let group = "arn:aws:iam::111122223333:group/developers";
    let (exit, out, err) = principal(
        "text",
        group,
        &[
            "--action-names",
            "s3:DeleteObject",
            "lambda:InvokeFunction",
            "--resource-arns",
            "arn:aws:s3:::example-prod-data/2026/orders.parquet",
            "--caller-arn",
            "arn:aws:iam::111122223333:user/frank",
            "--context-entries",
            REGION,
        ],
    );
    assert_eq!(exit, Exit::Pass, "{err}");
    insta::assert_snapshot!("principal_group_text", out);
    let (exit, _, err) = principal("text", group, &["--action-names", "s3:GetObject"]);
    assert_eq!(exit, Exit::BadInput);
    insta::assert_snapshot!("refusal_group_without_caller", err);
}
