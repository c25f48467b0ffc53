//! Graphviz DOT pictures of automata, for teaching.
//!
//! [`nfa_dot`] draws the position automaton as compiled: one node per position, an edge per
//! piece (`*` as a loop plus an ε-edge, since the star may match nothing), the last position
//! doubly circled. [`dfa_dot`] draws what the search really walks: the sets of live positions
//! reachable from the start, one node per set, with edges labelled by the characters of the
//! alphabet ([`crate::alphabet`]); `other` stands for every character no pattern names.
//! [`product_dot`] draws the product of several constraints on one string, the object whose
//! emptiness the string theory decides.
//! Output is deterministic, so snapshots can pin it.

use crate::alphabet::Alphabet;
use crate::glob::Piece;
use crate::nfa::GlobNfa;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::fmt::Write as _;

/// The position NFA of one pattern.
pub fn nfa_dot(nfa: &GlobNfa) -> String {
    let n = nfa.pattern().len();
    let mut out = String::new();
    let _ = writeln!(out, "digraph nfa {{");
    let _ = writeln!(out, "  rankdir=LR;");
    let _ = writeln!(
        out,
        "  label={};",
        quote(&format!("{} ({:?})", nfa.pattern(), nfa.case()))
    );
    let _ = writeln!(out, "  node [shape=circle];");
    let _ = writeln!(out, "  start [shape=point];");
    let _ = writeln!(out, "  {n} [shape=doublecircle];");
    let _ = writeln!(out, "  start -> 0;");
    for (i, piece) in nfa.pattern().pieces().iter().enumerate() {
        match piece {
            Piece::Char(c) => {
                let _ = writeln!(out, "  {i} -> {} [label={}];", i + 1, quote(&c.to_string()));
            }
            Piece::AnyChar => {
                let _ = writeln!(out, "  {i} -> {} [label=\"any\"];", i + 1);
            }
            Piece::AnyRun | Piece::PartRun => {
                let label = if *piece == Piece::AnyRun {
                    "any"
                } else {
                    "any but :"
                };
                let _ = writeln!(out, "  {i} -> {i} [label=\"{label}\"];");
                let _ = writeln!(out, "  {i} -> {} [label=\"ε\", style=dashed];", i + 1);
            }
            Piece::PartChar => {
                let _ = writeln!(out, "  {i} -> {} [label=\"any but :\"];", i + 1);
            }
        }
    }
    out.push_str("}\n");
    out
}

/// The reachable sets of live positions of one pattern (its determinization), up to
/// `max_states` sets.
pub fn dfa_dot(nfa: &GlobNfa, max_states: usize) -> String {
    let constraints = [crate::Constraint::member(std::sync::Arc::new(nfa.clone()))];
    let title = format!("{} ({:?}), determinized", nfa.pattern(), nfa.case());
    draw("dfa", &title, &constraints, max_states)
}

/// The product of several constraints on one string (`x ∈ L₁ ∧ x ∉ L₂ …`), each state a
/// tuple of live-position sets, up to `max_states`. This is the product the search decides;
/// the search itself may walk fewer states, following a positive automaton with `?` after a
/// run one position at a time and skipping subsumed states ([`crate::product`]). A state is accepting
/// (doubly circled) when every positive automaton accepts and no negative one does: a word
/// reaching it is a witness. States where a positive automaton is dead are not drawn.
pub fn product_dot(constraints: &[crate::Constraint], max_states: usize) -> String {
    let title: Vec<String> = constraints
        .iter()
        .map(|c| {
            let relation = if c.positive { "∈" } else { "∉" };
            format!("x {relation} {}", c.automaton.pattern())
        })
        .collect();
    draw("product", &title.join(" ∧ "), constraints, max_states)
}

/// The walk of [`dfa_dot`] and [`product_dot`]: breadth first from the start, one state per
/// tuple of live-position sets, edges labelled by the alphabet's characters (`other` for the
/// characters no pattern names), dead ends of a positive automaton left out.
fn draw(name: &str, title: &str, constraints: &[crate::Constraint], max_states: usize) -> String {
    let automata: Vec<&GlobNfa> = constraints.iter().map(|c| c.automaton.as_ref()).collect();
    let alphabet = Alphabet::for_automata(automata.iter().copied());
    let named: Vec<char> = automata.iter().flat_map(|a| a.literal_chars()).collect();
    let start: Vec<Vec<u64>> = automata.iter().map(|a| a.initial().to_vec()).collect();
    let mut ids: HashMap<Vec<Vec<u64>>, usize> = HashMap::from([(start.clone(), 0)]);
    let mut states = vec![start];
    let mut queue = VecDeque::from([0usize]);
    // (from, to) → labels, ordered for stable output.
    let mut edges: BTreeMap<(usize, usize), Vec<String>> = BTreeMap::new();
    while let Some(from) = queue.pop_front() {
        let Some(live) = states.get(from).cloned() else {
            break;
        };
        for &c in alphabet.chars() {
            let next: Vec<Vec<u64>> = automata
                .iter()
                .zip(&live)
                .map(|(automaton, positions)| {
                    let mut next = vec![0; automaton.words()];
                    automaton.step(positions, c, &mut next);
                    next
                })
                .collect();
            let hopeless = constraints
                .iter()
                .zip(&next)
                .any(|(constraint, positions)| {
                    constraint.positive && constraint.automaton.is_dead(positions)
                });
            if hopeless {
                continue;
            }
            let to = match ids.get(&next) {
                Some(&id) => id,
                None if states.len() < max_states => {
                    ids.insert(next.clone(), states.len());
                    states.push(next);
                    queue.push_back(states.len() - 1);
                    states.len() - 1
                }
                None => continue,
            };
            let label = if named
                .iter()
                .any(|n| crate::fold_case(*n) == crate::fold_case(c))
            {
                c.to_string()
            } else {
                "other".to_string()
            };
            edges.entry((from, to)).or_default().push(label);
        }
    }
    let mut out = String::new();
    let _ = writeln!(out, "digraph {name} {{");
    let _ = writeln!(out, "  rankdir=LR;");
    let _ = writeln!(out, "  label={};", quote(title));
    let _ = writeln!(out, "  start [shape=point];");
    let _ = writeln!(out, "  start -> 0;");
    for (id, live) in states.iter().enumerate() {
        let accepting = constraints
            .iter()
            .zip(live)
            .all(|(c, positions)| c.automaton.accepts(positions) == c.positive);
        let shape = if accepting { "doublecircle" } else { "circle" };
        let parts: Vec<String> = automata
            .iter()
            .zip(live)
            .map(|(a, positions)| {
                let shown: Vec<String> = a
                    .positions(positions)
                    .iter()
                    .map(usize::to_string)
                    .collect();
                format!("{{{}}}", shown.join(","))
            })
            .collect();
        let _ = writeln!(
            out,
            "  {id} [shape={shape}, label={}];",
            quote(&parts.join(" "))
        );
    }
    for ((from, to), labels) in &edges {
        let _ = writeln!(
            out,
            "  {from} -> {to} [label={}];",
            quote(&labels.join(" "))
        );
    }
    out.push_str("}\n");
    out
}

fn quote(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}
