//! [`Signer`]: string to sign, signature and the headers set on the request (AWS IAM User
//! Guide, "Create a signed AWS API request", steps 2, 3, 5 and 6).

use std::fmt;
use std::time::SystemTime;

use hmac::Mac;
use http::header::{AUTHORIZATION, HOST};
use http::uri::Scheme;
use http::{HeaderName, HeaderValue, Request};
use sha2::{Digest, Sha256};

use super::canonical;
use super::credentials::Credentials;
use super::error::SignError;
use super::hex::hex32;
use super::key::KeyCache;
use super::time::{AmzDate, unix_seconds};
use crate::wire::aws_json::SIGNING_NAME;

const X_AMZ_DATE: HeaderName = HeaderName::from_static("x-amz-date");
const X_AMZ_SECURITY_TOKEN: HeaderName = HeaderName::from_static("x-amz-security-token");
const ALGORITHM: &[u8] = b"AWS4-HMAC-SHA256";
/// The longest region accepted: regions are DNS labels.
const MAX_REGION_LEN: usize = 63;

/// Signs the crate's requests with SigV4 for the signing name `kinesis` in one region, with the
/// caller's credentials and the time the caller passes. It reads no clock and no environment.
///
/// The signing key is derived once per UTC day and kept; [`set_credentials`](Self::set_credentials)
/// replaces the credentials (a refreshed session token, a rotated key) and forgets it.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use kinesis_proto::{Credentials, Endpoint, PutRecordInput, Signer};
///
/// let credentials = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None);
/// let mut signer = Signer::new(credentials, "us-east-1");
/// let input = PutRecordInput::builder().stream_name("orders").partition_key("k").data("x").build()?;
/// let mut request = input.to_http_request(&Endpoint::regional("us-east-1")?);
/// signer.sign(&mut request, UNIX_EPOCH + Duration::from_secs(1_440_938_160))?;
/// assert_eq!(request.headers()["x-amz-date"], "20150830T123600Z");
/// assert!(request.headers()["authorization"].to_str()?.starts_with(
///     "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/kinesis/aws4_request, \
///      SignedHeaders=content-length;content-type;host;x-amz-date;x-amz-target, Signature="));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Signer {
    credentials: Credentials,
    region: Box<str>,
    service: Box<str>,
    /// The checks of the region and the credentials, made when they are set: the session
    /// token as its header value, or why they cannot be signed with.
    checked: Result<Option<HeaderValue>, SignError>,
    keys: KeyCache,
    /// The last `x-amz-date` (Unix seconds, text, header value), reused for requests signed
    /// within the same second.
    last_date: Option<(u64, AmzDate, HeaderValue)>,
    /// Scratch space for the canonical request, the signed header names and the string to
    /// sign, kept between calls so that signing allocates little beyond the headers it sets.
    canonical: Vec<u8>,
    signed_headers: Vec<u8>,
    string_to_sign: Vec<u8>,
}

impl Signer {
    /// A signer for Kinesis (signing name [`SIGNING_NAME`](crate::SIGNING_NAME)) in `region`:
    /// the client's region, also with a custom endpoint. A region that cannot be signed for is
    /// reported by [`sign`](Self::sign) as [`SignError::InvalidRegion`].
    pub fn new(credentials: Credentials, region: &str) -> Signer {
        Signer {
            checked: check(&credentials, region),
            credentials,
            region: region.into(),
            service: SIGNING_NAME.into(),
            keys: KeyCache::new(),
            last_date: None,
            canonical: Vec::new(),
            signed_headers: Vec::new(),
            string_to_sign: Vec::new(),
        }
    }

    /// Replaces the credentials, keeping the region; the next signature derives its key anew.
    pub fn set_credentials(&mut self, credentials: Credentials) {
        self.checked = check(&credentials, &self.region);
        self.credentials = credentials;
        self.keys.clear();
    }

    /// The credentials signed with.
    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// The region signed for.
    pub fn region(&self) -> &str {
        &self.region
    }

    /// Signs `request` as sent at `time` (pass the current time: the service refuses a
    /// signature more than 5 minutes from its clock, so sign when sending, not when queueing).
    ///
    /// Sets `x-amz-date`, `x-amz-security-token` when the credentials have a session token, and
    /// `authorization`, replacing any earlier ones (signing again re-signs); adds `host` from
    /// the URI when the request has none. Every other header is signed as it is, except
    /// `user-agent`, `x-amzn-trace-id` and `transfer-encoding`; the body (any bytes: the
    /// crate's `Vec<u8>`, `Bytes`, ...) is hashed as it is. On an error the request is
    /// unchanged.
    pub fn sign<B: AsRef<[u8]>>(
        &mut self,
        request: &mut Request<B>,
        time: SystemTime,
    ) -> Result<(), SignError> {
        self.sign_request(request, time)
    }

    /// For conformance tests only, not part of the API: signs like [`sign`](Self::sign) for the
    /// signing name `service` and returns the canonical request and the string to sign. The
    /// CRT signing test suite uses the signing name `service` and checks both intermediate
    /// texts, which `sign` does not expose.
    #[doc(hidden)]
    pub fn sign_for_test<B: AsRef<[u8]>>(
        &mut self,
        service: &str,
        request: &mut Request<B>,
        time: SystemTime,
    ) -> Result<(String, String), SignError> {
        if *self.service != *service {
            self.service = service.into();
            self.keys.clear();
        }
        self.sign_request(request, time)?;
        Ok((
            String::from_utf8_lossy(&self.canonical).into_owned(),
            String::from_utf8_lossy(&self.string_to_sign).into_owned(),
        ))
    }

    /// Signs; the canonical request and the string to sign stay in the scratch buffers.
    fn sign_request<B: AsRef<[u8]>>(
        &mut self,
        request: &mut Request<B>,
        time: SystemTime,
    ) -> Result<(), SignError> {
        // Every check before the request is changed, so that a refused request is left as it
        // was.
        let token = self.checked.clone()?;
        let secs = unix_seconds(time)?;
        let (date, date_header) = match &self.last_date {
            Some((last, date, header)) if *last == secs => (*date, header.clone()),
            _ => {
                let date = AmzDate::from_unix_seconds(secs)?;
                let header = amz_date_header(&date);
                self.last_date = Some((secs, date, header.clone()));
                (date, header)
            }
        };
        canonical::check_uri(request)?;
        let mut found = canonical::collect_headers(request.headers())?;
        let host = match found.has_host {
            true => None,
            false => Some(host_from_uri(request).ok_or(SignError::MissingHost)?),
        };
        if let Some(host) = &host {
            found.signed.push((HOST.as_str(), host));
        }
        found.signed.push((canonical::X_AMZ_DATE, &date_header));
        if let Some(token) = &token {
            found.signed.push((canonical::X_AMZ_SECURITY_TOKEN, token));
        }

        // Step 1: the canonical request.
        let body_hash = hex32(&Sha256::digest(request.body().as_ref()).into());
        self.canonical.clear();
        self.signed_headers.clear();
        canonical::write_canonical_request(
            &mut self.canonical,
            &mut self.signed_headers,
            request,
            found.signed.as_mut_slice(),
            &body_hash,
        );
        let (has_authorization, has_security_token) =
            (found.has_authorization, found.has_security_token);
        drop(found);

        // Step 2: the string to sign, with the credential scope.
        let date_only = date.date();
        let sts = &mut self.string_to_sign;
        sts.clear();
        sts.extend_from_slice(ALGORITHM);
        sts.push(b'\n');
        sts.extend_from_slice(date.as_bytes());
        sts.push(b'\n');
        let scope_start = sts.len();
        sts.extend_from_slice(&date_only);
        sts.push(b'/');
        sts.extend_from_slice(self.region.as_bytes());
        sts.push(b'/');
        sts.extend_from_slice(self.service.as_bytes());
        sts.extend_from_slice(b"/aws4_request");
        let scope = scope_start..sts.len();
        sts.push(b'\n');
        sts.extend_from_slice(&hex32(&Sha256::digest(&self.canonical).into()));

        // Steps 3 to 5: the day's key, and the signature.
        let mut mac = self.keys.mac_for(
            self.credentials.secret_access_key(),
            &date_only,
            &self.region,
            &self.service,
        );
        mac.update(sts);
        let signature: [u8; 32] = mac.finalize().into_bytes().into();

        // Step 6: the authorization header.
        let access_key_id = self.credentials.access_key_id().as_bytes();
        let mut authorization = Vec::with_capacity(
            ALGORITHM.len()
                + 12
                + access_key_id.len()
                + 1
                + scope.len()
                + 16
                + self.signed_headers.len()
                + 12
                + 64,
        );
        authorization.extend_from_slice(ALGORITHM);
        authorization.extend_from_slice(b" Credential=");
        authorization.extend_from_slice(access_key_id);
        authorization.push(b'/');
        authorization.extend_from_slice(&sts[scope]);
        authorization.extend_from_slice(b", SignedHeaders=");
        authorization.extend_from_slice(&self.signed_headers);
        authorization.extend_from_slice(b", Signature=");
        authorization.extend_from_slice(&hex32(&signature));
        // Visible ASCII only: the parts were checked (access key id, region, service, header
        // names) or are hex and fixed text.
        let mut authorization = HeaderValue::from_maybe_shared(bytes::Bytes::from(authorization))
            .unwrap_or_else(|_| HeaderValue::from_static(""));
        authorization.set_sensitive(true);

        // The signing headers, replacing earlier ones.
        let headers = request.headers_mut();
        if has_authorization {
            headers.remove(AUTHORIZATION);
        }
        if has_security_token && token.is_none() {
            headers.remove(X_AMZ_SECURITY_TOKEN);
        }
        if let Some(host) = host {
            headers.insert(HOST, host);
        }
        headers.insert(X_AMZ_DATE, date_header);
        if let Some(token) = token {
            headers.insert(X_AMZ_SECURITY_TOKEN, token);
        }
        headers.insert(AUTHORIZATION, authorization);
        Ok(())
    }
}

/// Checks the region and the credentials once, when they are set; gives the session token's
/// header value.
fn check(credentials: &Credentials, region: &str) -> Result<Option<HeaderValue>, SignError> {
    if !is_valid_region(region) {
        return Err(SignError::InvalidRegion);
    }
    if !is_valid_access_key_id(credentials.access_key_id()) {
        return Err(SignError::InvalidAccessKeyId);
    }
    match credentials.session_token() {
        None => Ok(None),
        Some(token) => token_header(token)
            .map(Some)
            .ok_or(SignError::InvalidSessionToken),
    }
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signer")
            .field("credentials", &self.credentials)
            .field("region", &self.region)
            .field("service", &self.service)
            .finish_non_exhaustive()
    }
}

/// 1 to 63 of `[a-z0-9-]`: every AWS region name, and nothing that could change the scope.
fn is_valid_region(region: &str) -> bool {
    !region.is_empty()
        && region.len() <= MAX_REGION_LEN
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Visible ASCII without the `authorization` header's separators `/`, `,` and `=`.
fn is_valid_access_key_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_graphic() && !matches!(b, b'/' | b',' | b'='))
}

/// The session token as a header value, if it is visible ASCII (real tokens are base64).
fn token_header(token: &str) -> Option<HeaderValue> {
    if token.is_empty() || !token.bytes().all(|b| b.is_ascii_graphic()) {
        return None;
    }
    let mut value = HeaderValue::from_str(token).ok()?;
    value.set_sensitive(true);
    Some(value)
}

fn amz_date_header(date: &AmzDate) -> HeaderValue {
    // 16 ASCII digits and letters.
    HeaderValue::from_bytes(date.as_bytes()).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The `host` an HTTP/1.1 client sends for this URI: its authority without a default port
/// (RFC 9110, section 7.2), which is also what `aws-sigv4` signs.
fn host_from_uri<B>(request: &Request<B>) -> Option<HeaderValue> {
    let uri = request.uri();
    let authority = uri.authority()?;
    let default_port = match uri.scheme() {
        Some(s) if *s == Scheme::HTTPS => Some(443),
        Some(s) if *s == Scheme::HTTP => Some(80),
        _ => None,
    };
    let value = match (authority.port_u16(), default_port) {
        (Some(port), Some(default)) if port == default => authority.host(),
        _ => authority.as_str(),
    };
    HeaderValue::from_str(value).ok()
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use super::*;

    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    fn time() -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(1_440_938_160)
    }

    fn post_vanilla() -> Request<Vec<u8>> {
        Request::post("https://example.amazonaws.com/")
            .header("host", "example.amazonaws.com")
            .body(Vec::new())
            .unwrap()
    }

    #[test]
    fn signs_the_crt_post_vanilla_case() {
        let mut signer = Signer::new(Credentials::new("AKIDEXAMPLE", SECRET, None), "us-east-1");
        let mut request = post_vanilla();
        signer
            .sign_for_test("service", &mut request, time())
            .unwrap();
        assert_eq!(
            request.headers()["authorization"],
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, \
             SignedHeaders=host;x-amz-date, \
             Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"
        );
    }

    #[test]
    fn signing_again_replaces_the_signing_headers() {
        let token = Some("token".to_owned());
        let mut signer = Signer::new(Credentials::new("AKIDEXAMPLE", SECRET, token), "us-east-1");
        let mut request = post_vanilla();
        signer.sign(&mut request, time()).unwrap();
        let first = request.headers()["authorization"].clone();
        signer.sign(&mut request, time()).unwrap();
        assert_eq!(request.headers()["authorization"], first);
        assert_eq!(request.headers().get_all("authorization").iter().count(), 1);
        assert_eq!(request.headers().get_all("x-amz-date").iter().count(), 1);

        signer.set_credentials(Credentials::new("AKIDEXAMPLE", SECRET, None));
        signer
            .sign(&mut request, time() + Duration::from_secs(86_400))
            .unwrap();
        assert!(request.headers().get("x-amz-security-token").is_none());
        assert_eq!(request.headers()["x-amz-date"], "20150831T123600Z");
        let auth = request.headers()["authorization"].to_str().unwrap();
        assert!(auth.contains("SignedHeaders=host;x-amz-date,"));
    }

    #[test]
    fn refusals_leave_the_request_unchanged() {
        let mut signer = Signer::new(Credentials::new("AKIDEXAMPLE", SECRET, None), "us-east-1");
        let cases: [(Request<Vec<u8>>, SignError); 3] = [
            (
                Request::post("https://h/a//b")
                    .header("host", "h")
                    .body(Vec::new())
                    .unwrap(),
                SignError::UnsupportedPath,
            ),
            (
                Request::post("https://h/?a=b")
                    .header("host", "h")
                    .body(Vec::new())
                    .unwrap(),
                SignError::UnsupportedQuery,
            ),
            (
                Request::post("/").body(Vec::new()).unwrap(),
                SignError::MissingHost,
            ),
        ];
        for (mut request, error) in cases {
            let before = request.headers().clone();
            assert_eq!(signer.sign(&mut request, time()), Err(error));
            assert_eq!(request.headers(), &before);
        }
        let mut request = post_vanilla();
        request
            .headers_mut()
            .insert("x-tab", HeaderValue::from_static("a\tb"));
        assert_eq!(
            signer.sign(&mut request, time()),
            Err(SignError::UnsupportedHeaderValue {
                name: "x-tab".to_owned()
            })
        );
        let mut bad_region = Signer::new(Credentials::new("AKIDEXAMPLE", SECRET, None), "us/east");
        assert_eq!(
            bad_region.sign(&mut post_vanilla(), time()),
            Err(SignError::InvalidRegion)
        );
        let mut bad_id = Signer::new(Credentials::new("AK/ID", SECRET, None), "us-east-1");
        assert_eq!(
            bad_id.sign(&mut post_vanilla(), time()),
            Err(SignError::InvalidAccessKeyId)
        );
        let token = Some("bad token".to_owned());
        let mut bad_token = Signer::new(Credentials::new("AKID", SECRET, token), "us-east-1");
        assert_eq!(
            bad_token.sign(&mut post_vanilla(), time()),
            Err(SignError::InvalidSessionToken)
        );
    }

    #[test]
    fn host_is_added_from_the_uri_without_a_default_port() {
        let mut signer = Signer::new(Credentials::new("AKIDEXAMPLE", SECRET, None), "us-east-1");
        for (uri, host) in [
            ("https://example.com:443/", "example.com"),
            ("http://127.0.0.1:4567/", "127.0.0.1:4567"),
            ("http://example.com/", "example.com"),
        ] {
            let mut request = Request::post(uri).body(Vec::new()).unwrap();
            signer.sign(&mut request, time()).unwrap();
            assert_eq!(request.headers()["host"], host);
        }
    }

    #[test]
    fn any_body_type_signs_the_same() {
        let mut signer = Signer::new(Credentials::new("AKIDEXAMPLE", SECRET, None), "us-east-1");
        let mut vec = Request::post("https://h/").body(b"body".to_vec()).unwrap();
        let mut shared = Request::post("https://h/")
            .body(bytes::Bytes::from_static(b"body"))
            .unwrap();
        let mut borrowed = Request::post("https://h/").body(&b"body"[..]).unwrap();
        signer.sign(&mut vec, time()).unwrap();
        signer.sign(&mut shared, time()).unwrap();
        signer.sign(&mut borrowed, time()).unwrap();
        assert_eq!(vec.headers(), shared.headers());
        assert_eq!(vec.headers(), borrowed.headers());
    }

    #[test]
    fn debug_hides_the_secret() {
        let signer = Signer::new(Credentials::new("AKIDEXAMPLE", SECRET, None), "us-east-1");
        assert!(!format!("{signer:?}").contains("EXAMPLEKEY"));
    }
}
