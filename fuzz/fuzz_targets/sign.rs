//! Fuzzes the SigV4 signer (feature `sigv4`) with arbitrary credentials, region, time, request
//! line, headers and body: it never panics; a refused request is left unchanged; a signed one
//! carries exactly one `authorization` and one `x-amz-date`, signs the same again (the same
//! headers, replaced, not added), and a fresh signer (no cached key) gives the same signature.
//!
//! Input layout: one flags byte (bit 0: a session token), eight bytes of Unix seconds
//! (big-endian, any value), then fields, each a one-byte length (taken as is, cut to what is
//! left) and that many bytes: access key id, secret, session token, region, method, URI, then
//! header name and value pairs until a name field is empty; the body is the rest.

#![no_main]

use std::time::{Duration, UNIX_EPOCH};

use http::{HeaderName, HeaderValue, Method, Request, Uri};
use kinesis_proto::{Credentials, Signer};
use libfuzzer_sys::fuzz_target;

mod fields;
use fields::{take, text};

fuzz_target!(|data: &[u8]| {
    let [flags, t0, t1, t2, t3, t4, t5, t6, t7, rest @ ..] = data else {
        return;
    };
    let secs = u64::from_be_bytes([*t0, *t1, *t2, *t3, *t4, *t5, *t6, *t7]);
    let Some(time) = UNIX_EPOCH.checked_add(Duration::from_secs(secs)) else {
        return;
    };
    let mut rest = rest;
    let access_key_id = text(take(&mut rest));
    let secret = text(take(&mut rest));
    let token = text(take(&mut rest));
    let region = text(take(&mut rest));
    let method = take(&mut rest);
    let uri = take(&mut rest);
    let mut request = Request::new(Vec::new());
    if let Ok(method) = Method::from_bytes(method) {
        *request.method_mut() = method;
    }
    if let Ok(uri) = Uri::try_from(uri) {
        *request.uri_mut() = uri;
    }
    loop {
        let name = take(&mut rest);
        if name.is_empty() {
            break;
        }
        let value = take(&mut rest);
        if let (Ok(name), Ok(value)) =
            (HeaderName::from_bytes(name), HeaderValue::from_bytes(value))
        {
            request.headers_mut().append(name, value);
        }
    }
    *request.body_mut() = rest.to_vec();

    let token = (flags & 1 == 1).then_some(token);
    let credentials = Credentials::new(access_key_id, secret, token);
    let mut signer = Signer::new(credentials.clone(), &region);
    let before = request.headers().clone();
    match signer.sign(&mut request, time) {
        Err(_) => assert_eq!(request.headers(), &before, "a refused request is unchanged"),
        Ok(()) => {
            let headers = request.headers();
            assert_eq!(headers.get_all("authorization").iter().count(), 1);
            assert_eq!(headers.get_all("x-amz-date").iter().count(), 1);
            assert!(headers.contains_key("host"));
            let first = headers.clone();
            signer.sign(&mut request, time).expect("signs again");
            assert_eq!(
                request.headers(),
                &first,
                "signing again replaces, the same"
            );
            let mut again = request.clone();
            Signer::new(credentials, &region)
                .sign(&mut again, time)
                .expect("a fresh signer signs too");
            assert_eq!(again.headers(), &first, "a fresh signer agrees");
        }
    }
});
