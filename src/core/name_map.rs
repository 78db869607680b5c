//! A map from names to numbers kept as a sorted `Vec`: the error names, drop reasons and tab ids the
//! core counts, and the edge's sets of stored event ids. Binary search over one vector costs the
//! `.wasm` a fraction of a `BTreeMap`'s node, balancing and drop code; inserting or removing one name
//! moves the names after it, so callers removing many at once use [`NameMap::remove_many`].

/// Names mapped to `u64`s, iterated in name order (byte order), each name at most once.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NameMap {
    entries: Vec<(String, u64)>,
}

impl NameMap {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    fn find(&self, name: &str) -> core::result::Result<usize, usize> {
        self.entries
            .binary_search_by(|(entry, _)| entry.as_str().cmp(name))
    }

    /// The value under `name`.
    pub fn get(&self, name: &str) -> Option<&u64> {
        self.find(name).ok().map(|at| &self.entries[at].1)
    }

    /// Whether `name` has a value.
    pub fn contains_key(&self, name: &str) -> bool {
        self.find(name).is_ok()
    }

    /// The value under `name`, inserted as 0 when missing.
    pub fn value_mut(&mut self, name: &str) -> &mut u64 {
        let at = match self.find(name) {
            Ok(at) => at,
            Err(at) => {
                self.entries.insert(at, (name.to_owned(), 0));
                at
            }
        };
        &mut self.entries[at].1
    }

    /// Sets `name` to `value`.
    pub fn insert(&mut self, name: &str, value: u64) {
        *self.value_mut(name) = value;
    }

    /// Adds `count` to the value under `name` (0 when missing).
    pub fn add(&mut self, name: &str, count: u64) {
        *self.value_mut(name) += count;
    }

    /// Removes `name`; returns its value.
    pub fn remove(&mut self, name: &str) -> Option<u64> {
        let at = self.find(name).ok()?;
        Some(self.entries.remove(at).1)
    }

    /// Removes every one of `names` that has a value, in one pass over the map; returns the sum of
    /// the removed values.
    pub fn remove_many<'a>(&mut self, names: impl IntoIterator<Item = &'a str>) -> u64 {
        let mut doomed = vec![false; self.entries.len()];
        let mut removed = 0;
        for name in names {
            if let Ok(at) = self.find(name) {
                if !doomed[at] {
                    doomed[at] = true;
                    removed += self.entries[at].1;
                }
            }
        }
        let mut index = 0;
        self.entries.retain(|_| {
            index += 1;
            !doomed[index - 1]
        });
        removed
    }

    /// Keeps only the entries for which `keep` is true.
    pub fn retain(&mut self, mut keep: impl FnMut(&str, u64) -> bool) {
        self.entries.retain(|(name, value)| keep(name, *value));
    }

    /// The entries in name order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, u64)> {
        self.entries
            .iter()
            .map(|(name, value)| (name.as_str(), *value))
    }

    /// The sum of all values.
    pub fn total(&self) -> u64 {
        self.entries.iter().map(|(_, value)| value).sum()
    }

    /// How many names have a value.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no name has a value.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn behaves_like_a_btree_map_in_name_order() {
        let mut map = NameMap::new();
        let mut model = BTreeMap::new();
        let mut state = 7u64;
        for step in 0..2_000u64 {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let name = ["b", "a", "ab", "", "z", "é", "B", "aa"][(state >> 33) as usize % 8];
            match step % 4 {
                0 | 1 => {
                    map.add(name, step);
                    *model.entry(name.to_owned()).or_insert(0) += step;
                }
                2 => assert_eq!(map.remove(name), model.remove(name)),
                _ => {
                    map.insert(name, step);
                    model.insert(name.to_owned(), step);
                }
            }
            let expected: Vec<(&str, u64)> = model.iter().map(|(k, v)| (k.as_str(), *v)).collect();
            assert_eq!(map.iter().collect::<Vec<_>>(), expected);
            assert_eq!(map.get(name), model.get(name));
            assert_eq!(map.contains_key("a"), model.contains_key("a"));
            assert_eq!(map.total(), model.values().sum::<u64>());
        }
        let before = map.total();
        let removed = map.remove_many(["a", "z", "a", "missing"]);
        for name in ["a", "z"] {
            assert_eq!(map.get(name), None);
            model.remove(name);
        }
        assert_eq!(before - removed, model.values().sum::<u64>());
        assert!(map
            .iter()
            .map(|(k, _)| k)
            .eq(model.keys().map(String::as_str)));
        map.retain(|name, _| name.len() == 1);
        model.retain(|name, _| name.len() == 1);
        assert_eq!(map.len(), model.len());
        assert!(map
            .iter()
            .map(|(k, _)| k)
            .eq(model.keys().map(String::as_str)));
    }
}
