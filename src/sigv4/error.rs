//! Why a request was not signed. Every variant is a request or a setting this signer does not
//! sign correctly; it is refused rather than signed in a way the service would reject.

/// A request the signer refused: nothing on the request was changed.
///
/// Each variant says what is not supported and who can change it. None is retryable as is:
/// the same request, credentials and time are refused again.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignError {
    /// The request path is not `/` or plain segments (`/a/b`, each segment of letters, digits
    /// and `-._~`, none `.` or `..`, no empty segment but a final `/`). Percent-encoded,
    /// non-ASCII, dot and empty segments need URI encoding and normalisation rules this signer
    /// does not implement; the crate's requests use `/` or the custom endpoint's path.
    #[error(
        "unsupported request path: only `/` and plain segments of letters, digits and `-._~` are signed"
    )]
    UnsupportedPath,
    /// The request URI has a query string. Kinesis requests carry none (awsJson1_1 puts
    /// everything in the body), and this signer does not canonicalise one.
    #[error("unsupported query string: Kinesis requests carry none")]
    UnsupportedQuery,
    /// A header value holds a byte other than a visible ASCII character or a space (a tab,
    /// obs-text above 0x7F). Servers trim and decode those in ways SigV4 does not pin down, so
    /// the signature could not be relied on. The header is named.
    #[error("unsupported value of header {name}: only visible ASCII and spaces are signed")]
    UnsupportedHeaderValue {
        /// The header's name.
        name: String,
    },
    /// The request has no `host` header and its URI no authority to take it from: add the
    /// `host` the request will be sent with (the crate's requests carry it).
    #[error("no host: the request has neither a host header nor an absolute URI")]
    MissingHost,
    /// The time is before 1970-01-01T00:00:00Z or after 9999-12-31T23:59:59Z, which
    /// `x-amz-date` cannot write. Pass the current time.
    #[error("time out of range: x-amz-date can write 1970 to 9999 only")]
    TimeOutOfRange,
    /// The region is not 1 to 63 of lowercase letters, digits and `-`: it goes into the
    /// credential scope, so a `/` or a space in it would sign for another scope. Fix the
    /// configured region.
    #[error("invalid region for signing: expected 1 to 63 of [a-z0-9-]")]
    InvalidRegion,
    /// The access key id is empty, or holds a character other than visible ASCII, or one of
    /// `/`, `,` and `=`, which would break the `authorization` header's `Credential=` field.
    /// The caller's credential provider gave something that is not an access key id.
    #[error("invalid access key id: expected visible ASCII without `/`, `,` or `=`")]
    InvalidAccessKeyId,
    /// The session token is empty or holds a character other than visible ASCII, so it cannot
    /// be sent as `x-amz-security-token` unchanged. The caller's credential provider gave
    /// something that is not a session token.
    #[error("invalid session token: expected visible ASCII")]
    InvalidSessionToken,
}
