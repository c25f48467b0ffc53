//! Shared by the corpus runners (evaluate, scenarios, accounts, SMT, checks, validate-policy):
//! the files of a corpus folder, their naming rule and the `KEYAKI_TEST` filter. Included with `#[path]` by each runner.

use std::path::{Path, PathBuf};

/// The `.json` files of a corpus folder, in name order.
pub fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

/// The naming rule: `TOPIC-NAME.json`, lowercase letters, digits and dashes.
#[allow(
    dead_code,
    reason = "the SMT and checks runners do not check names (`corpus/checks/findings.json` predates the rule)"
)]
pub fn check_name(path: &Path) {
    let stem = path.file_stem().unwrap().to_str().unwrap();
    assert!(
        stem.contains('-')
            && stem
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
        "{}: corpus files are named TOPIC-NAME.json in lowercase with dashes",
        path.display()
    );
}

/// Whether a file is selected by `KEYAKI_TEST`: a comma-separated list of name fragments to
/// run, each prefixed with `-` to leave matching files out instead.
pub fn selected(name: &str) -> bool {
    let Ok(filter) = std::env::var("KEYAKI_TEST") else {
        return true;
    };
    let (excluded, included): (Vec<&str>, Vec<&str>) = filter
        .split(',')
        .filter(|f| !f.is_empty())
        .partition(|f| f.starts_with('-'));
    let included_ok = included.is_empty() || included.iter().any(|f| name.contains(f));
    included_ok && !excluded.iter().any(|f| name.contains(&f[1..]))
}

/// Cases per (kind, feature), and how many agreed with their expected answer: the summary
/// table `cargo xtask corpus` shows.
#[derive(Default)]
pub struct Tally {
    rows: std::collections::BTreeMap<(String, String), (usize, usize)>,
}

impl Tally {
    /// Counts one case of `kind` (a check, a decision, a verdict) in `feature` (its file).
    pub fn record(&mut self, kind: &str, feature: &str, agreed: bool) {
        let row = self
            .rows
            .entry((kind.to_string(), feature.to_string()))
            .or_default();
        row.0 += 1;
        row.1 += usize::from(agreed);
    }

    /// Ends a runner: prints the table and how many `things` were run from how many files,
    /// asserts there are at least `minimum` of them when no `KEYAKI_TEST` filter is set, and
    /// fails with every disagreement.
    pub fn finish(
        &self,
        title: &str,
        things: &str,
        (cases, files): (usize, usize),
        minimum: usize,
        failures: &[String],
    ) {
        println!("{}", self.table(title));
        println!("{cases} {things} in {files} files");
        if std::env::var_os("KEYAKI_TEST").is_none() {
            assert!(
                cases >= minimum,
                "the corpus must hold at least {minimum} {things}, found {cases}"
            );
        }
        assert!(
            failures.is_empty(),
            "{} of {cases} {things} differ:\n{}",
            failures.len(),
            failures.join("\n")
        );
    }

    /// The table: one line per kind and feature, then a total per kind.
    pub fn table(&self, title: &str) -> String {
        let mut out = format!(
            "{title}\n{:<22} {:<40} {:>6} {:>6}\n",
            "kind", "feature", "cases", "agree"
        );
        let mut totals: std::collections::BTreeMap<&str, (usize, usize)> = Default::default();
        for ((kind, feature), (cases, agreed)) in &self.rows {
            out.push_str(&format!(
                "{kind:<22} {feature:<40} {cases:>6} {agreed:>6}\n"
            ));
            let total = totals.entry(kind).or_default();
            total.0 += cases;
            total.1 += agreed;
        }
        for (kind, (cases, agreed)) in totals {
            out.push_str(&format!(
                "{kind:<22} {:<40} {cases:>6} {agreed:>6}\n",
                "(all)"
            ));
        }
        out
    }
}
