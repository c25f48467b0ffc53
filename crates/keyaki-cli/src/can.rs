//! `keyaki can`: may this caller make this request, for every context?
//!
//! The caller, action and resource are fixed; the context (every condition key) is free. The
//! question is decided over all of the scenario's policies together
//! (`keyaki_check::scenario`): *always* (no context denies it: proved), *never* (no context
//! allows it: proved), or *sometimes*, with the condition on the context under which it is
//! allowed and a replayed request each way. Each example is shown with the whole-account
//! decision of `simulate`, so a reader sees which policies and statements decide it.
//!
//! The scenario comes from a scenario file (`--scenario`: its request's context is ignored),
//! or from an account (`--account-details`, `--manifest`, `--principal`, `--action`,
//! `--resource`). Exit code 0 for a proved answer whatever it is, 3 when there is none, 2 for
//! bad input.

use crate::account::load_account;
use crate::args::CanArgs;
use crate::checks::config;
use crate::document::load_or_report;
use crate::render::{Style, report_diagnostics};
use crate::{Exit, Io, OutputFormat};
use keyaki_check::counterexample::request_json;
use keyaki_check::scenario::{CanOutcome, Reach, can};
use keyaki_policy::{
    ParseOptions, Request, RequestPrincipal, Scenario, evaluate_scenario, parse_scenario,
};
use serde_json::{Value, json};

pub fn run(args: &CanArgs, output: OutputFormat, style: Style, io: &mut Io<'_>) -> Exit {
    let Some(scenario) = scenario_of(args, style, io) else {
        return Exit::BadInput;
    };
    let outcome = can(&scenario, config(args.budget));
    let text = match output {
        OutputFormat::Json | OutputFormat::Sarif => format!(
            "{}\n",
            serde_json::to_string_pretty(&as_json(&scenario, &outcome)).unwrap_or_default()
        ),
        OutputFormat::Text => as_text(&scenario, &outcome),
    };
    let _ = io.stdout.write_all(text.as_bytes());
    match outcome.reach {
        Reach::Unknown(_) => Exit::Unknown,
        _ => Exit::Pass,
    }
}

/// The scenario the question is about.
fn scenario_of(args: &CanArgs, style: Style, io: &mut Io<'_>) -> Option<Scenario> {
    let Some(path) = &args.scenario else {
        return account_scenario(args, style, io);
    };
    let source = load_or_report(path, ParseOptions::default().max_bytes, io)?;
    match parse_scenario(&source) {
        Ok(parsed) => {
            report_diagnostics(&source, &parsed.warnings, style, io);
            Some(parsed.scenario)
        }
        Err(diagnostics) => {
            report_diagnostics(&source, &diagnostics, style, io);
            None
        }
    }
}

/// The scenario of `--principal`'s request in the account.
fn account_scenario(args: &CanArgs, style: Style, io: &mut Io<'_>) -> Option<Scenario> {
    let (Some(details), Some(principal), Some(action), Some(resource)) = (
        &args.account.account_details,
        &args.principal,
        &args.action,
        &args.resource,
    ) else {
        let _ = writeln!(
            io.stderr,
            "error: give --scenario FILE, or --account-details FILE with --principal, --action and --resource"
        );
        return None;
    };
    let account = load_account(details, args.account.manifest.as_deref(), style, io)?;
    let request = Request::for_identity(action, resource);
    match account.scenario_owned(Some(principal), request, args.resource_owner.as_deref()) {
        Ok(scenario) => Some(scenario),
        Err(message) => {
            let _ = writeln!(io.stderr, "error: {message}");
            None
        }
    }
}

/// The caller as the question names it.
fn caller_text(request: &Request) -> String {
    match &request.principal {
        Some(RequestPrincipal::Aws(arn)) => arn.clone(),
        Some(RequestPrincipal::Anonymous) => "an anonymous caller".to_string(),
        Some(other) => other.to_string(),
        None => "the caller".to_string(),
    }
}

/// How the whole-account evaluator decides an example: the decision, the layers and the rule.
fn decided(scenario: &Scenario, example: &Request) -> (String, Vec<String>, String) {
    let mut replayed = scenario.clone();
    replayed.request = example.clone();
    match evaluate_scenario(&replayed) {
        Ok(outcome) => (
            outcome.decision.to_string(),
            outcome
                .decided_by
                .iter()
                .map(|l| l.field().to_string())
                .collect(),
            outcome.reason,
        ),
        Err(_) => (
            "depends on the owner".to_string(),
            Vec::new(),
            String::new(),
        ),
    }
}

fn example_json(scenario: &Scenario, example: &Request) -> Value {
    let (decision, decided_by, reason) = decided(scenario, example);
    json!({
        "request": request_json(example),
        "decision": decision,
        "decidedBy": decided_by,
        "reason": reason,
    })
}

fn as_json(scenario: &Scenario, outcome: &CanOutcome) -> Value {
    let request = &scenario.request;
    let mut object = json!({
        "principal": request_json(request).get("principal").cloned().unwrap_or(Value::Null),
        "action": request.action,
        "resource": request.resource,
        "resourceOwner": outcome.owner,
        "answer": keyaki_check::scenario::reach_word(&outcome.reach),
    });
    let fields = match &outcome.reach {
        Reach::Always { example } => json!({"allowedExample": example_json(scenario, example)}),
        Reach::Never { example } => json!({"deniedExample": example_json(scenario, example)}),
        Reach::Sometimes {
            condition,
            allowed,
            denied,
        } => json!({
            "condition": condition,
            "allowedExample": example_json(scenario, allowed),
            "deniedExample": example_json(scenario, denied),
        }),
        Reach::Unknown(reason) => json!({"reason": reason}),
    };
    if let (Some(object), Value::Object(fields)) = (object.as_object_mut(), fields) {
        object.extend(fields);
        object.insert("approximations".into(), json!(outcome.approximations));
    }
    object
}

fn example_text(scenario: &Scenario, label: &str, example: &Request) -> String {
    let (decision, decided_by, reason) = decided(scenario, example);
    let request = serde_json::to_string(&request_json(example)).unwrap_or_default();
    let layers = decided_by
        .iter()
        .map(|l| format!("`{l}`"))
        .collect::<Vec<_>>()
        .join(" and ");
    format!("{label}: {request}\n  {decision}, decided by {layers}: {reason}\n")
}

fn as_text(scenario: &Scenario, outcome: &CanOutcome) -> String {
    let request = &scenario.request;
    let mut text = format!(
        "can {} do {} on {}?\n",
        caller_text(request),
        request.action,
        request.resource
    );
    match &outcome.reach {
        Reach::Always { example } => {
            text.push_str("ALWAYS: allowed whatever the context (proved)\n");
            text.push_str(&example_text(scenario, "example", example));
        }
        Reach::Never { example } => {
            text.push_str("NEVER: denied whatever the context (proved)\n");
            text.push_str(&example_text(scenario, "example", example));
        }
        Reach::Sometimes {
            condition,
            allowed,
            denied,
        } => {
            text.push_str("SOMETIMES: allowed in some contexts, denied in others\n");
            text.push_str(&format!("allowed exactly when: {condition}\n"));
            text.push_str(&example_text(scenario, "allowed", allowed));
            text.push_str(&example_text(scenario, "denied", denied));
        }
        Reach::Unknown(reason) => text.push_str(&format!("UNKNOWN: {reason}\n")),
    }
    if let Some(owner) = &outcome.owner {
        text.push_str(&format!("resource owner: {owner}\n"));
    }
    for line in &outcome.approximations {
        text.push_str(&format!("approximated: {line}\n"));
    }
    text
}
