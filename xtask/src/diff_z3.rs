//! `cargo xtask diff-z3 [--cases K]`: keyaki's verdicts against z3's on the same questions.
//!
//! Every question of the check corpus (`corpus/checks/`, the formula each case's check
//! decides, built by `Check::build`) and of a fuzz run (`check-no-new-access` on K pairs of
//! random policies, see `fuzz.rs`) is decided by keyaki's solver and exported as SMT-LIB 2
//! (`Context::to_smtlib`, strings as z3's regular-expression membership). z3 decides every
//! exported script in one process; the two answers are compared: SAT against `sat`, UNSAT
//! against `unsat`. An `unknown` from either side, or a question SMT-LIB cannot express, is
//! counted apart. Any disagreement is printed with its script's path and fails the run.
//!
//! z3 is optional: the `z3` binary, or Python's `z3-solver` (`python3 -m pip install
//! z3-solver`). Without either, the command says it skipped and succeeds.

use crate::fuzz::{Rng, policy};
use keyaki_check::check::Check;
use keyaki_check::resource_type::ResourceType;
use keyaki_check::{Access, Encoder};
use keyaki_logic::Context;
use keyaki_policy::{ParseOptions, ParsedPolicy, PolicyType, SourceFile, parse_policy};
use keyaki_solver::{SmtConfig, SmtResult};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

/// One exported question and keyaki's answer.
struct Question {
    label: String,
    script: PathBuf,
    keyaki: &'static str,
}

/// How z3 can be run here, if at all.
enum Z3 {
    Binary,
    Python,
}

fn find_z3() -> Option<Z3> {
    let works = |command: &mut Command| command.output().is_ok_and(|o| o.status.success());
    if works(Command::new("z3").arg("--version")) {
        return Some(Z3::Binary);
    }
    if works(Command::new("python3").args(["-c", "import z3"])) {
        return Some(Z3::Python);
    }
    None
}

fn parse(value: &Value, policy_type: PolicyType) -> Option<ParsedPolicy> {
    let text = serde_json::to_string_pretty(value).ok()?;
    parse_policy(
        &SourceFile::new("diff-z3.json", text.into_bytes()),
        ParseOptions {
            policy_type: Some(policy_type),
            ..ParseOptions::default()
        },
    )
    .ok()
}

/// Decides `check`'s question with keyaki and writes it as SMT-LIB; `None` when SMT-LIB cannot
/// express it.
fn export(check: &Check<'_>, script: &Path) -> Result<Option<&'static str>, String> {
    let vocabulary = check.vocabulary();
    let mut cx = Context::new();
    let mut encoder = Encoder::new(&mut cx, &vocabulary);
    let question = check.build(&mut encoder);
    let Ok(text) = encoder.cx.to_smtlib(question.formula) else {
        return Ok(None);
    };
    std::fs::write(script, text).map_err(|e| format!("cannot write {}: {e}", script.display()))?;
    let answer = match keyaki_solver::check(encoder.cx, question.formula, SmtConfig::default()) {
        SmtResult::Sat(_) => "sat",
        SmtResult::Unsat => "unsat",
        SmtResult::Unknown(_) => "unknown",
    };
    Ok(Some(answer))
}

/// The questions of the check corpus.
fn corpus_questions(out: &Path, questions: &mut Vec<Question>) -> Result<usize, String> {
    let mut inexpressible = 0;
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../corpus/checks");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&corpus)
        .map_err(|e| e.to_string())?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    for file in files {
        let stem = file
            .file_stem()
            .map(|s| s.to_string_lossy().to_string())
            .unwrap_or_default();
        let data: Value =
            serde_json::from_str(&std::fs::read_to_string(&file).map_err(|e| e.to_string())?)
                .map_err(|e| format!("{stem}: {e}"))?;
        let policy_type = match data.get("policyType").and_then(Value::as_str) {
            Some("RESOURCE_POLICY") => PolicyType::Resource,
            _ => PolicyType::Identity,
        };
        for case in data
            .get("cases")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let name = case.get("name").and_then(Value::as_str).unwrap_or("case");
            let label = format!("{stem}/{name}");
            let script = out.join(format!("{stem}--{name}.smt2"));
            let policy_of = |key: &str| case.get(key).and_then(|v| parse(v, policy_type));
            let answer = match case.get("check").and_then(Value::as_str) {
                Some("no-new-access") => match (policy_of("new"), policy_of("existing")) {
                    (Some(new), Some(existing)) => export(
                        &Check::NoNewAccess {
                            new: &new,
                            existing: &existing,
                        },
                        &script,
                    )?,
                    _ => None,
                },
                Some("access-not-granted") => {
                    let access: Vec<Access> = case
                        .get("access")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                        .map(|a| {
                            let list = |key: &str| -> Vec<String> {
                                a.get(key)
                                    .and_then(Value::as_array)
                                    .into_iter()
                                    .flatten()
                                    .filter_map(Value::as_str)
                                    .map(str::to_string)
                                    .collect()
                            };
                            Access {
                                actions: list("actions"),
                                resources: list("resources"),
                            }
                        })
                        .collect();
                    match policy_of("policy") {
                        Some(policy) => export(
                            &Check::AccessNotGranted {
                                policy: &policy,
                                access: &access,
                            },
                            &script,
                        )?,
                        None => None,
                    }
                }
                Some("no-public-access") => {
                    let resource_type = case
                        .get("resourceType")
                        .and_then(Value::as_str)
                        .and_then(ResourceType::named);
                    match (policy_of("policy"), resource_type) {
                        (Some(policy), Some(resource_type)) => export(
                            &Check::NoPublicAccess {
                                policy: &policy,
                                resource_type,
                            },
                            &script,
                        )?,
                        _ => None,
                    }
                }
                _ => continue,
            };
            match answer {
                Some(keyaki) => questions.push(Question {
                    label,
                    script,
                    keyaki,
                }),
                None => inexpressible += 1,
            }
        }
    }
    Ok(inexpressible)
}

/// The questions of a fuzz run: check-no-new-access on random pairs.
fn fuzz_questions(
    cases: usize,
    out: &Path,
    questions: &mut Vec<Question>,
) -> Result<usize, String> {
    let mut rng = Rng::new(2026);
    let mut inexpressible = 0;
    for index in 0..cases {
        let policy_type = if index % 3 == 0 {
            PolicyType::Resource
        } else {
            PolicyType::Identity
        };
        let (new, existing) = (policy(&mut rng, policy_type), policy(&mut rng, policy_type));
        let (Some(new), Some(existing)) = (parse(&new, policy_type), parse(&existing, policy_type))
        else {
            continue;
        };
        let script = out.join(format!("fuzz-{index}.smt2"));
        match export(
            &Check::NoNewAccess {
                new: &new,
                existing: &existing,
            },
            &script,
        )? {
            Some(keyaki) => questions.push(Question {
                label: format!("fuzz #{index}"),
                script,
                keyaki,
            }),
            None => inexpressible += 1,
        }
    }
    Ok(inexpressible)
}

/// z3's answers, in the order of `scripts`.
fn z3_answers(z3: &Z3, scripts: &[&Path]) -> Result<Vec<String>, String> {
    let output = match z3 {
        Z3::Binary => {
            // One z3 process per script, two at a time (CI has two cores).
            let halves: Vec<&[&Path]> = scripts.chunks(scripts.len().div_ceil(2).max(1)).collect();
            let answers: Vec<Vec<String>> = std::thread::scope(|scope| {
                let workers: Vec<_> = halves
                    .iter()
                    .map(|half| {
                        scope.spawn(move || {
                            half.iter()
                                .map(|script| {
                                    Command::new("z3")
                                        .arg("-T:5")
                                        .arg(script)
                                        .output()
                                        .map(|o| {
                                            String::from_utf8_lossy(&o.stdout)
                                                .lines()
                                                .next()
                                                .unwrap_or("unknown")
                                                .trim()
                                                .to_string()
                                        })
                                        .unwrap_or_else(|_| "unknown".to_string())
                                })
                                .collect::<Vec<String>>()
                        })
                    })
                    .collect();
                workers
                    .into_iter()
                    .map(|w| w.join().unwrap_or_default())
                    .collect()
            });
            return Ok(answers.into_iter().flatten().collect());
        }
        Z3::Python => Command::new("python3")
            .args([
                "-c",
                "import sys, z3\nfor path in sys.argv[1:]:\n    s = z3.Solver(); s.set('timeout', 5000)\n    s.from_file(path)\n    print(s.check(), flush=True)",
            ])
            .args(scripts)
            .output()
            .map_err(|e| e.to_string())?,
    };
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).to_string());
    }
    Ok(String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(str::to_string)
        .collect())
}

/// `cargo xtask diff-z3 [--cases K]`.
pub fn run(args: &[String]) -> Result<(), String> {
    let cases = match args {
        [flag, value] if flag == "--cases" => {
            value.parse().map_err(|_| format!("bad count `{value}`"))?
        }
        [] => 100,
        _ => return Err("usage: cargo xtask diff-z3 [--cases K]".to_string()),
    };
    let Some(z3) = find_z3() else {
        println!(
            "diff-z3: skipped (no `z3` binary and no Python `z3` module; `python3 -m pip install z3-solver`)"
        );
        return Ok(());
    };
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/diff-z3");
    std::fs::create_dir_all(&out).map_err(|e| e.to_string())?;
    let mut questions = Vec::new();
    let inexpressible =
        corpus_questions(&out, &mut questions)? + fuzz_questions(cases, &out, &mut questions)?;
    let scripts: Vec<&Path> = questions.iter().map(|q| q.script.as_path()).collect();
    let answers = z3_answers(&z3, &scripts)?;
    let (mut agree, mut unknown, mut disagree) = (0, 0, Vec::new());
    for (question, z3_answer) in questions.iter().zip(&answers) {
        match (question.keyaki, z3_answer.as_str()) {
            (k, z) if k == z => agree += 1,
            // z3 says `unknown`, or `timeout` when -T runs out.
            ("unknown", _) | (_, "unknown" | "timeout") => unknown += 1,
            (k, z) => disagree.push(format!(
                "{}: keyaki {k}, z3 {z} ({})",
                question.label,
                question.script.display()
            )),
        }
    }
    println!(
        "diff-z3: {} questions ({} from the check corpus and {cases} fuzz pairs), {agree} agree, {unknown} unknown or timed out (5 s) on one side, {} disagree, {inexpressible} not expressible in SMT-LIB",
        questions.len(),
        questions.len().saturating_sub(cases),
        disagree.len()
    );
    for line in &disagree {
        println!("  DISAGREE {line}");
    }
    if disagree.is_empty() {
        Ok(())
    } else {
        Err(format!("{} disagreements with z3", disagree.len()))
    }
}
