//! The SMT layer against independent referees: the design brief's formulas with known
//! verdicts, and seeded random formulas whose SAT answers are checked by evaluating the
//! formula on the model and whose UNSAT answers are checked by brute force over small domains.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a broken expectation should stop the test loudly"
)]

use keyaki_logic::{Atom, Cmp, Context, Formula, Instant, IpRange, Number, Pattern, Sort, Var};
use keyaki_solver::{SmtConfig, SmtResult, Value, check};
use std::collections::BTreeMap;

mod common;

use common::assignment;
use keyaki_logic::Assignment;

fn str_atom(cx: &mut Context, var: Var, pattern: &str, ignore_case: bool) -> Formula {
    cx.atom_formula(Atom::StrIn {
        var,
        pattern: Pattern::parse(pattern),
        ignore_case,
    })
}

fn verdict(cx: &Context, f: Formula) -> SmtResult {
    check(cx, f, SmtConfig::default())
}

#[test]
fn the_design_brief_formulas() {
    let mut cx = Context::new();
    let action = cx.var("Action", Sort::Str { ignore_case: true }).unwrap();
    let resource = cx
        .var("Resource", Sort::Str { ignore_case: false })
        .unwrap();
    let principal = cx
        .var("Principal", Sort::Str { ignore_case: false })
        .unwrap();
    let put = str_atom(&mut cx, action, "s3:PutObject", true);
    let bucket = str_atom(&mut cx, resource, "arn:aws:s3:::DOC-EXAMPLE-BUCKET", false);
    let trusted = str_atom(&mut cx, principal, "123456789012", false);
    // 1. policy = (Action = "s3:PutObject") ∧ (Resource = "arn:aws:s3:::DOC-EXAMPLE-BUCKET"): SAT.
    let policy = cx.and([put, bucket]);
    assert!(matches!(verdict(&cx, policy), SmtResult::Sat(_)));
    // 2. question = policy ∧ (Principal ≠ 123456789012): SAT, with another principal.
    let outside = cx.not(trusted);
    let question = cx.and([policy, outside]);
    let SmtResult::Sat(model) = verdict(&cx, question) else {
        panic!("SAT expected")
    };
    let Some(Value::Str(who)) = model.values.get(&principal) else {
        panic!("a principal value")
    };
    assert_ne!(who, "123456789012");
    // 3. The deny with NotPrincipal contributes ¬(Principal ≠ 123456789012): UNSAT.
    let not_outside = cx.not(outside);
    let with_deny = cx.and([question, not_outside]);
    assert_eq!(verdict(&cx, with_deny), SmtResult::Unsat);
    // 4. The same without hash-consing's help: the deny as an implication over a wildcard
    //    pattern that covers the account, (Principal ∈ "1234*") → ⊥, stays UNSAT by theory.
    let prefix = str_atom(&mut cx, principal, "1234*", false);
    let deny_prefix = cx.not(prefix);
    let must_be_trusted_prefix = cx.and([policy, deny_prefix, trusted]);
    assert_eq!(verdict(&cx, must_be_trusted_prefix), SmtResult::Unsat);
}

#[test]
fn check_no_new_access_shapes() {
    let mut cx = Context::new();
    let action = cx.var("Action", Sort::Str { ignore_case: true }).unwrap();
    let get_all = str_atom(&mut cx, action, "s3:Get*", true);
    let get_object = str_atom(&mut cx, action, "s3:GetObject*", true);
    // Pnew = s3:Get*, Pold = s3:GetObject*: new access exists.
    let not_old = cx.not(get_object);
    let q = cx.and([get_all, not_old]);
    let SmtResult::Sat(model) = verdict(&cx, q) else {
        panic!()
    };
    assert_eq!(
        model.values.get(&action),
        Some(&Value::Str("s3:Get".to_string()))
    );
    // The other way round: none.
    let not_new = cx.not(get_all);
    let q = cx.and([get_object, not_new]);
    assert_eq!(verdict(&cx, q), SmtResult::Unsat);
}

#[test]
fn every_sort_decides() {
    let mut cx = Context::new();
    let n = cx.var("s3:max-keys", Sort::Num).unwrap();
    let d = cx.var("aws:CurrentTime", Sort::Date).unwrap();
    let ip = cx.var("aws:SourceIp", Sort::Ip).unwrap();
    let tags = cx.var("aws:TagKeys", Sort::StrSet).unwrap();
    let num = |cx: &mut Context, cmp, v: &str| {
        cx.atom_formula(Atom::NumCmp {
            var: n,
            cmp,
            value: Number::parse(v).unwrap(),
        })
    };
    let a = num(&mut cx, Cmp::Gt, "1");
    let b = num(&mut cx, Cmp::Lt, "1.5");
    let c = num(&mut cx, Cmp::Ge, "1.5");
    let q = cx.and([a, b]);
    let SmtResult::Sat(m) = verdict(&cx, q) else {
        panic!()
    };
    let Some(Value::Num(v)) = m.values.get(&n) else {
        panic!()
    };
    assert!(*v > Number::integer(1) && *v < Number::parse("1.5").unwrap());
    let q = cx.and([a, b, c]);
    assert_eq!(verdict(&cx, q), SmtResult::Unsat);

    let day = 86_400_000_000_000i128;
    let after = cx.atom_formula(Atom::DateCmp {
        var: d,
        cmp: Cmp::Gt,
        value: Instant(day),
    });
    let before = cx.atom_formula(Atom::DateCmp {
        var: d,
        cmp: Cmp::Lt,
        value: Instant(day + 1),
    });
    let q = cx.and([after, before]);
    assert_eq!(
        verdict(&cx, q),
        SmtResult::Unsat,
        "no nanosecond strictly between"
    );

    let office = cx.atom_formula(Atom::IpIn {
        var: ip,
        range: IpRange::v4(0xCB00_7100, 24),
    });
    let half = cx.atom_formula(Atom::IpIn {
        var: ip,
        range: IpRange::v4(0xCB00_7100, 25),
    });
    let other_half = cx.atom_formula(Atom::IpIn {
        var: ip,
        range: IpRange::v4(0xCB00_7180, 25),
    });
    let not_half = cx.not(half);
    let not_other = cx.not(other_half);
    let q = cx.and([office, not_half]);
    let SmtResult::Sat(m) = verdict(&cx, q) else {
        panic!()
    };
    assert_eq!(
        m.values.get(&ip),
        Some(&Value::Ip("203.0.113.128".parse().unwrap()))
    );
    let q = cx.and([office, not_half, not_other]);
    assert_eq!(verdict(&cx, q), SmtResult::Unsat);

    let any_team = cx.atom_formula(Atom::SetAny {
        var: tags,
        patterns: vec![Pattern::parse("team*")],
        negated: false,
        ignore_case: false,
    });
    let all_env = cx.atom_formula(Atom::SetAll {
        var: tags,
        patterns: vec![Pattern::literal("env")],
        negated: false,
        ignore_case: false,
    });
    let present = cx.atom_formula(Atom::Present { var: tags });
    let q = cx.and([any_team, all_env]);
    assert_eq!(
        verdict(&cx, q),
        SmtResult::Unsat,
        "a team* element cannot be env"
    );
    let not_all_env = cx.not(all_env);
    let q = cx.and([present, not_all_env, any_team]);
    let SmtResult::Sat(m) = verdict(&cx, q) else {
        panic!()
    };
    let Some(Value::Set(elements)) = m.values.get(&tags) else {
        panic!()
    };
    assert!(elements.iter().any(|e| e.starts_with("team")));
    let absent = cx.not(present);
    let q = cx.and([absent, any_team]);
    assert_eq!(
        verdict(&cx, q),
        SmtResult::Unsat,
        "an absent key has no elements"
    );
    let q = cx.and([absent, all_env]);
    assert!(
        matches!(verdict(&cx, q), SmtResult::Sat(_)),
        "ForAllValues holds on an absent key"
    );
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// The small domains brute force ranges over: complete for the generated constants.
fn string_domain() -> Vec<String> {
    let mut all = vec![String::new()];
    let mut layer = vec![String::new()];
    for _ in 0..5 {
        layer = layer
            .iter()
            .flat_map(|s| ["a", "b", "c", "A"].iter().map(move |c| format!("{s}{c}")))
            .collect();
        all.extend(layer.iter().cloned());
    }
    all
}

fn random_atom(cx: &mut Context, rng: &mut Rng, vars: &[(Var, Sort)]) -> Formula {
    let (var, sort) = vars[rng.below(vars.len())];
    let cmps = [Cmp::Lt, Cmp::Le, Cmp::Eq, Cmp::Ge, Cmp::Gt];
    let atom = match sort {
        Sort::Str { .. } => {
            let pieces = ["a", "b", "A", "?", "*"];
            let len = rng.below(4);
            let text: String = (0..len).map(|_| pieces[rng.below(pieces.len())]).collect();
            Atom::StrIn {
                var,
                pattern: Pattern::parse(&text),
                ignore_case: rng.below(4) == 0,
            }
        }
        Sort::Num => Atom::NumCmp {
            var,
            cmp: cmps[rng.below(5)],
            value: Number::integer(rng.below(4) as i128),
        },
        Sort::Date => Atom::DateCmp {
            var,
            cmp: cmps[rng.below(5)],
            value: Instant(rng.below(4) as i128),
        },
        Sort::Ip => {
            let prefix = [30u8, 31, 32][rng.below(3)];
            Atom::IpIn {
                var,
                range: IpRange::v4(rng.below(8) as u32, prefix),
            }
        }
        Sort::Bool => Atom::BoolTrue { var },
        Sort::StrSet => unreachable!(),
    };
    cx.atom_formula(atom)
}

fn random_formula(cx: &mut Context, rng: &mut Rng, vars: &[(Var, Sort)], depth: usize) -> Formula {
    if depth == 0 || rng.below(3) == 0 {
        let atom = random_atom(cx, rng, vars);
        return if rng.below(2) == 0 {
            atom
        } else {
            cx.not(atom)
        };
    }
    let count = 2 + rng.below(3);
    let operands: Vec<Formula> = (0..count)
        .map(|_| random_formula(cx, rng, vars, depth - 1))
        .collect();
    let f = if rng.below(2) == 0 {
        cx.and(operands)
    } else {
        cx.or(operands)
    };
    if rng.below(4) == 0 { cx.not(f) } else { f }
}

/// Every assignment of the small domains to the variables, lazily, until `found` says stop.
fn brute_force(
    vars: &[(Var, Sort)],
    mut found: impl FnMut(&BTreeMap<Var, Value>, &BTreeMap<Var, bool>) -> bool,
) -> bool {
    let strings = string_domain();
    let numbers: Vec<Number> = (-2..=8).map(|h| Number::new(h * 5, 1)).collect(); // -1, -0.5, …, 4
    let dates: Vec<i128> = (-1..=4).collect();
    let ips: Vec<std::net::IpAddr> = (0..=12u32)
        .map(|i| std::net::IpAddr::V4(std::net::Ipv4Addr::from(i)))
        .collect();
    let domain_size = |sort: Sort| match sort {
        Sort::Str { .. } => strings.len(),
        Sort::Num => numbers.len(),
        Sort::Date => dates.len(),
        Sort::Ip => ips.len(),
        Sort::Bool => 2,
        Sort::StrSet => 1,
    };
    let sizes: Vec<usize> = vars.iter().map(|(_, s)| domain_size(*s)).collect();
    let total: usize = sizes.iter().product();
    for mut n in 0..total {
        let mut values = BTreeMap::new();
        let mut bools = BTreeMap::new();
        for (i, (var, sort)) in vars.iter().enumerate() {
            let k = n % sizes[i];
            n /= sizes[i];
            match sort {
                Sort::Str { .. } => {
                    values.insert(*var, Value::Str(strings[k].clone()));
                }
                Sort::Num => {
                    values.insert(*var, Value::Num(numbers[k]));
                }
                Sort::Date => {
                    values.insert(*var, Value::Date(Instant(dates[k])));
                }
                Sort::Ip => {
                    values.insert(*var, Value::Ip(ips[k]));
                }
                Sort::Bool => {
                    bools.insert(*var, k == 1);
                }
                Sort::StrSet => {}
            }
        }
        if found(&values, &bools) {
            return true;
        }
    }
    false
}

#[test]
fn random_formulas_agree_with_evaluation_and_brute_force() {
    let mut rng = Rng(0x00C0_FFEE);
    let (mut sat, mut unsat) = (0, 0);
    for round in 0..400 {
        let mut cx = Context::new();
        let all = [
            ("s", Sort::Str { ignore_case: false }),
            ("n", Sort::Num),
            ("d", Sort::Date),
            ("ip", Sort::Ip),
            ("b", Sort::Bool),
        ];
        // Two or three variables per formula keeps brute force small.
        let mut vars: Vec<(Var, Sort)> = Vec::new();
        let first = rng.below(all.len());
        for k in 0..2 + rng.below(2) {
            let (name, sort) = all[(first + k * 2) % all.len()];
            vars.push((cx.var(name, sort).unwrap(), sort));
        }
        let f = random_formula(&mut cx, &mut rng, &vars, 3);
        match verdict(&cx, f) {
            SmtResult::Sat(model) => {
                assert!(
                    assignment(&cx, &model).holds(&cx, f),
                    "round {round}: the model does not satisfy {}\n{model:?}",
                    cx.show(f)
                );
                sat += 1;
            }
            SmtResult::Unsat => {
                let witness = brute_force(&vars, |values, bools| {
                    Assignment {
                        values: values.clone(),
                        bools: bools.clone(),
                        ..Assignment::default()
                    }
                    .holds(&cx, f)
                });
                assert!(
                    !witness,
                    "round {round}: UNSAT claimed but brute force satisfies {}",
                    cx.show(f)
                );
                unsat += 1;
            }
            SmtResult::Unknown(reason) => {
                panic!("round {round}: unknown ({reason}) for {}", cx.show(f))
            }
        }
    }
    assert!(
        sat > 50 && unsat > 50,
        "both verdicts exercised: {sat} SAT, {unsat} UNSAT"
    );
}
