//! RFC 9162 §2.1 Merkle tree: the Certificate Transparency reference vectors, then every proof
//! of every tree of 1..=64 leaves generated, verified, and refused once altered.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use baton_audit::{
    CompactTree, Hash, MerkleTree, empty_root, hash_from_hex, leaf_hash, to_hex,
    verify_consistency, verify_inclusion,
};
use proptest::prelude::*;

/// The inputs of the CT reference tree (RFC 6962's reference implementation's tests).
const CT_LEAVES: [&[u8]; 8] = [
    b"",
    &[0x00],
    &[0x10],
    &[0x20, 0x21],
    &[0x30, 0x31],
    &[0x40, 0x41, 0x42, 0x43],
    &[0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57],
    &[
        0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e,
        0x6f,
    ],
];

/// Roots for sizes 0..=8.
const CT_ROOTS: [&str; 9] = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
];

fn h(text: &str) -> Hash {
    hash_from_hex(text).unwrap()
}

fn ct_tree() -> MerkleTree {
    let mut tree = MerkleTree::new();
    for leaf in CT_LEAVES {
        tree.push_leaf(leaf);
    }
    tree
}

#[test]
fn ct_reference_roots() {
    let tree = ct_tree();
    assert_eq!(to_hex(&empty_root()), CT_ROOTS[0]);
    let mut compact = CompactTree::new();
    for (size, expected) in CT_ROOTS.iter().enumerate() {
        assert_eq!(
            to_hex(&tree.root(size as u64).unwrap()),
            *expected,
            "size {size}"
        );
        assert_eq!(to_hex(&compact.root()), *expected, "compact size {size}");
        if let Some(leaf) = CT_LEAVES.get(size) {
            compact.push_leaf(leaf);
        }
    }
}

#[test]
fn ct_reference_inclusion_proofs() {
    let tree = ct_tree();
    let cases: [(u64, u64, &[&str]); 4] = [
        (0, 1, &[]),
        (
            0,
            8,
            &[
                "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
            ],
        ),
        (
            5,
            8,
            &[
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            ],
        ),
        (
            2,
            3,
            &["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"],
        ),
    ];
    for (index, size, expected) in cases {
        let proof = tree.inclusion_proof(index, size).unwrap();
        let proof_hex: Vec<String> = proof.iter().map(|p| to_hex(p)).collect();
        assert_eq!(proof_hex, expected, "inclusion {index} in {size}");
        let leaf = leaf_hash(CT_LEAVES[index as usize]);
        assert!(verify_inclusion(
            &leaf,
            index,
            size,
            &proof,
            &h(CT_ROOTS[size as usize])
        ));
    }
}

#[test]
fn ct_reference_consistency_proofs() {
    let tree = ct_tree();
    let cases: [(u64, u64, &[&str]); 4] = [
        (1, 1, &[]),
        (
            1,
            8,
            &[
                "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
            ],
        ),
        (
            2,
            8,
            &[
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
            ],
        ),
        (
            6,
            8,
            &[
                "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            ],
        ),
    ];
    for (old, new, expected) in cases {
        let proof = tree.consistency_proof(old, new).unwrap();
        let proof_hex: Vec<String> = proof.iter().map(|p| to_hex(p)).collect();
        assert_eq!(proof_hex, expected, "consistency {old} → {new}");
        assert!(verify_consistency(
            old,
            new,
            &h(CT_ROOTS[old as usize]),
            &h(CT_ROOTS[new as usize]),
            &proof
        ));
    }
}

const N: u64 = 64;

fn big_tree() -> (MerkleTree, Vec<Hash>) {
    let mut tree = MerkleTree::new();
    for i in 0..N {
        tree.push_leaf(format!("leaf {i}").as_bytes());
    }
    let roots = (0..=N).map(|n| tree.root(n).unwrap()).collect();
    (tree, roots)
}

/// Flips one bit of one byte of element `element` of `proof`.
fn altered(proof: &[Hash], element: usize, byte: usize) -> Vec<Hash> {
    let mut copy = proof.to_vec();
    copy[element][byte] ^= 0x01;
    copy
}

#[test]
fn every_inclusion_proof_verifies_and_no_altered_one_does() {
    let (tree, roots) = big_tree();
    let mut checked = 0u32;
    for size in 1..=N {
        let root = roots[size as usize];
        for index in 0..size {
            let leaf = tree.leaf_hash(index).unwrap();
            let proof = tree.inclusion_proof(index, size).unwrap();
            assert!(
                verify_inclusion(&leaf, index, size, &proof, &root),
                "{index}/{size}"
            );
            // Each element altered, at a byte that moves with the case.
            for element in 0..proof.len() {
                let byte = (index as usize * 7 + element * 13 + size as usize) % 32;
                let bad = altered(&proof, element, byte);
                assert!(
                    !verify_inclusion(&leaf, index, size, &bad, &root),
                    "{index}/{size} e{element}"
                );
            }
            let mut bad_leaf = leaf;
            bad_leaf[(index % 32) as usize] ^= 0x80;
            assert!(!verify_inclusion(&bad_leaf, index, size, &proof, &root));
            let mut bad_root = root;
            bad_root[(size % 32) as usize] ^= 0x80;
            assert!(!verify_inclusion(&leaf, index, size, &proof, &bad_root));
            // Wrong place, wrong size, truncated and extended paths.
            if size > 1 {
                let other = (index + 1) % size;
                assert!(
                    !verify_inclusion(&leaf, other, size, &proof, &root),
                    "{index}/{size} moved"
                );
            }
            assert!(!verify_inclusion(&leaf, size, size, &proof, &root));
            if !proof.is_empty() {
                assert!(!verify_inclusion(
                    &leaf,
                    index,
                    size,
                    &proof[..proof.len() - 1],
                    &root
                ));
            }
            let mut longer = proof.clone();
            longer.push([0xab; 32]);
            assert!(!verify_inclusion(&leaf, index, size, &longer, &root));
            checked += 1;
        }
    }
    assert_eq!(checked, (N * (N + 1) / 2) as u32);
}

#[test]
fn every_consistency_proof_verifies_and_no_altered_one_does() {
    let (tree, roots) = big_tree();
    let mut checked = 0u32;
    for new in 0..=N {
        for old in 0..=new {
            let proof = tree.consistency_proof(old, new).unwrap();
            let (old_root, new_root) = (roots[old as usize], roots[new as usize]);
            assert!(
                verify_consistency(old, new, &old_root, &new_root, &proof),
                "{old}→{new}"
            );
            for element in 0..proof.len() {
                let byte = (old as usize * 5 + element * 11 + new as usize) % 32;
                let bad = altered(&proof, element, byte);
                assert!(
                    !verify_consistency(old, new, &old_root, &new_root, &bad),
                    "{old}→{new} e{element}"
                );
            }
            if old > 0 && old < new {
                let mut bad_old = old_root;
                bad_old[3] ^= 0x04;
                assert!(!verify_consistency(old, new, &bad_old, &new_root, &proof));
                let mut bad_new = new_root;
                bad_new[30] ^= 0x04;
                assert!(!verify_consistency(old, new, &old_root, &bad_new, &proof));
                assert!(!verify_consistency(
                    old,
                    new,
                    &old_root,
                    &new_root,
                    &proof[..proof.len() - 1]
                ));
                let mut longer = proof.clone();
                longer.push([0xcd; 32]);
                assert!(!verify_consistency(old, new, &old_root, &new_root, &longer));
                assert!(!verify_consistency(new, old, &new_root, &old_root, &proof));
                // The roots of other sizes do not pass for these.
                if old + 1 < new {
                    assert!(!verify_consistency(
                        old + 1,
                        new,
                        &roots[old as usize + 1],
                        &new_root,
                        &proof
                    ));
                }
            }
            checked += 1;
        }
    }
    assert_eq!(checked, ((N + 1) * (N + 2) / 2) as u32);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Random trees, random proofs, one random byte altered by a random non-zero mask.
    #[test]
    fn random_alterations_are_refused(
        size in 2u64..300,
        seed in any::<u64>(),
        pick in any::<prop::sample::Index>(),
        byte in 0usize..32,
        mask in 1u8..=255,
    ) {
        let mut tree = MerkleTree::new();
        for i in 0..size {
            tree.push_leaf(&(seed ^ i).to_le_bytes());
        }
        let index = seed % size;
        let old = 1 + seed % (size - 1);
        let root = tree.current_root();
        let leaf = tree.leaf_hash(index).unwrap();
        let inclusion = tree.inclusion_proof(index, size).unwrap();
        prop_assert!(verify_inclusion(&leaf, index, size, &inclusion, &root));
        if !inclusion.is_empty() {
            let mut bad = inclusion.clone();
            bad[pick.index(inclusion.len())][byte] ^= mask;
            prop_assert!(!verify_inclusion(&leaf, index, size, &bad, &root));
        }
        let old_root = tree.root(old).unwrap();
        let consistency = tree.consistency_proof(old, size).unwrap();
        prop_assert!(verify_consistency(old, size, &old_root, &root, &consistency));
        let mut bad = consistency.clone();
        bad[pick.index(consistency.len())][byte] ^= mask;
        prop_assert!(!verify_consistency(old, size, &old_root, &root, &bad));
    }
}

#[test]
fn a_large_tree_appends_and_answers_quickly() {
    // 20 000 leaves: appends are amortized O(1), the root and proofs O(log n) hashes each.
    let mut tree = MerkleTree::new();
    let mut compact = CompactTree::new();
    for i in 0u64..20_000 {
        let hash = leaf_hash(&i.to_be_bytes());
        tree.push_hash(hash);
        compact.push_hash(hash);
    }
    let root = tree.current_root();
    assert_eq!(root, compact.root());
    for index in [0u64, 1, 16_383, 16_384, 19_999] {
        let proof = tree.inclusion_proof(index, 20_000).unwrap();
        assert!(proof.len() <= 15);
        assert!(verify_inclusion(
            &tree.leaf_hash(index).unwrap(),
            index,
            20_000,
            &proof,
            &root
        ));
    }
    let proof = tree.consistency_proof(16_385, 20_000).unwrap();
    assert!(verify_consistency(
        16_385,
        20_000,
        &tree.root(16_385).unwrap(),
        &root,
        &proof
    ));
}
