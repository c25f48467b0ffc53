//! IP addresses: membership in networks, on one integer line for both families.
//!
//! Each literal says the address is inside a range (a network asserted) or outside it (a network
//! negated). The literals are consistent when the intersection of the inside-ranges, minus the
//! union of the outside-ranges, still holds an address; a sweep over the outside-ranges sorted by
//! their start finds the first free address. A conflict is explained by the (at most two)
//! inside-ranges that bound the intersection and the outside-ranges that cover what is left.

use crate::lit::Lit;
use keyaki_logic::IpRange;

/// One asserted membership.
#[derive(Debug, Clone, Copy)]
pub struct Membership {
    /// The SAT literal as assigned.
    pub lit: Lit,
    /// The network.
    pub range: IpRange,
    /// Inside (true) or outside (false).
    pub inside: bool,
}

/// An address satisfying every membership, or a conflicting subset of literals.
pub fn solve(facts: &[Membership]) -> Result<u128, Vec<Lit>> {
    let (mut low, mut high) = (0u128, u128::MAX);
    let (mut low_lit, mut high_lit) = (None, None);
    for fact in facts.iter().filter(|f| f.inside) {
        if fact.range.low > low || low_lit.is_none() && fact.range.low == low {
            low = fact.range.low;
            low_lit = Some(fact.lit);
        }
        if fact.range.high < high || high_lit.is_none() && fact.range.high == high {
            high = fact.range.high;
            high_lit = Some(fact.lit);
        }
    }
    let bounds: Vec<Lit> = low_lit.into_iter().chain(high_lit).collect();
    if low > high {
        let mut clause = bounds;
        clause.dedup();
        return Err(clause);
    }
    let mut outside: Vec<&Membership> = facts
        .iter()
        .filter(|f| !f.inside && f.range.high >= low && f.range.low <= high)
        .collect();
    outside.sort_by_key(|f| (f.range.low, std::cmp::Reverse(f.range.high)));
    // Sweep: the first address from `low` not covered by an outside-range.
    let mut candidate = low;
    let mut covering: Vec<Lit> = Vec::new();
    for fact in outside {
        if fact.range.low > candidate {
            break;
        }
        if fact.range.high >= candidate {
            covering.push(fact.lit);
            match fact.range.high.checked_add(1) {
                Some(next) => candidate = next,
                None => {
                    let mut clause = bounds;
                    clause.extend(covering);
                    clause.sort_unstable();
                    clause.dedup();
                    return Err(clause);
                }
            }
        }
    }
    if candidate > high {
        let mut clause = bounds;
        clause.extend(covering);
        clause.sort_unstable();
        clause.dedup();
        return Err(clause);
    }
    Ok(candidate)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lit::Var;

    fn m(n: u32, range: IpRange, inside: bool) -> Membership {
        Membership {
            lit: Var(n).lit(inside),
            range,
            inside,
        }
    }

    #[test]
    fn inside_minus_outside() {
        let ten = IpRange::v4(0x0A00_0000, 8);
        let ten_low = IpRange::v4(0x0A00_0000, 9);
        let ten_high = IpRange::v4(0x0A80_0000, 9);
        let addr = solve(&[m(0, ten, true), m(1, ten_low, false)]).unwrap();
        assert_eq!(addr, 0x0A80_0000);
        let conflict =
            solve(&[m(0, ten, true), m(1, ten_low, false), m(2, ten_high, false)]).unwrap_err();
        assert_eq!(conflict.len(), 3);
        let v6 = IpRange::v6(0, 0);
        assert!(
            solve(&[m(0, ten, true), m(1, v6, true)]).is_err(),
            "no address is both IPv4 and IPv6"
        );
        assert_eq!(solve(&[]).unwrap(), 0);
    }
}
