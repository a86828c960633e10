//! Where the ELF runtime ends and the appended SquashFS image begins (`--appimage-offset`).
//!
//! The end of the ELF file is the furthest byte any header describes: the section header table, the program
//! header table, and every section or segment that has bytes in the file. The official runtime uses the end of
//! the section header table only (linkers put it last); taking the maximum also covers a binary whose sections
//! come after their table.

use std::io::{self, Read, Seek, SeekFrom};

/// The SquashFS 4 magic, little-endian (`hsqs`).
pub const SQUASHFS_MAGIC: [u8; 4] = *b"hsqs";
/// The AppImage type-2 magic at offset 8 of the runtime (`AI` and the type, 2).
pub const APPIMAGE_MAGIC: [u8; 3] = *b"AI\x02";

const SHT_NOBITS: u32 = 8;

/// Why an offset could not be found.
#[derive(Debug)]
pub enum OffsetError {
    Io(io::Error),
    NotElf,
    /// A header points outside of what 64 bits can hold.
    Corrupt(&'static str),
    /// There is no SquashFS image where the ELF file ends.
    NoSquashfs(u64),
}

impl std::fmt::Display for OffsetError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OffsetError::Io(e) => write!(f, "cannot read the image: {e}"),
            OffsetError::NotElf => write!(f, "the file is not an ELF executable"),
            OffsetError::Corrupt(what) => write!(f, "the ELF header is broken: {what}"),
            OffsetError::NoSquashfs(at) => {
                write!(f, "no SquashFS image follows the runtime (at offset {at})")
            }
        }
    }
}

impl std::error::Error for OffsetError {}

impl From<io::Error> for OffsetError {
    fn from(e: io::Error) -> Self {
        OffsetError::Io(e)
    }
}

struct Endian {
    big: bool,
}

impl Endian {
    fn u16(&self, b: &[u8]) -> u64 {
        let v = [b[0], b[1]];
        u64::from(if self.big {
            u16::from_be_bytes(v)
        } else {
            u16::from_le_bytes(v)
        })
    }
    fn u32(&self, b: &[u8]) -> u64 {
        let v = [b[0], b[1], b[2], b[3]];
        u64::from(if self.big {
            u32::from_be_bytes(v)
        } else {
            u32::from_le_bytes(v)
        })
    }
    fn u64(&self, b: &[u8]) -> u64 {
        let mut v = [0u8; 8];
        v.copy_from_slice(&b[..8]);
        if self.big {
            u64::from_be_bytes(v)
        } else {
            u64::from_le_bytes(v)
        }
    }
}

fn read_at<R: Read + Seek>(r: &mut R, at: u64, buf: &mut [u8]) -> Result<(), OffsetError> {
    r.seek(SeekFrom::Start(at))?;
    r.read_exact(buf)?;
    Ok(())
}

fn end_of(offset: u64, size: u64) -> Result<u64, OffsetError> {
    offset
        .checked_add(size)
        .ok_or(OffsetError::Corrupt("an offset overflows"))
}

/// The size of the ELF file at the start of `r` (32 or 64 bit, either byte order).
pub fn elf_size<R: Read + Seek>(r: &mut R) -> Result<u64, OffsetError> {
    let mut ident = [0u8; 64];
    r.seek(SeekFrom::Start(0))?;
    let got = r.read(&mut ident)?;
    if got < 52 || ident[..4] != *b"\x7fELF" {
        return Err(OffsetError::NotElf);
    }
    let wide = match ident[4] {
        1 => false,
        2 => true,
        _ => return Err(OffsetError::NotElf),
    };
    let e = Endian {
        big: match ident[5] {
            1 => false,
            2 => true,
            _ => return Err(OffsetError::NotElf),
        },
    };
    if wide && got < 64 {
        return Err(OffsetError::NotElf);
    }
    // (offset, entry size, count) of the program and section header tables.
    let (phoff, phentsize, phnum, shoff, shentsize, shnum) = if wide {
        (
            e.u64(&ident[32..]),
            e.u16(&ident[54..]),
            e.u16(&ident[56..]),
            e.u64(&ident[40..]),
            e.u16(&ident[58..]),
            e.u16(&ident[60..]),
        )
    } else {
        (
            e.u32(&ident[28..]),
            e.u16(&ident[42..]),
            e.u16(&ident[44..]),
            e.u32(&ident[32..]),
            e.u16(&ident[46..]),
            e.u16(&ident[48..]),
        )
    };
    let mut end = if wide { 64 } else { 52 };
    end = end.max(end_of(phoff, phentsize * phnum)?);
    end = end.max(end_of(shoff, shentsize * shnum)?);

    let entry_len = if wide { 64 } else { 40 };
    if shoff != 0 && shentsize >= entry_len {
        let mut sh = vec![0u8; shentsize as usize];
        for i in 0..shnum {
            read_at(r, end_of(shoff, i * shentsize)?, &mut sh)?;
            let kind = e.u32(&sh[4..]) as u32;
            let (offset, size) = if wide {
                (e.u64(&sh[24..]), e.u64(&sh[32..]))
            } else {
                (e.u32(&sh[16..]), e.u32(&sh[20..]))
            };
            if kind != SHT_NOBITS && kind != 0 {
                end = end.max(end_of(offset, size)?);
            }
        }
    }
    let entry_len = if wide { 56 } else { 32 };
    if phoff != 0 && phentsize >= entry_len {
        let mut ph = vec![0u8; phentsize as usize];
        for i in 0..phnum {
            read_at(r, end_of(phoff, i * phentsize)?, &mut ph)?;
            let (offset, filesz) = if wide {
                (e.u64(&ph[8..]), e.u64(&ph[32..]))
            } else {
                (e.u32(&ph[4..]), e.u32(&ph[16..]))
            };
            end = end.max(end_of(offset, filesz)?);
        }
    }
    Ok(end)
}

/// The offset of the SquashFS image appended to the ELF runtime at the start of `r`.
pub fn squashfs_offset<R: Read + Seek>(r: &mut R) -> Result<u64, OffsetError> {
    let at = elf_size(r)?;
    let mut magic = [0u8; 4];
    match read_at(r, at, &mut magic) {
        Ok(()) if magic == SQUASHFS_MAGIC => Ok(at),
        Ok(()) => Err(OffsetError::NoSquashfs(at)),
        Err(OffsetError::Io(e)) if e.kind() == io::ErrorKind::UnexpectedEof => {
            Err(OffsetError::NoSquashfs(at))
        }
        Err(e) => Err(e),
    }
}

/// Whether the file carries the AppImage type-2 magic at offset 8.
pub fn is_type2_appimage<R: Read + Seek>(r: &mut R) -> io::Result<bool> {
    let mut head = [0u8; 11];
    r.seek(SeekFrom::Start(0))?;
    match r.read_exact(&mut head) {
        Ok(()) => Ok(head[..4] == *b"\x7fELF" && head[8..11] == APPIMAGE_MAGIC),
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => Ok(false),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    /// A minimal 64-bit little-endian ELF: header, one program header, `sections` section headers at
    /// `shoff`, and a PROGBITS section at `data_at` of `data_len` bytes.
    fn elf64(shoff: u64, data_at: u64, data_len: u64, file_len: usize) -> Vec<u8> {
        let mut f = vec![0u8; file_len];
        f[..4].copy_from_slice(b"\x7fELF");
        f[4] = 2;
        f[5] = 1;
        f[6] = 1;
        f[32..40].copy_from_slice(&64u64.to_le_bytes()); // e_phoff
        f[40..48].copy_from_slice(&shoff.to_le_bytes()); // e_shoff
        f[54..56].copy_from_slice(&56u16.to_le_bytes()); // e_phentsize
        f[56..58].copy_from_slice(&1u16.to_le_bytes()); // e_phnum
        f[58..60].copy_from_slice(&64u16.to_le_bytes()); // e_shentsize
        f[60..62].copy_from_slice(&2u16.to_le_bytes()); // e_shnum
                                                        // program header: a LOAD segment of the first 0x100 bytes
        let ph = 64;
        f[ph..ph + 4].copy_from_slice(&1u32.to_le_bytes());
        f[ph + 32..ph + 40].copy_from_slice(&0x100u64.to_le_bytes());
        // section 0 is the null section; section 1 is PROGBITS at data_at
        let sh = shoff as usize + 64;
        f[sh + 4..sh + 8].copy_from_slice(&1u32.to_le_bytes());
        f[sh + 24..sh + 32].copy_from_slice(&data_at.to_le_bytes());
        f[sh + 32..sh + 40].copy_from_slice(&data_len.to_le_bytes());
        f
    }

    #[test]
    fn the_section_header_table_at_the_end_ends_the_file() {
        // sections' data before the table, the table last (what linkers make)
        let f = elf64(0x200, 0x100, 0x80, 0x200 + 128);
        assert_eq!(elf_size(&mut Cursor::new(&f)).unwrap(), 0x280);
    }

    #[test]
    fn a_section_after_its_table_ends_the_file() {
        let f = elf64(0x100, 0x300, 0x40, 0x340);
        assert_eq!(elf_size(&mut Cursor::new(&f)).unwrap(), 0x340);
    }

    #[test]
    fn the_squashfs_image_is_found_where_the_elf_file_ends() {
        let mut f = elf64(0x200, 0x100, 0x80, 0x200 + 128);
        f.extend_from_slice(b"hsqs and the rest of an image");
        assert_eq!(squashfs_offset(&mut Cursor::new(&f)).unwrap(), 0x280);
    }

    #[test]
    fn a_runtime_without_an_image_is_told_apart() {
        let f = elf64(0x200, 0x100, 0x80, 0x200 + 128);
        assert!(matches!(
            squashfs_offset(&mut Cursor::new(&f)),
            Err(OffsetError::NoSquashfs(0x280))
        ));
        let mut g = f.clone();
        g.extend_from_slice(b"junk");
        assert!(matches!(
            squashfs_offset(&mut Cursor::new(&g)),
            Err(OffsetError::NoSquashfs(0x280))
        ));
    }

    #[test]
    fn a_file_that_is_not_elf_is_refused() {
        assert!(matches!(
            elf_size(&mut Cursor::new(
                b"#!/bin/sh\necho hello, this is not an ELF file\n..........."
            )),
            Err(OffsetError::NotElf)
        ));
        assert!(matches!(
            elf_size(&mut Cursor::new(b"\x7fELF")),
            Err(OffsetError::NotElf)
        ));
    }

    #[test]
    fn a_header_pointing_beyond_64_bits_is_refused_not_wrapped() {
        let mut f = elf64(0x200, 0x100, 0x80, 0x200 + 128);
        f[40..48].copy_from_slice(&(u64::MAX - 8).to_le_bytes());
        assert!(matches!(
            elf_size(&mut Cursor::new(&f)),
            Err(OffsetError::Corrupt(_))
        ));
    }

    #[test]
    fn this_test_binary_is_measured_to_its_last_byte() {
        // A real linker's output: its ELF size is its file size (nothing is appended to it).
        let exe = std::env::current_exe().unwrap();
        let len = std::fs::metadata(&exe).unwrap().len();
        let mut f = std::fs::File::open(&exe).unwrap();
        assert_eq!(elf_size(&mut f).unwrap(), len);
    }

    #[test]
    fn the_type2_magic_is_read_at_offset_8() {
        let mut f = elf64(0x200, 0x100, 0x80, 0x280);
        assert!(!is_type2_appimage(&mut Cursor::new(&f)).unwrap());
        f[8..11].copy_from_slice(&APPIMAGE_MAGIC);
        assert!(is_type2_appimage(&mut Cursor::new(&f)).unwrap());
        assert!(!is_type2_appimage(&mut Cursor::new(b"AI")).unwrap());
    }
}
