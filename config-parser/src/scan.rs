//! Finding the bytes that give a line its structure, 64 bytes at a time: line ends (`\n`),
//! `=`, and the comment characters `#` and `;`. 16-byte vector compares (SSE2 on x86-64,
//! NEON on aarch64, plain code elsewhere, through `wide`) turn a block into one bit per
//! byte for each kind, and the grammar reads positions off the bits. A 1 MB file has tens
//! of thousands of these bytes; finding each costs a few instructions, and no line is
//! searched byte by byte for them.

use wide::u8x16;

/// The structural bytes of one 64-byte block: bit `i` is byte `i` of the block.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Block {
    pub(crate) newlines: u64,
    pub(crate) equals: u64,
    /// `#` and `;`.
    pub(crate) comments: u64,
}

impl Block {
    fn of(bytes: &[u8; 64]) -> Self {
        let (chunks, _) = bytes.as_chunks::<16>();
        let [newline, equals, hash, semicolon] = [b'\n', b'=', b'#', b';'].map(u8x16::splat);
        let mut block = Self::default();
        for (index, chunk) in chunks.iter().enumerate() {
            let bytes = u8x16::new(*chunk);
            let shift = 16 * index;
            let bits = |hits: u8x16| u64::from(hits.to_bitmask()) << shift;
            block.newlines |= bits(bytes.simd_eq(newline));
            block.equals |= bits(bytes.simd_eq(equals));
            block.comments |= bits(bytes.simd_eq(hash) | bytes.simd_eq(semicolon));
        }
        block
    }
}

/// The blocks of a text with their offsets, in order. The last block is padded with
/// zeros, which are none of the structural bytes.
pub(crate) fn blocks(text: &[u8]) -> impl Iterator<Item = (usize, Block)> + '_ {
    let (whole, tail) = text.as_chunks::<64>();
    let padded = (!tail.is_empty()).then(|| {
        let mut last = [0_u8; 64];
        if let Some(head) = last.get_mut(..tail.len()) {
            head.copy_from_slice(tail);
        }
        last
    });
    whole
        .iter()
        .map(Block::of)
        .chain(padded.as_ref().map(Block::of))
        .enumerate()
        .map(|(index, block)| (64 * index, block))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The positions of one kind of byte, read off the blocks.
    fn positions(text: &[u8], kind: fn(&Block) -> u64) -> Vec<usize> {
        let mut out = Vec::new();
        for (offset, block) in blocks(text) {
            let mut bits = kind(&block);
            while bits != 0 {
                out.push(offset + bits.trailing_zeros() as usize);
                bits &= bits - 1;
            }
        }
        out
    }

    #[test]
    fn every_structural_byte_is_found_across_blocks_and_in_the_tail() {
        for len in [0, 1, 15, 16, 17, 63, 64, 65, 127, 128, 200] {
            let text: Vec<u8> = (0..len).map(|i| b"\n=#;a \xc3"[i % 7]).collect();
            let expect = |wanted: &[u8]| -> Vec<usize> {
                (0..len).filter(|&i| wanted.contains(&text[i])).collect()
            };
            assert_eq!(positions(&text, |b| b.newlines), expect(b"\n"), "{len}");
            assert_eq!(positions(&text, |b| b.equals), expect(b"="), "{len}");
            assert_eq!(positions(&text, |b| b.comments), expect(b"#;"), "{len}");
        }
    }
}
