//! `Principal` and `NotPrincipal` against the request's caller (resource policies only).
//!
//! - `Everyone` (`"*"`) matches every caller, anonymous ones included.
//! - An account matches every AWS principal whose ARN names that account.
//! - An IAM role ARN also matches the sessions of that role
//!   (`arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION`): a resource policy that names a role
//!   grants its sessions, which are how a role makes requests.
//! - Any other value matches the caller with exactly that value and kind.
//!
//! `NotPrincipal` matches every caller that none of its values match.

use crate::model::{Principal, PrincipalElement};
use crate::request::{Request, RequestPrincipal};

/// Whether the element matches the request's caller (no caller counts as anonymous).
pub fn element_matches(element: &PrincipalElement, request: &Request) -> bool {
    let caller = request
        .principal
        .as_ref()
        .unwrap_or(&RequestPrincipal::Anonymous);
    let any = element.principals.iter().any(|p| matches(&p.value, caller));
    any != element.negated
}

fn matches(principal: &Principal, caller: &RequestPrincipal) -> bool {
    match (principal, caller) {
        (Principal::Everyone, _) => true,
        (Principal::Account(id), caller) => caller.account() == Some(id.as_str()),
        (Principal::Aws(named), RequestPrincipal::Aws(arn)) => {
            named == arn || is_session_of(arn, named)
        }
        (Principal::Service(named), RequestPrincipal::Service(name))
        | (Principal::Federated(named), RequestPrincipal::Federated(name))
        | (Principal::CanonicalUser(named), RequestPrincipal::CanonicalUser(name)) => named == name,
        _ => false,
    }
}

/// Whether `session` (`arn:P:sts::A:assumed-role/NAME/S`) is a session of `role`
/// (`arn:P:iam::A:role/PATH/NAME`; the session ARN drops the role's path).
fn is_session_of(session: &str, role: &str) -> bool {
    let session_parts: Vec<&str> = session.splitn(6, ':').collect();
    let role_parts: Vec<&str> = role.splitn(6, ':').collect();
    match (session_parts.as_slice(), role_parts.as_slice()) {
        (
            ["arn", sp, "sts", "", sa, session_resource],
            ["arn", rp, "iam", "", ra, role_resource],
        ) => {
            let role_name = role_resource
                .strip_prefix("role/")
                .and_then(|r| r.rsplit('/').next());
            let session_role = session_resource
                .strip_prefix("assumed-role/")
                .and_then(|r| r.split_once('/'))
                .map(|(name, _)| name);
            sp == rp && sa == ra && role_name.is_some() && role_name == session_role
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_sessions_belong_to_their_role() {
        let session = "arn:aws:sts::111122223333:assumed-role/Admin/alice";
        assert!(is_session_of(
            session,
            "arn:aws:iam::111122223333:role/Admin"
        ));
        assert!(is_session_of(
            session,
            "arn:aws:iam::111122223333:role/team/Admin"
        ));
        assert!(!is_session_of(
            session,
            "arn:aws:iam::111122223333:role/Admins"
        ));
        assert!(!is_session_of(
            session,
            "arn:aws:iam::444455556666:role/Admin"
        ));
        assert!(!is_session_of(
            session,
            "arn:aws:iam::111122223333:user/Admin"
        ));
    }
}
