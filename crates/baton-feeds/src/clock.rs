//! Time as a dependency: the rate limiter and the retry backoff wait through a [`Clock`], so
//! tests can pass one that only records the waits instead of sleeping.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Where the crate reads the monotonic time and how it waits.
pub trait Clock: Send + Sync {
    /// The current instant.
    fn now(&self) -> Instant;
    /// Waits for `duration` (a test clock may only advance its own time).
    fn sleep(&self, duration: Duration);
}

/// The real clock: [`Instant::now`] and [`std::thread::sleep`].
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        Instant::now()
    }

    fn sleep(&self, duration: Duration) {
        std::thread::sleep(duration);
    }
}

/// At most `max_requests` requests in any rolling `window` (a sliding log of the last
/// `max_requests` send times). Every attempt counts, retries included.
#[derive(Debug)]
pub struct RateLimiter {
    max_requests: usize,
    window: Duration,
    sent: Mutex<VecDeque<Instant>>,
}

impl RateLimiter {
    /// A limiter allowing `max_requests` (at least 1) per rolling `window`.
    pub fn new(max_requests: usize, window: Duration) -> Self {
        let max_requests = max_requests.max(1);
        RateLimiter {
            max_requests,
            window,
            sent: Mutex::new(VecDeque::with_capacity(max_requests)),
        }
    }

    /// NVD's published limits: 5 requests per rolling 30 seconds without an API key, 50 with one.
    pub fn nvd(with_api_key: bool) -> Self {
        RateLimiter::new(if with_api_key { 50 } else { 5 }, Duration::from_secs(30))
    }

    /// The number of requests allowed per window.
    pub fn max_requests(&self) -> usize {
        self.max_requests
    }

    /// The window length.
    pub fn window(&self) -> Duration {
        self.window
    }

    /// How long the next request must wait, without taking a slot.
    pub fn wait_needed(&self, now: Instant) -> Duration {
        let sent = self
            .sent
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        self.wait_in(&sent, now)
    }

    fn wait_in(&self, sent: &VecDeque<Instant>, now: Instant) -> Duration {
        if sent.len() < self.max_requests {
            return Duration::ZERO;
        }
        match sent.front() {
            Some(oldest) => (*oldest + self.window).saturating_duration_since(now),
            None => Duration::ZERO,
        }
    }

    /// Waits (through `clock`) until a request may be sent, then records it as sent. Returns how
    /// long it waited.
    pub fn acquire(&self, clock: &dyn Clock) -> Duration {
        let mut waited = Duration::ZERO;
        loop {
            let now = clock.now();
            let wait = {
                let mut sent = self
                    .sent
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner());
                while sent
                    .front()
                    .is_some_and(|t| now.saturating_duration_since(*t) >= self.window)
                {
                    sent.pop_front();
                }
                let wait = self.wait_in(&sent, now);
                if wait.is_zero() {
                    sent.push_back(now);
                    return waited;
                }
                wait
            };
            clock.sleep(wait);
            waited += wait;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    struct FakeClock {
        start: Instant,
        elapsed: Mutex<Duration>,
    }

    impl Clock for FakeClock {
        fn now(&self) -> Instant {
            self.start + *self.elapsed.lock().unwrap()
        }
        fn sleep(&self, d: Duration) {
            *self.elapsed.lock().unwrap() += d;
        }
    }

    #[test]
    fn sixth_request_waits_for_the_window() {
        let clock = FakeClock {
            start: Instant::now(),
            elapsed: Mutex::new(Duration::ZERO),
        };
        let limiter = RateLimiter::nvd(false);
        for _ in 0..5 {
            assert_eq!(limiter.acquire(&clock), Duration::ZERO);
            clock.sleep(Duration::from_secs(1));
        }
        // Five sent at t = 0..4 s; the sixth at t = 5 s must wait until t = 30 s.
        assert_eq!(limiter.acquire(&clock), Duration::from_secs(25));
        // The seventh waits for the second one (sent at 1 s) to leave the window.
        assert_eq!(limiter.acquire(&clock), Duration::from_secs(1));
    }

    #[test]
    fn with_a_key_fifty_go_at_once() {
        let clock = FakeClock {
            start: Instant::now(),
            elapsed: Mutex::new(Duration::ZERO),
        };
        let limiter = RateLimiter::nvd(true);
        let waited: Duration = (0..50).map(|_| limiter.acquire(&clock)).sum();
        assert_eq!(waited, Duration::ZERO);
        assert_eq!(limiter.acquire(&clock), Duration::from_secs(30));
    }
}
