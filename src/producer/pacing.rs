//! Pacing: a shard's token buckets, backoff with jitter, and the seeded generator behind it.

use std::time::{Duration, Instant};

use crate::put_records::{SHARD_MAX_BYTES_PER_SECOND, SHARD_MAX_RECORDS_PER_SECOND};

/// `t + d`, or `t` when that is past the last `Instant` the platform has (settings are capped so
/// that a real clock never gets there; this keeps arithmetic on a caller's `Instant` from
/// panicking).
pub(crate) fn later(t: Instant, d: Duration) -> Instant {
    t.checked_add(d).unwrap_or(t)
}

/// A token bucket holding at most `capacity` tokens, refilled at `per_second`.
#[derive(Debug, Clone)]
pub(crate) struct TokenBucket {
    tokens: f64,
    capacity: f64,
    per_second: f64,
    refilled_at: Instant,
}

impl TokenBucket {
    /// A full bucket.
    pub(crate) fn new(capacity: f64, per_second: f64, now: Instant) -> TokenBucket {
        TokenBucket {
            tokens: capacity,
            capacity,
            per_second,
            refilled_at: now,
        }
    }

    fn refill(&mut self, now: Instant) {
        let elapsed = now
            .saturating_duration_since(self.refilled_at)
            .as_secs_f64();
        self.tokens = (self.tokens + elapsed * self.per_second).min(self.capacity);
        self.refilled_at = self.refilled_at.max(now);
    }

    /// Whether `cost` tokens can be taken now. A cost above the capacity can be taken from a
    /// full bucket (the bucket then goes into debt), so that nothing waits forever.
    pub(crate) fn can_take(&mut self, cost: f64, now: Instant) -> bool {
        self.refill(now);
        self.tokens >= cost.min(self.capacity)
    }

    /// Takes `cost` tokens (after [`can_take`](Self::can_take) said yes).
    pub(crate) fn take(&mut self, cost: f64) {
        self.tokens -= cost;
    }

    /// When `cost` tokens will be there.
    pub(crate) fn ready_at(&self, cost: f64) -> Instant {
        let missing = cost.min(self.capacity) - self.tokens;
        if missing <= 0.0 || self.per_second <= 0.0 {
            return self.refilled_at;
        }
        let wait = Duration::try_from_secs_f64(missing / self.per_second).unwrap_or(Duration::MAX);
        self.refilled_at
            .checked_add(wait)
            .unwrap_or(self.refilled_at)
            + Duration::from_micros(1)
    }
}

/// A shard's two buckets: records and bytes, each holding 100% of the shard's write quota and
/// refilled at `rate_limit_percent` of it per second (the KPL's `RateLimit`).
#[derive(Debug, Clone)]
pub(crate) struct ShardPace {
    records: TokenBucket,
    bytes: TokenBucket,
}

impl ShardPace {
    pub(crate) fn new(rate_limit_percent: u32, now: Instant) -> ShardPace {
        let rate = f64::from(rate_limit_percent) / 100.0;
        let records = SHARD_MAX_RECORDS_PER_SECOND as f64;
        let bytes = SHARD_MAX_BYTES_PER_SECOND as f64;
        ShardPace {
            records: TokenBucket::new(records, records * rate, now),
            bytes: TokenBucket::new(bytes, bytes * rate, now),
        }
    }

    /// Takes one record of `size` bytes if both buckets allow it now.
    pub(crate) fn try_take(&mut self, size: usize, now: Instant) -> bool {
        let size = size as f64;
        if self.records.can_take(1.0, now) && self.bytes.can_take(size, now) {
            self.records.take(1.0);
            self.bytes.take(size);
            true
        } else {
            false
        }
    }

    /// The bytes one record may have now, refilled to `now` (at least 0).
    pub(crate) fn bytes_available(&mut self, now: Instant) -> usize {
        self.bytes.refill(now);
        self.bytes.tokens.max(0.0) as usize
    }

    /// When a batch of `records` records and `bytes` bytes is worth sending: once the buckets
    /// hold it, or a `linger`'s worth of refill of each (at least one record of `min_bytes`),
    /// whichever is less. `None`: now.
    pub(crate) fn batch_ready_at(
        &mut self,
        records: usize,
        bytes: usize,
        min_bytes: usize,
        linger: Duration,
        now: Instant,
    ) -> Option<Instant> {
        let span = linger.as_secs_f64();
        let want_records = (records as f64)
            .min(self.records.per_second * span)
            .max(1.0);
        let want_bytes = (bytes as f64)
            .min(self.bytes.per_second * span)
            .max(min_bytes as f64);
        if self.records.can_take(want_records, now) && self.bytes.can_take(want_bytes, now) {
            return None;
        }
        Some(
            self.records
                .ready_at(want_records)
                .max(self.bytes.ready_at(want_bytes)),
        )
    }

    /// When one record of `size` bytes can be taken.
    pub(crate) fn ready_at(&self, size: usize) -> Instant {
        self.records
            .ready_at(1.0)
            .max(self.bytes.ready_at(size as f64))
    }
}

/// SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number generators", 2014):
/// jitter that the seed alone decides.
#[derive(Debug, Clone)]
pub(crate) struct Jitter(u64);

impl Jitter {
    pub(crate) fn new(seed: u64) -> Jitter {
        Jitter(seed)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// The wait before attempt `attempt` (1 for the first retry): `min × 2^(attempt-1)`, at most
    /// `max`, times a factor drawn in `[0.5, 1)` ("equal jitter"), so that retries of many
    /// records spread out instead of arriving together.
    pub(crate) fn backoff(&mut self, attempt: u32, min: Duration, max: Duration) -> Duration {
        let exp = attempt.saturating_sub(1).min(30);
        let base = min.saturating_mul(1 << exp).min(max);
        base.mul_f64(0.5 + 0.5 * self.unit())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_refills_at_its_rate_up_to_its_capacity() {
        let t0 = Instant::now();
        let mut b = TokenBucket::new(10.0, 5.0, t0);
        assert!(b.can_take(10.0, t0));
        b.take(10.0);
        assert!(!b.can_take(1.0, t0));
        assert!(b.can_take(1.0, t0 + Duration::from_millis(200)));
        assert!(!b.can_take(6.0, t0 + Duration::from_millis(1000)));
        assert!(b.can_take(5.0, t0 + Duration::from_millis(1000)));
        // Never more than the capacity, however long it waits.
        assert!(b.can_take(10.0, t0 + Duration::from_secs(100)));
        b.take(10.0);
        assert!(!b.can_take(0.1, t0 + Duration::from_secs(100)));
        // 3 tokens at 5 a second: 600 ms later.
        let at = b.ready_at(3.0) - (t0 + Duration::from_secs(100));
        assert!(
            at >= Duration::from_millis(600) && at < Duration::from_millis(601),
            "{at:?}"
        );
    }

    #[test]
    fn a_cost_above_capacity_waits_for_a_full_bucket() {
        let t0 = Instant::now();
        let mut b = TokenBucket::new(10.0, 10.0, t0);
        assert!(b.can_take(25.0, t0));
        b.take(25.0);
        let ready = b.ready_at(1.0);
        assert!(
            ready >= t0 + Duration::from_millis(1600),
            "{:?}",
            ready - t0
        );
    }

    #[test]
    fn backoff_doubles_up_to_its_cap_with_jitter_from_the_seed() {
        let (min, max) = (Duration::from_millis(100), Duration::from_secs(5));
        let mut a = Jitter::new(7);
        let mut b = Jitter::new(7);
        for attempt in 1..40 {
            let wait = a.backoff(attempt, min, max);
            assert_eq!(wait, b.backoff(attempt, min, max), "same seed, same waits");
            let base = min.saturating_mul(1 << (attempt - 1).min(30)).min(max);
            assert!(wait >= base / 2 && wait < base, "{attempt}: {wait:?}");
        }
    }
}
