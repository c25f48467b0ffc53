//! Snapshots of what `keyaki simulate` prints, and its exit codes.

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

const BOUNDARY: &str = "../../tests/examples/scenario-boundary.json";
const CROSS: &str = "../../tests/examples/scenario-cross-account.json";

#[test]
fn simulate_prints_the_decision_and_every_layer() {
    for (name, path) in [("boundary", BOUNDARY), ("cross_account", CROSS)] {
        let (exit, text, err) = keyaki(&["simulate", "--scenario", path, "--output", "text"], b"");
        assert_eq!(exit, Exit::Pass, "{err}");
        assert!(err.is_empty(), "{err}");
        insta::assert_snapshot!(format!("simulate_{name}_text"), text);
        let (exit, json, _) = keyaki(&["simulate", "--scenario", path, "--output", "json"], b"");
        assert_eq!(exit, Exit::Pass);
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert!(value["decision"].is_string());
        insta::assert_snapshot!(format!("simulate_{name}_json"), json);
    }
}

#[test]
fn simulate_rejects_bad_scenarios_with_located_errors() {
    let cases = [
        r#"{"request": {"principal": "*", "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k"},
 "identityPolicys": [],
 "serviceControlPolicies": [[]]}"#,
        r#"{"request": {"principal": "arn:aws:iam::111122223333:user/alice", "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k"},
 "identityPolicies": [{"Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}]}"#,
    ];
    let mut shown = String::new();
    for scenario in cases {
        let (exit, out, err) = keyaki(
            &["simulate", "--scenario", scenario, "--output", "text"],
            b"",
        );
        assert_eq!(exit, Exit::BadInput, "{out}");
        assert!(out.is_empty(), "{out}");
        shown.push_str(&err);
        shown.push_str("---\n");
    }
    let (exit, _, err) = keyaki(&["simulate", "--scenario", "missing.json"], b"");
    assert_eq!(exit, Exit::BadInput);
    shown.push_str(&err);
    insta::assert_snapshot!("simulate_bad_scenarios", shown);
}
