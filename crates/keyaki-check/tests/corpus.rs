//! The check corpus: `corpus/checks/TOPIC-NAME.json`, checks with expected verdicts.
//!
//! ```json
//! {"description": "…", "evidence": "why each verdict is right (IAM documentation, reasoning)",
//!  "policyType": "IDENTITY_POLICY",
//!  "cases": [
//!    {"name": "…", "check": "no-new-access", "new": {…policy…}, "existing": {…policy…},
//!     "expect": "FAIL", "statements": [1]},
//!    {"name": "…", "check": "access-not-granted", "policy": {…}, "access": [{"actions": ["s3:DeleteBucket"]}],
//!     "expect": "PASS"}]}
//! ```
//!
//! `statements` lists the indices of the reasons of a FAIL (optional; checked when given).
//! Every FAIL's counterexample has already replayed through the concrete evaluator inside the
//! check; this runner replays it once more. `KEYAKI_TEST` filters files by name.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a broken expectation should stop the test loudly"
)]

use keyaki_check::{Access, CheckConfig, Verdict, check_access_not_granted, check_no_new_access};
use keyaki_policy::{
    Decision, ParseOptions, ParsedPolicy, PolicyType, SourceFile, evaluate, parse_policy,
};
use serde::Deserialize;

#[path = "../../../tests/support/corpus_files.rs"]
mod corpus_files;

use corpus_files::{json_files, selected};
use std::path::Path;

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct CheckFile {
    description: String,
    evidence: String,
    policy_type: String,
    cases: Vec<CheckCase>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CheckCase {
    name: String,
    check: String,
    #[serde(default)]
    new: Option<serde_json::Value>,
    #[serde(default)]
    existing: Option<serde_json::Value>,
    #[serde(default)]
    policy: Option<serde_json::Value>,
    #[serde(default)]
    access: Option<Vec<AccessEntry>>,
    expect: String,
    #[serde(default)]
    statements: Option<Vec<usize>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AccessEntry {
    #[serde(default)]
    actions: Vec<String>,
    #[serde(default)]
    resources: Vec<String>,
}

fn parse(value: &serde_json::Value, policy_type: PolicyType, name: &str) -> ParsedPolicy {
    let source = SourceFile::new(
        name,
        serde_json::to_string_pretty(value).unwrap().into_bytes(),
    );
    parse_policy(
        &source,
        ParseOptions {
            policy_type: Some(policy_type),
            ..ParseOptions::default()
        },
    )
    .unwrap_or_else(|errors| {
        panic!(
            "{name}: {}",
            errors
                .iter()
                .map(|d| source.one_line(d))
                .collect::<Vec<_>>()
                .join("\n")
        )
    })
}

/// Whether a counterexample really witnesses the check's failure.
type Replay = Box<dyn Fn(&keyaki_policy::Request) -> bool>;

#[test]
fn check_corpus() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus/checks");
    let files = json_files(&dir);
    let (mut cases, mut failures) = (0, Vec::new());
    for path in &files {
        let file_name = path.file_stem().unwrap().to_string_lossy().to_string();
        if !selected(&file_name) {
            continue;
        }
        let file: CheckFile = serde_json::from_str(&std::fs::read_to_string(path).unwrap())
            .unwrap_or_else(|e| panic!("{file_name}: {e}"));
        assert!(
            !file.description.trim().is_empty() && !file.evidence.trim().is_empty(),
            "{file_name}: description and evidence are required"
        );
        let policy_type = match file.policy_type.as_str() {
            "IDENTITY_POLICY" => PolicyType::Identity,
            "RESOURCE_POLICY" => PolicyType::Resource,
            other => panic!("{file_name}: unknown policyType {other}"),
        };
        for case in &file.cases {
            cases += 1;
            let label = format!("{file_name}/{}", case.name);
            let (outcome, replay): (_, Replay) = match case.check.as_str() {
                "no-new-access" => {
                    let new = parse(case.new.as_ref().expect("`new`"), policy_type, &label);
                    let existing = parse(
                        case.existing.as_ref().expect("`existing`"),
                        policy_type,
                        &label,
                    );
                    let outcome = check_no_new_access(&new, &existing, CheckConfig::default());
                    (
                        outcome,
                        Box::new(move |r| {
                            evaluate(&new.policy, new.policy_type, r).decision == Decision::Allow
                                && evaluate(&existing.policy, existing.policy_type, r).decision
                                    != Decision::Allow
                        }),
                    )
                }
                "access-not-granted" => {
                    let policy =
                        parse(case.policy.as_ref().expect("`policy`"), policy_type, &label);
                    let access: Vec<Access> = case
                        .access
                        .as_ref()
                        .expect("`access`")
                        .iter()
                        .map(|a| Access {
                            actions: a.actions.clone(),
                            resources: a.resources.clone(),
                        })
                        .collect();
                    let outcome =
                        check_access_not_granted(&policy, &access, CheckConfig::default());
                    (
                        outcome,
                        Box::new(move |r| {
                            evaluate(&policy.policy, policy.policy_type, r).decision
                                == Decision::Allow
                        }),
                    )
                }
                other => panic!("{label}: unknown check `{other}`"),
            };
            let got = match &outcome.verdict {
                Verdict::Pass => "PASS",
                Verdict::Fail {
                    reasons,
                    counterexample,
                } => {
                    if !replay(counterexample) {
                        failures.push(format!("{label}: the counterexample does not replay"));
                    }
                    if let Some(expected) = &case.statements {
                        let indices: Vec<usize> =
                            reasons.iter().map(|r| r.statement_index).collect();
                        if &indices != expected {
                            failures.push(format!(
                                "{label}: reasons {indices:?}, expected {expected:?}"
                            ));
                        }
                    }
                    "FAIL"
                }
                Verdict::Unknown(_) => "UNKNOWN",
            };
            if got != case.expect {
                failures.push(format!(
                    "{label}: expected {}, got {got} ({:?})",
                    case.expect, outcome.verdict
                ));
            }
        }
    }
    println!("{cases} check cases in {} files", files.len());
    assert!(
        failures.is_empty(),
        "{} of {cases} differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
