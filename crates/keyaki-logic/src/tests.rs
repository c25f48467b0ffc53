//! Tests of the formula language: the simplifying constructors and both printers.

use super::*;

fn seed_context() -> (Context, Formula, Formula, Formula) {
    let mut cx = Context::new();
    let action = cx.var("Action", Sort::Str { ignore_case: true }).unwrap();
    let resource = cx
        .var("Resource", Sort::Str { ignore_case: false })
        .unwrap();
    let principal = cx
        .var("Principal", Sort::Str { ignore_case: false })
        .unwrap();
    let put = cx.atom_formula(Atom::StrIn {
        var: action,
        pattern: Pattern::literal("s3:PutObject"),
        ignore_case: true,
    });
    let bucket = cx.atom_formula(Atom::StrIn {
        var: resource,
        pattern: Pattern::literal("arn:aws:s3:::DOC-EXAMPLE-BUCKET"),
        ignore_case: false,
    });
    let account = cx.atom_formula(Atom::StrIn {
        var: principal,
        pattern: Pattern::literal("123456789012"),
        ignore_case: false,
    });
    let policy = cx.and([put, bucket]);
    let outside = cx.not(account);
    let question = cx.and([policy, outside]);
    (cx, policy, question, account)
}

#[test]
fn the_seed_formulas_print_in_the_brief_notation() {
    let (mut cx, policy, question, account) = seed_context();
    assert_eq!(
        cx.show(policy),
        r#"(Action = "s3:PutObject") ∧ (Resource = "arn:aws:s3:::DOC-EXAMPLE-BUCKET")"#
    );
    assert_eq!(
        cx.show(question),
        r#"(Action = "s3:PutObject") ∧ (Resource = "arn:aws:s3:::DOC-EXAMPLE-BUCKET") ∧ (Principal ≠ "123456789012")"#
    );
    // Adding the deny contributes ¬(Principal ≠ 123456789012): the conjunction collapses to ⊥.
    let outside = cx.not(account);
    let not_outside = cx.not(outside);
    let with_deny = cx.and([question, not_outside]);
    assert_eq!(with_deny, cx.fls());
}

#[test]
fn constructors_simplify_and_share() {
    let mut cx = Context::new();
    let x = cx.var("x", Sort::Bool).unwrap();
    let y = cx.var("y", Sort::Bool).unwrap();
    let a = cx.atom_formula(Atom::BoolTrue { var: x });
    let b = cx.atom_formula(Atom::BoolTrue { var: y });
    let (t, f) = (cx.tru(), cx.fls());
    assert_eq!(cx.and([a, b]), cx.and([b, a]), "operands are sorted");
    assert_eq!(cx.and([a, a]), a);
    assert_eq!(cx.and([a, t]), a);
    assert_eq!(cx.and([a, f]), f);
    assert_eq!(cx.or([a, f]), a);
    assert_eq!(cx.or([a, t]), t);
    let not_a = cx.not(a);
    assert_eq!(cx.not(not_a), a);
    assert_eq!(cx.and([a, not_a]), f);
    assert_eq!(cx.or([a, not_a]), t);
    let ab = cx.and([a, b]);
    let nested = cx.and([ab, a, b]);
    assert_eq!(nested, ab, "nested conjunctions flatten");
    assert_eq!(cx.and(std::iter::empty()), t);
    assert_eq!(cx.or(std::iter::empty()), f);
    let again = cx.atom_formula(Atom::BoolTrue { var: x });
    assert_eq!(again, a, "atoms are interned");
    let imp = cx.implies(a, b);
    assert_eq!(
        cx.show(imp),
        "(y = true) ∨ (x = false)",
        "operands in creation order"
    );
    assert!(cx.var("x", Sort::Num).is_err(), "a variable keeps its sort");
}

#[test]
fn evaluation_follows_the_connectives() {
    let (cx, policy, question, _) = seed_context();
    let mut all_true = |_: AtomId, _: &Atom| true;
    assert!(cx.eval(policy, &mut all_true));
    assert!(!cx.eval(question, &mut all_true));
    assert_eq!(cx.atoms_of(question).len(), 3);
}

#[test]
fn every_atom_prints() {
    let mut cx = Context::new();
    let s = cx
        .var("aws:username", Sort::Str { ignore_case: false })
        .unwrap();
    let n = cx.var("s3:max-keys", Sort::Num).unwrap();
    let d = cx.var("aws:CurrentTime", Sort::Date).unwrap();
    let ip = cx.var("aws:SourceIp", Sort::Ip).unwrap();
    let b = cx.var("aws:SecureTransport", Sort::Bool).unwrap();
    let set = cx.var("aws:TagKeys", Sort::StrSet).unwrap();
    let atoms = vec![
        Atom::StrIn {
            var: s,
            pattern: Pattern::parse("a*?${x}"),
            ignore_case: false,
        },
        Atom::StrIn {
            var: s,
            pattern: Pattern::literal("Alice*"),
            ignore_case: true,
        },
        Atom::NumCmp {
            var: n,
            cmp: Cmp::Le,
            value: Number::parse("10.5").unwrap(),
        },
        Atom::DateCmp {
            var: d,
            cmp: Cmp::Lt,
            value: Instant(1_704_067_200_000_000_000),
        },
        Atom::IpIn {
            var: ip,
            range: IpRange::v4(0x0A00_0000, 8),
        },
        Atom::BoolTrue { var: b },
        Atom::Present { var: set },
        Atom::SetAny {
            var: set,
            patterns: vec![Pattern::parse("team*"), Pattern::literal("env")],
            negated: false,
            ignore_case: false,
        },
        Atom::SetAll {
            var: set,
            patterns: vec![Pattern::literal("a"), Pattern::literal("b")],
            negated: true,
            ignore_case: true,
        },
    ];
    let mut shown = String::new();
    for atom in atoms {
        let f = cx.atom_formula(atom);
        let nf = cx.not(f);
        shown.push_str(&format!("{}\n{}\n", cx.show(f), cx.show(nf)));
    }
    insta::assert_snapshot!("every_atom", shown);
}

#[test]
fn arn_patterns_keep_wildcards_inside_parts() {
    let arn = |t: &str| Pattern::arn(&Pattern::parse(t).pieces).pieces;
    use Piece::*;
    assert_eq!(arn("*"), vec![AnyRun], "a lone star matches everything");
    let s3 = arn("arn:aws:s3:::b/*");
    assert_eq!(
        s3.last(),
        Some(&AnyRun),
        "the resource part's star crosses colons"
    );
    let ec2 = arn("arn:aws:ec2:*:*:instance/*");
    assert_eq!(ec2.iter().filter(|p| **p == PartRun).count(), 2);
    assert_eq!(ec2.last(), Some(&AnyRun));
    let short = arn("arn:aws:ec2:us-*");
    assert_eq!(
        short.last(),
        Some(&AnyRun),
        "a short pattern's final star matches the rest"
    );
    let closed = arn("arn:aws:ec2:*-1");
    assert!(closed.contains(&PartRun) && !closed.contains(&AnyRun));
    assert!(arn("arn:aws:iam::?:root").contains(&PartChar));
}

#[test]
fn smtlib_export() {
    let (cx, _, question, _) = seed_context();
    insta::assert_snapshot!("seed_question_smtlib", cx.to_smtlib(question).unwrap());
    let mut cx = Context::new();
    let n = cx.var("s3:max-keys", Sort::Num).unwrap();
    let ip = cx.var("aws:SourceIp", Sort::Ip).unwrap();
    let u = cx
        .var("aws:username", Sort::Str { ignore_case: false })
        .unwrap();
    let a = cx.atom_formula(Atom::NumCmp {
        var: n,
        cmp: Cmp::Gt,
        value: Number::parse("-2.5").unwrap(),
    });
    let b = cx.atom_formula(Atom::IpIn {
        var: ip,
        range: IpRange::v4(0xCB00_7100, 24),
    });
    let c = cx.atom_formula(Atom::StrIn {
        var: u,
        pattern: Pattern::parse("Al\"é*"),
        ignore_case: true,
    });
    let p = cx.atom_formula(Atom::Present { var: u });
    let nc = cx.not(c);
    let f = cx.and([a, b, nc, p]);
    insta::assert_snapshot!("mixed_smtlib", cx.to_smtlib(f).unwrap());
    let set = cx.var("aws:TagKeys", Sort::StrSet).unwrap();
    let s = cx.atom_formula(Atom::Present { var: set });
    assert!(
        cx.to_smtlib(s).is_err(),
        "sets are refused, not mistranslated"
    );
}
