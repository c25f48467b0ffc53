//! Every real policy under `../shared/data/` parses without errors.
//!
//! The data is not part of the repository (it sits beside it on the developers' machines and
//! CI's). Whether it is there is known only when the tests run, and a skip must not look like
//! a pass, so this file has its own harness (libtest-mimic, `harness = false` in
//! keyaki-cli's `Cargo.toml`): without the data the test is reported as ignored, with the
//! reason, in the ordinary `cargo test` output
//! (`test every_shared_policy_parses ... ignored (../shared/data/ is absent: …)`), and it is
//! counted among the ignored tests of the summary.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a broken expectation should stop the test loudly"
)]

use keyaki_policy::{ParseOptions, SourceFile, parse_policy};
use libtest_mimic::{Arguments, Completion, Failed, Trial};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn main() -> ExitCode {
    let trials = vec![Trial::ignorable_test(
        "every_shared_policy_parses",
        every_shared_policy_parses,
    )];
    libtest_mimic::run(&Arguments::from_args(), trials).exit_code()
}

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

fn every_shared_policy_parses() -> Result<Completion, Failed> {
    let Some(data) = shared_data() else {
        return Ok(Completion::ignored_with(
            "../shared/data/ is absent: it is only on developers' machines and CI",
        ));
    };
    let mut files = Vec::new();
    for folder in ["aws-managed-policies", "aws-managed-policy-updates"] {
        policies_under(&data.join(folder), &mut files);
    }
    files.sort();
    if files.len() <= 1500 {
        return Err(format!("expected the managed policies, found {} files", files.len()).into());
    }
    let mut failures = Vec::new();
    for path in &files {
        let source = SourceFile::new(path.display().to_string(), std::fs::read(path).unwrap());
        if let Err(errors) = parse_policy(&source, ParseOptions::default()) {
            let first = errors.iter().find(|d| d.is_error()).unwrap();
            failures.push(source.one_line(first));
        }
    }
    if failures.is_empty() {
        Ok(Completion::Completed)
    } else {
        Err(format!(
            "{} of {} policies fail:\n{}",
            failures.len(),
            files.len(),
            failures.join("\n")
        )
        .into())
    }
}
