//! The signing proof: the crate's request, exactly as built, signs with `aws-sigv4` and the
//! `Authorization` header agrees with a reference SigV4 implementation written here from the
//! AWS documentation ("Create a signed AWS API request", AWS Signature Version 4 for API
//! requests; IAM user guide):
//!
//! 1. canonical request = method, canonical URI, canonical query string, canonical headers
//!    (lower-case names, trimmed values, sorted by name, each line ending in `\n`), signed
//!    headers (`;`-joined), hex SHA-256 of the payload;
//! 2. string to sign = `AWS4-HMAC-SHA256`, the `x-amz-date` time, the credential scope
//!    `{date}/{region}/{service}/aws4_request`, hex SHA-256 of the canonical request;
//! 3. signing key = HMAC-SHA256 chain of `AWS4` + secret, date, region, service,
//!    `aws4_request`; signature = hex HMAC-SHA256 of the string to sign with that key.
//!
//! The reference is itself checked against two published AWS vectors before it is trusted.
//! The crate's own signer is checked against `aws-sigv4` in `sigv4_agreement.rs`, and on the
//! CRT suite in the library's `tests/sigv4_suite.rs`.

#[path = "../../fixtures/mod.rs"]
mod fixtures;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{
    PayloadChecksumKind, SignableBody, SignableRequest, SigningSettings, sign,
};
use aws_sigv4::sign::v4;
use hmac::{Hmac, KeyInit, Mac};
use http::Request;
use kinesis_proto::{Endpoint, PutRecordInput, SIGNING_NAME};
use sha2::{Digest, Sha256};

const ACCESS_KEY: &str = "AKIDEXAMPLE";
const SECRET_KEY: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const REGION: &str = "us-east-1";
/// 2015-08-30T12:36:00Z, the time of the AWS SigV4 test suite.
const AMZ_DATE: &str = "20150830T123600Z";
const SESSION_TOKEN: &str = "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQW";

fn signing_time() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_440_938_160)
}

// ---------------------------------------------------------------------------------------------
// Reference SigV4, from the AWS documentation.

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn hmac_sha256(key: &[u8], message: &[u8]) -> Vec<u8> {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("HMAC takes any key");
    mac.update(message);
    mac.finalize().into_bytes().to_vec()
}

fn signing_key(secret: &str, date: &str, region: &str, service: &str) -> Vec<u8> {
    let k_date = hmac_sha256(format!("AWS4{secret}").as_bytes(), date.as_bytes());
    let k_region = hmac_sha256(&k_date, region.as_bytes());
    let k_service = hmac_sha256(&k_region, service.as_bytes());
    hmac_sha256(&k_service, b"aws4_request")
}

/// What the reference signs with.
struct Reference<'a> {
    service: &'a str,
    amz_date: &'a str,
    session_token: Option<&'a str>,
    /// Add and sign `x-amz-content-sha256`.
    content_sha256_header: bool,
}

/// The reference's result.
#[derive(Debug, PartialEq)]
struct Signed {
    authorization: String,
    signed_headers: String,
    canonical_request: String,
}

impl Reference<'_> {
    /// Signs every header of `request` plus the ones SigV4 adds (`x-amz-date`, and
    /// `x-amz-security-token` / `x-amz-content-sha256` when asked for).
    fn sign(&self, request: &Request<Vec<u8>>) -> Signed {
        let payload_hash = sha256_hex(request.body());
        let mut headers: Vec<(String, String)> = request
            .headers()
            .iter()
            .map(|(n, v)| {
                let v = v.to_str().expect("ASCII header value");
                // Trim and collapse runs of spaces (canonical headers, step 4 of the docs).
                let v = v.split_whitespace().collect::<Vec<_>>().join(" ");
                (n.as_str().to_ascii_lowercase(), v)
            })
            .collect();
        if !headers.iter().any(|(n, _)| n == "host") {
            let authority = request.uri().authority().expect("absolute URI");
            headers.push(("host".to_owned(), authority.as_str().to_owned()));
        }
        headers.push(("x-amz-date".to_owned(), self.amz_date.to_owned()));
        if let Some(token) = self.session_token {
            headers.push(("x-amz-security-token".to_owned(), token.to_owned()));
        }
        if self.content_sha256_header {
            headers.push(("x-amz-content-sha256".to_owned(), payload_hash.clone()));
        }
        headers.sort();

        let canonical_headers: String = headers.iter().map(|(n, v)| format!("{n}:{v}\n")).collect();
        let signed_headers = headers
            .iter()
            .map(|(n, _)| n.as_str())
            .collect::<Vec<_>>()
            .join(";");
        // The crate's paths are `/` or plain segments: nothing to percent-encode.
        let canonical_uri = request.uri().path();
        let canonical_query = request.uri().query().unwrap_or("");
        let canonical_request = format!(
            "{}\n{canonical_uri}\n{canonical_query}\n{canonical_headers}\n{signed_headers}\n{payload_hash}",
            request.method()
        );

        let date = &self.amz_date[..8];
        let scope = format!("{date}/{REGION}/{}/aws4_request", self.service);
        let string_to_sign = format!(
            "AWS4-HMAC-SHA256\n{}\n{scope}\n{}",
            self.amz_date,
            sha256_hex(canonical_request.as_bytes())
        );
        let key = signing_key(SECRET_KEY, date, REGION, self.service);
        let signature = hex::encode(hmac_sha256(&key, string_to_sign.as_bytes()));
        Signed {
            authorization: format!(
                "AWS4-HMAC-SHA256 Credential={ACCESS_KEY}/{scope}, SignedHeaders={signed_headers}, Signature={signature}"
            ),
            signed_headers,
            canonical_request,
        }
    }
}

const KINESIS: Reference<'static> = Reference {
    service: SIGNING_NAME,
    amz_date: AMZ_DATE,
    session_token: None,
    content_sha256_header: false,
};

#[test]
fn reference_signing_key_matches_the_aws_documentation_example() {
    // "Derive a signing key", AWS SigV4 documentation: secret key above, 20150830,
    // us-east-1, iam.
    assert_eq!(
        hex::encode(signing_key(SECRET_KEY, "20150830", "us-east-1", "iam")),
        "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9"
    );
}

#[test]
fn reference_signer_matches_the_aws_test_suite_post_vanilla_vector() {
    // AWS SigV4 test suite, `post-vanilla`: POST / with only `host` and `x-amz-date`, empty
    // body, service `service`.
    let request = Request::post("https://example.amazonaws.com/")
        .header("host", "example.amazonaws.com")
        .body(Vec::new())
        .unwrap();
    let signed = Reference {
        service: "service",
        ..KINESIS
    }
    .sign(&request);
    assert_eq!(
        signed.authorization,
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, \
         SignedHeaders=host;x-amz-date, \
         Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"
    );
}

// ---------------------------------------------------------------------------------------------
// aws-sigv4 on the crate's request.

/// Signs `request` in place with `aws-sigv4` and returns the `Authorization` header it set.
fn sign_with_aws_sigv4(
    request: &mut Request<Vec<u8>>,
    session_token: Option<&str>,
    settings: SigningSettings,
) -> String {
    let credentials = Credentials::new(
        ACCESS_KEY,
        SECRET_KEY,
        session_token.map(str::to_owned),
        None,
        "test",
    );
    let identity = credentials.into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(REGION)
        .name(SIGNING_NAME)
        .time(signing_time())
        .settings(settings)
        .build()
        .expect("complete signing params")
        .into();
    let uri = request.uri().to_string();
    let headers = request
        .headers()
        .iter()
        .map(|(n, v)| (n.as_str(), v.to_str().expect("ASCII header value")));
    let signable = SignableRequest::new(
        request.method().as_str(),
        uri,
        headers,
        SignableBody::Bytes(request.body()),
    )
    .expect("signable request");
    let (instructions, _signature) = sign(signable, &params).expect("signs").into_parts();
    instructions.apply_to_request_http1x(request);
    request.headers()["authorization"]
        .to_str()
        .expect("ASCII")
        .to_owned()
}

fn worked_example() -> PutRecordInput<'static> {
    PutRecordInput::builder()
        .stream_name("my-stream")
        .partition_key("abcd")
        .data(&b"hello world"[..])
        .build()
        .unwrap()
}

fn header_list(request: &Request<Vec<u8>>) -> Vec<(String, String)> {
    request
        .headers()
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_str().unwrap().to_owned()))
        .collect()
}

#[test]
fn aws_sigv4_and_the_reference_sign_the_crates_request_identically() {
    let endpoint = Endpoint::regional("us-east-1").unwrap();
    let mut request = worked_example().to_http_request(&endpoint);
    let before = header_list(&request);
    let body_before = request.body().clone();
    let expected = KINESIS.sign(&request);

    let authorization = sign_with_aws_sigv4(&mut request, None, SigningSettings::default());
    assert_eq!(authorization, expected.authorization);

    // Every header the crate produces is signed, together with `x-amz-date`.
    assert_eq!(
        expected.signed_headers,
        "content-length;content-type;host;x-amz-date;x-amz-target"
    );
    assert!(
        authorization
            .contains("SignedHeaders=content-length;content-type;host;x-amz-date;x-amz-target,")
    );
    assert_eq!(
        expected.canonical_request,
        "POST\n/\n\n\
         content-length:74\n\
         content-type:application/x-amz-json-1.1\n\
         host:kinesis.us-east-1.amazonaws.com\n\
         x-amz-date:20150830T123600Z\n\
         x-amz-target:Kinesis_20131202.PutRecord\n\
         \n\
         content-length;content-type;host;x-amz-date;x-amz-target\n\
         69cd3e46d635cbfdc56aa300e79f8fadb17fbd197c0a8171a692a40843a9ea85"
    );

    // The signer only adds headers: the crate's four are unchanged, in order, and the body too.
    let after = header_list(&request);
    assert_eq!(after[..4], before[..]);
    let added: Vec<&str> = after[4..].iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(added, ["x-amz-date", "authorization"]);
    assert_eq!(request.headers()["x-amz-date"], AMZ_DATE);
    assert!(request.headers().get("x-amz-content-sha256").is_none());
    assert_eq!(request.body(), &body_before);
}

#[test]
fn worked_example_signature_is_pinned() {
    // Computed independently with Python's hashlib and hmac from the canonical request of the
    // test above (whose last line, the payload hash, is SHA-256 of the 74-byte body).
    let pinned = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/kinesis/aws4_request, \
         SignedHeaders=content-length;content-type;host;x-amz-date;x-amz-target, \
         Signature=f7772e987a2c29029574e259dbf6b1495184d3bdee3c97ae848ec6214919aa5f";
    let mut request = worked_example().to_http_request(&Endpoint::regional("us-east-1").unwrap());
    let authorization = sign_with_aws_sigv4(&mut request, None, SigningSettings::default());
    assert_eq!(authorization, pinned);
    // The crate's own signer (feature `sigv4`) gives the same.
    let mut request = worked_example().to_http_request(&Endpoint::regional("us-east-1").unwrap());
    let credentials = kinesis_proto::Credentials::new(ACCESS_KEY, SECRET_KEY, None);
    kinesis_proto::Signer::new(credentials, REGION)
        .sign(&mut request, signing_time())
        .unwrap();
    assert_eq!(request.headers()["authorization"], pinned);
}

#[test]
fn session_token_is_added_and_signed() {
    let mut request = worked_example().to_http_request(&Endpoint::regional("us-east-1").unwrap());
    let expected = Reference {
        session_token: Some(SESSION_TOKEN),
        ..KINESIS
    }
    .sign(&request);
    let authorization = sign_with_aws_sigv4(
        &mut request,
        Some(SESSION_TOKEN),
        SigningSettings::default(),
    );
    assert_eq!(authorization, expected.authorization);
    assert!(
        expected
            .signed_headers
            .ends_with("x-amz-security-token;x-amz-target")
    );
    assert_eq!(request.headers()["x-amz-security-token"], SESSION_TOKEN);
}

#[test]
fn x_amz_content_sha256_when_requested_is_the_bodys_digest() {
    let mut request = worked_example().to_http_request(&Endpoint::regional("us-east-1").unwrap());
    let expected = Reference {
        content_sha256_header: true,
        ..KINESIS
    }
    .sign(&request);
    let mut settings = SigningSettings::default();
    settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
    let authorization = sign_with_aws_sigv4(&mut request, None, settings);
    assert_eq!(authorization, expected.authorization);
    assert_eq!(
        request.headers()["x-amz-content-sha256"],
        sha256_hex(request.body()).as_str()
    );
}

#[test]
fn every_golden_request_signs_identically_with_aws_sigv4_and_the_reference() {
    for case in fixtures::load_all() {
        let input = case.build();
        let mut request = input.to_http_request(&case.endpoint());
        let before = header_list(&request);
        let expected = KINESIS.sign(&request);
        let authorization = sign_with_aws_sigv4(&mut request, None, SigningSettings::default());
        assert_eq!(authorization, expected.authorization, "{}", case.name);
        assert_eq!(header_list(&request)[..4], before[..], "{}", case.name);
    }
}
