//! `keyaki validate-policy --policy-document P --policy-type TYPE`: IAM Access Analyzer's
//! policy validation, offline, with AWS's issue codes (the checks are `keyaki_validate`'s).
//!
//! JSON output has the shape of `aws accessanalyzer validate-policy`: `{"findings": [{
//! "findingType", "issueCode", "findingDetails", "learnMoreLink", "locations": [{"path",
//! "span"}]}]}`. Text output shows each finding as keyaki shows a diagnostic, with the source
//! line and carets. Exit code 2 when a finding is an `ERROR` (part of the policy does not work,
//! or it does not parse), 1 when one is a `SECURITY_WARNING`, 0 otherwise.

use crate::args::{ValidatePolicyArgs, ValidatePolicyTypeArg};
use crate::document::{DocumentArg, load};
use crate::render::{Style, render};
use crate::{Exit, Io, OutputFormat};
use keyaki_policy::{Diagnostic, SourceFile};
use keyaki_validate::{
    Finding, FindingType, Location, PathElement, Position, ValidatePolicyType,
    ValidateResourceType, validate_policy_for,
};
use serde_json::{Value, json};

pub fn run(args: &ValidatePolicyArgs, output: OutputFormat, style: Style, io: &mut Io<'_>) -> Exit {
    let source = match load(&DocumentArg::from_arg(&args.policy_document), io.stdin) {
        Ok(source) => source,
        Err(message) => {
            let _ = writeln!(io.stderr, "error: {message}");
            return Exit::BadInput;
        }
    };
    let resource_type = args
        .validate_policy_resource_type
        .as_deref()
        .and_then(ValidateResourceType::from_aws_name);
    let findings = validate_policy_for(&source, policy_type(args.policy_type), resource_type);
    let text = match output {
        OutputFormat::Json | OutputFormat::Sarif => {
            let value = json!({ "findings": findings.iter().map(|f| finding_json(&source, f)).collect::<Vec<_>>() });
            format!(
                "{}\n",
                serde_json::to_string_pretty(&value).unwrap_or_default()
            )
        }
        OutputFormat::Text => findings_text(&source, &findings, style),
    };
    let _ = io.stdout.write_all(text.as_bytes());
    exit_of(&findings)
}

fn policy_type(arg: ValidatePolicyTypeArg) -> ValidatePolicyType {
    match arg {
        ValidatePolicyTypeArg::Identity => ValidatePolicyType::Identity,
        ValidatePolicyTypeArg::Resource => ValidatePolicyType::Resource,
        ValidatePolicyTypeArg::ServiceControl => ValidatePolicyType::ServiceControl,
        ValidatePolicyTypeArg::ResourceControl => ValidatePolicyType::ResourceControl,
    }
}

fn exit_of(findings: &[Finding]) -> Exit {
    let worst = findings.iter().map(|f| f.issue.finding_type).min();
    match worst {
        Some(FindingType::Error) => Exit::BadInput,
        Some(FindingType::SecurityWarning) => Exit::Fail,
        _ => Exit::Pass,
    }
}

fn finding_json(source: &SourceFile, finding: &Finding) -> Value {
    // Members in the order `aws accessanalyzer validate-policy` prints them (alphabetical).
    json!({
        "findingDetails": finding.details,
        "findingType": finding.issue.finding_type.aws_name(),
        "issueCode": finding.issue.code,
        "learnMoreLink": finding.issue.learn_more_link(),
        "locations": finding.locations.iter().map(|l| location_json(source, l)).collect::<Vec<_>>(),
    })
}

fn location_json(source: &SourceFile, location: &Location) -> Value {
    let (start, end) = location.positions(source);
    json!({
        "path": location.path.iter().map(path_element_json).collect::<Vec<_>>(),
        "span": { "end": position_json(end), "start": position_json(start) },
    })
}

fn path_element_json(element: &PathElement) -> Value {
    match element {
        PathElement::Index(index) => json!({ "index": index }),
        PathElement::Value(name) => json!({ "value": name }),
        PathElement::Key(name) => json!({ "key": name }),
    }
}

fn position_json(position: Position) -> Value {
    json!({ "column": position.column, "line": position.line, "offset": position.offset })
}

/// Every finding as a diagnostic with its source line, then a one-line count.
fn findings_text(source: &SourceFile, findings: &[Finding], style: Style) -> String {
    let mut text = String::new();
    for finding in findings {
        text.push_str(&render(source, &as_diagnostic(finding), style));
    }
    text.push_str(&summary(findings));
    text
}

fn as_diagnostic(finding: &Finding) -> Diagnostic {
    let message = format!("{}: {}", finding.issue.code, finding.details);
    let mut diagnostic = match finding.issue.finding_type {
        FindingType::Error => Diagnostic::error(message, finding.span()),
        other => Diagnostic::warning(message, finding.span()).with_label(other.to_string()),
    };
    for location in finding.locations.iter().skip(1) {
        diagnostic = diagnostic.with_related(location.span, "also here");
    }
    diagnostic.with_help(format!("see {}", finding.issue.learn_more_link()))
}

fn summary(findings: &[Finding]) -> String {
    if findings.is_empty() {
        return "no findings\n".to_string();
    }
    let kinds = [
        FindingType::Error,
        FindingType::SecurityWarning,
        FindingType::Warning,
        FindingType::Suggestion,
    ];
    let counts: Vec<String> = kinds
        .iter()
        .filter_map(|kind| {
            let count = findings
                .iter()
                .filter(|f| f.issue.finding_type == *kind)
                .count();
            (count > 0).then(|| plural(count, &kind.to_string()))
        })
        .collect();
    format!(
        "{}: {}\n",
        plural(findings.len(), "finding"),
        counts.join(", ")
    )
}

fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("{count} {noun}")
    } else {
        format!("{count} {noun}s")
    }
}
