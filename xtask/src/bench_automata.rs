//! `cargo xtask bench-automata`: keyaki's glob automata against regex-automata's dense DFAs.
//!
//! Two workloads, both measured in the same run and printed as a table:
//!
//! 1. **Real patterns.** Every `Action`/`NotAction` pattern (case-insensitive) and every
//!    `Resource`/`NotResource` pattern (case-sensitive) of the AWS managed policies under
//!    `../shared/data/`. Build: compile each pattern. Query: inclusion `L(p) ⊆ L(q)` for a
//!    fixed pseudo-random sample of pattern pairs of the same kind, which is the question a
//!    statement-level check asks. keyaki answers it with its lazy product search; for
//!    regex-automata the same product search runs over the two DFAs' states and byte classes.
//! 2. **Blow-up families.** `*a` followed by `k` `?` (a DFA needs 2^(k+1) states), and `k`
//!    patterns `*a*a*…` intersected: the multi-pattern DFA that regex-automata builds for the
//!    conjunction against keyaki's lazily built product.
//!
//! It prints sizes (automaton states or bytes), build time and query time. Timings are wall
//! clock on this machine, for comparison within one run, not absolute claims.

use keyaki_automata::{Answer, Budget, CaseMode, Constraint, Engine, GlobPattern, Piece};
use regex_automata::dfa::{Automaton as _, dense};
use regex_automata::util::start;
use regex_automata::{Anchored, util::syntax};
use std::collections::{HashSet, VecDeque};
use std::path::Path;
use std::time::{Duration, Instant};

type Dfa = dense::DFA<Vec<u32>>;

pub fn run() -> Result<(), String> {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/aws-managed-policies");
    if data.is_dir() {
        let (actions, resources) = collect_patterns(&data)?;
        println!(
            "real patterns from {} ({} action, {} resource patterns, distinct)\n",
            data.display(),
            actions.len(),
            resources.len()
        );
        header();
        real_patterns("actions", &actions, CaseMode::Insensitive);
        real_patterns("resources", &resources, CaseMode::Sensitive);
    } else {
        println!(
            "skipped the real patterns: {} is not present\n",
            data.display()
        );
        header();
    }
    for k in [8, 12, 14, 16] {
        blow_up_question(k);
    }
    for k in [4, 8, 12] {
        star_family(k);
    }
    Ok(())
}

fn header() {
    println!(
        "{:<34} {:>12} {:>12} {:>14} {:>14} {:>12}",
        "workload", "keyaki size", "dfa size", "keyaki build", "dfa build", "answers"
    );
    println!(
        "{:<34} {:>12} {:>12} {:>14} {:>14} {:>12}",
        "", "(positions)", "(bytes)", "/ query", "/ query", "agree"
    );
}

fn collect_patterns(dir: &Path) -> Result<(Vec<String>, Vec<String>), String> {
    let mut actions = HashSet::new();
    let mut resources = HashSet::new();
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| e.to_string())?
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    for file in files {
        let text = std::fs::read_to_string(&file).map_err(|e| e.to_string())?;
        let Ok(doc) = serde_json::from_str::<serde_json::Value>(&text) else {
            continue;
        };
        let statements = match doc.get("Statement") {
            Some(serde_json::Value::Array(list)) => list.clone(),
            Some(one) => vec![one.clone()],
            None => continue,
        };
        for statement in statements {
            for key in ["Action", "NotAction", "Resource", "NotResource"] {
                let into = if key.ends_with("Action") {
                    &mut actions
                } else {
                    &mut resources
                };
                match statement.get(key) {
                    Some(serde_json::Value::String(s)) => {
                        into.insert(s.clone());
                    }
                    Some(serde_json::Value::Array(list)) => {
                        into.extend(list.iter().filter_map(|v| v.as_str().map(String::from)))
                    }
                    _ => {}
                }
            }
        }
    }
    let mut actions: Vec<String> = actions.into_iter().collect();
    let mut resources: Vec<String> = resources.into_iter().collect();
    actions.sort();
    resources.sort();
    Ok((actions, resources))
}

fn regex_source(pattern: &GlobPattern) -> String {
    let mut source = String::from("(?s)^(?:");
    for piece in pattern.pieces() {
        match piece {
            Piece::Char(c) => source.push_str(&regex_syntax_escape(*c)),
            Piece::AnyChar => source.push('.'),
            Piece::AnyRun => source.push_str(".*"),
            Piece::PartChar => source.push_str("[^:]"),
            Piece::PartRun => source.push_str("[^:]*"),
        }
    }
    source.push_str(")$");
    source
}

fn regex_syntax_escape(c: char) -> String {
    if c.is_ascii_alphanumeric() {
        c.to_string()
    } else {
        format!("\\x{{{:X}}}", u32::from(c))
    }
}

fn build_dfa(sources: &[String], case: CaseMode) -> Result<Dfa, String> {
    dense::Builder::new()
        .syntax(syntax::Config::new().case_insensitive(case == CaseMode::Insensitive))
        .configure(dense::Config::new().start_kind(regex_automata::dfa::StartKind::Anchored))
        .build_many(sources)
        .map_err(|e| e.to_string())
}

/// Whether some string is accepted by every `positive` DFA and by no `negative` one: a
/// breadth-first search over tuples of DFA states, one byte class at a time.
fn dfa_product_nonempty(positive: &[&Dfa], negative: &[&Dfa]) -> bool {
    let all: Vec<&Dfa> = positive.iter().chain(negative).copied().collect();
    let config = start::Config::new().anchored(Anchored::Yes);
    let Ok(start) = all
        .iter()
        .map(|d| d.start_state(&config))
        .collect::<Result<Vec<_>, _>>()
    else {
        return false;
    };
    let mut seen = HashSet::from([start.clone()]);
    let mut queue = VecDeque::from([start]);
    // The first byte of every run of bytes that all DFAs treat alike: the joint byte classes.
    let bytes: Vec<u8> = (0..=255u8)
        .filter(|&b| {
            b == 0
                || all
                    .iter()
                    .any(|d| d.byte_classes().get(b) != d.byte_classes().get(b - 1))
        })
        .collect();
    while let Some(states) = queue.pop_front() {
        let accepting = |i: usize, d: &Dfa| {
            states
                .get(i)
                .is_some_and(|s| d.is_match_state(d.next_eoi_state(*s)))
        };
        let final_state = positive.iter().enumerate().all(|(i, d)| accepting(i, d))
            && negative
                .iter()
                .enumerate()
                .all(|(j, d)| !accepting(positive.len() + j, d));
        if final_state {
            return true;
        }
        for &b in &bytes {
            let next: Vec<_> = all
                .iter()
                .zip(&states)
                .map(|(d, s)| d.next_state(*s, b))
                .collect();
            if positive.iter().zip(&next).any(|(d, s)| d.is_dead_state(*s)) {
                continue;
            }
            if seen.insert(next.clone()) {
                queue.push_back(next);
            }
        }
    }
    false
}

fn real_patterns(kind: &str, texts: &[String], case: CaseMode) {
    let engine = Engine::with_budget(Budget {
        max_minimize: 0,
        ..Budget::default()
    });
    let patterns: Vec<GlobPattern> = texts.iter().map(|t| GlobPattern::parse(t)).collect();
    let began = Instant::now();
    let automata: Vec<_> = patterns.iter().map(|p| engine.automaton(p, case)).collect();
    let keyaki_build = began.elapsed();
    let positions: usize = patterns.iter().map(|p| p.len() + 1).sum();

    let began = Instant::now();
    let mut dfas = Vec::new();
    let mut dfa_bytes = 0;
    for p in &patterns {
        match build_dfa(&[regex_source(p)], case) {
            Ok(dfa) => {
                dfa_bytes += dfa.memory_usage();
                dfas.push(Some(dfa));
            }
            Err(_) => dfas.push(None),
        }
    }
    let dfa_build = began.elapsed();

    // A fixed pseudo-random sample of pairs.
    let mut seed: u64 = 0x5EED;
    let mut pairs = Vec::new();
    for _ in 0..2000 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let i = (seed % patterns.len() as u64) as usize;
        let j = ((seed >> 32) % patterns.len() as u64) as usize;
        pairs.push((i, j));
    }
    let (mut keyaki_query, mut dfa_query) = (Duration::ZERO, Duration::ZERO);
    let mut agree = 0;
    for &(i, j) in &pairs {
        let (Some(a), Some(b)) = (automata.get(i), automata.get(j)) else {
            continue;
        };
        let began = Instant::now();
        let question = [
            Constraint::member(a.clone()),
            Constraint::non_member(b.clone()),
        ];
        let keyaki_nonempty = matches!(
            engine.solve(&question).map(|s| s.answer),
            Ok(Answer::Witness(_))
        );
        keyaki_query += began.elapsed();
        let (Some(Some(da)), Some(Some(db))) = (dfas.get(i), dfas.get(j)) else {
            continue;
        };
        let began = Instant::now();
        let dfa_nonempty = dfa_product_nonempty(&[da], &[db]);
        dfa_query += began.elapsed();
        agree += usize::from(keyaki_nonempty == dfa_nonempty);
    }
    println!(
        "{:<34} {:>12} {:>12} {:>14} {:>14} {:>12}",
        format!("{kind}: build {} patterns", patterns.len()),
        positions,
        dfa_bytes,
        fmt_duration(keyaki_build),
        fmt_duration(dfa_build),
        ""
    );
    println!(
        "{:<34} {:>12} {:>12} {:>14} {:>14} {:>12}",
        format!("{kind}: {} inclusion queries", pairs.len()),
        "",
        "",
        fmt_duration(keyaki_query),
        fmt_duration(dfa_query),
        format!("{agree}/{}", pairs.len())
    );
}

/// `x ∈ P ∧ x ∉ P` for `P = *a?…?` (k `?`): proving it empty visits every reachable
/// position set, 2^(k+1) of them.
fn blow_up_question(k: usize) {
    let text = format!("*a{}", "?".repeat(k));
    let pattern = GlobPattern::parse(&text);
    let engine = Engine::default();
    let began = Instant::now();
    let p = engine.automaton(&pattern, CaseMode::Sensitive);
    let search = engine.solve(&[Constraint::member(p.clone()), Constraint::non_member(p)]);
    let keyaki = began.elapsed();
    let states = search.as_ref().map_or(0, |s| s.states);
    let began = Instant::now();
    let dfa = build_dfa(&[regex_source(&pattern)], CaseMode::Sensitive);
    let dfa_build = began.elapsed();
    let began = Instant::now();
    let dfa_answer = dfa.as_ref().ok().map(|d| dfa_product_nonempty(&[d], &[d]));
    let dfa_query = began.elapsed();
    let agree =
        search.is_ok_and(|s| matches!(s.answer, Answer::Empty { .. })) && dfa_answer == Some(false);
    println!(
        "{:<34} {:>12} {:>12} {:>14} {:>14} {:>12}",
        format!("*a?^{k}: x∈P ∧ x∉P (states)"),
        states,
        dfa.as_ref().map_or(0, |d| d.memory_usage()),
        fmt_duration(keyaki),
        format!("{}+{}", fmt_duration(dfa_build), fmt_duration(dfa_query)),
        if agree { "yes" } else { "NO" }
    );
}

/// `k` patterns `*a*a*…*b` with growing numbers of `a`, all positive, plus one negation:
/// regex-automata determinizes each; keyaki searches their product lazily.
fn star_family(k: usize) {
    let texts: Vec<String> = (1..=k).map(|i| format!("*{}*b", "a*".repeat(i))).collect();
    let patterns: Vec<GlobPattern> = texts.iter().map(|t| GlobPattern::parse(t)).collect();
    let negation = GlobPattern::parse(&format!("*{}*", "a?".repeat(k)));
    let engine = Engine::default();
    let began = Instant::now();
    let mut question: Vec<Constraint> = patterns
        .iter()
        .map(|p| Constraint::member(engine.automaton(p, CaseMode::Sensitive)))
        .collect();
    question.push(Constraint::non_member(
        engine.automaton(&negation, CaseMode::Sensitive),
    ));
    let search = engine.solve(&question);
    let keyaki = began.elapsed();
    let began = Instant::now();
    let dfas: Vec<Dfa> = patterns
        .iter()
        .chain([&negation])
        .filter_map(|p| build_dfa(&[regex_source(p)], CaseMode::Sensitive).ok())
        .collect();
    let dfa_build = began.elapsed();
    let bytes: usize = dfas.iter().map(Dfa::memory_usage).sum();
    let began = Instant::now();
    let (positive, negative) = dfas.split_at(k);
    let positive: Vec<&Dfa> = positive.iter().collect();
    let negative: Vec<&Dfa> = negative.iter().collect();
    let dfa_answer = dfa_product_nonempty(&positive, &negative);
    let dfa_query = began.elapsed();
    let keyaki_answer = search
        .as_ref()
        .map(|s| matches!(s.answer, Answer::Witness(_)));
    println!(
        "{:<34} {:>12} {:>12} {:>14} {:>14} {:>12}",
        format!("{k} × *a*…*b ∧ ¬*a?…* (states)"),
        search.as_ref().map_or(0, |s| s.states),
        bytes,
        fmt_duration(keyaki),
        format!("{}+{}", fmt_duration(dfa_build), fmt_duration(dfa_query)),
        if keyaki_answer == Ok(dfa_answer) {
            "yes"
        } else {
            "NO"
        }
    );
}

fn fmt_duration(d: Duration) -> String {
    if d.as_secs_f64() >= 1.0 {
        format!("{:.2} s", d.as_secs_f64())
    } else if d.as_micros() >= 1000 {
        format!("{:.1} ms", d.as_secs_f64() * 1000.0)
    } else {
        format!("{} µs", d.as_micros())
    }
}
