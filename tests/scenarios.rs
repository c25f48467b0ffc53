//! Runs every case of `corpus/scenarios/`: whole requests against all their policies, each with
//! the IAM User Guide's sentence that decides it.
//!
//! Layout: `corpus/scenarios/TOPIC-NAME.json`:
//!
//! ```json
//! {"description": "what the file covers",
//!  "cases": [{"name": "…",
//!             "evidence": "the Guide's page and the sentence that decides the case",
//!             "scenario": { …a scenario, as `keyaki simulate --scenario` reads it… },
//!             "decision": "Allow" | "ExplicitDeny" | "ImplicitDeny" | "OwnerNeeded",
//!             "decidedBy": ["resourcePolicy"],
//!             "can": "sometimes"}]}
//! ```
//!
//! A case may state `"can": "always" | "sometimes" | "never"`, `keyaki can`'s answer over every
//! context, with its evidence. Each case is also asked of `keyaki can` (the scenario's formula, every context): a request
//! the evaluator allows must be allowed *always* or *sometimes*, one it denies *never* or
//! *sometimes*, and never UNKNOWN.
//!
//! `OwnerNeeded` is the answer when the decision depends on a resource owner the scenario does
//! not name (then `decidedBy` is empty). Unknown fields are rejected; `KEYAKI_TEST` filters
//! files as for the other corpus runners.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a broken expectation should stop the test loudly"
)]

use keyaki_check::CheckConfig;
use keyaki_check::scenario::{Reach, can, reach_word};
use keyaki_policy::{Scenario, SourceFile, evaluate_scenario, parse_scenario};
use serde::Deserialize;
use std::path::Path;

#[path = "support/corpus_files.rs"]
mod corpus_files;

use corpus_files::{Tally, check_name, json_files, selected};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScenarioFile {
    description: String,
    cases: Vec<ScenarioCase>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct ScenarioCase {
    name: String,
    evidence: String,
    scenario: serde_json::Value,
    decision: String,
    decided_by: Vec<String>,
    /// `keyaki can`'s expected answer over every context, when the case states it.
    #[serde(default)]
    can: Option<String>,
}

#[test]
fn scenario_corpus() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus/scenarios");
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
        let file: ScenarioFile = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{name}: not a scenario corpus file: {e}"));
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
            let source = SourceFile::new(
                format!("{name}#{}", case.name),
                serde_json::to_string_pretty(&case.scenario)
                    .unwrap()
                    .into_bytes(),
            );
            let parsed = parse_scenario(&source).unwrap_or_else(|errors| {
                let shown: Vec<String> = errors.iter().map(|d| source.one_line(d)).collect();
                panic!(
                    "{name} / {}: the scenario does not parse:\n{}",
                    case.name,
                    shown.join("\n")
                )
            });
            let actual = match evaluate_scenario(&parsed.scenario) {
                Ok(outcome) => (
                    outcome.decision.to_string(),
                    outcome
                        .decided_by
                        .iter()
                        .map(|l| l.field().to_string())
                        .collect(),
                ),
                Err(_) => ("OwnerNeeded".to_string(), Vec::new()),
            };
            let expected = (case.decision.clone(), case.decided_by.clone());
            if let Some(problem) =
                can_disagrees(&parsed.scenario, &case.decision, case.can.as_deref())
            {
                failures.push(format!("{name} / {}: `can` {problem}", case.name));
            }
            tally.record(
                &format!("simulate {}", expected.0),
                stem,
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
        "scenario corpus (corpus/scenarios)",
        "scenario cases",
        (cases, files.len()),
        30,
        &failures,
    );
}

/// Whether `can`'s answer for every context contradicts the evaluator's decision for the
/// case's own context.
fn can_disagrees(scenario: &Scenario, decision: &str, expected: Option<&str>) -> Option<String> {
    if decision == "OwnerNeeded" {
        return None;
    }
    let reach = can(scenario, CheckConfig::default()).reach;
    if let Some(expected) = expected
        && reach_word(&reach) != expected
    {
        return Some(format!(
            "answers {} where the case expects {expected}: {reach:?}",
            reach_word(&reach)
        ));
    }
    let fits = match (&reach, decision) {
        (Reach::Unknown(_), _) => false,
        (Reach::Sometimes { .. }, _) => true,
        (Reach::Always { .. }, "Allow") => true,
        (Reach::Never { .. }, "ExplicitDeny" | "ImplicitDeny") => true,
        _ => false,
    };
    (!fits).then(|| {
        format!(
            "answers {} where the evaluator says {decision}: {reach:?}",
            reach_word(&reach)
        )
    })
}
