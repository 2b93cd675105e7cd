//! Limits on failed logins, per client IP and per account, in memory.
//!
//! After `max_failures` failures within `window` for the same IP or the same account, further
//! attempts are refused (429 with `Retry-After`) until the oldest of those failures leaves the
//! window. A success clears the account's failures but not the IP's, so one known password does
//! not reset a password-spraying client. The clock is injectable for tests.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::error::ApiError;

/// Time source; tests supply a fake one.
pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> Instant;
}

#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        Instant::now()
    }
}

#[derive(Debug, Clone, Copy)]
pub struct LoginLimits {
    pub max_failures: usize,
    pub window: Duration,
    /// Keys tracked at most; past this, expired entries are pruned and then the stalest dropped,
    /// so a flood of invented account names cannot exhaust memory.
    pub max_keys: usize,
}

impl Default for LoginLimits {
    fn default() -> LoginLimits {
        LoginLimits {
            max_failures: 5,
            window: Duration::from_secs(15 * 60),
            max_keys: 100_000,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Ip(IpAddr),
    Account(String),
}

/// Refused: try again after this many seconds (at least 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryAfter(pub u64);

impl From<RetryAfter> for ApiError {
    fn from(r: RetryAfter) -> ApiError {
        ApiError::too_many_requests(r.0)
    }
}

pub struct LoginLimiter {
    limits: LoginLimits,
    clock: Arc<dyn Clock>,
    failures: Mutex<HashMap<Key, VecDeque<Instant>>>,
}

impl std::fmt::Debug for LoginLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginLimiter")
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

/// Accounts compare case-insensitively (emails), so `A@x` and `a@x` share a counter.
fn account_key(account: &str) -> Key {
    Key::Account(account.trim().to_lowercase())
}

impl LoginLimiter {
    pub fn new(limits: LoginLimits) -> LoginLimiter {
        LoginLimiter::with_clock(limits, Arc::new(SystemClock))
    }

    pub fn with_clock(limits: LoginLimits, clock: Arc<dyn Clock>) -> LoginLimiter {
        LoginLimiter {
            limits,
            clock,
            failures: Mutex::new(HashMap::new()),
        }
    }

    /// Call before checking the password: refuses while either the IP or the account is blocked.
    pub fn check(&self, ip: IpAddr, account: &str) -> Result<(), RetryAfter> {
        let now = self.clock.now();
        let Ok(mut map) = self.failures.lock() else {
            return Ok(());
        };
        let mut wait = Duration::ZERO;
        for key in [Key::Ip(crate::config::canonical(ip)), account_key(account)] {
            if let Some(times) = map.get_mut(&key) {
                self.expire(times, now);
                if times.len() >= self.limits.max_failures
                    && let Some(oldest) = times.front()
                {
                    wait = wait.max((*oldest + self.limits.window).saturating_duration_since(now));
                }
            }
        }
        if wait.is_zero() {
            Ok(())
        } else {
            // Round up so the client never retries a moment too early.
            let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            Err(RetryAfter(secs.max(1)))
        }
    }

    pub fn record_failure(&self, ip: IpAddr, account: &str) {
        let now = self.clock.now();
        let Ok(mut map) = self.failures.lock() else {
            return;
        };
        for key in [Key::Ip(crate::config::canonical(ip)), account_key(account)] {
            if !map.contains_key(&key) && map.len() >= self.limits.max_keys {
                self.make_room(&mut map, now);
            }
            let times = map.entry(key).or_default();
            self.expire(times, now);
            times.push_back(now);
            // Only the newest `max_failures` matter for blocking.
            while times.len() > self.limits.max_failures {
                times.pop_front();
            }
        }
    }

    /// A successful login clears the account's failures.
    pub fn record_success(&self, account: &str) {
        if let Ok(mut map) = self.failures.lock() {
            map.remove(&account_key(account));
        }
    }

    /// Keys currently tracked (for tests and metrics).
    pub fn tracked(&self) -> usize {
        self.failures.lock().map(|m| m.len()).unwrap_or(0)
    }

    fn expire(&self, times: &mut VecDeque<Instant>, now: Instant) {
        while times
            .front()
            .is_some_and(|t| now.saturating_duration_since(*t) >= self.limits.window)
        {
            times.pop_front();
        }
    }

    fn make_room(&self, map: &mut HashMap<Key, VecDeque<Instant>>, now: Instant) {
        let window = self.limits.window;
        map.retain(|_, t| {
            t.back()
                .is_some_and(|last| now.saturating_duration_since(*last) < window)
        });
        if map.len() >= self.limits.max_keys {
            let stalest = map
                .iter()
                .min_by_key(|(_, t)| t.back().copied())
                .map(|(k, _)| k.clone());
            if let Some(k) = stalest {
                map.remove(&k);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct FakeClock {
        start: Instant,
        offset: Mutex<Duration>,
    }

    impl FakeClock {
        fn new() -> Arc<FakeClock> {
            Arc::new(FakeClock {
                start: Instant::now(),
                offset: Mutex::new(Duration::ZERO),
            })
        }
        fn advance(&self, d: Duration) {
            *self.offset.lock().unwrap() += d;
        }
    }

    impl Clock for FakeClock {
        fn now(&self) -> Instant {
            self.start + *self.offset.lock().unwrap()
        }
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn limiter(clock: Arc<FakeClock>) -> LoginLimiter {
        LoginLimiter::with_clock(LoginLimits::default(), clock)
    }

    #[test]
    fn five_failures_block_until_the_window_passes() {
        let clock = FakeClock::new();
        let l = limiter(clock.clone());
        let a = ip("192.0.2.1");
        for i in 0..5 {
            assert_eq!(l.check(a, "ann@h.example"), Ok(()), "attempt {i}");
            l.record_failure(a, "ann@h.example");
            clock.advance(Duration::from_secs(60));
        }
        // First failure at t=0, now t=300: blocked until t=900.
        assert_eq!(l.check(a, "ann@h.example"), Err(RetryAfter(600)));
        clock.advance(Duration::from_secs(599));
        assert_eq!(l.check(a, "ann@h.example"), Err(RetryAfter(1)));
        clock.advance(Duration::from_secs(1));
        assert_eq!(l.check(a, "ann@h.example"), Ok(()));
        // Only one failure left the window: a sixth failure blocks again at once.
        l.record_failure(a, "ann@h.example");
        assert!(l.check(a, "ann@h.example").is_err());
    }

    #[test]
    fn account_is_limited_across_ips() {
        let clock = FakeClock::new();
        let l = limiter(clock.clone());
        for i in 0..5 {
            l.record_failure(ip(&format!("198.51.100.{i}")), "Ann@H.example");
        }
        let err = l.check(ip("198.51.100.99"), "ann@h.example").unwrap_err();
        assert_eq!(err, RetryAfter(900));
        // Another account from a fresh IP is unaffected.
        assert_eq!(l.check(ip("198.51.100.99"), "bob@h.example"), Ok(()));
    }

    #[test]
    fn ip_is_limited_across_accounts_and_success_does_not_reset_it() {
        let clock = FakeClock::new();
        let l = limiter(clock.clone());
        let a = ip("2001:db8::1");
        for i in 0..5 {
            l.record_failure(a, &format!("user{i}@h.example"));
        }
        l.record_success("user0@h.example");
        assert!(l.check(a, "new@h.example").is_err());
        assert_eq!(l.check(ip("2001:db8::2"), "user0@h.example"), Ok(()));
    }

    #[test]
    fn success_clears_the_account() {
        let clock = FakeClock::new();
        let l = limiter(clock.clone());
        for i in 0..4 {
            l.record_failure(ip(&format!("203.0.113.{i}")), "ann@h.example");
        }
        l.record_success("ann@h.example");
        l.record_failure(ip("203.0.113.50"), "ann@h.example");
        assert_eq!(l.check(ip("203.0.113.51"), "ann@h.example"), Ok(()));
    }

    #[test]
    fn mapped_ipv4_shares_the_ipv4_counter() {
        let clock = FakeClock::new();
        let l = limiter(clock.clone());
        for i in 0..5 {
            l.record_failure(ip("::ffff:192.0.2.7"), &format!("u{i}"));
        }
        assert!(l.check(ip("192.0.2.7"), "other").is_err());
    }

    #[test]
    fn memory_is_bounded() {
        let clock = FakeClock::new();
        let limits = LoginLimits {
            max_keys: 10,
            ..LoginLimits::default()
        };
        let l = LoginLimiter::with_clock(limits, clock.clone());
        for i in 0..100 {
            l.record_failure(ip("192.0.2.1"), &format!("invented{i}"));
            clock.advance(Duration::from_secs(1));
        }
        assert!(l.tracked() <= 10, "{}", l.tracked());
        // The IP under attack is still blocked: its entry is the freshest.
        assert!(l.check(ip("192.0.2.1"), "anyone").is_err());
    }
}
