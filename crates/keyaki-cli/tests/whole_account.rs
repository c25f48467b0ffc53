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
