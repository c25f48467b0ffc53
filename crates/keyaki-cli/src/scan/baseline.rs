//! Baselines: the findings a team has already accepted, so that a gate blocks only on new ones.
//!
//! `keyaki scan --create-baseline FILE` records every finding; `--baseline FILE` then marks
//! each finding the file holds as *baselined* (shown, never blocking) and counts the recorded
//! findings no longer found as *fixed*.
//!
//! A finding is recognised by its **fingerprint**, which must survive edits that only move
//! text: it hashes the resource, the policy's name, the issue code, the finding's path in the
//! resolved policy *without array indices* (a statement inserted above does not renumber it),
//! and the offending value's text with its whitespace collapsed. Lines and columns take no
//! part. Two equal findings share a fingerprint, so matching counts: a baseline holding one
//! such finding excuses one of them.
//!
//! The file is JSON meant to be read in a diff: `{"version": 1, "findings": [...]}`, one
//! object per finding with `file`, `resource`, `policyName`, `issueCode`, `findingType`,
//! `path` and `fingerprint`, sorted. Only `file` and `fingerprint` decide a match; the rest is
//! for the reader. A file that is not this shape is bad input, located in it.

use super::findings::ScanFinding;
use keyaki_policy::{Diagnostic, Json, ParseOptions, SourceFile, Spanned, read_json};
use keyaki_validate::PathElement;
use serde_json::json;
use std::collections::HashMap;

/// The only format version written and read.
const VERSION: &str = "1";

/// The fields an entry may have; `file` and `fingerprint` must be strings.
const ENTRY_FIELDS: [&str; 7] = [
    "file",
    "resource",
    "policyName",
    "issueCode",
    "findingType",
    "path",
    "fingerprint",
];

/// A baseline read from its file: how many times each `(file, fingerprint)` was recorded.
#[derive(Debug, Default)]
pub struct Baseline {
    recorded: HashMap<(String, String), usize>,
}

/// What comparing a run with its baseline found.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Comparison {
    /// Findings of the run that the baseline holds.
    pub baselined: usize,
    /// Findings of the baseline that the run no longer has.
    pub fixed: usize,
}

/// The fingerprint of a finding: hex of a stable 64-bit hash (FNV-1a, fixed for all builds and
/// platforms, unlike std's `DefaultHasher`) of the parts that do not move with the text.
pub fn fingerprint(
    resource: &str,
    policy_name: &str,
    issue_code: &str,
    path: &str,
    value: &str,
) -> String {
    let unindexed = without_indices(path);
    let value = collapse_whitespace(value);
    let parts = [resource, policy_name, issue_code, &unindexed, &value];
    format!("{:016x}", fnv1a(parts.join("\u{0}").as_bytes()))
}

/// A path as written in the baseline: `Statement[0].Condition.StringEquals`, a key itself
/// as `…:key`.
pub fn path_text(path: &[PathElement]) -> String {
    let mut text = String::new();
    for element in path {
        match element {
            PathElement::Index(index) => text.push_str(&format!("[{index}]")),
            PathElement::Value(name) | PathElement::Key(name) => {
                if !text.is_empty() {
                    text.push('.');
                }
                text.push_str(name);
                if matches!(element, PathElement::Key(_)) {
                    text.push_str(":key");
                }
            }
        }
    }
    text
}

/// `Statement[3].Action` → `Statement[].Action`.
fn without_indices(path: &str) -> String {
    let mut out = String::new();
    let mut in_index = false;
    for c in path.chars() {
        match c {
            '[' => {
                in_index = true;
                out.push('[');
            }
            ']' => {
                in_index = false;
                out.push(']');
            }
            _ if in_index => {}
            _ => out.push(c),
        }
    }
    out
}

fn collapse_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn fnv1a(bytes: &[u8]) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    bytes.iter().fold(OFFSET, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(PRIME)
    })
}

/// A file name as matched: `./x` and `x` are the same file.
fn normalized(file: &str) -> String {
    file.trim_start_matches("./").to_string()
}

/// The baseline file of `findings`, sorted so that a rerun writes the same bytes.
pub fn write(findings: &[ScanFinding]) -> String {
    let mut entries: Vec<_> = findings
        .iter()
        .map(|f| {
            (
                normalized(&f.file),
                f.resource.clone(),
                f.policy_name.clone(),
                f.issue_code.clone(),
                f.fingerprint.clone(),
                f.finding_type.name(),
                f.policy_path.clone(),
            )
        })
        .collect();
    entries.sort();
    let entries: Vec<_> = entries
        .into_iter()
        .map(
            |(file, resource, policy_name, issue_code, fingerprint, finding_type, path)| {
                json!({
                    "file": file,
                    "resource": resource,
                    "policyName": policy_name,
                    "issueCode": issue_code,
                    "findingType": finding_type,
                    "path": path,
                    "fingerprint": fingerprint,
                })
            },
        )
        .collect();
    let document = json!({"version": 1, "findings": entries});
    format!(
        "{}\n",
        serde_json::to_string_pretty(&document).unwrap_or_default()
    )
}

impl Baseline {
    /// Reads a baseline file; a wrong shape is an error located in `source`.
    pub fn read(source: &SourceFile) -> Result<Baseline, Diagnostic> {
        let options = ParseOptions {
            max_bytes: 256 << 20,
            ..ParseOptions::default()
        };
        let tree = read_json(source, options)?;
        let members = object(&tree, "the baseline")?;
        let mut findings = None;
        for member in members {
            match member.key.value.as_str() {
                "version" => match &member.value.value {
                    Json::Number(n) if n == VERSION => {}
                    _ => {
                        return Err(located(
                            &member.value,
                            "this baseline's `version` is not 1, the only version keyaki reads",
                        ));
                    }
                },
                "findings" => findings = Some(&member.value),
                other => {
                    return Err(Diagnostic::error(
                        format!("`{other}` is not a field of a baseline"),
                        member.key.span,
                    )
                    .with_help("a baseline has `version` and `findings`"));
                }
            }
        }
        let Some(findings) = findings else {
            return Err(located(&tree, "the baseline has no `findings` list"));
        };
        let Json::Array(items) = &findings.value else {
            return Err(located(findings, "`findings` is not a list"));
        };
        let mut baseline = Baseline::default();
        for item in items {
            let key = entry(item)?;
            *baseline.recorded.entry(key).or_default() += 1;
        }
        Ok(baseline)
    }

    /// Marks each finding the baseline holds (`baselined: Some(true)`, others `Some(false)`),
    /// each recorded finding excusing one finding of the run.
    pub fn compare(&self, findings: &mut [ScanFinding]) -> Comparison {
        let mut left = self.recorded.clone();
        let mut baselined = 0;
        for finding in findings.iter_mut() {
            let key = (normalized(&finding.file), finding.fingerprint.clone());
            let recorded = left.get_mut(&key).filter(|count| **count > 0);
            finding.baselined = Some(recorded.is_some());
            if let Some(count) = recorded {
                *count -= 1;
                baselined += 1;
            }
        }
        Comparison {
            baselined,
            fixed: left.values().sum(),
        }
    }
}

/// One entry's `(file, fingerprint)`.
fn entry(item: &Spanned<Json>) -> Result<(String, String), Diagnostic> {
    let members = object(item, "a baseline entry")?;
    let mut file = None;
    let mut fingerprint = None;
    for member in members {
        let name = member.key.value.as_str();
        if !ENTRY_FIELDS.contains(&name) {
            return Err(Diagnostic::error(
                format!("`{name}` is not a field of a baseline entry"),
                member.key.span,
            )
            .with_help(format!("an entry has {}", ENTRY_FIELDS.join(", "))));
        }
        let Json::String(text) = &member.value.value else {
            return Err(located(&member.value, &format!("`{name}` is not a string")));
        };
        match name {
            "file" => file = Some(normalized(text)),
            "fingerprint" => fingerprint = Some(text.clone()),
            _ => {}
        }
    }
    match (file, fingerprint) {
        (Some(file), Some(fingerprint)) => Ok((file, fingerprint)),
        _ => Err(located(
            item,
            "a baseline entry needs a `file` and a `fingerprint`",
        )),
    }
}

fn object<'a>(
    node: &'a Spanned<Json>,
    what: &str,
) -> Result<&'a [keyaki_policy::Member], Diagnostic> {
    match &node.value {
        Json::Object(members) => Ok(members),
        other => Err(located(
            node,
            &format!("{what} is {}, not an object", other.type_name()),
        )),
    }
}

fn located(node: &Spanned<Json>, message: &str) -> Diagnostic {
    Diagnostic::error(message.to_string(), node.span)
        .with_help("write a baseline with `keyaki scan --create-baseline FILE`")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fingerprint_ignores_indices_and_layout() {
        let one = fingerprint("R", "P", "CODE", "Statement[0].Action", "\"s3:*\"");
        let moved = fingerprint("R", "P", "CODE", "Statement[4].Action", " \"s3:*\"\n");
        assert_eq!(one, moved);
        assert_ne!(
            one,
            fingerprint("R", "P", "CODE", "Statement[0].Action", "\"s4:*\"")
        );
        assert_ne!(
            one,
            fingerprint("S", "P", "CODE", "Statement[0].Action", "\"s3:*\"")
        );
    }

    #[test]
    fn a_path_reads_like_the_document() {
        let path = [
            PathElement::Value("Statement".into()),
            PathElement::Index(2),
            PathElement::Value("Condition".into()),
            PathElement::Key("StringEquals".into()),
        ];
        assert_eq!(path_text(&path), "Statement[2].Condition.StringEquals:key");
    }

    #[test]
    fn a_malformed_baseline_is_located() {
        let source = SourceFile::new(
            "b.json",
            br#"{"version": 1, "findings": [{"file": 3}]}"#.to_vec(),
        );
        let error = Baseline::read(&source)
            .err()
            .map(|d| (d.message, d.span.start));
        assert_eq!(error, Some(("`file` is not a string".into(), 37)));
    }
}
