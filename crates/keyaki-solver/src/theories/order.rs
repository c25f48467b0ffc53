//! Numbers and dates: bounds, equalities and disequalities on one ordered variable.
//!
//! The literals about one variable are comparisons with constants, asserted or negated:
//! `x < 3` false means `x ≥ 3`, `x = 5` false means `x ≠ 5`. They are consistent exactly when
//! the interval between the tightest lower and upper bound holds a value that no disequality
//! excludes. Numbers are dense (exact decimals): a non-empty open interval always has room to
//! spare. Dates are integers (nanoseconds): strict bounds tighten by one, and finitely many
//! disequalities can empty a finite interval.
//!
//! Explanations are the few literals that clash: the two bounds that cross, an equality and the
//! literal it violates, or the two bounds of a small interval with the disequalities covering it.

use crate::lit::Lit;
use keyaki_logic::{Cmp, Number};
use std::cmp::Ordering;

/// One asserted comparison: `value ⋄ constant`, or its negation.
#[derive(Debug, Clone, Copy)]
pub struct Fact<T> {
    /// The SAT literal as assigned (true = the atom holds).
    pub lit: Lit,
    /// The comparison of the atom.
    pub cmp: Cmp,
    /// The constant.
    pub constant: T,
    /// Whether the atom is asserted (true) or negated (false).
    pub holds: bool,
}

/// The effective relation of a fact: a negated `<` is `≥`, a negated `=` is `≠`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Relation {
    Lower { strict: bool },
    Upper { strict: bool },
    Equal,
    NotEqual,
}

fn relation(cmp: Cmp, holds: bool) -> Relation {
    match (cmp, holds) {
        (Cmp::Lt, true) | (Cmp::Ge, false) => Relation::Upper { strict: true },
        (Cmp::Le, true) | (Cmp::Gt, false) => Relation::Upper { strict: false },
        (Cmp::Gt, true) | (Cmp::Le, false) => Relation::Lower { strict: true },
        (Cmp::Ge, true) | (Cmp::Lt, false) => Relation::Lower { strict: false },
        (Cmp::Eq, true) => Relation::Equal,
        (Cmp::Eq, false) => Relation::NotEqual,
    }
}

/// An ordered domain the facts range over.
pub trait Domain: Copy + Ord {
    /// Up to `count` distinct values inside the bounds (each `(value, strict)`), nearest the
    /// lower bound first; fewer only when the interval holds fewer values.
    fn candidates(
        lower: Option<(Self, bool)>,
        upper: Option<(Self, bool)>,
        count: usize,
    ) -> Vec<Self>;
}

impl Domain for Number {
    fn candidates(
        lower: Option<(Self, bool)>,
        upper: Option<(Self, bool)>,
        count: usize,
    ) -> Vec<Self> {
        let mut found = Vec::new();
        match (lower, upper) {
            (Some((low, low_strict)), Some((high, high_strict))) => {
                if !low_strict {
                    found.push(low);
                }
                if !high_strict && high != low {
                    found.push(high);
                }
                // Halving towards the lower bound: every step is a new value strictly inside.
                let mut top = high;
                while found.len() < count && low < top {
                    match low.midpoint(top) {
                        Some(mid) if mid > low && mid < top => {
                            found.push(mid);
                            top = mid;
                        }
                        _ => break,
                    }
                }
            }
            (Some((low, strict)), None) => {
                let mut value = low;
                if !strict {
                    found.push(low);
                }
                while found.len() < count {
                    match value.offset(1) {
                        Some(next) => {
                            found.push(next);
                            value = next;
                        }
                        None => break,
                    }
                }
            }
            (None, Some((high, strict))) => {
                let mut value = high;
                if !strict {
                    found.push(high);
                }
                while found.len() < count {
                    match value.offset(-1) {
                        Some(next) => {
                            found.push(next);
                            value = next;
                        }
                        None => break,
                    }
                }
            }
            (None, None) => {
                found.extend((0..count as i128).map(Number::integer));
            }
        }
        found
    }
}

impl Domain for i128 {
    fn candidates(
        lower: Option<(Self, bool)>,
        upper: Option<(Self, bool)>,
        count: usize,
    ) -> Vec<Self> {
        // Integers: strict bounds tighten by one; then count up from the bottom (or down from
        // the top when there is no bottom).
        let low = lower.map(|(v, strict)| if strict { v.saturating_add(1) } else { v });
        let high = upper.map(|(v, strict)| if strict { v.saturating_sub(1) } else { v });
        let mut found = Vec::new();
        match (low, high) {
            (Some(low), high) => {
                let mut value = low;
                while found.len() < count && high.is_none_or(|h| value <= h) {
                    found.push(value);
                    match value.checked_add(1) {
                        Some(next) => value = next,
                        None => break,
                    }
                }
            }
            (None, Some(high)) => {
                let mut value = high;
                while found.len() < count {
                    found.push(value);
                    match value.checked_sub(1) {
                        Some(next) => value = next,
                        None => break,
                    }
                }
            }
            (None, None) => found.extend(0..count as i128),
        }
        found
    }
}

/// Whether a value satisfies a fact.
fn satisfies<T: Domain>(value: T, fact: &Fact<T>) -> bool {
    fact.cmp.holds(value.cmp(&fact.constant)) == fact.holds
}

/// A value satisfying every fact, or the literals of a small conflicting subset.
pub fn solve<T: Domain>(facts: &[Fact<T>]) -> Result<T, Vec<Lit>> {
    // An equality fixes the value: it is consistent iff every other fact accepts it.
    if let Some(eq) = facts
        .iter()
        .find(|f| relation(f.cmp, f.holds) == Relation::Equal)
    {
        return match facts.iter().find(|f| !satisfies(eq.constant, f)) {
            None => Ok(eq.constant),
            Some(clash) => Err(vec![eq.lit, clash.lit]),
        };
    }
    let mut lower: Option<&Fact<T>> = None;
    let mut upper: Option<&Fact<T>> = None;
    for fact in facts {
        match relation(fact.cmp, fact.holds) {
            Relation::Lower { strict } => {
                let tighter = lower.is_none_or(|l| match fact.constant.cmp(&l.constant) {
                    Ordering::Greater => true,
                    Ordering::Equal => strict && !is_strict(l),
                    Ordering::Less => false,
                });
                if tighter {
                    lower = Some(fact);
                }
            }
            Relation::Upper { strict } => {
                let tighter = upper.is_none_or(|u| match fact.constant.cmp(&u.constant) {
                    Ordering::Less => true,
                    Ordering::Equal => strict && !is_strict(u),
                    Ordering::Greater => false,
                });
                if tighter {
                    upper = Some(fact);
                }
            }
            Relation::Equal | Relation::NotEqual => {}
        }
    }
    let excluded: Vec<&Fact<T>> = facts
        .iter()
        .filter(|f| relation(f.cmp, f.holds) == Relation::NotEqual)
        .collect();
    if let (Some(l), Some(u)) = (lower, upper)
        && (l.constant > u.constant || (l.constant == u.constant && (is_strict(l) || is_strict(u))))
    {
        return Err(vec![l.lit, u.lit]);
    }
    // One more candidate than there are disequalities: if all are excluded, the interval is
    // too small for them.
    let bound = |f: Option<&Fact<T>>| f.map(|f| (f.constant, is_strict(f)));
    let candidates = T::candidates(bound(lower), bound(upper), excluded.len() + 1);
    if let Some(value) = candidates
        .into_iter()
        .find(|v| facts.iter().all(|f| satisfies(*v, f)))
    {
        return Ok(value);
    }
    // Every candidate is excluded: the interval is too small for the disequalities.
    let mut clause: Vec<Lit> = lower.iter().chain(upper.iter()).map(|f| f.lit).collect();
    clause.extend(excluded.iter().map(|f| f.lit));
    Err(clause)
}

fn is_strict<T>(fact: &Fact<T>) -> bool {
    matches!(
        relation(fact.cmp, fact.holds),
        Relation::Lower { strict: true } | Relation::Upper { strict: true }
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lit::Var;

    fn fact<T>(n: u32, cmp: Cmp, constant: T, holds: bool) -> Fact<T> {
        Fact {
            lit: Var(n).lit(holds),
            cmp,
            constant,
            holds,
        }
    }

    #[test]
    fn dense_numbers() {
        let n = |t: &str| Number::parse(t).unwrap();
        let ok = solve(&[
            fact(0, Cmp::Gt, n("1"), true),
            fact(1, Cmp::Lt, n("2"), true),
        ])
        .unwrap();
        assert!(ok > n("1") && ok < n("2"));
        assert!(
            solve(&[
                fact(0, Cmp::Gt, n("2"), true),
                fact(1, Cmp::Lt, n("2"), true)
            ])
            .is_err()
        );
        assert!(
            solve(&[
                fact(0, Cmp::Ge, n("2"), true),
                fact(1, Cmp::Le, n("2"), true)
            ])
            .is_ok()
        );
        let conflict = solve(&[
            fact(0, Cmp::Ge, n("2"), true),
            fact(1, Cmp::Le, n("2"), true),
            fact(2, Cmp::Eq, n("2"), false),
            fact(3, Cmp::Gt, n("0"), true),
        ])
        .unwrap_err();
        assert_eq!(conflict.len(), 3);
        assert!(
            solve(&[
                fact(0, Cmp::Eq, n("5"), true),
                fact(1, Cmp::Lt, n("5"), true)
            ])
            .is_err()
        );
        assert!(
            solve(&[
                fact(0, Cmp::Lt, n("5"), false),
                fact(1, Cmp::Eq, n("5"), false)
            ])
            .is_ok()
        );
    }

    #[test]
    fn integer_dates() {
        assert!(
            solve(&[fact(0, Cmp::Gt, 1i128, true), fact(1, Cmp::Lt, 2i128, true)]).is_err(),
            "no integer strictly between 1 and 2"
        );
        let v = solve(&[
            fact(0, Cmp::Gt, 1i128, true),
            fact(1, Cmp::Lt, 4i128, true),
            fact(2, Cmp::Eq, 2i128, false),
        ])
        .unwrap();
        assert_eq!(v, 3);
        assert!(
            solve(&[
                fact(0, Cmp::Ge, 1i128, true),
                fact(1, Cmp::Le, 2i128, true),
                fact(2, Cmp::Eq, 1i128, false),
                fact(3, Cmp::Eq, 2i128, false)
            ])
            .is_err()
        );
    }
}
