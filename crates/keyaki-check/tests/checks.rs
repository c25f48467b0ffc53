//! The design brief's check examples, end to end through the library.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a broken expectation should stop the test loudly"
)]

use keyaki_check::check::Check;
use keyaki_check::{
    Access, CheckConfig, Exemplars, Verdict, check_access_not_granted, check_no_new_access,
};
use keyaki_policy::{Decision, ParseOptions, ParsedPolicy, SourceFile, evaluate, parse_policy};

fn policy(text: &str) -> ParsedPolicy {
    parse_policy(
        &SourceFile::new("p.json", text.as_bytes().to_vec()),
        ParseOptions::default(),
    )
    .unwrap()
}

const READ_ONLY: &str = r#"{"Version": "2012-10-17", "Statement": [
  {"Sid": "Read", "Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"],
   "Resource": ["arn:aws:s3:::DOC-EXAMPLE-BUCKET", "arn:aws:s3:::DOC-EXAMPLE-BUCKET/*"]}]}"#;

const WITH_DELETE: &str = r#"{"Version": "2012-10-17", "Statement": [
  {"Sid": "Read", "Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"],
   "Resource": ["arn:aws:s3:::DOC-EXAMPLE-BUCKET", "arn:aws:s3:::DOC-EXAMPLE-BUCKET/*"]},
  {"Sid": "AllowS3", "Effect": "Allow", "Action": "s3:DeleteBucket", "Resource": "arn:aws:s3:::DOC-EXAMPLE-BUCKET"}]}"#;

#[test]
fn the_update_adding_delete_bucket_grants_new_access() {
    let outcome = check_no_new_access(
        &policy(WITH_DELETE),
        &policy(READ_ONLY),
        CheckConfig::default(),
    );
    let Verdict::Fail {
        reasons,
        counterexample,
    } = outcome.verdict
    else {
        panic!("{:?}", outcome.verdict)
    };
    assert_eq!(reasons.len(), 1);
    assert_eq!(
        reasons[0].description,
        "New access in the statement with index: 1."
    );
    assert_eq!(reasons[0].statement_id.as_deref(), Some("AllowS3"));
    assert_eq!(counterexample.action, "s3:DeleteBucket");
    assert_eq!(counterexample.resource, "arn:aws:s3:::DOC-EXAMPLE-BUCKET");
    // The other way round, nothing is new.
    let outcome = check_no_new_access(
        &policy(READ_ONLY),
        &policy(WITH_DELETE),
        CheckConfig::default(),
    );
    assert_eq!(outcome.verdict, Verdict::Pass);
    // And a policy against itself never grants new access.
    assert_eq!(
        check_no_new_access(
            &policy(WITH_DELETE),
            &policy(WITH_DELETE),
            CheckConfig::default()
        )
        .verdict,
        Verdict::Pass
    );
}

#[test]
fn the_identity_policy_grants_delete_bucket_in_statement_1() {
    let access = [Access {
        actions: vec!["s3:DeleteBucket".into()],
        resources: vec![],
    }];
    let outcome = check_access_not_granted(&policy(WITH_DELETE), &access, CheckConfig::default());
    let Verdict::Fail {
        reasons,
        counterexample,
    } = outcome.verdict
    else {
        panic!("{:?}", outcome.verdict)
    };
    assert_eq!(
        reasons
            .iter()
            .map(|r| r.description.as_str())
            .collect::<Vec<_>>(),
        vec!["One or more of the listed actions in the statement with index: 1."]
    );
    assert_eq!(counterexample.action, "s3:DeleteBucket");
    let outcome = check_access_not_granted(&policy(READ_ONLY), &access, CheckConfig::default());
    assert_eq!(outcome.verdict, Verdict::Pass);
}

#[test]
fn the_public_bucket_lets_other_accounts_in_until_the_deny() {
    let public = r#"{"Version": "2012-10-17", "Statement": [
      {"Effect": "Allow", "Principal": "*", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::DOC-EXAMPLE-BUCKET"}]}"#;
    let trusted_only = r#"{"Version": "2012-10-17", "Statement": [
      {"Effect": "Allow", "Principal": {"AWS": "123456789012"}, "Action": "s3:PutObject", "Resource": "arn:aws:s3:::DOC-EXAMPLE-BUCKET"}]}"#;
    let closed = r#"{"Version": "2012-10-17", "Statement": [
      {"Effect": "Allow", "Principal": "*", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::DOC-EXAMPLE-BUCKET"},
      {"Effect": "Deny", "NotPrincipal": "123456789012", "Action": "*", "Resource": "*"}]}"#;
    // "Does the public policy grant more than one that trusts only 123456789012?" Yes: outsiders.
    let outcome = check_no_new_access(
        &policy(public),
        &policy(trusted_only),
        CheckConfig::default(),
    );
    let Verdict::Fail { counterexample, .. } = outcome.verdict else {
        panic!("{:?}", outcome.verdict)
    };
    assert!(counterexample.principal.is_some());
    // With the Deny/NotPrincipal statement: provably nothing beyond the trusted account.
    let outcome = check_no_new_access(
        &policy(closed),
        &policy(trusted_only),
        CheckConfig::default(),
    );
    assert_eq!(outcome.verdict, Verdict::Pass);
}

#[test]
fn conditions_variables_and_sets_replay() {
    let old = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ec2:CreateTags", "Resource": "*",
        "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": ["env", "team"]}, "IpAddress": {"aws:SourceIp": "10.0.0.0/8"},
                      "NumericLessThan": {"ec2:Count": 10}}}]}"#;
    let new = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ec2:CreateTags", "Resource": "*",
        "Condition": {"ForAllValues:StringLike": {"aws:TagKeys": ["env", "team*"]}, "IpAddress": {"aws:SourceIp": "10.0.0.0/8"},
                      "NumericLessThan": {"ec2:Count": 10}}}]}"#;
    let outcome = check_no_new_access(&policy(new), &policy(old), CheckConfig::default());
    let Verdict::Fail { counterexample, .. } = outcome.verdict else {
        panic!("{:?}", outcome.verdict)
    };
    let tags = counterexample.context_value("aws:TagKeys").unwrap();
    assert!(
        tags.values
            .iter()
            .any(|t| t.starts_with("team") && t != "team"),
        "{tags:?}"
    );
    assert_eq!(
        check_no_new_access(&policy(old), &policy(new), CheckConfig::default()).verdict,
        Verdict::Pass
    );

    let with_variable = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::b/${aws:username}/*"}]}"#;
    let outcome = check_no_new_access(
        &policy(with_variable),
        &policy(with_variable),
        CheckConfig::default(),
    );
    assert_eq!(
        outcome.verdict,
        Verdict::Pass,
        "an unchanged statement with a variable cancels out"
    );
    assert_eq!(outcome.approximations.len(), 1);
}

fn resource_policy(text: &str) -> ParsedPolicy {
    parse_policy(
        &SourceFile::new("p.json", text.as_bytes().to_vec()),
        ParseOptions {
            policy_type: Some(keyaki_policy::PolicyType::Resource),
            ..ParseOptions::default()
        },
    )
    .unwrap()
}

/// `aws:PrincipalAccount` is an AWS caller's account: "anyone whose account is A" covers
/// "account A", and goes beyond it only with callers that are not AWS principals (services may
/// carry the key; keyaki does not assume they do not). An anonymous caller lacks the key.
#[test]
fn principal_account_follows_the_caller() {
    let by_condition = resource_policy(
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*",
        "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*",
        "Condition": {"StringEquals": {"aws:PrincipalAccount": "111122223333"}}}]}"#,
    );
    let by_principal = resource_policy(
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"AWS": "111122223333"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}"#,
    );
    let config = CheckConfig::default();
    assert_eq!(
        check_no_new_access(&by_principal, &by_condition, config).verdict,
        Verdict::Pass
    );
    let Verdict::Fail { counterexample, .. } =
        check_no_new_access(&by_condition, &by_principal, config).verdict
    else {
        panic!("a service caller may carry the key")
    };
    assert!(
        !matches!(
            counterexample.principal,
            Some(keyaki_policy::RequestPrincipal::Aws(_))
        ),
        "{counterexample:?}"
    );
    let absent = resource_policy(
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*",
        "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*",
        "Condition": {"Null": {"aws:PrincipalAccount": "true"}}}]}"#,
    );
    let access = [Access {
        actions: vec!["s3:GetObject".into()],
        resources: vec![],
    }];
    let Verdict::Fail { counterexample, .. } =
        check_access_not_granted(&absent, &access, config).verdict
    else {
        panic!("a caller that is not an AWS principal has no account")
    };
    assert!(
        !matches!(
            counterexample.principal,
            Some(keyaki_policy::RequestPrincipal::Aws(_))
        ),
        "{counterexample:?}"
    );
}

/// Each exemplar is a request the policy allows through its statement; a statement a `Deny`
/// covers, or whose conditions contradict, has none.
#[test]
fn exemplars_are_allowed_requests_of_their_statements() {
    let text = r#"{"Version": "2012-10-17", "Statement": [
      {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"},
      {"Effect": "Allow", "Action": "s3:DeleteBucket", "Resource": "*"},
      {"Effect": "Deny", "Action": "s3:Delete*", "Resource": "*"},
      {"Effect": "Allow", "Action": "ec2:RunInstances", "Resource": "*",
       "Condition": {"StringEquals": {"aws:RequestedRegion": "us-east-1"},
                     "StringNotEquals": {"aws:RequestedRegion": "us-east-1"}}},
      {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::*:role/app-*"}]}"#;
    let parsed = policy(text);
    let exemplars = Exemplars::of(&parsed, CheckConfig::default());
    assert_eq!(exemplars.len(), 2, "{exemplars:?}");
    for index in [0, 4] {
        let request = exemplars.of_statement(index).expect("an exemplar");
        let evaluation = evaluate(&parsed.policy, parsed.policy_type, request);
        assert_eq!(evaluation.decision, Decision::Allow);
        assert!(evaluation.matched_statements.contains(&index));
    }
    for index in [1, 2, 3] {
        assert!(exemplars.of_statement(index).is_none());
    }
    let request = exemplars.of_statement(4).unwrap();
    assert_eq!(request.action, "iam:PassRole");
    assert!(request.resource.starts_with("arn:aws:iam::"));
}

/// With the new policy's exemplars tried first, an unrelated existing policy is answered by
/// an exemplar: same verdict and reasons as solving, and a counterexample that replays.
#[test]
fn exemplars_answer_no_new_access_like_the_solver() {
    let config = CheckConfig::default();
    let (new, existing) = (policy(WITH_DELETE), policy(READ_ONLY));
    let exemplars = Exemplars::of(&new, config);
    for (new, existing) in [(&new, &existing), (&existing, &new), (&new, &new)] {
        let check = Check::NoNewAccess { new, existing };
        let plain = check.run(config).verdict;
        let fast = check
            .run_with(config, Some(&Exemplars::of(new, config)))
            .verdict;
        match (&plain, &fast) {
            (Verdict::Pass, Verdict::Pass) => {}
            (
                Verdict::Fail { reasons: a, .. },
                Verdict::Fail {
                    reasons: b,
                    counterexample,
                },
            ) => {
                assert_eq!(a, b);
                assert!(check.replays(counterexample));
            }
            _ => panic!("solver {plain:?}, exemplars {fast:?}"),
        }
    }
    // The delete statement's exemplar is the counterexample against the read-only policy.
    let check = Check::NoNewAccess {
        new: &new,
        existing: &existing,
    };
    let Verdict::Fail { counterexample, .. } = check.run_with(config, Some(&exemplars)).verdict
    else {
        panic!("expected FAIL");
    };
    assert_eq!(Some(&counterexample), exemplars.of_statement(1));
}

/// When the whole question runs out of budget, the question split by statement (each part
/// holding one statement's atoms) is still answered: PASS when every part is UNSAT, FAIL with
/// a replayed witness otherwise. With one conflict allowed, the whole PASS question stops (it
/// needs three); each part needs none.
#[test]
fn a_question_split_by_statement_answers_where_the_whole_ran_out_of_budget() {
    let mut statements: Vec<String> = ["e", "x", "a", "m", "p", "l", "k", "y"]
        .iter()
        .map(|c| {
            format!(
                r#"{{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::*{c}*"}}"#
            )
        })
        .collect();
    statements.push(
        r#"{"Effect": "Allow", "Action": "s3:DeleteBucket", "Resource": "arn:aws:s3:::b-*"}"#
            .to_string(),
    );
    let text = format!(
        r#"{{"Version": "2012-10-17", "Statement": [{}]}}"#,
        statements.join(",")
    );
    let parsed = policy(&text);
    let mut config = CheckConfig::default();
    config.smt.sat.max_conflicts = Some(1);
    let access = |action: &str| {
        [Access {
            actions: vec![action.to_string()],
            resources: vec![],
        }]
    };
    let outcome = check_access_not_granted(&parsed, &access("s3:DeleteBucket"), config);
    let Verdict::Fail { reasons, .. } = outcome.verdict else {
        panic!("expected FAIL, got {:?}", outcome.verdict);
    };
    assert_eq!(reasons.len(), 1);
    assert_eq!(reasons[0].statement_index, 8);
    let outcome = check_access_not_granted(&parsed, &access("s3:PutObject"), config);
    assert_eq!(outcome.verdict, Verdict::Pass);
}

/// Account keys the model leaves empty are shown as the example account, unless the
/// question needs them empty; `aws:PrincipalAccount` is the caller's account.
#[test]
fn empty_account_keys_read_as_the_example_account_when_the_replay_allows() {
    let access = [Access {
        actions: vec!["s3:DeleteBucket".to_string()],
        resources: vec![],
    }];
    let accounts = |condition: &str| {
        let text = format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow",
              "Action": "s3:DeleteBucket", "Resource": "*", "Condition": {condition}}}]}}"#
        );
        let outcome = check_access_not_granted(&policy(&text), &access, CheckConfig::default());
        let Verdict::Fail { counterexample, .. } = outcome.verdict else {
            panic!("expected FAIL, got {:?}", outcome.verdict);
        };
        ["aws:ResourceAccount", "aws:PrincipalAccount"].map(|key| {
            counterexample
                .context_value(key)
                .map(|v| v.values.concat())
                .unwrap_or_default()
        })
    };
    // The caller's account is the caller's: the resource account follows it.
    let [resource, principal] =
        accounts(r#"{"StringEquals": {"aws:ResourceAccount": "${aws:PrincipalAccount}"}}"#);
    assert_eq!(resource, principal);
    assert_eq!(resource.len(), 12, "{resource}");
    assert_eq!(
        accounts(r#"{"StringEquals": {"aws:ResourceAccount": ""}}"#)[0],
        ""
    );
}
