//! `keyaki check-no-new-access`, `check-access-not-granted` and `check-no-public-access`:
//! Access Analyzer's custom policy checks, offline.
//!
//! The JSON output has Access Analyzer's shape (`result`, `message`, `reasons` with
//! `description`, `statementIndex`, `statementId`) and keyaki's additions: the
//! `counterexample` of a FAIL (a request replayed through the concrete evaluator) and the
//! `approximations` made, if any. The text output shows the verdict, the message, each
//! responsible statement from the source file, and the counterexample. Exit codes: 0 PASS,
//! 1 FAIL, 2 bad input, 3 UNKNOWN.

use crate::access::load_access;
use crate::args::{
    CheckAccessNotGrantedArgs, CheckNoNewAccessArgs, CheckNoPublicAccessArgs, TimeBudget,
};
use crate::document::{DocumentArg, json_files_under, load};
use crate::render::{Style, render};
use crate::{Exit, Io, OutputFormat};
use crate::{batch, sarif};
use keyaki_check::check::Check;
use keyaki_check::counterexample::request_json;
use keyaki_check::{Access, CheckConfig, Outcome, ResourceType, Verdict};
use keyaki_policy::{ParseOptions, ParsedPolicy, SourceFile, Span, parse_policy};
use serde_json::{Value, json};
use std::fmt::Write as _;

/// The sentences of one check, word for word as Access Analyzer writes them.
pub(crate) struct Messages {
    /// The check's name, the SARIF rule.
    pub rule: &'static str,
    pub pass: &'static str,
    pub fail: &'static str,
}

/// A check's inputs, read and parsed: what both the check command and `explain` need.
pub(crate) struct Loaded {
    /// The subject policy's source (the reasons point into it).
    pub source: SourceFile,
    /// The subject policy.
    pub subject: ParsedPolicy,
    /// The existing policy of `check-no-new-access`.
    existing: Option<ParsedPolicy>,
    access: Vec<Access>,
    resource_type: Option<ResourceType>,
    /// Access Analyzer's sentences for this check.
    pub messages: Messages,
    /// The check's limits (`--timeout`).
    pub config: CheckConfig,
}

/// The limits of a check run with `--timeout`.
pub(crate) fn config(budget: TimeBudget) -> CheckConfig {
    CheckConfig {
        timeout: budget.timeout.0,
        ..CheckConfig::default()
    }
}

impl Loaded {
    /// The check these inputs ask.
    pub fn check(&self) -> Check<'_> {
        match (&self.existing, self.resource_type) {
            (Some(existing), _) => Check::NoNewAccess {
                new: &self.subject,
                existing,
            },
            (None, Some(resource_type)) => Check::NoPublicAccess {
                policy: &self.subject,
                resource_type,
            },
            (None, None) => Check::AccessNotGranted {
                policy: &self.subject,
                access: &self.access,
            },
        }
    }
}

pub(crate) fn load_no_new_access(
    new: &str,
    existing: &str,
    args: &CheckNoNewAccessArgs,
    style: Style,
    io: &mut Io<'_>,
) -> Option<Loaded> {
    let (source, subject) = policy(new, args.policy_type.into(), style, io)?;
    let (_, existing) = policy(existing, args.policy_type.into(), style, io)?;
    Some(Loaded {
        source,
        subject,
        existing: Some(existing),
        access: Vec::new(),
        resource_type: None,
        config: config(args.budget),
        messages: Messages {
            rule: "check-no-new-access",
            pass: "The modified permissions grant less or equal access compared to your existing policy.",
            fail: "The modified permissions grant new access compared to your existing policy.",
        },
    })
}

pub(crate) fn load_access_not_granted(
    document: &str,
    args: &CheckAccessNotGrantedArgs,
    style: Style,
    io: &mut Io<'_>,
) -> Option<Loaded> {
    let (source, subject) = policy(document, args.policy_type.into(), style, io)?;
    let access = match load_access(&args.access, io.stdin, style) {
        Ok(access) => access,
        Err(shown) => {
            let _ = io.stderr.write_all(shown.as_bytes());
            return None;
        }
    };
    let has_resources = access.iter().any(|a| !a.resources.is_empty());
    Some(Loaded {
        source,
        subject,
        existing: None,
        access,
        resource_type: None,
        config: config(args.budget),
        messages: Messages {
            rule: "check-access-not-granted",
            pass: if has_resources {
                "The policy document does not grant access to perform the listed actions or resources."
            } else {
                "The policy document does not grant access to perform one or more of the listed actions."
            },
            fail: "The policy document grants access to perform one or more of the listed actions.",
        },
    })
}

pub(crate) fn load_no_public_access(
    document: &str,
    args: &CheckNoPublicAccessArgs,
    style: Style,
    io: &mut Io<'_>,
) -> Option<Loaded> {
    let Some(resource_type) = ResourceType::named(&args.resource_type) else {
        let _ = writeln!(
            io.stderr,
            "error: `{}` is not a resource type Access Analyzer supports; one of:\n  {}",
            args.resource_type,
            ResourceType::names().collect::<Vec<_>>().join("\n  ")
        );
        return None;
    };
    let (source, subject) = policy(document, keyaki_policy::PolicyType::Resource, style, io)?;
    Some(Loaded {
        source,
        subject,
        existing: None,
        access: Vec::new(),
        resource_type: Some(resource_type),
        config: config(args.budget),
        messages: Messages {
            rule: "check-no-public-access",
            pass: "The resource policy does not grant public access for the given resource type.",
            fail: "The resource policy grants public access for the given resource type.",
        },
    })
}

/// Runs a loaded check and reports it.
fn run_check(loaded: Option<Loaded>, output: OutputFormat, io: &mut Io<'_>) -> Exit {
    let Some(loaded) = loaded else {
        return Exit::BadInput;
    };
    let outcome = loaded.check().run(loaded.config);
    report(
        &outcome,
        &loaded.messages,
        &loaded.source,
        &loaded.subject,
        output,
        io,
    )
}

pub fn no_new_access(
    args: &CheckNoNewAccessArgs,
    output: OutputFormat,
    style: Style,
    io: &mut Io<'_>,
) -> Exit {
    let comparisons = match comparisons_of(args) {
        Ok(comparisons) => comparisons,
        Err(message) => {
            let _ = writeln!(io.stderr, "error: {message}");
            return Exit::BadInput;
        }
    };
    let labels: Vec<String> = comparisons.iter().map(Comparison::label).collect();
    batch::for_each_labelled(&labels, output, io, |index, io| {
        match comparisons.get(index) {
            Some(Comparison::Pair { new, existing }) => {
                let loaded = load_no_new_access(new, existing, args, style, io);
                run_check(loaded, output, io)
            }
            Some(Comparison::NoBaseline { new, expected }) => {
                let _ = writeln!(io.stderr, "{}", no_baseline(new, expected));
                Exit::BadInput
            }
            None => Exit::BadInput,
        }
    })
}

/// A baseline that allows nothing: what a policy that is really new can be compared with.
const ALLOWS_NOTHING: &str =
    r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "*", "Resource": "*"}}"#;

/// The error for a new policy without a partner in the existing folder.
fn no_baseline(new: &str, expected: &str) -> String {
    format!(
        "error: `{new}` has no existing policy to compare with: `{expected}` does not exist\n  \
         = help: add the policy's previous version there; to check a policy that is new, compare \
         it with one that allows nothing, such as `{ALLOWS_NOTHING}`"
    )
}

/// One comparison of a `check-no-new-access` run.
enum Comparison {
    /// A new policy and the existing policy it must not grant more than.
    Pair { new: String, existing: String },
    /// A new policy of a folder whose partner the existing folder lacks: with nothing to
    /// compare it with, it is bad input (exit 2), never a silent pass.
    NoBaseline { new: String, expected: String },
}

impl Comparison {
    /// The name of the comparison in a batch's report.
    fn label(&self) -> String {
        match self {
            Comparison::Pair { new, existing } => format!("{new} against {existing}"),
            Comparison::NoBaseline { new, expected } => format!("{new} against {expected}"),
        }
    }
}

/// The comparisons of a run: one pair, two directories paired by relative path, or a
/// manifest. Every `.json` file of a new directory is compared; one without a partner is a
/// [`Comparison::NoBaseline`]. Files only in the existing directory are policies removed,
/// which grant nothing, and are not compared.
fn comparisons_of(args: &CheckNoNewAccessArgs) -> Result<Vec<Comparison>, String> {
    if let Some(manifest) = &args.manifest {
        return read_manifest(manifest);
    }
    let (Some(new), Some(existing)) = (&args.new_policy_document, &args.existing_policy_document)
    else {
        return Err(
            "give --new-policy-document and --existing-policy-document, or --manifest".to_string(),
        );
    };
    let (new_dir, existing_dir) = (std::path::Path::new(new), std::path::Path::new(existing));
    if !new_dir.is_dir() {
        return Ok(vec![Comparison::Pair {
            new: new.clone(),
            existing: existing.clone(),
        }]);
    }
    if !existing_dir.is_dir() {
        return Err(format!(
            "`{new}` is a directory, so `{existing}` must be one too"
        ));
    }
    let comparisons = json_files_under(new_dir)?
        .into_iter()
        .map(|file| {
            let relative = file.strip_prefix(new_dir).unwrap_or(&file);
            let partner = existing_dir.join(relative);
            let (new, partner_name) = (file.display().to_string(), partner.display().to_string());
            if partner.is_file() {
                Comparison::Pair {
                    new,
                    existing: partner_name,
                }
            } else {
                Comparison::NoBaseline {
                    new,
                    expected: partner_name,
                }
            }
        })
        .collect();
    Ok(comparisons)
}

/// Reads `[{"new": PATH, "existing": PATH}, …]`; paths are relative to the manifest's folder.
fn read_manifest(path: &str) -> Result<Vec<Comparison>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read `{path}`: {e}"))?;
    let entries: Vec<serde_json::Map<String, Value>> =
        serde_json::from_str(&text).map_err(|e| {
            format!(
                "`{path}`: a manifest is a JSON array of {{\"new\": PATH, \"existing\": PATH}}: {e}"
            )
        })?;
    let base = std::path::Path::new(path)
        .parent()
        .unwrap_or(std::path::Path::new(""));
    let mut pairs = Vec::new();
    for (index, entry) in entries.iter().enumerate() {
        let field = |name: &str| match entry.get(name) {
            Some(Value::String(p)) => Ok(base.join(p).display().to_string()),
            _ => Err(format!("`{path}`: entry {index} needs a string `{name}`")),
        };
        pairs.push(Comparison::Pair {
            new: field("new")?,
            existing: field("existing")?,
        });
    }
    if pairs.is_empty() {
        return Err(format!("`{path}` lists no pairs"));
    }
    Ok(pairs)
}

pub fn access_not_granted(
    args: &CheckAccessNotGrantedArgs,
    output: OutputFormat,
    style: Style,
    io: &mut Io<'_>,
) -> Exit {
    batch::for_each_document(&args.policy_document, output, io, |document, io| {
        let loaded = load_access_not_granted(document, args, style, io);
        run_check(loaded, output, io)
    })
}

pub fn no_public_access(
    args: &CheckNoPublicAccessArgs,
    output: OutputFormat,
    style: Style,
    io: &mut Io<'_>,
) -> Exit {
    batch::for_each_document(&args.policy_document, output, io, |document, io| {
        let loaded = load_no_public_access(document, args, style, io);
        run_check(loaded, output, io)
    })
}

/// Loads and parses a policy of the given type; reports problems on standard error.
pub(crate) fn policy(
    arg: &str,
    policy_type: keyaki_policy::PolicyType,
    style: Style,
    io: &mut Io<'_>,
) -> Option<(SourceFile, ParsedPolicy)> {
    let source = match load(&DocumentArg::from_arg(arg), io.stdin) {
        Ok(source) => source,
        Err(message) => {
            let _ = writeln!(io.stderr, "error: {message}");
            return None;
        }
    };
    let options = ParseOptions {
        policy_type: Some(policy_type),
        ..ParseOptions::default()
    };
    match parse_policy(&source, options) {
        Ok(parsed) => {
            for warning in &parsed.warnings {
                let _ = io
                    .stderr
                    .write_all(render(&source, warning, style).as_bytes());
            }
            Some((source, parsed))
        }
        Err(diagnostics) => {
            for diagnostic in &diagnostics {
                let _ = io
                    .stderr
                    .write_all(render(&source, diagnostic, style).as_bytes());
            }
            None
        }
    }
}

fn report(
    outcome: &Outcome,
    messages: &Messages,
    source: &SourceFile,
    policy: &ParsedPolicy,
    output: OutputFormat,
    io: &mut Io<'_>,
) -> Exit {
    let text = match output {
        OutputFormat::Json => format!(
            "{}\n",
            serde_json::to_string_pretty(&json_of(outcome, messages)).unwrap_or_default()
        ),
        OutputFormat::Text => text_of(outcome, messages, source, policy),
        OutputFormat::Sarif => {
            let results =
                sarif::check_results(messages.rule, messages.fail, outcome, source, policy);
            format!("{}\n", Value::Array(results))
        }
    };
    let _ = io.stdout.write_all(text.as_bytes());
    match outcome.verdict {
        Verdict::Pass => Exit::Pass,
        Verdict::Fail { .. } => Exit::Fail,
        Verdict::Unknown(_) => Exit::Unknown,
    }
}

pub(crate) fn json_of(outcome: &Outcome, messages: &Messages) -> Value {
    let mut value = match &outcome.verdict {
        Verdict::Pass => json!({"result": "PASS", "message": messages.pass}),
        Verdict::Fail {
            reasons,
            counterexample,
        } => {
            let reasons: Vec<Value> = reasons
                .iter()
                .map(|r| {
                    let mut reason =
                        json!({"description": r.description, "statementIndex": r.statement_index});
                    if let (Some(sid), Value::Object(map)) = (&r.statement_id, &mut reason) {
                        map.insert("statementId".to_string(), json!(sid));
                    }
                    reason
                })
                .collect();
            json!({"result": "FAIL", "message": messages.fail, "reasons": reasons, "counterexample": request_json(counterexample)})
        }
        Verdict::Unknown(why) => json!({"result": "UNKNOWN", "message": why}),
    };
    if let (false, Value::Object(map)) = (outcome.approximations.is_empty(), &mut value) {
        map.insert("approximations".to_string(), json!(outcome.approximations));
    }
    value
}

pub(crate) fn text_of(
    outcome: &Outcome,
    messages: &Messages,
    source: &SourceFile,
    policy: &ParsedPolicy,
) -> String {
    let mut out = String::new();
    match &outcome.verdict {
        Verdict::Pass => {
            let _ = writeln!(out, "PASS  {}", messages.pass);
        }
        Verdict::Unknown(why) => {
            let _ = writeln!(out, "UNKNOWN  {why}");
        }
        Verdict::Fail {
            reasons,
            counterexample,
        } => {
            let _ = writeln!(out, "FAIL  {}", messages.fail);
            for reason in reasons {
                let _ = writeln!(out);
                let sid = reason
                    .statement_id
                    .as_ref()
                    .filter(|_| !reason.description.contains("with sid:"))
                    .map(|s| format!(" (Sid `{s}`)"))
                    .unwrap_or_default();
                let _ = writeln!(out, "{}{sid}", reason.description);
                if let Some(statement) = policy.policy.statements.get(reason.statement_index) {
                    out.push_str(&excerpt(source, statement.span));
                }
            }
            let _ = writeln!(out);
            let _ = writeln!(
                out,
                "counterexample (replayed through the concrete evaluator):"
            );
            out.push_str(&request_lines(counterexample));
        }
    }
    for line in &outcome.approximations {
        let _ = writeln!(out, "note: {line}");
    }
    out
}

/// A request, one field per line, indented.
pub(crate) fn request_lines(request: &keyaki_policy::Request) -> String {
    let mut out = String::new();
    let json = request_json(request);
    for key in ["principal", "action", "resource", "context"] {
        if let Some(value) = json.get(key) {
            let shown = match value {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            let _ = writeln!(out, "  {key:<9} {shown}");
        }
    }
    out
}

/// The lines of a statement, numbered (at most 12).
pub(crate) fn excerpt(source: &SourceFile, span: Span) -> String {
    let first = source.line_column(span.start).line;
    let last = source.line_column(span.end).line;
    let width = last.to_string().len();
    let mut out = format!("{} --> {}\n", " ".repeat(width), source.location(span));
    for (number, line) in source
        .text()
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l))
        .skip(first - 1)
        .take((last + 1 - first).min(12))
    {
        let _ = writeln!(out, "{number:>width$} | {line}");
    }
    if last + 1 - first > 12 {
        let _ = writeln!(out, "{} | …", " ".repeat(width));
    }
    out
}
