//! `keyaki scan`: policies found in CloudFormation templates and Terraform plans, their
//! findings located in the template, and cfn-policy-validator's gating.
//!
//! The templates are `tests/examples/templates/`. Expected answers, with their evidence:
//! - `app.yaml`'s bucket policy statement `PublicRead` lets `"*"` call `s3:GetObject` without
//!   a condition: public (Access Analyzer's definition, keyaki-check's `public.rs`). Its
//!   Lambda permission names `s3.amazonaws.com` with `SourceAccount`, and its trust policy
//!   `lambda.amazonaws.com`: a service principal limited to the account, not public.
//! - `notifications.json`'s `WebhookUrlPermission` has `Principal: "*"`, so its function
//!   URL is public; its `drain-alerts` policy writes `"Effect": "allow"`, which IAM rejects
//!   (IAM JSON reference: `Allow` or `Deny`, case-sensitive).
//! - `orders.tfplan.json`'s `aws_kms_key.orders` has `after_unknown.policy = true`: its
//!   policy is unknown at plan time.

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

const APP: &str = "../../tests/examples/templates/app.yaml";
const NOTIFICATIONS: &str = "../../tests/examples/templates/notifications.json";
const ORDERS: &str = "../../tests/examples/templates/orders.tfplan.json";
const REFERENCE: &str = "../../tests/examples/templates/reference.json";

fn scan(args: &[&str]) -> (Exit, String, String) {
    let mut all = vec!["scan"];
    all.extend_from_slice(args);
    keyaki(&all, b"")
}

fn findings(json: &str) -> Vec<(String, String, String)> {
    let report: serde_json::Value = serde_json::from_str(json).unwrap();
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["issueCode"].as_str().unwrap().to_string(),
                f["resource"].as_str().unwrap().to_string(),
                format!("{}:{}", f["line"], f["column"]),
            )
        })
        .collect()
}

#[test]
fn a_yaml_template_lists_its_policies_and_unresolved_values() {
    let (exit, out, err) = scan(&["--output", "text", APP]);
    assert_eq!(exit, Exit::Pass, "{out}{err}");
    insta::assert_snapshot!("scan_app_text", out);
}

#[test]
fn checks_report_the_statement_responsible_in_the_template() {
    let (exit, out, _) = scan(&[
        "--output",
        "text",
        APP,
        "--check-no-public-access",
        "--check-access-not-granted",
        "--actions",
        "s3:DeleteObject",
        "kms:Decrypt",
    ]);
    assert_eq!(exit, Exit::Fail);
    insta::assert_snapshot!("scan_app_checks_text", out);
}

#[test]
fn a_json_template_in_json_output() {
    let (exit, out, _) = scan(&[
        "--output",
        "json",
        NOTIFICATIONS,
        "--check-no-public-access",
    ]);
    assert_eq!(exit, Exit::Fail);
    let codes = findings(&out);
    // Line 64, column 29: `"allow"` in the template; line 89: the permission's `Principal`.
    // Access Analyzer's code for a bad Effect (policy check reference, "Error – Invalid
    // effect": "The Effect element must be Allow or Deny").
    assert!(codes.contains(&("INVALID_EFFECT".into(), "Operator".into(), "64:29".into())));
    assert!(codes.contains(&(
        "CHECK_NO_PUBLIC_ACCESS".into(),
        "WebhookUrlPermission".into(),
        "89:22".into()
    )));
    insta::assert_snapshot!("scan_notifications_json", out);
}

#[test]
fn a_terraform_plan_with_a_policy_unknown_until_apply() {
    let (exit, out, _) = scan(&["--output", "text", ORDERS, "--check-no-public-access"]);
    assert_eq!(exit, Exit::Fail, "the unknown key policy is an error");
    insta::assert_snapshot!("scan_orders_text", out);
}

#[test]
fn no_new_access_compares_identity_policies_with_the_reference() {
    let (exit, out, _) = scan(&[
        "--output",
        "json",
        APP,
        "--check-no-new-access",
        "--reference-policy",
        REFERENCE,
    ]);
    assert_eq!(exit, Exit::Fail);
    let new_access: Vec<_> = findings(&out)
        .into_iter()
        .filter(|(code, _, _)| code == "CHECK_NO_NEW_ACCESS")
        .collect();
    // read-uploads' first statement adds s3:DeleteObject (line 56); the deployer's two
    // statements add iam:PassRole (115) and cloudformation:* (118); the reference has none.
    // A statement is located at its first key (`Effect`, after the `- `).
    assert_eq!(
        new_access,
        [
            (
                "CHECK_NO_NEW_ACCESS".into(),
                "WorkerRole".into(),
                "56:17".into()
            ),
            (
                "CHECK_NO_NEW_ACCESS".into(),
                "DeployerPolicy".into(),
                "115:13".into()
            ),
            (
                "CHECK_NO_NEW_ACCESS".into(),
                "DeployerPolicy".into(),
                "118:13".into()
            ),
        ]
    );
}

#[test]
fn parameters_change_the_resolved_policies() {
    let dev_objects = "arn:aws:s3:::uploads-dev-123456789012/*";
    let ask = |extra: &[&str]| {
        let mut args = vec![
            "--output",
            "json",
            APP,
            "--check-access-not-granted",
            "--actions",
            "s3:DeleteObject",
            "--resources",
            dev_objects,
        ];
        args.extend_from_slice(extra);
        scan(&args).0
    };
    // The bucket is `uploads-${Env}-${AWS::AccountId}`: prod by default, dev when asked.
    assert_eq!(ask(&[]), Exit::Pass);
    assert_eq!(ask(&["--parameters", "Env=dev"]), Exit::Fail);
    assert_eq!(
        ask(&["--account-id", "444455556666", "--parameters", "Env=dev"]),
        Exit::Pass
    );
}

#[test]
fn gating_follows_cfn_policy_validator() {
    let base = [
        "--output",
        "json",
        NOTIFICATIONS,
        "--check-no-public-access",
    ];
    let run = |extra: &[&str]| {
        let mut args = base.to_vec();
        args.extend_from_slice(extra);
        let (exit, out, _) = scan(&args);
        (exit, findings(&out).len())
    };
    assert_eq!(run(&[]), (Exit::Fail, 3));
    assert_eq!(
        run(&["--treat-finding-type-as-blocking", "NONE"]),
        (Exit::Pass, 3)
    );
    assert_eq!(
        run(&["--treat-finding-type-as-blocking", "WARNING"]),
        (Exit::Fail, 3)
    );
    assert_eq!(
        run(&[
            "--ignore-finding",
            "Operator",
            "WebhookUrlPermission.CHECK_NO_PUBLIC_ACCESS"
        ]),
        (Exit::Pass, 1)
    );
    assert_eq!(
        run(&[
            "--ignore-finding",
            "INVALID_EFFECT,CHECK_NO_PUBLIC_ACCESS,UNRESOLVED_VALUE"
        ]),
        (Exit::Pass, 0)
    );
}

#[test]
fn a_loose_policy_file_is_a_policy() {
    let (exit, out, _) = scan(&[
        "--output",
        "json",
        "../../tests/examples/public-bucket.json",
        "--check-access-not-granted",
        "--actions",
        "s3:PutObject",
    ]);
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["policies"][0]["policyType"], "RESOURCE_POLICY");
    assert!(matches!(exit, Exit::Pass | Exit::Fail));
}

#[test]
fn refusals_are_located_and_exit_2() {
    let (exit, out, err) = scan(&["--output", "text", "tests/malformed-template.yaml"]);
    assert_eq!(exit, Exit::BadInput, "{out}");
    insta::assert_snapshot!("scan_refusal_malformed_yaml", err);

    let (exit, _, err) = scan(&["--output", "text", "../../tests/examples/request.json"]);
    assert_eq!(exit, Exit::BadInput);
    assert!(err.contains("not a CloudFormation template"), "{err}");

    let (exit, _, err) = scan(&[APP, "--treat-finding-type-as-blocking", "FATAL"]);
    assert_eq!(exit, Exit::BadInput);
    assert!(err.contains("`FATAL` is not a finding type"), "{err}");

    let (exit, _, err) = scan(&[APP, "--parameters", "Env"]);
    assert_eq!(exit, Exit::BadInput);
    assert!(err.contains("not KEY=VALUE"), "{err}");

    let (exit, _, err) = scan(&["does-not-exist.yaml"]);
    assert_eq!(exit, Exit::BadInput);
    assert!(err.contains("cannot read `does-not-exist.yaml`"), "{err}");
}

#[test]
fn a_condition_that_cannot_be_decided_makes_checks_undecided() {
    // conditional.yaml allows s3:* and, only when `Stage` is prod, denies s3:DeleteObject.
    // `Stage` has no default, so the guard's presence is unknown: no verdict is a proof.
    let conditional = "../../tests/examples/templates/conditional.yaml";
    let ask = |extra: &[&str]| {
        let mut args = vec![
            "--output",
            "json",
            conditional,
            "--check-access-not-granted",
            "--actions",
            "s3:DeleteObject",
        ];
        args.extend_from_slice(extra);
        let (exit, out, _) = scan(&args);
        let codes: Vec<String> = findings(&out)
            .into_iter()
            .map(|(code, _, _)| code)
            .collect();
        (exit, codes)
    };
    let (exit, codes) = ask(&[]);
    assert_eq!(exit, Exit::Fail);
    assert!(codes.contains(&"CHECK_UNDECIDED".to_string()), "{codes:?}");
    assert!(codes.contains(&"UNRESOLVED_VALUE".to_string()), "{codes:?}");
    // Nothing blocking: still no PASS, since a check had no verdict (exit 3, UNKNOWN).
    assert_eq!(
        ask(&["--treat-finding-type-as-blocking", "NONE"]).0,
        Exit::Unknown
    );
    // In prod the Deny applies: s3:DeleteObject is not granted. In dev it is.
    assert_eq!(ask(&["--parameters", "Stage=prod"]), (Exit::Pass, vec![]));
    assert_eq!(
        ask(&["--parameters", "Stage=dev"]),
        (Exit::Fail, vec!["CHECK_ACCESS_NOT_GRANTED".to_string()])
    );
}

#[test]
fn a_directory_is_every_template_in_it() {
    let (exit, out, err) = scan(&[
        "--output",
        "json",
        "../../tests/examples/templates",
        "--treat-finding-type-as-blocking",
        "NONE",
    ]);
    assert_eq!(exit, Exit::Pass, "{err}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let mut files: Vec<&str> = report["policies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["file"].as_str().unwrap())
        .collect();
    files.dedup();
    assert_eq!(
        files,
        [
            "../../tests/examples/templates/app.yaml",
            "../../tests/examples/templates/boundaries.yaml",
            "../../tests/examples/templates/conditional.yaml",
            "../../tests/examples/templates/events-and-tables.yaml",
            "../../tests/examples/templates/legacy-roles.json",
            "../../tests/examples/templates/notifications.json",
            "../../tests/examples/templates/orders.tfplan.json",
            "../../tests/examples/templates/queues.tfplan.json",
            "../../tests/examples/templates/reference.json",
            "../../tests/examples/templates/unquoted-numbers.yaml",
        ]
    );
}

#[test]
fn sarif_results_are_located_in_the_template() {
    let (exit, out, _) = scan(&[
        "--output",
        "sarif",
        NOTIFICATIONS,
        "--check-no-public-access",
    ]);
    assert_eq!(exit, Exit::Fail);
    let log: serde_json::Value = serde_json::from_str(&out).unwrap();
    let results = log["runs"][0]["results"].as_array().unwrap();
    let summary: Vec<(String, String, u64, u64)> = results
        .iter()
        .map(|r| {
            let region = &r["locations"][0]["physicalLocation"]["region"];
            (
                r["ruleId"].as_str().unwrap().to_string(),
                r["level"].as_str().unwrap().to_string(),
                region["startLine"].as_u64().unwrap(),
                region["startColumn"].as_u64().unwrap(),
            )
        })
        .collect();
    // The same three findings as the JSON output, at the same places; the warning is not
    // blocking.
    assert_eq!(
        summary,
        [
            ("INVALID_EFFECT".into(), "error".into(), 64, 29),
            ("CHECK_NO_PUBLIC_ACCESS".into(), "error".into(), 89, 22),
            ("UNRESOLVED_VALUE".into(), "warning".into(), 104, 27),
        ]
    );
}

#[test]
fn inline_policies_behind_conditions_and_policy_resources_are_found() {
    let legacy = "../../tests/examples/templates/legacy-roles.json";
    let (exit, out, _) = scan(&["--output", "json", legacy]);
    // `Policies` written as an object is no list of policies: an error, not a policy skipped,
    // at the object (line 48, column 21 of the template).
    assert_eq!(exit, Exit::Fail);
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let names: Vec<&str> = report["policies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["policyName"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["AssumeRolePolicyDocument", "read-trails", "write-logs"]
    );
    assert_eq!(
        findings(&out),
        [(
            "UNANALYSED_POLICY".into(),
            "BrokenUser".into(),
            "48:21".into()
        )]
    );
    // With the condition false, the `Fn::If` leaves no inline policy.
    let (_, out, _) = scan(&["--output", "json", legacy, "--parameters", "WithAudit=no"]);
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["policies"].as_array().unwrap().len(), 2);
}

#[test]
fn a_symbolic_value_without_policy_variables_is_no_proof() {
    // The bucket's name is generated at deployment, so the resource is
    // `arn:aws:s3:::${Unresolved:Data.Name}/*`; without `Version: 2012-10-17` IAM reads `${…}`
    // as literal text, so a PASS would be about a bucket that does not exist.
    let (exit, out, _) = scan(&[
        "--output",
        "json",
        "tests/unversioned-template.yaml",
        "--check-access-not-granted",
        "--actions",
        "s3:DeleteObject",
    ]);
    assert_eq!(exit, Exit::Fail);
    let codes: Vec<String> = findings(&out)
        .into_iter()
        .map(|(code, _, _)| code)
        .collect();
    assert!(codes.contains(&"CHECK_UNDECIDED".to_string()), "{codes:?}");
}

const EVENTS_AND_TABLES: &str = "../../tests/examples/templates/events-and-tables.yaml";
const UNQUOTED_NUMBERS: &str = "../../tests/examples/templates/unquoted-numbers.yaml";

/// DynamoDB table and stream policies (also per replica of a global table), an event bus's
/// `Policy`, both forms of `AWS::Events::EventBusPolicy`, and the CloudWatch Logs policies
/// written as JSON strings. `AnyoneReadsTheStream` lets `"*"` read the stream: public.
#[test]
fn resource_policies_of_tables_event_buses_and_logs_are_found() {
    let (exit, out, _) = scan(&[
        "--output",
        "text",
        EVENTS_AND_TABLES,
        "--check-no-public-access",
    ]);
    assert_eq!(exit, Exit::Fail, "{out}");
    insta::assert_snapshot!("scan_events_and_tables_text", out);
    let (_, json, _) = scan(&[
        "--output",
        "json",
        EVENTS_AND_TABLES,
        "--check-no-public-access",
    ]);
    insta::assert_snapshot!("scan_events_and_tables_json", json);
}

/// `Version: 2012-10-17` and the account ids `012345678901` and `111122223333` unquoted are
/// the strings written, as CloudFormation reads them: the policy is valid, the leading zero
/// kept, and only the generated bucket name is unresolved.
#[test]
fn unquoted_numbers_are_the_strings_written() {
    let (exit, out, _) = scan(&["--output", "text", UNQUOTED_NUMBERS]);
    assert_eq!(exit, Exit::Pass, "{out}");
    assert!(!out.contains("JSON_SYNTAX_ERROR"), "{out}");
    insta::assert_snapshot!("scan_unquoted_numbers_text", out);
}

const QUEUES: &str = "../../tests/examples/templates/queues.tfplan.json";

/// A plan's resource policies set on the resource itself (`aws_sqs_queue.policy`, a secret's
/// in a child module), CloudWatch Logs and EventBridge policies, and an
/// `aws_iam_policy_document` data source from `prior_state`. `aws_sns_topic.alerts` sets no
/// policy (SNS writes its default): not reported; `aws_sns_topic.audit` sets one that is
/// unknown until apply: an error. The secret's `PublicRead` lets `{"AWS": "*"}` read it.
#[test]
fn a_plan_s_resource_policies_and_policy_documents_are_found() {
    let (exit, out, _) = scan(&["--output", "text", QUEUES, "--check-no-public-access"]);
    assert_eq!(exit, Exit::Fail, "{out}");
    assert!(!out.contains("aws_sns_topic.alerts"), "{out}");
    insta::assert_snapshot!("scan_queues_text", out);
    let (_, json, _) = scan(&["--output", "json", QUEUES, "--check-no-public-access"]);
    insta::assert_snapshot!("scan_queues_json", json);
}

const BOUNDARIES: &str = "../../tests/examples/templates/boundaries.yaml";

/// Managed policies attached by ARN: `TeamBoundary` is defined in the template (by `Ref`,
/// `GetAtt … PolicyArn` and its ARN written out) and analysed there; `ReadOnlyAccess` (AWS
/// managed) and `org-boundary` are not in the file: a warning each, not blocking.
#[test]
fn managed_policies_attached_from_elsewhere_are_noted() {
    let (exit, out, _) = scan(&["--output", "text", BOUNDARIES]);
    assert_eq!(exit, Exit::Pass, "{out}");
    assert_eq!(out.matches("MANAGED_POLICY_NOT_READ").count(), 2, "{out}");
    insta::assert_snapshot!("scan_boundaries_text", out);
}

#[test]
fn findings_name_who_outside_the_zone_of_trust_each_resource_policy_lets_in() {
    let (exit, out, err) = scan(&[
        APP,
        "--output",
        "json",
        "--findings",
        "--trusted-account",
        "123456789012",
    ]);
    // Security warnings block by default.
    assert_eq!(exit, Exit::Fail, "{out}{err}");
    let external: Vec<_> = findings(&out)
        .into_iter()
        .filter(|(code, _, _)| code == "EXTERNAL_ACCESS")
        .collect();
    insta::assert_debug_snapshot!("scan_app_findings", external);
    // The account that is trusted is no finding; a bad account id is refused.
    let (exit, out, _) = scan(&[
        APP,
        "--output",
        "json",
        "--findings",
        "--trusted-account",
        "123456789012,111122223333",
    ]);
    assert_eq!(exit, Exit::Fail);
    assert!(!out.contains("111122223333 (s3:ListBucket)"), "{out}");
    let (exit, _, err) = scan(&[APP, "--findings", "--trusted-account", "1234"]);
    assert_eq!(exit, Exit::BadInput, "{err}");
    assert!(err.contains("an account id is 12 digits"), "{err}");
}

#[test]
fn sarif_has_a_rule_per_code_and_bad_documents_as_notifications() {
    // A policy scan cannot read: a result, and a notification of the run, which succeeded.
    let legacy = "../../tests/examples/templates/legacy-roles.json";
    let (_, out, _) = scan(&["--output", "sarif", legacy]);
    let log: serde_json::Value = serde_json::from_str(&out).unwrap();
    let run = &log["runs"][0];
    let invocation = &run["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], true);
    let notification = &invocation["toolExecutionNotifications"][0];
    assert_eq!(notification["descriptor"]["id"], "UNANALYSED_POLICY");
    let region = &notification["locations"][0]["physicalLocation"]["region"];
    assert_eq!(
        (region["startLine"].as_u64(), region["startColumn"].as_u64()),
        (Some(48), Some(21))
    );
    // Every rule a result names is described, Access Analyzer's codes with their section.
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    for result in run["results"].as_array().unwrap() {
        let rule = rules.iter().find(|rule| rule["id"] == result["ruleId"]);
        assert!(rule.is_some(), "no rule for {}", result["ruleId"]);
    }
    let (_, out, _) = scan(&["--output", "sarif", NOTIFICATIONS]);
    let log: serde_json::Value = serde_json::from_str(&out).unwrap();
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    let effect = rules
        .iter()
        .find(|rule| rule["id"] == "INVALID_EFFECT")
        .unwrap();
    assert!(
        effect["helpUri"]
            .as_str()
            .unwrap()
            .ends_with("error-invalid-effect")
    );
    // A template that is no JSON: the run fails, located in the file.
    let broken = std::env::temp_dir().join(format!("keyaki-broken-{}.json", std::process::id()));
    std::fs::write(&broken, "{\"Resources\": {\n").unwrap();
    let (exit, out, _) = scan(&["--output", "sarif", broken.to_str().unwrap()]);
    let _ = std::fs::remove_file(&broken);
    assert_eq!(exit, Exit::BadInput);
    let log: serde_json::Value = serde_json::from_str(&out).unwrap();
    let invocation = &log["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    let notification = &invocation["toolExecutionNotifications"][0];
    assert_eq!(notification["descriptor"]["id"], "UNREADABLE_FILE");
    assert_eq!(
        notification["locations"][0]["physicalLocation"]["region"]["startLine"],
        2
    );
}
