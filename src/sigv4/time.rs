//! The request time as SigV4 writes it: `x-amz-date` is `YYYYMMDD'T'HHMMSS'Z'` in UTC (the
//! ISO 8601 basic format), and the credential scope's date is its first eight characters.
//!
//! No date library: days since 1970-01-01 become a civil date with Howard Hinnant's
//! `civil_from_days` ("chrono-Compatible Low-Level Date Algorithms", public domain), which is
//! exact for the proleptic Gregorian calendar. Leap seconds do not exist in `SystemTime`'s Unix
//! time, so none appear here.

use std::time::{SystemTime, UNIX_EPOCH};

use super::error::SignError;

const SECONDS_PER_DAY: u64 = 86_400;
/// 10000-01-01T00:00:00Z in Unix seconds: the first time with a five-digit year, which the
/// format cannot write.
const YEAR_10000: u64 = 253_402_300_800;

/// `x-amz-date`, 16 ASCII bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct AmzDate([u8; 16]);

impl AmzDate {
    /// The time, to the second (truncated, as every SigV4 signer does). Before 1970 or from year
    /// 10000 on it is [`SignError::TimeOutOfRange`], never a panic.
    #[cfg(test)]
    pub(super) fn new(time: SystemTime) -> Result<AmzDate, SignError> {
        AmzDate::from_unix_seconds(unix_seconds(time)?)
    }

    /// The date of `secs` seconds since the epoch, as [`unix_seconds`] gives them; from year
    /// 10000 on it is [`SignError::TimeOutOfRange`], never a panic.
    pub(super) fn from_unix_seconds(secs: u64) -> Result<AmzDate, SignError> {
        if secs >= YEAR_10000 {
            return Err(SignError::TimeOutOfRange);
        }
        let (year, month, day) = civil_from_days(secs / SECONDS_PER_DAY);
        let of_day = secs % SECONDS_PER_DAY;
        let (h, m, s) = (of_day / 3600, of_day / 60 % 60, of_day % 60);
        let mut out = *b"00000000T000000Z";
        write_digits(&mut out[0..4], year);
        write_digits(&mut out[4..6], month);
        write_digits(&mut out[6..8], day);
        write_digits(&mut out[9..11], h);
        write_digits(&mut out[11..13], m);
        write_digits(&mut out[13..15], s);
        Ok(AmzDate(out))
    }

    /// The whole `YYYYMMDDTHHMMSSZ`.
    pub(super) fn as_bytes(&self) -> &[u8; 16] {
        &self.0
    }

    /// `YYYYMMDD`, the credential scope's date.
    pub(super) fn date(&self) -> [u8; 8] {
        let mut d = [0u8; 8];
        d.copy_from_slice(&self.0[..8]);
        d
    }
}

/// Whole seconds since 1970-01-01T00:00:00Z; before it, [`SignError::TimeOutOfRange`].
pub(super) fn unix_seconds(time: SystemTime) -> Result<u64, SignError> {
    time.duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .map_err(|_| SignError::TimeOutOfRange)
}

/// Writes `n` as `out.len()` decimal digits, zero-padded (the callers' values fit).
fn write_digits(out: &mut [u8], mut n: u64) {
    for slot in out.iter_mut().rev() {
        *slot = b'0' + (n % 10) as u8;
        n /= 10;
    }
}

/// Days since 1970-01-01 → (year, month 1-12, day 1-31), for days ≥ 0.
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    // Shift the epoch to 0000-03-01, so that leap days fall at the end of a year; an era is
    // 400 years, 146,097 days.
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097; // [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11], March = 0
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn at(secs: u64) -> String {
        let d = AmzDate::new(UNIX_EPOCH + Duration::from_secs(secs)).unwrap();
        String::from_utf8(d.as_bytes().to_vec()).unwrap()
    }

    #[test]
    fn known_times() {
        assert_eq!(at(0), "19700101T000000Z");
        // The CRT suite's time, 2015-08-30T12:36:00Z.
        assert_eq!(at(1_440_938_160), "20150830T123600Z");
        assert_eq!(at(951_782_400), "20000229T000000Z"); // a leap day of a century leap year
        assert_eq!(at(4_102_444_799), "20991231T235959Z");
        assert_eq!(at(YEAR_10000 - 1), "99991231T235959Z");
    }

    #[test]
    fn sub_seconds_are_truncated() {
        let t = UNIX_EPOCH + Duration::from_millis(1_440_938_160_999);
        assert_eq!(AmzDate::new(t).unwrap().as_bytes(), b"20150830T123600Z");
    }

    #[test]
    fn out_of_range_is_an_error() {
        assert_eq!(
            AmzDate::new(UNIX_EPOCH + Duration::from_secs(YEAR_10000)),
            Err(SignError::TimeOutOfRange)
        );
        if let Some(before) = UNIX_EPOCH.checked_sub(Duration::from_secs(1)) {
            assert_eq!(AmzDate::new(before), Err(SignError::TimeOutOfRange));
        }
    }

    #[test]
    fn every_day_agrees_with_a_day_by_day_count() {
        // Walk the calendar from 1970 to 2400 one day at a time.
        let (mut y, mut m, mut d) = (1970u64, 1u64, 1u64);
        for days in 0..157_000u64 {
            assert_eq!(civil_from_days(days), (y, m, d), "day {days}");
            let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
            let len = match m {
                2 if leap => 29,
                2 => 28,
                4 | 6 | 9 | 11 => 30,
                _ => 31,
            };
            d += 1;
            if d > len {
                d = 1;
                m += 1;
                if m > 12 {
                    m = 1;
                    y += 1;
                }
            }
        }
    }
}
