//! The check corpus: `corpus/checks/TOPIC-NAME.json`, checks with expected verdicts.
//!
//! ```json
//! {"description": "…", "evidence": "why each verdict is right (IAM documentation, reasoning)",
//!  "policyType": "IDENTITY_POLICY",
//!  "cases": [
//!    {"name": "…", "check": "no-new-access", "new": {…policy…}, "existing": {…policy…},
//!     "expect": "FAIL", "statements": [1]},
//!    {"name": "…", "check": "access-not-granted", "policy": {…}, "access": [{"actions": ["s3:DeleteBucket"]}],
//!     "expect": "PASS"},
//!    {"name": "…", "check": "no-public-access", "policy": {…}, "resourceType": "AWS::S3::Bucket",
//!     "expect": "FAIL", "statements": [0]},
//!    {"name": "…", "check": "findings", "policy": {…}, "trustedAccounts": ["111122223333"],
//!     "trustedOrg": "o-a1b2c3d4e5", "findings": [{"statement": 0, "access": "public"}],
//!     "summary": [{"statement": 0, "principal": {"AWS": "*"}, "isPublic": true,
//!                  "condition": {}}]}]}
//! ```
//!
//! `statements` lists the indices of the reasons of a FAIL (optional; checked when given).
//! `findings` is the expected set of (statement, public or cross-account) pairs, one per kind
//! of caller; `summary` (optional) the expected findings as Access Analyzer reports them, one
//! per statement and access (`actions` optional).
//! Every FAIL's counterexample has already replayed through the concrete evaluator inside the
//! check; this runner replays it once more. `KEYAKI_TEST` filters files by name.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a broken expectation should stop the test loudly"
)]

use keyaki_check::check::Check;
use keyaki_check::{
    Access, AccessKind, CheckConfig, Exemplars, ResourceType, Trust, Verdict,
    check_access_not_granted, check_no_new_access, check_no_public_access, findings,
};
use keyaki_policy::{
    Decision, ParseOptions, ParsedPolicy, PolicyType, SourceFile, evaluate, parse_policy,
};
use serde::Deserialize;

#[path = "../../../tests/support/corpus_files.rs"]
mod corpus_files;

use corpus_files::{Tally, json_files, selected};
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
#[serde(deny_unknown_fields, rename_all = "camelCase")]
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
    #[serde(default)]
    expect: Option<String>,
    #[serde(default)]
    statements: Option<Vec<usize>>,
    #[serde(default)]
    resource_type: Option<String>,
    #[serde(default)]
    trusted_accounts: Vec<String>,
    #[serde(default)]
    trusted_org: Option<String>,
    #[serde(default)]
    findings: Option<Vec<ExpectedFinding>>,
    #[serde(default)]
    summary: Option<Vec<ExpectedAccess>>,
}

/// One summarised finding, in Access Analyzer's fields.
#[derive(Deserialize, serde::Serialize, PartialEq, Eq, Debug, Clone)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct ExpectedAccess {
    statement: usize,
    principal: serde_json::Value,
    is_public: bool,
    condition: serde_json::Value,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    actions: Option<Vec<String>>,
}

#[derive(Deserialize, PartialEq, Eq, PartialOrd, Ord, Debug, Clone)]
#[serde(deny_unknown_fields)]
struct ExpectedFinding {
    statement: usize,
    access: String,
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
    let mut tally = Tally::default();
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
                    agrees_with_exemplars(&label, &new, &existing, &outcome, &mut failures);
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
                "no-public-access" => {
                    let policy =
                        parse(case.policy.as_ref().expect("`policy`"), policy_type, &label);
                    let name = case.resource_type.as_deref().expect("`resourceType`");
                    let resource_type = ResourceType::named(name)
                        .unwrap_or_else(|| panic!("{label}: unknown resource type {name}"));
                    let outcome =
                        check_no_public_access(&policy, resource_type, CheckConfig::default());
                    (
                        outcome,
                        Box::new(move |r| {
                            evaluate(&policy.policy, policy.policy_type, r).decision
                                == Decision::Allow
                        }),
                    )
                }
                "findings" => {
                    let policy =
                        parse(case.policy.as_ref().expect("`policy`"), policy_type, &label);
                    let expected = case.findings.clone().expect("`findings`");
                    let before = failures.len();
                    check_findings(&label, &policy, case, expected, &mut failures);
                    tally.record("findings", &file_name, failures.len() == before);
                    continue;
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
            let expect = case.expect.as_deref().expect("`expect`");
            tally.record(
                &format!("{} {expect}", case.check),
                &file_name,
                got == expect,
            );
            if got != expect {
                failures.push(format!(
                    "{label}: expected {expect}, got {got} ({:?})",
                    outcome.verdict
                ));
            }
        }
    }
    tally.finish(
        "check corpus (corpus/checks)",
        "check cases",
        (cases, files.len()),
        1,
        &failures,
    );
}

/// The same check with the new policy's exemplars tried first ([`Exemplars`]) must give the
/// same verdict and reasons (an UNKNOWN may become a replayed FAIL), and a counterexample that
/// replays.
fn agrees_with_exemplars(
    label: &str,
    new: &ParsedPolicy,
    existing: &ParsedPolicy,
    plain: &keyaki_check::Outcome,
    failures: &mut Vec<String>,
) {
    let config = CheckConfig::default();
    let exemplars = Exemplars::of(new, config);
    let with = Check::NoNewAccess { new, existing }.run_with(config, Some(&exemplars));
    let reasons = |verdict: &Verdict| match verdict {
        Verdict::Fail { reasons, .. } => Some(reasons.clone()),
        _ => None,
    };
    let agree = match (&plain.verdict, &with.verdict) {
        (Verdict::Pass, Verdict::Pass) | (Verdict::Unknown(_), _) => true,
        (Verdict::Fail { .. }, Verdict::Fail { .. }) => {
            reasons(&plain.verdict) == reasons(&with.verdict)
        }
        _ => false,
    };
    if !agree {
        failures.push(format!(
            "{label}: with exemplars {:?}, without {:?}",
            with.verdict, plain.verdict
        ));
    }
    if let Verdict::Fail { counterexample, .. } = &with.verdict
        && !(Check::NoNewAccess { new, existing }).replays(counterexample)
    {
        failures.push(format!(
            "{label}: the counterexample with exemplars does not replay"
        ));
    }
}

/// Runs `findings` on one case and compares the set of (statement, kind) pairs; every
/// finding's request must replay through the evaluator.
fn check_findings(
    label: &str,
    policy: &ParsedPolicy,
    case: &CheckCase,
    mut expected: Vec<ExpectedFinding>,
    failures: &mut Vec<String>,
) {
    let trust = Trust {
        accounts: case.trusted_accounts.clone(),
        organization: case.trusted_org.clone(),
    };
    let report = findings(policy, &trust, CheckConfig::default());
    if let Some(expected) = &case.summary {
        check_summary(label, policy, &report, expected, failures);
    }
    if !report.unknown.is_empty() {
        failures.push(format!("{label}: unanswered: {:?}", report.unknown));
    }
    let mut got: Vec<ExpectedFinding> = report
        .findings
        .iter()
        .map(|f| ExpectedFinding {
            statement: f.statement_index,
            access: match f.access {
                AccessKind::Public => "public".to_string(),
                AccessKind::CrossAccount => "cross-account".to_string(),
            },
        })
        .collect();
    for finding in &report.findings {
        if evaluate(&policy.policy, policy.policy_type, &finding.counterexample).decision
            != Decision::Allow
        {
            failures.push(format!("{label}: a finding's request does not replay"));
        }
    }
    got.sort();
    got.dedup();
    expected.sort();
    if got != expected {
        failures.push(format!(
            "{label}: findings {got:?}, expected {expected:?} ({:?})",
            report
                .findings
                .iter()
                .map(|f| (f.statement_index, f.access, &f.principal))
                .collect::<Vec<_>>()
        ));
    }
}

/// Compares the summarised findings with the expected ones, as sets.
fn check_summary(
    label: &str,
    policy: &ParsedPolicy,
    report: &keyaki_check::Findings,
    expected: &[ExpectedAccess],
    failures: &mut Vec<String>,
) {
    let with_actions = expected.iter().any(|e| e.actions.is_some());
    let key = |access: &ExpectedAccess| serde_json::to_string(access).unwrap();
    let mut got: Vec<ExpectedAccess> = keyaki_check::summarise(&policy.policy, report)
        .iter()
        .map(|access| {
            let (kind, value) = access.principal.key_value();
            let mut condition = serde_json::Map::new();
            for c in &access.condition {
                let values: Vec<serde_json::Value> = match condition.remove(&c.key) {
                    Some(serde_json::Value::Array(old)) => old,
                    Some(old) => vec![old],
                    None => Vec::new(),
                };
                let mut values = values;
                values.extend(c.values.iter().map(|v| serde_json::json!(v)));
                let value = match values.as_slice() {
                    [one] => one.clone(),
                    _ => serde_json::Value::Array(values),
                };
                condition.insert(c.key.clone(), value);
            }
            ExpectedAccess {
                statement: access.statement_index,
                principal: serde_json::json!({kind: value}),
                is_public: access.is_public,
                condition: serde_json::Value::Object(condition),
                actions: with_actions.then(|| access.actions.clone()),
            }
        })
        .collect();
    let mut expected = expected.to_vec();
    got.sort_by_key(key);
    expected.sort_by_key(key);
    if got != expected {
        failures.push(format!(
            "{label}: summary {}, expected {}",
            serde_json::to_string(&got).unwrap(),
            serde_json::to_string(&expected).unwrap()
        ));
    }
}
