//! `keyaki evaluate --policy-document P --request REQ`: the concrete evaluator, for one request.
//!
//! Prints the decision (Allow, ExplicitDeny, ImplicitDeny) and every statement that matched.
//! Exit code 0 whatever the decision (the evaluation succeeded), 2 for bad input.

use crate::args::EvaluateArgs;
use crate::document::load_or_report;
use crate::render::{Style, report_diagnostics};
use crate::{Exit, Io, OutputFormat};
use keyaki_policy::{ParseOptions, PolicyType, SourceFile, evaluate, parse_policy, parse_request};
use serde_json::json;

pub fn run(args: &EvaluateArgs, output: OutputFormat, style: Style, io: &mut Io<'_>) -> Exit {
    let Some(policy_source) =
        load_or_report(&args.policy_document, ParseOptions::default().max_bytes, io)
    else {
        return Exit::BadInput;
    };
    let Some(request_source) = load_or_report(&args.request, ParseOptions::default().max_bytes, io)
    else {
        return Exit::BadInput;
    };
    let options = ParseOptions {
        policy_type: args.policy_type.map(Into::into),
        ..ParseOptions::default()
    };
    let parsed = parse_policy(&policy_source, options);
    let request = parse_request(&request_source);
    let (parsed, request) = match (parsed, request) {
        (Ok(parsed), Ok(request)) => (parsed, request),
        (parsed, request) => {
            if let Err(diagnostics) = &parsed {
                report_diagnostics(&policy_source, diagnostics, style, io);
            }
            if let Err(diagnostics) = &request {
                report_diagnostics(&request_source, diagnostics, style, io);
            }
            return Exit::BadInput;
        }
    };
    report_diagnostics(&policy_source, &parsed.warnings, style, io);
    if parsed.policy_type == PolicyType::Resource && request.principal.is_none() {
        let _ = writeln!(
            io.stderr,
            "error: the request has no `principal`, which a resource policy needs\n  = help: add for example `\"principal\": {{\"AWS\": \"arn:aws:iam::111122223333:role/R\"}}`, or `\"*\"` for an anonymous caller"
        );
        return Exit::BadInput;
    }
    let outcome = evaluate(&parsed.policy, parsed.policy_type, &request);
    let text = match output {
        OutputFormat::Json | OutputFormat::Sarif => {
            let value = json!({
                "decision": outcome.decision.to_string(),
                "matchedStatements": outcome.matched_statements,
            });
            format!(
                "{}\n",
                serde_json::to_string_pretty(&value).unwrap_or_default()
            )
        }
        OutputFormat::Text => {
            let mut text = format!("decision: {}\n", outcome.decision);
            if outcome.matched_statements.is_empty() {
                text.push_str("no statement matched: denied by default\n");
            }
            for index in &outcome.matched_statements {
                if let Some(statement) = parsed.policy.statements.get(*index) {
                    text.push_str(&matched_statement(*index, statement, &policy_source));
                    text.push('\n');
                }
            }
            text
        }
    };
    let _ = io.stdout.write_all(text.as_bytes());
    Exit::Pass
}

/// One matched statement for people: its index, `Sid`, effect and where it is written.
pub(crate) fn matched_statement(
    index: usize,
    statement: &keyaki_policy::Statement,
    source: &SourceFile,
) -> String {
    let sid = statement
        .sid
        .as_ref()
        .map(|s| format!(" `{}`", s.value))
        .unwrap_or_default();
    format!(
        "matched statement {index}{sid} ({}) at {}",
        statement.effect.value,
        source.location(statement.span)
    )
}
