//! Snapshots of what `keyaki validate-policy` prints: Access Analyzer's findings as text, with
//! the source line, and as AWS's JSON; and its exit codes.

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

const DEVELOPER: &str = "tests/validate-policy/developer.json";

fn validate_policy(policy: &str, policy_type: &str, output: &str) -> (Exit, String, String) {
    keyaki(
        &[
            "validate-policy",
            "--policy-document",
            policy,
            "--policy-type",
            policy_type,
            "--output",
            output,
        ],
        b"",
    )
}

#[test]
fn findings_as_text_show_the_source() {
    let (exit, out, err) = validate_policy(DEVELOPER, "IDENTITY_POLICY", "text");
    assert_eq!(
        exit,
        Exit::BadInput,
        "an ERROR finding is bad input:\n{out}"
    );
    assert!(err.is_empty(), "{err}");
    insta::assert_snapshot!("validate_policy_text", out);
}

#[test]
fn findings_as_json_have_the_shape_of_access_analyzer() {
    let (exit, out, _) = validate_policy(DEVELOPER, "IDENTITY_POLICY", "json");
    assert_eq!(exit, Exit::BadInput);
    let value: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(value["findings"].is_array());
    insta::assert_snapshot!("validate_policy_json", out);
}

#[test]
fn a_security_warning_fails_and_a_clean_policy_passes() {
    let pass_role = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:PassRole","Resource":"*"}]}"#;
    let (exit, out, _) = validate_policy(pass_role, "IDENTITY_POLICY", "text");
    assert_eq!(exit, Exit::Fail, "{out}");
    insta::assert_snapshot!("validate_policy_security_warning", out);

    let clean = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::DOC-EXAMPLE-BUCKET/*"}]}"#;
    let (exit, out, _) = validate_policy(clean, "IDENTITY_POLICY", "text");
    assert_eq!(exit, Exit::Pass, "{out}");
    assert_eq!(out, "no findings\n");
    let (_, out, _) = validate_policy(clean, "IDENTITY_POLICY", "json");
    assert_eq!(out, "{\n  \"findings\": []\n}\n");
}

#[test]
fn a_syntax_error_is_a_finding_with_its_position() {
    let broken = "{\"Version\": \"2012-10-17\",\n \"Statement\": [}";
    let (exit, out, _) = validate_policy(broken, "RESOURCE_POLICY", "json");
    assert_eq!(exit, Exit::BadInput);
    insta::assert_snapshot!("validate_policy_syntax_error", out);
}

#[test]
fn an_unknown_policy_type_is_a_usage_error() {
    let (exit, _, err) = validate_policy(DEVELOPER, "BUCKET_POLICY", "text");
    assert_eq!(exit, Exit::BadInput);
    assert!(err.contains("IDENTITY_POLICY"), "{err}");
    let (exit, _, err) = keyaki(
        &[
            "validate-policy",
            "--policy-document",
            DEVELOPER,
            "--policy-type",
            "RESOURCE_POLICY",
            "--validate-policy-resource-type",
            "AWS::S3::Buckets",
        ],
        b"",
    );
    assert_eq!(exit, Exit::BadInput);
    assert!(err.contains("AWS::IAM::AssumeRolePolicyDocument"), "{err}");
}

#[test]
fn a_role_trust_policy_is_judged_as_one() {
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}]}"#;
    let (exit, out, _) = keyaki(
        &[
            "validate-policy",
            "--policy-document",
            trust,
            "--policy-type",
            "RESOURCE_POLICY",
            "--validate-policy-resource-type",
            "AWS::IAM::AssumeRolePolicyDocument",
            "--output",
            "text",
        ],
        b"",
    );
    assert_eq!(exit, Exit::BadInput, "{out}");
    assert!(
        out.contains("ROLE_TRUST_POLICY_UNSUPPORTED_WILDCARD_IN_PRINCIPAL"),
        "{out}"
    );
}

#[test]
fn the_version_names_the_service_catalog() {
    let (exit, out, _) = keyaki(&["--version"], b"");
    assert_eq!(exit, Exit::Pass);
    assert!(out.contains("IAM service catalog: "), "{out}");
    assert!(out.contains("services, built "), "{out}");
}

/// The AWS CLI reference's example for `validate-policy` (a Cognito role trust policy, in
/// `tests/validate-policy/cli-reference-example.json` as the reference prints it) and the
/// three findings its output shows, location for location: the last,
/// `UNSUPPORTED_ACTION_FOR_CONDITION_KEY` (`sts:TagSession` does not support
/// `cognito-identity.amazonaws.com:aud`), ends its second location two characters after the
/// condition's value, as Access Analyzer measures a value written without brackets.
#[test]
fn the_aws_cli_reference_example_gets_the_findings_it_shows() {
    let (exit, out, _) = validate_policy(
        "tests/validate-policy/cli-reference-example.json",
        "RESOURCE_POLICY",
        "json",
    );
    assert_eq!(exit, Exit::BadInput);
    let value: serde_json::Value = serde_json::from_str(&out).unwrap();
    let expected = serde_json::json!([
        {
            "findingDetails": "Add a value to the empty string in the Sid element.",
            "findingType": "SUGGESTION",
            "issueCode": "EMPTY_SID_VALUE",
            "learnMoreLink": "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-suggestion-empty-sid-value",
            "locations": [{
                "path": [{"value": "Statement"}, {"index": 0}, {"value": "Sid"}],
                "span": {"end": {"column": 21, "line": 5, "offset": 81},
                         "start": {"column": 19, "line": 5, "offset": 79}}
            }]
        },
        {
            "findingDetails": "The sts:AssumeRole action is invalid with the following principal(s): cognito-identity.amazonaws.com. Use a SAML provider principal with the sts:AssumeRoleWithSAML action or use an OIDC provider principal with the sts:AssumeRoleWithWebIdentity action. Ensure the provider is Federated if you use either of the two options.",
            "findingType": "ERROR",
            "issueCode": "MISMATCHED_ACTION_FOR_PRINCIPAL",
            "learnMoreLink": "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-error-mismatched-action-for-principal",
            "locations": [
                {
                    "path": [{"value": "Statement"}, {"index": 0}, {"value": "Action"}, {"index": 0}],
                    "span": {"end": {"column": 32, "line": 11, "offset": 274},
                             "start": {"column": 16, "line": 11, "offset": 258}}
                },
                {
                    "path": [{"value": "Statement"}, {"index": 0}, {"value": "Principal"}, {"value": "Federated"}],
                    "span": {"end": {"column": 61, "line": 8, "offset": 202},
                             "start": {"column": 29, "line": 8, "offset": 170}}
                }
            ]
        },
        {
            "findingDetails": "The following actions: sts:TagSession are not supported by the condition key cognito-identity.amazonaws.com:aud. The condition will not be evaluated for these actions. We recommend that you move these actions to a different statement without this condition key.",
            "findingType": "ERROR",
            "issueCode": "UNSUPPORTED_ACTION_FOR_CONDITION_KEY",
            "learnMoreLink": "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-error-unsupported-action-for-condition-key",
            "locations": [
                {
                    "path": [{"value": "Statement"}, {"index": 0}, {"value": "Action"}, {"index": 1}],
                    "span": {"end": {"column": 32, "line": 12, "offset": 308},
                             "start": {"column": 16, "line": 12, "offset": 292}}
                },
                {
                    "path": [{"value": "Statement"}, {"index": 0}, {"value": "Condition"},
                             {"value": "StringEquals"}, {"value": "cognito-identity.amazonaws.com:aud"}],
                    "span": {"end": {"column": 79, "line": 16, "offset": 464},
                             "start": {"column": 58, "line": 16, "offset": 443}}
                }
            ]
        }
    ]);
    assert_eq!(value["findings"], expected);
}
