//! A fast, deterministic hash for maps keyed by names and short strings
//! that archgate builds millions of times per scan (Terraform scopes, the
//! rule context's indexes).
//!
//! The Firefox/rustc "Fx" hash: a multiply-rotate per 8 bytes, several
//! times faster than the standard library's SipHash on short keys. Not
//! for keys an attacker chooses to slow down a long-running service: the
//! keys here are names in the code being scanned, and flooding them only
//! slows down the scan of that code. Deterministic (no random seed), so
//! nothing that iterates such a map changes order between runs.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

/// The Fx hasher (see the module documentation).
#[derive(Default, Clone, Copy)]
pub struct FxHasher(u64);

const FX_SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(FX_SEED);
    }
}

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.add(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(w));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }

    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// A `HashMap` hashed with [`FxHasher`].
pub type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;
/// A `HashSet` hashed with [`FxHasher`].
pub type FxSet<K> = HashSet<K, BuildHasherDefault<FxHasher>>;

/// The Fx hash of a string (for indexes keyed by hash, whose hits are
/// then confirmed on the text).
pub fn fx_hash_str(s: &str) -> u64 {
    let mut h = FxHasher::default();
    h.write(s.as_bytes());
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_stable_and_tell_strings_apart() {
        assert_eq!(fx_hash_str("aws_vpc.main"), fx_hash_str("aws_vpc.main"));
        assert_ne!(fx_hash_str("aws_vpc.main"), fx_hash_str("aws_vpc.mai"));
        assert_ne!(fx_hash_str(""), fx_hash_str("a"));
        let mut m: FxMap<&str, u32> = FxMap::default();
        m.insert("a", 1);
        assert_eq!(m.get("a"), Some(&1));
    }
}
