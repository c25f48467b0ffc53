//! Snapshots of `keyaki can` and `keyaki who-can`: whole-account questions over every
//! context, and their exit codes.

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

const GUARDRAILS: &str = "../../tests/examples/scenario-guardrails.json";
const BOUNDARY: &str = "../../tests/examples/scenario-boundary.json";
const CROSS: &str = "../../tests/examples/scenario-cross-account.json";

#[test]
fn can_answers_for_every_context() {
    for (name, path, answer) in [
        ("guardrails", GUARDRAILS, "sometimes"),
        ("boundary", BOUNDARY, "sometimes"),
        ("cross_account", CROSS, "never"),
    ] {
        let (exit, text, err) = keyaki(&["can", "--scenario", path, "--output", "text"], b"");
        assert_eq!(exit, Exit::Pass, "{err}");
        assert!(err.is_empty(), "{err}");
        insta::assert_snapshot!(format!("can_{name}_text"), text);
        let (exit, json, _) = keyaki(&["can", "--scenario", path, "--output", "json"], b"");
        assert_eq!(exit, Exit::Pass);
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(value["answer"], answer, "{json}");
        insta::assert_snapshot!(format!("can_{name}_json"), json);
    }
}

#[test]
fn can_refuses_what_it_cannot_read() {
    let mut shown = String::new();
    for args in [
        vec!["can"],
        vec!["can", "--scenario", "missing.json"],
        vec![
            "can",
            "--scenario",
            r#"{"request": {"action": "s3:GetObject", "resource": "arn:aws:s3:::b/k"}}"#,
        ],
        vec![
            "can",
            "--account-details",
            "missing.json",
            "--principal",
            "arn:aws:iam::111122223333:user/alice",
            "--action",
            "s3:GetObject",
            "--resource",
            "arn:aws:s3:::b/k",
        ],
    ] {
        let (exit, out, err) = keyaki(&args, b"");
        assert_eq!(exit, Exit::BadInput, "{args:?}: {out}");
        assert!(out.is_empty(), "{out}");
        shown.push_str(&format!("$ {}\n{err}---\n", args.join(" ")));
    }
    insta::assert_snapshot!("can_refusals", shown);
}

const DETAILS: &str = "../../corpus/accounts/example/authorization-details.json";
const MANIFEST: &str = "../../corpus/accounts/example/manifest.json";
const WITHOUT_GUARDRAIL: &str = "../../tests/examples/manifest-without-user-guardrail.json";

#[test]
fn who_can_lists_every_principal_and_outside_class() {
    for (name, action, resource) in [
        (
            "create_user",
            "iam:CreateUser",
            "arn:aws:iam::111122223333:user/grace",
        ),
        (
            "reports",
            "s3:GetObject",
            "arn:aws:s3:::example-reports/2026-q1.csv",
        ),
        (
            "orders",
            "sqs:SendMessage",
            "arn:aws:sqs:us-east-1:111122223333:orders",
        ),
    ] {
        for output in ["text", "json"] {
            let (exit, out, err) = keyaki(
                &[
                    "who-can",
                    "--account-details",
                    DETAILS,
                    "--manifest",
                    MANIFEST,
                    "--action",
                    action,
                    "--resource",
                    resource,
                    "--output",
                    output,
                ],
                b"",
            );
            assert_eq!(exit, Exit::Pass, "{err}");
            assert!(err.is_empty(), "{err}");
            insta::assert_snapshot!(format!("who_can_{name}_{output}"), out);
        }
    }
}

#[test]
fn can_over_the_account_agrees_with_who_can() {
    let (exit, out, err) = keyaki(
        &[
            "can",
            "--account-details",
            DETAILS,
            "--manifest",
            MANIFEST,
            "--principal",
            "arn:aws:iam::111122223333:role/Admin",
            "--action",
            "iam:CreateUser",
            "--resource",
            "arn:aws:iam::111122223333:user/grace",
            "--output",
            "json",
        ],
        b"",
    );
    assert_eq!(exit, Exit::Pass, "{err}");
    let value: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(value["answer"], "always", "{out}");
    let (exit, _, err) = keyaki(
        &[
            "can",
            "--account-details",
            DETAILS,
            "--manifest",
            MANIFEST,
            "--principal",
            "arn:aws:iam::111122223333:role/Nobody",
            "--action",
            "iam:CreateUser",
            "--resource",
            "arn:aws:iam::111122223333:user/grace",
        ],
        b"",
    );
    assert_eq!(exit, Exit::BadInput);
    insta::assert_snapshot!("can_unknown_principal", err);
}

#[test]
fn who_can_diff_fails_when_someone_gains() {
    let args = |manifest: &'static str| {
        vec![
            "who-can",
            "--account-details",
            DETAILS,
            "--manifest",
            manifest,
            "--existing-account-details",
            DETAILS,
            "--existing-manifest",
            MANIFEST,
            "--action",
            "iam:CreateUser",
            "--resource",
            "arn:aws:iam::111122223333:user/grace",
            "--output",
            "json",
        ]
    };
    let (exit, out, err) = keyaki(&args(WITHOUT_GUARDRAIL), b"");
    assert_eq!(exit, Exit::Fail, "{err}");
    insta::assert_snapshot!("who_gains_without_guardrail", out);
    let (exit, out, err) = keyaki(&args(MANIFEST), b"");
    assert_eq!(exit, Exit::Pass, "{err}");
    let value: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(value["result"], "PASS", "{out}");
}

#[test]
fn who_can_gate_fails_when_anyone_else_can() {
    let args = |action: &'static str, resource: &'static str, allowed: &'static str| {
        vec![
            "who-can",
            "--account-details",
            DETAILS,
            "--manifest",
            MANIFEST,
            "--action",
            action,
            "--resource",
            resource,
            "--allowed-principal",
            allowed,
            "--output",
            "text",
        ]
    };
    let (exit, out, err) = keyaki(
        &args(
            "iam:CreateUser",
            "arn:aws:iam::111122223333:user/grace",
            "arn:aws:iam::111122223333:role/Admin",
        ),
        b"",
    );
    assert_eq!(exit, Exit::Pass, "{err}");
    assert!(
        out.ends_with("PASS  0 besides the allowed principals can\n"),
        "{out}"
    );
    let (exit, out, err) = keyaki(
        &args(
            "s3:GetObject",
            "arn:aws:s3:::example-reports/2026-q1.csv",
            "arn:aws:iam::111122223333:role/*",
        ),
        b"",
    );
    assert_eq!(exit, Exit::Fail, "{err}");
    insta::assert_snapshot!("who_can_gate_fail", out.lines().last().unwrap_or_default());
}
