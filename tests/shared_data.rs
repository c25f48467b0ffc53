//! Every real policy under `../shared/data/` parses without errors.
//!
//! The data is not part of the repository (it sits beside it on the developers' machines), so
//! on a fresh clone this test says it skipped and passes.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a broken expectation should stop the test loudly"
)]

use keyaki_policy::{ParseOptions, SourceFile, parse_policy};
use std::path::{Path, PathBuf};

fn shared_data() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data");
    dir.is_dir().then_some(dir)
}

fn policies_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            policies_under(&path, out);
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
}

#[test]
fn every_shared_policy_parses() {
    let Some(data) = shared_data() else {
        eprintln!("skipped: ../shared/data/ is not present (it is only on developers' machines)");
        return;
    };
    let mut files = Vec::new();
    for folder in ["aws-managed-policies", "aws-managed-policy-updates"] {
        policies_under(&data.join(folder), &mut files);
    }
    files.sort();
    let mut failures = Vec::new();
    for path in &files {
        let source = SourceFile::new(path.display().to_string(), std::fs::read(path).unwrap());
        if let Err(errors) = parse_policy(&source, ParseOptions::default()) {
            let first = errors.iter().find(|d| d.is_error()).unwrap();
            failures.push(source.one_line(first));
        }
    }
    println!("parsed {} real policies", files.len());
    assert!(
        files.len() > 1500,
        "expected the managed policies, found {} files",
        files.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {} policies fail:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
}
