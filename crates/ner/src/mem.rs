//! Memory layout helpers for the large lookup tables tagging reads at random:
//! huge-page backed allocation, cache prefetch, and the open-addressing map
//! the lexicon uses.

use std::borrow::Cow;

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
///
/// A table is either built in memory (training, version 2 model files) or
/// the raw slots of a version 3 model file ([`HashTable::from_raw`]), read in
/// place: [`RAW_SLOT`] bytes per slot, the key then the value, little-endian.
/// A raw table becomes an in-memory one on its first insertion.
#[derive(Clone)]
pub(crate) struct HashTable {
    slots: Slots,
    len: usize,
}

#[derive(Clone)]
enum Slots {
    Owned(Vec<(u64, u32)>),
    Raw(Cow<'static, [u8]>),
}

/// Bytes per slot of a raw table: a `u64` key and a `u32` value.
pub(crate) const RAW_SLOT: usize = 12;

impl std::fmt::Debug for HashTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HashTable")
            .field("len", &self.len)
            .field("slots", &self.slot_count())
            .field("raw", &matches!(self.slots, Slots::Raw(_)))
            .finish()
    }
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

/// Key and value of raw slot `i` (`b` holds whole slots).
#[inline(always)]
fn raw_slot(b: &[u8], i: usize) -> (u64, u32) {
    let s = &b[i * RAW_SLOT..(i + 1) * RAW_SLOT];
    (
        u64::from_le_bytes(s[..8].try_into().expect("8 bytes")),
        u32::from_le_bytes(s[8..].try_into().expect("4 bytes")),
    )
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
            slots: Slots::Owned(zeroed(slots, (0, 0))),
            len: 0,
        }
    }

    /// The table whose raw slots ([`HashTable::to_raw`]) are `bytes`,
    /// holding `len` keys. Lookups probe at most every slot once, so any
    /// bytes of a whole number of slots are safe to read; errors otherwise.
    pub fn from_raw(bytes: Cow<'static, [u8]>, len: usize) -> Result<HashTable, String> {
        if bytes.is_empty() || bytes.len() % RAW_SLOT != 0 {
            return Err(format!(
                "{} bytes is not a whole, non-zero number of {RAW_SLOT}-byte slots",
                bytes.len()
            ));
        }
        if len >= bytes.len() / RAW_SLOT {
            return Err(format!(
                "{len} keys do not fit {} slots with one left empty",
                bytes.len() / RAW_SLOT
            ));
        }
        Ok(HashTable {
            slots: Slots::Raw(bytes),
            len,
        })
    }

    /// The slots as [`HashTable::from_raw`] reads them (same positions).
    pub fn to_raw(&self) -> Vec<u8> {
        match &self.slots {
            Slots::Raw(b) => b.to_vec(),
            Slots::Owned(s) => {
                let mut out = Vec::with_capacity(s.len() * RAW_SLOT);
                for &(k, v) in s {
                    out.extend_from_slice(&k.to_le_bytes());
                    out.extend_from_slice(&v.to_le_bytes());
                }
                out
            }
        }
    }

    /// Number of slots.
    pub fn slot_count(&self) -> usize {
        match &self.slots {
            Slots::Owned(s) => s.len(),
            Slots::Raw(b) => b.len() / RAW_SLOT,
        }
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

    /// The slot holding `key`, or the empty slot where it would go; `None`
    /// when neither turns up after probing every slot (a full raw table).
    #[inline(always)]
    fn find_owned(slots: &[(u64, u32)], key: u64) -> Option<usize> {
        let cap = slots.len();
        let mut i = home(key, cap);
        for _ in 0..cap {
            let k = slots[i].0;
            if k == key || k == 0 {
                return Some(i);
            }
            i = if i + 1 == cap { 0 } else { i + 1 };
        }
        None
    }

    /// The value of `key`.
    #[inline(always)]
    pub fn get(&self, key: u64) -> Option<u32> {
        let key = nz(key);
        match &self.slots {
            Slots::Owned(s) => {
                let s = s[Self::find_owned(s, key)?];
                (s.0 == key).then_some(s.1)
            }
            Slots::Raw(b) => {
                let cap = b.len() / RAW_SLOT;
                let mut i = home(key, cap);
                for _ in 0..cap {
                    let (k, v) = raw_slot(b, i);
                    if k == key {
                        return Some(v);
                    }
                    if k == 0 {
                        return None;
                    }
                    i = if i + 1 == cap { 0 } else { i + 1 };
                }
                None
            }
        }
    }

    /// Loads the home slot of `key` into the cache.
    #[inline(always)]
    pub fn prefetch(&self, key: u64) {
        let i = home(nz(key), self.slot_count());
        match &self.slots {
            Slots::Owned(s) => prefetch(s.as_ptr().wrapping_add(i)),
            Slots::Raw(b) => prefetch(b.as_ptr().wrapping_add(i * RAW_SLOT)),
        }
    }

    /// The value of `key`, inserted as `default` when absent.
    pub fn entry(&mut self, key: u64, default: u32) -> &mut u32 {
        if let Slots::Raw(b) = &self.slots {
            let owned = (0..b.len() / RAW_SLOT).map(|i| raw_slot(b, i)).collect();
            self.slots = Slots::Owned(owned);
        }
        let cap = self.slot_count();
        if (self.len + 1) * 5 > cap * 2 {
            // twice the slots (with_capacity would take the slot count for a
            // key count and make five times as many)
            self.grow(cap * 2);
        }
        let key = nz(key);
        let i = loop {
            let Slots::Owned(s) = &self.slots else {
                unreachable!("made owned above")
            };
            match Self::find_owned(s, key) {
                Some(i) => break i,
                // only a raw table with a wrong key count fills up
                None => self.grow(self.slot_count() * 2),
            }
        };
        let Slots::Owned(s) = &mut self.slots else {
            unreachable!("made owned above")
        };
        if s[i].0 == 0 {
            s[i] = (key, default);
            self.len += 1;
        }
        &mut s[i].1
    }

    fn grow(&mut self, slots: usize) {
        let mut bigger = HashTable::with_slots(slots);
        for (k, v) in self.iter() {
            *bigger.entry(k, v) = v;
        }
        *self = bigger;
    }

    /// Every key and value, in slot order.
    pub fn iter(&self) -> impl Iterator<Item = (u64, u32)> + '_ {
        let (owned, raw): (&[(u64, u32)], &[u8]) = match &self.slots {
            Slots::Owned(s) => (s, &[]),
            Slots::Raw(b) => (&[], b),
        };
        owned
            .iter()
            .copied()
            .chain((0..raw.len() / RAW_SLOT).map(move |i| raw_slot(raw, i)))
            .filter(|s| s.0 != 0)
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
    fn raw_tables_answer_like_the_table_they_were_written_from() {
        let pairs: Vec<(u64, u32)> = (1..=1000u64)
            .map(|k| (k.wrapping_mul(0x9e37_79b9_7f4a_7c15), k as u32))
            .collect();
        let t = HashTable::from_pairs(pairs.iter().copied());
        let raw = HashTable::from_raw(Cow::Owned(t.to_raw()), t.len()).unwrap();
        assert_eq!(raw.slot_count(), t.slot_count());
        assert_eq!(raw.len(), 1000);
        for &(k, v) in &pairs {
            assert_eq!(raw.get(k), Some(v));
        }
        assert_eq!(raw.get(12345), None);
        assert_eq!(raw.sorted(), t.sorted());
        assert_eq!(raw.to_raw(), t.to_raw());
        // the first insertion turns it into an in-memory table
        let mut raw = raw;
        *raw.entry(7, 0) = 9;
        assert_eq!(raw.get(7), Some(9));
        assert_eq!(raw.get(pairs[0].0), Some(pairs[0].1));
        assert_eq!(raw.len(), 1001);
    }

    #[test]
    fn a_full_raw_table_terminates_lookups_and_insertions() {
        // every slot taken: a lookup of an absent key must not spin
        let mut bytes = Vec::new();
        for k in 1..=8u64 {
            bytes.extend_from_slice(&k.to_le_bytes());
            bytes.extend_from_slice(&(k as u32).to_le_bytes());
        }
        assert!(HashTable::from_raw(Cow::Owned(bytes.clone()), 8).is_err());
        // a file may lie about its key count: still no endless probe
        let mut t = HashTable::from_raw(Cow::Owned(bytes), 0).unwrap();
        assert_eq!(t.get(3), Some(3));
        assert_eq!(t.get(99), None);
        *t.entry(99, 1) = 1;
        assert_eq!(t.get(99), Some(1));
        assert!(HashTable::from_raw(Cow::Owned(vec![0; 13]), 0).is_err());
        assert!(HashTable::from_raw(Cow::Owned(Vec::new()), 0).is_err());
    }

    #[test]
    fn zeroed_is_zeroed() {
        let v = zeroed(5 << 20, 0i16);
        assert_eq!(v.len(), 5 << 20);
        assert!(v.iter().all(|&x| x == 0));
    }
}
