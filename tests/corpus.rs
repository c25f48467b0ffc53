//! Runs every case of `corpus/`: data files with expected answers, each with its evidence.
//!
//! Layout: `corpus/evaluate/TOPIC-NAME.json`, one policy and the requests asked of it:
//!
//! ```json
//! {"description": "what the case shows",
//!  "evidence": "the IAM User Guide rule (page and reasoning) that decides the answers",
//!  "policyType": "RESOURCE_POLICY",            // optional; inferred from Principal otherwise
//!  "policy": { …an IAM policy… },
//!  "requests": [{"name": "…", "request": {…}, "decision": "Allow", "matchedStatements": [0]}]}
//! ```
//!
//! Unknown fields are rejected, so a typo cannot silently skip a check. Set `KEYAKI_TEST` to a
//! comma-separated list of name fragments to run only some files (`KEYAKI_TEST=principal`), and
//! prefix a fragment with `-` to leave files out (`KEYAKI_TEST=-variables`).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a broken expectation should stop the test loudly"
)]

use keyaki_policy::{ParseOptions, PolicyType, SourceFile, evaluate, parse_policy, parse_request};
use serde::Deserialize;

#[path = "support/corpus_files.rs"]
mod corpus_files;

use corpus_files::{Tally, check_name, json_files, selected};
use std::path::{Path, PathBuf};

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct EvaluateFile {
    description: String,
    evidence: String,
    #[serde(default)]
    policy_type: Option<String>,
    policy: serde_json::Value,
    requests: Vec<EvaluateCase>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct EvaluateCase {
    name: String,
    request: serde_json::Value,
    decision: String,
    matched_statements: Vec<usize>,
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus")
}

#[test]
fn evaluate_corpus() {
    let files = json_files(&corpus_dir().join("evaluate"));
    let mut failures = Vec::new();
    let mut cases = 0;
    let mut tally = Tally::default();
    for path in &files {
        check_name(path);
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if !selected(&name) {
            continue;
        }
        let text = std::fs::read_to_string(path).unwrap();
        let file: EvaluateFile = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{name}: not a corpus case: {e}"));
        assert!(
            !file.description.trim().is_empty() && !file.evidence.trim().is_empty(),
            "{name}: description and evidence are required"
        );
        let policy_type = match file.policy_type.as_deref() {
            None => None,
            Some("IDENTITY_POLICY") => Some(PolicyType::Identity),
            Some("RESOURCE_POLICY") => Some(PolicyType::Resource),
            Some(other) => panic!("{name}: unknown policyType {other}"),
        };
        let policy_text = serde_json::to_string_pretty(&file.policy).unwrap();
        let source = SourceFile::new(format!("{name}#policy"), policy_text.into_bytes());
        let options = ParseOptions {
            policy_type,
            ..ParseOptions::default()
        };
        let parsed = parse_policy(&source, options).unwrap_or_else(|errors| {
            let shown: Vec<String> = errors.iter().map(|d| source.one_line(d)).collect();
            panic!("{name}: the policy does not parse:\n{}", shown.join("\n"))
        });
        assert!(!file.requests.is_empty(), "{name}: no requests");
        for case in &file.requests {
            cases += 1;
            let request_source = SourceFile::new(
                format!("{name}#{}", case.name),
                serde_json::to_string(&case.request).unwrap().into_bytes(),
            );
            let request = parse_request(&request_source).unwrap_or_else(|errors| {
                let shown: Vec<String> =
                    errors.iter().map(|d| request_source.one_line(d)).collect();
                panic!(
                    "{name}: request {:?} does not parse:\n{}",
                    case.name,
                    shown.join("\n")
                )
            });
            let outcome = evaluate(&parsed.policy, parsed.policy_type, &request);
            let actual = (
                outcome.decision.to_string(),
                outcome.matched_statements.clone(),
            );
            let expected = (case.decision.clone(), case.matched_statements.clone());
            let feature = name.trim_end_matches(".json");
            tally.record(
                &format!("evaluate {}", expected.0),
                feature,
                actual == expected,
            );
            if actual != expected {
                failures.push(format!(
                    "{name} / {}: expected {} {:?}, got {} {:?}",
                    case.name, expected.0, expected.1, actual.0, actual.1
                ));
            }
        }
    }
    tally.finish(
        "evaluate corpus (corpus/evaluate)",
        "evaluate cases",
        (cases, files.len()),
        80,
        &failures,
    );
}
