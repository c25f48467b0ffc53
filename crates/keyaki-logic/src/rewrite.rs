//! Rewriting formulas for people to read: atoms whose truth is known written in, and
//! subformulas simplified by what their context already says.
//!
//! A question's formula is built for the solver: a policy's `allows` repeats, in its `Deny`
//! part, atoms its `Allow` part already decided. When keyaki prints a condition (the contexts
//! in which a request is allowed, say), it first writes in what is fixed
//! ([`Context::with_atoms_decided`]), then rewrites each operand of `∧` knowing the others are
//! true and each operand of `∨` knowing the others are false
//! ([`Context::simplified_in_context`]). Both are equivalences: the result means what the
//! formula meant (under the decided atoms).

use crate::formula::{Context, Formula, Node};
use crate::term::Atom;
use std::collections::{HashMap, HashSet};

/// What is known true or false at a point of a formula.
type Facts = HashMap<Formula, bool>;

/// Above this many nodes a formula is left as it is by [`Context::simplified_in_context`]:
/// contextual rewriting revisits shared subformulas, which only readable formulas can afford.
pub const READABLE_NODES: usize = 400;

impl Context {
    /// `f` with each atom for which `truth` gives a value replaced by that constant.
    pub fn with_atoms_decided(
        &mut self,
        f: Formula,
        truth: &impl Fn(&Atom) -> Option<bool>,
    ) -> Formula {
        let mut memo = HashMap::new();
        self.decide_atoms(f, truth, &mut memo)
    }

    fn decide_atoms(
        &mut self,
        f: Formula,
        truth: &impl Fn(&Atom) -> Option<bool>,
        memo: &mut HashMap<Formula, Formula>,
    ) -> Formula {
        if let Some(done) = memo.get(&f) {
            return *done;
        }
        let result = match self.node(f).clone() {
            Node::True | Node::False => f,
            Node::Atom(id) => match self.atom(id).and_then(truth) {
                Some(value) => self.constant(value),
                None => f,
            },
            Node::Not(inner) => {
                let inner = self.decide_atoms(inner, truth, memo);
                self.not(inner)
            }
            Node::And(operands) => {
                let operands: Vec<Formula> = operands
                    .into_iter()
                    .map(|o| self.decide_atoms(o, truth, memo))
                    .collect();
                self.and(operands)
            }
            Node::Or(operands) => {
                let operands: Vec<Formula> = operands
                    .into_iter()
                    .map(|o| self.decide_atoms(o, truth, memo))
                    .collect();
                self.or(operands)
            }
        };
        memo.insert(f, result);
        result
    }

    /// `f` simplified by contextual rewriting: within `a ∧ b`, `b` is rewritten knowing `a` is
    /// true (`a ∧ b ≡ a ∧ b[a := ⊤]`), within `a ∨ b` knowing `a` is false; one sweep forward
    /// over the operands, then one backward. A formula of [`READABLE_NODES`] nodes or more is
    /// returned as it is.
    pub fn simplified_in_context(&mut self, f: Formula) -> Formula {
        if self.reachable_nodes(f, READABLE_NODES) >= READABLE_NODES {
            return f;
        }
        self.simplify_under(f, &Facts::new())
    }

    /// How many distinct nodes `f` reaches, counting up to `limit`.
    fn reachable_nodes(&self, f: Formula, limit: usize) -> usize {
        let mut seen = HashSet::new();
        let mut stack = vec![f];
        while let Some(next) = stack.pop() {
            if seen.len() >= limit {
                break;
            }
            if !seen.insert(next) {
                continue;
            }
            match self.node(next) {
                Node::Not(inner) => stack.push(*inner),
                Node::And(operands) | Node::Or(operands) => stack.extend(operands.iter().copied()),
                _ => {}
            }
        }
        seen.len()
    }

    fn simplify_under(&mut self, f: Formula, facts: &Facts) -> Formula {
        if let Some(value) = facts.get(&f) {
            return self.constant(*value);
        }
        match self.node(f).clone() {
            Node::Not(inner) => {
                let inner = self.simplify_under(inner, facts);
                self.not(inner)
            }
            Node::And(operands) => {
                let operands = self.sweep(operands, facts, true);
                self.and(operands)
            }
            Node::Or(operands) => {
                let operands = self.sweep(operands, facts, false);
                self.or(operands)
            }
            _ => f,
        }
    }

    /// The operands of an `∧` (`value` true) or `∨` (false), each simplified assuming the
    /// ones before it have `value`, forward then backward.
    fn sweep(&mut self, operands: Vec<Formula>, facts: &Facts, value: bool) -> Vec<Formula> {
        let mut operands = operands;
        for backward in [false, true] {
            if backward {
                operands.reverse();
            }
            let mut known = facts.clone();
            let mut done = Vec::with_capacity(operands.len());
            for operand in &operands {
                let simplified = self.simplify_under(*operand, &known);
                self.assume(&mut known, simplified, value);
                done.push(simplified);
            }
            operands = done;
        }
        operands
    }

    /// Records that `f` has `value`, and what follows at once: the operands of a true `∧` are
    /// true, those of a false `∨` false, and `¬x` has the opposite value of `x`.
    fn assume(&self, facts: &mut Facts, f: Formula, value: bool) {
        if facts.insert(f, value).is_some() {
            return;
        }
        match self.node(f).clone() {
            Node::Not(inner) => self.assume(facts, inner, !value),
            Node::And(operands) if value => {
                for operand in operands {
                    self.assume(facts, operand, true);
                }
            }
            Node::Or(operands) if !value => {
                for operand in operands {
                    self.assume(facts, operand, false);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::{Atom, Context, Pattern, Sort};

    #[test]
    fn a_conjunct_simplifies_its_neighbours() {
        let mut cx = Context::new();
        let region = cx
            .var("aws:RequestedRegion", Sort::Str { ignore_case: false })
            .unwrap_or(crate::Var(0));
        let tls = cx
            .var("aws:SecureTransport", Sort::Str { ignore_case: true })
            .unwrap_or(crate::Var(0));
        let in_region = cx.atom_formula(Atom::StrIn {
            var: region,
            pattern: Pattern::literal("us-east-1"),
            ignore_case: false,
        });
        let insecure = cx.atom_formula(Atom::StrIn {
            var: tls,
            pattern: Pattern::literal("false"),
            ignore_case: true,
        });
        // in_region ∧ ¬(¬in_region ∨ insecure)  ≡  in_region ∧ ¬insecure
        let not_region = cx.not(in_region);
        let either = cx.or([not_region, insecure]);
        let guarded = cx.not(either);
        let f = cx.and([in_region, guarded]);
        let not_insecure = cx.not(insecure);
        let expected = cx.and([in_region, not_insecure]);
        assert_eq!(cx.simplified_in_context(f), expected);
    }

    #[test]
    fn decided_atoms_become_constants() {
        let mut cx = Context::new();
        let action = cx
            .var("Action", Sort::Str { ignore_case: true })
            .unwrap_or(crate::Var(0));
        let get = cx.atom_formula(Atom::StrIn {
            var: action,
            pattern: Pattern::literal("s3:GetObject"),
            ignore_case: true,
        });
        let put = cx.atom_formula(Atom::StrIn {
            var: action,
            pattern: Pattern::literal("s3:PutObject"),
            ignore_case: true,
        });
        let f = cx.or([get, put]);
        let decided = cx.with_atoms_decided(f, &|atom| match atom {
            Atom::StrIn { pattern, .. } => Some(pattern.matches("s3:PutObject", true)),
            _ => None,
        });
        assert_eq!(decided, cx.tru());
    }
}
