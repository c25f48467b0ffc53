//! `keyaki findings`: every way a caller outside the zone of trust reaches the resource a
//! policy guards (public and cross-account), each with the statement, the caller, the actions
//! and a request that proves it.
//!
//! By default one finding per statement and access, as Access Analyzer reports them
//! ([`summary`]); `--detail kinds` lists each kind of caller found, with its own request.
//!
//! Exit codes: 0 no finding (proved), 1 findings, 2 bad input, 3 no finding found but some
//! question went unanswered (so none cannot be claimed).

pub(crate) mod summary;

use crate::args::{FindingsArgs, FindingsDetail};
use crate::checks::{excerpt, policy, request_lines};
use crate::render::Style;
use crate::{Exit, Io, OutputFormat, batch, sarif};
use keyaki_check::counterexample::request_json;
use keyaki_check::{AccessKind, Findings, Trust, findings};
use keyaki_policy::{ParsedPolicy, PolicyType, SourceFile};
use serde_json::{Value, json};
use std::fmt::Write as _;

pub fn run(args: &FindingsArgs, output: OutputFormat, style: Style, io: &mut Io<'_>) -> Exit {
    let problems = trust_problems(args);
    if !problems.is_empty() {
        for problem in problems {
            let _ = writeln!(io.stderr, "error: {problem}");
        }
        return Exit::BadInput;
    }
    batch::for_each_document(&args.policy_document, output, io, |document, io| {
        one(document, args, output, style, io)
    })
}

/// `findings` for one document.
fn one(
    document: &str,
    args: &FindingsArgs,
    output: OutputFormat,
    style: Style,
    io: &mut Io<'_>,
) -> Exit {
    let Some((source, parsed)) = policy(document, PolicyType::Resource, style, io) else {
        return Exit::BadInput;
    };
    let trust = Trust {
        accounts: args.trusted_account.clone(),
        organization: args.trusted_org.clone(),
    };
    let report = findings(&parsed, &trust, crate::checks::config(args.budget));
    if args.detail == FindingsDetail::Summary {
        return summary::show(&report, &source, &parsed, output, io);
    }
    let text = match output {
        OutputFormat::Json => format!(
            "{}\n",
            serde_json::to_string_pretty(&json_of(&report)).unwrap_or_default()
        ),
        OutputFormat::Text => text_of(&report, &source, &parsed),
        OutputFormat::Sarif => format!(
            "{}\n",
            Value::Array(sarif::findings_results(&report, &source, &parsed))
        ),
    };
    let _ = io.stdout.write_all(text.as_bytes());
    exit_of(report.findings.len(), &report)
}

/// 1 for findings, 0 for none proved, 3 for none found with questions unanswered.
fn exit_of(count: usize, report: &Findings) -> Exit {
    match (count, report.unknown.is_empty()) {
        (1.., _) => Exit::Fail,
        (0, true) => Exit::Pass,
        (0, false) => Exit::Unknown,
    }
}

/// The verdict word for `count` findings.
fn verdict_of(count: usize, report: &Findings) -> &'static str {
    match (count, report.unknown.is_empty()) {
        (1.., _) => "FAIL",
        (0, true) => "PASS",
        (0, false) => "UNKNOWN",
    }
}

/// Account ids are 12 digits; an organization id is `o-` and 10 to 32 lowercase letters or
/// digits.
fn trust_problems(args: &FindingsArgs) -> Vec<String> {
    zone_of_trust_problems(&args.trusted_account, args.trusted_org.as_deref())
}

/// What is wrong with `--trusted-account` and `--trusted-org` values (also `scan`'s).
pub(crate) fn zone_of_trust_problems(
    accounts: &[String],
    organization: Option<&str>,
) -> Vec<String> {
    let mut problems = Vec::new();
    for account in accounts {
        if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
            problems.push(format!(
                "`--trusted-account {account}`: an account id is 12 digits"
            ));
        }
    }
    if let Some(org) = organization {
        let body = org.strip_prefix("o-").unwrap_or("");
        let fits = (10..=32).contains(&body.len())
            && body
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
        if !fits {
            problems.push(format!(
                "`--trusted-org {org}`: an organization id is `o-` and 10 to 32 lowercase letters or digits"
            ));
        }
    }
    problems
}

fn message(count: usize, report: &Findings) -> String {
    match (count, report.unknown.is_empty()) {
        (0, true) => "No caller outside the zone of trust can access the resource.".to_string(),
        (0, false) => "No finding was found, but some questions went unanswered.".to_string(),
        (1, _) => {
            "1 finding: a caller outside the zone of trust can access the resource.".to_string()
        }
        (n, _) => {
            format!("{n} findings: callers outside the zone of trust can access the resource.")
        }
    }
}

fn access_name(access: AccessKind) -> &'static str {
    match access {
        AccessKind::Public => "PUBLIC",
        AccessKind::CrossAccount => "CROSS_ACCOUNT",
    }
}

fn json_of(report: &Findings) -> Value {
    let count = report.findings.len();
    let findings: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            let mut finding = json!({
                "statementIndex": f.statement_index,
                "access": access_name(f.access),
                "principal": f.principal,
                "actions": f.actions,
                "counterexample": request_json(&f.counterexample),
            });
            if let (Some(sid), Value::Object(map)) = (&f.statement_id, &mut finding) {
                map.insert("statementId".to_string(), json!(sid));
            }
            finding
        })
        .collect();
    let value = json!({
        "result": verdict_of(count, report),
        "message": message(count, report),
        "findings": findings,
    });
    with_notes(value, report)
}

/// Adds the unanswered questions and the approximations to a JSON report.
fn with_notes(mut value: Value, report: &Findings) -> Value {
    if let Value::Object(map) = &mut value {
        if !report.unknown.is_empty() {
            map.insert("unanswered".to_string(), json!(report.unknown));
        }
        if !report.approximations.is_empty() {
            map.insert("approximations".to_string(), json!(report.approximations));
        }
    }
    value
}

fn text_of(report: &Findings, source: &SourceFile, policy: &ParsedPolicy) -> String {
    let mut out = String::new();
    let count = report.findings.len();
    let _ = writeln!(
        out,
        "{}  {}",
        verdict_of(count, report),
        message(count, report)
    );
    for (number, finding) in report.findings.iter().enumerate() {
        let kind = match finding.access {
            AccessKind::Public => "public access",
            AccessKind::CrossAccount => "cross-account access",
        };
        let sid = finding
            .statement_id
            .as_ref()
            .map(|s| format!(" (Sid `{s}`)"))
            .unwrap_or_default();
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "finding {}: {kind} in the statement with index: {}{sid}",
            number + 1,
            finding.statement_index
        );
        let who = match finding.access {
            AccessKind::Public => "* (anyone)".to_string(),
            AccessKind::CrossAccount => finding.principal.clone(),
        };
        let _ = writeln!(out, "  principal {who}");
        let _ = writeln!(out, "  actions   {}", finding.actions.join(", "));
        if let Some(statement) = policy.policy.statements.get(finding.statement_index) {
            out.push_str(&excerpt(source, statement.span));
        }
        let _ = writeln!(out, "  a request that proves it (replayed):");
        out.push_str(&request_lines(&finding.counterexample));
    }
    out.push_str(&notes(report));
    out
}

/// The unanswered questions and the approximations, one line each.
fn notes(report: &Findings) -> String {
    let mut out = String::new();
    for line in &report.unknown {
        let _ = writeln!(out, "unanswered: {line}");
    }
    for line in &report.approximations {
        let _ = writeln!(out, "note: {line}");
    }
    out
}
