//! The caller's credentials. This crate reads none: they come from the caller's credential
//! provider (the environment, a profile, an instance role, STS), whatever it is.

use std::fmt;

/// An access key id, its secret access key and, for temporary credentials (STS, an instance
/// or task role), the session token sent as `x-amz-security-token`.
///
/// `Debug` prints the access key id only: never the secret, never the token.
///
/// ```
/// use kinesis_proto::Credentials;
/// let credentials = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None);
/// assert!(!format!("{credentials:?}").contains("EXAMPLEKEY"));
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    access_key_id: Box<str>,
    secret_access_key: Box<str>,
    session_token: Option<Box<str>>,
}

impl Credentials {
    /// Credentials as the caller's provider gives them. Nothing is checked here; signing refuses
    /// an access key id or a session token that cannot be sent in a header
    /// ([`SignError::InvalidAccessKeyId`](crate::SignError::InvalidAccessKeyId),
    /// [`SignError::InvalidSessionToken`](crate::SignError::InvalidSessionToken)).
    pub fn new(
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<String>,
        session_token: Option<String>,
    ) -> Credentials {
        Credentials {
            access_key_id: access_key_id.into().into_boxed_str(),
            secret_access_key: secret_access_key.into().into_boxed_str(),
            session_token: session_token.map(String::into_boxed_str),
        }
    }

    /// The access key id (not secret: it is sent in every `authorization` header).
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// Whether there is a session token (temporary credentials).
    pub fn has_session_token(&self) -> bool {
        self.session_token.is_some()
    }

    pub(super) fn secret_access_key(&self) -> &str {
        &self.secret_access_key
    }

    pub(super) fn session_token(&self) -> Option<&str> {
        self.session_token.as_deref()
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"***")
            .field("session_token", &self.session_token.as_ref().map(|_| "***"))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_secret_and_the_token() {
        let c = Credentials::new("AKID", "very-secret", Some("token-value".to_owned()));
        let shown = format!("{c:?}");
        assert!(shown.contains("AKID"));
        assert!(!shown.contains("very-secret"));
        assert!(!shown.contains("token-value"));
        assert!(shown.contains("***"));
    }
}
