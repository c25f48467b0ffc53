//! The SMT formula corpus: `corpus/smt/TOPIC-NAME.json`, formulas with known verdicts.
//!
//! ```json
//! {"description": "…", "evidence": "why each verdict is right (an argument, or z3's agreement)",
//!  "vars": {"Action": "string-ci", "Resource": "string", "n": "number", "t": "date",
//!           "ip": "ip", "b": "bool", "tags": "set"},
//!  "cases": [{"name": "…", "formula": "(and (in Action \"s3:Get*\") …)", "expect": "sat"}]}
//! ```
//!
//! Formulas use the s-expression syntax of `keyaki_logic::sexpr`. A SAT answer's model is
//! checked by evaluating the formula on it with an independent matcher. Set `KEYAKI_TEST` to
//! filter files by name; set `KEYAKI_SMT_DUMP=DIR` to write every case as SMT-LIB 2 for z3.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a broken expectation should stop the test loudly"
)]

mod common;

use keyaki_logic::{Context, Sort};
use keyaki_solver::{SmtConfig, SmtResult, check};
use serde::Deserialize;

#[path = "../../../tests/support/corpus_files.rs"]
mod corpus_files;

use corpus_files::{Tally, json_files, selected};
use std::collections::BTreeMap;
use std::path::Path;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FormulaFile {
    description: String,
    evidence: String,
    vars: BTreeMap<String, String>,
    cases: Vec<FormulaCase>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FormulaCase {
    name: String,
    formula: String,
    expect: String,
}

fn sort_of(name: &str) -> Sort {
    match name {
        "string" => Sort::Str { ignore_case: false },
        "string-ci" => Sort::Str { ignore_case: true },
        "number" => Sort::Num,
        "date" => Sort::Date,
        "ip" => Sort::Ip,
        "bool" => Sort::Bool,
        "set" => Sort::StrSet,
        other => panic!("unknown sort `{other}`"),
    }
}

#[test]
fn smt_corpus() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus/smt");
    let files = json_files(&dir);
    let dump = std::env::var_os("KEYAKI_SMT_DUMP");
    let (mut cases, mut failures) = (0, Vec::new());
    let mut tally = Tally::default();
    for path in &files {
        let name = path.file_stem().unwrap().to_string_lossy().to_string();
        if !selected(&name) {
            continue;
        }
        let file: FormulaFile = serde_json::from_str(&std::fs::read_to_string(path).unwrap())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(
            !file.description.trim().is_empty() && !file.evidence.trim().is_empty(),
            "{name}: description and evidence are required"
        );
        for case in &file.cases {
            cases += 1;
            let mut cx = Context::new();
            for (var, sort) in &file.vars {
                cx.var(var, sort_of(sort)).unwrap();
            }
            let f = keyaki_logic::sexpr::parse(&mut cx, &case.formula)
                .unwrap_or_else(|e| panic!("{name}/{}: {e}", case.name));
            if let Some(dir) = &dump
                && let Ok(smt) = cx.to_smtlib(f)
            {
                std::fs::write(
                    Path::new(dir).join(format!("{name}--{}.smt2", case.name)),
                    smt,
                )
                .unwrap();
            }
            let answer = check(&cx, f, SmtConfig::default());
            let got = match &answer {
                SmtResult::Sat(model) => {
                    if !common::assignment(&cx, model).holds(&cx, f) {
                        failures.push(format!(
                            "{name}/{}: the model does not satisfy the formula: {model:?}",
                            case.name
                        ));
                    }
                    "sat"
                }
                SmtResult::Unsat => "unsat",
                SmtResult::Unknown(_) => "unknown",
            };
            tally.record(&format!("smt {}", case.expect), &name, got == case.expect);
            if got != case.expect {
                failures.push(format!(
                    "{name}/{}: expected {}, got {got} for {}",
                    case.name,
                    case.expect,
                    cx.show(f)
                ));
            }
        }
    }
    tally.finish(
        "SMT corpus (corpus/smt)",
        "formulas",
        (cases, files.len()),
        1,
        &failures,
    );
}
