//! `cargo xtask fuzz --seed N --cases K`: random but realistic policies, and what must hold
//! whatever the policy.
//!
//! Each case draws a policy (identity or resource) from pools of real actions, ARNs, principals
//! and conditions — wildcards, `Not…` elements, `…IfExists`, multi-valued keys, policy
//! variables — and checks the **metamorphic properties** of the checks:
//!
//! 1. `check-no-new-access(P, P)` passes;
//! 2. adding a `Deny` never adds access: `check-no-new-access(P + Deny, P)` passes;
//! 3. `P` never grants more than `P` plus another statement;
//! 4. reordering statements or the values of a list changes no verdict (both ways PASS);
//! 5. a policy and its pretty-printed copy get the same verdicts;
//! 6. for a second random policy `Q`, `check-no-new-access(Q, P)`: a FAIL's counterexample
//!    replays (the check replays it; an *internal error* UNKNOWN is a failure), and a PASS
//!    survives 40 random requests through the concrete evaluator;
//! 7. `check-access-not-granted` for a random access: the same, FAIL replayed, PASS surviving
//!    random requests.
//!
//! An UNKNOWN is not a failure (a budget or an approximation may give one), except an internal
//! error. A failing case of the properties whose verdict is PASS by construction (1–5) is
//! shrunk — statements removed while the failure persists — and appended with that verdict to
//! `corpus/checks/fuzz-regressions.json` (identity policies) or
//! `fuzz-regressions-resource.json`; the others are printed with their policies and the
//! request that shows them.

use keyaki_check::{Access, CheckConfig, Verdict, check_access_not_granted, check_no_new_access};
use keyaki_policy::{
    Decision, ParseOptions, ParsedPolicy, PolicyType, Request, RequestPrincipal, SourceFile,
    evaluate, parse_policy,
};
use serde_json::{Value, json};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

/// Checks run, and how many of them answered UNKNOWN (a budget, or an approximation whose
/// witness did not replay): the figure issue 13 asks to bring down.
static CHECKS_RUN: AtomicUsize = AtomicUsize::new(0);
static UNKNOWNS: AtomicUsize = AtomicUsize::new(0);

/// Counts one verdict.
fn tally(verdict: &Verdict) {
    CHECKS_RUN.fetch_add(1, Ordering::Relaxed);
    if matches!(verdict, Verdict::Unknown(_)) {
        UNKNOWNS.fetch_add(1, Ordering::Relaxed);
    }
}

/// A small deterministic generator (xorshift64*), so a seed always gives the same cases.
pub struct Rng(u64);

impl Rng {
    /// A generator for `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number below `n` (n > 0).
    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    pub(crate) fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    pub(crate) fn pick<'a>(&mut self, items: &'a [&'a str]) -> &'a str {
        items.get(self.below(items.len())).copied().unwrap_or("")
    }

    pub(crate) fn some<'a>(&mut self, items: &'a [&'a str], most: usize) -> Vec<&'a str> {
        let count = 1 + self.below(most);
        let mut chosen: Vec<&str> = (0..count).map(|_| self.pick(items)).collect();
        chosen.sort_unstable();
        chosen.dedup();
        chosen
    }
}

const ACTIONS: [&str; 16] = [
    "s3:GetObject",
    "s3:PutObject",
    "s3:DeleteObject",
    "s3:ListBucket",
    "s3:Get*",
    "s3:*",
    "s3:*Object",
    "ec2:DescribeInstances",
    "ec2:Describe*",
    "ec2:TerminateInstances",
    "iam:PassRole",
    "iam:*",
    "kms:Decrypt",
    "sqs:SendMessage",
    "*",
    "s?:GetObject",
];

const RESOURCES: [&str; 12] = [
    "arn:aws:s3:::DOC-EXAMPLE-BUCKET",
    "arn:aws:s3:::DOC-EXAMPLE-BUCKET/*",
    "arn:aws:s3:::DOC-EXAMPLE-BUCKET/home/${aws:username}/*",
    "arn:aws:s3:::other-bucket/*",
    "arn:aws:s3:::*",
    "arn:aws:ec2:us-east-1:111122223333:instance/*",
    "arn:aws:ec2:*:*:instance/*",
    "arn:aws:iam::111122223333:role/*",
    "arn:aws:kms:us-east-1:111122223333:key/*",
    "arn:aws:sqs:*:111122223333:queue-?",
    "*",
    "arn:aws:*",
];

const PRINCIPALS: [&str; 8] = [
    "*",
    "111122223333",
    "arn:aws:iam::444455556666:role/Reader",
    "arn:aws:iam::444455556666:root",
    "service:lambda.amazonaws.com",
    "arn:aws:iam::777788889999:user/Alice",
    "arn:aws:sts::444455556666:assumed-role/Reader/batch",
    "federated:*",
];

/// A random condition block: one to two operators, each on one key.
fn condition(rng: &mut Rng) -> Value {
    let mut block = serde_json::Map::new();
    for _ in 0..1 + rng.below(2) {
        let (operator, key, values): (&str, &str, Vec<&str>) = match rng.below(15) {
            11 => (
                "ArnLike",
                "aws:PrincipalArn",
                rng.some(
                    &[
                        "arn:aws:iam::111122223333:role/*",
                        "arn:aws:iam::444455556666:*",
                        "arn:aws:iam::*:user/Alice",
                    ],
                    2,
                ),
            ),
            12 => (
                "StringEquals",
                "aws:PrincipalAccount",
                rng.some(&["111122223333", "444455556666"], 2),
            ),
            13 => (
                "StringEquals",
                "aws:username",
                rng.some(&["Alice", "bob"], 2),
            ),
            14 => (
                "StringEquals",
                "aws:PrincipalType",
                rng.some(&["AssumedRole", "User", "Account"], 2),
            ),
            0 => (
                "StringEquals",
                "aws:PrincipalTag/team",
                rng.some(&["red", "blue", "green"], 2),
            ),
            1 => (
                "StringLike",
                "s3:prefix",
                rng.some(&["home/*", "public/*", "tmp/?"], 2),
            ),
            2 => (
                "IpAddress",
                "aws:SourceIp",
                rng.some(&["10.0.0.0/8", "192.0.2.0/24", "2001:db8::/32"], 2),
            ),
            3 => (
                "NotIpAddress",
                "aws:SourceIp",
                rng.some(&["10.1.0.0/16", "203.0.113.0/24"], 2),
            ),
            4 => (
                "Bool",
                "aws:SecureTransport",
                vec![rng.pick(&["true", "false"])],
            ),
            5 => (
                "NumericLessThan",
                "s3:max-keys",
                rng.some(&["10", "100", "1000"], 1),
            ),
            6 => (
                "DateGreaterThan",
                "aws:CurrentTime",
                rng.some(&["2025-01-01T00:00:00Z", "2027-06-30T00:00:00Z"], 1),
            ),
            7 => (
                "Null",
                "aws:PrincipalTag/team",
                vec![rng.pick(&["true", "false"])],
            ),
            8 => (
                "ForAnyValue:StringEquals",
                "aws:TagKeys",
                rng.some(&["env", "team", "owner"], 2),
            ),
            9 => (
                "StringNotEqualsIfExists",
                "aws:RequestedRegion",
                rng.some(&["us-east-1", "eu-west-1"], 2),
            ),
            _ => (
                "StringEquals",
                "aws:ResourceTag/team",
                vec!["${aws:PrincipalTag/team}"],
            ),
        };
        let entry = block
            .entry(operator.to_string())
            .or_insert_with(|| json!({}));
        if let Value::Object(keys) = entry {
            keys.insert(key.to_string(), json!(values));
        }
    }
    Value::Object(block)
}

/// A random principal element's value.
fn principal(rng: &mut Rng) -> Value {
    let chosen = rng.some(&PRINCIPALS, 2);
    if chosen.contains(&"*") {
        return json!("*");
    }
    let federated = chosen.contains(&"federated:*");
    let (services, aws): (Vec<&str>, Vec<&str>) = chosen
        .into_iter()
        .filter(|p| *p != "federated:*")
        .partition(|p| p.starts_with("service:"));
    let mut element = serde_json::Map::new();
    if federated {
        element.insert("Federated".to_string(), json!("*"));
    }
    if !aws.is_empty() {
        element.insert("AWS".to_string(), json!(aws));
    }
    if !services.is_empty() {
        let names: Vec<&str> = services
            .iter()
            .map(|s| s.trim_start_matches("service:"))
            .collect();
        element.insert("Service".to_string(), json!(names));
    }
    Value::Object(element)
}

/// A random statement.
fn statement(rng: &mut Rng, policy_type: PolicyType, effect: &str) -> Value {
    let mut s = serde_json::Map::new();
    s.insert("Effect".to_string(), json!(effect));
    if policy_type == PolicyType::Resource {
        let key = if effect == "Deny" && rng.chance(30) {
            "NotPrincipal"
        } else {
            "Principal"
        };
        let value = match (key, principal(rng)) {
            ("NotPrincipal", Value::String(_)) => json!({"AWS": "111122223333"}),
            (_, value) => value,
        };
        s.insert(key.to_string(), value);
    }
    let action_key = if rng.chance(10) {
        "NotAction"
    } else {
        "Action"
    };
    s.insert(action_key.to_string(), json!(rng.some(&ACTIONS, 3)));
    let resource_key = if rng.chance(10) {
        "NotResource"
    } else {
        "Resource"
    };
    s.insert(resource_key.to_string(), json!(rng.some(&RESOURCES, 3)));
    if rng.chance(40) {
        s.insert("Condition".to_string(), condition(rng));
    }
    Value::Object(s)
}

/// A random policy of one to four statements, most of them Allow.
pub fn policy(rng: &mut Rng, policy_type: PolicyType) -> Value {
    let count = 1 + rng.below(4);
    let statements: Vec<Value> = (0..count)
        .map(|_| {
            let effect = if rng.chance(75) { "Allow" } else { "Deny" };
            statement(rng, policy_type, effect)
        })
        .collect();
    json!({"Version": "2012-10-17", "Statement": statements})
}

/// A random concrete request over the same pools.
fn request(rng: &mut Rng, policy_type: PolicyType) -> Request {
    let action = rng.pick(&[
        "s3:GetObject",
        "s3:PutObject",
        "s3:DeleteObject",
        "s3:ListBucket",
        "ec2:DescribeInstances",
        "ec2:TerminateInstances",
        "iam:PassRole",
        "kms:Decrypt",
        "sqs:SendMessage",
        "S3:GETOBJECT",
    ]);
    let resource = rng.pick(&[
        "arn:aws:s3:::DOC-EXAMPLE-BUCKET",
        "arn:aws:s3:::DOC-EXAMPLE-BUCKET/home/alice/a.txt",
        "arn:aws:s3:::DOC-EXAMPLE-BUCKET/report.csv",
        "arn:aws:s3:::other-bucket/x",
        "arn:aws:ec2:us-east-1:111122223333:instance/i-1",
        "arn:aws:iam::111122223333:role/Admin",
        "arn:aws:sqs:us-east-1:111122223333:queue-1",
    ]);
    let mut request = Request::for_identity(action, resource);
    if policy_type == PolicyType::Resource {
        request.principal = Some(match rng.below(5) {
            0 => RequestPrincipal::Anonymous,
            1 => RequestPrincipal::Service("lambda.amazonaws.com".to_string()),
            2 => RequestPrincipal::Aws("arn:aws:iam::111122223333:root".to_string()),
            3 => {
                RequestPrincipal::Aws("arn:aws:sts::444455556666:assumed-role/Reader/s".to_string())
            }
            _ => RequestPrincipal::Aws("arn:aws:iam::777788889999:user/Alice".to_string()),
        });
    }
    let mut maybe = |rng: &mut Rng, key: &str, values: &[&str]| {
        if rng.chance(50) {
            request.set_context(key, vec![rng.pick(values).to_string()], false);
        }
    };
    maybe(rng, "aws:PrincipalTag/team", &["red", "blue"]);
    maybe(rng, "aws:ResourceTag/team", &["red", "blue"]);
    maybe(rng, "s3:prefix", &["home/a", "public/x", "tmp/1"]);
    maybe(
        rng,
        "aws:SourceIp",
        &["10.1.2.3", "192.0.2.7", "203.0.113.5", "2001:db8::1"],
    );
    maybe(rng, "aws:SecureTransport", &["true", "false"]);
    maybe(rng, "s3:max-keys", &["5", "50", "5000"]);
    maybe(
        rng,
        "aws:CurrentTime",
        &["2026-01-01T00:00:00Z", "2028-01-01T00:00:00Z"],
    );
    maybe(rng, "aws:RequestedRegion", &["us-east-1", "ap-south-1"]);
    maybe(rng, "aws:username", &["alice", "bob"]);
    if rng.chance(40) {
        let tags = rng.some(&["env", "team", "cost"], 2);
        request.set_context(
            "aws:TagKeys",
            tags.iter().map(|t| (*t).to_string()).collect(),
            true,
        );
    }
    request
}

fn parse(value: &Value, policy_type: PolicyType, pretty: bool) -> Result<ParsedPolicy, String> {
    let text = if pretty {
        serde_json::to_string_pretty(value)
    } else {
        serde_json::to_string(value)
    }
    .map_err(|e| e.to_string())?;
    parse_policy(
        &SourceFile::new("fuzz.json", text.into_bytes()),
        ParseOptions {
            policy_type: Some(policy_type),
            ..ParseOptions::default()
        },
    )
    .map_err(|errors| format!("{} parse errors", errors.len()))
}

/// One property violated, with the policies that show it.
#[derive(Debug, Clone)]
pub struct Violation {
    /// Which property.
    pub property: String,
    /// The policy under test (and the second policy, when there is one).
    pub new: Value,
    /// The policy it is compared with.
    pub existing: Value,
    /// The policy type.
    pub policy_type: PolicyType,
    /// What happened.
    pub detail: String,
    /// Whether the property says `check-no-new-access(new, existing)` passes (then the case
    /// can be shrunk and kept as a regression with that verdict).
    pub must_pass: bool,
}

fn statements(policy: &Value) -> Vec<Value> {
    policy
        .get("Statement")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

fn with_statements(statements: Vec<Value>) -> Value {
    json!({"Version": "2012-10-17", "Statement": statements})
}

/// `check-no-new-access(new, existing)` must pass; `None` when it does (or is UNKNOWN for a
/// reason other than an internal error).
fn must_pass(
    new: &Value,
    existing: &Value,
    policy_type: PolicyType,
    property: &str,
) -> Option<Violation> {
    let violation = |detail: String| Violation {
        property: property.to_string(),
        new: new.clone(),
        existing: existing.clone(),
        policy_type,
        detail,
        must_pass: true,
    };
    let (parsed_new, parsed_existing) = match (
        parse(new, policy_type, false),
        parse(existing, policy_type, true),
    ) {
        (Ok(a), Ok(b)) => (a, b),
        _ => return None,
    };
    let verdict =
        check_no_new_access(&parsed_new, &parsed_existing, CheckConfig::default()).verdict;
    tally(&verdict);
    match verdict {
        Verdict::Pass => None,
        Verdict::Unknown(why) if !why.contains("internal error") => None,
        other => Some(violation(format!("{other:?}"))),
    }
}

/// Checks every property on one generated case.
pub fn check_case(rng: &mut Rng) -> Vec<Violation> {
    let policy_type = if rng.chance(30) {
        PolicyType::Resource
    } else {
        PolicyType::Identity
    };
    let p = policy(rng, policy_type);
    let mut violations = Vec::new();
    let mut push = |v: Option<Violation>| violations.extend(v);
    push(must_pass(&p, &p, policy_type, "no-new-access(P, P) passes"));
    let mut with_deny = statements(&p);
    with_deny.push(statement(rng, policy_type, "Deny"));
    push(must_pass(
        &with_statements(with_deny),
        &p,
        policy_type,
        "adding a Deny adds no access",
    ));
    let mut with_allow = statements(&p);
    with_allow.push(statement(rng, policy_type, "Allow"));
    push(must_pass(
        &p,
        &with_statements(with_allow),
        policy_type,
        "P grants no more than P plus a statement",
    ));
    let mut reordered = statements(&p);
    reordered.reverse();
    for s in &mut reordered {
        for key in ["Action", "Resource", "NotAction", "NotResource"] {
            if let Some(Value::Array(values)) = s.get_mut(key) {
                values.reverse();
            }
        }
    }
    let reordered = with_statements(reordered);
    push(must_pass(
        &reordered,
        &p,
        policy_type,
        "reordering changes no verdict",
    ));
    push(must_pass(
        &p,
        &reordered,
        policy_type,
        "reordering changes no verdict",
    ));
    // Pretty-printed copy: `must_pass` parses `existing` from its pretty-printed text.
    push(must_pass(
        &p,
        &p,
        policy_type,
        "a pretty-printed copy gets the same verdicts",
    ));
    let q = policy(rng, policy_type);
    push(random_pair(rng, &q, &p, policy_type));
    push(random_access(rng, &p, policy_type));
    violations
}

/// Property 6: a second random policy against the first.
fn random_pair(
    rng: &mut Rng,
    new: &Value,
    existing: &Value,
    policy_type: PolicyType,
) -> Option<Violation> {
    let (parsed_new, parsed_existing) = (
        parse(new, policy_type, false).ok()?,
        parse(existing, policy_type, false).ok()?,
    );
    let violation = |detail: String| Violation {
        property: "a PASS survives random requests; a FAIL replays".to_string(),
        new: new.clone(),
        existing: existing.clone(),
        policy_type,
        detail,
        must_pass: false,
    };
    let verdict =
        check_no_new_access(&parsed_new, &parsed_existing, CheckConfig::default()).verdict;
    tally(&verdict);
    match verdict {
        Verdict::Pass => (0..40).find_map(|_| {
            let r = request(rng, policy_type);
            let allowed = |p: &ParsedPolicy| {
                evaluate(&p.policy, p.policy_type, &r).decision == Decision::Allow
            };
            (allowed(&parsed_new) && !allowed(&parsed_existing)).then(|| {
                violation(format!(
                    "PASS, but the evaluator allows only the new policy for {r:?}"
                ))
            })
        }),
        Verdict::Fail { counterexample, .. } => {
            let allowed = |p: &ParsedPolicy| {
                evaluate(&p.policy, p.policy_type, &counterexample).decision == Decision::Allow
            };
            (!allowed(&parsed_new) || allowed(&parsed_existing)).then(|| {
                violation(format!(
                    "FAIL whose counterexample does not replay: {counterexample:?}"
                ))
            })
        }
        Verdict::Unknown(why) => why.contains("internal error").then(|| violation(why)),
    }
}

/// Property 7: a random access list against the policy.
fn random_access(rng: &mut Rng, policy: &Value, policy_type: PolicyType) -> Option<Violation> {
    let parsed = parse(policy, policy_type, false).ok()?;
    let access = [Access {
        actions: rng
            .some(&["s3:GetObject", "s3:Delete*", "iam:PassRole", "ec2:*"], 2)
            .into_iter()
            .map(str::to_string)
            .collect(),
        resources: if rng.chance(50) {
            vec!["arn:aws:s3:::DOC-EXAMPLE-BUCKET/*".to_string()]
        } else {
            Vec::new()
        },
    }];
    let violation = |detail: String| Violation {
        property: "access-not-granted: a PASS survives random requests".to_string(),
        new: policy.clone(),
        existing: json!(null),
        policy_type,
        detail,
        must_pass: false,
    };
    let verdict = check_access_not_granted(&parsed, &access, CheckConfig::default()).verdict;
    tally(&verdict);
    match verdict {
        Verdict::Pass => (0..40).find_map(|_| {
            let r = request(rng, policy_type);
            let listed = access.iter().any(|a| {
                a.actions.iter().any(|p| wildcard(p, &r.action, true))
                    && (a.resources.is_empty()
                        || a.resources.iter().any(|p| wildcard(p, &r.resource, false)))
            });
            (listed && evaluate(&parsed.policy, parsed.policy_type, &r).decision == Decision::Allow)
                .then(|| violation(format!("PASS, but the evaluator allows {r:?}")))
        }),
        Verdict::Unknown(why) => why.contains("internal error").then(|| violation(why)),
        Verdict::Fail { .. } => None,
    }
}

/// A plain IAM wildcard match (the access list's patterns have no ARN-part subtleties here).
fn wildcard(pattern: &str, text: &str, ignore_case: bool) -> bool {
    let fold = |s: &str| {
        if ignore_case {
            s.to_lowercase()
        } else {
            s.to_string()
        }
    };
    let (p, t): (Vec<char>, Vec<char>) = (
        fold(pattern).chars().collect(),
        fold(text).chars().collect(),
    );
    fn go(p: &[char], t: &[char]) -> bool {
        match p.split_first() {
            None => t.is_empty(),
            Some(('*', rest)) => (0..=t.len()).any(|i| go(rest, t.get(i..).unwrap_or_default())),
            Some(('?', rest)) => !t.is_empty() && go(rest, t.get(1..).unwrap_or_default()),
            Some((c, rest)) => t.first() == Some(c) && go(rest, t.get(1..).unwrap_or_default()),
        }
    }
    go(&p, &t)
}

/// `cargo xtask fuzz [--seed N] [--cases K]`.
pub fn run(args: &[String]) -> Result<(), String> {
    let mut seed = 1_u64;
    let mut cases = 500_usize;
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        let value = iter.next().ok_or(format!("`{arg}` needs a value"))?;
        match arg.as_str() {
            "--seed" => seed = value.parse().map_err(|_| format!("bad seed `{value}`"))?,
            "--cases" => cases = value.parse().map_err(|_| format!("bad count `{value}`"))?,
            other => return Err(format!("unknown option `{other}` (use --seed N --cases K)")),
        }
    }
    let started = Instant::now();
    let mut rng = Rng::new(seed);
    let mut violations = Vec::new();
    for _ in 0..cases {
        violations.extend(check_case(&mut rng));
    }
    println!(
        "fuzz: seed {seed}, {cases} cases, 8 properties each, {} violations, {:.1} s; {} checks, {} UNKNOWN",
        violations.len(),
        started.elapsed().as_secs_f64(),
        CHECKS_RUN.load(Ordering::Relaxed),
        UNKNOWNS.load(Ordering::Relaxed),
    );
    if violations.is_empty() {
        return Ok(());
    }
    let shrunk: Vec<Violation> = violations.iter().map(shrink).collect();
    for v in &shrunk {
        println!(
            "VIOLATION {}: {}\n  new: {}\n  existing: {}",
            v.property, v.detail, v.new, v.existing
        );
    }
    write_regressions(&shrunk)?;
    Err(format!(
        "{} properties violated; shrunk cases appended to corpus/checks/fuzz-regressions.json",
        shrunk.len()
    ))
}

/// Whether a violation still shows (re-running its property on its policies).
fn still_fails(v: &Violation) -> bool {
    must_pass(&v.new, &v.existing, v.policy_type, &v.property).is_some()
}

/// Removes statements, one at a time from either policy, while the violation persists.
fn shrink(v: &Violation) -> Violation {
    let mut best = v.clone();
    if !best.must_pass || !still_fails(&best) {
        return best;
    }
    loop {
        let mut improved = false;
        for side in 0..2 {
            let policy = if side == 0 { &best.new } else { &best.existing };
            let current = statements(policy);
            for i in 0..current.len() {
                let mut fewer = current.clone();
                fewer.remove(i);
                if fewer.is_empty() {
                    continue;
                }
                let mut candidate = best.clone();
                let smaller = with_statements(fewer);
                if side == 0 {
                    candidate.new = smaller
                } else {
                    candidate.existing = smaller
                }
                if still_fails(&candidate) {
                    best = candidate;
                    improved = true;
                    break;
                }
            }
        }
        if !improved {
            return best;
        }
    }
}

/// Appends shrunk violations as corpus cases (expected PASS, the property's verdict).
fn write_regressions(violations: &[Violation]) -> Result<(), String> {
    for (policy_type, file_name, type_name) in [
        (
            PolicyType::Identity,
            "fuzz-regressions.json",
            "IDENTITY_POLICY",
        ),
        (
            PolicyType::Resource,
            "fuzz-regressions-resource.json",
            "RESOURCE_POLICY",
        ),
    ] {
        let kept: Vec<&Violation> = violations
            .iter()
            .filter(|v| v.must_pass && v.policy_type == policy_type)
            .collect();
        if kept.is_empty() {
            continue;
        }
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../corpus/checks")
            .join(file_name);
        let mut file: Value = match std::fs::read_to_string(&path) {
            Ok(text) => serde_json::from_str(&text).map_err(|e| e.to_string())?,
            Err(_) => json!({
                "description": "Regressions found by `cargo xtask fuzz`, shrunk: each a metamorphic property of the checks that a generated policy once violated.",
                "evidence": "Each case's verdict is its property's, true of every policy: a policy grants no new access against itself, a Deny never adds access, a statement more never removes access, statement and value order do not matter, and formatting does not matter.",
                "policyType": type_name,
                "cases": []
            }),
        };
        let cases = file
            .get_mut("cases")
            .and_then(Value::as_array_mut)
            .ok_or(format!("{file_name} has no `cases`"))?;
        for v in kept {
            cases.push(json!({
                "name": format!("regression-{}", cases.len() + 1),
                "check": "no-new-access",
                "new": v.new,
                "existing": v.existing,
                "expect": "PASS",
            }));
        }
        let text = serde_json::to_string_pretty(&file).map_err(|e| e.to_string())?;
        std::fs::write(&path, text + "\n").map_err(|e| e.to_string())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A short run of the fuzzer: the properties hold on 40 generated cases.
    #[test]
    fn forty_generated_cases_keep_every_property() {
        let mut rng = Rng::new(7);
        for case in 0..40 {
            let violations = check_case(&mut rng);
            assert!(violations.is_empty(), "case {case}: {violations:#?}");
        }
    }
}
