//! The watched folder's files, handled without following links: the folder is
//! writable by whoever exports records (an EHR, a scanner, a colleague), so a
//! name in it, or its `imported/` and `failed/` folders, may have been made a
//! link to anywhere on this computer. On Unix every step goes through an open
//! handle of the folder (`openat`, `renameat`) with `O_NOFOLLOW`, so nothing
//! can be swapped between a check and its use.

use std::io;
use std::path::{Path, PathBuf};

/// Why a file of the folder was not read.
#[derive(Debug, thiserror::Error)]
pub enum Refused {
    #[error("links are not followed")]
    Link,
    #[error("it is not a regular file")]
    NotRegular,
    #[error("it is larger than {} MiB", .0 >> 20)]
    TooLarge(u64),
    #[error("it cannot be read: {0}")]
    Io(#[from] io::Error),
}

/// Why a subfolder cannot take files.
#[derive(Debug, thiserror::Error)]
#[error("{path} is a link or not a folder; records are moved only into a real folder. Remove it (the desk creates the folder again).")]
pub struct LinkedSubfolder {
    pub path: PathBuf,
}

pub struct DropFolder {
    path: PathBuf,
    #[cfg(unix)]
    fd: std::os::fd::OwnedFd,
}

/// A subfolder (`imported`, `failed`) opened for moving files into.
pub struct Subfolder {
    path: PathBuf,
    #[cfg(unix)]
    fd: std::os::fd::OwnedFd,
}

impl Subfolder {
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// An open file's bytes, at most `max` of them (`expected`: what its size
/// said, to allocate once): bounded even if the file grows while it is read.
fn read_at_most(file: std::fs::File, max: u64, expected: usize) -> Result<Vec<u8>, Refused> {
    use std::io::Read;
    let mut bytes = Vec::with_capacity(expected);
    file.take(max + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        return Err(Refused::TooLarge(max));
    }
    Ok(bytes)
}

#[cfg(unix)]
mod imp {
    use super::*;
    use rustix::fs::{self as rfs, Mode, OFlags, CWD};

    fn err(e: rustix::io::Errno) -> io::Error {
        io::Error::from_raw_os_error(e.raw_os_error())
    }

    impl DropFolder {
        /// The folder the staff chose (a link there is theirs to make).
        pub fn open(path: &Path) -> io::Result<DropFolder> {
            let fd = rfs::openat(
                CWD,
                path,
                OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
                Mode::empty(),
            )
            .map_err(err)?;
            Ok(DropFolder {
                path: path.to_path_buf(),
                fd,
            })
        }

        /// A file's bytes, opened once without following a link, checked on
        /// the open file (regular, at most `max` bytes) and read from it.
        pub fn read(&self, name: &str, max: u64) -> Result<Vec<u8>, Refused> {
            // NONBLOCK: opening a FIFO someone left here must not hang the watch.
            let fd = rfs::openat(
                &self.fd,
                name,
                OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC,
                Mode::empty(),
            )
            .map_err(|e| match e {
                rustix::io::Errno::LOOP => Refused::Link,
                e => Refused::Io(err(e)),
            })?;
            let st = rfs::fstat(&fd).map_err(err)?;
            if rfs::FileType::from_raw_mode(st.st_mode) != rfs::FileType::RegularFile {
                return Err(Refused::NotRegular);
            }
            let size = st.st_size as u64;
            if size > max {
                return Err(Refused::TooLarge(max));
            }
            read_at_most(std::fs::File::from(fd), max, size as usize)
        }

        /// `name` of this folder as a real folder (created when missing);
        /// a link there is refused.
        pub fn subfolder(&self, name: &str) -> Result<Subfolder, SubfolderError> {
            let path = self.path.join(name);
            match rfs::mkdirat(&self.fd, name, Mode::from_raw_mode(0o700)) {
                Ok(()) | Err(rustix::io::Errno::EXIST) => {}
                Err(e) => {
                    return Err(SubfolderError::Io {
                        path,
                        source: err(e),
                    })
                }
            }
            match rfs::openat(
                &self.fd,
                name,
                OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
                Mode::empty(),
            ) {
                Ok(fd) => Ok(Subfolder { path, fd }),
                Err(rustix::io::Errno::LOOP | rustix::io::Errno::NOTDIR) => {
                    Err(SubfolderError::Linked(LinkedSubfolder { path }))
                }
                Err(e) => Err(SubfolderError::Io {
                    path,
                    source: err(e),
                }),
            }
        }

        /// Moves `name` into `to` (a link of that name there is replaced,
        /// never followed). Its new path.
        pub fn move_into(&self, name: &str, to: &Subfolder) -> io::Result<PathBuf> {
            rfs::renameat(&self.fd, name, &to.fd, name).map_err(err)?;
            Ok(to.path.join(name))
        }
    }

    impl Subfolder {
        /// Writes a new file `name` here, replacing a file of that name and
        /// never writing through a link.
        pub fn write_new(&self, name: &str, text: &str) -> io::Result<()> {
            use std::io::Write;
            match rfs::unlinkat(&self.fd, name, rfs::AtFlags::empty()) {
                Ok(()) | Err(rustix::io::Errno::NOENT) => {}
                Err(e) => return Err(err(e)),
            }
            // EXCL with CREAT never follows a link, even a dangling one.
            let fd = rfs::openat(
                &self.fd,
                name,
                OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC,
                Mode::from_raw_mode(0o600),
            )
            .map_err(err)?;
            std::fs::File::from(fd).write_all(text.as_bytes())
        }
    }
}

#[cfg(not(unix))]
mod imp {
    //! Elsewhere, by path: each step checks the name is not a link first.
    use super::*;

    impl DropFolder {
        pub fn open(path: &Path) -> io::Result<DropFolder> {
            std::fs::read_dir(path)?;
            Ok(DropFolder {
                path: path.to_path_buf(),
            })
        }

        pub fn read(&self, name: &str, max: u64) -> Result<Vec<u8>, Refused> {
            let path = self.path.join(name);
            let meta = std::fs::symlink_metadata(&path)?;
            if meta.file_type().is_symlink() {
                return Err(Refused::Link);
            }
            if !meta.is_file() {
                return Err(Refused::NotRegular);
            }
            read_at_most(std::fs::File::open(&path)?, max, 0)
        }

        pub fn subfolder(&self, name: &str) -> Result<Subfolder, SubfolderError> {
            let path = self.path.join(name);
            match std::fs::symlink_metadata(&path) {
                Ok(m) if m.is_dir() => Ok(Subfolder { path }),
                Ok(_) => Err(SubfolderError::Linked(LinkedSubfolder { path })),
                Err(e) if e.kind() == io::ErrorKind::NotFound => {
                    std::fs::create_dir(&path).map_err(|source| SubfolderError::Io {
                        path: path.clone(),
                        source,
                    })?;
                    Ok(Subfolder { path })
                }
                Err(source) => Err(SubfolderError::Io { path, source }),
            }
        }

        pub fn move_into(&self, name: &str, to: &Subfolder) -> io::Result<PathBuf> {
            let dest = to.path.join(name);
            std::fs::rename(self.path.join(name), &dest)?;
            Ok(dest)
        }
    }

    impl Subfolder {
        pub fn write_new(&self, name: &str, text: &str) -> io::Result<()> {
            use std::io::Write;
            let path = self.path.join(name);
            match std::fs::remove_file(&path) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
            std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)?
                .write_all(text.as_bytes())
        }
    }
}

/// Why a subfolder could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum SubfolderError {
    #[error(transparent)]
    Linked(LinkedSubfolder),
    #[error("cannot create or open {}: {source}", .path.display())]
    Io { path: PathBuf, source: io::Error },
}
