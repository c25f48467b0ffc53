//! Generated identity policies full of policy variables, for the benchmark.
//!
//! Identity policies of a company grant per-user and per-team access with policy variables:
//! `arn:aws:s3:::billing-${aws:PrincipalTag/team}/home/${aws:username}/*`, tag conditions
//! such as `aws:ResourceTag/team = ${aws:PrincipalTag/team}`, wildcard actions
//! (`s3:GetObject*`, `dynamodb:*Item`) and a few guard rails as `Deny` statements (`NotAction`
//! without MFA, `NotResource` outside the caller's own user). A pair of such policies of about
//! 30 KB (80 statements against 77) once took 42 s and 0.5 GB for one `check-no-new-access`.
//! [`documents`] writes such a policy and three edits of it deterministically (a fixed seed of
//! [`Rng`]), and `cargo xtask bench` times the three questions, each edit against the
//! existing policy:
//!
//! - **narrowed** (77 statements) — five grants removed, two with fewer actions, three with
//!   narrower resources, two with one more condition, two split in two, the rest reordered:
//!   it grants nothing new, and the PASS must be proved;
//! - **widened** — the same edit plus one grant that lets the user list every home folder of
//!   a team bucket, not only their own: a FAIL;
//! - **relaxed** — the same edit without the MFA guard rail: a FAIL in nearly every grant,
//!   so finding the reasons asks one question per statement.
//!
//! `cargo xtask variables-pair DIR` writes the four documents for the CLI;
//! `tests/examples/variables/` holds a copy, which a test keeps equal to this generator's
//! output.

use crate::fuzz::Rng;
use serde_json::{Value, json};
use std::path::Path;

/// The seed of the pair: changing it changes the benchmark.
const SEED: u64 = 13;

/// How many statements the existing policy has.
const STATEMENTS: usize = 80;

const REGIONS: [&str; 2] = ["us-east-1", "eu-west-1"];
const APPS: [&str; 4] = ["billing", "search", "checkout", "ledger"];
const S3_OBJECT: [&str; 9] = [
    "s3:GetObject",
    "s3:GetObject*",
    "s3:PutObject",
    "s3:PutObject*",
    "s3:DeleteObject*",
    "s3:*ObjectTagging",
    "s3:AbortMultipartUpload",
    "s3:ListMultipartUploadParts",
    "s3:Get*",
];
const DYNAMODB: [&str; 7] = [
    "dynamodb:GetItem",
    "dynamodb:*Item",
    "dynamodb:BatchGet*",
    "dynamodb:Query",
    "dynamodb:Scan",
    "dynamodb:Describe*",
    "dynamodb:ConditionCheckItem",
];
const SECRETS: [&str; 4] = [
    "secretsmanager:GetSecretValue",
    "secretsmanager:Describe*",
    "secretsmanager:List*",
    "secretsmanager:PutSecretValue",
];
const IAM_SELF: [&str; 7] = [
    "iam:ChangePassword",
    "iam:GetUser",
    "iam:CreateAccessKey",
    "iam:DeleteAccessKey",
    "iam:ListAccessKeys",
    "iam:UpdateAccessKey",
    "iam:*MFADevice",
];
const SSM: [&str; 4] = [
    "ssm:GetParameter*",
    "ssm:PutParameter",
    "ssm:DeleteParameter*",
    "ssm:Describe*",
];
const EC2: [&str; 4] = [
    "ec2:StartInstances",
    "ec2:StopInstances",
    "ec2:*Tags",
    "ec2:Describe*",
];
const LAMBDA: [&str; 4] = [
    "lambda:InvokeFunction",
    "lambda:GetFunction",
    "lambda:UpdateFunctionCode",
    "lambda:Get*",
];
const KMS: [&str; 4] = [
    "kms:Decrypt",
    "kms:Encrypt",
    "kms:GenerateDataKey*",
    "kms:DescribeKey",
];
const LOGS: [&str; 4] = [
    "logs:CreateLogStream",
    "logs:PutLogEvents",
    "logs:Get*",
    "logs:*LogEvents",
];

/// The team of the caller and the caller's user name, as policy variables.
const TEAM: &str = "${aws:PrincipalTag/team}";
const USER: &str = "${aws:username}";

/// One `Allow` statement of the `kind`-th family (of fourteen, five of them S3, as in a data
/// team's policy), for the `n`-th app.
fn allow(rng: &mut Rng, kind: usize, n: usize) -> Value {
    let app = APPS.get(n % APPS.len()).copied().unwrap_or("app");
    let region = rng.pick(&REGIONS);
    let account = "111122223333";
    match kind % 14 {
        0 => json!({
            "Effect": "Allow",
            "Action": rng.some(&S3_OBJECT, 4),
            "Resource": format!("arn:aws:s3:::{app}-{TEAM}/home/{USER}/*"),
        }),
        1 => json!({
            "Effect": "Allow",
            "Action": "s3:ListBucket",
            "Resource": format!("arn:aws:s3:::{app}-{TEAM}"),
            "Condition": {"StringLike": {"s3:prefix": ["", "home/", format!("home/{USER}/*")]}},
        }),
        10 => json!({
            "Effect": "Allow",
            "Action": rng.some(&S3_OBJECT, 3),
            "Resource": [
                format!("arn:aws:s3:::{app}-{TEAM}/shared/*"),
                format!("arn:aws:s3:::{app}-data/{TEAM}/*"),
            ],
            "Condition": {"StringEquals": {"s3:ExistingObjectTag/team": TEAM}},
        }),
        11 => json!({
            "Effect": "Allow",
            "Action": rng.some(&S3_OBJECT, 4),
            "Resource": [
                format!("arn:aws:s3:::{app}-projects/{TEAM}/{USER}/*"),
                format!("arn:aws:s3:::{app}-projects/{TEAM}/{USER}"),
            ],
        }),
        12 => json!({
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:GetObjectVersion"],
            "Resource": format!("arn:aws:s3:::{app}-published/*"),
            "Condition": {"StringLike": {"s3:ExistingObjectTag/audience": [TEAM, "all", format!("{TEAM}-*")]}},
        }),
        13 => json!({
            "Effect": "Allow",
            "Action": "s3:ListBucket",
            "Resource": [format!("arn:aws:s3:::{app}-projects"), format!("arn:aws:s3:::{app}-data")],
            "Condition": {"StringLike": {"s3:prefix": [format!("{TEAM}/{USER}/*"), format!("{TEAM}/*")]}},
        }),
        2 => json!({
            "Effect": "Allow",
            "Action": rng.some(&DYNAMODB, 4),
            "Resource": [
                format!("arn:aws:dynamodb:{region}:{account}:table/{app}-{TEAM}"),
                format!("arn:aws:dynamodb:{region}:{account}:table/{app}-{TEAM}/index/*"),
            ],
            "Condition": {"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": [USER]}},
        }),
        3 => json!({
            "Effect": "Allow",
            "Action": rng.some(&SECRETS, 2),
            "Resource": format!("arn:aws:secretsmanager:{region}:{account}:secret:{TEAM}/{app}/*"),
            "Condition": {"StringEquals": {"aws:ResourceTag/team": TEAM}},
        }),
        4 => json!({
            "Effect": "Allow",
            "Action": rng.some(&IAM_SELF, 3),
            "Resource": [
                format!("arn:aws:iam::{account}:user/{USER}"),
                format!("arn:aws:iam::{account}:mfa/{USER}"),
            ],
        }),
        5 => json!({
            "Effect": "Allow",
            "Action": rng.some(&SSM, 3),
            "Resource": format!("arn:aws:ssm:{region}:{account}:parameter/{app}/{TEAM}/*"),
        }),
        6 => json!({
            "Effect": "Allow",
            "Action": rng.some(&EC2, 3),
            "Resource": format!("arn:aws:ec2:{region}:{account}:instance/*"),
            "Condition": {"StringEquals": {
                "aws:ResourceTag/team": TEAM,
                "ec2:ResourceTag/owner": USER,
            }},
        }),
        7 => json!({
            "Effect": "Allow",
            "Action": rng.some(&LAMBDA, 2),
            "Resource": format!("arn:aws:lambda:{region}:{account}:function:{TEAM}-{app}-*"),
        }),
        8 => json!({
            "Effect": "Allow",
            "Action": rng.some(&KMS, 3),
            "Resource": format!("arn:aws:kms:{region}:{account}:key/*"),
            "Condition": {
                "StringEquals": {"aws:ResourceTag/team": TEAM},
                "StringLike": {"kms:ViaService": [format!("s3.{region}.amazonaws.com"), format!("secretsmanager.{region}.amazonaws.com")]},
            },
        }),
        _ => json!({
            "Effect": "Allow",
            "Action": rng.some(&LOGS, 3),
            "Resource": format!("arn:aws:logs:{region}:{account}:log-group:/{app}/{TEAM}/{USER}:*"),
        }),
    }
}

/// The guard rails: `Deny` statements with `NotAction`, `NotResource` and conditions on the
/// same variables.
fn denies() -> Vec<Value> {
    vec![
        json!({
            "Sid": "DenyWithoutMfa",
            "Effect": "Deny",
            "NotAction": ["iam:ChangePassword", "iam:GetUser", "iam:*MFADevice", "sts:GetSessionToken"],
            "Resource": "*",
            "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}},
        }),
        json!({
            "Sid": "DenyOtherUsers",
            "Effect": "Deny",
            "Action": "iam:*",
            "NotResource": [
                format!("arn:aws:iam::111122223333:user/{USER}"),
                format!("arn:aws:iam::111122223333:mfa/{USER}"),
            ],
        }),
        json!({
            "Sid": "DenyUntagged",
            "Effect": "Deny",
            "Action": "*",
            "Resource": "*",
            "Condition": {"Null": {"aws:PrincipalTag/team": "true"}},
        }),
        json!({
            "Sid": "DenyOtherTeamsSecrets",
            "Effect": "Deny",
            "Action": "secretsmanager:*",
            "Resource": "*",
            "Condition": {"StringNotEquals": {"aws:ResourceTag/team": TEAM}},
        }),
        json!({
            "Sid": "DenyUntaggedLaunch",
            "Effect": "Deny",
            "Action": ["ec2:RunInstances", "ec2:CreateTags"],
            "Resource": "*",
            "Condition": {"StringNotEqualsIfExists": {"aws:RequestTag/team": TEAM}},
        }),
        json!({
            "Sid": "DenyUnencryptedUploads",
            "Effect": "Deny",
            "Action": "s3:PutObject",
            "Resource": "*",
            "Condition": {"StringNotEquals": {"s3:x-amz-server-side-encryption": "aws:kms"}},
        }),
        json!({
            "Sid": "DenyBucketAdmin",
            "Effect": "Deny",
            "Action": ["s3:DeleteBucket", "s3:PutBucketPolicy", "s3:PutBucketAcl"],
            "Resource": "*",
        }),
        json!({
            "Sid": "DenyOutsideHome",
            "Effect": "Deny",
            "Action": "s3:*Object*",
            "NotResource": [format!("arn:aws:s3:::*-{TEAM}/home/{USER}/*")],
        }),
    ]
}

/// A statement with its `Sid`.
fn named(mut statement: Value, sid: String) -> Value {
    if let Value::Object(map) = &mut statement {
        map.insert("Sid".to_string(), json!(sid));
    }
    statement
}

fn document(statements: Vec<Value>) -> Value {
    json!({"Version": "2012-10-17", "Statement": statements})
}

/// The documents of the benchmark: the existing policy and three edits of it.
pub struct Documents {
    /// The policy before the edit (80 statements).
    pub existing: Value,
    /// The narrowing edit (77 statements): grants nothing new, a PASS.
    pub narrowed: Value,
    /// The narrowing edit with one more grant, of other users' home folders: a FAIL.
    pub widened: Value,
    /// The narrowing edit without the MFA guard rail: a FAIL in almost every statement.
    pub relaxed: Value,
}

impl Documents {
    /// The three questions: name, new policy (each asked against [`Documents::existing`]).
    pub fn edits(&self) -> [(&'static str, &Value); 3] {
        [
            ("narrowed", &self.narrowed),
            ("widened", &self.widened),
            ("relaxed", &self.relaxed),
        ]
    }
}

/// The documents, the same on every call.
pub fn documents() -> Documents {
    let mut rng = Rng::new(SEED);
    let existing = existing(&mut rng);
    let narrowed = narrowed(&mut rng, &existing);
    let mut widened = narrowed.clone();
    widened.push(json!({
        "Sid": "ListTeamFolders",
        "Effect": "Allow",
        "Action": "s3:ListBucket",
        "Resource": format!("arn:aws:s3:::{}-{TEAM}", APPS.first().copied().unwrap_or("app")),
        "Condition": {"StringLike": {"s3:prefix": ["home/*"]}},
    }));
    let mut relaxed = narrowed.clone();
    relaxed.retain(|s| s.get("Sid").and_then(Value::as_str) != Some("DenyWithoutMfa"));
    Documents {
        existing: document(existing),
        narrowed: document(narrowed),
        widened: document(widened),
        relaxed: document(relaxed),
    }
}

/// The existing policy's statements: the grants, with the guard rails spread among them as
/// people write them.
fn existing(rng: &mut Rng) -> Vec<Value> {
    let guard_rails = denies();
    let allows: Vec<Value> = (0..STATEMENTS - guard_rails.len())
        .map(|i| named(allow(rng, i, i / 14 + i), format!("Allow{i:02}")))
        .collect();
    let mut statements = Vec::with_capacity(STATEMENTS);
    let mut rails = guard_rails.into_iter();
    for (i, statement) in allows.into_iter().enumerate() {
        if i % 9 == 4
            && let Some(rail) = rails.next()
        {
            statements.push(rail);
        }
        statements.push(statement);
    }
    statements.extend(rails);
    statements
}

/// The narrowing edit: five grants removed, two with fewer actions, three with narrower
/// resources, two with one more condition, two split in two, and a new order.
fn narrowed(rng: &mut Rng, existing: &[Value]) -> Vec<Value> {
    let mut statements = existing.to_vec();
    for _ in 0..5 {
        let at = pick_allow(rng, &statements);
        statements.remove(at);
    }
    let edits: [fn(&mut Value); 7] = [
        narrow_actions,
        narrow_actions,
        narrow_resource,
        narrow_resource,
        narrow_resource,
        add_condition,
        add_condition,
    ];
    for edit in edits {
        let at = pick_allow(rng, &statements);
        if let Some(statement) = statements.get_mut(at) {
            edit(statement);
        }
    }
    let mut splits = 0;
    while splits < 2 {
        // Only a grant of several actions splits; others are passed over.
        let at = pick_allow(rng, &statements);
        if let Some(second) = statements.get_mut(at).and_then(split_off) {
            statements.insert(at + 1, second);
            splits += 1;
        }
    }
    statements.rotate_left(STATEMENTS / 3);
    statements
}

/// The position of a random `Allow` statement.
fn pick_allow(rng: &mut Rng, statements: &[Value]) -> usize {
    let allows: Vec<usize> = statements
        .iter()
        .enumerate()
        .filter(|(_, s)| s.get("Effect").and_then(Value::as_str) == Some("Allow"))
        .map(|(i, _)| i)
        .collect();
    allows.get(rng.below(allows.len())).copied().unwrap_or(0)
}

/// Narrows a grant: keeps only its first action.
fn narrow_actions(statement: &mut Value) {
    if let Some(Value::Array(actions)) = statement.get_mut("Action") {
        actions.truncate(1);
    }
}

/// Narrows a grant: its resources end in a `docs/` folder of where they ended before.
fn narrow_resource(statement: &mut Value) {
    let narrower = |resource: &mut Value| {
        if let Value::String(text) = resource
            && let Some(stem) = text.strip_suffix("/*")
        {
            *text = format!("{stem}/docs/*");
        }
    };
    match statement.get_mut("Resource") {
        Some(Value::Array(resources)) => resources.iter_mut().for_each(narrower),
        Some(resource) => narrower(resource),
        None => {}
    }
}

/// Narrows a grant: it also requires TLS.
fn add_condition(statement: &mut Value) {
    if let Value::Object(map) = statement {
        let condition = map.entry("Condition").or_insert_with(|| json!({}));
        if let Value::Object(operators) = condition {
            operators.insert("Bool".to_string(), json!({"aws:SecureTransport": "true"}));
        }
    }
}

/// Splits a grant with several actions in two: the statement keeps the first half of its
/// actions, and the returned copy (its `Sid` suffixed) has the others.
fn split_off(statement: &mut Value) -> Option<Value> {
    let Some(Value::Array(actions)) = statement.get_mut("Action") else {
        return None;
    };
    if actions.len() < 2 {
        return None;
    }
    let rest = actions.split_off(actions.len() / 2);
    let mut second = statement.clone();
    if let Value::Object(map) = &mut second {
        map.insert("Action".to_string(), Value::Array(rest));
        let sid = map.get("Sid").and_then(Value::as_str).unwrap_or("Split");
        let sid = format!("{sid}b");
        map.insert("Sid".to_string(), json!(sid));
    }
    Some(second)
}

/// `cargo xtask variables-pair DIR`: writes the documents of [`documents`] into `DIR`.
pub fn write(args: &[String]) -> Result<(), String> {
    let dir = args
        .first()
        .ok_or("usage: cargo xtask variables-pair DIR")?;
    let dir = Path::new(dir);
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let documents = documents();
    let mut files = vec![("existing", &documents.existing)];
    files.extend(documents.edits());
    for (name, document) in files {
        let path = dir.join(format!("{name}.json"));
        std::fs::write(&path, text(document)?)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        println!("wrote {}", path.display());
    }
    Ok(())
}

/// A document as it is written to a file: pretty-printed, with a final newline.
pub fn text(document: &Value) -> Result<String, String> {
    serde_json::to_string_pretty(document)
        .map(|text| text + "\n")
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "test code")]

    use super::*;

    /// The copy in `tests/examples/variables/` is what the generator writes today.
    #[test]
    fn the_committed_copy_is_the_generators_output() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/examples/variables");
        let documents = documents();
        let mut files = vec![("existing", &documents.existing)];
        files.extend(documents.edits());
        for (name, document) in files {
            let committed = std::fs::read_to_string(dir.join(format!("{name}.json"))).unwrap();
            assert!(
                committed == text(document).unwrap(),
                "tests/examples/variables/{name}.json differs from the generator's output: run `cargo xtask variables-pair tests/examples/variables`"
            );
        }
    }

    /// The sizes the benchmark promises: 80 statements against 77, about 30 KB.
    #[test]
    fn the_pair_has_the_promised_size() {
        let documents = documents();
        let statements = |v: &Value| v.get("Statement").and_then(Value::as_array).unwrap().len();
        assert_eq!(statements(&documents.existing), 80);
        assert_eq!(statements(&documents.narrowed), 77);
        assert_eq!(statements(&documents.widened), 78);
        assert_eq!(statements(&documents.relaxed), 76);
        let size = text(&documents.existing).unwrap().len();
        assert!((24_000..36_000).contains(&size), "{size} bytes");
    }
}
