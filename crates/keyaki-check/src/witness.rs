//! Finding the witness of a FAIL: solving a question so that its model reads like a real
//! request, then turning the model into one.
//!
//! A model is any solution; the shortest strings satisfy most patterns, and `s3:` or an empty
//! resource are poor evidence for a security engineer. So the solver is told which values to
//! prefer — the policy's own action names and ARNs, real action names from the catalog,
//! well-formed example ARNs and principals such as `111122223333` — both in its string search
//! and by pinning one of the first preferred values when the question still has a solution.
//! Policy variables get values afterwards ([`crate::variables`]). The result is a request,
//! not a verdict: the checks replay it through the concrete evaluator before they trust it.

use crate::counterexample::request_of;
use crate::encode::{Encoder, glob_of};
use crate::variables::bind_variables;
use keyaki_logic::{Atom, Context, Formula, Pattern, Var};
use keyaki_policy::{ParsedPolicy, Request};
use keyaki_solver::{Model, Smt, SmtResult};

use crate::check::CheckConfig;

/// Real-looking callers, preferred for a counterexample's principal when one fits: an outside
/// account, a role in it, a service, and the anonymous caller.
const EXAMPLE_PRINCIPALS: [&str; 7] = [
    "AWS:arn:aws:iam::111122223333:root",
    "AWS:arn:aws:iam::444455556666:role/ExampleRole",
    "AWS:arn:aws:iam::777788889999:user/ExampleUser",
    "Service:lambda.amazonaws.com",
    "Anonymous",
    "Federated:cognito-identity.amazonaws.com",
    "CanonicalUser:79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be",
];

/// Well-formed ARNs, preferred for a counterexample's resource when the policy's own
/// resources do not fit (`"Resource": "*"` would otherwise give the empty string).
const EXAMPLE_RESOURCES: [&str; 6] = [
    "arn:aws:s3:::example-bucket",
    "arn:aws:s3:::example-bucket/example-key",
    "arn:aws:iam::111122223333:role/ExampleRole",
    "arn:aws:ec2:us-east-1:111122223333:instance/i-0123456789abcdef0",
    "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    "arn:aws:sqs:us-east-1:111122223333:example-queue",
];

/// Literal resource ARNs in the policy, preferred for the counterexample's resource.
/// Then the policy's wildcard ARNs written out with example values (`…/DOC-EXAMPLE-BUCKET/*`
/// gives `…/DOC-EXAMPLE-BUCKET/example`).
fn known_resources(policy: &ParsedPolicy) -> Vec<String> {
    let patterns: Vec<&keyaki_policy::Pattern> = policy
        .policy
        .statements
        .iter()
        .filter_map(|s| s.resource.as_ref())
        .flat_map(|list| list.patterns.iter())
        .map(|p| &p.value)
        .collect();
    let mut names: Vec<String> = patterns
        .iter()
        .filter_map(|p| glob_of(p).and_then(|g| g.as_literal()))
        .collect();
    names.sort();
    names.dedup();
    for pattern in patterns {
        if let Some(example) = example_arn(pattern)
            && !names.contains(&example)
        {
            names.push(example);
        }
    }
    names
}

/// An ARN pattern written out: a wildcard region is `us-east-1`, a wildcard account
/// `111122223333`, any other `*` is `example` and `?` is `x`; a variable is an example value
/// of its key. `None` for a non-ARN pattern.
fn example_arn(pattern: &keyaki_policy::Pattern) -> Option<String> {
    use keyaki_policy::Segment;
    const WILDCARD: char = '\u{0}';
    let text: String = pattern
        .segments
        .iter()
        .map(|segment| match segment {
            Segment::Literal(text) => text.clone(),
            Segment::AnyRun => WILDCARD.to_string(),
            Segment::AnyChar => "x".to_string(),
            Segment::Variable(variable) => {
                let key = variable.key.to_ascii_lowercase();
                if key.ends_with("account") {
                    "444455556666".to_string()
                } else if key.ends_with("region") {
                    "us-east-1".to_string()
                } else {
                    "example".to_string()
                }
            }
        })
        .collect();
    if !text.starts_with("arn:") {
        return None;
    }
    let wildcard = WILDCARD.to_string();
    let parts: Vec<String> = text
        .splitn(6, ':')
        .enumerate()
        .map(|(index, part)| match index {
            3 if part == wildcard => "us-east-1".to_string(),
            4 if part == wildcard => EXAMPLE_ACCOUNT.to_string(),
            _ => part.replace(WILDCARD, "example"),
        })
        .collect();
    Some(parts.join(":"))
}

/// Action names preferred for the counterexample's action: the policy's literal actions, then
/// real names (from [`crate::catalog`]) matching its wildcard patterns.
pub(crate) fn known_actions(policy: &ParsedPolicy) -> Vec<String> {
    const PER_PATTERN: usize = 3;
    const AT_MOST: usize = 400;
    let globs: Vec<Pattern> = policy
        .policy
        .statements
        .iter()
        .flat_map(|s| s.action.patterns.iter())
        .filter_map(|p| glob_of(&p.value))
        .collect();
    let mut names: Vec<String> = globs.iter().filter_map(Pattern::as_literal).collect();
    names.sort();
    names.dedup();
    for glob in globs.iter().filter(|g| g.as_literal().is_none()) {
        if names.len() >= AT_MOST {
            break;
        }
        for name in crate::catalog::actions_matching(glob, PER_PATTERN) {
            if !names.contains(&name) {
                names.push(name);
            }
        }
    }
    names
}

/// Why a witness that did not replay gives no answer: expected after an approximation, an
/// internal error (and said so) otherwise.
pub(crate) fn not_replayed(approximations: &[String]) -> String {
    if approximations.is_empty() {
        "internal error: the counterexample did not replay through the concrete evaluator; please report this policy".to_string()
    } else {
        "the policy uses features keyaki approximates, and the request found did not replay through the concrete evaluator".to_string()
    }
}

/// What solving a question gave.
pub(crate) enum Solved {
    /// No request satisfies it.
    Unsat,
    /// The solver gave up.
    Unknown(String),
    /// A request from the model (not replayed yet).
    Witness(Request),
}

/// What a subject's witnesses prefer, worked out once per check: a check solves many
/// questions about the same subject (the question, each statement's reasons, exemplars), and
/// the preferred actions come from searching the catalog for every wildcard action of the
/// policy, which costs more than many a solve.
pub struct Preferences {
    /// For the principal, action and resource variables, the values to prefer, best first.
    values: [(Var, Vec<String>); 3],
    /// Whether a witness names a principal (a resource policy, or a question testing a key the
    /// caller decides: [`Encoder::names_caller`]).
    with_principal: bool,
}

impl Preferences {
    /// The preferences for witnesses about `subject`, over `encoder`'s variables.
    pub fn of(encoder: &Encoder<'_>, subject: &ParsedPolicy) -> Preferences {
        Preferences {
            values: preferences(encoder, subject),
            with_principal: encoder.names_caller(subject.policy_type),
        }
    }

    /// No preferred values, and witnesses that name their caller: for questions whose
    /// principal, action and resource are pinned by the question itself.
    pub fn none(encoder: &Encoder<'_>) -> Preferences {
        Preferences {
            values: [
                (encoder.principal, Vec::new()),
                (encoder.action, Vec::new()),
                (encoder.resource, Vec::new()),
            ],
            with_principal: true,
        }
    }

    /// Real-looking callers preferred for the principal, nothing else: for questions whose
    /// action and resource are pinned and whose caller is any of a class.
    pub fn example_callers(encoder: &Encoder<'_>) -> Preferences {
        let mut preferences = Preferences::none(encoder);
        preferences.values[0].1 = EXAMPLE_PRINCIPALS
            .iter()
            .map(|p| (*p).to_string())
            .collect();
        preferences
    }

    /// For each request variable, the values to prefer, best first.
    pub fn values(&self) -> &[(Var, Vec<String>)] {
        &self.values
    }
}

/// The values to prefer for the principal, action and resource, best first.
fn preferences(encoder: &Encoder<'_>, subject: &ParsedPolicy) -> [(Var, Vec<String>); 3] {
    let mut resources = known_resources(subject);
    resources.extend(EXAMPLE_RESOURCES.iter().map(|r| (*r).to_string()));
    // A caller from an account the policy mentions (say, the resource's owner) is poor
    // evidence of outside access: such examples go last.
    let mentioned = mentioned_accounts(subject);
    let (mut principals, elsewhere): (Vec<String>, Vec<String>) = EXAMPLE_PRINCIPALS
        .iter()
        .map(|p| (*p).to_string())
        .partition(|p| !mentioned.iter().any(|a| p.contains(a.as_str())));
    principals.extend(elsewhere);
    [
        (encoder.principal, principals),
        (encoder.action, known_actions(subject)),
        (encoder.resource, resources),
    ]
}

/// The 12-digit account ids written anywhere in a policy's resources, principals and
/// condition values.
fn mentioned_accounts(policy: &ParsedPolicy) -> Vec<String> {
    let mut texts: Vec<String> = Vec::new();
    for statement in &policy.policy.statements {
        if let Some(list) = &statement.resource {
            texts.extend(list.patterns.iter().map(|p| p.value.text.clone()));
        }
        if let Some(element) = &statement.principal {
            texts.extend(element.principals.iter().map(|p| format!("{:?}", p.value)));
        }
        for condition in &statement.conditions {
            texts.extend(condition.values.iter().map(|v| format!("{:?}", v.value)));
        }
    }
    let mut accounts = Vec::new();
    for text in texts {
        let digits: Vec<char> = text.chars().collect();
        for window in digits.windows(12) {
            if window.iter().all(char::is_ascii_digit) {
                let account: String = window.iter().collect();
                if !accounts.contains(&account) {
                    accounts.push(account);
                }
            }
        }
    }
    accounts
}

/// Solves `question`, preferring real-looking values, and turns a model into a request.
pub(crate) fn solve(
    encoder: &mut Encoder<'_>,
    question: Formula,
    preferences: &Preferences,
    config: CheckConfig,
) -> Solved {
    let with_principal = preferences.with_principal;
    let preferences = preferences.values();
    let solve_once = |cx: &Context, question: Formula| {
        let mut smt = Smt::new(cx, question, config.smt);
        for (var, names) in preferences {
            smt.prefer(*var, names.clone());
        }
        smt.check()
    };
    let mut model = match solve_once(encoder.cx, question) {
        SmtResult::Unsat => return Solved::Unsat,
        SmtResult::Unknown(reason) => return Solved::Unknown(reason),
        SmtResult::Sat(model) => model,
    };
    // The search prefers real-looking values but may settle elsewhere; for each request
    // variable, pin one of the first preferred values when the question still has a solution.
    let mut question = question;
    let mut substituted: Vec<Var> = Vec::new();
    for (var, names) in preferences {
        let chosen = match model.values.get(var) {
            Some(keyaki_logic::Value::Str(text)) => text.clone(),
            _ => continue,
        };
        if names.contains(&chosen) {
            continue;
        }
        // First without solving: a preferred value that every atom of the model's Boolean
        // assignment still accepts (only the atoms on this variable, and on those already
        // substituted, change). Checking each variable alone against the first model is not
        // enough: an action and a resource can each fit, and a Deny then match both.
        if let Some(name) = names
            .iter()
            .take(SUBSTITUTION_ATTEMPTS)
            .find(|name| fits_model(encoder.cx, question, &model, &substituted, (*var, name)))
        {
            model
                .values
                .insert(*var, keyaki_logic::Value::Str(name.clone()));
            substituted.push(*var);
            continue;
        }
        for name in names.iter().take(PINNING_ATTEMPTS) {
            if config.expired() {
                break;
            }
            let pinned = encoder.cx.atom_formula(Atom::StrIn {
                var: *var,
                pattern: Pattern::literal(name),
                ignore_case: false,
            });
            let narrower = encoder.cx.and([question, pinned]);
            if let SmtResult::Sat(better) = solve_once(encoder.cx, narrower) {
                question = narrower;
                model = better;
                break;
            }
        }
    }
    // A variable no atom constrains has no value in the model: any will do, so a preferred
    // one (for the resource, one of the action's service when there is one).
    let service = match model.values.get(&encoder.action) {
        Some(keyaki_logic::Value::Str(action)) => action.split_once(':').map(|(service, _)| {
            // The resource of `sts:AssumeRole…` is the role, an IAM ARN.
            match service.to_ascii_lowercase().as_str() {
                "sts" => "arn:aws:iam:".to_string(),
                other => format!("arn:aws:{other}:"),
            }
        }),
        _ => None,
    };
    for (var, names) in preferences {
        if model.values.contains_key(var) {
            continue;
        }
        let same_service = names.iter().find(|n| {
            *var == encoder.resource && service.as_ref().is_some_and(|s| n.starts_with(s))
        });
        if let Some(name) = same_service.or(names.first()) {
            model
                .values
                .insert(*var, keyaki_logic::Value::Str(name.clone()));
        }
    }
    let mut request = request_of(encoder, &model, with_principal);
    let holds = |var| {
        encoder
            .cx
            .find_atom(&Atom::BoolTrue { var })
            .is_some_and(|id| model.atom(id))
    };
    bind_variables(encoder, holds, &mut request);
    Solved::Witness(request)
}

/// Condition keys whose value is an account id (lowercase).
const ACCOUNT_KEYS: [&str; 4] = [
    "aws:principalaccount",
    "aws:resourceaccount",
    "aws:sourceaccount",
    "kms:calleraccount",
];

/// The example account: a wildcard account field written out, and what a witness shows
/// instead of an empty account id.
const EXAMPLE_ACCOUNT: &str = "111122223333";

/// A confirmed witness made more readable: account keys the model left empty (an empty
/// account id is poor evidence) all become [`EXAMPLE_ACCOUNT`] (and an empty `aws:userid` an
/// id of the caller's shape, [`example_value`]), kept only when `confirms`
/// (the check's replay) still accepts the request. Done after the replay, not as a preference
/// while solving: a policy variable bound afterwards may have to agree with the empty value.
pub(crate) fn with_example_accounts(
    request: Request,
    confirms: impl Fn(&Request) -> bool,
) -> Request {
    let empty: Vec<(String, String)> = request
        .context()
        .filter(|value| value.values.iter().all(String::is_empty) && !value.values.is_empty())
        .filter_map(|value| {
            let example = example_value(&request, &value.key.to_ascii_lowercase())?;
            Some((value.key.clone(), example))
        })
        .collect();
    let caller = readable_caller(&request);
    if empty.is_empty() && caller.is_none() {
        return request;
    }
    let mut readable = request.clone();
    for (key, example) in &empty {
        readable.set_context(key, vec![example.clone()], false);
    }
    if let Some(caller) = caller {
        readable.principal = Some(caller);
    }
    if confirms(&readable) {
        readable
    } else {
        request
    }
}

/// An AWS caller whose partition or account the solver wrote as the shortest text that fits
/// (`arn:a:iam::a:user/bob`), written with the `aws` partition and the example account.
fn readable_caller(request: &Request) -> Option<keyaki_policy::RequestPrincipal> {
    let Some(keyaki_policy::RequestPrincipal::Aws(arn)) = &request.principal else {
        return None;
    };
    let mut parts: Vec<&str> = arn.splitn(6, ':').collect();
    let readable_partition = matches!(parts.get(1), Some(&("aws" | "aws-cn" | "aws-us-gov")));
    let readable_account = parts
        .get(4)
        .is_some_and(|a| a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit()));
    if parts.len() != 6 || (readable_partition && readable_account) {
        return None;
    }
    if !readable_partition && let Some(partition) = parts.get_mut(1) {
        *partition = "aws";
    }
    if !readable_account && let Some(account) = parts.get_mut(4) {
        *account = EXAMPLE_ACCOUNT;
    }
    Some(keyaki_policy::RequestPrincipal::Aws(parts.join(":")))
}

/// A readable value for a key the model left empty: the example account for account keys,
/// and for `aws:userid` the shape IAM gives it (`AIDA…` for a user, `AROA…:session` for a role
/// session: unique ids are not in the caller's ARN, so any will do).
fn example_value(request: &Request, lowercase_key: &str) -> Option<String> {
    if ACCOUNT_KEYS.contains(&lowercase_key) {
        return Some(EXAMPLE_ACCOUNT.to_string());
    }
    if lowercase_key != "aws:userid" {
        return None;
    }
    let identity = keyaki_policy::caller::identity_arn(request)?;
    match keyaki_policy::caller::AwsForm::of(&identity)? {
        keyaki_policy::caller::AwsForm::User => Some("AIDAEXAMPLEUSERID".to_string()),
        keyaki_policy::caller::AwsForm::Role => Some("AROAEXAMPLEROLEID:session".to_string()),
        _ => None,
    }
}

/// How many preferred values [`solve`] tries to pin for each request variable, solving again.
const PINNING_ATTEMPTS: usize = 1;
/// How many preferred values [`solve`] tries in the model as it is, without solving.
const SUBSTITUTION_ATTEMPTS: usize = 64;

/// Whether `question` still holds when string variable `var` takes `value`, the variables
/// already `substituted` keep their new values (their atoms are decided on those values, not
/// read from the model, whose atoms still describe the old ones), and every other atom keeps
/// the model's truth.
fn fits_model(
    cx: &Context,
    question: Formula,
    model: &Model,
    substituted: &[Var],
    (var, value): (Var, &str),
) -> bool {
    cx.eval(question, &mut |id, atom| match atom {
        Atom::StrIn {
            var: v,
            pattern,
            ignore_case,
        } if *v == var => pattern.matches(value, *ignore_case),
        Atom::StrIn {
            var: v,
            pattern,
            ignore_case,
        } if substituted.contains(v) => match model.values.get(v) {
            Some(keyaki_logic::Value::Str(text)) => pattern.matches(text, *ignore_case),
            _ => model.atom(id),
        },
        _ => model.atom(id),
    })
}
