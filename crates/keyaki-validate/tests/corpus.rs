//! Runs every case of `corpus/validate/`: a policy, its type, and the issue codes Access
//! Analyzer's policy validation reports for it, each case with the IAM User Guide's sentence
//! that decides it.
//!
//! Layout: `corpus/validate/TOPIC-NAME.json`:
//!
//! ```json
//! {"description": "what the file covers",
//!  "cases": [{"name": "…",
//!             "evidence": "the Guide's page and the sentence that decides the case",
//!             "policyType": "IDENTITY_POLICY",
//!             "policy": { …the policy… },
//!             "issueCodes": ["PASS_ROLE_WITH_STAR_IN_RESOURCE"]}]}
//! ```
//!
//! `resourceType` (`AWS::IAM::AssumeRolePolicyDocument`, …) is `--validate-policy-resource-type`.
//! `policyText` replaces `policy` when the case is about text that is not a JSON value (a
//! syntax error). `issueCodes` is every finding's code, in any order: a case with `[]` says the
//! policy gets no finding at all. Unknown fields are rejected; `KEYAKI_TEST` filters files as
//! for the other corpus runners.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a broken expectation should stop the test loudly"
)]

use keyaki_policy::SourceFile;
use keyaki_validate::{ValidatePolicyType, ValidateResourceType, validate_policy_for};
use serde::Deserialize;
use std::path::Path;

#[path = "../../../tests/support/corpus_files.rs"]
mod corpus_files;

use corpus_files::{Tally, check_name, json_files, selected};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ValidateFile {
    description: String,
    cases: Vec<ValidateCase>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct ValidateCase {
    name: String,
    evidence: String,
    policy_type: String,
    policy: Option<serde_json::Value>,
    policy_text: Option<String>,
    resource_type: Option<String>,
    issue_codes: Vec<String>,
}

fn policy_type(name: &str) -> ValidatePolicyType {
    match name {
        "IDENTITY_POLICY" => ValidatePolicyType::Identity,
        "RESOURCE_POLICY" => ValidatePolicyType::Resource,
        "SERVICE_CONTROL_POLICY" => ValidatePolicyType::ServiceControl,
        "RESOURCE_CONTROL_POLICY" => ValidatePolicyType::ResourceControl,
        other => panic!("unknown policyType `{other}`"),
    }
}

#[test]
fn validate_corpus() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus/validate");
    let files = json_files(&dir);
    let mut failures = Vec::new();
    let mut cases = 0;
    let mut tally = Tally::default();
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        check_name(path);
        let stem = name.trim_end_matches(".json");
        if !selected(&name) {
            continue;
        }
        let text = std::fs::read_to_string(path).unwrap();
        let file: ValidateFile = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{name}: not a validate corpus file: {e}"));
        assert!(
            !file.description.trim().is_empty(),
            "{name}: no description"
        );
        assert!(!file.cases.is_empty(), "{name}: no cases");
        for case in &file.cases {
            cases += 1;
            assert!(
                case.evidence.contains('"'),
                "{name} / {}: the evidence must quote the Guide's deciding sentence",
                case.name
            );
            let text = match (&case.policy, &case.policy_text) {
                (Some(policy), None) => serde_json::to_string_pretty(policy).unwrap(),
                (None, Some(text)) => text.clone(),
                _ => panic!("{name} / {}: give `policy` or `policyText`", case.name),
            };
            let source = SourceFile::new(format!("{name}#{}", case.name), text.into_bytes());
            let resource_type = case.resource_type.as_deref().map(|name| {
                ValidateResourceType::from_aws_name(name)
                    .unwrap_or_else(|| panic!("{name}: unknown resourceType `{name}`"))
            });
            let findings =
                validate_policy_for(&source, policy_type(&case.policy_type), resource_type);
            let mut actual: Vec<&str> = findings.iter().map(|f| f.issue.code).collect();
            let mut expected: Vec<&str> = case.issue_codes.iter().map(String::as_str).collect();
            actual.sort_unstable();
            expected.sort_unstable();
            let kind = expected.first().copied().unwrap_or("no finding");
            tally.record(kind, stem, actual == expected);
            if actual != expected {
                failures.push(format!(
                    "{name} / {}: expected {expected:?}, got {actual:?}",
                    case.name
                ));
            }
        }
    }
    tally.finish(
        "validate-policy corpus (corpus/validate)",
        "validate cases",
        (cases, files.len()),
        40,
        &failures,
    );
}

/// README's list of covered codes is exactly the codes the corpus expects somewhere.
#[test]
fn the_readme_lists_the_codes_the_corpus_covers() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut covered = std::collections::BTreeSet::new();
    for path in json_files(&root.join("corpus/validate")) {
        let file: ValidateFile =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        for case in file.cases {
            covered.extend(case.issue_codes);
        }
    }
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let start = readme
        .find("codes covered:")
        .expect("README lists the codes covered");
    let end = start + readme[start..].find("Not yet covered").unwrap();
    let listed: std::collections::BTreeSet<String> = readme[start..end]
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|word| {
            !word.is_empty() && word.bytes().all(|b| b.is_ascii_uppercase() || b == b'_')
        })
        .map(str::to_string)
        .collect();
    assert_eq!(listed, covered, "README's list and corpus/validate/ differ");
    assert!(
        readme[start.saturating_sub(40)..start].contains(&covered.len().to_string()),
        "README gives the number of codes covered ({})",
        covered.len()
    );
}
