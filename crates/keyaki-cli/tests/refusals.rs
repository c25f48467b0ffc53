//! Nothing passes silently: an input that leaves nothing to check, or names nothing real, is
//! refused with exit code 2 and a message saying why, never a PASS or a success.
//!
//! Each case here was once a silent pass (issue 13): a new policy without a baseline in
//! folder mode, a folder without policies, and (in `--access`) an action that does not exist.

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

/// Runs a command with each output format and shows what it printed, for a snapshot.
fn shown_in_text_and_json(args: &[&str], expected: Exit) -> String {
    let mut shown = String::new();
    for format in ["text", "json"] {
        let mut with_format = args.to_vec();
        with_format.extend(["--output", format]);
        let (exit, out, err) = keyaki(&with_format, b"");
        assert_eq!(exit, expected, "{out}{err}");
        shown.push_str(&format!("== --output {format}\n{out}-- stderr\n{err}"));
    }
    shown
}

#[test]
fn a_new_policy_without_a_baseline_is_bad_input() {
    let shown = shown_in_text_and_json(
        &[
            "check-no-new-access",
            "--new-policy-document",
            "tests/pairs/new",
            "--existing-policy-document",
            "tests/pairs/existing",
            "--policy-type",
            "IDENTITY_POLICY",
        ],
        Exit::BadInput,
    );
    assert!(
        shown.contains("1 PASS, 0 FAIL, 0 UNKNOWN, 1 bad input"),
        "{shown}"
    );
    insta::assert_snapshot!("new_policy_without_baseline", shown);
}

#[test]
fn a_new_policy_without_a_baseline_alone_is_bad_input() {
    let (exit, out, err) = keyaki(
        &[
            "check-no-new-access",
            "--new-policy-document",
            "tests/pairs/new",
            "--existing-policy-document",
            "tests/no-policies",
            "--policy-type",
            "IDENTITY_POLICY",
            "--output",
            "text",
        ],
        b"",
    );
    assert_eq!(exit, Exit::BadInput, "{out}{err}");
    assert!(
        err.contains("`tests/pairs/new/added.json` has no existing policy to compare with")
            && err.contains("`tests/pairs/new/kept.json` has no existing policy to compare with"),
        "{err}"
    );
}

#[test]
fn a_folder_without_policies_is_refused() {
    let mut shown = shown_in_text_and_json(&["validate", "tests/no-policies"], Exit::BadInput);
    shown.push_str(&shown_in_text_and_json(
        &[
            "check-no-public-access",
            "--policy-document",
            "tests/no-policies",
            "--resource-type",
            "AWS::S3::Bucket",
        ],
        Exit::BadInput,
    ));
    shown.push_str(&shown_in_text_and_json(
        &["validate", "tests/pairs/new/kept.json", "tests/no-policies"],
        Exit::BadInput,
    ));
    insta::assert_snapshot!("folder_without_policies", shown);
}

/// `check-access-not-granted` of the README's read-and-delete policy with `access`.
fn access_not_granted(access: &str) -> (Exit, String, String) {
    keyaki(
        &[
            "check-access-not-granted",
            "--policy-document",
            "../../tests/examples/identity-read-delete.json",
            "--access",
            access,
            "--policy-type",
            "IDENTITY_POLICY",
            "--output",
            "text",
        ],
        b"",
    )
}

#[test]
fn an_action_that_names_nothing_real_is_a_located_error() {
    let mut shown = String::new();
    for access in [
        r#"[{"actions": ["s3:GetObjct"]}]"#,
        r#"[{"actions": ["s3GetObject"]}]"#,
        "[\n  {\"resources\": [\"arn:aws:s3:::DOC-EXAMPLE-BUCKET/*\"]},\n  {\"actions\": [\"s3:Get*\", \"s4:GetObject\", \"S3:GETOBJCT*\"]}\n]",
    ] {
        let (exit, out, err) = access_not_granted(access);
        assert_eq!(exit, Exit::BadInput, "{access}: {out}");
        assert!(out.is_empty(), "{out}");
        shown.push_str(&format!("== {access}\n{err}"));
    }
    insta::assert_snapshot!("unknown_actions", shown);
}

#[test]
fn real_actions_patterns_and_resources_alone_are_still_checked() {
    for (access, expected) in [
        (r#"[{"actions": ["S3:DELETEBUCKET"]}]"#, Exit::Fail),
        (r#"[{"actions": ["s3:Put*"]}]"#, Exit::Pass),
        (r#"[{"actions": ["*:PutObject"]}]"#, Exit::Pass),
        (
            r#"[{"resources": ["arn:aws:s3:::OTHER-BUCKET/*"]}]"#,
            Exit::Pass,
        ),
    ] {
        let (exit, out, err) = access_not_granted(access);
        assert_eq!(exit, expected, "{access}: {out}{err}");
    }
}

#[test]
fn explain_refuses_an_unknown_action_too() {
    let (exit, out, err) = keyaki(
        &[
            "explain",
            "check-access-not-granted",
            "--policy-document",
            "../../tests/examples/identity-read.json",
            "--access",
            r#"[{"actions": ["s3:DeleteBuckt"]}]"#,
            "--policy-type",
            "IDENTITY_POLICY",
        ],
        b"",
    );
    assert_eq!(exit, Exit::BadInput, "{out}{err}");
    assert!(
        err.contains("the nearest real action is `s3:DeleteBucket`"),
        "{err}"
    );
}
