//! `keyaki explain CHECK …`: runs a check and shows how the answer was reached — each
//! policy's formula, the question, the clauses, the solver's steps, the model or the reason
//! for UNSAT, and the check's verdict; `--dot DIR` writes the automata and `--smtlib FILE` the
//! question for z3 or cvc5. The exit code is the check's.

use crate::args::{Detail, ExplainArgs, ExplainedCheck};
use crate::checks::{
    Loaded, json_of, load_access_not_granted, load_no_new_access, load_no_public_access,
    request_lines, text_of,
};
use crate::render::Style;
use crate::{Exit, Io, OutputFormat};
use keyaki_check::Verdict;
use keyaki_check::counterexample::request_json;
use keyaki_check::explain::{Answer, Explanation, explain};
use serde_json::{Value, json};
use std::fmt::Write as _;
use std::path::Path;

/// At `--detail normal`: clauses and steps shown before "… N more".
const NORMAL_CLAUSES: usize = 30;
const NORMAL_STEPS: usize = 60;
/// At `--detail brief` and `normal`: characters of one formula shown.
const FORMULA_CHARS: usize = 600;

pub fn run(args: &ExplainArgs, output: OutputFormat, style: Style, io: &mut Io<'_>) -> Exit {
    let one = |documents: &[String], io: &mut Io<'_>| match documents {
        [document] => Some(document.clone()),
        _ => {
            let _ = writeln!(io.stderr, "error: `explain` takes one policy document");
            None
        }
    };
    let loaded = match &args.check {
        ExplainedCheck::CheckNoNewAccess(a) => {
            match (&a.new_policy_document, &a.existing_policy_document) {
                (Some(new), Some(existing)) => load_no_new_access(new, existing, a, style, io),
                _ => {
                    let _ = writeln!(
                        io.stderr,
                        "error: `explain` takes one --new-policy-document and one --existing-policy-document"
                    );
                    None
                }
            }
        }
        ExplainedCheck::CheckAccessNotGranted(a) => one(&a.policy_document, io)
            .and_then(|document| load_access_not_granted(&document, a, style, io)),
        ExplainedCheck::CheckNoPublicAccess(a) => one(&a.policy_document, io)
            .and_then(|document| load_no_public_access(&document, a, style, io)),
    };
    let Some(loaded) = loaded else {
        return Exit::BadInput;
    };
    let explanation = explain(&loaded.check(), loaded.config);
    if let Err(message) = write_files(args, &explanation) {
        let _ = writeln!(io.stderr, "error: {message}");
        return Exit::BadInput;
    }
    let text = match output {
        OutputFormat::Json | OutputFormat::Sarif => format!(
            "{}\n",
            serde_json::to_string_pretty(&json_report(&explanation, &loaded)).unwrap_or_default()
        ),
        OutputFormat::Text => text_report(&explanation, &loaded, args),
    };
    let _ = io.stdout.write_all(text.as_bytes());
    match explanation.outcome.verdict {
        Verdict::Pass => Exit::Pass,
        Verdict::Fail { .. } => Exit::Fail,
        Verdict::Unknown(_) => Exit::Unknown,
    }
}

/// `--dot DIR` and `--smtlib FILE`.
fn write_files(args: &ExplainArgs, explanation: &Explanation) -> Result<(), String> {
    if let Some(dir) = &args.dot {
        std::fs::create_dir_all(dir).map_err(|e| format!("cannot create `{dir}`: {e}"))?;
        for (stem, dot) in &explanation.automata {
            let path = Path::new(dir).join(format!("{stem}.dot"));
            std::fs::write(&path, dot)
                .map_err(|e| format!("cannot write `{}`: {e}", path.display()))?;
        }
    }
    if let Some(file) = &args.smtlib {
        let script = explanation
            .smtlib
            .as_ref()
            .map_err(|why| format!("the question cannot be written in SMT-LIB: {why}"))?;
        std::fs::write(file, script).map_err(|e| format!("cannot write `{file}`: {e}"))?;
    }
    Ok(())
}

fn text_report(explanation: &Explanation, loaded: &Loaded, args: &ExplainArgs) -> String {
    let detail = args.detail;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "question: {}   (SAT = FAIL, UNSAT = PASS)",
        explanation.shape
    );
    let _ = writeln!(out);
    for (name, formula) in &explanation.parts {
        let _ = writeln!(out, "{name} = {}", shorten(formula, detail));
        let _ = writeln!(out);
    }
    if detail > Detail::Brief {
        let _ = writeln!(
            out,
            "clauses: {} over {} variables (an atom as written, gN the gate of a subformula)",
            explanation.clauses.len(),
            explanation.variables
        );
        let shown = limit(detail, NORMAL_CLAUSES, explanation.clauses.len());
        for (number, clause) in explanation.clauses.iter().take(shown).enumerate() {
            let _ = writeln!(out, "  {:>3}. {clause}", number + 1);
        }
        more(&mut out, explanation.clauses.len() - shown);
        let _ = writeln!(out, "gates:");
        let shown = limit(detail, NORMAL_CLAUSES, explanation.gates.len());
        for (name, formula) in explanation.gates.iter().take(shown) {
            let _ = writeln!(out, "  {name} := {}", shorten(formula, detail));
        }
        more(&mut out, explanation.gates.len() - shown);
        let _ = writeln!(out);
        let stats = &explanation.stats;
        let _ = writeln!(
            out,
            "solver run: {} decisions, {} propagations, {} conflicts",
            stats.decisions, stats.propagations, stats.conflicts
        );
        let shown = limit(detail, NORMAL_STEPS, explanation.trace.len());
        for step in explanation.trace.iter().take(shown) {
            let _ = writeln!(out, "  {step}");
        }
        more(&mut out, explanation.trace.len() - shown);
        let _ = writeln!(out);
    }
    match &explanation.answer {
        Answer::Sat(request) => {
            let _ = writeln!(out, "answer: SAT; the model, as a request:");
            out.push_str(&request_lines(request));
        }
        Answer::Unsat(reasons) => {
            let _ = writeln!(out, "answer: UNSAT; no request answers the question:");
            for reason in reasons {
                let _ = writeln!(out, "  {reason}");
            }
        }
        Answer::Unknown(why) => {
            let _ = writeln!(out, "answer: UNKNOWN; {why}");
        }
    }
    if let Some(dir) = &args.dot {
        let _ = writeln!(
            out,
            "wrote {} Graphviz files to {dir}",
            explanation.automata.len()
        );
    }
    if let Some(file) = &args.smtlib {
        let _ = writeln!(out, "wrote the SMT-LIB 2 question to {file}");
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "verdict:");
    out.push_str(&text_of(
        &explanation.outcome,
        &loaded.messages,
        &loaded.source,
        &loaded.subject,
    ));
    out
}

fn json_report(explanation: &Explanation, loaded: &Loaded) -> Value {
    let parts: Vec<Value> = explanation
        .parts
        .iter()
        .map(|(name, formula)| json!({"name": name, "formula": formula}))
        .collect();
    let answer = match &explanation.answer {
        Answer::Sat(request) => json!({"result": "SAT", "model": request_json(request)}),
        Answer::Unsat(reasons) => json!({"result": "UNSAT", "reasons": reasons}),
        Answer::Unknown(why) => json!({"result": "UNKNOWN", "why": why}),
    };
    json!({
        "question": explanation.shape,
        "parts": parts,
        "clauses": explanation.clauses,
        "gates": explanation
            .gates
            .iter()
            .map(|(name, formula)| json!({"gate": name, "formula": formula}))
            .collect::<Vec<_>>(),
        "trace": explanation.trace,
        "answer": answer,
        "verdict": json_of(&explanation.outcome, &loaded.messages),
    })
}

fn limit(detail: Detail, normal: usize, total: usize) -> usize {
    if detail == Detail::Full {
        total
    } else {
        total.min(normal)
    }
}

fn more(out: &mut String, hidden: usize) {
    if hidden > 0 {
        let _ = writeln!(out, "  … {hidden} more (--detail full shows all)");
    }
}

fn shorten(formula: &str, detail: Detail) -> String {
    if detail == Detail::Full || formula.chars().count() <= FORMULA_CHARS {
        return formula.to_string();
    }
    let kept: String = formula.chars().take(FORMULA_CHARS).collect();
    format!(
        "{kept} … ({} characters; --detail full shows all)",
        formula.chars().count()
    )
}
