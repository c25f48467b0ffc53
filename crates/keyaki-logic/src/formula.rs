//! Formulas: hash-consed Boolean structure over atoms, built only by simplifying constructors.
//!
//! A [`Context`] owns every variable, atom and formula node of a question. A [`Formula`] is a
//! small handle (an index). Nodes are *hash-consed*: building the same node twice returns the
//! same handle, so a subformula shared by two policies (the same statement in the old and the
//! new version) is one node, encoded once, and `x ∧ ¬x` is recognized by comparing handles.
//!
//! The constructors simplify as they build, and each simplification preserves meaning
//! exactly (they are the laws of Boolean algebra, nothing theory-specific):
//!
//! - `¬¬a = a`, `¬⊤ = ⊥`, `¬⊥ = ⊤`;
//! - `∧` and `∨` flatten nested operands of the same kind, drop neutral constants, stop at
//!   absorbing ones, drop duplicates, sort operands (so `a ∧ b` and `b ∧ a` are one node), and
//!   collapse `a ∧ ¬a` to `⊥` and `a ∨ ¬a` to `⊤`; zero operands give the neutral constant and
//!   one operand gives itself;
//! - `a → b` is `¬a ∨ b`.

use crate::term::{Atom, Piece, Sort, Var};
use rustc_hash::FxHashMap;

/// A handle to a formula node of a [`Context`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Formula(pub u32);

/// A handle to an atom of a [`Context`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AtomId(pub u32);

/// One node of the formula graph.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Node {
    /// ⊤
    True,
    /// ⊥
    False,
    /// A theory atom.
    Atom(AtomId),
    /// ¬
    Not(Formula),
    /// ∧ of two or more operands, sorted, no duplicates.
    And(Vec<Formula>),
    /// ∨ of two or more operands, sorted, no duplicates.
    Or(Vec<Formula>),
}

/// A declared variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VarInfo {
    /// Its name as printed (`Action`, `aws:SourceIp`).
    pub name: String,
    /// What it ranges over.
    pub sort: Sort,
}

/// The variables, atoms and formulas of one question.
#[derive(Debug, Clone)]
pub struct Context {
    vars: Vec<VarInfo>,
    var_index: FxHashMap<String, Var>,
    atoms: Vec<Atom>,
    atom_index: FxHashMap<Atom, AtomId>,
    nodes: Vec<Node>,
    node_index: FxHashMap<Node, Formula>,
}

impl Default for Context {
    fn default() -> Self {
        let mut context = Context {
            vars: Vec::new(),
            var_index: FxHashMap::default(),
            atoms: Vec::new(),
            atom_index: FxHashMap::default(),
            nodes: Vec::new(),
            node_index: FxHashMap::default(),
        };
        context.intern(Node::True);
        context.intern(Node::False);
        context
    }
}

/// A variable declared twice with different sorts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SortClash {
    /// The variable's name.
    pub name: String,
    /// The sort it was declared with first.
    pub first: Sort,
    /// The sort asked for now.
    pub second: Sort,
}

impl Context {
    /// An empty context.
    pub fn new() -> Self {
        Context::default()
    }

    /// The variable named `name`, declared with `sort` on first use.
    pub fn var(&mut self, name: &str, sort: Sort) -> Result<Var, SortClash> {
        if let Some(&var) = self.var_index.get(name) {
            let first = self.var_info(var).map(|info| info.sort).unwrap_or(sort);
            return if first == sort {
                Ok(var)
            } else {
                Err(SortClash {
                    name: name.to_string(),
                    first,
                    second: sort,
                })
            };
        }
        let var = Var(self.vars.len() as u32);
        self.vars.push(VarInfo {
            name: name.to_string(),
            sort,
        });
        self.var_index.insert(name.to_string(), var);
        Ok(var)
    }

    /// A variable's declaration.
    pub fn var_info(&self, var: Var) -> Option<&VarInfo> {
        self.vars.get(var.0 as usize)
    }

    /// Every declared variable, in declaration order.
    pub fn vars(&self) -> impl Iterator<Item = (Var, &VarInfo)> {
        self.vars
            .iter()
            .enumerate()
            .map(|(i, info)| (Var(i as u32), info))
    }

    /// The atom behind a handle.
    pub fn atom(&self, id: AtomId) -> Option<&Atom> {
        self.atoms.get(id.0 as usize)
    }

    /// The handle of an atom, if a formula of this context uses it (no atom is created).
    pub fn find_atom(&self, atom: &Atom) -> Option<AtomId> {
        self.atom_index.get(atom).copied()
    }

    /// Every atom, in creation order.
    pub fn atoms(&self) -> impl Iterator<Item = (AtomId, &Atom)> {
        self.atoms
            .iter()
            .enumerate()
            .map(|(i, a)| (AtomId(i as u32), a))
    }

    /// The node behind a handle.
    pub fn node(&self, f: Formula) -> &Node {
        self.nodes.get(f.0 as usize).unwrap_or(&Node::False)
    }

    /// The number of distinct formula nodes built so far.
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    fn intern(&mut self, node: Node) -> Formula {
        if let Some(&f) = self.node_index.get(&node) {
            return f;
        }
        let f = Formula(self.nodes.len() as u32);
        self.nodes.push(node.clone());
        self.node_index.insert(node, f);
        f
    }

    /// ⊤
    pub fn tru(&self) -> Formula {
        Formula(0)
    }

    /// ⊥
    pub fn fls(&self) -> Formula {
        Formula(1)
    }

    /// A constant.
    pub fn constant(&self, value: bool) -> Formula {
        if value { self.tru() } else { self.fls() }
    }

    /// An atom as a formula (interned: the same atom is always the same handle).
    pub fn atom_formula(&mut self, atom: Atom) -> Formula {
        // `x ∈ "*"` holds for every string: ⊤, not a question for a theory.
        if let Atom::StrIn { pattern, .. } = &atom
            && pattern.pieces == [Piece::AnyRun]
        {
            return self.tru();
        }
        let id = match self.atom_index.get(&atom) {
            Some(&id) => id,
            None => {
                let id = AtomId(self.atoms.len() as u32);
                self.atoms.push(atom.clone());
                self.atom_index.insert(atom, id);
                id
            }
        };
        self.intern(Node::Atom(id))
    }

    /// ¬a
    pub fn not(&mut self, a: Formula) -> Formula {
        match self.node(a) {
            Node::True => self.fls(),
            Node::False => self.tru(),
            Node::Not(inner) => *inner,
            _ => self.intern(Node::Not(a)),
        }
    }

    /// a ∧ b ∧ …
    pub fn and(&mut self, operands: impl IntoIterator<Item = Formula>) -> Formula {
        self.junction(operands, true)
    }

    /// a ∨ b ∨ …
    pub fn or(&mut self, operands: impl IntoIterator<Item = Formula>) -> Formula {
        self.junction(operands, false)
    }

    /// a → b
    pub fn implies(&mut self, a: Formula, b: Formula) -> Formula {
        let not_a = self.not(a);
        self.or([not_a, b])
    }

    /// a ↔ b, as (a → b) ∧ (b → a).
    pub fn iff(&mut self, a: Formula, b: Formula) -> Formula {
        let forward = self.implies(a, b);
        let backward = self.implies(b, a);
        self.and([forward, backward])
    }

    fn junction(&mut self, operands: impl IntoIterator<Item = Formula>, is_and: bool) -> Formula {
        let (neutral, absorbing) = if is_and {
            (self.tru(), self.fls())
        } else {
            (self.fls(), self.tru())
        };
        let mut flat: Vec<Formula> = Vec::new();
        let mut pending: Vec<Formula> = operands.into_iter().collect();
        pending.reverse();
        while let Some(f) = pending.pop() {
            if f == neutral {
                continue;
            }
            if f == absorbing {
                return absorbing;
            }
            match (self.node(f), is_and) {
                (Node::And(inner), true) | (Node::Or(inner), false) => {
                    pending.extend(inner.iter().rev())
                }
                _ => flat.push(f),
            }
        }
        flat.sort_unstable();
        flat.dedup();
        for &f in &flat {
            if let Node::Not(inner) = self.node(f)
                && flat.binary_search(inner).is_ok()
            {
                return absorbing;
            }
        }
        match flat.len() {
            0 => neutral,
            1 => flat.first().copied().unwrap_or(neutral),
            _ => self.intern(if is_and {
                Node::And(flat)
            } else {
                Node::Or(flat)
            }),
        }
    }

    /// Evaluates a formula under an assignment of its atoms.
    pub fn eval(&self, f: Formula, atom_value: &mut impl FnMut(AtomId, &Atom) -> bool) -> bool {
        match self.node(f) {
            Node::True => true,
            Node::False => false,
            Node::Atom(id) => self.atom(*id).is_some_and(|a| atom_value(*id, a)),
            Node::Not(inner) => !self.eval(*inner, atom_value),
            Node::And(operands) => operands.iter().all(|g| self.eval(*g, atom_value)),
            Node::Or(operands) => operands.iter().any(|g| self.eval(*g, atom_value)),
        }
    }

    /// The atoms a formula mentions, ascending.
    pub fn atoms_of(&self, f: Formula) -> Vec<AtomId> {
        let mut found = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let mut stack = vec![f];
        while let Some(g) = stack.pop() {
            if !seen.insert(g) {
                continue;
            }
            match self.node(g) {
                Node::Atom(id) => found.push(*id),
                Node::Not(inner) => stack.push(*inner),
                Node::And(operands) | Node::Or(operands) => stack.extend(operands),
                Node::True | Node::False => {}
            }
        }
        found.sort_unstable();
        found.dedup();
        found
    }
}
