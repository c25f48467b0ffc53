//! `keyaki validate POLICY…`: read each policy and report every error and warning.
//!
//! Exit code 2 when any document has an error (or cannot be read), 0 otherwise; warnings alone
//! do not fail validation.

use crate::args::ValidateArgs;
use crate::document::{DocumentArg, json_files_under, load};
use crate::render::{Style, render};
use crate::{Exit, Io, OutputFormat};
use keyaki_policy::{Diagnostic, ParseOptions, SourceFile, parse_policy};
use serde_json::{Value, json};

/// The result of validating one document.
struct Report {
    name: String,
    source: Option<SourceFile>,
    diagnostics: Vec<Diagnostic>,
    /// Set when the document could not be read at all.
    unreadable: Option<String>,
    summary: Option<(keyaki_policy::PolicyType, usize)>,
}

impl Report {
    fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
            + usize::from(self.unreadable.is_some())
    }

    fn warnings(&self) -> usize {
        self.diagnostics.iter().filter(|d| !d.is_error()).count()
    }
}

pub fn run(args: &ValidateArgs, output: OutputFormat, style: Style, io: &mut Io<'_>) -> Exit {
    let options = ParseOptions {
        policy_type: args.policy_type.map(Into::into),
        ..ParseOptions::default()
    };
    let mut reports = Vec::new();
    for arg in &args.documents {
        for document in expand(arg) {
            reports.push(validate_one(document, options, io));
        }
    }
    let text = match output {
        OutputFormat::Text => text_output(&reports, style),
        OutputFormat::Json => json_output(&reports),
        OutputFormat::Sarif => sarif_output(&reports),
    };
    let _ = io.stdout.write_all(text.as_bytes());
    if reports.iter().any(|r| r.errors() > 0) {
        Exit::BadInput
    } else {
        Exit::Pass
    }
}

/// A directory stands for the `.json` files under it; anything else for itself.
fn expand(arg: &str) -> Vec<Result<DocumentArg, (String, String)>> {
    let document = DocumentArg::from_arg(arg);
    match &document {
        DocumentArg::Path(path) if path.is_dir() => match json_files_under(path) {
            Ok(files) => files
                .into_iter()
                .map(|f| Ok(DocumentArg::Path(f)))
                .collect(),
            Err(message) => vec![Err((arg.to_string(), message))],
        },
        _ => vec![Ok(document)],
    }
}

fn validate_one(
    document: Result<DocumentArg, (String, String)>,
    options: ParseOptions,
    io: &mut Io<'_>,
) -> Report {
    let loaded = document.and_then(|d| {
        let name = match &d {
            DocumentArg::Path(p) => p.display().to_string(),
            DocumentArg::Inline(_) => "<inline>".to_string(),
            DocumentArg::Stdin => "<stdin>".to_string(),
        };
        load(&d, io.stdin).map_err(|message| (name, message))
    });
    let source = match loaded {
        Ok(source) => source,
        Err((name, message)) => {
            return Report {
                name,
                source: None,
                diagnostics: Vec::new(),
                unreadable: Some(message),
                summary: None,
            };
        }
    };
    let (diagnostics, summary) = match parse_policy(&source, options) {
        Ok(parsed) => (
            parsed.warnings,
            Some((parsed.policy_type, parsed.policy.statements.len())),
        ),
        Err(diagnostics) => (diagnostics, None),
    };
    Report {
        name: source.name().to_string(),
        source: Some(source),
        diagnostics,
        unreadable: None,
        summary,
    }
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

fn text_output(reports: &[Report], style: Style) -> String {
    let mut out = String::new();
    for report in reports {
        if let Some(message) = &report.unreadable {
            out.push_str(&format!("error: {message}\n\n"));
        }
        if let Some(source) = &report.source {
            for diagnostic in &report.diagnostics {
                out.push_str(&render(source, diagnostic, style));
            }
        }
        let counts = [(report.errors(), "error"), (report.warnings(), "warning")]
            .into_iter()
            .filter(|(n, _)| *n > 0)
            .map(|(n, w)| plural(n, w))
            .collect::<Vec<_>>()
            .join(", ");
        let line = match report.summary {
            Some((policy_type, statements)) => {
                let kind = match policy_type {
                    keyaki_policy::PolicyType::Identity => "identity policy",
                    keyaki_policy::PolicyType::Resource => "resource policy",
                };
                let mut line = format!(
                    "{}: valid {kind}, {}",
                    report.name,
                    plural(statements, "statement")
                );
                if !counts.is_empty() {
                    line.push_str(&format!(", {counts}"));
                }
                line
            }
            None => format!("{}: invalid, {counts}", report.name),
        };
        out.push_str(&line);
        out.push('\n');
    }
    if reports.len() > 1 {
        let invalid = reports.iter().filter(|r| r.errors() > 0).count();
        out.push_str(&format!(
            "{}: {} valid, {} invalid\n",
            plural(reports.len(), "document"),
            reports.len() - invalid,
            invalid
        ));
    }
    out
}

fn json_output(reports: &[Report]) -> String {
    let files: Vec<Value> = reports
        .iter()
        .map(|report| {
            let mut diagnostics: Vec<Value> = Vec::new();
            if let Some(message) = &report.unreadable {
                diagnostics.push(json!({"severity": "error", "message": message}));
            }
            if let Some(source) = &report.source {
                diagnostics.extend(
                    report
                        .diagnostics
                        .iter()
                        .map(|d| diagnostic_json(source, d)),
                );
            }
            json!({
                "file": report.name,
                "valid": report.errors() == 0,
                "policyType": report.summary.map(|(t, _)| t.aws_name()),
                "statements": report.summary.map(|(_, n)| n),
                "diagnostics": diagnostics,
            })
        })
        .collect();
    let errors: usize = reports.iter().map(Report::errors).sum();
    let warnings: usize = reports.iter().map(Report::warnings).sum();
    let value = json!({"files": files, "errors": errors, "warnings": warnings});
    format!(
        "{}\n",
        serde_json::to_string_pretty(&value).unwrap_or_default()
    )
}

/// Every diagnostic as a SARIF result (rule `validate`), located in its document.
fn sarif_output(reports: &[Report]) -> String {
    let mut results = Vec::new();
    for report in reports {
        if let Some(why) = &report.unreadable {
            results.push(json!({
                "ruleId": "validate",
                "level": "error",
                "message": {"text": why},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": report.name}}}],
            }));
        }
        let Some(source) = &report.source else {
            continue;
        };
        for diagnostic in &report.diagnostics {
            let mut text = diagnostic.message.clone();
            if let Some(help) = &diagnostic.help {
                text.push_str(&format!(" ({help})"));
            }
            results.push(json!({
                "ruleId": "validate",
                "level": if diagnostic.is_error() { "error" } else { "warning" },
                "message": {"text": text},
                "locations": [crate::sarif::location(source, Some(diagnostic.span))],
            }));
        }
    }
    format!("{}\n", Value::Array(results))
}

/// A diagnostic as JSON: severity, message, 1-based start and end positions, help.
pub fn diagnostic_json(source: &SourceFile, diagnostic: &Diagnostic) -> Value {
    let start = source.line_column(diagnostic.span.start);
    let end = source.line_column(diagnostic.span.end);
    let mut value = json!({
        "severity": diagnostic.severity.to_string(),
        "message": diagnostic.message,
        "line": start.line,
        "column": start.column,
        "endLine": end.line,
        "endColumn": end.column,
    });
    if let Value::Object(map) = &mut value {
        if let Some(help) = &diagnostic.help {
            map.insert("help".to_string(), Value::String(help.clone()));
        }
        for (span, note) in &diagnostic.related {
            let at = source.line_column(span.start);
            map.insert(
                "related".to_string(),
                json!({"note": note, "line": at.line, "column": at.column}),
            );
        }
    }
    value
}
