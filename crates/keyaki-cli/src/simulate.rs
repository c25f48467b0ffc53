//! `keyaki simulate --scenario FILE`: one request against every policy that decides it.
//!
//! The scenario file (`keyaki_policy::scenario`) holds the request and the caller's identity
//! policies, boundaries and session policy, the resource policy, the organization's SCPs and
//! RCPs per level, and VPC endpoint policies. The answer is the decision, the layers that
//! decided it and the rule that did, then each layer with every policy's own decision and the
//! statements that matched, located in the scenario file. Exit code 0 whatever the decision,
//! 2 for bad input (including a decision that depends on a resource owner the file does not
//! name).

use crate::args::SimulateArgs;
use crate::document::load_or_report;
use crate::evaluate::matched_statement;
use crate::render::{Style, report_diagnostics};
use crate::{Exit, Io, OutputFormat};
use keyaki_policy::scenario::Scenario;
use keyaki_policy::{
    Diagnostic, Layer, LayerTrace, OwnerNeeded, ParseOptions, Policy, ScenarioOutcome, SourceFile,
    evaluate_scenario, parse_scenario,
};
use serde_json::{Map, Value, json};

pub fn run(args: &SimulateArgs, output: OutputFormat, style: Style, io: &mut Io<'_>) -> Exit {
    let Some(source) = load_or_report(&args.scenario, ParseOptions::default().max_bytes, io) else {
        return Exit::BadInput;
    };
    let parsed = match parse_scenario(&source) {
        Ok(parsed) => parsed,
        Err(diagnostics) => {
            report_diagnostics(&source, &diagnostics, style, io);
            return Exit::BadInput;
        }
    };
    report_diagnostics(&source, &parsed.warnings, style, io);
    let scenario = &parsed.scenario;
    let outcome = match evaluate_scenario(scenario) {
        Ok(outcome) => outcome,
        Err(needed) => {
            report_diagnostics(&source, &[owner_needed(scenario, &needed)], style, io);
            return Exit::BadInput;
        }
    };
    let text = match output {
        OutputFormat::Json | OutputFormat::Sarif => format!(
            "{}\n",
            serde_json::to_string_pretty(&as_json(scenario, &outcome)).unwrap_or_default()
        ),
        OutputFormat::Text => as_text(scenario, &outcome, &source),
    };
    let _ = io.stdout.write_all(text.as_bytes());
    Exit::Pass
}

/// The decision depends on who owns the resource: an error at the resource, with each answer.
fn owner_needed(scenario: &Scenario, needed: &OwnerNeeded) -> Diagnostic {
    let answers: Vec<String> = needed
        .decisions
        .iter()
        .map(|(owner, decision)| match owner {
            Some(account) => format!("owned by `{account}` it is {decision}"),
            None => format!("owned by another account it is {decision}"),
        })
        .collect();
    Diagnostic::error(
        format!(
            "the decision depends on who owns `{}`, which the scenario does not say",
            scenario.request.resource
        ),
        scenario.resource_span,
    )
    .with_help(format!(
        "add `\"resourceOwner\": \"ACCOUNT\"`: {}",
        answers.join(", ")
    ))
}

/// The policy a trace entry is about (boundaries and endpoints are one per level).
fn policy_of(scenario: &Scenario, layer: Layer, level: usize, index: usize) -> Option<&Policy> {
    let levels = layer.levels(scenario);
    let members = levels.get(level)?;
    let position = if members.len() == 1 { 0 } else { index };
    members.get(position).copied()
}

fn is_org(layer: Layer) -> bool {
    matches!(layer, Layer::ServiceControl | Layer::ResourceControl)
}

fn statements_json(policy: Option<&Policy>, matched: &[usize]) -> Vec<Value> {
    matched
        .iter()
        .map(|index| {
            let mut entry = Map::new();
            entry.insert("index".into(), json!(index));
            if let Some(statement) = policy.and_then(|p| p.statements.get(*index)) {
                entry.insert("effect".into(), json!(statement.effect.value.to_string()));
                if let Some(sid) = &statement.sid {
                    entry.insert("sid".into(), json!(sid.value));
                }
            }
            Value::Object(entry)
        })
        .collect()
}

fn layer_json(scenario: &Scenario, trace: &LayerTrace) -> Value {
    let policies: Vec<Value> = trace
        .policies
        .iter()
        .map(|p| {
            let policy = policy_of(scenario, trace.layer, p.level, p.index);
            let mut entry = Map::new();
            if is_org(trace.layer) {
                entry.insert("level".into(), json!(p.level));
            }
            entry.insert("index".into(), json!(p.index));
            entry.insert("decision".into(), json!(p.evaluation.decision.to_string()));
            entry.insert(
                "matchedStatements".into(),
                json!(statements_json(policy, &p.evaluation.matched_statements)),
            );
            Value::Object(entry)
        })
        .collect();
    let mut layer = Map::new();
    layer.insert("layer".into(), json!(trace.layer.field()));
    layer.insert("applies".into(), json!(trace.exempt.is_none()));
    if let Some(reason) = &trace.exempt {
        layer.insert("exemption".into(), json!(reason));
    }
    layer.insert("decision".into(), json!(trace.decision.to_string()));
    layer.insert("policies".into(), json!(policies));
    Value::Object(layer)
}

fn as_json(scenario: &Scenario, outcome: &ScenarioOutcome) -> Value {
    json!({
        "decision": outcome.decision.to_string(),
        "decidedBy": outcome.decided_by.iter().map(|l| l.field()).collect::<Vec<_>>(),
        "reason": outcome.reason,
        "callerAccount": outcome.caller_account,
        "resourceOwner": outcome.resource_owner,
        "crossAccount": outcome.cross_account,
        "layers": outcome.layers.iter().map(|l| layer_json(scenario, l)).collect::<Vec<_>>(),
    })
}

fn as_text(scenario: &Scenario, outcome: &ScenarioOutcome, source: &SourceFile) -> String {
    let decided_by: Vec<String> = outcome
        .decided_by
        .iter()
        .map(|l| format!("`{}`", l.field()))
        .collect();
    let mut text = format!(
        "decision: {}\ndecided by: {}\nrule: {}\n",
        outcome.decision,
        decided_by.join(" and "),
        outcome.reason
    );
    let account = |a: &Option<String>| a.clone().unwrap_or_else(|| "none".to_string());
    let relation = match outcome.cross_account {
        Some(true) => " (across accounts)",
        Some(false) => " (same account)",
        None => "",
    };
    let owner = match &outcome.resource_owner {
        Some(owner) => owner.clone(),
        None => "unknown (the same decision for every owner)".to_string(),
    };
    text.push_str(&format!(
        "caller account {}, resource owner {owner}{relation}\n",
        account(&outcome.caller_account)
    ));
    for trace in &outcome.layers {
        text.push('\n');
        match &trace.exempt {
            None => text.push_str(&format!("{}: {}\n", trace.layer, trace.decision)),
            Some(reason) => text.push_str(&format!(
                "{}: not applied ({reason}); alone it would be {}\n",
                trace.layer, trace.decision
            )),
        }
        for p in &trace.policies {
            let policy = policy_of(scenario, trace.layer, p.level, p.index);
            let place = if is_org(trace.layer) {
                format!("level {}, policy {}", p.level, p.index)
            } else {
                format!("policy {}", p.index)
            };
            text.push_str(&format!("  {place}: {}\n", p.evaluation.decision));
            if p.evaluation.matched_statements.is_empty() {
                text.push_str("    no statement matched\n");
            }
            for index in &p.evaluation.matched_statements {
                if let Some(statement) = policy.and_then(|p| p.statements.get(*index)) {
                    let line = matched_statement(*index, statement, source);
                    text.push_str(&format!("    {line}\n"));
                }
            }
        }
    }
    for layer in &outcome.decided_by {
        if !outcome.layers.iter().any(|l| l.layer == *layer) {
            text.push_str(&format!("\n{layer}: none given\n"));
        }
    }
    text
}
