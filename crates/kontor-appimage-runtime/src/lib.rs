//! Kontor's AppImage runtime (pkg11b): the ELF program at the start of Kontor's AppImage (type 2: the magic
//! `AI\x02` at offset 8, a SquashFS image of the AppDir appended). Modules: [`elf`] finds where the image starts,
//! [`extract`] unpacks it, [`run`] extracts into a per-user cache and execs `AppRun`. No FUSE is assumed.
//! `scripts/package.sh` builds the AppImage from this runtime and `mksquashfs`.

pub mod elf;
pub mod extract;
pub mod run;
