//! `Principal` and `NotPrincipal` against the request's caller (resource policies only).
//!
//! - `Everyone` (`"*"`) matches every caller, anonymous ones included.
//! - `{"Service": "*"}`, `{"Federated": "*"}`, `{"CanonicalUser": "*"}` match every caller of
//!   that kind.
//! - An account matches every AWS principal whose ARN names that account.
//! - An AWS ARN matches the caller whose *identity ARN* ([`crate::caller::identity_arn`], the
//!   value of `aws:PrincipalArn`) it is: an IAM role ARN therefore matches the sessions of that
//!   role, which are how a role makes requests (IAM User Guide, Principal element: "role
//!   sessions" of a role named in a resource policy are granted). A session's own ARN
//!   (`arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION`) matches that one session.
//! - Any other value matches the caller with exactly that value and kind.
//!
//! `NotPrincipal` matches every caller that none of its values match.

use crate::caller::identity_arn;
use crate::model::{Principal, PrincipalElement, PrincipalKind};
use crate::request::{Request, RequestPrincipal};

/// Whether the element matches the request's caller (no caller counts as anonymous).
pub fn element_matches(element: &PrincipalElement, request: &Request) -> bool {
    let any = element
        .principals
        .iter()
        .any(|p| matches(&p.value, request));
    any != element.negated
}

fn matches(principal: &Principal, request: &Request) -> bool {
    let caller = request
        .principal
        .as_ref()
        .unwrap_or(&RequestPrincipal::Anonymous);
    match (principal, caller) {
        (Principal::Everyone, _) => true,
        (Principal::EveryOfKind(kind), caller) => kind_of(caller) == Some(*kind),
        (Principal::Account(id), caller) => caller.account() == Some(id.as_str()),
        (Principal::Aws(named), RequestPrincipal::Aws(arn)) => {
            named == arn || identity_arn(request).as_deref() == Some(named.as_str())
        }
        (Principal::Service(named), RequestPrincipal::Service(name))
        | (Principal::Federated(named), RequestPrincipal::Federated(name))
        | (Principal::CanonicalUser(named), RequestPrincipal::CanonicalUser(name)) => named == name,
        _ => false,
    }
}

fn kind_of(caller: &RequestPrincipal) -> Option<PrincipalKind> {
    match caller {
        RequestPrincipal::Service(_) => Some(PrincipalKind::Service),
        RequestPrincipal::Federated(_) => Some(PrincipalKind::Federated),
        RequestPrincipal::CanonicalUser(_) => Some(PrincipalKind::CanonicalUser),
        RequestPrincipal::Aws(_) | RequestPrincipal::Anonymous => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::{Span, Spanned};

    fn role_matches(role: &str, request: &Request) -> bool {
        let element = PrincipalElement {
            principals: vec![Spanned::new(
                Principal::Aws(role.to_string()),
                Span::new(0, 0),
            )],
            negated: false,
            span: Span::new(0, 0),
        };
        element_matches(&element, request)
    }

    #[test]
    fn role_sessions_belong_to_their_role() {
        let session = Request::for_identity("s3:GetObject", "arn:aws:s3:::b").with_principal(
            RequestPrincipal::Aws("arn:aws:sts::111122223333:assumed-role/Admin/alice".into()),
        );
        assert!(role_matches(
            "arn:aws:iam::111122223333:role/Admin",
            &session
        ));
        assert!(!role_matches(
            "arn:aws:iam::111122223333:role/team/Admin",
            &session
        ));
        assert!(!role_matches(
            "arn:aws:iam::111122223333:role/Admins",
            &session
        ));
        assert!(!role_matches(
            "arn:aws:iam::444455556666:role/Admin",
            &session
        ));
        assert!(!role_matches(
            "arn:aws:iam::111122223333:user/Admin",
            &session
        ));
        let with_path = session.with_context_string(
            "aws:PrincipalArn",
            "arn:aws:iam::111122223333:role/team/Admin",
        );
        assert!(role_matches(
            "arn:aws:iam::111122223333:role/team/Admin",
            &with_path
        ));
        assert!(!role_matches(
            "arn:aws:iam::111122223333:role/Admin",
            &with_path
        ));
    }
}
