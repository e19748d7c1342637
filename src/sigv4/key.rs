//! The signing key (AWS IAM User Guide, "Create a signed AWS API request", step 4):
//!
//! ```text
//! kDate    = HMAC-SHA256("AWS4" + secret, YYYYMMDD)
//! kRegion  = HMAC-SHA256(kDate, region)
//! kService = HMAC-SHA256(kRegion, service)
//! kSigning = HMAC-SHA256(kService, "aws4_request")
//! ```
//!
//! It depends on the secret, the date, the region and the service only, so it is derived once
//! per UTC day and kept. What is kept is the HMAC state already keyed with kSigning: each
//! signature then starts from a copy of it instead of hashing the key's pads again.

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

type HmacSha256 = Hmac<Sha256>;

/// SHA-256's block size, the length HMAC brings every key to (RFC 2104, section 2).
const BLOCK: usize = 64;

/// HMAC-SHA256 keyed with `key`, of any length. RFC 2104, section 2: a key longer than the
/// block is first hashed, and a shorter one is padded with zeros to the block size; done here,
/// so that keying takes a whole block and cannot fail.
pub(super) fn keyed(key: &[u8]) -> HmacSha256 {
    let mut block = [0u8; BLOCK];
    if key.len() > BLOCK {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    <HmacSha256 as KeyInit>::new(&block.into())
}

/// HMAC-SHA256 of `message` under `key`.
fn hmac(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut mac = keyed(key);
    mac.update(message);
    mac.finalize().into_bytes().into()
}

/// kSigning for `secret` on `date` (`YYYYMMDD`) in `region` for `service`.
pub(super) fn derive(secret: &str, date: &[u8; 8], region: &str, service: &str) -> [u8; 32] {
    let mut k_secret = Vec::with_capacity(4 + secret.len());
    k_secret.extend_from_slice(b"AWS4");
    k_secret.extend_from_slice(secret.as_bytes());
    let k_date = hmac(&k_secret, date);
    let k_region = hmac(&k_date, region.as_bytes());
    let k_service = hmac(&k_region, service.as_bytes());
    hmac(&k_service, b"aws4_request")
}

/// The day's key, as a keyed HMAC state, for one secret, region and service.
#[derive(Clone)]
pub(super) struct KeyCache {
    day: Option<([u8; 8], HmacSha256)>,
}

impl KeyCache {
    pub(super) fn new() -> KeyCache {
        KeyCache { day: None }
    }

    /// A fresh HMAC keyed with kSigning for `date`, derived only when the date changes.
    pub(super) fn mac_for(
        &mut self,
        secret: &str,
        date: &[u8; 8],
        region: &str,
        service: &str,
    ) -> HmacSha256 {
        match &self.day {
            Some((day, mac)) if day == date => mac.clone(),
            _ => {
                let key = derive(secret, date, region, service);
                let mac = keyed(&key);
                self.day = Some((*date, mac.clone()));
                mac
            }
        }
    }

    /// Forgets the key (the credentials changed).
    pub(super) fn clear(&mut self) {
        self.day = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derives_the_aws_documentation_example_key() {
        // "Derive a signing key" example of the AWS SigV4 documentation: this secret, 20150830,
        // us-east-1, iam.
        let key = derive(
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            b"20150830",
            "us-east-1",
            "iam",
        );
        assert_eq!(
            super::super::hex::hex32(&key),
            *b"c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9"
        );
    }

    #[test]
    fn keying_agrees_with_the_hmac_crate_for_every_key_length() {
        for len in [0, 1, 31, 32, 63, 64, 65, 100, 200] {
            let key: Vec<u8> = (0..len).map(|i| i as u8 ^ 0x5c).collect();
            let mut ours = keyed(&key);
            let mut theirs = <HmacSha256 as KeyInit>::new_from_slice(&key).unwrap();
            ours.update(b"message");
            theirs.update(b"message");
            assert_eq!(
                ours.finalize().into_bytes(),
                theirs.finalize().into_bytes(),
                "{len}"
            );
        }
    }

    #[test]
    fn the_cache_follows_the_date() {
        let mut cache = KeyCache::new();
        let sign = |mac: HmacSha256| -> [u8; 32] {
            let mut mac = mac;
            mac.update(b"x");
            mac.finalize().into_bytes().into()
        };
        let a = sign(cache.mac_for("s", b"20150830", "us-east-1", "kinesis"));
        let b = sign(cache.mac_for("s", b"20150831", "us-east-1", "kinesis"));
        let a2 = sign(cache.mac_for("s", b"20150830", "us-east-1", "kinesis"));
        assert_ne!(a, b);
        assert_eq!(a, a2);
        let direct = hmac(&derive("s", b"20150830", "us-east-1", "kinesis"), b"x");
        assert_eq!(a, direct);
    }
}
