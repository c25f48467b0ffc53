//! The solver's steps on the design brief's cross-account example, pinned by snapshots.
//!
//! The bucket policy allows `s3:PutObject` on the bucket to everyone; the question is whether
//! a principal outside account 123456789012 gets in. With the deny of the brief
//! (`NotPrincipal: 123456789012`, every action and resource) the answer flips to UNSAT: the
//! string theory propagates `Action ∈ "s3:*"` from `Action = "s3:PutObject"` (and the same for
//! the resource), and the deny's clause is false.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a broken expectation should stop the test loudly"
)]

use keyaki_logic::{Context, Sort, sexpr};
use keyaki_solver::{Config, Smt, SmtConfig, SmtResult};

fn traced(formula: &str) -> (String, SmtResult) {
    let mut cx = Context::new();
    cx.var("Action", Sort::Str { ignore_case: true }).unwrap();
    cx.var("Resource", Sort::Str { ignore_case: false })
        .unwrap();
    cx.var("Principal", Sort::Str { ignore_case: false })
        .unwrap();
    let f = sexpr::parse(&mut cx, formula).unwrap();
    let config = SmtConfig {
        sat: Config {
            trace: true,
            ..Config::default()
        },
        ..SmtConfig::default()
    };
    let mut smt = Smt::new(&cx, f, config);
    let result = smt.check();
    let mut text = format!("formula: {}\n\n{}", cx.show(f), smt.trace_text(&cx));
    if let SmtResult::Sat(model) = &result {
        for (var, value) in &model.values {
            let name = cx
                .var_info(*var)
                .map(|i| i.name.clone())
                .unwrap_or_default();
            text.push_str(&format!("  {name} = {value:?}\n"));
        }
    }
    (text, result)
}

const ALLOW: &str =
    r#"(and (= Action "s3:PutObject") (= Resource "arn:aws:s3:::DOC-EXAMPLE-BUCKET"))"#;

#[test]
fn cross_account_question_is_sat() {
    let (text, result) = traced(&format!(
        r#"(and {ALLOW} (not (= Principal "123456789012")))"#
    ));
    assert!(matches!(result, SmtResult::Sat(_)));
    insta::assert_snapshot!("cross_account_sat", text);
}

#[test]
fn with_the_not_principal_deny_it_is_unsat() {
    // The Deny covers every S3 action on the bucket and its objects: the solver needs the
    // string theory to see that the allowed request falls under it, which it propagates.
    let deny = r#"(and (not (= Principal "123456789012")) (in Action "s3:*") (in Resource "arn:aws:s3:::DOC-EXAMPLE-BUCKET*"))"#;
    let (text, result) = traced(&format!(
        r#"(and {ALLOW} (not {deny}) (not (= Principal "123456789012")))"#
    ));
    assert_eq!(result, SmtResult::Unsat);
    insta::assert_snapshot!("cross_account_with_deny_unsat", text);
}
