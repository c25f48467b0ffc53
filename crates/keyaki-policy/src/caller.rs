//! Keys that describe the caller: IAM sets them from who makes the request, so a request
//! cannot choose them freely.
//!
//! A request's context is what the caller brings (an address, tags passed, a VPC). Some keys
//! are different: IAM writes them from the authenticated caller, and a policy that tests
//! `aws:PrincipalArn` is asking *who* called, not what the caller claims. This module is the
//! evaluator's rule for each such key, one row per key, with the sentence of the IAM User
//! Guide (AWS global condition context keys) that decides it. The encoding in keyaki-check
//! writes the same rules as formulas (`encode/caller.rs`); the differential tests hold the two
//! together.
//!
//! **Callers.** An AWS caller is known by its *identity ARN*, the value of `aws:PrincipalArn`:
//! `arn:P:iam::A:root` (the account's root user), `arn:P:iam::A:user/PATH/NAME` (an IAM user),
//! `arn:P:iam::A:role/PATH/NAME` (a session of that role: "for IAM roles, the request context
//! returns the ARN of the role, not the ARN of the user that assumed the role") and
//! `arn:P:sts::A:federated-user/NAME`. A request may also name a role session by its own ARN,
//! `arn:P:sts::A:assumed-role/NAME/SESSION`; that ARN drops the role's path, so the session's
//! identity ARN is `arn:P:iam::A:role/NAME` unless the request's context gives
//! `aws:PrincipalArn` (a role ARN of the same account and name, with its path).
//!
//! | key | the caller decides it as | the Guide |
//! |---|---|---|
//! | `aws:PrincipalArn` | AWS caller: its identity ARN; anonymous, web-identity and canonical-user callers: absent; service: as the context says, but never an identity ARN (a service is no user, role or root) | "the ARN of the principal that made the request"; "always included in the request context" |
//! | `aws:PrincipalAccount` | AWS caller: the account field of its ARN; anonymous, web-identity, canonical user: absent; service: as the context says | "the account to which the requesting principal belongs"; "always included" |
//! | `aws:PrincipalType` | root: `Account`; user: `User`; role session: `AssumedRole`; federated user: `FederatedUser`; others: as the context says, but none of those four | "the type of principal making the request"; "always included" |
//! | `aws:userid` | root: the account id; federated user `NAME` of account `A`: `A:NAME`; other AWS callers: as the context says (unique ids are not in the ARN) | "the requester's principal identifier"; "always included" |
//! | `aws:username` | IAM user: its name (the last part of its ARN); every other caller: absent | "included in the request context for IAM users only" |
//! | `aws:PrincipalIsAWSService` | service: `true`; AWS caller: `false`; others: absent or `false` | "whether the call to your resource is being made directly by an AWS service principal" |
//! | `aws:PrincipalServiceName` | service: its name; every other caller: absent | "present in the request when the call is made by an AWS service principal" |
//! | `aws:PrincipalServiceNamesList` | service: as the context says; every other caller: absent | likewise |
//! | `aws:PrincipalOrgID`, `aws:PrincipalOrgPaths`, `aws:PrincipalTag/…` | anonymous, web-identity, canonical user: absent; others: as the context says | "included … only if the principal is a member of an organization" / "has tags" |
//!
//! A request without a principal (an identity policy's request that does not say who calls)
//! leaves every key to its context. A context value that contradicts its caller is not a
//! request IAM can make: [`conflicts`] finds them, and `parse_request` rejects them.

use crate::request::{Request, RequestPrincipal};

/// What the caller makes of one key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Derived {
    /// IAM sets the key to this value.
    Value(String),
    /// IAM never sets the key for this caller.
    Absent,
    /// The caller does not decide the key: the context does.
    Free,
}

/// The shapes an AWS caller's identity ARN takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AwsForm {
    /// `arn:P:iam::A:root`.
    Root,
    /// `arn:P:iam::A:user/PATH/NAME`.
    User,
    /// `arn:P:iam::A:role/PATH/NAME` (a session of the role).
    Role,
    /// `arn:P:sts::A:federated-user/NAME`.
    FederatedUser,
}

impl AwsForm {
    /// Every form, in a fixed order.
    pub const ALL: [AwsForm; 4] = [
        AwsForm::Root,
        AwsForm::User,
        AwsForm::Role,
        AwsForm::FederatedUser,
    ];

    /// The value IAM gives `aws:PrincipalType` for callers of this form.
    pub fn principal_type(self) -> &'static str {
        match self {
            AwsForm::Root => "Account",
            AwsForm::User => "User",
            AwsForm::Role => "AssumedRole",
            AwsForm::FederatedUser => "FederatedUser",
        }
    }

    /// The form of an identity ARN, if it has one of the four.
    pub fn of(identity_arn: &str) -> Option<AwsForm> {
        let parts: Vec<&str> = identity_arn.splitn(6, ':').collect();
        let ["arn", partition, service, "", account, resource] = parts.as_slice() else {
            return None;
        };
        if partition.is_empty() || account.is_empty() || account.contains(':') {
            return None;
        }
        match (*service, *resource) {
            ("iam", "root") => Some(AwsForm::Root),
            ("iam", r) if r.starts_with("user/") => Some(AwsForm::User),
            ("iam", r) if r.starts_with("role/") => Some(AwsForm::Role),
            ("sts", r) if r.starts_with("federated-user/") => Some(AwsForm::FederatedUser),
            _ => None,
        }
    }
}

/// Whether IAM derives `key` (any letter case) from the caller.
pub fn is_caller_key(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    matches!(
        key.as_str(),
        "aws:principalarn"
            | "aws:principalaccount"
            | "aws:principaltype"
            | "aws:userid"
            | "aws:username"
            | "aws:principalisawsservice"
            | "aws:principalservicename"
            | "aws:principalservicenameslist"
            | "aws:principalorgid"
            | "aws:principalorgpaths"
    ) || key.starts_with("aws:principaltag/")
}

/// What the request's caller makes of `key`; `None` when the request names no caller or the
/// key is not one IAM derives from the caller.
pub fn derived(request: &Request, key: &str) -> Option<Derived> {
    let caller = request.principal.as_ref()?;
    let key = key.to_ascii_lowercase();
    if !is_caller_key(&key) {
        return None;
    }
    Some(match caller {
        RequestPrincipal::Aws(_) => of_aws_caller(request, &key),
        RequestPrincipal::Service(name) => of_service(name, &key),
        RequestPrincipal::Anonymous
        | RequestPrincipal::Federated(_)
        | RequestPrincipal::CanonicalUser(_) => of_caller_without_identity(&key),
    })
}

/// The identity ARN of an AWS caller (what `aws:PrincipalArn` holds; see the module docs).
pub fn identity_arn(request: &Request) -> Option<String> {
    let Some(RequestPrincipal::Aws(arn)) = &request.principal else {
        return None;
    };
    let Some(session) = Session::of(arn) else {
        return Some(arn.clone());
    };
    let given = request.raw_single_value("aws:PrincipalArn");
    Some(match given {
        Some(role) if session.is_session_of(&role) => role,
        _ => session.default_role(),
    })
}

fn of_aws_caller(request: &Request, key: &str) -> Derived {
    let Some(identity) = identity_arn(request) else {
        return Derived::Free;
    };
    let form = AwsForm::of(&identity);
    let account = identity.split(':').nth(4).unwrap_or_default().to_string();
    let last_part = |arn: &str| arn.rsplit('/').next().unwrap_or_default().to_string();
    match (key, form) {
        ("aws:principalarn", _) => Derived::Value(identity),
        ("aws:principalaccount", _) if account.is_empty() => Derived::Absent,
        ("aws:principalaccount", _) => Derived::Value(account),
        ("aws:principaltype", Some(form)) => Derived::Value(form.principal_type().to_string()),
        ("aws:userid", Some(AwsForm::Root)) => Derived::Value(account),
        ("aws:userid", Some(AwsForm::FederatedUser)) => {
            Derived::Value(format!("{account}:{}", last_part(&identity)))
        }
        ("aws:username", Some(AwsForm::User)) => Derived::Value(last_part(&identity)),
        ("aws:username", _) => Derived::Absent,
        ("aws:principalisawsservice", _) => Derived::Value("false".to_string()),
        ("aws:principalservicename" | "aws:principalservicenameslist", _) => Derived::Absent,
        _ => Derived::Free,
    }
}

fn of_service(name: &str, key: &str) -> Derived {
    match key {
        "aws:principalisawsservice" => Derived::Value("true".to_string()),
        "aws:principalservicename" => Derived::Value(name.to_string()),
        "aws:username" => Derived::Absent,
        _ => Derived::Free,
    }
}

/// Anonymous, web-identity and canonical-user callers carry none of the keys of an AWS
/// identity; the type and service flag are left to the context.
fn of_caller_without_identity(key: &str) -> Derived {
    match key {
        "aws:principaltype" | "aws:userid" | "aws:principalisawsservice" => Derived::Free,
        _ => Derived::Absent,
    }
}

/// A role session named by its own ARN, `arn:P:sts::A:assumed-role/NAME/SESSION`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session<'a> {
    /// The session's role (its path is not in the session ARN).
    pub role: RoleName<'a>,
    /// The session's name.
    pub session_name: &'a str,
}

impl<'a> Session<'a> {
    /// The parts of a session ARN; `None` for any other text.
    pub fn of(arn: &'a str) -> Option<Session<'a>> {
        let (partition, account, resource) = fields(arn, "sts")?;
        let (name, session_name) = resource.strip_prefix("assumed-role/")?.split_once('/')?;
        if account.is_empty() || account.contains(':') || name.is_empty() {
            return None;
        }
        Some(Session {
            role: RoleName {
                partition,
                account,
                name,
            },
            session_name,
        })
    }

    /// The role ARN with the root path, `arn:P:iam::A:role/NAME`.
    pub fn default_role(&self) -> String {
        let RoleName {
            partition,
            account,
            name,
        } = self.role;
        format!("arn:{partition}:iam::{account}:role/{name}")
    }

    /// Whether `role` is an ARN of this session's role: same partition, account and name,
    /// any path.
    pub fn is_session_of(&self, role: &str) -> bool {
        RoleName::of(role) == Some(self.role)
    }
}

/// What identifies a role within IAM: its partition, account and name (role names are unique
/// within an account, whatever their path).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoleName<'a> {
    /// The partition.
    pub partition: &'a str,
    /// The account.
    pub account: &'a str,
    /// The name: the last part of the role's ARN.
    pub name: &'a str,
}

impl<'a> RoleName<'a> {
    /// The name of a role ARN, `arn:P:iam::A:role/PATH/NAME`; `None` for any other text.
    pub fn of(arn: &'a str) -> Option<RoleName<'a>> {
        let (partition, account, resource) = fields(arn, "iam")?;
        let name = resource.strip_prefix("role/")?.rsplit('/').next()?;
        Some(RoleName {
            partition,
            account,
            name,
        })
    }
}

/// The partition, account and resource part of an ARN of `service` with no region.
fn fields<'a>(arn: &'a str, service: &str) -> Option<(&'a str, &'a str, &'a str)> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    match parts.as_slice() {
        ["arn", partition, s, "", account, resource] if *s == service => {
            Some((partition, account, resource))
        }
        _ => None,
    }
}

/// Context keys whose value contradicts the request's caller, each with the reason.
pub fn conflicts(request: &Request) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for given in request.context() {
        let Some(derived) = derived(request, &given.key) else {
            continue;
        };
        let written = given.values.first().cloned().unwrap_or_default();
        match derived {
            Derived::Free if claims_what_no_such_caller_has(request, &given.key, &written) => found
                .push((
                    given.key.clone(),
                    format!(
                        "the caller `{}` is no IAM identity, so `{}` cannot be `{written}`",
                        caller_text(request),
                        given.key
                    ),
                )),
            Derived::Free => {}
            Derived::Absent => found.push((
                given.key.clone(),
                format!(
                    "IAM does not set `{}` for the caller `{}`",
                    given.key,
                    caller_text(request)
                ),
            )),
            Derived::Value(value) => {
                let same = if given.key.eq_ignore_ascii_case("aws:principalisawsservice") {
                    written.eq_ignore_ascii_case(&value)
                } else {
                    written == value
                };
                if given.multi_valued || given.values.len() != 1 || !same {
                    found.push((
                        given.key.clone(),
                        format!(
                            "IAM sets `{}` to `{value}` for the caller `{}`",
                            given.key,
                            caller_text(request)
                        ),
                    ));
                }
            }
        }
    }
    found
}

/// A service principal is no IAM user, role or root: its `aws:PrincipalArn`, if it has one, is
/// none of the identity forms.
/// Likewise, a caller that is no AWS identity has none of the identity types, and only a
/// service principal is an AWS service.
fn claims_what_no_such_caller_has(request: &Request, key: &str, value: &str) -> bool {
    let not_aws = !matches!(request.principal, Some(RequestPrincipal::Aws(_)));
    let service = matches!(request.principal, Some(RequestPrincipal::Service(_)));
    (service && key.eq_ignore_ascii_case("aws:PrincipalArn") && AwsForm::of(value).is_some())
        || (not_aws
            && !service
            && key.eq_ignore_ascii_case("aws:PrincipalIsAWSService")
            && value.eq_ignore_ascii_case("true"))
        || (not_aws
            && key.eq_ignore_ascii_case("aws:PrincipalType")
            && AwsForm::ALL.iter().any(|f| f.principal_type() == value))
}

fn caller_text(request: &Request) -> String {
    match &request.principal {
        Some(RequestPrincipal::Aws(arn)) => arn.clone(),
        Some(other) => other.to_string(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn by(principal: RequestPrincipal) -> Request {
        Request::for_identity("s3:GetObject", "arn:aws:s3:::b/k").with_principal(principal)
    }

    fn aws(arn: &str) -> Request {
        by(RequestPrincipal::Aws(arn.to_string()))
    }

    fn value(text: &str) -> Option<Derived> {
        Some(Derived::Value(text.to_string()))
    }

    #[test]
    fn each_aws_form_gives_its_keys() {
        let user = aws("arn:aws:iam::111122223333:user/ops/alice");
        assert_eq!(derived(&user, "aws:username"), value("alice"));
        assert_eq!(derived(&user, "AWS:PrincipalType"), value("User"));
        assert_eq!(
            derived(&user, "aws:PrincipalAccount"),
            value("111122223333")
        );
        assert_eq!(derived(&user, "aws:userid"), Some(Derived::Free));
        let root = aws("arn:aws:iam::111122223333:root");
        assert_eq!(derived(&root, "aws:userid"), value("111122223333"));
        assert_eq!(derived(&root, "aws:PrincipalType"), value("Account"));
        assert_eq!(derived(&root, "aws:username"), Some(Derived::Absent));
        let federated = aws("arn:aws:sts::111122223333:federated-user/bob");
        assert_eq!(derived(&federated, "aws:userid"), value("111122223333:bob"));
        assert_eq!(
            derived(&federated, "aws:PrincipalType"),
            value("FederatedUser")
        );
        assert_eq!(
            derived(&federated, "aws:PrincipalIsAWSService"),
            value("false")
        );
    }

    #[test]
    fn a_session_is_known_by_its_role() {
        let session = aws("arn:aws:sts::111122223333:assumed-role/Deploy/build-42");
        assert_eq!(
            derived(&session, "aws:PrincipalArn"),
            value("arn:aws:iam::111122223333:role/Deploy")
        );
        assert_eq!(derived(&session, "aws:PrincipalType"), value("AssumedRole"));
        let with_path = session.clone().with_context_string(
            "aws:PrincipalArn",
            "arn:aws:iam::111122223333:role/ci/Deploy",
        );
        assert_eq!(
            identity_arn(&with_path).as_deref(),
            Some("arn:aws:iam::111122223333:role/ci/Deploy")
        );
        assert!(conflicts(&with_path).is_empty());
        let other_role =
            session.with_context_string("aws:PrincipalArn", "arn:aws:iam::111122223333:role/Audit");
        assert_eq!(conflicts(&other_role).len(), 1);
    }

    #[test]
    fn callers_without_an_identity_carry_no_identity_keys() {
        for caller in [
            RequestPrincipal::Anonymous,
            RequestPrincipal::Federated("accounts.google.com".to_string()),
            RequestPrincipal::CanonicalUser("79a59df9".to_string()),
        ] {
            let request = by(caller);
            for key in ["aws:PrincipalArn", "aws:PrincipalAccount", "aws:username"] {
                assert_eq!(derived(&request, key), Some(Derived::Absent), "{key}");
            }
            assert_eq!(derived(&request, "aws:PrincipalType"), Some(Derived::Free));
        }
        let service = by(RequestPrincipal::Service(
            "lambda.amazonaws.com".to_string(),
        ));
        assert_eq!(
            derived(&service, "aws:PrincipalServiceName"),
            value("lambda.amazonaws.com")
        );
        assert_eq!(derived(&service, "aws:PrincipalArn"), Some(Derived::Free));
        assert_eq!(derived(&service, "aws:SourceIp"), None);
    }

    #[test]
    fn a_claim_from_another_account_conflicts() {
        let request = aws("arn:aws:iam::111122223333:root")
            .with_context_string("aws:PrincipalArn", "arn:aws:iam::444455556666:role/x");
        let found = conflicts(&request);
        assert_eq!(found.len(), 1);
        assert!(found[0].1.contains("arn:aws:iam::111122223333:root"));
        let agreeing = aws("arn:aws:iam::111122223333:root")
            .with_context_string("aws:PrincipalAccount", "111122223333");
        assert!(conflicts(&agreeing).is_empty());
    }
}
