//! The scenario formula agrees with the whole-account evaluator: on random scenarios built
//! from small pools of policies (identity policies, boundaries, session policies, resource
//! policies, SCP and RCP trees, VPC endpoint policies) and every request of a grid of callers,
//! actions, resources, owners and contexts, `allowed` evaluated on the request's values is true
//! exactly when `evaluate_scenario` says Allow.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a broken expectation should stop the test loudly"
)]

use keyaki_check::concrete::assignment_of;
use keyaki_check::scenario::{CallerClass, allowed, decide_known, for_class, pinned, policies};
use keyaki_check::{Encoder, Vocabulary};
use keyaki_logic::Context;
use keyaki_policy::{
    Decision, ParseOptions, Policy, PolicyType, Request, RequestPrincipal, Scenario, SourceFile,
    evaluate_scenario, parse_policy,
};

const ACCOUNT: &str = "111122223333";
const OTHER: &str = "444455556666";
const MANAGEMENT: &str = "999999999999";

/// A small deterministic generator (xorshift64*): the same scenarios on every run.
struct Random(u64);

impl Random {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 33) as usize % n
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<'a>(&mut self, pool: &'a [&'a str]) -> &'a str {
        pool[self.below(pool.len())]
    }
}

fn policy(statements: &str, policy_type: PolicyType) -> Policy {
    let text = format!(r#"{{"Version": "2012-10-17", "Statement": [{statements}]}}"#);
    parse_policy(
        &SourceFile::new("pool.json", text.into_bytes()),
        ParseOptions {
            policy_type: Some(policy_type),
            ..ParseOptions::default()
        },
    )
    .unwrap_or_else(|e| panic!("{statements}: {e:?}"))
    .policy
}

const IDENTITY: &[&str] = &[
    r#"{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}"#,
    r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket/*"}"#,
    r#"{"Effect": "Deny", "Action": "s3:PutObject", "Resource": "*"}"#,
    r#"{"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"StringEquals": {"aws:SourceVpc": "vpc-1"}}}"#,
    r#"{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::111122223333:role/*"}"#,
    r#"{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}"#,
];

const BOUNDARY: &[&str] = &[
    r#"{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}"#,
    r#"{"Effect": "Allow", "Action": ["s3:GetObject", "iam:PassRole"], "Resource": "*"}"#,
    r#"{"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "true"}}}"#,
];

const SESSION: &[&str] = &[
    r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}"#,
    r#"{"Effect": "Allow", "Action": "*", "Resource": "*"}"#,
];

const RESOURCE: &[&str] = &[
    r#"{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringEquals": {"aws:SourceVpc": "vpc-1"}}}"#,
    r#"{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:user/alice"}, "Action": "s3:*", "Resource": "*"}"#,
    r#"{"Effect": "Allow", "Principal": {"AWS": "444455556666"}, "Action": "s3:GetObject", "Resource": "*"}"#,
    r#"{"Effect": "Allow", "Principal": {"AWS": "arn:aws:sts::111122223333:assumed-role/Dev/s1"}, "Action": "s3:PutObject", "Resource": "*"}"#,
    r#"{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/Dev"}, "Action": "*", "Resource": "*"}"#,
    r#"{"Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}"#,
    r#"{"Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "s3:PutObject", "Resource": "*"}"#,
    r#"{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "s3:PutObject", "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalAccount": "111122223333"}}}"#,
];

const SCP: &[&str] = &[
    r#"{"Effect": "Allow", "Action": "*", "Resource": "*"}"#,
    r#"{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}"#,
    r#"{"Effect": "Deny", "Action": "s3:PutObject", "Resource": "*", "Condition": {"StringNotEquals": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/Dev"}}}"#,
];

const RCP: &[&str] = &[
    r#"{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}"#,
    r#"{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*", "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-123"}}}"#,
];

const VPCE: &[&str] = &[
    r#"{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}"#,
    r#"{"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "*", "Resource": "*"}"#,
];

fn some(random: &mut Random, pool: &[&str], max: usize, policy_type: PolicyType) -> Vec<Policy> {
    (0..random.below(max + 1))
        .map(|_| {
            let statements: Vec<&str> = (0..1 + random.below(2))
                .map(|_| random.pick(pool))
                .collect();
            policy(&statements.join(","), policy_type)
        })
        .collect()
}

fn levels(random: &mut Random, pool: &[&str], policy_type: PolicyType) -> Vec<Vec<Policy>> {
    if random.chance(40) {
        return Vec::new();
    }
    (0..3)
        .map(|_| {
            let mut level = some(random, pool, 2, policy_type);
            if level.is_empty() {
                level.push(policy(pool[0], policy_type));
            }
            level
        })
        .collect()
}

fn random_scenario(random: &mut Random) -> Scenario {
    let identity = PolicyType::Identity;
    let resource = PolicyType::Resource;
    Scenario {
        request: Request::for_identity("s3:GetObject", "arn:aws:s3:::bucket/key"),
        resource_span: keyaki_policy::span::Span::new(0, 0),
        resource_owner: None,
        management_account: random.chance(50).then(|| MANAGEMENT.to_string()),
        identity_policies: some(random, IDENTITY, 2, identity),
        permissions_boundaries: some(random, BOUNDARY, 1, identity),
        session_policy: random
            .chance(30)
            .then(|| policy(random.pick(SESSION), identity)),
        resource_policy: random.chance(70).then(|| {
            let statements: Vec<&str> = (0..1 + random.below(3))
                .map(|_| random.pick(RESOURCE))
                .collect();
            policy(&statements.join(","), resource)
        }),
        service_control_policies: levels(random, SCP, identity),
        resource_control_policies: levels(random, RCP, resource),
        vpc_endpoint_policies: some(random, VPCE, 1, resource),
    }
}

/// Callers of every kind, each with the context IAM gives it.
fn callers() -> Vec<(RequestPrincipal, Vec<(&'static str, &'static str)>)> {
    let aws = |arn: &str| RequestPrincipal::Aws(arn.to_string());
    vec![
        (aws("arn:aws:iam::111122223333:user/alice"), vec![]),
        (aws("arn:aws:iam::111122223333:user/bob"), vec![]),
        (aws("arn:aws:sts::111122223333:assumed-role/Dev/s1"), vec![]),
        (
            aws("arn:aws:sts::111122223333:assumed-role/Dev/s2"),
            vec![(
                "aws:PrincipalArn",
                "arn:aws:iam::111122223333:role/team/Dev",
            )],
        ),
        (aws("arn:aws:iam::111122223333:root"), vec![]),
        (aws("arn:aws:sts::111122223333:federated-user/fed"), vec![]),
        (
            aws("arn:aws:sts::111122223333:assumed-role/AWSServiceRoleForX/x"),
            vec![(
                "aws:PrincipalArn",
                "arn:aws:iam::111122223333:role/aws-service-role/x.amazonaws.com/AWSServiceRoleForX",
            )],
        ),
        (aws("arn:aws:iam::444455556666:user/carol"), vec![]),
        (aws("arn:aws:sts::444455556666:federated-user/dan"), vec![]),
        (
            aws("arn:aws:sts::444455556666:assumed-role/Partner/p1"),
            vec![],
        ),
        (aws("arn:aws:iam::444455556666:root"), vec![]),
        (aws("arn:aws:iam::999999999999:user/manager"), vec![]),
        (RequestPrincipal::Anonymous, vec![]),
        (
            RequestPrincipal::Service("s3.amazonaws.com".to_string()),
            vec![],
        ),
    ]
}

#[test]
fn scenario_formulas_agree_with_the_evaluator() {
    let mut random = Random(0x5EED_2026_1203);
    let actions = ["s3:GetObject", "s3:PutObject", "iam:PassRole"];
    let resources = [
        "arn:aws:s3:::bucket/key",
        "arn:aws:iam::111122223333:role/Dev",
    ];
    let contexts: [&[(&str, &str)]; 4] = [
        &[],
        &[("aws:SourceVpc", "vpc-1")],
        &[("aws:SecureTransport", "false")],
        &[
            ("aws:SecureTransport", "true"),
            ("aws:PrincipalOrgID", "o-123"),
        ],
    ];
    let owners = [ACCOUNT, OTHER, MANAGEMENT];
    let (mut checked, mut allowed_count, mut failures) = (0, 0, Vec::new());
    for round in 0..120 {
        let mut scenario = random_scenario(&mut random);
        let owner = owners[random.below(owners.len())];
        scenario.resource_owner = Some(owner.to_string());
        for (caller, caller_context) in callers() {
            let mut probe = scenario.clone();
            // The caller's facts (its account, whether it is service-linked) are read from the
            // scenario's request, its role path from aws:PrincipalArn.
            probe.request.principal = Some(caller.clone());
            for (key, value) in &caller_context {
                probe.request = probe.request.clone().with_context_string(key, value);
            }
            let vocabulary = Vocabulary::of(&policies(&probe));
            let mut cx = Context::new();
            let mut encoder = Encoder::new(&mut cx, &vocabulary);
            let formula = allowed(&mut encoder, &probe, &CallerClass::Fixed, Some(owner));
            for action in actions {
                for resource in resources {
                    let resource_owner =
                        keyaki_policy::scenario::arn_account(resource).unwrap_or(owner);
                    // The formula is for one owner: the IAM ARN names its own.
                    if resource_owner != owner {
                        continue;
                    }
                    // The condition `can` prints: the formula with the caller, action and
                    // resource written in, then simplified.
                    let template = probe.request.clone();
                    let mut pinned = template.clone();
                    pinned.action = action.to_string();
                    pinned.resource = resource.to_string();
                    let decided = decide_known(&mut encoder, formula, &pinned);
                    let condition = encoder.cx.simplified_in_context(decided);
                    for context in contexts {
                        let mut request =
                            Request::for_identity(action, resource).with_principal(caller.clone());
                        for (key, value) in caller_context.iter().chain(context.iter()) {
                            request = request.with_context_string(key, value);
                        }
                        let mut concrete = probe.clone();
                        concrete.request = request.clone();
                        let expected =
                            evaluate_scenario(&concrete).unwrap().decision == Decision::Allow;
                        let assignment = assignment_of(&mut encoder, &request).unwrap();
                        let got = assignment.holds(encoder.cx, formula);
                        let condition_holds = assignment.holds(encoder.cx, condition);
                        if condition_holds != expected {
                            failures.push(format!(
                                "round {round}: {request:?}: evaluator {expected}, condition {condition_holds}: {}",
                                encoder.cx.show(condition)
                            ));
                        }
                        checked += 1;
                        allowed_count += usize::from(expected);
                        if got != expected {
                            failures.push(format!(
                                "round {round}: {request:?} owned by {owner}: evaluator {expected}, formula {got}"
                            ));
                        }
                    }
                }
            }
        }
    }
    println!("{checked} requests checked, {allowed_count} allowed");
    assert!(
        allowed_count > checked / 20,
        "the grid reaches allows too ({allowed_count} of {checked})"
    );
    assert!(
        failures.is_empty(),
        "{} disagreements, first:\n{}",
        failures.len(),
        failures
            .iter()
            .take(10)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// Whether a caller is in a class.
type Membership = fn(&RequestPrincipal) -> bool;

/// The classes of callers `who-can` asks about outside the account, and which callers are in
/// each.
fn classes() -> Vec<(CallerClass, Membership)> {
    vec![
        (
            CallerClass::OutsideAws(vec![ACCOUNT.to_string(), MANAGEMENT.to_string()]),
            |p| matches!(p, RequestPrincipal::Aws(_)) && p.account() == Some(OTHER),
        ),
        (CallerClass::Service, |p| {
            matches!(p, RequestPrincipal::Service(_))
        }),
        (CallerClass::Anonymous, |p| {
            matches!(p, RequestPrincipal::Anonymous)
        }),
        (CallerClass::Federated, |p| {
            matches!(p, RequestPrincipal::Federated(_))
        }),
    ]
}

/// A class's formula (the scenario as its callers meet it, `for_class`) agrees with the
/// evaluator on every caller of the class, and each such caller satisfies the class's
/// membership formula (`pinned`), so a class answered "none" has no caller that can.
#[test]
fn class_formulas_agree_with_the_evaluator() {
    let mut random = Random(0x0C1A_55E5);
    let actions = ["s3:GetObject", "s3:PutObject"];
    let contexts: [&[(&str, &str)]; 3] = [
        &[],
        &[("aws:SourceVpc", "vpc-1")],
        &[
            ("aws:SecureTransport", "true"),
            ("aws:PrincipalOrgID", "o-123"),
        ],
    ];
    let (mut checked, mut allowed_count, mut failures) = (0, 0, Vec::new());
    for round in 0..120 {
        let mut base = random_scenario(&mut random);
        base.resource_owner = Some(ACCOUNT.to_string());
        for (class, member) in classes() {
            let scenario = for_class(&base, &class);
            let vocabulary = Vocabulary::of(&policies(&scenario));
            let mut cx = Context::new();
            let mut encoder = Encoder::new(&mut cx, &vocabulary);
            let formula = allowed(&mut encoder, &scenario, &class, Some(ACCOUNT));
            for (caller, _) in callers().into_iter().filter(|(c, _)| member(c)) {
                for action in actions {
                    for context in contexts {
                        let mut request = Request::for_identity(action, "arn:aws:s3:::bucket/key")
                            .with_principal(caller.clone());
                        for (key, value) in context.iter() {
                            request = request.with_context_string(key, value);
                        }
                        let in_class = pinned(&mut encoder, &request, &class);
                        let mut concrete = scenario.clone();
                        concrete.request = request.clone();
                        let expected =
                            evaluate_scenario(&concrete).unwrap().decision == Decision::Allow;
                        let assignment = assignment_of(&mut encoder, &request).unwrap();
                        checked += 1;
                        allowed_count += usize::from(expected);
                        if !assignment.holds(encoder.cx, in_class) {
                            failures
                                .push(format!("round {round}: {request:?} is not in {class:?}"));
                        }
                        let got = assignment.holds(encoder.cx, formula);
                        if got != expected {
                            failures.push(format!(
                                "round {round}: {class:?} {request:?}: evaluator {expected}, formula {got}"
                            ));
                        }
                    }
                }
            }
        }
    }
    println!("{checked} requests of outside callers checked, {allowed_count} allowed");
    assert!(
        allowed_count > checked / 40,
        "allows reached ({allowed_count} of {checked})"
    );
    assert!(
        failures.is_empty(),
        "{} disagreements, first:\n{}",
        failures.len(),
        failures
            .iter()
            .take(10)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
