//! Runs every case of `corpus/accounts/`: requests made in a whole account (the output of
//! `aws iam get-account-authorization-details` and a keyaki manifest), each with the sentence of
//! the AWS documentation that decides it.
//!
//! Layout: an account is a folder, `corpus/accounts/NAME/` with `authorization-details.json`
//! and `manifest.json`; its cases are `corpus/accounts/NAME-TOPIC.json`:
//!
//! ```json
//! {"description": "what the file covers",
//!  "account": "NAME",
//!  "cases": [{"name": "…",
//!             "evidence": "the Guide's page and the sentence that decides the case",
//!             "principal": "arn:aws:iam::111122223333:user/alice",
//!             "request": {"action": …, "resource": …, "context": {…}},
//!             "decision": "Allow" | "ExplicitDeny" | "ImplicitDeny" | "OwnerNeeded",
//!             "decidedBy": ["identityPolicies"]}]}
//! ```
//!
//! `principal` is a user or role of the account (`Account::scenario_for`); without it, the
//! request names its own caller from outside the account's IAM
//! (`Account::scenario_for_external`). Unknown fields are rejected; `KEYAKI_TEST` filters files
//! as for the other corpus runners.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a broken expectation should stop the test loudly"
)]

use keyaki_policy::{Account, SourceFile, evaluate_scenario, parse_account, parse_request};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

#[path = "support/corpus_files.rs"]
mod corpus_files;

use corpus_files::{Tally, check_name, json_files, selected};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AccountFile {
    description: String,
    account: String,
    cases: Vec<AccountCase>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct AccountCase {
    name: String,
    evidence: String,
    principal: Option<String>,
    request: serde_json::Value,
    decision: String,
    decided_by: Vec<String>,
}

fn corpus_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus/accounts")
}

fn load_account(name: &str) -> Account {
    let dir = corpus_dir().join(name);
    let read = |file: &str| {
        let path = dir.join(file);
        SourceFile::new(
            path.display().to_string(),
            std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
        )
    };
    let details = read("authorization-details.json");
    let manifest = read("manifest.json");
    match parse_account(&details, Some(&manifest)) {
        Ok(parsed) => {
            assert!(parsed.warnings.is_empty(), "{name}: {:?}", parsed.warnings);
            parsed.account
        }
        Err(errors) => panic!("{name}: the account does not parse: {errors:#?}"),
    }
}

#[test]
fn account_corpus() {
    let files = json_files(&corpus_dir());
    let mut accounts: BTreeMap<String, Account> = BTreeMap::new();
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
        let file: AccountFile = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{name}: not an account corpus file: {e}"));
        assert!(
            !file.description.trim().is_empty(),
            "{name}: no description"
        );
        assert!(!file.cases.is_empty(), "{name}: no cases");
        let account = accounts
            .entry(file.account.clone())
            .or_insert_with(|| load_account(&file.account));
        for case in &file.cases {
            cases += 1;
            assert!(
                case.evidence.contains('"'),
                "{name} / {}: the evidence must quote the deciding sentence",
                case.name
            );
            let source = SourceFile::new(
                format!("{name}#{}", case.name),
                serde_json::to_string(&case.request).unwrap().into_bytes(),
            );
            let request = parse_request(&source)
                .unwrap_or_else(|errors| panic!("{name} / {}: bad request: {errors:?}", case.name));
            let scenario = match &case.principal {
                Some(principal) => account
                    .scenario_for(principal, request)
                    .unwrap_or_else(|e| panic!("{name} / {}: {e}", case.name)),
                None => account.scenario_for_external(request),
            };
            let actual = match evaluate_scenario(&scenario) {
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
            tally.record(&format!("account {}", expected.0), stem, actual == expected);
            if actual != expected {
                failures.push(format!(
                    "{name} / {}: expected {} {:?}, got {} {:?}",
                    case.name, expected.0, expected.1, actual.0, actual.1
                ));
            }
        }
    }
    tally.finish(
        "account corpus (corpus/accounts)",
        "account cases",
        (cases, files.len()),
        20,
        &failures,
    );
}

#[test]
fn every_principal_of_the_example_is_listed_in_document_order() {
    let account = load_account("example");
    assert_eq!(account.id(), "111122223333");
    let principals = account.principals();
    assert_eq!(principals.len(), 14);
    assert_eq!(principals[0], "arn:aws:iam::111122223333:user/alice");
    assert_eq!(
        principals[9],
        "arn:aws:iam::111122223333:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS"
    );
}
