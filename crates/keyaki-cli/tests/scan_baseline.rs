//! `keyaki scan --create-baseline` and `--baseline`: findings a team has accepted stay shown
//! but stop blocking, even after edits that move them, and only new ones fail the run.
//!
//! Each test works on its own copy of `tests/examples/templates/app.yaml` in cargo's
//! temporary directory, edited as a later commit would edit it; paths in the output are
//! written as `TMP` in the snapshots. `app.yaml`'s findings (see `tests/scan.rs`): the public
//! statement `PublicRead` (with `--check-no-public-access`) and an unresolved
//! `!ImportValue`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a broken expectation should stop the test loudly"
)]

mod support;

use keyaki_cli::Exit;
use std::path::{Path, PathBuf};
use support::keyaki;

const APP: &str = "../../tests/examples/templates/app.yaml";

/// A fresh directory for one test, holding a copy of `app.yaml`.
fn workspace(test: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(test);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(APP, dir.join("app.yaml")).unwrap();
    dir
}

fn scan(dir: &Path, args: &[&str]) -> (Exit, String, String) {
    let template = dir.join("app.yaml");
    let mut all = vec![
        "scan",
        template.to_str().unwrap(),
        "--check-no-public-access",
    ];
    all.extend_from_slice(args);
    let (exit, out, err) = keyaki(&all, b"");
    let tmp = env!("CARGO_TARGET_TMPDIR");
    (exit, out.replace(tmp, "TMP"), err.replace(tmp, "TMP"))
}

/// Records app.yaml's findings as the baseline `baseline.json` of `dir`.
fn record(dir: &Path) -> String {
    let baseline = dir.join("baseline.json");
    let (exit, _, err) = scan(dir, &["--create-baseline", baseline.to_str().unwrap()]);
    assert_eq!(
        exit,
        Exit::Pass,
        "recording a baseline does not gate: {err}"
    );
    baseline.to_str().unwrap().to_string()
}

/// Rewrites the copy of app.yaml: every `from` replaced by `to`.
fn edit(dir: &Path, from: &str, to: &str) {
    let path = dir.join("app.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "the edit applies");
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

/// Moves every line down and puts a new public statement before `PublicRead`, so that the old
/// finding changes line and statement index.
fn move_and_add_a_public_statement(dir: &Path) {
    edit(
        dir,
        "AWSTemplateFormatVersion",
        "# Owned by the uploads team.\n# Reviewed 2026-11.\n\nAWSTemplateFormatVersion",
    );
    edit(
        dir,
        "          - Sid: PublicRead\n",
        "          - Sid: PublicList\n            Effect: Allow\n            Principal: \"*\"\n            \
         Action: s3:ListBucket\n            Resource: !GetAtt UploadBucket.Arn\n          - Sid: PublicRead\n",
    );
}

#[test]
fn a_baseline_records_every_finding_without_gating() {
    let dir = workspace("records");
    let baseline = dir.join("baseline.json");
    let (exit, out, _) = scan(
        &dir,
        &[
            "--create-baseline",
            baseline.to_str().unwrap(),
            "--output",
            "text",
        ],
    );
    assert_eq!(
        exit,
        Exit::Pass,
        "a blocking finding is recorded, not gated"
    );
    assert!(out.ends_with("2 findings written to the baseline TMP/records/baseline.json\n"));
    let written = std::fs::read_to_string(&baseline).unwrap();
    insta::assert_snapshot!(
        "scan_baseline_file",
        written.replace(env!("CARGO_TARGET_TMPDIR"), "TMP")
    );
}

#[test]
fn an_unchanged_template_is_all_baselined_and_passes() {
    let dir = workspace("unchanged");
    let baseline = record(&dir);
    let (exit, out, _) = scan(&dir, &["--baseline", &baseline, "--output", "text"]);
    assert_eq!(exit, Exit::Pass, "{out}");
    assert!(out.ends_with("2 findings, 2 baselined (0 fixed since), 0 blocking: PASS\n"));
}

#[test]
fn moved_findings_stay_baselined_and_only_the_new_one_blocks() {
    let dir = workspace("moved");
    let baseline = record(&dir);
    move_and_add_a_public_statement(&dir);
    let (exit, out, _) = scan(&dir, &["--baseline", &baseline, "--output", "text"]);
    assert_eq!(exit, Exit::Fail, "PublicList is new and public");
    insta::assert_snapshot!("scan_baseline_moved_text", out);
}

#[test]
fn json_marks_each_finding_baselined_or_not() {
    let dir = workspace("json");
    let baseline = record(&dir);
    move_and_add_a_public_statement(&dir);
    let (exit, out, _) = scan(&dir, &["--baseline", &baseline, "--output", "json"]);
    assert_eq!(exit, Exit::Fail);
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let marks: Vec<_> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["policyPath"].as_str().unwrap(),
                f["baselined"].as_bool().unwrap(),
            )
        })
        .collect();
    // The new statement is Statement[0]; PublicRead, now Statement[1], is the old finding.
    // ReaderAccount (Statement[2], account 111122223333 may list the bucket) is new too: the
    // public statement now covers it, so it is redundant.
    assert_eq!(
        marks,
        [
            ("Statement[2]", false),
            ("Statement[0]", false),
            ("Statement[1]", true),
            ("", true)
        ]
    );
    insta::assert_snapshot!("scan_baseline_moved_json", out);
}

#[test]
fn sarif_gives_each_result_its_baseline_state() {
    let dir = workspace("sarif");
    let baseline = record(&dir);
    move_and_add_a_public_statement(&dir);
    let (exit, out, _) = scan(&dir, &["--baseline", &baseline, "--output", "sarif"]);
    assert_eq!(exit, Exit::Fail);
    let log: serde_json::Value = serde_json::from_str(&out).unwrap();
    let states: Vec<_> = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["baselineState"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["new", "new", "unchanged", "unchanged"]);
    insta::assert_snapshot!("scan_baseline_moved_sarif", out);
}

#[test]
fn a_fixed_finding_is_counted_and_the_run_passes() {
    let dir = workspace("fixed");
    let baseline = record(&dir);
    edit(
        &dir,
        "Principal: \"*\"\n            Action: s3:GetObject",
        "Principal: {AWS: !Ref ReaderAccount}\n            Action: s3:GetObject",
    );
    let (exit, out, _) = scan(&dir, &["--baseline", &baseline, "--output", "text"]);
    assert_eq!(exit, Exit::Pass, "{out}");
    assert!(out.ends_with("1 finding, 1 baselined (1 fixed since), 0 blocking: PASS\n"));
}

#[test]
fn a_malformed_baseline_is_a_located_error() {
    let dir = workspace("malformed");
    let baseline = dir.join("baseline.json");
    std::fs::write(
        &baseline,
        "{\n  \"version\": 1,\n  \"findings\": [\n    {\"file\": \"app.yaml\", \"fingerprint\": 42}\n  ]\n}\n",
    )
    .unwrap();
    let (exit, out, err) = scan(&dir, &["--baseline", baseline.to_str().unwrap()]);
    assert_eq!(exit, Exit::BadInput);
    assert!(out.is_empty());
    insta::assert_snapshot!("scan_baseline_malformed", err);
}

#[test]
fn a_baseline_is_recorded_or_read_not_both() {
    let dir = workspace("both");
    let (exit, _, err) = scan(
        &dir,
        &["--baseline", "b.json", "--create-baseline", "c.json"],
    );
    assert_eq!(exit, Exit::BadInput, "{err}");
}

#[test]
fn a_baseline_in_the_scanned_directory_is_not_read_as_a_template() {
    let dir = workspace("inside");
    let baseline = dir.join("baseline.json");
    let scan_dir = |flag: &str| {
        let args = [
            "scan",
            dir.to_str().unwrap(),
            "--check-no-public-access",
            "--output",
            "text",
            flag,
            baseline.to_str().unwrap(),
        ];
        keyaki(&args, b"")
    };
    let (exit, _, err) = scan_dir("--create-baseline");
    assert_eq!(exit, Exit::Pass, "{err}");
    // Recorded a second time with the file now in the directory: the same findings.
    let first = std::fs::read_to_string(&baseline).unwrap();
    let (exit, _, err) = scan_dir("--create-baseline");
    assert_eq!(exit, Exit::Pass, "{err}");
    assert_eq!(std::fs::read_to_string(&baseline).unwrap(), first);
    let (exit, out, err) = scan_dir("--baseline");
    assert_eq!(exit, Exit::Pass, "{err}");
    assert!(out.ends_with("2 findings, 2 baselined (0 fixed since), 0 blocking: PASS\n"));
}
