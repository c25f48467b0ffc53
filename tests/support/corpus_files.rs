//! Shared by the corpus runners (evaluate, SMT, checks): the files of a corpus folder and the
//! `KEYAKI_TEST` filter. Included with `#[path]` by each runner.

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
