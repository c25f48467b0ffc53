//! Variables and atoms: the typed vocabulary formulas are written in.
//!
//! A [`Var`] is one component of a request: the action, the resource, a condition key. Its
//! [`Sort`] says what values it ranges over. An [`Atom`] is a basic statement about one
//! variable that a theory solver can decide: a string matches a pattern, a number is below a
//! bound, an address lies in a network, a key is present. Formulas ([`crate::formula`]) combine
//! atoms with ∧, ∨ and ¬.

use crate::value::{Instant, IpRange, Number};

/// What a variable ranges over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sort {
    /// Text. `ignore_case` is the variable's usual comparison (true for the action), which
    /// printers leave implicit; an atom may still compare differently.
    Str {
        /// Whether comparisons usually ignore letter case.
        ignore_case: bool,
    },
    /// Exact decimal numbers.
    Num,
    /// Instants.
    Date,
    /// IPv4 and IPv6 addresses.
    Ip,
    /// `true` or `false`.
    Bool,
    /// A finite set of strings: a multi-valued key such as `aws:TagKeys`.
    StrSet,
}

/// A variable, by its index in the [`crate::Context`] that declared it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Var(pub u32);

/// One piece of a string pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Piece {
    /// This character.
    Char(char),
    /// Any one character.
    AnyChar,
    /// Any run of characters, possibly empty.
    AnyRun,
    /// Any one character except `:` (a `?` inside one part of an ARN).
    PartChar,
    /// Any run of characters without `:` (a `*` inside one part of an ARN).
    PartRun,
}

impl Piece {
    /// Whether the piece is a run (`*`, or its within-part form).
    pub fn is_run(self) -> bool {
        matches!(self, Piece::AnyRun | Piece::PartRun)
    }
}

/// A string pattern: the IAM wildcard language (`*`, `?`, literal characters).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Pattern {
    /// The pieces; no two `AnyRun` in a row.
    pub pieces: Vec<Piece>,
}

impl Pattern {
    /// Reads IAM wildcard syntax (`*`, `?`; everything else literal).
    pub fn parse(text: &str) -> Pattern {
        Pattern::from_pieces(text.chars().map(|c| match c {
            '*' => Piece::AnyRun,
            '?' => Piece::AnyChar,
            c => Piece::Char(c),
        }))
    }

    /// The pattern matching exactly `text`.
    pub fn literal(text: &str) -> Pattern {
        Pattern::from_pieces(text.chars().map(Piece::Char))
    }

    /// Builds a pattern, merging consecutive runs (the wider one wins).
    pub fn from_pieces(pieces: impl IntoIterator<Item = Piece>) -> Pattern {
        let pieces = pieces.into_iter();
        let mut merged: Vec<Piece> = Vec::with_capacity(pieces.size_hint().0);
        for piece in pieces {
            match merged.last_mut() {
                Some(last) if last.is_run() && piece.is_run() => {
                    if piece == Piece::AnyRun {
                        *last = Piece::AnyRun;
                    }
                }
                _ => merged.push(piece),
            }
        }
        Pattern { pieces: merged }
    }

    /// The pattern that matches the way IAM matches ARNs: the pattern's parts are separated by
    /// its `:` characters; in the first five parts `*` and `?` stay inside their part (they
    /// become [`Piece::PartRun`] and [`Piece::PartChar`]); in the sixth, the resource part,
    /// they match anything. A pattern of fewer than six parts that ends with `*` lets that
    /// last `*` match the rest, further parts included (`arn:aws:s3:*`, `*`).
    pub fn arn(pieces: &[Piece]) -> Pattern {
        let parts = pieces.iter().filter(|p| **p == Piece::Char(':')).count() + 1;
        let open_ended = parts < 6 && pieces.last() == Some(&Piece::AnyRun);
        let mut colons = 0;
        let mut converted = Vec::with_capacity(pieces.len());
        for (i, piece) in pieces.iter().enumerate() {
            let last = i + 1 == pieces.len();
            converted.push(match piece {
                Piece::Char(':') => {
                    colons += 1;
                    Piece::Char(':')
                }
                Piece::AnyRun if colons < 5 && !(last && open_ended) => Piece::PartRun,
                Piece::AnyChar if colons < 5 => Piece::PartChar,
                other => *other,
            });
        }
        Pattern::from_pieces(converted)
    }

    /// The literal text, when the pattern has no wildcard.
    pub fn as_literal(&self) -> Option<String> {
        self.pieces
            .iter()
            .map(|p| match p {
                Piece::Char(c) => Some(*c),
                _ => None,
            })
            .collect()
    }
}

/// A comparison with a constant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Cmp {
    /// `<`
    Lt,
    /// `≤`
    Le,
    /// `=`
    Eq,
    /// `≥`
    Ge,
    /// `>`
    Gt,
}

impl Cmp {
    /// The mathematical symbol.
    pub fn symbol(self) -> &'static str {
        match self {
            Cmp::Lt => "<",
            Cmp::Le => "≤",
            Cmp::Eq => "=",
            Cmp::Ge => "≥",
            Cmp::Gt => ">",
        }
    }

    /// Whether `ordering` (value compared with the constant) satisfies the comparison.
    pub fn holds(self, ordering: std::cmp::Ordering) -> bool {
        match self {
            Cmp::Lt => ordering.is_lt(),
            Cmp::Le => ordering.is_le(),
            Cmp::Eq => ordering.is_eq(),
            Cmp::Ge => ordering.is_ge(),
            Cmp::Gt => ordering.is_gt(),
        }
    }
}

/// A theory atom: a basic, decidable statement about one variable.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Atom {
    /// The string variable matches the pattern (`Action ∈ "s3:Get*"`, or `=` for a literal).
    StrIn {
        /// A `Str` variable.
        var: Var,
        /// The pattern.
        pattern: Pattern,
        /// Whether letter case is ignored.
        ignore_case: bool,
    },
    /// The number variable compares with a constant.
    NumCmp {
        /// A `Num` variable.
        var: Var,
        /// The comparison.
        cmp: Cmp,
        /// The constant.
        value: Number,
    },
    /// The date variable compares with a constant.
    DateCmp {
        /// A `Date` variable.
        var: Var,
        /// The comparison.
        cmp: Cmp,
        /// The constant.
        value: Instant,
    },
    /// The address variable lies in the network.
    IpIn {
        /// An `Ip` variable.
        var: Var,
        /// The network.
        range: IpRange,
    },
    /// The Boolean variable is true.
    BoolTrue {
        /// A `Bool` variable.
        var: Var,
    },
    /// The variable (a request key) is present in the request; for a set, non-empty.
    Present {
        /// Any variable.
        var: Var,
    },
    /// Some element of the set variable matches one of the patterns (`ForAnyValue:`).
    SetAny {
        /// A `StrSet` variable.
        var: Var,
        /// The element must match one of these…
        patterns: Vec<Pattern>,
        /// …or, when `negated`, none of them.
        negated: bool,
        /// Whether letter case is ignored.
        ignore_case: bool,
    },
    /// Every element of the set variable matches one of the patterns (`ForAllValues:`).
    SetAll {
        /// A `StrSet` variable.
        var: Var,
        /// Each element must match one of these…
        patterns: Vec<Pattern>,
        /// …or, when `negated`, none of them.
        negated: bool,
        /// Whether letter case is ignored.
        ignore_case: bool,
    },
}

impl Atom {
    /// The variable the atom is about.
    pub fn var(&self) -> Var {
        match self {
            Atom::StrIn { var, .. }
            | Atom::NumCmp { var, .. }
            | Atom::DateCmp { var, .. }
            | Atom::IpIn { var, .. }
            | Atom::BoolTrue { var }
            | Atom::Present { var }
            | Atom::SetAny { var, .. }
            | Atom::SetAll { var, .. } => *var,
        }
    }
}
