//! Fuzzes `parse_list_shards_response` and `ShardMap::from_list_shards_response` with arbitrary
//! statuses and bodies: never a panic, a 2xx is a page (every shard id on its pattern) or a
//! malformed response, anything else a service error, and every map that is built routes every
//! key to a shard that contains it.
//!
//! Input layout: one byte choosing the status (mostly 200), one byte of routing-probe seed, the
//! rest the body.

#![no_main]

use http::{Response, StatusCode};
use kinesis_proto::{HashKey, ShardMap, parse_list_shards_response};
use libfuzzer_sys::fuzz_target;

const STATUSES: [u16; 8] = [200, 200, 200, 200, 400, 403, 500, 503];

fuzz_target!(|data: &[u8]| {
    let [status, seed, body @ ..] = data else {
        return;
    };
    let status = StatusCode::from_u16(STATUSES[usize::from(*status) % STATUSES.len()])
        .expect("a valid status");
    let mut response = Response::new(body);
    *response.status_mut() = status;

    match parse_list_shards_response(&response) {
        Ok(page) => {
            assert!(status.is_success());
            for shard in page.shards() {
                let range = shard.hash_key_range();
                assert!(range.start() <= range.end());
                // A shard id read is one of `[a-zA-Z0-9_.-]{1,128}`.
                let id = shard.id().as_bytes();
                assert!((1..=128).contains(&id.len()));
                assert!(
                    id.iter()
                        .all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(b))
                );
            }
        }
        Err(err) => {
            assert_eq!(err.status(), status);
            if status.is_success() {
                assert!(err.malformed().is_some(), "a 2xx error is malformed");
            } else {
                assert!(
                    err.service_error().is_some(),
                    "a non-2xx is a service error"
                );
            }
            assert!(!err.to_string().contains('\n'));
        }
    }

    if let Ok(map) = ShardMap::from_list_shards_response(&response) {
        // Probe a few keys, including both ends of the key space.
        let probe = u128::from(*seed) * (u128::MAX / 255);
        for key in [0, u128::MAX, probe, probe.wrapping_add(1)] {
            let shard = map.shard_for(HashKey::new(key));
            assert!(shard.is_open());
            assert!(shard.hash_key_range().contains(HashKey::new(key)));
        }
    }
});
