//! `--timeout`: a check that runs out of time answers UNKNOWN (exit 3) and says which budget
//! ran out, in both output formats.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a broken expectation should stop the test loudly"
)]

mod support;

use keyaki_cli::Exit;

/// Runs keyaki in-process with nothing on standard input.
fn keyaki(args: &[&str]) -> (Exit, String, String) {
    support::keyaki(args, b"")
}

/// The design brief's update, which needs a search to find its FAIL.
const UPDATE: [&str; 7] = [
    "check-no-new-access",
    "--new-policy-document",
    "tests/../../../tests/examples/identity-read-delete.json",
    "--existing-policy-document",
    "tests/../../../tests/examples/identity-read.json",
    "--policy-type",
    "IDENTITY_POLICY",
];

#[test]
fn a_spent_time_budget_is_unknown_with_its_reason() {
    let mut shown = String::new();
    for format in ["text", "json"] {
        let mut args = UPDATE.to_vec();
        args.extend(["--timeout", "0.000001", "--output", format]);
        let (exit, out, err) = keyaki(&args);
        assert_eq!(exit, Exit::Unknown, "{out}{err}");
        assert!(err.is_empty(), "{err}");
        shown.push_str(&format!(
            "== --output {format} (exit {})\n{out}",
            exit as u8
        ));
    }
    insta::assert_snapshot!("timeout_unknown", shown);
}

#[test]
fn the_default_budget_and_no_limit_answer() {
    for extra in [&[][..], &["--timeout", "0"][..], &["--timeout", "30"][..]] {
        let mut args = UPDATE.to_vec();
        args.extend(extra);
        args.extend(["--output", "json"]);
        let (exit, out, _) = keyaki(&args);
        assert_eq!(exit, Exit::Fail, "{extra:?}: {out}");
    }
}

#[test]
fn a_timeout_that_is_no_number_of_seconds_is_a_usage_error() {
    for bad in ["--timeout=-1", "--timeout=soon", "--timeout=1e300"] {
        let mut args = UPDATE.to_vec();
        args.push(bad);
        let (exit, _, err) = keyaki(&args);
        assert_eq!(exit, Exit::BadInput, "{bad}");
        assert!(err.contains("seconds"), "{err}");
    }
}
