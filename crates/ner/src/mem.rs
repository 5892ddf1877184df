//! Memory layout helpers for the large lookup tables tagging reads at random:
//! huge-page backed allocation, cache prefetch, and the open-addressing map
//! the lexicon uses.

/// `n` copies of `zero` in a fresh vector. On Linux a large vector is asked
/// to be backed by transparent huge pages before it is first touched: table
/// lookups are random, and with 4 KiB pages nearly every one also misses the TLB.
pub(crate) fn zeroed<T: Copy>(n: usize, zero: T) -> Vec<T> {
    #[allow(unused_mut)]
    let mut v: Vec<T> = Vec::with_capacity(n);
    #[cfg(target_os = "linux")]
    {
        const HUGE: usize = 2 << 20;
        let start = v.as_ptr() as usize;
        let end = start + n * std::mem::size_of::<T>();
        let (a, b) = (start.next_multiple_of(HUGE), end / HUGE * HUGE);
        if b > a {
            // SAFETY: [a, b) lies inside the vector's allocation, which this
            // function owns; MADV_HUGEPAGE only changes how the kernel backs
            // the pages, never their contents. A failure is harmless and ignored.
            unsafe {
                libc::madvise(a as *mut libc::c_void, b - a, libc::MADV_HUGEPAGE);
            }
        }
    }
    v.resize(n, zero);
    v
}

/// Hints the CPU to load the cache line holding `p` (no effect elsewhere).
#[inline(always)]
pub(crate) fn prefetch<T>(p: *const T) {
    #[cfg(target_arch = "x86_64")]
    {
        // SAFETY: a prefetch is a hint; it never faults, even for an invalid address.
        #[allow(unused_unsafe)]
        unsafe {
            std::arch::x86_64::_mm_prefetch(p as *const i8, std::arch::x86_64::_MM_HINT_T0)
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

/// Slot index of `key` in a table of `cap` slots (multiply-shift).
#[inline(always)]
pub(crate) fn home(key: u64, cap: usize) -> usize {
    ((key as u128 * cap as u128) >> 64) as usize
}

/// Open-addressing map from pre-hashed `u64` keys to `u32` values, with
/// linear probing and prefetch. Keys are hashes: 0 is stored as 1 (0 marks an
/// empty slot), so keys 0 and 1 collide like any two equal hashes.
#[derive(Clone, Debug)]
pub(crate) struct HashTable {
    slots: Vec<(u64, u32)>,
    len: usize,
}

impl Default for HashTable {
    fn default() -> Self {
        HashTable::with_capacity(0)
    }
}

#[inline(always)]
fn nz(key: u64) -> u64 {
    key.max(1)
}

impl HashTable {
    /// A table that holds `n` keys without growing.
    pub fn with_capacity(n: usize) -> HashTable {
        // rounded up: with n * 5 / 2 an odd n left the table one slot short
        // of its load limit, and the n-th insert grew it
        HashTable::with_slots((n * 5).div_ceil(2).max(8))
    }

    fn with_slots(slots: usize) -> HashTable {
        HashTable {
            slots: zeroed(slots, (0, 0)),
            len: 0,
        }
    }

    /// Number of slots (for tests of the growth policy).
    #[cfg(test)]
    fn slot_count(&self) -> usize {
        self.slots.len()
    }

    /// Whether the table holds no keys.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Number of keys.
    pub fn len(&self) -> usize {
        self.len
    }

    /// A table of `(key, value)` pairs (a later duplicate key wins).
    pub fn from_pairs(pairs: impl ExactSizeIterator<Item = (u64, u32)>) -> HashTable {
        let mut t = HashTable::with_capacity(pairs.len());
        for (k, v) in pairs {
            *t.entry(k, v) = v;
        }
        t
    }

    /// Every key and value, sorted by key (the serialised form).
    pub fn sorted(&self) -> Vec<(u64, u32)> {
        let mut v: Vec<(u64, u32)> = self.iter().collect();
        v.sort_unstable();
        v
    }

    #[inline(always)]
    fn find(&self, key: u64) -> usize {
        let cap = self.slots.len();
        let mut i = home(key, cap);
        loop {
            let k = self.slots[i].0;
            if k == key || k == 0 {
                return i;
            }
            i = if i + 1 == cap { 0 } else { i + 1 };
        }
    }

    /// The value of `key`.
    #[inline(always)]
    pub fn get(&self, key: u64) -> Option<u32> {
        let key = nz(key);
        let s = self.slots[self.find(key)];
        (s.0 == key).then_some(s.1)
    }

    /// Loads the home slot of `key` into the cache.
    #[inline(always)]
    pub fn prefetch(&self, key: u64) {
        prefetch(
            self.slots
                .as_ptr()
                .wrapping_add(home(nz(key), self.slots.len())),
        );
    }

    /// The value of `key`, inserted as `default` when absent.
    pub fn entry(&mut self, key: u64, default: u32) -> &mut u32 {
        if (self.len + 1) * 5 > self.slots.len() * 2 {
            // twice the slots (with_capacity would take the slot count for a
            // key count and make five times as many)
            let mut bigger = HashTable::with_slots(self.slots.len() * 2);
            for &(k, v) in self.slots.iter().filter(|s| s.0 != 0) {
                *bigger.entry(k, v) = v;
            }
            *self = bigger;
        }
        let key = nz(key);
        let i = self.find(key);
        if self.slots[i].0 == 0 {
            self.slots[i] = (key, default);
            self.len += 1;
        }
        &mut self.slots[i].1
    }

    /// Every key and value, in slot order.
    pub fn iter(&self) -> impl Iterator<Item = (u64, u32)> + '_ {
        self.slots.iter().copied().filter(|s| s.0 != 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_table_grows_and_keeps_every_key() {
        let mut t = HashTable::default();
        for k in 1..=10_000u64 {
            *t.entry(k.wrapping_mul(0x9e37_79b9_7f4a_7c15), 0) += k as u32;
        }
        assert_eq!(t.len, 10_000);
        for k in 1..=10_000u64 {
            assert_eq!(t.get(k.wrapping_mul(0x9e37_79b9_7f4a_7c15)), Some(k as u32));
        }
        assert_eq!(t.get(12345), None);
        assert_eq!(t.iter().count(), 10_000);
        // key 0 is a valid key (stored as 1)
        assert_eq!(t.get(0), None);
        *t.entry(0, 7) += 0;
        assert_eq!(t.get(0), Some(7));
        let pairs = t.sorted();
        assert_eq!(pairs.len(), t.len());
        assert!(pairs.windows(2).all(|w| w[0].0 < w[1].0));
        let back = HashTable::from_pairs(pairs.iter().copied());
        assert_eq!(back.sorted(), pairs);
    }

    #[test]
    fn a_table_built_for_n_keys_never_grows_while_taking_them() {
        for n in [1usize, 7, 1001, 518_143] {
            // keys spread over all 64 bits, as the hashed keys of a model are
            let pairs: Vec<(u64, u32)> = (1..=n as u64)
                .map(|k| (k.wrapping_mul(0x9e37_79b9_7f4a_7c15), k as u32))
                .collect();
            let t = HashTable::from_pairs(pairs.into_iter());
            assert_eq!(t.len(), n);
            assert_eq!(t.slot_count(), (n * 5).div_ceil(2).max(8), "n = {n}");
        }
        let mut t = HashTable::with_capacity(4);
        let before = t.slot_count();
        for k in 1..=5u64 {
            *t.entry(k, 0) = 1;
        }
        assert_eq!(t.slot_count(), 2 * before, "growth doubles the slots");
    }

    #[test]
    fn zeroed_is_zeroed() {
        let v = zeroed(5 << 20, 0i16);
        assert_eq!(v.len(), 5 << 20);
        assert!(v.iter().all(|&x| x == 0));
    }
}
