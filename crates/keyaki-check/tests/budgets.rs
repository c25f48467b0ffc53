//! Every check ends within its budget, and says which budget ended it.
//!
//! The question of `tests/examples/variables/` (two identity policies of 80 and 77 statements
//! full of policy variables, written by `cargo xtask variables-pair`) once took 42 s; it is
//! answered here, and under a budget too small for any search it is UNKNOWN with the budget's
//! reason, never a wrong answer.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a broken expectation should stop the test loudly"
)]

use keyaki_check::{
    Access, CheckConfig, Trust, Verdict, check_access_not_granted, check_no_new_access, findings,
};
use keyaki_policy::{ParseOptions, ParsedPolicy, PolicyType, SourceFile, parse_policy};
use std::path::Path;
use std::time::Duration;

fn parsed(name: &str, text: &str, policy_type: PolicyType) -> ParsedPolicy {
    let options = ParseOptions {
        policy_type: Some(policy_type),
        ..ParseOptions::default()
    };
    parse_policy(&SourceFile::new(name, text.as_bytes().to_vec()), options).unwrap()
}

/// A document of `tests/examples/variables/`.
fn generated(name: &str) -> ParsedPolicy {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/examples/variables")
        .join(format!("{name}.json"));
    let text = std::fs::read_to_string(&path).unwrap();
    parsed(name, &text, PolicyType::Identity)
}

/// A budget that has run out before the check begins.
fn no_time() -> CheckConfig {
    CheckConfig {
        timeout: Some(Duration::from_micros(1)),
        ..CheckConfig::default()
    }
}

#[test]
fn the_generated_policies_with_variables_get_their_answers() {
    let existing = generated("existing");
    let config = CheckConfig::default();
    // Narrowed: nothing new, proved.
    let narrowed = check_no_new_access(&generated("narrowed"), &existing, config);
    assert_eq!(narrowed.verdict, Verdict::Pass);
    // Widened: the one new statement lists other users' home folders.
    let widened = generated("widened");
    let outcome = check_no_new_access(&widened, &existing, config);
    let Verdict::Fail {
        reasons,
        counterexample,
    } = outcome.verdict
    else {
        panic!("expected FAIL, got {:?}", outcome.verdict);
    };
    let ids: Vec<_> = reasons.iter().map(|r| r.statement_id.as_deref()).collect();
    assert_eq!(ids, vec![Some("ListTeamFolders")]);
    assert_eq!(counterexample.action, "s3:ListBucket");
    // Relaxed: without the MFA guard rail, most grants give new access.
    let outcome = check_no_new_access(&generated("relaxed"), &existing, config);
    let Verdict::Fail { reasons, .. } = outcome.verdict else {
        panic!("expected FAIL, got {:?}", outcome.verdict);
    };
    assert!(reasons.len() > 50, "{} reasons", reasons.len());
}

#[test]
fn a_spent_time_budget_makes_the_check_unknown_and_says_so() {
    let outcome = check_no_new_access(&generated("relaxed"), &generated("existing"), no_time());
    assert_eq!(
        outcome.verdict,
        Verdict::Unknown("time budget of 0.000001 s exhausted".to_string())
    );
}

#[test]
fn a_spent_time_budget_leaves_findings_unknown() {
    let policy = parsed(
        "public.json",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*",
            "Action": "s3:PutObject", "Resource": "arn:aws:s3:::DOC-EXAMPLE-BUCKET/*"}]}"#,
        PolicyType::Resource,
    );
    let trust = Trust {
        accounts: vec!["123456789012".to_string()],
        organization: None,
    };
    let report = findings(&policy, &trust, no_time());
    assert!(report.findings.is_empty());
    assert_eq!(
        report.unknown,
        vec!["statement 0 and those after it: time budget of 0.000001 s exhausted".to_string()]
    );
}

#[test]
fn a_string_search_over_its_memory_budget_makes_the_check_unknown_and_says_so() {
    // Only a product search decides the tag's value (no preferred value applies to a tag), and
    // the shortest one, `abcdefghij`, takes more than the seven product states of two
    // automata (144 bytes each) that 1024 bytes hold.
    let policy = parsed(
        "tags.json",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
            "Resource": "*", "Condition": {"StringLike": {"aws:PrincipalTag/team": "*abcdefghij*"},
            "StringNotLike": {"aws:PrincipalTag/team": "*j*a*"}}}]}"#,
        PolicyType::Identity,
    );
    let access = [Access {
        actions: vec!["s3:GetObject".to_string()],
        resources: vec![],
    }];
    let ample = check_access_not_granted(&policy, &access, CheckConfig::default());
    assert!(matches!(ample.verdict, Verdict::Fail { .. }), "{ample:?}");
    let mut tight = CheckConfig::default();
    tight.smt.automata.max_bytes = 1024;
    let outcome = check_access_not_granted(&policy, &access, tight);
    let Verdict::Unknown(why) = &outcome.verdict else {
        panic!("expected UNKNOWN, got {:?}", outcome.verdict);
    };
    assert!(
        why.starts_with("memory budget of 1024 bytes exhausted by a string search"),
        "{why}"
    );
}
