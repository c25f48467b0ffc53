//! `keyaki findings` as Access Analyzer reports them: one finding per statement and access
//! (principal, condition, actions; [`keyaki_check::summary`]), in text, JSON and SARIF.
//!
//! The JSON fields are named like Access Analyzer's finding: `principal` (`{"AWS": "*"}` for
//! anyone), `action`, `condition` (a key to its value, or to a list when it has several, as
//! the statement writes them; the text output also names the operator), `isPublic`,
//! `resource` (the statement's `Resource`), `statementIndex`/`statementId`; keyaki adds
//! `conditions` (each condition with its operator, which Access Analyzer's map leaves out: a
//! `StringNotEquals` reads there like a `StringEquals`), `callers` (the kinds of caller
//! merged, each found with its own replayed request) and `counterexample` (the first of those
//! requests), and `deniedWhen` when a `Deny` statement refuses the access under its own
//! conditions (`NotIpAddress aws:SourceIp …`).

use super::{exit_of, message, notes, verdict_of, with_notes};
use crate::checks::{excerpt, request_lines};
use crate::{Exit, Io, OutputFormat, sarif};
use keyaki_check::counterexample::request_json;
use keyaki_check::{
    Caller, ExternalAccess, ExternalPrincipal, Findings, WrittenCondition, summarise,
};
use keyaki_policy::{ParsedPolicy, SourceFile, Statement};
use serde_json::{Map, Value, json};
use std::fmt::Write as _;

/// Prints the summarised findings of `report` in `output`'s format; the exit code.
pub fn show(
    report: &Findings,
    source: &SourceFile,
    policy: &ParsedPolicy,
    output: OutputFormat,
    io: &mut Io<'_>,
) -> Exit {
    let summary = summarise(&policy.policy, report);
    let text = match output {
        OutputFormat::Json => format!(
            "{}\n",
            serde_json::to_string_pretty(&json_of(&summary, report, policy)).unwrap_or_default()
        ),
        OutputFormat::Text => text_of(&summary, report, source, policy),
        OutputFormat::Sarif => format!(
            "{}\n",
            Value::Array(sarif_of(&summary, report, source, policy))
        ),
    };
    let _ = io.stdout.write_all(text.as_bytes());
    exit_of(summary.len(), report)
}

/// Who, in words: `anyone`, `AWS account 444455556666`, `Federated …`, or the kinds of
/// unnamed callers covered when they are not everyone.
fn who(access: &ExternalAccess) -> String {
    match &access.principal {
        ExternalPrincipal::Anyone if access.is_anyone() => "anyone".to_string(),
        ExternalPrincipal::Anyone => access
            .callers
            .iter()
            .map(caller_name)
            .collect::<Vec<_>>()
            .join(", "),
        ExternalPrincipal::Aws(id) if id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit()) => {
            format!("AWS account {id}")
        }
        ExternalPrincipal::Aws(arn) => format!("AWS {arn}"),
        ExternalPrincipal::Federated(name) => format!("Federated {name}"),
        ExternalPrincipal::CanonicalUser(id) => format!("CanonicalUser {id}"),
        ExternalPrincipal::Service(name) => format!("Service {name}"),
    }
}

/// One kind of caller, in words.
fn caller_name(caller: &Caller) -> String {
    match caller {
        Caller::Public => "the public".to_string(),
        Caller::Anonymous => "anonymous callers".to_string(),
        Caller::AnyAccount => "AWS principals of any account".to_string(),
        Caller::AnyWebIdentity => "users of web identity providers nobody named".to_string(),
        Caller::AnyProviderArn => "users of SAML or OIDC providers nobody named".to_string(),
        Caller::AnyCanonicalUser => "canonical users nobody named".to_string(),
        Caller::Account(account) => format!("AWS account {account}"),
        Caller::AwsArn(arn) => format!("AWS {arn}"),
        Caller::Federated(name) => format!("Federated {name}"),
        Caller::CanonicalUser(id) => format!("CanonicalUser {id}"),
        Caller::Service(name) => format!("Service {name}"),
    }
}

/// `public access` or `cross-account access`.
fn kind(access: &ExternalAccess) -> &'static str {
    if access.is_public {
        "public access"
    } else {
        "cross-account access"
    }
}

/// Conditions in one line: `StringEquals aws:SourceVpc vpc-1a2b3c4d; …`, or `none`.
fn condition_line(conditions: &[WrittenCondition]) -> String {
    if conditions.is_empty() {
        return "none".to_string();
    }
    conditions
        .iter()
        .map(|c| {
            let values = match c.values.as_slice() {
                [one] => one.clone(),
                many => format!("[{}]", many.join(", ")),
            };
            format!("{} {} {values}", c.operator, c.key)
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn text_of(
    summary: &[ExternalAccess],
    report: &Findings,
    source: &SourceFile,
    policy: &ParsedPolicy,
) -> String {
    let mut out = String::new();
    let count = summary.len();
    let _ = writeln!(
        out,
        "{}  {}",
        verdict_of(count, report),
        message(count, report)
    );
    for (number, access) in summary.iter().enumerate() {
        out.push('\n');
        out.push_str(&finding_text(number + 1, access, source, policy));
    }
    out.push_str(&notes(report));
    out
}

/// One finding's block: what it is, then the statement and the request that proves it.
fn finding_text(
    number: usize,
    access: &ExternalAccess,
    source: &SourceFile,
    policy: &ParsedPolicy,
) -> String {
    let mut out = String::new();
    let sid = access
        .statement_id
        .as_ref()
        .map(|s| format!(" (Sid `{s}`)"))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "finding {number}: {} in the statement with index: {}{sid}",
        kind(access),
        access.statement_index
    );
    let (key, value) = access.principal.key_value();
    let principal = json!({key: value}).to_string();
    let _ = match access.principal {
        ExternalPrincipal::Anyone => writeln!(out, "  principal  {} ({principal})", who(access)),
        _ => writeln!(out, "  principal  {principal}"),
    };
    let _ = writeln!(out, "  condition  {}", condition_line(&access.condition));
    for deny in &access.denied_when {
        let _ = writeln!(
            out,
            "  denied     when {} (the Deny in the statement with index: {})",
            condition_line(&deny.conditions),
            deny.statement_index
        );
    }
    let _ = writeln!(out, "  actions    {}", access.actions.join(", "));
    if access.callers.len() > 1 {
        let _ = writeln!(
            out,
            "  covers     these kinds of caller, each found with its own replayed request:"
        );
        for caller in &access.callers {
            let _ = writeln!(out, "             {}", caller_name(caller));
        }
    }
    if let Some(statement) = policy.policy.statements.get(access.statement_index) {
        out.push_str(&excerpt(source, statement.span));
    }
    let _ = writeln!(out, "  a request that proves it (replayed):");
    out.push_str(&request_lines(&access.counterexample));
    out
}

/// One value as a string, several as a list (the way a policy writes them).
fn one_or_many(values: &[String]) -> Value {
    match values {
        [one] => json!(one),
        many => json!(many),
    }
}

/// Access Analyzer's `condition`: each key with its values (a key written under two
/// operators gathers the values of both).
fn condition_json(access: &ExternalAccess) -> Value {
    let mut gathered: Vec<(String, Vec<String>)> = Vec::new();
    for condition in &access.condition {
        match gathered.iter_mut().find(|(key, _)| *key == condition.key) {
            Some((_, values)) => values.extend(condition.values.iter().cloned()),
            None => gathered.push((condition.key.clone(), condition.values.clone())),
        }
    }
    let map: Map<String, Value> = gathered
        .into_iter()
        .map(|(key, values)| (key, one_or_many(&values)))
        .collect();
    Value::Object(map)
}

/// The statement's `Resource` as written (`NotResource` prefixed), one value or a list.
fn resource_json(statement: Option<&Statement>) -> Value {
    let Some(list) = statement.and_then(|s| s.resource.as_ref()) else {
        return Value::Null;
    };
    let written: Vec<String> = list
        .patterns
        .iter()
        .map(|p| {
            if list.negated {
                format!("NotResource {}", p.value.text)
            } else {
                p.value.text.clone()
            }
        })
        .collect();
    one_or_many(&written)
}

/// Conditions with their operators: `[{"operator": …, "key": …, "values": […]}]`.
fn conditions_json(conditions: &[WrittenCondition]) -> Value {
    conditions
        .iter()
        .map(|c| json!({"operator": c.operator, "key": c.key, "values": c.values}))
        .collect()
}

/// keyaki's `deniedWhen`: each limiting `Deny` statement with its conditions.
fn denied_when_json(access: &ExternalAccess) -> Value {
    access
        .denied_when
        .iter()
        .map(|d| {
            json!({
                "statementIndex": d.statement_index,
                "conditions": conditions_json(&d.conditions),
            })
        })
        .collect()
}

fn json_of(summary: &[ExternalAccess], report: &Findings, policy: &ParsedPolicy) -> Value {
    let findings: Vec<Value> = summary
        .iter()
        .map(|access| {
            let (key, value) = access.principal.key_value();
            let statement = policy.policy.statements.get(access.statement_index);
            let mut finding = json!({
                "statementIndex": access.statement_index,
                "principal": {key: value},
                "action": access.actions,
                "condition": condition_json(access),
                "conditions": conditions_json(&access.condition),
                "isPublic": access.is_public,
                "resource": resource_json(statement),
                "callers": access.callers.iter().map(caller_name).collect::<Vec<_>>(),
                "counterexample": request_json(&access.counterexample),
            });
            if let (Some(sid), Value::Object(map)) = (&access.statement_id, &mut finding) {
                map.insert("statementId".to_string(), json!(sid));
            }
            if let (false, Value::Object(map)) = (access.denied_when.is_empty(), &mut finding) {
                map.insert("deniedWhen".to_string(), denied_when_json(access));
            }
            finding
        })
        .collect();
    let count = summary.len();
    let value = json!({
        "result": verdict_of(count, report),
        "message": message(count, report),
        "findings": findings,
    });
    with_notes(value, report)
}

/// One finding in a sentence: `Public access in the statement with index: 0 for anyone, when
/// aws:SourceVpc = vpc-… (s3:GetObject)`.
pub(crate) fn sentence(access: &ExternalAccess) -> String {
    let mut kind = kind(access).to_string();
    if let Some(first) = kind.get(..1) {
        kind = format!(
            "{}{}",
            first.to_ascii_uppercase(),
            kind.get(1..).unwrap_or("")
        );
    }
    let when = if access.condition.is_empty() {
        String::new()
    } else {
        format!(", when {}", condition_line(&access.condition))
    };
    format!(
        "{kind} in the statement with index: {} for {}{when} ({})",
        access.statement_index,
        who(access),
        access.actions.join(", ")
    )
}

fn sarif_of(
    summary: &[ExternalAccess],
    report: &Findings,
    source: &SourceFile,
    policy: &ParsedPolicy,
) -> Vec<Value> {
    let mut results: Vec<Value> = summary
        .iter()
        .map(|access| {
            let span = policy
                .policy
                .statements
                .get(access.statement_index)
                .map(|s| s.span);
            let (key, value) = access.principal.key_value();
            json!({
                "ruleId": "findings",
                "level": "error",
                "message": {"text": sentence(access)},
                "locations": [sarif::location(source, span)],
                "properties": {
                    "principal": {key: value},
                    "condition": condition_json(access),
                    "isPublic": access.is_public,
                    "counterexample": request_json(&access.counterexample),
                },
            })
        })
        .collect();
    results.extend(report.unknown.iter().map(|why| {
        json!({
            "ruleId": "unknown",
            "level": "warning",
            "message": {"text": format!("findings: UNKNOWN: {why}")},
            "locations": [sarif::location(source, None)],
        })
    }));
    results
}
