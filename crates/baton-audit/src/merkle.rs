//! The Merkle tree of RFC 9162 §2.1 (the tree of RFC 6962): hashes, roots, inclusion and
//! consistency proofs and their verification.
//!
//! Two structures hold a growing tree:
//! - [`MerkleTree`] keeps every leaf hash and every complete subtree above them (about two
//!   hashes per leaf, 64 bytes), so a root for any size is O(log n) and a proof O(log² n);
//! - [`CompactTree`] keeps only the roots of the complete subtrees covering the leaves so far
//!   (at most 64 hashes), enough to append and to give the current root; whole-log
//!   verification uses it, so checking millions of leaves needs no memory per leaf.

use sha2::{Digest, Sha256};
use thiserror::Error;

/// A SHA-256 output: leaf hashes, node hashes, roots.
pub type Hash = [u8; 32];

/// Asking a tree for something it cannot answer.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum MerkleError {
    /// A tree size beyond the leaves the tree holds.
    #[error("tree size {size} asked, the tree has {len} leaves")]
    SizeBeyondTree {
        /// The size asked for.
        size: u64,
        /// The leaves held.
        len: u64,
    },
    /// A leaf index not below the tree size.
    #[error("leaf index {index} is not below the tree size {size}")]
    IndexBeyondSize {
        /// The index asked for.
        index: u64,
        /// The tree size.
        size: u64,
    },
    /// A consistency proof from a larger tree to a smaller one.
    #[error("old tree size {old_size} is larger than the new tree size {new_size}")]
    OldLargerThanNew {
        /// The old size.
        old_size: u64,
        /// The new size.
        new_size: u64,
    },
}

/// MTH of the empty tree: SHA-256 of nothing.
pub fn empty_root() -> Hash {
    Sha256::digest([]).into()
}

/// The hash of a leaf: SHA-256(0x00 || leaf).
pub fn leaf_hash(leaf: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([0x00]);
    h.update(leaf);
    h.finalize().into()
}

/// The hash of an interior node: SHA-256(0x01 || left || right).
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([0x01]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// The largest power of two smaller than `n` (`n` ≥ 2), the split point of RFC 9162 §2.1.1.
fn split(n: u64) -> u64 {
    debug_assert!(n >= 2);
    1u64 << (63 - (n - 1).leading_zeros())
}

/// A tree holding every leaf hash and every complete subtree hash above them.
///
/// `levels[l][i]` is the hash of the complete subtree over leaves `i·2^l .. (i+1)·2^l`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MerkleTree {
    levels: Vec<Vec<Hash>>,
}

impl MerkleTree {
    /// An empty tree.
    pub fn new() -> Self {
        Self::default()
    }

    /// A tree over the given leaf hashes, in order.
    pub fn from_leaf_hashes(hashes: impl IntoIterator<Item = Hash>) -> Self {
        let mut tree = Self::new();
        for hash in hashes {
            tree.push_hash(hash);
        }
        tree
    }

    /// Appends a leaf (hashing it) and returns its index.
    pub fn push_leaf(&mut self, leaf: &[u8]) -> u64 {
        self.push_hash(leaf_hash(leaf))
    }

    /// Appends a leaf hash and returns its index. Amortized O(1).
    pub fn push_hash(&mut self, hash: Hash) -> u64 {
        let index = self.size();
        if self.levels.is_empty() {
            self.levels.push(Vec::new());
        }
        self.levels[0].push(hash);
        let mut level = 0;
        while self.levels[level].len().is_multiple_of(2) {
            let row = &self.levels[level];
            let parent = node_hash(&row[row.len() - 2], &row[row.len() - 1]);
            if self.levels.len() == level + 1 {
                self.levels.push(Vec::new());
            }
            self.levels[level + 1].push(parent);
            level += 1;
        }
        index
    }

    /// The number of leaves.
    pub fn size(&self) -> u64 {
        self.levels.first().map_or(0, |row| row.len() as u64)
    }

    /// The hash of leaf `index`, if the tree has it.
    pub fn leaf_hash(&self, index: u64) -> Option<Hash> {
        let index = usize::try_from(index).ok()?;
        self.levels.first()?.get(index).copied()
    }

    /// MTH of the first `size` leaves.
    ///
    /// # Errors
    ///
    /// [`MerkleError::SizeBeyondTree`] when `size` exceeds the leaves held.
    pub fn root(&self, size: u64) -> Result<Hash, MerkleError> {
        self.check_size(size)?;
        Ok(self.subtree(0, size))
    }

    /// MTH of all the leaves.
    pub fn current_root(&self) -> Hash {
        self.subtree(0, self.size())
    }

    /// The inclusion proof (audit path) of leaf `index` in the tree of the first `size` leaves,
    /// as RFC 9162 §2.1.3.1 builds it: siblings from the leaf up.
    ///
    /// # Errors
    ///
    /// When `size` exceeds the leaves held or `index` is not below `size`.
    pub fn inclusion_proof(&self, index: u64, size: u64) -> Result<Vec<Hash>, MerkleError> {
        self.check_size(size)?;
        if index >= size {
            return Err(MerkleError::IndexBeyondSize { index, size });
        }
        let mut proof = Vec::new();
        self.path(index, 0, size, &mut proof);
        Ok(proof)
    }

    /// The consistency proof between the trees of the first `old_size` and `new_size` leaves,
    /// as RFC 9162 §2.1.4.1 builds it. Outside the RFC's `0 < old_size < new_size` the proof is
    /// empty: an empty tree is a prefix of every tree, and a tree of itself.
    ///
    /// # Errors
    ///
    /// When `new_size` exceeds the leaves held or `old_size > new_size`.
    pub fn consistency_proof(
        &self,
        old_size: u64,
        new_size: u64,
    ) -> Result<Vec<Hash>, MerkleError> {
        self.check_size(new_size)?;
        if old_size > new_size {
            return Err(MerkleError::OldLargerThanNew { old_size, new_size });
        }
        let mut proof = Vec::new();
        if old_size > 0 && old_size < new_size {
            self.subproof(old_size, 0, new_size, true, &mut proof);
        }
        Ok(proof)
    }

    fn check_size(&self, size: u64) -> Result<(), MerkleError> {
        let len = self.size();
        if size > len {
            return Err(MerkleError::SizeBeyondTree { size, len });
        }
        Ok(())
    }

    /// MTH(D[start:end]), with `end` within the tree. Complete aligned subtrees are looked up;
    /// others split at the largest power of two below their width, whose left part is complete
    /// and aligned, so the recursion descends only along the right edge.
    fn subtree(&self, start: u64, end: u64) -> Hash {
        let width = end - start;
        if width == 0 {
            return empty_root();
        }
        if width.is_power_of_two() && start.is_multiple_of(width) {
            let level = width.trailing_zeros() as usize;
            let stored = usize::try_from(start >> level)
                .ok()
                .and_then(|i| self.levels.get(level)?.get(i));
            if let Some(hash) = stored {
                return *hash;
            }
        }
        if width == 1 {
            // Unreachable for `end` within the tree: a single leaf is always stored.
            return empty_root();
        }
        let k = split(width);
        node_hash(
            &self.subtree(start, start + k),
            &self.subtree(start + k, end),
        )
    }

    /// PATH(m, D[start:end]) of RFC 9162 §2.1.3.1, with `m` an absolute leaf index.
    fn path(&self, m: u64, start: u64, end: u64, proof: &mut Vec<Hash>) {
        let width = end - start;
        if width <= 1 {
            return;
        }
        let k = split(width);
        if m - start < k {
            self.path(m, start, start + k, proof);
            proof.push(self.subtree(start + k, end));
        } else {
            self.path(m, start + k, end, proof);
            proof.push(self.subtree(start, start + k));
        }
    }

    /// SUBPROOF(m, D[start:end], b) of RFC 9162 §2.1.4.1, `m` counted from `start`.
    fn subproof(&self, m: u64, start: u64, end: u64, known: bool, proof: &mut Vec<Hash>) {
        let width = end - start;
        if m == width {
            if !known {
                proof.push(self.subtree(start, end));
            }
            return;
        }
        let k = split(width);
        if m <= k {
            self.subproof(m, start, start + k, known, proof);
            proof.push(self.subtree(start + k, end));
        } else {
            self.subproof(m - k, start + k, end, false, proof);
            proof.push(self.subtree(start, start + k));
        }
    }
}

/// The roots of the complete subtrees covering the leaves appended so far, largest first:
/// O(log n) memory, enough to append and to compute the current root.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CompactTree {
    size: u64,
    /// One hash per set bit of `size`, from the highest bit down.
    peaks: Vec<Hash>,
}

impl CompactTree {
    /// An empty tree.
    pub fn new() -> Self {
        Self::default()
    }

    /// A tree resumed from its size and [`CompactTree::peaks`], as a store keeps them between
    /// appends; `None` when there is not one peak per set bit of `size`.
    pub fn from_peaks(size: u64, peaks: Vec<Hash>) -> Option<Self> {
        (peaks.len() == size.count_ones() as usize).then_some(Self { size, peaks })
    }

    /// The roots of the complete subtrees, largest first.
    pub fn peaks(&self) -> &[Hash] {
        &self.peaks
    }

    /// Appends a leaf (hashing it) and returns its index.
    pub fn push_leaf(&mut self, leaf: &[u8]) -> u64 {
        self.push_hash(leaf_hash(leaf))
    }

    /// Appends a leaf hash and returns its index. Amortized O(1).
    pub fn push_hash(&mut self, hash: Hash) -> u64 {
        let index = self.size;
        let mut carry = hash;
        // Every trailing one bit of the old size is a peak of the same width: merge them.
        let mut merges = self.size.trailing_ones();
        while merges > 0 {
            match self.peaks.pop() {
                Some(left) => carry = node_hash(&left, &carry),
                None => break,
            }
            merges -= 1;
        }
        self.peaks.push(carry);
        self.size += 1;
        index
    }

    /// The number of leaves.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// MTH of all the leaves.
    pub fn root(&self) -> Hash {
        let mut peaks = self.peaks.iter().rev();
        let Some(last) = peaks.next() else {
            return empty_root();
        };
        peaks.fold(*last, |right, left| node_hash(left, &right))
    }
}

/// Checks an inclusion proof as RFC 9162 §2.1.3.2 does: that `leaf_hash` is leaf `index` of
/// the tree of `size` leaves whose root is `root`.
pub fn verify_inclusion(
    leaf_hash: &Hash,
    index: u64,
    size: u64,
    proof: &[Hash],
    root: &Hash,
) -> bool {
    if index >= size {
        return false;
    }
    let mut fn_ = index;
    let mut sn = size - 1;
    let mut r = *leaf_hash;
    for p in proof {
        if sn == 0 {
            return false;
        }
        if fn_ & 1 == 1 || fn_ == sn {
            r = node_hash(p, &r);
            if fn_ & 1 == 0 {
                while fn_ & 1 == 0 && fn_ != 0 {
                    fn_ >>= 1;
                    sn >>= 1;
                }
            }
        } else {
            r = node_hash(&r, p);
        }
        fn_ >>= 1;
        sn >>= 1;
    }
    sn == 0 && r == *root
}

/// Checks a consistency proof as RFC 9162 §2.1.4.2 does: that the tree of `old_size` leaves
/// with root `old_root` is a prefix of the tree of `new_size` leaves with root `new_root`.
///
/// Outside the RFC's `0 < old_size < new_size`: an empty old tree is consistent with anything
/// when the proof is empty and `old_root` is the empty root; equal sizes are consistent when
/// the proof is empty and the roots are equal; a larger old size never is.
pub fn verify_consistency(
    old_size: u64,
    new_size: u64,
    old_root: &Hash,
    new_root: &Hash,
    proof: &[Hash],
) -> bool {
    if old_size > new_size {
        return false;
    }
    if old_size == 0 {
        return proof.is_empty() && *old_root == empty_root();
    }
    if old_size == new_size {
        return proof.is_empty() && old_root == new_root;
    }
    // 1. An empty path fails.
    if proof.is_empty() {
        return false;
    }
    // 2. When the old size is a power of two, its root is the first node of the path.
    let mut path = proof.iter();
    let first = if old_size.is_power_of_two() {
        old_root
    } else {
        match path.next() {
            Some(first) => first,
            None => return false,
        }
    };
    // 3. and 4.
    let mut fn_ = old_size - 1;
    let mut sn = new_size - 1;
    while fn_ & 1 == 1 {
        fn_ >>= 1;
        sn >>= 1;
    }
    // 5.
    let mut fr = *first;
    let mut sr = *first;
    // 6.
    for c in path {
        if sn == 0 {
            return false;
        }
        if fn_ & 1 == 1 || fn_ == sn {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            if fn_ & 1 == 0 {
                while fn_ & 1 == 0 && fn_ != 0 {
                    fn_ >>= 1;
                    sn >>= 1;
                }
            }
        } else {
            sr = node_hash(&sr, c);
        }
        fn_ >>= 1;
        sn >>= 1;
    }
    // 7.
    fr == *old_root && sr == *new_root && sn == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// MTH straight from the definition in RFC 9162 §2.1.1, as an oracle.
    fn reference_root(leaves: &[Hash]) -> Hash {
        match leaves.len() {
            0 => empty_root(),
            1 => leaves[0],
            n => {
                let k = split(n as u64) as usize;
                node_hash(&reference_root(&leaves[..k]), &reference_root(&leaves[k..]))
            }
        }
    }

    fn leaves(n: u64) -> Vec<Hash> {
        (0..n).map(|i| leaf_hash(&i.to_be_bytes())).collect()
    }

    #[test]
    fn split_points() {
        assert_eq!(split(2), 1);
        assert_eq!(split(3), 2);
        assert_eq!(split(4), 2);
        assert_eq!(split(5), 4);
        assert_eq!(split(8), 4);
        assert_eq!(split(9), 8);
        assert_eq!(split(u64::MAX), 1 << 63);
    }

    #[test]
    fn roots_match_the_definition_for_every_size_and_prefix() {
        let hashes = leaves(70);
        let tree = MerkleTree::from_leaf_hashes(hashes.iter().copied());
        let mut compact = CompactTree::new();
        assert_eq!(compact.root(), empty_root());
        for n in 0..=70u64 {
            let expected = reference_root(&hashes[..n as usize]);
            assert_eq!(tree.root(n), Ok(expected), "size {n}");
            if n > 0 {
                compact.push_hash(hashes[n as usize - 1]);
            }
            assert_eq!(compact.root(), expected, "compact size {n}");
            assert_eq!(compact.size(), n);
            let resumed = CompactTree::from_peaks(n, compact.peaks().to_vec());
            assert_eq!(resumed.as_ref().map(CompactTree::root), Some(expected));
        }
        assert_eq!(tree.current_root(), reference_root(&hashes));
        assert_eq!(
            tree.root(71),
            Err(MerkleError::SizeBeyondTree { size: 71, len: 70 })
        );
    }

    #[test]
    fn out_of_range_requests() {
        let tree = MerkleTree::from_leaf_hashes(leaves(5));
        assert!(tree.inclusion_proof(5, 5).is_err());
        assert!(tree.inclusion_proof(0, 6).is_err());
        assert!(tree.consistency_proof(4, 3).is_err());
        assert!(tree.consistency_proof(3, 6).is_err());
        assert_eq!(tree.consistency_proof(0, 5), Ok(vec![]));
        assert_eq!(tree.consistency_proof(5, 5), Ok(vec![]));
        assert_eq!(tree.leaf_hash(4), Some(leaves(5)[4]));
        assert_eq!(tree.leaf_hash(5), None);
    }

    #[test]
    fn degenerate_consistency() {
        let tree = MerkleTree::from_leaf_hashes(leaves(5));
        let r4 = tree.root(4).unwrap_or_default();
        let r5 = tree.current_root();
        assert!(verify_consistency(4, 4, &r4, &r4, &[]));
        assert!(!verify_consistency(4, 4, &r4, &r5, &[]));
        assert!(!verify_consistency(4, 4, &r4, &r4, &[r4]));
        assert!(verify_consistency(0, 5, &empty_root(), &r5, &[]));
        assert!(!verify_consistency(0, 5, &r4, &r5, &[]));
        assert!(!verify_consistency(5, 4, &r5, &r4, &[]));
        assert!(!verify_consistency(4, 5, &r4, &r5, &[]));
    }
}
