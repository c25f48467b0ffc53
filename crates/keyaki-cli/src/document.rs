//! Reading the documents named on the command line.
//!
//! A document argument is, as in the AWS CLI, a path, `file://path`, inline JSON (anything
//! whose first non-blank character is `{` or `[`), or `-` for standard input. Reading is
//! bounded: a document larger than the parse limit is cut at the limit plus one byte, which is
//! enough for the parser to report it as too large without holding a huge file in memory.

use keyaki_policy::{ParseOptions, SourceFile};
use std::io::Read;
use std::path::{Path, PathBuf};

/// Where a document comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocumentArg {
    /// A file.
    Path(PathBuf),
    /// JSON text given on the command line.
    Inline(String),
    /// Standard input.
    Stdin,
}

impl DocumentArg {
    /// Reads an argument the way the AWS CLI reads `--policy-document`.
    pub fn from_arg(arg: &str) -> DocumentArg {
        if arg == "-" {
            DocumentArg::Stdin
        } else if let Some(path) = arg.strip_prefix("file://") {
            DocumentArg::Path(PathBuf::from(path))
        } else if arg.trim_start().starts_with(['{', '[']) {
            DocumentArg::Inline(arg.to_string())
        } else {
            DocumentArg::Path(PathBuf::from(arg))
        }
    }
}

/// Loads a document; `Err` is a message for the user (`cannot read …`).
pub fn load(arg: &DocumentArg, stdin: &mut dyn Read) -> Result<SourceFile, String> {
    load_bounded(arg, stdin, ParseOptions::default().max_bytes)
}

/// Loads a document whose parser accepts up to `max_bytes` (the account authorization details
/// are larger than any policy).
pub fn load_bounded(
    arg: &DocumentArg,
    stdin: &mut dyn Read,
    max_bytes: usize,
) -> Result<SourceFile, String> {
    let limit = max_bytes as u64 + 1;
    match arg {
        DocumentArg::Inline(text) => Ok(SourceFile::new("<inline>", text.clone().into_bytes())),
        DocumentArg::Stdin => {
            let mut bytes = Vec::new();
            stdin
                .take(limit)
                .read_to_end(&mut bytes)
                .map_err(|e| format!("cannot read standard input: {e}"))?;
            Ok(SourceFile::new("<stdin>", bytes))
        }
        DocumentArg::Path(path) => {
            let file = std::fs::File::open(path)
                .map_err(|e| format!("cannot read `{}`: {}", path.display(), io_reason(&e)))?;
            let mut bytes = Vec::new();
            file.take(limit)
                .read_to_end(&mut bytes)
                .map_err(|e| format!("cannot read `{}`: {}", path.display(), io_reason(&e)))?;
            Ok(SourceFile::new(path.display().to_string(), bytes))
        }
    }
}

/// Loads a document up to `max_bytes`, or says on standard error why it cannot be read.
pub fn load_or_report(arg: &str, max_bytes: usize, io: &mut crate::Io<'_>) -> Option<SourceFile> {
    match load_bounded(&DocumentArg::from_arg(arg), io.stdin, max_bytes) {
        Ok(source) => Some(source),
        Err(message) => {
            let _ = writeln!(io.stderr, "error: {message}");
            None
        }
    }
}

/// The `.json` files under a directory, recursively, in path order. A directory without any
/// is an error: a folder that holds no policy must not pass a check or validation silently.
pub fn json_files_under(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(next) = pending.pop() {
        let entries = std::fs::read_dir(&next).map_err(|e| {
            format!(
                "cannot read directory `{}`: {}",
                next.display(),
                io_reason(&e)
            )
        })?;
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "json") {
                found.push(path);
            }
        }
    }
    if found.is_empty() {
        return Err(format!("no `.json` file under `{}`", dir.display()));
    }
    found.sort();
    Ok(found)
}

/// An IO error's reason in the house style (lowercase, no OS error number).
fn io_reason(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        std::io::ErrorKind::IsADirectory => "it is a directory".to_string(),
        _ => {
            let text = error.to_string();
            let text = text.split(" (os error").next().unwrap_or(&text);
            let mut chars = text.chars();
            chars.next().map_or(String::new(), |first| {
                first.to_lowercase().collect::<String>() + chars.as_str()
            })
        }
    }
}
