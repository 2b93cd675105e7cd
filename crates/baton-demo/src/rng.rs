//! A tiny, dependency-free, seeded pseudo-random number generator.
//!
//! SplitMix64 (Steele, Lea & Flood 2014) is fully specified by a few lines of
//! integer arithmetic, so the demo fleet stays byte-for-byte identical across
//! platforms, compiler versions and — unlike an external crate — forever.
//! Only integer operations are used anywhere in the generator: no floating
//! point rounding can ever creep into the output.

/// Golden-ratio increment of SplitMix64.
const GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

/// The SplitMix64 output function (a bijective 64-bit mixer).
pub(crate) const fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// SplitMix64 generator. Independent streams are derived from one seed so
/// that, e.g., changing the number of assets leaves the models untouched.
#[derive(Clone, Debug)]
pub(crate) struct Rng {
    state: u64,
}

impl Rng {
    /// A generator for `stream` (a section of the fleet) under `seed`.
    pub(crate) fn new(seed: u64, stream: u64) -> Self {
        Self {
            state: mix(seed ^ mix(stream.wrapping_add(GAMMA))),
        }
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(GAMMA);
        mix(self.state)
    }

    /// Uniform in `0..n`; 0 when `n == 0`.
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform index in `0..n`; 0 when `n == 0`.
    pub(crate) fn index(&mut self, n: usize) -> usize {
        self.below(n as u64) as usize
    }

    /// Uniform in `lo..=hi` (returns `lo` when `hi < lo`).
    pub(crate) fn range(&mut self, lo: i32, hi: i32) -> i32 {
        if hi <= lo {
            return lo;
        }
        let span = (i64::from(hi) - i64::from(lo) + 1) as u64;
        (i64::from(lo) + self.below(span) as i64) as i32
    }

    /// True with probability `percent` / 100.
    pub(crate) fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    /// A uniformly chosen element, `None` for an empty slice.
    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        if items.is_empty() {
            None
        } else {
            items.get(self.index(items.len()))
        }
    }

    /// An index chosen with the given integer weights (0 for an empty or
    /// all-zero slice).
    pub(crate) fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u64 = weights.iter().map(|&w| u64::from(w)).sum();
        if total == 0 {
            return 0;
        }
        let mut r = self.below(total);
        for (i, &w) in weights.iter().enumerate() {
            let w = u64::from(w);
            if r < w {
                return i;
            }
            r -= w;
        }
        weights.len().saturating_sub(1)
    }

    /// An item chosen with its integer weight (`None` if all are zero).
    pub(crate) fn weighted_item<'a, T>(&mut self, items: &'a [(T, u32)]) -> Option<&'a T> {
        let total: u64 = items.iter().map(|(_, w)| u64::from(*w)).sum();
        if total == 0 {
            return None;
        }
        let mut r = self.below(total);
        for (item, w) in items {
            let w = u64::from(*w);
            if r < w {
                return Some(item);
            }
            r -= w;
        }
        None
    }

    /// Fisher–Yates shuffle.
    pub(crate) fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.index(i + 1);
            items.swap(i, j);
        }
    }
}

/// Splits `n` items over categories in proportion to integer `weights` using
/// the largest-remainder method, so that even a small fleet gets its share of
/// every category (deterministic, no randomness involved).
pub(crate) fn apportion(n: usize, weights: &[u32]) -> Vec<usize> {
    let total: u64 = weights.iter().map(|&w| u64::from(w)).sum();
    if total == 0 {
        return vec![0; weights.len()];
    }
    let n64 = n as u64;
    let mut counts: Vec<usize> = weights
        .iter()
        .map(|&w| (n64 * u64::from(w) / total) as usize)
        .collect();
    let mut rest = n.saturating_sub(counts.iter().sum());
    // Hand out the remainder to the largest fractional parts (ties: earlier).
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by_key(|&i| {
        let frac = (n64 * u64::from(weights[i])) % total;
        (std::cmp::Reverse(frac), i)
    });
    for &i in order.iter().cycle() {
        if rest == 0 {
            break;
        }
        counts[i] += 1;
        rest -= 1;
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix_reference_vector() {
        // Reference: SplitMix64 seeded with 1234567 (state before first step).
        let mut r = Rng { state: 1_234_567 };
        assert_eq!(r.next_u64(), 6_457_827_717_110_365_317);
        assert_eq!(r.next_u64(), 3_203_168_211_198_807_973);
    }

    #[test]
    fn ranges_and_weights() {
        let mut r = Rng::new(7, 1);
        for _ in 0..1000 {
            let v = r.range(-5, 5);
            assert!((-5..=5).contains(&v));
            assert!(r.below(3) < 3);
            assert_ne!(r.weighted(&[0, 3, 0, 1]), 0);
        }
        assert_eq!(r.range(4, 4), 4);
        assert_eq!(r.below(0), 0);
        assert_eq!(r.weighted(&[]), 0);
        assert!(r.pick::<u8>(&[]).is_none());
    }

    #[test]
    fn apportion_sums_up() {
        assert_eq!(apportion(60, &[10, 45, 25, 20]), vec![6, 27, 15, 12]);
        assert_eq!(apportion(7, &[10, 45, 25, 20]).iter().sum::<usize>(), 7);
        assert_eq!(apportion(0, &[1, 2]), vec![0, 0]);
        assert_eq!(apportion(3, &[0, 0]), vec![0, 0]);
    }
}
