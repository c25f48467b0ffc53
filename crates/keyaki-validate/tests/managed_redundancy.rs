//! The redundancy checks over the real AWS managed policies: how long validation takes and
//! what the three `REDUNDANT_*` checks find.
//!
//! A measurement, not a verdict, so it is ignored by default; run it in release mode:
//! `cargo test --release -p keyaki-validate --test managed_redundancy -- --ignored --nocapture`.
//! The policies are in `../shared/data/aws-managed-policies/`, beside the repository on
//! developers' machines; without them the test says so and does nothing.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a broken expectation should stop the test loudly"
)]

use keyaki_policy::SourceFile;
use keyaki_validate::{ValidatePolicyType, validate_policy};
use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

const REDUNDANCY_CODES: &[&str] = &[
    "REDUNDANT_ACTION",
    "REDUNDANT_RESOURCE",
    "REDUNDANT_STATEMENT",
];

#[test]
#[ignore = "a measurement over ../shared/data/; run with --release --ignored --nocapture"]
fn redundancy_over_managed_policies() {
    let dir =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/aws-managed-policies");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        println!("skipped: {} is absent", dir.display());
        return;
    };
    let mut files: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    files.sort();
    let mut total = Duration::ZERO;
    let mut worst = (Duration::ZERO, String::new());
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    let mut examples: Vec<String> = Vec::new();
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let source = SourceFile::new(name.clone(), std::fs::read(path).unwrap());
        let began = Instant::now();
        let findings = validate_policy(&source, ValidatePolicyType::Identity);
        let took = began.elapsed();
        total += took;
        if took > worst.0 {
            worst = (took, name.clone());
        }
        for finding in &findings {
            if REDUNDANCY_CODES.contains(&finding.issue.code) {
                *counts.entry(finding.issue.code).or_default() += 1;
                let paths: Vec<String> = finding
                    .locations
                    .iter()
                    .map(|l| format!("{:?}", l.path))
                    .collect();
                examples.push(format!("{name} {} {}", finding.issue.code, paths.join(" ")));
            }
        }
    }
    println!(
        "{} policies in {:.3} s ({:.0} policies/s, one thread); worst {:.1} ms ({})",
        files.len(),
        total.as_secs_f64(),
        files.len() as f64 / total.as_secs_f64().max(1e-9),
        worst.0.as_secs_f64() * 1e3,
        worst.1
    );
    println!("findings: {counts:?}");
    for example in &examples {
        println!("  {example}");
    }
}
