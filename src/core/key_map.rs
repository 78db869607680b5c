//! A map from 64-bit key hashes to values: a probe table (open addressing, linear probing, at most
//! half full, backward-shift removal, no tombstones) of small slots pointing into a dense `Vec` of
//! the entries.
//!
//! The queue's keys are already hashes of partition keys, so the map only mixes their bits to pick
//! a slot. Lookups, inserts and removals take expected O(1) probes; it is far smaller in the `.wasm`
//! than `std`'s `HashMap`.

/// A map from `u64` keys (already hashes) to `V`.
#[derive(Debug)]
pub struct KeyMap<V> {
    /// The probe table: small slots, so probing stays in cache however large `V` is.
    slots: Vec<Slot>,
    /// The entries, densely packed; a slot points into this.
    entries: Vec<(u64, V)>,
}

#[derive(Clone, Copy, Debug, Default)]
struct Slot {
    key: u64,
    /// The entry's index plus one; 0 for a free slot.
    entry: usize,
}

impl<V> Default for KeyMap<V> {
    fn default() -> Self {
        KeyMap {
            slots: Vec::new(),
            entries: Vec::new(),
        }
    }
}

/// Slots of a map's first table.
const MIN_SLOTS: usize = 16;

impl<V> KeyMap<V> {
    /// Entries held.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no entry is held.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn mask(&self) -> usize {
        self.slots.len().wrapping_sub(1)
    }

    fn home(&self, key: u64) -> usize {
        let mixed = (key ^ (key >> 32)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        (mixed >> 32) as usize & self.mask()
    }

    /// The slot holding `key` and the index of its entry, if any.
    fn find(&self, key: u64) -> Option<(usize, usize)> {
        let mask = self.mask();
        let mut at = self.home(key);
        loop {
            let slot = self.slots.get(at)?;
            if slot.entry == 0 {
                return None;
            }
            if slot.key == key {
                return Some((at, slot.entry - 1));
            }
            at = (at + 1) & mask;
        }
    }

    /// The value of `key`.
    pub fn get(&self, key: u64) -> Option<&V> {
        let (_, at) = self.find(key)?;
        Some(&self.entries.get(at)?.1)
    }

    /// The value of `key`, mutable.
    pub fn get_mut(&mut self, key: u64) -> Option<&mut V> {
        let (_, at) = self.find(key)?;
        Some(&mut self.entries.get_mut(at)?.1)
    }

    /// The value of `key`, inserting `make()` first when `key` is absent.
    pub fn get_or_insert_with(&mut self, key: u64, make: impl FnOnce() -> V) -> &mut V {
        let at = match self.find(key) {
            Some((_, at)) => at,
            None => {
                if (self.entries.len() + 1) * 2 > self.slots.len() {
                    self.grow();
                }
                let at = self.entries.len();
                let free = self.free_slot(key);
                self.slots[free] = Slot { key, entry: at + 1 };
                self.entries.push((key, make()));
                at
            }
        };
        &mut self.entries[at].1
    }

    /// The first free slot on `key`'s probe path (there is one: the table is at most half full).
    fn free_slot(&self, key: u64) -> usize {
        let mut at = self.home(key);
        while self.slots[at].entry != 0 {
            at = (at + 1) & self.mask();
        }
        at
    }

    fn grow(&mut self) {
        let size = (self.slots.len() * 2).max(MIN_SLOTS);
        self.slots = vec![Slot::default(); size];
        for (index, &(key, _)) in self.entries.iter().enumerate() {
            let at = self.free_slot(key);
            self.slots[at] = Slot {
                key,
                entry: index + 1,
            };
        }
    }

    /// Removes `key` and returns its value.
    pub fn remove(&mut self, key: u64) -> Option<V> {
        let (mut hole, index) = self.find(key)?;
        self.slots[hole].entry = 0;
        let mask = self.mask();
        let mut at = hole;
        loop {
            at = (at + 1) & mask;
            let slot = self.slots[at];
            if slot.entry == 0 {
                break;
            }
            // The entry may fill the hole when the hole lies on its probe path (home ..= at).
            let home = self.home(slot.key);
            if at.wrapping_sub(home) & mask >= at.wrapping_sub(hole) & mask {
                self.slots[hole] = slot;
                self.slots[at].entry = 0;
                hole = at;
            }
        }
        let (_, value) = self.entries.swap_remove(index);
        if let Some(&(moved, _)) = self.entries.get(index) {
            if let Some((at, _)) = self.find(moved) {
                self.slots[at].entry = index + 1;
            }
        }
        Some(value)
    }

    /// Every entry, in no particular order.
    pub fn iter_mut(&mut self) -> impl Iterator<Item = (u64, &mut V)> {
        self.entries.iter_mut().map(|(key, value)| (*key, value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::rng::Rng;
    use std::collections::HashMap;

    #[test]
    fn agrees_with_std_hash_map_under_random_operations() {
        let mut rng = Rng::new(7);
        for key_space in [4u64, 40, 400, 1 << 40] {
            let mut map = KeyMap::default();
            let mut model = HashMap::new();
            for step in 0..20_000u64 {
                // Keys that collide in their low bits too, to exercise long probe runs.
                let key = (rng.next_u64() % key_space) << (step % 3 * 16);
                match rng.next_u64() % 4 {
                    0 | 1 => {
                        *map.get_or_insert_with(key, || 0u64) += step;
                        *model.entry(key).or_insert(0u64) += step;
                    }
                    2 => assert_eq!(map.remove(key), model.remove(&key), "remove {key}"),
                    _ => assert_eq!(map.get(key), model.get(&key), "get {key}"),
                }
                assert_eq!(map.len(), model.len());
            }
            for (key, value) in &model {
                assert_eq!(map.get(*key), Some(value));
            }
            let mut seen: Vec<(u64, u64)> = map.iter_mut().map(|(k, v)| (k, *v)).collect();
            let mut expected: Vec<(u64, u64)> = model.into_iter().collect();
            seen.sort_unstable();
            expected.sort_unstable();
            assert_eq!(seen, expected);
        }
    }
}
