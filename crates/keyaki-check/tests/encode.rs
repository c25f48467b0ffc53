//! The encoding agrees with the concrete evaluator on every request of the evaluate corpus:
//! for each policy and request, the policy's formula evaluated on the request's values is true
//! exactly when the evaluator says Allow, and each statement's formula exactly when the
//! evaluator says the statement matches.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a broken expectation should stop the test loudly"
)]

use keyaki_check::concrete::assignment_of;
use keyaki_check::{Encoder, Vocabulary};
use keyaki_logic::Context;
use keyaki_policy::eval::statement_matches;
use keyaki_policy::{
    Decision, ParseOptions, PolicyType, SourceFile, evaluate, parse_policy, parse_request,
};
use std::path::Path;

#[test]
fn formulas_agree_with_the_evaluator_on_the_corpus() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus/evaluate");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let (mut checked, mut skipped, mut failures) = (0, 0, Vec::new());
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let case: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let policy_type = match case.get("policyType").and_then(|t| t.as_str()) {
            Some("IDENTITY_POLICY") => Some(PolicyType::Identity),
            Some("RESOURCE_POLICY") => Some(PolicyType::Resource),
            _ => None,
        };
        let source = SourceFile::new(
            &name,
            serde_json::to_string(&case["policy"]).unwrap().into_bytes(),
        );
        let parsed = parse_policy(
            &source,
            ParseOptions {
                policy_type,
                ..ParseOptions::default()
            },
        )
        .unwrap();
        let vocabulary = Vocabulary::of(&[&parsed.policy]);
        let mut cx = Context::new();
        let mut encoder = Encoder::new(&mut cx, &vocabulary);
        let encoded = encoder.policy(&parsed.policy, parsed.policy_type);
        for request_case in case["requests"].as_array().unwrap() {
            let request_name = request_case["name"].as_str().unwrap();
            let request_source = SourceFile::new(
                "r",
                serde_json::to_string(&request_case["request"])
                    .unwrap()
                    .into_bytes(),
            );
            let request = parse_request(&request_source).unwrap();
            let Some(assignment) = assignment_of(&mut encoder, &request) else {
                skipped += 1;
                continue;
            };
            checked += 1;
            let allowed =
                evaluate(&parsed.policy, parsed.policy_type, &request).decision == Decision::Allow;
            if assignment.holds(encoder.cx, encoded.allows) != allowed {
                failures.push(format!(
                    "{name}/{request_name}: evaluator says {allowed}, formula {}",
                    encoder.cx.show(encoded.allows)
                ));
            }
            for (statement, formula) in parsed.policy.statements.iter().zip(&encoded.statements) {
                let matches = statement_matches(statement, parsed.policy_type, &request);
                if assignment.holds(encoder.cx, *formula) != matches {
                    failures.push(format!(
                        "{name}/{request_name}: statement {} matches={matches}, formula {}",
                        statement.index,
                        encoder.cx.show(*formula)
                    ));
                }
            }
        }
    }
    println!("{checked} requests checked, {skipped} outside the modelled domain");
    assert!(checked > 250, "most of the corpus is checked ({checked})");
    assert!(
        failures.is_empty(),
        "{} disagreements:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
