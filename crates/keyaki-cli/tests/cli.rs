//! Snapshots of everything `keyaki validate` and `keyaki evaluate` print.
//!
//! Each file under `tests/malformed/` must be rejected (exit 2) and each under `tests/warnings/`
//! accepted with warnings (exit 0); their rendered text is pinned by insta snapshots, so any
//! change to a message is a reviewed change.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a broken expectation should stop the test loudly"
)]

mod support;

use keyaki_cli::Exit;
use std::path::Path;
use support::keyaki;

fn fixtures(folder: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(Path::new("tests").join(folder))
        .unwrap()
        .map(|e| e.unwrap().path().display().to_string())
        .filter(|p| p.ends_with(".json"))
        .collect();
    names.sort();
    names
}

fn snapshot_name(path: &str) -> String {
    Path::new(path)
        .file_stem()
        .unwrap()
        .to_string_lossy()
        .to_string()
}

#[test]
fn malformed_policies_are_rejected_with_located_messages() {
    let files = fixtures("malformed");
    assert!(
        files.len() >= 25,
        "at least 25 malformed inputs, found {}",
        files.len()
    );
    for path in files {
        let (exit, out, err) = keyaki(&["validate", "--output", "text", &path], b"");
        assert_eq!(exit, Exit::BadInput, "{path} must be rejected:\n{out}");
        assert!(err.is_empty(), "{path}: {err}");
        assert!(out.contains("error: "), "{path}: {out}");
        insta::assert_snapshot!(format!("malformed__{}", snapshot_name(&path)), out);
    }
}

#[test]
fn likely_mistakes_are_warnings_not_errors() {
    for path in fixtures("warnings") {
        let (exit, out, _) = keyaki(&["validate", "--output", "text", &path], b"");
        assert_eq!(exit, Exit::Pass, "{path} must be accepted:\n{out}");
        assert!(
            out.contains("warning: ") && !out.contains("error: "),
            "{path}: {out}"
        );
        insta::assert_snapshot!(format!("warning__{}", snapshot_name(&path)), out);
    }
}

#[test]
fn an_explicit_policy_type_turns_mismatches_into_errors() {
    let identity_with_principal = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}]}"#;
    let (exit, out, _) = keyaki(
        &[
            "validate",
            "--output",
            "text",
            "--policy-type",
            "IDENTITY_POLICY",
            identity_with_principal,
        ],
        b"",
    );
    assert_eq!(exit, Exit::BadInput);
    insta::assert_snapshot!("malformed__principal_in_identity_policy", out);

    let no_resource = "tests/warnings/identity-policy-without-resource.json";
    let (exit, out, _) = keyaki(
        &[
            "validate",
            "--output",
            "text",
            "--policy-type",
            "IDENTITY_POLICY",
            no_resource,
        ],
        b"",
    );
    assert_eq!(exit, Exit::BadInput);
    insta::assert_snapshot!("malformed__identity_policy_without_resource", out);
}

#[test]
fn hostile_documents_are_rejected_quickly() {
    let huge = format!(
        r#"{{"Statement":[{{"Effect":"Allow","Action":"s3:GetObject","Resource":"{}"}}]}}"#,
        "a".repeat(10 << 20)
    );
    let (exit, out, _) = keyaki(&["validate", "--output", "text", "-"], huge.as_bytes());
    assert_eq!(exit, Exit::BadInput);
    insta::assert_snapshot!("malformed__ten_megabytes", out);

    let deep = "[".repeat(100_000) + &"]".repeat(100_000);
    let (exit, out, _) = keyaki(&["validate", "--output", "text", "-"], deep.as_bytes());
    assert_eq!(exit, Exit::BadInput);
    insta::assert_snapshot!("malformed__nested_100000_deep", out);
}

#[test]
fn long_minified_lines_are_shown_as_a_window() {
    let statements: Vec<String> = (0..40)
        .map(|i| format!(r#"{{"Sid":"S{i}","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b{i}/*"}}"#))
        .collect();
    let policy = format!(
        r#"{{"Version":"2012-10-17","Statement":[{},{{"Effect":"Alow","Action":"s3:*","Resource":"*"}}]}}"#,
        statements.join(",")
    );
    let (exit, out, _) = keyaki(&["validate", "--output", "text", &policy], b"");
    assert_eq!(exit, Exit::BadInput);
    insta::assert_snapshot!("malformed__long_minified_line", out);
}

#[test]
fn validate_json_output_and_multiple_documents() {
    let (exit, out, _) = keyaki(
        &[
            "validate",
            "tests/malformed/statement-effect-letter-case.json",
            "tests/warnings/duplicate-sid.json",
        ],
        b"",
    );
    assert_eq!(exit, Exit::BadInput);
    insta::assert_snapshot!("validate_json_two_documents", out);
    let (exit, out, _) = keyaki(
        &[
            "validate",
            "--output",
            "text",
            "tests/warnings",
            "no/such/file.json",
        ],
        b"",
    );
    assert_eq!(exit, Exit::BadInput);
    insta::assert_snapshot!("validate_text_directory_and_missing_file", out);
}

const BUCKET_POLICY: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
     "Resource": "arn:aws:s3:::DOC-EXAMPLE-BUCKET/*"},
    {"Sid": "OnlyTls", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
     "Resource": "arn:aws:s3:::DOC-EXAMPLE-BUCKET/*",
     "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
  ]
}"#;

#[test]
fn evaluate_prints_the_decision_and_matched_statements() {
    let tls = r#"{"principal": "*", "action": "s3:GetObject", "resource": "arn:aws:s3:::DOC-EXAMPLE-BUCKET/k", "context": {"aws:SecureTransport": true}}"#;
    let plain = r#"{"principal": "*", "action": "s3:GetObject", "resource": "arn:aws:s3:::DOC-EXAMPLE-BUCKET/k", "context": {"aws:SecureTransport": false}}"#;
    let other = r#"{"principal": "*", "action": "s3:PutObject", "resource": "arn:aws:s3:::DOC-EXAMPLE-BUCKET/k", "context": {"aws:SecureTransport": true}}"#;
    let mut shown = String::new();
    for (name, request) in [("tls", tls), ("plain-http", plain), ("put", other)] {
        for format in ["text", "json"] {
            let (exit, out, err) = keyaki(
                &[
                    "evaluate",
                    "--output",
                    format,
                    "--policy-document",
                    BUCKET_POLICY,
                    "--request",
                    request,
                ],
                b"",
            );
            assert_eq!(exit, Exit::Pass, "{err}");
            shown.push_str(&format!("== {name}, --output {format}\n{out}"));
        }
    }
    insta::assert_snapshot!("evaluate_bucket_policy", shown);
}

#[test]
fn evaluate_reports_bad_requests() {
    let mut shown = String::new();
    for request in [
        r#"{"action": "s3:GetObject", "resource": "arn:aws:s3:::b/k"}"#,
        r#"{"principal": {"Aws": "x"}, "action": "s3:GetObject", "resource": 7}"#,
        r#"{"principal": "*", "action": "s3:GetObject", "resource": "r", "contxt": {}}"#,
        // Keys IAM derives from the caller cannot claim another caller (issue 13).
        r#"{"principal": {"AWS": "111122223333"}, "action": "s3:GetObject", "resource": "r",
            "context": {"aws:PrincipalArn": "arn:aws:iam::444455556666:role/x"}}"#,
        r#"{"principal": "*", "action": "s3:GetObject", "resource": "r",
            "context": {"aws:username": "alice"}}"#,
        "not json",
    ] {
        let (exit, out, err) = keyaki(
            &[
                "evaluate",
                "--output",
                "json",
                "--policy-document",
                BUCKET_POLICY,
                "--request",
                request,
            ],
            b"",
        );
        assert_eq!(exit, Exit::BadInput);
        assert!(out.is_empty());
        shown.push_str(&format!("== {request}\n{err}"));
    }
    insta::assert_snapshot!("evaluate_bad_requests", shown);
}

#[test]
fn usage_errors_exit_with_code_2() {
    let (exit, _, err) = keyaki(&["evaluate", "--policy-document", "p.json"], b"");
    assert_eq!(exit, Exit::BadInput);
    assert!(err.contains("--request"), "{err}");
    let (exit, out, _) = keyaki(&["--help"], b"");
    assert_eq!(exit, Exit::Pass);
    insta::assert_snapshot!("help", out);
}

/// Runs a check in both output formats; returns the exit code and both outputs, labelled.
fn check_both_ways(args: &[&str]) -> (Exit, String) {
    let mut shown = String::new();
    let mut exit = Exit::Pass;
    for format in ["text", "json"] {
        let mut full = args.to_vec();
        full.extend(["--output", format]);
        let (code, out, err) = keyaki(&full, b"");
        assert!(err.is_empty(), "{err}");
        exit = code;
        shown.push_str(&format!(
            "== --output {format} (exit {})\n{out}",
            code as u8
        ));
    }
    (exit, shown)
}

#[test]
fn check_no_new_access_on_the_design_brief_update() {
    let new = "tests/../../../tests/examples/identity-read-delete.json";
    let old = "tests/../../../tests/examples/identity-read.json";
    let (exit, shown) = check_both_ways(&[
        "check-no-new-access",
        "--new-policy-document",
        new,
        "--existing-policy-document",
        old,
        "--policy-type",
        "IDENTITY_POLICY",
    ]);
    assert_eq!(exit, Exit::Fail);
    insta::assert_snapshot!("check_no_new_access_fail", shown);
    let (exit, shown) = check_both_ways(&[
        "check-no-new-access",
        "--new-policy-document",
        old,
        "--existing-policy-document",
        new,
        "--policy-type",
        "IDENTITY_POLICY",
    ]);
    assert_eq!(exit, Exit::Pass);
    insta::assert_snapshot!("check_no_new_access_pass", shown);
}

#[test]
fn check_access_not_granted_on_the_design_brief_policy() {
    let policy = "tests/../../../tests/examples/identity-read-delete.json";
    let (exit, shown) = check_both_ways(&[
        "check-access-not-granted",
        "--policy-document",
        policy,
        "--access",
        r#"[{"actions": ["s3:DeleteBucket"]}]"#,
        "--policy-type",
        "IDENTITY_POLICY",
    ]);
    assert_eq!(exit, Exit::Fail);
    insta::assert_snapshot!("check_access_not_granted_fail", shown);
    let (exit, shown) = check_both_ways(&[
        "check-access-not-granted",
        "--policy-document",
        policy,
        "--access",
        r#"[{"actions": ["s3:PutObject"], "resources": ["arn:aws:s3:::DOC-EXAMPLE-BUCKET/*"]}]"#,
        "--policy-type",
        "IDENTITY_POLICY",
    ]);
    assert_eq!(exit, Exit::Pass);
    insta::assert_snapshot!("check_access_not_granted_pass", shown);
}

#[test]
fn check_public_bucket_against_a_trusted_account_policy() {
    let public = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::DOC-EXAMPLE-BUCKET"}]}"#;
    let trusted = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "123456789012"}, "Action": "s3:PutObject", "Resource": "arn:aws:s3:::DOC-EXAMPLE-BUCKET"}]}"#;
    let closed = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::DOC-EXAMPLE-BUCKET"}, {"Effect": "Deny", "NotPrincipal": "123456789012", "Action": "*", "Resource": "*"}]}"#;
    let (exit, shown) = check_both_ways(&[
        "check-no-new-access",
        "--new-policy-document",
        public,
        "--existing-policy-document",
        trusted,
        "--policy-type",
        "RESOURCE_POLICY",
    ]);
    assert_eq!(exit, Exit::Fail);
    insta::assert_snapshot!("check_public_bucket_fail", shown);
    let (exit, shown) = check_both_ways(&[
        "check-no-new-access",
        "--new-policy-document",
        closed,
        "--existing-policy-document",
        trusted,
        "--policy-type",
        "RESOURCE_POLICY",
    ]);
    assert_eq!(exit, Exit::Pass);
    insta::assert_snapshot!("check_closed_bucket_pass", shown);
}

#[test]
fn checks_report_bad_input() {
    let policy = "tests/../../../tests/examples/identity-read.json";
    let mut shown = String::new();
    for access in [
        r#"{"actions": ["s3:DeleteBucket"]}"#,
        r#"[{"action": ["s3:DeleteBucket"]}]"#,
        r#"[{}]"#,
        r#"[{"actions": "s3:DeleteBucket"}]"#,
    ] {
        let (exit, out, err) = keyaki(
            &[
                "check-access-not-granted",
                "--policy-document",
                policy,
                "--access",
                access,
                "--policy-type",
                "IDENTITY_POLICY",
            ],
            b"",
        );
        assert_eq!(exit, Exit::BadInput);
        assert!(out.is_empty());
        shown.push_str(&format!("== {access}\n{err}"));
    }
    let (exit, _, err) = keyaki(
        &[
            "check-no-new-access",
            "--new-policy-document",
            policy,
            "--existing-policy-document",
            "tests/examples/bucket-policy.json",
            "--policy-type",
            "IDENTITY_POLICY",
        ],
        b"",
    );
    assert_eq!(exit, Exit::BadInput);
    shown.push_str(&format!("== missing file\n{err}"));
    insta::assert_snapshot!("checks_bad_input", shown);
}

/// More check outputs, one snapshot per scenario (both output formats in each).
#[test]
fn check_scenarios() {
    let allow = |extra: &str| format!(r#"{{"Version": "2012-10-17", "Statement": [{extra}]}}"#);
    let scenarios: Vec<(&str, String, String, &str)> = vec![
        (
            "ip_condition_widened",
            allow(r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}}"#),
            allow(r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"IpAddress": {"aws:SourceIp": "10.1.0.0/16"}}}"#),
            "IDENTITY_POLICY",
        ),
        (
            "tag_keys_widened",
            allow(r#"{"Effect": "Allow", "Action": "ec2:CreateTags", "Resource": "*", "Condition": {"ForAllValues:StringLike": {"aws:TagKeys": ["env", "team*"]}}}"#),
            allow(r#"{"Effect": "Allow", "Action": "ec2:CreateTags", "Resource": "*", "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": ["env", "team"]}}}"#),
            "IDENTITY_POLICY",
        ),
        (
            "deny_narrows_a_wildcard",
            allow(r#"{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}, {"Effect": "Deny", "Action": ["s3:Delete*", "s3:Put*"], "Resource": "*"}"#),
            allow(r#"{"Effect": "Allow", "Action": ["s3:Get*", "s3:List*"], "Resource": "*"}, {"Effect": "Allow", "NotAction": ["s3:Get*", "s3:List*", "s3:Delete*", "s3:Put*"], "Resource": "arn:aws:s3:::*"}"#),
            "IDENTITY_POLICY",
        ),
        (
            "date_window_extended",
            allow(r#"{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*", "Condition": {"DateLessThan": {"aws:CurrentTime": "2027-01-01T00:00:00Z"}, "NumericLessThanEquals": {"aws:MultiFactorAuthAge": 3600}}}"#),
            allow(r#"{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*", "Condition": {"DateLessThan": {"aws:CurrentTime": "2026-12-01T00:00:00Z"}, "NumericLessThanEquals": {"aws:MultiFactorAuthAge": 3600}}}"#),
            "IDENTITY_POLICY",
        ),
        (
            "role_principal_covers_sessions",
            r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/Reader"}, "Action": "sqs:ReceiveMessage", "Resource": "arn:aws:sqs:us-east-1:444455556666:queue"}]}"#.to_string(),
            r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:sts::111122223333:assumed-role/Reader/batch"}, "Action": "sqs:ReceiveMessage", "Resource": "arn:aws:sqs:us-east-1:444455556666:queue"}]}"#.to_string(),
            "RESOURCE_POLICY",
        ),
        (
            "policy_variables_differ",
            allow(r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::home/${aws:username}/*"}"#),
            allow(r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::home/${aws:userid}/*"}"#),
            "IDENTITY_POLICY",
        ),
    ];
    for (name, new, old, policy_type) in scenarios {
        let (_, shown) = check_both_ways(&[
            "check-no-new-access",
            "--new-policy-document",
            &new,
            "--existing-policy-document",
            &old,
            "--policy-type",
            policy_type,
        ]);
        insta::assert_snapshot!(format!("check_scenario__{name}"), shown);
    }
}

const EXAMPLES: &str = "tests/../../../tests/examples";

#[test]
fn public_access_scenarios() {
    let trust_policy = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Federated": "graph.facebook.com"}, "Action": "sts:AssumeRoleWithWebIdentity"}]}"#;
    let kms_key = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": ["kms:Encrypt", "kms:Decrypt"], "Resource": "*", "Condition": {"StringEquals": {"kms:CallerAccount": "111122223333", "kms:ViaService": "s3.us-east-1.amazonaws.com"}}}]}"#;
    let public_bucket = format!("{EXAMPLES}/public-bucket.json");
    let closed_bucket = format!("{EXAMPLES}/public-bucket-closed.json");
    let office_bucket = format!("{EXAMPLES}/bucket-policy.json");
    let scenarios: [(&str, &str, &str, Exit); 5] = [
        (
            "bucket_open_to_everyone",
            &public_bucket,
            "AWS::S3::Bucket",
            Exit::Fail,
        ),
        (
            "bucket_closed_by_deny_not_principal",
            &closed_bucket,
            "AWS::S3::Bucket",
            Exit::Pass,
        ),
        (
            "bucket_reads_only_from_the_office",
            &office_bucket,
            "AWS::S3::Bucket",
            Exit::Pass,
        ),
        (
            "role_trusts_facebook_users",
            trust_policy,
            "AWS::IAM::AssumeRolePolicyDocument",
            Exit::Fail,
        ),
        (
            "kms_key_pinned_to_caller_account",
            kms_key,
            "AWS::KMS::Key",
            Exit::Pass,
        ),
    ];
    for (name, policy, resource_type, expected) in scenarios {
        let (exit, shown) = check_both_ways(&[
            "check-no-public-access",
            "--policy-document",
            policy,
            "--resource-type",
            resource_type,
        ]);
        assert_eq!(exit, expected, "{name}");
        insta::assert_snapshot!(format!("public_access__{name}"), shown);
    }
}

#[test]
fn findings_scenarios() {
    let public_bucket = format!("{EXAMPLES}/public-bucket.json");
    let closed_bucket = format!("{EXAMPLES}/public-bucket-closed.json");
    let shared_bucket = format!("{EXAMPLES}/shared-bucket.json");
    let vpc_bucket = format!("{EXAMPLES}/vpc-bucket.json");
    let network_bucket = format!("{EXAMPLES}/network-bucket.json");
    let org_only = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage", "Resource": "arn:aws:sqs:us-east-1:123456789012:orders", "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}}]}"#;
    let scenarios: [(&str, &str, &[&str], Exit); 8] = [
        (
            "design_brief_bucket_is_public",
            &public_bucket,
            &["--trusted-account", "123456789012"],
            Exit::Fail,
        ),
        (
            "design_brief_bucket_closed",
            &closed_bucket,
            &["--trusted-account", "123456789012"],
            Exit::Pass,
        ),
        (
            "public_and_partner",
            &shared_bucket,
            &["--trusted-account", "123456789012"],
            Exit::Fail,
        ),
        (
            "organization_trusted",
            org_only,
            &[
                "--trusted-account",
                "123456789012",
                "--trusted-org",
                "o-a1b2c3d4e5",
            ],
            Exit::Pass,
        ),
        (
            "organization_not_trusted",
            org_only,
            &["--trusted-account", "123456789012"],
            Exit::Fail,
        ),
        (
            "anyone_from_a_vpc",
            &vpc_bucket,
            &["--trusted-account", "123456789012"],
            Exit::Fail,
        ),
        (
            "anyone_from_a_vpc_by_kind",
            &vpc_bucket,
            &["--trusted-account", "123456789012", "--detail", "kinds"],
            Exit::Fail,
        ),
        (
            "anyone_unless_denied_by_network",
            &network_bucket,
            &["--trusted-account", "123456789012"],
            Exit::Fail,
        ),
    ];
    for (name, policy, trust, expected) in scenarios {
        let mut args = vec!["findings", "--policy-document", policy];
        args.extend_from_slice(trust);
        let (exit, shown) = check_both_ways(&args);
        assert_eq!(exit, expected, "{name}");
        insta::assert_snapshot!(format!("findings__{name}"), shown);
    }
    let sarif = ["--trusted-account", "123456789012", "--output", "sarif"];
    let mut args = vec!["findings", "--policy-document", &shared_bucket];
    args.extend(sarif);
    let (code, out, err) = keyaki(&args, b"");
    assert_eq!(code, Exit::Fail, "{err}");
    insta::assert_snapshot!("findings__sarif", out);
}

#[test]
fn public_access_and_findings_reject_bad_arguments() {
    let policy = format!("{EXAMPLES}/public-bucket.json");
    let mut shown = String::new();
    for args in [
        vec![
            "check-no-public-access",
            "--policy-document",
            &policy,
            "--resource-type",
            "AWS::S3::Buckets",
        ],
        vec![
            "findings",
            "--policy-document",
            &policy,
            "--trusted-account",
            "12345",
        ],
        vec![
            "findings",
            "--policy-document",
            &policy,
            "--trusted-org",
            "org-1",
        ],
    ] {
        let (code, out, err) = keyaki(&args, b"");
        assert_eq!(code, Exit::BadInput);
        assert!(out.is_empty());
        shown.push_str(&format!("$ keyaki {}\n{err}", args.join(" ")));
    }
    insta::assert_snapshot!("public_access_and_findings_bad_arguments", shown);
}

#[test]
fn explain_shows_the_reasoning_as_json_and_writes_files() {
    let dir = std::env::temp_dir().join(format!("keyaki-explain-{}", std::process::id()));
    let dot = dir.join("dot");
    let smtlib = dir.join("question.smt2");
    let policy = format!("{EXAMPLES}/identity-read-delete.json");
    let (code, out, err) = keyaki(
        &[
            "explain",
            "check-access-not-granted",
            "--policy-document",
            &policy,
            "--access",
            r#"[{"actions": ["s3:DeleteBucket"]}]"#,
            "--policy-type",
            "IDENTITY_POLICY",
            "--output",
            "json",
            "--dot",
            dot.to_str().unwrap(),
            "--smtlib",
            smtlib.to_str().unwrap(),
        ],
        b"",
    );
    assert_eq!(code, Exit::Fail, "{err}");
    insta::assert_snapshot!("explain_access_not_granted_json", out);
    let script = std::fs::read_to_string(&smtlib).unwrap();
    assert!(script.contains("(check-sat)"), "{script}");
    let pictures = std::fs::read_dir(&dot).unwrap().count();
    assert!(pictures >= 4, "{pictures} Graphviz files");
    std::fs::remove_dir_all(&dir).unwrap();
    // A file that cannot be written is bad input, said on standard error.
    let (code, out, err) = keyaki(
        &[
            "explain",
            "--smtlib",
            "/nonexistent-dir/q.smt2",
            "check-access-not-granted",
            "--policy-document",
            &policy,
            "--access",
            r#"[{"actions": ["s3:DeleteBucket"]}]"#,
            "--policy-type",
            "IDENTITY_POLICY",
        ],
        b"",
    );
    assert_eq!(code, Exit::BadInput);
    assert!(out.is_empty());
    assert!(
        err.contains("cannot write `/nonexistent-dir/q.smt2`"),
        "{err}"
    );
}

#[test]
fn many_documents_are_checked_in_order() {
    let dir = format!("{EXAMPLES}/batch");
    let mut shown = String::new();
    for format in ["text", "json"] {
        let args = [
            "check-no-public-access",
            "--policy-document",
            &dir,
            "--resource-type",
            "AWS::S3::Bucket",
            "--output",
            format,
        ];
        let (code, out, err) = keyaki(&args, b"");
        // One document is bad input, which decides the exit code.
        assert_eq!(code, Exit::BadInput);
        assert_eq!(keyaki(&args, b"").1, out, "the same bytes every run");
        shown.push_str(&format!(
            "== --output {format} (exit 2)\n{out}-- stderr\n{err}"
        ));
    }
    insta::assert_snapshot!("batch_public_access", shown);
}

#[test]
fn a_manifest_pairs_new_and_existing_policies() {
    let manifest = format!("{EXAMPLES}/update-pairs.json");
    let (code, out, err) = keyaki(
        &[
            "check-no-new-access",
            "--manifest",
            &manifest,
            "--policy-type",
            "IDENTITY_POLICY",
            "--output",
            "json",
        ],
        b"",
    );
    assert_eq!(code, Exit::Fail, "{err}");
    insta::assert_snapshot!("batch_manifest", out);
}

#[test]
fn sarif_locates_each_responsible_statement() {
    let (code, out, err) = keyaki(
        &[
            "check-no-new-access",
            "--new-policy-document",
            &format!("{EXAMPLES}/identity-read-delete.json"),
            "--existing-policy-document",
            &format!("{EXAMPLES}/identity-read.json"),
            "--policy-type",
            "IDENTITY_POLICY",
            "--output",
            "sarif",
        ],
        b"",
    );
    assert_eq!(code, Exit::Fail, "{err}");
    let log: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(log["version"], "2.1.0");
    insta::assert_snapshot!("sarif_no_new_access", out);
    let (code, out, _) = keyaki(
        &[
            "validate",
            &format!("{EXAMPLES}/typo-policy.json"),
            "--output",
            "sarif",
        ],
        b"",
    );
    assert_eq!(code, Exit::BadInput);
    insta::assert_snapshot!("sarif_validate", out);
    let (code, _, err) = keyaki(
        &[
            "evaluate",
            "--policy-document",
            &format!("{EXAMPLES}/identity-read.json"),
            "--request",
            "{}",
            "--output",
            "sarif",
        ],
        b"",
    );
    assert_eq!(code, Exit::BadInput);
    assert!(
        err.contains("`--output sarif` is for validate, the checks, findings and scan"),
        "{err}"
    );
}
