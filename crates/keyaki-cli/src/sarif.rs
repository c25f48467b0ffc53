//! `--output sarif`: results for code-scanning tools (SARIF 2.1.0, as GitHub code scanning
//! and most CI dashboards read it).
//!
//! Each command prints a JSON array of SARIF *results* for its document; [`log`] wraps the
//! results of one run (one document or many) into a SARIF log with keyaki as the tool. A FAIL
//! gives one `error` result per statement responsible, located at that statement in the policy
//! file, with the check's message, the reason, and the replayed counterexample under
//! `properties`. A finding gives one `error` result at its statement. An UNKNOWN gives one
//! `warning` at the document. A PASS gives none. `validate` gives one result per error or
//! warning, at its place.

use keyaki_check::counterexample::request_json;
use keyaki_check::{AccessKind, Findings, Outcome, Verdict};
use keyaki_policy::{ParsedPolicy, SourceFile, Span};
use serde_json::{Value, json};

/// The rules keyaki reports under, with their descriptions.
const RULES: [(&str, &str); 6] = [
    (
        "validate",
        "The policy is not valid, or likely not what was meant.",
    ),
    (
        "check-no-new-access",
        "The new policy grants access the existing policy does not.",
    ),
    (
        "check-access-not-granted",
        "The policy grants one of the listed accesses.",
    ),
    (
        "check-no-public-access",
        "The resource policy grants public access.",
    ),
    (
        "findings",
        "A caller outside the zone of trust can access the resource.",
    ),
    (
        "unknown",
        "keyaki could not decide the check soundly (a budget or an approximation).",
    ),
];

/// What a command printed for a SARIF log: a JSON array of results, or an object with
/// `results` and `notifications` (documents it could not analyse, as `scan` reports them).
pub fn read_output(printed: &[u8]) -> (Vec<Value>, Vec<Value>) {
    match serde_json::from_slice(printed) {
        Ok(Value::Array(results)) => (results, Vec::new()),
        Ok(Value::Object(mut map)) => {
            let mut list = |key: &str| match map.remove(key) {
                Some(Value::Array(items)) => items,
                _ => Vec::new(),
            };
            (list("results"), list("notifications"))
        }
        _ => (Vec::new(), Vec::new()),
    }
}

/// A tool execution notification: a document (or flag) the run could not analyse.
pub fn notification(code: &str, message: &str, location: Option<Value>) -> Value {
    let mut notification = json!({
        "level": "error",
        "descriptor": {"id": code},
        "message": {"text": message},
    });
    if let (Some(location), Some(map)) = (location, notification.as_object_mut()) {
        map.insert("locations".into(), json!([location]));
    }
    notification
}

/// A SARIF log holding `results`: keyaki's own rules, then one rule per Access Analyzer issue
/// code the results use (`validate-policy` and `scan` report under the issue code), with the
/// reference's finding type, its `findingDetails` text and its section as `helpUri`. When
/// there are `notifications`, an invocation records them and whether the run succeeded
/// (SARIF's `toolExecutionNotifications`; a refused input is no success).
pub fn log(results: Vec<Value>, notifications: Vec<Value>, successful: bool) -> Value {
    let mut rules: Vec<Value> = RULES
        .iter()
        .map(|(id, text)| json!({"id": id, "shortDescription": {"text": text}}))
        .collect();
    rules.extend(issue_code_rules(&results));
    let mut log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "keyaki",
                "informationUri": "https://github.com/keyaki/keyaki",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "results": results,
        }]
    });
    if !notifications.is_empty()
        && let Some(run) = log.pointer_mut("/runs/0").and_then(Value::as_object_mut)
    {
        run.insert(
            "invocations".into(),
            json!([{
                "executionSuccessful": successful,
                "toolExecutionNotifications": notifications,
            }]),
        );
    }
    log
}

/// The rules of the issue codes among the results' `ruleId`s, each once, sorted.
fn issue_code_rules(results: &[Value]) -> Vec<Value> {
    let codes: std::collections::BTreeSet<&str> = results
        .iter()
        .filter_map(|result| result.get("ruleId")?.as_str())
        .filter(|id| !RULES.iter().any(|(known, _)| known == id))
        .collect();
    codes
        .into_iter()
        .map(|code| match keyaki_validate::codes::issue(code) {
            Some(issue) => json!({
                "id": code,
                "shortDescription": {"text": issue.details},
                "helpUri": issue.learn_more_link(),
                "properties": {"findingType": issue.finding_type.aws_name()},
            }),
            None => json!({"id": code, "shortDescription": {"text": scan_rule(code)}}),
        })
        .collect()
}

/// What `scan`'s own codes (those beside Access Analyzer's) report.
fn scan_rule(code: &str) -> &str {
    match code {
        "UNANALYSED_POLICY" => "A policy the template holds could not be read or analysed.",
        "UNRESOLVED_VALUE" => {
            "A value in a policy could not be resolved; it is analysed as a symbol."
        }
        "MANAGED_POLICY_NOT_READ" => {
            "A managed policy attached by ARN is not defined in the files scanned."
        }
        "CHECK_UNDECIDED" => {
            "A custom check could not be decided (a budget, or a condition left open)."
        }
        "CHECK_NO_NEW_ACCESS" => "The policy grants access its reference policy does not.",
        "CHECK_ACCESS_NOT_GRANTED" => "The policy grants one of the listed accesses.",
        "CHECK_NO_PUBLIC_ACCESS" => "The resource policy grants public access.",
        "EXTERNAL_ACCESS" => "A caller outside the zone of trust can access the resource.",
        other => other,
    }
}

/// Where the statement with this index is written, if the policy has it.
fn statement_span(policy: &ParsedPolicy, index: usize) -> Option<Span> {
    policy.policy.statements.get(index).map(|s| s.span)
}

/// Where a span of a document is, as a SARIF location.
pub fn location(source: &SourceFile, span: Option<Span>) -> Value {
    let mut physical = json!({"artifactLocation": {"uri": source.name()}});
    if let (Some(span), Value::Object(map)) = (span, &mut physical) {
        let start = source.line_column(span.start);
        let end = source.line_column(span.end);
        map.insert(
            "region".to_string(),
            json!({
                "startLine": start.line,
                "startColumn": start.column,
                "endLine": end.line,
                "endColumn": end.column,
            }),
        );
    }
    json!({"physicalLocation": physical})
}

/// The results of one check of one document.
pub fn check_results(
    rule: &str,
    message: &str,
    outcome: &Outcome,
    source: &SourceFile,
    policy: &ParsedPolicy,
) -> Vec<Value> {
    match &outcome.verdict {
        Verdict::Pass => Vec::new(),
        Verdict::Unknown(why) => vec![json!({
            "ruleId": "unknown",
            "level": "warning",
            "message": {"text": format!("{rule}: UNKNOWN: {why}")},
            "locations": [location(source, None)],
        })],
        Verdict::Fail {
            reasons,
            counterexample,
        } => reasons
            .iter()
            .map(|reason| {
                let span = statement_span(policy, reason.statement_index);
                json!({
                    "ruleId": rule,
                    "level": "error",
                    "message": {"text": format!("{message} {}", reason.description)},
                    "locations": [location(source, span)],
                    "properties": {"counterexample": request_json(counterexample)},
                })
            })
            .collect(),
    }
}

/// The results of `findings` for one document.
pub fn findings_results(
    report: &Findings,
    source: &SourceFile,
    policy: &ParsedPolicy,
) -> Vec<Value> {
    let mut results: Vec<Value> = report
        .findings
        .iter()
        .map(|finding| {
            let span = statement_span(policy, finding.statement_index);
            let kind = match finding.access {
                AccessKind::Public => "Public access",
                AccessKind::CrossAccount => "Cross-account access",
            };
            json!({
                "ruleId": "findings",
                "level": "error",
                "message": {"text": format!(
                    "{kind} in the statement with index: {} for {} ({})",
                    finding.statement_index,
                    finding.principal,
                    finding.actions.join(", ")
                )},
                "locations": [location(source, span)],
                "properties": {"counterexample": request_json(&finding.counterexample)},
            })
        })
        .collect();
    results.extend(report.unknown.iter().map(|why| {
        json!({
            "ruleId": "unknown",
            "level": "warning",
            "message": {"text": format!("findings: UNKNOWN: {why}")},
            "locations": [location(source, None)],
        })
    }));
    results
}
