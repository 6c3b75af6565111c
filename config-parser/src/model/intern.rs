//! The key interner: every distinct property key of both files, lower-cased and validated
//! once, behind a small direct-mapped cache of recent spellings.

use super::names::is_valid_name;
use super::span::small;

/// An interned property key: an index into [`Keys`].
pub(super) type KeyId = u32;

/// Every distinct property key of both files, lower-cased and validated once. Keys repeat
/// across thousands of profiles: the parse checks each distinct spelling once, and a
/// lookup finds the lower-case name of a key written with upper-case letters here.
pub(super) struct Keys {
    ids: hashbrown::HashMap<Box<str>, KeyId>,
    names: Vec<Box<str>>,
    valid: Vec<bool>,
    /// The spellings met most recently, exactly as written, in slots chosen by their
    /// [`Spelling`] hash: a large file repeats a few spellings thousands of times, and a
    /// hit here costs a hash and a comparison of three words.
    recent: Vec<Option<(Spelling, Box<str>, KeyId)>>,
}

/// The most slots of the spelling cache: a file has a few dozen distinct keys at most.
const MAX_RECENT_SLOTS: usize = 256;

/// A key's length and its first and last eight bytes (a key shorter than eight bytes is
/// packed whole into `head`, with `tail` zero): for keys of up to 16 bytes, the whole key.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Spelling {
    len: usize,
    head: u64,
    tail: u64,
}

impl Spelling {
    fn of(key: &[u8]) -> Self {
        let (head, tail) = match (key.first_chunk::<8>(), key.last_chunk::<8>()) {
            (Some(head), Some(tail)) => (u64::from_le_bytes(*head), u64::from_le_bytes(*tail)),
            _ => (key.iter().fold(0, |w, &b| w << 8 | u64::from(b)), 0),
        };
        Self {
            len: key.len(),
            head,
            tail,
        }
    }

    /// A slot among `slots`, a power of two.
    fn slot(self, slots: usize) -> usize {
        let mixed = (self.head ^ self.tail.rotate_left(32) ^ self.len as u64)
            .wrapping_mul(0x9e37_79b9_7f4a_7c15);
        // The top bits mix best; `slots - 1` also bounds the result for one slot.
        usize::try_from(mixed >> (64 - slots.trailing_zeros().max(1))).unwrap_or(0) & (slots - 1)
    }

    /// Whether `key`, of this spelling, is `cached`, also of this spelling.
    fn same_key(self, key: &str, cached: &str) -> bool {
        self.len <= 16 || key == cached
    }
}

impl Keys {
    /// Interned keys for `bytes` of input: the spelling cache grows with the input, up to
    /// [`MAX_RECENT_SLOTS`], so a small file does not pay for a large cache.
    pub(super) fn for_input(bytes: usize) -> Self {
        let slots = (bytes / 512)
            .next_power_of_two()
            .clamp(16, MAX_RECENT_SLOTS);
        Self {
            ids: hashbrown::HashMap::default(),
            names: Vec::new(),
            valid: Vec::new(),
            recent: vec![None; slots],
        }
    }

    pub(super) fn intern(&mut self, key: &str) -> KeyId {
        let spelling = Spelling::of(key.as_bytes());
        let slot = spelling.slot(self.recent.len());
        if let Some(Some((cached, text, id))) = self.recent.get(slot)
            && *cached == spelling
            && spelling.same_key(key, text)
        {
            return *id;
        }
        let id = if key.bytes().any(|b| b.is_ascii_uppercase()) {
            self.intern_lowercase(&key.to_ascii_lowercase())
        } else {
            self.intern_lowercase(key)
        };
        if let Some(entry) = self.recent.get_mut(slot) {
            *entry = Some((spelling, key.into(), id));
        }
        id
    }

    fn intern_lowercase(&mut self, key: &str) -> KeyId {
        if let Some(&id) = self.ids.get(key) {
            return id;
        }
        let id = small(self.names.len());
        self.ids.insert(key.into(), id);
        self.names.push(key.into());
        self.valid.push(is_valid_name(key));
        id
    }

    pub(super) fn find(&self, key: &str) -> Option<KeyId> {
        self.ids.get(key).copied()
    }

    pub(super) fn name(&self, id: KeyId) -> &str {
        self.names.get(id as usize).map_or("", AsRef::as_ref)
    }

    pub(super) fn is_valid(&self, id: KeyId) -> bool {
        self.valid.get(id as usize).copied().unwrap_or(false)
    }
}
