//! IP addresses: membership in networks of either family.
//!
//! Each literal says the address is inside a range (a network asserted) or outside it (a network
//! negated). An address has one family, so all inside-ranges must share it (two of different
//! families conflict); the family is then fixed, or free when there is no inside-range (IPv4 is
//! tried first). Within the family, the literals are consistent when the intersection of the
//! inside-ranges, minus the union of the outside-ranges of that family, still holds an address;
//! a sweep over the outside-ranges sorted by their start finds the first free address. A
//! conflict is explained by the (at most two) inside-ranges that bound the intersection and the
//! outside-ranges that cover what is left.

use crate::lit::Lit;
use keyaki_logic::IpRange;
use keyaki_logic::value::ip_from_bits;
use std::net::IpAddr;

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
pub fn solve(facts: &[Membership]) -> Result<IpAddr, Vec<Lit>> {
    let inside: Vec<&Membership> = facts.iter().filter(|f| f.inside).collect();
    if let Some(first) = inside.first()
        && let Some(other) = inside.iter().find(|f| f.range.v6 != first.range.v6)
    {
        return Err(vec![first.lit, other.lit]);
    }
    match inside.first() {
        Some(first) => in_family(facts, first.range.v6),
        None => match in_family(facts, false) {
            Ok(address) => Ok(address),
            Err(mut conflict) => in_family(facts, true).map_err(|more| {
                conflict.extend(more);
                conflict.sort_unstable();
                conflict.dedup();
                conflict
            }),
        },
    }
}

/// The sweep within one family.
fn in_family(facts: &[Membership], v6: bool) -> Result<IpAddr, Vec<Lit>> {
    let facts: Vec<Membership> = facts.iter().filter(|f| f.range.v6 == v6).copied().collect();
    let facts = facts.as_slice();
    let top = if v6 { u128::MAX } else { u128::from(u32::MAX) };
    let (mut low, mut high) = (0u128, top);
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
    Ok(ip_from_bits(v6, candidate))
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
        assert_eq!(addr, "10.128.0.0".parse::<IpAddr>().unwrap());
        let conflict =
            solve(&[m(0, ten, true), m(1, ten_low, false), m(2, ten_high, false)]).unwrap_err();
        assert_eq!(conflict.len(), 3);
        let v6 = IpRange::v6(0, 0);
        assert!(
            solve(&[m(0, ten, true), m(1, v6, true)]).is_err(),
            "no address is both IPv4 and IPv6"
        );
        assert_eq!(solve(&[]).unwrap(), "0.0.0.0".parse::<IpAddr>().unwrap());
        let all_v4 = IpRange::v4(0, 0);
        let top = IpRange::v6(u128::MAX, 128);
        assert_eq!(
            solve(&[m(0, all_v4, false), m(1, top, false)]).unwrap(),
            "::".parse::<IpAddr>().unwrap(),
            "IPv4 exhausted: an IPv6 address"
        );
        let near_top = IpRange::v6(u128::MAX, 120);
        assert_eq!(
            solve(&[m(0, near_top, true), m(1, top, false)]).unwrap(),
            "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ff00"
                .parse::<IpAddr>()
                .unwrap()
        );
    }
}
