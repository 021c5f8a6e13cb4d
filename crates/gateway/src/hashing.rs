//! argon2 on a few fixed threads, each with its ~19 MiB of working memory
//! allocated once and reused. Allocated per hash (on whichever blocking-pool
//! thread ran it), the allocator's heap fragmented and kept growing: 96
//! sign-ins took a fresh gateway from 20 MiB to over 1 GiB. Here memory is
//! bounded by the threads, and a burst only waits longer.

use crate::crypto::{self, HashMemory};
use std::cell::RefCell;
use std::sync::{mpsc, Arc, Mutex};

thread_local! {
    /// Each hashing thread's argon2 memory, allocated once and reused.
    static MEMORY: RefCell<HashMemory> = const { RefCell::new(Vec::new()) };
}

fn with_memory<T>(f: impl FnOnce(&mut HashMemory) -> T) -> T {
    MEMORY.with(|m| f(&mut m.borrow_mut()))
}

type Job = Box<dyn FnOnce() + Send>;

/// The hashing threads; dropping this ends them once their queue is empty.
pub struct Hashers {
    jobs: mpsc::Sender<Job>,
}

#[derive(Debug, thiserror::Error)]
#[error("the password hashing threads stopped")]
pub struct Stopped;

impl Hashers {
    /// `threads` threads (at least one).
    pub fn start(threads: usize) -> std::io::Result<Hashers> {
        let (jobs, queue) = mpsc::channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        for i in 0..threads.max(1) {
            let queue = queue.clone();
            std::thread::Builder::new()
                .name(format!("argon2-{i}"))
                .spawn(move || loop {
                    let job = queue.lock().unwrap_or_else(|p| p.into_inner()).recv();
                    match job {
                        // A panic is the caller's failure (its answer is
                        // dropped), never the end of this thread.
                        Ok(job) => {
                            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
                        }
                        Err(_) => return,
                    }
                })?;
        }
        Ok(Hashers { jobs })
    }

    /// The threads for a gateway on this machine: one per core, at most four.
    pub fn for_this_machine() -> std::io::Result<Hashers> {
        Hashers::start(
            std::thread::available_parallelism()
                .map(|n| n.get().min(4))
                .unwrap_or(1),
        )
    }

    async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, Stopped> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.jobs
            .send(Box::new(move || {
                let _ = tx.send(f());
            }))
            .map_err(|_| Stopped)?;
        rx.await.map_err(|_| Stopped)
    }

    /// A new PHC hash of `password` (its error is argon2's, as text).
    pub async fn hash(&self, password: String) -> Result<Result<String, String>, Stopped> {
        self.run(move || with_memory(|m| crypto::hash_password_in(&password, m)))
            .await
    }

    /// Whether `password` matches the PHC `hash`.
    pub async fn verify(&self, password: String, hash: String) -> Result<bool, Stopped> {
        self.run(move || with_memory(|m| crypto::verify_password_in(&password, &hash, m)))
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_and_verifies_on_its_own_threads() {
        let h = Hashers::start(2).unwrap();
        let phc = h.hash("a long password".into()).await.unwrap().unwrap();
        assert!(h
            .verify("a long password".into(), phc.clone())
            .await
            .unwrap());
        assert!(!h.verify("another one".into(), phc).await.unwrap());
        let name = h
            .run(|| std::thread::current().name().map(str::to_string))
            .await
            .unwrap();
        assert!(name.unwrap().starts_with("argon2-"));
    }

    #[tokio::test]
    async fn a_panicking_job_leaves_the_thread_working() {
        let h = Hashers::start(1).unwrap();
        assert!(h.run(|| panic!("boom")).await.is_err());
        assert_eq!(h.run(|| 7).await.unwrap(), 7);
    }
}
