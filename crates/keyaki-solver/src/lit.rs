//! Variables, literals and three-valued truth.
//!
//! A propositional variable is a number `0..n`; a literal is a variable or its negation,
//! packed into one `u32` as `2·var + sign` (sign 1 = negated), so that a literal indexes arrays
//! directly (watch lists, values) and negation is one XOR. This is MiniSat's encoding (Eén and
//! Sörensson, "An Extensible SAT-solver", SAT 2003).

use std::fmt;
use std::ops::Not;

/// A propositional variable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Var(pub u32);

impl Var {
    /// The variable as an array index.
    pub fn index(self) -> usize {
        self.0 as usize
    }

    /// The positive literal of this variable.
    pub fn positive(self) -> Lit {
        Lit(self.0 << 1)
    }

    /// The negative literal of this variable.
    pub fn negative(self) -> Lit {
        Lit((self.0 << 1) | 1)
    }

    /// The literal of this variable with the given polarity (`true` = positive).
    pub fn lit(self, positive: bool) -> Lit {
        if positive {
            self.positive()
        } else {
            self.negative()
        }
    }
}

/// A literal: a variable or its negation.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Lit(pub u32);

impl Lit {
    /// Its variable.
    pub fn var(self) -> Var {
        Var(self.0 >> 1)
    }

    /// Whether it is the positive literal of its variable.
    pub fn is_positive(self) -> bool {
        self.0 & 1 == 0
    }

    /// The literal as an array index (`2·var + sign`).
    pub fn index(self) -> usize {
        self.0 as usize
    }

    /// Reads a DIMACS literal (`3`, `-7`; never 0).
    pub fn from_dimacs(value: i64) -> Option<Lit> {
        let var = u32::try_from(value.unsigned_abs()).ok()?.checked_sub(1)?;
        (var < u32::MAX >> 1).then(|| Var(var).lit(value > 0))
    }

    /// The DIMACS form of the literal.
    pub fn to_dimacs(self) -> i64 {
        let n = i64::from(self.var().0) + 1;
        if self.is_positive() { n } else { -n }
    }
}

impl Not for Lit {
    type Output = Lit;

    fn not(self) -> Lit {
        Lit(self.0 ^ 1)
    }
}

impl fmt::Debug for Lit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.to_dimacs())
    }
}

impl fmt::Display for Lit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.to_dimacs())
    }
}

/// A truth value that may be unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LBool {
    /// Assigned true.
    True,
    /// Assigned false.
    False,
    /// Not assigned.
    Undef,
}

impl LBool {
    /// `True` or `False` from a `bool`.
    pub fn from_bool(b: bool) -> LBool {
        if b { LBool::True } else { LBool::False }
    }
}
